"""Independent tests of the input validation (``veedel_lib/inputs/validation.py``; issue #30 item 9).

The allowed data years are written out from the rule (Cologne's boundaries since the municipal reform of 1975, up
to the current calendar year, taken from the clock here), not taken from the module. Tiny data folders only.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write

from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.dataset import load_dataset


def _load(folder, rows):
    write(folder / "statistics.csv", statistics_rows(rows))
    return load_dataset(folder, PARAMETERS, use_cache=False)


def _year_problems(folder, rows) -> list[tuple[int, str]]:
    with pytest.raises(DataValidationError) as caught:
        _load(folder, rows)
    return [(p.row, p.column) for p in caught.value.problems if "Jahr außerhalb" in p.reason]


def test_the_current_calendar_year_and_1975_are_allowed_data_years(small_data):
    this_year = datetime.date.today().year
    rows = VALID_ROWS + [("80201", this_year, "population", 900), ("80201", 1975, "population", 800)]
    ds = _load(small_data, rows)
    assert sorted(set(ds.statistics["year"])) == [1975, 2023, this_year]


def test_next_year_and_1974_are_refused_naming_their_rows(small_data):
    this_year = datetime.date.today().year
    rows = VALID_ROWS + [("80201", this_year + 1, "population", 900), ("80201", 1974, "population", 800)]
    assert _year_problems(small_data, rows) == [(8, "year"), (9, "year")]
