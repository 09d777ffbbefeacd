"""What every chart draws with: matplotlib's style for the reports, the drawn :class:`Chart`, and the panel helpers.

Every chart (:mod:`veedel_lib.render.charts.base`) returns a :class:`Chart`: the matplotlib figure, the table of the
values it plots (shown under the figure for screen readers and for checking) and an alternative text that states
the finding, not just the chart type. Colours come from the Okabe-Ito palette, which stays distinct for the common
forms of colour blindness, and area and city also differ by marker and line style, so no figure depends on colour
alone. Axis numbers use German format.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from .. import formatting as fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


@cache
def pyplot():
    """matplotlib's ``pyplot`` with the reports' backend and style, imported on the first figure of a process.

    Every figure starts here (and every other matplotlib import of the rendering room follows a call): the
    backend is Agg, since reports are rendered headless (notebooks display the SVG through ``report.py``), and
    :data:`STYLE` is set before any artist exists. Importing matplotlib costs more than half a second; a process
    that draws nothing (``veedel run`` taking every report over from an earlier run, the portal with its map from
    the cache) never pays it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({**STYLE, "axes.prop_cycle": matplotlib.cycler(color=PALETTE)})
    return plt


@dataclass
class Chart:
    """A figure ready for a report: the figure, its data, a caption and an alternative text."""

    figure: Figure | None
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
            pyplot().close(self.figure)
            self.figure = None
            self._svg = buffer.getvalue()
        return self._svg


def settle_layout(figure: Figure) -> None:
    """Place the panels of a figure with a layout engine (constrained layout) once, then switch the engine off.

    Saving a figure whose layout engine is on draws it twice: once without output, only to run the layout, then
    for real. The layout runs here instead, measured as the SVG will be drawn (on the SVG canvas), so the figure is
    drawn once and its SVG stays the same bytes. Call it before :func:`settle_ticks`: like matplotlib's own pass, the
    layout measures the ticks of the panels' first size, and the ticks are then fixed for their final size.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG

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


def settle_ticks(figure: Figure) -> None:
    """Fix every axis' ticks to the ones inside its final limits and its empty label to a fixed place.

    Matplotlib builds a tick (two tick lines, a grid line, two labels: a millisecond) for every position a
    locator returns, also for those beyond the axis that are never drawn, and before drawing an axis it measures
    the tick labels of all panels sharing it to move the axis label clear of them, also when that label is empty.
    A small-multiples figure spent a fifth of its time on both. Called just before rendering, once the limits are
    final; the picture stays the same (the same SVG bytes).
    """
    from matplotlib.ticker import FixedLocator, MaxNLocator

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
    from matplotlib.collections import LineCollection
    from matplotlib.lines import TICKDOWN, TICKLEFT, Line2D
    from matplotlib.ticker import NullLocator

    rc = pyplot().rcParams
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
    figure = pyplot().figure(figsize=(columns * cell_w, rows * cell_h + bottom))
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
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.number(x, decimals) + suffix))
