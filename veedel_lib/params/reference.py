"""Cologne's official spatial reference: 9 Stadtbezirke and 86 Stadtteile with their official numbers.

The city's statistics key everything by these numbers (first digit = Stadtbezirk). Names differ between
files ("Altstadt/Süd", "Altstadt-Süd", "101 / Altstadt/Süd"), so every join goes through
:func:`stadtteil_number`, which accepts a number or any common spelling of the name.
"""

from __future__ import annotations

import re
import unicodedata

STADTBEZIRKE: dict[int, str] = {
    1: "Innenstadt",
    2: "Rodenkirchen",
    3: "Lindenthal",
    4: "Ehrenfeld",
    5: "Nippes",
    6: "Chorweiler",
    7: "Porz",
    8: "Kalk",
    9: "Mülheim",
}

STADTTEILE: dict[int, str] = {
    101: "Altstadt-Süd", 102: "Neustadt-Süd", 103: "Altstadt-Nord", 104: "Neustadt-Nord", 105: "Deutz",
    201: "Bayenthal", 202: "Marienburg", 203: "Raderberg", 204: "Raderthal", 205: "Zollstock",
    206: "Rondorf", 207: "Hahnwald", 208: "Rodenkirchen", 209: "Weiß", 210: "Sürth", 211: "Godorf",
    212: "Immendorf", 213: "Meschenich",
    301: "Klettenberg", 302: "Sülz", 303: "Lindenthal", 304: "Braunsfeld", 305: "Müngersdorf",
    306: "Junkersdorf", 307: "Weiden", 308: "Lövenich", 309: "Widdersdorf",
    401: "Ehrenfeld", 402: "Neuehrenfeld", 403: "Bickendorf", 404: "Vogelsang",
    405: "Bocklemünd/Mengenich", 406: "Ossendorf",
    501: "Nippes", 502: "Mauenheim", 503: "Riehl", 504: "Niehl", 505: "Weidenpesch", 506: "Longerich",
    507: "Bilderstöckchen",
    601: "Merkenich", 602: "Fühlingen", 603: "Seeberg", 604: "Heimersdorf", 605: "Lindweiler",
    606: "Pesch", 607: "Esch/Auweiler", 608: "Volkhoven/Weiler", 609: "Chorweiler", 610: "Blumenberg",
    611: "Roggendorf/Thenhoven", 612: "Worringen",
    701: "Poll", 702: "Westhoven", 703: "Ensen", 704: "Gremberghoven", 705: "Eil", 706: "Porz",
    707: "Urbach", 708: "Elsdorf", 709: "Grengel", 710: "Wahnheide", 711: "Wahn", 712: "Lind",
    713: "Libur", 714: "Zündorf", 715: "Langel", 716: "Finkenberg",
    801: "Humboldt/Gremberg", 802: "Kalk", 803: "Vingst", 804: "Höhenberg", 805: "Ostheim",
    806: "Merheim", 807: "Brück", 808: "Rath/Heumar", 809: "Neubrück",
    901: "Mülheim", 902: "Buchforst", 903: "Buchheim", 904: "Holweide", 905: "Dellbrück",
    906: "Höhenhaus", 907: "Dünnwald", 908: "Stammheim", 909: "Flittard",
}

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_key(name: str) -> str:
    """Reduce a place name to a comparison key: lower case, umlauts spelled out, no punctuation or spaces.

    "Altstadt/Süd", "Altstadt-Süd" and "altstadt sued" all give "altstadtsued".
    """
    text = unicodedata.normalize("NFC", str(name)).strip().lower().translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]", "", text)


_KEY_TO_NUMBER: dict[str, int] = {name_key(n): nr for nr, n in STADTTEILE.items()}
# Spellings used in the city's own files that the key alone does not catch.
_KEY_TO_NUMBER.update({
    name_key("Humboldt-Gremberg"): 801,
    name_key("Bocklemünd-Mengenich"): 405,
    name_key("Esch-Auweiler"): 607,
    name_key("Volkhoven-Weiler"): 608,
    name_key("Roggendorf-Thenhoven"): 611,
    name_key("Rath-Heumar"): 808,
})

_NUMBER_AND_NAME = re.compile(r"^\s*0*(\d{3})\s*(?:[/\-–:]\s*.*)?$")


def stadtteil_number(value: object) -> int | None:
    """Return the official Stadtteil number for a number, a name or a "101 / Altstadt/Süd" style key.

    Returns None when the value names no Cologne Stadtteil. Numbers may carry leading zeros or a
    trailing ".0" (as spreadsheets write them).
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"0*\d{3}(\.0+)?", text):
        number = int(float(text))
        return number if number in STADTTEILE else None
    match = _NUMBER_AND_NAME.match(text)
    if match:
        number = int(match.group(1))
        return number if number in STADTTEILE else None
    return _KEY_TO_NUMBER.get(name_key(text))


def stadtbezirk_of(stadtteil_nr: int) -> int:
    """The Stadtbezirk number of a Stadtteil: the first digit of its official number."""
    return int(stadtteil_nr) // 100


def stadtbezirk_number(value: object) -> int | None:
    """Return the Stadtbezirk number (1-9) for a number or a name, None if it names no Stadtbezirk."""
    if value is None:
        return None
    text = str(value).strip()
    if re.fullmatch(r"0*\d(\.0+)?", text):
        number = int(float(text))
        return number if number in STADTBEZIRKE else None
    key = name_key(text)
    for number, name in STADTBEZIRKE.items():
        if name_key(name) == key:
            return number
    return None
