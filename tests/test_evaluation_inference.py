"""The area evaluation says what it estimates, with honest uncertainty (issue #29): trends from the years before
the baseline, placebo intervals that cover at their level also with one treated Stadtteil, sentences that follow the
interval as shown and the direction of the data, and goal status from the prediction interval.

Expected values come from independent computations on hand-built panels (explicit dummies through numpy's lstsq,
WLS prediction formulas by hand), not from the module under test. No demo data: every test here takes well under a
second.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis import evaluation
from veedel_lib.planning import monitoring
from veedel_lib.render import formatting as fmt
from veedel_lib.render.text import EFFECT_DECIMALS, evaluation_reading

BASELINE = 2020
YEARS = range(2012, 2025)


def _panel_frame(rng: np.random.Generator, stadtteile: int = 30, units_each: int = 3, effect=None,
                 local_shock: float = 0.3, noise: float = 0.1) -> pd.DataFrame:
    """Units (``units_each`` per Stadtteil) with a level and a trend of their own, city-wide year effects, a shock
    per Stadtteil and year shared by its units, and unit noise (rates in percent). Stadtteil 0 is the area;
    ``effect(year)`` is added to its units' rates after the baseline."""
    rows = []
    city = {y: rng.normal(0, 0.5) for y in YEARS}
    for s in range(stadtteile):
        shocks = {y: rng.normal(0, local_shock) for y in YEARS}
        for u in range(units_each):
            level, slope = rng.uniform(15, 25), rng.normal(0, 0.15)
            denominator = float(rng.integers(2000, 4000))
            for y in YEARS:
                rate = level + slope * (y - 2018) + city[y] + shocks[y] + rng.normal(0, noise)
                if s == 0 and effect is not None and y > BASELINE:
                    rate += effect(y)
                rows.append({"unit": f"{s:02d}{u}", "stadtteil": s, "year": y, "denominator": denominator,
                             "rate": rate, "numerator": rate / 100 * denominator, "treated": s == 0,
                             "post": y > BASELINE})
    return pd.DataFrame(rows)


def _panel(frame: pd.DataFrame) -> evaluation.Panel:
    treated = sorted(frame.loc[frame["treated"], "unit"].unique())
    return evaluation.Panel(frame, treated, SimpleNamespace(scale=100.0), BASELINE)


def _fixed_part(frame: pd.DataFrame) -> np.ndarray:
    """Explicit dummies: unit levels, unit trends (first dropped), year dummies (first dropped) and year dummies
    times the unit's mean rate up to the baseline."""
    units = pd.get_dummies(frame["unit"], dtype=float).to_numpy()
    t = (frame["year"].to_numpy(dtype=float) - 2018)[:, None]
    years = pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]
    level = frame["unit"].map(frame[frame["year"] <= BASELINE].groupby("unit")["rate"].mean()).to_numpy()[:, None]
    return np.hstack([units, (units * t)[:, 1:], years, years * level])


def _lstsq_imputation(frame: pd.DataFrame) -> float:
    """The imputation estimate by hand: weighted lstsq of the explicit model on the untreated observations,
    predictions for the area's later years, denominator-weighted mean departure."""
    design = _fixed_part(frame)
    weight = np.sqrt(frame["denominator"].to_numpy())
    later = (frame["treated"] & frame["post"]).to_numpy()
    coefficients = np.linalg.lstsq(design[~later] * weight[~later, None], frame["rate"].to_numpy()[~later]
                                   * weight[~later], rcond=None)[0]
    departure = frame["rate"].to_numpy()[later] - design[later] @ coefficients
    return float(np.average(departure, weights=frame["denominator"].to_numpy()[later]))


def _lstsq_full_period(frame: pd.DataFrame) -> float:
    """The model before issue #29 by hand: one treatment dummy next to unit trends fitted on all years."""
    treatment = (frame["treated"] & frame["post"]).to_numpy(dtype=float)[:, None]
    design = np.hstack([treatment, _fixed_part(frame)])
    weight = np.sqrt(frame["denominator"].to_numpy())
    return float(np.linalg.lstsq(design * weight[:, None], frame["rate"].to_numpy() * weight, rcond=None)[0][0])


def test_trends_fitted_before_the_baseline_recover_a_growing_effect_that_full_period_trends_absorb():
    """Regression (issue #29): the unit trends were fitted on all years, so a growing effect was partly taken for the
    area's own trend. The area's rate rises by 0,4 points more each year after 2020 (0,4 ... 1,6; mean 1,0);
    fitted on all years, the trends take about a fifth of it."""
    frame = _panel_frame(np.random.default_rng(7), effect=lambda y: 0.4 * (y - BASELINE), local_shock=0.05,
                         noise=0.05)
    truth = 1.0
    by_hand = _lstsq_imputation(frame)
    full_period = _lstsq_full_period(frame)
    assert by_hand == pytest.approx(truth, abs=0.1)
    assert full_period < by_hand - 0.15, "the premise: a trend on all years absorbs part of a growing effect"
    effect = evaluation.did_effect(_panel(frame), draws=199)
    assert effect.estimate == pytest.approx(by_hand, rel=1e-8)
    years = effect.years.set_index("year")["estimate"]
    assert years.to_numpy() == pytest.approx([0.4, 0.8, 1.2, 1.6], abs=0.15)
    assert effect.ci_low > 0 and effect.p_value < 0.05


def test_placebo_intervals_and_yearly_bands_cover_a_true_null_at_their_level_with_one_treated_stadtteil():
    """Regression (issue #29): the year-by-year bands were cluster-robust intervals by Stadtteil, resting on the
    area's single Stadtteil: far too narrow. 40 panels without effect whose Stadtteile have shocks of their own:
    the 95 % placebo interval and each yearly band must contain zero in about 95 % of them."""
    rng = np.random.default_rng(2029)
    covered, band_covered, bands = 0, 0, 0
    repetitions = 40
    for _ in range(repetitions):
        panel = _panel(_panel_frame(rng, stadtteile=25, local_shock=0.3, noise=0.1))
        effect = evaluation.did_effect(panel, 0.95, draws=99)
        covered += effect.ci_low <= 0 <= effect.ci_high
        events = evaluation.event_study(panel, 0.95, draws=99)
        later = events[events["year"] > BASELINE]
        band_covered += int(((later["ci_low"] <= 0) & (later["ci_high"] >= 0)).sum())
        bands += len(later)
    assert covered / repetitions >= 0.85
    assert band_covered / bands >= 0.88


def test_the_minimum_detectable_effect_is_what_the_placebos_let_detect_with_80_percent_power():
    frame = _panel_frame(np.random.default_rng(3))
    effect = evaluation.did_effect(_panel(frame), 0.95, draws=199)
    assert effect.mde == pytest.approx((1.959964 + 0.841621) * effect.placebo_sd, rel=1e-5)
    assert effect.placebo_sd > 0


def _row(**values) -> pd.Series:
    row = {"label": "SGB-II-Quote", "unit": "percent", "direction": "higher_is_worse", "status": "ok",
           "estimate": 0.11, "ci_low": 0.004, "ci_high": 0.21, "p_value": 0.04, "mde": 0.12, "actual_then": 23.2,
           "actual_now": 22.4, "expected_now": 22.2, "first_year_after": 2021, "last_year": 2024}
    row.update(values)
    return pd.Series(row)


def test_the_reading_never_says_gesichert_when_the_shown_interval_includes_zero():
    """Regression (issue #29): an interval from +0,004 to +0,21 excludes zero, but shown rounded it reads "±0,00 bis
    +0,21"; the sentence and the table's verdict must follow what the reader sees."""
    from veedel_lib.reports.evaluation import Evaluation

    row = _row()
    shown_low = fmt.points(row["ci_low"], "percent", EFFECT_DECIMALS, short=True)
    assert shown_low == "±0,00 Pp."
    text = evaluation_reading(row, "Kalk", BASELINE)
    assert "nicht gesichert" in text and "ist gesichert" not in text
    assert "größer, als der Zufall erklären könnte" not in text
    assert "Ein Effekt unter 0,12 Pp. wäre mit diesen Daten nicht erkennbar" in text
    assert Evaluation._verdict(row) == "keine gesicherte Abweichung"
    clear = evaluation_reading(_row(ci_low=0.006), "Kalk", BASELINE)
    assert "ist gesichert, also größer, als der Zufall erklären könnte" in clear


def test_the_reading_says_the_rate_fell_when_it_fell_less_than_expected():
    """Regression (issue #29): "Seit 2020 ist der Wert in Kalk gesichert stärker gestiegen" although Kalk's rate fell
    from 23,2 to 22,4 %; the estimate is a departure from the expected path, and the sentence must say so."""
    text = evaluation_reading(_row(ci_low=0.05, ci_high=0.22, estimate=0.14), "Kalk", BASELINE)
    assert "In Kalk ist der Wert seit 2020 gesunken, aber weniger stark als erwartet" in text
    assert "für 2024 ein Wert von 22,2 % zu erwarten" in text and "über dem erwarteten Verlauf" in text
    assert "gestiegen" not in text
    rising = evaluation_reading(_row(actual_now=24.0, expected_now=24.5, estimate=-0.3, ci_low=-0.5, ci_high=-0.1),
                                "Kalk", BASELINE)
    assert "gestiegen, aber weniger stark als erwartet" in rising and "unter dem erwarteten Verlauf" in rising


def test_a_goal_whose_prediction_interval_holds_the_target_is_uncertain():
    """Regression (issue #29): a goal was called "nicht auf Kurs" from the confidence interval of the trend line;
    the target year's value scatters around the line, so its prediction interval decides. By hand: WLS line, the
    prediction variance s^2 (1 + x0' (X'WX)^-1 x0) for a year of average weight, t quantile with n - 2 df."""
    from scipy import stats

    values = {2020: 16.0, 2021: 15.3, 2022: 15.5, 2023: 14.6, 2024: 14.7}
    denominators = np.array([20000.0, 21000.0, 20500.0, 19500.0, 20000.0])
    series = pd.DataFrame({"year": list(values), "value": list(values.values()), "denominator": denominators,
                           "numerator": np.array(list(values.values())) / 100 * denominators,
                           "ci_low": 0.0, "ci_high": 0.0})
    target = 13.0
    state = monitoring.track_goal(series, 2020, 16.0, target, 2025, "senken", 2024)
    x = np.column_stack([np.ones(5), np.arange(5.0)])
    w = denominators / denominators.mean()
    y = series["value"].to_numpy()
    inverse = np.linalg.inv(x.T @ (x * w[:, None]))
    beta = inverse @ x.T @ (w * y)
    s2 = np.sum(w * (y - x @ beta) ** 2) / 3
    x0 = np.array([1.0, 5.0])
    half = stats.t.ppf(0.975, 3) * np.sqrt(s2 * (1 + x0 @ inverse @ x0))
    line_half = stats.t.ppf(0.975, 3) * np.sqrt(s2 * (x0 @ inverse @ x0))
    assert x0 @ beta - line_half > target, "the premise: the line's confidence interval misses the target"
    assert state["projection"] == pytest.approx(x0 @ beta)
    assert (state["projection_low"], state["projection_high"]) == pytest.approx((x0 @ beta - half, x0 @ beta + half))
    assert state["projection_low"] < target < state["projection_high"]
    assert state["status"] == "unsicher"
    clear = monitoring.track_goal(series.assign(value=[16.0, 15.0, 14.0, 13.0, 12.0]), 2020, 16.0, target, 2025,
                                  "senken", 2024)
    assert clear["status"] == monitoring.ON_TRACK
    missing = monitoring.track_goal(series.assign(value=[16.0, 16.1, 15.9, 16.0, 16.1]), 2020, 16.0, target, 2025,
                                    "senken", 2024)
    assert missing["status"] == monitoring.OFF_TRACK
