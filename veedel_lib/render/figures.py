"""Figures for the reports (matplotlib/seaborn), each with the data it shows and an alternative text.

Every figure function returns a :class:`Chart`: the matplotlib figure, the table of the values it
plots (shown under the figure for screen readers and for checking) and an alternative text that states
the finding, not just the chart type. Colours come from the Okabe-Ito palette, which stays distinct for
the common forms of colour blindness, and area and city also differ by marker and line style, so no
figure depends on colour alone. Axis numbers use German format.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # reports are rendered headless; notebooks display the SVG through report.py

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import TICKDOWN, TICKLEFT, Line2D  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator  # noqa: E402

from ..params.catalogue import Indicator  # noqa: E402
from . import formatting as fmt  # noqa: E402
from .text import effect_points, interval_excludes_zero  # noqa: E402

AREA_COLOUR = "#0072B2"   # Okabe-Ito blue
CITY_COLOUR = "#D55E00"   # Okabe-Ito vermillion
OTHER_COLOUR = "#999999"
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
"""Okabe-Ito colours, blue and vermillion first (the area and the city)."""

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "axes.edgecolor": "#444444",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "veedel",  # stable element ids: the same data gives byte-identical SVG
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "axes.titley": 1.03,  # a fixed title position: no search for the tick labels' extent above each panel
}
plt.rcParams.update({**STYLE, "axes.prop_cycle": matplotlib.cycler(color=PALETTE)})


@dataclass
class Chart:
    """A figure ready for a report: the figure, its data, a caption and an alternative text."""

    figure: plt.Figure | None
    """The figure until it is rendered by :meth:`svg`, then ``None``."""
    data: pd.DataFrame
    alt: str
    caption: str
    data_columns: dict[str, str] = field(default_factory=dict)
    """Column -> German header for the data table; also lists which columns are shown."""
    _svg: str | None = field(default=None, repr=False, compare=False)

    def svg(self) -> str:
        """The figure as SVG text without a creation date, so identical data give identical output.

        Rendered once: the figure is then closed and the chart lets go of it, because a warm kernel draws
        hundreds of reports (an open or referenced figure kept about 10 MiB per report alive). Letting go
        instead of ``Figure.clear()`` leaves the artists' reference cycles to the garbage collector: the
        clearing cost 0,08 s per figure.
        """
        if self._svg is None:
            settle_layout(self.figure)  # first: the panels' final sizes decide how many ticks an axis gets
            settle_ticks(self.figure)
            buffer = io.StringIO()
            self.figure.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(self.figure)
            self.figure = None
            self._svg = buffer.getvalue()
        return self._svg


def settle_layout(figure: plt.Figure) -> None:
    """Place the panels of a figure with a layout engine (constrained layout) once, then switch the engine off.

    Saving a figure whose layout engine is on draws it twice: once without output, only to run the layout, then
    for real. The layout runs here instead, measured as the SVG will be drawn (on the SVG canvas), so the figure is
    drawn once and its SVG stays the same bytes. Call it before :func:`settle_ticks`: like matplotlib's own pass, the
    layout measures the ticks of the panels' first size, and the ticks are then fixed for their final size.
    """
    engine = figure.get_layout_engine()
    if engine is None:
        return
    canvas = figure.canvas
    FigureCanvasSVG(figure)  # the text metrics of the SVG renderer, not those of the screen's canvas
    try:
        engine.execute(figure)
    finally:
        figure.set_canvas(canvas)
    figure.set_layout_engine(None)


def _inside(locator, limits: tuple[float, float]) -> list[float]:
    """The positions ``locator`` returns that lie within ``limits`` (either order), up to rounding."""
    low, high = sorted(limits)
    slack = 1e-9 * (high - low)
    return [v for v in locator() if low - slack <= v <= high + slack]


def settle_ticks(figure: plt.Figure) -> None:
    """Fix every axis' ticks to the ones inside its final limits and its empty label to a fixed place.

    Matplotlib builds a tick (two tick lines, a grid line, two labels: a millisecond) for every position a
    locator returns, also for those beyond the axis that are never drawn, and before drawing an axis it measures
    the tick labels of all panels sharing it to move the axis label clear of them, also when that label is empty.
    A small-multiples figure spent a fifth of its time on both. Called just before rendering, once the limits are
    final; the picture stays the same (the same SVG bytes).
    """
    for ax in figure.axes:
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            locator = axis.get_major_locator()
            if isinstance(locator, MaxNLocator):  # also AutoLocator; fixed ticks (colour bars, labels) stay
                axis.set_major_locator(FixedLocator(_inside(locator, limits)))
            if not axis.get_label_text():
                axis.set_label_coords(0.5, 0.5)


def light_ticks(axes) -> None:
    """Draw the ticks, grid lines and tick labels of small-multiple panels as a few plain artists per axis.

    Matplotlib makes a tick object per position (three lines and two labels, most of them never drawn) and
    draws each on its own: in a figure of ten panels three quarters of the rendering. Here each axis gets one
    collection of grid lines, one line of tick marks and a text per label, with matplotlib's own transforms,
    sizes and colours (the rc settings and each axis' :meth:`~matplotlib.axis.Axis.get_tick_params`), so the
    picture stays the same. Call once the panels are complete: their limits are fixed here.
    """
    rc = matplotlib.rcParams
    ticks = []
    for ax in axes:  # all positions first: panels sharing an axis share its locator, which is emptied below
        ax.set_xlim(ax.get_xlim())
        ax.set_ylim(ax.get_ylim())
        for name, axis, side, marker in (("x", ax.xaxis, "bottom", TICKDOWN), ("y", ax.yaxis, "left", TICKLEFT)):
            locs = _inside(axis.get_major_locator(), getattr(ax, f"get_{name}lim")())
            ticks.append((ax, name, side, marker, axis.get_tick_params(), locs,
                          axis.get_major_formatter().format_ticks(locs)))
    for ax in axes:
        ax.xaxis.set_major_locator(NullLocator())
        ax.yaxis.set_major_locator(NullLocator())
    for ax, name, side, marker, params, locs, labels in ticks:
        if not locs:
            continue
        if params.get("gridOn"):
            lines = [[(v, 0), (v, 1)] if name == "x" else [(0, v), (1, v)] for v in locs]
            ax.add_collection(LineCollection(lines, colors=rc["grid.color"], linewidths=rc["grid.linewidth"],
                                             linestyles=rc["grid.linestyle"], alpha=rc["grid.alpha"],
                                             capstyle="projecting", zorder=1.5,
                                             transform=getattr(ax, f"get_{name}axis_transform")("grid")),
                              autolim=False)
        size, width = rc[f"{name}tick.major.size"], rc[f"{name}tick.major.width"]
        colour = rc[f"{name}tick.color"]
        if params.get(side, True):
            zeros = [0] * len(locs)
            ax.add_artist(Line2D(locs if name == "x" else zeros, zeros if name == "x" else locs, marker=marker,
                                 markersize=size, markeredgewidth=width, color=colour, linestyle="none",
                                 zorder=1.5, clip_on=False,
                                 transform=getattr(ax, f"get_{name}axis_transform")("tick1")))
        if params.get(f"label{side}", True):
            transform, va, ha = getattr(ax, f"get_{name}axis_text1_transform")(rc[f"{name}tick.major.pad"] + size)
            label_colour = rc[f"{name}tick.labelcolor"]
            for v, label in zip(locs, labels):
                ax.text(v if name == "x" else 0, 0 if name == "x" else v, label, transform=transform, va=va, ha=ha,
                        fontsize=params.get("labelsize", rc[f"{name}tick.labelsize"]), zorder=1.5,
                        color=colour if label_colour == "inherit" else label_colour)


def panel_grid(count: int, columns: int, width: float, height: float, *, left: float = 0.55, gap: float = 0.5,
               top: float = 0.45, below: float = 0.35, bottom: float = 0.3, sharex: bool = True):
    """A figure of ``count`` panels (``columns`` per row) at fixed positions, in inches: no layout search.

    ``width``/``height`` are the size of one panel's plotting area; ``left`` the room for tick labels, ``gap``
    between panels, ``top`` above each panel for its title, ``below`` under each row for the year labels,
    ``bottom`` under the grid for a legend. Returns the figure and the panels' axes in reading order.
    """
    rows = max(1, -(-count // columns))
    cell_w, cell_h = left + width + gap, top + height + below
    figure = plt.figure(figsize=(columns * cell_w, rows * cell_h + bottom))
    fig_w, fig_h = figure.get_size_inches()
    axes, first = [], None
    for index in range(count):
        row, column = divmod(index, columns)
        x = column * cell_w + left
        y = fig_h - (row * cell_h + top + height)
        ax = figure.add_axes((x / fig_w, y / fig_h, width / fig_w, height / fig_h),
                             sharex=first if sharex else None)
        first = first or ax
        if sharex and index + columns < count:  # a panel below shows the same years: labels only at the bottom
            ax.tick_params(axis="x", labelbottom=False)
        axes.append(ax)
    return figure, axes


def german_axis(axis, decimals: int = 0, suffix: str = "") -> None:
    """Format an axis' tick labels in German notation (decimal comma, thousands dot)."""
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.number(x, decimals) + suffix))


def age_structure(frame: pd.DataFrame, area_name: str, year: int) -> Chart:
    """Horizontal bars of the age groups' shares in the area and in the city.

    ``frame`` has columns label (age group), area_value, city_value (percent), in display order.
    """
    fig, ax = plt.subplots(figsize=(6.4, 2.9), layout="constrained")
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


def ratio_dots(comparison: pd.DataFrame, area_name: str, year: int) -> Chart:
    """Dot plot of each indicator relative to the city (city = 100), with the area's interval.

    ``comparison`` is the output of :func:`veedel_lib.analysis.comparison.compare_with_city` (non-neutral rows).
    """
    data = comparison.dropna(subset=["area_value", "city_value"]).copy()
    data = data[data["city_value"] > 0]
    data["index"] = 100 * data["area_value"] / data["city_value"]
    data["index_low"] = 100 * data["area_ci_low"] / data["city_value"]
    data["index_high"] = 100 * data["area_ci_high"] / data["city_value"]
    data = data.iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.34 * len(data) + 1.2), layout="constrained")
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


def trend_panels(series: pd.DataFrame, indicators: list[Indicator], area_name: str,
                 col_wrap: int = 3) -> Chart:
    """Small multiples: one panel per indicator, the area's line with its interval band and the city's.

    ``series`` is the output of :func:`veedel_lib.analysis.trends.area_series`; ``col_wrap`` panels per row.
    Drawn with matplotlib on a fixed grid (1,75 inch high panels, 1,25 times as wide) with constrained layout
    and one legend below, so no layout search per panel is needed.
    """
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    data = series[series["indicator"].isin(names)].dropna(subset=["value"]).copy()
    order = [i.id for i in indicators if i.id in set(data["indicator"])]
    columns = max(1, min(col_wrap, len(order)))
    figure, axes = panel_grid(len(order), columns, 1.65, 1.2)
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


PLACE_MARKERS = ["o", "s", "D", "^", "v", "P"]


def place_intervals(values: pd.DataFrame, indicators: list[Indicator], places: dict[str, str], year: int,
                    city: str = "gesamtstadt", bezirk: str = "bezirk", col_wrap: int = 3) -> Chart:
    """Small multiples, one panel per indicator on its own scale: each area's value with its interval, the
    Bezirk and the city as vertical lines.

    ``values`` is a long table (group, indicator, value, ci_low, ci_high, ... as from
    :func:`veedel_lib.analysis.indicators.indicator_values`, already protected); ``places`` maps the groups to
    their names in drawing order (areas first; ``bezirk`` and ``city`` are drawn as lines). Areas differ by
    colour and marker shape, the lines by style, so the figure does not rely on colour.
    """
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
            handles[places[group]] = ax.errorbar([row["value"]], [position], xerr=error, fmt=PLACE_MARKERS[position % 6],
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
    alt = (f"Kleine Diagramme je Indikator {year}, jedes mit eigener Skala: die Werte von {fmt.join(list(map(places.get, areas)))} "
           f"mit Konfidenzintervall, der Bezirk als gepunktete und die Gesamtstadt als gestrichelte Linie. "
           f"In {len(worse)} von {len(own.dropna(subset=['value']))} Fällen liegt das ganze Intervall eines Gebiets auf "
           "der ungünstigen Seite des städtischen Werts.")
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


def stadtteil_strip(values: pd.DataFrame, indicators: list[Indicator], highlight: dict[str, str],
                    year: int, area_name: str, city_units: str = "Stadtteilen der Stadt") -> Chart:
    """Where each Stadtteil stands among all Stadtteile, one row per indicator on one common scale: its
    percentile (0 = lowest, 100 = highest value of the Stadtteile), so % and ‰ never share an axis; each row
    names its indicator's own range of values. The area's Stadtteile are highlighted. ``city_units``: all units
    in the dative plural, as the city's ``raumbezug.yml`` names them ("Kölner Stadtteilen").

    ``values`` has columns indicator, stadtteil (number as text), name, value (masked: withheld values are
    missing and take no rank); ``highlight`` maps the area's Stadtteil numbers to a label ("ganz" or
    "teilweise"). The chart's data keep the raw values, ranks and percentiles of the area's Stadtteile. With
    the columns ``shown_value`` and ``smoothed`` (:mod:`veedel_lib.analysis.smoothing`) ranks and percentiles
    follow the shown value, and the area's smoothed Stadtteile are hollow diamonds labelled "geglättet"; the data
    table keeps the raw ``value`` next to ``shown_value``.
    """
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    data = stadtteil_percentiles(values[values["indicator"].isin(names)],
                                 "shown_value" if "shown_value" in values.columns else "value")
    order = [i.id for i in indicators if i.id in set(data["indicator"])]
    x = "shown_value" if "shown_value" in data.columns else "value"
    smoothed = data["smoothed"].astype(bool) if "smoothed" in data.columns else pd.Series(False, index=data.index)

    def row_label(indicator_id: str) -> str:
        panel = data[data["indicator"] == indicator_id][x]
        low, high = fmt.rate(panel.min(), units[indicator_id]), fmt.rate(panel.max(), units[indicator_id])
        return f"{names[indicator_id]}\n({low} bis {high})"

    fig, ax = plt.subplots(figsize=(6.6, 0.5 * len(order) + 1.4), layout="constrained")
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
               label="andere Stadtteile")
    mine = drawn[own & ~own_smoothed]
    ax.scatter(mine["percentile"], mine["_row"], s=42, marker="D", color=AREA_COLOUR, edgecolor="black",
               linewidth=0.6, zorder=3, label=f"Stadtteile von {area_name}")
    mine_smoothed = drawn[own & own_smoothed]
    if len(mine_smoothed):
        ax.scatter(mine_smoothed["percentile"], mine_smoothed["_row"], s=42, marker="D", facecolor="white",
                   edgecolor=AREA_COLOUR, linewidth=1.4, zorder=3, label="geglättet (kleiner Stadtteil)")
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
    alt = (f"Punktdiagramm {year}: je Indikator die Stellung aller {total} Stadtteile als Perzentil (0 bis 100), "
           f"die Stadtteile von {area_name} hervorgehoben.")
    if top is not None:
        alt += (f" Am höchsten unter allen Stadtteilen liegt {top['name']} bei {names[top['indicator']]} "
                f"(Rang {int(top['rank'])} von {total}).")
    kept = ["label", "name", "value", "rank", "percentile"] + [
        c for c in ("shown_value", "smoothed", "numerator", "denominator", "threshold", "denominator_threshold")
        if c in mine.columns]
    table = mine.assign(label=mine["indicator"].map(names))[kept].reset_index(drop=True)
    if "smoothed" in table.columns:
        table["smoothed"] = np.where(table["smoothed"].astype(bool), "geglättet", "")
    headers = {"label": "Indikator", "name": "Stadtteil", "value": "Wert", "rank": "Rang (1 = höchster Wert)",
               "percentile": "Perzentil (0 bis 100)", "shown_value": "dargestellt", "smoothed": "geglättet"}
    return Chart(fig, table, alt,
                 f"Position der Stadtteile von {area_name} unter allen {city_units} {year}",
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
    import seaborn as sns  # only here: importing seaborn costs a second at every start

    return sns.diverging_palette(240, 25, s=75, l=72, as_cmap=True)


def area_heatmap(frame: pd.DataFrame, indicators: list[Indicator], year: int, named: str = "") -> Chart:
    """All areas x key indicators as a table of colours: each cell the area's value relative to the city.

    ``frame`` has a column ``area`` (names, the city in the row labelled "Gesamtstadt") and one column per
    indicator id with the value. Every cell is annotated with its value (dark text on light colours), each
    column names its unit (% or ‰), and the colour bar says in words how far a cell lies from the city, so
    colour is never the only cue. ``named`` names the areas with their number ("15 Sozialraumgebiete", from the
    city's profile; default "15 Gebiete").
    """
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
    fig, ax = plt.subplots(figsize=(7.0, 0.33 * len(areas) + 2.4), layout="constrained")
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


def status_dynamics_scatter(data: pd.DataFrame, status_thresholds: list[float], status_labels: list[str],
                            dynamics_thresholds: list[float], dynamics_labels: list[str], year: int,
                            base_year: int, city_units: str = "Stadtteile der Stadt",
                            area_term: str = "einem Gebiet") -> Chart:
    """Social index: each Stadtteil's status index (x) against its dynamics index (y), in SD units.

    ``data`` has columns label ("802 Kalk"), status_index, dynamics_index, status_label, dynamics_label,
    coverage ("ganz" / "teilweise" for Stadtteile of a Sozialraumgebiet, "" otherwise) and areas (names).
    The programme's Stadtteile differ from the others by marker shape, size, fill and a number label, not
    by colour alone; dotted lines mark the class thresholds, whose class names stand at the margins.
    ``city_units``: all units as the city's ``raumbezug.yml`` names them ("Kölner Stadtteile"); ``area_term``: the
    programme's word for an area with its article in the dative ("einem Sozialraumgebiet").
    """
    shown = data.dropna(subset=["status_index", "dynamics_index"])
    others = shown[shown["coverage"] == ""]
    whole = shown[shown["coverage"] == "ganz"]
    part = shown[shown["coverage"] == "teilweise"]
    fig, ax = plt.subplots(figsize=(6.6, 5.4), layout="constrained")
    ax.scatter(others["status_index"], others["dynamics_index"], s=14, color=OTHER_COLOUR, alpha=0.75,
               label="andere Stadtteile")
    ax.scatter(whole["status_index"], whole["dynamics_index"], s=44, marker="D", color=AREA_COLOUR,
               edgecolor="black", linewidth=0.6, zorder=3, label="Stadtteil in einem Sozialraumgebiet")
    ax.scatter(part["status_index"], part["dynamics_index"], s=44, marker="D", facecolor="white",
               edgecolor=AREA_COLOUR, linewidth=1.4, zorder=3, label="Stadtteil teilweise in einem Sozialraumgebiet")
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
           f"{year} (Dynamik {base_year} bis {year}). {len(weak_programme)} der {len(programme)} Stadtteile, die ganz "
           f"oder teilweise zu {area_term} gehören, haben einen Status "
           f"{fmt.join([f'„{w}“' for w in weak], 'oder')}; "
           f"in der ganzen Stadt sind es {len(weak_all)} von {len(shown)}.")
    if len(weak_programme):
        alt += (f" {len(both)} von ihnen entwickeln sich zugleich "
                f"{fmt.join([f'„{w}“' for w in falling], 'oder')}"
                + (f" ({fmt.join(both['label'].tolist())})." if 0 < len(both) <= 6 else "."))
    table = data[["label", "status_index", "status_label", "dynamics_index", "dynamics_label", "areas"]]
    return Chart(fig, table.reset_index(drop=True), alt,
                 f"Sozialindex {year}: Status und Dynamik ({base_year} bis {year}) aller Stadtteile",
                 {"label": "Stadtteil", "status_index": "Status-Index", "status_label": "Status",
                  "dynamics_index": "Dynamik-Index", "dynamics_label": "Dynamik", "areas": "Sozialraumgebiet"})


def event_study_panels(events: pd.DataFrame, indicators: list[Indicator], area_name: str,
                       baseline_year: int, level_text: str = "95-%") -> Chart:
    """Small multiples: per indicator the area's departure from its expected path in each year after the baseline.

    ``events`` has columns indicator, year, estimate, ci_low, ci_high (points; the baseline year is 0). A zero line
    marks "as expected"; the band is the placebo interval at the report's level (``level_text``, "95-%"). A year
    counts as "outside what chance explains" only when its band, rounded as the table shows it, excludes zero.
    """
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    order = [i.id for i in indicators if i.id in set(events["indicator"])]
    columns = min(3, max(1, len(order)))
    fig, axes = panel_grid(len(order), columns, 1.6, 1.25, left=0.7, top=0.75, bottom=0.05, sharex=False)
    for indicator_id, ax in zip(order, axes):
        data = events[events["indicator"] == indicator_id].sort_values("year")
        ax.axhline(0, color=CITY_COLOUR, linestyle="--", linewidth=1)
        ax.fill_between(data["year"], data["ci_low"], data["ci_high"], color=AREA_COLOUR, alpha=0.18, linewidth=0)
        ax.plot(data["year"], data["estimate"], marker="o", markersize=3.5, color=AREA_COLOUR)
        ax.axvline(baseline_year, color="#444444", linewidth=0.8, linestyle=":")
        ax.set_title(textwrap.fill(names[indicator_id], 30), loc="left", fontsize=8.5)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        german_axis(ax.yaxis, 1, " Pp." if units[indicator_id] == "percent" else " ‰-Pkt.")
        ax.tick_params(labelsize=7.5)
    light_ticks(axes)
    fig.suptitle(f"Abweichung vom erwarteten Verlauf (Basisjahr {baseline_year} = 0), Band: {level_text}-Intervall "
                 "aus Placebo-Gebieten", fontsize=8.5, x=0.02, ha="left")
    last = events[events["year"] == events["year"].max()]
    clear = last[[interval_excludes_zero(r.ci_low, r.ci_high) for r in last.itertuples()]]
    alt = (f"Kleine Diagramme je Indikator: Abweichung von {area_name} vom erwarteten Verlauf (eigener Verlauf bis "
           f"{baseline_year} und Entwicklung der übrigen Stadt) in den Jahren nach {baseline_year}, mit "
           f"{level_text}-Intervall aus Placebo-Gebieten. Im letzten Jahr liegt die Abweichung bei {len(clear)} von "
           f"{len(order)} Indikatoren außerhalb dessen, was Zufall erklären könnte")
    alt += (": " + ", ".join(f"{names[r.indicator]} {effect_points(r.estimate, units[r.indicator])}"
                             for r in clear.itertuples()) + ".") if len(clear) else "."
    table = events.assign(label=events["indicator"].map(names), unit=events["indicator"].map(units))
    table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
    table = table.sort_values(["_order", "year"])[["label", "year", "estimate", "ci_low", "ci_high", "unit"]]
    return Chart(fig, table.reset_index(drop=True), alt,
                 f"Abweichung von {area_name} vom erwarteten Verlauf seit {baseline_year}",
                 {"label": "Indikator", "year": "Jahr", "estimate": "Abweichung", "ci_low": "Intervall unten",
                  "ci_high": "Intervall oben"})


def synthetic_control_panels(paths: pd.DataFrame, indicators: list[Indicator], area_name: str,
                             baseline_year: int) -> Chart:
    """Small multiples: per indicator the area's rate and its synthetic control's (a weighted mix of Stadtteile
    outside the programme fitted to the area's path up to the baseline) per year.

    ``paths`` has columns indicator, year, actual, synthetic, gap (in the indicator's unit). The gap after the
    dotted baseline line is the synthetic control's effect path.
    """
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    order = [i.id for i in indicators if i.id in set(paths["indicator"])]
    columns = min(3, max(1, len(order)))
    fig, axes = panel_grid(len(order), columns, 1.6, 1.25, left=0.7, top=0.75, bottom=0.45, sharex=False)
    lines = {}
    for indicator_id, ax in zip(order, axes):
        data = paths[paths["indicator"] == indicator_id].sort_values("year")
        lines[area_name], = ax.plot(data["year"], data["actual"], color=AREA_COLOUR, marker="o", markersize=3.5,
                                    linewidth=1.5)
        lines["synthetische Kontrollgruppe"], = ax.plot(data["year"], data["synthetic"], color=CITY_COLOUR,
                                                        marker="X", markersize=3.5, linewidth=1.5, dashes=(4, 2))
        ax.axvline(baseline_year, color="#444444", linewidth=0.8, linestyle=":")
        ax.set_title(textwrap.fill(names[indicator_id], 30), loc="left", fontsize=8.5)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        top = float(data[["actual", "synthetic"]].max().max())
        german_axis(ax.yaxis, 1 if top < 10 else 0, " %" if units[indicator_id] == "percent" else " ‰")
        ax.tick_params(labelsize=7.5)
    light_ticks(axes)
    fig.legend(list(lines.values()), list(lines), loc="lower center", ncol=2, fontsize=8)
    fig.suptitle(f"{area_name} und seine synthetische Kontrollgruppe (angepasst bis {baseline_year})",
                 fontsize=8.5, x=0.02, ha="left")
    last = paths[paths["year"] == paths["year"].max()]
    alt = (f"Kleine Diagramme je Indikator: Wert von {area_name} und seiner synthetischen Kontrollgruppe (gewichtete "
           f"Mischung von Stadtteilen ohne Programm, angepasst an den Verlauf bis {baseline_year}) je Jahr. Abstand "
           f"im letzten Jahr: " + ", ".join(f"{names[r.indicator]} {effect_points(r.gap, units[r.indicator])}"
                                             for r in last.itertuples() if r.indicator in names) + ".")
    table = paths.assign(label=paths["indicator"].map(names), unit=paths["indicator"].map(units))
    table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
    table = table.sort_values(["_order", "year"])[["label", "year", "actual", "synthetic", "gap", "unit"]]
    return Chart(fig, table.reset_index(drop=True), alt,
                 f"{area_name} und synthetische Kontrollgruppe seit {baseline_year}",
                 {"label": "Indikator", "year": "Jahr", "actual": area_name, "synthetic": "Kontrollgruppe",
                  "gap": "Abstand"})
