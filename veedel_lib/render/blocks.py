"""The building blocks of a report: headings, German text, tables with column roles, charts and the title.

Analysis code produces blocks, and every block renders itself: :meth:`render` gives its HTML (and, for tables and
charts, the public data of its table file), :meth:`to_html` the HTML alone, and ``_repr_html_`` lets JupyterLab
show a block by itself. :class:`veedel_lib.render.report.Report` shows the blocks of a report in order and writes
their data files. A table block declares for each column what it holds (a count of people with its publish
threshold, a rate derived from counts, a difference, text), so that disclosure control
(:func:`veedel_lib.render.disclosure.protect`, called by every table and chart as it renders) and German formatting
are applied in one place without the analysis code having to remember them.

The title and the headings also travel as data, for the publisher (:mod:`veedel_lib.publish.html`): their
notebook output carries, next to its HTML, a JSON document of its own MIME type (:mod:`veedel_lib.render.document`:
title, table-of-contents flag and document metadata; level, text and anchor of a heading), from which the publisher
takes the page title, the footer and the table of contents.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from ..errors import DisclosureError
from ..safe_output import published_text
from .columns import Col, ColumnKind
from .disclosure import Protected, leaks, protect
from .document import DOCUMENT_MIME, HEADING_MIME, TERMS_KEY
from .charts.drawing import Chart
from .markup import escape, markdown_html
from .tables import public_data, slug, table_html

__all__ = ["Block", "ChartBlock", "Col", "ColumnKind", "HeadingBlock", "RenderContext", "Rendered", "ReportTitle",
           "TableBlock", "TextBlock", "title_html"]


@dataclass(frozen=True)
class RenderContext:
    """What a block takes from the report around it when it renders."""

    hyphenation: Mapping[str, str] = field(default_factory=dict)
    """Words with soft hyphens for table headers (the report title's catalogue words)."""
    figure: int = 1
    """The number the next figure of the report gets ("Abbildung 3")."""


@dataclass(frozen=True, eq=False)
class Rendered:
    """A block as the report shows it: its HTML, and what else its output and its table file carry."""

    html: str
    text: str = ""
    """Plain text of the output (title and headings), for exports that show no HTML."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Further parts of the output by MIME type (the document description, a heading's data)."""
    name: str | None = None
    """Stem of the table file the block's public data goes to; None: no file."""
    table: pd.DataFrame | None = None
    """The public data for the table file (hidden cells empty, the precision shown)."""
    protected: Protected | None = None
    """The block's values after disclosure control (tables and charts)."""
    figures: int = 0
    """How many figure numbers the block used."""
    tables: int = 0
    """How many tables the block showed."""


class SelfRendering(Protocol):
    """What :class:`~veedel_lib.render.report.Report` asks of a block: that it renders itself."""

    def render(self, context: RenderContext) -> Rendered: ...


class _Renders:
    """HTML of a block by itself (outside a report: default context) and in JupyterLab (``_repr_html_``)."""

    def render(self, context: RenderContext) -> Rendered:  # pragma: no cover - every block defines it
        raise NotImplementedError

    def to_html(self, context: RenderContext | None = None) -> str:
        """The block's HTML (escaped, protected); ``context``: the report around it (default: none)."""
        return self.render(context or RenderContext()).html

    def _repr_html_(self) -> str:
        """IPython's rich display: a block shows itself as the report would show it."""
        return self.to_html()


FILE_STEM = re.compile(r"[a-z0-9_]+")
"""What a table's or chart's name may be: it is the stem of its data file in the report's table folder."""


def _check_name(name: str) -> None:
    """Refuse a name that is no plain file stem (a slash made a folder, an area's name a file of its own)."""
    if not FILE_STEM.fullmatch(name):
        raise ValueError(f"Name „{name}“ taugt nicht als Tabellendatei: nur Kleinbuchstaben, Ziffern und _ "
                         f"(die Daten landen in <Name>.csv)")


_GENDER_STAR = re.compile(r"(?<=\w)\*(?=\w)")


def escape_gender_star(markdown: str) -> str:
    """Escape the asterisk inside words ("Bürger*innen") so Markdown does not read it as emphasis."""
    return _GENDER_STAR.sub(r"\\*", markdown)


def heading_anchor(text: str) -> str:
    """The id of a heading block: its words in lower case joined by hyphens ("abschnitt-änderungen-seit-2023")."""
    return "abschnitt-" + re.sub(r"[^\w]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class HeadingBlock(_Renders):
    """A section heading that a report's content makes (the notebooks' own headings are Markdown cells).

    Its output carries the heading as data (:data:`HEADING_MIME`) next to the HTML, so that the publisher lists it
    in the table of contents in document order with the Markdown cells' headings.
    """

    text: str
    level: int = 2
    """2 for a section (listed in the table of contents), 3 to 6 below it; the report's title is the one h1."""

    def __post_init__(self) -> None:
        if self.level not in range(2, 7):
            raise ValueError(f"Überschrift „{self.text}“: Ebene {self.level} gibt es nicht (2 bis 6; 1 ist der "
                             "Titel des Berichts)")

    def data(self) -> dict[str, Any]:
        """Level, shown text and anchor of the heading, for the publisher's table of contents."""
        return {"level": self.level, "text": published_text(self.text), "anchor": heading_anchor(self.text)}

    def render(self, context: RenderContext) -> Rendered:
        """``<h2 id="abschnitt-…">text</h2>`` with the heading's data beside it."""
        tag = f"h{self.level}"
        return Rendered(f'<{tag} id="{escape(heading_anchor(self.text))}">{escape(self.text)}</{tag}>',
                        text=published_text(self.text), data={HEADING_MIME: self.data()})


@dataclass
class TableBlock(_Renders):
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

    def render(self, context: RenderContext) -> Rendered:
        """Protect, format and mark up the table; its public data goes to ``<name>.csv``."""
        protected = protect(self.frame, self.columns, self.total_row, self.total_columns)
        markup = table_html(protected, self.columns, self.caption, self.note, f"tabelle-{slug(self.name)}",
                            dict(context.hyphenation))
        return Rendered(markup, name=self.name, table=public_data(protected, self.columns), protected=protected,
                        tables=1)


@dataclass
class TextBlock(_Renders):
    """German Markdown text (sentences, lists, notes)."""

    markdown: str

    def render(self, context: RenderContext) -> Rendered:
        """German Markdown as safe HTML (raw HTML in the text is shown, never run; see :mod:`.markup`)."""
        return Rendered(f'<div class="text-block">{markdown_html(escape_gender_star(self.markdown))}</div>')


@dataclass
class ChartBlock(_Renders):
    """A chart with the name its data file gets."""

    name: str
    chart: Chart
    columns: list[Col] = field(default_factory=list)
    """How the chart's data table is shown (defaults to the chart's data_columns as text/number)."""

    def __post_init__(self) -> None:
        _check_name(self.name)

    def data_columns(self) -> list[Col]:
        """The declared columns of the chart's data table, else its ``data_columns`` as text or numbers."""
        chart = self.chart
        return self.columns or [Col(k, h, "text" if chart.data[k].dtype == object else "number")
                                for k, h in chart.data_columns.items()]

    def render(self, context: RenderContext) -> Rendered:
        """The figure (SVG as a data URI) with its number, alt text and caption, and its protected data as a
        collapsible table; DisclosureError (German) if the drawn data show a value that is to be withheld."""
        chart, columns, number = self.chart, self.data_columns(), context.figure
        protected = protect(chart.data, columns)
        exposed = leaks(chart.data.reset_index(drop=True), protected, columns)
        if exposed:
            raise DisclosureError(f"Abbildung „{chart.caption}“ zeigt Werte, die geheim zu halten sind "
                                  f"({', '.join(exposed[:5])}); Daten vor dem Zeichnen mit disclosure.masked "
                                  "schützen.")
        encoded = base64.b64encode(chart.svg().encode("utf-8")).decode("ascii")
        data_table = table_html(protected, columns, f"Daten zu Abbildung {number}: {chart.caption}",
                                hyphenation=dict(context.hyphenation))
        markup = (
            f'<figure class="chart" id="abbildung-{number}">'
            f'<img src="data:image/svg+xml;base64,{encoded}" alt="{escape(chart.alt)}" />'
            f"<figcaption>Abbildung {number}: {escape(chart.caption)}</figcaption>"
            f'<details class="chart-data"><summary>Daten zu Abbildung {number} als Tabelle</summary>'
            f"{data_table}</details></figure>"
        )
        return Rendered(markup, name=self.name, table=public_data(protected, columns), protected=protected, figures=1)


@dataclass(frozen=True)
class ReportTitle(_Renders):
    """The title block of a report: what it is, for which place and year, on which data.

    Its output carries the report's document description (:meth:`document`) for the publisher.
    """

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
    publisher: str = ""
    """Who publishes the report (the author of the document), above the heading: ``publisher`` of the city's
    ``raumbezug.yml`` ("Stadt Köln")."""
    programme: str = ""
    """The programme the report belongs to, above the heading: its short name in ``raumbezug.yml``."""
    terms: tuple[tuple[str, str], ...] = ()
    """The city's words for the placeholders of the notebook's Markdown, as (placeholder, word) pairs
    (:func:`veedel_lib.render.document.document_terms`: ("Stadtteile", "Planungsräume")); not shown in the title."""

    def facts(self) -> list[tuple[str, str]]:
        """The facts under the heading, as (label, value) pairs with a value."""
        rows = [(self.place_level, self.area if self.place_level else ""), ("Gebietszuschnitt", self.definition),
                (self.district_level, self.stadtbezirk), ("Berichtsjahr", str(self.year)),
                ("Datenstand", self.data_status), ("Erstellt am", self.date)]
        return [(label, value) for label, value in rows if value]

    @property
    def heading(self) -> str:
        return f"{self.report}: {self.area}".rstrip(": ")

    @property
    def kicker(self) -> str:
        """The line above the heading: "Stadt Köln · Lebenswerte Veedel" (publisher and programme)."""
        return " · ".join(part for part in (self.publisher, self.programme) if part)

    def document(self) -> dict[str, Any]:
        """The report as a document, as JSON data for the publisher: title, window title, table-of-contents flag
        (a boolean), language, author, programme, date, the report's id (notebook and place) and the city's words
        for the Markdown's placeholders."""
        return {"title": self.heading, "kicker": self.kicker,
                "document_title": " – ".join(str(part) for part in (self.report, self.area, self.year) if part),
                "toc": bool(self.toc), "language": "de", "author": self.publisher, "programme": self.programme,
                "date": self.date, "year": self.year, "report": self.report, "notebook": self.notebook,
                "place": self.area, "report_id": "/".join(part for part in (self.notebook, self.area_id) if part),
                TERMS_KEY: dict(self.terms)}

    def render(self, context: RenderContext) -> Rendered:
        """The title block, with the document description beside it (:data:`DOCUMENT_MIME`)."""
        return Rendered(title_html(self), text=self.heading, data={DOCUMENT_MIME: self.document()})


def title_html(title: ReportTitle) -> str:
    """The title block: kicker, heading and the facts of the report, escaped."""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in title.facts())
    return (f'<header class="report-title"><p class="kicker">{escape(title.kicker)}</p>'
            f'<h1>{escape(title.heading)}</h1><dl class="title-facts">{items}</dl></header>')


Block = HeadingBlock | TableBlock | TextBlock | ChartBlock
