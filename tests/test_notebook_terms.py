"""The notebooks' Markdown names the city's levels and areas through placeholders (``{{ Stadtteile }}``,
``{{ Sozialraumgebiete }}``): the report's title block writes the city's words into its document description and
the publisher fills them in, escaped, before it reads the headings and exports. Hand-made notebooks and a tiny
made-up city; no run."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import PARAMETERS, ROOT, write

from veedel_lib.errors import DataValidationError
from veedel_lib.params.reference import load_reference
from veedel_lib.publish.html import fill_terms, read_document, render_html
from veedel_lib.render.blocks import ReportTitle
from veedel_lib.render.document import DOCUMENT_MIME, PLACEHOLDERS, document_terms

CITY = """city: Mittelsee
adjective: Mittelseer
programme: {name: Starke Quartiere}
area_term: {name: Fördergebiet, plural: Fördergebiete, gender: n}
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke, gender: m}
  - {id: ortsteil, name: Ortsteil, plural: Ortsteile, gender: m}
  - {id: planungsraum, name: Planungsraum, plural: Planungsräume, gender: m, genitive: Planungsraums}
units:
  bezirk:
    - {key: "01", name: Altmarkt}
  ortsteil:
    - {key: "0101", name: Altmarkt, parent: "01"}
  planungsraum:
    - {key: "01010001", name: Altmarkt Nord, parent: "0101"}
"""
"""A made-up city with three levels (Bezirk > Ortsteil > Planungsraum) and its own word for the areas."""

MARKDOWN = ["## 2. Status und Dynamik aller {{ Stadtteile }}\n\nDie Punkte sind die {{ Stadtteile }}; die der "
            "{{ Sozialraumgebiete }} sind hervorgehoben.",
            "## 3. Die {{Sozialraumgebiete}} im Vergleich mit {{ Stadtteilen }} ohne Programm",
            "Die Lage {{ Stadtteils }} im {{ Stadtbezirk }}"]


def _title(terms: dict[str, str]) -> ReportTitle:
    return ReportTitle(report="Sozialindex", area="Gesamtprogramm", area_id="programm", year=2024,
                       date="7. Dezember 2026", data_status="Daten 2015 bis 2024", notebook="sozialindex",
                       terms=tuple(terms.items()))


def _notebook(terms: dict[str, str] | None, markdown: list[str]) -> nbformat.NotebookNode:
    """A report notebook as a kernel leaves it: the title block's output (with its description unless ``terms`` is
    None: a plain notebook), then the Markdown cells."""
    cells = []
    if terms is not None:
        title = _title(terms)
        cell = nbformat.v4.new_code_cell("report.title(index.title())")
        cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<header>Sozialindex</header>",
                                                                DOCUMENT_MIME: title.document()})]
        cells.append(cell)
    cells += [nbformat.v4.new_markdown_cell(text) for text in markdown]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def mittelsee(tmp_path_factory) -> dict[str, str]:
    """The placeholders' words of the made-up city, from its ``raumbezug.yml``."""
    return document_terms(load_reference(write(tmp_path_factory.mktemp("city") / "raumbezug.yml", CITY)))


def _contents(html: str) -> list[str]:
    """The texts of the table of contents' entries."""
    nav = re.search(r'<nav [^>]*class="toc"[^>]*>.*?</nav>', html, re.S)
    return re.findall(r'<li><a href="#[^"]+">([^<]*)</a></li>', nav.group(0)) if nav else []


def test_the_markdown_names_another_citys_levels_and_areas_also_in_the_table_of_contents(mittelsee):
    """The words come from the report's description; a plain notebook (none) keeps its text as written."""
    assert mittelsee["Stadtteile"] == "Planungsräume" and mittelsee["Stadtteilen"] == "Planungsräumen"
    assert mittelsee["Stadtteils"] == "Planungsraums" and mittelsee["Stadtbezirk"] == "Bezirk"
    assert mittelsee["Sozialraumgebiete"] == "Fördergebiete"
    nb = _notebook(mittelsee, MARKDOWN)
    html = render_html(nb, source="sozialindex.ipynb")
    assert _contents(html) == ["2. Status und Dynamik aller Planungsräume",
                               "3. Die Fördergebiete im Vergleich mit Planungsräumen ohne Programm"]
    assert [h.text for h in read_document(nb).headings] == _contents(html)
    assert "<p>Die Punkte sind die Planungsräume; die der Fördergebiete sind hervorgehoben.</p>" in html
    assert "Die Lage Planungsraums im Bezirk" in html
    assert re.search(r"\{\{|Stadtteil|Sozialraumgebiet|Stadtbezirk", html) is None
    assert "{{ Stadtteile }}" in nb.cells[1].source  # the notebook itself is not changed
    plain = render_html(_notebook(None, ["## Vorlage {{ Stadtteile }}"]))  # no description: no terms, text kept
    assert ">Vorlage {{ Stadtteile }}</h2>" in plain


def test_cologne_reads_its_notebooks_as_they_stand_and_they_use_only_known_placeholders():
    """Cologne's raumbezug.yml maps every placeholder to itself: the notebooks' text reads as written, the
    placeholders as their names."""
    cologne = document_terms(load_reference(PARAMETERS / "raumbezug.yml"))
    names = [name for forms in PLACEHOLDERS.values() for name in forms]
    assert cologne == {name: name for name in names}
    used = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        template = nbformat.read(str(path), as_version=4)
        markdown = [cell.source for cell in template.cells if cell.cell_type == "markdown"]
        filled = fill_terms(_notebook(cologne, markdown), path.name)  # no unknown placeholder in any notebook
        as_written = [re.sub(r"\{\{\s*(\w+)\s*\}\}", r"\1", text) for text in markdown]
        assert [cell.source for cell in filled.cells[1:]] == as_written, path.name
        used |= {m.strip() for text in markdown for m in re.findall(r"\{\{(.*?)\}\}", text)}
    assert {"Stadtteile", "Stadtteilen", "Sozialraumgebiete"} <= used


def test_a_hostile_term_shows_literally_and_never_as_markup_or_placeholder():
    hostile = {"Stadtteile": "<script>alert(1)</script> *x* [Link](http://example.org) $y$ {{ Stadtteile }}",
               "Sozialraumgebiete": "Gebiete\n# Eingeschoben"}
    html = render_html(_notebook(hostile, ["## Alle {{ Stadtteile }}\n\nDie {{ Sozialraumgebiete }}."]))
    shown = "&lt;script&gt;alert(1)&lt;/script&gt; *x* [Link](http://example.org) $y$ {{ Stadtteile }}"
    assert _contents(html) == [f"Alle {shown}"]
    assert f">Alle {shown}</h2>" in html and "<script" not in html and "<em>" not in html
    assert "<a href" not in html.split("</nav>", 1)[1]  # no link but the table of contents'
    assert "<p>Die Gebiete # Eingeschoben.</p>" in html and "<h1>Eingeschoben" not in html


def test_an_unknown_or_unclosed_placeholder_is_refused_naming_the_notebook_and_the_cell(mittelsee):
    nb = _notebook(mittelsee, ["## Alle {{ Stadtteile }}", "Die {{ Stadtviertel }} der Stadt", "Die {{ Gebiete"])
    with pytest.raises(DataValidationError) as error:
        render_html(nb, source="sozialindex.ipynb")
    message = str(error.value)
    assert "sozialindex.ipynb: Zelle 3: unbekannter Platzhalter „{{ Stadtviertel }}“; bekannt sind: " in message
    assert "Sozialraumgebiete" in message
    assert "sozialindex.ipynb: Zelle 4: „{{“ ohne schließendes „}}“" in message
    assert "Zelle 2" not in message


def test_veedel_publish_of_one_notebook_fills_the_terms_and_refuses_an_unknown_one_before_writing(
        mittelsee, tmp_path, capsys):
    from veedel_lib.cli import main

    good, bad = tmp_path / "sozialindex.ipynb", tmp_path / "falsch.ipynb"
    nbformat.write(_notebook(mittelsee, MARKDOWN), str(good))
    nbformat.write(_notebook(mittelsee, ["## Die {{ Stadtviertel }}"]), str(bad))
    assert main(["publish", str(good), "--formats", "html"]) == 0
    assert "Status und Dynamik aller Planungsräume" in Path(tmp_path / "sozialindex.html").read_text(encoding="utf-8")
    assert main(["publish", str(bad), "--formats", "html"]) == 2
    assert "falsch.ipynb: Zelle 2: unbekannter Platzhalter „{{ Stadtviertel }}“" in capsys.readouterr().out
    assert not (tmp_path / "falsch.html").exists()


def test_the_change_report_reads_the_sections_with_the_citys_words_as_the_report_prints_them(mittelsee, tmp_path):
    """veedel reproduce named a Bezirksbericht section "1. Die {{ Sozialraumgebiete }} im Bezirk": it compared the
    notebook's Markdown as written. Its sections and sentences are now those of the printed report."""
    from veedel_lib.run.compare import statements

    path = tmp_path / "sozialindex.ipynb"
    nbformat.write(_notebook(mittelsee, MARKDOWN), path)
    sections = statements(path)
    assert sections == {
        "2. Status und Dynamik aller Planungsräume": [
            "Die Punkte sind die Planungsräume; die der Fördergebiete sind hervorgehoben."],
        "3. Die Fördergebiete im Vergleich mit Planungsräumen ohne Programm": ["Die Lage Planungsraums im Bezirk"]}
    assert not any("{{" in key or any("{{" in s for s in text) for key, text in sections.items())
    # a placeholder the city does not know: the report could not be published; its text is compared as written
    nbformat.write(_notebook(mittelsee, ["## 1. Die {{ Unbekannte }} im Bezirk\n\nEin Satz."]), path)
    assert statements(path) == {"1. Die {{ Unbekannte }} im Bezirk": ["Ein Satz."]}
    # not a notebook at all (a hostile archive's file): no text, no traceback
    for junk in ("[1, 2]", '{"cells": 5}', "null", '{"cells": [5]}'):
        path.write_text(junk, encoding="utf-8")
        assert statements(path) == {}
