"""The 15 Sozialraumgebiete (``parameters/areas.yml``) and their resolution into statistical units.

An area is defined by whole Stadtteile, by single statistical units, and by Stadtteile it covers only
in part (listing the units of that part). Which units an area gets depends on the data: with data per
statistical unit the listed units are used exactly; with data only per Stadtteil, a partly covered
Stadtteil is either counted whole or left out (``at_stadtteil_level``), and every report names it.

Each area of ``areas.yml`` is checked on its own. A mistake in one area's definition (a Stadtteil that does
not exist, a typo in a key) makes that area a :class:`BrokenArea`: its reports fail with the problem, the
other areas are analysed. Mistakes that cannot be given to one area (the file's syntax, an entry without a
valid id, ids, codes or names used twice) stop everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ConfigurationError, DataValidationError, Problem
from .reference import STADTBEZIRKE, STADTTEILE
from .yamlfiles import AREA_ID_PATTERN, load_yaml, problem_at, validation_problems

PROGRAMME_ID = "programm"
"""Pseudo area id (and run folder name) of the programme as a whole: the reports once per run."""

AREA_ID = AREA_ID_PATTERN
"""What an area id looks like (lower case, digits, hyphens): it names folders and files."""


def _known_stadtteil(number: int) -> int:
    """``number`` if it is one of Cologne's 86 Stadtteile (checked per list element, so the error names its line)."""
    if number not in STADTTEILE:
        raise ValueError(f"Stadtteil {number} gibt es nicht in Köln")
    return number


def _known_stadtbezirk(number: int) -> int:
    """``number`` if it is one of Cologne's 9 Stadtbezirke."""
    if number not in STADTBEZIRKE:
        raise ValueError(f"Stadtbezirk {number} gibt es nicht (1 bis 9)")
    return number


StadtteilNumber = Annotated[int, AfterValidator(_known_stadtteil)]
StadtbezirkNumber = Annotated[int, AfterValidator(_known_stadtbezirk)]


class PartialStadtteil(BaseModel):
    """A Stadtteil of which the area covers only a part."""

    model_config = ConfigDict(extra="forbid")

    stadtteil: StadtteilNumber
    units: list[str] = []
    note: str
    at_stadtteil_level: Literal["include", "exclude"]
    """With data only per Stadtteil: count the whole Stadtteil ("include") or leave it out ("exclude")."""


class Area(BaseModel):
    """One Sozialraumgebiet."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=AREA_ID)
    code: str
    name: str
    other_names: list[str] = []
    stadtbezirk: StadtbezirkNumber
    since: int | None = None
    stadtteile: list[StadtteilNumber] = []
    units: list[str] = []
    partial: list[PartialStadtteil] = []
    note: str = ""

    @model_validator(mode="after")
    def _not_empty(self) -> "Area":
        if not (self.stadtteile or self.units or self.partial):
            raise ValueError("Gebiet ohne Stadtteile und ohne Einheiten")
        return self

    @property
    def stadtteil_numbers(self) -> list[int]:
        """All Stadtteile the area touches, whole or in part, in official order."""
        return sorted(set(self.stadtteile) | {p.stadtteil for p in self.partial})


class AreaFile(BaseModel):
    """The frame of ``areas.yml``: a non-empty list of areas (each area is validated on its own)."""

    model_config = ConfigDict(extra="forbid")

    areas: list[dict] = Field(min_length=1)


@dataclass(frozen=True)
class BrokenArea:
    """An area whose definition in ``areas.yml`` has problems: its reports fail with them, the others run.

    ``stadtteile``, ``units`` and ``partial`` are the parts of its definition that are valid by themselves:
    their units still belong to a programme area, so they stay out of other areas' comparison groups.
    """

    id: str
    name: str
    code: str
    other_names: tuple[str, ...]
    problems: tuple[Problem, ...]
    stadtteile: tuple[int, ...] = ()
    units: tuple[str, ...] = ()
    partial: tuple[tuple[int, tuple[str, ...], bool], ...] = ()
    """(Stadtteil, its listed units, counted whole with data per Stadtteil) per valid partial entry."""


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _broken_area(raw: dict, problems: list[Problem]) -> BrokenArea:
    """The identity and the valid parts of an area entry that failed validation."""
    numbers = raw.get("stadtteile")
    partial = []
    for part in raw.get("partial") or []:
        if isinstance(part, dict) and part.get("stadtteil") in STADTTEILE:
            partial.append((part["stadtteil"], _texts(part.get("units")), part.get("at_stadtteil_level") == "include"))
    name = raw.get("name")
    return BrokenArea(id=raw["id"], name=name if isinstance(name, str) and name else raw["id"],
                      code=str(raw.get("code") or ""), other_names=_texts(raw.get("other_names")),
                      problems=tuple(problems),
                      stadtteile=tuple(n for n in numbers if n in STADTTEILE) if isinstance(numbers, list) else (),
                      units=_texts(raw.get("units")), partial=tuple(partial))


@dataclass
class AreaDefinitions:
    """The areas as read from YAML, plus the file they came from (for error messages).

    ``areas`` are the valid areas, ``broken`` those whose definition has problems; ``ids`` lists both in the
    order of the file. The defaults keep datasets cached by earlier versions loadable.
    """

    areas: list[Area]
    path: str
    _node: object = None
    broken: tuple[BrokenArea, ...] = ()
    order: tuple[str, ...] = ()
    """Every area id in the order of the file (valid and broken)."""

    def _find(self, key: str) -> Area | BrokenArea | None:
        for area in [*self.areas, *self.broken]:
            if key in (area.id, area.code, area.name) or key in area.other_names:
                return area
        return None

    def get(self, area_id: str) -> Area:
        """The area with this id (or code, or name).

        An unknown area is a ConfigurationError listing the valid ids; a broken one raises its problems.
        """
        found = self._find(area_id)
        if isinstance(found, BrokenArea):
            raise DataValidationError(list(found.problems))
        if found is None:
            raise ConfigurationError(f"Unbekanntes Sozialraumgebiet '{area_id}'. Gültig: {', '.join(self.ids)}")
        return found

    def find_id(self, area_id: str) -> str:
        """The id of the area with this id, code or name, also of a broken one (its reports then fail)."""
        found = self._find(area_id)
        if found is None:
            raise ConfigurationError(f"Unbekanntes Sozialraumgebiet '{area_id}'. Gültig: {', '.join(self.ids)}")
        return found.id

    def name_of(self, area_id: str) -> str:
        """The name of an area (valid or broken) by its id."""
        found = self._find(area_id)
        return found.name if found is not None else area_id

    @property
    def ids(self) -> list[str]:
        """Every area id in the order of the file, broken areas included."""
        return list(self.order) if self.order else [a.id for a in self.areas]

    def position(self, area_id: str) -> int:
        """The area's position in the file's list (for the line of a problem)."""
        return self.ids.index(area_id)

    def programme_stadtteile(self) -> tuple[set[str], set[str]]:
        """Numbers (as text) of the Stadtteile wholly in some area, and of those only partly in any area."""
        whole = {str(n) for area in self.areas for n in area.stadtteile}
        partial = {str(p.stadtteil) for area in self.areas for p in area.partial} - whole
        return whole, partial

    def problem(self, index: int, key: tuple, reason: str) -> Problem:
        return problem_at(self.path, self._node, ("areas", index, *key), reason)


def _duplicates(path: str | Path, node: object, entries: list[Area | BrokenArea]) -> list[Problem]:
    """Ids, codes and names used by two areas: they cannot be told apart, so this concerns the whole file."""
    problems = []
    for attribute in ("id", "code", "name"):
        values = [getattr(a, attribute) for a in entries if getattr(a, attribute)]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            problems.append(problem_at(path, node, ("areas",),
                                       f"doppelte Gebiets-{attribute}: {', '.join(map(str, duplicates))}"))
    return problems


def load_areas(path: str | Path) -> AreaDefinitions:
    """Read ``areas.yml``; every problem names the line and key of the bad value.

    Problems inside one area's entry make it a :class:`BrokenArea`; problems of the whole file raise one
    DataValidationError listing all of them.
    """
    data, node = load_yaml(path)
    try:
        frame = AreaFile.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, path, node)) from exc
    areas: list[Area] = []
    broken: list[BrokenArea] = []
    order: list[str] = []
    shared: list[Problem] = []
    for index, raw in enumerate(frame.areas):
        try:
            area = Area.model_validate(raw)
        except ValidationError as exc:
            problems = validation_problems(exc, path, node, ("areas", index))
            ident = raw.get("id")
            if not (isinstance(ident, str) and re.match(AREA_ID, ident)):
                shared += problems  # without a valid id the problem belongs to no area
                continue
            broken.append(_broken_area(raw, problems))
            order.append(ident)
            continue
        areas.append(area)
        order.append(area.id)
    shared += _duplicates(path, node, [*areas, *broken])
    if shared:
        raise DataValidationError(shared)
    return AreaDefinitions(areas, str(path), node, tuple(broken), tuple(order))


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
    problems: dict[str, list[Problem]] = {a: [] for a in definitions.ids}
    for area in definitions.areas:
        index = definitions.position(area.id)
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
    for area in definitions.broken:
        problems[area.id].extend(area.problems)
        notes[area.id], partial_info[area.id] = [], []
        rows.extend((area.id, unit) for unit in sorted(_valid_units(area, by_stadtteil, known_units)))
    table = pd.DataFrame(rows, columns=["area_id", "unit_id"])
    doubled = table[table.duplicated("unit_id", keep=False)]
    for unit, group in doubled.groupby("unit_id"):
        claimants = list(group["area_id"])
        for claimant in claimants:
            problems[claimant].append(definitions.problem(
                definitions.position(claimant), ("id",),
                f"Einheit '{unit}' gehört zu mehreren Gebieten: {', '.join(claimants)}"))
    return Membership(table, notes, partial_info, {k: v for k, v in problems.items() if v})


def _valid_units(area: BrokenArea, by_stadtteil: dict, known_units: set[str]) -> set[str]:
    """The units the valid parts of a broken area's definition name (they belong to a programme area)."""
    members = {u for number in area.stadtteile for u in by_stadtteil.get(number, [])}
    members |= {u for u in area.units if u in known_units}
    for number, units, whole in area.partial:
        listed = {u for u in units if u in known_units}
        members |= listed or (set(by_stadtteil.get(number, [])) if whole else set())
    return members
