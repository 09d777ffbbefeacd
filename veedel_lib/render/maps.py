"""Maps of the Kölner Stadtteile: boundaries, a schematic layout for the demo data, choropleth charts.

Boundaries come from a GeoJSON file in the data folder (the city's ``koeln_stadtteile_wgs84.geojson`` or
any file ``*stadtteile*.geojson`` with the property ``stadtteil_nr``). The demo data have no real
boundaries (the city's files are never copied into the project), so they get a schematic layout:
Voronoi cells around each Stadtteil's approximate centre, clipped to the outline of all centres. It
keeps neighbourhoods and the Rhine's two banks recognisable without pretending to be a real map.

A choropleth is drawn with matplotlib alone. Colours run from light to dark with the value (a palette
whose lightness rises steadily, so classes stay apart in black-and-white print and for colour-blind
readers); the area's Stadtteile are outlined in black and numbered; suppressed values are hatched and
missing ones light grey; the legend names each class range in German number format. Each map comes
as a :class:`~veedel_lib.render.figures.Chart` with its data table and an alternative text stating where the
highest values are and where the area lies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from ..analysis.indicators import indicator_values, stadtteil_groups
from ..analysis.smoothing import smoothed_stadtteil_values
from ..errors import DataValidationError, Problem
from ..params.reference import STADTTEILE
from . import formatting as fmt
from .blocks import Col
from .disclosure import basis, masked, rate_basis
from .figures import Chart

HATCH = "////"
UNRELIABLE_HATCH = "...."
"""Dotted hatching of values on few cases (see :mod:`veedel_lib.analysis.smoothing`); suppressed ones get HATCH."""
MISSING_COLOUR = "#eeeeee"
SUPPRESSED_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#000000"
CLASSES = 5


@dataclass(frozen=True)
class Boundaries:
    """Stadtteil polygons in projected coordinates (km east/north of the city centre), by Stadtteil number."""

    rings: dict[str, list[np.ndarray]]
    names: dict[str, str]
    schematic: bool = False
    source: str = ""

    def centre(self, number: str) -> tuple[float, float]:
        """Area-weighted centre of a Stadtteil's largest ring (for labels)."""
        ring = max(self.rings[number], key=lambda r: abs(_area(r)))
        return tuple(_centroid(ring))


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


def load_boundaries(path: str | Path) -> Boundaries:
    """Read Stadtteil boundaries from GeoJSON (Polygon or MultiPolygon features with ``stadtteil_nr``).

    A malformed file raises DataValidationError naming the file, the feature (as "row", counted from 1)
    and the property or geometry at fault.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataValidationError([Problem(str(path), None, None, f"keine lesbare GeoJSON-Datei: {exc}")]) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise DataValidationError([Problem(str(path), None, "features", "keine FeatureCollection mit Features")])
    problems, rings, names = [], {}, {}
    for position, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        number = str(properties.get("stadtteil_nr", "")).strip()
        geometry = feature.get("geometry") or {}
        if not number.isdigit():
            problems.append(Problem(str(path), position, "stadtteil_nr", "Stadtteilnummer fehlt oder ist keine Zahl"))
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
        names[str(int(number))] = str(properties.get("stadtteil_name", number))
    if problems:
        raise DataValidationError(problems)
    return Boundaries(rings, names, False, path.name)


def _centres() -> pd.DataFrame:
    with resources.files("veedel_lib").joinpath("data/stadtteil_centres.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, sep=";", comment="#", dtype={"stadtteil_nr": str})


def _clip(polygon: np.ndarray, clip: np.ndarray) -> np.ndarray:
    """Sutherland-Hodgman: the part of ``polygon`` inside the convex, counter-clockwise ``clip`` polygon."""
    output = list(polygon)
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        edge = b - a
        inside = lambda p: edge[0] * (p[1] - a[1]) - edge[1] * (p[0] - a[0]) >= 0  # noqa: E731
        points, output = output, []
        for current, previous in zip(points, points[-1:] + points[:-1]):
            if inside(current):
                if not inside(previous):
                    output.append(_intersection(previous, current, a, b))
                output.append(current)
            elif inside(previous):
                output.append(_intersection(previous, current, a, b))
        if not output:
            break
    return np.array(output)


def _intersection(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d1, d2 = q - p, b - a
    denominator = d1[0] * d2[1] - d1[1] * d2[0]
    t = ((a[0] - p[0]) * d2[1] - (a[1] - p[1]) * d2[0]) / denominator
    return p + t * d1


def demo_layout(numbers: list[str] | None = None) -> Boundaries:
    """The schematic layout of the 86 Stadtteile for the demo data (deterministic, no randomness).

    Voronoi cells around the approximate centres (``veedel_lib/data/stadtteil_centres.csv``), clipped to
    the convex outline of all centres widened by 1,5 km. ``numbers`` restricts the layout to some
    Stadtteile (cells are still computed from all 86, so they keep their shape).
    """
    from scipy.spatial import ConvexHull, Voronoi

    centres = _centres()
    points = project(centres["lon"].to_numpy(), centres["lat"].to_numpy())
    hull = points[ConvexHull(points).vertices]
    middle = hull.mean(axis=0)
    outward = hull - middle
    outline = hull + outward / np.linalg.norm(outward, axis=1)[:, None] * 1.5
    span = np.ptp(points, axis=0).max() * 4
    far = middle + np.array([[span, span], [-span, span], [span, -span], [-span, -span]])
    diagram = Voronoi(np.vstack([points, far]))
    rings, names = {}, {}
    for position, number in enumerate(centres["stadtteil_nr"]):
        region = diagram.regions[diagram.point_region[position]]
        cell = diagram.vertices[region]
        order = np.argsort(np.arctan2(cell[:, 1] - points[position, 1], cell[:, 0] - points[position, 0]))
        clipped = _clip(cell[order], outline)
        if numbers is None or number in numbers:
            rings[number] = [np.vstack([clipped, clipped[:1]])]
            names[number] = STADTTEILE.get(int(number), number)
    return Boundaries(rings, names, True, "schematische Karte (Demodaten)")


def boundaries_for(data_dir: Path, is_demo: bool) -> Boundaries | None:
    """The boundaries a data folder brings (``*stadtteil*.geojson``), the demo layout, or None."""
    files = sorted(p for p in Path(data_dir).glob("*.geojson") if "stadtteil" in p.name.lower())
    if files:
        return load_boundaries(files[0])
    return demo_layout() if is_demo else None


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


def choropleth(frame: pd.DataFrame, boundaries: Boundaries, *, title: str, unit: str = "percent",
               outline: set[str] | None = None, area_name: str = "", classes: int = CLASSES,
               categories: list[str] | None = None, partial: set[str] | None = None,
               unreliable: set[str] | None = None) -> Chart:
    """A map of Stadtteile coloured by ``frame["value"]`` (or by ``frame["category"]`` in ``categories`` order).

    ``frame`` has one row per Stadtteil: ``stadtteil`` (number as text), ``name``, ``value`` (NaN where
    missing) and optionally ``suppressed`` (hidden by disclosure control: hatched, never coloured).
    ``outline`` are the Stadtteile of the area (outlined and numbered), ``partial`` those that belong to it
    only in part (outlined dashed, so the map does not claim the whole Stadtteil); ``unit`` is "percent",
    "per_1000" or "index" for the legend. ``unreliable``: Stadtteile whose value rests on few cases (coefficient of
    variation above the threshold of ``analysis.smoothing``): coloured, with a dotted hatching.
    """
    unreliable = set(unreliable or ())
    partial = set(partial or ()) - set(outline or ())
    outline = set(outline or ()) | partial
    frame = frame.copy()
    frame["stadtteil"] = frame["stadtteil"].astype(str)
    if "suppressed" not in frame:
        frame["suppressed"] = False
    frame = frame[frame["stadtteil"].isin(boundaries.rings)].reset_index(drop=True)
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

    fig, ax = plt.subplots(figsize=(6.0, 6.6), layout="constrained")
    for row, where in zip(frame.itertuples(index=False), position):
        if row.suppressed:
            face, hatch = SUPPRESSED_COLOUR, HATCH
        elif pd.isna(where):
            face, hatch = MISSING_COLOUR, None
        else:
            face, hatch = colours[int(where)], (UNRELIABLE_HATCH if row.stadtteil in unreliable else None)
        for ring in boundaries.rings[row.stadtteil]:
            ax.add_patch(PathPatch(MplPath(ring), facecolor=face, edgecolor="#ffffff", linewidth=0.5, hatch=hatch))
    for number in sorted(outline & set(boundaries.rings)):
        for ring in boundaries.rings[number]:  # a white halo keeps the black outline visible on dark classes
            ax.add_patch(PathPatch(MplPath(ring), facecolor="none", edgecolor="#ffffff", linewidth=3.4))
            ax.add_patch(PathPatch(MplPath(ring), facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=1.5,
                                   linestyle=(0, (3, 2)) if number in partial else "solid"))
        x, y = boundaries.centre(number)
        ax.annotate(number, (x, y), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    everything = np.vstack([r for rings in boundaries.rings.values() for r in rings])
    ax.set_xlim(everything[:, 0].min() - 0.5, everything[:, 0].max() + 0.5)
    ax.set_ylim(everything[:, 1].min() - 0.5, everything[:, 1].max() + 0.5)
    ax.set_aspect("equal")
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
                             label=f"{area_name or 'Gebiet'} (Zahl = Stadtteilnummer)"))
    if partial:
        handles.append(Patch(facecolor="none", edgecolor=OUTLINE_COLOUR, linewidth=1.5, linestyle=(0, (3, 2)),
                             label="Stadtteil nur teilweise im Gebiet"))
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=7.5, frameon=False,
              title=_unit_title(unit) if categories is None else "Klasse", title_fontsize=7.5)
    ax.set_title(title, loc="left", fontsize=9)

    table = frame.assign(in_area=np.where(frame["stadtteil"].isin(partial), "teilweise",
                                          np.where(frame["stadtteil"].isin(outline), "ja", "nein")))
    table["label"] = table["stadtteil"] + " " + table["name"]
    table = table.sort_values(["in_area", "stadtteil"], ascending=[False, True])
    return Chart(fig, table[["label", "value", "class", "in_area"]].reset_index(drop=True),
                 _alt(frame, title, outline, area_name, categories is not None, unit, partial),
                 f"Karte: {title}" + (" (schematische Karte: Zellen um die Mittelpunkte der Stadtteile, keine echten "
                                      "Grenzen)" if boundaries.schematic else ""), {"label": "Stadtteil", "value": "Wert", "class": "Klasse", "in_area": "im Gebiet"})


def _number(value: float, unit: str) -> str:
    if unit == "percent":
        return fmt.percent(value, 1)
    if unit == "per_1000":
        return fmt.per_mille(value, 1)
    return fmt.number(value, 1)


def _unit_title(unit: str) -> str:
    return {"percent": "Anteil in %", "per_1000": "je 1.000", "index": "Index"}.get(unit, "")


def _alt(frame: pd.DataFrame, title: str, outline: set[str], area_name: str, categorical: bool,
         unit: str = "percent", partial: set[str] | None = None) -> str:
    """Alternative text: where the highest values are and in which classes the area's Stadtteile lie."""
    shown = frame[~frame["suppressed"] & frame["value"].notna()] if not categorical else frame
    text = f"Karte der Kölner Stadtteile: {title}."
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
        text += f" {int(frame['suppressed'].sum())} Stadtteile sind aus Datenschutzgründen schraffiert."
    return text


def indicator_map(ds, indicator, year: int, boundaries: Boundaries, outline: set[str] | None = None,
                  area_name: str = "", title: str | None = None, partial: set[str] | None = None,
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
    derived = [Col("value", "Wert", "rate", based_on=basis(None))]
    if smoothing is not None:
        derived.append(Col("shown_value", "dargestellt", "rate", based_on=basis(None)))
    protected = masked(values, rate_basis(None) + derived)
    frame = pd.DataFrame({"stadtteil": values["group"].astype(str), "value": protected["value"].to_numpy()})
    frame["suppressed"] = protected["value"].isna().to_numpy() & values["value"].notna().to_numpy()
    frame["name"] = [ds.spatial.base.name_of(s) for s in frame["stadtteil"]]
    if smoothing is None:
        return choropleth(frame, boundaries, title=title or f"{indicator.name} {year} nach Stadtteilen",
                          unit=indicator.unit, outline=outline, area_name=area_name, partial=partial)
    raw = frame["value"].copy()
    frame["value"] = protected["shown_value"].to_numpy()
    smoothed = values["smoothed"].to_numpy(dtype=bool) & ~frame["suppressed"].to_numpy()
    unreliable = set(frame.loc[values["unreliable"].to_numpy(dtype=bool), "stadtteil"])
    chart = choropleth(frame, boundaries, title=(title or f"{indicator.name} {year} nach Stadtteilen")
                       + "\n(kleine Stadtteile geglättet)", unit=indicator.unit, outline=outline,
                       area_name=area_name, partial=partial, unreliable=unreliable)
    labels = frame["stadtteil"] + " " + frame["name"]
    table = chart.data.copy()
    table["shown_value"] = table["label"].map(dict(zip(labels, frame["value"])))
    table["value"] = table["label"].map(dict(zip(labels, raw)))
    table["smoothed"] = table["label"].map(dict(zip(labels, np.where(smoothed, "geglättet", ""))))
    chart.data = table
    chart.data_columns = {"label": "Stadtteil", "value": "Wert (roh)", "shown_value": "dargestellt",
                          "smoothed": "geglättet", "class": "Klasse", "in_area": "im Gebiet"}
    chart.alt += f" {int(smoothed.sum())} kleine Stadtteile sind mit geglättetem Wert (Empirical Bayes) eingefärbt."
    return chart
