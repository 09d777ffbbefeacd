"""How stable the Sozialindex status classes are under reasonable variations of the method.

The published method (``parameters/sozialindex.yml``) stays the result; this module asks how much of that result
is a choice of the method or noise of the data. The qualifying Stadtteile are those of the published index; each
variant recomputes the status index over them from the same indicator values:

- the published method itself (so every share includes it),
- each index indicator left out once (only with at least two indicators),
- the other standardisation (population-weighted instead of unweighted, or the reverse),
- ``draws`` parametric bootstrap draws of the counts: each Stadtteil's numerator count of each indicator drawn
  binomially from its denominator and its observed share (Poisson where the count may exceed the denominator,
  e.g. rates per 1.000), the indicator value rescaled by the drawn count (fixed ``seed``, reproducible). A value
  the city published as a rate (no counts, ``rate:`` in the catalogue) is nothing to draw from: it stays as
  published in every draw (no count is made up for it).

Per Stadtteil: the share of variants (in percent) in which its status class is the published one, and the
interval of its rank (1 = most disadvantaged) over the bootstrap draws (percentiles ``rank_interval``). A
correlation table of the index indicators over the qualifying Stadtteile warns where two indicators are
correlated above ``correlation_warning`` in absolute value (they then count the same thing twice). The settings
are the ``sensitivity`` block of ``sozialindex.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from .indicators import stadtteil_groups
from .sozialindex import SensitivitySettings, Sozialindex, _values, classify, fit_reference


@dataclass
class Variant:
    """One variation of the method: id, German label and kind (published, ohne Indikator, Gewichtung, Bootstrap)."""

    id: str
    label: str
    kind: str


@dataclass
class Sensitivity:
    """The result: the variants, the class of each qualifying Stadtteil in each, the summary per Stadtteil."""

    settings: SensitivitySettings
    variants: list[Variant]
    classes: pd.DataFrame
    """Qualifying Stadtteile x variant ids: status class position."""
    table: pd.DataFrame
    """Per qualifying Stadtteil (index as in the index table): label, status_label, stable_share (percent of all
    variants with the published class), method_share (of the method variants only), bootstrap_share, rank,
    rank_low, rank_high, unstable (bool)."""
    correlations: pd.DataFrame
    """Index indicator x index indicator: Pearson correlation of the signed values over the qualifying Stadtteile."""
    warnings: list[tuple[str, str, float]]
    """Pairs of indicator ids with |r| above the threshold, with r."""

    @property
    def unstable(self) -> pd.DataFrame:
        return self.table[self.table["unstable"]]


def _status_class(values: pd.DataFrame, population: pd.Series, signs: dict[str, int], method) -> pd.Series:
    """Status class positions of the rows of ``values`` (indicator columns) under ``method``."""
    reference = fit_reference(values, signs, method, population)
    return classify(reference.score(values)["index"], method.status_classes)


def _status_index(values: pd.DataFrame, population: pd.Series, signs: dict[str, int], method) -> pd.Series:
    reference = fit_reference(values, signs, method, population)
    return reference.score(values)["index"]


def _draw_values(values: pd.DataFrame, numerators: pd.DataFrame, denominators: pd.DataFrame,
                 rng: np.random.Generator) -> pd.DataFrame:
    """One parametric bootstrap draw of the indicator values from their counts (see the module docstring)."""
    drawn = values.copy()
    for column in values.columns:
        n = numerators[column].to_numpy(dtype=float)
        d = denominators[column].to_numpy(dtype=float)
        v = values[column].to_numpy(dtype=float)
        usable = np.isfinite(n) & np.isfinite(d) & (d > 0) & np.isfinite(v)
        if not usable.any():
            continue
        scale = np.nanmedian(np.where(usable & (n > 0), v * d / np.where(n > 0, n, 1), np.nan))
        if not np.isfinite(scale):
            continue
        if np.all(n[usable] <= d[usable]):
            counts = rng.binomial(d[usable].astype(np.int64), np.clip(n[usable] / d[usable], 0, 1))
        else:
            counts = rng.poisson(n[usable])
        new = v.copy()
        new[usable] = scale * counts / d[usable]
        drawn[column] = new
    return drawn


def sozialindex_sensitivity(ds: Dataset, index: Sozialindex, settings: SensitivitySettings) -> Sensitivity:
    """Stability of the status class and rank of each qualifying Stadtteil (see the module docstring).

    Parameters
    ----------
    ds : Dataset
        The validated data the index was computed from (counts for the bootstrap, the catalogue for labels).
    index : Sozialindex
        The published index; its qualifying Stadtteile and indicator values are varied.
    settings : SensitivitySettings
        ``sensitivity`` of ``sozialindex.yml``: draws, seed, rank_interval, stable_share, correlation_warning.

    Returns
    -------
    Sensitivity
        The variants, the class of each Stadtteil in each variant, the summary per Stadtteil (shares in
        percent, ranks with 1 = most disadvantaged), the correlations and the warnings.
    """
    method = index.method
    ids = method.status_ids
    qualifying = index.qualifying
    keys = list(qualifying.index)
    values = pd.DataFrame({i: qualifying[f"value_{i}"] for i in ids}, index=keys)
    population = qualifying["population"].astype(float)
    signs = method.signs(ds.catalogue)
    published = qualifying["status_class"].astype("Int64")

    variants = [Variant("published", "veröffentlichtes Verfahren", "Verfahren")]
    classes = {"published": _status_class(values, population, signs, method)}
    if len(ids) > 1:
        for left_out in ids:
            kept = [e for e in method.indicators if e.id != left_out]
            changed = method.model_copy(update={"indicators": kept})
            name = ds.catalogue.indicator(left_out).name
            variants.append(Variant(f"ohne_{left_out}", f"ohne {name}", "Verfahren"))
            classes[f"ohne_{left_out}"] = _status_class(values[[e.id for e in kept]], population, signs, changed)
    other = "none" if method.weighting == "population" else "population"
    variants.append(Variant(f"weighting_{other}", "gewichtet nach Einwohner*innen" if other == "population"
                            else "ungewichtet", "Verfahren"))
    classes[f"weighting_{other}"] = _status_class(values, population, signs,
                                                  method.model_copy(update={"weighting": other}))

    groups = {k: v for k, v in stadtteil_groups(ds, index.year).items() if k in set(keys)}
    _, numerators = _values(ds, index.year, groups, ids)
    _, denominators = _values(ds, index.year, groups, ids, "denominator")
    numerators, denominators = numerators.reindex(keys), denominators.reindex(keys)
    rng = np.random.default_rng(settings.seed)
    ranks = []
    for b in range(settings.draws):
        drawn = _draw_values(values, numerators, denominators, rng)
        status = _status_index(drawn, population, signs, method)
        variants.append(Variant(f"bootstrap_{b + 1}", f"Ziehung {b + 1}", "Bootstrap"))
        classes[f"bootstrap_{b + 1}"] = classify(status, method.status_classes)
        ranks.append(status.rank(ascending=False, method="min"))
    frame = pd.DataFrame(classes, index=keys)
    same = frame.eq(published, axis=0)
    method_ids = [v.id for v in variants if v.kind == "Verfahren"]
    boot_ids = [v.id for v in variants if v.kind == "Bootstrap"]
    table = pd.DataFrame({"label": qualifying["label"], "status_label": qualifying["status_label"]}, index=keys)
    table["stable_share"] = 100 * same.mean(axis=1)
    table["method_share"] = 100 * same[method_ids].mean(axis=1)
    table["bootstrap_share"] = 100 * same[boot_ids].mean(axis=1) if boot_ids else np.nan
    table["rank"] = qualifying["status_index"].rank(ascending=False, method="min").astype(int)
    if ranks:
        rank_frame = pd.concat(ranks, axis=1)
        low, high = settings.rank_interval
        table["rank_low"] = np.floor(rank_frame.quantile(low / 100, axis=1)).astype(int)
        table["rank_high"] = np.ceil(rank_frame.quantile(high / 100, axis=1)).astype(int)
    else:
        table["rank_low"] = table["rank_high"] = table["rank"]
    table["unstable"] = table["stable_share"] < settings.stable_share
    signed = values * pd.Series(signs)[ids]
    correlations = signed.corr()
    warnings = [(a, b, float(correlations.at[a, b])) for i, a in enumerate(ids) for b in ids[i + 1:]
                if abs(correlations.at[a, b]) > settings.correlation_warning]
    return Sensitivity(settings, variants, frame, table, correlations, warnings)
