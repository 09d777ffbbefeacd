"""Benchmark of large inputs: validate and load a statistics file of about 1.9 million rows (about 55 MB).

The file is realistic in shape: the demo data's statistical units, each split into four or five smaller
units (as a city with block-level data would deliver), all 25 variables of the catalogue, every year from
1975 to the current year (the demo's 13 years repeated; counts divided among the sub-units, so every
numerator stays below its denominator and the file is valid). Elections appear only in their years.

Measured, each in a fresh Python process so that peak memory is the step's own:

  validate   ``load_dataset(folder, use_cache=False)`` - what ``veedel validate`` does;
  first load ``load_dataset(folder)`` with an empty cache: validation plus writing the prepared dataset;
  cached     ``load_dataset(folder)`` again: reading the prepared dataset from the cache;
  report     (with ``--report``) ``veedel analyse kalk --notebooks sozialraumgebietsanalyse --formats html``.

Peak memory is the high-water mark of the process's resident set (``VmHWM``), the interpreter and its
imports included. This is a benchmark, not a test: it asserts nothing and is never run by ``make test``. The
results go to stdout and, under the heading "Große Eingaben", to ``benchmarks/results.md`` (one row per
``--label``, earlier labels kept, so "vorher" and "nachher" stand side by side).

Usage: python benchmarks/large_input.py [--label nachher] [--rows 1900000] [--report] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.md"
HEADING = "## Große Eingaben"
PARAMETERS = ROOT / "parameters"


def generate(folder: Path, rows: int = 1_900_000) -> dict:
    """Write units.csv and statistics.csv with about ``rows`` rows into ``folder``; returns their sizes."""
    import numpy as np
    import pandas as pd

    from veedel_lib.demo.generator import ensure_demo_data
    from veedel_lib.inputs.validation import default_years

    demo = ensure_demo_data(PARAMETERS)
    units = pd.read_csv(demo / "units.csv", sep=";", dtype=str)
    statistics = pd.read_csv(demo / "statistics.csv", sep=";", dtype={"unit": str})
    first, last = default_years()
    years = np.arange(first, last + 1)
    demo_years = np.sort(statistics["year"].unique())
    per_unit_year = len(statistics) / len(units) / len(demo_years)
    split = rows / (len(units) * len(years) * per_unit_year)          # sub-units per demo unit (4 to 5)
    parts = np.where(np.arange(len(units)) < round((split - int(split)) * len(units)), int(split) + 1, int(split))
    sub = units.loc[units.index.repeat(parts)].copy()
    sub["part"] = sub.groupby("unit_id").cumcount()
    sub["parts"] = sub["unit_id"].map(dict(zip(units["unit_id"], parts)))
    sub["new_id"] = sub["unit_id"] + "-" + (sub["part"] + 1).astype(str)
    sub["unit_name"] = sub["unit_name"] + " (Block " + (sub["part"] + 1).astype(str) + ")"
    folder.mkdir(parents=True, exist_ok=True)
    sub[["new_id", "unit_name", "stadtteil", "stadtbezirk"]].rename(columns={"new_id": "unit_id"}).to_csv(
        folder / "units.csv", sep=";", index=False)
    chunks = []
    for year in years:
        source_year = demo_years[(year - first) % len(demo_years)]
        block = statistics[statistics["year"] == source_year]
        merged = block.merge(sub[["unit_id", "new_id", "part", "parts"]], left_on="unit", right_on="unit_id")
        count = pd.to_numeric(merged["count"], errors="coerce")
        share = np.floor(count / merged["parts"])
        share = share + np.where(merged["part"] < count % merged["parts"], 1, 0)   # parts add up to the count
        text = np.where(count.isna(), "*", share.fillna(0).astype("int64").astype(str))
        chunks.append(pd.DataFrame({"unit": merged["new_id"], "year": year, "variable": merged["variable"],
                                    "count": text}))
    long = pd.concat(chunks, ignore_index=True)
    long.to_csv(folder / "statistics.csv", sep=";", index=False)
    return {"rows": len(long), "units": len(sub), "years": len(years),
            "mb": (folder / "statistics.csv").stat().st_size / 1e6}


STEP = """
import json, os, sys, time

def peak_mib():
    # VmHWM: the high-water mark of this process image (ru_maxrss would include the parent's before exec)
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

from veedel_lib.inputs.dataset import load_dataset
imported, cpu = time.perf_counter(), sum(os.times()[:2])
base = peak_mib()
ds = load_dataset(sys.argv[1], sys.argv[2], use_cache=sys.argv[3] == "cache")
done = time.perf_counter()
print(json.dumps({"seconds": done - imported, "cpu_seconds": sum(os.times()[:2]) - cpu, "peak_mib": peak_mib(),
                  "imports_mib": base,
                  "rows": len(ds.statistics), "gaps": len(getattr(ds, "gaps", []))}))
"""


def step(folder: Path, cache: Path, use_cache: bool) -> dict:
    """One load in a fresh process: wall and CPU seconds (after imports) and peak resident memory in MiB.

    The CPU time (user + system) is the steadier figure on a shared machine: other processes lengthen the
    wall time, not the CPU time.
    """
    env = {**os.environ, "VEEDEL_CACHE": str(cache)}
    result = subprocess.run([sys.executable, "-c", STEP, str(folder), str(PARAMETERS),
                             "cache" if use_cache else "nocache"], capture_output=True, text=True, env=env,
                            cwd=ROOT)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "exit code"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(folder: Path, cache: Path, outputs: Path) -> dict:
    """``veedel analyse kalk`` (analysis report, HTML) on the large data: wall time and exit code."""
    env = {**os.environ, "VEEDEL_CACHE": str(cache)}
    start = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).parent / "veedel"), "--parameters", str(PARAMETERS), "analyse",
                             "kalk", "--data", str(folder), "--formats", "html", "--notebooks",
                             "sozialraumgebietsanalyse", "--jobs", "1", "--outputs", str(outputs)],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    return {"seconds": time.perf_counter() - start, "exit": result.returncode}


def cache_size(cache: Path) -> float:
    """Size of the prepared-dataset cache folder in MB."""
    folder = cache / "prepared"
    return sum(p.stat().st_size for p in folder.glob("*") if p.is_file()) / 1e6 if folder.is_dir() else 0.0


def commit() -> str:
    """The checked-out commit of the code measured (short hash), or "–" outside a git checkout."""
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return result.stdout.strip() if result.returncode == 0 else "–"


def write_results(label: str, measured: dict) -> None:
    """Put this label's row into the section "Große Eingaben" of results.md, keeping other labels and sections."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    before, _, rest = text.partition(HEADING)
    previous: dict = {}
    after = ""
    if rest:
        body, marker, after = rest.partition("\n## ")
        after = marker.lstrip("\n") + after if marker else ""
        if "```json" in body:
            previous = json.loads(body.split("```json", 1)[1].split("```", 1)[0])
    previous[label] = measured
    lines = [HEADING, "",
             "Eine Statistikdatei von rund 1,9 Millionen Zeilen (`benchmarks/large_input.py`): die Einheiten der "
             "Demodaten in Blöcke geteilt, alle Variablen, jedes Jahr ab 1975. Jeder Schritt in einem eigenen "
             "Prozess; Spitzenspeicher = größte residente Größe des Prozesses (VmHWM, mit Interpreter und Importen). "
             "Bericht: `veedel analyse kalk --notebooks sozialraumgebietsanalyse --formats html` mit dem vorbereiteten "
             "Datensatz im Cache. Die Maschine (2 Kerne) wird mit anderen geteilt: die CPU-Zeit ist die "
             "verlässlichere Zahl. Ziel: Prüfen unter 15 s und unter 1 GiB.", "",
             "| Stand | Zeilen | MB | Prüfen: Zeit (s) | Prüfen: CPU (s) | Prüfen: Spitze (MiB) | Erstes Laden: "
             "CPU (s) | Erstes Laden: Spitze (MiB) | Aus dem Cache: CPU (s) | Cache (MB) | Bericht ein Gebiet (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in previous.items():
        validate, first, cached = row.get("validate", {}), row.get("first_load", {}), row.get("cached", {})
        report_s = row.get("report", {}).get("seconds")
        cells = [name, f"{row['input']['rows']:,}".replace(",", "."), f"{row['input']['mb']:.0f}",
                 _cell(validate, "seconds"), _cell(validate, "cpu_seconds"), _cell(validate, "peak_mib", 0),
                 _cell(first, "cpu_seconds"), _cell(first, "peak_mib", 0), _cell(cached, "cpu_seconds"),
                 f"{row.get('cache_mb', 0):.0f}",
                 f"{report_s:.0f}" if report_s is not None else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Gemessen: " + ", ".join(f"{name} {row['measured']} (Commit {row.get('commit', '–')})"
                                          for name, row in previous.items()) + ".", "",
              "```json", json.dumps(previous, indent=1), "```", ""]
    section = "\n".join(lines)
    text = (before.rstrip() + "\n\n" if before.strip() else "") + section + ("\n" + after if after else "")
    RESULTS.write_text(text, encoding="utf-8")
    print(section)


def _cell(row: dict, key: str, decimals: int = 1) -> str:
    if "error" in row:
        return "Fehler"
    value = row.get(key)
    return "–" if value is None else f"{value:.{decimals}f}".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="nachher", help="row name in results.md (e.g. vorher, nachher)")
    parser.add_argument("--rows", type=int, default=1_900_000)
    parser.add_argument("--report", action="store_true", help="also time a one-area analysis report")
    parser.add_argument("--keep", help="write the generated data to this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veedel-large-") as temporary:
        work = Path(temporary)
        folder = Path(args.keep) if args.keep else work / "data"
        if not (folder / "statistics.csv").exists():
            info = generate(folder, args.rows)
        else:
            import pandas as pd

            info = {"rows": len(pd.read_csv(folder / "statistics.csv", sep=";", usecols=[0])),
                    "mb": (folder / "statistics.csv").stat().st_size / 1e6}
        print(f"Eingabe: {info}", flush=True)
        cache = work / "cache"
        measured = {"measured": f"{_dt.datetime.now():%Y-%m-%d %H:%M}", "commit": commit(), "input": info,
                    "validate": step(folder, cache, use_cache=False)}
        print(f"Prüfen: {measured['validate']}", flush=True)
        measured["first_load"] = step(folder, cache, use_cache=True)
        print(f"Erstes Laden: {measured['first_load']}", flush=True)
        measured["cached"] = step(folder, cache, use_cache=True)
        print(f"Aus dem Cache: {measured['cached']}", flush=True)
        measured["cache_mb"] = cache_size(cache)
        if args.report:
            measured["report"] = report(folder, cache, work / "outputs")
            print(f"Bericht: {measured['report']}", flush=True)
    write_results(args.label, measured)


if __name__ == "__main__":
    main()
