"""The city's spatial reference (``parameters/raumbezug.yml``): its levels and their units, as data.

Cologne has two levels, 9 Stadtbezirke above 86 Stadtteile; another city may have Bezirke, Bezirksregionen and
Planungsräume, or statistical districts only. The file names the levels from top to bottom (their German names
are what the reports print), and every unit of every level with its key, its name, the other spellings the
city's files use, its parent unit and the years it is valid (``valid_from``/``valid_to``, inclusive, empty =
open). The statistical units below the lowest level come from the data's ``units.csv``, which names each
unit's unit on every level.

Names differ between files ("Altstadt/Süd", "Altstadt-Süd", "101 / Altstadt/Süd"), so every join goes through
:meth:`Level.resolve`, which accepts a key or any spelling of the name. The module functions
:func:`stadtteil_number`, :func:`stadtbezirk_number` and :func:`stadtbezirk_of` do the same on the project's own
reference (the lowest and the highest level of ``parameters/raumbezug.yml``); the pipeline itself uses the
reference of the parameters folder it runs with (``Dataset.reference``). ``STADTTEILE`` and ``STADTBEZIRKE``
remain as read-only mappings (key -> name) of the project's reference, for Cologne-specific code such as the
importers of the city's open data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from ..errors import DataValidationError, Problem
from .yamlfiles import CATALOGUE_ID_PATTERN, load_yaml, parse_model, problem_at

FILE_NAME = "raumbezug.yml"

Key = int | str
"""A unit's key as the reference file writes it: a whole number (Cologne's 101) or a text ("N1-01", "01")."""

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_key(name: str) -> str:
    """Reduce a place name to a comparison key: lower case, umlauts spelled out, no punctuation or spaces.

    "Altstadt/Süd", "Altstadt-Süd" and "altstadt sued" all give "altstadtsued".
    """
    text = unicodedata.normalize("NFC", str(name)).strip().lower().translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]", "", text)


# ----------------------------------------------------------------------------- the file

class NounSpec(BaseModel):
    """A noun the reports inflect, as the file writes it: the programme's word for its areas, a level's name."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    plural: str = Field(min_length=1)
    gender: Literal["m", "f", "n"] = "n"
    genitive: str | None = None
    dative_plural: str | None = None


class LevelSpec(NounSpec):
    """One level of the city (e.g. Stadtteil) as the file describes it: its id and its name as a noun."""

    id: str = Field(pattern=CATALOGUE_ID_PATTERN)
    gender: Literal["m", "f", "n"] = "m"


class UnitSpec(BaseModel):
    """One unit of a level: key, name, other spellings, parent unit and validity in years."""

    model_config = ConfigDict(extra="forbid")

    key: StrictInt | str
    name: str = Field(min_length=1)
    other_names: list[str] = []
    parent: StrictInt | str | None = None
    valid_from: int | None = None
    valid_to: int | None = None

    @model_validator(mode="after")
    def _period(self) -> "UnitSpec":
        if isinstance(self.key, str) and not self.key.strip():
            raise ValueError("Schlüssel ist leer")
        if self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} liegt vor valid_from {self.valid_from}")
        return self

    def valid_in(self, year: int | None) -> bool:
        """Whether the unit exists in ``year`` (None: at any time)."""
        if year is None:
            return True
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)


class ProgrammeSpec(BaseModel):
    """The programme's name as the reports print it: short (page headers) and full (the Jahresbericht's text)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    full_name: str | None = None
    resolution: str | None = None
    """The decision that set up the areas, as the reports cite it: "Ratsbeschluss vom 12.12.2019"."""
    since: int | None = None
    """The first year of the programme with its present areas (Cologne: 2020)."""


DEFAULT_AREA_TERM = NounSpec(name="Sozialraumgebiet", plural="Sozialraumgebiete", gender="n")
"""The word for the programme's areas when the file names none (files of runs from before the profile)."""


class ReferenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: str = Field(min_length=1)
    adjective: str = ""
    publisher: str | None = None
    programme: ProgrammeSpec | None = None
    area_term: NounSpec = DEFAULT_AREA_TERM
    map_source: str | None = None
    levels: list[LevelSpec] = Field(min_length=1)
    units: dict[str, list[UnitSpec]]


# ----------------------------------------------------------------------------- German grammar of a level

_ARTICLES = {
    "the": {"nom": {"m": "der", "f": "die", "n": "das"}, "acc": {"m": "den", "f": "die", "n": "das"},
            "dat": {"m": "dem", "f": "der", "n": "dem"}, "gen": {"m": "des", "f": "der", "n": "des"}},
    "a": {"nom": {"m": "ein", "f": "eine", "n": "ein"}, "acc": {"m": "einen", "f": "eine", "n": "ein"},
          "dat": {"m": "einem", "f": "einer", "n": "einem"}, "gen": {"m": "eines", "f": "einer", "n": "eines"}},
    "no": {"nom": {"m": "kein", "f": "keine", "n": "kein"}, "acc": {"m": "keinen", "f": "keine", "n": "kein"}},
    "every": {"nom": {"m": "jeder", "f": "jede", "n": "jedes"}, "acc": {"m": "jeden", "f": "jede", "n": "jedes"}},
}


class _Grammar:
    """German grammar of a noun with ``name``, ``genitive_name``, ``gender``: its articles, phrases, adjective
    endings and pronoun (shared by the levels and the programme's word for its areas)."""

    name: str
    genitive_name: str
    gender: str

    def article(self, kind: str = "the", case: str = "nom") -> str:
        """The article of the level's noun: ``article("the", "acc")`` gives "den" for Stadtteil, "die" for
        Bezirksregion; kinds "the", "a", "no" (kein), "every" (jeder)."""
        return _ARTICLES[kind][case][self.gender]

    def phrase(self, kind: str = "the", case: str = "nom") -> str:
        """Article and noun: "den Stadtteil", "einer Bezirksregion", "jeder Stadtteil"."""
        noun = self.genitive_name if case == "gen" else self.name
        return f"{self.article(kind, case)} {noun}"

    def inflect(self, stem: str) -> str:
        """An adjective before the level's noun without article: "Unbekannt" -> "Unbekannter" (Stadtteil),
        "Unbekannte" (Bezirksregion), "Unbekanntes" (Gebiet)."""
        return stem + {"m": "er", "f": "e", "n": "es"}[self.gender]

    def within(self) -> str:
        """The noun after "in" (dative, contracted as German writes it): "im Stadtbezirk", "in der Bezirksregion"."""
        return f"im {self.name}" if self.gender in ("m", "n") else f"in der {self.name}"

    @property
    def pronoun(self) -> str:
        """The personal pronoun for the level's noun: "er" (der Stadtteil), "sie" (die Bezirksregion), "es"."""
        return {"m": "er", "f": "sie", "n": "es"}[self.gender]


@dataclass(frozen=True)
class Noun(_Grammar):
    """A noun of the reports' texts with its forms: the programme's word for its areas ("Sozialraumgebiet")."""

    name: str
    plural: str
    gender: str
    genitive_name: str
    dative_plural_name: str


def _noun_forms(name: str, plural: str, gender: str, genitive: str | None, dative_plural: str | None) -> tuple[str, str]:
    """Genitive singular and dative plural by the rule (+s, +n) unless the file gives them."""
    return (genitive or (name if gender == "f" else f"{name}s"),
            dative_plural or (plural if plural.endswith(("n", "s")) else f"{plural}n"))


@dataclass(frozen=True, eq=False)
class Level(_Grammar):
    """One level of the spatial reference at run time: its names and its units, keyed by their key."""

    id: str
    name: str
    plural: str
    gender: str
    units: dict[Key, UnitSpec]
    parent_level: str | None
    genitive_name: str
    dative_plural_name: str
    _names: dict[str, list[Key]] = field(default_factory=dict, repr=False)
    _text_keys: dict[str, Key] = field(default_factory=dict, repr=False)
    _display: dict[Key, str] = field(default_factory=dict, repr=False)
    """Display name per key where the official name alone is ambiguous (see :func:`display_names`)."""

    # ---------------------------------------------------------------- lookups
    @cached_property
    def numeric(self) -> bool:
        """True when every key of the level is a whole number (Cologne's Stadtteile 101 to 909); asked for every
        key looked up, so computed once (the units of a level never change)."""
        return all(isinstance(k, int) for k in self.units)

    def keys(self, year: int | None = None) -> list[Key]:
        """The keys of the units valid in ``year`` (None: all), in the order of the file."""
        return [k for k, unit in self.units.items() if unit.valid_in(year)]

    def valid_in(self, key: Key, year: int | None) -> bool:
        """Whether the unit ``key`` exists in ``year``."""
        unit = self.units.get(key)
        return unit is not None and unit.valid_in(year)

    def name_of(self, key: object, default: str | None = None) -> str:
        """The name of the unit with this key (or text of a key) as every table, map and list shows it: the official
        name, with its parent's name where another unit of the level shares it ("Neustadt (Nord)", see
        :func:`display_names`); ``default`` (else the key as text) if unknown."""
        found = self.key_of(key)
        if found is None:
            return default if default is not None else str(key)
        return self._display.get(found, self.units[found].name)

    def label(self, key: object) -> str:
        """Key and name, as reports list units: "101 Altstadt-Süd"."""
        found = self.key_of(key)
        return f"{found} {self.name_of(found)}" if found is not None else str(key)

    def key_of(self, value: object) -> Key | None:
        """The key for a key or its text ("101" -> 101): exact keys only, no names (see :meth:`resolve`)."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int) or (isinstance(value, str) and value in self.units):
            return value if value in self.units else None
        text = str(value).strip()
        if text in self._text_keys:
            return self._text_keys[text]
        if self.numeric and re.fullmatch(r"0*\d+(\.0+)?", text):
            number = int(float(text))
            return number if number in self.units else None
        return None

    def _key_candidates(self, text: str) -> list[str]:
        """Texts that may be the key at the start of "101 / Altstadt/Süd", "101-Altstadt" or "N1-01 Nordpark"."""
        if self.numeric:
            match = re.match(r"^0*(\d+)\s*[/\-–:]", text)
            return [match.group(1)] if match else []
        return [re.split(r"\s+[/\-–:]\s+", text, maxsplit=1)[0], text.split()[0]]

    def resolve(self, value: object) -> Key | None:
        """The key for a key, a name in any spelling, or a "101 / Altstadt/Süd" style text; None if it names no
        unit of this level, or several (:meth:`ambiguity` says which). Numbers may carry leading zeros or a
        trailing ".0" (as spreadsheets write them)."""
        matches = self.matches(value)
        return matches[0] if len(matches) == 1 else None

    def matches(self, value: object) -> list[Key]:
        """Every unit a key, a name in any spelling or a "101 / Altstadt/Süd" style text may mean: one key, none,
        or several where units valid at the same time share the name (keys always win over names). Units of the
        same name that follow one another in time (a unit re-cut under its name) count as one: the first."""
        if value is None or isinstance(value, bool):
            return []
        if isinstance(value, float) and value == int(value):
            value = int(value)
        found = self.key_of(value)
        if found is not None:
            return [found]
        text = str(value).strip()
        for candidate in self._key_candidates(text) if text else []:
            found = self.key_of(candidate)
            if found is not None:
                return [found]
        candidates = self._names.get(name_key(text), []) if text else []
        if len(candidates) > 1 and not any(_overlap(self.units[a], self.units[b])
                                           for i, a in enumerate(candidates) for b in candidates[i + 1:]):
            return candidates[:1]
        return list(candidates)

    def ambiguity(self, value: object) -> str | None:
        """German reason when ``value`` is a name several units share, naming them ("'Neustadt' ist mehrdeutig:
        Planungsraum 010101 Neustadt (Nord) oder 020101 Neustadt (Süd); bitte den Schlüssel angeben"); else None."""
        matches = self.matches(value)
        if len(matches) < 2:
            return None
        listed = " oder ".join(f"{self.name} {self.label(k)}" for k in matches)
        return f"'{value}' ist mehrdeutig: {listed}; bitte den Schlüssel angeben"


@dataclass(frozen=True, eq=False)
class SpatialReference:
    """All levels of the city, top (Bezirke) to bottom (the level the Sozialindex ranks)."""

    city: str
    adjective: str
    levels: tuple[Level, ...]
    path: str
    profile: "CityProfile | None" = None

    def level(self, level_id: str) -> Level:
        return next(level for level in self.levels if level.id == level_id)

    @property
    def base(self) -> Level:
        """The lowest level (Cologne: Stadtteil): the units of the Sozialindex and of the position charts."""
        return self.levels[-1]

    @property
    def top(self) -> Level:
        """The highest level (Cologne: Stadtbezirk): the districts of the Bezirk reports and of the areas."""
        return self.levels[0]

    @property
    def middle(self) -> tuple[Level, ...]:
        """The levels between the highest and the lowest (none in Cologne)."""
        return self.levels[1:-1]

    def city_adjective(self) -> str:
        """"Kölner" (an invariable city adjective) or "" when the file names none."""
        return self.adjective

    def of_city(self, plural: str) -> str:
        """A plural noun of the city: "Kölner Stadtteile", or "Planungsräume in Flussstadt" without an adjective."""
        return f"{self.adjective} {plural}" if self.adjective else f"{plural} in {self.city}"

    def ancestor(self, key: Key, level_id: str, from_level: str | None = None) -> Key | None:
        """The unit on level ``level_id`` that contains the unit ``key`` of ``from_level`` (default: the base)."""
        current_level = self.level(from_level) if from_level else self.base
        current: Key | None = current_level.key_of(key)
        while current is not None and current_level.id != level_id:
            if current_level.parent_level is None:
                return None
            current = current_level.units[current].parent
            current_level = self.level(current_level.parent_level)
            current = current_level.key_of(current)
        return current

    def district_of(self, base_key: object) -> Key | None:
        """The top-level unit (Cologne: Stadtbezirk) of a base unit."""
        return self.ancestor(base_key, self.top.id)


@dataclass(frozen=True)
class CityProfile:
    """The city and its programme as every report, header, footer, the portal and the maps name them: the top
    part of ``raumbezug.yml`` (Cologne's values live there and nowhere in the code)."""

    city: str
    adjective: str
    publisher: str
    """Who publishes the reports: "Stadt Köln" (default "Stadt <city>")."""
    programme: str
    """The programme's short name ("Lebenswerte Veedel"); "" when the file names none."""
    programme_full: str
    """Its full name ("Lebenswerte Veedel – Bürger*innen- und Sozialraumorientierung"), else the short one."""
    area: Noun
    """The programme's word for its areas: Sozialraumgebiet, Sozialraumgebiete (neuter)."""
    map_source: str
    """The source line of the embedded boundaries' maps ("" when the city names none)."""
    districts: dict[Key, str]
    """The top level's units (Cologne's 9 Stadtbezirke): key -> name, in the order of the file."""
    district_level: str
    """The top level's name ("Stadtbezirk")."""
    resolution: str = ""
    """The decision that set up the programme's areas ("Ratsbeschluss vom 12.12.2019"); "" when none is named."""
    since: int | None = None
    """The programme's first year with its present areas (Cologne: 2020); None when the file names none."""

    @property
    def kicker(self) -> str:
        """The line above every title: "Stadt Köln · Lebenswerte Veedel"."""
        return f"{self.publisher} · {self.programme}" if self.programme else self.publisher

    @property
    def owner(self) -> str:
        """The footer's owner: "Stadt Köln – Lebenswerte Veedel"."""
        return f"{self.publisher} – {self.programme}" if self.programme else self.publisher

    def page_title(self, what: str) -> str:
        """A browser tab's title: "Lebenswerte Veedel – Berichte 2024"."""
        return f"{self.programme or self.publisher} – {what}"

    @property
    def residents(self) -> str:
        """The city's residents in the genitive plural: "der Kölner*innen", "der Einwohner*innen von Flussstadt"."""
        return f"der {self.adjective}*innen" if self.adjective else f"der Einwohner*innen von {self.city}"

    def areas(self, count: int, case: str = "nom") -> str:
        """The programme's areas with their number: "15 Sozialraumgebiete", "1 Sozialraumgebiet"; ``case="dat"``:
        "15 Sozialraumgebieten" (the number comes from ``areas.yml``, never from the code)."""
        if count == 1:
            return f"1 {self.area.name}"
        return f"{count} {self.area.dative_plural_name if case == 'dat' else self.area.plural}"

    def district(self, key: object) -> str:
        """A district as headings name it: "Stadtbezirk 8 Kalk" (key and name; the key alone if unknown)."""
        name = self.districts.get(key, self.districts.get(_key_like(key, self.districts), ""))
        return f"{self.district_level} {key} {name}".rstrip()

    def district_name(self, key: object) -> str:
        """The name of a district for a key (int 8 or text "08"); "" if the reference has none."""
        return self.districts.get(key, self.districts.get(_key_like(key, self.districts), ""))


def _key_like(key: object, keys: dict) -> object:
    """``key`` as the dictionary spells its keys: "8" -> 8 where the keys are numbers (JSON keeps them as text)."""
    if keys and all(isinstance(k, int) for k in keys) and re.fullmatch(r"\d+", str(key).strip()):
        return int(str(key).strip())
    return str(key)


def _profile(spec: "ReferenceFile", reference: SpatialReference) -> CityProfile:
    term = spec.area_term
    area = Noun(term.name, term.plural, term.gender,
                *_noun_forms(term.name, term.plural, term.gender, term.genitive, term.dative_plural))
    programme = spec.programme.name if spec.programme else ""
    full = (spec.programme.full_name or programme) if spec.programme else ""
    return CityProfile(spec.city, spec.adjective, spec.publisher or f"Stadt {spec.city}", programme, full, area,
                       spec.map_source or "", {k: u.name for k, u in reference.top.units.items()},
                       reference.top.name, (spec.programme.resolution or "") if spec.programme else "",
                       spec.programme.since if spec.programme else None)


def _level(spec: LevelSpec, units: list[UnitSpec], parent: str | None) -> Level:
    genitive, dative = _noun_forms(spec.name, spec.plural, spec.gender, spec.genitive, spec.dative_plural)
    names: dict[str, list[Key]] = {}
    texts: dict[str, Key] = {}
    for unit in units:
        texts[str(unit.key).strip()] = unit.key
        for spelling in [unit.name, *unit.other_names]:
            entries = names.setdefault(name_key(spelling), [])
            if unit.key not in entries:
                entries.append(unit.key)
    return Level(spec.id, spec.name, spec.plural, spec.gender, {u.key: u for u in units}, parent, genitive, dative,
                 names, texts)


def _overlap(a: UnitSpec, b: UnitSpec) -> bool:
    start = max(a.valid_from or -10**6, b.valid_from or -10**6)
    end = min(a.valid_to if a.valid_to is not None else 10**6, b.valid_to if b.valid_to is not None else 10**6)
    return start <= end


def _problems(path: Path, node: object, spec: ReferenceFile) -> list[Problem]:
    """Cross checks with the line of the value: levels and their units, keys, names, parents and periods."""
    problems = []
    ids = [level.id for level in spec.levels]
    for doubled in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(problem_at(path, node, ("levels",), f"Ebene '{doubled}' doppelt"))
    for name in spec.units:
        if name not in ids:
            problems.append(problem_at(path, node, ("units", name), f"Ebene '{name}' steht nicht unter levels "
                                                                    f"(vorhanden: {', '.join(ids)})"))
    for position, level in enumerate(spec.levels):
        units = spec.units.get(level.id)
        if not units:
            problems.append(problem_at(path, node, ("levels", position), f"Ebene '{level.id}' hat keine Einheiten "
                                                                         f"unter units.{level.id}"))
            continue
        kinds = {type(u.key) for u in units}
        if len(kinds) > 1:
            problems.append(problem_at(path, node, ("units", level.id), "Schlüssel einer Ebene sind entweder alle "
                                                                        "Zahlen oder alle Text"))
        seen: dict[Key, int] = {}
        for j, unit in enumerate(units):
            where = ("units", level.id, j)
            if unit.key in seen:
                problems.append(problem_at(path, node, (*where, "key"), f"Schlüssel {unit.key} doppelt (auch Eintrag "
                                                                        f"{seen[unit.key] + 1})"))
            seen.setdefault(unit.key, j)
            parent_level = spec.levels[position - 1] if position else None
            if parent_level is None:
                if unit.parent is not None:
                    problems.append(problem_at(path, node, (*where, "parent"), "die oberste Ebene hat keine "
                                                                               "übergeordnete Einheit"))
                continue
            parents = {p.key: p for p in spec.units.get(parent_level.id) or []}
            if unit.parent is None:
                problems.append(problem_at(path, node, (*where, "parent"), f"übergeordnete Einheit "
                                                                           f"({parent_level.name}) fehlt"))
            elif unit.parent not in parents:
                problems.append(problem_at(path, node, (*where, "parent"), f"{parent_level.name} {unit.parent} gibt es "
                                                                           f"nicht unter units.{parent_level.id}"))
            else:
                parent = parents[unit.parent]
                starts_before = parent.valid_from is not None and (unit.valid_from is None
                                                                   or unit.valid_from < parent.valid_from)
                ends_after = parent.valid_to is not None and (unit.valid_to is None or unit.valid_to > parent.valid_to)
                if starts_before or ends_after:
                    problems.append(problem_at(path, node, (*where, "parent"),
                                               f"{level.name} {unit.key} ist länger gültig als ihr {parent_level.name} "
                                               f"{unit.parent} (valid_from/valid_to)"))
        by_name: dict[tuple[str, Key | None], list[UnitSpec]] = {}
        for unit in units:
            for spelling in {name_key(s) for s in [unit.name, *unit.other_names]}:
                by_name.setdefault((spelling, unit.parent), []).append(unit)
        above = spec.levels[position - 1] if position else None
        for (spelling, parent), owners in by_name.items():
            clash = [(a, b) for i, a in enumerate(owners) for b in owners[i + 1:] if _overlap(a, b)]
            if clash and above is not None:  # names may repeat in different parents and on the top level: the
                a, b = clash[0]              # keys tell them apart, the parent's name shows it (display_names)
                elsewhere = _noun_forms(above.name, above.plural, above.gender, above.genitive, above.dative_plural)[1]
                problems.append(problem_at(path, node, ("units", level.id),
                                           f"Name oder Schreibweise '{spelling}' gehört zu {a.key} und {b.key}, die "
                                           f"gleichzeitig gültig sind und beide in {above.name} {parent} liegen: so "
                                           f"nicht zu unterscheiden (nur in verschiedenen {elsewhere} darf sich ein "
                                           "Name wiederholen)"))
    return problems


def display_names(level: Level, parent: Level | None) -> dict[Key, str]:
    """The one rule for showing a unit whose official name another unit of its level, valid at the same time,
    shares: the name with its parent's name in brackets ("Neustadt (Nord)"); on the top level, or where the parents
    are named alike too, with its key ("Nord (01)"). Units with a name of their own are not listed (they are shown
    by their name)."""
    by_name: dict[str, list[Key]] = {}
    for key, unit in level.units.items():
        by_name.setdefault(name_key(unit.name), []).append(key)
    shown: dict[Key, str] = {}
    for keys in by_name.values():
        for key in keys:
            unit = level.units[key]
            others = [k for k in keys if k != key and _overlap(unit, level.units[k])]
            if not others:
                continue
            parents = [parent.units.get(level.units[k].parent) for k in [key, *others]] if parent is not None else []
            parent_name = parents[0].name if parents and parents[0] is not None else None
            clear = parent_name is not None and all(p is not None and name_key(p.name) != name_key(parent_name)
                                                    for p in parents[1:])
            shown[key] = f"{unit.name} ({parent_name if clear else key})"
    return shown


def load_reference(path: str | Path) -> SpatialReference:
    """Read a ``raumbezug.yml``; every problem names the line and key of the bad value (DataValidationError)."""
    path = Path(path)
    stat = path.stat() if path.exists() else None
    return _load(str(path.resolve()) if stat else str(path), stat.st_mtime_ns if stat else 0,
                 stat.st_size if stat else 0)


@lru_cache(maxsize=16)
def _load(path: str, mtime: int, size: int) -> SpatialReference:
    spec = parse_model(path, ReferenceFile)
    _, node = load_yaml(path)
    problems = _problems(Path(path), node, spec)
    if problems:
        raise DataValidationError(problems)
    levels = tuple(_level(level, spec.units[level.id], spec.levels[i - 1].id if i else None)
                   for i, level in enumerate(spec.levels))
    for i, level in enumerate(levels):
        level._display.update(display_names(level, levels[i - 1] if i else None))
        for key, shown in level._display.items():  # the shown name is a spelling too (tables are copied back)
            level._names.setdefault(name_key(shown), []).append(key)
    reference = SpatialReference(spec.city, spec.adjective, levels, path)
    object.__setattr__(reference, "profile", _profile(spec, reference))
    return reference


def _default_path() -> Path:
    from .run_config import parameters_dir

    return (parameters_dir() / FILE_NAME).resolve()


def reference_for(parameters: str | Path | None = None) -> SpatialReference:
    """The reference of a parameters folder: its ``raumbezug.yml``; for a folder without one (parameters of
    archived runs from before the file existed) the project's own; None: the project's own."""
    return load_reference(reference_file(parameters))


def reference_file(parameters: str | Path | None = None) -> Path:
    """The file :func:`reference_for` reads for ``parameters``."""
    if parameters and (Path(parameters) / FILE_NAME).exists():
        return Path(parameters) / FILE_NAME
    return _default_path()


def default_reference() -> SpatialReference:
    """The project's reference (``parameters/raumbezug.yml`` of the project folder)."""
    return load_reference(_default_path())


# ----------------------------------------------------------------------------- the project's reference, as before

def stadtteil_number(value: object) -> Key | None:
    """The key of the lowest level (Cologne: the official Stadtteil number) for a number, a name or a
    "101 / Altstadt/Süd" style key; None when the value names no unit of that level."""
    return default_reference().base.resolve(value)


def stadtbezirk_number(value: object) -> Key | None:
    """The key of the highest level (Cologne: the Stadtbezirk number 1-9) for a number or a name, else None."""
    return default_reference().top.resolve(value)


def stadtbezirk_of(stadtteil_nr: object) -> Key | None:
    """The Stadtbezirk (highest level) of a Stadtteil (lowest level), from the parents in the reference file."""
    return default_reference().district_of(stadtteil_nr)


def __getattr__(name: str) -> dict:
    """``STADTTEILE`` and ``STADTBEZIRKE``: key -> name of the project reference's lowest and highest level."""
    if name == "STADTTEILE":
        return {k: u.name for k, u in default_reference().base.units.items()}
    if name == "STADTBEZIRKE":
        return {k: u.name for k, u in default_reference().top.units.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
