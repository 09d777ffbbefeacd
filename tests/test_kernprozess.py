"""Kernprozess documentation: templates, validation with sheet/row/column errors, demo documentation,
Kernprozessindikatoren and the Programmcontrolling checked by hand."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from conftest import PARAMETERS, write

from veedel_lib import kernprozess
from veedel_lib.demo.documentation import write_demo_documentation
from veedel_lib.errors import DataValidationError
from veedel_lib.kernprozess import controlling
from veedel_lib.kernprozess.templates import HELP_SHEET, write_templates

PRIVATE_KEYS = {"title", "name", "contact", "note"}


@pytest.fixture(scope="module")
def demo_doc(tmp_path_factory):
    folder = tmp_path_factory.mktemp("doc")
    write_demo_documentation(folder, PARAMETERS)
    return folder


def _fill(path, sheet, rows):
    """Fill rows (lists of cell values from column A on) into a template sheet, starting at row 2."""
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            worksheet.cell(row=2 + offset, column=column, value=value)
    workbook.save(path)


def _template(tmp_path, area_id="kalk"):
    folder = tmp_path / "daten" / "dokumentation"
    (path,) = write_templates(folder, PARAMETERS, [area_id])
    return tmp_path / "daten", path


def test_template_has_the_sheets_dropdowns_and_explanations(tmp_path):
    _, path = _template(tmp_path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:4] == ["Themen", "Projekte", "Gremien", HELP_SHEET]
    themes = workbook["Themen"]
    assert [c.value for c in themes[1]][:6] == ["Gebiet", "Datum", "Handlungsfeld", "Quelle", "Status",
                                                 "an Sozialplanung weitergegeben"]
    assert themes["A2"].value == "Kalk", "the area column is filled in"
    lists = [v for v in themes.data_validations.dataValidation if v.type == "list"]
    assert any("C2" in str(v.sqref) for v in lists), "Handlungsfeld has a drop-down"
    explained = {(r[0].value, r[1].value) for r in workbook[HELP_SHEET].iter_rows(min_row=5)}
    for sheet in kernprozess.SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.header) in explained


def test_an_empty_template_is_valid_and_has_no_records(tmp_path):
    data, _ = _template(tmp_path)
    doc = kernprozess.load_documentation(data, PARAMETERS, ["kalk"])
    assert len(doc.themes) == len(doc.projects) == len(doc.meetings) == 0


def test_filled_template_with_errors_names_sheet_row_and_column(tmp_path):
    data, path = _template(tmp_path)
    _fill(path, "Themen", [
        ["Kalk", "31.02.2023", "Wohnen", "Netzwerk", "offen", "ja", "Mieten"],
        ["Kalk", dt.datetime(2023, 5, 2), "Sonstiges", "Netzwerk", "offen", "ja", "Spielplatz"],
        ["Humboldt/Gremberg", dt.datetime(2023, 6, 2), "Wohnen", "Netzwerk", "offen", "vielleicht", "Lärm"],
    ])
    _fill(path, "Projekte", [
        ["Kalk", "P-2023-01", "Bildung", dt.datetime(2023, 3, 1), dt.datetime(2022, 12, 1), "abgeschlossen", 1000,
         500, -2, 40, "Lernhilfe", None],
        ["Kalk", "P-2023-02", "Sport", dt.datetime(2023, 3, 1), None, "abgebrochen", 1000, 2000, 1, 2.5, "Liga",
         None],
    ])
    with pytest.raises(DataValidationError) as caught:
        kernprozess.load_documentation(data, PARAMETERS, ["kalk"])
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    expected = {
        ("Themen", 2, "Datum"),  # 31 February
        ("Themen", 3, "Handlungsfeld"),  # not in the vocabulary
        ("Themen", 4, "Gebiet"),  # another area in Kalk's file
        ("Themen", 4, "an Sozialplanung weitergegeben"),
        ("Projekte", 2, "Ende"),  # before the start
        ("Projekte", 2, "Partnerorganisationen (Anzahl)"),  # negative
        ("Projekte", 3, "Ende"),  # missing although cancelled
        ("Projekte", 3, "Mittel bewilligt (EUR)"),  # more than applied for
        ("Projekte", 3, "erreichte Bewohner*innen (Anzahl)"),  # not a whole number
    }
    assert expected <= found
    assert len(found) == len(expected), f"unexpected problems: {found - expected}"
    message = str(caught.value)
    assert "kalk.xlsx" in message and "Blatt 'Projekte'" in message and "Zeile 3" in message


def test_project_numbers_are_required_well_formed_unique_and_public(tmp_path):
    """The public project number (the link target of the plan's measures): required, "P-JJJJ-NN", once per file,
    and kept (unlike the private project name)."""
    data, path = _template(tmp_path)
    row = ["Wohnen", dt.datetime(2023, 3, 1), None, "laufend", 1000, 500, 1, 10, "Name", None]
    _fill(path, "Projekte", [["Kalk", "P-2023-01", *row], ["Kalk", None, *row], ["Kalk", "Projekt 7", *row],
                             ["Kalk", "p-2023-01", *row]])
    with pytest.raises(DataValidationError) as caught:
        kernprozess.load_documentation(data, PARAMETERS, ["kalk"])
    found = {(p.row, p.column): p.reason for p in caught.value.problems}
    assert set(found) == {(3, "Projekt-Nr."), (4, "Projekt-Nr."), (5, "Projekt-Nr.")}
    assert found[(3, "Projekt-Nr.")] == "Pflichtangabe fehlt"
    assert "keine gültige Projektnummer" in found[(4, "Projekt-Nr.")]
    assert "steht schon in Zeile 2" in found[(5, "Projekt-Nr.")]
    _fill(path, "Projekte", [["Kalk", "P-2023-01", *row], ["Kalk", "P-2023-02", *row], ["Kalk", "P-2024-01", *row],
                             ["Kalk", "P-2024-02", *row]])
    projects = kernprozess.load_documentation(data, PARAMETERS, ["kalk"]).projects
    assert list(projects["number"]) == ["P-2023-01", "P-2023-02", "P-2024-01", "P-2024-02"]


def test_unknown_and_missing_columns_are_reported(tmp_path):
    data, path = _template(tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook["Gremien"]["D1"] = "Teilnehmer"
    workbook.save(path)
    with pytest.raises(DataValidationError) as caught:
        kernprozess.load_documentation(data, PARAMETERS, ["kalk"])
    reasons = {(p.sheet, p.column): p.reason for p in caught.value.problems}
    assert "Pflichtspalte fehlt" in reasons[("Gremien", "Teilnehmende (Anzahl)")]
    assert "unbekannte Spalte" in reasons[("Gremien", "Teilnehmer")]


def test_a_missing_workbook_is_named(tmp_path):
    with pytest.raises(DataValidationError, match="Dokumentation für Kalk fehlt"):
        kernprozess.load_documentation(tmp_path, PARAMETERS, ["kalk"])


@pytest.mark.slow
def test_templates_open_in_libreoffice(tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice ist nicht installiert (apt-get install libreoffice-calc-nogui)")
    _, path = _template(tmp_path)
    result = subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "kalk.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_demo_documentation_is_valid_deterministic_and_free_of_private_fields(demo_doc, tmp_path):
    doc = kernprozess.load_documentation(demo_doc, PARAMETERS)
    assert len(doc.files) == 15
    assert doc.years == [2020, 2021, 2022, 2023, 2024]
    assert doc.themes.groupby("area_id").size().min() >= 10
    assert doc.projects.groupby("area_id")["number"].apply(lambda n: n.is_unique).all()
    for table in (doc.themes, doc.projects, doc.meetings):
        assert not PRIVATE_KEYS & set(table.columns)
        assert not {"Titel", "Projektname", "Notiz", "Ansprechperson"} & set(table.columns)
    again = tmp_path / "again"
    write_demo_documentation(again, PARAMETERS)
    for path in doc.files:
        assert (again / "dokumentation" / path.name).read_bytes() == path.read_bytes()


def _hand_filled(tmp_path):
    """Kalk's documentation of 2023 as a Sozialraumkoordinator*in would fill it in."""
    data, path = _template(tmp_path)
    _fill(path, "Themen", [
        ["Kalk", dt.datetime(2023, 2, 1), "Wohnen", "Bürger*innenkonferenz", "offen", "ja", "a"],
        ["Kalk", dt.datetime(2023, 4, 1), "Bildung", "Netzwerk", "erledigt", "ja", "b"],
        ["Kalk", dt.datetime(2023, 9, 1), "Soziales", "Befragung", "offen", "ja", "c"],
        ["Kalk", dt.datetime(2023, 11, 1), "Sport", "Sozialplanung", "offen", "nein", "d"],
        ["Kalk", dt.datetime(2022, 11, 1), "Sport", "Netzwerk", "erledigt", "ja", "e"],
    ])
    _fill(path, "Projekte", [
        ["Kalk", "P-2023-01", "Bildung", dt.datetime(2023, 3, 1), dt.datetime(2023, 12, 1), "abgeschlossen", 10000,
         5000, 2, 40, "p1", None],
        ["Kalk", "P-2023-02", "Wohnen", dt.datetime(2023, 6, 1), None, "laufend", 20000, 15000, 3, 25, "p2", None],
    ])
    _fill(path, "Gremien", [["Kalk", "Bürger*innenkonferenz", dt.datetime(2023, 3, 3), 45, 12, None]]
          + [["Kalk", "Netzwerktreffen", dt.datetime(2023, m, 10), 10, 6, None] for m in (2, 5, 8, 11)])
    return data


def test_kernprozessindikatoren_by_hand(tmp_path):
    config = kernprozess.load_config(PARAMETERS)
    doc = kernprozess.load_documentation(_hand_filled(tmp_path), PARAMETERS, ["kalk"])
    values = kernprozess.compute_indicators(doc, config)
    got = values[values["year"] == 2023].set_index("indicator")["value"]
    assert got["themen_erkannt"] == 4
    assert got["themen_weitergegeben"] == 3
    assert got["anteil_weitergegeben"] == pytest.approx(75.0)
    assert got["themen_beteiligung"] == 2
    assert got["projekte_entwickelt"] == 2
    assert got["mittel_beantragt"] == 30000 and got["mittel_bewilligt"] == 20000
    assert got["bewilligungsquote"] == pytest.approx(100 * 20000 / 30000)
    assert got["projekte_abgeschlossen"] == 1 and got["projekte_abgebrochen"] == 0
    assert got["bewohner_erreicht"] == 65 and got["partnerorganisationen"] == 5
    assert got["gremiensitzungen"] == 5 and got["buergerkonferenzen"] == 1
    assert got["teilnehmende"] == 85 and got["organisationen_vernetzt"] == 36
    assert values.loc[(values["year"] == 2022) & (values["indicator"] == "themen_erkannt"), "value"].item() == 1


def test_controlling_by_hand(tmp_path):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    write(parameters / "targets.yml", """
thresholds: {reached: 100, partly: 75}
default:
  2023: {themen_erkannt: 5, anteil_weitergegeben: 50, mittel_bewilligt: 40000, projekte_abgebrochen: 0,
         gremiensitzungen: 5}
  2024: {themen_erkannt: 5}
areas:
  kalk:
    2023: {gremiensitzungen: 8}
""")
    config = kernprozess.load_config(parameters)
    doc = kernprozess.load_documentation(_hand_filled(tmp_path), parameters, ["kalk"])
    values = kernprozess.compute_indicators(doc, config)
    targets = controlling.load_targets(config, ["kalk"], parameters)
    table = controlling.controlling_table(values, targets, config).set_index(["year", "indicator"])
    expected = {  # target, actual, attainment %, state
        (2023, "themen_erkannt"): (5, 4, 80.0, "partly"),  # 4 / 5 = 80 % >= 75 %
        (2023, "anteil_weitergegeben"): (50, 75, 150.0, "reached"),
        (2023, "mittel_bewilligt"): (40000, 20000, 50.0, "missed"),
        (2023, "projekte_abgebrochen"): (0, 0, 100.0, "reached"),  # less is better, target kept
        (2023, "gremiensitzungen"): (8, 5, 62.5, "missed"),  # the area's own target replaces the default
        (2024, "themen_erkannt"): (5, float("nan"), float("nan"), "none"),  # not documented: no silent zero
    }
    assert set(table.index) == set(expected)
    for key, (target, actual, score, state) in expected.items():
        row = table.loc[key]
        assert row["target"] == target
        assert row["actual"] == pytest.approx(actual, nan_ok=True)
        assert row["attainment"] == pytest.approx(score, nan_ok=True)
        assert row["light"] == state
    assert table.loc[(2023, "themen_erkannt"), "symbol"] == "◐"
    assert table.loc[(2023, "mittel_bewilligt"), "verdict"] == "nicht erreicht"


def test_attainment_where_less_is_better():
    assert controlling.attainment(1, 2, "lower_is_better") == 100
    assert controlling.attainment(4, 2, "lower_is_better") == 50
    assert controlling.attainment(3, 0, "higher_is_better") != controlling.attainment(3, 0, "higher_is_better")


def test_targets_with_unknown_indicator_or_area_name_the_line(tmp_path):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    write(parameters / "targets.yml", "default:\n  2023:\n    themen_gefunden: 5\nareas:\n  atlantis:\n    2023: {}\n")
    with pytest.raises(DataValidationError) as caught:
        controlling.load_targets(kernprozess.load_config(parameters), ["kalk"], parameters)
    rows = {p.row: p.reason for p in caught.value.problems}
    assert "themen_gefunden" in rows[3]
    assert any("atlantis" in reason for row, reason in rows.items() if row in (5, 6))


def test_a_documentation_workbook_is_validated_once_while_its_bytes_stay_the_same(demo_doc, tmp_path, monitor_calls):
    """The reports of a warm kernel read the same workbooks again and again: each is validated once, and again as
    soon as its bytes change; a caller that changes its tables does not change what the next caller gets."""
    from veedel_lib.kernprozess import documentation

    folder = tmp_path / "daten"
    shutil.copytree(demo_doc / "dokumentation", folder / "dokumentation")
    runs = monitor_calls(documentation._SheetValidator, "run")
    first = kernprozess.load_documentation(folder, PARAMETERS, ["kalk"])
    checked = len(runs)
    assert checked == 3  # Themen, Projekte, Treffen
    first.themes.loc[:, "field"] = "verändert"
    again = kernprozess.load_documentation(folder, PARAMETERS, ["kalk"])
    assert len(runs) == checked
    assert "verändert" not in set(again.themes["field"])
    path = folder / "dokumentation" / "kalk.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Themen"]["C2"].value = "kein Handlungsfeld"
    workbook.save(path)
    with pytest.raises(DataValidationError, match="kein Handlungsfeld"):
        kernprozess.load_documentation(folder, PARAMETERS, ["kalk"])
    assert len(runs) == 2 * checked
