"""Writing a declared workbook as a template: header row, drop-downs, prefilled rows, help sheet, print setup.

Every template has a bold, frozen header row, drop-down lists kept on a hidden sheet "Listen", the checks a
domain asks for (:class:`openpyxl.worksheet.datavalidation.DataValidation`, within Excel's limits), sensible
column widths, prefilled cells on the empty rows, and a sheet "Erläuterungen" that explains every column in
German. Saving neutralises formula-like texts (:func:`veedel_lib.safe_output.make_workbook_safe`), writes
atomically and stamps one fixed time, so the same content and date give the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..files import atomic_path
from ..safe_output import make_workbook_safe
from .schema import Column, Sheet

LIST_SHEET = "Listen"
HELP_SHEET = "Erläuterungen"
DATE_FORMAT = "DD.MM.YYYY"
MONEY_FORMAT = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
PRIVATE_NOTE = "erscheint nie im Bericht"
HELP_HEADERS = ("Blatt", "Spalte", "Bedeutung", "Einheit / Format", "Pflicht", "Erlaubte Werte", "Im Bericht")
"""The columns of the help sheet: one row per column of every sheet."""
TITLE_LIMIT = 32
"""Excel's longest title of a data validation's message (characters)."""
PROMPT_LIMIT = 255
"""Excel's longest text of a data validation's input message (characters)."""


def print_setup(worksheet) -> None:
    """A4 landscape, all columns on one page width, header row repeated: the sheet prints as a form."""
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.orientation = worksheet.ORIENTATION_LANDSCAPE
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0


def new_workbook(as_of: _dt.date, lists: dict[str, list[str]]) -> tuple[Workbook, dict[str, str]]:
    """An empty workbook dated ``as_of`` with the drop-down ``lists`` on the hidden sheet "Listen".

    Returns the workbook and each list's absolute range ("Listen!$A$2:$A$5") for drop-down rules.
    """
    workbook = Workbook()
    stamp = _dt.datetime(as_of.year, as_of.month, as_of.day)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "veedel"
    workbook.remove(workbook.active)
    sheet = workbook.create_sheet(LIST_SHEET)
    ranges = {}
    for position, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=value)
        ranges[name] = f"{LIST_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return workbook, ranges


def choice_rule(column: Column, ranges: dict[str, str]) -> DataValidation:
    """A drop-down of the column's vocabulary (blank allowed where the column is optional)."""
    rule = DataValidation(type="list", formula1=f"={ranges[column.vocabulary]}", allow_blank=not column.required)
    rule.error = "Bitte einen Wert aus der Liste wählen."
    return described(rule, column)


def area_rule(column: Column, area_name: str) -> DataValidation:
    """A drop-down with the one area the workbook belongs to."""
    rule = DataValidation(type="list", formula1=f'"{area_name}"', allow_blank=False)
    rule.error = "Diese Datei gehört zu genau einem Gebiet."
    return described(rule, column)


def described(rule: DataValidation, column: Column) -> DataValidation:
    """The rule with its error title and the column's help as input message, cut to Excel's limits."""
    rule.errorTitle = f"Ungültiger Wert in „{column.header}“"[:TITLE_LIMIT]
    rule.showErrorMessage = True
    rule.prompt = column.help[:PROMPT_LIMIT]
    rule.promptTitle = column.header[:TITLE_LIMIT]
    rule.showInputMessage = True
    return rule


def cell_value(value: object) -> object:
    """A record's value as openpyxl writes it (NaN and None become empty cells, timestamps dates, lists text)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list):
        return ", ".join(value) or None
    return value


def write_sheet(workbook: Workbook, sheet: Sheet, rule: Callable[[Column], DataValidation | None], *,
                validated_rows: int, header_height: int, rows: int, prefill: Callable[[Column], object],
                records: pd.DataFrame | None = None) -> None:
    """One data sheet: header row, the checks ``rule`` gives each column (rows 2 to ``validated_rows``), the
    first ``rows`` rows below the header prefilled (``prefill``: the value of a column, None for none) and
    formatted (dates, money), then ``records`` (rows with the sheet's headers as columns) from row 2."""
    worksheet = workbook.create_sheet(sheet.name)
    for position, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(position)
        worksheet.column_dimensions[letter].width = column.width
        check = rule(column)
        if check is not None:
            worksheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}{validated_rows}")
    worksheet.freeze_panes = "A2"
    worksheet.row_dimensions[1].height = header_height
    worksheet.print_title_rows = "1:1"
    print_setup(worksheet)
    formats = {"date": DATE_FORMAT, "money": MONEY_FORMAT}
    for row in range(2, rows + 2):
        for position, column in enumerate(sheet.columns, start=1):
            value = prefill(column)
            if value is not None:
                worksheet.cell(row=row, column=position, value=value)
            elif column.type in formats:
                worksheet.cell(row=row, column=position).number_format = formats[column.type]
    if records is not None:
        for row, record in enumerate(records.to_dict("records"), start=2):
            for position, header in enumerate(sheet.headers, start=1):
                if header in record:
                    worksheet.cell(row=row, column=position, value=cell_value(record[header]))


def write_help_sheet(workbook: Workbook, title: str, intro: str, *, intro_height: int, widths: tuple[int, ...],
                     rows: list[list[object]]) -> None:
    """The sheet "Erläuterungen": a title, an introduction, and one row per column (:data:`HELP_HEADERS`)."""
    worksheet = workbook.create_sheet(HELP_SHEET)
    worksheet["A1"] = title
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet["A2"] = intro
    worksheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.merge_cells("A2:G2")
    worksheet.row_dimensions[2].height = intro_height
    for position, (header, width) in enumerate(zip(HELP_HEADERS, widths), start=1):
        cell = worksheet.cell(row=4, column=position, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        worksheet.column_dimensions[get_column_letter(position)].width = width
    for row, values in enumerate(rows, start=5):
        for position, value in enumerate(values, start=1):
            worksheet.cell(row=row, column=position, value=value).alignment = Alignment(wrap_text=True,
                                                                                       vertical="top")
    worksheet.freeze_panes = "A5"
    print_setup(worksheet)


def help_row(sheet: Sheet, column: Column, allowed: str, in_report: str) -> list[object]:
    """The help sheet's row for one column: sheet, header, meaning, unit, required, allowed values, report use."""
    return [sheet.name, column.header, column.help, column.unit or ("Auswahl" if column.vocabulary else ""),
            "ja" if column.required else "nein", allowed, PRIVATE_NOTE if column.private else in_report]


def stable_zip(path: Path, when: _dt.datetime) -> None:
    """Rewrite the xlsx archive with one fixed timestamp, so the same content gives the same bytes
    (input hashes of a run and its archive stay stable when the demo workbooks are regenerated)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":  # openpyxl stamps the saving time as "modified"
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{when:%Y-%m-%dT%H:%M:%SZ}".encode(),
                              data)
            target.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def save_workbook(workbook: Workbook, path: str | Path, as_of: _dt.date) -> Path:
    """Save atomically with the list sheet last, the first sheet active and no cell read as a formula."""
    path = Path(path)
    workbook.move_sheet(LIST_SHEET, offset=len(workbook.sheetnames) - 1)
    workbook.active = 0
    make_workbook_safe(workbook)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
        stable_zip(temporary, _dt.datetime(as_of.year, as_of.month, as_of.day))
    return path
