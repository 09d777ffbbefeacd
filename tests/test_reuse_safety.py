"""Safety of reuse (issue #31): after a typical edit, every report whose run key stays the same (and that an
incremental run would therefore take over from the earlier run) comes out byte-identical when computed cold on the
edited inputs; every report whose key changes is recomputed, which is safe by construction.

The reports are computed in process by the floor (:func:`veedel_lib.run.floor.rendered_report`: the title page,
every table as HTML and every figure as SVG, exactly what the notebooks show), not by kernels; the keys are the
runner's own (:func:`veedel_lib.run.cache.report_key`) over a run-like ``inputs/`` folder per state. A small run:
Kalk's reports, Humboldt/Gremberg's analysis (both in Stadtbezirk 8), the Bezirksbericht 8, Jahresbericht and
Sozialindex. The data stay fixed when areas.yml changes (as with the city's data; the demo statistics do not depend on
areas.yml either, see ``veedel_lib.demo.generator.PROGRAMME_AREAS``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import PARAMETERS

from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.params.run_config import RunConfig
from veedel_lib.reports import registry
from veedel_lib.run import cache
from veedel_lib.run.floor import rendered_report
from veedel_lib.run.manifest import hash_tree

pytestmark = pytest.mark.slow

REPORTS = [("sozialraumgebietsanalyse", "kalk"), ("sozialraumgebietsplan", "kalk"), ("evaluation", "kalk"),
           ("sozialraumgebietsanalyse", "humboldt-gremberg"), ("bezirksbericht", "8"), ("jahresbericht", None),
           ("sozialindex", None)]
"""The reports of the small run: (notebook, place). One of each kind whose key is narrower than "everything" (the
Programmevaluation declares what the Jahresbericht does and costs the most: left out to keep the test short)."""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _set_cell(path: Path, sheet: str, column: str, value) -> None:
    """Write ``value`` into the first data row's ``column`` (by header) of ``sheet`` of a workbook."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    header = next(row for row in table.iter_rows(min_row=1, max_row=5, values_only=False)
                  if any(cell.value == column for cell in row))
    cell = next(cell for cell in header if cell.value == column)
    table.cell(row=cell.row + 1, column=cell.column, value=value)
    book.save(path)


def _statistics(inputs: Path) -> None:
    """One value of one unit and year: the first count of the statistics plus one."""
    path = inputs / "data" / "statistics.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    unit, year, variable, count = lines[1].rstrip("\n").split(";")
    lines[1] = f"{unit};{year};{variable};{int(count) + 1}\n"
    path.write_text("".join(lines), encoding="utf-8")


EDITS = {
    "threshold run.yml analysis.handlungsbedarf.elevated_ratio 1.25 -> 1.2":
        lambda i: _replace(i / "parameters" / "run.yml", "elevated_ratio: 1.25", "elevated_ratio: 1.2"),
    "area definition areas.yml Kalk since 2020 -> 2019":
        lambda i: _replace(i / "parameters" / "areas.yml", "name: Kalk\n    stadtbezirk: 8\n    since: 2020",
                           "name: Kalk\n    stadtbezirk: 8\n    since: 2019"),
    "another area's definition areas.yml Meschenich/Rondorf without Stadtteil 206":
        lambda i: _replace(i / "parameters" / "areas.yml", "stadtteile: [213, 206]", "stadtteile: [213]"),
    "qualitative file qualitative/kalk.md":
        lambda i: _replace(i / "parameters" / "qualitative" / "kalk.md", "\n",
                           "\n\nErgänzung der Sozialraumkoordination: ein neuer Treffpunkt am Bahnhof.\n"),
    "one value of one unit and year (statistics.csv)": _statistics,
    "plan workbook plaene/kalk.xlsx": lambda i: _set_cell(i / "data" / "plaene" / "kalk.xlsx", "Maßnahmen",
                                                           "Titel", "Stadtteilmütter Kalk (erweitert)"),
    "Kernprozess workbook dokumentation/kalk.xlsx":
        lambda i: _set_cell(i / "data" / "dokumentation" / "kalk.xlsx", "Themen", "Status",
                            "in Bearbeitung"),
    "indicator label indicators.yml":
        lambda i: _replace(i / "parameters" / "indicators.yml", "label: Einwohner*innen,", "label: Einwohnende,"),
}
"""The typical edits of a planner's year, each applied to a copy of the base state's ``inputs/``."""

EXPECTED_REUSED = {
    "threshold run.yml analysis.handlungsbedarf.elevated_ratio 1.25 -> 1.2": {
        ("evaluation", "kalk"), ("bezirksbericht", "8"), ("jahresbericht", None), ("sozialindex", None)},
    "another area's definition areas.yml Meschenich/Rondorf without Stadtteil 206": {
        ("sozialraumgebietsanalyse", "kalk"), ("sozialraumgebietsplan", "kalk"),
        ("sozialraumgebietsanalyse", "humboldt-gremberg")},
    "plan workbook plaene/kalk.xlsx": {("sozialraumgebietsanalyse", "humboldt-gremberg"), ("sozialindex", None)},
    "Kernprozess workbook dokumentation/kalk.xlsx": {("sozialraumgebietsanalyse", "humboldt-gremberg"),
                                                     ("sozialindex", None)},
}
"""Reports an edit must not recompute, by the declarations (a Bezirksbericht shows verdicts without the threshold and
reads only its Stadtbezirk's areas' workbooks, but its goals' effects compare with the city without every area's units,
as the evaluation does; the Sozialindex reads no workbook); the test also computes them cold."""


def _keys(state: Path, year: int) -> dict[tuple[str, str | None], str]:
    """The run key of every report of the small run for the state's ``inputs/`` (as the runner computes it)."""
    hashes = {f"inputs/{k}": v for k, v in hash_tree(state / "inputs").items()}
    keys = {}
    for notebook, place in REPORTS:
        task_place = f"bezirk-{place}" if notebook == "bezirksbericht" else place
        parameters = {"year": year, "area_id": task_place}
        keys[notebook, place] = cache.report_key(registry.get(notebook), parameters, task_place, ["html"], hashes,
                                                 state)
    return keys


_datasets: dict[Path, object] = {}


def _dataset(state: Path):
    """The state's dataset, loaded once (a state is never edited after it is first read)."""
    if state not in _datasets:
        _datasets[state] = load_dataset(state / "inputs" / "data", state / "inputs" / "parameters")
    return _datasets[state]


def _render(state: Path, notebook: str, place: str | None) -> str:
    """One report computed cold on the state's inputs."""
    ds = _dataset(state)
    return rendered_report(ds, notebook, place, ds.latest_year, RunConfig(), state / "inputs" / "parameters")


@pytest.fixture(scope="module")
def reuse_base(tmp_path_factory, demo) -> Path:
    """The base state: a copy of the parameters (fewer placebo draws and Sozialindex bootstrap draws, to keep the
    test affordable; the same rules) and of the demo data, laid out as a run's ``inputs/``."""
    state = tmp_path_factory.mktemp("base")
    shutil.copytree(PARAMETERS, state / "inputs" / "parameters")
    shutil.copytree(demo.data_dir, state / "inputs" / "data")
    _replace(state / "inputs" / "parameters" / "run.yml", "placebo_draws: 400", "placebo_draws: 100")
    _replace(state / "inputs" / "parameters" / "sozialindex.yml", "draws: 200", "draws: 50")
    return state


_cold_before: dict[tuple[str, str | None], str] = {}
"""The base state's reports computed cold, each once (the edits are separate tests, all on one pytest-xdist worker:
``reuse_base`` is one of conftest's shared fixtures, so the base state is made and computed once)."""


@pytest.mark.parametrize("label", list(EDITS))
def test_every_report_an_incremental_run_reuses_after_a_typical_edit_is_identical_to_its_cold_computation(
        reuse_base, tmp_path, label):
    base = reuse_base
    year = _dataset(base).latest_year
    before = _keys(base, year)
    state = tmp_path / "edited"
    shutil.copytree(base / "inputs", state / "inputs")
    EDITS[label](state / "inputs")
    after = _keys(state, year)
    reused = [report for report in REPORTS if after[report] == before[report]]
    for report in reused:
        if report not in _cold_before:
            _cold_before[report] = _render(base, *report)
        assert _render(state, *report) == _cold_before[report], (
            f"{label}: {report} would be taken over from the earlier run, but computed cold on the edited "
            "inputs it differs")
    print(f"\n{label}: {len(REPORTS) - len(reused)} recomputed, {len(reused)} reused")
    assert EXPECTED_REUSED.get(label, set()) <= set(reused), (
        f"{label}: recomputes {sorted(EXPECTED_REUSED[label] - set(reused), key=str)}")
    assert len(reused) < len(REPORTS), f"{label}: no report's key changed, the edit would go unnoticed"
    if "Kalk" in label or "kalk" in label:
        assert reused, "an edit of Kalk recomputed everything"
