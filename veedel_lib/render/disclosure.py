"""Disclosure control for public reports: primary and secondary suppression of small counts, and composites.

Primary suppression hides every count of people from 1 to below its publish threshold (0 is shown:
"nobody" reveals nothing about a person, as in the city's own statistics). Secondary suppression then
hides as few further cells as needed so that no hidden count can be recomputed from a total and the
visible parts of that total (a row that sums the others, or a count column that sums other columns).
Values derived from a hidden count (its rate, interval or distance to the city) are hidden too.

**Composites.** Every value built from several counts (a rate, a sum, a difference between two years, a smoothed
rate, an index) declares the counts it is built from (``Col.based_on`` in tables, :func:`composite_withheld` for
whole rows) and is withheld wherever any of them is withheld. Where a composite is additive over rows of the same
table (a total next to its parts), :func:`secondary_mask` keeps at least two unknowns in every line.

**Standardised composites (the Sozialindex).** The rule of the statistics offices: a unit with a withheld input
gets no published index and no class, and none of its z-values (:func:`public_index`; the reason is said in the
report, :data:`INDEX_WITHHELD`). The unit stays in the standardisation unless the method takes it out, so its
withheld value still enters the means and standard deviations of every indicator and of the index. Those columns
obey two identities over the rated units that any reader can use with the published values: for each indicator
(and for the index) the z-values sum to zero, and their squares sum to the number of units (population SD,
unweighted; weighted or sample SDs give the same two equations with other constants). Published means and SDs
add nothing to these two (they are the same equations in the original unit); the restandardised index adds a third
(its squares sum to the number of units too, and the square of a row's index is built from the row's z-values).
One unknown value of a column is therefore given back by the sum, two by the sum and the sum of squares, three
with the index's equation; only with at least four unknowns (:data:`STANDARDISED_UNKNOWNS`) in each column that
holds a value resting on a withheld count does a degree of freedom remain, and the hidden values may lie anywhere
in an interval about as wide as their spread (:func:`hidden_range`, at least :data:`PROTECTION_WIDTH` standard
deviations). A value counts as unknown only if no other published file gives it (a Stadtteil that is a programme
area has its other indicator values published in the area's report). So when fewer are withheld, :func:`standardised_mask` withholds further rated units
(secondary suppression over the z-columns, as :func:`secondary_mask` does for totals), preferring units whose
values are published nowhere else (Stadtteile outside every area). A secondary unit loses its index and class as
well: its index and its other values would otherwise give back its own hidden z-value, and with it the first one.
Statistics built over all rated units (correlations, ranks, counts per class) are published only over the units
whose values are published.

The blocks (:mod:`veedel_lib.render.blocks`) call :func:`protect` for every table and every chart's data when
they render: there is no other way to put a table into a report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DisclosureError
from .columns import Col
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


STANDARDISED_UNKNOWNS = 4
"""Fewest unknown values a standardised column may have, if any: its z-values sum to zero and their squares to the
number of units, and the restandardised index adds one more equation (its squares sum to the number of units, and
its square of a row is a sum of that row's z-values and their products), so three unknowns could still be solved
for; with four, one degree of freedom remains."""

PROTECTION_WIDTH = 1.0
"""Narrowest interval (in standard deviations of the indicator) in which a withheld standardised value may lie for
all the published files tell: with three withheld values close to one another the circle they lie on is small, so
further units are withheld until it is this wide (one SD of a rate is several times any publish threshold)."""

INDEX_WITHHELD = ("Index und Klasse nicht veröffentlicht: ein Eingangswert unterliegt der Geheimhaltung (hier oder "
                  "bei einer anderen Einheit, deren Wert sich sonst zurückrechnen ließe)")
"""The reason given for every unit whose index, class and z-values are withheld (the same words for a unit with a
small count of its own and for one withheld to protect another: which is which is not said)."""


def composite_withheld(frame: pd.DataFrame, parts: list[Col]) -> pd.Series:
    """True for each row in which a composite built from the count columns ``parts`` (an index from its indicators'
    numerators and denominators, a sum, a difference of two years) must be withheld: any part lies from 1 to below
    its publish threshold, the primary rule applied to every count the composite is built from."""
    keys = [c.key for c in parts if c.kind == "count" and c.key in frame.columns]
    if not keys:
        return pd.Series(False, index=frame.index)
    return primary_mask(frame, parts)[keys].any(axis=1)


def hidden_range(values: pd.Series) -> float:
    """Width (in SDs) of the interval in which each of the hidden values ``values`` of one standardised column may
    lie, given the published rest: the hidden ones have a known sum and a known sum of squares, so they lie on a
    circle around their mean; each may lie within sqrt((k - 1) / k) times its radius of that mean. 0 for one or two
    hidden values (then they are pinned), and narrow when the hidden values are close to one another."""
    hidden = values.dropna().to_numpy(dtype=float)
    k = len(hidden)
    if k < 3:
        return 0.0
    return 2 * float(np.sqrt((k - 1) / k * ((hidden - hidden.mean()) ** 2).sum()))


def standardised_mask(withheld: pd.Series, standardised: list[pd.DataFrame], preference: pd.Series,
                      known: pd.DataFrame | None = None, secret: pd.DataFrame | None = None,
                      unknowns: int = STANDARDISED_UNKNOWNS, width: float = PROTECTION_WIDTH) -> pd.Series:
    """Rows to withhold from columns standardised over sets of rows (an index's status and dynamics).

    ``withheld``: True for rows withheld for a reason of their own; ``standardised``: per set of rows the columns
    standardised over it (z-values and index; NaN in rows outside the set); ``preference``: which published rows
    to withhold first, ascending (NaN last; e.g. 0 for units whose values are published nowhere else, 1 otherwise,
    plus the relative size of the smallest count); ``known``: True for cells a reader can get from another published
    file even when their row is withheld (e.g. the values of a Stadtteil that is a programme area, except those on a
    withheld count), columns missing from it are never known; ``secret``: True for the cells that rest on a withheld
    count themselves (None: every withheld cell). Each column holding a secret withheld cell then has at least
    ``unknowns`` unknown withheld values, spread so widely that each may lie anywhere in an interval of ``width``
    standard deviations (:func:`hidden_range`; see the module docstring); a column whose unknowns are all of units
    withheld only for protection may be solved for, it gives nothing secret away. Rows are withheld whole, so a set
    that gains rows for another set stays protected. Returns the extended mask (same index as ``withheld``).
    """
    result = withheld.astype(bool).copy()
    order = preference.reindex(result.index).sort_values(kind="stable", na_position="last").index
    known = known if known is not None else pd.DataFrame(index=result.index)

    def exposed(frame: pd.DataFrame) -> bool:
        hidden = frame[result.reindex(frame.index, fill_value=False)]
        for column in frame.columns:
            if secret is not None and not (column in secret.columns and bool(
                    (secret[column].reindex(hidden.index, fill_value=False).astype(bool) & hidden[column].notna()).any())):
                continue  # no value of this column that rests on a withheld count is hidden in it
            if column in known.columns:
                values = hidden[column].where(~known[column].reindex(hidden.index, fill_value=False).astype(bool))
            else:
                values = hidden[column]
            count = int(values.notna().sum())
            if count and (count < unknowns or hidden_range(values) < width):
                return True
        return False

    changed = True
    while changed:
        changed = False
        for frame in standardised:
            members = frame.notna().any(axis=1).reindex(result.index, fill_value=False)
            while exposed(frame):
                extra = next((key for key in order if members[key] and not result[key]), None)
                if extra is None:  # no unit left to hide among: nothing of this set is published
                    break
                result[extra] = True
                changed = True
    return result


@dataclass
class PublicIndex:
    """An index table as it may be published (see :func:`public_index`)."""

    frame: pd.DataFrame
    """The table with every composite of a withheld row NaN (numbers) or "" (class codes and labels)."""
    withheld: pd.Series
    """True for rows whose composites are withheld (a small input of their own, or to protect another row)."""
    primary: pd.Series
    """True for rows with an input count from 1 to below its threshold."""


def public_index(frame: pd.DataFrame, inputs: list[Col], composites: list[str], standardised: list[list[str]],
                 preference: pd.Series, known: pd.DataFrame | None = None,
                 secret: pd.DataFrame | None = None) -> PublicIndex:
    """The statistics offices' rule for an index built from counts (e.g. the Sozialindex of the Stadtteile).

    ``inputs``: the count columns each row's index is built from, with their thresholds (numerators and
    denominators of every index indicator, in the report year and, for the dynamics, the base year);
    ``composites``: every column computed from them (z-values, index, class position, code, label);
    ``standardised``: the names of the columns standardised over the same rows, per set (e.g. the z-values and the
    status index; the dynamics' z-values and index), NaN in rows outside the set; ``preference``, ``known`` and
    ``secret``: see :func:`standardised_mask`. A row with a withheld input and the rows withheld to protect it get no published
    composite at all.
    """
    sets = [frame[[c for c in columns if c in frame.columns]].apply(pd.to_numeric, errors="coerce")
            for columns in standardised]
    rated = pd.concat([s.notna().any(axis=1) for s in sets], axis=1).any(axis=1) if sets \
        else pd.Series(True, index=frame.index)
    primary = composite_withheld(frame, inputs) & rated  # an unrated row has no index to withhold
    withheld = standardised_mask(primary, sets, preference, known, secret)
    result = frame.copy()
    for key in composites:
        if key not in result.columns:
            continue
        if pd.api.types.is_numeric_dtype(result[key]):
            result[key] = result[key].mask(withheld)
        else:
            result[key] = result[key].astype(object).mask(withheld, "")
    return PublicIndex(result, withheld, primary)


def published_rank(values: pd.Series, withheld: pd.Series, ascending: bool = False) -> pd.Series:
    """Ranks of the published values only (1 = first), NaN for withheld ones: a rank among all units would leave a
    gap that places the withheld value between its neighbours."""
    shown = values.where(~withheld.reindex(values.index, fill_value=False).astype(bool))
    return shown.rank(ascending=ascending, method="min")


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
    return _masked(frame, columns)[0]


def _masked(frame: pd.DataFrame, columns: list[Col]) -> tuple[pd.DataFrame, Protected]:
    """:func:`masked` and the :class:`Protected` it comes from (which cells were hidden)."""
    protected = protect(frame, columns)
    result = protected.frame
    for column in columns:
        if column.key not in frame.columns:
            continue
        if not column.show:
            result[column.key] = frame[column.key].to_numpy()
        elif pd.api.types.is_numeric_dtype(frame[column.key]):
            # hiding goes through an object column; figures need numbers (NaN where hidden) again
            result[column.key] = pd.to_numeric(result[column.key]).astype(float)
    return result, protected


def leaks(original: pd.DataFrame, protected: Protected, columns: list[Col]) -> list[str]:
    """Shown cells that disclosure control hides but ``original`` still holds (what a figure would leak)."""
    found = []
    for column in columns:
        if not column.show or column.key not in original.columns:
            continue
        exposed = protected.hidden[column.key].to_numpy() & original[column.key].notna().to_numpy()
        found += [f"Zeile {i + 1}, {strip(column.header)}" for i in np.flatnonzero(exposed)]
    return found


@dataclass(frozen=True)
class Basis:
    """What the values of one column of a chart's data rest on, as the chart declares it (see :func:`chart_data`).

    A column is public (``PUBLIC``: labels, years, the city's values, thresholds), a count of people with its
    publish threshold (:func:`count`), or computed from counts (:func:`rests_on`: a rate, its interval, an effect).
    """

    counts: tuple[str, ...] = ()
    """The count columns the values are computed from: withheld in every row where one of them is."""
    threshold: int | str | None = None
    """For a count: its publish threshold, a number or the name of the column holding it per row."""
    drawn: bool = False
    """For a count: True if the chart draws the count itself (then it is withheld too); False for a count that
    only decides what else is withheld (it keeps its value for the data table's own disclosure control)."""
    optional: bool = False
    """True for a column the data may lack (a chart that draws it only where it is given)."""

    @property
    def is_count(self) -> bool:
        return self.threshold is not None


PUBLIC = Basis()
"""A column whose values rest on no count of people (labels, years, thresholds, the city's values)."""


def count(threshold: int | str, drawn: bool = False, optional: bool = False) -> Basis:
    """A count of people with its publish threshold (a number, or the column holding it per row)."""
    return Basis(threshold=threshold, drawn=drawn, optional=optional)


def rests_on(*counts: str, optional: bool = False) -> Basis:
    """A column computed from the count columns ``counts`` (each declared with :func:`count`)."""
    return Basis(counts=counts, optional=optional)


@dataclass
class ChartData:
    """A chart's data as it may be drawn (see :func:`chart_data`)."""

    frame: pd.DataFrame
    """The data with every withheld value NaN (numbers stay numbers), counts behind values kept, index 0..n-1."""
    withheld: pd.DataFrame
    """Same shape: True where a value the data held is withheld (for a chart that marks them, e.g. hatched)."""


def declaration_problems(frame: pd.DataFrame, declared: dict[str, Basis]) -> list[str]:
    """What is wrong between a chart's data and its declaration, in German: columns the data hold but the chart
    does not declare (their disclosure basis is unknown), declared columns the data lack, and values declared to
    rest on a count that is not declared as a count."""
    problems = []
    undeclared = [str(c) for c in frame.columns if c not in declared]
    if undeclared:
        problems.append(f"nicht deklarierte Spalten {', '.join(undeclared)} (ohne Angabe, worauf ihre Werte beruhen)")
    missing = [k for k, b in declared.items() if not b.optional and k not in frame.columns]
    if missing:
        problems.append(f"es fehlen die deklarierten Spalten {', '.join(missing)}")
    unknown = sorted({c for b in declared.values() for c in b.counts
                      if c not in declared or not declared[c].is_count})
    if unknown:
        problems.append(f"Werte beruhen auf {', '.join(unknown)}, die nicht als Anzahl deklariert sind")
    return problems


def chart_data(frame: pd.DataFrame, declared: dict[str, Basis], chart: str) -> ChartData:
    """A chart's data after disclosure control, from the chart's declaration, before anything is drawn.

    ``declared`` names every column of ``frame`` with its :class:`Basis`; ``chart`` names the chart for the
    error. Counts from 1 to below their threshold are withheld with every value declared to rest on them (the
    same primary and derived suppression as every table, :func:`masked`); a count the chart does not draw keeps its
    value. Raises :class:`~veedel_lib.errors.DisclosureError` (German) for a column without declaration, so that
    nothing reaches the drawing whose basis is unknown.
    """
    problems = declaration_problems(frame, declared)
    if problems:
        raise DisclosureError(f"Diagramm „{chart}“: {'; '.join(problems)}. Jede gezeichnete Spalte muss "
                              "deklarieren, auf welchen Anzahlen sie beruht (disclosure.PUBLIC, count, rests_on).")
    columns = [Col(key, key, "count", threshold=basis.threshold, show=basis.drawn)
               for key, basis in declared.items() if basis.is_count and key in frame.columns]
    columns += [Col(key, key, "number", based_on=basis.counts)
                for key, basis in declared.items() if basis.counts and key in frame.columns]
    if not columns:
        data = frame.reset_index(drop=True)
        return ChartData(data, pd.DataFrame(False, index=data.index, columns=data.columns))
    data, protected = _masked(frame, columns)
    original = frame.reset_index(drop=True)
    withheld = protected.hidden & original.notna()
    for column in columns:
        if not column.show:
            withheld[column.key] = False
    return ChartData(data, withheld)
