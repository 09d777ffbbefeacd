"""The run key of a report hashes only the parameter keys it declares (issue #31): an edit elsewhere in the same file
(another area, another setting, a comment) leaves it unchanged; an edit inside a declared part changes it."""

from __future__ import annotations

import shutil

from conftest import PARAMETERS

from veedel_lib.params.keys import MISSING, key_digest, select
from veedel_lib.params.yamlfiles import load_yaml

KALK = ["areas.yml:areas[id=kalk]", "run.yml:analysis.handlungsbedarf"]


def _edited(tmp_path, name: str, old: str, new: str):
    folder = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_another_areas_definition_and_other_settings_leave_a_reports_parameter_hash_unchanged(tmp_path):
    folder = _edited(tmp_path, "areas.yml", "stadtteile: [213, 206]", "stadtteile: [213]")
    run = folder / "run.yml"
    run.write_text(run.read_text(encoding="utf-8").replace("placebo_draws: 400", "placebo_draws: 500")
                   + "# ein Kommentar\n", encoding="utf-8")
    assert key_digest(folder, KALK) == key_digest(PARAMETERS, KALK)
    assert key_digest(folder, ["areas.yml:areas[*].stadtteile"]) != key_digest(PARAMETERS,
                                                                               ["areas.yml:areas[*].stadtteile"])


def test_an_edit_inside_a_declared_key_changes_the_parameter_hash(tmp_path):
    threshold = _edited(tmp_path / "a", "run.yml", "elevated_ratio: 1.25", "elevated_ratio: 1.2")
    kalk = _edited(tmp_path / "b", "areas.yml", "name: Kalk\n    stadtbezirk: 8\n    since: 2020",
                   "name: Kalk\n    stadtbezirk: 8\n    since: 2019")
    assert key_digest(threshold, KALK) != key_digest(PARAMETERS, KALK)
    assert key_digest(kalk, KALK) != key_digest(PARAMETERS, KALK)


def test_a_declared_path_selects_list_items_by_id_and_a_missing_one_counts_as_missing():
    areas = load_yaml(PARAMETERS / "areas.yml")[0]
    assert [a["name"] for a in select(areas, "areas[id=kalk]")] == ["Kalk"]
    assert select(areas, "areas[id=kalk].stadtbezirk") == [8]
    assert select(areas, "areas[id=nirgendwo]") == MISSING
    assert select(areas, "gibt.es.nicht") == MISSING


def test_a_declared_path_selects_list_items_by_any_field_and_a_bezirk_key_names_only_its_areas(tmp_path):
    from veedel_lib.reports.bezirksbericht import BezirkReport

    areas = load_yaml(PARAMETERS / "areas.yml")[0]
    assert [a["name"] for a in select(areas, "areas[stadtbezirk=8]")] == [
        "Höhenberg/Vingst", "Humboldt/Gremberg", "Kalk", "Ostheim/Neubrück"]
    keys = BezirkReport.parameter_keys_of("bezirk-8")
    assert "areas.yml:areas[stadtbezirk=8]" in keys and "areas.yml" not in keys
    # another Bezirk's area: a field that does not say which units belong to it leaves the key as it is; its
    # Stadtteile change the key (the goals' effects compare with the city without every area's units)
    renamed = _edited(tmp_path / "name", "areas.yml", "name: Meschenich/Rondorf", "name: Rondorf/Meschenich")  # Bezirk 2
    assert key_digest(renamed, keys) == key_digest(PARAMETERS, keys)
    other_units = _edited(tmp_path / "units", "areas.yml", "stadtteile: [213, 206]", "stadtteile: [213]")  # Bezirk 2
    assert key_digest(other_units, keys) != key_digest(PARAMETERS, keys)
    assert BezirkReport.place_areas_of("bezirk-8", PARAMETERS) == [
        "hoehenberg-vingst", "humboldt-gremberg", "kalk", "ostheim-neubrueck"]
    assert BezirkReport.reads_data_file("dokumentation/kalk.xlsx", "bezirk-8", ["kalk"])
    assert not BezirkReport.reads_data_file("dokumentation/bilderstoeckchen.xlsx", "bezirk-8", ["kalk"])
