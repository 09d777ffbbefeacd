"""The warm-kernel papermill engine: one kernel for many notebooks, each notebook written once when it ends."""

from __future__ import annotations

import multiprocessing

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
    engine.shutdown()  # no warm kernel of this process is left for the runs of later tests


def _run_in_child(source: str, target: str, queue) -> None:
    try:
        pm.execute_notebook(source, target, parameters={"x": 1}, kernel_name="veedel", progress_bar=False,
                            engine_name=engine.register())
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        queue.put(repr(exc))


_SOCKETS = ("import json, os\nfrom ipykernel import get_connection_file\n"
            "print(os.getppid(), os.path.dirname(json.load(open(get_connection_file()))['ip']))")
"""A cell printing which process started its kernel and the folder of the kernel's IPC sockets."""


@pytest.mark.slow
def test_a_forked_process_starts_its_own_kernel_with_sockets_of_its_own(tmp_path):
    """Regression: a process that had used the engine (a test, a notebook) and then forked the run's workers passed its
    kernel's socket folder on to them; workers starting kernels at the same time picked the same socket files, the
    kernels rejected each other's messages ("Invalid Signature") and the start timed out ("Kernel didn't respond in
    60 seconds")."""
    source = _notebook(tmp_path / "nb.ipynb", _SOCKETS)

    def printed(target):
        return [o.get("text") for c in nbformat.read(target, as_version=4).cells for o in c.get("outputs", [])]

    try:
        pm.execute_notebook(str(source), str(tmp_path / "parent.ipynb"), kernel_name="veedel", progress_bar=False,
                            engine_name=engine.register())
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_run_in_child, args=(str(source), str(tmp_path / "child.ipynb"), queue))
        child.start()
        child.join(120)
        assert queue.get(timeout=5) == "ok"
        (parent_line,), (child_line,) = printed(tmp_path / "parent.ipynb"), printed(tmp_path / "child.ipynb")
        child_starter, child_sockets = child_line.split()
        assert int(child_starter) == child.pid
        assert child_sockets != parent_line.split()[1]
    finally:
        engine.shutdown()


@pytest.mark.slow
def test_the_next_notebook_finds_an_empty_namespace_and_what_survived_frozen_for_the_garbage_collector(tmp_path):
    """Between two notebooks the kernel forgets the first one's variables; what survives (modules, caches) is frozen
    for the garbage collector (its two full collections per reset took 0,21 s per report), while cyclic garbage of the
    next notebook is still collected."""
    first = _notebook(tmp_path / "first.ipynb", "y = 41\nimport json")
    second = _notebook(tmp_path / "second.ipynb",
                       "import gc, weakref\nclass Cycle: pass\nc = Cycle(); c.me = c; alive = weakref.ref(c); del c\n"
                       "gc.collect()\nprint('y' in dir(), 'json' in dir(), gc.get_freeze_count() > 1000, alive() is None)")
    try:
        for source in (first, second):
            pm.execute_notebook(str(source), str(tmp_path / f"{source.stem}-out.ipynb"), kernel_name="veedel",
                                progress_bar=False, engine_name=engine.register())
        (cell,) = [c for c in nbformat.read(tmp_path / "second-out.ipynb", as_version=4).cells if "gc" in c.source]
        assert cell.outputs[0]["text"] == "False False True True\n"
    finally:
        engine.shutdown()


@pytest.mark.slow
def test_the_kernels_client_stays_connected_between_notebooks_and_no_output_is_lost(tmp_path):
    """The warm kernel's client is kept from one notebook to the next (a new one waits a fifth of a second for the
    output channel); every output of every cell still arrives, in its cell, also right at a notebook's start. After a
    notebook cut short by a timeout the next one connects afresh."""
    cells = ["print('erste Zelle')", "from IPython.display import HTML, display\ndisplay(HTML('<b>Tabelle</b>'))",
             "import sys\nprint('Fehlerkanal', file=sys.stderr)\n42"]
    sources = [_notebook(tmp_path / f"bericht-{n}.ipynb", *cells) for n in range(4)]
    clients = []
    try:
        for source in sources[:3]:
            pm.execute_notebook(str(source), str(tmp_path / f"{source.stem}-out.ipynb"), kernel_name="veedel",
                                progress_bar=False, engine_name=engine.register())
            clients.append(engine._kernel_client)
            outputs = [c.outputs for c in nbformat.read(tmp_path / f"{source.stem}-out.ipynb", as_version=4).cells[1:]]
            assert [o["text"] for o in outputs[0]] == ["erste Zelle\n"]
            assert [o["data"]["text/html"] for o in outputs[1]] == ["<b>Tabelle</b>"]
            assert [o.get("text") or o["data"]["text/plain"] for o in outputs[2]] == ["Fehlerkanal\n", "42"]
        assert clients[0] is not None and clients[0] is clients[1] is clients[2]
        slow = _notebook(tmp_path / "langsam.ipynb", "import time\ntime.sleep(4)")
        with pytest.raises(Exception):
            pm.execute_notebook(str(slow), str(tmp_path / "langsam-out.ipynb"), kernel_name="veedel",
                                progress_bar=False, engine_name=engine.register(), execution_timeout=1)
        assert engine._kernel_client is None
        pm.execute_notebook(str(sources[3]), str(tmp_path / "danach.ipynb"), kernel_name="veedel",
                            progress_bar=False, engine_name=engine.register())
        assert engine._kernel_client is not None and engine._kernel_client is not clients[0]
    finally:
        engine.shutdown()
