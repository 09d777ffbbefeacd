"""The indicator engine: counts are summed first, then divided; gaps are never hidden."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PARAMETERS, statistics_rows, write

from veedel_lib.analysis.indicators import aggregate, confidence_interval, indicator_values
from veedel_lib.inputs.dataset import load_dataset


@pytest.fixture
def two_unit_area(tmp_path):
    """Kalk as two units of very different size: 9 of 10 children and 10 of 1,000 children in SGB II."""
    rows = []
    for unit, children, in_sgb2 in (("80201", 10, 9), ("80202", 1000, 10)):
        rows += [(unit, 2023, "pop_0_5", children), (unit, 2023, "pop_6_14", 0), (unit, 2023, "sgb2_u15", in_sgb2)]
    rows += [("10101", 2023, "pop_0_5", 500), ("10101", 2023, "pop_6_14", 500), ("10101", 2023, "sgb2_u15", 100)]
    folder = tmp_path / "data"
    write(folder / "units.csv", "unit_id;unit_name;stadtteil;stadtbezirk\n80201;a;802;8\n80202;b;802;8\n10101;c;101;1\n")
    write(folder / "statistics.csv", statistics_rows(rows))
    return load_dataset(folder, PARAMETERS, use_cache=False)


def test_rates_aggregate_counts_first(two_unit_area):
    indicator = two_unit_area.catalogue.indicator("sgb2_children_quote")
    values = indicator_values(two_unit_area, 2023, {"kalk": ["80201", "80202"]}, [indicator])
    rate = values.iloc[0]["value"]
    assert rate == pytest.approx(100 * 19 / 1010)        # 1,88 %
    averaged = 100 * np.mean([9 / 10, 10 / 1000])          # 45,5 %: what averaging rates would give
    assert abs(rate - averaged) > 40


def test_city_is_the_sum_of_all_units(two_unit_area):
    counts = aggregate(two_unit_area, 2023, {"city": ["80201", "80202", "10101"]}, ["pop_0_5", "sgb2_u15"])
    assert counts.loc["city", "pop_0_5"] == 1510
    assert counts.loc["city", "sgb2_u15"] == 119


def test_interval_is_the_wilson_score_interval_worked_out_by_hand():
    """19 of 1,010: p = 0.0188119, z = 1.959964, z² = 3.841459; centre p + z²/2n = 0.0207136, half width
    z sqrt(p(1-p)/n + z²/4n²) = 0.0085919, divisor 1 + z²/n = 1.0038034 (not the statsmodels call the module
    makes, which would compare the code with itself)."""
    low, high = confidence_interval(np.array([19.0]), np.array([1010.0]), True, 0.95)
    assert low[0] == pytest.approx((0.0207136 - 0.0085919) / 1.0038034, abs=2e-7)
    assert high[0] == pytest.approx((0.0207136 + 0.0085919) / 1.0038034, abs=2e-7)


def test_suppressed_unit_makes_the_group_sum_unknown(tmp_path):
    folder = tmp_path / "data"
    write(folder / "units.csv", "unit_id;unit_name;stadtteil;stadtbezirk\n80201;a;802;8\n80202;b;802;8\n")
    write(folder / "statistics.csv", statistics_rows([
        ("80201", 2023, "population", 100), ("80201", 2023, "asylblg", "*"),
        ("80202", 2023, "population", 200), ("80202", 2023, "asylblg", 12),
    ]))
    ds = load_dataset(folder, PARAMETERS, use_cache=False)
    assert bool(ds.statistics["suppressed"].any())
    counts = aggregate(ds, 2023, {"kalk": ["80201", "80202"], "one": ["80202"]}, ["population", "asylblg"])
    assert np.isnan(counts.loc["kalk", "asylblg"])            # never silently 12
    assert counts.loc["one", "asylblg"] == 12
    assert counts.loc["kalk", "population"] == 300


def test_election_indicator_uses_the_latest_election(demo):
    turnout = demo.catalogue.indicator("turnout")
    values = indicator_values(demo, 2023, {"city": list(demo.units["unit_id"])}, [turnout]).iloc[0]
    assert values["data_year"] == 2020
    assert 40 < values["value"] < 65


def test_unknown_variable_in_data_gives_nan_not_zero(two_unit_area):
    indicator = two_unit_area.catalogue.indicator("unemployment_share")     # no such counts in this data
    values = indicator_values(two_unit_area, 2023, {"kalk": ["80201"]}, [indicator])
    assert np.isnan(values.iloc[0]["value"])
