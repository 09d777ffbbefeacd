"""The Meilensteinbericht of one area: the plan at mid-term, prepared for the Meilensteinkonferenz (on demand).

Which goals are on track and which are not (the trend of their indicator since the baseline, projected to the
target year with its interval), which measures are behind their schedule or over their budget, and what the
conference has to decide about them. The plan shown is the one containing the report year.
"""

from __future__ import annotations

import pandas as pd

from ..planning.monitoring import NOT_MEASURABLE, OFF_TRACK, UNCERTAIN, goal_paths, monitor_goals, monitor_measures, status_date
from ..render import formatting as fmt
from ..render.blocks import Block, TextBlock
from ..render.disclosure import masked
from . import plan_blocks as pb
from .sozialraumgebietsplan import AreaPlan


class MilestoneReport(AreaPlan):
    """The mid-term review of one area's Sozialraumgebietsplan."""

    notebook = "meilensteinbericht"
    report = "Meilensteinbericht"
    scope = "area"
    variable = "meilenstein"
    on_demand = True
    sections = ("midterm", "goals_status", "delayed_measures", "decisions_needed", "review_notes")

    # ------------------------------------------------------------------ helpers
    def goal_states(self) -> pd.DataFrame:
        """The plan's goals with their monitoring (raw; tables protect themselves)."""
        return self.memo("goal_states", lambda: monitor_goals(self.ds, self.plan(), self.year, self.level),
                         self.period)

    def measure_states(self) -> pd.DataFrame:
        """The plan's measures with delay and spent share, as of the end of the report year."""
        return self.memo("measure_states", lambda: monitor_measures(self.plan(), status_date(self.year)), self.period)

    def public_goals(self) -> pd.DataFrame:
        """The monitored goals as they may be published (sentences use only this)."""
        return masked(pb.monitoring_frame(self.goal_states()), pb.goal_monitoring_columns(self.level_text))

    # ------------------------------------------------------------------ sections
    def midterm(self) -> list[Block]:
        """Where the plan stands at mid-term: time passed, goals by judgement, measures behind schedule."""
        if (missing := self._missing()) is not None:
            return missing
        plan, period = self.plan(), self.period
        row = plan.plan(self.area_id, period)
        start, end = int(row["start"]), int(row["end"])
        passed = min(max(self.year - start + 1, 0), end - start + 1)
        counts = pb.goal_counts(self.goal_states(), {self.area_id: self.area.name}, self.level_text).iloc[0]
        measures = self.measure_states()
        conference = (f"Die Meilensteinkonferenz ist für den {fmt.date(row['milestone_conference'])} angesetzt "
                      "bzw. hat an dem Tag getagt." if pd.notna(row["milestone_conference"])
                      else "Ein Termin für die Meilensteinkonferenz ist noch nicht eingetragen.")
        return [TextBlock(
            f"Der Plan {period} für {self.area.name} ist im {passed}. von {end - start + 1} Jahren (Daten bis "
            f"{self.year}). {conference}\n\n"
            f"- **Ziele:** {counts['goals']}, davon {counts['on_track']} auf Kurs oder erreicht, "
            f"{counts['off_track']} nicht auf Kurs, {counts['uncertain']} unsicher, {counts['not_measurable']} noch "
            "nicht messbar.\n"
            f"- **Maßnahmen:** {len(measures)}, davon {int(measures['delayed'].sum())} hinter dem Zeitplan; "
            f"{fmt.measure(measures['spent'].sum(), 'EUR')} von {fmt.measure(measures['budget'].sum(), 'EUR')} "
            "ausgegeben.")]

    def goals_status(self) -> list[Block]:
        """Per goal: baseline, current value, share of the way, trend to the target year, judgement."""
        if (missing := self._missing()) is not None:
            return missing
        paths = goal_paths(self.ds, self.plan(), self.year, self.level)
        return pb.goal_monitoring(self.goal_states(), self.area.name, self.period, self.year, self.level_text, paths)

    def delayed_measures(self) -> list[Block]:
        """The measures behind their schedule (or postponed), with their delay and funds."""
        if (missing := self._missing()) is not None:
            return missing
        measures = self.measure_states()
        late = measures[measures["delayed"]].sort_values("delay", ascending=False)
        if late.empty:
            return [TextBlock(f"Alle {len(measures)} Maßnahmen liegen im Zeitplan.")]
        return pb.measure_monitoring(late.reset_index(drop=True), self.period, status_date(self.year),
                                     "massnahmen_verzoegert")

    def decisions_needed(self) -> list[Block]:
        """What the Meilensteinkonferenz has to decide: goals off track, judgements still open, late measures."""
        if (missing := self._missing()) is not None:
            return missing
        goals = self.public_goals()
        measures = self.measure_states()
        items = []
        for row in goals.itertuples():
            if not isinstance(row.assessment, str) or not row.assessment:
                continue
            if row.status == OFF_TRACK:
                items.append(f"**{pb.code(row.number)} {row.label}** ist nicht auf Kurs: Maßnahmen verstärken, "
                             "Zielwert oder Zieljahr "
                             "anpassen oder das Ziel bestätigen – mit Begründung an die Bezirksvertretung.")
            elif row.status == NOT_MEASURABLE:
                items.append(f"**{pb.code(row.number)} {row.label}** ist noch nicht messbar: klären, ab wann Daten vorliegen "
                             "und ob das Ziel bis dahin beibehalten wird.")
            elif row.status == UNCERTAIN:
                items.append(f"**{pb.code(row.number)} {row.label}** ist unsicher (das Vorhersageintervall lässt "
                             "Erreichen und Verfehlen zu): beibehalten und im nächsten Jahr erneut prüfen.")
        for row in measures[measures["delayed"]].itertuples():
            reason = "ist verschoben" if row.status == "verschoben" else f"liegt {int(row.delay)} Monate zurück"
            items.append(f"**{pb.code(row.number)} {row.title}** {reason}: Zeitplan anpassen oder die Maßnahme neu "
                         "beschließen.")
        for row in measures[measures["spent"] > measures["budget"]].itertuples():
            items.append(f"**{pb.code(row.number)} {row.title}** hat mehr ausgegeben als geplant: Finanzierung klären.")
        if not items:
            return [TextBlock("Alle Ziele sind sicher auf Kurs und alle Maßnahmen im Zeitplan: die Konferenz kann den "
                              "Plan bestätigen.")]
        return [TextBlock("Die Meilensteinkonferenz hat zu entscheiden:\n\n" + "\n".join(f"- {i}" for i in items))]

    def review_notes(self) -> list[Block]:
        """How the judgements are made and how far they go."""
        lines = [
            "- **Ziele:** Für jedes Ziel wird der Indikator des Gebiets Jahr für Jahr seit dem Basisjahr berechnet "
            "(Summe der Zähler durch Summe der Nenner). Eine Gerade durch diese Werte, gewichtet mit den gezählten "
            f"Personen, wird bis zum Zieljahr fortgeschrieben, mit {self.level_text}-Intervall. „Auf Kurs“ heißt: "
            "der fortgeschriebene Wert erreicht den Zielwert; „unsicher“: das Intervall lässt beides zu; „noch "
            "nicht messbar“: weniger als zwei Jahreswerte nach dem Basisjahr.",
            "- **Vorsicht:** Eine Gerade durch wenige Jahre beschreibt die Richtung, sie ist keine Prognose. Ob das "
            "Programm die Entwicklung bewirkt hat, zeigt die Evaluation, nicht dieser Bericht.",
            "- **Maßnahmen:** Verzug in Monaten gegen die Daten des Plans; Stichtag ist das Ende des Berichtsjahres.",
        ]
        return [TextBlock("\n".join(lines))]
