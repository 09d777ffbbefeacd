"""The 15 Sozialraumgebiete (``parameters/areas.yml``) and their resolution into statistical units.

An area is defined by whole Stadtteile, by single statistical units, and by Stadtteile it covers only
in part (listing the units of that part). Which units an area gets depends on the data: with data per
statistical unit the listed units are used exactly; with data only per Stadtteil, a partly covered
Stadtteil is either counted whole or left out (``at_stadtteil_level``), and every report names it.

Each area of ``areas.yml`` is checked on its own. A mistake in one area's definition (a Stadtteil that does
not exist, a typo in a key) makes that area a :class:`BrokenArea`: its reports fail with the problem, the
other areas are analysed. Mistakes that cannot be given to one area (the file's syntax, an entry without a
valid id, codes or names used by two areas) stop everything.

Areas change over time: an area id may have several definitions (Gebietszuschnitte), each with
``valid_from``/``valid_to`` (years, inclusive, empty = open), that must not overlap. A report uses one
definition per area for all its years (:meth:`AreaDefinitions.select`): the one valid in a chosen year
(``analysis.area_definition_year`` of ``run.yml``, by default the report year), so that a time series never mixes
two cuts; a change of definition inside a report's period is said in a sentence
(:meth:`AreaDefinitions.versions_between`).

Stadtteile and Stadtbezirke are the lowest and the highest level of the city's spatial reference
(``raumbezug.yml`` next to ``areas.yml``, :mod:`veedel_lib.params.reference`); keys and names are checked against it,
so the same file format describes the areas of any city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from ..errors import ConfigurationError, DataValidationError, Problem
from .reference import Key, SpatialReference, default_reference, reference_for
from .yamlfiles import AREA_ID_PATTERN, load_yaml, problem_at, validation_problems

PROGRAMME_ID = "programm"
"""Pseudo area id (and run folder name) of the programme as a whole: the reports once per run."""

AREA_ID = AREA_ID_PATTERN
"""What an area id looks like (lower case, digits, hyphens): it names folders and files."""


def _reference(info: ValidationInfo | None) -> SpatialReference:
    """The spatial reference the areas are checked against: the validation context's, else the project's."""
    context = info.context if info is not None else None
    found = (context or {}).get("reference")
    return found if found is not None else default_reference()


def _known_stadtteil(value: Key, info: ValidationInfo) -> Key:
    """The key of a unit of the lowest level (Cologne: one of the 86 Stadtteile), given by key or name; checked
    per list element, so the error names its line."""
    reference = _reference(info)
    key = reference.base.resolve(value)
    if key is None:
        raise ValueError(reference.base.ambiguity(value) or f"{reference.base.name} {value} gibt es nicht in "
                                                             f"{reference.city}")
    return key


def _known_stadtbezirk(value: Key, info: ValidationInfo) -> Key:
    """The key of a unit of the highest level (Cologne: one of the 9 Stadtbezirke)."""
    reference = _reference(info)
    key = reference.top.resolve(value)
    if key is None:
        raise ValueError(reference.top.ambiguity(value) or f"{reference.top.name} {value} gibt es nicht in "
                                                           f"{reference.city}")
    return key


StadtteilNumber = Annotated[int | str, AfterValidator(_known_stadtteil)]
StadtbezirkNumber = Annotated[int | str, AfterValidator(_known_stadtbezirk)]


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
    stadtbezirk: StadtbezirkNumber | None = None
    """The district (highest level of the reference); required unless the reference has a single level."""
    since: int | None = None
    """First year of the area in the programme (not of its current cut, see ``valid_from``)."""
    valid_from: int | None = None
    """First year of this definition (Gebietszuschnitt); None = open."""
    valid_to: int | None = None
    """Last year of this definition; None = open."""
    stadtteile: list[StadtteilNumber] = []
    units: list[str] = []
    partial: list[PartialStadtteil] = []
    note: str = ""

    @model_validator(mode="after")
    def _not_empty(self, info: ValidationInfo) -> "Area":
        if not (self.stadtteile or self.units or self.partial):
            raise ValueError("Gebiet ohne Stadtteile und ohne Einheiten")
        reference = _reference(info)
        if self.stadtbezirk is None and len(reference.levels) > 1:
            raise ValueError(f"Angabe stadtbezirk fehlt ({reference.top.name} des Gebiets)")
        if self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} liegt vor valid_from {self.valid_from}")
        return self

    def valid_in(self, year: int | None) -> bool:
        """Whether this definition holds in ``year`` (None: any year)."""
        return year is None or ((self.valid_from is None or self.valid_from <= year)
                                and (self.valid_to is None or year <= self.valid_to))

    @property
    def period(self) -> str:
        """The definition's validity in words: "gültig ab 2022", "gültig bis 2021", "gültig 2020 bis 2021",
        "ohne zeitliche Begrenzung"."""
        return period_text(self.valid_from, self.valid_to)

    @property
    def stadtteil_numbers(self) -> list[int]:
        """All Stadtteile the area touches, whole or in part, in official order."""
        return sorted(set(self.stadtteile) | {p.stadtteil for p in self.partial})


class AreaFile(BaseModel):
    """The frame of ``areas.yml``: the list of areas (each area is validated on its own).

    An empty list (``areas: []``) is a programme without areas yet: a run then makes the reports that need no area
    (the Sozialindex) and says so (:func:`veedel_lib.reports.registry.without_areas`)."""

    model_config = ConfigDict(extra="forbid")

    areas: list[dict]


def period_text(valid_from: int | None, valid_to: int | None) -> str:
    """A validity period in words (see :attr:`Area.period`)."""
    if valid_from is None and valid_to is None:
        return "ohne zeitliche Begrenzung"
    if valid_to is None:
        return f"gültig ab {valid_from}"
    if valid_from is None:
        return f"gültig bis {valid_to}"
    return f"gültig {valid_from} bis {valid_to}" if valid_from != valid_to else f"gültig {valid_from}"


def _overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    start = max(a[0] if a[0] is not None else -10**6, b[0] if b[0] is not None else -10**6)
    end = min(a[1] if a[1] is not None else 10**6, b[1] if b[1] is not None else 10**6)
    return start <= end


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
    valid_from: int | None = None
    valid_to: int | None = None

    def valid_in(self, year: int | None) -> bool:
        return year is None or ((self.valid_from is None or self.valid_from <= year)
                                and (self.valid_to is None or year <= self.valid_to))


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _year(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _broken_area(raw: dict, problems: list[Problem], reference: SpatialReference) -> BrokenArea:
    """The identity and the valid parts of an area entry that failed validation."""
    numbers = raw.get("stadtteile")
    base = reference.base
    partial = []
    for part in raw.get("partial") or []:
        key = base.resolve(part.get("stadtteil")) if isinstance(part, dict) else None
        if key is not None:
            partial.append((key, _texts(part.get("units")), part.get("at_stadtteil_level") == "include"))
    name = raw.get("name")
    keys = [base.resolve(n) for n in numbers] if isinstance(numbers, list) else []
    return BrokenArea(id=raw["id"], name=name if isinstance(name, str) and name else raw["id"],
                      code=str(raw.get("code") or ""), other_names=_texts(raw.get("other_names")),
                      problems=tuple(problems), stadtteile=tuple(k for k in keys if k is not None),
                      units=_texts(raw.get("units")), partial=tuple(partial),
                      valid_from=_year(raw.get("valid_from")), valid_to=_year(raw.get("valid_to")))


@dataclass
class AreaDefinitions:
    """The areas as read from YAML, plus the file they came from (for error messages).

    ``areas`` are the valid areas, ``broken`` those whose definition has problems; ``ids`` lists both in the
    order of the file. With several definitions per area (``valid_from``/``valid_to``), these are the ones
    selected for :attr:`definition_year` (None: the newest of each area); ``entries`` keeps every definition
    of the file, so :meth:`select` can choose those of another year. The defaults keep datasets cached by
    earlier versions loadable.
    """

    areas: list[Area]
    path: str
    _node: object = None
    broken: tuple[BrokenArea, ...] = ()
    order: tuple[str, ...] = ()
    """Every area id in the order of the file (valid and broken)."""
    entries: tuple[tuple[int, Area | BrokenArea], ...] = ()
    """Every definition of the file with the position of its entry (several per area id are allowed)."""
    definition_year: int | None = None
    """The year whose definitions are selected; None: the newest definition of each area."""
    reference: SpatialReference | None = None
    """The spatial reference the keys were checked against (``raumbezug.yml`` next to ``areas.yml``)."""
    selected_entry: dict[str, int] = field(default_factory=dict)
    """Area id -> position of the selected definition's entry in the file (for the line of a problem)."""

    def _find(self, key: str) -> Area | BrokenArea | None:
        for area in [*self.areas, *self.broken]:
            if key in (area.id, area.code, area.name) or key in area.other_names:
                return area
        for _, entry in self.entries:  # a name of another definition of the same area (e.g. its former name)
            if key in (entry.name, *entry.other_names):
                return next((a for a in [*self.areas, *self.broken] if a.id == entry.id), None)
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
        """The position of the area's (selected) entry in the file's list (for the line of a problem)."""
        if area_id in self.selected_entry:
            return self.selected_entry[area_id]
        return self.ids.index(area_id)

    def programme_stadtteile(self) -> tuple[set[str], set[str]]:
        """Numbers (as text) of the Stadtteile wholly in some area, and of those only partly in any area."""
        whole = {str(n) for area in self.areas for n in area.stadtteile}
        partial = {str(p.stadtteil) for area in self.areas for p in area.partial} - whole
        return whole, partial

    def problem(self, index: int, key: tuple, reason: str) -> Problem:
        return problem_at(self.path, self._node, ("areas", index, *key), reason)

    # ------------------------------------------------------------------ definitions over time
    def versions(self, area_id: str) -> list[Area]:
        """Every valid definition of an area, oldest first."""
        found = [entry for _, entry in self.entries if entry.id == area_id and isinstance(entry, Area)]
        return sorted(found, key=lambda a: a.valid_from if a.valid_from is not None else -10**6)

    def versions_between(self, area_id: str, first: int, last: int) -> list[Area]:
        """The definitions of an area that hold in some year from ``first`` to ``last``: more than one means
        the area was cut differently inside that period (a report says so)."""
        return [a for a in self.versions(area_id) if _overlap((a.valid_from, a.valid_to), (first, last))]

    @property
    def has_versions(self) -> bool:
        """True when some area has more than one definition."""
        ids = [entry.id for _, entry in self.entries]
        return len(ids) != len(set(ids))

    def select(self, year: int | None) -> "AreaDefinitions":
        """The definitions valid in ``year`` (one per area; None: the newest of each); self if already selected.

        An area without a definition for ``year`` becomes a :class:`BrokenArea` whose problem names the years
        its definitions hold (its reports fail; choose another year with ``analysis.area_definition_year``).
        """
        if year == self.definition_year or not self.entries:
            return self
        return _selection(self.entries, year, self.path, self._node, self.reference)


def _newest(versions: list[tuple[int, Area | BrokenArea]]) -> tuple[int, Area | BrokenArea]:
    """The definition that holds longest into the future (open end first, then the latest start)."""
    return max(versions, key=lambda v: (v[1].valid_to is None, v[1].valid_to or 0,
                                        v[1].valid_from if v[1].valid_from is not None else -10**6))


def _as_broken(area: Area, problems: tuple[Problem, ...]) -> BrokenArea:
    """A valid definition turned into a broken area (its units stay out of other areas' comparison groups)."""
    return BrokenArea(id=area.id, name=area.name, code=area.code, other_names=tuple(area.other_names),
                      problems=problems, stadtteile=tuple(area.stadtteile), units=tuple(area.units),
                      partial=tuple((p.stadtteil, tuple(p.units), p.at_stadtteil_level == "include")
                                    for p in area.partial),
                      valid_from=area.valid_from, valid_to=area.valid_to)


def _selection(entries: tuple[tuple[int, Area | BrokenArea], ...], year: int | None, path: str, node: object,
               reference: SpatialReference | None) -> AreaDefinitions:
    """One definition per area id (see :meth:`AreaDefinitions.select`)."""
    by_id: dict[str, list[tuple[int, Area | BrokenArea]]] = {}
    for index, entry in entries:
        by_id.setdefault(entry.id, []).append((index, entry))
    areas: list[Area] = []
    broken: list[BrokenArea] = []
    chosen: dict[str, int] = {}
    for area_id, versions in by_id.items():
        faulty = [entry for _, entry in versions if isinstance(entry, BrokenArea)]
        holding = [v for v in versions if v[1].valid_in(year)] if year is not None else [_newest(versions)]
        if faulty:  # a mistake in any definition of an area stops that area, whichever year is chosen
            index, entry = holding[0] if holding else versions[0]
            problems = tuple(p for bad in faulty for p in bad.problems)
            broken.append(replace(entry, problems=problems) if isinstance(entry, BrokenArea)
                          else _as_broken(entry, problems))
            chosen[area_id] = index
            continue
        if not holding:
            index, newest = _newest(versions)
            periods = "; ".join(v.period for _, v in sorted(versions, key=lambda v: v[1].valid_from or -10**6))
            broken.append(_as_broken(newest, (problem_at(path, node, ("areas", index, "valid_from"),
                                                          f"Für {year} gibt es keinen Gebietszuschnitt von "
                                                          f"'{area_id}' (Zuschnitte: {periods}); bitte in run.yml "
                                                          "analysis.area_definition_year ein Jahr wählen, für das "
                                                          "es einen gibt"),)))
            chosen[area_id] = index
            continue
        index, entry = holding[0]
        areas.append(entry)
        chosen[area_id] = index
    return AreaDefinitions(areas, path, node, tuple(broken), tuple(by_id), entries, year, reference, chosen)


def _duplicates(path: str | Path, node: object, entries: list[Area | BrokenArea]) -> list[Problem]:
    """Codes and names used by two different areas: they cannot be told apart, so this concerns the whole file.

    Several definitions of the same area (same id) may share code and names.
    """
    problems = []
    for attribute in ("code", "name"):
        owners: dict[str, set[str]] = {}
        for entry in entries:
            value = getattr(entry, attribute)
            if value:
                owners.setdefault(value, set()).add(entry.id)
        duplicates = sorted(v for v, ids in owners.items() if len(ids) > 1)
        if duplicates:
            problems.append(problem_at(path, node, ("areas",),
                                       f"doppelte Gebiets-{attribute}: {', '.join(map(str, duplicates))}"))
    return problems


def _overlapping(path: str | Path, node: object, entries: list[tuple[int, Area | BrokenArea]]
                 ) -> dict[int, list[Problem]]:
    """Definitions of the same area whose periods overlap: problems per entry position (the area is broken)."""
    problems: dict[int, list[Problem]] = {}
    for i, (index, entry) in enumerate(entries):
        for other_index, other in entries[i + 1:]:
            if other.id == entry.id and _overlap((entry.valid_from, entry.valid_to), (other.valid_from, other.valid_to)):
                line = problem_at(path, node, ("areas", index), "").row
                problems.setdefault(other_index, []).append(problem_at(
                    path, node, ("areas", other_index, "valid_from"),
                    f"zwei Zuschnitte von '{entry.id}' gelten zugleich ({entry.period}, Eintrag Zeile {line}; "
                    f"{other.period}): valid_from/valid_to dürfen sich nicht überschneiden"))
    return problems


def load_areas(path: str | Path, reference: SpatialReference | None = None) -> AreaDefinitions:
    """Read ``areas.yml``; every problem names the line and key of the bad value.

    Keys and names of Stadtteile and Stadtbezirke are checked against ``reference`` (default: ``raumbezug.yml``
    in the same folder, else the project's). Problems inside one area's entry make it a :class:`BrokenArea`;
    problems of the whole file raise one DataValidationError listing all of them. The newest definition of
    each area is selected (see :meth:`AreaDefinitions.select`).
    """
    reference = reference if reference is not None else reference_for(Path(path).parent)
    data, node = load_yaml(path)
    try:
        frame = AreaFile.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, path, node)) from exc
    entries: list[tuple[int, Area | BrokenArea]] = []
    shared: list[Problem] = []
    for index, raw in enumerate(frame.areas):
        try:
            area = Area.model_validate(raw, context={"reference": reference})
        except ValidationError as exc:
            problems = validation_problems(exc, path, node, ("areas", index))
            ident = raw.get("id")
            if not (isinstance(ident, str) and re.match(AREA_ID, ident)):
                shared += problems  # without a valid id the problem belongs to no area
                continue
            entries.append((index, _broken_area(raw, problems, reference)))
            continue
        entries.append((index, area))
    shared += _duplicates(path, node, [entry for _, entry in entries])
    if shared:
        raise DataValidationError(shared)
    overlapping = _overlapping(path, node, entries)
    entries = [(index, _as_broken(entry, tuple(overlapping[index])) if index in overlapping and isinstance(entry, Area)
                else entry) for index, entry in entries]
    return _selection(tuple(entries), None, str(path), node, reference)


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


def _members(area: Area, index: int, definitions: AreaDefinitions, by_stadtteil: dict, known_units: set[str],
             reference: SpatialReference) -> tuple[set[str], list[str], list[dict], list[Problem]]:
    """The units of one area definition, with the notes on partly covered Stadtteile and the problems."""
    base = reference.base
    whole = f"{base.article('the', 'acc')} {'ganzen' if base.gender == 'm' else 'ganze'} {base.name}"
    pronoun = base.pronoun
    members: set[str] = set()
    notes: list[str] = []
    partial_info: list[dict] = []
    problems: list[Problem] = []
    for j, number in enumerate(area.stadtteile):
        found = by_stadtteil.get(number, [])
        if not found:
            problems.append(definitions.problem(index, ("stadtteile", j),
                                                f"{base.name} {number} ({base.name_of(number)}) hat keine "
                                                f"Einheiten in den Daten"))
        members.update(found)
    for j, unit in enumerate(area.units):
        if unit not in known_units:
            problems.append(definitions.problem(index, ("units", j), f"Einheit '{unit}' kommt in den Daten nicht vor"))
        members.add(unit)
    for j, part in enumerate(area.partial):
        in_stadtteil = by_stadtteil.get(part.stadtteil, [])
        listed = [u for u in part.units if u in known_units]
        name = base.name_of(part.stadtteil)
        info = {"stadtteil": part.stadtteil, "name": name, "note": part.note, "counted": "units"}
        if part.units and len(listed) == len(part.units):
            members.update(listed)
        elif not listed and len(in_stadtteil) == 1:
            # Data only per Stadtteil: the part cannot be separated.
            if part.at_stadtteil_level == "include":
                members.update(in_stadtteil)
                info["counted"] = "whole"
                notes.append(f"{name} gehört nur teilweise zum Gebiet ({part.note}); die Daten liegen nur für "
                             f"{whole} vor, {pronoun} ist hier vollständig mitgezählt.")
            else:
                info["counted"] = "none"
                notes.append(f"{name} gehört nur teilweise zum Gebiet ({part.note}); die Daten liegen nur für "
                             f"{whole} vor, {pronoun} ist hier nicht mitgezählt.")
        else:
            missing = [u for u in part.units if u not in known_units]
            problems.append(definitions.problem(
                index, ("partial", j, "units"),
                f"Einheiten {', '.join(missing) or '(keine angegeben)'} von {name} kommen in den Daten nicht vor"))
        partial_info.append(info)
    if not members:
        problems.append(definitions.problem(index, ("id",), f"Gebiet '{area.id}' enthält keine Einheit der Daten"))
    return members, notes, partial_info, problems


def _by_stadtteil(units: pd.DataFrame) -> dict:
    return units.groupby("stadtteil_nr", sort=False)["unit_id"].apply(list).to_dict()


def definition_units(definitions: AreaDefinitions, area: Area, units: pd.DataFrame) -> set[str]:
    """The units one definition of an area takes from a dataset (to say what changed between two definitions)."""
    reference = definitions.reference or default_reference()
    members, *_ = _members(area, 0, definitions, _by_stadtteil(units), set(units["unit_id"]), reference)
    return members


def resolve_membership(definitions: AreaDefinitions, units: pd.DataFrame,
                       reference: SpatialReference | None = None) -> Membership:
    """Map every area onto the units of a dataset (``units`` has unit_id and stadtteil_nr).

    Records problems (naming the areas.yml line) per area for units that do not exist, areas that end
    up empty, and units claimed by two areas (they would be counted twice in programme totals).
    """
    reference = reference or definitions.reference or default_reference()
    by_stadtteil = _by_stadtteil(units)
    known_units = set(units["unit_id"])
    rows: list[tuple[str, str]] = []
    notes: dict[str, list[str]] = {}
    partial_info: dict[str, list[dict]] = {}
    problems: dict[str, list[Problem]] = {a: [] for a in definitions.ids}
    for area in definitions.areas:
        index = definitions.position(area.id)
        members, notes[area.id], partial_info[area.id], found = _members(area, index, definitions, by_stadtteil,
                                                                         known_units, reference)
        problems[area.id].extend(found)
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
