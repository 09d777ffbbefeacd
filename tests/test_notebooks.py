"""Committed notebooks are clean and parameterised; executed, they give German HTML without code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import PARAMETERS, ROOT

# VEEDEL_NOTEBOOKS_DIR lets the test below point this module at deliberately broken notebooks.
NOTEBOOK_DIR = Path(os.environ.get("VEEDEL_NOTEBOOKS_DIR", ROOT / "notebooks"))
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean_and_parameterised(path):
    from veedel_lib.reports.notebooks import notebook_problems

    problems = notebook_problems(path)
    assert not problems, "\n".join(problems)


def test_a_notebook_with_outputs_or_without_parameters_cell_fails_the_suite(tmp_path):
    """The check above is real: run it on broken copies of a committed notebook and it fails, naming why."""
    good = nbformat.read(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb", as_version=4)
    with_outputs = nbformat.from_dict(good)
    cell = next(c for c in with_outputs.cells if c.cell_type == "code" and "report.show" in c.source)
    cell.outputs = [nbformat.v4.new_output("stream", text="Kalk: 28,1 %")]
    cell.execution_count = 7
    nbformat.write(with_outputs, tmp_path / "mit_ausgaben.ipynb")
    without_parameters = nbformat.from_dict(good)
    for cell in without_parameters.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "parameters"]
    nbformat.write(without_parameters, tmp_path / "ohne_parameter.ipynb")
    nbformat.write(good, tmp_path / "in_ordnung.ipynb")

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)),
         "-k", "committed_notebook_is_clean"],
        env={**os.environ, "VEEDEL_NOTEBOOKS_DIR": str(tmp_path)}, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    assert "2 failed, 1 passed" in result.stdout
    assert "mit_ausgaben.ipynb, Zelle" in result.stdout and "enthält Ausgaben" in result.stdout
    assert "ohne_parameter.ipynb: keine Zelle mit dem Tag 'parameters'" in result.stdout


@pytest.mark.slow
def test_area_notebook_runs_and_publishes(tmp_path):
    import papermill as pm

    from veedel_lib.publish.html import export_html

    executed = tmp_path / "kalk.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb"), str(executed),
                        parameters={"area_id": "kalk", "parameters_dir": str(PARAMETERS),
                                    "tables_dir": str(tmp_path / "tables")},
                        kernel_name="veedel", cwd=str(ROOT / "notebooks"), progress_bar=False)
    html = export_html(executed, tmp_path / "kalk.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "Sozialraumgebietsanalyse: Kalk" in html
    assert "<script" not in html and not re.search(r'(src|href)="https?://', html)
    assert "AreaAnalysis" not in html and "report.show" not in html      # no code
    assert re.search(r"\d+,\d %", html)                                    # German percent format
    assert "Inhalt" in html and 'href="#' in html                          # table of contents
    assert 'alt="' in html
    tables = {p.name for p in (tmp_path / "tables").iterdir()}
    assert {"soziale_lage.csv", "altersstruktur.csv", "entwicklung_grafik.csv"} <= tables


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_section_headings_follow_the_title_in_order(path):
    """The report title is h1, so the notebook's sections start at h2 and never skip a level (WCAG 1.3.1)."""
    levels = [len(m) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
              for m in re.findall(r"^(#+) ", c.source, re.M)]
    assert levels and levels[0] == 2, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_table_of_contents_lists_sections_once_numbered():
    from veedel_lib.publish.html import Document, Heading, contents_html

    headings = (Heading(2, "1. Profil", "a"), Heading(3, "Kontext", "k"), Heading(2, "2. Lage", "b"))
    html = contents_html(Document(headings=headings))
    assert '<ol class="numbered"><li><a href="#a">1. Profil</a></li><li><a href="#b">2. Lage</a></li></ol>' in html
    unnumbered = contents_html(Document(headings=(Heading(2, "Profil", "a"),)))
    assert "<ol><li>" in unnumbered and "numbered" not in unnumbered
    assert contents_html(Document(toc=False, headings=headings)) == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shows_the_sections_of_its_registry_entry(path):
    """Every notebook has a registry entry, and shows exactly that entry's sections in order (the floor computes
    those sections, so floor and notebook agree)."""
    from veedel_lib.reports import registry

    content = registry.BY_NOTEBOOK.get(path.stem)
    assert content is not None, f"{path.stem} fehlt in veedel_lib.reports.registry.REPORTS"
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    shown = re.findall(rf"report\.show\({content.variable}\.(\w+)\(", source)
    assert tuple(shown) == content.sections
    assert tuple(registry.shown_sections(path, content.variable)) == content.sections


def test_every_registry_entry_has_its_notebook_and_module():
    """An entry without a notebook (or a content module named like the notebook) is an error."""
    import importlib

    from veedel_lib.reports import registry
    from veedel_lib.reports.base import ReportContent

    for cls in registry.REPORTS:
        assert (ROOT / "notebooks" / f"{cls.notebook}.ipynb").exists(), f"Notebook {cls.notebook}.ipynb fehlt"
        module = importlib.import_module(f"veedel_lib.reports.{cls.notebook}")
        assert getattr(module, cls.__name__) is cls, f"{cls.__name__} steht nicht in reports/{cls.notebook}.py"
        assert cls.scope in ("area", "bezirk", "programme") and cls.sections and cls.report
        for section in cls.sections:  # a section is the class's own method, never a shared attribute
            assert callable(getattr(cls, section, None)) and not hasattr(ReportContent, section), section


def test_shown_sections_finds_a_notebook_that_differs_from_its_entry(tmp_path):
    """The check reads the notebook's show calls: a notebook that skips a section differs from its entry."""
    from veedel_lib.reports import registry

    nb = nbformat.read(ROOT / "notebooks" / "sozialindex.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "index.class_table()" not in c.source]
    changed = tmp_path / "sozialindex.ipynb"
    nbformat.write(nb, changed)
    cls = registry.get("sozialindex")
    assert "class_table" not in registry.shown_sections(changed, cls.variable)
    assert tuple(registry.shown_sections(changed, cls.variable)) != cls.sections


def test_the_floor_opens_every_report_of_a_run_for_its_place(demo, monkeypatch):
    """The benchmark's floor plans a run's reports as the runner does and opens each for its own place (rendering
    every report through the floor is what tests/test_report_dependencies.py does, once per report)."""
    from types import SimpleNamespace

    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.reports import registry
    from veedel_lib.run import floor

    opened = []
    monkeypatch.setattr(floor, "_show", lambda report, subject: opened.append(subject) or SimpleNamespace(
        characters=len(opened)))
    config = load_run_config(PARAMETERS / "run.yml")
    sizes = floor.compute_all(demo, config, demo.latest_year, areas=["kalk"])
    reports = [registry.get(n) for n in config.reports]
    assert set(sizes) == {f"kalk/{c.notebook}" for c in reports if c.scope == "area"} | \
        {f"bezirk-8/{c.notebook}" for c in reports if c.scope == "bezirk"} | \
        {f"programm/{c.notebook}" for c in reports if c.scope == "programme"}
    places = {(type(s).notebook, getattr(s, "area_id", None)) for s in opened}
    assert ("sozialraumgebietsanalyse", "kalk") in places and len(opened) == len(sizes)


def _parameters(path: Path) -> dict:
    """The literal values of a notebook's parameters cell."""
    import ast

    cell = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body}


def test_every_per_area_notebook_opens_the_same_default_area():
    from veedel_lib.reports import registry
    from veedel_lib.reports.base import DEFAULT_AREA

    defaults = {cls.notebook: _parameters(ROOT / "notebooks" / f"{cls.notebook}.ipynb")["area_id"]
                for cls in registry.REPORTS if cls.scope == "area"}
    assert defaults and set(defaults.values()) == {DEFAULT_AREA}, defaults


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_leave_the_parameters_folder_to_the_library(path):
    """No notebook names a folder relative to its own (``../parameters`` breaks papermill at the repository root):
    "" means the project's parameters, found from any working directory."""
    values = _parameters(path)
    assert values["parameters_dir"] == "" and values["data_dir"] == "demo"


def test_the_themenbewertung_note_names_the_heading_level_it_uses():
    nb = nbformat.read(ROOT / "notebooks" / "themenbewertung.ipynb", as_version=4)
    note = next(c.source for c in nb.cells if "remove_cell" in c.metadata.get("tags", []))
    levels = {len(m) for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"^(#+) ", c.source, re.M)}
    assert levels == {2} and "Ebene ##" in note and "Ebene ###" not in note


def test_an_editing_note_that_could_reach_a_report_fails_the_check(tmp_path):
    """Markdown notes (shown by nbconvert --no-input), untagged notes and notes with code are refused."""
    from veedel_lib.reports.notebooks import notebook_problems

    good = nbformat.read(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb", as_version=4)
    assert notebook_problems(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb") == []
    note = good.cells[0]
    assert note.cell_type == "code" and "Hinweis für die Bearbeitung" in note.source

    as_markdown = nbformat.from_dict(good)
    as_markdown.cells[0] = nbformat.v4.new_markdown_cell("**Hinweis für die Bearbeitung:** Text",
                                                          metadata={"tags": ["remove_cell"]})
    untagged = nbformat.from_dict(good)
    untagged.cells[0].metadata["tags"] = []
    with_code = nbformat.from_dict(good)
    with_code.cells[0].source += "\nprint('sichtbar')"
    expected = {
        "markdown": "Zelle 1: Hinweis für die Bearbeitung in einer Markdown-Zelle",
        "ohne_tag": "Zelle 1: enthält „Hinweis für die Bearbeitung“, hat aber nicht den Tag 'remove_cell'",
        "mit_code": "Zelle 1: Zelle mit Tag 'remove_cell' enthält Code",
    }
    for name, nb in (("markdown", as_markdown), ("ohne_tag", untagged), ("mit_code", with_code)):
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        problems = notebook_problems(tmp_path / f"{name}.ipynb")
        assert any(expected[name] in p for p in problems), problems
    # an untagged comment cell before the parameters cell is code like any other: the parameters come first
    assert any("die Parameterzelle muss die erste Code-Zelle sein" in p for p in notebook_problems(
        tmp_path / "ohne_tag.ipynb"))


PAPERMILL = Path(sys.executable).with_name("papermill")
# Each notebook runs once with plain papermill, each way a planner starts it: in notebooks/ with nothing injected
# (as Run All in JupyterLab, whose kernel starts in the notebook's folder), at the repository root and with --cwd
# naming some other folder, there with the command line (-p area_id); all three ways are covered.
WAYS = {"sozialraumgebietsanalyse": "root", "sozialindex": "root", "evaluation": "notebooks",
        "themenbewertung": "notebooks", "jahresbericht": "cwd", "bezirksbericht": "cwd",
        "sozialraumgebietsplan": "root", "meilensteinbericht": "cwd", "programmevaluation": "notebooks"}


def _papermill(notebook: Path, output: Path, way: str, tmp_path: Path, env: dict, *extra: str):
    """``papermill NOTEBOOK OUTPUT`` started from the repository root, from notebooks/ or with ``--cwd``."""
    if way == "root":
        command, cwd = [str(PAPERMILL), str(notebook.relative_to(ROOT)), str(output)], ROOT
    elif way == "notebooks":
        command, cwd = [str(PAPERMILL), notebook.name, str(output)], ROOT / "notebooks"
    else:
        elsewhere = tmp_path / "anderswo"
        elsewhere.mkdir()
        command, cwd = [str(PAPERMILL), str(notebook), str(output), "--cwd", str(elsewhere)], tmp_path
    return subprocess.run([*command, *extra], cwd=cwd, env=env, capture_output=True, text=True)


def test_every_notebook_is_run_by_papermill_in_each_way_a_planner_starts_it():
    assert set(WAYS) == {p.stem for p in NOTEBOOKS} and set(WAYS.values()) == {"root", "notebooks", "cwd"}
    assert {"notebooks"} < {WAYS[n] for n in WAYS if "area_id" in _parameters(ROOT / "notebooks" / f"{n}.ipynb")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WAYS), ids=lambda n: f"{n}-{WAYS[n]}")
def test_every_notebook_runs_top_to_bottom_with_its_defaults_from_anywhere(name, tmp_path):
    """Run All on the committed notebook, its own kernel (from the notebook's metadata), no error and every
    section's output; in notebooks/ with its defaults as they stand, elsewhere with the issue's command, e.g.
    ``papermill notebooks/sozialraumgebietsanalyse.ipynb out.ipynb -p area_id kalk``: the project's parameters
    and the demo data are found, and the kernel talks over IPC (no warning that it runs over TCP without
    encryption)."""
    env = {k: v for k, v in os.environ.items() if k != "VEEDEL_HOME"}
    output = tmp_path / "out.ipynb"
    default = _parameters(ROOT / "notebooks" / f"{name}.ipynb").get("area_id")  # an area's id or a Bezirk's number
    typed = WAYS[name] != "notebooks" and default is not None
    result = _papermill(ROOT / "notebooks" / f"{name}.ipynb", output, WAYS[name], tmp_path, env,
                        *(["-p", "area_id", str(default)] if typed else []))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "without encryption" not in result.stderr + result.stdout
    nb = nbformat.read(output, as_version=4)
    assert nb.metadata.papermill.parameters == ({"area_id": default} if typed else {})
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert sum(len(c.outputs) for c in nb.cells if c.cell_type == "code") >= 3


@pytest.mark.slow
def test_papermill_without_the_projects_parameters_says_in_german_what_is_missing(tmp_path):
    env = {**os.environ, "VEEDEL_HOME": str(tmp_path)}
    output = tmp_path / "out.ipynb"
    result = _papermill(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb", output, "root", tmp_path, env)
    assert result.returncode != 0
    error = next(o for c in nbformat.read(output, as_version=4).cells if c.cell_type == "code"
                 for o in c.outputs if o.output_type == "error")
    assert error.ename == "ConfigurationError"
    assert error.evalue.startswith(f"Parameterordner nicht gefunden: VEEDEL_HOME={tmp_path} enthält keine Datei "
                                   "parameters/areas.yml")
    assert "FileNotFoundError" not in result.stderr
