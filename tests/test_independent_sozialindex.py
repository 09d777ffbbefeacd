"""The Sozialindex (analysis/sozialindex.py) on a small hand-made city, against numbers worked out independently.

Nine Cologne Stadtteile, one statistical unit each, two years (2018, 2020) and three index indicators:

============  ==========  ==========================  ==================  ==========================
Stadtteil     residents   unemployed (of 15-64 y.)    SGB II (of all)     turnout (voters of electors)
============  ==========  ==========================  ==================  ==========================
101           1000        50 / 500 = 10 %             100 = 10 %          288 / 600 = 48 %
102           2000        40 / 1000 = 4 %             100 = 5 %           900 / 1200 = 75 %
103           1000        30 / 500 = 6 %              150 = 15 %          360 / 600 = 60 %
104           4000        160 / 2000 = 8 %            800 = 20 %          1100 / 2000 = 55 %
105           1000        10 / 500 = 2 %              30 = 3 %            420 / 600 = 70 %
201           1500        60 / 500 = 12 %             375 = 25 %          312 / 600 = 52 %
202           200         too few residents (< 300)
203           1000        excluded by name ("Raderberg")
204           1000        no turnout counted
============  ==========  ==========================  ==================  ==========================

In 2018 unemployment was 9, 4, 8, 6, 2, 13 % and SGB II 11, 4, 15, 18, 4 % (201: not counted), so the two-year
changes are +1, 0, -2, +2, 0 (-1) and -1, +1, 0, +2, -1 points. Turnout counts for the status only.

Expected values are computed here with plain numpy from these rates (mean, population SD by its formula,
z = (x - mean) / sd, sum, again standardised), numpy's weighted average for the weighted variant, and class
positions and codes read off by hand from the thresholds. The stand-in dataset holds only the tables the
functions read (with the project's real spatial reference of Cologne): about a second for the whole file.
"""

from __future__ import annotations

import textwrap
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from veedel_lib.analysis.sozialindex import (
    WITHHELD_REASON,
    ClassScheme,
    SensitivitySettings,
    SozialindexFile,
    SozialindexMethod,
    area_scores,
    area_stadtteile,
    class_codes,
    classify,
    compute_sozialindex,
    fit_reference,
    load_sozialindex_config,
    missing_indicators,
    published_changes,
    weighted_stats,
)
from veedel_lib.errors import AnalysisError, DataValidationError
from veedel_lib.params.catalogue import Catalogue, Indicator, Variable
from veedel_lib.params.reference import default_reference

COLOGNE = default_reference()  # the project's raumbezug.yml: Stadtteil names and Stadtbezirke

STATUS = {"thresholds": [-1.0, 1.0, 1.5], "classes": [
    {"code": "1", "label": "hoch"}, {"code": "2", "label": "mittel"},
    {"code": "3", "label": "niedrig"}, {"code": "4", "label": "sehr niedrig"}]}
DYNAMICS = {"thresholds": [-1.0, 1.0], "classes": [
    {"code": "+", "label": "positiv"}, {"code": "±", "label": "stabil"}, {"code": "-", "label": "negativ"}]}

QUALIFYING = ["101", "102", "103", "104", "105", "201"]
ALQ = np.array([10.0, 4, 6, 8, 2, 12])
SGB2 = np.array([10.0, 5, 15, 20, 3, 25])
TURNOUT = np.array([48.0, 75, 60, 55, 70, 52])
POPULATION = np.array([1000.0, 2000, 1000, 4000, 1000, 1500])
ALQ_CHANGE = np.array([1.0, 0, -2, 2, 0])  # 101 .. 105 (201 lacks SGB II in 2018)
SGB2_CHANGE = np.array([-1.0, 1, 0, 2, -1])


def _z(x: np.ndarray, weights: np.ndarray | None = None, ddof: int = 0) -> np.ndarray:
    """z-values by the textbook formula: (x - mean) / sqrt(sum w (x - mean)² / (sum w - ddof))."""
    w = np.ones_like(x) if weights is None else weights
    mean = np.average(x, weights=w)
    return (x - mean) / np.sqrt((w * (x - mean) ** 2).sum() / (w.sum() - ddof))


# ------------------------------------------------------------------------------------------ the stand-in data

def _variable(id: str, **changes) -> Variable:
    return Variable(**({"id": id, "label": id.capitalize(), "source": "Amt", "publish_threshold": 3} | changes))


def _indicator(id: str, numerator: str, denominator: str, **changes) -> Indicator:
    fields = {"id": id, "label": f"Quote {id}", "lebenslage": "Erwerbstätigkeit", "numerator": [numerator],
              "denominator": [denominator], "direction": "higher_is_worse", "source": "Amt"} | changes
    return Indicator(**fields)


CATALOGUE = Catalogue(
    variables=[_variable(v) for v in ("population", "erwerbsfaehige", "arbeitslose", "sgb2", "waehler",
                                      "wahlberechtigte")] + [_variable("alq_change", kind="rate")],
    indicators=[_indicator("alq", "arbeitslose", "erwerbsfaehige", short_label="Arbeitslose"),
                _indicator("sgb2q", "sgb2", "population", label="SGB-II-Quote"),
                _indicator("turnout", "waehler", "wahlberechtigte", label="Wahlbeteiligung",
                           lebenslage="Soziale, gesellschaftliche und politische Einbindung",
                           direction="higher_is_better"),
                _indicator("neutral", "sgb2", "population", direction="neutral")])

# Stadtteil: residents, (unemployed, 15-64), SGB II, (voters, electors) in 2020, then (unemployed, 15-64), SGB II
# in 2018 (None: not counted).
UNITS = {
    101: (1000, (50, 500), 100, (288, 600), (45, 500), 110),
    102: (2000, (40, 1000), 100, (900, 1200), (40, 1000), 80),
    103: (1000, (30, 500), 150, (360, 600), (40, 500), 150),
    104: (4000, (160, 2000), 800, (1100, 2000), (120, 2000), 720),
    105: (1000, (10, 500), 30, (420, 600), (10, 500), 40),
    201: (1500, (60, 500), 375, (312, 600), (65, 500), None),
    202: (200, (10, 100), 20, (60, 120), (10, 100), 20),
    203: (1000, (100, 500), 300, (180, 600), (100, 500), 300),
    204: (1000, (25, 500), 50, (None, 600), (25, 500), 50),
}


def _dataset(units: dict = UNITS, extra: list[tuple] = (), areas: dict | None = None) -> SimpleNamespace:
    """A stand-in with the tables the index reads: units, statistics (long), years, catalogue, spatial, areas."""
    rows = []
    for nr, (population, (unemployed, working_age), sgb2, (voters, electors), before, sgb2_before) in units.items():
        unit = f"u{nr}"
        rows += [(unit, 2020, "population", population), (unit, 2020, "arbeitslose", unemployed),
                 (unit, 2020, "erwerbsfaehige", working_age), (unit, 2020, "sgb2", sgb2),
                 (unit, 2020, "wahlberechtigte", electors), (unit, 2018, "population", population),
                 (unit, 2018, "arbeitslose", before[0]), (unit, 2018, "erwerbsfaehige", before[1])]
        rows += [(unit, 2020, "waehler", voters)] if voters is not None else []
        rows += [(unit, 2018, "sgb2", sgb2_before)] if sgb2_before is not None else []
    statistics = pd.DataFrame(rows + list(extra), columns=["unit", "year", "variable", "count"])
    unit_table = pd.DataFrame({"unit_id": [f"u{nr}" for nr in units], "stadtteil_nr": list(units)})
    areas = areas or {}
    definitions = {a: SimpleNamespace(id=a, name=spec["name"], stadtteil_numbers=spec["stadtteile"],
                                      partial=[SimpleNamespace(stadtteil=nr, note=n) for nr, n in
                                               spec.get("partial", {}).items()])
                   for a, spec in areas.items()}
    return SimpleNamespace(
        units=unit_table, statistics=statistics, cache={}, years=sorted(statistics["year"].unique().tolist()),
        catalogue=CATALOGUE, spatial=COLOGNE,
        areas=SimpleNamespace(ids=list(areas), get=definitions.__getitem__, areas=list(definitions.values())),
        membership=SimpleNamespace(units_of=lambda a: [f"u{nr}" for nr in areas[a]["stadtteile"]]))


def _method(**changes) -> SozialindexMethod:
    settings = {"label": "Test", "indicators": [{"id": "alq"}, {"id": "sgb2q"}, {"id": "turnout", "dynamics": False}],
                "excluded": ["Raderberg"], "status_classes": STATUS, "dynamics_classes": DYNAMICS}
    return SozialindexMethod.model_validate(settings | changes)


# ------------------------------------------------------------------------------------------ the whole index

def test_the_status_index_of_the_small_city_is_the_restandardised_sum_of_the_hand_computed_z_values():
    """z-values, sum, index, classes and all descriptive columns of the table; expected values from numpy."""
    index = compute_sozialindex(_dataset(), 2020, _method(), "klein")
    table = index.table
    assert index.method_id == "klein" and index.year == 2020 and index.base_year == 2018
    assert list(table.index) == ["101", "102", "103", "104", "105", "201", "202", "203", "204"]
    assert table.index.name == "stadtteil"
    assert table.loc["101", ["nr", "name", "label", "stadtbezirk"]].tolist() == [
        101, "Altstadt-Süd", "101 Altstadt-Süd", "Innenstadt"]
    assert table.loc["201", ["name", "stadtbezirk"]].tolist() == ["Bayenthal", "Rodenkirchen"]
    assert table["population"].tolist() == [1000, 2000, 1000, 4000, 1000, 1500, 200, 1000, 1000]
    assert table["qualifies"].tolist() == [True] * 6 + [False] * 3
    assert table["reason"].tolist()[6:] == ["weniger als 300 Einwohner*innen", "von der Bewertung ausgenommen",
                                           "keine Werte: Wahlbeteiligung"]
    assert list(index.qualifying.index) == QUALIFYING

    q = table.loc[QUALIFYING]
    assert q["value_alq"].tolist() == pytest.approx(ALQ)
    assert q["n_alq"].tolist() == [50, 40, 30, 160, 10, 60] and q["d_alq"].tolist()[:2] == [500, 1000]
    assert q["n_turnout"].tolist()[0] == 288 and q["d_sgb2q"].tolist() == POPULATION.tolist()
    assert q["n0_alq"].tolist() == [45, 40, 40, 120, 10, 65] and q["d0_sgb2q"].tolist()[0] == 1000
    assert "n0_turnout" not in table and "dz_turnout" not in table and "change_turnout" not in table
    z = np.column_stack([_z(ALQ), _z(SGB2), _z(-TURNOUT)])
    assert q["z_alq"].tolist() == pytest.approx(z[:, 0])
    assert q["z_sgb2q"].tolist() == pytest.approx(z[:, 1])
    assert q["z_turnout"].tolist() == pytest.approx(z[:, 2])
    total = z.sum(axis=1)
    assert q["status_combined"].tolist() == pytest.approx(total)
    expected = _z(total)
    assert q["status_index"].tolist() == pytest.approx(expected)
    # classes read off by hand at the thresholds -1, 1, 1.5
    assert expected.round(3).tolist() == [0.624, -1.238, -0.014, 0.61, -1.353, 1.37]
    assert q["status_class"].tolist() == [1, 0, 1, 1, 0, 2]
    assert q["status_code"].tolist() == ["2", "1", "2", "2", "1", "3"]
    assert q["status_label"].tolist() == ["mittel", "hoch", "mittel", "mittel", "hoch", "niedrig"]
    rest = table.loc[["202", "203", "204"]]
    assert rest[["z_alq", "status_combined", "status_index", "dynamics_index"]].isna().all().all()
    assert rest["status_code"].tolist() == ["", "", ""] and rest["combined_code"].tolist() == ["", "", ""]
    assert index.status.means["turnout"] == pytest.approx(-60.0)
    assert index.status.signs.tolist() == [1.0, 1.0, -1.0] and index.status.signs.dtype == float
    reordered = compute_sozialindex(_dataset(), 2020, _method(indicators=[
        {"id": "turnout", "dynamics": False}, {"id": "sgb2q"}, {"id": "alq"}]))
    assert reordered.status.means.index.tolist() == ["turnout", "sgb2q", "alq"]  # the method's order
    assert reordered.dynamics.means.index.tolist() == ["sgb2q", "alq"]
    assert reordered.table.loc[QUALIFYING, "status_index"].tolist() == pytest.approx(expected)


def test_the_dynamics_index_standardises_the_changes_over_the_units_with_both_years():
    """Changes of 2018-2020, their z-values over 101-105 (201 lacks SGB II in 2018), classes and the combination."""
    index = compute_sozialindex(_dataset(), 2020, _method())
    table = index.table
    assert table.loc[QUALIFYING, "change_alq"].tolist() == pytest.approx([1, 0, -2, 2, 0, -1])
    assert table.loc[QUALIFYING[:5], "change_sgb2q"].tolist() == pytest.approx(SGB2_CHANGE)
    assert np.isnan(table.at["201", "change_sgb2q"])
    moving = QUALIFYING[:5]
    z = np.column_stack([_z(ALQ_CHANGE), _z(SGB2_CHANGE)])
    assert table.loc[moving, "dz_alq"].tolist() == pytest.approx(z[:, 0])
    assert table.loc[moving, "dz_sgb2q"].tolist() == pytest.approx(z[:, 1])
    assert table.loc[moving, "dynamics_combined"].tolist() == pytest.approx(z.sum(axis=1))
    expected = _z(z.sum(axis=1))
    assert table.loc[moving, "dynamics_index"].tolist() == pytest.approx(expected)
    assert expected.round(3).tolist() == [-0.258, 0.324, -1.109, 1.757, -0.715]
    assert table.loc[moving, "dynamics_code"].tolist() == ["±", "±", "+", "-", "±"]
    assert table.loc[moving, "dynamics_label"].tolist() == ["stabil", "stabil", "positiv", "negativ", "stabil"]
    assert table.loc[moving, "combined_code"].tolist() == ["2±", "1±", "2+", "2-", "1±"]
    assert table.loc[moving, "combined_label"].tolist()[3] == "mittel / negativ"
    assert table.at["201", "reason"] == "Dynamik: keine vollständigen Werte für 2018"
    assert table.at["201", "status_code"] == "3" and table.at["201", "dynamics_code"] == ""
    assert table.at["201", "combined_code"] == "" and table.at["201", "combined_label"] == ""
    assert np.isnan(table.at["201", "dynamics_index"]) and np.isnan(table.at["201", "dz_alq"])
    assert table.at["201", "qualifies"]  # it keeps its status
    crosstab = index.crosstab()
    assert list(crosstab.index) == ["hoch", "mittel", "niedrig", "sehr niedrig"]
    assert list(crosstab.columns) == ["positiv", "stabil", "negativ"]
    assert crosstab.to_numpy().tolist() == [[0, 2, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0]]


def test_the_choices_of_the_method_change_the_index_as_their_formulas_say():
    """Population weights, sample SD, mean without restandardising and a changed minimum population."""
    ds = _dataset()
    weighted = compute_sozialindex(ds, 2020, _method(weighting="population")).table.loc[QUALIFYING]
    z = np.column_stack([_z(ALQ, POPULATION), _z(SGB2, POPULATION), _z(-TURNOUT, POPULATION)])
    assert weighted["z_sgb2q"].tolist() == pytest.approx(z[:, 1])
    assert weighted["status_index"].tolist() == pytest.approx(_z(z.sum(axis=1), POPULATION))
    assert np.average(weighted["status_index"], weights=POPULATION) == pytest.approx(0, abs=1e-12)
    z = np.column_stack([_z(ALQ_CHANGE, POPULATION[:5]), _z(SGB2_CHANGE, POPULATION[:5])])
    assert weighted["dynamics_index"].tolist()[:5] == pytest.approx(_z(z.sum(axis=1), POPULATION[:5]))

    sample = compute_sozialindex(ds, 2020, _method(ddof=1)).table.loc[QUALIFYING]
    z = np.column_stack([_z(ALQ, ddof=1), _z(SGB2, ddof=1), _z(-TURNOUT, ddof=1)])
    assert sample["z_alq"].tolist() == pytest.approx(z[:, 0])
    assert sample["status_index"].tolist() == pytest.approx(_z(z.sum(axis=1), ddof=1))

    plain = compute_sozialindex(ds, 2020, _method(combine="mean", restandardise=False)).table.loc[QUALIFYING]
    z = np.column_stack([_z(ALQ), _z(SGB2), _z(-TURNOUT)])
    assert plain["status_index"].tolist() == pytest.approx(z.mean(axis=1))
    assert plain["status_combined"].tolist() == pytest.approx(z.mean(axis=1))

    # min_population 200 lets 202 (exactly 200 residents) in; no exclusions let 203 in
    wider = compute_sozialindex(ds, 2020, _method(min_population=200, excluded=[])).table
    assert wider["qualifies"].tolist() == [True] * 8 + [False]
    alq = np.append(ALQ, [10.0, 20.0])
    assert wider.loc[QUALIFYING + ["202", "203"], "z_alq"].tolist() == pytest.approx(_z(alq))
    by_key = compute_sozialindex(ds, 2020, _method(min_population=201, excluded=[203, "999"])).table
    assert by_key["reason"].tolist()[6:8] == ["weniger als 201 Einwohner*innen", "von der Bewertung ausgenommen"]


def test_a_published_change_replaces_the_difference_of_the_two_years_for_single_units():
    """alq_change given for 101 (+3 points) and 102 (-1 point): their changes are those, the others' differences."""
    extra = [("u101", 2020, "alq_change", 3.0), ("u102", 2020, "alq_change", -1.0)]
    ds = _dataset(extra=extra)
    indicators = [{"id": "alq", "change": "alq_change"}, {"id": "sgb2q"}, {"id": "turnout", "dynamics": False}]
    table = compute_sozialindex(ds, 2020, _method(indicators=indicators)).table
    changes = np.array([3.0, -1, -2, 2, 0])
    assert table.loc[QUALIFYING, "change_alq"].tolist() == pytest.approx([3, -1, -2, 2, 0, -1])
    z = np.column_stack([_z(changes), _z(SGB2_CHANGE)])
    assert table.loc[QUALIFYING[:5], "dynamics_index"].tolist() == pytest.approx(_z(z.sum(axis=1)))
    groups = {"a": ["u101"], "ab": ["u101", "u102"], "c": ["u103"]}
    published = published_changes(ds, 2020, groups, "alq_change")
    assert published["a"] == 3.0 and np.isnan(published["ab"]) and np.isnan(published["c"])


def test_only_published_changes_need_no_base_year_and_a_missing_base_year_is_an_error_otherwise():
    """Dynamics from published changes alone work without 2018; without them the missing year is named."""
    ds = _dataset(extra=[(f"u{nr}", 2020, "alq_change", c) for nr, c in zip(UNITS, [1, 0, -2, 2, 0, -1, 0, 0, 0])])
    ds.statistics = ds.statistics[ds.statistics["year"] == 2020]
    ds.years = [2020]
    indicators = [{"id": "alq", "change": "alq_change"}, {"id": "sgb2q", "dynamics": False},
                  {"id": "turnout", "dynamics": False}]
    table = compute_sozialindex(ds, 2020, _method(indicators=indicators)).table
    assert table.loc[QUALIFYING, "dynamics_index"].tolist() == pytest.approx(_z(np.array([1.0, 0, -2, 2, 0, -1])))
    with pytest.raises(AnalysisError, match="Für die Dynamik über 2 Jahre fehlen die Daten von 2018 "
                                            r"\(vorhanden: 2020 bis 2020\)"):
        compute_sozialindex(ds, 2020, _method())
    with pytest.raises(AnalysisError, match="Daten von 2017"):
        compute_sozialindex(_dataset(), 2020, _method(dynamics_years=3))


def test_units_with_a_withheld_input_leave_the_standardisation_only_when_the_method_says_so():
    """The rule gets n_/d_/n0_/d0_ columns; with ``exclude`` 105 is left out, with ``keep`` it stays."""
    seen = {}

    def rule(inputs: pd.DataFrame) -> pd.Series:
        seen["columns"] = list(inputs.columns)
        seen["105"] = inputs.loc["105"].tolist()
        flagged = inputs["n_alq"] < 20  # 105 has 10 unemployed (202 too, but it does not qualify anyway)
        return flagged[flagged]  # only the flagged units: the others count as not withheld

    ds = _dataset()
    table = compute_sozialindex(ds, 2020, _method(withheld_inputs="exclude"), withheld=rule).table
    assert seen["columns"] == ["n_alq", "n_sgb2q", "n_turnout", "d_alq", "d_sgb2q", "d_turnout", "n0_alq",
                               "n0_sgb2q", "d0_alq", "d0_sgb2q"]
    assert seen["105"] == [10, 30, 420, 500, 1000, 600, 10, 40, 500, 1000]
    assert table.at["105", "reason"] == WITHHELD_REASON and not table.at["105", "qualifies"]
    assert table.at["202", "reason"] == "weniger als 300 Einwohner*innen"
    kept = [0, 1, 2, 3, 5]
    assert table.loc[[QUALIFYING[k] for k in kept], "z_alq"].tolist() == pytest.approx(_z(ALQ[kept]))
    kept_table = compute_sozialindex(ds, 2020, _method(), withheld=rule).table
    assert kept_table["qualifies"].tolist() == [True] * 6 + [False] * 3


def test_broken_assumptions_stop_with_a_message_naming_the_units():
    """A weighted method without a population, ``missing_values: error``, a constant indicator, no unit at all."""
    units = dict(UNITS)
    ds = _dataset(units)
    ds.statistics = ds.statistics[~((ds.statistics["unit"] == "u103") & (ds.statistics["variable"] == "population")
                                    & (ds.statistics["year"] == 2020))]
    with pytest.raises(AnalysisError) as caught:
        compute_sozialindex(ds, 2020, _method(weighting="population"), "gewichtet")
    message = str(caught.value)
    assert "(sozialindex.yml, methods.gewichtet.weighting: population)" in message
    assert "für 1 Stadtteil fehlt die Einwohnerzahl 2020 (Variable population): 103 Altstadt-Nord." in message
    with pytest.raises(AnalysisError, match=r"methods\.…\.missing_values: error\) braucht für jeden bewerteten "
                                            r"Stadtteil alle Indexindikatoren; 2020 fehlen Werte bei 1: "
                                            r"204 Raderthal \(Wahlbeteiligung\)\. Mit missing_values: exclude "
                                            r"werden sie nicht bewertet\.$"):
        compute_sozialindex(_dataset(), 2020, _method(missing_values="error"))

    # all nine without population (two, eight, nine of them): the first eight are named, then "…"
    nameless = _dataset()
    rows = nameless.statistics
    for lacking, excluded in ((["101", "102"], None), (None, [203]), (None, [])):
        ds = _dataset()
        drop = rows["variable"].eq("population") & rows["year"].eq(2020)
        if lacking:
            drop &= rows["unit"].isin([f"u{k}" for k in lacking])
        ds.statistics = rows[~drop]
        with pytest.raises(AnalysisError) as caught:
            compute_sozialindex(ds, 2020, _method(weighting="population", excluded=excluded or []))
        message = str(caught.value)
        if lacking:
            assert "für 2 Stadtteile fehlt die Einwohnerzahl 2020 (Variable population): 101 Altstadt-Süd, " \
                   "102 Neustadt-Süd." in message
        elif excluded:
            assert message.endswith("für 8 Stadtteile fehlt die Einwohnerzahl 2020 (Variable population): "
                                    "101 Altstadt-Süd, 102 Neustadt-Süd, 103 Altstadt-Nord, 104 Neustadt-Nord, "
                                    "105 Deutz, 201 Bayenthal, 202 Marienburg, 204 Raderthal.")
        else:
            assert message.endswith("für 9 Stadtteile fehlt die Einwohnerzahl 2020 (Variable population): "
                                    "101 Altstadt-Süd, 102 Neustadt-Süd, 103 Altstadt-Nord, 104 Neustadt-Nord, "
                                    "105 Deutz, 201 Bayenthal, 202 Marienburg, 203 Raderberg ….")
    # every unit without turnout, 204 without SGB II as well: eight or nine gaps
    voteless = rows[(rows["variable"] != "waehler") & ~((rows["unit"] == "u204") & (rows["variable"] == "sgb2")
                                                        & (rows["year"] == 2020))]
    for excluded, count, tail in (([203], 8, "204 Raderthal (SGB-II-Quote, Wahlbeteiligung). Mit"),
                                  ([], 9, "203 Raderberg (Wahlbeteiligung) …. Mit")):
        ds = _dataset()
        ds.statistics = voteless
        with pytest.raises(AnalysisError) as caught:
            compute_sozialindex(ds, 2020, _method(missing_values="error", min_population=0, excluded=excluded))
        message = str(caught.value)
        assert f"2020 fehlen Werte bei {count}: 101 Altstadt-Süd (Wahlbeteiligung); 102 Neustadt-Süd " \
               "(Wahlbeteiligung); 103" in message and tail in message
    ds = _dataset()
    ds.statistics = rows[~((rows["unit"] == "u204") & (rows["variable"] == "sgb2") & (rows["year"] == 2020))]
    table = compute_sozialindex(ds, 2020, _method()).table
    assert table.at["204", "reason"] == "keine Werte: SGB-II-Quote, Wahlbeteiligung"
    flat = {nr: (1000, (50, 500), 100, (300, 600), (45, 500), 100) for nr in (101, 102, 103)}
    flat[104] = (1000, (60, 500), 100, (300, 600), (45, 500), 100)
    with pytest.raises(AnalysisError, match="ohne Streuung zwischen den Stadtteilen.*: sgb2q, turnout"):
        compute_sozialindex(_dataset(flat), 2020, _method())
    with pytest.raises(AnalysisError, match="^Kein Stadtteil erfüllt die Bedingungen des Sozialindex "
                                            r"\(Einwohnerzahl, vollständige Werte\)$"):
        compute_sozialindex(_dataset(), 2020, _method(min_population=10_000))


# ------------------------------------------------------------------------------------------ areas on the scale

AREAS = {"nordost": {"name": "Nordost", "stadtteile": [101, 103], "partial": {103: "nur Altstadt-Nord-Ost"}},
         "sued": {"name": "Süd", "stadtteile": [201, 202]}, "west": {"name": "West", "stadtteile": [204]}}


def test_areas_are_placed_on_the_stadtteile_scale_from_their_summed_counts_without_changing_it():
    """Nordost = 101 + 103: unemployed 80 / 1000 = 8 %, SGB II 250 / 2000 = 12.5 %, turnout 648 / 1200 = 54 %;
    its z-values use the means and SDs of the six qualifying Stadtteile (numpy), its changes 2018-2020 are
    8 - 8.5 = -0.5 and 12.5 - 13 = -0.5 points. Süd = 201 + 202 has no SGB II count of 2018: no dynamics."""
    ds = _dataset(areas=AREAS)
    index = compute_sozialindex(ds, 2020, _method())
    frame = area_scores(ds, index, ["nordost", "sued", "west"])
    assert list(frame.columns) == [
        "area_id", "name", "value_alq", "n_alq", "d_alq", "value_sgb2q", "n_sgb2q", "d_sgb2q", "value_turnout",
        "n_turnout", "d_turnout", "n0_alq", "d0_alq", "n0_sgb2q", "d0_sgb2q", "status_index", "status_class",
        "status_code", "status_label", "dynamics_index", "dynamics_class", "dynamics_code", "dynamics_label",
        "combined_code"]
    # West (204) has no turnout: no status, but a dynamics class (changes 0 and 0), so no combined code
    assert frame.loc[2, ["status_code", "dynamics_code", "combined_code"]].tolist() == ["", "±", ""]
    frame = frame.iloc[:2]
    assert frame["area_id"].tolist() == ["nordost", "sued"] and frame["name"].tolist() == ["Nordost", "Süd"]
    assert list(frame.index) == [0, 1]
    assert frame["value_alq"].tolist() == pytest.approx([8.0, 70 / 6])
    assert frame[["n_alq", "d_alq", "n_turnout", "d_sgb2q"]].iloc[0].tolist() == [80, 1000, 648, 2000]
    assert frame[["n0_alq", "d0_alq", "n0_sgb2q", "d0_sgb2q"]].iloc[0].tolist() == [85, 1000, 260, 2000]

    def z(x, reference):  # on the scale of the reference values, ddof 0
        return (x - reference.mean()) / reference.std()

    status = np.array([z(8.0, ALQ) + z(12.5, SGB2) + z(-54.0, -TURNOUT),
                       z(70 / 6, ALQ) + z(395 / 17, SGB2) + z(-372 / 7.2, -TURNOUT)])
    totals = np.column_stack([_z(ALQ), _z(SGB2), _z(-TURNOUT)]).sum(axis=1)
    expected = (status - totals.mean()) / totals.std()
    assert frame["status_index"].tolist() == pytest.approx(expected)
    assert frame["status_code"].tolist() == ["2", "3"] and frame["status_label"].tolist() == ["mittel", "niedrig"]
    moves = z(-0.5, ALQ_CHANGE) + z(-0.5, SGB2_CHANGE)
    dyn_totals = np.column_stack([_z(ALQ_CHANGE), _z(SGB2_CHANGE)]).sum(axis=1)
    assert frame.at[0, "dynamics_index"] == pytest.approx((moves - dyn_totals.mean()) / dyn_totals.std())
    assert frame["dynamics_code"].tolist() == ["±", ""] and frame["dynamics_label"].tolist() == ["stabil", ""]
    assert frame["combined_code"].tolist() == ["2±", ""]
    assert frame.at[1, "status_class"] == 2 and pd.isna(frame.at[1, "dynamics_class"])
    assert area_scores(ds, index, ["sued"])["area_id"].tolist() == ["sued"]
    # the reference stays that of the Stadtteile
    assert index.status.means["alq"] == pytest.approx(7.0)

    # without any unit with both years' values there is no dynamics scale: the areas get the status only
    still = _dataset(areas=AREAS)
    counted = still.statistics
    still.statistics = counted[~((counted["variable"] == "sgb2") & (counted["year"] == 2018))]
    static = compute_sozialindex(still, 2020, _method())
    assert static.dynamics is None and static.table["dynamics_index"].isna().all()
    assert static.table["dynamics_index"].dtype == float and static.table["dynamics_combined"].dtype == float
    assert static.table["dynamics_code"].eq("").all() and static.table["status_code"].ne("").sum() == 6
    frame = area_scores(still, static, ["nordost"])
    assert np.isnan(frame.at[0, "dynamics_index"]) and frame.at[0, "combined_code"] == ""
    assert frame.at[0, "status_code"] == "2"

    parts = area_stadtteile(ds, compute_sozialindex(ds, 2020, _method()))
    assert parts[["area_id", "area", "stadtteil", "name", "coverage", "note"]].values.tolist() == [
        ["nordost", "Nordost", "101", "Altstadt-Süd", "ganz", ""],
        ["nordost", "Nordost", "103", "Altstadt-Nord", "teilweise", "nur Altstadt-Nord-Ost"],
        ["sued", "Süd", "201", "Bayenthal", "ganz", ""], ["sued", "Süd", "202", "Marienburg", "ganz", ""],
        ["west", "West", "204", "Raderthal", "ganz", ""]]
    assert parts["combined_code"].tolist() == ["2±", "2+", "", "", ""]
    assert parts["status_label"].tolist() == ["mittel", "mittel", "niedrig", "", ""]
    assert parts["reason"].tolist()[3:] == ["weniger als 300 Einwohner*innen", "keine Werte: Wahlbeteiligung"]
    assert parts["population"].tolist() == [1000, 1000, 1500, 200, 1000]
    assert parts["n_alq"].tolist() == [50, 30, 60, 10, 25] and parts["n_turnout"].tolist()[0] == 288
    assert parts["status_index"].tolist()[:3] == pytest.approx(_z(totals)[[0, 2, 5]])
    assert np.isnan(parts["status_index"].iloc[3]) and np.isnan(parts["dynamics_index"].iloc[2])


def test_an_area_stadtteil_outside_the_index_table_gets_empty_values():
    """A Stadtteil of an area's definition that the index table lacks: NaN numbers and empty texts."""
    ds = _dataset(areas={"x": {"name": "X", "stadtteile": [101, 105]}})
    index = compute_sozialindex(ds, 2020, _method())
    index.table = index.table.drop(index="105")
    parts = area_stadtteile(ds, index)
    assert parts["stadtteil"].tolist() == ["101", "105"] and parts["name"].tolist()[1] == "Deutz"
    assert np.isnan(parts.at[1, "status_index"]) and np.isnan(parts.at[1, "population"])
    assert parts.at[1, "status_label"] == "" and parts.at[1, "reason"] == "" and np.isnan(parts.at[1, "n_alq"])


# ------------------------------------------------------------------------------------------ the pure parts

def test_weighted_statistics_are_numpys_weighted_mean_and_the_frequency_weighted_sd():
    """Weights 4, 3, 2, 1 on 1, 3, 5, 7: mean 30 / 10 = 3, SD sqrt((16 + 0 + 8 + 16) / (10 - ddof))."""
    values, weights = pd.Series([1.0, 3, 5, 7]), pd.Series([4.0, 3, 2, 1])
    for ddof in (0, 1):
        mean, sd = weighted_stats(values, weights, ddof)
        assert mean == pytest.approx(np.average(values, weights=weights)) == pytest.approx(3.0)
        assert sd == pytest.approx(np.sqrt(40 / (10 - ddof)))
    assert weighted_stats(values, None, 0) == pytest.approx((4.0, np.sqrt(5.0)))  # (9 + 1 + 1 + 9) / 4
    assert weighted_stats(values, None, 1) == pytest.approx((4.0, np.sqrt(20 / 3)))


def test_the_reference_combines_by_mean_ignores_incomplete_rows_and_classes_map_to_codes():
    """combine: mean without restandardising is the plain mean of the z-values; a row with a missing value
    gets no combination; an indicator with another sign turns its z-value."""
    method = _method(combine="mean", restandardise=False, indicators=[{"id": "alq"}, {"id": "sgb2q", "sign": -1}])
    values = pd.DataFrame({"alq": [1.0, 3.0, 5.0], "sgb2q": [2.0, 2.0, 8.0]}, index=list("abc"))
    reference = fit_reference(values, {"alq": 1, "sgb2q": -1}, method)
    assert reference.combined_mean == 0.0 and reference.combined_sd == 1.0 and reference.combine == "mean"
    za, zs = _z(np.array([1.0, 3, 5])), _z(-np.array([2.0, 2, 8]))
    scored = reference.score(pd.concat([values, pd.DataFrame({"alq": [3.0], "sgb2q": [np.nan]}, index=["d"])]))
    assert scored["combined"].tolist()[:3] == pytest.approx((za + zs) / 2)
    assert np.isnan(scored.at["d", "combined"]) and scored.at["d", "alq"] == pytest.approx(0.0)
    assert np.isnan(reference.combined(scored[[]]).iloc[0])
    summed = fit_reference(values, {"alq": 1, "sgb2q": -1}, method.model_copy(update={"combine": "sum"}))
    assert summed.score(values)["combined"].tolist() == pytest.approx(za + zs)
    nothing = summed.combined(scored[[]])  # no z-value at all: no combination (not a sum of 0)
    assert nothing.isna().all() and nothing.dtype == float and list(nothing.index) == list("abcd")
    with pytest.raises(AnalysisError, match="^Kein Stadtteil"):
        fit_reference(values.iloc[:0], {"alq": 1, "sgb2q": -1}, method)

    scheme = ClassScheme.model_validate(DYNAMICS)
    positions = classify(pd.Series([-2.0, -1.0, -0.999, 0.0, 1.0, 1.001, np.nan], index=list("abcdefg")), scheme)
    assert positions.tolist()[:6] == [0, 1, 1, 1, 1, 2] and pd.isna(positions["g"])
    assert str(positions.dtype) == "Int64" and list(positions.index) == list("abcdefg")
    codes, labels = class_codes(positions, scheme)
    assert codes.tolist() == ["+", "±", "±", "±", "±", "-", ""]
    assert labels.tolist() == ["positiv", "stabil", "stabil", "stabil", "stabil", "negativ", ""]
    assert ClassScheme.model_validate({**DYNAMICS, "thresholds": [0.5, 1.0]}).middle == 0
    # a threshold of 0 or between 0 and 1 is positive: a value on it stays in the lower class
    at_zero = ClassScheme.model_validate({**DYNAMICS, "thresholds": [0.0, 0.5]})
    assert classify(pd.Series([-0.1, 0.0, 0.3, 0.5, 0.6]), at_zero).tolist() == [0, 0, 1, 1, 2]
    mixed = classify(pd.Series([-1.0, None, 1.2], dtype=object), scheme)  # e.g. a column of a merged table
    assert mixed.tolist()[::2] == [1, 2] and pd.isna(mixed.iloc[1])
    assert ClassScheme.model_validate({**DYNAMICS, "thresholds": [-2.0, -1.0]}).middle == 2


def test_the_method_and_file_models_check_their_consistency_and_take_signs_from_the_catalogue():
    """Signs from the catalogue's direction (turnout: higher is better, -1), the defaults of a method (Berlin's:
    unweighted, population SD, sum, restandardised, 300 residents, two years), and the validators' messages."""
    method = _method(indicators=[{"id": "alq"}, {"id": "turnout"}, {"id": "neutral", "sign": -1, "dynamics": False}])
    assert method.signs(CATALOGUE) == {"alq": 1, "turnout": -1, "neutral": -1}
    assert method.status_ids == ["alq", "turnout", "neutral"] and method.dynamics_ids == ["alq", "turnout"]
    defaults = _method()
    assert (defaults.weighting, defaults.ddof, defaults.combine, defaults.restandardise, defaults.min_population,
            defaults.missing_values, defaults.withheld_inputs, defaults.dynamics_years) == (
        "none", 0, "sum", True, 300, "exclude", "keep", 2)
    with pytest.raises(ValueError, match="Indikator doppelt: alq"):
        _method(indicators=[{"id": "alq"}, {"id": "sgb2q"}, {"id": "alq"}])
    with pytest.raises(ValueError, match="mindestens ein Indikator muss zur Dynamik zählen"):
        _method(indicators=[{"id": "alq", "dynamics": False}])
    with pytest.raises(ValueError, match="aufsteigend"):
        ClassScheme.model_validate({**DYNAMICS, "thresholds": [1.0, 1.0]})
    older = {k: v for k, v in _method().model_dump().items() if k != "excluded"} | {"excluded_stadtteile": [203]}
    assert SozialindexMethod.model_validate(older).excluded == [203]

    settings = SensitivitySettings()
    assert (settings.draws, settings.seed, settings.rank_interval, settings.stable_share,
            settings.correlation_warning) == (200, 20240, (5.0, 95.0), 90.0, 0.8)
    assert SensitivitySettings(rank_interval=(0, 100)).rank_interval == (0, 100)
    for wrong in ((5, 5), (95, 5), (-1, 50), (5, 101)):
        with pytest.raises(ValueError, match="rank_interval"):
            SensitivitySettings(rank_interval=wrong)
    methods = {"a": _method(), "b": _method()}
    assert SozialindexFile(method="a", fallback="b", methods=methods).sensitivity.draws == 200
    with pytest.raises(ValueError, match=r"Verfahren 'c' ist unter methods nicht beschrieben \(vorhanden: a, b\)"):
        SozialindexFile(method="a", fallback="c", methods=methods)
    with pytest.raises(ValueError, match="Verfahren 'c'"):
        SozialindexFile(method="c", methods=methods)


# ------------------------------------------------------------------------------------------ data and file checks

def test_missing_indicators_are_those_without_all_their_variables_in_the_year_needed():
    """Turnout counted in 2016 only serves 2020 when it is ``latest_available``; the dynamics need 2018 (or a
    published change); each missing indicator is named once."""
    ds = _dataset()
    assert missing_indicators(ds, 2020, _method()) == []
    assert missing_indicators(ds, 2020, _method(dynamics_years=1)) == ["alq", "sgb2q"]
    ds.statistics = ds.statistics[~ds.statistics["variable"].isin(["sgb2", "waehler"])]
    assert missing_indicators(ds, 2020, _method()) == ["sgb2q", "turnout"]
    extra = [("u101", 2020, "alq_change", 1.0)]
    ds = _dataset(extra=extra)
    ds.statistics = ds.statistics[(ds.statistics["year"] == 2020)
                                   | ds.statistics["variable"].isin(["sgb2", "population"])]
    published = [{"id": "alq", "change": "alq_change"}, {"id": "sgb2q"}, {"id": "turnout", "dynamics": False}]
    assert missing_indicators(ds, 2020, _method(indicators=published)) == []
    assert missing_indicators(ds, 2020, _method()) == ["alq"]
    ds.statistics = ds.statistics[ds.statistics["variable"] != "alq_change"]  # named, but not in the data
    assert missing_indicators(ds, 2020, _method(indicators=published)) == ["alq"]
    assert missing_indicators(ds, 2022, _method(indicators=published)) == ["alq", "sgb2q", "turnout"]

    elections = Catalogue(variables=CATALOGUE.variables, indicators=[
        i.model_copy(update={"latest_available": True}) if i.id == "turnout" else i for i in CATALOGUE.indicators])
    ds = _dataset(extra=[("u101", 2016, "waehler", 1), ("u101", 2016, "wahlberechtigte", 2)])
    ds.statistics = ds.statistics[ds.statistics["variable"] != "waehler"]
    ds.statistics = pd.concat([ds.statistics, pd.DataFrame([("u101", 2016, "waehler", 1)],
                                                           columns=ds.statistics.columns)])
    assert missing_indicators(ds, 2020, _method()) == ["turnout"]
    ds.catalogue = elections
    assert missing_indicators(ds, 2020, _method()) == []
    assert missing_indicators(ds, 2015, _method(dynamics_years=1)) == ["alq", "sgb2q", "turnout"]
    ds.statistics = ds.statistics[ds.statistics["year"] != 2016]
    ds.statistics = pd.concat([ds.statistics, pd.DataFrame([("u101", 2020, "waehler", 1)],
                                                           columns=ds.statistics.columns)])
    assert missing_indicators(ds, 2020, _method()) == []  # counted in the report year itself

    # an indicator the city publishes only as a rate (no counts) is there when its rate is
    rated = Catalogue(variables=CATALOGUE.variables + [_variable("turnout_rate", kind="rate")], indicators=[
        Indicator(id="turnout", label="Wahlbeteiligung", lebenslage="Bevölkerung", rate="turnout_rate",
                  direction="higher_is_better", source="Amt")] + CATALOGUE.indicators[:2])
    ds = _dataset(extra=[("u101", 2020, "turnout_rate", 55.0)])
    ds.catalogue = rated
    ds.statistics = ds.statistics[ds.statistics["variable"] != "waehler"]
    assert missing_indicators(ds, 2020, _method()) == []
    assert missing_indicators(ds, 2021, _method(dynamics_years=3)) == ["alq", "sgb2q", "turnout"]


def test_the_configuration_file_resolves_excluded_names_and_reports_each_problem_with_its_line(tmp_path):
    good = textwrap.dedent("""\
        method: klein
        methods:
          klein:
            label: Klein
            indicators:
              - {id: alq}
              - {id: turnout, dynamics: false}
            excluded: [Raderberg, 101]
            status_classes: {thresholds: [-1, 1], classes: [{code: "1", label: a}, {code: "2", label: b},
                                                             {code: "3", label: c}]}
            dynamics_classes: {thresholds: [0], classes: [{code: "+", label: p}, {code: "-", label: n}]}
        """)
    path = tmp_path / "sozialindex.yml"
    path.write_text(good, encoding="utf-8")
    config = load_sozialindex_config(path, CATALOGUE, COLOGNE)
    assert config.methods["klein"].excluded == [203, 101]
    assert config.sensitivity.seed == 20240
    assert load_sozialindex_config(path, CATALOGUE).methods["klein"].excluded == [203, 101]  # the project's

    lines = good.replace("excluded: [Raderberg, 101]", "excluded_stadtteile: [Nirgendwo, 101]").splitlines()
    lines[5:7] = ["      - {id: unbekannt}", "      - {id: neutral}", "      - {id: alq, change: alq_change}",
                  "      - {id: sgb2q, change: sgb2}", "      - {id: turnout, change: alq_change, dynamics: false}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_sozialindex_config(path, CATALOGUE, COLOGNE)
    problems = {p.row: p.reason for p in caught.value.problems}
    assert {p.file for p in caught.value.problems} == {str(path)}
    assert sorted(p.column for p in caught.value.problems) == [
        "methods.klein.excluded_stadtteile[0]", "methods.klein.indicators[0].id", "methods.klein.indicators[1].id",
        "methods.klein.indicators[3].change", "methods.klein.indicators[4].change"]
    row = {text.strip(): n for n, text in enumerate(lines, 1)}
    assert "Stadtteil 'Nirgendwo' gibt es nicht in" in problems[row["excluded_stadtteile: [Nirgendwo, 101]"]]
    assert "(raumbezug.yml)" in problems[row["excluded_stadtteile: [Nirgendwo, 101]"]]
    assert problems[row["- {id: unbekannt}"]] == ("Indikator 'unbekannt' steht nicht im Katalog "
                                                              "(parameters/indicators.yml)")
    assert problems[row["- {id: neutral}"]] == ("Indikator 'neutral' ist im Katalog neutral: bitte sign 1 oder -1 "
                                                "angeben")
    assert problems[row["- {id: sgb2q, change: sgb2}"]] == (
        "change: 'sgb2' ist keine Variable mit kind: rate in indicators.yml (die veröffentlichte Veränderung je "
        "Einheit)")
    assert problems[row["- {id: turnout, change: alq_change, dynamics: false}"]] == (
        "change bei 'turnout', das nicht zur Dynamik zählt (dynamics: false)")
    assert len(caught.value.problems) == 5

    # another city's raumbezug.yml next to the file: its units, its ambiguous names, its line numbers
    (tmp_path / "raumbezug.yml").write_text(textwrap.dedent("""\
        city: Testhausen
        adjective: Testhausener
        publisher: Stadt Testhausen
        levels:
          - {id: bezirk, name: Bezirk, plural: Bezirke, gender: m}
          - {id: viertel, name: Viertel, plural: Viertel, gender: n}
        units:
          bezirk: [{key: 1, name: Mitte}, {key: 2, name: Rand}]
          viertel: [{key: 7, name: Nordpol, parent: 1}, {key: 8, name: Neustadt, parent: 1},
                    {key: 9, name: Neustadt, parent: 2}]
        """), encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    assert load_sozialindex_config(path, CATALOGUE, COLOGNE).methods["klein"].excluded == [203, 101]  # as given
    other = good.replace("[Raderberg, 101]", "[Nordpol, 9]")
    path.write_text(other, encoding="utf-8")
    assert load_sozialindex_config(path, CATALOGUE).methods["klein"].excluded == [7, 9]
    path.write_text(other.replace("[Nordpol, 9]", "\n      - Neustadt\n      - Raderberg\n      - 8"), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_sozialindex_config(path, CATALOGUE)
    assert [(p.row, p.column, p.reason) for p in caught.value.problems] == [
        (9, "methods.klein.excluded[0]", "'Neustadt' ist mehrdeutig: Viertel 8 Neustadt (Mitte) oder Viertel 9 "
                                        "Neustadt (Rand); bitte den Schlüssel angeben"),
        (10, "methods.klein.excluded[1]", "Viertel 'Raderberg' gibt es nicht in Testhausen (raumbezug.yml)")]


class _Changed:
    """The wrapped object with some attributes replaced (a reference with one more or one fewer unit)."""

    def __init__(self, inner, **replaced):
        self._inner, self._replaced = inner, replaced

    def __getattr__(self, name):
        return self._replaced[name] if name in self._replaced else getattr(self._inner, name)


def test_units_unknown_to_the_reference_or_not_valid_in_the_year_are_handled_by_key():
    """Stadtteil 999 is not in Cologne's reference (it is counted under its key, has no Stadtbezirk and can be
    excluded by its key); 203 is valid only until 2019 in this variant and is left out of 2020 entirely."""
    units = dict(UNITS)
    units[999] = UNITS[203]
    ds = _dataset(units)
    base = _Changed(COLOGNE.base, valid_in=lambda nr, year: nr == 999 or (nr != 203 or year < 2020)
                    and COLOGNE.base.valid_in(nr, year))
    ds.spatial = _Changed(COLOGNE, base=base)
    table = compute_sozialindex(ds, 2020, _method(excluded=[])).table
    assert list(table.index) == ["101", "102", "103", "104", "105", "201", "202", "204", "999"]
    assert table.loc["999", ["nr", "name", "label", "stadtbezirk"]].tolist() == ["999", "999", "999", ""]
    assert table.at["999", "qualifies"]
    alq = np.append(ALQ, 20.0)  # 999 has the counts of 203: 20 % unemployed
    assert table.loc[QUALIFYING + ["999"], "z_alq"].tolist() == pytest.approx(_z(alq))
    table = compute_sozialindex(ds, 2020, _method(excluded=[999])).table
    assert table.at["999", "reason"] == "von der Bewertung ausgenommen"
    assert table.loc[QUALIFYING, "z_alq"].tolist() == pytest.approx(_z(ALQ))


def test_values_and_counts_per_group_are_the_summed_counts_and_their_ratio():
    """Nordost = 101 + 103: 80 / 1000 unemployed, 250 / 2000 SGB II; Deutz alone 10 / 500 and 30 / 1000."""
    from veedel_lib.analysis.sozialindex import _values

    ds = _dataset()
    groups = {"nordost": ["u101", "u103"], "deutz": ["u105"]}  # in this order, not sorted
    values, numerators = _values(ds, 2020, groups, ["sgb2q", "alq"])
    assert list(values.index) == ["nordost", "deutz"] and list(values.columns) == ["sgb2q", "alq"]
    assert values.to_numpy().ravel().tolist() == pytest.approx([12.5, 8.0, 3.0, 2.0])
    assert list(numerators.index) == ["nordost", "deutz"]
    assert numerators.to_numpy().tolist() == [[250, 80], [30, 10]]
    _, denominators = _values(ds, 2018, groups, ["sgb2q", "alq"], "denominator")
    assert list(denominators.index) == ["nordost", "deutz"] and list(denominators.columns) == ["sgb2q", "alq"]
    assert denominators.to_numpy().tolist() == [[2000, 1000], [1000, 500]]
