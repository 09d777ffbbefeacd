"""Development over the years: an area's series next to the city's, and linear trends of the gap.

The trend of the *gap* (area minus city) answers the planners' question "is the area catching up?".
It is a straight line fitted by OLS over the yearly values, with Newey-West (HAC) standard errors
because consecutive years are not independent. With about a dozen points the line describes the
direction; it is not a forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator
from .indicators import CITY, area_groups, indicator_series

MIN_YEARS_FOR_TREND = 4

TREND_COLUMNS = ("indicator", "label", "direction", "unit", "first_year", "last_year", "area_first", "area_last",
                 "city_first", "city_last", "area_change", "city_change", "gap_first", "gap_last", "gap_slope",
                 "gap_slope_ci_low", "gap_slope_ci_high", "gap_slope_p")
"""Columns of :func:`trend_table`, also when no indicator has a single year with both values."""


def area_series(ds: Dataset, area_id: str, indicators: list[Indicator], years: list[int] | None = None,
                level: float = 0.95) -> pd.DataFrame:
    """Yearly values of the area and the city for the given indicators (long table, one row per year)."""
    area = ds.areas.get(area_id)
    groups = area_groups(ds, [area.id])
    series = indicator_series(ds, groups, indicators, years, level)
    series["role"] = np.where(series["group"] == CITY, "city", "area")
    return series


def linear_trend(years: np.ndarray, values: np.ndarray, level: float = 0.95) -> dict:
    """OLS slope per year with a HAC interval; NaN entries are ignored. Returns slope, ci_low, ci_high, p_value."""
    mask = np.isfinite(values)
    if mask.sum() < MIN_YEARS_FOR_TREND:
        return {"slope": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    # statsmodels and scipy.stats take a second to import: only where used, and only the modules used (not
    # statsmodels.api, which also imports its datasets, formulas and graphics: a third of a second more)
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    x = add_constant(years[mask].astype(float) - years[mask].min())
    fit = OLS(values[mask], x).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
    low, high = fit.conf_int(alpha=1 - level)[1]
    return {"slope": float(fit.params[1]), "ci_low": float(low), "ci_high": float(high),
            "p_value": float(fit.pvalues[1])}


def trend_table(series: pd.DataFrame, indicators: list[Indicator], level: float = 0.95) -> pd.DataFrame:
    """Per indicator: first and last year, area and city values then and now, change of the gap, gap trend.

    Indicators without a (published) value of the area are left out; with none at all the table is empty but
    keeps its columns (a tiny area whose every value is withheld).
    """
    rows = []
    for indicator in indicators:
        data = series[series["indicator"] == indicator.id]
        wide = data.pivot(index="year", columns="role", values="value").dropna()
        if wide.empty or not {"area", "city"} <= set(wide.columns):
            continue
        gap = wide["area"] - wide["city"]
        trend = linear_trend(wide.index.to_numpy(), gap.to_numpy(), level)
        first, last = wide.index.min(), wide.index.max()
        rows.append({
            "indicator": indicator.id,
            "label": indicator.name,
            "direction": indicator.direction,
            "unit": indicator.unit,
            "first_year": int(first),
            "last_year": int(last),
            "area_first": wide.at[first, "area"],
            "area_last": wide.at[last, "area"],
            "city_first": wide.at[first, "city"],
            "city_last": wide.at[last, "city"],
            "area_change": wide.at[last, "area"] - wide.at[first, "area"],
            "city_change": wide.at[last, "city"] - wide.at[first, "city"],
            "gap_first": gap.loc[first],
            "gap_last": gap.loc[last],
            "gap_slope": trend["slope"],
            "gap_slope_ci_low": trend["ci_low"],
            "gap_slope_ci_high": trend["ci_high"],
            "gap_slope_p": trend["p_value"],
        })
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS))
