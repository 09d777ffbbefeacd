"""What each column of a report table holds: its kind, unit, publish threshold and the counts it is built from.

A module of its own because both the blocks (:mod:`veedel_lib.render.blocks`, which render themselves and so call
disclosure control) and disclosure control (:mod:`veedel_lib.render.disclosure`, which reads the declarations)
need it; neither may import the other's module in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "count", "number", "integer", "rate", "points", "ratio", "year", "share", "measure"]


@dataclass(frozen=True)
class Col:
    """How one column of a table block is shown and protected.

    kind:       "count" = number of people (subject to suppression), "rate" = value in % or per mille,
                "points" = difference of rates, "ratio" = factor, "share" = percent of a total,
                "integer"/"number" = other figures, "measure" = a documented figure in the unit named per
                row by ``unit`` (Anzahl, Personen, EUR, Prozent), "year", "text".
    unit:       "percent" or "per_1000" for rates and points, or the name of a column holding it per row.
    threshold:  publish threshold for a count column, or the name of a column holding it per row.
    based_on:   count columns a value is computed from; it is suppressed when any of them is.
    """

    key: str
    header: str
    kind: ColumnKind = "text"
    unit: str | None = None
    threshold: int | str | None = None
    based_on: tuple[str, ...] = ()
    decimals: int = 1
    show: bool = True
    """False for columns that only serve disclosure control (counts behind shown rates): never displayed
    and never written to the table files."""
