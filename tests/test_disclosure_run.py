"""Disclosure control over a whole run: nothing derived from a count below its threshold reaches any output.

Four areas are cut down to a single statistical unit each: Kalk and Ostheim/Neubrück with a handful of residents
(every count of the area is tiny), Humboldt/Gremberg and Bilderstöckchen with 60 residents but benefit counts from
1 to below their thresholds. The run is made twice, with different tiny counts ("variant A" and "variant B"); each
area has a mirror with the other variant's counts, and every unit's difference to the demo data moves to a unit of
the same Stadtteil outside every area, so that the programme, the rest of the city, the Stadtteile and the city
keep their counts in both variants. If disclosure control is complete, nothing a reader can see in the reports
of two of these areas (Kalk and Humboldt/Gremberg, one of each kind), of their Stadtbezirk and in the
programme-wide reports depends on the tiny counts: every table (CSV), every HTML
file (text, figures, their data) and every executed notebook's outputs is the same in both variants. Any
difference is a number derived from a count below its threshold. The runs make no PDF: a report's PDF is Chromium's
print of the very HTML compared here (its text, title and bookmarks come from it), and the printing has tests of
its own (tests/test_pdf.py, tests/test_pdf_accessibility.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import PARAMETERS

TINY = {"kalk": "80201", "ostheim-neubrueck": "80501", "humboldt-gremberg": "80101", "bilderstoeckchen": "50701"}
"""Area -> its only unit in this test."""
COMPENSATE = {"80201": "80202", "80501": "80502", "80101": "80102", "50701": "50702"}
"""Unit -> the unit of the same Stadtteil (outside every area) that takes the difference to the demo data."""
REPORTED = ("kalk", "humboldt-gremberg")
"""The areas whose own reports the run makes: one of each kind (a handful of residents; benefit counts below their
thresholds). Their mirrors (Ostheim/Neubrück, Bilderstöckchen) hold the other variant's counts of the same kind, so
their own reports would repeat the same check; their counts still enter every report of the programme and of
Stadtbezirk 8."""
BEZIRKE = ("bezirk-8",)
"""The Bezirksbericht of the reported areas' Stadtbezirk (Kalk, with three of the tiny areas)."""
AGES = ["pop_0_5", "pop_6_14", "pop_15_17", "pop_18_24", "pop_25_64", "pop_65_plus"]


def _tiny(variant: int) -> dict[str, int]:
    """Every count of a tiny unit: 3 or 4 residents, each group and event 0 to 2 (zeros in both variants)."""
    counts = {"pop_0_5": 0, "pop_6_14": 1 + variant, "pop_15_17": 0, "pop_18_24": 0, "pop_25_64": 1, "pop_65_plus": 1,
              "households": 1 + variant, "single_parent_households": 1 + variant, "foreigners": 1 + variant,
              "migration_background": 1 + variant, "moves_in": 1 + variant, "moves_out": 1, "electorate": 2,
              "voters": 1 + variant, "sgb2_recipients": 1 + variant, "sgb2_u15": 1 + variant, "sgb2_u18": 1 + variant,
              "unemployed": 1, "unemployed_15_24": 0, "sgb12_hlu": 0, "gsi_age": 1, "gsi_em": 0, "asylblg": 0,
              "hze_cases": 0}
    counts["population"] = sum(counts[a] for a in AGES)
    return counts


def _benefits_small(variant: int) -> dict[str, int]:
    """A unit of 60 residents (publishable) whose every benefit count lies from 1 to below its threshold; sums of
    several counts (the transfer quote adds five) stay below their threshold too."""
    counts = {"pop_0_5": 6, "pop_6_14": 8, "pop_15_17": 4, "pop_18_24": 7, "pop_25_64": 25, "pop_65_plus": 10,
              "households": 30, "single_parent_households": 3, "foreigners": 20, "migration_background": 30,
              "moves_in": 9, "moves_out": 8, "electorate": 40, "voters": 20,
              "sgb2_recipients": 2 + variant, "sgb2_u15": 1 + variant, "sgb2_u18": 2 + variant, "unemployed": 2 + variant,
              "unemployed_15_24": 1, "sgb12_hlu": 1, "gsi_age": 1 + variant, "gsi_em": 1, "asylblg": 1,
              "hze_cases": 1 + variant}
    counts["population"] = sum(counts[a] for a in AGES)
    return counts


def counts_of(unit: str, variant: int) -> dict[str, int]:
    """The counts of a test unit. Each kind has a mirror unit with the other variant's counts, so that the four
    units together (the programme, the rest of the city, every Stadtteil, the city) have the same counts in
    both variants: only the tiny areas' own counts differ."""
    mirror = unit in ("80501", "50701")
    kind = _tiny if unit in ("80201", "80501") else _benefits_small
    return kind(1 - variant if mirror else variant)


def _variant_data(source: Path, target: Path, variant: int) -> None:
    """The demo data with the four units set to the variant's counts, the difference moved to their neighbours."""
    shutil.copytree(source, target)
    statistics = pd.read_csv(target / "statistics.csv", sep=";", dtype={"unit": str})
    for unit in TINY.values():
        neighbour = COMPENSATE[unit]
        for variable, count in counts_of(unit, variant).items():
            mine = (statistics["unit"] == unit) & (statistics["variable"] == variable)
            theirs = (statistics["unit"] == neighbour) & (statistics["variable"] == variable)
            if not mine.any():
                continue
            moved = statistics.loc[mine].set_index("year")["count"] - count  # what the neighbour takes over
            statistics.loc[mine, "count"] = count
            statistics.loc[theirs, "count"] = (statistics.loc[theirs].set_index("year")["count"]
                                               + moved.reindex(statistics.loc[theirs, "year"]).to_numpy()).to_numpy()
    statistics.to_csv(target / "statistics.csv", sep=";", index=False)


def _parameters(target: Path) -> Path:
    shutil.copytree(PARAMETERS, target)
    areas = yaml.safe_load((target / "areas.yml").read_text(encoding="utf-8"))
    for area in areas["areas"]:
        if area["id"] in TINY:
            area.pop("stadtteile", None)
            area["units"] = [TINY[area["id"]]]
    (target / "areas.yml").write_text(yaml.safe_dump(areas, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, old, new in (("run.yml", "placebo_draws: 400", "placebo_draws: 100"),  # fewer draws, same rules
                           ("sozialindex.yml", "draws: 200", "draws: 50")):
        text = (target / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (target / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _outputs(run_dir: Path) -> dict[str, str]:
    """What a reader sees in each output file of the tiny areas and the programme, as comparable text."""
    seen = {}
    for folder in [*REPORTED, *BEZIRKE, "programm"]:
        for path in sorted((run_dir / "reports" / folder).rglob("*")):
            name = path.relative_to(run_dir).as_posix()
            if path.suffix in (".csv", ".html"):
                seen[name] = path.read_text(encoding="utf-8")
            elif path.suffix == ".ipynb":
                cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                seen[name] = json.dumps([[{k: v for k, v in o.get("data", {}).items()} | {"text": o.get("text", "")}
                                          for o in c.get("outputs", [])] for c in cells], ensure_ascii=False)
    return seen


@pytest.fixture(scope="module")
def two_variants(tmp_path_factory):
    """The same run on variant A and variant B of the tiny areas (HTML, all reports incl. on-demand)."""
    from veedel_lib.demo import ensure_demo_data
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner

    work = tmp_path_factory.mktemp("disclosure")
    parameters = _parameters(work / "parameters")
    demo = ensure_demo_data(PARAMETERS)  # the session's demo data; each variant changes a copy
    runs = {}
    for variant in (0, 1):
        data = work / f"data-{variant}"
        _variant_data(demo, data, variant)
        config = load_run_config(parameters / "run.yml").model_copy(update={
            "data_dir": str(data), "formats": ["html"],
            "reports": ["sozialraumgebietsanalyse", "evaluation", "themenbewertung", "bezirksbericht", "jahresbericht",
                        "sozialindex"]})
        summary = runner.run(config, outputs=work / f"outputs-{variant}", parameters=parameters, areas=list(REPORTED),
                             jobs=2)
        assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
        runs[variant] = summary.run_dir
    return runs


def test_the_variants_differ_only_inside_the_tiny_areas():
    """The design of the test itself: same zeros, same sums over the four units, all tiny counts below threshold."""
    for variable in _tiny(0):
        assert sum(counts_of(u, 0)[variable] for u in TINY.values()) == \
            sum(counts_of(u, 1)[variable] for u in TINY.values()), variable
        for unit in TINY.values():
            assert (counts_of(unit, 0)[variable] == 0) == (counts_of(unit, 1)[variable] == 0), (unit, variable)
    for variant in (0, 1):
        assert _tiny(variant)["population"] < 5
        assert _benefits_small(variant)["population"] >= 5
        small = _benefits_small(variant)
        assert small["sgb2_recipients"] + small["sgb12_hlu"] + small["gsi_age"] + small["gsi_em"] + small["asylblg"] < 10


@pytest.mark.slow
def test_no_output_of_a_run_depends_on_counts_below_their_threshold(two_variants):
    first, second = (_outputs(run) for run in (two_variants[0], two_variants[1]))
    assert set(first) == set(second)
    assert {name.split("/")[1] for name in first} >= {*REPORTED, *BEZIRKE, "programm"}
    kinds = {Path(name).suffix for name in first}
    assert kinds >= {".csv", ".html", ".ipynb"}, kinds
    assert len(first) > 40
    differing = [name for name in first if first[name] != second[name]]
    assert differing == [], differing


@pytest.mark.slow
def test_the_tiny_areas_reports_say_that_their_numbers_are_withheld(two_variants):
    """The issue's examples: no "lebten hier 2 Menschen", no 50,0 % from 1 of 2, no 15-area total to subtract."""
    run = two_variants[0]
    analysis = (run / "reports" / "kalk" / "sozialraumgebietsanalyse.html").read_text(encoding="utf-8")
    assert "lebten hier" not in analysis and "nicht veröffentlicht (Geheimhaltung" in analysis
    tables = run / "reports" / "kalk" / "tables" / "evaluation"
    table = pd.read_csv(tables / "evaluation.csv")
    assert table.drop(columns=["label", "verdict"]).isna().all().all(), table
    assert set(table["verdict"].dropna()) <= {"nicht auswertbar"}  # said only where a denominator is 0
    goals = pd.read_csv(tables / "zielerreichung.csv")
    assert goals[["area_then", "area_now", "gap_then", "gap_now", "gap_closed"]].isna().all().all(), goals
    assert goals[["city_then", "city_now"]].notna().all().all()      # the city's values stay public
    figures = pd.read_csv(run / "reports" / "programm" / "tables" / "jahresbericht" / "eckdaten.csv")
    assert figures["areas"].isna().all(), figures   # each figure has a count below its threshold in a tiny area
    assert figures["city"].notna().all()
