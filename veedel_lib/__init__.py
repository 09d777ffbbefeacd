"""veedel_lib: analysis and reporting for the Cologne programme "Lebenswerte Veedel".

Rooms by pipeline stage, data flowing one way (no room imports a later one; a test checks it):
params -> inputs -> kernprozess -> analysis -> demo -> render -> reports -> publish -> run -> cli.
See docs/architektur.md for what lives where and why.

The public API is flat: ``from veedel_lib import AreaAnalysis, Report, load_dataset`` (the names of
:data:`__all__`). They are looked up when first used (PEP 562), so ``import veedel_lib`` stays light and every
room can import its neighbours without loading the reports.

Examples
--------
>>> import veedel_lib
>>> veedel_lib.Report.__name__
'Report'
>>> "Evaluation" in dir(veedel_lib)
True
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

PUBLIC: dict[str, str | tuple[str, str]] = {
    # the report contents, one per notebook (the registry lists them: veedel_lib.reports.registry)
    "AreaAnalysis": "veedel_lib.reports.sozialraumgebietsanalyse",
    "AreaPlan": "veedel_lib.reports.sozialraumgebietsplan",
    "BezirkReport": "veedel_lib.reports.bezirksbericht",
    "Evaluation": "veedel_lib.reports.evaluation",
    "MilestoneReport": "veedel_lib.reports.meilensteinbericht",
    "ProgrammeEvaluation": "veedel_lib.reports.programmevaluation",
    "ProgrammeReport": "veedel_lib.reports.jahresbericht",
    "SozialindexReport": "veedel_lib.reports.sozialindex",
    "ThemeAssessment": "veedel_lib.reports.themenbewertung",
    # showing blocks in a notebook and writing their tables
    "Report": "veedel_lib.render.report",
    # the main functions
    "load_dataset": "veedel_lib.inputs.dataset",
    "load_run_config": "veedel_lib.params.run_config",
    "start_run": ("veedel_lib.run.runner", "run"),  # "run" is the name of the room
    "create_archive": "veedel_lib.run.archive",
    "verify": "veedel_lib.run.archive",
    "reproduce": "veedel_lib.run.archive",
    "export_html": "veedel_lib.publish.html",
    "changes_since": "veedel_lib.run.previous",
}
"""Each public name and the module that defines it (with the name there, where it differs)."""

__all__ = sorted(PUBLIC)


def __getattr__(name: str):
    """A public name, imported from its module on first use."""
    if name in PUBLIC:
        module, attribute = PUBLIC[name] if isinstance(PUBLIC[name], tuple) else (PUBLIC[name], name)
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(PUBLIC))
