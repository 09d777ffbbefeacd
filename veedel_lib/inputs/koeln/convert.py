"""Convert the city's files into a project data folder: validate every part, sum, check totals, write.

Validation is the project's validator, run twice: first on every source part as it stands in the file
(so a bad cell is reported at its own file, row and column), then on the summed variables of all files
together (duplicates across files, numerators above denominators). Both passes use tagged
:class:`~veedel_lib.inputs.readers.RawTable` objects whose rows are the original spreadsheet rows;
problems are translated back to the original file and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataValidationError, Problem, german_number
from ...params.catalogue import Catalogue, load_catalogue
from ...params.reference import SpatialReference, reference_for
from ...params.run_config import parameters_dir as default_parameters_dir
from ..readers import RawTable, parse_numbers
from ..validation import validate_statistics, validate_units
from ..wide_import import existing_statistics, stadtteil_units, write_long_csv
from .mapping import MAPPING_FILE, catalogue_problems, load_mapping
from .sources import CELL_COLUMNS, Source, read_sources

STATISTICS_FILE = "statistics_koeln.csv"


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
    return totals[CELL_COLUMNS], problems


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
        lines = [f"Geschrieben: {self.written} ({german_number(self.rows)} Werte, davon "
                 f"{german_number(self.suppressed)} unterdrückt), "
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
                         f"{german_number(len(self.total_checks) - len(bad))} von "
                         f"{german_number(len(self.total_checks))} stimmen exakt")
        if self.warnings:
            lines.append("Hinweise:")
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)

    @property
    def warnings(self) -> list[str]:
        """German lines for the console: sum checks that do not add up and overlapping files that disagree.

        A Stadtteil sum below the city's or Bezirk's own total usually means missing Stadtteil rows (or
        persons the file could not assign to a Stadtteil); the callers of :func:`convert_koeln` print these
        lines, so the planner sees them without opening ``umwandlung.txt``.
        """
        lines = []
        checks = self.total_checks
        bad = checks[checks["difference"].abs() > 0] if len(checks) else checks
        for (file, raum, variable), group in bad.groupby(["file", "raum", "variable"], sort=False):
            years = "; ".join(f"{int(r.year)}: Summe {german_number(r.stadtteile)}, Datei {german_number(r.total)} "
                              f"(Differenz {'+' if r.difference > 0 else ''}{german_number(r.difference)})"
                              for r in group.itertuples())
            expected, fewest = int(group["expected_units"].iloc[0]), int(group["units"].min())
            cause = (f"nur {fewest} von {expected} Stadtteilen haben Werte: es fehlen Zeilen von Stadtteilen"
                     if fewest < expected else
                     f"alle {expected} Stadtteile haben Werte: der Unterschied steht so in der Datei (z. B. Fälle "
                     "ohne Zuordnung zu einem Stadtteil)")
            lines.append(f"Summenkontrolle {file}, {raum}, Variable '{variable}': die Summe der Stadtteile weicht vom "
                         f"Wert der Datei ab ({years}); {cause}")
        overlaps = self.overlaps
        for row in (overlaps[overlaps["different"] > 0] if len(overlaps) else overlaps).itertuples():
            lines.append(f"Überschneidung {row.file}, Variable '{row.variable}' {row.year}: "
                         f"{german_number(row.different)} Stadtteilwerte weichen von einer früheren Datei ab (bis "
                         f"{german_number(row.max_abs_difference)}); es gilt die frühere Datei")
        return lines


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years) if years else "-"


def _units_table(reference: SpatialReference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 86 Stadtteile as written to units.csv, and validated as the loader will see them."""
    frame = stadtteil_units(reference)
    raw = RawTable(frame.astype(str), list(range(2, len(frame) + 2)), "units.csv")
    return frame, validate_units(raw, reference)


def _total_checks(sources: list[Source], statistics: pd.DataFrame, reference: SpatialReference,
                  rates: set[str] = frozenset()) -> pd.DataFrame:
    """Per file, area (city, Stadtbezirk), variable and year: sum over its Stadtteile against the file's own total.

    ``stadtteile`` is NaN when a Stadtteil value is suppressed, ``total`` NaN when the total is suppressed.
    Published rates (``rates``, e.g. the turnout in %) do not add up and are not checked.
    """
    rows = []
    bezirk = statistics["unit"].map(reference.district_of)
    top = reference.top
    for source in sources:
        if source.totals.empty:
            continue
        counted = source.totals[~source.totals["variable"].isin(list(rates))]
        totals = counted.groupby(["ebene", "raum_nr", "variable", "year"]).agg(
            total=("count", "sum"), suppressed=("suppressed", "any"))
        for (ebene, raum_nr, variable, year), row in totals.iterrows():
            inside = (statistics["variable"] == variable) & (statistics["year"] == int(year))
            if ebene == "stadtbezirk":
                inside &= bezirk == raum_nr
            part = statistics[inside]
            stadtteile = np.nan if part["suppressed"].any() else part["count"].sum(min_count=1)
            total = np.nan if row["suppressed"] else row["total"]
            raum = f"Stadt {reference.city}" if ebene == "stadt" else f"{top.name} {raum_nr} ({top.name_of(raum_nr)})"
            keys = reference.base.keys()
            expected = len(keys) if ebene == "stadt" else sum(1 for n in keys if reference.district_of(n) == raum_nr)
            rows.append({"file": source.path.name, "raum": raum,
                         "variable": variable, "year": int(year), "stadtteile": stadtteile, "total": total,
                         "units": int(part["unit"].nunique()), "difference": stadtteile - total,
                         "expected_units": expected})
    return pd.DataFrame(rows, columns=["file", "raum", "variable", "year", "stadtteile", "total", "units",
                                       "difference", "expected_units"])


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
        ways = [needed for needed in (indicator.counts, [indicator.rate] if indicator.rate else []) if needed]
        usable = [needed for needed in ways if all(v in present for v in needed)]
        if not usable:
            lacking[indicator.id] = [v for v in ways[0] if v not in present]
            continue
        years = set().union(*(set.intersection(*(set(present[v]) for v in needed)) for needed in usable))
        if years:
            computable[indicator.id] = sorted(years)
        else:
            lacking[indicator.id] = ["kein gemeinsames Jahr aller Variablen"]
    return present, computable, lacking


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
    problems = catalogue_problems(mapping, catalogue, mapping_path)
    if problems:
        raise DataValidationError(problems)
    reference = reference_for(parameters)
    units_frame, units = _units_table(reference)
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
    tables += existing_statistics(target_dir, target_dir / STATISTICS_FILE)
    statistics, problems = _validate(tables, tags, catalogue, units)
    if problems:
        raise DataValidationError(problems)
    long = statistics[["unit", "year", "variable"]].copy()
    rates = {v.id for v in catalogue.variables if v.kind == "rate"}  # published rates keep their decimals
    long["count"] = np.where(statistics["suppressed"], "*",
                             [("" if pd.isna(v) else f"{v:g}" if variable in rates else f"{v:.0f}")
                              for v, variable in zip(statistics["count"], statistics["variable"])])
    target_dir.mkdir(parents=True, exist_ok=True)
    written, units_written = target_dir / STATISTICS_FILE, target_dir / "units.csv"
    write_long_csv(long, written)
    write_long_csv(units_frame, units_written)
    variables, indicators, lacking = _coverage(statistics, catalogue)
    return KoelnSummary(written, units_written, [s.path for s in sources], missing,
                        int(statistics["unit"].nunique()), sorted(int(y) for y in statistics["year"].unique()),
                        variables, len(long), int(statistics["suppressed"].sum()), indicators, lacking,
                        _total_checks(sources, statistics, reference, rates), overlaps,
                        {s.path.name: s.skipped for s in sources if s.skipped},
                        {s.path.name: s.ignored for s in sources if s.ignored})
