"""Maps: the demo layout, the city's boundaries, choropleth classes, outline and suppression."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import PathPatch

from veedel_lib.errors import DataValidationError
from veedel_lib.params.reference import STADTTEILE
from veedel_lib.render import maps


def test_demo_layout_tiles_the_city_with_one_cell_per_stadtteil():
    layout = maps.demo_layout()
    assert sorted(layout.rings, key=int) == [str(n) for n in sorted(STADTTEILE)]
    areas = {n: abs(maps._area(rings[0])) for n, rings in layout.rings.items()}
    assert min(areas.values()) > 0.1, "every cell has a real area (km²)"
    assert layout.schematic
    again = maps.demo_layout()
    assert all(np.array_equal(layout.rings[n][0], again.rings[n][0]) for n in layout.rings)
    # Voronoi cells clipped to one outline tile it: their areas add up to the outline's area
    centres = maps._centres()
    from scipy.spatial import ConvexHull

    points = maps.project(centres["lon"].to_numpy(), centres["lat"].to_numpy())
    hull = points[ConvexHull(points).vertices]
    outward = hull - hull.mean(axis=0)
    outline = hull + outward / np.linalg.norm(outward, axis=1)[:, None] * 1.5
    assert sum(areas.values()) == pytest.approx(abs(maps._area(outline)), rel=1e-6)


def test_real_boundaries_match_the_stadtteile(koeln_dir):
    boundaries = maps.load_boundaries(koeln_dir / "koeln_stadtteile_wgs84.geojson")
    assert sorted(boundaries.rings, key=int) == [str(n) for n in sorted(STADTTEILE)]
    assert not boundaries.schematic
    # the cathedral (origin) lies in Altstadt-Nord (103)
    from matplotlib.path import Path

    assert any(Path(ring).contains_point((0.0, 0.0)) for ring in boundaries.rings["103"])


def test_malformed_geojson_names_the_feature(tmp_path):
    path = tmp_path / "stadtteile.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"stadtteil_nr": "101"},
         "geometry": {"type": "Polygon", "coordinates": [[[6.9, 50.9], [6.95, 50.9], [6.95, 50.95], [6.9, 50.9]]]}},
        {"type": "Feature", "properties": {"stadtteil_name": "ohne Nummer"}, "geometry": None},
        {"type": "Feature", "properties": {"stadtteil_nr": "102"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
    ]}), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        maps.load_boundaries(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "stadtteil_nr"), (3, "geometry")}


def _frame(values: dict[str, float], suppressed=()) -> pd.DataFrame:
    frame = pd.DataFrame({"stadtteil": list(values), "value": list(values.values())})
    frame["name"] = [STADTTEILE[int(s)] for s in frame["stadtteil"]]
    frame["suppressed"] = frame["stadtteil"].isin(suppressed)
    frame.loc[frame["suppressed"], "value"] = np.nan
    return frame


def test_choropleth_classes_outline_suppression_and_alt_text():
    layout = maps.demo_layout()
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    chart = maps.choropleth(_frame(values, suppressed={"802"}), layout, title="Test", outline={"803", "804"},
                            area_name="Höhenberg/Vingst")
    data = chart.data.set_index("label")
    assert len(data) == 86
    assert data.loc["802 Kalk", "class"] == "unterdrückt" and np.isnan(data.loc["802 Kalk", "value"])
    assert set(data.loc[data["in_area"] == "ja"].index) == {"803 Vingst", "804 Höhenberg"}
    classes = data.loc[data["class"] != "unterdrückt", "class"]
    assert classes.nunique() == maps.CLASSES
    lowest, highest = data.loc["101 Altstadt-Süd", "class"], data.loc["909 Flittard", "class"]
    assert lowest.startswith("0,0 %") and highest.endswith("85,0 %")
    patches = [p for p in chart.figure.axes[0].patches if isinstance(p, PathPatch)]
    assert sum(p.get_hatch() == maps.HATCH for p in patches) == 1, "the suppressed Stadtteil is hatched"
    assert sum(p.get_linewidth() == 1.5 for p in patches) == 2, "the two Stadtteile of the area are outlined"
    assert "Höhenberg/Vingst (umrandet)" in chart.alt and "schraffiert" in chart.alt
    assert "schematische Karte" in chart.caption


def test_stadtteile_only_partly_in_the_area_are_outlined_dashed():
    layout = maps.demo_layout()
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    chart = maps.choropleth(_frame(values), layout, title="Test", outline={"601"}, partial={"602"},
                            area_name="Blumenberg/Chorweiler/Seeberg-Nord")
    data = chart.data.set_index("label")
    assert data.loc["601 Merkenich", "in_area"] == "ja" and data.loc["602 Fühlingen", "in_area"] == "teilweise"
    outlines = [p for p in chart.figure.axes[0].patches if isinstance(p, PathPatch) and p.get_linewidth() == 1.5]
    dashed = [p for p in outlines if p.get_linestyle() not in ("-", "solid")]
    assert len(outlines) == 2 and len(dashed) == 1
    assert "Fühlingen (nur teilweise, gestrichelt)" in chart.alt and "Merkenich:" in chart.alt
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]  # one legend below the map
    assert "Stadtteil nur teilweise im Gebiet" in legend


def test_indicator_map_hides_values_on_small_counts(demo):
    """A value whose count is under the indicator's threshold is hatched, never coloured."""
    indicator = demo.catalogue.indicator("asylblg_quote")
    year = demo.latest_year
    chart = maps.indicator_map(demo, indicator, year, maps.demo_layout(), {"802"}, "Kalk")
    data = chart.data
    from veedel_lib.analysis.indicators import indicator_values, stadtteil_groups

    values = indicator_values(demo, year, stadtteil_groups(demo), [indicator]).set_index("group")
    small = values.index[values["numerator"] < demo.catalogue.threshold(indicator)].astype(str)
    assert len(small) >= 1, "the demo has Stadtteile with few AsylbLG recipients"
    hidden = data.loc[data["class"] == "unterdrückt", "label"].str.split(" ").str[0]
    assert set(small) <= set(hidden)
    assert data.loc[data["label"].str.split(" ").str[0].isin(small), "value"].isna().all()
