"""The indicator engine (analysis/indicators.py) against sums, rates and intervals worked out by hand.

Expected values are written out here: sums and rates of a few hand-made counts, the Wilson interval from its
textbook formula (not statsmodels' call, which the module makes), the exact Poisson interval from chi-square
quantiles (scipy.stats, another library than the module uses). The stand-in datasets hold only the tables the
functions read, so each test takes milliseconds.
"""

from __future__ import annotations

from math import sqrt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from veedel_lib.analysis.indicators import (
    CITY,
    aggregate,
    aggregate_years,
    area_groups,
    confidence_interval,
    data_year,
    indicator_series,
    indicator_values,
    is_published,
    programme_group,
    rest_of,
    stadtteil_groups,
)
from veedel_lib.params.catalogue import Indicator

Z95 = 1.959963984540054  # standard normal 97.5 % quantile
Z90 = 1.6448536269514722  # 95 % quantile


def _indicator(**changes) -> Indicator:
    fields = {"id": "quote", "label": "Quote", "lebenslage": "Bevölkerung", "numerator": ["faelle"],
              "denominator": ["einwohner"], "direction": "higher_is_worse", "source": "Amt"} | changes
    return Indicator(**fields)


def _dataset(rows: list[tuple], units=("a", "b", "c"), years=None, variables=None) -> SimpleNamespace:
    """A stand-in with the tables the indicator engine reads: units, statistics (long), years, catalogue."""
    statistics = pd.DataFrame(rows, columns=["unit", "year", "variable", "count"])
    catalogue = SimpleNamespace(variable_ids=variables or sorted(statistics["variable"].unique()),
                                threshold=lambda indicator: 5, denominator_threshold=lambda indicator: 20)
    return SimpleNamespace(units=pd.DataFrame({"unit_id": list(units)}), statistics=statistics, cache={},
                           years=years or sorted(statistics["year"].unique()), catalogue=catalogue)


def _counts(year: int, cases: dict[str, float], residents: dict[str, float]) -> list[tuple]:
    return ([(u, year, "faelle", n) for u, n in cases.items()]
            + [(u, year, "einwohner", d) for u, d in residents.items()])


def _wilson(k: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval, textbook formula: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    centre, half = p + z * z / (2 * n), z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


# --------------------------------------------------------------------------------------------- data_year

def _elections() -> SimpleNamespace:
    """Turnout counted in 2017 and 2021 only; in 2019 only one of its two variables."""
    rows = [("a", 2017, "waehler", 60), ("a", 2017, "wahlberechtigte", 100), ("a", 2019, "waehler", 5),
            ("a", 2021, "waehler", 55), ("a", 2021, "wahlberechtigte", 100)]
    return _dataset(rows, units=("a",))


TURNOUT = _indicator(id="turnout", numerator=["waehler"], denominator=["wahlberechtigte"],
                     direction="higher_is_better", latest_available=True)


def test_an_election_year_uses_its_own_election_and_the_years_between_the_one_before():
    ds = _elections()
    assert [data_year(ds, TURNOUT, y) for y in (2016, 2017, 2018, 2019, 2020, 2021, 2022)] == \
        [None, 2017, 2017, 2017, 2017, 2021, 2021]


def test_an_indicator_counted_every_year_uses_only_its_own_year_with_all_its_variables():
    ds = _elections()
    every_year = TURNOUT.model_copy(update={"latest_available": False})
    assert [data_year(ds, every_year, y) for y in (2017, 2019, 2020, 2021)] == [2017, None, None, 2021]


# ------------------------------------------------------------------------------------ confidence_interval

def test_the_share_interval_is_the_wilson_score_interval_of_the_textbook_formula():
    low, high = confidence_interval([19, 3, 0, 20], [1010, 10, 20, 20], bounded=True, level=0.95)
    expected = [_wilson(19, 1010, Z95), _wilson(3, 10, Z95), (0.0, _wilson(0, 20, Z95)[1]), _wilson(20, 20, Z95)]
    assert low.tolist() == pytest.approx([e[0] for e in expected], abs=1e-9)
    assert high.tolist() == pytest.approx([e[1] for e in expected], abs=1e-9)
    # written out for 3 of 10: (0.49207 ± 0.34287) / 1.38415
    assert (round(low[1], 4), round(high[1], 4)) == (0.1078, 0.6032)


def test_a_90_percent_share_interval_uses_the_95_percent_normal_quantile():
    low, high = confidence_interval([3], [10], bounded=True, level=0.90)
    assert (low[0], high[0]) == pytest.approx(_wilson(3, 10, Z90), abs=1e-9)


def test_the_rate_interval_is_the_exact_poisson_interval_of_the_cases_per_denominator():
    # exact (Garwood) bounds for k cases: chi²(α/2; 2k)/2 and chi²(1-α/2; 2k+2)/2
    low, high = confidence_interval([3, 0], [1000, 500], bounded=False, level=0.95)
    assert low.tolist() == pytest.approx([chi2.ppf(0.025, 6) / 2 / 1000, 0.0], abs=1e-12)
    assert high.tolist() == pytest.approx([chi2.ppf(0.975, 8) / 2 / 1000, chi2.ppf(0.975, 2) / 2 / 500], rel=1e-9)
    low90, high90 = confidence_interval([3], [1000], bounded=False, level=0.90)
    assert (low90[0] * 1000, high90[0] * 1000) == pytest.approx((0.8176914471639534, 7.753656527932725), rel=1e-9)


def test_a_missing_count_or_an_empty_denominator_gives_no_interval_and_leaves_the_others():
    low, high = confidence_interval([np.nan, 3, 2, 3], [10, 0, -1, 10], bounded=True, level=0.95)
    assert np.isnan(low[:3]).all() and np.isnan(high[:3]).all()
    assert (low[3], high[3]) == pytest.approx(_wilson(3, 10, Z95), abs=1e-9)
    nothing = confidence_interval([np.nan], [0], bounded=False, level=0.95)
    assert np.isnan(nothing[0]).all() and np.isnan(nothing[1]).all()


# ------------------------------------------------------------------------------------------ sums and groups

def _three_units() -> SimpleNamespace:
    rows = _counts(2020, {"a": 10, "b": 20, "c": 5}, {"a": 100, "b": 400, "c": 50})
    rows += _counts(2021, {"a": 12, "b": np.nan, "c": 6}, {"a": 100, "b": 400, "c": 60})
    return _dataset(rows)


def test_sums_per_group_year_and_variable_are_the_hand_added_counts():
    ds = _three_units()
    groups = {"nord": ["a", "b"], "sued": ["c"], "alle": ["a", "b", "c"]}
    sums = aggregate_years(ds, [2021, 2020], groups, ["einwohner", "faelle"])
    assert sums.shape == (2, 3, 2)
    assert sums[1].tolist() == [[500.0, 30.0], [50.0, 5.0], [550.0, 35.0]]
    assert sums[0, :, 0].tolist() == [500.0, 60.0, 560.0]
    assert np.isnan(sums[0, 0, 1]) and sums[0, 1, 1] == 6.0 and np.isnan(sums[0, 2, 1])


def test_a_year_or_variable_without_data_and_a_group_without_units_give_unknown_sums():
    ds = _three_units()
    sums = aggregate_years(ds, [2019, 2020], {"leer": [], "a": ["a"]}, ["faelle", "unbekannt"])
    assert np.isnan(sums[0]).all()  # 2019 is not in the data
    assert np.isnan(sums[1, 0]).all()  # no units: unknown, not zero
    assert sums[1, 1, 0] == 10.0 and np.isnan(sums[1, 1, 1])
    assert np.isnan(aggregate_years(ds, [2030], {"a": ["a"]}, ["faelle"])).all()


def test_aggregate_is_one_year_of_the_sums_as_a_table_of_groups_and_all_variables():
    ds = _three_units()
    table = aggregate(ds, 2020, {"nord": ["a", "b"], "sued": ["c"]})
    assert list(table.index) == ["nord", "sued"] and table.index.name == "group"
    assert list(table.columns) == ["einwohner", "faelle"]
    assert table.to_numpy().tolist() == [[500.0, 30.0], [50.0, 5.0]]
    assert aggregate(ds, 2020, {"nord": ["a", "b"]}, ["faelle"]).to_numpy().tolist() == [[30.0]]


def test_area_groups_are_the_units_of_each_area_by_id_and_the_whole_city_last():
    areas = {"kalk": SimpleNamespace(id="kalk"), "Kalk": SimpleNamespace(id="kalk"), "vingst": SimpleNamespace(id="vingst")}
    ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["a", "b", "c"]}),
                         areas=SimpleNamespace(ids=["vingst", "kalk"], get=areas.__getitem__),
                         membership=SimpleNamespace(units_of={"kalk": ["a"], "vingst": ["b", "c"]}.__getitem__,
                                                    all_units=lambda: ["a", "b", "c"]))
    assert area_groups(ds) == {"vingst": ["b", "c"], "kalk": ["a"], CITY: ["a", "b", "c"]}
    assert area_groups(ds, ["Kalk"], city=False) == {"kalk": ["a"]}
    assert list(area_groups(ds, ["Kalk"])) == ["kalk", CITY]
    assert programme_group(ds) == ["a", "b", "c"]


def test_the_rest_of_the_city_is_every_other_unit_in_the_order_of_the_unit_table():
    ds = SimpleNamespace(units=pd.DataFrame({"unit_id": ["d", "a", "c", "b"]}))
    assert rest_of(ds, iter(["c", "x"])) == ["d", "a", "b"]


def test_stadtteil_groups_keep_the_reference_order_and_only_the_stadtteile_valid_in_the_year():
    units = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "stadtteil_nr": [905, 101, 905, 102]})
    valid = {905: (2000, 2030), 101: (2000, 2030), 102: (2022, 2030)}
    base = SimpleNamespace(valid_in=lambda nr, year: valid[nr][0] <= year <= valid[nr][1])
    ds = SimpleNamespace(units=units, spatial=SimpleNamespace(base=base))
    assert stadtteil_groups(ds) == {"905": ["u1", "u3"], "101": ["u2"], "102": ["u4"]}
    assert stadtteil_groups(ds, 2021) == {"905": ["u1", "u3"], "101": ["u2"]}
    assert list(stadtteil_groups(ds)) == ["905", "101", "102"]  # the order of the unit table, not sorted


# ------------------------------------------------------------------------------------------------ rates

def test_indicator_values_are_summed_counts_divided_with_wilson_intervals_and_thresholds():
    ds = _three_units()
    values = indicator_values(ds, 2020, {"nord": ["a", "b"], "sued": ["c"]}, [_indicator()])
    documented = ["group", "indicator", "year", "data_year", "numerator", "denominator", "value", "ci_low",
                  "ci_high", "threshold", "denominator_threshold"]
    assert [column for column in values.columns if column in documented] == documented
    assert values["group"].tolist() == ["nord", "sued"] and values["indicator"].tolist() == ["quote"] * 2
    assert values["year"].tolist() == [2020, 2020] and values["data_year"].tolist() == [2020, 2020]
    assert values["numerator"].tolist() == [30.0, 5.0] and values["denominator"].tolist() == [500.0, 50.0]
    assert values["value"].tolist() == pytest.approx([6.0, 10.0])  # 30 / 500 and 5 / 50, in percent
    assert values["ci_low"].tolist() == pytest.approx([100 * _wilson(30, 500, Z95)[0], 100 * _wilson(5, 50, Z95)[0]])
    assert values["ci_high"].tolist() == pytest.approx([100 * _wilson(30, 500, Z95)[1], 100 * _wilson(5, 50, Z95)[1]])
    assert values["threshold"].tolist() == [5, 5] and values["denominator_threshold"].tolist() == [20, 20]


def test_a_rate_per_1000_with_two_numerator_variables_sums_both_and_uses_the_poisson_interval():
    rows = _counts(2020, {"a": 2, "b": 1}, {"a": 1000, "b": 1000}) + [("a", 2020, "zuzuege", 3), ("b", 2020, "zuzuege", 4)]
    ds = _dataset(rows, units=("a", "b"))
    moves = _indicator(id="moves", numerator=["faelle", "zuzuege"], unit="per_1000", bounded=False)
    row = indicator_values(ds, 2020, {"ab": ["a", "b"]}, [moves]).iloc[0]
    assert row["numerator"] == 10.0 and row["denominator"] == 2000.0 and row["value"] == pytest.approx(5.0)
    assert row["ci_low"] == pytest.approx(1000 * chi2.ppf(0.025, 20) / 2 / 2000, rel=1e-9)
    assert row["ci_high"] == pytest.approx(1000 * chi2.ppf(0.975, 22) / 2 / 2000, rel=1e-9)


def test_a_missing_numerator_or_denominator_part_or_an_empty_denominator_gives_no_rate():
    rows = _counts(2020, {"a": 2, "b": np.nan, "c": 0}, {"a": 100, "b": 100, "c": 0}) + [("a", 2020, "zuzuege", np.nan)]
    ds = _dataset(rows)
    two_parts = _indicator(numerator=["faelle", "zuzuege"])
    values = indicator_values(ds, 2020, {"a": ["a"], "b": ["b"], "c": ["c"]}, [_indicator(), two_parts])
    assert values["value"].iloc[:3].tolist()[0] == pytest.approx(2.0)
    assert values["value"].iloc[1:].isna().all() and values["ci_low"].iloc[1:].isna().all()
    assert values["numerator"].iloc[3:].isna().all()  # the second indicator lacks a's moves


def test_an_election_indicator_in_a_year_between_elections_shows_the_last_election_and_its_year():
    ds = _elections()
    row = indicator_values(ds, 2019, {"a": ["a"]}, [TURNOUT]).iloc[0]
    assert row["data_year"] == 2017 and row["value"] == pytest.approx(60.0)
    before = indicator_values(ds, 2016, {"a": ["a"]}, [TURNOUT]).iloc[0]
    assert pd.isna(before["data_year"]) and np.isnan(before["value"])


def test_a_series_has_one_row_per_year_and_group_and_election_indicators_only_in_their_own_years():
    ds = _dataset(_counts(2020, {"a": 1, "b": 3}, {"a": 10, "b": 30}) + _counts(2021, {"a": 2, "b": 4}, {"a": 10, "b": 20})
                  + [("a", 2020, "waehler", 6), ("a", 2020, "wahlberechtigte", 10)], units=("a", "b"))
    series = indicator_series(ds, {"a": ["a"], "b": ["b"]}, [TURNOUT, _indicator()], years=[2021, 2020])
    assert series[["year", "indicator", "group"]].values.tolist() == [
        [2020, "turnout", "a"], [2020, "turnout", "b"], [2020, "quote", "a"], [2020, "quote", "b"],
        [2021, "quote", "a"], [2021, "quote", "b"]]
    assert series["value"].tolist()[:1] == pytest.approx([60.0])
    assert series["value"].tolist()[2:] == pytest.approx([10.0, 10.0, 20.0, 20.0])
    assert list(series.index) == list(range(6))


# ------------------------------------------------------------------------------ edges of the rates and intervals

def test_an_interval_takes_nullable_integer_counts_and_needs_a_denominator_of_at_least_one():
    counts = pd.array([3, pd.NA, 1], dtype="Int64")
    low, high = confidence_interval(counts, pd.array([10, 10, 1], dtype="Int64"), bounded=True, level=0.95)
    assert (low[0], high[0]) == pytest.approx(_wilson(3, 10, Z95), abs=1e-9)
    assert np.isnan(low[1]) and np.isnan(high[1])
    assert (low[2], high[2]) == pytest.approx(_wilson(1, 1, Z95), abs=1e-9)  # 1 of 1: (0.2065, 1)
    merged = pd.Series([3, None, 1], dtype=object)  # a count column as a merge of tables leaves it
    low, high = confidence_interval(merged, pd.Series([10, 10, None], dtype=object), bounded=False, level=0.95)
    assert low[0] == pytest.approx(chi2.ppf(0.025, 6) / 2 / 10) and np.isnan(low[1:]).all() and np.isnan(high[1:]).all()


def test_an_empty_denominator_gives_no_rate_and_no_interval_without_a_numpy_warning():
    import warnings

    ds = _dataset(_counts(2020, {"a": 5, "b": 0, "c": 1}, {"a": 0, "b": 0, "c": 1}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would end up in a report's output
        values = indicator_values(ds, 2020, {"a": ["a"], "b": ["b"], "c": ["c"]}, [_indicator()])
        rates = indicator_values(ds, 2020, {"a": ["a"], "c": ["c"]}, [_indicator(unit="per_1000")])
    assert np.isnan(values["value"].iloc[0]) and np.isnan(values["value"].iloc[1])
    assert values["value"].iloc[2] == 100.0  # 1 of 1 resident
    assert values[["ci_low", "ci_high"]].iloc[:2].isna().all().all()
    assert np.isnan(rates["value"].iloc[0]) and rates["value"].iloc[1] == 1000.0
    assert np.isnan(rates["ci_low"].iloc[0]) and np.isnan(rates["ci_high"].iloc[0])


def test_without_indicators_the_whole_catalogue_is_used_in_its_order_with_a_fresh_index():
    ds = _three_units()
    per_mille = _indicator(id="promille", unit="per_1000")
    ds.catalogue.indicators = [_indicator(), per_mille]
    values = indicator_values(ds, 2020, {"nord": ["a", "b"], "sued": ["c"]})
    assert values["indicator"].tolist() == ["quote", "quote", "promille", "promille"]
    assert list(values.index) == [0, 1, 2, 3]
    assert values["value"].tolist() == pytest.approx([6.0, 10.0, 60.0, 100.0])
    series = indicator_series(ds, {"nord": ["a", "b"], "sued": ["c"]})  # every year of the data, 95 %
    assert series[["year", "indicator", "group"]].values.tolist() == [
        [2020, "quote", "nord"], [2020, "quote", "sued"], [2020, "promille", "nord"], [2020, "promille", "sued"],
        [2021, "quote", "nord"], [2021, "quote", "sued"], [2021, "promille", "nord"], [2021, "promille", "sued"]]
    assert list(series.columns) == list(values.columns)
    assert series["ci_low"].iloc[1] == pytest.approx(100 * _wilson(5, 50, Z95)[0])
    only = indicator_series(ds, {"sued": ["c"]}, years=[2021])
    assert only["year"].tolist() == [2021, 2021] and only["value"].tolist() == pytest.approx([10.0, 100.0])


def test_a_series_with_a_year_without_data_before_years_with_data_keeps_the_later_years():
    ds = _dataset(_counts(2021, {"a": 2}, {"a": 10}), units=("a",), years=[2019, 2020, 2021])
    series = indicator_series(ds, {"a": ["a"]}, [_indicator()], years=[2019, 2020, 2021])
    assert series["year"].tolist() == [2019, 2020, 2021]
    assert np.isnan(series["value"].iloc[0]) and series["value"].iloc[2] == pytest.approx(20.0)
    assert str(series["data_year"].dtype) == "Int64"
    none = indicator_values(ds, 2019, {"a": ["a"]}, [_indicator()])
    assert str(none["data_year"].dtype) == "Int64" and pd.isna(none["data_year"].iloc[0])


# ---------------------------------------------------------------------------------------- published rates

def _published() -> SimpleNamespace:
    """Turnout published per unit in 2009 (a: 61.5 %, b: 48.25 %), counted for unit c in 2014."""
    rows = [("a", 2009, "turnout_published", 61.5), ("b", 2009, "turnout_published", 48.25),
            ("c", 2014, "waehler", 30), ("c", 2014, "wahlberechtigte", 60)]
    return _dataset(rows)


PUBLISHED = _indicator(id="turnout", numerator=[], denominator=[], rate="turnout_published",
                       direction="higher_is_better", latest_available=True)


def test_a_published_rate_is_the_value_of_a_single_unit_without_counts_or_interval():
    ds = _published()
    values = indicator_values(ds, 2010, {"a": ["a"], "b": ["b"], "ab": ["a", "b"]}, [PUBLISHED])
    assert values["data_year"].tolist() == [2009, 2009, 2009]
    assert values["value"].tolist()[:2] == [61.5, 48.25] and np.isnan(values["value"].iloc[2])
    assert values[["numerator", "denominator", "ci_low", "ci_high"]].isna().all().all()
    assert is_published(values).tolist() == [True, True, False]


def test_counts_win_over_a_published_rate_and_only_a_value_without_numerator_counts_as_published():
    ds = _published()
    both = PUBLISHED.model_copy(update={"numerator": ["waehler"], "denominator": ["wahlberechtigte"]})
    values = indicator_values(ds, 2014, {"a": ["a"], "c": ["c"]}, [both])
    assert values["data_year"].tolist() == [2014, 2014]
    assert np.isnan(values["value"].iloc[0]) and values["value"].iloc[1] == pytest.approx(50.0)
    assert is_published(values).tolist() == [False, False]
    frame = pd.DataFrame({"value": [1.0, np.nan, 2.0, np.nan], "numerator": [np.nan, np.nan, 3.0, 4.0]})
    assert is_published(frame).tolist() == [True, False, False, False]
    assert data_year(ds, PUBLISHED, 2020) == 2009 and data_year(ds, both, 2020) == 2014
