"""Other cities' data as they publish them (issue #32, item 2): names that repeat within a level, indicators given
only as published rates, the index's dynamics from published changes, and a programme without areas yet."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import PARAMETERS, write

from veedel_lib.errors import DataValidationError

# ----------------------------------------------------------------------------- a programme without areas


def _without_areas(folder: Path) -> Path:
    """A copy of the project's parameters whose areas.yml lists no area (and whose targets name none)."""
    parameters = folder / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    (parameters / "areas.yml").write_text("areas: []\n", encoding="utf-8")
    targets = (parameters / "targets.yml").read_text(encoding="utf-8")
    (parameters / "targets.yml").write_text(targets[:targets.index("\nareas:")] + "\nareas: {}\n", encoding="utf-8")
    return parameters


def test_an_areas_file_with_an_empty_list_is_accepted_as_a_programme_without_areas(tmp_path):
    from veedel_lib.params.areas import load_areas

    definitions = load_areas(write(tmp_path / "areas.yml", "areas: []\n"))
    assert definitions.ids == [] and definitions.areas == [] and definitions.broken == ()


def test_a_run_without_areas_plans_only_the_sozialindex_and_names_every_skipped_report(small_data, tmp_path,
                                                                                         monkeypatch):
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner

    parameters = _without_areas(tmp_path)
    prepared = []
    monkeypatch.setattr(runner, "_execute_run", lambda plan, *args: prepared.append(plan) or runner.RunSummary(
        plan.run_dir, []))
    config = load_run_config(parameters / "run.yml").model_copy(update={"data_dir": str(small_data)})
    runner.run(config, outputs=tmp_path / "outputs", parameters=parameters, jobs=1)
    plan = prepared[0]
    assert [(task.notebook, task.area_id) for task in plan.tasks] == [("sozialindex", None)]
    notes = plan.manifest["notes"]
    assert any(note.startswith("Kein Sozialraumgebiet konfiguriert (areas.yml: areas: [])") for note in notes)
    assert "Jahresbericht übersprungen: braucht mindestens ein Sozialraumgebiet" in notes
    assert "Sozialraumgebietsanalyse übersprungen: braucht mindestens ein Sozialraumgebiet" in notes
    assert plan.manifest["parameters"]["reports"] == ["sozialindex"]


def test_the_sozialindex_without_areas_ranks_the_city_and_says_that_no_area_is_configured(demo, tmp_path):
    from veedel_lib.params.areas import load_areas, resolve_membership
    from veedel_lib.reports.sozialindex import SozialindexReport
    from veedel_lib.run.floor import SilentReport

    parameters = _without_areas(tmp_path)
    areas = load_areas(parameters / "areas.yml", demo.spatial)
    dataset = replace(demo, areas=areas, membership=resolve_membership(areas, demo.units, demo.spatial), cache={})
    index = SozialindexReport.open(parameters_dir=parameters, dataset=dataset)
    silent = SilentReport()
    for section in ("method", "status_dynamics", "class_table", "areas"):
        silent.show(getattr(index, section)())
    assert index.index.table["status_index"].notna().sum() > 80
    assert "kein Sozialraumgebiet konfiguriert" in index.areas()[0].markdown
