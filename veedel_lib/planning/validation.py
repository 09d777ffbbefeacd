"""Loading and validating the plan workbooks: every problem with file, sheet, row and column, in German.

The workbook engine (:mod:`veedel_lib.workbook.reader`) reads and types the sheets; this module holds the plans'
rules. Validation collects every problem of every workbook and raises one :class:`DataValidationError`. Person
columns (Ansprechperson, E-Mail) are checked and then dropped, and a public text that contains an e-mail
address is a problem: public plans name offices and organisations, never persons. Baselines are never typed
in: the loader takes each goal's baseline from the data (:mod:`.baselines`: the area's value of the goal's
indicator in its baseline year, with the counts behind it for disclosure control). A baseline typed into the
workbook is compared with the data, and so is the target with the baseline's side: these depend on the data,
which the city revises, so a difference is not an error but a note on the goal (``baseline_note``, without the
value: it may rest on counts that disclosure control withholds), which the plan document shows where the
baseline is published. Links are checked: goals to Handlungserfordernisse, strategies, measures and decisions
to goals, measures to projects of the Kernprozess documentation, and bottom-up Handlungserfordernisse to themes
the Sozialraumkoordination passed to the Sozialplanung.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from ..files import content_key, kept_per_file
from ..inputs.dataset import Dataset
from ..inputs.readers import RawTable
from ..kernprozess.documentation import Documentation, documentation_path, load_documentation
from ..kernprozess.schema import DOCUMENTATION_FOLDER, PROJECT_NUMBER
from ..kernprozess.schema import load_config as load_kernprozess_config
from ..params.areas import Area
from ..params.catalogue import Catalogue, Indicator
from ..params.run_config import parameters_dir as default_parameters_dir
from ..safe_output import find_contacts, without_bidi
from ..workbook import Column, Sheet, number_key
from ..workbook.reader import SheetReader, empty_frame, normal, read_sheets, typed_frame
from ..workbook.schema import NUMBER_TYPES, repeated_numbers
from .baselines import BASELINE_COLUMNS, baseline_facts, goal_baselines
from .schema import (
    DRUCKSACHE,
    FIELD_VOCABULARY,
    INDICATOR_VOCABULARY,
    PLANS_FOLDER,
    SHEET_BY_KEY,
    SHEETS,
    PlanningConfig,
    load_config,
    parse_period,
    period_label,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
DIRECTION_OF = {"senken": "higher_is_worse", "steigern": "higher_is_better"}
"""The indicator direction a goal's Richtung agrees with (a fall is the aim where higher is worse)."""


def plan_path(data_dir: str | Path, area_id: str) -> Path:
    """Where the plan workbook of an area lives in a data folder."""
    return Path(data_dir) / PLANS_FOLDER / f"{area_id}.xlsx"


@dataclass
class Plans:
    """Validated plans of some areas, without any person column; one frame per sheet.

    ``plans``: area_id, period ("2021–2025"), start, end (years), planning_conference, milestone_conference, lead.
    ``needs``: area_id, period, number, source, indicator, field, city_theme, text, themes_passed (bottom-up: themes
    of the field passed to the Sozialplanung). ``goals``: area_id, period, number, needs (list), indicator, label,
    unit, indicator_direction, direction ("senken"/"steigern"), baseline_year, baseline_value, baseline_numerator,
    baseline_denominator, threshold, denominator_threshold, target, target_year, text, baseline_note. ``strategies``: area_id,
    period, number, goals, text. ``measures``: area_id, period, number, title, field, goals, lead, partners,
    planned_start, planned_end, start, end, status, budget, spent (EUR), funding, projects (list), output,
    output_target, output_actual. ``decisions``: area_id, period, committee, date, drucksache, kind, goals, text.
    Every frame has ``row``, the spreadsheet row the record came from (for tracing, not for reports).
    """

    plans: pd.DataFrame
    needs: pd.DataFrame
    goals: pd.DataFrame
    strategies: pd.DataFrame
    measures: pd.DataFrame
    decisions: pd.DataFrame
    area_ids: list[str]
    files: list[Path] = field(default_factory=list)

    def table(self, key: str) -> pd.DataFrame:
        return getattr(self, key)

    def of(self, area_id: str, period: str | None = None) -> "Plans":
        """The plans of one area (and one period), same shape."""
        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            chosen = frame["area_id"] == area_id
            if period is not None:
                chosen &= frame["period"] == period
            return frame[chosen].reset_index(drop=True)

        return replace(self, **{s.key: pick(getattr(self, s.key)) for s in SHEETS}, area_ids=[area_id])

    def periods(self, area_id: str) -> list[str]:
        """The plan periods of an area, oldest first."""
        rows = self.plans[self.plans["area_id"] == area_id].sort_values("start")
        return list(rows["period"])

    def period_for(self, area_id: str, year: int) -> str | None:
        """The plan period of an area that contains ``year``, else the latest that began before it, else the
        first; None without any plan."""
        rows = self.plans[self.plans["area_id"] == area_id].sort_values("start")
        if rows.empty:
            return None
        inside = rows[(rows["start"] <= year) & (rows["end"] >= year)]
        before = rows[rows["start"] <= year]
        chosen = inside.iloc[0] if len(inside) else before.iloc[-1] if len(before) else rows.iloc[0]
        return str(chosen["period"])

    def plan(self, area_id: str, period: str) -> pd.Series:
        """The row of the Plan sheet for an area's period."""
        rows = self.plans[(self.plans["area_id"] == area_id) & (self.plans["period"] == period)]
        return rows.iloc[0]


def indicator_lookup(catalogue: Catalogue) -> dict[str, Indicator]:
    """Every way a planner may name an indicator (id, label, short label), normalised, to the indicator."""
    lookup = {}
    for indicator in catalogue.indicators:
        for name in (indicator.id, indicator.label, indicator.short_label):
            if name:
                lookup[normal(name)] = indicator
    return lookup


def vocabularies(config: PlanningConfig, parameters: Path, catalogue: Catalogue) -> dict[str, list[str]]:
    """All drop-down lists of the plan workbook: planung.yml, the Handlungsfelder, the catalogue's indicators."""
    fields = load_kernprozess_config(parameters).vocabularies["handlungsfelder"]
    return {**config.vocabularies, FIELD_VOCABULARY: fields,
            INDICATOR_VOCABULARY: [i.label for i in catalogue.indicators]}


class _SheetReader(SheetReader):
    """Types one sheet of one workbook, collecting problems; person columns are checked and never kept."""

    def __init__(self, table: RawTable, sheet: Sheet, context: "_Context"):
        super().__init__(table, sheet, context.problems, context.vocabularies)
        self.context = context

    def run(self) -> pd.DataFrame | None:
        """The sheet's records with their spreadsheet ``row`` and 0-based ``position``; None when a column is
        missing. Object columns keep None as None (pandas would infer strings and NaN)."""
        read = self.read()
        if read is None:
            return None
        positions, values = read
        typed = {key: pd.Series(column, dtype=float if self.sheet.by_key(key).type in NUMBER_TYPES else object)
                 for key, column in values.items()}
        return pd.DataFrame({"row": pd.Series(self.rows(positions), dtype="int64"),
                             "position": pd.Series(positions, dtype="int64"), **typed})

    def empty(self, column: Column) -> object:
        return [] if column.type == "refs" else None

    def typed(self, text: str, column: Column, position: int) -> object:
        context = self.context
        if column.type == "area":
            area = context.area
            if normal(text) not in {normal(n) for n in (area.id, area.code, area.name, *area.other_names)}:
                self.add(position, column.header, f"Gebiet '{text}' passt nicht zur Datei (erwartet: {area.name})")
            return area.id
        if column.type == "period":
            years = parse_period(text)
            if years is None or not context.config.first_year <= years[0] <= years[1] <= 2100:
                self.add(position, column.header, f"kein gültiger Planungszeitraum (Wert: {text!r}, erwartet z. B. "
                                                  f"2021–2025, frühestens ab {context.config.first_year})")
                return None
            return period_label(*years)
        if column.type == "code":
            value = text.upper().replace(" ", "")
            if not re.match(rf"^{column.prefix}-\d{{1,3}}$", value):
                self.add(position, column.header, f"keine gültige Nummer (Wert: {text!r}, erwartet z. B. "
                                                  f"{column.prefix}-1)")
                return None
            return value
        if column.type == "refs":
            return self._refs(text, column, position)
        if column.type == "indicator":
            return self._indicator(text, column, position)
        if column.type == "choice":
            return super().typed(text, column, position)
        if column.type == "year":
            if not re.match(r"^\d{4}$", text) or not context.config.first_year <= int(text) <= 2100:
                self.add(position, column.header, f"kein gültiges Jahr (Wert: {text!r}, erwartet JJJJ ab "
                                                  f"{context.config.first_year})")
                return None
            return int(text)
        if column.type == "date":
            value = super().typed(text, column, position)
            if value is not None and (value.year < context.config.first_year or value.year > 2100):
                self.add(position, column.header, f"Datum {value:%d.%m.%Y} vor {context.config.first_year}")
                return None
            return value
        if column.type == "drucksache":
            value = text.upper().replace(" ", "")
            if not DRUCKSACHE.match(value):
                self.add(position, column.header, f"keine gültige Drucksachen-Nr. (Wert: {text!r}, erwartet z. B. "
                                                  "1234/2021 oder AN/0123/2021)")
                return None
            return value
        if column.type == "email":
            if not EMAIL.fullmatch(text):
                self.add(position, column.header, "keine gültige E-Mail-Adresse (die Spalte wird ohnehin nie "
                                                  "veröffentlicht)")
            return None
        if column.type == "person":
            return None
        for kind in dict.fromkeys(c.kind for c in find_contacts(text)):  # public text, contacts in any spelling
            self.add(position, column.header, f"enthält eine {kind}: öffentliche Pläne nennen keine Personen "
                                              "(Kontakt bitte in die Spalten „Ansprechperson“ und „E-Mail“)")
        return without_bidi(text)

    def _refs(self, text: str, column: Column, position: int) -> list[str]:
        tokens = [t for t in re.split(r"[,;\s]+", text.upper()) if t]
        pattern = PROJECT_NUMBER if column.prefix == "P" else rf"^{column.prefix}-\d{{1,3}}$"
        bad = [t for t in tokens if not re.match(pattern, t)]
        if bad:
            example = "P-2022-07" if column.prefix == "P" else f"{column.prefix}-1"
            self.add(position, column.header, f"ungültige Nummer {', '.join(repr(b) for b in bad)} (erwartet z. B. "
                                              f"{example}, mehrere durch Komma getrennt)")
        return [t for t in tokens if t not in bad]

    def _indicator(self, text: str, column: Column, position: int) -> str | None:
        indicator = self.context.indicators.get(normal(text))
        if indicator is None:
            self.add(position, column.header, f"unbekannter Indikator {text!r} (erlaubt: die Indikatoren aus "
                                              "indicators.yml, Name oder Kennung)")
            return None
        return indicator.id


@dataclass
class _Context:
    """What the checks of one workbook need: area, parameters, vocabularies, data, documentation, today."""

    area: Area
    config: PlanningConfig
    vocabularies: dict[str, list[str]]
    indicators: dict[str, Indicator]
    ds: Dataset
    documentation: Documentation | None
    has_documentation: bool
    today: _dt.date
    level: float
    problems: ProblemCollector


class _Workbook:
    """The cross-sheet checks of one area's workbook, on the typed sheets."""

    def __init__(self, path: Path, context: _Context):
        self.path, self.context = path, context
        self.tables: dict[str, RawTable] = {}
        self.frames: dict[str, pd.DataFrame] = {}

    def problem(self, key: str, position: int, header: str, reason: str) -> None:
        self.context.problems.extend([self.tables[key].problem(position, header, reason)])

    def read(self) -> bool:
        """Read and type every sheet; False when a sheet or a column is missing (cross checks need them all)."""
        self.tables = read_sheets(self.path, SHEETS, self.context.problems)
        complete = len(self.tables) == len(SHEETS)
        for sheet in SHEETS:
            if sheet.key not in self.tables:
                continue
            frame = _SheetReader(self.tables[sheet.key], sheet, self.context).run()
            if frame is None:
                complete = False
            else:
                self.frames[sheet.key] = frame
        return complete

    def check(self) -> None:
        self._periods()
        self._codes()
        self._references()
        self._needs()
        self._goals()
        self._measures()
        self._decisions()

    # ------------------------------------------------------------------ rules
    def _periods(self) -> None:
        """Plan periods of the area do not overlap; every other row names a period of the Plan sheet."""
        plans = self.frames["plans"]
        seen: list[tuple[int, int, str, int]] = []
        for record in plans.itertuples():
            if record.period is None:
                continue
            start, end = parse_period(record.period)
            for other_start, other_end, label, row in seen:
                if start <= other_end and other_start <= end:
                    self.problem("plans", record.position, "Planungszeitraum",
                                 f"Planungszeitraum {record.period} überschneidet sich mit {label} (Zeile {row})")
            seen.append((start, end, record.period, record.row))
            for header, key in (("Planungskonferenz", "planning_conference"),
                                ("Meilensteinkonferenz", "milestone_conference")):
                day = getattr(record, key)
                if day is not None and not start - 1 <= day.year <= end:
                    self.problem("plans", record.position, header, f"Datum {day:%d.%m.%Y} liegt nicht im Jahr vor "
                                                                   f"oder im Planungszeitraum {record.period}")
        known = set(plans["period"].dropna())
        for sheet in SHEETS[1:]:
            for record in self.frames[sheet.key].itertuples():
                if record.period is not None and record.period not in known:
                    self.problem(sheet.key, record.position, "Planungszeitraum",
                                 f"Planungszeitraum {record.period} steht nicht auf dem Blatt „Plan“")

    def _codes(self) -> None:
        """Each number (H-1, Z-1, ...) once per plan period and sheet, also when spelled with leading zeros."""
        for sheet in SHEETS:
            if "number" not in self.frames[sheet.key]:
                continue
            frame = self.frames[sheet.key]
            records = list(frame.itertuples())
            for index, row, spelled in repeated_numbers(list(zip(frame["period"], frame["number"], frame["row"]))):
                record = records[index]
                if spelled == record.number:
                    self.problem(sheet.key, record.position, "Nr.", f"Nummer {record.number} steht für "
                                                                    f"{record.period} schon in Zeile {row}")
                else:
                    self.problem(sheet.key, record.position, "Nr.", f"Nummer {record.number} gleicht {spelled} in "
                                                                    f"Zeile {row} bis auf führende Nullen: das wären "
                                                                    "zwei verschiedene Nummern (bitte eine davon "
                                                                    "ändern)")

    def _known(self, key: str) -> set[tuple]:
        frame = self.frames[key]
        return {(p, n) for p, n in zip(frame["period"], frame["number"]) if n is not None}

    def _references(self) -> None:
        """Links to Handlungserfordernisse and goals of the same period, and to Kernprozess projects."""
        needs, goals = self._known("needs"), self._known("goals")
        links = [("goals", "needs", "Handlungserfordernis", needs, "Handlungserfordernis"),
                 ("strategies", "goals", "Ziele", goals, "Ziel"), ("measures", "goals", "Ziele", goals, "Ziel"),
                 ("decisions", "goals", "Ziele", goals, "Ziel")]
        for sheet, column, header, known, word in links:
            target = "needs" if word == "Handlungserfordernis" else "goals"
            spellings = {(p, number_key(n)): (n, r) for p, n, r in zip(self.frames[target]["period"],
                                                                      self.frames[target]["number"],
                                                                      self.frames[target]["row"]) if isinstance(n, str)}
            for record in self.frames[sheet].itertuples():
                unknown = [n for n in getattr(record, column) if (record.period, n) not in known]
                if unknown and record.period is not None:
                    near = [spellings.get((record.period, number_key(n))) for n in unknown]
                    hint = "".join(f"; {n} gleicht {other[0]} (Blatt „{SHEET_BY_KEY[target].name}“, Zeile "
                                   f"{other[1]}) nur bis auf führende Nullen" for n, other in zip(unknown, near) if other)
                    self.problem(sheet, record.position, header, f"{word} {', '.join(unknown)} gibt es im Plan "
                                                                 f"{record.period} nicht{hint}")
        projects = set()
        documentation = self.context.documentation
        if documentation is not None:
            mine = documentation.projects[documentation.projects["area_id"] == self.context.area.id]
            projects = set(mine["number"])
        for record in self.frames["measures"].itertuples():
            unknown = [n for n in record.projects if n not in projects]
            if unknown:
                where = ("in der Dokumentation der Kernprozesse" if self.context.has_documentation else
                         f"(im Datenordner fehlt die Dokumentation der Kernprozesse, {DOCUMENTATION_FOLDER}/)")
                self.problem("measures", record.position, "Projekt-Nr.",
                             f"Projekt {', '.join(unknown)} gibt es {where} für {self.context.area.name} nicht")

    def _needs(self) -> None:
        """The column a source needs is filled; a bottom-up field has themes passed to the Sozialplanung."""
        config = self.context.config
        frame = self.frames["needs"]
        required = {config.analysis_source: ("indicator", "Indikator"),
                    config.bottom_up_source: ("field", "Handlungsfeld"),
                    config.top_down_source: ("city_theme", "gesamtstädtisches Thema")}
        passed = self._passed_themes()
        counts = []
        for record in frame.itertuples():
            count = np.nan
            if record.source in required:
                key, header = required[record.source]
                if getattr(record, key) is None:
                    self.problem("needs", record.position, header, f"Pflichtangabe fehlt (bei Quelle "
                                                                   f"„{record.source}“)")
            if record.source == config.bottom_up_source and record.field is not None:
                count = passed.get(record.field, 0)
                if not count:
                    where = ("ist in der Dokumentation der Kernprozesse kein an die Sozialplanung weitergegebenes "
                             "Thema verzeichnet" if self.context.has_documentation else
                             f"lässt sich nicht prüfen: im Datenordner fehlt die Dokumentation ({DOCUMENTATION_FOLDER}/)")
                    self.problem("needs", record.position, "Handlungsfeld", f"Im Handlungsfeld „{record.field}“ {where}")
            counts.append(count)
        frame["themes_passed"] = counts

    def _passed_themes(self) -> dict[str, int]:
        """Themes of the area passed to the Sozialplanung, by Handlungsfeld (the bottom-up link)."""
        documentation = self.context.documentation
        if documentation is None:
            return {}
        themes = documentation.themes
        mine = themes[(themes["area_id"] == self.context.area.id) & themes["passed"]]
        return mine.groupby("field").size().to_dict()

    def _goals(self) -> None:
        """Direction fits the indicator, years in order, baseline from the data, target in the goal's direction."""
        context = self.context
        frame = self.frames["goals"]
        periods = {p: parse_period(p) for p in frame["period"].dropna().unique()}
        wanted = {(i, y) for i, y in zip(frame["indicator"], frame["baseline_year"]) if i and y}
        baselines = goal_baselines(context.ds, context.area.id, wanted, context.level)
        catalogue = context.ds.catalogue
        added: dict[str, list] = {k: [] for k in (*BASELINE_COLUMNS, "baseline_note")}
        for record in frame.itertuples():
            indicator = catalogue.indicator(record.indicator) if record.indicator else None
            facts = baseline_facts(context.ds, indicator, baselines.get((record.indicator, record.baseline_year)))
            for key, fact in facts.items():
                added[key].append(fact)
            value = facts["baseline_value"]
            added["baseline_note"].append("")
            if indicator is not None and record.direction is not None and indicator.direction != "neutral" \
                    and DIRECTION_OF[record.direction] != indicator.direction:
                wish = "höhere" if indicator.direction == "higher_is_better" else "niedrigere"
                self.problem("goals", record.position, "Richtung", f"„{record.direction}“ widerspricht dem Indikator "
                                                                   f"{indicator.label} ({wish} Werte sind günstig)")
            start = periods.get(record.period, (None, None))[0]
            if record.baseline_year is not None and start is not None and record.baseline_year > start:
                self.problem("goals", record.position, "Basisjahr", f"Basisjahr {record.baseline_year} liegt nach "
                                                                    f"dem Beginn des Plans {record.period}")
            if record.baseline_year is not None and record.target_year is not None \
                    and record.target_year <= record.baseline_year:
                self.problem("goals", record.position, "Zieljahr", f"Zieljahr {record.target_year} liegt nicht nach "
                                                                   f"dem Basisjahr {record.baseline_year}")
            if indicator is not None and indicator.bounded:
                typed_values = (("Zielwert", record.target), ("Basiswert (aus den Daten)", record.baseline_typed))
                for header, typed in typed_values:
                    if np.isfinite(typed) and typed > indicator.scale:
                        self.problem("goals", record.position, header, _above_whole(indicator, typed))
            if indicator is None or record.baseline_year is None:
                continue
            if not np.isfinite(value):
                self.problem("goals", record.position, "Basisjahr",
                             f"für {indicator.label} im Basisjahr {record.baseline_year} liegen für "
                             f"{context.area.name} keine Daten vor")
                continue
            note = []
            if np.isfinite(record.baseline_typed) and abs(record.baseline_typed - value) > \
                    context.config.goal_tolerance + 1e-9:
                note.append("Der in der Mappe eingetragene Basiswert weicht vom Wert aus den Daten ab; verwendet wird "
                            "der Wert aus den Daten.")
            if np.isfinite(record.target) and record.direction is not None:
                wrong = record.target >= value if record.direction == "senken" else record.target <= value
                if wrong:
                    note.append(f"Der Zielwert liegt nicht {'unter' if record.direction == 'senken' else 'über'} "
                                f"dem Basiswert, obwohl der Wert {record.direction} soll.")
            added["baseline_note"][-1] = " ".join(note)
        for key, values in added.items():
            frame[key] = values

    def _measures(self) -> None:
        """Dates in order, actual dates where the status needs them, an output target for a named output."""
        config = self.context.config
        for record in self.frames["measures"].itertuples():
            if record.planned_start and record.planned_end and record.planned_end < record.planned_start:
                self.problem("measures", record.position, "Ende geplant", f"Ende {record.planned_end:%d.%m.%Y} liegt "
                                                                          f"vor dem Beginn {record.planned_start:%d.%m.%Y}")
            if record.start and record.end and record.end < record.start:
                self.problem("measures", record.position, "Ende tatsächlich oder voraussichtlich",
                             f"Ende {record.end:%d.%m.%Y} liegt vor dem Beginn {record.start:%d.%m.%Y}")
            if record.status in config.started_statuses and record.start is None:
                self.problem("measures", record.position, "Beginn tatsächlich",
                             f"Beginn fehlt (Pflicht bei Status „{record.status}“)")
            if record.status in config.finished_statuses and record.end is None:
                self.problem("measures", record.position, "Ende tatsächlich oder voraussichtlich",
                             f"Ende fehlt (Pflicht bei Status „{record.status}“)")
            if record.start and record.start > self.context.today:
                self.problem("measures", record.position, "Beginn tatsächlich",
                             f"tatsächlicher Beginn {record.start:%d.%m.%Y} liegt in der Zukunft")
            if record.output and not np.isfinite(record.output_target):
                self.problem("measures", record.position, "Output-Ziel", "Pflichtangabe fehlt (bei einem "
                                                                         "Output-Indikator)")

    def _decisions(self) -> None:
        """Decisions are not dated in the future; political committees' decisions carry their Drucksache."""
        config = self.context.config
        for record in self.frames["decisions"].itertuples():
            if record.date is not None and record.date > self.context.today:
                self.problem("decisions", record.position, "Datum", f"Beschluss vom {record.date:%d.%m.%Y} liegt in "
                                                                    f"der Zukunft (heute: {self.context.today:%d.%m.%Y})")
            if record.committee in config.political_committees and record.drucksache is None:
                self.problem("decisions", record.position, "Drucksachen-Nr.", f"Pflichtangabe fehlt (bei "
                                                                              f"„{record.committee}“)")


def _above_whole(indicator: Indicator, value: float) -> str:
    """German reason for a goal value above 100 % (1.000 ‰) of an indicator that is a share of its denominator."""
    whole = "100 %" if indicator.unit == "percent" else "1.000 ‰"
    return (f"Wert {_german(value)} liegt über {whole}: {indicator.label} ist ein Anteil und kann nicht höher als "
            f"{whole} sein")


def _german(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _finish(sheet: Sheet, frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Typed columns, area as ``area_id``, and the plan years and indicator facts the reports read."""
    frame = typed_frame(sheet, frame)
    if sheet.key == "plans":
        years = [parse_period(p) for p in frame["period"]]
        frame["start"] = pd.array([y[0] for y in years], dtype="Int64")
        frame["end"] = pd.array([y[1] for y in years], dtype="Int64")
    if sheet.key == "needs" and "themes_passed" not in frame:
        frame["themes_passed"] = np.nan
    if sheet.key == "goals":
        for key in BASELINE_COLUMNS:
            frame[key] = frame[key].astype(float) if key in frame else np.nan
        frame["baseline_note"] = frame["baseline_note"].astype(object) if "baseline_note" in frame else ""
        indicators = [catalogue.indicator(i) for i in frame["indicator"]]
        frame["label"] = [i.name for i in indicators]
        frame["unit"] = [i.unit for i in indicators]
        frame["indicator_direction"] = [i.direction for i in indicators]
    return frame.reset_index(drop=True)


def _checked_workbook(path: Path, context: _Context, reused: bool) -> tuple[dict[str, pd.DataFrame], list]:
    """The typed sheets of one area's plan workbook after every check, and the problems found in it.

    With ``reused`` (the documentation was read from the data folder, not given), the result is kept in the
    dataset's cache while the workbook's and the area's documentation's bytes, the area, the parameters, the
    day and the level stay the same: every report of a warm kernel that shows plans read and checked the same
    workbooks again (38 times in one run, 0,3 s each). Each call gets its own copies of the frames.
    """
    def check() -> tuple[dict[str, pd.DataFrame], list]:
        workbook = _Workbook(path, context)
        if workbook.read():
            workbook.check()
        return workbook.frames, context.problems.problems

    if not reused:
        return check()
    area, ds = context.area, context.ds
    documentation = documentation_path(ds.data_dir, area.id)
    key = (*content_key(path), content_key(documentation) if documentation.exists() else None,
           context.has_documentation, area.model_dump_json(), ds.areas.definition_year,
           context.config.model_dump_json(), repr(sorted(context.vocabularies.items())), context.today, context.level)
    frames, problems = kept_per_file(ds.cache.setdefault("plan_workbooks", {}), key, check)
    return {k: f.copy() for k, f in frames.items()}, list(problems)


def load_plans(ds: Dataset, parameters_dir: str | Path | None = None, area_ids: list[str] | None = None, *,
               documentation: Documentation | None = None, today: _dt.date | None = None,
               level: float = 0.95) -> Plans | None:
    """Read and validate the plan workbooks in the data folder's ``plaene/`` (None without that folder).

    ``area_ids`` (default: all areas) chooses whose workbooks are read; an area without a workbook simply has
    no plan. A workbook whose name is no area's id is a problem (it would be lost otherwise). The Kernprozess
    documentation (read from the data folder unless given) is needed for the links to projects and themes.
    Raises one DataValidationError with every problem of every workbook.
    """
    folder = Path(ds.data_dir) / PLANS_FOLDER
    if not folder.is_dir():
        return None
    parameters = default_parameters_dir(parameters_dir)
    config = load_config(parameters)
    ids = [ds.areas.get(a).id for a in (area_ids or ds.areas.ids)]
    problems = ProblemCollector()
    for path in sorted(folder.glob("*.xlsx")):
        if path.stem not in ds.areas.ids and not path.name.startswith("~$"):
            problems.add(path, None, None, f"Datei gehört zu keinem Gebiet (erwartet: {PLANS_FOLDER}/<Kennung>.xlsx, "
                                           f"z. B. {PLANS_FOLDER}/kalk.xlsx)")
    present = [a for a in ids if plan_path(ds.data_dir, a).exists()]
    has_documentation = (Path(ds.data_dir) / DOCUMENTATION_FOLDER).is_dir()
    given = documentation
    if documentation is None and has_documentation and present:
        documentation = load_documentation(ds.data_dir, parameters, present)
    lists = vocabularies(config, parameters, ds.catalogue)
    lookup = indicator_lookup(ds.catalogue)
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    files = []
    for area_id in present:
        path = plan_path(ds.data_dir, area_id)
        files.append(path)
        context = _Context(ds.areas.get(area_id), config, lists, lookup, ds, documentation, has_documentation,
                           today or _dt.date.today(), level, ProblemCollector())
        frames, found = _checked_workbook(path, context, reused=given is None)
        problems.extend(found)
        for key, frame in frames.items():
            parts[key].append(frame)
    problems.raise_if_any()
    tables = {s.key: _finish(s, pd.concat(parts[s.key], ignore_index=True) if parts[s.key] else empty_frame(s),
                             ds.catalogue) for s in SHEETS}
    return Plans(**tables, area_ids=ids, files=files)


__all__ = ["Plans", "SHEET_BY_KEY", "indicator_lookup", "load_plans", "plan_path", "vocabularies"]
