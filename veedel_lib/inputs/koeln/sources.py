"""Readers for the city's three formats: the portal's long files, the wide Stadtteil profile, the Datenkatalog.

Each reader turns one file into a :class:`Source`: the cells of every mapped part (unit, year, variable,
part, count, and the original row and column for error messages) plus the problems found in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataValidationError, Problem
from ...params.reference import Level, default_reference
from ...params.patterns import PatternSearch
from ...params.yamlfiles import load_yaml, problem_at
from ..readers import RawTable, number_text_problem, parse_numbers, read_table
from .mapping import MAPPING_FILE, DatenkatalogMapping, KoelnMapping, PortalMapping, ProfileMapping, is_ignored

PORTAL_COLUMNS = ("jahr", "raum_id", "raum", "zeile", "zahl")
CITY = "000"
"""raum_id of the whole city in the portal's long format."""


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


CELL_COLUMNS = ["unit", "year", "variable", "part", "count", "row",
                 "unit_col", "year_col", "variable_col", "count_col"]


def _name(number: int) -> str:
    """The name of a Stadtteil in the project's reference (``parameters/raumbezug.yml``)."""
    return default_reference().base.name_of(number)


def _stadtteile() -> Level:
    """The Stadtteile of the project's reference, looked up once per file (not once per row: finding the
    project folder asks the installed distributions, a millisecond each time)."""
    return default_reference().base


def _level_of(raum_id: str, stadtteile: Level) -> tuple[str, int] | None:
    """Spatial level of a portal ``raum_id``: ("stadt", 0), ("stadtbezirk", 1-9) or ("stadtteil", 101-909)."""
    text = raum_id.strip()
    if re.fullmatch(r"0*0", text):
        return "stadt", 0
    if re.fullmatch(r"0*[1-9]", text):
        return "stadtbezirk", int(text)
    number = stadtteile.resolve(text) if re.fullmatch(r"\d{1,3}", text) else None
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
    stadtteile = _stadtteile()
    levels = [_level_of(v, stadtteile) for v in frame["raum_id"]]
    numbers = parse_numbers(frame["zahl"], table.decimal)
    for position, level in enumerate(levels):
        if level is None:
            problems.append(table.problem(position, "raum_id", _unknown_raum(frame.at[position, "raum_id"])))
        if numbers.status[position] in ("missing", "invalid"):
            text = frame.at[position, "zahl"]
            problems.append(table.problem(position, "zahl", number_text_problem(text) or f"keine Zahl: '{text}'"))
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
        return Source(Path(path), "portal", table.decimal, pd.DataFrame(columns=CELL_COLUMNS), {}, problems=problems)
    table, left_out = _without_ignored_tables(table, mapping.ignore_tables)
    frame = table.frame
    part_of = {part: variable for variable, parts in mapping.variables.items() for part in parts}
    problems += _zeile_problems(table, part_of, mapping.ignore)
    stadtteile = _stadtteile()
    levels = [_level_of(v, stadtteile) for v in frame["raum_id"]]
    named_wrong: set[tuple[str, str]] = set()
    for position, level in enumerate(levels):
        if level is None:
            problems.append(table.problem(position, "raum_id", _unknown_raum(frame.at[position, "raum_id"])))
        elif level[0] == "stadtteil":
            by_name = stadtteile.resolve(frame.at[position, "raum"])
            key = (frame.at[position, "raum_id"], frame.at[position, "raum"])
            if by_name is not None and by_name != level[1] and key not in named_wrong:
                named_wrong.add(key)
                problems.append(table.problem(
                    position, "raum", f"Name '{key[1]}' ist Stadtteil {by_name} ({_name(by_name)}), "
                                      f"raum_id sagt {level[1]} ({_name(level[1])})"))
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
    if left_out:
        skipped["Zeilen nicht übernommener Tabellen ('ignore_tables')"] = left_out
    ignored = sorted(set(frame["zeile"][~mapped]))
    return Source(Path(path), "portal", table.decimal, cells, _present_parts(mapping.variables, cells),
                  totals, problems, skipped, ignored)


def _without_ignored_tables(table: RawTable, patterns: list[str]) -> tuple[RawTable, int]:
    """The portal table without the rows of tables (``tabelle``) matching one of ``patterns``, and their number."""
    if not patterns or "tabelle" not in table.frame.columns:
        return table, 0
    search = PatternSearch(MAPPING_FILE)
    names = table.frame["tabelle"]
    left = {name for name in names.unique() if is_ignored(name, patterns, search)}
    keep = ~names.isin(left).to_numpy()
    if keep.all():
        return table, 0
    kept = RawTable(table.frame[keep].reset_index(drop=True), list(np.asarray(table.rows)[keep]), table.source,
                    table.sheet, table.decimal, table.notes)
    return kept, int((~keep).sum())


def _zeile_problems(table: RawTable, part_of: dict[str, str], ignore: list[str]) -> list[Problem]:
    """``zeile`` texts neither mapped nor ignored, and mapped texts that stand in two tables of the file."""
    problems = []
    frame = table.frame
    first = frame.drop_duplicates("zeile")
    search = PatternSearch(MAPPING_FILE)
    for position, zeile in zip(first.index, first["zeile"]):
        if zeile not in part_of and not is_ignored(zeile, ignore, search):
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
    search = PatternSearch(mapping_path)
    ignored = [h for h in headers if h not in accounted and is_ignored(h, ignore, search)]
    for header in headers:
        if header not in accounted and header not in ignored:
            problems.append(table.file_problem(
                f"Spalte ist in {MAPPING_FILE} weder zugeordnet noch unter 'ignore' aufgeführt", header))
    if problems:
        return Source(Path(table.source), kind, table.decimal, pd.DataFrame(columns=CELL_COLUMNS), {},
                      problems=problems)
    units, stadtteile = [], _stadtteile()
    for position, value in enumerate(table.frame[key]):
        number = stadtteile.resolve(value)
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
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CELL_COLUMNS)
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
        return Source(Path(path), "datenkatalog", table.decimal, pd.DataFrame(columns=CELL_COLUMNS), {},
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
    frames, stadtteile = [], _stadtteile()
    numbers_of_rows = [stadtteile.resolve(v) for v in table.frame[mapping.key]]
    for indicator, column in mapping.reference.items():
        numbers = parse_numbers(table.frame[column], table.decimal)
        frames.append(pd.DataFrame({"stadtteil_nr": numbers_of_rows,
                                    "indicator": indicator, "value": numbers.values}))
    return pd.concat(frames, ignore_index=True)


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
