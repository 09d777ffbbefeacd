"""Run every command of the user guide as written, in a temporary copy of the project, in the guide's order.

    nice -n 10 .venv/bin/python scripts/check_guide.py [--nur TEXT] [--ordner ORDNER] [--zeitlimit SEKUNDEN]

The commands are those ``tests/guide.py`` reads from README.md and docs/*.md (``sh`` blocks and inline code spans
that begin with a program); the cheap ones also run in ``tests/test_guide_commands.py``, this script runs the
expensive ones too (``make run``, every ``veedel run``, ``veedel reproduce``, ``papermill``, ``veedel publish``...).
Each distinct command runs once, in a copy of the project's tracked files with the shared ``.venv`` (linked, never
installed into), ``VEEDEL_HOME`` on the copy and ``HOME`` in the temporary folder (keys, cache), as if the reader
had typed ``source .venv/bin/activate`` first. Placeholders (``<lauf>``, ``<datenordner>``, ``ORDNER`` ...) are
filled in with what the earlier commands made (the newest run, the practice data folder ...).

Not run, with the reason printed: the names of a sub-command in a sentence, templates with ``…``, servers and
interactive programs (``make lab``, ``dask scheduler``), ``sudo``, and ``make test`` (the whole test suite; with
``--mit-make-test`` it runs too). Prints one line per command (ok / FEHLER / nicht ausgeführt, exit code, seconds,
the first error line) and a summary; exit code 1 if a command failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from guide import FOLDERS, INPUTS, Command, concrete, guide_commands, prepare_inputs, run_values  # noqa: E402

SUBCOMMANDS_NEEDING_ARGUMENTS = ("archive", "verify", "reproduce", "schluessel", "import", "validate", "template",
                                 "publish", "analyse", "demo-data", "plan-vorlage", "fetch-open-data", "clean")
"""``veedel <name>`` alone in a sentence names the sub-command: these cannot run without their arguments."""

NOT_RUN = {
    "veedel run --executor dask": "braucht einen Dask-Cluster auf dem Rechner 'rechner' (ohne ihn endet der Befehl wie "
                                  "beschrieben mit Fehlercode 2)",
    "make test": "die ganze Testsuite (mehr als 10 Minuten auf 2 Kernen); läuft in CI (--mit-make-test führt sie aus)",
    "make lab": "startet JupyterLab, einen Server, der bis Strg+C läuft",
    "make bench": "Messlauf (viele Minuten) und installiert das Extra 'bench' in die gemeinsame .venv",
    "sudo": "braucht Root-Rechte und installiert Systempakete",
    "dask": "startet einen Dask-Server, der bis Strg+C läuft",
    "--scheduler tcp://rechner:8786": "braucht einen Dask-Cluster auf dem Rechner 'rechner' (ohne ihn endet der Befehl "
                                      "wie beschrieben mit Fehlercode 2)",
    "jupyter nbconvert": "Bruchstück im Text (nennt Optionen, kein Notebook); --to webpdf scheitert wie beschrieben",
}
"""Commands this script does not run: a part of the command text and the reason."""

EXIT_CODES = {"veedel verify": (0, 3)}
"""Exit codes that mean success besides 0: ``veedel verify`` without a public key says "Unverändert, Herkunft nicht
geprüft" with 3."""

KOELN_SHARED = Path(os.environ.get("VEEDEL_KOELN_DATA", ROOT.parent / "shared" / "data" / "koeln"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from veedel_lib.cli import GermanArgumentParser  # German help and messages, as veedel's own

    parser = GermanArgumentParser(prog="check_guide.py", description="Führt jeden Befehl des Benutzerhandbuchs (README.md, docs/*.md) so "
                                                 "aus, wie er dort steht, in einer temporären Kopie des Projekts.")
    parser.add_argument("--ordner", metavar="ORDNER",
                        help="hier die Kopie anlegen und danach behalten (Standard: temporär, danach gelöscht)")
    parser.add_argument("--nur", metavar="TEXT", help="nur die Befehle, die TEXT enthalten (die Befehle davor laufen "
                                                      "nicht: mit --ordner eine Kopie nehmen, in der sie schon liefen)")
    parser.add_argument("--zeitlimit", type=float, default=3600, metavar="SEKUNDEN",
                        help="höchstens so lange je Befehl (Standard: 3600)")
    parser.add_argument("--mit-make-test", action="store_true", help="auch 'make test' ausführen (die ganze Testsuite)")
    return parser.parse_args(argv)


def copy_project(target: Path) -> Path:
    """The project's tracked files copied to ``target/veedel`` (an earlier copy there is taken as it is), with a ``.venv`` of links to the shared environment's
    parts and its own stamps: make finds it installed (as after a first ``make run``) and never installs into the
    shared environment (:func:`installs`)."""
    project = target / "veedel"
    if project.is_dir():
        print(f"Nehme die vorhandene Kopie {project}", flush=True)
        return project
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    venv = project / ".venv"
    venv.mkdir()
    for part in (ROOT / ".venv").iterdir():
        if not part.name.startswith("."):
            (venv / part.name).symlink_to(part)
    for stamp in (".installed", ".jupyter-installed"):
        (venv / stamp).touch()
    return project


def installs(words: list[str], project: Path, env: dict[str, str]) -> bool:
    """True if ``make`` would install packages (``pip install``) for this command: never into the shared .venv."""
    if words[0] != "make":
        return False
    dry = subprocess.run(["make", "-n", *words[1:]], cwd=project, env=env, capture_output=True, text=True)
    return "pip install" in dry.stdout or "-m venv" in dry.stdout


def environment(project: Path, home: Path) -> dict[str, str]:
    """The environment of a reader who typed ``source .venv/bin/activate`` in the copy."""
    env = dict(os.environ)
    env.update(HOME=str(home), VEEDEL_HOME=str(project), VIRTUAL_ENV=str(project / ".venv"),
               PATH=f"{project / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    env.pop("VEEDEL_CACHE", None)
    env.pop("VEEDEL_SCHLUESSEL", None)
    return env


def runs(project: Path) -> list[Path]:
    """The run folders in the copy's ``outputs/``, oldest first (their names begin with date and time)."""
    folder = project / "outputs"
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "manifest.json").is_file()) if folder.is_dir() \
        else []


def values(project: Path) -> dict[str, str]:
    """The placeholders' values now: the newest complete run (every report, all areas: the one a reader archives and
    compares) and the complete one before it, the oldest archived run as last year's, the folders of :data:`FOLDERS`."""
    from veedel_lib.run.compare import complete_runs

    made = [p.name for p in complete_runs(project / "outputs")] or [p.name for p in runs(project)] or ["KEIN-LAUF"]
    archived = [p.name for p in runs(project) if p.with_suffix(".zip").is_file()]
    older = made[-2] if len(made) > 1 else made[-1]
    return {**FOLDERS, **run_values(made[-1], older, archived[0] if archived else older)}


def why_not(command: Command, run_make_test: bool) -> str | None:
    """The reason this script does not run ``command``, or None."""
    words = command.words
    if command.is_template:
        return "Vorlage mit „…“ (die Meldung nennt die Angabe)"
    if words[0] == "veedel" and len(words) == 2 and words[1] in SUBCOMMANDS_NEEDING_ARGUMENTS:
        return "nennt den Befehl im Satz; seine Angaben stehen in den Beispielen"
    if command.text == "make test" and run_make_test:
        return None
    return next((reason for part, reason in NOT_RUN.items()
                 if command.text.startswith(part) or (part.startswith("-") and part in command.text)), None)


def first_error(output: str) -> str:
    """The line of ``output`` that says what went wrong (the first with "Fehler", "Error", "Ungültig" or "Nicht
    echt", with the next line where it ends in a colon; a traceback's last line), else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return lines[-1][:200]
    for number, line in enumerate(lines):
        if re.search(r"Fehler|Error|Ungültig|Nicht echt", line):
            following = lines[number + 1] if line.endswith(":") and number + 1 < len(lines) else ""
            return f"{line} {following}".strip()[:200]
    return lines[-1][:200] if lines else ""


def expansions(command: Command, project: Path, home: Path) -> list[list[str]]:
    """The concrete argument lists of ``command``: ``<befehl>`` stands for every sub-command of ``veedel``."""
    table = values(project)
    if "<befehl>" in command.text:
        from veedel_lib.cli import build_parser

        return [concrete(command, {**table, "<befehl>": name}) for name in build_parser().commands]
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # ~ expands to the temporary home, as in the commands' shell
    try:
        return [concrete(command, table)]
    finally:
        os.environ["HOME"] = old_home or ""


def run_one(words: list[str], project: Path, env: dict[str, str], limit: float) -> tuple[int, float, str]:
    """Run one command in the copy: (exit code, seconds, output)."""
    start = time.monotonic()
    if words[0] == "source":
        words = ["bash", "-c", " ".join(["source", *words[1:]])]
    try:
        done = subprocess.run(words, cwd=project, env=env, capture_output=True, text=True, timeout=limit)
        return done.returncode, time.monotonic() - start, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        return -1, time.monotonic() - start, f"Fehler: Zeitlimit {limit:.0f} s überschritten {expired.stdout or ''}"
    except FileNotFoundError as missing:
        return 127, time.monotonic() - start, f"Fehler: Programm nicht gefunden: {missing.filename}"


def koeln_data(project: Path, env: dict[str, str]) -> None:
    """``koeln-daten/`` is what ``veedel fetch-open-data koeln-daten/`` wrote; without network, a copy of the shared
    files stands in (said in the output)."""
    folder = project / "koeln-daten"
    if not any(folder.glob("koeln_*")) and KOELN_SHARED.is_dir():
        shutil.copytree(KOELN_SHARED, folder, dirs_exist_ok=True)
        print(f"  Hinweis: koeln-daten/ mit den Dateien aus {KOELN_SHARED} ergänzt (Portal nicht erreichbar)",
              flush=True)


def untracked(project: Path) -> list[str]:
    """The top-level files and folders the commands left in the copy that git would show as untracked in a checkout
    (neither tracked nor ignored by the project's .gitignore; the inputs the reader made left out)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    top = {name.split("/")[0] for name in tracked} | set(INPUTS) | {".venv"}
    return sorted(p.name for p in project.iterdir() if p.name not in top and subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", p.name + ("/" if p.is_dir() else "")], cwd=ROOT).returncode == 1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    commands = guide_commands()
    distinct: dict[str, list[Command]] = {}
    for command in commands:
        distinct.setdefault(command.text, []).append(command)
    print(f"{len(commands)} Befehle im Handbuch, {len(distinct)} verschiedene", flush=True)
    with tempfile.TemporaryDirectory(prefix="veedel-handbuch-") as scratch:
        base = Path(args.ordner).resolve() if args.ordner else Path(scratch)
        base.mkdir(parents=True, exist_ok=True)
        home = base / "home"
        home.mkdir(exist_ok=True)
        project = copy_project(base)
        prepare_inputs(project)
        env = environment(project, home)
        counts = {"ok": 0, "FEHLER": 0, "nicht ausgeführt": 0}
        for text, where in distinct.items():
            command = where[0]
            places = ", ".join(c.where for c in where)
            if args.nur and args.nur not in text:
                continue
            reason = why_not(command, args.mit_make_test)
            if reason:
                counts["nicht ausgeführt"] += 1
                print(f"– nicht ausgeführt  {text}  [{places}]: {reason}", flush=True)
                continue
            if "koeln-daten" in text or "/pfad/zu/koeln" in text:
                if not text.startswith("veedel fetch-open-data"):
                    koeln_data(project, env)
            for words in expansions(command, project, home):
                feindlich = Path("/tmp/feindlich")
                if "craft_hostile_archives" in text and feindlich.exists():
                    print(f"– nicht ausgeführt  {text}: {feindlich} gibt es schon (nicht überschrieben)", flush=True)
                    counts["nicht ausgeführt"] += 1
                    continue
                if installs(words, project, env):
                    print(f"– nicht ausgeführt  {text}: make würde Pakete in die gemeinsame .venv installieren",
                          flush=True)
                    counts["nicht ausgeführt"] += 1
                    continue
                code, seconds, output = run_one(words, project, env, args.zeitlimit)
                if "craft_hostile_archives" in text:
                    shutil.rmtree(feindlich, ignore_errors=True)
                good = code in EXIT_CODES.get(" ".join(words[:2]), (0,))
                counts["ok" if good else "FEHLER"] += 1
                shown = " ".join(words) if words != command.words else text
                detail = "" if good else f": {first_error(output)}"
                print(f"{'✓ ok' if good else '✗ FEHLER'}  {shown}  (Exit {code}, {seconds:.0f} s) [{places}]{detail}",
                      flush=True)
        loose = untracked(project)
        print(f"\nIm Projektordner ungeschützt (weder in git noch in .gitignore): {', '.join(loose) or 'nichts'}",
              flush=True)
        print(f"Zusammenfassung: {counts['ok']} ok, {counts['FEHLER']} fehlgeschlagen, "
              f"{counts['nicht ausgeführt']} nicht ausgeführt (Grund jeweils oben)", flush=True)
    return 1 if counts["FEHLER"] else 0


if __name__ == "__main__":
    sys.exit(main())
