"""The content of every report computed in one plain Python process, without notebooks (benchmark floor).

Each report notebook shows the sections of one content class (:mod:`veedel_lib.reports.registry`).
:func:`compute_all` builds every block of every report of a run and renders tables to HTML and figures
to SVG exactly as the notebooks do, but without kernels, notebook files, HTML documents or PDF. This is
the lower bound that ``make bench`` compares ``veedel run`` with, and a quick way to check all content.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.dataset import Dataset
from ..params.run_config import RunConfig
from ..render.blocks import ReportTitle, title_html
from ..render.report import Report
from ..reports import registry
from ..reports.base import ReportContent


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
    """The content object of one report, opened as the notebook opens it (with its default options);
    ``parameters``: the parameters folder (None: the project's)."""
    return registry.get(notebook).open(place, year=year, baseline_year=config.baseline_year, dataset=ds,
                                       parameters_dir=parameters)


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


def _render(report: SilentReport, ds: Dataset, notebook: str, area_id: str | None, year: int,
            config: RunConfig, parameters: Path | None = None) -> SilentReport:
    """Build and render every section of one report into ``report``."""
    subject = open_report(ds, notebook, area_id, year, config, parameters)
    report.title(subject.title())
    for section in subject.sections:
        report.show(getattr(subject, section)())
    return report


def compute_report(ds: Dataset, notebook: str, area_id: str | None, year: int, config: RunConfig) -> int:
    """Build and render all sections of one report; returns the size of the rendered output (characters)."""
    return _render(SilentReport(), ds, notebook, area_id, year, config).characters


def rendered_report(ds: Dataset, notebook: str, area_id: str | None, year: int, config: RunConfig,
                    parameters: Path) -> str:
    """The whole rendered content of one report (title page, tables as HTML, figures as SVG) as one text, with
    the parameters of the folder ``parameters``: what the reuse-safety test compares between an incremental and a
    cold computation."""
    return "\n".join(_render(RecordingReport(), ds, notebook, area_id, year, config, parameters).parts)


def compute_all(ds: Dataset, config: RunConfig, year: int, areas: list[str] | None = None) -> dict[str, int]:
    """Every report of a run (per-area reports for each area, the others once), rendered in memory."""
    sizes = {}
    notebooks = [registry.get(n) for n in config.reports or registry.default_notebooks()]
    for area_id in areas or ds.areas.ids:
        for cls in notebooks:
            if cls.scope == "area":
                sizes[f"{area_id}/{cls.notebook}"] = compute_report(ds, cls.notebook, area_id, year, config)
    bezirke = sorted({ds.areas.get(a).stadtbezirk for a in areas or ds.areas.ids})
    for number in bezirke:
        for cls in notebooks:
            if cls.scope == "bezirk":
                sizes[f"bezirk-{number}/{cls.notebook}"] = compute_report(ds, cls.notebook, str(number), year, config)
    for cls in notebooks:
        if cls.scope == "programme":
            sizes[f"programm/{cls.notebook}"] = compute_report(ds, cls.notebook, None, year, config)
    return sizes
