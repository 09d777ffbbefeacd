"""Independent tests of the programme-wide figures (``veedel_lib/analysis/programme.py``; issue #30 item 9).

A stand-in data set of four units (a and b in the areas, c and d only in the city) and two years; every count,
sum, share and difference below is worked out by hand in the comments. Tiny data only, no demo data.
"""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import pandas as pd
import pytest

from veedel_lib.analysis.programme import programme_shares
from veedel_lib.params.catalogue import ProgrammeFigure

UNITS = ["a", "b", "c", "d"]
COUNTS = {
    # variable: {year: counts of a, b, c, d}
    "pop": {2020: [90, 210, 500, 200], 2021: [100, 300, 400, 200]},
    "sgb2": {2020: [20, 30, 25, 25], 2021: [20, 30, 25, 25]},
    "sgb12": {2020: [5, 5, None, 30], 2021: [5, 5, 10, 30]},
    "kids": {2020: [None, 40, 60, 100], 2021: [0, 0, 0, 0]},
}
FIGURES = [
    ProgrammeFigure(id="residents", label="Einwohner*innen", variables=["pop"], published_share=38.5),
    ProgrammeFigure(id="benefits", label="Leistungsbeziehende", variables=["sgb2", "sgb12"], published_share=45.0),
    ProgrammeFigure(id="kids", label="Kinder", variables=["kids"], published_share=20.0),
]


def _dataset() -> SimpleNamespace:
    """A stand-in with what the programme figures read: units, counts, years, catalogue and area membership."""
    rows = [(unit, year, variable, count) for variable, by_year in COUNTS.items()
            for year, counts in by_year.items() for unit, count in zip(UNITS, counts)]
    statistics = pd.DataFrame(rows, columns=["unit", "year", "variable", "count"])
    catalogue = SimpleNamespace(variable_ids=["kids", "pop", "sgb12", "sgb2", "unused"], programme_figures=FIGURES)
    return SimpleNamespace(units=pd.DataFrame({"unit_id": UNITS}), statistics=statistics, years=[2020, 2021],
                           latest_year=2021, catalogue=catalogue, cache={},
                           membership=SimpleNamespace(all_units=lambda: ["a", "b"]))


def test_the_shares_of_the_latest_year_are_the_area_sums_over_the_city_sums_against_the_published_ones():
    """2021: residents 100 + 300 = 400 of 1,000 = 40 % (published 38.5: +1.5 points); benefits (sgb2 20 + 30 plus
    sgb12 5 + 5) = 60 of (100 + 50) = 150 = 40 % (published 45: -5 points); kids 0 of 0: no share, and no
    division warning (the notebooks would show it in the report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = programme_shares(_dataset())
    assert list(table.columns) == ["figure", "label", "year", "areas", "city", "share", "published_share",
                                   "difference_pp"]
    assert table["figure"].tolist() == ["residents", "benefits", "kids"]
    assert table["label"].tolist() == ["Einwohner*innen", "Leistungsbeziehende", "Kinder"]
    assert table["year"].tolist() == [2021, 2021, 2021]
    assert table["areas"].tolist() == [400.0, 60.0, 0.0]
    assert table["city"].tolist() == [1000.0, 150.0, 0.0]
    assert table["share"].iloc[:2].tolist() == pytest.approx([40.0, 40.0])
    assert table["published_share"].tolist() == [38.5, 45.0, 20.0]
    assert table["difference_pp"].iloc[:2].tolist() == pytest.approx([1.5, -5.0])
    assert math.isnan(table["share"].iloc[2]) and math.isnan(table["difference_pp"].iloc[2])


def test_a_given_year_is_used_and_a_missing_count_leaves_its_sums_and_share_unknown():
    """2020: residents 90 + 210 = 300 of 1,000 = 30 % (38.5 published: -8.5 points). Benefits: sgb12 of unit c is
    missing, so the city's sgb12 and with it the city's sum are unknown (not 100 + 40 = 140), while the areas' sum
    is 50 + 10 = 60; kids: unit a's count is missing, so both sums are unknown (not 40 and 200)."""
    table = programme_shares(_dataset(), year=2020)
    assert table["year"].tolist() == [2020, 2020, 2020]
    assert table["areas"].iloc[:2].tolist() == [300.0, 60.0] and math.isnan(table["areas"].iloc[2])
    assert table["city"].iloc[0] == 1000.0 and table["city"].iloc[1:].isna().all()
    assert table["share"].iloc[0] == pytest.approx(30.0) and table["share"].iloc[1:].isna().all()
    assert table["difference_pp"].iloc[0] == pytest.approx(-8.5) and table["difference_pp"].iloc[1:].isna().all()
