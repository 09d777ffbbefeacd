"""The resolved run specification (issue #30, item 1): one function turns run.yml, the options and the data into a
frozen specification; ``veedel run`` writes it into the run's inputs, the kernels read only it, and the CLI, a
notebook opened without ``veedel run`` and the in-process floor resolve the same facts from the same inputs."""

from __future__ import annotations

import builtins
import io
import json
import pathlib
import shutil

import pydantic
import pytest
from conftest import PARAMETERS

from veedel_lib import cli
from veedel_lib.errors import ConfigurationError, DataValidationError
from veedel_lib.params.run_config import RunConfig, load_run_config
from veedel_lib.params.run_spec import (
    SPEC_FILE,
    RunOptions,
    apply_options,
    place_id,
    read_spec,
    resolve_run,
    write_spec,
)
from veedel_lib.reports import registry
from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis
from veedel_lib.run import floor, runner
from veedel_lib.run.archive import reproduced_config
from veedel_lib.run.execution import kernel_parameters


def _inputs(tmp_path: pathlib.Path) -> pathlib.Path:
    """A run-like ``inputs/`` folder with a copy of the project's parameters (the data stay the demo data)."""
    inputs = tmp_path / "lauf" / "inputs"
    shutil.copytree(PARAMETERS, inputs / "parameters")
    return inputs


def _spec(demo, inputs: pathlib.Path, config: RunConfig | None = None, areas=("kalk", "bilderstoeckchen")):
    config = config or load_run_config(inputs / "parameters" / "run.yml")
    return floor.resolve(config, demo, RunOptions(areas=areas), parameters=inputs / "parameters",
                         data_folder=demo.data_dir)


def test_the_run_specification_round_trips_through_its_json_file_and_is_frozen(demo, tmp_path):
    inputs = _inputs(tmp_path)
    spec = _spec(demo, inputs)
    path = write_spec(spec, inputs / SPEC_FILE)
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["parameters_dir"] == "parameters"  # inside the run folder: relative, so a moved run still works
    assert read_spec(path) == spec.model_copy(update={"parameters_dir": str(inputs / "parameters")})
    assert [p.id for p in spec.places] == ["kalk", "bilderstoeckchen", "bezirk-5", "bezirk-8", "programm"]
    assert spec.areas[0].id == "kalk" and spec.areas[0].units == tuple(demo.membership.units_of("kalk"))
    with pytest.raises(pydantic.ValidationError):
        spec.year = 1999
    with pytest.raises(pydantic.ValidationError):
        spec.analysis.confidence_level = 0.5  # the settings inside are frozen too


def test_a_report_computed_from_its_run_specification_never_opens_run_yml(demo, tmp_path, monkeypatch):
    """The kernel's way: the report opened from the run's specification file and every section computed, while
    every file opened is recorded; run.yml is not among them (the settings come from the specification)."""
    inputs = _inputs(tmp_path)
    spec_file = write_spec(_spec(demo, inputs), inputs / SPEC_FILE)
    opened: list[str] = []
    real_open, real_path_open = builtins.open, pathlib.Path.open

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def recording_path_open(self, *args, **kwargs):
        opened.append(str(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(pathlib.Path, "open", recording_path_open)
    analysis = AreaAnalysis.open("kalk", run_spec=str(spec_file), dataset=demo)
    floor._show(floor.SilentReport(), analysis)
    monkeypatch.undo()
    assert str(spec_file) in opened and any(name.endswith("areas.yml") or "qualitative" in name for name in opened)
    assert [name for name in opened if pathlib.Path(name).name == "run.yml"] == []


def test_a_task_of_a_planned_run_gives_its_kernel_only_the_specification_the_place_and_the_tables_folder(
        demo, tmp_path):
    inputs = _inputs(tmp_path)
    spec = _spec(demo, inputs, RunConfig(reports=["sozialraumgebietsanalyse", "bezirksbericht", "jahresbericht"]))
    tasks = runner.plan(spec, inputs.parent)
    wanted = {"area_id", "year", "baseline_year", "data_dir", "parameters_dir", "tables_dir", "run_spec"}
    given = [kernel_parameters(task, wanted) for task in tasks]
    assert [sorted(g) for g in given] == [["area_id", "run_spec", "tables_dir"]] * 4 + [["run_spec", "tables_dir"]]
    assert {g["run_spec"] for g in given} == {str(inputs / SPEC_FILE)}
    assert [task.key for task in tasks] == ["kalk/sozialraumgebietsanalyse", "bilderstoeckchen/sozialraumgebietsanalyse",
                                            "bezirk-5/bezirksbericht", "bezirk-8/bezirksbericht",
                                            "programm/jahresbericht"]
    assert place_id("bezirk", 5) == tasks[2].area_id and tasks[2].folder == "reports/bezirk-5"


class _Prepared(Exception):
    """Raised by the stand-in for the run's execution: the run stops once its inputs are written."""


def test_the_cli_a_notebook_without_the_cli_and_the_floor_resolve_the_same_specification(demo, tmp_path, monkeypatch):
    """``veedel run`` (stopped after it wrote the run's inputs), a notebook opened in JupyterLab or by papermill
    without ``veedel run`` (its specification resolved from the parameters folder) and the in-process floor, on the
    same inputs: the same year, baseline, settings, data years, places and area definitions."""
    from veedel_lib.reports import base

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    run_file = parameters / "run.yml"
    run_file.write_text(run_file.read_text(encoding="utf-8").replace("elevated_ratio: 1.25", "elevated_ratio: 1.3"),
                        encoding="utf-8")

    def stop_before_running(prepared, *args, **kwargs):
        raise _Prepared(prepared)

    monkeypatch.setattr(runner, "_execute_run", stop_before_running)
    with pytest.raises(_Prepared) as stopped:
        cli.main(["--parameters", str(parameters), "run", "--areas", "kalk", "--year", "2023", "--formats", "html",
                  "--outputs", str(tmp_path / "outputs"), "--jobs", "1"])
    prepared = stopped.value.args[0]
    from_cli = read_spec(prepared.run_dir / "inputs" / SPEC_FILE)
    assert f"inputs/{SPEC_FILE}" in prepared.manifest["inputs"]  # hashed and listed like every input
    config = load_run_config(run_file).model_copy(update={"formats": ["html"]})
    from_floor = floor.run_spec(demo, config, 2023, ["kalk"], parameters)
    folders = {"data_folder", "parameters_dir"}
    assert from_cli.model_dump(exclude=folders) == from_floor.model_dump(exclude=folders)
    assert from_cli.analysis.handlungsbedarf.elevated_ratio == 1.3 and from_cli.year == 2023

    resolved = []

    def recording_resolve_run(*args, **kwargs):
        resolved.append(resolve_run(*args, **kwargs))
        return resolved[-1]

    monkeypatch.setattr(base, "resolve_run", recording_resolve_run)
    notebook = AreaAnalysis.open("kalk", year=2023, parameters_dir=parameters, dataset=demo)
    (from_notebook,) = resolved
    same = {"year", "baseline_year", "data_years", "analysis", "data_dir", "source", "previous_run", "areas"}
    assert from_notebook.model_dump(include=same) == from_cli.model_dump(include=same)
    assert from_notebook.places == (from_cli.place("area", "kalk"),)
    assert notebook.settings == from_cli.analysis and notebook.year == 2023


@pytest.mark.parametrize("options, message", [
    (RunOptions(formats=("docx",)), "Unbekanntes Ausgabeformat 'docx' (möglich: html, pdf)."),
    (RunOptions(formats=()), "--formats ohne Format (möglich: html, pdf)."),
    (RunOptions(source="koeln"), "--source koeln braucht --data mit dem Ordner der offenen Daten der Stadt Köln."),
    (RunOptions(previous_run="/gibt/es/nicht"), "Lauf oder Archiv des Vorjahres nicht gefunden"),
    (RunOptions(areas=("kalk", "nirgendwo")), "Unbekanntes Sozialraumgebiet 'nirgendwo'"),
    (RunOptions(year=2031), "Für 2031 liegen keine Daten vor (vorhanden: 2012 bis 2024)."),
    (RunOptions(single=True, place="42"), "Unbekanntes Sozialraumgebiet '42'"),
])
def test_bad_run_options_are_one_german_error_naming_the_value(demo, options, message):
    with pytest.raises(ConfigurationError) as error:
        resolve_run(RunConfig(), options, demo, [AreaAnalysis], parameters=PARAMETERS)
    assert message in str(error.value)


def test_a_single_report_that_needs_the_baseline_refuses_a_baseline_outside_the_data(demo):
    with pytest.raises(ConfigurationError, match="Das Basisjahr 2030 muss nach dem ersten Datenjahr 2012 und vor dem "
                                                 "Berichtsjahr 2024 liegen."):
        resolve_run(RunConfig(), RunOptions(single=True, place="kalk", baseline_year=2030), demo,
                    [registry.get("evaluation")], parameters=PARAMETERS)
    with pytest.raises(ConfigurationError, match="Unbekannter Stadtbezirk '42' \\(1 bis 9\\)"):
        resolve_run(RunConfig(), RunOptions(single=True, place="42"), demo, [registry.get("bezirksbericht")],
                    parameters=PARAMETERS)


@pytest.mark.parametrize("content, message", [
    ("{ kaputt", "keine gültige Laufspezifikation (JSON)"),
    ('{"version": 99, "year": 2024}', "Laufspezifikation der Version 99, erwartet 1"),
    ('{"version": 1, "year": "zweitausend"}', "'year'"),
])
def test_a_damaged_specification_file_is_a_german_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / SPEC_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises((ConfigurationError, DataValidationError)) as error:
        read_spec(path)
    assert path.name in str(error.value) and message in str(error.value)
    with pytest.raises(ConfigurationError, match="Laufspezifikation nicht gefunden"):
        read_spec(tmp_path / "fehlt.json")


def test_reproduce_resolves_an_archive_without_a_specification_from_its_archived_run_yml(demo, tmp_path):
    """An archive made before runs carried run_spec.json: its run.yml (here with a changed threshold and a Dask
    scheduler) and its manifest's year, baseline and reports make the specification; it runs here, tables only."""
    inputs = _inputs(tmp_path)
    run_file = inputs / "parameters" / "run.yml"
    run_file.write_text(run_file.read_text(encoding="utf-8").replace("elevated_ratio: 1.25", "elevated_ratio: 1.4")
                        + "executor: dask\nscheduler: tcp://archiviert:8786\n", encoding="utf-8")
    recorded = {"year": 2023, "baseline_year": 2019, "reports": ["sozialraumgebietsanalyse"], "areas": ["kalk"]}
    config = reproduced_config(inputs, recorded)
    assert (config.executor, config.scheduler, config.formats, config.previous_run) == ("local", None, [], None)
    spec = floor.resolve(config, demo, RunOptions(areas=("kalk",)), parameters=inputs / "parameters")
    assert spec.analysis.handlungsbedarf.elevated_ratio == 1.4
    assert (spec.year, spec.baseline_year, spec.reports, spec.formats) == (2023, 2019, ("sozialraumgebietsanalyse",), ())
