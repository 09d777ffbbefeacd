"""Programmevaluation: has the programme as a whole changed the 15 areas against the rest of the city?

The areas did not enter together: nine are in the programme since 2006 (before the data begin), six since 2020,
and one area was extended by a part of a Stadtteil in 2022 (``since`` and the definitions' ``valid_from`` in
``areas.yml``, :func:`unit_entries`). Each unit's effects are counted from the year after its entry, at the
earliest from the year after the evaluation's baseline year (the start of the Sozialraumgebietsplanung); for the
areas in the programme since 2006 the data can only show what changed since then.

The main estimate is heterogeneity-robust (:mod:`veedel_lib.analysis.staggered`, the imputation estimator of
Borusyak, Jaravel and Spiess): the model of the area evaluation (a level and a linear trend of every unit,
city-wide year effects that may scale with a unit's level, weighted by the denominator) is fitted on the
untreated unit-years only, and every treated unit-year's effect is its departure from the imputed expected path.
Effects are aggregated per entry cohort, per year since the start of counting, per area and overall, always
with the denominator as the stated weight (the average effect per person of the indicator's reference group in
the treated unit-years). Intervals: a restricted wild cluster bootstrap over the areas and the Stadtteile of the
rest of the city (few treated clusters; see there).

For comparison the *pooled* two-way fixed-effects estimate of the earlier evaluation is kept: one treatment
column for all programme units after the baseline, unit levels and trends fitted on all years. With effects that
differ by cohort or grow over time it can be biased (the trends absorb part of a growing effect, units are
counted as treated from the wrong year, the regression's implicit weights are not the stated ones). Its
interval also comes from a wild cluster bootstrap with the null imposed (WCR, Webb's six-point weights,
inverted into an interval), computed on the model after its fixed part is projected out; the naive interval
(clustered by statistical unit, normal quantiles, as a regression package reports it by default) is kept to show
how much too narrow it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.areas import definition_units
from ..params.catalogue import Indicator
from .evaluation import _Projection, unit_counts
from .staggered import BOOTSTRAP_DRAWS, WEBB, Aggregate, Imputation, inverted_bound


def unit_entries(ds: Dataset, baseline_year: int) -> pd.DataFrame:
    """Every unit of any definition of any programme area with its entry year and first counted year.

    Columns: unit, area_id, entry (the first year the unit is in the programme: the area's ``since``, or the
    ``valid_from`` of the first definition that contains the unit, whichever is later), since_missing (the area
    has no ``since``: entry = the baseline year), first_treated (the year after the entry, at the earliest the
    year after ``baseline_year``: the entry year, like the baseline year, is the last year before effects are
    counted), current (the unit belongs to the area's definition the dataset selected; a unit that belonged only to
    an earlier definition was treated and is left out of the comparison group).

    Parameters
    ----------
    ds : Dataset
        The validated data with all definitions of the areas.
    baseline_year : int
        The evaluation's baseline year; effects are counted from the year after it at the earliest.

    Returns
    -------
    pandas.DataFrame
        One row per area and unit (each unit once per area, with the definition it first appears in).
    """
    current = set(zip(ds.membership.table["area_id"], ds.membership.table["unit_id"]))
    rows = []
    for area_id in ds.areas.ids:
        seen: set[str] = set()
        for version in ds.areas.versions(area_id):  # oldest first
            since = version.since
            start = version.valid_from if version.valid_from is not None else -10**6
            for unit in sorted(definition_units(ds.areas, version, ds.units) - seen):
                entry = max(since if since is not None else baseline_year, start)
                rows.append({"unit": unit, "area_id": area_id, "entry": int(entry), "since_missing": since is None,
                             "first_treated": int(max(entry, baseline_year) + 1),
                             "current": (area_id, unit) in current})
            seen |= definition_units(ds.areas, version, ds.units)
    return pd.DataFrame(rows, columns=["unit", "area_id", "entry", "since_missing", "first_treated", "current"])


def programme_panel(ds: Dataset, indicator: Indicator, baseline_year: int, last_year: int,
                    entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unit-year panel of one indicator with the programme's units as treated.

    Columns: unit, year, numerator, denominator, rate, area (the unit's area id, "" outside), treated, post,
    stadtteil, cluster (the area for programme units, the Stadtteil for the rest of the city), entry and
    first_treated (see :func:`unit_entries`; NaN outside the programme). Units that belonged to a programme area
    only under an earlier definition are left out: they were treated, so they are no comparison. ``entries``:
    :func:`unit_entries` if already computed.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicator : Indicator
        The indicator whose rate (in its unit) is the outcome.
    baseline_year : int
        The evaluation's baseline year (``post`` = later years).
    last_year : int
        The last year of the panel.
    entries : pandas.DataFrame, optional
        :func:`unit_entries` of the same baseline year.

    Returns
    -------
    pandas.DataFrame
        One row per unit and year, sorted by unit and year.
    """
    entries = unit_entries(ds, baseline_year) if entries is None else entries
    former = set(entries.loc[~entries["current"], "unit"]) - set(entries.loc[entries["current"], "unit"])
    frame = unit_counts(ds, indicator, last_year)
    frame = frame[~frame["unit"].isin(former)].copy()
    current = entries[entries["current"]].set_index("unit")
    frame["entry"] = frame["unit"].map(current["entry"]).astype(float)
    frame["first_treated"] = frame["unit"].map(current["first_treated"]).astype(float)
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

    Parameters
    ----------
    x, y, weights : numpy.ndarray
        The residualised regressor, the (residualised) outcome and the positive WLS weights per observation.
    clusters : numpy.ndarray
        Cluster label per observation for the bootstrap.
    level : float, default 0.95
        Confidence level.
    draws : int, default BOOTSTRAP_DRAWS
        Bootstrap draws (Webb weights).
    seed : int, default 2020
        Seed of the draws.
    rank : int, default 1
        Columns projected out before (small-sample factor).
    treated_clusters : int, default 0
        Reported only.
    naive_clusters : numpy.ndarray, optional
        Clusters of the naive interval; ``clusters`` when None.

    Returns
    -------
    PooledEffect
        The coefficient with both intervals and p-values.

    Examples
    --------
    The coefficient is sum(w x y) / sum(w x²) = 12 / 6 = 2. The residuals 1, -0.5 | -0.5, 0.5 | 0, 0.5 give
    cluster scores 1.5, -1, -0.5; with the factor 3/2 * 5/4 the naive standard error is
    sqrt(1.875 * 3.5) / 6 = 0.42696 and the naive interval 2 ∓ 1.96 * 0.42696. With three clusters the bootstrap
    interval is much wider:

    >>> x = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    >>> y = np.array([3.0, -2.5, 1.5, -1.5, 2.0, -1.5])
    >>> effect = wild_cluster_interval(x, y, np.ones(6), np.array(["a", "a", "b", "b", "c", "c"]), draws=99)
    >>> effect.estimate, round(float(effect.naive_ci_low), 4), round(float(effect.naive_ci_high), 4)
    (2.0, 1.1632, 2.8368)
    >>> bool(effect.ci_low < effect.naive_ci_low and effect.ci_high > effect.naive_ci_high), effect.clusters
    (True, 3)
    """
    from scipy import stats  # scipy.stats and statsmodels take a second to import: only where used

    codes, names = pd.factorize(clusters)
    count = len(names)
    n = len(y)
    factor = count / (count - 1) * (n - 1) / max(n - rank - 1, 1)
    sxx = float(np.sum(weights * x * x))
    if not sxx > 0:  # the regressor is zero everywhere (no treated year): no coefficient, no interval, no test
        return PooledEffect(np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, treated_clusters, count, draws)
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
        return inverted_bound(p_value, estimate, direction, alpha, se, 1e6 * max(se, 1e-12), 40)

    return PooledEffect(estimate, bound(-1.0), bound(1.0), p_value(0.0), estimate - quantile * naive_se,
                        estimate + quantile * naive_se, naive_p, treated_clusters, count, draws)


def pooled_effect(panel: pd.DataFrame, baseline_year: int, level: float = 0.95,
                  draws: int = BOOTSTRAP_DRAWS) -> tuple[PooledEffect, pd.DataFrame]:
    """The pooled programme effect and the effect of each area (point estimates with naive clustered errors).

    Returns the pooled :class:`PooledEffect` and a table area_id, estimate, naive_se (one row per area).

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel of :func:`programme_panel`.
    baseline_year : int
        The evaluation's baseline year.
    level : float, default 0.95
        Confidence level.
    draws : int, default BOOTSTRAP_DRAWS
        Bootstrap draws of the pooled interval.

    Returns
    -------
    effect : PooledEffect
        The pooled two-way fixed-effects estimate in the indicator's points.
    spread : pandas.DataFrame
        One row per area: area_id, estimate, naive_se.
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


def _pre_level(panel: pd.DataFrame, baseline_year: int) -> np.ndarray:
    """Each unit's mean rate in its untreated years up to the baseline (the level year effects scale with)."""
    before = panel[(panel["year"] <= baseline_year) & ~(panel["year"] >= panel["first_treated"])]
    level = panel["unit"].map(before.groupby("unit")["rate"].mean())
    return level.fillna(panel["rate"].mean()).to_numpy(dtype=float)


def _smallest_counts(panel: pd.DataFrame, chosen: np.ndarray) -> tuple[float, float]:
    """The smallest yearly numerator and denominator summed over the chosen unit-years (for disclosure control)."""
    sums = panel[chosen].groupby("year")[["numerator", "denominator"]].sum()
    if sums.empty:
        return np.nan, np.nan
    return float(sums["numerator"].min()), float(sums["denominator"].min())


def staggered_effects(panel: pd.DataFrame, baseline_year: int, level: float = 0.95,
                      draws: int = BOOTSTRAP_DRAWS) -> tuple[Aggregate, pd.DataFrame]:
    """The heterogeneity-robust programme effect: overall, and per cohort, year since the start and area.

    The imputation estimator (:class:`~veedel_lib.analysis.staggered.Imputation`) with the area evaluation's
    model; every aggregate weights the unit-years by their denominator. Returns the overall aggregate and a table
    with one row per part: kind ("kohorte", "jahr", "gebiet"), key (entry year, years since the start of
    counting, area id), estimate, ci_low, ci_high, p_value (NaN for areas: one cluster each; their intervals come
    from the area evaluations), share (the part's share of the overall weight), observations, treated_clusters,
    count_min and denominator_min (the part's smallest yearly counts).

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel of :func:`programme_panel` (unit, year, rate, numerator, denominator, area, entry,
        first_treated, cluster).
    baseline_year : int
        The evaluation's baseline year (the pre-treatment level is the mean rate up to it).
    level : float, default 0.95
        Confidence level.
    draws : int, default BOOTSTRAP_DRAWS
        Bootstrap draws (areas get none).

    Returns
    -------
    overall : Aggregate
        The denominator-weighted effect over all treated unit-years.
    parts : pandas.DataFrame
        One row per cohort, year since the start and area, as described above.

    Examples
    --------
    Five units over 2014-2019, each with its own level and trend plus common year effects; units A and B (areas
    g1, g2) enter in 2017 and gain exactly 2 points from 2018. The model of the untreated outcome fits the other
    unit-years exactly, so every part's effect is 2:

    >>> rows = []
    >>> for i, unit in enumerate("ABCDE"):
    ...     for t, shock in zip(range(2014, 2020), [0.0, 0.5, 0.3, 0.8, 1.0, 1.1]):
    ...         treated = unit in "AB"
    ...         rate = 10 + 3 * i + 0.2 * i * (t - 2014) + shock + (2.0 if treated and t >= 2018 else 0.0)
    ...         rows.append({"unit": unit, "year": t, "rate": rate, "numerator": rate * 10, "denominator": 1000.0,
    ...                      "area": {"A": "g1", "B": "g2"}.get(unit, ""),
    ...                      "entry": 2017.0 if treated else np.nan, "first_treated": 2018.0 if treated else np.nan,
    ...                      "cluster": {"A": "gebiet:g1", "B": "gebiet:g2"}.get(unit, "stadtteil:" + unit)})
    >>> overall, parts = staggered_effects(pd.DataFrame(rows), baseline_year=2017, draws=99)
    >>> round(overall.estimate, 4), overall.observations, overall.treated_clusters
    (2.0, 4, 2)
    >>> for part in parts.itertuples():
    ...     print(part.kind, part.key, round(part.estimate, 4), part.share)
    kohorte 2017 2.0 1.0
    jahr 1 2.0 0.5
    jahr 2 2.0 0.5
    gebiet g1 2.0 0.5
    gebiet g2 2.0 0.5
    """
    first = panel["first_treated"].to_numpy(dtype=float)
    model = Imputation(panel["unit"], panel["year"], panel["rate"], panel["denominator"],
                       np.where(np.isfinite(first), first, np.inf), panel["cluster"],
                       level=_pre_level(panel, baseline_year), cells=panel["entry"].fillna(0).astype(int),
                       trends=True)
    stated = panel["denominator"].to_numpy(dtype=float)
    overall = model.aggregate(stated, level, draws)
    estimable = model.estimable
    event = (panel["year"] - panel["first_treated"] + 1).to_numpy()
    entry = panel["entry"].to_numpy()
    parts = ([("kohorte", int(k), entry == k) for k in sorted(panel.loc[estimable, "entry"].unique())]
             + [("jahr", int(k), event == k) for k in sorted(np.unique(event[estimable]))]
             + [("gebiet", a, panel["area"].to_numpy() == a) for a in sorted(panel.loc[estimable, "area"].unique())])
    rows = []
    for kind, key, chosen in parts:
        chosen = chosen & estimable
        result = model.aggregate(np.where(chosen, stated, 0.0), level, draws if kind != "gebiet" else 0)
        count_min, denominator_min = _smallest_counts(panel, chosen)
        rows.append({"kind": kind, "key": key, "estimate": result.estimate, "ci_low": result.ci_low,
                     "ci_high": result.ci_high, "p_value": result.p_value,
                     "share": result.weight / overall.weight if overall.weight else np.nan,
                     "observations": result.observations, "treated_clusters": result.treated_clusters,
                     "first_year": int(panel.loc[chosen, "year"].min()),
                     "last_year": int(panel.loc[chosen, "year"].max()),
                     "count_min": count_min, "denominator_min": denominator_min})
    return overall, pd.DataFrame(rows)


STAGGERED_COLUMNS = ["indicator", "label", "unit", "direction", "kind", "key", "estimate", "ci_low", "ci_high",
                     "p_value", "share", "observations", "treated_clusters", "first_year", "last_year", "count_min",
                     "denominator_min", "threshold", "denominator_threshold"]


def programme_evaluation(ds: Dataset, indicators: list[Indicator], baseline_year: int, year: int,
                         level: float = 0.95, draws: int = BOOTSTRAP_DRAWS
                         ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per indicator the programme's effect (robust to staggered entry), the pooled comparison and the parts.

    Returns ``effects`` (one row per indicator: indicator, label, unit, direction, status; the robust effect
    estimate, ci_low, ci_high, p_value, se, treated_clusters, draws, not_imputable (treated unit-years whose
    unit has too few untreated years to impute its expected path: they count nowhere); the pooled two-way
    fixed-effects comparison pooled_estimate, pooled_ci_low, pooled_ci_high, pooled_p_value, naive_ci_low,
    naive_ci_high, naive_p_value, clusters; the spread of the area effects spread_sd, spread_min, spread_max,
    areas_favourable; the shares of the cohorts in the overall weight (share_<entry year>); the programme's
    smallest yearly counts and their thresholds), ``areas`` (indicator, area_id, estimate (robust),
    pooled_estimate, naive_se, and the area's smallest yearly counts) and ``staggered`` (the parts per cohort,
    year since the start and area, :func:`staggered_effects`).

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicators : list of Indicator
        The indicators; ``latest_available`` ones and those without two years before and one after the baseline
        get the status "nicht auswertbar".
    baseline_year : int
        The evaluation's baseline year.
    year : int
        The last year evaluated.
    level : float, default 0.95
        Confidence level.
    draws : int, default BOOTSTRAP_DRAWS
        Bootstrap draws.

    Returns
    -------
    effects, areas, staggered : pandas.DataFrame
        The three tables described above.
    """
    rows, spreads, parts = [], [], []
    entries = unit_entries(ds, baseline_year)
    for indicator in indicators:
        panel = programme_panel(ds, indicator, baseline_year, year, entries)
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
        pooled, spread = pooled_effect(panel, baseline_year, level, draws)
        robust, table = staggered_effects(panel, baseline_year, level, draws)
        by_area = table[table["kind"] == "gebiet"].set_index("key")["estimate"]
        spread = spread.rename(columns={"estimate": "pooled_estimate"})
        spread["estimate"] = spread["area_id"].map(by_area)
        favourable = [indicator.favourable(e) for e in spread["estimate"].dropna()]
        area_sums = panel[panel["treated"]].groupby(["area", "year"])[["numerator", "denominator"]].sum()
        minima = area_sums.groupby(level="area").min()
        spread["count_min"] = spread["area_id"].map(minima["numerator"])
        spread["denominator_min"] = spread["area_id"].map(minima["denominator"])
        spread["threshold"] = row["threshold"]
        spread["denominator_threshold"] = row["denominator_threshold"]
        spreads.append(spread.assign(indicator=indicator.id, label=indicator.name, unit=indicator.unit))
        parts.append(table.assign(indicator=indicator.id, label=indicator.name, unit=indicator.unit,
                                  direction=indicator.direction, threshold=row["threshold"],
                                  denominator_threshold=row["denominator_threshold"]))
        cohorts = table[table["kind"] == "kohorte"]
        rows.append({**row, "status": "ok", "estimate": robust.estimate, "ci_low": robust.ci_low,
                     "ci_high": robust.ci_high, "p_value": robust.p_value, "se": robust.se,
                     "treated_clusters": robust.treated_clusters, "draws": robust.draws,
                     "not_imputable": int((panel["year"] >= panel["first_treated"]).sum() - robust.observations),
                     "pooled_estimate": pooled.estimate, "pooled_ci_low": pooled.ci_low,
                     "pooled_ci_high": pooled.ci_high, "pooled_p_value": pooled.p_value,
                     "naive_ci_low": pooled.naive_ci_low, "naive_ci_high": pooled.naive_ci_high,
                     "naive_p_value": pooled.naive_p_value, "clusters": pooled.clusters,
                     **{f"share_{int(c.key)}": float(c.share) for c in cohorts.itertuples()},
                     "spread_sd": float(spread["estimate"].std(ddof=1)), "spread_min": float(spread["estimate"].min()),
                     "spread_max": float(spread["estimate"].max()),
                     "areas_favourable": int(sum(f is True for f in favourable))})
    areas = pd.concat(spreads, ignore_index=True) if spreads else pd.DataFrame(
        columns=["indicator", "label", "unit", "area_id", "estimate", "pooled_estimate", "naive_se", "count_min",
                 "denominator_min", "threshold", "denominator_threshold"])
    staggered = pd.concat(parts, ignore_index=True)[STAGGERED_COLUMNS] if parts else pd.DataFrame(
        columns=STAGGERED_COLUMNS)
    return pd.DataFrame(rows), areas, staggered
