"""Missing rows in the statistics are named in the reports where a figure cannot be computed (issue #15, item 4)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.demo import ensure_demo_data
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.render.blocks import TableBlock, TextBlock
from veedel_lib.reports.jahresbericht import ProgrammeReport
from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis


def _without_row(tmp_path, unit: str, year: int, variable: str):
    data = tmp_path / "data"
    shutil.copytree(ensure_demo_data(PARAMETERS), data)  # a copy of the session's demo data
    statistics = pd.read_csv(data / "statistics.csv", sep=";", dtype={"unit": str})
    drop = (statistics["unit"] == unit) & (statistics["year"] == year) & (statistics["variable"] == variable)
    assert drop.sum() == 1
    statistics[~drop].to_csv(data / "statistics.csv", sep=";", index=False)
    return load_dataset(data, PARAMETERS, use_cache=False)


def _text(blocks) -> str:
    return "\n".join(b.markdown for b in blocks if isinstance(b, TextBlock))


def test_a_deleted_row_is_named_where_the_city_value_cannot_be_computed(tmp_path):
    ds = _without_row(tmp_path, "10101", 2024, "sgb2_recipients")
    assert ds.gaps, "validation reports the gap"
    table = next(b for b in AreaAnalysis.open("kalk", dataset=ds).social_situation() if isinstance(b, TableBlock))
    # said at the table, for the city only (Kalk's own value is there)
    assert "SGB-II-Quote (Gesamtstadt)" in table.note and "es fehlen Zeilen in den Daten" in table.note
    assert "10101" in table.note and "sgb2_recipients" in table.note and "2024" in table.note
    figures = ProgrammeReport.open(dataset=ds).published_figures()
    remarks = _text(figures)
    assert "es fehlen Zeilen in den Daten" in remarks and "10101" in remarks


# ----------------------------------------------------------------------------- every row of dashes says why

def _shown_tables(blocks) -> list[str]:
    """The HTML of each table of a section, as the report shows it."""
    from veedel_lib.render.report import Report

    class Capture(Report):
        def _display_html(self, markup: str) -> None:
            self.shown.append(markup)

    report = Capture()
    report.shown = []
    report.show([b for b in blocks if isinstance(b, TableBlock)])
    return report.shown


def unexplained_dashes(table: str) -> list[str]:
    """Rows (by their first cell) and columns (by their header) whose number cells are all "–" without the note
    under the table naming them: what a reader would find without a reason."""
    import html as markup
    import re

    def text(cell: str) -> str:
        return markup.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u00ad", "").strip()

    notes = " ".join(text(n) for n in re.findall(r'<p class="table-note">(.*?)</p>', table, re.S))

    def named(label: str) -> bool:
        """Whether the notes name a figure as the subject of a reason ("A: ...", "A und B: ...", "A (Kalk): ...")."""
        return re.search(rf"(?<![\w-]){re.escape(label)}(?=:| \(|, | und )", notes) is not None
    headers = [text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', table)]
    rows = [[(bool(re.search(r'class="num"', cell)), text(cell))
             for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    found = []
    for row in rows:
        # a row is explained by its own label, or when every one of its columns is (a figure missing everywhere)
        numbers = [(headers[i], value) for i, (is_number, value) in enumerate(row) if is_number and i < len(headers)]
        if (numbers and all(v == "–" for _, v in numbers) and not named(row[0][1])
                and not all(named(header) for header, _ in numbers)):
            found.append(f"Zeile {row[0][1]}")
    for index, header in enumerate(headers):
        column = [(row[0][1], row[index][1]) for row in rows if index < len(row) and row[index][0]]
        if (column and all(v == "–" for _, v in column) and not named(header)
                and not all(named(label) for label, _ in column)):
            found.append(f"Spalte {header}")
    return found


@pytest.fixture(scope="module")
def thin_data(tmp_path_factory):
    """Demo data as a city might deliver them: no Hilfen zur Erziehung at all, no Arbeitslose for the last year,
    and Grundsicherung im Alter withheld at the source ("*") in two of Kalk's units."""
    tmp_path = tmp_path_factory.mktemp("thin")
    data = tmp_path / "data"
    shutil.copytree(ensure_demo_data(PARAMETERS), data)  # a copy of the session's demo data
    statistics = pd.read_csv(data / "statistics.csv", sep=";", dtype={"unit": str, "count": object})
    last = int(statistics["year"].max())
    drop = (statistics["variable"] == "hze_cases") | ((statistics["variable"] == "unemployed")
                                                     & (statistics["year"] == last))
    statistics = statistics[~drop].copy()
    withheld = ((statistics["variable"] == "gsi_age") & (statistics["year"] == last)
                & statistics["unit"].isin(["80201", "80202"]))
    assert withheld.sum() == 2
    statistics.loc[withheld, "count"] = "*"
    statistics.to_csv(data / "statistics.csv", sep=";", index=False)
    return load_dataset(data, PARAMETERS, use_cache=False)


def test_every_row_of_dashes_comes_with_its_reason(thin_data):
    """Analysis, Sozialraumgebietsplan, Bezirksbericht, Jahresbericht and Evaluation: wherever a whole row or column
    shows "–", the note under the table names it with the reason found in the data."""
    from veedel_lib.reports.bezirksbericht import BezirkReport
    from veedel_lib.reports.evaluation import Evaluation
    from veedel_lib.reports.sozialraumgebietsplan import AreaPlan

    ds, year = thin_data, thin_data.latest_year
    analysis = AreaAnalysis.open("kalk", dataset=ds)
    bezirk = BezirkReport.open("8", dataset=ds)
    evaluation = Evaluation.open("kalk", dataset=ds)
    sections = {
        "Analyse": analysis.profile() + analysis.age_structure() + analysis.social_situation() + analysis.context(),
        "Plan": AreaPlan.open("kalk", year=year, dataset=ds).situation(),
        "Bezirksbericht": bezirk.indicators() + bezirk.development(),
        "Jahresbericht": ProgrammeReport.open(dataset=ds).areas_side_by_side(),
        "Evaluation": evaluation.overview() + evaluation.goal_attainment(),
    }
    tables = {name: _shown_tables(blocks) for name, blocks in sections.items()}
    assert {name: [p for t in shown for p in unexplained_dashes(t)] for name, shown in tables.items()} == {
        name: [] for name in tables}
    social = next(t for t in tables["Analyse"] if "Soziale Lage" in t)
    assert "Hilfen zur Erziehung: nicht in den Daten enthalten (es fehlen: Laufende Hilfen zur Erziehung)." in social
    assert (f"Arbeitslosenanteil: für {year} nicht in den Daten enthalten (Arbeitslose nur für 2012 bis "
            f"{year - 1})") in social
    # withheld at the source in two of Kalk's units: said for Kalk and (since the city sums them) for the city
    assert (f"Grundsicherung im Alter: für {year} an der Quelle geheim gehalten (Empfänger*innen von Grundsicherung "
            "im Alter (SGB XII) in 2 statistischen Einheiten ohne Zahl geliefert)") in social
    jahresbericht = " ".join(tables["Jahresbericht"])
    assert "Arbeitslosenanteil: für" in jahresbericht and "Hilfen zur Erziehung: nicht in den Daten" in jahresbericht
    # in the Jahresbericht only Kalk and the city lack the Grundsicherung im Alter: named with the places
    assert "Grundsicherung im Alter (Kalk und Gesamtstadt): für" in jahresbericht
    development = next(t for t in tables["Bezirksbericht"] if "Entwicklung" in t)
    assert f"Arbeitslosenanteil: für {year} nicht in den Daten enthalten" in development


def test_a_table_without_a_reason_for_its_dashes_is_found():
    """The check above is not blind: a row and a column of dashes with no note are named."""
    table = ('<table class="vtable"><caption>t</caption><thead><tr><th scope="col">Indikator</th>'
             '<th scope="col">Kalk</th><th scope="col">Stadt</th></tr></thead><tbody>'
             '<tr><th scope="row">A</th><td class="num">–</td><td class="num">1,0 %</td></tr>'
             '<tr><th scope="row">B</th><td class="num">–</td><td class="num">–</td></tr></tbody></table>'
             '<p class="table-note">– = kein Wert. A: nicht in den Daten.</p>')
    assert unexplained_dashes(table) == ["Zeile B", "Spalte Kalk"]


@pytest.mark.slow
def test_no_table_of_a_run_shows_dashes_without_their_reason(demo_run):
    """Every printed table of every report of the demo run (the figures' data tables are not printed)."""
    import re

    found, count = {}, 0
    for page in sorted((demo_run / "reports").rglob("*.html")):
        text = re.sub(r"<details.*?</details>", "", page.read_text(encoding="utf-8"), flags=re.S)
        for table in re.findall(r'<div[^>]*class="vtable-wrap"[^>]*>.*?</table>.*?</div>', text, re.S):
            count += 1
            if problems := unexplained_dashes(table):
                found[page.relative_to(demo_run).as_posix()] = problems
    assert count >= 50 and found == {}
