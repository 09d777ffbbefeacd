"""The Sozialraumgebietsplan of one area and plan period, as the Bezirksvertretung receives it.

The plan comes from the area's workbook ``plaene/<area_id>.xlsx`` (validated by :mod:`veedel_lib.planning`); the
period shown is the one that contains the report year (else the latest that began before it). The sections: the
plan at a glance, the Ausgangslage in brief (the Sozialraumgebietsanalyse of the year before the period),
Handlungserfordernisse with their source, the goals, the strategies, the measures by Handlungsfeld with
responsibilities and timeline, the costs and their funding, and the record of decisions.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..analysis.comparison import compare_with_city, handlungsbedarfe
from ..errors import ConfigurationError
from ..planning import Plans, load_plans
from ..planning.monitoring import monitor_measures, status_date
from ..planning.schema import parse_period
from ..render import formatting as fmt
from ..render import text
from ..render.blocks import Block, Col, ReportTitle, TableBlock, TextBlock
from ..render.disclosure import basis, public_comparison, rate_basis
from . import plan_blocks as pb
from .base import OWN_AREA, RUN_BASICS, ReportContent
from .missing import Missing, missing_cases_note


class AreaPlan(ReportContent):
    """The integrierte Sozialraumgebietsplan of one area for one plan period."""

    notebook = "sozialraumgebietsplan"
    report = "Sozialraumgebietsplan"
    scope = "area"
    parameter_files = (*ReportContent.parameter_files, "kernprozess.yml", "planung.yml")
    parameter_keys = (OWN_AREA, "indicators.yml", "raumbezug.yml", *RUN_BASICS, "run.yml:analysis.handlungsbedarf",
                      "kernprozess.yml", "planung.yml")
    own_area_workbooks = True
    variable = "plan"
    sections = ("overview", "situation", "requirements", "goals", "strategies", "measures", "finances", "decisions",
                "method_notes")

    def configure(self, period: str | None = None, **options) -> None:
        """``period``: the plan period to show ("2021–2025"); default: the one containing the report year."""
        super().configure(**options)
        self.requested_period = period

    # ------------------------------------------------------------------ helpers
    def plans(self) -> Plans | None:
        """The area's validated plans (None without a plans folder)."""
        return self.memo("plans", lambda: load_plans(self.ds, self.parameters, [self.area_id], level=self.level))

    @property
    def period(self) -> str | None:
        """The plan period the report shows; a German error for a period the area has no plan for."""
        return self.memo("period", self._period, self.requested_period)

    def _period(self) -> str | None:
        plans = self.plans()
        if plans is None:
            return None
        if self.requested_period:
            years = parse_period(self.requested_period)
            wanted = f"{years[0]}–{years[1]}" if years else self.requested_period
            if wanted not in plans.periods(self.area_id):
                raise ConfigurationError(f"Für {self.area.name} gibt es keinen Plan {self.requested_period} "
                                         f"(vorhanden: {', '.join(plans.periods(self.area_id)) or 'keiner'}).")
            return wanted
        return plans.period_for(self.area_id, self.year)

    def plan(self) -> Plans | None:
        """The plan of the shown period (None when the area has none); picked once, the sections ask 14 times."""
        plans, period = self.plans(), self.period
        return None if plans is None or period is None else self.memo("plan", lambda: plans.of(self.area_id, period),
                                                                      period)

    @property
    def analysis_year(self) -> int:
        """The analysis the plan starts from: the last data year before the period (the latest year without plan)."""
        period = self.period
        start = parse_period(period)[0] if period else self.year + 1
        earlier = [y for y in self.ds.years if y < start]
        return earlier[-1] if earlier else self.ds.years[0]

    def comparison(self) -> pd.DataFrame:
        """The area against the city in the analysis year (raw; tables protect themselves)."""
        return self.memo("comparison", lambda: compare_with_city(self.ds, self.area_id, self.analysis_year,
                                                                 level=self.level, rule=self.settings.handlungsbedarf),
                         self.analysis_year)

    def title(self) -> ReportTitle:
        """The title names the plan period: "Sozialraumgebietsplan 2021–2025"."""
        title = super().title()
        return replace(title, report=f"{self.report} {self.period}") if self.period else title

    def _missing(self) -> list[Block] | None:
        return pb.no_plan(self.area.name) if self.plan() is None else None

    # ------------------------------------------------------------------ sections
    def overview(self) -> list[Block]:
        """The plan at a glance: period, conferences, decision, what it holds."""
        if (missing := self._missing()) is not None:
            return missing
        plan, period = self.plan(), self.period
        row = plan.plan(self.area_id, period)
        decided = plan.decisions[(plan.decisions["committee"] == "Bezirksvertretung")
                                 & plan.decisions["kind"].isin(["Ziele beschlossen", "Ziele geändert"])]
        facts = [("Planungszeitraum", period), ("Federführung", row["lead"]),
                 ("Planungskonferenz", fmt.date(row["planning_conference"]) if pd.notna(row["planning_conference"])
                  else "noch nicht terminiert"),
                 ("Beschluss der Bezirksvertretung", "; ".join(
                     f"{fmt.date(d.date)} (Drucksache {d.drucksache})" for d in decided.sort_values("date").itertuples())
                  or "noch nicht beschlossen"),
                 ("Meilensteinkonferenz", fmt.date(row["milestone_conference"]) if pd.notna(row["milestone_conference"])
                  else "noch nicht terminiert"),
                 ("Inhalt", f"{len(plan.needs)} Handlungserfordernisse, {len(plan.goals)} Ziele, "
                            f"{len(plan.strategies)} Strategien, {len(plan.measures)} Maßnahmen mit "
                            f"{fmt.measure(plan.measures['budget'].sum(), 'EUR')} geplanten Mitteln")]
        frame = pd.DataFrame(facts, columns=["label", "value"])
        return [TextBlock(f"Der Sozialraumgebietsplan hält fest, was {self.area.name} mittelfristig braucht, welche "
                          "Ziele die Bezirksvertretung dafür beschlossen hat und mit welchen Strategien und Maßnahmen "
                          "sie erreicht werden sollen."),
                TableBlock("plan_ueberblick", f"Der Plan {period} auf einen Blick", frame,
                           [Col("label", "Angabe"), Col("value", "Stand")])]

    def situation(self) -> list[Block]:
        """The Ausgangslage in brief: the rated indicators of the analysis year against the city, and the needs."""
        comparison = self.comparison()
        rated = comparison[comparison["direction"] != "neutral"]
        public = public_comparison(rated)
        year = self.analysis_year
        caption = f"Ausgangslage {year}: {self.area.name} im Vergleich zur Gesamtstadt"
        units = self.ds.unit_ids(self.area_id)
        cases = [Missing.of(self.ds.catalogue.indicator(row.indicator), year, place, where)
                 for row in rated.itertuples()
                 for place, where, value in ((self.area.name, units, row.area_value),
                                             ("Gesamtstadt", None, row.city_value)) if pd.isna(value)]
        missing = missing_cases_note(self.ds, cases, (self.area.name, "Gesamtstadt"))
        table = TableBlock("ausgangslage", caption,
                           rated, [Col("label", "Indikator"), rate_basis(show=True)[0], rate_basis()[1],
                                   Col("area_value", self.area.name, "rate", unit="unit", based_on=basis()),
                                   Col("city_value", "Gesamtstadt", "rate", unit="unit"),
                                   Col("need", "Handlungsbedarf", based_on=basis())],
                           note="Aus der Sozialraumgebietsanalyse des letzten Jahres vor dem Planungszeitraum; "
                                "Handlungsbedarf nach der Regel der Sozialraumgebietsanalyse."
                                + (f"\n\n{missing}" if missing else ""))
        return [TextBlock(text.comparison_summary(public, self.area.name, year, caption)), table,
                TextBlock(text.need_sentences(handlungsbedarfe(public), self.area.name, caption))]

    def requirements(self) -> list[Block]:
        """The Handlungserfordernisse, each with its source: analysis, bottom-up theme or city-wide theme."""
        if (missing := self._missing()) is not None:
            return missing
        plan = self.plan()
        if plan.needs.empty:
            return [TextBlock("Der Plan nennt noch keine Handlungserfordernisse.")]
        public = public_comparison(self.comparison()).set_index("indicator")
        labels = {i.id: i.name for i in self.ds.catalogue.indicators}
        counts = plan.needs["source"].value_counts()
        summary = ", ".join(f"{n} aus der Quelle „{s}“" for s, n in counts.items())
        return [TextBlock(f"Der Plan führt {len(plan.needs)} Handlungserfordernisse zusammen: {summary}. Themen aus "
                          "dem Gebiet (bottom-up) und gesamtstädtische Themen der Sozialplanung (top-down) stehen "
                          "neben den Befunden der Analyse."),
                pb.needs_table(plan, public, self.analysis_year, labels)]

    def goals(self) -> list[Block]:
        """The goals: indicator, direction, baseline from the data, target and target year."""
        if (missing := self._missing()) is not None:
            return missing
        plan = self.plan()
        if plan.goals.empty:
            return [TextBlock("Der Plan enthält noch keine Ziele.")]
        blocks: list[Block] = [pb.goals_table(plan, self.period)]
        return blocks + [b for b in (pb.goal_texts(plan), pb.goal_notes(plan)) if b is not None]

    def strategies(self) -> list[Block]:
        """The strategies and the goals they serve."""
        if (missing := self._missing()) is not None:
            return missing
        return [pb.strategies_text(self.plan())]

    def measures(self) -> list[Block]:
        """The measures by Handlungsfeld: who leads, who takes part, when, and which goals and projects they serve."""
        if (missing := self._missing()) is not None:
            return missing
        plan = self.plan()
        fields = plan.measures["field"].nunique()
        intro = TextBlock(f"{len(plan.measures)} Maßnahmen in {fields} Handlungsfeldern. Die Abbildung zeigt den "
                          "geplanten und den tatsächlichen Zeitraum jeder Maßnahme; Ziele und Projekte: Nummern der "
                          "Ziele und der Projekte aus der Dokumentation der Kernprozesse, die die Maßnahme umsetzt.")
        as_of = status_date(self.year)
        return [intro, *pb.measures_by_field(plan, monitor_measures(plan, as_of), self.period, as_of, self.area.name)]

    def finances(self) -> list[Block]:
        """Planned costs and spent funds by Förderprogramm."""
        if (missing := self._missing()) is not None:
            return missing
        return pb.finance_table(self.plan(), self.period)

    def decisions(self) -> list[Block]:
        """Which committee decided or advised what and when."""
        if (missing := self._missing()) is not None:
            return missing
        return pb.decisions_table(self.plan(), self.period)

    def method_notes(self) -> list[Block]:
        """Where the plan comes from and how to read it."""
        lines = [
            "- **Grundlage:** die Planungsmappe des Gebiets, von der Sozialplanung geführt "
            "und beim Einlesen vollständig geprüft; Ansprechpersonen und E-Mail-Adressen werden dabei entfernt.",
            f"- **Ausgangslage und Basiswerte:** aus den Daten ({self.ds.years[0]} bis {self.ds.years[-1]}), nicht "
            "aus der Mappe; Werte auf kleinen Zahlen sind geheim gehalten (•).",
            "- **Handlungserfordernisse:** aus der Sozialraumgebietsanalyse (Indikatoren mit Handlungsbedarf), aus "
            "Themen, die die Sozialraumkoordination an die Sozialplanung weitergegeben hat (bottom-up), und aus "
            "gesamtstädtischen Themen (top-down).",
            "- **Fortschritt:** Wie weit die Ziele erreicht sind, steht in der Evaluation des Gebiets und im "
            "Meilensteinbericht.",
        ]
        return self.method_block(lines)
