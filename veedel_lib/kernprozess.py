"""Kernprozess documentation of the Sozialraumkoordination: the workbook schema, loading, validation, indicators.

Each area documents its work in one workbook ``<data_dir>/dokumentation/<area_id>.xlsx`` with the sheets
``Themen`` (sozialräumliche Themen), ``Projekte`` and ``Gremien`` (meetings of networks and committees).
The columns, their types and the fixed vocabularies (``parameters/kernprozess.yml``) are defined here once
and used both by the validator and by :mod:`veedel_lib.doc_templates`, so template and check never drift.

Validation collects every problem of every file and raises one :class:`DataValidationError`. Free-text and
person columns (titles, project names, contact persons, notes) are checked for presence where required and
then dropped: the returned tables never contain them, so they cannot reach a report.

The Kernprozessindikatoren (counts, sums and ratios per area and year) are defined as data in
``kernprozess.yml`` and computed by :func:`compute_indicators`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .config import DEMO, parameters_dir as default_parameters_dir
from .errors import DataValidationError, Problem, ProblemCollector
from .readers import RawTable, parse_numbers, read_table
from .yamlfiles import parse_model

DOCUMENTATION_FOLDER = "dokumentation"
"""Sub-folder of a data folder that holds one documentation workbook per area."""

ColumnType = Literal["area", "date", "choice", "count", "money", "text"]


@dataclass(frozen=True)
class Column:
    """One column of a documentation sheet: header, meaning, type, and whether it may reach a report."""

    header: str
    key: str
    type: ColumnType
    required: bool
    help: str
    unit: str = ""
    vocabulary: str | None = None
    """Key of the vocabulary in kernprozess.yml for "choice" columns."""
    private: bool = False
    """Free text or a person: read and checked, then dropped; never appears in a report."""
    width: int = 18


@dataclass(frozen=True)
class Sheet:
    """One sheet of the documentation workbook."""

    name: str
    key: str
    help: str
    columns: tuple[Column, ...]

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


AREA_HELP = "Sozialraumgebiet, ist in der Vorlage vorausgefüllt (Name, Kennung oder Code des Gebiets dieser Datei)."

SHEETS: tuple[Sheet, ...] = (
    Sheet("Themen", "themes", "Ein sozialräumliches Thema je Zeile (Kernprozess „Ermittlung sozialräumlicher Themen“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Datum", "date", "date", True, "Tag, an dem das Thema erkannt wurde.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Handlungsfeld", "field", "choice", True, "Handlungsfeld, dem das Thema zugeordnet ist.",
               vocabulary="handlungsfelder", width=38),
        Column("Quelle", "source", "choice", True, "Woher das Thema kommt.", vocabulary="themenquellen", width=24),
        Column("Status", "status", "choice", True, "Aktueller Stand des Themas.", vocabulary="themenstatus", width=16),
        Column("an Sozialplanung weitergegeben", "passed", "choice", True,
               "Wurde das Thema an die Sozialplanung der Stadt weitergegeben?", vocabulary="ja_nein", width=16),
        Column("Titel", "title", "text", True, "Kurzer Titel des Themas zur eigenen Orientierung.", "Freitext",
               private=True, width=45),
    )),
    Sheet("Projekte", "projects", "Ein Projekt je Zeile (Kernprozesse „Projektentwicklung“ und „Umsetzungsbegleitung“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Handlungsfeld", "field", "choice", True, "Handlungsfeld des Projekts.", vocabulary="handlungsfelder",
               width=38),
        Column("Beginn", "start", "date", True, "Beginn des Projekts (bei Projekten in Entwicklung: geplanter Beginn).",
               "Datum (TT.MM.JJJJ)", width=13),
        Column("Ende", "end", "date", False, "Ende des Projekts; Pflicht bei Status „abgeschlossen“ oder „abgebrochen“, "
               "nicht vor dem Beginn.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Status", "status", "choice", True, "Aktueller Stand des Projekts.", vocabulary="projektstatus", width=16),
        Column("Mittel beantragt (EUR)", "funds_applied", "money", True, "Summe der beantragten Fördermittel.",
               "Euro, ohne Tausenderpunkt, höchstens zwei Nachkommastellen", width=16),
        Column("Mittel bewilligt (EUR)", "funds_granted", "money", True,
               "Summe der bewilligten Fördermittel (0, solange nichts bewilligt ist; höchstens die beantragten Mittel).",
               "Euro, ohne Tausenderpunkt, höchstens zwei Nachkommastellen", width=16),
        Column("Partnerorganisationen (Anzahl)", "partners", "count", True,
               "Zahl der beteiligten Partnerorganisationen.", "ganze Zahl ab 0", width=16),
        Column("erreichte Bewohner*innen (Anzahl)", "residents", "count", True,
               "Zahl der erreichten Bewohner*innen (geschätzt, wenn nicht gezählt).", "ganze Zahl ab 0", width=18),
        Column("Projektname", "name", "text", True, "Name des Projekts zur eigenen Orientierung.", "Freitext",
               private=True, width=40),
        Column("Ansprechperson", "contact", "text", False, "Ansprechperson beim Träger oder Partner.",
               "Freitext (Person)", private=True, width=28),
    )),
    Sheet("Gremien", "meetings", "Eine Sitzung eines Netzwerks oder Gremiums je Zeile (Kernprozess „Koordination und "
          "Vernetzung“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Art", "type", "choice", True, "Art der Sitzung.", vocabulary="gremienarten", width=24),
        Column("Datum", "date", "date", True, "Tag der Sitzung.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Teilnehmende (Anzahl)", "participants", "count", True, "Zahl der Teilnehmenden.", "ganze Zahl ab 0",
               width=16),
        Column("Organisationen (Anzahl)", "organisations", "count", True, "Zahl der vertretenen Organisationen.",
               "ganze Zahl ab 0", width=16),
        Column("Notiz", "note", "text", False, "Notiz zur Sitzung zur eigenen Orientierung.", "Freitext",
               private=True, width=45),
    )),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}


# ----------------------------------------------------------------------------- parameters

Unit = Literal["Anzahl", "Personen", "EUR", "Prozent"]


class IndicatorSpec(BaseModel):
    """One Kernprozessindikator: how it is computed from the documentation."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    process: str
    unit: Unit
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    measure: Literal["count", "sum", "ratio"]
    sheet: str | None = None
    year_of: str | None = None
    column: str | None = None
    where: dict[str, list[str]] = {}
    numerator: str | None = None
    denominator: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _complete(self) -> "IndicatorSpec":
        if self.measure == "ratio":
            if not (self.numerator and self.denominator):
                raise ValueError("ratio braucht numerator und denominator")
            return self
        if self.sheet not in SHEET_BY_NAME:
            raise ValueError(f"unbekanntes Blatt {self.sheet!r} (erlaubt: {', '.join(SHEET_BY_NAME)})")
        sheet = SHEET_BY_NAME[self.sheet]
        headers = {c.header: c for c in sheet.columns}
        if self.year_of not in headers or headers[self.year_of].type != "date":
            raise ValueError(f"year_of muss eine Datumsspalte des Blatts {self.sheet} sein")
        if self.measure == "sum" and (self.column not in headers or headers[self.column].type not in ("count", "money")):
            raise ValueError(f"column muss eine Zahlenspalte des Blatts {self.sheet} sein")
        for name in self.where:
            if name not in headers or headers[name].type != "choice":
                raise ValueError(f"where: {name!r} ist keine Auswahlspalte des Blatts {self.sheet}")
        return self

    @property
    def is_persons(self) -> bool:
        return self.unit == "Personen"


class KernprozessConfig(BaseModel):
    """``parameters/kernprozess.yml``: vocabularies and indicators."""

    model_config = ConfigDict(extra="forbid")

    first_year: int = Field(2020, ge=1975)
    person_threshold: int = Field(3, ge=0)
    vocabularies: dict[str, list[str]]
    indicators: list[IndicatorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "KernprozessConfig":
        needed = {c.vocabulary for s in SHEETS for c in s.columns if c.vocabulary}
        missing = sorted(needed - set(self.vocabularies))
        if missing:
            raise ValueError(f"vocabularies: es fehlen {', '.join(missing)}")
        if self.vocabularies["ja_nein"] != ["ja", "nein"]:
            raise ValueError("vocabularies.ja_nein muss genau [ja, nein] sein")
        ids = [i.id for i in self.indicators]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"doppelte Indikatoren: {', '.join(duplicates)}")
        for spec in self.indicators:
            for ref in (spec.numerator, spec.denominator):
                if ref is not None and ref not in ids:
                    raise ValueError(f"Indikator {spec.id}: {ref!r} ist kein Indikator")
            for name, values in spec.where.items():
                vocabulary = self.vocabularies[SHEET_BY_NAME[spec.sheet].column(name).vocabulary]
                unknown = [v for v in values if v not in vocabulary]
                if unknown:
                    raise ValueError(f"Indikator {spec.id}: {', '.join(unknown)} nicht in der Liste für {name}")
        return self

    def indicator(self, indicator_id: str) -> IndicatorSpec:
        for spec in self.indicators:
            if spec.id == indicator_id:
                return spec
        raise KeyError(f"Unbekannter Kernprozessindikator '{indicator_id}'")

    def threshold(self, spec: IndicatorSpec) -> int:
        """Publish threshold of an indicator's values: the person threshold for persons, else 0."""
        return self.person_threshold if spec.is_persons else 0


def load_config(parameters_dir: str | Path | None = None) -> KernprozessConfig:
    """Read ``kernprozess.yml`` from the parameters folder; errors name line and key."""
    return parse_model(default_parameters_dir(parameters_dir) / "kernprozess.yml", KernprozessConfig)


# ----------------------------------------------------------------------------- loading and validation

@dataclass
class Documentation:
    """Validated documentation of some areas, without any free-text or person column.

    ``themes``: area_id, year, date, field, source, status, passed (bool), row.
    ``projects``: area_id, field, start, end, start_year, end_year, status, funds_applied, funds_granted (EUR),
    partners, residents, row. ``meetings``: area_id, year, date, type, participants, organisations, row.
    ``row`` is the spreadsheet row the record came from (for tracing, not for reports).
    """

    themes: pd.DataFrame
    projects: pd.DataFrame
    meetings: pd.DataFrame
    area_ids: list[str]
    files: list[Path] = field(default_factory=list)

    def table(self, sheet: str) -> pd.DataFrame:
        return getattr(self, SHEET_BY_NAME[sheet].key)

    @property
    def years(self) -> list[int]:
        """Years with any record (themes, project starts or ends, meetings), ascending."""
        years = set(self.themes["year"]) | set(self.meetings["year"]) | set(self.projects["start_year"])
        years |= set(self.projects["end_year"].dropna().astype(int))
        return sorted(int(y) for y in years)


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(text: str) -> _dt.date | None:
    """A date from ISO (as the reader writes Excel dates) or German "TT.MM.JJJJ" text; None if not a date."""
    text = text.strip()
    try:
        match = _GERMAN_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _dt.date(year, month, day)
        return _dt.date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}$", text[:10]) else None
    except ValueError:
        return None


def documentation_path(data_dir: str | Path, area_id: str) -> Path:
    """Where the documentation workbook of an area lives in a data folder."""
    return Path(data_dir) / DOCUMENTATION_FOLDER / f"{area_id}.xlsx"


def _resolve_data_dir(data_dir: str | Path, parameters: Path) -> Path:
    if str(data_dir) == DEMO:
        from .dataset import ensure_demo_data  # the demo folder is generated on first use

        return ensure_demo_data(parameters)
    return Path(data_dir)


def _area_names(area) -> set[str]:
    return {area.id, area.code, area.name, *area.other_names}


class _SheetValidator:
    """Types one sheet of one workbook, collecting problems; private columns are never kept."""

    def __init__(self, table: RawTable, sheet: Sheet, config: KernprozessConfig, area, problems: ProblemCollector,
                 today: _dt.date):
        self.table, self.sheet, self.config, self.area = table, sheet, config, area
        self.problems, self.today = problems, today
        self.first = _dt.date(config.first_year, 1, 1)

    def add(self, position: int, header: str, reason: str) -> None:
        self.problems.extend([self.table.problem(position, header, reason)])

    def run(self) -> pd.DataFrame:
        frame = self.table.frame
        expected = [c.header for c in self.sheet.columns]
        missing = [h for h in expected if h not in frame.columns]
        for header in missing:
            self.problems.extend([self.table.file_problem("Pflichtspalte fehlt", header)])
        for header in frame.columns:
            if header not in expected:
                self.problems.extend([self.table.file_problem(
                    f"unbekannte Spalte (erlaubt: {', '.join(expected)})", header)])
        if missing:
            return pd.DataFrame()
        keep = self._data_rows(frame)
        frame = frame.iloc[keep].reset_index(drop=True)
        rows = [self.table.rows[i] for i in keep]
        positions = keep
        result = {"row": rows}
        for column in self.sheet.columns:
            values = self._column(frame[column.header], column, positions)
            if not column.private:
                result[column.key] = values
        return pd.DataFrame(result)

    def _data_rows(self, frame: pd.DataFrame) -> list[int]:
        """Positions of records with content besides the prefilled area cell (template rows are not records)."""
        others = [c.header for c in self.sheet.columns if c.type != "area"]
        filled = frame[others].astype(str).apply(lambda s: s.str.strip() != "").any(axis=1)
        return [i for i, f in enumerate(filled) if f]

    def _column(self, cells: pd.Series, column: Column, positions: list[int]) -> list:
        texts = [str(c).strip() for c in cells]
        if column.type in ("count", "money"):
            return self._numbers(cells, column, positions)
        values: list = []
        for text, position in zip(texts, positions):
            if text == "":
                if column.required:
                    self.add(position, column.header, "Pflichtangabe fehlt")
                values.append(None)
            elif column.type == "area":
                if text not in _area_names(self.area):
                    self.add(position, column.header,
                             f"Gebiet '{text}' passt nicht zur Datei (erwartet: {self.area.name})")
                values.append(self.area.id)
            elif column.type == "date":
                values.append(self._date(text, column, position))
            elif column.type == "choice":
                values.append(self._choice(text, column, position))
            else:
                values.append(text)
        return values

    def _date(self, text: str, column: Column, position: int) -> _dt.date | None:
        value = parse_date(text)
        if value is None:
            self.add(position, column.header, f"kein gültiges Datum (Wert: {text!r}, erwartet TT.MM.JJJJ)")
            return None
        latest = self.today
        if column.header in ("Beginn", "Ende"):
            latest = _dt.date(self.today.year + 5, 12, 31)  # planned project dates may lie ahead
        if not self.first <= value <= latest:
            self.add(position, column.header, f"Datum {value:%d.%m.%Y} außerhalb des zulässigen Bereichs "
                                              f"({self.first:%d.%m.%Y} bis {latest:%d.%m.%Y})")
            return None
        return value

    def _choice(self, text: str, column: Column, position: int) -> str | None:
        allowed = self.config.vocabularies[column.vocabulary]
        lookup = {" ".join(v.split()).casefold(): v for v in allowed}
        value = lookup.get(" ".join(text.split()).casefold())
        if value is None:
            self.add(position, column.header, f"unbekannter Wert {text!r} (erlaubt: {', '.join(allowed)})")
        return value

    def _numbers(self, cells: pd.Series, column: Column, positions: list[int]) -> list:
        parsed = parse_numbers(cells.reset_index(drop=True), self.table.decimal)
        values: list = []
        for value, status, text, position in zip(parsed.values, parsed.status, cells, positions):
            reason = None
            if status == "missing":
                reason = "Pflichtangabe fehlt" if column.required else None
            elif status != "ok":
                reason = f"keine Zahl (Wert: {str(text).strip()!r})"
            elif value < 0:
                reason = f"negative Zahl (Wert: {str(text).strip()})"
            elif column.type == "count" and not float(value).is_integer():
                reason = f"keine ganze Zahl (Wert: {str(text).strip()})"
            elif column.type == "money" and abs(round(value, 2) - value) > 1e-9:
                reason = f"mehr als zwei Nachkommastellen (Wert: {str(text).strip()})"
            if reason:
                self.add(position, column.header, reason)
                values.append(np.nan)
            else:
                values.append(value)
        return values


def _check_projects(table: RawTable, frame: pd.DataFrame, problems: ProblemCollector) -> None:
    """Cross-column rules of the Projekte sheet: end after start, end given when finished, granted <= applied."""
    positions = {row: i for i, row in enumerate(table.rows)}
    for record in frame.itertuples(index=False):
        position = positions[record.row]
        if record.start is not None and record.end is not None and record.end < record.start:
            problems.extend([table.problem(position, "Ende", f"Ende {record.end:%d.%m.%Y} liegt vor dem Beginn "
                                                              f"{record.start:%d.%m.%Y}")])
        if record.status in ("abgeschlossen", "abgebrochen") and record.end is None:
            problems.extend([table.problem(position, "Ende", f"Ende fehlt (Pflicht bei Status „{record.status}“)")])
        if (np.isfinite(record.funds_applied) and np.isfinite(record.funds_granted)
                and record.funds_granted > record.funds_applied + 1e-9):
            problems.extend([table.problem(position, "Mittel bewilligt (EUR)",
                                           "bewilligte Mittel sind höher als die beantragten")])


def _empty(sheet: Sheet) -> pd.DataFrame:
    return pd.DataFrame(columns=["row"] + [c.key for c in sheet.columns if not c.private])


def _finish(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns and the year columns the indicators count by."""
    if frame.empty:
        frame = _empty(sheet)
    frame = frame.rename(columns={"area": "area_id"})
    for column in sheet.columns:
        key = "area_id" if column.key == "area" else column.key
        if column.private:
            continue
        if column.type == "date":
            frame[key] = pd.to_datetime(frame[key])
        elif column.type in ("count",):
            frame[key] = frame[key].astype("int64")
        elif column.type == "money":
            frame[key] = frame[key].astype(float)
        else:
            frame[key] = frame[key].astype(object)
    frame["row"] = frame["row"].astype("int64")
    if sheet.key == "themes":
        frame["passed"] = frame["passed"] == "ja"
        frame["year"] = frame["date"].dt.year.astype("int64")
    elif sheet.key == "projects":
        frame["start_year"] = frame["start"].dt.year.astype("int64")
        frame["end_year"] = frame["end"].dt.year.astype("Int64")
    else:
        frame["year"] = frame["date"].dt.year.astype("int64")
    return frame.reset_index(drop=True)


def load_documentation(data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
                       area_ids: list[str] | None = None, *, config: KernprozessConfig | None = None,
                       today: _dt.date | None = None) -> Documentation:
    """Read and validate the documentation workbooks of ``area_ids`` (default: all areas of areas.yml).

    ``data_dir`` is a data folder (documentation in its ``dokumentation/`` sub-folder) or "demo".
    Raises one DataValidationError listing every problem of every file: a missing workbook or sheet,
    missing or unknown columns, unknown vocabulary values, bad or out-of-range dates (from
    ``first_year`` to ``today``; project dates up to five years ahead), an end before its start,
    negative or fractional counts, an area that does not match the file. Free-text and person columns
    are dropped after the check.
    """
    from .areas import load_areas

    parameters = default_parameters_dir(parameters_dir)
    config = config or load_config(parameters)
    areas = load_areas(parameters / "areas.yml")
    ids = [areas.get(a).id for a in (area_ids or areas.ids)]
    folder = _resolve_data_dir(data_dir, parameters)
    today = today or _dt.date.today()
    problems = ProblemCollector()
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    files = []
    for area_id in ids:
        path = documentation_path(folder, area_id)
        if not path.exists():
            problems.add(path, None, None, f"Dokumentation für {areas.get(area_id).name} fehlt "
                                           f"(erwartet: {DOCUMENTATION_FOLDER}/{area_id}.xlsx im Datenordner)")
            continue
        files.append(path)
        for sheet in SHEETS:
            try:
                table = read_table(path, sheet=sheet.name)
            except DataValidationError as exc:
                problems.extend(exc.problems)
                continue
            frame = _SheetValidator(table, sheet, config, areas.get(area_id), problems, today).run()
            if frame.empty:
                continue
            if sheet.key == "projects":
                _check_projects(table, frame, problems)
            parts[sheet.key].append(frame)
    problems.raise_if_any()
    tables = {s.key: _finish(s, pd.concat(parts[s.key], ignore_index=True) if parts[s.key] else _empty(s))
              for s in SHEETS}
    return Documentation(tables["themes"], tables["projects"], tables["meetings"], ids, files)


# ----------------------------------------------------------------------------- indicators

_YEAR_COLUMN = {("Themen", "Datum"): "year", ("Gremien", "Datum"): "year",
                ("Projekte", "Beginn"): "start_year", ("Projekte", "Ende"): "end_year"}


def _base_values(doc: Documentation, spec: IndicatorSpec, areas: list[str], years: list[int]) -> pd.Series:
    """A count or sum indicator per (area, year), zero where nothing was documented."""
    sheet = SHEET_BY_NAME[spec.sheet]
    frame = doc.table(spec.sheet)
    for header, values in spec.where.items():
        key = sheet.column(header).key
        column = frame[key].map({True: "ja", False: "nein"}) if key == "passed" else frame[key]
        frame = frame[column.isin(values)]
    year_column = _YEAR_COLUMN[(spec.sheet, spec.year_of)]
    frame = frame[frame[year_column].notna()].assign(_year=lambda f: f[year_column].astype(int))
    if spec.measure == "count":
        grouped = frame.groupby(["area_id", "_year"]).size().astype(float)
    else:
        grouped = frame.groupby(["area_id", "_year"])[sheet.column(spec.column).key].sum().astype(float)
    index = pd.MultiIndex.from_product([areas, years], names=["area_id", "year"])
    grouped.index = grouped.index.set_names(["area_id", "year"])
    return grouped.reindex(index, fill_value=0.0)


def compute_indicators(doc: Documentation, config: KernprozessConfig, years: list[int] | None = None) -> pd.DataFrame:
    """The Kernprozessindikatoren per area and year as a long table.

    Columns: area_id, year, indicator, value (count, persons, EUR or percent; ratios NaN when the
    denominator is zero). Years default to ``first_year`` up to the latest documented year; a year
    without records counts as zero for counts and sums, because the documentation is complete by rule.
    """
    if years is None:
        last = max(doc.years, default=config.first_year)
        years = list(range(config.first_year, last + 1))
    base: dict[str, pd.Series] = {}
    for spec in config.indicators:
        if spec.measure != "ratio":
            base[spec.id] = _base_values(doc, spec, doc.area_ids, years)
    frames = []
    for spec in config.indicators:
        if spec.measure == "ratio":
            denominator = base[spec.denominator]
            values = 100 * base[spec.numerator] / denominator.where(denominator > 0)
        else:
            values = base[spec.id]
        frames.append(values.rename("value").reset_index().assign(indicator=spec.id))
    result = pd.concat(frames, ignore_index=True)[["area_id", "year", "indicator", "value"]]
    result["year"] = result["year"].astype("int64")
    return result


def indicator_labels(config: KernprozessConfig) -> pd.DataFrame:
    """Label, process, unit, direction and publish threshold per indicator id (for joining to values)."""
    return pd.DataFrame([{"indicator": s.id, "label": s.label, "process": s.process, "unit": s.unit,
                          "direction": s.direction, "threshold": config.threshold(s), "description": s.description}
                         for s in config.indicators])
