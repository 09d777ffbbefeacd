"""A bounded look into an XLSX workbook before its cells are read: sizes, the extent of real cells, lost content.

An XLSX file is a zip archive of XML parts. python-calamine, which reads the cell values, lays a sheet out as a
dense grid up to its last cell and keeps the shared strings in memory: a 28 KB workbook with one cell at XFD1048576
asks it for 550 GB and aborts the process (no exception can catch that). So this module looks first, with bounded
memory and time, before calamine opens the file:

- every XML part the reader may parse (``*.xml``, ``*.rels``) is checked on its declared uncompressed size, its
  compression ratio and, while it is inflated here chunk by chunk, its actual size (a part that inflates to more
  than it declares is refused: the zip's own bookkeeping cannot be trusted);
- every worksheet's XML is streamed through expat (no document type declarations, so no entity expansion) to find
  the extent of its *real* cells, those with content (formatted empty cells do not count, as for calamine); a sheet
  past :data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_CELLS` is refused with a German problem naming file and
  sheet, and the scan stops at the first cell past a limit; so is a large sheet that is mostly empty (one cell far
  out), so that memory grows with the cells the file really holds;
- on the way it notes the cells whose content the value reader would lose without a word: formulas without a stored
  result (calamine reads them as empty) and error values such as ``#DIV/0!`` or ``#NV`` (also read as empty).

:func:`scan_workbook` returns, per sheet name, a :class:`SheetScan` or the :class:`DataValidationError` that refuses
the sheet; a workbook whose archive itself is unsafe or broken raises. :mod:`veedel_lib.inputs.readers` turns the
noted cells into problems that name the column header as well.
"""

from __future__ import annotations

import posixpath
import pyexpat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import DataValidationError, Problem, german_number

MAX_ROWS = 1_000_000
"""Rows a sheet may reach with its last real cell (Excel allows 1.048.576; our tables have a few thousand)."""
MAX_COLUMNS = 2_000
"""Columns a sheet may reach with its last real cell (Excel allows 16.384, column XFD)."""
MAX_CELLS = 5_000_000
"""Cells of the grid from A1 to the last real row and column, as the value reader lays it out in memory."""
SPARSE_FLOOR = 1_000_000
"""Grid cells (from A1 to the last real row and column) up to which a sheet may be mostly empty."""
SPARSE_FACTOR = 10
"""Above :data:`SPARSE_FLOOR`, the grid may have at most this many cells per real cell: the memory the value reader
takes then grows with the cells the file really holds, not with how far out one of them lies."""
MAX_PART_BYTES = 256 * 2**20
"""Uncompressed size (bytes) of one XML part of the workbook (a worksheet, the shared strings)."""
MAX_TOTAL_BYTES = 512 * 2**20
"""Uncompressed size (bytes) of all XML parts of the workbook together."""
MAX_RATIO = 200
"""Largest compression ratio (uncompressed : compressed) of an XML part above :data:`RATIO_FLOOR` bytes; real
worksheets compress 5 to 30 times, a zip bomb a thousand times."""
RATIO_FLOOR = 2**20
"""Parts smaller than this (bytes) are not held to :data:`MAX_RATIO` (tiny repetitive parts compress well)."""
MAX_ENTRIES = 10_000
"""Entries the archive may have."""
MAX_INDEX_BYTES = 16 * 2**20
"""Uncompressed size (bytes) of the workbook's sheet list and its relationships, which are parsed as a whole."""
MAX_LISTED_CELLS = 200
"""Lost cells named one by one per sheet; the rest are counted in one more problem."""

_CHUNK = 2**20
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
ERROR_VALUES = {"#NULL!": "#NULL!", "#DIV/0!": "#DIV/0!", "#VALUE!": "#WERT!", "#REF!": "#BEZUG!",
                "#NAME?": "#NAME?", "#NUM!": "#ZAHL!", "#N/A": "#NV", "#GETTING_DATA": "#DATEN_ABRUFEN",
                "#SPILL!": "#ÜBERLAUF!", "#CALC!": "#KALK!", "#FIELD!": "#FELD!", "#BLOCKED!": "#BLOCKIERT!",
                "#CONNECT!": "#VERBINDEN!", "#BUSY!": "#AUSGELASTET!", "#UNKNOWN!": "#UNBEKANNT!"}
"""Excel's error values as the file stores them (English) and as a German Excel shows them."""
ERROR_TEXTS = frozenset(ERROR_VALUES) | frozenset(ERROR_VALUES.values())
"""Cell texts that are an error value typed or pasted as text (both spellings)."""


def get_column_letter(column: int) -> str:
    """Excel's letters of a column number from 1 ("A", "Z", "AA", "XFD" for 16.384).

    Our own three lines rather than ``openpyxl.utils``: importing openpyxl for them cost every process that reads a
    workbook (and ``veedel run``'s start) about half a second; a test checks both agree for every Excel column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index_from_string(letters: str) -> int:
    """The column number (from 1) of Excel's column letters ("A" -> 1, "XFD" -> 16.384); the inverse of
    :func:`get_column_letter`."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def cell_name(row: int, column: int) -> str:
    """The cell as Excel names it ("C7") from its row and column numbers (both from 1)."""
    return f"{get_column_letter(column)}{row}"


@dataclass
class SheetScan:
    """What the bounded look found in one worksheet.

    ``rows`` and ``columns``: the last row and column (from 1) holding a real cell, 0 for an empty sheet;
    ``cells``: the number of real cells; ``lost``: (row, column, German reason) of each cell whose content the
    value reader would lose, at most :data:`MAX_LISTED_CELLS` of them; ``unlisted``: how many more there are.
    """

    rows: int = 0
    columns: int = 0
    cells: int = 0
    lost: list[tuple[int, int, str]] = field(default_factory=list)
    unlisted: int = 0


class _Refused(Exception):
    """A part or sheet past a limit or broken: the German reason."""


def scan_workbook(path: str | Path) -> dict[str, SheetScan | DataValidationError]:
    """Check the archive of ``path`` and scan every worksheet, with bounded memory and time.

    Returns sheet name -> :class:`SheetScan`, or the DataValidationError that refuses that sheet (too large,
    broken). Raises DataValidationError when the archive as a whole is unsafe (too many entries, a part too
    large or inflating beyond its declared size, a zip bomb) or is no workbook.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _file_error(path, "XLSX-Datei kann nicht gelesen werden: beschädigt oder keine Excel-Arbeitsmappe "
                                f"(kein gültiges ZIP-Archiv: {type(exc).__name__})") from exc
    with archive, path.open("rb") as handle:
        parts = _checked_parts(path, archive)
        try:
            sheets = _sheet_parts(handle, parts)
            for name in sorted(set(parts) - set(sheets.values()) - {_WORKBOOK, _WORKBOOK_RELS}):
                for _ in _inflate(handle, parts[name]):     # the actual size of every other part the reader may load
                    pass
        except _Refused as exc:
            raise _file_error(path, str(exc)) from exc
        result: dict[str, SheetScan | DataValidationError] = {}
        for sheet, part in sheets.items():
            try:
                if part not in parts:
                    raise _Refused(f"der Teil {part!r} des Tabellenblatts fehlt in der Datei")
                result[sheet] = _scan_sheet(handle, parts[part])
            except _Refused as exc:
                result[sheet] = DataValidationError([Problem(str(path), None, None, str(exc), sheet)])
    return result


def _file_error(path: Path, reason: str) -> DataValidationError:
    return DataValidationError([Problem(str(path), None, None, reason)])


def _checked_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's XML parts after checking entry count, declared sizes and compression ratios."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise _file_error(path, f"XLSX-Datei hat {german_number(len(entries))} Einträge im ZIP-Archiv (höchstens "
                                f"{german_number(MAX_ENTRIES)}): keine gewöhnliche Excel-Arbeitsmappe")
    parts = {info.filename: info for info in entries if info.filename.lower().endswith((".xml", ".rels"))}
    problems = []
    total = 0
    for name, info in parts.items():
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            problems.append(f"der Teil {name!r} ist entpackt {_megabytes(info.file_size)} groß (höchstens "
                            f"{_megabytes(MAX_PART_BYTES)})")
        elif info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problems.append(f"der Teil {name!r} ist {german_number(info.file_size // max(info.compress_size, 1))}-"
                            f"fach komprimiert (höchstens {MAX_RATIO}-fach): verdächtig wie eine ZIP-Bombe")
    if total > MAX_TOTAL_BYTES:
        problems.append(f"die XML-Teile sind entpackt zusammen {_megabytes(total)} groß (höchstens "
                        f"{_megabytes(MAX_TOTAL_BYTES)})")
    if problems:
        raise DataValidationError([Problem(str(path), None, None, f"XLSX-Datei wird nicht gelesen: {reason}")
                                   for reason in problems])
    return parts


def _megabytes(size: int) -> str:
    return f"{german_number(round(size / 2**20, 1))} MB"


def _inflate(handle: BinaryIO, info: zipfile.ZipInfo, limit: int = MAX_PART_BYTES) -> Iterator[bytes]:
    """The uncompressed bytes of one archive entry in chunks of at most 1 MiB, read from its raw data.

    Inflated here rather than through :mod:`zipfile`, which stops at the declared size without looking further:
    a part whose data inflate to more (or less) than it declares, or beyond ``limit``, is refused.
    """
    if info.flag_bits & 0x1:
        raise _Refused(f"der Teil {info.filename!r} ist verschlüsselt")
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _Refused(f"der Teil {info.filename!r} ist beschädigt (Kopf des Eintrags fehlt)")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise _Refused(f"der Teil {info.filename!r} ist mit einem nicht unterstützten Verfahren komprimiert")
    remaining, produced, pending = info.compress_size, 0, b""
    while True:
        if not pending:
            if remaining <= 0:
                break
            pending = handle.read(min(_CHUNK, remaining))
            if not pending:
                raise _Refused(f"der Teil {info.filename!r} ist unvollständig (Datei abgeschnitten)")
            remaining -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            try:
                out = inflater.decompress(pending, _CHUNK)
            except zlib.error as exc:
                raise _Refused(f"der Teil {info.filename!r} ist beschädigt ({exc})") from exc
            pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > min(limit, info.file_size):
            raise _Refused(f"der Teil {info.filename!r} ist entpackt größer als angegeben "
                           f"({_megabytes(info.file_size)}) oder als erlaubt ({_megabytes(limit)})")
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if produced != info.file_size or (inflater is not None and not inflater.eof):
        raise _Refused(f"der Teil {info.filename!r} ist beschädigt (entpackte Größe weicht von der angegebenen ab)")


def _parser(namespaces: bool = True) -> pyexpat.XMLParserType:
    """An expat parser that refuses document type declarations (and with them every entity definition)."""
    parser = pyexpat.ParserCreate(namespace_separator="}") if namespaces else pyexpat.ParserCreate()

    def refuse(*_args) -> None:
        raise _Refused("die Datei enthält eine Dokumenttyp-Deklaration (DOCTYPE), die Excel nie schreibt")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


def _feed(parser: pyexpat.XMLParserType, chunks: Iterator[bytes], part: str) -> None:
    """Stream ``chunks`` through ``parser``; malformed XML becomes a German refusal."""
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise _Refused(f"der Teil {part!r} ist kein gültiges XML (Zeile {exc.lineno}: "
                       f"{pyexpat.ErrorString(exc.code)})") from exc


def _local(name: str) -> str:
    return name[name.rfind("}") + 1:]


def _elements(handle: BinaryIO, info: zipfile.ZipInfo, wanted: str) -> list[dict[str, str]]:
    """The attributes (keys without namespace, except a namespaced "id" as "r:id") of every ``wanted`` element."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == wanted:
            found.append({("r:id" if "}" in key and _local(key) == "id" else _local(key)): value
                          for key, value in attrs.items()})

    parser = _parser()
    parser.StartElementHandler = start
    _feed(parser, _inflate(handle, info, MAX_INDEX_BYTES), info.filename)
    return found


def _sheet_parts(handle: BinaryIO, parts: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet name -> archive path of its XML, from the workbook's sheet list and relationships."""
    if _WORKBOOK not in parts or _WORKBOOK_RELS not in parts:
        raise _Refused("XLSX-Datei kann nicht gelesen werden: beschädigt oder keine Excel-Arbeitsmappe "
                       f"({_WORKBOOK} oder {_WORKBOOK_RELS} fehlt)")
    targets = {}
    for relation in _elements(handle, parts[_WORKBOOK_RELS], "Relationship"):
        target = relation.get("Target", "")
        if relation.get("TargetMode") == "External":
            continue
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[relation.get("Id")] = target
    return {sheet.get("name", ""): targets.get(sheet.get("r:id"), "") for sheet in
            _elements(handle, parts[_WORKBOOK], "sheet")}


_OTHER, _CELL, _VALUE, _FORMULA, _INLINE, _ROW_START = range(6)
_KINDS = {"c": _CELL, "v": _VALUE, "f": _FORMULA, "is": _INLINE, "row": _ROW_START}


class _SheetScanner:
    """Expat handlers that follow a worksheet's rows and cells as calamine places them.

    A cell without a reference follows the previous cell of its row, a row without a number the previous row.
    A cell is real when it has content (a value, an inline string or a formula). Element names are matched by
    their local part (with or without a namespace prefix), as calamine matches them; attributes by their full name.
    The handlers run once per element of sheets with a million cells, so they keep to plain comparisons.
    """

    def __init__(self, parser: pyexpat.XMLParserType) -> None:
        self.parser = parser
        self.scan = SheetScan()
        self.row = 0
        self.column = 0
        self.open = False             # inside a cell
        self.content = False          # the open cell has a value, an inline string or a formula
        self.formula = False
        self.kind = "n"               # the open cell's type attribute (t)
        self.value: str | None = None  # text of its <v> where it matters (formula and error cells), "" for empty
        self.kinds: dict[str, int] = {}
        self.columns: dict[str, int] = {}

    def _kind(self, name: str) -> int:
        kind = self.kinds[name] = _KINDS.get(name[name.rfind(":") + 1:], _OTHER)
        return kind

    def start(self, name: str, attrs: dict[str, str]) -> None:
        kind = self.kinds.get(name)
        if kind is None:
            kind = self._kind(name)
        if kind == _CELL:
            reference = attrs.get("r")
            if reference is None:
                self.column += 1
            else:
                self.row, self.column = self._reference(reference)
            self.open, self.content, self.formula, self.value = True, False, False, None
            self.kind = attrs.get("t", "n")
        elif kind == _VALUE:
            if self.open:
                self.content = True
                if self.formula or self.kind == "e":
                    self.value = ""
                    self.parser.CharacterDataHandler = self.text
        elif kind == _ROW_START:
            number = attrs.get("r")
            if number is None:
                self.row += 1
            elif number.isascii() and number.isdigit() and len(number) <= 7:
                self.row = int(number)
            else:
                raise _Refused(f"ungültige Zeilennummer {number[:20]!r}")
            self.column = 0
        elif self.open and kind != _OTHER:
            self.content = True
            self.formula = self.formula or kind == _FORMULA

    def _reference(self, reference: str) -> tuple[int, int]:
        """Row and column number of a cell reference such as "C7"."""
        letters = reference.rstrip("0123456789")
        digits = reference[len(letters):]
        column = self.columns.get(letters)
        if column is None:
            if not (letters.isascii() and letters.isalpha() and len(letters) <= 3):
                raise _Refused(f"ungültiger Zellbezug {reference[:20]!r}")
            column = self.columns[letters] = column_index_from_string(letters.upper())
        if not digits or len(digits) > 7:
            raise _Refused(f"ungültiger Zellbezug {reference[:20]!r}")
        return int(digits), column

    def text(self, data: str) -> None:
        if len(self.value) < 64:
            self.value += data[:64]

    def end(self, name: str) -> None:
        kind = self.kinds.get(name)
        if kind == _CELL and self.open:
            self.open = False
            if self.content:
                self._real()
        elif kind == _VALUE:
            self.parser.CharacterDataHandler = None

    def _real(self) -> None:
        """Count a cell with content, refuse the sheet past a limit, note content the value reader would lose."""
        row, column, scan = self.row, self.column, self.scan
        scan.cells += 1
        if row > scan.rows or column > scan.columns:
            scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
            if scan.rows > MAX_ROWS or scan.columns > MAX_COLUMNS or scan.rows * scan.columns > MAX_CELLS:
                raise _Refused(
                    f"Tabellenblatt reicht mit Zelle {cell_name(row, column)} bis Zeile {german_number(scan.rows)} "
                    f"und Spalte {get_column_letter(scan.columns)}: zu groß zum Lesen (höchstens "
                    f"{german_number(MAX_ROWS)} Zeilen, {german_number(MAX_COLUMNS)} Spalten und "
                    f"{german_number(MAX_CELLS)} Zellen von A1 bis zur letzten gefüllten Zelle; leere Zellen am "
                    "Rand bitte löschen, nicht nur leeren)")
        if not self.formula and self.kind != "e":
            return
        reason = None
        if self.kind == "e":
            shown = (self.value or "").strip()
            german = ERROR_VALUES.get(shown, shown)
            reason = (f"enthält den Fehlerwert {german}" + (f" ({shown})" if german != shown else "")
                      + (" einer Formel" if self.formula else "") + ": der Wert kann nicht gelesen werden")
        elif not self.value and self.kind not in ("str", "inlineStr"):
            reason = ("enthält eine Formel ohne gespeichertes Ergebnis (die Datei wurde nicht von Excel berechnet "
                      "gespeichert): bitte in Excel öffnen und speichern oder den Wert eintragen")
        if reason is not None:
            if len(scan.lost) < MAX_LISTED_CELLS:
                scan.lost.append((row, column, reason))
            else:
                scan.unlisted += 1


def _scan_sheet(handle: BinaryIO, info: zipfile.ZipInfo) -> SheetScan:
    """Stream one worksheet's XML and return what :class:`_SheetScanner` found (raises _Refused past a limit)."""
    parser = _parser(namespaces=False)
    scanner = _SheetScanner(parser)
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    _feed(parser, _inflate(handle, info), info.filename)
    scan = scanner.scan
    grid = scan.rows * scan.columns
    if grid > SPARSE_FLOOR and grid > SPARSE_FACTOR * scan.cells:
        raise _Refused(f"Tabellenblatt reicht bis Zelle {cell_name(scan.rows, scan.columns)} "
                       f"({german_number(grid)} Zellen ab A1), hat aber nur {german_number(scan.cells)} gefüllte "
                       f"Zellen: zu leer zum Lesen (ab {german_number(SPARSE_FLOOR)} Zellen höchstens "
                       f"{german_number(SPARSE_FACTOR)} je gefüllte Zelle); bitte die weit außen liegenden Zellen "
                       "löschen")
    return scan


__all__ = ["ERROR_TEXTS", "ERROR_VALUES", "MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "SheetScan", "cell_name",
           "scan_workbook"]
