"""Independent tests of the gap trends (``veedel_lib/analysis/trends.py``; issue #30 item 9).

The slope is worked out by hand (sums of products around the means); its interval and p-value come from the
Newey-West sandwich with one lag (Bartlett weight 1/2, no small-sample factor, normal quantiles: statsmodels'
``cov_type="HAC"`` as documented) written out here with numpy, not from statsmodels. Tiny hand-made data only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write

from veedel_lib.analysis.indicators import CITY
from veedel_lib.analysis.trends import TREND_COLUMNS, area_series, linear_trend, trend_table
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.params.catalogue import Indicator

YEARS = np.array([2010, 2011, 2012, 2013, 2014, 2015])
VALUES = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 7.0])


def _hac(years: np.ndarray, values: np.ndarray, level: float) -> tuple[float, float, float, float]:
    """Slope, interval and p-value with the Newey-West variance (one lag) of the OLS slope, by hand."""
    x = years - years.min()
    design = np.c_[np.ones(len(x)), x]
    bread = np.linalg.inv(design.T @ design)
    beta = bread @ design.T @ values
    residuals = values - design @ beta
    meat = sum(residuals[t] ** 2 * np.outer(design[t], design[t]) for t in range(len(x)))
    meat = meat + 0.5 * sum(residuals[t] * residuals[t - 1] * (np.outer(design[t], design[t - 1])
                                                                + np.outer(design[t - 1], design[t]))
                            for t in range(1, len(x)))
    se = math.sqrt((bread @ meat @ bread)[1, 1])
    z = {0.95: 1.959963984540054, 0.9: 1.6448536269514722}[level]
    return beta[1], beta[1] - z * se, beta[1] + z * se, math.erfc(abs(beta[1] / se) / math.sqrt(2))


def test_the_gap_slope_is_the_hand_worked_ols_slope_with_a_newey_west_interval():
    # x = 0..5 (mean 2.5), y mean 22/6: sum((x - 2.5)(y - 11/3)) = 18, sum((x - 2.5)²) = 17.5
    trend = linear_trend(YEARS, VALUES)
    assert trend["slope"] == pytest.approx(18 / 17.5)
    slope, low, high, p = _hac(YEARS, VALUES, 0.95)
    assert (trend["ci_low"], trend["ci_high"], trend["p_value"]) == pytest.approx((low, high, p), rel=1e-9)
    assert set(trend) == {"slope", "ci_low", "ci_high", "p_value"} and isinstance(trend["slope"], float)
    narrow = linear_trend(YEARS, VALUES, level=0.9)
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx(_hac(YEARS, VALUES, 0.9)[1:3], rel=1e-9)


def test_missing_years_are_left_out_and_four_values_are_the_fewest_for_a_trend():
    values = np.array([1.0, np.nan, 2.0, 5.0, np.nan, 7.0])
    kept = np.isfinite(values)
    trend = linear_trend(YEARS, values)
    # x = 0, 2, 3, 5 (mean 2.5), y = 1, 2, 5, 7 (mean 3.75): sum((x - 2.5)(y - 3.75)) = 16.5, sum((x - 2.5)²) = 13
    assert trend["slope"] == pytest.approx(16.5 / 13)
    assert trend["p_value"] == pytest.approx(_hac(YEARS[kept], values[kept], 0.95)[3], rel=1e-9)
    three = linear_trend(YEARS, np.array([1.0, np.nan, 2.0, np.nan, np.nan, 7.0]))
    assert all(math.isnan(v) for v in three.values()) and set(three) == {"slope", "ci_low", "ci_high", "p_value"}


def _indicator(key: str, direction: str = "higher_is_worse") -> Indicator:
    return Indicator(id=key, label=f"Quote {key}", lebenslage="Erwerbstätigkeit", numerator=["z"],
                     denominator=["n"], direction=direction, source="Amt")


def test_the_trend_table_gives_first_and_last_values_changes_and_the_gap_trend_per_indicator():
    series = pd.DataFrame({
        "indicator": ["a"] * 12 + ["b"] * 4 + ["c"] * 2,
        "year": [2015, 2016, 2017, 2018, 2019, 2020] * 2 + [2018, 2019] * 3,
        "role": ["area"] * 6 + ["city"] * 6 + ["area", "area", "city", "city"] + ["city", "city"],
        "value": [31.0, 33.0, np.nan, 35.0, 34.0, 37.0, 30.0, 30.0, 30.0, 30.0, 30.0, np.nan,
                  5.0, 6.0, 4.0, 4.5, 1.0, 2.0]})
    table = trend_table(series, [_indicator("c"), _indicator("b", "higher_is_better"), _indicator("a")])
    assert list(table.columns) == list(TREND_COLUMNS)
    assert table["indicator"].tolist() == ["b", "a"]  # c has no area value: left out
    b, a = table.to_dict("records")
    # a: 2017 (area missing) and 2020 (city missing) are left out; gaps 1, 3, 5, 4 in 2015, 2016, 2018, 2019
    assert (a["first_year"], a["last_year"]) == (2015, 2019) and isinstance(a["first_year"], int)
    assert (a["area_first"], a["area_last"], a["city_first"], a["city_last"]) == (31.0, 34.0, 30.0, 30.0)
    assert (a["area_change"], a["city_change"], a["gap_first"], a["gap_last"]) == (3.0, 0.0, 1.0, 4.0)
    # x = 0, 1, 3, 4 (mean 2), gaps mean 3.25: sum((x - 2)(gap - 3.25)) = 8, sum((x - 2)²) = 10
    assert a["gap_slope"] == pytest.approx(0.8)
    slope, low, high, p = _hac(np.array([2015, 2016, 2018, 2019]), np.array([1.0, 3.0, 5.0, 4.0]), 0.95)
    assert (a["gap_slope_ci_low"], a["gap_slope_ci_high"], a["gap_slope_p"]) == pytest.approx((low, high, p))
    assert (a["label"], a["direction"], a["unit"]) == ("Quote a", "higher_is_worse", "percent")
    assert (b["first_year"], b["last_year"], b["gap_first"], b["gap_last"]) == (2018, 2019, 1.0, 1.5)
    assert (b["area_change"], b["city_change"], b["direction"]) == (1.0, 0.5, "higher_is_better")
    assert math.isnan(b["gap_slope"]) and math.isnan(b["gap_slope_p"])  # two years: no trend
    narrow = trend_table(series, [_indicator("a")], level=0.9).iloc[0]
    assert narrow["gap_slope_ci_low"] == pytest.approx(_hac(np.array([2015, 2016, 2018, 2019]),
                                                            np.array([1.0, 3.0, 5.0, 4.0]), 0.9)[1])


def test_without_any_comparable_year_the_trend_table_is_empty_but_keeps_its_columns():
    series = pd.DataFrame({"indicator": "a", "year": [2023, 2023, 2024, 2024], "role": ["area", "city"] * 2,
                           "value": [np.nan, 12.0, np.nan, 11.5]})
    table = trend_table(series, [_indicator("a")])
    assert table.empty and list(table.columns) == list(TREND_COLUMNS)


def _wilson(k: float, n: float, z: float) -> tuple[float, float]:
    """The Wilson score interval of k of n in percent, written out."""
    p, centre = k / n, (k / n + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_an_area_series_holds_the_area_and_the_city_each_with_its_role_and_interval(small_data):
    rows = [*VALID_ROWS, ("80201", 2022, "population", 500), ("80201", 2022, "pop_0_5", 50),
            ("80202", 2022, "population", 100), ("80202", 2022, "pop_0_5", 10), ("10101", 2022, "population", 900),
            ("10101", 2022, "pop_0_5", 90)]
    write(small_data / "statistics.csv", statistics_rows(rows))
    ds = load_dataset(small_data, PARAMETERS, use_cache=False)
    share = ds.catalogue.indicator("share_0_5")
    series = area_series(ds, "kalk", [share], years=[2023])
    values = {(row.group, row.role): row.value for row in series.itertuples()}
    # Kalk = units 80201 and 80202: (100 + 20) / (1000 + 200); the city: (100 + 20 + 150) / 4200
    assert values == pytest.approx({("kalk", "area"): 10.0, (CITY, "city"): 100 * 270 / 4200})
    assert set(series["year"]) == {2023} and set(series["indicator"]) == {"share_0_5"}
    kalk = series[series["role"] == "area"].iloc[0]
    assert (kalk["ci_low"], kalk["ci_high"]) == pytest.approx(_wilson(120, 1200, 1.959963984540054))
    narrow = area_series(ds, "kalk", [share], years=[2023], level=0.9)
    kalk = narrow[narrow["role"] == "area"].iloc[0]
    assert (kalk["ci_low"], kalk["ci_high"]) == pytest.approx(_wilson(120, 1200, 1.6448536269514722))
    assert set(area_series(ds, "kalk", [share])["year"]) == {2022, 2023}
