"""Benchmark of the full programme run on the demo data (``make bench``), with its targets (issue #16).

The same reports produced in several ways, run alternately (a, b, b1, b2, c, a, b, ...):

  (a)  naive: the papermill command line once per notebook and place in a shell loop, then
       ``jupyter nbconvert --to html --no-input`` per notebook and ``chromium --print-to-pdf`` per report;
  (b)  ``veedel run`` cold (a new outputs folder: nothing to reuse), HTML and PDF, one worker per core;
  (b1) ``veedel run`` again into the same outputs folder with nothing changed: every report reused;
  (b2) ``veedel run`` again after one area's qualitative findings changed: only that area's analysis executed;
  (c)  the floor: the same tables and figures computed by the library in one plain Python process,
       without notebooks, HTML documents or PDF.

For each: wall time, CPU time (user + system of the whole process tree) and peak memory of the process
tree, sampled every 0.1 s: the largest sum of the proportional set sizes (PSS: each page counted once,
shared pages split among the processes sharing them — the memory the run really occupies), and for
comparison the largest plain sum of resident set sizes. Then the scale series: the analysis report for the
15 areas and for all 86 Stadtteile as areas, on the local process pool and on a Dask ``LocalCluster`` of two
worker processes (``--executor dask``). Last, profiles (cProfile, top 10 functions) of one evaluation and one
analysis report computed by the library. Results and the targets of the issue, each marked met or missed,
go to stdout and ``benchmarks/results.md``.

Every measurement records the exit code; a variant or scale run with failed reports is flagged in the
results, since its time would not be the time of a complete run.

Usage: python benchmarks/bench.py [--rounds 1] [--skip-naive] [--skip-scale] [--skip-dask]
       python benchmarks/bench.py --incremental   (only the precise re-runs of issue #31, section of its own)
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--no-pdf-header-footer"]


class TreeMonitor:
    """Samples the resident memory of a process and all its descendants; tracks CPU of the finished ones."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak = 0
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root] + self.root.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            total = total_rss = 0
            for process in processes:
                try:
                    memory = process.memory_full_info()
                    total += getattr(memory, "pss", memory.rss)
                    total_rss += memory.rss
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system + times.children_user + times.children_system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.peak_rss = max(self.peak_rss, total_rss)
            self._stop.wait(0.1)

    def __enter__(self) -> "TreeMonitor":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measure(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command; wall seconds, CPU seconds of the process tree, peak memory (MiB), exit code, summary line."""
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {}), "COLUMNS": "200"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMonitor(process.pid) as monitor:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if process.returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
    said = [line.strip() for line in stdout.splitlines() if "neu berechnet" in line]
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": monitor.peak / 2**20,
            "peak_rss_sum_mib": monitor.peak_rss / 2**20, "exit": process.returncode, "said": said[-1] if said else ""}


def naive_script(work: Path, tasks, data_dir: Path, parameters: Path) -> Path:
    """The shell loop a user would write without veedel: papermill, nbconvert, chromium, one call each.

    ``tasks`` are the run's tasks as :func:`veedel_lib.run.runner.plan` makes them (every report of the registry
    for each of its places), so the loop produces the same reports as ``veedel run``.
    """
    lines = ["#!/usr/bin/env bash", "set -e", f'cd "{ROOT / "notebooks"}"', f'OUT="{work}"', 'mkdir -p "$OUT"']
    names = []
    for task in tasks:
        name = f"{task.notebook}_{task.area_id}" if task.area_id else task.notebook
        names.append(name)
        values = {**task.parameters, "data_dir": str(data_dir), "parameters_dir": str(parameters)}
        for own in ("tables_dir", "run_spec"):  # the user's loop has no run folder: each notebook resolves its own
            values.pop(own, None)
        options = " ".join(f'-p {key} "{value}"' for key, value in values.items() if value is not None)
        lines.append(f'"{BIN}/papermill" {task.notebook}.ipynb "$OUT/{name}.ipynb" {options} --no-progress-bar')
    for name in names:
        lines.append(f'"{BIN}/jupyter" nbconvert --to html --no-input --log-level ERROR "$OUT/{name}.ipynb"')
        lines.append(f'chromium {" ".join(CHROMIUM_FLAGS)} --print-to-pdf="$OUT/{name}.pdf" '
                     f'"file://$OUT/{name}.html" 2>/dev/null')
    script = work.parent / f"{work.name}.sh"
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    return script


KERNEL_LIKE = ("from veedel_lib.run.provisioner import GC_THRESHOLDS\n"
               "__import__('gc').set_threshold(*GC_THRESHOLDS)\n")
"""The first lines of each in-process measurement below: the garbage-collector thresholds of the notebooks' kernel
(:mod:`veedel_lib.run.provisioner`), so that the floor, the profiles and the figure times run as the reports do."""

FLOOR = KERNEL_LIKE + r"""
import sys
from veedel_lib.params.run_config import load_run_config
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.run import floor
config = load_run_config(sys.argv[2])
ds = load_dataset(sys.argv[1], sys.argv[3])
floor.compute_all(ds, config, int(sys.argv[4]))
"""

PROFILE = KERNEL_LIKE + r"""
import cProfile, io, pstats, sys, time
from veedel_lib.params.run_config import RunConfig
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.run.floor import compute_report
ds = load_dataset(sys.argv[1], sys.argv[2])
notebook, area = sys.argv[3], sys.argv[4]
compute_report(ds, notebook, area, ds.latest_year, RunConfig())  # first call: imports and memos of the dataset
profile = cProfile.Profile()
start = time.perf_counter()
profile.enable()
compute_report(ds, notebook, "kalk" if area != "kalk" else "hoehenberg-vingst", ds.latest_year, RunConfig())
profile.disable()
wall = time.perf_counter() - start
text = io.StringIO()
pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(10)
print(f"wall {wall:.2f}")
print(text.getvalue())
"""

EVALUATION = KERNEL_LIKE + r"""
import sys, time
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.reports.evaluation import Evaluation
ds = load_dataset(sys.argv[1], sys.argv[2])
start = time.perf_counter()
Evaluation.open(ds.areas.ids[0], dataset=ds, baseline_year=2019).results()  # imports statsmodels and scipy once
first = time.perf_counter() - start
times = {}
for area in ds.areas.ids:
    content = Evaluation.open(area, dataset=ds)
    start = time.perf_counter()
    content.results()
    times[area] = time.perf_counter() - start
print(max(times.values()), sum(times.values()) / len(times), first)
"""
"""Evaluation compute per area: :meth:`Evaluation.results` (every indicator's estimate, intervals, placebos), after
one evaluation with another baseline year has imported the statistics libraries (timed apart: ``first_s``)."""

EVALUATION_ALL = KERNEL_LIKE + r"""
import json, sys, time
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.reports.evaluation import Evaluation
from veedel_lib.reports.second_view import second_view_table
from veedel_lib.planning.monitoring import goal_effects, monitor_goals
ds = load_dataset(sys.argv[1], sys.argv[2])
first = Evaluation.open(ds.areas.ids[0], dataset=ds, baseline_year=2019)  # imports the statistics libraries once
first.results(); second_view_table(first)

def goals(content):
    found = content.plan()
    return None if found is None else goal_effects(ds, monitor_goals(ds, found[1], content.year, content.level),
                                                   content.year, content.level)

times = {}
for area in ds.areas.ids:
    content = Evaluation.open(area, dataset=ds)
    parts, start = {}, time.perf_counter()
    for name, step in (("did", content.results), ("second_view", lambda: second_view_table(content)),
                       ("goals", lambda: goals(content))):
        begin = time.perf_counter()
        step()
        parts[name] = time.perf_counter() - begin
    parts["total"] = time.perf_counter() - start
    times[area] = parts
print(json.dumps(times))
"""
"""One area's evaluation with all its estimators (issue #29): the difference in differences with placebo inference
and minimum detectable effects (:meth:`Evaluation.results`), the synthetic control with placebo-in-space and the
HonestDiD breakdown values (:func:`second_view_table`), and the plan goals judged on effects (the goals' status and
:func:`goal_effects`; no figures)."""

EVALUATION_HEADING = "## Evaluation with all estimators, per area (issue #29)"
"""Heading of the section written by ``bench.py --evaluation`` and by the full benchmark."""


def evaluation_all(work: Path, data_dir: Path, parameters: Path, env: dict) -> None:
    """Time one area's evaluation with every estimator, over the 15 areas, and write its section of results.md."""
    script = work / "evaluation_all.py"
    script.write_text(EVALUATION_ALL)
    done = subprocess.run([sys.executable, str(script), str(data_dir), str(parameters)], capture_output=True,
                          text=True, env={**os.environ, **env}, check=True)
    times = json.loads(done.stdout.strip().splitlines()[-1])
    totals = [t["total"] for t in times.values()]
    largest = max(totals)
    lines = ["", f"Measured {_dt.datetime.now():%Y-%m-%d %H:%M} with `python benchmarks/bench.py --evaluation` (also part "
             "of the full benchmark), wall time in one warm process (kernel-like garbage collection), after a first "
             "evaluation with another baseline year imported the statistics libraries.", "",
             "| area | difference in differences, placebos, MDE (s) | synthetic control and breakdown value (s) | "
             "goals judged on effects (s) | all (s) |", "|---|---:|---:|---:|---:|"]
    for area, parts in times.items():
        lines.append(f"| {area} | {parts['did']:.2f} | {parts['second_view']:.2f} | {parts['goals']:.2f} | "
                     f"{parts['total']:.2f} |")
    lines += ["", f"Largest {largest:.2f} s, mean {sum(totals) / len(totals):.2f} s per area: target <= 2 s "
                  f"{_met(largest, '<=', 2.0)}."]
    print(f"evaluation with all estimators per area: largest {largest:.2f} s, mean {sum(totals) / len(totals):.2f} s",
          flush=True)
    _write_section(EVALUATION_HEADING, lines)


FIGURES = KERNEL_LIKE + r"""
import gc, json, sys, time
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.params.run_config import load_run_config
from veedel_lib.render.charts.registry import CHARTS
from veedel_lib.reports import registry
from veedel_lib.run.floor import compute_report

times = {}
depth = [0]
def timed(name, function):
    def wrapper(*args, **kwargs):
        if depth[0]:  # called by another chart function (indicator_map draws a choropleth): timed as part of it
            return function(*args, **kwargs)
        depth[0] += 1
        try:
            return measured(name, function, *args, **kwargs)
        finally:
            depth[0] -= 1
    return wrapper
def measured(name, function, *args, **kwargs):
    attempts = []
    for attempt in range(3):  # the same figure three times: the best shows its own cost, without the pauses
        start = time.process_time()  # of the machine and of the garbage collector
        chart = function(*args, **kwargs)
        built = time.process_time() - start
        start = time.process_time()
        chart.svg()  # rendered here and kept: the report's own call finds it done
        attempts.append((built, time.process_time() - start))
    times.setdefault(name, []).append(attempts)
    return chart

ds = load_dataset(sys.argv[1], sys.argv[2])
config = load_run_config(sys.argv[3])
year = ds.latest_year
warm = ds.areas.ids[0]
for cls in (registry.get(n) for n in config.reports):  # first pass: imports, memos of the dataset
    place = warm if cls.scope == "area" else str(ds.areas.get(warm).stadtbezirk) if cls.scope == "bezirk" else None
    compute_report(ds, cls.notebook, place, year, config)
def timed_plot(name, plot):
    def wrapper(self, *args, **kwargs):
        return timed(name, lambda *a, **k: plot(self, *a, **k))(*args, **kwargs)
    return wrapper
for chart_class in CHARTS:  # every chart is drawn through its plot (the disclosure check, then the drawing)
    chart_class.plot = timed_plot(chart_class.__name__, chart_class.plot)
for cls in (registry.get(n) for n in config.reports):
    if cls.scope == "area":
        places = ds.areas.ids[1:]
    elif cls.scope == "bezirk":
        places = sorted({str(ds.areas.get(a).stadtbezirk) for a in ds.areas.ids})
    else:
        places = [None]
    for place in places:
        gc.collect()  # as the warm kernel before each notebook (run/engine.py: %reset, then gc.freeze())
        gc.freeze()
        compute_report(ds, cls.notebook, place, year, config)
def best(attempts):
    return min(attempts, key=sum)
print(json.dumps({name: {"calls": len(calls), "largest_single_s": max(sum(a[0]) for a in calls),
                         "largest_s": max(sum(best(a)) for a in calls),
                         "mean_s": sum(sum(best(a)) for a in calls) / len(calls),
                         "build_s": max(best(a)[0] for a in calls), "svg_s": max(best(a)[1] for a in calls)}
                  for name, calls in sorted(times.items())}))
"""
"""CPU time of every figure of a run (drawing with matplotlib and rendering to SVG), per chart function, after a
first pass over one area and one report of each kind has done the imports and the dataset's memos. Each figure is
drawn three times; ``largest_s`` is the largest over the run of each figure's best attempt (its own cost), and
``largest_single_s`` the largest first attempt, pauses of the machine and of the garbage collector included."""


def figure_times(work: Path, data_dir: Path, parameters: Path, env: dict) -> dict:
    """Per chart function: calls, largest and mean CPU seconds (build + SVG) over every report of a run."""
    script = work / "figure_times.py"
    script.write_text(FIGURES)
    done = subprocess.run([sys.executable, str(script), str(data_dir), str(parameters), str(parameters / "run.yml")],
                          capture_output=True, text=True, env={**os.environ, **env}, check=True)
    times = json.loads(done.stdout.strip().splitlines()[-1])
    print("figures:", ", ".join(f"{k} {v['largest_s']:.2f} s" for k, v in times.items()), flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-dask", action="store_true", help="scale series on the local executor only")
    parser.add_argument("--runs-from", metavar="JSON",
                        help="take the runs (a) to (c) from this file (as printed by an earlier invocation, with "
                             "runs_measured) and measure only the rest")
    parser.add_argument("--incremental", action="store_true",
                        help="measure only the precise re-runs of issue #31 (two edits on a copy of the parameters) "
                             "and write their section of results.md")
    parser.add_argument("--evaluation", action="store_true",
                        help="measure only one area's evaluation with all estimators (issue #29) and write its "
                             "section of results.md")
    args = parser.parse_args()
    if args.incremental:
        incremental()
        return
    if args.evaluation:
        sys.path.insert(0, str(ROOT))
        from veedel_lib.demo import ensure_demo_data

        work = Path(tempfile.mkdtemp(prefix="veedel-bench-evaluation-"))
        evaluation_all(work, ensure_demo_data(ROOT / "parameters"), ROOT / "parameters", {})
        return

    sys.path.insert(0, str(ROOT))
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.params.run_spec import RunOptions
    from veedel_lib.run.planning import resolve
    from veedel_lib.run.runner import plan

    cache = Path(tempfile.mkdtemp(prefix="veedel-bench-cache-"))
    env = {"VEEDEL_CACHE": str(cache)}
    os.environ.update(env)
    work = Path(tempfile.mkdtemp(prefix="veedel-bench-"))
    data_dir = work / "data"
    parameters = work / "parameters"  # a copy: (b2) edits one qualitative file in it
    shutil.copytree(ROOT / "parameters", parameters)
    subprocess.run([str(BIN / "veedel"), "demo-data", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    config = load_run_config(parameters / "run.yml")
    ds = load_dataset(data_dir, parameters)
    year = ds.latest_year
    spec = resolve(config, ds, RunOptions(year=year), parameters=parameters, data_folder=data_dir)
    tasks = plan(spec, work / "naive-plan")
    floor_script = work / "floor.py"
    floor_script.write_text(FLOOR)
    qualitative = parameters / "qualitative" / f"{ds.areas.ids[0]}.md"
    veedel = [str(BIN / "veedel"), "--parameters", str(parameters), "run", "--data", str(data_dir)]

    results: dict[str, list[dict]] = {key: [] for key in ("a", "b", "b1", "b2", "c")}
    runs_measured = f"{_dt.datetime.now():%Y-%m-%d %H:%M}"
    if args.runs_from:
        earlier = json.loads(Path(args.runs_from).read_text(encoding="utf-8"))
        results, runs_measured = earlier["runs"], earlier["runs_measured"]
    for round_number in range(0 if args.runs_from else args.rounds):
        if not args.skip_naive:
            target = work / f"naive-{round_number}"
            script = naive_script(target, tasks, data_dir, parameters)
            results["a"].append(measure(["bash", str(script)], env))
            print(f"round {round_number + 1} (a) naive: {results['a'][-1]}", flush=True)
        outputs = work / f"runs-{round_number}"
        results["b"].append(measure([*veedel, "--outputs", str(outputs)], env))
        print(f"round {round_number + 1} (b) veedel run, cold: {results['b'][-1]}", flush=True)
        results["b1"].append(measure([*veedel, "--outputs", str(outputs)], env))
        print(f"round {round_number + 1} (b1) nothing changed: {results['b1'][-1]}", flush=True)
        original = qualitative.read_text(encoding="utf-8")
        qualitative.write_text(original + f"\n- Ergänzung der Sozialraumkoordination (Runde {round_number + 1}).\n",
                               encoding="utf-8")
        results["b2"].append(measure([*veedel, "--outputs", str(outputs)], env))
        qualitative.write_text(original, encoding="utf-8")
        print(f"round {round_number + 1} (b2) one qualitative file changed: {results['b2'][-1]}", flush=True)
        results["c"].append(measure([sys.executable, str(floor_script), str(data_dir), str(parameters / "run.yml"),
                                     str(parameters), str(year)], env))
        print(f"round {round_number + 1} (c) floor: {results['c'][-1]}", flush=True)

    def median(key: str, field: str) -> float:
        values = [r[field] for r in results[key]]
        return statistics.median(values) if values else float("nan")

    evaluation = evaluation_times(work, data_dir, parameters, env)
    evaluation_all(work, data_dir, parameters, env)
    figure_cpu = figure_times(work, data_dir, parameters, env)
    profiles = {label: profile(work, data_dir, parameters, notebook, env)
                for label, notebook in (("Evaluation", "evaluation"),
                                        ("Sozialraumgebietsanalyse", "sozialraumgebietsanalyse"))}
    fixest = fixest_comparison(env)
    scale = None if args.skip_scale else scale_series(work, data_dir, env, not args.skip_dask)
    write_results(results, median, len(tasks), len(ds.areas.ids), scale, runs_measured, evaluation, profiles, fixest,
                  figure_cpu)
    shutil.rmtree(cache, ignore_errors=True)


def evaluation_times(work: Path, data_dir: Path, parameters: Path, env: dict) -> dict:
    """The largest and the mean compute time of one area's evaluation (seconds), over the 15 areas."""
    script = work / "evaluation_times.py"
    script.write_text(EVALUATION)
    done = subprocess.run([sys.executable, str(script), str(data_dir), str(parameters)], capture_output=True,
                          text=True, env={**os.environ, **env}, check=True)
    largest, mean, first = (float(v) for v in done.stdout.split())
    print(f"evaluation per area: largest {largest:.2f} s, mean {mean:.2f} s (first in the process {first:.2f} s)",
          flush=True)
    return {"largest_s": largest, "mean_s": mean, "first_s": first}


def fixest_comparison(env: dict) -> dict:
    """``benchmarks/fixest_check.py``: the projection against pyfixest on the same model (estimates and time)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fixest_check.py")], capture_output=True,
                          text=True, env={**os.environ, **env}, check=True)
    return json.loads(done.stdout[done.stdout.index("\n{\n") + 1:])


def profile(work: Path, data_dir: Path, parameters: Path, notebook: str, env: dict) -> str:
    """cProfile of one report computed by the library (a second area, after a first one warmed the process)."""
    script = work / "profile_report.py"
    script.write_text(PROFILE)
    done = subprocess.run([sys.executable, str(script), str(data_dir), str(parameters), notebook, "hoehenberg-vingst"],
                          capture_output=True, text=True, env={**os.environ, **env}, check=True)
    return done.stdout.strip()


def scale_series(work: Path, data_dir: Path, env: dict, with_dask: bool) -> dict:
    """Analysis reports for 15 areas and for all 86 Stadtteile as areas, on both executors; time per report."""
    import yaml

    from veedel_lib.params.reference import STADTTEILE

    parameters = work / "parameters-86"
    shutil.copytree(ROOT / "parameters", parameters)
    areas = [{"id": f"st-{n}", "code": f"ST{n}", "name": name, "stadtbezirk": n // 100, "stadtteile": [n]}
             for n, name in STADTTEILE.items()]
    (parameters / "areas.yml").write_text(yaml.safe_dump({"areas": areas}, allow_unicode=True, sort_keys=False))
    run_yml = yaml.safe_load((parameters / "run.yml").read_text())
    run_yml.update({"reports": ["sozialraumgebietsanalyse"]})
    (parameters / "run.yml").write_text(yaml.safe_dump(run_yml, allow_unicode=True))
    targets = yaml.safe_load((parameters / "targets.yml").read_text())
    targets["areas"] = {}  # the Zielvereinbarungen name the 15 areas, which this set of areas does not have
    (parameters / "targets.yml").write_text(yaml.safe_dump(targets, allow_unicode=True))
    config_15 = work / "run-15.yml"
    base = yaml.safe_load((ROOT / "parameters" / "run.yml").read_text())
    base.update({"reports": ["sozialraumgebietsanalyse"]})
    config_15.write_text(yaml.safe_dump(base, allow_unicode=True))
    executors = ["local", "dask"] if with_dask else ["local"]
    series = {}
    for executor in executors:
        cluster = None
        extra = []
        if executor == "dask":
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=os.cpu_count(), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            extra = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
        try:
            for label, parameter_dir, config_file, count in (("15", ROOT / "parameters", config_15, 15),
                                                             ("86", parameters, parameters / "run.yml", 86)):
                result = measure([str(BIN / "veedel"), "--parameters", str(parameter_dir), "run", "--data",
                                  str(data_dir), "--config", str(config_file), "--formats", "html", "pdf",
                                  "--outputs", str(work / f"scale-{executor}-{label}"), *extra], env)
                result["reports"] = count
                result["per_report_s"] = result["wall_s"] / count
                series[f"{executor}-{label}"] = result
                print(f"scale {executor} {label} areas: {result}", flush=True)
        finally:
            if cluster is not None:
                cluster.close()
    return series


RESULTS = ROOT / "benchmarks" / "results.md"
INCREMENTAL = "## Präzise Neuläufe (Issue #31)"
"""Heading of the section written by ``bench.py --incremental`` (kept when the full benchmark rewrites the file)."""
LARGE_INPUTS = "## Große Eingaben"
"""Heading of the section written by ``benchmarks/large_input.py`` (kept when this script rewrites the file)."""


def _failed(rows: list[dict]) -> int:
    return sum(1 for row in rows if row.get("exit") != 0)


TARGETS = [
    # (label, how the value is computed from the figures, comparison, limit, unit)
    ("(b) veedel run, cold", "b", "<=", 60.0, "s"),
    ("(a)/(b)", "a/b", ">=", 5.0, ""),
    ("(b)/(c)", "b/c", "<=", 1.5, ""),
    ("(b1) re-run, nothing changed", "b1", "<=", 5.0, "s"),
    ("(b2) re-run, one qualitative file changed", "b2", "<=", 15.0, "s"),
    ("peak memory of (b), PSS", "peak", "<", 2048.0, "MiB"),
    ("evaluation compute per area (largest)", "evaluation", "<=", 1.0, "s"),
    ("slowest figure, drawing + SVG (largest over the run, best of 3)", "figure", "<=", 0.3, "s"),
    ("86-area series: time per report 86 / 15 (linear: about 1)", "linear", "<=", 1.25, ""),
]
"""The targets of issue #16 on this 2-core machine; they live here, never in timed unit tests."""


def target_values(median, evaluation: dict, scale: dict | None, figure_cpu: dict) -> dict[str, float]:
    """The value of each target's expression from the measured figures (NaN where not measured)."""
    wall = {key: median(key, "wall_s") for key in ("a", "b", "b1", "b2", "c")}
    linear = float("nan")
    if scale and all(scale.get(k, {}).get("exit") == 0 for k in ("local-15", "local-86")):
        linear = scale["local-86"]["per_report_s"] / scale["local-15"]["per_report_s"]
    return {**wall, "a/b": wall["a"] / wall["b"], "b/c": wall["b"] / wall["c"], "peak": median("b", "peak_mib"),
            "evaluation": evaluation["largest_s"], "linear": linear,
            "figure": max((v["largest_s"] for v in figure_cpu.values()), default=float("nan"))}


def _met(value: float, comparison: str, limit: float) -> str:
    if value != value:  # NaN: not measured
        return "not measured"
    ok = {"<=": value <= limit, ">=": value >= limit, "<": value < limit}[comparison]
    return "met" if ok else "**missed**"


def write_results(results: dict, median, reports: int, areas: int, scale: dict | None, runs_measured: str,
                  evaluation: dict, profiles: dict[str, str], fixest: dict, figure_cpu: dict) -> None:
    lines = [
        "# Benchmark: full programme run on the demo data",
        "",
        f"Measured {runs_measured} on {os.cpu_count()} cores "
        f"({psutil.virtual_memory().total / 2**30:.0f} GiB RAM), {areas} areas, {reports} reports "
        f"(HTML and PDF), median of {max(len(v) for v in results.values())} alternating round(s).",
        "",
        "| variant | wall time (s) | CPU time (s) | peak memory, PSS (MiB) | peak RSS sum (MiB) | the run said |",
        "|---|---:|---:|---:|---:|---|",
    ]
    names = {"a": "(a) naive: papermill CLI + nbconvert + chromium per report",
             "b": "(b) veedel run, cold (defaults)", "b1": "(b1) veedel run again, nothing changed",
             "b2": "(b2) veedel run again, one area's qualitative findings changed",
             "c": "(c) floor: library in one process, no notebooks"}
    for key in names:
        if results[key]:
            said = results[key][-1].get("said", "")
            lines.append(f"| {names[key]} | {median(key, 'wall_s'):.1f} | {median(key, 'cpu_s'):.1f} | "
                         f"{median(key, 'peak_mib'):.0f} | {median(key, 'peak_rss_sum_mib'):.0f} | {said} |")
    broken = {key: _failed(rows) for key, rows in results.items() if _failed(rows)}
    if broken:
        lines += ["", "**Not comparable: runs with failed reports: " +
                  ", ".join(f"({key}) {count}" for key, count in broken.items()) + "**"]
    values = target_values(median, evaluation, scale, figure_cpu)
    lines += ["", "## Targets (issue #16)", "", "| target | limit | measured | |", "|---|---:|---:|---|"]
    for label, key, comparison, limit, unit in TARGETS:
        value = values[key]
        met = _met(value, comparison, limit)
        lines.append(f"| {label} | {comparison} {limit:g} {unit} | {value:.2f} {unit} | {met} |")
    lines += ["", f"Evaluation compute per area (`Evaluation.results()`: every indicator's estimate, intervals and "
                  f"placebo programmes): largest {evaluation['largest_s']:.2f} s, mean {evaluation['mean_s']:.2f} s "
                  f"over the {areas} areas; the first evaluation of a process also imports statsmodels and scipy "
                  f"({evaluation['first_s']:.2f} s, once per warm kernel).",
              "- peak memory: largest sum of PSS over the process tree (shared pages counted once); the RSS "
              "sum counts shared pages once per process and overstates what the run occupies", ""]
    lines += ["## Figures: CPU time per chart function over every report of the run (warm process)", "",
              "Drawing (matplotlib) and rendering to SVG, measured around each chart function of `render/` while the "
              "floor computes every report of the run once more, with the kernel's garbage-collector thresholds, "
              "collection and `gc.freeze()` "
              "before each report. Each figure is drawn three times: *largest* is the largest over the run of each "
              "figure's best attempt (what drawing it costs), *largest single* the largest first attempt (with the "
              "pauses of this shared machine and of the garbage collector). A chart drawn by another one (the "
              "choropleth of `indicator_map`) counts with that one.", "",
              "| chart | calls | largest (s) | mean (s) | drawing, largest (s) | SVG, largest (s) "
              "| largest single (s) | |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, row in sorted(figure_cpu.items(), key=lambda item: -item[1]["largest_s"]):
        lines.append(f"| `{name}` | {row['calls']} | {row['largest_s']:.2f} | {row['mean_s']:.2f} | "
                     f"{row['build_s']:.2f} | {row['svg_s']:.2f} | {row['largest_single_s']:.2f} "
                     f"| {_met(row['largest_s'], '<=', 0.3)} |")
    lines += [""]
    lines += ["## The evaluation's projection against pyfixest (same model, demo data)", "",
              "`benchmarks/fixest_check.py`: the library's structured projection and pyfixest's `feols` with unit and "
              "year fixed effects and the unit trends and level-scaled year effects as interactions, weighted, "
              "clustered by Stadtteil. The clustered standard errors differ by a constant factor: the library counts "
              "the absorbed unit levels and trends among the degrees of freedom, pyfixest's default does not.", "",
              "| area | indicator | observations | estimate | abs. difference | SE ratio "
              "| one fit: ours / pyfixest (s) "
              "| 400 placebo fits: ours / pyfixest (s) |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in fixest["cases"]:
        lines.append(f"| {row['area']} | {row['indicator']} | {row['observations']} | {row['ours']:.4f} | "
                     f"{row['abs_difference']:.1e} | {row['se_ratio']:.4f} | {row['ours_one_s']:.3f} / "
                     f"{row['pyfixest_one_s']:.2f} | {row['ours_400_placebos_s']:.2f} / "
                     f"{row['pyfixest_400_placebos_s']:.0f} |")
    lines += ["", f"Largest absolute difference of the estimates: {fixest['largest_abs_difference']:.1e}. The "
                  "library keeps its own projection: equal results, and the placebo programmes of one evaluation "
                  "cost a fraction of a second instead of minutes.", ""]
    if scale:
        lines += ["## Scale series: analysis report only, HTML and PDF", "",
                  f"Measured {_dt.datetime.now():%Y-%m-%d %H:%M}. The Dask runs use a `LocalCluster` with one worker "
                  "process per core on this machine (its workers' memory is not in the run's process tree).", "",
                  "| executor | areas | reports | all reports ok | wall time (s) | time per report (s) | "
                  "peak memory (MiB) |", "|---|---:|---:|:---:|---:|---:|---:|"]
        for label, row in scale.items():
            executor, count = label.split("-")
            ok = "yes" if row["exit"] == 0 else "**no** (exit %d)" % row["exit"]
            lines.append(f"| {executor} | {count} | {row['reports']} | {ok} | {row['wall_s']:.1f} | "
                         f"{row['per_report_s']:.2f} | {row['peak_mib']:.0f} |")
        lines.append("")
    for label, text in profiles.items():
        lines += [f"## Profile: {label} of one area (library, warm process, top 10 by own time)", "", "```",
                  text, "```", ""]
    raw = {"runs_measured": runs_measured, "runs": results, "scale": scale, "evaluation": evaluation,
           "fixest": fixest, "figures": figure_cpu}
    lines += ["Raw measurements:", "", "```json", json.dumps(raw, indent=1), "```", ""]
    text = "\n".join(lines)
    large = RESULTS.read_text(encoding="utf-8").partition(LARGE_INPUTS)[2] if RESULTS.exists() else ""
    for heading in (EVALUATION_HEADING, INCREMENTAL):  # the sections of --evaluation and --incremental: kept
        own = _section(RESULTS.read_text(encoding="utf-8"), heading) if RESULTS.exists() else ""
        if own:
            text += "\n" + own
    if large:  # the section of benchmarks/large_input.py is its own: kept as it is
        text += "\n" + LARGE_INPUTS + large
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


def _section(text: str, heading: str) -> str:
    """The section of ``text`` that starts with ``heading``, up to the next heading of its level (or the end)."""
    if heading not in text:
        return ""
    rest = text.partition(heading)[2]
    body = rest.split("\n## ", 1)[0]
    return heading + body.rstrip("\n") + "\n"


def _write_section(heading: str, lines: list[str]) -> None:
    """Replace (or append) one section of ``results.md``, leaving every other section as it is."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    new = "\n".join([heading, *lines]).rstrip("\n") + "\n"
    old = _section(text, heading)
    text = text.replace(old, new) if old else text.rstrip("\n") + "\n\n" + new
    RESULTS.write_text(text, encoding="utf-8")


def _latest_manifest(outputs: Path) -> dict:
    """The manifest of the newest run folder under ``outputs``."""
    runs = sorted(p for p in outputs.iterdir() if (p / "manifest.json").exists())
    return json.loads((runs[-1] / "manifest.json").read_text(encoding="utf-8")) | {"_dir": str(runs[-1])}


def _normalised(path: Path, run_id: str) -> bytes:
    """A report file's bytes with the run's id taken out (the only thing that differs between identical runs)."""
    return path.read_bytes().replace(run_id.encode(), b"<lauf>")


def _changes(before: dict, after: dict) -> tuple[int, int, int]:
    """Reports recomputed, reports whose output changed, and recomputed ones that came out identical, between two
    runs' manifests (output: the HTML and table files, run ids aside; notebooks and PDFs carry timestamps)."""
    old = {(e["folder"], e["notebook"]): e for e in before["reports"]}
    recomputed = changed = 0
    for entry in after["reports"]:
        earlier = old.get((entry["folder"], entry["notebook"]))
        if not entry.get("reused_from"):
            recomputed += 1
        if earlier is None:
            changed += 1
            continue
        names = sorted(n for n in set(entry.get("files", {})) | set(earlier.get("files", {}))
                       if not n.endswith((".ipynb", ".pdf")))
        same = all((Path(before["_dir"]) / n).is_file() and (Path(after["_dir"]) / n).is_file()
                   and _normalised(Path(before["_dir"]) / n, before["run_id"])
                   == _normalised(Path(after["_dir"]) / n, after["run_id"]) for n in names)
        changed += not same
    return recomputed, changed, recomputed - changed


KALK = "name: Kalk\n    stadtbezirk: 8\n    since: 2020\n    stadtteile: [802]"
EDITS = [("run.yml", "elevated_ratio: 1.25", "elevated_ratio: 1.2",
          "run.yml analysis.handlungsbedarf.elevated_ratio 1,25 → 1,2"),
         ("areas.yml", KALK, KALK.replace("[802]", "[802, 806]"), "areas.yml Kalk: Stadtteile [802] → [802, 806]"),
         ("areas.yml", KALK, KALK.replace("since: 2020", "since: 2019"), "areas.yml Kalk: since 2020 → 2019")]
"""The edits of issue #31, each on the copy of the parameters (and taken back after its re-run): the threshold of
the Handlungsbedarf, and Kalk's definition (its Stadtteile; its programme start)."""


def _measured_row(label: str, command: list[str], env: dict, outputs: Path, previous: dict | None) -> tuple:
    """One re-run: (label, reports recomputed, reports whose output changed, measurement); the newest manifest."""
    row = measure(command, env)
    current = _latest_manifest(outputs)
    recomputed, changed, _ = _changes(previous, current) if previous else (len(current["reports"]),) * 3
    print(f"{label}: {recomputed} recomputed, {changed} changed, {row}", flush=True)
    return (label, recomputed, changed, row), current


def incremental() -> None:
    """Issue #31: a cold run, unchanged re-runs (the whole run and ``--areas kalk``, each twice in a row), then the
    edits of :data:`EDITS`, each on a copy of the parameters and re-run into the same outputs folder: reports
    recomputed against reports whose output changed, wall and CPU time (the CPU time of the process tree,
    ``getrusage`` of the children: the machine may be shared). Last ``veedel vergleiche`` of the cold run and the
    threshold's run (two runs of every report). HTML only (the PDF step would only add Chromium time per recomputed
    report). Writes the section :data:`INCREMENTAL` of ``results.md``."""
    cache = Path(tempfile.mkdtemp(prefix="veedel-bench-cache-"))
    env = {"VEEDEL_CACHE": str(cache)}
    os.environ.update(env)
    work = Path(tempfile.mkdtemp(prefix="veedel-bench-incremental-"))
    data_dir, parameters, outputs = work / "data", work / "parameters", work / "outputs"
    shutil.copytree(ROOT / "parameters", parameters)
    subprocess.run([str(BIN / "veedel"), "demo-data", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    veedel = [str(BIN / "veedel"), "--parameters", str(parameters), "run", "--data", str(data_dir),
              "--formats", "html", "--outputs", str(outputs)]
    rows = []
    row, current = _measured_row("kalter Lauf", veedel, env, outputs, None)
    rows.append(row)
    cold = current
    for label, command in (("nichts geändert", veedel), ("nichts geändert, noch einmal", veedel),
                           ("nichts geändert, --areas kalk", [*veedel, "--areas", "kalk"]),
                           ("nichts geändert, --areas kalk, noch einmal", [*veedel, "--areas", "kalk"])):
        row, latest = _measured_row(label, command, env, outputs, current)
        rows.append(row)
        if "--areas" not in command:
            current = latest
    changed_runs = {}
    for name, old, new, label in EDITS:
        file = parameters / name
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} nicht in {name}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        row, edited = _measured_row(label, veedel, env, outputs, current)
        rows.append(row)
        changed_runs[label] = edited
        file.write_text(text, encoding="utf-8")
        row, current = _measured_row(f"{label}, zurückgenommen", veedel, env, outputs, edited)
        rows.append(row)
    threshold = changed_runs[EDITS[0][3]]
    compare = measure([str(BIN / "veedel"), "vergleiche", cold["_dir"], threshold["_dir"], "--out",
                       str(work / "vergleich"), "--formats", "csv,html"], env)
    print(f"vergleiche: {compare}", flush=True)
    lines = ["", f"Gemessen {_dt.datetime.now():%Y-%m-%d %H:%M} mit `python benchmarks/bench.py --incremental` auf "
             f"einer Kopie der Parameter und den Demodaten ({os.cpu_count()} Kerne, nur HTML, "
             f"Last beim Start {os.getloadavg()[0]:.1f}). Jede Zeile ist ein Neulauf in denselben Ausgabeordner nach "
             "der genannten Änderung; „geändert“: Berichte, deren HTML oder Tabellen (Lauf-Kennung ausgenommen) sich "
             "gegenüber dem vorigen Lauf unterscheiden. CPU: Prozessorzeit des Laufs mit allen Kindprozessen "
             "(getrusage), auf der geteilten Maschine aussagekräftiger als die Wandzeit. Ziel: neu berechnet = "
             "geändert; ein unveränderter Neulauf höchstens 2 s; `veedel vergleiche` zweier vollständiger Läufe "
             "höchstens 10 s.", "",
             "| Änderung | Berichte neu berechnet | davon Ausgabe geändert | Wand (s) | CPU (s) | Exit |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, recomputed, changed, row in rows:
        lines.append(f"| {label} | {recomputed} | {changed} | {row['wall_s']:.1f} | {row['cpu_s']:.1f} | "
                     f"{row['exit']} |")
    unchanged = [row for label, _, _, row in rows if label.startswith("nichts geändert")]
    worst = max(r["wall_s"] for r in unchanged)  # the target holds only if every unchanged re-run meets it
    walls = ", ".join(f"{r['wall_s']:.2f}" for r in unchanged)
    cpus = ", ".join(f"{r['cpu_s']:.2f}" for r in unchanged)
    lines += ["", f"Unveränderter Neulauf: {walls} s Wand, {cpus} s CPU (Ziel ≤ 2 s: "
                  f"{'erfüllt' if worst <= 2 else 'verfehlt'}).",
              f"`veedel vergleiche` kalter Lauf → Lauf mit geänderter Schwelle ({len(cold['reports'])} Berichte je "
              f"Lauf): {compare['wall_s']:.1f} s Wand, {compare['cpu_s']:.1f} s CPU, Exit {compare['exit']} (Ziel "
              f"≤ 10 s: {'erfüllt' if compare['wall_s'] <= 10 else 'verfehlt'}).", ""]
    _write_section(INCREMENTAL, lines)
    print("\n".join([INCREMENTAL, *lines]))


if __name__ == "__main__":
    main()
