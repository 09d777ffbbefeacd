"""Tables as a report shows them: German cells, accessible HTML and the public data behind them.

The table blocks and the charts' data tables (:mod:`veedel_lib.render.blocks`) render through here after
disclosure control (:func:`veedel_lib.render.disclosure.protect`): hidden cells show the mark :data:`SUPPRESSED_MARK`
and are empty in the data file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import formatting as fmt
from .columns import Col
from .disclosure import Protected
from .hyphenation import hyphenate
from .markup import escape

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


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens: the id of a table or heading ("tabelle-profil")."""
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
