"""A second, made-up city end to end: "Mittelsee" with 11 Bezirke > Ortsteile > Planungsräume (8-digit text keys),
its own names, programme and area term, through ``veedel run`` (reports, HTML and PDF, the portal), ``archive``
and ``verify``. No output of its run may name Cologne or Cologne's programme."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PARAMETERS, write

from veedel_lib.errors import DataValidationError

CITY = "Mittelsee"
FORBIDDEN = re.compile(r"(?i:köln|koeln|cologne)|Veedel|VEEDEL(?!_)")
"""Words of Cologne and of its programme ("Lebenswerte Veedel") that no output of another city may contain, in any
case; the tool's own name, lower case ("veedel run", the ``veedel_lib`` package, the kernel "Python (veedel)"),
is not the programme's."""

BEZIRKE = ["Altmarkt", "Hafen", "Nordheide", "Ostwall", "Südhang", "Westfeld", "Seeufer", "Mühlbach",
           "Lindenhöhe", "Auenweg", "Steinbruch"]
"""The city's 11 Bezirke (keys "01" to "11"): more than 9, so a key "10" meets "1" and "01"."""

PROFILE = f"""city: {CITY}
adjective: Mittelseer
publisher: Stadtverwaltung {CITY}
programme:
  name: Starke Quartiere
  full_name: Starke Quartiere – gemeinsam im Sozialraum
area_term: {{name: Fördergebiet, plural: Fördergebiete, gender: n}}
levels:
  - {{id: bezirk, name: Bezirk, plural: Bezirke, gender: m}}
  - {{id: ortsteil, name: Ortsteil, plural: Ortsteile, gender: m}}
  - {{id: planungsraum, name: Planungsraum, plural: Planungsräume, gender: m, genitive: Planungsraums}}
units:
"""

AREAS = """areas:
  - {id: hafenkante, code: FG1, name: Hafenkante, stadtbezirk: "10", stadtteile: ["10010001"]}
  - {id: am-lindenhof, code: FG2, name: Am Lindenhof, stadtbezirk: "10", stadtteile: ["10010002"]}
"""


RATE_VARIABLES = """\
  # Anteile, die Mittelsee je Planungsraum nur veröffentlicht (ohne Zähler und Nenner)
  - {id: kinderarmut_anteil, label: Kinderarmut (veröffentlichter Anteil in %), source: "Stadtverwaltung Mittelsee, Sozialamt", kind: rate}
  - {id: altersarmut_anteil, label: Altersarmut (veröffentlichter Anteil in %), source: "Stadtverwaltung Mittelsee, Sozialamt", kind: rate}
"""
RATE_INDICATORS = "".join(f"""\
  - id: {name.lower()}
    label: {name} (veröffentlichter Anteil)
    short_label: {name}
    lebenslage: Einkommen und materieller Lebensstandard
    rate: {name.lower()}_anteil
    direction: higher_is_worse
    source: "Stadtverwaltung Mittelsee, Sozialamt"
""" for name in ("Kinderarmut", "Altersarmut"))
"""Two indicators the city gives only as published rates per Planungsraum (one statistical unit each)."""


def published_rate(key: str, year: int, base: float) -> str:
    """A made-up published rate in %, as the city writes it (decimal comma): stable per Planungsraum and year."""
    return f"{base + int(key) % 17 + 0.3 * (year - 2012):.1f}".replace(".", ",")


def as_other_city(text: str) -> str:
    """A Cologne parameter file's text as Mittelsee's own (its sources and labels name Mittelsee)."""
    for old, new in (("method: koeln", "method: mittelsee"), ("\n  koeln:\n", "\n  mittelsee:\n"),  # its own method
                     ("; koeln = offene Daten der Stadt Köln", ""),  # Cologne's open-data reader: not Mittelsee's
                     ("Lebenswerte Veedel", "Starke Quartiere"), ("Stadt Köln", f"Stadtverwaltung {CITY}"),
                     ("Kölner", "Mittelseer"), ("Kölns", f"{CITY}s"), ("Köln", CITY),
                     ("draws: 200", "draws: 20")):  # a cheaper sensitivity section: the test is about words
        text = text.replace(old, new)
    return text


REPEATED = {"0302": "Neustadt", "0502": "Neustadt"}
"""Two Ortsteile of the same name in different Bezirke (their Planungsräume "Neustadt Nord" and "Neustadt Süd"
repeat too): names repeat within a level where the keys differ."""


def ortsteile() -> list[tuple[str, str, str]]:
    """The Ortsteile as (key "BBOO", name, Bezirk key): odd Bezirke have two (the second "Neu-<Bezirk>", or
    "Neustadt" in Bezirk 03 and 05)."""
    return [(key, bezirk if o == 1 else REPEATED.get(key, f"Neu-{bezirk}"), f"{b:02d}")
            for b, bezirk in enumerate(BEZIRKE, start=1) for o in range(1, 3 if b % 2 else 2)
            for key in [f"{b:02d}{o:02d}"]]


def city_units() -> list[tuple[str, str, str, str]]:
    """The Planungsräume as (key "BBOOPPPP", name, Ortsteil key, Bezirk key): two per Ortsteil, 34 in all."""
    return [(f"{key}{p:04d}", f"{name} {side}", key, bezirk) for key, name, bezirk in ortsteile()
            for p, side in enumerate(("Nord", "Süd"), start=1)]


def write_other_city(demo, folder: Path) -> tuple[Path, Path]:
    """Data and parameters of Mittelsee: each Planungsraum is one statistical unit (the first of a demo Stadtteil,
    under a new 10-digit id) with its statistics and two rates the city publishes only as shares; the parameter files
    are the project's with Mittelsee's names and the two rate-only indicators."""
    planungsraeume = city_units()
    lines = [PROFILE, "  bezirk:\n"]
    lines += [f'    - {{key: "{b:02d}", name: {name}}}\n' for b, name in enumerate(BEZIRKE, start=1)]
    lines.append("  ortsteil:\n")
    lines += [f'    - {{key: "{key}", name: {name}, parent: "{b}"}}\n' for key, name, b in ortsteile()]
    lines.append("  planungsraum:\n")
    lines += [f'    - {{key: "{key}", name: {name}, parent: "{o}"}}\n' for key, name, o, _ in planungsraeume]
    parameters = folder / "parameters"
    parameters.mkdir(parents=True)
    (parameters / "raumbezug.yml").write_text("".join(lines), encoding="utf-8")
    (parameters / "areas.yml").write_text(AREAS, encoding="utf-8")
    for name in ("indicators.yml", "sozialindex.yml", "run.yml"):
        (parameters / name).write_text(as_other_city((PARAMETERS / name).read_text(encoding="utf-8")),
                                       encoding="utf-8")
    catalogue = (parameters / "indicators.yml").read_text(encoding="utf-8")
    catalogue = catalogue.replace("\nvariables:\n", "\nvariables:\n" + RATE_VARIABLES, 1)
    catalogue = catalogue.replace("\nindicators:\n", "\nindicators:\n" + RATE_INDICATORS, 1)
    (parameters / "indicators.yml").write_text(catalogue, encoding="utf-8")
    stadtteile = sorted(demo.units["stadtteil_nr"].unique())[::2][:len(planungsraeume)]
    rows, renamed = [], {}
    for (key, name, ortsteil, bezirk), stadtteil in zip(planungsraeume, stadtteile):
        unit = demo.units.loc[demo.units["stadtteil_nr"] == stadtteil, "unit_id"].iloc[0]  # one unit per Planungsraum
        renamed[unit] = f"{key}01"
        rows.append(f'"{renamed[unit]}";{name};"{key}";"{ortsteil}";"{bezirk}"')
    data = folder / "data"
    write(data / "units.csv", "unit_id;unit_name;planungsraum;ortsteil;bezirk\n" + "\n".join(rows) + "\n")
    statistics = demo.statistics[demo.statistics["unit"].isin(renamed)].copy()
    statistics["unit"] = statistics["unit"].map(renamed)
    statistics["count"] = [("*" if s else str(int(c))) for c, s in zip(statistics["count"], statistics["suppressed"])]
    lines = [f"{u};{y};{v};{c}" for u, y, v, c in statistics[["unit", "year", "variable", "count"]].itertuples(index=False)]
    lines += [f"{key}01;{year};{variable};{published_rate(key, year, base)}" for key, *_ in planungsraeume
              for year in demo.years for variable, base in (("kinderarmut_anteil", 12.0), ("altersarmut_anteil", 4.0))]
    write(data / "statistics.csv", "unit;year;variable;count\n" + "\n".join(lines) + "\n")
    return data, parameters


# ----------------------------------------------------------------------------- the profile's file

def test_a_profile_with_a_bad_area_term_is_refused_naming_line_and_key(tmp_path):
    from veedel_lib.params.reference import load_reference

    path = write(tmp_path / "raumbezug.yml", PROFILE.replace(
        "area_term: {name: Fördergebiet, plural: Fördergebiete, gender: n}", "area_term: {name: Fördergebiet, gender: x}")
        + '  bezirk:\n    - {key: "01", name: Altmarkt}\n  ortsteil:\n    - {key: "0101", name: Altmarkt, parent: "01"}\n'
        '  planungsraum:\n    - {key: "01010001", name: Altmarkt Nord, parent: "0101"}\n')
    with pytest.raises(DataValidationError) as error:
        load_reference(path)
    where = {(p.row, p.column) for p in error.value.problems}
    assert where == {(7, "area_term.plural"), (7, "area_term.gender")}, error.value.problems


# ----------------------------------------------------------------------------- the whole run

REPORTS = ["sozialraumgebietsanalyse", "bezirksbericht", "sozialindex", "jahresbericht"]
"""What the run makes: one area's analysis, its Bezirk's report (Bezirk "10") and the two programme reports, in
HTML and PDF; one area only, so the run stays small."""


@pytest.fixture(scope="module")
def other_city(demo, tmp_path_factory) -> dict:
    """Mittelsee through ``veedel run`` (HTML and PDF, the portal), ``archive`` and ``verify``, once per module."""
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner
    from veedel_lib.run.archive import create_archive, verify

    folder = tmp_path_factory.mktemp("mittelsee")
    data, parameters = write_other_city(demo, folder)
    config = load_run_config(parameters / "run.yml").model_copy(
        update={"data_dir": str(data), "formats": ["html", "pdf"], "reports": REPORTS})
    summary = runner.run(config, outputs=folder / "outputs", parameters=parameters, areas=["hafenkante"], jobs=2)
    archive = create_archive(summary.run_dir)
    return {"summary": summary, "failed": [runner.describe_failure(r) for r in summary.failed],
            "archive": archive, "verified": verify(archive)}


@pytest.mark.slow
def test_another_city_runs_to_its_portal_archive_and_verification_in_its_own_words(other_city):
    summary = other_city["summary"]
    assert summary.exit_code == 0, other_city["failed"]
    run = summary.run_dir
    assert len(list(run.glob("reports/*/*.pdf"))) == len(list(run.glob("reports/*/*.html"))) == len(REPORTS)
    portal = (run / "index.html").read_text(encoding="utf-8")
    assert "Stadtverwaltung Mittelsee · Starke Quartiere" in portal
    assert "<h1>Berichte 2024 zu den Fördergebieten</h1>" in portal
    assert '<h3 id="bezirk-10-titel">Bezirk 10 Auenweg</h3>' in portal and "Fördergebiete im Bezirk 10 Auenweg" in portal
    assert "Zu den Bezirken:" in portal
    yearly = (run / "reports/programm/jahresbericht.html").read_text(encoding="utf-8")
    assert "Das Programm „Starke Quartiere – gemeinsam im Sozialraum“ umfasst 2 Fördergebiete." in yearly
    assert "In den 2 Fördergebieten leben" in yearly and "der Mittelseer*innen" in yearly
    index = (run / "reports/programm/sozialindex.html").read_text(encoding="utf-8")
    assert "Alle Mittelseer Planungsräume" in index
    assert "Neustadt Nord (03020001)" in index and "Neustadt Nord (05020001)" in index  # a name twice in a level
    analysis = (run / "reports/hafenkante/sozialraumgebietsanalyse.html").read_text(encoding="utf-8")
    assert "Kinderarmut" in analysis and "Altersarmut" in analysis and "veröffentlichter Anteil" in analysis
    assert "Im Bezirk 10 Auenweg liegen 2 Fördergebiete des Programms „Starke Quartiere“" in (
        run / "reports/bezirk-10/bezirksbericht.html").read_text(encoding="utf-8")
    assert other_city["verified"].ok, other_city["verified"].problems


TEXT_SUFFIXES = {".html", ".csv", ".json", ".ipynb", ".txt", ".md", ".yml", ".yaml", ".svg", ".sha256", ".pub"}


def _texts(run: Path, archive: Path):
    """(name, text) of every file of the run (PDFs as their text) and of every entry of its archive."""
    for path in sorted(p for p in run.rglob("*") if p.is_file()):
        name = str(path.relative_to(run))
        if path.suffix == ".pdf":
            yield name, subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                       check=True).stdout
        elif path.suffix in TEXT_SUFFIXES:
            yield name, path.read_text(encoding="utf-8")
        else:
            yield name, path.read_bytes().decode("utf-8", errors="replace")
    with zipfile.ZipFile(archive) as packed:
        for entry in packed.namelist():
            if not entry.endswith(".pdf"):
                yield f"{archive.name}:{entry}", packed.read(entry).decode("utf-8", errors="replace")


def _sentence(text: str, start: int) -> str:
    """The sentence (or table cell) around a position, for the failure message."""
    left = max(text.rfind(mark, 0, start) for mark in (". ", "\n", ">", '"')) + 1
    ends = [i for i in (text.find(mark, start) for mark in (". ", "\n", "<", '"')) if i >= 0]
    return text[left:min(ends) if ends else start + 80].strip()[:200]


@pytest.mark.slow
def test_no_output_of_another_city_names_cologne_or_its_programme(other_city):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils fehlt (pdftotext): apt-get install poppler-utils")
    found = [f"{name}: {_sentence(text, match.start())}" for name, text in _texts(other_city["summary"].run_dir,
                                                                                other_city["archive"])
             for match in FORBIDDEN.finditer(text)]
    assert found == [], "\n".join(found[:40])


COLOGNE_TERMS = re.compile(r"\b(?:Stadtteil|Sozialraumgebiet)(?:e|en|s)?\b|\{\{")
"""Cologne's words for its lowest level and its areas in any form ("Stadtteile", "Sozialraumgebieten"), where
Mittelsee has Planungsräume and Fördergebiete, and an unfilled placeholder of the notebooks' Markdown. Compounds are
not these words: the reports' product names ("Sozialraumgebietsanalyse", "Sozialraumgebietsplan") stay."""
NOTEBOOK_TEXT = re.compile(r'<div class="cell border-box-sizing text_cell rendered"[^>]*>.*?(?=<div class="cell |'
                           r'</main>)|<nav [^>]*class="toc".*?</nav>', re.S)
"""What a report's HTML shows of its notebook's own Markdown cells, and its table of contents (made from their
headings); the PDF is Chromium's print of this HTML."""


@pytest.mark.slow
def test_the_notebooks_own_text_names_another_citys_levels_and_areas(other_city):
    run = other_city["summary"].run_dir
    reports = sorted(run.glob("reports/*/*.html"))
    assert len(reports) == len(REPORTS)
    texts = {path.relative_to(run).as_posix(): "\n".join(NOTEBOOK_TEXT.findall(path.read_text(encoding="utf-8")))
             for path in reports}
    found = [f"{name}: {_sentence(text, m.start())}" for name, text in texts.items()
             for m in COLOGNE_TERMS.finditer(text)]
    assert found == [], "\n".join(found[:40])
    assert all(text.count("</h2>") >= 3 for text in texts.values()), texts  # the notebooks' sections were read
    index = texts["reports/programm/sozialindex.html"]
    assert ">2. Status und Dynamik aller Planungsräume</a>" in index  # the table of contents
    assert "Die Punkte sind die Planungsräume." in index and ">4. Die Fördergebiete im Sozialindex</h2>" in index


REPORT_TERMS = re.compile(r"\w*(?i:stadtteil|sozialraumgebiet|stadtbezirk)\w*")
"""Cologne's words for its levels and its areas in any form and in any compound ("Stadtteile", "Stadtbezirks",
"Stadtteilnummer"), where Mittelsee has Bezirke, Planungsräume and Fördergebiete."""
PRODUCT_TITLES = {
    "Sozialraumgebietsanalyse": "a report's title: a product name, as the portal and the run list it",
    "Sozialraumgebietsanalysen": "the same reports of several areas ('die Sozialraumgebietsanalysen der Gebiete')",
    "Sozialraumgebietsplan": "a report's title: the plan an area's Bezirksvertretung decides, a product name",
    "Sozialraumgebietspläne": "the same plans of several areas ('Stand der Sozialraumgebietspläne')",
    "Sozialraumgebietsplanung": "the planning that makes the Sozialraumgebietsplan, named after it",
}
"""The only forms a Mittelsee report may contain, with the reason: the titles of reports are product names and stay
(and so does the planning named after one)."""
KEY = re.compile(r"[a-z0-9_]+")
"""A CSV column that is a machine key ("label", "stadtteile", "z_sgb2_quote"): the data's interface, the same in
every city as the ``stadtteil`` column of a units.csv; the report's table shows its German header."""


class _ReportText(HTMLParser):
    """Everything a report's HTML says to a reader: its text (not its styles and scripts) and the text of its
    attributes that a browser or a screen reader shows (alternative texts, titles, labels)."""

    SHOWN = {"alt", "title", "aria-label", "aria-description", "summary", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _report_texts(run: Path):
    """(name, text) of every report's HTML (its text and shown attributes) and of every table's CSV, soft hyphens
    removed (table headers carry them for line breaks)."""
    for path in sorted(run.glob("reports/*/*.html")):
        reader = _ReportText()
        reader.feed(path.read_text(encoding="utf-8"))
        yield path.relative_to(run).as_posix(), "\n".join(reader.parts).replace("\u00ad", "")
    for path in sorted(run.glob("reports/*/tables/**/*.csv")):
        header, _, rows = path.read_text(encoding="utf-8-sig").replace("\u00ad", "").partition("\n")
        words = [field for field in next(csv.reader([header])) if not KEY.fullmatch(field)]
        yield path.relative_to(run).as_posix(), "\n".join([*words, rows])


@pytest.mark.slow
def test_the_reports_generated_text_names_another_citys_levels_and_areas(other_city):
    run = other_city["summary"].run_dir
    texts = dict(_report_texts(run))
    assert sum(name.endswith(".html") for name in texts) == len(REPORTS) and sum(
        name.endswith(".csv") for name in texts) > 20, sorted(texts)
    found = [f"{name}: „{m.group()}“ in {_sentence(text, m.start())}" for name, text in texts.items()
             for m in REPORT_TERMS.finditer(text) if m.group() not in PRODUCT_TITLES]
    assert found == [], f"{len(found)} Stellen:\n" + "\n".join(found)
