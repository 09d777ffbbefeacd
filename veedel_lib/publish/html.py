"""Publish executed notebooks as German HTML reports (nbconvert) and PDF (headless Chromium).

HTML: no code cells, no prompts, no error or log output, one self-contained file (figures embedded as
data URIs, CSS inline, no scripts, nothing loaded from the network), ``lang="de"``, a title block and a
table of contents. PDF is printed from that HTML by Chromium (see :mod:`veedel_lib.publish.pdf`).
Every file is written to a temporary name and renamed at the end, so an interrupted run never leaves a
half-written report that looks complete.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ..files import atomic_write_text
from ..render.markup import CONTENT_SECURITY_POLICY, escape

TEMPLATES = Path(__file__).parent / "templates"
REMOVE_TAGS = {"remove_cell", "parameters", "injected-parameters"}


def notebook_title(nb: nbformat.NotebookNode) -> dict:
    """The title data a notebook put into its outputs' metadata (see :meth:`veedel_lib.render.report.Report.title`)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("veedel", {}).get("title")
            if title:
                return dict(title)
    return {}


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
    return exporter


_HEADING = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')


def _strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


_NUMBERED = re.compile(r"^\d+\.\s")


def add_table_of_contents(body: str, include: bool = True) -> str:
    """Insert a linked table of contents of all h2 sections after the title block.

    Sections whose headings already carry their number ("1. Profil") are listed without a second,
    generated number. ``include=False`` (one-page reports) only removes the heading anchor links.
    """
    body = _ANCHOR.sub("", body)
    entries = [(anchor, _strip_tags(text)) for anchor, text in _HEADING.findall(body)]
    if not entries or not include:
        return body
    items = "".join(f'<li><a href="#{escape(a)}">{escape(t)}</a></li>' for a, t in entries)
    numbered = ' class="numbered"' if all(_NUMBERED.match(text) for _, text in entries) else ""
    nav = (f'<nav class="toc" aria-labelledby="inhaltsverzeichnis"><h2 id="inhaltsverzeichnis">Inhalt</h2>'
           f"<ol{numbered}>{items}</ol></nav>")
    marker = "</header>"
    position = body.find(marker)
    if position < 0:
        return body.replace('<main id="inhalt">', f'<main id="inhalt">{nav}', 1)
    position += len(marker)
    return body[:position] + nav + body[position:]


def render_html(nb: nbformat.NotebookNode, footer: str | None = None) -> str:
    """The report HTML of an executed notebook, as text."""
    title = notebook_title(nb)
    document_title = " – ".join(str(p) for p in (title.get("report"), title.get("area"), title.get("year")) if p)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    resources = {"veedel": {
        "document_title": document_title or "Bericht",
        "csp": CONTENT_SECURITY_POLICY,
        "css": css,
        "footer": footer or ("Stadt Köln – Lebenswerte Veedel. Erstellt mit veedel"
                             + (f" am {title['date']}" if title.get("date") else "") + "."),
    }}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    wants_toc = str(title.get("toc", nb.metadata.get("veedel", {}).get("toc", True))) not in ("False", "false")
    return add_table_of_contents(body, include=wants_toc)


def export_html(notebook: str | Path | nbformat.NotebookNode, target: str | Path, footer: str | None = None) -> Path:
    """Render an executed notebook (path or node) to a self-contained HTML file, atomically."""
    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, (str, Path)) else notebook
    target = Path(target)
    atomic_write_text(target, render_html(nb, footer))
    return target
