"""Mutation testing of the core modules with mutmut 3 (not part of ``make test``; issue #30 item 9).

For each module of :data:`MODULES` this script copies the library, the tests and the parameters into a working
folder of its own (the checkout stays untouched: other work goes on in it), lets mutmut change the module one small
step at a time (``<`` for ``<=``, ``+`` for ``-``, another constant, a dropped argument, ...) and runs, for each
changed version ("mutant"), only the tests of that module's mapping that reach the changed function. A mutant is
*killed* when a test fails, *survived* when all pass, *timeout* when the tests exceed the per-mutant CPU limit.
Mutants that cannot change any result are *equivalent*: they are named with the reason in :data:`EQUIVALENT` and
do not count. The score is killed / (all - equivalent).

The figures go to the terminal and to ``benchmarks/mutation.md`` (the table between the markers is rewritten; the
rows of modules not measured in this call stay as they were, read back from ``benchmarks/mutation.json``). Each row
is one *Stand*: ``nachher`` measures this checkout, ``vorher`` another project folder given with ``--projekt`` (for
example a ``git worktree`` at the commit before a change: its library is mutated and its tests run, with this
script's module -> tests mapping; test files it does not have are left out).

    .venv/bin/python scripts/mutation.py                        # all modules (hours on a shared machine)
    .venv/bin/python scripts/mutation.py analysis/smoothing.py  # one module
    .venv/bin/python scripts/mutation.py --liste                # the modules and their tests
    git worktree add /tmp/mut-before da96083                    # the tests before issue #30 ...
    .venv/bin/python scripts/mutation.py run/cache.py --projekt /tmp/mut-before --stand vorher

Needs the ``mutation`` extra (``pip install -e '.[mutation]'``). One worker by default: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "mutation.md"
RESULTS = ROOT / "benchmarks" / "mutation.json"
BEGIN, END = "<!-- mutation:begin -->", "<!-- mutation:end -->"

DOCTESTS = "tests/test_doctests.py::test_the_examples_in_an_analysis_modules_docstrings_give_the_documented_results"

MODULES: dict[str, list[str]] = {
    "analysis/indicators.py": [
        "tests/test_indicators.py", "tests/test_independent_indicators.py", f"{DOCTESTS}[indicators]",
    ],
    "analysis/smoothing.py": [
        "tests/test_smoothing.py", "tests/test_independent_smoothing.py", f"{DOCTESTS}[smoothing]",
    ],
    "analysis/trends.py": ["tests/test_trends.py", "tests/test_independent_trends.py", f"{DOCTESTS}[trends]"],
    "analysis/comparison.py": ["tests/test_independent_comparison.py", f"{DOCTESTS}[comparison]"],
    "render/disclosure.py": [
        "tests/test_disclosure.py", "tests/test_disclosure_composites.py", "tests/test_independent_disclosure.py",
        # each generates the demo data set and makes a Sozialindex report (a minute per mutant)
        "--deselect=tests/test_disclosure_composites.py::test_a_single_small_count_withholds_the_index_of_at_least_"
        "four_stadtteile_outside_the_areas",
        "--deselect=tests/test_disclosure_composites.py::test_a_method_that_excludes_units_with_a_withheld_input_"
        "standardises_without_them",
    ],
    "run/archive.py": [
        "tests/test_archive.py", "tests/test_archive_safety.py", "tests/test_independent_archive.py",
        # compares the archived git commit with the checkout's: the working folder is no git checkout
        "--deselect=tests/test_archive_safety.py::test_reproduce_stops_when_the_library_version_or_the_git_commit_"
        "differs",
    ],
    "run/cache.py": ["tests/test_incremental.py", "tests/test_report_dependencies.py",
                     "tests/test_independent_cache.py"],
    "inputs/validation.py": ["tests/test_validation.py", "tests/test_independent_validation.py"],
    "analysis/evaluation.py": [
        "tests/test_evaluation.py", "tests/test_evaluation_inference.py", "tests/test_independent_evaluation.py",
        f"{DOCTESTS}[evaluation]",
    ],
    "analysis/programme.py": ["tests/test_independent_programme.py", f"{DOCTESTS}[programme]"],
    "analysis/programme_evaluation.py": [
        "tests/test_programme_evaluation.py", "tests/test_independent_programme_evaluation.py",
        f"{DOCTESTS}[programme_evaluation]",
    ],
    "analysis/staggered.py": ["tests/test_independent_staggered.py", f"{DOCTESTS}[staggered]"],
    "analysis/honest_trends.py": [
        "tests/test_honest_trends.py", "tests/test_independent_honest_trends.py", f"{DOCTESTS}[honest_trends]",
    ],
    "analysis/synthetic_control.py": [
        "tests/test_synthetic_control.py", "tests/test_independent_synthetic_control.py",
        f"{DOCTESTS}[synthetic_control]",
    ],
    "analysis/sozialindex.py": [
        "tests/test_sozialindex.py", "tests/test_sozialindex_methods.py", "tests/test_independent_sozialindex.py",
        f"{DOCTESTS}[sozialindex]",
    ],
    "analysis/sozialindex_sensitivity.py": [
        "tests/test_sozialindex_sensitivity.py", "tests/test_independent_sozialindex_sensitivity.py",
        f"{DOCTESTS}[sozialindex_sensitivity]",
    ],
}
"""Module (under ``veedel_lib/``) -> the tests that matter for it (files or node ids, as pytest takes them): the
module's own tests and its independent tests; tests needing a fixture of :data:`HEAVY_FIXTURES` are left out
(each mutant would make the demo data or a whole run again). A path that
does not exist (yet) is left out with a note; an entry starting with ``-`` is passed to pytest as an option."""

_PLACEHOLDER = ("Der Platzhalter für den Laufordner ist beliebiger Text: jeder feste Text macht die Schlüssel "
                "zweier Laufordner gleich.")
_SENTINEL = ("Für ein fehlendes Notebook steht beliebiger Text: die Prüfsummen im Manifest sind 64 Hexziffern, jeder "
             "andere Text unterscheidet sich von allen.")
_NO_MANIFEST = ("Ein Ordner ohne manifest.json scheitert beim Lesen mit OSError und wird im folgenden except "
                "übersprungen; eine Datei hat nie ein manifest.json darunter.")
_LOCALE = ("encoding=None nimmt die Kodierung des Gebietsschemas: UTF-8 auf dieser Maschine (C.UTF-8) und unter "
           "Linux üblich, nicht prüfbar ohne ein anderes Gebietsschema; \"UTF-8\" und \"utf-8\" sind derselbe Codec.")

PARTS: dict[str, tuple[str, ...]] = {
    "run/archive.py": ("parse_checksums", "_hash_section", "parse_manifest", "_recorded", "xǁVerificationǁ*",
                       "_companion", "_read_checked", "_check_origin", "_verify_source", "_open", "verify"),
}
"""Module -> the functions measured when only a part of it matters (mutmut's names: ``x<function>`` for a
function, ``xǁ<Class>ǁ<method>`` for a method; ``*`` as in fnmatch): for run/archive.py its verification (the
archive's checksums, manifest, signature and companion ``.sha256``), not the packing and reproducing, whose tests
need whole runs. Modules not listed are measured whole."""

_CODEC = "\"UTF-8\" und \"utf-8\" sind derselbe Codec."
_LAST_LINE = ("Die Bedingung gilt nur für das letzte Stück nach dem letzten Zeilenumbruch: danach gibt es nichts mehr, "
              "break und continue tun dasselbe.")
_UNUSED = ("parse_manifest, der einzige Aufrufer, verwirft die zurückgegebene Zuordnung und nutzt nur die Probleme; "
           "die Werte darin ändern kein Ergebnis.")

_CACHE_KEY = ("Der Name des Eintrags in ds.cache liest und schreibt nur diese Funktion: jeder andere feste Name "
              "speichert dasselbe (ein Name, der nie passt, rechnet nur jedes Mal neu).")
_FLOAT_TARGET = ("Das Ziel ist ein float-Array: Zuweisen wandelt die Werte in float und None in NaN, wie es die "
                 "Angabe tat.")
_NAN_SUMS = ("Eine Summe mit einem fehlenden (NaN) Teil ist ohnehin NaN; die Auswahl ändert nichts "
             "(und None wird im float-Ziel NaN).")
_OVERWRITTEN = ("Jede Stelle, an der ein Teil fehlt, wird zwei Zeilen später über 'unknown' auf NaN gesetzt: der "
                "Ersatzwert für NaN und die Schreibweise der einsum-Indizes (Groß/klein) ändern keine Summe.")
_NO_NA = ("Die Maske 'notna() & (...)' hat nie einen fehlenden Wert (False & NA ist False): fillna und der dtype der "
          "Umwandlung ändern nichts.")
_SORT_KIND = ("pandas wendet 'kind' nur beim Sortieren nach einer Spalte an; nach zwei Spalten sortiert es immer "
              "stabil (lexsort).")
_INDEX_RESET = "Der Index wird nach dem stabilen Sortieren ohnehin neu gesetzt (reset_index(drop=True))."
_NO_RATE = ("Ohne veröffentlichte Rate oder ohne Gruppe aus genau einer Einheit ist das Ergebnis überall NaN, ob "
            "die Funktion früh zurückkehrt oder die Summen einer unbekannten Variable (NaN) nachschlägt.")

_PRIOR = "Nur prior == \"bezirk\" wird geprüft: jeder andere Vorgabewert bedeutet die Stadt als Priori."
_GROUPS = ("Die Reihenfolge, in der die Gruppen durchlaufen werden, ändert nichts: jede schreibt nur in ihre eigenen "
           "Zeilen (über den Index).")
_NUMERIC = ("Zähler und Nenner kommen als float-Spalten (indicator_values); für ganzzahlige Spalten rechnet numpy "
            "dasselbe (die Quotienten sind float).")

_WHOLE_COUNTS = ("Anzahlen sind ganze Zahlen (die Prüfung der Eingaben weist gebrochene ab): keine liegt über 0 und "
                 "unter 1, Schwelle 0 und Schwelle 1 verbergen dasselbe (nichts).")
_FALSY = "None ist falsch wie False: die Schleife endet genauso, wenn sich in einem Durchgang nichts ändert."
_NUMBERS = ("pd.to_numeric gibt je Zelle eine Zahl oder NaN: numpy legt daraus ohnehin ein Zahlen-Array an (int oder "
            "float), für das dieselben Vergleiche und Summen gelten.")
_ALIGNED = ("& richtet die beiden Reihen nach ihrem Index aus und liest fehlende Einträge als False, wie reindex mit "
            "fill_value=False.")
_DECLARATION = ("Überschrift und Art (kind) einer abgeleiteten Spalte wertet die Geheimhaltung nicht aus: verborgen "
                "wird über based_on (eigene Schwellen haben nur Spalten der Art 'count', keine Mutante macht eine "
                "daraus), und ob eine Spalte Zahl bleibt, entscheidet ihr dtype.")

_RESOLVED = ("Bei genau einem Treffer auf der höheren Ebene ist er schon gesetzt: ist die Vorfahrin der "
             "Einheit dieser Treffer, setzt die Zeile dasselbe, sonst nichts (validate_units meldet den "
             "Widerspruch); ohne aufgelöste Einheit ist ancestor(None) None und steht in keiner Trefferliste.")
_YEAR_BOUNDS = ("Ganze Jahre und ±inf: numpy legt ohnehin ein float-Array an; sind alle Grenzen ganze Jahre, "
                "vergleicht ein int-Array genauso.")
_FLOAT_COLUMN = ("Die Spalte ist schon float (Anzahlen und Einwohnersummen, fehlende Werte NaN) bzw. bool "
                 "(suppressed): to_numpy ohne dtype gibt dasselbe Array.")
_TEXT_INDEX = ("Einheiten und Variablen sind Texte, die Jahre float (parse_numbers): np.asarray gibt ohne dtype "
               "dasselbe object- bzw. float-Array.")
_NONE_NAN = ("In ein float-Array geschrieben wird None zu NaN: Anzahl > NaN ist falsch wie Anzahl > unendlich,"
             " und NaN im Zähler vergleicht sich mit nichts.")
_NEVER_READ = ("Der Anfangswert von row_of wird nie gelesen: gemeldet werden nur Zellen mit bekanntem Zähler, "
               "und dessen erste Variable hat dann eine Zeile; int() liest -1.0 wie -1.")
_INT_YEARS = ("Jahre sind ganze Zahlen: ob numpy sie als int oder float hält, ändert keinen Vergleich mit den "
              "float-Grenzen (±inf) und kein int(year).")
_KEY_DTYPE = ("Die Schlüssel einer Ebene sind alle ganze Zahlen oder alle Texte: pandas wählt ohnehin int64 "
              "bzw. object, astype(int) gibt dasselbe.")
_EMPTY_FAILURE = ("Eine leere Zelle (None, NaN: fehlende Einheit, Variable oder Jahr, unterdrückte Anzahl, "
                  "veröffentlichte Rate) wäre ein Fehlerfall not_nullable ohne Wert: _schema_problems überspringt "
                  "ihn; fehlende Werte meldet der Aufrufer schon selbst.")

_FOUR_NUMBERS = ("Vier Zahlen (NaN für fehlende): numpy legt ein float- oder int-Array an, mit dem die Prüfungen und "
                 "die Tests dasselbe rechnen.")
_SCORE_DEFAULT = "score ist die Vorgabe von statsmodels' test_poisson_2indep (method=None)."

_DECIMAL = "parse_numbers unterscheidet nur ',' von allem anderen: None und 'XX.XX' lesen wie '.'."
_ELEMENT_WISE = ("element_wise=False ist die Vorgabe von pandera.Check; None ist falsch wie False.")
_FLOAT_SCHEMA = ("Die Spalte ist immer float (parse_numbers): die Prüfung des Datentyps schlägt nie an.")
_PROBLEM_ORDER = ("DataValidationError ordnet die Probleme nach ihrem Ort: die Reihenfolge der Gruppen ändert "
                  "nichts.")
_SAME_GROUP = ("In einer Gruppe doppelter Einträge haben alle Zeilen dieselbe Einheit, dasselbe Jahr und "
               "dieselbe Variable, und es sind mindestens zwei.")
_UNIQUE_KEY = ("Der Schlüssel bleibt für verschiedene (Zelle, Variable) verschieden: 0 ≤ variable < Faktor, mit "
               "+ wie mit −, mit dem Faktor 1 oder 2 wie mit der Zahl der Variablen (wenn sie 1 ist).")
_NAN_YEARS = ("Zeilen ohne Jahr sind schon ein Problem; groupby lässt Gruppen mit fehlendem Jahr weg (dropna), "
              "und die Zellen werden erst ohne Probleme gelesen: ob NaN den Code -1 bekommt, ändert nichts.")

_ROW_TYPES = ("Auch ohne die Umwandlung bleiben die Zahlen einer Zeile float und ein fehlendes Datenjahr NA (pandas 2: "
              "values.loc gibt die Zeile mit den Werten ihrer Spalten); der unabhängige Test prüft lauter float.")
_LEVEL_ORDER = ("Nur die Reihenfolge zählt: 'erhöht' kommt mit dem Rang 1, 2 oder ohne Rang (pandas sortiert fehlende "
                "ans Ende) nach 'deutlich erhöht' (0); andere Stufen gibt es nicht.")

EQUIVALENT: dict[str, tuple[str, str]] = {
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_2": ('prior: str = "XXcityXX"', _PRIOR),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_3": ('prior: str = "CITY"', _PRIOR),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_35": ("groupby(keys, sort=None, dropna=False)", _GROUPS),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_38": ("groupby(keys, dropna=False)", _GROUPS),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_40": ("groupby(keys, sort=True, dropna=False)", _GROUPS),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_36": (
        "groupby(keys, sort=False, dropna=None)", "pandas liest dropna als Wahrheitswert: None ist falsch wie False "
        "(Einheiten ohne Bezirk bleiben eine Gruppe, das prüft ein Test)."),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_43": ('rows["numerator"].to_numpy(dtype=None)', _NUMERIC),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_47": ('rows["denominator"].to_numpy(dtype=None)', _NUMERIC),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_139": ('out["numerator"].to_numpy(dtype=None)', _NUMERIC),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_180": ('out["denominator"].to_numpy(dtype=None)', _NUMERIC),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_142": (
        "np.errstate(divide=None)", "1 / sqrt(max(n, 1e-300)) teilt nie durch null: es gibt keine Warnung, die "
        "errstate unterdrücken müsste."),
    "veedel_lib.analysis.smoothing.x_smooth_rates__mutmut_170": (
        "np.maximum(n, 1.0)", "Die Untergrenze wirkt nur für 0 < n < 1; Fallzahlen sind ganze Zahlen (die Prüfung "
        "der Eingaben weist gebrochene ab), für n ≥ 1 ist max(n, 1) = max(n, 1e-300) = n."),
    "veedel_lib.analysis.indicators.x_stadtteil_groups__mutmut_7": (
        'groupby("stadtteil_nr", sort=None)', "pandas liest sort als Wahrheitswert: None ist falsch wie False "
        "(die Reihenfolge der Einheitentabelle bleibt, das prüft ein Test)."),
    "veedel_lib.analysis.indicators.x__cube__mutmut_1": ('"XXcubeXX" not in ds.cache', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__cube__mutmut_2": ('"CUBE" not in ds.cache', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__cube__mutmut_30": ('stats["count"].to_numpy(dtype=None)', _FLOAT_TARGET),
    "veedel_lib.analysis.indicators.x__membership__mutmut_5": ("ds.cache.setdefault(None, {})", _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__membership__mutmut_9": ('setdefault("XXmembershipXX"', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__membership__mutmut_10": ('setdefault("MEMBERSHIP"', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__years_with__mutmut_3": ("ds.cache.setdefault(None, {})", _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__years_with__mutmut_7": ('setdefault("XXyears_withXX"', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x__years_with__mutmut_8": ('setdefault("YEARS_WITH"', _CACHE_KEY),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_37": ('"GU,YUV->YGV", membership, np.nan_to_num',
                                                                    _OVERWRITTEN),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_41": ("np.nan_to_num(block, ))", _OVERWRITTEN),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_42": ("nan_to_num(block, nan=1.0)", _OVERWRITTEN),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_51": ('"GU,YUV->YGV", membership, np.isnan',
                                                                    _OVERWRITTEN),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_52": ("isnan(block).astype(None)",
                                                                    "astype(None) ist float64, wie astype(float)."),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_56": ("sums[unknown] = None", _FLOAT_TARGET),
    "veedel_lib.analysis.indicators.x_aggregate_years__mutmut_57": ("== 0, :] = None", _FLOAT_TARGET),
    "veedel_lib.analysis.indicators.x_data_year__mutmut_15": (
        "(indicator.rate) or True", "Ohne Rate sucht sie die Jahre der Variable None: es gibt keine, die Menge "
        "bleibt leer wie mit []."),
    "veedel_lib.analysis.indicators.x_published_rates__mutmut_12": ("not lookup and not any(single)", _NO_RATE),
    "veedel_lib.analysis.indicators.x_published_rates__mutmut_13": ("indicator.rate is None and not lookup",
                                                                    _NO_RATE),
    "veedel_lib.analysis.indicators.x_published_rates__mutmut_33": ("sums[lookup.index(year)], None)",
                                                                    _FLOAT_TARGET),
    "veedel_lib.analysis.indicators.x__indicator_frame__mutmut_45": ("numerator[i] = np.where(None,", _NAN_SUMS),
    "veedel_lib.analysis.indicators.x__indicator_frame__mutmut_46": ("isnan(parts).any(axis=1), None,", _NAN_SUMS),
    "veedel_lib.analysis.indicators.x__indicator_frame__mutmut_57": ("denominator[i] = np.where(None,", _NAN_SUMS),
    "veedel_lib.analysis.indicators.x__indicator_frame__mutmut_58": ("isnan(whole).any(axis=1), None,", _NAN_SUMS),
    "veedel_lib.analysis.indicators.x__indicator_frame__mutmut_139": (
        "(u is not None) or True", "pd.array(..., dtype=\"Int64\") macht None zu <NA>, wie die Angabe pd.NA."),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_25": ("concat(frames, ignore_index=None)",
                                                                     _INDEX_RESET),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_27": ("concat(frames, )", _INDEX_RESET),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_28": ("concat(frames, ignore_index=False)",
                                                                     _INDEX_RESET),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_40": ("fillna(False).to_numpy(dtype=None)", _NO_NA),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_41": ("fillna(None)", _NO_NA),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_42": ("fillna(True)", _NO_NA),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_48": ("kind=None)", _SORT_KIND),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_51": ("+                              ).reset_index",
                                                                     _SORT_KIND),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_63": ('kind="XXstableXX"', _SORT_KIND),
    "veedel_lib.analysis.indicators.x_indicator_series__mutmut_64": ('kind="STABLE"', _SORT_KIND),
    "veedel_lib.run.archive.x_parse_checksums__mutmut_4": ('decode("UTF-8")', _CODEC),
    "veedel_lib.run.archive.x_parse_manifest__mutmut_5": ('decode("UTF-8")', _CODEC),
    "veedel_lib.run.archive.x_parse_checksums__mutmut_24": ("break  # after the last line break", _LAST_LINE),
    "veedel_lib.run.archive.x__companion__mutmut_7": (
        "result.checked = 1", "verify prüft die Begleitdatei als Erstes an einem neuen Ergebnis: checked ist davor 0, "
        "= 1 und += 1 geben dasselbe."),
    "veedel_lib.run.archive.x__companion__mutmut_13": ('.decode(errors="replace")', "bytes.decode nimmt ohne "
                                                       "Angabe UTF-8."),
    "veedel_lib.run.archive.x__companion__mutmut_17": ('decode("UTF-8", errors="replace")', _CODEC),
    "veedel_lib.run.archive.x__hash_section__mutmut_22": ("good[name] = None", _UNUSED),
    "veedel_lib.run.archive.x__hash_section__mutmut_23": ("good[name] = digest.upper()", _UNUSED),
    "veedel_lib.run.cache.x_report_key__mutmut_17": ('"XX<lauf>XX"', _PLACEHOLDER),
    "veedel_lib.run.cache.x_report_key__mutmut_18": ('"<LAUF>"', _PLACEHOLDER),
    "veedel_lib.run.cache.x_report_key__mutmut_31": ("get(notebook, None)", _SENTINEL),
    "veedel_lib.run.cache.x_report_key__mutmut_33": ("get(notebook, )", _SENTINEL),
    "veedel_lib.run.cache.x_report_key__mutmut_34": ("'XX-XX'", _SENTINEL),
    "veedel_lib.run.cache.x_earlier_reports__mutmut_6": ("p.is_dir() or (p / MANIFEST)", _NO_MANIFEST),
    "veedel_lib.run.cache.x_earlier_key_figures__mutmut_6": ("p.is_dir() or (p / MANIFEST)", _NO_MANIFEST),
    "veedel_lib.run.cache.x_earlier_reports__mutmut_14": ("encoding=None", _LOCALE),
    "veedel_lib.run.cache.x_earlier_reports__mutmut_17": ('encoding="UTF-8"', _LOCALE),
    "veedel_lib.run.cache.x_earlier_key_figures__mutmut_13": ("encoding=None", _LOCALE),
    "veedel_lib.run.cache.x_earlier_key_figures__mutmut_16": ('encoding="UTF-8"', _LOCALE),
    "veedel_lib.render.disclosure.x__thresholds__mutmut_1": (
        'fillna(None)',
        "Eine nicht lesbare Schwelle bleibt NaN: v < NaN ist falsch wie v < 0 für jede Anzahl über 0."),
    "veedel_lib.render.disclosure.x__thresholds__mutmut_8": ('fillna(1)', _WHOLE_COUNTS),
    "veedel_lib.render.disclosure.x__thresholds__mutmut_15": ('column.threshold or 1', _WHOLE_COUNTS),
    "veedel_lib.render.disclosure.x_secondary_mask__mutmut_24": ('changed = None', _FALSY),
    "veedel_lib.render.disclosure.x_secondary_mask__mutmut_29": ('dtype=None)', _NUMBERS),
    "veedel_lib.render.disclosure.x_secondary_mask__mutmut_31": ('for r, c in cells], )', _NUMBERS),
    "veedel_lib.render.disclosure.x_protect__mutmut_38": (
        'where(~hidden[column], )',
        "Series.where setzt ohne Angabe NaN (float) ein, wie die Angabe."),
    "veedel_lib.render.disclosure.x_hidden_range__mutmut_2": (
        'to_numpy(dtype=None)',
        "Die Spalten sind Zahlen (float, int, auch Int64 nach dropna ohne fehlende Werte): gerechnet wird "
        "ohnehin in float."),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_7": (
        'sort_values(kind="stable", )',
        "pandas setzt fehlende Werte ohne Angabe ans Ende (na_position='last' ist die Vorgabe)."),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_10": (
        'kind="STABLE"',
        "numpy liest den Namen des Sortierverfahrens ohne Rücksicht auf Groß- und Kleinschreibung."),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_17": (
        'pd.DataFrame(index=None)',
        "Die Vorgabe für known hat keine Spalten: mit oder ohne Zeilen ist keine Spalte bekannt."),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_32": (
        'secret[column].reindex(None, fill_value=False)', _ALIGNED),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_34": (
        'secret[column].reindex(fill_value=False)', _ALIGNED),
    "veedel_lib.render.disclosure.x_standardised_mask__mutmut_60": ('changed = None', _FALSY),
    "veedel_lib.render.disclosure.x__masked__mutmut_13": (
        'astype(None)',
        "astype(None) ist float64, wie astype(float)."),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_5": (
        'Col(key, None, "number", based_on=basis())', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_6": (
        'Col(key, key, None, based_on=basis()) for key in COMPARISON_DERIVED', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_8": (
        'Col(key, "number", based_on=basis()) for key in COMPARISON_DERIVED', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_9": (
        'Col(key, "number", based_on=basis()) for key in COMPARISON_DERIVED', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_10": (
        'Col(key, key, based_on=basis()) for key in COMPARISON_DERIVED', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_12": ('"XXnumberXX"', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_13": ('"NUMBER"', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_15": (
        'Col(key, None, "text", based_on=basis())', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_16": (
        'Col(key, key, None, based_on=basis()) for key in ("assessment"', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_18": ('Col(key, "text", based_on=basis())', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_19": ('Col(key, "text", based_on=basis())', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_20": (
        'Col(key, key, based_on=basis()) for key in ("assessment"', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_22": ('"XXtextXX"', _DECLARATION),
    "veedel_lib.render.disclosure.x_public_comparison__mutmut_23": ('"TEXT"', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_14": (
        'Col(key, None, "count", threshold=basis.threshold', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_30": (
        'Col(key, None, "number", based_on=basis.counts)', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_31": (
        'Col(key, key, None, based_on=basis.counts)', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_33": ('Col(key, "number", based_on=basis.counts)', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_34": ('Col(key, "number", based_on=basis.counts)', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_35": ('Col(key, key, based_on=basis.counts)', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_37": ('"XXnumberXX", based_on=basis.counts', _DECLARATION),
    "veedel_lib.render.disclosure.x_chart_data__mutmut_38": ('"NUMBER", based_on=basis.counts', _DECLARATION),
    "veedel_lib.inputs.validation.x__resolved_units__mutmut_34": (
        'len(given) > 1 or reference.ancestor', _RESOLVED),
    "veedel_lib.inputs.validation.x__resolved_units__mutmut_37": (
        'len(given) >= 1 and', _RESOLVED),
    "veedel_lib.inputs.validation.x_unit_periods__mutmut_12": (
        'dtype=None)', _YEAR_BOUNDS),
    "veedel_lib.inputs.validation.x_unit_periods__mutmut_14": (
        'for k in units["stadtteil_nr"]], )', _YEAR_BOUNDS),
    "veedel_lib.inputs.validation.x_unit_periods__mutmut_23": (
        'dtype=None)', _YEAR_BOUNDS),
    "veedel_lib.inputs.validation.x_unit_periods__mutmut_25": (
        'for k in units["stadtteil_nr"]], )', _YEAR_BOUNDS),
    "veedel_lib.inputs.validation.x__period_problems__mutmut_23": (
        'data["year"].to_numpy(dtype=None)', _INT_YEARS),
    "veedel_lib.inputs.validation.x__city_problems__mutmut_30": (
        'map(city).to_numpy(dtype=None, copy=True)', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.x__city_problems__mutmut_32": (
        'map(city).to_numpy(copy=True)', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.x__city_problems__mutmut_39": (
        'to_numpy()] = None', _NONE_NAN),
    "veedel_lib.inputs.validation.x__city_problems__mutmut_45": (
        'data["count"].to_numpy(dtype=None) > limit', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_5": (
        'np.asarray(self.units, dtype=None)', _TEXT_INDEX),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_7": (
        'np.asarray(self.units, )', _TEXT_INDEX),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_12": (
        'np.asarray(self.variables, dtype=None)', _TEXT_INDEX),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_14": (
        'np.asarray(self.variables, )', _TEXT_INDEX),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_19": (
        'np.asarray(self.years, dtype=None)', _TEXT_INDEX),
    "veedel_lib.inputs.validation.xǁ_Keysǁorder__mutmut_21": (
        'np.asarray(self.years, )', _TEXT_INDEX),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_7": (
        'max(len(keys.years), 2)',
        "Mehr Zeilen als Zellen: die zusätzlichen bleiben leer (kein Wert, nicht unterdrückt, keine Zeile) "
        "und ergeben keinen Vergleich; die Zellnummern aus _Keys bleiben gültig."),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_14": (
        'data["count"].to_numpy(dtype=None)', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_23": (
        'data["suppressed"].to_numpy(dtype=None)', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_29": (
        '-1, dtype=None)', _NEVER_READ),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_32": (
        'np.full((cells, width), -1, )', _NEVER_READ),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_33": (
        '+1, dtype=np.int64)', _NEVER_READ),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_34": (
        '-2, dtype=np.int64)', _NEVER_READ),
    "veedel_lib.inputs.validation.x__ratio_problems__mutmut_65": (
        'all(axis=1)] = None', _NONE_NAN),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_2": (
        'units["unit_id"].to_numpy(dtype=None)', _TEXT_INDEX),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_15": (
        'np.asarray(variables, dtype=None)', _TEXT_INDEX),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_17": (
        'np.asarray(variables, )', _TEXT_INDEX),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_142": (
        'np.arange(first, last + 1, dtype=None)', _INT_YEARS),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_145": (
        'np.arange(first, last + 1, )', _INT_YEARS),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_186": (
        'groupby(["stadtteil_nr", "stadtteil_name"], )',
        "groupby sortiert ohne Angabe (sort=True ist die Vorgabe)."),
    "veedel_lib.inputs.validation.x_completeness_gaps__mutmut_255": (
        'missing_cells[~has_rows] = None',
        "In ein bool-Array geschrieben wird None zu False, wie die Angabe."),
    "veedel_lib.inputs.validation.x__schema_problems__mutmut_8": (
        'itertuples(index=None)',
        "Die Felder werden über ihre Namen gelesen: ein zusätzliches Feld Index ändert nichts, None ist "
        "falsch wie False."),
    "veedel_lib.inputs.validation.x__schema_problems__mutmut_9": (
        'itertuples(index=True)',
        "Die Felder werden über ihre Namen gelesen: ein zusätzliches Feld Index ändert nichts, None ist "
        "falsch wie False."),
    "veedel_lib.inputs.validation.x__schema_problems__mutmut_10": (
        'case.index is None and pd.isna(case.index)',
        "Ein Fehlerfall ohne Zeile hat bei pandera den Index None, und pd.isna(None) ist wahr: 'and' geht "
        "denselben Weg wie 'or'."),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_8": (
        'nullable=None, checks=pa.Check(lambda s: s.isin(unit_ids)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_11": (
        'pa.Column(None, checks=pa.Check(lambda s: s.isin(unit_ids)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_10": (
        'pa.Column(nullable=True, checks=pa.Check(lambda s: s.isin(unit_ids)',
        "Der Datentyp None ist die Vorgabe von pandera.Column."),
    "veedel_lib.inputs.validation.x_validate_units__mutmut_149": (
        'pd.Series(resolved[base.id], dtype=None)', _KEY_DTYPE),
    "veedel_lib.inputs.validation.x_validate_units__mutmut_151": (
        'pd.Series(resolved[base.id], )', _KEY_DTYPE),
    "veedel_lib.inputs.validation.x_validate_units__mutmut_178": (
        'units["stadtteil_nr"]], dtype=None)', _KEY_DTYPE),
    "veedel_lib.inputs.validation.x_validate_units__mutmut_180": (
        'units["stadtteil_nr"]], )', _KEY_DTYPE),
    "veedel_lib.analysis.trends.x_linear_trend__mutmut_15": (
        "years[mask].astype(float) + years[mask].min()",
        "Eine Verschiebung der Jahre ändert die OLS-Steigung, ihre Residuen und ihre HAC-Varianz nicht (nur den "
        "Achsenabschnitt, der nicht ausgegeben wird)."),
    "veedel_lib.analysis.trends.x_linear_trend__mutmut_16": (
        "years[mask].astype(None)", "astype(None) ist float64, wie astype(float)."),
    "veedel_lib.analysis.trends.x_linear_trend__mutmut_27": (
        'cov_type="hac"', "statsmodels liest cov_type ohne Rücksicht auf Groß- und Kleinschreibung."),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_3": ("rest_den)], dtype=None)", _FOUR_NUMBERS),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_5": ("rest_den)], )", _FOUR_NUMBERS),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_43": (
        'method="SCORE"', "statsmodels liest method ohne Rücksicht auf Groß- und Kleinschreibung."),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_49": ("rest_den, method=None)", _SCORE_DEFAULT),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_54": ("rest_den, ).pvalue", _SCORE_DEFAULT),
    "veedel_lib.analysis.comparison.x_assess__mutmut_22": (
        "difference >= 0", "Ein Unterschied 0 ist schon zwei Zeilen vorher 'kein deutlicher Unterschied'."),
    "veedel_lib.analysis.comparison.x_compare_with_city__mutmut_27": (
        "indicator_values(ds, year, groups, None, level)",
        "indicator_values rechnet dann alle Indikatoren des Katalogs; die Schleife liest nur die gewählten, und "
        "deren Werte hängen nicht von den anderen ab."),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_15": (
        'isin(unit_ids), element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_18": (
        'isin(unit_ids), error="unbekannte Einheit', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_35": (
        'between(first, last), element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_38": (
        'between(first, last), error=', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_57": (
        'isin(variables), element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_60": (
        'isin(variables), error="unbekannte Variable', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_77": (
        '(s >= 0), element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_80": (
        '(s >= 0), error=', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_91": (
        '_whole_number, element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_94": (
        '_whole_number, error=', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_101": (
        '(s <= MAX_COUNT), element_wise=None', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_104": (
        '(s <= MAX_COUNT), error=', _ELEMENT_WISE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_13": (
        'pa.Column(None, nullable=False, checks=pa.Check(lambda s: s.isin(unit_ids)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_30": (
        'nullable=None),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_33": (
        '+                          ),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_47": (
        'nullable=False),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_50": (
        'pa.Column(None, nullable=None, checks=pa.Check(lambda s: s.isin(variables)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_53": (
        'pa.Column(None, checks=pa.Check(lambda s: s.isin(variables)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_55": (
        'pa.Column(None, nullable=False, checks=pa.Check(lambda s: s.isin(variables)', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_72": (
        '], nullable=None),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_75": (
        '+        ], ),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_114": (
        '], nullable=False),', _EMPTY_FAILURE),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_52": (
        'pa.Column(nullable=True, checks=pa.Check(lambda s: s.isin(variables)',
        "Der Datentyp None ist die Vorgabe von pandera.Column."),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_28": (
        '"year": pa.Column(None, pa.Check', _FLOAT_SCHEMA),
    "veedel_lib.inputs.validation.x__statistics_schema__mutmut_70": (
        '"count": pa.Column(None, [', _FLOAT_SCHEMA),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_19": (
        'groupby(["unit", "year", "variable"], sort=None)', _PROBLEM_ORDER),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_21": (
        'groupby(["unit", "year", "variable"], )', _PROBLEM_ORDER),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_28": (
        'groupby(["unit", "year", "variable"], sort=True)', _PROBLEM_ORDER),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_2": (
        'max(len(keys.variables), 1) - keys.variable', _UNIQUE_KEY),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_8": (
        'max(len(keys.variables), 2) + keys.variable', _UNIQUE_KEY),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_58": (
        'group.index[1]', _SAME_GROUP),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_64": (
        "group['year'].iloc[1]", _SAME_GROUP),
    "veedel_lib.inputs.validation.x__duplicate_problems__mutmut_67": (
        "group['variable'].iloc[1]", _SAME_GROUP),
    "veedel_lib.inputs.validation.x__rate_problems__mutmut_21": (
        '"unter 0" if value <= low',
        "Ein Wert gleich der Untergrenze ist nur dann ein Problem, wenn er über der Obergrenze liegt, und die"
        " liegt nie unter der Untergrenze: die Grenze wird dann richtig als 'über' genannt."),
    "veedel_lib.inputs.validation.x__rate_problems__mutmut_3": (
        'typed["count"].to_numpy(dtype=None)', _FLOAT_COLUMN),
    "veedel_lib.inputs.validation.x_validate_statistics__mutmut_178": (
        'schema_frame.loc[published, "count"] = None',
        "In eine float-Spalte geschrieben wird None zu NaN, wie die Angabe."),
    "veedel_lib.inputs.validation.x_validate_statistics__mutmut_244": (
        'problems = _ratio_problems(data, tables, catalogue, keys)',
        "Die Zeile steht unter 'if not problems': die Liste ist dort leer, = und += geben dasselbe."),
    "veedel_lib.inputs.validation.x_validate_statistics__mutmut_39": (
        'parse_numbers(raw["year"], None)', _DECIMAL),
    "veedel_lib.inputs.validation.x_validate_statistics__mutmut_44": (
        'parse_numbers(raw["year"], "XX.XX")', _DECIMAL),
    "veedel_lib.inputs.validation.xǁ_Keysǁ__init____mutmut_11": (
        'use_na_sentinel=None)', _NAN_YEARS),
    "veedel_lib.inputs.validation.xǁ_Keysǁ__init____mutmut_13": (
        'pd.factorize(data["year"], )',
        "use_na_sentinel=True ist die Vorgabe von pd.factorize."),
    "veedel_lib.inputs.validation.xǁ_Keysǁ__init____mutmut_16": (
        'use_na_sentinel=False)', _NAN_YEARS),
    "veedel_lib.analysis.comparison.x__p_value__mutmut_18": (
        "values[3] < 0", "Mit dem Nenner 0 der übrigen Stadt geben beide statsmodels-Tests ohnehin NaN."),
    "veedel_lib.analysis.comparison.x_compare_with_city__mutmut_35": ('values["XXdata_yearXX"]', _ROW_TYPES),
    "veedel_lib.analysis.comparison.x_compare_with_city__mutmut_36": ('values["DATA_YEAR"]', _ROW_TYPES),
    "veedel_lib.analysis.comparison.x_handlungsbedarfe__mutmut_17": ('"XXerhöhtXX": 1', _LEVEL_ORDER),
    "veedel_lib.analysis.comparison.x_handlungsbedarfe__mutmut_18": ('"ERHÖHT": 1', _LEVEL_ORDER),
    "veedel_lib.analysis.comparison.x_handlungsbedarfe__mutmut_19": ('"erhöht": 2', _LEVEL_ORDER),
    # --- analysis/evaluation.py, analysis/programme.py ---
    # --- analysis/sozialindex.py, analysis/sozialindex_sensitivity.py ---
    # --- analysis/staggered.py, analysis/programme_evaluation.py ---
    # --- analysis/honest_trends.py, analysis/synthetic_control.py ---
}
"""Mutant name -> (a piece of its changed line, the reason it cannot change a result). The piece guards the entry:
when the module changed and the same name now means another mutant, the entry no longer applies (noted, counted as
not equivalent)."""

SURVIVOR_NOTES: dict[str, str] = {
    "veedel_lib.analysis.smoothing.x_smoothed_stadtteil_values__mutmut_43": (
        "nicht äquivalent, aber kein Test soll sie töten: mit einem Generator als indicators verbraucht "
        "list(indicators) ihn, die Schleife läuft nie und die Funktion gibt die Werte ohne Glättung zurück (ein "
        "Fehler der Funktion); die Mutante bricht dort mit ValueError ab. Ein Test, der sie tötet, schriebe den "
        "Fehler fest."),
    # --- analysis/evaluation.py, analysis/programme.py ---
    # --- analysis/sozialindex.py, analysis/sozialindex_sensitivity.py ---
    # --- analysis/staggered.py, analysis/programme_evaluation.py ---
    # --- analysis/honest_trends.py, analysis/synthetic_control.py ---
}
"""Surviving mutants that are not equivalent, with why no test kills them (shown next to them in the report)."""

HEAVY_FIXTURES = ("demo", "demo_run", "two_variants", "executed", "converted", "full_conversion", "no_effect",
                  "thin_data", "small_count_run", "koeln_dir")
"""Fixtures that generate the demo data, execute runs or need the city's data: seconds to minutes each, made again
in every mutant's test process (mutmut forks a fresh pytest session per mutant). Tests using one are left out."""

PLUGIN = "veedel_mutation_plugin"
PLUGIN_SOURCE = f'''"""Written by scripts/mutation.py: leaves out the tests that need a heavy fixture."""

HEAVY = set({HEAVY_FIXTURES!r})


def pytest_collection_modifyitems(config, items):
    heavy = [item for item in items if HEAVY & set(getattr(item, "fixturenames", ()))]
    if heavy:
        items[:] = [item for item in items if item not in heavy]
        config.hook.pytest_deselected(items=heavy)
'''

PLANTED: dict[str, tuple[str, str, str]] = {
    "data_year nimmt im Wahljahr die vorige Wahl (<= -> <)": (
        "analysis/indicators.py", "earlier = [y for y in years if y <= year]",
        "earlier = [y for y in years if y < year]"),
    "smooth_rates: Randwahrscheinlichkeit des Intervalls verdoppelt": (
        "analysis/smoothing.py", "alpha = (1 - level) / 2", "alpha = (1 - level)"),
    "smooth_rates: Priori-Mittel durch die Summe statt den Mittelwert der Nenner geteilt": (
        "analysis/smoothing.py", "- m / du.mean()))", "- m / du.sum()))"),
    "verify vergleicht das Archiv nicht mehr mit seiner .sha256": (
        "run/archive.py", "    if result.archive:\n        _companion(path, result)",
        "    if False:\n        _companion(path, result)"),
    "verify vergleicht das Archiv nicht mehr mit seiner .sha256 (Fassung von da96083)": (
        "run/archive.py", "    if path.is_file() and companion.exists():", "    if False:"),
    "report_key ohne die Eingabedaten": (
        "run/cache.py", '            digest.update(f"{name}\\0{input_hashes[name]}\\n".encode())', "            pass"),
    "letztes erlaubtes Datenjahr ein Jahr zu früh": (
        "inputs/validation.py", "return FIRST_YEAR, _dt.date.today().year",
        "return FIRST_YEAR, _dt.date.today().year - 1"),
}
"""The six bugs of issue #30 item 9 that the suite of 2 December 2026 did not notice: description -> (module, the
line as it is, the line with the bug); the archive's bug twice, for its code now and at da96083 (each is planted
where its line exists). ``--gepflanzt`` plants each in a copy and runs the module's tests."""

STATUS_COLUMNS = ("killed", "survived", "equivalent", "timeout", "no tests", "other")


@dataclass
class ModuleResult:
    """One module's counts (mutants) and the names of the survivors, from one measurement."""

    module: str
    measured: str
    killed: int
    survived: int
    equivalent: int
    timeout: int
    no_tests: int
    other: int
    seconds: float
    survivors: list[str]
    stale_equivalents: list[str]
    cpu_seconds: float = 0.0
    stand: str = "nachher"
    code: str = ""
    command: str = ""

    @property
    def score(self) -> float | None:
        """Killed mutants as a share of the non-equivalent ones (None without any)."""
        total = self.killed + self.survived + self.timeout + self.no_tests + self.other
        return self.killed / total if total else None


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with German help (the project's user-facing language)."""
    parser = argparse.ArgumentParser(
        prog="mutation.py",
        description="Mutationstests der Kernmodule mit mutmut: je Modul nur die zugeordneten Tests, ein Prozess, "
                    "eine Zeitgrenze je Mutante. Ergebnis in benchmarks/mutation.md.")
    parser.add_argument("module", nargs="*", metavar="MODUL",
                        help="Module unter veedel_lib/, z. B. analysis/smoothing.py (ohne Angabe: alle)")
    parser.add_argument("--liste", action="store_true", help="nur die Module und ihre Tests zeigen")
    parser.add_argument("--projekt", type=Path, default=ROOT, metavar="PFAD",
                        help="Projektordner, dessen veedel_lib, tests und parameters gemessen werden (Vorgabe: "
                             "dieses Projekt); für den Stand vor einer Änderung z. B. ein git worktree des früheren "
                             "Commits")
    parser.add_argument("--stand", choices=("vorher", "nachher"), default="nachher",
                        help="unter welchem Stand das Ergebnis in benchmarks/mutation.md steht (Vorgabe: nachher)")
    parser.add_argument("--prozesse", type=int, default=1,
                        help="gleichzeitig getestete Mutanten (Vorgabe 1: die Maschine ist geteilt)")
    parser.add_argument("--zeitgrenze", type=float, default=3.0, metavar="SEKUNDEN",
                        help="feste Sekunden je Mutante zusätzlich zur gemessenen Testdauer (Vorgabe 3); die "
                             "CPU-Grenze ist (Testdauer + SEKUNDEN) x 2 x --faktor")
    parser.add_argument("--faktor", type=float, default=5.0,
                        help="Vielfaches der gemessenen Testdauer, ab dem eine Mutante als Zeitüberschreitung gilt "
                             "(Vorgabe 5)")
    parser.add_argument("--arbeitsordner", type=Path, default=Path(tempfile.gettempdir()) / "veedel-mutation",
                        help="Ordner für die Kopien und mutmuts Zwischenstände (Vorgabe: im temporären Ordner)")
    parser.add_argument("--weiter", action="store_true",
                        help="frühere Ergebnisse im Arbeitsordner weiterverwenden statt neu zu messen")
    parser.add_argument("--nur-ueberlebende", action="store_true",
                        help="mit --weiter: nur die Mutanten neu testen, die im Arbeitsordner überlebt oder keinen "
                             "Test getroffen haben (für neue Tests; der Code des Moduls muss derselbe sein, die "
                             "übrigen Urteile bleiben)")
    parser.add_argument("--gepflanzt", action="store_true",
                        help="statt der Mutanten die sechs Fehler aus Issue #30 (PLANTED) je einzeln in eine Kopie "
                             "einbauen und die zugeordneten Tests des Moduls laufen lassen: gefangen oder nicht")
    parser.add_argument("--nur-bericht", action="store_true",
                        help="nichts messen: benchmarks/mutation.md aus mutation.json neu schreiben (mit Einleitung)")
    parser.add_argument("--ohne-bericht", action="store_true",
                        help="benchmarks/mutation.md und mutation.json nicht schreiben")
    return parser.parse_args(argv)


def existing_tests(tests: list[str], project: Path) -> tuple[list[str], list[str]]:
    """The tests whose file exists in ``project``, and those whose file does not (left out with a note)."""
    present = [t for t in tests if t.startswith("-") or (project / t.split("::")[0]).is_file()]
    return present, [t for t in tests if t not in present]


def mutmut_config(module: str, tests: list[str], args: argparse.Namespace) -> str:
    """The ``[tool.mutmut]`` table for one module: mutate only it, run only its tests."""
    config = {
        "source_paths": ["veedel_lib"],
        "only_mutate": [f"veedel_lib/{module}"],
        "also_copy": ["parameters", "notebooks", f"{PLUGIN}.py"],
        "pytest_add_cli_args": ["-p", "no:xdist", "-p", "no:cacheprovider", "-p", PLUGIN, "-m", "not slow"],
        "pytest_add_cli_args_test_selection": tests,
        "timeout_multiplier": args.faktor,
        "timeout_constant": args.zeitgrenze,
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"]
    for key, value in config.items():
        lines.append(f"{key} = {json.dumps(value)}" if not isinstance(value, bool) else f"{key} = {str(value).lower()}")
    return "\n".join(lines) + "\n"


def prepare(folder: Path, module: str, tests: list[str], args: argparse.Namespace) -> None:
    """Copy library, tests, parameters, notebooks (some tests read one) and a pyproject.toml with the module's
    mutmut table into ``folder``."""
    if folder.exists() and not args.weiter:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "*.pyc")
    for name in ("veedel_lib", "tests", "parameters", "notebooks"):
        if (folder / name).exists():
            shutil.rmtree(folder / name)
        shutil.copytree(args.projekt / name, folder / name, ignore=ignore)
    (folder / f"{PLUGIN}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    text = (args.projekt / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[tool\.mutmut\][^\[]*", "\n", text)
    (folder / "pyproject.toml").write_text(text + mutmut_config(module, tests, args), encoding="utf-8")
    if not args.weiter and (folder / "mutants").exists():
        shutil.rmtree(folder / "mutants")


def mutant_patterns(module: str) -> list[str]:
    """mutmut's names of the mutants to test in ``module``: those of its :data:`PARTS`, or all (empty list)."""
    prefix = "veedel_lib." + module.removesuffix(".py").replace("/", ".")
    return [f"{prefix}.{part if part.startswith('x') and 'ǁ' in part else 'x_' + part}__mutmut_*"
            for part in PARTS.get(module, ())]


def run_mutmut(folder: Path, log: Path, args: argparse.Namespace, patterns: list[str]) -> int:
    """``mutmut run`` in ``folder`` with one BLAS thread per process; its output goes to ``log``."""
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                       PYTHONDONTWRITEBYTECODE="1", VEEDEL_CACHE=str(folder / "cache"),
                       VEEDEL_HOME=str(folder / "mutants"))  # its parameters, not those of the editable install
    with log.open("w", encoding="utf-8") as out:
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.prozesse), *patterns]
        return subprocess.run(command,
                              cwd=folder, env=environment, stdout=out, stderr=subprocess.STDOUT).returncode


def statuses(folder: Path) -> dict[str, str]:
    """Mutant name -> mutmut's status ("killed", "survived", ...), from ``mutmut results --all true``."""
    listing = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=folder,
                             capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^\s+(\S+): (.+?)\s*$", listing, flags=re.M))


def mutant_diff(folder: Path, name: str) -> str:
    """The changed lines of one mutant (``mutmut show``)."""
    return subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=folder, capture_output=True,
                          text=True).stdout


def code_state(project: Path) -> str:
    """The commit of the measured project folder, with a note when its library or tests differ from it."""
    def git(*command: str) -> str:
        done = subprocess.run(["git", "-C", str(project), *command], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "ohne git"
    changed = git("status", "--porcelain", "--", "veedel_lib", "tests", "parameters")
    return f"{commit} mit nicht eingecheckten Änderungen" if changed else commit


def classify(module: str, found: dict[str, str], folder: Path, seconds: float) -> ModuleResult:
    """Count the mutants by status; named equivalents whose changed line still matches count as equivalent."""
    counts = dict.fromkeys(STATUS_COLUMNS, 0)
    survivors, stale = [], []
    for name, status in sorted(found.items()):
        if name in EQUIVALENT and status != "killed":
            piece = EQUIVALENT[name][0]
            if piece in mutant_diff(folder, name):
                counts["equivalent"] += 1
                continue
            stale.append(name)
        column = {"killed": "killed", "survived": "survived", "timeout": "timeout", "no tests": "no tests"}
        key = column.get(status, "other")
        counts[key] += 1
        if key != "killed" and key != "timeout":
            survivors.append(f"{name} ({status})")
    return ModuleResult(module, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), counts["killed"],
                        counts["survived"], counts["equivalent"], counts["timeout"], counts["no tests"],
                        counts["other"], round(seconds), survivors, stale)


def survivors_of(folder: Path, module: str) -> list[str]:
    """The mutants of an earlier measurement in ``folder`` that survived or met no test, of the measured part of
    ``module``: with ``--weiter --nur-ueberlebende`` only they are tested again (mutmut re-tests mutants named on
    its command line and keeps every other verdict; tests added since are mapped to the functions they reach
    first). Timeouts are kept (a mutant that loops stays a timeout; testing it again costs its whole CPU limit).
    Empty when nothing was measured there yet."""
    if not (folder / "mutants").is_dir():
        return []
    patterns = mutant_patterns(module)
    return sorted(name for name, status in statuses(folder).items()
                  if status in ("survived", "no tests") and (not patterns or any(fnmatch(name, p) for p in patterns)))


def measure(module: str, args: argparse.Namespace) -> ModuleResult | None:
    """Run mutmut over one module and count its mutants; None when the clean tests already fail."""
    tests, missing = existing_tests(MODULES[module], args.projekt)
    for path in missing:
        print(f"  Hinweis: {path} fehlt, ausgelassen")
    if all(test.startswith("-") for test in tests):  # pytest would run every test: select none instead
        print("  kein zugeordneter Test in diesem Stand: alle Mutanten ohne Test")
        tests = [*tests, "tests", "-k", "kein_zugeordneter_test"]
    folder = args.arbeitsordner / f"{args.stand}-{module.replace('/', '_').removesuffix('.py')}"
    again = survivors_of(folder, module) if args.nur_ueberlebende else []
    prepare(folder, module, tests, args)
    log = folder / "mutmut.log"
    start, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    patterns = mutant_patterns(module)
    code = run_mutmut(folder, log, args, again or patterns)
    seconds = time.monotonic() - start
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    nothing_selected = code != 0 and "runner returned 5" in log.read_text(encoding="utf-8", errors="replace")
    if code != 0 and not nothing_selected:
        print(f"  mutmut endete mit Code {code}; Protokoll: {log}")
        return None
    found = statuses(folder)
    if nothing_selected:  # every mapped test needs a heavy fixture: no mutant meets a test
        print("  Hinweis: kein zugeordneter Test oder jeder braucht Demodaten oder einen ganzen Lauf; alle Mutanten "
              "ohne Test")
        found = {name: "no tests" for name in found}
    if patterns:
        found = {name: status for name, status in found.items() if any(fnmatch(name, p) for p in patterns)}
    result = classify(module, found, folder, seconds)
    result.cpu_seconds = round(used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime)
    result.stand, result.code, result.command = args.stand, code_state(args.projekt), command_line(module, args)
    return result


def command_line(module: str, args: argparse.Namespace) -> str:
    """The command that measures this module again with the same settings."""
    options = [] if args.projekt == ROOT else ["--projekt", str(args.projekt)]
    options += ["--stand", args.stand, "--zeitgrenze", f"{args.zeitgrenze:g}", "--faktor", f"{args.faktor:g}",
                "--prozesse", str(args.prozesse)]
    options += ["--weiter", "--nur-ueberlebende"] if args.nur_ueberlebende else []
    return " ".join([".venv/bin/python scripts/mutation.py", module, *options])


def describe(result: ModuleResult) -> str:
    """One line for the terminal."""
    score = "–" if result.score is None else f"{100 * result.score:.1f} %"
    return (f"{result.module}: getötet {result.killed}, überlebt {result.survived}, äquivalent {result.equivalent}, "
            f"Zeitüberschreitung {result.timeout}, ohne Test {result.no_tests}, sonstige {result.other} "
            f"-> Wert {score} ({result.seconds} s, CPU {result.cpu_seconds} s)")


def table(results: dict[str, dict[str, dict]]) -> str:
    """The markdown table (one row per module and Stand), the commands and the survivor lists."""
    lines = ["| Modul | Stand | getötet | überlebt | äquivalent | Zeitüberschreitung | ohne Test | sonstige | Wert | "
             "gemessen | Code | Dauer, CPU |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |"]
    commands, details = [], []
    stands = [stand for stand in ("vorher", "nachher") if stand in results]
    rows = sorted(((module, stand) for stand in stands for module in results[stand]),
                  key=lambda row: (row[0], row[1] != "vorher"))
    for module, stand in rows:
        r = ModuleResult(**results[stand][module])
        score = "–" if r.score is None else f"{100 * r.score:.1f} %"
        lines.append(f"| `{module}` | {stand} | {r.killed} | {r.survived} | {r.equivalent} | {r.timeout} | "
                     f"{r.no_tests} | {r.other} | {score} | {r.measured} | {r.code} | {r.seconds} s, "
                     f"{r.cpu_seconds} s |")
        commands.append(f"- `{module}`, {stand}: `{r.command}`")
        if stand == "nachher" and (r.survivors or r.stale_equivalents):
            details.append(f"\nÜberlebende Mutanten in `{module}`:\n")
            details += [f"- `{name}`" + (f": {SURVIVOR_NOTES[name.split(' ')[0]]}"
                                         if name.split(" ")[0] in SURVIVOR_NOTES else "") for name in r.survivors]
            details += [f"- `{name}`: Äquivalenz-Eintrag passt nicht mehr zur Mutante" for name in r.stale_equivalents]
    missing = [f"`{module}`" for module in MODULES if not any(module in results[stand] for stand in stands)]
    if missing:
        lines.append(f"\nNicht gemessen: {', '.join(missing)}.")
    parts = [f"- `{module}`: nur {', '.join(f'`{part}`' for part in names)}" for module, names in PARTS.items()]
    planted = planted_table(results.get(PLANTED_KEY, {}))
    equivalents = [f"- `{name}` (`{piece}`): {reason}" for name, (piece, reason) in sorted(EQUIVALENT.items())]
    if equivalents:
        details += ["\nÄquivalente Mutanten (zählen nicht):\n"] + equivalents
    return "\n".join(lines + ["\nGemessene Teile (sonst das ganze Modul):\n"] + parts + ["\nBefehle:\n"] + commands
                     + planted + details)


PLANTED_KEY = "gepflanzt"
"""The key of the planted bugs' verdicts in mutation.json (next to the Stände ``vorher`` and ``nachher``)."""


def planted_table(planted: dict[str, dict]) -> list[str]:
    """The lines of the planted bugs' table: one row per bug, one column per Stand."""
    if not planted:
        return []
    stands = [stand for stand in ("vorher", "nachher") if stand in planted]
    lines = ["\nDie sechs Fehler aus Issue #30, je einzeln gepflanzt (`--gepflanzt`), mit den zugeordneten Tests:\n",
             "| Fehler | " + " | ".join(stands) + " |", "| --- |" + " --- |" * len(stands)]
    for description in PLANTED:
        cells = [planted[stand]["verdicts"].get(description, "–") for stand in stands]
        lines.append(f"| {description} | " + " | ".join(cells) + " |")
    lines += [f"- {stand}: {planted[stand]['measured']}, Code {planted[stand]['code']}, "
              f"`{planted[stand]['command']}`" for stand in stands]
    return lines


def write_report(measured: list[ModuleResult], planted: dict | None = None) -> None:
    """Merge this call's modules (or planted bugs' verdicts) into mutation.json and rewrite the table of
    mutation.md between the markers."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    for result in measured:
        results.setdefault(result.stand, {})[result.module] = asdict(result)
    if planted is not None:
        results.setdefault(PLANTED_KEY, {})[planted["stand"]] = planted
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    block = f"{BEGIN}\n{table(results)}\n{END}"
    if REPORT.is_file() and BEGIN in (text := REPORT.read_text(encoding="utf-8")):
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = f"# Mutationstests\n\n{INTRODUCTION}\n\n{block}\n"
    REPORT.write_text(text, encoding="utf-8")


INTRODUCTION = """Erzeugt mit `scripts/mutation.py` (mutmut 3, ein Prozess, CPU-Grenze je Mutante). Wert = getötete
Mutanten / alle nicht äquivalenten (Zeitüberschreitungen und Mutanten ohne erreichenden Test zählen als nicht
getötet). „nachher“: dieser Stand (Spalte Code). „vorher“: Bibliothek und Tests von da96083 (2. Dezember 2026, vor
Issue #30 Punkt 9) aus `git worktree add /tmp/mut-before da96083`, gemessen mit `--projekt /tmp/mut-before --stand
vorher`: mutiert wird die damalige Fassung des Moduls, es laufen die damaligen Tests nach der Zuordnung Modul -> Tests
dieses Skripts (Testdateien, die es damals nicht gab, fehlen). Je Mutante laufen nur die schnellen Tests: Tests, die
Demodaten oder ganze Läufe brauchen (Fixtures in `HEAVY_FIXTURES`), werden ausgelassen; gibt es für ein Modul nur
solche oder gar keinen zugeordneten Test, zählen alle seine Mutanten als „ohne Test“. Eine Zeile, deren Befehl
`--weiter --nur-ueberlebende` trägt, ist die zweite Messung nach einer vollen im selben Arbeitsordner: neu getestet
wurden nur die Mutanten, die dort überlebt hatten (mit den seither hinzugekommenen Tests), alle anderen Urteile
stammen aus der vollen Messung; die Dauer ist die der zweiten. Zeitüberschreitungen sind hier Mutanten, die eine
Schleife nie enden lassen (ein Test hinge)."""


def planted(args: argparse.Namespace) -> int:
    """Plant each bug of :data:`PLANTED` alone in a copy of the project and run its module's mapped tests (those
    of :data:`MODULES`, heavy fixtures left out); prints whether a test caught it. Returns 0 when all were caught."""
    caught, verdicts = 0, {}
    for description, (module, old, new) in PLANTED.items():
        tests, _ = existing_tests(MODULES[module], args.projekt)
        folder = args.arbeitsordner / "gepflanzt"
        prepare(folder, module, tests, args)
        source = folder / "veedel_lib" / module
        text = source.read_text(encoding="utf-8")
        if text.count(old) != 1:
            print(f"{description}: Zeile nicht gefunden in {module}, nicht geprüft")
            verdicts[description] = "Zeile nicht in diesem Stand"
            continue
        source.write_text(text.replace(old, new), encoding="utf-8")
        environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(folder),
                           VEEDEL_HOME=str(folder), VEEDEL_CACHE=str(folder / "cache"), PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-p",
                               PLUGIN, "-m", "not slow", "-q", "-x", "--tb=no", *tests], cwd=folder, env=environment,
                              capture_output=True, text=True)
        failed = re.findall(r"^FAILED (\S+)", done.stdout, flags=re.M)
        verdict = ("gefangen von " + ", ".join(failed) if done.returncode == 1 and failed else
                   "NICHT gefangen" if done.returncode == 0 else
                   "NICHT gefangen (jeder zugeordnete Test braucht Demodaten oder einen Lauf)" if done.returncode == 5
                   else f"pytest endete mit Code {done.returncode}")
        caught += bool(done.returncode == 1 and failed)
        print(f"{description} ({module}): {verdict}", flush=True)
        verdicts[description] = verdict.replace("tests/", "")
    print(f"{caught} von {len(PLANTED) - list(verdicts.values()).count('Zeile nicht in diesem Stand')} "
          "gepflanzten Fehlern gefangen")
    if not args.ohne_bericht:
        options = [] if args.projekt == ROOT else ["--projekt", str(args.projekt)]
        write_report([], {"stand": args.stand, "verdicts": verdicts, "code": code_state(args.projekt),
                          "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                          "command": " ".join([".venv/bin/python scripts/mutation.py --gepflanzt", *options,
                                               "--stand", args.stand])})
    return 0 if all(v.startswith("gefangen") or v == "Zeile nicht in diesem Stand" for v in verdicts.values()) else 1


def main(argv: list[str] | None = None) -> int:
    """Measure the named modules (all by default), print and record their scores."""
    args = arguments(argv)
    unknown = [m for m in args.module if m not in MODULES]
    if unknown:
        print(f"Unbekanntes Modul: {', '.join(unknown)}. Bekannt: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    if args.nur_ueberlebende and not args.weiter:
        print("--nur-ueberlebende geht nur mit --weiter (die früheren Urteile im Arbeitsordner).", file=sys.stderr)
        return 2
    if args.prozesse < 1:
        print("--prozesse muss mindestens 1 sein.", file=sys.stderr)
        return 2
    args.projekt = args.projekt.resolve()
    if not (args.projekt / "veedel_lib").is_dir() or not (args.projekt / "pyproject.toml").is_file():
        print(f"--projekt {args.projekt}: kein veedel-Projektordner (veedel_lib/ und pyproject.toml fehlen).",
              file=sys.stderr)
        return 2
    if args.nur_bericht:
        REPORT.unlink(missing_ok=True)
        write_report([])
        print(f"Ergebnis: {REPORT.relative_to(ROOT)}")
        return 0
    if args.gepflanzt:
        return planted(args)
    modules = args.module or list(MODULES)
    if args.liste:
        for module in modules:
            print(module)
            for test in MODULES[module]:
                print(f"    {test}")
        return 0
    measured = []
    for module in modules:
        print(f"{module} ...", flush=True)
        result = measure(module, args)
        if result is not None:
            print("  " + describe(result), flush=True)
            measured.append(result)
    if measured and not args.ohne_bericht:
        write_report(measured)
        print(f"Ergebnis: {REPORT.relative_to(ROOT)}")
    return 0 if len(measured) == len(modules) else 1


if __name__ == "__main__":
    sys.exit(main())
