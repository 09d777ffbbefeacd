"""The building blocks of a report section: tables with column roles, charts and German text.

Analysis code produces blocks; :mod:`veedel_lib.render.report` renders them. A table block declares for each
column what it holds (a count of people with its publish threshold, a rate derived from counts, a
difference, text), so that disclosure control and German formatting can be applied in one place
without the analysis code having to remember them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from .figures import Chart

FILE_STEM = re.compile(r"[a-z0-9_]+")
"""What a table's or chart's name may be: it is the stem of its data file in the report's table folder."""


def _check_name(name: str) -> None:
    """Refuse a name that is no plain file stem (a slash made a folder, an area's name a file of its own)."""
    if not FILE_STEM.fullmatch(name):
        raise ValueError(f"Name „{name}“ taugt nicht als Tabellendatei: nur Kleinbuchstaben, Ziffern und _ "
                         f"(die Daten landen in <Name>.csv)")


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


@dataclass
class TableBlock:
    """A table for the report and, as data, for the run's table files."""

    name: str
    caption: str
    frame: pd.DataFrame
    columns: list[Col]
    note: str = ""
    """Plain text under the table; a blank line separates notes (each its own paragraph)."""
    total_row: str | None = None
    """Label (in the first column) of a row that sums all other rows, for secondary suppression."""
    total_columns: dict[str, list[str]] = field(default_factory=dict)
    """Count column -> the count columns it is the sum of (secondary suppression across columns)."""

    def __post_init__(self) -> None:
        _check_name(self.name)


@dataclass
class TextBlock:
    """German Markdown text (sentences, lists, notes)."""

    markdown: str


@dataclass
class ChartBlock:
    """A chart with the name its data file gets."""

    name: str
    chart: Chart
    columns: list[Col] = field(default_factory=list)
    """How the chart's data table is shown (defaults to the chart's data_columns as text/number)."""

    def __post_init__(self) -> None:
        _check_name(self.name)


@dataclass(frozen=True)
class ReportTitle:
    """The title block of a report: what it is, for which place and year, on which data."""

    report: str
    area: str
    area_id: str
    year: int
    date: str
    data_status: str
    stadtbezirk: str = ""
    code: str = ""
    notebook: str = ""
    toc: bool = True
    """False for one-page reports (no table of contents in HTML and PDF)."""
    definition: str = ""
    """Which definition (Gebietszuschnitt) of the area(s) the report uses: "gültig ab 2022"."""
    district_level: str = "Stadtbezirk"
    """The name of the city's highest level (from ``raumbezug.yml``), the label of ``stadtbezirk``."""
    place_level: str = "Sozialraumgebiet"
    """The label of ``area`` in the facts; empty where the place is the district itself (a Bezirksbericht: the
    district row names it)."""
    hyphenation: tuple[str, ...] = ()
    """Words with their break points ("Mindest|sicherungs|quote", ``hyphenation`` of the catalogue) for the report's
    table headers (see :mod:`veedel_lib.render.hyphenation`); not shown in the title."""

    def facts(self) -> list[tuple[str, str]]:
        """The facts under the heading, as (label, value) pairs with a value."""
        rows = [(self.place_level, self.area if self.place_level else ""), ("Gebietszuschnitt", self.definition),
                (self.district_level, self.stadtbezirk), ("Berichtsjahr", str(self.year)),
                ("Datenstand", self.data_status), ("Erstellt am", self.date)]
        return [(label, value) for label, value in rows if value]

    @property
    def heading(self) -> str:
        return f"{self.report}: {self.area}".rstrip(": ")


Block = TableBlock | TextBlock | ChartBlock
