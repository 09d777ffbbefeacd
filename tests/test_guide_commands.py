"""Every command of the user guide (README.md, docs/*.md) as written: parsed by the real parsers, the cheap ones run
in the guide's order in a temporary project, the expensive ones listed below with the reason (issue #32, item 6).

The commands come from ``tests/guide.py`` (``sh`` blocks and inline code spans beginning with a program), so a new
command in the guide is picked up: it fails :func:`test_every_command_of_the_guide_is_run_here_or_a_checked_example`
until it is put into :data:`RUN` or :data:`CHECKED`. ``scripts/check_guide.py`` runs all of them, the expensive ones
too, in a temporary copy of the project.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from guide import (FOLDERS, INPUTS, ROOT, Command, concrete, guide_commands, placeholders, prepare_inputs, run_values,
                   unmarked_blocks)

from veedel_lib import cli

COMMANDS = guide_commands()

RUN = (
    "veedel --help",
    "veedel shares",
    "veedel demo-data meine-daten",
    "veedel template vorlagen/",
    "veedel plan-vorlage hoehenberg-vingst",
    "veedel <befehl> --help",
    "veedel schluessel ~/.config/veedel",
    "veedel archive outputs/<lauf> --schluessel ~/.config/veedel/veedel-signatur.key",
    "veedel verify outputs/<lauf>.zip --oeffentlicher-schluessel ~/.config/veedel/veedel-signatur.pub",
    "veedel schluessel ORDNER",
    "veedel verify ARCHIV --oeffentlicher-schluessel DATEI",
    "veedel verify outputs/<lauf>",
    "veedel validate <datenordner>",
    "veedel validate <ordner>",
    "veedel validate --strict <ordner>",
    "veedel import bevoelkerung_2024.csv --mapping zuordnung.yml --out meine_daten",
    "veedel validate meine_daten",
    "veedel validate <Datenordner>",
    "veedel plan-vorlage kalk --period 2021-2025 --out plaene",
    "veedel clean --keep 5",
)
"""Commands this test runs, in a temporary project (a second or less to a few seconds of CPU each)."""

REPORTS = ("erzeugt Berichte (Notebooks mit Kernel, PDF mit Chromium): eine Minute und mehr; geprüft: die Angaben "
           "und Pfade; scripts/check_guide.py führt ihn aus")
KOELN = ("wandelt die offenen Daten der Stadt um (5 s Rechenzeit je Aufruf, braucht ../shared/data/koeln); geprüft: "
         "die Angaben; scripts/check_guide.py führt ihn aus")
COMPARE = ("braucht zwei Läufe mit Berichten und schreibt ein PDF; geprüft: die Angaben; scripts/check_guide.py führt "
           "ihn aus")
NETWORK = "lädt vom Portal der Stadt (Netz); geprüft: die Angaben; scripts/check_guide.py führt ihn aus"
SERVER = "startet einen Server, der bis Strg+C läuft; geprüft: Ziel bzw. Optionen gibt es"
SUITE = ("die ganze Testsuite, ein Messlauf oder die Installation in .venv (Minuten, Netz); geprüft: das Ziel steht im "
         "Makefile")
CLUSTER = ("braucht einen Dask-Cluster (tcp://rechner:8786 oder die Adresse einer Meldung); geprüft: die Angaben "
           "(--executor, --scheduler)")
FRAGMENT = "Bruchstück im Text: nennt Optionen von jupyter nbconvert ohne Notebook; geprüft: die Optionen gibt es"
NAME = "nennt den Befehl im Satz, seine Angaben stehen in den Beispielen; geprüft: den Befehl gibt es"
ROOT_ONLY = "braucht Root-Rechte; geprüft: der Paketname ist der, den scripts/install-system-deps.sh installiert"
SCRIPT = ("braucht einen Lauf mit Berichten bzw. schreibt große Archive nach /tmp; geprüft: das Skript und seine "
          "Optionen gibt es; scripts/check_guide.py führt es aus")
SHELL = "ändert die Shell, in der man tippt; geprüft: die Datei gibt es"

CHECKED = {
    REPORTS: ("make run", "veedel run", "veedel run --areas kalk", "veedel run --areas kalk,hoehenberg-vingst",
              "veedel analyse kalk", "veedel run --year 2023", "veedel run --formats html",
              "veedel run --data /pfad/zum/datenordner", "veedel run --source koeln --data /pfad/zu/koeln",
              "veedel run --source koeln --data koeln-daten/",
              "veedel run --notebooks evaluation", "veedel run --notebooks themenbewertung --areas kalk",
              "veedel run --notebooks NAME", "veedel run --retry-failed", "veedel run --force",
              "veedel run --vorjahr outputs/<lauf-des-vorjahres>.zip", "veedel --parameters /pfad/zur/kopie run",
              "veedel --parameters <parameterordner> run --data <datenordner>",
              "veedel analyse kalk --data meine_daten",
              "veedel run --notebooks sozialraumgebietsplan --areas kalk --data <Datenordner>",
              "veedel run --notebooks meilensteinbericht --areas kalk",
              "veedel reproduce outputs/<lauf>.zip --oeffentlicher-schluessel ~/.config/veedel/veedel-signatur.pub",
              "veedel reproduce ARCHIV",
              "papermill notebooks/sozialraumgebietsanalyse.ipynb kalk.ipynb -p area_id kalk",
              "papermill notebooks/bezirksbericht.ipynb aus.ipynb -p area_id 8",
              "veedel publish kalk.ipynb", "veedel publish kalk.ipynb --out berichte/",
              "veedel publish kalk.ipynb --formats html"),
    KOELN: ("veedel validate koeln-daten/ --source koeln", "veedel shares --source koeln --data koeln-daten/",
            "veedel validate --source koeln koeln-daten/"),
    COMPARE: ("veedel vergleiche", "veedel vergleiche outputs/<alter-lauf> outputs/<neuer-lauf>",
              "veedel vergleiche outputs/<alter-lauf> outputs/<neuer-lauf>.zip --out vergleich --formats html,csv"),
    NETWORK: ("veedel fetch-open-data koeln-daten/",),
    SERVER: ("make lab", "dask scheduler", "dask worker", "dask worker tcp://…",
             "dask worker tcp://rechner:8786 --nthreads 1"),
    SUITE: ("make test", "make bench", "make install"),
    CLUSTER: ("veedel run --retry-failed --scheduler …", "veedel run --executor dask --scheduler tcp://rechner:8786",
              "veedel run --retry-failed --scheduler tcp://rechner:8786"),
    FRAGMENT: ("jupyter nbconvert", "jupyter nbconvert --to webpdf", "jupyter nbconvert --no-input"),
    NAME: ("veedel publish", "veedel template", "veedel archive", "veedel schluessel", "veedel verify",
           "veedel reproduce", "veedel analyse", "veedel validate", "veedel import"),
    ROOT_ONLY: ("sudo apt-get install chromium",),
    SCRIPT: (".venv/bin/python scripts/craft_hostile_archives.py /tmp/feindlich --basis outputs/<lauf>.zip",
             ".venv/bin/python scripts/pdf_structure.py outputs/<lauf>/reports/kalk/sozialraumgebietsanalyse.pdf"),
    SHELL: ("source .venv/bin/activate",),
}
"""The checked examples: not run here, with the reason and what is checked instead (the arguments parse with the
program's own parser, the Makefile has the target, the paths exist)."""

RUN_ID = "20260101-120000-abcdef12"

VALUES = {**FOLDERS, **run_values(RUN_ID, RUN_ID, RUN_ID)}
"""What the placeholders stand for in the temporary project (every run is the tiny run standing in for one)."""

OUTPUT_OPTIONS = ("--out", "--output")
WRITTEN_BY_POSITION = {"papermill": 2, "demo-data": 1, "template": 1, "schluessel": 1, "fetch-open-data": 1,
                       "scripts/craft_hostile_archives.py": 1}
"""Where a command names a file or folder it writes: after these options, or the n-th word after the program or
sub-command named here (papermill's output notebook, the folder veedel demo-data writes ...)."""


def _distinct(commands: list[Command]) -> dict[str, list[Command]]:
    """Each command text with all the places where it stands, in the order of first appearance."""
    found: dict[str, list[Command]] = {}
    for command in commands:
        found.setdefault(command.text, []).append(command)
    return found


def _places(text: str) -> str:
    return ", ".join(command.where for command in COMMANDS if command.text == text)


@functools.cache
def _parser():
    """``veedel``'s own parser (built once: parsing leaves it as it was)."""
    return cli.build_parser()


def _parse(argv: list[str]) -> str | None:
    """None if ``veedel argv`` parses with the real parser, else argparse's (German) message."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            _parser().parse_args(argv)
        except SystemExit as stop:
            if stop.code:
                return err.getvalue().strip().splitlines()[-1]
    return None


def _veedel_arguments(command: Command) -> list[list[str]]:
    """The argument lists ``veedel`` gets from ``command``: a sub-command named in a sentence as its ``--help``,
    ``<befehl>`` as every sub-command."""
    words = command.words[1:]
    if command.text in CHECKED[NAME]:
        return [[words[0], "--help"]]
    if "<befehl>" in command.text:
        return [concrete(command, {**VALUES, "<befehl>": name})[1:] for name in _parser().commands]
    return [concrete(command, VALUES)[1:]]


# ----------------------------------------------------------------------------- finding the commands

def test_every_code_block_of_the_guide_says_whether_it_holds_commands_or_text():
    problems = unmarked_blocks()
    assert problems == [], "\n".join(problems)


def test_the_extraction_tells_commands_from_output_file_contents_and_names(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        "Mit `veedel run --areas kalk` ein Gebiet; `veedel` allein ist der Name, `make` auch.\n\n"
        "```sh\nveedel schluessel ~/.config/veedel     # einmal\nveedel archive outputs/<lauf> \\\n"
        "  --schluessel k.key\n```\n\n```text\nveedel run --areas kalk: 3 Berichte\n```\n", encoding="utf-8")
    (tmp_path / "docs" / "seite.md").write_text(
        "```yaml\nkey: Stadtteil\n```\n\nDann `veedel validate\nmeine_daten`.\n", encoding="utf-8")

    found = [(c.where, c.text, c.inline) for c in guide_commands(tmp_path)]

    assert found == [("README.md:1", "veedel run --areas kalk", True),
                     ("README.md:4", "veedel schluessel ~/.config/veedel", False),
                     ("README.md:5", "veedel archive outputs/<lauf> --schluessel k.key", False),
                     ("docs/seite.md:5", "veedel validate meine_daten", True)]
    assert unmarked_blocks(tmp_path) == []
    (tmp_path / "docs" / "seite.md").write_text("```\nveedel run\n```\n", encoding="utf-8")
    assert unmarked_blocks(tmp_path) == ["docs/seite.md:1: Codeblock ohne bekannte Sprache (keine); Befehle als "
                                         "```sh, Ausgaben und Dateien als ```text/```yaml"]


def test_every_command_of_the_guide_is_run_here_or_a_checked_example():
    texts = set(_distinct(COMMANDS))
    checked = [text for group in CHECKED.values() for text in group]
    neither = [f"{_places(text)}: {text}" for text in sorted(texts - set(RUN) - set(checked))]
    both = sorted(set(RUN) & set(checked))
    stale = sorted((set(RUN) | set(checked)) - texts)
    twice = sorted({text for text in checked if checked.count(text) > 1})

    assert neither == [], "weder ausgeführt noch als geprüftes Beispiel mit Grund aufgeführt:\n" + "\n".join(neither)
    assert (both, stale, twice) == ([], [], [])


def test_every_placeholder_of_the_guide_has_a_value():
    unknown = [f"{c.where}: {c.text}: {p}" for c in COMMANDS for p in placeholders(c)
               if p not in VALUES and p != "<befehl>"]
    assert unknown == [], "\n".join(unknown)


# ----------------------------------------------------------------------------- parsing with the programs' own parsers

def test_every_veedel_command_of_the_guide_parses_with_the_real_parser():
    problems = []
    for command in COMMANDS:
        if command.program in ("veedel", ".venv/bin/veedel"):
            for argv in _veedel_arguments(command):
                message = _parse(argv)
                if message:
                    problems.append(f"{command.where}: {command.text}: {message}")
    assert problems == [], "\n".join(problems)


def test_a_wrong_option_in_the_guide_would_fail_naming_the_option():
    assert "--areaz" in _parse(["run", "--areaz", "kalk"])
    assert "'verifiziere'" in _parse(["verifiziere", "x.zip"])


def test_every_make_target_of_the_guide_is_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.M))
    missing = [f"{c.where}: {c.text}" for c in COMMANDS if c.program == "make" and c.words[1] not in targets]
    assert missing == [], "\n".join(missing)


def test_papermill_jupyter_dask_and_sudo_commands_of_the_guide_use_what_the_tools_know():
    from distributed.cli.dask_scheduler import main as dask_scheduler
    from distributed.cli.dask_worker import main as dask_worker
    from nbconvert.exporters import get_export_names
    from nbconvert.nbconvertapp import NbConvertApp
    from papermill.cli import papermill

    problems = []
    for command in (c for c in COMMANDS if c.program in ("papermill", "dask", "jupyter", "sudo")):
        try:
            words = concrete(command, VALUES)
            if command.program == "papermill":
                papermill.make_context("papermill", words[1:])
            elif words[:2] == ["dask", "worker"] and len(words) > 2:
                dask_worker.make_context("dask worker", words[2:])
            elif words[:2] == ["dask", "scheduler"]:
                dask_scheduler.make_context("dask scheduler", words[2:])
            elif words[:2] == ["jupyter", "nbconvert"]:
                options = [w.lstrip("-") for w in words[2:] if w.startswith("--")]
                unknown = [o for o in options if o not in NbConvertApp.flags and o not in NbConvertApp.aliases]
                formats = [words[i + 1] for i, w in enumerate(words) if w == "--to"]
                if unknown or any(f not in get_export_names() for f in formats):
                    problems.append(f"{command.where}: {command.text}: unbekannt {unknown + formats}")
            elif command.program == "sudo":
                script = (ROOT / "scripts" / "install-system-deps.sh").read_text(encoding="utf-8")
                if f"need+=({words[-1]})" not in script:
                    problems.append(f"{command.where}: {command.text}: {words[-1]} installiert das Skript nicht")
        except Exception as error:  # click's UsageError and the like: the tool would refuse the command
            problems.append(f"{command.where}: {command.text}: {error}")
    assert problems == [], "\n".join(problems)


def _path_words(command: Command) -> list[str]:
    """The words of ``command`` that name an existing input path (not an option, a value, an output or a URL)."""
    words, found = command.words, []
    positions = {i + n for i, w in enumerate(words) for key, n in WRITTEN_BY_POSITION.items()
                 if w == key or w.endswith("/" + key)}
    for i, word in enumerate(words[1:], start=1):
        if word.startswith(("-", "~", "<", "tcp:", "/pfad/", "/tmp/")) or "<" in word or "…" in word:
            continue
        if words[i - 1] in OUTPUT_OPTIONS or i in positions or not re.search(r"/|\.\w+$", word):
            continue
        found.append(word)
    return found


def test_every_path_a_command_of_the_guide_reads_exists_or_an_earlier_command_writes_it():
    written: set[str] = set()
    missing = []
    for command in COMMANDS:
        words = command.words
        for word in _path_words(command):
            presumed = word in INPUTS or word == ".venv/bin/activate"  # made by the reader, by make
            if not (ROOT / word).exists() and word.rstrip("/") not in written and not presumed:
                missing.append(f"{command.where}: {command.text}: {word}")
        written |= {w.rstrip("/") for i, w in enumerate(words[1:], start=1) if words[i - 1] in OUTPUT_OPTIONS}
        written |= {words[i + n].rstrip("/") for i, w in enumerate(words) for key, n in WRITTEN_BY_POSITION.items()
                    if (w == key or w.endswith("/" + key)) and i + n < len(words)}
    assert missing == [], "\n".join(missing)
    assert (Path(sys.prefix) / "bin" / "activate").is_file()  # what `source .venv/bin/activate` reads
    for text in CHECKED[SCRIPT]:
        script, option = Path(text.split()[1]), next((w for w in text.split() if w.startswith("--")), None)
        assert (ROOT / script).is_file()
        assert option is None or f'"{option}"' in (ROOT / script).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- running the cheap ones

def _tiny_run(outputs: Path) -> Path:
    """A run folder as ``veedel run`` leaves it, with a table, the portal and its manifest (no notebook runs)."""
    from veedel_lib.run.manifest import file_hashes, library_hash

    run_dir = outputs / RUN_ID
    for name, data in {"inputs/parameters/run.yml": "data_dir: demo\n", "index.html": "<html></html>",
                       "reports/kalk/tables/sozialraumgebietsanalyse/soziale_lage.csv": "a,b\n1,2\n"}.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_text(data, encoding="utf-8")
    hashes = file_hashes(run_dir)
    manifest = {"run_id": RUN_ID, "parameters": {"year": 2024, "areas": ["kalk"], "reports": [], "formats": []},
                "inputs": {n: h for n, h in hashes.items() if n.startswith("inputs/")}, "reports": [],
                "files": hashes, "environment": {"veedel_code": library_hash()}}
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run_dir


@pytest.fixture
def project(tmp_path, monkeypatch, demo):
    """A temporary project as a newcomer has it: the parameters and notebooks, the inputs the guide presumes (the
    wide table and its mapping for ``veedel import``, a copy of the parameters), a tiny run standing in for
    ``veedel run``; HOME in the temporary folder (keys), VEEDEL_HOME on the project. ``demo`` fills the session's
    cache with the demo data set, as any earlier run would."""
    folder = tmp_path / "projekt"
    folder.mkdir()
    for name in ("parameters", "notebooks"):
        shutil.copytree(ROOT / name, folder / name)
    prepare_inputs(folder)
    _tiny_run(folder / "outputs")
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VEEDEL_HOME", str(folder))
    monkeypatch.delenv("VEEDEL_SCHLUESSEL", raising=False)
    monkeypatch.chdir(folder)
    return folder


def _veedel(argv: list[str], capsys) -> tuple[int, str]:
    """Run ``veedel argv`` in this process: (exit code, everything it printed)."""
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # --help and argparse's refusals
        code = stop.code or 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return next((line for line in lines if re.search(r"Fehler|Ungültig|Nicht echt|Traceback", line)),
                lines[-1] if lines else "")


def _not_ignored_by_git(names: list[str]) -> list[str]:
    """Those of the top-level ``names`` of a project that git would show as untracked in the checkout (skips the
    test outside a git checkout: there is no .gitignore to ask)."""
    codes = {name: subprocess.run(["git", "check-ignore", "-q", "--no-index", f"{name}/"], cwd=ROOT,
                                  capture_output=True).returncode for name in names}
    if any(code not in (0, 1) for code in codes.values()):
        pytest.skip(f"{ROOT} ist kein git-Checkout")
    return [name for name, code in codes.items() if code == 1]


def test_the_cheap_commands_of_the_guide_run_as_written_in_its_order_leaving_nothing_for_git(project, capsys):
    before = {p.name for p in project.iterdir()}
    failed, ran = [], []
    for text, places in _distinct(COMMANDS).items():
        if text not in RUN:
            continue
        for argv in _veedel_arguments(places[0]):
            if argv in ran:  # the same command again (<ordner> and <datenordner> are one folder)
                continue
            ran.append(argv)
            code, output = _veedel(argv, capsys)
            if code != 0:
                failed.append(f"{places[0].where}: {text} → Exit {code}: {_first_error(output)}")
    assert failed == [], "\n".join(failed)
    assert (project / "plaene" / "kalk.xlsx").is_file() and (project / "meine_daten" / "units.csv").is_file()
    written = sorted({p.name for p in project.iterdir()} - before)
    assert _not_ignored_by_git(written) == [], "bleibt nach den Befehlen des Handbuchs ungeschützt im Projektordner"



def test_the_report_runs_of_the_guide_pass_every_check_veedel_makes_before_a_run(project, capsys, monkeypatch):
    """The checked ``veedel run``/``analyse`` examples up to the point where reports would start: options, data
    source, notebooks, areas, the previous year's archive (made here from the tiny run), the Dask address."""
    started = []
    monkeypatch.setattr(cli, "_run", lambda args, config, config_file, areas: started.append(areas) or 0)
    assert _veedel(["archive", f"outputs/{RUN_ID}"], capsys)[0] == 0
    failed = []
    runs = [c for c in COMMANDS if c.program == "veedel" and ("run" in c.words or "analyse" in c.words)
            and c.text in CHECKED[REPORTS] + CHECKED[CLUSTER] and not c.is_template]
    for command in runs:
        code, output = _veedel(concrete(command, VALUES)[1:], capsys)
        if code != 0:
            failed.append(f"{command.where}: {command.text} → Exit {code}: {_first_error(output)}")
    assert failed == [], "\n".join(failed)
    assert len(started) == len(runs)
