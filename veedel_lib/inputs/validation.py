"""Schemas and validators for the input tables: statistical units and statistics in long form.

Each validator takes :class:`~veedel_lib.inputs.readers.RawTable` objects (text cells with row numbers), types
them, checks them against a pandera schema plus the cross-table rules, and either returns a typed
DataFrame or raises one :class:`~veedel_lib.errors.DataValidationError` listing every problem: missing
or unknown columns, wrong types, unknown units or variables, negative counts, numerators above their
denominators, duplicate keys, years out of range. No row is ever dropped without being reported.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError, Problem, german_number
from ..params.catalogue import Catalogue
from ..params.reference import STADTBEZIRKE, STADTTEILE, stadtbezirk_number, stadtteil_number
from .readers import RawTable, decimal_style_problems, parse_numbers

UNIT_COLUMNS = ("unit_id", "unit_name", "stadtteil", "stadtbezirk")
STATISTICS_COLUMNS = ("unit", "year", "variable", "count")
FIRST_YEAR = 1975
"""Cologne's present boundaries date from the 1975 municipal reform; earlier years cannot be compared."""


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


def _schema_problems(table: RawTable, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    """Run a pandera schema lazily and translate each failure case into a Problem at its source row."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
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

def validate_units(table: RawTable) -> pd.DataFrame:
    """Type and check the table of statistical units.

    Returns columns unit_id, unit_name, stadtteil_nr, stadtteil_name, stadtbezirk_nr, stadtbezirk_name.
    The Stadtteil may be given by number or name; the Stadtbezirk must be the one the Stadtteil belongs to.
    """
    problems = _column_problems(table, UNIT_COLUMNS)
    if any(p.reason.startswith("Pflichtspalte") for p in problems):
        raise DataValidationError(problems)
    raw = table.frame
    stadtteil = pd.Series([stadtteil_number(v) for v in raw["stadtteil"]], dtype=object)
    stadtbezirk = pd.Series([stadtbezirk_number(v) for v in raw["stadtbezirk"]], dtype=object)
    for position in range(len(raw)):
        unit_id, name = raw.at[position, "unit_id"], raw.at[position, "unit_name"]
        if not unit_id:
            problems.append(table.problem(position, "unit_id", "Wert fehlt"))
        if not name:
            problems.append(table.problem(position, "unit_name", "Wert fehlt"))
        st, sb = stadtteil.iat[position], stadtbezirk.iat[position]
        if st is None:
            problems.append(table.problem(position, "stadtteil",
                                          f"kein Kölner Stadtteil: '{raw.at[position, 'stadtteil']}'"))
        if sb is None:
            problems.append(table.problem(position, "stadtbezirk",
                                          f"kein Kölner Stadtbezirk: '{raw.at[position, 'stadtbezirk']}'"))
        if st is not None and sb is not None and st // 100 != sb:
            problems.append(table.problem(position, "stadtbezirk",
                                          f"Stadtteil {st} ({STADTTEILE[st]}) liegt im Stadtbezirk {st // 100} "
                                          f"({STADTBEZIRKE[st // 100]}), nicht in {sb}"))
    duplicated = raw["unit_id"].duplicated(keep=False) & (raw["unit_id"] != "")
    for position in np.flatnonzero(duplicated.to_numpy()):
        others = [table.rows[p] for p in np.flatnonzero((raw["unit_id"] == raw.at[position, "unit_id"]).to_numpy())
                  if p != position]
        problems.append(table.problem(position, "unit_id", f"doppelte Einheit '{raw.at[position, 'unit_id']}' "
                                                           f"(auch in Zeile {', '.join(map(str, others))})"))
    if problems:
        raise DataValidationError(problems)
    units = pd.DataFrame({
        "unit_id": raw["unit_id"].astype(str),
        "unit_name": raw["unit_name"].astype(str),
        "stadtteil_nr": stadtteil.astype(int),
    })
    units["stadtteil_name"] = units["stadtteil_nr"].map(STADTTEILE)
    units["stadtbezirk_nr"] = units["stadtteil_nr"] // 100
    units["stadtbezirk_name"] = units["stadtbezirk_nr"].map(STADTBEZIRKE)
    return units.sort_values(["stadtteil_nr", "unit_id"]).reset_index(drop=True)


# ---------------------------------------------------------------- statistics

def _statistics_schema(catalogue: Catalogue, unit_ids: set[str], years: tuple[int, int]) -> pa.DataFrameSchema:
    first, last = years
    variables = set(catalogue.variable_ids)
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
        ], nullable=True),
    })


def validate_statistics(tables: list[RawTable], catalogue: Catalogue, units: pd.DataFrame,
                        years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Type and check statistics in long form (unit, year, variable, count), from one or more files.

    Returns columns unit, year, variable, count (float, NaN where suppressed at source), suppressed
    (bool). Suppressed cells ("*", ".") are kept as suppressed, never turned into zero.
    """
    years = years or default_years()
    problems: list[Problem] = []
    frames = []
    unit_ids = set(units["unit_id"])
    for table_number, table in enumerate(tables):
        column_problems = _column_problems(table, STATISTICS_COLUMNS)
        problems += column_problems
        if any(p.reason.startswith("Pflichtspalte") for p in column_problems):
            continue
        raw = table.frame
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
                      else f"keine Zahl: '{raw.at[position, 'count']}'")
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
        problems += _schema_problems(table, schema_frame, _statistics_schema(catalogue, unit_ids, years))
        typed["suppressed"] = count.status == "suppressed"
        typed["_table"] = table_number
        typed["_position"] = np.arange(len(typed))
        frames.append(typed)
    if not frames:
        raise DataValidationError(problems)
    data = pd.concat(frames, ignore_index=True)
    problems += _duplicate_problems(data, tables)
    if not problems:
        data["year"] = data["year"].astype(int)
        problems += _ratio_problems(data, tables, catalogue)
    if problems:
        raise DataValidationError(problems)
    data = data.drop(columns=["_table", "_position"])
    return _sorted(data)


def _sorted(data: pd.DataFrame) -> pd.DataFrame:
    """Statistics ordered by year, variable and unit (sorted on integer codes, not on the texts)."""
    unit_codes = pd.factorize(data["unit"], sort=True)[0]
    variable_codes = pd.factorize(data["variable"], sort=True)[0]
    order = np.lexsort((unit_codes, variable_codes, data["year"].to_numpy()))
    return data.take(order).reset_index(drop=True)


def _where(tables: list[RawTable], table_number: int, position: int, current: int) -> str:
    table = tables[table_number]
    row = table.rows[position]
    return f"Zeile {row}" if table_number == current else f"{table.source}, Zeile {row}"


def _duplicate_problems(data: pd.DataFrame, tables: list[RawTable]) -> list[Problem]:
    """One problem per row whose (unit, year, variable) occurs more than once, naming the other rows."""
    keys = ["unit", "year", "variable"]
    duplicated = data[data.duplicated(keys, keep=False) & data["year"].notna()]
    problems = []
    for _, group in duplicated.groupby(keys, sort=False):
        places = list(zip(group["_table"], group["_position"]))
        for table_number, position in places:
            others = [_where(tables, t, p, table_number) for t, p in places if (t, p) != (table_number, position)]
            problems.append(tables[table_number].problem(
                position, "unit", f"doppelter Eintrag für Einheit '{data.loc[group.index[0], 'unit']}', "
                                  f"Jahr {int(group['year'].iloc[0])}, Variable '{group['variable'].iloc[0]}' "
                                  f"(auch {', '.join(others)})"))
    return problems


def _ratio_problems(data: pd.DataFrame, tables: list[RawTable], catalogue: Catalogue) -> list[Problem]:
    """Numerators above denominators, per unit and year, for every bounded indicator."""
    wide = data.pivot_table(index=["unit", "year"], columns="variable", values="count", aggfunc="sum",
                            dropna=False)
    located = data.set_index(["unit", "year", "variable"])[["_table", "_position"]]
    problems = []
    for indicator in catalogue.indicators:
        if not indicator.bounded:
            continue
        needed = indicator.numerator + indicator.denominator
        if not set(needed) <= set(wide.columns):
            continue
        numerator = wide[indicator.numerator].sum(axis=1, min_count=len(indicator.numerator))
        denominator = wide[indicator.denominator].sum(axis=1, min_count=len(indicator.denominator))
        bad = numerator > denominator
        for (unit, year) in wide.index[bad.fillna(False).to_numpy()]:
            key = (unit, year, indicator.numerator[0])
            table_number, position = located.loc[key]
            problems.append(tables[int(table_number)].problem(
                int(position), "count",
                f"Zähler größer als Nenner für Indikator '{indicator.id}' (Einheit '{unit}', Jahr {year}: "
                f"{'+'.join(indicator.numerator)} = {german_number(numerator[(unit, year)])} > "
                f"{'+'.join(indicator.denominator)} = {german_number(denominator[(unit, year)])})"))
    return problems
