"""The one list of reports. Run planning, the floor, the portal's titles and the notebook checks read it.

Adding a report = one notebook in ``notebooks/``, one module here in ``reports/`` with its content class
(a :class:`~veedel_lib.reports.base.ReportContent`), and one line in :data:`REPORTS`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..errors import ConfigurationError
from .base import ReportContent
from .bezirksbericht import BezirkReport
from .evaluation import Evaluation
from .jahresbericht import ProgrammeReport
from .meilensteinbericht import MilestoneReport
from .programmevaluation import ProgrammeEvaluation
from .sozialindex import SozialindexReport
from .sozialraumgebietsanalyse import AreaAnalysis
from .sozialraumgebietsplan import AreaPlan
from .themenbewertung import ThemeAssessment

REPORTS: tuple[type[ReportContent], ...] = (
    AreaAnalysis,
    Evaluation,
    BezirkReport,
    ProgrammeReport,
    SozialindexReport,
    ThemeAssessment,
    AreaPlan,
    MilestoneReport,
    ProgrammeEvaluation,
)
"""Every report, in the order a run lists them (per-area reports first, then per Stadtbezirk, then programme)."""

BY_NOTEBOOK: dict[str, type[ReportContent]] = {cls.notebook: cls for cls in REPORTS}


def get(notebook: str) -> type[ReportContent]:
    """The content class of a notebook (name with or without ``.ipynb``); a German error lists the reports."""
    name = notebook.removesuffix(".ipynb")
    if name not in BY_NOTEBOOK:
        raise ConfigurationError(f"Bericht '{name}' gibt es nicht (vorhanden: {', '.join(sorted(BY_NOTEBOOK))}).")
    return BY_NOTEBOOK[name]


def default_notebooks() -> list[str]:
    """The reports of a plain ``veedel run``: every report that is not on demand."""
    return [cls.notebook for cls in REPORTS if not cls.on_demand]


def no_areas_note(area) -> str:
    """The run's note when areas.yml lists no area, in the city's word for its areas (``area``: the profile's
    :class:`~veedel_lib.params.reference.Noun`): "Kein Sozialraumgebiet konfiguriert (areas.yml: areas: []): ..."."""
    phrase = area.phrase("no")
    return (f"{phrase[:1].upper()}{phrase[1:]} konfiguriert (areas.yml: areas: []): der Lauf macht nur die "
            "Berichte, die kein Gebiet brauchen.")


def without_areas(names: list[str], area_ids: list[str], area) -> tuple[list[str], list[str]]:
    """The reports a run keeps when it has the areas ``area_ids``, and its notes (German) on the others.

    With areas, every report is kept and there is no note. Without any (``areas: []``), only the reports that need
    no area (``needs_areas`` False: the Sozialindex) are kept; the note says that no area is configured and each
    report left out is named with its reason, so it is skipped rather than failed. ``area``: the city's word for its
    areas (the profile's :class:`~veedel_lib.params.reference.Noun`), with which the notes name them.
    """
    if area_ids:
        return list(names), []
    needing = [n for n in names if get(n).needs_areas]
    notes = [no_areas_note(area)] + [f"{get(n).report} übersprungen: braucht mindestens {area.phrase('a')}"
                                     for n in needing]
    return [n for n in names if n not in needing], notes


def title_of(notebook: str) -> str:
    """The report's title for lists and links ("Sozialraumgebietsanalyse"); the name itself if unknown."""
    cls = BY_NOTEBOOK.get(notebook)
    return cls.report if cls is not None else notebook


def shown_sections(path: str | Path, variable: str) -> list[str]:
    """The sections a notebook shows, in order: ``report.show(<variable>.<section>(...))`` in its code cells."""
    import nbformat  # here, not on import: the runner needs the registry, not the notebooks' cells

    sections = []
    for cell in nbformat.read(str(path), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "show"
                    and node.args and isinstance(node.args[0], ast.Call)
                    and isinstance(node.args[0].func, ast.Attribute)
                    and isinstance(node.args[0].func.value, ast.Name) and node.args[0].func.value.id == variable):
                sections.append(node.args[0].func.attr)
    return sections
