"""Plans: the measures' timeline and the goals' paths to their targets (the Sozialraumgebietsplan).

Planned and actual periods differ by fill and hatching, the area's values and the trend by marker and line style,
so nothing depends on colour alone.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..disclosure import PUBLIC, Basis, ChartData, count, rests_on
from .base import OPTIONAL, ChartSpec, on_rate, rate_counts
from .drawing import AREA_COLOUR, CITY_COLOUR, OTHER_COLOUR, Chart, german_axis, panel_grid, pyplot

MEASURE_COLUMNS = ("number", "title", "field", "planned_start", "planned_end", "start", "end", "status", "delayed")
"""The measure columns the timeline draws (all public: the plan is published; a measure's person counts, its
outputs, are not drawn)."""
TRACK = ("baseline_numerator", "baseline_denominator", "current_numerator", "current_denominator", "count_min",
         "denominator_min")
"""The counts a goal's trend rests on (numerator, denominator pairs): baseline, current and smallest yearly counts."""


def _label(number: str, title: str) -> str:
    return textwrap.shorten(f"{number} {title}", 46, placeholder=" …")


@dataclass
class MeasureTimeline(ChartSpec):
    """Horizontal bars per measure: the planned period (hatched outline) and the actual or expected one (filled),
    grouped by Handlungsfeld, with the status date as a vertical line.

    ``measures`` has number, title, field, planned_start, planned_end, start, end, status, delayed.
    """

    label: ClassVar[str] = "Zeitplan der Maßnahmen"
    columns: ClassVar[Mapping[str, Basis]] = dict.fromkeys(MEASURE_COLUMNS, PUBLIC)

    period: str
    as_of: _dt.date
    area_name: str

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        measures = data.frame
        period, as_of, area_name = self.period, self.as_of, self.area_name
        data = measures.sort_values(["field", "planned_start", "number"], kind="stable").reset_index(drop=True)
        height = 0.32 * len(data) + 1.3
        plt = pyplot()
        import matplotlib.dates as mdates  # where drawn, not on import: see drawing.pyplot
        from matplotlib.patches import Patch

        figure, ax = plt.subplots(figsize=(6.4, height), layout="constrained")
        y = np.arange(len(data))[::-1]
        stamp = pd.Timestamp(as_of)
        for position, row in zip(y, data.itertuples()):
            planned = mdates.date2num(pd.Timestamp(row.planned_start)), mdates.date2num(pd.Timestamp(row.planned_end))
            ax.barh(position + 0.17, planned[1] - planned[0], left=planned[0], height=0.3, color="white",
                    edgecolor=OTHER_COLOUR, hatch="////", linewidth=0.8)
            if pd.notna(row.start):
                end = pd.Timestamp(row.end) if pd.notna(row.end) else max(stamp, pd.Timestamp(row.start))
                actual = mdates.date2num(pd.Timestamp(row.start)), mdates.date2num(end)
                ax.barh(position - 0.17, actual[1] - actual[0], left=actual[0], height=0.3,
                        color=CITY_COLOUR if row.delayed else AREA_COLOUR)
        ax.axvline(mdates.date2num(stamp), color="#444444", linestyle=":", linewidth=1.2)
        ax.set_yticks(y, [_label(n, t) for n, t in zip(data["number"], data["title"])], fontsize=7.5)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(axis="y", visible=False)
        figure.legend(handles=[Patch(facecolor="white", edgecolor=OTHER_COLOUR, hatch="////", label="geplant"),
                               Patch(color=AREA_COLOUR, label="tatsächlich / voraussichtlich"),
                               Patch(color=CITY_COLOUR, label="hinter dem Zeitplan"),
                               plt.Line2D([], [], color="#444444", linestyle=":", label=f"Stand {fmt.date(as_of)}")],
                      loc="outside lower center", ncol=2, fontsize=7.5)
        table = data.assign(
            planned=[f"{pd.Timestamp(s):%m/%Y} bis {pd.Timestamp(e):%m/%Y}" for s, e in
                     zip(data["planned_start"], data["planned_end"])],
            actual=[(f"{pd.Timestamp(s):%m/%Y} bis " + (f"{pd.Timestamp(e):%m/%Y}" if pd.notna(e) else "offen"))
                    if pd.notna(s) else "nicht begonnen" for s, e in zip(data["start"], data["end"])])
        late = int(data["delayed"].sum())
        running = int((data["status"] == "laufend").sum())
        done = int((data["status"] == "abgeschlossen").sum())
        alt = (f"Zeitplan der {len(data)} Maßnahmen des Plans {period} für {area_name}: {done} abgeschlossen, "
               f"{running} laufend, {late} hinter dem geplanten Zeitplan (rot).")
        return Chart(figure, table[["number", "title", "field", "planned", "actual", "status"]], alt,
                     f"Zeitplan der Maßnahmen {period}: geplant und tatsächlich",
                     {"number": "Nr.", "title": "Maßnahme", "field": "Handlungsfeld", "planned": "geplant",
                      "actual": "tatsächlich / voraussichtlich", "status": "Status"})


@dataclass
class GoalPaths(ChartSpec):
    """Small multiples, one per goal: the area's yearly values since the baseline with their interval, the target
    (a star at the target year), and the weighted trend carried to the target year with its interval.

    The data (the yearly values): number, year, value, ci_low, ci_high on their year's counts. ``goals`` (keyword of
    :meth:`plot`): number, label, unit, baseline_year, target, target_year, trend_start, projection, projection_low,
    projection_high, status, the trend's values and status on the counts of the goal's track.
    """

    label: ClassVar[str] = "Ziele des Plans: Verlauf, Trend und Zielwert"
    columns: ClassVar[Mapping[str, Basis]] = {
        "area_id": OPTIONAL, "number": PUBLIC, "label": PUBLIC, "unit": PUBLIC, "year": PUBLIC, **rate_counts(),
        "value": on_rate(), "ci_low": on_rate(), "ci_high": on_rate()}
    frames: ClassVar[Mapping[str, Mapping[str, Basis]]] = {"goals": {
        "number": PUBLIC, "label": PUBLIC, "unit": PUBLIC, "baseline_year": PUBLIC, "target": PUBLIC,
        "target_year": PUBLIC, "threshold": PUBLIC, "denominator_threshold": PUBLIC,
        **{numerator: count("threshold") for numerator in TRACK[::2]},
        **{denominator: count("denominator_threshold") for denominator in TRACK[1::2]},
        **dict.fromkeys(("trend_start", "projection", "projection_low", "projection_high", "status"), rests_on(*TRACK))}}
    """The goals: the trend and its interval rest on every count of the goal's track (baseline, current, smallest
    yearly counts), and so does the status judged from them."""

    area_name: str
    period: str

    def draw(self, data: ChartData, goals: ChartData) -> Chart:  # type: ignore[override]
        """The figure from the checked data."""
        series, goals = data.frame, goals.frame
        area_name, period = self.area_name, self.period
        order = list(goals["number"])
        columns = max(1, min(3, len(order)))
        # a fixed grid (panels of 1,5 x 1,4 inches, a two-line title above each, one legend row below): no layout search
        figure, axes = panel_grid(len(order), columns, 1.5, 1.4, left=0.6, gap=0.2, top=0.45, below=0.3, bottom=0.35,
                                  sharex=False)
        plt = pyplot()
        for number, ax in zip(order, axes):
            goal = goals[goals["number"] == number].iloc[0]
            own = series[series["number"] == number].dropna(subset=["value"]).sort_values("year")
            ax.fill_between(own["year"], own["ci_low"], own["ci_high"], color=AREA_COLOUR, alpha=0.18, linewidth=0)
            ax.plot(own["year"], own["value"], color=AREA_COLOUR, marker="o", markersize=3.5, linewidth=1.4)
            if np.isfinite(goal["projection"]) and np.isfinite(goal["trend_start"]):
                ax.plot([goal["baseline_year"], goal["target_year"]], [goal["trend_start"], goal["projection"]],
                        color=OTHER_COLOUR, linestyle="--", linewidth=1.2)
                ax.errorbar([goal["target_year"]], [goal["projection"]],
                            yerr=[[goal["projection"] - goal["projection_low"]],
                                  [goal["projection_high"] - goal["projection"]]],
                            color=OTHER_COLOUR, capsize=3, linewidth=1.2)
            ax.plot([goal["target_year"]], [goal["target"]], marker="*", markersize=10, color=CITY_COLOUR,
                    linestyle="none")
            ax.set_title(textwrap.fill(f"{number} {goal['label']}", 28), loc="left", fontsize=8)
            ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=4, integer=True))
            german_axis(ax.yaxis, 1, " %" if goal["unit"] == "percent" else " ‰")
            ax.tick_params(labelsize=7)
        figure.legend(handles=[plt.Line2D([], [], color=AREA_COLOUR, marker="o", label=area_name),
                               plt.Line2D([], [], color=OTHER_COLOUR, linestyle="--", label="Trend mit Intervall"),
                               plt.Line2D([], [], color=CITY_COLOUR, marker="*", linestyle="none", markersize=9,
                                          label="Zielwert im Zieljahr")],
                      loc="lower center", ncol=3, fontsize=7.5)
        shown = goals[goals["status"].map(lambda s: isinstance(s, str))]
        counts = shown["status"].value_counts()
        parts = [f"{n} {s}" for s, n in counts.items()]
        alt = (f"Liniendiagramme der {len(goals)} Ziele des Plans {period} für {area_name} mit Zielwert und Trend"
               + (f": {fmt.join(parts)}." if parts else "."))
        return Chart(figure, series.reset_index(drop=True), alt, f"Ziele des Plans {period}: Verlauf, Trend und Zielwert",
                     {"number": "Ziel", "label": "Indikator", "year": "Jahr", "value": area_name})
