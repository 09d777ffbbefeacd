"""The Bezirksbericht's plan status: the goals of the district's Sozialraumgebietspläne judged as in each area's
evaluation, counted per area, withheld with their counts; the measures per area with delay and funds."""

from __future__ import annotations

import shutil

import yaml
from conftest import PARAMETERS

from veedel_lib.render import formatting as fmt
from veedel_lib.render.blocks import TableBlock, TextBlock
from veedel_lib.render.disclosure import masked
from veedel_lib.reports.bezirksbericht import BezirkReport
from veedel_lib.reports.evaluation import Evaluation


def _tables(blocks) -> dict[str, TableBlock]:
    return {b.name: b for b in blocks if isinstance(b, TableBlock)}


def _public(block: TableBlock):
    """What the reader sees of a table: the masked frame's shown columns."""
    return masked(block.frame, block.columns)[[c.key for c in block.columns if c.show]]


def test_plan_status_judges_each_goal_as_the_areas_evaluation_and_counts_them_per_area(demo):
    year = demo.latest_year
    bezirk = BezirkReport.open(8, year=year, dataset=demo, parameters_dir=PARAMETERS)
    blocks = bezirk.plan_status()
    tables = _tables(blocks)
    single = _public(tables["ziele_bezirk_einzeln"])
    counts = _public(tables["ziele_bezirk"]).set_index("area")
    names = [a.name for a in bezirk.areas()]
    assert list(counts.index) == [*names, "Gebiete im Bezirk Kalk"]
    for area in bezirk.areas():
        evaluation = Evaluation.open(area.id, year=year, dataset=demo, parameters_dir=PARAMETERS)
        trend = _public(_tables(evaluation.plan_goals())["ziele_trend"])
        mine = single[single["area"] == area.name]
        # the same goals, with the same judgement, as the area's own evaluation shows
        assert list(mine["assessment"]) == list(trend["assessment"]) and len(mine) > 0
        on_track = sum(a.startswith(("auf Kurs", "erreicht")) for a in mine["assessment"])
        assert counts.at[area.name, "goals"] == len(mine) and counts.at[area.name, "on_track"] == on_track
    total = counts.loc["Gebiete im Bezirk Kalk"]
    assert total["goals"] == len(single) == counts.loc[names, "goals"].sum()
    text = next(b.markdown for b in blocks if isinstance(b, TextBlock))
    assert f"Von den {len(single)} Zielen der Sozialraumgebietspläne im Bezirk sind {int(total['on_track'])}" in text
    measures = _public(tables["massnahmen_bezirk"]).set_index("area")
    assert measures.loc["Gebiete im Bezirk Kalk", "measures"] == measures.loc[names, "measures"].sum() > 0
    assert measures.loc["Gebiete im Bezirk Kalk", "budget"] == measures.loc[names, "budget"].sum()


def test_plan_status_withholds_goals_whose_counts_are_small(tmp_path, demo):
    """With publish thresholds above every area's counts, no goal's value or judgement shows, the count table
    says how many are withheld and the sentence counts none as on or off track."""
    from veedel_lib.inputs.dataset import load_dataset

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    catalogue = yaml.safe_load((parameters / "indicators.yml").read_text(encoding="utf-8"))
    for variable in catalogue["variables"]:
        if variable["id"] != "population":
            variable["publish_threshold"] = 10_000_000
    (parameters / "indicators.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    ds = load_dataset(demo.data_dir, parameters)
    blocks = BezirkReport.open(8, year=ds.latest_year, dataset=ds, parameters_dir=parameters).plan_status()
    tables = _tables(blocks)
    single = _public(tables["ziele_bezirk_einzeln"])
    assert len(single) and single["current_value"].isna().all() and single["assessment"].isna().all()
    counts = _public(tables["ziele_bezirk"]).set_index("area")
    total = counts.loc["Gebiete im Bezirk Kalk"]
    assert total["withheld"] == total["goals"] == len(single) and total["on_track"] == total["off_track"] == 0
    text = next(b.markdown for b in blocks if isinstance(b, TextBlock))
    assert "sind 0 auf Kurs oder erreicht, 0 nicht auf Kurs" in text


def test_the_controlling_tables_keep_their_names_and_captions(demo):
    """Regression: the loop over the areas reused the parameter ``name``, so the table took the last area's name: the
    Jahresbericht wrote ``Porz-Mitte/Urbach.csv`` (a folder and a file) and captioned its table like a Bezirk's."""
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    year = demo.latest_year
    programme = _tables(ProgrammeReport.open(year=year, dataset=demo, parameters_dir=PARAMETERS).controlling())
    assert list(programme) == ["controlling_gebiete"]
    assert programme["controlling_gebiete"].caption == f"Zielerreichung der 15 Gebiete {year}"
    bezirk = BezirkReport.open(8, year=year, dataset=demo, parameters_dir=PARAMETERS)
    tables = _tables(bezirk.kernprozesse())
    assert "controlling_bezirk" in tables
    names = [a.name for a in bezirk.areas()]
    assert tables["controlling_bezirk"].caption == f"Zielerreichung {year}: {fmt.join(names)}"


def test_the_title_block_names_the_district_as_stadtbezirk_not_as_a_sozialraumgebiet(demo):
    bezirk = BezirkReport.open(8, year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    facts = dict(bezirk.title().facts())
    assert "Sozialraumgebiet" not in facts
    assert facts["Stadtbezirk"] == "8 Kalk"
