"""Every chart of the reports, for checks over all of them (each declares every column it draws)."""

from __future__ import annotations

from ..maps import Choropleth
from .base import ChartSpec
from .effects import EventStudyPanels, EventTimePanels, SyntheticControlPanels
from .plans import GoalPaths, MeasureTimeline
from .positions import AgeStructure, AreaHeatmap, PlaceIntervals, RatioDots, StadtteilStrip, StatusDynamicsScatter
from .trends import TrendPanels

CHARTS: tuple[type[ChartSpec], ...] = (
    TrendPanels, AgeStructure, RatioDots, PlaceIntervals, StadtteilStrip, AreaHeatmap, StatusDynamicsScatter,
    EventStudyPanels, EventTimePanels, SyntheticControlPanels, MeasureTimeline, GoalPaths, Choropleth,
)
"""Every chart class; a new chart is added here (the tests draw each from a tiny example)."""
