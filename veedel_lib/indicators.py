"""The indicator engine: sum counts over units into areas and the city, then compute rates.

The rule that matters: counts are aggregated first (unit -> Stadtteil / Sozialraumgebiet -> city) and
only then divided. A rate is never averaged over units or areas, because units differ in size. A sum is
only as good as its parts: if any unit's count is missing or suppressed at source, the group's sum is
unknown (NaN) rather than silently too small.

Confidence intervals treat the counts as the outcome of a random process (the usual "superpopulation"
reading of full counts): Wilson intervals for shares, exact Poisson intervals for rates that are not
shares (moves per 1,000 residents), both from statsmodels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from .catalogue import Indicator
from .dataset import Dataset

CITY = "gesamtstadt"
CITY_LABEL = "Gesamtstadt"


def unit_matrix(ds: Dataset, year: int) -> pd.DataFrame:
    """Counts of one year as a units x variables table (NaN where missing or suppressed at source)."""
    cache = ds.cache.setdefault("unit_matrix", {})
    if year not in cache:
        rows = ds.statistics[ds.statistics["year"] == year]
        wide = rows.pivot(index="unit", columns="variable", values="count")
        cache[year] = wide.reindex(index=ds.units["unit_id"], columns=ds.catalogue.variable_ids)
    return cache[year]


def area_groups(ds: Dataset, area_ids: Iterable[str] | None = None, city: bool = True) -> dict[str, list[str]]:
    """Units per Sozialraumgebiet (all areas by default), plus the whole city under :data:`CITY`."""
    ids = list(area_ids) if area_ids is not None else ds.areas.ids
    groups = {ds.areas.get(a).id: ds.membership.units_of(ds.areas.get(a).id) for a in ids}
    if city:
        groups[CITY] = list(ds.units["unit_id"])
    return groups


def programme_group(ds: Dataset) -> list[str]:
    """All units in any of the areas (the programme as a whole)."""
    return ds.membership.all_units()


def stadtteil_groups(ds: Dataset) -> dict[str, list[str]]:
    """Units per Stadtteil, keyed by the official number as text ("101")."""
    return {str(nr): list(group["unit_id"]) for nr, group in ds.units.groupby("stadtteil_nr")}


def aggregate(ds: Dataset, year: int, groups: Mapping[str, list[str]],
              variables: list[str] | None = None) -> pd.DataFrame:
    """Summed counts per group for one year (groups x variables).

    A group's sum is NaN when any of its units lacks the count (missing or suppressed at source).
    """
    matrix = unit_matrix(ds, year)
    if variables is not None:
        matrix = matrix[variables]
    values = matrix.to_numpy(dtype=float)
    position = {unit: i for i, unit in enumerate(matrix.index)}
    membership = np.zeros((len(groups), len(position)))
    for g, members in enumerate(groups.values()):
        membership[g, [position[u] for u in members]] = 1.0
    unknown = membership @ np.isnan(values).astype(float) > 0
    sums = membership @ np.nan_to_num(values, nan=0.0)
    sums[unknown] = np.nan
    empty = membership.sum(axis=1) == 0
    sums[empty, :] = np.nan
    return pd.DataFrame(sums, index=pd.Index(list(groups), name="group"), columns=matrix.columns)


def data_year(ds: Dataset, indicator: Indicator, year: int) -> int | None:
    """The year whose counts an indicator uses for report year ``year``.

    Usually ``year`` itself; for ``latest_available`` indicators (elections) the latest year up to
    ``year`` with data for all its variables. None when there are no data at all.
    """
    variables = set(indicator.numerator + indicator.denominator)
    cache = ds.cache.setdefault("years_with", {})
    key = tuple(sorted(variables))
    if key not in cache:
        present = ds.statistics[ds.statistics["variable"].isin(variables)]
        complete = present.groupby("year")["variable"].nunique()
        cache[key] = sorted(int(y) for y in complete[complete == len(variables)].index)
    years = cache[key]
    if not indicator.latest_available:
        return year if year in years else None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else None


def confidence_interval(numerator: np.ndarray, denominator: np.ndarray, bounded: bool,
                        level: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval for numerator/denominator as a proportion: Wilson for shares, exact Poisson otherwise."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    low = np.full(numerator.shape, np.nan)
    high = np.full(numerator.shape, np.nan)
    ok = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    if ok.any():
        if bounded:
            lo, hi = proportion_confint(numerator[ok], denominator[ok], alpha=1 - level, method="wilson")
        else:
            lo, hi = confint_poisson(numerator[ok], denominator[ok], method="exact-c", alpha=1 - level)
        low[ok], high[ok] = lo, hi
    return low, high


def indicator_values(ds: Dataset, year: int, groups: Mapping[str, list[str]],
                     indicators: Iterable[Indicator] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Rates with confidence intervals per group and indicator for one report year (long table).

    Columns: group, indicator, year, data_year, numerator, denominator, value (in the indicator's unit,
    % or per mille), ci_low, ci_high. Rows with no data have NaN values.
    """
    frames = []
    for indicator in indicators if indicators is not None else ds.catalogue.indicators:
        used_year = data_year(ds, indicator, year)
        if used_year is None:
            numerator = denominator = np.full(len(groups), np.nan)
        else:
            counts = aggregate(ds, used_year, groups, indicator.numerator + indicator.denominator)
            numerator = counts[indicator.numerator].sum(axis=1, min_count=len(indicator.numerator)).to_numpy()
            denominator = counts[indicator.denominator].sum(axis=1,
                                                            min_count=len(indicator.denominator)).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(denominator > 0, numerator / denominator, np.nan)
        low, high = confidence_interval(numerator, denominator, indicator.bounded, level)
        frames.append(pd.DataFrame({
            "group": list(groups),
            "indicator": indicator.id,
            "year": year,
            "data_year": used_year if used_year is not None else pd.NA,
            "numerator": numerator,
            "denominator": denominator,
            "value": value * indicator.scale,
            "ci_low": low * indicator.scale,
            "ci_high": high * indicator.scale,
        }))
    return pd.concat(frames, ignore_index=True)


def indicator_series(ds: Dataset, groups: Mapping[str, list[str]], indicators: Iterable[Indicator] | None = None,
                     years: Iterable[int] | None = None, level: float = 0.95) -> pd.DataFrame:
    """:func:`indicator_values` for several years stacked (for trend figures and models)."""
    selected = list(indicators) if indicators is not None else ds.catalogue.indicators
    frames = [indicator_values(ds, y, groups, selected, level) for y in (years or ds.years)]
    series = pd.concat(frames, ignore_index=True)
    # latest_available indicators repeat the last election in later years; a series shows real data years only
    repeated = series["data_year"].notna() & (series["data_year"] != series["year"])
    return series[~repeated].reset_index(drop=True)
