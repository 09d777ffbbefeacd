"""Maps: the demo layout, the city's boundaries, choropleth classes, outline and suppression."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import PathPatch
from matplotlib.text import Text

from veedel_lib.errors import DataValidationError
from veedel_lib.params.reference import STADTTEILE
from veedel_lib.render import maps


def test_embedded_boundaries_are_the_citys_stadtteile_and_bezirke(tmp_path):
    """The demo's maps use Cologne's real boundaries (embedded, simplified): 86 Stadtteile, 9 Stadtbezirke whose
    lines lie on the Stadtteile's, Cologne's 405 km², the cathedral in Altstadt-Nord, a few hundred KB at most."""
    from importlib import resources

    from matplotlib.path import Path

    boundaries = maps.embedded_boundaries()
    assert sorted(boundaries.rings, key=int) == [str(n) for n in sorted(STADTTEILE)]
    assert sorted(boundaries.bezirke, key=int) == [str(n) for n in range(1, 10)]
    assert not boundaries.schematic
    area = {n: sum(abs(maps._area(r)) for r in rings) for n, rings in boundaries.rings.items()}
    assert sum(area.values()) == pytest.approx(405.0, rel=0.01)  # Cologne: 405,0 km²
    for bezirk, rings in boundaries.bezirke.items():
        members = sum(a for n, a in area.items() if n[0] == bezirk)
        assert sum(abs(maps._area(r)) for r in rings) == pytest.approx(members, rel=0.002), bezirk
    assert any(Path(ring).contains_point((0.0, 0.0)) for ring in boundaries.rings["103"])
    size = sum(resources.files("veedel_lib").joinpath(name).stat().st_size  # type: ignore[union-attr]
               for name in (maps.EMBEDDED_STADTTEILE, maps.EMBEDDED_BEZIRKE))
    assert size < 300_000
    assert maps.boundaries_for(tmp_path, is_demo=True).rings.keys() == boundaries.rings.keys()
    assert maps.boundaries_for(tmp_path, is_demo=False) is None


def test_embedded_boundaries_are_derived_from_the_shared_files(koeln_dir, tmp_path):
    """scripts/derive_boundaries.py gives back exactly the embedded files, and every simplified Stadtteil keeps
    its area within 1 % (or 2,5 ha for small ones) of the city's original polygon."""
    import subprocess
    import sys

    from conftest import ROOT

    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_boundaries.py"), str(koeln_dir), "--target",
                    str(tmp_path)], check=True, capture_output=True)
    for name in ("koeln_stadtteile.geojson", "koeln_stadtbezirke.geojson"):
        assert (tmp_path / name).read_bytes() == (ROOT / "veedel_lib" / "data" / name).read_bytes(), name
    original = maps.load_boundaries(koeln_dir / "koeln_stadtteile_wgs84.geojson")
    simple = maps.embedded_boundaries()
    for number, rings in original.rings.items():
        before = sum(abs(maps._area(r)) for r in rings)
        assert sum(abs(maps._area(r)) for r in simple.rings[number]) == pytest.approx(before, rel=0.01, abs=0.025), number


def test_a_data_folder_brings_its_stadtbezirke_and_stadtviertel(koeln_dir):
    boundaries = maps.boundaries_for(koeln_dir, is_demo=False)
    assert boundaries.source == "koeln_stadtteile_wgs84.geojson"
    assert len(boundaries.bezirke) == 9 and len(boundaries.viertel) == 371
    assert {"60301", "70603", "90101"} <= set(boundaries.viertel)


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
    """A rate per Stadtteil on its counts: 1 person (below the threshold of 3) where ``suppressed``, else 50."""
    frame = pd.DataFrame({"stadtteil": list(values), "value": list(values.values())})
    frame["name"] = [STADTTEILE[int(s)] for s in frame["stadtteil"]]
    frame["numerator"] = np.where(frame["stadtteil"].isin(suppressed), 1, 50)
    frame["denominator"] = 1000
    frame["threshold"] = frame["denominator_threshold"] = 3
    return frame


def test_choropleth_classes_outline_suppression_and_alt_text():
    layout = maps.embedded_boundaries()
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    chart = maps.Choropleth(layout, title="Test", outline={"803", "804"},
                            area_name="Höhenberg/Vingst").plot(_frame(values, suppressed={"802"}))
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
    assert chart.caption.endswith("Kartengrundlage: Stadt Köln – Amt für Stadtentwicklung und Statistik, "
                                  "offenedaten-koeln.de, CC BY 3.0 DE"), "the embedded file names its source"
    assert "CC BY 3.0 DE" in chart.svg()  # the source line is part of the figure too


def test_stadtteile_only_partly_in_the_area_are_outlined_dashed():
    layout = maps.embedded_boundaries()
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    chart = maps.Choropleth(layout, title="Test", outline={"601"}, partial={"602"},
                            area_name="Blumenberg/Chorweiler/Seeberg-Nord").plot(_frame(values))
    data = chart.data.set_index("label")
    assert data.loc["601 Merkenich", "in_area"] == "ja" and data.loc["602 Fühlingen", "in_area"] == "teilweise"
    outlines = [p for p in chart.figure.axes[0].patches if isinstance(p, PathPatch) and p.get_linewidth() == 1.5]
    dashed = [p for p in outlines if p.get_linestyle() not in ("-", "solid")]
    assert len(outlines) == 2 and len(dashed) == 1
    assert "Fühlingen (nur teilweise, gestrichelt)" in chart.alt and "Merkenich:" in chart.alt
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]  # one legend below the map
    assert "Einheit nur teilweise im Gebiet" in legend  # a map without the city's words (units=) says "Einheit"


def test_indicator_map_hides_values_on_small_counts(demo):
    """A value whose count is under the indicator's threshold is hatched, never coloured."""
    indicator = demo.catalogue.indicator("asylblg_quote")
    year = demo.latest_year
    chart = maps.indicator_map(demo, indicator, year, maps.embedded_boundaries(), {"802"}, "Kalk")
    data = chart.data
    from veedel_lib.analysis.indicators import indicator_values, stadtteil_groups

    values = indicator_values(demo, year, stadtteil_groups(demo), [indicator]).set_index("group")
    small = values.index[values["numerator"] < demo.catalogue.threshold(indicator)].astype(str)
    assert len(small) >= 1, "the demo has Stadtteile with few AsylbLG recipients"
    hidden = data.loc[data["class"] == "unterdrückt", "label"].str.split(" ").str[0]
    assert set(small) <= set(hidden)
    assert data.loc[data["label"].str.split(" ").str[0].isin(small), "value"].isna().all()


def test_an_areas_map_is_zoomed_to_the_area_and_its_neighbours():
    layout = maps.embedded_boundaries()
    assert layout.neighbours({"802"}) == {"105", "801", "803", "804", "901", "902", "903"}
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    city = maps.Choropleth(layout, title="Test", outline={"802"}, area_name="Kalk").plot(_frame(values))
    zoomed = maps.Choropleth(layout, title="Test", outline={"802"}, area_name="Kalk", zoom=True).plot(_frame(values))
    assert len(city.data) == 86
    assert sorted(zoomed.data["label"].str[:3]) == sorted({"802"} | layout.neighbours({"802"}))
    width = lambda chart: np.ptp(chart.figure.axes[0].get_xlim())  # noqa: E731
    assert width(zoomed) < width(city) / 3
    assert "Kalk und die angrenzenden Einheiten" in zoomed.caption  # units= gives the city's word
    labels = {t.get_text() for t in zoomed.figure.axes[0].texts}
    assert {"802 Kalk", "Deutz", "Vingst"} <= labels  # the area by number and name, its neighbours by name


def test_with_stadtviertel_the_part_of_a_stadtteil_is_outlined_itself(koeln_dir):
    """With the city's Stadtviertel, Seeberg-Nord (60301) is outlined, not the whole of Seeberg (603)."""
    boundaries = maps.boundaries_for(koeln_dir, is_demo=False)
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    chart = maps.Choropleth(boundaries, title="Test", outline={"609", "610"}, partial={"603"},
                            parts={"60301"}, area_name="Blumenberg/Chorweiler/Seeberg-Nord", zoom=True).plot(_frame(values))
    outlined = [p for p in chart.figure.axes[0].patches if isinstance(p, PathPatch) and p.get_linewidth() == 1.5]
    part = boundaries.viertel["60301"][0]
    assert any(np.array_equal(p.get_path().vertices, part) for p in outlined)
    assert not any(np.array_equal(p.get_path().vertices, boundaries.rings["603"][0]) for p in outlined)
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert any("nur der umrandete Teil (Stadtviertel)" in text for text in legend)


def _demo_area_stadtteile() -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """The programme areas' whole and partial Stadtteile per Stadtbezirk, as parameters/areas.yml gives them."""
    import yaml
    from conftest import PARAMETERS

    whole: dict[int, set[str]] = {}
    partial: dict[int, set[str]] = {}
    for area in yaml.safe_load((PARAMETERS / "areas.yml").read_text(encoding="utf-8"))["areas"]:
        bezirk = int(area["stadtbezirk"])
        whole.setdefault(bezirk, set()).update(str(s) for s in area.get("stadtteile") or [])
        partial.setdefault(bezirk, set()).update(str(p["stadtteil"]) for p in area.get("partial") or [])
    return whole, partial


def _overlapping_labels(chart) -> list[tuple[str, str]]:
    """The pairs of labels on a drawn map whose text boxes (``Text.get_window_extent``) intersect or whose white
    boxes come closer than one pixel."""
    figure = chart.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    labels = [t for t in figure.axes[0].texts if hasattr(t, "xyann")]  # the Stadtteil labels (annotations)
    texts = [(t.get_text().replace("\n", " "), Text.get_window_extent(t, renderer)) for t in labels]  # text only
    white = [(t.get_text().replace("\n", " "), t.get_bbox_patch().get_window_extent(renderer).padded(0.5))
             for t in labels]  # the white boxes, with a pixel between them (touching boxes read as one label)
    return [(a, b) for boxes in (texts, white)
            for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


def test_no_two_labels_on_the_city_map_and_the_bezirk_maps_of_the_demo_areas_overlap():
    """Regression: on the Bezirksbericht's map of Kalk the labels of 801/803/804/805 ran into each other.

    Checked by the labels' boxes as drawn, on the city map with every programme area and on each Bezirk's map
    zoomed like the Bezirksbericht's (its Stadtteile and their neighbours, its areas outlined).
    """
    layout = maps.embedded_boundaries()
    values = {str(n): float(i) for i, n in enumerate(sorted(STADTTEILE))}
    whole, partial = _demo_area_stadtteile()
    charts = {"Stadt": maps.Choropleth(layout, title="Test", outline=set().union(*whole.values()),
                                       partial=set().union(*partial.values()), area_name="Programm").plot(_frame(values))}
    for bezirk in sorted(whole):
        focus = {n for n in layout.rings if int(n) // 100 == bezirk}
        charts[f"Bezirk {bezirk}"] = maps.Choropleth(layout, title="Test", outline=whole[bezirk],
                                                     partial=partial[bezirk], area_name=f"Bezirk {bezirk}",
                                                     zoom=True, focus=focus).plot(_frame(values))
    kalk = {t.get_text() for t in charts["Bezirk 8"].figure.axes[0].texts}
    assert {"801 Humboldt/\nGremberg", "803 Vingst", "804 Höhenberg", "805 Ostheim"} <= kalk
    overlaps = {name: _overlapping_labels(chart) for name, chart in charts.items()}
    assert overlaps == {name: [] for name in charts}
