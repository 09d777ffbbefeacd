"""Integrierte Sozialraumgebietsplanung: plan workbook (template, validation with sheet/row/column errors, persons
dropped), prefill from the analysis, demo plans, and the monitoring of goals and measures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib.analysis.comparison import compare_with_city, handlungsbedarfe
from veedel_lib.errors import ConfigurationError, DataValidationError
from veedel_lib.planning import SHEETS, load_plans
from veedel_lib.planning.monitoring import (
    NOT_MEASURABLE,
    OFF_TRACK,
    ON_TRACK,
    UNCERTAIN,
    monitor_goals,
    monitor_measures,
    track_goal,
)
from veedel_lib.planning.prefill import write_prefilled
from veedel_lib.planning.templates import HELP_SHEET

PERSON_KEYS = {"contact", "email"}


def _data_folder(demo, tmp_path, areas=("kalk",)):
    """A data folder with the demo's Kernprozess documentation and the plans of ``areas`` (statistics stay in the
    demo folder: the dataset is the demo's, pointed at this folder)."""
    folder = tmp_path / "daten"
    shutil.copytree(demo.data_dir / "dokumentation", folder / "dokumentation")
    (folder / "plaene").mkdir()
    for area in areas:
        shutil.copy2(demo.data_dir / "plaene" / f"{area}.xlsx", folder / "plaene" / f"{area}.xlsx")
    return folder, dataclasses.replace(demo, data_dir=folder)


def _set(path, sheet, row, header, value):
    """Set one cell of a plan workbook by sheet, spreadsheet row and column header."""
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    column = [c.value for c in worksheet[1]].index(header) + 1
    worksheet.cell(row=row, column=column).value = value  # cell(value=None) would leave the cell as it is
    workbook.save(path)


def _row_of(path, sheet, header, value):
    """The spreadsheet row whose column ``header`` holds ``value``."""
    worksheet = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(worksheet.iter_rows(values_only=True))
    column = list(rows[0]).index(header)
    return next(i for i, r in enumerate(rows, start=1) if r[column] == value)


# ----------------------------------------------------------------------------- template and demo plans

def test_plan_workbook_has_the_sheets_dropdowns_and_explanations(demo, tmp_path):
    path = write_prefilled(demo, "kalk", tmp_path, PARAMETERS, "2021-2025")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:7] == [s.name for s in SHEETS] + [HELP_SHEET]
    assert workbook["Listen"].sheet_state == "hidden"
    goals = workbook["Ziele"]
    lists = [v for v in goals.data_validations.dataValidation if v.type == "list"]
    indicator_column = [c.value for c in goals[1]].index("Indikator") + 1
    letter = openpyxl.utils.get_column_letter(indicator_column)
    assert any(f"{letter}2" in str(v.sqref) for v in lists), "Indikator has a drop-down"
    assert any(v.type == "whole" for v in goals.data_validations.dataValidation), "years are checked"
    explained = {(r[0].value, r[1].value) for r in workbook[HELP_SHEET].iter_rows(min_row=5)}
    for sheet in SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.header) in explained
    again = write_prefilled(demo, "kalk", tmp_path / "again", PARAMETERS, "2021-2025", as_of=dt.date.today())
    assert again.read_bytes() == path.read_bytes(), "same content, same bytes"


def test_demo_plans_are_valid_person_free_and_follow_the_areas_own_needs(demo):
    plans = load_plans(demo, PARAMETERS)
    assert len(plans.files) == 15 and set(plans.plans["area_id"]) == set(demo.areas.ids)
    assert set(plans.plans["period"]) == {"2021–2025"}
    for sheet in SHEETS:
        assert not PERSON_KEYS & set(plans.table(sheet.key).columns)
    assert set(plans.needs["source"]) == {"Sozialraumgebietsanalyse", "Thema der Sozialraumkoordination",
                                          "gesamtstädtisches Thema"}
    for area_id, goals in plans.goals.groupby("area_id"):
        needs = handlungsbedarfe(compare_with_city(demo, area_id, 2020))
        assert set(goals["indicator"]) <= set(needs["indicator"]), area_id
        assert (goals["baseline_year"] == 2020).all()
    decisions = plans.decisions
    assert {"Planungskonferenz", "Bezirksvertretung", "Meilensteinkonferenz"} <= set(decisions["committee"])
    bv = decisions[decisions["committee"] == "Bezirksvertretung"]
    assert (bv.groupby("area_id")["date"].min().dt.year == 2021).all()
    assert (decisions[decisions["committee"] == "Meilensteinkonferenz"]["date"].dt.year == 2023).all()
    status = monitor_goals(demo, plans, 2024)["status"]
    # judged on the prediction interval of the 2025 value (issue #29), five yearly values leave many goals open
    assert (status == UNCERTAIN).sum() >= 3 and (status == OFF_TRACK).sum() >= 3, status.value_counts()


def test_demo_plans_are_written_deterministically(demo, tmp_path):
    from veedel_lib.demo.plans import write_demo_plans
    from veedel_lib.kernprozess.documentation import load_documentation
    from veedel_lib.planning.schema import load_config
    from veedel_lib.planning.validation import vocabularies

    config = load_config(PARAMETERS)
    lists = vocabularies(config, PARAMETERS, demo.catalogue)
    documentation = load_documentation(demo.data_dir, PARAMETERS)
    paths = write_demo_plans(tmp_path, demo, documentation, config, lists, dt.date(2024, 12, 31), 20191212,
                             ["kalk", "hoehenberg-vingst"])
    for path in paths:
        assert path.read_bytes() == (demo.data_dir / "plaene" / path.name).read_bytes()


# ----------------------------------------------------------------------------- validation

def test_every_bad_input_is_named_with_sheet_row_and_column(demo, tmp_path):
    folder, ds = _data_folder(demo, tmp_path)
    path = folder / "plaene" / "kalk.xlsx"
    _set(path, "Ziele", 2, "Indikator", "Glücksquote")                      # unknown indicator
    _set(path, "Ziele", 3, "Zieljahr", 2019)                                # target year before the baseline year
    _set(path, "Maßnahmen", 2, "Projekt-Nr.", "P-2021-99")                  # project that does not exist
    _set(path, "Maßnahmen", 3, "Budget geplant (EUR)", "zwanzigtausend")    # budget as text
    _set(path, "Maßnahmen", 4, "Status", "halb fertig")                     # unknown status
    _set(path, "Beschlüsse", 2, "Datum", dt.datetime(2031, 1, 15))          # decision dated in the future
    _set(path, "Plan", 3, "Gebiet", "Kalk")                                 # a second period overlapping 2021–2025
    _set(path, "Plan", 3, "Planungszeitraum", "2024-2028")
    _set(path, "Plan", 3, "federführend", "Stadt Köln, Sozialplanung")
    _set(path, "Strategien", 2, "Strategie", "Rückfragen an anna.muster@stadt-koeln.de")  # a person in public text
    with pytest.raises(DataValidationError) as caught:
        load_plans(ds, PARAMETERS, today=dt.date(2025, 6, 30))
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    expected = {
        ("Ziele", 2, "Indikator"): "unbekannter Indikator 'Glücksquote'",
        ("Ziele", 3, "Zieljahr"): "Zieljahr 2019 liegt nicht nach dem Basisjahr 2020",
        ("Maßnahmen", 2, "Projekt-Nr."): "Projekt P-2021-99 gibt es in der Dokumentation der Kernprozesse",
        ("Maßnahmen", 3, "Budget geplant (EUR)"): "keine Zahl (Wert: 'zwanzigtausend')",
        ("Maßnahmen", 4, "Status"): "unbekannter Wert 'halb fertig' (erlaubt: geplant, in Vorbereitung",
        ("Beschlüsse", 2, "Datum"): "liegt in der Zukunft",
        ("Plan", 3, "Planungszeitraum"): "Planungszeitraum 2024–2028 überschneidet sich mit 2021–2025 (Zeile 2)",
        ("Strategien", 2, "Strategie"): "enthält eine E-Mail-Adresse",
    }
    for place, reason in expected.items():
        assert place in found, f"nicht gemeldet: {place}"
        assert reason in found[place], (place, found[place])
    assert set(found) == set(expected), f"unerwartet: {set(found) - set(expected)}"
    message = str(caught.value)
    assert "kalk.xlsx, Blatt 'Maßnahmen', Zeile 3, Spalte 'Budget geplant (EUR)'" in message


def test_more_rules_of_the_plan_workbook(demo, tmp_path):
    """Direction against the indicator, baseline year without data, a missing Drucksache, a link to a goal that
    does not exist, a bottom-up need without a passed theme, a file that belongs to no area."""
    folder, ds = _data_folder(demo, tmp_path)
    path = folder / "plaene" / "kalk.xlsx"
    _set(path, "Ziele", 2, "Richtung", "steigern")
    _set(path, "Ziele", 3, "Basisjahr", 2016)  # data exist, but the Zielwert must lie below the value then
    _set(path, "Ziele", 4, "Basisjahr", 2023)  # after the plan's start
    _set(path, "Beschlüsse", _row_of(path, "Beschlüsse", "Gremium", "Bezirksvertretung"), "Drucksachen-Nr.", None)
    _set(path, "Strategien", 2, "Ziele", "Z-9")
    themes = load_plans_documentation(ds).themes
    passed = set(themes.loc[(themes["area_id"] == "kalk") & themes["passed"], "field"])
    fields = kernprozess_fields()
    unlinked = next(f for f in fields if f not in passed)  # a field without any theme passed to the Sozialplanung
    bottom_up = _row_of(path, "Handlungserfordernisse", "Quelle", "Thema der Sozialraumkoordination")
    _set(path, "Handlungserfordernisse", bottom_up, "Handlungsfeld", unlinked)
    shutil.copy2(path, folder / "plaene" / "Kalk alt.xlsx")
    with pytest.raises(DataValidationError) as caught:
        load_plans(ds, PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column): p.reason for p in caught.value.problems}
    assert "widerspricht dem Indikator" in found[("Ziele", 2, "Richtung")]
    assert "liegt nach dem Beginn des Plans 2021–2025" in found[("Ziele", 4, "Basisjahr")]
    assert "Pflichtangabe fehlt (bei „Bezirksvertretung“)" in next(
        r for (s, _, c), r in found.items() if s == "Beschlüsse" and c == "Drucksachen-Nr.")
    assert "Ziel Z-9 gibt es im Plan 2021–2025 nicht" in found[("Strategien", 2, "Ziele")]
    assert "kein an die Sozialplanung weitergegebenes Thema" in found[
        ("Handlungserfordernisse", bottom_up, "Handlungsfeld")]
    assert any("Kalk alt.xlsx" in p.file and "gehört zu keinem Gebiet" in p.reason for p in caught.value.problems)


def kernprozess_fields():
    from veedel_lib.kernprozess.schema import load_config

    return load_config(PARAMETERS).vocabularies["handlungsfelder"]


def load_plans_documentation(ds):
    from veedel_lib.kernprozess.documentation import load_documentation

    return load_documentation(ds.data_dir, PARAMETERS, ["kalk"])


def test_person_columns_are_checked_and_dropped(demo, tmp_path):
    folder, ds = _data_folder(demo, tmp_path)
    path = folder / "plaene" / "kalk.xlsx"
    _set(path, "Maßnahmen", 2, "Ansprechperson", "Anna Muster")
    _set(path, "Maßnahmen", 2, "E-Mail", "anna.muster@traeger.de")
    _set(path, "Plan", 2, "Ansprechperson", "Bernd Beispiel")
    plans = load_plans(ds, PARAMETERS)
    for sheet in SHEETS:
        frame = plans.table(sheet.key)
        assert not PERSON_KEYS & set(frame.columns)
        text = frame.astype(str).to_csv()
        assert "Muster" not in text and "Beispiel" not in text and "@" not in text
    _set(path, "Maßnahmen", 2, "E-Mail", "keine Adresse")
    with pytest.raises(DataValidationError, match="Zeile 2, Spalte 'E-Mail': keine gültige E-Mail-Adresse"):
        load_plans(ds, PARAMETERS)


def test_baselines_come_from_the_data(demo, tmp_path):
    """The loader takes each goal's baseline from the data, whatever the workbook says (an empty cell is fine); a
    typed baseline that differs, or a target on the wrong side of the baseline, is noted on the goal (the data are
    revised by the city, so it is no error) and the plan document says so."""
    from veedel_lib.reports.sozialraumgebietsplan import AreaPlan

    folder, ds = _data_folder(demo, tmp_path)
    path = folder / "plaene" / "kalk.xlsx"
    for row in (2, 3):
        _set(path, "Ziele", row, "Basiswert (aus den Daten)", None)
    _set(path, "Ziele", 4, "Basiswert (aus den Daten)", 99.9)
    _set(path, "Ziele", 3, "Zielwert", 99.0)
    goals = load_plans(ds, PARAMETERS).goals.set_index("number")
    assert goals.at["Z-1", "baseline_note"] == ""
    assert "weicht vom Wert aus den Daten ab" in goals.at["Z-3", "baseline_note"]
    assert "Zielwert liegt nicht unter dem Basiswert" in goals.at["Z-2", "baseline_note"]
    notes = [b.markdown.replace("\u2011", "-") for b in AreaPlan.open("kalk", dataset=ds,
                                                                      parameters_dir=PARAMETERS).goals()
             if hasattr(b, "markdown")]
    assert any("**Z-3:** Der in der Mappe eingetragene Basiswert weicht" in n for n in notes)
    comparison = compare_with_city(demo, "kalk", 2020).set_index("indicator")
    for number, goal in goals.iterrows():
        assert goal["baseline_value"] == pytest.approx(comparison.at[goal["indicator"], "area_value"])
        assert goal["baseline_numerator"] == comparison.at[goal["indicator"], "area_numerator"]


# ----------------------------------------------------------------------------- prefill and the command

def test_prefill_starts_from_the_analysis(demo, tmp_path):
    path = write_prefilled(demo, "kalk", tmp_path, PARAMETERS, "2021-2025")
    needs = handlungsbedarfe(compare_with_city(demo, "kalk", 2020))
    workbook = openpyxl.load_workbook(path)
    rows = [r for r in workbook["Handlungserfordernisse"].iter_rows(min_row=2, values_only=True) if r[2]]
    labels = {i.id: i.name for i in demo.catalogue.indicators}
    assert [r[4] for r in rows] == [labels[i] for i in needs["indicator"]]
    assert {r[3] for r in rows} == {"Sozialraumgebietsanalyse"}
    goals = [r for r in workbook["Ziele"].iter_rows(min_row=2, values_only=True) if r[2]]
    assert [g[6] for g in goals] == [2020] * len(needs)
    assert [g[7] for g in goals] == [round(v, 1) for v in needs["area_value"]]
    assert all(g[9] == 2025 for g in goals)
    with pytest.raises(ConfigurationError, match="wird nie überschrieben"):
        write_prefilled(demo, "kalk", tmp_path, PARAMETERS, "2021-2025")


def test_command_plan_vorlage_never_overwrites(tmp_path):
    command = [sys.executable, "-m", "veedel_lib.cli", "--parameters", str(PARAMETERS), "plan-vorlage", "Kalk",
               "--out", str(tmp_path), "--period", "2021-2025"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (tmp_path / "kalk.xlsx").exists() and "kalk.xlsx" in first.stdout
    before = (tmp_path / "kalk.xlsx").read_bytes()
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 2 and "nie überschrieben" in second.stdout
    assert (tmp_path / "kalk.xlsx").read_bytes() == before
    bad = subprocess.run(command[:-1] + ["2021/25"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "Ungültiger Planungszeitraum" in bad.stdout


# ----------------------------------------------------------------------------- monitoring

def _series(values: dict[int, float], denominator: float = 20000.0) -> pd.DataFrame:
    years = sorted(values)
    numerator = [values[y] / 100 * denominator for y in years]
    return pd.DataFrame({"year": years, "numerator": numerator, "denominator": denominator,
                         "value": [values[y] for y in years], "ci_low": [values[y] - 0.4 for y in years],
                         "ci_high": [values[y] + 0.4 for y in years]})


def test_a_goal_is_on_track_when_the_trend_reaches_the_target_and_off_track_when_not():
    reaching = _series({2020: 20.0, 2021: 18.8, 2022: 17.7, 2023: 16.4, 2024: 15.3})
    state = track_goal(reaching, 2020, 20.0, 15.0, 2025, "senken", 2024)
    assert state["status"] == ON_TRACK and state["certain"]
    assert state["share_covered"] == pytest.approx(94.0)
    assert state["projection_low"] < state["projection"] < state["projection_high"] <= 15.0
    slow = _series({2020: 20.0, 2021: 19.9, 2022: 19.7, 2023: 19.6, 2024: 19.5})
    state = track_goal(slow, 2020, 20.0, 15.0, 2025, "senken", 2024)
    assert state["status"] == OFF_TRACK and state["certain"] and state["projection_low"] > 15.0
    noisy = _series({2020: 20.0, 2021: 16.0, 2022: 19.5, 2023: 15.5, 2024: 17.0})
    state = track_goal(noisy, 2020, 20.0, 15.5, 2025, "senken", 2024)
    assert not state["certain"] and state["projection_low"] < 15.5 < state["projection_high"]
    early = track_goal(reaching[reaching["year"] <= 2021], 2020, 20.0, 15.0, 2025, "senken", 2024)
    assert early["status"] == NOT_MEASURABLE and early["current_value"] == 18.8


def _planted_data(demo, tmp_path, name: str, path_values: dict[int, float]):
    """The demo data with Kalk's SGB-II quota under 15 set to ``path_values`` (percent) in the years given: the
    counts of children in SGB-II households are rescaled unit by unit."""
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy2(demo.files[0], folder / "units.csv")
    statistics = pd.read_csv(demo.files[1], sep=";", dtype={"unit": str})
    units = set(demo.unit_ids("kalk"))
    indicator = demo.catalogue.indicator("sgb2_children_quote")
    for year, value in path_values.items():
        at = (statistics["year"] == year) & statistics["unit"].isin(units)
        denominator = statistics[at & statistics["variable"].isin(indicator.denominator)].groupby("unit")["count"].sum()
        rows = at & (statistics["variable"] == indicator.numerator[0])
        statistics.loc[rows, "count"] = np.round(statistics.loc[rows, "unit"].map(denominator) * value / 100)
    statistics["count"] = statistics["count"].astype("int64")
    statistics.to_csv(folder / "statistics.csv", sep=";", index=False)
    shutil.copytree(demo.data_dir / "dokumentation", folder / "dokumentation")
    return folder


def _planted_goal(folder, demo):
    """Kalk's plan 2021–2025 pre-filled from the analysis, with one goal: SGB-II-Quote unter 15 to 30 % by 2025."""
    from veedel_lib.inputs.dataset import load_dataset

    ds = load_dataset(folder, PARAMETERS)
    path = write_prefilled(ds, "kalk", folder / "plaene", PARAMETERS, "2021-2025")
    workbook = openpyxl.load_workbook(path)
    goals = workbook["Ziele"]
    for row in goals.iter_rows(min_row=2, max_row=20):
        for cell in row[2:]:
            cell.value = None
    for column, value in zip("CDEFGHIJ", ["Z-1", None, "SGB-II-Quote unter 15", "senken", 2020, None,
                                          30.0, 2025]):
        goals[f"{column}2"] = value
    workbook.save(path)
    return ds, load_plans(ds, PARAMETERS)


@pytest.mark.parametrize("path_values, expected", [
    ({2020: 36.0, 2021: 34.5, 2022: 33.0, 2023: 31.6, 2024: 30.2}, ON_TRACK),   # falls by 1,5 points a year
    ({2020: 36.0, 2021: 35.9, 2022: 35.6, 2023: 35.5, 2024: 35.2}, OFF_TRACK),  # falls by 0,2 points a year
])
def test_a_planted_goal_is_reported_on_track_only_on_data_that_reach_it(demo, tmp_path, path_values, expected):
    folder = _planted_data(demo, tmp_path, "daten", path_values)
    ds, plans = _planted_goal(folder, demo)
    goal = monitor_goals(ds, plans, 2024).iloc[0]
    assert goal["indicator"] == "sgb2_children_quote" and goal["baseline_value"] == pytest.approx(36.0, abs=0.05)
    assert goal["status"] == expected and goal["certain"]
    assert goal["current_value"] == pytest.approx(path_values[2024], abs=0.05)


def test_measures_delay_and_budget(demo):
    plans = load_plans(demo, PARAMETERS, ["kalk"])
    measures = monitor_measures(plans, dt.date(2024, 12, 31)).set_index("number")
    for number, m in measures.iterrows():
        if pd.notna(m["end"]):
            assert m["end_delay"] == max(0, round((m["end"] - m["planned_end"]).days / (365.25 / 12)))
        assert m["spent_share"] == pytest.approx(100 * m["spent"] / m["budget"])
    late = measures[measures["status"] == "verschoben"]
    assert late["delayed"].all()


def test_a_plan_workbook_is_checked_once_while_its_and_its_documentations_bytes_stay_the_same(demo, tmp_path,
                                                                                             monitor_calls):
    """Every report that shows plans loads them: a workbook is checked once per dataset, and again as soon as its
    bytes or those of the area's Kernprozess documentation (the links to projects and themes) change."""
    from veedel_lib.planning import validation

    folder, ds = _data_folder(demo, tmp_path)
    checks = monitor_calls(validation._Workbook, "check")
    first = load_plans(ds, PARAMETERS)
    assert len(checks) == 1
    again = load_plans(ds, PARAMETERS)
    assert len(checks) == 1
    pd.testing.assert_frame_equal(again.goals, first.goals)
    path = folder / "plaene" / "kalk.xlsx"
    _set(path, "Ziele", 3, "Zielwert", 99.0)
    goals = load_plans(ds, PARAMETERS).goals.set_index("number")
    assert len(checks) == 2
    assert "Zielwert liegt nicht unter dem Basiswert" in goals.at["Z-2", "baseline_note"]
    documentation = folder / "dokumentation" / "kalk.xlsx"
    measures = load_plans(ds, PARAMETERS).measures
    project = next(number for numbers in measures["projects"] for number in numbers)
    workbook = openpyxl.load_workbook(documentation)
    sheet = workbook["Projekte"]
    column = [c.value for c in sheet[1]].index("Projekt-Nr.") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == project:
            sheet.cell(row=row, column=column).value = "P-2099-99"
    workbook.save(documentation)
    with pytest.raises(DataValidationError, match=project):
        load_plans(ds, PARAMETERS)
    assert len(checks) == 3
