"""Small-count suppression: primary and secondary, hiding exactly what could reveal a small count."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from veedel_lib.render.blocks import Col, TableBlock
from veedel_lib.render.disclosure import protect
from veedel_lib.render.report import Report

COLUMNS = [Col("label", "Gruppe"), Col("count", "Anzahl", "count", threshold=3),
           Col("rate", "Quote", "rate", unit="percent", based_on=("count",))]


def _frame(counts: dict[str, int]) -> pd.DataFrame:
    frame = pd.DataFrame({"label": list(counts), "count": list(counts.values())})
    frame["rate"] = frame["count"] / 100
    return frame


def test_primary_hides_counts_below_threshold_but_not_zero():
    protected = protect(_frame({"A": 2, "B": 0, "C": 3, "D": 1}), COLUMNS)
    assert list(protected.primary["count"]) == [True, False, False, True]
    assert list(protected.hidden["rate"]) == [True, False, False, True]   # rates on hidden counts


def test_secondary_hides_the_smallest_other_part_not_the_total():
    protected = protect(_frame({"A": 2, "B": 40, "C": 15, "Gesamt": 57}), COLUMNS, total_row="Gesamt")
    hidden = dict(zip(protected.frame["label"], protected.hidden["count"]))
    assert hidden == {"A": True, "B": False, "C": True, "Gesamt": False}
    assert protected.hidden["count"].sum() == 2                             # nothing more than needed
    assert protected.frame.loc[1, "count"] == 40 and protected.frame.loc[3, "count"] == 57


def test_no_secondary_suppression_needed_when_two_cells_are_small():
    protected = protect(_frame({"A": 2, "B": 1, "C": 15, "Gesamt": 18}), COLUMNS, total_row="Gesamt")
    assert list(protected.hidden["count"]) == [True, True, False, False]


def test_two_ones_are_protected_by_a_third_cell():
    """1 + 1 visible as 2 would reveal both: a third cell must be hidden as well."""
    protected = protect(_frame({"A": 1, "B": 1, "C": 15, "D": 30, "Gesamt": 47}), COLUMNS, total_row="Gesamt")
    assert list(protected.hidden["count"]) == [True, True, True, False, False]


def _recoverable(values: np.ndarray, hidden: np.ndarray, lines: list[list[tuple]]) -> set:
    """Hidden cells whose value is uniquely determined by the visible cells and the additive lines."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    index = {c: i for i, c in enumerate(cells)}
    rows, rhs = [], []
    for line in lines:
        *parts, total = line
        row = np.zeros(len(cells))
        known = 0.0
        for cell, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                known += sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(-known)
    if not rows:
        return set()
    matrix = np.array(rows)
    determined = set()
    for i, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[i] = 1
        # a cell is determined iff its unit vector lies in the row space of the equations
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == np.linalg.matrix_rank(matrix):
            determined.add(cell)
    return determined


def test_two_way_table_no_hidden_count_can_be_recomputed():
    counts = pd.DataFrame({"label": ["A", "B", "C", "Gesamt"],
                           "x": [1, 30, 12, 43], "y": [20, 4, 9, 33]})
    counts["total"] = counts["x"] + counts["y"]
    columns = [Col("label", "Gruppe"), Col("x", "x", "count", threshold=3), Col("y", "y", "count", threshold=3),
               Col("total", "Summe", "count", threshold=3)]
    protected = protect(counts, columns, total_row="Gesamt", total_columns={"total": ["x", "y"]})
    values = counts[["x", "y", "total"]].to_numpy(dtype=float)
    hidden = protected.hidden[["x", "y", "total"]].to_numpy()
    assert hidden[0, 0]                                                      # the 1 is hidden
    lines = [[(r, 0), (r, 1), (r, 2)] for r in range(4)] + [[(0, c), (1, c), (2, c), (3, c)] for c in range(3)]
    assert _recoverable(values, hidden, lines) == set()
    # minimal: four cells (a rectangle) are the fewest that protect a single small cell here
    assert hidden.sum() == 4
    assert not hidden[3].any()                                               # totals stay visible


def test_exhaustive_small_tables_never_leak():
    """Every 1-D table of three parts plus total with counts 0..4: no hidden small count is recoverable."""
    for a, b, c in itertools.product(range(5), repeat=3):
        frame = _frame({"A": a, "B": b, "C": c, "Gesamt": a + b + c})
        protected = protect(frame, COLUMNS, total_row="Gesamt")
        values = frame[["count"]].to_numpy(dtype=float)
        hidden = protected.hidden[["count"]].to_numpy()
        small = {(i, 0) for i, v in enumerate(values[:, 0]) if 0 < v < 3}
        assert small <= {tuple(x) for x in np.argwhere(hidden)}
        assert not (_recoverable(values, hidden, [[(0, 0), (1, 0), (2, 0), (3, 0)]]) & small)
        # bounds: hidden cells are at least 1 (zeros are shown); hidden parts summing to their number
        # would all be exactly 1
        parts = hidden[:3, 0]
        if parts.sum() >= 2 and not hidden[3, 0]:
            assert values[:3, 0][parts].sum() > parts.sum(), (a, b, c)


def test_report_shows_dot_with_footnote_and_stores_empty_cell(tmp_path):
    block = TableBlock("probe", "Probe", _frame({"A": 2, "B": 40, "C": 15, "Gesamt": 57}), COLUMNS,
                       total_row="Gesamt")
    report = Report(tmp_path)
    report._display_html = lambda markup: setattr(report, "last", markup)
    report.table(block)
    assert report.last.count(">•<") == 4                                     # two counts, two rates
    assert "Geheimhaltung" in report.last
    stored = pd.read_csv(tmp_path / "probe.csv")
    assert stored["count"].isna().tolist() == [True, False, True, False]
    assert "2" not in stored["count"].astype(str).tolist()


def test_a_chart_cannot_be_published_around_disclosure_control(tmp_path):
    """A figure drawn from unprotected data is refused; drawn from masked data it is shown."""
    import matplotlib.pyplot as plt
    import pytest

    from veedel_lib.errors import DisclosureError
    from veedel_lib.render.blocks import ChartBlock
    from veedel_lib.render.disclosure import masked
    from veedel_lib.render.charts.drawing import Chart

    data = _frame({"A": 2, "B": 40})
    columns = [Col("label", "Gruppe"), Col("count", "Anzahl", "count", threshold=3, show=False),
               Col("rate", "Quote", "rate", unit="percent", based_on=("count",))]
    report = Report(tmp_path)
    report._display_html = lambda markup: setattr(report, "last", markup)
    leaking = Chart(plt.figure(), data, "Diagramm", "Probe", {"label": "Gruppe", "rate": "Quote"})
    with pytest.raises(DisclosureError, match="Zeile 1"):
        report.chart(ChartBlock("probe", leaking, columns))
    safe = Chart(plt.figure(), masked(data, columns), "Diagramm", "Probe", {"label": "Gruppe", "rate": "Quote"})
    report.chart(ChartBlock("probe", safe, columns))
    assert "•" in report.last and "Anzahl" not in report.last       # hidden count column never shown
    stored = pd.read_csv(tmp_path / "probe.csv")
    assert list(stored.columns) == ["label", "rate"] and stored["rate"].isna().tolist() == [True, False]


def test_masked_values_stay_numbers_for_figures():
    """Figures draw from masked frames: hidden cells are NaN in a float column, never objects."""
    from veedel_lib.render.disclosure import masked

    frame = _frame({"A": 2, "B": 40, "C": 1})
    frame["ci_low"], frame["ci_high"] = frame["rate"] - 0.01, frame["rate"] + 0.01
    columns = [Col("count", "Anzahl", "count", threshold=3, show=False)] + [
        Col(key, key, "rate", based_on=("count",)) for key in ("rate", "ci_low", "ci_high")]
    result = masked(frame, columns)
    for key in ("rate", "ci_low", "ci_high"):
        assert result[key].dtype == np.float64, key
        assert result[key].isna().tolist() == [True, False, True]
    assert result["count"].tolist() == [2, 40, 1]                   # kept for marking, never shown


def test_an_area_of_one_small_stadtteil_gets_its_trends(demo, tmp_path):
    """The 86-Stadtteile series failed here: trends of a small Stadtteil with hidden years (Libur, 708)."""
    import shutil

    import yaml
    from conftest import PARAMETERS

    from veedel_lib.render.blocks import ChartBlock
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    areas = {"areas": [{"id": "st-708", "code": "ST708", "name": "Libur", "stadtbezirk": 7, "stadtteile": [708]}]}
    (parameters / "areas.yml").write_text(yaml.safe_dump(areas, allow_unicode=True), encoding="utf-8")
    analysis = AreaAnalysis.open("st-708", data_dir=demo.data_dir, parameters_dir=parameters)
    blocks = analysis.trends()
    chart = next(b for b in blocks if isinstance(b, ChartBlock))
    assert chart.chart.data.shape[0] > 0


def test_a_table_or_chart_name_that_is_no_file_stem_is_refused():
    """A block's name is the stem of its data file: an area's name as table name wrote ``Porz-Mitte/Urbach.csv``
    (a folder and a file) into the Jahresbericht's tables."""
    import matplotlib.pyplot as plt

    from veedel_lib.render.blocks import ChartBlock
    from veedel_lib.render.charts.drawing import Chart

    frame = _frame({"A": 20, "B": 40})
    assert TableBlock("gebiete_im_vergleich_1", "Probe", frame, COLUMNS).name == "gebiete_im_vergleich_1"
    for name in ("Porz-Mitte/Urbach", "Bilderstöckchen", "../probe", ""):
        with pytest.raises(ValueError, match="taugt nicht als Tabellendatei"):
            TableBlock(name, "Probe", frame, COLUMNS)
    chart = Chart(plt.figure(), frame, "Diagramm", "Probe", {"label": "Gruppe"})
    with pytest.raises(ValueError, match="taugt nicht als Tabellendatei"):
        ChartBlock("Ostheim/Neubrück", chart)
    plt.close("all")
