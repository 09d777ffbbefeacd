"""Beyond one machine: the tasks of a run on a Dask distributed cluster (``veedel run --executor dask``).

The local process pool is the default and right for one computer. For much larger runs (all 570 statistical
quarters as areas over ten years, or a state office running every municipality) the same tasks go to the
workers of a Dask cluster: the run's snapshot of its inputs (data, parameters, notebooks) travels once to every
worker as bytes, each worker unpacks it into a folder of its own and executes its notebooks there with a warm
kernel that stays alive between tasks (the engine of :mod:`veedel_lib.run.engine`), and every file a task writes
(executed notebook, HTML, tables) comes back as bytes into the run folder. PDFs are printed where the run
started, as in local runs. The workers need veedel installed (``make install``) but no shared file system.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from ..files import atomic_write_bytes

_UNPACKED: dict[str, Path] = {}
"""Snapshots already unpacked in this worker process, by their hash."""


def pack(inputs: Path) -> bytes:
    """The run's ``inputs`` folder as zip bytes (the snapshot the workers receive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(inputs.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(inputs.parent).as_posix())
    return buffer.getvalue()


def _unpacked(snapshot: bytes) -> Path:
    """A worker-local run folder holding the snapshot's ``inputs`` (unpacked once per worker and snapshot)."""
    key = hashlib.sha256(snapshot).hexdigest()
    if key not in _UNPACKED:
        root = Path(tempfile.mkdtemp(prefix=f"veedel-worker-{key[:8]}-"))
        with zipfile.ZipFile(io.BytesIO(snapshot)) as archive:
            archive.extractall(root)
        _UNPACKED[key] = root
    return _UNPACKED[key]


def _relocate(parameters: dict, origin: str, local: str) -> dict:
    return {k: v.replace(origin, local) if isinstance(v, str) else v for k, v in parameters.items()}


def run_remote(task, snapshot: bytes, origin_run_dir: str, formats: list[str]):
    """On a worker: execute one task in the worker's copy of the run; returns the result and its files (bytes)."""
    from .runner import TaskResult, execute_task  # the worker imports the runner; a module import is no cycle

    local = _unpacked(snapshot)
    here = replace(task, parameters=_relocate(task.parameters, origin_run_dir, str(local)))
    result: TaskResult = execute_task(here, str(local), formats)
    folder = local / task.folder
    names = [f"{task.notebook}.ipynb", f"{task.notebook}.html", f"{task.notebook}.failed.ipynb"]
    paths = [folder / n for n in names if (folder / n).exists()]
    tables = folder / "tables" / task.notebook
    if tables.is_dir():
        paths += [p for p in tables.rglob("*") if p.is_file()]
    files = {p.relative_to(local).as_posix(): p.read_bytes() for p in paths}
    for path in paths:  # the next task of this worker starts clean; the run folder keeps the originals
        path.unlink()
    return replace(result, task=task), files


def execute_on_cluster(tasks: list, run_dir: Path, formats: list[str], scheduler, progress, stop) -> list:
    """Run ``tasks`` on the Dask cluster at ``scheduler`` (an address or a cluster object); write their files
    into ``run_dir``; ``progress(result)`` after each. Stops early when ``stop.reason`` is set (signal)."""
    from distributed import Client, as_completed

    from .runner import TaskResult, _failure

    results = []
    with Client(scheduler) as client:
        snapshot = client.scatter(pack(run_dir / "inputs"), broadcast=True)
        futures = {client.submit(run_remote, task, snapshot, str(run_dir), formats, pure=False): task
                   for task in tasks}
        for future in as_completed(list(futures)):
            task = futures[future]
            try:
                result, files = future.result()
                for name, data in files.items():
                    atomic_write_bytes(run_dir / name, data)
            except Exception as exc:  # noqa: BLE001 - a lost worker is one failed report
                result = TaskResult(task, "failed", 0.0, error=_failure(exc))
            results.append(result)
            progress(result)
            if stop.reason:
                client.cancel(list(futures))
                break
    order = {t.key: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.key])
