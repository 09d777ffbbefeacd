"""areas.yml: each area is checked on its own; a mistake names the line of the bad value and stops only that area."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS

from veedel_lib.errors import ConfigurationError, DataValidationError
from veedel_lib.params.areas import load_areas, resolve_membership

KALK = """  - id: kalk
    code: SRG09
    name: Kalk
    stadtbezirk: 8
    since: 2020
    stadtteile: [802]
"""


def _broken_copy(tmp_path, replacement: str):
    """The project's parameters with the Kalk entry of areas.yml replaced; returns (folder, its areas.yml text)."""
    folder = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, folder)
    text = (folder / "areas.yml").read_text(encoding="utf-8")
    assert KALK in text
    text = text.replace(KALK, replacement)
    (folder / "areas.yml").write_text(text, encoding="utf-8")
    return folder, text


def _line(text: str, fragment: str, after: str = "") -> int:
    """1-based number of the first line containing ``fragment`` (after the first line containing ``after``)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start + 1) if fragment in line)


def test_a_bad_stadtteil_is_named_at_the_line_of_the_value(tmp_path):
    folder, text = _broken_copy(tmp_path, KALK.replace("    stadtteile: [802]\n",
                                                       "    stadtteile:\n      - 802\n      - 999\n"))
    definitions = load_areas(folder / "areas.yml")
    with pytest.raises(DataValidationError) as caught:
        definitions.get("kalk")
    (problem,) = caught.value.problems
    assert problem.row == _line(text, "- 999", after="id: kalk") != _line(text, "id: kalk")
    assert problem.column.endswith(".stadtteile[1]") and problem.reason == "Stadtteil 999 gibt es nicht in Köln"
    assert "Zeile" in str(caught.value) and "999" in str(caught.value)


def test_a_broken_area_fails_alone_and_the_others_stay_usable(tmp_path, demo):
    """A typo in one area's entry makes that area broken: its id is still known, its reports fail, the rest work."""
    folder, text = _broken_copy(tmp_path, KALK.replace("stadtbezirk: 8", "stadtbezirk: 8\n    stadbezirk: 8")
                                .replace("[802]", "[802, 999]"))
    definitions = load_areas(folder / "areas.yml")
    assert "kalk" in definitions.ids and len(definitions.ids) == 15
    assert definitions.find_id("Kalk") == definitions.find_id("SRG09") == "kalk"
    assert definitions.name_of("kalk") == "Kalk"
    assert definitions.get("bilderstoeckchen").name == "Bilderstöckchen"
    membership = resolve_membership(definitions, demo.units)
    reasons = sorted(p.reason for p in membership.problems["kalk"])
    assert reasons == ["Stadtteil 999 gibt es nicht in Köln", "unbekannter Schlüssel (Tippfehler?)"]
    assert {p.row for p in membership.problems["kalk"]} == {_line(text, "stadbezirk"), _line(text, "[802, 999]")}
    assert set(membership.problems) == {"kalk"}
    assert len(membership.units_of("bilderstoeckchen")) > 0
    with pytest.raises(DataValidationError):
        membership.units_of("kalk")
    with pytest.raises(DataValidationError):
        membership.all_units()                       # the programme as a whole needs every area
    # the valid part of Kalk (Stadtteil 802) still belongs to a programme area: no other area's comparison group
    kalk_units = set(demo.units.loc[demo.units["stadtteil_nr"] == 802, "unit_id"])
    assert kalk_units <= set(membership.table.loc[membership.table["area_id"] == "kalk", "unit_id"])
    with pytest.raises(ConfigurationError, match="Unbekanntes Sozialraumgebiet 'nirgendwo'"):
        definitions.find_id("nirgendwo")


def test_mistakes_that_belong_to_no_single_area_stop_everything(tmp_path):
    folder, _ = _broken_copy(tmp_path / "a", KALK.replace("id: kalk", "id: Kalk Stadt"))
    with pytest.raises(DataValidationError) as caught:
        load_areas(folder / "areas.yml")           # no valid id: the problem cannot be given to an area
    (problem,) = caught.value.problems
    assert problem.column == "areas[8].id" and "'Kalk Stadt'" in problem.reason and "Schreibweise" in problem.reason
    folder, _ = _broken_copy(tmp_path / "b", KALK.replace("SRG09", "SRG10"))
    with pytest.raises(DataValidationError, match="doppelte Gebiets-code: SRG10"):
        load_areas(folder / "areas.yml")
