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


# regression: the empty area and coverage columns were filled with text as floats (pandas 4 will refuse that)
@pytest.mark.filterwarnings("error::DeprecationWarning:veedel_lib")
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
            "nicht zu unterscheiden (nur in verschiedenen Bezirken darf sich ein Name wiederholen)"
            ) in str(caught.value)


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


# ----------------------------------------------------------------------------- indicators given as published rates

SMALL_CITY = """city: Kleinstadt
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke}
  - {id: quartier, name: Quartier, plural: Quartiere, gender: n}
units:
  bezirk:
    - {key: "1", name: Nord}
    - {key: "2", name: Süd}
  quartier:
""" + "".join(f'    - {{key: "{b}{q}", name: Q{b}{q}, parent: "{b}"}}\n' for b in (1, 2) for q in (1, 2, 3))

SMALL_INDICATORS = """sources: {}
variables:
  - {id: population, label: Einwohner*innen, source: Melderegister, publish_threshold: 5}
  - {id: poor, label: Arme, source: Sozialamt, publish_threshold: 5}
  - {id: child_poverty_published, label: Kinderarmut (veröffentlichter Anteil in %), source: Sozialamt, kind: rate}
  - {id: child_poverty_change, label: Veränderung der Kinderarmut (Prozentpunkte), source: Sozialamt, kind: rate}
indicators:
  - {id: poverty, label: Armutsquote, lebenslage: Einkommen und materieller Lebensstandard, numerator: [poor],
     denominator: [population], direction: higher_is_worse, source: Sozialamt}
  - {id: child_poverty, label: Kinderarmut, lebenslage: Einkommen und materieller Lebensstandard,
     rate: child_poverty_published, direction: higher_is_worse, source: Sozialamt}
"""

SMALL_INDEX = """method: klein
sensitivity: {draws: 0}
methods:
  klein:
    label: Kleinstadt-Verfahren
    indicators:
      - {id: poverty}
      - {id: child_poverty}
    min_population: 100
    dynamics_years: 2
    status_classes:
      thresholds: [-1.0, 1.0]
      classes: [{code: "1", label: hoch}, {code: "2", label: mittel}, {code: "3", label: niedrig}]
    dynamics_classes:
      thresholds: [-1.0, 1.0]
      classes: [{code: "+", label: positiv}, {code: "±", label: stabil}, {code: "-", label: negativ}]
"""

QUARTIERE = [f"{b}{q}" for b in (1, 2) for q in (1, 2, 3)]
POOR = {2021: [50, 80, 120, 60, 200, 90], 2023: [55, 70, 150, 60, 180, 100]}
CHILD_POVERTY = {2021: ["12,5", "20", "31,25", "8", "40,5", "*"], 2023: ["13", "18,5", "35", "9,5", "38", "22"]}


def _rate_city(folder: Path, rows: str = "") -> tuple[Path, Path]:
    """Kleinstadt: 2 Bezirke > 6 Quartiere, one statistical unit each; counts of the poor, child poverty only as
    the published share per Quartier (2021 and 2023), plus ``rows`` of statistics."""
    parameters = folder / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    write(parameters / "raumbezug.yml", SMALL_CITY)
    write(parameters / "indicators.yml", SMALL_INDICATORS)
    write(parameters / "sozialindex.yml", SMALL_INDEX)
    write(parameters / "areas.yml", 'areas:\n  - {id: nordost, code: G1, name: Nordost, stadtbezirk: "1", '
                                    'stadtteile: ["12", "13"]}\n')
    data = folder / "data"
    write(data / "units.csv", "unit_id;unit_name;quartier;bezirk\n" + "".join(f"u{q};Q{q};{q};{q[0]}\n"
                                                                             for q in QUARTIERE))
    lines = [f"u{q};{year};population;{1000 + 100 * i}\nu{q};{year};poor;{POOR[year][i]}\n"
             f"u{q};{year};child_poverty_published;{CHILD_POVERTY[year][i]}\n"
             for year in (2021, 2023) for i, q in enumerate(QUARTIERE)]
    write(data / "statistics.csv", "unit;year;variable;count\n" + "".join(lines) + rows)
    return data, parameters


def test_a_published_rate_is_the_value_of_its_unit_flagged_without_counts_and_never_summed_into_an_area(tmp_path):
    import numpy as np

    from veedel_lib.analysis.indicators import CITY, area_groups, indicator_values, is_published, stadtteil_groups
    from veedel_lib.inputs.dataset import load_dataset

    data, parameters = _rate_city(tmp_path)
    ds = load_dataset(data, parameters, use_cache=False)
    child = ds.catalogue.indicator("child_poverty")
    values = indicator_values(ds, 2021, {**stadtteil_groups(ds), **area_groups(ds)}, [child]).set_index("group")
    assert values.loc[["11", "12", "13", "21", "22"], "value"].tolist() == [12.5, 20.0, 31.25, 8.0, 40.5]
    assert is_published(values).tolist() == [True] * 5 + [False] * 3   # Q23: suppressed at the source
    # no count, no interval, nothing made up: not for a unit, not for an area of two units, not for the city
    assert values[["numerator", "denominator", "ci_low", "ci_high"]].isna().all().all()
    assert np.isnan(values.loc["nordost", "value"]) and np.isnan(values.loc[CITY, "value"])
    assert ("Kinderarmut: veröffentlichter Anteil je Einheit, ohne Zähler/Nenner – ohne Konfidenzintervall, nicht "
            "geglättet und nicht auf Gebiete oder die Gesamtstadt zusammengefasst.") in ds.notes


def test_an_area_without_a_value_of_a_published_rate_says_it_cannot_be_summed(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.missing import Missing, missing_reason

    data, parameters = _rate_city(tmp_path)
    ds = load_dataset(data, parameters, use_cache=False)
    child = ds.catalogue.indicator("child_poverty")
    assert missing_reason(ds, Missing.of(child, 2023, "Nordost", ds.unit_ids("nordost"))) == (
        "nur als veröffentlichter Anteil je Einheit in den Daten (ohne Zähler/Nenner): für mehrere Einheiten "
        "zusammen nicht berechenbar")
    assert missing_reason(ds, Missing.of(child, 2021, "Q23", ["u23"])).startswith("für 2021 an der Quelle geheim")


def test_published_rates_outside_their_range_and_rates_declared_as_counts_are_refused_at_their_place(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.catalogue import load_catalogue

    data, parameters = _rate_city(tmp_path, "u11;2022;child_poverty_published;120,5\nu12;2022;poor;12,5\n")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data, parameters, use_cache=False)
    problems = {(Path(p.file).name, p.row, p.column): p.reason for p in caught.value.problems}
    assert problems[("statistics.csv", 38, "count")] == ("veröffentlichter Anteil 120,5 (Variable "
                                                         "'child_poverty_published', kind: rate) liegt über 100 (%)")
    assert problems[("statistics.csv", 39, "count")] == "Anzahl ist keine ganze Zahl (Wert: 12,5)"
    wrong = SMALL_INDICATORS.replace("numerator: [poor]", "numerator: [child_poverty_published]")
    with pytest.raises(DataValidationError) as caught:
        load_catalogue(write(tmp_path / "indicators.yml", wrong))
    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (8, "Variable 'child_poverty_published' ist ein veröffentlichter Anteil (kind: rate), keine Zählgröße: als "
             "rate: angeben, nicht unter numerator")]


def test_the_sozialindex_ranks_units_on_a_published_rate_and_its_tables_and_notes_say_so(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.sozialindex import SozialindexReport

    data, parameters = _rate_city(tmp_path)
    ds = load_dataset(data, parameters, use_cache=False)
    report = SozialindexReport.open(parameters_dir=parameters, dataset=ds)
    table = report.index.table
    assert table["value_child_poverty"].tolist() == [13.0, 18.5, 35.0, 9.5, 38.0, 22.0]
    assert table["n_child_poverty"].isna().all() and table["status_index"].notna().all()
    # Q13 and Q22 have the highest poverty and child poverty: the highest status index
    assert set(table["status_index"].nlargest(2).index) == {"13", "22"}
    # the change of the published rate counts for the dynamics; Q23's rate of 2021 was withheld at the source
    assert table.loc["13", "change_child_poverty"] == 35.0 - 31.25
    assert table.loc["23", "reason"] == "Dynamik: keine vollständigen Werte für 2021"
    z_table = report.status_dynamics()[-1]
    assert z_table.note.endswith(" Kinderarmut: veröffentlichter Anteil, ohne Zähler/Nenner.")
    assert "veröffentlichter Anteil je Einheit, ohne Zähler/Nenner" in report.method_notes()[-1].markdown


# ----------------------------------------------------------------------------- dynamics from published changes

CHANGES = [0.5, -1.5, 3.75, 1.5, -2.5, 4.0]
"""Child poverty's change 2021 to 2023 per Quartier as the city publishes it (percentage points)."""


def test_the_dynamics_take_the_citys_published_change_where_it_gives_one_and_the_report_says_so(tmp_path):
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.sozialindex import SozialindexReport

    rows = "".join(f"u{q};2023;child_poverty_change;{str(c).replace('.', ',')}\n" for q, c in zip(QUARTIERE, CHANGES))
    data, parameters = _rate_city(tmp_path, rows)
    write(parameters / "sozialindex.yml", SMALL_INDEX.replace("- {id: child_poverty}",
                                                              "- {id: child_poverty, change: child_poverty_change}"))
    ds = load_dataset(data, parameters, use_cache=False)
    report = SozialindexReport.open(parameters_dir=parameters, dataset=ds)
    table = report.index.table
    assert table["change_child_poverty"].tolist() == CHANGES          # not 35 - 31,25 = 3,75 computed, the city's
    assert table["dynamics_index"].notna().all() and (table["reason"] == "").all()  # Q23 too: no level of 2021 needed
    assert table["change_poverty"].round(6).tolist() == [round(a / b * 100 - c / d * 100, 6) for a, b, c, d in zip(
        POOR[2023], [1000 + 100 * i for i in range(6)], POOR[2021], [1000 + 100 * i for i in range(6)])]
    assert report.status_dynamics()[-1].note.endswith(
        " Kinderarmut: veröffentlichter Anteil, ohne Zähler/Nenner. Dynamik von Kinderarmut: von der Stadt "
        "veröffentlichte Veränderung.")


def test_a_published_change_that_is_no_published_rate_is_refused_at_its_line(tmp_path):
    from veedel_lib.analysis.sozialindex import load_sozialindex_config
    from veedel_lib.params.catalogue import load_catalogue

    path = write(tmp_path / "sozialindex.yml", SMALL_INDEX.replace("- {id: poverty}", "- {id: poverty, change: poor}"))
    with pytest.raises(DataValidationError) as caught:
        load_sozialindex_config(path, load_catalogue(write(tmp_path / "indicators.yml", SMALL_INDICATORS)),
                                load_reference_of(tmp_path))
    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (7, "change: 'poor' ist keine Variable mit kind: rate in indicators.yml (die veröffentlichte Veränderung je "
            "Einheit)")]


def load_reference_of(folder: Path):
    """The Kleinstadt reference, written into ``folder``."""
    from veedel_lib.params.reference import load_reference

    return load_reference(write(folder / "raumbezug.yml", SMALL_CITY))


def test_the_notes_of_a_run_without_areas_name_the_areas_in_the_citys_own_word_and_gender():
    """A city whose areas are "Bezirksregionen" (feminine) reads "Keine Bezirksregion konfiguriert" and "braucht
    mindestens eine Bezirksregion"; Cologne's Sozialraumgebiet (neuter) keeps its wording."""
    from veedel_lib.params.reference import Noun
    from veedel_lib.reports.registry import without_areas

    region = Noun("Bezirksregion", "Bezirksregionen", "f", "Bezirksregion", "Bezirksregionen")
    kept, notes = without_areas(["sozialraumgebietsanalyse", "sozialindex"], [], region)
    assert kept == ["sozialindex"]
    assert notes == ["Keine Bezirksregion konfiguriert (areas.yml: areas: []): der Lauf macht nur die Berichte, die "
                     "kein Gebiet brauchen.",
                     "Sozialraumgebietsanalyse übersprungen: braucht mindestens eine Bezirksregion"]
    gebiet = Noun("Sozialraumgebiet", "Sozialraumgebiete", "n", "Sozialraumgebiets", "Sozialraumgebieten")
    assert without_areas(["jahresbericht"], [], gebiet)[1] == [
        "Kein Sozialraumgebiet konfiguriert (areas.yml: areas: []): der Lauf macht nur die Berichte, die kein Gebiet "
        "brauchen.", "Jahresbericht übersprungen: braucht mindestens ein Sozialraumgebiet"]
    assert without_areas(["jahresbericht"], ["kalk"], region) == (["jahresbericht"], [])
