"""The one workbook engine (issue #30, item 2): a declared sheet is written as a template and read back with each
problem at its file, sheet, row and column, the workbook guards apply to every declared workbook, and every
drop-down check of both domains' templates stays within Excel's limits."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.errors import ProblemCollector
from veedel_lib.params.areas import load_areas
from veedel_lib.workbook import Column, Sheet
from veedel_lib.workbook.reader import SheetReader, read_sheets
from veedel_lib.workbook.schema import repeated_numbers
from veedel_lib.workbook.writer import (
    HELP_SHEET,
    LIST_SHEET,
    PROMPT_LIMIT,
    TITLE_LIMIT,
    choice_rule,
    help_row,
    new_workbook,
    save_workbook,
    write_help_sheet,
    write_sheet,
)

SHEET = Sheet("Besuche", "visits", "Ein Besuch je Zeile.", (
    Column("Gebiet", "area", "area", True, "Gebiet der Datei."),
    Column("Art", "kind", "choice", True, "Art des Besuchs.", vocabulary="arten"),
    Column("Personen (Anzahl)", "persons", "count", True, "Zahl der Personen.", "ganze Zahl ab 0"),
    Column("Kosten (EUR)", "cost", "money", False, "Kosten des Besuchs.", "Euro"),
    Column("Notiz", "note", "text", False, "Notiz.", "Freitext", private=True),
))
LISTS = {"arten": ["Hausbesuch", "Sprechstunde"]}


def _template(path, records=None):
    """A template of :data:`SHEET` for the area Kalk, written by the engine alone."""
    workbook, ranges = new_workbook(dt.date(2025, 3, 4), LISTS)
    write_sheet(workbook, SHEET, lambda c: choice_rule(c, ranges) if c.type == "choice" else None,
                validated_rows=100, header_height=30, rows=5, records=records,
                prefill=lambda c: "Kalk" if c.type == "area" else None)
    write_help_sheet(workbook, "Besuche – Kalk", "Bitte ausfüllen.", intro_height=40, widths=(10,) * 7,
                     rows=[help_row(SHEET, c, "", "ja") for c in SHEET.columns])
    return save_workbook(workbook, path, dt.date(2025, 3, 4))


def _read(path):
    problems = ProblemCollector()
    tables = read_sheets(path, (SHEET,), problems)
    read = SheetReader(tables[SHEET.key], SHEET, problems, LISTS).read() if SHEET.key in tables else None
    return read, [str(p) for p in problems.problems]


def test_a_declared_sheet_is_written_with_its_list_help_sheet_and_prefilled_rows_and_read_back_typed(tmp_path):
    records = pd.DataFrame({"Gebiet": ["Kalk"], "Art": ["Hausbesuch"], "Personen (Anzahl)": [3],
                            "Kosten (EUR)": [12.5], "Notiz": ["privat"]})
    path = _template(tmp_path / "kalk.xlsx", records)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [SHEET.name, HELP_SHEET, LIST_SHEET]
    assert workbook[LIST_SHEET].sheet_state == "hidden"
    assert [c.value for c in workbook[SHEET.name][6]] == ["Kalk", None, None, None, None]  # prefilled, no record
    (positions, values), problems = _read(path)
    assert problems == []
    assert positions == [0]  # the prefilled rows without anything else are not records
    assert values == {"area": ["Kalk"], "kind": ["Hausbesuch"], "persons": [3.0], "cost": [12.5]}  # no private note


def test_each_wrong_cell_of_a_declared_sheet_is_one_problem_naming_file_sheet_row_and_column(tmp_path):
    path = _template(tmp_path / "kalk.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET.name]
    for row, values in ((2, ["Kalk", "Besuch", "2,5", "-1"]), (3, ["Kalk", "", "", "", "nur eine Notiz"])):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    workbook.save(path)
    read, problems = _read(path)
    assert read is not None and read[0] == [0, 1]
    assert set(problems) == {
        "kalk.xlsx, Blatt 'Besuche', Zeile 2, Spalte 'Art': unbekannter Wert 'Besuch' (erlaubt: Hausbesuch, "
        "Sprechstunde)",
        "kalk.xlsx, Blatt 'Besuche', Zeile 2, Spalte 'Personen (Anzahl)': keine ganze Zahl (Wert: 2.5)",
        "kalk.xlsx, Blatt 'Besuche', Zeile 2, Spalte 'Kosten (EUR)': negative Zahl (Wert: -1)",
        "kalk.xlsx, Blatt 'Besuche', Zeile 3, Spalte 'Art': Pflichtangabe fehlt",
        "kalk.xlsx, Blatt 'Besuche', Zeile 3, Spalte 'Personen (Anzahl)': Pflichtangabe fehlt"}


def test_a_merged_cell_in_any_declared_workbook_is_a_problem_naming_the_cells(tmp_path):
    path = _template(tmp_path / "kalk.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET.name]
    sheet["B2"], sheet["C2"] = "Hausbesuch", 4
    sheet.merge_cells("C2:D2")
    workbook.save(path)
    read, problems = _read(path)
    assert any("Blatt 'Besuche'" in p and "C2:D2" in p and "verbunden" in p for p in problems), problems


def test_a_missing_declared_column_and_an_unknown_one_are_problems_at_the_header(tmp_path):
    path = _template(tmp_path / "kalk.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook[SHEET.name]["C1"] = "Leute"
    workbook.save(path)
    read, problems = _read(path)
    assert read is None
    assert "kalk.xlsx, Blatt 'Besuche', Zeile 1, Spalte 'Personen (Anzahl)': Pflichtspalte fehlt" in problems
    assert any(p.startswith("kalk.xlsx, Blatt 'Besuche', Zeile 1, Spalte 'Leute': unbekannte Spalte") for p in problems)


def test_numbers_equal_up_to_leading_zeros_repeat_within_their_group_only():
    records = [("2021–2025", "H-1", 2), ("2021–2025", "H-01", 3), ("2026–2030", "H-1", 4), ("2021–2025", "H-1", 5),
               ("2021–2025", None, 6)]
    assert repeated_numbers(records) == [(1, 2, "H-1"), (3, 2, "H-1")]


@pytest.mark.parametrize("domain", ["kernprozess", "planning"])
def test_every_check_of_a_template_keeps_within_excels_limits_for_titles_and_messages(tmp_path, domain):
    """Excel allows 32 characters for a check's titles and 255 for its message; the Kernprozess templates had
    error titles of up to 54 characters ("Ungültiger Wert in „erreichte Bewohner*innen (Anzahl)“")."""
    area = load_areas(PARAMETERS / "areas.yml").get("kalk")
    if domain == "kernprozess":
        from veedel_lib.kernprozess.schema import load_config
        from veedel_lib.kernprozess.templates import write_workbook

        path = write_workbook(tmp_path / "kalk.xlsx", area, load_config(PARAMETERS), as_of=dt.date(2025, 3, 4))
    else:
        from veedel_lib.params.catalogue import load_catalogue
        from veedel_lib.planning.schema import load_config
        from veedel_lib.planning.templates import write_plan_workbook
        from veedel_lib.planning.validation import vocabularies

        config = load_config(PARAMETERS)
        lists = vocabularies(config, PARAMETERS, load_catalogue(PARAMETERS / "indicators.yml"))
        path = write_plan_workbook(tmp_path / "kalk.xlsx", area, config, lists, as_of=dt.date(2025, 3, 4))
    rules = [r for sheet in openpyxl.load_workbook(path).worksheets for r in sheet.data_validations.dataValidation]
    assert rules
    too_long = [(r.errorTitle, r.promptTitle) for r in rules
                if len(r.errorTitle or "") > TITLE_LIMIT or len(r.promptTitle or "") > TITLE_LIMIT
                or len(r.prompt or "") > PROMPT_LIMIT]
    assert too_long == []
