"""Independent tests of the imputation estimator (``veedel_lib/analysis/staggered.py``; issue #30 item 9).

Expected values come from hand-worked means on a tiny balanced panel, or from a second implementation written
out here with numpy: the untreated-outcome model as an explicit dummy design (unit levels, unit trends in the year,
year dummies, year dummies times the level) fitted by weighted least squares with ``numpy.linalg.pinv`` on the
untreated rows, the clustered standard error from Borusyak, Jaravel and Spiess's residuals, and the restricted wild
cluster bootstrap by brute force (every bootstrap outcome built, re-estimated and studentised). Nothing here uses
the module's fitting code. Tiny hand-made panels only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis import staggered
from veedel_lib.analysis.staggered import Imputation, inverted_bound

YEARS4 = [2015, 2016, 2017, 2018]


def _fit_operator(unit, year, level, weights, sample, trends):
    """H with ``H @ y`` = the fitted (sample rows) and imputed (other rows) untreated outcome, by explicit dummies.

    The design: a dummy per unit, the unit dummy times the year for units with two sample years (``trends``),
    a dummy per year but the first, and those year dummies times ``level`` (when given); WLS on the sample rows
    through the pseudo-inverse of the weighted design."""
    columns = []
    for u in pd.unique(unit):
        dummy = (unit == u).astype(float)
        columns.append(dummy)
        if trends and len(np.unique(year[(unit == u) & sample])) >= 2:
            columns.append(dummy * year)
    for t in np.unique(year)[1:]:
        columns.append((year == t).astype(float))
        if level is not None:
            columns.append((year == t) * level)
    x = np.column_stack(columns)
    root = np.sqrt(weights[sample])
    operator = np.zeros((len(year), len(year)))
    operator[:, sample] = x @ np.linalg.pinv(x[sample] * root[:, None], rcond=1e-10) * root[None, :]
    return operator


class _Reference:
    """The imputation estimator and its clustered standard error, written out independently (see module doc)."""

    def __init__(self, unit, year, y, weights, first, clusters, level=None, cells=None, trends=True):
        self.unit, self.year, self.y = np.asarray(unit), np.asarray(year), np.asarray(y, dtype=float)
        self.w, self.level, self.trends = np.asarray(weights, dtype=float), level, trends
        self.first = np.asarray(first, dtype=float)
        self.treated = self.year >= self.first  # inf: never
        self.clusters = np.asarray(clusters)
        self.cells = self.first if cells is None else np.asarray(cells)
        untreated = ~self.treated
        self.fit = _fit_operator(self.unit, self.year, level, self.w, untreated, trends)
        need = 2 if trends else 1
        years_before = pd.Series(self.year[untreated]).groupby(self.unit[untreated]).nunique()
        unit_ok = np.array([years_before.get(u, 0) >= need for u in self.unit])
        self.estimable = self.treated & unit_ok & np.isin(self.year, self.year[untreated])

    def omega(self, stated):
        omega = np.where(self.estimable, stated, 0.0)
        return omega / omega.sum()

    def v(self, omega):
        """theta = omega @ (I - H) y, so v = (I - H)' omega."""
        return omega - self.fit.T @ omega

    def residuals(self, outcomes, support):
        """Borusyak, Jaravel and Spiess's residuals of each column of ``outcomes`` (n x k)."""
        departure = outcomes - self.fit @ outcomes
        result = np.where((~self.treated)[:, None], departure, 0.0)
        frame = pd.DataFrame({"cell": [f"{c}|{t}" for c, t in zip(self.cells, self.year)], "year": self.year,
                              "unit": self.unit})
        units_in_cell = frame[support].groupby("cell")["unit"].nunique()
        for i in np.flatnonzero(support):
            if units_in_cell[frame["cell"][i]] >= 2:
                peers = support & (frame["cell"] == frame["cell"][i]).to_numpy()
            else:
                peers = support & (self.year == self.year[i])
            mean = (self.w[peers] @ departure[peers]) / self.w[peers].sum()
            result[i] = departure[i] - mean
        return result

    def theta_se(self, outcomes, omega):
        """Estimate and clustered standard error (factor G / (G - 1)) for each column of ``outcomes``."""
        v = self.v(omega)
        support = omega > 0
        weighted = v[:, None] * self.residuals(outcomes, support)
        scores = pd.DataFrame(weighted).groupby(self.clusters, sort=False).sum().to_numpy()
        count = len(pd.unique(self.clusters))
        return v @ outcomes, np.sqrt(count / (count - 1) * (scores ** 2).sum(axis=0))

    def p_value(self, omega, b0, draws, seed):
        """The restricted wild cluster bootstrap p-value of "every effect of the support equals b0", by brute force:
        fit the untreated model to y - b0 on the untreated rows and the support, and build every bootstrap outcome
        y* = fitted + b0 + residual * (Webb weight of the cluster), re-estimate and studentise it."""
        support = omega > 0
        sample = ~self.treated | support
        shifted = self.y - b0 * support
        restricted = _fit_operator(self.unit, self.year, self.level, self.w, sample, self.trends)
        fitted = restricted @ shifted
        residual = np.where(sample, shifted - fitted, 0.0)
        # Webb's six points (Webb 2014), one column per cluster in the order the clusters first appear
        webb = np.array([-math.sqrt(3 / 2), -1.0, -math.sqrt(1 / 2), math.sqrt(1 / 2), 1.0, math.sqrt(3 / 2)])
        draw = np.random.default_rng(seed).choice(webb, size=(draws, len(pd.unique(self.clusters))))
        codes = pd.factorize(self.clusters)[0]
        outcomes = (fitted + b0 * support)[:, None] + residual[:, None] * draw[:, codes].T
        theta, se = self.theta_se(self.y[:, None], omega)
        star, se_star = self.theta_se(outcomes, omega)
        extreme = ((star - b0) / se_star) ** 2 >= ((theta[0] - b0) / se[0]) ** 2
        return (extreme.sum() + 1) / (draws + 1)


def _panel(seed: int = 3):
    """Ten units over 2010-2016 with their own levels, trends and noise, uneven weights, clusters of one or two
    units: cohort 2013 (units 0 and 1, one cluster), cohort 2014 (unit 2 alone), cohort 2015 (units 3 and 4),
    unit 5 entering 2011 (one untreated year only), units 6-8 never treated, unit 9 treated in every year (from
    2010: nothing to impute from); unit 7 misses 2012, and in 2016 only treated units are observed (no untreated
    year to impute it from)."""
    rng = np.random.default_rng(seed)
    first = np.array([2013, 2013, 2014, 2015, 2015, 2011, np.inf, np.inf, np.inf, 2010])
    years = np.arange(2010, 2017)
    unit = np.repeat(np.arange(10), len(years))
    year = np.tile(years, 10)
    keep = ~((unit == 7) & (year == 2012)) & ~((year == 2016) & ~np.isfinite(first[unit]))
    unit, year = unit[keep], year[keep]
    y = (rng.normal(10, 3, 10)[unit] + rng.normal(0, 0.5, 10)[unit] * (year - 2013)
         + rng.normal(0, 1, len(years))[year - 2010] + rng.normal(0, 0.4, len(unit))
         + np.where(year >= first[unit], 1.0 + 0.5 * (year - first[unit]), 0.0))
    weights = rng.uniform(1, 4, len(unit))
    clusters = np.array(["a", "a", "b", "c", "d", "e", "f", "g", "g", "h"])[unit]
    level = np.array([3.0, 5.0, 4.0, 8.0, 2.0, 6.0, 1.0, 7.0, 4.5, 5.5])[unit]
    return unit, year, y, weights, first[unit], clusters, level


def test_the_effects_of_one_cohort_against_never_treated_units_are_the_hand_worked_differences_of_means():
    """Units A and B enter in 2017, C and D never. Without trends the imputed untreated outcome is the unit's mean
    before 2017 plus the controls' mean change from their own 2015-2016 mean: C 11 -> 13, 15 and D 20 -> 23, 25,
    so +2.5 in 2017 and +4.5 in 2018. A (mean 6): 8.5, 10.5 against 12, 14 -> effects 3.5, 3.5; B (mean 9): 11.5,
    13.5 against 13, 16 -> 1.5, 2.5. Overall (3.5 + 3.5 + 1.5 + 2.5) / 4 = 2.75; 2017 alone 2.5, 2018 alone 3."""
    unit = np.repeat(list("ABCD"), 4)
    year = np.tile(YEARS4, 4)
    y = np.array([5, 7, 12, 14, 9, 9, 13, 16, 10, 12, 13, 15, 20, 20, 23, 25], dtype=float)
    first = np.repeat([2017, 2017, np.inf, np.nan], 4)  # inf and NaN both mean never treated
    model = Imputation(unit, year, y, np.ones(16), first, clusters=unit, trends=False)
    assert model.treated.tolist() == [False, False, True, True] * 2 + [False] * 8
    assert model.estimable.tolist() == model.treated.tolist()
    np.testing.assert_allclose(model.effect[model.treated], [3.5, 3.5, 1.5, 2.5], atol=1e-9)
    assert np.isnan(model.effect[~model.treated]).all()
    overall = model.aggregate(np.ones(16), draws=0)
    assert overall.estimate == pytest.approx(2.75)
    assert (overall.weight, overall.observations, overall.treated_clusters, overall.draws) == (4.0, 4, 2, 0)
    assert math.isnan(overall.se) and math.isnan(overall.ci_low) and math.isnan(overall.p_value)
    assert model.aggregate((year == 2017).astype(float), draws=0).estimate == pytest.approx(2.5)
    assert model.aggregate((year == 2018) * 2.0, draws=0).estimate == pytest.approx(3.0)
    # stated weights 3 on A's years, 1 on B's: (3 * 7 + 1 * 4) / (3 * 2 + 1 * 2) = 25 / 8
    weighted = model.aggregate(np.where(unit == "A", 3.0, 1.0), draws=0)
    assert (weighted.estimate, weighted.weight) == (pytest.approx(25 / 8), 8.0)
    # with unit trends (two years before entry each) A's line 5, 7 continues as 9, 11 plus the controls' departure
    # from their own lines (C: 10, 12 -> 14, 16, observed 13, 15: -1, -1; D: 20, 20 -> 20, 20, observed 23, 25:
    # +3, +5; mean +1, +2): 10, 13 -> effects 2, 1; B: 9, 9 -> 10, 11 against 13, 16 -> 3, 5
    trended = Imputation(unit, year, y, np.ones(16), first, clusters=unit, trends=True)
    np.testing.assert_allclose(trended.effect[trended.treated], [2.0, 1.0, 3.0, 5.0], atol=1e-9)


def test_effects_weights_and_standard_error_equal_an_explicit_dummy_regression_written_out_with_numpy():
    """Trends, a level scaling the year effects, uneven weights, an unbalanced panel, a cohort of one unit, a unit
    with one untreated year and a year without untreated units: the effects, which observations are estimable,
    v (v @ y = estimate for every y) and the clustered standard error all match :class:`_Reference`."""
    unit, year, y, weights, first, clusters, level = _panel()
    for trends, lvl in ((True, level), (False, None), (True, None)):
        model = Imputation(unit, year, y, weights, first, clusters, level=lvl, trends=trends)
        reference = _Reference(unit, year, y, weights, first, clusters, level=lvl, trends=trends)
        assert model.treated.tolist() == reference.treated.tolist()
        assert model.estimable.tolist() == reference.estimable.tolist(), (trends, lvl)
        assert (model.estimable.sum(), trends) in ((10, True), (15, False))  # 6 + 2 + 2 (2016 never), unit 5: 5
        expected_effect = np.where(reference.estimable, y - reference.fit @ y, np.nan)
        np.testing.assert_allclose(model.effect, expected_effect, atol=1e-8)
        for stated in (weights, np.where(year == 2014, 1.0, 0.0), np.where(unit == 2, weights, 0.0)):
            omega = reference.omega(stated)
            np.testing.assert_allclose(model.normalised(stated), omega, atol=1e-12)
            v = model.weights(omega)
            np.testing.assert_allclose(v, reference.v(omega), atol=1e-9)
            other = np.random.default_rng(1).normal(size=len(y))
            assert v @ other == pytest.approx(float(reference.v(omega) @ other), abs=1e-9)
        for stated in (weights, np.where(year == 2014, weights, 0.0), np.where(unit <= 2, 1.0, 0.0)):
            result = model.aggregate(stated, draws=19)
            theta, se = reference.theta_se(y[:, None], reference.omega(stated))
            assert result.estimate == pytest.approx(theta[0], abs=1e-9)
            assert result.se == pytest.approx(se[0], rel=1e-8), (trends, lvl)
            assert result.weight == pytest.approx(np.where(reference.estimable, stated, 0.0).sum())
            assert result.observations == int((reference.estimable & (stated > 0)).sum())
            treated_clusters = len(set(clusters[reference.estimable & (stated > 0)]))
            assert result.treated_clusters == treated_clusters and result.draws == 19


def test_rescaling_the_weights_or_shifting_the_years_and_levels_changes_no_result():
    """WLS depends only on relative weights; the model's unit lines and year effects absorb a shift of the years
    and of the level. Weights times 1e-12 or 1e6, years + 1000 and levels + 50 give the same effects and aggregate
    (an absolute instead of a relative tolerance would drop real directions of tiny weights)."""
    unit, year, y, weights, first, clusters, level = _panel(seed=8)
    for trends, lvl in ((True, level), (False, None)):
        base = Imputation(unit, year, y, weights, first, clusters, level=lvl, trends=trends)
        expected = _Reference(unit, year, y, weights, first, clusters, level=lvl, trends=trends)
        np.testing.assert_allclose(base.effect, np.where(expected.estimable, y - expected.fit @ y, np.nan),
                                   atol=1e-8)
        reference = base.aggregate(weights, draws=49)
        for scale in (1e-12, 0.3, 1e6):
            model = Imputation(unit, year, y, weights * scale, first, clusters, level=lvl, trends=trends)
            assert model.estimable.tolist() == base.estimable.tolist()
            np.testing.assert_allclose(model.effect, base.effect, atol=1e-7)
            result = model.aggregate(weights * scale, draws=49)
            assert (result.estimate, result.se) == pytest.approx((reference.estimate, reference.se), rel=1e-6)
            assert (result.ci_low, result.ci_high, result.p_value) == pytest.approx(
                (reference.ci_low, reference.ci_high, reference.p_value), rel=1e-5)
        shifted = Imputation(unit, year + 1000, y, weights, first + 1000, clusters, level=lvl, trends=trends)
        np.testing.assert_allclose(shifted.effect, base.effect, atol=1e-7)
        # the outcome in other units: effects, standard error and interval scale with it (the search for the
        # interval starts from the standard error, however small or large)
        for scale in (1e-6, 1e4):
            result = Imputation(unit, year, y * scale, weights, first, clusters, level=lvl,
                                trends=trends).aggregate(weights, draws=49)
            assert (result.estimate, result.se, result.ci_low, result.ci_high) == pytest.approx(
                (scale * reference.estimate, scale * reference.se, scale * reference.ci_low,
                 scale * reference.ci_high), rel=1e-6)
            assert result.p_value == reference.p_value


def test_the_bootstrap_p_value_and_interval_equal_a_brute_force_restricted_wild_cluster_bootstrap():
    """p-value of effect = 0 and of other values b0 as in :meth:`_Reference.p_value` (every bootstrap sample built
    and re-estimated); the interval's ends are where that p-value crosses 1 - level: accepted just inside,
    rejected just outside."""
    unit, year, y, weights, first, clusters, level = _panel()
    model = Imputation(unit, year, y, weights, first, clusters, level=level)
    reference = _Reference(unit, year, y, weights, first, clusters, level=level)
    for stated, draws, seed, conf in ((weights, 199, 2020, 0.95), (np.where(year == 2014, weights, 0.0), 99, 7, 0.9)):
        result = model.aggregate(stated, level=conf, draws=draws, seed=seed)
        omega = reference.omega(stated)
        assert result.p_value == pytest.approx(reference.p_value(omega, 0.0, draws, seed), abs=1e-12)
        alpha = 1 - conf
        assert result.ci_low < result.estimate < result.ci_high
        delta = 1e-6 * result.se
        for end, inward in ((result.ci_low, 1.0), (result.ci_high, -1.0)):
            assert reference.p_value(omega, end + inward * delta, draws, seed) >= alpha
            assert reference.p_value(omega, end - inward * delta, draws, seed) < alpha


def test_the_default_bootstrap_uses_4999_draws_seed_2020_and_a_95_percent_interval():
    """The documented defaults: 4999 draws with seed 2020 (the brute-force p-value with those) and level 0.95."""
    unit, year, y, weights, first, clusters, level = _panel(seed=5)
    model = Imputation(unit, year, y, weights, first, clusters, trends=False)
    reference = _Reference(unit, year, y, weights, first, clusters, trends=False)
    result = model.aggregate(weights)
    assert result.draws == 4999 and staggered.BOOTSTRAP_DRAWS == 4999
    assert result.p_value == pytest.approx(reference.p_value(reference.omega(weights), 0.0, 4999, 2020), abs=1e-12)
    explicit = model.aggregate(weights, level=0.95, draws=4999, seed=2020)
    assert (result.ci_low, result.ci_high) == (explicit.ci_low, explicit.ci_high)
    for end, inward in ((result.ci_low, 1.0), (result.ci_high, -1.0)):
        alpha = 1 - 0.95  # in floating point a little above 0.05 = 250 / 5000
        assert reference.p_value(reference.omega(weights), end + inward * 1e-6, 4999, 2020) >= alpha
        assert reference.p_value(reference.omega(weights), end - inward * 1e-6, 4999, 2020) < alpha


def test_webbs_six_points_are_plus_minus_root_half_one_and_root_three_halves():
    """Webb (2014): ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6: mean 0, variance 1."""
    expected = [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
    np.testing.assert_allclose(np.sort(staggered.WEBB), expected, rtol=1e-15)
    assert staggered.WEBB.mean() == pytest.approx(0.0, abs=1e-15) and (staggered.WEBB ** 2).mean() == pytest.approx(1)


def test_one_treated_cluster_gets_no_interval_and_nothing_estimable_gives_an_empty_aggregate():
    """Fewer than two treated clusters: estimate, weight and counts, but no interval, se or p-value (and no
    draws); no estimable observation with a positive weight: all NaN, weight 0."""
    unit, year, y, weights, first, clusters, level = _panel()
    model = Imputation(unit, year, y, weights, first, clusters, level=level)
    reference = _Reference(unit, year, y, weights, first, clusters, level=level)
    alone = np.where(unit == 2, weights, 0.0)  # unit 2 is cluster b
    result = model.aggregate(alone, draws=99)
    expected = float(reference.omega(alone) @ (y - reference.fit @ y))
    assert result.estimate == pytest.approx(expected, abs=1e-9)
    assert (result.observations, result.treated_clusters, result.draws) == (2, 1, 0)
    assert result.weight == pytest.approx(weights[(unit == 2) & (year >= 2014) & (year < 2016)].sum())
    assert all(math.isnan(x) for x in (result.ci_low, result.ci_high, result.p_value, result.se))
    two = model.aggregate(np.where(unit <= 1, 1.0, 0.0), draws=99)  # units 0 and 1: one cluster "a"
    assert two.treated_clusters == 1 and math.isnan(two.ci_low)
    for stated in (np.zeros(len(y)), np.where(unit == 5, 1.0, 0.0), np.where(year == 2016, 1.0, 0.0),
                   np.full(len(y), np.nan)):
        empty = model.aggregate(stated)
        assert all(math.isnan(x) for x in (empty.estimate, empty.ci_low, empty.ci_high, empty.p_value, empty.se))
        assert (empty.weight, empty.observations, empty.treated_clusters, empty.draws) == (0.0, 0, 0, 0)
        assert model.normalised(stated).tolist() == [0.0] * len(y)
    nan_stated = np.where(unit == 0, np.nan, weights)
    assert model.aggregate(nan_stated, draws=0).estimate == pytest.approx(
        model.aggregate(np.where(unit == 0, 0.0, weights), draws=0).estimate)


def test_an_interval_bound_doubles_its_step_until_rejected_and_then_bisects():
    """By hand: accepted below 2.3, estimate 0, step 1: 1 and 2 accepted, 4 rejected; three bisections 3 (rejected),
    2.5 (rejected), 2.25 (accepted) -> (2.25 + 2.5) / 2 = 2.375. Downwards the mirror image. Always accepted:
    infinite once the step exceeds the limit; a crossing found at step == limit is still bisected. The test
    functions stop after 100 calls (a search that never ends fails instead of hanging)."""
    calls = [0]

    def limited(p_value):
        def counted(b):
            calls[0] += 1
            assert calls[0] < 100, "the search does not end"
            return p_value(b)
        calls[0] = 0
        return counted

    def accepted_below(b):
        return 1.0 if abs(b) < 2.3 else 0.0

    assert inverted_bound(limited(accepted_below), 0.0, 1.0, 0.05, 1.0, 100.0, 3) == 2.375
    assert inverted_bound(limited(accepted_below), 0.0, -1.0, 0.05, 1.0, 100.0, 3) == -2.375
    # from estimate 10 with step 0.5: 10.5, 11, 12 accepted (p 0.05 is not below alpha 0.05), 14 rejected;
    # two bisections: 13 (rejected), 12.5 (accepted) -> 12.75
    at_alpha = lambda b: 0.05 if b < 12.7 else 0.01  # noqa: E731
    assert inverted_bound(limited(at_alpha), 10.0, 1.0, 0.05, 0.5, 100.0, 2) == 12.75
    assert inverted_bound(limited(lambda b: 1.0), 0.0, 1.0, 0.05, 1.0, 4.0, 30) == math.inf
    assert inverted_bound(limited(lambda b: 1.0), 0.0, -1.0, 0.05, 1.0, 4.0, 30) == -math.inf
    # steps 1, 2, 4 accepted, step 8 == limit 8 rejected: no infinity; bisections 6 (accepted), 7 -> 7.5 (limit 8)
    assert inverted_bound(limited(lambda b: 1.0 if b < 7.2 else 0.0), 0.0, 1.0, 0.05, 1.0, 8.0, 2) == 7.5
    assert inverted_bound(limited(accepted_below), 0.0, 1.0, 0.05, 1.0, 100.0, 0) == 3.0  # no bisection: (2 + 4) / 2
    # accepted only from -0.1 to 1.7, step 0.5 upwards: 0.5, 1 accepted, 2 rejected; bisections 1.5 (accepted),
    # 1.75 (rejected) -> 1.625 (the first point tried is estimate + step, never on the other side)
    narrow = lambda b: 1.0 if -0.1 < b < 1.7 else 0.0  # noqa: E731
    assert inverted_bound(limited(narrow), 0.0, 1.0, 0.05, 0.5, 100.0, 2) == 1.625
    # downwards: -0.5 rejected at once; bisections -0.25 (rejected), -0.125 (rejected) -> -0.0625
    assert inverted_bound(limited(narrow), 0.0, -1.0, 0.05, 0.5, 100.0, 2) == -0.0625


def test_cells_clusters_draws_and_stated_weights_enter_the_aggregate_as_documented():
    """Cells given by the caller group the treated residuals instead of the first treated year (the lone unit 2 of
    cohort 2014 joined to cohort 2013: its residuals become departures from their cell's mean); the stated weights
    are relative (times 1e-3 the same aggregate); two clusters in all give the factor 2 / (2 - 1); one cluster in
    all gives an estimate without interval; a single draw still gives a p-value (1 or 1/2 by brute force)."""
    unit, year, y, weights, first, clusters, level = _panel(seed=4)
    cells = np.where(first == 2014, 2013, first)
    model = Imputation(unit, year, y, weights, first, clusters, level=level, cells=cells)
    reference = _Reference(unit, year, y, weights, first, clusters, level=level, cells=cells)
    plain = _Reference(unit, year, y, weights, first, clusters, level=level)
    for stated in (weights, np.where(year == 2015, 1.0, 0.0)):
        omega = reference.omega(stated)
        se = reference.theta_se(y[:, None], omega)[1][0]
        assert se != pytest.approx(plain.theta_se(y[:, None], omega)[1][0], rel=1e-3)
        result = model.aggregate(stated, draws=19)
        assert result.se == pytest.approx(se, rel=1e-8)
        small = model.aggregate(stated * 1e-3, draws=19)
        assert (small.estimate, small.se, small.p_value) == pytest.approx((result.estimate, se, result.p_value))
        assert model.normalised(stated * 1e-3).sum() == pytest.approx(1.0)
        one = model.aggregate(stated, draws=1, seed=9)
        assert one.draws == 1 and one.p_value == reference.p_value(omega, 0.0, 1, 9)
    halves = np.where(unit % 2 == 0, "even", "odd")  # both clusters hold treated units
    two = Imputation(unit, year, y, weights, first, halves, level=level)
    two_reference = _Reference(unit, year, y, weights, first, halves, level=level)
    result = two.aggregate(weights, draws=19)
    assert result.treated_clusters == 2
    assert result.se == pytest.approx(two_reference.theta_se(y[:, None], two_reference.omega(weights))[1][0])
    single = Imputation(unit, year, y, weights, first, np.zeros(len(y)), level=level).aggregate(weights, draws=19)
    assert single.estimate == pytest.approx(result.estimate) and single.treated_clusters == 1
    assert math.isnan(single.se) and math.isnan(single.ci_low) and single.draws == 0


def test_a_panel_of_a_single_year_has_nothing_to_impute():
    """One year: no year effects at all, no unit has an untreated year before a treated one: nothing estimable,
    every aggregate empty."""
    unit = np.array(["A", "B", "C"])
    model = Imputation(unit, [2020] * 3, [1.0, 2.0, 3.0], np.ones(3), [2020, np.inf, np.inf], clusters=unit,
                       trends=False)
    assert model.treated.tolist() == [True, False, False] and not model.estimable.any()
    assert math.isnan(model.aggregate(np.ones(3)).estimate)
