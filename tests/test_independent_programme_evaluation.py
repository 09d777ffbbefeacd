"""Independent tests of the programme evaluation (``veedel_lib/analysis/programme_evaluation.py``; issue #30 item 9).

A made-up programme of three areas on nine statistical units of Köln over 2013-2022 (hand-made areas.yml: one area
without ``since``, one with two definitions, a unit only in the former one), with counts generated here. Expected
values: entry years and the panel by hand; the pooled estimate and its naive interval from statsmodels' WLS with
explicit dummies (cluster-robust by unit); the bootstrap by brute force (every bootstrap sample built); the robust
effects from the independent imputation estimator of ``test_independent_staggered`` (explicit dummies, numpy).
"""

from __future__ import annotations

import math
import shutil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import PARAMETERS, write
from scipy import stats
from test_independent_staggered import _Reference

from veedel_lib.analysis.programme_evaluation import (STAGGERED_COLUMNS, pooled_effect, programme_evaluation,
                                                      programme_panel, staggered_effects, unit_entries,
                                                      wild_cluster_interval)
from veedel_lib.inputs.dataset import load_dataset

AREAS = """areas:
  - id: kalk
    code: SRG1
    name: Kalk
    stadtbezirk: 8
    since: 2018
    valid_to: 2015
    partial:
      - {stadtteil: 802, units: ["80201", "80202"], at_stadtteil_level: include, note: Teil}
  - id: kalk
    code: SRG1
    name: Kalk
    stadtbezirk: 8
    since: 2018
    valid_from: 2016
    valid_to: 2019
    partial:
      - {stadtteil: 802, units: ["80201"], at_stadtteil_level: include, note: Teil}
  - {id: kalk, code: SRG1, name: Kalk, stadtbezirk: 8, since: 2018, valid_from: 2020, stadtteile: [802]}
  - {id: altstadt, code: SRG2, name: Altstadt, stadtbezirk: 1, stadtteile: [101]}
  - id: porz
    code: SRG3
    name: Porz
    stadtbezirk: 7
    since: 2006
    valid_to: 2018
    partial:
      - {stadtteil: 707, units: ["70701", "70703"], at_stadtteil_level: include, note: Teil}
  - id: porz
    code: SRG3
    name: Porz
    stadtbezirk: 7
    since: 2006
    valid_from: 2019
    partial:
      - {stadtteil: 707, units: ["70701", "70702"], at_stadtteil_level: include, note: Teil}
"""
UNITS = ["80201", "80202", "10101", "70701", "70702", "70703", "50101", "50102", "60101", "40101"]
AREA_OF = {"80201": "kalk", "80202": "kalk", "10101": "altstadt", "70701": "porz", "70702": "porz"}
# entry by hand: kalk since 2018 (80202 left the area 2016-2019 and came back: it entered with the first
# definition, once); altstadt has no since: the baseline 2017; porz since 2006, 70702 only in the
# definition valid from 2019 -> 2019. First counted year: the year after max(entry, baseline 2017).
ENTRY = {"80201": 2018, "80202": 2018, "10101": 2017, "70701": 2006, "70702": 2019}
FIRST = {"80201": 2019, "80202": 2019, "10101": 2018, "70701": 2018, "70702": 2020}
YEARS = np.arange(2013, 2023)


def _counts() -> pd.DataFrame:
    """population and asylblg per unit and year: a level, trend and noise per unit, city-wide year shocks, an
    effect of -0.8 points in the counted years, uneven populations; unit 70702 only from 2019."""
    rng = np.random.default_rng(12)
    shock = rng.normal(0, 0.4, len(YEARS))
    rows = []
    for i, unit in enumerate(UNITS):
        level, trend = rng.uniform(2, 8), rng.normal(0, 0.15)
        for k, year in enumerate(YEARS):
            if unit == "70702" and year < 2019:  # observed from 2019 only: one untreated year, no trend
                continue
            population = int(800 + 150 * i + rng.integers(0, 200))
            rate = level + trend * (year - 2017) + shock[k] + rng.normal(0, 0.25)
            rate -= 0.8 * (unit in FIRST and year >= FIRST[unit])
            rows.append((unit, int(year), population, int(round(population * rate / 100))))
    return pd.DataFrame(rows, columns=["unit", "year", "population", "asylblg"])


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("programme")
    parameters = folder / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    (parameters / "areas.yml").write_text(AREAS, encoding="utf-8")
    lines = ["unit_id;unit_name;stadtteil;stadtbezirk"] + [f"{u};Einheit {u};{u[:3]};{u[0]}" for u in UNITS]
    write(folder / "data" / "units.csv", "\n".join(lines) + "\n")
    counts = _counts()
    rows = ["unit;year;variable;count"] + [f"{r.unit};{r.year};{v};{getattr(r, v)}" for r in counts.itertuples()
                                           for v in ("population", "asylblg")]
    write(folder / "data" / "statistics.csv", "\n".join(rows) + "\n")
    return load_dataset(folder / "data", parameters, use_cache=False)


def _expected_panel(last_year: int = 2021, baseline: int = 2017) -> pd.DataFrame:
    """The panel by hand: unit 70703 (only in porz's former definition) left out, rate = asylblg / population in
    percent, clusters the area or the Stadtteil, sorted by unit and year."""
    frame = _counts()
    frame = frame[(frame["unit"] != "70703") & (frame["year"] <= last_year)].sort_values(["unit", "year"])
    frame = frame.reset_index(drop=True)
    frame["numerator"], frame["denominator"] = frame["asylblg"].astype(float), frame["population"].astype(float)
    frame["rate"] = frame["numerator"] / frame["denominator"] * 100
    frame["area"] = frame["unit"].map(AREA_OF).fillna("")
    frame["treated"] = frame["area"] != ""
    frame["post"] = frame["year"] > baseline
    frame["stadtteil"] = frame["unit"].str[:3].astype(int)
    frame["cluster"] = [f"gebiet:{a}" if a else f"stadtteil:{s}" for a, s in zip(frame["area"], frame["stadtteil"])]
    frame["entry"] = frame["unit"].map(ENTRY).astype(float)
    frame["first_treated"] = frame["unit"].map(FIRST).astype(float)
    return frame


def test_entries_and_the_panel_follow_areas_yml_by_hand(dataset):
    """Entry = since (or the baseline without one), later valid_from for units added by a later definition; the
    first counted year is the year after max(entry, baseline); a unit only in a former definition is left out of
    the panel (treated, so no comparison)."""
    entries = unit_entries(dataset, 2017)
    assert list(entries.columns) == ["unit", "area_id", "entry", "since_missing", "first_treated", "current"]
    got = {r.unit: (r.area_id, r.entry, r.since_missing, r.first_treated, r.current) for r in entries.itertuples()}
    assert got == {"80201": ("kalk", 2018, False, 2019, True), "80202": ("kalk", 2018, False, 2019, True),
                   "10101": ("altstadt", 2017, True, 2018, True), "70701": ("porz", 2006, False, 2018, True),
                   "70703": ("porz", 2006, False, 2018, False), "70702": ("porz", 2019, False, 2020, True)}
    assert entries["unit"].tolist()[:3] == ["80201", "80202", "10101"] and len(entries) == 6
    assert isinstance(entries["entry"].iloc[0], (int, np.integer))
    later = unit_entries(dataset, 2019).set_index("unit")["first_treated"].to_dict()
    assert later == {"80201": 2020, "80202": 2020, "10101": 2020, "70701": 2020, "70703": 2020, "70702": 2020}
    assert unit_entries(dataset, 2019).set_index("unit").loc["10101", "entry"] == 2019
    nothing = SimpleNamespace(membership=SimpleNamespace(table=pd.DataFrame({"area_id": [], "unit_id": []})),
                              areas=SimpleNamespace(ids=[]))
    assert list(unit_entries(nothing, 2017).columns) == list(entries.columns) and unit_entries(nothing, 2017).empty
    indicator = dataset.catalogue.indicator("asylblg_quote")
    expected = _expected_panel()
    for panel in (programme_panel(dataset, indicator, 2017, 2021), programme_panel(dataset, indicator, 2017, 2021,
                                                                                   entries)):
        assert panel["unit"].tolist() == expected["unit"].tolist()
        assert panel["year"].tolist() == expected["year"].tolist()
        for column in ("numerator", "denominator", "rate", "entry", "first_treated"):
            np.testing.assert_allclose(panel[column].to_numpy(float), expected[column].to_numpy(float), rtol=1e-12)
        for column in ("area", "treated", "post", "cluster"):
            assert panel[column].tolist() == expected[column].tolist(), column
        assert panel["stadtteil"].astype(int).tolist() == expected["stadtteil"].tolist()
        assert panel.index.tolist() == list(range(len(expected)))
        assert list(panel.columns) == ["unit", "year", "numerator", "denominator", "rate", "entry", "first_treated",
                                       "area", "treated", "post", "stadtteil", "cluster"]
    assert panel["entry"].dtype == float and panel["first_treated"].dtype == float
    later = entries.assign(first_treated=entries["first_treated"] + 1)  # given entries are used as they are
    shifted = programme_panel(dataset, indicator, 2017, 2021, later)
    np.testing.assert_array_equal(shifted["first_treated"], expected["first_treated"] + 1)


def _brute_wild(x, y, weights, clusters, b0, draws, seed, rank):
    """The restricted wild cluster bootstrap p-value of coefficient = b0, every sample built: y* = b0 x + (y - b0 x)
    times the cluster's Webb weight, its WLS slope and CRV1 standard error (factor G/(G-1) (n-1)/(n-rank-1))."""
    webb = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])
    codes, names = pd.factorize(clusters)
    count, n = len(names), len(y)
    factor = count / (count - 1) * (n - 1) / max(n - rank - 1, 1)
    members = np.equal.outer(np.arange(count), codes).astype(float)  # clusters x observations
    sxx = np.sum(weights * x * x)

    def slope_se(outcomes):  # one column per sample
        slope = (weights * x) @ outcomes / sxx
        scores = members @ ((weights * x)[:, None] * (outcomes - x[:, None] * slope))
        return slope, np.sqrt(factor * np.sum(scores ** 2, axis=0)) / sxx

    estimate, se = slope_se(np.asarray(y, dtype=float)[:, None])
    draw = np.random.default_rng(seed).choice(webb, size=(draws, count))
    samples = (b0 * x)[:, None] + (y - b0 * x)[:, None] * draw[:, codes].T
    star, se_star = slope_se(samples)
    hits = np.sum(np.abs((star - b0) / se_star) >= abs((estimate[0] - b0) / se[0]))
    return (hits + 1) / (draws + 1)


def test_the_wild_cluster_interval_equals_statsmodels_naive_clustering_and_a_brute_force_bootstrap():
    """A WLS line with a constant (rank 1 projected out by weighted centring): the coefficient, the naive interval
    and p-value equal statsmodels' WLS with cluster-robust covariance (small-sample factor, normal quantiles); the
    bootstrap p-value equals :func:`_brute_wild`, and the interval's ends are where it crosses 1 - level."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(6), 4)
    clusters = np.array(list("abcdef"))[groups]
    weights = rng.uniform(1, 3, 24)
    x = rng.normal(size=24)
    y = 0.5 * x + rng.normal(size=24) + rng.normal(size=6)[groups]
    units = np.arange(24) // 2
    x_c, y_c = x - np.average(x, weights=weights), y - np.average(y, weights=weights)
    for naive, level, draws, seed in ((None, 0.95, 99, 2020), (units, 0.9, 49, 3)):
        result = wild_cluster_interval(x_c, y_c, weights, clusters, level=level, draws=draws, seed=seed,
                                       treated_clusters=4, naive_clusters=naive)
        fit = sm.WLS(y, sm.add_constant(x), weights=weights).fit(
            cov_type="cluster", cov_kwds={"groups": groups if naive is None else units})
        assert result.estimate == pytest.approx(fit.params[1], rel=1e-10)
        low, high = fit.conf_int(alpha=1 - level)[1]
        assert (result.naive_ci_low, result.naive_ci_high) == pytest.approx((low, high), rel=1e-10)
        assert result.naive_p_value == pytest.approx(fit.pvalues[1], rel=1e-8)
        assert result.p_value == pytest.approx(_brute_wild(x_c, y_c, weights, clusters, 0.0, draws, seed, 1))
        assert (result.treated_clusters, result.clusters, result.draws) == (4, 6, draws)
        for end, inward in ((result.ci_low, 1.0), (result.ci_high, -1.0)):
            assert _brute_wild(x_c, y_c, weights, clusters, end + inward * 1e-7, draws, seed, 1) >= 1 - level
            assert _brute_wild(x_c, y_c, weights, clusters, end - inward * 1e-7, draws, seed, 1) < 1 - level
    # rank 5 fixed columns: the factor (n - 1) / (n - 6) instead of (n - 1) / (n - 2) widens the naive interval
    wide = wild_cluster_interval(x_c, y_c, weights, clusters, draws=19, rank=5)
    base = wild_cluster_interval(x_c, y_c, weights, clusters, draws=19)
    ratio = (wide.naive_ci_high - wide.naive_ci_low) / (base.naive_ci_high - base.naive_ci_low)
    assert ratio == pytest.approx(math.sqrt((24 - 2) / (24 - 6)), rel=1e-10)
    # rank 22 of 24 observations: n - rank - 1 = 1, and no fewer than 1 for rank 30
    for rank in (22, 30):
        tight = wild_cluster_interval(x_c, y_c, weights, clusters, draws=19, rank=rank)
        ratio = (tight.naive_ci_high - tight.naive_ci_low) / (base.naive_ci_high - base.naive_ci_low)
        assert ratio == pytest.approx(math.sqrt((24 - 2) / 1), rel=1e-10)
    # the outcome in other units: the intervals scale with it (the search starts from the standard error)
    for scale in (1e-8, 1e4):
        scaled = wild_cluster_interval(x_c, y_c * scale, weights, clusters, draws=19)
        assert (scaled.ci_low, scaled.ci_high, scaled.naive_ci_low) == pytest.approx(
            (scale * base.ci_low, scale * base.ci_high, scale * base.naive_ci_low), rel=1e-7)
    default = wild_cluster_interval(x_c, y_c, weights, clusters)
    assert default.draws == 4999 and default.treated_clusters == 0
    assert default.p_value == pytest.approx(_brute_wild(x_c, y_c, weights, clusters, 0.0, 4999, 2020, 1))
    fit = sm.WLS(y, sm.add_constant(x), weights=weights).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert (default.naive_ci_low, default.naive_ci_high) == pytest.approx(tuple(fit.conf_int(alpha=0.05)[1]))
    for end, inward in ((default.ci_low, 1.0), (default.ci_high, -1.0)):
        assert _brute_wild(x_c, y_c, weights, clusters, end + inward * 1e-7, 4999, 2020, 1) >= 1 - 0.95
        assert _brute_wild(x_c, y_c, weights, clusters, end - inward * 1e-7, 4999, 2020, 1) < 1 - 0.95


def _fixed_part(panel: pd.DataFrame, baseline: int) -> np.ndarray:
    """Unit dummies, unit dummies times the year, year dummies (first dropped) and year dummies times the unit's
    mean rate up to the baseline (the overall mean rate without one); columns that add nothing (the common
    trend) dropped, so the design has full rank."""
    level = panel["unit"].map(panel[panel["year"] <= baseline].groupby("unit")["rate"].mean())
    level = level.fillna(panel["rate"].mean()).to_numpy()  # a unit first seen after the baseline: the mean rate
    units = pd.get_dummies(panel["unit"], dtype=float).to_numpy()
    years = pd.get_dummies(panel["year"], dtype=float).to_numpy()[:, 1:]
    candidates = np.column_stack([units, units * panel["year"].to_numpy()[:, None], years, years * level[:, None]])
    chosen: list[int] = []
    for j in range(candidates.shape[1]):
        if np.linalg.matrix_rank(candidates[:, chosen + [j]]) > len(chosen):
            chosen.append(j)
    return candidates[:, chosen]


def test_the_pooled_effect_and_the_area_effects_equal_statsmodels_wls_with_explicit_dummies():
    """Pooled: WLS (weights: denominators) of the rate on treated x post with the fixed part as explicit dummies;
    naive interval cluster-robust by unit (statsmodels, normal quantiles); bootstrap p-value as the brute force on
    the columns residualised by least squares, clusters areas and Stadtteile. Areas: one column per area, the
    same fit; naive_se from statsmodels' clustered covariance of the residualised columns (clusters as above)."""
    panel = _expected_panel()
    fixed = _fixed_part(panel, 2017)
    weights, rate = panel["denominator"].to_numpy(), panel["rate"].to_numpy()
    treat = (panel["treated"] & panel["post"]).to_numpy(float)
    effect, spread = pooled_effect(panel, 2017, level=0.9, draws=99)
    fit = sm.WLS(rate, np.column_stack([treat, fixed]), weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["unit"])[0]})
    assert effect.estimate == pytest.approx(fit.params[0], rel=1e-7)
    low, high = fit.conf_int(alpha=0.1)[0]
    assert (effect.naive_ci_low, effect.naive_ci_high) == pytest.approx((low, high), rel=1e-6)
    assert effect.naive_p_value == pytest.approx(fit.pvalues[0], rel=1e-6)
    assert (effect.treated_clusters, effect.clusters, effect.draws) == (3, 6, 99)

    def residualised(column):
        root = np.sqrt(weights)
        coefficients = np.linalg.lstsq(fixed * root[:, None], column * root, rcond=None)[0]
        return column - fixed @ coefficients

    x, y = residualised(treat), residualised(rate)
    rank = fixed.shape[1]
    assert effect.p_value == pytest.approx(_brute_wild(x, y, weights, panel["cluster"], 0.0, 99, 2020, rank))
    for end, inward in ((effect.ci_low, 1.0), (effect.ci_high, -1.0)):
        assert _brute_wild(x, y, weights, panel["cluster"], end + inward * 1e-7, 99, 2020, rank) >= 0.1
        assert _brute_wild(x, y, weights, panel["cluster"], end - inward * 1e-7, 99, 2020, rank) < 0.1 + 1e-12
    areas = ["altstadt", "kalk", "porz"]
    columns = np.column_stack([((panel["area"] == a) & panel["post"]).to_numpy(float) for a in areas])
    full = sm.WLS(rate, np.column_stack([columns, fixed]), weights=weights).fit()
    assert spread["area_id"].tolist() == areas
    np.testing.assert_allclose(spread["estimate"], full.params[:3], rtol=1e-7)
    projected = sm.WLS(y, np.column_stack([residualised(c) for c in columns.T]), weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["cluster"])[0]})
    np.testing.assert_allclose(spread["naive_se"], projected.bse, rtol=1e-6)
    default, _ = pooled_effect(panel, 2017, draws=19)
    assert default.naive_ci_high - default.estimate == pytest.approx(stats.norm.ppf(0.975) * fit.bse[0], rel=1e-6)


def _robust_reference(panel: pd.DataFrame, baseline: int) -> _Reference:
    """The independent imputation estimator with the evaluation's model: level = the unit's mean rate in its
    untreated years up to the baseline (the overall mean rate without any), cells = entry cohorts (0 outside)."""
    before = panel[(panel["year"] <= baseline) & (panel["year"] < panel["first_treated"].fillna(np.inf))]
    level = panel["unit"].map(before.groupby("unit")["rate"].mean()).fillna(panel["rate"].mean()).to_numpy()
    return _Reference(panel["unit"].to_numpy(), panel["year"].to_numpy(), panel["rate"].to_numpy(),
                      panel["denominator"].to_numpy(), panel["first_treated"].fillna(np.inf).to_numpy(),
                      panel["cluster"].to_numpy(), level=level, cells=panel["entry"].fillna(0).astype(int).to_numpy(),
                      trends=True)


def test_the_robust_effects_per_cohort_year_and_area_equal_the_independent_imputation_estimator():
    """Overall and every part (entry cohorts 2006, 2017, 2018: 2019 has nothing estimable; years since the start
    1-4; areas) weighted by
    the denominators: estimate, standard error and bootstrap p-value of :class:`_Reference`; shares of the overall
    weight, observations, clusters, first and last year and the smallest yearly sums by hand."""
    panel = _expected_panel()
    reference = _robust_reference(panel, 2017)
    stated = panel["denominator"].to_numpy()
    overall, parts = staggered_effects(panel, 2017, level=0.9, draws=49)
    theta, se = reference.theta_se(reference.y[:, None], reference.omega(stated))
    assert (overall.estimate, overall.se) == pytest.approx((theta[0], se[0]), rel=1e-7)
    assert overall.p_value == pytest.approx(reference.p_value(reference.omega(stated), 0.0, 49, 2020))
    estimable = reference.estimable
    assert overall.weight == pytest.approx(stated[estimable].sum()) and overall.observations == estimable.sum()
    event = (panel["year"] - panel["first_treated"] + 1).to_numpy()
    expected_parts = ([("kohorte", k, panel["entry"].to_numpy() == k) for k in (2006, 2017, 2018)]
                      + [("jahr", k, event == k) for k in (1, 2, 3, 4)]
                      + [("gebiet", a, panel["area"].to_numpy() == a) for a in ("altstadt", "kalk", "porz")])
    assert list(zip(parts["kind"], parts["key"])) == [(kind, key) for kind, key, _ in expected_parts]
    for row, (kind, key, chosen) in zip(parts.itertuples(), expected_parts):
        chosen = chosen & estimable
        omega = reference.omega(np.where(chosen, stated, 0.0))
        theta, se = reference.theta_se(reference.y[:, None], omega)
        assert row.estimate == pytest.approx(theta[0], rel=1e-7), (kind, key)
        assert row.share == pytest.approx(stated[chosen].sum() / stated[estimable].sum(), rel=1e-12)
        assert row.observations == chosen.sum()
        assert row.treated_clusters == len(set(panel.loc[chosen, "cluster"]))
        assert (row.first_year, row.last_year) == (panel.loc[chosen, "year"].min(), panel.loc[chosen, "year"].max())
        sums = panel[chosen].groupby("year")[["numerator", "denominator"]].sum()
        assert (row.count_min, row.denominator_min) == (sums["numerator"].min(), sums["denominator"].min())
        if kind == "gebiet" or row.treated_clusters < 2:
            assert math.isnan(row.p_value) and math.isnan(row.ci_low) and math.isnan(row.ci_high)
        else:
            assert row.p_value == pytest.approx(reference.p_value(omega, 0.0, 49, 2020)), (kind, key)
            for end, inward in ((row.ci_low, 1.0), (row.ci_high, -1.0)):
                assert reference.p_value(omega, end + inward * 1e-6 * se[0], 49, 2020) >= 0.1
                assert reference.p_value(omega, end - inward * 1e-6 * se[0], 49, 2020) < 0.1 + 1e-12
    assert isinstance(parts["key"].iloc[0], int)
    default, _ = staggered_effects(panel, 2017, draws=19)
    wide = staggered_effects(panel, 2017, level=0.95, draws=19)[0]
    assert (default.ci_low, default.ci_high, default.draws) == (wide.ci_low, wide.ci_high, 19)


def _pooled_reference(panel: pd.DataFrame, baseline: int):
    """statsmodels WLS with explicit dummies: the pooled fit (clustered by unit) and the fit with one column per
    area (altstadt, kalk, porz), plus the residualised rate and columns for the bootstrap and the naive_se."""
    fixed = _fixed_part(panel, baseline)
    weights, rate = panel["denominator"].to_numpy(), panel["rate"].to_numpy()
    treat = (panel["treated"] & panel["post"]).to_numpy(float)
    pooled = sm.WLS(rate, np.column_stack([treat, fixed]), weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["unit"])[0]})
    areas = np.column_stack([((panel["area"] == a) & panel["post"]).to_numpy(float)
                             for a in ("altstadt", "kalk", "porz")])
    by_area = sm.WLS(rate, np.column_stack([areas, fixed]), weights=weights).fit()
    root = np.sqrt(weights)

    def residualised(column):
        return column - fixed @ np.linalg.lstsq(fixed * root[:, None], column * root, rcond=None)[0]

    projected = sm.WLS(residualised(rate), np.column_stack([residualised(c) for c in areas.T]),
                       weights=weights).fit(cov_type="cluster",
                                            cov_kwds={"groups": pd.factorize(panel["cluster"])[0]})
    return pooled, by_area, projected, residualised(treat), residualised(rate), fixed.shape[1]


def test_the_programme_evaluation_tables_combine_the_independent_robust_and_pooled_estimates(dataset):
    """One indicator evaluated end to end (level 0.9, 49 draws): every figure of the effects row, the areas table
    and the staggered table against the independent estimators above, the yearly sums of the treated units by
    hand; an indicator marked latest_available is "nicht auswertbar" with its counts only; the same indicator
    again under another id gives the same row and continues the tables' numbering."""
    indicator = dataset.catalogue.indicator("asylblg_quote")
    latest = indicator.model_copy(update={"id": "latest", "latest_available": True})
    again = indicator.model_copy(update={"id": "again"})
    effects, areas, staggered = programme_evaluation(dataset, [indicator, latest, again], 2017, 2021, level=0.9,
                                                     draws=49)
    assert effects.drop(columns="indicator").iloc[2].equals(effects.drop(columns="indicator").iloc[0])
    assert areas.index.tolist() == list(range(6)) and staggered.index.tolist() == list(range(20))
    areas, staggered = areas.iloc[:3], staggered.iloc[:10]
    panel = _expected_panel()
    reference = _robust_reference(panel, 2017)
    pooled, by_area, projected, x, y, rank = _pooled_reference(panel, 2017)
    stated = panel["denominator"].to_numpy()
    omega = reference.omega(stated)
    theta, se = reference.theta_se(reference.y[:, None], omega)
    row = effects.iloc[0]
    assert (row["indicator"], row["label"], row["unit"], row["direction"], row["status"]) == (
        "asylblg_quote", indicator.name, indicator.unit, "higher_is_worse", "ok")
    assert (row["estimate"], row["se"]) == pytest.approx((theta[0], se[0]), rel=1e-7)
    assert row["p_value"] == pytest.approx(reference.p_value(omega, 0.0, 49, 2020))
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert (row["treated_clusters"], row["draws"], row["clusters"]) == (3, 49, 6)
    assert row["not_imputable"] == 2  # 70702: 2020 and 2021, one untreated year only
    assert row["pooled_estimate"] == pytest.approx(pooled.params[0], rel=1e-7)
    assert (row["naive_ci_low"], row["naive_ci_high"]) == pytest.approx(tuple(pooled.conf_int(alpha=0.1)[0]),
                                                                        rel=1e-6)
    assert row["naive_p_value"] == pytest.approx(pooled.pvalues[0], rel=1e-6)
    assert row["pooled_p_value"] == pytest.approx(_brute_wild(x, y, stated, panel["cluster"], 0.0, 49, 2020, rank))
    assert row["pooled_ci_low"] < row["pooled_estimate"] < row["pooled_ci_high"]
    treated_years = panel[panel["treated"]].groupby("year")[["numerator", "denominator"]].sum()
    assert (row["count_min"], row["denominator_min"]) == (treated_years["numerator"].min(),
                                                          treated_years["denominator"].min())
    assert (row["threshold"], row["denominator_threshold"]) == (dataset.catalogue.threshold(indicator),
                                                                dataset.catalogue.denominator_threshold(indicator))
    entry = panel["entry"].to_numpy()
    for cohort in (2006, 2017, 2018):
        chosen = reference.estimable & (entry == cohort)
        assert row[f"share_{cohort}"] == pytest.approx(stated[chosen].sum() / stated[reference.estimable].sum())
    assert "share_2019" not in effects.columns  # nothing of cohort 2019 is estimable
    robust_by_area = []
    for area in ("altstadt", "kalk", "porz"):
        chosen = np.where(reference.estimable & (panel["area"] == area).to_numpy(), stated, 0.0)
        robust_by_area.append(reference.theta_se(reference.y[:, None], reference.omega(chosen))[0][0])
    assert row["spread_sd"] == pytest.approx(np.std(robust_by_area, ddof=1), rel=1e-7)
    assert (row["spread_min"], row["spread_max"]) == pytest.approx((min(robust_by_area), max(robust_by_area)))
    assert row["areas_favourable"] == sum(e < 0 for e in robust_by_area)  # higher is worse: below 0 is good
    other = effects.iloc[1]
    assert (other["indicator"], other["status"]) == ("latest", "nicht auswertbar") and math.isnan(other["estimate"])
    assert other["count_min"] == row["count_min"] and len(effects) == 3
    assert areas["area_id"].tolist() == ["altstadt", "kalk", "porz"]
    assert set(areas["indicator"]) == {"asylblg_quote"} and set(areas["label"]) == {indicator.name}
    assert set(areas["unit"]) == {indicator.unit}
    np.testing.assert_allclose(areas["estimate"], robust_by_area, rtol=1e-7)
    np.testing.assert_allclose(areas["pooled_estimate"], by_area.params[:3], rtol=1e-7)
    np.testing.assert_allclose(areas["naive_se"], projected.bse, rtol=1e-6)
    area_years = panel[panel["treated"]].groupby(["area", "year"])[["numerator", "denominator"]].sum()
    minima = area_years.groupby(level="area").min()
    assert areas["count_min"].tolist() == minima.loc[["altstadt", "kalk", "porz"], "numerator"].tolist()
    assert areas["denominator_min"].tolist() == minima.loc[["altstadt", "kalk", "porz"], "denominator"].tolist()
    assert set(areas["threshold"]) == {row["threshold"]}
    assert set(areas["denominator_threshold"]) == {row["denominator_threshold"]}
    assert list(staggered.columns) == STAGGERED_COLUMNS
    assert list(zip(staggered["kind"], staggered["key"]))[:3] == [("kohorte", 2006), ("kohorte", 2017),
                                                                  ("kohorte", 2018)]
    assert len(staggered) == 10 and set(staggered["indicator"]) == {"asylblg_quote"}
    assert set(staggered["direction"]) == {"higher_is_worse"} and set(staggered["label"]) == {indicator.name}
    assert set(staggered["unit"]) == {indicator.unit} and set(staggered["threshold"]) == {row["threshold"]}
    assert set(staggered["denominator_threshold"]) == {row["denominator_threshold"]}
    np.testing.assert_allclose(staggered.loc[staggered["kind"] == "gebiet", "estimate"], robust_by_area, rtol=1e-7)


def test_an_indicator_needs_two_years_before_and_one_after_the_baseline(dataset):
    """Baseline 2013: one year before (nicht auswertbar); 2014: two (evaluated); 2021 with 2021 the last year: no
    year after (nicht auswertbar); an indicator without any data: nicht auswertbar, no smallest counts. Nothing
    evaluated: empty areas and staggered tables that keep their columns."""
    indicator = dataset.catalogue.indicator("asylblg_quote")
    no_data = programme_evaluation(dataset, [dataset.catalogue.indicator("share_0_5")], 2017, 2021, draws=9)[0]
    assert no_data["status"].tolist() == ["nicht auswertbar"]  # no pop_0_5 at all: no treated year to count
    assert math.isnan(no_data["count_min"].iloc[0]) and math.isnan(no_data["denominator_min"].iloc[0])
    for baseline, last, status in ((2013, 2021, "nicht auswertbar"), (2014, 2021, "ok"),
                                   (2021, 2021, "nicht auswertbar")):
        effects, areas, staggered = programme_evaluation(dataset, [indicator], baseline, last, draws=49)
        assert effects["status"].tolist() == [status], baseline
        if status == "ok":
            assert len(areas) == 3 and len(staggered) > 0 and effects["draws"].iloc[0] == 49
        else:
            assert areas.empty and staggered.empty and list(staggered.columns) == STAGGERED_COLUMNS
            assert list(areas.columns) == ["indicator", "label", "unit", "area_id", "estimate", "pooled_estimate",
                                           "naive_se", "count_min", "denominator_min", "threshold",
                                           "denominator_threshold"]
            assert "estimate" not in effects.columns
    default = programme_evaluation(dataset, [indicator], 2017, 2021, draws=19)[0].iloc[0]
    explicit = programme_evaluation(dataset, [indicator], 2017, 2021, level=0.95, draws=19)[0].iloc[0]
    assert (default["ci_low"], default["pooled_ci_low"]) == (explicit["ci_low"], explicit["pooled_ci_low"])
