"""Read tabular input (CSV or XLSX) into text columns that remember their spreadsheet row numbers.

Readers do not interpret values beyond text: typing and checks happen in :mod:`veedel_lib.inputs.validation`,
which needs the original row numbers to name the place of every problem. CSV files may be UTF-8 with
or without BOM (Windows-1252 is accepted as a fallback, because the city's older exports use it),
separated by ``;``, ``,`` or tabs, with decimal comma or decimal point; the convention is detected
per file and can be forced.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, Problem

SUPPRESSED_MARKERS = frozenset({"*", ".", "x", "X"})
"""Cell texts that mean "value withheld" in German official statistics (kept as suppressed, never zero)."""

ZERO_MARKERS = frozenset({"-", "–", "—"})
"""Cell texts that mean "nothing there", i.e. zero, in German official statistics (Zeichenerklärung)."""

_GERMAN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_POINT_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$|^[+-]?\d{1,3}(\.\d{3})+,\d+$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_POINT_DECIMAL_NOT_THOUSANDS = re.compile(r"^[+-]?\d+\.(\d{1,2}|\d{4,})$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


@dataclass
class RawTable:
    """A table as read: every cell as stripped text, plus where each record came from."""

    frame: pd.DataFrame
    rows: list[int]
    source: str
    sheet: str | None = None
    decimal: str = "."
    notes: list[str] = field(default_factory=list)

    def problem(self, position: int, column: str | None, reason: str) -> Problem:
        """A problem at the record in position ``position`` (0-based) of this table."""
        row = self.rows[position] if position is not None else None
        return Problem(self.source, row, column, reason, self.sheet)

    def file_problem(self, reason: str, column: str | None = None) -> Problem:
        """A problem with the table as a whole (e.g. a missing column): reported at the header row."""
        return Problem(self.source, 1, column, reason, self.sheet)


def read_table(path: str | Path, *, sheet: str | None = None, decimal: str | None = None) -> RawTable:
    """Read a CSV or XLSX file into a :class:`RawTable`.

    ``decimal`` forces "," or "."; by default it is detected from the file. For XLSX, ``sheet`` picks a
    worksheet (default: the first). Raises DataValidationError for unreadable files or ragged rows.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError([Problem(str(path), None, None, "Datei nicht gefunden")])
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, sheet)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _read_csv(path, decimal)
    raise DataValidationError([Problem(str(path), None, None,
                                       f"Dateityp '{suffix}' wird nicht unterstützt (CSV oder XLSX)")])


def _decode(raw: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 (BOM removed) first, Windows-1252 as fallback. Returns (text, encoding)."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict"), "cp1252"


def _sniff_delimiter(first_line: str) -> str:
    """Pick the separator that splits the header line into the most fields (";" wins ties)."""
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] > 0 else ";"


def detect_decimal(cells: list[str], delimiter: str) -> str:
    """Guess the decimal mark of a file from its cells.

    Comma-separated files use the point. Otherwise any "12,5" style cell means decimal comma; so do
    thousands dots ("12.345") when no cell looks like a point decimal ("116107.00").
    """
    if delimiter == ",":
        return "."
    has_thousands_dot = False
    for cell in cells:
        if _COMMA_DECIMAL.match(cell):
            return ","
        if _THOUSANDS_DOT.match(cell):
            has_thousands_dot = True
        elif _POINT_DECIMAL_NOT_THOUSANDS.match(cell):
            return "."
    return "," if has_thousands_dot else "."


def _read_csv(path: Path, decimal: str | None) -> RawTable:
    try:
        text, encoding = _decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(str(path), None, None,
                                           f"Datei ist weder UTF-8 noch Windows-1252 kodiert (nicht lesbares Byte "
                                           f"an Position {exc.start + 1})")]) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    problems: list[Problem] = []
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    for record in reader:
        row_number = reader.line_num
        cells = [c.strip() for c in record]
        if header is None:
            header = cells
            continue
        if not any(cells):
            continue  # blank line: nothing to lose
        if len(cells) != len(header):
            if len(cells) > len(header) and not any(cells[len(header):]):
                cells = cells[: len(header)]
            else:
                problems.append(Problem(str(path), row_number, None,
                                        f"Zeile hat {len(cells)} Felder, die Kopfzeile {len(header)}"))
                continue
        records.append(cells)
        rows.append(row_number)
    if header is None:
        raise DataValidationError([Problem(str(path), None, None, "Datei ist leer (keine Kopfzeile)")])
    problems.extend(_header_problems(header, str(path), None))
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    if decimal is None:
        sample = [c for r in records for c in r if c]
        decimal = detect_decimal(sample, delimiter)
    notes = [f"Kodierung {encoding}, Trennzeichen '{delimiter}', Dezimalzeichen '{decimal}'"]
    return RawTable(frame, rows, str(path), None, decimal, notes)


def _header_problems(header: list[str], source: str, sheet: str | None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(source, 1, f"#{position}", "Spalte ohne Überschrift", sheet))
        elif name in seen:
            problems.append(Problem(source, 1, name, "Spaltenüberschrift kommt doppelt vor", sheet))
        seen.add(name)
    return problems


def _cell_text(value: object) -> str:
    """Text of one spreadsheet cell; numbers in point notation, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    # A number typed as text in German notation ("1.234,5") is normalised to point notation.
    if "," in text and _GERMAN_NUMBER.match(text):
        text = text.replace(".", "").replace(",", ".")
    return text


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        raise DataValidationError([Problem(str(path), None, None,
                                           "XLSX-Datei kann nicht gelesen werden: beschädigt oder keine Excel-Arbeitsmappe "
                                           f"({type(exc).__name__})")]) from exc
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise DataValidationError([Problem(str(path), None, None,
                                               f"Tabellenblatt '{sheet}' fehlt (vorhanden: "
                                               f"{', '.join(workbook.sheetnames)})", sheet)])
        header: list[str] | None = None
        records: list[list[str]] = []
        rows: list[int] = []
        for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if header is None:
                while cells and not cells[-1]:
                    cells.pop()
                header = cells
                continue
            cells = (cells + [""] * len(header))[: max(len(header), len(cells))]
            extra = cells[len(header):]
            cells = cells[: len(header)]
            if not any(cells) and not any(extra):
                continue
            if any(extra):
                raise DataValidationError([Problem(str(path), row_number, None,
                                                   "Werte rechts neben der letzten Spalte mit Überschrift",
                                                   worksheet.title)])
            records.append(cells)
            rows.append(row_number)
        name = worksheet.title
    finally:
        workbook.close()
    if header is None:
        raise DataValidationError([Problem(str(path), None, None, "Tabellenblatt ist leer", name)])
    problems = _header_problems(header, str(path), name)
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return RawTable(frame, rows, str(path), name, ".", [f"XLSX, Blatt '{name}'"])


@dataclass
class ParsedNumbers:
    """Numbers parsed from text cells: values (NaN where not a number) and a status per cell."""

    values: np.ndarray
    status: np.ndarray  # "ok", "suppressed", "missing" or "invalid"


def parse_numbers(cells: pd.Series, decimal: str) -> ParsedNumbers:
    """Parse text cells into floats under a decimal convention.

    "*" and "." mean suppressed (NaN, status "suppressed"); "-" means zero; "" is missing; anything
    else that is not a number is "invalid". Thousands separators are accepted only in valid
    positions ("12.345" with decimal comma), so "1.5" under decimal comma is invalid, not 15.
    """
    texts = cells.astype(str).str.strip().str.replace("\u00a0", "", regex=False).str.replace("\u202f", "",
                                                                                               regex=False)
    values = np.full(len(texts), np.nan)
    status = np.full(len(texts), "invalid", dtype=object)
    pattern = _GERMAN_NUMBER if decimal == "," else _POINT_NUMBER
    for i, text in enumerate(texts):
        if text == "":
            status[i] = "missing"
        elif text in SUPPRESSED_MARKERS:
            status[i] = "suppressed"
        elif text in ZERO_MARKERS:
            values[i], status[i] = 0.0, "ok"
        elif pattern.match(text):
            if decimal == ",":
                normalised = text.replace(".", "").replace(",", ".")
            else:
                normalised = text.replace(",", "")
            values[i], status[i] = float(normalised), "ok"
        elif decimal == "." and _SCIENTIFIC.match(text):
            values[i], status[i] = float(text), "ok"
    return ParsedNumbers(values, status)
