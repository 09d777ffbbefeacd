"""German number and date formatting for reports (babel, locale de_DE).

Decimal comma, thousands dot, a space before the percent sign ("24,3 %"), dates as dd.mm.yyyy. Every
number a report prints goes through these functions, so the format is the same everywhere. Missing
values print as an en dash.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Iterable

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "de_DE"
MISSING = "–"
_LOCALE = Locale.parse(LOCALE)


@functools.cache
def _pattern(pattern: str) -> NumberPattern:
    """A parsed babel number pattern, parsed once: what ``format_decimal`` does on every call (a report formats
    some 500 numbers, and the parsing took 60 % of the time)."""
    return parse_pattern(pattern)


def _decimal(value: float, pattern: str) -> str:
    """``babel.numbers.format_decimal`` in German with a pattern parsed once."""
    return _pattern(pattern).apply(value, _LOCALE)


def _missing(value: object) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def number(value: float | None, decimals: int = 1, signed: bool = False) -> str:
    """A number with decimal comma and thousands dot: 1234.5 -> "1.234,5" (``signed`` adds "+")."""
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    text = _decimal(round(float(value), decimals) + 0.0, pattern)
    if signed and text.lstrip("+-") == _decimal(0, pattern.split(";")[0].lstrip("+")):
        text = "±" + text.lstrip("+-")
    return text


def integer(value: float | None) -> str:
    """A whole number with thousands dot: 1044555 -> "1.044.555"."""
    return number(value, 0)


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent: 24.3 -> "24,3 %"."""
    return MISSING if _missing(value) else f"{number(value, decimals)} %"


def per_mille(value: float | None, decimals: int = 1) -> str:
    """A value already in per mille: 12.3 -> "12,3 ‰"."""
    return MISSING if _missing(value) else f"{number(value, decimals)} ‰"


def rate(value: float | None, unit: str, decimals: int = 1) -> str:
    """A rate in its indicator's unit ("percent" or "per_1000")."""
    return percent(value, decimals) if unit == "percent" else per_mille(value, decimals)


def points(value: float | None, unit: str, decimals: int = 1, short: bool = False) -> str:
    """A signed difference of rates: "+2,1 Prozentpunkte" (or "+2,1 Pp." with ``short``)."""
    if _missing(value):
        return MISSING
    if unit == "percent":
        word = "Pp." if short else ("Prozentpunkt" if abs(round(value, decimals)) == 1 else "Prozentpunkte")
    else:
        word = "‰-Pkt." if short else ("Promillepunkt" if abs(round(value, decimals)) == 1 else "Promillepunkte")
    return f"{number(value, decimals, signed=True)} {word}"


def measure(value: float | None, unit: str, decimals: int = 1) -> str:
    """A documented figure in its own unit: "Prozent" as "75,0 %", "EUR" as "41.200 €", counts as integers."""
    if _missing(value):
        return MISSING
    if unit == "Prozent":
        return percent(value, decimals)
    if unit == "EUR":
        return f"{integer(value)}\u00a0€"
    return integer(value)


def date(value: _dt.date | _dt.datetime | str) -> str:
    """A date as dd.mm.yyyy; accepts ISO strings."""
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    return format_date(value, format="dd.MM.yyyy", locale=LOCALE)


def join(items: Iterable[str], conjunction: str = "und") -> str:
    """German enumeration: ["A", "B", "C"] -> "A, B und C"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def sentence_start(text: str) -> str:
    """The text with its first letter upper case and the rest unchanged ("im Stadtbezirk" -> "Im Stadtbezirk";
    unlike ``str.capitalize``, which would lower "Stadtbezirk")."""
    return text[:1].upper() + text[1:]
