"""Independent tests of the input validation (``veedel_lib/inputs/validation.py``; issue #30 item 9).

The allowed data years are written out from the rule (Cologne's boundaries since the municipal reform of 1975, up
to the current calendar year, taken from the clock here), not taken from the module. Tiny data folders only.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write

from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.dataset import load_dataset


def _load(folder, rows):
    write(folder / "statistics.csv", statistics_rows(rows))
    return load_dataset(folder, PARAMETERS, use_cache=False)


def _year_problems(folder, rows) -> list[tuple[int, str]]:
    with pytest.raises(DataValidationError) as caught:
        _load(folder, rows)
    return [(p.row, p.column) for p in caught.value.problems if "Jahr außerhalb" in p.reason]


def test_the_current_calendar_year_and_1975_are_allowed_data_years(small_data):
    this_year = datetime.date.today().year
    rows = VALID_ROWS + [("80201", this_year, "population", 900), ("80201", 1975, "population", 800)]
    ds = _load(small_data, rows)
    assert sorted(set(ds.statistics["year"])) == [1975, 2023, this_year]


def test_next_year_and_1974_are_refused_naming_their_rows(small_data):
    this_year = datetime.date.today().year
    rows = VALID_ROWS + [("80201", this_year + 1, "population", 900), ("80201", 1974, "population", 800)]
    assert _year_problems(small_data, rows) == [(8, "year"), (9, "year")]


# ----------------------------------------------------------------------------- tables checked directly
# The validators are called with hand-made tables (RawTable: text cells and the spreadsheet row of each record;
# the row numbers here are not 2, 3, ... so that every message must take the record's own row).

import math  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from veedel_lib.inputs.readers import RawTable  # noqa: E402
from veedel_lib.inputs.validation import (  # noqa: E402
    Gap,
    completeness_gaps,
    gap_year_exempt,
    no_such_unit,
    rate_limits,
    unit_columns,
    unit_periods,
    validate_statistics,
    validate_units,
    year_runs,
    years_text,
)
from veedel_lib.params.catalogue import load_catalogue  # noqa: E402
from veedel_lib.params.reference import default_reference, load_reference  # noqa: E402

FLUSSSTADT = """city: Flussstadt
levels:
  - {id: bezirk, name: Bezirk, plural: Bezirke, gender: m}
  - {id: bezirksregion, name: Bezirksregion, plural: Bezirksregionen, gender: f}
  - {id: planungsraum, name: Planungsraum, plural: Planungsräume, gender: n}
units:
  bezirk:
    - {key: "01", name: Nordufer}
    - {key: "02", name: Südhang}
  bezirksregion:
    - {key: "0101", name: Hafen, parent: "01"}
    - {key: "0102", name: Werft, parent: "01"}
    - {key: "0201", name: Hafen, parent: "02"}
  planungsraum:
    - {key: "010101", name: Mühle, parent: "0101"}
    - {key: "020101", name: Mühle, parent: "0201"}
    - {key: "010203", name: Mühle, parent: "0102"}
    - {key: "010201", name: Steg, parent: "0102", valid_to: 2019}
    - {key: "010202", name: Neusteg, parent: "0102", valid_from: 2020}
"""
"""A made-up city of three levels: the name Hafen occurs twice (in different Bezirke), Mühle three times (twice in
Bezirk 01, in the regions Hafen and Werft), the Planungsraum Steg ends in 2019 and Neusteg begins in 2020."""


@pytest.fixture
def flussstadt(tmp_path):
    path = tmp_path / "raumbezug.yml"
    path.write_text(FLUSSSTADT, encoding="utf-8")
    return load_reference(path)


def _table(columns: list[str], records: list[tuple], rows: list[int] | None = None,
           source: str = "daten/units.csv") -> RawTable:
    frame = pd.DataFrame([[str(v) for v in record] for record in records], columns=columns, dtype=object)
    if not records:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return RawTable(frame, rows if rows is not None else list(range(2, len(records) + 2)), source)


def _problems(call) -> list[tuple[int | None, str | None, str]]:
    """The problems of the error ``call`` raises as (row, column, reason), sorted (the error orders them by place)."""
    with pytest.raises(DataValidationError) as caught:
        call()
    return sorted((p.row, p.column or "", p.reason) for p in caught.value.problems)


FLUSS_COLUMNS = ["unit_id", "unit_name", "planungsraum", "bezirksregion", "bezirk"]


def test_the_units_columns_are_id_name_and_each_level_from_the_lowest_up():
    assert unit_columns(default_reference()) == ("unit_id", "unit_name", "stadtteil", "stadtbezirk")


def test_a_shared_name_is_decided_by_the_higher_levels_and_rows_come_in_the_reference_order(flussstadt):
    assert unit_columns(flussstadt) == tuple(FLUSS_COLUMNS)
    table = _table(FLUSS_COLUMNS, [("S1", "Steg 1", "Steg", "Werft", "01"),
                                   ("M9", "Mühle Süd", "020101", "0201", "02"),
                                   ("A1", "Mühle 1", "Mühle", "Hafen", "Nordufer"),
                                   ("A0", "Mühle 0", "010101", "Hafen", "01"),
                                   ("W1", "Mühle Werft", "Mühle", "Werft", "01")])  # only the region decides
    units = validate_units(table, flussstadt)
    assert units.to_dict("list") == {
        "unit_id": ["A0", "A1", "M9", "W1", "S1"],
        "unit_name": ["Mühle 0", "Mühle 1", "Mühle Süd", "Mühle Werft", "Steg 1"],
        "stadtteil_nr": ["010101", "010101", "020101", "010203", "010201"],
        "stadtteil_name": ["Mühle (010101)", "Mühle (010101)", "Mühle (020101)", "Mühle (Werft)", "Steg"],
        "stadtbezirk_nr": ["01", "01", "02", "01", "01"],
        "stadtbezirk_name": ["Nordufer", "Nordufer", "Südhang", "Nordufer", "Nordufer"],
        "key_bezirksregion": ["0101", "0101", "0201", "0102", "0102"],
        "name_bezirksregion": ["Hafen (Nordufer)", "Hafen (Nordufer)", "Hafen (Südhang)", "Werft", "Werft"]}


def test_a_unit_in_the_wrong_region_or_bezirk_is_named_with_where_it_lies(flussstadt):
    table = _table(FLUSS_COLUMNS, [("A1", "x", "010101", "0102", "01"), ("A2", "y", "010101", "0101", "02"),
                                   ("A3", "z", "Atlantis", "Werft", "Mitte"), ("", "", "Mühle", "Hafen", "")],
                   rows=[7, 9, 11, 12])
    assert _problems(lambda: validate_units(table, flussstadt)) == sorted([
        (7, "bezirksregion", "Planungsraum 010101 (Mühle (010101)) liegt in der Bezirksregion 0101 "
                             "(Hafen (Nordufer)), nicht in 0102"),
        (9, "bezirk", "Planungsraum 010101 (Mühle (010101)) liegt im Bezirk 01 (Nordufer), nicht in 02"),
        (11, "planungsraum", "kein Planungsraum in Flussstadt: 'Atlantis'"),
        (11, "bezirk", "kein Bezirk in Flussstadt: 'Mitte'"),
        (12, "unit_id", "Wert fehlt"), (12, "unit_name", "Wert fehlt"),
        (12, "planungsraum", flussstadt.base.ambiguity("Mühle")),
        (12, "bezirksregion", flussstadt.levels[1].ambiguity("Hafen")),
        (12, "bezirk", "kein Bezirk in Flussstadt: ''")])
    assert flussstadt.levels[1].ambiguity("Hafen").startswith("'Hafen' ist mehrdeutig")


def test_a_level_is_named_with_im_for_masculine_and_neuter_and_in_der_for_feminine_names(flussstadt):
    from veedel_lib.inputs.validation import _in_level

    assert [_in_level(level) for level in flussstadt.levels] == ["im Bezirk", "in der Bezirksregion",
                                                                 "im Planungsraum"]


def test_a_unit_id_given_twice_is_named_with_the_other_row_and_empty_ids_are_only_missing():
    table = _table(["unit_id", "unit_name", "stadtteil", "stadtbezirk"],
                   [("80201", "Kalk 1", "802", "8"), ("", "a", "802", "8"), ("80201", "Kalk 2", "Kalk", "8"),
                    ("", "b", "802", "8"), ("80201", "Kalk 3", "802", "8")], rows=[4, 6, 8, 10, 12])
    assert _problems(lambda: validate_units(table)) == sorted([
        (6, "unit_id", "Wert fehlt"), (10, "unit_id", "Wert fehlt"),
        (4, "unit_id", "doppelte Einheit '80201' (auch in Zeile 8, 12)"),
        (8, "unit_id", "doppelte Einheit '80201' (auch in Zeile 4, 12)"),
        (12, "unit_id", "doppelte Einheit '80201' (auch in Zeile 4, 8)")])


def test_a_units_table_without_a_column_or_without_rows_is_refused_at_its_header():
    missing = _table(["unit_id", "unit_name", "stadtteil", "ort"], [("1", "a", "802", "x")])
    assert _problems(lambda: validate_units(missing)) == sorted([
        (1, "stadtbezirk", "Pflichtspalte fehlt (erwartet: unit_id, unit_name, stadtteil, stadtbezirk)"),
        (1, "ort", "unbekannte Spalte (erlaubt: unit_id, unit_name, stadtteil, stadtbezirk)")])
    empty = _table(["unit_id", "unit_name", "stadtteil", "stadtbezirk", "ort"], [])
    assert _problems(lambda: validate_units(empty)) == sorted([
        (1, "ort", "unbekannte Spalte (erlaubt: unit_id, unit_name, stadtteil, stadtbezirk)"),
        (1, "", "keine Datenzeilen: die Datei enthält nur die Kopfzeile")])


def test_cologne_names_a_unit_it_does_not_know_with_its_adjective():
    reference = default_reference()
    assert no_such_unit(reference, reference.base, "Atlantis") == "kein Kölner Stadtteil: 'Atlantis'"
    assert no_such_unit(reference, reference.top, 99) == "kein Kölner Stadtbezirk: '99'"


def test_the_validity_of_each_units_planungsraum_is_its_first_and_last_year(flussstadt):
    units = pd.DataFrame({"stadtteil_nr": ["010201", "010101", "010202"]})
    first, last = unit_periods(units, flussstadt)
    assert first.tolist() == [-math.inf, -math.inf, 2020.0] and last.tolist() == [2019.0, math.inf, math.inf]
    assert unit_periods(pd.DataFrame({"stadtteil_nr": [802]}), None) is None  # Cologne: no unit limited in time


# ----------------------------------------------------------------------------- statistics

STATISTICS = ["unit", "year", "variable", "count"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(PARAMETERS / "indicators.yml")


@pytest.fixture
def cologne_units():  # made in each test: mutmut maps a test to the functions it reaches itself
    table = _table(["unit_id", "unit_name", "stadtteil", "stadtbezirk"],
                   [("80201", "Kalk 1", "802", "8"), ("80202", "Kalk 2", "802", "8"),
                    ("10101", "Altstadt-Süd 1", "101", "1")])
    return validate_units(table)


def _statistics(records, rows=None, source="daten/statistics.csv"):
    return _table(STATISTICS, records, rows, source)


def test_statistics_of_two_files_come_back_typed_and_ordered_by_year_variable_and_unit(catalogue, cologne_units):
    first = _statistics([("80202", "2023", "population", "200"), ("10101", "2022", "population", "*"),
                         ("80201", "2023", "pop_0_5", "100")])
    second = _statistics([("80201", "2022", "population", "-"), ("80201", "2023", "population", "1000")],
                         source="daten/b.csv")
    data = validate_statistics([first, second], catalogue, cologne_units)
    assert list(data.columns) == ["unit", "year", "variable", "count", "suppressed"]
    assert data["year"].dtype == np.int64
    assert data[["unit", "year", "variable"]].values.tolist() == [
        ["10101", 2022, "population"], ["80201", 2022, "population"], ["80201", 2023, "pop_0_5"],
        ["80201", 2023, "population"], ["80202", 2023, "population"]]
    assert data["count"].fillna(-1).tolist() == [-1, 0.0, 100.0, 1000.0, 200.0]
    assert data["suppressed"].tolist() == [True, False, False, False, False]
    assert data.index.tolist() == [0, 1, 2, 3, 4]


def test_each_unreadable_cell_of_a_statistics_table_is_named_at_its_row(catalogue, cologne_units):
    table = _statistics([("80201", "", "population", "5"), ("80201", "20x3", "population", "5"),
                         ("80201", "2023.5", "population", "5"), ("80201", "2023", "population", ""),
                         ("80202", "2023", "population", "viele"), ("", "2023", "pop_0_5", "1"),
                         ("10101", "2023", "", "1"), ("10101", "2023", "population", "inf")],
                        rows=[3, 5, 7, 9, 11, 13, 15, 17])
    problems = _problems(lambda: validate_statistics([table], catalogue, cologne_units, years=(2000, 2030)))
    assert problems == sorted([
        (3, "year", "Jahr fehlt"), (5, "year", "kein Jahr: '20x3'"), (7, "year", "kein Jahr: '2023.5'"),
        (9, "count", "Wert fehlt (für unterdrückte Werte '*' eintragen)"), (11, "count", "keine Zahl: 'viele'"),
        (17, "count", "keine Zahl: 'inf' steht für unendlich; bitte eine Zahl eintragen (einen an der Quelle "
                      "unterdrückten Wert als '*')"),
        (13, "unit", "Wert fehlt"), (15, "variable", "Wert fehlt")])
    # an empty unit or variable is not also "unknown", an unreadable count not also "negative"


def test_values_outside_the_rules_are_named_with_the_value_as_german_text(catalogue, cologne_units):
    table = _statistics([("80201", "1999", "population", "5"), ("80201", "2031", "pop_0_5", "5"),
                         ("80202", "2023", "population", "-1037"), ("80202", "2023", "pop_0_5", "2.5"),
                         ("10101", "2023", "population", "10000001"), ("99999", "2023", "population", "1"),
                         ("10101", "2023", "einwohner", "1"), ("10101", "2023", "pop_0_5", "10000000")],
                        rows=[2, 4, 6, 8, 10, 12, 14, 16])
    problems = _problems(lambda: validate_statistics([table], catalogue, cologne_units, years=(2000, 2030)))
    assert sorted(problems) == sorted([
        (2, "year", "Jahr außerhalb des zulässigen Bereichs 2000 bis 2030 (Wert: 1999)"),
        (4, "year", "Jahr außerhalb des zulässigen Bereichs 2000 bis 2030 (Wert: 2031)"),
        (6, "count", "negative Anzahl (Wert: -1.037)"),
        (8, "count", "Anzahl ist keine ganze Zahl (Wert: 2,5)"),
        (10, "count", "Anzahl größer als 10.000.000: mehr, als in jeder deutschen Stadt Menschen leben (Tippfehler?) "
                      "(Wert: 10.000.001)"),
        (12, "unit", "unbekannte Einheit (nicht in units) (Wert: 99999)"),
        (14, "variable", "unbekannte Variable (nicht im Indikatorenkatalog) (Wert: einwohner)")])


def test_a_published_rate_may_have_decimals_but_must_lie_between_0_and_100(catalogue, cologne_units):
    table = _statistics([("80201", "2021", "turnout_published", "55.5"), ("80202", "2021", "turnout_published", "101"),
                         ("10101", "2021", "turnout_published", "-0.5"), ("10101", "2020", "turnout_published", "100"),
                         ("10101", "2019", "turnout_published", "0")], rows=[2, 3, 4, 5, 6])
    assert _problems(lambda: validate_statistics([table], catalogue, cologne_units)) == sorted([
        (3, "count", "veröffentlichter Anteil 101 (Variable 'turnout_published', kind: rate) liegt über 100 (%)"),
        (4, "count", "veröffentlichter Anteil -0,5 (Variable 'turnout_published', kind: rate) liegt unter 0")])


def test_a_row_given_twice_names_the_other_row_in_the_same_or_another_file(catalogue, cologne_units):
    first = _statistics([("80201", "2023", "population", "5"), ("80202", "2023", "population", "6"),
                         ("80201", "2023", "population", "7"), ("80201", "", "population", "1"),
                         ("80201", "", "population", "2")], rows=[2, 3, 12, 13, 14])
    second = _statistics([("80202", "2023", "population", "6"), ("80202", "2023", "population", "8")], rows=[5, 9],
                         source="daten/b.csv")
    problems = _problems(lambda: validate_statistics([first, second], catalogue, cologne_units))
    assert [p for p in problems if "Jahr fehlt" not in p[2]] == sorted([
        (2, "unit", "doppelter Eintrag für Einheit '80201', Jahr 2023, Variable 'population' (auch Zeile 12)"),
        (12, "unit", "doppelter Eintrag für Einheit '80201', Jahr 2023, Variable 'population' (auch Zeile 2)"),
        (3, "unit", "doppelter Eintrag für Einheit '80202', Jahr 2023, Variable 'population' (auch daten/b.csv, "
                    "Zeile 5, daten/b.csv, Zeile 9)"),
        (5, "unit", "doppelter Eintrag für Einheit '80202', Jahr 2023, Variable 'population' (auch "
                    "daten/statistics.csv, Zeile 3, Zeile 9)"),
        (9, "unit", "doppelter Eintrag für Einheit '80202', Jahr 2023, Variable 'population' (auch "
                    "daten/statistics.csv, Zeile 3, Zeile 5)")])
    assert len(problems) == 7  # and the two missing years: rows without a year are no duplicates


def test_a_numerator_above_its_denominator_is_named_at_its_first_numerator_row(catalogue, cologne_units):
    table = _statistics([("80201", "2023", "pop_0_5", "100"), ("80201", "2023", "pop_6_14", "50"),
                         ("80201", "2023", "sgb2_u15", "151"), ("80202", "2023", "pop_0_5", "10"),
                         ("80202", "2023", "pop_6_14", "5"), ("80202", "2023", "sgb2_u15", "15"),
                         ("10101", "2023", "pop_0_5", "*"), ("10101", "2023", "pop_6_14", "5"),
                         ("10101", "2023", "sgb2_u15", "90"), ("80201", "2022", "sgb2_u15", "500")],
                        rows=[2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    # 80202: 15 = 10 + 5 is allowed; 10101: the suppressed part leaves it unchecked; 2022: no denominator rows
    assert _problems(lambda: validate_statistics([table], catalogue, cologne_units)) == sorted([
        (4, "count", "Zähler größer als Nenner für Indikator 'sgb2_children_quote' (Einheit '80201', Jahr 2023: "
                     "sgb2_u15 = 151 > pop_0_5+pop_6_14 = 150)")])


def test_a_suppressed_numerator_part_counts_as_zero_and_a_missing_one_leaves_the_check_out(catalogue, cologne_units):
    rows = [("80201", "2023", "population", "100"), ("80201", "2023", "sgb2_recipients", "60"),
            ("80201", "2023", "sgb12_hlu", "*"), ("80201", "2023", "gsi_age", "41"), ("80201", "2023", "gsi_em", "0"),
            ("80201", "2023", "asylblg", "-")]
    assert _problems(lambda: validate_statistics([_statistics(rows)], catalogue, cologne_units)) == sorted([
        (3, "count", "Zähler größer als Nenner für Indikator 'transfer_quote' (Einheit '80201', Jahr 2023: "
                     "sgb2_recipients+sgb12_hlu+gsi_age+gsi_em+asylblg = 101 > population = 100)")])
    data = validate_statistics([_statistics(rows[:-1])], catalogue, cologne_units)  # asylblg missing
    assert len(data) == 5


def test_a_count_above_the_citys_population_of_its_year_is_refused_rates_and_incomplete_years_are_not(
        catalogue, cologne_units):
    table = _statistics([("80201", "2023", "population", "1000"), ("80202", "2023", "population", "200"),
                         ("10101", "2023", "population", "3000"), ("80201", "2023", "moves_in", "4201"),
                         ("80202", "2023", "moves_in", "4200"), ("80201", "2022", "population", "10"),
                         ("80202", "2022", "population", "*"), ("10101", "2022", "population", "10"),
                         ("80201", "2022", "moves_in", "5000"), ("80201", "2021", "turnout_published", "90"),
                         ("80201", "2021", "population", "30"), ("80202", "2021", "population", "20"),
                         ("10101", "2021", "population", "20")],
                        rows=list(range(20, 33)))
    assert _problems(lambda: validate_statistics([table], catalogue, cologne_units)) == sorted([
        (23, "count", "Anzahl 4.201 (moves_in, Einheit '80201') ist größer als die Einwohnerzahl der ganzen Stadt "
                      "im Jahr 2023 (4.200, Summe von population über alle Einheiten)")])


def test_a_row_outside_the_years_of_its_planungsraum_is_named_with_the_validity(catalogue, flussstadt):
    units = validate_units(_table(FLUSS_COLUMNS, [("S1", "Steg 1", "010201", "0102", "01"),
                                                  ("N1", "Neusteg 1", "010202", "0102", "01"),
                                                  ("M1", "Mühle 1", "010101", "0101", "01")]), flussstadt)
    table = _statistics([("S1", "2019", "population", "5"), ("S1", "2020", "population", "5"),
                         ("N1", "2019", "population", "5"), ("N1", "2020", "population", "5"),
                         ("M1", "2019", "population", "5"), ("M1", "2020", "population", "5")],
                        rows=[2, 4, 6, 8, 10, 12])
    assert _problems(lambda: validate_statistics([table], catalogue, units, reference=flussstadt)) == [
        (4, "year", "Jahr 2020: Einheit 'S1' gehört zu Planungsraum 010201 (Steg), gültig bis 2019 laut raumbezug.yml"),
        (6, "year", "Jahr 2019: Einheit 'N1' gehört zu Planungsraum 010202 (Neusteg), gültig ab 2020 laut "
                    "raumbezug.yml")]


def test_without_a_reference_the_default_ones_validity_periods_are_checked(catalogue, flussstadt, monkeypatch):
    import veedel_lib.inputs.validation as validation

    units = validate_units(_table(FLUSS_COLUMNS, [("S1", "Steg 1", "010201", "0102", "01")]), flussstadt)
    monkeypatch.setattr(validation, "default_reference", lambda: flussstadt)
    table = _statistics([("S1", "2019", "population", "5"), ("S1", "2020", "population", "5")])
    assert _problems(lambda: validate_statistics([table], catalogue, units)) == [
        (3, "year", "Jahr 2020: Einheit 'S1' gehört zu Planungsraum 010201 (Steg), gültig bis 2019 laut raumbezug.yml")]


def test_a_statistics_table_without_a_column_or_rows_is_named_and_the_others_still_checked(catalogue, cologne_units):
    no_count = _table(["unit", "year", "variable"], [("80201", "2023", "population")], source="a.csv")
    empty = _statistics([], source="b.csv")
    wrong = _statistics([("80201", "2023", "population", "-1")], source="c.csv")
    with pytest.raises(DataValidationError) as caught:
        validate_statistics([no_count, empty, wrong], catalogue, cologne_units)
    assert [(p.file, p.row, p.column, p.reason) for p in caught.value.problems] == [
        ("a.csv", 1, "count", "Pflichtspalte fehlt (erwartet: unit, year, variable, count)"),
        ("b.csv", 1, None, "keine Datenzeilen: die Datei enthält nur die Kopfzeile"),
        ("c.csv", 2, "count", "negative Anzahl (Wert: -1)")]
    assert {reason for _, _, reason in _problems(lambda: validate_statistics([no_count, empty], catalogue,
                                                                            cologne_units))} == {
        "Pflichtspalte fehlt (erwartet: unit, year, variable, count)",
        "keine Datenzeilen: die Datei enthält nur die Kopfzeile"}


def test_a_rate_named_by_a_bounded_indicator_lies_between_0_and_its_scale_other_rates_are_open():
    variables = [SimpleNamespace(id=name, kind=kind) for name, kind in
                 [("p", "rate"), ("m", "rate"), ("r", "rate"), ("c", "rate"), ("free", "rate"), ("n", "count")]]
    indicators = [SimpleNamespace(rate="p", bounded=True, scale=100.0), SimpleNamespace(rate="m", bounded=True,
                                                                                         scale=1000.0),
                  SimpleNamespace(rate="r", bounded=False, scale=1000.0), SimpleNamespace(rate=None, bounded=True,
                                                                                          scale=100.0),
                  SimpleNamespace(rate="c", bounded=True, scale=1000.0), SimpleNamespace(rate="c", bounded=True,
                                                                                         scale=100.0),
                  SimpleNamespace(rate="n", bounded=True, scale=100.0)]
    limits = rate_limits(SimpleNamespace(variables=variables, indicators=indicators))
    assert limits == {"p": (0.0, 100.0), "m": (0.0, 1000.0), "r": (0.0, math.inf), "c": (0.0, 100.0),
                      "free": (-math.inf, math.inf)}


# ----------------------------------------------------------------------------- completeness

def test_runs_of_years_and_their_german_text():
    assert year_runs([2008, 2005, 2007, 2007.0]) == [[2005], [2007, 2008]] and year_runs([]) == []
    assert years_text([2022]) == "im Jahr 2022" and years_text([2003, 2003]) == "im Jahr 2003"
    assert years_text([2010, 2005, 2007, 2008, 2009]) == "in den Jahren 2005, 2007 bis 2010"
    assert years_text([2001, 2002, 2005]) == "in den Jahren 2001, 2002, 2005"


def test_a_gap_concerns_the_units_variables_and_years_it_names_or_all_when_it_names_none():
    gap = Gap("s.csv", None, "variable", "r", None, ("u1",), ("a",), (2020,))
    assert gap.touches() and gap.touches(["u1", "u2"], ["b", "a"], 2020) and gap.touches(year=2020.0)
    assert not gap.touches(["u2"]) and not gap.touches(variables=["b"]) and not gap.touches(year=2021)
    every = Gap("s.csv", None, "year", "r")
    assert every.touches(["x"], ["y"], 1999)


def test_only_variables_used_by_latest_available_indicators_alone_and_in_no_programme_figure_may_skip_years():
    catalogue = SimpleNamespace(
        indicators=[SimpleNamespace(variables=["voters", "electorate"], latest_available=True),
                    SimpleNamespace(variables=["electorate", "population"], latest_available=False),
                    SimpleNamespace(variables=["turnout", "figure"], latest_available=True)],
        programme_figures=[SimpleNamespace(variables=["figure"])])
    assert gap_year_exempt(catalogue) == {"voters", "turnout"}


def _units(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_id", "unit_name", "stadtteil_nr", "stadtteil_name"])


def _long(cells: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(cells, columns=["unit", "year", "variable"]).assign(count=1.0, suppressed=False)


GAP_CATALOGUE = SimpleNamespace(
    variables=[SimpleNamespace(id="a", label="Alpha"), SimpleNamespace(id="b", label="Beta"),
               SimpleNamespace(id="e", label="Wahl")],
    indicators=[SimpleNamespace(variables=["a", "b"], latest_available=False),
                SimpleNamespace(variables=["e"], latest_available=True)],
    programme_figures=[])


def _gaps(statistics, units, files=None, reference=None):
    files = files or {"a": ["daten/a.csv"], "b": ["daten/b.csv"], "e": ["daten/a.csv"]}
    return [(g.file, g.column, g.reason, g.units, g.variables, g.years)
            for g in completeness_gaps(statistics, units, GAP_CATALOGUE, files, reference)]


def test_a_year_without_any_row_of_a_variable_is_one_gap_and_an_election_variable_may_skip_years():
    units = _units([("u1", "Eins", 101, "Altstadt-Süd")])
    # a: 2016, 2017, 2019; b: 2016, 2019; e (elections): 2016, 2019; f (named in no file, no label): from 2017
    cells = ([("u1", y, "a") for y in (2016, 2017, 2019)] + [("u1", y, v) for y in (2016, 2019) for v in "be"]
             + [("u1", y, "f") for y in (2017, 2019)])
    files = {"a": ["daten/a.csv"], "b": ["daten/b.csv"], "e": ["daten/a.csv"]}
    assert _gaps(_long(cells), units, files) == [
        ("daten/a.csv", "year", "Variable 'a' (Alpha) fehlt für alle Einheiten im Jahr 2018 (vorhanden in den "
                                "Jahren 2016, 2017, 2019): ein Jahr ohne Daten", (), ("a",), (2018,)),
        ("daten/b.csv", "year", "Variable 'b' (Beta) fehlt für alle Einheiten in den Jahren 2017, 2018 (vorhanden "
                                "in den Jahren 2016, 2019): ein Jahr ohne Daten", (), ("b",), (2017, 2018)),
        ("a.csv, b.csv", "year", "Variable 'f' (f) fehlt für alle Einheiten im Jahr 2018 (vorhanden in den Jahren "
                                 "2017, 2019): ein Jahr ohne Daten", (), ("f",), (2018,))]
    both = [("u1", y, v) for y in (2016, 2019) for v in ("a", "b")]
    assert _gaps(_long(both), units) == [
        ("a.csv, b.csv", "year", "2 Variablen (a, b) fehlen für alle Einheiten in den Jahren 2017, 2018 (vorhanden "
                                 "in den Jahren 2016, 2019): ein Jahr ohne Daten", (), ("a", "b"), (2017, 2018))]
    assert completeness_gaps(_long([]), units, GAP_CATALOGUE, {}) == []


def test_a_missing_stadtteil_or_unit_is_one_line_and_missing_rows_are_grouped_by_their_years():
    units = _units([("u1", "Eins", 101, "Altstadt-Süd"), ("u2", "Zwei", 101, "Altstadt-Süd"),
                    ("k1", "Kalk 1", 802, "Kalk"), ("k2", "Kalk 2", 802, "Kalk"), ("d1", "Deutz 1", 105, "Deutz"),
                    ("m1", "Mülheim 1", 901, "Mülheim"), ("m2", "Mülheim 2", 901, "Mülheim"),
                    ("m3", "Mülheim 3", 901, "Mülheim")])
    cells = ([("m1", y, v) for y in (2020, 2021) for v in "abe"] + [("m2", 2020, v) for v in "abe"]
             + [("m2", 2021, "e"), ("m3", 2020, "a")] + [("k1", 2020, v) for v in "abe"])
    files = {"a": ["daten/a.csv"], "e": ["daten/e.csv"]}  # b named nowhere: its file is any of them
    note = "(ein an der Quelle unterdrückter Wert ist eine Zeile mit '*')"
    assert _gaps(_long(cells[::-1]), units, files) == [  # rows in any order: variables named in sorted order
        ("a.csv, e.csv", "unit", "Stadtteil 101 (Altstadt-Süd) fehlt ganz: keine Zeile für seine 2 Einheiten "
                                 "(u1, u2) in allen Variablen und Jahren", ("u1", "u2"), (), ()),
        ("a.csv, e.csv", "unit", "Stadtteil 105 (Deutz) fehlt ganz: keine Zeile für seine Einheit (d1) in allen "
                                 "Variablen und Jahren", ("d1",), (), ()),
        ("a.csv, e.csv", "unit", "Einheit k2 (Kalk 2) fehlt ganz: keine Zeile in allen Variablen und Jahren",
         ("k2",), (), ()),
        ("a.csv, e.csv", "variable", f"Einheit k1 (Kalk 1): keine Zeile für alle 3 Variablen im Jahr 2021 {note}",
         ("k1",), ("a", "b", "e"), (2021,)),
        ("daten/a.csv", "variable", f"Einheit m2 (Mülheim 2): keine Zeile für 2 Variablen (a, b) im Jahr 2021 "
                                    f"{note}", ("m2",), ("a", "b"), (2021,)),
        ("daten/a.csv", "variable", f"Einheit m3 (Mülheim 3): keine Zeile für a im Jahr 2021 {note}", ("m3",),
         ("a",), (2021,)),
        ("daten/e.csv", "variable", f"Einheit m3 (Mülheim 3): keine Zeile für 2 Variablen (b, e) in den Jahren "
                                    f"2020, 2021 {note}", ("m3",), ("b", "e"), (2020, 2021))]


def test_a_unit_is_expected_only_in_the_years_its_planungsraum_exists(flussstadt, tmp_path):
    units = _units([("S1", "Steg 1", "010201", "Steg"), ("N1", "Neusteg 1", "010202", "Neusteg"),
                    ("M1", "Mühle 1", "010101", "Mühle")])
    cells = [("S1", 2019, "a"), ("N1", 2020, "a"), ("M1", 2019, "a"), ("M1", 2020, "a")]
    assert _gaps(_long(cells), units, reference=flussstadt) == []
    assert _gaps(_long(cells[1:]), units, reference=flussstadt) == [
        ("daten/a.csv", "unit", "Planungsraum 010201 (Steg) fehlt ganz: keine Zeile für seine Einheit (S1) in allen "
                                "Variablen und Jahren", ("S1",), (), ())]
    # the first and the last valid year are expected too: Steg to 2019, Neusteg from 2020, Mühle always
    note = "(ein an der Quelle unterdrückter Wert ist eine Zeile mit '*')"
    cells = [("S1", 2018, "a"), ("N1", 2021, "a"), ("M1", 2018, "a"), ("M1", 2019, "a"), ("M1", 2020, "a")]
    assert _gaps(_long(cells), units, reference=flussstadt) == [
        ("daten/a.csv", "variable", f"Einheit {unit} ({name}): keine Zeile für a im Jahr {year} {note}", (unit,),
         ("a",), (year,)) for unit, name, year in [("S1", "Steg 1", 2019), ("N1", "Neusteg 1", 2020),
                                                   ("M1", "Mühle 1", 2021)]]
    # a feminine lowest level: "ihre Einheit"
    feminine = tmp_path / "weiblich.yml"
    feminine.write_text(FLUSSSTADT.replace("name: Planungsraum, plural: Planungsräume, gender: n",
                                           "name: Parzelle, plural: Parzellen, gender: f"), encoding="utf-8")
    assert _gaps(_long(cells[1:]), units, reference=load_reference(feminine))[0][2] == (
        "Parzelle 010201 (Steg) fehlt ganz: keine Zeile für ihre Einheit (S1) in allen Variablen und Jahren")


def test_units_of_cologne_have_whole_number_keys_and_the_official_names(cologne_units):
    assert cologne_units.to_dict("list") == {
        "unit_id": ["10101", "80201", "80202"], "unit_name": ["Altstadt-Süd 1", "Kalk 1", "Kalk 2"],
        "stadtteil_nr": [101, 802, 802], "stadtteil_name": ["Altstadt-Süd", "Kalk", "Kalk"],
        "stadtbezirk_nr": [1, 8, 8], "stadtbezirk_name": ["Innenstadt", "Kalk", "Kalk"]}
    assert cologne_units["stadtteil_nr"].dtype == np.int64 and cologne_units["stadtbezirk_nr"].dtype == np.int64


def test_counts_with_a_decimal_comma_and_thousands_dots_are_read_and_mixed_styles_are_named(catalogue,
                                                                                           cologne_units):
    table = _statistics([("80201", "2023", "population", "1.234"), ("80202", "2023", "population", "56")])
    table.decimal = ","
    assert validate_statistics([table], catalogue, cologne_units)["count"].tolist() == [1234.0, 56.0]
    mixed = _statistics([("80201", "2023", "population", "1.234"), ("80202", "2023", "population", "56.00"),
                         ("10101", "2023", "population", "7.50")], rows=[4, 5, 6])
    problems = _problems(lambda: validate_statistics([mixed], catalogue, cologne_units))
    # "1.234" among decimal points is the odd one out; read with the decimal point it is 1.234, no whole number
    assert [(row, reason.split(",")[0]) for row, _, reason in problems] == [
        (4, "'1.234' hat einen Tausenderpunkt"), (4, "Anzahl ist keine ganze Zahl (Wert: 1"),
        (6, "Anzahl ist keine ganze Zahl (Wert: 7")]


def test_an_indicator_whose_denominator_the_data_lack_is_not_checked(catalogue, cologne_units):
    table = _statistics([("80201", "2023", "population", "10"), ("80201", "2023", "sgb2_u15", "500")])
    assert len(validate_statistics([table], catalogue, cologne_units)) == 2


def test_a_published_rate_per_mille_is_named_with_its_per_mille_bound():
    from veedel_lib.inputs.validation import _rate_problems

    table = _statistics([("80201", "2023", "r", "1200"), ("80201", "2023", "p", "100.5"),
                         ("80201", "2023", "r", "1000")], rows=[3, 4, 5])
    typed = pd.DataFrame({"variable": ["r", "p", "r"], "count": [1200.0, 100.5, 1000.0]})
    problems = _rate_problems(table, typed, np.array([True, True, True]), {"r": (0.0, 1000.0), "p": (0.0, 100.0)})
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (3, "count", "veröffentlichter Anteil 1.200 (Variable 'r', kind: rate) liegt über 1.000 (‰)"),
        (4, "count", "veröffentlichter Anteil 100,5 (Variable 'p', kind: rate) liegt über 100 (%)")]
    assert _rate_problems(table, typed, np.array([True, False, True]), {"r": (0.0, 1500.0)}) == []


def test_schema_failures_are_named_at_their_row_or_at_the_header_and_empty_failures_are_left_to_the_caller():
    import pandera.pandas as pa

    from veedel_lib.inputs.validation import _schema_problems

    frame = pd.DataFrame({"unit": [None, "80201", "zz"], "count": [1.5, -1037.0, 2.0],
                          "year": [2023.0, 1999.0, 2023.0]})
    schema = pa.DataFrameSchema({
        "gone": pa.Column(float),  # missing from the frame: a failure without a row
        "unit": pa.Column(None, checks=pa.Check(lambda s: s == "zz", element_wise=False, error="nur zz")),
        "count": pa.Column(float, [pa.Check(lambda s: s.sum() > 100, element_wise=False, error="zu wenig"),
                                   pa.Check(lambda s: s >= 0, element_wise=False, error="negativ")]),
        "year": pa.Column(float, pa.Check(lambda s: s >= 2000, element_wise=False, error="früh"))})
    table = _statistics([("", "2023", "x", "1.5"), ("80201", "1999", "x", "-1037"), ("zz", "2023", "x", "2")],
                        rows=[7, 8, 9])
    problems = [(p.row, p.column if isinstance(p.column, str) else None, p.reason)
                for p in _schema_problems(table, frame, schema)]
    # the empty unit (not nullable, failure without a value) is left out: the caller names it "Wert fehlt"
    assert problems == [(1, None, "column_in_dataframe"), (8, "unit", "nur zz (Wert: 80201)"),
                        (8, "count", "negativ (Wert: -1.037)"), (8, "year", "früh (Wert: 1999)"),
                        (1, "count", "zu wenig")]
