"""``veedel run``: execute the parameterised notebooks for all areas in parallel and publish them.

A run copies its inputs (data, parameters with the run configuration it was started with, notebooks) into
a staging folder, validates the dataset and the shared parameter files there, and only then gets its own
run folder ``outputs/<run-id>`` (created exclusively: two runs never share one); it works only on those
copies, so a run folder holds everything needed to reproduce it. A problem in shared inputs stops the run
before anything runs and leaves nothing behind. Notebooks run in worker processes (default: one per core).
A failing notebook never stops the others (a broken area definition fails that area's reports only): the
run finishes, the manifest records the area, notebook, cell and error of every failure, and the exit code
is non-zero. A signal (Ctrl-C, SIGTERM) or a file that cannot be written stops the whole run cleanly (see
:mod:`veedel_lib.run.control`). ``--retry-failed`` re-runs what failed or was interrupted in the last run,
in the same run folder. The manifest, with the hash of every file of the run, is written last.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import signal
import tempfile
import time
from bisect import bisect_left
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path


from ..errors import (
    ConfigurationError,
    DataValidationError,
    Problem,
    StorageError,
    VeedelError,
    write_errno,
    write_failure,
)
from ..files import PARTIAL, atomic_write_text
from ..inputs.dataset import input_files, load_dataset, resolve_data_dir
from ..params.run_config import RunConfig, load_run_config, project_root
from ..params.run_spec import SPEC_FILE, RunOptions, RunSpec, report_id, write_spec
from ..params.run_kind import run_kind, run_scope
from ..reports import registry
from . import cache, control
from .execution import Task, TaskResult, describe_failure, execute_task, failure_record  # the first three: also the runner API
from .planning import planned, resolve, run_reports  # run_reports: also the runner API
from .manifest import (
    combined_hash,
    file_hashes,
    file_identity,
    git_commit,
    hash_tree,
    package_versions,
    read_manifest,
    sha256_file,
    write_manifest,
)


def new_run_id(inputs_hash: str, now: _dt.datetime | None = None) -> str:
    """Run id: local date and time plus the first 8 characters of the inputs hash."""
    now = now or _dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{inputs_hash[:8]}"


# ----------------------------------------------------------------------------- inputs

def _copy(source: str | Path, target: str | Path) -> str:
    """``shutil.copy2`` whose write failure names the target (shutil names the source, or nothing)."""
    try:
        return shutil.copy2(source, target)
    except OSError as exc:
        if write_errno(exc) is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from exc  # worded by the caller, who knows the run


def snapshot_inputs(staging: Path, data_dir: str, parameters: Path, notebooks: list[Path],
                    source: str = "standard", config_file: Path | None = None) -> list[str]:
    """Copy data, parameters and notebooks into ``staging/inputs``; returns notes for the manifest.

    With ``source="koeln"`` the city's open-data files in ``data_dir`` are copied to ``inputs/source``
    and converted into the project's long form in ``inputs/data`` (koeln_mapping.yml), so the run can be
    repeated from its archive without the original folder; the conversion's warnings are the notes, and
    ``umwandlung.txt`` names the converted files by their place in the run folder.
    ``config_file`` is the run configuration the run was started with: it becomes the copy's ``run.yml``,
    so the notebooks read the same configuration as the runner.
    """
    from ..demo.generator import ensure_demo_data

    inputs = staging / "inputs"
    data_target = inputs / "data"
    notes: list[str] = []
    if source == "koeln":
        from ..inputs.koeln import convert_koeln

        summary = convert_koeln(data_dir, data_target, parameters)
        (inputs / "source").mkdir(parents=True, exist_ok=True)
        for path in summary.files_read:
            _copy(path, inputs / "source" / Path(path).name)
        text = summary.text().replace(f"{staging}{os.sep}", "")  # paths inside the run folder, not the staging
        atomic_write_text(inputs / "source" / "umwandlung.txt", text + "\n")
        notes += list(getattr(summary, "warnings", []))
        for pattern in ("*stadtteile*.geojson", "*stadtbezirke*.geojson", "*stadtviertel*.geojson"):  # for the maps
            for boundaries in sorted(Path(data_dir).glob(pattern)):
                _copy(boundaries, data_target / boundaries.name)
    else:
        folder = resolve_data_dir(data_dir, parameters, demo=ensure_demo_data)  # demo: the generated cache copy
        if folder != data_target:
            if not folder.is_dir():
                raise DataValidationError([Problem(str(folder), None, None, "Datenordner nicht gefunden")])
            units, statistics = input_files(folder)
            data_target.mkdir(parents=True, exist_ok=True)
            for path in [units, *statistics]:
                _copy(path, data_target / path.name)
            for extra in sorted(folder.iterdir()):
                if extra.is_dir() or extra.suffix.lower() in (".geojson", ".json", ".yml", ".yaml"):
                    target = data_target / extra.name
                    if extra.is_dir():
                        shutil.copytree(extra, target, dirs_exist_ok=True, copy_function=_copy)
                    else:
                        _copy(extra, target)
            if (folder / ".demo").exists():  # the marker that the reports name the data as demo data
                _copy(folder / ".demo", data_target / ".demo")
    shutil.copytree(parameters, inputs / "parameters", dirs_exist_ok=True, copy_function=_copy,
                    ignore=shutil.ignore_patterns("__pycache__", f"*{PARTIAL}*"))
    if config_file is not None:
        _copy(config_file, inputs / "parameters" / "run.yml")
    (inputs / "notebooks").mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        _copy(notebook, inputs / "notebooks" / notebook.name)
    return notes


def check_shared_parameters(parameters: Path, data_dir: Path, area_ids: list[str]) -> None:
    """Validate the parameter files every report of a run shares, all at once, before anything runs.

    run.yml, and where present kernprozess.yml and targets.yml (with documentation in the data) and
    sozialindex.yml: a mistake there would fail every report alike, so the run stops with the full list
    of problems instead. (units, statistics, indicators.yml and areas.yml are checked by the dataset.)
    """
    from ..analysis.sozialindex import load_sozialindex_config
    from ..kernprozess import DOCUMENTATION_FOLDER
    from ..kernprozess.controlling import load_targets
    from ..kernprozess.schema import load_config
    from ..params.catalogue import load_catalogue

    problems: list[Problem] = []

    def collect(check) -> object:
        try:
            return check()
        except DataValidationError as exc:
            problems.extend(exc.problems)
            return None

    if (parameters / "run.yml").exists():
        collect(lambda: load_run_config(parameters / "run.yml"))
    if (data_dir / DOCUMENTATION_FOLDER).is_dir() and (parameters / "kernprozess.yml").exists():
        kernprozess = collect(lambda: load_config(parameters))
        if kernprozess is not None and (parameters / "targets.yml").exists():
            collect(lambda: load_targets(kernprozess, area_ids, parameters))
    if (parameters / "sozialindex.yml").exists():
        catalogue = load_catalogue(parameters / "indicators.yml")
        collect(lambda: load_sozialindex_config(parameters / "sozialindex.yml", catalogue))
    if problems:
        raise DataValidationError(problems)


# ----------------------------------------------------------------------------- planning

def plan(spec: RunSpec, run_dir: Path) -> list[Task]:
    """The tasks of a run: each planned report (:func:`veedel_lib.run.planning.planned`) with its folder and its
    parameters. The kernel gets the specification's path, the place and the tables folder
    (:data:`~veedel_lib.run.execution.KERNEL_PARAMETERS`); year, baseline and, for the report that takes it, the
    previous year's run are recorded beside them for the cache key and the manifest."""
    spec_file = run_dir / "inputs" / SPEC_FILE
    tasks = []
    for item in planned(spec):
        cls, place = item.report, item.place
        parameters = {"run_spec": str(spec_file), "year": spec.year, "baseline_year": spec.baseline_year}
        if place.scope != "programme":
            parameters["area_id"] = place.key
        if spec.previous_run and getattr(cls, "accepts_previous_run", False):
            parameters["previous_run"] = spec.previous_run
        parameters["tables_dir"] = str(run_dir / place.folder / "tables" / cls.notebook)
        tasks.append(Task(cls.notebook, None if place.scope == "programme" else place.id, place.name, parameters,
                          place.folder))
    return tasks


# ----------------------------------------------------------------------------- the run

@dataclass
class RunSummary:
    run_dir: Path
    results: list[TaskResult]
    nothing_to_retry: bool = False
    """True for ``--retry-failed`` on a run whose reports are all done (nothing was run)."""

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class RunInterrupted(VeedelError):
    """A run stopped by SIGINT (Ctrl-C) or SIGTERM: its manifest marks what did not finish.

    ``exit_code`` is 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM), as a shell expects.
    """

    def __init__(self, signum: int, run_dir: Path, finished: int, total: int):
        self.signum, self.run_dir, self.exit_code = signum, run_dir, 128 + signum
        reports = "Bericht" if total == 1 else "Berichten"
        super().__init__(f"Lauf {run_dir.name} abgebrochen ({control.SIGNAL_NAMES.get(signum, signum)}): "
                         f"{finished} von {total} {reports} fertig; „veedel run --retry-failed“ führt ihn zu Ende.")


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


@dataclass
class _Stop:
    """Why a run stopped early: "signal" (SIGINT/SIGTERM), "write" (a file could not be written) or "cluster"
    (no Dask scheduler with a worker answered at the run's address)."""

    reason: str | None = None
    message: str | None = None

    def set(self, reason: str, message: str | None = None) -> None:
        if self.reason is None:
            self.reason, self.message = reason, message


@dataclass
class _Watch:
    """What a cluster run checks after each report: a signal or a write failure stops it."""

    stop: _Stop
    signals: object

    @property
    def reason(self) -> str | None:
        if self.signals.requested:
            self.stop.set("signal")
        return self.stop.reason


SCOPE_ORDER = {"programme": 0, "bezirk": 1, "area": 2}
"""Which reports the workers start first: the programme-wide and Bezirk reports take several seconds each, an area's
report one or two; started last they left one worker idle while the other finished them."""


def submission_order(tasks: list[Task]) -> list[Task]:
    """The tasks in the order the workers get them: longest first (by scope, see :data:`SCOPE_ORDER`), else as
    planned. Results are still reported in plan order."""
    return sorted(tasks, key=lambda task: SCOPE_ORDER[registry.get(task.notebook).scope])


def _execute_all(tasks: list[Task], run_dir: Path, formats: list[str], jobs: int, progress, signals,
                 printer, stop: _Stop, workers_started=lambda: None) -> list[TaskResult]:
    """Run the tasks in worker processes; stops early (workers terminated) on a signal or a write failure.

    Finished tasks come back in plan order; tasks that did not finish have no result. ``workers_started()`` is
    called once every worker process has been started (the pool forks them as the tasks are submitted).
    """
    results: list[TaskResult] = []
    if signals.requested:
        stop.set("signal")
    if not tasks or stop.reason:
        return results
    _share_cores(jobs)
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=control.worker_init)
    pending: dict = {}
    try:
        pending = {pool.submit(execute_task, task, str(run_dir), formats): task for task in submission_order(tasks)}
        workers_started()
        while pending and stop.reason is None:
            done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    result = future.result()
                except BaseException as exc:  # noqa: BLE001 - a crashed worker is one failed report
                    result = TaskResult(task, "failed", 0.0, error=failure_record(exc))
                results.append(result)
                progress(result)
                if (result.error or {}).get("write_error"):
                    stop.set("write", result.error["write_error"])
            if printer is not None and printer.write_error is not None:
                stop.set("write", str(write_failure(printer.write_error)))
            if signals.requested:
                stop.set("signal")
    finally:
        if pending:
            pool.shutdown(wait=False, cancel_futures=True)
            control.terminate_workers()
        pool.shutdown(wait=True)
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
        "cache_key": result.task.cache_key,
        "reused_from": result.reused_from,
    }
    return entry


def _task_from_entry(entry: dict) -> Task:
    return Task(entry["notebook"], entry["area_id"], entry["area_name"], entry["parameters"], entry["folder"],
                entry.get("cache_key", ""))


def _unfinished(task: Task, stop: _Stop, result: TaskResult | None = None) -> TaskResult:
    """The record of a report a stopped run did not finish (status "interrupted"; retried like a failure)."""
    message = "Lauf abgebrochen, bevor der Bericht fertig war" if stop.reason == "signal" else \
        f"Lauf abgebrochen: {stop.message}"
    if result is not None:
        message += " (PDF fehlt)"
    return TaskResult(task, "interrupted", result.duration_s if result else 0.0,
                      dict(result.outputs) if result else {},
                      {"cell": None, "cell_index": None, "cell_source": "", "error": "Abbruch", "message": message})


def _with_unfinished(tasks: list[Task], results: list[TaskResult], formats: list[str], stop: _Stop) -> list[TaskResult]:
    """Every task's record after a stop: unfinished tasks, and finished ones still missing their PDF, are
    "interrupted" (``--retry-failed`` runs them again); the others keep their result."""
    done = {r.task.key: r for r in results}
    records = []
    for task in tasks:
        result = done.get(task.key)
        if result is None:
            records.append(_unfinished(task, stop))
        elif result.status == "ok" and "pdf" in formats and not any(p.endswith(".pdf") for p in result.outputs):
            records.append(_unfinished(task, stop, result))
        else:
            records.append(result)
    return records


def latest_run(outputs: Path) -> Path | None:
    """The newest run folder under ``outputs`` (by name, which starts with date and time)."""
    runs = sorted(p for p in outputs.iterdir() if p.is_dir() and (p / "manifest.json").exists()) \
        if outputs.exists() else []
    return runs[-1] if runs else None


def pending_reports(outputs: Path) -> tuple[Path | None, list[str]]:
    """The newest run under ``outputs`` and the reports ``--retry-failed`` would run again (failed, interrupted)."""
    run_dir = latest_run(Path(outputs))
    if run_dir is None:
        return None, []
    entries = read_manifest(run_dir)["reports"]
    return run_dir, [report_id(e["area_id"], e["notebook"]) for e in entries if e["status"] != "ok"]


def claim_run_dir(outputs: Path, run_id: str) -> Path:
    """Create the run folder ``outputs/<run_id>`` exclusively; a second run with the same id gets ``-2``, ...

    ``mkdir`` either creates the folder or fails: two runs started in the same second on the same inputs
    never share a folder.
    """
    for number in count(1):
        candidate = outputs / (run_id if number == 1 else f"{run_id}-{number}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


@dataclass
class _Prepared:
    run_dir: Path
    manifest: dict
    tasks: list[Task]
    formats: list[str]
    reuse: bool = False
    """Take over reports with the same key from earlier runs (not for retries, reproductions or --force)."""
    scheduler: str | None = None
    """The checked address of the Dask scheduler to run the tasks on; None: the local process pool."""
    scheduler_timeout_s: float | None = None
    """Seconds the scheduler has to answer (None: :data:`veedel_lib.run.distributed.DEFAULT_TIMEOUT_S`)."""


def _prepare_new(config: RunConfig, outputs: Path, parameters: Path | None, areas: list[str] | None, jobs: int,
                 command: list[str] | None, inputs_from: Path | None, config_file: Path | None) -> _Prepared:
    """Copy and check the inputs in a staging folder, then give the run its own folder (nothing runs yet).

    Problems in shared inputs (data, indicators.yml, run.yml, ...) raise here, before any notebook runs,
    and leave nothing behind. Problems of single areas are kept for their reports.
    """
    parameters = Path(parameters or project_root() / "parameters").resolve()
    if not parameters.is_dir():
        raise ConfigurationError(f"Parameterordner nicht gefunden: {parameters}")
    notebooks_dir = (inputs_from / "notebooks") if inputs_from else project_root() / "notebooks"
    names = [cls.notebook for cls in run_reports(config)]
    notebooks = [notebooks_dir / f"{n}.ipynb" for n in names]
    missing = [str(n) for n in notebooks if not n.exists()]
    if missing:
        raise ConfigurationError(f"Notebook fehlt: {', '.join(missing)}")
    try:
        outputs.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=outputs))
    except OSError as exc:
        raise write_failure(exc, outputs) from exc
    try:
        if inputs_from:
            shutil.copytree(inputs_from, staging / "inputs", copy_function=_copy)
            notes = []
        else:
            notes = snapshot_inputs(staging, config.data_dir, parameters, notebooks, config.source, config_file)
        inputs = staging / "inputs"
        dataset = load_dataset(inputs / "data", inputs / "parameters")
        check_shared_parameters(inputs / "parameters", inputs / "data", dataset.areas.ids)
        spec = resolve(config, dataset, RunOptions(areas=tuple(areas) if areas else None),
                       parameters=inputs / "parameters", data_folder=inputs / "data")
        write_spec(spec, inputs / SPEC_FILE)  # the kernels' one source of the run's facts, hashed like every input
        input_hashes = {f"inputs/{k}": v for k, v in hash_tree(inputs).items()}
        inputs_hash = combined_hash(input_hashes)
        run_dir = claim_run_dir(outputs, new_run_id(inputs_hash))
        (staging / "inputs").rename(run_dir / "inputs")
    except OSError as exc:
        if write_errno(exc) is None:
            raise
        where = exc.filename2 or exc.filename or str(outputs)
        where = str(outputs) if str(where).startswith(str(staging)) else where  # the staging folder is gone
        raise write_failure(OSError(exc.errno, exc.strerror, where)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    selected = [area.id for area in spec.areas]
    scope = _scope(config, parameters, config_file, inputs_from, list(names), selected, dataset.areas.ids)
    tasks = plan(spec, run_dir)
    formats = list(spec.formats)
    for task in tasks:
        task.cache_key = cache.report_key(registry.get(task.notebook), task.parameters, task.area_id, formats,
                                          input_hashes, run_dir)
    manifest = {
        "run_id": run_dir.name,
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
        "command": command or [],
        "parameters": {"data_dir": spec.data_dir, "source": spec.source, "year": spec.year,
                       "baseline_year": spec.baseline_year, "areas": selected,
                       "reports": list(spec.reports), "formats": formats, "jobs": jobs},
        "inputs": input_hashes,
        "inputs_hash": inputs_hash,
        "environment": package_versions(),
        "git_commit": git_commit(project_root()),
        "notes": notes + list(spec.skipped),
        "reports": [],
        "scope": scope,
    }
    return _Prepared(run_dir, manifest, tasks, formats, reuse=inputs_from is None)


def _scope(config: RunConfig, parameters: Path, config_file: Path | None, inputs_from: Path | None,
           requested: list[str], areas: list[str], all_areas: list[str]) -> dict:
    """What a new run covers compared with the configured run: the reports of the project's ``run.yml``, every
    area, the project's parameters folder and the data of its ``run.yml`` (see :func:`manifest.run_scope`)."""
    project_parameters = (project_root() / "parameters").resolve()
    project_config = project_parameters / "run.yml"
    configured = load_run_config(project_config) if project_config.is_file() else RunConfig()
    other = []
    if inputs_from is not None:
        other.append(f"wiederholt aus den Eingaben {inputs_from}")
    if parameters.resolve() != project_parameters:
        other.append(f"Parameter aus {parameters}")
    elif config_file is not None and config_file.resolve() != project_config:
        other.append(f"Laufkonfiguration {config_file}")
    if config.data_dir != configured.data_dir and Path(config.data_dir).resolve() != Path(configured.data_dir).resolve():
        other.append(f"Daten aus {config.data_dir}")
    if config.source != configured.source:
        other.append(f"Datenquelle {config.source}")
    return run_scope(reports=requested, configured_reports=[c.notebook for c in run_reports(configured)],
                     areas=areas, all_areas=all_areas, other_inputs=other)


def _prepare_retry(outputs: Path) -> _Prepared:
    """The newest run's manifest and the reports that did not finish (failed or interrupted)."""
    run_dir = latest_run(outputs)
    if run_dir is None:
        raise ConfigurationError(f"Kein früherer Lauf unter {outputs} gefunden")
    manifest = read_manifest(run_dir)
    tasks = [_task_from_entry(e) for e in manifest["reports"] if e["status"] != "ok"]
    return _Prepared(run_dir, manifest, tasks, list(manifest["parameters"]["formats"]))


def _record_retry(prepared: _Prepared) -> None:
    """Note a retry in the manifest; the run's own input copies are used, if corrected in place it says so."""
    manifest, run_dir = prepared.manifest, prepared.run_dir
    current = {f"inputs/{k}": v for k, v in hash_tree(run_dir / "inputs").items()}
    manifest.setdefault("retries", []).append({
        "time": _dt.datetime.now().isoformat(timespec="seconds"),
        "reports": [t.key for t in prepared.tasks],
        "inputs_changed": sorted(k for k in set(current) | set(manifest["inputs"])
                                 if current.get(k) != manifest["inputs"].get(k)),
    })
    manifest["inputs"], manifest["inputs_hash"] = current, combined_hash(current)


def run(config: RunConfig, *, outputs: Path, parameters: Path | None = None, areas: list[str] | None = None,
        jobs: int | None = None, retry_failed: bool = False, progress=None, on_plan=None,
        command: list[str] | None = None, inputs_from: Path | None = None,
        config_file: Path | None = None, force: bool = False, scheduler: object = None,
        scheduler_timeout_s: float | None = None) -> RunSummary:
    """Execute a whole run (or re-run the failed and interrupted reports of the last one); write manifest and portal.

    ``on_plan(tasks)`` is called once the tasks are known (after every check), ``progress(result)`` after
    each one. ``inputs_from`` takes data, parameters and notebooks from an earlier run's ``inputs`` folder
    (for ``veedel reproduce``) instead of the project. ``config_file`` is the file ``config`` was read from:
    the run's copy of the parameters gets it as ``run.yml``. Paths are resolved against the current
    directory first (the notebooks run elsewhere). A report whose key (inputs, parameter files, notebook,
    library, options) equals a finished report of an earlier run under ``outputs`` is taken over from there
    (:mod:`veedel_lib.run.cache`); ``force`` executes every report, reproductions always do. ``scheduler`` (a
    Dask cluster object or address; also ``executor: dask`` with ``scheduler:`` in run.yml) sends the tasks to a
    Dask cluster instead of the local process pool (:mod:`veedel_lib.run.distributed`), also for a retry; its
    address is checked before anything runs, and a scheduler that does not answer within ``scheduler_timeout_s``
    seconds stops the run with a :class:`~veedel_lib.run.distributed.ClusterUnavailable` after its manifest has
    been written (every report "interrupted", ``stopped`` saying why; ``--retry-failed`` completes it).

    SIGINT/SIGTERM stop the run (:class:`RunInterrupted`), a file that cannot be written stops it with a
    :class:`~veedel_lib.errors.StorageError`; in both cases the workers and the browser are stopped, no
    temporary file is left and the manifest marks each unfinished report "interrupted".
    """
    outputs = Path(outputs).resolve()
    if jobs is not None and jobs < 1:
        raise ConfigurationError(f"Zahl der parallelen Prozesse muss mindestens 1 sein, nicht {jobs}.")
    jobs = jobs or config.jobs or default_jobs()
    if scheduler is None and config.executor == "dask":
        scheduler = config.scheduler
    if scheduler is not None:
        from .distributed import cluster_address  # asyncio and the cluster code only for a cluster run

        address = cluster_address(scheduler)
    else:
        address = None
    started = time.perf_counter()
    with control.StopSignals() as signals:
        if retry_failed:
            prepared = _prepare_retry(outputs)
            if not prepared.tasks:
                return RunSummary(prepared.run_dir, [], nothing_to_retry=True)
        else:
            prepared = _prepare_new(config, outputs, parameters, areas, jobs, command, inputs_from,
                                    Path(config_file).resolve() if config_file else None)
            prepared.reuse = prepared.reuse and not force
        prepared.scheduler, prepared.scheduler_timeout_s = address, scheduler_timeout_s
        with control.run_lock(outputs, prepared.run_dir.name):
            if retry_failed:
                _record_retry(prepared)
            return _execute_run(prepared, jobs, progress or (lambda result: None), on_plan, signals, started)


def _execute_run(prepared: _Prepared, jobs: int, progress, on_plan, signals, started: float) -> RunSummary:
    """Execute the prepared tasks, print the PDFs, and write portal and manifest (the manifest last)."""
    from ..publish.portal import write_portal

    run_dir, manifest, tasks, formats = prepared.run_dir, prepared.manifest, prepared.tasks, prepared.formats
    if on_plan is not None:
        on_plan(tasks)
    year = manifest["parameters"]["year"]
    key_figures = _KeyFigures(run_dir, year, cache.earlier_key_figures(
        run_dir.parent, run_dir, manifest["inputs_hash"], manifest["environment"].get("veedel_code"),
        inputs=manifest["inputs"], year=year))
    reused, tasks, linked = _take_over(prepared, progress) if prepared.reuse else ([], tasks, {})
    stop = _Stop()
    printer = None
    if "pdf" in formats and tasks:
        from ..publish.pdf import BackgroundPrinter

        printer = BackgroundPrinter(run_dir)  # its thread starts with the key figures' (see threads_start)

    def threads_start() -> None:
        """Start the main process's threads (key figures, PDF printing), never before the workers are forked:
        a worker forked while a thread imports a module inherits that module's lock, held, and hangs."""
        key_figures.start()
        if printer is not None:
            printer.start()

    def finished(result: TaskResult) -> None:
        if printer is not None and result.status == "ok":
            printer.submit(result)
        progress(result)

    if prepared.scheduler is not None:
        from .distributed import ClusterUnavailable, execute_on_cluster

        try:  # threads once connected: the cluster's workers are not forked from this process
            results = reused + execute_on_cluster(tasks, run_dir, formats, prepared.scheduler, finished,
                                                  _Watch(stop, signals), prepared.scheduler_timeout_s,
                                                  connected=threads_start)
        except ClusterUnavailable as exc:
            stop.set("cluster", str(exc))
            results = reused
    else:
        results = reused + _execute_all(tasks, run_dir, formats, jobs, finished, signals, printer, stop,
                                        workers_started=threads_start)
    if printer is not None:
        manifest["pdf"] = printer.abort() if stop.reason else printer.close(lambda: signals.requested)
        if printer.write_error is not None:
            stop.set("write", str(write_failure(printer.write_error)))
        if signals.requested:
            stop.set("signal")
    if stop.reason:
        results = _with_unfinished(tasks, results, formats, stop)
    control.remove_leftovers(run_dir)
    by_key = {report_id(e["area_id"], e["notebook"]): e for e in manifest["reports"]}
    for result in results:
        by_key[result.task.key] = _report_entry(result)
    manifest["reports"] = list(by_key.values())
    manifest["interrupted"] = stop.reason == "signal"
    manifest["stopped"] = _stop_reason(stop, signals)
    manifest["summary"] = {
        "ok": sum(e["status"] == "ok" for e in manifest["reports"]),
        "failed": sum(e["status"] == "failed" for e in manifest["reports"]),
        "interrupted": sum(e["status"] == "interrupted" for e in manifest["reports"]),
        "reused": len(reused),
        "executed": len(results) - len(reused),
        "last_duration_s": round(time.perf_counter() - started, 1),
    }
    manifest["run_kind"] = run_kind(manifest.get("scope"), manifest["reports"])
    if stop.reason is None:
        manifest["key_figures"] = key_figures.result()
    try:
        write_portal(run_dir, manifest)
        identities: dict[str, list[int]] = {}
        manifest["files"] = file_hashes(run_dir, known=linked, identities=identities)
        names = sorted(manifest["files"])
        for entry in manifest["reports"]:
            entry["files"] = _entry_files(entry, manifest["files"], names) if entry["status"] == "ok" else {}
            entry["file_identities"] = {name: identities[name] for name in entry["files"] if name in identities}
        write_manifest(run_dir, manifest)
    except OSError as exc:
        control.remove_leftovers(run_dir)
        if stop.reason != "write":  # otherwise the first failure is the one to report
            raise write_failure(exc, run_dir) from exc
    if stop.reason == "signal":
        raise RunInterrupted(signals.signum or signal.SIGINT, run_dir, manifest["summary"]["ok"],
                             len(manifest["reports"]))
    if stop.reason == "write":
        raise StorageError(f"Lauf {run_dir.name} abgebrochen: {stop.message}")
    if stop.reason == "cluster":
        raise ConfigurationError(f"Lauf {run_dir.name} abgebrochen: {stop.message} Sobald der Cluster bereit ist, "
                                 f"führt „veedel run --retry-failed --scheduler {prepared.scheduler}“ ihn zu Ende.")
    return RunSummary(run_dir, results)


def _stop_reason(stop: _Stop, signals) -> str | None:
    """Why a run stopped early, for the manifest (``stopped``): the signal, the write failure or the cluster that
    was not there, in German; None for a run that went to its end."""
    if stop.reason == "signal":
        return f"Abgebrochen durch {control.SIGNAL_NAMES.get(signals.signum or signal.SIGINT, signals.signum)}."
    return stop.message


def _key_figures(run_dir: Path, year: int) -> dict:
    """The portal's key figures per area and Stadtbezirk, from the run's own inputs (see reports.keyfigures)."""
    from ..reports.keyfigures import key_figures

    inputs = run_dir / "inputs"
    try:
        return key_figures(load_dataset(inputs / "data", inputs / "parameters"), year, inputs / "parameters")
    except VeedelError as exc:  # the reports say what is wrong; the portal then lists them without figures
        return {"year": year, "areas": [], "bezirke": [], "notes": [f"Eckdaten nicht berechenbar: {exc}"]}


class _KeyFigures:
    """The portal's key figures of a run, computed in a thread of the main process while the reports run.

    They depend only on the run's inputs, and the main process mostly waits for its workers: computed after the
    last report, they added 1,4 s to the end of every run (0,9 s of it importing statsmodels and scipy.stats).
    The thread starts once the worker processes exist (:meth:`start`): a process forked while another thread
    imports a module would inherit that module's lock, held, and hang when importing it.
    """

    def __init__(self, run_dir: Path, year: int, known: dict | None = None) -> None:
        self._arguments = (run_dir, year)
        self._future: Future | None = None
        self._known = known
        """The key figures of an earlier run with the same inputs and code (:func:`cache.earlier_key_figures`)."""

    def start(self) -> None:
        """Start computing (once; not at all when they are known)."""
        if self._future is None and self._known is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="veedel-eckdaten")
            self._future = pool.submit(_key_figures, *self._arguments)
            pool.shutdown(wait=False)

    def result(self) -> dict:
        """The key figures (see :func:`veedel_lib.reports.keyfigures.key_figures`), waiting for them if needed."""
        if self._known is not None:
            return self._known
        self.start()
        return self._future.result()


def _take_over(prepared: _Prepared, progress) -> tuple[list[TaskResult], list[Task], dict[str, tuple[str, tuple]]]:
    """Reports whose key a finished report of an earlier run has: linked in from there; the rest to execute; and
    the linked files with their verified hash and identity (for :func:`~veedel_lib.run.manifest.file_hashes`: a
    hard link to a file whose hash was just checked need not be read again)."""
    earlier = cache.earlier_reports(prepared.run_dir.parent, exclude=prepared.run_dir,
                                    wanted={task.cache_key for task in prepared.tasks})
    reused, remaining, linked = [], [], {}
    for task in prepared.tasks:
        match = earlier.get(task.cache_key)
        files = cache.take_over(match, prepared.run_dir) if match is not None else None
        if files is None:
            remaining.append(task)
            continue
        for name, digest in files.items():
            target = prepared.run_dir / name
            status = target.stat()
            if status.st_nlink > 1:  # a link to the verified file (a copy is a new file, with one name)
                linked[name] = (digest, file_identity(target, status))
        outputs = {name: digest for name, digest in files.items() if "/tables/" not in name}
        result = TaskResult(task, "ok", 0.0, outputs, reused_from=match.run_id)
        reused.append(result)
        progress(result)
    return reused, remaining, linked


def _entry_files(entry: dict, files: dict[str, str], names: list[str] | None = None) -> dict[str, str]:
    """The files of one report (executed notebook, HTML, PDF, its tables) among the run's files. ``names``: the
    run's file names sorted as strings, when the caller has them (found by bisection: every report of a run of
    55 reports walked all 800 files)."""
    folder, notebook = entry["folder"], entry["notebook"]
    own = (f"{folder}/{notebook}.ipynb", f"{folder}/{notebook}.html", f"{folder}/{notebook}.pdf")
    tables = f"{folder}/tables/{notebook}/"
    names = sorted(files) if names is None else names
    found = {name: files[name] for name in own if name in files}
    for name in names[bisect_left(names, tables):]:
        if not name.startswith(tables):
            break
        found[name] = files[name]
    return found


def run_from_inputs(config: RunConfig, inputs: Path, outputs: Path, areas: list[str] | None = None,
                    jobs: int | None = None, progress=None, on_plan=None) -> RunSummary:
    """Run again from an archived ``inputs`` folder (data, parameters, notebooks), into a new run folder."""
    return run(config, outputs=outputs, areas=areas, jobs=jobs, inputs_from=inputs, progress=progress,
               on_plan=on_plan, command=["veedel", "reproduce"])
