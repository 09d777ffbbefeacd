"""Difference in differences for staggered entry: the imputation estimator with a wild cluster bootstrap.

Units enter a programme in different years (entry cohorts), and its effect may differ between cohorts and grow
with the years since entry. A pooled two-way fixed-effects regression with one treatment column then compares
later entrants with units treated earlier, whose growing effects count against the later ones: its estimate
is a weighted average of the effects with weights that can be negative, and can even have the wrong sign
(Goodman-Bacon 2021; de Chaisemartin and D'Haultfœuille 2020; Callaway and Sant'Anna 2021; Sun and Abraham 2021).

The imputation estimator (Borusyak, Jaravel and Spiess 2024; the same point estimates as Gardner's two-stage
estimator, did2s) avoids this by never using a treated observation to fit the comparison:

1. The model of the untreated outcome,

       y[u, t](0) = a[u] + b[u] * t + g[t] + h[t] * level[u],

   with a level ``a`` (and optionally a linear trend ``b``) of every unit, year effects ``g`` and (optionally)
   year effects ``h`` scaled by the unit's centred level, is fitted by weighted least squares on the untreated
   observations only: every year of the units never treated, the years before entry of the others.
2. For every treated observation the fitted model imputes the untreated outcome; the observation's effect is
   its departure from it, ``tau[u, t] = y[u, t] - y_hat[u, t](0)``.
3. Effects are aggregated with weights the caller states (:meth:`Imputation.aggregate`): per entry cohort, per
   year since entry, overall.

Every aggregate is linear in the outcomes, ``estimate = v @ y``; :meth:`Imputation.weights` gives ``v``
explicitly (the observation's own weight for a treated observation, minus its influence on the imputed values
for an untreated one). That makes the inference cheap: a wild cluster bootstrap with the null hypothesis imposed
(WCR; Webb's six-point weights), studentised with the cluster-robust standard error of ``v @ y`` computed from
Borusyak, Jaravel and Spiess's residuals (untreated observations: departures from the fitted model; treated
ones: their effect minus the mean effect of their cell, cohort and year), and inverted into an interval. With
few treated clusters a cluster-robust standard error alone is far too small; the restricted wild bootstrap keeps
its level there (MacKinnon and Webb 2017; 2018), and is conservative rather than liberal with very few.

The fit uses the model's structure (Frisch-Waugh-Lovell): each unit's line [1, t] is removed unit by unit, the
few year columns by one small solve. Exact, and linear in the number of observations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BOOTSTRAP_DRAWS = 4999
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
"""Webb's six-point weights: with few clusters they give many more distinct bootstrap samples than +-1."""

MIN_CLUSTERS = 2
"""Fewest treated clusters for which an aggregate gets an interval: with one, no bootstrap can tell its own
shocks from the effect (the interval is then left empty, not shown too narrow)."""


def _membership(codes: np.ndarray, count: int):
    """Sparse groups x observations indicator matrix (sums per group by one product)."""
    from scipy import sparse

    return sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(count, len(codes)))


class _FirstStage:
    """The untreated-outcome model fitted on the observations of ``sample`` (weighted least squares).

    :meth:`fit` returns, for one or many outcome columns, the fitted values at every observation: inside the
    sample the fit, outside it the imputation (each unit's line carried on, the year effects of that year).
    ``covered`` marks the observations that can be imputed: their unit has enough sample years (two with trends,
    one without) and their year occurs in the sample.
    """

    def __init__(self, codes: np.ndarray, count: int, t: np.ndarray, weights: np.ndarray, columns: np.ndarray,
                 sample: np.ndarray, trends: bool):
        self._codes, self._t = codes, t
        self._w = weights * sample
        self._members = _membership(codes, count)
        w = self._w
        self._s0, self._s1, self._s2 = (np.asarray(self._members @ (w * t ** k)) for k in (0, 1, 2))
        determinant = self._s0 * self._s2 - self._s1 ** 2
        self._trend = trends & (determinant > 1e-9 * np.maximum(self._s0 * self._s2, 1e-300))
        self._det = np.where(self._trend, determinant, 1.0)
        seen = self._s0 > 0
        unit_ok = self._trend if trends else seen
        self._columns = columns
        self._within = self._residual(columns)
        year_seen = (np.abs(columns) * w[:, None]).sum(axis=0) > 0
        gram = self._within.T @ (self._within * w[:, None])
        values, vectors = np.linalg.eigh(gram)
        # unit trends and year effects share the common trend: exact zeros, left out (fitted values do not
        # depend on them)
        keep = values > max(values.max(initial=0.0), 0.0) * 1e-9
        self._inverse = (vectors[:, keep] / values[keep]) @ vectors[:, keep].T
        uncovered_year = (np.abs(columns[:, ~year_seen]) > 0).any(axis=1)
        self.covered = np.asarray(unit_ok, dtype=bool)[codes] & ~uncovered_year

    def _lines(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Intercept and slope per unit of each column's weighted line on the sample (units x columns)."""
        w, t = self._w[:, None], self._t[:, None]
        sx = np.asarray(self._members @ (w * values))
        stx = np.asarray(self._members @ (w * t * values))
        s0, s1, s2, det = (v[:, None] for v in (self._s0, self._s1, self._s2, self._det))
        trend = self._trend[:, None]
        slope = np.where(trend, (s0 * stx - s1 * sx) / det, 0.0)
        flat = sx / np.where(s0 > 0, s0, 1.0)
        return np.where(trend, (s2 * sx - s1 * stx) / det, flat), slope

    def _residual(self, values: np.ndarray) -> np.ndarray:
        """Columns minus their unit's line (fitted on the sample), at every observation."""
        intercept, slope = self._lines(values)
        return values - intercept[self._codes] - slope[self._codes] * self._t[:, None]

    def fit(self, y: np.ndarray) -> np.ndarray:
        """Fitted (inside the sample) and imputed (outside) values of the outcome column(s) ``y``."""
        y = np.asarray(y, dtype=float)
        single = y.ndim == 1
        y = y[:, None] if single else y
        w = self._w[:, None]
        coefficients = self._inverse @ (self._within.T @ (w * np.nan_to_num(y)))
        rest = np.nan_to_num(y) - self._columns @ coefficients
        intercept, slope = self._lines(rest)
        fitted = intercept[self._codes] + slope[self._codes] * self._t[:, None] + self._columns @ coefficients
        return fitted[:, 0] if single else fitted

    def influence(self, omega: np.ndarray) -> np.ndarray:
        """The weights ``q`` with ``omega @ fit(y) == q @ y`` for every y (zero outside the sample): the adjoint
        of :meth:`fit`, for one (n) or many (n x m) weight columns.

        Derivation: the imputed line of a unit is (a, b) = S^-1 [sum w z, sum w t z] with z = y - F c, so
        ``sum omega (a + b t)`` is ``sum w (c0 + c1 t) z`` with (c0, c1) = S^-1 [sum omega, sum omega t]; the
        year coefficients c = G^+ F~' W y are linear in y as well.
        """
        omega = np.asarray(omega, dtype=float)
        single = omega.ndim == 1
        omega = omega[:, None] if single else omega
        t, w = self._t[:, None], self._w[:, None]
        m0 = np.asarray(self._members @ omega)
        m1 = np.asarray(self._members @ (omega * t))
        s0, s1, s2, det = (v[:, None] for v in (self._s0, self._s1, self._s2, self._det))
        trend = self._trend[:, None]
        c0 = np.where(trend, (s2 * m0 - s1 * m1) / det, m0 / np.where(s0 > 0, s0, 1.0))
        c1 = np.where(trend, (s0 * m1 - s1 * m0) / det, 0.0)
        line = w * (c0[self._codes] + c1[self._codes] * t)
        right = self._columns.T @ (omega - line)
        result = line + w * (self._within @ (self._inverse @ right))
        return result[:, 0] if single else result


def inverted_bound(p_value, estimate: float, direction: float, alpha: float, step: float, limit: float,
                   bisections: int) -> float:
    """One end of a confidence interval by test inversion: the value beyond ``estimate`` in ``direction`` (+1 or -1)
    where ``p_value`` (of the null that the effect equals the value) falls below ``alpha``.

    The distance is doubled from ``step`` until the test rejects (infinite past ``limit``), then the crossing is
    bisected ``bisections`` times; points of the indicator, like ``estimate``. NaN when the estimate, the step or
    the limit is not a finite number: there is nothing to invert (and the doubling would never end)."""
    if not (np.isfinite(estimate) and np.isfinite(step) and np.isfinite(limit)):
        return np.nan
    inside, outside = estimate, estimate + direction * step
    while p_value(outside) >= alpha:
        inside, step = outside, step * 2
        outside = estimate + direction * step
        if step > limit:
            return direction * np.inf
    for _ in range(bisections):
        middle = (inside + outside) / 2
        if p_value(middle) >= alpha:
            inside = middle
        else:
            outside = middle
    return (inside + outside) / 2


@dataclass(frozen=True)
class Aggregate:
    """One aggregated effect (in the outcome's unit) with its wild cluster bootstrap interval and p-value.

    ``weight`` is the sum of the stated weights of its observations (before they are normalised to 1);
    ``treated_clusters`` the clusters that hold its observations. The interval is NaN with fewer than
    :data:`MIN_CLUSTERS` treated clusters; infinite ends mean that no finite bound is rejected at the level.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    se: float
    weight: float
    observations: int
    treated_clusters: int
    draws: int


class Imputation:
    """The imputation estimator on one panel: effects per treated observation and aggregates with intervals.

    Parameters
    ----------
    unit, year : array-like
        The unit and the (integer) year of every observation.
    y : array-like
        The outcome (here a rate in percent or per mille).
    weights : array-like
        Observation weights of the fit (here the rate's denominator), positive.
    first_treated : array-like
        The first treated year of the observation's unit; ``inf`` (or NaN) for units never treated.
    clusters : array-like
        The cluster of every observation for the inference (here the programme area, or the Stadtteil outside).
    level : array-like, optional
        The unit's level before treatment (constant per unit); with it, year effects may scale with the level.
    cells : array-like, optional
        A label per observation (here the entry cohort) that, with the year, groups treated observations for
        the residuals of the standard error; default: the first treated year.
    trends : bool
        Whether every unit gets a linear trend of its own, fitted on its untreated years.

    Attributes
    ----------
    treated : numpy.ndarray
        True for observations in or after their unit's first treated year.
    estimable : numpy.ndarray
        Treated observations whose untreated outcome can be imputed.
    effect : numpy.ndarray
        ``y`` minus the imputed untreated outcome for estimable observations, NaN elsewhere.

    Examples
    --------
    Unit A enters in 2017, B and C never. Without unit trends the untreated model is a unit level plus a year
    effect; B and C rise by 1 a year, so A's untreated outcome continues 5, 6 as 7, 8, and its observed 9 and 10
    are effects of 2 each:

    >>> unit = np.repeat(["A", "B", "C"], 4)
    >>> year = np.tile([2015, 2016, 2017, 2018], 3)
    >>> y = np.array([5, 6, 9, 10, 10, 11, 12, 13, 20, 21, 22, 23], dtype=float)
    >>> first = np.repeat([2017, np.inf, np.inf], 4)
    >>> model = Imputation(unit, year, y, np.ones(12), first, clusters=unit, trends=False)
    >>> model.effect[model.treated].round(4).tolist()
    [2.0, 2.0]
    >>> result = model.aggregate(model.treated.astype(float))
    >>> round(result.estimate, 4), result.observations, result.treated_clusters
    (2.0, 2, 1)

    One treated cluster is fewer than :data:`MIN_CLUSTERS`: no interval rather than one far too narrow.

    >>> bool(np.isnan(result.ci_low))
    True

    The aggregate is linear in the outcomes, ``v @ y``:

    >>> v = model.weights(model.normalised(model.treated.astype(float)))
    >>> round(float(v @ y), 4)
    2.0
    """

    def __init__(self, unit, year, y, weights, first_treated, clusters, level=None, cells=None,
                 trends: bool = True):
        self.year = np.asarray(year, dtype=int)
        self.y = np.asarray(y, dtype=float)
        self.w = np.asarray(weights, dtype=float)
        first = np.asarray(first_treated, dtype=float)
        self.treated = np.isfinite(first) & (self.year >= np.nan_to_num(first, nan=np.inf))
        self.codes, units = pd.factorize(np.asarray(unit))
        self.clusters, self.cluster_names = pd.factorize(np.asarray(clusters))
        t = self.year - self.year.mean()
        years = np.unique(self.year)
        dummies = (self.year[:, None] == years[None, 1:]).astype(float)
        columns = dummies
        if level is not None:
            centred = np.asarray(level, dtype=float)
            centred = centred - np.average(centred, weights=self.w)
            columns = np.hstack([dummies, dummies * centred[:, None]])
        self._stage = _FirstStage(self.codes, len(units), t, self.w, columns, ~self.treated, trends)
        self._args = (self.codes, len(units), t, self.w, columns)
        self._trends = trends
        self.estimable = self.treated & self._stage.covered
        """Treated observations whose untreated outcome can be imputed (the others count nowhere)."""
        self.effect = np.where(self.estimable, self.y - self._stage.fit(self.y), np.nan)
        """The effect of every treated observation (NaN for untreated or not imputable ones)."""
        self._draws: dict[tuple[int, int], np.ndarray] = {}
        self._onehot = np.zeros((len(self.y), len(self.cluster_names)))
        self._onehot[np.arange(len(self.y)), self.clusters] = 1.0
        self._cells = pd.factorize(pd.Series(np.asarray(cells if cells is not None else first).astype(str))
                                   + "|" + pd.Series(self.year.astype(str)))[0]

    def normalised(self, stated: np.ndarray) -> np.ndarray:
        """Stated non-negative weights per observation, restricted to the estimable ones and summing to 1.

        Parameters
        ----------
        stated : numpy.ndarray
            A weight per observation (e.g. 1 for the observations of one cohort, else 0); NaN counts as 0.

        Returns
        -------
        numpy.ndarray
            The weights ``omega``; all 0 when no estimable observation has a positive weight.
        """
        omega = np.where(self.estimable, np.nan_to_num(np.asarray(stated, dtype=float)), 0.0)
        total = omega.sum()
        return omega / total if total > 0 else omega

    def weights(self, omega: np.ndarray) -> np.ndarray:
        """The linear weights ``v`` of the aggregate ``sum omega * effect``: ``v @ y`` equals it for every y.

        Parameters
        ----------
        omega : numpy.ndarray
            Normalised weights per observation (:meth:`normalised`).

        Returns
        -------
        numpy.ndarray
            ``v``, one weight per observation (negative influence on the untreated ones).
        """
        return omega - self._stage.influence(omega)

    def _score_matrix(self, v: np.ndarray, support: np.ndarray) -> np.ndarray:
        """K (clusters x observations) with ``K @ y`` = each cluster's score ``sum v * residual(y)``.

        The residuals are Borusyak, Jaravel and Spiess's: for untreated observations the departure from the
        fitted model, for treated ones of the support their effect minus the weighted mean effect of their cell
        (cohort and year; an observation whose cell holds one unit only, whose effect could not be told from its
        noise, minus the mean of all support observations of its year), elsewhere zero. residual(y) =
        P (y - fit(y)) with P = I - C (C averages) is linear in y, so K is the adjoint (I - H')(I - C') applied to
        the clusters' parts of v.
        """
        parts = self._onehot * v[:, None]  # observations x clusters: u_g = v on the cluster's observations
        adjoint = np.where((~self.treated)[:, None], parts, 0.0)
        index = np.flatnonzero(support)
        cells, _ = pd.factorize(self._cells[index])
        units = pd.Series(self.codes[index]).groupby(cells).nunique()
        alone = np.isin(cells, units.index[units < 2])
        years, _ = pd.factorize(self.year[index])
        w = self.w[index][:, None]
        inside = parts[index]
        result = inside.copy()
        for groups, rows in ((cells, ~alone), (years, alone)):  # C' of the cell means, then of the year means
            members = _membership(groups, groups.max() + 1)
            sums = np.asarray(members @ (inside * rows[:, None]))
            result -= w * (sums / np.asarray(members @ w))[groups]
        adjoint[index] = result
        return (adjoint - self._stage.influence(adjoint)).T

    def aggregate(self, stated: np.ndarray, level: float = 0.95, draws: int = BOOTSTRAP_DRAWS,
                  seed: int = 2020) -> Aggregate:
        """The effect aggregated with the stated weights, with a restricted wild cluster bootstrap interval.

        The null hypothesis "every effect of the support equals b0" is imposed by fitting the model to
        ``y - b0`` on the untreated observations and the support; its residuals, multiplied by one Webb weight
        per cluster, make the bootstrap samples. Each sample's t statistic uses the same kind of standard error
        as the data's (clustered, :meth:`_score_matrix`). Everything is linear in b0, so the p-value of any b0
        costs a few vector operations; the interval is the set of b0 not rejected (test inversion by bisection).

        Parameters
        ----------
        stated : numpy.ndarray
            Non-negative weight per observation (normalised over the estimable ones, :meth:`normalised`).
        level : float, default 0.95
            Confidence level of the interval.
        draws : int, default BOOTSTRAP_DRAWS
            Bootstrap draws; 0 gives the estimate without interval.
        seed : int, default 2020
            Seed of the Webb weights (the same draws for every aggregate of the panel).

        Returns
        -------
        Aggregate
            Estimate in the outcome's unit, interval, p-value (effect = 0), standard error and counts.
        """
        stated = np.where(self.estimable, np.nan_to_num(np.asarray(stated, dtype=float)), 0.0)
        omega = self.normalised(stated)
        support = omega > 0
        total = float(stated.sum())
        if not support.any():
            return Aggregate(np.nan, np.nan, np.nan, np.nan, np.nan, 0.0, 0, 0, 0)
        v = self.weights(omega)
        estimate = float(v @ self.y)
        count = len(self.cluster_names)
        treated_clusters = int(len(np.unique(self.clusters[support])))
        factor = count / (count - 1) if count > 1 else 1.0
        if treated_clusters < MIN_CLUSTERS or draws <= 0:
            return Aggregate(estimate, np.nan, np.nan, np.nan, np.nan, total, int(support.sum()), treated_clusters, 0)
        scores = self._score_matrix(v, support)
        se = float(np.sqrt(factor * np.sum((scores @ self.y) ** 2)))
        restricted = _FirstStage(*self._args, ~self.treated | support, self._trends)
        inside = (~self.treated | support)[:, None]
        both = np.column_stack([self.y, support.astype(float)])
        residual = np.where(inside, both - restricted.fit(both), 0.0)  # columns: y, and the effect's indicator
        c = self._onehot.T @ (v[:, None] * residual)  # clusters x 2
        spread_y = (scores * residual[:, 0]) @ self._onehot  # A[g, h]: cluster g's score of cluster h's residuals
        spread_1 = (scores * residual[:, 1]) @ self._onehot
        key = (draws, seed)
        if key not in self._draws:  # the same Webb weights for every aggregate of the panel
            self._draws[key] = np.random.default_rng(seed).choice(WEBB, size=(draws, count))
        draw = self._draws[key]
        num_y, num_1 = draw @ c[:, 0], draw @ c[:, 1]
        p, q = draw @ spread_y.T, draw @ spread_1.T
        pp, pq, qq = (p * p).sum(axis=1), (p * q).sum(axis=1), (q * q).sum(axis=1)

        def p_value(b0: float) -> float:
            statistic = (estimate - b0) ** 2 / (se * se / factor)
            numerator = (num_y - b0 * num_1) ** 2
            denominator = np.maximum(pp - 2 * b0 * pq + b0 * b0 * qq, 1e-300)
            return float((np.sum(numerator / denominator >= statistic) + 1) / (draws + 1))

        alpha = 1 - level

        def bound(direction: float) -> float:
            return inverted_bound(p_value, estimate, direction, alpha, max(se, 1e-9), 1e6 * max(se, 1e-9), 30)

        return Aggregate(estimate, bound(-1.0), bound(1.0), p_value(0.0), se, total, int(support.sum()),
                         treated_clusters, draws)
