"""Broken input gets one clear error naming file, row, column and reason, listing every problem."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS, UNITS_CSV, VALID_ROWS, statistics_rows, write

from veedel_lib.demo.generator import ensure_demo_data
from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.dataset import load_dataset


def problems_of(folder, parameters=PARAMETERS):
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder, parameters, use_cache=False)
    return caught.value.problems


def find(problems, file, row, column, text):
    """The problem at file/row/column whose reason contains text (fails with all problems listed)."""
    matches = [p for p in problems if p.file.endswith(file) and p.row == row and p.column == column
               and text in p.reason]
    assert matches, f"erwartet {file}:{row}:{column} '{text}', gefunden:\n" + "\n".join(map(str, problems))
    return matches[0]


def broken(small_data, rows):
    write(small_data / "statistics.csv", statistics_rows(rows))
    return small_data


def test_valid_small_data_loads(small_data):
    ds = load_dataset(small_data, PARAMETERS, use_cache=False)
    assert len(ds.statistics) == len(VALID_ROWS)
    assert list(ds.units["stadtteil_nr"]) == [101, 802, 802]


def test_missing_column_is_named(small_data):
    write(small_data / "statistics.csv", "unit;year;variable\n80201;2023;population\n")
    find(problems_of(small_data), "statistics.csv", 1, "count", "Pflichtspalte fehlt")


def test_unexpected_column_is_not_silently_dropped(small_data):
    write(small_data / "statistics.csv", "unit;year;variable;count;note\n80201;2023;population;5;x\n")
    find(problems_of(small_data), "statistics.csv", 1, "note", "unbekannte Spalte")


def test_wrong_types_are_named_with_row_and_column(small_data):
    rows = list(VALID_ROWS)
    rows[1] = ("80201", "20x3", "pop_0_5", 100)
    rows[2] = ("80202", 2023, "population", "viele")
    problems = problems_of(broken(small_data, rows))
    find(problems, "statistics.csv", 3, "year", "kein Jahr")
    find(problems, "statistics.csv", 4, "count", "keine Zahl")


def test_unknown_unit_and_variable(small_data):
    rows = VALID_ROWS + [("99999", 2023, "population", 5), ("80201", 2023, "einwohner", 5)]
    problems = problems_of(broken(small_data, rows))
    find(problems, "statistics.csv", 8, "unit", "unbekannte Einheit")
    find(problems, "statistics.csv", 9, "variable", "unbekannte Variable")


def test_unknown_stadtteil_and_mismatched_bezirk_in_units(small_data):
    write(small_data / "units.csv", UNITS_CSV + "99901;Atlantis;Atlantis;9\n10102;x;101;8\n")
    problems = problems_of(small_data)
    find(problems, "units.csv", 5, "stadtteil", "kein Kölner Stadtteil")
    find(problems, "units.csv", 6, "stadtbezirk", "liegt im Stadtbezirk 1")


def test_negative_and_fractional_counts(small_data):
    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", -5)
    rows[3] = ("80202", 2023, "pop_0_5", "2.5")
    problems = problems_of(broken(small_data, rows))
    find(problems, "statistics.csv", 2, "count", "negative Anzahl")
    find(problems, "statistics.csv", 5, "count", "keine ganze Zahl")


def test_numerator_above_denominator(small_data):
    rows = VALID_ROWS + [("80201", 2023, "pop_6_14", 50), ("80201", 2023, "sgb2_u15", 400)]
    problem = find(problems_of(broken(small_data, rows)), "statistics.csv", 9, "count", "Zähler größer als Nenner")
    assert "sgb2_children_quote" in problem.reason and "400" in problem.reason and "150" in problem.reason


def test_duplicate_keys_within_and_across_files(small_data):
    rows = VALID_ROWS + [("80201", 2023, "population", 999)]
    broken(small_data, rows)
    write(small_data / "statistics_extra.csv", statistics_rows([("80202", 2023, "pop_0_5", 20)]))
    problems = problems_of(small_data)
    first = find(problems, "statistics.csv", 2, "unit", "doppelter Eintrag")
    assert "Zeile 8" in first.reason
    across = find(problems, "statistics_extra.csv", 2, "unit", "doppelter Eintrag")
    assert "statistics.csv, Zeile 5" in across.reason


def test_years_out_of_range(small_data):
    rows = VALID_ROWS + [("80201", 1890, "population", 5), ("80201", 2099, "population", 5)]
    problems = problems_of(broken(small_data, rows))
    find(problems, "statistics.csv", 8, "year", "Jahr außerhalb")
    find(problems, "statistics.csv", 9, "year", "Jahr außerhalb")


def test_ragged_row_is_reported_not_dropped(small_data):
    text = statistics_rows(VALID_ROWS) + "80201;2022;population;5;7\n"
    write(small_data / "statistics.csv", text)
    find(problems_of(small_data), "statistics.csv", 8, None, "Felder")


def test_empty_cell_is_missing_not_zero(small_data):
    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", "")
    find(problems_of(broken(small_data, rows)), "statistics.csv", 2, "count", "Wert fehlt")


def test_all_problems_are_listed_at_once(small_data):
    rows = [("99999", 1890, "unbekannt", -1), ("80201", 2023, "population", "zwölf")] + VALID_ROWS[1:]
    error = pytest.raises(DataValidationError, load_dataset, broken(small_data, rows), PARAMETERS,
                          use_cache=False).value
    reasons = " | ".join(p.reason for p in error.problems)
    for text in ("unbekannte Einheit", "Jahr außerhalb", "unbekannte Variable", "negative Anzahl", "keine Zahl"):
        assert text in reasons
    assert "statistics.csv, Zeile 2, Spalte 'unit'" in str(error)


def test_unknown_unit_in_areas_yml_fails_only_that_area(tmp_path, demo):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    areas = parameters / "areas.yml"
    areas.write_text(areas.read_text(encoding="utf-8").replace('units: ["90101"]', 'units: ["99999"]'),
                     encoding="utf-8")
    ds = load_dataset("demo", parameters, use_cache=False, demo=ensure_demo_data)
    with pytest.raises(DataValidationError) as caught:
        ds.unit_ids("buchforst-muelheim-sued")
    problem = caught.value.problems[0]
    assert problem.file.endswith("areas.yml") and problem.row is not None and "99999" in problem.reason
    assert problem.column == "areas[4].partial[0].units"
    assert len(ds.unit_ids("kalk")) > 0                      # other areas unaffected


def test_catalogue_error_names_line_and_key(tmp_path):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    catalogue = parameters / "indicators.yml"
    text = catalogue.read_text(encoding="utf-8").replace("numerator: [sgb2_recipients]", "numerator: [sgb2_recipent]")
    catalogue.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "sgb2_recipent" in l)
    with pytest.raises(DataValidationError) as caught:
        load_dataset("demo", parameters, use_cache=False, demo=ensure_demo_data)
    problem = caught.value.problems[0]
    assert problem.row == line and "sgb2_recipent" in problem.reason


def _catalogue_with(tmp_path, old, new):
    """A copy of the parameters whose indicators.yml has ``old`` replaced by ``new`` (once)."""
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    path = parameters / "indicators.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return parameters


SGB2_LINE = ("{id: sgb2_recipients, label: Leistungsberechtigte nach dem SGB II, source: Statistik der Bundesagentur "
             "für Arbeit, publish_threshold: 10}")


def test_deleted_threshold_falls_back_to_the_source_rule_and_is_named(tmp_path, small_data):
    """Regression: without publish_threshold the SGB II count silently became publishable from 3 (item 14)."""
    parameters = _catalogue_with(tmp_path, SGB2_LINE, SGB2_LINE.replace(", publish_threshold: 10", ""))
    ds = load_dataset(small_data, parameters, use_cache=False)
    assert ds.catalogue.variable("sgb2_recipients").publish_threshold is None
    assert ds.catalogue.variable_threshold("sgb2_recipients") == 10
    assert ds.catalogue.threshold(ds.catalogue.indicator("sgb2_quote")) == 10
    note = next(n for n in ds.notes if "Bundesagentur für Arbeit" in n)
    assert "unter 10" in note and "Leistungsberechtigte nach dem SGB II" in note


def test_missing_threshold_without_a_source_rule_is_an_error(tmp_path):
    new = SGB2_LINE.replace(", publish_threshold: 10", "").replace("Statistik der Bundesagentur für Arbeit",
                                                                   "Jobcenter Köln")
    parameters = _catalogue_with(tmp_path, SGB2_LINE, new)
    line = next(i for i, text in enumerate((parameters / "indicators.yml").read_text(encoding="utf-8").splitlines(), 1)
                if "Jobcenter Köln" in text)
    from veedel_lib.params.catalogue import load_catalogue

    with pytest.raises(DataValidationError) as caught:
        load_catalogue(parameters / "indicators.yml")
    problem = caught.value.problems[0]
    assert problem.row == line and problem.column.endswith(".publish_threshold")
    assert "Veröffentlichungsschwelle fehlt" in problem.reason and "Jobcenter Köln" in problem.reason


def test_demo_catalogue_thresholds_are_unchanged(demo):
    """Every count of the demo catalogue keeps its own threshold: BA data 10, the city's data 5 (a published rate,
    ``kind: rate``, is no count and has none)."""
    counts = [v for v in demo.catalogue.variables if v.kind == "count"]
    thresholds = {v.id: demo.catalogue.variable_threshold(v.id) for v in counts}
    assert all(v.publish_threshold is not None for v in counts)
    assert {t for v, t in thresholds.items() if "Bundesagentur" in demo.catalogue.variable(v).source} == {10}
    assert {t for v, t in thresholds.items() if "Bundesagentur" not in demo.catalogue.variable(v).source} == {5}
    assert not any("Veröffentlichungsschwelle" in n for n in demo.notes)


def test_header_only_statistics_file_is_an_error_not_a_crash(small_data):
    """Regression: a statistics.csv with only its header validated and then failed with an IndexError (item 11)."""
    write(small_data / "statistics.csv", "unit;year;variable;count\n")
    find(problems_of(small_data), "statistics.csv", 1, None, "keine Datenzeilen")


def test_header_only_units_file_is_an_error(small_data):
    write(small_data / "units.csv", "unit_id;unit_name;stadtteil;stadtbezirk\n")
    find(problems_of(small_data), "units.csv", 1, None, "keine Datenzeilen")


def test_a_suppressed_denominator_is_not_zero_in_the_ratio_check(small_data):
    """Regression: the check summed a suppressed population as 0 and reported 'pop_0_5 = 100 > population = 0'."""
    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", "*")
    ds = load_dataset(broken(small_data, rows), PARAMETERS, use_cache=False)
    assert ds.statistics["suppressed"].sum() == 1


def test_a_suppressed_numerator_part_still_lets_the_others_exceed_the_denominator(small_data):
    rows = VALID_ROWS + [("80202", 2023, "sgb2_recipients", 150), ("80202", 2023, "sgb12_hlu", "*"),
                         ("80202", 2023, "gsi_age", 60), ("80202", 2023, "gsi_em", 0), ("80202", 2023, "asylblg", 0)]
    problem = find(problems_of(broken(small_data, rows)), "statistics.csv", 8, "count", "Zähler größer als Nenner")
    assert "transfer_quote" in problem.reason and "= 210 > population = 200" in problem.reason
