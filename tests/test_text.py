"""German sentences built from computed tables."""

from __future__ import annotations

from veedel_lib.render import text


def test_indicators_without_values_are_named_in_one_sentence():
    assert text.missing_sentence([], "Kalk") == ""
    assert text.missing_sentence(["Arbeitslosenanteil"], "Kalk") == (
        "**Arbeitslosenanteil:** Für Kalk liegen keine (veröffentlichbaren) Daten vor.")
    assert text.missing_sentence(["Mindestsicherungsquote", "AsylbLG-Quote", "Wahlbeteiligung"], "Kalk") == (
        "**Ohne Werte:** Für Mindestsicherungsquote, AsylbLG-Quote und Wahlbeteiligung liegen für Kalk keine "
        "(veröffentlichbaren) Daten vor.")


def test_sources_are_split_at_semicolons_and_listed_once():
    sources = ["Statistik der Bundesagentur für Arbeit; Stadt Köln, Amt für Soziales, Arbeit und Senioren",
               "Stadt Köln, Amt für Soziales, Arbeit und Senioren", "Statistik der Bundesagentur für Arbeit",
               "Stadt Köln, Melderegister"]
    assert text.sources_sentence(sources) == ("Stadt Köln, Amt für Soziales, Arbeit und Senioren; "
                                              "Stadt Köln, Melderegister; Statistik der Bundesagentur für Arbeit")
