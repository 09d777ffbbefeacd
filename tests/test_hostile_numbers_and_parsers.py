"""Hostile numbers and parsers that cannot be made to hang (issue #28, items 5 and 6).

Numbers that are no finite numbers (``inf``, ``NaN``, ``1e999``) and counts beyond any city are German errors
naming file, row and column; YAML anchors/aliases ("billion laughs"), deep nesting and oversized parameter files
are refused; a user's regular expression in an import mapping cannot run away.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib.errors import DataValidationError

BOMB = "\n".join(
    ['laughs0: &a0 ["lol", "lol", "lol"]']
    + [f"laughs{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 3) + "]" for i in range(1, 4)]
) + "\n"
"""A small "billion laughs": each level repeats the one below three times (the real attack uses 9 x 9)."""


def _parameters(tmp_path: Path) -> Path:
    """A copy of the project's parameters to break."""
    target = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, target)
    return target


def _loaders(parameters: Path) -> dict:
    """Every parameter file of the project with the loader a run reads it with."""
    from veedel_lib.analysis.sozialindex import load_sozialindex_config
    from veedel_lib.inputs.koeln.mapping import load_mapping
    from veedel_lib.inputs.opendata import load_sources
    from veedel_lib.kernprozess.controlling import load_targets
    from veedel_lib.kernprozess.schema import load_config as load_kernprozess
    from veedel_lib.params.areas import load_areas
    from veedel_lib.params.catalogue import load_catalogue
    from veedel_lib.params.reference import load_reference
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.planning.schema import load_config as load_planning

    return {
        "areas.yml": lambda: load_areas(parameters / "areas.yml"),
        "indicators.yml": lambda: load_catalogue(parameters / "indicators.yml"),
        "run.yml": lambda: load_run_config(parameters / "run.yml"),
        "sozialindex.yml": lambda: load_sozialindex_config(parameters / "sozialindex.yml",
                                                           load_catalogue(PARAMETERS / "indicators.yml")),
        "kernprozess.yml": lambda: load_kernprozess(parameters),
        "koeln_mapping.yml": lambda: load_mapping(parameters / "koeln_mapping.yml"),
        "koeln_sources.yml": lambda: load_sources(parameters),
        "planung.yml": lambda: load_planning(parameters),
        "targets.yml": lambda: load_targets(load_kernprozess(PARAMETERS), load_areas(PARAMETERS / "areas.yml").ids,
                                             parameters),
        "raumbezug.yml": lambda: load_reference(parameters / "raumbezug.yml"),
    }


PARAMETER_FILES = ["areas.yml", "indicators.yml", "run.yml", "sozialindex.yml", "kernprozess.yml",
                   "koeln_mapping.yml", "koeln_sources.yml", "planung.yml", "targets.yml", "raumbezug.yml"]


# ------------------------------------------------------------------------------------------------ YAML

@pytest.mark.parametrize("name", PARAMETER_FILES)
def test_a_yaml_alias_bomb_in_any_parameter_file_is_refused_naming_file_and_line(tmp_path, name):
    parameters = _parameters(tmp_path)
    path = parameters / name
    lines = path.read_text(encoding="utf-8").count("\n")
    path.write_text(path.read_text(encoding="utf-8") + BOMB, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        _loaders(parameters)[name]()
    problem = caught.value.problems[0]
    assert Path(problem.file).name == name
    assert problem.row == lines + 1, str(caught.value)
    assert "Anker und -Verweise sind in Parameterdateien nicht erlaubt" in problem.reason
    assert "„&a0“" in problem.reason


def test_a_yaml_alias_without_its_own_anchor_line_is_refused_at_the_alias(tmp_path):
    from veedel_lib.params.yamlfiles import load_yaml

    path = tmp_path / "run.yml"
    path.write_text("report_year: 2023\nformats: *nichts\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_yaml(path)
    assert caught.value.problems[0].row == 2
    assert "„*nichts“" in caught.value.problems[0].reason


def test_deeply_nested_yaml_is_a_german_error_not_a_recursion_error(tmp_path):
    from veedel_lib.params.yamlfiles import MAX_YAML_DEPTH, load_yaml

    path = tmp_path / "run.yml"
    path.write_text("report_year: 2023\nformats: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_yaml(path)
    problem = caught.value.problems[0]
    assert problem.row == 2 and f"höchstens {MAX_YAML_DEPTH} Ebenen" in problem.reason


def test_an_oversized_parameter_file_is_refused_before_it_is_parsed(tmp_path):
    from veedel_lib.params.yamlfiles import MAX_YAML_BYTES, load_yaml

    path = tmp_path / "run.yml"
    path.write_text("report_year: 2023\n" + "# Kommentar\n" * (MAX_YAML_BYTES // 12 + 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_yaml(path)
    assert "Datei ist zu groß für eine Parameterdatei" in str(caught.value)


def test_no_module_but_the_yaml_loader_parses_yaml():
    """Every YAML file of the library goes through params/yamlfiles.py (the only place with the limits above)."""
    loader = ROOT / "veedel_lib" / "params" / "yamlfiles.py"
    parsing = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|compose|parse|scan|"
                         r"(C?Safe|C?Full|C?Unsafe|C?Base)?Loader)\b|\bruamel\b")
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "veedel_lib").rglob("*.py"))
                 if path != loader
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if parsing.search(line)]
    assert offenders == []


# ------------------------------------------------------------------------------------ regular expressions

def _import_with_pattern(tmp_path: Path, pattern: str, header: str):
    """``veedel import`` of a two-row Stadtteil table whose third column is to be found by ``pattern``."""
    from veedel_lib.inputs.wide_import import import_wide_table
    from veedel_lib.params.catalogue import load_catalogue

    table = tmp_path / "tabelle.csv"
    table.write_text(f"Stadtteil;Einwohner 2023;{header}\n101;1000;5\n102;2000;7\n", encoding="utf-8")
    mapping = tmp_path / "zuordnung.yml"
    mapping.write_text("key: Stadtteil\ncolumns:\n  \"Einwohner 2023\": {variable: population, year: 2023}\n"
                       f"patterns:\n  - {{match: '{pattern}', variable: sgb2_recipients}}\n", encoding="utf-8")
    return import_wide_table(table, mapping, tmp_path / "out", load_catalogue(PARAMETERS / "indicators.yml"))


@pytest.mark.parametrize("pattern", ["(a+)+$", "^(a|aa)+$"])
def test_a_backtracking_pattern_in_an_import_mapping_is_stopped_naming_file_pattern_and_line(tmp_path, pattern):
    """Python's re needs about 2^5000 steps for this header (the old import never ended); the budget stops it."""
    with pytest.raises(DataValidationError) as caught:
        _import_with_pattern(tmp_path, pattern, "a" * 5000 + "!")
    problem = caught.value.problems[0]
    assert Path(problem.file).name == "zuordnung.yml" and problem.row == 5
    assert f"der reguläre Ausdruck '{pattern}' braucht zu lange" in problem.reason


@pytest.mark.parametrize("pattern,expected", [
    ("^(" + "x" * 296 + ")$", "regulärer Ausdruck zu lang (300 Zeichen, höchstens 200)"),
    ("^((a{1000}){1000}){1000}(\\d{4})$", "zu großen Wiederholungszahlen"),
])
def test_overlong_and_over_repeated_patterns_are_refused_at_their_line(tmp_path, pattern, expected):
    """The second pattern alone makes the regex compiler unroll a billion copies (minutes and gigabytes)."""
    with pytest.raises(DataValidationError) as caught:
        _import_with_pattern(tmp_path, pattern, "SGB II 2023")
    problem = caught.value.problems[0]
    assert Path(problem.file).name == "zuordnung.yml" and problem.row == 5, str(caught.value)
    assert expected in problem.reason


def test_a_pattern_whose_group_is_no_year_is_a_german_problem_not_a_traceback(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        _import_with_pattern(tmp_path, "^SGB II (\\w+)$", "SGB II zweitausend")
    assert "findet in Spalte 'SGB II zweitausend' kein Jahr von 1900 bis 2100" in str(caught.value)


def test_a_backtracking_ignore_pattern_of_the_koeln_mapping_is_stopped_naming_the_mapping():
    from veedel_lib.inputs.koeln.mapping import is_ignored
    from veedel_lib.params.patterns import PatternSearch

    with pytest.raises(DataValidationError) as caught:
        is_ignored("a" * 5000 + "!", ["^Summe", "^(a|aa)+$"], PatternSearch("koeln_mapping.yml"))
    assert "koeln_mapping.yml" in str(caught.value) and "'^(a|aa)+$' braucht zu lange" in str(caught.value)


# ------------------------------------------------------------------------------------ numbers: statistics

def _statistics_problems(folder: Path, rows: list[tuple]) -> list:
    """The problems of ``folder``'s statistics with ``rows`` (none: an empty list)."""
    from conftest import statistics_rows, write

    from veedel_lib.inputs.dataset import load_dataset

    write(folder / "statistics.csv", statistics_rows(rows))
    try:
        load_dataset(folder, PARAMETERS, use_cache=False)
    except DataValidationError as error:
        return error.problems
    return []


@pytest.mark.parametrize("text", ["1e999", "1" + "0" * 400])
def test_an_overflowing_count_is_a_german_error_naming_file_row_and_column(small_data, text):
    """The old reader made these infinity: "Gültig", and `veedel shares` crashed later."""
    from conftest import VALID_ROWS

    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", text)
    problems = _statistics_problems(small_data, rows)
    assert [(Path(p.file).name, p.row, p.column) for p in problems] == [("statistics.csv", 2, "count")]
    assert "Zahl zu groß" in problems[0].reason


@pytest.mark.parametrize("text,meaning", [("inf", "unendlich"), ("Infinity", "unendlich"), ("-inf", "unendlich"),
                                          ("NaN", "„keine Zahl“ (NaN)"), ("nan", "„keine Zahl“ (NaN)")])
def test_infinity_and_nan_counts_are_named_for_what_they_stand_for(small_data, text, meaning):
    from conftest import VALID_ROWS

    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", text)
    problems = _statistics_problems(small_data, rows)
    assert [(p.row, p.column) for p in problems] == [(2, "count")]
    assert f"'{text}' steht für {meaning}" in problems[0].reason


def test_a_count_above_ten_million_is_refused_as_beyond_any_city(small_data):
    from conftest import VALID_ROWS

    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", 20_000_000)
    problems = _statistics_problems(small_data, rows)
    assert [(p.row, p.column) for p in problems] == [(2, "count")]
    assert "Anzahl größer als 10.000.000" in problems[0].reason


def test_a_count_above_the_whole_citys_population_of_its_year_is_refused(small_data):
    """The three units have 4.200 residents; 5.000 moves into one of them cannot be."""
    from conftest import VALID_ROWS

    problems = _statistics_problems(small_data, [*VALID_ROWS, ("80202", 2023, "moves_in", 5000)])
    assert [(p.row, p.column) for p in problems] == [(8, "count")]
    assert "ist größer als die Einwohnerzahl der ganzen Stadt im Jahr 2023 (4.200" in problems[0].reason


def test_veedel_validate_never_says_gueltig_to_an_infinite_count(capsys, tmp_path, small_data):
    from conftest import VALID_ROWS, statistics_rows, write

    from veedel_lib import cli

    parameters = _parameters(tmp_path)
    write(parameters / "areas.yml", "areas:\n  - id: kalk\n    code: SRG09\n    name: Kalk\n    stadtbezirk: 8\n"
                                    "    stadtteile: [802]\n")
    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", "1e999")
    write(small_data / "statistics.csv", statistics_rows(rows))
    code = cli.main(["--parameters", str(parameters), "validate", str(small_data)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Gültig" not in captured.out
    assert "statistics.csv, Zeile 2, Spalte 'count': Zahl zu groß: '1e999'" in captured.out + captured.err


def test_veedel_import_refuses_an_infinite_count_naming_the_wide_tables_cell(tmp_path):
    from veedel_lib.inputs.wide_import import import_wide_table
    from veedel_lib.params.catalogue import load_catalogue

    table = tmp_path / "tabelle.csv"
    table.write_text("Stadtteil;Einwohner 2023\n101;1e999\n102;2000\n", encoding="utf-8")
    mapping = tmp_path / "zuordnung.yml"
    mapping.write_text("key: Stadtteil\ncolumns:\n  \"Einwohner 2023\": {variable: population, year: 2023}\n",
                       encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        import_wide_table(table, mapping, tmp_path / "out", load_catalogue(PARAMETERS / "indicators.yml"))
    assert [(Path(p.file).name, p.row, p.column) for p in caught.value.problems] == [
        ("tabelle.csv", 2, "Einwohner 2023")]
    assert "Zahl zu groß: '1e999'" in caught.value.problems[0].reason
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------ numbers: workbooks

def test_plan_workbooks_refuse_infinite_budgets_huge_outputs_and_targets_above_100_percent(demo, tmp_path):
    import openpyxl

    from veedel_lib.planning import load_plans

    folder = tmp_path / "daten"
    shutil.copytree(demo.data_dir / "dokumentation", folder / "dokumentation")
    (folder / "plaene").mkdir()
    path = folder / "plaene" / "kalk.xlsx"
    shutil.copy2(demo.data_dir / "plaene" / "kalk.xlsx", path)
    workbook = openpyxl.load_workbook(path)
    headers = {name: [c.value for c in workbook[name][1]] for name in ("Ziele", "Maßnahmen")}
    goals, measures = workbook["Ziele"], workbook["Maßnahmen"]
    indicator = goals.cell(row=2, column=headers["Ziele"].index("Indikator") + 1).value
    goals.cell(row=2, column=headers["Ziele"].index("Zielwert") + 1).value = 150
    measures.cell(row=2, column=headers["Maßnahmen"].index("Budget geplant (EUR)") + 1).value = "1e999"
    measures.cell(row=3, column=headers["Maßnahmen"].index("Budget geplant (EUR)") + 1).value = "inf"
    measures.cell(row=4, column=headers["Maßnahmen"].index("Mittel verausgabt (EUR)") + 1).value = 5e9
    measures.cell(row=5, column=headers["Maßnahmen"].index("Output-Ist") + 1).value = 2e7
    workbook.save(path)
    from veedel_lib.params.catalogue import load_catalogue

    catalogue = load_catalogue(PARAMETERS / "indicators.yml")
    assert any(indicator in (i.id, i.label, i.short_label) and i.unit == "percent" for i in catalogue.indicators)
    import dataclasses

    with pytest.raises(DataValidationError) as caught:
        load_plans(dataclasses.replace(demo, data_dir=folder), PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    assert "liegt über 100 %" in found[("Ziele", 2, "Zielwert")]
    assert "Zahl zu groß: '1e999'" in found[("Maßnahmen", 2, "Budget geplant (EUR)")]
    assert "'inf' steht für unendlich" in found[("Maßnahmen", 3, "Budget geplant (EUR)")]
    assert "Betrag 5.000.000.000 EUR ist größer als 1.000.000.000 EUR" in found[("Maßnahmen", 4,
                                                                                  "Mittel verausgabt (EUR)")]
    assert "ist größer als 10.000.000" in found[("Maßnahmen", 5, "Output-Ist")]


def test_kernprozess_workbooks_refuse_infinite_and_impossible_counts_and_amounts(tmp_path):
    import datetime as dt

    import openpyxl

    from veedel_lib import kernprozess
    from veedel_lib.kernprozess.templates import write_templates

    (path,) = write_templates(tmp_path / "daten" / "dokumentation", PARAMETERS, ["kalk"])
    workbook = openpyxl.load_workbook(path)
    row = ["Wohnen", dt.datetime(2023, 3, 1), None, "laufend"]
    records = [[*row, 1000, 500, "1e999", 10], [*row, 1000, 500, 1, 20_000_000], [*row, 6e9, 500, 1, "NaN"]]
    for offset, values in enumerate(records):
        for column, value in enumerate(["Kalk", f"P-2023-0{offset + 1}", *values, "Name", None], start=1):
            workbook["Projekte"].cell(row=2 + offset, column=column, value=value)
    workbook.save(path)
    with pytest.raises(DataValidationError) as caught:
        kernprozess.load_documentation(tmp_path / "daten", PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    assert "Zahl zu groß: '1e999'" in found[("Projekte", 2, "Partnerorganisationen (Anzahl)")]
    assert "ist größer als 10.000.000" in found[("Projekte", 3, "erreichte Bewohner*innen (Anzahl)")]
    assert "Betrag 6.000.000.000 EUR" in found[("Projekte", 4, "Mittel beantragt (EUR)")]
    assert "'NaN' steht für „keine Zahl“" in found[("Projekte", 4, "erreichte Bewohner*innen (Anzahl)")]


# ------------------------------------------------------------------------------------ numbers: YAML

@pytest.mark.parametrize("old,new", [("elevated_ratio: 1.25", "elevated_ratio: .inf"),
                                     ("elevated_ratio: 1.25", "elevated_ratio: 1e999"),
                                     ("cv_threshold: 0.3", "cv_threshold: .nan"),
                                     ("cv_threshold: 0.3", "cv_threshold: Infinity")])
def test_infinite_and_nan_parameters_are_refused_at_their_line(tmp_path, old, new):
    parameters = _parameters(tmp_path)
    path = parameters / "run.yml"
    text = path.read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        _loaders(parameters)["run.yml"]()
    assert [(Path(p.file).name, p.row) for p in caught.value.problems] == [("run.yml", line)]
    assert "keine endliche Zahl" in caught.value.problems[0].reason


@pytest.mark.parametrize("new,expected", [
    ("anteil_weitergegeben: 150", "Ziel 150 % liegt über 100 %: ein Anteil kann nicht höher sein"),
    ("anteil_weitergegeben: 1e999", "keine endliche Zahl"),
])
def test_targets_beyond_what_an_indicator_can_reach_are_refused_at_their_line(tmp_path, new, expected):
    parameters = _parameters(tmp_path)
    path = parameters / "targets.yml"
    text = path.read_text(encoding="utf-8")
    old = "anteil_weitergegeben: 50"
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        _loaders(parameters)["targets.yml"]()
    assert [(Path(p.file).name, p.row) for p in caught.value.problems] == [("targets.yml", line)]
    assert expected in caught.value.problems[0].reason


def test_a_quoted_infinity_in_a_number_parameter_is_refused_at_its_line(tmp_path):
    """A quoted "inf" stays a text for YAML, but pydantic makes it infinity in a number field (1,25-fold above)."""
    parameters = _parameters(tmp_path)
    path = parameters / "run.yml"
    text = path.read_text(encoding="utf-8")
    line = text[:text.index("elevated_ratio: 1.25")].count("\n") + 1
    path.write_text(text.replace("elevated_ratio: 1.25", 'elevated_ratio: "inf"', 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        _loaders(parameters)["run.yml"]()
    assert [(Path(p.file).name, p.row) for p in caught.value.problems] == [("run.yml", line)]
    assert "keine endliche Zahl" in caught.value.problems[0].reason
    assert caught.value.problems[0].column.endswith("elevated_ratio")
