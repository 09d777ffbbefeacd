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


# ----------------------------------------------------------------------------- names that repeat within a level

TWIN_NAMES = """city: Zwillingstadt
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke}
  - {id: quartier, name: Quartier, plural: Quartiere, gender: n}
units:
  bezirk:
    - {key: "01", name: Nord}
    - {key: "02", name: Süd}
    - {key: "03", name: Mitte}
    - {key: "04", name: Mitte}
  quartier:
    - {key: "0101", name: Neustadt, parent: "01"}
    - {key: "0102", name: Hafen, parent: "01"}
    - {key: "0201", name: Neustadt, parent: "02"}
    - {key: "0301", name: Markt, parent: "03"}
    - {key: "0401", name: Markt, parent: "04"}
"""


def _twin_city(folder: Path, units: str, areas: str = "areas: []\n") -> tuple[Path, Path]:
    """Parameters (the project's catalogue, the reference above) and data of a city whose names repeat."""
    parameters = folder / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    write(parameters / "raumbezug.yml", TWIN_NAMES)
    write(parameters / "areas.yml", areas)
    data = folder / "data"
    write(data / "units.csv", "unit_id;unit_name;quartier;bezirk\n" + units)
    ids = [line.split(";")[0] for line in units.strip().splitlines()]
    write(data / "statistics.csv", "unit;year;variable;count\n" + "".join(f"{u};2023;population;{500 + 10 * i}\n"
                                                                       for i, u in enumerate(ids)))
    return data, parameters


def test_names_repeating_in_different_districts_are_accepted_and_shown_with_their_parent(tmp_path):
    from veedel_lib.params.reference import load_reference

    reference = load_reference(write(tmp_path / "raumbezug.yml", TWIN_NAMES))
    quartier, bezirk = reference.base, reference.top
    # parents named alike too (two Bezirke "Mitte"): the key decides
    assert [quartier.name_of(k) for k in quartier.keys()] == [
        "Neustadt (Nord)", "Hafen", "Neustadt (Süd)", "Markt (0301)", "Markt (0401)"]
    assert quartier.label("0201") == "0201 Neustadt (Süd)"
    assert [bezirk.name_of(k) for k in bezirk.keys()] == ["Nord", "Süd", "Mitte (03)", "Mitte (04)"]
    # a key, a unique name and a shown name each name one unit; the shared name alone names none
    assert quartier.resolve("0201") == "0201" and quartier.resolve("Hafen") == "0102"
    assert quartier.resolve("Neustadt (Süd)") == "0201" and quartier.resolve("Neustadt") is None
    assert quartier.ambiguity("Neustadt") == ("'Neustadt' ist mehrdeutig: Quartier 0101 Neustadt (Nord) oder "
                                              "Quartier 0201 Neustadt (Süd); bitte den Schlüssel angeben")


def test_a_repeated_name_within_one_parent_is_still_refused_as_indistinguishable(tmp_path):
    from veedel_lib.params.reference import load_reference

    path = write(tmp_path / "raumbezug.yml", TWIN_NAMES.replace('{key: "0102", name: Hafen', '{key: "0102", name: '
                                                                                              'Neustadt'))
    with pytest.raises(DataValidationError) as caught:
        load_reference(path)
    assert ("'neustadt' gehört zu 0101 und 0102, die gleichzeitig gültig sind und beide in Bezirk 01 liegen: so "
            "nicht zu unterscheiden (nur in verschiedenen Bezirken darf sich ein Name wiederholen)") in str(caught.value)


def test_an_ambiguous_name_in_the_units_file_is_refused_naming_row_column_and_candidates(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset

    data, parameters = _twin_city(tmp_path, "a;A;0101;01\nb;B;Neustadt;Süd\nc;C;Neustadt;\nd;D;Markt;Mitte\n")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data, parameters, use_cache=False)
    problems = {(Path(p.file).name, p.row, p.column): p.reason for p in caught.value.problems}
    # row 3: the Bezirk decides which Neustadt; row 4 has none, row 5's Bezirk name is shared too
    assert problems[("units.csv", 4, "quartier")] == ("'Neustadt' ist mehrdeutig: Quartier 0101 Neustadt (Nord) oder "
                                                      "Quartier 0201 Neustadt (Süd); bitte den Schlüssel angeben")
    assert problems[("units.csv", 5, "quartier")].startswith("'Markt' ist mehrdeutig: Quartier 0301 Markt (0301) oder")
    assert problems[("units.csv", 5, "bezirk")].startswith("'Mitte' ist mehrdeutig: Bezirk 03 Mitte (03) oder")
    assert not any(row in (2, 3) for _, row, _ in problems)


def test_units_given_by_key_or_by_a_name_their_district_decides_are_joined_and_shown_with_their_parent(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset

    data, parameters = _twin_city(tmp_path, "a;A;0101;01\nb;B;Neustadt;Süd\nc;C;Hafen;Nord\nd;D;0401;04\n",
                                  'areas:\n  - {id: sued, code: G1, name: Neustadt-Süd, stadtbezirk: "02", '
                                  'stadtteile: ["Neustadt (Süd)"]}\n'
                                  '  - {id: markt, code: G2, name: Markt, stadtbezirk: "04", stadtteile: [Markt]}\n')
    ds = load_dataset(data, parameters, use_cache=False)
    assert ds.units.set_index("unit_id")["stadtteil_nr"].to_dict() == {"a": "0101", "c": "0102", "b": "0201",
                                                                       "d": "0401"}
    assert ds.units.set_index("unit_id")["stadtteil_name"].to_dict()["b"] == "Neustadt (Süd)"
    assert ds.units.set_index("unit_id")["stadtbezirk_name"].to_dict()["d"] == "Mitte (04)"
    assert ds.unit_ids("sued") == ["b"]
    broken = ds.areas.broken[0]
    assert broken.id == "markt" and "'Markt' ist mehrdeutig: Quartier 0301 Markt (0301) oder Quartier 0401 Markt " \
                                    "(0401); bitte den Schlüssel angeben" in broken.problems[0].reason
    assert Path(broken.problems[0].file).name == "areas.yml" and broken.problems[0].row == 3
