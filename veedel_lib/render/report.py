"""Render report blocks in a notebook: accessible HTML tables, figures with alt text and data, German text.

This is the single door to the report: every table and every chart's data passes through
:func:`veedel_lib.render.disclosure.protect` here, is formatted in German here, and is written as a data
file (CSV) here when the run asks for table files. A notebook shows content only via :class:`Report`.
"""

from __future__ import annotations

import base64
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DisclosureError
from ..safe_output import write_table
from . import formatting as fmt
from .blocks import Block, ChartBlock, Col, ReportTitle, TableBlock, TextBlock
from .disclosure import Protected, leaks, protect
from .hyphenation import hyphenate
from .hyphenation import words as hyphenation_words
from .markup import escape, markdown_html

SUPPRESSED_MARK = "•"
SUPPRESSED_NOTE = ("• = nicht veröffentlicht: Zahl unter der Veröffentlichungsschwelle oder aus solchen Zahlen "
                   "zurückrechenbar (Geheimhaltung).")


def _unit_of(row: pd.Series, column: Col) -> str:
    if column.unit in ("percent", "per_1000"):
        return column.unit
    if column.unit and column.unit in row:
        return str(row[column.unit])
    return "percent"


def format_cell(value: object, row: pd.Series, column: Col) -> str:
    """One cell as German text according to its column's kind."""
    if column.kind == "text":
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return fmt.MISSING
    if column.kind in ("count", "integer"):
        return fmt.integer(value)
    if column.kind == "year":
        return str(int(value))
    if column.kind == "rate":
        return fmt.rate(value, _unit_of(row, column), column.decimals)
    if column.kind == "points":
        return fmt.points(value, _unit_of(row, column), column.decimals, short=True)
    if column.kind == "share":
        return fmt.percent(value, column.decimals)
    if column.kind == "ratio":
        return fmt.number(value, 2)
    if column.kind == "measure":
        return fmt.measure(value, str(row[column.unit]) if column.unit in row else "Anzahl", column.decimals)
    return fmt.number(value, column.decimals)


_GENDER_STAR = re.compile(r"(?<=\w)\*(?=\w)")


def escape_gender_star(markdown: str) -> str:
    """Escape the asterisk inside words ("Bürger*innen") so Markdown does not read it as emphasis."""
    return _GENDER_STAR.sub(r"\\*", markdown)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _breakable(value: str) -> str:
    """Escaped cell text that may wrap after a slash ("Blumenberg/Chorweiler"), not inside a word."""
    return escape(value).replace("/", "/<wbr>")


def table_html(protected: Protected, columns: list[Col], caption: str, note: str = "",
               table_id: str | None = None, hyphenation: dict[str, str] | None = None) -> str:
    """An accessible HTML table: caption, column headers with scope, the first column as row headers.

    Column headers get soft hyphens in the long words they contain (the report's own header words and
    ``hyphenation``, see :mod:`.hyphenation`), so that a narrow column wraps them only there. Row headers and cells
    keep plain words (they are what a reader searches for; the first column is wide enough).
    """
    frame, hidden = protected.frame, protected.hidden
    shown = [c for c in columns if c.key in frame.columns and c.show]
    head = "".join(f'<th scope="col">{_breakable(hyphenate(c.header, hyphenation))}</th>' for c in shown)
    body = []
    for index, row in frame.iterrows():
        cells = []
        for position, column in enumerate(shown):
            if bool(hidden.at[index, column.key]):
                text = f'<abbr title="geheim gehalten">{SUPPRESSED_MARK}</abbr>'
            else:
                text = _breakable(format_cell(row[column.key], row, column))
            css = ' class="num"' if column.kind != "text" else ""
            tag = "th" if position == 0 else "td"
            scope = ' scope="row"' if position == 0 else ""
            cells.append(f"<{tag}{scope}{css}>{text}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = [part for part in note.split("\n\n") if part.strip()]  # a blank line starts a note of its own
    if protected.any_hidden:
        notes.append(SUPPRESSED_NOTE)
    id_attr = f' id="{escape(table_id)}"' if table_id else ""
    if len(shown) >= 7:
        id_attr += ' data-wide="true"'
    foot = "".join(f'<p class="table-note">{escape(n)}</p>' for n in notes)
    # the wrapper scrolls sideways on narrow screens, so it must be reachable by keyboard and named
    return (f'<div class="vtable-wrap" tabindex="0" role="region" aria-label="Tabelle: {escape(caption)}">'
            f'<table class="vtable"{id_attr}><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}</div>")


SHOWN_DECIMALS = {"count": 0, "integer": 0, "year": 0, "ratio": 2}
"""Decimals of the kinds whose shown precision does not come from the column's ``decimals``."""


def public_data(protected: Protected, columns: list[Col]) -> pd.DataFrame:
    """The values a report shows, as data: hidden cells empty, column names kept, rows in report order.

    Numbers carry the precision the report shows (a rate with one decimal, a count as a whole number): the
    data file publishes what the page publishes, no more. Unrounded values would let a reader recompute
    withheld counts from published totals (a rate to ten digits gives its denominator away).
    """
    shown = [c for c in columns if c.key in protected.frame.columns and c.show]
    data = protected.frame[[c.key for c in shown]].copy()
    for column in shown:
        if column.kind == "text":
            continue
        values = pd.to_numeric(data[column.key], errors="coerce")
        if values.notna().any() or data[column.key].isna().all():
            data[column.key] = values.round(SHOWN_DECIMALS.get(column.kind, column.decimals))
    return data


def title_html(title: ReportTitle) -> str:
    """The title block: kicker, heading and the facts of the report, escaped."""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in title.facts())
    return (f'<header class="report-title"><p class="kicker">Stadt Köln · Lebenswerte Veedel</p>'
            f'<h1>{escape(title.heading)}</h1><dl class="title-facts">{items}</dl></header>')


def title_metadata(title: ReportTitle) -> dict[str, str]:
    """The title as output metadata (text values), read back by the HTML export for page title and contents."""
    return {key: str(value) for key, value in asdict(title).items() if key != "hyphenation"}


class Report:
    """Shows blocks in a notebook and writes their public data to ``tables_dir`` (if given)."""

    def __init__(self, tables_dir: str | Path | None = None):
        self.tables_dir = Path(tables_dir) if tables_dir else None
        if self.tables_dir:
            self.tables_dir.mkdir(parents=True, exist_ok=True)
        self.figure_count = 0
        self.table_count = 0
        self.hyphenation: dict[str, str] = {}
        """Words with soft hyphens for table headers, from the title (the catalogue's ``hyphenation``)."""

    # -------------------------------------------------------------- output
    def _display_html(self, markup: str) -> None:
        from IPython.display import HTML, display

        display(HTML(markup))

    def _write(self, name: str, frame: pd.DataFrame) -> None:
        if self.tables_dir is None:
            return
        write_table(frame, self.tables_dir / f"{name}.csv", float_format="%.10g")

    # -------------------------------------------------------------- blocks
    def title(self, title: ReportTitle) -> None:
        """The report's title block; its data also travels in the output metadata for the HTML title page."""
        from IPython.display import HTML, display

        self.hyphenation = hyphenation_words(title.hyphenation)
        display(HTML(title_html(title)), metadata={"veedel": {"title": title_metadata(title)}})

    def table(self, block: TableBlock) -> Protected:
        """Protect, format, show and store one table."""
        protected = protect(block.frame, block.columns, block.total_row, block.total_columns)
        self.table_count += 1
        self._display_html(table_html(protected, block.columns, block.caption, block.note,
                                      f"tabelle-{_slug(block.name)}", self.hyphenation))
        self._write(block.name, public_data(protected, block.columns))
        return protected

    def chart(self, block: ChartBlock) -> Protected:
        """Show a figure with its alt text and caption, and its (protected) data as a collapsible table."""
        chart = block.chart
        columns = block.columns or [Col(k, h, "text" if chart.data[k].dtype == object else "number")
                                    for k, h in chart.data_columns.items()]
        protected = protect(chart.data, columns)
        exposed = leaks(chart.data.reset_index(drop=True), protected, columns)
        if exposed:
            raise DisclosureError(f"Abbildung „{chart.caption}“ zeigt Werte, die geheim zu halten sind "
                                  f"({', '.join(exposed[:5])}); Daten vor dem Zeichnen mit disclosure.masked schützen.")
        svg = chart.svg()
        self.figure_count += 1
        number = self.figure_count
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        data_table = table_html(protected, columns, f"Daten zu Abbildung {number}: {chart.caption}",
                                hyphenation=self.hyphenation)
        markup = (
            f'<figure class="chart" id="abbildung-{number}">'
            f'<img src="data:image/svg+xml;base64,{encoded}" alt="{escape(chart.alt)}" />'
            f"<figcaption>Abbildung {number}: {escape(chart.caption)}</figcaption>"
            f'<details class="chart-data"><summary>Daten zu Abbildung {number} als Tabelle</summary>'
            f"{data_table}</details></figure>"
        )
        self._display_html(markup)
        self._write(block.name, public_data(protected, columns))
        return protected

    def text(self, block: TextBlock) -> None:
        """German Markdown as safe HTML (raw HTML in the text is shown, never run; see :mod:`.markup`)."""
        self._display_html(f'<div class="text-block">{markdown_html(escape_gender_star(block.markdown))}</div>')

    def show(self, blocks: Block | list[Block]) -> None:
        """Render one block or a list of blocks in order."""
        for block in blocks if isinstance(blocks, list) else [blocks]:
            if isinstance(block, TableBlock):
                self.table(block)
            elif isinstance(block, ChartBlock):
                self.chart(block)
            elif isinstance(block, TextBlock):
                self.text(block)
            else:
                raise TypeError(f"Unbekannter Berichtsbaustein: {type(block).__name__}")
