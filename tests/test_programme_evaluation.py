"""Programmevaluation: the programme's effect robust to staggered entry (imputation estimator, wild cluster
bootstrap), the pooled two-way fixed-effects comparison, the spread between the areas, and an interval that is
honest for 15 treated clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis.programme_evaluation import (programme_evaluation, programme_panel, unit_entries,
                                                      wild_cluster_interval)
from veedel_lib.analysis.staggered import Imputation


def staggered_panel(seed: int, years=range(2001, 2013)) -> pd.DataFrame:
    """A staggered panel with cohort-specific, growing effects: 10 units never treated, 40 entering in 2003 whose
    effect grows by 1 per year since entry, 40 entering in 2009 whose effect grows by 0.2 per year; unit and year
    effects, noise sd 0.5; clusters of two units. Columns: unit, year, y, first_treated, treat, event, effect,
    cluster."""
    rng = np.random.default_rng(seed)
    first = np.r_[np.full(10, np.inf), np.full(40, 2003.0), np.full(40, 2009.0)]
    years = np.array(years)
    unit = np.repeat(np.arange(len(first)), len(years))
    year = np.tile(years, len(first))
    treat = year >= first[unit]
    event = np.where(treat, year - first[unit] + 1, 0)
    effect = np.where(first[unit] == 2003, 1.0, 0.2) * event
    y = (rng.normal(0, 2, len(first))[unit] + rng.normal(0, 1, len(years))[year - years[0]] + effect
         + rng.normal(0, 0.5, len(unit)))
    return pd.DataFrame({"unit": unit, "year": year, "y": y, "first_treated": first[unit], "treat": treat,
                         "event": event, "effect": effect, "cluster": unit // 2})


def twfe(frame: pd.DataFrame) -> float:
    """The pooled two-way fixed-effects coefficient of the treatment dummy, from explicit dummies (lstsq)."""
    design = np.column_stack([frame["treat"].to_numpy(float), pd.get_dummies(frame["unit"]).to_numpy(float),
                              pd.get_dummies(frame["year"]).to_numpy(float)[:, 1:]])
    return float(np.linalg.lstsq(design, frame["y"].to_numpy(), rcond=None)[0][0])


def test_with_growing_cohort_effects_pooled_twfe_has_the_wrong_sign_and_the_imputation_estimator_recovers_the_truth():
    """Every effect is positive (true mean over the treated unit-years 4,07); pooled TWFE uses the early entrants,
    whose effect keeps growing, as comparison for the late ones and comes out negative."""
    frame = staggered_panel(seed=1)
    truth = float(frame.loc[frame["treat"], "effect"].mean())
    pooled = twfe(frame)
    model = Imputation(frame["unit"], frame["year"], frame["y"], np.ones(len(frame)), frame["first_treated"],
                       frame["cluster"], trends=False)
    robust = model.aggregate(np.ones(len(frame)), draws=999)
    assert truth == pytest.approx(4.0714, abs=1e-3)
    assert pooled < 0, f"true {truth:.3f}, pooled TWFE {pooled:.3f} (expected the wrong sign)"
    assert robust.estimate == pytest.approx(truth, abs=0.15), f"true {truth:.3f}, imputation {robust.estimate:.3f}"
    assert robust.ci_low < truth < robust.ci_high, (
        f"true {truth:.3f}, interval [{robust.ci_low:.3f}; {robust.ci_high:.3f}]")
    for k in (1, 3, 8):  # effects by years since entry: cohort-weighted means of 1*k and 0.2*k (8: early only)
        chosen = (frame["event"] == k).to_numpy()
        true_k = float(frame.loc[chosen, "effect"].mean())
        estimate = model.aggregate(chosen.astype(float), draws=0).estimate
        assert estimate == pytest.approx(true_k, abs=0.4), (
            f"year {k} since entry: true {true_k:.3f}, estimated {estimate:.3f}")


def test_a_growing_effect_is_not_absorbed_by_unit_trends_fitted_before_entry():
    """Units with trends of their own and an effect growing by 0,5 per year: a trend fitted on all years (pooled
    TWFE with unit trends) takes a good part of the effect for a trend, the imputation's trends fitted before entry do
    not."""
    rng = np.random.default_rng(3)
    years = np.arange(2010, 2025)
    first = np.r_[np.full(30, np.inf), np.full(20, 2019.0)]
    unit = np.repeat(np.arange(len(first)), len(years))
    year = np.tile(years, len(first))
    treat = year >= first[unit]
    effect = 0.5 * np.where(treat, year - first[unit] + 1, 0)
    y = (rng.normal(0, 2, len(first))[unit] + rng.normal(0, 0.2, len(first))[unit] * (year - 2017)
         + rng.normal(0, 1, len(years))[year - years[0]] + effect + rng.normal(0, 0.3, len(unit)))
    truth = float(effect[treat].mean())
    units = pd.get_dummies(unit).to_numpy(float)
    design = np.column_stack([treat.astype(float), units, units[:, 1:] * (year - 2017)[:, None],
                              pd.get_dummies(year).to_numpy(float)[:, 1:]])
    pooled = float(np.linalg.lstsq(design, y, rcond=None)[0][0])
    model = Imputation(unit, year, y, np.ones(len(y)), first[unit], unit, trends=True)
    robust = model.aggregate(np.ones(len(y)), draws=0).estimate
    assert truth == pytest.approx(1.75)
    assert pooled < 0.7 * truth, f"true {truth:.3f}, TWFE with trends on all years {pooled:.3f}"
    assert robust == pytest.approx(truth, abs=0.2), f"true {truth:.3f}, imputation {robust:.3f}"


def test_an_aggregate_is_the_linear_combination_its_weights_say():
    """v @ y equals the stated-weight mean of the observation effects, for the data and for any other outcome."""
    frame = staggered_panel(seed=2)
    weights = np.random.default_rng(0).uniform(1, 3, len(frame))
    model = Imputation(frame["unit"], frame["year"], frame["y"], weights, frame["first_treated"], frame["cluster"],
                       level=frame["unit"] % 5, trends=True)
    stated = np.where(frame["event"] == 2, weights, 0.0)
    omega = model.normalised(stated)
    direct = float(np.nansum(omega * model.effect))
    assert model.weights(omega) @ frame["y"].to_numpy() == pytest.approx(direct, rel=1e-9)
    assert model.aggregate(stated, draws=0).estimate == pytest.approx(direct, rel=1e-9)


@pytest.fixture(scope="module")
def evaluated(demo):
    indicators = [demo.catalogue.indicator(i) for i in ("sgb2_quote", "unemployment_share")]
    return programme_evaluation(demo, indicators, 2020, 2024, draws=1999)


def test_entry_years_come_from_areas_yml_with_the_2022_extension_as_a_cohort_of_its_own(demo):
    entries = unit_entries(demo, 2020).set_index("unit")
    assert set(entries["entry"]) == {2006, 2020, 2022}
    assert entries.at["90801", "entry"] == 2022 and entries.at["90801", "first_treated"] == 2023
    assert entries.at["90801", "area_id"] == "muelheim-nord-keupstrasse"
    assert (entries.loc[entries["area_id"] == "kalk", "first_treated"] == 2021).all()
    assert (entries.loc[entries["area_id"] == "hoehenberg-vingst", "entry"] == 2006).all()


def test_the_robust_effect_recovers_the_demos_planted_effect(demo, evaluated):
    """Höhenberg/Vingst has -2 points SGB-II quota from 2021 in the demo data (an area in the programme since
    2006), the other 14 areas none: its area effect is -2, the others near 0, the 2006 cohort's and the overall
    effect are -2 times Höhenberg/Vingst's share of the weight (its denominator in the treated years)."""
    effects, areas, parts = evaluated
    sgb2 = effects.set_index("indicator").loc["sgb2_quote"]
    assert sgb2["status"] == "ok" and sgb2["treated_clusters"] == 15 and sgb2["not_imputable"] == 0
    panel = programme_panel(demo, demo.catalogue.indicator("sgb2_quote"), 2020, 2024)
    treated = panel[panel["year"] >= panel["first_treated"]]
    share = treated.loc[treated["area"] == "hoehenberg-vingst", "denominator"].sum() / treated["denominator"].sum()
    cohort = treated[treated["entry"] == 2006]
    cohort_share = cohort.loc[cohort["area"] == "hoehenberg-vingst", "denominator"].sum() / cohort["denominator"].sum()
    assert sgb2["estimate"] == pytest.approx(-2 * share, abs=0.15), (
        f"true {-2 * share:.3f}, estimated {sgb2['estimate']:.3f}")
    sgb2_parts = parts[parts["indicator"] == "sgb2_quote"].set_index(["kind", "key"])["estimate"]
    assert sgb2_parts[("kohorte", 2006)] == pytest.approx(-2 * cohort_share, abs=0.15), (
        f"true {-2 * cohort_share:.3f}, estimated {sgb2_parts[('kohorte', 2006)]:.3f}")
    assert abs(sgb2_parts[("kohorte", 2020)]) < 0.3, f"true 0, estimated {sgb2_parts[('kohorte', 2020)]:.3f}"
    spread = areas[areas["indicator"] == "sgb2_quote"].set_index("area_id")["estimate"]
    assert len(spread) == 15
    assert spread["hoehenberg-vingst"] == pytest.approx(-2.0, abs=0.3), (
        f"true -2, estimated {spread['hoehenberg-vingst']:.3f}")
    assert spread.drop("hoehenberg-vingst").abs().max() < 0.5, spread.drop("hoehenberg-vingst").round(3).to_dict()
    assert sgb2["spread_min"] == spread.min() and sgb2["spread_sd"] == pytest.approx(spread.std(ddof=1))


def test_effects_by_cohort_and_year_since_entry_state_their_share_of_the_weight(evaluated):
    effects, _, parts = evaluated
    sgb2 = parts[parts["indicator"] == "sgb2_quote"]
    for kind in ("kohorte", "jahr"):
        assert sgb2.loc[sgb2["kind"] == kind, "share"].sum() == pytest.approx(1.0)
    row = effects.set_index("indicator").loc["sgb2_quote"]
    assert row["share_2006"] + row["share_2020"] + row["share_2022"] == pytest.approx(1.0)
    extension = sgb2.set_index(["kind", "key"]).loc[("kohorte", 2022)]
    assert extension["treated_clusters"] == 1 and np.isnan(extension["ci_low"])  # one cluster: no interval
    assert (sgb2.loc[sgb2["kind"] == "jahr", "treated_clusters"] == 15).all()


def test_the_interval_for_15_treated_clusters_is_wider_than_a_naive_clustered_one(evaluated):
    effects, _, _ = evaluated
    for row in effects.itertuples():
        assert row.ci_low < row.estimate < row.ci_high
        assert row.pooled_ci_low < row.pooled_estimate < row.pooled_ci_high
        assert row.pooled_ci_high - row.pooled_ci_low > row.naive_ci_high - row.naive_ci_low, row.indicator


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


def test_the_staggered_bootstrap_keeps_its_level_with_few_treated_clusters():
    """Staggered panels without any effect, shocks shared by the 4 units of a cluster (each cluster its own
    year shocks): 8 treated clusters entering in 2016 or 2019, 22 never treated. The restricted wild cluster
    bootstrap of the imputation estimator rejects the true null at most about as often as it should (5 %)."""
    rng = np.random.default_rng(11)
    years = np.arange(2010, 2023)
    cluster_of_unit = np.repeat(np.arange(30), 4)
    first = np.where(cluster_of_unit < 4, 2016.0, np.where(cluster_of_unit < 8, 2019.0, np.inf))
    unit = np.repeat(np.arange(len(first)), len(years))
    year = np.tile(years, len(first))
    clusters = cluster_of_unit[unit]
    rejected, repetitions = 0, 60
    for _ in range(repetitions):
        shocks = rng.normal(0, 0.5, (30, len(years)))[clusters, year - years[0]]
        y = rng.normal(0, 1, len(first))[unit] + shocks + rng.normal(0, 0.3, len(unit))
        model = Imputation(unit, year, y, np.ones(len(y)), first[unit], clusters, trends=False)
        result = model.aggregate(np.ones(len(y)), draws=399, seed=int(rng.integers(1e9)))
        rejected += not result.ci_low <= 0 <= result.ci_high
    assert rejected / repetitions <= 0.12, f"{rejected} of {repetitions} rejected"


def test_the_report_section_on_staggered_entry_names_the_cohorts_weights_and_the_extension(demo):
    """The section says when the areas entered (from areas.yml), shows effects by entry year and by year since the
    start in one table and one figure, and states the weights; the first section keeps the pooled estimate as a
    comparison with the reason."""
    from veedel_lib.render.blocks import ChartBlock, TableBlock, TextBlock
    from veedel_lib.reports.programmevaluation import POOLED_REASON, ProgrammeEvaluation

    report = ProgrammeEvaluation.open(dataset=demo)
    blocks = report.staggered_entry()
    text = "\n".join(b.markdown for b in blocks if isinstance(b, TextBlock))
    assert "seit 2006: 9 Gebiete" in text and "seit 2020: 6 Gebiete" in text
    assert "seit 2022: Erweiterung von Mülheim-Nord/Keupstraße/Stammheim (gezählt ab 2023)" in text
    assert "Gewichte des Gesamteffekts" in text and "Eintritt 2006" in text
    table = next(b for b in blocks if isinstance(b, TableBlock))
    groups = set(table.frame["group"])
    assert {"Eintritt 2006", "Eintritt 2020", "Eintritt 2022 (Erweiterung)", "1. Jahr seit Beginn"} <= groups
    assert any(isinstance(b, ChartBlock) for b in blocks)
    first = report.programme_effects()
    assert POOLED_REASON in first[0].note and "gepoolte Schätzung ergibt" in first[-1].markdown


def test_the_standard_error_uses_the_residuals_of_borusyak_jaravel_spiess_also_for_a_cohort_of_one_unit():
    """The clustered standard error of an aggregate, recomputed by hand: two-way effects fitted on the untreated
    unit-years by explicit dummies, residuals = departures (untreated) or effect minus its cohort-year mean
    (treated; the lone unit entering in 2011 minus the mean of its year), scores = per-cluster sums of v times
    the residuals."""
    frame = staggered_panel(seed=4)
    frame.loc[frame["unit"] == 10, "first_treated"] = 2011.0
    frame["treat"] = frame["year"] >= frame["first_treated"]
    model = Imputation(frame["unit"], frame["year"], frame["y"], np.ones(len(frame)), frame["first_treated"],
                       frame["cluster"], trends=False)
    design = np.column_stack([pd.get_dummies(frame["unit"]).to_numpy(float),
                              pd.get_dummies(frame["year"]).to_numpy(float)[:, 1:]])
    untreated = ~frame["treat"].to_numpy()
    coefficients = np.linalg.lstsq(design[untreated], frame["y"].to_numpy()[untreated], rcond=None)[0]
    departure = frame["y"].to_numpy() - design @ coefficients
    treated = frame[frame["treat"]].assign(departure=departure[frame["treat"].to_numpy()])
    cell_mean = treated.groupby(["first_treated", "year"])["departure"].transform("mean")
    year_mean = treated.groupby("year")["departure"].transform("mean")
    alone = treated["unit"] == 10
    residual = departure.copy()
    residual[frame["treat"].to_numpy()] = (treated["departure"] - np.where(alone, year_mean, cell_mean)).to_numpy()
    v = model.weights(model.normalised(np.ones(len(frame))))
    scores = pd.Series(v * residual).groupby(frame["cluster"]).sum()
    clusters = frame["cluster"].nunique()
    expected = float(np.sqrt(clusters / (clusters - 1) * (scores ** 2).sum()))
    assert model.aggregate(np.ones(len(frame)), draws=99).se == pytest.approx(expected, rel=1e-8)


def test_a_unit_with_one_year_before_entry_gets_no_trend_and_no_effect_rather_than_a_guess():
    """With trends a unit needs two untreated years for its expected path; one entering in the data's second
    year is left out (its effects NaN, counted by the caller), the others are estimated as before."""
    frame = staggered_panel(seed=5)
    frame.loc[frame["unit"] == 10, "first_treated"] = 2002.0
    model = Imputation(frame["unit"], frame["year"], frame["y"], np.ones(len(frame)), frame["first_treated"],
                       frame["cluster"], trends=True)
    lone = (frame["unit"] == 10).to_numpy()
    assert not model.estimable[lone].any() and np.isnan(model.effect[lone]).all()
    assert model.estimable[(frame["unit"] == 11).to_numpy() & frame["treat"].to_numpy()].all()
    without_trends = Imputation(frame["unit"], frame["year"], frame["y"], np.ones(len(frame)), frame["first_treated"],
                                frame["cluster"], trends=False)
    assert without_trends.estimable[lone & (frame["year"] >= 2002).to_numpy()].all()


def _within(seconds: int):
    """A context that fails the test instead of hanging when its block runs longer than ``seconds``."""
    import contextlib
    import signal

    @contextlib.contextmanager
    def limit():
        def expired(signum, frame):
            raise AssertionError(f"läuft länger als {seconds} s (Endlosschleife)")
        previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    return limit()


@pytest.mark.parametrize("draws", [9, 99])
def test_a_regressor_that_is_zero_everywhere_gives_no_effect_no_interval_and_no_p_value(draws):
    """Regression: with no treated year the coefficient is 0/0; the interval search never ended with 19 draws or
    fewer (a p-value of 1/(draws + 1) never falls below 5 %) and with more it gave a p-value of 0.01 for NaN."""
    from veedel_lib.analysis.programme_evaluation import wild_cluster_interval

    clusters = np.array(list("aabbcc"))
    with _within(20):
        effect = wild_cluster_interval(np.zeros(6), np.arange(6.0), np.ones(6), clusters, draws=draws,
                                       treated_clusters=2)
    values = [effect.estimate, effect.ci_low, effect.ci_high, effect.p_value, effect.naive_ci_low,
              effect.naive_ci_high, effect.naive_p_value]
    assert np.isnan(values).all(), values
    assert (effect.treated_clusters, effect.clusters, effect.draws) == (2, 3, draws)
    # a small regressor is no zero one: x = ±0.1 gives sum(w x²) = 0.06 and sum(w x y) = 1.2, the estimate 20
    x = np.array([0.1, -0.1, 0.1, -0.1, 0.1, -0.1])
    small = wild_cluster_interval(x, np.array([3.0, -2.5, 1.5, -1.5, 2.0, -1.5]), np.ones(6), clusters, draws=draws)
    assert small.estimate == pytest.approx(20.0) and np.isfinite([small.naive_ci_low, small.naive_p_value]).all()


def test_an_interval_end_of_an_estimate_that_is_no_number_is_no_number():
    """The test inversion has nothing to invert for a NaN estimate or scale (its doubling would never end)."""
    from veedel_lib.analysis.staggered import inverted_bound

    always = lambda b0: 1.0  # noqa: E731 - a test that never rejects
    with _within(20):
        assert np.isnan(inverted_bound(always, np.nan, 1.0, 0.05, 1.0, 1e6, 30))
        assert np.isnan(inverted_bound(always, 0.0, -1.0, 0.05, np.nan, 1e6, 30))
        assert np.isnan(inverted_bound(always, 0.0, 1.0, 0.05, 1.0, np.nan, 30))
        assert inverted_bound(always, 0.0, 1.0, 0.05, 1.0, 1e6, 30) == np.inf  # finite: the interval is open
