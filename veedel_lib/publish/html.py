"""Publish executed notebooks as German HTML reports (nbconvert) and PDF (headless Chromium).

HTML: no code cells, no prompts, no error or log output, one self-contained file (figures embedded as
data URIs, CSS inline, no scripts, nothing loaded from the network), ``lang="de"``, a title block and a
table of contents. PDF is printed from that HTML by Chromium (see :mod:`veedel_lib.publish.pdf`).
Every file is written to a temporary name and renamed at the end, so an interrupted run never leaves a
half-written report that looks complete.

The publisher takes what it needs to know about a report as data (:func:`read_document`), never from the finished
HTML: the document description the title block put into its output (title, table-of-contents flag, language,
author, date; :data:`~veedel_lib.render.document.DOCUMENT_MIME`) and the document's headings in order (the
notebook's Markdown headings and the outputs of heading blocks, :data:`~veedel_lib.render.document.HEADING_MIME`).
The page title, the footer and the table of contents are made from that data.

The notebooks' Markdown names the city's levels and areas through placeholders, ``{{ Stadtteile }}``
(:data:`~veedel_lib.render.document.PLACEHOLDERS`); the description carries their values for the run's city
(:data:`~veedel_lib.render.document.TERMS_KEY`), and :func:`fill_terms` puts them, escaped, into every Markdown cell
before anything reads the headings or exports: the table of contents, the HTML and the PDF name the city's words.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import nbformat
from markdown_it import MarkdownIt
from nbconvert import HTMLExporter
from nbconvert.filters import add_anchor
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from ..errors import DataValidationError, Problem
from ..files import atomic_write_text
from ..render.document import DOCUMENT_MIME, HEADING_MIME, TERMS_KEY
from ..render.markup import CONTENT_SECURITY_POLICY, escape, markdown_literal
from . import TEMPLATES

REMOVE_TAGS = {"remove_cell", "parameters", "injected-parameters"}


@dataclass(frozen=True)
class Heading:
    """One heading of a report document, in document order."""

    level: int
    """2 for a section (listed in the table of contents), 3 to 6 below it."""
    text: str
    anchor: str | None
    """The heading's id in the HTML; None where nbconvert gives it none (its text is no well-formed markup)."""


@dataclass(frozen=True)
class Document:
    """A report notebook as the publisher sees it: its description and its headings, as data.

    The defaults are those of a notebook without a description (one not made with
    :class:`~veedel_lib.render.report.Report`): the window title "Bericht" and a table of contents.
    """

    title: str = ""
    document_title: str = "Bericht"
    """The window title (``<title>``, the PDF's title): "Sozialraumgebietsanalyse – Kalk – 2024"."""
    toc: bool = True
    """False for one-page reports: no table of contents."""
    language: str = "de"
    author: str = ""
    programme: str = ""
    date: str = ""
    """The day the report was made ("7. Dezember 2026"), for the footer; empty: not known."""
    headings: tuple[Heading, ...] = ()

    def contents(self) -> list[Heading]:
        """The entries of the table of contents: every section heading (level 2) with an anchor."""
        return [heading for heading in self.headings if heading.level == 2 and heading.anchor]

    def footer(self) -> str:
        """The line under the report: publisher, programme and the day it was made."""
        owner = " – ".join(part for part in (self.author, self.programme) if part)
        return (f"{owner}. " if owner else "") + "Erstellt mit veedel" + (f" am {self.date}" if self.date else "") + "."


_MARKDOWN = MarkdownIt("commonmark")
_TEXT_TOKENS = {"text", "code_inline", "html_inline"}
_BREAK_TOKENS = {"softbreak", "hardbreak"}


def markdown_headings(source: str) -> Iterator[Heading]:
    """The headings of one Markdown cell, with the ids nbconvert's HTML gives them (:func:`markdown_anchor`)."""
    tokens = _MARKDOWN.parse(source)
    for token, inline in zip(tokens, tokens[1:]):
        if token.type != "heading_open":
            continue
        text = "".join(child.content if child.type in _TEXT_TOKENS else " " if child.type in _BREAK_TOKENS else ""
                       for child in inline.children or [])
        level = int(token.tag[1])
        yield Heading(level, text, markdown_anchor(level, text))


def markdown_anchor(level: int, text: str) -> str | None:
    """The id nbconvert gives a Markdown heading of this text: its public ``add_anchor`` filter on the heading."""
    marked = add_anchor(f"<h{level}>{html.escape(text, quote=False)}</h{level}>")
    try:
        return ElementTree.fromstring(marked).get("id")
    except ElementTree.ParseError:
        return None


def _description(data: object, source: str, number: int) -> tuple[dict, list[Problem]]:
    """The fields of a document description that the publisher uses, checked: a JSON object, ``toc`` a boolean,
    the texts strings; German problems naming the cell otherwise."""
    where = f"Zelle {number}: "
    if not isinstance(data, Mapping):
        return {}, [Problem(source, None, None, where + "die Beschreibung des Berichts ist kein JSON-Objekt")]
    fields, problems = {}, []
    for key in ("title", "document_title", "language", "author", "programme", "date"):
        if key in data:
            if isinstance(data[key], str):
                fields[key] = data[key]
            else:
                problems.append(Problem(source, None, None, where + f"„{key}“ der Beschreibung des Berichts ist "
                                                                    "kein Text"))
    if "toc" in data:
        if isinstance(data["toc"], bool):
            fields["toc"] = data["toc"]
        else:
            problems.append(Problem(source, None, None, where + f"„toc“ der Beschreibung des Berichts ist "
                                                                f"{data['toc']!r}, erwartet true oder false"))
    return fields, problems


def _heading(data: object, source: str, number: int) -> tuple[Heading | None, list[Problem]]:
    """A heading block's data, checked (level 2 to 6, text and anchor as strings)."""
    if (isinstance(data, Mapping) and type(data.get("level")) is int and 2 <= data["level"] <= 6
            and isinstance(data.get("text"), str) and isinstance(data.get("anchor"), str)):
        return Heading(data["level"], data["text"], data["anchor"]), []
    return None, [Problem(source, None, None, f"Zelle {number}: die Daten einer Überschrift sind unvollständig "
                                              "(Ebene 2 bis 6, Text und Anker erwartet)")]


def _published_cells(nb: nbformat.NotebookNode) -> Iterator[tuple[int, nbformat.NotebookNode]]:
    """(number from 1, cell) of every cell the export keeps (cells tagged to be removed are skipped)."""
    for number, cell in enumerate(nb.cells, start=1):
        if not REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            yield number, cell


def _first_description(nb: nbformat.NotebookNode) -> tuple[int, object] | None:
    """(cell number, data) of the first document description among the outputs; None for a plain notebook."""
    for number, cell in _published_cells(nb):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if DOCUMENT_MIME in data:
                return number, data[DOCUMENT_MIME]
    return None


PLACEHOLDER = re.compile(r"(?<!\\)\{\{(?:([^{}\n]{0,100})\}\})?")
"""A placeholder of the Markdown, ``{{ Stadtteile }}`` on one line (group 1: what stands between the braces, at most
100 characters), or ``{{`` without such closing braces (group 1 None); ``\\{{`` is the braces as text."""


def _terms(description: tuple[int, object], source: str) -> tuple[dict[str, str], list[Problem]]:
    """The city's words of a document description by placeholder name; a German problem if they are malformed."""
    number, data = description
    terms = data.get(TERMS_KEY, {}) if isinstance(data, Mapping) else {}
    if isinstance(terms, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in terms.items()):
        return dict(terms), []
    return {}, [Problem(source, None, None, f"Zelle {number}: „{TERMS_KEY}“ der Beschreibung des Berichts ist "
                                            "kein JSON-Objekt aus Texten")]


def _fill(text: str, terms: Mapping[str, str], number: int, source: str) -> tuple[str, list[Problem]]:
    """One Markdown cell with its placeholders replaced by the city's words, each made literal Markdown
    (:func:`~veedel_lib.render.markup.markdown_literal`); German problems naming the cell for an unknown or an
    unclosed placeholder."""
    problems: list[Problem] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            problems.append(Problem(source, None, None, f"Zelle {number}: „{{{{“ ohne schließendes „}}}}“ in "
                                                        "derselben Zeile (als Text: „\\{{{{“)"))
        elif name.strip() not in terms:
            known = ", ".join(sorted(terms)) or "keine (die Beschreibung des Berichts nennt keine Begriffe der Stadt)"
            problems.append(Problem(source, None, None, f"Zelle {number}: unbekannter Platzhalter "
                                                        f"„{match.group(0)}“; bekannt sind: {known}"))
        else:
            return markdown_literal(terms[name.strip()])
        return match.group(0)

    return PLACEHOLDER.sub(replace, text), problems


def _filled(nb: nbformat.NotebookNode, source: str) -> tuple[nbformat.NotebookNode, list[Problem]]:
    """The notebook with its Markdown cells' placeholders filled from its document description (a shallow copy;
    the given notebook is not changed), and the problems found. A plain notebook (no description) as it is."""
    description = _first_description(nb)
    if description is None:
        return nb, []
    terms, problems = _terms(description, source)
    published = {number for number, _ in _published_cells(nb)}
    cells = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown" and number in published and "{{" in cell.source:
            text, found = _fill(cell.source, terms, number, source)
            problems += found
            cell = nbformat.NotebookNode({**cell, "source": text})
        cells.append(cell)
    return nbformat.NotebookNode({**nb, "cells": cells}), problems


def fill_terms(nb: nbformat.NotebookNode, source: str = "Notebook") -> nbformat.NotebookNode:
    """The notebook as the report prints it: every ``{{ Stadtteile }}`` of its Markdown replaced by the city's word
    from its document description, as literal text (a hostile ``<script>`` or ``*x*`` shows as written).

    A plain notebook (no description) keeps its text. An unknown or unclosed placeholder raises
    DataValidationError (German, naming ``source`` and the cell); so do malformed terms.
    """
    filled, problems = _filled(nb, source)
    if problems:
        raise DataValidationError(problems)
    return filled


def read_document(nb: nbformat.NotebookNode, source: str = "Notebook") -> Document:
    """The report document of an executed notebook: the first document description among its outputs and the
    headings of its Markdown cells (placeholders filled, :func:`fill_terms`) and heading blocks, in document order
    (cells the export removes are skipped).

    A description, terms, placeholders or heading data of the wrong form raise DataValidationError (German, naming
    ``source`` and the cell), all problems together. A notebook without a description gets the defaults of
    :class:`Document`.
    """
    filled, problems = _filled(nb, source)
    return _document(filled, source, problems)


def _document(nb: nbformat.NotebookNode, source: str, problems: list[Problem]) -> Document:
    """The document of a notebook whose placeholders are filled; raises the problems found so far and its own."""
    fields: dict | None = None
    headings: list[Heading] = []
    problems = list(problems)
    for number, cell in _published_cells(nb):
        if cell.cell_type == "markdown":
            headings += markdown_headings(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if DOCUMENT_MIME in data and fields is None:
                fields, found = _description(data[DOCUMENT_MIME], source, number)
                problems += found
            if HEADING_MIME in data:
                heading, found = _heading(data[HEADING_MIME], source, number)
                headings += [heading] if heading else []
                problems += found
    if problems:
        raise DataValidationError(problems)
    return Document(**(fields or {}), headings=tuple(headings))


_NUMBERED = re.compile(r"^\d+\.\s")


def contents_html(document: Document) -> str:
    """The linked table of contents of the document's sections; empty for a one-page report or no sections.

    Sections whose headings already carry their number ("1. Profil") are listed without a second, generated
    number.
    """
    entries = document.contents()
    if not document.toc or not entries:
        return ""
    items = "".join(f'<li><a href="#{escape(h.anchor)}">{escape(h.text)}</a></li>' for h in entries)
    numbered = ' class="numbered"' if all(_NUMBERED.match(h.text) for h in entries) else ""
    return (f'<nav class="toc" aria-labelledby="inhaltsverzeichnis"><h2 id="inhaltsverzeichnis">Inhalt</h2>'
            f"<ol{numbered}>{items}</ol></nav>")


class ContentsAfterTitle(Preprocessor):
    """Puts the table of contents (``resources["veedel"]["contents"]``) right after the title block, in the title's
    output; at the top of the report when there is no title block."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        nav = resources.get("veedel", {}).get("contents")
        if not nav:
            return nb, resources
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if DOCUMENT_MIME in data and "text/html" in data:
                    data["text/html"] = data["text/html"] + nav
                    return nb, resources
        nb.cells.insert(0, nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data",
                                                                                      {"text/html": nav})]))
        return nb, resources


@functools.cache
def _exporter() -> HTMLExporter:
    """The report exporter, made once per process: a new one compiles its six Jinja templates again (half of the
    0,15 s that a report's HTML took)."""
    exporter = HTMLExporter(template_name="veedel_report", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    remover = TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS, enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    exporter.register_preprocessor(ContentsAfterTitle(enabled=True), enabled=True)
    return exporter


_ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')
"""The "¶" link nbconvert appends to every Markdown heading; the report links its sections from the contents."""


def render_html(nb: nbformat.NotebookNode, footer: str | None = None, source: str = "Notebook") -> str:
    """The report HTML of an executed notebook, as text, its Markdown's placeholders filled (:func:`fill_terms`);
    ``source`` names the notebook in error messages."""
    filled, problems = _filled(nb, source)
    document = _document(filled, source, problems)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    resources = {"veedel": {
        "document_title": document.document_title or "Bericht",
        "language": document.language,
        "csp": CONTENT_SECURITY_POLICY,
        "css": css,
        "footer": footer or document.footer(),
        "contents": contents_html(document),
    }}
    body, _ = _exporter().from_notebook_node(filled, resources=resources)
    return _ANCHOR.sub("", body)


def export_html(notebook: str | Path | nbformat.NotebookNode, target: str | Path, footer: str | None = None,
                source: str | None = None) -> Path:
    """Render an executed notebook (path or node) to a self-contained HTML file, atomically; ``source``: the
    notebook's name in error messages (default: its path)."""
    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, (str, Path)) else notebook
    name = source or (str(notebook) if isinstance(notebook, (str, Path)) else "Notebook")
    target = Path(target)
    atomic_write_text(target, render_html(nb, footer, name))
    return target
