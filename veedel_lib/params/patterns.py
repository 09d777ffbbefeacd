"""Regular expressions that users write into mapping files: checked, bounded, and searched under a time limit.

A mapping file (``veedel import``'s mapping, ``koeln_mapping.yml``) names columns and rows by regular expressions.
A careless one such as ``(a|aa)+$`` backtracks exponentially on a long header and would keep an import busy for
ever; a short one such as ``((a{1000}){1000}){1000}`` makes a pattern compiler expand a billion copies. So a
pattern is at most :data:`MAX_PATTERN_LENGTH` characters with repeat counts whose product stays within
:data:`MAX_REPEATS`, it is checked by Python's ``re`` (whose error positions the German messages name) and run
with the ``regex`` package, whose searches take a ``timeout``; all searches of one reading share one time budget
(:class:`PatternSearch`), so many headers cannot add up to a hang either.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import regex

from ..errors import DataValidationError, Problem, german_number
from .yamlfiles import regex_problem

MAX_PATTERN_LENGTH = 200
"""Longest regular expression accepted in a mapping file (characters); the project's longest has 40."""

MAX_REPEATS = 1000
"""Largest product of the repeat counts (``{4}``, ``{2,5}``) of one pattern: the compiler unrolls nested counted
repeats, so ``((a{100}){100}){100}`` alone would be a million copies (a second and 300 MB to compile)."""

SEARCH_SECONDS = 1.0
"""Time budget (seconds of processor time, as the ``regex`` package measures its timeouts) for all pattern
searches of one reading of a table: ordinary patterns need microseconds for hundreds of headers; one that needs
more is refused as too slow. On a busy machine the wall-clock time can be a few times longer."""

_REPEAT = re.compile(r"(?<!\\)\{(\d*)(?:,(\d*))?\}")


def pattern_problem(pattern: str) -> str | None:
    """Why a user's regular expression is refused (German), or None: too long, too many repeats, bad syntax."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return (f"regulärer Ausdruck zu lang ({german_number(len(pattern))} Zeichen, höchstens "
                f"{MAX_PATTERN_LENGTH})")
    counts = [int(high or low or 0) for low, high in _REPEAT.findall(pattern)]
    if math.prod(max(c, 1) for c in counts) > MAX_REPEATS:
        return (f"regulärer Ausdruck mit zu großen Wiederholungszahlen in geschweiften Klammern (zusammen mehr als "
                f"{german_number(MAX_REPEATS)} Wiederholungen); bitte einfacher fassen")
    try:
        re.compile(pattern)
        regex.compile(pattern)
    except re.error as exc:
        return regex_problem(exc)
    except regex.error as exc:
        return f"kein gültiger regulärer Ausdruck: {exc.msg}"
    return None


class PatternSearch:
    """Searches of the user patterns of one mapping file, together bounded by :data:`SEARCH_SECONDS`.

    ``file`` is the mapping file that holds the patterns (named in the error). A pattern that uses up the
    budget raises :class:`~veedel_lib.errors.DataValidationError` naming the file, the pattern and the text.
    """

    def __init__(self, file: str | Path, seconds: float = SEARCH_SECONDS):
        self.file = str(file)
        self.deadline = time.process_time() + seconds
        self.seconds = seconds
        self.compiled: dict[str, regex.Pattern] = {}

    def search(self, pattern: str, text: str, line: int | None = None) -> regex.Match | None:
        """The first match of ``pattern`` in ``text`` (like :func:`re.search`), within the remaining budget.

        ``line`` is the pattern's line in the mapping file, for the error message.
        """
        problem = None if pattern in self.compiled else pattern_problem(pattern)
        if problem is not None:
            raise DataValidationError([Problem(self.file, line, None, f"{problem} (Ausdruck '{pattern}')")])
        compiled = self.compiled.setdefault(pattern, regex.compile(pattern))
        try:
            return compiled.search(text, timeout=max(self.deadline - time.process_time(), 0.001))
        except TimeoutError as exc:
            shown = text if len(text) <= 60 else text[:57] + "..."
            raise DataValidationError([Problem(self.file, line, None, (
                f"der reguläre Ausdruck '{pattern}' braucht zu lange (mehr als {german_number(self.seconds)} s "
                f"Rechenzeit, zuletzt für '{shown}'); bitte einfacher fassen, ohne verschachtelte Wiederholungen "
                "wie (a+)+ oder (a|aa)+"))]) from exc
