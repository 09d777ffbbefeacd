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

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator

CITY = "gesamtstadt"
REST = "uebrige_stadt"
"""Group name of the rest of the city: the whole city without the units of the group it is compared with."""


def _cube(ds: Dataset) -> tuple[np.ndarray, dict[int, int], dict[str, int]]:
    """All counts as one array years x units x variables (NaN where missing or suppressed), built once."""
    if "cube" not in ds.cache:
        years = ds.years
        variables = ds.catalogue.variable_ids
        cube = np.full((len(years), len(ds.units), len(variables)), np.nan)
        stats = ds.statistics
        y = pd.Index(years).get_indexer(stats["year"])
        u = pd.Index(ds.units["unit_id"]).get_indexer(stats["unit"])
        v = pd.Index(variables).get_indexer(stats["variable"])
        cube[y, u, v] = stats["count"].to_numpy(dtype=float)
        ds.cache["cube"] = (cube, {year: i for i, year in enumerate(years)},
                            {variable: i for i, variable in enumerate(variables)})
    return ds.cache["cube"]


def _membership(ds: Dataset, groups: Mapping[str, list[str]]) -> np.ndarray:
    """0/1 matrix groups x units (cached per grouping)."""
    key = tuple((name, tuple(members)) for name, members in groups.items())
    cache = ds.cache.setdefault("membership", {})
    if key not in cache:
        position = {unit: i for i, unit in enumerate(ds.units["unit_id"])}
        matrix = np.zeros((len(groups), len(position)))
        for g, members in enumerate(groups.values()):
            matrix[g, [position[u] for u in members]] = 1.0
        cache[key] = matrix
    return cache[key]


def aggregate_years(ds: Dataset, years: list[int], groups: Mapping[str, list[str]],
                    variables: list[str]) -> np.ndarray:
    """Summed counts as an array years x groups x variables.

    A sum is NaN when any unit of the group lacks the count (missing or suppressed at source) or when
    the year is not in the data.

    Parameters
    ----------
    ds : Dataset
        The validated data (counts per unit, variable and year).
    years : list of int
        Report years, in the order of the result's first axis; years without data give NaN.
    groups : mapping of str to list of str
        Group name to the unit ids summed into it.
    variables : list of str
        Variable ids (counts) of the catalogue; unknown ones give NaN.

    Returns
    -------
    numpy.ndarray
        Counts, shape ``(len(years), len(groups), len(variables))``.

    Examples
    --------
    A stand-in with the tables the sum needs: three units, unit b's count of 2021 suppressed at source.

    >>> from types import SimpleNamespace
    >>> statistics = pd.DataFrame({"unit": ["a", "b", "c"] * 2, "year": [2020] * 3 + [2021] * 3,
    ...                            "variable": "sgb2", "count": [10, 20, 5, 12, None, 6]})
    >>> ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["a", "b", "c"]}), statistics=statistics,
    ...                      years=[2020, 2021], catalogue=SimpleNamespace(variable_ids=["sgb2"]), cache={})
    >>> aggregate_years(ds, [2020, 2021, 2022], {"nord": ["a", "b"]}, ["sgb2"])[:, 0, 0].tolist()
    [30.0, nan, nan]
    """
    cube, year_index, variable_index = _cube(ds)
    membership = _membership(ds, groups)
    result = np.full((len(years), len(groups), len(variables)), np.nan)
    present = [i for i, y in enumerate(years) if y in year_index]
    if not present:
        return result
    known = [i for i, v in enumerate(variables) if v in variable_index]
    block = cube[np.ix_([year_index[years[i]] for i in present], np.arange(cube.shape[1]),
                        [variable_index[variables[i]] for i in known])]
    sums = np.einsum("gu,yuv->ygv", membership, np.nan_to_num(block, nan=0.0))
    unknown = np.einsum("gu,yuv->ygv", membership, np.isnan(block).astype(float)) > 0
    sums[unknown] = np.nan
    sums[:, membership.sum(axis=1) == 0, :] = np.nan
    result[np.ix_(present, np.arange(len(groups)), known)] = sums
    return result


def area_groups(ds: Dataset, area_ids: Iterable[str] | None = None, city: bool = True) -> dict[str, list[str]]:
    """Units per Sozialraumgebiet (all areas by default), plus the whole city under :data:`CITY`.

    Parameters
    ----------
    ds : Dataset
        The validated data with its area definitions.
    area_ids : iterable of str, optional
        Area ids or names (anything ``ds.areas.get`` resolves); all areas when None.
    city : bool, default True
        Whether to add the whole city as the group :data:`CITY`.

    Returns
    -------
    dict of str to list of str
        Area id (and :data:`CITY`) to its unit ids, in the order of ``area_ids``.
    """
    ids = list(area_ids) if area_ids is not None else ds.areas.ids
    groups = {ds.areas.get(a).id: ds.membership.units_of(ds.areas.get(a).id) for a in ids}
    if city:
        groups[CITY] = list(ds.units["unit_id"])
    return groups


def programme_group(ds: Dataset) -> list[str]:
    """All units in any of the areas (the programme as a whole).

    Parameters
    ----------
    ds : Dataset
        The validated data with its area membership.

    Returns
    -------
    list of str
        Unit ids that belong to at least one area, each once.
    """
    return ds.membership.all_units()


def rest_of(ds: Dataset, members: Iterable[str]) -> list[str]:
    """The units of the city that are not in ``members`` (the rest of the city for a comparison).

    Parameters
    ----------
    ds : Dataset
        The validated data; only its unit table (column ``unit_id``) is used.
    members : iterable of str
        Unit ids of the group compared with the rest of the city.

    Returns
    -------
    list of str
        The other unit ids, in the order of ``ds.units``.

    Examples
    --------
    A stand-in with just the unit table is enough:

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["a", "b", "c", "d"]}))
    >>> rest_of(ds, ["b", "d"])
    ['a', 'c']
    """
    excluded = set(members)
    return [u for u in ds.units["unit_id"] if u not in excluded]


def stadtteil_groups(ds: Dataset, year: int | None = None) -> dict[str, list[str]]:
    """Units per unit of the lowest level of the reference (Cologne: Stadtteil), keyed by its key as text ("101"),
    in the order of the reference; with ``year`` only the units that exist in that year (``valid_from``/``valid_to``
    of ``raumbezug.yml``).

    Parameters
    ----------
    ds : Dataset
        The validated data with its spatial reference.
    year : int, optional
        Keep only Stadtteile valid in this year; all when None.

    Returns
    -------
    dict of str to list of str
        Stadtteil key as text to its unit ids.
    """
    base = ds.spatial.base
    return {str(nr): list(group["unit_id"]) for nr, group in ds.units.groupby("stadtteil_nr", sort=False)
            if year is None or base.valid_in(nr, year)}


def aggregate(ds: Dataset, year: int, groups: Mapping[str, list[str]],
              variables: list[str] | None = None) -> pd.DataFrame:
    """Summed counts per group for one year (groups x variables).

    A group's sum is NaN when any of its units lacks the count (missing or suppressed at source).

    Parameters
    ----------
    ds : Dataset
        The validated data.
    year : int
        The year of the counts.
    groups : mapping of str to list of str
        Group name to the unit ids summed into it.
    variables : list of str, optional
        Variable ids; all of the catalogue when None.

    Returns
    -------
    pandas.DataFrame
        One row per group (index ``group``), one column per variable, counts as floats.

    Examples
    --------
    A stand-in with the tables the sum needs: three units, unit b's count of 2021 suppressed at source.

    >>> from types import SimpleNamespace
    >>> statistics = pd.DataFrame({"unit": ["a", "b", "c"] * 2, "year": [2020] * 3 + [2021] * 3,
    ...                            "variable": "sgb2", "count": [10, 20, 5, 12, None, 6]})
    >>> ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["a", "b", "c"]}), statistics=statistics,
    ...                      years=[2020, 2021], catalogue=SimpleNamespace(variable_ids=["sgb2"]), cache={})
    >>> aggregate(ds, 2020, {"nord": ["a", "b"], "sued": ["c"]})["sgb2"].tolist()
    [30.0, 5.0]

    In 2021 Nord's sum is unknown, not the too small 12:

    >>> aggregate(ds, 2021, {"nord": ["a", "b"], "sued": ["c"]})["sgb2"].tolist()
    [nan, 6.0]
    """
    variables = list(variables) if variables is not None else ds.catalogue.variable_ids
    sums = aggregate_years(ds, [year], groups, variables)[0]
    return pd.DataFrame(sums, index=pd.Index(list(groups), name="group"), columns=variables)


def data_year(ds: Dataset, indicator: Indicator, year: int) -> int | None:
    """The year whose counts an indicator uses for report year ``year``.

    Usually ``year`` itself; for ``latest_available`` indicators (elections) the latest year up to
    ``year`` with data for all its variables. None when there are no data at all.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    indicator : Indicator
        The indicator; its numerator and denominator variables must all have data in the year used.
    year : int
        The report year.

    Returns
    -------
    int or None
        ``year`` itself, the latest earlier year with data (``latest_available`` only; an election year
        uses its own data), or None.

    Examples
    --------
    Turnout is counted in the election years 2017 and 2021 only; a stand-in holds the counts:

    >>> from types import SimpleNamespace
    >>> votes = pd.DataFrame({"unit": "a", "year": [2017, 2017, 2021, 2021],
    ...                       "variable": ["waehler", "wahlberechtigte"] * 2, "count": [60, 100, 55, 100]})
    >>> ds = SimpleNamespace(statistics=votes, cache={})
    >>> turnout = Indicator(id="wahlbeteiligung", label="Wahlbeteiligung", lebenslage="Bevölkerung",
    ...                     numerator=["waehler"], denominator=["wahlberechtigte"], direction="higher_is_better",
    ...                     source="Wahlamt", latest_available=True)
    >>> [data_year(ds, turnout, year) for year in (2016, 2017, 2020, 2021, 2023)]
    [None, 2017, 2017, 2021, 2021]

    An indicator counted every year uses only its own year:

    >>> print(data_year(ds, turnout.model_copy(update={"latest_available": False}), 2020))
    None
    """
    years = sorted(set(_years_with(ds, indicator.counts)) | set(_years_with(ds, [indicator.rate] if indicator.rate
                                                                           else [])))
    if not indicator.latest_available:
        return year if year in years else None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else None


def _years_with(ds: Dataset, variables: list[str]) -> list[int]:
    """The years in which the data hold every one of ``variables`` (for some unit); none for no variables."""
    if not variables:
        return []
    cache = ds.cache.setdefault("years_with", {})
    key = tuple(sorted(set(variables)))
    if key not in cache:
        present = ds.statistics[ds.statistics["variable"].isin(key)]
        complete = present.groupby("year")["variable"].nunique()
        cache[key] = sorted(int(y) for y in complete[complete == len(key)].index)
    return cache[key]


def published_rates(ds: Dataset, indicator: Indicator, years: list[int | None],
                    groups: Mapping[str, list[str]]) -> np.ndarray:
    """The indicator's published rate (``rate:``, in its unit) per year and group, years x groups; NaN where the
    group is not exactly one unit (a published rate has no counts, so it is never summed) or the unit has none.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> statistics = pd.DataFrame({"unit": ["a", "b"], "year": 2009, "variable": "turnout_published",
    ...                            "count": [61.5, 48.25]})
    >>> ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["a", "b"]}), statistics=statistics, years=[2009],
    ...                      catalogue=SimpleNamespace(variable_ids=["turnout_published"]), cache={})
    >>> turnout = Indicator(id="turnout", label="Wahlbeteiligung", lebenslage="Bevölkerung", rate="turnout_published",
    ...                     direction="higher_is_better", source="Wahlamt")
    >>> published_rates(ds, turnout, [2009], {"a": ["a"], "b": ["b"], "beide": ["a", "b"]}).tolist()
    [[61.5, 48.25, nan]]
    """
    result = np.full((len(years), len(groups)), np.nan)
    single = [len(members) == 1 for members in groups.values()]
    lookup = sorted({y for y in years if y is not None})
    if indicator.rate is None or not lookup or not any(single):
        return result
    sums = aggregate_years(ds, lookup, groups, [indicator.rate])[:, :, 0]
    for i, year in enumerate(years):
        if year is not None:
            result[i] = np.where(single, sums[lookup.index(year)], np.nan)
    return result


def is_published(frame: pd.DataFrame) -> pd.Series:
    """True for the rows of an :func:`indicator_values` table whose value is a published rate (no counts behind it:
    a value computed from counts always has its numerator)."""
    return frame["value"].notna() & frame["numerator"].isna()


def confidence_interval(numerator: np.ndarray, denominator: np.ndarray, bounded: bool,
                        level: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval for numerator/denominator as a proportion: Wilson for shares, exact Poisson otherwise.

    Parameters
    ----------
    numerator, denominator : array_like
        Counts of the same shape; NaN or a denominator of 0 gives NaN bounds.
    bounded : bool
        True for shares (numerator a subset of the denominator: Wilson score interval), False for rates
        that may exceed 1 (exact Poisson interval of the numerator, divided by the denominator).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    low, high : numpy.ndarray
        Bounds as proportions (multiply by the indicator's scale for % or per mille).

    Examples
    --------
    3 of 10 as a share: with p = 0.3, n = 10 and z = 1.959964 the Wilson interval is
    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` = (0.49207 ± 0.34287) / 1.38415:

    >>> low, high = confidence_interval([3, 3], [10, 0], bounded=True, level=0.95)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.1078, 0.6032)
    >>> bool(np.isnan(low[1]))
    True

    3 moves per 1,000 residents: exact Poisson bounds are chi²(0.025; 6)/2 = 0.6187 and
    chi²(0.975; 8)/2 = 8.7673 cases, per 1,000:

    >>> low, high = confidence_interval([3], [1000], bounded=False, level=0.95)
    >>> round(float(low[0]) * 1000, 4), round(float(high[0]) * 1000, 4)
    (0.6187, 8.7673)
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    low = np.full(numerator.shape, np.nan)
    high = np.full(numerator.shape, np.nan)
    ok = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    if ok.any():
        from statsmodels.stats.proportion import (
            proportion_confint,  # statsmodels and scipy.stats take a second to import: only where used
        )
        from statsmodels.stats.rates import confint_poisson

        if bounded:
            lo, hi = proportion_confint(numerator[ok], denominator[ok], alpha=1 - level, method="wilson")
        else:
            lo, hi = confint_poisson(numerator[ok], denominator[ok], method="exact-c", alpha=1 - level)
        low[ok], high[ok] = lo, hi
    return low, high


def _indicator_frame(ds: Dataset, indicator: Indicator, years: list[int], groups: Mapping[str, list[str]],
                     level: float) -> pd.DataFrame:
    """Rates of one indicator for several report years and groups (rows: year-major, then groups)."""
    used = [data_year(ds, indicator, y) for y in years]
    variables = indicator.counts
    lookup = sorted({u for u in used if u is not None})
    sums = aggregate_years(ds, lookup, groups, variables) if lookup and variables else None
    n_num = len(indicator.numerator)
    numerator = np.full((len(years), len(groups)), np.nan)
    denominator = np.full((len(years), len(groups)), np.nan)
    for i, used_year in enumerate(used):
        if used_year is None or sums is None:
            continue
        block = sums[lookup.index(used_year)]
        parts, whole = block[:, :n_num], block[:, n_num:]
        numerator[i] = np.where(np.isnan(parts).any(axis=1), np.nan, parts.sum(axis=1))
        denominator[i] = np.where(np.isnan(whole).any(axis=1), np.nan, whole.sum(axis=1))
    numerator, denominator = numerator.ravel(), denominator.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, numerator / denominator, np.nan) * indicator.scale
    low, high = confidence_interval(numerator, denominator, indicator.bounded, level)
    rates = published_rates(ds, indicator, used, groups).ravel()
    value = np.where(np.isnan(value), rates, value)  # counts win; a published rate where they are missing
    count = len(groups)
    return pd.DataFrame({
        "group": list(groups) * len(years),
        "indicator": indicator.id,
        "year": np.repeat(years, count),
        "data_year": pd.array(np.repeat([u if u is not None else pd.NA for u in used], count), dtype="Int64"),
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "ci_low": low * indicator.scale,
        "ci_high": high * indicator.scale,
        "threshold": ds.catalogue.threshold(indicator),
        "denominator_threshold": ds.catalogue.denominator_threshold(indicator),
    })


def indicator_values(ds: Dataset, year: int, groups: Mapping[str, list[str]],
                     indicators: Iterable[Indicator] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Rates with confidence intervals per group and indicator for one report year (long table).

    Columns: group, indicator, year, data_year, numerator, denominator, value (in the indicator's unit,
    % or per mille), ci_low, ci_high, and the publish thresholds of numerator and denominator (``threshold``,
    ``denominator_threshold``) that disclosure control needs. Rows with no data have NaN values. A value without
    a numerator is the city's published rate of a single unit (``rate:`` in the catalogue, :func:`is_published`):
    its numerator, denominator and interval stay NaN, never made up.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    year : int
        The report year (``latest_available`` indicators use :func:`data_year`).
    groups : mapping of str to list of str
        Group name to its unit ids (e.g. from :func:`area_groups`).
    indicators : iterable of Indicator, optional
        The indicators; all of the catalogue when None.
    level : float, default 0.95
        Confidence level of the intervals (:func:`confidence_interval`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator and group, in the order of ``indicators`` then ``groups``.
    """
    selected = list(indicators) if indicators is not None else ds.catalogue.indicators
    return pd.concat([_indicator_frame(ds, i, [year], groups, level) for i in selected], ignore_index=True)


def indicator_series(ds: Dataset, groups: Mapping[str, list[str]], indicators: Iterable[Indicator] | None = None,
                     years: Iterable[int] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Rates for several years (for trend figures and models), one row per year, group and indicator.

    ``latest_available`` indicators (elections) appear only in years with their own data: a series
    shows what was measured, not the carried-forward value.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    groups : mapping of str to list of str
        Group name to its unit ids.
    indicators : iterable of Indicator, optional
        The indicators; all of the catalogue when None.
    years : iterable of int, optional
        Report years; all years of the data when None.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`indicator_values`, sorted by year, then indicator (in the given order).
    """
    selected = list(indicators) if indicators is not None else ds.catalogue.indicators
    years = list(years) if years is not None else ds.years
    frames = [_indicator_frame(ds, i, years, groups, level) for i in selected]
    series = pd.concat(frames, ignore_index=True)
    repeated = series["data_year"].notna() & (series["data_year"] != series["year"])
    series = series[~repeated.fillna(False).to_numpy(dtype=bool)]
    order = {i.id: n for n, i in enumerate(selected)}
    return series.sort_values(["year", "indicator"], key=lambda c: c.map(order) if c.name == "indicator" else c,
                              kind="stable").reset_index(drop=True)
