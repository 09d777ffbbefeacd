"""Deterministic demo plans: a Sozialraumgebietsplan 2021–2025 for every area, from its own Handlungsbedarfe.

Each area's plan starts from the Sozialraumgebietsanalyse of 2020 in the demo data: its strongest
Handlungsbedarfe on yearly indicators become Handlungserfordernisse and goals on the same indicators, with a
target one percentage point better by 2025 (half a point for indicators below 10 %), so that the demo data
show goals on track and goals off track without anything in the data being changed. A bottom-up Handlungserfordernis comes from the field of action with the
most themes the area's Sozialraumkoordination passed to the Sozialplanung, a top-down one from the city-wide
themes. Measures implement projects of the area's Kernprozess documentation (linked by Projekt-Nr.), with
plausible responsibilities, budgets, funding and some delays. Decisions: a Planungskonferenz and a decision of
the Bezirksvertretung in 2021, a Meilensteinkonferenz in 2023. Written with the same writer as the template,
so the demo workbooks go through the same validator; no person is named.
"""

from __future__ import annotations

import datetime as _dt
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.comparison import compare_with_city, handlungsbedarfe
from ..inputs.dataset import Dataset
from ..kernprozess.documentation import Documentation
from ..params.areas import Area
from ..planning.prefill import default_lead, published
from ..planning.schema import PLANS_FOLDER, PlanningConfig, period_label
from ..planning.templates import write_plan_workbook

PERIOD = (2021, 2025)
ANALYSIS_YEAR = 2020
MAX_GOALS = 3
STEP = 1.0
"""How far a goal moves its indicator by 2025, in the indicator's points (1 percentage point, as plans often say) ..."""
SMALL_STEP = 0.5
"""... and half a point for indicators below :data:`SMALL_LEVEL` (a point there would be a third of the level)."""
SMALL_LEVEL = 10.0

LEADS = {
    "Kinder, Jugend und Familie": "Amt für Kinder, Jugend und Familie",
    "Soziales": "Amt für Soziales, Arbeit und Senioren",
    "Bildung": "Amt für Schulentwicklung",
    "Bürgerschaftliches Engagement und Vernetzung": "Träger der Sozialraumkoordination",
    "Wohnen": "Amt für Wohnungswesen",
    "Sport": "Sportamt",
    "Kultur": "Kulturamt",
    "Wirtschaft und Arbeit": "Jobcenter Köln",
    "Gemeinwesen und Politik": "Bezirksamt",
    "Gesundheit": "Gesundheitsamt",
}
TITLES = {
    "Kinder, Jugend und Familie": "Familienbüro und offene Elternangebote",
    "Soziales": "Sozialberatung im Stadtteilzentrum",
    "Bildung": "Lernförderung und Hausaufgabenhilfe",
    "Bürgerschaftliches Engagement und Vernetzung": "Veedelsnetzwerk und Beteiligung",
    "Wohnen": "Mieter*innenberatung und Nachbarschaftsarbeit",
    "Sport": "Bewegungsangebote im öffentlichen Raum",
    "Kultur": "Kulturprojekte mit Kindern und Jugendlichen",
    "Wirtschaft und Arbeit": "Beschäftigungslotsen im Veedel",
    "Gemeinwesen und Politik": "Veedelsforum",
    "Gesundheit": "Gesundheitslotsen für Familien",
}
PARTNERS = ("Träger der Sozialraumkoordination", "Familienzentrum", "Jobcenter Köln", "Bürgerverein",
            "Grundschulen im Veedel", "Wohnungsgesellschaft", "Sportverein", "Jugendzentrum")
STRATEGIES = {
    "sgb2_quote": "Zugänge zu Arbeit und Qualifizierung im Veedel bündeln: Jobcenter, Träger und Betriebe vor Ort.",
    "sgb2_children_quote": "Familien mit Kindern früh erreichen: Beratung zu Leistungen, Anbindung an Kita und "
                           "Schule.",
    "transfer_quote": "Beratung zu existenzsichernden Leistungen wohnortnah und mehrsprachig anbieten.",
    "unemployment_share": "Übergänge in Arbeit durch aufsuchende Beratung und lokale Beschäftigungsprojekte "
                          "fördern.",
    "youth_unemployment_share": "Übergang Schule – Beruf begleiten: Berufsorientierung und Ausbildungspatenschaften.",
    "hze_rate": "Familien früh unterstützen, damit erzieherische Hilfen seltener nötig werden.",
    "gsi_age_quote": "Ältere Menschen im Veedel erreichen: Seniorennetzwerke und Beratung zur Grundsicherung.",
    "gsi_em_quote": "Menschen mit Erwerbsminderung wohnortnah beraten und in Nachbarschaftsangebote einbinden.",
    "asylblg_quote": "Geflüchtete Menschen beim Ankommen begleiten: Sprachkurse, Beratung, Patenschaften.",
}


NEEDS = {
    "sgb2_quote": "Mehr Menschen im Veedel den Weg aus dem Leistungsbezug eröffnen: Beratung, Qualifizierung und "
                  "Arbeit vor Ort verbinden.",
    "sgb2_children_quote": "Kinderarmut verringern: Familien mit Kindern früh erreichen und bei Leistungen, Bildung "
                           "und Teilhabe unterstützen.",
    "transfer_quote": "Existenzsichernde Leistungen wohnortnah erklären und den Zugang zu Arbeit und Beratung "
                      "erleichtern.",
    "unemployment_share": "Arbeitslosigkeit im Veedel senken: Zugänge zu Beschäftigung und Weiterbildung schaffen.",
    "youth_unemployment_share": "Junge Menschen beim Übergang von der Schule in Ausbildung und Beruf begleiten.",
    "hze_rate": "Familien früher unterstützen, damit weniger Hilfen zur Erziehung nötig werden.",
    "gsi_age_quote": "Altersarmut begegnen: ältere Menschen erreichen, beraten und ins Veedelsleben einbinden.",
    "gsi_em_quote": "Menschen mit Erwerbsminderung wohnortnah beraten und in Nachbarschaftsangebote einbinden.",
    "asylblg_quote": "Geflüchtete Menschen beim Ankommen im Veedel begleiten.",
}
"""The wording of a Handlungserfordernis that follows from a Handlungsbedarf on an indicator (demo plans)."""


def _rng(area_id: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(f"plan/{area_id}".encode("utf-8"))])


def goal_step(baseline: float) -> float:
    """The demo goals' step from the 2020 value to the 2025 target, in the indicator's points.

    Chosen so that, in the demo data (where the city's SGB-II quotas rise again after 2021), some goals are on
    track and others are not: the data are never changed to make a goal reach its target."""
    return SMALL_STEP if baseline < SMALL_LEVEL else STEP


def _day(rng: np.random.Generator, year: int, months: tuple[int, int]) -> _dt.date:
    return _dt.date(year, int(rng.integers(months[0], months[1] + 1)), int(rng.integers(1, 29)))


def area_needs(ds: Dataset, area_id: str) -> pd.DataFrame:
    """The area's published Handlungsbedarfe of the analysis year on indicators measured every year."""
    comparison = compare_with_city(ds, area_id, ANALYSIS_YEAR)
    yearly = {i.id for i in ds.catalogue.indicators if not i.latest_available}
    needs = handlungsbedarfe(comparison[published(comparison)])
    return needs[needs["indicator"].isin(yearly)].head(MAX_GOALS)


def plan_records(ds: Dataset, documentation: Documentation, area: Area, config: PlanningConfig,
                 seed: int) -> dict[str, pd.DataFrame]:
    """The demo plan of one area: sheet name -> rows with the sheet's headers."""
    rng = _rng(area.id, seed)
    label = period_label(*PERIOD)
    base = {"Gebiet": area.name, "Planungszeitraum": label}
    vocab = config.vocabularies
    needs = area_needs(ds, area.id)
    need_rows, goal_rows = [], []
    for position, row in enumerate(needs.itertuples(), start=1):
        rising = row.direction == "higher_is_better"
        need_rows.append({**base, "Nr.": f"H-{position}", "Quelle": config.analysis_source, "Indikator": row.label,
                          "Handlungserfordernis": NEEDS.get(row.indicator, f"{row.label} "
                                                            f"{'erhöhen' if rising else 'senken'}.")})
        step = goal_step(float(row.area_value))
        target = row.area_value + step if rising else row.area_value - step
        points = "Prozentpunkt" if row.unit == "percent" else "Promillepunkt"
        amount = "einen" if step == 1 else "einen halben"
        goal_rows.append({**base, "Nr.": f"Z-{position}", "Handlungserfordernis": f"H-{position}",
                          "Indikator": row.label, "Richtung": "steigern" if rising else "senken",
                          "Basisjahr": ANALYSIS_YEAR, "Basiswert (aus den Daten)": round(float(row.area_value), 1),
                          "Zielwert": round(float(target), 1), "Zieljahr": PERIOD[1],
                          "Ziel": f"{row.label} bis {PERIOD[1]} um {amount} {points} "
                                  f"{'steigern' if rising else 'senken'} und so den Abstand zur Gesamtstadt "
                                  "verringern."})
    themes = documentation.themes
    passed = themes[(themes["area_id"] == area.id) & themes["passed"] & (themes["year"] <= PERIOD[0])]
    if len(passed):
        field = passed.groupby("field").size().sort_values(ascending=False, kind="stable").index[0]
        need_rows.append({**base, "Nr.": f"H-{len(need_rows) + 1}", "Quelle": config.bottom_up_source,
                          "Handlungsfeld": field, "Handlungserfordernis": f"{field}: Themen aus Bürger*innenkonferenz "
                                                                          "und Netzwerken aufgreifen."})
    city_theme = vocab["gesamtstaedtische_themen"][int(rng.integers(0, 3))]
    need_rows.append({**base, "Nr.": f"H-{len(need_rows) + 1}", "Quelle": config.top_down_source,
                      "gesamtstädtisches Thema": city_theme,
                      "Handlungserfordernis": f"{city_theme}: gesamtstädtischen Schwerpunkt im Veedel umsetzen."})
    goals = [g["Nr."] for g in goal_rows]
    strategies = [{**base, "Nr.": f"S-{n}", "Ziele": g["Nr."],
                   "Strategie": STRATEGIES.get(ds.catalogue.indicator(row.indicator).id,
                                               f"Angebote zu {row.label} im Veedel abstimmen und ausbauen.")}
                  for n, (g, row) in enumerate(zip(goal_rows, needs.itertuples()), start=1)]
    strategies.append({**base, "Nr.": f"S-{len(strategies) + 1}", "Ziele": ", ".join(goals),
                       "Strategie": "Themen der Bewohner*innen (bottom-up) und gesamtstädtische Schwerpunkte "
                                    "(top-down) in der Sozialraumkonferenz zusammenführen."})
    return {"Plan": pd.DataFrame([{**base, "Planungskonferenz": _day(rng, PERIOD[0], (2, 3)),
                                   "Meilensteinkonferenz": _day(rng, 2023, (9, 11)), "federführend": default_lead(ds)}]),
            "Handlungserfordernisse": pd.DataFrame(need_rows), "Ziele": pd.DataFrame(goal_rows),
            "Strategien": pd.DataFrame(strategies),
            "Maßnahmen": pd.DataFrame(_measures(documentation, area, base, goals, vocab, rng)),
            "Beschlüsse": pd.DataFrame(_decisions(area, base, goals, rng))}


def _measures(documentation: Documentation, area: Area, base: dict, goals: list[str], vocab: dict,
              rng: np.random.Generator) -> list[dict]:
    """Up to five measures on projects of the area begun in the plan period, plus one still to come."""
    projects = documentation.projects
    mine = projects[(projects["area_id"] == area.id) & (projects["start_year"] >= PERIOD[0])]
    chosen = mine.iloc[sorted(rng.choice(len(mine), size=min(5, len(mine)), replace=False))] if len(mine) else mine
    rows, titles = [], set()
    programmes = vocab["foerderprogramme"]
    status_of = {"laufend": "laufend", "abgeschlossen": "abgeschlossen", "abgebrochen": "abgebrochen",
                 "in Entwicklung": "in Vorbereitung"}
    for number, project in enumerate(chosen.itertuples(), start=1):
        title = TITLES.get(project.field, project.field)
        title = f"{title} (Ausbau)" if title in titles else title
        titles.add(title)
        start = project.start.date()
        late_start = rng.random() < 0.35  # about a third of the measures started later than planned
        planned_start = start - _dt.timedelta(days=int(rng.integers(45, 150)) if late_start else 0)
        planned_end = planned_start + _dt.timedelta(days=int(30.5 * rng.integers(18, 36)))
        status = status_of[project.status]
        end = project.end.date() if pd.notna(project.end) else None
        if status == "laufend" and rng.random() < 0.45:  # a running measure that will end late
            end = planned_end + _dt.timedelta(days=int(30.5 * rng.integers(3, 10)))
        budget = float(np.round(project.funds_applied * rng.uniform(1.2, 2.0), -2))
        spent = float(np.round(min(budget, project.funds_granted * rng.uniform(0.6, 1.4)), -2))
        target = int(max(10, project.residents * rng.uniform(0.9, 1.6)))
        rows.append({**base, "Nr.": f"M-{number}", "Titel": title, "Handlungsfeld": project.field,
                     "Ziele": goals[(number - 1) % len(goals)] if goals else None,
                     "federführend": LEADS.get(project.field, "Träger der Sozialraumkoordination"),
                     "Partner": ", ".join(sorted(rng.choice(PARTNERS, size=2, replace=False))),
                     "Beginn geplant": planned_start, "Ende geplant": planned_end,
                     "Beginn tatsächlich": start if status != "in Vorbereitung" else None,
                     "Ende tatsächlich oder voraussichtlich": end if status != "in Vorbereitung" else None,
                     "Status": status, "Budget geplant (EUR)": budget,
                     "Mittel verausgabt (EUR)": spent if status != "in Vorbereitung" else 0.0,
                     "Förderprogramm": programmes[int(rng.choice(len(programmes), p=_programme_weights(programmes)))],
                     "Projekt-Nr.": project.number, "Output-Indikator": "erreichte Bewohner*innen",
                     "Output-Ziel": target, "Output-Ist": int(project.residents)})
    number = len(rows) + 1
    postponed = rng.random() < 0.5
    rows.append({**base, "Nr.": f"M-{number}", "Titel": "Quartiersfonds für Initiativen der Bewohner*innen",
                 "Handlungsfeld": "Bürgerschaftliches Engagement und Vernetzung", "Ziele": ", ".join(goals) or None,
                 "federführend": "Träger der Sozialraumkoordination", "Partner": "Bürgerverein, Bezirksamt",
                 "Beginn geplant": _dt.date(2024, 3, 1) if postponed else _dt.date(2025, 3, 1),
                 "Ende geplant": _dt.date(2025, 12, 31), "Status": "verschoben" if postponed else "geplant",
                 "Budget geplant (EUR)": 25000.0, "Mittel verausgabt (EUR)": 0.0,
                 "Förderprogramm": "Haushalt der Stadt Köln"})
    return rows


def _programme_weights(programmes: list[str]) -> np.ndarray:
    weights = np.array([4, 3, 2, 2, 1.5, 1, 1, 0.5][: len(programmes)] + [1] * max(0, len(programmes) - 8))
    return weights / weights.sum()


def _decisions(area: Area, base: dict, goals: list[str], rng: np.random.Generator) -> list[dict]:
    """Planungskonferenz and Bezirksvertretung 2021, Meilensteinkonferenz 2023 (and sometimes a later decision)."""
    number = int(rng.integers(1000, 4000))
    rows = [
        {**base, "Gremium": "Planungskonferenz", "Datum": _day(rng, 2021, (3, 4)),
         "Beschluss": "Empfehlung an die Bezirksvertretung",
         "Inhalt": "Handlungserfordernisse, Ziele und Strategien der Bezirksvertretung zum Beschluss empfohlen."},
        {**base, "Gremium": "Bezirksvertretung", "Datum": _day(rng, 2021, (5, 6)),
         "Drucksachen-Nr.": f"{number}/2021", "Beschluss": "Ziele beschlossen", "Ziele": ", ".join(goals) or None,
         "Inhalt": f"Sozialraumgebietsplan {period_label(*PERIOD)} für {area.name} beschlossen."},
        {**base, "Gremium": "Meilensteinkonferenz", "Datum": _day(rng, 2023, (9, 11)),
         "Beschluss": "zur Kenntnis genommen", "Inhalt": "Zwischenstand der Ziele und Maßnahmen beraten."},
    ]
    if rng.random() < 0.5:
        rows.append({**base, "Gremium": "Bezirksvertretung", "Datum": _day(rng, 2024, (2, 4)),
                     "Drucksachen-Nr.": f"{number + 400}/2024", "Beschluss": "Maßnahmen beschlossen",
                     "Inhalt": "Maßnahmen nach der Meilensteinkonferenz fortgeschrieben."})
    return rows


def write_demo_plans(target: str | Path, ds: Dataset, documentation: Documentation, config: PlanningConfig,
                     lists: dict[str, list[str]], last_day: _dt.date, seed: int,
                     area_ids: list[str] | None = None) -> list[Path]:
    """Write ``<target>/plaene/<area_id>.xlsx`` for every area of the dataset (or ``area_ids``); returns the paths.

    An area whose definition in ``areas.yml`` has problems gets no plan: its goals cannot be derived from its
    analysis, and its reports fail with those problems anyway, while the other areas' plans are written.
    """
    paths = []
    for area in [ds.areas.get(a) for a in (area_ids or ds.areas.ids)]:
        if ds.membership.problems.get(area.id):
            continue  # an area whose units are wrong gets no plan: its reports fail with that problem
        records = plan_records(ds, documentation, area, config, seed)
        paths.append(write_plan_workbook(Path(target) / PLANS_FOLDER / f"{area.id}.xlsx", area, config, lists,
                                         records, period_label(*PERIOD), as_of=last_day))
    return paths
