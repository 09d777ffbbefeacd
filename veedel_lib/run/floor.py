"""The content of every report computed in one plain Python process, without notebooks (benchmark floor).

Each report notebook shows a sequence of sections of one content class. :data:`REPORTS` lists them;
:func:`compute_all` builds every block of every report of a run and renders tables to HTML and figures
to SVG exactly as the notebooks do, but without kernels, notebook files, HTML documents or PDF. This is
the lower bound that ``make bench`` compares ``veedel run`` with, and a quick way to check all content.
A test checks that the notebooks call the same sections in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..inputs.dataset import Dataset
from ..params.run_config import RunConfig
from ..render.report import Report


@dataclass(frozen=True)
class ReportContent:
    """How a notebook builds its content: the opener of its content object and the sections it shows."""

    scope: str  # "area" or "programme"
    opener: Callable
    sections: tuple[str, ...]
    variable: str  # the notebook's name for the content object, e.g. "analysis"


def _area_analysis(ds: Dataset, area_id: str | None, year: int, config: RunConfig):
    from ..reports.sozialraumgebietsanalyse import AreaAnalysis

    return AreaAnalysis.open(area_id, year=year, dataset=ds)


def _programme(ds: Dataset, area_id: str | None, year: int, config: RunConfig):
    from ..reports.jahresbericht import ProgrammeReport

    return ProgrammeReport.open(year, dataset=ds, baseline_year=config.baseline_year)


def _evaluation(ds: Dataset, area_id: str | None, year: int, config: RunConfig):
    from ..reports.evaluation import Evaluation

    return Evaluation.open(area_id, year=year, baseline_year=config.baseline_year, dataset=ds)


def _sozialindex(ds: Dataset, area_id: str | None, year: int, config: RunConfig):
    from ..reports.sozialindex import SozialindexReport

    return SozialindexReport.open(year, dataset=ds)


def _themenbewertung(ds: Dataset, area_id: str | None, year: int, config: RunConfig):
    from ..reports.themenbewertung import ThemeAssessment

    return ThemeAssessment.open(area_id or ds.areas.ids[0], year=year, dataset=ds)


REPORTS: dict[str, ReportContent] = {
    "sozialraumgebietsanalyse": ReportContent(
        "area", _area_analysis,
        ("profile", "age_structure", "social_situation", "context", "trends", "stadtteil_position", "needs",
         "qualitative", "method_notes"), "analysis"),
    "evaluation": ReportContent(
        "area", _evaluation, ("overview", "development", "goal_attainment", "kernprozess_indicators", "controlling",
                              "method_notes"), "evaluation"),
    "jahresbericht": ReportContent(
        "programme", _programme, ("published_figures", "areas_side_by_side", "development", "kernprozesse",
                                  "controlling", "themes_by_field", "method_notes"),
        "programme"),
    "sozialindex": ReportContent(
        "programme", _sozialindex, ("method", "status_dynamics", "class_table", "areas", "method_notes"), "index"),
    # run on demand by planners (one theme, one area), not by every "veedel run"
    "themenbewertung": ReportContent(
        "area", _themenbewertung, ("verdict", "indicator_table", "development"), "assessment"),
}


class _SilentReport(Report):
    """Renders every block to HTML/SVG like a notebook would, without a notebook to display it in."""

    def __init__(self) -> None:
        super().__init__(None)
        self.characters = 0

    def _display_html(self, markup: str) -> None:
        self.characters += len(markup)

    def _display_markdown(self, markdown: str) -> None:
        self.characters += len(markdown)

    def title(self, info: dict) -> None:
        self.characters += len(str(info))


def compute_report(ds: Dataset, notebook: str, area_id: str | None, year: int, config: RunConfig) -> int:
    """Build and render all sections of one report; returns the size of the rendered output (characters)."""
    content = REPORTS[notebook]
    subject = content.opener(ds, area_id, year, config)
    report = _SilentReport()
    report.title(subject.title())
    for section in content.sections:
        report.show(getattr(subject, section)())
    return report.characters


def compute_all(ds: Dataset, config: RunConfig, year: int, areas: list[str] | None = None) -> dict[str, int]:
    """Every report of a run (area notebooks for each area, programme notebooks once), rendered in memory."""
    sizes = {}
    for area_id in areas or ds.areas.ids:
        for notebook in config.area_notebooks:
            sizes[f"{area_id}/{notebook}"] = compute_report(ds, notebook, area_id, year, config)
    for notebook in config.programme_notebooks:
        sizes[f"programm/{notebook}"] = compute_report(ds, notebook, None, year, config)
    return sizes
