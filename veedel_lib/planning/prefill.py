"""Start the plan from the analysis: a plan workbook pre-filled with the area's Handlungsbedarfe.

The prefill reads the Sozialraumgebietsanalyse of the last data year before the plan period (the latest year
when the data end earlier): each indicator with a Handlungsbedarf becomes a Handlungserfordernis (source
"Sozialraumgebietsanalyse") and a draft goal on the same indicator, with its direction, the analysis year as
baseline year and the area's value then as baseline. Planners add the target values, strategies, measures and
decisions; the draft goals without a target value do not validate until they have one. Only published values
are used (disclosure control as in the analysis). An existing workbook is never overwritten.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd

from ..analysis.comparison import compare_with_city, handlungsbedarfe
from ..errors import ConfigurationError
from ..inputs.dataset import Dataset
from ..params.run_config import HandlungsbedarfRule
from ..params.run_config import parameters_dir as default_parameters_dir
from .schema import PLANS_FOLDER, PlanningConfig, load_config, parse_period, period_label
from .templates import write_plan_workbook
from .validation import vocabularies

LEAD_OFFICE = "Sozialplanung"
"""The office that leads the integrierte Sozialraumgebietsplanung (prefilled after the city's ``publisher`` from
``raumbezug.yml``: "Stadt Köln, Sozialplanung"; planners may change it)."""


def default_lead(ds: Dataset) -> str:
    """The prefilled lead of a plan: the city's publisher and the office, "Stadt Köln, Sozialplanung"."""
    return f"{ds.spatial.profile.publisher}, {LEAD_OFFICE}"


def default_period(ds: Dataset, config: PlanningConfig) -> tuple[int, int]:
    """The next plan period after the data: from the year after the latest data year, ``period_years`` long."""
    start = ds.latest_year + 1
    return start, start + config.period_years - 1


def choose_period(ds: Dataset, config: PlanningConfig, text: str | None) -> tuple[int, int]:
    """The plan period from ``--period`` text ("2021-2025"), else the default; a German error if it is no period."""
    if not text:
        return default_period(ds, config)
    years = parse_period(text)
    if years is None or years[0] > years[1] or years[0] < config.first_year:
        raise ConfigurationError(f"Ungültiger Planungszeitraum '{text}' (erwartet z. B. 2021-2025, frühestens ab "
                                 f"{config.first_year}).")
    return years


def analysis_year(ds: Dataset, start: int) -> int:
    """The year whose analysis a plan starting in ``start`` rests on: the last data year before it."""
    earlier = [y for y in ds.years if y < start]
    if not earlier:
        raise ConfigurationError(f"Vor dem Planungszeitraum ab {start} liegen keine Daten vor (Daten ab "
                                 f"{ds.years[0]}).")
    return earlier[-1]


def _need_text(row: pd.Series, year: int) -> str:
    """A first wording of a Handlungserfordernis from the analysis (planners rewrite it).

    It names the indicator and the level of need, never a value: this text becomes public as it is, and
    values reach reports only through the tables that disclosure control protects."""
    return (f"{row['label']}: Handlungsbedarf „{row['need']}“ in der Sozialraumgebietsanalyse {year} "
            "(deutlich ungünstiger als in der Gesamtstadt).")


def published(comparison: pd.DataFrame) -> pd.Series:
    """Rows whose area counts may be published: neither the numerator nor the denominator lies from 1 to below its
    threshold (the primary rule of :mod:`veedel_lib.render.disclosure`, which this room cannot import)."""
    numerator, denominator = comparison["area_numerator"], comparison["area_denominator"]
    small = ((numerator > 0) & (numerator < comparison["threshold"])) | \
        ((denominator > 0) & (denominator < comparison["denominator_threshold"]))
    return ~small.fillna(False).astype(bool) & numerator.notna() & denominator.notna()


def prefill_records(ds: Dataset, area_id: str, period: tuple[int, int], config: PlanningConfig,
                    rule: HandlungsbedarfRule | None = None, level: float = 0.95) -> dict[str, pd.DataFrame]:
    """The records of a pre-filled workbook: sheet name -> rows with the sheet's headers.

    Handlungsbedarfe come from the comparison with the city in :func:`analysis_year`, on published values only
    (a value withheld by disclosure control gives no Handlungsbedarf, as in the analysis report).
    """
    area = ds.areas.get(area_id)
    year = analysis_year(ds, period[0])
    label = period_label(*period)
    comparison = compare_with_city(ds, area.id, year, level=level, rule=rule)
    needs = handlungsbedarfe(comparison[published(comparison)])
    plan = pd.DataFrame([{"Gebiet": area.name, "Planungszeitraum": label, "federführend": default_lead(ds)}])
    need_rows, goal_rows = [], []
    for number, (_, row) in enumerate(needs.iterrows(), start=1):
        need_rows.append({"Gebiet": area.name, "Planungszeitraum": label, "Nr.": f"H-{number}",
                          "Quelle": config.analysis_source, "Indikator": row["label"],
                          "Handlungserfordernis": _need_text(row, year)})
        goal_rows.append({"Gebiet": area.name, "Planungszeitraum": label, "Nr.": f"Z-{number}",
                          "Handlungserfordernis": f"H-{number}", "Indikator": row["label"],
                          "Richtung": "senken" if row["direction"] == "higher_is_worse" else "steigern",
                          "Basisjahr": year, "Basiswert (aus den Daten)": round(float(row["area_value"]), 1),
                          "Zieljahr": period[1]})
    return {"Plan": plan, "Handlungserfordernisse": pd.DataFrame(need_rows), "Ziele": pd.DataFrame(goal_rows)}


def write_prefilled(ds: Dataset, area_id: str, target_dir: str | Path, parameters_dir: str | Path | None = None,
                    period: str | None = None, rule: HandlungsbedarfRule | None = None, level: float = 0.95,
                    as_of: _dt.date | None = None) -> Path:
    """Write ``<target_dir>/<area_id>.xlsx`` pre-filled from the analysis; never overwrites an existing file.

    ``period`` is the plan period as text ("2021-2025"; default: the five years after the data). Raises
    ConfigurationError (German) when the file exists or the period does not fit the data.
    """
    parameters = default_parameters_dir(parameters_dir)
    config = load_config(parameters)
    area = ds.areas.get(area_id)
    years = choose_period(ds, config, period)
    path = Path(target_dir) / f"{area.id}.xlsx"
    if path.exists():
        raise ConfigurationError(f"{path} gibt es schon; eine vorhandene Planungsmappe wird nie überschrieben "
                                 "(bitte umbenennen oder einen anderen Ordner mit --out wählen).")
    records = prefill_records(ds, area.id, years, config, rule, level)
    return write_plan_workbook(path, area, config, vocabularies(config, parameters, ds.catalogue), records,
                               period_label(*years), as_of)


__all__ = ["PLANS_FOLDER", "analysis_year", "choose_period", "default_period", "prefill_records", "published",
           "write_prefilled"]
