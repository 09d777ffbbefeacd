"""Monitoring a plan: are the goals on track for their target year, are the measures on time and on budget?

A goal is followed on its indicator in its area, year by year from the baseline year: the current value (the
latest year up to the report year) with its interval, the share of the way from the baseline to the target
covered so far, (current - baseline) / (target - baseline), and a projection. The projection is the straight
line through the yearly values since the baseline, fitted by weighted least squares with each year's
denominator (the people counted) as weight, so a year resting on more people counts more; it is carried to
the target year with the prediction interval of the value in the target year (t distribution; the uncertainty
of the line plus the spread of single years around it, since the goal is judged on one year's value, not on the
line). A goal is "auf Kurs" when the whole prediction interval reaches the target, "nicht auf Kurs" when none of
it does, and "unsicher" when it holds both a value that reaches the target and one that misses it.
With fewer than two yearly values after the baseline a goal is "noch nicht messbar". Once the target year is
in the data, the goal is judged by its value then: "erreicht" or "nicht erreicht".

A line through a handful of years describes the direction so far; it is not a forecast of what will happen.

A goal's status judges the level only: a goal "auf Kurs" may owe nothing to the programme (the whole city moved),
one "nicht auf Kurs" may still show a real effect. :func:`goal_effects` therefore adds, per goal, the part of the
development since the goal's baseline year that the area evaluation attributes to the programme: the area's
departure from its expected path on the goal's indicator, with its placebo interval and minimum detectable effect
(:func:`veedel_lib.analysis.evaluation.area_effect`, the same estimate the area's evaluation shows).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..analysis.evaluation import area_effect, unit_panel
from ..analysis.indicators import indicator_series
from ..inputs.dataset import Dataset
from .validation import Plans

NOT_MEASURABLE = "noch nicht messbar"
ON_TRACK = "auf Kurs"
OFF_TRACK = "nicht auf Kurs"
UNCERTAIN = "unsicher"
REACHED = "erreicht"
MISSED = "nicht erreicht"
STATUSES = (REACHED, ON_TRACK, UNCERTAIN, OFF_TRACK, MISSED, NOT_MEASURABLE)
"""Every goal status, in the order reports list them."""
MIN_YEARS_AFTER_BASELINE = 2

DAYS_PER_MONTH = 365.25 / 12


def reaches(value: float, target: float, direction: str) -> bool:
    """Whether ``value`` reaches the ``target`` of a goal that wants the indicator to fall ("senken") or rise."""
    return bool(value <= target) if direction == "senken" else bool(value >= target)


def share_covered(baseline: float, current: float, target: float) -> float:
    """Share of the way from baseline to target covered, in percent (negative: moved away from the target)."""
    if not np.isfinite(current) or not np.isfinite(baseline) or target == baseline:
        return np.nan
    return 100.0 * (current - baseline) / (target - baseline)


def project(years: np.ndarray, values: np.ndarray, weights: np.ndarray, target_year: int,
            level: float = 0.95) -> tuple[float, float, float]:
    """The weighted linear trend carried to ``target_year``: projected value and the prediction interval of that
    year's value (NaN below 3 years).

    Weighted least squares (statsmodels) with the years' denominators as weights (scaled to mean 1). The
    interval is the prediction interval of a single year's value at the target year with the average weight
    (the line's uncertainty plus the residual spread of single years), from the t distribution with n - 2 degrees
    of freedom, so three years give a very wide interval, as they should. Not the confidence interval of the
    line: a goal is met or missed by one year's value, which scatters around the line.
    """
    mask = np.isfinite(values) & np.isfinite(weights) & (weights > 0)
    if mask.sum() < 3:
        return np.nan, np.nan, np.nan
    # statsmodels and scipy.stats take a second to import: only where used, and only the modules used
    from statsmodels.regression.linear_model import WLS
    from statsmodels.tools.tools import add_constant

    x = add_constant(years[mask].astype(float) - float(years[mask].min()))
    fit = WLS(values[mask], x, weights=weights[mask] / weights[mask].mean()).fit()
    point = np.array([[1.0, float(target_year) - float(years[mask].min())]])
    prediction = fit.get_prediction(point)
    low, high = prediction.conf_int(obs=True, alpha=1 - level)[0]
    return float(prediction.predicted_mean[0]), float(low), float(high)


def goal_status(low: float, high: float, target: float, direction: str) -> str:
    """"auf Kurs" when the whole prediction interval [low, high] of the target year's value reaches the target,
    "nicht auf Kurs" when none of it does, "unsicher" when it holds both (NaN bounds: "unsicher")."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return UNCERTAIN
    at_low, at_high = reaches(low, target, direction), reaches(high, target, direction)
    if at_low and at_high:
        return ON_TRACK
    return OFF_TRACK if not (at_low or at_high) else UNCERTAIN


def track_goal(series: pd.DataFrame, baseline_year: int, baseline_value: float, target: float, target_year: int,
               direction: str, report_year: int, level: float = 0.95) -> dict:
    """The state of one goal from its yearly ``series`` (year, numerator, denominator, value, ci_low, ci_high).

    Returns current_year, current_value, current_ci_low, current_ci_high, current_numerator, current_denominator,
    share_covered (%), projection, projection_low and projection_high (the prediction interval of the target year's
    value, :func:`project`), trend_start (the trend line's value in the
    baseline year, for drawing it), years_after, status (one of
    :data:`STATUSES`), certain (False when the interval allows both reaching and missing the target),
    count_min and denominator_min (the smallest yearly counts used: disclosure control rests on them).
    """
    used = series[(series["year"] >= baseline_year) & (series["year"] <= report_year)
                  & np.isfinite(series["value"].astype(float))].sort_values("year")
    after = used[used["year"] > baseline_year]
    result = {"current_year": np.nan, "current_value": np.nan, "current_ci_low": np.nan, "current_ci_high": np.nan,
              "current_numerator": np.nan, "current_denominator": np.nan, "share_covered": np.nan,
              "projection": np.nan, "projection_low": np.nan, "projection_high": np.nan, "trend_start": np.nan,
              "years_after": int(len(after)), "status": NOT_MEASURABLE, "certain": False,
              "count_min": float(used["numerator"].min()) if len(used) else np.nan,
              "denominator_min": float(used["denominator"].min()) if len(used) else np.nan}
    if after.empty:
        return result
    last = after.iloc[-1]
    result.update({"current_year": int(last["year"]), "current_value": float(last["value"]),
                   "current_ci_low": float(last["ci_low"]), "current_ci_high": float(last["ci_high"]),
                   "current_numerator": float(last["numerator"]), "current_denominator": float(last["denominator"]),
                   "share_covered": share_covered(baseline_value, float(last["value"]), target)})
    if len(after) < MIN_YEARS_AFTER_BASELINE or not np.isfinite(target):
        return result
    at_target = used[used["year"] == target_year]
    if len(at_target):  # the target year is in the data: judge by its value
        row = at_target.iloc[0]
        ok = reaches(float(row["value"]), target, direction)
        result.update({"status": REACHED if ok else MISSED, "projection": float(row["value"]),
                       "projection_low": float(row["ci_low"]), "projection_high": float(row["ci_high"]),
                       "certain": reaches(float(row["ci_low"]), target, direction) == reaches(
                           float(row["ci_high"]), target, direction)})
        return result
    years, values = used["year"].to_numpy(), used["value"].to_numpy(dtype=float)
    weights = used["denominator"].to_numpy(dtype=float)
    point, low, high = project(years, values, weights, target_year, level)
    result.update({"projection": point, "projection_low": low, "projection_high": high,
                   "trend_start": project(years, values, weights, baseline_year, level)[0],
                   "status": goal_status(low, high, target, direction),
                   "certain": reaches(low, target, direction) == reaches(high, target, direction)})
    return result


def goal_series(ds: Dataset, area_id: str, indicator_ids: list[str], last_year: int,
                level: float = 0.95) -> pd.DataFrame:
    """Yearly values with counts and intervals of the area for the goals' indicators, up to ``last_year``."""
    area = ds.areas.get(area_id)
    indicators = [ds.catalogue.indicator(i) for i in dict.fromkeys(indicator_ids)]
    if not indicators:
        return pd.DataFrame(columns=["indicator", "year", "numerator", "denominator", "value", "ci_low", "ci_high"])
    years = [y for y in ds.years if y <= last_year]
    series = indicator_series(ds, {area.id: ds.unit_ids(area.id)}, indicators, years, level)
    return series[["indicator", "year", "numerator", "denominator", "value", "ci_low", "ci_high"]]


GOAL_COLUMNS = ["area_id", "period", "number", "indicator", "label", "unit", "direction", "baseline_year",
                "baseline_value", "baseline_numerator", "baseline_denominator", "target", "target_year", "text",
                "threshold", "denominator_threshold", "current_year", "current_value", "current_ci_low",
                "current_ci_high", "current_numerator", "current_denominator", "share_covered", "projection",
                "projection_low", "projection_high", "trend_start", "years_after", "status", "certain", "count_min",
                "denominator_min"]


def monitor_goals(ds: Dataset, plans: Plans, report_year: int, level: float = 0.95) -> pd.DataFrame:
    """One row per goal of ``plans``: baseline, current value, share covered, projection and status."""
    rows = []
    for area_id, goals in plans.goals.groupby("area_id", sort=False):
        series = goal_series(ds, area_id, list(goals["indicator"]), report_year, level)
        for goal in goals.itertuples(index=False):
            state = track_goal(series[series["indicator"] == goal.indicator], int(goal.baseline_year),
                               float(goal.baseline_value), float(goal.target), int(goal.target_year), goal.direction,
                               report_year, level)
            rows.append({**{k: getattr(goal, k) for k in GOAL_COLUMNS if hasattr(goal, k)}, **state})
    frame = pd.DataFrame(rows, columns=GOAL_COLUMNS)
    return frame.astype({"certain": bool}) if len(frame) else frame


EFFECT_COLUMNS = ["effect", "effect_low", "effect_high", "effect_mde", "effect_count_min", "effect_denominator_min"]
"""What :func:`goal_effects` adds: the departure from the expected path (indicator's points) with its interval and
minimum detectable effect, and the smallest yearly counts of the area the estimate rests on (for disclosure)."""


def goal_effect(ds: Dataset, area_id: str, indicator_id: str, baseline_year: int, report_year: int,
                level: float = 0.95) -> dict[str, float]:
    """The evaluation's estimate for one goal: the area's mean departure from its expected path on the goal's
    indicator in the years after the goal's baseline year up to ``report_year`` (indicator's points), with its
    placebo interval and minimum detectable effect; NaN where the data do not allow an estimate (fewer than two
    years before the baseline, none after it, an indicator of the latest year only)."""
    indicator = ds.catalogue.indicator(indicator_id)
    result = dict.fromkeys(EFFECT_COLUMNS, np.nan)
    if indicator.latest_available or baseline_year >= report_year:
        return result
    frame = unit_panel(ds, indicator, area_id, baseline_year, report_year).frame
    treated = frame[frame["treated"]]
    if frame.loc[~frame["post"], "year"].nunique() < 2 or not frame["post"].any() or treated.empty:
        return result
    sums = treated.groupby("year")[["numerator", "denominator"]].sum()
    effect = area_effect(ds, indicator, area_id, baseline_year, report_year, level)
    return {"effect": effect.estimate, "effect_low": effect.ci_low, "effect_high": effect.ci_high,
            "effect_mde": effect.mde, "effect_count_min": float(sums["numerator"].min()),
            "effect_denominator_min": float(sums["denominator"].min())}


def goal_effects(ds: Dataset, goals: pd.DataFrame, report_year: int, level: float = 0.95) -> pd.DataFrame:
    """The goals of :func:`monitor_goals` with :data:`EFFECT_COLUMNS`: per goal the part of the development since
    its baseline year that the area evaluation attributes to the programme (see the module docstring)."""
    rows = [goal_effect(ds, g.area_id, g.indicator, int(g.baseline_year), report_year, level)
            for g in goals.itertuples(index=False)]
    return pd.concat([goals.reset_index(drop=True), pd.DataFrame(rows, columns=EFFECT_COLUMNS)], axis=1)


def goal_paths(ds: Dataset, plans: Plans, report_year: int, level: float = 0.95) -> pd.DataFrame:
    """The yearly values of every goal's indicator in its area from the goal's baseline year to the report year:
    area_id, number, label, unit, year, numerator, denominator, value, ci_low, ci_high and the publish thresholds
    (for the goals' figure; each value rests on its year's counts)."""
    rows = []
    for area_id, goals in plans.goals.groupby("area_id", sort=False):
        series = goal_series(ds, area_id, list(goals["indicator"]), report_year, level)
        for goal in goals.itertuples(index=False):
            own = series[(series["indicator"] == goal.indicator) & (series["year"] >= goal.baseline_year)]
            rows.append(own.assign(area_id=area_id, number=goal.number, label=goal.label, unit=goal.unit,
                                   threshold=goal.threshold, denominator_threshold=goal.denominator_threshold))
    columns = ["area_id", "number", "label", "unit", "year", "numerator", "denominator", "value", "ci_low", "ci_high",
               "threshold", "denominator_threshold"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def months_between(earlier: pd.Timestamp | _dt.date, later: pd.Timestamp | _dt.date) -> float:
    """Whole months from ``earlier`` to ``later`` (negative when ``later`` lies before), on average month lengths."""
    return float(round((pd.Timestamp(later) - pd.Timestamp(earlier)).days / DAYS_PER_MONTH))


def monitor_measures(plans: Plans, as_of: _dt.date, not_started: tuple[str, ...] = ("geplant", "in Vorbereitung",
                                                                                   "verschoben")) -> pd.DataFrame:
    """One row per measure: delay of start and end against the plan (months), spent share of the budget (%).

    ``start_delay``: actual start (or, not yet started, ``as_of``) minus planned start, when later; ``end_delay``:
    actual or expected end minus planned end (a measure still open after its planned end without a new date is
    late by ``as_of`` minus planned end). ``delayed`` is True when either is positive or the status is
    "verschoben". ``as_of`` is the date the plan's statuses describe (the end of the report year at most).
    """
    frame = plans.measures.copy()
    stamp = pd.Timestamp(as_of)
    start_delay, end_delay = [], []
    for record in frame.itertuples():
        if pd.notna(record.start):
            start_delay.append(max(0.0, months_between(record.planned_start, record.start)))
        elif record.status in not_started and record.planned_start < stamp:
            start_delay.append(months_between(record.planned_start, stamp))
        else:
            start_delay.append(0.0)
        if pd.notna(record.end):
            end_delay.append(max(0.0, months_between(record.planned_end, record.end)))
        elif record.planned_end < stamp and record.status not in ("abgeschlossen", "abgebrochen"):
            end_delay.append(months_between(record.planned_end, stamp))
        else:
            end_delay.append(0.0)
    frame["start_delay"] = start_delay
    frame["end_delay"] = end_delay
    frame["delay"] = frame[["start_delay", "end_delay"]].max(axis=1) if len(frame) else pd.Series(dtype=float)
    frame["delayed"] = (frame["delay"] > 0) | (frame["status"] == "verschoben")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["spent_share"] = np.where(frame["budget"] > 0, 100 * frame["spent"] / frame["budget"], np.nan)
    return frame


def status_date(report_year: int, today: _dt.date | None = None) -> _dt.date:
    """The date a report's plan statuses describe: the end of the report year, or today if that is earlier."""
    today = today or _dt.date.today()
    return min(_dt.date(report_year, 12, 31), today)


def current_plans(plans: Plans, year: int) -> Plans:
    """Each area's plan in the period that contains ``year`` (else its latest earlier one), all areas together."""
    parts = [plans.of(a, p) for a in plans.area_ids if (p := plans.period_for(a, year)) is not None]
    if not parts:
        return plans.of("", None)
    frames = {key: pd.concat([getattr(p, key) for p in parts], ignore_index=True)
              for key in ("plans", "needs", "goals", "strategies", "measures", "decisions")}
    return Plans(**frames, area_ids=plans.area_ids, files=plans.files)
