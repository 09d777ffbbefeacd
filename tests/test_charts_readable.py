"""Charts a committee member can read: the Jahresbericht's heat table with dark text on light cells, units in
the column heads and a colour bar in words; the position chart on each indicator's own scale."""

from __future__ import annotations

import numpy as np
from conftest import PARAMETERS
from matplotlib.colors import to_rgb

from veedel_lib.render.blocks import ChartBlock
from veedel_lib.reports.jahresbericht import ProgrammeReport


def _luminance(colour) -> float:
    """WCAG relative luminance of a colour."""
    channels = np.array(to_rgb(colour))
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def _contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_heat_table_has_readable_cells_units_and_a_legend_in_words(demo):
    report = ProgrammeReport.open(year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    chart = next(b.chart for b in report.areas_side_by_side() if isinstance(b, ChartBlock)
                 and b.name == "gebiete_grafik")
    ax = chart.figure.axes[0]
    mesh = ax.collections[0]
    cells = mesh.get_facecolors()
    texts = [t for t in ax.texts if t.get_text()]
    assert len(texts) == len(cells) > 15
    # every value is dark text on its cell with at least the 4.5:1 contrast WCAG asks for normal text
    worst = min(_contrast(t.get_color(), cell) for t, cell in zip(texts, cells))
    assert worst >= 4.5, worst
    heads = [label.get_text() for label in ax.get_xticklabels()]
    assert heads and all(h.endswith(("(%)", "(‰)")) for h in heads), heads
    assert any(h.endswith("(‰)") for h in heads) and any(h.endswith("(%)") for h in heads)
    legend = [label.get_text() for label in mesh.colorbar.ax.get_yticklabels()]
    assert legend == ["Faktor 2 günstiger", "Faktor 1,5 günstiger", "wie die Stadt", "Faktor 1,5 ungünstiger",
                      "Faktor 2 ungünstiger"]
    assert "log" not in mesh.colorbar.ax.get_ylabel()
    assert all(h.endswith(("(%)", "(‰)")) for k, h in chart.data_columns.items() if k != "area")
