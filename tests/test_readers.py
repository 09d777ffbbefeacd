"""Reading CSV (BOM or not, ; or , separated, decimal comma or point) and XLSX."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, UNITS_CSV, write
from openpyxl import Workbook

from veedel_lib.errors import DataValidationError
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


def _workbook(path, rows, title="Blatt"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    second = book.create_sheet("Zweites")
    second.append(["a", "b"])
    second.append([_dt.date(2024, 3, 1), 2.5])
    book.save(path)


def test_an_edited_workbook_is_read_anew_and_every_read_is_a_copy(tmp_path):
    """Workbooks are parsed once and kept (issue #16): never a stale or shared table."""
    path = tmp_path / "mappe.xlsx"
    _workbook(path, [["name", "zahl"], ["Kalk", 1]])
    first = read_table(path, sheet="Blatt")
    first.frame.loc[0, "name"] = "geändert"
    assert read_table(path).frame.loc[0, "name"] == "Kalk"
    _workbook(path, [["name", "zahl"], ["Kalk", 2]])  # same size, saved within the same clock tick
    assert read_table(path, sheet="Blatt").frame.loc[0, "zahl"] == "2"
    assert read_table(path, sheet="Zweites").frame.iloc[0].tolist() == ["2024-03-01", "2.5"]
    with pytest.raises(DataValidationError) as caught:
        read_table(path, sheet="Fehlt")
    assert "Tabellenblatt 'Fehlt' fehlt (vorhanden: Blatt, Zweites)" in str(caught.value)


def test_a_problem_in_one_sheet_does_not_stop_reading_another(tmp_path):
    path = tmp_path / "mappe.xlsx"
    _workbook(path, [["name", "zahl"], ["Kalk", 1, "zu viel"]])
    with pytest.raises(DataValidationError) as caught:
        read_table(path, sheet="Blatt")
    assert (caught.value.problems[0].sheet, caught.value.problems[0].row) == ("Blatt", 2)
    assert read_table(path, sheet="Zweites").frame.shape == (1, 2)


# ------------------------------------------------------------------ large files: read column-wise (issue #15, 17)

LAYOUTS = [
    "unit;year;variable;count\n80201;2023;population;1000\n",
    "\ufeffunit;year;variable;count\r\n80201;2023;population;1000\r\n\r\n80202; 2023 ;pop_0_5;  5\r\n;;;\r\n",
    '"unit";"year";"variable";"count"\n"80201";"2023";"population";"1.234"\n"8;0";"2";"a""b";""\n',
    "unit,year,variable,count\n80201,2023,population,1000.5\n",
    "unit\tyear\tvariable\tcount\n80201\t2023\tpopulation\t7\n\n",
    "unit;year;variable;count\n80201;2023;population;1000",
    "unit;year;variable;count\n",
    "unit;year;variable;count\n80201;2023;population;1000;\n",                   # trailing separator
    'unit;year;variable;count\n80201;2023;"popu\nlation";1000\n80202;2023;x;1\n',  # line break in quotes
    'unit;year;variable;count\n80"201;2023;population;1000\n',                    # a quote inside a field
]


@pytest.mark.parametrize("text", LAYOUTS, ids=range(len(LAYOUTS)))
def test_column_wise_reader_reads_what_the_record_reader_reads(tmp_path, text):
    """The fast reader gives the same cells and row numbers as the csv module, or leaves the file to it."""
    from veedel_lib.inputs import readers

    path = write(tmp_path / "s.csv", text)
    table = read_table(path)
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    delimiter = readers._sniff_delimiter(raw.split(b"\n", 1)[0].decode())
    header, frame, rows = readers._read_csv_records(path, raw, "utf-8", delimiter)
    assert list(table.frame.columns) == header
    assert table.frame.values.tolist() == frame.values.tolist()
    assert [int(r) for r in table.rows] == rows


def test_a_clean_file_is_read_column_wise_without_the_record_loop(tmp_path, monkeypatch):
    """Regression: every cell went through a Python loop (62 s and 1.3 GiB for 1.9 million rows)."""
    from veedel_lib.inputs import readers

    def record_loop(*args):
        raise AssertionError("the record loop must not run for a clean file")

    monkeypatch.setattr(readers, "_read_csv_records", record_loop)
    lines = ["unit;year;variable;count"] + [f"{80201 + i % 2};{2000 + i // 2};population;{i}" for i in range(20000)]
    table = read_table(write(tmp_path / "statistics.csv", "\n".join(lines) + "\n"))
    assert len(table.frame) == 20000 and table.rows[0] == 2 and table.rows[-1] == 20001
    parsed = parse_numbers(table.frame["count"], table.decimal)
    assert parsed.values[-1] == 19999 and (parsed.status == "ok").all()


def test_parse_numbers_parses_each_distinct_text_once_with_the_same_result():
    cells = pd.Series(["1.234,5", "1.234,5", " 7 ", "7", "\u00a012", "-", "x", "", "1e3"] * 3)
    comma = parse_numbers(cells, ",")
    assert list(comma.values[:6]) == [1234.5, 1234.5, 7, 7, 12, 0]
    assert list(comma.status[6:9]) == ["suppressed", "missing", "invalid"]
    point = parse_numbers(cells, ".")
    assert point.values[8] == 1000 and point.status[0] == "invalid"


# ------------------------------------------------------------------ mixed number styles (issue #15, item 15)

def test_thousands_dot_among_point_decimals_is_an_error_naming_the_row(small_data):
    """Regression: "1.000" in a column of "3528.00" values was read as 1."""
    write(small_data / "statistics.csv", "unit;year;variable;count\n80201;2023;population;3528.00\n"
          "80201;2023;pop_0_5;1.000\n80202;2023;population;200.00\n80202;2023;pop_0_5;20.00\n"
          "10101;2023;population;3000.00\n10101;2023;pop_0_5;150.00\n")
    from veedel_lib.errors import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        load_dataset(small_data, PARAMETERS, use_cache=False)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "count")
    assert "'1.000' hat einen Tausenderpunkt" in problem.reason and "Zeile 2: '3528.00'" in problem.reason
    assert "gemischte Zahlenformate" in problem.reason


def test_the_rarer_style_is_the_one_named(small_data):
    write(small_data / "statistics.csv", "unit;year;variable;count\n80201;2023;population;1.000\n"
          "80201;2023;pop_0_5;100\n80202;2023;population;2.000\n80202;2023;pop_0_5;20\n"
          "10101;2023;population;3528.00\n10101;2023;pop_0_5;150\n")
    from veedel_lib.errors import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        load_dataset(small_data, PARAMETERS, use_cache=False)
    [problem] = [p for p in caught.value.problems if "gemischte" in p.reason]
    assert problem.row == 6 and "'3528.00' hat einen Dezimalpunkt" in problem.reason


def test_one_style_per_column_stays_valid(small_data):
    write(small_data / "statistics.csv", "unit;year;variable;count\n80201;2023;population;1.000\n"
          "80201;2023;pop_0_5;100\n80202;2023;population;2.000\n80202;2023;pop_0_5;20\n"
          "10101;2023;population;3.528\n10101;2023;pop_0_5;150\n")
    ds = load_dataset(small_data, PARAMETERS, use_cache=False)
    assert sorted(ds.statistics.loc[ds.statistics["variable"] == "population", "count"]) == [1000, 2000, 3528]
