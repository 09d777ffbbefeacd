"""Committee reports carry no internal notes: no parameter file paths, no veedel commands, no data folders; those
belong in the notebooks' editing notes."""

from __future__ import annotations

import html
import re

import pytest
from conftest import PARAMETERS

INTERNAL = re.compile(r"parameters/|\.ya?ml\b|veedel (?:template|plan-vorlage|run|import)|plaene/|dokumentation/|"
                      r"qualitative/|\.(?:md|xlsx)\b|Datenordner|<!--")
"""What only staff need: parameter files, commands, folders of the data, editing comments of the findings files."""


def _visible_text(page: str) -> str:
    """The text a reader sees in a report's HTML (no styles, images, tags; the closing line left out)."""
    page = re.sub(r"<style.*?</style>|<img[^>]*>|<footer.*?</footer>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_jahresbericht_and_plan_texts_name_no_parameter_file(demo):
    from veedel_lib.render.blocks import TableBlock, TextBlock
    from veedel_lib.reports import plan_blocks
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    report = ProgrammeReport.open(year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    texts = [b.markdown for b in report.method_notes() + report.controlling() if isinstance(b, TextBlock)]
    texts += [b.note for b in report.controlling() if isinstance(b, TableBlock)]
    texts += [b.markdown for b in plan_blocks.no_plan("Kalk")]
    assert texts and not [t for t in texts if INTERNAL.search(t)]


def test_missing_inputs_and_the_findings_files_comments_stay_out_of_the_report(demo, tmp_path):
    """Without documentation or a findings file a report says only what is missing (the how is in the notebooks'
    editing notes); the editing comments of a findings file (<!-- ... -->) are not printed as text."""
    import shutil

    from veedel_lib.render.blocks import TextBlock
    from veedel_lib.render.markup import markdown_html
    from veedel_lib.reports import kernprozess_blocks
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    (parameters / "qualitative" / "kalk.md").write_text(
        "# Qualitative Befunde: Kalk\n\n<!-- Bitte keine Namen eintragen.\n     Datei qualitative/kalk.md -->\n\n"
        "## Fachgespräche\n\nDer Spielplatz am Markt wird gut angenommen.\n", encoding="utf-8")
    (parameters / "qualitative" / "bilderstoeckchen.md").unlink()
    kalk = AreaAnalysis.open("kalk", dataset=demo, parameters_dir=parameters).qualitative()
    missing = AreaAnalysis.open("bilderstoeckchen", dataset=demo, parameters_dir=parameters).qualitative()
    documentation = kernprozess_blocks.missing_documentation("Kalk") + kernprozess_blocks.missing_documentation()
    shown = {name: [markdown_html(b.markdown) for b in blocks if isinstance(b, TextBlock)]
             for name, blocks in (("kalk", kalk), ("missing", missing), ("documentation", documentation))}
    assert not {name: texts for name, texts in shown.items() if any(INTERNAL.search(html.unescape(t)) for t in texts)}
    assert "Spielplatz am Markt" in shown["kalk"][0] and "Bitte keine Namen" not in shown["kalk"][0]
    assert missing[0].markdown == "Für Bilderstöckchen sind noch keine qualitativen Befunde hinterlegt."
    assert documentation[0].markdown == "Eine Dokumentation der Kernprozesse liegt für Kalk noch nicht vor."


@pytest.mark.slow
def test_no_report_of_a_run_gives_internal_instructions(demo_run):
    found = {}
    for page in sorted((demo_run / "reports").rglob("*.html")):
        hits = INTERNAL.findall(_visible_text(page.read_text(encoding="utf-8")))
        if hits:
            found[page.relative_to(demo_run).as_posix()] = hits
    assert found == {}


def test_a_one_year_series_says_a_trend_needs_two_years_instead_of_unchanged(demo):
    """On the city's data a series may hold one year: no "von 12,2 % (2011) auf 12,2 % (2011) gleich
    geblieben", and no chart of single dots."""
    import pandas as pd

    from veedel_lib.analysis.trends import trend_table
    from veedel_lib.render.text import trend_sentence

    indicator = demo.catalogue.indicator("sgb2_quote")
    series = pd.DataFrame({"indicator": ["sgb2_quote"] * 2, "role": ["area", "city"], "year": [2011, 2011],
                           "value": [12.2, 9.1], "ci_low": [11.0, 9.0], "ci_high": [13.0, 9.2]})
    row = trend_table(series, [indicator]).iloc[0]
    sentence = trend_sentence(row, "Kalk")
    assert "gleich geblieben" not in sentence and "(2011) auf" not in sentence
    assert sentence == ("**SGB-II-Quote:** Für Kalk liegt nur der Wert von 2011 vor (12,2 %; Gesamtstadt 9,1 %); "
                        "für einen Trend sind mindestens zwei Jahre nötig.")


def test_the_analysis_of_the_first_year_draws_no_trend_chart(demo):
    from veedel_lib.render.blocks import ChartBlock, TextBlock
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    first = demo.years[0]
    analysis = AreaAnalysis.open("kalk", year=first, dataset=demo, parameters_dir=PARAMETERS)
    blocks = analysis.trends()
    assert not [b for b in blocks if isinstance(b, ChartBlock)]
    text = " ".join(b.markdown for b in blocks if isinstance(b, TextBlock))
    lines = [line for line in text.split("\n") if line.startswith("- ")]
    assert len(lines) >= 5 and all(line.endswith("für einen Trend sind mindestens zwei Jahre nötig.") for line in lines)


def _shown(blocks) -> str:
    """The HTML of a section's text and table blocks as a report shows them (the figures left out)."""
    from veedel_lib.render.blocks import ChartBlock
    from veedel_lib.render.report import Report

    class Capture(Report):
        def _display_html(self, markup: str) -> None:
            self.shown.append(markup)

    report = Capture()
    report.shown = []
    report.show([b for b in blocks if not isinstance(b, ChartBlock)])
    return "".join(report.shown)


def _occurrences(value: str, page: str) -> int:
    """How often a formatted value stands in a page as a number of its own ("4,3 %" not inside "14,3 %")."""
    return len(re.findall(rf"(?<![\d,.]){re.escape(value)}", html.unescape(page)))


@pytest.mark.parametrize("area", ["kalk", "bilderstoeckchen"])
def test_each_indicator_value_of_the_social_situation_is_stated_once(demo, area):
    """Table, summary and Handlungsbedarfe do not say the same value three times: the table holds it, the texts name
    the indicators and point to the table."""
    from veedel_lib.render import formatting as fmt
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    analysis = AreaAnalysis.open(area, dataset=demo, parameters_dir=PARAMETERS)
    page = _shown(analysis.social_situation() + analysis.needs())
    rated = analysis.public()[analysis.public()["direction"] != "neutral"].dropna(subset=["area_value"])
    assert len(rated) >= 5 and "Tabelle „Soziale Lage" in page
    cells = [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page)]
    counts = {}
    for row in rated.itertuples():
        value = fmt.rate(row.area_value, row.unit)
        # the same figure may stand in another cell as another value (a city value, an interval bound): those are
        # not repetitions of this indicator's value
        elsewhere = cells.count(value) - 1
        counts[row.label] = _occurrences(value, page) - elsewhere
    assert counts == {label: 1 for label in counts}
    needs = analysis.needs()[-1].markdown
    assert "Handlungsbedarf" in needs and not re.search(r"\d,\d", needs)


def test_the_evaluation_states_each_estimate_once(demo):
    """The readings under the evaluation's table say what the estimates mean, not the estimates again; only what
    the table does not show is given there: the count model's factor, the expected value of the last year and the
    minimum detectable effect (issue #29)."""
    from veedel_lib.render.blocks import TextBlock
    from veedel_lib.reports.evaluation import Evaluation

    evaluation = Evaluation.open("kalk", dataset=demo, parameters_dir=PARAMETERS)
    readings = next(b.markdown for b in evaluation.overview() if isinstance(b, TextBlock))
    assert readings.count("**") >= 2 * 5 and "Tabelle „Entwicklung von Kalk seit" in readings
    without_factor = re.sub(r"Zählmodell für kleine Zahlen: Faktor [^)]*\)|ein Wert von \d+,\d [%‰] zu erwarten|"
                            r"Ein Effekt unter \d+,\d+ (Pp\.|‰-Pkt\.) wäre", "", readings)
    assert not re.search(r"\d,\d|Prozentpunkt|Pp\.|‰-Pkt", without_factor), without_factor
    attainment = next(b.markdown for b in evaluation.goal_attainment() if isinstance(b, TextBlock))
    assert "am stärksten bei" in attainment and "% des Abstands" not in attainment


def test_the_bezirksbericht_names_the_areas_that_went_against_the_city_without_their_changes(demo):
    from veedel_lib.render.blocks import TextBlock
    from veedel_lib.reports.bezirksbericht import BezirkReport

    blocks = BezirkReport.open("8", dataset=demo, parameters_dir=PARAMETERS).development()
    summary = [b.markdown for b in blocks if isinstance(b, TextBlock)][-1]
    assert summary.startswith("Gegenläufig zur Gesamtstadt entwickelt haben sich (Werte in Tabelle „Entwicklung ")
    assert "- **" in summary and not re.search(r"\d,\d|Pp\.|‰-Pkt", summary), summary
