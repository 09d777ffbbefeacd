"""Layout checks of printed reports, for the tests only (not on the run path): tables and figures cut off at the
page width, table headers broken inside a word, figures that may break across pages, (nearly) empty pages.

Each check lays a report out in headless Chromium (Playwright, the system browser of :mod:`veedel_lib.publish.pdf`)
at the width of the PDF's A4 text area, or rasterises the printed PDF with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from veedel_lib.errors import ToolMissingError
from veedel_lib.publish.pdf import BROWSER_ARGS, chromium_path


# A4 width minus the left and right margins, in CSS pixels (96 per inch): the width the report is laid out in.
PRINT_WIDTH_PX = round((210 - 16 - 16) / 25.4 * 96)
_OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const named = el => (el.querySelector('caption') || el.closest('figure')?.querySelector('figcaption') || el)
      .textContent.trim().slice(0, 80);
  return [...document.querySelectorAll('table, figure img, pre')]
    .filter(el => el.getBoundingClientRect().right > limit || el.scrollWidth > el.clientWidth + 1)
    .map(named);
}"""


@contextlib.contextmanager
def checking_browser():
    """A headless Chromium (Playwright) for the checks of printed reports, closed afterwards.

    Raises ToolMissingError when Chromium is not installed.
    """
    executable = chromium_path()
    if executable is None:
        raise ToolMissingError("Chromium nicht gefunden: bitte das Debian-Paket 'chromium' installieren.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def overflowing_elements(html_files: list[Path]) -> dict[str, list[str]]:
    """Tables and figures wider than the printed page, per HTML file (empty lists: nothing is cut off).

    Each file is laid out for print at the width of the PDF's A4 text area, the layout the PDF gets.
    """
    results: dict[str, list[str]] = {}
    with checking_browser() as browser:
        page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        page.emulate_media(media="print")
        for path in html_files:
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            results[str(path)] = page.evaluate(_OVERFLOW_JS)
    return results


# ----------------------------------------------------------------------------- layout check
SCREEN_WIDTH_PX = 1280
"""The screen width at which table headers must not break inside a word (a committee member's laptop)."""
PRINT_HEIGHT_PX = round((297 - 16 - 18) / 25.4 * 96)
"""Height of the PDF's A4 text area in CSS pixels: a figure taller than this cannot stay on one page."""
MOSTLY_EMPTY = 2 / 3
"""A page more than this share empty (below its last content) is a layout problem, unless it ends a part that
the layout ends on purpose (the title page before the table of contents' page break, the last page)."""
NEARLY_BLANK = 0.08
"""A page filled less than this (only a footer) is a problem anywhere but on the last page, which ends the last
section (the rule of the issue: a section's last page may be short)."""

_BROKEN_HEADERS_JS = r"""() => {
  // A header is broken inside a word when a word (between spaces, hyphens and slashes, where a line may break) goes
  // on on the next line anywhere but right after a soft hyphen that is shown as a hyphen. A soft hyphen at the end of
  // a line is drawn as a hyphen glyph, so its range has a box of some width; one that is not shown has none. The
  // header's text is read across its text nodes (a <wbr> splits them).
  const boxes = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return [...range.getClientRects()].filter(r => r.width > 0);
  };
  const broken = [];
  for (const th of document.querySelectorAll('th')) {
    const chars = [];
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.textContent.length; i++) chars.push([node, i, node.textContent[i]]);
    }
    const text = chars.map(c => c[2]).join('');
    const re = /[^\s\-\/‑]+/g;
    let m, found = null;
    while (!found && (m = re.exec(text))) {
      let previous = null;
      for (let k = m.index; k < m.index + m[0].length; k++) {
        if (text[k] === '­') continue;
        const shown = boxes(chars[k][0], chars[k][1]);
        if (!shown.length) continue;
        const line = Math.round(shown[shown.length - 1].top);
        const atShownHyphen = k > m.index && text[k - 1] === '­' && boxes(chars[k - 1][0], chars[k - 1][1]).length;
        if (previous !== null && line !== previous && !atShownHyphen) {
          found = m[0].replace(/­/g, '');
          break;
        }
        previous = line;
      }
    }
    if (found) {
      const table = th.closest('table');
      const caption = table && table.querySelector('caption') ? table.querySelector('caption').textContent.trim() : '';
      broken.push(`${caption.slice(0, 60)}: „${th.textContent.replace(/­/g, '').trim()}“ (${found})`);
    }
  }
  return broken;
}"""
_TALL_FIGURES_JS = """limit => [...document.querySelectorAll('figure')]
  .filter(f => f.getBoundingClientRect().height > limit || getComputedStyle(f).breakInside !== 'avoid')
  .map(f => (f.querySelector('figcaption') || f).textContent.trim().slice(0, 80))"""
_HEADINGS_JS = "() => [...document.querySelectorAll('main h2')].map(h => h.textContent.trim())"


def page_fill(pdf_file: Path, resolution: int = 30) -> list[float]:
    """How far down each page's text area its content reaches (0 = blank, 1 = full), from the printed PDF.

    The pages are rasterised with poppler's ``pdftoppm`` (figures count like text); the footer in the bottom
    margin is left out. Needs poppler-utils.
    """
    import subprocess
    import tempfile

    import numpy as np
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        raise ToolMissingError("pdftoppm fehlt: bitte das Debian-Paket 'poppler-utils' installieren.")
    fills = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(resolution), "-gray", "-png", str(pdf_file), f"{folder}/seite"],
                       check=True, capture_output=True)
        for image in sorted(Path(folder).glob("seite-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            pixels = np.asarray(Image.open(image).convert("L"))
            height = pixels.shape[0]
            top, bottom = round(height * 16 / 297), round(height * (297 - 18) / 297)
            rows = np.flatnonzero((pixels[top:bottom] < 235).any(axis=1))
            fills.append(0.0 if rows.size == 0 else (rows[-1] + 1) / (bottom - top))
    return fills


def _page_texts(pdf_file: Path) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext), for telling where a section begins."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _starts_with_heading(text: str, headings: list[str]) -> bool:
    """Whether a page's text begins with one of the report's section headings (a section starts there)."""
    words = " ".join(text.split())
    return any(words.startswith(" ".join(h.split())[:40]) for h in headings if h)


def empty_pages(pdf_file: Path, headings: list[str]) -> list[str]:
    """Pages of a printed report that a reader finds (nearly) empty, as German descriptions.

    A page filled less than a third is a problem unless it is the last page or the next page begins a section
    (the title page before the table of contents' break, a section whose heading went on with its chart); a
    page filled less than :data:`NEARLY_BLANK` is a problem anywhere but on the last page.
    """
    fills = page_fill(pdf_file)
    texts = _page_texts(pdf_file)
    problems = []
    for number, fill in enumerate(fills, start=1):
        last = number == len(fills)
        section_ends = last or (number < len(texts) and _starts_with_heading(texts[number], headings))
        if (fill < NEARLY_BLANK and not last) or (fill < 1 - MOSTLY_EMPTY and not section_ends):
            problems.append(f"Seite {number} von {len(fills)} nur zu {round(100 * fill)} % gefüllt")
    return problems


def layout_problems(reports: list[tuple[Path, Path]]) -> dict[str, list[str]]:
    """What a reader would find in each report (HTML with its PDF), as German descriptions (empty: none).

    Checks: no table header breaks inside a word at :data:`SCREEN_WIDTH_PX` or in the printed layout, except at a
    soft hyphen shown as a hyphen; no figure (its legend is part of
    the image) taller than the printed text area or allowed to break across pages; no page of the PDF more than
    two thirds empty except where a section ends, and none nearly blank.
    """
    results: dict[str, list[str]] = {}
    with checking_browser() as browser:
        screen = browser.new_page(viewport={"width": SCREEN_WIDTH_PX, "height": 900})
        printed = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        printed.emulate_media(media="print")
        for html_file, pdf_file in reports:
            uri = Path(html_file).resolve().as_uri()
            screen.goto(uri, wait_until="load")
            problems = [f"Kopfzeile bei {SCREEN_WIDTH_PX} px im Wort umbrochen: {h}"
                        for h in screen.evaluate(_BROKEN_HEADERS_JS)]
            headings = screen.evaluate(_HEADINGS_JS)
            printed.goto(uri, wait_until="load")
            problems += [f"Kopfzeile im Druck im Wort umbrochen: {h}" for h in printed.evaluate(_BROKEN_HEADERS_JS)]
            problems += [f"Abbildung kann über eine Seite hinaus umbrechen: {f}"
                         for f in printed.evaluate(_TALL_FIGURES_JS, PRINT_HEIGHT_PX)]
            if pdf_file is not None and Path(pdf_file).exists():
                problems += empty_pages(Path(pdf_file), headings)
            results[str(html_file)] = problems
    return results
