"""Independent tests of the synthetic control (``veedel_lib/analysis/synthetic_control.py``; issue #30 item 9).

The expected weights come from a brute-force solver written here: every support (subset of donors) is tried,
the sum-to-one constraint is eliminated by writing w = e_first + sum_j z_j (e_j - e_first) and the rest is plain
least squares (``numpy.linalg.lstsq``); the best non-negative candidate wins. That is exact (no penalty row, no
iteration), unlike the module's non-negative least squares with a penalty row and a KKT step, and it is checked
once against scipy's SLSQP solver (a second library). The demeaned fit, the gaps, the RMSPEs and the placebo
ranks are then written out with numpy from their definitions (Abadie et al. 2010, section 3.2; Ferman and Pinto
2021). Tiny hand-made panels only.
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, statistics_rows, write

from veedel_lib.analysis.synthetic_control import (SyntheticControl, area_synthetic_control,
                                                   fit_synthetic_control, stadtteil_rates, synthetic_weights)
from veedel_lib.inputs.dataset import load_dataset


def _best_weights(donors: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The exact minimiser of |target - donors w|^2 over w >= 0, sum w = 1, by trying every support."""
    count = donors.shape[1]
    best, best_loss = None, np.inf
    for size in range(1, count + 1):
        for support in combinations(range(count), size):
            first, rest = support[0], list(support[1:])
            base = donors[:, first]
            z = np.linalg.lstsq(donors[:, rest] - base[:, None], target - base, rcond=None)[0] if rest else []
            w = np.zeros(count)
            w[first] = 1.0 - np.sum(z)
            w[rest] = z
            loss = float(np.sum((target - donors @ w) ** 2))
            if (w >= -1e-13).all() and loss < best_loss - 1e-13:
                best, best_loss = np.clip(w, 0.0, None), loss
    return best


def _reference(rates: pd.DataFrame, treated: str, baseline: int, demean: bool = True, placebo: bool = True):
    """The synthetic control written out: weights, synthetic path, gaps, RMSPEs, effect, placebo rank and p."""
    pre = rates.index.to_numpy() <= baseline

    def synth(column: str, pool: list[str]) -> tuple[np.ndarray, np.ndarray]:
        donors, target = rates[pool].to_numpy(float), rates[column].to_numpy(float)
        shift_d = donors[pre].mean(axis=0) if demean else 0.0
        shift_t = target[pre].mean() if demean else 0.0
        w = _best_weights(donors[pre] - shift_d, target[pre] - shift_t)
        return w, (donors - shift_d) @ w + shift_t

    def ratio(gaps: np.ndarray) -> float:
        before, after = np.sqrt(np.mean(gaps[pre] ** 2)), np.sqrt(np.mean(gaps[~pre] ** 2))
        return after / before if before > 0 else np.inf

    pool = [c for c in rates.columns if c != treated]
    weights, synthetic = synth(treated, pool)
    gaps = rates[treated].to_numpy(float) - synthetic
    ratios = []
    if placebo:
        for donor in pool:
            ratios.append(ratio(rates[donor].to_numpy(float) - synth(donor, [c for c in pool if c != donor])[1]))
    rank = 1 + sum(r >= ratio(gaps) for r in ratios)
    after = gaps[~pre] if (~pre).any() else np.array([np.nan])
    return {"weights": dict(zip(pool, weights)), "synthetic": synthetic, "gaps": gaps,
            "rmspe_pre": np.sqrt(np.mean(gaps[pre] ** 2)), "rmspe_post": np.sqrt(np.mean(after ** 2)),
            "effect": after.mean(), "rank": rank, "p": rank / (len(ratios) + 1) if ratios else np.nan,
            "placebos": len(ratios)}


def _check(result: SyntheticControl, rates: pd.DataFrame, treated: str, expected: dict) -> None:
    """All fields of ``result`` against the reference (weights shown above 0.001, largest first)."""
    shown = {k: v for k, v in sorted(expected["weights"].items(), key=lambda kv: -kv[1]) if v > 1e-3}
    assert list(result.weights.index) == list(shown)
    assert result.weights.to_numpy() == pytest.approx(list(shown.values()), abs=1e-10)
    assert list(result.path.columns) == ["year", "actual", "synthetic", "gap"]
    assert result.path["year"].tolist() == list(rates.index)
    assert result.path["actual"].to_numpy() == pytest.approx(rates[treated].to_numpy(float))
    assert result.path["synthetic"].to_numpy() == pytest.approx(expected["synthetic"], abs=1e-9)
    assert result.path["gap"].to_numpy() == pytest.approx(expected["gaps"], abs=1e-9)
    assert (result.rmspe_pre, result.rmspe_post, result.effect) == pytest.approx(
        (expected["rmspe_pre"], expected["rmspe_post"], expected["effect"]), abs=1e-9)
    assert (result.rank, result.placebos, result.donors) == (expected["rank"], expected["placebos"],
                                                               rates.shape[1] - 1)
    assert result.p_value == pytest.approx(expected["p"], nan_ok=True)


def test_the_weights_are_the_exact_constrained_least_squares_optimum_also_in_other_units_and_with_predictor_weights():
    """Treated (2, 2, 2, 2) is nearest to the midpoint of donors 1 and 2 ((2.5, 2, 2, 1.5), squared distance 0.5),
    closer than donor 3 alone or any mix with it: weights (0.5, 0.5, 0) exactly (the brute-force solver agrees).
    The penalty row alone leaves donor 3 a weight of about 7e-11 and the others 1e-10 off; the exact step on the
    donors it uses removes that. Multiplying all predictors by 1e-8, 1e-13 or 1e6 (another unit) changes nothing."""
    donors = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 5.0], [2.0, 2.0, 0.0], [0.0, 3.0, 1.0]])
    treated = np.full(4, 2.0)
    assert _best_weights(donors, treated) == pytest.approx([0.5, 0.5, 0.0], abs=1e-15)
    for factor in (1.0, 1e-8, 1e-13, 1e6):
        w = synthetic_weights(donors * factor, treated * factor)
        assert w == pytest.approx([0.5, 0.5, 0.0], abs=1e-12) and (w >= 0).all()
    # integer input and predictor weights v: minimise sum v_k (t_k - d_k w)^2, i.e. the rows scaled by sqrt(v)
    integers = np.array([[1, 5, 10], [2, 3, 0], [3, 6, 1], [4, 2, 7], [0, 1, 1]])
    target = np.array([4, 1, 3, 5, 2])
    v = np.array([1, 4, 2, 1, 9])
    expected = _best_weights(integers * np.sqrt(v)[:, None], target * np.sqrt(v))
    assert synthetic_weights(integers, target, v) == pytest.approx(expected, abs=1e-12)
    assert synthetic_weights(integers.tolist(), target.tolist(), v.tolist()) == pytest.approx(expected, abs=1e-12)
    plain = _best_weights(integers.astype(float), target.astype(float))
    assert synthetic_weights(integers, target) == pytest.approx(plain, abs=1e-12)
    assert np.abs(plain - expected).max() > 0.01  # the predictor weights matter here


def test_when_the_exact_step_would_go_negative_the_weights_stay_non_negative_and_sum_to_one():
    """Treated (2, 2 - 1e-10, 2, 2): the optimum is still (0.5, 0.5, 0) up to 1e-10, but on the three donors the
    penalty row leaves in use the exact solution gives donor 3 about -2e-11: the weights then fall back to the
    penalty solution, rescaled to sum to one."""
    donors = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 5.0], [2.0, 2.0, 0.0], [0.0, 3.0, 1.0]])
    treated = np.array([2.0, 2.0 - 1e-10, 2.0, 2.0])
    w = synthetic_weights(donors, treated)
    assert w == pytest.approx(_best_weights(donors, treated), abs=1e-9)
    assert (w >= 0).all() and abs(w.sum() - 1.0) < 1e-14


def test_the_weights_agree_with_scipys_slsqp_and_none_of_its_solutions_has_a_smaller_loss():
    """scipy's SLSQP on the same constrained problem (a general-purpose solver, as pysyncon uses) reaches the same
    weights within its tolerance, and the brute-force solver the same weights exactly."""
    from scipy.optimize import minimize

    donors = np.array([[1.0, 5.0, 10.0, 3.0], [2.0, 3.0, 0.0, 4.0], [3.0, 6.0, 1.0, 2.0], [4.0, 2.0, 7.0, 8.0],
                       [5.0, 1.0, 2.0, 6.0]])
    treated = np.array([3.0, 2.0, 4.0, 4.0, 3.0])

    def loss(w):
        return float(np.sum((treated - donors @ w) ** 2))

    theirs = minimize(loss, np.full(4, 0.25), method="SLSQP", bounds=[(0, 1)] * 4, tol=1e-14,
                      constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}]).x
    ours = synthetic_weights(donors, treated)
    assert ours == pytest.approx(theirs, abs=1e-6) and loss(ours) <= loss(theirs) + 1e-12
    assert ours == pytest.approx(_best_weights(donors, treated), abs=1e-12)


YEARS = range(2012, 2020)
PANEL = pd.DataFrame({
    "Nord": [10.0, 12.0, 11.0, 13.0, 12.0, 14.0, 13.0, 15.0],
    "Ost": [20.0, 19.0, 22.0, 21.0, 23.0, 22.0, 24.0, 23.0],
    "Sued": [15.0, 15.0, 16.0, 18.0, 17.0, 19.0, 18.0, 18.0],
    "West": [30.0, 33.0, 31.0, 30.0, 35.0, 36.0, 34.0, 39.0],
    "Gebiet": [25.0, 27.0, 27.5, 28.0, 30.0, 31.5, 34.0, 36.0],
}, index=YEARS)


def test_a_demeaned_fit_gives_the_weights_path_fit_effect_and_placebo_rank_written_out():
    """A panel of four donors and an area whose path lies outside every mix (no exact fit): weights, path, RMSPEs,
    effect, the ranks of the placebo RMSPE ratios and the p-value equal the written-out reference; with or
    without the level taken out the results differ (checked against the reference each)."""
    for baseline in (2017, 2016):
        expected = _reference(PANEL, "Gebiet", baseline)
        _check(fit_synthetic_control(PANEL, "Gebiet", baseline), PANEL, "Gebiet", expected)
    level = _reference(PANEL, "Gebiet", 2017, demean=False)
    _check(fit_synthetic_control(PANEL, "Gebiet", 2017, demean=False), PANEL, "Gebiet", level)
    demeaned = _reference(PANEL, "Gebiet", 2017)
    assert abs(level["effect"] - demeaned["effect"]) > 0.1
    placebo_levels = _reference(PANEL, "Nord", 2017)  # another unit as the area: its own placebo ranks
    _check(fit_synthetic_control(PANEL, "Nord", 2017), PANEL, "Nord", placebo_levels)


def test_placebo_ratios_tie_with_the_areas_and_a_perfect_pre_period_fit_has_an_infinite_ratio():
    """D is A + 3 up to 2018 and the area B + 2: the area and the placebos A (fitted by D) and D (fitted by A)
    have pre-period RMSPE 0 and a ratio of infinity; ties count as "at least the area's", so the area's rank is
    1 + 2 = 3 of 5 units and p = 3/5. The area's gaps after 2018 are 2 and 3: RMSPE sqrt(6.5), effect 2.5."""
    a = np.array([10, 12, 11, 14, 13, 15.0])
    b = np.array([20, 19, 23, 22, 25, 24.0])
    rates = pd.DataFrame({"A": a, "B": b, "C": [15, 17, 16, 16, 18, 21.0], "D": a + 3 + [0, 0, 0, 0, 1, -1.0]},
                         index=range(2015, 2021))
    rates["Gebiet"] = b + 2 + [0, 0, 0, 0, 2, 3.0]
    result = fit_synthetic_control(rates, "Gebiet", 2018)
    assert result.weights.to_dict() == {"B": 1.0}
    assert (result.rmspe_pre, result.rmspe_post, result.effect) == (0.0, pytest.approx(np.sqrt(6.5)), 2.5)
    assert (result.rank, result.p_value, result.placebos, result.donors) == (3, 0.6, 4, 4)


def test_without_placebos_the_p_value_is_missing_and_a_weight_of_exactly_one_thousandth_is_not_shown():
    """Without the level taken out, the area (2, 2) up to 2017 is 0.999 x A (1, 2) + 0.001 x B (1001, 2):
    (2 - 1) / (1001 - 1) = 0.001 exactly. Only weights above 0.001 are shown. The synthetic path after 2017 is
    0.999 x 3 + 0.001 x 1003 = 4; the area's 5 gives a gap of 1. Rates in pandas' nullable integers come
    back as float rates."""
    rates = pd.DataFrame({"A": [1, 2, 3], "B": [1001, 2, 1003], "Gebiet": [2, 2, 5]}, index=[2016, 2017, 2018],
                         dtype="Int64")
    result = fit_synthetic_control(rates, "Gebiet", 2017, placebo=False, demean=False)
    assert result.weights.to_dict() == {"A": pytest.approx(0.999, abs=1e-12)}
    assert result.path["actual"].dtype == np.float64 and result.path["synthetic"].dtype == np.float64
    assert result.path["gap"].tolist() == pytest.approx([0.0, 0.0, 1.0], abs=1e-9)
    assert (result.rank, result.placebos, result.donors) == (1, 0, 2) and np.isnan(result.p_value)


def test_without_years_after_the_baseline_the_effect_and_the_later_fit_are_missing_without_a_warning():
    """Baseline = last year: no gap after it, so RMSPE after the baseline and effect are NaN (and numpy is never
    asked for the mean of nothing, which would warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit_synthetic_control(PANEL, "Gebiet", 2019)
    assert np.isnan(result.rmspe_post) and np.isnan(result.effect)
    assert result.rmspe_pre == pytest.approx(_reference(PANEL, "Gebiet", 2019, placebo=False)["rmspe_pre"])


# ----------------------------------------------------------------------------- donors from a data set

# Rates in percent 2013-2021 (pop_0_5 per 100 residents); single units have 1000 residents, so the count is
# ten times the rate. Deutz pools 10501 (1000 residents) and 10502 (3000): (z1 + z2) / 4000.
DONOR_RATES = {
    "Altstadt-Süd": ("10101", [10.0, 11.0, 10.5, 12.0, 12.5, 12.0, 13.5, 13.0, 14.0]),
    "Neustadt-Süd": ("10201", [8.0, 8.5, 9.5, 9.0, 10.0, 10.5, 10.0, 11.5, 11.0]),
    "Altstadt-Nord": ("10301", [12.0, 11.5, 13.0, 13.5, 13.0, 14.5, 15.0, 14.5, 16.0]),
    "Neustadt-Nord": ("10401", [6.0, 7.0, 6.5, 7.5, 8.0, 7.5, 9.0, 9.5, 9.0]),
    "Bayenthal": ("20101", [9.0, 9.5, 10.0, 10.5, 11.0, 12.0, 11.5, 12.5, 13.0]),
    "Marienburg": ("20201", [5.0, 5.5, 6.0, 6.5, 7.0, 6.5, 7.5, 8.0, None]),  # no count in 2021
}
DEUTZ_COUNTS = ([100, 120, 110, 130, 140, 150, 140, 160, 170], [300, 330, 360, 330, 390, 420, 430, 440, 460])
KALK = [15.0, 16.0, 15.5, 18.0, 19.0, 19.5, 21.5, 24.0, 26.0]  # units 80201 and 80202, 1000 residents each
UNITS_CSV = """unit_id;unit_name;stadtteil;stadtbezirk
80201;Kalk 1;802;8
80202;Kalk 2;802;8
80101;Humboldt 1;801;8
90101;Mülheim 1;901;9
90102;Mülheim 2;901;9
10101;Altstadt-Süd 1;101;1
10201;Neustadt-Süd 1;102;1
10301;Altstadt-Nord 1;103;1
10401;Neustadt-Nord 1;104;1
10501;Deutz 1;105;1
10502;Deutz 2;105;1
20101;Bayenthal 1;201;2
20201;Marienburg 1;202;2
"""


def _dataset(folder):
    """Kalk (area, no count in 2012), five complete donor Stadtteile, Marienburg without 2021, and three units
    that are no donors: Humboldt/Gremberg 80101 and Mülheim 90101 belong to programme areas, Mülheim 90102
    does not but lies in a Stadtteil that does. Children of 6 to 14 only for Kalk and five donors, Bayenthal
    without 2021."""
    rows = []
    years = range(2013, 2022)
    for name, (unit, rates) in DONOR_RATES.items():
        rows += [(unit, y, v, c) for y, r in zip(years, rates) if r is not None
                 for v, c in (("population", 1000), ("pop_0_5", round(10 * r)))]
        rows += [(unit, 2012, "population", 1000), (unit, 2012, "pop_0_5", 80)]
    for unit, counts in zip(("10501", "10502"), DEUTZ_COUNTS):
        rows += [(unit, y, v, c) for y, z in zip(years, counts)
                 for v, c in (("population", 1000 if unit == "10501" else 3000), ("pop_0_5", z))]
    for y, rate in zip(years, KALK):
        rows += [("80201", y, "population", 1000), ("80201", y, "pop_0_5", round(10 * rate) + 5),
                 ("80202", y, "population", 1000), ("80202", y, "pop_0_5", round(10 * rate) - 5)]
        rows += [(u, y, v, c) for u in ("80101", "90101", "90102") for v, c in (("population", 1000),
                                                                             ("pop_0_5", 300))]
    for unit, count in (("80201", 10), ("80202", 12), ("10101", 20), ("10201", 30), ("10301", 40), ("10401", 50),
                        ("20101", 60)):
        rows += [(unit, y, "pop_6_14", count + y % 3) for y in years if unit != "20101" or y < 2021]
    write(folder / "units.csv", UNITS_CSV)
    write(folder / "statistics.csv", statistics_rows(rows))
    return load_dataset(folder, PARAMETERS, use_cache=False)


def test_donors_are_the_stadtteile_outside_the_programme_with_pooled_rates_and_a_count_in_every_year(tmp_path):
    """Columns: the area (its name, pooled over its units) and the Stadtteile none of whose units is in a
    programme area, by name; Deutz pooled: 2013 (100 + 300) / 4000 = 10 %, 2014 (120 + 330) / 4000 = 11.25 %
    (the mean of its units' rates would be 11.5). Years: those with a count of the area (2012 has none).
    Marienburg lacks 2021 and is left out and named, unless the years end in 2020."""
    ds = _dataset(tmp_path / "data")
    share = ds.catalogue.indicator("share_0_5")
    rates, name, left_out = stadtteil_rates(ds, share, "kalk")
    deutz = [(a + b) / 40 for a, b in zip(*DEUTZ_COUNTS)]
    expected = pd.DataFrame({"Kalk": KALK, "Deutz": deutz} | {k: v[1] for k, v in DONOR_RATES.items()
                                                                if k != "Marienburg"}, index=range(2013, 2022))
    assert (name, left_out) == ("Kalk", ["Marienburg"])
    assert sorted(rates.columns) == sorted(expected.columns)
    assert rates.index.tolist() == list(range(2013, 2022))
    pd.testing.assert_frame_equal(rates[expected.columns], expected, check_names=False, check_index_type=False,
                                  check_freq=False)
    assert deutz[:2] == [10.0, 11.25]
    earlier, _, none_left_out = stadtteil_rates(ds, share, "kalk", last_year=2020)
    assert none_left_out == [] and earlier.index.tolist() == list(range(2013, 2021))
    assert earlier["Marienburg"].tolist() == pytest.approx(DONOR_RATES["Marienburg"][1][:-1])

    # the synthetic control of the area from these rates, once per data set and question
    control = area_synthetic_control(ds, share, "kalk", 2019)
    _check(control, expected, "Kalk", _reference(expected, "Kalk", 2019))
    assert area_synthetic_control(ds, share, "kalk", 2019) is control
    cut = area_synthetic_control(ds, share, "kalk", 2018, last_year=2020)
    full = expected.assign(Marienburg=DONOR_RATES["Marienburg"][1]).loc[:2020]
    _check(cut, full, "Kalk", _reference(full, "Kalk", 2018))
    assert area_synthetic_control(ds, share, "kalk", 2014) is not None  # two years up to the baseline
    assert area_synthetic_control(ds, share, "kalk", 2013) is None  # one year up to the baseline
    assert area_synthetic_control(ds, share, "kalk", 2021) is None  # none after it
    children = ds.catalogue.indicator("share_6_14")
    empty, name, left_out = stadtteil_rates(ds, children, "humboldt-gremberg")  # no count of children 6 to 14
    assert empty.empty and (name, left_out) == ("Humboldt/Gremberg", [])
    assert area_synthetic_control(ds, children, "humboldt-gremberg", 2019) is None
    assert stadtteil_rates(ds, children, "kalk")[0].shape == (9, 5)
    assert area_synthetic_control(ds, children, "kalk", 2019) is None  # four complete donors: too few
    assert area_synthetic_control(ds, children, "kalk", 2019, last_year=2020).donors == 5  # Bayenthal complete
    assert set(ds.cache["synthetic_controls"]) >= {("share_0_5", "kalk", 2019, None),
                                                   ("share_0_5", "kalk", 2018, 2020)}
