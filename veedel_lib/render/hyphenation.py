"""Where the long German words of table headers may break: soft hyphens at their compound boundaries.

Chromium (which prints the PDF) has no German hyphenation dictionary: with ``hyphens: auto`` it does not hyphenate,
and a narrow column either runs wide or, with ``overflow-wrap``, cuts a word anywhere ("Mindestsicher|ungsquote").
The report's CSS therefore lets a header break only between words and at soft hyphens (U+00AD, ``hyphens:
manual``), where the browser shows a hyphen. The soft hyphens are put in by :func:`hyphenate` from an explicit list
of words with their break points, marked "|" ("Mindest|sicherungs|quote"): a generic hyphenation library (pyphen)
gave wrong German breaks. :data:`HEADER_WORDS` holds the words of the headers the reports themselves write;
the indicator catalogue (``hyphenation`` in ``indicators.yml``) adds those of indicator labels and area names.

Only table headers get soft hyphens (:func:`veedel_lib.render.tables.table_html`): text, captions, figures, alt texts
and the CSV tables keep plain words, so a search in the report finds them; :func:`strip` removes soft hyphens from
any text that should not carry them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

SOFT_HYPHEN = "\u00ad"
MARK = "|"
"""How a break point is written in the word lists (a character no German word contains)."""

HEADER_WORDS: tuple[str, ...] = (
    "Gesamt|stadt", "Bezugs|größe", "Verän|derung", "Bewer|tung", "Ein|ordnung", "Alters|gruppe",
    "Sozial|raum|gebiet", "Stadt|bezirk", "Stadt|teil", "Indi|kator", "Kenn|zahl", "Kern|prozess",
    "Kern|prozess|indikator", "Hand|lungs|bedarf", "Hand|lungs|feld", "Förder|programm", "Ziel|wert", "Ziel|jahr",
    "Basis|jahr", "Basis|wert", "Ziel|erreichung", "aus|gegeben", "ver|ausgabt", "ver|zögert", "Maß|nahmen",
    "bewil|ligt", "Sitzun|gen", "weiter|gegeben", "Teil|nahmen", "Rang|intervall", "Perzen|til", "Dyna|mik",
    "Einschät|zung", "Unter|schied", "Entwick|lung", "Inter|vall", "ge|schlossen", "ak|tuell", "zurück|gelegt",
    "Merk|mal", "Lebens|lage", "teil|weise", "Ampel|stufe",
)
"""Words of the headers the reports write, with their break points (correct German syllable or compound breaks)."""


def words(marked: Iterable[str]) -> dict[str, str]:
    """Plain word -> the word with soft hyphens at its marks ("Ziel|wert" -> "Ziel\u00adwert")."""
    return {word.replace(MARK, ""): word.replace(MARK, SOFT_HYPHEN) for word in marked if MARK in word}


_DEFAULT = words(HEADER_WORDS)
_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


def _pattern(known: Mapping[str, str]) -> re.Pattern:
    key = tuple(sorted(known))
    if key not in _PATTERNS:
        alternatives = "|".join(re.escape(w) for w in sorted(known, key=len, reverse=True))
        _PATTERNS[key] = re.compile(rf"(?<![\w{SOFT_HYPHEN}*])(?:{alternatives})(?![\w{SOFT_HYPHEN}*])")
    return _PATTERNS[key]


def hyphenate(text: str, extra: Mapping[str, str] | None = None) -> str:
    """``text`` with soft hyphens in each known word (:data:`HEADER_WORDS` and ``extra``, see :func:`words`);
    words it does not know, and words that already carry soft hyphens, stay as they are."""
    known = {**_DEFAULT, **(extra or {})}
    if not known or not text:
        return text
    return _pattern(known).sub(lambda m: known[m.group(0)], text)


def strip(text: str) -> str:
    """``text`` without soft hyphens (for data files, figures, alt texts and messages)."""
    return text.replace(SOFT_HYPHEN, "")
