"""Run configuration (``parameters/run.yml``) and the location of the project's parameter files.

The run configuration holds what a planner changes between runs without touching code: the data
source, the report year, the evaluation baseline, which notebooks run, output formats and the
thresholds that decide when a difference to the city counts as a Handlungsbedarf.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .yamlfiles import parse_model

DEMO = "demo"
"""The value of ``data_dir`` that selects the embedded, deterministic demo data."""

OutputFormat = Literal["html", "pdf"]
FORMATS: tuple[str, ...] = get_args(OutputFormat)
"""The output formats a run can write (besides the executed notebooks and the tables)."""


class HandlungsbedarfRule(BaseModel):
    """When an area's value is flagged: worse than the city by at least these ratios, and significant."""

    model_config = ConfigDict(extra="forbid")

    elevated_ratio: float = Field(1.25, gt=1)
    """Area value / city value (inverted for "higher is better") from which a need is "erhöht"."""
    high_ratio: float = Field(1.5, gt=1)
    """Ratio from which a need is "deutlich erhöht"."""
    significance: float = Field(0.05, gt=0, lt=1)
    """The difference to the rest of the city must be significant at this level."""


class EvaluationSettings(BaseModel):
    """How the evaluation estimates each area's development against the rest of the city."""

    model_config = ConfigDict(extra="forbid")

    indicators: list[str] = []
    """Indicators evaluated; empty means all non-neutral ones with yearly data."""
    placebo_draws: int = Field(400, ge=100, le=5000)
    """Placebo areas per estimate for the randomisation interval."""
    small_count_limit: int = Field(200, ge=0)
    """Mean yearly count in the area below which the count model (Poisson) is shown as well."""


class AnalysisSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confidence_level: float = Field(0.95, gt=0.5, lt=1)
    trend_start_year: int | None = None
    """First year of trend figures; None means the first year in the data."""
    key_indicators: list[str] = []
    """Indicators shown in trend figures and the Stadtteil ranking; empty means all non-neutral ones."""
    handlungsbedarf: HandlungsbedarfRule = HandlungsbedarfRule()
    evaluation: EvaluationSettings = EvaluationSettings()


class RunConfig(BaseModel):
    """Everything a ``veedel run`` needs besides the command line."""

    model_config = ConfigDict(extra="forbid")

    data_dir: str = DEMO
    source: Literal["standard", "koeln"] = "standard"
    year: int | None = None
    """Report year; None means the latest year in the data."""
    baseline_year: int = 2020
    reports: list[str] | None = None
    """Notebooks (reports) of a run; None = every report that is not on demand. Each report's scope (per
    area, per Stadtbezirk, once) comes from the report registry, not from here."""
    formats: list[OutputFormat] = ["html", "pdf"]
    jobs: int | None = Field(None, ge=1)
    """Parallel worker processes; None means one per core."""
    analysis: AnalysisSettings = AnalysisSettings()

    @model_validator(mode="before")
    @classmethod
    def _legacy_notebook_lists(cls, data: object) -> object:
        """Accept the lists of earlier versions (``area_notebooks``, ``programme_notebooks``) as ``reports``:
        archived runs keep their run.yml."""
        if isinstance(data, dict) and ("area_notebooks" in data or "programme_notebooks" in data):
            data = dict(data)
            legacy = list(data.pop("area_notebooks", None) or []) + list(data.pop("programme_notebooks", None) or [])
            data.setdefault("reports", legacy)
        return data


def project_root() -> Path:
    """The repository root: ``VEEDEL_HOME`` if set, else the folder above this package."""
    env = os.environ.get("VEEDEL_HOME")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def parameters_dir(path: str | Path | None = None) -> Path:
    """The parameters folder: the given path, or ``<project root>/parameters``."""
    return Path(path) if path else project_root() / "parameters"


def load_run_config(path: str | Path | None = None) -> RunConfig:
    """Read ``run.yml`` (default: ``parameters/run.yml``); a missing default file gives the defaults."""
    if path is None:
        default = parameters_dir() / "run.yml"
        return parse_model(default, RunConfig) if default.exists() else RunConfig()
    return parse_model(path, RunConfig)
