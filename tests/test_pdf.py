"""PDF reports: A4, page numbers, German, no code."""

from __future__ import annotations

import shutil
import subprocess

import pytest


@pytest.mark.slow
def test_every_report_has_a4_pdf_with_page_numbers(demo_run):
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils fehlt (pdfinfo, pdftotext): apt-get install poppler-utils")
    pdfs = sorted(demo_run.rglob("*.pdf"))
    htmls = sorted((demo_run / "reports").rglob("*.html"))
    assert len(pdfs) == len(htmls) and pdfs
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "A4" in info
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
        assert "import " not in text and "report.show" not in text
        # German rates; the Programmevaluation shows only differences (Prozentpunkte), no rate itself
        assert " %" in text or (pdf.stem == "programmevaluation" and " Prozentpunkte" in text)


@pytest.mark.slow
def test_no_table_or_figure_is_wider_than_the_printed_page(demo_run):
    """Laid out at the A4 text width, every table and figure of every report fits: nothing is cut off."""
    from veedel_lib.publish.pdf import chromium_path, overflowing_elements

    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    files = sorted((demo_run / "reports").rglob("*.html"))
    assert {f: cut for f, cut in overflowing_elements(files).items() if cut} == {}


@pytest.mark.slow
def test_overflow_check_finds_a_table_wider_than_the_page(tmp_path):
    from veedel_lib.publish.pdf import chromium_path, overflowing_elements

    if chromium_path() is None:
        pytest.skip("Chromium fehlt")
    page = tmp_path / "wide.html"
    cells = "".join(f"<td style='white-space:nowrap'>{n:,} Einwohner*innen</td>" for n in range(100000, 100012))
    page.write_text(f"<html lang='de'><body><table><caption>Zu breit</caption><tr>{cells}</tr></table>"
                    "<table><caption>Passt</caption><tr><td>1</td></tr></table></body></html>")
    assert overflowing_elements([page]) == {str(page): ["Zu breit"]}
