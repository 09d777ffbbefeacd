"""Empirical-Bayes smoothing (analysis/smoothing.py) against numbers worked out by hand and a second computation.

The expected values are written out below, not taken from the module: the method of moments by hand for three
units, the gamma posterior's quantiles from scipy.stats (and checked by the gamma-Poisson identity
``P(Gamma(k, rate) <= x) = P(Poisson(rate * x) >= k)``, a second, independent computation).

Hand-worked example (three units, one indicator, in percent): d = 100, 200, 200 residents, n = 2, 10, 18 cases.
Pooled rate m = 30 / 500 = 0.06; raw rates 0.02, 0.05, 0.09.
sum(d (r - m)^2) / sum(d) = (100 * 0.04² + 200 * 0.01² + 200 * 0.03²) / 500 = (0.16 + 0.02 + 0.18) / 500 = 0.00072;
m / mean(d) = 0.06 / (500 / 3) = 0.00036; so A = 0.00072 - 0.00036 = 0.00036
(dividing by the sum of the denominators instead, m / 500 = 0.00012, would give A = 0.0006).
Prior Gamma(m²/A, m/A) = Gamma(10, 500/3). Posteriors: Gamma(12, 800/3), Gamma(20, 1100/3), Gamma(28, 1100/3);
means 4.5 %, 60/11 = 5.4545 %, 84/11 = 7.6364 %. Weights on the raw rate A / (A + m/d): 0.375, 6/11, 6/11.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gamma, poisson

from veedel_lib.analysis.smoothing import smooth_rates

ADDED = ["smoothed_value", "smoothed_low", "smoothed_high", "prior_value", "weight", "cv", "unreliable", "small",
         "smoothed", "shown_value"]


def _frame(n, d, indicator="quote", groups=None) -> pd.DataFrame:
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = pd.DataFrame({"indicator": indicator, "numerator": n, "denominator": d, "value": 100 * n / d})
    if groups is not None:
        frame["prior_group"] = groups
    return frame


def _three(**options) -> pd.DataFrame:
    settings = {"scale": 100, "min_denominator": 150, "cv_threshold": 0.3} | options
    return smooth_rates(_frame([2, 10, 18], [100, 200, 200]), **settings)


def test_the_smoothed_rates_prior_and_weights_are_the_hand_worked_method_of_moments_values():
    out = _three()
    assert out["prior_value"].tolist() == pytest.approx([6.0, 6.0, 6.0])
    assert out["smoothed_value"].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11])
    assert out["weight"].tolist() == pytest.approx([0.375, 6 / 11, 6 / 11])


def test_the_interval_is_the_central_95_percent_of_the_gamma_posterior_with_2_5_percent_in_each_tail():
    out = _three()
    posteriors = [(12, 800 / 3), (20, 1100 / 3), (28, 1100 / 3)]
    lows = [100 * gamma.ppf(0.025, k, scale=1 / rate) for k, rate in posteriors]
    highs = [100 * gamma.ppf(0.975, k, scale=1 / rate) for k, rate in posteriors]
    assert out["smoothed_low"].tolist() == pytest.approx(lows, rel=1e-9)
    assert out["smoothed_high"].tolist() == pytest.approx(highs, rel=1e-9)
    # the same bounds by the gamma-Poisson identity: P(Gamma(k, rate) <= x) = P(Poisson(rate x) >= k)
    for (k, rate), low, high in zip(posteriors, out["smoothed_low"], out["smoothed_high"]):
        assert poisson.sf(k - 1, rate * low / 100) == pytest.approx(0.025, abs=1e-9)
        assert poisson.sf(k - 1, rate * high / 100) == pytest.approx(0.975, abs=1e-9)


def test_a_90_percent_interval_leaves_5_percent_in_each_tail():
    out = _three(level=0.9)
    assert out.loc[0, "smoothed_low"] == pytest.approx(100 * gamma.ppf(0.05, 12, scale=3 / 800), rel=1e-9)
    assert out.loc[0, "smoothed_high"] == pytest.approx(100 * gamma.ppf(0.95, 12, scale=3 / 800), rel=1e-9)


def test_the_result_has_the_input_columns_and_exactly_the_documented_new_ones():
    out = _three()
    assert list(out.columns) == ["indicator", "numerator", "denominator", "value"] + ADDED


def test_the_shown_value_is_the_smoothed_rate_for_small_units_and_the_raw_rate_for_the_others():
    out = _three()  # min_denominator 150: only the first unit (100 residents) is small
    assert out["small"].tolist() == [True, False, False]
    assert out["shown_value"].tolist() == pytest.approx([4.5, 5.0, 9.0])


def test_a_denominator_equal_to_the_minimum_is_not_small_and_a_cv_equal_to_the_threshold_is_not_unreliable():
    # 4 cases: cv = 1 / sqrt(4) = 0.5 exactly; 200 residents = min_denominator exactly
    out = smooth_rates(_frame([4, 16], [200, 400]), scale=100, min_denominator=200, cv_threshold=0.5)
    assert out["cv"].tolist() == pytest.approx([0.5, 0.25])
    assert out["unreliable"].tolist() == [False, False]
    assert out["small"].tolist() == [False, False]


def test_the_coefficient_of_variation_is_infinite_for_no_case_and_one_for_one_case():
    out = smooth_rates(_frame([0, 1, 9], [100, 100, 100]), scale=100, min_denominator=50, cv_threshold=0.5)
    assert out["cv"].tolist() == [np.inf, 1.0, pytest.approx(1 / 3)]
    assert out["unreliable"].tolist() == [True, True, False]


def test_an_indicator_without_any_case_keeps_no_smoothed_value_and_the_next_indicator_is_still_smoothed():
    frame = pd.concat([_frame([0, 0], [100, 100], indicator="leer"), _frame([2, 10, 18], [100, 200, 200])],
                      ignore_index=True)
    out = smooth_rates(frame, scale=100, min_denominator=150, cv_threshold=0.3)
    assert out["smoothed_value"].iloc[:2].isna().all() and out["prior_value"].iloc[:2].isna().all()
    assert out["shown_value"].iloc[:2].tolist() == [0.0, 0.0]  # the raw rate stays shown
    assert out["smoothed_value"].iloc[2:].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11])


def test_an_indicator_with_a_single_case_in_all_is_smoothed_towards_its_pooled_rate():
    # m = 1 / 200; A = max(0, (100 (0.01 - 0.005)² + 100 (0 - 0.005)²) / 200 - 0.005 / 100) = max(0, -0.000025) = 0
    out = smooth_rates(_frame([1, 0], [100, 100]), scale=100, min_denominator=150, cv_threshold=0.3)
    assert out["smoothed_value"].tolist() == pytest.approx([0.5, 0.5])
    assert out["weight"].tolist() == [0.0, 0.0]


def test_a_unit_with_no_residents_gets_no_smoothed_rate_and_does_not_change_the_others():
    with_empty = smooth_rates(_frame([2, 10, 18, 0], [100, 200, 200, 0]), scale=100, min_denominator=150,
                              cv_threshold=0.3)
    assert with_empty["smoothed_value"].iloc[:3].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11])
    assert np.isnan(with_empty.loc[3, "smoothed_value"])


def test_a_unit_of_one_resident_counts_in_the_pooled_rate():
    # m = (1 + 9) / (1 + 99) = 0.1 with the one-resident unit; 9 / 99 without it
    out = smooth_rates(_frame([1, 9], [1, 99]), scale=100, min_denominator=150, cv_threshold=0.3)
    assert out["prior_value"].tolist() == pytest.approx([10.0, 10.0])


def test_units_without_a_bezirk_are_smoothed_together_with_the_bezirk_prior():
    groups = ["1", "1", None, None]
    out = smooth_rates(_frame([2, 4, 30, 50], [100, 100, 500, 500], groups=groups), scale=100,
                       min_denominator=150, cv_threshold=0.3, prior="bezirk")
    # Bezirk 1: m = 6 / 200 = 3 %; the two units without Bezirk: m = 80 / 1000 = 8 %
    assert out["prior_value"].tolist() == pytest.approx([3.0, 3.0, 8.0, 8.0])


# ------------------------------------------------------------------------------ per Stadtteil, from the data

def _stadtteile():
    """The hand-worked example as data: Stadtteil 101 (units u1, u2: 1 + 1 cases of 40 + 60 residents), 102 (u3:
    10 of 200), both in Bezirk 1, and 905 (u4: 18 of 200) in Bezirk 9; 906 (u5: 50 of 100, Bezirk 9) is not valid in
    2020 and must stay out. A stand-in dataset with the tables read."""
    from types import SimpleNamespace

    cases = {"u1": 1, "u2": 1, "u3": 10, "u4": 18, "u5": 50}
    residents = {"u1": 40, "u2": 60, "u3": 200, "u4": 200, "u5": 100}
    rows = ([(u, 2020, "faelle", n) for u, n in cases.items()]
            + [(u, 2020, "einwohner", d) for u, d in residents.items()])
    statistics = pd.DataFrame(rows, columns=["unit", "year", "variable", "count"])
    units = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4", "u5"], "stadtteil_nr": [101, 101, 102, 905, 906]})
    bezirk = {"101": "1", "102": "1", "905": "9", "906": "9"}
    valid = {101: True, 102: True, 905: True, 906: False}  # 906 (unit u5) does not exist in 2020
    spatial = SimpleNamespace(base=SimpleNamespace(valid_in=lambda nr, year: valid[nr]), district_of=bezirk.get)
    catalogue = SimpleNamespace(variable_ids=["einwohner", "faelle"], threshold=lambda indicator: 5,
                                denominator_threshold=lambda indicator: 20)
    return SimpleNamespace(units=units, statistics=statistics, cache={}, years=[2020], catalogue=catalogue,
                           spatial=spatial)


def _quote():
    from veedel_lib.params.catalogue import Indicator

    return Indicator(id="quote", label="Quote", lebenslage="Bevölkerung", numerator=["faelle"],
                     denominator=["einwohner"], direction="higher_is_worse", source="Amt")


def _settings(prior: str):
    from types import SimpleNamespace

    return SimpleNamespace(min_denominator=150, cv_threshold=0.3, prior=prior)


def test_stadtteil_values_are_the_summed_units_smoothed_with_the_hand_worked_city_prior():
    from veedel_lib.analysis.smoothing import smoothed_stadtteil_values

    out = smoothed_stadtteil_values(_stadtteile(), 2020, [_quote()], _settings("city"))
    assert out["group"].tolist() == ["101", "102", "905"]
    assert out["numerator"].tolist() == [2, 10, 18] and out["denominator"].tolist() == [100, 200, 200]
    assert out["prior_group"].tolist() == ["1", "1", "9"]
    assert out["prior_value"].tolist() == pytest.approx([6.0, 6.0, 6.0])
    assert out["smoothed_value"].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11])
    assert out["smoothed"].tolist() == [True, False, False]
    # coefficient of variation 1 / sqrt(cases): 0.707, 0.316, 0.236 against the threshold 0.3
    assert out["unreliable"].tolist() == [True, True, False]
    assert out.loc[out.index[0], "smoothed_low"] == pytest.approx(100 * gamma.ppf(0.025, 12, scale=3 / 800))


def test_stadtteil_values_with_the_bezirk_prior_pool_each_bezirk_and_a_90_percent_level_reaches_both_intervals():
    from veedel_lib.analysis.smoothing import smoothed_stadtteil_values

    # Bezirk 1: m = 12 / 300 = 4 %; sum d (r - m)² / sum d = (100 * 0.02² + 200 * 0.01²) / 300 = 0.0002 is below
    # m / mean(d) = 0.04 / 150, so no variation beyond chance: both get 4 %. Bezirk 9 alone: its own 9 %.
    out = smoothed_stadtteil_values(_stadtteile(), 2020, [_quote()], _settings("bezirk"), level=0.9)
    assert out["prior_value"].tolist() == pytest.approx([4.0, 4.0, 9.0])
    assert out["smoothed_value"].tolist() == pytest.approx([4.0, 4.0, 9.0])
    # the raw interval at 90 %: Wilson's score interval of 2 of 100 with z = 1.6449 (textbook formula)
    z, p, n = 1.6448536269514722, 0.02, 100
    centre, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert out.loc[out.index[0], "ci_low"] == pytest.approx(100 * (centre - half) / (1 + z * z / n))
    city = smoothed_stadtteil_values(_stadtteile(), 2020, [_quote()], _settings("city"), level=0.9)
    assert city.loc[city.index[0], "smoothed_low"] == pytest.approx(100 * gamma.ppf(0.05, 12, scale=3 / 800))


def test_stadtteil_values_of_two_indicators_are_smoothed_each_with_its_own_scale():
    from veedel_lib.analysis.smoothing import smoothed_stadtteil_values

    per_mille = _quote().model_copy(update={"id": "promille", "unit": "per_1000"})
    out = smoothed_stadtteil_values(_stadtteile(), 2020, [_quote(), per_mille], _settings("city"))
    assert out["indicator"].tolist() == ["quote"] * 3 + ["promille"] * 3
    assert out["smoothed_value"].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11, 45, 600 / 11, 840 / 11])


def test_stadtteil_values_of_indicators_given_as_a_generator_are_smoothed_too():
    """Regression (a surviving mutant of the mutation test): the indicators are read twice, so a generator was used
    up by the first reading and the values came back without any smoothing columns, silently."""
    from veedel_lib.analysis.smoothing import smoothed_stadtteil_values

    out = smoothed_stadtteil_values(_stadtteile(), 2020, (i for i in [_quote()]), _settings("city"))
    assert out["smoothed_value"].tolist() == pytest.approx([4.5, 60 / 11, 84 / 11])
