"""Why a value is missing: the reason a report states at a table whose cells show "–".

A figure cannot be computed when the data lack one of its counts: a variable the data do not hold at all, one
they hold for other years only, rows missing for some units (:attr:`~veedel_lib.inputs.dataset.Dataset.gaps`),
counts the source delivered withheld ("*"), or a denominator of zero. :func:`missing_reason` finds which of these
applies to one figure (its variables, its units, its years) and says it in German, naming the variables and
years concerned; :func:`missing_cases_note` groups such reasons into the note under a table.

Values withheld by the report's own disclosure control are not "missing": tables show them as "•" with their own
note (:mod:`veedel_lib.render.report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..analysis.indicators import aggregate
from ..inputs.dataset import Dataset
from ..inputs.validation import year_runs
from ..params.catalogue import Indicator
from ..render import formatting as fmt
from ..render import text


@dataclass(frozen=True)
class Missing:
    """One value of a table that shows "–": what it is (``label``, the row or column a reader looks up), which
    counts it is computed from, for which place and units (None: the whole city) and which years."""

    label: str
    variables: tuple[str, ...]
    years: tuple[int, ...]
    place: str = ""
    units: tuple[str, ...] | None = None
    latest_available: bool = False
    denominator: tuple[str, ...] = ()
    rate: str | None = None
    """The indicator's published rate (``rate:`` of the catalogue): used where its counts are not in the data."""

    @classmethod
    def of(cls, indicator: Indicator, years: int | Iterable[int], place: str = "",
           units: Iterable[str] | None = None) -> "Missing":
        """The missing value of a catalogue indicator."""
        return cls(indicator.name, tuple(dict.fromkeys(indicator.counts)),
                   _years(years), place, None if units is None else tuple(units), indicator.latest_available,
                   tuple(indicator.denominator), indicator.rate)

    @classmethod
    def count(cls, label: str, variable: str, years: int | Iterable[int], place: str = "",
              units: Iterable[str] | None = None) -> "Missing":
        """A missing count of one variable (a row of key figures)."""
        return cls(label, (variable,), _years(years), place, None if units is None else tuple(units))


def _years(years: int | Iterable[int]) -> tuple[int, ...]:
    return (int(years),) if isinstance(years, (int, np.integer)) else tuple(sorted({int(y) for y in years}))


def years_phrase(years: Iterable[int]) -> str:
    """Years as German text, runs joined: "2011", "2011 und 2014", "2005 bis 2012", "2005, 2007 und 2010 bis 2012"."""
    return fmt.join([str(r[0]) if len(r) == 1 else f"{r[0]} bis {r[-1]}" if len(r) > 2 else f"{r[0]} und {r[1]}"
                     for r in year_runs(years)])


def _variable_years(ds: Dataset) -> dict[str, set[int]]:
    """The years in which the data hold each variable (for any unit), computed once per dataset."""
    if "variable_years" not in ds.cache:
        grouped = ds.statistics.groupby("variable")["year"].unique()
        ds.cache["variable_years"] = {str(v): {int(y) for y in years} for v, years in grouped.items()}
    return ds.cache["variable_years"]


def _labels(ds: Dataset, variables: Iterable[str]) -> str:
    known = {v.id: v.label for v in ds.catalogue.variables}
    return fmt.join([known.get(v, v) for v in variables])


def missing_reason(ds: Dataset, case: Missing) -> str:
    """Why the value of ``case`` cannot be computed, in German without a closing full stop; "" when the data hold
    every count it needs in each of its years (then there is a value).

    The reasons, each named with its variables and years: not in the data at all; not in the data for the year
    (with the years they do cover); rows missing for some of the units; counts withheld at the source; a
    denominator of zero.
    """
    present = _variable_years(ds)
    if case.rate is not None and not (case.variables and all(present.get(v) for v in case.variables)):
        if present.get(case.rate) and (case.units is None or len(case.units) != 1):
            return ("nur als veröffentlichter Anteil je Einheit in den Daten (ohne Zähler/Nenner): für mehrere "
                    "Einheiten zusammen nicht berechenbar")
        case = replace(case, variables=(case.rate,), denominator=())
    absent = [v for v in case.variables if not present.get(v)]
    if absent:
        return f"nicht in den Daten enthalten (es fehlen: {_labels(ds, absent)})"
    reasons: list[str] = []
    used: dict[int, int] = {}
    not_there: list[int] = []
    for year in case.years:
        if case.latest_available:
            complete = sorted(set.intersection(*(present[v] for v in case.variables)))
            earlier = [y for y in complete if y <= year]
            if earlier:
                used[year] = earlier[-1]
            else:
                not_there.append(year)
        elif all(year in present[v] for v in case.variables):
            used[year] = year
        else:
            not_there.append(year)
    if not_there:
        if case.latest_available:
            first = min(min(present[v]) for v in case.variables)
            reasons.append(f"bis {max(not_there)} nicht in den Daten enthalten (erste Angaben von {first})")
        else:
            lacking: dict[str, list[str]] = {}  # the years a variable has -> the variables with these years
            for v in case.variables:
                if any(y not in present[v] for y in not_there):
                    lacking.setdefault(years_phrase(present[v]), []).append(v)
            covered = fmt.join([f"{_labels(ds, vs)} nur für {years}" for years, vs in lacking.items()])
            reasons.append(f"für {years_phrase(not_there)} nicht in den Daten enthalten ({covered})")
    for year in sorted(set(used.values())):
        reasons += _reasons_in_year(ds, case, year, several=len(set(used.values())) > 1)
    if not reasons and used:
        # every count is there and none is zero: the value exists (the caller asked about a shown value)
        return ""
    return "; ".join(dict.fromkeys(reasons))


def _reasons_in_year(ds: Dataset, case: Missing, year: int, several: bool) -> list[str]:
    """Missing rows, counts withheld at the source and a zero denominator in one year that the data do hold."""
    reasons = []
    when = f"{year}: " if several else ""
    gaps = ds.gaps_for(None if case.units is None else list(case.units), list(case.variables), year)
    if gaps:
        named = "; ".join(g.reason for g in gaps[:3])
        more = f" und {len(gaps) - 3} weitere Lücken" if len(gaps) > 3 else ""
        reasons.append(f"{when}es fehlen Zeilen in den Daten: {named}{more}")
    statistics = ds.statistics
    rows = statistics[(statistics["year"] == year) & statistics["variable"].isin(case.variables)]
    if case.units is not None:
        rows = rows[rows["unit"].isin(case.units)]
    if "suppressed" in rows and rows["suppressed"].any():
        withheld = rows[rows["suppressed"]]
        units = withheld["unit"].nunique()
        reasons.append(f"für {year} an der Quelle geheim gehalten ({_labels(ds, sorted(set(withheld['variable'])))} "
                       f"in {'einer statistischen Einheit' if units == 1 else f'{units} statistischen Einheiten'} "
                       "ohne Zahl geliefert)")
    if case.denominator and not reasons:
        units = list(case.units) if case.units is not None else list(ds.units["unit_id"])
        sums = aggregate(ds, year, {"group": units}, list(case.denominator)).iloc[0]
        if np.isfinite(sums.to_numpy(dtype=float)).all() and float(sums.sum()) == 0:
            reasons.append(f"{when}die Bezugsgröße ist 0 (keine {_labels(ds, case.denominator)})")
    return reasons


def missing_cases_note(ds: Dataset, cases: Sequence[Missing], places: Sequence[str] = ()) -> str:
    """The note under a table that says why its dashes are there, one sentence per reason.

    ``places``: the places (columns or rows) the table shows each figure for; a figure missing with the same
    reason in all of them is named alone ("Arbeitslosenanteil: ..."), otherwise with its places
    ("Arbeitslosenanteil (Kalk): ..."). Empty when nothing is missing.
    """
    reasons: dict[str, dict[str, list[str]]] = {}
    for case in cases:
        reason = missing_reason(ds, case) or _fallback(ds, case)
        reasons.setdefault(case.label, {}).setdefault(reason, []).append(case.place)
    groups: dict[str, list[str]] = {}
    for label, by_reason in reasons.items():
        for reason, where in by_reason.items():
            named = [p for p in dict.fromkeys(where) if p]
            whole = not named or (bool(places) and set(places) <= set(named))
            groups.setdefault(reason, []).append(label if whole else f"{label} ({fmt.join(named)})")
    return text.missing_values_note(groups)


def _fallback(ds: Dataset, case: Missing) -> str:
    """A missing value whose counts all seem present (should not happen): still say which counts it needs."""
    return f"aus den Zählwerten ({_labels(ds, case.variables)}) für {years_phrase(case.years)} nicht berechenbar"
