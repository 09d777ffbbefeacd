"""The plan workbook writer: one workbook per area, with drop-downs, checks and an explanation sheet.

The workbook engine (:mod:`veedel_lib.workbook.writer`) writes the sheets of
:data:`veedel_lib.planning.schema.SHEETS` with a bold, frozen header row, drop-down lists (the vocabularies and
the catalogue's indicators) and a sheet "Erläuterungen"; this module adds what belongs to the plans: date, year
and number checks, the area (and the plan period) filled in on empty rows, and the German texts. The same writer
produces the pre-filled workbooks of ``veedel plan-vorlage`` and the demo plans, so they look exactly like a
filled-in template; the same content and date give the same bytes.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd
from openpyxl.worksheet.datavalidation import DataValidation

from ..params.areas import Area
from ..workbook import Column, Sheet
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
from .schema import SHEETS, PlanningConfig

EMPTY_ROWS = 60
"""Empty rows with the area (and period) filled in, below the records of each sheet."""
VALIDATED_ROWS = 1000
"""Rows that carry the drop-downs and checks."""
INTRO = (
    "Je Blatt eine Zeile je Planungszeitraum, Handlungserfordernis, Ziel, Strategie, Maßnahme oder Beschluss. "
    "Gebiet und Planungszeitraum sind vorausgefüllt; Zeilen, in denen nur sie stehen, gelten als leer. Nummern "
    "(H-1, Z-1, S-1, M-1) verknüpfen die Blätter; Maßnahmen verweisen mit der Projekt-Nr. auf Projekte der "
    "Dokumentation der Kernprozesse. Basiswerte der Ziele kommen aus den Daten und werden nicht eingetragen. "
    "Die ausgefüllte Datei gehört als plaene/{area_id}.xlsx in den Datenordner. Ansprechpersonen und "
    "E-Mail-Adressen werden geprüft, aber nie gespeichert oder veröffentlicht; alle anderen Texte sind "
    "öffentlich und nennen Ämter und Organisationen, keine Personen.")

__all__ = ["HELP_SHEET", "write_plan_workbook"]


def _validation(column: Column, config: PlanningConfig, ranges: dict[str, str], area: Area) -> DataValidation | None:
    """The Excel data validation for one column (None where the validator alone checks: text, numbers, links)."""
    if column.type in ("choice", "indicator"):
        return choice_rule(column, ranges)
    if column.type == "area":
        return area_rule(column, area.name)
    optional = not column.required
    if column.type == "date":
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
    return described(rule, column)


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


def _prefill(sheet: Sheet, column: Column, area: Area, period: str | None) -> str | None:
    """What an empty row carries in advance: the area, and the plan period outside the Plan sheet."""
    if column.type == "area":
        return area.name
    if column.type == "period" and period and sheet.key != "plans":
        return period
    return None


def write_plan_workbook(path: str | Path, area: Area, config: PlanningConfig, lists: dict[str, list[str]],
                        records: dict[str, pd.DataFrame] | None = None, period: str | None = None,
                        as_of: _dt.date | None = None) -> Path:
    """Write one plan workbook for ``area``, atomically; ``records`` (sheet name -> rows with the sheet's headers
    as columns) fills it. ``period`` is written into the empty rows; ``as_of`` (default: today) dates the file.

    ``lists`` are the drop-down lists (:func:`veedel_lib.planning.validation.vocabularies`)."""
    as_of = as_of or _dt.date.today()
    workbook, ranges = new_workbook(as_of, lists)
    for sheet in SHEETS:
        frame = None if records is None else records.get(sheet.name)
        write_sheet(workbook, sheet, lambda column: _validation(column, config, ranges, area),
                    validated_rows=VALIDATED_ROWS, header_height=45,
                    rows=(0 if frame is None else len(frame)) + EMPTY_ROWS,
                    prefill=lambda column, sheet=sheet: _prefill(sheet, column, area, period), records=frame)
    rows = [help_row(sheet, column, _allowed(column, lists, area), "ja") for sheet in SHEETS for column in sheet.columns]
    write_help_sheet(workbook, f"Sozialraumgebietsplan – {area.name}", INTRO.format(area_id=area.id),
                     intro_height=90, widths=(20, 30, 60, 26, 8, 45, 22), rows=rows)
    return save_workbook(workbook, path, as_of)
