"""The chart contract: every chart declares the columns it draws with their disclosure basis, and disclosure control
runs on that declaration before anything is drawn (tiny hand-made frames, no dataset)."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from veedel_lib.errors import DisclosureError
from veedel_lib.params.catalogue import Indicator
from veedel_lib.render import maps
from veedel_lib.render.charts import positions
from veedel_lib.render.charts.effects import EventStudyPanels, EventTimePanels, SyntheticControlPanels
from veedel_lib.render.charts.plans import TRACK, GoalPaths, MeasureTimeline
from veedel_lib.render.charts.positions import (AgeStructure, AreaHeatmap, PlaceIntervals, RatioDots, StadtteilStrip,
                                                StatusDynamicsScatter)
from veedel_lib.render.charts.registry import CHARTS
from veedel_lib.render.charts.trends import TrendPanels

QUOTE = Indicator(id="sgb2_quote", label="SGB-II-Quote", lebenslage="Bevölkerung", numerator=["sgb2"],
                  denominator=["residents"], direction="higher_is_worse", source="Test")
COUNTS = {"threshold": 5, "denominator_threshold": 5}


def _age_groups(first_count: int) -> pd.DataFrame:
    """Two age groups of an area: the first with ``first_count`` people (threshold 5), the second with 40."""
    return pd.DataFrame({"label": ["unter 18", "18 bis 64"], "area_numerator": [first_count, 40],
                         "area_denominator": [200, 200], **COUNTS, "area_value": [100 * first_count / 200, 20.0],
                         "city_value": [17.0, 60.0], "unit": "percent"})


def _long(groups: list[str], years: list[int], **extra) -> pd.DataFrame:
    """A long indicator table (one row per group and year) with counts well above the thresholds."""
    rows = [{"group": g, "indicator": QUOTE.id, "year": y, "data_year": y, "numerator": 50 + i, "denominator": 1000,
             "value": 5.0 + i, "ci_low": 4.0 + i, "ci_high": 6.0 + i, **COUNTS}
            for i, (g, y) in enumerate((g, y) for g in groups for y in years)]
    return pd.DataFrame(rows).assign(**extra)


def _effects(x: str, counts: tuple[str, str], **extra) -> pd.DataFrame:
    return pd.DataFrame({"indicator": QUOTE.id, x: [1, 2, 3], counts[0]: 30, counts[1]: 900, **COUNTS,
                         "estimate": [0.0, -0.5, -1.0], "ci_low": [-0.2, -1.0, -1.8], "ci_high": [0.2, 0.1, -0.2],
                         **extra})


EXAMPLES = {
    TrendPanels: lambda: (TrendPanels([QUOTE], "Kalk"), {"data": pd.concat([
        _long(["a"], [2020, 2021], role="area"), _long(["city"], [2020, 2021], role="city")])}),
    AgeStructure: lambda: (AgeStructure("Kalk", 2021), {"data": _age_groups(30)}),
    RatioDots: lambda: (RatioDots("Kalk", 2021), {"data": pd.DataFrame({
        "label": ["SGB-II-Quote"], "area_numerator": [80], "area_denominator": [1000], **COUNTS, "unit": "percent",
        "city_value": [6.0], "area_value": [8.0], "area_ci_low": [6.5], "area_ci_high": [9.5], "worse_ratio": [1.33],
        "assessment": ["ungünstiger"]})}),
    PlaceIntervals: lambda: (PlaceIntervals([QUOTE], {"a": "Kalk", "bezirk": "Bezirk", "gesamtstadt": "Stadt"},
                                            2021), {"data": _long(["a", "bezirk", "gesamtstadt"], [2021])}),
    StadtteilStrip: lambda: (StadtteilStrip([QUOTE], {"801": "ganz"}, 2021, "Kalk"), {"data": _long(
        ["801", "802", "803"], [2021]).assign(stadtteil=["801", "802", "803"], name=["Humboldt", "Kalk", "Vingst"])}),
    AreaHeatmap: lambda: (AreaHeatmap([QUOTE], 2021), {"data": pd.DataFrame({
        "area": ["Kalk", "Chorweiler", "Gesamtstadt"], "area_id": ["a", "b", "city"], QUOTE.id: [9.0, 14.0, 8.0],
        f"n_{QUOTE.id}": [90, 140, 8000], f"d_{QUOTE.id}": [1000] * 2 + [100000], f"t_{QUOTE.id}": 5,
        f"td_{QUOTE.id}": 5})}),
    StatusDynamicsScatter: lambda: (StatusDynamicsScatter([-1.0, 1.0], ["günstig", "mittel", "ungünstig"], [-1.0, 1.0],
                                                          ["besser", "stabil", "schlechter"], 2021, 2016),
                                    {"data": pd.DataFrame({
                                        "_z_guard": [0, 0, 0], "label": ["801 Humboldt", "802 Kalk", "803 Vingst"],
                                        "status_index": [-1.2, 0.3, 1.5], "status_label": ["günstig", "mittel", "ungünstig"],
                                        "dynamics_index": [0.1, 1.2, -1.1], "dynamics_label": ["stabil", "schlechter", "besser"],
                                        "coverage": ["", "ganz", "teilweise"], "areas": ["", "Kalk", "Kalk"]})}),
    EventStudyPanels: lambda: (EventStudyPanels([QUOTE], "Kalk", 2020), {"data": _effects(
        "year", ("area_count_min", "area_denominator_min")).assign(year=[2020, 2021, 2022])}),
    EventTimePanels: lambda: (EventTimePanels([QUOTE], 2021), {"data": _effects(
        "key", ("count_min", "denominator_min"))}),
    SyntheticControlPanels: lambda: (SyntheticControlPanels([QUOTE], "Kalk", 2020), {"data": pd.DataFrame({
        "indicator": QUOTE.id, "year": [2019, 2020, 2021], "area_count_min": 30, "area_denominator_min": 900,
        **COUNTS, "actual": [9.0, 9.2, 8.8], "synthetic": [9.1, 9.1, 9.3], "gap": [-0.1, 0.1, -0.5]})}),
    MeasureTimeline: lambda: (MeasureTimeline("2021–2024", dt.date(2022, 6, 30), "Kalk"), {"data": pd.DataFrame({
        "number": ["1.1"], "title": ["Spielplatz"], "field": ["Wohnumfeld"], "planned_start": [dt.date(2021, 1, 1)],
        "planned_end": [dt.date(2022, 1, 1)], "start": [dt.date(2021, 3, 1)], "end": [pd.NaT],
        "status": ["laufend"], "delayed": [True]})}),
    GoalPaths: lambda: (GoalPaths("Kalk", "2021–2024"), {
        "data": _long(["a"], [2021, 2022]).drop(columns=["group", "indicator", "data_year"]).assign(
            number="Z1", label="SGB-II-Quote", unit="percent"),
        "goals": pd.DataFrame({"number": ["Z1"], "label": ["SGB-II-Quote"], "unit": ["percent"],
                               "baseline_year": [2021], "target": [4.0], "target_year": [2024], **COUNTS,
                               **{key: [60 if i % 2 == 0 else 1000] for i, key in enumerate(TRACK)},
                               "trend_start": [5.0], "projection": [4.5], "projection_low": [3.5],
                               "projection_high": [5.5], "status": ["auf Kurs"]})}),
    maps.Choropleth: lambda: (maps.Choropleth(maps.embedded_boundaries(), title="Test"), {"data": pd.DataFrame({
        "stadtteil": ["801", "802"], "name": ["Humboldt/Gremberg", "Kalk"], "numerator": [50, 60],
        "denominator": [1000, 1000], **COUNTS, "value": [5.0, 6.0]})}),
}
"""A tiny example of every chart of the registry: its parameters and exactly the columns it declares."""


class _Received:
    """Wraps a chart's ``draw`` to keep the data it receives."""

    def __init__(self, monkeypatch, cls):
        self.data = {}
        draw = cls.draw

        def keep(chart, data, **frames):
            self.data = {"data": data, **frames}
            return draw(chart, data, **frames)

        monkeypatch.setattr(cls, "draw", keep)


def test_a_value_on_a_small_count_reaches_the_drawing_already_withheld(monkeypatch):
    received = _Received(monkeypatch, AgeStructure)
    chart = AgeStructure("Kalk", 2021).plot(_age_groups(2))  # 2 people, threshold 5
    plt.close(chart.figure)
    drawn = received.data["data"]
    assert np.isnan(drawn.frame.loc[0, "area_value"])  # the share of 2 people never reaches matplotlib
    assert drawn.frame.loc[1, "area_value"] == 20.0
    assert drawn.withheld.loc[0, "area_value"] and not drawn.withheld.loc[1, "area_value"]
    assert drawn.frame.loc[0, "city_value"] == 17.0  # public values stay
    assert drawn.frame.loc[0, "area_numerator"] == 2  # a count that is not drawn keeps its value (for the table)
    assert np.isnan(chart.data.loc[0, "area_value"])


def test_a_column_without_declaration_is_refused_with_a_german_error():
    frame = _age_groups(30).assign(secret=[1, 2])
    with pytest.raises(DisclosureError, match="Diagramm „Altersstruktur“: nicht deklarierte Spalten secret"):
        AgeStructure("Kalk", 2021).plot(frame)


def test_a_value_declared_on_a_count_that_is_not_declared_is_refused():
    class Careless(AgeStructure):
        columns = {**AgeStructure.columns, "area_value": AgeStructure.columns["area_value"].__class__(
            counts=("people",))}

    with pytest.raises(DisclosureError, match="beruhen auf people, die nicht als Anzahl deklariert sind"):
        Careless("Kalk", 2021).plot(_age_groups(30))


@pytest.mark.parametrize("cls", CHARTS, ids=lambda cls: cls.__name__)
def test_every_chart_of_the_registry_draws_from_its_declared_columns_only(cls, monkeypatch):
    """Drawn from exactly its declared columns (the checked data hold no other): a chart that read a column it does
    not declare would fail here with a KeyError; a chart without an example fails too."""
    assert cls in EXAMPLES, f"{cls.__name__} hat kein Beispiel in diesem Test"
    chart, frames = EXAMPLES[cls]()
    if cls is AreaHeatmap:  # seaborn's palette costs a second of imports; any colour map draws the same columns
        monkeypatch.setattr(positions, "heat_palette", lambda: plt.get_cmap("viridis"))
    received = _Received(monkeypatch, cls)
    drawn = chart.plot(**frames)
    plt.close(drawn.figure)
    declared = chart.declared()
    for name, data in received.data.items():
        assert set(data.frame.columns) <= set(declared[name])
        assert set(frames[name].columns) == set(data.frame.columns)
