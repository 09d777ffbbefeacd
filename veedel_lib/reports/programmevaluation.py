"""The Programmevaluation: the effect of the programme on the 15 areas together, and how many plan goals it reaches.

Once per run. The effects come from :mod:`veedel_lib.analysis.programme_evaluation`: the main estimate is robust
to the areas' staggered entry (2006, 2020, the extension of 2022; the imputation estimator, effects by entry
cohort and by year since the start of counting, aggregated with the denominator as stated weight, a wild cluster
bootstrap interval for 15 treated clusters); the pooled two-way fixed-effects estimate of the earlier
evaluation is shown next to it only as a comparison. The plan goals come from the monitoring of all
Sozialraumgebietspläne (:mod:`veedel_lib.planning.monitoring`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.programme_evaluation import BOOTSTRAP_DRAWS, programme_evaluation, unit_entries
from ..errors import ConfigurationError
from ..params.catalogue import Indicator
from ..planning import Plans, load_plans
from ..planning.monitoring import current_plans, goal_effects, monitor_goals
from ..render import formatting as fmt
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import count_pair, masked
from ..render.charts.effects import EventTimePanels
from . import plan_blocks as pb
from .base import RUN_BASICS, ReportContent

COUNTS = count_pair("count_min", "denominator_min")
"""The smallest yearly counts of the programme areas (or of one area) that an estimate rests on."""
ESTIMATES = ("estimate", "ci_low", "ci_high", "p_value", "pooled_estimate", "pooled_ci_low", "pooled_ci_high",
             "naive_ci_low", "naive_ci_high", "naive_p_value", "spread_sd", "spread_min", "spread_max")
POOLED_REASON = (
    "Die gepoolte Zwei-Wege-Schätzung (ein gemeinsamer Beginn nach dem Basisjahr für alle Gebiete, Trends der "
    "Einheiten aus allen Jahren, Gewichte aus der Regression) steht nur zum Vergleich da: Wirkt das Programm je "
    "nach Eintrittsjahr verschieden oder wächst seine Wirkung mit den Jahren, kann sie verzerrt sein, bis zum "
    "falschen Vorzeichen, weil ihre Trends einen Teil der wachsenden Wirkung aufnehmen, die Erweiterung von 2022 "
    "schon ab dem Jahr nach dem Basisjahr als behandelt zählt und ihre Gewichte nicht die genannten sind.")


def _interval(low: float, high: float, unit: str) -> str:
    return f"{fmt.points(low, unit, 2)} bis {fmt.points(high, unit, 2)}"


class ProgrammeEvaluation(ReportContent):
    """The evaluation of the whole programme: the effect robust to staggered entry (with the pooled estimate as
    comparison), effects by entry cohort and year since the start, spread between the areas, plan goals reached."""

    notebook = "programmevaluation"
    report = "Programmevaluation"
    scope = "programme"
    parameter_files = (*ReportContent.parameter_files, "kernprozess.yml", "planung.yml")
    parameter_keys = ("areas.yml", "indicators.yml", "raumbezug.yml", *RUN_BASICS, "run.yml:analysis.evaluation",
                      "kernprozess.yml", "planung.yml")
    variable = "programm"
    needs_baseline = True
    sections = ("programme_effects", "staggered_entry", "area_spread", "plan_goals", "evaluation_notes")

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
        return f"Alle {self.ds.spatial.profile.areas(len(self.ds.areas.ids))}"

    # ------------------------------------------------------------------ helpers
    def results(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Effects per indicator, the area effects and the parts (cohorts, years since the start), computed once."""
        return self.memo("results", lambda: programme_evaluation(self.ds, self.indicators, self.baseline_year,
                                                                 self.year, self.level, BOOTSTRAP_DRAWS),
                         tuple(i.id for i in self.indicators))

    def entries(self) -> pd.DataFrame:
        """Every programme unit with its area, entry year and first counted year (:func:`unit_entries`)."""
        return self.memo("entries", lambda: unit_entries(self.ds, self.baseline_year))

    def plans(self) -> Plans | None:
        return self.memo("plans", lambda: load_plans(self.ds, self.parameters, level=self.level))

    def goal_states(self) -> pd.DataFrame:
        """Every plan goal of every area, each in the plan period that contains the report year, with the part of its
        development that the area's evaluation attributes to the programme (as the Jahresbericht counts them)."""
        return self.memo("goal_states", lambda: goal_effects(
            self.ds, monitor_goals(self.ds, current_plans(self.plans(), self.year), self.year, self.level),
            self.year, self.level))

    def _effect_columns(self, pooled: bool | None = None) -> list[Col]:
        """The columns of the effects: the robust effect (``pooled`` False), the pooled comparison (True), or both
        (None, for masking the frame the sentences read)."""
        counts = ("count_min", "denominator_min")
        robust = [("estimate", f"Effekt ({len(self.ds.areas.ids)} Gebiete)"), ("ci_low", f"{self.level_text}-Intervall von"),
                  ("ci_high", "bis")]
        compared = [("pooled_estimate", "gepoolt (Vergleich)"), ("pooled_ci_low", "Intervall von"),
                    ("pooled_ci_high", "bis")]
        points = (robust if pooled is not True else []) + (compared if pooled is not False else [])
        return [Col("label", "Indikator"), *COUNTS,
                *[Col(key, header, "points", unit="unit", decimals=2, based_on=counts) for key, header in points],
                *([Col("verdict", "Einordnung", based_on=counts)] if pooled is not True else []),
                *([Col("agree", "gepoolt gleich gelesen", based_on=counts)] if pooled is not False else [])]

    @staticmethod
    def _verdict(row: pd.Series, prefix: str = "") -> str:
        estimate, low, high = (row.get(f"{prefix}{k}", np.nan) for k in ("estimate", "ci_low", "ci_high"))
        if row.get("status") != "ok" or not np.isfinite(estimate):
            return "nicht auswertbar"
        if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 <= high:
            return "kein gesicherter Unterschied"
        return "günstiger als erwartet" if (estimate < 0) == (row["direction"] == "higher_is_worse") \
            else "ungünstiger als erwartet"

    def effects(self) -> pd.DataFrame:
        """The effects with their reading, the pooled comparison's reading and whether both agree."""
        effects, _, _ = self.results()
        frame = effects.copy()
        for column in ESTIMATES:
            if column not in frame:
                frame[column] = np.nan
        frame["verdict"] = [self._verdict(r) for _, r in frame.iterrows()]
        frame["pooled_verdict"] = [self._verdict(r, "pooled_") for _, r in frame.iterrows()]
        inside = (frame["ci_low"] <= frame["pooled_estimate"]) & (frame["pooled_estimate"] <= frame["ci_high"])
        frame["agree"] = np.where(frame["verdict"] == "nicht auswertbar", "",
                                  np.where((frame["verdict"] == frame["pooled_verdict"]) & inside, "ja", "nein"))
        return frame

    def _cohort_names(self) -> dict[int, list[str]]:
        """Entry year -> names of the areas (or of the area extended) whose units entered then."""
        names = {a.id: a.name for a in self.ds.areas.areas}
        entries = self.entries()
        entries = entries[entries["current"]]
        return {int(year): sorted({names.get(a, a) for a in group["area_id"]})
                for year, group in entries.groupby("entry")}

    def _extensions(self) -> set[int]:
        """Entry years in which only parts of areas entered that were in the programme before (extensions)."""
        entries = self.entries()
        entries = entries[entries["current"]]
        first = entries.groupby("area_id")["entry"].transform("min")
        later = (entries["entry"] > first).groupby(entries["entry"]).all()
        return {int(year) for year, only_later in later.items() if only_later}

    def _part_label(self, kind: str, key: int) -> str:
        if kind == "jahr":
            return f"{int(key)}. Jahr seit Beginn"
        return f"Eintritt {int(key)}" + (" (Erweiterung)" if int(key) in self._extensions() else "")

    # ------------------------------------------------------------------ sections
    def programme_effects(self) -> list[Block]:
        """The effect of the programme on the 15 areas together, robust to their staggered entry, with the
        pooled estimate as comparison."""
        frame = self.effects()
        columns = self._effect_columns()
        public = masked(frame, columns)
        count = len(self.ds.areas.ids)
        lines = []
        for row in public.itertuples():
            if not isinstance(row.verdict, str) or row.verdict == "nicht auswertbar":
                continue
            change = fmt.points(row.estimate, row.unit, 2)
            interval = _interval(row.ci_low, row.ci_high, row.unit)
            if row.verdict == "kein gesicherter Unterschied":
                reading = (f"Die {count} Gebiete liegen seit Beginn der Zählung im Mittel um {change} neben dem "
                           f"Wert, den ihr bisheriger Verlauf und die Entwicklung der übrigen Stadt erwarten ließen; "
                           f"das Intervall ({interval}) schließt null ein: Ein Effekt des Programms ist damit weder "
                           "belegt noch ausgeschlossen.")
            else:
                reading = (f"Die {count} Gebiete haben sich seit Beginn der Zählung im Mittel um {change} "
                           f"{row.verdict} entwickelt, gemessen an ihrem bisherigen Verlauf und der Entwicklung der "
                           f"übrigen Stadt (Intervall {interval}).")
            pooled = (f" Die gepoolte Schätzung ergibt {fmt.points(row.pooled_estimate, row.unit, 2)} "
                      f"({_interval(row.pooled_ci_low, row.pooled_ci_high, row.unit)}); "
                      + ("beide Schätzungen führen zur selben Aussage." if row.agree == "ja" else
                         "die beiden Schätzungen weichen voneinander ab, maßgeblich ist die robuste."))
            lines.append(f"- **{row.label}:** {reading}{pooled}")
        table = TableBlock("programmeffekt",
                           f"Effekt des Programms: {count} Gebiete gegenüber ihrem erwarteten Verlauf", frame,
                           self._effect_columns(pooled=False),
                           note="Effekt: mittlere Abweichung der behandelten Gebiet-Jahre von ihrem erwarteten "
                                "Verlauf (eigener Verlauf vor Beginn der Zählung und Entwicklung der übrigen Stadt), "
                                "gewichtet mit der Bezugsbevölkerung, in Prozent- bzw. Promillepunkten; robust "
                                "gegenüber dem gestaffelten Eintritt der Gebiete (Abschnitt 2). Intervall: "
                                f"Wild-Cluster-Bootstrap über die {count} Gebiete und die "
                                f"{self.ds.spatial.base.plural} der übrigen Stadt. "
                                "Gepoolt: die frühere Zwei-Wege-Schätzung, nur zum Vergleich."
                                "\n\n" + POOLED_REASON)
        compared = TableBlock("programmeffekt_gepoolt", "Zum Vergleich: die gepoolte Zwei-Wege-Schätzung", frame,
                              self._effect_columns(pooled=True),
                              note=f"Gepoolt: alle {count} Gebiete mit einem gemeinsamen Basisjahr, ohne Rücksicht "
                                   "auf den gestaffelten Eintritt. Gleich gelesen: beide Schätzungen führen zur selben "
                                   "Aussage (beide gesichert in dieselbe Richtung oder beide nicht gesichert).")
        return [table, compared, TextBlock("\n".join(lines) or "Für keinen Indikator liegen genug Jahre vor und nach "
                                                                "dem Basisjahr vor.")]

    def staggered_entry(self) -> list[Block]:
        """When the areas entered, and the effect by entry cohort and by year since the start of counting."""
        effects, _, parts = self.results()
        cohorts = self._cohort_names()
        described = []
        extensions = self._extensions()
        for year, names in cohorts.items():
            start = max(year, self.baseline_year) + 1
            what = (f"{len(names)} Gebiete" if len(names) > 1 else names[0])
            what = f"Erweiterung von {what}" if year in extensions else what
            described.append(f"seit {year}: {what} (gezählt ab {start}"
                             + (f"; {', '.join(names)})" if len(names) > 1 else ")"))
        first_entry = min(cohorts) if cohorts else self.baseline_year
        intro = [
            "Die Gebiete sind nicht gleichzeitig ins Programm gekommen (Eintrittsjahre aus der Gebietsliste): "
            + "; ".join(described) + ".",
            f"Wirkung wird ab dem Jahr nach dem Eintritt gezählt, frühestens ab {self.baseline_year + 1}, dem Jahr "
            f"nach dem Basisjahr (Beginn der Sozialraumgebietsplanung). Für die Gebiete, die schon seit "
            f"{first_entry} dabei sind, beginnen die Daten erst nach ihrem Eintritt: Für sie zeigt die Schätzung "
            "nur, "
            f"was sich seit {self.baseline_year} gegenüber ihrem bisherigen Verlauf verändert hat, nicht die Wirkung "
            "seit ihrem Eintritt.",
        ]
        missing = sorted({self.ds.areas.name_of(a) for a in
                          self.entries().loc[self.entries()["since_missing"], "area_id"]})
        if missing:
            intro.append(f"Ohne Eintrittsjahr in der Gebietsliste (als Eintritt {self.baseline_year} gezählt): "
                         + ", ".join(missing) + ".")
        former = self.entries()
        former = set(former.loc[~former["current"], "unit"]) - set(former.loc[former["current"], "unit"])
        if former:
            intro.append(f"{len(former)} statistische Einheiten gehörten nur zu einem früheren Zuschnitt eines "
                         "Gebiets; sie zählen weder als Programmgebiet noch zum Vergleich.")
        lost = effects[effects.get("not_imputable", pd.Series(0, index=effects.index)).fillna(0) > 0]
        if len(lost):
            counted = "; ".join(f"{r.label} {int(r.not_imputable)} Gebiet-Jahre"
                                for r in lost.itertuples())
            intro.append("Nicht geschätzt, weil sich für sie kein erwarteter Verlauf schätzen lässt (weniger als "
                         f"zwei Jahre vor Beginn der Zählung, oder ein Jahr ohne Vergleichsdaten): {counted}.")
        if parts.empty:
            return [TextBlock("\n\n".join(intro)), TextBlock("Für keinen Indikator lassen sich Effekte nach "
                                                              "Eintritt schätzen.")]
        table_frame = parts[parts["kind"].isin(["kohorte", "jahr"])].copy()
        table_frame["group"] = [self._part_label(k, key) for k, key in zip(table_frame["kind"], table_frame["key"])]
        table_frame["years"] = [f"{a}–{b}" if a != b else str(a) for a, b in zip(table_frame["first_year"],
                                                                                 table_frame["last_year"])]
        table_frame["share"] = table_frame["share"] * 100
        counts = ("count_min", "denominator_min")
        columns = [Col("label", "Indikator"), Col("group", "Gruppe"), Col("years", "Jahre"), *COUNTS,
                   Col("share", "Gewicht", "share", decimals=1),
                   *[Col(key, header, "points", unit="unit", decimals=2, based_on=counts)
                     for key, header in (("estimate", "Effekt"), ("ci_low", f"{self.level_text}-Intervall von"),
                                         ("ci_high", "bis"))]]
        table = TableBlock("effekte_nach_eintritt", "Effekt nach Eintrittsjahr und nach Jahren seit Beginn der "
                                                    "Zählung", table_frame, columns,
                           note="Gewicht: Anteil der Gruppe an allen behandelten Gebiet-Jahren, gemessen an der "
                                "Bezugsbevölkerung (so sind auch die Teile zum Gesamteffekt gewichtet). Eine Gruppe "
                                "aus nur einem Gebiet erhält kein Intervall: Mit einem einzigen behandelten Cluster "
                                "lässt sich Wirkung nicht von Zufall trennen.")
        events = parts[parts["kind"] == "jahr"].astype({"key": int})[list(EventTimePanels.columns)]
        chart = ChartBlock("effekt_nach_jahren",
                           EventTimePanels(self.indicators, self.baseline_year + 1).plot(events),
                           [Col("label", "Indikator"), Col("key", "Jahr seit Beginn", "integer"),
                            *[Col(k, h, "points", unit="unit", decimals=2) for k, h in
                              (("estimate", "Effekt"), ("ci_low", "Intervall unten"), ("ci_high", "Intervall oben"))]])
        weights = []
        for row in effects[effects["status"] == "ok"].itertuples():
            shares = [f"Eintritt {c} {fmt.number(getattr(row, f'share_{c}', np.nan) * 100, 1)} %"
                      for c in cohorts if np.isfinite(getattr(row, f"share_{c}", np.nan))]
            weights.append(f"{row.label}: " + ", ".join(shares))
        weight_text = ("**Gewichte des Gesamteffekts** (Anteile der Eintrittsjahre an den behandelten Gebiet-Jahren, "
                       "gemessen an der Bezugsbevölkerung): " + "; ".join(weights[:1])
                       + (" (die übrigen Indikatoren ähnlich, siehe Tabelle)." if len(weights) > 1 else "."))
        return [TextBlock("\n\n".join(intro)), table, chart, TextBlock(weight_text)]

    def area_spread(self) -> list[Block]:
        """The programme's effect area by area (the same estimator, aggregated per area): how far the areas differ."""
        _, areas, _ = self.results()
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
            blocks.append(TableBlock(f"effekte_je_gebiet_{number}", "Effekt je Gebiet (dieselbe Schätzung je Gebiet)"
                                     + (f" ({number})" if len(indicators) > 3 else ""), wide, columns,
                                     note="Punktschätzungen in Prozent- bzw. Promillepunkten: mittlere Abweichung der "
                                          "Jahre seit Beginn der Zählung vom erwarteten Verlauf. Die Intervalle der "
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
                         f"sich {int(row.areas_favourable)} von {len(self.ds.areas.ids)} Gebieten.")
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
        count = len(self.ds.areas.ids)
        lines = [
            "- **Modell:** wie in den Evaluationen der Gebiete: je statistische Einheit und Jahr die Quote aus den "
            "Zählwerten, gewichtet mit der Bezugsbevölkerung; jede Einheit mit eigenem Niveau und eigenem Trend, "
            "Jahreseffekte der ganzen Stadt (auch proportional zum Niveau). Vergleich ist die übrige Stadt.",
            "- **Gestaffelter Eintritt:** Eintrittsjahr je Gebiet (und je Einheit, wenn ein Gebiet später erweitert "
            "wurde) aus der Gebietsliste. Gezählt wird ab dem Jahr nach dem Eintritt, frühestens ab dem Jahr nach dem "
            f"Basisjahr {self.baseline_year}.",
            "- **Schätzer:** Imputationsschätzer nach Borusyak, Jaravel und Spiess (2024; gleiche Punktschätzung wie "
            "Gardners zweistufiges Verfahren): Niveau, Trend und Jahreseffekte werden nur aus den unbehandelten "
            "Jahren geschätzt (alle Jahre der übrigen Stadt, die Jahre der Gebiete vor Beginn der Zählung); der "
            "Effekt eines Gebiet-Jahres ist seine Abweichung vom so erwarteten Verlauf. Eine mit der Zeit wachsende "
            "oder je Eintrittsjahr verschiedene Wirkung verzerrt den Vergleich dadurch nicht.",
            "- **Gewichte:** Gesamteffekt, Effekte je Eintrittsjahr, je Jahr seit Beginn und je Gebiet sind Mittel "
            "der Gebiet-Jahre, gewichtet mit der Bezugsbevölkerung; die Anteile stehen in Abschnitt 2.",
            f"- **Intervall:** Mit nur {count} behandelten Gebieten sind geclusterte Standardfehler zu klein. Das "
            f"{self.level_text}-Intervall kommt aus einem Wild-Cluster-Bootstrap mit Nullhypothese (Webb-Gewichte, "
            f"{BOOTSTRAP_DRAWS} Ziehungen, Cluster: die {count} Gebiete und die {self.ds.spatial.base.plural} der "
            "übrigen Stadt), durch "
            "Testumkehr; eine Gruppe aus einem einzigen Gebiet erhält keines.",
            "- **Gepoolte Schätzung (Vergleich):** ein Behandlungszeitpunkt nach dem Basisjahr für alle Einheiten "
            f"der {count} Gebiete, Trends aus allen Jahren; Intervall ebenfalls aus dem Wild-Cluster-Bootstrap. "
            + POOLED_REASON,
            "- **Vorsicht:** Eine Abweichung vom erwarteten Verlauf zeigt, dass sich die Gebiete anders entwickelt "
            "haben; andere Ursachen (Wohnungsbau, Zuzug, andere Förderprogramme) schließt das Modell nicht aus.",
            "- **Ziele der Pläne:** je Gebiet der Plan, der das Berichtsjahr umfasst; „auf Kurs“: der Trend seit dem "
            "Basisjahr erreicht den Zielwert im Zieljahr (siehe Meilensteinbericht).",
        ]
        return self.method_block(lines)
