"""Which report for which place: the expansion of a run specification, once for the runner and the floor.

A run specification (:class:`~veedel_lib.params.run_spec.RunSpec`) names the reports and the places of a run; each
report class declares its scope (:mod:`veedel_lib.reports.registry`). :func:`planned` pairs them: every per-area
report for each area, every per-Bezirk report for each Stadtbezirk that holds one of the run's areas, every
programme-wide report once. ``veedel run`` turns the pairs into tasks (:func:`veedel_lib.run.runner.plan`), the
benchmark floor computes them in process (:func:`veedel_lib.run.floor.compute_all`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..params.run_config import RunConfig
from ..params.run_spec import Data, Place, ReportKind, RunOptions, RunSpec, report_id, resolve_run
from ..reports import registry
from ..reports.base import ReportContent

def run_reports(config: RunConfig) -> list[type[ReportContent]]:
    """The report classes a run executes: ``reports`` of the configuration, else every report not on demand.

    An empty list is a run without reports (every report skipped, e.g. the evaluation without a baseline),
    not the default list.
    """
    names = config.reports if config.reports is not None else registry.default_notebooks()
    return [registry.get(name) for name in names]


def _placed(data: Data):
    """The rule for ``resolve_run``'s ``keep``: the reports without those that need an area when the run has none,
    with the notes saying so in the city's word for its areas (:func:`veedel_lib.reports.registry.without_areas`)."""
    def keep(reports: list[ReportKind], area_ids: list[str]) -> tuple[list[ReportKind], list[str]]:
        names, notes = registry.without_areas([cls.notebook for cls in reports], area_ids,
                                              data.spatial.profile.area)
        return [registry.get(name) for name in names], notes

    return keep


def resolve(config: RunConfig, data: Data, options: RunOptions, *, parameters: Path,
            data_folder: Path | None = None) -> RunSpec:
    """The specification of a whole run, as ``veedel run`` (and ``analyse``, ``reproduce``) and the floor resolve
    it: :func:`~veedel_lib.params.run_spec.resolve_run` with the run's reports (:func:`run_reports`) and the rule
    that a city without areas gets only the reports that need none."""
    return resolve_run(config, options, data, run_reports(config), parameters=parameters, data_folder=data_folder,
                       keep=_placed(data))


SCOPES = ("area", "bezirk", "programme")
"""The order of a plan: per-area reports first, then per Stadtbezirk, then the programme's."""


@dataclass(frozen=True)
class Planned:
    """One report of a run: its content class and its place."""

    report: type[ReportContent]
    place: Place

    @property
    def key(self) -> str:
        """``<place id>/<notebook>``, as the manifest and the progress lines name a report (``bezirk-8/bezirksbericht``)."""
        return report_id(self.place.id, self.report.notebook)


def planned(spec: RunSpec) -> list[Planned]:
    """Every report of the run at every place of its scope: by scope (:data:`SCOPES`), then by place in the
    specification's order, then by report in the order of ``spec.reports``."""
    reports = [registry.get(name) for name in spec.reports]
    return [Planned(cls, place) for scope in SCOPES for place in spec.places_of(scope)
            for cls in reports if cls.scope == scope]
