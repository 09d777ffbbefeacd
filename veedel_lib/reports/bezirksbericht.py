"""The content of the Bezirksbericht: the programme areas of one Stadtbezirk, for its Bezirksvertretung.

One report per Stadtbezirk that holds programme areas (2, 4, 5, 6, 7, 8, 9): the district's areas side by side
with the Bezirk and the city (key indicators with intervals), their place in the Sozialindex, their development
since the baseline, the status of their Sozialraumgebietspläne (goals against the data, measures against their
schedule) and the Kernprozess figures of the year. Like every report, each section returns blocks and
every number passes disclosure control: area values are declared on the area's own counts (withheld when one
is below its threshold), the Bezirk's and the city's on theirs; no sum over the district's areas is shown, so
no withheld area count can be recomputed from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.comparison import compare_with_city
from ..analysis.indicators import CITY, aggregate, area_groups, indicator_values
from ..planning import Plans, load_plans
from ..planning.monitoring import current_plans, goal_effects, monitor_goals, monitor_measures, status_date
from ..render import maps, text
from ..render import formatting as fmt
from ..render.charts.positions import PlaceIntervals
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import masked, public_comparison
from . import kernprozess_blocks as kpr
from . import plan_blocks as pb
from .base import AREA_UNITS, BEZIRK_AREAS, RUN_BASICS, ReportContent
from .missing import Missing, missing_cases_note
from .sozialindex import GUARD, SozialindexReport, withheld_note

BEZIRK = "bezirk"
"""Group name of the whole Stadtbezirk in the report's tables."""


def _key(area_id: str) -> str:
    """Column-safe key of an area id (``kalk`` -> ``kalk``, ``porz-mitte-urbach`` -> ``porz_mitte_urbach``)."""
    return area_id.replace("-", "_")


class BezirkReport(ReportContent):
    """Everything the Bezirksbericht of one Stadtbezirk and year needs."""

    notebook = "bezirksbericht"
    report = "Bezirksbericht"
    scope = "bezirk"
    variable = "bezirk"
    parameter_keys = (BEZIRK_AREAS, *AREA_UNITS, "indicators.yml", "raumbezug.yml", *RUN_BASICS,
                      "run.yml:analysis.key_indicators", "run.yml:analysis.evaluation", "sozialindex.yml",
                      "kernprozess.yml", "targets.yml", "planung.yml")
    own_area_workbooks = True
    parameter_files = (*ReportContent.parameter_files, "sozialindex.yml", "kernprozess.yml", "targets.yml",
                       "planung.yml")
    sections = ("overview", "indicators", "sozialindex", "development", "plan_status", "kernprozesse",
                "method_notes")

    # ------------------------------------------------------------------ helpers
    @property
    def number(self) -> int | str:
        """The Stadtbezirk's key in ``raumbezug.yml`` (Cologne: its official number 1 to 9; another city: "01")."""
        key = self.ds.spatial.top.key_of(self.area_id)
        return key if key is not None else self.area_id

    @property
    def bezirk_name(self) -> str:
        return self.ds.spatial.top.name_of(self.number)

    def place_name(self) -> str:
        return f"{self.ds.spatial.top.name} {self.number} {self.bezirk_name}"

    def areas(self) -> list:
        """The programme areas of the Stadtbezirk, in the order of ``areas.yml``."""
        return [a for a in self.ds.areas.areas if a.stadtbezirk == self.number]

    def bezirk_units(self) -> list[str]:
        """Every statistical unit of the Stadtbezirk."""
        units = self.ds.units
        return list(units.loc[units["stadtbezirk_nr"].astype(str) == str(self.number), "unit_id"])

    def groups(self) -> dict[str, list[str]]:
        """Units per area of the Bezirk, then the whole Bezirk and the whole city."""
        groups = area_groups(self.ds, [a.id for a in self.areas()], city=False)
        groups[BEZIRK] = self.bezirk_units()
        groups[CITY] = list(self.ds.units["unit_id"])
        return groups

    def place_names(self) -> dict[str, str]:
        return {**{a.id: a.name for a in self.areas()}, BEZIRK: f"{self.ds.spatial.top.name} {self.bezirk_name}",
                CITY: "Gesamtstadt"}

    def values(self, year: int | None = None) -> pd.DataFrame:
        """Key indicators of the areas, the Bezirk and the city in ``year`` (default: the report year), raw."""
        year = self.year if year is None else year
        return self.memo("values", lambda: indicator_values(self.ds, year, self.groups(), self.key_indicators(),
                                                            self.level), year)

    def _wide(self, values: pd.DataFrame, column: str = "value") -> tuple[pd.DataFrame, list[Col]]:
        """Indicators as rows, the places as columns; each place's value declared on that place's counts."""
        indicators = [i for i in self.key_indicators()]
        frame = pd.DataFrame({"indicator": [i.id for i in indicators], "label": [i.name for i in indicators],
                              "unit": [i.unit for i in indicators],
                              "threshold": [self.ds.catalogue.threshold(i) for i in indicators],
                              "denominator_threshold": [self.ds.catalogue.denominator_threshold(i)
                                                        for i in indicators]})
        by = values.set_index(["group", "indicator"])
        columns: list[Col] = [Col("label", "Indikator")]
        for group, name in self.place_names().items():
            key = _key(group)
            for part in ("numerator", "denominator"):
                frame[f"{part}_{key}"] = [by.at[(group, i), part] for i in frame["indicator"]]
            frame[key] = [by.at[(group, i), column] for i in frame["indicator"]]
            columns += [Col(f"numerator_{key}", f"Anzahl {name}", "count", threshold="threshold", show=False),
                        Col(f"denominator_{key}", f"Bezugsgröße {name}", "count", threshold="denominator_threshold",
                            show=False),
                        Col(key, name, "rate", unit="unit", based_on=(f"numerator_{key}", f"denominator_{key}"))]
        return frame, columns

    # ------------------------------------------------------------------ sections
    def overview(self) -> list[Block]:
        """The Bezirk's programme areas: residents, share of the Bezirk, Stadtteile; a map of the Bezirk."""
        areas = self.areas()
        groups = self.groups()
        counts = aggregate(self.ds, self.year, groups, ["population"])
        threshold = self.ds.catalogue.variable("population").publish_threshold
        rows = []
        for area in areas:
            base = self.ds.spatial.base
            parts = [base.name_of(n) for n in area.stadtteile] + [f"{base.name_of(p.stadtteil)} (teilweise)"
                                                                  for p in area.partial]
            rows.append({"label": area.name, "stadtteile": fmt.join(parts), "population": counts.at[area.id,
                                                                                                     "population"]})
        rows.append({"label": f"{self.ds.spatial.top.name} {self.bezirk_name}", "stadtteile": "alle",
                     "population": counts.at[BEZIRK, "population"]})
        frame = pd.DataFrame(rows)
        frame["bezirk"] = counts.at[BEZIRK, "population"]
        frame["threshold"] = threshold
        frame["share"] = 100 * frame["population"] / frame["bezirk"]
        columns = [Col("label", "Gebiet"), Col("stadtteile", self.ds.spatial.base.plural),
                   Col("population", "Einwohner*innen", "count", threshold="threshold"),
                   Col("share", "Anteil am Bezirk", "share", based_on=("population",))]
        public = masked(frame, columns)
        names = fmt.join([a.name for a in areas])
        shown = public.iloc[:-1]["share"].dropna()
        top, profile = self.ds.spatial.top, self.ds.spatial.profile
        programme = f"des Programms „{profile.programme}“" if profile.programme else "des Programms"
        text = (f"{fmt.sentence_start(top.within())} {self.number} {self.bezirk_name} "
                f"{f'liegt {profile.area.phrase()}' if len(areas) == 1 else f'liegen {profile.areas(len(areas))}'} "
                f"{programme}: {names}.")
        if len(shown) == len(areas):
            text += (f" Zusammen leben dort {fmt.percent(shown.sum())} der Einwohner*innen des Bezirks "
                     f"({self.year}).")
        intro = TextBlock(f"Welche Gebiete {programme} {top.within()} liegen, wie viele Menschen dort leben und wo "
                          "die Gebiete liegen.")
        blocks: list[Block] = [intro, TextBlock(text),
                               TableBlock("gebiete", f"Die {profile.area.plural} {top.within()} {self.bezirk_name} "
                                                     f"{self.year}", frame, columns)]
        return blocks + self._map()

    def _map(self) -> list[Block]:
        """The first key indicator per Stadtteil, zoomed to the Bezirk, its areas outlined."""
        boundaries = maps.boundaries_for(self.ds.data_dir, self.ds.is_demo, self.ds.spatial.profile.map_source)
        indicators = self.key_indicators()
        if boundaries is None or not indicators:
            return []
        whole = {str(n) for a in self.areas() for n in a.stadtteile}
        partial = {str(p.stadtteil) for a in self.areas() for p in a.partial} - whole
        parts = {u for a in self.areas() for p in a.partial for u in p.units}
        focus = {n for n in boundaries.rings if self.ds.spatial.district_of(n) == self.number}
        chart = maps.indicator_map(self.ds, indicators[0], self.year, boundaries, whole,
                                   f"{self.ds.spatial.profile.area.plural} im Bezirk {self.bezirk_name}",
                                   partial=partial, parts=parts, zoom=True, focus=focus)
        return [ChartBlock("bezirk_karte", chart, [
            Col("label", self.ds.spatial.base.name), Col("value", "Wert", "number"), Col("class", "Klasse"),
            Col("in_area", "in einem Gebiet")])]

    def indicators(self) -> list[Block]:
        """Key indicators of each area next to the Bezirk and the city, with intervals (figure) and as a table."""
        values = self.values()
        frame, columns = self._wide(values)
        chart = PlaceIntervals(self.key_indicators(), self.place_names(), self.year).plot(values)
        lines = []
        for area in self.areas():
            comparison = public_comparison(compare_with_city(self.ds, area.id, self.year, self.key_indicators(),
                                                             level=self.level, need=False))
            rated = comparison[comparison["direction"] != "neutral"]
            judged = rated[rated["assessment"].isin(text.JUDGED)]
            worse = judged.loc[judged["assessment"] == "ungünstiger", "label"].tolist()
            better = judged.loc[judged["assessment"] == "günstiger", "label"].tolist()
            unknown = int(rated["assessment"].isna().sum())  # withheld: no verdict may be published
            missing = len(rated) - len(judged) - unknown
            line = (f"- **{area.name}:** bei {len(worse)} von {len(judged)} Indikatoren mit Vergleichswert "
                    f"ungünstiger als die Gesamtstadt" + (f" ({fmt.join(worse)})" if 0 < len(worse) <= 3 else "")
                    + (f", bei {len(better)} günstiger" if better else ""))
            others = [f"{unknown} nicht veröffentlicht (Geheimhaltung)"] if unknown else []
            others += [f"{missing} ohne Wert (siehe Anmerkung zur Tabelle)"] if missing else []
            line += f"; {', '.join(others)}." if others else "."
            lines.append(line)
        note = (f"Werte in % bzw. ‰ wie beim Indikator angegeben; die {self.level_text}-Konfidenzintervalle zeigt "
                "Abbildung 2. Die Gebietswerte und die Abweichungen von der Stadt stehen in den "
                "Sozialraumgebietsanalysen der Gebiete.")
        return [ChartBlock("indikatoren_grafik", chart, [
                    Col("place", "Ort"), Col("label", "Indikator"),
                    Col("numerator", "Anzahl", "count", threshold="threshold", show=False),
                    Col("denominator", "Bezugsgröße", "count", threshold="denominator_threshold", show=False),
                    Col("value", "Wert", "rate", unit="unit", based_on=("numerator", "denominator")),
                    Col("ci_low", "KI unten", "rate", unit="unit", based_on=("numerator", "denominator")),
                    Col("ci_high", "KI oben", "rate", unit="unit", based_on=("numerator", "denominator"))]),
                TableBlock("indikatoren", f"Schlüsselindikatoren {self.year}: Gebiete, Bezirk und Stadt", frame,
                           columns, note=note + self._missing_note(values)),
                TextBlock("Gegenüber der Gesamtstadt (statistisch gesicherte Unterschiede, Werte in der Tabelle "
                          "oben):\n\n" + "\n".join(lines))]

    def _missing_note(self, values: pd.DataFrame) -> str:
        """Why values of the key indicators table show "–", as a paragraph of its own ("" when none does)."""
        groups, names = self.groups(), self.place_names()
        missing = values[values["value"].isna()]
        cases = [Missing.of(self.ds.catalogue.indicator(row.indicator), self.year, names[row.group],
                            None if row.group == CITY else groups[row.group]) for row in missing.itertuples()]
        note = missing_cases_note(self.ds, cases, list(names.values()))
        return f"\n\n{note}" if note else ""

    def sozialindex(self) -> list[Block]:
        """The areas and the Bezirk's Stadtteile in the Sozialindex (status and dynamics classes)."""
        index = SozialindexReport.open(year=self.year, dataset=self.ds, parameters_dir=self.parameters)
        scores = index.area_frame()
        mine = scores[scores["name"].isin([a.name for a in self.areas()])].reset_index(drop=True)
        table = index.stadtteil_frame()
        table = table[[self.ds.spatial.district_of(n) == self.number for n in table["nr"]]].reset_index(drop=True)
        blocks: list[Block] = []
        if index.notes:
            blocks.append(TextBlock("\n".join(f"**Hinweis:** {n}" for n in index.notes)))
        first = index.index.base_year
        units, area = self.ds.spatial.base, self.ds.spatial.profile.area
        blocks += [
            TableBlock("sozialindex_gebiete", f"Die {area.plural} des Bezirks im Sozialindex {self.year}", mine, [
                Col(GUARD, "Schutz", "count", threshold=2, show=False),
                Col("name", area.name),
                Col("status_index", "Status-Index", "number", decimals=2, based_on=(GUARD,)),
                Col("status_label", "Status", based_on=(GUARD,)),
                Col("dynamics_index", f"Dynamik {first}–{self.year}", "number", decimals=2, based_on=(GUARD,)),
                Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            ], note=f"Ein Gebiet als Ganzes auf der Skala der {units.plural} (höherer Status-Index = stärkere "
                    "Benachteiligung). Verfahren und Klassen erläutert der Bericht „Sozialindex“."),
            TableBlock("sozialindex_stadtteile", f"Die {units.plural} des Bezirks {self.bezirk_name} im Sozialindex "
                                                 f"{self.year}", table, [
                Col(GUARD, "Schutz", "count", threshold=2, show=False),
                Col("label", units.name),
                Col("status_label", "Status", based_on=(GUARD,)),
                Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
                Col("combined_code", "Klasse", based_on=(GUARD,)),
                Col("areas", area.name),
            ], note=f"{units.plural} ohne Klasse sind nicht bewertet (zu wenige Einwohner*innen oder fehlende "
                    "Werte)." + (f" {withheld_note(units.plural)}" if table[GUARD].any() else "")),
        ]
        intro = TextBlock(f"Wo die Gebiete und die {self.ds.spatial.base.plural} des Bezirks unter allen "
                          f"{self.ds.spatial.of_city(self.ds.spatial.base.dative_plural_name)} stehen (Status und "
                          "Dynamik).")
        return [intro] + blocks

    def development(self) -> list[Block]:
        """Key indicators at the baseline and now: the areas, the Bezirk and the city, and the change."""
        years = [y for y in self.ds.years if y <= self.year]
        if len(years) < 2:
            return [TextBlock(f"Die Daten enthalten nur das Jahr {self.year}: für eine Entwicklung sind mindestens "
                              "zwei Jahre nötig.")]
        start = self.baseline_year if self.baseline_year in years[:-1] else years[0]
        intro = (f"Entwicklung seit dem Basisjahr {start} der Sozialraumgebietsplanung." if start == self.baseline_year
                 else f"Das Basisjahr {self.baseline_year} liegt nicht in den Daten; verglichen wird mit dem ersten "
                      f"Datenjahr {start}.")
        then, now = self.values(start), self.values()
        rows = []
        names = self.place_names()
        indicators = self.evaluation_indicators()
        by_then = then.set_index(["group", "indicator"])
        by_now = now.set_index(["group", "indicator"])
        for indicator in indicators:
            for group, name in names.items():
                a, b = by_then.loc[(group, indicator.id)], by_now.loc[(group, indicator.id)]
                rows.append({"label": indicator.name, "place": name, "unit": indicator.unit,
                             "n_then": a["numerator"], "d_then": a["denominator"], "then": a["value"],
                             "n_now": b["numerator"], "d_now": b["denominator"], "now": b["value"],
                             "threshold": self.ds.catalogue.threshold(indicator),
                             "denominator_threshold": self.ds.catalogue.denominator_threshold(indicator)})
        frame = pd.DataFrame(rows)
        frame["change"] = frame["now"] - frame["then"]
        counts = ("n_then", "d_then", "n_now", "d_now")
        columns = [Col("label", "Indikator"), Col("place", "Ort"),
                   Col("n_then", "Anzahl", "count", threshold="threshold", show=False),
                   Col("d_then", "Bezugsgröße", "count", threshold="denominator_threshold", show=False),
                   Col("n_now", "Anzahl", "count", threshold="threshold", show=False),
                   Col("d_now", "Bezugsgröße", "count", threshold="denominator_threshold", show=False),
                   Col("then", str(start), "rate", unit="unit", based_on=("n_then", "d_then")),
                   Col("now", str(self.year), "rate", unit="unit", based_on=("n_now", "d_now")),
                   Col("change", "Veränderung", "points", unit="unit", based_on=counts)]
        public = masked(frame, columns)
        caption = f"Entwicklung {start} bis {self.year}"
        lines = []
        for indicator in indicators:
            rows = public[public["label"] == indicator.name].set_index("place")
            city = rows.loc[names[CITY], "change"]
            if pd.isna(city):
                continue
            # the changes stand in the table; the text names where an area went the other way
            moved = [place for place, change in rows["change"].items() if place in [a.name for a in self.areas()]
                     and pd.notna(change) and np.sign(change) != np.sign(city)]
            if moved:
                lines.append(f"- **{indicator.name}:** {fmt.join(moved)}.")
        summary = (f"Gegenläufig zur Gesamtstadt entwickelt haben sich (Werte in Tabelle „{caption}“):\n\n"
                   + "\n".join(lines)
                   if lines else
                   f"Alle Gebiete des Bezirks haben sich in der Richtung der Gesamtstadt entwickelt (Werte in Tabelle "
                   f"„{caption}“).")
        groups = self.groups()
        by_name = {name: group for group, name in names.items()}
        cases = [Missing.of(self.ds.catalogue.indicator(i.id), lacking, row.place,
                            None if by_name[row.place] == CITY else groups[by_name[row.place]])
                 for i in indicators for row in frame[frame["label"] == i.name].itertuples()
                 if (lacking := [y for y, value in ((start, row.then), (self.year, row.now)) if pd.isna(value)])]
        missing = missing_cases_note(self.ds, cases, list(names.values()))
        return [TextBlock(intro),
                TableBlock("entwicklung", caption, frame, columns,
                           note="Veränderung in Prozent- bzw. Promillepunkten. Ob ein Gebiet sich im Vergleich zur "
                                "übrigen Stadt gesichert anders entwickelt hat, prüft die Evaluation des Gebiets."
                                + (f"\n\n{missing}" if missing else "")),
                TextBlock(summary)]

    def evaluation_indicators(self):
        """The indicators of the evaluation (run.yml), else the key indicators."""
        ids = self.settings.evaluation.indicators
        return [self.ds.catalogue.indicator(i) for i in ids] if ids else self.key_indicators()

    # ------------------------------------------------------------------ Sozialraumgebietspläne
    def plans(self) -> Plans | None:
        """The plans of the Bezirk's areas in the period that contains the report year (None without plans)."""
        def compute() -> Plans | None:
            plans = load_plans(self.ds, self.parameters, [a.id for a in self.areas()], level=self.level)
            return None if plans is None else current_plans(plans, self.year)
        return self.memo("plans", compute)

    def plan_status(self) -> list[Block]:
        """Where the goals of the areas' plans stand (by judgement, per goal) and how their measures keep to their
        schedule and budget. Goal values and judgements rest on the goals' counts and are withheld with them;
        the sentences use only the masked counts table."""
        plans = self.plans()
        if plans is None or plans.plans.empty:
            return [TextBlock(f"Für die Gebiete im Bezirk {self.bezirk_name} liegen noch keine "
                              "Sozialraumgebietspläne vor.")]
        names = {a.id: a.name for a in self.areas()}
        goals = self.memo("plan_goal_effects", lambda: goal_effects(self.ds, monitor_goals(self.ds, plans, self.year,
                                                                                          self.level),
                                                                     self.year, self.level))
        counts = pb.goal_counts(goals, names, self.level_text)
        without = [names[a] for a in names if a not in set(plans.plans["area_id"])]
        total_label = f"Gebiete im Bezirk {self.bezirk_name}"
        lines = [pb.goal_count_sentence(counts).replace("der Sozialraumgebietspläne",
                                                         "der Sozialraumgebietspläne im Bezirk")]
        if without:
            lines.append(f"Für {fmt.join(without)} liegt noch kein Sozialraumgebietsplan vor.")
        counts["area"] = counts["area"].replace(pb.TOTAL, total_label)
        blocks: list[Block] = [TextBlock(" ".join(lines)), pb.goal_count_table(counts, self.year, "ziele_bezirk")]
        if len(goals):
            frame = pb.effect_frame(goals)
            frame["area"] = frame["area_id"].map(names)
            frame["order"] = frame["area_id"].map({a: i for i, a in enumerate(names)})
            frame = frame.sort_values(["order", "number"], kind="stable").reset_index(drop=True)
            frame["number"] = frame["number"].map(pb.code)
            blocks.append(TableBlock("ziele_bezirk_einzeln", f"Die Ziele der Pläne im Einzelnen: Stand {self.year}",
                                     frame, [Col("area", "Gebiet"), Col("number", "Nr."), Col("label", "Indikator"),
                                             *pb.GOAL_COUNTS,
                                             Col("current_year", "Jahr", "year", based_on=pb.CURRENT),
                                             Col("current_value", "aktuell", "rate", unit="unit",
                                                 based_on=pb.CURRENT),
                                             Col("target", "Zielwert", "rate", unit="unit"),
                                             Col("target_year", "Zieljahr", "year"),
                                             Col("assessment", "Einschätzung", based_on=pb.TRACK)],
                                     note="aktuell: letztes Jahr mit Daten. Einschätzung: der Trend seit dem "
                                          "Basisjahr, fortgeschrieben bis zum Zieljahr; „unsicher“: das Intervall "
                                          "lässt Erreichen und Verfehlen zu. Die Evaluation jedes Gebiets zeigt "
                                          "Basiswerte, Intervalle und den Verlauf."))
            blocks.append(TableBlock("ziele_bezirk_wirkung", f"Die Ziele der Pläne: Niveau und Wirkung {self.year}",
                                     frame, [Col("area", "Gebiet"), Col("number", "Nr."), Col("label", "Indikator"),
                                             *pb.GOAL_COUNTS, *pb.effect_columns(self.level_text)],
                                     note=pb.EFFECT_NOTE))
            disagreements = pb.disagreement_list(goals, names, self.level_text)
            if disagreements:
                blocks.append(TextBlock(disagreements))
        measures = monitor_measures(plans, status_date(self.year))
        if len(measures):
            blocks.append(self._measure_table(measures, names, total_label))
        return blocks

    def _measure_table(self, measures: pd.DataFrame, names: dict[str, str], total_label: str) -> TableBlock:
        """Per area: measures, how many are delayed, planned and spent funds (plan data, no statistics)."""
        rows = []
        for area_id, name in names.items():
            mine = measures[measures["area_id"] == area_id]
            if len(mine):
                rows.append({"area": name, "measures": len(mine), "delayed": int(mine["delayed"].sum()),
                             "budget": float(mine["budget"].sum()), "spent": float(mine["spent"].sum())})
        frame = pd.DataFrame(rows)
        total = {"area": total_label, "measures": int(frame["measures"].sum()), "delayed": int(frame["delayed"].sum()),
                 "budget": float(frame["budget"].sum()), "spent": float(frame["spent"].sum())}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        frame["share"] = np.where(frame["budget"] > 0, 100 * frame["spent"] / frame["budget"], np.nan)
        frame["eur"] = "EUR"
        return TableBlock("massnahmen_bezirk", f"Maßnahmen der Pläne: Stand {fmt.date(status_date(self.year))}",
                          frame, [Col("area", "Gebiet"), Col("measures", "Maßnahmen", "integer"),
                                  Col("delayed", "davon verzögert", "integer"),
                                  Col("budget", "Budget geplant", "measure", unit="eur"),
                                  Col("spent", "verausgabt", "measure", unit="eur"),
                                  Col("share", "Anteil verausgabt", "share", decimals=0)],
                          note="Verzögert: Beginn oder Ende liegt später als geplant, oder die Maßnahme ist "
                               "verschoben. Die Maßnahmen im Einzelnen stehen in der Evaluation jedes Gebiets.")

    def kernprozesse(self) -> list[Block]:
        """Kernprozessindikatoren and Programmcontrolling of the Bezirk's areas in the report year."""
        ids = [a.id for a in self.areas()]  # only the Bezirk's workbooks; targets.yml is checked for every area
        kp = self.memo("kernprozesse", lambda: kpr.load_kernprozesse(self.ds.data_dir, self.parameters, ids,
                                                                     self.ds.areas.ids))
        if kp is None:
            return kpr.missing_documentation()
        names = {a.id: a.name for a in self.areas()}
        term = self.ds.spatial.profile.area.name
        return (kpr.programme_indicator_table(kp, self.year, names, term,
                                              total=f"Gebiete im Bezirk {self.bezirk_name}",
                                              name="kernprozessindikatoren_bezirk")
                + kpr.programme_controlling(kp, self.year, names, term, name="controlling_bezirk"))

    def method_notes(self) -> list[Block]:
        lines = [
            f"- **Bezirk:** alle statistischen Einheiten {self.ds.spatial.top.phrase('the', 'gen')} {self.number} "
            f"{self.bezirk_name}; „Gesamtstadt“: ganz {self.ds.spatial.city}.",
            "- **Berechnung:** Quoten aus summierten Zählwerten (erst zählen, dann teilen); "
            f"{self.level_text}-Konfidenzintervalle nach Wilson bzw. exakt nach Poisson.",
            "- **Geheimhaltung:** Zahlen unter der Veröffentlichungsschwelle sind durch „•“ ersetzt, ebenso Werte, "
            "die aus ihnen berechnet sind. Eine Summe der Gebiete des Bezirks wird nicht gezeigt.",
            "- **Weitere Berichte:** Sozialraumgebietsanalyse, Sozialraumgebietsplan und Evaluation je Gebiet, Jahresbericht und "
            "Sozialindex für das ganze Programm (siehe Übersichtsseite des Laufs).",
        ]
        return self.method_block(lines)
