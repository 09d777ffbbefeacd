"""How much may the trend assumption fail before a result breaks? The relative-magnitudes bound of Rambachan
and Roth (2023, "A More Credible Approach to Parallel Trends").

An event study gives, for each year before and after the programme's start, the area's departure from its
comparison, relative to the baseline year (``betahat``: first the years before the baseline, then those after
it; the baseline year itself is the reference, zero). Before the baseline the departures are pure violations of
the trend assumption; after it they are the effect plus such a violation. The relative-magnitudes restriction
Delta^RM(Mbar) says: no change of the violation from one post-period year to the next is larger than Mbar times
the largest such change in the pre-period. For each Mbar the confidence set for the effect
theta = l' (post-period betas) is valid under that restriction; the breakdown value is the largest Mbar for which
that set excludes zero.

The confidence set follows the reference implementation, the R package HonestDiD
(``computeConditionalCS_DeltaRM``): the union over the pre-period year s whose change is the largest and its
sign of Andrews, Roth and Pakes' conditional test of the moment inequalities, with the post-period betas other
than the target as nuisance parameters (Andrews, Roth and Pakes 2023), in its least-favourable hybrid ("C-LF",
first-stage size alpha/10 with a critical value from 1000 normal draws) or its plain conditional form
("Conditional"), over the same grid of 1000 values of theta in +-20 standard errors. The linear programmes are
solved through their duals: the dual's feasible set does not depend on the data, so each programme is the
maximum over its vertices, enumerated once (exact, and a thousand simulated programmes become one matrix
product). The least-favourable critical value uses R's own normal draws after ``set.seed(0)``
(:func:`r_normal_draws`), evaluated at the draws themselves as R does. Against the package's BCdata example
(``tests/test_honest_trends.py``) all four rows (Mbar = 0.5, 1, 1.5, 2) agree with R to all 16 digits.

The bound is NOT "estimate +- Mbar x (years since start)" (a shortcut some projects have shipped): the set
depends on the size of the pre-period changes and on the sampling noise of all coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from ..errors import AnalysisError

GRID_POINTS = 1000
"""Values of theta tested per confidence set (the reference implementation's default)."""

LF_SIMULATIONS = 1000
"""Normal draws for the least-favourable critical value (the reference implementation's default)."""

SINGULAR_RATIO = 1e-10
"""A covariance whose smallest eigenvalue is at most this fraction of its largest counts as singular."""


def regular_covariance(sigma) -> bool:
    """Whether the covariance ``sigma`` is positive definite beyond rounding: its smallest eigenvalue above
    :data:`SINGULAR_RATIO` times its largest.

    A singular covariance gives some combination of the coefficients no variance (with placebo Stadtteile: fewer of
    them than years, or departures that move in lockstep); a moment of the test along it has a standard deviation
    of 0 or the square root of a rounding error below 0, and the test is not determined.

    Examples
    --------
    >>> regular_covariance(np.diag([0.04, 0.04])), regular_covariance(np.array([[1.0, 1.0], [1.0, 1.0]]))
    (True, False)
    """
    values = np.linalg.eigvalsh(np.asarray(sigma, dtype=float))
    return bool(values[0] > SINGULAR_RATIO * values[-1])  # false too when the largest is not above 0


def _checked(betahat, sigma) -> tuple[np.ndarray, np.ndarray]:
    """``betahat`` and ``sigma`` as float arrays; an :class:`~veedel_lib.errors.AnalysisError` for a singular
    ``sigma`` (see :func:`regular_covariance`)."""
    betahat, sigma = np.asarray(betahat, dtype=float), np.asarray(sigma, dtype=float)
    if not regular_covariance(sigma):
        raise AnalysisError("Die Kovarianzmatrix der Ereignisstudie ist singulär: mindestens eine Kombination der "
                            "Jahre streut unter den Placebo-Stadtteilen nicht (etwa weil es weniger Stadtteile als "
                            "Jahre gibt). Der Test von Rambachan und Roth ist dann nicht bestimmt.")
    return betahat, sigma


def _rm_constraints(pre: int, post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    """Rows A of A delta <= 0 describing Delta^RM_{s,sign}(Mbar) for delta = (pre-period, post-period
    violations), the reference period's zero column removed (R's ``.create_A_RM``); ``s`` in -(pre-1)..0 marks
    the pre-period change (delta_{s} - delta_{s-1}) assumed to be the largest, ``positive`` its sign."""
    size = pre + post
    differences = np.zeros((size, size + 1))
    for r in range(size):
        differences[r, r:r + 2] = (-1.0, 1.0)
    largest = np.zeros(size + 1)
    largest[pre + s - 1:pre + s + 1] = (-1.0, 1.0)
    if not positive:
        largest = -largest
    bound = np.vstack([np.tile(largest, (pre, 1)), np.tile(mbar * largest, (post, 1))])
    rows = np.vstack([differences - bound, -differences - bound])
    rows = rows[(rows ** 2).sum(axis=1) > 1e-10]
    return np.delete(rows, pre, axis=1)


def _construct_gamma(l_vec: np.ndarray) -> np.ndarray:
    """An invertible matrix whose first row is ``l_vec`` (R's ``.construct_Gamma``: l and the unit vectors,
    the columns that lead the reduced row echelon form)."""
    count = len(l_vec)
    basis = np.column_stack([l_vec, np.eye(count)])
    chosen, rank = [], 0
    for column in range(basis.shape[1]):
        candidate = basis[:, chosen + [column]]
        if np.linalg.matrix_rank(candidate, tol=1e-10) > rank:
            chosen.append(column)
            rank += 1
        if rank == count:
            break
    return basis[:, chosen].T


def _vertices(w: np.ndarray) -> np.ndarray:
    """The vertices (rows) of {lambda >= 0 : W' lambda = e1}, W = [sd, x] (moments x (1 + nuisance)).

    It is the feasible set of the dual of min eta s.t. y - x delta <= sd eta, and does not depend on y, so
    eta(y) = max over the vertices of lambda' y: one matrix product for a thousand simulated y instead of a
    thousand linear programmes. A vertex has at most 1 + nuisance non-zero entries (a basic solution).
    """
    from itertools import combinations

    moments, width = w.shape
    rhs = np.zeros(width)
    rhs[0] = 1.0
    found = []
    for size in range(1, width + 1):
        subsets = np.array(list(combinations(range(moments), size)), dtype=int)
        if not len(subsets):
            continue
        blocks = w[subsets]  # subsets x size x width
        transposed = blocks.transpose(0, 2, 1)  # width x size systems
        solution, residual = _least_squares(transposed, rhs)
        exact = residual < 1e-9
        nonnegative = (solution >= -1e-12).all(axis=1)
        for subset, values in zip(subsets[exact & nonnegative], solution[exact & nonnegative]):
            vertex = np.zeros(moments)
            vertex[subset] = np.clip(values, 0.0, None)
            found.append(vertex)
    if not found:
        return np.zeros((0, moments))
    return np.unique(np.round(np.array(found), 12), axis=0)


def _least_squares(systems: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares solutions of many systems (n x rows x cols) with the same right side, and the residual
    norms; a system whose columns are dependent gets an infinite residual (no unique basic solution)."""
    count, rows, cols = systems.shape
    gram = systems.transpose(0, 2, 1) @ systems
    determinant_ok = np.linalg.matrix_rank(gram, tol=1e-10) == cols
    gram[~determinant_ok] = np.eye(cols)
    solution = np.linalg.solve(gram, (systems.transpose(0, 2, 1) @ rhs)[:, :, None])[:, :, 0]
    residual = np.linalg.norm(systems @ solution[:, :, None] - rhs[None, :, None], axis=(1, 2))
    residual[~determinant_ok] = np.inf
    return solution, residual


def _eta(y: np.ndarray, vertices: np.ndarray) -> tuple[float, np.ndarray, bool]:
    """min eta s.t. y - x delta <= sd eta (R's ``.test_delta_lp_fn``) by its dual: eta and the optimal dual
    weights lambda (a vertex); not solved (False) when the dual has no vertex."""
    if not len(vertices):
        return np.nan, np.zeros(len(y)), False
    values = vertices @ y
    best = int(np.argmax(values))
    return float(values[best]), vertices[best], True


def _max_program(s_t: np.ndarray, gamma: np.ndarray, sigma: np.ndarray, vertices: np.ndarray, c: float
                 ) -> tuple[float, np.ndarray | None]:
    """max f'x s.t. W' x = e1, x >= 0 with f = s + Sigma gamma / (gamma' Sigma gamma) c (R's ``.max_program``),
    over the vertices of that set: the optimum and the solution (NaN, None without vertices)."""
    if not len(vertices):
        return np.nan, None
    f = s_t + (sigma @ gamma) / float(gamma @ sigma @ gamma) * c
    values = vertices @ f
    best = int(np.argmax(values))
    return float(values[best]), vertices[best]


def _vlo_vup_dual(eta: float, s_t: np.ndarray, gamma: np.ndarray, sigma: np.ndarray, vertices: np.ndarray
                  ) -> tuple[float, float]:
    """The truncation bounds of the conditional test in the degenerate case (R's ``.vlo_vup_dual_fn``)."""
    tolerance_c, tolerance = 1e-6, 1e-6
    sigma_b = float(np.sqrt(gamma @ sigma @ gamma))
    low_initial, high_initial = min(-100.0, eta - 20 * sigma_b), max(100.0, eta + 20 * sigma_b)
    b = (sigma @ gamma) / float(gamma @ sigma @ gamma)

    def solves(c: float) -> tuple[bool, np.ndarray | None]:
        value, x = _max_program(s_t, gamma, sigma, vertices, c)
        return bool(np.isfinite(value) and abs(c - value) <= tolerance), x

    def rounded(v: float) -> float:
        return 0.0 if abs(v) < np.finfo(float).eps ** 0.75 else v

    ok, _ = solves(eta)
    if not ok:
        return eta, np.inf
    bounds = []
    for start, upper in ((high_initial, True), (low_initial, False)):
        ok, x = solves(start)
        if ok:
            bounds.append(np.inf if upper else -np.inf)
            continue
        iterations, difference = 1, 0.0
        mid = rounded(float(x @ s_t)) / (1 - float(x @ b)) if x is not None else start
        while True:
            ok, x = solves(mid)
            if ok or iterations >= 10000:
                break
            iterations += 1
            if iterations >= 10:
                difference = tolerance_c + 1
                break
            mid = rounded(float(x @ s_t)) / (1 - float(x @ b)) if x is not None else mid
        low, high = (eta, mid) if upper else (mid, eta)
        while difference > tolerance_c and iterations < 10000:
            iterations += 1
            mid = (low + high) / 2
            inside, _ = solves(mid)
            if inside == upper:
                low = mid
            else:
                high = mid
            difference = high - low
        bounds.append(mid)
    return bounds[1], bounds[0]


def _truncated_normal_quantile(p: float, low: float, high: float) -> float:
    """The p-quantile of a standard normal truncated to [low, high]."""
    from scipy.special import ndtr, ndtri

    a, b = ndtr(low), ndtr(high)
    if b - a > 1e-12:
        return float(ndtri(a + p * (b - a)))
    # far in the upper tail: the same on the mirrored side, where the distribution function is accurate
    a, b = ndtr(-high), ndtr(-low)
    return float(-ndtri(b - p * (b - a))) if b - a > 0 else float(low if np.isfinite(low) else NormalDist().inv_cdf(p))


def _conditional_test(y: np.ndarray, x: np.ndarray, sigma: np.ndarray, vertices: np.ndarray, alpha: float,
                      hybrid: str, kappa: float, lf_cv: float) -> bool:
    """Andrews-Roth-Pakes conditional (hybrid) test that some delta with y - x delta <= 0 exists; True =
    rejected (R's ``.lp_conditional_test_fn``); ``vertices``: :func:`_vertices` of [sd, x]."""
    eta, lam, ok = _eta(y, vertices)
    if not ok:
        return False
    if hybrid == "LF":
        size = (alpha - kappa) / (1 - kappa)
        if eta > lf_cv:
            return True
    else:
        size = alpha
    k = x.shape[1]
    binding = lam > 1e-6
    degenerate = int(binding.sum()) != k + 1
    x_b = x[binding]
    full_rank = min(x_b.shape) > 0 and np.linalg.matrix_rank(x_b) == min(x_b.shape)
    if k == 0:
        full_rank = True
    sd = np.sqrt(np.diag(sigma))
    if degenerate or not full_rank:
        gamma = lam
        variance = float(gamma @ sigma @ gamma)
        s_t = y - (sigma @ np.outer(gamma, gamma) @ y) / variance if variance > 0 else y
        if abs(variance) < np.finfo(float).eps:
            return eta > 0
        vlo, vup = _vlo_vup_dual(eta, s_t, gamma, sigma, vertices)
        sigma_b = np.sqrt(variance)
        statistic = eta / sigma_b
        low = vlo / sigma_b
        high = (min(vup, lf_cv) if hybrid == "LF" else vup) / sigma_b
    else:
        rows = np.eye(len(y))
        stacked_b = np.column_stack([sd[binding], x_b])
        inverse = np.linalg.inv(stacked_b)
        gamma_b = np.column_stack([sd[~binding], x[~binding]]) @ inverse @ rows[binding] - rows[~binding]
        v_b = inverse[0] @ rows[binding]
        variance = float(v_b @ sigma @ v_b)
        sigma_b = np.sqrt(variance)
        rho = gamma_b @ sigma @ v_b / variance
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = (-gamma_b @ y) / rho + float(v_b @ y)
        vlo = bound[rho > 0].max() if (rho > 0).any() else -np.inf
        vup = bound[rho < 0].min() if (rho < 0).any() else np.inf
        statistic = eta / sigma_b
        low = vlo / sigma_b
        high = (min(vup, lf_cv) if hybrid == "LF" else vup) / sigma_b
    if not (low <= statistic <= high):
        return False
    critical = max(0.0, _truncated_normal_quantile(1 - size, low, high))
    return statistic > critical


@lru_cache(maxsize=8)
def r_normal_draws(seed: int, count: int) -> np.ndarray:
    """``count`` standard normal draws as R gives them after ``set.seed(seed)`` (Mersenne Twister, inversion),
    so that the least-favourable critical value equals the reference implementation's.

    R scrambles the seed with the congruential generator 69069 s + 1 (50 times, then once per state word),
    draws 32-bit integers by MT19937 and makes a normal of two uniforms u1, u2 as Phi^-1((floor(2^27 u1) + u2)
    / 2^27).

    Parameters
    ----------
    seed : int
        The argument of R's ``set.seed``.
    count : int
        Number of draws.

    Returns
    -------
    numpy.ndarray
        The draws of R's ``rnorm(count)``.

    Examples
    --------
    R: ``set.seed(0); rnorm(3)`` prints ``1.2629543 -0.3262334  1.3297993``.

    >>> r_normal_draws(0, 3).round(7).tolist()
    [1.2629543, -0.3262334, 1.3297993]
    """
    from scipy.special import ndtri

    state = seed & 0xFFFFFFFF
    for _ in range(50):
        state = (69069 * state + 1) & 0xFFFFFFFF
    words = np.zeros(625, dtype=np.uint64)
    for j in range(625):
        state = (69069 * state + 1) & 0xFFFFFFFF
        words[j] = state
    generator = np.random.MT19937()
    generator.state = {"bit_generator": "MT19937", "state": {"key": words[1:].astype(np.uint32), "pos": 624}}
    raw = generator.random_raw(2 * count).astype(float) * 2.3283064365386963e-10
    raw = np.clip(raw, 0.5 * 2.328306437080797e-10, 1 - 0.5 * 2.328306437080797e-10)
    big = 134217728.0
    draws = ndtri((np.floor(big * raw[0::2]) + raw[1::2]) / big)
    draws.setflags(write=False)
    return draws


def _least_favourable_cv(x: np.ndarray, sigma: np.ndarray, vertices: np.ndarray, kappa: float, seed: int,
                         simulations: int = LF_SIMULATIONS) -> float:
    """The 1 - kappa quantile (R's type 7, numpy's default) of eta(xi), xi ~ N(0, sigma) (R's
    ``.compute_least_favorable_cv``: the same draws xi as R's ``set.seed(seed)`` and ``mvtnorm::rmvnorm``,
    which multiplies row-filled standard normals by the symmetric square root of sigma).

    eta(y) = min eta s.t. y - x delta <= sd eta is evaluated at y = xi itself, not at -xi: R passes ``-xi`` as
    the right-hand side b of ``-[sd, x] (eta, delta) <= b``, i.e. xi - x delta <= sd eta. The distribution is
    the same either way, but the 1000 realised draws are not, and with them the tail quantile: y = -xi put the
    critical value of one moment problem of the package's BCdata example 0.15 higher and both ends of the
    robust set at Mbar = 1.5 one grid step outside R's.
    """
    values, vectors = np.linalg.eigh(sigma)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    draws = r_normal_draws(seed, simulations * len(sigma)).reshape(simulations, len(sigma)) @ root
    if x.shape[1] == 0:
        return float(np.quantile((draws / np.sqrt(np.diag(sigma))).max(axis=1), 1 - kappa))
    if not len(vertices):
        return np.nan
    etas = (draws @ vertices.T).max(axis=1)
    return float(np.quantile(etas, 1 - kappa))


@dataclass(frozen=True)
class _Problem:
    """The moments of one (s, sign) part of Delta^RM(Mbar): y(theta) = y0 - a1 theta, nuisance columns x."""

    y0: np.ndarray
    a1: np.ndarray
    x: np.ndarray
    sigma: np.ndarray
    vertices: np.ndarray
    lf_cv: float


def _problems(betahat: np.ndarray, sigma: np.ndarray, pre: int, post: int, l_vec: np.ndarray, mbar: float,
              hybrid: str, kappa: float, seed: int) -> list[_Problem]:
    """The moment problems of every (s, sign), restricted to the rows that involve post-period coefficients
    (the reference implementation's ``postPeriodMomentsOnly``)."""
    return list(_each_problem(betahat, sigma, pre, post, l_vec, mbar, hybrid, kappa, seed))


def _each_problem(betahat: np.ndarray, sigma: np.ndarray, pre: int, post: int, l_vec: np.ndarray, mbar: float,
                  hybrid: str, kappa: float, seed: int):
    """:func:`_problems` one at a time: a test at one theta stops at the first (s, sign) that accepts."""
    gamma_inverse = np.linalg.inv(_construct_gamma(l_vec))
    for s in range(-(pre - 1), 1):
        for positive in (True, False):
            a = _rm_constraints(pre, post, mbar, s, positive)
            transformed = a[:, pre:] @ gamma_inverse
            rows = np.flatnonzero(np.abs(a[:, pre:]).sum(axis=1) > 0) if post > 1 else np.arange(len(a))
            y0 = (a @ betahat)[rows]
            covariance = (a @ sigma @ a.T)[np.ix_(rows, rows)]
            x = transformed[rows][:, 1:]
            vertices = _vertices(np.column_stack([np.sqrt(np.diag(covariance)), x]))
            lf_cv = _least_favourable_cv(x, covariance, vertices, kappa, seed) if hybrid == "LF" else np.inf
            yield _Problem(y0, transformed[rows, 0], x, covariance, vertices, lf_cv)


def _accepts(problems, theta: float, alpha: float, hybrid: str, kappa: float) -> bool:
    """Whether theta lies in the union of the (s, sign) confidence sets."""
    return any(not _conditional_test(p.y0 - p.a1 * theta, p.x, p.sigma, p.vertices, alpha, hybrid, kappa,
                                     p.lf_cv)
               for p in problems)


def rm_confidence_set(betahat, sigma, pre: int, post: int, mbar: float, l_vec=None, alpha: float = 0.05,
                      method: str = "C-LF", grid_points: int = GRID_POINTS, seed: int = 0
                      ) -> tuple[float, float]:
    """Robust confidence set (lower, upper end) for theta = l' (post-period coefficients) under
    Delta^RM(Mbar), as ``createSensitivityResults_relativeMagnitudes`` reports it (smallest and largest accepted
    value of the grid); NaN ends when no grid value is accepted. ``method``: "C-LF" or "Conditional".

    Parameters
    ----------
    betahat : array_like
        Event-study coefficients, first the ``pre`` years before the baseline, then the ``post`` years after it.
    sigma : array_like
        Their covariance matrix.
    pre, post : int
        Numbers of pre- and post-period coefficients.
    mbar : float
        The bound Mbar of Delta^RM(Mbar).
    l_vec : array_like, optional
        Weights of theta over the post-period coefficients; the first post-period year when None.
    alpha : float, default 0.05
        1 - confidence level.
    method : {"C-LF", "Conditional"}, default "C-LF"
        Hybrid least-favourable or plain conditional test.
    grid_points : int, default GRID_POINTS
        Values of theta tested in +-20 standard errors.
    seed : int, default 0
        R seed of the least-favourable draws.

    Returns
    -------
    lower, upper : float
        Ends of the robust confidence set (points of the coefficients' unit).

    Raises
    ------
    AnalysisError
        When ``sigma`` is singular (:func:`regular_covariance`).

    Examples
    --------
    Two pre-period years with departures 0.1 and 0 (relative to the baseline) and one post-period year with 2,
    each with standard error 0.2:

    >>> betahat, sigma = np.array([0.1, 0.0, 2.0]), np.diag([0.04, 0.04, 0.04])
    >>> low0, high0 = rm_confidence_set(betahat, sigma, pre=2, post=1, mbar=0.0)
    >>> low1, high1 = rm_confidence_set(betahat, sigma, pre=2, post=1, mbar=1.0)
    >>> bool(0 < low0 < 2.0 < high0), bool(low1 < low0 and high1 > high0)
    (True, True)
    """
    betahat, sigma = _checked(betahat, sigma)
    l_vec = np.eye(post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    hybrid, kappa = ("LF" if method == "C-LF" else "ARP"), alpha / 10
    sd_theta = float(np.sqrt(l_vec @ sigma[pre:, pre:] @ l_vec))
    grid = np.linspace(-20 * sd_theta, 20 * sd_theta, grid_points)
    problems = _problems(betahat, sigma, pre, post, l_vec, mbar, hybrid, kappa, seed)
    accepted = [theta for theta in grid if _accepts(problems, theta, alpha, hybrid, kappa)]
    return (min(accepted), max(accepted)) if accepted else (np.nan, np.nan)


def excludes_zero(betahat, sigma, pre: int, post: int, mbar: float, l_vec=None, alpha: float = 0.05,
                  method: str = "Conditional", seed: int = 0) -> bool:
    """Whether the robust confidence set under Delta^RM(Mbar) rejects theta = 0 (the test at zero alone, as
    the breakdown value needs; a set that is an interval then lies wholly on one side of zero).

    Parameters
    ----------
    betahat, sigma, pre, post, mbar, l_vec, alpha, seed
        As for :func:`rm_confidence_set`.
    method : {"C-LF", "Conditional"}, default "Conditional"
        The test.

    Returns
    -------
    bool

    Raises
    ------
    AnalysisError
        When ``sigma`` is singular (:func:`regular_covariance`).

    Examples
    --------
    Two pre-period years with departures 0.1 and 0 (relative to the baseline) and one post-period year with 2,
    each with standard error 0.2:

    >>> betahat, sigma = np.array([0.1, 0.0, 2.0]), np.diag([0.04, 0.04, 0.04])
    >>> excludes_zero(betahat, sigma, pre=2, post=1, mbar=1.0), excludes_zero(betahat, sigma, 2, 1, mbar=10.0)
    (True, False)
    """
    betahat, sigma = _checked(betahat, sigma)
    l_vec = np.eye(post)[0] if l_vec is None else np.asarray(l_vec, dtype=float)
    hybrid, kappa = ("LF" if method == "C-LF" else "ARP"), alpha / 10
    return not _accepts(_each_problem(betahat, sigma, pre, post, l_vec, mbar, hybrid, kappa, seed), 0.0, alpha,
                        hybrid, kappa)


def breakdown_value(betahat, sigma, pre: int, post: int, l_vec=None, alpha: float = 0.05,
                    method: str = "Conditional", upper: float = 10.0, tolerance: float = 0.01) -> float:
    """The largest Mbar (to ``tolerance``) for which the robust set under Delta^RM(Mbar) excludes zero:
    0 when it does not even at Mbar = 0 (no violation allowed beyond the pre-period's), ``upper`` when it
    still does there. Bisection: larger Mbar allow more, so the set only grows.

    Parameters
    ----------
    betahat, sigma, pre, post, l_vec, alpha, method
        As for :func:`excludes_zero`.
    upper : float, default 10.0
        The largest Mbar tried.
    tolerance : float, default 0.01
        Precision of the bisection.

    Returns
    -------
    float
        The breakdown value Mbar.

    Raises
    ------
    AnalysisError
        When ``sigma`` is singular (:func:`regular_covariance`).

    Examples
    --------
    Two pre-period years with departures 0.1 and 0 (relative to the baseline) and one post-period year with 2,
    each with standard error 0.2:

    >>> betahat, sigma = np.array([0.1, 0.0, 2.0]), np.diag([0.04, 0.04, 0.04])
    >>> value = breakdown_value(betahat, sigma, pre=2, post=1)
    >>> bool(excludes_zero(betahat, sigma, 2, 1, value)), bool(excludes_zero(betahat, sigma, 2, 1, value + 0.01))
    (True, False)
    >>> round(value, 2)
    3.48
    """
    if not excludes_zero(betahat, sigma, pre, post, 0.0, l_vec, alpha, method):
        return 0.0
    if excludes_zero(betahat, sigma, pre, post, upper, l_vec, alpha, method):
        return upper
    low, high = 0.0, upper
    while high - low > tolerance:
        mid = (low + high) / 2
        if excludes_zero(betahat, sigma, pre, post, mid, l_vec, alpha, method):
            low = mid
        else:
            high = mid
    return low


# ----------------------------------------------------------------------------- one area's sensitivity

@dataclass(frozen=True)
class Sensitivity:
    """The trend sensitivity of one area and indicator: the event study (``years``, ``betahat`` in the
    indicator's unit points relative to the baseline year, ``sigma`` from the placebo Stadtteile), the mean
    post-period departure ``effect`` and the ``breakdown`` value Mbar (0: not robust even to no change beyond
    the pre-period's; ``upper``: robust beyond every Mbar tried); ``largest_pre_change``: the largest change
    of the departure from one pre-period year to the next (points)."""

    years: list[int]
    betahat: np.ndarray
    sigma: np.ndarray
    pre: int
    post: int
    effect: float
    breakdown: float
    largest_pre_change: float
    placebos: int


def event_study_from_rates(rates, treated: str, baseline_year: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Event study of column ``treated`` of ``rates`` (years x units) against the mean of the other columns,
    relative to ``baseline_year`` (the years other than the baseline, their departures, and the covariance of
    the same departures of each other column in turn against the rest: placebo in space).

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates, index years (the baseline year among them), one column per unit.
    treated : str
        The area's column.
    baseline_year : int
        The reference year (departure 0, left out of the result).

    Returns
    -------
    years : list of int
        The years other than the baseline.
    betahat : numpy.ndarray
        The area's departures from the mean of the other columns, relative to the baseline year.
    sigma : numpy.ndarray
        Covariance of the placebo departures (years x years).

    Examples
    --------
    The area G runs with the mean of A, B and C up to 2016, then 1 and 2 points above it:

    >>> import pandas as pd
    >>> rates = pd.DataFrame({"A": [10, 11, 12, 13.0], "B": [20, 20, 21, 23.0], "C": [15, 17, 16, 18.0]},
    ...                      index=range(2015, 2019))
    >>> rates["G"] = rates.mean(axis=1) + [0.0, 0.0, 1.0, 2.0]
    >>> years, betahat, sigma = event_study_from_rates(rates, "G", baseline_year=2016)
    >>> years, betahat.round(4).tolist(), sigma.shape
    ([2015, 2017, 2018], [0.0, 1.0, 2.0], (3, 3))
    """
    years = [int(y) for y in rates.index if int(y) != baseline_year]
    values = rates.to_numpy(dtype=float)
    index = list(rates.index).index(baseline_year)
    keep = [i for i in range(len(rates.index)) if i != index]

    def departures(column: int, others: list[int]) -> np.ndarray:
        gap = values[:, column] - values[:, others].mean(axis=1)
        return (gap - gap[index])[keep]

    columns = list(rates.columns)
    target = columns.index(treated)
    donors = [i for i in range(len(columns)) if i != target]
    estimate = departures(target, donors)
    placebo = np.array([departures(d, [o for o in donors if o != d]) for d in donors])
    return years, estimate, np.cov(placebo, rowvar=False, ddof=1)


def sensitivity(rates, treated: str, baseline_year: int, alpha: float = 0.05, upper: float = 5.0,
                tolerance: float = 0.05) -> Sensitivity | None:
    """:class:`Sensitivity` of column ``treated`` of ``rates`` (years x units, the baseline year among them)
    for the mean departure over the years after the baseline (C-LF, as the reference implementation's
    default); None with fewer than two years before the baseline, none after it, fewer than five donors or a
    singular placebo covariance (:func:`regular_covariance`: too few donors for the years, or departures in
    lockstep).

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates, index years, one column per unit (the area and the donors).
    treated : str
        The area's column.
    baseline_year : int
        The reference year.
    alpha : float, default 0.05
        1 - confidence level.
    upper : float, default 5.0
        The largest Mbar tried.
    tolerance : float, default 0.05
        Precision of the breakdown value.

    Returns
    -------
    Sensitivity or None
    """
    if baseline_year not in rates.index or rates.shape[1] < 6:
        return None
    years, betahat, sigma = event_study_from_rates(rates, treated, baseline_year)
    pre = sum(y < baseline_year for y in years)
    post = len(years) - pre
    if pre < 2 or post < 1 or not regular_covariance(sigma):
        return None
    l_vec = np.full(post, 1.0 / post)
    path = np.concatenate([betahat[:pre], [0.0]])
    value = breakdown_value(betahat, sigma, pre, post, l_vec, alpha, "C-LF", upper, tolerance)
    return Sensitivity(years, betahat, sigma, pre, post, float(l_vec @ betahat[pre:]), value,
                       float(np.abs(np.diff(path)).max()), rates.shape[1] - 1)
