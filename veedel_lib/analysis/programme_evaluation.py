"""Programmevaluation: has the programme as a whole changed the 15 areas against the rest of the city?

The model is the one of the area evaluation (:mod:`veedel_lib.analysis.evaluation`): the rate of every statistical
unit and year, weighted by its denominator, with a level and a linear trend of its own for every unit and
city-wide year effects that may scale with a unit's level; the effect is the departure after the baseline year.
Here the treated units are those of all 15 areas together, the comparison is the rest of the city.

Two estimates come from it. The *pooled* effect: one treatment column for all programme units after the
baseline, so the average departure of the 15 areas weighted by their population. The *area effects*: one
column per area in the same model, the spread of the programme's effect between the areas.

The 15 areas are 15 treated clusters: a cluster-robust interval (clusters = the areas, and the Stadtteile of the
rest of the city) is too narrow with so few treated clusters, because the clusters that carry the effect are the
ones whose variation it underestimates. The reported interval and p-value therefore come from a wild cluster
bootstrap with the null imposed (WCR, Webb's six-point weights, inverted into an interval), computed on the
model after its fixed part is projected out; MacKinnon and Webb show it keeps its level with few treated
clusters (if anything it is conservative). For comparison the naive interval is kept: clustered by statistical
unit, the panel's observation unit, with normal quantiles, as a regression package reports it by default; it
ignores that the programme is assigned to whole areas, whose units share their shocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator
from .evaluation import _Projection, unit_counts

BOOTSTRAP_DRAWS = 4999
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
"""Webb's six-point weights: with few clusters they give many more distinct bootstrap samples than +-1."""


def programme_panel(ds: Dataset, indicator: Indicator, baseline_year: int, last_year: int) -> pd.DataFrame:
    """Unit-year panel of one indicator with the programme's units as treated.

    Columns: unit, year, numerator, denominator, rate, area (the unit's area id, "" outside), treated, post,
    stadtteil and cluster (the area for programme units, the Stadtteil for the rest of the city).
    """
    frame = unit_counts(ds, indicator, last_year)
    area_of = ds.membership.table.set_index("unit_id")["area_id"]
    frame["area"] = frame["unit"].map(area_of).fillna("").astype(str)
    frame["treated"] = frame["area"] != ""
    frame["post"] = frame["year"] > baseline_year
    frame["stadtteil"] = frame["unit"].map(ds.units.set_index("unit_id")["stadtteil_nr"])
    frame["cluster"] = np.where(frame["treated"], "gebiet:" + frame["area"], "stadtteil:" + frame["stadtteil"].astype(str))
    return frame.sort_values(["unit", "year"]).reset_index(drop=True)


@dataclass(frozen=True)
class PooledEffect:
    """The pooled effect with its bootstrap interval (clusters: areas and Stadtteile) and the naive one (clusters:
    units), in the indicator's points."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    naive_ci_low: float
    naive_ci_high: float
    naive_p_value: float
    treated_clusters: int
    clusters: int
    draws: int


def _crv1(x: np.ndarray, residual: np.ndarray, weights: np.ndarray, codes: np.ndarray, count: int,
          factor: float) -> float:
    """Cluster-robust (CRV1) standard error of a one-regressor WLS coefficient."""
    scores = np.bincount(codes, weights * x * residual, count)
    sxx = float(np.sum(weights * x * x))
    return float(np.sqrt(factor * np.sum(scores ** 2)) / sxx)


def wild_cluster_interval(x: np.ndarray, y: np.ndarray, weights: np.ndarray, clusters: np.ndarray,
                          level: float = 0.95, draws: int = BOOTSTRAP_DRAWS, seed: int = 2020,
                          rank: int = 1, treated_clusters: int = 0,
                          naive_clusters: np.ndarray | None = None) -> PooledEffect:
    """WLS coefficient of ``y`` on one (already residualised) regressor ``x`` with a wild cluster restricted
    bootstrap interval (test inversion) over ``clusters``, and the naive interval: CRV1 over ``naive_clusters``
    (default: the same clusters) with normal quantiles, as a regression package reports it.

    Everything the bootstrap needs reduces to sums per cluster, so thousands of draws for many candidate values
    of the coefficient cost little: for a hypothesised value b0 the restricted residuals are y - b0 x, the
    bootstrap coefficient moves by sum_g v_g a_g / Sxx with a_g = sum_(i in g) w x (y - b0 x), and its clustered
    standard error follows from the same sums. ``rank`` is the number of fixed-part columns projected out
    (for the small-sample factor); ``treated_clusters`` is only reported.
    """
    from scipy import stats  # scipy.stats and statsmodels take a second to import: only where used

    codes, names = pd.factorize(clusters)
    count = len(names)
    n = len(y)
    factor = count / (count - 1) * (n - 1) / max(n - rank - 1, 1)
    sxx = float(np.sum(weights * x * x))
    estimate = float(np.sum(weights * x * y) / sxx)
    residual = y - estimate * x
    se = _crv1(x, residual, weights, codes, count, factor)
    quantile = stats.norm.ppf(0.5 + level / 2)
    naive_codes, naive_names = pd.factorize(clusters if naive_clusters is None else naive_clusters)
    naive_count = len(naive_names)
    naive_se = _crv1(x, residual, weights, naive_codes, naive_count,
                     naive_count / (naive_count - 1) * (n - 1) / max(n - rank - 1, 1))
    naive_p = float(2 * stats.norm.sf(abs(estimate / naive_se)))
    c = np.bincount(codes, weights * x * y, count)
    b = np.bincount(codes, weights * x * x, count)
    v = np.random.default_rng(seed).choice(WEBB, size=(draws, count))

    def p_value(b0: float) -> float:
        a = c - b0 * b
        delta = (v @ a) / sxx
        scores = v * a[None, :] - delta[:, None] * b[None, :]
        se_star = np.sqrt(factor * np.sum(scores ** 2, axis=1)) / sxx
        t_star = np.abs(delta / se_star)
        t_zero = abs((estimate - b0) / se)
        return float((np.sum(t_star >= t_zero) + 1) / (draws + 1))

    alpha = 1 - level

    def bound(direction: float) -> float:
        inside, step = estimate, se
        outside = estimate + direction * step
        while p_value(outside) >= alpha:
            inside, step = outside, step * 2
            outside = estimate + direction * step
            if step > 1e6 * max(se, 1e-12):
                return direction * np.inf
        for _ in range(40):
            middle = (inside + outside) / 2
            if p_value(middle) >= alpha:
                inside = middle
            else:
                outside = middle
        return (inside + outside) / 2

    return PooledEffect(estimate, bound(-1.0), bound(1.0), p_value(0.0), estimate - quantile * naive_se,
                        estimate + quantile * naive_se, naive_p, treated_clusters, count, draws)


def pooled_effect(panel: pd.DataFrame, baseline_year: int, level: float = 0.95,
                  draws: int = BOOTSTRAP_DRAWS) -> tuple[PooledEffect, pd.DataFrame]:
    """The pooled programme effect and the effect of each area (point estimates with naive clustered errors).

    Returns the pooled :class:`PooledEffect` and a table area_id, estimate, naive_se (one row per area).
    """
    # statsmodels takes a second to import: only where used, and only the modules used
    from statsmodels.regression.linear_model import WLS
    from statsmodels.stats.sandwich_covariance import cov_cluster

    projection = _Projection(panel, baseline_year)
    post = panel["post"].to_numpy()
    pooled = projection((panel["treated"].to_numpy() & post).astype(float)[:, None])[:, 0]
    areas = sorted(a for a in panel["area"].unique() if a)
    effect = wild_cluster_interval(pooled, projection.rate, projection.weights, panel["cluster"].to_numpy(), level,
                                   draws, rank=projection.rank, treated_clusters=len(areas),
                                   naive_clusters=panel["unit"].to_numpy())
    columns = projection(np.column_stack([((panel["area"] == a).to_numpy() & post).astype(float) for a in areas]))
    fit = WLS(projection.rate, columns, weights=projection.weights).fit()
    covariance = cov_cluster(fit, pd.factorize(panel["cluster"])[0], use_correction=True)
    spread = pd.DataFrame({"area_id": areas, "estimate": np.asarray(fit.params, dtype=float),
                           "naive_se": np.sqrt(np.diag(np.atleast_2d(covariance)))})
    return effect, spread


def programme_evaluation(ds: Dataset, indicators: list[Indicator], baseline_year: int, year: int,
                         level: float = 0.95, draws: int = BOOTSTRAP_DRAWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per indicator the pooled effect of the programme and the 15 area effects.

    Returns ``effects`` (one row per indicator: indicator, label, unit, direction, status, estimate, ci_low,
    ci_high, p_value, naive_ci_low, naive_ci_high, naive_p_value, treated_clusters, clusters, draws, spread_sd,
    spread_min, spread_max, areas_favourable, the programme's smallest yearly counts and their thresholds)
    and ``areas`` (indicator, area_id, estimate, naive_se, and the area's smallest yearly counts).
    """
    rows, spreads = [], []
    for indicator in indicators:
        panel = programme_panel(ds, indicator, baseline_year, year)
        sums = panel[panel["treated"]].groupby("year")[["numerator", "denominator"]].sum()
        row = {"indicator": indicator.id, "label": indicator.name, "unit": indicator.unit,
               "direction": indicator.direction, "count_min": float(sums["numerator"].min()) if len(sums) else np.nan,
               "denominator_min": float(sums["denominator"].min()) if len(sums) else np.nan,
               "threshold": ds.catalogue.threshold(indicator),
               "denominator_threshold": ds.catalogue.denominator_threshold(indicator)}
        pre = panel.loc[~panel["post"], "year"].nunique()
        if indicator.latest_available or pre < 2 or not panel["post"].any() or not panel["treated"].any():
            rows.append({**row, "status": "nicht auswertbar"})
            continue
        effect, spread = pooled_effect(panel, baseline_year, level, draws)
        favourable = [indicator.favourable(e) for e in spread["estimate"]]
        area_sums = panel[panel["treated"]].groupby(["area", "year"])[["numerator", "denominator"]].sum()
        minima = area_sums.groupby(level="area").min()
        spread["count_min"] = spread["area_id"].map(minima["numerator"])
        spread["denominator_min"] = spread["area_id"].map(minima["denominator"])
        spread["threshold"] = row["threshold"]
        spread["denominator_threshold"] = row["denominator_threshold"]
        spreads.append(spread.assign(indicator=indicator.id, label=indicator.name, unit=indicator.unit))
        rows.append({**row, "status": "ok", **effect.__dict__,
                     "spread_sd": float(spread["estimate"].std(ddof=1)), "spread_min": float(spread["estimate"].min()),
                     "spread_max": float(spread["estimate"].max()),
                     "areas_favourable": int(sum(f is True for f in favourable))})
    areas = pd.concat(spreads, ignore_index=True) if spreads else pd.DataFrame(
        columns=["indicator", "label", "unit", "area_id", "estimate", "naive_se", "count_min", "denominator_min",
                 "threshold", "denominator_threshold"])
    return pd.DataFrame(rows), areas
