"""Positions: where a place stands against the city and the other places in one year (bars, dots with their
intervals, percentile strips, the heat table of the areas, the Sozialindex' scatter)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ...params.catalogue import Indicator
from ...params.reference import Level, Noun
from .. import formatting as fmt
from ..disclosure import PUBLIC, Basis, ChartData, count, rests_on
from ..text import AREA, UNITS
from .base import LONG_TABLE, OPTIONAL, ChartSpec, on_rate, rate_counts
from .drawing import (AREA_COLOUR, CITY_COLOUR, OTHER_COLOUR, PALETTE, Chart, german_axis, light_ticks,
                      panel_grid, pyplot)


@dataclass
class AgeStructure(ChartSpec):
    """Horizontal bars of the age groups' shares in the area and in the city.

    ``frame`` has columns label (age group), area_value, city_value (percent), in display order.
    """

    label: ClassVar[str] = "Altersstruktur"
    columns: ClassVar[Mapping[str, Basis]] = {
        "label": PUBLIC, **rate_counts("area"), "area_value": on_rate("area"), "city_value": PUBLIC, "unit": PUBLIC}

    area_name: str
    year: int

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        frame = data.frame
        area_name, year = self.area_name, self.year
        fig, ax = pyplot().subplots(figsize=(6.4, 2.9), layout="constrained")
        positions = np.arange(len(frame))
        height = 0.38
        ax.barh(positions - height / 2, frame["area_value"], height, color=AREA_COLOUR, label=area_name)
        ax.barh(positions + height / 2, frame["city_value"], height, color="white", edgecolor=CITY_COLOUR,
                hatch="////", label="Gesamtstadt")
        ax.set_yticks(positions, frame["label"])
        ax.invert_yaxis()
        ax.set_xlabel(f"Anteil an allen Einwohner*innen {year} (%)")
        german_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right")
        biggest = frame.assign(diff=frame["area_value"] - frame["city_value"]).sort_values("diff")
        younger = biggest.iloc[-1]
        alt = (f"Balkendiagramm der Altersgruppen {year}: Den größten Unterschied zur Gesamtstadt hat {area_name} "
               f"bei der Gruppe {younger['label']} ({fmt.percent(younger['area_value'])} gegenüber "
               f"{fmt.percent(younger['city_value'])}); "
               f"am deutlichsten darunter liegt die Gruppe {biggest.iloc[0]['label']} "
               f"({fmt.percent(biggest.iloc[0]['area_value'])} gegenüber {fmt.percent(biggest.iloc[0]['city_value'])}).")
        return Chart(fig, frame.reset_index(drop=True), alt, f"Altersstruktur {year}: {area_name} und Gesamtstadt",
                     {"label": "Altersgruppe", "area_value": area_name, "city_value": "Gesamtstadt"})


@dataclass
class RatioDots(ChartSpec):
    """Dot plot of each indicator relative to the city (city = 100), with the area's interval.

    ``comparison`` is the output of :func:`veedel_lib.analysis.comparison.compare_with_city` (non-neutral rows).
    """

    label: ClassVar[str] = "Soziale Lage im Verhältnis zur Gesamtstadt"
    columns: ClassVar[Mapping[str, Basis]] = {
        "label": PUBLIC, **rate_counts("area"), "unit": PUBLIC, "city_value": PUBLIC,
        **{key: on_rate("area") for key in ("area_value", "area_ci_low", "area_ci_high", "worse_ratio", "assessment")}}

    area_name: str
    year: int

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        comparison = data.frame
        area_name, year = self.area_name, self.year
        data = comparison.dropna(subset=["area_value", "city_value"]).copy()
        data = data[data["city_value"] > 0]
        data["index"] = 100 * data["area_value"] / data["city_value"]
        data["index_low"] = 100 * data["area_ci_low"] / data["city_value"]
        data["index_high"] = 100 * data["area_ci_high"] / data["city_value"]
        data = data.iloc[::-1]
        fig, ax = pyplot().subplots(figsize=(6.4, 0.34 * len(data) + 1.2), layout="constrained")
        y = np.arange(len(data))
        ax.errorbar(data["index"], y, xerr=[data["index"] - data["index_low"], data["index_high"] - data["index"]],
                    fmt="o", color=AREA_COLOUR, ecolor=AREA_COLOUR, elinewidth=1.2, capsize=2, label=area_name)
        ax.axvline(100, color=CITY_COLOUR, linestyle="--", linewidth=1.2, label="Gesamtstadt = 100")
        ax.set_yticks(y, data["label"])
        ax.set_xlabel(f"Wert {year} im Verhältnis zur Gesamtstadt (= 100)")
        german_axis(ax.xaxis)
        ax.set_xlim(left=0)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncol=2, fontsize=8)
        worse = data[data["assessment"] == "ungünstiger"]
        better = data[data["assessment"] == "günstiger"]
        strongest = data.loc[data["worse_ratio"].idxmax()] if data["worse_ratio"].notna().any() else None
        alt = (f"Punktdiagramm: {area_name} liegt {year} bei {len(worse)} von {len(data)} Indikatoren ungünstiger und "
               f"bei {len(better)} günstiger als die Gesamtstadt.")
        if strongest is not None and strongest["worse_ratio"] > 1:
            alt += (f" Am weitesten ungünstiger ist {strongest['label']} mit dem "
                    f"{fmt.number(strongest['worse_ratio'], 1)}-Fachen des städtischen Werts.")
        kept = [c for c in ("label", "area_value", "city_value", "index", "unit", "area_numerator", "area_denominator",
                            "threshold", "denominator_threshold") if c in data.columns]
        table = data.iloc[::-1][kept].reset_index(drop=True)
        return Chart(fig, table, alt, f"Soziale Lage {year}: {area_name} im Verhältnis zur Gesamtstadt",
                     {"label": "Indikator", "area_value": area_name, "city_value": "Gesamtstadt",
                      "index": "Gesamtstadt = 100"})


PLACE_MARKERS = ["o", "s", "D", "^", "v", "P"]


@dataclass
class PlaceIntervals(ChartSpec):
    """Small multiples, one panel per indicator on its own scale: each area's value with its interval, the
    Bezirk and the city as vertical lines.

    ``values`` is a long table (group, indicator, value, ci_low, ci_high, ... as from
    :func:`veedel_lib.analysis.indicators.indicator_values`); ``places`` maps the groups to
    their names in drawing order (areas first; ``bezirk`` and ``city`` are drawn as lines). Areas differ by
    colour and marker shape, the lines by style, so the figure does not rely on colour.
    """

    label: ClassVar[str] = "Schlüsselindikatoren mit Konfidenzintervall"
    columns: ClassVar[Mapping[str, Basis]] = {**LONG_TABLE, "numerator": count("threshold", drawn=True)}

    indicators: list[Indicator]
    places: dict[str, str]
    year: int
    city: str = "gesamtstadt"
    bezirk: str = "bezirk"
    col_wrap: int = 3

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        values = data.frame
        indicators, places, year = self.indicators, self.places, self.year
        city, bezirk, col_wrap = self.city, self.bezirk, self.col_wrap
        names = {i.id: i.name for i in indicators}
        units = {i.id: i.unit for i in indicators}
        areas = [g for g in places if g not in (city, bezirk)]
        order = [i.id for i in indicators if values.loc[values["indicator"] == i.id, "value"].notna().any()]
        columns = max(1, min(col_wrap, len(order)))
        legend_rows = -(-(len(areas) + 2) // 2)
        # a fixed grid 6,6 inches wide: three panels of 1,7 inches, room for a two-line title above each, the
        # value labels below, the legend (two entries per row) under the grid; no layout search
        fig, axes = panel_grid(len(order), columns, 1.7 * 3 / columns, 0.2 * len(areas) + 0.2, left=0.15, gap=0.35,
                               top=0.38, below=0.28, bottom=0.17 * legend_rows + 0.15, sharex=False)
        from matplotlib.ticker import MaxNLocator  # where drawn, not on import: see drawing.pyplot

        data = values.set_index(["group", "indicator"])
        handles = {}
        for indicator_id, ax in zip(order, axes):
            for position, group in enumerate(areas):
                row = data.loc[(group, indicator_id)]
                if pd.isna(row["value"]):
                    continue
                colour = PALETTE[[0, 2, 3, 4, 5, 7][position % 6]]
                error = [[row["value"] - row["ci_low"]], [row["ci_high"] - row["value"]]] \
                    if pd.notna(row["ci_low"]) else None
                handles[places[group]] = ax.errorbar([row["value"]], [position], xerr=error,
                                                     fmt=PLACE_MARKERS[position % 6],
                                                     color=colour, markersize=4.5, elinewidth=1.1, capsize=2)
            for group, style, colour in ((bezirk, ":", "#333333"), (city, "--", CITY_COLOUR)):
                if (group, indicator_id) in data.index and pd.notna(data.loc[(group, indicator_id), "value"]):
                    handles[places[group]] = ax.axvline(data.loc[(group, indicator_id), "value"], color=colour,
                                                        linestyle=style, linewidth=1.3)
            ax.set_ylim(len(areas) - 0.5, -0.5)
            ax.set_yticks([])
            ax.grid(axis="y", visible=False)
            ax.set_title(textwrap.fill(names[indicator_id], 28), loc="left", fontsize=7.5)
            german_axis(ax.xaxis, 1 if ax.get_xlim()[1] < 10 else 0, " %" if units[indicator_id] == "percent" else " ‰")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.tick_params(labelsize=7)
        light_ticks(axes)
        fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=2, fontsize=7.5)
        table = values[values["indicator"].isin(order) & values["group"].isin(places)].copy()
        table["place"] = table["group"].map(places)
        table["label"] = table["indicator"].map(names)
        table["unit"] = table["indicator"].map(units)
        table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
        table["_place"] = table["group"].map({g: n for n, g in enumerate(places)})
        table = table.sort_values(["_order", "_place"]).drop(columns=["_order", "_place"]).reset_index(drop=True)
        own = table[table["group"].isin(areas)]
        above = own.merge(table[table["group"] == city][["indicator", "value"]], on="indicator", suffixes=("", "_city"))
        worse = [r for r in above.itertuples() if pd.notna(r.ci_low) and (
            r.ci_low > r.value_city if next(i for i in indicators if i.id == r.indicator).direction == "higher_is_worse"
            else r.ci_high < r.value_city) and next(i for i in indicators if i.id == r.indicator).direction != "neutral"]
        alt = (f"Kleine Diagramme je Indikator {year}, jedes mit eigener Skala: die Werte von "
               f"{fmt.join(list(map(places.get, areas)))} "
               f"mit Konfidenzintervall, der Bezirk als gepunktete und die Gesamtstadt als gestrichelte Linie. "
               f"In {len(worse)} von {len(own.dropna(subset=['value']))} Fällen liegt das ganze Intervall eines Gebiets "
               "auf der ungünstigen Seite des städtischen Werts.")
        return Chart(fig, table, alt, f"Schlüsselindikatoren {year}: Gebiete mit Konfidenzintervall, Bezirk und Stadt",
                     {"place": "Ort", "label": "Indikator", "value": "Wert", "ci_low": "KI unten", "ci_high": "KI oben"})


def stadtteil_percentiles(values: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """Each Stadtteil's rank (1 = highest value) and percentile (0 = lowest, 100 = highest value) among the
    Stadtteile with a shown value, per indicator; ``values`` has columns indicator, stadtteil and ``column``
    (the value drawn: the raw rate, or the smoothed one where small Stadtteile are smoothed)."""
    data = values.dropna(subset=[column]).copy()
    by = data.groupby("indicator")[column]
    data["rank"] = by.rank(ascending=False, method="min")
    below = by.rank(ascending=True, method="min") - 1
    count = by.transform("count")
    data["percentile"] = np.where(count > 1, 100 * below / (count - 1).clip(lower=1), 50.0)
    return data


@dataclass
class StadtteilStrip(ChartSpec):
    """Where each Stadtteil stands among all Stadtteile, one row per indicator on one common scale: its
    percentile (0 = lowest, 100 = highest value of the Stadtteile), so % and ‰ never share an axis; each row
    names its indicator's own range of values. The area's Stadtteile are highlighted. ``city_units``: all units
    in the dative plural, as the city's ``raumbezug.yml`` names them ("Kölner Stadtteilen"); ``units``: the noun of
    that level (Cologne's Stadtteil), for the legend, the alternative text, the caption and the table's header.

    ``values`` has columns indicator, stadtteil (number as text), name, value (withheld values are
    missing and take no rank); ``highlight`` maps the area's Stadtteil numbers to a label ("ganz" or
    "teilweise"). The chart's data keep the raw values, ranks and percentiles of the area's Stadtteile. With
    the columns ``shown_value`` and ``smoothed`` (:mod:`veedel_lib.analysis.smoothing`) ranks and percentiles
    follow the shown value, and the area's smoothed Stadtteile are hollow diamonds labelled "geglättet"; the data
    table keeps the raw ``value`` next to ``shown_value``.
    """

    label: ClassVar[str] = "Position der Stadtteile"
    columns: ClassVar[Mapping[str, Basis]] = {
        **LONG_TABLE, "stadtteil": PUBLIC, "name": PUBLIC, "prior_group": OPTIONAL, "prior_value": OPTIONAL,
        **{key: on_rate(optional=True) for key in ("shown_value", "smoothed", "smoothed_value", "smoothed_low",
                                                   "smoothed_high", "weight", "cv", "small", "unreliable")}}

    indicators: list[Indicator]
    highlight: dict[str, str]
    year: int
    area_name: str
    city_units: str = "Einheiten der Stadt"
    units: Noun | Level = UNITS

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        values = data.frame
        indicators, highlight, year, area_name = self.indicators, self.highlight, self.year, self.area_name
        city_units, units_of = self.city_units, self.units
        names = {i.id: i.name for i in indicators}
        units = {i.id: i.unit for i in indicators}
        data = stadtteil_percentiles(values[values["indicator"].isin(names)],
                                     "shown_value" if "shown_value" in values.columns else "value")
        order = [i.id for i in indicators if i.id in set(data["indicator"])]
        x = "shown_value" if "shown_value" in data.columns else "value"
        smoothed = data["smoothed"].eq(True) if "smoothed" in data.columns else pd.Series(False, index=data.index)

        def row_label(indicator_id: str) -> str:
            panel = data[data["indicator"] == indicator_id][x]
            low, high = fmt.rate(panel.min(), units[indicator_id]), fmt.rate(panel.max(), units[indicator_id])
            return f"{names[indicator_id]}\n({low} bis {high})"

        fig, ax = pyplot().subplots(figsize=(6.6, 0.5 * len(order) + 1.4), layout="constrained")
        rng = np.random.default_rng(0)  # fixed jitter: the same data give the same picture
        rows = data["indicator"].map({indicator_id: row for row, indicator_id in enumerate(order)})
        drawn = data.assign(_row=rows).sort_values("_row", kind="stable")
        own, own_smoothed = drawn["stadtteil"].isin(highlight), smoothed.loc[drawn.index]
        others = drawn[~own]
        jitter = np.concatenate([rng.uniform(-0.15, 0.15, n) for n in others.groupby("_row", sort=True).size()]) \
            if len(others) else np.array([])
        # one collection per kind of dot for all rows (the rows never overlap): a scatter per row cost a quarter of the
        # figure's time
        ax.scatter(others["percentile"], others["_row"] + jitter, s=9, color=OTHER_COLOUR, alpha=0.7,
                   label=f"andere {units_of.plural}")
        mine = drawn[own & ~own_smoothed]
        ax.scatter(mine["percentile"], mine["_row"], s=42, marker="D", color=AREA_COLOUR, edgecolor="black",
                   linewidth=0.6, zorder=3, label=f"{units_of.plural} von {area_name}")
        mine_smoothed = drawn[own & own_smoothed]
        if len(mine_smoothed):
            ax.scatter(mine_smoothed["percentile"], mine_smoothed["_row"], s=42, marker="D", facecolor="white",
                       edgecolor=AREA_COLOUR, linewidth=1.4, zorder=3,
                       label=f"geglättet ({units_of.inflect('klein')} {units_of.name})")
        ax.set_yticks(range(len(order)), [row_label(i) for i in order], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(-3, 103)
        ax.set_xticks([0, 25, 50, 75, 100], ["niedrigster\nWert", "25", "Mitte", "75", "höchster\nWert"])
        ax.set_xlabel(f"Perzentil unter den {city_units} {year} (in Klammern: Spanne der Werte)", fontsize=7.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", visible=False)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=8)
        mine = data[data["stadtteil"].isin(highlight)]
        top = mine.sort_values("rank").iloc[0] if len(mine) else None
        total = data["stadtteil"].nunique()
        alt = (f"Punktdiagramm {year}: je Indikator die Stellung aller {total} {units_of.plural} als Perzentil (0 bis "
               f"100), die {units_of.plural} von {area_name} hervorgehoben.")
        if top is not None:
            alt += (f" Am höchsten unter allen {units_of.dative_plural_name} liegt {top['name']} bei "
                    f"{names[top['indicator']]} "
                    f"(Rang {int(top['rank'])} von {total}).")
        kept = ["label", "name", "value", "rank", "percentile"] + [
            c for c in ("shown_value", "smoothed", "numerator", "denominator", "threshold", "denominator_threshold")
            if c in mine.columns]
        table = mine.assign(label=mine["indicator"].map(names))[kept].reset_index(drop=True)
        if "smoothed" in table.columns:
            table["smoothed"] = np.where(table["smoothed"].eq(True), "geglättet", "")
        headers = {"label": "Indikator", "name": units_of.name, "value": "Wert", "rank": "Rang (1 = höchster Wert)",
                   "percentile": "Perzentil (0 bis 100)", "shown_value": "dargestellt", "smoothed": "geglättet"}
        return Chart(fig, table, alt,
                     f"Position der {units_of.plural} von {area_name} unter allen {city_units} {year}",
                     {column: header for column, header in headers.items() if column in table.columns})


HEAT_TEXT = "#1f1f1f"
"""Text colour of every heat-table cell: dark on the light palette below (contrast at least 4.5:1)."""


HEAT_FACTORS = ((-1.0, "Faktor 2 günstiger"), (-np.log2(1.5), "Faktor 1,5 günstiger"), (0.0, "wie die Stadt"),
                (np.log2(1.5), "Faktor 1,5 ungünstiger"), (1.0, "Faktor 2 ungünstiger"))
"""The colour bar's ticks in words: the cell's value relative to the city's (log2 of the ratio, so "twice as
high" and "half as high" lie equally far from the city); "ungünstiger" is higher for most indicators and lower
for those where higher is better (Wahlbeteiligung)."""


UNIT_SIGNS = {"percent": "%", "per_1000": "‰"}


def heat_palette():
    """The heat table's diverging palette (blue = more favourable, orange = less favourable than the city),
    light enough that dark text on every cell has a contrast of at least 4.5:1."""
    pyplot()  # seaborn imports pyplot: the reports' backend and style first
    import seaborn as sns  # only here: importing seaborn costs a second at every start

    return sns.diverging_palette(240, 25, s=75, l=72, as_cmap=True)


@dataclass
class AreaHeatmap(ChartSpec):
    """All areas x key indicators as a table of colours: each cell the area's value relative to the city.

    ``frame`` has a column ``area`` (names, the city in the row labelled "Gesamtstadt") and one column per
    indicator id with the value. Every cell is annotated with its value (dark text on light colours), each
    column names its unit (% or ‰), and the colour bar says in words how far a cell lies from the city, so
    colour is never the only cue. ``named`` names the areas with their number ("15 Sozialraumgebiete", from the
    city's profile; default "15 Gebiete").
    """

    label: ClassVar[str] = "Die Gebiete im Vergleich zur Gesamtstadt (Farbtabelle)"
    columns: ClassVar[Mapping[str, Basis]] = {}

    def declared(self) -> dict[str, Mapping[str, Basis]]:
        """Per indicator its value (column named by the indicator's id) on its counts ``n_<id>`` and ``d_<id>``
        with their thresholds ``t_<id>`` and ``td_<id>``; the area's name and id are public."""
        columns: dict[str, Basis] = {"area": PUBLIC, "area_id": OPTIONAL}
        for i in self.indicators:
            columns |= {i.id: rests_on(f"n_{i.id}", f"d_{i.id}"), f"n_{i.id}": count(f"t_{i.id}"),
                        f"d_{i.id}": count(f"td_{i.id}"), f"t_{i.id}": PUBLIC, f"td_{i.id}": PUBLIC}
        return {"data": columns}

    indicators: list[Indicator]
    year: int
    named: str = ""

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        frame = data.frame
        indicators, year, named = self.indicators, self.year, self.named
        ids = [i.id for i in indicators]
        names = {i.id: i.name for i in indicators}
        headers = {i.id: f"{i.name} ({UNIT_SIGNS.get(i.unit, i.unit)})" for i in indicators}
        data = frame.set_index("area")[ids]
        city = data.loc["Gesamtstadt"]
        areas = data.drop(index="Gesamtstadt")
        ratio = areas.divide(city) * 100
        for indicator in indicators:
            if indicator.direction == "higher_is_better":
                ratio[indicator.id] = 100 * city[indicator.id] / areas[indicator.id]
        labels = areas.map(lambda v: fmt.number(v, 1))
        values = np.log2(ratio.astype(float).to_numpy() / 100)
        fig, ax = pyplot().subplots(figsize=(7.0, 0.33 * len(areas) + 2.4), layout="constrained")
        for spine in ax.spines.values():
            spine.set_visible(False)
        mesh = ax.pcolormesh(np.ma.masked_invalid(values), cmap=heat_palette(), vmin=-1.5, vmax=1.5, linewidths=0.5,
                             edgecolor="white")
        ax.set_xlim(0, len(ids))
        ax.set_ylim(len(areas), 0)  # the first area on top, as in a table
        colour_bar = fig.colorbar(mesh, ax=ax, label="Wert im Vergleich zur Gesamtstadt", shrink=0.6,
                                  ticks=[t for t, _ in HEAT_FACTORS])
        colour_bar.outline.set_linewidth(0)
        colour_bar.set_ticklabels([label for _, label in HEAT_FACTORS], fontsize=6.5)
        ax.set_xticks(np.arange(len(ids)) + 0.5, [headers[i] for i in ids], rotation=40, ha="left",
                      rotation_mode="anchor", fontsize=7)
        ax.set_yticks(np.arange(len(areas)) + 0.5, areas.index, fontsize=7, va="center")
        for (row, column), value in np.ndenumerate(values):
            if not np.isnan(value):  # an empty cell (withheld or missing value) gets no number
                # inside its cell, so not measured by the layout (which then measures 30 labels instead of 180)
                ax.text(column + 0.5, row + 0.5, labels.iat[row, column], ha="center", va="center", fontsize=6.5,
                        color=HEAT_TEXT, in_layout=False)
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        worst = ratio.stack().astype(float).idxmax()
        named = named or f"{len(areas)} Gebiete"
        alt = (f"Farbtabelle {year}: Werte der {named} je Indikator (in % bzw. ‰), eingefärbt nach dem "
               f"Verhältnis zur Gesamtstadt (blau günstiger, orange ungünstiger, bis Faktor 2 und mehr; jede Zelle "
               f"nennt den Wert). Am weitesten über dem städtischen Wert liegt {worst[0]} bei {names[worst[1]]} "
               f"({fmt.number(ratio.loc[worst], 0)} % des städtischen Werts).")
        table = frame[frame["area"] != "Gesamtstadt"].drop(columns=["area_id"], errors="ignore").reset_index(drop=True)
        return Chart(fig, table, alt, f"Die {named} im Vergleich zur Gesamtstadt {year}: Farbe = "
                     "Verhältnis zum städtischen Wert (Faktor 2 ungünstiger: doppelt so hoch wie in der Stadt, bei "
                     "der Wahlbeteiligung halb so hoch)", {"area": "Gebiet", **headers})


@dataclass
class StatusDynamicsScatter(ChartSpec):
    """Social index: each Stadtteil's status index (x) against its dynamics index (y), in SD units.

    ``data`` has columns label ("802 Kalk"), status_index, dynamics_index, status_label, dynamics_label,
    coverage ("ganz" / "teilweise" for Stadtteile of a Sozialraumgebiet, "" otherwise) and areas (names).
    The programme's Stadtteile differ from the others by marker shape, size, fill and a number label, not
    by colour alone; dotted lines mark the class thresholds, whose class names stand at the margins.
    ``city_units``: all units as the city's ``raumbezug.yml`` names them ("Kölner Stadtteile"); ``units``: the noun
    of that level (Cologne's Stadtteil); ``area``: the programme's word for an area (Cologne's Sozialraumgebiet).
    """

    label: ClassVar[str] = "Sozialindex: Status und Dynamik"
    columns: ClassVar[Mapping[str, Basis]] = {}

    def declared(self) -> dict[str, Mapping[str, Basis]]:
        """Indices and classes rest on the guard column (1 where :func:`~veedel_lib.render.disclosure.public_index`
        withholds the Stadtteil's composites, threshold 2); labels, coverage and areas are public."""
        on_guard = rests_on(self.guard)
        return {"data": {self.guard: count(2), "label": PUBLIC, "status_index": on_guard, "status_label": on_guard,
                         "dynamics_index": on_guard, "dynamics_label": on_guard, "coverage": PUBLIC,
                         "areas": PUBLIC}}

    status_thresholds: list[float]
    status_labels: list[str]
    dynamics_thresholds: list[float]
    dynamics_labels: list[str]
    year: int
    base_year: int
    city_units: str = "Einheiten der Stadt"
    units: Noun | Level = UNITS
    area: Noun = AREA
    guard: str = "_z_guard"

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        data = data.frame
        status_thresholds, status_labels = self.status_thresholds, self.status_labels
        dynamics_thresholds, dynamics_labels = self.dynamics_thresholds, self.dynamics_labels
        year, base_year, city_units, units = self.year, self.base_year, self.city_units, self.units
        area_term = self.area.phrase("a", "dat")
        shown = data.dropna(subset=["status_index", "dynamics_index"])
        others = shown[shown["coverage"] == ""]
        whole = shown[shown["coverage"] == "ganz"]
        part = shown[shown["coverage"] == "teilweise"]
        fig, ax = pyplot().subplots(figsize=(6.6, 5.4), layout="constrained")
        ax.scatter(others["status_index"], others["dynamics_index"], s=14, color=OTHER_COLOUR, alpha=0.75,
                   label=f"andere {units.plural}")
        ax.scatter(whole["status_index"], whole["dynamics_index"], s=44, marker="D", color=AREA_COLOUR,
                   edgecolor="black", linewidth=0.6, zorder=3, label=f"{units.name} in {area_term}")
        ax.scatter(part["status_index"], part["dynamics_index"], s=44, marker="D", facecolor="white",
                   edgecolor=AREA_COLOUR, linewidth=1.4, zorder=3, label=f"{units.name} teilweise in {area_term}")
        for _, row in pd.concat([whole, part]).iterrows():
            ax.annotate(str(row["label"]).split(" ")[0], (row["status_index"], row["dynamics_index"]),
                        xytext=(3, 3), textcoords="offset points", fontsize=6.5, color="#222222")
        for t in status_thresholds:
            ax.axvline(t, color="#555555", linestyle=":", linewidth=1)
        for t in dynamics_thresholds:
            ax.axhline(t, color="#555555", linestyle=":", linewidth=1)
        low = min(shown["status_index"].min(), status_thresholds[0]) - 0.4
        high = max(shown["status_index"].max(), status_thresholds[-1]) + 0.4
        bottom = min(shown["dynamics_index"].min(), dynamics_thresholds[0]) - 0.4
        top = max(shown["dynamics_index"].max(), dynamics_thresholds[-1]) + 0.4
        ax.set_xlim(low, high)
        ax.set_ylim(bottom, top)
        edges = [low, *status_thresholds, high]
        for label, (a, b) in zip(status_labels, zip(edges, edges[1:])):
            ax.text((a + b) / 2, 1.01, label, transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7,
                    color="#333333")
        edges = [bottom, *dynamics_thresholds, top]
        for label, (a, b) in zip(dynamics_labels, zip(edges, edges[1:])):
            ax.text(1.01, (a + b) / 2, label, transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=7,
                    rotation=90, color="#333333")
        ax.set_xlabel("Status-Index (höher = stärkere Benachteiligung, in Standardabweichungen)")
        ax.set_ylabel(f"Dynamik-Index {base_year}–{year} (höher = ungünstigere Entwicklung)")
        german_axis(ax.xaxis, 1)
        german_axis(ax.yaxis, 1)
        fig.legend(loc="outside lower center", ncol=2, fontsize=7.5)
        middle = sum(t < 0 for t in status_thresholds)
        weak = status_labels[middle + 1:]
        falling = dynamics_labels[sum(t < 0 for t in dynamics_thresholds) + 1:]
        programme = shown[shown["coverage"] != ""]
        weak_all = shown[shown["status_label"].isin(weak)]
        weak_programme = programme[programme["status_label"].isin(weak)]
        both = weak_programme[weak_programme["dynamics_label"].isin(falling)]
        alt = (f"Streudiagramm des Status-Index gegen den Dynamik-Index der {len(shown)} bewerteten {city_units} "
               f"{year} (Dynamik {base_year} bis {year}). {len(weak_programme)} der {len(programme)} {units.plural}, "
               f"die ganz oder teilweise zu {area_term} gehören, haben einen Status "
               f"{fmt.join([f'„{w}“' for w in weak], 'oder')}; "
               f"in der ganzen Stadt sind es {len(weak_all)} von {len(shown)}.")
        if len(weak_programme):
            alt += (f" {len(both)} von ihnen entwickeln sich zugleich "
                    f"{fmt.join([f'„{w}“' for w in falling], 'oder')}"
                    + (f" ({fmt.join(both['label'].tolist())})." if 0 < len(both) <= 6 else "."))
        table = data[["label", "status_index", "status_label", "dynamics_index", "dynamics_label", "areas"]]
        return Chart(fig, table.reset_index(drop=True), alt,
                     f"Sozialindex {year}: Status und Dynamik ({base_year} bis {year}) aller {units.plural}",
                     {"label": units.name, "status_index": "Status-Index", "status_label": "Status",
                      "dynamics_index": "Dynamik-Index", "dynamics_label": "Dynamik", "areas": self.area.name})
