"""Sozialindex: z-standardisation, status and dynamics indices and classes, by hand and on the demo data."""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib.analysis.sozialindex import (
    ClassScheme,
    SozialindexMethod,
    class_codes,
    classify,
    compute_sozialindex,
    fit_reference,
    load_sozialindex_config,
)
from veedel_lib.errors import ConfigurationError, DataValidationError

STATUS = {"thresholds": [-1.0, 1.0, 1.5], "classes": [
    {"code": "1", "label": "hoch"}, {"code": "2", "label": "mittel"},
    {"code": "3", "label": "niedrig"}, {"code": "4", "label": "sehr niedrig"}]}
DYNAMICS = {"thresholds": [-1.0, 1.0], "classes": [
    {"code": "+", "label": "positiv"}, {"code": "±", "label": "stabil"}, {"code": "-", "label": "negativ"}]}


def method(**changes) -> SozialindexMethod:
    settings = {"label": "Test", "indicators": [{"id": "x1"}, {"id": "x2", "sign": -1}],
                "status_classes": STATUS, "dynamics_classes": DYNAMICS}
    return SozialindexMethod.model_validate({**settings, **changes})


# Four Stadtteile, two indicators; x1 higher = worse, x2 higher = better (sign -1).
#   x1 = 10, 20, 30, 40: mean 25, population SD sqrt(125) = 11,180  -> z1 = -3/√5, -1/√5, 1/√5, 3/√5
#                                                                       = -1,3416 -0,4472 0,4472 1,3416
#   -x2 = -80, -70, -70, -60: mean -70, population SD sqrt(50) = 7,071 -> z2 = -√2, 0, 0, √2
#   sum = -2,7558 -0,4472 0,4472 2,7558; its population SD = sqrt((2·7,5947 + 2·0,2) / 4) = 1,97417
#   status index = sum / 1,97417 = -1,3960 -0,2265 0,2265 1,3960
#   classes at -1 / +1 / +1,5:  A hoch (-1,40 < -1), B and C mittel, D niedrig (1 < 1,40 <= 1,5)
VALUES = pd.DataFrame({"x1": [10.0, 20, 30, 40], "x2": [80.0, 70, 70, 60]}, index=list("ABCD"))
SIGNS = {"x1": 1, "x2": -1}
Z1 = np.array([-3, -1, 1, 3]) / math.sqrt(5)
Z2 = np.array([-1, 0, 0, 1]) * math.sqrt(2)
INDEX = np.array([-1.39595, -0.22653, 0.22653, 1.39595])


def test_hand_computed_z_values_and_status_index():
    reference = fit_reference(VALUES, SIGNS, method())
    scored = reference.score(VALUES)
    assert np.allclose(scored["x1"], Z1)
    assert np.allclose(scored["x2"], Z2)
    assert np.allclose(scored["combined"], Z1 + Z2)
    assert np.allclose(scored["index"], INDEX, atol=1e-5)
    assert reference.sds["x1"] == pytest.approx(math.sqrt(125))
    assert reference.combined_sd == pytest.approx(1.97417, abs=1e-5)
    positions = classify(scored["index"], ClassScheme.model_validate(STATUS))
    codes, labels = class_codes(positions, ClassScheme.model_validate(STATUS))
    assert list(labels) == ["hoch", "mittel", "mittel", "niedrig"]
    assert list(codes) == ["1", "2", "2", "3"]


def test_mean_and_sum_give_the_same_restandardised_index_but_not_without_restandardising():
    by_sum = fit_reference(VALUES, SIGNS, method(combine="sum")).score(VALUES)["index"]
    by_mean = fit_reference(VALUES, SIGNS, method(combine="mean")).score(VALUES)["index"]
    raw_mean = fit_reference(VALUES, SIGNS, method(combine="mean", restandardise=False)).score(VALUES)["index"]
    assert np.allclose(by_sum, by_mean)
    # without restandardising, the index is the plain mean of the z-values: D = (3/√5 + √2) / 2 = 1,3779
    assert raw_mean["D"] == pytest.approx((3 / math.sqrt(5) + math.sqrt(2)) / 2)


def test_sample_sd_and_population_weights_change_the_scale():
    # ddof = 1: SD of x1 = sqrt(500 / 3) = 12,910, so z1(D) = 15 / 12,910 = 1,1619
    sample = fit_reference(VALUES, SIGNS, method(ddof=1)).score(VALUES)
    assert sample.at["D", "x1"] == pytest.approx(15 / math.sqrt(500 / 3))
    # weights 1, 1, 1, 3: weighted mean of x1 = (10 + 20 + 30 + 120) / 6 = 30, so z1(C) = 0
    weights = pd.Series([1.0, 1, 1, 3], index=VALUES.index)
    weighted = fit_reference(VALUES, SIGNS, method(weighting="population"), weights).score(VALUES)
    assert weighted.at["C", "x1"] == pytest.approx(0)
    assert np.average(weighted["x1"], weights=weights) == pytest.approx(0)
    # "none" ignores any weights passed in
    ignored = fit_reference(VALUES, SIGNS, method(), weights).score(VALUES)
    assert np.allclose(ignored["x1"], Z1)


def test_classes_follow_the_configured_thresholds():
    index = pd.Series(INDEX, index=list("ABCD"))
    narrow = ClassScheme.model_validate({**STATUS, "thresholds": [-1.0, 1.0, 1.3]})
    wide = ClassScheme.model_validate({**STATUS, "thresholds": [-1.5, 1.5, 2.0]})
    assert class_codes(classify(index, narrow), narrow)[1].tolist() == ["hoch", "mittel", "mittel", "sehr niedrig"]
    assert class_codes(classify(index, wide), wide)[1].tolist() == ["mittel"] * 4


def test_a_value_on_a_threshold_belongs_to_the_class_nearer_to_zero():
    scheme = ClassScheme.model_validate(STATUS)
    values = pd.Series([-1.0000001, -1.0, 1.0, 1.0000001, 1.5, 1.5000001, np.nan])
    labels = class_codes(classify(values, scheme), scheme)[1].tolist()
    assert labels == ["hoch", "mittel", "mittel", "niedrig", "niedrig", "sehr niedrig", ""]
    assert scheme.middle == 1


def test_class_scheme_must_be_consistent():
    with pytest.raises(ValueError, match="aufsteigend"):
        ClassScheme.model_validate({**STATUS, "thresholds": [1.0, -1.0, 1.5]})
    with pytest.raises(ValueError, match="3 Grenzen brauchen 4 Klassen"):
        ClassScheme.model_validate({**STATUS, "classes": STATUS["classes"][:3]})


def test_config_errors_name_line_and_key(tmp_path, demo):
    text = (PARAMETERS / "sozialindex.yml").read_text(encoding="utf-8")
    broken = text.replace("- {id: gsi_age_quote}", "- {id: gsi_age_quote_typo}").replace(
        "- {id: transfer_quote}", "- {id: foreigners_share}")
    path = tmp_path / "sozialindex.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_sozialindex_config(path, demo.catalogue)
    problems = caught.value.problems
    reasons = " | ".join(p.reason for p in problems)
    assert len(problems) == 2
    assert "'gsi_age_quote_typo' steht nicht im Katalog" in reasons
    assert "'foreigners_share' ist im Katalog neutral" in reasons
    line = next(i for i, l in enumerate(broken.splitlines(), 1) if "gsi_age_quote_typo" in l)
    assert any(p.row == line for p in problems)


@pytest.fixture(scope="module")
def config(demo):
    return load_sozialindex_config(PARAMETERS / "sozialindex.yml", demo.catalogue)


def test_berlin_method_on_demo_data_is_standardised_over_exactly_the_qualifying_stadtteile(demo, config):
    berlin = config.methods["berlin"]
    index = compute_sozialindex(demo, demo.latest_year, berlin, "berlin")
    table = index.qualifying
    assert len(index.table) == 86 and len(table) == 86
    assert index.base_year == demo.latest_year - 2
    for indicator in berlin.status_ids:
        z = table[f"z_{indicator}"]
        assert z.mean() == pytest.approx(0, abs=1e-9) and z.std(ddof=0) == pytest.approx(1)
        # the z-value is the Stadtteil's rate (from summed counts) standardised, higher = worse
        value = table[f"value_{indicator}"]
        assert np.allclose(z, (value - value.mean()) / value.std(ddof=0))
    assert table["status_index"].std(ddof=0) == pytest.approx(1)
    assert np.allclose(table["status_index"], table["status_combined"] / table["status_combined"].std(ddof=0))
    counts = table["status_label"].value_counts()
    assert counts.sum() == 86 and counts["mittel"] > counts.drop("mittel").max()
    assert set(table["combined_code"].str[0]) <= {"1", "2", "3", "4"}
    assert (table["combined_code"] == table["status_code"] + table["dynamics_code"]).all()


def test_exclusions_and_minimum_population_take_stadtteile_out_of_the_reference(demo, config):
    koeln = config.methods["koeln"]
    smallest = demo.units.groupby("stadtteil_nr").size()  # any Stadtteil will do for the exclusion
    excluded = int(smallest.index[0])
    changed = koeln.model_copy(update={"excluded": [excluded]})
    index = compute_sozialindex(demo, demo.latest_year, changed)
    assert len(index.qualifying) == 85
    assert index.table.at[str(excluded), "reason"] == "von der Bewertung ausgenommen"
    assert index.table.at[str(excluded), "status_label"] == ""
    assert index.qualifying["z_sgb2_quote"].mean() == pytest.approx(0, abs=1e-9)
    population = index.table["population"]
    limit = float(population.sort_values().iloc[2]) + 1  # the three smallest fall below it
    small = compute_sozialindex(demo, demo.latest_year, koeln.model_copy(update={"min_population": limit}))
    assert len(small.qualifying) == 83
    assert small.table["reason"].str.startswith("weniger als").sum() == 3


def test_the_built_in_sgb2_effect_shows_as_positive_dynamics_of_hoehenberg_vingst(demo, config):
    """The demo data lower Höhenberg/Vingst's SGB II quota by 2 points from 2021: the 4-year dynamics see it."""
    from veedel_lib.analysis.sozialindex import area_scores

    index = compute_sozialindex(demo, demo.latest_year, config.methods["koeln"], "koeln")
    assert index.base_year == 2020
    scores = area_scores(demo, index).set_index("area_id")
    assert scores.at["hoehenberg-vingst", "dynamics_label"] == "positiv"
    assert scores.at["hoehenberg-vingst", "dynamics_index"] < -1
    assert index.table.at["803", "change_sgb2_quote"] < -1.5
    # the 15 areas lie on the disadvantaged side of the Stadtteile's scale
    assert (scores["status_index"] > 0).sum() >= 12


def test_report_sections_render_with_areas_and_protected_z_values(demo):
    from veedel_lib.reports.sozialindex import GUARD, SozialindexReport, class_ranges
    from veedel_lib.run.floor import RecordingReport

    report = SozialindexReport.open(dataset=demo)
    recorded = RecordingReport()
    texts = {}
    for section in report.sections:
        start = len(recorded.parts)
        recorded.show(getattr(report, section)())
        markup = re.sub(r"<[^>]+>", " ", "".join(recorded.parts[start:]))
        texts[section] = " ".join(html.unescape(markup).replace("\u00ad", "").split())
    assert all(texts.values()), [name for name, text in texts.items() if not text]  # every section shows something
    whole = " ".join(texts.values())
    indicators = [demo.catalogue.indicator(i.id) for i in report.method_settings.indicators]
    labels = [indicator.short_label or indicator.label for indicator in indicators]
    assert len(labels) == 6 and all(label in texts["method"] for label in labels)
    for label in ("hoch", "mittel", "niedrig", "sehr niedrig", "positiv", "stabil", "negativ"):
        assert f" {label} " in whole
    stadtteile = demo.units["stadtteil_nr"].nunique()
    (parts,) = [block.frame for block in report.areas() if getattr(block, "name", "") == "stadtteile_der_gebiete"]
    assert set(parts["area_id"]) == set(demo.areas.ids)
    partial = set(parts.loc[parts["coverage"] == "teilweise", "name"])
    assert partial == {"Seeberg", "Mülheim", "Holweide", "Stammheim", "Porz", "Zündorf"}  # as in DESIGN.md
    assert len(parts) == sum(len(a.stadtteil_numbers) for a in demo.areas.areas)
    frame = report.stadtteil_frame()
    published = int(frame["status_index"].notna().sum())
    assert f"{published} von {stadtteile} Stadtteilen bewertet" in whole
    # each Stadtteil without a published index is named as such in the text
    assert all(str(key) in whole.split("nicht veröffentlicht für")[1] for key in frame.index[frame["status_index"].isna()])
    # never one or two withheld rows: the z-values of a column sum to zero and their squares to the number of rows
    assert frame[GUARD].sum() == 0 or frame[GUARD].sum() >= 3
    ranges = class_ranges(report.method_settings.status_classes)
    assert ranges == ["unter -1,0", "ab -1,0 bis +1,0", "über +1,0 bis +1,5", "über +1,5"]
    chart = report.status_dynamics()[1].chart
    assert "Sozialraumgebiet" in chart.alt and f"der {published} " in chart.alt


# ----------------------------------------------------------------------------- Themenbewertung

def _rows(*rows):
    """A minimal indicator table as ThemeAssessment.table() gives it."""
    columns = ["label", "direction", "unit", "p_value", "assessment", "worse_ratio", "area_value", "city_value",
               "trend", "need"]
    return pd.DataFrame([dict(zip(columns, r)) for r in rows])


def test_relative_trend_reads_the_gap_by_direction_and_significance():
    from veedel_lib.reports.themenbewertung import relative_trend

    assert relative_trend("higher_is_worse", -0.5, 0.01, 0.05) == "verbessert"
    assert relative_trend("higher_is_worse", 0.5, 0.01, 0.05) == "verschlechtert"
    assert relative_trend("higher_is_better", 0.5, 0.01, 0.05) == "verbessert"
    assert relative_trend("higher_is_worse", -0.5, 0.2, 0.05) == "kein gesicherter Trend"
    assert relative_trend("higher_is_worse", np.nan, np.nan, 0.05) == "nicht berechenbar"


def test_verdict_counts_clearly_worse_indicators_and_the_direction_of_the_gap():
    from veedel_lib.reports.themenbewertung import verdict

    worse = ("A-Quote", "higher_is_worse", "percent", 0.001, "ungünstiger", 2.0, 20.0, 10.0,
             "verschlechtert", "deutlich erhöht")
    also = ("B-Quote", "higher_is_worse", "percent", 0.001, "ungünstiger", 1.3, 13.0, 10.0,
            "verschlechtert", "erhöht")
    same = ("C-Quote", "higher_is_worse", "percent", 0.4, "kein deutlicher Unterschied", 1.05, 10.5, 10.0,
            "kein gesicherter Trend", "")
    context = ("Kontext", "neutral", "percent", 0.001, "höher", np.nan, 30.0, 20.0, "Abstand wächst", "")
    text = verdict(_rows(worse, also, context), "Kinderarmut", "Kalk", 2024, 2020)
    assert text.startswith("**Die Daten stützen den Handlungsbedarf:** 2 von 2 Indikatoren liegen")
    assert "A-Quote: 20,0 % gegenüber 10,0 %, das 2,0-Fache" in text
    assert "bei 0 Indikatoren gesichert verbessert und bei 2 gesichert verschlechtert" in text
    assert "Der Abstand wächst" in text
    assert "„deutlich erhöht“ bei A-Quote und „erhöht“ bei B-Quote" in text
    partly = verdict(_rows(worse, same, same), "Kinderarmut", "Kalk", 2024, 2020)
    assert partly.startswith("**Die Daten stützen den Handlungsbedarf nur teilweise:** 1 von 3 Indikatoren liegt")
    none = verdict(_rows(same), "Kinderarmut", "Kalk", 2024, 2020)
    assert none.startswith("**Die Daten zeigen keinen besonderen Handlungsbedarf:** 0 von 1")
    assert "keine wertenden Indikatoren" in verdict(_rows(context), "Kinderarmut", "Kalk", 2024, 2020)


def test_theme_assessment_on_demo_data_sees_the_built_in_effect(demo):
    """Höhenberg/Vingst: SGB II quota 2 points lower from 2021, so its gap to the city narrows since 2020."""
    from veedel_lib.reports.themenbewertung import ThemeAssessment
    from veedel_lib.run.floor import SilentReport

    assessment = ThemeAssessment.open("hoehenberg-vingst", theme="SGB-II-Bezug",
                                      indicators=["sgb2_quote", "unemployment_share"], dataset=demo)
    table = assessment.table().set_index("indicator")
    assert assessment.years == [demo.latest_year - 4 + i for i in range(5)]
    assert table.at["sgb2_quote", "assessment"] == "ungünstiger"
    assert table.at["sgb2_quote", "trend"] == "verbessert"
    assert table.at["sgb2_quote", "gap_slope"] < 0
    silent = SilentReport()
    for section in assessment.sections:
        silent.show(getattr(assessment, section)())
    assert silent.characters > 5_000
    with pytest.raises(ConfigurationError, match="Unbekannte Indikatoren für die Themenbewertung: kinderarmut"):
        ThemeAssessment.open("kalk", theme="Kinderarmut", indicators=["kinderarmut"], dataset=demo)


@pytest.mark.slow
@pytest.mark.parametrize("parameters, heading", [
    ({}, "Themenbewertung „Kinderarmut“: Kalk"),
    # the documented limit: four indicators, the longest area name
    ({"area_id": "porz-ost-finkenberg-gremberghoven-eil", "theme": "Altersarmut",
      "indicators": ["gsi_age_quote", "gsi_em_quote", "transfer_quote", "unemployment_share"]},
     "Themenbewertung „Altersarmut“: Porz-Ost/Finkenberg/Gremberghoven/Eil"),
], ids=["voreinstellungen", "vier_indikatoren"])
def test_themenbewertung_runs_through_papermill_and_prints_on_one_page(tmp_path, parameters, heading):
    import papermill as pm

    from veedel_lib.publish.html import export_html
    from veedel_lib.publish.pdf import PdfPrinter, chromium_path

    executed = tmp_path / "themenbewertung.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "themenbewertung.ipynb"), str(executed),
                        parameters={"parameters_dir": str(PARAMETERS), **parameters}, kernel_name="veedel",
                        cwd=str(ROOT / "notebooks"), progress_bar=False)
    html = export_html(executed, tmp_path / "themenbewertung.html")
    text = html.read_text(encoding="utf-8")
    assert heading in text and "Die Daten " in text
    assert 'class="toc"' not in text          # no table of contents: it would force a page break
    if chromium_path() is None or shutil.which("pdfinfo") is None:
        pytest.skip("Chromium oder pdfinfo (poppler-utils) fehlt: Seitenzahl der PDF nicht prüfbar")
    pdf = tmp_path / "themenbewertung.pdf"
    with PdfPrinter() as printer:
        printer.print(html, pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info


def test_fallback_method_when_the_data_lack_an_indicator(demo):
    """Data without unemployment counts (like the city's open data) get the configured fallback method,
    and the report says which indicators were missing; an explicitly chosen method is never replaced."""
    import dataclasses

    from veedel_lib.reports.sozialindex import SozialindexReport

    lacking = dataclasses.replace(demo, statistics=demo.statistics[demo.statistics["variable"] != "unemployed"],
                                  cache={})
    report = SozialindexReport.open(dataset=lacking, parameters_dir=PARAMETERS)
    assert report.method_id == "offene_daten"
    assert "Arbeitslosenanteil" in report.notes[0]
    texts = [block.markdown for block in report.method() if hasattr(block, "markdown")]
    assert any("**Hinweis:**" in text and "Arbeitslosenanteil" in text for text in texts)
    full = SozialindexReport.open(dataset=demo, parameters_dir=PARAMETERS)
    assert full.method_id == "koeln" and full.notes == []
