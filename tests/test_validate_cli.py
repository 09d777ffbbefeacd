"""``veedel validate``: problems first and "Gültig" only without them; input text never becomes rich markup;
missing rows are listed under their own heading with exit code 1 (2 with --strict) (issue #15, items 4 and 11)."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS, UNITS_CSV, VALID_ROWS, statistics_rows, write

from veedel_lib import cli

KALK_ONLY = """areas:
  - id: kalk
    code: SRG09
    name: Kalk
    stadtbezirk: 8
    stadtteile: [802]
"""


@pytest.fixture
def parameters(tmp_path):
    """The project's parameters with one area (Kalk) that the small test data cover."""
    folder = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, folder)
    write(folder / "areas.yml", KALK_ONLY)
    return folder


def validate(capsys, parameters, *arguments) -> tuple[int, str]:
    code = cli.main(["--parameters", str(parameters), "validate", *map(str, arguments)])
    return code, capsys.readouterr().out


def test_complete_data_are_valid_with_exit_code_0(capsys, parameters, small_data):
    code, output = validate(capsys, parameters, small_data)
    assert code == 0
    assert output.startswith("Gültig:") and "Unvollständige Daten" not in output


def test_a_missing_row_is_listed_with_exit_code_1(capsys, parameters, small_data):
    """Regression: deleting a row validated with exit code 0 and removed results silently (item 4)."""
    write(small_data / "statistics.csv", statistics_rows([r for r in VALID_ROWS if r[:3] != ("80202", 2023, "pop_0_5")]))
    code, output = validate(capsys, parameters, small_data)
    assert code == 1
    heading = output.index("Unvollständige Daten (1 Meldung")
    line = output.index("Einheit 80202 (Kalk 2): keine Zeile für pop_0_5 im Jahr 2023")
    assert heading < line < output.index("Gültig, aber unvollständig")


def test_strict_treats_missing_rows_as_errors(capsys, parameters, small_data):
    write(small_data / "statistics.csv", statistics_rows([r for r in VALID_ROWS if r[0] != "10101"]))
    code, output = validate(capsys, parameters, small_data, "--strict")
    assert code == 2
    assert "Stadtteil 101 (Altstadt-Süd) fehlt ganz" in output and "Ungültig:" in output
    assert "Gültig:" not in output


def test_header_only_statistics_give_a_german_error_not_a_traceback(capsys, parameters, small_data):
    """Regression: "Gültig:" and then an IndexError from dataset.py (item 11)."""
    write(small_data / "statistics.csv", "unit;year;variable;count\n")
    code, output = validate(capsys, parameters, small_data)
    assert code == 2
    assert "keine Datenzeilen" in output and "Gültig" not in output


def test_problems_come_first_and_there_is_no_gueltig(capsys, small_data):
    """With the full areas.yml most areas have no units in the small data: problems, then "Ungültig" (item 11)."""
    code, output = validate(capsys, PARAMETERS, small_data)
    assert code == 2
    assert output.index("Probleme in der Abgrenzung") < output.index("Gebiet bilderstoeckchen") < output.index(
        "Ungültig:")
    assert "Gültig:" not in output


def test_text_from_input_is_never_read_as_markup(capsys, parameters, tmp_path):
    """Regression: a cell or folder name containing "[/x]" crashed validation with a rich MarkupError (item 11)."""
    folder = tmp_path / "[/x] daten [bold]"
    write(folder / "units.csv", UNITS_CSV.replace("Kalk 2", "Kalk [/x]"))
    write(folder / "statistics.csv", statistics_rows([r for r in VALID_ROWS if r[0] != "80202"]))
    code, output = validate(capsys, parameters, folder)
    assert code == 1
    assert "Einheit 80202 (Kalk [/x]) fehlt ganz" in output and "[/x] daten [bold]" in output


def test_a_bad_area_id_names_the_allowed_form_intact(capsys, parameters, small_data):
    """Regression: the pattern '^[a-z0-9][a-z0-9-]*$' showed as '^*$' (rich ate the brackets), in English."""
    write(parameters / "areas.yml", KALK_ONLY.replace("id: kalk", "id: ../../x"))
    code, output = validate(capsys, parameters, small_data)
    assert code == 2
    assert "'../../x'" in output and "nur Kleinbuchstaben, Ziffern und Bindestriche" in output
    assert "String should" not in output
