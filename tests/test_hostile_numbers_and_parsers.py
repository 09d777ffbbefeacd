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
        "targets.yml": lambda: load_targets(load_kernprozess(PARAMETERS), ["kalk"], parameters),
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
