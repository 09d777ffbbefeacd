"""The portal's map is drawn once per key and read from the user's cache folder after that (issue #31).

The key must cover everything the map shows: a changed boundary, area, label or title draws the map anew. A tiny
hand-made city (four square Stadtteile in two Stadtbezirke, one Stadtviertel) keeps every drawing cheap.
"""

from __future__ import annotations

import inspect
import os

import numpy as np
import pytest

from veedel_lib.render import maps


def _square(x: float, y: float) -> np.ndarray:
    return np.array([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x, y)], dtype=float)


def _city() -> maps.Boundaries:
    rings = {"101": [_square(0, 0)], "102": [_square(1, 0)], "201": [_square(0, 1)], "202": [_square(1, 1)]}
    bezirke = {"1": [np.array([(0, 0), (2, 0), (2, 1), (0, 1), (0, 0)], dtype=float)],
               "2": [np.array([(0, 1), (2, 1), (2, 2), (0, 2), (0, 1)], dtype=float)]}
    viertel = {"2021": [np.array([(1, 1), (1.5, 1), (1.5, 2), (1, 2), (1, 1)], dtype=float)]}
    names = {"101": "Erstes", "102": "Zweites", "201": "Drittes", "202": "Viertes"}
    return maps.Boundaries(rings, names, False, "klein.geojson", bezirke, viertel, "Testkarte")


def _areas() -> list[dict]:
    return [{"id": "nord", "name": "Nord", "number": 1, "href": "#gebiet-nord", "stadtteile": ["101"],
             "partial": ["202"], "parts": ["2021"], "stadtbezirk": 1, "status_class": "hoch"}]


def _arguments() -> dict:
    return {"boundaries": _city(), "areas": _areas(), "title": "Karte von Kleinstadt", "described_by": "liste",
            "district_name": {"1": "Ost", "2": "West"}.get}


def _moved(polygons: dict, number: str, dx: float = 0.001) -> dict:
    return {**polygons, number: [ring + dx for ring in polygons[number]]}


def _reordered(polygons: dict) -> dict:
    return dict(reversed(list(polygons.items())))


def _with(arguments: dict, **changes) -> dict:
    return {**arguments, **changes}


def _boundaries(**changes) -> maps.Boundaries:
    city = _city()
    return maps.Boundaries(**{**city.__dict__, **changes})


def _area(**changes) -> list[dict]:
    return [{**_areas()[0], **changes}]


EDITS = {
    "a Stadtteil's boundary": lambda a: _with(a, boundaries=_boundaries(rings=_moved(_city().rings, "102"))),
    "the drawing order of the Stadtteile": lambda a: _with(a, boundaries=_boundaries(rings=_reordered(_city().rings))),
    "a Stadtbezirk's boundary": lambda a: _with(a, boundaries=_boundaries(bezirke=_moved(_city().bezirke, "2"))),
    "the order of the Stadtbezirke": lambda a: _with(a, boundaries=_boundaries(bezirke=_reordered(_city().bezirke))),
    "a Stadtviertel's boundary": lambda a: _with(a, boundaries=_boundaries(viertel=_moved(_city().viertel, "2021"))),
    "a Stadtteil's name": lambda a: _with(a, boundaries=_boundaries(names={**_city().names, "101": "Anders"})),
    "the boundaries' source": lambda a: _with(a, boundaries=_boundaries(attribution="Andere Karte")),
    "an area's name": lambda a: _with(a, areas=_area(name="Nordost")),
    "an area's number": lambda a: _with(a, areas=_area(number=2)),
    "an area's link": lambda a: _with(a, areas=_area(href="#gebiet-nordost")),
    "an area's id": lambda a: _with(a, areas=_area(id="nordost")),
    "an area's Stadtteile": lambda a: _with(a, areas=_area(stadtteile=["101", "102"])),
    "an area's partial Stadtteile": lambda a: _with(a, areas=_area(partial=[])),
    "an area's Stadtviertel": lambda a: _with(a, areas=_area(parts=[])),
    "an area's status class": lambda a: _with(a, areas=_area(status_class="mittel")),
    "another area": lambda a: _with(a, areas=_areas() + [{**_areas()[0], "id": "sued", "number": 2,
                                                         "stadtteile": ["102"], "partial": [], "parts": []}]),
    "the title": lambda a: _with(a, title="Karte von Großstadt"),
    "the list the map points to": lambda a: _with(a, described_by="andere-liste"),
    "a Stadtbezirk's label": lambda a: _with(a, district_name={"1": "Ost", "2": "Süd"}.get),
}


def test_the_portal_map_key_takes_every_argument_of_the_drawing():
    """A new argument of portal_map must enter the key: the two take the same arguments."""
    assert inspect.signature(maps.portal_map_key).parameters.keys() == \
        inspect.signature(maps.portal_map).parameters.keys()


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_portal_map_key_changes_with_everything_the_map_shows(edit):
    base = _arguments()
    assert maps.portal_map_key(**_arguments()) == maps.portal_map_key(**base)  # the same inputs: the same key
    assert maps.portal_map_key(**EDITS[edit](base)) != maps.portal_map_key(**base), edit


def test_the_portal_map_key_changes_with_the_drawing_code(monkeypatch):
    before = maps.portal_map_key(**_arguments())
    monkeypatch.setattr(maps, "_drawing_code", lambda: b"other code")
    assert maps.portal_map_key(**_arguments()) != before


def test_a_cached_portal_map_is_the_drawn_one_and_a_changed_input_draws_it_anew(tmp_path, monkeypatch):
    monkeypatch.setenv("VEEDEL_CACHE", str(tmp_path))
    drawn = []
    draw = maps.portal_map
    monkeypatch.setattr(maps, "portal_map", lambda *args, **kwargs: drawn.append(1) or draw(*args, **kwargs))
    first = maps.cached_portal_map(**_arguments())
    assert first == draw(**_arguments()) and first.startswith("<svg") and len(drawn) == 1
    assert maps.cached_portal_map(**_arguments()) == first and len(drawn) == 1           # from the cache
    label = EDITS["a Stadtbezirk's label"](_arguments())
    changed = maps.cached_portal_map(**label)
    assert len(drawn) == 2 and changed != first                                           # drawn anew
    cached = tmp_path / maps.MAP_CACHE_FOLDER / f"{maps.portal_map_key(**_arguments())}.svg"
    cached.write_text("<script>alert(1)</script>", encoding="utf-8")                      # not a map: drawn anew
    assert maps.cached_portal_map(**_arguments()) == first and len(drawn) == 3


def test_the_map_cache_keeps_only_the_most_recently_used_maps(tmp_path, monkeypatch):
    monkeypatch.setenv("VEEDEL_CACHE", str(tmp_path))
    monkeypatch.setattr(maps, "MAP_CACHE_KEEP", 2)
    monkeypatch.setattr(maps, "portal_map", lambda *args, **kwargs: "<svg>" + kwargs.get("title", args[2]) + "</svg>")
    folder = tmp_path / maps.MAP_CACHE_FOLDER
    for age, title in enumerate(("A", "B")):
        maps.cached_portal_map(**_with(_arguments(), title=title))
        os.utime(folder / f"{maps.portal_map_key(**_with(_arguments(), title=title))}.svg", ns=(age, age))
    maps.cached_portal_map(**_with(_arguments(), title="C"))                                # A: the oldest
    kept = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / maps.MAP_CACHE_FOLDER).glob("*.svg"))
    assert kept == ["<svg>B</svg>", "<svg>C</svg>"]
