"""The report API of earlier versions, for notebooks in archives made before the rooms (``veedel reproduce``).

Archived runs carry their own notebooks, and those import ``veedel_lib.area_report`` and friends and open
the programme-wide reports with the year as first argument. ``veedel_lib`` maps the old module names onto
this module (see ``veedel_lib/__init__.py``), whose classes translate the old ``open`` signatures into the
shared one, so an old archive reproduces with the current library. New notebooks never import it.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.dataset import Dataset
from ..params.run_config import DEMO
from ..render.report import Report
from .evaluation import Evaluation
from .jahresbericht import ProgrammeReport as _ProgrammeReport
from .sozialindex import SozialindexReport as _SozialindexReport
from .sozialraumgebietsanalyse import AreaAnalysis
from .themenbewertung import ThemeAssessment as _ThemeAssessment

__all__ = ["AreaAnalysis", "Evaluation", "ProgrammeReport", "Report", "SozialindexReport", "ThemeAssessment"]


class ProgrammeReport(_ProgrammeReport):
    """``ProgrammeReport.open(year, data_dir, parameters_dir, dataset, baseline_year)`` of version 0.1."""

    @classmethod
    def open(cls, year: int | None = None, data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
             dataset: Dataset | None = None, baseline_year: int | None = None) -> ProgrammeReport:
        return super().open(None, year=year, baseline_year=baseline_year, data_dir=data_dir,
                            parameters_dir=parameters_dir, dataset=dataset)


class SozialindexReport(_SozialindexReport):
    """``SozialindexReport.open(year, data_dir, parameters_dir, dataset, method)`` of version 0.1."""

    @classmethod
    def open(cls, year: int | None = None, data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
             dataset: Dataset | None = None, method: str | None = None) -> SozialindexReport:
        return super().open(None, year=year, data_dir=data_dir, parameters_dir=parameters_dir, dataset=dataset,
                            method=method)


class ThemeAssessment(_ThemeAssessment):
    """``ThemeAssessment.open(area_id, theme, indicators, year, ...)`` of version 0.1."""

    @classmethod
    def open(cls, area_id: str | None = None, theme: str | None = None, indicators: list[str] | None = None,
             year: int | None = None, data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
             dataset: Dataset | None = None, **options) -> ThemeAssessment:
        if theme is not None:
            options["theme"] = theme
        return super().open(area_id, year=year, data_dir=data_dir, parameters_dir=parameters_dir, dataset=dataset,
                            indicators=indicators, **options)
