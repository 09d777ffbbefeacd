"""The Programmevaluation: the effect of the programme on the 15 areas together, and how many plan goals it reaches.

Once per run. The pooled effect and the spread between the areas come from
:mod:`veedel_lib.analysis.programme_evaluation` (one model for all areas against the rest of the city, an
interval that is honest for 15 treated clusters); the plan goals from the monitoring of all Sozialraumgebietspläne
(:mod:`veedel_lib.planning.monitoring`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.programme_evaluation import BOOTSTRAP_DRAWS, programme_evaluation
from ..errors import ConfigurationError
from ..params.catalogue import Indicator
from ..planning import Plans, load_plans
from ..planning.monitoring import current_plans, monitor_goals
from ..render import formatting as fmt
from ..render.blocks import Block, Col, TableBlock, TextBlock
from ..render.disclosure import count_pair, masked
from . import plan_blocks as pb
from .base import ReportContent

COUNTS = count_pair("count_min", "denominator_min")
"""The smallest yearly counts of the programme areas (or of one area) that an estimate rests on."""
ESTIMATES = ("estimate", "ci_low", "ci_high", "p_value", "naive_ci_low", "naive_ci_high", "naive_p_value",
             "spread_sd", "spread_min", "spread_max")


class ProgrammeEvaluation(ReportContent):
    """The evaluation of the whole programme: pooled effect, spread between the areas, plan goals reached."""

    notebook = "programmevaluation"
    report = "Programmevaluation"
    scope = "programme"
    parameter_files = (*ReportContent.parameter_files, "kernprozess.yml", "planung.yml")
    variable = "programm"
    needs_baseline = True
    sections = ("pooled_effects", "area_spread", "plan_goals", "evaluation_notes")

    def configure(self, **options) -> None:
        """The evaluated indicators: those of the area evaluations (``analysis.evaluation.indicators``)."""
        super().configure(**options)
        ids = self.settings.evaluation.indicators or [i.id for i in self.ds.catalogue.rated()
                                                      if not i.latest_available]
        unknown = [i for i in ids if i not in {i.id for i in self.ds.catalogue.indicators}]
        if unknown:
            raise ConfigurationError(f"run.yml analysis.evaluation.indicators: unbekannt {', '.join(unknown)}")
        self.indicators: list[Indicator] = [self.ds.catalogue.indicator(i) for i in ids]

    def place_name(self) -> str:
        return "Alle 15 Sozialraumgebiete"

    # ------------------------------------------------------------------ helpers
    def results(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Pooled effects per indicator and the area effects, computed once."""
        return self.memo("results", lambda: programme_evaluation(self.ds, self.indicators, self.baseline_year,
                                                                 self.year, self.level, BOOTSTRAP_DRAWS),
                         tuple(i.id for i in self.indicators))

    def plans(self) -> Plans | None:
        return self.memo("plans", lambda: load_plans(self.ds, self.parameters, level=self.level))

    def goal_states(self) -> pd.DataFrame:
        """Every plan goal of every area, each in the plan period that contains the report year."""
        return self.memo("goal_states", lambda: monitor_goals(self.ds, current_plans(self.plans(), self.year),
                                                              self.year, self.level))

    def _effect_columns(self) -> list[Col]:
        counts = ("count_min", "denominator_min")
        points = [("estimate", "Effekt (15 Gebiete)"), ("ci_low", f"{self.level_text}-Intervall von"),
                  ("ci_high", "bis"), ("naive_ci_low", "naives Intervall von"), ("naive_ci_high", "bis")]
        return [Col("label", "Indikator"), *COUNTS,
                *[Col(key, header, "points", unit="unit", decimals=2, based_on=counts) for key, header in points],
                Col("verdict", "Einordnung", based_on=counts)]

    @staticmethod
    def _verdict(row: pd.Series) -> str:
        if row.get("status") != "ok" or not np.isfinite(row.get("estimate", np.nan)):
            return "nicht auswertbar"
        if row["ci_low"] <= 0 <= row["ci_high"]:
            return "kein gesicherter Unterschied"
        return "günstiger als die übrige Stadt" if (row["estimate"] < 0) == (row["direction"] == "higher_is_worse") \
            else "ungünstiger als die übrige Stadt"

    def effects(self) -> pd.DataFrame:
        """The pooled effects with their reading."""
        effects, _ = self.results()
        frame = effects.copy()
        for column in ESTIMATES:
            if column not in frame:
                frame[column] = np.nan
        frame["verdict"] = [self._verdict(r) for _, r in frame.iterrows()]
        return frame

    # ------------------------------------------------------------------ sections
    def pooled_effects(self) -> list[Block]:
        """The effect of the programme on the 15 areas together against the rest of the city, per indicator."""
        frame = self.effects()
        columns = self._effect_columns()
        public = masked(frame, columns)
        lines = []
        for row in public.itertuples():
            if not isinstance(row.verdict, str) or row.verdict == "nicht auswertbar":
                continue
            change = fmt.points(row.estimate, row.unit, 2)
            interval = f"{fmt.points(row.ci_low, row.unit, 2)} bis {fmt.points(row.ci_high, row.unit, 2)}"
            if row.verdict == "kein gesicherter Unterschied":
                reading = (f"Die 15 Gebiete haben sich seit {self.baseline_year} im Mittel um {change} anders "
                           f"entwickelt als die übrige Stadt; das Intervall ({interval}) schließt null ein: Ein "
                           "Effekt des Programms ist damit weder belegt noch ausgeschlossen.")
            else:
                reading = (f"Die 15 Gebiete haben sich seit {self.baseline_year} im Mittel um {change} "
                           f"{row.verdict.replace(' als die übrige Stadt', '')} entwickelt als die übrige Stadt "
                           f"(Intervall {interval}).")
            lines.append(f"- **{row.label}:** {reading}")
        table = TableBlock("programmeffekt", f"Effekt des Programms seit {self.baseline_year}: 15 Gebiete gegenüber "
                                             "der übrigen Stadt", frame, columns,
                           note=f"Effekt: mittlere Abweichung der 15 Gebiete (gewichtet mit ihrer Bevölkerung) von "
                                f"ihrem eigenen Verlauf nach {self.baseline_year}, verglichen mit der übrigen Stadt, in "
                                "Prozent- bzw. Promillepunkten. Intervall: Wild-Cluster-Bootstrap über die 15 Gebiete "
                                "und die Stadtteile der übrigen Stadt; naives Intervall: nach statistischen Einheiten "
                                "geclustert, zum Vergleich (zu schmal).")
        return [table, TextBlock("\n".join(lines) or "Für keinen Indikator liegen genug Jahre vor und nach dem "
                                                      "Basisjahr vor.")]

    def area_spread(self) -> list[Block]:
        """The programme's effect area by area in the same model: how far the 15 areas differ."""
        effects, areas = self.results()
        if areas.empty:
            return [TextBlock("Für keinen Indikator lassen sich Effekte je Gebiet schätzen.")]
        names = {a.id: a.name for a in self.ds.areas.areas}
        blocks: list[Block] = []
        indicators = [i for i in self.indicators if i.id in set(areas["indicator"])]
        for number, start in enumerate(range(0, len(indicators), 3), start=1):
            part = indicators[start:start + 3]
            wide = pd.DataFrame({"area_id": self.ds.areas.ids})
            wide["area"] = wide["area_id"].map(names)
            columns = [Col("area", "Gebiet")]
            for indicator in part:
                rows = areas[areas["indicator"] == indicator.id].set_index("area_id")
                for key in ("estimate", "count_min", "denominator_min", "threshold", "denominator_threshold"):
                    wide[f"{key}_{indicator.id}"] = wide["area_id"].map(rows[key])
                wide[f"unit_{indicator.id}"] = indicator.unit
                columns += [Col(f"count_min_{indicator.id}", "Anzahl", "count", threshold=f"threshold_{indicator.id}",
                                show=False),
                            Col(f"denominator_min_{indicator.id}", "Bezugsgröße", "count",
                                threshold=f"denominator_threshold_{indicator.id}", show=False),
                            Col(f"estimate_{indicator.id}", indicator.name, "points", unit=f"unit_{indicator.id}",
                                based_on=(f"count_min_{indicator.id}", f"denominator_min_{indicator.id}"))]
            blocks.append(TableBlock(f"effekte_je_gebiet_{number}", "Effekt je Gebiet im gemeinsamen Modell"
                                     + (f" ({number})" if len(indicators) > 3 else ""), wide, columns,
                                     note="Punktschätzungen in Prozent- bzw. Promillepunkten. Die Intervalle der "
                                          "einzelnen Gebiete stehen in ihren Evaluationen (Placebo-Gebiete)."))
        public = masked(self.effects(), self._effect_columns() + [
            Col(k, k, "points", based_on=("count_min", "denominator_min")) for k in ("spread_sd", "spread_min",
                                                                                     "spread_max")])
        lines = []
        for row in public.itertuples():
            if not np.isfinite(row.spread_sd if row.spread_sd is not None else np.nan):
                continue
            lines.append(f"- **{row.label}:** die Effekte der Gebiete reichen von {fmt.points(row.spread_min, row.unit)} "
                         f"bis {fmt.points(row.spread_max, row.unit)} (Standardabweichung "
                         f"{fmt.points(row.spread_sd, row.unit).lstrip('+±')}); günstiger als erwartet entwickelten "
                         f"sich {int(row.areas_favourable)} von 15 Gebieten.")
        return blocks + [TextBlock("\n".join(lines))]

    def plan_goals(self) -> list[Block]:
        """How many goals of the 15 Sozialraumgebietspläne the programme reaches (on track or reached)."""
        plans = self.plans()
        if plans is None or plans.goals.empty:
            return pb.no_plan()
        names = {a.id: a.name for a in self.ds.areas.areas}
        counts = pb.goal_counts(self.goal_states(), names, self.level_text)
        return [TextBlock(pb.goal_count_sentence(counts)), pb.goal_count_table(counts, self.year)]

    def evaluation_notes(self) -> list[Block]:
        """How the programme effect was estimated and how far it goes."""
        lines = [
            "- **Modell:** dasselbe wie in den Evaluationen der Gebiete: je statistische Einheit und Jahr die Quote "
            "aus den Zählwerten, gewichtet mit der Bezugsbevölkerung; jede Einheit mit eigenem Niveau und eigenem "
            "Trend, Jahreseffekte der ganzen Stadt (auch proportional zum Niveau). Behandelt sind alle Einheiten "
            f"der 15 Gebiete nach {self.baseline_year}, Vergleich ist die übrige Stadt.",
            "- **Gepoolter Effekt und Streuung:** Der gepoolte Effekt ist die mittlere Abweichung aller 15 Gebiete; "
            "im selben Modell erhält jedes Gebiet seinen eigenen Effekt, deren Streuung zeigt, ob das Programm "
            "überall ähnlich wirkt oder einzelne Gebiete den Mittelwert tragen.",
            f"- **Intervall:** Mit nur 15 behandelten Gebieten sind geclusterte Standardfehler zu klein. Das "
            f"{self.level_text}-Intervall kommt aus einem Wild-Cluster-Bootstrap mit Nullhypothese (Webb-Gewichte, "
            f"{BOOTSTRAP_DRAWS} Ziehungen, Cluster: die 15 Gebiete und die Stadtteile der übrigen Stadt), durch "
            "Testumkehr. Das naive, nach Einheiten geclusterte Intervall steht zum Vergleich daneben.",
            "- **Vorsicht:** Ein Unterschied zur übrigen Stadt zeigt, dass sich die Gebiete anders entwickelt haben; "
            "andere Ursachen (Wohnungsbau, Zuzug, andere Förderprogramme) schließt das Modell nicht aus.",
            "- **Ziele der Pläne:** je Gebiet der Plan, der das Berichtsjahr umfasst; „auf Kurs“: der Trend seit dem "
            "Basisjahr erreicht den Zielwert im Zieljahr (siehe Meilensteinbericht).",
        ]
        return self.method_block(lines)
