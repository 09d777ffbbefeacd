"""Report blocks render themselves, and the report reaches the publisher as data: title, table of contents and
document metadata from the title block's document description, the table of contents from the document's headings.
"""

from __future__ import annotations

import re
from dataclasses import replace

import nbformat
import pandas as pd
import pytest

from veedel_lib.errors import DataValidationError
from veedel_lib.publish.html import read_document, render_html
from veedel_lib.render.blocks import Col, HeadingBlock, ReportTitle, TableBlock, TextBlock
from veedel_lib.render.document import DOCUMENT_MIME
from veedel_lib.render.report import Report

TITLE = ReportTitle(report="Sozialraumgebietsanalyse", area="Kalk", area_id="kalk", year=2024,
                    date="7. Dezember 2026", data_status="Daten 2015 bis 2024", notebook="sozialraumgebietsanalyse",
                    publisher="Stadt Köln", programme="Lebenswerte Veedel")
NAV = re.compile(r'<nav [^>]*class="toc"[^>]*>.*?</nav>', re.S)
"""The table of contents in the HTML (the export writes the attributes in its own order)."""


class NotebookReport(Report):
    """A report that puts what it shows into the outputs of notebook cells, as a kernel would."""

    def __init__(self) -> None:
        super().__init__(None)
        self.cells: list[nbformat.NotebookNode] = []

    def _display_bundle(self, bundle) -> None:
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", dict(bundle))]
        self.cells.append(cell)

    def _display_html(self, markup: str) -> None:
        self._display_bundle({"text/html": markup})

    def markdown(self, source: str) -> None:
        self.cells.append(nbformat.v4.new_markdown_cell(source))

    def notebook(self) -> nbformat.NotebookNode:
        return nbformat.v4.new_notebook(cells=self.cells)


def _counts() -> TableBlock:
    frame = pd.DataFrame({"gruppe": ["Kalk-Nord", "Kalk-Süd"], "anzahl": [2, 40]})
    return TableBlock("probe", "Kinder nach Gebiet", frame,
                      [Col("gruppe", "Gebiet"), Col("anzahl", "Anzahl", "count", threshold=3)])


def _contents(html: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the table of contents in the HTML."""
    nav = NAV.search(html)
    return re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', nav.group(0)) if nav else []


def test_a_table_block_renders_itself_protected_with_caption_and_suppression_note():
    block = _counts()
    markup = block._repr_html_()
    assert markup == block.to_html()
    assert "<caption>Kinder nach Gebiet</caption>" in markup and 'id="tabelle-probe"' in markup
    assert '<th scope="row">Kalk-Nord</th><td class="num"><abbr title="geheim gehalten">•</abbr></td>' in markup
    assert '<td class="num">40</td>' in markup and ">2<" not in markup        # the small count never shows
    assert "Geheimhaltung" in markup


def test_a_text_block_renders_itself_as_safe_html():
    markup = TextBlock("Für Bürger*innen: **wichtig** <script>alert(1)</script>")._repr_html_()
    assert markup.startswith('<div class="text-block"><p>Für Bürger*innen: <strong>wichtig</strong>')
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_a_heading_block_renders_itself_with_its_anchor_and_carries_its_heading_as_data():
    block = HeadingBlock("Änderungen gegenüber dem Vorjahresbericht")
    assert block.to_html() == ('<h2 id="abschnitt-änderungen-gegenüber-dem-vorjahresbericht">Änderungen gegenüber '
                               "dem Vorjahresbericht</h2>")
    assert block.data() == {"level": 2, "text": "Änderungen gegenüber dem Vorjahresbericht",
                            "anchor": "abschnitt-änderungen-gegenüber-dem-vorjahresbericht"}
    with pytest.raises(ValueError, match="Ebene 1"):
        HeadingBlock("Titel", level=1)


def test_the_report_shows_whatever_block_renders_itself_and_refuses_anything_else():
    """No list of known block types: a block is what renders itself."""
    from veedel_lib.render.blocks import Rendered

    class Signature:
        def render(self, context):
            return Rendered(f"<p>Abbildung {context.figure} folgt</p>")

    report = NotebookReport()
    report.show([Signature(), _counts()])
    shown = [cell.outputs[0]["data"]["text/html"] for cell in report.cells]
    assert shown[0] == "<p>Abbildung 1 folgt</p>" and shown[1] == _counts().to_html()
    assert report.table_count == 1
    with pytest.raises(TypeError, match="Unbekannter Berichtsbaustein: str"):
        report.show("## Überschrift")


def test_the_title_reaches_the_publisher_as_data_without_any_output_metadata():
    """The page title, the language and the footer's date come from the title block's document description."""
    report = NotebookReport()
    report.title(TITLE)
    report.markdown("## 1. Profil des Gebiets")
    nb = report.notebook()
    output = nb.cells[0].outputs[0]
    assert output.get("metadata", {}) == {} and output["data"][DOCUMENT_MIME]["toc"] is True
    html = render_html(nb)
    assert "<title>Sozialraumgebietsanalyse – Kalk – 2024</title>" in html and '<html lang="de">' in html
    assert "Stadt Köln – Lebenswerte Veedel. Erstellt mit veedel am 7. Dezember 2026." in html
    assert '<header class="report-title">' in html and "<h1>Sozialraumgebietsanalyse: Kalk</h1>" in html


def _titled(title: ReportTitle) -> nbformat.NotebookNode:
    """A notebook with the title block and one section."""
    report = NotebookReport()
    report.title(title)
    report.markdown("## Ergebnis")
    return report.notebook()


def test_a_report_without_table_of_contents_says_so_as_a_boolean_and_gets_none():
    without = _titled(replace(TITLE, toc=False))
    assert without.cells[0].outputs[0]["data"][DOCUMENT_MIME]["toc"] is False
    html = render_html(without)
    assert not NAV.search(html) and '<a class="anchor-link"' not in html and "<h2" in html
    assert _contents(render_html(_titled(TITLE))) == [("Ergebnis", "Ergebnis")]


def test_the_table_of_contents_lists_the_documents_section_headings_in_order_and_links_each():
    """Markdown headings of the notebook and heading blocks of the content, in document order; only sections
    (level 2); every entry links a heading of the page."""
    report = NotebookReport()
    report.title(TITLE)
    report.markdown("## 1. Profil des Gebiets\n\nLage und Größe.")
    report.show([TextBlock("Text"), _counts()])
    report.markdown("### Kontextindikatoren")
    report.show(HeadingBlock("2. Änderungen gegenüber dem Vorjahr"))
    report.markdown("## 3. Bürger\\*innen vor Ort")
    nb = report.notebook()
    document = read_document(nb)
    assert [(h.level, h.text) for h in document.headings] == [
        (2, "1. Profil des Gebiets"), (3, "Kontextindikatoren"), (2, "2. Änderungen gegenüber dem Vorjahr"),
        (2, "3. Bürger*innen vor Ort")]
    html = render_html(nb)
    entries = _contents(html)
    assert entries == [(h.anchor, h.text) for h in document.headings if h.level == 2]
    for anchor, text in entries:
        assert re.search(f'<h2 id="{re.escape(anchor)}">{re.escape(text)}</h2>', html), anchor
    assert '<ol class="numbered">' in html
    assert html.index("</header>") == NAV.search(html).start() - len("</header>")  # right after the title block
    assert NAV.search(html).end() < html.index('id="1.-Profil-des-Gebiets"')


def test_a_document_description_with_the_table_of_contents_flag_as_text_is_refused_naming_the_cell():
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<p>Titel</p>",
                                                            DOCUMENT_MIME: {**TITLE.document(), "toc": "False"}})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Hinweis"), cell])
    with pytest.raises(DataValidationError, match=r"kalk\.ipynb: Zelle 2: „toc“ .* 'False', erwartet true oder false"):
        read_document(nb, "kalk.ipynb")


def test_veedel_publish_refuses_a_malformed_document_description_before_writing_anything(tmp_path, capsys):
    from veedel_lib.cli import main

    cell = nbformat.v4.new_code_cell("report.title(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<p>Titel</p>",
                                                            DOCUMENT_MIME: {**TITLE.document(), "toc": "False"}})]
    source = tmp_path / "kalk.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(source))
    assert main(["publish", str(source), "--formats", "html"]) == 2
    assert "kalk.ipynb: Zelle 1: „toc“ der Beschreibung des Berichts ist 'False'" in capsys.readouterr().out
    assert not (tmp_path / "kalk.html").exists()
