"""The errors a user can do something about, under one base class, and the problem records they carry.

:class:`VeedelError` is the base of every error that is the user's to fix: bad input data
(:class:`DataValidationError`), a parameter or option that does not fit (:class:`ConfigurationError`),
data that do not support a computation (:class:`AnalysisError`), a figure that would break disclosure
control (:class:`DisclosureError`), a missing network (:class:`OfflineError`), a missing program such as
Chromium (:class:`ToolMissingError`), a damaged archive (:class:`IntegrityError`) and a file that cannot be
written (disk full, quota, no permission: :class:`StorageError`). The command line
shows these as one German message with exit code 2; every other exception is a bug and surfaces as one.

Every reader and validator collects *all* problems it finds and raises a single
:class:`DataValidationError` at the end, so a planner fixes a file in one pass instead of one
error at a time. Each problem names the file (and sheet), the row as a spreadsheet shows it
(header = row 1), the column and the reason, in German because planners read it.
"""

from __future__ import annotations

import errno
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal

MAX_LISTED = 200  # problems printed in full; the rest are counted (all stay in .problems)


def german_number(value: float | int, grouping: bool = True) -> str:
    """A number as German messages write it: "-1.037" for -1037.0, "2,5" for 2.5, "2024" for a year.

    Whole numbers lose their ".0"; up to ten decimals are kept (an input value is shown as it was read).
    ``grouping=False`` drops the thousands dot (for years). This is the formatter of the lower rooms; the
    reports' own (rounded, localised) formatting is :mod:`veedel_lib.render.formatting`.
    """
    number = float(value)
    if math.isnan(number):
        return "(leer)"
    if math.isinf(number):
        return "unendlich" if number > 0 else "minus unendlich"
    return format_decimal(number, format="#,##0.##########", locale="de_DE", group_separator=grouping)


_INVISIBLE_OTHERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Letters that show nothing (Hangul fillers), besides the format, control and separator characters."""


def is_invisible(char: str) -> bool:
    """Whether a character shows nothing or moves the text around it: format characters (zero-width space and
    joiners U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, bidi controls), control characters other
    than tab and line breaks, line/paragraph separators, unassigned code points and the Hangul fillers."""
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cf", "Cc", "Cn", "Zl", "Zp") or char in _INVISIBLE_OTHERS


def visible(text: str) -> str:
    """``text`` with every invisible character written as its code point ("[U+200B]"), so a message shows
    what a planner cannot see in the cell (a zero-width space inside a number, a bidi override)."""
    if all(not is_invisible(c) for c in text):
        return text
    return "".join(f"[U+{ord(c):04X}]" if is_invisible(c) else c for c in text)


def shown_value(value: object) -> str:
    """An input value quoted for a German message: numbers in German form, texts in single quotes with
    invisible characters shown as code points (:func:`visible`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return german_number(value)
    if value is None:
        return "(leer)"
    text = visible(str(value))
    return f"'{text if len(text) <= 80 else text[:77] + '...'}'"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of an input file."""

    file: str
    row: int | None
    column: str | None
    reason: str
    sheet: str | None = None

    def location(self) -> str:
        """Where the problem is, as a planner would look it up: "statistics.csv, Zeile 7, Spalte 'count'"."""
        parts = [Path(self.file).name if self.file else "(unbekannte Datei)"]
        if self.sheet:
            parts.append(f"Blatt '{self.sheet}'")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.column:
            parts.append(f"Spalte '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return visible(f"{self.location()}: {self.reason}")


class VeedelError(Exception):
    """Base of every error that the user can fix (input, parameters, environment); its text is German."""


class ConfigurationError(VeedelError):
    """A parameter, option or configuration value that does not fit (unknown area, year without data)."""


class AnalysisError(VeedelError):
    """The data are valid but do not support a computation (no qualifying Stadtteil, no spread)."""


class DisclosureError(VeedelError):
    """A figure or table would show values that disclosure control must hide: it may not be published."""


class OfflineError(VeedelError):
    """The network (the city's open-data portal) cannot be reached."""


class ToolMissingError(VeedelError):
    """A program the project uses (Chromium, axe-core) is not installed."""


class IntegrityError(VeedelError):
    """An archive or run folder does not match its checksums."""


class StorageError(VeedelError):
    """A file could not be written (full disk, exhausted quota, missing permission): the path and the cause."""


WRITE_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "kein Speicherplatz mehr auf dem Datenträger",
    errno.EDQUOT: "das Speicherkontingent (Quota) ist erschöpft",
    errno.EFBIG: "die Datei würde größer, als das System erlaubt",
    errno.EROFS: "der Datenträger ist schreibgeschützt",
    errno.EACCES: "keine Schreibberechtigung",
    errno.EPERM: "keine Schreibberechtigung",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
}
"""Errors of writing a file that the user (or the administrator) must fix, with their German cause."""

_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]")


def write_errno(error: BaseException | str) -> int | None:
    """The errno of a failed write (an OSError, or the text of one a notebook kernel reported); None otherwise.

    Only the causes in :data:`WRITE_ERRNOS` count: a missing input file, say, is a different problem.
    """
    if isinstance(error, OSError):
        number = error.errno
    else:
        match = _ERRNO_IN_TEXT.search(str(error))
        number = int(match.group(1)) if match else None
    return number if number in WRITE_ERRNOS else None


def write_failure(error: OSError | str, path: str | Path | None = None) -> StorageError:
    """One German sentence on a file that could not be written: which path, and why.

    ``error`` is the OSError (or its text, e.g. from a notebook kernel); ``path`` names the file when the
    error itself does not.
    """
    number = write_errno(error)
    cause = WRITE_ERRNOS.get(number) or (os.strerror(number) if number else str(error))
    if isinstance(error, OSError):
        path = error.filename or path
    elif path is None:
        quoted = re.search(r"'([^']+)'", str(error))
        path = quoted.group(1) if quoted else None
    return StorageError(f"{path or 'Eine Datei'} konnte nicht geschrieben werden: {cause}.")


class DataValidationError(VeedelError):
    """Raised when input does not meet its schema; lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        files = sorted({Path(p.file).name for p in self.problems})
        head = f"{german_number(count)} Problem{'e' if count != 1 else ''} in den Eingabedaten ({', '.join(files)}):"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  ... und {german_number(count - MAX_LISTED)} weitere (alle in DataValidationError.problems)")
        return "\n".join([head, *lines])


def _sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.sheet or "", problem.row if problem.row is not None else -1,
            problem.column or "", problem.reason)


class ProblemCollector:
    """Accumulates problems across several checks and raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str | Path, row: int | None, column: str | None, reason: str,
            sheet: str | None = None) -> None:
        """Record one problem; ``row`` is the spreadsheet row (header = 1), None for whole-file problems."""
        self.problems.append(Problem(str(file), None if row is None else int(row), column, reason, sheet))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        """Raise one DataValidationError listing everything collected so far."""
        if self.problems:
            raise DataValidationError(self.problems)
