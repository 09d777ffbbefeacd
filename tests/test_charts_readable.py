"""Charts a committee member can read: the Jahresbericht's heat table with dark text on light cells, units in
the column heads and a colour bar in words; the position chart on each indicator's own scale."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
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
    cells = mesh.to_rgba(mesh.get_array().ravel())  # each cell's colour, as drawn
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


def test_position_chart_shows_each_indicator_as_percentile_with_its_own_range(demo):
    """% and ‰ no longer share an axis: every dot is a percentile 0–100 among the Stadtteile, each row names its
    indicator's range in its unit, the area's Stadtteile sit where their raw values rank; the data table keeps
    the raw values and ranks."""
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    analysis = AreaAnalysis.open("kalk", year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    block = next(b for b in analysis.stadtteil_position() if isinstance(b, ChartBlock) and b.name == "stadtteile_grafik")
    chart, ax = block.chart, block.chart.figure.axes[0]
    offsets = np.vstack([c.get_offsets() for c in ax.collections])
    assert offsets[:, 0].min() >= 0 and offsets[:, 0].max() <= 100 and offsets[:, 0].max() == 100
    rows = [label.get_text() for label in ax.get_yticklabels()]
    units = {i.name: i.unit for i in analysis.key_indicators()}
    for row in rows:
        name = row.split("\n")[0]
        assert row.endswith(" %)" if units[name] == "percent" else " ‰)"), row
    assert {"%" in r for r in rows} == {True, False} or all("%" in r for r in rows)
    table = chart.data
    assert {"value", "rank", "percentile"} <= set(table.columns)
    mine = ax.collections[1].get_offsets()  # the area's Stadtteile, one row per indicator
    mine = mine[mine[:, 1] == 0]  # the first indicator's row
    first = table[table["label"] == rows[0].split("\n")[0]]
    assert sorted(mine[:, 0]) == sorted(first["percentile"])
    assert "Perzentil" in ax.get_xlabel() and "‰" not in ax.get_xlabel()


def test_percentiles_rank_the_shown_values_and_skip_withheld_ones():
    import pandas as pd

    from veedel_lib.render.charts.positions import stadtteil_percentiles

    values = pd.DataFrame({"indicator": ["a"] * 5 + ["b"], "stadtteil": ["1", "2", "3", "4", "5", "1"],
                           "value": [10.0, 20.0, 20.0, 40.0, float("nan"), 3.0]})
    ranked = stadtteil_percentiles(values).set_index(["indicator", "stadtteil"])
    assert list(ranked.loc["a", "rank"]) == [4, 2, 2, 1]
    assert [round(p, 1) for p in ranked.loc["a", "percentile"]] == [0.0, 33.3, 33.3, 100.0]
    assert ("a", "5") not in ranked.index  # a withheld value takes no rank
    assert ranked.loc[("b", "1"), "percentile"] == 50.0  # a single Stadtteil sits in the middle


def _png(figure):
    """The figure drawn by Agg at 100 dpi, as an array of pixels (the figure is closed)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    buffer.seek(0)
    return plt.imread(buffer)


def _plain_svg(figure) -> str:
    """The figure saved by matplotlib itself, without anything settled by Chart.svg (the figure is closed)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def _panels(light: bool):
    """Four small panels as the trend figures draw them (shared years, German labels, one panel without y grid)."""
    from matplotlib.ticker import MaxNLocator

    from veedel_lib.render.charts import drawing as figures

    figure, axes = figures.panel_grid(4, 2, 1.6, 1.2)
    for n, ax in enumerate(axes):
        ax.fill_between([2012, 2018, 2024], [1.0, 2.0, 1.5], [3.0, 4.0, 3.5], alpha=0.2)
        ax.plot([2012, 2018, 2024], [2.0, 3.0 + n, 2.5], marker="o")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        figures.german_axis(ax.yaxis, 1, " %")
        ax.tick_params(labelsize=7.5)
        ax.set_ylim(bottom=0)
    axes[1].grid(axis="y", visible=False)
    if light:
        figures.light_ticks(axes)
    return figure


def test_small_multiples_with_light_ticks_look_exactly_like_matplotlibs_own_ticks():
    """light_ticks replaces matplotlib's tick objects by a few artists per axis: the same pixels, no ticks left."""
    light = _panels(True)
    assert all(len(ax.xaxis.get_majorticklocs()) == len(ax.yaxis.get_majorticklocs()) == 0 for ax in light.axes)
    assert any(t.get_text() == "2,0 %" for t in light.axes[0].texts)  # the labels, German, now plain texts
    plain, drawn = _png(_panels(False)), _png(light)
    assert plain.shape == drawn.shape
    assert np.array_equal(plain, drawn)


def test_ticks_outside_the_limits_are_dropped_without_changing_the_figure():
    from matplotlib.ticker import MaxNLocator

    from veedel_lib.render.charts.drawing import Chart, settle_ticks

    def chart():
        figure, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0.3, 9.7], [0.2, 7.9])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        return figure

    settled = chart()
    ax = settled.axes[0]
    low, high = ax.get_ylim()
    assert min(ax.yaxis.get_major_locator()()) < low  # matplotlib's locator also returns positions off the axis
    settle_ticks(settled)
    assert all(low <= v <= high for v in ax.yaxis.get_major_locator()())
    assert ax.get_ylim() == (low, high)
    assert Chart(settled, None, "", "").svg() == _plain_svg(chart())  # Chart.svg settles the ticks first


def test_a_constrained_figure_is_laid_out_once_and_drawn_once_with_the_same_svg():
    """settle_layout runs the constrained layout itself, measured as the SVG is drawn; saving then draws once."""
    from veedel_lib.render.charts.drawing import Chart

    def chart():
        figure, ax = plt.subplots(figsize=(4, 3), layout="constrained")
        mesh = ax.pcolormesh(np.arange(12.0).reshape(3, 4))
        ax.set_yticks([0.5, 1.5, 2.5], ["Blumenberg/Chorweiler/Seeberg-Nord", "Kalk", "Meschenich"])
        ax.set_title("Überschrift, die Platz braucht")
        figure.colorbar(mesh, ax=ax, label="Wert im Vergleich zur Gesamtstadt")
        return figure

    plain = _plain_svg(chart())  # matplotlib's own way: the layout in a draw pass of its own
    settled = chart()
    draws = []
    own_draw = settled.draw
    settled.draw = lambda renderer: draws.append(renderer) or own_draw(renderer)
    assert Chart(settled, None, "", "").svg() == plain
    assert len(draws) == 1 and settled.get_layout_engine() is None
