"""Independent tests of disclosure control (``veedel_lib/render/disclosure.py``; issue #30 item 9).

Every expected value is worked out by hand in the test from the rules of the module docstring (a count from 1 to
below its threshold is hidden, zeros are shown; the smallest other non-zero part of an additive line is hidden
while a hidden count can be recomputed; values resting on a hidden count are hidden; a standardised column keeps
at least four unknowns spread over at least one standard deviation), never taken from the module itself. Tiny
hand-made frames only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from veedel_lib.errors import DisclosureError
from veedel_lib.render.columns import Col
from veedel_lib.render.disclosure import (
    PUBLIC,
    basis,
    chart_data,
    composite_withheld,
    count,
    count_pair,
    declaration_problems,
    hidden_range,
    leaks,
    masked,
    primary_mask,
    protect,
    public_comparison,
    public_index,
    published_rank,
    rate_basis,
    rests_on,
    secondary_mask,
    standardised_mask,
)
from veedel_lib.render.hyphenation import SOFT_HYPHEN

COUNT = [Col("label", "Gruppe"), Col("n", "Anzahl", "count", threshold=3)]


def _line(values: list[float], total_row: str = "Gesamt", labels: list[str] | None = None) -> list[bool]:
    """Hidden flags of the count column of a one-column table whose row ``total_row`` sums the others."""
    labels = labels or [*"ABCDEFG"[:len(values) - 1], total_row]
    frame = pd.DataFrame({"label": labels, "n": values})
    return protect(frame, COUNT, total_row=total_row).hidden["n"].tolist()


# ----------------------------------------------------------------------------- primary suppression

def test_a_count_from_1_to_below_its_threshold_is_hidden_and_0_and_the_threshold_itself_are_shown():
    frame = pd.DataFrame({"n": [0, 1, 4, 5, np.nan], "t": [3, "?", 10, 2, 9], "m": [2, 2, 9, 2, 1],
                          "r": [1.0, 2.0, 3.0, 4.0, 5.0], "z": [1, 1, 1, 1, 1]})
    columns = [Col("n", "N", "count", threshold=5),           # a fixed threshold
               Col("m", "M", "count", threshold="t"),         # per row; an unreadable threshold is none (0)
               Col("r", "R", "rate", threshold=100),           # not a count: never hidden by itself
               Col("z", "Z", "count"),                          # a count without threshold: shown
               Col("absent", "A", "count", threshold=5)]       # declared, not in the data: ignored
    mask = primary_mask(frame, columns)
    assert list(mask.columns) == ["n", "t", "m", "r", "z"] and mask.index.equals(frame.index)
    assert mask["n"].tolist() == [False, True, True, False, False]
    assert mask["m"].tolist() == [True, False, True, False, True]
    assert not mask[["t", "r", "z"]].to_numpy().any()


def test_counts_written_as_text_are_read_as_numbers():
    frame = pd.DataFrame({"n": ["2", "12", "x"]})
    assert primary_mask(frame, [Col("n", "N", "count", threshold=3)])["n"].tolist() == [True, False, False]


def test_a_composite_is_withheld_where_one_of_its_counts_is_small_and_never_without_a_count():
    frame = pd.DataFrame({"a": [1, 50, 50, 0], "b": [50, 4, 50, 50], "c": [1, 1, 1, 1]})
    parts = [Col("a", "A", "count", threshold=3), Col("b", "B", "count", threshold=5), Col("c", "C", "number"),
             Col("gone", "G", "count", threshold=3)]
    assert composite_withheld(frame, parts).tolist() == [True, True, False, False]
    none = composite_withheld(frame, [Col("c", "C", "number")])
    assert none.tolist() == [False] * 4 and none.index.equals(frame.index)


# ----------------------------------------------------------------------------- secondary suppression

def test_the_smallest_other_non_zero_part_is_hidden_next_to_a_small_count_never_a_zero():
    # 2 is small; the zero reveals nothing and stays; the next smallest part, 15, protects the 2
    assert _line([2, 0, 40, 15, 57]) == [True, False, False, True, False]


def test_of_two_equal_candidates_the_first_one_is_hidden():
    assert _line([2, 15, 15, 32]) == [True, True, False, False]


def test_a_total_row_anywhere_in_the_table_is_found_by_its_label():
    assert _line([57, 2, 40, 15], labels=["Gesamt", "A", "B", "C"]) == [False, True, False, True]


def test_without_the_named_total_row_only_the_small_counts_are_hidden():
    assert _line([2, 40, 15, 57], total_row="Summe", labels=["A", "B", "C", "Gesamt"]) == [True, False, False, False]


def test_two_hidden_ones_would_be_pinned_by_their_sum_two_hidden_parts_with_a_larger_sum_are_not():
    assert _line([1, 1, 30, 40, 72]) == [True, True, True, False, False]  # 1 + 1 = 2 cells: each must be 1
    assert _line([1, 2, 30, 40, 73]) == [True, True, False, False, False]  # 1 + 2 = 3: (1, 2) or (2, 1)


def test_a_hidden_total_leaves_the_sum_of_the_hidden_parts_unknown():
    # 2 and the total 2 are both small: nothing else needs hiding
    assert _line([2, 0, 0, 2]) == [True, False, False, True]


def test_an_empty_cell_is_never_chosen_to_protect_a_small_count():
    assert _line([2, np.nan, 40, 60, 102]) == [True, False, True, False, False]
    assert _line(["2", "k. A.", "40", "60", "102"]) == [True, False, True, False, False]  # text: read as numbers


def test_a_row_total_protects_a_small_count_with_a_zero_only_when_nothing_else_is_left():
    columns = [Col("label", "Gruppe"), Col("x", "x", "count", threshold=3), Col("y", "y", "count", threshold=3),
               Col("s", "Summe", "number")]
    frame = pd.DataFrame({"label": ["A", "B"], "x": [2, 2], "y": [0, 0], "s": [2.0, np.nan]})
    hidden = protect(frame, columns, total_columns={"s": ["x", "y"]}).hidden
    # row A: the total (2) is the only non-zero cell left and is hidden; row B: the total is empty, the zero goes
    assert hidden[["x", "y", "s"]].to_numpy().tolist() == [[True, False, True], [True, True, False]]


def test_hiding_in_a_row_that_exposes_a_column_is_followed_up_until_nothing_can_be_recomputed():
    frame = pd.DataFrame({"label": ["A", "B", "Gesamt"], "x": [2, 10, 12], "y": [20, 30, 50],
                          "s": [22, 40, 62]})
    columns = [Col("label", "Gruppe")] + [Col(k, k, "count", threshold=3) for k in ("x", "y", "s")]
    primary = primary_mask(frame, columns)
    hidden = secondary_mask(frame, primary, columns, "Gesamt", {"s": ["x", "y"]})
    # x of A (2) is small. Column x: 10 of B (smaller than the total 12) goes with it; row A: y = 20 (smaller
    # than the sum 22); row B: y = 30 (smaller than 40); then column y has two hidden cells summing to 50: done
    assert hidden[["x", "y", "s"]].to_numpy().tolist() == [[True, True, False], [True, True, False],
                                                           [False, False, False]]


def test_a_column_exposed_by_a_later_row_is_protected_in_a_second_pass_and_a_total_that_is_no_count_has_no_column():
    frame = pd.DataFrame({"label": ["A", "B", "C", "Gesamt"], "x": [2, 10, 20, 32], "y": [0, 30, 40, 70],
                          "s": [2, 40, 60, 102]})
    columns = [Col("label", "Gruppe"), Col("x", "x", "count", threshold=3), Col("y", "y", "count", threshold=3),
               Col("s", "Summe", "number")]
    hidden = protect(frame, columns, total_row="Gesamt", total_columns={"s": ["x", "y"]}).hidden
    # pass 1: column x hides B's 10 (next to A's 2); row A hides its sum 2 (y is 0); row B hides y = 30 (< 40).
    # pass 2: column y now has one hidden cell (30 of 70): C's 40 goes too (the 0 stays); row C: then x = 20.
    # s is no count: its column is no additive line of the table (A's hidden 2 stays the only hidden sum).
    assert hidden[["x", "y", "s"]].to_numpy().tolist() == [[True, False, True], [True, True, False],
                                                           [True, True, False], [False, False, False]]


def test_values_resting_on_a_hidden_count_are_hidden_and_become_empty_cells():
    frame = pd.DataFrame({"label": ["A", "B", "C"], "n": [2, 40, 1], "d": [90, 2, 80],
                          "rate": [0.1, 0.2, 0.3], "both": [1.0, 2.0, 3.0], "free": [5.0, 6.0, 7.0]},
                         index=[10, 20, 30])
    columns = [Col("label", "Gruppe"), Col("n", "N", "count", threshold=3), Col("d", "D", "count", threshold=3),
               Col("rate", "Quote", "rate", based_on=("n",)), Col("both", "Beide", "number", based_on=("n", "d")),
               Col("free", "Frei", "number", based_on=("missing",)), Col("ghost", "G", "number", based_on=("n",))]
    protected = protect(frame, columns)
    assert protected.frame.index.tolist() == [0, 1, 2] and list(protected.frame.columns) == list(frame.columns)
    assert all(isinstance(v, float) and math.isnan(v) for v in protected.frame["both"])  # NaN, not None
    assert protected.hidden["rate"].tolist() == [True, False, True]
    assert protected.hidden["both"].tolist() == [True, True, True]
    assert protected.hidden["free"].tolist() == [False, False, False]
    assert protected.primary["rate"].tolist() == [False, False, False]  # derived cells are no primary cells
    assert protected.frame["rate"].isna().tolist() == [True, False, True]
    assert protected.frame.at[1, "rate"] == 0.2 and protected.frame.at[1, "n"] == 40
    assert protected.frame["free"].dtype == np.float64  # untouched columns keep their type
    assert protected.any_hidden is True
    assert protect(frame.assign(n=[20, 40, 10], d=[90, 20, 80]), columns).any_hidden is False


# ----------------------------------------------------------------------------- figures

def test_masked_figure_data_keep_the_counts_behind_rates_and_turn_hidden_numbers_into_nan_floats():
    frame = pd.DataFrame({"label": ["A", "B"], "n": [2, 40], "rate": [0.5, 0.25], "verdict": ["gut", "schlecht"]})
    columns = [Col("absent", "A", "number", based_on=("n",)), Col("n", "N", "count", threshold=3, show=False),
               Col("rate", "Quote", "rate", based_on=("n",)), Col("verdict", "Urteil", "text", based_on=("n",))]
    result = masked(frame, columns)
    assert result["n"].tolist() == [2, 40]
    assert result["rate"].dtype == np.float64 and result["rate"].isna().tolist() == [True, False]
    assert result["verdict"].isna().tolist() == [True, False] and result.at[1, "verdict"] == "schlecht"
    drawn = masked(frame, [Col("n", "N", "count", threshold=3)])
    assert drawn["n"].dtype == np.float64 and drawn["n"].isna().tolist() == [True, False]


def test_a_leak_is_named_by_its_row_from_1_and_its_header_without_soft_hyphens():
    columns = [Col("n", "N", "count", threshold=3, show=False),
               Col("rate", f"Ar{SOFT_HYPHEN}beits{SOFT_HYPHEN}lose", "rate", based_on=("n",)),
               Col("absent", "A", "number", based_on=("n",))]
    original = pd.DataFrame({"n": [40, 2, 1], "rate": [0.1, 0.2, np.nan]})
    assert leaks(original, protect(original, columns), columns) == ["Zeile 2, Arbeitslose"]
    both = columns + [Col("ci", "Intervall", "rate", based_on=("n",))]
    original = original.assign(ci=[0.3, 0.4, 0.5])
    assert leaks(original, protect(original, both), both) == ["Zeile 2, Arbeitslose", "Zeile 2, Intervall",
                                                              "Zeile 3, Intervall"]


def test_a_comparison_with_the_city_is_withheld_where_the_area_numerator_or_denominator_is_small():
    derived = ("area_value", "area_ci_low", "area_ci_high", "difference", "worse_ratio", "p_value")
    frame = pd.DataFrame({"area_numerator": [2, 30, 30], "area_denominator": [500, 4, 500],
                          "threshold": [5, 5, 5], "denominator_threshold": [10, 10, 10],
                          **{key: [1.0, 2.0, 3.0] for key in derived},
                          "assessment": ["a", "b", "c"], "need": ["x", "y", "z"], "city_value": [7.0, 7.0, 7.0]})
    public = public_comparison(frame)
    for key in (*derived, "assessment", "need"):
        assert public[key].isna().tolist() == [True, True, False], key
    assert public["area_numerator"].tolist() == [2, 30, 30]  # kept (never shown), for marking again
    assert public["area_denominator"].tolist() == [500, 4, 500]
    assert public["city_value"].tolist() == [7.0, 7.0, 7.0]


def test_the_counts_behind_a_rate_are_named_with_their_thresholds():
    assert basis() == ("area_numerator", "area_denominator")
    assert basis(None) == ("numerator", "denominator") and basis("city") == ("city_numerator", "city_denominator")
    assert rate_basis() == [Col("area_numerator", "Anzahl im Gebiet", "count", threshold="threshold", show=False),
                            Col("area_denominator", "Bezugsgröße", "count", threshold="denominator_threshold",
                                show=False)]
    assert count_pair("z", "n", header="Fälle", show=True) == [
        Col("z", "Fälle", "count", threshold="threshold", show=True),
        Col("n", "Bezugsgröße", "count", threshold="denominator_threshold", show=False)]
    assert count_pair("z", "n") == [Col("z", "Anzahl", "count", threshold="threshold", show=False),
                                    Col("n", "Bezugsgröße", "count", threshold="denominator_threshold", show=False)]
    assert rate_basis(None, header="H", show=True)[0] == Col("numerator", "H", "count", threshold="threshold",
                                                             show=True)


# ----------------------------------------------------------------------------- chart declarations

def test_a_chart_column_without_declaration_or_a_missing_one_is_refused_before_drawing():
    frame = pd.DataFrame({"year": [2020], "rate": [0.1], "n": [4], "extra": [1]})
    declared = {"year": PUBLIC, "rate": rests_on("n", "d"), "n": count(3), "ci": rests_on("n"),
                "note": rests_on("n", optional=True)}
    assert declaration_problems(frame, declared) == [
        "nicht deklarierte Spalten extra (ohne Angabe, worauf ihre Werte beruhen)",
        "es fehlen die deklarierten Spalten ci",
        "Werte beruhen auf d, die nicht als Anzahl deklariert sind"]
    assert declaration_problems(frame[["year", "n"]], {"year": PUBLIC, "n": count(3), "r": rests_on("year")}) == [
        "es fehlen die deklarierten Spalten r", "Werte beruhen auf year, die nicht als Anzahl deklariert sind"]
    with pytest.raises(DisclosureError) as caught:
        chart_data(frame, declared, "Arbeitslose")
    assert str(caught.value).startswith("Diagramm „Arbeitslose“: nicht deklarierte Spalten extra (ohne Angabe, "
                                        "worauf ihre Werte beruhen); es fehlen die deklarierten Spalten ci; ")
    assert "(disclosure.PUBLIC, count, rests_on)" in str(caught.value)
    assert declaration_problems(frame[["year"]], {"year": PUBLIC, "n": count(3, optional=True)}) == []
    wide = frame.assign(more=[2])
    assert declaration_problems(wide, {"year": PUBLIC, "n": count(3), "a": rests_on("q", "p"), "b": PUBLIC}) == [
        "nicht deklarierte Spalten rate, extra, more (ohne Angabe, worauf ihre Werte beruhen)",
        "es fehlen die deklarierten Spalten a, b", "Werte beruhen auf p, q, die nicht als Anzahl deklariert sind"]
    with pytest.raises(DisclosureError) as caught:
        chart_data(frame[["year", "n"]], {"year": PUBLIC}, "Probe")
    assert str(caught.value) == ("Diagramm „Probe“: nicht deklarierte Spalten n (ohne Angabe, worauf ihre Werte "
                                 "beruhen). Jede gezeichnete Spalte muss deklarieren, auf welchen Anzahlen sie beruht "
                                 "(disclosure.PUBLIC, count, rests_on).")


def test_chart_data_withhold_a_small_count_and_what_rests_on_it_keeping_an_undrawn_count():
    frame = pd.DataFrame({"year": [2020, 2021, 2022], "n": [2, 40, 0], "d": [100, 100, 2], "t": [3, 3, 3],
                          "rate": [0.02, 0.4, 0.0], "drawn": [1, 7, 9]}, index=[5, 6, 7])
    declared = {"year": PUBLIC, "n": count("t"), "d": count(3), "t": PUBLIC, "rate": rests_on("n", "d"),
                "drawn": count(3, drawn=True)}
    data = chart_data(frame, declared, "Probe")
    assert data.frame.index.tolist() == [0, 1, 2]
    assert data.frame["n"].tolist() == [2, 40, 0] and data.frame["d"].tolist() == [100, 100, 2]
    assert data.frame["rate"].isna().tolist() == [True, False, True]
    assert data.frame["drawn"].isna().tolist() == [True, False, False] and data.frame["drawn"].dtype == np.float64
    assert data.withheld["rate"].tolist() == [True, False, True]
    assert data.withheld["drawn"].tolist() == [True, False, False]
    assert data.withheld["n"].tolist() == [False] * 3 and data.withheld["d"].tolist() == [False] * 3
    assert not data.withheld[["year", "t"]].to_numpy().any()
    assert list(data.withheld.columns) == list(frame.columns) and data.withheld.index.tolist() == [0, 1, 2]
    # public columns and the counts behind values keep their type (a year stays 2020, not 2020.0)
    assert data.frame["year"].dtype == np.int64 and data.frame["n"].dtype == np.int64
    # a value already missing in the data is not "withheld"
    gap = chart_data(frame.assign(rate=[np.nan, 0.4, 0.0]), declared, "Probe")
    assert gap.withheld["rate"].tolist() == [False, False, True]


def test_chart_data_without_any_count_are_the_data_as_given_with_nothing_withheld():
    frame = pd.DataFrame({"year": [2020, 2021], "city": [0.1, 0.2]}, index=[3, 4])
    data = chart_data(frame, {"year": PUBLIC, "city": PUBLIC}, "Stadt")
    assert data.frame.index.tolist() == [0, 1] and data.frame["city"].tolist() == [0.1, 0.2]
    assert data.withheld.shape == (2, 2) and not data.withheld.to_numpy().any()
    assert list(data.withheld.columns) == ["year", "city"]


def test_a_declared_basis_says_what_it_is():
    assert PUBLIC.counts == () and PUBLIC.threshold is None and not PUBLIC.is_count
    assert not PUBLIC.drawn and not PUBLIC.optional
    assert count(5).is_count and count("t").threshold == "t" and count(0).is_count
    assert count(5).drawn is False and count(5, drawn=True).drawn is True and count(5).optional is False
    assert rests_on("a", "b").counts == ("a", "b") and not rests_on("a").is_count
    assert rests_on("a").optional is False and rests_on("a", optional=True).optional is True


# ----------------------------------------------------------------------------- standardised composites

def test_the_hidden_range_is_twice_the_largest_distance_from_the_mean_on_the_circle():
    # [0, 1, 2]: mean 1, squared deviations 2, sqrt(2/3 * 2) = 1.1547, twice: 2.3094
    assert hidden_range(pd.Series([0.0, 1.0, 2.0])) == pytest.approx(2 * math.sqrt(4 / 3))
    # [0, 3, 3, 6] (the NaN is published): mean 3, squared deviations 18, 2 * sqrt(3/4 * 18) = 7.348
    assert hidden_range(pd.Series([np.nan, 0.0, 3.0, 3.0, 6.0])) == pytest.approx(2 * math.sqrt(13.5))
    assert hidden_range(pd.Series([1.0, 5.0, np.nan])) == 0.0
    assert hidden_range(pd.Series([], dtype=float)) == 0.0


def _z(values: list[float]) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / values.std(ddof=0)


def test_three_more_units_are_withheld_in_the_order_of_preference_next_to_one_with_a_small_count():
    units = [f"u{i}" for i in range(6)]
    z = pd.DataFrame({"z_a": _z([1, 2, 3, 4, 5, 6])}, index=units)
    withheld = pd.Series([True] + [False] * 5, index=units)
    preference = pd.Series([0, 5, 1, 4, 2, np.nan], index=units)  # u2, u4, u3 before u1; u5 (NaN) last
    mask = standardised_mask(withheld, [z], preference)
    assert mask.tolist() == [True, False, True, True, True, False]
    assert mask.index.equals(withheld.index)
    assert standardised_mask(withheld, [z], preference, unknowns=2, width=0.0).tolist() == \
        [True, False, True, False, False, False]
    assert standardised_mask(withheld.astype(int), [z], preference, unknowns=1, width=0.0).tolist() == \
        [True] + [False] * 5
    assert standardised_mask(withheld, [z], preference, unknowns=1, width=0.0).dtype == bool


def test_four_close_hidden_values_do_not_protect_a_fifth_further_unit_is_withheld():
    units = [f"u{i}" for i in range(6)]
    # u0..u3 on 0, 0.1, 0.2, 0.3 of 0..10 give a circle of width 2 * sqrt(3/4 * 0.05) * 1 / SD = 0.1 SDs only
    z = pd.DataFrame({"z_a": _z([0, 0.1, 0.2, 0.3, 5, 10])}, index=units)
    withheld = pd.Series([True] + [False] * 5, index=units)
    preference = pd.Series([0, 1, 2, 3, 4, 5], index=units, dtype=float)
    assert standardised_mask(withheld, [z], preference).tolist() == [True] * 5 + [False]
    assert standardised_mask(withheld, [z], preference, width=0.0).tolist() == [True] * 4 + [False] * 2


def test_when_no_unit_is_left_to_withhold_the_whole_set_is_withheld_and_nothing_breaks():
    units = ["u0", "u1", "u2"]
    z = pd.DataFrame({"z_a": _z([1, 2, 4])}, index=units)
    withheld = pd.Series([True, False, False], index=units)
    assert standardised_mask(withheld, [z], pd.Series([0.0, 1.0, 2.0], index=units)).tolist() == [True] * 3


def test_a_column_whose_hidden_values_rest_on_no_withheld_count_needs_no_protection():
    units = [f"u{i}" for i in range(6)]
    z = pd.DataFrame({"z_a": _z([1, 2, 3, 4, 5, 6]), "z_b": _z([6, 1, 5, 2, 4, 3])}, index=units)
    withheld = pd.Series([True] + [False] * 5, index=units)
    preference = pd.Series(range(6), index=units, dtype=float)
    nothing_secret = pd.DataFrame({"z_a": [False] * 6}, index=units)  # z_b not in it: never secret
    assert standardised_mask(withheld, [z], preference, secret=nothing_secret).tolist() == [True] + [False] * 5
    only_a = pd.DataFrame({"z_a": [True] + [False] * 5}, index=units)
    assert standardised_mask(withheld, [z], preference, secret=only_a).sum() == 4
    # a unit's values published elsewhere are known: with u1's known too, a fifth unit is withheld
    known = pd.DataFrame({"z_a": [False, True, False, False, False, False]}, index=units)
    assert standardised_mask(withheld, [z], preference, known=known).tolist() == [True] * 5 + [False]


def test_a_unit_is_withheld_for_every_standardised_set_it_belongs_to():
    units = [f"u{i}" for i in range(8)]
    status = pd.DataFrame({"s": _z([1, 2, 3, 4, 5, 6, 7, 8])}, index=units)
    dynamics = pd.DataFrame({"d": [np.nan, np.nan, np.nan, 1.0, -1.0, 0.5, -0.5, 2.0]}, index=units)
    withheld = pd.Series([False] * 7 + [True], index=units)
    preference = pd.Series(range(8), index=units, dtype=float)
    # status: u7 plus u0, u1, u2; dynamics: u7 with u0..u2 outside it, so u3, u4, u5 too, which status accepts
    assert standardised_mask(withheld, [status, dynamics], preference).tolist() == [True] * 6 + [False, True]


def test_an_index_table_withholds_every_composite_of_a_small_count_unit_and_its_protectors_only():
    units = [f"u{i}" for i in range(7)]
    z = _z([1, 2, 3, 4, 5, 6])
    frame = pd.DataFrame({
        "n": [3, 50, 60, 70, 80, 90, 2], "d": [500] * 7, "z_a": [*z, np.nan], "index": [*(-z), np.nan],
        "label": ["hoch", "hoch", "mittel", "mittel", "niedrig", "niedrig", ""],
        "klasse": pd.array([1, 1, 2, 2, 3, 3, None], dtype="Int64"), "name": [f"Einheit {i}" for i in range(7)],
    }, index=units)
    inputs = [Col("n", "N", "count", threshold=10), Col("d", "D", "count", threshold=5)]
    preference = pd.Series([0, 5, 1, 4, 2, 3, 0], index=units, dtype=float)
    public = public_index(frame, inputs, ["z_a", "index", "label", "klasse", "gone"], [["z_a", "index", "gone"]],
                          preference)
    # u6 has a small count but no index: nothing to withhold there
    assert public.primary.tolist() == [True] + [False] * 6
    assert public.withheld.tolist() == [True, False, True, False, True, True, False]
    assert public.frame["z_a"].isna().tolist() == [True, False, True, False, True, True, True]
    assert public.frame["index"].isna().tolist() == [True, False, True, False, True, True, True]
    assert public.frame["label"].tolist() == ["", "hoch", "", "mittel", "", "", ""]
    assert public.frame["klasse"].isna().tolist() == [True, False, True, False, True, True, True]
    assert public.frame["name"].tolist() == frame["name"].tolist() and "gone" not in public.frame
    assert public.frame.at["u1", "z_a"] == z[1] and frame.at["u0", "z_a"] == z[0]  # the input is not changed


def test_an_index_table_without_standardised_columns_withholds_the_small_count_rows_only():
    frame = pd.DataFrame({"n": [3, 50], "v": [1.0, 2.0], "label": ["a", "b"]})
    public = public_index(frame, [Col("n", "N", "count", threshold=10)], ["v", "label"], [], pd.Series([0.0, 1.0]))
    assert public.withheld.tolist() == [True, False] and public.primary.tolist() == [True, False]
    assert public.frame["v"].isna().tolist() == [True, False] and public.frame["label"].tolist() == ["", "b"]


def test_ranks_leave_no_gap_for_a_withheld_value_and_ties_share_the_best_rank():
    values = pd.Series([3.0, 1.0, 3.0, 2.0], index=list("abcd"))
    withheld = pd.Series([False, False, True], index=list("abc"))  # d not named: published
    assert published_rank(values, withheld).tolist()[:2] == [1.0, 3.0]
    assert pd.isna(published_rank(values, withheld)["c"]) and published_rank(values, withheld)["d"] == 2.0
    assert published_rank(values, withheld, ascending=True).fillna(-1).tolist() == [3.0, 1.0, -1, 2.0]
    assert published_rank(pd.Series([2.0, 2.0, 1.0]), pd.Series([False] * 3)).tolist() == [1.0, 1.0, 3.0]
    assert published_rank(values, pd.Series([0, 0, 1, 0], index=list("abcd"))).tolist()[:2] == [1.0, 3.0]


def test_sets_and_preferences_given_for_other_rows_than_the_mask_are_aligned_to_its_rows():
    units = [f"u{i}" for i in range(6)]
    withheld = pd.Series([True] + [False] * 5, index=units)
    # a set listing only its members (u1..u5 and u0), in another order, and a unit "x" the mask does not know
    # (it counts as published); a preference naming only u1..u4, shuffled: u5 comes last (no preference)
    z = pd.DataFrame({"z_a": _z([6, 2, 5, 3, 4, 1, 7])}, index=["u5", "u1", "u4", "u2", "u3", "u0", "x"])
    preference = pd.Series([3.0, 1.0, 2.0, 0.0], index=["u4", "u2", "u3", "u1"])
    assert standardised_mask(withheld, [z], preference, unknowns=6, width=0.0).tolist() == [True] * 6
    assert standardised_mask(withheld, [z], preference).tolist() == [True, True, True, True, False, False]
    subset = z.drop(index=["u3", "x"])  # u3 is in no set here: never withheld for it
    assert standardised_mask(withheld, [subset], preference).tolist() == [True, True, True, False, True, False]


def test_secret_and_known_cells_given_for_some_rows_only_count_as_not_secret_and_not_known():
    units = [f"u{i}" for i in range(6)]
    z = pd.DataFrame({"z_b": _z([6, 1, 5, 2, 4, 3]), "z_a": _z([1, 2, 3, 4, 5, 6])}, index=units)
    withheld = pd.Series([True] + [False] * 5, index=units)
    preference = pd.Series(range(6), index=units, dtype=float)
    # secret names u1..u5 only: u0's hidden values rest on no secret count, nothing more is withheld
    secret = pd.DataFrame({"z_a": [True] * 5, "z_b": [True] * 5}, index=units[1:])
    assert standardised_mask(withheld, [z], preference, secret=secret).tolist() == [True] + [False] * 5
    # z_b (first) holds no secret, z_a (second) does: z_a is still checked
    only_a = pd.DataFrame({"z_b": [False] * 6, "z_a": [True] + [False] * 5}, index=units)
    assert standardised_mask(withheld, [z], preference, secret=only_a).tolist() == [True] * 4 + [False] * 2
    # known names u1 only (its z_a is published elsewhere): u0, u2, u3 unknown, u4 withheld too
    known = pd.DataFrame({"z_a": [True]}, index=["u1"])
    assert standardised_mask(withheld, [z], preference, known=known).tolist() == [True] * 5 + [False]


def test_a_unit_withheld_for_one_set_makes_another_set_it_belongs_to_need_protection_too():
    units = [f"u{i}" for i in range(8)]
    status = pd.DataFrame({"s": [*_z([1, 2, 3, 4, 5, 6]), np.nan, np.nan]}, index=units)
    dynamics = pd.DataFrame({"d": [np.nan] * 4 + [-1.5, -0.5, 0.5, 1.5]}, index=units)
    withheld = pd.Series([False] * 7 + [True], index=units)  # u7 is in the dynamics only
    preference = pd.Series(range(8), index=units, dtype=float)
    # first round: status has nothing withheld; the dynamics take u4, u5, u6. Second round: status now has u4 and
    # u5 withheld and takes u0 and u1
    assert standardised_mask(withheld, [status, dynamics], preference).tolist() == [
        True, True, False, False, True, True, True, True]


def test_an_index_table_passes_known_and_secret_cells_on_and_reads_standardised_text_as_numbers():
    units = [f"u{i}" for i in range(6)]
    z = _z([1, 2, 3, 4, 5, 6])
    frame = pd.DataFrame({"n": [3, 50, 60, 70, 80, 90], "z_a": z, "index": [f"{v:.6f}" for v in -z[:5]] + ["–"],
                          "label": list("abcdef")}, index=units)  # u5's index unreadable: missing
    inputs = [Col("n", "N", "count", threshold=10)]
    preference = pd.Series(range(6), index=units, dtype=float)
    public = public_index(frame, inputs, ["gone", "label", "z_a"], [["z_a", "index"]], preference)
    assert public.withheld.tolist() == [True] * 4 + [False] * 2
    assert public.frame["label"].tolist() == ["", "", "", "", "e", "f"]
    assert public.frame["z_a"].isna().tolist() == [True] * 4 + [False] * 2
    known = pd.DataFrame({"z_a": [False, True] + [False] * 4, "index": [False, True] + [False] * 4}, index=units)
    assert public_index(frame, inputs, ["z_a"], [["z_a", "index"]], preference, known).withheld.tolist() == \
        [True] * 5 + [False]
    secret = pd.DataFrame({"z_a": [False] * 6, "index": [False] * 6}, index=units)
    assert public_index(frame, inputs, ["z_a"], [["z_a", "index"]], preference, known,
                        secret).withheld.tolist() == [True] + [False] * 5
    assert public_index(frame, inputs, ["z_a"], [["z_a", "index"]], preference,
                        secret=secret).withheld.tolist() == [True] + [False] * 5


def test_an_index_table_without_standardised_sets_withholds_a_small_count_in_any_row():
    frame = pd.DataFrame({"n": [50, 3], "v": [1.0, 2.0]}, index=["a", "b"])
    public = public_index(frame, [Col("n", "N", "count", threshold=10)], ["v"], [], pd.Series([0.0, 1.0],
                                                                                              index=["a", "b"]))
    assert public.withheld.to_dict() == {"a": False, "b": True} and public.primary.to_dict() == {"a": False,
                                                                                                 "b": True}
