"""What may leave the project: text without contacts or bidi controls, cells no spreadsheet runs, one table writer.

Three rules hold for everything the project publishes or hands out, so they live in this one module below every room:

- **Personal contacts.** E-mail addresses and phone numbers in free text are found in every spelling a planner or
  a hostile file may use: full-width or compatibility characters (``x＠y．de``, full-width digits), zero-width or
  other invisible characters inside (``x@\\u200by.de``), ``(at)``, ``[at]``, ``{at}``, ``(ät)``, ``x at y dot de``,
  German phone formats (``0221 123456``, ``+49 221 123-456``, ``(0221) 12 34 56``, ``Tel. 12 34 56``). Detection
  runs on a copy that is NFKC-normalised and stripped of invisible characters (:func:`detection_copy`); what it
  finds is mapped back to the original text. Plan workbooks refuse such text (a German problem), the qualitative
  findings and the render step replace it by :data:`CONTACT_MARK` (:func:`without_contacts`). Numbers that are no
  phone numbers stay: years, Drucksachen ("AN/0123/2021"), amounts, dates, postcodes, IBAN groups.
- **Bidi controls.** Bidirectional override, embedding and isolate characters and the direction marks
  (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) can make a published text read differently from what it is
  ("Trojan Source"); :func:`published_text` removes them.
- **Formulas.** A text cell of a CSV file or workbook the project writes never starts with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return: :func:`neutralised` puts a single quote before it, as OWASP recommends against
  CSV injection; a text that is a plain number ("-3", "+2,5") or a lone dash (the statistics' "nothing") stays.
  :func:`write_table` is the one CSV writer of the project's tables: numbers are written as numbers, every text
  cell is neutralised, and a text that contains a quote, a line break or any usual separator (comma, semicolon,
  tab) is wrapped in double quotes with its quotes doubled, so no separator inside a text can start a new cell
  that begins with a formula, whichever separator the spreadsheet assumes (OWASP's embedded case).
  :func:`make_workbook_safe` does the same for the cells of a workbook before it is saved (openpyxl would store
  a text ``=...`` as a formula).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import is_invisible
from .files import atomic_path

CONTACT_MARK = "[Kontakt entfernt]"
"""What replaces an e-mail address or phone number in published text."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
"""Bidirectional embedding, override and isolate characters and the direction marks: never published."""

_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b")
"""First characters that make a spreadsheet read a cell as a formula (with their full-width and small forms)."""

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)")
_SEPARATOR_OR_QUOTE = re.compile(r'[,;\t"\r\n]')


# ----------------------------------------------------------------------------- text seen as a detector sees it

_LOOKALIKE_DOTS = {"\u3002": ".", "\uff61": ".", "\u2024": "."}
"""Dots that NFKC leaves alone but that read as the dot of a domain."""


def detection_copy(text: str) -> tuple[str, list[int]]:
    """The text as the contact detector reads it, and for each of its characters the index it came from.

    Each character is NFKC-normalised on its own (full-width "＠" and "１" become "@" and "1", a ligature two
    letters), invisible characters (zero-width, bidi controls, soft hyphen, other format characters) are dropped,
    digits of other scripts become ASCII digits and a few look-alike dots become ".". Working character by
    character keeps the way back to the original, so a finding is removed from the original text.
    """
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if is_invisible(char):
            continue
        for part in " " if char in "\t\n\r" else unicodedata.normalize("NFKC", char):
            if is_invisible(part):
                continue
            if part.isdigit() and not part.isascii():
                digit = unicodedata.decimal(part, None)
                part = str(digit) if digit is not None else part
            chars.append(_LOOKALIKE_DOTS.get(part, part))
            origin.append(index)
    return "".join(chars), origin


# ----------------------------------------------------------------------------- contacts

_TLDS = ("de|com|org|net|eu|info|biz|koeln|cologne|nrw|ruhr|berlin|hamburg|bayern|io|at|ch|nl|be|fr|it|es|pl|uk|"
         "edu|gov|email|online|web|app")
_AT = (r"(?:[ ]?@[ ]?"
       r"|[ ]?[(\[{<][ ]?(?:at|ät|@)[ ]?[)\]}>][ ]?"
       r"|[ ]?-(?:at|ät)-[ ]?"
       r"|[ ]+(?:at|ät)[ ]+)")
_DOT = (r"(?:\."
        r"|[ ]?[(\[{<][ ]?(?:dot|punkt|pkt|\.)[ ]?[)\]}>][ ]?"
        r"|[ ]+(?:dot|punkt)[ ]+)")
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w%+-](?:[\w.%+-]{{0,62}}[\w%+-])?{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{0,4}}{_DOT}"
    rf"(?:[^\W\d_]{{2,24}})(?![\w-])", re.IGNORECASE)
_PLAIN_AT = re.compile(r"[ ]?@[ ]?|[ ]?[(\[{<][ ]?(?:at|ät|@)[ ]?[)\]}>][ ]?")
_PLAIN_DOT = re.compile(r"\.|[ ]?[(\[{<][ ]?(?:dot|punkt|pkt|\.)[ ]?[)\]}>][ ]?")
_KNOWN_TLD = re.compile(rf"(?:{_TLDS})", re.IGNORECASE)

_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_SUBSCRIBER = rf"\d(?:(?:[ ]{{1,2}}|[ ]?[{_DASH}/][ ]?)?\d){{2,11}}"
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ ./,-])"
    r"(?P<number>"
    rf"(?:(?:\+|00)[ ]?49[ ]?(?:\(0\)[ ]?)?(?:\(\d{{2,5}}\)|\d{{2,5}})"      # +49 221, 0049 (221), +49 (0)221
    rf"|\(0\d{{2,5}}\)|0\d{{2,5}})"                                           # (0221), 0221
    rf"(?:[ ]{{1,2}}|[ ]?[{_DASH}/][ ]?)?{_SUBSCRIBER})"
    r"(?![\w])(?![.,/]\d)")
_PHONE_WORD = re.compile(
    r"\b(?:tel(?:efon)?|fon|phone|fax|mobil(?:telefon)?|handy|rufnummer)\b\.?(?:[ ]?nr\.?)?[ ]?:?[ ]?"
    rf"(?P<number>(?:\+|\()?\d(?:(?:[ ]{{1,2}}|[ ]?[{_DASH}/()][ ]?)?\d){{4,14}})"
    r"(?![\w])(?![.,/]\d)", re.IGNORECASE)
_DRUCKSACHE_LIKE = re.compile(r"\d{1,5}/(?:19|20)\d{2}")
_AT_HINT = re.compile(r"\b(?:at|ät)\b")
"""The word "at" in a lower-cased text (without re.IGNORECASE: Unicode case folding makes the search slow)."""
_DIGITS_HINT = re.compile(r"\d(?:\D{0,4}\d){4}")


@dataclass(frozen=True)
class Contact:
    """One contact found in a text: ``kind`` "E-Mail-Adresse" or "Telefonnummer", its span in the original text."""

    kind: str
    start: int
    end: int


def _is_email(found: str) -> bool:
    """Whether an e-mail-shaped match is one: with an @ or a bracketed (at), any domain ending; with only the
    bare words "at"/"dot", only a known domain ending (so an English "at" in a sentence is no address)."""
    tld = re.search(r"([^\W\d_]+)$", found).group(1)
    plain = bool(_PLAIN_AT.search(found)) and bool(_PLAIN_DOT.search(found))
    return plain or bool(_KNOWN_TLD.fullmatch(tld))


def _is_phone(number: str, worded: bool) -> bool:
    """Whether a phone-shaped digit group is a phone number (not a year, Drucksache, date or code).

    National numbers need 9 to 14 digits (0 + area code + subscriber) and a separator or parentheses (a run of
    digits alone may be a key such as the 12-digit Regionalschlüssel); "+49"/"0049" numbers need 10 to 15
    digits; after a word such as "Tel." any 5 to 15 digits count. A Drucksache shape ("01234/2021") is none.
    """
    digits = sum(c.isdigit() for c in number)
    if worded:
        return 5 <= digits <= 15
    if _DRUCKSACHE_LIKE.fullmatch(number):
        return False
    if number.startswith(("+", "00")):
        return 10 <= digits <= 15
    return 9 <= digits <= 14 and not number.isdigit()


def _contact_spans(copy: str) -> list[tuple[int, int, str]]:
    """Spans and kinds of the contacts in a text as the detector reads it (see :func:`detection_copy`).

    The patterns run only where they can match: an address needs an at sign or the word "at", a phone number
    five digits close together (most texts have neither, and the address pattern is the slow one)."""
    spans: list[tuple[int, int, str]] = []
    lower = copy.lower()
    at_hint = "@" in copy or (("at" in lower or "ät" in lower) and _AT_HINT.search(lower))
    for match in _EMAIL.finditer(copy) if at_hint else ():
        if _is_email(match.group(0)):
            spans.append((match.start(), match.end(), "E-Mail-Adresse"))
    for pattern, worded in ((_PHONE_WORD, True), (_PHONE, False)) if _DIGITS_HINT.search(copy) else ():
        for match in pattern.finditer(copy):
            start, end = match.span("number")
            if _is_phone(match.group("number"), worded) and not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, "Telefonnummer"))
    return sorted(spans)


_INVISIBLES = re.compile("[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff"
                         "\uffa0\ufff9-\ufffb\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REPLACED = (("\t", " "), ("\n", " "), ("\r", " "), *_LOOKALIKE_DOTS.items())


def _may_hold_contacts(text: str) -> bool:
    """Whether the detector could find a contact in ``text``, decided on a whole-text NFKC copy (fast, in C);
    only then is the character-by-character copy that maps findings back built. The usual invisible characters
    are dropped here too; any other character that does not print (another format character, a control character)
    makes the answer yes, to be safe."""
    if text.isprintable():       # no invisible, control or line-break character: nothing to drop or replace
        fast = text if text.isascii() else unicodedata.normalize("NFKC", text)
    else:
        fast = unicodedata.normalize("NFKC", _INVISIBLES.sub("", text))
        for old, new in _REPLACED:
            fast = fast.replace(old, new)
    if not fast.isprintable():
        return True
    return bool(_contact_spans(fast))


def find_contacts(text: str) -> list[Contact]:
    """The e-mail addresses and phone numbers in ``text``, in order, with their spans in ``text`` itself."""
    if not isinstance(text, str) or not text or not _may_hold_contacts(text):
        return []
    copy, origin = detection_copy(text)
    return [Contact(kind, origin[start], origin[end - 1] + 1) for start, end, kind in _contact_spans(copy)]


def without_contacts(text: str) -> tuple[str, list[Contact]]:
    """``text`` with every contact replaced by :data:`CONTACT_MARK`, and the contacts removed (for a note)."""
    found = find_contacts(text)
    for contact in reversed(found):
        text = text[:contact.start] + CONTACT_MARK + text[contact.end:]
    return text, found


def without_bidi(text: str) -> str:
    """``text`` without bidirectional override, embedding and isolate characters and direction marks."""
    return text if text.isprintable() else _BIDI.sub("", text)


@functools.lru_cache(maxsize=65536)
def published_text(text: str) -> str:
    """A text as it may be published: contacts replaced by :data:`CONTACT_MARK`, bidi controls removed.

    The last line of defence at the render step and the table writer; the inputs that may carry contacts (plan
    workbooks, qualitative findings) deal with them earlier, with a problem or a note. Kept per text: table
    cells repeat."""
    return without_bidi(without_contacts(text)[0])


# ----------------------------------------------------------------------------- cells and tables


def neutralised(text: str) -> str:
    """A text cell that no spreadsheet reads as a formula: a single quote before a formula start (OWASP).

    A formula start after leading spaces counts too (a spreadsheet may trim them on import). Plain numbers written
    as text ("-3", "+2,5") and a lone dash stay as they are; they are no formula."""
    if not text:
        return text
    stripped = text.lstrip(" \u00a0\u3000\n")
    starts = text[0] in FORMULA_STARTS or stripped[:1] in FORMULA_STARTS
    if starts and stripped != "-" and not _PLAIN_NUMBER.fullmatch(stripped):
        return "'" + text
    return text


def workbook_value(value: object) -> object:
    """A value for an openpyxl cell: texts without bidi controls and neutralised, other values unchanged.

    openpyxl stores a text that starts with "=" as a formula, so every text the project writes into a workbook
    goes through here. Contacts stay: the workbooks are forms for staff (their person columns are meant for
    contacts and never published), not publications."""
    return neutralised(without_bidi(value)) if isinstance(value, str) else value


def make_workbook_safe(workbook) -> None:
    """Pass every text cell of an openpyxl ``workbook`` through :func:`workbook_value`, just before it is saved.

    The project writes no formulas into cells (drop-down lists and checks are data validations, not cells), so a
    cell that openpyxl took for a formula holds a text that started with "=" and becomes that text, neutralised.
    One pass over the finished workbook catches every writer of a cell (records, lists, explanations)."""
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = workbook_value(cell.value)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text_field(text: str) -> str:
    """A CSV field of a text: published, neutralised, quoted when it holds a separator, quote or line break."""
    text = neutralised(published_text(text))
    if _SEPARATOR_OR_QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _field(value: object, float_format: str | None) -> str:
    """One CSV field: empty for missing, numbers as numbers (``float_format`` or Python's shortest form), texts
    through :func:`_text_field`, dates in ISO form."""
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return float_format % number if float_format else repr(number)
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second, value.microsecond) != (0,) * 4 \
            else value.date().isoformat()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
    return _text_field(str(value))


def _column_fields(values: pd.Series, float_format: str | None) -> list[str]:
    """The CSV fields of one column: each distinct value written once by :func:`_field` (a statistics file of
    100.000 rows has a few thousand distinct counts), missing values empty."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:                # unhashable cells (lists): each written on its own
        return [_field(value, float_format) for value in values.tolist()]
    fields = np.array([_field(value, float_format) for value in uniques] + [""], dtype=object)
    return fields[codes].tolist()    # code -1 (missing) takes the last field, ""


def table_text(frame: pd.DataFrame, *, sep: str = ",", float_format: str | None = None) -> str:
    """The CSV text of ``frame`` (header and rows, "\\n" line ends), every cell written by :func:`_field`."""
    columns = [_column_fields(frame.iloc[:, position], float_format) for position in range(frame.shape[1])]
    lines = [sep.join(_field(str(name), None) for name in frame.columns)]
    lines += [sep.join(row) for row in zip(*columns)]
    return "\n".join(lines) + "\n"


def write_table(frame: pd.DataFrame, target: str | Path, *, sep: str = ",",
                float_format: str | None = None) -> Path:
    """Write ``frame`` as a UTF-8 CSV file (no index), atomically: the one writer of the project's tables.

    ``sep`` is the field separator ("," for report tables, ";" for data folders); ``float_format`` the format of
    floats ("%.10g"; default: Python's shortest form). Text cells are made safe (:func:`_text_field`)."""
    target = Path(target)
    with atomic_path(target) as temporary:
        temporary.write_text(table_text(frame, sep=sep, float_format=float_format), encoding="utf-8")
    return target
