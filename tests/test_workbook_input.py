"""Staff workbooks: read by their real cells with bounded memory, and nothing in them lost without a word
(issue #28, item 6 for workbooks and item 7): a sheet reaching XFD1048576 is refused naming file and sheet, merged
cells, formulas without a stored result, error values and dates with trailing text are problems naming the cell,
numbers equal up to leading zeros are an error, and ``veedel validate`` checks the plan workbooks of a data folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib import cli
from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.readers import read_table
from veedel_lib.workbook.reader import parse_date


def _workbook(path, rows, sheet="Ziele"):
    """A one-sheet workbook written by openpyxl (no cached formula results, as scripts write them)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    return workbook, worksheet


def _problems(path, sheet="Ziele"):
    with pytest.raises(DataValidationError) as caught:
        read_table(path, sheet=sheet)
    return caught.value.problems


def test_a_sheet_with_a_cell_at_xfd1048576_is_refused_naming_file_and_sheet_without_killing_the_process(tmp_path):
    path = tmp_path / "weit.xlsx"
    workbook, worksheet = _workbook(path, [["Nr.", "Text"], ["H-1", "a"]])
    worksheet["XFD1048576"] = "fern"
    workbook.save(path)
    assert path.stat().st_size < 30_000
    # in a child process: the old reader aborted the whole process (a Rust allocation failure, 550 GB asked for)
    script = ("from veedel_lib.inputs.readers import read_table\nfrom veedel_lib.errors import DataValidationError\n"
              f"try:\n    read_table({str(path)!r})\nexcept DataValidationError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "weit.xlsx, Blatt 'Ziele': Tabellenblatt reicht mit Zelle XFD1048576 bis Zeile 1.048.576" in done.stdout
    assert "zu groß zum Lesen" in done.stdout


def test_formatted_empty_cells_far_out_do_not_count_as_cells(tmp_path):
    path = tmp_path / "formatiert.xlsx"
    workbook, worksheet = _workbook(path, [["Nr.", "Text"], ["H-1", "a"]])
    workbook.save(path)
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    entries[part] = entries[part].replace(b"</row></sheetData>",
                                          b'</row><row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    assert b"XFD1048576" in entries[part]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    table = read_table(path)
    assert table.frame.to_dict("records") == [{"Nr.": "H-1", "Text": "a"}]


def test_a_part_that_inflates_beyond_its_declared_size_is_refused(tmp_path):
    path = tmp_path / "luege.xlsx"
    workbook, _ = _workbook(path, [["Nr.", "Text"], ["H-1", "a"]])
    workbook.save(path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # the central directory record of the sheet says (at offset 24) it inflates to 10 bytes fewer than it does
    start = 0
    while True:
        start = raw.index(b"PK\x01\x02", start)
        name_length = int.from_bytes(raw[start + 28:start + 30], "little")
        if raw[start + 46:start + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            break
        start += 4
    raw[start + 24:start + 28] = (info.file_size - 10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    problems = _problems(path)
    assert any("xl/worksheets/sheet1.xml" in p.reason and "größer als angegeben" in p.reason for p in problems)


def test_a_mostly_empty_sheet_with_one_cell_far_out_is_refused_so_memory_follows_the_real_cells(tmp_path):
    path = tmp_path / "leer.xlsx"
    workbook, worksheet = _workbook(path, [["a", "b", "c", "d", "e"]])
    worksheet["E1000000"] = 1        # 5.000.000 cells from A1, 6 of them filled: the old reader laid out all of them
    workbook.save(path)
    [problem] = _problems(path)
    assert problem.sheet == "Ziele" and "reicht bis Zelle E1000000" in problem.reason
    assert "hat aber nur 6 gefüllte Zellen: zu leer zum Lesen" in problem.reason


def test_a_part_compressed_like_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bombe.xlsx"
    workbook, _ = _workbook(path, [["Nr.", "Text"], ["H-1", "a"]])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    entries["xl/sharedStrings.xml"] = b"<sst>" + b" " * (4 * 2**20) + b"</sst>"   # 4 MB of blanks: about 1000-fold
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    assert path.stat().st_size < 20_000
    problems = _problems(path)
    assert [p.sheet for p in problems] == [None]
    assert "der Teil 'xl/sharedStrings.xml' ist" in problems[0].reason and "ZIP-Bombe" in problems[0].reason


def test_merged_cells_with_a_value_are_a_problem_naming_the_range(tmp_path):
    path = tmp_path / "verbunden.xlsx"
    workbook, worksheet = _workbook(path, [["Nr.", "Handlungsfeld"], ["H-1", "Wohnen"], ["H-2", None]])
    worksheet.merge_cells("B2:B3")
    workbook.save(path)
    problems = _problems(path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Ziele", 2, "Handlungsfeld")]
    assert "verbundene Zellen B2:B3: der Wert 'Wohnen' steht nur in B2" in problems[0].reason


def test_a_formula_without_a_stored_result_is_a_problem_naming_the_cell(tmp_path):
    path = tmp_path / "formel.xlsx"
    workbook, worksheet = _workbook(path, [["Nr.", "Budget"], ["M-1", 100], ["M-2", "=B2*2"]])
    workbook.save(path)
    problems = _problems(path)
    assert [(p.row, p.column) for p in problems] == [(3, "Budget")]
    assert problems[0].reason.startswith("Zelle B3 enthält eine Formel ohne gespeichertes Ergebnis")


def test_error_values_are_problems_naming_the_cell(tmp_path):
    path = tmp_path / "fehler.xlsx"
    codes = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
    workbook, worksheet = _workbook(path, [["Nr.", "Wert"], *[[f"Z-{i}", code] for i, code in enumerate(codes, 1)],
                                           ["Z-8", "#WERT!"]])
    workbook.save(path)
    assert worksheet["B2"].data_type == "e"  # openpyxl stores these as error values, as Excel does
    problems = {(p.row, p.column): p.reason for p in _problems(path)}
    assert problems[(2, "Wert")] == "Zelle B2 enthält den Fehlerwert #DIV/0!: der Wert kann nicht gelesen werden"
    assert problems[(3, "Wert")].startswith("Zelle B3 enthält den Fehlerwert #NV (#N/A)")
    assert problems[(4, "Wert")].startswith("Zelle B4 enthält den Fehlerwert #WERT! (#VALUE!)")
    assert set(problems) == {(row, "Wert") for row in range(2, 9)} | {(9, None)}
    assert problems[(9, None)] == "Zelle B9 enthält den Fehlerwert #WERT! als Text"


def test_a_date_with_trailing_text_is_no_date():
    assert parse_date("2021-01-29 bis 2021-03-31") is None
    assert parse_date("2021-01-29") == parse_date("29.01.2021") == parse_date("2021-01-29 00:00:00")


def _plan_folder(demo, tmp_path):
    """A data folder with the demo's statistics, Kalk's documentation and plan, and parameters with Kalk only."""
    folder = tmp_path / "daten"
    shutil.copytree(demo.data_dir, folder, ignore=shutil.ignore_patterns("plaene", "dokumentation", ".demo"))
    for sub in ("plaene", "dokumentation"):
        (folder / sub).mkdir()
        shutil.copy2(demo.data_dir / sub / "kalk.xlsx", folder / sub / "kalk.xlsx")
    parameters = tmp_path / "parameter"
    shutil.copytree(PARAMETERS, parameters)
    areas = (PARAMETERS / "areas.yml").read_text(encoding="utf-8")
    kalk = next(block for block in areas.split("\n  - ") if "id: kalk" in block)
    (parameters / "areas.yml").write_text(areas.split("\n  - ")[0] + "\n  - " + kalk.rstrip() + "\n",
                                          encoding="utf-8")
    return folder, parameters


def _set(path, sheet, row, header, value):
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    column = [c.value for c in worksheet[1]].index(header) + 1
    worksheet.cell(row=row, column=column).value = value
    workbook.save(path)
    return f"{openpyxl.utils.get_column_letter(column)}{row}"


def test_validate_checks_the_plan_workbooks_and_never_says_valid_with_their_errors(demo, tmp_path, capsys):
    folder, parameters = _plan_folder(demo, tmp_path)
    assert cli.main(["--parameters", str(parameters), "validate", str(folder)]) == 0
    assert "Gültig" in capsys.readouterr().out
    path = folder / "plaene" / "kalk.xlsx"
    _set(path, "Maßnahmen", 2, "Budget geplant (EUR)", "zwanzigtausend")
    code = cli.main(["--parameters", str(parameters), "validate", str(folder)])
    output = capsys.readouterr()
    assert code == 2
    assert "Gültig" not in output.out
    assert "kalk.xlsx, Blatt 'Maßnahmen', Zeile 2, Spalte 'Budget geplant (EUR)'" in output.out + output.err


def test_numbers_equal_up_to_leading_zeros_are_an_error_naming_both_rows(demo, tmp_path):
    import dataclasses

    from veedel_lib.planning import load_plans

    folder, _ = _plan_folder(demo, tmp_path)
    ds = dataclasses.replace(demo, data_dir=folder)
    path = folder / "plaene" / "kalk.xlsx"
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["Handlungserfordernisse"].iter_rows(values_only=True))
    numbers = [r[rows[0].index("Nr.")] for r in rows[1:]]
    first, second = numbers[0], numbers[1]
    assert first != second and first.startswith("H-")
    _set(path, "Handlungserfordernisse", 3, "Nr.", first.replace("H-", "H-0"))     # H-1 and H-01
    with pytest.raises(DataValidationError) as caught:
        load_plans(ds, PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    leading = first.replace("H-", "H-0")
    assert found[("Handlungserfordernisse", 3, "Nr.")] == (
        f"Nummer {leading} gleicht {first} in Zeile 2 bis auf führende Nullen: das wären zwei verschiedene Nummern "
        "(bitte eine davon ändern)")


def test_project_numbers_equal_up_to_leading_zeros_are_an_error_naming_both_rows(tmp_path):
    import datetime as dt

    from veedel_lib.kernprozess.documentation import load_documentation
    from veedel_lib.kernprozess.templates import write_templates

    (path,) = write_templates(tmp_path / "daten" / "dokumentation", PARAMETERS, ["kalk"])
    row = ["Wohnen", dt.datetime(2023, 3, 1), None, "laufend", 1000, 500, 1, 10, "Name", None]
    workbook = openpyxl.load_workbook(path)
    for offset, number in enumerate(["P-2023-07", "P-2023-007"]):
        for column, value in enumerate(["Kalk", number, *row], start=1):
            workbook["Projekte"].cell(row=2 + offset, column=column, value=value)
    workbook.save(path)
    with pytest.raises(DataValidationError) as caught:
        load_documentation(tmp_path / "daten", PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    assert found == {("Projekte", 3, "Projekt-Nr."): "Projektnummer P-2023-007 gleicht P-2023-07 in Zeile 2 bis auf "
                                                     "führende Nullen: das wären zwei verschiedene Nummern (bitte "
                                                     "eine davon ändern)"}


def test_the_guards_column_letters_are_openpyxls_for_every_excel_column():
    from openpyxl.utils import column_index_from_string, get_column_letter

    from veedel_lib.inputs import workbook_guard

    for column in range(1, 16_385):
        letters = get_column_letter(column)
        assert workbook_guard.get_column_letter(column) == letters
        assert workbook_guard.column_index_from_string(letters) == column_index_from_string(letters) == column
