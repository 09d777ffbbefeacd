"""A second comparison for one area: the synthetic control (Abadie, Diamond and Hainmueller 2010).

The difference in differences of :mod:`veedel_lib.analysis.evaluation` compares an area with the rest of the
city as a whole. The synthetic control builds the comparison instead from a weighted mix of Stadtteile outside
the programme (the donors): weights that are not negative and sum to one, chosen so that the mix follows the
area's rate year by year up to the baseline as closely as possible. After the baseline the mix shows what the
area's rate would have been had it kept following its donors; the gap between the area and its mix is the effect
path (in the indicator's unit points).

- **Donors:** the Stadtteile none of whose statistical units belongs to a programme area (the programme acts
  in those, and an effect there would leak into the comparison), each with the pooled rate of its units, and
  with a count in every year of the panel.
- **Fit:** the weights minimise the sum of squared gaps over the years up to the baseline (each year's rate is
  one predictor, all weighted alike: the outcome-path synthetic control), after the mean of those years is
  taken out of every path (demeaned synthetic control, Ferman and Pinto 2021): the programme areas have the
  city's highest rates, beyond any mix of other Stadtteile, so the mix follows the area's path, not its level.
  The pre-period fit is the root mean squared prediction error (RMSPE) of those years.
- **Inference (placebo in space):** each donor in turn is treated as if it had been in the programme, with the
  other donors as its pool; the ratio of post- to pre-period RMSPE of the area is ranked among the donors'
  ratios. The permutation p-value is the share of all units (area and donors) whose ratio is at least the
  area's (Abadie et al. 2010, section 3.2).

The weights solve a small quadratic programme (non-negative least squares with the sum-to-one constraint
added as a heavily weighted row, then solved exactly on the donors it uses): the same problem as
``pysyncon``'s ``Synth.w_optimize`` (SLSQP) with the identity as V, some 100 times faster, which makes the
placebo loop over all donors of every indicator cheap. On pysyncon's Basque example (its own V) the weights
agree within 2.3e-6 and the gap path within 2.6e-6; ``tests/test_synthetic_control.py`` compares the solvers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator
from .evaluation import unit_counts

SUM_PENALTY = 1e4
"""Weight of the sum-to-one row, relative to the scale of the predictors (makes the sum exact to ~1e-8)."""


def synthetic_weights(donors: np.ndarray, treated: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """Donor weights (non-negative, summing to one) minimising sum_k v_k (treated_k - donors_k . w)^2.

    ``donors``: predictors x donors, ``treated``: predictors, ``v``: weight of each predictor (default: all 1).
    Non-negative least squares on the system with the constraint as an extra, heavily weighted row, then the
    exact solution on the donors it uses (:func:`_exact_on_support`).

    Parameters
    ----------
    donors : array_like
        Predictors x donors.
    treated : array_like
        The treated unit's predictors.
    v : array_like, optional
        Weight of each predictor; all 1 when None.

    Returns
    -------
    numpy.ndarray
        One weight per donor, non-negative, summing to 1.

    Examples
    --------
    A treated path that is exactly a quarter of the first donor and three quarters of the second:

    >>> donors = np.array([[1.0, 5.0, 10.0], [2.0, 3.0, 0.0], [3.0, 6.0, 1.0], [4.0, 2.0, 7.0]])
    >>> synthetic_weights(donors, donors @ [0.25, 0.75, 0.0]).round(4).tolist()
    [0.25, 0.75, 0.0]
    """
    from scipy.optimize import nnls

    donors = np.asarray(donors, dtype=float)
    treated = np.asarray(treated, dtype=float)
    root = np.sqrt(np.ones(len(treated)) if v is None else np.asarray(v, dtype=float))
    a, b = donors * root[:, None], treated * root
    scale = max(float(np.abs(a).max()), 1e-12)
    penalty = SUM_PENALTY * scale
    system = np.vstack([a, np.full((1, a.shape[1]), penalty)])
    start, _ = nnls(system, np.append(b, penalty), maxiter=50 * a.shape[1])
    start = start / start.sum() if start.sum() > 0 else np.full(a.shape[1], 1 / a.shape[1])
    return _exact_on_support(a, b, start)


def _exact_on_support(a: np.ndarray, b: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The exact constrained least-squares weights on the donors that ``start`` uses (the KKT system of
    min |a w - b|^2 s.t. sum w = 1 on that support), when they stay non-negative; else ``start``. Removes the
    small bias the penalty row leaves, without a general-purpose optimiser (SLSQP took 36 ms per fit)."""
    support = np.flatnonzero(start > 1e-12)
    if not len(support):
        return start
    sub = a[:, support]
    size = len(support)
    system = np.zeros((size + 1, size + 1))
    system[:size, :size] = sub.T @ sub
    system[:size, size] = system[size, :size] = 1.0
    right = np.append(sub.T @ b, 1.0)
    try:
        solution = np.linalg.solve(system, right)[:size]
    except np.linalg.LinAlgError:
        return start
    if (solution < -1e-12).any():
        return start
    weights = np.zeros_like(start)
    weights[support] = np.clip(solution, 0.0, None)
    return weights / weights.sum()


@dataclass(frozen=True)
class SyntheticControl:
    """The synthetic control of one area and indicator (rates and gaps in the indicator's unit points).

    ``path``: per year the area's rate (``actual``), its synthetic control's (``synthetic``) and the gap;
    ``weights``: donor name -> weight, largest first (only weights above 0,001); ``rmspe_pre``/``rmspe_post``:
    root mean squared gap up to / after the baseline; ``effect``: mean gap after the baseline; ``p_value``:
    placebo-in-space permutation p-value of the RMSPE ratio; ``rank``: the area's rank among ``placebos`` + 1
    units (1 = largest ratio); ``donors``: donors in the pool.
    """

    path: pd.DataFrame
    weights: pd.Series
    rmspe_pre: float
    rmspe_post: float
    effect: float
    p_value: float
    rank: int
    placebos: int
    donors: int


def _rmspe(gaps: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(gaps)))) if len(gaps) else np.nan


def _fit(donors: np.ndarray, target: np.ndarray, pre: np.ndarray, demean: bool) -> tuple[np.ndarray, np.ndarray]:
    """Weights and the synthetic path of ``target`` from ``donors`` (years x donors), fitted on the years ``pre``;
    with ``demean`` the paths' means up to the baseline are taken out first and the level difference added
    back (the demeaned synthetic control of Ferman and Pinto 2021: an area with the city's highest rates
    lies outside every mix of other Stadtteile, but its path can still follow one)."""
    shift_donors = donors[pre].mean(axis=0) if demean else np.zeros(donors.shape[1])
    shift_target = target[pre].mean() if demean else 0.0
    weights = synthetic_weights(donors[pre] - shift_donors, target[pre] - shift_target)
    return weights, (donors - shift_donors) @ weights + shift_target


def fit_synthetic_control(rates: pd.DataFrame, treated: str, baseline_year: int, placebo: bool = True,
                          demean: bool = True) -> SyntheticControl:
    """The synthetic control of column ``treated`` of ``rates`` (years x units, no gaps) from the other columns,
    fitted on the years up to ``baseline_year`` (demeaned, see :func:`_fit`), with placebo-in-space inference
    over the donors.

    Parameters
    ----------
    rates : pandas.DataFrame
        Rates (in the indicator's unit), index years, one column per unit, no gaps.
    treated : str
        The column of the area.
    baseline_year : int
        The last year of the fit; the later years are the effect's.
    placebo : bool, default True
        Whether to fit every donor against the others for the permutation p-value.
    demean : bool, default True
        Whether to take out the paths' means up to the baseline first (level differences allowed).

    Returns
    -------
    SyntheticControl

    Examples
    --------
    The area follows the mean of Nord and Ost 3 points higher up to 2017, then 2 points above that: demeaned, the
    weights are 0.5 and 0.5, the effect 2. The area's ratio of RMSPE after to before is the largest of the four
    units, so the p-value is 1 / (3 placebos + 1):

    >>> rates = pd.DataFrame({"Nord": [10, 12, 11, 13, 12, 14, 13, 15.0], "Ost": [20, 19, 22, 21, 23, 22, 24, 23.0],
    ...                       "Sued": [15, 15, 16, 18, 17, 19, 18, 18.0]}, index=range(2012, 2020))
    >>> rates["Gebiet"] = (rates["Nord"] + rates["Ost"]) / 2 + 3 + np.where(rates.index > 2017, 2.0, 0.0)
    >>> control = fit_synthetic_control(rates, "Gebiet", baseline_year=2017)
    >>> control.weights.round(4).to_dict(), round(control.effect, 4), control.rank, control.p_value
    ({'Nord': 0.5, 'Ost': 0.5}, 2.0, 1, 0.25)
    >>> control.path["gap"].round(4).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0]
    """
    years = rates.index.to_numpy()
    pre = years <= baseline_year
    donor_names = [c for c in rates.columns if c != treated]
    matrix = rates[donor_names].to_numpy(dtype=float)
    target = rates[treated].to_numpy(dtype=float)
    weights, synthetic = _fit(matrix, target, pre, demean)
    gaps = target - synthetic
    pre_fit, post_fit = _rmspe(gaps[pre]), _rmspe(gaps[~pre])
    ratio = post_fit / pre_fit if pre_fit > 0 else np.inf
    ratios = []
    if placebo:
        for i in range(len(donor_names)):
            others = np.delete(matrix, i, axis=1)
            g = matrix[:, i] - _fit(others, matrix[:, i], pre, demean)[1]
            p_pre, p_post = _rmspe(g[pre]), _rmspe(g[~pre])
            ratios.append(p_post / p_pre if p_pre > 0 else np.inf)
    ratios = np.asarray(ratios)
    rank = int(np.sum(ratios >= ratio) + 1)
    p_value = rank / (len(ratios) + 1) if len(ratios) else np.nan
    shown = pd.Series(weights, index=donor_names)
    shown = shown[shown > 1e-3].sort_values(ascending=False)
    path = pd.DataFrame({"year": years, "actual": target, "synthetic": synthetic, "gap": gaps})
    return SyntheticControl(path, shown, pre_fit, post_fit, float(np.mean(gaps[~pre])) if (~pre).any() else np.nan,
                            float(p_value), rank, len(ratios), len(donor_names))


def stadtteil_rates(ds: Dataset, indicator: Indicator, area_id: str, last_year: int | None = None
                    ) -> tuple[pd.DataFrame, str, list[str]]:
    """Pooled rates per year (in the indicator's unit) of the area and of every donor Stadtteil: (years x
    [area, donors...], the area's column name, donors left out because a year lacks a count).

    Donors are the Stadtteile with no unit in any programme area; their column names are the Stadtteil names.
    Years are those in which the area has a count; a donor without a count in one of them is left out (and
    named in the third value), so that every donor has the whole path.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicator : Indicator
        The indicator.
    area_id : str
        The area.
    last_year : int, optional
        The last year; all when None.

    Returns
    -------
    rates : pandas.DataFrame
        Years x [area, donors...]; empty when the area has no count.
    name : str
        The area's column name.
    left_out : list of str
        Donors without a count in one of the years.
    """
    frame = unit_counts(ds, indicator, last_year)
    units = ds.units.set_index("unit_id")
    programme = set(ds.membership.table["unit_id"])
    area_units = set(ds.unit_ids(area_id))
    area_name = ds.areas.get(area_id).name
    frame["stadtteil"] = frame["unit"].map(units["stadtteil_name"])
    in_programme = frame["unit"].map(units["stadtteil_nr"]).isin(
        units.loc[units.index.isin(programme), "stadtteil_nr"])
    frame["group"] = np.where(frame["unit"].isin(area_units), area_name,
                              np.where(in_programme, None, frame["stadtteil"]))
    frame = frame.dropna(subset=["group"])
    sums = frame.groupby(["year", "group"])[["numerator", "denominator"]].sum()
    wide = (sums["numerator"] / sums["denominator"] * indicator.scale).unstack("group")
    if area_name not in wide:
        return pd.DataFrame(), area_name, []
    wide = wide[wide[area_name].notna()]
    incomplete = [c for c in wide.columns if c != area_name and wide[c].isna().any()]
    return wide.drop(columns=incomplete), area_name, incomplete


def area_synthetic_control(ds: Dataset, indicator: Indicator, area_id: str, baseline_year: int,
                           last_year: int | None = None) -> SyntheticControl | None:
    """:func:`fit_synthetic_control` of the area against the donor Stadtteile, computed once per dataset;
    None when there are fewer than two years up to the baseline, none after it, or fewer than five donors.

    Parameters
    ----------
    ds : Dataset
        The validated data (its cache keeps the result).
    indicator : Indicator
        The indicator.
    area_id : str
        The area.
    baseline_year : int
        The last year of the fit.
    last_year : int, optional
        The last year; all when None.

    Returns
    -------
    SyntheticControl or None
    """
    key = (indicator.id, area_id, baseline_year, last_year)
    store = ds.cache.setdefault("synthetic_controls", {})
    if key not in store:
        rates, name, _ = stadtteil_rates(ds, indicator, area_id, last_year)
        years = rates.index.to_numpy() if len(rates) else np.array([])
        usable = (rates.shape[1] >= 6 and (years <= baseline_year).sum() >= 2 and (years > baseline_year).any())
        store[key] = fit_synthetic_control(rates, name, baseline_year) if usable else None
    return store[key]
