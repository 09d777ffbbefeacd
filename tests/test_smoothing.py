"""Empirical-Bayes smoothing of small units' rates (analysis/smoothing.py) and its use in the Stadtteil map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from veedel_lib.analysis.smoothing import smooth_rates, smoothed_stadtteil_values
from veedel_lib.params.run_config import SmoothingSettings


def _frame(numerators, denominators, groups=None) -> pd.DataFrame:
    n, d = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    frame = pd.DataFrame({"indicator": "x", "group": [str(i) for i in range(len(n))], "numerator": n,
                          "denominator": d, "value": 100 * n / d})
    if groups is not None:
        frame["prior_group"] = groups
    return frame


def test_small_units_are_pulled_towards_the_pooled_rate_large_ones_hardly():
    rng = np.random.default_rng(3)
    true = rng.gamma(20, 0.1 / 20, 60)  # true rates around 10 %
    d = np.r_[np.full(30, 100), np.full(30, 20000)]
    n = rng.poisson(true * d)
    out = smooth_rates(_frame(n, d), scale=100, min_denominator=1000, cv_threshold=0.3)
    pooled = 100 * n.sum() / d.sum()
    assert np.allclose(out["prior_value"], pooled)
    shrink = np.abs(out["smoothed_value"] - out["value"]) / np.abs(out["value"] - pooled).clip(1e-9)
    assert shrink[:30].median() > 0.3 > shrink[30:].max() * 3
    # the smoothed rates are closer to the truth than the raw ones in the small units
    raw_error = np.abs(out["value"][:30] - 100 * true[:30]).mean()
    smooth_error = np.abs(out["smoothed_value"][:30] - 100 * true[:30]).mean()
    assert smooth_error < 0.7 * raw_error
    assert (out["smoothed_low"] <= out["smoothed_value"]).all() and (out["smoothed_value"] <= out["smoothed_high"]).all()
    # only small units are shown smoothed; the raw value stays in "value"
    assert out["smoothed"].tolist() == [True] * 30 + [False] * 30
    assert np.allclose(out["shown_value"][30:], out["value"][30:])
    # reliability: CV = 1 / sqrt(cases) above 0.3 (fewer than about 11 cases)
    assert (out["unreliable"] == (n < 1 / 0.3 ** 2)).all()


def test_without_variation_beyond_chance_every_unit_gets_the_pooled_rate_and_bezirk_priors_stay_apart():
    d = np.full(20, 500.0)
    n = np.full(20, 50.0)
    out = smooth_rates(_frame(n, d), scale=100, min_denominator=1000, cv_threshold=0.3)
    assert np.allclose(out["smoothed_value"], 10) and np.allclose(out["weight"], 0)
    n2 = np.r_[np.full(10, 20.0), np.full(10, 100.0)]
    groups = ["a"] * 10 + ["b"] * 10
    city = smooth_rates(_frame(n2, d, groups), scale=100, min_denominator=1000, cv_threshold=0.3)
    bezirk = smooth_rates(_frame(n2, d, groups), scale=100, min_denominator=1000, cv_threshold=0.3, prior="bezirk")
    assert np.allclose(bezirk["prior_value"], [4.0] * 10 + [20.0] * 10)
    assert np.allclose(bezirk["smoothed_value"], bezirk["value"], atol=1e-6)  # each Bezirk is homogeneous
    assert np.allclose(city["prior_value"], 12.0)


def test_demo_small_stadtteile_smoothed_and_map_keeps_raw_value_and_disclosure(demo, tmp_path):
    from veedel_lib.render import maps

    settings = SmoothingSettings()
    indicator = demo.catalogue.indicator("unemployment_share")
    year = demo.latest_year
    values = smoothed_stadtteil_values(demo, year, [indicator], settings).set_index("group")
    small = values.index[values["denominator"] < settings.min_denominator]
    assert len(small) >= 2 and values.loc[small, "smoothed"].all()
    assert not values.loc[values["denominator"] >= settings.min_denominator, "smoothed"].any()
    chart = maps.indicator_map(demo, indicator, year, maps.embedded_boundaries(), {"207"}, "Hahnwald", smoothing=settings)
    data = chart.data.assign(key=lambda f: f["label"].str.split(" ").str[0]).set_index("key")
    assert "(kleine Stadtteile geglättet)" in chart.caption
    assert (data.loc[small, "smoothed"] == "geglättet").all()
    raw = values.loc[small, "value"]
    published = data.loc[small, "value"]
    shown = published.notna()
    assert np.allclose(published[shown], raw[shown])  # the data table keeps the raw rate
    assert np.allclose(data.loc[small[shown.to_numpy()], "shown_value"], values.loc[small[shown.to_numpy()],
                                                                                   "smoothed_value"])
    chart.figure.savefig(tmp_path / "smoothed.png", dpi=60)


def test_smoothed_values_of_suppressed_counts_stay_hidden(demo):
    """A value derived from a count below its threshold is never shown, smoothed or not."""
    from veedel_lib.render import maps

    indicator = demo.catalogue.indicator("asylblg_quote")
    year = demo.latest_year
    chart = maps.indicator_map(demo, indicator, year, maps.embedded_boundaries(), smoothing=SmoothingSettings())
    values = smoothed_stadtteil_values(demo, year, [indicator], SmoothingSettings()).set_index("group")
    small = values.index[(values["numerator"] > 0) & (values["numerator"] < demo.catalogue.threshold(indicator))]
    assert len(small) >= 1
    data = chart.data.assign(key=lambda f: f["label"].str.split(" ").str[0]).set_index("key")
    assert data.loc[small, ["value", "shown_value"]].isna().all().all()
    assert (data.loc[small, "class"] == "unterdrückt").all()


def test_area_analysis_marks_smoothed_stadtteile_in_the_position_chart_and_describes_the_method(demo):
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    report = AreaAnalysis.open("porz-ost-finkenberg-gremberghoven-eil", dataset=demo)
    (chart,) = [block.chart for block in report.stadtteil_position() if getattr(block, "name", "") == "stadtteile_grafik"]
    data = chart.data
    youth = data[(data["label"] == "Jugendarbeitslosenanteil") & (data["name"] == "Gremberghoven")].iloc[0]
    assert youth["smoothed"] == "geglättet" and youth["shown_value"] < youth["value"]  # pulled towards the city
    legend = [t.get_text() for legend in chart.figure.legends for t in legend.get_texts()]
    assert "geglättet (kleiner Stadtteil)" in legend
    notes = report.method_notes()[0].markdown
    assert "- **Kleine Stadtteile:** In der Positionsgrafik und in der Karte sind Stadtteile, deren Bezugsgröße " \
           "(Nenner) unter 1.000 liegt, mit einem geglätteten Wert dargestellt" in notes
