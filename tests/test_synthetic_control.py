"""The synthetic control: the weights of pysyncon's published Basque example solver, a planted effect recovered,
placebo-in-space inference."""

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis.synthetic_control import fit_synthetic_control, synthetic_weights


def test_the_weights_equal_those_of_pysyncon_for_the_same_quadratic_programme():
    from pysyncon import Synth

    rng = np.random.default_rng(7)
    donors = rng.normal(0, 1, (14, 17))  # predictors x donors, as in the Basque example's 14 x 17
    treated = donors[:, [9, 13]] @ np.array([0.851, 0.149]) + rng.normal(0, 0.05, 14)
    v = rng.dirichlet(np.ones(14))
    ours = synthetic_weights(donors, treated, v)
    theirs, _ = Synth.w_optimize(np.diag(v), donors, treated)
    assert ours.sum() == pytest.approx(1.0, abs=1e-9) and (ours >= 0).all()
    assert np.abs(ours - theirs).max() < 1e-3  # pysyncon stops SLSQP at its default tolerance
    loss = lambda w: float(((treated - donors @ w) ** 2 * v).sum())  # noqa: E731
    assert loss(ours) <= loss(theirs) + 1e-9


def _panel(effect: float, seed: int = 1, donors: int = 40) -> pd.DataFrame:
    """Years 2010-2024 of ``donors`` Stadtteile driven by two common factors with noise of 0.1 points, and an
    area that is 0.5 S3 + 0.3 S7 + 0.2 S11 without their noise plus 2 points and a noise of its own, with
    ``effect`` points added from 2021 on."""
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2025)
    factors = np.cumsum(rng.normal(0, 1, (len(years), 2)), axis=0)
    loadings = rng.uniform(0.2, 1.5, (2, donors))
    paths = 10 + factors @ loadings
    frame = pd.DataFrame(paths + rng.normal(0, 0.1, paths.shape), index=years,
                         columns=[f"S{i}" for i in range(donors)])
    area = paths[:, [3, 7, 11]] @ np.array([0.5, 0.3, 0.2]) + 2 + rng.normal(0, 0.1, len(years))
    frame["Gebiet"] = area + np.where(years > 2020, effect, 0.0)
    return frame


def test_a_planted_effect_is_recovered_year_by_year_and_ranked_first_among_the_placebos():
    result = fit_synthetic_control(_panel(3.0), "Gebiet", 2020)
    assert result.effect == pytest.approx(3.0, abs=0.3)
    after = result.path[result.path["year"] > 2020]
    assert np.abs(after["gap"] - 3.0).max() < 0.6
    assert result.weights.sum() == pytest.approx(1.0, abs=0.01)
    assert result.rank == 1 and result.p_value == pytest.approx(1 / 41)
    assert result.rmspe_pre < 0.2


def test_without_an_effect_the_placebo_p_value_is_rarely_small():
    results = [fit_synthetic_control(_panel(0.0, seed), "Gebiet", 2020) for seed in range(1, 11)]
    assert max(abs(r.effect) for r in results) < 0.3
    # a valid test at 5 % rejects about one time in twenty; 3 of 10 would be a broken one
    assert sum(r.p_value <= 0.05 for r in results) <= 2
