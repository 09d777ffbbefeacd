"""Excel templates for the Kernprozess documentation: one workbook per area, ready to fill in.

Each workbook has the sheets of :data:`veedel_lib.kernprozess.schema.SHEETS` with a bold, frozen header row,
drop-down lists for the fixed vocabularies (kept on a hidden sheet "Listen"), date and whole-number
validation, sensible column widths and the area column already filled in, plus a sheet "Erläuterungen"
that explains every column in German. The same writer produces the demo documentation, so the demo
files look exactly like a filled-in template.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..files import atomic_path
from ..safe_output import make_workbook_safe
from ..params.run_config import parameters_dir as default_parameters_dir
from .schema import SHEETS, Column, KernprozessConfig, Sheet, load_config

LIST_SHEET = "Listen"
HELP_SHEET = "Erläuterungen"
PREFILLED_ROWS = 300
"""Rows whose area cell is filled in advance (rows with nothing else in them are not records)."""
VALIDATED_ROWS = 2000
"""Rows that carry the drop-downs and checks."""
DATE_FORMAT = "DD.MM.YYYY"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
PRIVATE_NOTE = "erscheint nie im Bericht"


def print_setup(worksheet) -> None:
    """A4 landscape, all columns on one page width, header row repeated: the sheet prints as a form."""
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.orientation = worksheet.ORIENTATION_LANDSCAPE
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0


def _vocabulary_ranges(workbook: Workbook, config: KernprozessConfig) -> dict[str, str]:
    """Write each vocabulary as a column of the hidden sheet "Listen"; returns name -> absolute range."""
    sheet = workbook.create_sheet(LIST_SHEET)
    ranges = {}
    for position, (name, values) in enumerate(config.vocabularies.items(), start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=value)
        ranges[name] = f"{LIST_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _validation(column: Column, config: KernprozessConfig, ranges: dict[str, str],
                area_names: str, as_of: _dt.date) -> DataValidation | None:
    """The Excel data validation for one column (None for free text)."""
    first = f"DATE({config.first_year},1,1)"
    if column.type == "choice":
        rule = DataValidation(type="list", formula1=f"={ranges[column.vocabulary]}", allow_blank=not column.required)
        rule.error = "Bitte einen Wert aus der Liste wählen."
    elif column.type == "area":
        rule = DataValidation(type="list", formula1=f'"{area_names}"', allow_blank=False)
        rule.error = "Diese Datei gehört zu genau einem Gebiet."
    elif column.type == "date":
        rule = DataValidation(type="date", operator="between", formula1=first,
                              formula2=f"DATE({as_of.year + 5},12,31)", allow_blank=not column.required)
        rule.error = f"Bitte ein Datum ab dem 01.01.{config.first_year} eingeben (TT.MM.JJJJ)."
    elif column.type == "count":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=not column.required)
        rule.error = "Bitte eine ganze Zahl ab 0 eingeben."
    elif column.type == "money":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=not column.required)
        rule.error = "Bitte einen Betrag in Euro ab 0 eingeben."
    else:
        return None
    rule.errorTitle = f"Ungültiger Wert in „{column.header}“"
    rule.showErrorMessage = True
    rule.prompt = column.help
    rule.promptTitle = column.header[:32]
    rule.showInputMessage = True
    return rule


def _allowed(column: Column, config: KernprozessConfig, area) -> str:
    if column.type == "choice":
        return "; ".join(config.vocabularies[column.vocabulary])
    if column.type == "area":
        return area.name
    if column.type == "date":
        return f"ab 01.01.{config.first_year}" + ("" if column.header in ("Beginn", "Ende") else ", nicht in der Zukunft")
    if column.type in ("count", "money"):
        return "Zahl ab 0"
    if column.type == "code":
        return "z. B. P-2022-07, jede Nummer nur einmal in der Datei"
    return "beliebiger Text"


def _data_sheet(workbook: Workbook, sheet: Sheet, config: KernprozessConfig, ranges: dict[str, str], area,
                records: pd.DataFrame | None, as_of: _dt.date) -> None:
    worksheet = workbook.create_sheet(sheet.name)
    area_names = area.name
    for position, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(position)
        worksheet.column_dimensions[letter].width = column.width
        rule = _validation(column, config, ranges, area_names, as_of)
        if rule is not None:
            worksheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    worksheet.freeze_panes = "A2"
    worksheet.row_dimensions[1].height = 32
    worksheet.print_title_rows = "1:1"
    print_setup(worksheet)
    count = 0 if records is None else len(records)
    for row in range(2, max(PREFILLED_ROWS, count + 50) + 2):
        for position, column in enumerate(sheet.columns, start=1):
            if column.type == "area":
                worksheet.cell(row=row, column=position, value=area.name)
            elif column.type == "date":
                worksheet.cell(row=row, column=position).number_format = DATE_FORMAT
            elif column.type == "money":
                worksheet.cell(row=row, column=position).number_format = "#,##0.00"
    if records is not None:
        for row, record in enumerate(records.itertuples(index=False), start=2):
            for position, value in enumerate(record, start=1):
                if value is not None and not (isinstance(value, float) and pd.isna(value)):
                    worksheet.cell(row=row, column=position, value=value)


def _help_sheet(workbook: Workbook, config: KernprozessConfig, area) -> None:
    worksheet = workbook.create_sheet(HELP_SHEET)
    worksheet["A1"] = f"Dokumentation der Kernprozesse – {area.name}"
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet["A2"] = ("Bitte je Blatt eine Zeile je Thema, Projekt oder Sitzung ausfüllen. Die Spalte „Gebiet“ ist "
                       "vorausgefüllt; Zeilen, in denen nur das Gebiet steht, gelten als leer. Die ausgefüllte Datei "
                       f"gehört als dokumentation/{area.id}.xlsx in den Datenordner. Freitext- und Personenfelder "
                       "werden geprüft, erscheinen aber nie in einem Bericht.")
    worksheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.merge_cells("A2:G2")
    worksheet.row_dimensions[2].height = 60
    headers = ["Blatt", "Spalte", "Bedeutung", "Einheit / Format", "Pflicht", "Erlaubte Werte", "Im Bericht"]
    widths = [11, 30, 55, 28, 8, 45, 26]
    for position, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = worksheet.cell(row=4, column=position, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        worksheet.column_dimensions[get_column_letter(position)].width = width
    row = 5
    for sheet in SHEETS:
        for column in sheet.columns:
            values = [sheet.name, column.header, column.help, column.unit or ("Auswahl" if column.vocabulary else ""),
                      "ja" if column.required else "nein", _allowed(column, config, area),
                      PRIVATE_NOTE if column.private else
                      "als Nummer (Verweis im Sozialraumgebietsplan)" if column.type == "code" else
                      "nur als Zählung oder Summe"]
            for position, value in enumerate(values, start=1):
                cell = worksheet.cell(row=row, column=position, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    worksheet.freeze_panes = "A5"
    print_setup(worksheet)


def stable_zip(path: Path, when: _dt.datetime) -> None:
    """Rewrite the xlsx archive with one fixed timestamp, so the same content gives the same bytes
    (input hashes of a run and its archive stay stable when the demo documentation is regenerated); the plan
    workbooks (:mod:`veedel_lib.planning.templates`) use it too."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":  # openpyxl stamps the saving time as "modified"
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{when:%Y-%m-%dT%H:%M:%SZ}".encode(),
                              data)
            target.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def write_workbook(path: str | Path, area, config: KernprozessConfig,
                   records: dict[str, pd.DataFrame] | None = None, as_of: _dt.date | None = None) -> Path:
    """Write one documentation workbook for ``area``; ``records`` (sheet name -> rows with the sheet's
    headers as columns, in order) fills it, as for the demo documentation. Written atomically.

    ``as_of`` (default: today) dates the file and sets the latest date the drop-down checks allow
    (five years ahead, for planned projects); the same content and date give the same bytes."""
    path = Path(path)
    as_of = as_of or _dt.date.today()
    workbook = Workbook()
    stamp = _dt.datetime(as_of.year, as_of.month, as_of.day)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "veedel"
    workbook.remove(workbook.active)
    ranges = _vocabulary_ranges(workbook, config)
    for sheet in SHEETS:
        frame = None if records is None else records.get(sheet.name)
        if frame is not None:
            frame = frame[[c.header for c in sheet.columns]]
        _data_sheet(workbook, sheet, config, ranges, area, frame, as_of)
    _help_sheet(workbook, config, area)
    workbook.move_sheet(LIST_SHEET, offset=len(workbook.sheetnames) - 1)
    workbook.active = 0
    make_workbook_safe(workbook)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
        stable_zip(temporary, stamp)
    return path


def write_templates(target_dir: str | Path, parameters_dir: str | Path | None = None,
                    area_ids: list[str] | None = None) -> list[Path]:
    """Write an empty template ``<area_id>.xlsx`` for each area (default: all areas) into ``target_dir``."""
    from ..params.areas import load_areas

    parameters = default_parameters_dir(parameters_dir)
    config = load_config(parameters)
    areas = load_areas(parameters / "areas.yml")
    chosen = [areas.get(a) for a in (area_ids or areas.ids)]
    return [write_workbook(Path(target_dir) / f"{area.id}.xlsx", area, config) for area in chosen]
