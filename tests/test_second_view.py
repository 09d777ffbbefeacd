"""The evaluation's second view in words: the synthetic control's agreement with the difference in differences and
the breakdown value of the trend assumption."""

from types import SimpleNamespace

import numpy as np
import pandas as pd

from veedel_lib.reports.second_view import _agreement_sentence, _sensitivity_sentences


STADTTEILE = SimpleNamespace(plural="Stadtteile")


def _rows(**columns):
    base = {"label": ["SGB-II-Quote", "Arbeitslosenanteil"], "unit": ["percent", "percent"],
            "event_effect": [-0.46, 0.30], "largest_pre_change": [0.95, 1.16], "agree": ["nein", "ja"],
            "breakdown_missing": [False, False]}
    base.update(columns)
    return pd.DataFrame(base)


def test_a_breakdown_value_that_rounds_to_zero_is_called_fragile_not_zero_times():
    sentences = " ".join(_sensitivity_sentences(_rows(breakdown=[1.4, 0.039]), 2020, STADTTEILE))
    assert "0,0-mal" not in sentences
    assert "Bei Arbeitslosenanteil ist schon ohne jede Abweichung vom bisherigen Trend" in sentences
    assert "höchstens 1,4-mal so stark zunimmt wie die größte Schwankung von Jahr zu Jahr vor 2020 (0,95 Pp.)" \
        in sentences


def test_a_breakdown_value_below_one_says_that_a_smaller_fluctuation_could_explain_the_result():
    sentences = " ".join(_sensitivity_sentences(_rows(breakdown=[0.3, np.nan]), 2020, STADTTEILE))
    assert "höchstens 0,3-mal" in sentences and "schon eine kleinere Schwankung als vor 2020" in sentences


def test_an_indicator_without_a_breakdown_value_is_named_with_what_it_would_need():
    """Too few years or comparison units (or a singular placebo covariance): the indicator is named, not left out
    in silence; the definition of the breakdown value follows only when a value is shown."""
    sentences = _sensitivity_sentences(_rows(breakdown=[np.nan, np.nan], breakdown_missing=[False, True]), 2020,
                                       STADTTEILE)
    assert sentences == ["**Trendannahme:** Für Arbeitslosenanteil lässt sich kein Bruchpunkt berechnen: dafür "
                         "braucht es mindestens zwei Jahre vor 2020 und eines danach sowie genug Stadtteile mit "
                         "voneinander unabhängigen Verläufen (mindestens fünf und mindestens so viele wie Jahre)."]
    both = " ".join(_sensitivity_sentences(_rows(breakdown=[1.4, np.nan], breakdown_missing=[False, True]), 2020,
                                           STADTTEILE))
    assert "höchstens 1,4-mal" in both and "Bruchpunkt M̄ (Rambachan und Roth 2023)" in both
    assert both.endswith("Für Arbeitslosenanteil lässt sich kein Bruchpunkt berechnen: dafür braucht es mindestens "
                         "zwei Jahre vor 2020 und eines danach sowie genug Stadtteile mit voneinander unabhängigen "
                         "Verläufen (mindestens fünf und mindestens so viele wie Jahre).")


def test_the_agreement_sentence_counts_the_indicators_and_names_those_that_differ():
    text = _agreement_sentence(_rows(), "Kalk")
    assert text.startswith("Bei 1 von 2 Indikatoren kommen beide Vergleiche")
    assert "nicht bei SGB-II-Quote" in text


def test_the_evaluation_names_the_indicators_whose_sensitivity_cannot_be_computed(demo, monkeypatch):
    """Through the report's own table: where the sensitivity is None (here for every indicator), the section's text
    names each indicator the synthetic control could rate, and shows no breakdown value."""
    from conftest import PARAMETERS

    from veedel_lib.reports import second_view
    from veedel_lib.reports.evaluation import Evaluation

    monkeypatch.setattr(second_view, "sensitivity", lambda *args, **kwargs: None)
    content = Evaluation.open("kalk", baseline_year=2020, dataset=demo, parameters_dir=PARAMETERS)
    text = second_view.second_comparison(content)[-1].markdown
    table = second_view.second_view_table(content)
    ok = table.loc[table["breakdown_missing"], "label"].tolist()
    assert ok and table["breakdown"].isna().all()
    assert f"**Trendannahme:** Für {', '.join(ok)} lässt sich kein Bruchpunkt berechnen" in text
    assert "höchstens" not in text and "Bruchpunkt M̄ (Rambachan" not in text
