"""Independent tests of the comparison with the city (``veedel_lib/analysis/comparison.py``; issue #30 item 9).

The p-values are written out from the score statistics: for two shares the pooled-proportion z with the
Miettinen-Nurminen factor N / (N - 1) (checked against scipy's Pearson chi-square as well), for two rates the
pooled-rate z; values, distances, ratios, verdicts and Handlungsbedarfe are worked out by hand. Tiny data only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write
from scipy.stats import chi2_contingency

from veedel_lib.analysis.comparison import (
    _p_value,
    assess,
    compare_with_city,
    handlungsbedarfe,
    need_level,
    worse_ratio,
)
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.params.catalogue import Indicator
from veedel_lib.params.run_config import HandlungsbedarfRule


def _indicator(direction: str = "higher_is_worse", bounded: bool = True) -> Indicator:
    indicator = Indicator(id="q", label="Quote", lebenslage="Erwerbstätigkeit", numerator=["z"], denominator=["n"],
                          direction=direction, source="Amt")
    return indicator if bounded else indicator.model_copy(update={"bounded": False, "scale": 1000.0})


def _two_shares(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p-value of the score test of two shares: pooled share, variance times N / (N - 1)."""
    pooled, total = (x1 + x2) / (n1 + n2), n1 + n2
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2) * total / (total - 1))
    return math.erfc(abs(z) / math.sqrt(2))


def _two_rates(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p-value of the score test of two Poisson rates (pooled rate under equal rates)."""
    z = (x1 / n1 - x2 / n2) / math.sqrt((x1 + x2) / (n1 + n2) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def _wilson(k: float, n: float, z: float) -> tuple[float, float]:
    """The Wilson score interval of k of n in percent, written out."""
    p, centre = k / n, (k / n + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_the_p_value_of_two_shares_is_the_score_test_and_of_two_rates_the_poisson_score_test():
    assert _p_value(_indicator(), 30, 200, 50, 600) == pytest.approx(_two_shares(30, 200, 50, 600), rel=1e-9)
    chi2 = chi2_contingency([[30, 170], [50, 550]], correction=False)[0]
    assert _two_shares(30, 200, 50, 600) == pytest.approx(math.erfc(math.sqrt(chi2 * 799 / 800) / math.sqrt(2)))
    unbounded = _indicator(bounded=False)
    assert _p_value(unbounded, 30, 2000, 50, 6000) == pytest.approx(_two_rates(30, 2000, 50, 6000), rel=1e-9)
    assert isinstance(_p_value(unbounded, 30, 2000, 50, 6000), float)


def test_no_p_value_without_all_four_counts_or_with_an_empty_denominator_and_1_for_equal_extreme_shares():
    shares = _indicator()
    for counts in [(np.nan, 200, 50, 600), (30, None, 50, 600), (30, 200, pd.NA, 600), (30, 200, 50, np.inf),
                   (30, 0, 50, 600), (30, 200, 50, 0), (30, -5, 50, 600)]:
        assert math.isnan(_p_value(shares, *counts)), counts
    unbounded = _indicator(bounded=False)
    for counts in [(30, 0, 50, 600), (30, 200, 50, 0), (30, 200, 0, 0), (np.nan, 200, 50, 600)]:
        assert math.isnan(_p_value(unbounded, *counts)), counts
    # a denominator of 1 is a denominator: tested
    assert _p_value(shares, 1, 1, 3, 80) == pytest.approx(_two_shares(1, 1, 3, 80), rel=1e-9)
    assert _p_value(shares, 3, 80, 1, 1) == pytest.approx(_two_shares(3, 80, 1, 1), rel=1e-9)
    assert _p_value(shares, 0, 50, 0, 80) == 1.0 and _p_value(shares, 50, 50, 80, 80) == 1.0
    assert _p_value(shares, 0, 50, 80, 80) < 1e-6  # both extreme, but different: tested
    assert _p_value(shares, 0, 50, 3, 80) == pytest.approx(_two_shares(0, 50, 3, 80), rel=1e-9)


def test_the_worse_ratio_follows_the_direction_and_needs_two_positive_values():
    assert worse_ratio(_indicator(), 30.0, 20.0) == 1.5
    assert worse_ratio(_indicator("higher_is_better"), 40.0, 50.0) == 1.25
    assert worse_ratio(_indicator("higher_is_better"), 50.0, 40.0) == 0.8
    for area, city in [(0.0, 20.0), (30.0, 0.0), (-1.0, 20.0), (30.0, -2.0), (np.nan, 20.0), (30.0, np.nan)]:
        assert math.isnan(worse_ratio(_indicator(), area, city)), (area, city)
    assert math.isnan(worse_ratio(_indicator("neutral"), 30.0, 20.0))
    assert worse_ratio(_indicator(), 0.5, 0.25) == 2.0 and worse_ratio(_indicator(), 0.3, 0.6) == 0.5


def test_the_verdict_says_which_way_the_area_differs_only_when_the_test_is_below_alpha():
    worse, better, neutral = _indicator(), _indicator("higher_is_better"), _indicator("neutral")
    assert assess(worse, 5.0, 0.01, 0.05) == "ungünstiger" and assess(worse, -5.0, 0.01, 0.05) == "günstiger"
    assert assess(better, 5.0, 0.01, 0.05) == "günstiger" and assess(better, -5.0, 0.01, 0.05) == "ungünstiger"
    assert assess(neutral, 5.0, 0.01, 0.05) == "höher" and assess(neutral, -5.0, 0.01, 0.05) == "niedriger"
    assert assess(worse, 5.0, 0.05, 0.05) == "kein deutlicher Unterschied"
    assert assess(worse, 5.0, 0.049, 0.05) == "ungünstiger" and assess(worse, 5.0, 0.06, 0.1) == "ungünstiger"
    assert assess(neutral, 0.0, 0.01, 0.05) == "kein deutlicher Unterschied"
    assert assess(neutral, 0.5, 0.01, 0.05) == "höher" and assess(neutral, -0.5, 0.01, 0.05) == "niedriger"
    for difference, p in [(np.nan, 0.01), (5.0, np.nan), (np.inf, 0.01), (5.0, -np.inf)]:
        assert assess(worse, difference, p, 0.05) == "nicht berechenbar"


def test_the_handlungsbedarf_starts_at_its_ratios_and_needs_a_significant_difference():
    rule = HandlungsbedarfRule()  # 1.25, 1.5, 0.05 (parameters/run.yml's defaults)
    assert [need_level(r, 0.01, rule) for r in (1.5, 1.4999, 1.25, 1.2499, 0.5)] == [
        "deutlich erhöht", "erhöht", "erhöht", "", ""]
    assert need_level(1.6, 0.05, rule) == "" and need_level(1.6, 0.0499, rule) == "deutlich erhöht"
    assert need_level(np.nan, 0.01, rule) == "" and need_level(1.6, np.nan, rule) == ""
    own = HandlungsbedarfRule(elevated_ratio=1.1, high_ratio=2.0, significance=0.1)
    assert [need_level(r, 0.07, own) for r in (2.0, 1.6, 1.1, 1.05)] == ["deutlich erhöht", "erhöht", "erhöht", ""]


def test_the_flagged_rows_come_strongest_first_and_a_withheld_need_is_none():
    comparison = pd.DataFrame({"indicator": list("abcdef"),
                               "need": ["erhöht", "", "deutlich erhöht", "erhöht", np.nan, "deutlich erhöht"],
                               "worse_ratio": [1.3, 1.1, 1.6, 1.4, 2.0, 1.9]})
    flagged = handlungsbedarfe(comparison)
    assert flagged["indicator"].tolist() == ["f", "c", "d", "a"]
    assert list(flagged.columns) == ["indicator", "need", "worse_ratio"]
    assert flagged.index.tolist() == [5, 2, 3, 0] and "_order" not in comparison
    # the level first, then the ratio: an "erhöht" of a higher ratio still comes after every "deutlich erhöht"
    mixed = pd.DataFrame({"indicator": list("abc"), "need": ["erhöht", "deutlich erhöht", "erhöht"],
                          "worse_ratio": [2.5, 1.6, 1.3]})
    assert handlungsbedarfe(mixed)["indicator"].tolist() == ["b", "a", "c"]


ROWS = VALID_ROWS + [
    ("80201", 2023, "pop_6_14", 100), ("80202", 2023, "pop_6_14", 20), ("10101", 2023, "pop_6_14", 250),
    ("80201", 2023, "sgb2_u15", 50), ("80202", 2023, "sgb2_u15", 10), ("10101", 2023, "sgb2_u15", 40),
    ("80201", 2023, "moves_in", 60), ("80202", 2023, "moves_in", 20), ("10101", 2023, "moves_in", 90)]
"""Kalk (80201, 80202) and the rest of the city (10101): SGB-II children 60 of 240 against 40 of 400 (city 100 of
640); moves in 80 per 1,200 residents against 90 per 3,000 (city 170 per 4,200)."""


def test_an_area_is_compared_with_the_city_and_tested_against_the_rest_of_it(small_data):
    write(small_data / "statistics.csv", statistics_rows(ROWS))
    ds = load_dataset(small_data, PARAMETERS, use_cache=False)
    indicators = [ds.catalogue.indicator("moves_in_rate"), ds.catalogue.indicator("sgb2_children_quote")]
    table = compare_with_city(ds, "kalk", 2023, indicators)
    assert table["indicator"].tolist() == ["moves_in_rate", "sgb2_children_quote"]
    moves, sgb2 = table.to_dict("records")
    assert (sgb2["area_numerator"], sgb2["area_denominator"], sgb2["city_numerator"], sgb2["city_denominator"]) == \
        (60, 240, 100, 640)
    assert (sgb2["area_value"], sgb2["city_value"], sgb2["difference"]) == pytest.approx((25.0, 15.625, 9.375))
    assert sgb2["p_value"] == pytest.approx(_two_shares(60, 240, 40, 400), rel=1e-9)
    assert sgb2["worse_ratio"] == pytest.approx(1.6)
    assert (sgb2["assessment"], sgb2["need"]) == ("ungünstiger", "deutlich erhöht")
    assert sgb2["area_ci_low"] < 25.0 < sgb2["area_ci_high"] and sgb2["data_year"] == 2023
    assert (sgb2["label"], sgb2["lebenslage"], sgb2["direction"], sgb2["unit"]) == (
        "SGB-II-Quote unter 15", "Einkommen und materieller Lebensstandard", "higher_is_worse", "percent")
    assert (moves["area_value"], moves["city_value"]) == pytest.approx((1000 * 80 / 1200, 1000 * 170 / 4200))
    assert moves["p_value"] == pytest.approx(_two_rates(80, 1200, 90, 3000), rel=1e-9)
    assert math.isnan(moves["worse_ratio"]) and (moves["assessment"], moves["need"]) == ("höher", "")
    assert sgb2["threshold"] == 10  # the Bundesagentur's rule for its counts (parameters/indicators.yml)
    assert list(table.columns) == [
        "indicator", "label", "lebenslage", "direction", "unit", "data_year", "area_numerator", "area_denominator",
        "area_value", "area_ci_low", "area_ci_high", "city_numerator", "city_denominator", "city_value",
        "difference", "p_value", "worse_ratio", "assessment", "need", "threshold", "denominator_threshold"]
    strict = compare_with_city(ds, "kalk", 2023, indicators, level=1 - 1e-12, need=False,
                               rule=HandlungsbedarfRule(significance=0.5))
    assert "need" not in strict.columns and strict["assessment"].tolist() == ["kein deutlicher Unterschied"] * 2
    own = compare_with_city(ds, "kalk", 2023, indicators[1:], rule=HandlungsbedarfRule(high_ratio=1.7))
    assert own["need"].tolist() == ["erhöht"]
    everything = compare_with_city(ds, "kalk", 2023)
    assert everything["indicator"].tolist() == [i.id for i in ds.catalogue.indicators]
    # indicators without data: plain NaN (floats), not pandas' NA; the data year a whole number
    assert all(isinstance(v, float) for v in everything["area_value"]) and everything["area_value"].isna().any()
    assert all(isinstance(v, float) for v in everything["difference"])
    assert isinstance(sgb2["data_year"], int)
    narrow = compare_with_city(ds, "kalk", 2023, indicators[1:], level=0.9).iloc[0]
    assert (narrow["area_ci_low"], narrow["area_ci_high"]) == pytest.approx(_wilson(60, 240, 1.6448536269514722))
    assert (sgb2["area_ci_low"], sgb2["area_ci_high"]) == pytest.approx(_wilson(60, 240, 1.959963984540054))
