"""Goals judged on effects too: next to a goal's level judgement stands the part of the development that the area's
evaluation attributes to the programme, with its interval, and the reports say in words where the two disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.planning.monitoring import EFFECT_COLUMNS, OFF_TRACK, ON_TRACK, UNCERTAIN, goal_effect
from veedel_lib.render.blocks import TableBlock, TextBlock
from veedel_lib.render.disclosure import masked
from veedel_lib.reports import plan_blocks as pb


def _goal(status: str, effect: float, low: float, high: float, direction: str = "senken") -> pd.Series:
    return pd.Series({"number": "Z-1", "label": "SGB-II-Quote", "status": status, "direction": direction,
                      "effect": effect, "effect_low": low, "effect_high": high})


def _read(row: pd.Series) -> tuple[str, str]:
    row = row.copy()
    row["effect_verdict"] = pb.effect_verdict(row)
    return row["effect_verdict"], pb.disagreement(row)


def test_a_goal_on_track_without_a_secured_favourable_effect_is_said_to_owe_nothing_certain_to_the_programme():
    verdict, sentence = _read(_goal(ON_TRACK, -0.10, -0.30, 0.12))
    assert verdict == "kein gesicherter Unterschied"
    assert sentence.startswith("Ziel Z-1 (SGB-II-Quote) ist auf Kurs, doch die Evaluation schreibt dem Programm daran "
                               "keinen gesicherten Anteil zu")


def test_a_goal_off_track_with_a_secured_favourable_effect_is_said_to_show_an_effect_that_does_not_suffice():
    verdict, sentence = _read(_goal(OFF_TRACK, -0.80, -1.10, -0.40))
    assert verdict == "günstiger als erwartet"
    assert "entwickelte sich gesichert günstiger als erwartet" in sentence and "nicht ausreicht" in sentence


def test_level_and_effect_that_agree_or_an_uncertain_goal_give_no_sentence():
    assert _read(_goal(ON_TRACK, -0.80, -1.10, -0.40)) == ("günstiger als erwartet", "")
    assert _read(_goal(OFF_TRACK, 0.05, -0.20, 0.30))[1] == ""
    assert _read(_goal(UNCERTAIN, -0.80, -1.10, -0.40))[1] == ""


def test_favourable_follows_the_goals_direction_and_the_interval_as_shown():
    # a goal that wants the indicator to rise: a positive departure is favourable
    assert pb.effect_verdict(_goal(ON_TRACK, 0.5, 0.2, 0.8, direction="steigern")) == "günstiger als erwartet"
    assert pb.effect_verdict(_goal(ON_TRACK, 0.5, 0.2, 0.8)) == "ungünstiger als erwartet"
    # shown with two decimals the interval +0,00 to +0,30 includes zero: no secured effect, so no claim on it
    assert pb.effect_verdict(_goal(ON_TRACK, 0.15, 0.004, 0.30)) == "kein gesicherter Unterschied"
    assert pb.effect_verdict(_goal(ON_TRACK, np.nan, np.nan, np.nan)) == "nicht auswertbar"


def test_a_goals_effect_is_the_areas_departure_from_its_expected_path_as_its_evaluation_shows_it(demo):
    """The planted effect of the demo data (Höhenberg/Vingst's SGB-II-Quote 2 points lower from 2021) is what the
    goal's estimate finds, and it is the same number as the area's own evaluation table shows."""
    from veedel_lib.reports.evaluation import Evaluation

    year = demo.latest_year
    effect = goal_effect(demo, "hoehenberg-vingst", "sgb2_quote", 2020, year)
    assert set(effect) == set(EFFECT_COLUMNS)
    assert effect["effect"] == pytest.approx(-2.0, abs=0.2)
    assert effect["effect_high"] < 0 < effect["effect_mde"]
    evaluation = Evaluation.open("hoehenberg-vingst", year=year, dataset=demo, parameters_dir=PARAMETERS)
    results = evaluation.results().set_index("indicator")
    assert effect["effect"] == pytest.approx(results.at["sgb2_quote", "estimate"], rel=1e-12)
    assert (effect["effect_low"], effect["effect_high"]) == pytest.approx(
        (results.at["sgb2_quote", "ci_low"], results.at["sgb2_quote", "ci_high"]), rel=1e-12)


def test_the_evaluation_bezirksbericht_and_jahresbericht_show_level_and_effect_of_every_goal(demo):
    from veedel_lib.reports.bezirksbericht import BezirkReport
    from veedel_lib.reports.evaluation import Evaluation
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    year = demo.latest_year
    blocks = Evaluation.open("hoehenberg-vingst", year=year, dataset=demo, parameters_dir=PARAMETERS).plan_goals()
    table = next(b for b in blocks if isinstance(b, TableBlock) and b.name == "ziele_wirkung")
    shown = masked(table.frame, table.columns).set_index("label")
    assert shown.at["SGB-II-Quote", "effect_verdict"] == "günstiger als erwartet"
    assert {"assessment", "effect", "effect_low", "effect_high"} <= {c.key for c in table.columns if c.show}
    assert any(isinstance(b, TextBlock) and "Niveau" in b.markdown for b in blocks)

    bezirk = {b.name: b for b in BezirkReport.open(8, year=year, dataset=demo, parameters_dir=PARAMETERS)
              .plan_status() if isinstance(b, TableBlock)}
    single = masked(bezirk["ziele_bezirk_wirkung"].frame, bezirk["ziele_bezirk_wirkung"].columns)
    assert single["effect_verdict"].notna().all() and single["effect"].notna().any()

    programme = ProgrammeReport.open(year=year, dataset=demo, parameters_dir=PARAMETERS).plan_monitoring()
    counts = next(b for b in programme if isinstance(b, TableBlock) and b.name == "ziele_je_gebiet")
    total = counts.frame.set_index("area").loc[pb.TOTAL]
    assert total["favourable"] >= 1  # at least Höhenberg/Vingst's planted effect
    text = programme[0].markdown
    assert f"Bei {int(total['favourable'])} Ziel" in text
    listed = [b.markdown for b in programme if isinstance(b, TextBlock) and b.markdown.startswith("Wo sich")]
    assert len(listed) == (1 if total["disagree"] else 0)
    if total["disagree"]:
        assert listed[0].count("\n- ") == int(total["disagree"])


def test_a_goals_effect_resting_on_a_small_count_is_withheld_with_its_reading():
    goals = pd.DataFrame([{
        "area_id": "kalk", "number": "Z-1", "label": "Jugendarbeitslosenanteil", "unit": "percent",
        "direction": "senken", "status": OFF_TRACK, "certain": True, "threshold": 5, "denominator_threshold": 20,
        "baseline_numerator": 40, "baseline_denominator": 900, "current_numerator": 35, "current_denominator": 900,
        "count_min": 30, "denominator_min": 880, "effect": -0.9, "effect_low": -1.4, "effect_high": -0.5,
        "effect_mde": 0.6, "effect_count_min": 3, "effect_denominator_min": 880}])
    public = pb.masked_effects(goals, "95-%")
    assert public[["effect", "effect_low", "effect_high", "effect_verdict", "disagreement"]].isna().all().all()
    assert pb.effect_sentences(public).startswith("Für keines der Ziele")
