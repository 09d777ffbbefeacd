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
    htmls = sorted(p for p in demo_run.rglob("*.html") if p.name != "index.html")
    assert len(pdfs) == len(htmls) and pdfs
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "A4" in info
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
        assert "import " not in text and "report.show" not in text
        assert " %" in text
