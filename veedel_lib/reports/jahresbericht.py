"""The content of the Jahresbericht: the whole programme, all 15 areas side by side, one section per method.

Like :mod:`veedel_lib.reports.sozialraumgebietsanalyse`, every section returns report blocks; the notebook
only shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.indicators import (
    CITY,
    REST,
    aggregate,
    area_groups,
    indicator_series,
    indicator_values,
    programme_group,
    rest_of,
)
from ..analysis.programme import programme_shares
from ..kernprozess import Kernprozesse, load_kernprozesse
from ..params.areas import PROGRAMME_ID
from ..planning import Plans, load_plans
from ..planning.monitoring import current_plans, goal_effects, monitor_goals, monitor_measures, status_date
from ..planning.schema import load_config as load_planning_config
from ..render import maps
from ..render import formatting as fmt
from ..render.charts.positions import AreaHeatmap
from ..render.charts.trends import TrendPanels
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import masked
from . import kernprozess_blocks as kpr
from . import plan_blocks as pb
from .base import RUN_BASICS, ReportContent
from .missing import Missing, missing_cases_note

GUARD = "_differencing_guard"
"""Hidden helper column: 1 where the 15 areas' sum could give back a withheld area count (threshold 2 hides it)."""


class ProgrammeReport(ReportContent):
    """Everything the Jahresbericht of one year needs."""

    notebook = "jahresbericht"
    report = "Jahresbericht"
    scope = "programme"
    variable = "programme"
    parameter_files = (*ReportContent.parameter_files, "kernprozess.yml", "targets.yml", "planung.yml")
    parameter_keys = ("areas.yml", "indicators.yml", "raumbezug.yml", *RUN_BASICS, "run.yml:analysis.key_indicators",
                      "kernprozess.yml", "targets.yml", "planung.yml")
    sections = ("published_figures", "areas_side_by_side", "development", "kernprozesse", "controlling",
                "themes_by_field", "plan_monitoring", "method_notes", "changes_since_previous")
    accepts_previous_run = True
    """The notebook takes ``previous_run`` (the previous year's run or archive): then the report ends with the
    section "Änderungen gegenüber dem Vorjahresbericht" (:meth:`changes_since_previous`)."""

    def place_name(self) -> str:
        return f"Alle {self._areas()}"

    def _areas(self, case: str = "nom") -> str:
        """The programme's areas with their number from ``areas.yml``: "15 Sozialraumgebiete"."""
        return self.ds.spatial.profile.areas(len(self.ds.areas.ids), case)

    # ------------------------------------------------------------------ sections
    def published_figures(self) -> list[Block]:
        """The table of the council resolution: the 15 areas' share of the city, recomputed for the year."""
        shares = programme_shares(self.ds, self.year)
        statistics = self.ds.statistics
        present = set(statistics["variable"])
        in_year = set(statistics.loc[statistics["year"] == self.year, "variable"])
        notes = {}
        for figure in self.ds.catalogue.programme_figures:
            absent = [v for v in figure.variables if v not in present]
            other_years = [v for v in figure.variables if v in present and v not in in_year]
            label = [self.ds.catalogue.variable(v).label for v in absent + other_years]
            if absent:
                notes[figure.id] = f"keine Daten zu {fmt.join(label)}"
            elif other_years:
                years = sorted(int(y) for y in statistics.loc[statistics["variable"].isin(other_years), "year"].unique())
                notes[figure.id] = (f"nicht für {self.year}: {fmt.join(label)} nur für "
                                    f"{fmt.join([str(y) for y in years])}")
            elif gaps := self.ds.gaps_for(None, figure.variables, self.year):
                notes[figure.id] = "es fehlen Zeilen in den Daten: " + "; ".join(g.reason for g in gaps[:3]) + (
                    f" und {len(gaps) - 3} weitere Lücken" if len(gaps) > 3 else "")
        # the table says which rows cannot be computed; the reasons are long, so they follow as numbered remarks
        shares["reason"] = shares["figure"].map(lambda f: notes.get(f, ""))
        numbers = {f: i for i, f in enumerate([f for f in shares["figure"] if f in notes], start=1)}
        shares["note"] = shares["figure"].map(lambda f: f"nicht berechenbar (Anm. {numbers[f]})" if f in numbers
                                              else "")
        catalogue = self.ds.catalogue
        shares["threshold"] = [max(catalogue.variable(v).publish_threshold for v in f.variables)
                               for f in catalogue.programme_figures]
        shares[GUARD] = self._differencing_guard()
        columns = [
            Col("label", "Kennzahl"),
            Col(GUARD, "Schutz", "count", threshold=2, show=False),
            Col("areas", f"{len(self.ds.areas.ids)} Gebiete", "count", threshold="threshold", based_on=(GUARD,)),
            Col("city", "Gesamtstadt", "count", threshold="threshold"),
            Col("share", f"Anteil {self.year}", "share", based_on=("areas",)),
            Col("published_share", "laut Ratsbeschluss", "share"),
            Col("note", "Hinweis"),
        ]
        count = len(self.ds.areas.ids)
        table = TableBlock("eckdaten", f"Anteil der {self._areas()} an der Gesamtstadt {self.year}", shares,
                           columns, note=f"Ratsbeschluss: Anteile der {self._areas()} an der Stadt zum Zeitpunkt "
                                         f"der Beschlussfassung. Die Summe der {count} Gebiete ist geheim gehalten, "
                                         "wo ein Gebiet eine Zahl unter der Veröffentlichungsschwelle hat: sie ließe "
                                         "sich sonst aus den Zahlen der anderen Gebiete zurückrechnen.")
        computed = masked(shares, columns).dropna(subset=["share"])
        lines = [f"In den {self._areas('dat')} leben {fmt.percent(computed.iloc[0]['share'])} "
                 f"{self.ds.spatial.profile.residents}."
                 if len(computed) and computed.iloc[0]["figure"] == "residents" else ""]
        if len(computed) > 1:
            rest = computed.iloc[1:]
            top = rest.loc[rest["share"].idxmax()]
            lines.append(f"Am stärksten überrepräsentiert sind die Gebiete bei „{top['label']}“: "
                         f"{fmt.percent(top['share'])} der Stadt entfallen auf sie.")
        remarks: list[Block] = []
        if notes:
            lines.append(f"{len(notes)} der {len(shares)} Kennzahlen lassen sich mit diesen Daten nicht berechnen; "
                         f"die Anmerkungen nennen jeweils die fehlenden Angaben.")
            remarks.append(TextBlock("\n".join(f"- **Anm. {numbers[r.figure]} – {r.label}:** {r.reason}."
                                               for r in shares[shares["figure"].isin(numbers)].itertuples())))
        return [self._programme_sentence(), table, TextBlock(" ".join(line for line in lines if line))] + remarks

    def _programme_sentence(self) -> TextBlock:
        """What the programme is and how many areas it has, with its full name from ``raumbezug.yml``."""
        profile = self.ds.spatial.profile
        named = f"das Programm „{profile.programme_full}“" if profile.programme_full else "das Programm"
        start = f"Seit {profile.since} umfasst {named}" if profile.since else f"{fmt.sentence_start(named)} umfasst"
        return TextBlock(f"{start} {self._areas()}. Der Ratsbeschluss begründet die Auswahl mit ihrem Anteil an der "
                         "Bevölkerung und an den Empfänger*innen von Sozialleistungen. Die Tabelle stellt die Werte "
                         "des Berichtsjahres daneben.")

    def _differencing_guard(self) -> list[int]:
        """Per programme figure 1 where the 15 areas' sum must be withheld, else 0.

        Each area's report publishes its own counts; the sum of all 15 minus the other 14 would give back an
        area's count that its own report withholds. So the sum is withheld when any area has a count of the
        figure's variables from 1 to below the variable's threshold.
        """
        catalogue = self.ds.catalogue
        variables = sorted({v for f in catalogue.programme_figures for v in f.variables})
        per_area = aggregate(self.ds, self.year, area_groups(self.ds, city=False), variables)
        guard = []
        for figure in catalogue.programme_figures:
            small = [((per_area[v] > 0) & (per_area[v] < catalogue.variable(v).publish_threshold)).any()
                     for v in figure.variables]
            guard.append(int(any(small)))
        return guard

    def areas_side_by_side(self) -> list[Block]:
        """All 15 areas and the city on the key indicators, as a table and an index chart."""
        indicators = self.key_indicators()
        groups = area_groups(self.ds)
        values = indicator_values(self.ds, self.year, groups, indicators, self.settings.confidence_level)
        names = {a.id: a.name for a in self.ds.areas.areas} | {CITY: "Gesamtstadt"}
        wide = values.pivot(index="group", columns="indicator", values="value").reindex(list(groups))
        wide = wide[[i.id for i in indicators]]
        frame = wide.reset_index().rename(columns={"group": "area_id"})
        frame.insert(0, "area", frame["area_id"].map(names))
        counts = values.pivot(index="group", columns="indicator", values="numerator").reindex(list(groups))
        denominators = values.pivot(index="group", columns="indicator", values="denominator").reindex(list(groups))
        columns = [Col("area", "Gebiet")]
        for indicator in indicators:
            frame[f"n_{indicator.id}"] = counts[indicator.id].to_numpy()
            frame[f"d_{indicator.id}"] = denominators[indicator.id].to_numpy()
            frame[f"t_{indicator.id}"] = self.ds.catalogue.threshold(indicator)
            frame[f"td_{indicator.id}"] = self.ds.catalogue.denominator_threshold(indicator)
            columns.append(Col(indicator.id, indicator.name, "rate", unit=indicator.unit,
                               based_on=(f"n_{indicator.id}", f"d_{indicator.id}")))
        # the counts behind the rates are not shown, but they decide what may be shown
        columns += [Col(f"n_{i.id}", f"Anzahl {i.name}", "count", threshold=f"t_{i.id}", show=False)
                    for i in indicators]
        columns += [Col(f"d_{i.id}", f"Bezugsgröße {i.name}", "count", threshold=f"td_{i.id}", show=False)
                    for i in indicators]
        chart = AreaHeatmap(indicators, self.year, self._areas()).plot(frame)
        blocks: list[Block] = [ChartBlock("gebiete_grafik", chart, columns)]
        # one table per Lebenslage, so that no table is too wide for a printed page
        missing = values[values["value"].isna()]
        for number, (lebenslage, members) in enumerate(_by_lebenslage(indicators).items(), start=1):
            keys = {i.id for i in members}
            part = [columns[0]] + [c for c in columns[1:] if c.key in keys
                                   or c.key.removeprefix("n_") in keys or c.key.removeprefix("d_") in keys]
            cases = [Missing.of(self.ds.catalogue.indicator(row.indicator), self.year, names[row.group],
                                None if row.group == CITY else groups[row.group])
                     for row in missing[missing["indicator"].isin(keys)].itertuples()]
            note = missing_cases_note(self.ds, cases, list(names.values()))
            blocks.append(TableBlock(f"gebiete_im_vergleich_{number}",
                                     f"{lebenslage}: die {self._areas()} {self.year}", frame, part,
                                     note="Gesamtstadt zum Vergleich in der letzten Zeile."
                                          + (f"\n\n{note}" if note else "")))
        return blocks + self._map(indicators)

    def _map(self, indicators) -> list[Block]:
        """The first key indicator per Stadtteil on a map, the programme areas' Stadtteile outlined."""
        boundaries = maps.boundaries_for(self.ds.data_dir, self.ds.is_demo, self.ds.spatial.profile.map_source)
        if boundaries is None or not indicators:
            return []
        whole, partial = self.ds.areas.programme_stadtteile()
        chart = maps.indicator_map(self.ds, indicators[0], self.year, boundaries, whole,
                                   f"{self.ds.spatial.base.plural} der {len(self.ds.areas.ids)} Gebiete",
                                   partial=partial)
        return [ChartBlock("stadtteile_karte", chart, [
            Col("label", self.ds.spatial.base.name), Col("value", "Wert", "number"), Col("class", "Klasse"),
            Col("in_area", "in einem Gebiet")])]

    def development(self) -> list[Block]:
        """The programme areas together against the rest of the city, over all years."""
        indicators = self.key_indicators()
        members = programme_group(self.ds)
        groups = {PROGRAMME_ID: members, REST: rest_of(self.ds, members)}
        series = indicator_series(self.ds, groups, indicators, [y for y in self.ds.years if y <= self.year],
                                  self.settings.confidence_level)
        series["role"] = np.where(series["group"] == PROGRAMME_ID, "area", "city")
        chart = TrendPanels(indicators, self._areas()).plot(series)
        chart.caption = f"Entwicklung {chart.data['year'].min()} bis {self.year}: {self._areas()} und übrige Stadt"
        chart.alt = chart.alt.replace("Gesamtstadt", "übrige Stadt")
        chart.data_columns = {"label": "Indikator", "year": "Jahr", "area_value": self._areas(),
                              "city_value": "übrige Stadt"}
        base = self.baseline_year if self.baseline_year in self.ds.years else self.ds.years[0]
        lines = []
        for indicator in indicators:
            rows = series[series["indicator"] == indicator.id].pivot(index="year", columns="role", values="value")
            if base in rows.index and self.year in rows.index and rows.notna().all(axis=None):
                gap_then = rows.at[base, "area"] - rows.at[base, "city"]
                gap_now = rows.at[self.year, "area"] - rows.at[self.year, "city"]
                change = abs(gap_now) - abs(gap_then)
                word = "verringert" if change < 0 else "vergrößert"
                lines.append(f"- **{indicator.name}:** Abstand der Programmgebiete zur übrigen Stadt {base}: "
                             f"{fmt.points(gap_then, indicator.unit)}, {self.year}: "
                             f"{fmt.points(gap_now, indicator.unit)} – {word} um "
                             f"{fmt.points(abs(change), indicator.unit).lstrip('+±')}.")
        return [ChartBlock("entwicklung_grafik", chart, [
            Col("label", "Indikator"), Col("year", "Jahr", "year"),
            Col("area_value", self._areas(), "rate", unit="unit"),
            Col("city_value", "übrige Stadt", "rate", unit="unit")]), TextBlock("\n".join(lines))]

    # ------------------------------------------------------------------ Kernprozesse
    def _kernprozesse(self) -> Kernprozesse | None:
        """Documentation, indicators and controlling of all areas (None without documentation)."""
        ids = self.ds.areas.ids
        return self.memo("kernprozesse", lambda: load_kernprozesse(self.ds.data_dir, self.parameters, ids, ids))

    def _area_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.ds.areas.areas}

    def kernprozesse(self) -> list[Block]:
        """Kernprozessindikatoren of all 15 areas in the report year and of the programme over the years."""
        kp = self._kernprozesse()
        if kp is None:
            return kpr.missing_documentation()
        return (kpr.programme_indicator_table(kp, self.year, self._area_names(), self.ds.spatial.profile.area.name)
                + kpr.programme_development(kp, self.year))

    def controlling(self) -> list[Block]:
        """Traffic lights of the Zielvereinbarung for all 15 areas in the report year."""
        kp = self._kernprozesse()
        if kp is None:
            return kpr.missing_documentation()
        return kpr.programme_controlling(kp, self.year, self._area_names(), self.ds.spatial.profile.area.name)

    def themes_by_field(self) -> list[Block]:
        """Themes and projects of all areas by field of action in the report year."""
        kp = self._kernprozesse()
        if kp is None:
            return kpr.missing_documentation()
        return kpr.by_field(kp, self.year)

    # ------------------------------------------------------------------ Sozialraumgebietspläne
    def _plans(self) -> Plans | None:
        """Each area's plan in the period that contains the report year (None without plans)."""
        def compute() -> Plans | None:
            plans = load_plans(self.ds, self.parameters, level=self.settings.confidence_level)
            return None if plans is None else current_plans(plans, self.year)
        return self.memo("plans", compute)

    def plan_monitoring(self) -> list[Block]:
        """The programme-wide picture of the plans: goals by judgement per area, measures by status, funds by
        Förderprogramm."""
        plans = self._plans()
        if plans is None or plans.plans.empty:
            return pb.no_plan()
        level = self.settings.confidence_level
        goals = self.memo("plan_goal_effects", lambda: goal_effects(self.ds, monitor_goals(self.ds, plans, self.year,
                                                                                          level), self.year, level))
        counts = pb.goal_counts(goals, self._area_names(), self.level_text)
        measures = monitor_measures(plans, status_date(self.year))
        vocabularies = load_planning_config(self.parameters).vocabularies
        spent = measures["spent"].sum()
        lines = [pb.goal_count_sentence(counts),
                 f"Die {len(measures)} Maßnahmen der Pläne sind mit {fmt.measure(measures['budget'].sum(), 'EUR')} "
                 f"geplant; {fmt.measure(spent, 'EUR')} sind ausgegeben, {int(measures['delayed'].sum())} Maßnahmen "
                 "liegen hinter ihrem Zeitplan.",
                 f"Ob sich die {len(self.ds.areas.ids)} Gebiete insgesamt anders entwickelt haben als die übrige "
                 "Stadt, schätzt der eigene Bericht „Programmevaluation“."]
        disagreements = pb.disagreement_list(goals, self._area_names(), self.level_text)
        return [TextBlock(" ".join(lines)), pb.goal_count_table(counts, self.year),
                *([TextBlock(disagreements)] if disagreements else []),
                pb.measures_by_status(measures, vocabularies["massnahmenstatus"], self.year),
                pb.funds_by_programme(measures, vocabularies["foerderprogramme"], self.year)]

    def method_notes(self) -> list[Block]:
        lines = [
            f"- **Programmgebiete:** die {self._areas()}"
            + (f" nach {self.ds.spatial.profile.resolution}" if self.ds.spatial.profile.resolution else "")
            + ", gebildet aus statistischen Einheiten.",
            "- **Berechnung:** Quoten aus summierten Zählwerten; die „übrige Stadt“ ist die Stadt ohne die "
            f"{len(self.ds.areas.ids)} Gebiete.",
            "- **Geheimhaltung:** Zahlen unter der Veröffentlichungsschwelle sind durch „•“ ersetzt.",
            "- **Kernprozesse:** aus der Dokumentation der Sozialraumkoordination (Themen, Projekte, Gremien); "
            "Ziele aus der Zielvereinbarung. Freitext und Personenangaben erscheinen "
            "nie im Bericht.",
        ]
        return self.method_block(lines)


    def changes_since_previous(self, changes: dict | None = None,
                               shown: dict[str, tuple[str, dict[str, str]]] | None = None) -> list[Block]:
        """The section "Änderungen gegenüber dem Vorjahresbericht": nothing without a previous run; else the changed
        inputs (new data year, revised data, parameters, area definitions, code) and the largest differences of the
        published values, as :func:`veedel_lib.run.previous.changes_since` found them. ``shown`` (the renderer's
        :attr:`~veedel_lib.render.report.Report.described`) names tables and columns as this report shows them; a table
        this report no longer has keeps its file name."""
        if not changes:
            return []
        year = changes.get("previous_year")
        intro = (f"## Änderungen gegenüber dem Vorjahresbericht\n\nVerglichen mit dem Lauf {changes['previous_id']}"
                 + (f" (Berichtsjahr {year})" if year else "") + ": was sich an Daten, Parametern und Code geändert "
                 "hat, und die größten Änderungen der veröffentlichten Werte dieses Berichts.")
        text = [Col("art", "Art der Änderung"), Col("text", "Änderung")]
        causes = pd.DataFrame(changes.get("causes") or [["–", "keine Änderung der Eingaben erfasst"]],
                              columns=["art", "text"])
        values = pd.DataFrame(changes.get("values") or [], columns=["table", "row", "column", "old", "new"])
        shown = shown or {}
        values["column"] = [shown.get(t, ("", {}))[1].get(c, c) for t, c in zip(values["table"], values["column"])]
        values["table"] = [shown.get(t, ("", {}))[0] or t for t in values["table"]]
        note = f"{changes['more']} weitere Unterschiede nicht gezeigt (alle: veedel vergleiche)." \
            if changes.get("more") else ""
        blocks: list[Block] = [TextBlock(intro),
                               TableBlock("aenderungen_eingaben", "Geänderte Eingaben seit dem Vorjahresbericht",
                                          causes, text)]
        if values.empty:
            return blocks + [TextBlock("Die veröffentlichten Werte dieses Berichts sind unverändert.")]
        columns = [Col("table", "Tabelle"), Col("row", "Zeile"), Col("column", "Spalte"),
                   Col("old", "Vorjahresbericht"), Col("new", "Dieser Bericht")]
        return blocks + [TableBlock("aenderungen_werte", "Die größten Änderungen der veröffentlichten Werte",
                                    values, columns, note=note)]


def _by_lebenslage(indicators) -> dict[str, list]:
    """Indicators grouped by Lebenslage, keeping their order."""
    groups: dict[str, list] = {}
    for indicator in indicators:
        groups.setdefault(indicator.lebenslage, []).append(indicator)
    return groups
