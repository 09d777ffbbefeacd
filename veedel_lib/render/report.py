"""Show report blocks in a notebook, in order, and write their public data as table files.

This is the single door to the report: a notebook shows content only via :class:`Report`, and every block
renders itself (:meth:`veedel_lib.render.blocks.TableBlock.render` and its siblings): every table and every chart's
data passes through :func:`veedel_lib.render.disclosure.protect` as it renders, is formatted in German, and is
written as a data file (CSV) here when the run asks for table files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..safe_output import write_table
from .blocks import ChartBlock, RenderContext, Rendered, ReportTitle, SelfRendering, TableBlock
from .disclosure import Protected
from .hyphenation import words as hyphenation_words


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
        self.described: dict[str, tuple[str, dict[str, str]]] = {}
        """Each table file written so far: its name -> (the caption readers saw, column key -> header), so that a
        later section can name a table and a column in words instead of by the file's identifiers."""

    # -------------------------------------------------------------- output
    def _display_html(self, markup: str) -> None:
        """Show HTML as a notebook output (subclasses that render without a notebook replace this)."""
        from IPython.display import HTML, display

        display(HTML(markup))

    def _display_bundle(self, bundle: Mapping[str, Any]) -> None:
        """Show one output with several MIME types (HTML, plain text and a block's data as JSON)."""
        from IPython.display import display

        display(dict(bundle), raw=True)

    def _write(self, name: str, frame: pd.DataFrame) -> None:
        if self.tables_dir is None:
            return
        write_table(frame, self.tables_dir / f"{name}.csv", float_format="%.10g")

    # -------------------------------------------------------------- blocks
    def _present(self, block: SelfRendering) -> Rendered:
        """Render one block in the report's context, show it and write its table file; what it rendered."""
        render = getattr(block, "render", None)
        if render is None:
            raise TypeError(f"Unbekannter Berichtsbaustein: {type(block).__name__}")
        rendered = render(RenderContext(self.hyphenation, self.figure_count + 1))
        self.figure_count += rendered.figures
        self.table_count += rendered.tables
        if rendered.data:
            self._display_bundle({"text/html": rendered.html, "text/plain": rendered.text, **rendered.data})
        else:
            self._display_html(rendered.html)
        if rendered.name is not None and rendered.table is not None:
            self._write(rendered.name, rendered.table)
            self.described[rendered.name] = _described(block)
        return rendered

    def title(self, title: ReportTitle) -> None:
        """The report's title block; its document description (title, table of contents, metadata) travels in
        the same output as data for the publisher."""
        self.hyphenation = hyphenation_words(title.hyphenation)
        self._present(title)

    def table(self, block: TableBlock) -> Protected:
        """Show one table; its values after disclosure control."""
        return self._present(block).protected

    def chart(self, block: ChartBlock) -> Protected:
        """Show one chart; its data after disclosure control."""
        return self._present(block).protected

    def show(self, blocks: SelfRendering | list[SelfRendering]) -> None:
        """Render one block or a list of blocks in order (each block renders itself)."""
        for block in blocks if isinstance(blocks, list) else [blocks]:
            self._present(block)


def _described(block: SelfRendering) -> tuple[str, dict[str, str]]:
    """A table or chart block's caption and its columns' headers, as the reader sees them."""
    chart = getattr(block, "chart", None)
    caption = getattr(block, "caption", "") or (f"Daten der Grafik „{chart.caption}“" if chart is not None and
                                                 chart.caption else "")
    columns = block.data_columns() if hasattr(block, "data_columns") else getattr(block, "columns", [])
    return caption, {column.key: column.header for column in columns}
