"""Reading CSV (BOM or not, ; or , separated, decimal comma or point) and XLSX."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, UNITS_CSV, write
from openpyxl import Workbook

from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.inputs.readers import detect_decimal, parse_numbers, read_table


@pytest.mark.parametrize("encoding,sep", [("utf-8", ";"), ("utf-8-sig", ";"), ("utf-8-sig", ","), ("utf-8", "\t")])
def test_csv_variants_read_the_same(tmp_path, encoding, sep):
    text = f"unit{sep}year{sep}variable{sep}count\n80201{sep}2023{sep}population{sep}1000\n"
    table = read_table(write(tmp_path / "s.csv", text, encoding))
    assert list(table.frame.columns) == ["unit", "year", "variable", "count"]
    assert table.frame.iloc[0].tolist() == ["80201", "2023", "population", "1000"]
    assert table.rows == [2]


def test_quoted_fields_and_windows_1252(tmp_path):
    text = '"unit";"year";"variable";"count"\n"80201";"2023";"population";"1.234"\n'
    table = read_table(write(tmp_path / "s.csv", text, "cp1252"))
    assert table.decimal == ","          # thousands dot means decimal comma
    assert parse_numbers(table.frame["count"], table.decimal).values[0] == 1234


@pytest.mark.parametrize("cells,expected", [
    (["12,5", "3"], ","), (["116107.00"], "."), (["1.234", "5.678"], ","), (["7"], "."),
])
def test_decimal_detection(cells, expected):
    assert detect_decimal(cells, ";") == expected


def test_parse_numbers_statuses():
    parsed = parse_numbers(pd.Series(["1.234,5", "*", "-", "", "1.5", "abc"]), ",")
    assert parsed.values[0] == 1234.5 and parsed.values[2] == 0
    assert list(parsed.status) == ["ok", "suppressed", "ok", "missing", "invalid", "invalid"]
    assert np.isnan(parsed.values[1])


def test_xlsx_input_with_row_numbers(tmp_path):
    folder = tmp_path / "data"
    write(folder / "units.csv", UNITS_CSV)
    book = Workbook()
    sheet = book.active
    sheet.title = "Statistik"
    sheet.append(["unit", "year", "variable", "count"])
    sheet.append(["80201", 2023, "population", 1000])
    sheet.append([80202, 2023, "population", "200"])
    sheet.append([])
    sheet.append(["10101", 2023, "population", -3])
    book.save(folder / "statistics.xlsx")
    from veedel_lib.errors import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder, PARAMETERS, use_cache=False)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Statistik", 5, "count")
    assert "Blatt 'Statistik', Zeile 5" in str(problem)
