"""Declaring a workbook: its sheets, their columns with type, drop-down vocabulary, help text and privacy.

A domain (the Kernprozess documentation, the plans) declares its sheets once with these classes; the template
writer (:mod:`.writer`) and the reader (:mod:`.reader`) both follow the declaration, so template and check never
drift. Column types are the domain's words ("date", "choice", "money", ...); the engine knows the ones it writes
and reads the same for every domain (see :data:`PREFILLED_TYPES`, :data:`NUMBER_TYPES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFILLED_TYPES = ("area", "period")
"""Columns a template fills in advance: a row with nothing else in it is not a record."""
NUMBER_TYPES = ("count", "money", "number")
"""Columns read as numbers: whole counts, amounts in EUR (two decimals at most), other numbers."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet: header, key in the typed table, type, whether required, help text (German)."""

    header: str
    key: str
    type: str
    required: bool
    help: str
    unit: str = ""
    """Unit or format shown on the help sheet ("Datum (TT.MM.JJJJ)", "Euro, ...")."""
    vocabulary: str | None = None
    """Name of the drop-down list of "choice" columns (and of the domain's other list columns)."""
    prefix: str | None = None
    """For number columns of a domain (H, Z, S, M, or P for Kernprozess projects): the prefix of the numbers."""
    private: bool = False
    """Free text or a person: read and checked, then dropped; never appears in a report."""
    width: int = 18
    """Column width in Excel's character units."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: name, key of its typed table, help text and columns (in order)."""

    name: str
    key: str
    help: str
    columns: tuple[Column, ...]

    def column(self, header: str) -> Column:
        """The column with this header."""
        return next(c for c in self.columns if c.header == header)

    def by_key(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> list[str]:
        """The headers in order."""
        return [c.header for c in self.columns]


def number_key(number: str) -> str:
    """A number ("H-01", "P-2022-007") with the leading zeros of its digit groups dropped ("H-1", "P-2022-7").

    Two numbers with the same key but different spellings look like one to a reader and are two to a computer:
    the validators report them instead of treating them as two ids.
    """
    return re.sub(r"\d+", lambda digits: str(int(digits.group())), number)


def repeated_numbers(records: list[tuple[object, str | None, int]]) -> list[tuple[int, int, str]]:
    """Records whose number was given before in the same group: (index, row of the first, its spelling).

    ``records`` are (group, number, row) in sheet order (group: e.g. the plan period; None for the whole sheet);
    two numbers are the same when :func:`number_key` makes them equal, so "H-01" after "H-1" is repeated too
    (the caller tells "the same" from "equal up to leading zeros" by comparing the spellings).
    """
    first: dict[tuple, tuple[int, str]] = {}
    repeated = []
    for index, (group, number, row) in enumerate(records):
        if not isinstance(number, str):
            continue
        key = (group, number_key(number))
        if key in first:
            repeated.append((index, *first[key]))
        else:
            first[key] = (row, number)
    return repeated
