"""The plan workbook writer: one workbook per area, with drop-downs, checks and an explanation sheet.

Each workbook has the sheets of :data:`veedel_lib.planning.schema.SHEETS` with a bold, frozen header row,
drop-down lists for the vocabularies and the catalogue's indicators (kept on a hidden sheet "Listen"), date,
year and number checks, sensible widths, the area (and the plan period) filled in on empty rows, and a sheet
"Erläuterungen" that explains every column in German. The same writer produces the pre-filled workbooks of
``veedel plan-vorlage`` and the demo plans, so they look exactly like a filled-in template; the same content
and date give the same bytes.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..files import atomic_path
from ..safe_output import make_workbook_safe
from ..kernprozess.templates import DATE_FORMAT, HEADER_FILL, print_setup, stable_zip
from ..params.areas import Area
from .schema import SHEETS, Column, PlanningConfig, Sheet

LIST_SHEET = "Listen"
HELP_SHEET = "Erläuterungen"
EMPTY_ROWS = 60
"""Empty rows with the area (and period) filled in, below the records of each sheet."""
VALIDATED_ROWS = 1000
"""Rows that carry the drop-downs and checks."""
PRIVATE_NOTE = "erscheint nie im Bericht"


def _vocabulary_ranges(workbook: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Write each list as a column of the hidden sheet "Listen"; returns name -> absolute range."""
    sheet = workbook.create_sheet(LIST_SHEET)
    ranges = {}
    for position, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=value)
        ranges[name] = f"{LIST_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _validation(column: Column, config: PlanningConfig, ranges: dict[str, str], area: Area) -> DataValidation | None:
    """The Excel data validation for one column (None where the validator alone checks: text, numbers, links)."""
    optional = not column.required
    if column.type in ("choice", "indicator"):
        rule = DataValidation(type="list", formula1=f"={ranges[column.vocabulary]}", allow_blank=optional)
        rule.error = "Bitte einen Wert aus der Liste wählen."
    elif column.type == "area":
        rule = DataValidation(type="list", formula1=f'"{area.name}"', allow_blank=False)
        rule.error = "Diese Datei gehört zu genau einem Gebiet."
    elif column.type == "date":
        rule = DataValidation(type="date", operator="greaterThanOrEqual", formula1=f"DATE({config.first_year},1,1)",
                              allow_blank=optional)
        rule.error = f"Bitte ein Datum ab dem 01.01.{config.first_year} eingeben (TT.MM.JJJJ)."
    elif column.type == "year":
        rule = DataValidation(type="whole", operator="between", formula1=str(config.first_year), formula2="2100",
                              allow_blank=optional)
        rule.error = f"Bitte ein Jahr ab {config.first_year} eingeben (JJJJ)."
    elif column.type in ("money", "number"):
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=optional)
        rule.error = "Bitte eine Zahl ab 0 eingeben (ohne Einheit)."
    else:
        return None
    rule.errorTitle = f"Ungültiger Wert in „{column.header}“"[:32]
    rule.showErrorMessage = True
    rule.prompt = column.help[:255]
    rule.promptTitle = column.header[:32]
    rule.showInputMessage = True
    return rule


def _allowed(column: Column, lists: dict[str, list[str]], area: Area) -> str:
    """What a column accepts, for the explanation sheet."""
    if column.type == "choice":
        return "; ".join(lists[column.vocabulary])
    texts = {"indicator": "ein Indikator aus indicators.yml (Liste)", "area": area.name,
             "period": "JJJJ–JJJJ, z. B. 2021–2025", "code": f"{column.prefix}-1, {column.prefix}-2, ...",
             "refs": "Nummern, durch Komma getrennt", "year": "Jahr (JJJJ)", "number": "Zahl ab 0",
             "money": "Betrag in Euro ab 0", "date": "Datum (TT.MM.JJJJ)", "drucksache": "z. B. 1234/2021",
             "person": "Name (wird nicht gespeichert)", "email": "E-Mail-Adresse (wird nicht gespeichert)"}
    return texts.get(column.type, "Text (ohne Namen von Personen)")


def _cell_value(value: object) -> object:
    """A record's value as openpyxl writes it (NaN and None become empty cells, timestamps dates)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list):
        return ", ".join(value) or None
    return value


def _data_sheet(workbook: Workbook, sheet: Sheet, config: PlanningConfig, ranges: dict[str, str], area: Area,
                records: pd.DataFrame | None, period: str | None) -> None:
    worksheet = workbook.create_sheet(sheet.name)
    for position, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(position)
        worksheet.column_dimensions[letter].width = column.width
        rule = _validation(column, config, ranges, area)
        if rule is not None:
            worksheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    worksheet.freeze_panes = "A2"
    worksheet.row_dimensions[1].height = 45
    worksheet.print_title_rows = "1:1"
    print_setup(worksheet)
    count = 0 if records is None else len(records)
    for row in range(2, count + EMPTY_ROWS + 2):
        for position, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=row, column=position)
            if column.type == "area":
                cell.value = area.name
            elif column.type == "period" and period and sheet.key != "plans":
                cell.value = period
            elif column.type == "date":
                cell.number_format = DATE_FORMAT
            elif column.type == "money":
                cell.number_format = "#,##0.00"
    if records is not None:
        headers = [c.header for c in sheet.columns]
        for row, record in enumerate(records.to_dict("records"), start=2):
            for position, header in enumerate(headers, start=1):
                if header in record:
                    worksheet.cell(row=row, column=position, value=_cell_value(record[header]))


def _help_sheet(workbook: Workbook, lists: dict[str, list[str]], area: Area) -> None:
    worksheet = workbook.create_sheet(HELP_SHEET)
    worksheet["A1"] = f"Sozialraumgebietsplan – {area.name}"
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet["A2"] = (
        "Je Blatt eine Zeile je Planungszeitraum, Handlungserfordernis, Ziel, Strategie, Maßnahme oder Beschluss. "
        "Gebiet und Planungszeitraum sind vorausgefüllt; Zeilen, in denen nur sie stehen, gelten als leer. Nummern "
        "(H-1, Z-1, S-1, M-1) verknüpfen die Blätter; Maßnahmen verweisen mit der Projekt-Nr. auf Projekte der "
        "Dokumentation der Kernprozesse. Basiswerte der Ziele kommen aus den Daten und werden nicht eingetragen. "
        f"Die ausgefüllte Datei gehört als plaene/{area.id}.xlsx in den Datenordner. Ansprechpersonen und "
        "E-Mail-Adressen werden geprüft, aber nie gespeichert oder veröffentlicht; alle anderen Texte sind "
        "öffentlich und nennen Ämter und Organisationen, keine Personen.")
    worksheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.merge_cells("A2:G2")
    worksheet.row_dimensions[2].height = 90
    headers = ["Blatt", "Spalte", "Bedeutung", "Einheit / Format", "Pflicht", "Erlaubte Werte", "Im Bericht"]
    widths = [20, 30, 60, 26, 8, 45, 22]
    for position, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = worksheet.cell(row=4, column=position, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        worksheet.column_dimensions[get_column_letter(position)].width = width
    row = 5
    for sheet in SHEETS:
        for column in sheet.columns:
            values = [sheet.name, column.header, column.help,
                      column.unit or ("Auswahl" if column.vocabulary else ""), "ja" if column.required else "nein",
                      _allowed(column, lists, area), PRIVATE_NOTE if column.private else "ja"]
            for position, value in enumerate(values, start=1):
                worksheet.cell(row=row, column=position, value=value).alignment = Alignment(wrap_text=True,
                                                                                           vertical="top")
            row += 1
    worksheet.freeze_panes = "A5"
    print_setup(worksheet)


def write_plan_workbook(path: str | Path, area: Area, config: PlanningConfig, lists: dict[str, list[str]],
                        records: dict[str, pd.DataFrame] | None = None, period: str | None = None,
                        as_of: _dt.date | None = None) -> Path:
    """Write one plan workbook for ``area``, atomically; ``records`` (sheet name -> rows with the sheet's headers
    as columns) fills it. ``period`` is written into the empty rows; ``as_of`` (default: today) dates the file.

    ``lists`` are the drop-down lists (:func:`veedel_lib.planning.validation.vocabularies`)."""
    path = Path(path)
    as_of = as_of or _dt.date.today()
    workbook = Workbook()
    stamp = _dt.datetime(as_of.year, as_of.month, as_of.day)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "veedel"
    workbook.remove(workbook.active)
    ranges = _vocabulary_ranges(workbook, lists)
    for sheet in SHEETS:
        _data_sheet(workbook, sheet, config, ranges, area, None if records is None else records.get(sheet.name),
                    period)
    _help_sheet(workbook, lists, area)
    workbook.move_sheet(LIST_SHEET, offset=len(workbook.sheetnames) - 1)
    workbook.active = 0
    make_workbook_safe(workbook)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
        stable_zip(temporary, stamp)
    return path
