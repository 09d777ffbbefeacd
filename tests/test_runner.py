"""veedel run: all areas in parallel, one failure never stops the others, manifest and portal."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading

import nbformat
import pytest
from conftest import PARAMETERS, ROOT, tiny_city_files

from veedel_lib.params.run_config import RunConfig
from veedel_lib.run import runner


@pytest.fixture
def broken_parameters(tmp_path):
    """The project's parameters with one area (Buchforst/Mülheim-Süd) pointing at a unit that does not exist."""
    target = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, target)
    areas = target / "areas.yml"
    areas.write_text(areas.read_text(encoding="utf-8").replace('units: ["90101"]', 'units: ["99999"]'),
                     encoding="utf-8")
    return target


@pytest.mark.slow
def test_one_broken_area_does_not_stop_the_others(tmp_path, broken_parameters):
    config = RunConfig(reports=["sozialraumgebietsanalyse"], formats=["html"])
    outputs = tmp_path / "outputs"
    seen = []
    summary = runner.run(config, outputs=outputs, parameters=broken_parameters,
                         areas=["kalk", "buchforst-muelheim-sued", "bilderstoeckchen"], jobs=1,
                         progress=seen.append)  # one worker: Buchforst runs in the kernel kalk warmed up
    assert summary.exit_code == 1
    assert len(seen) == 3
    failed = summary.failed
    assert [r.task.area_id for r in failed] == ["buchforst-muelheim-sued"]
    message = runner.describe_failure(failed[0])
    assert "Buchforst/Mülheim-Süd" in message and "sozialraumgebietsanalyse.ipynb" in message
    assert "Zelle" in message and "99999" in message
    # the cell's position in the notebook as committed (not the warm kernel's execution count)
    cells = nbformat.read(str(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb"), as_version=4).cells
    failing = failed[0].error["cell_source"]
    expected = next(i for i, c in enumerate(cells, start=1) if c.source.strip().startswith(failing))
    assert failed[0].error["cell"] == expected and f"Zelle {expected} ({failing})" in message
    for area in ("kalk", "bilderstoeckchen"):
        assert (summary.run_dir / "reports" / area / "sozialraumgebietsanalyse.html").exists()
    assert not (summary.run_dir / "reports" / "buchforst-muelheim-sued" / "sozialraumgebietsanalyse.html").exists()
    assert (summary.run_dir / "reports" / "buchforst-muelheim-sued" / "sozialraumgebietsanalyse.failed.ipynb").exists()

    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["summary"] == {**manifest["summary"], "ok": 2, "failed": 1}
    assert manifest["inputs"]["inputs/data/statistics.csv"]
    assert manifest["environment"]["pandas"]
    statuses = {e["area_id"]: e["status"] for e in manifest["reports"]}
    assert statuses == {"kalk": "ok", "buchforst-muelheim-sued": "failed", "bilderstoeckchen": "ok"}
    portal = (summary.run_dir / "index.html").read_text(encoding="utf-8")
    assert "fehlgeschlagen" in portal and "reports/kalk/sozialraumgebietsanalyse.html" in portal

    # repair the area and re-run only what failed, in the same run folder
    areas = summary.run_dir / "inputs" / "parameters" / "areas.yml"
    areas.write_text(areas.read_text(encoding="utf-8").replace('units: ["99999"]', 'units: ["90101"]'),
                     encoding="utf-8")
    retried = runner.run(config, outputs=outputs, retry_failed=True, jobs=1)
    assert retried.run_dir == summary.run_dir
    assert [r.task.area_id for r in retried.results] == ["buchforst-muelheim-sued"]
    assert retried.exit_code == 0
    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["summary"]["failed"] == 0 and manifest["summary"]["ok"] == 3


def _spec(demo, config: RunConfig, areas: list[str]):
    """The run specification of ``config`` for ``areas`` on the demo data, resolved as ``veedel run`` does."""
    from veedel_lib.params.run_spec import RunOptions, resolve_run

    return resolve_run(config, RunOptions(areas=tuple(areas)), demo, runner.run_reports(config), parameters=PARAMETERS)


def test_run_planning_takes_each_reports_scope_from_the_registry(tmp_path, demo):
    from veedel_lib.errors import ConfigurationError
    from veedel_lib.params.run_config import RunConfig

    config = RunConfig(reports=["themenbewertung", "jahresbericht", "evaluation"])
    tasks = runner.plan(_spec(demo, config, ["kalk", "bilderstoeckchen"]), tmp_path)
    assert [t.key for t in tasks] == ["kalk/themenbewertung", "kalk/evaluation", "bilderstoeckchen/themenbewertung",
                                      "bilderstoeckchen/evaluation", "programm/jahresbericht"]
    assert "themenbewertung" not in [c.notebook for c in runner.run_reports(RunConfig())]  # on demand only
    with pytest.raises(ConfigurationError, match="vorhanden: .*sozialindex"):
        runner.run_reports(RunConfig(reports=["themenbewertungen"]))


@pytest.mark.slow
def test_veedel_run_publishes_an_on_demand_notebook(tmp_path):
    """The Themenbewertung is not in run.yml; ``veedel run --notebooks`` publishes it like any report."""
    from veedel_lib.cli import main

    code = main(["run", "--notebooks", "themenbewertung", "--areas", "kalk", "--formats", "html",
                 "--outputs", str(tmp_path)])
    assert code == 0
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    html = (run_dir / "reports" / "kalk" / "themenbewertung.html").read_text(encoding="utf-8")
    assert "Themenbewertung" in html and "Kinderarmut" in html
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [(e["area_id"], e["notebook"]) for e in manifest["reports"]] == [("kalk", "themenbewertung")]


# ----------------------------------------------------------------------------- threads and forked workers

_THREADS_AT_FORK: list[list[str]] = []
_THREADS_BEFORE: set[threading.Thread] = set()
_RECORDING = threading.Event()


def _our_threads_at_fork() -> None:
    """Before every fork of this process while recording: the names of the threads alive then that were not alive
    before the run (the test runner's own threads are not the run's)."""
    if _RECORDING.is_set():
        _THREADS_AT_FORK.append(sorted(t.name for t in set(threading.enumerate()) - _THREADS_BEFORE))


os.register_at_fork(before=_our_threads_at_fork)


def _failing_task(task, run_dir, formats):
    """A worker's task that fails at once (the run around it is what the test is about)."""
    return runner.TaskResult(task, "failed", 0.0, error=runner.failure_record(RuntimeError("Probe")))


def test_no_thread_of_the_run_is_alive_while_its_workers_are_forked(tmp_path, monkeypatch):
    """A worker forked while the PDF thread imports the browser's modules inherits their import locks, held: its
    first ``import asyncio`` then waits for ever (a whole run hung so in CI). Likewise a worker forked while the
    progress bar's thread writes to the terminal. The workers are forked before any thread of the run starts."""
    from veedel_lib.cli import ProgressPrinter

    monkeypatch.setattr(runner, "execute_task", _failing_task)
    config = RunConfig(reports=["sozialindex"], formats=["html", "pdf"])
    bar = ProgressPrinter()
    _THREADS_AT_FORK.clear()
    _THREADS_BEFORE.clear()
    _THREADS_BEFORE.update(threading.enumerate())
    _RECORDING.set()
    try:
        summary = runner.run(config, outputs=tmp_path, parameters=PARAMETERS, areas=["kalk"], jobs=1,
                             on_plan=bar.on_plan, progress=bar.on_result)
    finally:
        _RECORDING.clear()
        bar.stop()
    assert [r.status for r in summary.results] == ["failed"]
    assert _THREADS_AT_FORK == [[]]
    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["pdf"] == {"status": "ok", "message": "0 PDF-Dateien"}


# ----------------------------------------------------------------------------- checks before anything runs

def _leftovers(outputs):
    """Everything under ``outputs`` that is not a finished run folder (staging folders, lock files, partial files)."""
    return sorted([p.name for p in outputs.iterdir() if p.name.startswith(".")] +
                  [str(p.relative_to(outputs)) for p in outputs.rglob("*") if ".partial" in p.name])


def _skipped_evaluation(**update) -> RunConfig:
    """A run whose only report, the evaluation, is skipped (the baseline lies after the data): nothing executes."""
    return RunConfig(reports=["evaluation"], baseline_year=2030, formats=["html"]).model_copy(update=update)


def test_baseline_gaps_skip_the_evaluation_in_both_directions():
    from veedel_lib.params.run_spec import baseline_gaps
    from veedel_lib.reports import registry

    reports = [registry.get(n) for n in ("sozialraumgebietsanalyse", "evaluation", "jahresbericht")]
    assert baseline_gaps(reports, [2012, 2024], 2024, 2020) == (reports, [])
    kept, notes = baseline_gaps(reports, [2023, 2024], 2024, 2020)
    assert [cls.notebook for cls in kept] == ["sozialraumgebietsanalyse", "jahresbericht"]
    assert notes == ["Evaluation übersprungen: die Daten beginnen 2023, das Basisjahr ist 2020"]
    assert baseline_gaps(reports, [2005, 2012], 2012, 2020)[1] == [
        "Evaluation übersprungen: die Daten enden 2012, das Basisjahr ist 2020"]
    assert baseline_gaps(reports, [2012, 2024], 2019, 2020)[1] == [
        "Evaluation übersprungen: das Berichtsjahr 2019 liegt nicht nach dem Basisjahr 2020"]


def test_evaluation_is_skipped_with_a_note_when_the_data_start_after_the_baseline(tmp_path, demo):
    """Data of two imported years (2023, 2024) cannot carry a baseline of 2020: a note, not 15 failed reports."""
    import pandas as pd

    data = tmp_path / "zwei_jahre"
    data.mkdir()
    shutil.copy(demo.data_dir / "units.csv", data / "units.csv")
    statistics = pd.read_csv(demo.data_dir / "statistics.csv", sep=";", dtype=str)
    statistics[statistics["year"].astype(int) >= 2023].to_csv(data / "statistics.csv", sep=";", index=False)
    planned = []
    summary = runner.run(RunConfig(data_dir=str(data), reports=["evaluation"], formats=["html"]),
                         outputs=tmp_path / "outputs", parameters=PARAMETERS, areas=["kalk"], jobs=1,
                         on_plan=planned.extend)
    assert planned == [] and summary.exit_code == 0
    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["notes"] == ["Evaluation übersprungen: die Daten beginnen 2023, das Basisjahr ist 2020"]
    assert manifest["parameters"]["reports"] == []


def test_a_folder_named_demo_is_not_taken_for_the_demo_data(tmp_path, monkeypatch, small_data):
    from veedel_lib.demo.generator import ensure_demo_data
    from veedel_lib.errors import ConfigurationError
    from veedel_lib.inputs.dataset import load_dataset

    monkeypatch.chdir(tmp_path)
    shutil.copytree(small_data, tmp_path / "demo")
    with pytest.raises(ConfigurationError) as caught:
        load_dataset("demo", PARAMETERS, use_cache=False, demo=ensure_demo_data)
    assert "„./demo“" in str(caught.value) and "umbenennen" in str(caught.value)
    own = load_dataset("./demo", PARAMETERS, use_cache=False, demo=ensure_demo_data)
    assert len(own.units) == 3 and not own.is_demo            # the planner's folder, not the built-in data
    (tmp_path / "demo").rename(tmp_path / "meine_daten")
    assert load_dataset("demo", PARAMETERS, demo=ensure_demo_data).is_demo


def test_two_runs_with_the_same_id_never_share_a_folder(tmp_path, monkeypatch):
    """Two runs started in the same second on the same inputs: two folders, no OSError, no staging left."""
    monkeypatch.setattr(runner, "new_run_id", lambda inputs_hash, now=None: "20260101-120000-abcdef12")
    outputs = tmp_path / "outputs"
    first = runner.run(_skipped_evaluation(), outputs=outputs, parameters=PARAMETERS, areas=["kalk"], jobs=1)
    second = runner.run(_skipped_evaluation(), outputs=outputs, parameters=PARAMETERS, areas=["kalk"], jobs=1)
    assert (first.run_dir.name, second.run_dir.name) == ("20260101-120000-abcdef12", "20260101-120000-abcdef12-2")
    assert json.loads((second.run_dir / "manifest.json").read_text())["run_id"] == second.run_dir.name
    assert _leftovers(outputs) == []
    folder = runner.claim_run_dir(outputs, "20260101-120000-abcdef12")
    assert folder.name.endswith("-3") and folder.is_dir()


def test_errors_in_shared_inputs_stop_the_run_before_anything_runs(tmp_path, demo):
    """Statistics, indicators.yml, targets.yml are shared: one problem list, no report runs, no folder is left."""
    from veedel_lib.errors import DataValidationError

    data = tmp_path / "daten"
    shutil.copytree(demo.data_dir, data)
    with open(data / "statistics.csv", "a", encoding="utf-8") as handle:
        handle.write("80201;2023;population;viele\n")
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    targets = parameters / "targets.yml"
    targets.write_text(targets.read_text(encoding="utf-8") + "\nunbekannt: 1\n", encoding="utf-8")
    outputs = tmp_path / "outputs"
    planned = []
    config = RunConfig(data_dir=str(data), reports=["sozialindex"], formats=["html"])
    with pytest.raises(DataValidationError) as caught:
        runner.run(config, outputs=outputs, parameters=PARAMETERS, areas=["kalk"], jobs=1, on_plan=planned.append)
    assert "statistics.csv" in str(caught.value) and "viele" in str(caught.value)
    with pytest.raises(DataValidationError) as caught:  # valid data, a broken targets.yml
        runner.run(config.model_copy(update={"data_dir": str(demo.data_dir)}), outputs=outputs, parameters=parameters,
                   areas=["kalk"], jobs=1, on_plan=planned.append)
    assert "targets.yml" in str(caught.value) and "unbekannt" in str(caught.value)
    assert planned == [] and list(outputs.iterdir()) == []


def test_koeln_run_names_its_final_paths_and_keeps_the_conversions_warnings(tmp_path, warning_of_the_conversion):
    """umwandlung.txt names files in the run folder (not the deleted staging folder); warnings go to the notes."""
    city = tiny_city_files(tmp_path / "koeln")
    summary = runner.run(RunConfig(source="koeln", data_dir=str(city), reports=["evaluation"], formats=["html"]),
                         outputs=tmp_path / "outputs", parameters=PARAMETERS, areas=["kalk"], jobs=1)
    text = (summary.run_dir / "inputs" / "source" / "umwandlung.txt").read_text(encoding="utf-8")
    assert ".staging" not in text and str(tmp_path) not in text
    assert "Geschrieben: inputs/data/statistics_koeln.csv" in text
    notes = json.loads((summary.run_dir / "manifest.json").read_text())["notes"]
    assert notes == [warning_of_the_conversion, "Evaluation übersprungen: die Daten enden 2012, das Basisjahr "
                                                "ist 2020"]


def test_retry_failed_says_so_when_nothing_is_left(tmp_path):
    summary = runner.run(_skipped_evaluation(), outputs=tmp_path, parameters=PARAMETERS, areas=["kalk"], jobs=1)
    again = runner.run(_skipped_evaluation(), outputs=tmp_path, retry_failed=True)
    assert again.nothing_to_retry and again.run_dir == summary.run_dir and again.results == []


@pytest.mark.slow
def test_parameters_copy_and_relative_paths_are_what_the_notebooks_see(tmp_path, monkeypatch, capsys):
    """``--parameters COPY`` runs with COPY/run.yml, ``--config`` replaces it, and relative paths work in notebooks."""
    from veedel_lib.cli import main

    monkeypatch.chdir(tmp_path)
    shutil.copytree(PARAMETERS, tmp_path / "kopie")
    run_yml = tmp_path / "kopie" / "run.yml"
    # only the Sozialindex (the reports list as it stands in run.yml, whatever reports it names)
    only_index = re.sub(r"^reports:.*?\n(?=\S)", "reports:\n  - sozialindex\n", run_yml.read_text(encoding="utf-8"),
                        count=1, flags=re.S | re.M)
    run_yml.write_text(only_index
                       .replace("formats: [html, pdf]", "formats: [html]")
                       .replace("confidence_level: 0.95", "confidence_level: 0.9"), encoding="utf-8")
    assert main(["--parameters", "kopie", "run", "--outputs", "ausgabe", "--areas", "kalk"]) == 0, capsys.readouterr()
    (run_dir,) = (tmp_path / "ausgabe").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["parameters"]["reports"] == ["sozialindex"] and manifest["parameters"]["formats"] == ["html"]
    assert (run_dir / "inputs" / "parameters" / "run.yml").read_bytes() == run_yml.read_bytes()
    (entry,) = manifest["reports"]
    # the kernel got the run specification, which names the run's own copy of the data and parameters
    assert entry["status"] == "ok" and entry["parameters"]["run_spec"] == str(run_dir / "inputs" / "run_spec.json")
    spec = json.loads((run_dir / "inputs" / "run_spec.json").read_text(encoding="utf-8"))
    assert (run_dir / "inputs" / spec["data_folder"]).resolve() == (run_dir / "inputs" / "data").resolve()
    assert (run_dir / "inputs" / spec["parameters_dir"]).resolve() == (run_dir / "inputs" / "parameters").resolve()
    assert spec["analysis"]["confidence_level"] == 0.9
    assert (run_dir / "reports" / "programm" / "sozialindex.html").exists()

    other = tmp_path / "anders.yml"  # --config wins over COPY/run.yml, for the runner and the notebooks alike
    other.write_text("reports: [evaluation]\nbaseline_year: 2031\nformats: [html]\n", encoding="utf-8")
    assert main(["--parameters", "kopie", "run", "--config", "anders.yml", "--outputs", "zwei"]) == 0
    (run_dir,) = (tmp_path / "zwei").iterdir()
    assert (run_dir / "inputs" / "parameters" / "run.yml").read_bytes() == other.read_bytes()
    assert json.loads((run_dir / "manifest.json").read_text())["parameters"]["baseline_year"] == 2031


@pytest.mark.slow
def test_a_mistake_in_one_areas_definition_fails_only_that_areas_reports(tmp_path):
    """A Stadtteil that does not exist in Kalk's entry of areas.yml: Kalk fails naming the line, the others run."""
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    areas = parameters / "areas.yml"
    text = areas.read_text(encoding="utf-8")
    kalk = text.index("  - id: kalk\n")
    text = text[:kalk] + text[kalk:].replace("stadtteile: [802]", "stadtteile: [802, 999]", 1)
    areas.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "[802, 999]" in row)
    summary = runner.run(RunConfig(reports=["sozialraumgebietsanalyse"], formats=["html"]),
                         outputs=tmp_path / "outputs", parameters=parameters, areas=["kalk", "bilderstoeckchen"],
                         jobs=2)
    assert summary.exit_code == 1
    (failed,) = summary.failed
    assert failed.task.area_id == "kalk"
    message = runner.describe_failure(failed)
    assert message.startswith("Kalk · sozialraumgebietsanalyse.ipynb") and "DataValidationError" in message
    assert f"areas.yml, Zeile {line}, Spalte 'areas[8].stadtteile[1]': Stadtteil 999 gibt es nicht in Köln" in message
    assert (summary.run_dir / "reports" / "bilderstoeckchen" / "sozialraumgebietsanalyse.html").exists()


def test_plan_has_one_bezirksbericht_per_stadtbezirk_of_the_runs_areas(tmp_path, demo):
    """Kalk and Höhenberg/Vingst lie in Bezirk 8, Bilderstöckchen in 5: two Bezirksberichte, in reports/bezirk-<n>,
    with the Bezirk's number as the notebook's area_id; all 15 areas give the 7 Bezirke with programme areas."""
    config = RunConfig(reports=["sozialraumgebietsanalyse", "bezirksbericht", "jahresbericht"])
    tasks = runner.plan(_spec(demo, config, ["kalk", "hoehenberg-vingst", "bilderstoeckchen"]), tmp_path)
    assert [t.key for t in tasks] == ["kalk/sozialraumgebietsanalyse", "hoehenberg-vingst/sozialraumgebietsanalyse",
                                      "bilderstoeckchen/sozialraumgebietsanalyse", "bezirk-5/bezirksbericht",
                                      "bezirk-8/bezirksbericht", "programm/jahresbericht"]
    # the workers start with the long programme-wide and Bezirk reports, so that no worker is left idle at the end
    assert [t.key for t in runner.submission_order(tasks)] == [
        "programm/jahresbericht", "bezirk-5/bezirksbericht", "bezirk-8/bezirksbericht", "kalk/sozialraumgebietsanalyse",
        "hoehenberg-vingst/sozialraumgebietsanalyse", "bilderstoeckchen/sozialraumgebietsanalyse"]
    bezirk = tasks[4]
    assert bezirk.folder == "reports/bezirk-8" and bezirk.parameters["area_id"] == "8"
    assert bezirk.area_name == "Stadtbezirk 8 Kalk"
    assert bezirk.parameters["tables_dir"] == str(tmp_path / "reports" / "bezirk-8" / "tables" / "bezirksbericht")

    tasks = runner.plan(_spec(demo, RunConfig(reports=["bezirksbericht"]), demo.areas.ids), tmp_path)
    assert [t.area_id for t in tasks] == [f"bezirk-{n}" for n in (2, 4, 5, 6, 7, 8, 9)]
