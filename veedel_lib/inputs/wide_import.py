"""Import the city's usual wide tables into the project's long form (``veedel import``).

Statistics offices hand out tables with one row per Stadtteil (or statistical unit) and one column
per variable and year ("Einwohner 2023", "SGB II 2023", ...), in CSV or XLSX, with German headers
and decimal commas. A small mapping file says which column is which variable and year::

    key: Stadtteil              # column naming the Stadtteil (number, name or "101 / Altstadt/Süd")
    level: stadtteil            # stadtteil: one row per Stadtteil; unit: one row per statistical unit
    columns:
      "Einwohner 2023": {variable: population, year: 2023}
    patterns:                   # or many columns at once; the year is the first group of the pattern
      - {match: '^SGB II (\\d{4})$', variable: sgb2_recipients}   # single quotes: \\ stays literal
    ignore: [Bemerkung]         # columns deliberately not imported

Every column of the table must be the key, mapped or ignored, so nothing is dropped unnoticed.
Values go through the same validator as all statistics; problems name the original file, row and
column. The result is ``statistics_<name>.csv`` (and, for Stadtteil tables, a ``units.csv`` of the
86 Stadtteile if the folder has none yet), plus an :class:`ImportSummary` of what was read and what
each indicator still lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import DataValidationError, Problem
from ..safe_output import write_table
from ..params.catalogue import Catalogue
from ..params.reference import SpatialReference, default_reference
from ..params.patterns import PatternSearch, pattern_problem
from ..params.yamlfiles import load_yaml, parse_model, problem_at
from .readers import RawTable, read_table
from .validation import no_such_unit, validate_statistics, validate_units


class ColumnTarget(BaseModel):
    """The variable and year one column holds."""

    model_config = ConfigDict(extra="forbid")
    variable: str
    year: int = Field(ge=1900, le=2100)


class ColumnPattern(BaseModel):
    """Columns whose header matches ``match``; the pattern's first group is the year."""

    model_config = ConfigDict(extra="forbid")
    match: str
    variable: str

    @field_validator("match")
    @classmethod
    def _compiles_with_year_group(cls, value: str) -> str:
        problem = pattern_problem(value)
        if problem is not None:
            raise ValueError(problem)
        if re.compile(value).groups < 1:
            raise ValueError("der Ausdruck braucht eine Gruppe in Klammern für das Jahr, z. B. (\\d{4})")
        return value


class WideMapping(BaseModel):
    """The mapping file of one wide table."""

    model_config = ConfigDict(extra="forbid")
    key: str
    level: Literal["stadtteil", "unit"] = "stadtteil"
    sheet: str | None = None
    columns: dict[str, ColumnTarget] = {}
    patterns: list[ColumnPattern] = []
    ignore: list[str] = []


@dataclass
class ImportSummary:
    """What an import read and wrote, and which indicators still lack variables (for the planner)."""

    source: Path
    written: Path
    units_written: Path | None
    units: int
    years: list[int]
    variables: list[str]
    rows: int
    suppressed: int
    missing_for_indicators: dict[str, list[str]] = field(default_factory=dict)


# ----------------------------------------------------------------------------- mapping

def _column_targets(table: RawTable, mapping: WideMapping, mapping_path: Path) -> tuple[dict[str, ColumnTarget], list[Problem]]:
    """Which table column holds which variable/year; every column must be accounted for."""
    problems: list[Problem] = []
    headers = list(table.frame.columns)
    _, node = load_yaml(mapping_path)
    targets: dict[str, ColumnTarget] = {}
    search = PatternSearch(mapping_path)
    for header, target in mapping.columns.items():
        if header not in headers:
            problems.append(problem_at(mapping_path, node, ("columns", header),
                                       f"Spalte '{header}' steht nicht in {Path(table.source).name}"))
        else:
            targets[header] = target
    for header in headers:
        if header == mapping.key or header in targets or header in mapping.ignore:
            continue
        for number, pattern in enumerate(mapping.patterns):
            where = ("patterns", number, "match")
            match = search.search(pattern.match, header, problem_at(mapping_path, node, where, "").row)
            if match:
                year = match.group(1) or ""
                if re.fullmatch(r"\d{4}", year) and 1900 <= int(year) <= 2100:
                    targets[header] = ColumnTarget(variable=pattern.variable, year=int(year))
                else:
                    problems.append(problem_at(mapping_path, node, where, (
                        f"die erste Gruppe des Ausdrucks findet in Spalte '{header}' kein Jahr von 1900 bis 2100 "
                        f"(gefunden: '{year[:20]}')")))
                break
        else:
            problems.append(table.file_problem(
                "Spalte ist in der Zuordnungsdatei weder zugeordnet noch unter 'ignore' aufgeführt", header))
    if mapping.key not in headers:
        problems.append(table.file_problem(f"Schlüsselspalte '{mapping.key}' (key in der Zuordnung) fehlt",
                                           mapping.key))
    seen: dict[tuple[str, int], str] = {}
    for header, target in targets.items():
        other = seen.setdefault((target.variable, target.year), header)
        if other != header:
            problems.append(table.file_problem(
                f"Variable '{target.variable}', Jahr {target.year} steht schon in Spalte '{other}'", header))
    return targets, problems


def _catalogue_problems(targets: dict[str, ColumnTarget], catalogue: Catalogue, mapping_path: Path) -> list[Problem]:
    known = set(catalogue.variable_ids)
    unknown = sorted({t.variable for t in targets.values()} - known)
    return [Problem(str(mapping_path), None, "variable",
                    f"Variable '{v}' steht nicht in indicators.yml (bekannt: {', '.join(sorted(known))})")
            for v in unknown]


# ----------------------------------------------------------------------------- units

def stadtteil_units(reference: SpatialReference | None = None) -> pd.DataFrame:
    """The units of the reference's lowest level (Cologne: the 86 Stadtteile) as statistical units (unit id = key),
    for tables at Stadtteil level; one column per level, as units.csv has them."""
    reference = reference if reference is not None else default_reference()
    keys = reference.base.keys()
    frame = pd.DataFrame({"unit_id": [str(k) for k in keys], "unit_name": [reference.base.name_of(k) for k in keys]})
    for level in reversed(reference.levels):
        frame[level.id] = [str(reference.ancestor(k, level.id)) for k in keys]
    return frame


def _unit_keys(table: RawTable, mapping: WideMapping, units: pd.DataFrame,
               reference: SpatialReference) -> tuple[list[str | None], list[Problem]]:
    """The unit id of each row, from the key column; problems for keys that name no unit."""
    problems = []
    keys: list[str | None] = []
    base = reference.base
    if mapping.level == "stadtteil":
        per_stadtteil = units.groupby("stadtteil_nr")["unit_id"].agg(list)
        for position, value in enumerate(table.frame[mapping.key]):
            number = base.resolve(value)
            ids = per_stadtteil.get(number, []) if number is not None else []
            if number is None:
                problems.append(table.problem(position, mapping.key, no_such_unit(reference, base, value)))
            elif len(ids) != 1:
                problems.append(table.problem(
                    position, mapping.key,
                    f"{base.name} {number} ({base.name_of(number)}) besteht in units.csv aus {len(ids)} Einheiten; "
                    f"{base.name}werte lassen sich nicht auf sie verteilen (level: unit verwenden)"))
            keys.append(ids[0] if len(ids) == 1 else None)
    else:
        known = set(units["unit_id"])
        for position, value in enumerate(table.frame[mapping.key]):
            if value not in known:
                problems.append(table.problem(position, mapping.key, f"unbekannte Einheit '{value}' (nicht in units.csv)"))
            keys.append(value if value in known else None)
    first_row: dict[str, int] = {}
    for position, key in enumerate(keys):
        if key is None:
            continue
        if key in first_row:
            problems.append(table.problem(position, mapping.key,
                                          f"{_unit_label(key, mapping.level, reference)} kommt doppelt vor "
                                          f"(schon in Zeile {first_row[key]})"))
        else:
            first_row[key] = table.rows[position]
    return keys, problems


def _unit_label(unit_id: str, level: str, reference: SpatialReference) -> str:
    key = reference.base.key_of(unit_id)
    if level == "stadtteil" and key is not None:
        return f"{reference.base.name} {unit_id} ({reference.base.name_of(key)})"
    return f"Einheit '{unit_id}'"


# ----------------------------------------------------------------------------- conversion

def _long_tables(table: RawTable, keys: list[str | None], targets: dict[str, ColumnTarget]) -> list[RawTable]:
    """One long-form table per mapped column, keeping the original rows so problems point back to them.

    The source of each table is tagged with the column; :func:`_untag` turns problems back into
    the original file and column.
    """
    tables = []
    unit = pd.Series([k or "" for k in keys], dtype=object)
    for header, target in targets.items():
        frame = pd.DataFrame({"unit": unit, "year": str(target.year), "variable": target.variable,
                              "count": table.frame[header].astype(str).to_numpy()})
        tables.append(RawTable(frame, list(table.rows), f"{table.source}\x00{header}", table.sheet, table.decimal))
    return tables


def _untag(problem: Problem, key: str) -> Problem:
    """A problem of a tagged long table, located in the original wide table."""
    if "\x00" not in problem.file:
        return problem
    source, header = problem.file.split("\x00", 1)
    column = {"count": header, "unit": key, "year": header, "variable": header}.get(problem.column, problem.column)
    reason = re.sub(r"[^,\s]*\x00[^,]*, Zeile", "Zeile", problem.reason)
    return Problem(source, problem.row, column, reason, problem.sheet)


def existing_statistics(folder: Path, skip: Path) -> list[RawTable]:
    """The other statistics files already in the target folder (checked together for duplicates)."""
    if not folder.is_dir():
        return []
    return [read_table(p) for p in sorted(folder.glob("statistics*.*"))
            if p.suffix.lower() in (".csv", ".xlsx") and p.name != skip.name]


def import_wide_table(table_path: str | Path, mapping_path: str | Path, target_dir: str | Path,
                      catalogue: Catalogue, *, sheet: str | None = None,
                      reference: SpatialReference | None = None) -> ImportSummary:
    """Convert one wide table into ``target_dir/statistics_<name>.csv`` after full validation.

    Raises DataValidationError naming file, row and column for every problem in the table, the
    mapping, or in combination with the statistics already in ``target_dir``; nothing is written then.
    Units and keys are checked against ``reference`` (default: the project's ``raumbezug.yml``).
    """
    reference = reference if reference is not None else default_reference()
    table_path, mapping_path, target_dir = Path(table_path), Path(mapping_path), Path(target_dir)
    mapping = parse_model(mapping_path, WideMapping)
    table = read_table(table_path, sheet=sheet or mapping.sheet)
    targets, problems = _column_targets(table, mapping, mapping_path)
    problems += _catalogue_problems(targets, catalogue, mapping_path)

    units_file = next((p for p in sorted(target_dir.glob("units.*")) if p.suffix.lower() in (".csv", ".xlsx")), None) \
        if target_dir.is_dir() else None
    if units_file is not None:
        units = validate_units(read_table(units_file), reference)
    elif mapping.level == "stadtteil":
        frame = stadtteil_units(reference)
        units = validate_units(RawTable(frame, list(range(2, len(frame) + 2)), "units.csv"), reference)
    else:
        raise DataValidationError([Problem(str(target_dir), None, None,
                                           "level: unit braucht eine units.csv im Zielordner")])
    if problems or mapping.key not in table.frame.columns:
        raise DataValidationError(problems)
    keys, key_problems = _unit_keys(table, mapping, units, reference)

    written = target_dir / f"statistics_{_slug(table_path.stem)}.csv"
    long_tables = _long_tables(table, keys, targets)
    value_problems: list[Problem] = []
    try:
        statistics = validate_statistics(existing_statistics(target_dir, written) + long_tables, catalogue,
                                         units, years=(1900, 2100), reference=reference)
    except DataValidationError as exc:
        repeated = pd.Series(keys).duplicated(keep=False).to_numpy()
        flagged = {(p.row, p.column) for p in key_problems} | \
            {(row, mapping.key) for row, twice in zip(table.rows, repeated) if twice}
        value_problems = [p for p in (_untag(p, mapping.key) for p in exc.problems)
                          if (p.row, p.column) not in flagged]
    if key_problems or value_problems:
        raise DataValidationError(key_problems + value_problems)
    # Empty cells never get here: the validator reports them ("Wert fehlt"), so no cell is dropped.
    long = pd.concat([t.frame for t in long_tables], ignore_index=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    write_long_csv(long, written)
    units_written = None
    if units_file is None:
        units_written = target_dir / "units.csv"
        write_long_csv(stadtteil_units(reference), units_written)
    return _summary(table_path, written, units_written, long, statistics, catalogue)


def _slug(stem: str) -> str:
    text = stem.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "import"


def write_long_csv(frame: pd.DataFrame, target: Path) -> None:
    """Write a units or statistics table as the project's CSV (``;``, UTF-8), atomically, through the one table
    writer (text cells safe for spreadsheets)."""
    write_table(frame, target, sep=";")


def _summary(source: Path, written: Path, units_written: Path | None, long: pd.DataFrame,
             statistics: pd.DataFrame, catalogue: Catalogue) -> ImportSummary:
    """What was read, and for each indicator the variables and years that are still missing."""
    suppressed = int(long["count"].isin(["*", ".", "x", "X"]).sum())
    present = statistics.groupby("variable")["year"].agg(lambda s: set(s.astype(int)))
    all_years = sorted(statistics["year"].astype(int).unique())
    missing: dict[str, list[str]] = {}
    for indicator in catalogue.indicators:
        gaps = []
        needed = indicator.counts  # a published rate stands in where the counts are not there
        if indicator.rate and (not needed or (present.get(indicator.rate) and not all(present.get(v) for v in needed))):
            needed = [indicator.rate]
        for variable in needed:
            years = present.get(variable, set())
            if not years:
                gaps.append(f"{variable} (ganz)")
            elif set(all_years) - years:
                gaps.append(f"{variable} ({', '.join(str(y) for y in sorted(set(all_years) - years))})")
        if gaps:
            missing[indicator.id] = gaps
    return ImportSummary(source, written, units_written, int(long["unit"].nunique()),
                         sorted(long["year"].astype(int).unique()), sorted(long["variable"].unique()),
                         len(long), suppressed, missing_for_indicators=missing)

