"""Disclosure control for public reports: primary and secondary suppression of small counts.

Primary suppression hides every count of people from 1 to below its publish threshold (0 is shown:
"nobody" reveals nothing about a person, as in the city's own statistics). Secondary suppression then
hides as few further cells as needed so that no hidden count can be recomputed from a total and the
visible parts of that total (a row that sums the others, or a count column that sums other columns).
Values derived from a hidden count (its rate, interval or distance to the city) are hidden too.

:mod:`veedel_lib.render.report` calls :func:`protect` for every table and every chart's data: there is no
other way to put a table into a report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .blocks import Col
from .hyphenation import strip


@dataclass
class Protected:
    """A table after disclosure control: values with hidden cells set to NaN, and which cells are hidden."""

    frame: pd.DataFrame
    hidden: pd.DataFrame  # same shape, True where a value was withheld
    primary: pd.DataFrame  # True where a count was below its threshold

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden.to_numpy().any())


def _thresholds(frame: pd.DataFrame, column: Col) -> pd.Series:
    if isinstance(column.threshold, str):
        return pd.to_numeric(frame[column.threshold], errors="coerce").fillna(0)
    return pd.Series(float(column.threshold or 0), index=frame.index)


def primary_mask(frame: pd.DataFrame, columns: list[Col]) -> pd.DataFrame:
    """True for each count cell from 1 to below its column's (or row's) publish threshold."""
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for column in columns:
        if column.kind != "count" or column.key not in frame:
            continue
        values = pd.to_numeric(frame[column.key], errors="coerce")
        limit = _thresholds(frame, column)
        mask[column.key] = (values > 0) & (values < limit)
    return mask


def _line_is_exposed(values: np.ndarray, hidden: np.ndarray) -> bool:
    """Whether the hidden cells of an additive line can be pinned down from the visible ones.

    One hidden cell is always recomputable (total minus the visible parts). Several hidden cells are
    pinned when their known sum equals their number: since zeros are shown, every hidden cell is at
    least 1, so each must be exactly 1 (e.g. two hidden cells summing to 2).
    """
    count = int(hidden.sum())
    if count == 1:
        return True
    if count == 0 or hidden[-1]:
        return False  # with the total hidden too, no exact sum of the hidden parts is known
    return float(values[:-1][hidden[:-1]].sum()) <= count


def _protect_line(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Secondary suppression in one additive line: parts ``values[:-1]`` sum to ``values[-1]``.

    While the hidden cells could be recomputed (see :func:`_line_is_exposed`), the smallest other
    non-zero cell (the least information lost) is hidden too. Returns the updated hidden flags.
    """
    hidden = hidden.copy()
    while _line_is_exposed(values, hidden):
        candidates = [i for i in range(len(values)) if not hidden[i] and np.isfinite(values[i])]
        if candidates:
            # Never pick a zero among the parts: hiding a known zero protects nothing.
            nonzero = [i for i in candidates if values[i] != 0] or candidates
            hidden[min(nonzero, key=lambda i: (values[i], i))] = True
        else:
            break
    return hidden


def secondary_mask(frame: pd.DataFrame, primary: pd.DataFrame, columns: list[Col], total_row: str | None,
                   total_columns: dict[str, list[str]]) -> pd.DataFrame:
    """Extend the hidden cells until no hidden count can be recomputed from a total in the same table.

    Additive lines are the columns (when a row labelled ``total_row`` in the first column sums the
    other rows) and the rows (for each count column declared in ``total_columns`` as the sum of others).
    Repeats until nothing changes, since hiding a cell in one line can expose it in another.
    """
    hidden = primary.copy()
    counts = [c.key for c in columns if c.kind == "count" and c.key in frame]
    first = columns[0].key
    lines: list[tuple[list, list]] = []  # (row labels, column names), the last element is the total
    if total_row is not None and total_row in set(frame[first]):
        total_index = frame.index[frame[first] == total_row][0]
        parts = [i for i in frame.index if i != total_index]
        for column in counts:
            lines.append(([*parts, total_index], [column]))
    for total, parts in total_columns.items():
        for index in frame.index:
            lines.append(([index], [*parts, total]))
    changed = True
    while changed:
        changed = False
        for rows, cols in lines:
            cells = [(r, c) for r in rows for c in cols]
            values = np.array([pd.to_numeric(frame.at[r, c], errors="coerce") for r, c in cells], dtype=float)
            flags = np.array([bool(hidden.at[r, c]) for r, c in cells])
            updated = _protect_line(values, flags)
            for (r, c), before, after in zip(cells, flags, updated):
                if after and not before:
                    hidden.at[r, c] = True
                    changed = True
    return hidden


def protect(frame: pd.DataFrame, columns: list[Col], total_row: str | None = None,
            total_columns: dict[str, list[str]] | None = None) -> Protected:
    """Apply primary, secondary and derived suppression to a table; hidden values become NaN."""
    frame = frame.reset_index(drop=True)
    primary = primary_mask(frame, columns)
    hidden = secondary_mask(frame, primary, columns, total_row, total_columns or {})
    for column in columns:
        if column.based_on and column.key in frame:
            derived = np.zeros(len(frame), dtype=bool)
            for source in column.based_on:
                if source in hidden:
                    derived |= hidden[source].to_numpy()
            hidden[column.key] = hidden[column.key].to_numpy() | derived
    result = frame.copy()
    for column in hidden.columns:
        if hidden[column].any():
            result[column] = result[column].astype(object).where(~hidden[column], np.nan)
    return Protected(result, hidden, primary)


def rate_basis(prefix: str | None = "area", header: str = "Anzahl im Gebiet", show: bool = False) -> list[Col]:
    """The two counts behind a rate, as disclosure columns: the numerator (threshold in column ``threshold``) and
    the denominator (threshold in ``denominator_threshold``, never shown).

    Every value computed from a rate (the rate, its interval, distances, ratios, verdicts) is declared
    ``based_on`` :func:`basis` of the same prefix, so it is withheld when either count is too small: a rate of
    1 of 2 people describes those people, and an interval around 0 of 2 gives the 2 away.
    """
    return count_pair(*basis(prefix), header=header, show=show)


def count_pair(numerator: str, denominator: str, header: str = "Anzahl", show: bool = False) -> list[Col]:
    """Disclosure columns for a numerator and a denominator count with their thresholds (see :func:`rate_basis`)."""
    return [Col(numerator, header, "count", threshold="threshold", show=show),
            Col(denominator, "Bezugsgröße", "count", threshold="denominator_threshold", show=False)]


def basis(prefix: str | None = "area") -> tuple[str, str]:
    """Names of the numerator and denominator columns (``area_numerator``, ``area_denominator``; no prefix:
    ``numerator``, ``denominator`` as in indicator tables)."""
    start = f"{prefix}_" if prefix else ""
    return f"{start}numerator", f"{start}denominator"


COMPARISON_DERIVED = ("area_value", "area_ci_low", "area_ci_high", "difference", "worse_ratio", "p_value")
"""Columns of a comparison with the city (analysis.comparison) computed from the area's counts."""


def public_comparison(comparison: pd.DataFrame) -> pd.DataFrame:
    """A comparison with the city as it may be published: every value, verdict and Handlungsbedarf computed
    from an area count below its threshold is NaN (for sentences and figures; tables declare the same)."""
    columns = rate_basis() + [Col(key, key, "number", based_on=basis()) for key in COMPARISON_DERIVED] + [
        Col(key, key, "text", based_on=basis()) for key in ("assessment", "need")]
    return masked(comparison, [c for c in columns if c.key in comparison.columns])


def masked(frame: pd.DataFrame, columns: list[Col]) -> pd.DataFrame:
    """The frame with every shown value hidden by disclosure control set to NaN (for drawing figures).

    Columns declared ``show=False`` (the counts behind rates) keep their values: they are never
    displayed or written, and the report needs them to mark the hidden cells again.
    """
    result = protect(frame, columns).frame
    for column in columns:
        if column.key not in frame.columns:
            continue
        if not column.show:
            result[column.key] = frame[column.key].to_numpy()
        elif pd.api.types.is_numeric_dtype(frame[column.key]):
            # hiding goes through an object column; figures need numbers (NaN where hidden) again
            result[column.key] = pd.to_numeric(result[column.key]).astype(float)
    return result


def leaks(original: pd.DataFrame, protected: Protected, columns: list[Col]) -> list[str]:
    """Shown cells that disclosure control hides but ``original`` still holds (what a figure would leak)."""
    found = []
    for column in columns:
        if not column.show or column.key not in original.columns:
            continue
        exposed = protected.hidden[column.key].to_numpy() & original[column.key].notna().to_numpy()
        found += [f"Zeile {i + 1}, {strip(column.header)}" for i in np.flatnonzero(exposed)]
    return found
