"""Report blocks of the integrierte Sozialraumgebietsplanung: goals, their monitoring, measures, money, decisions.

Used by the Sozialraumgebietsplan (the plan as decided), the evaluation (goals and measures against the data),
the Meilensteinbericht (mid-term), the Jahresbericht and the Programmevaluation (all areas). Every value that
comes from the statistics carries the counts it rests on as hidden columns, so disclosure control withholds it
(and the readings built on it) where a count is small; sentences are built only from the masked frames. Plans
name offices and organisations; person columns never reach these tables (the validator drops them).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..planning import Plans
from ..planning.monitoring import MISSED, NOT_MEASURABLE, OFF_TRACK, ON_TRACK, REACHED, STATUSES, UNCERTAIN
from ..render import formatting as fmt
from ..render.charts.plans import GoalPaths, MeasureTimeline
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import count_pair, masked
from ..render.text import EFFECT_DECIMALS, effect_points, interval_excludes_zero

BASELINE = ("baseline_numerator", "baseline_denominator")
CURRENT = ("current_numerator", "current_denominator")
SMALLEST = ("count_min", "denominator_min")
"""The smallest yearly counts a goal's trend rests on: its projection and reading are withheld with them."""
TRACK = BASELINE + CURRENT + SMALLEST
OUTPUT_THRESHOLD = 3
"""Outputs of measures are often people (families reached): small numbers are withheld like person counts."""
TOTAL = "Alle Gebiete"


def no_plan(area_name: str | None = None) -> list[Block]:
    """What a report says when there is no plan workbook (yet)."""
    where = f"Für {area_name} liegt" if area_name else "Es liegt"
    return [TextBlock(f"{where} noch kein Sozialraumgebietsplan vor.")]


def count_columns(prefix_pairs: tuple[tuple[str, str], ...]) -> list[Col]:
    """Hidden count columns (numerator with ``threshold``, denominator with ``denominator_threshold``)."""
    return [c for numerator, denominator in prefix_pairs for c in count_pair(numerator, denominator)]


GOAL_COUNTS = count_columns(((BASELINE[0], BASELINE[1]), (CURRENT[0], CURRENT[1]), (SMALLEST[0], SMALLEST[1])))
EFFECT_BASIS = ("effect_count_min", "effect_denominator_min")
"""The area's smallest yearly counts the evaluation's estimate for a goal rests on: withheld with them."""
EFFECT_COUNTS = count_columns((EFFECT_BASIS,))
FAVOURABLE = "günstiger als erwartet"
UNFAVOURABLE = "ungünstiger als erwartet"
NO_CLEAR_EFFECT = "kein gesicherter Unterschied"
NOT_ESTIMABLE = "nicht auswertbar"


def assessment(row: pd.Series) -> str:
    """The goal's status as the reports write it: "auf Kurs", "nicht auf Kurs", "unsicher" (the prediction interval
    of the target year's value allows either outcome), and for a target year in the data "erreicht" or "nicht
    erreicht", with ", aber unsicher" where that year's interval allows either."""
    status = row["status"]
    if status in (NOT_MEASURABLE, UNCERTAIN) or not isinstance(status, str):
        return status if isinstance(status, str) else ""
    return status if row["certain"] else f"{status}, aber unsicher"


def _month(value) -> str:
    """A date as "03/2021" (plans are read by month), an en dash when missing."""
    return fmt.MISSING if value is None or pd.isna(value) else f"{pd.Timestamp(value):%m/%Y}"


NO_BREAK_HYPHEN = "\u2011"


def code(value) -> str:
    """A plan number ("Z-1", "P-2022-07") that never breaks at its hyphen in a narrow table column."""
    return str(value).replace("-", NO_BREAK_HYPHEN) if isinstance(value, str) else ""


def _short(value) -> str:
    """A date as "03/21" for narrow timeline columns, an en dash when missing."""
    return fmt.MISSING if value is None or pd.isna(value) else f"{pd.Timestamp(value):%m/%y}"


def _refs(values) -> str:
    return ", ".join(code(v) for v in values) if isinstance(values, list) and values else ""


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose ``number`` column is shown without line breaks."""
    frame = frame.copy()
    if "number" in frame:
        frame["number"] = frame["number"].map(code)
    return frame


# ----------------------------------------------------------------------------- the plan as decided

def need_source(row: pd.Series, public: pd.DataFrame | None, analysis_year: int, labels: dict[str, str]) -> str:
    """Where a Handlungserfordernis comes from, in words: the analysis (with its published level of need), the
    themes the Sozialraumkoordination passed to the Sozialplanung, or a city-wide theme."""
    if isinstance(row["indicator"], str) and row["indicator"]:
        label = labels.get(row["indicator"], row["indicator"])
        need = ""
        if public is not None and row["indicator"] in public.index:
            value = public.at[row["indicator"], "need"]
            need = value if isinstance(value, str) else ""
        verdict = f"Handlungsbedarf {need}" if need else "kein Handlungsbedarf nach der Regel"
        return f"Sozialraumgebietsanalyse {analysis_year}: {label} ({verdict})"
    if isinstance(row["field"], str) and row["field"]:
        count = row.get("themes_passed")
        themes = f"{int(count)} an die Sozialplanung weitergegebene Themen" if pd.notna(count) else "Themen"
        return f"bottom-up: {themes} im Handlungsfeld {row['field']}"
    return f"top-down: gesamtstädtisches Thema „{row['city_theme']}“"


def needs_table(plan: Plans, public: pd.DataFrame | None, analysis_year: int, labels: dict[str, str]) -> TableBlock:
    """The Handlungserfordernisse with their source."""
    frame = _numbered(plan.needs)
    frame["origin"] = [need_source(r, public, analysis_year, labels) for _, r in frame.iterrows()]
    return TableBlock("handlungserfordernisse", "Handlungserfordernisse und ihre Quelle", frame, [
        Col("number", "Nr."), Col("source", "Quelle"), Col("origin", "Bezug"), Col("text", "Handlungserfordernis")])


def goals_table(plan: Plans, period: str) -> TableBlock:
    """The goals as decided: indicator, direction, baseline (from the data), target and target year."""
    frame = _numbered(plan.goals)
    frame["needs_text"] = frame["needs"].map(_refs)
    columns = [Col("number", "Nr."), Col("label", "Indikator"), Col("direction", "Richtung"),
               Col("baseline_year", "Basisjahr", "year"), *count_pair(*BASELINE),
               Col("baseline_value", "Basiswert", "rate", unit="unit", based_on=BASELINE),
               Col("target", "Zielwert", "rate", unit="unit"), Col("target_year", "Zieljahr", "year"),
               Col("needs_text", "zu")]
    return TableBlock("ziele", f"Ziele des Sozialraumgebietsplans {period}", frame, columns,
                      note="Basiswert: Wert des Gebiets im Basisjahr aus den Daten (nicht eingetragen). zu: Nummern "
                           "der Handlungserfordernisse, auf die das Ziel antwortet.")


def goal_texts(plan: Plans) -> TextBlock | None:
    """The goals in words, where the plan states them."""
    lines = [f"- **{code(g.number)}:** {g.text}" for g in plan.goals.itertuples() if isinstance(g.text, str) and g.text]
    return TextBlock("\n".join(lines)) if lines else None


def goal_notes(plan: Plans) -> TextBlock | None:
    """Notes on goals whose workbook disagrees with the data (a typed baseline, a target on the wrong side), only
    where the baseline may be published: the note rests on the same counts."""
    public = masked(plan.goals, [*count_pair(*BASELINE), Col("baseline_note", "Hinweis", based_on=BASELINE)])
    lines = [f"- **{code(g.number)}:** {g.baseline_note}" for g in public.itertuples()
             if isinstance(g.baseline_note, str) and g.baseline_note]
    return TextBlock("Hinweise zu den Zielen:\n\n" + "\n".join(lines)) if lines else None


def strategies_text(plan: Plans) -> TextBlock:
    """The strategies with the goals they serve."""
    if plan.strategies.empty:
        return TextBlock("Der Plan nennt noch keine Strategien.")
    lines = []
    for row in plan.strategies.itertuples():
        served = f" (Ziele {_refs(row.goals)})" if row.goals else ""
        lines.append(f"- **{code(row.number)}**{served}: {row.text}")
    return TextBlock("\n".join(lines))


MEASURE_COLUMNS = [Col("number", "Nr."), Col("title", "Maßnahme"), Col("responsible", "Verantwortung"),
                   Col("timeline", "Zeitraum geplant"), Col("status", "Status"), Col("links", "Ziele und Projekte")]


def measures_by_field(plan: Plans, states: pd.DataFrame | None = None, period: str = "",
                      as_of: _dt.date | None = None, area_name: str = "") -> list[Block]:
    """The measures' timeline (when ``states``, the monitored measures, are given) and one table per Handlungsfeld:
    responsibilities, timeline, status and the links to goals and projects."""
    if plan.measures.empty:
        return [TextBlock("Der Plan nennt noch keine Maßnahmen.")]
    frame = _measure_frame(plan.measures)
    blocks: list[Block] = []
    if states is not None and as_of is not None:
        chart = MeasureTimeline(period, as_of, area_name).plot(_numbered(states)[list(MeasureTimeline.columns)])
        blocks.append(ChartBlock("massnahmen_zeitplan", chart, [
            Col(k, h) for k, h in chart.data_columns.items()]))
    for number, (field, part) in enumerate(frame.groupby("field", sort=True), start=1):
        blocks.append(TableBlock(f"massnahmen_{number}", f"Maßnahmen im Handlungsfeld {field}",
                                 part.reset_index(drop=True), MEASURE_COLUMNS))
    return blocks


def _measure_frame(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures with the display columns: responsibility (lead, partners), timeline, links to goals and projects."""
    frame = _numbered(measures)
    frame["timeline"] = [f"{_month(s)} bis {_month(e)}" for s, e in zip(frame["planned_start"], frame["planned_end"])]
    frame["responsible"] = [f"{lead}; mit {partners}" if isinstance(partners, str) and partners else lead
                            for lead, partners in zip(frame["lead"], frame["partners"])]
    frame["links"] = [" · ".join(p for p in (_refs(g), _refs(q)) if p) for g, q in zip(frame["goals"],
                                                                                     frame["projects"])]
    frame["eur"] = "EUR"
    return frame


def finance_table(plan: Plans, period: str) -> list[Block]:
    """Cost and funding: planned budget and spent funds by Förderprogramm, with the total."""
    measures = plan.measures
    if measures.empty:
        return [TextBlock("Ohne Maßnahmen gibt es noch keine Kosten- und Finanzierungsübersicht.")]
    by = measures.groupby("funding", sort=True)[["budget", "spent"]].sum().reset_index()
    by["measures"] = measures.groupby("funding", sort=True).size().to_numpy()
    total = pd.DataFrame([{"funding": "Summe", "budget": measures["budget"].sum(), "spent": measures["spent"].sum(),
                           "measures": len(measures)}])
    frame = pd.concat([by, total], ignore_index=True)
    frame["share"] = np.where(frame["budget"] > 0, 100 * frame["spent"] / frame["budget"], np.nan)
    frame["eur"] = "EUR"
    total_budget = float(measures["budget"].sum())
    largest = by.sort_values("budget", ascending=False).iloc[0]
    text = (f"Die {len(measures)} Maßnahmen des Plans {period} sind mit {fmt.measure(total_budget, 'EUR')} geplant, "
            f"davon sind bisher {fmt.measure(measures['spent'].sum(), 'EUR')} ausgegeben. Den größten Anteil trägt "
            f"„{largest['funding']}“ ({fmt.percent(100 * largest['budget'] / total_budget, 0)} der geplanten "
            "Mittel).")
    return [TableBlock("finanzierung", f"Kosten und Finanzierung {period} nach Förderprogramm", frame, [
        Col("funding", "Förderprogramm"), Col("measures", "Maßnahmen", "integer"),
        Col("budget", "Budget geplant", "measure", unit="eur"), Col("spent", "verausgabt", "measure", unit="eur"),
        Col("share", "Anteil verausgabt", "share", decimals=0)]), TextBlock(text)]


def decisions_table(plan: Plans, period: str) -> list[Block]:
    """The record of decisions, oldest first."""
    if plan.decisions.empty:
        return [TextBlock(f"Zum Plan {period} sind noch keine Beschlüsse verzeichnet.")]
    frame = plan.decisions.sort_values("date").copy()
    frame["day"] = frame["date"].map(fmt.date)
    frame["goals_text"] = frame["goals"].map(lambda g: _refs(g) or "ganzer Plan")
    frame["drucksache"] = frame["drucksache"].fillna("")
    return [TableBlock("beschluesse", f"Beratungen und Beschlüsse zum Plan {period}", frame.reset_index(drop=True), [
        Col("day", "Datum"), Col("committee", "Gremium"), Col("drucksache", "Drucksache"), Col("kind", "Beschluss"),
        Col("goals_text", "betrifft"), Col("text", "Inhalt")])]


# ----------------------------------------------------------------------------- monitoring

def goal_monitoring_columns(level_text: str) -> list[Col]:
    """Every column of the goal monitoring: each value derived from the statistics rests on its counts."""
    return goal_state_columns(level_text) + goal_trend_columns(level_text)[2:]


def goal_state_columns(level_text: str) -> list[Col]:
    """Where a goal stands: baseline, current value with its interval, target, share of the way covered."""
    return [Col("number", "Nr."), Col("label", "Indikator"), *GOAL_COUNTS,
            Col("baseline_value", "Basis", "rate", unit="unit", based_on=BASELINE),
            Col("current_year", "Jahr", "year", based_on=CURRENT),
            Col("current_value", "aktuell", "rate", unit="unit", based_on=CURRENT),
            Col("current_ci_low", f"{level_text}-KI von", "rate", unit="unit", based_on=CURRENT),
            Col("current_ci_high", "bis", "rate", unit="unit", based_on=CURRENT),
            Col("target", "Zielwert", "rate", unit="unit"),
            Col("share_covered", "Weg zurück­gelegt", "share", decimals=0, based_on=BASELINE + CURRENT)]


def goal_trend_columns(level_text: str) -> list[Col]:
    """Where a goal is heading: the trend since the baseline carried to the target year, and the judgement."""
    return [Col("number", "Nr."), Col("label", "Indikator"), *GOAL_COUNTS,
            Col("target_year", "Zieljahr", "year"), Col("target", "Zielwert", "rate", unit="unit"),
            Col("projection", "Trend im Zieljahr", "rate", unit="unit", based_on=TRACK),
            Col("projection_low", f"{level_text}-Vorhersage­intervall von", "rate", unit="unit", based_on=TRACK),
            Col("projection_high", "bis", "rate", unit="unit", based_on=TRACK),
            Col("assessment", "Einschätzung", based_on=TRACK)]


def monitoring_frame(goals: pd.DataFrame) -> pd.DataFrame:
    """The monitoring table with its reading column (``assessment``)."""
    frame = goals.copy()
    frame["assessment"] = [assessment(r) for _, r in frame.iterrows()] if len(frame) else []
    return frame


# ----------------------------------------------------------------------------- goals judged on effects too

def effect_verdict(row: pd.Series) -> str:
    """What the evaluation attributes to the programme for one goal, in words: "günstiger als erwartet" or
    "ungünstiger als erwartet" (in the goal's direction) when the interval as shown excludes zero, else "kein
    gesicherter Unterschied"; "nicht auswertbar" without an estimate."""
    if not np.isfinite(row.get("effect", np.nan)):
        return NOT_ESTIMABLE
    if not interval_excludes_zero(row["effect_low"], row["effect_high"]):
        return NO_CLEAR_EFFECT
    return FAVOURABLE if (row["effect"] < 0) == (row["direction"] == "senken") else UNFAVOURABLE


def disagreement(row: pd.Series) -> str:
    """One sentence where the goal's status (the level) and the evaluation's estimate (the programme's part) tell
    different stories, else "": a goal on track or reached without a development favourably beyond the expected
    path may owe its progress to the whole city; a goal off track or missed with such a development shows an
    effect that does not (yet) suffice. Uncertain and not measurable goals make no claim to contradict."""
    status, verdict = row["status"], row["effect_verdict"]
    if not isinstance(status, str) or not isinstance(verdict, str) or verdict == NOT_ESTIMABLE:
        return ""
    goal = f"Ziel {row['number']} ({row['label']})"
    if status in (ON_TRACK, REACHED) and verdict != FAVOURABLE:
        why = ("es entwickelte sich sogar gesichert ungünstiger als erwartet" if verdict == UNFAVOURABLE else
               "die Entwicklung unterscheidet sich nicht gesichert von der, die ohne das Programm zu erwarten war")
        return (f"{goal} ist {status}, doch die Evaluation schreibt dem Programm daran keinen gesicherten Anteil "
                f"zu: {why}; der Fortschritt kann auch der Entwicklung der ganzen Stadt folgen.")
    if status in (OFF_TRACK, MISSED) and verdict == FAVOURABLE:
        return (f"{goal} ist {status}, doch das Gebiet entwickelte sich gesichert günstiger als erwartet: Nach der "
                "Evaluation zeigt das Programm eine Wirkung, die für den Zielwert bisher nicht ausreicht.")
    return ""


def effect_frame(goals: pd.DataFrame) -> pd.DataFrame:
    """The monitoring frame with the readings of the evaluation's estimate per goal (``effect_verdict``,
    ``disagreement``); goals must carry :data:`veedel_lib.planning.monitoring.EFFECT_COLUMNS`."""
    frame = monitoring_frame(goals)
    frame["effect_verdict"] = [effect_verdict(r) for _, r in frame.iterrows()] if len(frame) else []
    frame["disagreement"] = [disagreement(r) for _, r in frame.iterrows()] if len(frame) else []
    return frame


def effect_columns(level_text: str) -> list[Col]:
    """The goal's level judgement next to the evaluation's estimate: each rests on its own counts."""
    return [*EFFECT_COUNTS, Col("assessment", "Einschätzung nach dem Niveau", based_on=TRACK),
            Col("effect", "Abweichung vom erwarteten Verlauf", "points", unit="unit", based_on=EFFECT_BASIS,
                decimals=EFFECT_DECIMALS),
            Col("effect_low", f"{level_text}-Intervall von", "points", unit="unit", based_on=EFFECT_BASIS,
                decimals=EFFECT_DECIMALS),
            Col("effect_high", "bis", "points", unit="unit", based_on=EFFECT_BASIS, decimals=EFFECT_DECIMALS),
            Col("effect_verdict", "dem Programm zugeschrieben", based_on=EFFECT_BASIS)]


EFFECT_NOTE = ("Einschätzung nach dem Niveau: der Trend bis zum Zieljahr (oben). Abweichung vom erwarteten Verlauf: "
               "was die Evaluation dem Programm zuschreibt, der mittlere Abstand des Gebiets zu dem Verlauf, den sein "
               "eigener Verlauf bis zum Basisjahr und die Entwicklung der übrigen Stadt erwarten ließen, in den "
               "Jahren nach dem Basisjahr des Ziels, mit Intervall aus Placebo-Gebieten; „günstiger“ und "
               "„ungünstiger“ in der Richtung des Ziels, nur wenn das gezeigte Intervall null ausschließt.")


def goal_effect_table(goals: pd.DataFrame, period: str, level_text: str) -> TableBlock:
    """Per goal: the level judgement and the part the evaluation attributes to the programme, with its interval."""
    return TableBlock("ziele_wirkung", f"Ziele des Plans {period}: Niveau und Wirkung", _numbered(effect_frame(goals)),
                      [Col("number", "Nr."), Col("label", "Indikator"), *GOAL_COUNTS, *effect_columns(level_text)],
                      note=EFFECT_NOTE)


def effect_sentences(public: pd.DataFrame) -> str:
    """The readings of level against effect from a masked effect frame: each disagreement in one sentence, or one
    sentence that both agree; a goal whose estimate is withheld or not estimable is counted, not judged."""
    shown = public[public["effect_verdict"].map(lambda v: isinstance(v, str) and v != NOT_ESTIMABLE)]
    lines = [text for text in shown["disagreement"] if isinstance(text, str) and text]
    if not len(shown):
        return "Für keines der Ziele lässt sich der Anteil des Programms veröffentlichen oder schätzen."
    if not lines:
        lines.append("Bei keinem Ziel mit veröffentlichter Schätzung widersprechen sich die Einschätzung nach dem "
                     "Niveau und der Anteil, den die Evaluation dem Programm zuschreibt.")
    missing = len(public) - len(shown)
    if missing:
        lines.append(f"{missing} {'Ziel' if missing == 1 else 'Ziele'} ohne veröffentlichte Schätzung der Wirkung "
                     "(zu kleine Zahlen oder zu wenige Jahre).")
    undetectable = shown[(shown["effect_verdict"] == NO_CLEAR_EFFECT) & shown["effect_mde"].notna()]
    if len(undetectable):
        largest = undetectable.loc[undetectable["effect_mde"].idxmax()]
        lines.append(f"Wo kein gesicherter Unterschied besteht, wären Wirkungen bis zu "
                     f"{effect_points(largest['effect_mde'], largest['unit'], signed=False)} mit diesen Daten nicht "
                     "erkennbar.")
    return " ".join(lines)


def goal_paths_chart(paths: pd.DataFrame, goals: pd.DataFrame, area_name: str, period: str,
                     level_text: str) -> ChartBlock | None:
    """The goals' figure from masked values only: yearly values on their counts, trend and judgement on the goal's
    counts (None when nothing may be shown)."""
    monitored = monitoring_frame(goals)
    monitored["status"] = monitored["status"].where(
        monitored["assessment"].map(lambda a: isinstance(a, str) and a != ""))
    spec = GoalPaths(area_name, period)
    frames = {"data": paths, "goals": monitored[list(GoalPaths.frames["goals"])]}
    if spec.checked(**frames)["data"].frame["value"].notna().sum() == 0:
        return None
    chart = spec.plot(**frames)
    return ChartBlock("ziele_verlauf", chart, [
        Col("number", "Ziel"), Col("label", "Indikator"), Col("year", "Jahr", "year"),
        *count_pair("numerator", "denominator"),
        Col("value", area_name, "rate", unit="unit", based_on=("numerator", "denominator"))])


def goal_monitoring(goals: pd.DataFrame, area_name: str, period: str, year: int, level_text: str,
                    paths: pd.DataFrame | None = None) -> list[Block]:
    """Per goal: baseline, current value with interval, target, share of the way (one table), the trend to the
    target year with its interval and the judgement (a second table), the goals' figure when ``paths`` (the yearly
    values, :func:`veedel_lib.planning.monitoring.goal_paths`) are given; sentences from published values only."""
    if goals.empty:
        return [TextBlock(f"Der Plan {period} für {area_name} enthält noch keine Ziele.")]
    frame = monitoring_frame(goals)
    public = masked(frame, goal_monitoring_columns(level_text))
    shown = _numbered(frame)
    state = TableBlock("ziele_stand", f"Ziele des Plans {period}: Stand {year}", shown, goal_state_columns(level_text),
                       note="Basis: Wert im Basisjahr; aktuell: letztes Jahr mit Daten, mit Konfidenzintervall. Weg "
                            "zurückgelegt: Anteil der Strecke vom Basiswert zum Zielwert, der erreicht ist (negativ: "
                            "der Wert hat sich vom Ziel entfernt).")
    trend = TableBlock("ziele_trend", f"Ziele des Plans {period}: Trend bis zum Zieljahr", shown,
                       goal_trend_columns(level_text),
                       note="Trend im Zieljahr: Gerade durch die Jahreswerte seit dem Basisjahr (gewichtet mit den "
                            f"gezählten Personen), fortgeschrieben bis zum Zieljahr, mit {level_text}-"
                            "Vorhersageintervall für den Wert des Zieljahrs (Unsicherheit der Geraden und die "
                            "Schwankung einzelner Jahre um sie); die Einschätzung folgt dem ganzen Intervall. "
                            "„unsicher“: das Intervall lässt Erreichen und Verfehlen des Zielwerts zu.")
    blocks: list[Block] = [state, trend, TextBlock(goal_sentences(public, area_name, period))]
    if "effect" in goals.columns:
        blocks += [goal_effect_table(goals, period, level_text),
                   TextBlock(effect_sentences(masked_effects(goals, level_text)))]
    chart = goal_paths_chart(paths, goals, area_name, period, level_text) if paths is not None and len(paths) else None
    return blocks + ([chart] if chart is not None else [])


def goal_sentences(public: pd.DataFrame, area_name: str, period: str) -> str:
    """A reading of the monitored goals from the masked frame: counts by judgement, then one line per goal."""
    known = public[public["assessment"].map(lambda a: isinstance(a, str) and a != "")]
    counts = known["status"].value_counts()
    parts = [f"{counts[s]} {'Ziel' if counts[s] == 1 else 'Ziele'} {s}" for s in STATUSES if counts.get(s)]
    lines = [f"Von den {len(public)} Zielen des Plans {period} für {area_name}: {fmt.join(parts)}."
             if parts else f"Für die Ziele des Plans {period} lassen sich noch keine Werte veröffentlichen."]
    withheld = len(public) - len(known)
    if withheld:
        lines[0] += f" {withheld} Ziele beruhen auf zu kleinen Zahlen und werden nicht eingeschätzt (Geheimhaltung)."
    for row in known.itertuples():
        if row.status == NOT_MEASURABLE:
            lines.append(f"- **{code(row.number)} {row.label}:** noch nicht messbar – nach dem Basisjahr {int(row.baseline_year)} "
                         f"liegen erst {int(row.years_after)} Jahreswerte vor.")
            continue
        reading = {ON_TRACK: "Setzt sich der bisherige Trend fort, wird der Zielwert erreicht",
                   OFF_TRACK: "Setzt sich der bisherige Trend fort, wird der Zielwert verfehlt",
                   UNCERTAIN: "Ob der Zielwert erreicht wird, ist offen: Das Vorhersageintervall schließt ihn ein",
                   REACHED: "Der Zielwert ist im Zieljahr erreicht",
                   }.get(row.status, "Der Zielwert ist im Zieljahr nicht erreicht")
        interval = (f"{fmt.rate(row.projection_low, row.unit)} bis {fmt.rate(row.projection_high, row.unit)}")
        doubt = (" Das Intervall reicht über den Zielwert hinweg: ob das Ziel erreicht wird, ist offen."
                 if not row.certain and row.status != UNCERTAIN else "")
        lines.append(f"- **{code(row.number)} {row.label}:** {reading} ({int(row.target_year)}: "
                     f"{fmt.rate(row.projection, row.unit)}, Intervall {interval}; Ziel "
                     f"{fmt.rate(row.target, row.unit)}).{doubt}")
    return "\n".join(lines)


MEASURE_MONITORING = [Col("number", "Nr."), Col("title", "Maßnahme"), Col("status", "Status"),
                      Col("dates", "Zeitraum: Plan / Ist"), Col("delay", "Verzug (Monate)", "integer"),
                      Col("budget", "Budget", "measure", unit="eur"), Col("spent", "ausgegeben", "measure", unit="eur")]
OUTPUT_COLUMNS = [Col("number", "Nr."), Col("title", "Maßnahme"), Col("output", "Output-Indikator"),
                  Col("output_actual", "erreicht", "count", threshold=OUTPUT_THRESHOLD),
                  Col("output_target", "Ziel", "count", threshold=OUTPUT_THRESHOLD)]


def measure_monitoring(measures: pd.DataFrame, period: str, as_of: _dt.date,
                       name: str = "massnahmen_monitoring") -> list[Block]:
    """Per measure: status, delay against the plan and budget spent against planned."""
    if measures.empty:
        return [TextBlock(f"Der Plan {period} enthält noch keine Maßnahmen.")]
    frame = _measure_frame(measures)
    frame["dates"] = [f"{_short(ps)}–{_short(pe)} / " + (f"{_short(s)}–{_short(e) if pd.notna(e) else 'offen'}"
                                                          if pd.notna(s) else "nicht begonnen")
                      for ps, pe, s, e in zip(frame["planned_start"], frame["planned_end"], frame["start"],
                                              frame["end"])]
    delayed = frame[frame["delayed"]]
    over = frame[frame["spent"] > frame["budget"]]
    text = (f"Stand {fmt.date(as_of)}: {len(delayed)} von {len(frame)} Maßnahmen liegen hinter dem Zeitplan"
            + (f" (am weitesten {delayed.sort_values('delay').iloc[-1]['number']} mit "
               f"{int(delayed['delay'].max())} Monaten)" if len(delayed) and delayed["delay"].max() > 0 else "")
            + f"; {fmt.measure(frame['spent'].sum(), 'EUR')} von {fmt.measure(frame['budget'].sum(), 'EUR')} "
              "geplanten Mitteln sind ausgegeben"
            + (f", bei {len(over)} {'Maßnahme' if len(over) == 1 else 'Maßnahmen'} mehr als geplant." if len(over)
               else "."))
    return [TableBlock(name, f"Maßnahmen des Plans {period}: Stand, Verzug und Mittel", frame, MEASURE_MONITORING,
                       note="Zeitraum: Monat/Jahr von Beginn und Ende laut Plan / tatsächlich oder voraussichtlich. "
                            "Budget: geplante Kosten. Verzug: "
                            "Monate, um die Beginn oder Ende später liegen als geplant (bei nicht begonnenen "
                            "Maßnahmen bis zum Stichtag)."),
            TextBlock(text)] + output_table(frame, period, name)


def output_table(frame: pd.DataFrame, period: str, name: str) -> list[Block]:
    """The measures' outputs (what they produce, often people reached) against their targets; small numbers withheld."""
    with_output = frame[frame["output"].map(lambda o: isinstance(o, str) and o != "")]
    if with_output.empty:
        return []
    return [TableBlock(f"{name}_output", f"Output der Maßnahmen des Plans {period}", with_output.reset_index(drop=True),
                       OUTPUT_COLUMNS, note=f"Zahlen unter {OUTPUT_THRESHOLD} werden nicht veröffentlicht (Personen).")]


# ----------------------------------------------------------------------------- all areas

def masked_effects(goals: pd.DataFrame, level_text: str) -> pd.DataFrame:
    """The effect frame (:func:`effect_frame`) as it may be published: every level judgement, estimate and reading
    (the minimum detectable effect and the disagreement sentence too, which the tables do not show) resting on a
    withheld count is NaN."""
    columns = GOAL_COUNTS + effect_columns(level_text) + [
        Col("effect_mde", "mde", "points", unit="unit", based_on=EFFECT_BASIS),
        Col("disagreement", "disagreement", based_on=EFFECT_BASIS + TRACK)]
    return masked(effect_frame(goals), columns)


def disagreement_list(goals: pd.DataFrame, area_names: dict[str, str], level_text: str) -> str:
    """The goals of several areas whose level judgement and evaluated effect disagree, one line each with the area's
    name, from the masked effect frame; "" where there is none (or no estimates)."""
    if not len(goals) or "effect" not in goals.columns:
        return ""
    public = masked_effects(goals, level_text)
    lines = [f"- {area_names.get(area_id, area_id)}: {text}" for area_id, text in zip(public["area_id"],
                                                                                     public["disagreement"])
             if isinstance(text, str) and text]
    return "Wo sich Niveau und Wirkung widersprechen:\n\n" + "\n".join(lines) if lines else ""


def goal_counts(goals: pd.DataFrame, area_names: dict[str, str], level_text: str) -> pd.DataFrame:
    """Goals per area by judgement, from the masked monitoring frame (a withheld goal counts as withheld); for
    goals with the evaluation's estimates (:data:`veedel_lib.planning.monitoring.EFFECT_COLUMNS`) also how many show
    a development favourably beyond the expected path (``favourable``) and how many judge level and effect
    differently (``disagree``)."""
    public = masked(monitoring_frame(goals), goal_monitoring_columns(level_text)) if len(goals) else goals
    effects = masked_effects(goals, level_text) if len(goals) and "effect" in goals.columns else None
    rows = []
    for area_id, name in area_names.items():
        mine = public[public["area_id"] == area_id] if len(public) else public
        status = mine["status"].where(mine["assessment"].map(lambda a: isinstance(a, str) and a != ""), "geheim") \
            if len(mine) else pd.Series(dtype=object)
        row = {"area_id": area_id, "area": name, "goals": len(mine),
               "on_track": int(status.isin([ON_TRACK, REACHED]).sum()),
               "off_track": int(status.isin([OFF_TRACK, "nicht erreicht"]).sum()),
               "uncertain": int((status == UNCERTAIN).sum()),
               "not_measurable": int((status == NOT_MEASURABLE).sum()),
               "withheld": int((status == "geheim").sum())}
        if effects is not None:
            own = effects[effects["area_id"] == area_id] if len(effects) else effects
            row["favourable"] = int((own["effect_verdict"] == FAVOURABLE).sum()) if len(own) else 0
            row["disagree"] = int(own["disagreement"].map(lambda s: isinstance(s, str) and s != "").sum()) \
                if len(own) else 0
        rows.append(row)
    frame = pd.DataFrame(rows)
    total = frame.drop(columns=["area_id", "area"]).sum()
    return pd.concat([frame, pd.DataFrame([{"area_id": "", "area": TOTAL, **total.to_dict()}])], ignore_index=True)


def goal_count_table(counts: pd.DataFrame, year: int, name: str = "ziele_je_gebiet") -> TableBlock:
    """The goals of all plans by judgement, one row per area and a total."""
    columns = [Col("area", "Gebiet"), Col("goals", "Ziele", "integer"),
               Col("on_track", "auf Kurs oder erreicht", "integer"),
               Col("off_track", "nicht auf Kurs", "integer"), Col("uncertain", "unsicher", "integer"),
               Col("not_measurable", "noch nicht messbar", "integer")]
    if counts["withheld"].sum():
        columns.insert(5, Col("withheld", "geheim gehalten", "integer"))
    note = ("„unsicher“: Ziele, deren Vorhersageintervall für den Wert im Zieljahr sowohl Erreichen als auch Verfehlen "
            "des Zielwerts zulässt.")
    if "favourable" in counts.columns:
        columns += [Col("favourable", "Wirkung gesichert günstiger als erwartet", "integer"),
                    Col("disagree", "Niveau und Wirkung widersprechen sich", "integer")]
        note += (" Wirkung: der Anteil, den die Evaluation des Gebiets dem Programm zuschreibt (Abweichung vom "
                 "erwarteten Verlauf seit dem Basisjahr des Ziels, gesichert, wenn das Intervall null ausschließt); "
                 "ein Widerspruch ist ein Ziel auf Kurs ohne gesichert günstige Wirkung oder ein Ziel nicht auf Kurs "
                 "mit ihr.")
    return TableBlock(name, f"Ziele der Sozialraumgebietspläne: Einschätzung {year}", counts, columns, note=note)


def goal_count_sentence(counts: pd.DataFrame) -> str:
    """One sentence on all plans' goals, from the count table."""
    total = counts[counts["area"] == TOTAL].iloc[0]
    if not total["goals"]:
        return "Die Sozialraumgebietspläne enthalten noch keine Ziele."
    text = (f"Von den {int(total['goals'])} Zielen der Sozialraumgebietspläne sind {int(total['on_track'])} auf Kurs "
            f"oder erreicht, {int(total['off_track'])} nicht auf Kurs, {int(total['uncertain'])} unsicher und "
            f"{int(total['not_measurable'])} noch nicht messbar.")
    if "favourable" in counts.columns:
        favourable, disagree = int(total["favourable"]), int(total["disagree"])
        text += (f" Bei {favourable} {'Ziel' if favourable == 1 else 'Zielen'} schreibt die Evaluation des Gebiets dem "
                 "Programm eine gesichert günstigere Entwicklung als erwartet zu; "
                 + (f"bei {disagree} {'Ziel widersprechen' if disagree == 1 else 'Zielen widersprechen'} sich die "
                    "Einschätzung nach dem Niveau und diese Wirkung (Tabelle)." if disagree else
                    "bei keinem Ziel widersprechen sich die Einschätzung nach dem Niveau und diese Wirkung."))
    return text


def measures_by_status(measures: pd.DataFrame, statuses: list[str], year: int) -> TableBlock:
    """All plans' measures by status, with their planned and spent funds."""
    grouped = measures.groupby("status")[["budget", "spent"]].sum()
    sizes = measures.groupby("status").size()
    delayed = measures.groupby("status")["delayed"].sum()
    frame = pd.DataFrame({"status": statuses})
    frame["measures"] = frame["status"].map(sizes).fillna(0)
    frame["delayed"] = frame["status"].map(delayed).fillna(0)
    frame["budget"] = frame["status"].map(grouped["budget"]).fillna(0.0)
    frame["spent"] = frame["status"].map(grouped["spent"]).fillna(0.0)
    total = pd.DataFrame([{"status": "Summe", "measures": len(measures), "delayed": int(measures["delayed"].sum()),
                           "budget": measures["budget"].sum(), "spent": measures["spent"].sum()}])
    frame = pd.concat([frame, total], ignore_index=True)
    frame["eur"] = "EUR"
    return TableBlock("massnahmen_nach_status", f"Maßnahmen aller Pläne nach Status, Stand {year}", frame, [
        Col("status", "Status"), Col("measures", "Maßnahmen", "integer"), Col("delayed", "davon verzögert", "integer"),
        Col("budget", "Budget geplant", "measure", unit="eur"), Col("spent", "verausgabt", "measure", unit="eur")])


def funds_by_programme(measures: pd.DataFrame, programmes: list[str], year: int) -> TableBlock:
    """All plans' funds by Förderprogramm: planned and spent."""
    grouped = measures.groupby("funding")[["budget", "spent"]].sum()
    frame = pd.DataFrame({"funding": programmes})
    frame["measures"] = frame["funding"].map(measures.groupby("funding").size()).fillna(0)
    frame["budget"] = frame["funding"].map(grouped["budget"]).fillna(0.0)
    frame["spent"] = frame["funding"].map(grouped["spent"]).fillna(0.0)
    frame = pd.concat([frame, pd.DataFrame([{"funding": "Summe", "measures": len(measures),
                                             "budget": measures["budget"].sum(),
                                             "spent": measures["spent"].sum()}])], ignore_index=True)
    frame["share"] = np.where(frame["budget"] > 0, 100 * frame["spent"] / frame["budget"], np.nan)
    frame["eur"] = "EUR"
    return TableBlock("mittel_nach_foerderprogramm", f"Mittel der Pläne nach Förderprogramm, Stand {year}", frame, [
        Col("funding", "Förderprogramm"), Col("measures", "Maßnahmen", "integer"),
        Col("budget", "Budget geplant", "measure", unit="eur"), Col("spent", "verausgabt", "measure", unit="eur"),
        Col("share", "Anteil verausgabt", "share", decimals=0)])
