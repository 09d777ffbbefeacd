"""Independent tests of the area evaluation (``veedel_lib/analysis/evaluation.py``; issue #30 item 9).

Every regression is written out here with explicit dummy columns and numpy's least squares (the imputation
estimate: the model fitted on the untreated observations, the area's later years predicted from it); the
cluster-robust covariance is the CRV1 sandwich written out; the count model is statsmodels' Poisson GLM with the
log denominator as offset (the module fits it by iterative proportional fitting, not with statsmodels). The
placebo areas are drawn again here as the documented procedure says: whole Stadtteile in the order of the seeded
uniform keys until the placebo area has as many units as the area; quantiles, standard deviations and p-values are
worked out by hand. Tiny hand-made panels only (seven Stadtteile, ten units, eleven years), no demo data.
"""

from __future__ import annotations

import math
import statistics
import warnings
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import PARAMETERS, UNITS_CSV, statistics_rows, write

from veedel_lib.analysis import evaluation
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.params.catalogue import Indicator

BASELINE = 2016
YEARS = list(range(2010, 2021))
STADTTEILE = {101: ["A1", "A2"], 102: ["B1"], 103: ["C1", "C2"], 104: ["D1"], 105: ["E1"], 106: ["F1", "F2"],
              107: ["G1"]}
"""Stadtteil 101 is the area (two units); the rest of the city has six Stadtteile of one or two units."""
AREA = ["A1", "A2"]
Z975, Z95, Z80 = 1.959963984540054, 1.6448536269514722, 0.8416212335729143
SGB2 = Indicator(id="sgb2_quote", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
                 denominator=["pop"], direction="higher_is_worse", source="Jobcenter")


def _frame() -> pd.DataFrame:
    """Whole-number counts: each unit a level and a trend of its own, city-wide year shocks that scale with the
    level, a little noise; the area's rate 1 point lower after the baseline and 0.3 points more each year."""
    rng = np.random.default_rng(30)
    shocks = {y: rng.normal(0, 0.6) for y in YEARS}
    rows = []
    for stadtteil, units in STADTTEILE.items():
        for unit in units:
            level, slope = rng.uniform(8, 25), rng.normal(0, 0.3)
            for y in YEARS:
                rate = level + slope * (y - 2015) + shocks[y] * level / 15 + rng.normal(0, 0.4)
                if unit in AREA and y > BASELINE:
                    rate -= 1.0 + 0.3 * (y - BASELINE)
                denominator = float(rng.integers(1500, 3000))
                numerator = float(round(rate / 100 * denominator))
                rows.append({"unit": unit, "year": y, "numerator": numerator, "denominator": denominator,
                             "rate": numerator / denominator * 100, "treated": unit in AREA, "post": y > BASELINE,
                             "stadtteil": stadtteil})
    return pd.DataFrame(rows)


FRAME = _frame()


def _panel(frame: pd.DataFrame = FRAME, baseline: int = BASELINE) -> evaluation.Panel:
    return evaluation.Panel(frame, sorted(frame.loc[frame["treated"], "unit"].unique()), SGB2, baseline)


def _design(frame: pd.DataFrame, baseline: int) -> np.ndarray:
    """Explicit fixed part: unit dummies, unit trends (units seen in two or more years), year dummies (first
    dropped) and the year dummies times the unit's plain mean rate up to the baseline."""
    units = pd.get_dummies(frame["unit"], dtype=float)
    t = frame["year"].to_numpy(dtype=float) - 2015
    seen = frame.groupby("unit")["year"].nunique()
    trends = units.loc[:, seen[units.columns] > 1].to_numpy() * t[:, None]
    years = pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]
    means = frame[frame["year"] <= baseline].groupby("unit")["rate"].mean()
    level = frame["unit"].map(means).fillna(frame["rate"].mean()).to_numpy()[:, None]
    return np.hstack([units.to_numpy(), trends, years, years * level])


def _wls(design: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(design * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]


def _imputed(frame: pd.DataFrame, baseline: int, fitted: frozenset, counted: frozenset) -> tuple[float, dict]:
    """The imputation estimate by hand: the model fitted on every observation except the later years of the
    ``fitted`` units, the departures of the ``counted`` units' later years from its prediction, their
    denominator-weighted mean overall and per year."""
    design, rate, w = _design(frame, baseline), frame["rate"].to_numpy(), frame["denominator"].to_numpy()
    later = (frame["year"] > baseline).to_numpy()
    left_out = frame["unit"].isin(fitted).to_numpy() & later
    coefficients = _wls(design[~left_out], rate[~left_out], w[~left_out])
    mine = frame["unit"].isin(counted).to_numpy() & later
    departure = rate[mine] - design[mine] @ coefficients
    by_year = pd.Series(departure * w[mine]).groupby(frame["year"].to_numpy()[mine]).sum() / \
        pd.Series(w[mine]).groupby(frame["year"].to_numpy()[mine]).sum()
    return float(np.average(departure, weights=w[mine])), by_year.to_dict()


def _pooled_before(frame: pd.DataFrame, units, baseline: int) -> float:
    rows = frame[frame["unit"].isin(units) & (frame["year"] <= baseline)]
    return rows["numerator"].sum() / rows["denominator"].sum() * 100


def _placebo_sets(sizes: dict, size: int, draws: int, seed: int) -> list[list]:
    """Placebo areas as documented: per draw the Stadtteile in the order of seeded uniform keys, taken whole
    until the placebo area has at least ``size`` units (``sizes``: Stadtteil -> units, in sorted order)."""
    keys = np.random.default_rng(seed).random((draws, len(sizes)))
    names = sorted(sizes)
    sets = []
    for row in keys:
        chosen, units = [], 0
        for position in sorted(range(len(names)), key=lambda i: row[i]):
            if units >= size:
                break
            chosen.append(names[position])
            units += sizes[names[position]]
        sets.append(sorted(chosen))
    return sets


def _quantile(values, q: float) -> float:
    """Linear interpolation between order statistics (position q * (n - 1))."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def _interval(estimate: float, placebo, level: float) -> tuple[float, float, float]:
    """Estimate minus the placebo quantiles; p = twice the smaller tail share, counting the estimate itself; nothing
    from fewer than 50 placebos."""
    if len(placebo) < 50:
        return math.nan, math.nan, math.nan
    alpha = 1 - level
    n = len(placebo)
    upper = (sum(p >= estimate for p in placebo) + 1) / (n + 1)
    lower = (sum(p <= estimate for p in placebo) + 1) / (n + 1)
    return (estimate - _quantile(placebo, 1 - alpha / 2), estimate - _quantile(placebo, alpha / 2),
            min(1.0, 2 * min(upper, lower)))


@lru_cache(maxsize=None)
def _placebo_of(stadtteile: tuple, baseline: int = BASELINE) -> tuple[float, dict]:
    """One placebo area's effect by hand, fitted together with the area, rescaled to the area's level."""
    frame = FRAME if baseline == BASELINE else _early_frame()
    units = frozenset(u for s in stadtteile for u in STADTTEILE[s])
    overall, by_year = _imputed(frame, baseline, units | set(AREA), units)
    factor = _pooled_before(frame, AREA, baseline) / _pooled_before(frame, units, baseline)
    return overall * factor, {y: v * factor for y, v in by_year.items()}


def _early_frame() -> pd.DataFrame:
    """The years up to the baseline, as if the programme had begun three years earlier (2013)."""
    pre = FRAME[FRAME["year"] <= BASELINE].reset_index(drop=True)
    return pre.assign(post=pre["year"] > BASELINE - 3)


SIZES = {s: len(u) for s, u in STADTTEILE.items() if s != 101}


def test_the_effect_is_the_hand_fitted_imputation_with_placebo_intervals_of_whole_stadtteile():
    """The estimate and the yearly departures equal numpy's least squares on the untreated observations; the
    placebo areas (two units: one two-unit Stadtteil, or two Stadtteile) give, rescaled by the ratio of the
    pre-baseline levels, the interval (estimate minus the 97.5 % and 2.5 % quantiles), the p-value, the standard
    deviation and the minimum detectable effect (1.959964 + 0.841621) x sd."""
    draws = 60
    effect = evaluation.did_effect(_panel(), 0.95, draws=draws, seed=11)
    overall, by_year = _imputed(FRAME, BASELINE, frozenset(AREA), frozenset(AREA))
    assert effect.estimate == pytest.approx(overall, rel=1e-8)
    assert effect.estimate < -1.5  # the built-in effect (mean -1.75), as a check of the premise
    placebos = [_placebo_of(tuple(s)) for s in _placebo_sets(SIZES, 2, draws, 11)]
    values = [p[0] for p in placebos]
    low, high, p = _interval(overall, values, 0.95)
    assert (effect.ci_low, effect.ci_high, effect.p_value) == pytest.approx((low, high, p), rel=1e-7)
    assert effect.placebo_sd == pytest.approx(statistics.stdev(values), rel=1e-7)
    assert effect.mde == pytest.approx((Z975 + Z80) * statistics.stdev(values), rel=1e-7)
    assert (effect.treated_units, effect.control_units, effect.placebos) == (2, 8, draws)
    years = effect.years
    assert list(years.columns) == ["year", "estimate", "ci_low", "ci_high", "p_value"]
    assert years["year"].tolist() == [2017, 2018, 2019, 2020]
    assert years["estimate"].tolist() == pytest.approx([by_year[y] for y in range(2017, 2021)], rel=1e-8)
    for row in years.itertuples():
        band = _interval(row.estimate, [p[1][row.year] for p in placebos], 0.95)
        assert (row.ci_low, row.ci_high, row.p_value) == pytest.approx(band, rel=1e-7), row.year
    # the area's pooled rate at the baseline and in the last year; expected = actual minus that year's departure
    area = FRAME[FRAME["treated"]].groupby("year")[["numerator", "denominator"]].sum()
    rate = area["numerator"] / area["denominator"] * 100
    assert (effect.actual_then, effect.actual_now) == pytest.approx((rate[2016], rate[2020]), rel=1e-12)
    assert effect.expected_now == pytest.approx(rate[2020] - by_year[2020], rel=1e-8)
    assert isinstance(effect.estimate, float) and isinstance(effect.actual_now, float)
    # a unit of the area without a year up to the baseline cannot be imputed: it is neither counted nor fitted
    late = FRAME[(FRAME["unit"] == "A2") & FRAME["post"]].assign(unit="A3")
    joined = evaluation.did_effect(_panel(pd.concat([FRAME, late], ignore_index=True)), 0.95, draws=draws, seed=11)
    assert joined.estimate == pytest.approx(overall, rel=1e-8) and joined.treated_units == 3
    assert joined.years["estimate"].tolist() == pytest.approx([by_year[y] for y in range(2017, 2021)], rel=1e-8)
    # Stadtteil 103 (C1, C2) has no count in 2019: placebo areas of it have no departure that year, silently
    gap = FRAME[~((FRAME["stadtteil"] == 103) & (FRAME["year"] == 2019))].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        holed = evaluation.did_effect(_panel(gap), 0.95, draws=draws, seed=11)
    assert holed.estimate == pytest.approx(_imputed(gap, BASELINE, frozenset(AREA), frozenset(AREA))[0], rel=1e-8)
    assert holed.years["ci_low"].notna().all() and holed.placebos == draws
    # the area without the baseline year: no rate then; without any year after it: no estimate, none expected
    no_baseline = evaluation.did_effect(_panel(FRAME[~(FRAME["treated"] & (FRAME["year"] == 2016))]), draws=draws)
    assert math.isnan(no_baseline.actual_then) and no_baseline.actual_now == pytest.approx(rate[2020])
    before = evaluation.did_effect(_panel(FRAME[~(FRAME["treated"] & FRAME["post"])]), draws=draws)
    assert math.isnan(before.estimate) and math.isnan(before.expected_now)
    assert before.actual_now == pytest.approx(rate[2016]) and before.actual_then == pytest.approx(rate[2016])

    narrow = evaluation.did_effect(_panel(), 0.9, draws=draws, seed=11)
    assert (narrow.ci_low, narrow.ci_high, narrow.p_value) == pytest.approx(_interval(overall, values, 0.9),
                                                                            rel=1e-7)
    assert narrow.mde == pytest.approx((Z95 + Z80) * statistics.stdev(values), rel=1e-7)
    first = narrow.years.iloc[0]
    assert (first["ci_low"], first["ci_high"]) == pytest.approx(
        _interval(first["estimate"], [p[1][2017] for p in placebos], 0.9)[:2], rel=1e-7)


def test_the_event_study_starts_at_the_baseline_with_zero_and_pre_trend_moves_the_start_three_years_back():
    """The event study is the baseline row (0, band 0, no p-value) and the yearly departures. The pre-trend test
    is the same estimator on the years up to 2016 with the programme starting after 2013, by hand."""
    study = evaluation.event_study(_panel(), draws=60)  # level 0.95 and seed 2020 by default
    by_year = _imputed(FRAME, BASELINE, frozenset(AREA), frozenset(AREA))[1]
    placebos = [_placebo_of(tuple(s)) for s in _placebo_sets(SIZES, 2, 60, 2020)]
    for row in study.iloc[1:].itertuples():
        band = _interval(row.estimate, [p[1][row.year] for p in placebos], 0.95)
        assert (row.ci_low, row.ci_high, row.p_value) == pytest.approx(band, rel=1e-7), row.year
    narrow = evaluation.event_study(_panel(), 0.9, draws=60, seed=11).iloc[1]
    band = _interval(narrow["estimate"], [_placebo_of(tuple(s))[1][2017] for s in _placebo_sets(SIZES, 2, 60, 11)],
                     0.9)
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx(band[:2], rel=1e-7)
    assert study["year"].tolist() == [2016, 2017, 2018, 2019, 2020]
    assert study["estimate"].tolist() == pytest.approx([0.0] + [by_year[y] for y in range(2017, 2021)], rel=1e-8)
    assert study.iloc[0][["ci_low", "ci_high"]].tolist() == [0.0, 0.0] and math.isnan(study.iloc[0]["p_value"])
    assert study.index.tolist() == [0, 1, 2, 3, 4] and list(study.columns) == evaluation.YEAR_COLUMNS
    assert study.iloc[1:]["ci_low"].notna().all()

    slope, p = evaluation.pre_trend(_panel(), draws=80)  # seed 2020 by default
    early = _early_frame()
    estimate = _imputed(early, 2013, frozenset(AREA), frozenset(AREA))[0]
    placebo = [_placebo_of(tuple(s), 2013)[0] for s in _placebo_sets(SIZES, 2, 80, 2020)]
    assert slope == pytest.approx(estimate, rel=1e-8)
    assert p == pytest.approx(_interval(estimate, placebo, 0.95)[2], rel=1e-9)
    # another seed draws other placebo areas, and the p-value follows them
    other = [_placebo_of(tuple(s), 2013)[0] for s in _placebo_sets(SIZES, 2, 80, 3)]
    assert _interval(estimate, other, 0.95)[2] != pytest.approx(p, rel=1e-9)   # the premise: the seed matters
    assert evaluation.pre_trend(_panel(), draws=80, seed=3)[1] == pytest.approx(_interval(estimate, other, 0.95)[2],
                                                                                rel=1e-9)
    # two years earlier: the fake start after 2014 leaves five years before it
    later = evaluation.pre_trend(_panel(), shift=2, draws=60, seed=11)[0]
    pre = FRAME[FRAME["year"] <= BASELINE].reset_index(drop=True)
    assert later == pytest.approx(_imputed(pre, 2014, frozenset(AREA), frozenset(AREA))[0], rel=1e-8)


def test_without_enough_data_there_is_no_estimate_and_without_enough_placebos_no_interval():
    """No comparison units, no treated units, no year after or none before the baseline: everything NaN. Four
    Stadtteile outside the area or fewer than twice its units or fewer than 50 placebos: estimate, no interval."""
    only_area = FRAME[FRAME["treated"]].reset_index(drop=True)
    for frame, baseline in [(only_area, BASELINE), (FRAME.assign(treated=False), BASELINE), (FRAME, 2020),
                            (FRAME, 2009)]:
        effect = evaluation.did_effect(_panel(frame.assign(post=frame["year"] > baseline), baseline), draws=60)
        assert math.isnan(effect.estimate) and math.isnan(effect.ci_low) and math.isnan(effect.mde)
        assert effect.placebos == 0 and effect.years.empty and list(effect.years.columns) == evaluation.YEAR_COLUMNS
        assert math.isnan(effect.actual_now) and math.isnan(effect.expected_now)
        study = evaluation.event_study(_panel(frame.assign(post=frame["year"] > baseline), baseline))
        assert study.empty and list(study.columns) == evaluation.YEAR_COLUMNS
    counts = (only_area["unit"].nunique(), FRAME["unit"].nunique() - 2)
    assert evaluation.did_effect(_panel(only_area), draws=60).treated_units == counts[0]
    assert evaluation.did_effect(_panel(FRAME.assign(treated=False)), draws=60).control_units == 10
    few = FRAME[FRAME["stadtteil"] <= 105].reset_index(drop=True)  # four Stadtteile, five units outside the area
    effect = evaluation.did_effect(_panel(few), draws=60)
    assert effect.estimate == pytest.approx(_imputed(few, BASELINE, frozenset(AREA), frozenset(AREA))[0], rel=1e-8)
    assert effect.placebos == 0 and math.isnan(effect.ci_low) and math.isnan(effect.placebo_sd)
    assert math.isnan(effect.mde) and effect.years["ci_low"].isna().all()
    fifty = evaluation.did_effect(_panel(), draws=50, seed=11)
    assert fifty.placebos == 50 and np.isfinite([fifty.ci_low, fifty.placebo_sd, fifty.mde]).all()
    small = evaluation.did_effect(_panel(), draws=49, seed=11)
    assert small.placebos == 49 and math.isnan(small.ci_high) and math.isnan(small.p_value)
    assert math.isnan(small.placebo_sd) and math.isnan(small.mde) and small.years["p_value"].isna().all()
    # an area of three units (A1, A2, B1): five units of five Stadtteile outside it are fewer than six, six are not
    wide = FRAME.assign(treated=FRAME["unit"].isin(AREA + ["B1"]))
    five = wide[wide["unit"].isin(AREA + ["B1", "C1", "D1", "E1", "F1", "G1"])]
    six = wide[wide["unit"] != "F2"]
    assert evaluation.did_effect(_panel(five.reset_index(drop=True)), draws=60).placebos == 0
    assert evaluation.did_effect(_panel(six.reset_index(drop=True)), draws=60).placebos == 60
    # pre-trend: fewer than three years before the fake start, or no treated, or only treated units
    assert all(math.isnan(v) for v in evaluation.pre_trend(_panel(FRAME[FRAME["year"] >= 2012]), draws=60))
    assert all(math.isnan(v) for v in evaluation.pre_trend(_panel(FRAME.assign(treated=False)), draws=60))
    assert all(math.isnan(v) for v in evaluation.pre_trend(_panel(only_area), draws=60))
    assert not math.isnan(evaluation.pre_trend(_panel(FRAME[FRAME["year"] >= 2011]), draws=60)[0])


def test_the_placebo_interval_is_the_estimate_minus_the_placebo_quantiles_with_a_rank_p_value():
    """Placebos 0, 1, ..., 99: the 2.5 % and 97.5 % quantiles are 2.475 and 96.525 (positions 0.025 x 99 and
    0.975 x 99); for the estimate 10, 90 placebos lie at or above it and 11 at or below: p = 2 x 12 / 101."""
    placebo = np.arange(100, dtype=float)
    low, high, p = evaluation._randomisation_interval(10.0, placebo, 0.95)
    assert (low, high) == pytest.approx((10 - 96.525, 10 - 2.475)) and p == pytest.approx(24 / 101)
    low, high, p = evaluation._randomisation_interval(95.0, placebo, 0.9)
    # 5 % and 95 % quantiles 4.95 and 94.05; 5 placebos at or above 95 -> p = 2 x 6 / 101
    assert (low, high) == pytest.approx((95 - 94.05, 95 - 4.95)) and p == pytest.approx(12 / 101)
    assert evaluation._randomisation_interval(49.5, placebo, 0.95)[2] == 1.0  # 2 x 51 / 101, capped at 1
    assert isinstance(p, float)
    assert evaluation._randomisation_interval(10.0, placebo[:50], 0.95)[2] == pytest.approx(2 * 12 / 51)
    for estimate, values in [(10.0, placebo[:49]), (np.nan, placebo), (np.inf, placebo)]:
        assert all(math.isnan(v) for v in evaluation._randomisation_interval(estimate, values, 0.95))


def test_placebo_areas_take_whole_stadtteile_in_random_order_until_they_have_the_areas_size():
    """Units per Stadtteil 2, 1, 3, 1, 1 and an area of three units: each draw is whole Stadtteile whose units
    reach three, the last one taken being needed; the draws follow the seeded keys as documented."""
    sizes = np.array([2, 1, 3, 1, 1])
    chosen = evaluation._stadtteil_draws(sizes, 3, 300, 5)
    assert chosen.shape == (300, 5) and chosen.dtype == bool
    by_hand = _placebo_sets(dict(enumerate(sizes.tolist())), 3, 300, 5)
    assert [sorted(np.flatnonzero(row).tolist()) for row in chosen] == by_hand
    totals = chosen @ sizes
    assert (totals >= 3).all() and (totals <= 5).all()
    assert chosen.sum(axis=0).min() > 60  # every Stadtteil is drawn, none always
    single = evaluation._stadtteil_draws(np.ones(6, dtype=int), 1, 600, 2)
    assert (single.sum(axis=1) == 1).all() and single.sum(axis=0).min() > 70
    assert not (evaluation._stadtteil_draws(sizes, 3, 50, 6) == evaluation._stadtteil_draws(sizes, 3, 50, 5)).all()


def test_the_year_columns_are_year_dummies_and_the_same_dummies_times_the_centred_level_before_the_baseline():
    """Years 2019-2021, baseline 2020: a's plain mean up to it (10 + 14) / 2 = 12, b's (4 + 6) / 2 = 5, c has no
    year up to it and gets the mean of all rates, 63 / 6 = 10.5; the six rows' levels average 56.5 / 6."""
    frame = pd.DataFrame({"unit": ["a", "a", "a", "b", "b", "c"], "year": [2019, 2020, 2021, 2019, 2020, 2021],
                          "rate": [10.0, 14.0, 20.0, 4.0, 6.0, 9.0]})
    level = np.array([12, 12, 12, 5, 5, 10.5]) - 56.5 / 6
    dummies = np.array([[0, 0], [1, 0], [0, 1], [0, 0], [1, 0], [0, 1]], dtype=float)
    expected = np.hstack([dummies, dummies * level[:, None]])
    assert evaluation._level_effects(frame, 2020) == pytest.approx(expected)
    later = evaluation._level_effects(frame, 2021)  # a's level (10 + 14 + 20) / 3, c's 9
    assert later[:, 2:] == pytest.approx(dummies * (np.array([44 / 3] * 3 + [5, 5, 9]) - (44 + 10 + 9) / 6)[:, None])


def test_the_unit_lines_are_weighted_least_squares_lines_fitted_on_the_mask_and_carried_on():
    """Unit 0 has three masked years (a weighted line, by hand), units 1 and 3 one (a flat line at its value; unit
    1 at an uneven t with weight 2222, where s0 s2 - s1^2 is rounding noise, unit 3 with weight 1), unit 2 none
    (zeros, not seen)."""
    odd = 2013 - (110 * 2015 + 2013) / 111
    codes = np.array([0, 0, 0, 0, 1, 1, 2, 3, 3])
    t = np.array([-1.0, 0.0, 1.0, 2.0, odd, odd + 1, 2.0, 0.5, 1.5])
    weights = np.array([1.0, 2.0, 1.0, 5.0, 2222.0, 3.0, 1.0, 1.0, 4.0])
    mask = np.array([True, True, True, False, True, False, False, True, False])
    y = np.array([2.0, 3.0, 7.0, 9.0, 3.7, 8.0, 5.0, 6.0, 1.0])
    lines = evaluation._UnitLines(codes, 4, weights, t, mask)
    # unit 0: weighted means t 0 (weights 1, 2, 1), y 15 / 4; slope sum w t y / sum w t^2 = (7 - 2) / 2 = 2.5
    line = 15 / 4 + 2.5 * t[:4]
    fitted = lines.fitted(np.c_[y, 2 * y])
    assert fitted[:, 0] == pytest.approx(np.r_[line, 3.7, 3.7, 0.0, 6.0, 6.0])
    assert fitted[:, 1] == pytest.approx(2 * np.r_[line, 3.7, 3.7, 0.0, 6.0, 6.0])
    assert lines.seen.tolist() == [True, True, False, True]
    assert np.polyfit(t[:3], y[:3], 1, w=np.sqrt(weights[:3])) == pytest.approx([2.5, 15 / 4])


def _residuals(frame: pd.DataFrame, columns: np.ndarray) -> np.ndarray:
    """Columns minus their weighted least-squares fit on the explicit fixed part (all observations)."""
    design, w = _design(frame, BASELINE), frame["denominator"].to_numpy()
    return np.column_stack([c - design @ _wls(design, c, w) for c in columns.T])


def test_the_projection_is_the_weighted_regression_on_explicit_dummies_with_a_crv1_covariance_by_stadtteil():
    """The residualised rate and treatment columns equal the residuals of numpy's weighted least squares on the
    explicit fixed part (a unit seen in one year has a level only); the coefficients are the full model's, the
    covariance the CRV1 sandwich by Stadtteil with G / (G - 1) x (N - 1) / (N - rank - k), written out; the
    p-values and intervals from the normal distribution."""
    # S1, seen in 2013 only (weights 2222: its determinant s0 s2 - s1^2 is rounding noise, not 0)
    frame = pd.concat([FRAME, pd.DataFrame([{"unit": "S1", "year": 2013, "numerator": 333.0, "denominator": 2222.0,
                                             "rate": 33300 / 2222, "treated": False, "post": False,
                                             "stadtteil": 107}])], ignore_index=True)
    panel = _panel(frame)
    projection = panel.projection()
    assert panel.projection() is projection
    design = _design(frame, BASELINE)
    assert projection.rank == np.linalg.matrix_rank(design)
    assert projection.rate == pytest.approx(_residuals(frame, frame[["rate"]].to_numpy())[:, 0], abs=1e-8)
    treated = frame["treated"].to_numpy()
    columns = np.c_[treated & (frame["year"] > BASELINE).to_numpy(), treated & (frame["year"] > 2018).to_numpy()]
    assert evaluation._treatment(frame, BASELINE) == pytest.approx(columns[:, :1].astype(float))
    assert evaluation._treatment(frame, 2018)[:, 0].tolist() == columns[:, 1].astype(float).tolist()
    residual = _residuals(frame, columns.astype(float))
    assert projection(columns.astype(float)) == pytest.approx(residual, abs=1e-8)

    w, y = frame["denominator"].to_numpy(), projection.rate
    for k in (1, 2):
        x = residual[:, :k]
        fit = projection.fit(columns[:, :k].astype(float), 0.95)
        bread = np.linalg.inv(x.T @ (x * w[:, None]))
        beta = bread @ x.T @ (w * y)
        full = _wls(np.hstack([columns[:, :k], design]), frame["rate"].to_numpy(), w)[:k]
        assert fit.params == pytest.approx(beta, rel=1e-7) and beta == pytest.approx(full, rel=1e-6)
        e = y - x @ beta
        groups = frame["stadtteil"].to_numpy()
        scores = [(x[groups == g] * (w * e)[groups == g][:, None]).sum(axis=0) for g in np.unique(groups)]
        meat = sum(np.outer(s, s) for s in scores)
        n, g = len(frame), len(scores)
        covariance = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - projection.rank - k)
        assert fit.covariance == pytest.approx(covariance, rel=1e-7)
        se = np.sqrt(np.diag(covariance))
        assert fit.bse == pytest.approx(se, rel=1e-7)
        assert fit.pvalues == pytest.approx([math.erfc(abs(b / s) / math.sqrt(2)) for b, s in zip(beta, se)],
                                            rel=1e-6)
        assert fit.conf_int() == pytest.approx(np.c_[beta - Z975 * se, beta + Z975 * se], rel=1e-7)
        assert fit.conf_int(0.1) == pytest.approx(np.c_[beta - Z95 * se, beta + Z95 * se], rel=1e-7)


def _glm_ratio(cells: pd.DataFrame, left_out: set, counted: set) -> tuple[float, float]:
    """statsmodels' Poisson GLM with group and year dummies and log(denominator) as offset, fitted on the cells
    except the later years of the ``left_out`` groups: observed over expected count of the ``counted`` groups'
    later years (and that observed count). A group or year without any fitted cell expects nothing (0)."""
    later = (cells["year"] > BASELINE).to_numpy()
    fit_on = ~(cells["group"].isin(left_out).to_numpy() & later)
    groups = sorted(set(cells.loc[fit_on, "group"]))
    years = sorted(set(cells.loc[fit_on, "year"]))
    design = np.column_stack([(cells["group"] == g).to_numpy(dtype=float) for g in groups]
                             + [(cells["year"] == y).to_numpy(dtype=float) for y in years[1:]])
    offset = np.log(cells["denominator"].to_numpy())
    fit = sm.GLM(cells["numerator"].to_numpy()[fit_on], design[fit_on], family=sm.families.Poisson(),
                 offset=offset[fit_on]).fit()
    known = cells["group"].isin(groups).to_numpy() & cells["year"].isin(years).to_numpy()
    mine = cells["group"].isin(counted).to_numpy() & later
    expected = np.exp(design[mine & known] @ fit.params + offset[mine & known]).sum()
    observed = cells["numerator"].to_numpy()[mine].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(observed) / expected), observed


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts per group (Stadtteil, inside or outside the area) and year, only where the group has units."""
    return frame.assign(group=list(zip(frame["stadtteil"], frame["treated"]))).groupby(
        ["group", "year"], as_index=False)[["numerator", "denominator"]].sum()


@lru_cache(maxsize=None)
def _count_parts(name: str, stadtteile: tuple | None) -> tuple[float, float]:
    """The area's ratio and count (``stadtteile`` None), or a placebo area's, fitted on the rest of the city."""
    cells = _cells(FRAMES[name])
    area = {g for g in cells["group"] if g[1]}
    if stadtteile is None:
        return _glm_ratio(cells, area, area)
    chosen = {(s, False) for s in stadtteile}
    return _glm_ratio(cells[~cells["group"].isin(area)], chosen, chosen)


def _count_hand(name: str, draws: int = 60, seed: int = 11, level: float = 0.95) -> tuple:
    """The rate ratio of the area's groups, and its placebo interval: placebo areas drawn from the Stadtteile
    outside the area (units per Stadtteil), each fitted on the rest of the city alone; log ratios rescaled by
    the square root of the placebo's count over the area's, infinite ones left out."""
    frame = FRAMES[name]
    ratio, area_count = _count_parts(name, None)
    sizes = frame[~frame["treated"]].groupby("stadtteil")["unit"].nunique().to_dict()
    logs = []
    for stadtteile in _placebo_sets(sizes, frame.loc[frame["treated"], "unit"].nunique(), draws, seed):
        placebo, count = _count_parts(name, tuple(stadtteile))
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.log(placebo) * math.sqrt(count / area_count)
        if np.isfinite(value):
            logs.append(float(value))
    low, high, p = _interval(math.log(ratio), logs, level)
    return ratio, math.exp(low), math.exp(high), p


def _count_frames() -> dict:
    after = FRAME["treated"] & FRAME["post"]
    one = FRAME.assign(numerator=FRAME["numerator"].where(~after, 0.0))
    one.loc[after.idxmax(), "numerator"] = 1.0
    edge = FRAME.assign(numerator=FRAME["numerator"].where(~((FRAME["stadtteil"] == 103) & FRAME["post"]), 0.0))
    later = FRAME[FRAME["unit"].isin(["F1", "F2"]) & FRAME["post"]]
    new = later.assign(unit=later["unit"].map({"F1": "N1", "F2": "N2"}), stadtteil=108)
    earlier = FRAME[FRAME["unit"].isin(["F1", "F2"]) & ~FRAME["post"]]
    old = earlier.assign(unit=earlier["unit"].map({"F1": "O1", "F2": "O2"}), stadtteil=109)
    last = FRAME[FRAME["treated"] & (FRAME["year"] == 2020)].assign(year=2021)
    gaps = FRAME[~((FRAME["unit"] == "D1") & (FRAME["year"] == 2019))
                 & ~(FRAME["treated"] & (FRAME["year"] == 2018))].reset_index(drop=True)
    gaps.loc[(gaps["unit"] == "B1") & (gaps["year"] == 2012), ["numerator", "denominator", "rate"]] = [0.0, 1.0, 0.0]
    wide = FRAME.assign(treated=FRAME["unit"].isin(AREA + ["B1"]))
    return {"frame": FRAME,
            "gaps": gaps,
            "split": FRAME.assign(treated=FRAME["unit"] == "A1"),
            "six": wide[wide["unit"] != "F2"].reset_index(drop=True),
            "one": one, "edge": pd.concat([edge, new, old, last], ignore_index=True),
            "few": FRAME[FRAME["stadtteil"] <= 105].reset_index(drop=True)}


FRAMES = _count_frames()
"""The count model's panels: FRAME; without D1 in 2019 and the area in 2018, B1 of 2012 with 0 of 1; only A1
treated; an area of three units with six outside; four Stadtteile outside the area; one count of the area after
the baseline; Stadtteil 103 without counts after the baseline, a new Stadtteil 108 with units only after it, a
Stadtteil 109 with units only up to it and a year 2021 with data of the area only."""


def test_the_count_model_is_the_poisson_glm_on_the_untreated_cells_with_a_placebo_interval_of_log_ratios():
    """The rate ratio is the area's observed count after the baseline over what statsmodels' Poisson GLM (group
    and year effects, log denominator offset) fitted without those cells expects; the placebo ratios come from the
    rest of the city alone, each log ratio rescaled by the square root of its count over the area's. Stadtteil 104
    has no unit in 2019 and the area none in 2018 (cells without units are no cells)."""
    frame = FRAMES["gaps"]
    result = evaluation.count_model(_panel(frame), 0.95, draws=60, seed=11)
    assert result == pytest.approx(_count_hand("gaps"), rel=1e-9)
    assert result[0] < 1  # the built-in effect lowers the count, as a check of the premise
    assert all(isinstance(v, float) for v in result)
    assert evaluation.count_model(_panel(frame), 0.9, draws=60, seed=11) == pytest.approx(
        _count_hand("gaps", level=0.9), rel=1e-9)
    # only A1 treated: A2 is a comparison group of its own in the area's Stadtteil
    assert evaluation.count_model(_panel(FRAMES["split"]), draws=60, seed=11)[0] == pytest.approx(
        _count_parts("split", None)[0], rel=1e-9)
    # too few Stadtteile outside the area for placebo areas: the ratio alone
    ratio_few = evaluation.count_model(_panel(FRAMES["few"]), draws=60)
    assert ratio_few[0] == pytest.approx(_count_parts("few", None)[0], rel=1e-9)
    assert all(math.isnan(v) for v in ratio_few[1:])
    # an area of three units (A1, A2, B1): five units outside it are fewer than six, six in five Stadtteile not
    wide = FRAME.assign(treated=FRAME["unit"].isin(AREA + ["B1"]))
    five = wide[wide["unit"].isin(AREA + ["B1", "C1", "D1", "E1", "F1", "G1"])].reset_index(drop=True)
    assert all(math.isnan(v) for v in evaluation.count_model(_panel(five), draws=60)[1:])
    assert all(np.isfinite(evaluation.count_model(_panel(FRAMES["six"]), draws=60, seed=11)))
    # no area or no year after the baseline: nothing
    assert all(math.isnan(v) for v in evaluation.count_model(_panel(FRAME.assign(treated=False)), draws=60))
    assert all(math.isnan(v) for v in evaluation.count_model(_panel(FRAME.assign(post=False), 2020), draws=60))
    # an area without any count after the baseline: ratio 0, no interval; with a single one: an interval
    after = FRAME["treated"] & FRAME["post"]
    zero = evaluation.count_model(_panel(FRAME.assign(numerator=FRAME["numerator"].where(~after, 0.0))), draws=60)
    assert zero[0] == 0.0 and all(math.isnan(v) for v in zero[1:])
    single = evaluation.count_model(_panel(FRAMES["one"]), draws=60, seed=11)
    assert single[0] == pytest.approx(_count_parts("one", None)[0], rel=1e-9) and all(np.isfinite(single))


def test_placebo_areas_without_a_count_or_without_an_earlier_year_drop_out_of_the_count_model_silently():
    """Stadtteil 103 has no count after the baseline (its placebo ratio is 0: log -inf), a new Stadtteil 108 has
    units only after it (no cell to fit its level: it expects nothing, its ratio is infinite), Stadtteil 109 only
    before it (no cell to count: 0 / 0); such placebos are left out, without a warning of numpy. In 2021 only the
    area has data: no cell fits that year, its cells expect nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluation.count_model(_panel(FRAMES["edge"]), draws=150, seed=11)
    assert result == pytest.approx(_count_hand("edge", draws=150), rel=1e-9)
    assert all(np.isfinite(result))


def test_the_unit_counts_sum_the_parts_and_keep_only_complete_unit_years_with_a_positive_denominator():
    """Per mille of (n1 + n2) over (d1 + d2): a 2020 (3 + 2) / (100 + 150) = 20, c 2020 (7 + 1) / (300 + 100) = 20,
    c 2021 (2 + 0) / (40 + 60) = 20, d 2021 0 / (1 + 0) = 0 per mille; a 2021 lacks n2, b 2020 has no one, b 2021
    lacks d2, c 2022 is after the last year. A variable without any row leaves no unit-year. Built once per
    dataset and key; each call gets its own copy."""
    rows = [("a", 2020, "n1", 3), ("a", 2020, "n2", 2), ("a", 2020, "d1", 100), ("a", 2020, "d2", 150),
            ("a", 2020, "other", 9), ("a", 2021, "n1", 4), ("a", 2021, "d1", 100), ("a", 2021, "d2", 150),
            ("b", 2020, "n1", 0), ("b", 2020, "n2", 0), ("b", 2020, "d1", 0), ("b", 2020, "d2", 0),
            ("b", 2021, "n1", 1), ("b", 2021, "n2", 1), ("b", 2021, "d1", 50),
            ("c", 2020, "n1", 7), ("c", 2020, "n2", 1), ("c", 2020, "d1", 300), ("c", 2020, "d2", 100),
            ("c", 2021, "n1", 2), ("c", 2021, "n2", 0), ("c", 2021, "d1", 40), ("c", 2021, "d2", 60),
            ("c", 2022, "n1", 2), ("c", 2022, "n2", 2), ("c", 2022, "d1", 100), ("c", 2022, "d2", 100),
            ("d", 2021, "n1", 0), ("d", 2021, "n2", 0), ("d", 2021, "d1", 1), ("d", 2021, "d2", 0)]
    statistics = pd.DataFrame(rows, columns=["unit", "year", "variable", "count"]).astype({"count": float})
    ds = SimpleNamespace(statistics=statistics, cache={})
    indicator = Indicator(id="q", label="Quote", lebenslage="Wohnen", numerator=["n1", "n2"],
                          denominator=["d1", "d2"], direction="neutral", source="Amt", unit="per_1000")
    counts = evaluation.unit_counts(ds, indicator, 2021)
    assert list(counts.columns) == ["unit", "year", "numerator", "denominator", "rate"]
    assert list(zip(counts["unit"], counts["year"])) == [("a", 2020), ("c", 2020), ("c", 2021), ("d", 2021)]
    assert counts["numerator"].tolist() == [5.0, 8.0, 2.0, 0.0]
    assert counts["denominator"].tolist() == [250, 400, 100, 1]
    assert counts["rate"].tolist() == pytest.approx([20.0, 20.0, 20.0, 0.0])
    assert counts["year"].dtype == np.int64
    everything = evaluation.unit_counts(ds, indicator)
    assert everything["year"].tolist() == [2020, 2020, 2021, 2022, 2021]
    percent = evaluation.unit_counts(ds, indicator.model_copy(update={"unit": "percent"}), 2021)
    assert percent["rate"].tolist() == pytest.approx([2.0, 2.0, 2.0, 0.0])
    assert evaluation.unit_counts(ds, indicator.model_copy(update={"denominator": ["d1", "d3"]})).empty
    assert len(ds.cache["unit_counts"]) == 4
    counts.loc[0, "rate"] = -1.0
    again = evaluation.unit_counts(ds, indicator, 2021)
    assert again["rate"].tolist() == pytest.approx([20.0, 20.0, 20.0, 0.0]) and len(ds.cache["unit_counts"]) == 4
    ds.statistics = statistics.iloc[:0]  # a stored table is read back, not built again
    assert len(evaluation.unit_counts(ds, indicator, 2021)) == 4


def _dataset(extra: list | None = None) -> SimpleNamespace:
    """A stand-in data set holding FRAME's counts (variables sgb2 and pop) plus a year 2021, a unit H1 of another
    programme area and a unit X1 without numerators."""
    rows = [(r.unit, r.year, "sgb2", r.numerator) for r in FRAME.itertuples()]
    rows += [(r.unit, r.year, "pop", r.denominator) for r in FRAME.itertuples()]
    rows += [(u, 2021, v, 100.0) for u in FRAME["unit"].unique() for v in ("sgb2", "pop")]
    rows += [("H1", y, v, 500.0 if v == "sgb2" else 1000.0) for y in YEARS for v in ("sgb2", "pop")]
    rows += [("X1", y, "pop", 1000.0) for y in YEARS] + (extra or [])
    units = [(u, s) for s, members in STADTTEILE.items() for u in members] + [("H1", 108), ("X1", 108)]
    catalogue = SimpleNamespace(threshold=lambda indicator: {"sgb2_quote": 10, "turnout": 7}[indicator.id],
                                denominator_threshold=lambda indicator: {"sgb2_quote": 5, "turnout": 3}[indicator.id])
    return SimpleNamespace(statistics=pd.DataFrame(rows, columns=["unit", "year", "variable", "count"]), cache={},
                           units=pd.DataFrame(units, columns=["unit_id", "stadtteil_nr"]), catalogue=catalogue,
                           membership=SimpleNamespace(table=pd.DataFrame({"unit_id": AREA + ["H1"],
                                                                          "area_id": ["kalk", "kalk", "mülheim"]})),
                           unit_ids=lambda area_id: {"kalk": AREA, "leer": []}[area_id])


QUOTE = Indicator(id="sgb2_quote", label="SGB-II-Quote", short_label="SGB II", lebenslage="Erwerbstätigkeit",
                  numerator=["sgb2"], denominator=["pop"], direction="higher_is_worse", source="Jobcenter")


def test_the_area_panel_is_the_area_and_the_rest_of_the_city_without_the_other_programme_areas():
    """The panel up to 2020 holds FRAME's rows: the unit of another area (H1) and the unit without numerators (X1)
    are not in it, nor the year 2021; rows sorted by unit and year with Stadtteil, treated and post."""
    panel = evaluation.unit_panel(_dataset(), QUOTE, "kalk", BASELINE, 2020)
    expected = FRAME.sort_values(["unit", "year"]).reset_index(drop=True)
    assert panel.frame[["unit", "year", "numerator", "denominator"]].equals(
        expected[["unit", "year", "numerator", "denominator"]])
    assert panel.frame["rate"].tolist() == pytest.approx(expected["rate"].tolist(), rel=1e-12)
    assert panel.frame["treated"].tolist() == expected["treated"].tolist()
    assert panel.frame["post"].tolist() == expected["post"].tolist()
    assert panel.frame["stadtteil"].tolist() == expected["stadtteil"].tolist()
    assert panel.frame.index.tolist() == list(range(len(expected)))
    assert list(panel.frame.columns) == ["unit", "year", "numerator", "denominator", "rate", "treated", "stadtteil",
                                         "post"]
    assert (panel.treated_units, panel.baseline_year, panel.indicator) == (AREA, BASELINE, QUOTE)
    whole = evaluation.unit_panel(_dataset(), QUOTE, "kalk", 2018)
    assert whole.frame["year"].max() == 2021 and whole.frame["post"].sum() == 3 * 10
    assert "H1" not in set(whole.frame["unit"])


def test_the_evaluation_row_holds_the_hand_worked_effect_count_model_pre_trend_and_the_areas_counts():
    """One row per indicator from the stand-in data (seed 2020 of the placebo draws): the effect and its placebo
    figures, the area's rates, the smallest and mean yearly counts of the area (653.8 a year on average: the
    count model only below that limit) and the pre-trend; an indicator of the latest available year, a baseline
    with one year before it, one without a year after it and an area without units are not evaluable."""
    ds = _dataset()
    turnout = Indicator(id="turnout", label="Wahlbeteiligung", lebenslage="Wohnen", numerator=["sgb2"],
                        denominator=["pop"], direction="higher_is_better", source="Wahlamt", latest_available=True)
    table = evaluation.evaluate(ds, "kalk", [turnout, QUOTE], BASELINE, 2020, draws=60)
    latest, row = table.to_dict("records")
    area = FRAME[FRAME["treated"]].groupby("year")[["numerator", "denominator"]].sum()
    rate = area["numerator"] / area["denominator"] * 100
    assert (row["indicator"], row["label"], row["unit"], row["direction"]) == (
        "sgb2_quote", "SGB II", "percent", "higher_is_worse")
    assert (row["pre_years"], row["post_years"], row["status"]) == (7, 4, "ok")
    assert (row["area_count_min"], row["area_denominator_min"]) == (area["numerator"].min(),
                                                                    area["denominator"].min())
    assert (row["threshold"], row["denominator_threshold"]) == (10, 5)
    estimate, by_year = _imputed(FRAME, BASELINE, frozenset(AREA), frozenset(AREA))
    values = [_placebo_of(tuple(s))[0] for s in _placebo_sets(SIZES, 2, 60, 2020)]
    sd = statistics.stdev(values)
    assert [row[k] for k in ("estimate", "ci_low", "ci_high", "p_value", "placebo_sd", "mde")] == pytest.approx(
        [estimate, *_interval(estimate, values, 0.95)[:2], _interval(estimate, values, 0.95)[2], sd,
         (Z975 + Z80) * sd], rel=1e-7)
    assert (row["treated_units"], row["control_units"], row["placebos"]) == (2, 8, 60)
    assert [row["actual_then"], row["actual_now"], row["expected_now"]] == pytest.approx(
        [rate[2016], rate[2020], rate[2020] - by_year[2020]], rel=1e-8)
    assert (row["first_year_after"], row["last_year"]) == (2017, 2020)
    assert row["area_count_mean"] == pytest.approx(area["numerator"].mean())
    assert all(math.isnan(row[k]) for k in ("rate_ratio", "rate_ratio_low", "rate_ratio_high", "rate_ratio_p"))
    early = _imputed(_early_frame(), 2013, frozenset(AREA), frozenset(AREA))[0]
    early_placebos = [_placebo_of(tuple(s), 2013)[0] for s in _placebo_sets(SIZES, 2, 60, 2020)]
    assert (row["pre_trend"], row["pre_trend_p"]) == pytest.approx(
        (early, _interval(early, early_placebos, 0.95)[2]), rel=1e-8)
    assert (latest["indicator"], latest["status"], latest["label"], latest["direction"]) == (
        "turnout", "nicht auswertbar", "Wahlbeteiligung", "higher_is_better")
    assert (latest["pre_years"], latest["post_years"], latest["threshold"], latest["denominator_threshold"]) == (
        7, 4, 7, 3)
    assert math.isnan(latest["estimate"]) and latest["area_count_min"] == area["numerator"].min()

    counted = evaluation.evaluate(ds, "kalk", [QUOTE], BASELINE, 2020, level=0.9, small_count_limit=654,
                                  draws=60).iloc[0]
    assert [counted[k] for k in ("rate_ratio", "rate_ratio_low", "rate_ratio_high", "rate_ratio_p")] == \
        pytest.approx(_count_hand("frame", 60, 2020, 0.9), rel=1e-9)
    assert (counted["ci_low"], counted["ci_high"]) == pytest.approx(_interval(estimate, values, 0.9)[:2], rel=1e-7)
    for limit in (653, area["numerator"].mean()):  # the count model only below the limit
        assert math.isnan(evaluation.evaluate(ds, "kalk", [QUOTE], BASELINE, 2020, small_count_limit=limit,
                                              draws=60).iloc[0]["rate_ratio"])
    for baseline, year, area_id in [(2010, 2020, "kalk"), (2011, 2020, "leer"), (2020, 2020, "kalk")]:
        other = evaluation.evaluate(ds, area_id, [QUOTE], baseline, year, draws=60).iloc[0]
        assert other["status"] == "nicht auswertbar" and "estimate" not in other, (baseline, area_id)
    assert evaluation.evaluate(ds, "kalk", [QUOTE], 2011, 2020, draws=60).iloc[0]["status"] == "ok"
    one_after = evaluation.evaluate(ds, "kalk", [QUOTE], 2019, 2020, draws=60).iloc[0]
    assert (one_after["post_years"], one_after["status"]) == (1, "ok")
    empty = evaluation.evaluate(ds, "leer", [QUOTE], 2011, 2020, draws=60).iloc[0]
    assert math.isnan(empty["area_count_min"]) and math.isnan(empty["area_denominator_min"])


def test_the_area_effect_is_kept_per_indicator_area_years_level_and_draws():
    ds = _dataset()
    effect = evaluation.area_effect(ds, QUOTE, "kalk", BASELINE, 2020, draws=60)
    assert effect.estimate == pytest.approx(_imputed(FRAME, BASELINE, frozenset(AREA), frozenset(AREA))[0],
                                            rel=1e-8)
    assert evaluation.area_effect(ds, QUOTE, "kalk", BASELINE, 2020, draws=60) is effect
    assert evaluation.area_effect(ds, QUOTE, "kalk", BASELINE, 2020, draws=55).placebos == 55
    assert evaluation.area_effect(ds, QUOTE, "kalk", BASELINE, 2020, 0.9, draws=60).mde == pytest.approx(
        effect.mde * (Z95 + Z80) / (Z975 + Z80))
    assert evaluation.area_effect(ds, QUOTE, "kalk", BASELINE, 2021, draws=60).years["year"].max() == 2021
    assert evaluation.area_effect(ds, QUOTE, "kalk", 2015, 2020, draws=60).years["year"].min() == 2016
    assert len(ds.cache["area_effects"]) == 5


def test_the_gap_closed_is_the_share_of_an_unfavourable_baseline_gap_the_area_made_up(tmp_path):
    """Kalk (80201, 80202) against the city (with 10101). SGB-II children: 2020 area 60 / 240 = 25 %, city
    100 / 640 = 15.625 % (gap 9.375); 2023 area 48 / 240 = 20 %, city 88 / 640 = 13.75 % (gap 6.25): closed
    100 x (1 - 6.25 / 9.375) = 33.3 %. Moves in (neutral) and Grundsicherung im Alter (area 4 % below the city's
    8 %: not worse) have no gap to close; the AsylbLG quote has no count in 2023."""
    rows = []
    for unit, young, older, population, elderly in (("80201", 100, 100, 1000, 200), ("80202", 20, 20, 200, 50),
                                                    ("10101", 150, 250, 3000, 500)):
        for year in (2020, 2023):
            rows += [(unit, year, "pop_0_5", young), (unit, year, "pop_6_14", older),
                     (unit, year, "population", population), (unit, year, "pop_65_plus", elderly)]
    counts = {"sgb2_u15": ((50, 10, 40), (40, 8, 40)), "moves_in": ((60, 20, 90), (30, 10, 90)),
              "gsi_age": ((10, 0, 50), (12, 3, 45)), "asylblg": ((30, 6, 30), None)}
    for variable, (then, now) in counts.items():
        rows += [(unit, 2020, variable, c) for unit, c in zip(("80201", "80202", "10101"), then)]
        rows += [(unit, 2023, variable, c) for unit, c in zip(("80201", "80202", "10101"), now or ())]
    folder = write(tmp_path / "data" / "statistics.csv", statistics_rows(rows)).parent
    write(folder / "units.csv", UNITS_CSV)
    ds = load_dataset(folder, PARAMETERS, use_cache=False)
    ids = ["sgb2_children_quote", "moves_in_rate", "gsi_age_quote", "asylblg_quote", "unemployment_share"]
    table = evaluation.gap_closure(ds, "kalk", [ds.catalogue.indicator(i) for i in ids], 2020, 2023)
    assert table["indicator"].tolist() == ids
    children, moves, elderly, asylum, unknown = table.to_dict("records")
    # no count of the unemployed at all: every value unknown (NaN, not None)
    assert all(math.isnan(unknown[k]) for k in ("area_then", "city_now", "gap_then", "gap_closed", "numerator_now"))
    assert (children["label"], children["unit"]) == ("SGB-II-Quote unter 15", "percent")
    assert [children[k] for k in ("area_then", "city_then", "area_now", "city_now", "gap_then", "gap_now",
                                  "gap_closed")] == pytest.approx([25, 15.625, 20, 13.75, 9.375, 6.25, 100 / 3])
    assert [children[k] for k in ("numerator_then", "denominator_then", "numerator_now", "denominator_now")] == [
        60, 240, 48, 240]
    assert (children["threshold"], children["denominator_threshold"]) == (10, 5)
    assert [moves[k] for k in ("area_then", "city_then", "area_now", "city_now")] == pytest.approx(
        [80 / 1.2, 170 / 4.2, 40 / 1.2, 130 / 4.2])
    assert moves["unit"] == "per_1000" and math.isnan(moves["gap_closed"])
    assert (elderly["gap_then"], elderly["gap_now"]) == pytest.approx((-4.0, -2.0))
    assert math.isnan(elderly["gap_closed"])
    assert asylum["gap_then"] == pytest.approx(3 - 6600 / 4200) and math.isnan(asylum["gap_now"])
    assert math.isnan(asylum["gap_closed"]) and math.isnan(asylum["numerator_now"])
    assert asylum["numerator_then"] == 36 and asylum["denominator_then"] == 1200
    assert list(table.columns) == [
        "indicator", "label", "unit", "area_then", "city_then", "area_now", "city_now", "gap_then", "gap_now",
        "gap_closed", "numerator_then", "denominator_then", "numerator_now", "denominator_now", "threshold",
        "denominator_threshold"]
    # a year without any data: nothing now, and the baseline values stay
    later = evaluation.gap_closure(ds, "kalk", [ds.catalogue.indicator(ids[0])], 2020, 2025).iloc[0]
    assert later["gap_then"] == pytest.approx(9.375) and math.isnan(later["gap_now"]) and math.isnan(later["area_now"])
    assert math.isnan(later["numerator_now"]) and math.isnan(later["denominator_now"])


def test_placebo_areas_without_an_earlier_year_or_without_an_earlier_count_drop_out_silently():
    """A new Stadtteil 108 has units only after the baseline (a placebo area of it alone has no unit to impute) and
    Stadtteil 103 no count up to it (its placebo level is 0, the rescaling infinite): such placebos are left out,
    without a warning of numpy; the estimate is the hand-fitted one."""
    later = FRAME[FRAME["unit"].isin(["F1", "F2"]) & FRAME["post"]]
    new = later.assign(unit=later["unit"].map({"F1": "N1", "F2": "N2"}), stadtteil=108)
    silent = FRAME.assign(numerator=FRAME["numerator"].where(~((FRAME["stadtteil"] == 103) & ~FRAME["post"]), 0.0))
    silent = pd.concat([silent.assign(rate=silent["numerator"] / silent["denominator"] * 100), new],
                       ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        effect = evaluation.did_effect(_panel(silent), draws=80, seed=11)
    assert effect.estimate == pytest.approx(_imputed(silent, BASELINE, frozenset(AREA), frozenset(AREA))[0],
                                            rel=1e-8)
    sizes = {**SIZES, 108: 2}
    alone = sum(s in ([103], [108]) for s in _placebo_sets(sizes, 2, 80, 11))
    assert alone > 0 and effect.placebos == 80 - alone
    assert np.isfinite([effect.ci_low, effect.ci_high, effect.placebo_sd]).all()


def test_a_count_suppressed_at_source_leaves_its_unit_year_out_instead_of_counting_as_zero(tmp_path):
    """Regression (found by the mutation tests): a numerator given as "*" in statistics.csv (suppressed at source)
    became a real 0 in the unit counts, so the unit-year entered the evaluation with a rate of 0 %. By hand: Kalk 1
    50 of 100 + 200 = 300 (16,67 %), Altstadt-Süd 1 40 of 300 (13,33 %), Kalk 2 unknown: no row."""
    rows = [(unit, 2023, variable, count) for unit in ("80201", "80202", "10101")
            for variable, count in (("pop_0_5", 100), ("pop_6_14", 200))]
    rows += [("80201", 2023, "sgb2_u15", 50), ("80202", 2023, "sgb2_u15", "*"), ("10101", 2023, "sgb2_u15", 40)]
    folder = write(tmp_path / "data" / "statistics.csv", statistics_rows(rows)).parent
    write(folder / "units.csv", UNITS_CSV)
    ds = load_dataset(folder, PARAMETERS, use_cache=False)
    counts = evaluation.unit_counts(ds, ds.catalogue.indicator("sgb2_children_quote"))
    assert counts["unit"].tolist() == ["10101", "80201"]
    assert counts["numerator"].tolist() == [40.0, 50.0] and counts["denominator"].tolist() == [300.0, 300.0]
    assert counts["rate"].tolist() == pytest.approx([40 / 3, 50 / 3])
