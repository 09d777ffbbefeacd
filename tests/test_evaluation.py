"""Evaluation: a built-in effect is recovered, no effect gives an interval around zero, the fast projection
equals the full regression, and the German reading does not overclaim."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import PARAMETERS

from veedel_lib.analysis import evaluation
from veedel_lib.demo import generator as demo_module
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.render import formatting as fmt
from veedel_lib.render.text import EFFECT_DECIMALS, evaluation_reading

AREA = "hoehenberg-vingst"
BASELINE = 2020


@pytest.fixture(scope="module")
def no_effect(tmp_path_factory):
    """Demo data generated without any built-in effect (same seed, same levels)."""
    folder = demo_module.write_demo_data(tmp_path_factory.mktemp("no-effect") / "data", PARAMETERS, effects=())
    return load_dataset(folder, PARAMETERS)


def _evaluate(ds, indicator_ids, area=AREA):
    indicators = [ds.catalogue.indicator(i) for i in indicator_ids]
    return evaluation.evaluate(ds, area, indicators, BASELINE, ds.latest_year).set_index("indicator")


def test_built_in_effect_is_recovered_within_its_interval(demo):
    """The demo has the SGB II quota of Höhenberg/Vingst falling 2 pp faster than the city from 2021."""
    effect = next(e for e in demo_module.DEFAULT_EFFECTS if e.area_id == AREA)
    assert effect.change_pp == -2.0
    row = _evaluate(demo, [effect.indicator])["estimate ci_low ci_high p_value".split()].loc[effect.indicator]
    assert row["ci_low"] <= effect.change_pp <= row["ci_high"]
    assert row["ci_high"] < 0, "the interval must exclude zero for a 2-pp effect"
    assert row["estimate"] == pytest.approx(effect.change_pp, abs=0.3)
    assert row["p_value"] < 0.05


def test_no_built_in_effect_gives_an_interval_covering_zero(no_effect):
    row = _evaluate(no_effect, ["sgb2_quote"]).loc["sgb2_quote"]
    assert row["ci_low"] < 0 < row["ci_high"]
    assert abs(row["estimate"]) < 0.5
    assert row["p_value"] > 0.05


def test_an_effect_in_one_area_does_not_leak_into_the_others(demo, no_effect):
    """The other programme areas are no comparison group: Kalk's estimate is the same whether or not
    Höhenberg/Vingst has its built-in effect."""
    with_effect = _evaluate(demo, ["sgb2_quote"], area="kalk").loc["sgb2_quote"]
    without = _evaluate(no_effect, ["sgb2_quote"], area="kalk").loc["sgb2_quote"]
    assert with_effect["estimate"] == pytest.approx(without["estimate"], abs=0.01)


def test_no_area_shows_a_sizeable_effect_without_one_built_in(no_effect):
    """Without a built-in effect every area's estimate is small next to 2 pp, and intervals cover zero for
    nearly all of them (at a 95 % level about one in twenty may miss by chance)."""
    indicator = [no_effect.catalogue.indicator("sgb2_quote")]
    rows = pd.concat([evaluation.evaluate(no_effect, area, indicator, BASELINE, no_effect.latest_year)
                      for area in no_effect.areas.ids])
    assert rows["estimate"].abs().max() < 0.3
    covering = ((rows["ci_low"] < 0) & (rows["ci_high"] > 0)).sum()
    assert covering >= len(rows) - 3


def _fixed_part(frame: pd.DataFrame, baseline: int) -> np.ndarray:
    """The model's fixed part written out from its description (evaluation module docstring): a dummy per unit,
    a linear trend per unit (centred years; the first unit's left out, all of them add up to a common trend), a
    dummy per year but the first, and the same year dummies times the unit's mean rate up to the baseline, centred
    over the observations."""
    units = sorted(frame["unit"].unique())
    years = sorted(frame["year"].unique())[1:]
    centred_year = frame["year"] - frame["year"].mean()
    before = frame[frame["year"] <= baseline].groupby("unit")["rate"].mean()
    level = frame["unit"].map(before).to_numpy()
    level = level - level.mean()
    columns = [(frame["unit"] == u).to_numpy(dtype=float) for u in units]
    columns += [((frame["unit"] == u) * centred_year).to_numpy(dtype=float) for u in units[1:]]
    year_dummies = [(frame["year"] == y).to_numpy(dtype=float) for y in years]
    return np.column_stack(columns + year_dummies + [d * level for d in year_dummies])


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_projection_equals_the_full_weighted_regression(demo):
    """Frisch-Waugh-Lovell: the fast residualised fit gives the same coefficient and clustered standard error
    as statsmodels WLS with every fixed effect as a column. The area's units against those of 15 other Stadtteile:
    the identity does not depend on the panel's size, the dense design of all 86 Stadtteile took a minute."""
    panel = evaluation.unit_panel(demo, demo.catalogue.indicator("sgb2_quote"), AREA, BASELINE)
    controls = sorted(set(panel.frame.loc[~panel.frame["treated"], "stadtteil"]))[::5][:15]
    frame = panel.frame[panel.frame["treated"] | panel.frame["stadtteil"].isin(controls)].reset_index(drop=True)
    assert frame["unit"].nunique() > 50 and frame["stadtteil"].nunique() >= 15
    # treatment and fixed part built here from the model's description, not taken from the module under test
    treatment = (frame["treated"] & (frame["year"] > BASELINE)).to_numpy(dtype=float)[:, None]
    fast = evaluation._Projection(frame, BASELINE).fit(treatment, 0.95)
    design = np.column_stack([treatment, _fixed_part(frame, BASELINE)])
    groups = pd.factorize(frame["stadtteil"])[0]
    full = sm.WLS(frame["rate"].to_numpy(), design, weights=frame["denominator"].to_numpy(dtype=float)).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    assert fast.params[0] == pytest.approx(full.params[0], rel=1e-6)
    # CRV1 small-sample factor with the model's real number of parameters (its rank)
    n, k, g = len(frame), np.linalg.matrix_rank(design), groups.max() + 1
    corrected = full.bse[0] * np.sqrt(g / (g - 1) * (n - 1) / (n - k))
    assert fast.bse[0] == pytest.approx(corrected, rel=1e-4)


def test_difference_in_differences_by_hand_on_a_two_period_panel():
    """Without trends to separate (two years), the weighted estimate is the textbook 2x2 difference:
    (area after - area before) - (rest after - rest before), each a pooled rate."""
    rows = []
    rates = {"a": (30.0, 27.0), "b": (20.0, 19.0), "c": (10.0, 10.5), "d": (12.0, 12.5), "e": (15.0, 14.0)}
    for unit, (before, after) in rates.items():
        for year, rate in ((2020, before), (2021, after)):
            rows.append({"unit": unit, "year": year, "numerator": rate * 10, "denominator": 1000.0,
                         "rate": rate, "treated": unit in ("a", "b"), "post": year > 2020, "stadtteil": unit})
    frame = pd.DataFrame(rows)
    design = np.column_stack([(frame["treated"] & frame["post"]).to_numpy(dtype=float),
                              pd.get_dummies(frame["unit"], dtype=float).to_numpy(),
                              pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]])
    fit = sm.WLS(frame["rate"].to_numpy(), design, weights=frame["denominator"].to_numpy()).fit()
    by_hand = ((27 + 19) / 2 - (30 + 20) / 2) - ((10.5 + 12.5 + 14) / 3 - (10 + 12 + 15) / 3)
    assert fit.params[0] == pytest.approx(by_hand)
    assert by_hand == pytest.approx(-2.0)


def test_reading_says_no_more_than_the_interval_supports(demo, no_effect):
    with_effect = _evaluate(demo, ["sgb2_quote"]).reset_index().iloc[0]
    text = evaluation_reading(with_effect, "Höhenberg/Vingst", BASELINE)
    assert "gesunken, stärker als erwartet" in text and "unter dem erwarteten Verlauf" in text
    assert "ist gesichert" in text and "günstigere Entwicklung" in text
    assert "nicht ableiten" in text, "a difference in development is no proof that the programme caused it"
    shown = [fmt.points(with_effect[k], "percent", EFFECT_DECIMALS, short=True) for k in ("estimate", "ci_low",
                                                                                          "ci_high")]
    assert not any(number in text for number in shown), "estimate and interval stand in the table, not again here"

    without = _evaluate(no_effect, ["sgb2_quote"]).reset_index().iloc[0]
    text = evaluation_reading(without, "Höhenberg/Vingst", BASELINE)
    assert "nicht vom Zufall unterscheiden" in text and "nicht gesichert" in text
    assert "spricht für" not in text
    assert f"Ein Effekt unter {fmt.number(without['mde'], EFFECT_DECIMALS)} Pp. wäre mit diesen Daten" in text


def test_indicators_without_enough_years_are_marked_not_evaluable(demo):
    result = evaluation.evaluate(demo, AREA, [demo.catalogue.indicator("sgb2_quote")], demo.latest_year,
                                 demo.latest_year)
    assert result.loc[0, "status"] == "nicht auswertbar"
    assert "nicht auswertbar" in evaluation_reading(result.iloc[0], "Höhenberg/Vingst", demo.latest_year)


def test_gap_closure_is_the_share_of_the_baseline_gap_closed(demo):
    table = evaluation.gap_closure(demo, AREA, [demo.catalogue.indicator("sgb2_quote")], BASELINE,
                                   demo.latest_year).iloc[0]
    assert table["gap_then"] == pytest.approx(table["area_then"] - table["city_then"])
    assert table["gap_now"] == pytest.approx(table["area_now"] - table["city_now"])
    assert table["gap_closed"] == pytest.approx(100 * (1 - table["gap_now"] / table["gap_then"]))
    assert table["gap_closed"] > 0, "the built-in effect narrows the gap to the city"


# ----------------------------------------------------------------------------- report content

def _texts(blocks) -> str:
    """Everything a report would show from these blocks, as one string (tables as their full frames)."""
    from veedel_lib.render.blocks import ChartBlock, TableBlock, TextBlock

    parts = []
    for block in blocks:
        if isinstance(block, TextBlock):
            parts.append(block.markdown)
        elif isinstance(block, TableBlock):
            parts.append(block.frame.to_csv())
        elif isinstance(block, ChartBlock):
            parts.append(block.chart.data.to_csv() + block.chart.alt)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def area_evaluation(demo):
    from veedel_lib.reports.evaluation import Evaluation

    return Evaluation.open(AREA, baseline_year=BASELINE, dataset=demo, parameters_dir=PARAMETERS)


def test_evaluation_report_sections(area_evaluation):
    overview = area_evaluation.overview()
    table = overview[0].frame.set_index("indicator")
    assert table.loc["sgb2_quote", "verdict"] == "günstiger als erwartet"
    assert "nicht ableiten" in overview[1].markdown
    controlling = _texts(area_evaluation.controlling())
    assert "Zielvereinbarung 2024" in controlling and "vereinbarten Zielen" in controlling
    kernprozess = area_evaluation.kernprozess_indicators()[0].frame
    assert {"y2020", "y2024"} <= set(kernprozess.columns)
    assert area_evaluation.development()[0].chart.data["label"].nunique() == len(area_evaluation.indicators)


def test_free_text_never_reaches_a_report(area_evaluation, demo):
    """The demo documentation has titles "Thema 2023-4" and project names "Projekt 2022-1" in its free-text
    columns: no evaluation or Jahresbericht section may show them."""
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    programme = ProgrammeReport.open(dataset=demo, parameters_dir=PARAMETERS)
    shown = _texts(area_evaluation.kernprozess_indicators() + area_evaluation.controlling()
                   + programme.kernprozesse() + programme.controlling() + programme.themes_by_field())
    assert "Kernprozessindikatoren" in shown or "Themen" in shown
    assert "Thema 20" not in shown and "Projekt 20" not in shown


def test_jahresbericht_totals_are_sums_and_ratios_of_sums(demo):
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    programme = ProgrammeReport.open(dataset=demo, parameters_dir=PARAMETERS)
    table = programme.kernprozesse()[0].frame.set_index("area")
    areas, total = table.drop(index="Alle Gebiete"), table.loc["Alle Gebiete"]
    assert len(areas) == 15
    assert total["themen_erkannt"] == areas["themen_erkannt"].sum()
    kp = programme._kernprozesse()
    values = kp.values[kp.values["year"] == programme.year].pivot(index="area_id", columns="indicator",
                                                                    values="value")
    expected = 100 * values["themen_weitergegeben"].sum() / values["themen_erkannt"].sum()
    assert total["anteil_weitergegeben"] == pytest.approx(expected)
    assert total["anteil_weitergegeben"] != pytest.approx(areas["anteil_weitergegeben"].mean())


def test_the_unit_counts_are_built_once_per_dataset_and_each_caller_gets_its_own_copy(demo, monitor_calls):
    """Every area's evaluation and the programme evaluation read the same unit-year counts of an indicator: they are
    built once per dataset, and the programme panel's added columns do not reach the next evaluation."""
    from veedel_lib.analysis.programme_evaluation import programme_panel

    indicator = demo.catalogue.indicator("sgb2_quote")
    builds = monitor_calls(evaluation, "_unit_counts")
    demo.cache.pop("unit_counts", None)
    panel = programme_panel(demo, indicator, 2020, 2024)
    assert {"area", "treated", "cluster"} <= set(panel.columns)
    counts = evaluation.unit_counts(demo, indicator, 2024)
    assert list(counts.columns) == ["unit", "year", "numerator", "denominator", "rate"]
    assert len(builds) == 1
    evaluation.unit_counts(demo, indicator, 2020)
    assert len(builds) == 2
    expected = evaluation._unit_counts(demo, indicator, 2024)
    pd.testing.assert_frame_equal(counts, expected)
