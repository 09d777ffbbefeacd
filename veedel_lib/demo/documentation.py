"""Deterministic demo documentation of the Kernprozesse for all 15 areas (themes, projects, meetings).

The records are plausible, not real: each area documents themes, projects and meetings every year from
the programme start (``first_year`` of kernprozess.yml) to the last demo year, at a pace that grows with
the area's size and with the years the coordination has been at work. They are written with the same
workbook writer as the empty templates, so the demo files look exactly like filled-in templates and go
through the same validator. Free-text columns hold neutral placeholders ("Thema 3"), never names.
"""

from __future__ import annotations

import datetime as _dt
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..kernprozess.schema import DOCUMENTATION_FOLDER, KernprozessConfig, load_config
from ..kernprozess.templates import write_workbook

FIELD_WEIGHTS = {
    "Kinder, Jugend und Familie": 5, "Soziales": 4, "Bildung": 4, "Bürgerschaftliches Engagement und Vernetzung": 3,
    "Wohnen": 3, "Sport": 1.5, "Kultur": 1.5, "Wirtschaft und Arbeit": 2, "Gemeinwesen und Politik": 2,
    "Gesundheit": 2,
}
"""Relative frequency of the fields of action in themes and projects (unknown fields weigh 1)."""

MEETINGS_PER_YEAR = {"Bürger*innenkonferenz": 1.5, "Sozialraumkonferenz": 2, "Planungskonferenz": 1,
                     "Meilensteinkonferenz": 0.6, "Netzwerktreffen": 9, "Arbeitsgruppe": 6}
"""Mean number of meetings of each type per area and year once the coordination is fully at work."""

MEETING_SIZE = {"Bürger*innenkonferenz": (60, 18), "Sozialraumkonferenz": (30, 10), "Planungskonferenz": (14, 5),
                "Meilensteinkonferenz": (12, 4), "Netzwerktreffen": (16, 6), "Arbeitsgruppe": (7, 3)}
"""Mean participants and organisations of a meeting of each type."""


AVERAGE_AREA_STADTTEILE = 2
"""Whole and partial Stadtteile of an average area (Cologne's 15 areas hold 30): the pace of an area's demo
records is its own number relative to this fixed figure, not to the mean of the configured areas."""


def _rng(area_id: str, seed: int) -> np.random.Generator:
    """A generator per area, so adding an area never changes the others' records."""
    return np.random.default_rng([seed, zlib.crc32(area_id.encode("utf-8"))])


def _day(rng: np.random.Generator, year: int, last: _dt.date) -> _dt.date:
    start = _dt.date(year, 1, 1)
    end = min(_dt.date(year, 12, 31), last)
    return start + _dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _choose(rng: np.random.Generator, values: list[str], weights: dict[str, float] | None = None) -> str:
    p = np.array([(weights or {}).get(v, 1.0) for v in values], dtype=float)
    return values[int(rng.choice(len(values), p=p / p.sum()))]


def area_records(area_id: str, area_name: str, size: float, config: KernprozessConfig, years: list[int],
                 last_day: _dt.date, seed: int) -> dict[str, pd.DataFrame]:
    """The demo records of one area: sheet name -> rows with the sheet's headers.

    ``size`` scales the pace (1 = an average area); the pace also rises over the first years, as a new
    coordination builds its networks.
    """
    rng = _rng(area_id, seed)
    vocab = config.vocabularies
    fields = vocab["handlungsfelder"]
    themes, projects, meetings = [], [], []
    for position, year in enumerate(years):
        ramp = min(1.0, 0.55 + 0.15 * position)
        age = last_day.year - year
        for number in range(rng.poisson(11 * size * ramp)):
            status = _choose(rng, vocab["themenstatus"], {"offen": 1 + 2 / (age + 1), "in Bearbeitung": 2,
                                                          "erledigt": 0.5 + age, "zurückgestellt": 0.4})
            themes.append({"Datum": _day(rng, year, last_day), "Handlungsfeld": _choose(rng, fields, FIELD_WEIGHTS),
                           "Quelle": _choose(rng, vocab["themenquellen"], {"Bürger*innenkonferenz": 3, "Befragung": 1.5,
                                                                           "Netzwerk": 3, "Sozialplanung": 1}),
                           "Status": status,
                           "an Sozialplanung weitergegeben": "ja" if rng.random() < 0.45 + 0.07 * position else "nein",
                           "Titel": f"Thema {year}-{number + 1}"})
        for number in range(rng.poisson(5 * size * ramp)):
            start = _day(rng, year, last_day)
            months = int(rng.integers(4, 30))
            end = start + _dt.timedelta(days=30 * months)
            if rng.random() < 0.07:
                status = "abgebrochen"
                end = start + _dt.timedelta(days=int(rng.integers(30, 30 * months)))
            elif end <= last_day:
                status = "abgeschlossen"
            else:
                planning = (last_day - start).days < 120 and rng.random() < 0.5
                status, end = ("in Entwicklung", None) if planning else ("laufend", None)
            if end is not None and end > last_day:
                end = last_day
            applied = float(np.round(rng.lognormal(np.log(18000), 0.8), -2))
            granted = 0.0 if status == "in Entwicklung" else float(np.round(applied * rng.uniform(0.4, 1.0), -2))
            projects.append({"Projekt-Nr.": f"P-{year}-{number + 1:02d}",
                             "Handlungsfeld": _choose(rng, fields, FIELD_WEIGHTS), "Beginn": start, "Ende": end,
                             "Status": status, "Mittel beantragt (EUR)": applied, "Mittel bewilligt (EUR)": granted,
                             "Partnerorganisationen (Anzahl)": int(rng.integers(1, 7)),
                             "erreichte Bewohner*innen (Anzahl)": int(rng.lognormal(np.log(60), 0.9)),
                             "Projektname": f"Projekt {year}-{number + 1}", "Ansprechperson": None})
        for kind, mean in MEETINGS_PER_YEAR.items():
            participants, organisations = MEETING_SIZE[kind]
            for _ in range(rng.poisson(mean * ramp * (0.8 + 0.2 * size))):
                meetings.append({"Art": kind, "Datum": _day(rng, year, last_day),
                                 "Teilnehmende (Anzahl)": max(2, int(rng.normal(participants, participants / 3))),
                                 "Organisationen (Anzahl)": max(1, int(rng.normal(organisations, organisations / 3))),
                                 "Notiz": None})
    frames = {"Themen": pd.DataFrame(themes), "Projekte": pd.DataFrame(projects), "Gremien": pd.DataFrame(meetings)}
    order = {"Themen": "Datum", "Projekte": "Beginn", "Gremien": "Datum"}
    result = {}
    for sheet, frame in frames.items():
        frame.insert(0, "Gebiet", area_name)
        if sheet == "Gremien":
            frame = frame[["Gebiet", "Art", "Datum", "Teilnehmende (Anzahl)", "Organisationen (Anzahl)", "Notiz"]]
        result[sheet] = frame.sort_values(order[sheet], kind="stable").reset_index(drop=True)
    return result


def write_demo_documentation(target: str | Path, parameters_dir: str | Path | None = None,
                             last_year: int = 2024, seed: int = 20191212) -> list[Path]:
    """Write ``<target>/dokumentation/<area_id>.xlsx`` for every area of areas.yml; returns the paths.

    An area's pace grows with its number of Stadtteile (relative to :data:`AVERAGE_AREA_STADTTEILE`, within 0,7 to
    1,5), so each area's records depend on that area alone: editing one area leaves the others' workbooks as they were.
    """
    from ..params.areas import load_areas
    from ..params.run_config import parameters_dir as default_parameters_dir

    parameters = default_parameters_dir(parameters_dir)
    config = load_config(parameters)
    areas = load_areas(parameters / "areas.yml")
    years = list(range(config.first_year, last_year + 1))
    paths = []
    for area in areas.areas:
        stadtteile = max(1, len(area.stadtteile) + len(area.partial))
        size = float(np.clip(stadtteile / AVERAGE_AREA_STADTTEILE, 0.7, 1.5))
        last_day = _dt.date(last_year, 12, 31)
        records = area_records(area.id, area.name, size, config, years, last_day, seed)
        paths.append(write_workbook(Path(target) / DOCUMENTATION_FOLDER / f"{area.id}.xlsx", area, config, records,
                                    as_of=last_day))
    return paths
