"""Derive the simplified Stadtteil and Stadtbezirk boundaries that veedel embeds, from the city's open data.

Reads ``koeln_stadtteile_wgs84.geojson`` of the city's open data (see ``../shared/data/koeln/PROVENANCE.md``;
Stadt Köln – Amt für Stadtentwicklung und Statistik, offenedaten-koeln.de, CC BY 3.0 DE) and writes

- ``veedel_lib/data/koeln_stadtteile.geojson``: the 86 Stadtteile (``stadtteil_nr``, ``stadtteil_name``,
  ``stadtbezirk_nr``),
- ``veedel_lib/data/koeln_stadtbezirke.geojson``: the 9 Stadtbezirke (``stadtbezirk_nr``,
  ``stadtbezirk_name``), dissolved from the simplified Stadtteile, so their lines lie exactly on the
  Stadtteile's.

Simplification keeps the topology: every boundary line between two Stadtteile (an "arc" between two points
where the set of neighbours changes) is simplified once with Douglas-Peucker (tolerance ``--tolerance`` metres,
measured in a local metric projection) and used by both neighbours, so no gaps or overlaps appear between
them. Coordinates are rounded to 5 decimals (about 1 m). Run from the project root::

    .venv/bin/python scripts/derive_boundaries.py ../shared/data/koeln

The city's originals are never copied into the repository; only the derived, simplified files are.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "veedel_lib" / "data"
ATTRIBUTION = "Stadt Köln – Amt für Stadtentwicklung und Statistik, offenedaten-koeln.de, CC BY 3.0 DE"
LON0, LAT0 = 6.958, 50.938
STADTBEZIRKE = {1: "Innenstadt", 2: "Rodenkirchen", 3: "Lindenthal", 4: "Ehrenfeld", 5: "Nippes", 6: "Chorweiler",
                7: "Porz", 8: "Kalk", 9: "Mülheim"}
DECIMALS = 5

Point = tuple[float, float]


def metres(point: Point) -> tuple[float, float]:
    """WGS84 degrees to metres east/north of the cathedral (equirectangular, exact enough for one city)."""
    lon, lat = point
    return ((lon - LON0) * 111320.0 * math.cos(math.radians(LAT0)), (lat - LAT0) * 110570.0)


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres of point ``p`` from the segment ``a``–``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of an open line that Douglas-Peucker keeps at ``tolerance`` metres (first and last always)."""
    if len(points) < 3:
        return list(points)
    projected = [metres(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, where = 0.0, None
        for i in range(first + 1, last):
            d = _distance(projected[i], projected[first], projected[last])
            if d > worst:
                worst, where = d, i
        if where is not None and worst > tolerance:
            keep[where] = True
            stack += [(first, where), (where, last)]
    return [p for p, k in zip(points, keep) if k]


def _rings(feature: dict) -> list[list[Point]]:
    """The outer rings of a Polygon or MultiPolygon feature (Cologne's Stadtteile have no holes), open."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = []
    for polygon in polygons:
        ring: list[Point] = []
        for c in polygon[0]:
            if not ring or ring[-1] != tuple(c[:2]):  # repeated points make edges of length zero
                ring.append(tuple(c[:2]))
        if ring[0] == ring[-1]:
            ring = ring[:-1]
        rings.append(ring)
    return rings


def _signed_area(ring: list[Point]) -> float:
    """Signed area in m² (positive = counter-clockwise)."""
    xy = [metres(p) for p in ring]
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1]))


def simplify_topology(rings: dict[str, list[list[Point]]], tolerance: float) -> dict[str, list[list[Point]]]:
    """Simplify the rings of many polygons so that shared boundary lines stay shared.

    A vertex is fixed where the polygons on either side change (the owners of the edge before it differ from
    those of the edge after it); the lines between fixed vertices are simplified once each, in one canonical
    direction, and reused by every polygon they bound. A ring without fixed vertex (bordering one neighbour or
    nothing all round) is split at its first vertex and the vertex farthest from it.
    """
    owners: dict[frozenset, set[str]] = defaultdict(set)
    for key, polygon in rings.items():
        for ring in polygon:
            for a, b in zip(ring, ring[1:] + ring[:1]):
                owners[frozenset((a, b))].add(key)
    cache: dict[tuple[Point, ...], list[Point]] = {}

    def simplified(chain: list[Point]) -> list[Point]:
        forward = tuple(chain)
        backward = tuple(reversed(chain))
        canonical = min(forward, backward)
        if canonical not in cache:
            cache[canonical] = douglas_peucker(list(canonical), tolerance)
        result = cache[canonical]
        return list(result) if canonical == forward else list(reversed(result))

    output: dict[str, list[list[Point]]] = {}
    for key, polygon in rings.items():
        new_rings = []
        for ring in polygon:
            n = len(ring)
            side = [frozenset(owners[frozenset((ring[i], ring[(i + 1) % n]))]) for i in range(n)]
            fixed = [i for i in range(n) if side[i - 1] != side[i]]
            if len(fixed) < 2:
                start = min(range(n), key=lambda i: ring[i])
                origin = metres(ring[start])
                far = max(range(n), key=lambda i: math.dist(metres(ring[i]), origin))
                fixed = sorted({start, far})
            result: list[Point] = []
            for a, b in zip(fixed, fixed[1:] + fixed[:1]):
                chain = [ring[i % n] for i in range(a, b + 1 if b > a else b + n + 1)]
                result += simplified(chain)[:-1]
            if len(result) >= 3:
                new_rings.append(result)
        output[key] = new_rings
    return output


MIN_PART_M2 = 10_000.0
"""Rings of a dissolved outline smaller than this (1 ha) are left out: slivers where the city's Stadtteile do not
share their boundary points exactly, not parts of a Stadtbezirk."""


def dissolve(polygons: list[list[list[Point]]]) -> list[list[Point]]:
    """The outline of several counter-clockwise polygons sharing edges: edges used twice (opposite) cancel.

    What remains of edges the polygons do not share exactly (slivers under :data:`MIN_PART_M2`) is dropped.
    """
    edges: dict[tuple[Point, Point], int] = defaultdict(int)
    for polygon in polygons:
        for ring in polygon:
            for a, b in zip(ring, ring[1:] + ring[:1]):
                if edges.get((b, a)):
                    edges[(b, a)] -= 1
                else:
                    edges[(a, b)] += 1
    following: dict[Point, list[Point]] = defaultdict(list)
    for (a, b), count in edges.items():
        following[a] += [b] * count
    rings = []
    while any(following.values()):
        start = next(a for a, targets in following.items() if targets)
        ring, point = [start], following[start].pop()
        while point != start:
            ring.append(point)
            point = following[point].pop()
        rings.append(ring)
    return [ring for ring in rings if len(ring) >= 3 and _signed_area(ring) > MIN_PART_M2]


def _rounded(ring: list[Point]) -> list[list[float]]:
    """A closed ring with rounded coordinates, repeated points after rounding removed."""
    points: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not points or points[-1] != point:
            points.append(point)
    if points[0] == points[-1]:
        points.pop()
    return points + [points[0]]


def _feature(properties: dict, rings: list[list[Point]]) -> dict:
    polygons = [[_rounded(ring)] for ring in sorted(rings, key=_signed_area, reverse=True)]
    geometry = {"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1 else \
        {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _write(path: Path, features: list[dict], description: str) -> int:
    collection = {"type": "FeatureCollection", "name": path.stem, "description": description,
                  "attribution": ATTRIBUTION, "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vereinfachte Stadtteil- und Stadtbezirksgrenzen erzeugen")
    parser.add_argument("koeln_dir", type=Path, help="Ordner mit koeln_stadtteile_wgs84.geojson")
    parser.add_argument("--tolerance", type=float, default=12.0, help="Toleranz in Metern (Standard 12)")
    parser.add_argument("--target", type=Path, default=TARGET, help="Zielordner (Standard veedel_lib/data)")
    args = parser.parse_args(argv)
    args.target.mkdir(parents=True, exist_ok=True)
    source = json.loads((args.koeln_dir / "koeln_stadtteile_wgs84.geojson").read_text(encoding="utf-8"))
    names, rings = {}, {}
    for feature in source["features"]:
        number = str(int(feature["properties"]["stadtteil_nr"]))
        names[number] = feature["properties"]["stadtteil_name"]
        polygon = [ring if _signed_area(ring) > 0 else list(reversed(ring)) for ring in _rings(feature)]
        rings[number] = polygon
    simple = simplify_topology(rings, args.tolerance)
    before = sum(len(r) for p in rings.values() for r in p)
    after = sum(len(r) for p in simple.values() for r in p)
    stadtteile = [_feature({"stadtteil_nr": number, "stadtteil_name": names[number],
                            "stadtbezirk_nr": str(int(number) // 100)}, simple[number])
                  for number in sorted(simple, key=int)]
    description = (f"Die 86 Kölner Stadtteile, vereinfacht (Douglas-Peucker, {args.tolerance:g} m, gemeinsame "
                   "Grenzen gemeinsam vereinfacht) aus koeln_stadtteile_wgs84.geojson; erzeugt mit "
                   "scripts/derive_boundaries.py")
    size = _write(args.target / "koeln_stadtteile.geojson", stadtteile, description)
    bezirke = []
    for bezirk, name in STADTBEZIRKE.items():
        members = [simple[n] for n in simple if int(n) // 100 == bezirk]
        bezirke.append(_feature({"stadtbezirk_nr": str(bezirk), "stadtbezirk_name": name}, dissolve(members)))
    size += _write(args.target / "koeln_stadtbezirke.geojson", bezirke,
                   "Die 9 Kölner Stadtbezirke, zusammengesetzt aus den vereinfachten Stadtteilen; erzeugt mit "
                   "scripts/derive_boundaries.py")
    print(f"{len(stadtteile)} Stadtteile, {len(bezirke)} Stadtbezirke: {before} -> {after} Punkte, "
          f"{size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
