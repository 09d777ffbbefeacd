"""The spatial reference as data (``parameters/raumbezug.yml``), area definitions with validity periods, and a
made-up city with three levels of its own that runs from ``units.csv`` to the Sozialindex without code changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PARAMETERS, write

from veedel_lib.errors import DataValidationError

# ----------------------------------------------------------------------------- Cologne's reference, as before

def test_cologne_reference_reproduces_the_official_numbers_names_and_spellings():
    from veedel_lib.params.reference import (
        STADTBEZIRKE,
        STADTTEILE,
        default_reference,
        stadtbezirk_number,
        stadtbezirk_of,
        stadtteil_number,
    )

    reference = default_reference()
    assert [level.name for level in reference.levels] == ["Stadtbezirk", "Stadtteil"]
    assert len(STADTTEILE) == 86 and len(STADTBEZIRKE) == 9
    assert STADTTEILE[101] == "Altstadt-Süd" and STADTTEILE[909] == "Flittard" and STADTBEZIRKE[8] == "Kalk"
    # every Stadtteil's Bezirk is the first digit of its number, as the city numbers them
    assert all(stadtbezirk_of(n) == n // 100 for n in STADTTEILE)
    assert stadtteil_number("Altstadt/Süd") == stadtteil_number("101 / Altstadt/Süd") == 101
    assert stadtteil_number("Humboldt-Gremberg") == 801 and stadtteil_number("0405") == 405
    assert stadtteil_number("101.0") == 101 and stadtteil_number("Atlantis") is None
    assert stadtbezirk_number("Mülheim") == 9 and stadtbezirk_number("10") is None


def test_reference_file_problems_name_line_and_key(tmp_path):
    from veedel_lib.params.reference import load_reference

    path = write(tmp_path / "raumbezug.yml", """city: Teststadt
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke}
  - {id: quartier, name: Quartier, plural: Quartiere, gender: n}
units:
  bezirk:
    - {key: 1, name: Nord}
  quartier:
    - {key: 11, name: Hafen, parent: 1}
    - {key: 12, name: Hafen, parent: 1}
    - {key: 13, name: Markt, parent: 2}
""")
    with pytest.raises(DataValidationError) as caught:
        load_reference(path)
    text = str(caught.value)
    assert "Bezirk 2 gibt es nicht" in text and "'hafen' gehört zu 11 und 12" in text
    assert all(p.file.endswith("raumbezug.yml") and p.row for p in caught.value.problems)


# ----------------------------------------------------------------------------- area definitions over time

def test_areas_have_definitions_with_validity_periods_and_the_current_one_is_the_default(demo):
    areas = demo.areas
    assert areas.definition_year is None
    current = areas.get("muelheim-nord-keupstrasse")
    assert current.name == "Mülheim-Nord/Keupstraße/Stammheim" and current.period == "gültig ab 2022"
    former = areas.select(2021).get("muelheim-nord-keupstrasse")
    assert former.name == "Mülheim-Nord/Keupstraße" and former.period == "gültig bis 2021"
    assert [a.period for a in areas.versions_between("muelheim-nord-keupstrasse", 2015, 2024)] == [
        "gültig bis 2021", "gültig ab 2022"]
    # the former definition lacks the part of Stammheim
    now = set(demo.unit_ids("muelheim-nord-keupstrasse"))
    before = set(demo.with_area_definitions(2021).unit_ids("muelheim-nord-keupstrasse"))
    assert now - before == {"90801"} and before < now
    # every other area has one definition for all years
    assert all(len(areas.versions(a)) == 1 for a in areas.ids if a != "muelheim-nord-keupstrasse")


def test_overlapping_definitions_of_an_area_break_that_area_only(tmp_path):
    from veedel_lib.params.areas import load_areas

    path = write(tmp_path / "areas.yml", """areas:
  - {id: kalk, code: SRG1, name: Kalk, stadtbezirk: 8, stadtteile: [802], valid_to: 2021}
  - {id: kalk, code: SRG1, name: Kalk, stadtbezirk: 8, stadtteile: [802, 803], valid_from: 2020}
  - {id: porz, code: SRG2, name: Porz, stadtbezirk: 7, stadtteile: [706]}
""")
    definitions = load_areas(path)
    assert [a.id for a in definitions.areas] == ["porz"]
    problem = definitions.broken[0].problems[0]
    assert definitions.broken[0].id == "kalk" and problem.row == 3
    assert "zwei Zuschnitte von 'kalk' gelten zugleich" in problem.reason


def test_area_report_names_its_definition_and_the_change_inside_its_period(demo):
    from veedel_lib.reports.evaluation import Evaluation
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    report = AreaAnalysis.open("muelheim-nord-keupstrasse", dataset=demo)
    assert ("Gebietszuschnitt", "gültig ab 2022") in report.title().facts()
    trends = report.trends()[-1].markdown
    assert ("Der Gebietszuschnitt von Mülheim-Nord/Keupstraße/Stammheim hat sich zwischen "
            f"{demo.years[0]} und {demo.latest_year} geändert: bis 2021 galt der Zuschnitt „Mülheim-Nord/Keupstraße“ "
            "(ohne Einheit 90801") in trends
    assert "sind hier alle Jahre mit dem Zuschnitt „Mülheim-Nord/Keupstraße/Stammheim“ (gültig ab 2022)" in trends
    evaluation = Evaluation.open("muelheim-nord-keupstrasse", dataset=demo)
    assert "Der Gebietszuschnitt von Mülheim-Nord/Keupstraße/Stammheim hat sich zwischen" in \
        evaluation.overview()[-1].markdown
    # an area with one definition says nothing about it, and its title has no such line
    other = AreaAnalysis.open("kalk", dataset=demo)
    assert "Gebietszuschnitt" not in other.trends()[-1].markdown
    assert "Gebietszuschnitt" not in dict(other.title().facts())


def test_run_parameter_chooses_the_former_definition_for_all_years(demo, tmp_path):
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    run = parameters / "run.yml"
    run.write_text(run.read_text(encoding="utf-8").replace("area_definition_year: null", "area_definition_year: 2021"),
                   encoding="utf-8")
    report = AreaAnalysis.open("muelheim-nord-keupstrasse", dataset=demo, parameters_dir=parameters)
    assert report.area.name == "Mülheim-Nord/Keupstraße"
    assert "90801" not in report.ds.unit_ids(report.area_id)
    assert dict(report.title().facts())["Gebietszuschnitt"] == "gültig bis 2021 (Zuschnitt des Jahres 2021)"
    assert "alle Jahre mit dem Zuschnitt „Mülheim-Nord/Keupstraße“ (gültig bis 2021)" in report.trends()[-1].markdown


# ----------------------------------------------------------------------------- a made-up city

FLUSSSTADT = """city: Flussstadt
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke, gender: m}
  - {id: bezirksregion, name: Bezirksregion, plural: Bezirksregionen, gender: f}
  - {id: planungsraum, name: Planungsraum, plural: Planungsräume, gender: m}
units:
  bezirk:
    - {key: "01", name: Nordufer}
    - {key: "02", name: Südhang, other_names: [Suedhang]}
  bezirksregion:
    - {key: "0101", name: Alter Hafen, parent: "01"}
    - {key: "0102", name: Werft, parent: "01"}
    - {key: "0201", name: Weinberg, parent: "02"}
    - {key: "0202", name: Talaue, parent: "02"}
  planungsraum:
{planungsraeume}
"""

AREAS = """areas:
  - {id: hafenviertel, code: G1, name: Hafenviertel, stadtbezirk: "01", stadtteile: ["010101", Kranich]}
  - id: talaue-sued
    code: G2
    name: Talaue-Süd
    stadtbezirk: Südhang
    stadtteile: ["020201"]
    valid_to: 2019
  - id: talaue-sued
    code: G2
    name: Talaue-Süd
    stadtbezirk: Südhang
    stadtteile: ["020201", "020202"]
    valid_from: 2020
"""

NAMES = ["Kai", "Kranich", "Dock", "Mole", "Rebhang", "Kelter", "Auwald", "Furt", "Lände", "Mühle", "Steg", "Ried"]


def made_up_city(demo, folder: Path) -> tuple[Path, Path]:
    """Data and parameters of "Flussstadt": 2 Bezirke > 4 Bezirksregionen > 12 Planungsräume (text keys), each
    Planungsraum made of the statistical units of one demo Stadtteil under new ids, with their statistics."""
    regions = ["0101", "0101", "0101", "0102", "0102", "0102", "0201", "0201", "0201", "0202", "0202", "0202"]
    keys = [f"{region}{i % 3 + 1:02d}" for i, region in enumerate(regions)]
    lines = [f'    - {{key: "{key}", name: {name}, parent: "{region}"}}' for key, name, region in zip(keys, NAMES, regions)]
    parameters = folder / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    (parameters / "raumbezug.yml").write_text(FLUSSSTADT.replace("{planungsraeume}", "\n".join(lines)),
                                               encoding="utf-8")
    (parameters / "areas.yml").write_text(AREAS, encoding="utf-8")
    stadtteile = sorted(demo.units["stadtteil_nr"].unique())[:12]
    rows, renamed = [], {}
    for key, name, region, stadtteil in zip(keys, NAMES, regions, stadtteile):
        members = demo.units.loc[demo.units["stadtteil_nr"] == stadtteil, "unit_id"]
        for j, unit in enumerate(members):
            renamed[unit] = f"FS-{key}-{j + 1}"
            rows.append(f"{renamed[unit]};{name} {j + 1};{name};{region};{'Nordufer' if region < '02' else '02'}")
    data = folder / "data"
    write(data / "units.csv", "unit_id;unit_name;planungsraum;bezirksregion;bezirk\n" + "\n".join(rows) + "\n")
    statistics = demo.statistics[demo.statistics["unit"].isin(renamed)].copy()
    statistics["unit"] = statistics["unit"].map(renamed)
    statistics["count"] = [("*" if s else str(int(c))) for c, s in zip(statistics["count"], statistics["suppressed"])]
    statistics[["unit", "year", "variable", "count"]].to_csv(data / "statistics.csv", sep=";", index=False)
    return data, parameters


def test_a_made_up_city_runs_from_units_to_the_sozialindex_without_code_changes(demo, tmp_path):
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.sozialindex import SozialindexReport
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis
    from veedel_lib.run.floor import SilentReport

    data, parameters = made_up_city(demo, tmp_path)
    ds = load_dataset(data, parameters, use_cache=False)
    assert ds.spatial.city == "Flussstadt" and [lv.name for lv in ds.spatial.levels] == [
        "Bezirk", "Bezirksregion", "Planungsraum"]
    assert set(ds.units["stadtteil_nr"]) == {f"{r}{i:02d}" for r in ("0101", "0102", "0201", "0202") for i in (1, 2, 3)}
    assert set(ds.units["key_bezirksregion"]) == {"0101", "0102", "0201", "0202"}
    assert set(ds.units["stadtbezirk_nr"]) == {"01", "02"}
    assert len(ds.unit_ids("hafenviertel")) == len(demo.units[demo.units["stadtteil_nr"].isin([101, 102])])

    analysis = AreaAnalysis.open("talaue-sued", data_dir=data, parameters_dir=parameters, dataset=ds)
    silent = SilentReport()
    for section in analysis.sections:
        silent.show(getattr(analysis, section)())
    facts = dict(analysis.title().facts())
    assert facts["Bezirk"] == "02 Südhang" and facts["Gebietszuschnitt"] == "gültig ab 2020"
    profile = analysis.profile()[0].markdown
    assert "Das Sozialraumgebiet Talaue-Süd im Bezirk Südhang umfasst die Planungsräume Mühle und Steg" in profile
    assert "der Bevölkerung von Flussstadt" in profile
    assert "Der Gebietszuschnitt von Talaue-Süd hat sich zwischen" in analysis.trends()[-1].markdown

    index = SozialindexReport.open(data_dir=data, parameters_dir=parameters, dataset=ds)
    silent = SilentReport()
    for section in index.sections:
        silent.show(getattr(index, section)())
    table = index.index.table
    assert len(table) == 12 and table["status_index"].notna().all()
    assert set(table["stadtbezirk"]) == {"Nordufer", "Südhang"}
    assert table.loc["020202", "label"] == "020202 Steg"
