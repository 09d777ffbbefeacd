"""Run configuration (``parameters/run.yml``) and the location of the project's parameter files.

The run configuration holds what a planner changes between runs without touching code: the data
source, the report year, the evaluation baseline, which notebooks run, output formats and the
thresholds that decide when a difference to the city counts as a Handlungsbedarf.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ConfigurationError
from .yamlfiles import parse_model

DEMO = "demo"
"""The value of ``data_dir`` that selects the embedded, deterministic demo data."""

OutputFormat = Literal["html", "pdf"]
FORMATS: tuple[str, ...] = get_args(OutputFormat)
"""The output formats a run can write (besides the executed notebooks and the tables)."""


class HandlungsbedarfRule(BaseModel):
    """When an area's value is flagged: worse than the city by at least these ratios, and significant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    elevated_ratio: float = Field(1.25, gt=1)
    """Area value / city value (inverted for "higher is better") from which a need is "erhöht"."""
    high_ratio: float = Field(1.5, gt=1)
    """Ratio from which a need is "deutlich erhöht"."""
    significance: float = Field(0.05, gt=0, lt=1)
    """The difference to the rest of the city must be significant at this level."""


class EvaluationSettings(BaseModel):
    """How the evaluation estimates each area's development against the rest of the city."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: list[str] = []
    """Indicators evaluated; empty means all non-neutral ones with yearly data."""
    placebo_draws: int = Field(400, ge=100, le=5000)
    """Placebo areas per estimate for the randomisation interval."""
    small_count_limit: int = Field(200, ge=0)
    """Mean yearly count in the area below which the count model (Poisson) is shown as well."""


class SmoothingSettings(BaseModel):
    """Empirical-Bayes smoothing of small units' rates in maps and position charts (analysis/smoothing.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prior: Literal["city", "bezirk"] = "city"
    """Towards which rate a small unit's rate is pulled: the city's or its Bezirk's (top level of raumbezug.yml)."""
    min_denominator: int = Field(1000, ge=0)
    """Units whose denominator (e.g. residents aged 15-64) is below this are shown smoothed; 0: none."""
    cv_threshold: float = Field(0.3, gt=0)
    """Coefficient of variation of the raw rate (1/sqrt(cases)) above which a value is flagged unreliable."""


class AnalysisSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    confidence_level: float = Field(0.95, gt=0.5, lt=1)
    trend_start_year: int | None = None
    """First year of trend figures; None means the first year in the data."""
    key_indicators: list[str] = []
    """Indicators shown in trend figures and the Stadtteil ranking; empty means all non-neutral ones."""
    handlungsbedarf: HandlungsbedarfRule = HandlungsbedarfRule()
    evaluation: EvaluationSettings = EvaluationSettings()
    smoothing: SmoothingSettings = SmoothingSettings()
    """Smoothed rates of small Stadtteile in maps and position charts; tables keep the raw rates."""
    area_definition_year: int | None = None
    """The year whose area definitions (Gebietszuschnitte, ``valid_from``/``valid_to`` in areas.yml) every report
    uses for all its years; None: the current (newest) definition of each area."""


class RunConfig(BaseModel):
    """Everything a ``veedel run`` needs besides the command line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    executor: Literal["local", "dask"] = "local"
    """Where the reports run: worker processes on this computer, or the workers of a Dask cluster."""
    scheduler: str | None = None
    """Address of the Dask scheduler (``tcp://host:8786``) for ``executor: dask``."""
    """Parallel worker processes; None means one per core."""
    analysis: AnalysisSettings = AnalysisSettings()
    previous_run: str | None = None
    """The previous year's run (run folder or archive, relative to the current directory or absolute): the
    Jahresbericht then gets the section "Änderungen gegenüber dem Vorjahresbericht". None: no such section."""
    public_key: str | None = None
    """The city's public key for its signed archives (``veedel schluessel``): a ``.pub`` file, relative to the
    parameters folder or absolute. The portal publishes it next to ``index.html`` with its fingerprint."""

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


PROJECT_MARKER = Path("parameters") / "areas.yml"
"""The file that marks a folder as a veedel project: its parameters hold the 15 areas."""

HOME_VARIABLE = "VEEDEL_HOME"
"""Environment variable naming the project folder (the one that contains ``parameters/``)."""


@cache
def _editable_source() -> Path | None:
    """The folder the package was installed from in editable mode (``pip install -e``), else None.

    Read from the installed distribution's ``direct_url.json`` (PEP 610), the record pip keeps of where
    an editable install points; a regular install has no such folder. Every distribution named veedel on
    the path is asked, because the build leaves a ``veedel.egg-info`` without that record in the repository
    itself, which comes first on the path when Python runs there. Asked once per process: an installation does
    not move while Python runs, and the search through the installed distributions costs a millisecond.
    """
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    for distribution in metadata.distributions(name="veedel"):
        record = distribution.read_text("direct_url.json")
        if not record:
            continue
        info = json.loads(record)
        url = urlparse(info.get("url", ""))
        if info.get("dir_info", {}).get("editable") and url.scheme == "file":
            return Path(unquote(url.path))
    return None


def find_project_root() -> Path | None:
    """The project folder, or None if there is none to be found.

    In this order: ``VEEDEL_HOME`` if set (even if it holds no parameters: an explicit setting is never
    passed over silently); else the repository veedel was installed from in editable mode, if it holds
    ``parameters/areas.yml``; else the current directory or the nearest parent that holds it. So a
    notebook finds the project's parameters whether it runs in ``notebooks/``, at the repository root or
    in any folder papermill's ``--cwd`` names.
    """
    home = os.environ.get(HOME_VARIABLE)
    if home:
        return Path(home).expanduser()
    source = _editable_source()
    if source is not None and (source / PROJECT_MARKER).is_file():
        return source
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if (folder / PROJECT_MARKER).is_file()), None)


def project_root() -> Path:
    """The project folder (see :func:`find_project_root`); the current directory if none is found.

    Used for defaults that may live anywhere (the ``outputs/`` folder); the parameters themselves are
    found by :func:`parameters_dir`, which says in German what is missing instead of guessing.
    """
    return find_project_root() or Path.cwd()


def parameters_dir(path: str | Path | None = None) -> Path:
    """The parameters folder: the given path, or for "" / None the project's ``parameters/``.

    Raises :class:`ConfigurationError` (German) when the project's parameters cannot be found, naming
    where it looked and how to point veedel at them.
    """
    if path:
        return Path(path)
    root = find_project_root()
    if root is not None and (root / PROJECT_MARKER).is_file():
        return root / "parameters"
    if os.environ.get(HOME_VARIABLE):
        raise ConfigurationError(
            f"Parameterordner nicht gefunden: {HOME_VARIABLE}={os.environ[HOME_VARIABLE]} enthält keine Datei "
            f"{PROJECT_MARKER.as_posix()}. Bitte {HOME_VARIABLE} auf den Projektordner von veedel setzen (den Ordner "
            "mit parameters/ und notebooks/) oder den Parameterordner ausdrücklich angeben (parameters_dir in der "
            "Parameterzelle des Notebooks, papermill -p parameters_dir /pfad/zu/parameters, veedel --parameters).")
    raise ConfigurationError(
        f"Parameterordner nicht gefunden: weder im Installationsordner von veedel noch in {Path.cwd()} oder "
        f"einem übergeordneten Ordner gibt es {PROJECT_MARKER.as_posix()}. Bitte den Parameterordner angeben "
        "(parameters_dir in der Parameterzelle des Notebooks, papermill -p parameters_dir /pfad/zu/parameters, "
        f"veedel --parameters) oder die Umgebungsvariable {HOME_VARIABLE} auf den Projektordner setzen.")


def load_run_config(path: str | Path | None = None) -> RunConfig:
    """Read ``run.yml`` (default: ``parameters/run.yml``); a missing default file gives the defaults."""
    if path is None:
        default = parameters_dir() / "run.yml"
        return parse_model(default, RunConfig) if default.exists() else RunConfig()
    return parse_model(path, RunConfig)
