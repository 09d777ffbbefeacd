"""Committed notebooks are clean and parameterised; executed, they give German HTML without code."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import PARAMETERS, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "Notebook enthält Ausgaben"
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    assert nb.metadata["kernelspec"]["name"] == "veedel"


@pytest.mark.slow
def test_area_notebook_runs_and_publishes(tmp_path):
    import papermill as pm

    from veedel_lib.publish import export_html

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
def test_notebook_shows_the_sections_the_floor_computes(path):
    """The benchmark floor (veedel_lib.floor) computes exactly what each notebook shows."""
    from veedel_lib.floor import REPORTS

    nb = nbformat.read(path, as_version=4)
    content = REPORTS.get(path.stem)
    assert content is not None, f"{path.stem} fehlt in veedel_lib.floor.REPORTS"
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    shown = re.findall(rf"report\.show\({content.variable}\.(\w+)\(", source)
    assert tuple(shown) == content.sections


@pytest.mark.slow
def test_floor_computes_every_report(demo):
    from veedel_lib.config import load_run_config
    from veedel_lib.floor import compute_all

    config = load_run_config(PARAMETERS / "run.yml")
    sizes = compute_all(demo, config, demo.latest_year, areas=["kalk"])
    assert set(sizes) == {f"kalk/{n}" for n in config.area_notebooks} | \
        {f"programm/{n}" for n in config.programme_notebooks}
    assert all(size > 10_000 for size in sizes.values())
