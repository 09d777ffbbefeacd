"""Sozialindex methods as data: a new indicator through the parameter files alone, qualifying units of any city,
and clear errors where the data break a method's assumptions."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS
from test_raumbezug import made_up_city

from veedel_lib.errors import AnalysisError, DataValidationError

LONG_TERM_VARIABLE = """  - {id: long_term_unemployed, label: Langzeitarbeitslose, source: Statistik der Bundesagentur für Arbeit, publish_threshold: 10}
"""
LONG_TERM_INDICATOR = """  - id: long_term_unemployment_share
    label: Langzeitarbeitslose je 100 Einwohner*innen von 15 bis 64 Jahren
    short_label: Langzeitarbeitslosenanteil
    lebenslage: Erwerbstätigkeit
    numerator: [long_term_unemployed]
    denominator: [pop_15_17, pop_18_24, pop_25_64]
    direction: higher_is_worse
    source: Statistik der Bundesagentur für Arbeit
"""
BERLIN_2013 = """  berlin_2013:
    label: Verfahren früherer Ausgaben des Berliner Monitorings (mit Langzeitarbeitslosen)
    indicators:
      - {id: unemployment_share}
      - {id: long_term_unemployment_share}
      - {id: transfer_quote}
      - {id: sgb2_children_quote}
    min_population: 300
    dynamics_years: 2
    status_classes:
      thresholds: [-1.0, 1.0, 1.5]
      classes:
        - {code: "1", label: hoch}
        - {code: "2", label: mittel}
        - {code: "3", label: niedrig}
        - {code: "4", label: sehr niedrig}
    dynamics_classes:
      thresholds: [-1.0, 1.0]
      classes:
        - {code: "+", label: positiv}
        - {code: "±", label: stabil}
        - {code: "-", label: negativ}
"""


def test_a_method_with_an_indicator_the_catalogue_lacked_needs_only_the_parameter_files(demo, tmp_path):
    """Long-term unemployment (earlier editions of Berlin's monitoring): a variable and an indicator in
    indicators.yml, a method in sozialindex.yml, the counts in the data; no code."""
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.sozialindex import SozialindexReport

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    catalogue = parameters / "indicators.yml"
    text = catalogue.read_text(encoding="utf-8")
    anchor = "  - {id: unemployed_15_24,"
    text = text.replace(anchor, LONG_TERM_VARIABLE + anchor, 1)
    text = text.replace("  - id: youth_unemployment_share\n", LONG_TERM_INDICATOR + "  - id: youth_unemployment_share\n", 1)
    catalogue.write_text(text, encoding="utf-8")
    config = parameters / "sozialindex.yml"
    text = config.read_text(encoding="utf-8").replace("method: koeln\n", "method: berlin_2013\n", 1)
    config.write_text(text.replace("methods:\n", "methods:\n" + BERLIN_2013, 1), encoding="utf-8")

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo.data_dir / "units.csv", data / "units.csv")
    statistics = pd.read_csv(demo.data_dir / "statistics.csv", sep=";", dtype=str)
    unemployed = statistics[statistics["variable"] == "unemployed"].copy()
    rng = np.random.default_rng(7)
    counts = pd.to_numeric(unemployed["count"], errors="coerce")
    unemployed["count"] = np.where(counts.notna(), np.round(counts.fillna(0) * rng.uniform(0.3, 0.5, len(counts))),
                                   np.nan)
    unemployed["count"] = [str(int(c)) if np.isfinite(c) else "*" for c in unemployed["count"]]
    unemployed["variable"] = "long_term_unemployed"
    pd.concat([statistics, unemployed]).to_csv(data / "statistics.csv", sep=";", index=False)

    ds = load_dataset(data, parameters, use_cache=False)
    report = SozialindexReport.open(data_dir=data, parameters_dir=parameters, dataset=ds)
    assert report.method_id == "berlin_2013" and report.notes == []
    table = report.index.table
    assert "z_long_term_unemployment_share" in table.columns
    assert table["qualifies"].sum() == 86
    assert report.index.status.means.index.tolist() == [
        "unemployment_share", "long_term_unemployment_share", "transfer_quote", "sgb2_children_quote"]
    shown = [str(v) for b in report.method() if hasattr(b, "frame") for v in b.frame.to_numpy().ravel()]
    assert "Langzeitarbeitslosenanteil" in shown


def test_qualifying_units_by_minimum_population_and_excluded_keys_of_another_city(demo, tmp_path):
    from veedel_lib.analysis.sozialindex import compute_sozialindex, load_sozialindex_config
    from veedel_lib.inputs.dataset import load_dataset

    data, parameters = made_up_city(demo, tmp_path)
    config_file = parameters / "sozialindex.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("excluded: []", 'excluded: ["020201", Kai]'), encoding="utf-8")
    ds = load_dataset(data, parameters, use_cache=False)
    config = load_sozialindex_config(config_file, ds.catalogue, ds.spatial)
    method = config.methods["koeln"]
    assert method.excluded == ["020201", "010101"]  # keys of Flussstadt's Planungsräume, by key or name
    index = compute_sozialindex(ds, ds.latest_year, method, "koeln")
    assert set(index.table.index[~index.table["qualifies"]]) == {"020201", "010101"}
    assert (index.table.loc[["020201", "010101"], "reason"] == "von der Bewertung ausgenommen").all()
    smallest = index.table["population"].nsmallest(2)
    raised = method.model_copy(update={"min_population": int(smallest.iloc[1]) + 1, "excluded": []})
    rated = compute_sozialindex(ds, ds.latest_year, raised, "koeln").table
    assert set(rated.index[~rated["qualifies"]]) == set(smallest.index)

    config_file.write_text(text.replace("excluded: []", 'excluded: ["0299", Atlantis]'), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_sozialindex_config(config_file, ds.catalogue, ds.spatial)
    reasons = [p.reason for p in caught.value.problems]
    assert sorted(set(reasons)) == ["Planungsraum '0299' gibt es nicht in Flussstadt (raumbezug.yml)",
                                    "Planungsraum 'Atlantis' gibt es nicht in Flussstadt (raumbezug.yml)"]
    assert len(reasons) == 2 * len(config.methods)  # every method's list is checked
    assert all(p.file.endswith("sozialindex.yml") and p.row for p in caught.value.problems)


def _without(ds, variable: str, stadtteil: int):
    """The dataset without the rows of ``variable`` for the units of one Stadtteil (a fresh derived cache)."""
    units = set(ds.units.loc[ds.units["stadtteil_nr"] == stadtteil, "unit_id"])
    keep = ~((ds.statistics["variable"] == variable) & ds.statistics["unit"].isin(units))
    return dataclasses.replace(ds, statistics=ds.statistics[keep].reset_index(drop=True), cache={})


def test_a_weighted_method_without_population_is_an_error_naming_the_file_and_the_unit(demo):
    from veedel_lib.analysis.sozialindex import compute_sozialindex, load_sozialindex_config

    method = load_sozialindex_config(PARAMETERS / "sozialindex.yml", demo.catalogue).methods["koeln"]
    weighted = method.model_copy(update={"weighting": "population"})
    lacking = _without(demo, "population", 802)
    with pytest.raises(AnalysisError) as caught:
        compute_sozialindex(lacking, demo.latest_year, weighted, "koeln")
    message = str(caught.value)
    assert "(sozialindex.yml, methods.koeln.weighting: population) gewichtet nach Einwohnerzahl" in message
    assert "fehlt die Einwohnerzahl" in message and "802 Kalk" in message
    compute_sozialindex(demo, demo.latest_year, weighted, "koeln")  # with population it works


def test_missing_index_values_in_a_qualifying_unit_exclude_it_or_stop_as_the_method_says(demo):
    from veedel_lib.analysis.sozialindex import compute_sozialindex, load_sozialindex_config

    method = load_sozialindex_config(PARAMETERS / "sozialindex.yml", demo.catalogue).methods["koeln"]
    lacking = _without(demo, "unemployed", 802)
    excluded = compute_sozialindex(lacking, demo.latest_year, method, "koeln").table
    assert not excluded.at["802", "qualifies"] and excluded.at["802", "reason"].startswith("keine Werte")
    strict = method.model_copy(update={"missing_values": "error"})
    with pytest.raises(AnalysisError) as caught:
        compute_sozialindex(lacking, demo.latest_year, strict, "koeln")
    message = str(caught.value)
    assert "(sozialindex.yml, methods.koeln.missing_values: error)" in message and "802 Kalk (" in message
