"""Executing one report: the task, its result and the description of a failure, shared by the local process pool
(:mod:`veedel_lib.run.runner`) and the Dask cluster (:mod:`veedel_lib.run.distributed`).

A task names a notebook, the area (or Bezirk, or nothing for the programme) and the papermill parameters;
:func:`execute_task` runs it with papermill in the worker (warm kernel, :mod:`veedel_lib.run.engine`), publishes its
HTML and never raises: a failure becomes a result whose error names the cell as the planner sees it in JupyterLab.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import write_errno, write_failure
from ..files import PARTIAL
from ..params.run_spec import report_id
from .manifest import sha256_file

KERNEL_NAME = "veedel"
"""The kernelspec every report runs in (written by ``scripts/install-jupyter.py``: IPC sockets, see
:mod:`veedel_lib.run.provisioner`)."""


KERNEL_PARAMETERS = ("run_spec", "area_id", "tables_dir")
"""What a report's kernel gets of a task planned with a run specification: the specification's path, the place and
the folder for its tables; everything else it reads from the specification. (Tasks recorded by earlier versions,
without ``run_spec``, pass their parameters as they were.)"""


def kernel_parameters(task: "Task", wanted: set[str]) -> dict:
    """The papermill parameters of a task: :data:`KERNEL_PARAMETERS` (all recorded ones for a task of an earlier
    version), only those the notebook's parameters cell names."""
    given = task.parameters if "run_spec" not in task.parameters else \
        {k: v for k, v in task.parameters.items() if k in KERNEL_PARAMETERS}
    return {k: v for k, v in given.items() if k in wanted}


@dataclass
class Task:
    """One notebook to execute for one area (or once for the programme)."""

    notebook: str
    area_id: str | None
    area_name: str
    parameters: dict
    """The task's facts as the manifest records them (see :func:`veedel_lib.run.runner.plan`); the kernel gets
    :func:`kernel_parameters` of them."""
    folder: str  # relative to the run folder
    cache_key: str = ""
    """Everything the report's result depends on, as one hash (:func:`veedel_lib.run.cache.report_key`)."""

    @property
    def key(self) -> str:
        return report_id(self.area_id, self.notebook)


@dataclass
class TaskResult:
    task: Task
    status: str  # "ok" or "failed"
    duration_s: float
    outputs: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    error: dict | None = None
    reused_from: str | None = None
    """The run whose executed report was taken over (same key), None when it was executed."""


def notebook_parameters(path: Path) -> set[str]:
    """Names assigned in a notebook's ``parameters`` cell, as papermill itself reads them
    (:func:`papermill.inspect_notebook`): only those are passed, so a run never injects a name the notebook lacks."""
    import papermill as pm

    return set(pm.inspect_notebook(str(path)))


def _cell_number(cell_index: int, notebook: Path | None) -> int:
    """The failing cell's position (from 1) in the notebook as the planner sees it in JupyterLab.

    ``cell_index`` counts the executed copy, in which papermill inserted its injected-parameters cell
    after the ``parameters`` cell. The kernel's execution count is no use here: a warm kernel keeps
    counting across the reports it runs.
    """
    import nbformat  # only to explain a failure: a run that takes every report over never reads a notebook

    number = cell_index + 1
    if notebook is not None and notebook.exists():
        cells = nbformat.read(str(notebook), as_version=4).cells
        tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
        if tagged and cell_index > tagged[0]:
            number -= 1
    return number


def failure_record(exc: BaseException, notebook: Path | None = None) -> dict:
    """Area-independent description of why a notebook failed: cell number, its first line, the error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = (exc.source or "").strip().splitlines()
        return {"cell": _cell_number(exc.cell_index, notebook), "cell_index": exc.cell_index,
                "cell_source": source[0] if source else "", "error": exc.ename,
                "message": (exc.evalue or "").strip()}
    return {"cell": None, "cell_index": None, "cell_source": "", "error": type(exc).__name__,
            "message": str(exc).strip() or traceback.format_exc(limit=3)}


def _write_error(exc: BaseException, writing: Path) -> str | None:
    """The German sentence for a notebook that failed because a file could not be written, else None.

    The failing write is in the worker (papermill, nbconvert: an OSError) or in the kernel (a table of the
    report: the kernel's OSError text arrives in a PapermillExecutionError).
    """
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, OSError) and write_errno(exc) is not None:
        return str(write_failure(exc, writing))
    if isinstance(exc, PapermillExecutionError) and exc.ename in ("OSError", "PermissionError") \
            and write_errno(exc.evalue or "") is not None:
        return str(write_failure(exc.evalue, None))
    return None


def execute_task(task: Task, run_dir: str, formats: list[str]) -> TaskResult:
    """Run one notebook with papermill and publish its HTML; never raises (failures become results).

    A failure to write (full disk, quota, permission) is marked ``write_error`` in the result's error: the
    run then stops as a whole, since no other report would fare better.
    """
    import papermill as pm

    from ..publish.html import export_html
    from . import engine

    start = time.perf_counter()
    run_path = Path(run_dir)
    source = run_path / "inputs" / "notebooks" / f"{task.notebook}.ipynb"
    folder = run_path / task.folder
    target = folder / f"{task.notebook}.ipynb"
    partial = folder / f".{task.notebook}{PARTIAL}.ipynb"
    failed = folder / f"{task.notebook}.failed.ipynb"
    writing = target  # the file a write failure is reported for (its temporary is removed)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in (target, failed, folder / f"{task.notebook}.html", folder / f"{task.notebook}.pdf"):
            stale.unlink(missing_ok=True)
        parameters = kernel_parameters(task, notebook_parameters(source))
        pm.execute_notebook(str(source), str(partial), parameters=parameters, kernel_name=KERNEL_NAME,
                            cwd=str(source.parent), progress_bar=False, log_output=False,
                            report_mode=False, engine_name=engine.register())
        partial.replace(target)
        outputs = {}
        if "html" in formats or "pdf" in formats:
            writing = folder / f"{task.notebook}.html"
            export_html(target, writing)
        for path in (target, folder / f"{task.notebook}.html"):
            if path.exists():
                outputs[path.relative_to(run_path).as_posix()] = sha256_file(path)
        return TaskResult(task, "ok", time.perf_counter() - start, outputs)
    except BaseException as exc:  # noqa: BLE001 - a failing notebook must never stop the run
        error = failure_record(exc, source)
        cannot_write = _write_error(exc, writing)
        if cannot_write is not None:
            error["write_error"] = cannot_write
            partial.unlink(missing_ok=True)  # cut short by the full disk: nothing to inspect
        elif partial.exists():
            partial.replace(failed)
        result = TaskResult(task, "failed", time.perf_counter() - start, error=error)
        if failed.exists():
            result.outputs[failed.relative_to(run_path).as_posix()] = sha256_file(failed)
        return result


def describe_failure(result: TaskResult) -> str:
    """One German line naming area, notebook, cell and error of a failed report."""
    error = result.error or {}
    where = f"Zelle {error['cell']}" if error.get("cell") else "vor der ersten Zelle"
    if error.get("cell_source"):
        where += f" ({error['cell_source']})"
    return (f"{result.task.area_name} · {result.task.notebook}.ipynb · {where}: "
            f"{error.get('error', 'Fehler')}: {error.get('message', '')}")
