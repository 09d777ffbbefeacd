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
    "analysis/staggered.py": [
        "tests/test_independent_staggered.py", f"{DOCTESTS}[staggered]",
        "tests/test_programme_evaluation.py::test_an_interval_end_of_an_estimate_that_is_no_number_is_no_number",
    ],
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
                       "_companion", "_read_checked", "_check_origin", "_verify_source", "_open", "verify",
                       "shown", "unsafe_name", "_kind_problem", "_size_problem", "_declared_entries",
                       "xǁArchiveReaderǁ*", "xǁ_RunFolderǁ*", "_run_files", "_file_hash", "create_archive", "_pack",
                       "open_run", "compare", "recorded_reports", "_run_parameters", "code_differences",
                       "_refuse_archived_code", "_unpack_inputs", "reproduced_config"),
}
"""Module -> the functions measured when only a part of it matters (mutmut's names: ``x<function>`` for a
function, ``xǁ<Class>ǁ<method>`` for a method; ``*`` as in fnmatch): for run/archive.py its verification (the
archive's checksums, manifest, signature and companion ``.sha256``), the reading of hostile archives
(``ArchiveReader``, the run folder's reader, names, kinds, sizes and limits), packing, comparing and the parts of
reproducing that need no run (run parameters, code differences, the refusal of archived code, unpacking the inputs,
the re-run's configuration), not ``reproduce`` itself (it executes whole runs) nor ``installed_packages`` and
``installed_notebooks`` (lookups in the environment). Modules not listed are measured whole."""

_CODEC = "\"UTF-8\" und \"utf-8\" sind derselbe Codec."
_LAST_LINE = ("Die Bedingung gilt nur für das letzte Stück nach dem letzten Zeilenumbruch: danach gibt es nichts mehr, "
              "break und continue tun dasselbe.")

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

_EV_CATALOGUE = ("Ohne Auswahl summiert aggregate alle Variablen des Katalogs; die Prüfung des Katalogs verlangt, dass "
                 "jede Variable einer Kennzahl darin steht: dieselben Summen, die übrigen Spalten liest niemand.")
_EV_NAN = "float() liest 'nan' ohne Rücksicht auf Groß- und Kleinschreibung: float(\"NAN\") ist NaN."

_HH_ROOT = ("Die Werte werden gleich danach mit root multipliziert (float: Wurzel aus Einsen oder aus v, np.sqrt gibt "
            "auch für ganze Zahlen float): ab da rechnet alles in float, wie mit dtype=float.")
_HH_NEVER_ZERO = ("Mit der Strafzeile ist die Summe der nnls-Lösung nie 0: Gewichte mit Summe 1 tilgen die Strafe "
                  "(1e4 x größter Betrag, mindestens 1e-8) im Rest, lauter Nullen lassen sie ganz stehen; der "
                  "Ersatzzweig für die Summe 0 wird nie erreicht.")
_HH_SUM_ONE = ("Die Lösung des KKT-Systems erfüllt dessen letzte Gleichung sum w = 1 bis auf Rundung (1e-16): durch "
               "die Summe teilen oder mit ihr malnehmen ändert die Gewichte nur in der 16. Stelle.")
_HH_EMPTY_RATES = ("Ohne Zeilen hat die Tabelle auch keine Spalten (stadtteil_rates gibt pd.DataFrame(), sonst hat "
                   "die Spalte des Gebiets einen Wert): usable ist schon an rates.shape[1] >= 6 falsch, years wird "
                   "nie verglichen.")
_HH_MAXITER = ("nicht äquivalent, aber nicht zu töten: mit der Strafzeile endet Lawson-Hanson nach höchstens so "
               "vielen Schritten, wie es Spender gibt (in 20 000 Zufallsproblemen mit 2 bis 11 Spendern nie mehr "
               "als 3n, scipys Vorgabe); eine andere Obergrenze über 3n ändert nur, wann ein nie beobachteter Fehler "
               "käme.")
_HH_AT_THRESHOLD = ("nicht äquivalent nur für einen Wert von genau ±1e-12 (nnls-Gewicht bzw. exakte Lösung): Werte "
                    "aus der Rechnung treffen diese Grenze nicht gezielt; ein Test dafür wäre Zufall der Rundung.")

_DS_SHAPE = ("Ohne shape nimmt scipy die größte Gruppennummer + 1 und die Zahl der Beobachtungen: die Codes kommen aus "
             "pd.factorize bzw. sind 0 bis max, jede Gruppe kommt vor, die Form ist dieselbe.")
_DS_FLOAT_INPUT = ("Die Eingabe ist schon ein float-Array (y, die Gewichte omega, die Spalten von both und adjoint): "
                   "np.asarray ohne dtype gibt dasselbe.")
_DS_NUMERIC = ("Jahre, Ergebnisse, Gewichte, Niveaus und Eintrittsjahre sind Zahlen (int oder float, inf für nie): alle"
               " Rechnungen danach (Vergleiche, Mittel, Produkte mit float) geben für int wie für float dasselbe.")
_DS_BOOL = "unit_ok ist schon ein bool-Array (trends & Vergleich bzw. der Vergleich s0 > 0)."
_DS_UNUSED_DET = ("Der Ersatzwert der Determinante gilt nur für Einheiten ohne eigenen Trend, deren Quotienten np.where"
                  " verwirft: 1 oder 2 ändert kein Ergebnis.")
_DS_EMPTY_UNIT = ("Der Ersatznenner gilt nur für Einheiten ohne Beobachtung in der Stichprobe: ihre Summen sx bzw. m0 "
                  "sind 0 (Gewicht 0 außerhalb der Stichprobe, omega nur auf schätzbaren Beobachtungen), 0/1 = 0/2.")
_DS_CENTRING = ("Die Zentrierung des Niveaus ändert nur die Parametrisierung: Jahresdummies mal (Niveau - c) = "
                "Jahresdummies mal Niveau - c mal Jahresdummies, und die Jahresdummies sind schon im Modell.")
_DS_NAN_FIRST = ("NaN als Eintrittsjahr macht np.isfinite(first) ohnehin falsch: ob nan_to_num NaN zu inf oder 0 macht,"
                 " ändert treated nicht.")
_DS_SEPARATOR = ("Der Trenner macht aus Zelle und Jahr einen Text: Jahre sind Ziffern, mit '|' wie mit 'XX|XX' sind "
                 "verschiedene Paare verschiedene Texte, factorize gibt dieselben Gruppen.")
_DS_EXTRA_GROUP = ("Eine zusätzliche leere Gruppe am Ende wird über groups nie ausgewählt: die Mittel der echten "
                   "Gruppen bleiben dieselben.")
_DS_ZERO_ROWS = ("Außerhalb von inside liegen nur behandelte Beobachtungen ohne Gewicht im Aggregat: v und die Spalten "
                 "der Score-Matrix sind dort 0, der Ersatzwert 0 oder 1 wird immer mit 0 multipliziert.")
_DS_FACTOR_UNUSED = ("Mit höchstens einem Cluster gibt es weniger als MIN_CLUSTERS behandelte Cluster: aggregate kehrt "
                     "vor jeder Verwendung des Faktors zurück.")
_DS_POWER_OF_TWO = ("Die Schrittweite wächst von se aus in Zweierpotenzen: 2^19 < 1e6 < 1000001 < 2^20, der Abbruch "
                    "kommt bei beiden Grenzen nach derselben Verdopplung.")
_DS_TIE = ("nicht äquivalent nur bei exakter Gleichheit einer Bootstrap-Statistik mit der beobachteten: beide werden "
           "auf verschiedenen Rechenwegen bestimmt, Gleichheit auf alle Stellen kommt bei stetigen Daten nicht vor; ein"
           " Test dafür wäre Zufall der Rundung.")
_DS_AT_THRESHOLD = ("nicht äquivalent nur für eine Determinante bzw. einen Eigenwert von genau der Schwelle (1e-9 des "
                    "Größten, positiv): Werte aus der Rechnung treffen sie nicht gezielt; ein Test dafür wäre Zufall "
                    "der Rundung.")
_DS_DEGENERATE = ("nicht äquivalent nur, wenn alle Eigenwerte 0 sind (kein Jahreseffekt aus der Stichprobe bestimmbar, "
                  "jede Einheit ohne Behandlung nur in einem Jahr): dann ist jede Imputation willkürlich, die Mutante "
                  "gibt NaN statt eines Vorher-nachher-Vergleichs; keines davon ließe sich als richtig festschreiben.")
_DS_SEARCH = ("nicht äquivalent nur in den letzten Stellen: ein anderes Suchraster (Richtung ±2 statt ±1, eine "
              "Bisektion mehr) findet denselben Übergang des p-Werts bis auf 2^-30 der Klammer; ein anderer Übergang "
              "käme nur bei mehreren Übergängen nahe beieinander.")
_DS_LIMIT = ("nicht äquivalent nur, wenn der p-Wert erst zwischen 1e6 Standardfehlern und 1e6 Einheiten unter das "
             "Niveau fällt (die Mutante sucht bei se < 1 weiter): bei einer Grenze so weit draußen ist das Intervall "
             "für jeden Zweck unendlich; ein Test dafür bräuchte einen gezielt konstruierten p-Wert-Verlauf.")

_HH_METHOD = ("Nur method == \"C-LF\" wählt den hybriden Test: jeder andere Text ist der bedingte "
              "(\"Conditional\").")
_HH_NO_BASELINE = ("years enthält das Basisjahr nicht (event_study_from_rates lässt es aus): y <= baseline_year und "
                   "y < baseline_year zählen dieselben Jahre.")
_HH_COV = ("np.cov liest rowvar als Wahrheitswert (None ist falsch wie False) und teilt ohne ddof (oder mit None) "
           "durch N - 1 wie mit ddof=1.")
_HH_X_NEVER_NONE = ("x ist hier nie None: _max_program gibt None nur ohne Ecken, und dann ist schon solves(eta) falsch "
                    "und die Funktion kehrt vorher zurück.")
_HH_DIFF = "Nur difference > tolerance_c zählt: tolerance_c + 1 und + 2 starten die Bisektion gleichermaßen."
_HH_CAP = ("Die Newton-Schritte enden spätestens beim zehnten, die Bisektion halbiert eine Spanne von höchstens "
           "einigen Hundert in rund 30 Schritten auf 1e-6: die Obergrenze von 10000 Schritten (und wie gezählt "
           "wird) greift nie.")
_HH_ROUNDING = ("nicht äquivalent, aber nur um Rundungsgröße: die Schwelle, unter der x' s als 0 gelesen wird "
                "(eps^0.75, etwa 1.8e-12), verschiebt eine Grenze um höchstens einige 1e-12, weit unter der Toleranz "
                "1e-6 der Suche; ein Test müsste genau diese Rundung festschreiben.")
_HH_NEWTON_STEPS = ("nicht äquivalent, aber ohne sinnvollen Test: ändert nur, wie viele Newton-Schritte vor der "
                    "Bisektion laufen (ein Schritt mehr oder weniger); beide Wege finden dieselbe Grenze auf 1e-6 "
                    "genau, nur die Stellen unter der Toleranz unterscheiden sich.")
_HH_AT_TOLERANCE = ("nicht äquivalent nur, wenn ein Abstand genau die Toleranz 1e-6 (bzw. die Rundungsschwelle) "
                    "trifft; Werte aus der Rechnung treffen sie nicht gezielt.")
_HH_FLOAT_INPUT = ("betahat und sigma gehen nur in Produkte mit den float-Matrizen der Momente ein (a @ betahat, "
                   "a @ sigma @ a.T): ganze Zahlen oder Listen geben dieselben float-Ergebnisse.")
_HH_BISECTION = ("nicht äquivalent, aber ohne sinnvollen Test: die Bisektion läuft bis zur Obergrenze der Schritte "
                 "weiter statt bis 1e-6; die Grenze ändert sich um weniger als die Toleranz der Suche.")
_SZ_SIGN = "Die Vorzeichen sind +1 oder -1: mit ihnen zu multiplizieren oder durch sie zu teilen gibt dasselbe."
_SZ_MEAN_ZERO = ("combined_mean ist der Mittelwert der kombinierten z-Werte über dieselben Einheiten mit denselben "
                 "Gewichten: jeder z-Wert hat dort den Mittelwert 0, also auch ihre Summe und ihr Mittel (bis auf "
                 "Rundung, 1e-16); ohne Neustandardisierung ist er genau 0. Plus und minus 0 sind gleich.")
_SZ_NAN_ROWS = ("Jede Zeile mit einem fehlenden z-Wert setzt die nächste Zeile ohnehin auf NaN: min_count ändert nur "
                "diese Zeilen.")
_SZ_NONE_FLOAT = "In eine float-Reihe bzw. ein IntegerArray geschrieben wird None zu NaN bzw. NA, wie np.nan und pd.NA."
_SZ_EMPTY_SUM = ("pd.Series(None, index=...) und pd.Series(index=...) geben wie pd.Series(np.nan, index=...) eine "
                 "float64-Reihe aus NaN (pandas 3, geprüft).")
_SZ_INT_POSITION = ("position zählt mit += bool auch als float nur ganze Zahlen; pd.array(..., dtype=\"Int64\") "
                    "übernimmt ganzzahlige floats verlustfrei.")
_SZ_INFER_INT64 = "pd.array erkennt ein int64-Array ohne dtype ohnehin als Int64 (geprüft)."
_SZ_CROSSTAB = ("Zeilen ohne Dynamikklasse bilden eine Spalte '' der Kreuztabelle, die reindex auf die Namen der "
                "Klassen gleich wieder weglässt.")
_SZ_ALL_INDICATORS = ("Ohne Auswahl rechnet indicator_values alle Indikatoren des Katalogs; pivot und "
                      "reindex(columns=ids) behalten nur die gewählten: nur mehr Rechenzeit.")
_SZ_ALIGNED = ("Die Reihenfolge der Zeilen zählt hier nicht: alle Gruppen stehen im Ergebnis, und jede weitere "
               "Verwendung in compute_sozialindex und area_scores greift über den Index zu (loc, Zuweisung an "
               "Spalten einer Tabelle mit diesem Index), nicht über die Position.")
_SZ_ALL_VARIABLES = ("Ohne Auswahl summiert aggregate alle Variablen des Katalogs; [variable] bzw. [\"population\"] "
                     "wählt dieselbe Spalte: nur mehr Rechenzeit.")
_SZ_SAME_ORDER = ("Beide Reihen haben dieselben Gruppen in derselben Reihenfolge (list(groups) bzw. table.index): "
                  "reindex ändert nichts.")
_SZ_ASSIGN_ALIGNS = ("Eine Reihe wird beim Zuweisen an eine Spalte ohnehin nach dem Index der Tabelle ausgerichtet "
                     "(fehlende Zeilen NaN): reindex vorher ändert nichts.")
_SZ_BOOL_FLOAT = "astype(None) gibt float 0.0/1.0: 'elif small[stadtteil]' liest sie wie False/True."
_SZ_OBJECT = "pandas legt eine Reihe aus Texten ohnehin mit dtype object an."
_SZ_UNUSED_ARG = "_check_assumptions liest den Parameter missing nicht (die Lücken stehen in reasons)."
_SZ_NO_STATUS_ONLY = ("Nur bewertete Einheiten bekommen eine Dynamik, und jede bewertete hat einen Status: ein "
                      "Dynamikcode ohne Statuscode kommt in compute_sozialindex nicht vor.")
_SZ_FALSY = "city=None ist falsch wie False."
_SZ_NONE_WAY = ("Ein Weg [None] ist nie in den vorhandenen Variablennamen enthalten: ein zusätzlicher Weg, der nie "
                "zutrifft; Indikatoren ohne Zählgrößen haben immer eine Rate.")
_SZ_UNREACHABLE = ("Die Ausnahme tritt nicht ein: _excluded_key wird nur für eine Datei gerufen, die parse_model "
                   "schon geprüft hat (methods mit diesem Verfahren als Abbildung); der Wert wäre nur der Ort einer "
                   "Meldung.")
_SZ_ERROR_PATH = ("Bei einem nicht auflösbaren Eintrag gibt es ein Problem, und die Funktion endet mit "
                  "DataValidationError: die Liste method.excluded wird dann nie gelesen.")
_SZ_DESCRSTATS = ("DescrStatsW wandelt Werte und Gewichte selbst in float (auch aus Int64 oder object, geprüft); "
                  "fit_reference gibt ohnehin float-Spalten.")
_HH_ARP_NAME = ("Der Name des nicht hybriden Tests wird nie gelesen: _conditional_test fragt nur hybrid == "
                "\"LF\"; \"ARP\", \"arp\" und jeder andere Text sind der bedingte Test.")
_HH_L_FLOAT = ("l_vec geht nur in _construct_gamma ein, das es neben np.eye (float) stapelt und invertiert: ganze "
               "Zahlen oder eine Liste geben dieselbe float-Matrix.")
_EV_ALL_INDICATORS = ("Ohne Auswahl berechnet indicator_values alle Indikatoren des Katalogs, darunter die gewählten: "
                      "dieselben Werte, die übrigen liest niemand.")
_EV_ALL_STADTTEILE = ("Jeder Stadtteil der Vergleichsgruppen hat Einheiten außerhalb des Gebiets: reindex findet "
                      "jeden, es gibt nichts zu füllen.")
_EV_ASTYPE = "astype(None) ist float64, wie astype(float)."
_EV_AXIS = "np.argsort sortiert ohne Angabe entlang der letzten Achse, hier axis=1."
_EV_BOOL_SETS = ("Die Mengen sind 0/1-Werte (bool): als bool- oder float-Matrix multipliziert geben sie dieselben "
                 "Summen.")
_EV_BROADCAST = ("Für eine Menge von Sätzen (2-D) gibt treated[..., :, None] & post[None, :] dieselbe Form und "
                 "dieselben Zellen wie der andere Zweig.")
_EV_CENTRE = ("Die Geraden [1, t] je Einheit spannen für jede Verschiebung von t denselben Raum auf: dieselben "
              "Anpassungen und Reste, nur die Rundung ändert sich (weit unter den Toleranzen der Tests).")
_EV_COLUMNS = ("Es gibt immer ein Jahr nach dem Stichtag (sonst kehrt did_effect vorher zurück), und jede Zeile hat "
               "die Schlüssel in der Reihenfolge von YEAR_COLUMNS.")
_EV_CORRECTION = "use_correction=True ist die Vorgabe von statsmodels' cov_cluster."
_EV_DETERMINANT = ("s0·s2 − s1² = Σ w_i·w_j·(t_i − t_j)²: für eine Einheit mit zwei verschiedenen Jahren mindestens "
                   "ein Produkt zweier Nenner (≥ 1) und weit über der Schwelle, für eine mit einem Jahr 0 bis auf "
                   "Rundung weit darunter; Gleichheit mit der Schwelle oder eine Schwelle von 1e-9 bei s0·s2 < 1 "
                   "ändern keine Entscheidung.")
_EV_DROPNA = ("dropna wirkt in pivot_table nur auf ganz leere Spalten (und auf Randsummen, die es hier nicht gibt); "
              "reindex(columns=variables) fügt fehlende Spalten ohnehin als NaN an.")
_EV_EIGEN = ("Die Eigenwerte der Jahresmatrix sind entweder Rundungsnullen (die gemeinsame Trendrichtung) oder weit "
             "über der Schwelle, der größte weit über 1 (die Gewichte sind Nenner): Gleichheit mit der Schwelle und "
             "die Untergrenze 1 ändern keine Auswahl.")
_EV_EMPTY_COLUMN = "Ohne Placebos ist placebo_years ein Array mit 0 Zeilen: seine Spalte ist so leer wie np.array([])."
_EV_EMPTY_MIN = "Das Minimum einer leeren Reihe ist NaN, wie der Ersatzwert."
_EV_EMPTY_SERIES = "Eine leere Reihe gibt mit .get den Ersatzwert NaN, gleich welcher dtype."
_EV_FAKE_POST = ("did_effect liest 'post' nur für die Prüfung, ob es Jahre vor und nach dem Stichtag gibt: mit "
                 "mindestens drei Jahren bis zum angenommenen Start und Jahren bis zum echten Stichtag danach gilt "
                 "beides auch mit >=; die Schätzung selbst trennt nach year <= baseline_year.")
_EV_FALSY = "None ist falsch wie False."
_EV_FEW = ("Ohne Placebos gibt es kein Band (weniger als 50): ob die leere Tabelle der Jahre 0 oder 1 Zeile hat, "
           "ändert nichts.")
_EV_FLOAT = ("Die Werte sind schon Zahlen (float; ganze Jahre als int; bool für Zugehörigkeit): ohne dtype rechnet "
             "numpy mit denselben Werten, und das Rechnen mit float-Werten gibt dasselbe float-Ergebnis.")
_EV_INDEX_COLUMN = "Eine zusätzliche Spalte 'index' liest did_effect nicht."
_EV_INT_YEARS = "Die Jahre sind ganze Zahlen: np.array legt ohne dtype ohnehin ein int64-Array an."
_EV_LEVEL = ("gap_closure liest aus indicator_values nur Werte und Anzahlen, nicht die Intervalle, für die die Stufe "
             "gilt.")
_EV_MARK = "Nur 'stadtteil_of >= 0' wird gelesen: jede negative Markierung wirkt wie -1."
_EV_MIN_COUNT = "Fehlt ein Teil, setzt die folgende Zeile die Summe ohnehin auf NaN."
_EV_NAN_MDE = "Mit sd = NaN ist auch (z + z_Macht)·sd NaN."
_EV_NONE_NAN = "In eine float-Reihe geschrieben wird None zu NaN, wie die Angabe np.nan."
_EV_NOT_EMPTY = ("did_effect baut _Imputation nur mit Beobachtungen (ohne Gebiets- oder Vergleichseinheiten kehrt es "
                 "vorher zurück): len(rank) ist nie 0.")
_EV_NO_CELLS = ("Ohne Gebiet oder ohne spätere Jahre gibt es keine gewählte Zelle: das Verhältnis ist 0/0 = NaN, und "
                "die Funktion gibt danach ohnehin viermal NaN zurück.")
_EV_NO_CONTROLS = "Sind alle Einheiten im Gebiet, gibt did_effect ohne Vergleichseinheiten ohnehin NaN zurück."
_EV_NO_DIVIDE = ("Eine Summe 0 im Nenner hat auch 0 im Zähler (dieselben Zellen bzw. Beobachtungen): es gibt nur 0/0 "
                 "(invalid, das prüft ein Test), keine Division x/0, deren Warnung 'divide' unterdrücken müsste.")
_EV_NULL = ("Die Richtungen der Jahreskoeffizienten, die keine Daten bestimmen, legt ein beliebiges Vielfaches c ≠ 0 "
            "ihrer Projektion fest: G ± c·P ist invertierbar, die rechte Seite steht senkrecht auf diesen Richtungen, "
            "die Lösung bleibt dieselbe.")
_EV_ONES = "Eine Maske aus float-Einsen wirkt wie eine aus True: Gewicht mal 1."
_EV_ORDER = ("Die Kölner Stadtteil-Nummern sind dreistellig (101 bis 909): als Zahlen (groupby) und als Text in den "
             "Gruppennamen gleich geordnet, reindex ändert die Reihenfolge nicht.")
_EV_PADDING = "Eine zusätzliche Zeile aus Nullen je Einheit ändert keine Kreuzprodukte."
_EV_REDUNDANT = ("Das Verhältnis ist die Anzahl des Gebiets durch ihre positive Erwartung: es ist genau dann ≤ 0, "
                 "wenn die Anzahl ≤ 0 ist, und ein unendliches oder NaN-Verhältnis gibt über log ohnehin ein "
                 "NaN-Intervall; jede der Bedingungen allein genügt.")
_EV_RESHAPE = "numpy liest in reshape eine negative Länge als die eine offene Dimension: -2 wie -1."
_EV_SEPARATOR = ("Der Trenner benennt nur die Gruppen: jede Kombination aus Stadtteil und Gebiet bleibt eine eigene "
                 "Gruppe, die Reihenfolge der (dreistelligen) Stadtteil-Nummern bleibt.")
_EV_SHAPE = ("Jede Einheit (pd.factorize) und jede Beobachtung kommt in den Indizes vor: die daraus abgeleitete Form "
             "ist (count, len(codes)).")
_EV_TWO_DIMENSIONS = "counts ist immer zweidimensional (Gruppen × Jahre): shape[1] ist shape[-1]."
_EV_UNUSED_BRANCH = ("Wo keine Gerade geschätzt wird, nimmt np.where die Steigung 0 und den Mittelwert; der "
                     "Ersatzwert der Determinante wird nur im verworfenen Zweig gelesen.")

_SZ_FLOAT_FRAMES = ("Werte, Zähler und Nenner kommen als float-Tabellen (value_-Spalten des Index, pivot von "
                    "indicator_values): to_numpy gibt ohne dtype dasselbe float-Array.")
_SZ_ONE_CASE = ("Mit Nenner 1 ist der Zähler 0 oder 1, der Anteil 0 oder 1: die Ziehung gibt genau den beobachteten "
                "Wert, und v·d/n ist für diese Zeile derselbe Maßstab wie für die anderen (v = Maßstab·n/d).")
_SZ_MASKED = ("Der Ersatzteiler gilt nur für Zeilen, die die Maske 'usable & (n > 0)' ohnehin verwirft; für n = 1 "
              "ist v·d/1 = v·d/n, gebrochene Zähler gibt es nicht.")
_SZ_CLIP = ("Im binomialen Zweig gilt 0 ≤ n ≤ d für alle Zeilen (Anzahlen sind nicht negativ): der Anteil liegt "
            "schon in [0, 1], jede der Grenzen ändert nichts.")
_SZ_SAME_INDEX = ("Die Reihen haben schon den Index keys (Zeilen der bewerteten Stadtteile in deren Reihenfolge): "
                  "index=keys bzw. reindex(keys) ändert nichts.")
_SZ_FLOAT_DEFAULT = "astype(None) ist astype(float64): die Einwohnerzahlen sind schon float."
_SZ_CLASS_DTYPE = ("Jeder bewertete Stadtteil hat eine Statusklasse (kein NA): ob Int64, int64 oder float, eq "
                   "vergleicht dieselben ganzen Zahlen.")
_SZ_METHOD_INDICATORS = ("_status_class liest aus dem Verfahren nur Gewichtung, ddof, Kombination, "
                         "Neustandardisierung und Klassen; welche Indikatoren zählen, geben die Spalten von values "
                         "vor.")
_SZ_YEAR_FILTER = ("Ohne Jahr kommen nur Stadtteile hinzu, die im Berichtsjahr nicht gelten; sie sind nicht unter den "
                   "bewerteten (keys) und fallen im Filter gleich wieder heraus.")
_SZ_ASCENDING_NONE = "pandas liest ascending=None wie False (geprüft: dieselben Ränge)."
_SZ_EMPTY_MEAN = ("Ohne Ziehungen ist same[[]].mean(axis=1) NaN in jeder Zeile, mal 100 wieder NaN: wie np.nan.")
_DP_NO_START = ("Ohne valid_from zählt nur, dass die Untergrenze unter jedem Jahr liegt: -10**6, -60, -11**6 und -10**7"
                " geben mit max(since, Untergrenze) dasselbe Eintrittsjahr.")
_DP_SAME_ENTRIES = ("Der Aufrufer gibt entries an (programme_evaluation) oder nicht: angegeben sind es dieselben Einträge, "
               "die unit_entries(ds, baseline_year) neu berechnet; es ändert sich nur die Rechenzeit.")
_DP_FLOAT = ("Die Spalten und Arrays sind schon float (Eintrittsjahre mit NaN, Nenner, Raten, Koeffizienten): "
             "astype(None), to_numpy und np.asarray ohne dtype geben float64 wie die Angabe.")
_DP_BINCOUNT = ("Die Cluster-Codes kommen aus pd.factorize: jeder Code von 0 bis count - 1 kommt vor, bincount gibt "
                "ohne minlength dieselbe Länge.")
_DP_POWER_OF_TWO = ("Die Schrittweite wächst von se aus in Zweierpotenzen: 2^19 < 1e6 < 1000001 < 2^20, der Abbruch "
                    "kommt bei beiden Grenzen nach derselben Verdopplung.")
_DP_CORRECTION = ("use_correction=True ist die Vorgabe von statsmodels' cov_cluster.")
_DP_FIRST_AFTER_BASELINE = ("first_treated ist mindestens baseline_year + 1 (unit_entries): ein Jahr bis zur Basis ist "
                            "nie >= und nie > first_treated, beide Vergleiche wählen dasselbe.")
_DP_TRENDS_DEFAULT = ("trends=True ist die Vorgabe von Imputation.")
_DP_NEVER = ("Imputation liest first_treated als float: None wird NaN, und NaN heißt wie inf nie behandelt.")
_DP_CELLS = ("Zellen zählen nur für behandelte Beobachtungen, deren Eintrittsjahr bekannt ist: die Bezeichnung der nie "
             "behandelten (0 oder 1) und die Schreibweise der Jahre (2006 oder 2006.0) ändern keine Gruppe.")
_DP_NONE_WEIGHT = ("aggregate liest die Gewichte als float: None wird NaN, und NaN zählt wie 0.")
_DP_ONE_CLUSTER = ("Jedes Gebiet ist ein Cluster (gebiet:<id>, programme_panel): mit einem behandelten Cluster gibt "
                   "aggregate ohnehin kein Intervall und keine Ziehungen; Ziehungen für Gebiete kosten nur Zeit.")
_DP_NO_PARTS = ("Ohne Gewicht insgesamt gibt es keine schätzbare Beobachtung und damit keinen Teil: die Zeile wird nie "
                "berechnet.")
_DP_EMPTY_MIN = ("Ohne behandelte Jahre ist sums leer, sein min() NaN und float(NaN) NaN wie die Alternative.")
_DP_GRID = ("nicht äquivalent nur in den letzten Stellen: der Faktor des Cluster-Standardfehlers kürzt sich im p-Wert "
            "(beobachtete und Bootstrap-t-Statistik tragen ihn gleich) und bestimmt nur die erste Schrittweite der "
            "Suche; wie Richtung ±2 statt ±1 oder eine Bisektion mehr findet ein anderes Suchraster denselben Übergang "
            "des p-Werts bis auf 2^-40 der Klammer (ein anderer Übergang nur bei mehreren nahe beieinander).")
_DP_LIMIT = ("nicht äquivalent nur, wenn der p-Wert erst zwischen 1e6 Standardfehlern und 1e6 Einheiten unter das "
             "Niveau fällt (die Mutante sucht bei se < 1 weiter): bei einer Grenze so weit draußen ist das Intervall "
             "für jeden Zweck unendlich; ein Test dafür bräuchte einen gezielt konstruierten p-Wert-Verlauf.")
_DP_TIE = ("nicht äquivalent nur bei exakter Gleichheit einer Bootstrap-t-Statistik mit der beobachteten: Gleichheit "
           "auf alle Stellen kommt bei stetigen Daten nicht vor; ein Test dafür wäre Zufall der Rundung.")

_HH_ROUTE_EXACT = ("Bei 1 + k bindenden Momenten einer Ecke (einer Basislösung) ist [sd_b, x_b] invertierbar, x_b hat "
                   "also immer vollen Rang; nur ohne Störparameter (k = 0, dann ohnehin full_rank = True) oder ohne "
                   "bindendes Moment ist min(x_b.shape) 0, und dann ist die Ecke schon entartet: der Weg bleibt "
                   "derselbe.")
_HH_RANK_TOL = ("nicht äquivalent nur für fast abhängige Spalten: mit numpys Vorgabe statt 1e-10 als Rangschwelle "
                "gälte ein System mit einem Singulärwert zwischen etwa 1e-15 und 1e-10 als lösbar; seine Lösung "
                "verwirft dann meist schon die Prüfung des Rests (1e-9). Die Momente des Verfahrens (Differenzen "
                "mit Koeffizienten 1 und Mbar) kommen solchen Spalten nicht nahe.")
_HH_DISCARDED = ("nicht äquivalent nur, wenn numpy an einem NaN-System abbräche: die Lösungen der Systeme mit "
                 "abhängigen Spalten werden ohnehin verworfen (Rest unendlich), was statt der Einheitsmatrix dort "
                 "steht, ändert sonst nichts; solve gibt für NaN-Systeme NaN zurück.")
_HH_EIGVALSH_FLOAT = ("np.linalg.eigvalsh rechnet eine Matrix ganzer Zahlen ohnehin in float64: dieselben "
                      "Eigenwerte.")
_HH_LF_INF = ("Ohne hybriden Test ist lf_cv unendlich (_each_problem gibt np.inf): min(vup, inf) ist vup.")
_HH_LF_UNUSED = ("_conditional_test liest lf_cv nur im hybriden Test (hybrid == \"LF\"): der auch für den bedingten "
                 "Test berechnete Wert wird nie gelesen, nur die Rechenzeit wächst.")
_HH_NAN_RESIDUAL = ("None wird in der float-Reihe zu NaN; der einzige Leser, _vertices, fragt residual < 1e-9, und das "
                    "ist für NaN falsch wie für inf.")
_HH_ROW_NORMS = ("Jede nicht verschwindende Zeile ist eine Differenz von Einheitsschritten (mit 1 und Mbar >= 0 "
                 "gewichtet): ihr Quadratbetrag ist mindestens 1,5 (Minimum Mbar^2 + (1 - Mbar)^2 + 1 bei "
                 "Mbar = 0,5), die übrigen sind genau 0. Jede Schwelle zwischen 0 und 1,5 behält dieselben Zeilen.")
_HH_EMPTY_SUBSET = ("Die leere Teilmenge gibt ein System ohne Spalten: sein Rest ist |e1| = 1, nie unter 1e-9, "
                    "also keine Ecke.")
_HH_TOO_MANY = ("Eine Teilmenge mit mehr Momenten als Spalten (1 + Störparameter) gibt eine singuläre Gram-Matrix: "
                "Rest unendlich, keine Ecke.")
_HH_SUBSET_DTYPE = ("Kombinationen ganzer Zahlen werden ohne dtype ohnehin int64; die leere Liste (float64) wird "
                    "gleich danach übersprungen.")
_HH_EMPTY_LATER = ("Leer ist die Liste der Teilmengen erst, wenn size die Zahl der Momente übersteigt, und dann auch "
                   "für jedes größere size: break und continue lassen dieselben Schleifenläufe aus.")
_HH_AT_LOW = ("Liegt die Statistik genau auf low, liegt der kritische Wert (ein Quantil der auf [low, high] "
              "gestutzten Normalverteilung, mindestens 0) nicht unter ihr: abgelehnt wird so oder so nicht.")
_HH_INSIDE = ("nicht äquivalent nur durch Rundung: nach dem polyedrischen Lemma liegt eta immer zwischen vlo und vup "
              "(die Bisektion des entarteten Falls sucht ihre Grenzen zwischen eta und dem Start, im hybriden Test "
              "lehnt eta > lf_cv schon vorher ab); der Zweig fängt nur Rundung bei einer Statistik genau auf der "
              "Grenze ab, die kein Test gezielt erzeugt.")
_HH_RHO_ZERO = ("nicht äquivalent nur für ein rho von genau 0 neben negativen: negative rho gibt es nur mit "
                "Störparametern, und dann läuft rho durch eine Matrixinverse, deren Rundung aus 0 etwa ±1e-17 macht "
                "(Grenze ±1e17, ohne Einfluss). Ohne Störparameter (wo rho genau 0 wird, im Test belegt) ist rho nie "
                "negativ.")
_HH_ROUTE = ("nicht äquivalent nur innerhalb der Toleranz 1e-6: schickt ein Momentproblem, das die geschlossenen "
             "Formeln (nicht entartet, voller Rang) lösen, durch den dualen Weg des entarteten Falls, der dieselben "
             "Stutzungsgrenzen per Bisektion auf 1e-6 genau findet (beides ist der Test von Andrews, Roth und Pakes; "
             "test_at_the_edge_of_rejection prüft die Entscheidung 1e-4 neben dem Umschlagpunkt, auf beiden Wegen "
             "gleich). Nur dicht an der Toleranz kann die Entscheidung kippen.")
_HH_ROUTE_BASIC = ("nicht äquivalent nur für Ecken mit einem Gewicht zwischen 1e-12 und 1e-6: eine Ecke ist eine "
                   "Basislösung, bei weniger als 1 + k bindenden Momenten (entartet) gilt x_b' lambda_b = 0, x_b hat "
                   "also nicht vollen Rang, und bei 1 + k bindenden ist [sd_b, x_b] invertierbar, x_b hat vollen "
                   "Rang: entartet und nicht voller Rang fallen zusammen, solange alle Gewichte der Basis über 1e-6 "
                   "liegen oder genau 0 sind.")
_HH_CLIP = ("nicht äquivalent, aber nur um Rundungsgröße: ohne Abschneiden bleiben Gewichte zwischen -1e-12 und 0 "
            "negativ (gerundet auf 12 Stellen -1e-12 oder -0,0); eta verschiebt sich um höchstens 1e-12 mal |y|.")
_HH_ROUND13 = ("nicht äquivalent, aber nur um Rundungsgröße: auf 13 statt 12 Stellen gerundet bleiben Ecken doppelt, "
               "die aus verschiedenen Teilmengen bis auf die 13. Stelle gleich herauskommen; das Maximum über die "
               "Ecken ändert sich höchstens um 1e-13 mal |y|.")
_HH_SUPPORT = ("nicht äquivalent, aber nur um Rundungsgröße: eine Basislösung mit einem Gewicht unter 1e-12 fällt "
               "weg, dieselbe Ecke kommt aber aus der Teilmenge ohne dieses Moment (deren System ist ebenso exakt "
               "lösbar) bis auf Rundung wieder heraus.")

_EV_ALL_ROWS = ("indicator_values gibt für jede Gruppe und jeden Indikator eine Zeile (ohne Daten mit NaN): der "
                "Schlüssel (Indikator, Jahr) steht immer in counts, der Ersatzwert wird nie gebraucht.")
_EV_DUMMIES = ("pd.get_dummies gibt ohne dtype bool-Spalten: mit dem Niveau malgenommen und neben float-Spalten "
               "gestapelt werden sie 0.0 und 1.0, wie mit dtype=float.")
_EV_GUARDED = ("Der Nenner ist, wo er 0 wäre, schon durch 1 ersetzt: es gibt keine Division durch 0 und nichts zu "
               "unterdrücken.")
_EV_NOT_IMPUTABLE = ("Eine Einheit ohne Jahr bis zum Stichtag hat nur spätere Beobachtungen: products(carried, "
                     "before) gewichtet sie mit 0, und _post nimmt nur schätzbare; ob dort 0 oder 1 steht, wird nie "
                     "gelesen (NaN dagegen schon: 0 · NaN).")
_EV_START = ("Startwerte und Höchstzahl der Schritte ändern nur, wie schnell das iterative proportionale Anpassen zum "
             "selben Maximum-Likelihood-Schätzer findet (Abbruch bei 1e-10 relativer Änderung; die Tests vergleichen "
             "mit statsmodels auf 1e-9).")
_EV_UNSEEN = ("Wo s0 = 0 ist (Einheit ohne Jahr in der Maske), verwirft np.where(self.seen, ...) den Quotienten "
              "ohnehin und setzt 0.")
_EV_WHOLE_WEIGHTS = ("Die Gewichte sind Nenner, ganze Zahlen ≥ 1: eine Summe s0 über 0 ist mindestens 1, und für s0 = "
                     "1 ist sx / 1 = sx / s0.")

_AR_SHORT_TAIL = ("Bei at < 20 ist tail[at - 20:at] ohnehin leer: hinter dem Endsatz folgen noch mindestens 22 Bytes, "
                  "der Anfang len(tail) + at - 20 liegt also hinter at.")
_AR_NO_LOCATOR = ("Vier X sind so wenig die Signatur PK\\x06\\x07 wie ein leeres Stück: der ZIP64-Zweig wird genauso "
                  "übersprungen.")
_AR_FIRST_PART = "Gelesen wird nur das Stück vor dem ersten /: wie oft danach noch geteilt wird, ändert es nicht."
_AR_DECLARED = ("zipfile liefert von einem Eintrag nie mehr als seine angegebene Größe (ZipExtFile hört danach auf und "
                "prüft die CRC), und allowed ist diese Größe (größere Einträge lehnt _check schon ab): read > allowed "
                "wird nie wahr, Zählung und Meldung dieses Zweigs ändern nichts.")
_AR_PRESENT_KEY = ("parse_manifest, der einzige Aufrufer, ruft _hash_section nur für einen vorhandenen Schlüssel "
                   "(\"inputs\", \"files\", \"outputs\"): der Ersatzwert wird nie gebraucht.")
_AR_LEVEL = ("Jeder Eintrag wird über eine eigene ZipInfo mit gesetzter Kompressionsart geschrieben: zipfile nimmt dann "
             "Art und Stufe der ZipInfo (Stufe: zlibs Vorgabe 6), die Angaben am ZipFile gelten für keinen Eintrag "
             "(Stufe 1, 6, 9 und None geben dieselben Bytes).")
_AR_NOTEBOOKS_DIR = ("inputs/notebooks gibt es hier nie schon: das Auspacken davor überspringt jeden Eintrag unter "
                     "inputs/notebooks/ (ein gleichnamiger Datei-Eintrag scheitert auch mit exist_ok=True).")
_AR_ZIP64 = ("nicht äquivalent, aber nicht sinnvoll zu töten: force_zip64 zählt nur für Dateien über 1 GiB (ab "
             "2 GiB / 1,05 schaltet zipfile ZIP64 selbst ein); dazwischen ändert sich nur das Kopfformat eines "
             "Eintrags, sein Inhalt bleibt gleich und lesbar. Ein Test bräuchte eine Datei von über 1 GiB.")

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
    # --- run/archive.py (rest) ---
    "veedel_lib.run.archive.x__declared_entries__mutmut_52": ("if (at >= 20) or True else", _AR_SHORT_TAIL),
    "veedel_lib.run.archive.x__declared_entries__mutmut_57": ('else b"XXXX"', _AR_NO_LOCATOR),
    "veedel_lib.run.archive.xǁArchiveReaderǁ_folder__mutmut_5": ('split("/", )[0]', _AR_FIRST_PART),
    "veedel_lib.run.archive.xǁArchiveReaderǁ_folder__mutmut_8": ('split("/", 2)[0]', _AR_FIRST_PART),
    "veedel_lib.run.archive.xǁArchiveReaderǁchunks__mutmut_11": ("read = len(chunk)", _AR_DECLARED),
    "veedel_lib.run.archive.xǁArchiveReaderǁchunks__mutmut_12": ("read -= len(chunk)", _AR_DECLARED),
    "veedel_lib.run.archive.xǁArchiveReaderǁchunks__mutmut_16": ("raise IntegrityError(None)", _AR_DECLARED),
    "veedel_lib.run.archive.xǁArchiveReaderǁchunks__mutmut_17": ("Eintrag {shown(None)} abgelehnt: enthält mehr Daten", _AR_DECLARED),
    "veedel_lib.run.archive.x__hash_section__mutmut_4": ("manifest.get(key, None)", _AR_PRESENT_KEY),
    "veedel_lib.run.archive.x__hash_section__mutmut_6": ("manifest.get(key, )", _AR_PRESENT_KEY),
    "veedel_lib.run.archive.x__file_hash__mutmut_4": (
        'tail = b"XXXX"', "Der Anfangswert steht nur vor dem ersten Stück, und X kommt in „PRIVATE KEY-----“ nicht "
        "vor: kein Ende von XXXX beginnt die Marke, gefunden wird dasselbe."),
    "veedel_lib.run.archive.x_create_archive__mutmut_48": ("compresslevel=None", _AR_LEVEL),
    "veedel_lib.run.archive.x_create_archive__mutmut_51": ('ZipFile(temporary, "w", compresslevel=6)', _AR_LEVEL),
    "veedel_lib.run.archive.x_create_archive__mutmut_52": ("compression=zipfile.ZIP_DEFLATED, )", _AR_LEVEL),
    "veedel_lib.run.archive.x_create_archive__mutmut_55": ("compresslevel=7", _AR_LEVEL),
    "veedel_lib.run.archive.x__run_parameters__mutmut_12": (
        '("baseline_year", 2021)', "Der Vorgabewert wird hier nur auf seinen Typ geprüft (zurückgegeben wird "
        "parameters.get(\"baseline_year\", 2020)): 2020 und 2021 sind beide ganze Zahlen."),
    "veedel_lib.run.archive.x_code_differences__mutmut_26": (
        'metadata.version("VEEDEL")', "importlib.metadata vergleicht Paketnamen normalisiert (PEP 503): „VEEDEL“ "
        "findet dieselbe Verteilung."),
    "veedel_lib.run.archive.x__unpack_inputs__mutmut_23": ("mkdir(exist_ok=None)", _AR_NOTEBOOKS_DIR),
    "veedel_lib.run.archive.x__unpack_inputs__mutmut_27": ("mkdir(exist_ok=False)", _AR_NOTEBOOKS_DIR),
    # --- analysis/evaluation.py, analysis/programme.py ---
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_22": (
        'values="count", dropna=False)',
        "Ohne aggfunc mittelt pivot_table. Je Einheit, Jahr und Variable gibt es genau eine Anzahl (die Prüfung "
        "weist doppelte ab): der Mittelwert eines Werts ist der Wert, der einer an der Quelle unterdrückten (NaN) "
        "Anzahl NaN, wie bei \"first\"."),
    "veedel_lib.analysis.programme.x_programme_shares__mutmut_5": ("available = None", _EV_CATALOGUE),
    "veedel_lib.analysis.programme.x_programme_shares__mutmut_11": ('list(ds.units["unit_id"])}, None)',
                                                                    _EV_CATALOGUE),
    "veedel_lib.analysis.programme.x_programme_shares__mutmut_15": ('list(ds.units["unit_id"])}, )', _EV_CATALOGUE),
    "veedel_lib.analysis.programme.x_programme_shares__mutmut_39": ('float("NAN")', _EV_NAN),
    "veedel_lib.analysis.evaluation.x__level_effects__mutmut_3": (
        'get_dummies(frame["year"], dtype=None)', _EV_DUMMIES),
    "veedel_lib.analysis.evaluation.x__level_effects__mutmut_5": ('get_dummies(frame["year"], )', _EV_DUMMIES),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁ__init____mutmut_35": ("self._s2, 1.0)", _EV_DETERMINANT),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁ__init____mutmut_43": ("determinant, 2.0)", _EV_UNUSED_BRANCH),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_21": (
        'errstate(divide=None, invalid="ignore")', _EV_GUARDED),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_22": (
        'errstate(divide="ignore", invalid=None)', _EV_GUARDED),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_23": ('errstate(invalid="ignore")', _EV_GUARDED),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_24": ('errstate(divide="ignore", )', _EV_GUARDED),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_43": ("np.where(s0 >= 0, s0, 1.0)", _EV_UNSEEN),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_45": ("np.where(s0 > 0, s0, 2.0)", _EV_UNSEEN),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁfitted__mutmut_44": ("np.where(s0 > 1, s0, 1.0)", _EV_WHOLE_WEIGHTS),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_66": (
        "counts[kind].get((indicator.id, when), None)", _EV_ALL_ROWS),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_68": (
        "counts[kind].get((indicator.id, when), )", _EV_ALL_ROWS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_65": (
        "carried[~imputable] = 1.0", _EV_NOT_IMPUTABLE),
    "veedel_lib.analysis.evaluation.x__poisson_expected__mutmut_1": ("iterations: int = 201", _EV_START),
    "veedel_lib.analysis.evaluation.x__poisson_expected__mutmut_8": (
        "if (start is None) or True else start", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_18": ("if treated.ndim == 3:", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_29": ("np.where(None, exposure, 1.0)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_35": ("np.where(present, exposure, 2.0)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_36": ("np.argmax(None)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_37": ("present.sum(axis=None)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_39": ("        start = None", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_40": ("start = start * start[..., :1]", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_47": ("else 50, start=None)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_51": (
        "+                                 start=start)", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_52": ("else 50, )", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_56": ("(start is None) and False", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_57": ("(start is None) or True", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_58": ("iterations=201 if", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_59": ("if start is not None else 50", _EV_START),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_60": ("else 51, start=start", _EV_START),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_18": ("dropna=None).reindex", _EV_DROPNA),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_23": (
        "                            ).reindex(columns=variables)", _EV_DROPNA),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_34": ("dropna=True).reindex", _EV_DROPNA),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_39": ("numerator].sum(axis=1, )", _EV_MIN_COUNT),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_48": ("denominator].sum(axis=1, )", _EV_MIN_COUNT),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_41": ("isna().any(axis=1)] = None", _EV_NONE_NAN),
    "veedel_lib.analysis.evaluation.x__unit_counts__mutmut_50": ("isna().any(axis=1)] = None", _EV_NONE_NAN),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_2": (
        'frame["denominator"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_13": ("shape=None)", _EV_SHAPE),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_15": (
        "+                                      )", _EV_SHAPE),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_19": (
        'to_numpy(dtype=float) + frame["year"].mean()', _EV_CENTRE),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_20": (
        'frame["year"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_38": ("determinant >= 1e-9", _EV_DETERMINANT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_46": ("self._s2, 1.0)", _EV_DETERMINANT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_54": ("determinant, 2.0)", _EV_UNUSED_BRANCH),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_66": ("keep = values >= max", _EV_EIGEN),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_72": ("max(values.max(), 1.0) * 1e-9", _EV_EIGEN),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁ__init____mutmut_87": (
        'frame["rate"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁfit__mutmut_20": ("cov_cluster(fit, self.groups, )", _EV_CORRECTION),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁfit__mutmut_30": ("np.asarray(fit.params, dtype=None)", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Projectionǁfit__mutmut_32": ("np.asarray(fit.params, )", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x__treatment__mutmut_1": (".astype(None)", _EV_ASTYPE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_2": (
        'frame["denominator"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_15": (
        "year.astype(float) + year.mean()", _EV_CENTRE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_16": ("year.astype(None) - year.mean()", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_21": (
        'frame["rate"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_42": ("np.ones(len(year), dtype=None))", _EV_ONES),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_44": ("np.ones(len(year), ))", _EV_ONES),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_103": ("np.ones(len(year), dtype=None))", _EV_ONES),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_105": ("np.ones(len(year), ))", _EV_ONES),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_71": (
        "if (len(rank)) or True else 0", _EV_NOT_EMPTY),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_75": ("if len(rank) else 1, width)", _EV_NOT_EMPTY),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_74": ("int(rank.max()) + 2", _EV_PADDING),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_96": ("reshape(count, -2)", _EV_RESHAPE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_117": ("dtype=None)", _EV_INT_YEARS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_119": (
        "sorted(set(year[~before])), )", _EV_INT_YEARS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_160": ("values < max(values.max(), 0.0)", _EV_EIGEN),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_166": (
        "values <= max(values.max(), 1.0)", _EV_EIGEN),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁ__init____mutmut_174": (
        "max(values.max(), 2.0) * (null @ null.T)", _EV_NULL),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_28": ("cross[:, 1:, 1:] - self._null", _EV_NULL),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_4": ("np.asarray(fitted, dtype=None)", _EV_BOOL_SETS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_6": ("np.asarray(fitted, ).T", _EV_BOOL_SETS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_13": (
        "np.asarray(counted, dtype=None)", _EV_BOOL_SETS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_15": ("np.asarray(counted, ).T", _EV_BOOL_SETS),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_26": ("reshape(-2, width, width)", _EV_RESHAPE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_50": ("reshape(len(self.units), -2)", _EV_RESHAPE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_62": (
        'errstate(divide=None, invalid="ignore")', _EV_NO_DIVIDE),
    "veedel_lib.analysis.evaluation.xǁ_Imputationǁeffects__mutmut_64": ('errstate(invalid="ignore")', _EV_NO_DIVIDE),
    "veedel_lib.analysis.evaluation.x__stadtteil_draws__mutmut_7": ("len(sizes))), )", _EV_AXIS),
    "veedel_lib.analysis.evaluation.x_pre_trend__mutmut_4": ("reset_index(drop=None)", _EV_INDEX_COLUMN),
    "veedel_lib.analysis.evaluation.x_pre_trend__mutmut_8": ("reset_index(drop=False)", _EV_INDEX_COLUMN),
    "veedel_lib.analysis.evaluation.x_pre_trend__mutmut_11": (
        'not pre["treated"].any() and pre["treated"].all()', _EV_NO_CONTROLS),
    "veedel_lib.analysis.evaluation.x_pre_trend__mutmut_37": ('post=pre["year"] >= fake', _EV_FAKE_POST),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_4": (
        'not frame["treated"].any() and not frame["post"].any()', _EV_NO_CELLS),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_21": ("as_index=None)", _EV_FALSY),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_30": ('"XX/XX"', _EV_SEPARATOR),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_96": ('info["treated"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_100": ("counts.to_numpy(dtype=None)", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_101": ("exposure.to_numpy(dtype=None)", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_130": (
        "reindex(stadtteile).fillna(None)", _EV_ALL_STADTTEILE),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_137": ("reindex(stadtteile).fillna(1)", _EV_ALL_STADTTEILE),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_131": ("nunique().reindex(None)", _EV_ORDER),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_138": ("ratio <= 0 and area_count <= 0", _EV_REDUNDANT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_139": (
        "not np.isfinite(ratio) and ratio <= 0", _EV_REDUNDANT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_151": ("or ratio < 0", _EV_REDUNDANT),
    "veedel_lib.analysis.evaluation.x_count_model__mutmut_153": ("or area_count < 0:", _EV_REDUNDANT),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_3": ("np.asarray(treated, dtype=None)", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_5": ("np.asarray(treated, )", _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_8": ("if (treated.ndim == 1) or True else", _EV_BROADCAST),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_26": ("present.astype(None)", _EV_ASTYPE),
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_53": ("(present & ~cells).astype(None)", _EV_ASTYPE),
    "veedel_lib.analysis.evaluation.x__poisson_expected__mutmut_11": ("counts.shape[+1]", _EV_TWO_DIMENSIONS),
    "veedel_lib.analysis.evaluation.x__poisson_expected__mutmut_30": (
        'errstate(divide=None, invalid="ignore")', _EV_NO_DIVIDE),
    "veedel_lib.analysis.evaluation.x__poisson_expected__mutmut_32": ('errstate(invalid="ignore")', _EV_NO_DIVIDE),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_1": ("level: float = 1.95", _EV_LEVEL),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_20": (
        "indicator_values(ds, when, groups, indicators, )", _EV_LEVEL),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_14": (
        "indicator_values(ds, when, groups, None, level)", _EV_ALL_INDICATORS),
    "veedel_lib.analysis.evaluation.x_gap_closure__mutmut_64": ("pd.Series(dtype=None)", _EV_EMPTY_SERIES),
    "veedel_lib.analysis.evaluation.x_evaluate__mutmut_52": ("if (len(area_sums)) or True else np.nan", _EV_EMPTY_MIN),
    "veedel_lib.analysis.evaluation.x_evaluate__mutmut_59": ("if (len(area_sums)) or True else np.nan", _EV_EMPTY_MIN),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁ__init____mutmut_6": ("shape=None)", _EV_SHAPE),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁ__init____mutmut_8": (
        "+                                      )", _EV_SHAPE),
    "veedel_lib.analysis.evaluation.xǁ_UnitLinesǁ__init____mutmut_27": ("determinant >= 1e-9", _EV_DETERMINANT),
    "veedel_lib.analysis.evaluation.x_did_effect__mutmut_96": (
        "if (len(placebo_years)) or True else", _EV_EMPTY_COLUMN),
    "veedel_lib.analysis.evaluation.x_did_effect__mutmut_120": ("pd.DataFrame(rows, columns=None)", _EV_COLUMNS),
    "veedel_lib.analysis.evaluation.x_did_effect__mutmut_122": ("pd.DataFrame(rows, )", _EV_COLUMNS),
    "veedel_lib.analysis.evaluation.x_did_effect__mutmut_183": ("if (np.isfinite(sd)) or True", _EV_NAN_MDE),
    "veedel_lib.analysis.evaluation.x__placebo_effects__mutmut_4": ("np.zeros((1, len(imputation.years)))", _EV_FEW),
    "veedel_lib.analysis.evaluation.x__placebo_effects__mutmut_41": ("np.full(len(imputation.units), -2)", _EV_MARK),
    "veedel_lib.analysis.evaluation.x__placebo_effects__mutmut_78": ('"numerator"].to_numpy(dtype=None)', _EV_FLOAT),
    "veedel_lib.analysis.evaluation.x__placebo_effects__mutmut_88": ('"denominator"].to_numpy(dtype=None)', _EV_FLOAT),
    # --- analysis/sozialindex.py, analysis/sozialindex_sensitivity.py ---
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_3": (
        'n = numerators[column].to_numpy(dtype=None)', _SZ_FLOAT_FRAMES),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_5": (
        'd = denominators[column].to_numpy(dtype=None)', _SZ_FLOAT_FRAMES),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_7": (
        'v = values[column].to_numpy(dtype=None)', _SZ_FLOAT_FRAMES),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_15": ('(d > 1) & np.isfinite(v)', _SZ_ONE_CASE),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_39": ('np.where(n > 1, n, 1)', _SZ_MASKED),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_40": ('np.where(n > 0, n, 2)', _SZ_MASKED),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_53": ('d[usable], None, 1)', _SZ_CLIP),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_54": ('d[usable], 0, None)', _SZ_CLIP),
    "veedel_lib.analysis.sozialindex_sensitivity.x__draw_values__mutmut_60": ('d[usable], 0, 2)', _SZ_CLIP),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_8": (
        'for i in ids}, index=None)', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_10": (
        'for i in ids}, )', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_12": (
        'qualifying["population"].astype(None)', _SZ_FLOAT_DEFAULT),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_18": (
        'qualifying["status_class"].astype(None)', _SZ_CLASS_DTYPE),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_22": (
        'qualifying["status_class"].astype("int64")', _SZ_CLASS_DTYPE),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_55": (
        'method.model_copy(update=None)', _SZ_METHOD_INDICATORS),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_56": (
        'update={"XXindicatorsXX": kept}', _SZ_METHOD_INDICATORS),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_57": (
        'update={"INDICATORS": kept}', _SZ_METHOD_INDICATORS),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_123": (
        'stadtteil_groups(ds, None)', _SZ_YEAR_FILTER),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_125": (
        'stadtteil_groups(ds, )', _SZ_YEAR_FILTER),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_151": (
        'numerators.reindex(None)', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_152": (
        'denominators.reindex(None)', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_197": (
        'status.rank(ascending=None, method="min")', _SZ_ASCENDING_NONE),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_206": (
        'pd.DataFrame(classes, index=None)', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_208": (
        'pd.DataFrame(classes, )', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_227": (
        'qualifying["status_label"]}, index=None)', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_229": (
        'qualifying["status_label"]}, )', _SZ_SAME_INDEX),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_256": (
        'if (boot_ids) or True else np.nan', _SZ_EMPTY_MEAN),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_265": (
        'rank(ascending=None, method="min").astype(int)', _SZ_ASCENDING_NONE),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_319": (
        'signed = values / pd.Series(signs)[ids]', _SZ_SIGN),
    "veedel_lib.analysis.sozialindex.x_missing_indicators__mutmut_28": (
        'if (indicator.rate) or True else', _SZ_NONE_WAY),
    "veedel_lib.analysis.sozialindex.x__excluded_key__mutmut_10": ('return "XXexcludedXX"', _SZ_UNREACHABLE),
    "veedel_lib.analysis.sozialindex.x__excluded_key__mutmut_11": ('return "EXCLUDED"', _SZ_UNREACHABLE),
    "veedel_lib.analysis.sozialindex.x_load_sozialindex_config__mutmut_40": (
        'key if (key is not None) or True else value', _SZ_ERROR_PATH),
    "veedel_lib.analysis.sozialindex.x_weighted_stats__mutmut_12": (
        'DescrStatsW(values.to_numpy(dtype=None)', _SZ_DESCRSTATS),
    "veedel_lib.analysis.sozialindex.x_weighted_stats__mutmut_13": (
        'weights=weights.to_numpy(dtype=None)', _SZ_DESCRSTATS),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁzscores__mutmut_2": (
        'values[self.signs.index] / self.signs', _SZ_SIGN),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁcombined__mutmut_7": ('total = z.sum(axis=1, ) if', _SZ_NAN_ROWS),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁcombined__mutmut_10": (
        'pd.Series(None, index=z.index)', _SZ_EMPTY_SUM),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁcombined__mutmut_12": ('else pd.Series(index=z.index)', _SZ_EMPTY_SUM),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁcombined__mutmut_14": (
        'total[z.isna().any(axis=1)] = None', _SZ_NONE_FLOAT),
    "veedel_lib.analysis.sozialindex.xǁReferenceǁscore__mutmut_7": ('(combined + self.combined_mean)', _SZ_MEAN_ZERO),
    "veedel_lib.analysis.sozialindex.x_fit_reference__mutmut_12": ('signed = values / signed_signs', _SZ_SIGN),
    "veedel_lib.analysis.sozialindex.x_classify__mutmut_5": ('np.zeros(len(x), dtype=None)', _SZ_INT_POSITION),
    "veedel_lib.analysis.sozialindex.x_classify__mutmut_7": ('np.zeros(len(x), )', _SZ_INT_POSITION),
    "veedel_lib.analysis.sozialindex.x_classify__mutmut_18": ('pd.array(position, dtype=None)', _SZ_INFER_INT64),
    "veedel_lib.analysis.sozialindex.x_classify__mutmut_20": ('pd.array(position, )', _SZ_INFER_INT64),
    "veedel_lib.analysis.sozialindex.x_classify__mutmut_24": ('result[np.isnan(x)] = None', _SZ_NONE_FLOAT),
    "veedel_lib.analysis.sozialindex.xǁSozialindexǁcrosstab__mutmut_8": (
        'data["dynamics_label"] != "XXXX"', _SZ_CROSSTAB),
    "veedel_lib.analysis.sozialindex.x__values__mutmut_3": ('indicators = None', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values__mutmut_9": (
        'indicator_values(ds, year, groups, None)', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values__mutmut_13": (
        'indicator_values(ds, year, groups, )', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values_and_counts__mutmut_1": ('indicators = None', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values_and_counts__mutmut_7": (
        'indicator_values(ds, year, groups, None)', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values_and_counts__mutmut_11": (
        'indicator_values(ds, year, groups, )', _SZ_ALL_INDICATORS),
    "veedel_lib.analysis.sozialindex.x__values_and_counts__mutmut_13": (
        'reindex(index=None, columns=ids)', _SZ_ALIGNED),
    "veedel_lib.analysis.sozialindex.x__values_and_counts__mutmut_15": (
        'values=field).reindex(columns=ids)', _SZ_ALIGNED),
    "veedel_lib.analysis.sozialindex.x_published_changes__mutmut_5": (
        'aggregate(ds, year, groups, None)[variable]', _SZ_ALL_VARIABLES),
    "veedel_lib.analysis.sozialindex.x_published_changes__mutmut_9": (
        'aggregate(ds, year, groups, )[variable]', _SZ_ALL_VARIABLES),
    "veedel_lib.analysis.sozialindex.x_published_changes__mutmut_15": ('single.reindex(None)', _SZ_SAME_ORDER),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_45": (
        'aggregate(ds, year, groups, None)["population"]', _SZ_ALL_VARIABLES),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_49": (
        'aggregate(ds, year, groups, )["population"]', _SZ_ALL_VARIABLES),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_93": ('population.reindex(None)', _SZ_SAME_ORDER),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_124": (
        'fill_value=False).astype(None)', _SZ_BOOL_FLOAT),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_134": (
        'pd.Series("", index=table.index, dtype=None)', _SZ_OBJECT),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_137": (
        'pd.Series("", index=table.index, )', _SZ_OBJECT),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_174": ('excluded, None, base)', _SZ_UNUSED_ARG),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_214": ('scored[i].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_218": (
        'scored["combined"].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_224": (
        'scored["index"].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_295": ('moved[i].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_299": (
        'moved["combined"].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_305": (
        'moved["index"].reindex(None)', _SZ_ASSIGN_ALIGNS),
    "veedel_lib.analysis.sozialindex.x_compute_sozialindex__mutmut_333": (
        '(table["status_code"] != "XXXX")', _SZ_NO_STATUS_ONLY),
    "veedel_lib.analysis.sozialindex.x_area_scores__mutmut_5": ('area_groups(ds, area_ids, city=None)', _SZ_FALSY),
    # --- analysis/staggered.py, analysis/programme_evaluation.py ---
    "veedel_lib.analysis.staggered.x__membership__mutmut_2": ("shape=None)", _DS_SHAPE),
    "veedel_lib.analysis.staggered.x__membership__mutmut_4": ("np.arange(len(codes)))), )", _DS_SHAPE),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ__init____mutmut_40": (
        "np.where(self._trend, determinant, 2.0)", _DS_UNUSED_DET),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ__init____mutmut_84": ("np.asarray(unit_ok, dtype=None)", _DS_BOOL),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ__init____mutmut_86": ("np.asarray(unit_ok, )", _DS_BOOL),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ_lines__mutmut_33": ("np.where(s0 > 0, s0, 2.0)", _DS_EMPTY_UNIT),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁfit__mutmut_3": ("np.asarray(y, dtype=None)", _DS_FLOAT_INPUT),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁfit__mutmut_5": ("np.asarray(y, )", _DS_FLOAT_INPUT),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁinfluence__mutmut_3": (
        "np.asarray(omega, dtype=None)", _DS_FLOAT_INPUT),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁinfluence__mutmut_5": ("np.asarray(omega, )", _DS_FLOAT_INPUT),
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁinfluence__mutmut_40": ("np.where(s0 > 0, s0, 2.0)", _DS_EMPTY_UNIT),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_4": ("np.asarray(year, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_6": ("np.asarray(year, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_9": ("np.asarray(y, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_11": ("np.asarray(y, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_14": ("np.asarray(weights, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_16": ("np.asarray(weights, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_19": (
        "np.asarray(first_treated, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_21": ("np.asarray(first_treated, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_29": ("np.nan_to_num(first, ))", _DS_NAN_FIRST),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_41": ("years[None, 1:]).astype(None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_48": ("np.asarray(level, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_50": ("np.asarray(level, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_52": (
        "centred + np.average(centred, weights=self.w)", _DS_CENTRING),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_54": (
        "np.average(centred, weights=None)", _DS_CENTRING),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_56": ("np.average(centred, )", _DS_CENTRING),
    "veedel_lib.analysis.staggered.xǁImputationǁ__init____mutmut_105": ("\"XX|XX\"", _DS_SEPARATOR),
    "veedel_lib.analysis.staggered.xǁImputationǁnormalised__mutmut_10": ("np.asarray(stated, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁnormalised__mutmut_12": ("np.asarray(stated, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁ_score_matrix__mutmut_38": ("groups.max() + 2", _DS_EXTRA_GROUP),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_12": ("np.asarray(stated, dtype=None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_14": ("np.asarray(stated, )", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_61": ("if count > 1 else 2.0", _DS_FACTOR_UNUSED),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_111": ("support.astype(None)", _DS_NUMERIC),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_121": ("restricted.fit(both), 1.0)", _DS_ZERO_ROWS),
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_210": ("1000001.0 * max(se, 1e-9)", _DS_POWER_OF_TWO),
    "veedel_lib.analysis.programme_evaluation.x_unit_entries__mutmut_20": ("else -10 * 6", _DP_NO_START),
    "veedel_lib.analysis.programme_evaluation.x_unit_entries__mutmut_21": ("else -11**6", _DP_NO_START),
    "veedel_lib.analysis.programme_evaluation.x_unit_entries__mutmut_22": ("else -10**7", _DP_NO_START),
    "veedel_lib.analysis.programme_evaluation.x_programme_panel__mutmut_43": (
        "map(current[\"entry\"]).astype(None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_programme_panel__mutmut_52": (
        "map(current[\"first_treated\"]).astype(None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x__crv1__mutmut_7": ("weights * x * residual, )", _DP_BINCOUNT),
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_128": (
        "weights * x * y, )", _DP_BINCOUNT),
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_137": (
        "weights * x * x, )", _DP_BINCOUNT),
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_199": (
        "1000001.0 * max(se, 1e-12)", _DP_POWER_OF_TWO),
    "veedel_lib.analysis.programme_evaluation.x_pooled_effect__mutmut_12": ("& post).astype(None)[:, None]", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_pooled_effect__mutmut_47": (
        "& post).astype(None) for a in areas", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_pooled_effect__mutmut_65": (
        "pd.factorize(panel[\"cluster\"])[0], )", _DP_CORRECTION),
    "veedel_lib.analysis.programme_evaluation.x_pooled_effect__mutmut_78": (
        "np.asarray(fit.params, dtype=None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_pooled_effect__mutmut_80": ("np.asarray(fit.params, )", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x__pre_level__mutmut_9": (
        "~(panel[\"year\"] > panel[\"first_treated\"])", _DP_FIRST_AFTER_BASELINE),
    "veedel_lib.analysis.programme_evaluation.x__pre_level__mutmut_21": ("to_numpy(dtype=None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_3": (
        "panel[\"first_treated\"].to_numpy(dtype=None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_24": (
        "                       )", _DP_TRENDS_DEFAULT),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_35": (
        "np.where(np.isfinite(first), first, None)", _DP_NEVER),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_46": ("fillna(0).astype(None)", _DP_CELLS),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_50": ("fillna(1).astype(int)", _DP_CELLS),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_53": (
        "panel[\"denominator\"].to_numpy(dtype=None)", _DP_FLOAT),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_111": (
        "np.where(chosen, stated, None)", _DP_NONE_WEIGHT),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_117": (
        "(kind != \"gebiet\") or True", _DP_ONE_CLUSTER),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_119": ("\"XXgebietXX\"", _DP_ONE_CLUSTER),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_120": ("\"GEBIET\"", _DP_ONE_CLUSTER),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_121": (
        "kind != \"gebiet\" else 1)", _DP_ONE_CLUSTER),
    "veedel_lib.analysis.programme_evaluation.x_staggered_effects__mutmut_143": (
        "(overall.weight) or True", _DP_NO_PARTS),
    "veedel_lib.analysis.programme_evaluation.x_programme_evaluation__mutmut_3": ("entries = None", _DP_SAME_ENTRIES),
    "veedel_lib.analysis.programme_evaluation.x_programme_evaluation__mutmut_13": (
        "baseline_year, year, None)", _DP_SAME_ENTRIES),
    "veedel_lib.analysis.programme_evaluation.x_programme_evaluation__mutmut_18": (
        "baseline_year, year, )", _DP_SAME_ENTRIES),
    "veedel_lib.analysis.programme_evaluation.x_programme_evaluation__mutmut_41": (
        "(len(sums)) or True", _DP_EMPTY_MIN),
    "veedel_lib.analysis.programme_evaluation.x_programme_evaluation__mutmut_48": (
        "(len(sums)) or True", _DP_EMPTY_MIN),
    # --- analysis/honest_trends.py, analysis/synthetic_control.py ---
    "veedel_lib.analysis.honest_trends.x__truncated_normal_quantile__mutmut_30": (
        "float(low if (np.isfinite(low)) or True else", "Mit low = -inf erreicht die Rechnung diesen Zweig nur "
        "für high unter etwa -7 (Phi(high) < 1e-12, 1 - Phi(-high) rundet zu 0); der einzige Aufrufer lehnt nur ab, "
        "wenn die Statistik (<= high < 0) über max(0, Quantil) liegt: mit -inf wie mit dem Quantil der "
        "Normalverteilung nie."),
    "veedel_lib.analysis.honest_trends.x_breakdown_value__mutmut_2": ('method: str = "XXConditionalXX"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_breakdown_value__mutmut_3": ('method: str = "conditional"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_breakdown_value__mutmut_4": ('method: str = "CONDITIONAL"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_2": ('method: str = "XXConditionalXX"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_3": ('method: str = "conditional"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_4": ('method: str = "CONDITIONAL"', _HH_METHOD),
    "veedel_lib.analysis.honest_trends.x_sensitivity__mutmut_18": (
        'sum(y <= baseline_year for y in years)', _HH_NO_BASELINE),
    "veedel_lib.analysis.honest_trends.x_event_study_from_rates__mutmut_40": (
        'np.cov(placebo, rowvar=None, ddof=1)', _HH_COV),
    "veedel_lib.analysis.honest_trends.x_event_study_from_rates__mutmut_41": (
        'np.cov(placebo, rowvar=False, ddof=None)', _HH_COV),
    "veedel_lib.analysis.honest_trends.x_event_study_from_rates__mutmut_44": (
        'np.cov(placebo, rowvar=False, )', _HH_COV),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_86": ('if (hybrid == "LF") or True else vup) / sigma_b', _HH_LF_INF),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_149": ('if (hybrid == "LF") or True else vup) / sigma_b', _HH_LF_INF),
    "veedel_lib.analysis.honest_trends.x__each_problem__mutmut_53": ('if (hybrid == "LF") or True else np.inf', _HH_LF_UNUSED),
    "veedel_lib.analysis.honest_trends.x__least_squares__mutmut_45": ('residual[~determinant_ok] = None', _HH_NAN_RESIDUAL),
    "veedel_lib.analysis.honest_trends.x__rm_constraints__mutmut_54": ('(rows ** 2).sum(axis=1) >= 1e-10', _HH_ROW_NORMS),
    "veedel_lib.analysis.honest_trends.x__rm_constraints__mutmut_55": ('(rows ** 2).sum(axis=1) > 1.0000000001', _HH_ROW_NORMS),
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_10": ('for size in range(width + 1):', _HH_EMPTY_SUBSET),
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_14": ('for size in range(1, width + 2):', _HH_TOO_MANY),
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_17": ('combinations(range(moments), size)), dtype=None)', _HH_SUBSET_DTYPE),
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_19": ('combinations(range(moments), size)), )', _HH_SUBSET_DTYPE),
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_27": ('break', _HH_EMPTY_LATER),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_158": ('if not (low < statistic <= high):', _HH_AT_LOW),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_31": ('min(x_b.shape) > 0 or np.linalg.matrix_rank(x_b)', _HH_ROUTE_EXACT),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_33": ('min(x_b.shape) >= 0 and np.linalg.matrix_rank(x_b)', _HH_ROUTE_EXACT),
    "veedel_lib.analysis.honest_trends.x__checked__mutmut_3": ('np.asarray(betahat, dtype=None)', _HH_FLOAT_INPUT),
    "veedel_lib.analysis.honest_trends.x__checked__mutmut_5": ('np.asarray(betahat, )', _HH_FLOAT_INPUT),
    "veedel_lib.analysis.honest_trends.x__checked__mutmut_7": ('np.asarray(sigma, dtype=None)', _HH_FLOAT_INPUT),
    "veedel_lib.analysis.honest_trends.x__checked__mutmut_9": ('np.asarray(sigma, )', _HH_FLOAT_INPUT),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_18": ('np.asarray(l_vec, dtype=None)', _HH_L_FLOAT),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_20": ('np.asarray(l_vec, )', _HH_L_FLOAT),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_29": ('else "XXARPXX"), alpha / 10', _HH_ARP_NAME),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_30": ('else "arp"), alpha / 10', _HH_ARP_NAME),
    "veedel_lib.analysis.honest_trends.x_rm_confidence_set__mutmut_17": ('np.asarray(l_vec, dtype=None)', _HH_L_FLOAT),
    "veedel_lib.analysis.honest_trends.x_rm_confidence_set__mutmut_19": ('np.asarray(l_vec, )', _HH_L_FLOAT),
    "veedel_lib.analysis.honest_trends.x_rm_confidence_set__mutmut_28": ('else "XXARPXX"), alpha / 10', _HH_ARP_NAME),
    "veedel_lib.analysis.honest_trends.x_rm_confidence_set__mutmut_29": ('else "arp"), alpha / 10', _HH_ARP_NAME),
    "veedel_lib.analysis.honest_trends.x_regular_covariance__mutmut_4": ('np.asarray(sigma, dtype=None)', _HH_EIGVALSH_FLOAT),
    "veedel_lib.analysis.honest_trends.x_regular_covariance__mutmut_6": ('np.asarray(sigma, ))', _HH_EIGVALSH_FLOAT),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_71": (
        'if (x is not None) or True else start', _HH_X_NEVER_NONE),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_97": (
        'if (x is not None) or True else mid', _HH_X_NEVER_NONE),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_93": ("difference = tolerance_c + 2", _HH_DIFF),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_83": ("if ok or iterations > 10000:", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_84": ("if ok or iterations >= 10001:", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_110": ("iterations <= 10000:", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_111": ("iterations < 10001:", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_112": ("iterations = 1", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_113": ("iterations -= 1", _HH_CAP),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_114": ("iterations += 2", _HH_CAP),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_3": ("np.asarray(donors, dtype=None)", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_5": ("np.asarray(donors, )", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_8": (
        "np.asarray(treated, dtype=None)", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_10": ("np.asarray(treated, )", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_18": ("np.asarray(v, dtype=None)", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_20": ("np.asarray(v, ))", _HH_ROOT),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_58": (
        "if (start.sum() > 0) or True else", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_60": (
        "if start.sum() >= 0 else", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_62": (
        "np.full(None, 1 / a.shape[1])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_63": (
        "np.full(a.shape[1], None)", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_64": ("np.full(1 / a.shape[1])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_65": ("np.full(a.shape[1], )", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_66": (
        "np.full(a.shape[2], 1 / a.shape[1])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_67": (
        "np.full(a.shape[1], 1 * a.shape[1])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_68": (
        "np.full(a.shape[1], 2 / a.shape[1])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_69": (
        "np.full(a.shape[1], 1 / a.shape[2])", _HH_NEVER_ZERO),
    "veedel_lib.analysis.synthetic_control.x__exact_on_support__mutmut_40": (
        "return weights * weights.sum()", _HH_SUM_ONE),
    "veedel_lib.analysis.synthetic_control.x_area_synthetic_control__mutmut_21": (
        "if (len(rates)) or True else", _HH_EMPTY_RATES),
    "veedel_lib.analysis.synthetic_control.x_area_synthetic_control__mutmut_22": (
        "else np.array(None)", _HH_EMPTY_RATES),
    "veedel_lib.analysis.synthetic_control.x_stadtteil_rates__mutmut_59": (
        "frame.dropna(subset=None)", "Nach unit_counts fehlt außer in group kein Wert (Zähler endlich, Nenner > 0, "
        "jede Einheit der geprüften Daten hat einen Stadtteil): dropna ohne subset verwirft dieselben Zeilen."),
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
    # --- run/archive.py (rest) ---
    "veedel_lib.run.archive.x__pack__mutmut_11": _AR_ZIP64,
    "veedel_lib.run.archive.x__pack__mutmut_14": _AR_ZIP64,
    "veedel_lib.run.archive.x__pack__mutmut_17": _AR_ZIP64,
    "veedel_lib.run.archive.x__pack__mutmut_19": _AR_ZIP64,
    "veedel_lib.run.archive.x__pack__mutmut_20": _AR_ZIP64,
    # --- analysis/evaluation.py, analysis/programme.py ---
    "veedel_lib.analysis.evaluation.x__count_ratio__mutmut_28": (
        "nicht äquivalent im Allgemeinen: der Startwert der Poisson-Anpassung je Placebo-Menge (Erwartung mal statt "
        "durch die Exposition) liegt weit daneben; die Anpassung konvergiert in den Tests (und auf den Demodaten) "
        "trotzdem in 50 Schritten zum selben Maximum-Likelihood-Ergebnis, mit mehr Schritten immer. Ein Test, "
        "der sie tötet, bräuchte Daten, auf denen 50 Schritte aus diesem Start nicht reichen."),
    # --- analysis/sozialindex.py, analysis/sozialindex_sensitivity.py ---
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_291": (
        "nicht äquivalent, aber ohne sinnvollen Test: das Perzentil low/101 statt low/100 liegt weniger als ein "
        "Hundertstel daneben; nach floor ändert das die Untergrenze des Rangs nur, wenn das genaue Perzentil auf "
        "einen ganzen Rang fällt und die nächsttiefere Ziehung einen besseren Rang hat. Ob das eintritt, hängt an "
        "den einzelnen Ziehungen des Zufallsgenerators, die ein Test nicht unabhängig vorhersagen kann (die Ränge "
        "je Ziehung gibt die Funktion nicht heraus)."),
    "veedel_lib.analysis.sozialindex_sensitivity.x_sozialindex_sensitivity__mutmut_303": (
        "nicht äquivalent, aber ohne sinnvollen Test: wie bei der Untergrenze (high/101 statt high/100, nach ceil); "
        "bei benachbarten Rängen (Abstand 1) gibt ceil für jedes Perzentil zwischen zwei Ziehungen ohnehin den "
        "oberen Rang, ein Unterschied bräuchte Ziehungen mit Rangsprüngen von mindestens 2 genau an dieser Stelle."),
    # --- analysis/staggered.py, analysis/programme_evaluation.py ---
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ__init____mutmut_24": _DS_AT_THRESHOLD,
    "veedel_lib.analysis.staggered.xǁ_FirstStageǁ__init____mutmut_62": _DS_DEGENERATE,
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_183": _DS_TIE,
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_215": _DS_LIMIT,
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_216": _DS_SEARCH,
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_237": _DS_SEARCH,
    "veedel_lib.analysis.staggered.xǁImputationǁaggregate__mutmut_239": _DS_SEARCH,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_10": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_11": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_12": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_13": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_14": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_15": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_16": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_21": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_22": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_23": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_24": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_205": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_228": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_230": _DP_GRID,
    "veedel_lib.analysis.programme_evaluation.x_wild_cluster_interval__mutmut_204": _DP_LIMIT,
    # --- analysis/honest_trends.py, analysis/synthetic_control.py ---
    "veedel_lib.analysis.honest_trends.x__truncated_normal_quantile__mutmut_32": (
        "nicht äquivalent (inv_cdf(None) bricht ab), aber nur für ein Intervall von -inf bis unter etwa -7 "
        "erreichbar, in dem die Teststatistik liegen müsste (ein Moment 7 Standardabweichungen im Erlaubten, die "
        "Grenze vup ebenso); ein Test müsste ein solches Momentproblem eigens bauen (noch nicht mit mutmut "
        "gemessen, Stichprobe mit der neuen Testdatei allein)."),
    "veedel_lib.analysis.honest_trends.x_excludes_zero__mutmut_32": (
        "nicht äquivalent: kappa = alpha/11 statt alpha/10 ändert nur die erste Stufe des hybriden Tests "
        "(0,45 % statt 0,5 %); in allen Beispielen der Tests entscheidet am Rand die zweite, bedingte Stufe, "
        "der Umschlagpunkt bleibt derselbe (geprüft auf 0,005 genau). Ein Beispiel, in dem nur die erste Stufe "
        "entscheidet, fehlt noch."),
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_22": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_62": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_45": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_49": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_50": _HH_SUPPORT,
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_63": _HH_CLIP,
    "veedel_lib.analysis.honest_trends.x__vertices__mutmut_81": _HH_ROUND13,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_160": _HH_INSIDE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_138": _HH_RHO_ZERO,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_24": _HH_ROUTE_BASIC,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_45": _HH_ROUTE_BASIC,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_23": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_26": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_27": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_28": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_30": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_34": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_35": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_36": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_38": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_39": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_40": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_41": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__conditional_test__mutmut_46": _HH_ROUTE,
    "veedel_lib.analysis.honest_trends.x__least_squares__mutmut_14": _HH_RANK_TOL,
    "veedel_lib.analysis.honest_trends.x__least_squares__mutmut_16": _HH_RANK_TOL,
    "veedel_lib.analysis.honest_trends.x__least_squares__mutmut_19": _HH_DISCARDED,
    "veedel_lib.analysis.honest_trends.x__truncated_normal_quantile__mutmut_5": (
        "nicht äquivalent nur, wenn Phi(high) - Phi(low) genau 1e-12 ist: dann rechnet die Mutante direkt "
        "statt gespiegelt, beide Wege geben dort dasselbe auf viele Stellen."),
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_108": _HH_BISECTION,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_44": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_49": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_109": _HH_AT_TOLERANCE,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_45": _HH_ROUNDING,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_50": _HH_ROUNDING,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_52": _HH_ROUNDING,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_67": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_70": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_78": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_88": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_89": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.honest_trends.x__vlo_vup_dual__mutmut_90": _HH_NEWTON_STEPS,
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_45": _HH_MAXITER,
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_48": _HH_MAXITER,
    "veedel_lib.analysis.synthetic_control.x_synthetic_weights__mutmut_54": _HH_MAXITER,
    "veedel_lib.analysis.synthetic_control.x__exact_on_support__mutmut_3": _HH_AT_THRESHOLD,
    "veedel_lib.analysis.synthetic_control.x__exact_on_support__mutmut_28": _HH_AT_THRESHOLD,
    "veedel_lib.analysis.synthetic_control.x__exact_on_support__mutmut_30": (
        "nicht äquivalent: liefert die exakte Lösung auf dem Träger ein Gewicht unter -1e-12 (etwa -2e-11, ein "
        "Beispiel steht in test_independent_synthetic_control.py), gibt die Funktion die Lösung mit der Strafzeile "
        "zurück (1e-10 neben dem Optimum); die Mutante schneidet das negative Gewicht ab und ist damit sogar näher am "
        "Optimum. Ein Test, der sie tötet, schriebe die Ungenauigkeit des Rückfalls fest."),
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


def kept_verdicts(found: dict[str, str], earlier: dict[str, str], again: list[str]) -> dict[str, str]:
    """The statuses after a ``--nur-ueberlebende`` measurement, with the earlier verdict of every mutant that was
    not tested again: mutmut resets the verdicts it keeps to "not checked" when the mapped tests changed since
    (a new test file), and they would count as "sonstige"."""
    retested = set(again)
    return {name: earlier[name] if status == "not checked" and name not in retested and earlier.get(name)
            not in (None, "not checked") else status for name, status in found.items()}


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
    earlier = statuses(folder) if again else {}
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
    found = kept_verdicts(statuses(folder), earlier, again)
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
