"""Every message about broken input is German: pydantic's and PyYAML's English never reaches the planner,
numbers read "-1.037", not "-1037.0" (issue #15, item 16)."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS, VALID_ROWS, statistics_rows, write

from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.dataset import load_dataset

ENGLISH = ("Input should", "String should", "Field required", "value is not", "should be", "Extra inputs",
           "List should", "Value error", "valid integer", "valid number", "could not", "found character",
           "mapping values", "expected", "while scanning", "while parsing", "unterminated", "at position",
           " or ")


def _load(name: str, parameters):
    """Load one parameter file of ``parameters`` with its own loader."""
    from veedel_lib.analysis.sozialindex import load_sozialindex_config
    from veedel_lib.inputs.koeln.mapping import load_mapping
    from veedel_lib.inputs.opendata import load_sources
    from veedel_lib.kernprozess.schema import load_config
    from veedel_lib.params.catalogue import load_catalogue
    from veedel_lib.params.run_config import load_run_config

    loaders = {
        "areas.yml": lambda: _areas(parameters / "areas.yml"),
        "indicators.yml": lambda: load_catalogue(parameters / "indicators.yml"),
        "run.yml": lambda: load_run_config(parameters / "run.yml"),
        "sozialindex.yml": lambda: load_sozialindex_config(parameters / "sozialindex.yml",
                                                           load_catalogue(PARAMETERS / "indicators.yml")),
        "kernprozess.yml": lambda: load_config(parameters),
        "koeln_mapping.yml": lambda: load_mapping(parameters / "koeln_mapping.yml"),
        "koeln_sources.yml": lambda: load_sources(parameters),
    }
    return loaders[name]()


def _areas(path):
    """areas.yml: a mistake inside one area's entry makes that area broken (its reports fail), others stay usable."""
    from veedel_lib.params.areas import load_areas

    definitions = load_areas(path)
    problems = [p for area in definitions.broken for p in area.problems]
    if problems:
        raise DataValidationError(problems)
    return definitions


BROKEN = [  # file, text to replace (first occurrence), replacement, what the German message must say
    ("areas.yml", "id: kalk", "id: ../../x", "nur Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit "
                                             "Buchstabe oder Ziffer"),
    ("areas.yml", "stadtbezirk: 4", "stadtbezirk: vier", "Stadtbezirk vier gibt es nicht in Köln"),
    ("areas.yml", "at_stadtteil_level: include", "at_stadtteil_level: ja", "erlaubt: 'include' oder 'exclude'"),
    ("areas.yml", "since: 2006", "since: 2006.5", "keine ganze Zahl"),
    ("indicators.yml", "direction: neutral", "direction: egal", "unzulässiger Wert 'egal'"),
    ("indicators.yml", "published_share: 28.0", "published_share: 128.5", "darf höchstens 100 sein (Wert: 128,5)"),
    ("indicators.yml", "publish_threshold: 5", "publish_threshold: 0", "muss mindestens 1 sein (Wert: 0)"),
    ("indicators.yml", "numerator: [pop_0_5]", "numerator: []", "numerator und denominator gehören zusammen"),
    ("indicators.yml", "    bounded: false", "    bounded: vielleicht", "kein Wahrheitswert"),
    ("indicators.yml", "id: share_0_5", "id: Share-0-5", "beginnend mit einem Buchstaben"),
    ("indicators.yml", "label: Anteil der Kinder unter 6 Jahren", "label: [1, 2]", "kein Text"),
    ("indicators.yml", "direction: neutral", "direction: neutral: x", "YAML-Syntaxfehler"),
    ("indicators.yml", "numerator: [pop_0_5]", "numerator: [pop_0_5", "nicht geschlossen"),
    ("indicators.yml", "    short_label: 0 bis 5 Jahre", "\tshort_label: 0 bis 5 Jahre", "Tabulator"),
    ("indicators.yml", "label: Anteil der Kinder unter 6 Jahren", 'label: "Anteil', "YAML-Syntaxfehler (Zeile"),
    ("run.yml", "confidence_level: 0.95", "confidence_level: 1.5", "muss kleiner als 1 sein (Wert: 1,5)"),
    ("run.yml", "confidence_level: 0.95", "confidence_level: hoch", "keine Zahl"),
    ("run.yml", "formats: [html, pdf]", "formats: [html, docx]", "'html' oder 'pdf'"),
    ("run.yml", "placebo_draws: 400", "placebo_draws: 50000", "darf höchstens 5.000 sein (Wert: 50.000)"),
    ("run.yml", "baseline_year: 2020", "baseline_yaer: 2020", "unbekannter Schlüssel"),
    ("run.yml", "jobs: null", "jobs: {a: 1}", "keine ganze Zahl"),
    ("sozialindex.yml", "ddof: 0", "ddof: 2", "erlaubt: 0 oder 1"),
    ("sozialindex.yml", "min_population: 300", "min_population: -300", "muss mindestens 0 sein (Wert: -300)"),
    ("kernprozess.yml", "id: themen_erkannt", "id: Themen erkannt", "nur Kleinbuchstaben, Ziffern und Unterstriche"),
    ("kernprozess.yml", "first_year: 2020", "first_year: 1900", "muss mindestens 1.975 sein"),
    ("koeln_mapping.yml", "year: 2011", "year: zweitausend", "keine ganze Zahl"),
    ("koeln_mapping.yml", "- '^(Männlich|Weiblich)$'", "- '^(Männlich|Weiblich$'",
     "kein gültiger regulärer Ausdruck: eine Klammer „(“ wird nicht geschlossen bei Zeichen 2"),
    ("koeln_sources.yml", "koeln_stadtteile_wgs84.geojson: null", "koeln_stadtteile_wgs84.geojson: [1, 2]",
     "kein Text"),
]


@pytest.mark.parametrize("name,old,new,expected", BROKEN, ids=[f"{b[0]}:{b[2]}" for b in BROKEN])
def test_broken_parameters_give_german_messages(tmp_path, name, old, new, expected):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    path = parameters / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} steht nicht (mehr) in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        _load(name, parameters)
    message = str(caught.value)
    assert expected in message, message
    for phrase in ENGLISH:
        assert phrase not in message, f"englischer Text {phrase!r} in: {message}"
    assert all(p.row is not None for p in caught.value.problems), message   # every problem names its line


def test_numbers_in_data_messages_are_german(small_data):
    rows = list(VALID_ROWS)
    rows[0] = ("80201", 2023, "population", -1037)
    rows[1] = ("80201", 2023, "pop_0_5", "2.5")
    write(small_data / "statistics.csv", statistics_rows(rows + [("80201", 1890, "pop_6_14", 1)]))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(small_data, PARAMETERS, use_cache=False)
    message = str(caught.value)
    assert "negative Anzahl (Wert: -1.037)" in message and "-1037.0" not in message
    assert "keine ganze Zahl (Wert: 2,5)" in message
    assert "(Wert: 1890)" in message                     # a year has no thousands dot


def test_numerator_above_denominator_in_german_numbers(small_data):
    rows = list(VALID_ROWS)
    rows[2] = ("80202", 2023, "population", 1200)
    rows[3] = ("80202", 2023, "pop_0_5", 1234)
    write(small_data / "statistics.csv", statistics_rows(rows))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(small_data, PARAMETERS, use_cache=False)
    assert "pop_0_5 = 1.234 > population = 1.200" in str(caught.value)


def test_german_number():
    from veedel_lib.errors import german_number

    assert german_number(-1037.0) == "-1.037"
    assert german_number(2.5) == "2,5"
    assert german_number(2024, grouping=False) == "2024"
    assert german_number(float("nan")) == "(leer)"


def test_problem_counts_are_german_numbers():
    from veedel_lib.errors import DataValidationError, Problem

    error = DataValidationError([Problem("statistics.csv", row, "count", "keine Zahl") for row in range(2, 1236)])
    message = str(error)
    assert message.startswith("1.234 Probleme in den Eingabedaten") and "... und 1.034 weitere" in message
