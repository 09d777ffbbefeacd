"""Benchmark of the full programme run on the demo data (``make bench``).

Three ways to produce the same reports, run alternately (a, b, c, a, b, c, ...):

  (a) naive: the papermill command line once per notebook and area in a shell loop, then
      ``jupyter nbconvert --to html --no-input`` per notebook and ``chromium --print-to-pdf`` per report;
  (b) ``veedel run`` with its defaults (HTML and PDF, one worker per core);
  (c) the floor: the same tables and figures computed by the library in one plain Python process,
      without notebooks, HTML documents or PDF.

For each: wall time, CPU time (user + system of the whole process tree) and peak memory of the process
tree, sampled every 0.1 s: the largest sum of the proportional set sizes (PSS: each page counted once,
shared pages split among the processes sharing them — the memory the run really occupies), and for
comparison the largest plain sum of resident set sizes (RSS, which counts shared libraries, forked
workers' copy-on-write pages and Chromium's shared memory once per process). Then the scale series: the analysis
report for all 86 Stadtteile as areas. Results go to stdout and ``benchmarks/results.md``.

Every measurement records the exit code; a variant or scale run with failed reports is flagged in the
results, since its time would not be the time of a complete run.

Usage: python benchmarks/bench.py [--rounds 2] [--skip-naive] [--skip-scale] [--scale-only]

``--scale-only`` re-measures the scale series alone and keeps the runs (a), (b), (c) of the last
``results.md``, each section with its own date.
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
    """Run a command; wall seconds, CPU seconds of the whole tree, peak memory in MiB, exit code."""
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    with TreeMonitor(process.pid) as monitor:
        _, stderr = process.communicate()
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if process.returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": monitor.peak / 2**20, "peak_rss_sum_mib": monitor.peak_rss / 2**20,
            "exit": process.returncode}


def naive_script(work: Path, data_dir: Path, areas: list[str], area_notebooks: list[str],
                 programme_notebooks: list[str], year: int) -> Path:
    """The shell loop a user would write without veedel: papermill, nbconvert, chromium, one call each."""
    lines = ["#!/usr/bin/env bash", "set -e", f'cd "{ROOT / "notebooks"}"', f'OUT="{work}"', 'mkdir -p "$OUT"']
    common = f'-p data_dir "{data_dir}" -p parameters_dir "{ROOT / "parameters"}" -p year {year}'
    runs = [(nb, area) for area in areas for nb in area_notebooks] + [(nb, None) for nb in programme_notebooks]
    for notebook, area in runs:
        name = f"{notebook}_{area}" if area else notebook
        area_parameter = f" -p area_id {area}" if area else ""
        lines.append(f'"{BIN}/papermill" {notebook}.ipynb "$OUT/{name}.ipynb"{area_parameter} {common} --no-progress-bar')
    for notebook, area in runs:
        name = f"{notebook}_{area}" if area else notebook
        lines.append(f'"{BIN}/jupyter" nbconvert --to html --no-input --log-level ERROR "$OUT/{name}.ipynb"')
        lines.append(f'chromium {" ".join(CHROMIUM_FLAGS)} --print-to-pdf="$OUT/{name}.pdf" '
                     f'"file://$OUT/{name}.html" 2>/dev/null')
    script = work.parent / f"{work.name}.sh"
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    return script


FLOOR = r'''
import os, sys, time
from veedel_lib.params.run_config import load_run_config
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.run import floor
config = load_run_config(sys.argv[2])
ds = load_dataset(sys.argv[1], None)
floor.compute_all(ds, config, int(sys.argv[3]))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the scale series; keep the runs of the last results.md")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.run_config import load_run_config

    cache = Path(tempfile.mkdtemp(prefix="veedel-bench-cache-"))
    env = {"VEEDEL_CACHE": str(cache)}
    os.environ.update(env)
    work = Path(tempfile.mkdtemp(prefix="veedel-bench-"))
    data_dir = work / "data"
    subprocess.run([str(BIN / "veedel"), "demo-data", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    config = load_run_config(ROOT / "parameters" / "run.yml")
    ds = load_dataset(data_dir, ROOT / "parameters")
    year = ds.latest_year
    areas = ds.areas.ids
    from veedel_lib.run.runner import run_reports

    area_notebooks = [c.notebook for c in run_reports(config) if c.scope == "area"]
    programme_notebooks = [c.notebook for c in run_reports(config) if c.scope == "programme"]
    reports = len(areas) * len(area_notebooks) + len(programme_notebooks)
    floor_script = work / "floor.py"
    floor_script.write_text(FLOOR)

    results: dict[str, list[dict]] = {"a": [], "b": [], "c": []}
    runs_measured = f"{_dt.datetime.now():%Y-%m-%d %H:%M}"
    if args.scale_only:
        results, runs_measured = previous_runs()
    for round_number in range(0 if args.scale_only else args.rounds):
        if not args.skip_naive:
            target = work / f"naive-{round_number}"
            script = naive_script(target, data_dir, areas, area_notebooks, programme_notebooks, year)
            results["a"].append(measure(["bash", str(script)], env))
            print(f"round {round_number + 1} (a) naive: {results['a'][-1]}", flush=True)
        outputs = work / f"run-{round_number}"
        results["b"].append(measure([str(BIN / "veedel"), "run", "--data", str(data_dir), "--outputs", str(outputs)],
                                    env))
        print(f"round {round_number + 1} (b) veedel run: {results['b'][-1]}", flush=True)
        results["c"].append(measure([sys.executable, str(floor_script), str(data_dir),
                                     str(ROOT / "parameters" / "run.yml"), str(year)], env))
        print(f"round {round_number + 1} (c) floor: {results['c'][-1]}", flush=True)

    def median(key: str, field: str) -> float:
        values = [r[field] for r in results[key]]
        return statistics.median(values) if values else float("nan")

    scale = None if args.skip_scale else scale_series(work, data_dir, env, config)
    write_results(results, median, reports, len(areas), scale, runs_measured)
    shutil.rmtree(cache, ignore_errors=True)


def scale_series(work: Path, data_dir: Path, env: dict, config) -> dict:
    """Analysis reports for all 86 Stadtteile as areas, against the 15 areas; time per report."""
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
    series = {}
    for label, parameter_dir, count in (("15", ROOT / "parameters", 15), ("86", parameters, 86)):
        config_file = parameter_dir / "run.yml"
        if label == "15":
            config_file = work / "run-15.yml"
            base = yaml.safe_load((ROOT / "parameters" / "run.yml").read_text())
            base.update({"reports": ["sozialraumgebietsanalyse"]})
            config_file.write_text(yaml.safe_dump(base, allow_unicode=True))
        result = measure([str(BIN / "veedel"), "--parameters", str(parameter_dir), "run", "--data", str(data_dir),
                          "--config", str(config_file), "--outputs", str(work / f"scale-{label}")], env)
        result["reports"] = count
        result["per_report_s"] = result["wall_s"] / count
        series[label] = result
        print(f"scale {label} areas: {result}", flush=True)
    return series


RESULTS = ROOT / "benchmarks" / "results.md"
LARGE_INPUTS = "## Große Eingaben"
"""Heading of the section written by ``benchmarks/large_input.py`` (kept when this script rewrites the file)."""


def previous_runs() -> tuple[dict, str]:
    """The raw runs (a), (b), (c) and their date from the last ``results.md``."""
    import re

    text = RESULTS.read_text(encoding="utf-8")
    raw = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    found = re.search(r"Measured (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", text)
    return raw["runs"], raw.get("runs_measured") or (found.group(1) if found else "unknown")


def _failed(rows: list[dict]) -> int:
    return sum(1 for row in rows if row.get("exit") != 0)


def write_results(results: dict, median, reports: int, areas: int, scale: dict | None,
                  runs_measured: str) -> None:
    a, b, c = (median(k, "wall_s") for k in "abc")
    lines = [
        "# Benchmark: full programme run on the demo data",
        "",
        f"Measured {runs_measured} on {os.cpu_count()} cores "
        f"({psutil.virtual_memory().total / 2**30:.0f} GiB RAM), {areas} areas, {reports} reports "
        f"(HTML and PDF), median of {max(len(v) for v in results.values())} alternating rounds.",
        "",
        "| variant | wall time (s) | CPU time (s) | peak memory, PSS (MiB) | peak RSS sum (MiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {"a": "(a) naive: papermill CLI + nbconvert + chromium per report",
             "b": "(b) veedel run (defaults)", "c": "(c) floor: library in one process, no notebooks"}
    for key in "abc":
        if results[key]:
            lines.append(f"| {names[key]} | {median(key, 'wall_s'):.1f} | {median(key, 'cpu_s'):.1f} | "
                         f"{median(key, 'peak_mib'):.0f} | {median(key, 'peak_rss_sum_mib'):.0f} |")
    broken = {key: _failed(rows) for key, rows in results.items() if _failed(rows)}
    if broken:
        lines += ["", "**Not comparable: runs with failed reports: " +
                  ", ".join(f"({key}) {count}" for key, count in broken.items()) + "**"]
    lines += ["", f"- (a)/(b) = {a / b:.2f}" if results['a'] else "- (a) skipped",
              f"- (b)/(c) = {b / c:.2f}",
              "- peak memory: largest sum of PSS over the process tree (shared pages counted once); the RSS "
              "sum counts shared pages once per process and overstates what the run occupies", ""]
    if scale:
        lines += ["## Scale series: analysis report only", "",
                  f"Measured {_dt.datetime.now():%Y-%m-%d %H:%M}.", "",
                  "| areas | reports | all reports ok | wall time (s) | time per report (s) | peak memory (MiB) |",
                  "|---:|---:|:---:|---:|---:|---:|"]
        for label, row in scale.items():
            ok = "yes" if row["exit"] == 0 else "**no** (exit %d)" % row["exit"]
            lines.append(f"| {label} | {row['reports']} | {ok} | {row['wall_s']:.1f} | {row['per_report_s']:.2f} | "
                         f"{row['peak_mib']:.0f} |")
        lines.append("")
    raw = {"runs_measured": runs_measured, "runs": results, "scale": scale}
    lines += ["Raw measurements:", "", "```json", json.dumps(raw, indent=1), "```", ""]
    text = "\n".join(lines)
    large = RESULTS.read_text(encoding="utf-8").partition(LARGE_INPUTS)[2] if RESULTS.exists() else ""
    if large:  # the section of benchmarks/large_input.py is its own: kept as it is
        text += "\n" + LARGE_INPUTS + large
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
