"""``veedel publish``: any executed report notebook as the styled HTML and the PDF that ``veedel run`` makes.

A planner who ran a notebook in JupyterLab (or with papermill) gets the committee documents with one
command, without nbconvert options: the same export as a run (:func:`~veedel_lib.publish.html.export_html`:
no code, no editing notes, the project's styling, one self-contained file) and the same print
(:class:`~veedel_lib.publish.pdf.PdfPrinter`: A4 from Chromium, page numbers). A notebook that was not
executed, or in which a cell ended with an error, is refused with a German message naming the cells:
its report would lack whatever those cells should have shown.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

from ..errors import ConfigurationError, DataValidationError, Problem
from ..params.run_config import FORMATS  # the formats veedel publish writes, in order (the PDF printed from the HTML)
from .html import export_html, read_document
from .pdf import PdfPrinter

def parse_formats(text: str | Iterable[str] | None) -> list[str]:
    """The requested formats from ``"html,pdf"`` (or a list), in :data:`FORMATS` order; German error if unknown."""
    if text is None:
        return list(FORMATS)
    items = text.split(",") if isinstance(text, str) else list(text)
    wanted = {item.strip().lower() for item in items if item.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise ConfigurationError(f"Unbekanntes Format {', '.join(repr(u) for u in unknown) or '(leer)'} "
                                 f"für veedel publish; möglich sind: {', '.join(FORMATS)}.")
    return [f for f in FORMATS if f in wanted]


def read_executed(path: str | Path) -> nbformat.NotebookNode:
    """The executed notebook at ``path``; DataValidationError (German) if it is missing, unreadable, not
    executed, if any of its cells ended with an error (every such cell is named) or if its document description
    or heading data are malformed (:func:`~veedel_lib.publish.html.read_document`), before anything is written."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError([Problem(str(path), None, None, "Datei nicht gefunden")])
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's to fix, said in German
        raise DataValidationError([Problem(str(path), None, None, f"kein lesbares Notebook ({exc})")]) from exc
    code = [(number, cell) for number, cell in enumerate(nb.cells, start=1) if cell.cell_type == "code"]
    if not any(cell.get("outputs") for _, cell in code):
        raise DataValidationError([Problem(str(path), None, None, (
            "das Notebook ist nicht ausgeführt (keine Ausgaben). Erst ausführen – in JupyterLab mit Run → Run All "
            "Cells und Speichern, oder mit papermill – und dann das ausgeführte Notebook angeben."))])
    problems = [Problem(str(path), None, None, f"Zelle {number} endete mit einem Fehler: {output.get('ename', '')}: "
                                               f"{output.get('evalue', '')}".rstrip(": "))
                for number, cell in code for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if problems:
        problems.append(Problem(str(path), None, None, "der Bericht wäre unvollständig: bitte den Fehler beheben "
                                                       "und das Notebook neu ausführen"))
        raise DataValidationError(problems)
    read_document(nb, str(path))
    return nb


def publish_notebook(path: str | Path, out_dir: str | Path | None = None, formats: Iterable[str] | str | None = None,
                     on_written: Callable[[Path], None] | None = None) -> list[Path]:
    """Write ``<name>.html`` and/or ``<name>.pdf`` of the executed notebook ``path`` into ``out_dir``.

    ``out_dir`` defaults to the notebook's folder; ``formats`` to html and pdf. Each file is written
    atomically and passed to ``on_written`` as soon as it exists, so a caller can report the HTML even if
    the PDF then fails (no Chromium: :class:`~veedel_lib.errors.ToolMissingError`). Returns the files.
    """
    chosen = parse_formats(formats)
    source = Path(path)
    nb = read_executed(source)
    target = Path(out_dir) if out_dir is not None else source.parent
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def done(file: Path) -> None:
        written.append(file)
        if on_written is not None:
            on_written(file)

    html = target / f"{source.stem}.html"
    with tempfile.TemporaryDirectory(prefix="veedel-publish-") as scratch:
        if "html" in chosen:
            done(export_html(nb, html, source=str(source)))
        if "pdf" in chosen:
            printed_from = html if "html" in chosen else export_html(nb, Path(scratch) / html.name,
                                                                     source=str(source))
            with PdfPrinter() as printer:
                done(printer.print(printed_from, target / f"{source.stem}.pdf"))
    return written
