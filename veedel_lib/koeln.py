"""Read the City of Cologne's open statistics into the project's long form (units + statistics).

Three formats of the city, each mapped to catalogue variables by ``parameters/koeln_mapping.yml``:

* the portal's long format of offenedaten-koeln.de (``jahr``, ``raum_id``, ``raum``, ``zeile``, ``zahl``;
  city, Stadtbezirke and Stadtteile in one file; UTF-8 with BOM, quoted, ``;`` or ``,``);
* the wide Stadtteil profile ("Kölner Stadtteilinformationen", one row per Stadtteil, one column per
  figure, one reference date);
* the "Statistischer Datenkatalog Köln" (``RAUMEBENE``, ``RAUM`` like "101 / Altstadt/Süd", ``S_JAHR``,
  one column per Merkmal code such as A0025A, decimal comma, ``*`` = suppressed).

A catalogue variable is the sum of one or more source parts (e.g. children under 6 = "00 - < 03" plus
"03 - < 06"); a suppressed part makes the sum suppressed, never zero. Units are the 86 Stadtteile with
the official number as unit id, joined by number only, because names differ between files.

Validation is the project's validator, run twice: first on every source part as it stands in the file
(so a bad cell is reported at its own file, row and column), then on the summed variables of all files
together (duplicates across files, numerators above denominators). Both passes use tagged
:class:`~veedel_lib.readers.RawTable` objects whose rows are the original spreadsheet rows, as
:mod:`veedel_lib.wide_import` does; problems are translated back to the original file and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .catalogue import Catalogue, load_catalogue
from .config import parameters_dir as default_parameters_dir
from .errors import DataValidationError, Problem
from .readers import RawTable, parse_numbers, read_table
from .reference import STADTBEZIRKE, STADTTEILE, stadtteil_number
from .validation import validate_statistics, validate_units
from .wide_import import _atomic_csv, _existing_statistics, stadtteil_units
from .yamlfiles import load_yaml, parse_model, problem_at

MAPPING_FILE = "koeln_mapping.yml"
STATISTICS_FILE = "statistics_koeln.csv"
PORTAL_COLUMNS = ("jahr", "raum_id", "raum", "zeile", "zahl")
CITY = "000"
"""raum_id of the whole city in the portal's long format."""


# ----------------------------------------------------------------------------- mapping

class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: list[str] = []
    variables: dict[str, list[str]] = {}
    ignore: list[str] = []


class PortalMapping(_Section):
    """Which ``zeile`` texts of the portal's long files make up which catalogue variable."""


class ProfileMapping(_Section):
    """Which columns of the wide Stadtteil profile make up which variable, for one reference year."""

    key: str
    year: int = Field(ge=1900, le=2100)
    reference: dict[str, str] = {}


class DatenkatalogMapping(_Section):
    """Which Merkmal codes of the Statistischer Datenkatalog make up which variable."""

    level_column: str = "RAUMEBENE"
    levels: list[str] = ["Stadtteil"]
    key: str = "RAUM"
    year_column: str = "S_JAHR"


class KoelnMapping(BaseModel):
    """The whole mapping file ``parameters/koeln_mapping.yml``."""

    model_config = ConfigDict(extra="forbid")
    portal: PortalMapping = PortalMapping()
    profile: ProfileMapping | None = None
    datenkatalog: DatenkatalogMapping | None = None


def load_mapping(path: str | Path) -> KoelnMapping:
    """Read and check the mapping file; DataValidationError with line and key for every problem."""
    path = Path(path)
    mapping = parse_model(path, KoelnMapping)
    _, node = load_yaml(path)
    problems = []
    for name in ("portal", "profile", "datenkatalog"):
        section = getattr(mapping, name)
        if section is None:
            continue
        for position, pattern in enumerate(section.ignore):
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(problem_at(path, node, (name, "ignore", position),
                                           f"kein gültiger regulärer Ausdruck: {exc}"))
    if problems:
        raise DataValidationError(problems)
    return mapping


def _catalogue_problems(mapping: KoelnMapping, catalogue: Catalogue, path: Path) -> list[Problem]:
    """Mapped variables that the catalogue does not know, and reference quotas of unknown indicators."""
    _, node = load_yaml(path)
    known = set(catalogue.variable_ids)
    indicators = {i.id for i in catalogue.indicators}
    problems = []
    for name in ("portal", "profile", "datenkatalog"):
        section = getattr(mapping, name)
        if section is None:
            continue
        for variable in section.variables:
            if variable not in known:
                problems.append(problem_at(path, node, (name, "variables", variable),
                                           f"Variable '{variable}' steht nicht in indicators.yml"))
    if mapping.profile is not None:
        for indicator in mapping.profile.reference:
            if indicator not in indicators:
                problems.append(problem_at(path, node, ("profile", "reference", indicator),
                                           f"Indikator '{indicator}' steht nicht in indicators.yml"))
    return problems


def _ignored(name: str, patterns: list[str]) -> bool:
    return any(re.search(p, name) for p in patterns)


# ----------------------------------------------------------------------------- sources

@dataclass
class Source:
    """One file read into source parts (cells) ready for validation.

    ``cells`` has one row per source cell that contributes to a catalogue variable: unit (Stadtteil
    number as text), year, variable, part (the ``zeile`` text or column header), count (text as in the
    file), row (spreadsheet row) and the original column names for unit, year, variable and count.
    ``totals`` holds the city and Stadtbezirk rows of long files (for the sum check), counts as numbers.
    """

    path: Path
    kind: str
    decimal: str
    cells: pd.DataFrame
    parts: dict[str, list[str]]
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


_CELL_COLUMNS = ["unit", "year", "variable", "part", "count", "row",
                 "unit_col", "year_col", "variable_col", "count_col"]


def _level_of(raum_id: str) -> tuple[str, int] | None:
    """Spatial level of a portal ``raum_id``: ("stadt", 0), ("stadtbezirk", 1-9) or ("stadtteil", 101-909)."""
    text = raum_id.strip()
    if re.fullmatch(r"0*0", text):
        return "stadt", 0
    if re.fullmatch(r"0*[1-9]", text):
        return "stadtbezirk", int(text)
    number = stadtteil_number(text) if re.fullmatch(r"\d{1,3}", text) else None
    return ("stadtteil", number) if number is not None else None


def portal_frame(path: str | Path) -> pd.DataFrame:
    """A portal long file as a typed table: ebene, raum_nr, raum, jahr, tabelle, zeile, zahl, suppressed, row.

    For reference figures that are not catalogue variables (e.g. residents with Nebenwohnung) and for the
    city total; rows whose raum_id names no Cologne area or whose number is not a number raise
    DataValidationError at file, row and column.
    """
    table = read_table(path)
    problems = _portal_column_problems(table)
    if problems:
        raise DataValidationError(problems)
    frame = table.frame
    levels = [_level_of(v) for v in frame["raum_id"]]
    numbers = parse_numbers(frame["zahl"], table.decimal)
    for position, level in enumerate(levels):
        if level is None:
            problems.append(table.problem(position, "raum_id", _unknown_raum(frame.at[position, "raum_id"])))
        if numbers.status[position] in ("missing", "invalid"):
            problems.append(table.problem(position, "zahl", f"keine Zahl: '{frame.at[position, 'zahl']}'"))
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame({
        "ebene": [lv[0] for lv in levels],
        "raum_nr": [lv[1] for lv in levels],
        "raum": frame["raum"],
        "jahr": pd.to_numeric(frame["jahr"], errors="coerce").astype("Int64"),
        "tabelle": frame["tabelle"] if "tabelle" in frame else "",
        "zeile": frame["zeile"],
        "zahl": numbers.values,
        "suppressed": numbers.status == "suppressed",
        "row": table.rows,
    })


def _unknown_raum(value: str) -> str:
    return (f"raum_id '{value}' ist weder Gesamtstadt (000), Stadtbezirk (001 bis 009) "
            "noch eine Kölner Stadtteilnummer (101 bis 909)")


def _portal_column_problems(table: RawTable) -> list[Problem]:
    return [table.file_problem(f"Pflichtspalte fehlt (Langformat des Portals: {', '.join(PORTAL_COLUMNS)})", c)
            for c in PORTAL_COLUMNS if c not in table.frame.columns]


def read_portal(path: str | Path, mapping: PortalMapping) -> Source:
    """Read one portal long file into source parts for the mapped ``zeile`` texts.

    Rows of the city (000) and the Stadtbezirke (001-009) go to ``totals``; every ``zeile`` must be
    mapped or ignored; a raum whose name names a different Stadtteil than its number is a problem
    (the number decides which Stadtteil is meant, so a contradiction must be looked at).
    """
    table = read_table(path)
    problems = _portal_column_problems(table)
    if problems:
        return Source(Path(path), "portal", table.decimal, pd.DataFrame(columns=_CELL_COLUMNS), {}, problems=problems)
    frame = table.frame
    part_of = {part: variable for variable, parts in mapping.variables.items() for part in parts}
    problems += _zeile_problems(table, part_of, mapping.ignore)
    levels = [_level_of(v) for v in frame["raum_id"]]
    named_wrong: set[tuple[str, str]] = set()
    for position, level in enumerate(levels):
        if level is None:
            problems.append(table.problem(position, "raum_id", _unknown_raum(frame.at[position, "raum_id"])))
        elif level[0] == "stadtteil":
            by_name = stadtteil_number(frame.at[position, "raum"])
            key = (frame.at[position, "raum_id"], frame.at[position, "raum"])
            if by_name is not None and by_name != level[1] and key not in named_wrong:
                named_wrong.add(key)
                problems.append(table.problem(
                    position, "raum", f"Name '{key[1]}' ist Stadtteil {by_name} ({STADTTEILE[by_name]}), "
                                      f"raum_id sagt {level[1]} ({STADTTEILE[level[1]]})"))
    variable = frame["zeile"].map(part_of)
    mapped = variable.notna().to_numpy()
    stadtteil = np.array([lv is not None and lv[0] == "stadtteil" for lv in levels])
    take = mapped & stadtteil
    cells = pd.DataFrame({
        "unit": [str(levels[p][1]) for p in np.flatnonzero(take)],
        "year": frame["jahr"].to_numpy()[take],
        "variable": variable.to_numpy()[take],
        "part": frame["zeile"].to_numpy()[take],
        "count": frame["zahl"].to_numpy()[take],
        "row": np.asarray(table.rows)[take],
    })
    cells = cells.assign(unit_col="raum_id", year_col="jahr", variable_col="zeile", count_col="zahl")
    totals_mask = mapped & np.array([lv is not None and lv[0] != "stadtteil" for lv in levels])
    numbers = parse_numbers(frame["zahl"], table.decimal)
    totals = pd.DataFrame({
        "ebene": [levels[p][0] for p in np.flatnonzero(totals_mask)],
        "raum_nr": [levels[p][1] for p in np.flatnonzero(totals_mask)],
        "year": pd.to_numeric(frame["jahr"][totals_mask], errors="coerce").to_numpy(),
        "variable": variable.to_numpy()[totals_mask],
        "count": numbers.values[totals_mask],
        "suppressed": numbers.status[totals_mask] == "suppressed",
    })
    skipped = {"Zeilen von Gesamtstadt und Stadtbezirken (nur Summenkontrolle)": int(totals_mask.sum()),
               "Zeilen mit nicht zugeordneter ('ignore') zeile": int((~mapped).sum())}
    ignored = sorted(set(frame["zeile"][~mapped]))
    return Source(Path(path), "portal", table.decimal, cells, _present_parts(mapping.variables, cells),
                  totals, problems, skipped, ignored)


def _zeile_problems(table: RawTable, part_of: dict[str, str], ignore: list[str]) -> list[Problem]:
    """``zeile`` texts neither mapped nor ignored, and mapped texts that stand in two tables of the file."""
    problems = []
    frame = table.frame
    first = frame.drop_duplicates("zeile")
    for position, zeile in zip(first.index, first["zeile"]):
        if zeile not in part_of and not _ignored(zeile, ignore):
            problems.append(table.problem(
                position, "zeile",
                f"Zeile '{zeile}' ist in {MAPPING_FILE} weder einer Variable zugeordnet "
                "noch unter 'ignore' aufgeführt"))
    if "tabelle" in frame.columns:
        tables = frame[frame["zeile"].isin(list(part_of))].groupby("zeile")["tabelle"].unique()
        for zeile, names in tables.items():
            if len(names) > 1:
                position = int(frame.index[frame["zeile"] == zeile][0])
                problems.append(table.problem(position, "zeile", f"Zeile '{zeile}' steht in mehreren Tabellen "
                                                                 f"({', '.join(names)}); Zuordnung nicht eindeutig"))
    return problems


def _present_parts(variables: dict[str, list[str]], cells: pd.DataFrame) -> dict[str, list[str]]:
    """The mapped parts of the variables that this file delivers at all (other variables come from other files)."""
    present = set(cells["part"])
    return {v: parts for v, parts in variables.items() if present & set(parts)}


def _wide_source(table: RawTable, kind: str, key: str, variables: dict[str, list[str]], ignore: list[str],
                 extra: list[str], year_column: str | None, year: int | None,
                 mapping_path: Path, section: str) -> Source:
    """Source parts of a wide table (one column per figure, one row per Stadtteil or Stadtteil and year)."""
    headers = list(table.frame.columns)
    _, node = load_yaml(mapping_path)
    problems = []
    for column in [key] + ([year_column] if year_column else []):
        if column not in headers:
            problems.append(table.file_problem(f"Pflichtspalte '{column}' fehlt (siehe {MAPPING_FILE})", column))
    mapped = {part for parts in variables.values() for part in parts}
    for variable, parts in variables.items():
        for part in parts:
            if part not in headers:
                problems.append(problem_at(mapping_path, node, (section, "variables", variable),
                                           f"Spalte '{part}' steht nicht in {Path(table.source).name}"))
    accounted = mapped | set(extra) | {key} | ({year_column} if year_column else set())
    ignored = [h for h in headers if h not in accounted and _ignored(h, ignore)]
    for header in headers:
        if header not in accounted and header not in ignored:
            problems.append(table.file_problem(
                f"Spalte ist in {MAPPING_FILE} weder zugeordnet noch unter 'ignore' aufgeführt", header))
    if problems:
        return Source(Path(table.source), kind, table.decimal, pd.DataFrame(columns=_CELL_COLUMNS), {},
                      problems=problems)
    units = []
    for position, value in enumerate(table.frame[key]):
        number = stadtteil_number(value)
        if number is None:
            problems.append(table.problem(position, key, f"kein Kölner Stadtteil: '{value}'"))
        units.append(str(number) if number is not None else "")
    known = np.array([u != "" for u in units])
    years = table.frame[year_column].to_numpy() if year_column else np.full(len(units), str(year), dtype=object)
    frames = []
    for variable, parts in variables.items():
        for part in parts:
            frames.append(pd.DataFrame({
                "unit": np.asarray(units, dtype=object)[known], "year": years[known], "variable": variable,
                "part": part, "count": table.frame[part].to_numpy()[known], "row": np.asarray(table.rows)[known],
                "unit_col": key, "year_col": year_column or part, "variable_col": part, "count_col": part}))
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_CELL_COLUMNS)
    return Source(Path(table.source), kind, table.decimal, cells, dict(variables), problems=problems,
                  ignored=ignored)


def read_profile(path: str | Path, mapping: ProfileMapping, mapping_path: Path) -> Source:
    """Read the wide Stadtteil profile (one row per Stadtteil, one reference year) into source parts."""
    table = read_table(path)
    source = _wide_source(table, "profile", mapping.key, mapping.variables, mapping.ignore,
                          list(mapping.reference.values()), None, mapping.year, mapping_path, "profile")
    _, node = load_yaml(mapping_path)
    source.problems += [problem_at(mapping_path, node, ("profile", "reference", indicator),
                                   f"Spalte '{column}' steht nicht in {Path(path).name}")
                        for indicator, column in mapping.reference.items() if column not in table.frame.columns]
    return source


def read_datenkatalog(path: str | Path, mapping: DatenkatalogMapping, mapping_path: Path) -> Source:
    """Read a Statistischer Datenkatalog extract; only rows of the mapped Raumebene (Stadtteil) are taken.

    Rows of other levels (Gesamtstadt, Stadtbezirk, statistische Quartiere) are counted in ``skipped``,
    so the summary says what was left out and why.
    """
    table = read_table(path)
    if mapping.level_column not in table.frame.columns:
        return Source(Path(path), "datenkatalog", table.decimal, pd.DataFrame(columns=_CELL_COLUMNS), {},
                      problems=[table.file_problem(f"Pflichtspalte '{mapping.level_column}' fehlt",
                                                   mapping.level_column)])
    wanted = {level.strip().lower() for level in mapping.levels}
    level = table.frame[mapping.level_column].str.strip()
    keep = level.str.lower().isin(wanted).to_numpy()
    skipped = {f"Zeilen der Raumebene '{name}' (nicht übernommen)": int(count)
               for name, count in level[~keep].value_counts().items()}
    subset = RawTable(table.frame[keep].reset_index(drop=True), list(np.asarray(table.rows)[keep]),
                      table.source, table.sheet, table.decimal, table.notes)
    source = _wide_source(subset, "datenkatalog", mapping.key, mapping.variables, mapping.ignore,
                          [mapping.level_column], mapping.year_column, None, mapping_path, "datenkatalog")
    source.skipped = skipped
    return source


def profile_reference(path: str | Path, mapping: ProfileMapping) -> pd.DataFrame:
    """The city's own published quotas from the profile: stadtteil_nr, indicator, value (in %, NaN if empty)."""
    table = read_table(path)
    frames = []
    for indicator, column in mapping.reference.items():
        numbers = parse_numbers(table.frame[column], table.decimal)
        frames.append(pd.DataFrame({"stadtteil_nr": [stadtteil_number(v) for v in table.frame[mapping.key]],
                                    "indicator": indicator, "value": numbers.values}))
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------- validation

class _Tags:
    """Tagged table sources: ``\\x00<n>`` stands for one file and its original column names.

    The validator knows only unit/year/variable/count; a tag lets every problem be moved back to the
    original file and column (the row numbers are the original ones already).
    """

    def __init__(self) -> None:
        self.places: list[tuple[str, dict[str, str]]] = []

    def table(self, frame: pd.DataFrame, source: Source) -> RawTable:
        """A long-form RawTable of cells (all from one file and one column set) tagged with their origin."""
        first = frame.iloc[0]
        columns = {"unit": first["unit_col"], "year": first["year_col"],
                   "variable": first["variable_col"], "count": first["count_col"]}
        self.places.append((str(source.path), columns))
        long = pd.DataFrame({"unit": frame["unit"].astype(str).to_numpy(), "year": frame["year"].astype(str).to_numpy(),
                             "variable": frame["variable"].to_numpy(), "count": frame["count"].astype(str).to_numpy()})
        return RawTable(long, [int(r) for r in frame["row"]], f"\x00{len(self.places) - 1}", None, source.decimal)

    def untag(self, problem: Problem) -> Problem:
        """The problem at the original file and column; tags inside the reason become file names."""
        def name(match: re.Match) -> str:
            return Path(self.places[int(match.group(1))][0]).name

        reason = re.sub(r"\x00(\d+)", name, problem.reason)
        if not problem.file.startswith("\x00"):
            return Problem(problem.file, problem.row, problem.column, reason, problem.sheet)
        path, columns = self.places[int(problem.file[1:])]
        return Problem(path, problem.row, columns.get(problem.column, problem.column), reason, problem.sheet)


def _validate(tables: list[RawTable], tags: _Tags, catalogue: Catalogue,
              units: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The project's validator on tagged tables; problems moved back to the original files and columns."""
    try:
        return validate_statistics(tables, catalogue, units), []
    except DataValidationError as error:
        return None, [tags.untag(p) for p in error.problems]


def _validate_parts(sources: list[Source], catalogue: Catalogue, units: pd.DataFrame) -> list[Problem]:
    """Pass 1: every source part (one zeile or column of one file) through the validator on its own."""
    problems = []
    for source in sources:
        for (_, _part), frame in source.cells.groupby(["variable", "part"], sort=False):
            tags = _Tags()
            problems += _validate([tags.table(frame, source)], tags, catalogue, units)[1]
    return problems


def _sum_parts(source: Source) -> tuple[pd.DataFrame, list[Problem]]:
    """Variables per unit and year as the sum of their parts; suppressed if any part is suppressed.

    Returns cells (one per unit/year/variable, located at the first part's row and column) whose count
    text is the sum, "*" when suppressed; a problem for every unit/year lacking a part.
    """
    cells = source.cells.copy()
    numbers = parse_numbers(cells["count"], source.decimal)
    cells["_value"], cells["_suppressed"] = numbers.values, numbers.status == "suppressed"
    order = {(v, p): n for v, parts in source.parts.items() for n, p in enumerate(parts)}
    cells["_order"] = [order.get((v, p), 0) for v, p in zip(cells["variable"], cells["part"])]
    cells = cells.sort_values(["variable", "unit", "year", "_order", "row"], kind="stable")
    grouped = cells.groupby(["unit", "year", "variable"], sort=False)
    first = grouped.head(1).set_index(["unit", "year", "variable"])
    summary = grouped.agg(value=("_value", "sum"), suppressed=("_suppressed", "any"), parts=("part", "nunique"))
    problems = []
    expected = {v: len(p) for v, p in source.parts.items()}
    for (unit, year, variable), row in summary.iterrows():
        if row["parts"] < expected.get(variable, 1):
            same = (cells["unit"] == unit) & (cells["year"] == year) & (cells["variable"] == variable)
            have = set(cells.loc[same, "part"])
            lacking = [p for p in source.parts[variable] if p not in have]
            where = first.loc[(unit, year, variable)]
            problems.append(Problem(str(source.path), int(where["row"]), where["variable_col"],
                                    f"für Stadtteil {unit}, Jahr {year} fehlt der Teil "
                                    f"{', '.join(repr(p) for p in lacking)} von Variable '{variable}'"))
    totals = first.reset_index()
    values = summary.reindex(pd.MultiIndex.from_frame(totals[["unit", "year", "variable"]]))
    totals["count"] = np.where(values["suppressed"].to_numpy(), "*",
                               [f"{v:.0f}" if float(v).is_integer() else repr(float(v)) for v in values["value"]])
    # A sum in a wide table is located at all its columns ("A + B"); in a long table the column is "zahl".
    wide = (totals["count_col"] == totals["variable_col"]).to_numpy() & (values["parts"].to_numpy() > 1)
    totals["count_col"] = np.where(wide, [" + ".join(source.parts.get(v, [])) for v in totals["variable"]],
                                   totals["count_col"])
    return totals[_CELL_COLUMNS], problems


# ----------------------------------------------------------------------------- conversion

@dataclass
class KoelnSummary:
    """What :func:`convert_koeln` read, wrote and could not fill (for the planner and the lead)."""

    written: Path
    units_written: Path
    files_read: list[Path]
    files_missing: list[str]
    units: int
    years: list[int]
    variables: dict[str, list[int]]
    rows: int
    suppressed: int
    indicators: dict[str, list[int]]
    not_computable: dict[str, list[str]]
    total_checks: pd.DataFrame
    overlaps: pd.DataFrame
    skipped: dict[str, dict[str, int]]
    ignored: dict[str, list[str]] = field(default_factory=dict)
    """Per file, the zeile texts or columns left out on purpose ('ignore' in the mapping)."""

    def text(self) -> str:
        """A German summary for the console."""
        lines = [f"Geschrieben: {self.written} ({self.rows} Werte, davon {self.suppressed} unterdrückt), "
                 f"{self.units_written} ({self.units} Stadtteile)",
                 f"Gelesen: {', '.join(p.name for p in self.files_read)}"]
        if self.files_missing:
            lines.append(f"Nicht vorhanden: {', '.join(self.files_missing)}")
        lines.append("Variablen und Jahre:")
        lines += [f"  {v}: {_years(y)}" for v, y in self.variables.items()]
        lines.append("Berechenbare Indikatoren:")
        lines += [f"  {i}: {_years(y)}" for i, y in self.indicators.items()]
        lines.append("Nicht berechenbar (fehlende Variablen):")
        lines += [f"  {i}: {', '.join(v)}" for i, v in self.not_computable.items()]
        if len(self.total_checks):
            bad = self.total_checks[self.total_checks["difference"].abs() > 0]
            lines.append(f"Summenkontrolle (Summe der Stadtteile = Wert der Stadt bzw. des Stadtbezirks): "
                         f"{len(self.total_checks) - len(bad)} von {len(self.total_checks)} stimmen exakt")
        return "\n".join(lines)


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years) if years else "-"


def _units_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 86 Stadtteile as written to units.csv, and validated as the loader will see them."""
    frame = stadtteil_units()
    raw = RawTable(frame.astype(str), list(range(2, len(frame) + 2)), "units.csv")
    return frame, validate_units(raw)


def _total_checks(sources: list[Source], statistics: pd.DataFrame) -> pd.DataFrame:
    """Per file, area (city, Stadtbezirk), variable and year: sum over its Stadtteile against the file's own total.

    ``stadtteile`` is NaN when a Stadtteil value is suppressed, ``total`` NaN when the total is suppressed.
    """
    rows = []
    bezirk = statistics["unit"].astype(int) // 100
    for source in sources:
        if source.totals.empty:
            continue
        totals = source.totals.groupby(["ebene", "raum_nr", "variable", "year"]).agg(
            total=("count", "sum"), suppressed=("suppressed", "any"))
        for (ebene, raum_nr, variable, year), row in totals.iterrows():
            inside = (statistics["variable"] == variable) & (statistics["year"] == int(year))
            if ebene == "stadtbezirk":
                inside &= bezirk == raum_nr
            part = statistics[inside]
            stadtteile = np.nan if part["suppressed"].any() else part["count"].sum(min_count=1)
            total = np.nan if row["suppressed"] else row["total"]
            raum = "Stadt Köln" if ebene == "stadt" else f"Stadtbezirk {raum_nr} ({STADTBEZIRKE[raum_nr]})"
            rows.append({"file": source.path.name, "raum": raum,
                         "variable": variable, "year": int(year), "stadtteile": stadtteile, "total": total,
                         "units": int(part["unit"].nunique()), "difference": stadtteile - total})
    return pd.DataFrame(rows, columns=["file", "raum", "variable", "year", "stadtteile", "total", "units",
                                       "difference"])


def _resolve_overlaps(summed: list[tuple[Source, pd.DataFrame]]
                      ) -> tuple[list[tuple[Source, pd.DataFrame]], pd.DataFrame]:
    """Earlier sources win: a later file contributes only variable/years no earlier file delivered.

    Overlapping values are compared (numbers of equal and different Stadtteil values), so a
    disagreement between the city's files is visible in the summary instead of silently resolved.
    """
    kept, seen, overlaps = [], None, []
    for source, cells in summed:
        keys = cells[["variable", "year"]].astype(str).agg("|".join, axis=1)
        if seen is not None:
            taken = set(seen["variable"].astype(str) + "|" + seen["year"].astype(str))
            overlap = keys.isin(taken).to_numpy()
            if overlap.any():
                both = cells[overlap].merge(seen, on=["unit", "year", "variable"], suffixes=("", "_earlier"))
                for (variable, year), group in both.groupby(["variable", "year"]):
                    a = pd.to_numeric(group["count"], errors="coerce")
                    b = pd.to_numeric(group["count_earlier"], errors="coerce")
                    overlaps.append({"file": source.path.name, "variable": variable, "year": int(year),
                                     "equal": int((a == b).sum()), "different": int((a != b).sum()),
                                     "max_abs_difference": float((a - b).abs().max())})
            cells = cells[~overlap]
        kept.append((source, cells))
        seen = cells[["unit", "year", "variable", "count"]] if seen is None else pd.concat(
            [seen, cells[["unit", "year", "variable", "count"]]], ignore_index=True)
    return kept, pd.DataFrame(overlaps, columns=["file", "variable", "year", "equal", "different",
                                                 "max_abs_difference"])


def _coverage(statistics: pd.DataFrame, catalogue: Catalogue
              ) -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[str]]]:
    """Years per variable, years in which each indicator has all its variables, and what the others lack."""
    present = {v: sorted(int(y) for y in g.unique()) for v, g in statistics.groupby("variable")["year"]}
    computable, lacking = {}, {}
    for indicator in catalogue.indicators:
        needed = indicator.numerator + indicator.denominator
        missing = [v for v in needed if v not in present]
        if missing:
            lacking[indicator.id] = missing
            continue
        years = set.intersection(*(set(present[v]) for v in needed))
        if years:
            computable[indicator.id] = sorted(years)
        else:
            lacking[indicator.id] = ["kein gemeinsames Jahr aller Variablen"]
    return present, computable, lacking


def read_sources(source_dir: Path, mapping: KoelnMapping, mapping_path: Path) -> tuple[list[Source], list[str]]:
    """Read every mapped file that is present in ``source_dir`` (portal first, then Datenkatalog, then profile)."""
    sources, missing = [], []
    plans = [(name, getattr(mapping, attr), reader) for name, attr, reader in (
        ("portal", "portal", lambda p, m: read_portal(p, m)),
        ("datenkatalog", "datenkatalog", lambda p, m: read_datenkatalog(p, m, mapping_path)),
        ("profile", "profile", lambda p, m: read_profile(p, m, mapping_path)))]
    for _, section, reader in plans:
        if section is None:
            continue
        for name in section.files:
            path = source_dir / name
            if path.exists():
                sources.append(reader(path, section))
            else:
                missing.append(name)
    return sources, missing


def convert_koeln(source_dir: str | Path, target_dir: str | Path,
                  parameters_dir: str | Path | None = None) -> KoelnSummary:
    """Write a project data folder (units.csv + statistics_koeln.csv) from the city's files in ``source_dir``.

    Reads the files named in ``koeln_mapping.yml`` that are present, validates every part where it stands
    and the summed variables together, and raises one DataValidationError naming file, row and column
    of every problem; nothing is written then. ``load_dataset(target_dir)`` loads the result.
    """
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    parameters = default_parameters_dir(parameters_dir)
    mapping_path = parameters / MAPPING_FILE
    mapping = load_mapping(mapping_path)
    catalogue = load_catalogue(parameters / "indicators.yml")
    problems = _catalogue_problems(mapping, catalogue, mapping_path)
    if problems:
        raise DataValidationError(problems)
    units_frame, units = _units_table()
    sources, missing = read_sources(source_dir, mapping, mapping_path)
    if not sources:
        raise DataValidationError([Problem(str(source_dir), None, None, f"keine der in {MAPPING_FILE} genannten "
                                                                      f"Dateien gefunden ({', '.join(missing)})")])
    for source in sources:
        problems += source.problems
    problems += _validate_parts(sources, catalogue, units)
    summed = []
    for source in sources:
        cells, lacking = _sum_parts(source)
        problems += lacking
        summed.append((source, cells))
    if problems:
        raise DataValidationError(problems)
    kept, overlaps = _resolve_overlaps(summed)
    tags = _Tags()
    tables = [tags.table(group, source) for source, cells in kept
              for _, group in cells.groupby(["variable_col", "count_col"], sort=False)]
    # Statistics already in the target folder are loaded together with ours: checked together here.
    tables += _existing_statistics(target_dir, target_dir / STATISTICS_FILE)
    statistics, problems = _validate(tables, tags, catalogue, units)
    if problems:
        raise DataValidationError(problems)
    long = statistics[["unit", "year", "variable"]].copy()
    long["count"] = np.where(statistics["suppressed"], "*",
                             [f"{v:.0f}" if pd.notna(v) else "" for v in statistics["count"]])
    target_dir.mkdir(parents=True, exist_ok=True)
    written, units_written = target_dir / STATISTICS_FILE, target_dir / "units.csv"
    _atomic_csv(long, written)
    _atomic_csv(units_frame, units_written)
    variables, indicators, lacking = _coverage(statistics, catalogue)
    return KoelnSummary(written, units_written, [s.path for s in sources], missing,
                        int(statistics["unit"].nunique()), sorted(int(y) for y in statistics["year"].unique()),
                        variables, len(long), int(statistics["suppressed"].sum()), indicators, lacking,
                        _total_checks(sources, statistics), overlaps,
                        {s.path.name: s.skipped for s in sources if s.skipped},
                        {s.path.name: s.ignored for s in sources if s.ignored})
