"""``veedel run``: execute the parameterised notebooks for all areas in parallel and publish them.

A run copies its inputs (data, parameters, notebooks) into ``outputs/<run-id>/inputs`` and works only
on those copies, so a run folder holds everything needed to reproduce it. The dataset is validated
once, up front; the notebooks then load the validated copy from the cache. Notebooks run in worker
processes (default: one per core). A failing notebook never stops the others: the run finishes, the
manifest records the area, notebook, cell and error of every failure, and the exit code is non-zero.
``--retry-failed`` re-runs only what failed in the last run, in the same run folder.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..errors import ConfigurationError
from ..inputs.dataset import input_files, load_dataset
from ..params.areas import PROGRAMME_ID
from ..params.run_config import DEMO, RunConfig, project_root
from ..reports import registry
from ..reports.base import ReportContent
from .manifest import combined_hash, git_commit, hash_tree, package_versions, read_manifest, sha256_file, write_manifest


@dataclass
class Task:
    """One notebook to execute for one area (or once for the programme)."""

    notebook: str
    area_id: str | None
    area_name: str
    parameters: dict
    folder: str  # relative to the run folder

    @property
    def key(self) -> str:
        return f"{self.area_id or PROGRAMME_ID}/{self.notebook}"


@dataclass
class TaskResult:
    task: Task
    status: str  # "ok" or "failed"
    duration_s: float
    outputs: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    error: dict | None = None


def new_run_id(inputs_hash: str, now: _dt.datetime | None = None) -> str:
    """Run id: local date and time plus the first 8 characters of the inputs hash."""
    now = now or _dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{inputs_hash[:8]}"


# ----------------------------------------------------------------------------- inputs

def snapshot_inputs(staging: Path, data_dir: str, parameters: Path, notebooks: list[Path],
                    source: str = "standard") -> dict[str, str]:
    """Copy data, parameters and notebooks into ``staging/inputs``; returns their hashes (relative paths).

    With ``source="koeln"`` the city's open-data files in ``data_dir`` are copied to ``inputs/source``
    and converted into the project's long form in ``inputs/data`` (koeln_mapping.yml), so the run can be
    repeated from its archive without the original folder.
    """
    from ..demo.generator import write_demo_data

    inputs = staging / "inputs"
    data_target = inputs / "data"
    if source == "koeln":
        from ..inputs.koeln import convert_koeln

        summary = convert_koeln(data_dir, data_target, parameters)
        (inputs / "source").mkdir(parents=True, exist_ok=True)
        for path in summary.files_read:
            shutil.copy2(path, inputs / "source" / Path(path).name)
        (inputs / "source" / "umwandlung.txt").write_text(summary.text() + "\n", encoding="utf-8")
        for boundaries in sorted(Path(data_dir).glob("*stadtteile*.geojson")):  # for the maps
            shutil.copy2(boundaries, data_target / boundaries.name)
    elif data_dir == DEMO:
        write_demo_data(data_target, parameters_dir=parameters)
    else:
        source = Path(data_dir)
        units, statistics = input_files(source)
        data_target.mkdir(parents=True, exist_ok=True)
        for path in [units, *statistics]:
            shutil.copy2(path, data_target / path.name)
        for extra in sorted(source.iterdir()):
            if extra.is_dir() or extra.suffix.lower() in (".geojson", ".json", ".yml", ".yaml"):
                target = data_target / extra.name
                if extra.is_dir():
                    shutil.copytree(extra, target, dirs_exist_ok=True)
                else:
                    shutil.copy2(extra, target)
    shutil.copytree(parameters, inputs / "parameters", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.partial"))
    (inputs / "notebooks").mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        shutil.copy2(notebook, inputs / "notebooks" / notebook.name)
    return {f"inputs/{k}": v for k, v in hash_tree(inputs).items()}


# ----------------------------------------------------------------------------- planning

def run_reports(config: RunConfig) -> list[type[ReportContent]]:
    """The report classes a run executes: ``reports`` of the configuration, else every report not on demand."""
    return [registry.get(name) for name in (config.reports or registry.default_notebooks())]


def plan(config: RunConfig, run_dir: Path, area_ids: list[str], year: int, area_names: dict[str, str]) -> list[Task]:
    """The tasks of a run: each per-area report per area, then each programme-wide report once."""
    inputs = run_dir / "inputs"
    common = {"year": year, "data_dir": str(inputs / "data"), "parameters_dir": str(inputs / "parameters"),
              "baseline_year": config.baseline_year}
    reports = run_reports(config)
    tasks = []
    for area_id in area_ids:
        for cls in reports:
            if cls.scope != "area":
                continue
            folder = f"reports/{area_id}"
            tasks.append(Task(cls.notebook, area_id, area_names[area_id],
                              {**common, "area_id": area_id,
                               "tables_dir": str(run_dir / folder / "tables" / cls.notebook)}, folder))
    for cls in reports:
        if cls.scope == "programme":
            folder = f"reports/{PROGRAMME_ID}"
            tasks.append(Task(cls.notebook, None, "Gesamtprogramm",
                              {**common, "tables_dir": str(run_dir / folder / "tables" / cls.notebook)}, folder))
    return tasks


# ----------------------------------------------------------------------------- execution (worker side)

def notebook_parameters(path: Path) -> set[str]:
    """Names assigned in a notebook's ``parameters`` cell (parsed with ast, so comments cannot confuse it)."""
    import ast

    nb = nbformat.read(str(path), as_version=4)
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign) else []
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _cell_number(cell_index: int, notebook: Path | None) -> int:
    """The failing cell's position (from 1) in the notebook as the planner sees it in JupyterLab.

    ``cell_index`` counts the executed copy, in which papermill inserted its injected-parameters cell
    after the ``parameters`` cell. The kernel's execution count is no use here: a warm kernel keeps
    counting across the reports it runs.
    """
    number = cell_index + 1
    if notebook is not None and notebook.exists():
        cells = nbformat.read(str(notebook), as_version=4).cells
        tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
        if tagged and cell_index > tagged[0]:
            number -= 1
    return number


def _failure(exc: BaseException, notebook: Path | None = None) -> dict:
    """Area-independent description of why a notebook failed: cell number, its first line, the error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = (exc.source or "").strip().splitlines()
        return {"cell": _cell_number(exc.cell_index, notebook), "cell_index": exc.cell_index,
                "cell_source": source[0] if source else "", "error": exc.ename,
                "message": (exc.evalue or "").strip()}
    return {"cell": None, "cell_index": None, "cell_source": "", "error": type(exc).__name__,
            "message": str(exc).strip() or traceback.format_exc(limit=3)}


def execute_task(task: Task, run_dir: str, formats: list[str]) -> TaskResult:
    """Run one notebook with papermill and publish its HTML; never raises (failures become results)."""
    import papermill as pm

    from ..publish.html import export_html
    from . import engine

    start = time.perf_counter()
    run_path = Path(run_dir)
    source = run_path / "inputs" / "notebooks" / f"{task.notebook}.ipynb"
    folder = run_path / task.folder
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{task.notebook}.ipynb"
    partial = folder / f".{task.notebook}.partial.ipynb"
    failed = folder / f"{task.notebook}.failed.ipynb"
    for stale in (target, failed, folder / f"{task.notebook}.html", folder / f"{task.notebook}.pdf"):
        stale.unlink(missing_ok=True)
    try:
        wanted = notebook_parameters(source)
        parameters = {k: v for k, v in task.parameters.items() if k in wanted}
        pm.execute_notebook(str(source), str(partial), parameters=parameters, kernel_name="veedel",
                            cwd=str(source.parent), progress_bar=False, log_output=False,
                            report_mode=False, engine_name=engine.register())
        partial.replace(target)
        outputs = {}
        if "html" in formats or "pdf" in formats:
            export_html(target, folder / f"{task.notebook}.html")
        for path in (target, folder / f"{task.notebook}.html"):
            if path.exists():
                outputs[path.relative_to(run_path).as_posix()] = sha256_file(path)
        return TaskResult(task, "ok", time.perf_counter() - start, outputs)
    except BaseException as exc:  # noqa: BLE001 - a failing notebook must never stop the run
        if partial.exists():
            partial.replace(failed)
        result = TaskResult(task, "failed", time.perf_counter() - start, error=_failure(exc, source))
        if failed.exists():
            result.outputs[failed.relative_to(run_path).as_posix()] = sha256_file(failed)
        return result


# ----------------------------------------------------------------------------- the run

@dataclass
class RunSummary:
    run_dir: Path
    results: list[TaskResult]

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def describe_failure(result: TaskResult) -> str:
    """One German line naming area, notebook, cell and error of a failed report."""
    error = result.error or {}
    where = f"Zelle {error['cell']}" if error.get("cell") else "vor der ersten Zelle"
    if error.get("cell_source"):
        where += f" ({error['cell_source']})"
    return (f"{result.task.area_name} · {result.task.notebook}.ipynb · {where}: "
            f"{error.get('error', 'Fehler')}: {error.get('message', '')}")


def default_jobs() -> int:
    return os.cpu_count() or 1


BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _share_cores(jobs: int) -> None:
    """Give each worker's kernel its share of the cores for numerical libraries.

    OpenBLAS starts one busy-waiting thread per core in every process; with one kernel per core the
    threads of parallel kernels fight over the same cores and matrix-heavy work (the evaluation's
    placebo areas) runs several times slower than alone. Workers and their kernels inherit this
    environment; a value the user has set is kept.
    """
    threads = str(max(1, default_jobs() // max(1, jobs)))
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, threads)


def _execute_all(tasks: list[Task], run_dir: Path, formats: list[str], jobs: int, progress) -> list[TaskResult]:
    results: list[TaskResult] = []
    if not tasks:
        return results
    _share_cores(jobs)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_task, task, str(run_dir), formats): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except BaseException as exc:  # noqa: BLE001 - a crashed worker is one failed report
                result = TaskResult(task, "failed", 0.0, error=_failure(exc))
            results.append(result)
            progress(result)
    order = {t.key: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.key])


def _report_entry(result: TaskResult) -> dict:
    entry = {
        "area_id": result.task.area_id,
        "area_name": result.task.area_name,
        "notebook": result.task.notebook,
        "status": result.status,
        "duration_s": round(result.duration_s, 2),
        "outputs": result.outputs,
        "error": result.error,
        "parameters": {k: v for k, v in result.task.parameters.items()},
        "folder": result.task.folder,
    }
    return entry


def _task_from_entry(entry: dict) -> Task:
    return Task(entry["notebook"], entry["area_id"], entry["area_name"], entry["parameters"], entry["folder"])


def latest_run(outputs: Path) -> Path | None:
    """The newest run folder under ``outputs`` (by name, which starts with date and time)."""
    runs = sorted(p for p in outputs.iterdir() if p.is_dir() and (p / "manifest.json").exists()) \
        if outputs.exists() else []
    return runs[-1] if runs else None


def run(config: RunConfig, *, outputs: Path, parameters: Path | None = None, areas: list[str] | None = None,
        jobs: int | None = None, retry_failed: bool = False, progress=None, on_plan=None,
        command: list[str] | None = None, inputs_from: Path | None = None) -> RunSummary:
    """Execute a whole run (or re-run the failures of the last one) and write manifest and portal.

    ``on_plan(tasks)`` is called once the tasks are known, ``progress(result)`` after each one.
    ``inputs_from`` takes data, parameters and notebooks from an earlier run's ``inputs`` folder
    (for ``veedel reproduce``) instead of the project.
    """
    from ..publish.portal import write_portal

    progress = progress or (lambda result: None)
    jobs = jobs or config.jobs or default_jobs()
    formats = list(config.formats)
    started = time.perf_counter()
    if retry_failed:
        run_dir = latest_run(outputs)
        if run_dir is None:
            raise ConfigurationError(f"Kein früherer Lauf unter {outputs} gefunden")
        manifest = read_manifest(run_dir)
        tasks = [_task_from_entry(e) for e in manifest["reports"] if e["status"] != "ok"]
        formats = manifest["parameters"]["formats"]
        # the run's own input copies are used; if they were corrected in place, the manifest says so
        current = {f"inputs/{k}": v for k, v in hash_tree(run_dir / "inputs").items()}
        manifest.setdefault("retries", []).append({
            "time": _dt.datetime.now().isoformat(timespec="seconds"),
            "reports": [t.key for t in tasks],
            "inputs_changed": sorted(k for k in set(current) | set(manifest["inputs"])
                                     if current.get(k) != manifest["inputs"].get(k)),
        })
        manifest["inputs"], manifest["inputs_hash"] = current, combined_hash(current)
    else:
        parameters = Path(parameters or project_root() / "parameters")
        notebooks_dir = (inputs_from / "notebooks") if inputs_from else project_root() / "notebooks"
        names = [cls.notebook for cls in run_reports(config)]
        notebooks = [notebooks_dir / f"{n}.ipynb" for n in names]
        missing = [str(n) for n in notebooks if not n.exists()]
        if missing:
            raise ConfigurationError(f"Notebook fehlt: {', '.join(missing)}")
        outputs.mkdir(parents=True, exist_ok=True)
        staging = outputs / f".staging-{os.getpid()}-{int(time.time())}"
        if inputs_from:
            shutil.copytree(inputs_from, staging / "inputs")
            input_hashes = {f"inputs/{k}": v for k, v in hash_tree(staging / "inputs").items()}
        else:
            input_hashes = snapshot_inputs(staging, config.data_dir, parameters, notebooks, config.source)
        inputs_hash = combined_hash(input_hashes)
        run_dir = outputs / new_run_id(inputs_hash)
        staging.rename(run_dir)
        dataset = load_dataset(run_dir / "inputs" / "data", run_dir / "inputs" / "parameters")
        year = dataset.report_year(config.year)
        selected = [dataset.areas.get(a).id for a in areas] if areas else dataset.areas.ids
        names_by_id = {a.id: a.name for a in dataset.areas.areas}
        skipped = []
        if dataset.latest_year <= config.baseline_year:
            # an evaluation needs years after the baseline (the city's open data end in 2012)
            for cls in [c for c in run_reports(config) if c.needs_baseline]:
                skipped.append(f"{cls.report} übersprungen: die Daten enden {dataset.latest_year}, das Basisjahr "
                               f"ist {config.baseline_year}")
            names = [n for n in names if not registry.get(n).needs_baseline]
            config = config.model_copy(update={"reports": names})
        tasks = plan(config, run_dir, selected, year, names_by_id)
        manifest = {
            "run_id": run_dir.name,
            "created": _dt.datetime.now().isoformat(timespec="seconds"),
            "command": command or [],
            "parameters": {"data_dir": config.data_dir, "source": config.source, "year": year,
                           "baseline_year": config.baseline_year, "areas": selected,
                           "reports": names, "formats": formats, "jobs": jobs},
            "inputs": input_hashes,
            "inputs_hash": inputs_hash,
            "environment": package_versions(),
            "git_commit": git_commit(project_root()),
            "notes": skipped,
            "reports": [],
        }
    if on_plan is not None:
        on_plan(tasks)
    printer = None
    if "pdf" in formats:
        from ..publish.pdf import BackgroundPrinter

        printer = BackgroundPrinter(run_dir)

    def finished(result: TaskResult) -> None:
        if printer is not None and result.status == "ok":
            printer.submit(result)
        progress(result)

    results = _execute_all(tasks, run_dir, formats, jobs, finished)
    if printer is not None:
        manifest["pdf"] = printer.close()
    by_key = {f"{e['area_id'] or PROGRAMME_ID}/{e['notebook']}": e for e in manifest["reports"]}
    for result in results:
        by_key[result.task.key] = _report_entry(result)
    manifest["reports"] = list(by_key.values())
    manifest["summary"] = {
        "ok": sum(e["status"] == "ok" for e in manifest["reports"]),
        "failed": sum(e["status"] != "ok" for e in manifest["reports"]),
        "last_duration_s": round(time.perf_counter() - started, 1),
    }
    write_manifest(run_dir, manifest)
    write_portal(run_dir, manifest)
    return RunSummary(run_dir, results)


def run_from_inputs(config: RunConfig, inputs: Path, outputs: Path, areas: list[str] | None = None,
                    jobs: int | None = None) -> RunSummary:
    """Run again from an archived ``inputs`` folder (data, parameters, notebooks), into a new run folder."""
    return run(config, outputs=outputs, areas=areas, jobs=jobs, inputs_from=inputs,
               command=["veedel", "reproduce"])
