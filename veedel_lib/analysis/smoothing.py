"""Empirical-Bayes smoothing of rates of small units (Stadtteile, statistical units) for maps and position charts.

The rate of a unit with few residents jumps from year to year: 3 instead of 6 cases halve it. Maps and position
charts therefore show, for units whose denominator is below ``min_denominator``, a rate pulled towards the rate
of their surroundings (the city, or their Bezirk = the top level of ``raumbezug.yml``) as far as their own counts
are uncertain; the data tables keep the raw rate. Area rates (counts first, Sozialraumgebiete) are never smoothed.

Method (gamma-Poisson, method of moments = Marshall's global/local estimator): per prior group the pooled rate
``m = sum(n) / sum(d)`` and the between-unit variance of the true rates
``A = max(0, sum(d (r - m)^2) / sum(d) - m / mean(d))``. A unit's true rate has the prior Gamma(shape m²/A,
rate m/A); with n cases on denominator d its posterior is Gamma(m²/A + n, m/A + d): the smoothed rate is its mean
``(m²/A + n) / (m/A + d)`` = a weighted mean of the raw rate and m with weight ``A / (A + m / d)`` on the raw rate,
and the interval its ``level`` quantiles. Where A = 0 (no variation beyond chance) the smoothed rate is m.

Reliability: the coefficient of variation of the raw rate, ``1 / sqrt(n)`` for a Poisson count (infinite for
n = 0); above ``cv_threshold`` the raw rate is flagged unreliable (hatched or noted). The settings are
``analysis.smoothing`` of ``run.yml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.run_config import SmoothingSettings
from .indicators import indicator_values, stadtteil_groups


def smooth_rates(frame: pd.DataFrame, *, scale: float, min_denominator: float, cv_threshold: float,
                 level: float = 0.95, prior: str = "city") -> pd.DataFrame:
    """Empirical-Bayes rates of the rows of ``frame`` (one per unit and indicator).

    ``frame`` has ``numerator`` and ``denominator`` (counts), ``value`` (the raw rate, ``scale`` times
    numerator/denominator: 100 for percent, 1000 per mille), ``indicator`` and, with ``prior="bezirk"``, a column
    ``prior_group`` (the unit's Bezirk). Returns a copy with smoothed_value, smoothed_low, smoothed_high (in the
    unit of ``value``), prior_value (m), weight (on the raw rate), cv, unreliable, small (denominator below
    ``min_denominator``), smoothed (the shown value is the smoothed one) and shown_value (smoothed for small units,
    else raw). Rows without counts keep NaN.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit and indicator with the columns named above.
    scale : float
        Factor from a proportion to the unit of ``value`` (100 or 1000).
    min_denominator : float
        Units with a smaller denominator show the smoothed rate.
    cv_threshold : float
        Units whose raw rate has a larger coefficient of variation are flagged unreliable.
    level : float, default 0.95
        Probability of the posterior interval (smoothed_low, smoothed_high).
    prior : {"city", "bezirk"}, default "city"
        The group whose pooled rate is the prior mean.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the added columns.

    Examples
    --------
    Two units of 100 residents with 2 and 8 cases: m = 10/200 = 0.05, raw rates 0.02 and 0.08,
    A = (100 * 0.03² * 2) / 200 - 0.05 / 100 = 0.0009 - 0.0005 = 0.0004, weight A / (A + m/d) = 4/9, so the
    smoothed rates are 5 % ∓ 4/9 * 3 points = 3.6667 % and 6.3333 %; cv = 1/sqrt(2) and 1/sqrt(8):

    >>> frame = pd.DataFrame({"indicator": "quote", "numerator": [2.0, 8.0, np.nan],
    ...                       "denominator": [100.0, 100.0, 50.0], "value": [2.0, 8.0, np.nan]})
    >>> out = smooth_rates(frame, scale=100, min_denominator=150, cv_threshold=0.5)
    >>> out[["smoothed_value", "prior_value", "weight", "cv"]].round(4).values.tolist()
    [[3.6667, 5.0, 0.4444, 0.7071], [6.3333, 5.0, 0.4444, 0.3536], [nan, nan, nan, nan]]
    >>> out["unreliable"].tolist(), out["smoothed"].tolist()
    ([True, False, False], [True, True, False])

    The first unit's posterior is Gamma(m²/A + 2, m/A + 100) = Gamma(8.25, 225): mean 8.25 / 225 = 3.6667 %, and
    its 2.5 % and 97.5 % quantiles bound the interval:

    >>> from scipy.stats import gamma
    >>> [round(float(100 * gamma.ppf(q, 8.25, scale=1 / 225)), 4) for q in (0.025, 0.975)]
    [1.6077, 6.5599]
    >>> out.loc[0, ["smoothed_low", "smoothed_high"]].astype(float).round(4).tolist()
    [1.6077, 6.5599]
    """
    out = frame.copy()
    for column in ("smoothed_value", "smoothed_low", "smoothed_high", "prior_value", "weight", "cv"):
        out[column] = np.nan
    keys = ["indicator"] + (["prior_group"] if prior == "bezirk" else [])
    alpha = (1 - level) / 2
    for _, rows in out.groupby(keys, sort=False, dropna=False):
        n = rows["numerator"].to_numpy(dtype=float)
        d = rows["denominator"].to_numpy(dtype=float)
        usable = np.isfinite(n) & np.isfinite(d) & (d > 0)
        if not usable.any() or n[usable].sum() <= 0:
            continue
        nu, du = n[usable], d[usable]
        m = nu.sum() / du.sum()
        raw = nu / du
        between = max(0.0, float(np.sum(du * (raw - m) ** 2) / du.sum() - m / du.mean()))
        if between > 0:
            shape, rate = m * m / between, m / between
            post_shape, post_rate = shape + nu, rate + du
            mean = post_shape / post_rate
            # quantiles of the gamma posterior (scipy.stats' gamma.ppf computes the same, after a second of import;
            # scipy.special itself is imported only here: a run that takes every report over never needs it)
            from scipy.special import gammaincinv

            low = gammaincinv(post_shape, alpha) / post_rate
            high = gammaincinv(post_shape, 1 - alpha) / post_rate
            weight = between / (between + m / du)
        else:
            mean = low = high = np.full(len(nu), m)
            weight = np.zeros(len(nu))
        index = rows.index[usable]
        out.loc[index, "smoothed_value"] = scale * mean
        out.loc[index, "smoothed_low"] = scale * low
        out.loc[index, "smoothed_high"] = scale * high
        out.loc[index, "prior_value"] = scale * m
        out.loc[index, "weight"] = weight
    n = out["numerator"].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        out["cv"] = np.where(np.isfinite(n), np.where(n > 0, 1 / np.sqrt(np.maximum(n, 1e-300)), np.inf), np.nan)
    out["unreliable"] = out["cv"] > cv_threshold
    out["small"] = out["denominator"].to_numpy(dtype=float) < min_denominator
    out["smoothed"] = out["small"] & out["smoothed_value"].notna()
    out["shown_value"] = np.where(out["smoothed"], out["smoothed_value"], out["value"])
    return out


def smoothed_stadtteil_values(ds: Dataset, year: int, indicators, settings: SmoothingSettings,
                              level: float = 0.95) -> pd.DataFrame:
    """:func:`~veedel_lib.analysis.indicators.indicator_values` per Stadtteil (lowest level of the reference) for
    ``year`` with the columns of :func:`smooth_rates`, the prior being the city or each Stadtteil's Bezirk.

    Parameters
    ----------
    ds : Dataset
        The validated data with its spatial reference.
    year : int
        The report year.
    indicators : iterable of Indicator
        The indicators to smooth (each with its own prior).
    settings : SmoothingSettings
        ``analysis.smoothing`` of ``run.yml`` (min_denominator, cv_threshold, prior).
    level : float, default 0.95
        Confidence level of the raw and the smoothed intervals.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`~veedel_lib.analysis.indicators.indicator_values` with ``prior_group`` and the
        columns of :func:`smooth_rates`.
    """
    indicators = list(indicators)  # read twice below: a generator would be used up by the first reading
    values = indicator_values(ds, year, stadtteil_groups(ds, year), indicators, level)
    values["prior_group"] = [ds.spatial.district_of(g) for g in values["group"]]
    parts = []
    for indicator in indicators:
        rows = values[values["indicator"] == indicator.id]
        parts.append(smooth_rates(rows, scale=indicator.scale, min_denominator=settings.min_denominator,
                                  cv_threshold=settings.cv_threshold, level=level, prior=settings.prior))
    return pd.concat(parts) if parts else values
