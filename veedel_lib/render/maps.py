"""Maps of the city's units (Cologne: Stadtteile): real boundaries, choropleths, zoomed area maps, the portal's map.

Boundaries come from a GeoJSON file in the data folder (the city's ``koeln_stadtteile_wgs84.geojson`` or
any file ``*stadtteile*.geojson`` with the property ``stadtteil_nr``). The demo data are drawn on the real
boundaries too: veedel embeds the city's Stadtteile and Stadtbezirke, simplified by
``scripts/derive_boundaries.py`` (``veedel_lib/data/koeln_stadtteile.geojson`` and
``koeln_stadtbezirke.geojson``, which name their source under ``attribution``). Every map names its source
in its caption and under the map: the file's ``attribution``, else ``map_source`` of ``raumbezug.yml``, else the
file's name. With the city's data, a
``*stadtviertel*.geojson`` in the data folder (``stadtviertel_nr``) lets a map draw the part of a Stadtteil
that belongs to an area (its Stadtviertel) instead of the whole Stadtteil.

A choropleth is drawn with matplotlib alone. Colours run from light to dark with the value (a palette
whose lightness rises steadily, so classes stay apart in black-and-white print and for colour-blind
readers); the area's Stadtteile are outlined in black and numbered; suppressed values are hatched and
missing ones light grey; the legend names each class range in German number format; the Stadtbezirke's
boundaries are drawn as grey lines. An area's own map is zoomed to the area and its neighbours. Each map
comes as a :class:`~veedel_lib.render.charts.drawing.Chart` with its data table and an alternative text stating
where the highest values are and where the area lies.

The drawing functions take their data as one frame per Stadtteil (``stadtteil``, ``name``, ``value``, the flag
``suppressed``), so any value per Stadtteil (raw, smoothed, a class) can be drawn the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from ..analysis.indicators import indicator_values, stadtteil_groups
from ..analysis.smoothing import smoothed_stadtteil_values
from ..errors import DataValidationError, Problem
from ..files import atomic_write_text, cache_dir
from ..params.reference import Level, Noun
from . import formatting as fmt
from .blocks import Col
from .charts.base import ChartSpec, rate_counts
from .charts.drawing import Chart, pyplot
from .disclosure import PUBLIC, Basis, ChartData, basis, masked, rate_basis, rests_on
from .text import UNITS

HATCH = "////"
UNRELIABLE_HATCH = "...."
"""Dotted hatching of values on few cases (see :mod:`veedel_lib.analysis.smoothing`); suppressed ones get HATCH."""
MISSING_COLOUR = "#eeeeee"
SUPPRESSED_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#000000"
BEZIRK_COLOUR = "#4d4d4d"
CLASSES = 5
EMBEDDED_STADTTEILE = "data/koeln_stadtteile.geojson"
EMBEDDED_BEZIRKE = "data/koeln_stadtbezirke.geojson"
NEIGHBOUR_DISTANCE_KM = 0.05
"""Two Stadtteile are neighbours when their boundaries come closer than this (50 m; the simplified lines of
neighbours coincide, the city's original lines nearly)."""


@dataclass(frozen=True)
class Boundaries:
    """Stadtteil polygons in projected coordinates (km east/north of the city centre), by Stadtteil number.

    ``bezirke`` holds the Stadtbezirke's polygons by number, ``viertel`` the Stadtviertel's (city data only).
    """

    rings: dict[str, list[np.ndarray]]
    names: dict[str, str]
    schematic: bool = False
    source: str = ""
    bezirke: dict[str, list[np.ndarray]] = field(default_factory=dict)
    viertel: dict[str, list[np.ndarray]] = field(default_factory=dict)
    attribution: str = ""
    """Who made the boundaries and under which licence (the file's ``attribution`` or the city's ``map_source``)."""

    @property
    def source_line(self) -> str:
        """The line under every map: "Kartengrundlage: <attribution>" (the file's name when none is known)."""
        return f"Kartengrundlage: {self.attribution or self.source}"

    def centre(self, number: str) -> tuple[float, float]:
        """Area-weighted centre of a Stadtteil's largest ring (for labels)."""
        ring = max(self.rings[number], key=lambda r: abs(_area(r)))
        return tuple(_centroid(ring))

    def neighbours(self, numbers: set[str]) -> set[str]:
        """The Stadtteile whose boundary comes within :data:`NEIGHBOUR_DISTANCE_KM` of one of ``numbers``."""
        from scipy.spatial import cKDTree

        own = [r for n in numbers if n in self.rings for r in self.rings[n]]
        if not own:
            return set()
        tree = cKDTree(np.vstack(own))
        found = set()
        for number, rings in self.rings.items():
            if number in numbers:
                continue
            distance, _ = tree.query(np.vstack(rings), k=1)
            if float(distance.min()) < NEIGHBOUR_DISTANCE_KM:
                found.add(number)
        return found


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _centroid(ring: np.ndarray) -> np.ndarray:
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return ring.mean(axis=0)
    return np.array([((x + np.roll(x, -1)) * cross).sum(), ((y + np.roll(y, -1)) * cross).sum()]) / (6 * area)


LON0, LAT0 = 6.958, 50.938  # Cologne cathedral: the origin of the projected coordinates


def project(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS84 degrees to km east/north of the cathedral (equirectangular; exact enough for one city)."""
    return np.column_stack([(np.asarray(lon) - LON0) * 111.32 * np.cos(np.radians(LAT0)),
                            (np.asarray(lat) - LAT0) * 110.57])


def _read_polygons(path: Path, key: str, name_key: str | None,
                   text: str | None = None) -> tuple[dict[str, list[np.ndarray]], dict[str, str]]:
    """Outer rings (projected) and names of the features of a GeoJSON file, by the number in property ``key``.

    A malformed file raises DataValidationError naming the file, the feature (as "row", counted from 1)
    and the property or geometry at fault.
    """
    try:
        data = json.loads(text if text is not None else path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataValidationError([Problem(str(path), None, None, f"keine lesbare GeoJSON-Datei: {exc}")]) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise DataValidationError([Problem(str(path), None, "features", "keine FeatureCollection mit Features")])
    problems, rings, names = [], {}, {}
    for position, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        number = str(properties.get(key, "")).strip()
        geometry = feature.get("geometry") or {}
        if not number.isdigit():
            problems.append(Problem(str(path), position, key, "Nummer fehlt oder ist keine Zahl"))
            continue
        kind = geometry.get("type")
        polygons = [geometry.get("coordinates")] if kind == "Polygon" else geometry.get("coordinates") \
            if kind == "MultiPolygon" else None
        try:
            shapes = [project(*np.asarray(ring, dtype=float)[:, :2].T) for polygon in polygons for ring in polygon[:1]]
        except (TypeError, ValueError, IndexError):
            problems.append(Problem(str(path), position, "geometry", f"Geometrie fehlt oder ist ungültig ({kind})"))
            continue
        if any(len(s) < 4 for s in shapes):
            problems.append(Problem(str(path), position, "geometry", "Ring mit weniger als vier Punkten"))
            continue
        rings.setdefault(str(int(number)), []).extend(shapes)
        names[str(int(number))] = str(properties.get(name_key, number)) if name_key else number
    if problems:
        raise DataValidationError(problems)
    return rings, names


def load_boundaries(path: str | Path, bezirke: dict[str, list[np.ndarray]] | None = None,
                    viertel: dict[str, list[np.ndarray]] | None = None, attribution: str = "") -> Boundaries:
    """Read Stadtteil boundaries from GeoJSON (Polygon or MultiPolygon features with ``stadtteil_nr``).

    ``bezirke`` and ``viertel`` are the Stadtbezirke's and Stadtviertel's polygons to carry along (see
    :func:`load_areas_file`); ``attribution`` names the boundaries' source (:attr:`Boundaries.attribution`). A
    malformed file raises DataValidationError naming the file, the feature (as "row", counted from 1) and the
    property or geometry at fault.
    """
    path = Path(path)
    rings, names = _read_polygons(path, "stadtteil_nr", "stadtteil_name")
    return Boundaries(rings, names, False, path.name, dict(bezirke or {}), dict(viertel or {}), attribution)


def load_areas_file(path: str | Path, key: str) -> dict[str, list[np.ndarray]]:
    """The polygons of a GeoJSON file of Stadtbezirke (``stadtbezirk_nr``) or Stadtviertel (``stadtviertel_nr``)."""
    return _read_polygons(Path(path), key, None)[0]


def _embedded_text(name: str) -> str:
    return resources.files("veedel_lib").joinpath(name).read_text(encoding="utf-8")


def embedded_boundaries() -> Boundaries:
    """The city's 86 Stadtteile and 9 Stadtbezirke as embedded in veedel (simplified, see the module text)."""
    text = _embedded_text(EMBEDDED_STADTTEILE)
    rings, names = _read_polygons(Path(EMBEDDED_STADTTEILE), "stadtteil_nr", "stadtteil_name", text)
    bezirke, _ = _read_polygons(Path(EMBEDDED_BEZIRKE), "stadtbezirk_nr", None, _embedded_text(EMBEDDED_BEZIRKE))
    return Boundaries(rings, names, False, "koeln_stadtteile.geojson (in veedel enthalten, vereinfacht)", bezirke,
                      attribution=str(json.loads(text).get("attribution", "")))


def _first(data_dir: Path, word: str) -> Path | None:
    files = sorted(p for p in Path(data_dir).glob("*.geojson") if word in p.name.lower())
    return files[0] if files else None


def boundaries_for(data_dir: Path, is_demo: bool, attribution: str = "") -> Boundaries | None:
    """The boundaries a data folder brings (``*stadtteil*.geojson``), the embedded ones for the demo, or None.

    With a folder's own Stadtteile, its ``*stadtbezirk*.geojson`` (else the embedded Stadtbezirke) and its
    ``*stadtviertel*.geojson`` (if any) come along; ``attribution`` (the city's ``map_source``) names their source.
    """
    own = _first(data_dir, "stadtteil")
    if own is None:
        return embedded_boundaries() if is_demo else None
    bezirk_file = _first(data_dir, "stadtbezirk")
    viertel_file = _first(data_dir, "stadtviertel")
    bezirke = load_areas_file(bezirk_file, "stadtbezirk_nr") if bezirk_file else embedded_boundaries().bezirke
    viertel = load_areas_file(viertel_file, "stadtviertel_nr") if viertel_file else {}
    return load_boundaries(own, bezirke, viertel, attribution)


def _breaks(values: np.ndarray, classes: int) -> np.ndarray:
    """Class limits: quantiles of the values, rounded to one decimal, duplicates removed."""
    finite = np.sort(values[np.isfinite(values)])
    if len(finite) == 0:
        return np.array([0.0, 1.0])
    limits = np.unique(np.round(np.quantile(finite, np.linspace(0, 1, classes + 1)), 1))
    if len(limits) < 2:
        limits = np.array([finite[0], finite[0] + 0.1])
    limits[0], limits[-1] = min(limits[0], finite[0]), max(limits[-1], finite[-1])
    return limits


def _outline(ax, patch) -> None:
    """Add a boundary (or marker) to a map without matplotlib's search for the data limits through each of its curves.

    ``add_patch`` walks every Bézier segment of a patch to widen the axes' limits: two thirds of the time of a
    map of 86 Stadtteile. The maps set their limits themselves, so the patch is added as a plain artist.
    """
    ax.add_artist(patch)


def _fit(ax, rings: list[np.ndarray]) -> None:
    """Limits of a map: the extent of ``rings`` with 300 m around it, true to scale (the maps' own limits, since
    their boundaries are added without matplotlib's limit search, see :func:`_outline`)."""
    everything = np.vstack(rings)
    ax.set_xlim(everything[:, 0].min() - 0.3, everything[:, 0].max() + 0.3)
    ax.set_ylim(everything[:, 1].min() - 0.3, everything[:, 1].max() + 0.3)
    ax.set_aspect("equal")


def _choropleth(frame: pd.DataFrame, boundaries: Boundaries, *, title: str, unit: str = "percent",
               outline: set[str] | None = None, area_name: str = "", classes: int = CLASSES,
               categories: list[str] | None = None, partial: set[str] | None = None,
               parts: set[str] | None = None, zoom: bool = False, focus: set[str] | None = None,
               unreliable: set[str] | None = None, city_units: str = "", units: Noun | Level = UNITS,
               districts: str = "Bezirke") -> Chart:
    """A map of Stadtteile coloured by ``frame["value"]`` (or by ``frame["category"]`` in ``categories`` order).

    ``city_units`` names all units of the map for its alternative text ("Kölner Stadtteile", from the city's
    ``raumbezug.yml``); ``units`` is the noun of their level (Cologne's Stadtteil) and ``districts`` the plural of
    the highest level (Stadtbezirke), for the legend, the caption, the alternative text and the table's header.

    ``frame`` has one row per Stadtteil: ``stadtteil`` (number as text), ``name``, ``value`` (NaN where
    missing) and optionally ``suppressed`` (hidden by disclosure control: hatched, never coloured).
    ``outline`` are the Stadtteile of the area (outlined and numbered), ``partial`` those that belong to it
    only in part (outlined dashed, so the map does not claim the whole Stadtteil); ``parts`` are Stadtviertel
    numbers of those parts: where ``boundaries.viertel`` knows them, the part itself is outlined instead.
    ``unit`` is "percent", "per_1000" or "index" for the legend. ``zoom``: show only the area (``outline``
    and ``partial``) and its neighbouring Stadtteile, each labelled by name, instead of the whole city;
    ``focus``: zoom to these Stadtteile (e.g. a Stadtbezirk's) and their neighbours instead. ``unreliable``: Stadtteile whose value rests on few cases
    (coefficient of variation above the threshold of ``analysis.smoothing``): coloured, with a dotted hatching.
    """
    plt = pyplot()  # matplotlib where drawn, not on import (see drawing.pyplot)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    unreliable = set(unreliable or ())
    partial = set(partial or ()) - set(outline or ())
    outline = set(outline or ()) | partial
    known_parts = {p for p in (parts or ()) if p in boundaries.viertel}
    drawn_parts = {n for n in partial if any(p[:3] == n for p in known_parts)}
    frame = frame.copy()
    frame["stadtteil"] = frame["stadtteil"].astype(str)
    if "suppressed" not in frame:
        frame["suppressed"] = False
    frame = frame[frame["stadtteil"].isin(boundaries.rings)].reset_index(drop=True)
    names = dict(zip(frame["stadtteil"], frame["name"].astype(str)))

    if categories is not None:
        colours = plt.get_cmap("viridis_r")(np.linspace(0.08, 0.92, len(categories)))
        position = frame["category"].map({c: i for i, c in enumerate(categories)})
        labels = list(categories)
    else:
        limits = _breaks(frame.loc[~frame["suppressed"], "value"].to_numpy(dtype=float), classes)
        colours = plt.get_cmap("viridis_r")(np.linspace(0.08, 0.92, len(limits) - 1))
        values = frame["value"].to_numpy(dtype=float)
        position = pd.Series(np.clip(np.searchsorted(limits, values, side="right") - 1, 0, len(limits) - 2),
                             index=frame.index).where(np.isfinite(values))
        labels = [f"{_number(limits[i], unit)} bis {'unter ' if i < len(limits) - 2 else ''}"
                  f"{_number(limits[i + 1], unit)}" for i in range(len(limits) - 1)]
    frame["class"] = [labels[int(p)] if pd.notna(p) and not s else ("unterdrückt" if s else "keine Daten")
                      for p, s in zip(position, frame["suppressed"])]

    shown = set(boundaries.rings)
    centre = set(focus or ()) or outline
    if zoom and centre:
        shown = (centre | outline | boundaries.neighbours(centre)) & set(boundaries.rings)
    fig, ax = plt.subplots(figsize=(6.0, 5.6 if zoom else 6.6), layout="constrained")
    for row, where in zip(frame.itertuples(index=False), position):
        if row.suppressed:
            face, hatch = SUPPRESSED_COLOUR, HATCH
        elif pd.isna(where):
            face, hatch = MISSING_COLOUR, None
        else:
            face, hatch = colours[int(where)], (UNRELIABLE_HATCH if row.stadtteil in unreliable else None)
        for ring in boundaries.rings[row.stadtteil]:
            _outline(ax, PathPatch(MplPath(ring), facecolor=face, edgecolor="#ffffff", linewidth=0.5, hatch=hatch))
    for rings in boundaries.bezirke.values():
        for ring in rings:
            _outline(ax, PathPatch(MplPath(ring), facecolor="none", edgecolor=BEZIRK_COLOUR, linewidth=1.1,
                                   joinstyle="round"))
    for number in sorted(outline & set(boundaries.rings)):
        dashed = number in partial and number not in drawn_parts
        outlined = [r for p in sorted(known_parts) if p[:3] == number for r in boundaries.viertel[p]] \
            if number in drawn_parts else boundaries.rings[number]
        if number in drawn_parts:  # the whole Stadtteil thin and dashed, its part in the area solid
            for ring in boundaries.rings[number]:
                _outline(ax, PathPatch(MplPath(ring), facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=0.8,
                                       linestyle=(0, (3, 2))))
        for ring in outlined:  # a white halo keeps the black outline visible on dark classes
            _outline(ax, PathPatch(MplPath(ring), facecolor="none", edgecolor="#ffffff", linewidth=3.4))
            _outline(ax, PathPatch(MplPath(ring), facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=1.5,
                                   linestyle=(0, (3, 2)) if dashed else "solid"))
        x, y = boundaries.centre(number)
        label = f"{number} {_short(names.get(number, number))}" if zoom else number
        ax.annotate(label, (x, y), ha="center", va="center", fontsize=7, textcoords="offset points",
                    xytext=(0, 0), arrowprops=LEADER,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    if zoom:
        for number in sorted(shown - outline):
            x, y = boundaries.centre(number)
            ax.annotate(_short(names.get(number, number)), (x, y), ha="center", va="center",
                        fontsize=6.5, color="#222222", style="italic", textcoords="offset points", xytext=(0, 0),
                        arrowprops=LEADER,
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
    _fit(ax, [r for n in shown for r in boundaries.rings[n]])
    ax.axis("off")
    handles = [Patch(facecolor=colours[i], edgecolor="#888888", label=label) for i, label in enumerate(labels)]
    if frame["suppressed"].any():
        handles.append(Patch(facecolor=SUPPRESSED_COLOUR, edgecolor="#888888", hatch=HATCH, label="unterdrückt"))
    if unreliable & set(frame.loc[~frame["suppressed"] & frame["value"].notna(), "stadtteil"]):
        handles.append(Patch(facecolor="#ffffff", edgecolor="#888888", hatch=UNRELIABLE_HATCH,
                             label="unsicher: wenige Fälle"))
    if (frame["class"] == "keine Daten").any():
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#888888", label="keine Daten"))
    if outline:
        handles.append(Patch(facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=1.8,
                             label=f"{area_name or 'Gebiet'} (Zahl = {units.name}nummer)"))
    if partial - drawn_parts:
        handles.append(Patch(facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=1.5, linestyle=(0, (3, 2)),
                             label=f"{units.name} nur teilweise im Gebiet"))
    if drawn_parts:
        handles.append(Patch(facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=0.8, linestyle=(0, (3, 2)),
                             label=f"{units.name}, von {units.article('the', 'dat')} nur der umrandete Teil "
                                   "(Stadtviertel) zum Gebiet gehört"))
    if boundaries.bezirke:
        handles.append(Line2D([], [], color=BEZIRK_COLOUR, linewidth=1.1, label=f"Grenze der {districts}"))
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=7.5, frameon=False,
              title=_unit_title(unit) if categories is None else "Klasse", title_fontsize=7.5)
    ax.set_title(title, loc="left", fontsize=9)
    ax.text(1.0, -0.005, boundaries.source_line, transform=ax.transAxes, ha="right", va="top", fontsize=5.5, color="#444444")
    separate_labels(fig, ax)  # last: the legend and title above change the layout, so the labels' extents

    table = frame.assign(in_area=np.where(frame["stadtteil"].isin(partial), "teilweise",
                                          np.where(frame["stadtteil"].isin(outline), "ja", "nein")))
    if zoom:
        table = table[table["stadtteil"].isin(shown)]
    table["label"] = table["stadtteil"] + " " + table["name"]
    table = table.sort_values(["in_area", "stadtteil"], ascending=[False, True])
    caption = f"Karte: {title}" + (f" ({area_name or 'das Gebiet'} und die angrenzenden {units.plural})" if zoom
                                   else "")
    if zoom and focus:
        caption = f"Karte: {title} ({area_name}, mit den angrenzenden {units.dative_plural_name})"
    caption += f". {boundaries.source_line}"

    return Chart(fig, table[["label", "value", "class", "in_area"]].reset_index(drop=True),
                 _alt(frame[frame["stadtteil"].isin(shown)], title, outline, area_name, categories is not None, unit,
                      partial, zoom, city_units, units), caption,
                 {"label": units.name, "value": "Wert", "class": "Klasse", "in_area": "im Gebiet"})


@dataclass
class Choropleth(ChartSpec):
    """A map of Stadtteile coloured by their value (or class), drawn by :func:`_choropleth`.

    The data have one row per Stadtteil: ``stadtteil`` (number as text), ``name``, ``value`` and optionally
    ``category`` (the class, with ``categories``), both resting on the counts ``counts`` declares (by default a
    rate's numerator and denominator with their thresholds, :func:`~veedel_lib.render.charts.base.rate_counts`).
    A value or class withheld by disclosure control is hatched ("unterdrückt"), never coloured. The other
    fields are those of :func:`_choropleth`.
    """

    label: ClassVar[str] = "Karte der Stadtteile"

    boundaries: Boundaries
    title: str
    unit: str = "percent"
    outline: set[str] | None = None
    area_name: str = ""
    classes: int = CLASSES
    categories: list[str] | None = None
    partial: set[str] | None = None
    parts: set[str] | None = None
    zoom: bool = False
    focus: set[str] | None = None
    unreliable: set[str] | None = None
    city_units: str = ""
    units: Noun | Level = UNITS
    districts: str = "Bezirke"
    counts: dict[str, Basis] = field(default_factory=rate_counts)
    """The count columns the values rest on, with their thresholds."""

    def declared(self) -> dict[str, dict[str, Basis]]:
        """Stadtteil and name are public; value and class rest on :attr:`counts`."""
        on_counts = rests_on(*(key for key, basis in self.counts.items() if basis.is_count))
        return {"data": {"stadtteil": PUBLIC, "name": PUBLIC, **self.counts, "value": on_counts,
                         "category": rests_on(*on_counts.counts, optional=True)}}

    def draw(self, data: ChartData) -> Chart:
        """The map from the checked data: withheld values (or classes) marked as suppressed."""
        withheld = data.withheld["value"]
        if "category" in data.withheld:
            withheld = withheld | data.withheld["category"]
        frame = data.frame[["stadtteil", "name", "value"] + (["category"] if "category" in data.frame else [])]
        frame = frame.assign(suppressed=withheld.to_numpy())
        return _choropleth(frame, self.boundaries, title=self.title, unit=self.unit, outline=self.outline,
                           area_name=self.area_name, classes=self.classes, categories=self.categories,
                           partial=self.partial, parts=self.parts, zoom=self.zoom, focus=self.focus,
                           unreliable=self.unreliable, city_units=self.city_units, units=self.units,
                           districts=self.districts)


LEADER = {"arrowstyle": "-", "color": "#333333", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 0}
"""The thin line from a label that had to give way to its Stadtteil's centre (hidden while the label sits there)."""
LABEL_GAP_PX = 2.0
"""Space kept between two labels' text boxes (display pixels at the figure's dpi), room for their white boxes."""
LABEL_STEP_PT = 4.0
"""How far a label is moved per step when it must give way (points); up to 14 steps (56 pt) in 16 directions."""


def _candidate_offsets() -> list[tuple[float, float]]:
    """Offsets (points) to try for a label that overlaps another, nearest first: rings of 16 directions."""
    offsets = [(0.0, 0.0)]
    for step in range(1, 15):
        radius = step * LABEL_STEP_PT
        offsets += [(radius * np.cos(a), radius * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    return offsets


def _label_box(label, renderer, dpi: float):
    """A label's box in display pixels: its text (``Text.get_window_extent``, without the leader line) with the
    padding of its white box (``boxstyle`` pad in units of the font size) and :data:`LABEL_GAP_PX` around."""
    from matplotlib.text import Text

    patch = label.get_bbox_patch()
    pad = patch.get_boxstyle().pad * label.get_fontsize() * dpi / 72 if patch is not None else 0.0
    return Text.get_window_extent(label, renderer).padded(pad + LABEL_GAP_PX / 2)


def separate_labels(fig, ax) -> None:
    """Move the map's labels (annotations) apart until no two of their boxes intersect; a moved one gets a leader line.

    Measured on the drawn figure after the layout has settled (call it last), by :func:`_label_box`: labels keep
    their place in drawing order (the area's own Stadtteile first); a label whose box would touch one already
    placed tries the offsets of :func:`_candidate_offsets` and, once moved, points at its Stadtteil's centre with a
    thin line. Two passes, since a layout engine may move the axes a little after the first one.
    """
    labels = [t for t in ax.texts if hasattr(t, "xyann")]
    offsets = _candidate_offsets()
    for _ in range(2):
        fig.draw_without_rendering()  # the layout and the text metrics of a draw, without painting any pixel
        renderer = fig.canvas.get_renderer()
        placed = []
        for label in labels:
            for dx, dy in offsets:
                label.xyann = (dx, dy)
                box = _label_box(label, renderer, fig.dpi)
                if not any(box.overlaps(other) for other in placed):
                    break
            placed.append(box)
            if label.arrow_patch is not None:
                label.arrow_patch.set_visible(label.xyann != (0.0, 0.0))


def _short(name: str) -> str:
    """A Stadtteil's name for a label inside a map: long double names broken at the slash."""
    return name.replace("/", "/\n") if len(name) > 14 else name


def _number(value: float, unit: str) -> str:
    if unit == "percent":
        return fmt.percent(value, 1)
    if unit == "per_1000":
        return fmt.per_mille(value, 1)
    return fmt.number(value, 1)


def _unit_title(unit: str) -> str:
    return {"percent": "Anteil in %", "per_1000": "je 1.000", "index": "Index"}.get(unit, "")


def _alt(frame: pd.DataFrame, title: str, outline: set[str], area_name: str, categorical: bool,
         unit: str = "percent", partial: set[str] | None = None, zoom: bool = False, city_units: str = "",
         units: Noun | Level = UNITS) -> str:
    """Alternative text: where the highest values are and in which classes the area's Stadtteile lie."""
    shown = frame[~frame["suppressed"] & frame["value"].notna()] if not categorical else frame
    where = (f"von {area_name or 'dem Gebiet'} und den angrenzenden {units.dative_plural_name}" if zoom
             else f"der {city_units}" if city_units else "der Stadt")
    text = f"Karte {where}: {title}."
    if not categorical and len(shown):
        top = shown.sort_values("value", ascending=False).head(3)
        text += " Die höchsten Werte haben " + fmt.join([f"{name} ({_number(value, unit)})"
                                                          for name, value in zip(top["name"], top["value"])]) + "."
    if outline:
        own = frame[frame["stadtteil"].isin(outline)]
        partial = partial or set()
        text += (f" {area_name or 'Das Gebiet'} (umrandet): "
                 + fmt.join([f"{name}{' (nur teilweise, gestrichelt)' if number in partial else ''}: {kind}"
                             for number, name, kind in zip(own["stadtteil"], own["name"], own["class"])]) + ".")
    if frame["suppressed"].any():
        text += f" {int(frame['suppressed'].sum())} {units.plural} sind aus Datenschutzgründen schraffiert."
    return text


def indicator_map(ds, indicator, year: int, boundaries: Boundaries, outline: set[str] | None = None,
                  area_name: str = "", title: str | None = None, partial: set[str] | None = None,
                  parts: set[str] | None = None, zoom: bool = False, focus: set[str] | None = None,
                  smoothing=None) -> Chart:
    """A map of one catalogue indicator per Stadtteil in ``year``; values on small counts are suppressed.

    The values pass the same disclosure control as every table (counts under the indicator's publish
    threshold hide the value, which the map then hatches). With ``smoothing`` (``analysis.smoothing`` of
    run.yml) Stadtteile with a small denominator are coloured by their Empirical-Bayes rate
    (:mod:`veedel_lib.analysis.smoothing`) and the title says "kleine Stadtteile geglättet"; the map's data
    table keeps the raw rate in ``value`` and adds ``shown_value`` and ``smoothed``.
    """
    if smoothing is not None:
        values = smoothed_stadtteil_values(ds, year, [indicator], smoothing)
    else:
        values = indicator_values(ds, year, stadtteil_groups(ds), [indicator])
    frame = pd.DataFrame({"stadtteil": values["group"].astype(str),
                          "value": values["value" if smoothing is None else "shown_value"].to_numpy()})
    frame["name"] = [ds.spatial.base.name_of(s) for s in frame["stadtteil"]]
    for key in rate_counts():
        frame[key] = values[key].to_numpy()
    place = {"outline": outline, "area_name": area_name, "partial": partial, "parts": parts, "zoom": zoom,
             "focus": focus, "city_units": ds.spatial.of_city(ds.spatial.base.plural), "units": ds.spatial.base,
             "districts": ds.spatial.top.plural}
    units = ds.spatial.base
    title = title or f"{indicator.name} {year} nach {units.dative_plural_name}"
    if smoothing is None:
        return Choropleth(boundaries, title=title, unit=indicator.unit, **place).plot(frame)
    unreliable = set(frame.loc[values["unreliable"].to_numpy(dtype=bool), "stadtteil"])
    chart = Choropleth(boundaries, title=title + f"\n(kleine {units.plural} geglättet)", unit=indicator.unit,
                       unreliable=unreliable, **place).plot(frame)
    # the data table also holds the raw rate, withheld on the same counts as the drawn one
    protected = masked(values, rate_basis(None) + [Col(key, key, "rate", based_on=basis(None))
                                                   for key in ("value", "shown_value")])
    suppressed = protected["value"].isna().to_numpy() & values["value"].notna().to_numpy()
    smoothed = values["smoothed"].to_numpy(dtype=bool) & ~suppressed
    labels = frame["stadtteil"] + " " + frame["name"]
    table = chart.data.copy()
    table["shown_value"] = table["label"].map(dict(zip(labels, protected["shown_value"])))
    table["value"] = table["label"].map(dict(zip(labels, protected["value"])))
    table["smoothed"] = table["label"].map(dict(zip(labels, np.where(smoothed, "geglättet", ""))))
    chart.data = table
    chart.data_columns = {"label": units.name, "value": "Wert (roh)", "shown_value": "dargestellt",
                          "smoothed": "geglättet", "class": "Klasse", "in_area": "im Gebiet"}
    chart.alt += (f" {int(smoothed.sum())} kleine {units.plural} sind mit geglättetem Wert (Empirical Bayes) "
                  "eingefärbt.")
    return chart


AREA_COLOUR = "#3b7fb6"
"""Fill of the programme areas on the portal's map (white numbers on it have a contrast above 4.5:1)."""
PART_COLOUR = "#a9c8e2"
SVG_NS = "http://www.w3.org/2000/svg"


def _area_label_point(boundaries: Boundaries, whole: list[str], partial: list[str],
                      parts: list[str]) -> tuple[float, float]:
    """Where an area's number goes: the centre of its largest whole Stadtteil, else of its largest part."""
    rings = [r for n in whole if n in boundaries.rings for r in boundaries.rings[n]]
    rings = rings or [r for p in parts if p in boundaries.viertel for r in boundaries.viertel[p]]
    rings = rings or [r for n in partial if n in boundaries.rings for r in boundaries.rings[n]]
    ring = max(rings, key=lambda r: abs(_area(r)))
    return tuple(_centroid(ring))


def _label_points(boundaries: Boundaries, free: list[str], rings: list[np.ndarray]) -> list[tuple[float, float]]:
    """Where a Stadtbezirk's name may go, best first: the centres of its Stadtteile outside every area, the
    largest first, each also moved by 1 km to either side and up or down; the Bezirk's centre last."""
    points = []
    for number in sorted(free, key=lambda n: -sum(abs(_area(r)) for r in boundaries.rings[n])):
        x, y = boundaries.centre(number)
        points += [(x, y), (x - 1, y), (x + 1, y), (x, y + 1), (x, y - 1)]
    return points + [tuple(_centroid(max(rings, key=lambda r: abs(_area(r)))))]


def _place_label(label, points: list[tuple[float, float]], obstacles: list, placed: list, renderer):
    """Put ``label`` at the first of ``points`` where it covers no area, no area's number and no other label.

    Areas are linked shapes painted above the base map, so a name below one would be hidden. Returns the
    label's extent (display coordinates); without a free point the label stays at the first one.
    """
    for x, y in points:
        label.set_position((x, y))
        extent = label.get_window_extent(renderer).expanded(1.1, 1.4)  # with the white box around the text
        if not any(o.intersects_bbox(extent, filled=True) for o in obstacles) and \
                not any(extent.overlaps(other) for other in placed):
            return extent
    label.set_position(points[0])
    return label.get_window_extent(renderer)


def portal_map(boundaries: Boundaries, areas: list[dict], title: str, described_by: str = "",
               district_name=lambda key: "") -> str:
    """The portal's map of the city as inline SVG: the Stadtbezirke, and each programme area as one link.

    ``areas`` are entries with ``id``, ``name``, ``number`` (shown on the map and in the list beside it), ``href``
    and the Stadtteile ``stadtteile`` (whole), ``partial`` and ``parts`` (Stadtviertel), in reading order: the
    links follow that order, so keyboard navigation meets them as the list below the map lists them. Stadtteile
    only partly in an area are hatched (or, where their Stadtviertel are known, the part itself is drawn).
    Each area's shape and number are one ``<a>`` with an accessible name; the SVG carries no script.
    ``described_by``: the id of the page's list of the numbers with the areas' names (``aria-describedby``);
    ``district_name(key)``: a Stadtbezirk's name for its label on the map (from the city's ``raumbezug.yml``).
    """
    import io
    import xml.etree.ElementTree as ET

    plt = pyplot()  # matplotlib where drawn, not on import (see drawing.pyplot)
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    fig, ax = plt.subplots(figsize=(6.4, 6.2))
    fig.subplots_adjust(0, 0, 1, 1)
    whole = {n for a in areas for n in a["stadtteile"]}
    for number, rings in boundaries.rings.items():
        for ring in rings:
            _outline(ax, PathPatch(MplPath(ring), facecolor="#ececec", edgecolor="#ffffff", linewidth=0.6))
    hatched = {n for a in areas for n in a["partial"]} - whole
    for number in sorted(hatched & set(boundaries.rings)):
        for ring in boundaries.rings[number]:
            _outline(ax, PathPatch(MplPath(ring), facecolor=PART_COLOUR, edgecolor="#ffffff", linewidth=0.6,
                                   hatch="////"))
    for number, rings in boundaries.bezirke.items():
        for ring in rings:
            _outline(ax, PathPatch(MplPath(ring), facecolor="none", edgecolor=BEZIRK_COLOUR, linewidth=1.4))
    for area in areas:
        rings = [r for n in area["stadtteile"] if n in boundaries.rings for r in boundaries.rings[n]]
        rings += [r for p in area["parts"] if p in boundaries.viertel for r in boundaries.viertel[p]]
        if rings:
            path = MplPath.make_compound_path(*[MplPath(r) for r in rings])
            patch = PathPatch(path, facecolor=AREA_COLOUR, edgecolor="#ffffff", linewidth=0.8)
            patch.set_gid(f"flaeche-{area['id']}")
            _outline(ax, patch)
    for area in areas:
        x, y = _area_label_point(boundaries, area["stadtteile"], area["partial"], area["parts"])
        marker = plt.Circle((x, y), 0.5, facecolor="#ffffff", edgecolor="#000000", linewidth=0.9, zorder=4)
        marker.set_gid(f"marke-{area['id']}")
        _outline(ax, marker)
        text = ax.text(x, y, str(area["number"]), ha="center", va="center", fontsize=6.2, zorder=5, color="#000000",
                       fontweight="bold")
        text.set_gid(f"nummer-{area['id']}")
    _fit(ax, [r for rings in boundaries.rings.values() for r in rings])
    ax.apply_aspect()  # the final scale, so that the labels' extents below are those of the drawn map
    renderer = fig.canvas.get_renderer()
    obstacles = [patch.get_path().transformed(patch.get_transform()) for patch in ax.patches
                 if patch.get_gid() and patch.get_gid().startswith(("flaeche-", "marke-"))]
    placed: list = []
    for number, rings in boundaries.bezirke.items():
        label = ax.text(0, 0, f"{number} {district_name(number)}".rstrip(), ha="center", va="center",
                        fontsize=7.5, color="#222222", style="italic", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        label.set_gid(f"karte-bezirk-{number}")
        free = [n for n in boundaries.rings if n[0] == number and n not in whole and n not in hatched]
        placed.append(_place_label(label, _label_points(boundaries, free, rings), obstacles, placed, renderer))
    ax.axis("off")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(buffer.getvalue())
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("role", "group")
    root.set("aria-labelledby", "karte-titel")
    if described_by:
        root.set("aria-describedby", described_by)
    root.set("class", "portal-map")
    heading = ET.Element(f"{{{SVG_NS}}}title", {"id": "karte-titel"})
    heading.text = title
    root.insert(0, heading)
    for parent in list(root.iter()):
        for style in parent.findall(f"{{{SVG_NS}}}style"):
            parent.remove(style)  # the page has one stylesheet; its rule for svg.portal-map replaces this one
    parents = {child: parent for parent in root.iter() for child in parent}
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    layer = None
    for area in areas:
        link = ET.Element(f"{{{SVG_NS}}}a", {"href": area["href"], "aria-label": f"{area['number']}: {area['name']}"})
        tip = ET.SubElement(link, f"{{{SVG_NS}}}title")
        tip.text = area["name"]
        for key in (f"flaeche-{area['id']}", f"marke-{area['id']}", f"nummer-{area['id']}"):
            element = by_id.get(key)
            if element is None:
                continue
            parent = parents[element]
            layer = parent if layer is None else layer
            parent.remove(element)
            link.append(element)
        layer.append(link)  # links in reading order, painted above the base map
    return ET.tostring(root, encoding="unicode")


MAP_CACHE_FOLDER = "karten"
"""Subfolder of the user's cache folder (:func:`veedel_lib.files.cache_dir`) with drawn portal maps by key."""
MAP_CACHE_KEEP = 16
"""Portal maps kept in the cache (the most recently used; one map is about 0,2 MB)."""
MAP_CACHE_MAX_BYTES = 8_000_000
"""A cached map larger than this is not read (it is drawn anew): the cache folder is outside the run."""
MAP_KEY_VERSION = "veedel-portal-map-1"
"""Changes when the meaning of :func:`portal_map_key` changes."""


@lru_cache(maxsize=1)
def _drawing_code() -> bytes:
    """What draws a map besides its arguments: the source of every module of the rendering room (this one, the
    charts' style in :mod:`~veedel_lib.render.charts.drawing`, ...) and the versions of Python, matplotlib (with
    its fonts) and numpy, as bytes to hash; read once per process."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("matplotlib", "numpy"):
        try:
            digest.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-\0".encode())
    digest.update(sys.version.encode())
    return digest.digest()


def _hash_polygons(digest, polygons: dict[str, list[np.ndarray]]) -> None:
    """Add polygons (by number) to ``digest`` in their order (the order they are drawn in): numbers, ring counts,
    shapes and coordinates as float64 bytes."""
    digest.update(f"{len(polygons)}\0".encode())
    for number, rings in polygons.items():
        digest.update(f"{number}\0{len(rings)}\0".encode())
        for ring in rings:
            array = np.ascontiguousarray(ring, dtype=np.float64)
            digest.update(f"{array.shape}\0".encode() + array.tobytes())


def portal_map_key(boundaries: Boundaries, areas: list[dict], title: str, described_by: str = "",
                   district_name=lambda key: "") -> str:
    """The key of a portal map (hex SHA-256): every argument of :func:`portal_map` in full and in order — all
    fields of the boundaries (the Stadtteile's, Stadtbezirke's and Stadtviertel's rings in drawing order, names,
    source), every field of every area entry (id, name, number, link, Stadtteile and parts, and the key figures and
    status class it carries, whether the map shows them or not), the title, the id of the list it points to, the
    label of every Stadtbezirk (``district_name``, from the city's profile) — and the drawing code
    (:func:`_drawing_code`). Two calls with the same key draw the same SVG bytes."""
    digest = hashlib.sha256(MAP_KEY_VERSION.encode() + b"\0" + _drawing_code())
    for polygons in (boundaries.rings, boundaries.bezirke, boundaries.viertel):
        _hash_polygons(digest, polygons)
    described = {
        "names": list(boundaries.names.items()), "schematic": boundaries.schematic, "source": boundaries.source,
        "attribution": boundaries.attribution, "areas": areas, "title": title, "described_by": described_by,
        "districts": [(number, district_name(number)) for number in boundaries.bezirke],
    }
    digest.update(json.dumps(described, sort_keys=True, ensure_ascii=False, default=repr).encode())
    return digest.hexdigest()


def _cached_map(path: Path) -> str | None:
    """A cached map's SVG, or None when there is none (or it is too large or not an SVG element: drawn anew)."""
    try:
        if path.stat().st_size > MAP_CACHE_MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
        os.utime(path)  # most recently used: kept longest
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith("<svg") and text.endswith("</svg>") else None


def _keep_newest(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently used maps of the cache folder."""
    entries = []
    for path in folder.glob("*.svg"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:  # removed by a parallel run meanwhile
            continue
    for _, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)


def cached_portal_map(boundaries: Boundaries, areas: list[dict], title: str, described_by: str = "",
                      district_name=lambda key: "") -> str:
    """:func:`portal_map`, drawn once per :func:`portal_map_key` and kept in the user's cache folder.

    Drawing the map took 0,3 to 0,5 s of every run and made it import matplotlib (0,6 s), also a re-run in which
    nothing changed; a map whose key is in the cache is read from there instead. A cache that cannot be written
    only costs the time of drawing.
    """
    folder = cache_dir() / MAP_CACHE_FOLDER
    path = folder / f"{portal_map_key(boundaries, areas, title, described_by, district_name)}.svg"
    svg = _cached_map(path)
    if svg is None:
        svg = portal_map(boundaries, areas, title, described_by, district_name)
        try:
            atomic_write_text(path, svg)
            _keep_newest(folder, MAP_CACHE_KEEP)
        except OSError:
            pass
    return svg
