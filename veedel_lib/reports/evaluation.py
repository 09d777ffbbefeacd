"""Content of the Sozialraumgebietsevaluation: one area, its development since the baseline year.

The sections: the estimated effects with their intervals and readings (:mod:`veedel_lib.analysis.evaluation`),
the year-by-year development as a figure, the goal attainment (how much of the gap to the city was
closed), the Kernprozessindikatoren and the Programmcontrolling against the Zielvereinbarung
(:mod:`veedel_lib.reports.kernprozess_blocks`), and notes on the method. Each section returns report blocks
for ``Report.show``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.evaluation import area_effect, evaluate, gap_closure, minimum_detectable_effect
from ..errors import ConfigurationError
from ..kernprozess import Kernprozesse, load_kernprozesse
from ..params.catalogue import Indicator, is_favourable
from ..planning import Plans, load_plans
from ..planning.monitoring import goal_effects, goal_paths, monitor_goals, monitor_measures, status_date
from ..render import formatting as fmt
from ..render.charts.effects import EventStudyPanels
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import count_pair, masked
from ..render.text import EFFECT_DECIMALS, evaluation_reading, interval_excludes_zero
from . import kernprozess_blocks as kpr
from . import plan_blocks as pb
from . import second_view
from .base import AREA_UNITS, OWN_AREA, RUN_BASICS, ReportContent
from .missing import Missing, missing_cases_note

COUNTS = [Col("area_count_min", "kleinste Jahreszahl im Gebiet", "count", threshold="threshold", show=False),
          Col("area_denominator_min", "kleinste Bezugsgröße im Gebiet", "count", threshold="denominator_threshold",
              show=False)]
"""The area's smallest yearly counts: every estimate rests on them, so they decide what may be published."""
COUNT_KEYS = ("area_count_min", "area_denominator_min")
THEN = ("numerator_then", "denominator_then")
NOW = ("numerator_now", "denominator_now")
ESTIMATES = ("estimate", "ci_low", "ci_high", "p_value", "placebo_sd", "mde", "actual_then", "actual_now",
             "expected_now", "rate_ratio", "rate_ratio_low", "rate_ratio_high", "rate_ratio_p", "pre_trend",
             "pre_trend_p")
"""Every number of the evaluation computed from the area's counts."""


class Evaluation(ReportContent):
    """The evaluation of one area: effects since the baseline, goal attainment, Kernprozesse, controlling."""

    notebook = "evaluation"
    report = "Evaluation"
    scope = "area"
    variable = "evaluation"
    parameter_files = (*ReportContent.parameter_files, "kernprozess.yml", "targets.yml", "planung.yml")
    parameter_keys = (OWN_AREA, *AREA_UNITS, "indicators.yml", "raumbezug.yml", *RUN_BASICS,
                      "run.yml:analysis.evaluation", "kernprozess.yml", "targets.yml:thresholds", "targets.yml:default",
                      "targets.yml:areas.{area_id}", "planung.yml")
    own_area_workbooks = True
    needs_baseline = True
    sections = ("overview", "development", "second_comparison", "goal_attainment", "kernprozess_indicators",
                "controlling", "method_notes", "plan_goals")

    def configure(self, **options) -> None:
        """The evaluated indicators: ``analysis.evaluation.indicators`` of run.yml, else all rated yearly ones."""
        super().configure(**options)
        ids = self.settings.evaluation.indicators or [i.id for i in self.ds.catalogue.rated()
                                                      if not i.latest_available]
        known = {i.id for i in self.ds.catalogue.indicators}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ConfigurationError(f"run.yml analysis.evaluation.indicators: unbekannt {', '.join(unknown)}")
        self.indicators: list[Indicator] = [self.ds.catalogue.indicator(i) for i in ids]

    # ------------------------------------------------------------------ helpers
    def results(self) -> pd.DataFrame:
        """The effects table of :func:`veedel_lib.analysis.evaluation.evaluate`, computed once."""
        settings = self.settings.evaluation
        return self.memo("results", lambda: evaluate(self.ds, self.area_id, self.indicators, self.baseline_year,
                                                     self.year, self.level, settings.small_count_limit,
                                                     settings.placebo_draws), tuple(i.id for i in self.indicators))

    def gaps(self) -> pd.DataFrame:
        """Distance to the city at the baseline and now (see :func:`~veedel_lib.analysis.evaluation.gap_closure`)."""
        return self.memo("gaps", lambda: gap_closure(self.ds, self.area_id, self.indicators, self.baseline_year,
                                                     self.year, self.level), tuple(i.id for i in self.indicators))

    def table(self) -> pd.DataFrame:
        """Effects and the area's values then and now in one frame, one row per indicator."""
        def compute() -> pd.DataFrame:
            gaps = self.gaps()
            frame = self.results().merge(gaps[["indicator", "area_then", "area_now", *THEN, *NOW]], on="indicator",
                                         how="left")
            for column in ESTIMATES:
                if column not in frame:
                    frame[column] = np.nan
            frame["verdict"] = [self._verdict(row) for _, row in frame.iterrows()]
            return frame

        return self.memo("table", compute, tuple(i.id for i in self.indicators))

    def public(self) -> pd.DataFrame:
        """:meth:`table` as it may be published: estimates on small area counts and the values and verdicts
        derived from them withheld (NaN); sentences use only this."""
        columns = [*COUNTS, *count_pair(*THEN), *count_pair(*NOW),
                   *[Col(k, k, "number", based_on=COUNT_KEYS) for k in ESTIMATES],
                   Col("verdict", "Einordnung", based_on=COUNT_KEYS),
                   Col("area_then", "then", "rate", based_on=THEN), Col("area_now", "now", "rate", based_on=NOW)]
        return self.memo("public", lambda: masked(self.table(), columns), tuple(i.id for i in self.indicators))

    def kernprozesse(self) -> Kernprozesse | None:
        """The Kernprozess documentation, indicators and controlling of the area (None without documentation)."""
        return self.memo("kernprozesse", lambda: load_kernprozesse(self.ds.data_dir, self.parameters, [self.area_id],
                                                                   self.ds.areas.ids))

    # ------------------------------------------------------------------ sections
    def overview(self) -> list[Block]:
        """Per indicator: the estimated difference in development against the rest of the city, with interval."""
        public = self.public()
        withheld = public["estimate"].isna() & self.table()["estimate"].notna()
        sentences = [evaluation_reading(row, self.area.name, self.baseline_year, self.level, withheld=hidden)
                     for (_, row), hidden in zip(public.iterrows(), withheld)]
        caption = f"Entwicklung von {self.area.name} seit {self.baseline_year} im Vergleich zur übrigen Stadt"
        table = TableBlock("evaluation", caption, self.table(), [
            Col("label", "Indikator"), *COUNTS, *count_pair(*THEN), *count_pair(*NOW),
            Col("area_then", f"Gebiet {self.baseline_year}", "rate", unit="unit", based_on=THEN),
            Col("area_now", f"Gebiet {self.year}", "rate", unit="unit", based_on=NOW),
            Col("estimate", "Abweichung vom erwarteten Verlauf", "points", unit="unit", based_on=COUNT_KEYS,
                decimals=EFFECT_DECIMALS),
            Col("ci_low", f"{self.level_text}-Intervall von", "points", unit="unit", based_on=COUNT_KEYS,
                decimals=EFFECT_DECIMALS),
            Col("ci_high", "bis", "points", unit="unit", based_on=COUNT_KEYS, decimals=EFFECT_DECIMALS),
            Col("verdict", "Einordnung", based_on=COUNT_KEYS),
        ], note=f"Abweichung vom erwarteten Verlauf: um wie viel der Wert des Gebiets in den Jahren nach "
                f"{self.baseline_year} im Mittel über (+) oder unter (–) dem Wert lag, den sein eigener Verlauf bis "
                f"{self.baseline_year} und die Entwicklung der übrigen Stadt (ohne die anderen Programmgebiete) "
                "erwarten ließen, in Prozentpunkten (Pp.) bzw. Promillepunkten. Intervall aus Placebo-Gebieten "
                "(siehe Hinweise zur Methode); gesichert heißt eine Abweichung, wenn das Intervall, wie es hier "
                "steht, null ausschließt."
                + self._missing_note(self.gaps(), city=False))
        changes = self.definition_changes(self.ds.years[0], self.year)
        sentences += [f"> **Gebietszuschnitt:** {sentence}" for sentence in changes]
        # the numbers stand in the table; the readings say what they mean
        intro = f"Was die Schätzungen in Tabelle „{caption}“ bedeuten:"
        return [table, TextBlock("\n\n".join([intro, *sentences]))]

    @staticmethod
    def _verdict(row: pd.Series) -> str:
        """The table's reading of an effect: gesichert only when the interval as shown excludes zero."""
        if row.get("status") != "ok" or not np.isfinite(row.get("estimate", np.nan)):
            return "nicht auswertbar"
        if not interval_excludes_zero(row["ci_low"], row["ci_high"]):
            return "keine gesicherte Abweichung"
        if row["direction"] == "neutral":
            return "gesichert höher als erwartet" if row["estimate"] > 0 else "gesichert niedriger als erwartet"
        favourable = is_favourable(row["direction"], row["estimate"])
        return "günstiger als erwartet" if favourable else "ungünstiger als erwartet"

    def development(self) -> list[Block]:
        """The departure from the area's expected path in each year after the baseline, with placebo bands."""
        table = self.table().set_index("indicator")
        settings = self.settings.evaluation
        events = []
        for indicator in self.indicators:
            if table.loc[indicator.id, "status"] != "ok":
                continue
            years = area_effect(self.ds, indicator, self.area_id, self.baseline_year, self.year, self.level,
                                settings.placebo_draws).years
            first = pd.DataFrame([{"year": self.baseline_year, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}])
            events.append(pd.concat([first, years.drop(columns="p_value")], ignore_index=True)
                          .assign(indicator=indicator.id))
        if not events:
            return [TextBlock("Für keinen Indikator liegen genug Jahre vor und nach dem Basisjahr vor.")]
        events = pd.concat(events, ignore_index=True)
        events = events.join(table[list(COUNT_KEYS) + ["threshold", "denominator_threshold"]], on="indicator")
        columns = [Col("label", "Indikator"), Col("year", "Jahr", "year"), *COUNTS,
                   Col("estimate", "Abweichung", "points", unit="unit", based_on=COUNT_KEYS,
                       decimals=EFFECT_DECIMALS),
                   Col("ci_low", "Intervall von", "points", unit="unit", based_on=COUNT_KEYS, decimals=EFFECT_DECIMALS),
                   Col("ci_high", "bis", "points", unit="unit", based_on=COUNT_KEYS, decimals=EFFECT_DECIMALS)]
        chart = EventStudyPanels(self.indicators, self.area.name, self.baseline_year, self.level_text)
        if chart.checked(events)["data"].frame["estimate"].notna().sum() == 0:
            return [TextBlock(f"Die Zahlen von {self.area.name} sind zu klein, um den Verlauf zu veröffentlichen "
                              "(Geheimhaltung).")]
        return [ChartBlock("evaluation_verlauf", chart.plot(events), columns)]

    def second_comparison(self) -> list[Block]:
        """A second comparison (synthetic control from Stadtteile outside the programme) and the sensitivity to
        the trend assumption (:mod:`veedel_lib.reports.second_view`)."""
        return second_view.second_comparison(self)

    def goal_attainment(self) -> list[Block]:
        """How much of the unfavourable gap to the city at the baseline has been closed since."""
        gaps = self.gaps()
        columns = [
            Col("label", "Indikator"), *count_pair(*THEN), *count_pair(*NOW),
            Col("area_then", f"Gebiet {self.baseline_year}", "rate", unit="unit", based_on=THEN),
            Col("city_then", f"Stadt {self.baseline_year}", "rate", unit="unit"),
            Col("area_now", f"Gebiet {self.year}", "rate", unit="unit", based_on=NOW),
            Col("city_now", f"Stadt {self.year}", "rate", unit="unit"),
            Col("gap_then", f"Abstand {self.baseline_year}", "points", unit="unit", based_on=THEN),
            Col("gap_now", f"Abstand {self.year}", "points", unit="unit", based_on=NOW),
            Col("gap_closed", "Abstand geschlossen", "share", decimals=0, based_on=THEN + NOW),
        ]
        public = masked(gaps, columns)
        caption = f"Abstand zur Gesamtstadt {self.baseline_year} und {self.year}"
        closing = public[np.isfinite(public["gap_closed"].astype(float))]
        if len(closing):
            best = closing.sort_values("gap_closed", ascending=False).iloc[0]
            narrowed = int((closing["gap_closed"] > 0).sum())
            # the share closed stands in the table: the text names the indicator, not the number again
            strongest = f"; am stärksten bei {best['label']}" if narrowed else ""
            text = (f"Bei {narrowed} von {len(closing)} Indikatoren, bei denen {self.area.name} {self.baseline_year} "
                    f"ungünstiger lag als die Gesamtstadt, ist der Abstand bis {self.year} kleiner geworden"
                    f"{strongest} (Werte in Tabelle „{caption}“). Ein kleinerer Abstand allein belegt keine Wirkung "
                    "des Programms; die Schätzung oben berücksichtigt den Verlauf der übrigen Stadt.")
        elif public["gap_then"].notna().any():
            text = f"{self.area.name} lag {self.baseline_year} bei keinem Indikator ungünstiger als die Gesamtstadt."
        else:
            text = (f"Für {self.area.name} sind die Zahlen zu klein, um die Abstände zur Gesamtstadt zu "
                    "veröffentlichen (Geheimhaltung).")
        return [TextBlock(text), TableBlock("zielerreichung", caption, gaps, columns,
                                            note="Abstand geschlossen: Anteil des ungünstigen Abstands im Basisjahr, "
                                                 "der bis zum Berichtsjahr aufgeholt wurde (negativ: der Abstand ist "
                                                 "gewachsen); nur wo das Gebiet im Basisjahr ungünstiger lag."
                                                 + self._missing_note(gaps))]

    def _missing_note(self, gaps: pd.DataFrame, city: bool = True) -> str:
        """Why values of the area (and with ``city`` of the city) at the baseline or now show "–", as a paragraph of
        its own ("" when none does); ``gaps`` is :meth:`gaps`."""
        units = self.ds.unit_ids(self.area_id)
        places = [(self.area.name, units, "area")] + ([("Gesamtstadt", None, "city")] if city else [])
        cases = []
        for row in gaps.itertuples():
            indicator = self.ds.catalogue.indicator(row.indicator)
            for place, where, prefix in places:
                lacking = [y for y, key in ((self.baseline_year, "then"), (self.year, "now"))
                           if pd.isna(getattr(row, f"{prefix}_{key}"))]
                if lacking:
                    cases.append(Missing.of(indicator, lacking, place, where))
        note = missing_cases_note(self.ds, cases, [p for p, _, _ in places])
        return f"\n\n{note}" if note else ""

    def kernprozess_indicators(self) -> list[Block]:
        """The Kernprozessindikatoren of the area per documented year."""
        kp = self.kernprozesse()
        if kp is None:
            return kpr.missing_documentation(self.area.name)
        return kpr.area_indicator_table(kp, self.area_id, self.area.name, self.year)

    def controlling(self) -> list[Block]:
        """Target vs actual of the Zielvereinbarung in the report year, with traffic lights."""
        kp = self.kernprozesse()
        if kp is None:
            return kpr.missing_documentation(self.area.name)
        return kpr.area_controlling(kp, self.area_id, self.area.name, self.year)

    def method_notes(self) -> list[Block]:
        """How the effects were estimated and how (not) to read them."""
        settings = self.settings.evaluation
        percent = fmt.number(self.level * 100, 0)
        base = self.ds.spatial.base
        lines = [
            f"- **Was geschätzt wird:** Für jede statistische Einheit und jedes Jahr wird der Wert aus den Zählwerten "
            f"berechnet. Ein Regressionsmodell (gewichtete kleinste Quadrate, Gewicht = Bezugsbevölkerung) beschreibt "
            f"jede Einheit durch ihr eigenes Niveau und ihren eigenen linearen Trend und die ganze Stadt durch "
            f"Jahreseffekte (auch proportional zum Niveau einer Einheit: eine stadtweite Veränderung um 5 % bewegt "
            f"eine Quote von 30 % um 1,5 Punkte, eine von 10 % um 0,5 Punkte). Das Modell wird nur auf Beobachtungen "
            f"ohne Programm angepasst: die Jahre bis {self.baseline_year} des Gebiets und alle Jahre der übrigen "
            f"Stadt ohne die anderen Programmgebiete (Imputationsschätzer). Daraus folgt für jedes Jahr nach "
            f"{self.baseline_year} der erwartete Verlauf des Gebiets; geschätzt wird die Abweichung des Gebiets "
            f"davon, im Mittel der Jahre nach {self.baseline_year} (Tabelle) und je Jahr (Abbildung). Weil die Trends "
            f"nur aus den Jahren vor dem Programm stammen, wird eine nach {self.baseline_year} wachsende Abweichung "
            "nicht in den Trend der Einheit eingerechnet. Eine Abweichung ist keine Veränderung: Ein Wert kann "
            "sinken und trotzdem über dem erwarteten Verlauf liegen, wenn ein stärkerer Rückgang zu erwarten war.",
            f"- **Intervall (Placebo-Gebiete):** Die Einheiten eines Gebiets liegen oft in nur "
            f"{base.article('a', 'dat')} oder zwei {base.dative_plural_name}. Ein nach "
            f"{base.dative_plural_name} geclusterter Standardfehler stützt sich dann auf einen einzigen "
            f"behandelten Cluster und ist unzuverlässig (meist viel zu klein); er wird deshalb nirgends verwendet. "
            f"Stattdessen wird dieselbe Schätzung für {settings.placebo_draws} Placebo-Gebiete wiederholt, die aus "
            f"ganzen {base.dative_plural_name} außerhalb der Programmgebiete zufällig zusammengestellt werden, "
            f"jeweils so groß wie das Gebiet (Randomisierungsinferenz, Placebo im Raum). So groß werden „Effekte“ "
            f"allein durch die gewöhnliche Streuung zwischen {base.dative_plural_name}. Jeder Placebo-Effekt wird "
            f"auf das Niveau des Gebiets umgerechnet, weil die Streuung mit dem Niveau einer Quote wächst. Das "
            f"{percent}-%-Intervall ist die Schätzung abzüglich des 2,5- und 97,5-%-Quantils der Placebo-Effekte; "
            f"so entstehen auch die Bänder der Abbildung je Jahr.",
            f"- **Gesichert:** Eine Abweichung heißt gesichert („größer, als der Zufall erklären könnte“), wenn das "
            f"Intervall, so wie es gerundet in Tabelle und Text steht, null ausschließt.",
            f"- **Kleinster erkennbarer Effekt:** das {fmt.number(minimum_detectable_effect(1.0, self.level), 1)}-"
            f"Fache der Standardabweichung der Placebo-Effekte (Irrtumswahrscheinlichkeit "
            f"{fmt.number(100 - self.level * 100, 0)} % beidseitig, Trennschärfe 80 %). Eine wahre Abweichung dieser "
            "Größe würde mit 80 % "
            "Wahrscheinlichkeit als gesichert erkannt; bei kleineren Gebieten und seltenen Ereignissen ist sie "
            "größer. Ein nicht gesichertes Ergebnis heißt darum nicht „keine Wirkung“, sondern „keine Wirkung "
            "dieser Größe“.",
            "- **Vorsicht:** Eine gesicherte Abweichung zeigt, dass sich das Gebiet anders entwickelt hat als "
            "erwartet. Ob das Programm die Ursache ist, lässt sich daraus allein nicht ableiten: Auch andere "
            "Entwicklungen im Gebiet (Neubau, Zuzug, andere Förderprogramme) können dahinterstehen.",
            f"- **Kleine Zahlen:** Wo im Gebiet im Mittel weniger als {settings.small_count_limit} Fälle im Jahr "
            f"gezählt werden, kommt ein Zählmodell (Poisson mit der Bevölkerung als Offset, Effekte je {base.name}teil "
            "und Jahr, angepasst auf die Beobachtungen ohne Programm) hinzu; es gibt den Faktor an, um den die "
            "gezählten Fälle nach dem Basisjahr vom erwarteten Wert abweichen, mit einem Intervall aus denselben "
            "Placebo-Gebieten.",
            "- **Vortrend:** Dieselbe Schätzung wird zusätzlich nur mit den Jahren bis zum Basisjahr gerechnet, als "
            "hätte das Programm drei Jahre vor dem Basisjahr begonnen, und an den Placebo-Gebieten gemessen. Zeigt "
            "sich schon da ein gesicherter „Effekt“, ist die Schätzung mit Vorsicht zu lesen.",
            "- **Kernprozesse:** Grundlage ist die Dokumentation der Sozialraumkoordination; Ziele aus der "
            "Zielvereinbarung. Freitext und Personenangaben erscheinen nie im Bericht.",
        ]
        return self.method_block(lines)

    # ------------------------------------------------------------------ the Sozialraumgebietsplan's goals
    def plan(self) -> tuple[str, Plans] | None:
        """The area's plan in the period that contains the report year, with its period (None without a plan)."""
        def compute():
            plans = load_plans(self.ds, self.parameters, [self.area_id], level=self.level)
            period = plans.period_for(self.area_id, self.year) if plans is not None else None
            return None if period is None else (period, plans.of(self.area_id, period))
        return self.memo("plan", compute)

    def plan_goals(self) -> list[Block]:
        """The goals of the Sozialraumgebietsplan against the data, and its measures against their schedule."""
        found = self.plan()
        if found is None:
            return pb.no_plan(self.area.name)
        period, plan = found
        goals = self.memo("plan_goal_effects", lambda: goal_effects(self.ds, monitor_goals(self.ds, plan, self.year,
                                                                                          self.level),
                                                                     self.year, self.level), period)
        measures = monitor_measures(plan, status_date(self.year))
        intro = TextBlock(f"Die Bezirksvertretung hat für {self.area.name} im Sozialraumgebietsplan {period} Ziele "
                          "beschlossen. Hier steht, wo jedes Ziel nach den Daten steht und ob der Trend seit dem "
                          "Basisjahr bis zum Zieljahr reicht, welchen Anteil an der Entwicklung die Evaluation dem "
                          "Programm zuschreibt, und wie weit die Maßnahmen sind.")
        paths = goal_paths(self.ds, plan, self.year, self.level)
        return [intro, *pb.goal_monitoring(goals, self.area.name, period, self.year, self.level_text, paths),
                *pb.measure_monitoring(measures, period, status_date(self.year))]
