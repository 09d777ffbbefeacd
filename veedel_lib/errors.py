"""The one error type for invalid input, and the problem records it carries.

Every reader and validator collects *all* problems it finds and raises a single
:class:`DataValidationError` at the end, so a planner fixes a file in one pass instead of one
error at a time. Each problem names the file (and sheet), the row as a spreadsheet shows it
(header = row 1), the column and the reason, in German because planners read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_LISTED = 200  # problems printed in full; the rest are counted (all stay in .problems)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of an input file."""

    file: str
    row: int | None
    column: str | None
    reason: str
    sheet: str | None = None

    def location(self) -> str:
        """Where the problem is, as a planner would look it up: "statistics.csv, Zeile 7, Spalte 'count'"."""
        parts = [Path(self.file).name if self.file else "(unbekannte Datei)"]
        if self.sheet:
            parts.append(f"Blatt '{self.sheet}'")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.column:
            parts.append(f"Spalte '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.reason}"


class DataValidationError(ValueError):
    """Raised when input does not meet its schema; lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        files = sorted({Path(p.file).name for p in self.problems})
        head = f"{count} Problem{'e' if count != 1 else ''} in den Eingabedaten ({', '.join(files)}):"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"  ... und {count - MAX_LISTED} weitere (alle in DataValidationError.problems)")
        return "\n".join([head, *lines])


def _sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.sheet or "", problem.row if problem.row is not None else -1,
            problem.column or "", problem.reason)


class ProblemCollector:
    """Accumulates problems across several checks and raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str | Path, row: int | None, column: str | None, reason: str,
            sheet: str | None = None) -> None:
        """Record one problem; ``row`` is the spreadsheet row (header = 1), None for whole-file problems."""
        self.problems.append(Problem(str(file), None if row is None else int(row), column, reason, sheet))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        """Raise one DataValidationError listing everything collected so far."""
        if self.problems:
            raise DataValidationError(self.problems)
