"""Independent tests of the relative-magnitudes bound (``veedel_lib/analysis/honest_trends.py``; issue #30 item 9).

Expected values are computed here, not taken from the module:

- the restriction Delta^RM(Mbar) written out as its moment rows from the definition (each change of the violation
  at most the largest pre-period one, after the baseline at most Mbar times it), in R's order (``.create_A_RM``:
  all ``+change`` rows, then all ``-change`` rows, rows that vanish left out, the baseline column dropped);
- the linear programmes solved with scipy's ``linprog`` (HiGHS) instead of the module's dual vertices;
- the truncated normal quantile from ``scipy.stats.truncnorm``;
- the conditional test of Andrews, Roth and Pakes without nuisance parameters (one post-period year) written out
  from the polyhedral lemma: the largest standardised moment Z = y_j / sd_j is normal, truncated below at
  V_lo = max over the other moments of (t_i - rho_i Z) / (1 - rho_i) (rho_i their correlation with j) and, in the
  hybrid, above at the least-favourable critical value; the critical value of the hybrid is the 99.5 % quantile
  of max_j xi_j / sd_j over R's normal draws (mvtnorm's default "eigen" square root);
- with nuisance parameters (two post-period years), the same test by the dual approach alone: eta and its dual
  weights from HiGHS, the truncation interval from two more linear programmes (no vertex enumeration, no primal
  formulas);
- the truncation bounds of the degenerate case as the ends of the interval where max over the dual vertices of
  (s + b c)' v equals c, worked out by hand for lines chosen here;
- R's ``set.seed(1); rnorm(5)`` and ``set.seed(123); rnorm(3)`` as R prints them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.stats import truncnorm
from test_honest_trends import BC_BETAHAT, BC_SIGMA

from veedel_lib.analysis.honest_trends import (Sensitivity, _conditional_test, _construct_gamma, _eta,
                                               _least_favourable_cv,
                                               _max_program, _problems, _rm_constraints, _truncated_normal_quantile,
                                               _vertices, _vlo_vup_dual, breakdown_value, event_study_from_rates,
                                               excludes_zero, r_normal_draws, regular_covariance, rm_confidence_set,
                                               sensitivity)
from veedel_lib.errors import AnalysisError


def _rm_rows(pre: int, post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    """Rows of A delta <= 0 for Delta^RM_{s,sign}(Mbar) over (delta_-pre, ..., delta_-1, delta_1, ..., delta_post),
    from the definition: sign * change_s bounds every pre-period change, Mbar * sign * change_s every later one."""
    size = pre + post

    def change(r: int) -> np.ndarray:  # delta_r - delta_(r-1) on the full path (delta_0 included)
        v = np.zeros(size + 1)
        v[pre + r], v[pre + r - 1] = 1.0, -1.0
        return v

    largest = change(s) if positive else -change(s)
    rows = []
    for direction in (1.0, -1.0):
        for r in range(-pre + 1, post + 1):
            row = direction * change(r) - (largest if r <= 0 else mbar * largest)
            if np.abs(row).sum() > 0:
                rows.append(np.delete(row, pre))
    return np.array(rows)


def test_the_moment_rows_are_the_relative_magnitudes_restriction_written_out():
    """E.g. two pre-period years, one post-period year, s = 0, positive: change_0 = delta_0 - delta_-1 = -delta_-1
    is the largest; rows over (delta_-2, delta_-1, delta_1): change_-1 - change_0 = (-1, 2, 0), (change_0 -
    change_0 vanishes), change_1 - Mbar change_0 = (0, Mbar, 1); then -change_-1 - change_0 = (1, 0, 0),
    -2 change_0 = (0, 2, 0), -change_1 - Mbar change_0 = (0, Mbar, -1)."""
    assert _rm_constraints(2, 1, 0.5, 0, True) == pytest.approx(
        np.array([[-1, 2, 0], [0, 0.5, 1], [1, 0, 0], [0, 2, 0], [0, 0.5, -1.0]]))
    for pre, post in ((2, 1), (3, 2), (2, 3)):
        for mbar in (0.0, 0.7, 2.0):
            for s in range(-pre + 1, 1):
                for positive in (True, False):
                    expected = _rm_rows(pre, post, mbar, s, positive)
                    got = _rm_constraints(pre, post, mbar, s, positive)
                    assert got.shape == expected.shape and np.array_equal(got, expected), (pre, post, mbar, s)


def test_gamma_starts_with_l_and_adds_the_unit_vectors_that_keep_it_invertible():
    """l = (0.5, 0.5): l and e1 are independent, e2 = 2 l - e1 is not needed. l = (1, 0, 0): e1 repeats l, so
    e2 and e3 follow. l = (0, 0, 1): e1 and e2."""
    assert _construct_gamma(np.array([0.5, 0.5])).tolist() == [[0.5, 0.5], [1.0, 0.0]]
    assert _construct_gamma(np.array([1.0, 0.0, 0.0])).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert _construct_gamma(np.array([0.0, 0.0, 1.0])).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert _construct_gamma(np.array([2.0])).tolist() == [[2.0]]
    # l = (1, 1e-12): [l, e1] has a singular value of 7e-13, below the rank tolerance 1e-10: e2 is taken instead
    assert _construct_gamma(np.array([1.0, 1e-12])).tolist() == [[1.0, 1e-12], [0.0, 1.0]]


def _primal_eta(y: np.ndarray, sd: np.ndarray, x: np.ndarray) -> float:
    """min eta s.t. y - x delta <= sd eta (eta, delta free), by scipy's linprog."""
    k = x.shape[1]
    result = linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, x]), b_ub=-y,
                     bounds=[(None, None)] * (1 + k), method="highs")
    return result.fun if result.status == 0 else (-np.inf if result.status == 3 else np.nan)


def _dual_max(f: np.ndarray, w: np.ndarray) -> float:
    """max f' lambda s.t. W' lambda = e1, lambda >= 0, by scipy's linprog."""
    result = linprog(-f, A_eq=w.T, b_eq=np.eye(w.shape[1])[0], bounds=[(0, None)] * len(f), method="highs")
    return -result.fun if result.status == 0 else np.nan


def test_the_linear_programmes_over_the_dual_vertices_equal_scipys_linprog():
    """The moment problems of two pre- and three post-period years (two nuisance columns): eta(y) of the module
    (max over the vertices) equals linprog's primal minimum for many y, its lambda is a feasible dual solution
    reaching it, and _max_program equals linprog's dual maximum."""
    beta = np.array([0.2, -0.1, 0.8, 1.1, 0.9])
    sigma = 0.02 * (np.eye(5) + 0.3)
    rng = np.random.default_rng(5)
    for p in _problems(beta, sigma, 2, 3, np.array([0.5, 0.25, 0.25]), 1.0, "ARP", 0.005, 0):
        sd = np.sqrt(np.diag(p.sigma))
        w = np.column_stack([sd, p.x])
        assert (p.vertices >= 0).all()
        assert p.vertices @ w == pytest.approx(np.tile(np.eye(3)[0], (len(p.vertices), 1)), abs=1e-9)
        for _ in range(8):
            y = rng.normal(0, 0.3, len(sd))
            eta, lam, solved = _eta(y, p.vertices)
            assert solved and eta == pytest.approx(_primal_eta(y, sd, p.x), abs=1e-9)
            assert lam @ y == pytest.approx(eta) and (lam >= 0).all()
            assert lam @ w == pytest.approx(np.eye(3)[0], abs=1e-9)
            gamma, c = p.vertices[0], rng.normal()
            value, best = _max_program(y, gamma, p.sigma, p.vertices, c)
            f = y + p.sigma @ gamma / (gamma @ p.sigma @ gamma) * c
            assert value == pytest.approx(_dual_max(f, w), abs=1e-9) and best @ f == pytest.approx(value)
    # no vertex: no solution
    assert _vertices(np.array([[1.0, 1.0], [1.0, 1.0]])).shape == (0, 2)
    eta, lam, solved = _eta(np.array([1.0, 2.0]), np.zeros((0, 2)))
    assert np.isnan(eta) and not solved and lam.tolist() == [0.0, 0.0]
    value, best = _max_program(np.ones(2), np.ones(2), np.eye(2), np.zeros((0, 2)), 1.0)
    assert np.isnan(value) and best is None
    assert np.isnan(_least_favourable_cv(np.ones((2, 1)), np.eye(2), np.zeros((0, 2)), 0.005, 0))


def test_the_truncated_normal_quantile_is_scipys_also_far_in_the_tail():
    """Both tails: below -7 the distribution function itself is accurate, the mirrored one (1 - Phi) is not."""
    for p, low, high in ((0.95, -np.inf, np.inf), (0.9, 0.5, np.inf), (0.95, -1.0, 2.0), (0.5, -np.inf, -1.5),
                         (0.95, 9.0, np.inf), (0.3, 12.0, 15.0), (0.975, 1.2, 1.3), (0.5, -8.0, -7.0),
                         (0.9, -7.5, -6.9), (0.5, 8.0, 8.3)):
        assert _truncated_normal_quantile(p, low, high) == pytest.approx(truncnorm.ppf(p, low, high), rel=1e-7)
    # an interval of one point, far in the tail: the point itself, exactly
    assert _truncated_normal_quantile(0.5, 8.0, 8.0) == 8.0
    # beyond double precision on both sides: the lower end, within scipy's quantile's distance to it
    for p, low, high in ((0.95, 40.0, np.inf), (0.5, 45.0, 46.0)):
        assert _truncated_normal_quantile(p, low, high) == pytest.approx(truncnorm.ppf(p, low, high), abs=0.1)


def _lines(intercepts, slopes, scale: float = 2.0):
    """Dual vertices making max_v (s + b c)' v the lines a_i + m_i c and c itself: sigma = scale^2 I,
    gamma = e1 (b = e1), vertex i = m_i e1 + e_(i+1), s = (0, a_1, ..., a_n)."""
    count = len(intercepts)
    vertices = np.zeros((count + 1, count + 1))
    vertices[0, 0] = 1.0
    for i, (a, m) in enumerate(zip(intercepts, slopes)):
        vertices[i + 1, 0], vertices[i + 1, i + 1] = m, 1.0
    return np.r_[0.0, intercepts], np.eye(count + 1)[0], scale ** 2 * np.eye(count + 1), vertices


@pytest.mark.filterwarnings("error")
def test_the_truncation_bounds_of_the_degenerate_case_are_where_the_largest_line_leaves_c():
    """max(c, a_i + m_i c) = c exactly for c in [max over m_i < 1 of a_i / (1 - m_i), min over m_i > 1 of
    a_i / (1 - m_i)]; an end beyond the starting bracket (min(-100, eta - 20 sd), max(100, eta + 20 sd),
    sd = scale) is infinite. Lines 1.5 c - 10 (crossing at 20) and 1.2 c - 3 (at 15): from c = 100 the
    steeper one leads to 20, where the other is above c, then to 15."""
    s, gamma, sigma, vertices = _lines([-10.0, -3.0, 2.0, 1.0], [1.5, 1.2, 0.5, 0.9])
    # lower: 2 / 0.5 = 4, 1 / 0.1 = 10 -> 10 (from -100 via 4, where 1 + 0.9 x 4 = 4.6 > 4); upper: 20, 15 -> 15
    assert _vlo_vup_dual(12.0, s, gamma, sigma, vertices) == pytest.approx((10.0, 15.0), abs=1e-9)
    s, gamma, sigma, vertices = _lines([-10.0, -3.0, 2.0], [1.5, 1.2, 0.5])
    assert _vlo_vup_dual(10.0, s, gamma, sigma, vertices) == pytest.approx((4.0, 15.0), abs=1e-9)
    # eta outside [vlo, vup]: (eta, inf)
    assert _vlo_vup_dual(16.0, s, gamma, sigma, vertices) == (16.0, np.inf)
    # a line through the origin: 1.5 c crosses c at 0; -2.5 + 0.5 c at -5
    s, gamma, sigma, vertices = _lines([0.0, -2.5], [1.5, 0.5])
    assert _vlo_vup_dual(-1.0, s, gamma, sigma, vertices) == pytest.approx((-5.0, 0.0), abs=1e-12)

    def bounds(low_end: float, high_end: float, eta: float, scale: float) -> tuple[float, float]:
        s, gamma, sigma, vertices = _lines([0.5 * low_end, -0.5 * high_end], [0.5, 1.5], scale)
        return _vlo_vup_dual(eta, s, gamma, sigma, vertices)

    # brackets with eta = 0, sd = 2: (-100, 100)
    assert bounds(-99.5, 99.5, 0.0, 2.0) == pytest.approx((-99.5, 99.5), abs=1e-9)
    assert bounds(-100.5, 100.5, 0.0, 2.0) == (-np.inf, np.inf)
    # eta = 90, sd = 2: (-100, 130); eta = -90: (-130, 100)
    assert bounds(-99.0, 129.0, 90.0, 2.0) == pytest.approx((-99.0, 129.0), abs=1e-9)
    assert bounds(-99.0, 131.0, 90.0, 2.0) == (pytest.approx(-99.0, abs=1e-9), np.inf)
    assert bounds(-129.0, 99.0, -90.0, 2.0) == pytest.approx((-129.0, 99.0), abs=1e-9)
    assert bounds(-131.0, 99.0, -90.0, 2.0) == (-np.inf, pytest.approx(99.0, abs=1e-9))
    assert bounds(-110.0, 110.0, -90.0, 2.0) == (pytest.approx(-110.0, abs=1e-9), np.inf)
    assert bounds(-110.0, 110.0, 90.0, 2.0) == (-np.inf, pytest.approx(110.0, abs=1e-9))
    # sd = 0.5 (eta - 20 sd = eta - 10): with eta = -95 the bracket is (-105, 100)
    assert bounds(-104.0, 50.0, -95.0, 0.5) == pytest.approx((-104.0, 50.0), abs=1e-9)
    assert bounds(-106.0, 50.0, -95.0, 0.5) == (-np.inf, pytest.approx(50.0, abs=1e-9))
    assert bounds(-50.0, 104.0, 95.0, 0.5) == pytest.approx((-50.0, 104.0), abs=1e-9)
    assert bounds(-50.0, 106.0, 95.0, 0.5) == (pytest.approx(-50.0, abs=1e-9), np.inf)


def test_a_slow_approach_falls_back_to_bisection_and_still_finds_the_bound():
    """Tangents a + m c of h(c) = c + (c - 10)^2 / 100 at t = 10 + 90 / 2^k (k = 0..15): from c = 100 each step
    only halves the distance to the crossings, and after ten steps the search bisects to 1e-6. A value counts as c
    within 1e-6 (R's tolerance), so the end is min over the tangents of (1e-6 - a) / (m - 1): about 10.01, at
    t - 10 = 90 / 2^13, not the exact crossing 10 + 45 / 2^15 of the last tangent."""
    t = 10 + 90 / 2.0 ** np.arange(16)
    slopes = 1 + 2 * (t - 10) / 100
    intercepts = t + (t - 10) ** 2 / 100 - slopes * t
    s, gamma, sigma, vertices = _lines(intercepts, slopes, 1.0)
    low, high = _vlo_vup_dual(5.0, s, gamma, sigma, vertices)
    assert low == -np.inf and high == pytest.approx(((1e-6 - intercepts) / (slopes - 1)).min(), abs=2e-6)
    assert abs(high - (10 + 45 / 2 ** 15)) > 0.008
    # mirrored below -10 as well (slopes under 1): the lower end max of (a - 1e-6) / (1 - m)
    lower_slopes, lower_intercepts = 2 - slopes, intercepts  # a + (2 - m) c - c = a - (m - 1) c
    s, gamma, sigma, vertices = _lines(np.r_[intercepts, lower_intercepts], np.r_[slopes, lower_slopes], 1.0)
    low, high = _vlo_vup_dual(1.0, s, gamma, sigma, vertices)
    assert low == pytest.approx(((lower_intercepts - 1e-6) / (1 - lower_slopes)).max(), abs=2e-6)
    assert high == pytest.approx(((1e-6 - intercepts) / (slopes - 1)).min(), abs=2e-6) and low < -10 < 10 < high


def _lf_cv(cov: np.ndarray, kappa: float, seed: int = 0) -> float:
    """1 - kappa quantile of max_j xi_j / sd_j, xi = R's draws times the symmetric (eigen) root of cov."""
    values, vectors = np.linalg.eigh(cov)
    root = vectors @ np.diag(np.sqrt(np.maximum(values, 0.0))) @ vectors.T
    xi = r_normal_draws(seed, 1000 * len(cov)).reshape(1000, len(cov)) @ root
    return float(np.quantile((xi / np.sqrt(np.diag(cov))).max(axis=1), 1 - kappa))


def _accepted(y: np.ndarray, cov: np.ndarray, alpha: float, hybrid: bool, kappa: float, cv: float) -> np.ndarray:
    """For each row of y (grid x moments): the conditional (hybrid) test without nuisance parameters accepts."""
    sd = np.sqrt(np.diag(cov))
    t = y / sd
    j = t.argmax(axis=1)
    z = t[np.arange(len(t)), j]
    rho = (cov / np.outer(sd, sd))[j]  # correlations with the largest moment
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = np.where((rho < 1) & (np.arange(y.shape[1]) != j[:, None]),
                              (t - rho * z[:, None]) / (1 - rho), -np.inf)
    v_lo, v_up = candidates.max(axis=1), (cv if hybrid else np.inf)
    size = (alpha - kappa) / (1 - kappa) if hybrid else alpha
    inside = (v_lo <= z) & (z <= v_up)
    critical = np.maximum(0.0, truncnorm.ppf(1 - size, np.minimum(v_lo, v_up - 1e-9), v_up))
    rejected = (hybrid & (z > cv)) | (inside & (z > critical))
    return ~rejected


def _robust_set(beta, sigma, pre, mbar, alpha=0.05, method="C-LF", points=201, at=None):
    """The robust confidence set for the one post-period year over the grid +-20 sd (or at the values ``at``)."""
    hybrid, kappa = method == "C-LF", alpha / 10
    sd = np.sqrt(sigma[pre, pre])
    grid = np.linspace(-20 * sd, 20 * sd, points) if at is None else np.asarray(at, dtype=float)
    accepted = np.zeros(len(grid), dtype=bool)
    for s in range(-pre + 1, 1):
        for positive in (True, False):
            a = _rm_rows(pre, 1, mbar, s, positive)
            cov = a @ sigma @ a.T
            y = (a @ beta)[None, :] - grid[:, None] * a[:, pre][None, :]
            accepted |= _accepted(y, cov, alpha, hybrid, kappa, _lf_cv(cov, kappa) if hybrid else np.inf)
    return (grid[accepted].min(), grid[accepted].max()) if accepted.any() else (np.nan, np.nan), accepted


BETA = np.array([0.3, -0.1, 1.2])
SIGMA = np.array([[0.04, 0.01, 0.005], [0.01, 0.05, 0.01], [0.005, 0.01, 0.09]])


def test_the_robust_set_for_one_post_period_year_is_the_written_out_conditional_and_hybrid_test():
    """Two pre-period years, one post-period year (no nuisance parameters), correlated coefficients: for both tests,
    two Mbar and two levels, the ends of the robust set over a grid of 201 values equal the written-out test's."""
    for method in ("C-LF", "Conditional"):
        for mbar, alpha in ((0.0, 0.05), (0.5, 0.2)):
            expected, _ = _robust_set(BETA, SIGMA, 2, mbar, alpha, method)
            got = rm_confidence_set(BETA, SIGMA, 2, 1, mbar, alpha=alpha, method=method, grid_points=201)
            assert got == pytest.approx(expected, abs=1e-12), (method, mbar, alpha)
    three = np.array([0.1, -0.2, 0.05, 0.9])
    cov = 0.03 * (np.eye(4) + 0.4 * (np.arange(4)[:, None] == np.arange(4)[None, :] + 1))
    cov = (cov + cov.T) / 2
    for method in ("C-LF", "Conditional"):
        expected, _ = _robust_set(three, cov, 3, 1.0, 0.05, method)
        assert rm_confidence_set(three, cov, 3, 1, 1.0, method=method, grid_points=201) == pytest.approx(expected)
    # l_vec = (2): theta = 2 beta_post, the set doubles; the grid is +-20 sd of theta
    expected, _ = _robust_set(BETA, SIGMA, 2, 0.5, 0.05, "Conditional")
    doubled = rm_confidence_set(BETA, SIGMA, 2, 1, 0.5, l_vec=[2.0], method="Conditional", grid_points=201)
    assert doubled == pytest.approx((2 * expected[0], 2 * expected[1]))
    # a grid far too narrow to reach the set: nothing accepted
    far = np.array([0.0, 0.0, 50.0])
    lows = rm_confidence_set(far, np.eye(3) * 0.01, 2, 1, 0.0, method="Conditional", grid_points=11)
    assert np.isnan(lows[0]) and np.isnan(lows[1])


def _dual_rejects(y: np.ndarray, x: np.ndarray, cov: np.ndarray, alpha: float, lf_cv: float = np.inf,
                  kappa: float = 0.0) -> bool:
    """The conditional test with nuisance parameters by the dual approach alone (Andrews, Roth and Pakes 2023):
    eta and its dual weights gamma from HiGHS; eta / sd_gamma is normal, truncated to the c for which
    max_lambda lambda' (s + b c) <= c, i.e. for which some delta has s + b c - x delta <= sd c (two linear
    programmes in (c, delta)); s = y - b gamma' y, b = cov gamma / gamma' cov gamma. With a finite least-favourable
    critical value ``lf_cv`` it is the hybrid: eta above it rejects at once, else the truncation ends there too and
    the level is (alpha - kappa) / (1 - kappa)."""
    sd, k = np.sqrt(np.diag(cov)), x.shape[1]
    free = [(None, None)] * (1 + k)
    primal = linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, x]), b_ub=-y, bounds=free, method="highs")
    if primal.fun > lf_cv:
        return True
    if np.isfinite(lf_cv):
        alpha = (alpha - kappa) / (1 - kappa)
    gamma = -primal.ineqlin.marginals
    variance = gamma @ cov @ gamma
    b = cov @ gamma / variance
    s = y - b * (gamma @ y)
    ends = [linprog(np.r_[sign, np.zeros(k)], A_ub=np.column_stack([b - sd, -x]), b_ub=-s, bounds=free,
                    method="highs") for sign in (1.0, -1.0)]
    low = ends[0].fun if ends[0].status == 0 else -np.inf
    high = min(-ends[1].fun if ends[1].status == 0 else np.inf, lf_cv)
    z, low, high = primal.fun / np.sqrt(variance), low / np.sqrt(variance), high / np.sqrt(variance)
    if not low - 1e-9 <= z <= high + 1e-9:
        return False
    return bool(z > max(0.0, truncnorm.ppf(1 - alpha, low, high)))


def test_with_nuisance_parameters_the_conditional_test_equals_the_dual_approach_written_out():
    """Two pre- and two post-period years, theta = l' (post-period betas): the rows that involve the post period,
    theta's coefficient and the nuisance column from any invertible completion of l (the test does not depend on
    it); at 9 values of theta the module's test (primal formulas where the binding moments allow) and the
    written-out dual approach accept the same values."""
    beta, sigma = np.array([0.2, -0.1, 0.8, 1.1]), 0.02 * (np.eye(4) + 0.3)
    for l_vec, completion, mbar in (((0.5, 0.5), (1.0, 0.0), 1.0), ((0.0, 1.0), (1.0, 0.0), 1.5)):
        inverse = np.linalg.inv(np.array([l_vec, completion]))
        sd_theta = np.sqrt(np.array(l_vec) @ sigma[2:, 2:] @ np.array(l_vec))
        grid = np.linspace(-20 * sd_theta, 20 * sd_theta, 9)
        accepted = np.zeros(len(grid), dtype=bool)
        for s in (-1, 0):
            for positive in (True, False):
                a = _rm_rows(2, 2, mbar, s, positive)
                a = a[np.abs(a[:, 2:]).sum(axis=1) > 0]
                t = a[:, 2:] @ inverse
                for i, theta in enumerate(grid):
                    if not accepted[i]:
                        y = a @ beta - t[:, 0] * theta
                        accepted[i] = not _dual_rejects(y, t[:, 1:], a @ sigma @ a.T, 0.05)
        expected = (grid[accepted].min(), grid[accepted].max())
        got = rm_confidence_set(beta, sigma, 2, 2, mbar, l_vec=l_vec, method="Conditional", grid_points=9)
        assert got == pytest.approx(expected), l_vec
        # the test at theta = 0 alone, for this l
        zero_accepted = False
        for s in (-1, 0):
            for positive in (True, False):
                a = _rm_rows(2, 2, mbar, s, positive)
                a = a[np.abs(a[:, 2:]).sum(axis=1) > 0]
                zero_accepted = zero_accepted or not _dual_rejects(a @ beta, (a[:, 2:] @ inverse)[:, 1:],
                                                                    a @ sigma @ a.T, 0.05)
        assert excludes_zero(beta, sigma, 2, 2, mbar, l_vec=l_vec) == (not zero_accepted)
    # at Mbar = 1 the mean of the two years includes zero, the first year alone (the default l) does not
    assert not excludes_zero(beta, sigma, 2, 2, 1.0, l_vec=(0.5, 0.5)) and excludes_zero(beta, sigma, 2, 2, 1.0)


def _edge(rejects, low: float, high: float) -> float:
    """Where ``rejects(t)`` turns from False (at ``low``) to True (at ``high``), by bisection to 1e-9."""
    while high - low > 1e-9:
        middle = (low + high) / 2
        low, high = (low, middle) if rejects(middle) else (middle, high)
    return (low + high) / 2


def _edge_cases():
    """Moment problems (y0, x, covariance, vertices): random ones with zero to two nuisance columns (their optimal
    dual weights bind 1 + nuisance moments; one with variances of the size of real departures, 0,01), and the structured ones of the relative-magnitudes restriction for
    two pre- and two post-period years (many of them bind fewer: the degenerate case)."""
    rng = np.random.default_rng(30)
    for moments, k, scale in ((3, 0, 1.0), (4, 0, 1.0), (4, 1, 1.0), (5, 1, 1.0), (5, 2, 1.0), (6, 2, 1.0),
                              (5, 1, 0.01), (6, 1, 0.01)):
        if moments == 6 and k == 1:  # a problem whose non-binding moments truncate from both sides
            rng = np.random.default_rng(1)
        root = rng.normal(size=(moments, moments))
        cov = scale * (root @ root.T / moments + 0.05 * np.eye(moments))
        x = rng.normal(size=(moments, k))
        vertices = _vertices(np.column_stack([np.sqrt(np.diag(cov)), x]))
        if len(vertices):  # else eta is unbounded below: no test (checked above)
            yield rng.normal(size=moments) * np.sqrt(np.diag(cov)), x, cov, vertices
    beta, sigma = np.array([0.2, -0.1, 0.8, 1.1]), 0.02 * (np.eye(4) + 0.3 + 0.2 * np.eye(4)[::-1])
    for p in _problems(beta, sigma, 2, 2, np.array([0.5, 0.5]), 2.0, "ARP", 0.005, 0)[:2]:
        yield p.y0, p.x, p.sigma, p.vertices
    bcdata = _problems(BC_BETAHAT, BC_SIGMA, 4, 4, np.eye(4)[0], 0.5, "ARP", 0.005, 0)
    for index, theta in ((0, 0.0), (4, 0.2)):  # dual weights on one and on two of eight moments, three nuisance
        p = bcdata[index]
        yield p.y0 - p.a1 * theta, p.x, p.sigma, p.vertices


def test_at_the_edge_of_rejection_the_conditional_test_decides_as_the_written_out_one():
    """Every moment moved by t of its standard deviations moves eta by t (the dual weights sum to one there), so
    the test turns from accepting to rejecting at one t. Just below and above that edge (1e-4 either side) the
    module's test, plain and hybrid (the least-favourable critical value put 0.3 or 1.5 above eta at t = 0), at
    alpha 0.05 and 0.3, decides as the written-out dual approach: the truncation bounds, the level of the hybrid,
    the critical value and the comparisons are all where the test's decision changes."""
    checked, degenerate = 0, 0
    for y0, x, cov, vertices in _edge_cases():
        sd = np.sqrt(np.diag(cov))
        eta0, lam, _ = _eta(y0, vertices)
        degenerate += int((lam > 1e-6).sum()) != x.shape[1] + 1
        for alpha in (0.05, 0.3):
            for lf_cv in (np.inf, eta0 + 0.3, eta0 + 1.5):
                hybrid, kappa = ("ARP", 0.0) if np.isinf(lf_cv) else ("LF", alpha / 10)

                def module(t: float) -> bool:
                    return _conditional_test(y0 + t * sd, x, cov, vertices, alpha, hybrid, kappa, lf_cv)

                assert not module(-30.0) and module(30.0)
                edge = _edge(module, -30.0, 30.0)
                for t in (edge - 1e-4, edge + 1e-4):
                    assert module(t) == _dual_rejects(y0 + t * sd, x, cov, alpha, lf_cv, kappa), (alpha, lf_cv, t)
                checked += 1
    assert checked == 6 * 11 and degenerate == 2


def test_the_conditional_test_at_its_limits_decides_by_hand_and_warns_of_nothing():
    """Cases worked out by hand, with every warning an error (a warning would show in a report's notebook):

    - no dual vertex: eta is unbounded below, nothing can be rejected;
    - three moments perfectly correlated: no moment truncates the binding one (rho = 0, bounds +-inf or 0 / 0), so
      the test is the one-sided z test of the largest standardised moment against 1,645; with only two of them
      perfectly correlated, the third truncates;
    - two moments perfectly negatively correlated whose mean is the only dual vertex: the statistic has no variance,
      and the test rejects exactly when eta > 0;
    - the hybrid when eta equals the least-favourable critical value: not rejected by the first stage (eta must
      exceed it), then the statistic sits at the upper truncation end and is rejected, unless that end is negative;
    - eta = 0 under a truncation [-1, 0,01]: the 95,5 % quantile is negative, the critical value 0, and 0 is not
      above 0."""
    import warnings

    identity2 = np.eye(2)
    vertices2 = _vertices(np.ones((2, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not _conditional_test(np.array([5.0, 5.0]), np.zeros((2, 0)), identity2, np.zeros((0, 2)), 0.05,
                                     "ARP", 0.0, np.inf)
        ones = np.ones((3, 3))
        flat = _vertices(np.ones((3, 1)))
        for y, rejected in (((1.0, 1.0, 0.0), False), ((1.7, 1.7, 0.0), True), ((1.6, 0.0, 1.6), False),
                            ((0.0, 2.0, 1.0), True), ((1.64, 3.0, -2.0), True), ((1.6, -5.0, 1.0), False)):
            assert _conditional_test(np.array(y), np.zeros((3, 0)), ones, flat, 0.05, "ARP", 0.0, np.inf) == rejected
        # two of them perfectly correlated (0 / 0 for the tie), the third independent (rho = 1): V_lo =
        # y_3 = 0,5, and the 95 % quantile of a normal truncated to [0,5, inf) is 2,16
        pair = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        for y, rejected in (((2.3, 2.3, 0.5), True), ((2.1, 2.1, 0.5), False)):
            assert _conditional_test(np.array(y), np.zeros((3, 0)), pair, flat, 0.05, "ARP", 0.0, np.inf) == rejected
        # two independent moments with sd 0,5: rho = 0,5 truncates below only, at 0 (y = (1,5, 0): statistic 3)
        assert _conditional_test(np.array([1.5, 0.0]), np.zeros((2, 0)), 0.25 * identity2, _vertices(
            np.full((2, 1), 0.5)), 0.05, "ARP", 0.0, np.inf)
        opposite = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        x = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
        only = _vertices(np.column_stack([np.ones(3), x]))
        assert only.tolist() == [[0.5, 0.5, 0.0]]
        for y, rejected in (((1.0, -1.0, 7.0), False), ((0.5, 0.5, -3.0), True), ((0.1, -0.1, 0.0), False),
                            ((0.2, -0.1, 9.0), True)):
            assert _conditional_test(np.array(y), x, opposite, only, 0.05, "ARP", 0.0, np.inf) == rejected
        for y, rejected in (((0.7, 0.2), True), ((-0.3, -0.4), False)):
            eta = max(y)
            assert _conditional_test(np.array(y), np.zeros((2, 0)), identity2, vertices2, 0.05, "LF", 0.005,
                                     eta) == rejected
        assert not _conditional_test(np.array([0.0, -1.0]), np.zeros((2, 0)), identity2, vertices2, 0.05, "LF",
                                     0.005, 0.01)
        assert _conditional_test(np.array([0.0, -1.0]), np.zeros((2, 0)), identity2, vertices2, 0.05, "LF",
                                 0.005, 0.0 - 1e-12)


def test_excludes_zero_and_the_breakdown_value_follow_the_written_out_test_at_zero():
    """The test at theta = 0 alone; the breakdown value is the last Mbar of the bisection on [0, upper] at which
    zero is still rejected (checked against the written-out test at that Mbar and one tolerance step above)."""
    for method in ("Conditional", "C-LF"):
        for mbar in (0.0, 0.3, 1.0, 3.0):
            _, accepted = _robust_set(BETA, SIGMA, 2, mbar, 0.05, method, at=[0.0])
            assert excludes_zero(BETA, SIGMA, 2, 1, mbar, method=method) == (not accepted[0])
    _, at_alpha = _robust_set(BETA, SIGMA, 2, 1.0, 0.2, "Conditional", at=[0.0])
    assert excludes_zero(BETA, SIGMA, 2, 1, 1.0, alpha=0.2) == (not at_alpha[0])

    def rejects(mbar, method="Conditional", alpha=0.05):
        return not _robust_set(BETA, SIGMA, 2, mbar, alpha, method, at=[0.0])[1][0]

    for method, upper, tolerance in (("Conditional", 10.0, 0.01), ("C-LF", 4.0, 0.1)):
        value = breakdown_value(BETA, SIGMA, 2, 1, method=method, upper=upper, tolerance=tolerance)
        steps = int(np.ceil(np.log2(upper / tolerance)))
        assert value / (upper / 2 ** steps) == pytest.approx(round(value / (upper / 2 ** steps)))
        assert 0 < value < upper and rejects(value, method) and not rejects(value + upper / 2 ** steps, method)
    default = breakdown_value(BETA, SIGMA, 2, 1)  # Conditional, upper 10, tolerance 0.01
    assert rejects(default) and not rejects(default + 10 / 1024)
    assert default / (10 / 1024) == pytest.approx(round(default / (10 / 1024)))
    # the hybrid test excludes zero at Mbar = 0 (and 0.1) here, the plain conditional one does not (written out)
    hybrid_only, diagonal = np.array([0.32, 0.26, 0.79]), np.diag([0.015, 0.041, 0.056])
    for mbar in (0.0, 0.1):
        assert not _robust_set(hybrid_only, diagonal, 2, mbar, 0.05, "C-LF", at=[0.0])[1][0]
        assert _robust_set(hybrid_only, diagonal, 2, mbar, 0.05, "Conditional", at=[0.0])[1][0]
    assert breakdown_value(hybrid_only, diagonal, 2, 1, method="C-LF") > 0.1
    assert breakdown_value(hybrid_only, diagonal, 2, 1, method="C-LF", upper=0.1) == 0.1
    assert breakdown_value(hybrid_only, diagonal, 2, 1) == 0.0
    # two post-period years (the example of the dual approach above): at Mbar = 1 the mean of the two includes
    # zero, the first year alone does not, so the breakdown value of the mean lies below 1 (steps of 10 / 1024)
    beta, sigma = np.array([0.2, -0.1, 0.8, 1.1]), 0.02 * (np.eye(4) + 0.3)
    value = breakdown_value(beta, sigma, 2, 2, l_vec=(0.5, 0.5))
    assert 0 < value < 1 and excludes_zero(beta, sigma, 2, 2, value, l_vec=(0.5, 0.5))
    assert not excludes_zero(beta, sigma, 2, 2, value + 10 / 1024, l_vec=(0.5, 0.5))
    # no departure in the first post-period year, one of 1 in the second: only l = (0, 1) excludes zero
    second = np.array([0.2, -0.1, 0.0, 1.0])
    assert not excludes_zero(second, sigma, 2, 2, 0.0) and excludes_zero(second, sigma, 2, 2, 0.25, l_vec=(0, 1))
    assert 0.25 < breakdown_value(second, sigma, 2, 2, l_vec=(0, 1)) < 10
    assert breakdown_value(second, sigma, 2, 2, l_vec=(0, 1), upper=0.25) == 0.25
    # robust beyond every Mbar tried, and not even at Mbar = 0
    assert breakdown_value(BETA, SIGMA, 2, 1, upper=0.5) == 0.5
    assert breakdown_value(np.array([0.3, -0.1, 0.2]), SIGMA, 2, 1) == 0.0
    # the bisection stops once the bracket is at most the tolerance: on [0, 8] to 0.25, values in steps of 0.25
    quarter = breakdown_value(BETA, SIGMA, 2, 1, upper=8.0, tolerance=0.25)
    assert quarter % 0.25 == 0 and rejects(quarter) and not rejects(quarter + 0.25)
    level = breakdown_value(BETA, SIGMA, 2, 1, alpha=0.2, tolerance=0.01)
    assert rejects(level, alpha=0.2) and not rejects(level + 10 / 1024, alpha=0.2)


def test_rs_normal_draws_for_two_more_seeds_come_back_read_only():
    """The draws are cached and shared between calls: they come back read-only."""
    # R: set.seed(1); rnorm(5) -> -0.6264538 0.1836433 -0.8356286 1.5952808 0.3295078
    draws = r_normal_draws(1, 5)
    assert draws == pytest.approx([-0.6264538, 0.1836433, -0.8356286, 1.5952808, 0.3295078], abs=1e-7)
    with pytest.raises(ValueError):
        draws[0] = 0.0
    # R: set.seed(123); rnorm(3) -> -0.56047565 -0.23017749 1.55870831
    assert r_normal_draws(123, 3) == pytest.approx([-0.56047565, -0.23017749, 1.55870831], abs=1e-8)


RATES = pd.DataFrame({"A": [10.0, 11.1, 12.3, 12.9, 13.6], "B": [20.2, 21.0, 21.7, 22.4, 23.3],
                      "C": [15.1, 16.4, 16.6, 18.2, 18.5], "D": [12.0, 12.7, 13.9, 14.6, 15.4],
                      "E": [8.3, 9.0, 9.6, 10.4, 11.7]}, index=range(2015, 2020))


def _departures(rates: pd.DataFrame, column: str, baseline: int) -> pd.Series:
    """The column's gap to the mean of the other columns, minus the baseline year's gap, without that year."""
    gap = rates[column] - rates.drop(columns=column).mean(axis=1)
    return (gap - gap[baseline]).drop(index=baseline)


def test_the_event_study_is_the_gap_to_the_mean_of_the_others_and_its_placebo_covariance():
    """Departures of G from the mean of A to E relative to 2017; the covariance is pandas' covariance of the same
    departures of each of A to E against the mean of the other four (G left out)."""
    rates = RATES.assign(G=RATES.mean(axis=1) + [0.5, 0.2, 0.0, 1.0, 2.5])
    years, betahat, sigma = event_study_from_rates(rates, "G", 2017)
    assert years == [2015, 2016, 2018, 2019] and all(isinstance(y, int) for y in years)
    # G's gap to the mean of A..E is the added path itself: (0.5, 0.2, 0, 1, 2.5) - 0
    assert betahat == pytest.approx([0.5, 0.2, 1.0, 2.5])
    donors = RATES
    placebo = pd.DataFrame({c: _departures(donors, c, 2017) for c in donors.columns})
    assert sigma == pytest.approx(placebo.T.cov().to_numpy())
    assert sigma.shape == (4, 4)
    # rates in pandas' nullable integers: the same computation in float
    whole = (10 * rates).round().astype("Int64")
    _, betahat, sigma = event_study_from_rates(whole, "G", 2017)
    floats = whole.astype(float)
    assert betahat.dtype == np.float64 and sigma.dtype == np.float64
    assert betahat == pytest.approx(_departures(floats, "G", 2017).to_numpy())
    placebo = pd.DataFrame({c: _departures(floats.drop(columns="G"), c, 2017) for c in donors.columns})
    assert sigma == pytest.approx(placebo.T.cov().to_numpy())


def test_sensitivity_summarises_the_event_study_and_needs_two_years_before_one_after_and_five_donors():
    """G departs from the mean of A..E by (0.4, 0.2, 0, 1.6, 2.2) with baseline 2017: pre = 2, post = 2, effect =
    mean(1.6, 2.2) = 1.9, largest pre-period change max(|0.2 - 0.4|, |0 - 0.2|) = 0.2, five placebo donors. The
    breakdown value is the bisection's last Mbar on [0, upper] at which the C-LF set for the mean of the
    post-period years still excludes zero (the module's excludes_zero, whose test is checked above); here the
    plain conditional test or the first post-period year alone would end one step later or earlier."""
    rates = RATES.assign(G=RATES.mean(axis=1) + [0.4, 0.2, 0.0, 1.6, 2.2])
    result = sensitivity(rates, "G", 2017, upper=4.0, tolerance=0.3)
    years, betahat, sigma = event_study_from_rates(rates, "G", 2017)
    assert isinstance(result, Sensitivity)
    assert (result.years, result.pre, result.post, result.placebos) == ([2015, 2016, 2018, 2019], 2, 2, 5)
    assert result.betahat == pytest.approx([0.4, 0.2, 1.6, 2.2]) and result.sigma == pytest.approx(sigma)
    assert (result.effect, result.largest_pre_change) == pytest.approx((1.9, 0.2))
    # bisection on [0, 4] to 0.3: steps of 4 / 16 = 0.25
    mean = np.array([0.5, 0.5])
    assert result.breakdown / 0.25 == round(result.breakdown / 0.25)
    if 0 < result.breakdown < 4:
        assert excludes_zero(betahat, sigma, 2, 2, result.breakdown, mean, method="C-LF")
        assert not excludes_zero(betahat, sigma, 2, 2, result.breakdown + 0.25, mean, method="C-LF")
    # the defaults: upper 5, tolerance 0.05 (steps of 5 / 128), alpha 0.05
    default = sensitivity(rates, "G", 2017)
    step = 5 / 128
    assert default.breakdown / step == pytest.approx(round(default.breakdown / step))
    assert excludes_zero(betahat, sigma, 2, 2, default.breakdown, mean, method="C-LF")
    assert not excludes_zero(betahat, sigma, 2, 2, default.breakdown + step, mean, method="C-LF")
    # the draws of the hybrid test default to R's set.seed(0), as HonestDiD's: here seed 1 would decide otherwise
    at = default.breakdown + step
    assert excludes_zero(betahat, sigma, 2, 2, at, mean, method="C-LF") == excludes_zero(
        betahat, sigma, 2, 2, at, mean, method="C-LF", seed=0) != excludes_zero(
        betahat, sigma, 2, 2, at, mean, method="C-LF", seed=1)
    # too little: baseline missing, four donors, one year before the baseline, none after it
    assert sensitivity(rates, "G", 2014) is None
    assert sensitivity(rates.drop(columns="E"), "G", 2017) is None
    assert sensitivity(rates, "G", 2016) is None and sensitivity(rates, "G", 2019) is None
    assert sensitivity(rates, "G", 2018).post == 1


def test_a_singular_covariance_is_refused_with_a_german_reason_and_gives_no_sensitivity():
    """A covariance of rank 3 for four coefficients (one combination of the years without variance; rounding puts
    its eigenvalue at -1,4e-18): the square root of a moment's variance would be NaN and linear algebra fail.
    Every entry point says so in German instead; the area's sensitivity is None, as with too few donors. The limit
    is a smallest eigenvalue of 1e-10 times the largest: 1,2e-10 times passes, 0,8e-10 times does not."""
    s = np.array([[0.096, 0.144, 0.048, 0.072], [0.144, 0.396, 0.252, 0.108], [0.048, 0.252, 0.204, 0.036],
                  [0.072, 0.108, 0.036, 0.108]])
    beta = np.array([0.5, 0.2, 1.0, 2.5])
    assert np.linalg.eigvalsh(s)[0] < 1e-15 and not regular_covariance(s)
    calls = (lambda: excludes_zero(beta, s, 2, 2, 1.0, np.array([0.5, 0.5])),
             lambda: breakdown_value(beta, s, 2, 2, (0.5, 0.5)),
             lambda: rm_confidence_set(beta, s, 2, 2, 1.0, method="Conditional", grid_points=5))
    for call in calls:
        with pytest.raises(AnalysisError) as raised:
            call()
        assert str(raised.value) == (
            "Die Kovarianzmatrix der Ereignisstudie ist singulär: mindestens eine Kombination der Jahre streut unter "
            "den Placebo-Stadtteilen nicht (etwa weil es weniger Stadtteile als Jahre gibt). Der Test von Rambachan "
            "und Roth ist dann nicht bestimmt.")
    assert not regular_covariance(np.zeros((2, 2))) and not regular_covariance(-np.eye(2))
    assert regular_covariance(np.diag([1.0, 1.2e-10])) and not regular_covariance(np.diag([1.0, 0.8e-10]))
    assert not regular_covariance(np.diag([1.0, 1e-10]))  # the limit itself is singular
    # relative to the largest eigenvalue, not the middle one, and the same for every scale
    assert not regular_covariance(np.diag([100.0, 1e-9])) and regular_covariance(np.diag([100.0, 1e-7]))
    assert not regular_covariance(np.diag([1.0, 1e-3, 1e-12]))
    assert regular_covariance([[2, 1], [1, 2]]) and regular_covariance([[0.04]])  # integers, one coefficient
    # six years and five donors: the placebo departures span at most four of the five coefficients
    rates = pd.concat([RATES, pd.DataFrame([RATES.iloc[-1] + [0.6, 0.9, 0.2, 0.8, 1.1]], index=[2020])])
    rates = rates.assign(G=rates.mean(axis=1) + [0.4, 0.2, 0.0, 1.6, 2.2, 2.4])
    _, _, sigma = event_study_from_rates(rates, "G", 2017)
    assert sigma.shape == (5, 5) and not regular_covariance(sigma)
    assert sensitivity(rates, "G", 2017) is None
    assert sensitivity(rates.drop(index=2020), "G", 2017) is not None
