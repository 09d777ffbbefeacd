"""No count recoverable from a composite: the back-calculation attack on the published files of a run.

The demo data are changed so that Kalk (area "kalk", exactly Stadtteil 802) has 3 young unemployed (threshold 10)
in every year. A run makes the Sozialindex and Kalk's Sozialraumgebietsanalyse; the attack then reads only the CSV
tables the run publishes (``reports/*/tables/**.csv``) and solves for Kalk's withheld z-value of the youth
unemployment share with every equation those files give:

* the index route: Kalk's published status index, the index's linear map from the sum of a Stadtteil's z-values
  (fitted on the Stadtteile whose z-values are all published), and Kalk's other z-values from its published area
  values (the area is the Stadtteil) with the published means and standard deviations;
* the column routes: the z-values of an indicator, and the status indexes, sum to zero over the rated Stadtteile
  and their squares to the number of rated Stadtteile (population SD), so the withheld ones lie on a circle.

Every route gives an interval (rounding of the published figures included); the attack intersects them and turns
the result into an interval for the count with Kalk's population of 15 to 24 years (public in the city's age
statistics per Stadtteil). Run it on any run folder: ``python tests/test_disclosure_composites.py RUN_DIR``.
"""

from __future__ import annotations

import itertools
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PARAMETERS  # noqa: E402

STADTTEIL = "802 Kalk"
AREA = "kalk"
TARGET = "youth_unemployment_share"
HIDDEN_COUNT = 3
THRESHOLD = 10
WITHHELD_NOTE = "Index und Klasse nicht veröffentlicht"
HALF = {"index": 0.005, "z": 0.005, "value": 0.05}
"""Half of the last published digit of each kind of figure (indexes and z-values: 2 decimals, rates: 1)."""


@dataclass
class Attack:
    """What the published files give away about one withheld z-value."""

    index_published: bool
    class_published: bool
    z_low: float
    z_high: float
    rate_low: float
    rate_high: float
    routes: dict[str, tuple[float, float]]

    def count_interval(self, denominator: float, threshold: int = THRESHOLD) -> tuple[int, int]:
        """Counts from 1 to below ``threshold`` (what "withheld" already says) consistent with the rate interval."""
        low = max(1, math.ceil(self.rate_low * denominator / 100 - 1e-9))
        high = min(threshold - 1, math.floor(self.rate_high * denominator / 100 + 1e-9))
        return low, high


def _corners(function, *intervals: tuple[float, float]) -> tuple[float, float]:
    """Smallest and largest value of a monotone function over the corners of a box of intervals."""
    values = [function(*corner) for corner in itertools.product(*intervals)]
    return min(values), max(values)


def _circle(published: pd.Series, rated: int) -> tuple[float, float, int]:
    """Interval of one withheld value of a column standardised over ``rated`` units (sum 0, sum of squares = n)
    from its published values; with one or two withheld the value is pinned (up to rounding)."""
    hidden = rated - int(published.notna().sum())
    shown = published.dropna()
    s1, s2 = -float(shown.sum()), rated - float((shown ** 2).sum())
    slack = 3 * math.sqrt(len(shown) / 3) * HALF["z"]  # three SDs of the sum of the rounding errors
    if hidden <= 0:
        return -math.inf, math.inf, hidden
    if hidden == 1:
        return s1 - slack, s1 + slack, hidden
    spread = math.sqrt(max(0.0, (hidden - 1) / hidden * (s2 - s1 ** 2 / hidden)))
    return s1 / hidden - spread - slack, s1 / hidden + spread + slack, hidden


def attack(run_dir: Path, stadtteil: str = STADTTEIL, area: str = AREA, target: str = TARGET) -> Attack:
    """Solve for the withheld z-value of ``target`` of ``stadtteil`` from the published CSV tables of ``run_dir``."""
    reports = Path(run_dir) / "reports"
    tables = reports / "programm" / "tables" / "sozialindex"
    indicators = pd.read_csv(tables / "indikatoren.csv")
    z = pd.read_csv(tables / "sozialindex_z_werte.csv").set_index("label")
    main = pd.read_csv(tables / "sozialindex.csv").set_index("label")
    ids = [c.removeprefix("z_") for c in z.columns]
    indicators.index = ids
    signs = pd.Series(np.where(indicators["direction"].str.startswith("höher = ungünstiger"), 1, -1), index=ids)
    notes = main["note"].fillna("") if "note" in main else pd.Series("", index=main.index)
    rated = main["status_index"].notna() | notes.str.startswith(WITHHELD_NOTE)
    n = int(rated.sum())
    area_values = pd.read_csv(reports / area / "tables" / "sozialraumgebietsanalyse" / "soziale_lage.csv")
    area_values = area_values.set_index("label")["area_value"]

    def other_z(i: str) -> tuple[float, float]:
        """The interval of the Stadtteil's z-value of indicator ``i`` from its area value, mean and SD."""
        label = indicators.at[i, "label"]
        if label not in area_values.index or pd.isna(area_values[label]):
            return -math.inf, math.inf
        x, mean, sd = area_values[label], indicators.at[i, "mean"], indicators.at[i, "sd"]
        return _corners(lambda a, m, s: signs[i] * (a - m) / s, (x - HALF["value"], x + HALF["value"]),
                        (mean - HALF["value"], mean + HALF["value"]), (sd - HALF["value"], sd + HALF["value"]))

    others = [other_z(i) for i in ids if i != target]
    rest = (sum(low for low, _ in others), sum(high for _, high in others))
    complete = z.dropna().index.intersection(main.index[main["status_index"].notna()])
    design = np.c_[np.ones(len(complete)), z.loc[complete].sum(axis=1)]
    (alpha, beta), *_ = np.linalg.lstsq(design, main.loc[complete, "status_index"].to_numpy(), rcond=None)

    def from_index(low: float, high: float) -> tuple[float, float]:
        """The target z-value from an interval of the Stadtteil's index and its other z-values."""
        total = ((low - alpha) / beta, (high - alpha) / beta)
        return total[0] - rest[1], total[1] - rest[0]

    routes: dict[str, tuple[float, float]] = {}
    index = main.at[stadtteil, "status_index"]
    if pd.notna(index):
        routes["Index des Stadtteils"] = from_index(index - HALF["index"], index + HALF["index"])
    low, high, hidden = _circle(z.loc[rated[rated].index, f"z_{target}"], n)
    routes[f"Spalte z_{target} ({hidden} verborgen)"] = (low, high)
    if pd.isna(index):
        low, high, hidden = _circle(main.loc[rated[rated].index, "status_index"], n)
        routes[f"Spalte Status-Index ({hidden} verborgen)"] = from_index(low, high)
    z_low = max(low for low, _ in routes.values())
    z_high = min(high for _, high in routes.values())
    mean, sd = indicators.at[target, "mean"], indicators.at[target, "sd"]
    rate = _corners(lambda m, s, v: m + signs[target] * s * v, (mean - HALF["value"], mean + HALF["value"]),
                    (sd - HALF["value"], sd + HALF["value"]), (z_low, z_high))
    published_class = main.at[stadtteil, "status_label"]
    return Attack(pd.notna(index), isinstance(published_class, str) and published_class != "", z_low, z_high,
                  rate[0], rate[1], routes)


# ----------------------------------------------------------------------------- the rule in disclosure.py

def _standardised(values: np.ndarray) -> np.ndarray:
    """z-values with the population SD, as the Sozialindex computes them."""
    return (values - values.mean()) / values.std(ddof=0)


def test_one_or_two_withheld_z_values_are_given_back_by_the_column_three_leave_a_degree_of_freedom():
    z = _standardised(np.random.default_rng(7).gamma(2.0, 3.0, size=40))
    n = len(z)
    # one withheld: the sum of the column is zero
    assert math.isclose(-z[1:].sum(), z[0], abs_tol=1e-9)
    # two withheld: the sum and the sum of squares (= n) pin them (as a pair)
    s1, s2 = -z[2:].sum(), n - (z[2:] ** 2).sum()
    root = math.sqrt(2 * s2 - s1 ** 2)
    assert sorted([(s1 - root) / 2, (s1 + root) / 2]) == pytest.approx(sorted(z[:2]))
    # three withheld: another triple on the same circle agrees with every published value, the first one differs
    s1, s2 = -z[3:].sum(), n - (z[3:] ** 2).sum()
    centre, deviation = s1 / 3, z[:3] - s1 / 3
    turned = centre + np.roll(deviation, 1)  # same sum and sum of squares
    assert turned.sum() == pytest.approx(s1) and (turned ** 2).sum() == pytest.approx(s2)
    assert abs(turned[0] - z[0]) > 0.1
    low, high, hidden = _circle(pd.Series(np.r_[[np.nan] * 3, z[3:]]), n)
    assert hidden == 3 and low < z[0] < high and high - low > 0.5  # an interval as wide as the hidden ones' spread
    # disclosure.hidden_range measures that interval: none for two hidden values, the circle's for three
    from veedel_lib.render.disclosure import hidden_range

    assert hidden_range(pd.Series(z[:2])) == 0
    width = hidden_range(pd.Series(z[:3]))
    assert abs(turned[0] - centre) <= width / 2 + 1e-9 and abs(z[0] - centre) <= width / 2 + 1e-9
    assert width == pytest.approx(high - low - 2 * 3 * math.sqrt((n - 3) / 3) * HALF["z"])


def test_a_composite_is_withheld_where_any_count_it_is_built_from_is():
    from veedel_lib.render.blocks import Col
    from veedel_lib.render.disclosure import composite_withheld

    frame = pd.DataFrame({"a": [3, 0, 40, 40], "b": [50, 50, 2, 50], "threshold": [5, 5, 5, 5]})
    parts = [Col("a", "A", "count", threshold="threshold"), Col("b", "B", "count", threshold=10)]
    # row 1: a zero is shown and hides nothing; row 2: b = 2 is below its threshold of 10
    assert composite_withheld(frame, parts).tolist() == [True, False, True, False]


def _index_table(units: list[str], counts: list[int]) -> pd.DataFrame:
    """A small index table: one indicator's counts, its z-values and a status index over all rows."""
    z = _standardised(np.linspace(-1.5, 1.5, len(units)) ** 3)
    return pd.DataFrame({"n_a": counts, "d_a": [500] * len(units), "z_a": z, "status_index": z,
                         "status_label": ["hoch"] * len(units),
                         "status_class": pd.array([1] * len(units), dtype="Int64")}, index=units)


def test_a_unit_with_a_withheld_input_gets_no_index_and_no_class_and_three_more_are_withheld_with_it():
    from veedel_lib.render.blocks import Col
    from veedel_lib.render.disclosure import STANDARDISED_UNKNOWNS, public_index

    units = [f"u{i}" for i in range(12)]
    frame = _index_table(units, [3] + [50 + 10 * i for i in range(11)])
    inputs = [Col("n_a", "A", "count", threshold=10), Col("d_a", "A", "count", threshold=5)]
    in_area = pd.Series([1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1], index=units, dtype=float)
    public = public_index(frame, inputs, ["z_a", "status_index", "status_label", "status_class"],
                          [["z_a", "status_index"]], in_area)
    assert public.primary.tolist() == [True] + [False] * 11
    assert int(public.withheld.sum()) >= STANDARDISED_UNKNOWNS == 4
    assert public.withheld[["u0", "u2", "u4", "u5"]].all()  # the first units outside every area
    assert not public.withheld[in_area[in_area == 1].index.drop("u0")].any()
    hidden = public.frame.loc[public.withheld]
    assert hidden[["z_a", "status_index"]].isna().all().all() and (hidden["status_label"] == "").all()
    assert hidden["status_class"].isna().all()
    shown = public.frame.loc[~public.withheld]
    assert shown["status_index"].notna().all() and (shown["status_label"] == "hoch").all()
    # what the published column leaves open about the withheld value: an interval of more than one SD around it
    low, high, _ = _circle(public.frame["z_a"], len(units))
    assert low < frame.at["u0", "z_a"] < high and high - low >= 1.0


def test_values_published_elsewhere_do_not_count_as_unknowns_and_close_values_do_not_protect():
    from veedel_lib.render.disclosure import PROTECTION_WIDTH, hidden_range, standardised_mask

    units = [f"u{i}" for i in range(10)]
    z = pd.DataFrame({"z_a": _standardised(np.arange(10.0)), "z_b": _standardised(np.arange(10.0) ** 2)},
                     index=units)
    withheld = pd.Series([True, True, True, True] + [False] * 6, index=units)
    preference = pd.Series(np.arange(10.0), index=units)
    assert standardised_mask(withheld, [z], preference, width=0.0).sum() == 4  # four unknowns in each column
    # u0's value of indicator b is public elsewhere: column b has one unknown fewer, one more unit is withheld
    known = pd.DataFrame({"z_b": [True] + [False] * 9}, index=units)
    wide = standardised_mask(withheld, [z], preference, known, width=0.0)
    assert wide.sum() == 5 and wide["u4"]
    # four hidden values close together lie on a small circle: more units are withheld until it is wide enough
    close = pd.DataFrame({"z_a": _standardised(np.r_[[5.0, 5.1, 5.2, 5.3], np.arange(6.0) * 3])}, index=units)
    assert hidden_range(close["z_a"][:4]) < PROTECTION_WIDTH
    mask = standardised_mask(withheld, [close], preference)
    assert mask.sum() > 4 and hidden_range(close["z_a"][mask]) >= PROTECTION_WIDTH


def test_the_secondary_rows_cover_every_standardised_set_and_nothing_is_withheld_without_a_small_count():
    from veedel_lib.render.disclosure import STANDARDISED_UNKNOWNS, standardised_mask

    units = [f"u{i}" for i in range(12)]
    withheld = pd.Series([False] * 11 + [True], index=units)
    status = pd.DataFrame({"status_index": _standardised(np.arange(12.0))}, index=units)
    moving = [True] * 6 + [False] * 5 + [True]  # u6..u10 have no dynamics
    dynamics = pd.DataFrame({"dynamics_index": np.where(moving, np.linspace(-2, 2, 12), np.nan)}, index=units)
    preference = pd.Series(range(12, 0, -1), index=units, dtype=float)  # prefers u10, u9, ... first
    mask = standardised_mask(withheld, [status, dynamics], preference)
    for frame in (status, dynamics):
        assert int((mask & frame.notna().any(axis=1)).sum()) >= STANDARDISED_UNKNOWNS
    assert not standardised_mask(pd.Series(False, index=units), [status, dynamics], preference).any()


def test_ranks_are_ranks_among_the_published_values_without_a_gap():
    from veedel_lib.render.disclosure import published_rank

    values = pd.Series([2.0, 1.5, 1.0, 0.5, -1.0])
    withheld = pd.Series([False, True, False, False, False])
    assert published_rank(values, withheld).tolist()[:1] + published_rank(values, withheld).tolist()[2:] == \
        [1.0, 2.0, 3.0, 4.0]
    assert pd.isna(published_rank(values, withheld)[1])


# ----------------------------------------------------------------------------- the run

def _kalk_units(data: Path) -> list[str]:
    units = pd.read_csv(data / "units.csv", sep=";", dtype=str)
    return units.loc[units["stadtteil"] == "802", "unit_id"].tolist()


def _small_count_data(source: Path, target: Path) -> Path:
    """The demo data with Kalk's young unemployed set to 3 in every year (all in its first unit)."""
    shutil.copytree(source, target)
    statistics = pd.read_csv(target / "statistics.csv", sep=";", dtype={"unit": str})
    units = _kalk_units(target)
    chosen = statistics["unit"].isin(units) & (statistics["variable"] == "unemployed_15_24")
    statistics.loc[chosen, "count"] = 0
    first = statistics.index[chosen & (statistics["unit"] == units[0])]
    statistics.loc[first, "count"] = HIDDEN_COUNT
    statistics.to_csv(target / "statistics.csv", sep=";", index=False)
    return target


def _young(data: Path, year: int) -> float:
    """Kalk's residents of 15 to 24 years (the rate's denominator; the city publishes age groups per Stadtteil)."""
    statistics = pd.read_csv(data / "statistics.csv", sep=";", dtype={"unit": str})
    chosen = statistics["unit"].isin(_kalk_units(data)) & statistics["variable"].isin(["pop_15_17", "pop_18_24"]) \
        & (statistics["year"] == year)
    return float(statistics.loc[chosen, "count"].sum())


def _single_small_count(tmp_path: Path, method: dict | None = None):
    """The Sozialindex report on the demo data with publish thresholds of 2 (every demo Stadtteil publishable) and
    1 young unemployed person in Kalk, the only withheld input; ``method`` changes the koeln method's settings."""
    import re

    import yaml

    from veedel_lib.demo import ensure_demo_data
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.reports.sozialindex import SozialindexReport

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    catalogue = parameters / "indicators.yml"
    catalogue.write_text(re.sub(r"publish_threshold: \d+", "publish_threshold: 2", catalogue.read_text("utf-8")),
                         encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(ensure_demo_data(PARAMETERS), data)
    statistics = pd.read_csv(data / "statistics.csv", sep=";", dtype={"unit": str})
    kalk = _kalk_units(data)
    chosen = statistics["unit"].isin(kalk) & (statistics["variable"] == "unemployed_15_24")
    statistics.loc[chosen, "count"] = (statistics.loc[chosen, "unit"] == kalk[0]).astype(int)  # 1 in Kalk
    statistics.to_csv(data / "statistics.csv", sep=";", index=False)
    if method:
        config = yaml.safe_load((parameters / "sozialindex.yml").read_text(encoding="utf-8"))
        config["methods"]["koeln"].update(method)
        (parameters / "sozialindex.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return SozialindexReport.open(dataset=load_dataset(data, parameters), parameters_dir=parameters)


def test_a_single_small_count_withholds_the_index_of_at_least_four_stadtteile_outside_the_areas(tmp_path):
    """With 1 young unemployed person in Kalk as the only withheld input, the secondary suppression over the
    z-columns has to protect it on its own."""
    report = _single_small_count(tmp_path)
    frame = report.stadtteil_frame().set_index("stadtteil")
    withheld = frame[frame["withheld"]]
    assert "802" in withheld.index and len(withheld) >= 4
    assert (withheld.drop(index="802")["coverage"] == "").all()  # their values are published nowhere else
    assert withheld[["status_index", "dynamics_index", f"z_{TARGET}"]].isna().all().all()
    assert (withheld[["status_label", "dynamics_label", "combined_code"]] == "").all().all()
    true_z = report.index.table.at["802", f"z_{TARGET}"]
    rated = frame[frame["qualifies"]]
    low, high, hidden = _circle(rated[f"z_{TARGET}"], len(rated))
    assert hidden == len(withheld) and low < true_z < high and high - low >= 1.0
    areas = report.area_frame().set_index("area_id")
    assert pd.isna(areas.at["kalk", "status_index"])


def test_a_method_that_excludes_units_with_a_withheld_input_standardises_without_them(tmp_path):
    from veedel_lib.analysis.sozialindex import WITHHELD_REASON

    report = _single_small_count(tmp_path, {"withheld_inputs": "exclude"})
    table = report.index.table
    assert not table.at["802", "qualifies"] and table.at["802", "reason"] == WITHHELD_REASON
    assert table["qualifies"].sum() == len(table) - 1
    rated = table[table["qualifies"]]
    mean = rated["value_youth_unemployment_share"].mean()  # Kalk's 1 person enters no mean
    assert report.index.status.means["youth_unemployment_share"] == pytest.approx(mean)
    frame = report.stadtteil_frame().set_index("stadtteil")
    assert not frame["withheld"].any()  # nothing to protect: no rated unit rests on a withheld count
    assert "Nicht bewertet: 802 Kalk (ein Eingangswert unterliegt der Geheimhaltung" in \
        report.status_dynamics()[0].markdown
    assert "geht in keinen Mittelwert" in report.method_notes()[0].markdown


def test_the_bezirksbericht_withholds_the_class_of_a_stadtteil_whose_sozialindex_is_withheld(demo):
    """Rodenkirchen's Hahnwald, Godorf and Immendorf have demo counts below their thresholds (e.g. 4 young
    unemployed in Immendorf): their class must not reach the Bezirk's table, the table says why."""
    from veedel_lib.render.disclosure import protect
    from veedel_lib.reports.bezirksbericht import BezirkReport

    bezirk = BezirkReport.open(2, year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    block = next(b for b in bezirk.sozialindex() if getattr(b, "name", "") == "sozialindex_stadtteile")
    public = protect(block.frame, block.columns).frame.set_index("label")
    withheld = [label for label in public.index if label.split(" ")[0] in ("207", "211", "212")]
    assert len(withheld) == 3
    assert public.loc[withheld, ["status_label", "dynamics_label", "combined_code"]].isna().all().all()
    assert public.drop(index=withheld)["status_label"].notna().all()
    assert "keinen veröffentlichten Index" in block.note


@pytest.fixture(scope="module")
def small_count_run(tmp_path_factory):
    """The Sozialindex and Kalk's Sozialraumgebietsanalyse on the demo data with 3 young unemployed in Kalk."""
    from veedel_lib.demo import ensure_demo_data
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner

    work = tmp_path_factory.mktemp("composites")
    data = _small_count_data(ensure_demo_data(PARAMETERS), work / "data")
    config = load_run_config(PARAMETERS / "run.yml").model_copy(update={
        "data_dir": str(data), "formats": [], "reports": ["sozialraumgebietsanalyse", "sozialindex"]})
    summary = runner.run(config, outputs=work / "outputs", parameters=PARAMETERS, areas=[AREA], jobs=2)
    assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
    year = int(pd.read_csv(data / "statistics.csv", sep=";")["year"].max())
    return summary.run_dir, _young(data, year)


@pytest.mark.slow
def test_the_back_calculation_attack_on_a_runs_tables_cannot_recover_a_withheld_count(small_count_run):
    run_dir, young = small_count_run
    analysis = run_dir / "reports" / AREA / "tables" / "sozialraumgebietsanalyse" / "soziale_lage.csv"
    row = pd.read_csv(analysis).set_index("label").loc["Jugendarbeitslosenanteil"]
    assert pd.isna(row["area_numerator"]) and pd.isna(row["area_value"])  # the count itself is withheld
    result = attack(run_dir)
    print(f"\n[attack] index published: {result.index_published}, class published: {result.class_published}; "
          f"z in [{result.z_low:.3f}, {result.z_high:.3f}], rate in [{result.rate_low:.3f}, {result.rate_high:.3f}] "
          f"%, count in {result.count_interval(young)} (true {HIDDEN_COUNT} of {young:.0f}); routes {result.routes}")
    assert not result.index_published and not result.class_published
    # on today's main the index route pinned the z-value to [-2.02, -1.64] (true -1.78); now it is underdetermined
    assert result.z_high - result.z_low > 1.0
    # the published files leave every count that "withheld" allows possible: nothing more is learnt
    assert result.count_interval(young) == (1, THRESHOLD - 1)


@pytest.mark.slow
def test_no_published_table_of_the_run_places_the_withheld_stadtteil_in_a_class(small_count_run):
    run_dir, _ = small_count_run
    tables = run_dir / "reports" / "programm" / "tables" / "sozialindex"
    main = pd.read_csv(tables / "sozialindex.csv").set_index("label")
    assert main.loc[STADTTEIL, ["status_index", "status_label", "dynamics_index", "dynamics_label",
                                "combined_code"]].isna().all()
    assert main.at[STADTTEIL, "note"].startswith("Index und Klasse nicht veröffentlicht: ein Eingangswert "
                                                 "unterliegt der Geheimhaltung")
    withheld = main.index[main["note"].fillna("").str.startswith(WITHHELD_NOTE)]
    assert len(withheld) >= 4  # never one to three: the sum, the sum of squares and the index would give them back
    for name in ("sozialindex_grafik", "sozialindex_z_werte", "status_karte", "sozialindex_sensitivitaet"):
        frame = pd.read_csv(tables / f"{name}.csv").set_index("label")
        shown = frame.drop(columns=[c for c in ("areas", "in_area", "class") if c in frame]).loc[withheld]
        assert shown.isna().all().all(), (name, shown)
    sensitivity = pd.read_csv(tables / "sozialindex_sensitivitaet.csv")
    ranks = sorted(sensitivity["rank"].dropna().astype(int))
    assert ranks == list(range(1, len(ranks) + 1))  # no gap where a withheld Stadtteil stood
    parts = pd.read_csv(tables / "stadtteile_der_gebiete.csv")
    assert parts.loc[parts["name"] == "Kalk", ["status_label", "dynamics_label", "combined_code"]].isna().all().all()
    areas = pd.read_csv(tables / "sozialraumgebiete.csv").set_index("name")
    assert areas.loc["Kalk"].isna().all()
    cross = pd.read_csv(tables / "klassen_kreuztabelle.csv").set_index("status")
    assert cross.at["zusammen", "total"] == int(main["status_label"].notna().sum())


if __name__ == "__main__":
    found = attack(Path(sys.argv[1]))
    print(found)
    if len(sys.argv) > 2:
        print("count interval:", found.count_interval(float(sys.argv[2])))
