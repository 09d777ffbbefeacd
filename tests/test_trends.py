"""Trends of the gap to the city: a tiny area whose counts are all masked still gets an answer, not a KeyError."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
from conftest import PARAMETERS

from veedel_lib.analysis import trends
from veedel_lib.reports.themenbewertung import ThemeAssessment

TINY_UNIT = "10301"
"""A demo unit whose SGB-II children (1 to 9 each year) are below the publish threshold (10) in every year."""


def test_trend_table_without_any_comparable_year_keeps_its_columns(demo):
    indicator = demo.catalogue.indicator("sgb2_children_quote")
    series = pd.DataFrame({"indicator": indicator.id, "year": [2023, 2023, 2024, 2024],
                           "role": ["area", "city"] * 2, "value": [np.nan, 12.0, np.nan, 11.5]})
    table = trends.trend_table(series, [indicator])
    assert table.empty and "indicator" in table.columns and "gap_slope_p" in table.columns


def test_themenbewertung_of_a_tiny_area_says_not_computable(tmp_path, demo):
    """Regression: an area of one small unit failed with KeyError 'indicator' (issue #15, item 11)."""
    counts = demo.statistics[(demo.statistics["unit"] == TINY_UNIT) & (demo.statistics["variable"] == "sgb2_u15")
                             & (demo.statistics["year"] > demo.latest_year - 5)]["count"]
    assert counts.between(1, 9).all()                       # the premise: every year is masked
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    with open(parameters / "areas.yml", "a", encoding="utf-8") as handle:
        handle.write('\n  - id: winzig\n    code: SRG99\n    name: Winzig\n    stadtbezirk: 1\n'
                     f'    units: ["{TINY_UNIT}"]\n')
    report = ThemeAssessment.open("winzig", data_dir="demo", parameters_dir=parameters, dataset=None,
                                  indicators=["sgb2_children_quote"])
    table = report.table()
    assert list(table["indicator"]) == ["sgb2_children_quote"]
    assert list(table["trend"]) == ["nicht berechenbar"]
    assert "Winzig" in report.verdict()[0].markdown
