"""Print the HTML reports to PDF with headless Chromium: A4, page numbers, one browser for all reports.

Chromium comes from the Debian package ``chromium`` (the project's set-up installs it). It is driven
through Playwright's Python API with the system browser, so nothing is downloaded at run time. If no
browser can be started, the run still delivers HTML and says clearly why there is no PDF.

The PDFs are accessible (PDF/UA-1, as BITV 2.0 and EN 301 549 ask of public bodies): Chromium writes the
structure tree from the HTML (headings, tables with header cells, figures with their alternative texts, language
``de`` from ``<html lang>``, the title from ``<title>`` shown in the window) and bookmarks from the headings;
:func:`mark_accessible` then marks what Chromium leaves outside the structure (the footer with the page numbers,
the page background) as artifacts and declares PDF/UA-1 in the XMP metadata.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import pikepdf

from ..errors import ToolMissingError, write_errno
from ..files import atomic_path, sha256_file

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic"]
FOOTER = ('<div style="font-family: DejaVu Sans, Arial, sans-serif; font-size: 7.5pt; color: #4a4a4a; '
          'width: 100%; padding: 0 16mm; display: flex; justify-content: space-between;">'
          '<span class="title"></span><span>Seite <span class="pageNumber"></span> von '
          '<span class="totalPages"></span></span></div>')
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
REPORTS_PER_TAB = 8
"""How many reports one print tab prints before a fresh one takes over: a new tab costs a third of a second, while
a tab that printed a whole run's reports holds on to more than a gigabyte of their images."""


def chromium_path() -> str | None:
    """Path of the Chromium executable: ``VEEDEL_CHROMIUM``, else the first one found on PATH."""
    configured = os.environ.get("VEEDEL_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class PdfPrinter:
    """One headless browser that prints many HTML files to PDF (use as a context manager)."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self._page = None
        self._printed_in_tab = 0

    def __enter__(self) -> "PdfPrinter":
        executable = chromium_path()
        if executable is None:
            raise ToolMissingError("Chromium nicht gefunden: bitte das Debian-Paket 'chromium' installieren "
                               "(make run erledigt das) oder VEEDEL_CHROMIUM setzen.")
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        # Ctrl-C goes to the whole process group: the run decides what to stop (it closes the browser itself)
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS,
                                                         handle_sigint=False, handle_sigterm=False,
                                                         handle_sighup=False)
        return self

    def __exit__(self, *exc) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def _print_page(self):
        """The tab that prints the next report: the current one in print media, or a fresh one after
        :data:`REPORTS_PER_TAB` reports (or a failure)."""
        if self._page is not None and not self._page.is_closed() and self._printed_in_tab >= REPORTS_PER_TAB:
            self._page.close()
        if self._page is None or self._page.is_closed():
            self._page = self._browser.new_page()
            self._page.emulate_media(media="print")
            self._printed_in_tab = 0
        self._printed_in_tab += 1
        return self._page

    def print(self, html_file: Path, pdf_file: Path) -> Path:
        """Print one HTML file to ``pdf_file`` atomically (temporary name, then rename).

        Each report replaces the previous one in the same tab (reports carry no script, so nothing of one report
        survives into the next; see :meth:`_print_page`); a tab that failed is closed and the next report gets a fresh
        one.
        """
        page = self._print_page()
        try:
            page.goto(Path(html_file).resolve().as_uri(), wait_until="load")
            link_texts = page.evaluate(_LINK_TEXTS_JS)
            headings = page.evaluate(_HEADING_TEXTS_JS)
            with atomic_path(pdf_file) as temporary:
                page.pdf(path=str(temporary), format="A4", print_background=True, display_header_footer=True,
                         header_template="<span></span>", footer_template=FOOTER, margin=MARGINS,
                         prefer_css_page_size=False, tagged=True, outline=True)
                mark_accessible(temporary, dict(link_texts), headings)
        except BaseException:
            page.close()
            raise
        return pdf_file


_LINK_TEXTS_JS = """() => [...document.querySelectorAll('a[href]')].reverse()
  .map(a => [a.getAttribute('href').startsWith('#') ? a.getAttribute('href') : a.href,
             (a.getAttribute('aria-label') || a.innerText || a.textContent).replace(/\\s+/g, ' ').trim()])
  .filter(([, text]) => text)"""
"""Each link's target (``#id`` in the page, else the full address) with the text a reader sees on it; the first
link of a target wins (the list is reversed for ``dict``)."""
_HEADING_TEXTS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .map(h => h.textContent.replace(/\\u00ad/g, '').replace(/\\s+/g, ' ').trim())"""
"""The text of every heading in document order, as the HTML has it without soft hyphens (the bookmarks' titles)."""
_MARKED_CONTENT_START = {"BDC", "BMC"}
_TEXT_OBJECT_BOUNDS = {"BT", "ET"}


def _artifacts_marked(instructions) -> list:
    """The page's content-stream instructions with every stretch outside a marked-content sequence wrapped in
    ``/Artifact BMC … EMC`` (PDF/UA-1 7.1: content is either tagged or an artifact).

    Chromium tags everything of the HTML but not what it draws itself: the header and footer templates (title and
    page numbers) and the page background. A stretch is closed before each ``BT``/``ET``, so no artifact sequence
    straddles the bounds of a text object (ISO 32000-1 14.6).
    """
    marked = []
    depth = 0
    open_artifact = False
    for instruction in instructions:
        operator = str(instruction.operator)
        if depth == 0 and open_artifact and (operator in _MARKED_CONTENT_START or operator in _TEXT_OBJECT_BOUNDS):
            marked.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
            open_artifact = False
        if operator in _MARKED_CONTENT_START:
            depth += 1
        elif operator == "EMC":
            depth = max(depth - 1, 0)
        elif depth == 0 and not open_artifact and operator not in _TEXT_OBJECT_BOUNDS:
            marked.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
            open_artifact = True
        marked.append(instruction)
    if open_artifact:
        marked.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
    return marked


def _link_description(annotation: pikepdf.Dictionary, link_texts: dict[str, str]) -> str:
    """The alternative description of a link annotation (PDF/UA-1 7.18.5): the text of the HTML link to the same
    target, else the target itself ("Verweis auf …")."""
    if "/Dest" in annotation:
        target = "#" + str(annotation.Dest).lstrip("/")
    else:
        target = str(annotation.get("/A", pikepdf.Dictionary()).get("/URI", ""))
    text = link_texts.get(target) or link_texts.get(unquote(target))
    return text or f"Verweis auf {unquote(target).lstrip('#').replace('-', ' ')}"


def _retitle_bookmarks(pdf: pikepdf.Pdf, headings: list[str]) -> None:
    """Give each bookmark its heading's text as the HTML has it.

    Chromium (156) builds a bookmark's title from the laid-out heading and drops the space where a long heading
    wraps ("zur übrigenStadt"). Bookmarks and headings come in the same order; a bookmark takes the next heading
    whose text is the same but for white space (headings that are not printed have no bookmark).
    """
    def compact(text: str) -> str:
        return "".join(text.split())

    remaining = iter(headings)
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            title = compact(str(item.title))
            heading = next((h for h in remaining if compact(h) == title), None)
            if heading is None:
                return  # no heading with that text: leave the rest as Chromium wrote it
            item.title = heading
            stack.extend(reversed(item.children))


def _struct_kids(element) -> list:
    """The structure elements directly below a structure node (its ``/K``: one kid or an array; page content and
    annotation references left out)."""
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _described(element) -> bool:
    """Whether a structure element carries an alternative text (/Alt or /ActualText, not empty)."""
    return bool(str(element.get("/Alt", element.get("/ActualText", ""))).strip())


def _figure_groups_as_div(pdf: pikepdf.Pdf) -> None:
    """A chart's ``<figure>`` (image, caption, hidden data table) becomes a /Div: the /Figure inside it, the image
    with its alternative text, stays the figure.

    Chromium tags the HTML ``<figure>`` as a /Figure without alternative text around the image's own /Figure, and a
    figure without alternative text fails PDF/UA-1 7.3. In the HTML the ``<figure>`` keeps its meaning (its caption
    names the image), so this is done in the PDF: a /Figure without alternative text that holds a described /Figure
    is a grouping element.
    """
    root = pdf.Root.get("/StructTreeRoot")
    stack = _struct_kids(root) if root is not None else []
    while stack:
        element = stack.pop()
        kids = _struct_kids(element)
        if element.get("/S") == pikepdf.Name.Figure and not _described(element) and any(
                kid.get("/S") == pikepdf.Name.Figure and _described(kid) for kid in kids):
            element.S = pikepdf.Name.Div
        stack.extend(kids)


def mark_accessible(pdf_file: Path, link_texts: dict[str, str] | None = None,
                    headings: list[str] | None = None) -> None:
    """Finish a tagged PDF from Chromium for PDF/UA-1, in place: page content outside the structure tree becomes
    artifacts, a chart's group of image and caption is a /Div (:func:`_figure_groups_as_div`), every link
    annotation gets its description (``/Contents``, from ``link_texts``: target → link text),
    the bookmarks get the headings' texts (``headings``, in document order; see :func:`_retitle_bookmarks`), the
    title is shown in the viewer's window, the XMP metadata carry the title, language and the PDF/UA-1
    identification (``pdfuaid:part`` 1).

    Chromium already writes the structure tree, ``/MarkInfo``, ``/Lang``, the links' structure elements and the
    bookmarks; this adds only what it leaves out (seen with Chromium 156).
    """
    with pikepdf.open(pdf_file, allow_overwriting_input=True) as pdf:
        _figure_groups_as_div(pdf)
        for page in pdf.pages:
            instructions = pikepdf.parse_content_stream(page)
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(_artifacts_marked(instructions)))
            for annotation in page.obj.get("/Annots", pikepdf.Array()):
                if annotation.get("/Subtype") == pikepdf.Name.Link and "/Contents" not in annotation:
                    annotation.Contents = pikepdf.String(_link_description(annotation, link_texts or {}))
        if headings:
            _retitle_bookmarks(pdf, headings)
        preferences = pdf.Root.get("/ViewerPreferences") or pikepdf.Dictionary()
        preferences.DisplayDocTitle = True
        pdf.Root.ViewerPreferences = preferences
        with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
            metadata.load_from_docinfo(pdf.docinfo)
            metadata["dc:language"] = [str(pdf.Root.get("/Lang", "de"))]
            metadata["pdfuaid:part"] = "1"
        pdf.save(pdf_file)


class BackgroundPrinter:
    """Prints reports to PDF in a thread while the notebooks of the run are still executing.

    One browser serves the whole run. ``start`` starts the thread (once the run's worker processes exist: a
    process forked while this thread imports the browser's modules inherits their import locks, held, and
    hangs for ever on its first ``import asyncio``); ``submit`` queues a finished report; ``close`` waits for
    the queue to drain and returns the status entry for the manifest. Without a browser every report stays HTML-only
    and the status says why. ``abort`` (an interrupted run) drops what is still queued, lets the page being
    printed finish and closes the browser. A PDF that cannot be written for lack of space or permission
    (``write_error``) stops the printing: the run then stops as a whole.
    """

    def __init__(self, run_dir: Path):
        import queue
        import threading

        self.run_dir = run_dir
        self.queue: queue.Queue = queue.Queue()
        self.failures: list[str] = []
        self.printed = 0
        self.unavailable: str | None = None
        self.write_error: OSError | None = None
        self._aborted = threading.Event()
        self.thread = threading.Thread(target=self._work, name="veedel-pdf", daemon=True)

    def start(self) -> None:
        """Start the printing thread (once; later calls do nothing)."""
        if self.thread.ident is None:
            self.thread.start()

    def submit(self, result) -> None:
        """Queue the HTML of a successful report (``result`` is a runner TaskResult)."""
        html = self.run_dir / result.task.folder / f"{result.task.notebook}.html"
        if html.exists():
            self.queue.put((result, html, html.with_suffix(".pdf")))

    def _work(self) -> None:
        try:
            printer = PdfPrinter().__enter__()
        except Exception as exc:  # noqa: BLE001 - no browser means HTML only, said clearly
            self.unavailable = f"PDF nicht erzeugt: {exc}"
            printer = None
        try:
            while True:
                job = self.queue.get()
                if job is None or self._aborted.is_set():
                    break
                if printer is None:
                    continue
                result, html, pdf = job
                try:
                    printer.print(html, pdf)
                    result.outputs[pdf.relative_to(self.run_dir).as_posix()] = sha256_file(pdf)
                    self.printed += 1
                except OSError as exc:
                    if write_errno(exc) is None:
                        self.failures.append(f"{html.name}: {exc}")
                        continue
                    self.write_error = exc  # a full disk: no later page would fare better
                    break
                except Exception as exc:  # noqa: BLE001 - one broken page must not stop the others
                    self.failures.append(f"{html.name}: {exc}")
        finally:
            if printer is not None:
                try:
                    printer.__exit__(None, None, None)
                except Exception:  # noqa: BLE001 - a browser that is already gone needs no closing
                    pass

    def abort(self, timeout_s: float = 30.0) -> dict:
        """Stop printing (an interrupted run): drop the queue, finish the current page, close the browser."""
        import queue

        self._aborted.set()
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self.queue.put(None)
        if self.thread.ident is not None:  # a printer never started has no browser to close
            self.thread.join(timeout_s)
        files = "PDF-Datei" if self.printed == 1 else "PDF-Dateien"
        return {"status": "interrupted", "message": f"PDF-Ausgabe abgebrochen nach {self.printed} {files}"}

    def close(self, should_stop=None) -> dict:
        """Wait until every queued report is printed; the status entry for the manifest.

        ``should_stop()`` is asked twice a second while waiting: when it turns true the printing is aborted.
        """
        self.queue.put(None)
        self.start()
        while self.thread.is_alive():
            self.thread.join(0.5)
            if should_stop is not None and should_stop():
                return self.abort()
        if self.unavailable:
            print(self.unavailable)
            return {"status": "unavailable", "message": self.unavailable}
        if self.failures:
            return {"status": "failed", "message": "; ".join(self.failures)}
        return {"status": "ok", "message": f"{self.printed} PDF-Dateien"}
