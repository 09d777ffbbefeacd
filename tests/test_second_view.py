"""The evaluation's second view in words: the synthetic control's agreement with the difference in differences and
the breakdown value of the trend assumption."""

import numpy as np
import pandas as pd

from veedel_lib.reports.second_view import _agreement_sentence, _sensitivity_sentences


def _rows(**columns):
    base = {"label": ["SGB-II-Quote", "Arbeitslosenanteil"], "unit": ["percent", "percent"],
            "event_effect": [-0.46, 0.30], "largest_pre_change": [0.95, 1.16], "agree": ["nein", "ja"]}
    base.update(columns)
    return pd.DataFrame(base)


def test_a_breakdown_value_that_rounds_to_zero_is_called_fragile_not_zero_times():
    sentences = " ".join(_sensitivity_sentences(_rows(breakdown=[1.4, 0.039]), 2020))
    assert "0,0-mal" not in sentences
    assert "Bei Arbeitslosenanteil ist schon ohne jede Abweichung vom bisherigen Trend" in sentences
    assert "höchstens 1,4-mal so stark zunimmt wie die größte Schwankung von Jahr zu Jahr vor 2020 (0,95 Pp.)" \
        in sentences


def test_a_breakdown_value_below_one_says_that_a_smaller_fluctuation_could_explain_the_result():
    sentences = " ".join(_sensitivity_sentences(_rows(breakdown=[0.3, np.nan]), 2020))
    assert "höchstens 0,3-mal" in sentences and "schon eine kleinere Schwankung als vor 2020" in sentences


def test_the_agreement_sentence_counts_the_indicators_and_names_those_that_differ():
    text = _agreement_sentence(_rows(), "Kalk")
    assert text.startswith("Bei 1 von 2 Indikatoren kommen beide Vergleiche")
    assert "nicht bei SGB-II-Quote" in text
