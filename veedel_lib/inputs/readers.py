"""Read tabular input (CSV or XLSX) into text columns that remember their spreadsheet row numbers.

Readers do not interpret values beyond text: typing and checks happen in :mod:`veedel_lib.inputs.validation`,
which needs the original row numbers to name the place of every problem. CSV files may be UTF-8 with
or without BOM (Windows-1252 is accepted as a fallback, because the city's older exports use it),
separated by ``;``, ``,`` or tabs, with decimal comma or decimal point; the convention is detected
per file and can be forced.

Large files are read and parsed column-wise (pandas' C parser, numpy on the raw bytes, regular
expressions on the distinct cell texts only), so time and memory grow with the data and not with a
Python object per cell. Files whose layout the fast reader cannot vouch for (ragged rows, line breaks
inside quotes, old Mac line ends) are read record by record with the csv module, which names every
problem exactly.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, Problem, german_number
from ..files import content_key, kept_per_file
from .workbook_guard import ERROR_TEXTS, SheetScan, cell_name, scan_workbook

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
_NOT_FINITE = re.compile(r"^[+-]?(inf|infinity|nan|∞)$", re.IGNORECASE)

LARGEST_NUMBER = 1e15
"""Magnitude from which :func:`parse_numbers` refuses a number: above it a float no longer holds every whole
number (2^53 is about 9 * 10^15), and no count or amount of a city comes near it. ``1e999`` overflows to
infinity and is refused too."""

MAX_COUNT = 10_000_000
"""Largest count of people, households or cases accepted for one unit, year, project or meeting: more than live in
any German city (Berlin: 3.9 million; Cologne: 1.1 million). A larger count is a typing error or hostile input
and would make shares, sums and indices meaningless."""

MAX_EUROS = 1_000_000_000
"""Largest amount of money (EUR) accepted for one measure or project: a fifth of Cologne's yearly budget
(about 5 billion EUR) and far above any Lebenswerte Veedel programme."""


@dataclass
class RawTable:
    """A table as read: every cell as stripped text, plus where each record came from."""

    frame: pd.DataFrame
    rows: Sequence[int]
    """Spreadsheet row of each record (header = 1): a list, or a numpy array for large files."""
    source: str
    sheet: str | None = None
    decimal: str = "."
    notes: list[str] = field(default_factory=list)

    def problem(self, position: int, column: str | None, reason: str) -> Problem:
        """A problem at the record in position ``position`` (0-based) of this table."""
        row = int(self.rows[position]) if position is not None else None
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


def _sniff_delimiter(first_line: str) -> str:
    """Pick the separator that splits the header line into the most fields (";" wins ties)."""
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] > 0 else ";"


def detect_decimal(cells: Sequence[str] | pd.DataFrame, delimiter: str) -> str:
    """Guess the decimal mark of a file from its cells (a list of texts, or the table's text frame).

    Comma-separated files use the point. Otherwise the first cell (row by row) that is a "12,5" style
    number means decimal comma, the first "116107.00" style one decimal point; with neither, thousands
    dots ("12.345") mean decimal comma. Only the distinct texts of each column are matched.
    """
    if delimiter == ",":
        return "."
    frame = cells if isinstance(cells, pd.DataFrame) else pd.DataFrame({"cell": pd.Series(list(cells), dtype=object)})
    width = max(frame.shape[1], 1)
    first = {"comma": None, "point": None}
    has_thousands_dot = False
    for column_number in range(frame.shape[1]):
        codes, uniques = pd.factorize(frame.iloc[:, column_number], use_na_sentinel=True)
        texts = pd.Series(uniques, dtype=object).astype(str)
        comma = texts.str.fullmatch(_COMMA_DECIMAL.pattern).to_numpy(dtype=bool)
        thousands = texts.str.fullmatch(_THOUSANDS_DOT.pattern).to_numpy(dtype=bool)
        point = texts.str.fullmatch(_POINT_DECIMAL_NOT_THOUSANDS.pattern).to_numpy(dtype=bool) & ~thousands
        has_thousands_dot |= bool(thousands.any())
        for kind, matched in (("comma", comma), ("point", point)):
            if matched.any():
                rows = np.flatnonzero(np.isin(codes, np.flatnonzero(matched)))
                position = int(rows[0]) * width + column_number
                first[kind] = position if first[kind] is None else min(first[kind], position)
    if first["comma"] is not None and (first["point"] is None or first["comma"] < first["point"]):
        return ","
    if first["point"] is not None:
        return "."
    return "," if has_thousands_dot else "."


def _read_csv(path: Path, decimal: str | None) -> RawTable:
    raw = path.read_bytes()
    encoding = _encoding(path, raw)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    first_line = raw.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = _sniff_delimiter(first_line)
    fast = _read_csv_fast(path, raw, encoding, delimiter)
    if fast is None:
        header, frame, rows = _read_csv_records(path, raw, encoding, delimiter)
    else:
        header, frame, rows = fast
    del raw
    problems = _header_problems(header, str(path), None)
    if problems:
        raise DataValidationError(problems)
    frame.columns = header
    if decimal is None:
        decimal = detect_decimal(frame, delimiter)
    notes = [f"Kodierung {encoding}, Trennzeichen '{delimiter}', Dezimalzeichen '{decimal}'"]
    return RawTable(frame, rows, str(path), None, decimal, notes)


def _encoding(path: Path, raw: bytes) -> str:
    """The file's encoding: UTF-8 (with or without BOM) first, Windows-1252 as fallback; else a German error."""
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(str(path), None, None,
                                           f"Datei ist weder UTF-8 noch Windows-1252 kodiert (nicht lesbares Byte "
                                           f"an Position {exc.start + 1})")]) from exc


_QUOTED = re.compile(rb'"[^"]*"')


def _line_layout(raw: bytes, delimiter: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Fields and length (in bytes) of every physical line of a CSV file, counted on the bytes with numpy.

    Quoted texts are blanked first, so a separator inside quotes does not count. None when the lines are
    not the records (a line break inside quotes, a lone carriage return): then only the csv module knows.
    """
    unquoted = _QUOTED.sub(b'""', raw) if b'"' in raw else raw
    if unquoted.count(b"\n") != raw.count(b"\n") or unquoted.count(b"\r") != unquoted.count(b"\r\n"):
        return None
    if b'"' in raw:
        # quotes only around whole fields (doubled quotes inside them allowed), as the csv module reads them
        edge = re.escape(delimiter.encode()) + rb'\r\n"'
        if unquoted.count(b'"') % 2 or re.search(rb'[^' + edge + rb']""|""[^' + edge + rb']', unquoted):
            return None
    buffer = np.frombuffer(unquoted, dtype=np.uint8)
    breaks = np.flatnonzero(buffer == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(buffer)]))
    separators = np.flatnonzero(buffer == ord(delimiter))
    fields = np.diff(np.searchsorted(separators, np.concatenate((starts, [len(buffer)])))) + 1
    carriage = np.zeros(len(ends), dtype=np.int64)
    if b"\r" in unquoted:
        carriage[:-1] = buffer[np.maximum(ends[:-1] - 1, 0)] == 13
    return fields, ends - starts - carriage


def _read_csv_fast(path: Path, raw: bytes, encoding: str, delimiter: str
                   ) -> tuple[list[str], pd.DataFrame, np.ndarray] | None:
    """Read a CSV whose every line is one record with the header's number of fields (or empty), column-wise.

    Returns the stripped header, the text frame (blank records left out) and the spreadsheet row of every
    record; None when a line has another number of fields (the record reader then names the rows).
    """
    layout = _line_layout(raw, delimiter)
    if layout is None:
        return None
    fields, lengths = layout
    blank = lengths == 0
    if not len(fields) or blank[0]:
        return None
    if bool((fields[~blank] != fields[0]).any()):
        return None
    header = next(csv.reader([raw.split(b"\n", 1)[0].decode(encoding).rstrip("\r")], delimiter=delimiter,
                             quotechar='"'))
    header = [cell.strip() for cell in header]
    rows = np.flatnonzero(~blank)[1:] + 1                         # physical line (0-based) + 1 = spreadsheet row
    if len(rows) == 0:
        return header, pd.DataFrame({i: pd.Series([], dtype=object) for i in range(len(header))}), rows
    frame = pd.read_csv(io.BytesIO(raw), sep=delimiter, header=None, skiprows=1, dtype=object,
                        keep_default_na=False, na_filter=False, skip_blank_lines=True, quotechar='"',
                        encoding=encoding, engine="c", names=list(range(len(header))))
    if len(frame) != len(rows):                                  # the parser saw the lines differently
        return None
    empty = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        frame[column], blank_cells = _stripped(frame[column])
        empty &= blank_cells
    if empty.any():
        frame = frame[~empty].reset_index(drop=True)
        rows = rows[~empty]
    return header, frame, rows


def _stripped(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The column with surrounding white space removed from each text, and which cells are then empty.

    Only the distinct texts are stripped and compared; the cells take the result by their codes.
    """
    codes, uniques = pd.factorize(column)
    texts = pd.Series(uniques, dtype=object)
    cleaned = texts.str.strip()
    empty = (cleaned == "").to_numpy(dtype=bool)[codes]
    if bool((cleaned == texts).all()):
        return column, empty
    return pd.Series(cleaned.to_numpy(dtype=object)[codes], index=column.index, dtype=object), empty


def _read_csv_records(path: Path, raw: bytes, encoding: str, delimiter: str
                      ) -> tuple[list[str], pd.DataFrame, list[int]]:
    """Read a CSV record by record (csv module): exact row numbers and a problem for every ragged row."""
    text = raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
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
    return header, pd.DataFrame(records, columns=range(len(header)), dtype=object), rows


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


_WORKBOOK_CACHE_BYTES = 8 * 2**20
"""Workbooks up to this size (bytes) are kept parsed in memory, keyed by path and the hash of their bytes."""

_workbooks: dict[tuple[str, str], tuple[list[str], dict[str, RawTable | DataValidationError]]] = {}


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    """One worksheet of a workbook (default: the first) as a :class:`RawTable`.

    The workbook is parsed once, all its sheets at a time, and kept while its bytes stay the same (so an
    edited workbook is read anew, however quickly it was saved again): the
    documentation and plan workbooks are read sheet by sheet by several reports of one warm kernel
    (an evaluation read 12 sheets of two workbooks, opening each workbook anew: about 1 s).
    """
    if path.stat().st_size > _WORKBOOK_CACHE_BYTES:
        return _pick_sheet(path, _parse_workbook(path), sheet)
    return _pick_sheet(path, kept_per_file(_workbooks, content_key(path), lambda: _parse_workbook(path)), sheet)


def _pick_sheet(path: Path, parsed, sheet: str | None) -> RawTable:
    """The requested sheet of a parsed workbook, as a fresh copy (callers may change its frame)."""
    names, tables = parsed
    if sheet is not None and sheet not in tables:
        raise DataValidationError([Problem(str(path), None, None,
                                           f"Tabellenblatt '{sheet}' fehlt (vorhanden: {', '.join(names)})", sheet)])
    result = tables[names[0] if sheet is None else sheet]
    if isinstance(result, DataValidationError):
        raise DataValidationError(list(result.problems))
    return RawTable(result.frame.copy(), list(result.rows), result.source, result.sheet, result.decimal,
                    list(result.notes))


def _parse_workbook(path: Path) -> tuple[list[str], dict[str, RawTable | DataValidationError]]:
    """Every worksheet of ``path``: its table, or the problems that stop reading it.

    The workbook is looked into first with bounded memory (:func:`~veedel_lib.inputs.workbook_guard.scan_workbook`:
    sizes, the extent of the real cells, formulas without a result, error values); a sheet past a limit is refused
    before its cells are laid out. The values are then read with python-calamine (a Rust reader of the cached cell
    values): about 15 times faster than openpyxl's read-only mode on our workbooks (measured 0.005 s against 0.086 s
    of CPU for a documentation workbook).
    """
    from python_calamine import CalamineWorkbook

    scans = scan_workbook(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # the reader raises its own error types for broken or foreign files
        raise DataValidationError([Problem(str(path), None, None,
                                           "XLSX-Datei kann nicht gelesen werden: beschädigt oder keine Excel-Arbeitsmappe "
                                           f"({type(exc).__name__})")]) from exc
    tables: dict[str, RawTable | DataValidationError] = {}
    for name in names:
        scan = scans.get(name)
        if not isinstance(scan, SheetScan):
            tables[name] = scan or DataValidationError([Problem(str(path), None, None, "Tabellenblatt kann nicht "
                                                                "geprüft werden: es fehlt im Verzeichnis der Mappe",
                                                                name)])
            continue
        try:
            sheet = workbook.get_sheet_by_name(name)
            end = sheet.end
            if end is not None and (end[0] >= scan.rows or end[1] >= scan.columns):  # never more than scanned
                tables[name] = DataValidationError([Problem(str(path), None, None, "Tabellenblatt kann nicht sicher "
                                                            "gelesen werden: es reicht weiter als seine Zellen",
                                                            name)])
                continue
            cells = sheet.to_python(skip_empty_area=False) if scan.cells else []
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:  # e.g. an error value calamine does not know: the scan names the cell
            tables[name] = DataValidationError(_lost_cells(path, name, scan, []) or [Problem(
                str(path), None, None, f"Tabellenblatt kann nicht gelesen werden ({type(exc).__name__})", name)])
            continue
        try:
            tables[name] = _read_worksheet(path, name, cells, scan, merged)
        except DataValidationError as error:
            tables[name] = error
    return names, tables


def _lost_cells(path: Path, name: str, scan: SheetScan, header: list[str]) -> list[Problem]:
    """A problem for each cell whose content the value reader loses (formula without result, error value)."""
    problems = []
    for row, column, reason in scan.lost:
        heading = header[column - 1] if column <= len(header) and header[column - 1] else None
        problems.append(Problem(str(path), row, heading, f"Zelle {cell_name(row, column)} {reason}", name))
    if scan.unlisted:
        problems.append(Problem(str(path), None, None, f"und {german_number(scan.unlisted)} weitere Zellen mit "
                                                       "Fehlerwerten oder Formeln ohne gespeichertes Ergebnis", name))
    return problems


def _merged_cells(path: Path, name: str, sheet_rows: list[list], header: list[str],
                  merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[Problem]:
    """A problem for each merged range with a value: it stands only in the first cell, the others read empty."""
    problems = []
    for (first_row, first_column), (last_row, last_column) in merged:
        if (first_row, first_column) == (last_row, last_column):
            continue
        row = sheet_rows[first_row] if first_row < len(sheet_rows) else []
        value = _cell_text(row[first_column]) if first_column < len(row) else ""
        if not value:
            continue
        span = f"{cell_name(first_row + 1, first_column + 1)}:{cell_name(last_row + 1, last_column + 1)}"
        heading = header[first_column] if first_column < len(header) and header[first_column] else None
        problems.append(Problem(str(path), first_row + 1, heading,
                                f"verbundene Zellen {span}: der Wert {value[:40]!r} steht nur in "
                                f"{cell_name(first_row + 1, first_column + 1)}, die übrigen Zellen des Verbunds "
                                "wären leer; bitte den Verbund aufheben und den Wert in jede Zeile eintragen", name))
    return problems


def _read_worksheet(path: Path, name: str, sheet_rows: list[list], scan: SheetScan | None = None,
                    merged: list | None = None) -> RawTable:
    """The cells of one worksheet (rows from A1) as text; the first row is the header.

    Raises one DataValidationError with every problem of the sheet: cells whose content would be lost (``scan``:
    formulas without a result, error values; error values typed as text; ``merged`` ranges with a value), values
    right of the last headed column, header problems.
    """
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    for row_number, values in enumerate(sheet_rows, start=1):
        cells = [_cell_text(v) for v in values]
        if ERROR_TEXTS.intersection(cells):
            problems.extend(Problem(str(path), row_number, None, f"Zelle {cell_name(row_number, position)} enthält "
                                                                 f"den Fehlerwert {text} als Text", name)
                            for position, text in enumerate(cells, start=1) if text in ERROR_TEXTS)
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
            problems.append(Problem(str(path), row_number, None,
                                    "Werte rechts neben der letzten Spalte mit Überschrift", name))
            continue
        records.append(cells)
        rows.append(row_number)
    if header is None:
        problems.append(Problem(str(path), None, None, "Tabellenblatt ist leer", name))
        header = []
    if scan is not None:
        problems.extend(_lost_cells(path, name, scan, header))
    problems.extend(_merged_cells(path, name, sheet_rows, header, merged or []))
    problems.extend(_header_problems(header, str(path), name))
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
    Vectorised: each distinct text is parsed once and the result spread to its cells.
    """
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).astype(str), use_na_sentinel=False)
    texts = (pd.Series(uniques, dtype=object).str.strip().str.replace("\u00a0", "", regex=False)
             .str.replace("\u202f", "", regex=False))
    values = np.full(len(texts), np.nan)
    status = np.full(len(texts), "invalid", dtype=object)
    number = texts.str.fullmatch((_GERMAN_NUMBER if decimal == "," else _POINT_NUMBER).pattern).to_numpy(dtype=bool)
    if decimal == ",":
        normalised = texts[number].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        normalised = texts[number].str.replace(",", "", regex=False)
        scientific = texts.str.fullmatch(_SCIENTIFIC.pattern).to_numpy(dtype=bool) & ~number
        values[scientific] = texts[scientific].astype(float).to_numpy()
        status[scientific] = "ok"
    values[number] = normalised.astype(float).to_numpy()
    status[number] = "ok"
    too_large = ~(np.abs(values) < LARGEST_NUMBER) & (status == "ok")  # 1e999 overflows to inf: no number either
    values[too_large], status[too_large] = np.nan, "invalid"
    zero = texts.isin(ZERO_MARKERS).to_numpy()
    values[zero], status[zero] = 0.0, "ok"
    status[texts.isin(SUPPRESSED_MARKERS).to_numpy()] = "suppressed"
    status[(texts == "").to_numpy()] = "missing"
    return ParsedNumbers(values[codes], status[codes])


def number_text_problem(text: object) -> str | None:
    """Why a cell that :func:`parse_numbers` marked "invalid" is no number, when it looks like one (German),
    else None (the caller says "keine Zahl"): infinity, NaN, or a number too large (``1e999``).
    """
    shown = str(text).strip()
    quoted = shown if len(shown) <= 40 else shown[:37] + "..."
    if _NOT_FINITE.match(shown):
        what = "„keine Zahl“ (NaN)" if "nan" in shown.lower() else "unendlich"
        return (f"keine Zahl: '{quoted}' steht für {what}; bitte eine Zahl eintragen (einen an der Quelle "
                "unterdrückten Wert als '*')")
    digits = shown if _SCIENTIFIC.match(shown) else shown.replace(".", "").replace(",", "")
    if (_SCIENTIFIC.match(shown) or re.fullmatch(r"[+-]?\d+", digits)) and not abs(float(digits)) < LARGEST_NUMBER:
        return f"Zahl zu groß: '{quoted}' (höchstens {german_number(LARGEST_NUMBER)})"
    return None


def count_problem(value: float, what: str = "Anzahl") -> str | None:
    """Why a parsed count is beyond any city (German, naming the bound), or None when it is not above
    :data:`MAX_COUNT`."""
    if value > MAX_COUNT:
        return (f"{what} {german_number(value)} ist größer als {german_number(MAX_COUNT)}: mehr, als in jeder "
                "deutschen Stadt Menschen leben (Tippfehler?)")
    return None


def money_problem(value: float) -> str | None:
    """Why a parsed amount of money (EUR) is implausibly large (German, naming the bound), or None."""
    if value > MAX_EUROS:
        return (f"Betrag {german_number(value)} EUR ist größer als {german_number(MAX_EUROS)} EUR "
                "(Tippfehler?)")
    return None


def decimal_style_problems(table: RawTable, column: str) -> list[Problem]:
    """Rows whose number style contradicts the rest of the column: "1.000" (thousands dot) among "3528.00".

    Under one decimal convention a column cannot hold both: with decimal point "1.000" would be read as 1,
    with decimal comma "3528.00" would not be a number. When a column has both styles, every row of the
    rarer style is a problem (on a tie: the style that contradicts the file's decimal mark), naming an
    example of the other style; the planner decides which one is right.
    """
    cells = table.frame[column]
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object).astype(str))
    texts = pd.Series(uniques, dtype=object).str.strip()
    thousands = texts.str.fullmatch(_THOUSANDS_DOT.pattern).to_numpy(dtype=bool)
    point = texts.str.fullmatch(_POINT_DECIMAL_NOT_THOUSANDS.pattern).to_numpy(dtype=bool) & ~thousands
    thousand_rows = np.flatnonzero(np.isin(codes, np.flatnonzero(thousands)))
    point_rows = np.flatnonzero(np.isin(codes, np.flatnonzero(point)))
    if not len(thousand_rows) or not len(point_rows):
        return []
    report_thousands = (len(thousand_rows) < len(point_rows)
                        or (len(thousand_rows) == len(point_rows) and table.decimal == "."))
    minority, majority = (thousand_rows, point_rows) if report_thousands else (point_rows, thousand_rows)
    example = f"Zeile {int(table.rows[majority[0]])}: '{cells.iat[majority[0]]}'"
    if report_thousands:
        reason = ("Tausenderpunkt, aber {n} andere Zeilen dieser Spalte haben einen Dezimalpunkt (z. B. {example}); "
                  "gemischte Zahlenformate: bitte eine Schreibweise für die ganze Spalte")
    else:
        reason = ("Dezimalpunkt, aber {n} andere Zeilen dieser Spalte haben Tausenderpunkte (z. B. {example}); "
                  "gemischte Zahlenformate: bitte eine Schreibweise für die ganze Spalte")
    text = reason.format(n=german_number(len(majority)), example=example)
    return [table.problem(int(position), column, f"'{cells.iat[position]}' hat einen {text}") for position in minority]
