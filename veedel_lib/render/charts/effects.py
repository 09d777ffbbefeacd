"""Effects: the programme's departure from the expected path per indicator and year (event study, the
programme's effect by year since the start of counting) and the synthetic control's paths.

The two effect charts draw their panels with one function (:func:`effect_panels`): a zero line, the interval as a
band, the estimates as a line of dots; they differ in the x-axis (calendar years with the baseline marked, or the
years since the start of counting) and in their texts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ...params.catalogue import Indicator
from ..disclosure import PUBLIC, Basis, ChartData, count, rests_on
from ..text import effect_points, interval_excludes_zero
from .base import ChartSpec
from .drawing import AREA_COLOUR, CITY_COLOUR, Chart, german_axis, light_ticks, panel_grid

AREA_COUNTS: dict[str, Basis] = {"area_count_min": count("threshold"), "area_denominator_min":
                                 count("denominator_threshold"), "threshold": PUBLIC, "denominator_threshold": PUBLIC}
"""The smallest yearly counts of an area (numerator and denominator) that an effect of it rests on."""
ON_AREA_COUNTS = rests_on("area_count_min", "area_denominator_min")


def effect_panels(events: pd.DataFrame, x: str, indicators: list[Indicator], *, baseline: int | None = None):
    """Small multiples of effects, one panel per indicator in ``indicators`` order: a dashed zero line ("as
    expected"), the interval ``ci_low``–``ci_high`` as a band, ``estimate`` as dots on a line, over the column
    ``x``. With ``baseline`` (a calendar year) a dotted line marks it and the axis has up to four whole years;
    without, the axis names every value of ``x`` (years since the start of counting) and a narrow spread of values
    gets two decimals. Returns the figure, the panels' order (indicator ids) and their axes."""
    from matplotlib.ticker import FixedLocator, MaxNLocator  # where drawn, not on import: see drawing.pyplot

    units = {i.id: i.unit for i in indicators}
    names = {i.id: i.name for i in indicators}
    order = [i.id for i in indicators if i.id in set(events["indicator"])]
    columns = min(3, max(1, len(order)))
    fig, axes = panel_grid(len(order), columns, 1.6, 1.25, left=0.7, top=0.75, bottom=0.05, sharex=False)
    for indicator_id, ax in zip(order, axes):
        data = events[events["indicator"] == indicator_id].sort_values(x)
        ax.axhline(0, color=CITY_COLOUR, linestyle="--", linewidth=1)
        ax.fill_between(data[x], data["ci_low"], data["ci_high"], color=AREA_COLOUR, alpha=0.18, linewidth=0)
        ax.plot(data[x], data["estimate"], marker="o", markersize=3.5, color=AREA_COLOUR)
        if baseline is not None:
            ax.axvline(baseline, color="#444444", linewidth=0.8, linestyle=":")
        ax.set_title(textwrap.fill(names[indicator_id], 30), loc="left", fontsize=8.5)
        if baseline is not None:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
            decimals = 1
        else:
            ax.xaxis.set_major_locator(FixedLocator(sorted(data[x].astype(int))))
            values = data[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
            spread = np.nanmax(values) - np.nanmin(values) if np.isfinite(values).any() else 1.0
            decimals = 2 if spread < 0.4 else 1
        german_axis(ax.yaxis, decimals, " Pp." if units[indicator_id] == "percent" else " ‰-Pkt.")
        ax.tick_params(labelsize=7.5)
    light_ticks(axes)
    return fig, order


def _effect_table(events: pd.DataFrame, x: str, indicators: list[Indicator], order: list[str]) -> pd.DataFrame:
    """The drawn values as the chart's data: indicator name, ``x``, estimate, interval, unit, in panel order."""
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    table = events.assign(label=events["indicator"].map(names), unit=events["indicator"].map(units))
    table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
    return table.sort_values(["_order", x])[["label", x, "estimate", "ci_low", "ci_high", "unit"]].reset_index(drop=True)


@dataclass
class EventStudyPanels(ChartSpec):
    """Small multiples: per indicator the area's departure from its expected path in each year after the baseline.

    The data have columns indicator, year, estimate, ci_low, ci_high (points; the baseline year is 0) and the area's
    smallest counts they rest on; withheld years are not drawn. A zero line marks "as expected"; the band is the
    placebo interval at the report's level (``level_text``, "95-%"). A year counts as "outside what chance explains"
    only when its band, rounded as the table shows it, excludes zero.
    """

    label: ClassVar[str] = "Abweichung vom erwarteten Verlauf"
    columns: ClassVar[Mapping[str, Basis]] = {
        "indicator": PUBLIC, "year": PUBLIC, **AREA_COUNTS,
        "estimate": ON_AREA_COUNTS, "ci_low": ON_AREA_COUNTS, "ci_high": ON_AREA_COUNTS}

    indicators: list[Indicator]
    area_name: str
    baseline_year: int
    level_text: str = "95-%"

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data (years withheld by disclosure control left out)."""
        events = data.frame.dropna(subset=["estimate"])
        names = {i.id: i.name for i in self.indicators}
        units = {i.id: i.unit for i in self.indicators}
        area_name, baseline_year, level_text = self.area_name, self.baseline_year, self.level_text
        fig, order = effect_panels(events, "year", self.indicators, baseline=baseline_year)
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
        return Chart(fig, _effect_table(events, "year", self.indicators, order), alt,
                     f"Abweichung von {area_name} vom erwarteten Verlauf seit {baseline_year}",
                     {"label": "Indikator", "year": "Jahr", "estimate": "Abweichung", "ci_low": "Intervall unten",
                      "ci_high": "Intervall oben"})


PROGRAMME_COUNTS: dict[str, Basis] = {"count_min": count("threshold"), "denominator_min": count("denominator_threshold"),
                                      "threshold": PUBLIC, "denominator_threshold": PUBLIC}
"""The smallest yearly counts of the areas (numerator and denominator) that a programme effect rests on."""
ON_PROGRAMME_COUNTS = rests_on("count_min", "denominator_min")


@dataclass
class EventTimePanels(ChartSpec):
    """Small multiples: per indicator the programme's effect by year since the start of counting (1 = first year).

    The data have columns indicator, key (years since the start), estimate, ci_low, ci_high (points) and the
    smallest counts they rest on (NaN where disclosure control withholds a value). A zero line marks "no departure
    from the expected path"; the band is the interval at the report's confidence level. ``first_year`` is the
    calendar year of year 1 for most areas.
    """

    label: ClassVar[str] = "Effekt des Programms nach Jahren seit Beginn der Zählung"
    columns: ClassVar[Mapping[str, Basis]] = {
        "indicator": PUBLIC, "key": PUBLIC, **PROGRAMME_COUNTS, "estimate": ON_PROGRAMME_COUNTS,
        "ci_low": ON_PROGRAMME_COUNTS,
        "ci_high": ON_PROGRAMME_COUNTS}

    indicators: list[Indicator]
    first_year: int

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data."""
        events = data.frame
        fig, order = effect_panels(events, "key", self.indicators)
        fig.suptitle(f"Effekt des Programms im 1., 2., … Jahr seit Beginn der Zählung (1. Jahr = meist "
                     f"{self.first_year})", fontsize=8.5, x=0.02, ha="left")
        clear = events[(events["ci_low"] > 0) | (events["ci_high"] < 0)]
        alt = (f"Kleine Diagramme je Indikator: Effekt des Programms auf die 15 Gebiete im 1. bis "
               f"{int(events['key'].max())}. Jahr seit Beginn der Zählung, mit Intervall. ")
        alt += (f"In {len(clear)} von {len(events)} Jahreswerten schließt das Intervall null aus."
                if len(events) else "Keine Werte.")
        return Chart(fig, _effect_table(events, "key", self.indicators, order), alt,
                     "Effekt des Programms nach Jahren seit Beginn der Zählung",
                     {"label": "Indikator", "key": "Jahr seit Beginn", "estimate": "Effekt",
                      "ci_low": "Intervall unten", "ci_high": "Intervall oben"})


@dataclass
class SyntheticControlPanels(ChartSpec):
    """Small multiples: per indicator the area's rate and its synthetic control's (a weighted mix of Stadtteile
    outside the programme fitted to the area's path up to the baseline) per year.

    The data have columns indicator, year, actual, synthetic, gap (in the indicator's unit) and the area's smallest
    counts they rest on; withheld years are not drawn. The gap after the dotted baseline line is the synthetic
    control's effect path. ``donors``: the units the control is mixed from, in the dative plural (the lowest level of
    the city's ``raumbezug.yml``: "Stadtteilen").
    """

    label: ClassVar[str] = "Synthetische Kontrollgruppe"
    columns: ClassVar[Mapping[str, Basis]] = {
        "indicator": PUBLIC, "year": PUBLIC, **AREA_COUNTS,
        "actual": ON_AREA_COUNTS, "synthetic": ON_AREA_COUNTS, "gap": ON_AREA_COUNTS}

    indicators: list[Indicator]
    area_name: str
    baseline_year: int
    donors: str = "Einheiten"

    def draw(self, data: ChartData) -> Chart:
        """The figure from the checked data (years withheld by disclosure control left out)."""
        paths = data.frame.dropna(subset=["actual", "synthetic"])
        indicators, area_name, baseline_year = self.indicators, self.area_name, self.baseline_year
        names = {i.id: i.name for i in indicators}
        units = {i.id: i.unit for i in indicators}
        order = [i.id for i in indicators if i.id in set(paths["indicator"])]
        columns = min(3, max(1, len(order)))
        fig, axes = panel_grid(len(order), columns, 1.6, 1.25, left=0.7, top=0.75, bottom=0.45, sharex=False)
        from matplotlib.ticker import MaxNLocator  # where drawn, not on import: see drawing.pyplot

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
        gaps = ", ".join(f"{names[r.indicator]} {effect_points(r.gap, units[r.indicator])}"
                         for r in last.itertuples() if r.indicator in names)
        alt = (f"Kleine Diagramme je Indikator: Wert von {area_name} und seiner synthetischen Kontrollgruppe (gewichtete "
               f"Mischung von {self.donors} ohne Programm, angepasst an den Verlauf bis {baseline_year}) je Jahr. "
               f"Abstand im letzten Jahr: {gaps}.")
        table = paths.assign(label=paths["indicator"].map(names), unit=paths["indicator"].map(units))
        table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
        table = table.sort_values(["_order", "year"])[["label", "year", "actual", "synthetic", "gap", "unit"]]
        return Chart(fig, table.reset_index(drop=True), alt,
                     f"{area_name} und synthetische Kontrollgruppe seit {baseline_year}",
                     {"label": "Indikator", "year": "Jahr", "actual": area_name, "synthetic": "Kontrollgruppe",
                      "gap": "Abstand"})
