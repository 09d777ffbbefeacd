"""The demo data: deterministic, complete, realistic, and reproducing the published figures."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.analysis.indicators import aggregate, area_groups, indicator_values
from veedel_lib.analysis.programme import programme_shares
from veedel_lib.demo import generator as demo
from veedel_lib.params.reference import STADTBEZIRKE, STADTTEILE


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def test_generator_is_deterministic():
    first = demo.generate(PARAMETERS)
    second = demo.generate(PARAMETERS)
    assert _digest(first[0]) == _digest(second[0])
    assert _digest(first[1]) == _digest(second[1])


def test_other_seed_gives_other_data():
    assert _digest(demo.generate(PARAMETERS, seed=1)[1]) != _digest(demo.generate(PARAMETERS)[1])


def test_demo_covers_all_stadtteile_bezirke_and_years(demo):
    assert set(demo.units["stadtteil_nr"]) == set(STADTTEILE)
    assert set(demo.units["stadtbezirk_nr"]) == set(STADTBEZIRKE)
    assert demo.years == list(range(2012, 2025))
    # split into statistical units below the Stadtteil
    assert len(demo.units) > 3 * len(STADTTEILE)
    # every counted catalogue variable is present; a published rate (kind: rate, e.g. the turnout as the city's open
    # data give it) stands in only where counts are missing, and the demo has the counts
    counted = {v.id for v in demo.catalogue.variables if v.kind == "count"}
    assert counted < set(demo.catalogue.variable_ids)
    assert set(demo.statistics["variable"]) == counted


@pytest.mark.parametrize("year", [2024])
def test_published_figures_reproduced_within_half_a_point(demo, year):
    shares = programme_shares(demo, year)
    assert len(shares) == 7
    published = {"residents": 28.0, "minimum_income": 50.0, "children_sgb2": 58.3, "single_parents": 38.1,
                 "gsi_age": 42.9, "gsi_em": 36.3, "asylblg": 38.2}
    for row in shares.itertuples():
        assert abs(row.share - published[row.figure]) <= 0.5, row


def test_city_levels_are_realistic(demo):
    city = indicator_values(demo, 2024, {"city": list(demo.units["unit_id"])}).set_index("indicator")["value"]
    population = aggregate(demo, 2024, {"city": list(demo.units["unit_id"])}, ["population"]).iloc[0, 0]
    assert 1_040_000 < population < 1_120_000          # Cologne: about 1,08 million
    assert 9 < city["sgb2_quote"] < 15                   # SGB-II-Quote in percent
    assert 15 < city["sgb2_children_quote"] < 30
    assert 4 < city["unemployment_share"] < 9
    assert 15 < city["share_65_plus"] < 21
    assert 45 < demo.statistics.query("variable == 'voters'")["count"].sum() / \
        demo.statistics.query("variable == 'electorate'")["count"].sum() * 100 < 60


def test_areas_are_more_deprived_than_the_city(demo):
    values = indicator_values(demo, 2024, area_groups(demo), [demo.catalogue.indicator("sgb2_quote")])
    values = values.set_index("group")["value"]
    city = values.pop("gesamtstadt")
    assert (values > city).sum() >= 13


def test_built_in_effect_lowers_the_quota_after_baseline():
    """The default effect: Höhenberg/Vingst's SGB-II quota 2 points lower from 2021 than without it."""
    with_effect = demo.generate(PARAMETERS)[1]
    without = demo.generate(PARAMETERS, effects=())[1]
    units = demo.generate(PARAMETERS)[0]
    members = set(units.loc[units["stadtteil"].isin(["803", "804"]), "unit_id"])

    def quota(stats, year):
        rows = stats[(stats["year"] == year) & stats["unit"].isin(members)]
        sums = rows.groupby("variable")["count"].sum()
        under65 = sums[["pop_0_5", "pop_6_14", "pop_15_17", "pop_18_24", "pop_25_64"]].sum()
        return 100 * sums["sgb2_recipients"] / under65

    assert quota(with_effect, 2020) == pytest.approx(quota(without, 2020), abs=0.01)
    assert quota(with_effect, 2022) - quota(without, 2022) == pytest.approx(-2.0, abs=0.05)


def test_editing_one_area_leaves_the_other_areas_demo_documentation_byte_identical(tmp_path):
    from veedel_lib.demo.documentation import write_demo_documentation

    edited = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, edited)
    areas = edited / "areas.yml"
    text = areas.read_text(encoding="utf-8")
    assert text.count("    stadtteile: [802]\n") == 1
    areas.write_text(text.replace("    stadtteile: [802]\n", "    stadtteile: [802, 806, 807]\n"), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in write_demo_documentation(tmp_path / "before", PARAMETERS)}
    after = {p.name: p.read_bytes() for p in write_demo_documentation(tmp_path / "after", edited)}
    assert set(before) == set(after)
    assert before["kalk.xlsx"] != after["kalk.xlsx"]  # the edited area's pace follows its new size
    assert [name for name in sorted(before) if name != "kalk.xlsx" and before[name] != after[name]] == []


def test_editing_one_areas_definition_leaves_every_demo_statistic_byte_identical(tmp_path):
    """The demo statistics are calibrated against the areas of the published figures (generator.PROGRAMME_AREAS),
    not against the editable areas.yml: Kalk with two more Stadtteile changes no count of any unit."""
    edited = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, edited)
    areas = edited / "areas.yml"
    text = areas.read_text(encoding="utf-8")
    assert text.count("    stadtteile: [802]\n") == 1
    areas.write_text(text.replace("    stadtteile: [802]\n", "    stadtteile: [802, 806, 807]\n"), encoding="utf-8")
    before, after = demo.generate(PARAMETERS), demo.generate(edited)
    assert _digest(before[0]) == _digest(after[0])
    assert _digest(before[1]) == _digest(after[1])
