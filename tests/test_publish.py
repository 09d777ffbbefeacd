"""Executed notebooks become reports one way (``veedel publish``), and no conversion shows an editing note."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from veedel_lib.cli import main
from veedel_lib.reports.notebooks import NOTE_MARKER

JUPYTER = Path(sys.executable).with_name("jupyter")
SECTION = "Profil des Gebiets"
"""Text of the notebook's first section: present in every conversion, so an empty output cannot pass."""

# Every conversion below is what ``jupyter nbconvert <argv>`` does (NbConvertApp initialised with the same argv,
# loading the same configuration files), run in one process because starting nbconvert costs seconds each
# time. nbconvert's webpdf prints with Playwright's own Chromium, which the project does not download (the PDF
# comes from the system Chromium through veedel publish); the launcher stands in for that browser and returns
# the HTML it would print, so the test sees exactly what would reach the PDF.
NBCONVERT = """
import json, sys
from nbconvert.exporters.webpdf import WebPDFExporter
from nbconvert.nbconvertapp import NbConvertApp
WebPDFExporter.run_playwright = lambda self, html: html.encode("utf-8")
for argv in json.loads(sys.argv[1]):
    app = NbConvertApp()
    app.initialize(argv)
    app.start()
"""
CONVERSIONS = [("html", []), ("html", ["--no-input"]), ("markdown", []), ("markdown", ["--no-input"]),
               ("webpdf", []), ("webpdf", ["--no-input"]), ("notebook", []), ("script", [])]


def _label(to: str, options: list[str]) -> str:
    return " ".join([to, *options])


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """The Sozialraumgebietsanalyse for Kalk, executed with papermill at the repository root as a planner might."""
    import papermill as pm

    target = tmp_path_factory.mktemp("ausgefuehrt") / "kalk.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb"), str(target),
                        kernel_name="veedel", cwd=str(ROOT), progress_bar=False)
    return target


def _nbconvert(notebook: Path, conversions: list[tuple[str, list[str]]], folder: Path,
               env: dict | None = None) -> dict[str, str]:
    """Each ``jupyter nbconvert --to <to> <options>`` of the notebook; the text it wrote, by label."""
    runs = {_label(to, options): folder / f"{number}" for number, (to, options) in enumerate(conversions)}
    argvs = [["--to", to, *options, str(notebook), "--output-dir", str(runs[_label(to, options)])]
             for to, options in conversions]
    result = subprocess.run([sys.executable, "-c", NBCONVERT, json.dumps(argvs)], capture_output=True, text=True,
                            env=env or os.environ.copy(), cwd=folder)
    assert result.returncode == 0, result.stderr
    texts = {}
    for label, out in runs.items():
        written = [p for p in out.iterdir() if p.is_file()]
        assert len(written) == 1, (label, written)
        texts[label] = written[0].read_bytes().decode("utf-8")
    return texts


@pytest.fixture(scope="module")
def converted(executed, tmp_path_factory) -> dict[str, str]:
    return _nbconvert(executed, CONVERSIONS, tmp_path_factory.mktemp("umgewandelt"))


def test_the_environment_removes_editing_notes_in_every_nbconvert_and_jupyterlab_export():
    """``make install`` writes the settings for nbconvert and for JupyterLab's export (jupyter_server)."""
    for name in ("jupyter_nbconvert_config.json", "jupyter_server_config.json"):
        path = Path(sys.prefix) / "etc" / "jupyter" / name
        assert path.exists(), f"{path} fehlt: make install ausführen"
        settings = json.loads(path.read_text(encoding="utf-8"))["TagRemovePreprocessor"]
        assert settings["enabled"] is True and "remove_cell" in settings["remove_cell_tags"]


@pytest.mark.slow
@pytest.mark.parametrize("label", [_label(to, options) for to, options in CONVERSIONS])
def test_no_nbconvert_of_an_executed_notebook_shows_the_editing_notes(converted, label):
    assert NOTE_MARKER not in converted[label]
    assert SECTION in converted[label]


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("pandoc") and shutil.which("xelatex")),
                    reason="pandoc oder xelatex fehlt (jupyter nbconvert --to pdf braucht beide)")
def test_no_latex_pdf_shows_the_editing_notes(executed, tmp_path):
    result = subprocess.run([str(JUPYTER), "nbconvert", "--to", "latex", str(executed), "--output-dir",
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "kalk.tex").read_text(encoding="utf-8")
    assert NOTE_MARKER not in text and SECTION in text


@pytest.mark.slow
def test_without_the_environments_settings_no_input_still_hides_the_notes(executed, tmp_path):
    """An nbconvert that loads none of the project's settings: ``--no-input`` hides the note, because it is a
    code cell of comments only (a Markdown note would stand at the top of the report)."""
    env = {**os.environ, "JUPYTER_NO_CONFIG": "1", "JUPYTER_CONFIG_PATH": "", "JUPYTER_CONFIG_DIR": str(tmp_path)}
    texts = _nbconvert(executed, [("html", ["--no-input"]), ("markdown", ["--no-input"]), ("markdown", [])],
                       tmp_path, env)
    for label in ("html --no-input", "markdown --no-input"):
        assert NOTE_MARKER not in texts[label] and SECTION in texts[label]
    assert NOTE_MARKER in texts["markdown"]  # the proof that the settings were off: without them nothing is removed


@pytest.mark.slow
def test_publish_writes_the_styled_html_and_the_pdf_of_a_run(executed, tmp_path, capsys):
    from veedel_lib.publish.html import render_html
    from veedel_lib.publish.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    code = main(["publish", str(executed), "--out", str(tmp_path / "bericht")])
    out = capsys.readouterr().out
    assert code == 0, out
    html, pdf = tmp_path / "bericht" / "kalk.html", tmp_path / "bericht" / "kalk.pdf"
    assert f"✓ {html}" in out and f"✓ {pdf}" in out and "2 Dateien" in out
    text = html.read_text(encoding="utf-8")
    assert text == render_html(nbformat.read(str(executed), as_version=4))  # the export of veedel run
    assert '<html lang="de">' in text and "Sozialraumgebietsanalyse: Kalk" in text
    assert "--accent: #005a8c;" in text and 'class="report-title"' in text  # the project's styling (report.css)
    assert NOTE_MARKER not in text and "report.show" not in text and "<script" not in text
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000


@pytest.mark.slow
def test_publish_without_chromium_keeps_the_html_and_says_why_there_is_no_pdf(executed, tmp_path, monkeypatch,
                                                                              capsys):
    monkeypatch.setenv("VEEDEL_CHROMIUM", str(tmp_path / "kein-chromium"))
    code = main(["publish", str(executed), "--out", str(tmp_path)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert f"✓ {tmp_path / 'kalk.html'}" in out and "Fehler: Chromium nicht gefunden" in out
    assert not (tmp_path / "kalk.pdf").exists()


@pytest.mark.slow
def test_publish_html_only_into_the_notebooks_folder(executed, tmp_path):
    copy = tmp_path / "analyse.ipynb"
    shutil.copy(executed, copy)
    assert main(["publish", str(copy), "--formats", "html"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analyse.html", "analyse.ipynb"]


def test_publish_refuses_a_notebook_that_was_not_executed(capsys):
    code = main(["publish", str(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb"), "--formats", "html"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert "sozialraumgebietsanalyse.ipynb: das Notebook ist nicht ausgeführt (keine Ausgaben)" in out


def test_publish_names_every_cell_that_ended_with_an_error(tmp_path, capsys):
    nb = nbformat.read(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb", as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    code_cells[2].outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "Tabelle"})]
    code_cells[3].outputs = [nbformat.v4.new_output("error", ename="ConfigurationError",
                                                    evalue="Unbekanntes Gebiet 'kalkk'", traceback=[])]
    path = tmp_path / "fehler.ipynb"
    nbformat.write(nb, path)
    number = nb.cells.index(code_cells[3]) + 1
    code = main(["publish", str(path)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert f"Zelle {number} endete mit einem Fehler: ConfigurationError: Unbekanntes Gebiet 'kalkk'" in out
    assert not list(tmp_path.glob("fehler.*ml")) and not (tmp_path / "fehler.pdf").exists()


@pytest.mark.parametrize("formats,message", [("docx", "Unbekanntes Format 'docx'"), (",", "Unbekanntes Format (leer)")])
def test_publish_refuses_unknown_formats_in_german(formats, message, capsys):
    assert main(["publish", "egal.ipynb", "--formats", formats]) == 2
    assert message in capsys.readouterr().out


def test_a_missing_notebook_is_named(tmp_path, capsys):
    assert main(["publish", str(tmp_path / "fehlt.ipynb")]) == 2
    assert re.search(r"fehlt\.ipynb: Datei nicht gefunden", capsys.readouterr().out)
