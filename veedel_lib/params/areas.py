"""The 15 Sozialraumgebiete (``parameters/areas.yml``) and their resolution into statistical units.

An area is defined by whole Stadtteile, by single statistical units, and by Stadtteile it covers only
in part (listing the units of that part). Which units an area gets depends on the data: with data per
statistical unit the listed units are used exactly; with data only per Stadtteil, a partly covered
Stadtteil is either counted whole or left out (``at_stadtteil_level``), and every report names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ConfigurationError, DataValidationError, Problem
from .reference import STADTBEZIRKE, STADTTEILE
from .yamlfiles import AREA_ID_PATTERN, load_yaml, parse_model, problem_at

PROGRAMME_ID = "programm"
"""Pseudo area id (and run folder name) of the programme as a whole: the reports once per run."""


class PartialStadtteil(BaseModel):
    """A Stadtteil of which the area covers only a part."""

    model_config = ConfigDict(extra="forbid")

    stadtteil: int
    units: list[str] = []
    note: str
    at_stadtteil_level: Literal["include", "exclude"]
    """With data only per Stadtteil: count the whole Stadtteil ("include") or leave it out ("exclude")."""


class Area(BaseModel):
    """One Sozialraumgebiet."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=AREA_ID_PATTERN)
    code: str
    name: str
    other_names: list[str] = []
    stadtbezirk: int
    since: int | None = None
    stadtteile: list[int] = []
    units: list[str] = []
    partial: list[PartialStadtteil] = []
    note: str = ""

    @model_validator(mode="after")
    def _known_places(self) -> "Area":
        if self.stadtbezirk not in STADTBEZIRKE:
            raise ValueError(f"Stadtbezirk {self.stadtbezirk} gibt es nicht (1 bis 9)")
        for number in self.stadtteile + [p.stadtteil for p in self.partial]:
            if number not in STADTTEILE:
                raise ValueError(f"Stadtteil {number} gibt es nicht in Köln")
        if not (self.stadtteile or self.units or self.partial):
            raise ValueError("Gebiet ohne Stadtteile und ohne Einheiten")
        return self

    @property
    def stadtteil_numbers(self) -> list[int]:
        """All Stadtteile the area touches, whole or in part, in official order."""
        return sorted(set(self.stadtteile) | {p.stadtteil for p in self.partial})


class AreaFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    areas: list[Area] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "AreaFile":
        for attribute in ("id", "code", "name"):
            values = [getattr(a, attribute) for a in self.areas]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"doppelte Gebiets-{attribute}: {', '.join(map(str, duplicates))}")
        return self


@dataclass
class AreaDefinitions:
    """The areas as read from YAML, plus the file they came from (for error messages)."""

    areas: list[Area]
    path: str
    _node: object = None

    def get(self, area_id: str) -> Area:
        """The area with this id (or code, or name); KeyError lists the valid ids."""
        for area in self.areas:
            if area_id in (area.id, area.code, area.name) or area_id in area.other_names:
                return area
        raise ConfigurationError(f"Unbekanntes Sozialraumgebiet '{area_id}'. Gültig: {', '.join(self.ids)}")

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.areas]

    def programme_stadtteile(self) -> tuple[set[str], set[str]]:
        """Numbers (as text) of the Stadtteile wholly in some area, and of those only partly in any area."""
        whole = {str(n) for area in self.areas for n in area.stadtteile}
        partial = {str(p.stadtteil) for area in self.areas for p in area.partial} - whole
        return whole, partial

    def problem(self, index: int, key: tuple, reason: str) -> Problem:
        return problem_at(self.path, self._node, ("areas", index, *key), reason)


def load_areas(path: str | Path) -> AreaDefinitions:
    """Read ``areas.yml``; structure errors name the line and key."""
    parsed = parse_model(path, AreaFile)
    _, node = load_yaml(path)
    return AreaDefinitions(parsed.areas, str(path), node)


@dataclass
class Membership:
    """Which units make up each area for a given dataset, and what the reports must say about it.

    Problems in one area's definition (a unit that does not exist, say) are kept per area: that area
    cannot be analysed, but the other areas can. Anything that needs all areas at once (programme
    totals, the Jahresbericht) fails with all problems.
    """

    table: pd.DataFrame  # columns area_id, unit_id
    notes: dict[str, list[str]] = field(default_factory=dict)
    partial_stadtteile: dict[str, list[dict]] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)

    def check(self, area_id: str | None = None) -> None:
        """Raise DataValidationError for the problems of one area (or of all areas if None)."""
        found = self.problems.get(area_id, []) if area_id else [p for ps in self.problems.values() for p in ps]
        if found:
            raise DataValidationError(found)

    def units_of(self, area_id: str) -> list[str]:
        """The units of an area; DataValidationError if the area's definition has problems."""
        self.check(area_id)
        return sorted(self.table.loc[self.table["area_id"] == area_id, "unit_id"])

    def all_units(self) -> list[str]:
        """Units in any area; DataValidationError if any area's definition has problems."""
        self.check()
        return sorted(set(self.table["unit_id"]))


def resolve_membership(definitions: AreaDefinitions, units: pd.DataFrame) -> Membership:
    """Map every area onto the units of a dataset (``units`` has unit_id and stadtteil_nr).

    Records problems (naming the areas.yml line) per area for units that do not exist, areas that end
    up empty, and units claimed by two areas (they would be counted twice in programme totals).
    """
    by_stadtteil = units.groupby("stadtteil_nr")["unit_id"].apply(list).to_dict()
    known_units = set(units["unit_id"])
    rows: list[tuple[str, str]] = []
    notes: dict[str, list[str]] = {}
    partial_info: dict[str, list[dict]] = {}
    problems: dict[str, list[Problem]] = {a.id: [] for a in definitions.areas}
    for index, area in enumerate(definitions.areas):
        members: set[str] = set()
        notes[area.id] = []
        partial_info[area.id] = []
        for j, number in enumerate(area.stadtteile):
            found = by_stadtteil.get(number, [])
            if not found:
                problems[area.id].append(definitions.problem(index, ("stadtteile", j),
                                                    f"Stadtteil {number} ({STADTTEILE[number]}) hat keine "
                                                    f"Einheiten in den Daten"))
            members.update(found)
        for j, unit in enumerate(area.units):
            if unit not in known_units:
                problems[area.id].append(definitions.problem(index, ("units", j),
                                                    f"Einheit '{unit}' kommt in den Daten nicht vor"))
            members.add(unit)
        for j, part in enumerate(area.partial):
            in_stadtteil = by_stadtteil.get(part.stadtteil, [])
            listed = [u for u in part.units if u in known_units]
            name = STADTTEILE[part.stadtteil]
            info = {"stadtteil": part.stadtteil, "name": name, "note": part.note, "counted": "units"}
            if part.units and len(listed) == len(part.units):
                members.update(listed)
            elif not listed and len(in_stadtteil) == 1:
                # Data only per Stadtteil: the part cannot be separated.
                if part.at_stadtteil_level == "include":
                    members.update(in_stadtteil)
                    info["counted"] = "whole"
                    notes[area.id].append(
                        f"{name} gehört nur teilweise zum Gebiet ({part.note}); die Daten liegen nur für den "
                        f"ganzen Stadtteil vor, er ist hier vollständig mitgezählt.")
                else:
                    info["counted"] = "none"
                    notes[area.id].append(
                        f"{name} gehört nur teilweise zum Gebiet ({part.note}); die Daten liegen nur für den "
                        f"ganzen Stadtteil vor, er ist hier nicht mitgezählt.")
            else:
                missing = [u for u in part.units if u not in known_units]
                problems[area.id].append(definitions.problem(
                    index, ("partial", j, "units"),
                    f"Einheiten {', '.join(missing) or '(keine angegeben)'} von {name} kommen in den Daten "
                    f"nicht vor"))
            partial_info[area.id].append(info)
        if not members:
            problems[area.id].append(definitions.problem(index, ("id",),
                                                         f"Gebiet '{area.id}' enthält keine Einheit der Daten"))
        rows.extend((area.id, unit) for unit in sorted(members))
    table = pd.DataFrame(rows, columns=["area_id", "unit_id"])
    doubled = table[table.duplicated("unit_id", keep=False)]
    for unit, group in doubled.groupby("unit_id"):
        claimants = list(group["area_id"])
        for claimant in claimants:
            problems[claimant].append(definitions.problem(
                definitions.ids.index(claimant), ("id",),
                f"Einheit '{unit}' gehört zu mehreren Gebieten: {', '.join(claimants)}"))
    return Membership(table, notes, partial_info, {k: v for k, v in problems.items() if v})
