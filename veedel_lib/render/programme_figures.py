"""Figures of the Programmevaluation: the programme's effect by year since the start of counting.

Like :mod:`veedel_lib.render.figures`, each function returns a :class:`~veedel_lib.render.figures.Chart` with the
data it shows and an alternative text that states the finding; callers pass values that disclosure control has
already masked.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator

from ..params.catalogue import Indicator
from .figures import AREA_COLOUR, CITY_COLOUR, Chart, german_axis, light_ticks, panel_grid


def event_time_panels(events: pd.DataFrame, indicators: list[Indicator], first_year: int) -> Chart:
    """Small multiples: per indicator the programme's effect by year since the start of counting (1 = first year).

    ``events`` has columns indicator, key (years since the start), estimate, ci_low, ci_high (points; NaN where
    disclosure control hides a value). A zero line marks "no departure from the expected path"; the band is the
    interval at the report's confidence level. ``first_year`` is the calendar year of year 1 for most areas.
    """
    names = {i.id: i.name for i in indicators}
    units = {i.id: i.unit for i in indicators}
    order = [i.id for i in indicators if i.id in set(events["indicator"])]
    columns = min(3, max(1, len(order)))
    fig, axes = panel_grid(len(order), columns, 1.6, 1.25, left=0.7, top=0.75, bottom=0.05, sharex=False)
    for indicator_id, ax in zip(order, axes):
        data = events[events["indicator"] == indicator_id].sort_values("key")
        ax.axhline(0, color=CITY_COLOUR, linestyle="--", linewidth=1)
        ax.fill_between(data["key"], data["ci_low"], data["ci_high"], color=AREA_COLOUR, alpha=0.18, linewidth=0)
        ax.plot(data["key"], data["estimate"], marker="o", markersize=3.5, color=AREA_COLOUR)
        ax.set_title(textwrap.fill(names[indicator_id], 30), loc="left", fontsize=8.5)
        ax.xaxis.set_major_locator(FixedLocator(sorted(data["key"].astype(int))))
        values = data[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
        spread = np.nanmax(values) - np.nanmin(values) if np.isfinite(values).any() else 1.0
        german_axis(ax.yaxis, 2 if spread < 0.4 else 1, " Pp." if units[indicator_id] == "percent" else " ‰-Pkt.")
        ax.tick_params(labelsize=7.5)
    light_ticks(axes)
    fig.suptitle(f"Effekt des Programms im 1., 2., … Jahr seit Beginn der Zählung (1. Jahr = meist {first_year})",
                 fontsize=8.5, x=0.02, ha="left")
    clear = events[(events["ci_low"] > 0) | (events["ci_high"] < 0)]
    alt = (f"Kleine Diagramme je Indikator: Effekt des Programms auf die 15 Gebiete im 1. bis "
           f"{int(events['key'].max())}. Jahr seit Beginn der Zählung, mit Intervall. ")
    alt += (f"In {len(clear)} von {len(events)} Jahreswerten schließt das Intervall null aus."
            if len(events) else "Keine Werte.")
    table = events.assign(label=events["indicator"].map(names), unit=events["indicator"].map(units))
    table["_order"] = table["indicator"].map({i: n for n, i in enumerate(order)})
    table = table.sort_values(["_order", "key"])[["label", "key", "estimate", "ci_low", "ci_high", "unit"]]
    return Chart(fig, table.reset_index(drop=True), alt,
                 "Effekt des Programms nach Jahren seit Beginn der Zählung",
                 {"label": "Indikator", "key": "Jahr seit Beginn", "estimate": "Effekt", "ci_low": "Intervall unten",
                  "ci_high": "Intervall oben"})
