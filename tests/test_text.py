"""German sentences built from computed tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from veedel_lib.render import text


def _comparison(rows):
    columns = ["label", "lebenslage", "direction", "unit", "area_value", "city_value", "assessment", "worse_ratio",
               "need"]
    return pd.DataFrame(rows, columns=columns)


PUBLIC = _comparison([
    ("SGB-II-Quote", "Einkommen", "higher_is_worse", "percent", 24.3, 12.8, "ungünstiger", 1.9, "deutlich erhöht"),
    ("Arbeitslosenanteil", "Erwerbstätigkeit", "higher_is_worse", "percent", 9.1, 6.2, "ungünstiger", 1.47, "erhöht"),
    ("Mindestsicherungsquote", "Einkommen", "higher_is_worse", "percent", 30.2, 14.1, "ungünstiger", 2.1,
     "deutlich erhöht"),
    ("Wahlbeteiligung", "Einbindung", "higher_is_better", "percent", 55.0, 50.1, "günstiger", 0.9, ""),
    ("Hilfen zur Erziehung", "Einbindung", "higher_is_worse", "per_1000", 31.0, 30.5, "kein deutlicher Unterschied",
     1.02, ""),
    # withheld by disclosure control: no value, no verdict may be published
    ("AsylbLG-Quote", "Einkommen", "higher_is_worse", "percent", np.nan, 1.2, np.nan, np.nan, np.nan),
    ("Grundsicherung im Alter", "Einkommen", "higher_is_worse", "percent", np.nan, np.nan, "nicht berechenbar",
     np.nan, ""),
    ("Nichtdeutsche", "Bevölkerung", "neutral", "percent", 30.0, 19.0, "höher", np.nan, ""),
])
CAPTION = "Soziale Lage 2024 im Vergleich zur Gesamtstadt"


def test_the_summary_counts_and_names_the_verdicts_and_points_to_the_table_for_the_values():
    summary = text.comparison_summary(PUBLIC, "Kalk", 2024, CAPTION)
    assert summary == (
        "2024 liegt Kalk bei 3 von 5 wertenden Indikatoren mit Vergleichswert deutlich ungünstiger als die "
        "Gesamtstadt, am stärksten bei Mindestsicherungsquote, außerdem bei SGB-II-Quote und Arbeitslosenanteil; bei 1 "
        "liegt es günstiger (Wahlbeteiligung). Bei einem ist kein deutlicher Unterschied zu erkennen. Für 2 weitere "
        "Indikatoren ist kein Vergleich möglich (Anmerkungen unter der Tabelle). Die Werte nennt Tabelle „Soziale "
        "Lage 2024 im Vergleich zur Gesamtstadt“.")
    assert not re.search(r"\d,\d", summary), "no value is repeated"
    assert "AsylbLG" not in summary, "a withheld indicator is not named with a verdict"


def test_the_summary_of_an_area_without_any_comparison_says_so():
    nothing = PUBLIC[PUBLIC["assessment"].isna() | (PUBLIC["assessment"] == "nicht berechenbar")]
    assert text.comparison_summary(nothing, "Kalk", 2012, CAPTION) == (
        "2012 lässt sich Kalk bei keinem der 2 wertenden Indikatoren mit der Gesamtstadt vergleichen; die Anmerkungen "
        "unter Tabelle „Soziale Lage 2024 im Vergleich zur Gesamtstadt“ sagen, warum.")


def test_the_handlungsbedarfe_are_named_by_degree_and_lebenslage_without_their_values():
    from veedel_lib.analysis.comparison import handlungsbedarfe

    needs = text.need_sentences(handlungsbedarfe(PUBLIC), "Kalk", CAPTION)
    assert needs == (
        "- **Deutlich erhöhter Handlungsbedarf:** Mindestsicherungsquote und SGB-II-Quote (Einkommen)\n"
        "- **Erhöhter Handlungsbedarf:** Arbeitslosenanteil (Erwerbstätigkeit)\n\n"
        "Die Werte des Gebiets und der Gesamtstadt zu diesen Indikatoren stehen in Tabelle „Soziale Lage 2024 im "
        "Vergleich zur Gesamtstadt“.")
    assert text.need_sentences(handlungsbedarfe(PUBLIC.iloc[3:]), "Kalk", CAPTION).startswith(
        "Nach der festgelegten Regel ergibt sich aus den Indikatoren für Kalk kein statistischer Handlungsbedarf.")


def test_the_dashes_note_names_each_reason_once_with_the_figures_it_concerns():
    assert text.missing_values_note({}) == ""
    assert text.missing_values_note({"nicht in den Daten enthalten": ["A", "B"], "für 2012 nicht": ["C"]}) == (
        "– = kein Wert. A und B: nicht in den Daten enthalten. C: für 2012 nicht.")


def test_sources_are_split_at_semicolons_and_listed_once():
    sources = ["Statistik der Bundesagentur für Arbeit; Stadt Köln, Amt für Soziales, Arbeit und Senioren",
               "Stadt Köln, Amt für Soziales, Arbeit und Senioren", "Statistik der Bundesagentur für Arbeit",
               "Stadt Köln, Melderegister"]
    assert text.sources_sentence(sources) == ("Stadt Köln, Amt für Soziales, Arbeit und Senioren; "
                                              "Stadt Köln, Melderegister; Statistik der Bundesagentur für Arbeit")
