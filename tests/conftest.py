"""Shared fixtures: an isolated cache folder, the demo dataset, small hand-made datasets, the real data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# pytest-xdist runs one test process per core: each keeps one BLAS thread, like the kernels of a run (see
# veedel_lib.run.runner._share_cores). OpenBLAS's busy-waiting threads of two processes otherwise fight over two
# cores and the evaluation's matrix work takes five to ten times as long. Set before numpy is first imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent.parent
PARAMETERS = ROOT / "parameters"
KOELN = Path(os.environ.get("VEEDEL_KOELN_DATA", ROOT.parent / "shared" / "data" / "koeln"))


SHARED_RUNS = ("demo_run", "two_variants", "executed", "converted", "full_conversion", "no_effect", "thin_data",
               "small_count_run", "other_city", "reuse_base", "two_small_runs")
"""Fixtures that execute whole runs, convert the city's folder or generate a data set of their own (session- or
module-scoped, each a few seconds or more): the tests using one of them stay on one pytest-xdist worker, so it is
made once (a module fixture is otherwise made on each worker that gets one of its tests: the two disclosure runs
took 2 x 140 s, the evaluation's data set without effects and test_publish's executed notebook 2 x 3-4 s). A test
using several goes with the first of them here (test_publish's ``converted`` is made from its ``executed``)."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests using a shared run go to one xdist group (``make test`` runs ``pytest -n <cores + 1> --dist loadgroup``).

    First among the hooks: pytest-xdist reads the groups in its own hook of the same name, which otherwise ran
    before this one and found no group (the demo run was made on both workers)."""
    for item in items:
        shared = [name for name in SHARED_RUNS if name in getattr(item, "fixturenames", ())]
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))
    longest_first(items)


def longest_first(items: list) -> None:
    """Modules with slow tests (runs, browsers) first, each module's tests kept together and in order: the two
    workers then end on short tests instead of one of them finishing a run alone."""
    slow_modules = {item.module for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module not in slow_modules)  # a stable sort


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Demo data and prepared datasets go to a per-session folder, not the user's cache."""
    folder = tmp_path_factory.mktemp("veedel-cache")
    previous = os.environ.get("VEEDEL_CACHE")
    os.environ["VEEDEL_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("VEEDEL_CACHE", None)
    else:
        os.environ["VEEDEL_CACHE"] = previous


@pytest.fixture(autouse=True)
def no_figure_left_open():
    """After each test, pyplot's figures are closed: a chart drawn but never rendered (the renderer closes its
    figure) would stay open for the rest of the worker, and pyplot warns from 21 open figures on."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # only where a test has drawn: no import for the others
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture(scope="session")
def demo():
    """The embedded demo dataset, validated."""
    from veedel_lib.demo.generator import ensure_demo_data
    from veedel_lib.inputs.dataset import load_dataset

    return load_dataset("demo", PARAMETERS, demo=ensure_demo_data)


@pytest.fixture(scope="session")
def koeln_dir() -> Path:
    """The city's open data folder; tests that need it skip with the reason when it is absent."""
    if not KOELN.is_dir():
        pytest.skip(f"Offene Daten der Stadt Köln nicht vorhanden ({KOELN}); Test braucht ../shared/data/koeln")
    return KOELN


@pytest.fixture
def monitor_calls(monkeypatch):
    """``monitor_calls(owner, name)`` wraps ``owner.name`` for the test and returns the list of its calls' arguments
    (for tests that count how often something expensive is done)."""
    def monitor(owner, name: str) -> list:
        calls, original = [], getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append((args, kwargs))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
        return calls

    return monitor


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a small input file for a test (creating folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


UNITS_CSV = """unit_id;unit_name;stadtteil;stadtbezirk
80201;Kalk 1;802;8
80202;Kalk 2;Kalk;Kalk
10101;Altstadt-Süd 1;101;1
"""


def zip_file(target: Path, entries: dict[str, bytes], modes: dict[str, int] | None = None) -> Path:
    """A zip file of exactly these entries (nothing added); ``modes`` gives some of them a Unix mode (e.g. a symbolic
    link or a device)."""
    import stat
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (modes or {}).get(name, stat.S_IFREG | 0o644) << 16
            packed.writestr(info, data)
    return target


def statistics_rows(rows: list[tuple]) -> str:
    """A statistics.csv text from (unit, year, variable, count) tuples."""
    lines = ["unit;year;variable;count"] + [";".join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


VALID_ROWS = [
    ("80201", 2023, "population", 1000), ("80201", 2023, "pop_0_5", 100),
    ("80202", 2023, "population", 200), ("80202", 2023, "pop_0_5", 20),
    ("10101", 2023, "population", 3000), ("10101", 2023, "pop_0_5", 150),
]


@pytest.fixture
def small_data(tmp_path) -> Path:
    """A tiny valid data folder (3 units, 2 variables, 1 year)."""
    folder = tmp_path / "data"
    write(folder / "units.csv", UNITS_CSV)
    write(folder / "statistics.csv", statistics_rows(VALID_ROWS))
    return folder


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """One run on the demo data with HTML and PDF: every notebook of parameters/run.yml, two areas.

    Shared by the archive, accessibility and PDF tests (a run takes about half a minute).
    """
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner

    config = load_run_config(PARAMETERS / "run.yml").model_copy(update={"formats": ["html", "pdf"]})
    outputs = tmp_path_factory.mktemp("outputs")
    summary = runner.run(config, outputs=outputs, parameters=PARAMETERS, areas=["kalk", "bilderstoeckchen"],
                         jobs=2)
    assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
    return summary.run_dir


def tiny_city_files(folder: Path) -> Path:
    """Two Stadtteile of the city's population file (koeln_bevoelkerung_...), as the open-data portal writes it."""
    rows = [("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"), ("2012", "802", "Kalk", "Einwohner", "23000.0")]
    lines = ['"id";"tabelle";"jahr";"raum_id";"raum";"zeile";"zahl"'] + [
        ";".join(f'"{v}"' for v in (f"x{n}", "Einwohner in Köln", *row)) for n, row in enumerate(rows)]
    write(folder / "koeln_bevoelkerung_stadtteile_2005-2012.csv", "\ufeff" + "\n".join(lines) + "\n")
    return folder


@pytest.fixture
def warning_of_the_conversion(monkeypatch):
    """The Köln conversion's summary carries one warning line (``KoelnSummary.warnings``); returns the line."""
    import veedel_lib.inputs.koeln as koeln

    line = "Hinweis aus der Umwandlung: Einwohner 2012 nur für 2 Stadtteile"
    monkeypatch.setattr(koeln.KoelnSummary, "warnings", property(lambda summary: [line]))
    return line
