"""Compare an area with the city: values, intervals, a test of difference, and the Handlungsbedarfe.

The test compares the area with the *rest of the city* (city minus area), because the city total
contains the area itself and two overlapping groups cannot be tested as independent samples. The
reports show the distance to the city as a whole, which is what committees ask about.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.dataset import Dataset
from ..params.catalogue import Indicator
from ..params.run_config import HandlungsbedarfRule
from .indicators import CITY, REST, area_groups, indicator_values, rest_of


def _p_value(indicator: Indicator, area_num: float, area_den: float, rest_num: float, rest_den: float) -> float:
    """Two-sided p-value for "area rate equals rest-of-city rate" (score tests from statsmodels)."""
    values = np.array([np.nan if pd.isna(v) else v for v in (area_num, area_den, rest_num, rest_den)], dtype=float)
    if not np.all(np.isfinite(values)) or values[1] <= 0 or values[3] <= 0:
        return np.nan
    area_num, area_den, rest_num, rest_den = values
    if indicator.bounded:
        if area_num in (0, area_den) and rest_num in (0, rest_den) and area_num / area_den == rest_num / rest_den:
            return 1.0
        from statsmodels.stats.proportion import (
            test_proportions_2indep,  # statsmodels and scipy.stats take a second to import: only where used
        )

        return float(test_proportions_2indep(area_num, area_den, rest_num, rest_den, method="score").pvalue)
    from statsmodels.stats.rates import test_poisson_2indep

    return float(test_poisson_2indep(area_num, area_den, rest_num, rest_den, method="score").pvalue)


def worse_ratio(indicator: Indicator, area_value: float, city_value: float) -> float:
    """How many times worse the area is than the city (>1 = worse), by the indicator's direction.

    NaN for neutral indicators and where a value is missing or zero.

    Parameters
    ----------
    indicator : Indicator
        Its ``direction`` decides whether the ratio is area/city or city/area.
    area_value, city_value : float
        The two rates in the same unit.

    Returns
    -------
    float
        The ratio (1.5 = half as bad again as the city), or NaN.

    Examples
    --------
    >>> sgb2 = Indicator(id="sgb2", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
    ...                  denominator=["einwohner"], direction="higher_is_worse", source="Jobcenter")
    >>> worse_ratio(sgb2, 30.0, 20.0)
    1.5
    >>> worse_ratio(sgb2.model_copy(update={"direction": "higher_is_better"}), 40.0, 50.0)
    1.25
    >>> worse_ratio(sgb2, 30.0, 0.0)
    nan
    """
    if indicator.direction == "neutral" or not (area_value > 0 and city_value > 0):
        return np.nan
    ratio = area_value / city_value
    return ratio if indicator.direction == "higher_is_worse" else 1 / ratio


def assess(indicator: Indicator, difference: float, p_value: float, alpha: float) -> str:
    """German verdict on the difference to the city: favourable, unfavourable, higher, lower or no clear difference.

    Parameters
    ----------
    indicator : Indicator
        Its ``direction`` decides what is favourable.
    difference : float
        Area value minus city value (unit points).
    p_value : float
        Two-sided p-value of the test against the rest of the city.
    alpha : float
        Significance level (1 - confidence level).

    Returns
    -------
    str
        "günstiger", "ungünstiger", "höher", "niedriger" (neutral indicators), "kein deutlicher Unterschied"
        or "nicht berechenbar" (a value missing).

    Examples
    --------
    >>> sgb2 = Indicator(id="sgb2", label="SGB-II-Quote", lebenslage="Erwerbstätigkeit", numerator=["sgb2"],
    ...                  denominator=["einwohner"], direction="higher_is_worse", source="Jobcenter")
    >>> assess(sgb2, 5.0, 0.01, 0.05)
    'ungünstiger'
    >>> assess(sgb2, -5.0, 0.01, 0.05)
    'günstiger'
    >>> assess(sgb2, 5.0, 0.2, 0.05)
    'kein deutlicher Unterschied'
    >>> assess(sgb2, float("nan"), 0.01, 0.05)
    'nicht berechenbar'
    """
    if not np.isfinite(difference) or not np.isfinite(p_value):
        return "nicht berechenbar"
    if p_value >= alpha or difference == 0:
        return "kein deutlicher Unterschied"
    if indicator.direction == "neutral":
        return "höher" if difference > 0 else "niedriger"
    return "günstiger" if indicator.favourable(difference) else "ungünstiger"


def need_level(ratio: float, p_value: float, rule: HandlungsbedarfRule) -> str:
    """Handlungsbedarf for one indicator: "deutlich erhöht", "erhöht" or "" (none).

    Parameters
    ----------
    ratio : float
        :func:`worse_ratio` of the area.
    p_value : float
        Two-sided p-value of the test against the rest of the city.
    rule : HandlungsbedarfRule
        The thresholds (default: "erhöht" from 1.25, "deutlich erhöht" from 1.5, significance 0.05).

    Returns
    -------
    str
        The level, or "" when the area is not worse enough or the difference not significant.

    Examples
    --------
    >>> rule = HandlungsbedarfRule()
    >>> need_level(1.6, 0.01, rule), need_level(1.3, 0.01, rule), need_level(1.1, 0.01, rule)
    ('deutlich erhöht', 'erhöht', '')
    >>> need_level(1.6, 0.2, rule)
    ''
    """
    if not (np.isfinite(ratio) and np.isfinite(p_value)) or p_value >= rule.significance:
        return ""
    if ratio >= rule.high_ratio:
        return "deutlich erhöht"
    if ratio >= rule.elevated_ratio:
        return "erhöht"
    return ""


def compare_with_city(ds: Dataset, area_id: str, year: int, indicators: list[Indicator] | None = None,
                      level: float = 0.95, rule: HandlungsbedarfRule | None = None, need: bool = True) -> pd.DataFrame:
    """One row per indicator: area and city value with intervals, distance, test, verdict, Handlungsbedarf.

    Distances are in the indicator's unit points (percentage points for percent indicators).

    Parameters
    ----------
    ds : Dataset
        The validated data.
    area_id : str
        The Sozialraumgebiet (id or name).
    year : int
        The report year.
    indicators : list of Indicator, optional
        The indicators; all of the catalogue when None.
    level : float, default 0.95
        Confidence level of the intervals; the test's significance level is ``1 - level``.
    rule : HandlungsbedarfRule, optional
        The thresholds of :func:`need_level`; the defaults when None.
    need : bool, default True
        False: no ``need`` column and the rule is not read (a report that shows only the verdicts then does not
        depend on the Handlungsbedarf thresholds, and its run key need not either).

    Returns
    -------
    pandas.DataFrame
        One row per indicator with the area's and the city's counts, values and intervals, ``difference``,
        ``p_value`` (score test area vs. rest of the city), ``worse_ratio``, ``assessment``, ``need`` and the
        publish thresholds.
    """
    rule = (rule or HandlungsbedarfRule()) if need else None
    area = ds.areas.get(area_id)
    selected = indicators if indicators is not None else ds.catalogue.indicators
    groups = area_groups(ds, [area.id])
    groups[REST] = rest_of(ds, groups[area.id])
    values = indicator_values(ds, year, groups, selected, level)
    # a row mixing the nullable data_year with floats would turn NaN into pd.NA; keep the floats plain
    values["data_year"] = values["data_year"].astype(object)
    values = values.set_index(["indicator", "group"])
    rows = []
    for indicator in selected:
        a, c, r = (values.loc[(indicator.id, g)] for g in (area.id, CITY, REST))
        p_value = _p_value(indicator, a["numerator"], a["denominator"], r["numerator"], r["denominator"])
        difference = a["value"] - c["value"]
        ratio = worse_ratio(indicator, a["value"], c["value"])
        rows.append({
            "indicator": indicator.id,
            "label": indicator.name,
            "lebenslage": indicator.lebenslage,
            "direction": indicator.direction,
            "unit": indicator.unit,
            "data_year": a["data_year"],
            "area_numerator": a["numerator"],
            "area_denominator": a["denominator"],
            "area_value": a["value"],
            "area_ci_low": a["ci_low"],
            "area_ci_high": a["ci_high"],
            "city_numerator": c["numerator"],
            "city_denominator": c["denominator"],
            "city_value": c["value"],
            "difference": difference,
            "p_value": p_value,
            "worse_ratio": ratio,
            "assessment": assess(indicator, difference, p_value, 1 - level),
            **({"need": need_level(ratio, p_value, rule)} if rule is not None else {}),
            "threshold": a["threshold"],
            "denominator_threshold": a["denominator_threshold"],
        })
    return pd.DataFrame(rows)


def handlungsbedarfe(comparison: pd.DataFrame) -> pd.DataFrame:
    """The flagged rows of a comparison, strongest first.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A table of :func:`compare_with_city` (at least ``need`` and ``worse_ratio``); a NaN ``need`` (withheld
        by disclosure control) counts as none.

    Returns
    -------
    pandas.DataFrame
        The rows with a need, "deutlich erhöht" before "erhöht", each by descending ratio.

    Examples
    --------
    >>> comparison = pd.DataFrame({"indicator": ["a", "b", "c", "d"],
    ...                            "need": ["erhöht", "", "deutlich erhöht", "erhöht"],
    ...                            "worse_ratio": [1.3, 1.1, 1.6, 1.4]})
    >>> handlungsbedarfe(comparison)["indicator"].tolist()
    ['c', 'd', 'a']
    """
    flagged = comparison[comparison["need"].fillna("") != ""].copy()  # NaN: withheld by disclosure control
    flagged["_order"] = flagged["need"].map({"deutlich erhöht": 0, "erhöht": 1})
    return flagged.sort_values(["_order", "worse_ratio"], ascending=[True, False]).drop(columns="_order")
