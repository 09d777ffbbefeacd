"""Programmevaluation: the pooled effect of the 15 areas against the rest of the city, the spread between the areas,
and an interval that is honest for 15 treated clusters (wild cluster restricted bootstrap)."""

from __future__ import annotations

import numpy as np
import pytest

from veedel_lib.analysis.programme_evaluation import programme_evaluation, wild_cluster_interval


@pytest.fixture(scope="module")
def evaluated(demo):
    indicators = [demo.catalogue.indicator(i) for i in ("sgb2_quote", "unemployment_share")]
    return programme_evaluation(demo, indicators, 2020, 2024, draws=1999)


def test_the_pooled_effect_recovers_the_demos_built_in_effect(evaluated):
    """Höhenberg/Vingst has -2 points SGB-II quota from 2021 in the demo data, the other 14 areas none: the pooled
    effect is small and negative, the area effects put Höhenberg/Vingst near -2 and the others near 0."""
    effects, areas = evaluated
    sgb2 = effects.set_index("indicator").loc["sgb2_quote"]
    assert sgb2["status"] == "ok" and sgb2["treated_clusters"] == 15
    assert -0.5 < sgb2["estimate"] < 0
    spread = areas[areas["indicator"] == "sgb2_quote"].set_index("area_id")["estimate"]
    assert len(spread) == 15
    assert spread["hoehenberg-vingst"] == pytest.approx(-2.0, abs=0.3)
    assert spread.drop("hoehenberg-vingst").abs().max() < 0.5
    assert sgb2["spread_min"] == spread.min() and sgb2["spread_sd"] == pytest.approx(spread.std(ddof=1))


def test_the_interval_for_15_treated_clusters_is_wider_than_a_naive_clustered_one(evaluated):
    effects, _ = evaluated
    for row in effects.itertuples():
        assert row.ci_low < row.estimate < row.ci_high
        assert row.ci_high - row.ci_low > row.naive_ci_high - row.naive_ci_low, row.indicator


def test_wild_cluster_bootstrap_keeps_its_level_where_unit_clustering_does_not():
    """Simulated panels without any effect: 15 treated and 45 control clusters of 6 units, shocks shared by the
    units of a cluster. Clustering by unit rejects the true null far too often; the bootstrap over clusters
    rejects about as often as it should (5 %)."""
    rng = np.random.default_rng(7)
    clusters = np.repeat(np.arange(60), 6)
    treated = clusters < 15
    rejected_bootstrap = rejected_naive = 0
    repetitions = 120
    for _ in range(repetitions):
        x = treated.astype(float) - treated.mean()
        y = rng.normal(0, 1, 60)[clusters] + rng.normal(0, 0.3, len(clusters))
        result = wild_cluster_interval(x, y, np.ones_like(y), clusters, draws=399, seed=int(rng.integers(1e9)),
                                       naive_clusters=np.arange(len(y)))
        rejected_bootstrap += not result.ci_low <= 0 <= result.ci_high
        rejected_naive += not result.naive_ci_low <= 0 <= result.naive_ci_high
    assert rejected_bootstrap / repetitions <= 0.12
    assert rejected_naive / repetitions >= 0.3
