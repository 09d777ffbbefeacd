"""Programmcontrolling: the Kernprozessindikatoren against the Zielvereinbarung (``parameters/targets.yml``).

For every area, year and agreed indicator: the target, the actual value from the documentation, the
attainment in percent and a traffic light that reads without colour (symbol and word). Attainment is
actual / target for indicators where more is better; where less is better (cancelled projects) it is
100 % as long as the target is kept and target / actual above it, so both kinds share one scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import DataValidationError, german_number
from ..inputs.readers import MAX_COUNT, MAX_EUROS
from ..params.run_config import parameters_dir as default_parameters_dir
from ..params.yamlfiles import load_yaml, parse_model, problem_at
from .indicators import indicator_labels
from .schema import KernprozessConfig

LIGHTS = {
    "reached": ("✓", "erreicht"),
    "partly": ("◐", "teilweise erreicht"),
    "missed": ("✗", "nicht erreicht"),
    "none": ("–", "keine Angabe"),
}
"""Symbol and word of each traffic-light state: the state is readable without colour."""

Targets = dict[int, dict[str, float]]


class Thresholds(BaseModel):
    """Attainment (percent) from which a target counts as reached or partly reached."""

    model_config = ConfigDict(extra="forbid")

    reached: float = Field(100, gt=0)
    partly: float = Field(75, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Thresholds":
        if self.partly > self.reached:
            raise ValueError("partly muss kleiner oder gleich reached sein")
        return self


class TargetsConfig(BaseModel):
    """``parameters/targets.yml``: thresholds, targets for all areas per year, per-area overrides."""

    model_config = ConfigDict(extra="forbid")

    thresholds: Thresholds = Thresholds()
    default: dict[int, dict[str, float]] = {}
    areas: dict[str, dict[int, dict[str, float]]] = {}

    @model_validator(mode="after")
    def _non_negative(self) -> "TargetsConfig":
        for year_targets in [*self.default.values(), *(t for a in self.areas.values() for t in a.values())]:
            for indicator, value in year_targets.items():
                if value < 0 or not np.isfinite(value):
                    raise ValueError(f"Ziel für {indicator} muss eine Zahl ab 0 sein (Wert: {german_number(value)})")
        return self

    def targets(self, area_id: str) -> Targets:
        """The targets of one area: year -> indicator -> target, defaults overlaid by the area's own."""
        merged: Targets = {year: dict(values) for year, values in self.default.items()}
        for year, values in self.areas.get(area_id, {}).items():
            merged.setdefault(year, {}).update(values)
        return merged


def load_targets(kernprozess: KernprozessConfig, area_ids: list[str],
                 parameters_dir: str | Path | None = None) -> TargetsConfig:
    """Read and check ``targets.yml``: known indicators (of kernprozess.yml) and known areas; errors name
    the line and key."""
    path = default_parameters_dir(parameters_dir) / "targets.yml"
    config = parse_model(path, TargetsConfig)
    _, node = load_yaml(path)
    known = {spec.id for spec in kernprozess.indicators}
    units = {spec.id: spec.unit for spec in kernprozess.indicators}
    problems = []
    for year, values in config.default.items():
        problems += [problem_at(path, node, ("default", year, name), f"unbekannter Kernprozessindikator '{name}' "
                                                                       f"(siehe kernprozess.yml)")
                     for name in values if name not in known]
        problems += [problem_at(path, node, ("default", year, name), reason) for name, value in values.items()
                     if (reason := _target_problem(value, units.get(name)))]
    for area_id, years in config.areas.items():
        if area_id not in area_ids:
            problems.append(problem_at(path, node, ("areas", area_id),
                                       f"unbekanntes Gebiet '{area_id}' (gültig: {', '.join(area_ids)})"))
        for year, values in years.items():
            problems += [problem_at(path, node, ("areas", area_id, year, name),
                                    f"unbekannter Kernprozessindikator '{name}'") for name in values if name not in known]
            problems += [problem_at(path, node, ("areas", area_id, year, name), reason)
                         for name, value in values.items() if (reason := _target_problem(value, units.get(name)))]
    if problems:
        raise DataValidationError(problems)
    return config


_TARGET_LIMITS = {"Prozent": (100, " %", "ein Anteil kann nicht höher sein"),
                  "Anzahl": (MAX_COUNT, "", "mehr, als in jeder deutschen Stadt Menschen leben"),
                  "Personen": (MAX_COUNT, "", "mehr, als in jeder deutschen Stadt Menschen leben"),
                  "EUR": (MAX_EUROS, " EUR", "mehr als ein Fünftel des Jahreshaushalts einer Millionenstadt")}
"""Largest target per unit of a Kernprozessindikator: its value, the unit as printed, and why (German)."""


def _target_problem(value: float, unit: str | None) -> str | None:
    """Why a target is beyond what its indicator can reach (German), or None (unknown indicators: None)."""
    if unit not in _TARGET_LIMITS:
        return None
    limit, shown, why = _TARGET_LIMITS[unit]
    if value > limit:
        return f"Ziel {german_number(value)}{shown} liegt über {german_number(limit)}{shown}: {why}"
    return None


def attainment(actual: float, target: float, direction: str) -> float:
    """Attainment of a target in percent (NaN without an actual value or with a target of 0 where more is better)."""
    if not np.isfinite(actual) or not np.isfinite(target):
        return np.nan
    if direction == "lower_is_better":
        if actual <= target:
            return 100.0
        return 100.0 * target / actual
    return 100.0 * actual / target if target > 0 else np.nan


def light(value: float, thresholds: Thresholds) -> str:
    """Traffic-light state of an attainment: reached, partly, missed, or none without a value."""
    if not np.isfinite(value):
        return "none"
    if value >= thresholds.reached:
        return "reached"
    return "partly" if value >= thresholds.partly else "missed"


def controlling_table(values: pd.DataFrame, targets: TargetsConfig, kernprozess: KernprozessConfig,
                      area_ids: list[str] | None = None, years: list[int] | None = None) -> pd.DataFrame:
    """Target vs actual for every agreed (area, year, indicator).

    ``values`` is :func:`veedel_lib.kernprozess.indicators.compute_indicators` output. Columns: area_id, year,
    indicator, label, process, unit, direction, threshold (publish threshold of the values), target,
    actual, attainment (%), light (state key), symbol, verdict. Years without documentation have no
    actual value ("keine Angabe"), never a silent zero.
    """
    labels = indicator_labels(kernprozess).set_index("indicator")
    actual = values.set_index(["area_id", "year", "indicator"])["value"]
    documented_years = set(values["year"])
    rows = []
    for area_id in area_ids or sorted(values["area_id"].unique()):
        for year, agreed in sorted(targets.targets(area_id).items()):
            if years is not None and year not in years:
                continue
            for indicator, target in agreed.items():
                info = labels.loc[indicator]
                value = float(actual.get((area_id, year, indicator), np.nan)) if year in documented_years else np.nan
                score = attainment(value, target, info["direction"])
                state = light(score, targets.thresholds)
                rows.append({"area_id": area_id, "year": int(year), "indicator": indicator, "label": info["label"],
                             "process": info["process"], "unit": info["unit"], "direction": info["direction"],
                             "threshold": int(info["threshold"]), "target": float(target), "actual": value,
                             "attainment": score, "light": state, "symbol": LIGHTS[state][0],
                             "verdict": LIGHTS[state][1]})
    columns = ["area_id", "year", "indicator", "label", "process", "unit", "direction", "threshold", "target",
               "actual", "attainment", "light", "symbol", "verdict"]
    return pd.DataFrame(rows, columns=columns)

