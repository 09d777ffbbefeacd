"""Excel templates for the Kernprozess documentation: one workbook per area, ready to fill in.

The workbook engine (:mod:`veedel_lib.workbook.writer`) writes the sheets of
:data:`veedel_lib.kernprozess.schema.SHEETS` with a bold, frozen header row, drop-down lists for the fixed
vocabularies and a sheet "Erläuterungen"; this module adds what belongs to the documentation: date and
whole-number checks, the area column filled in on the first rows, and the German texts. The same writer
produces the demo documentation, so the demo files look exactly like a filled-in template.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd
from openpyxl.worksheet.datavalidation import DataValidation

from ..params.run_config import parameters_dir as default_parameters_dir
from ..workbook import Column
from ..workbook.writer import (
    HELP_SHEET,
    area_rule,
    choice_rule,
    described,
    help_row,
    new_workbook,
    save_workbook,
    write_help_sheet,
    write_sheet,
)
from .schema import SHEETS, KernprozessConfig, load_config

PREFILLED_ROWS = 300
"""Rows whose area cell is filled in advance (rows with nothing else in them are not records)."""
VALIDATED_ROWS = 2000
"""Rows that carry the drop-downs and checks."""
INTRO = ("Bitte je Blatt eine Zeile je Thema, Projekt oder Sitzung ausfüllen. Die Spalte „Gebiet“ ist "
         "vorausgefüllt; Zeilen, in denen nur das Gebiet steht, gelten als leer. Die ausgefüllte Datei "
         "gehört als dokumentation/{area_id}.xlsx in den Datenordner. Freitext- und Personenfelder "
         "werden geprüft, erscheinen aber nie in einem Bericht.")

__all__ = ["HELP_SHEET", "write_templates", "write_workbook"]


def _validation(column: Column, config: KernprozessConfig, ranges: dict[str, str], area,
                as_of: _dt.date) -> DataValidation | None:
    """The Excel data validation for one column (None for free text and numbers)."""
    if column.type == "choice":
        return choice_rule(column, ranges)
    if column.type == "area":
        return area_rule(column, area.name)
    optional = not column.required
    if column.type == "date":
        rule = DataValidation(type="date", operator="between", formula1=f"DATE({config.first_year},1,1)",
                              formula2=f"DATE({as_of.year + 5},12,31)", allow_blank=optional)
        rule.error = f"Bitte ein Datum ab dem 01.01.{config.first_year} eingeben (TT.MM.JJJJ)."
    elif column.type == "count":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=optional)
        rule.error = "Bitte eine ganze Zahl ab 0 eingeben."
    elif column.type == "money":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=optional)
        rule.error = "Bitte einen Betrag in Euro ab 0 eingeben."
    else:
        return None
    return described(rule, column)


def _allowed(column: Column, config: KernprozessConfig, area) -> str:
    """What a column accepts, for the explanation sheet."""
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


def _help_rows(config: KernprozessConfig, area) -> list[list[object]]:
    """One row of the explanation sheet per column of every sheet."""
    return [help_row(sheet, column, _allowed(column, config, area),
                     "als Nummer (Verweis im Sozialraumgebietsplan)" if column.type == "code" else
                     "nur als Zählung oder Summe")
            for sheet in SHEETS for column in sheet.columns]


def write_workbook(path: str | Path, area, config: KernprozessConfig,
                   records: dict[str, pd.DataFrame] | None = None, as_of: _dt.date | None = None) -> Path:
    """Write one documentation workbook for ``area``; ``records`` (sheet name -> rows with the sheet's
    headers as columns, in order) fills it, as for the demo documentation. Written atomically.

    ``as_of`` (default: today) dates the file and sets the latest date the drop-down checks allow
    (five years ahead, for planned projects); the same content and date give the same bytes."""
    as_of = as_of or _dt.date.today()
    workbook, ranges = new_workbook(as_of, config.vocabularies)
    for sheet in SHEETS:
        frame = None if records is None else records.get(sheet.name)
        if frame is not None:
            frame = frame[sheet.headers]
        write_sheet(workbook, sheet, lambda column: _validation(column, config, ranges, area, as_of),
                    validated_rows=VALIDATED_ROWS, header_height=32,
                    rows=max(PREFILLED_ROWS, (0 if frame is None else len(frame)) + 50),
                    prefill=lambda column: area.name if column.type == "area" else None, records=frame)
    write_help_sheet(workbook, f"Dokumentation der Kernprozesse – {area.name}", INTRO.format(area_id=area.id),
                     intro_height=60, widths=(11, 30, 55, 28, 8, 45, 26), rows=_help_rows(config, area))
    return save_workbook(workbook, path, as_of)


def write_templates(target_dir: str | Path, parameters_dir: str | Path | None = None,
                    area_ids: list[str] | None = None) -> list[Path]:
    """Write an empty template ``<area_id>.xlsx`` for each area (default: all areas) into ``target_dir``."""
    from ..params.areas import load_areas

    parameters = default_parameters_dir(parameters_dir)
    config = load_config(parameters)
    areas = load_areas(parameters / "areas.yml")
    chosen = [areas.get(a) for a in (area_ids or areas.ids)]
    return [write_workbook(Path(target_dir) / f"{area.id}.xlsx", area, config) for area in chosen]
