"""How stable the Sozialindex classes are (analysis/sozialindex_sensitivity.py), on a small hand-made city.

The city is that of ``test_independent_sozialindex.py`` (the six qualifying Stadtteile 101-105 and 201 with their
rates of unemployment, SGB II and turnout) plus two Stadtteile 202 and 203 with identical counts (8 %, 16 %,
58 %), all counts multiplied by 100 000 so that a bootstrap draw moves a rate by a few thousandths of a point at
most: then every draw keeps the published classes, and only the tied pair changes ranks (4 and 5, either way).

Status index by numpy (z-values, sum, standardised again), classes at -1, 1, 1.5 read off by hand:

==============  =====  =====  =====  =====  =====  =====  ===========
variant         101    102    103    104    105    201    202 / 203
==============  =====  =====  =====  =====  =====  =====  ===========
published       0.63   -1.50  -0.11  0.61   -1.63  1.47   0.27
without alq     0.45   -1.69  0.07   0.78   -1.52  1.37   0.27
without SGB II  1.18   -1.51  -0.25  0.41   -1.55  1.28   0.22
w/o turnout     0.20   -1.24  -0.13  0.61   -1.74  1.69   0.30
weighted        0.70   -2.63  -0.48  0.63   -2.85  2.00   0.12
==============  =====  =====  =====  =====  =====  =====  ===========

101 leaves its class "mittel" without SGB II (1.18 > 1), 201 leaves "niedrig" without turnout and weighted
(above 1.5): of the five method variants 101 keeps its class in 4 (80 %), 201 in 3 (60 %), all others in 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_independent_sozialindex import _dataset, _method, _z

from veedel_lib.analysis.sozialindex import SensitivitySettings, compute_sozialindex
from veedel_lib.analysis.sozialindex_sensitivity import _draw_values, sozialindex_sensitivity

SCALE = 100_000
RATES = {  # Stadtteil: residents, (unemployed, 15-64), SGB II, (voters, electors) in 2020 (2018: a little less)
    101: (1000, (50, 500), 100, (288, 600)),
    102: (2000, (40, 1000), 100, (900, 1200)),
    103: (1000, (30, 500), 150, (360, 600)),
    104: (4000, (160, 2000), 800, (1100, 2000)),
    105: (1000, (10, 500), 30, (420, 600)),
    201: (1500, (60, 500), 375, (312, 600)),
    202: (10000, (400, 5000), 1600, (3480, 6000)),
    203: (10000, (400, 5000), 1600, (3480, 6000)),
}
KEYS = ["101", "102", "103", "104", "105", "201", "202", "203"]
ALQ = np.array([10.0, 4, 6, 8, 2, 12, 8, 8])
SGB2 = np.array([10.0, 5, 15, 20, 3, 25, 16, 16])
TURNOUT = np.array([48.0, 75, 60, 55, 70, 52, 58, 58])


def _big_city():
    units = {nr: (p * SCALE, (a * SCALE, w * SCALE), s * SCALE, (v * SCALE, e * SCALE),
                  (a * SCALE - nr * 1000, w * SCALE), s * SCALE - nr ** 2)
             for nr, (p, (a, w), s, (v, e)) in RATES.items()}
    ds = _dataset(units)
    return ds, compute_sozialindex(ds, 2020, _method(excluded=[]))


def test_the_method_variants_and_draws_give_the_shares_and_rank_intervals_worked_out_by_hand():
    """Variants in order, their classes (table above), shares in percent, ranks and the rank interval."""
    ds, index = _big_city()
    assert index.qualifying.index.tolist() == KEYS
    published = _z(_z(ALQ) + _z(SGB2) + _z(-TURNOUT))
    assert index.qualifying["status_index"].tolist() == pytest.approx(published, abs=1e-6)

    settings = SensitivitySettings(draws=20, seed=7, stable_share=96)
    result = sozialindex_sensitivity(ds, index, settings)
    ids = [v.id for v in result.variants]
    assert ids[:5] == ["published", "ohne_alq", "ohne_sgb2q", "ohne_turnout", "weighting_population"]
    assert ids[5:] == [f"bootstrap_{b}" for b in range(1, 21)]
    assert [v.label for v in result.variants[:6]] == [
        "veröffentlichtes Verfahren", "ohne Arbeitslose", "ohne SGB-II-Quote", "ohne Wahlbeteiligung",
        "gewichtet nach Einwohner*innen", "Ziehung 1"]
    assert [v.kind for v in result.variants[4:6]] == ["Verfahren", "Bootstrap"]
    assert result.settings is settings
    classes = result.classes
    assert list(classes.index) == KEYS and list(classes.columns) == ids
    assert classes["published"].tolist() == [1, 0, 1, 1, 0, 2, 1, 1]
    assert classes["ohne_alq"].tolist() == [1, 0, 1, 1, 0, 2, 1, 1]
    assert classes["ohne_sgb2q"].tolist() == [2, 0, 1, 1, 0, 2, 1, 1]
    assert classes["ohne_turnout"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]
    assert classes["weighting_population"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]
    assert (classes[ids[5:]].to_numpy() == np.array([[1, 0, 1, 1, 0, 2, 1, 1]]).T).all()

    table = result.table
    assert list(table.index) == KEYS
    assert table["label"].tolist()[0] == "101 Altstadt-Süd" and table["status_label"].tolist()[5] == "niedrig"
    assert table["method_share"].tolist() == pytest.approx([80, 100, 100, 100, 100, 60, 100, 100])
    assert table["bootstrap_share"].tolist() == pytest.approx([100] * 8)
    assert table["stable_share"].tolist() == pytest.approx([96, 100, 100, 100, 100, 92, 100, 100])  # of 25
    assert table["unstable"].tolist() == [False] * 5 + [True, False, False]  # 92 < 96, but 96 is not
    assert result.unstable.index.tolist() == ["201"]
    assert table["rank"].tolist() == [2, 7, 6, 3, 8, 1, 4, 4]  # the tie shares the better rank
    assert table["rank_low"].tolist() == [2, 7, 6, 3, 8, 1, 4, 4]
    assert table["rank_high"].tolist() == [2, 7, 6, 3, 8, 1, 5, 5]  # the pair is 4th or 5th in a draw
    assert all(str(table[c].dtype).startswith("int") for c in ("rank", "rank_low", "rank_high"))

    # the signed values' correlations are numpy's; pairs above 0.8 are warned about, in indicator order
    expected = np.corrcoef([ALQ, SGB2, -TURNOUT])
    assert result.correlations.to_numpy() == pytest.approx(expected)
    assert [(a, b) for a, b, _ in result.warnings] == [("alq", "sgb2q"), ("alq", "turnout")]
    assert [r for _, _, r in result.warnings] == pytest.approx([expected[0, 1], expected[0, 2]])
    assert expected.round(3)[0].tolist() == [1.0, 0.812, 0.891]
    strict = sozialindex_sensitivity(ds, index, settings.model_copy(update={"draws": 0, "correlation_warning": 0.9}))
    assert strict.warnings == []
    assert strict.table["bootstrap_share"].isna().all()
    assert strict.table["rank_low"].tolist() == strict.table["rank_high"].tolist() == [2, 7, 6, 3, 8, 1, 4, 4]
    assert strict.table["stable_share"].tolist() == pytest.approx([80, 100, 100, 100, 100, 60, 100, 100])
    assert len(strict.variants) == 5


def test_a_weighted_method_varies_to_the_unweighted_one_and_a_single_indicator_is_never_left_out():
    """The published weighted classes (numpy's weighted z-values) and the unweighted ones as the variant."""
    ds, _ = _big_city()
    weighted = compute_sozialindex(ds, 2020, _method(excluded=[], weighting="population"))
    result = sozialindex_sensitivity(ds, weighted, SensitivitySettings(draws=3))
    assert [v.id for v in result.variants] == ["published", "ohne_alq", "ohne_sgb2q", "ohne_turnout",
                                               "weighting_none", "bootstrap_1", "bootstrap_2", "bootstrap_3"]
    assert result.variants[4].label == "ungewichtet"
    # weighted z-values (numpy) without one indicator each: 201 at 1.73, 1.85, 2.33; 101 at 1.65 without SGB II
    assert result.classes["published"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]
    assert result.classes["ohne_alq"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]
    assert result.classes["ohne_sgb2q"].tolist() == [3, 0, 1, 1, 0, 3, 1, 1]
    assert result.classes["ohne_turnout"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]
    assert result.classes["weighting_none"].tolist() == [1, 0, 1, 1, 0, 2, 1, 1]
    assert result.table["bootstrap_share"].tolist() == [100.0] * 8  # the draws are weighted as well
    single = compute_sozialindex(ds, 2020, _method(excluded=[], indicators=[{"id": "alq"}]))
    alone = sozialindex_sensitivity(ds, single, SensitivitySettings(draws=0))
    assert [v.id for v in alone.variants] == ["published", "weighting_population"]
    assert alone.classes["published"].tolist() == [1, 0, 1, 1, 0, 3, 1, 1]  # from the z-values of ALQ:
    assert _z(ALQ).round(2).tolist() == [0.92, -1.09, -0.42, 0.25, -1.76, 1.59, 0.25, 0.25]
    assert alone.correlations.to_numpy().tolist() == [[1.0]] and alone.warnings == []


def test_a_bootstrap_draw_keeps_certain_shares_draws_rates_per_mille_as_poisson_and_leaves_published_rates():
    """0 of 100 stays 0 %, 100 of 100 stays 100 % (binomial with p 0 or 1); 50 of 100 becomes a whole number of
    percent. A per-mille rate whose count exceeds its denominator (1500 per 1000) is drawn as Poisson around the
    count (never capped at the denominator). Values without counts (published rates), without a denominator or
    with an empty one stay as they are, and so does a column without any case (nothing to rescale by), without
    a warning about dividing by zero. 1 of 2 everywhere is still drawn (0, 50 or 100 %)."""
    import warnings

    rows = list("abcde")
    values = pd.DataFrame({"r": [61.5, 48.0, 70.0, 1.0, 2.0], "z": [0.0] * 5, "p": [0.0, 0.0, 0.0, 50.0, 100.0],
                           "m": [1500.0, 100.0, np.nan, np.nan, np.nan], "one": [50.0] * 5,
                           "mixed": [50.0, 61.5, 20.0, 0.0, 40.0]}, index=rows)
    numerators = pd.DataFrame({"r": [np.nan] * 5, "z": [0] * 5, "p": [0, 0, 0, 50, 100],
                               "m": [1500, 100_000_000, np.nan, np.nan, np.nan], "one": [1] * 5,
                               "mixed": [50, np.nan, 20, 0, 40]}, index=rows, dtype=float)
    denominators = pd.DataFrame({"r": [np.nan] * 5, "z": [50] * 5, "p": [100] * 5,
                                 "m": [1000, 1_000_000_000, 10, 10, 10], "one": [2] * 5,
                                 "mixed": [100, 100, np.nan, 0, 100]}, index=rows, dtype=float)
    rng = np.random.default_rng(1)
    seen, ones, mixed = [], set(), set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)  # the column without a case
        for _ in range(30):
            drawn = _draw_values(values, numerators, denominators, rng)
            assert list(drawn.columns) == list(values.columns) and list(drawn.index) == rows
            assert drawn["p"].tolist()[:3] == [0.0, 0.0, 0.0] and drawn.at["e", "p"] == 100.0
            assert drawn.at["d", "p"] == round(drawn.at["d", "p"]) and 0 <= drawn.at["d", "p"] <= 100
            assert drawn.at["a", "m"] == round(drawn.at["a", "m"]) and drawn.at["a", "m"] != 1000.0
            assert abs(drawn.at["a", "m"] - 1500) < 8 * np.sqrt(1500)  # Poisson SD sqrt(1500)
            assert drawn.at["b", "m"] == pytest.approx(100.0, abs=0.08)  # 1e8 cases: SD 1e4 / 1e9 per mille = 0.01
            assert drawn["m"].iloc[2:].isna().all()
            assert drawn["r"].tolist() == values["r"].tolist() and drawn["z"].tolist() == [0.0] * 5
            assert drawn["mixed"].tolist()[1:4] == [61.5, 20.0, 0.0]
            assert set(drawn["one"]) <= {0.0, 50.0, 100.0}
            seen.append(drawn.at["d", "p"])
            ones |= set(drawn["one"])
            mixed.add(drawn.at["a", "mixed"])
    assert len(set(seen)) > 5 and len(mixed) > 5  # 50 of 100 really varies
    assert ones == {0.0, 50.0, 100.0}
    assert values["p"].tolist() == [0.0, 0.0, 0.0, 50.0, 100.0]  # the input is not changed


# Seven Stadtteile, two indicators with the same rates (so their correlation is exactly 1): 101 30 % and 102 2 %
# with counts of millions (no noise), 103-105 10 % of 500 and of 1000 (drawn noise of about a point, tied),
# 201 and 203 0 % (a draw of 0 cases is 0 again: tied in every draw). z of 30, 2, 10, 10, 10, 0, 0 (numpy):
# 2.19, -0.71, 0.12, 0.12, 0.12, -0.92, -0.92; a class limit at 0.1 lets the three tied ones change class.
TIED = {
    101: (1000 * SCALE, (150 * SCALE, 500 * SCALE), 300 * SCALE, (300, 600), (140 * SCALE, 500 * SCALE), 280 * SCALE),
    102: (1000 * SCALE, (10 * SCALE, 500 * SCALE), 20 * SCALE, (300, 600), (12 * SCALE, 500 * SCALE), 25 * SCALE),
    103: (1000, (50, 500), 100, (300, 600), (45, 500), 90),
    104: (1000, (50, 500), 100, (300, 600), (45, 500), 90),
    105: (1000, (50, 500), 100, (300, 600), (45, 500), 90),
    201: (1000, (0, 500), 0, (300, 600), (0, 500), 0),
    203: (1000, (0, 500), 0, (300, 600), (0, 500), 0),
}
NEAR = {"thresholds": [-1.0, 0.1, 1.5], "classes": [
    {"code": "1", "label": "hoch"}, {"code": "2", "label": "mittel"},
    {"code": "3", "label": "erhöht"}, {"code": "4", "label": "sehr niedrig"}]}


def test_ties_share_the_better_rank_and_the_shares_count_the_draws_with_the_published_class():
    """Ranks with ties (the better rank for all tied), the rank interval of three tied noisy Stadtteile (2 to 4),
    the bootstrap share as the percentage of draws with the published class (counted here from the class table),
    the same seed giving the same draws, and no warning at a correlation exactly at the limit (1 is not above 1)."""
    ds = _dataset(TIED)
    index = compute_sozialindex(ds, 2020, _method(excluded=[], indicators=[{"id": "alq"}, {"id": "sgb2q"}],
                                                  status_classes=NEAR))
    keys = ["101", "102", "103", "104", "105", "201", "203"]
    assert index.qualifying.index.tolist() == keys
    assert index.qualifying["status_index"].round(2).tolist() == [2.19, -0.71, 0.12, 0.12, 0.12, -0.92, -0.92]
    settings = SensitivitySettings(draws=20, seed=3, correlation_warning=1.0)
    result = sozialindex_sensitivity(ds, index, settings)
    assert [v.id for v in result.variants[:4]] == ["published", "ohne_alq", "ohne_sgb2q", "weighting_population"]
    classes = result.classes
    assert classes["published"].tolist() == [3, 1, 2, 2, 2, 1, 1]
    table = result.table
    assert table["rank"].tolist() == [1, 5, 2, 2, 2, 6, 6]
    assert table["rank_low"].tolist() == [1, 5, 2, 2, 2, 6, 6]
    assert table["rank_high"].tolist() == [1, 5, 4, 4, 4, 6, 6]
    boot = [c for c in classes.columns if c.startswith("bootstrap_")]
    same = classes[boot].to_numpy() == classes[["published"]].to_numpy()
    assert table["bootstrap_share"].tolist() == pytest.approx(100 * same.mean(axis=1))
    assert 0 < table["bootstrap_share"].iloc[2] < 100  # the tied ones do change class
    assert table["bootstrap_share"].tolist()[:2] == [100, 100]
    everything = classes.to_numpy() == classes[["published"]].to_numpy()
    assert table["stable_share"].tolist() == pytest.approx(100 * everything.mean(axis=1))
    assert result.correlations.to_numpy().tolist() == [[1.0, 1.0], [1.0, 1.0]] and result.warnings == []

    again = sozialindex_sensitivity(ds, index, settings)
    assert again.classes.equals(classes) and again.table.equals(table)
    other = sozialindex_sensitivity(ds, index, settings.model_copy(update={"seed": 4}))
    assert not other.classes[boot].equals(classes[boot])
