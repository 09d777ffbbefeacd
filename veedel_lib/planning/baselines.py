"""Goal baselines from the data: the area's value of a goal's indicator in its baseline year, with its counts.

Baselines are never typed into a plan workbook: the loader (:mod:`.validation`) takes them from the data with
the counts behind each value and their publish thresholds, so that disclosure control can decide later whether
a baseline may be shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.indicators import indicator_values
from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator

BASELINE_COLUMNS = ("baseline_value", "baseline_numerator", "baseline_denominator", "threshold",
                    "denominator_threshold")
"""What the loader adds to each goal from the data: the baseline value, its counts and their publish thresholds."""


def goal_baselines(ds: Dataset, area_id: str, wanted: set[tuple[str, int]], level: float) -> dict[tuple, pd.Series]:
    """The area's value with its counts (``value``, ``numerator``, ``denominator``) for each (indicator id,
    baseline year) in ``wanted`` whose year has data; a year without data is left out."""
    years = set(ds.years)
    found = {}
    units = ds.unit_ids(area_id)
    for indicator_id, year in sorted(wanted):
        if year not in years:
            continue
        indicator = ds.catalogue.indicator(indicator_id)
        values = indicator_values(ds, year, {area_id: units}, [indicator], level)
        found[(indicator_id, year)] = values.iloc[0]
    return found


def baseline_facts(ds: Dataset, indicator: Indicator | None, found: pd.Series | None) -> dict[str, float]:
    """The :data:`BASELINE_COLUMNS` of one goal: its baseline (NaN where the data have none) and the publish
    thresholds of its indicator's counts (NaN without an indicator)."""
    catalogue = ds.catalogue
    return {"baseline_value": float(found["value"]) if found is not None else np.nan,
            "baseline_numerator": float(found["numerator"]) if found is not None else np.nan,
            "baseline_denominator": float(found["denominator"]) if found is not None else np.nan,
            "threshold": catalogue.threshold(indicator) if indicator else np.nan,
            "denominator_threshold": catalogue.denominator_threshold(indicator) if indicator else np.nan}
