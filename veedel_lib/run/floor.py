"""The content of every report computed in one plain Python process, without notebooks (benchmark floor).

Each report notebook shows the sections of one content class (:mod:`veedel_lib.reports.registry`).
:func:`compute_all` builds every block of every report of a run and renders tables to HTML and figures
to SVG exactly as the notebooks do, but without kernels, notebook files, HTML documents or PDF. This is
the lower bound that ``make bench`` compares ``veedel run`` with, and a quick way to check all content.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.dataset import Dataset
from ..params.run_config import RunConfig, parameters_dir
from ..params.run_spec import RunOptions, RunSpec, resolve_run
from ..render.blocks import ReportTitle, title_html
from ..render.report import Report
from ..reports import registry
from ..reports.base import ReportContent
from .planning import planned, resolve


class SilentReport(Report):
    """Renders every block to HTML/SVG like a notebook would, without a notebook to display it in."""

    def __init__(self) -> None:
        super().__init__(None)
        self.characters = 0

    def _display_html(self, markup: str) -> None:
        self.characters += len(markup)

    def title(self, title: ReportTitle) -> None:
        self.characters += len(title_html(title))


def open_report(ds: Dataset, notebook: str, place: str | None, year: int, config: RunConfig,
                parameters: Path | None = None) -> ReportContent:
    """The content object of one report, opened as a notebook without ``veedel run`` opens it: its run
    specification resolved from ``config`` and the year by :func:`~veedel_lib.params.run_spec.resolve_run`
    (``parameters``: the parameters folder, None: the project's)."""
    cls = registry.get(notebook)
    folder = parameters_dir(parameters)
    spec = resolve_run(config, RunOptions(single=True, place=place, year=year), ds, [cls], parameters=folder)
    return cls.from_spec(spec, place, ds)


class RecordingReport(SilentReport):
    """A :class:`SilentReport` that keeps the rendered markup: a report's whole content as one text."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def _display_html(self, markup: str) -> None:
        super()._display_html(markup)
        self.parts.append(markup)

    def title(self, title: ReportTitle) -> None:
        super().title(title)
        self.parts.append(title_html(title))


def _show(report: SilentReport, subject: ReportContent) -> SilentReport:
    """Render the title and every section of one opened report into ``report``."""
    report.title(subject.title())
    for section in subject.sections:
        report.show(getattr(subject, section)())
    return report


def _render(report: SilentReport, ds: Dataset, notebook: str, area_id: str | None, year: int,
            config: RunConfig, parameters: Path | None = None) -> SilentReport:
    """Build and render every section of one report into ``report``."""
    return _show(report, open_report(ds, notebook, area_id, year, config, parameters))


def compute_report(ds: Dataset, notebook: str, area_id: str | None, year: int, config: RunConfig) -> int:
    """Build and render all sections of one report; returns the size of the rendered output (characters)."""
    return _render(SilentReport(), ds, notebook, area_id, year, config).characters


def rendered_report(ds: Dataset, notebook: str, area_id: str | None, year: int, config: RunConfig,
                    parameters: Path) -> str:
    """The whole rendered content of one report (title page, tables as HTML, figures as SVG) as one text, with
    the parameters of the folder ``parameters``: what the reuse-safety test compares between an incremental and a
    cold computation."""
    return "\n".join(_render(RecordingReport(), ds, notebook, area_id, year, config, parameters).parts)


def run_spec(ds: Dataset, config: RunConfig, year: int, areas: list[str] | None = None,
             parameters: Path | None = None) -> RunSpec:
    """The specification of a whole run on ``ds``, resolved as ``veedel run`` resolves it (every area, or ``areas``)."""
    options = RunOptions(year=year, areas=tuple(areas) if areas else None)
    return resolve(config, ds, options, parameters=parameters_dir(parameters))


def compute_all(ds: Dataset, config: RunConfig, year: int, areas: list[str] | None = None) -> dict[str, int]:
    """Every report of a run (as :func:`veedel_lib.run.planning.planned` expands it), rendered in memory; the
    sizes by ``<place id>/<notebook>``."""
    spec = run_spec(ds, config, year, areas)
    sizes = {}
    for item in planned(spec):
        subject = item.report.from_spec(spec, item.place.key, ds)
        sizes[item.key] = _show(SilentReport(), subject).characters
    return sizes
