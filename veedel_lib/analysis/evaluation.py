"""Evaluation: has an area developed differently from what its own past and the rest of the city let expect?

The model (for each indicator, on the panel of statistical units and years, rates in the indicator's unit):

    rate[u, y] = a[u] + b[u] * year + g[y] + h[y] * level[u] + effect[u, y]

with a level ``a`` and a linear trend ``b`` of every unit (lasting differences between units and the paths on
which they drifted apart long before the programme), year effects ``g`` (what happened in the whole city) and
level-scaled year effects ``h`` (a city-wide change that moves a high rate by more points than a low one;
``level`` is the unit's mean rate up to the baseline year, centred). Observations are weighted by their
denominator, so a unit counts as much as its population.

The estimator is the imputation estimator (Borusyak, Jaravel and Spiess 2024; Gardner's two-stage idea): every
part of the model is fitted on the untreated observations only, the area's years up to the baseline and all
years of the comparison units. The area's own levels and trends thus come from the years before the programme;
the years after the baseline are predicted from them (the "expected path"), and the effect of a unit-year after
the baseline is its departure from that prediction. The reported effect is the departure of the area's pooled
rate from its expected path, averaged over the years after the baseline (the denominator-weighted mean of the
unit-year departures); the year-by-year values are the same departure per year. A growing effect is therefore
not absorbed into the trend, as it would be by a trend fitted on all years.

The comparison is the rest of the city without the other programme areas: the programme acts there too, and an
effect in one area would otherwise leak into every other area's estimate.

Inference: an area's units often lie in one or two Stadtteile, so a standard error clustered by Stadtteil rests
on one treated cluster and is unreliable (far too small); clustered by unit it ignores the local shocks the units
of one Stadtteil share. Every interval, band and p-value is therefore obtained by randomisation inference
(placebo in space; Conley and Taber's idea for few treated groups): the same estimator is applied to many
placebo areas of whole Stadtteile drawn from the rest of the city, where the programme did not act, each as
large as the area. Their spread shows how large an "effect" arises from the ordinary variation alone; the
interval is the estimate minus the placebo quantiles, the p-value the estimate's rank among the placebos.
Yearly ups and downs grow with the level of a rate and the programme areas have the highest levels, so each
placebo effect is rescaled by the ratio of the area's level before the baseline to the placebo area's (the
heteroskedasticity correction of Ferman and Pinto, in its simplest form). The same placebos give the minimum
detectable effect (80 % power at the report's level) and the test for a trend before the baseline.

Small counts are modelled as counts as well: a Poisson regression of the numerator with the log of the
denominator as offset and group and year effects, reported as a rate ratio with a placebo interval of its own.
Every effect comes with a plain-German reading that does not claim more than the design supports: a difference
in development is not proof that the programme caused it.

The structured projection :class:`_Projection` (unit levels and trends fitted on all years, clustered by
Stadtteil) is the programme evaluation's model (:mod:`veedel_lib.analysis.programme_evaluation`); the area
evaluation no longer uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator
from .indicators import CITY, area_groups, indicator_values

PLACEBO_DRAWS = 400
"""Placebo areas per estimate: enough for stable 2.5 % / 97.5 % quantiles, cheap with the projection below."""

SMALL_COUNT_LIMIT = 200
"""Mean yearly numerator in the area below which the count model is the main estimate."""


@dataclass(frozen=True)
class Panel:
    """Unit-year counts of one indicator: unit, year, numerator, denominator, rate (in the indicator's unit).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit and year with unit, year, numerator, denominator, rate, treated (unit of the area),
        post (year after the baseline) and stadtteil (the cluster of the placebo areas).
    treated_units : list of str
        The area's units.
    indicator : Indicator
        The indicator (its scale turns counts into the rate's unit).
    baseline_year : int
        The last year before the effects are counted.
    """

    frame: pd.DataFrame
    treated_units: list[str]
    indicator: Indicator
    baseline_year: int
    _projections: dict = field(default_factory=dict, repr=False, compare=False)

    def projection(self) -> "_Projection":
        """The fixed-effects projection of the whole panel, built once (effect and event study share it)."""
        if "all" not in self._projections:
            self._projections["all"] = _Projection(self.frame, self.baseline_year)
        return self._projections["all"]


def unit_panel(ds: Dataset, indicator: Indicator, area_id: str, baseline_year: int,
               last_year: int | None = None) -> Panel:
    """The indicator per statistical unit and year (units with a complete count and positive denominator).

    Years are those with data up to ``last_year``. Units whose counts are missing or suppressed in a year
    simply lack that year; the fixed effects handle the unbalanced panel.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicator : Indicator
        The indicator.
    area_id : str
        The area evaluated; the units of the other programme areas are left out of the comparison.
    baseline_year : int
        The last year before effects are counted.
    last_year : int, optional
        The last year of the panel; all years when None.

    Returns
    -------
    Panel
        The panel, rows sorted by unit and year.
    """
    frame = unit_counts(ds, indicator, last_year)
    treated = set(ds.unit_ids(area_id))
    # the other programme areas are no comparison: the programme acts there too (and a real effect there
    # would leak into this area's estimate through the shared year effects)
    frame = frame[~frame["unit"].isin(set(ds.membership.table["unit_id"]) - treated)].copy()
    frame["treated"] = frame["unit"].isin(treated)
    frame["stadtteil"] = frame["unit"].map(ds.units.set_index("unit_id")["stadtteil_nr"])
    frame["post"] = frame["year"] > baseline_year
    return Panel(frame.sort_values(["unit", "year"]).reset_index(drop=True), sorted(treated), indicator,
                 baseline_year)


def unit_counts(ds: Dataset, indicator: Indicator, last_year: int | None = None) -> pd.DataFrame:
    """Numerator, denominator and rate (in the indicator's unit) per statistical unit and year, up to ``last_year``:
    unit, year, numerator, denominator, rate; only unit-years with complete counts and a positive denominator.
    The area evaluation and the programme evaluation build their panels from it. Built once per dataset and
    indicator (every area's evaluation reads the same table); each call gets its own copy to change.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicator : Indicator
        The indicator whose numerator and denominator variables are summed per unit and year.
    last_year : int, optional
        The last year; all years when None.

    Returns
    -------
    pandas.DataFrame
        Columns unit, year, numerator, denominator, rate.
    """
    key = (tuple(indicator.numerator), tuple(indicator.denominator), indicator.scale, last_year)
    store = ds.cache.setdefault("unit_counts", {})
    if key not in store:
        store[key] = _unit_counts(ds, indicator, last_year)
    return store[key].copy()


def _unit_counts(ds: Dataset, indicator: Indicator, last_year: int | None) -> pd.DataFrame:
    variables = indicator.numerator + indicator.denominator
    data = ds.statistics[ds.statistics["variable"].isin(variables)]
    if last_year is not None:
        data = data[data["year"] <= last_year]
    # one count per unit, year and variable (validated): "first" keeps a count suppressed at source (NaN, "*")
    # missing, where "sum" made it a real 0 that entered the panel
    wide = data.pivot_table(index=["unit", "year"], columns="variable", values="count", aggfunc="first",
                            dropna=False).reindex(columns=variables)
    numerator = wide[indicator.numerator].sum(axis=1, min_count=len(indicator.numerator))
    numerator[wide[indicator.numerator].isna().any(axis=1)] = np.nan
    denominator = wide[indicator.denominator].sum(axis=1, min_count=len(indicator.denominator))
    denominator[wide[indicator.denominator].isna().any(axis=1)] = np.nan
    frame = pd.DataFrame({"numerator": numerator, "denominator": denominator}).reset_index()
    frame = frame[np.isfinite(frame["numerator"]) & (frame["denominator"] > 0)].copy()
    frame["rate"] = frame["numerator"] / frame["denominator"] * indicator.scale
    frame["year"] = frame["year"].astype(int)
    return frame


# ----------------------------------------------------------------------------- the WLS difference in differences

def _level_effects(frame: pd.DataFrame, baseline_year: int) -> np.ndarray:
    """Year dummies (first year dropped) and the same dummies times the unit's centred level before the baseline.

    The year dummies hold what happened in the whole city in a year. Multiplied by the unit's mean rate up to
    the baseline (centred), they let a city-wide change scale with the level of a rate: a city-wide change of 5 %
    moves a quota of 30 % by 1,5 points but one of 10 % by 0,5 points, so disadvantaged areas are not credited
    (or blamed) for proportional city-wide movements.
    """
    years = pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]
    before = frame[frame["year"] <= baseline_year]
    level = frame["unit"].map(before.groupby("unit")["rate"].mean()).fillna(frame["rate"].mean()).to_numpy()
    level = (level - level.mean())[:, None]
    return np.hstack([years, years * level])


class _Projection:
    """Removes the weighted projection on the model's fixed part from any columns (Frisch-Waugh-Lovell).

    The fixed part is: a level and a linear trend of its own for every unit (lasting differences between units,
    and the paths on which Stadtteile and their units drifted apart long before the programme, so the effect is
    the departure from each unit's own path), the year effects and the level-scaled year effects
    (:func:`_level_effects`). After the projection, the effect of a treatment column is a regression of the
    residualised rate on the residualised treatment: the same coefficient as in the full model.

    The projection exploits the model's structure instead of inverting one dense matrix of all its columns:
    the unit levels and trends are removed unit by unit (a weighted regression on [1, year] within each unit,
    two numbers per unit), then the few year columns, themselves freed of the unit parts, by one small solve
    (partitioned regression). That is exact, and linear in the number of observations, which makes hundreds of
    placebo areas a matter of milliseconds.
    """

    def __init__(self, frame: pd.DataFrame, baseline_year: int):
        self.weights = frame["denominator"].to_numpy(dtype=float)
        codes, units = pd.factorize(frame["unit"])
        self._codes = codes
        count = len(units)
        from scipy import sparse

        self._members = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                          shape=(count, len(codes)))
        self._t = frame["year"].to_numpy(dtype=float) - frame["year"].mean()
        w, t = self.weights, self._t
        self._s0, self._s1, self._s2 = (self._members @ (w * t ** k) for k in (0, 1, 2))
        determinant = self._s0 * self._s2 - self._s1 ** 2
        # a unit seen in one year only (or always in the same year) has a level but no trend of its own
        self._has_trend = determinant > 1e-9 * np.maximum(self._s0 * self._s2, 1e-300)
        self._determinant = np.where(self._has_trend, determinant, 1.0)
        self._years = self._within(_level_effects(frame, baseline_year))
        gram = self._years.T @ (self._years * w[:, None])
        values, vectors = np.linalg.eigh(gram)
        keep = values > max(values.max(), 0.0) * 1e-9  # the common trend lies in both parts: one exact zero
        self._inverse = (vectors[:, keep] / values[keep]) @ vectors[:, keep].T
        self.rank = int(self._has_trend.sum() + count + keep.sum())
        self.groups = pd.factorize(frame["stadtteil"])[0]
        self.rate = self(frame["rate"].to_numpy(dtype=float)[:, None])[:, 0]

    def _within(self, columns: np.ndarray) -> np.ndarray:
        """Columns minus their weighted regression on [1, year] within each unit."""
        w, t = self.weights[:, None], self._t[:, None]
        sx = self._members @ (w * columns)
        stx = self._members @ (w * t * columns)
        s0, s1, s2, det = (v[:, None] for v in (self._s0, self._s1, self._s2, self._determinant))
        trend = self._has_trend[:, None]
        slope = np.where(trend, (s0 * stx - s1 * sx) / det, 0.0)
        intercept = np.where(trend, (s2 * sx - s1 * stx) / det, sx / s0)
        return columns - intercept[self._codes] - slope[self._codes] * t

    def __call__(self, columns: np.ndarray) -> np.ndarray:
        within = self._within(columns)
        return within - self._years @ (self._inverse @ (self._years.T @ (within * self.weights[:, None])))

    def fit(self, treatments: np.ndarray, level: float) -> "ClusteredFit":
        """statsmodels WLS of the residualised rate on residualised treatment columns, clustered by Stadtteil.

        Units of one Stadtteil share its local shocks, so they are one cluster. The cluster-robust covariance
        (statsmodels' ``cov_cluster`` with its small-sample factor) is rescaled to the degrees of freedom of
        the full model: the factor counts the fixed effects too, not only the treatment columns.
        """
        columns = self(treatments)
        observations, count = len(self.rate), columns.shape[1]
        # statsmodels and scipy.stats take a second to import: only where used, and only the modules used
        from statsmodels.regression.linear_model import WLS
        from statsmodels.stats.sandwich_covariance import cov_cluster

        fit = WLS(self.rate, columns, weights=self.weights).fit()
        covariance = cov_cluster(fit, self.groups, use_correction=True) * (observations - count) / (
            observations - self.rank - count)
        return ClusteredFit(np.asarray(fit.params, dtype=float), np.atleast_2d(covariance))


@dataclass(frozen=True)
class ClusteredFit:
    """Coefficients with a cluster-robust covariance; intervals and p-values from the normal distribution
    (as statsmodels reports cluster-robust results)."""

    params: np.ndarray
    covariance: np.ndarray

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))

    @property
    def pvalues(self) -> np.ndarray:
        from scipy import stats

        return stats.norm.sf(np.abs(self.params / self.bse)) * 2

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Rows of (low, high) per coefficient."""
        from scipy import stats

        q = stats.norm.ppf(1 - alpha / 2)
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])


def _treatment(frame: pd.DataFrame, start_after: int) -> np.ndarray:
    """The column "unit of the area and year after ``start_after``" (the programme evaluation's and benchmarks'
    treatment column for :class:`_Projection`)."""
    return (frame["treated"].to_numpy() & (frame["year"].to_numpy() > start_after)).astype(float)[:, None]


# ----------------------------------------------------------------------------- the imputation estimator

class _UnitLines:
    """Weighted least-squares lines [1, year] per unit, fitted on the observations of ``mask`` only.

    :meth:`fitted` gives the lines' values at every observation of the unit, inside the mask (the fit) and
    outside it (the line carried on: for a mask of the years up to the baseline, the expected path after it).
    A unit with a single year in the mask gets a flat line (its mean); one without any, zeros.
    """

    def __init__(self, codes: np.ndarray, count: int, weights: np.ndarray, t: np.ndarray, mask: np.ndarray):
        from scipy import sparse

        self._codes, self._t = codes, t
        self._weights = weights * mask
        self._members = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                          shape=(count, len(codes)))
        w = self._weights
        self._s0, self._s1, self._s2 = (self._members @ (w * t ** k) for k in (0, 1, 2))
        determinant = self._s0 * self._s2 - self._s1 ** 2
        self.seen = self._s0 > 0
        self._has_trend = determinant > 1e-9 * np.maximum(self._s0 * self._s2, 1e-300)
        self._determinant = np.where(self._has_trend, determinant, 1.0)

    def fitted(self, columns: np.ndarray) -> np.ndarray:
        """Each column's line per unit (fitted on the mask) at every observation."""
        w, t = self._weights[:, None], self._t[:, None]
        sx = self._members @ (w * columns)
        stx = self._members @ (w * t * columns)
        s0, s1, s2, det = (v[:, None] for v in (self._s0, self._s1, self._s2, self._determinant))
        trend = self._has_trend[:, None]
        slope = np.where(trend, (s0 * stx - s1 * sx) / det, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            flat = np.where(self.seen[:, None], sx / np.where(s0 > 0, s0, 1.0), 0.0)
        intercept = np.where(trend, (s2 * sx - s1 * stx) / det, flat)
        return intercept[self._codes] + slope[self._codes] * t


class _Imputation:
    """The imputation estimator for many treated sets at once: each set's effect overall and per year.

    For a set S of units treated after ``baseline_year``, the model's parts (unit levels and trends, year and
    level-scaled year effects) are fitted on the untreated observations: every year of the units outside S, the
    years up to the baseline of the units in S. The effect is the denominator-weighted mean of the departures of
    S's observations after the baseline from the fitted model's prediction.

    Why it is fast: by Frisch-Waugh-Lovell the year coefficients solve ``G g = h``, where G and h are sums over
    units of each unit's cross products of its year columns and rate, freed of the unit's line. A unit in S
    contributes its products from its years up to the baseline (line fitted on them), one outside S those from
    all its years. So G and h of any set are the sums over all units plus, for the units of S, the difference
    between the two contributions: one matrix product for all sets, then one small solve per set. The
    departure of a unit's later years is linear in g as well (its pre-baseline line carried on), so the effects
    of all sets follow from per-unit sums. Exact, and what makes hundreds of placebo areas cheap.
    """

    def __init__(self, frame: pd.DataFrame, baseline_year: int):
        weights = frame["denominator"].to_numpy(dtype=float)
        codes, units = pd.factorize(frame["unit"])
        self.units = units
        count = len(units)
        year = frame["year"].to_numpy()
        t = year.astype(float) - year.mean()
        before = year <= baseline_year
        columns = np.column_stack([frame["rate"].to_numpy(dtype=float), _level_effects(frame, baseline_year)])
        width = columns.shape[1]
        everything = _UnitLines(codes, count, weights, t, np.ones(len(year), dtype=bool))
        prior = _UnitLines(codes, count, weights, t, before)
        within = columns - everything.fitted(columns)
        carried = columns - prior.fitted(columns)
        # units without a year up to the baseline cannot be imputed: they count neither as treated nor in the fit
        imputable = prior.seen[codes]
        carried[~imputable] = 0.0

        # each unit's observations in rows of its own (units x years x columns): one batched product per unit
        rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        slots = (count, int(rank.max()) + 1 if len(rank) else 0, width)

        def products(residual: np.ndarray, mask: np.ndarray) -> np.ndarray:
            padded = np.zeros(slots)
            padded[codes, rank] = residual * np.sqrt(weights * mask)[:, None]
            return (padded.transpose(0, 2, 1) @ padded).reshape(count, -1)

        full = products(within, np.ones(len(year), dtype=bool))
        self._total = full.sum(axis=0)
        self._delta = products(carried, before) - full
        self.years = np.array(sorted(set(year[~before])), dtype=int)
        self._width = width
        later = ~before & imputable
        index = np.searchsorted(self.years, year[later])
        self._post = np.zeros((count, len(self.years), width))
        np.add.at(self._post, (codes[later], index), carried[later] * weights[later][:, None])
        self._weight = np.zeros((count, len(self.years)))
        np.add.at(self._weight, (codes[later], index), weights[later])
        self.imputable = prior.seen
        # the common trend lies in the unit trends and the year effects alike: directions of the year coefficients
        # that no data decide (exact zeros of every set's matrix; predictions do not depend on them). They are
        # fixed at zero by adding them to each matrix, which keeps one plain solve per set.
        gram = self._total.reshape(width, width)[1:, 1:]
        values, vectors = np.linalg.eigh(gram)
        null = vectors[:, values <= max(values.max(), 0.0) * 1e-9]
        self._null = max(values.max(), 1.0) * (null @ null.T)

    def effects(self, fitted: np.ndarray, counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Effects of treated sets (units x sets, 0/1 in the order of :attr:`units`): overall (sets) and per year
        after the baseline (sets x :attr:`years`), NaN where a set has no observation to impute.

        ``fitted``: the units whose years after the baseline are left out of the fit; ``counted`` (default: the
        same): the units whose departures make the effect. A placebo area is counted alone but fitted together
        with the real area, so the real area's later years, which may hold a real effect, never inform a placebo.
        """
        from scipy import sparse

        # a set holds a few units of hundreds: sparse products
        fitted = sparse.csr_matrix(np.asarray(fitted, dtype=float).T)
        counted = fitted if counted is None else sparse.csr_matrix(np.asarray(counted, dtype=float).T)
        width = self._width
        cross = (self._total[None, :] + fitted @ self._delta).reshape(-1, width, width)
        gram, right = cross[:, 1:, 1:] + self._null, cross[:, 1:, 0]
        coefficients = np.linalg.solve(gram, right[:, :, None])
        post = (counted @ self._post.reshape(len(self.units), -1)).reshape(counted.shape[0], len(self.years), width)
        weight = counted @ self._weight
        departure = post[:, :, 0] - np.matmul(post[:, :, 1:], coefficients)[:, :, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            return departure.sum(axis=1) / weight.sum(axis=1), departure / weight


@dataclass(frozen=True)
class Effect:
    """One estimated effect with its placebo inference, in the indicator's unit points (pp or per-mille points).

    ``estimate``: the area's mean departure from its expected path over the years after the baseline;
    ``ci_low``/``ci_high``/``p_value``: from the placebo distribution; ``placebo_sd``: its standard deviation
    (rescaled to the area's level); ``mde``: the minimum detectable effect (80 % power at the level);
    ``years``: per year after the baseline the departure with its placebo band (year, estimate, ci_low, ci_high,
    p_value); ``actual_then``/``actual_now``: the area's pooled rate in the baseline and the last year,
    ``expected_now``: its expected value in the last year (actual minus that year's departure).
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    placebo_sd: float
    mde: float
    treated_units: int
    control_units: int
    placebos: int
    years: pd.DataFrame
    actual_then: float = np.nan
    actual_now: float = np.nan
    expected_now: float = np.nan


POWER = 0.8
"""Power at which the minimum detectable effect is given."""

YEAR_COLUMNS = ["year", "estimate", "ci_low", "ci_high", "p_value"]


def minimum_detectable_effect(placebo_sd: float, level: float = 0.95, power: float = POWER) -> float:
    """The smallest true effect (points) a two-sided test at ``level`` detects with probability ``power``, when
    estimates scatter with standard deviation ``placebo_sd`` around it: (z_{1-alpha/2} + z_power) x sd.

    Parameters
    ----------
    placebo_sd : float
        Standard deviation of the placebo estimates (points).
    level : float, default 0.95
        Confidence level of the two-sided test.
    power : float, default POWER
        The probability of detecting the effect.

    Returns
    -------
    float
        The minimum detectable effect in points.

    Examples
    --------
    At 95 % and 80 % power: (1.959964 + 0.841621) x sd = 2.8016 x sd.

    >>> round(minimum_detectable_effect(1.0), 4), round(minimum_detectable_effect(0.5, level=0.9), 4)
    (2.8016, 1.2432)
    """
    normal = NormalDist()
    return float((normal.inv_cdf(1 - (1 - level) / 2) + normal.inv_cdf(power)) * placebo_sd)


def did_effect(panel: Panel, level: float = 0.95, draws: int = PLACEBO_DRAWS, seed: int = 2020) -> Effect:
    """The imputation estimate of the area's departure from its expected path, overall and per year, with
    placebo-in-space intervals, p-values and the minimum detectable effect (see the module docstring).

    Parameters
    ----------
    panel : Panel
        The unit-year panel of the area and the rest of the city.
    level : float, default 0.95
        Confidence level of the intervals.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.
    seed : int, default 2020
        Seed of the placebo draws.

    Returns
    -------
    Effect
        The estimate in the indicator's points with its inference; all NaN without treated or comparison units
        or without years on both sides of the baseline. The intervals are NaN when the rest of the city is too
        small for placebo areas (fewer than twice the area's units or five Stadtteile) or gives fewer than 50.

    Examples
    --------
    Five units of five Stadtteile over 2014-2019, each with its own level and trend plus common year effects;
    unit A (the area) lies 1.5 points below its path after the baseline 2016:

    >>> sgb2 = Indicator(id="sgb2", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
    ...                  denominator=["einwohner"], direction="higher_is_worse", source="Jobcenter")
    >>> rows = []
    >>> for i, unit in enumerate("ABCDE"):
    ...     for t, shock in zip(range(2014, 2020), [0.0, 0.5, 0.3, 0.8, 1.0, 1.1]):
    ...         rate = 10 + 2 * i + 0.2 * i * (t - 2014) + shock - (1.5 if unit == "A" and t > 2016 else 0.0)
    ...         rows.append({"unit": unit, "year": t, "numerator": rate * 10, "denominator": 1000.0, "rate": rate,
    ...                      "treated": unit == "A", "post": t > 2016, "stadtteil": 101 + i})
    >>> panel = Panel(pd.DataFrame(rows), ["A"], sgb2, baseline_year=2016)
    >>> effect = did_effect(panel)
    >>> round(effect.estimate, 4), effect.years["estimate"].round(4).tolist()
    (-1.5, [-1.5, -1.5, -1.5])

    The area's rate now (10 + 1.1 - 1.5) and its expected value (10 + 1.1); four comparison units are too few
    for placebo areas, so there is no interval:

    >>> round(effect.actual_now, 4), round(effect.expected_now, 4), effect.placebos, bool(np.isnan(effect.ci_low))
    (9.6, 11.1, 0, True)
    """
    frame = panel.frame
    treated_mask = frame["treated"].to_numpy()
    treated_units = int(frame.loc[treated_mask, "unit"].nunique())
    control_units = int(frame.loc[~treated_mask, "unit"].nunique())
    empty = pd.DataFrame(columns=YEAR_COLUMNS)
    if not treated_units or not control_units or not frame["post"].any() or frame["post"].all():
        return Effect(*([np.nan] * 6), treated_units, control_units, 0, empty)
    imputation = _Imputation(frame, panel.baseline_year)
    area = imputation.units.isin(panel.treated_units)
    overall, by_year = imputation.effects(area[:, None])
    estimate = float(overall[0])
    placebo, placebo_years = _placebo_effects(frame, imputation, area, draws, seed,
                                              _pre_level(frame[treated_mask], panel), panel)
    low, high, p_value = _randomisation_interval(estimate, placebo, level)
    sd = float(np.std(placebo, ddof=1)) if len(placebo) >= 50 else np.nan
    rows = []
    for i, year in enumerate(imputation.years):
        value = float(by_year[0, i])
        column = placebo_years[:, i] if len(placebo_years) else np.array([])
        y_low, y_high, y_p = _randomisation_interval(value, column[np.isfinite(column)], level)
        rows.append({"year": int(year), "estimate": value, "ci_low": y_low, "ci_high": y_high, "p_value": y_p})
    years = pd.DataFrame(rows, columns=YEAR_COLUMNS)
    pooled = frame[treated_mask].groupby("year")[["numerator", "denominator"]].sum()
    rate = pooled["numerator"] / pooled["denominator"] * panel.indicator.scale
    last = int(rate.index.max())
    then = float(rate.get(panel.baseline_year, np.nan))
    departure_now = years.set_index("year")["estimate"].get(last, np.nan)
    return Effect(estimate, low, high, p_value, sd, minimum_detectable_effect(sd, level) if np.isfinite(sd)
                  else np.nan, treated_units, control_units, len(placebo), years, then, float(rate[last]),
                  float(rate[last] - departure_now))


def _pre_level(frame: pd.DataFrame, panel: Panel) -> float:
    """Pooled rate of some units over the years up to the baseline, in the indicator's unit."""
    pre = frame[frame["year"] <= panel.baseline_year]
    return float(pre["numerator"].sum() / pre["denominator"].sum() * panel.indicator.scale)


def _stadtteil_draws(sizes: np.ndarray, size: int, draws: int, seed: int) -> np.ndarray:
    """Placebo areas as Stadtteile (draws x Stadtteile, True = member): whole Stadtteile in random order until the
    area has at least ``size`` units (``sizes``: units per Stadtteil), so a placebo area shares the local shocks a
    real area has."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((draws, len(sizes))), axis=1)
    ordered = np.asarray(sizes)[order]
    before = np.cumsum(ordered, axis=1) - ordered
    chosen = np.zeros((draws, len(sizes)), dtype=bool)
    np.put_along_axis(chosen, order, before < size, axis=1)
    return chosen


def _placebo_effects(frame: pd.DataFrame, imputation: _Imputation, area: np.ndarray, draws: int, seed: int,
                     area_level: float, panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Effects of placebo areas drawn from the rest of the city with the same estimator: overall (placebos) and
    per year after the baseline (placebos x years), only placebos with a finite overall effect; empty when the
    rest of the city is too small (fewer than twice the area's units or five Stadtteile).

    A placebo area is fitted together with the real area (``area``, units of ``imputation``), so a real effect
    cannot leak into its own reference. Each placebo effect is rescaled by the ratio of the area's pre-baseline
    level (``area_level``) to the placebo area's, as noise grows with the level of a rate.
    """
    empty = np.array([]), np.zeros((0, len(imputation.years)))
    others = frame[~frame["treated"]]
    per_stadtteil = others.groupby("stadtteil")["unit"].unique()
    size = int(area.sum())
    if others["unit"].nunique() < 2 * size or len(per_stadtteil) < 5:
        return empty
    members = _stadtteil_draws(per_stadtteil.map(len).to_numpy(), size, draws, seed)
    stadtteil_of = np.full(len(imputation.units), -1)
    for position, units in enumerate(per_stadtteil):
        stadtteil_of[imputation.units.get_indexer(units)] = position
    sets = np.zeros((len(imputation.units), draws), dtype=bool)
    inside = stadtteil_of >= 0
    sets[inside] = members.T[stadtteil_of[inside]]
    sets &= imputation.imputable[:, None]
    overall, by_year = imputation.effects(sets | area[:, None], sets)
    codes = imputation.units.get_indexer(frame["unit"])
    pre = (frame["year"] <= panel.baseline_year).to_numpy()
    count = len(imputation.units)
    numerators = np.bincount(codes[pre], frame.loc[pre, "numerator"].to_numpy(dtype=float), count)
    denominators = np.bincount(codes[pre], frame.loc[pre, "denominator"].to_numpy(dtype=float), count)
    with np.errstate(divide="ignore", invalid="ignore"):
        placebo_level = (sets.T @ numerators) / (sets.T @ denominators) * panel.indicator.scale
        factor = area_level / placebo_level
    keep = np.isfinite(overall * factor)
    return (overall * factor)[keep], (by_year * factor[:, None])[keep]


def _randomisation_interval(estimate: float, placebo: np.ndarray, level: float) -> tuple[float, float, float]:
    """Interval and p-value from the placebo distribution (estimate minus the placebo quantiles)."""
    if len(placebo) < 50 or not np.isfinite(estimate):
        return np.nan, np.nan, np.nan
    alpha = 1 - level
    low_q, high_q = np.quantile(placebo, [alpha / 2, 1 - alpha / 2])
    # equal-tailed, so that p < 1 - level exactly when the interval excludes zero
    upper = (np.sum(placebo >= estimate) + 1) / (len(placebo) + 1)
    lower = (np.sum(placebo <= estimate) + 1) / (len(placebo) + 1)
    p_value = float(min(1.0, 2 * min(upper, lower)))
    return estimate - high_q, estimate - low_q, p_value


def pre_trend(panel: Panel, shift: int = 3, draws: int = PLACEBO_DRAWS, seed: int = 2020) -> tuple[float, float]:
    """Placebo in time: the same estimator on the years up to the baseline, as if the programme had begun
    ``shift`` years earlier (points, placebo p-value).

    The design assumes the area would have kept to its path without the programme. A clear "effect"
    before anything happened casts doubt on that. NaN when the years before the fake start are fewer than three.

    Parameters
    ----------
    panel : Panel
        The unit-year panel.
    shift : int, default 3
        Years between the fake start and the baseline.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.
    seed : int, default 2020
        Seed of the placebo draws.

    Returns
    -------
    estimate, p_value : float
    """
    pre = panel.frame[~panel.frame["post"]].reset_index(drop=True)
    fake = panel.baseline_year - shift
    if pre.loc[pre["year"] <= fake, "year"].nunique() < 3 or not pre["treated"].any() or pre["treated"].all():
        return np.nan, np.nan
    early = Panel(pre.assign(post=pre["year"] > fake), panel.treated_units, panel.indicator, fake)
    effect = did_effect(early, 0.95, draws, seed)
    return effect.estimate, effect.p_value


def event_study(panel: Panel, level: float = 0.95, draws: int = PLACEBO_DRAWS, seed: int = 2020) -> pd.DataFrame:
    """Departure of the area from its expected path per year after the baseline (points), with placebo bands;
    the baseline year as the first row (0).

    Parameters
    ----------
    panel : Panel
        The unit-year panel.
    level : float, default 0.95
        Confidence level of the bands.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.
    seed : int, default 2020
        Seed of the placebo draws.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`YEAR_COLUMNS`; empty when there is no estimate.

    Examples
    --------
    Five units of five Stadtteile over 2014-2019, each with its own level and trend plus common year effects;
    unit A (the area) lies 1.5 points below its path after the baseline 2016:

    >>> sgb2 = Indicator(id="sgb2", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
    ...                  denominator=["einwohner"], direction="higher_is_worse", source="Jobcenter")
    >>> rows = []
    >>> for i, unit in enumerate("ABCDE"):
    ...     for t, shock in zip(range(2014, 2020), [0.0, 0.5, 0.3, 0.8, 1.0, 1.1]):
    ...         rate = 10 + 2 * i + 0.2 * i * (t - 2014) + shock - (1.5 if unit == "A" and t > 2016 else 0.0)
    ...         rows.append({"unit": unit, "year": t, "numerator": rate * 10, "denominator": 1000.0, "rate": rate,
    ...                      "treated": unit == "A", "post": t > 2016, "stadtteil": 101 + i})
    >>> panel = Panel(pd.DataFrame(rows), ["A"], sgb2, baseline_year=2016)
    >>> study = event_study(panel)
    >>> study["year"].tolist(), study["estimate"].round(4).tolist()
    ([2016, 2017, 2018, 2019], [0.0, -1.5, -1.5, -1.5])
    """
    years = did_effect(panel, level, draws, seed).years
    if years.empty:
        return pd.DataFrame(columns=YEAR_COLUMNS)
    first = pd.DataFrame([{"year": panel.baseline_year, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0,
                           "p_value": np.nan}])
    return pd.concat([first, years], ignore_index=True)


# ----------------------------------------------------------------------------- the count model

def _poisson_expected(counts: np.ndarray, exposure: np.ndarray, fit: np.ndarray, iterations: int = 200,
                      start: np.ndarray | None = None) -> np.ndarray:
    """Expected counts of a Poisson model with group and year effects fitted on the cells of ``fit`` (groups x
    years, or sets x groups x years), at every cell: the maximum likelihood fit by iterative proportional
    fitting (each step solves the likelihood equations of one block of effects), from the year effects
    ``start`` when given (a nearby fit: a few steps then suffice)."""
    observed = counts * fit
    scale = exposure * fit
    year = np.ones((1, counts.shape[-1])) if start is None else start
    by_group, by_year = observed.sum(-1, keepdims=True), observed.sum(-2, keepdims=True)
    for _ in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore"):
            group = by_group / (scale * year).sum(-1, keepdims=True)
            group = np.where(np.isfinite(group), group, 0.0)
            last, year = year, by_year / (scale * group).sum(-2, keepdims=True)
            year = np.where(np.isfinite(year), year, 0.0)
        if np.allclose(year, last, rtol=1e-10, atol=0.0):  # converged: the likelihood equations hold
            break
    return exposure * group * year


def _count_ratio(counts: np.ndarray, exposure: np.ndarray, treated: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Observed over expected counts of the treated groups after the baseline (rate ratio), the expected counts
    from the group and year effects fitted on the untreated cells; ``treated`` is groups, or sets x groups."""
    treated = np.asarray(treated, dtype=bool)
    cells = treated[..., :, None] & post[None, :] if treated.ndim == 1 else treated[:, :, None] & post[None, None, :]
    present = exposure > 0
    start = None
    if treated.ndim == 2:  # many sets: start each from the fit on all cells, which differs by a few cells only
        whole = _poisson_expected(counts, exposure, present.astype(float))
        start = (whole / np.where(present, exposure, 1.0))[np.argmax(present.sum(axis=1))][None, None, :]
        start = start / start[..., :1]
    expected = _poisson_expected(counts, exposure, (present & ~cells).astype(float),
                                 iterations=200 if start is None else 50, start=start)
    chosen = cells & present
    with np.errstate(divide="ignore", invalid="ignore"):
        return (counts * chosen).sum(axis=(-2, -1)) / (expected * chosen).sum(axis=(-2, -1))


def count_model(panel: Panel, level: float = 0.95, draws: int = PLACEBO_DRAWS,
                seed: int = 2020) -> tuple[float, float, float, float]:
    """Poisson model of the counts with log(denominator) offset: rate ratio, placebo interval and p-value.

    Group effects (a group = the units of one Stadtteil inside or outside the area; proportional changes are
    the Poisson model's nature, so no level-scaled years are needed) and year effects, fitted like the main
    estimate on the untreated cells only; the rate ratio is the area's observed count after the baseline over
    the count these effects lead to expect (1 = none). The interval comes from placebo areas of whole Stadtteile
    (log rate ratios, each rescaled to the area's count: the noise of a log ratio shrinks with the square root
    of the count), never from a standard error clustered on the area's one or two Stadtteile.

    Parameters
    ----------
    panel : Panel
        The unit-year panel (counts, denominators, Stadtteile).
    level : float, default 0.95
        Confidence level.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.
    seed : int, default 2020
        Seed of the placebo draws.

    Returns
    -------
    ratio, low, high, p_value : float
        The rate ratio with its placebo interval and p-value; the last three NaN when the rest of the city is too
        small for placebo areas, all NaN without treated or post years.
    """
    frame = panel.frame
    if not frame["treated"].any() or not frame["post"].any():
        return np.nan, np.nan, np.nan, np.nan
    grouped = (frame.assign(group=frame["stadtteil"].astype(str) + "/" + frame["treated"].astype(str))
               .groupby(["group", "year"], as_index=False)
               .agg(numerator=("numerator", "sum"), denominator=("denominator", "sum"),
                    treated=("treated", "first"), stadtteil=("stadtteil", "first")))
    counts = grouped.pivot(index="group", columns="year", values="numerator").fillna(0.0)
    exposure = grouped.pivot(index="group", columns="year", values="denominator").fillna(0.0)
    years = counts.columns.to_numpy()
    post = years > panel.baseline_year
    info = grouped.drop_duplicates("group").set_index("group").loc[counts.index]
    treated = info["treated"].to_numpy(dtype=bool)
    counts, exposure = counts.to_numpy(dtype=float), exposure.to_numpy(dtype=float)
    ratio = float(_count_ratio(counts, exposure, treated, post))
    area_count = float((counts[treated][:, post]).sum())
    # placebo areas: whole Stadtteile of the rest of the city, as large (in units) as the area
    controls = ~treated
    sub = frame[~frame["treated"]]
    stadtteile = pd.Index(info.loc[controls, "stadtteil"].to_numpy())
    size = frame.loc[frame["treated"], "unit"].nunique()
    units_of = sub.groupby("stadtteil")["unit"].nunique().reindex(stadtteile).fillna(0).to_numpy()
    if sub["unit"].nunique() < 2 * size or len(stadtteile) < 5 or not np.isfinite(ratio) or ratio <= 0 \
            or area_count <= 0:
        return ratio, np.nan, np.nan, np.nan
    chosen = _stadtteil_draws(units_of, size, draws, seed)
    placebo = _count_ratio(counts[controls], exposure[controls], chosen, post)
    placebo_count = (counts[controls][None, :, :] * (chosen[:, :, None] & post[None, None, :])).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(placebo) * np.sqrt(placebo_count / area_count)
    logs = logs[np.isfinite(logs)]
    low, high, p_value = _randomisation_interval(float(np.log(ratio)), logs, level)
    return ratio, float(np.exp(low)), float(np.exp(high)), p_value


# ----------------------------------------------------------------------------- whole evaluation

def gap_closure(ds: Dataset, area_id: str, indicators: list[Indicator], baseline_year: int, year: int,
                level: float = 0.95) -> pd.DataFrame:
    """Distance to the city at the baseline and now (points), and the share of an unfavourable gap closed (%).

    With the area's counts then and now (``numerator_then`` ... ``denominator_now``) and their publish thresholds,
    which decide what of it may be published.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    area_id : str
        The area.
    indicators : list of Indicator
        The indicators.
    baseline_year, year : int
        Then and now.
    level : float, default 0.95
        Confidence level of the underlying values.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: values then and now of area and city, gap_then, gap_now (area minus city, points),
        gap_closed (percent of an unfavourable gap closed; NaN when the area was not worse), the counts and the
        thresholds.
    """
    groups = area_groups(ds, [area_id])
    area = ds.areas.get(area_id).id
    rows = []
    for when in (baseline_year, year):
        values = indicator_values(ds, when, groups, indicators, level)
        values["when"] = when
        rows.append(values)
    long = pd.concat(rows)
    values = long.pivot_table(index="indicator", columns=["when", "group"], values="value")
    counts = long[long["group"] == area].set_index(["indicator", "when"])[["numerator", "denominator"]]
    table = []
    for indicator in indicators:
        def value(when, group):
            return values.get((when, group), pd.Series(dtype=float)).get(indicator.id, np.nan)

        def count(kind, when):
            return counts[kind].get((indicator.id, when), np.nan)
        gap_then = value(baseline_year, area) - value(baseline_year, CITY)
        gap_now = value(year, area) - value(year, CITY)
        unfavourable = indicator.favourable(gap_then) is False  # the area lay worse than the city
        closed = 100 * (1 - gap_now / gap_then) if unfavourable and np.isfinite(gap_now) else np.nan
        table.append({"indicator": indicator.id, "label": indicator.name, "unit": indicator.unit,
                      "area_then": value(baseline_year, area), "city_then": value(baseline_year, CITY),
                      "area_now": value(year, area), "city_now": value(year, CITY),
                      "gap_then": gap_then, "gap_now": gap_now, "gap_closed": closed,
                      "numerator_then": count("numerator", baseline_year),
                      "denominator_then": count("denominator", baseline_year),
                      "numerator_now": count("numerator", year), "denominator_now": count("denominator", year),
                      "threshold": ds.catalogue.threshold(indicator),
                      "denominator_threshold": ds.catalogue.denominator_threshold(indicator)})
    return pd.DataFrame(table)


def area_effect(ds: Dataset, indicator: Indicator, area_id: str, baseline_year: int, year: int,
                level: float = 0.95, draws: int = PLACEBO_DRAWS) -> Effect:
    """:func:`did_effect` of the area's panel, computed once per dataset (the effects table and the year-by-year
    figure of a report share it).

    Parameters
    ----------
    ds : Dataset
        The validated data (its cache keeps the result).
    indicator : Indicator
        The indicator.
    area_id : str
        The area.
    baseline_year, year : int
        The baseline and the last year.
    level : float, default 0.95
        Confidence level.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.

    Returns
    -------
    Effect
    """
    key = (indicator.id, area_id, baseline_year, year, level, draws)
    store = ds.cache.setdefault("area_effects", {})
    if key not in store:
        store[key] = did_effect(unit_panel(ds, indicator, area_id, baseline_year, year), level, draws)
    return store[key]


def evaluate(ds: Dataset, area_id: str, indicators: list[Indicator], baseline_year: int, year: int,
             level: float = 0.95, small_count_limit: int = SMALL_COUNT_LIMIT,
             draws: int = PLACEBO_DRAWS) -> pd.DataFrame:
    """One row per indicator: the departure from the expected path with its placebo interval, p-value and minimum
    detectable effect (``mde``, points), the area's rate at the baseline and now and its expected value now,
    the count model's rate ratio (small counts) and the pre-trend test.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    area_id : str
        The area.
    indicators : list of Indicator
        The indicators; ``latest_available`` ones and those without two years before and one after the baseline
        get the status "nicht auswertbar".
    baseline_year, year : int
        The baseline and the last year.
    level : float, default 0.95
        Confidence level.
    small_count_limit : int, default SMALL_COUNT_LIMIT
        Mean yearly numerator of the area below which the count model is computed.
    draws : int, default PLACEBO_DRAWS
        Placebo areas.

    Returns
    -------
    pandas.DataFrame
        One row per indicator with status, estimate, ci_low, ci_high, p_value, placebo_sd, mde, the area's rates,
        rate_ratio (with interval and p-value), pre_trend and pre_trend_p, counts and thresholds.
    """
    rows = []
    for indicator in indicators:
        panel = unit_panel(ds, indicator, area_id, baseline_year, year)
        frame = panel.frame
        pre_years = frame.loc[~frame["post"], "year"].nunique()
        post_years = frame.loc[frame["post"], "year"].nunique()
        area_sums = frame[frame["treated"]].groupby("year")[["numerator", "denominator"]].sum()
        row = {"indicator": indicator.id, "label": indicator.name, "unit": indicator.unit,
               "direction": indicator.direction, "pre_years": pre_years, "post_years": post_years,
               # the smallest yearly counts of the area: every estimate rests on them (disclosure control)
               "area_count_min": float(area_sums["numerator"].min()) if len(area_sums) else np.nan,
               "area_denominator_min": float(area_sums["denominator"].min()) if len(area_sums) else np.nan,
               "threshold": ds.catalogue.threshold(indicator),
               "denominator_threshold": ds.catalogue.denominator_threshold(indicator)}
        if indicator.latest_available or pre_years < 2 or post_years < 1 or not frame["treated"].any():
            row["status"] = "nicht auswertbar"
            rows.append(row)
            continue
        effect = area_effect(ds, indicator, area_id, baseline_year, year, level, draws)
        mean_count = float(area_sums["numerator"].mean())
        ratio, ratio_low, ratio_high, ratio_p = count_model(panel, level, draws) if mean_count < small_count_limit \
            else (np.nan,) * 4
        slope, slope_p = pre_trend(panel, draws=draws)
        row.update({"status": "ok", "estimate": effect.estimate, "ci_low": effect.ci_low, "ci_high": effect.ci_high,
                    "p_value": effect.p_value, "placebo_sd": effect.placebo_sd, "mde": effect.mde,
                    "treated_units": effect.treated_units, "control_units": effect.control_units,
                    "placebos": effect.placebos, "actual_then": effect.actual_then, "actual_now": effect.actual_now,
                    "expected_now": effect.expected_now, "first_year_after": baseline_year + 1,
                    "last_year": int(frame["year"].max()), "area_count_mean": mean_count, "rate_ratio": ratio,
                    "rate_ratio_low": ratio_low, "rate_ratio_high": ratio_high, "rate_ratio_p": ratio_p,
                    "pre_trend": slope, "pre_trend_p": slope_p})
        rows.append(row)
    return pd.DataFrame(rows)
