"""Schemas and validators for the input tables: statistical units and statistics in long form.

Each validator takes :class:`~veedel_lib.inputs.readers.RawTable` objects (text cells with row numbers), types
them, checks them against a pandera schema plus the cross-table rules, and either returns a typed
DataFrame or raises one :class:`~veedel_lib.errors.DataValidationError` listing every problem: missing
or unknown columns, wrong types, unknown units or variables, negative counts, numerators above their
denominators, duplicate keys, years out of range. No row is ever dropped without being reported.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, Problem, german_number
from ..params.areas import period_text
from ..params.catalogue import Catalogue
from ..params.reference import Key, Level, SpatialReference, default_reference
from .readers import MAX_COUNT, RawTable, decimal_style_problems, number_text_problem, parse_numbers

STATISTICS_COLUMNS = ("unit", "year", "variable", "count")
FIRST_YEAR = 1975
"""Cologne's present boundaries date from the 1975 municipal reform; earlier years cannot be compared."""


NO_ROWS = "keine Datenzeilen: die Datei enthält nur die Kopfzeile"


def default_years() -> tuple[int, int]:
    """Allowed range of data years: 1975 to the current calendar year."""
    return FIRST_YEAR, _dt.date.today().year


def _column_problems(table: RawTable, expected: tuple[str, ...]) -> list[Problem]:
    """Missing and unexpected columns, reported at the header row."""
    present = list(table.frame.columns)
    problems = [table.file_problem(f"Pflichtspalte fehlt (erwartet: {', '.join(expected)})", column)
                for column in expected if column not in present]
    problems += [table.file_problem(f"unbekannte Spalte (erlaubt: {', '.join(expected)})", column)
                 for column in present if column not in expected]
    return problems


def _schema_problems(table: RawTable, frame: pd.DataFrame, schema) -> list[Problem]:
    """Run a pandera schema lazily and translate each failure case into a Problem at its source row."""
    try:
        schema.validate(frame, lazy=True)
    except _pandera().errors.SchemaErrors as exc:
        cases = exc.failure_cases
        problems = []
        for case in cases.itertuples(index=False):
            if case.index is None or pd.isna(case.index):
                problems.append(table.file_problem(str(case.check), case.column))
                continue
            if case.failure_case is None or (isinstance(case.failure_case, float) and np.isnan(case.failure_case)):
                continue  # empty cells are reported as missing values by the caller
            position = int(case.index)
            problems.append(table.problem(position, case.column,
                                          f"{case.check} (Wert: {_shown(case.column, case.failure_case)})"))
        return problems
    return []


def _shown(column: str, value: object) -> str:
    """A failing cell value for a German message: years without, counts with thousands dot ("-1.037")."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return german_number(float(value), grouping=column != "year")
    return str(value)


def _whole_number(series: pd.Series) -> pd.Series:
    return series.isna() | (np.floor(series) == series)


# ---------------------------------------------------------------- units

def unit_columns(reference: SpatialReference) -> tuple[str, ...]:
    """The columns of units.csv: unit_id, unit_name and one per level of the reference, lowest first
    (Cologne: stadtteil, stadtbezirk)."""
    return ("unit_id", "unit_name", *dict.fromkeys(level.id for level in reversed(reference.levels)))


def no_such_unit(reference: SpatialReference, level: Level, value: object) -> str:
    """German reason for a value that names no unit of a level: "kein Kölner Stadtteil: 'Atlantis'"; for a name that
    several units share, which ones (:meth:`~veedel_lib.params.reference.Level.ambiguity`)."""
    ambiguous = level.ambiguity(value)
    if ambiguous is not None:
        return ambiguous
    where = f"{reference.adjective} {level.name}" if reference.adjective else f"{level.name} in {reference.city}"
    return f"{level.article('no')} {where}: '{value}'"


def _resolved_units(raw: pd.DataFrame, reference: SpatialReference) -> dict[str, list[Key | None]]:
    """Each row's unit on every level (None where the cell names none or several).

    A name that several units of a level share is decided by the row's other columns where they can: "Neustadt"
    with the Bezirk "Nord" is the Neustadt in Nord. Keys always win over names (:meth:`Level.matches`)."""
    matches = {level.id: [level.matches(v) for v in raw[level.id]] for level in reference.levels}
    base = reference.base
    resolved = {level.id: [m[0] if len(m) == 1 else None for m in matches[level.id]] for level in reference.levels}
    for position, own in enumerate(matches[base.id]):
        if len(own) > 1:
            fitting = [k for k in own if all(not matches[level.id][position]
                                             or reference.ancestor(k, level.id) in matches[level.id][position]
                                             for level in reference.levels[:-1])]
            resolved[base.id][position] = fitting[0] if len(fitting) == 1 else None
        key = resolved[base.id][position]
        for level in reference.levels[:-1]:
            given = matches[level.id][position]
            if key is not None and len(given) > 1 and reference.ancestor(key, level.id) in given:
                resolved[level.id][position] = reference.ancestor(key, level.id)
    return resolved


def _in_level(level: Level) -> str:
    """"im Stadtbezirk", "in der Bezirksregion"."""
    return f"im {level.name}" if level.gender in ("m", "n") else f"in der {level.name}"


def validate_units(table: RawTable, reference: SpatialReference | None = None) -> pd.DataFrame:
    """Type and check the table of statistical units against the city's spatial reference.

    Returns columns unit_id, unit_name, stadtteil_nr, stadtteil_name (the unit's unit of the lowest level,
    Cologne: Stadtteil), stadtbezirk_nr, stadtbezirk_name (of the highest level, Cologne: Stadtbezirk) and, for
    each level in between, ``key_<level>`` and ``name_<level>``. Each level's unit may be given by key or name;
    the higher ones must be those the lowest one belongs to. Rows are in the order of the reference file.
    """
    reference = reference if reference is not None else default_reference()
    columns = unit_columns(reference)
    problems = _column_problems(table, columns)
    if any(p.reason.startswith("Pflichtspalte") for p in problems):
        raise DataValidationError(problems)
    raw = table.frame
    if raw.empty:
        raise DataValidationError([*problems, table.file_problem(NO_ROWS)])
    base = reference.base
    higher = [level for level in reversed(reference.levels[:-1])]
    resolved = _resolved_units(raw, reference)
    for position in range(len(raw)):
        unit_id, name = raw.at[position, "unit_id"], raw.at[position, "unit_name"]
        if not unit_id:
            problems.append(table.problem(position, "unit_id", "Wert fehlt"))
        if not name:
            problems.append(table.problem(position, "unit_name", "Wert fehlt"))
        own = resolved[base.id][position]
        if own is None:
            problems.append(table.problem(position, base.id, no_such_unit(reference, base, raw.at[position, base.id])))
        for level in higher:
            given = resolved[level.id][position]
            if given is None:
                problems.append(table.problem(position, level.id,
                                              no_such_unit(reference, level, raw.at[position, level.id])))
            elif own is not None and (expected := reference.ancestor(own, level.id)) != given:
                problems.append(table.problem(position, level.id,
                                              f"{base.name} {own} ({base.name_of(own)}) liegt {_in_level(level)} "
                                              f"{expected} ({level.name_of(expected)}), nicht in {given}"))
    duplicated = raw["unit_id"].duplicated(keep=False) & (raw["unit_id"] != "")
    for position in np.flatnonzero(duplicated.to_numpy()):
        others = [table.rows[p] for p in np.flatnonzero((raw["unit_id"] == raw.at[position, "unit_id"]).to_numpy())
                  if p != position]
        problems.append(table.problem(position, "unit_id", f"doppelte Einheit '{raw.at[position, 'unit_id']}' "
                                                           f"(auch in Zeile {', '.join(map(str, others))})"))
    if problems:
        raise DataValidationError(problems)
    keys = pd.Series(resolved[base.id], dtype=object)
    units = pd.DataFrame({
        "unit_id": raw["unit_id"].astype(str),
        "unit_name": raw["unit_name"].astype(str),
        "stadtteil_nr": keys.astype(int) if base.numeric else keys,
    })
    units["stadtteil_name"] = [base.name_of(k) for k in units["stadtteil_nr"]]
    top = reference.top
    districts = pd.Series([reference.district_of(k) for k in units["stadtteil_nr"]], dtype=object)
    units["stadtbezirk_nr"] = districts.astype(int) if top.numeric else districts
    units["stadtbezirk_name"] = [top.name_of(k) for k in units["stadtbezirk_nr"]]
    for level in reference.middle:
        units[f"key_{level.id}"] = [reference.ancestor(k, level.id) for k in units["stadtteil_nr"]]
        units[f"name_{level.id}"] = [level.name_of(k) for k in units[f"key_{level.id}"]]
    order = {key: i for i, key in enumerate(base.units)}
    units["_order"] = units["stadtteil_nr"].map(order)
    return units.sort_values(["_order", "unit_id"]).drop(columns="_order").reset_index(drop=True)


def unit_periods(units: pd.DataFrame, reference: SpatialReference | None) -> tuple[np.ndarray, np.ndarray] | None:
    """First and last valid year per unit (its lowest-level unit's ``valid_from``/``valid_to``; -inf/+inf when
    open), or None when no unit of the reference is limited in time (then every year is valid)."""
    reference = reference if reference is not None else default_reference()
    base = reference.base
    if all(u.valid_from is None and u.valid_to is None for u in base.units.values()):
        return None
    first = np.array([base.units[k].valid_from if base.units[k].valid_from is not None else -np.inf
                      for k in units["stadtteil_nr"]], dtype=float)
    last = np.array([base.units[k].valid_to if base.units[k].valid_to is not None else np.inf
                     for k in units["stadtteil_nr"]], dtype=float)
    return first, last


# ---------------------------------------------------------------- statistics

def _pandera():
    """pandera, imported on first use (it takes a second: most runs load a validated dataset from the cache)."""
    import pandera.pandas as pa

    return pa


def _statistics_schema(catalogue: Catalogue, unit_ids: set[str], years: tuple[int, int]):
    first, last = years
    variables = set(catalogue.variable_ids)
    pa = _pandera()
    return pa.DataFrameSchema({
        "unit": pa.Column(None, nullable=True, checks=pa.Check(lambda s: s.isin(unit_ids), element_wise=False,
                                           error="unbekannte Einheit (nicht in units)")),
        "year": pa.Column(float, pa.Check(lambda s: s.isna() | s.between(first, last), element_wise=False,
                                          error=f"Jahr außerhalb des zulässigen Bereichs {first} bis {last}"),
                          nullable=True),
        "variable": pa.Column(None, nullable=True, checks=pa.Check(lambda s: s.isin(variables), element_wise=False,
                                               error="unbekannte Variable (nicht im Indikatorenkatalog)")),
        "count": pa.Column(float, [
            pa.Check(lambda s: s.isna() | (s >= 0), element_wise=False, error="negative Anzahl"),
            pa.Check(_whole_number, element_wise=False, error="Anzahl ist keine ganze Zahl"),
            pa.Check(lambda s: s.isna() | (s <= MAX_COUNT), element_wise=False,
                     error=f"Anzahl größer als {german_number(MAX_COUNT)}: mehr, als in jeder deutschen Stadt "
                           "Menschen leben (Tippfehler?)"),
        ], nullable=True),
    })


def validate_statistics(tables: list[RawTable], catalogue: Catalogue, units: pd.DataFrame,
                        years: tuple[int, int] | None = None,
                        reference: SpatialReference | None = None) -> pd.DataFrame:
    """Type and check statistics in long form (unit, year, variable, count), from one or more files.

    Returns columns unit, year, variable, count (float, NaN where suppressed at source), suppressed
    (bool). Suppressed cells ("*", ".") are kept as suppressed, never turned into zero. A row for a year in
    which the unit's unit of the reference does not exist (``valid_from``/``valid_to`` of ``raumbezug.yml``)
    is a problem too.
    """
    years = years or default_years()
    problems: list[Problem] = []
    frames = []
    unit_ids = set(units["unit_id"])
    limits = rate_limits(catalogue)
    for table_number, table in enumerate(tables):
        column_problems = _column_problems(table, STATISTICS_COLUMNS)
        problems += column_problems
        if any(p.reason.startswith("Pflichtspalte") for p in column_problems):
            continue
        raw = table.frame
        if raw.empty:
            problems.append(table.file_problem(NO_ROWS))
            continue
        problems += decimal_style_problems(table, "count")
        year = parse_numbers(raw["year"], ".")
        count = parse_numbers(raw["count"], table.decimal)
        for position in np.flatnonzero(year.status != "ok"):
            reason = "Jahr fehlt" if year.status[position] == "missing" else f"kein Jahr: '{raw.at[position, 'year']}'"
            problems.append(table.problem(position, "year", reason))
        for position in np.flatnonzero(~_whole_number(pd.Series(year.values)).to_numpy()):
            problems.append(table.problem(position, "year", f"kein Jahr: '{raw.at[position, 'year']}'"))
        for position in np.flatnonzero((count.status == "missing") | (count.status == "invalid")):
            reason = ("Wert fehlt (für unterdrückte Werte '*' eintragen)" if count.status[position] == "missing"
                      else number_text_problem(raw.at[position, "count"]) or f"keine Zahl: '{raw.at[position, 'count']}'")
            problems.append(table.problem(position, "count", reason))
        for column in ("unit", "variable"):
            for position in np.flatnonzero((raw[column] == "").to_numpy()):
                problems.append(table.problem(position, column, "Wert fehlt"))
        typed = pd.DataFrame({
            "unit": raw["unit"].astype(str),
            "year": year.values,
            "variable": raw["variable"].astype(str),
            "count": count.values,
        })
        nonempty = (typed["unit"] != "") & (typed["variable"] != "")
        schema_frame = typed.copy()
        schema_frame.loc[~nonempty, ["unit", "variable"]] = None
        published = typed["variable"].isin(list(limits)).to_numpy()
        schema_frame.loc[published, "count"] = np.nan  # published rates are no counts: checked on their own
        problems += _schema_problems(table, schema_frame, _statistics_schema(catalogue, unit_ids, years))
        problems += _rate_problems(table, typed, published, limits)
        typed["suppressed"] = count.status == "suppressed"
        typed["_table"] = table_number
        typed["_position"] = np.arange(len(typed))
        frames.append(typed)
    if not frames:
        raise DataValidationError(problems)
    data = pd.concat(frames, ignore_index=True)
    keys = _Keys(data)
    problems += _duplicate_problems(data, tables, keys)
    if not problems:
        data["year"] = data["year"].astype(int)
        problems += _ratio_problems(data, tables, catalogue, keys)
        problems += _city_problems(data, tables, units, limits)
        problems += _period_problems(data, tables, units, reference)
    if problems:
        raise DataValidationError(problems)
    data = data.drop(columns=["_table", "_position"])
    return data.take(keys.order()).reset_index(drop=True)


def rate_limits(catalogue: Catalogue) -> dict[str, tuple[float, float]]:
    """The published-rate variables (``kind: rate``) with the smallest and largest value each may take: a rate an
    indicator names (``rate:``) from 0 to 100 for a share in %, to 1.000 for a share per mille (bounded indicators),
    without upper bound for other rates (moves per 1.000 residents); a published change (``change:`` of
    sozialindex.yml) may be negative."""
    limits: dict[str, tuple[float, float]] = {v.id: (-np.inf, np.inf) for v in catalogue.variables
                                              if v.kind == "rate"}
    for indicator in catalogue.indicators:
        if indicator.rate in limits:
            high = min(limits[indicator.rate][1], indicator.scale if indicator.bounded else np.inf)
            limits[indicator.rate] = (0.0, high)
    return limits


def _rate_problems(table: RawTable, typed: pd.DataFrame, published: np.ndarray,
                   limits: dict[str, tuple[float, float]]) -> list[Problem]:
    """Published rates outside their range (:func:`rate_limits`), at their row and column."""
    problems = []
    values = typed["count"].to_numpy(dtype=float)
    for position in np.flatnonzero(published & np.isfinite(values)):
        variable, value = typed.at[position, "variable"], values[position]
        low, limit = limits[variable]
        if value < low or value > limit:
            bound = "unter 0" if value < low else f"über {german_number(limit)} ({'%' if limit == 100 else '‰'})"
            problems.append(table.problem(position, "count", f"veröffentlichter Anteil {german_number(value)} "
                                                             f"(Variable '{variable}', kind: rate) liegt {bound}"))
    return problems


def _period_problems(data: pd.DataFrame, tables: list[RawTable], units: pd.DataFrame,
                     reference: SpatialReference | None) -> list[Problem]:
    """Rows for years outside the validity of the unit's lowest-level unit (it was re-cut or did not exist yet)."""
    periods = unit_periods(units, reference)
    if periods is None:
        return []
    reference = reference if reference is not None else default_reference()
    base = reference.base
    position = pd.Index(units["unit_id"]).get_indexer(data["unit"])
    first, last = periods[0][position], periods[1][position]
    year = data["year"].to_numpy(dtype=float)
    problems = []
    for row in np.flatnonzero((year < first) | (year > last)):
        key = units["stadtteil_nr"].iat[position[row]]
        spec = base.units[key]
        problems.append(tables[int(data.at[row, "_table"])].problem(
            int(data.at[row, "_position"]), "year",
            f"Jahr {int(year[row])}: Einheit '{data.at[row, 'unit']}' gehört zu {base.name} {key} ({spec.name}), "
            f"{period_text(spec.valid_from, spec.valid_to)} laut raumbezug.yml"))
    return problems


CITY_POPULATION = "population"
"""The catalogue variable that counts all residents; summed over every unit it is the city's population."""


def _city_problems(data: pd.DataFrame, tables: list[RawTable], units: pd.DataFrame,
                   rates: Iterable[str] = ()) -> list[Problem]:
    """Counts above the whole city's population of their year: no unit has more people, households, moves or
    cases in a year than the city has residents. Checked in the years in which every unit of ``units`` has a
    known (not suppressed) population, summed over all units; other years stay unchecked. ``rates``: the
    published-rate variables (no counts, not checked)."""
    people = data[(data["variable"] == CITY_POPULATION) & ~data["suppressed"] & data["count"].notna()]
    known = people.groupby("year")["unit"].nunique()
    complete = known.index[known.to_numpy() >= len(units)]
    city = people[people["year"].isin(complete)].groupby("year")["count"].sum()
    limit = data["year"].map(city).to_numpy(dtype=float, copy=True)
    problems = []
    limit[data["variable"].isin(list(rates)).to_numpy()] = np.inf
    for row in np.flatnonzero(data["count"].to_numpy(dtype=float) > limit):
        year = int(data.at[row, "year"])
        problems.append(tables[int(data.at[row, "_table"])].problem(
            int(data.at[row, "_position"]), "count",
            f"Anzahl {german_number(data.at[row, 'count'])} ({data.at[row, 'variable']}, Einheit "
            f"'{data.at[row, 'unit']}') ist größer als die Einwohnerzahl der ganzen Stadt im Jahr {year} "
            f"({german_number(city[year])}, Summe von {CITY_POPULATION} über alle Einheiten)"))
    return problems


class _Keys:
    """Integer codes of unit, variable and year per row, so the cross-row checks need no text comparisons."""

    def __init__(self, data: pd.DataFrame) -> None:
        self.unit, self.units = pd.factorize(data["unit"])
        self.variable, self.variables = pd.factorize(data["variable"])
        self.year, self.years = pd.factorize(data["year"], use_na_sentinel=True)
        self.cell = self.unit.astype(np.int64) * max(len(self.years), 1) + self.year

    def order(self) -> np.ndarray:
        """Row order by year, variable and unit (the texts' order, via the rank of each distinct text)."""
        unit_rank = np.argsort(np.argsort(np.asarray(self.units, dtype=object)))
        variable_rank = np.argsort(np.argsort(np.asarray(self.variables, dtype=object)))
        year_rank = np.argsort(np.argsort(np.asarray(self.years, dtype=float)))
        return np.lexsort((unit_rank[self.unit], variable_rank[self.variable], year_rank[self.year]))


def _where(tables: list[RawTable], table_number: int, position: int, current: int) -> str:
    table = tables[table_number]
    row = table.rows[position]
    return f"Zeile {row}" if table_number == current else f"{table.source}, Zeile {row}"


def _duplicate_problems(data: pd.DataFrame, tables: list[RawTable], keys: _Keys) -> list[Problem]:
    """One problem per row whose (unit, year, variable) occurs more than once, naming the other rows."""
    key = keys.cell * max(len(keys.variables), 1) + keys.variable
    repeated = pd.Series(key).duplicated(keep=False).to_numpy() & (keys.year >= 0)
    duplicated = data[repeated]
    problems = []
    for _, group in duplicated.groupby(["unit", "year", "variable"], sort=False):
        places = list(zip(group["_table"], group["_position"]))
        for table_number, position in places:
            others = [_where(tables, t, p, table_number) for t, p in places if (t, p) != (table_number, position)]
            problems.append(tables[table_number].problem(
                position, "unit", f"doppelter Eintrag für Einheit '{data.loc[group.index[0], 'unit']}', "
                                  f"Jahr {int(group['year'].iloc[0])}, Variable '{group['variable'].iloc[0]}' "
                                  f"(auch {', '.join(others)})"))
    return problems


def _ratio_problems(data: pd.DataFrame, tables: list[RawTable], catalogue: Catalogue, keys: _Keys) -> list[Problem]:
    """Numerators above denominators, per unit and year, for every bounded indicator.

    A numerator part suppressed at the source counts as 0 (the numerator is at least the sum of the
    others); a suppressed denominator part leaves the unit and year unchecked (its size is unknown); a
    missing row leaves it unchecked too. Vectorised on a (unit x year) x variable matrix.
    """
    cells, width = len(keys.units) * max(len(keys.years), 1), len(keys.variables)
    count = np.full((cells, width), np.nan)
    count[keys.cell, keys.variable] = data["count"].to_numpy(dtype=float)
    suppressed = np.zeros((cells, width), dtype=bool)
    suppressed[keys.cell, keys.variable] = data["suppressed"].to_numpy(dtype=bool)
    row_of = np.full((cells, width), -1, dtype=np.int64)
    row_of[keys.cell, keys.variable] = np.arange(len(data))
    column = {str(v): i for i, v in enumerate(keys.variables)}
    known = suppressed | ~np.isnan(count)
    problems = []
    for indicator in catalogue.indicators:
        if not indicator.bounded or indicator.published_only or not set(indicator.counts) <= set(column):
            continue
        top = [column[v] for v in indicator.numerator]
        bottom = [column[v] for v in indicator.denominator]
        numerator = np.where(suppressed[:, top], 0.0, count[:, top]).sum(axis=1)
        numerator[~known[:, top].all(axis=1)] = np.nan
        denominator = count[:, bottom].sum(axis=1)
        for cell in np.flatnonzero(numerator > denominator):
            row = int(row_of[cell, top[0]])
            unit, year = data.at[row, "unit"], int(data.at[row, "year"])
            problems.append(tables[int(data.at[row, "_table"])].problem(
                int(data.at[row, "_position"]), "count",
                f"Zähler größer als Nenner für Indikator '{indicator.id}' (Einheit '{unit}', Jahr {year}: "
                f"{'+'.join(indicator.numerator)} = {german_number(numerator[cell])} > "
                f"{'+'.join(indicator.denominator)} = {german_number(denominator[cell])})"))
    return problems


# ---------------------------------------------------------------- completeness

@dataclass(frozen=True, order=True)
class Gap(Problem):
    """Rows missing from otherwise valid statistics: which units, variables and years (a warning, not an error).

    Empty ``units`` means every unit (a gap year), empty ``variables`` every variable, empty ``years``
    every year of the data (a unit or Stadtteil without any row).
    """

    units: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def touches(self, unit_ids: Iterable[str] | None = None, variables: Iterable[str] | None = None,
                year: int | None = None) -> bool:
        """Whether the gap concerns any of ``unit_ids``, any of ``variables`` and ``year`` (None: any)."""
        if unit_ids is not None and self.units and not set(self.units) & set(unit_ids):
            return False
        if variables is not None and self.variables and not set(self.variables) & set(variables):
            return False
        return year is None or not self.years or int(year) in self.years


def year_runs(years: Iterable[int]) -> list[list[int]]:
    """The distinct years in order, cut into runs of consecutive years: 2005, 2007, 2008 -> [[2005], [2007, 2008]]."""
    runs: list[list[int]] = []
    for year in sorted({int(y) for y in years}):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def years_text(years: Iterable[int]) -> str:
    """Years as German text with runs joined: "im Jahr 2022", "in den Jahren 2005, 2007 bis 2010"."""
    ordered = sorted({int(y) for y in years})
    parts = [str(r[0]) if len(r) == 1 else (f"{r[0]}, {r[1]}" if len(r) == 2 else f"{r[0]} bis {r[-1]}")
             for r in year_runs(ordered)]
    return f"im Jahr {ordered[0]}" if len(ordered) == 1 else "in den Jahren " + ", ".join(parts)


def gap_year_exempt(catalogue: Catalogue) -> set[str]:
    """Variables used only by ``latest_available`` indicators (elections): they are collected in some years only."""
    users: dict[str, list[bool]] = {}
    for indicator in catalogue.indicators:
        for variable in indicator.variables:
            users.setdefault(variable, []).append(indicator.latest_available)
    in_figures = {v for figure in catalogue.programme_figures for v in figure.variables}
    return {v for v, flags in users.items() if all(flags) and v not in in_figures}


def completeness_gaps(statistics: pd.DataFrame, units: pd.DataFrame, catalogue: Catalogue,
                      files_by_variable: dict[str, list[str]],
                      reference: SpatialReference | None = None) -> list[Gap]:
    """Missing rows of valid statistics, per variable: every unit needs a row in every year of the variable.

    A variable's years are those in which it is present for any unit; inside their span a year without
    any row is a gap year (one problem per variable; not for variables of ``latest_available`` indicators,
    see :func:`gap_year_exempt`). In each of its years every unit of ``units`` needs a row (a suppressed
    value is a row with "*"). Aggregated so that a missing Stadtteil is one line: a Stadtteil without any
    row, a unit without any row, otherwise one problem per unit and set of missing years listing the
    variables. ``files_by_variable`` names the statistics file(s) holding each variable. Vectorised: a
    boolean cube unit x variable x year. A unit is expected only in the years its unit of the reference exists
    (``valid_from``/``valid_to`` of ``raumbezug.yml``).
    """
    if statistics.empty:
        return []
    unit_ids = units["unit_id"].to_numpy(dtype=object)
    variable_codes, variables = pd.factorize(statistics["variable"], sort=True)
    variables = np.asarray(variables, dtype=object)
    first, last = int(statistics["year"].min()), int(statistics["year"].max())
    unit_codes = pd.Categorical(statistics["unit"], categories=unit_ids).codes
    present = np.zeros((len(unit_ids), len(variables), last - first + 1), dtype=bool)
    present[unit_codes, variable_codes, statistics["year"].to_numpy() - first] = True
    variable_years = present.any(axis=0)
    labels = {v.id: v.label for v in catalogue.variables}
    all_files = sorted({f for names in files_by_variable.values() for f in names})

    def file_of(names: Iterable[str]) -> str:
        chosen = sorted({f for v in names for f in files_by_variable.get(v, [])}) or all_files
        return chosen[0] if len(chosen) == 1 else ", ".join(Path(f).name for f in chosen)

    gaps: list[Gap] = []
    exempt = gap_year_exempt(catalogue)
    gap_years: dict[tuple[tuple[int, ...], tuple[int, ...]], list[str]] = {}
    for index, variable in enumerate(variables):
        if variable in exempt:
            continue
        years = np.flatnonzero(variable_years[index])
        missing = tuple(first + int(y) for y in range(years[0], years[-1] + 1) if not variable_years[index, y])
        if missing:
            gap_years.setdefault((missing, tuple(first + int(y) for y in years)), []).append(str(variable))
    for (missing, years), lacking_variables in gap_years.items():
        what = (f"Variable '{lacking_variables[0]}' ({labels.get(lacking_variables[0], lacking_variables[0])}) fehlt"
                if len(lacking_variables) == 1 else
                f"{len(lacking_variables)} Variablen ({', '.join(lacking_variables)}) fehlen")
        gaps.append(Gap(file_of(lacking_variables), None, "year",
                        f"{what} für alle Einheiten {years_text(missing)} (vorhanden {years_text(years)}): "
                        f"ein Jahr ohne Daten", None, (), tuple(lacking_variables), missing))
    periods = unit_periods(units, reference)
    if periods is not None:
        span = np.arange(first, last + 1, dtype=float)
        exists = (span[None, :] >= periods[0][:, None]) & (span[None, :] <= periods[1][:, None])
    else:
        exists = np.ones((len(unit_ids), last - first + 1), dtype=bool)
    base = (reference if reference is not None else default_reference()).base
    has_rows = present.any(axis=(1, 2))
    names = dict(zip(units["unit_id"], units["unit_name"]))
    empty_units = set(unit_ids[~has_rows])
    for (number, name), group in units.groupby(["stadtteil_nr", "stadtteil_name"], sort=True):
        members = list(group["unit_id"])
        lacking = [u for u in members if u in empty_units]
        if lacking and len(lacking) == len(members):
            own = "seine" if base.gender in ("m", "n") else "ihre"
            count = f"{own} Einheit" if len(members) == 1 else f"{own} {len(members)} Einheiten"
            gaps.append(Gap(file_of(variables), None, "unit",
                            f"{base.name} {number} ({name}) fehlt ganz: keine Zeile für {count} "
                            f"({', '.join(members)}) in allen Variablen und Jahren", None, tuple(members)))
        for unit in lacking if len(lacking) < len(members) else []:
            gaps.append(Gap(file_of(variables), None, "unit",
                            f"Einheit {unit} ({names[unit]}) fehlt ganz: keine Zeile in allen Variablen und Jahren",
                            None, (unit,)))
    missing_cells = variable_years[None, :, :] & ~present & exists[:, None, :]
    missing_cells[~has_rows] = False
    for unit_index in np.flatnonzero(missing_cells.any(axis=(1, 2))):
        unit = unit_ids[unit_index]
        by_years: dict[tuple[int, ...], list[str]] = {}
        for variable_index in np.flatnonzero(missing_cells[unit_index].any(axis=1)):
            years = tuple(first + int(y) for y in np.flatnonzero(missing_cells[unit_index, variable_index]))
            by_years.setdefault(years, []).append(str(variables[variable_index]))
        for years, lacking_variables in by_years.items():
            expected = variable_years[:, [y - first for y in years]].all(axis=1).sum()
            what = (f"für {lacking_variables[0]}" if len(lacking_variables) == 1
                    else f"für alle {len(lacking_variables)} Variablen" if len(lacking_variables) == expected
                    else f"für {len(lacking_variables)} Variablen ({', '.join(lacking_variables)})")
            gaps.append(Gap(file_of(lacking_variables), None, "variable",
                            f"Einheit {unit} ({names[unit]}): keine Zeile {what} {years_text(years)} "
                            "(ein an der Quelle unterdrückter Wert ist eine Zeile mit '*')",
                            None, (str(unit),), tuple(lacking_variables), years))
    return gaps
