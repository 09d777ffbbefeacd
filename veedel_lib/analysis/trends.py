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
    """Yearly values of the area and the city for the given indicators (long table, one row per year).

    Parameters
    ----------
    ds : Dataset
        The validated data.
    area_id : str
        The Sozialraumgebiet (id or name).
    indicators : list of Indicator
        The indicators.
    years : list of int, optional
        Report years; all years of the data when None.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~veedel_lib.analysis.indicators.indicator_series` and ``role`` ("area" or
        "city"), the input of :func:`trend_table`.
    """
    area = ds.areas.get(area_id)
    groups = area_groups(ds, [area.id])
    series = indicator_series(ds, groups, indicators, years, level)
    series["role"] = np.where(series["group"] == CITY, "city", "area")
    return series


def linear_trend(years: np.ndarray, values: np.ndarray, level: float = 0.95) -> dict:
    """OLS slope per year with a HAC interval; NaN entries are ignored. Returns slope, ci_low, ci_high, p_value.

    Parameters
    ----------
    years : numpy.ndarray
        The years (x), integers.
    values : numpy.ndarray
        The yearly values (y), NaN where missing.
    level : float, default 0.95
        Confidence level of the interval (Newey-West standard errors with one lag).

    Returns
    -------
    dict
        ``slope`` (value units per year), ``ci_low``, ``ci_high`` and ``p_value`` (slope = 0); all NaN with
        fewer than :data:`MIN_YEARS_FOR_TREND` finite values.

    Examples
    --------
    The OLS slope through (0, 1), (1, 2), (2, 4), (3, 5), (4, 8) is
    sum((x - 2)(y - 4)) / sum((x - 2)²) = 17 / 10:

    >>> trend = linear_trend(np.arange(2015, 2020), np.array([1.0, 2.0, 4.0, 5.0, 8.0]))
    >>> round(trend["slope"], 4), trend["ci_low"] < 1.7 < trend["ci_high"]
    (1.7, True)
    >>> linear_trend(np.arange(2015, 2020), np.array([1.0, np.nan, 4.0, np.nan, 8.0]))["slope"]
    nan
    """
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

    Parameters
    ----------
    series : pandas.DataFrame
        Long table with ``indicator``, ``year``, ``role`` ("area" / "city") and ``value`` (as from
        :func:`area_series`); years with a missing value of either are left out.
    indicators : list of Indicator
        The indicators, in the order of the rows.
    level : float, default 0.95
        Confidence level of the gap trend (:func:`linear_trend`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator with the columns :data:`TREND_COLUMNS`; changes and gaps in the indicator's
        unit points, the slope in points per year.

    Examples
    --------
    The area's gap to the city shrinks 10, 9, 7, 6: slope sum((x - 1.5)(gap - 8)) / sum((x - 1.5)²) = -7 / 5:

    >>> sgb2 = Indicator(id="sgb2", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
    ...                  denominator=["einwohner"], direction="higher_is_worse", source="Jobcenter")
    >>> series = pd.DataFrame({"indicator": "sgb2", "year": [2016, 2017, 2018, 2019] * 2,
    ...                        "role": ["area"] * 4 + ["city"] * 4,
    ...                        "value": [30.0, 29.0, 27.0, 26.0, 20.0, 20.0, 20.0, 20.0]})
    >>> row = trend_table(series, [sgb2]).round(4).to_dict("records")[0]
    >>> [row[k] for k in ("first_year", "last_year", "gap_first", "gap_last", "gap_slope")]
    [2016, 2019, 10.0, 6.0, -1.4]
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
