"""The relative-magnitudes bound (Rambachan and Roth 2023): the reference implementation's example, not the
shortcut "estimate +- Mbar x (e + 1)", and simulated trend violations the breakdown value flags."""

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis.honest_trends import (_problems, breakdown_value, r_normal_draws, rm_confidence_set,
                                               sensitivity)

# The R package HonestDiD's example data BCdata_EventStudy (data/BCdata_EventStudy.rda, MIT licence):
# four pre-period and four post-period event-study coefficients and their covariance.
BC_BETAHAT = np.array([0.006696351803839207, 0.029345033690333366, -0.006472972221672535, 0.0730149894952774, 0.1959611177444458, 0.31206390261650085, 0.23954154551029205, 0.12604250013828278])
BC_SIGMA = np.array([
    [0.0008428358123637736, 0.00047686867765150964, 0.00026180510758422315, 0.00023542203416582197, 0.00016763714666012675, 0.00011287076631560922, 1.9928162146243267e-05, -0.00013682653661817312],
    [0.00047686867765150964, 0.000642542028799653, 0.00039874250069260597, 0.00024355151981581002, 0.00022019603056833148, 0.00018045911565423012, 3.8437650800915435e-05, -2.960421988973394e-05],
    [0.00026180510758422315, 0.00039874250069260597, 0.000522994960192591, 0.00021176860900595784, 0.00018407222523819655, 0.00014585278404410928, 7.005197403486818e-05, 5.952994979452342e-05],
    [0.00023542203416582197, 0.00024355151981581002, 0.00021176860900595784, 0.0003089595411438495, 0.00011978660768363625, 0.00013340813165996224, 0.000101633500889875, 0.00010790517262648791],
    [0.00016763714666012675, 0.00022019603056833148, 0.00018407222523819655, 0.00011978660768363625, 0.00035997043596580625, 0.0002478818641975522, 0.00017495792417321354, 0.00016542569210287184],
    [0.00011287076631560922, 0.00018045911565423012, 0.00014585278404410928, 0.00013340813165996224, 0.0002478818641975522, 0.0004263949813321233, 0.00021714378090109676, 0.0002892747870646417],
    [1.9928162146243267e-05, 3.8437650800915435e-05, 7.005197403486818e-05, 0.000101633500889875, 0.00017495792417321354, 0.00021714378090109676, 0.0004886697861365974, 0.00038053220487199724],
    [-0.00013682653661817312, -2.960421988973394e-05, 5.952994979452342e-05, 0.00010790517262648791, 0.00016542569210287184, 0.0002892747870646417, 0.00038053220487199724, 0.000761739443987608],
])

# createSensitivityResults_relativeMagnitudes(betahat, sigma, 4, 4, Mbarvec = c(0.5, 1, 1.5, 2)) with the first
# post period as target (l_vec = basisVector(1, 4)), as the R package printed it (16 digits, exported by
# anzonyquispe/honestdid's tests/r_test_results.json from the R package's own run).
R_RESULTS = {0.5: (0.11812948578177346, 0.27158386602562062), 1.0: (0.06723125075039843, 0.31868372530838568),
             1.5: (0.013294315120135292, 0.36958196033976071), 2.0: (-0.042161970809571847, 0.3794577372861469)}
GRID_STEP = 40 * np.sqrt(BC_SIGMA[4, 4]) / 999
# R 4.2.2, lpSolveAPI 5.5.2.0-17.15, HonestDiD 6813f02 on BCdata_EventStudy at Mbar = 1.5: the least-favourable
# critical value of each moment problem (s = -3..0, sign + then -) as .ARP_computeCI computes it,
# .compute_least_favorable_cv(X_T = (A[, post] %*% solve(Gamma))[, -1], sigma = A %*% sigma %*% t(A),
# hybrid_kappa = 0.005, rowsForARP = post-period rows) for A = .create_A_RM(4, 4, 1.5, s, sign), 17 digits.
R_LF_CV_BCDATA_MBAR_15 = [2.7369298524354799, 2.8084803596409089, 2.760351707625706, 2.6790200281254735,
                          2.7724273363407987, 2.6985309370556476, 2.7328218166716529, 2.6793673491602421]


def test_the_normal_draws_are_those_of_r_after_set_seed():
    # R: set.seed(0); rnorm(3) -> 1.2629543 -0.3262334 1.3297993; set.seed(42); rnorm(1) -> 1.3709584
    assert r_normal_draws(0, 3) == pytest.approx([1.2629543, -0.3262334, 1.3297993], abs=1e-7)
    assert r_normal_draws(42, 1)[0] == pytest.approx(1.3709584, abs=1e-7)


@pytest.mark.parametrize("mbar", [0.5, 1.0, 1.5, 2.0])
def test_the_robust_interval_equals_the_r_package_example_to_all_printed_digits(mbar):
    low, high = rm_confidence_set(BC_BETAHAT, BC_SIGMA, 4, 4, mbar)
    assert (low, high) == pytest.approx(R_RESULTS[mbar], abs=1e-12)


def test_the_least_favourable_critical_value_is_the_quantile_of_eta_at_r_draws_themselves_not_their_negatives():
    """R's .compute_least_favorable_cv solves min eta s.t. -[sd, X] (eta, delta) <= -xi for each draw xi, i.e.
    xi - X delta <= sd eta. Taken at -xi instead, the 99.5 % quantile of the same 1000 draws of the BCdata
    moment problem (s = -1, +) at Mbar = 1.5 was 2.9222 instead of R's 2.7724, and the robust set one grid step
    too wide at both ends."""
    problems = _problems(BC_BETAHAT, BC_SIGMA, 4, 4, np.eye(4)[0], 1.5, "LF", 0.005, 0)
    # equal up to the draws' round-off (R's eigen() of these rank-5 covariances: about 1e-9 here)
    assert [p.lf_cv for p in problems] == pytest.approx(R_LF_CV_BCDATA_MBAR_15, abs=1e-7)


def test_the_robust_interval_is_not_the_estimate_plus_minus_mbar_times_periods():
    """Two public projects shipped "ATT +- Mbar x (e + 1) x largest pre-period change": symmetric about the
    estimate and without sampling noise. The real set is neither."""
    estimate = BC_BETAHAT[4]
    path = np.append(BC_BETAHAT[:4], 0.0)
    largest = np.abs(np.diff(path)).max()
    for mbar in (0.5, 1.0):
        low, high = rm_confidence_set(BC_BETAHAT, BC_SIGMA, 4, 4, mbar)
        fake = (estimate - mbar * 1 * largest, estimate + mbar * 1 * largest)
        assert abs(low - fake[0]) > 0.01 and abs(high - fake[1]) > 0.01
        assert abs((estimate - low) - (high - estimate)) > 2 * GRID_STEP  # not symmetric about the estimate


def _rates(departure_pre, departure_post, seed=3, donors=30, noise=0.1):
    """Years 2012-2024 of a treated area and ``donors`` Stadtteile sharing city-wide year effects, the area's
    departure from them given per year up to 2020 and after it; i.i.d. noise of ``noise`` points."""
    rng = np.random.default_rng(seed)
    years = np.arange(2012, 2025)
    city = np.cumsum(rng.normal(0, 0.3, len(years)))
    frame = pd.DataFrame({f"S{i}": 10 + i * 0.2 + city + rng.normal(0, noise, len(years)) for i in range(donors)},
                         index=years)
    frame["Gebiet"] = 15 + city + rng.normal(0, noise, len(years)) + np.concatenate([departure_pre,
                                                                                      departure_post])
    return frame


def test_a_departure_that_only_continues_the_pre_period_trend_is_flagged_as_fragile():
    # the area drifts away by 0.3 points a year already before 2020 and just keeps doing so: no effect at all
    trend = 0.3 * (np.arange(2012, 2025) - 2020)
    result = sensitivity(_rates(trend[:9], trend[9:]), "Gebiet", 2020)
    assert result.effect == pytest.approx(0.75, abs=0.15)  # what a plain comparison would call the effect
    # a post-period drift as large as the largest pre-period change (Mbar = 1) explains it all
    assert result.breakdown < 0.5


def test_a_jump_after_the_baseline_on_a_flat_pre_period_is_robust_to_large_violations():
    result = sensitivity(_rates(np.zeros(9), np.full(4, 2.0)), "Gebiet", 2020)
    assert result.effect == pytest.approx(2.0, abs=0.15)
    # only post-period changes larger than the pre-period's largest (about 0.2 points, noise) could explain it
    assert result.breakdown > 1.0


def test_without_a_significant_effect_the_breakdown_value_is_zero():
    result = sensitivity(_rates(np.zeros(9), np.zeros(4)), "Gebiet", 2020)
    assert result.breakdown == 0.0


def test_the_breakdown_value_is_where_the_robust_interval_starts_to_include_zero():
    value = breakdown_value(BC_BETAHAT, BC_SIGMA, 4, 4, method="C-LF", tolerance=0.05)
    assert 1.5 <= value <= 2.0  # R: [0.0133; 0.370] at 1.5, [-0.0422; 0.379] at 2
    low, _ = rm_confidence_set(BC_BETAHAT, BC_SIGMA, 4, 4, value + 0.1)
    assert low < 0 + GRID_STEP
