"""Trends: the development of indicators over the years, the area's line with its interval against the city's."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from ...params.catalogue import Indicator
from .. import formatting as fmt
from ..disclosure import PUBLIC, Basis, ChartData
from .base import LONG_TABLE, ChartSpec
from .drawing import AREA_COLOUR, CITY_COLOUR, Chart, german_axis, light_ticks, panel_grid


@dataclass
class TrendPanels(ChartSpec):
    """Small multiples: one panel per indicator, the area's line with its interval band and the city's.

    ``series`` is the output of :func:`veedel_lib.analysis.trends.area_series`; ``col_wrap`` panels per row.
    Drawn with matplotlib on a fixed grid (1,75 inch high panels, 1,25 times as wide) with constrained layout
    and one legend below, so no layout search per panel is needed.
    """

    label: ClassVar[str] = "Entwicklung (Liniendiagramme je Indikator)"
    columns: ClassVar[Mapping[str, Basis]] = {**LONG_TABLE, "role": PUBLIC}

    indicators: list[Indicator]
    area_name: str
    col_wrap: int = 3

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        series = data.frame
        indicators, area_name, col_wrap = self.indicators, self.area_name, self.col_wrap
        names = {i.id: i.name for i in indicators}
        units = {i.id: i.unit for i in indicators}
        data = series[series["indicator"].isin(names)].dropna(subset=["value"]).copy()
        order = [i.id for i in indicators if i.id in set(data["indicator"])]
        columns = max(1, min(col_wrap, len(order)))
        figure, axes = panel_grid(len(order), columns, 1.65, 1.2)
        from matplotlib.ticker import MaxNLocator  # where drawn, not on import: see drawing.pyplot

        lines = {}
        for indicator_id, ax in zip(order, axes):
            panel = data[data["indicator"] == indicator_id].sort_values("year")
            area = panel[panel["role"] == "area"]
            city = panel[panel["role"] != "area"]
            ax.fill_between(area["year"], area["ci_low"], area["ci_high"], color=AREA_COLOUR, alpha=0.18, linewidth=0)
            lines[area_name], = ax.plot(area["year"], area["value"], color=AREA_COLOUR, marker="o", markersize=4,
                                        linewidth=1.5, label=area_name)
            lines["Gesamtstadt"], = ax.plot(city["year"], city["value"], color=CITY_COLOUR, marker="X", markersize=4,
                                            linewidth=1.5, dashes=(4, 2), label="Gesamtstadt")
            ax.set_title(textwrap.fill(names[indicator_id], 30), loc="left", fontsize=8.5)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
            top = max(area["ci_high"].max() if len(area) else 0, panel["value"].max())
            german_axis(ax.yaxis, 1 if top < 10 else 0, " %" if units[indicator_id] == "percent" else " ‰")
            ax.tick_params(labelsize=7.5)
            ax.set_ylim(bottom=0)
        light_ticks(axes)
        figure.legend(list(lines.values()), list(lines), loc="lower center", ncol=2, fontsize=8)
        first, last = int(data["year"].min()), int(data["year"].max())
        wide = data.pivot_table(index=["indicator", "year"], columns="role", values="value").reset_index()
        wide = wide.reindex(columns=["indicator", "year", "area", "city"])  # a role without any value stays, empty
        alt = _trend_alt(wide, indicators, area_name, first, last)
        table = wide.assign(label=wide["indicator"].map(names), unit=wide["indicator"].map(units))
        extra = []
        counts = data[data["role"] == "area"].set_index(["indicator", "year"])
        rows = pd.MultiIndex.from_arrays([table["indicator"], table["year"]])
        for count in ("numerator", "denominator"):  # the area's counts behind each value, for disclosure control
            if count in data.columns:
                table[f"area_{count}"] = counts[count].reindex(rows).to_numpy()
                extra.append(f"area_{count}")
        for threshold in ("threshold", "denominator_threshold"):
            if threshold in data.columns:
                table[threshold] = table["indicator"].map(data.groupby("indicator")[threshold].first())
                extra.append(threshold)
        table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
        table = table.sort_values(["_order", "year"])[["label", "year", "area", "city", "unit", *extra]]
        table = table.rename(columns={"area": "area_value", "city": "city_value"}).reset_index(drop=True)
        return Chart(figure, table, alt, f"Entwicklung {first} bis {last}: {area_name} und Gesamtstadt",
                     {"label": "Indikator", "year": "Jahr", "area_value": area_name, "city_value": "Gesamtstadt"})


def _trend_alt(wide: pd.DataFrame, indicators: list[Indicator], area_name: str, first: int, last: int) -> str:
    closer, wider = [], []
    for indicator in indicators:
        rows = wide[wide["indicator"] == indicator.id].dropna().sort_values("year")
        if len(rows) < 2 or indicator.direction == "neutral":
            continue
        gap_first = rows.iloc[0]["area"] - rows.iloc[0]["city"]
        gap_last = rows.iloc[-1]["area"] - rows.iloc[-1]["city"]
        (closer if abs(gap_last) < abs(gap_first) else wider).append(indicator.name)
    text = f"Liniendiagramme {first} bis {last} für {area_name} und die Gesamtstadt."
    if closer:
        text += f" Der Abstand zur Gesamtstadt ist kleiner geworden bei {fmt.join(closer)}."
    if wider:
        text += f" Er ist größer geworden bei {fmt.join(wider)}."
    return text
