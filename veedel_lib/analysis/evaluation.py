"""Evaluation: has an area developed differently from the rest of the city since the baseline year?

The estimate is a difference in differences on the panel of statistical units and years: the rate
of each unit and year is explained by a unit effect (lasting differences between units), a year
effect (what happened everywhere in the city) and the effect of interest, "unit belongs to the area
and the year is after the baseline". Weighted least squares with the denominator as weight makes
large units count as much as their population; standard errors are clustered by unit, because the
years of one unit are not independent.

The comparison is the rest of the city without the other programme areas: the programme acts there
too, and an effect in one area would otherwise leak into every other area's estimate.

Clustered standard errors are reliable only with many treated clusters, and an area often has 5 to
40 units. The reported interval is therefore obtained by randomisation inference: the same model is
estimated for many placebo areas of the same size drawn from the rest of the city, where the
programme did not act; the spread of these placebo effects shows how large an "effect" arises from
the ordinary variation between units alone. The interval is the set of effects that the placebo
distribution does not reject (Conley and Taber's idea of inference with few treated groups). Yearly
ups and downs grow with the level of a rate, and the programme areas have the highest levels, so each
placebo effect is taken relative to its placebo area's level before the baseline and carried over to
the area's level (the heteroskedasticity correction of Ferman and Pinto, in its simplest form). The
cluster-robust interval is kept alongside for comparison.

Small counts are modelled as counts as well: a Poisson regression of the numerator with the log of
the denominator as offset, the same unit and year effects and cluster-robust errors, reported as a
rate ratio. Every effect comes with a plain-German reading that does not claim more than the design
supports: a difference in development is not proof that the programme caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """Unit-year counts of one indicator: unit, year, numerator, denominator, rate (in the indicator's unit)."""

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
    indicator (every area's evaluation reads the same table); each call gets its own copy to change."""
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
    wide = data.pivot_table(index=["unit", "year"], columns="variable", values="count", aggfunc="sum",
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


def fixed_effects(frame: pd.DataFrame, baseline_year: int) -> np.ndarray:
    """The model's fixed part as one dense design (unit dummies, year dummies, a trend per unit, level-scaled year
    effects): what :class:`_Projection` removes without building it. For checks and the benchmark only; the
    first unit's trend is left out because all unit trends together equal a common trend."""
    units = pd.get_dummies(frame["unit"], dtype=float).to_numpy()
    centred = (frame["year"].to_numpy(dtype=float) - frame["year"].mean())[:, None]
    return np.hstack([units, (units * centred)[:, 1:], _level_effects(frame, baseline_year)])


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


@dataclass(frozen=True)
class Effect:
    """One estimated effect with its intervals, in the indicator's unit points (pp or per-mille points)."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    cluster_ci_low: float
    cluster_ci_high: float
    cluster_p_value: float
    treated_units: int
    control_units: int
    placebos: int


def _treatment(frame: pd.DataFrame, start_after: int) -> np.ndarray:
    return (frame["treated"].to_numpy() & (frame["year"].to_numpy() > start_after)).astype(float)[:, None]


def did_effect(panel: Panel, level: float = 0.95, draws: int = PLACEBO_DRAWS, seed: int = 2020) -> Effect:
    """Difference-in-differences estimate with randomisation (reported) and cluster-robust intervals."""
    frame = panel.frame
    treated_mask = frame["treated"].to_numpy()
    treated_units = int(frame.loc[treated_mask, "unit"].nunique())
    control_units = int(frame.loc[~treated_mask, "unit"].nunique())
    if not treated_units or not control_units or not frame["post"].any() or frame["post"].all():
        return Effect(*([np.nan] * 7), treated_units, control_units, 0)
    projection = panel.projection()
    fit = projection.fit(_treatment(frame, panel.baseline_year), level)
    estimate = float(fit.params[0])
    cluster_low, cluster_high = (float(v) for v in fit.conf_int(1 - level)[0])
    placebo = _placebo_effects(frame, panel.baseline_year, draws, seed, _pre_level(frame[treated_mask], panel),
                               panel.indicator.scale)
    low, high, p_value = _randomisation_interval(estimate, placebo, level)
    return Effect(estimate, low, high, p_value, cluster_low, cluster_high, float(fit.pvalues[0]),
                  treated_units, control_units, len(placebo))


def _pre_level(frame: pd.DataFrame, panel: Panel) -> float:
    """Pooled rate of some units over the years up to the baseline, in the indicator's unit."""
    pre = frame[frame["year"] <= panel.baseline_year]
    return float(pre["numerator"].sum() / pre["denominator"].sum() * panel.indicator.scale)


def _placebo_effects(frame: pd.DataFrame, baseline_year: int, draws: int, seed: int,
                     area_level: float, scale: float) -> np.ndarray:
    """Effects of placebo areas drawn from the rest of the city, with the same model.

    A placebo area is built like a real one: whole Stadtteile, drawn at random until it has at least as
    many units as the area, so it shares the local shocks a real area has. The area's own units are left
    out, so a real effect cannot leak into its own reference. Each placebo effect is rescaled by the
    ratio of the area's pre-baseline level (``area_level``) to the placebo area's, as noise grows with
    the level of a rate.
    """
    rng = np.random.default_rng(seed)
    sub = frame[~frame["treated"]].reset_index(drop=True)
    size = frame.loc[frame["treated"], "unit"].nunique()
    units_per_stadtteil = sub.groupby("stadtteil")["unit"].unique()
    if sub["unit"].nunique() < 2 * size or len(units_per_stadtteil) < 5:
        return np.array([])
    projection = _Projection(sub, baseline_year)
    controls = pd.Index(sub["unit"].unique())
    codes = controls.get_indexer(sub["unit"])
    members_of = [controls.get_indexer(units) for units in units_per_stadtteil]
    chosen = np.zeros((len(controls), draws), dtype=bool)
    for draw in range(draws):
        count = 0
        for position in rng.permutation(len(members_of)):
            members = members_of[position]
            chosen[members, draw] = True
            count += len(members)
            if count >= size:
                break
    treatments = (chosen[codes] & (sub["year"].to_numpy() > baseline_year)[:, None]).astype(float)
    residual = projection(treatments)
    weighted = residual * projection.weights[:, None]
    pre = (sub["year"] <= baseline_year).to_numpy()
    numerators = np.bincount(codes[pre], sub.loc[pre, "numerator"].to_numpy(dtype=float), len(controls))
    denominators = np.bincount(codes[pre], sub.loc[pre, "denominator"].to_numpy(dtype=float), len(controls))
    with np.errstate(divide="ignore", invalid="ignore"):
        effects = (weighted.T @ projection.rate) / np.einsum("ij,ij->j", weighted, residual)
        placebo_level = (chosen.T @ numerators) / (chosen.T @ denominators) * scale
        effects = effects * area_level / placebo_level
    return effects[np.isfinite(effects)]


def _randomisation_interval(estimate: float, placebo: np.ndarray, level: float) -> tuple[float, float, float]:
    """Interval and p-value from the placebo distribution (estimate minus the placebo quantiles)."""
    if len(placebo) < 50:
        return np.nan, np.nan, np.nan
    alpha = 1 - level
    low_q, high_q = np.quantile(placebo, [alpha / 2, 1 - alpha / 2])
    # equal-tailed, so that p < 1 - level exactly when the interval excludes zero
    upper = (np.sum(placebo >= estimate) + 1) / (len(placebo) + 1)
    lower = (np.sum(placebo <= estimate) + 1) / (len(placebo) + 1)
    p_value = float(min(1.0, 2 * min(upper, lower)))
    return estimate - high_q, estimate - low_q, p_value


def pre_trend(panel: Panel, shift: int = 3) -> tuple[float, float]:
    """Placebo in time: the same model on the years up to the baseline, as if the programme had begun
    ``shift`` years earlier (points, cluster-robust p-value).

    The design assumes the area would have kept to its path without the programme. A clear "effect"
    before anything happened casts doubt on that. NaN when the years before the baseline are too few.
    """
    pre = panel.frame[~panel.frame["post"]].reset_index(drop=True)
    fake = panel.baseline_year - shift
    if (pre["year"] <= fake).sum() == 0 or pre.loc[pre["year"] <= fake, "year"].nunique() < 3 \
            or not pre["treated"].any() or pre["treated"].all():
        return np.nan, np.nan
    fit = _Projection(pre, fake).fit(_treatment(pre, fake), 0.95)
    return float(fit.params[0]), float(fit.pvalues[0])


def event_study(panel: Panel, level: float = 0.95) -> pd.DataFrame:
    """Departure of the area from its path per year relative to the baseline year (points), cluster intervals."""
    frame = panel.frame
    years = sorted(y for y in frame["year"].unique() if y > panel.baseline_year)
    if not frame["treated"].any() or not years:
        return pd.DataFrame(columns=["year", "estimate", "ci_low", "ci_high"])
    treated = frame["treated"].to_numpy()
    columns = np.column_stack([(treated & (frame["year"].to_numpy() == y)).astype(float) for y in years])
    fit = panel.projection().fit(columns, level)
    interval = fit.conf_int(1 - level)
    rows = [{"year": panel.baseline_year, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}]
    rows += [{"year": y, "estimate": float(fit.params[i]), "ci_low": float(interval[i][0]),
              "ci_high": float(interval[i][1])} for i, y in enumerate(years)]
    return pd.DataFrame(rows)


def count_model(panel: Panel, level: float = 0.95) -> tuple[float, float, float, float]:
    """Poisson model of the counts with log(denominator) offset: rate ratio, interval and p-value.

    Group and year effects (a group = the units of one Stadtteil inside or outside the area; proportional
    changes are the Poisson model's nature, so no level-scaled years are needed), errors clustered by
    Stadtteil. The rate ratio says by which factor the area's rate after
    the baseline differs from what the rest of the city's development would have led to (1 = none).
    """
    if not panel.frame["treated"].any() or not panel.frame["post"].any():
        return np.nan, np.nan, np.nan, np.nan
    # units of one Stadtteil on the same side are pooled: sums of Poisson counts are Poisson, and a few
    # dozen groups instead of hundreds of unit dummies make the fit fast; clusters are Stadtteile anyway
    frame = (panel.frame.assign(group=panel.frame["stadtteil"].astype(str) + "/" + panel.frame["treated"].astype(str))
             .groupby(["group", "stadtteil", "treated", "year"], as_index=False)[["numerator", "denominator"]].sum())
    frame["post"] = frame["year"] > panel.baseline_year
    units = pd.get_dummies(frame["group"], dtype=float).to_numpy()
    years = pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]
    design = np.column_stack([_treatment(frame, panel.baseline_year), units, years])
    # statsmodels and scipy.stats take a second to import: only where used, and only the modules used
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    model = GLM(frame["numerator"].to_numpy(), design, family=Poisson(),
                   offset=np.log(frame["denominator"].to_numpy(dtype=float)))
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["stadtteil"])[0]})
    low, high = fit.conf_int(1 - level)[0]
    return float(np.exp(fit.params[0])), float(np.exp(low)), float(np.exp(high)), float(fit.pvalues[0])


# ----------------------------------------------------------------------------- whole evaluation

def gap_closure(ds: Dataset, area_id: str, indicators: list[Indicator], baseline_year: int, year: int,
                level: float = 0.95) -> pd.DataFrame:
    """Distance to the city at the baseline and now (points), and the share of an unfavourable gap closed (%).

    With the area's counts then and now (``numerator_then`` ... ``denominator_now``) and their publish thresholds,
    which decide what of it may be published.
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


def evaluate(ds: Dataset, area_id: str, indicators: list[Indicator], baseline_year: int, year: int,
             level: float = 0.95, small_count_limit: int = SMALL_COUNT_LIMIT,
             draws: int = PLACEBO_DRAWS) -> pd.DataFrame:
    """One row per indicator: DiD effect with randomisation and cluster intervals, count model, pre-trend."""
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
        effect = did_effect(panel, level, draws)
        mean_count = float(area_sums["numerator"].mean())
        ratio, ratio_low, ratio_high, ratio_p = count_model(panel, level) if mean_count < small_count_limit \
            else (np.nan,) * 4
        slope, slope_p = pre_trend(panel)
        row.update({"status": "ok", "estimate": effect.estimate, "ci_low": effect.ci_low, "ci_high": effect.ci_high,
                    "p_value": effect.p_value, "cluster_ci_low": effect.cluster_ci_low,
                    "cluster_ci_high": effect.cluster_ci_high, "cluster_p_value": effect.cluster_p_value,
                    "treated_units": effect.treated_units, "control_units": effect.control_units,
                    "placebos": effect.placebos, "area_count_mean": mean_count, "rate_ratio": ratio, "rate_ratio_low": ratio_low,
                    "rate_ratio_high": ratio_high, "rate_ratio_p": ratio_p, "pre_trend": slope,
                    "pre_trend_p": slope_p})
        rows.append(row)
    return pd.DataFrame(rows)
