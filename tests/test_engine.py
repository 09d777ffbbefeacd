"""The warm-kernel papermill engine: one kernel for many notebooks, each notebook written once when it ends."""

from __future__ import annotations

import nbformat
import papermill as pm
import papermill.engines
import pytest

from veedel_lib.run import engine


def _notebook(path, *sources: str):
    cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "veedel",
                                                                                  "display_name": "veedel",
                                                                                  "language": "python"}}), path)
    return path


@pytest.mark.slow
def test_a_notebook_is_written_once_at_its_end_and_a_failing_one_keeps_its_outputs(tmp_path, monkeypatch):
    """Papermill itself writes the notebook before and after every cell (some forty writes of a report with its
    figures); the engine writes it when it ends, also when a cell fails, so the failure can still be read."""
    writes = []
    original = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or original(nb, path))
    source = _notebook(tmp_path / "ok.ipynb", "y = x + 1", "print(y)", "z = y * 2", "print(z)")
    target = tmp_path / "ok-out.ipynb"
    pm.execute_notebook(str(source), str(target), parameters={"x": 20}, kernel_name="veedel", progress_bar=False,
                        engine_name=engine.register())
    assert writes == [str(target)]
    outputs = [o.get("text", "") for c in nbformat.read(target, as_version=4).cells for o in c.get("outputs", [])]
    assert outputs == ["21\n", "42\n"]

    writes.clear()
    source = _notebook(tmp_path / "broken.ipynb", "print('vorher')", "raise ValueError('kaputt')", "print('nie')")
    target = tmp_path / "broken-out.ipynb"
    with pytest.raises(pm.PapermillExecutionError, match="kaputt"):
        pm.execute_notebook(str(source), str(target), kernel_name="veedel", progress_bar=False,
                            engine_name=engine.register())
    assert writes[:1] == [str(target)]  # written by the engine when the notebook ended; papermill adds its error note
    cells = {c.source: c.get("outputs", []) for c in nbformat.read(target, as_version=4).cells if c.cell_type == "code"}
    assert cells["print('vorher')"][0]["text"] == "vorher\n"
    assert cells["raise ValueError('kaputt')"][0]["ename"] == "ValueError" and cells["print('nie')"] == []
