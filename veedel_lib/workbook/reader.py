"""Reading a declared workbook back: typed values, each problem at its file, sheet, row and column.

The cells come from :func:`veedel_lib.inputs.readers.read_table`, which holds the workbook guards once (a
bounded scan of huge used ranges, merged cells, formulas without a cached value, error cells): every domain's
workbook is read through it. :class:`SheetReader` checks the header against the declaration, keeps the rows
with content besides the prefilled cells, types the number columns, the drop-down choices and the dates the
same way for every domain, and hands every other type to the domain (:meth:`SheetReader.typed`). Problems are
collected, never raised one by one; private columns are checked and never kept.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, ProblemCollector
from ..inputs.readers import RawTable, count_problem, money_problem, number_text_problem, parse_numbers, read_table
from .schema import NUMBER_TYPES, PREFILLED_TYPES, Column, Sheet

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
FRAME_TYPES = {"count": "int64", "money": float, "number": float, "year": "Int64"}
"""The dtype of each typed column in a finished table (dates become datetimes, everything else objects)."""


def parse_date(text: str) -> _dt.date | None:
    """A date from ISO (as the reader writes Excel dates) or German "TT.MM.JJJJ" text; None if not a date.

    The whole text must be the date (an ISO date may carry the time 00:00): "2021-01-29 bis 2021-03-31" is no date,
    rather than the first of the two with the rest dropped.
    """
    text = text.strip()
    try:
        match = _GERMAN_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _dt.date(year, month, day)
        match = _ISO_DATE.match(text)
        return _dt.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        return None


def normal(text: object) -> str:
    """Text compared as a reader sees it: blanks collapsed, case folded."""
    return " ".join(str(text).split()).casefold()


def read_sheets(path: Path, sheets: tuple[Sheet, ...], problems: ProblemCollector) -> dict[str, RawTable]:
    """The cells of each declared sheet by sheet key; a sheet that cannot be read adds its problems instead."""
    tables = {}
    for sheet in sheets:
        try:
            tables[sheet.key] = read_table(path, sheet=sheet.name)
        except DataValidationError as exc:
            problems.extend(exc.problems)
    return tables


class SheetReader:
    """Types one sheet of one workbook against its declaration, collecting problems in ``problems``."""

    def __init__(self, table: RawTable, sheet: Sheet, problems: ProblemCollector,
                 lists: dict[str, list[str]] | None = None):
        self.table, self.sheet, self.problems = table, sheet, problems
        self.lists = lists or {}
        """The drop-down lists by name: what a "choice" column allows."""

    def add(self, position: int, header: str, reason: str) -> None:
        """A problem at the record in ``position`` (0-based) and the column ``header``."""
        self.problems.extend([self.table.problem(position, header, reason)])

    def read(self) -> tuple[list[int], dict[str, list]] | None:
        """The positions of the records and the typed values of each public column by key; None (with the
        problems added) when a declared column is missing. An unknown column is a problem, too."""
        frame = self.table.frame
        expected = self.sheet.headers
        missing = [h for h in expected if h not in frame.columns]
        for header in missing:
            self.problems.extend([self.table.file_problem("Pflichtspalte fehlt", header)])
        for header in frame.columns:
            if header not in expected:
                self.problems.extend([self.table.file_problem(
                    f"unbekannte Spalte (erlaubt: {', '.join(expected)})", header)])
        if missing:
            return None
        others = [c.header for c in self.sheet.columns if c.type not in PREFILLED_TYPES]
        filled = frame[others].astype(str).apply(lambda s: s.str.strip() != "").any(axis=1)
        keep = [i for i, f in enumerate(filled) if f]
        frame = frame.iloc[keep].reset_index(drop=True)
        values = {}
        for column in self.sheet.columns:
            typed = self._column(frame[column.header], column, keep)
            if not column.private:
                values[column.key] = typed
        return keep, values

    def rows(self, positions: list[int]) -> list[int]:
        """The spreadsheet rows of the records at ``positions``."""
        return [self.table.rows[i] for i in positions]

    def _column(self, cells: pd.Series, column: Column, positions: list[int]) -> list:
        if column.type in NUMBER_TYPES:
            return self.numbers(cells, column, positions)
        values: list = []
        for cell, position in zip(cells, positions):
            text = str(cell).strip()
            if text == "":
                if column.required:
                    self.add(position, column.header, "Pflichtangabe fehlt")
                values.append(self.empty(column))
            else:
                values.append(self.typed(text, column, position))
        return values

    def empty(self, column: Column) -> object:
        """The value of an empty cell (None; a domain may prefer e.g. an empty list)."""
        return None

    def typed(self, text: str, column: Column, position: int) -> object:
        """The value of a filled, non-number cell: a "choice" of its list, a "date"; the text of any other type
        (a domain types its own columns and hands the common ones to this method)."""
        if column.type == "choice":
            return self.choice(text, column, position, self.lists[column.vocabulary])
        if column.type == "date":
            return self.date(text, column, position)
        return text

    def choice(self, text: str, column: Column, position: int, allowed: list[str]) -> str | None:
        """The value of ``allowed`` that ``text`` names (blanks and case aside), else None with a problem."""
        value = {normal(v): v for v in allowed}.get(normal(text))
        if value is None:
            self.add(position, column.header, f"unbekannter Wert {text!r} (erlaubt: {', '.join(allowed)})")
        return value

    def date(self, text: str, column: Column, position: int) -> _dt.date | None:
        """The date ``text`` gives, else None with a problem."""
        value = parse_date(text)
        if value is None:
            self.add(position, column.header, f"kein gültiges Datum (Wert: {text!r}, erwartet TT.MM.JJJJ)")
        return value

    def numbers(self, cells: pd.Series, column: Column, positions: list[int]) -> list[float]:
        """Counts (whole, from 0), amounts in EUR (two decimals at most) or numbers from 0; NaN where missing or
        wrong, with a problem unless an optional cell is empty. Implausibly large values are problems, too."""
        parsed = parse_numbers(cells.reset_index(drop=True), self.table.decimal)
        values: list[float] = []
        for value, status, text, position in zip(parsed.values, parsed.status, cells, positions):
            shown = str(text).strip()
            reason = None
            if status == "missing":
                reason = "Pflichtangabe fehlt" if column.required else None
            elif status != "ok":
                reason = number_text_problem(shown) or f"keine Zahl (Wert: {shown!r})"
            elif value < 0:
                reason = f"negative Zahl (Wert: {shown})"
            elif column.type == "count" and not float(value).is_integer():
                reason = f"keine ganze Zahl (Wert: {shown})"
            elif column.type == "money" and abs(round(value, 2) - value) > 1e-9:
                reason = f"mehr als zwei Nachkommastellen (Wert: {shown})"
            elif column.type == "money":
                reason = money_problem(value)
            else:
                reason = count_problem(value, "Anzahl" if column.type == "count" else "Wert")
            if reason:
                self.add(position, column.header, reason)
            values.append(np.nan if reason or status != "ok" else float(value))
        return values


def empty_frame(sheet: Sheet) -> pd.DataFrame:
    """A table of the sheet without records: ``row`` and the public columns."""
    return pd.DataFrame(columns=["row"] + [c.key for c in sheet.columns if not c.private])


def typed_frame(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """The records of a sheet with each public column's dtype (:data:`FRAME_TYPES`, dates as datetimes), the
    area column as ``area_id``, ``row`` as integers and the reader's ``position`` dropped."""
    frame = frame.drop(columns=["position"], errors="ignore").rename(columns={"area": "area_id"})
    for column in sheet.columns:
        key = "area_id" if column.key == "area" else column.key
        if column.private or key not in frame:
            continue
        if column.type == "date":
            frame[key] = pd.to_datetime(frame[key])
        else:
            frame[key] = frame[key].astype(FRAME_TYPES.get(column.type, object))
    frame["row"] = frame["row"].astype("int64")
    return frame
