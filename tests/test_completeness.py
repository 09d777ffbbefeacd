"""Missing rows are reported, not papered over: ``Dataset.gaps`` and ``Dataset.gaps_for`` (issue #15, item 4).

Every unit needs a row in every year of a variable (a suppressed value is a row with "*"); a year without
any row inside a variable's span is a gap year, except for election variables. Gaps are warnings: the
data load, and the reports name the gaps where a figure cannot be computed.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS

from veedel_lib.inputs.dataset import load_dataset

ELECTIONS = {"electorate", "voters"}


@pytest.fixture
def demo_copy(tmp_path, demo):
    """A copy of the demo data folder (units.csv and statistics.csv) to cut rows from."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("units.csv", "statistics.csv"):
        shutil.copy(demo.data_dir / name, folder / name)
    return folder


def without(folder, keep) -> None:
    """Remove the statistics rows for which ``keep(line)`` is False (the header stays)."""
    path = folder / "statistics.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(line for line in lines[1:] if keep(line)), encoding="utf-8")


def test_the_demo_data_are_complete(demo):
    assert demo.gaps == []
    assert demo.gaps_for() == []


def test_one_deleted_row_is_named_by_unit_variable_and_year(demo_copy):
    """Regression: deleting 10101;2024;sgb2_recipients validated and ran with exit code 0 (item 4)."""
    without(demo_copy, lambda line: not line.startswith("10101;2024;sgb2_recipients;"))
    ds = load_dataset(demo_copy, PARAMETERS, use_cache=False)
    [gap] = ds.gaps
    assert (gap.units, gap.variables, gap.years, gap.column) == (("10101",), ("sgb2_recipients",), (2024,),
                                                                   "variable")
    assert gap.file.endswith("statistics.csv") and gap.row is None
    assert "Einheit 10101 (Altstadt-Süd 1): keine Zeile für sgb2_recipients im Jahr 2024" in gap.reason
    quote = ds.catalogue.indicator("sgb2_quote")
    variables = quote.numerator + quote.denominator
    assert ds.gaps_for(ds.unit_ids("kalk"), variables, 2024) == []
    assert ds.gaps_for(["10101", "10102"], variables, 2024) == [gap]
    assert ds.gaps_for(None, variables, 2024) == [gap]                 # the city total
    assert ds.gaps_for(None, variables, 2023) == []
    assert ds.gaps_for(["10101"], ["population"], 2024) == []


def test_a_missing_stadtteil_is_one_line(demo_copy):
    without(demo_copy, lambda line: not line.startswith("802"))
    ds = load_dataset(demo_copy, PARAMETERS, use_cache=False)
    [gap] = ds.gaps
    kalk = sorted(ds.units.loc[ds.units["stadtteil_nr"] == 802, "unit_id"])
    assert gap.column == "unit" and sorted(gap.units) == kalk and gap.variables == () and gap.years == ()
    assert gap.reason.startswith(f"Stadtteil 802 (Kalk) fehlt ganz: keine Zeile für seine {len(kalk)} Einheiten")
    assert ds.gaps_for(ds.unit_ids("kalk"), ["population"], 2024) == [gap]
    assert ds.gaps_for(ds.unit_ids("bilderstoeckchen"), ["population"], 2024) == []


def test_a_gap_year_is_reported_once_and_elections_are_exempt(demo_copy):
    without(demo_copy, lambda line: ";2022;" not in line)
    ds = load_dataset(demo_copy, PARAMETERS, use_cache=False)
    [gap] = ds.gaps
    assert gap.column == "year" and gap.years == (2022,) and gap.units == ()
    assert set(gap.variables) == set(ds.statistics["variable"]) - ELECTIONS
    assert "fehlen für alle Einheiten im Jahr 2022" in gap.reason
    assert ds.gaps_for(["10101"], ["population"], 2022) == [gap] and ds.gaps_for(None, None, 2021) == []


def test_election_variables_still_need_every_unit_in_their_years(demo_copy):
    without(demo_copy, lambda line: not line.startswith("10101;2020;voters;"))
    ds = load_dataset(demo_copy, PARAMETERS, use_cache=False)
    [gap] = ds.gaps
    assert (gap.units, gap.variables, gap.years) == (("10101",), ("voters",), (2020,))


def test_a_unit_missing_a_whole_year_is_one_line(demo_copy):
    without(demo_copy, lambda line: not line.startswith("10101;2023;"))
    ds = load_dataset(demo_copy, PARAMETERS, use_cache=False)
    [gap] = ds.gaps
    assert gap.units == ("10101",) and gap.years == (2023,) and len(gap.variables) == 23
    assert "keine Zeile für alle 23 Variablen im Jahr 2023" in gap.reason


def test_gaps_survive_the_prepared_dataset_cache(demo_copy):
    without(demo_copy, lambda line: not line.startswith("10101;2024;sgb2_recipients;"))
    first = load_dataset(demo_copy, PARAMETERS)
    from veedel_lib.inputs import dataset

    dataset._IN_MEMORY.clear()
    again = load_dataset(demo_copy, PARAMETERS)                       # read back from the pickle
    assert again.gaps == first.gaps and len(again.gaps) == 1
