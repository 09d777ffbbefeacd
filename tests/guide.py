"""The shell commands of the user guide (README.md and docs/*.md), read from the Markdown as written.

Shared by ``tests/test_guide_commands.py`` (parses every command, runs the cheap ones) and
``scripts/check_guide.py`` (runs all of them in a temporary copy of the project).

What counts as a command:

- every line of a fenced code block marked ``sh`` (a ``#`` comment after the command is dropped, a line ending in
  ``\\`` continues on the next). Every other fenced block says what it holds instead: ``text`` for output, file
  contents and diagrams, ``yaml``/``python`` for files and code. A block without a language is a problem
  (:func:`unmarked_blocks`): nobody can tell whether it is run or read;
- every inline code span whose first word is one of :data:`PROGRAMS` and that has at least one more word
  (`veedel run --areas kalk`; a lone `veedel` or `make` names the program, it is no command).

Placeholders: ``<name>`` anywhere in a word (``outputs/<lauf>.zip``), a word in capitals as in ``veedel --help``
(``ORDNER``, ``ARCHIV``, ``DATEI``), a path under ``/pfad/`` and ``…`` (a template, e.g. an address a message
names). :func:`concrete` fills them in from a table of values.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_PAGES = ("README.md", "docs/benutzerhandbuch.md", "docs/daten_koeln.md", "docs/architektur.md",
               "docs/glossar.md", "docs/README.md")
"""The pages in the order a newcomer reads them (README, then the user guide, then the pages it links to); any
other ``docs/*.md`` follows in name order, so a new page is read too."""

PROGRAMS = ("veedel", ".venv/bin/veedel", ".venv/bin/python", "make", "papermill", "jupyter", "dask", "sudo",
            "source")
"""The first words that make an inline code span a command."""

COMMAND_LANGUAGES = ("sh",)
"""Fenced blocks of commands; every line in them is one."""

READ_LANGUAGES = ("text", "yaml", "python")
"""Fenced blocks that are read, not run: output, file contents, diagrams, Python code."""

_FENCE = re.compile(r"^```(\S*)\s*$")
_SPAN = re.compile(r"(?<!`)`([^`\n]+(?:\n[^`\n]+)?)`(?!`)")
_PLACEHOLDER = re.compile(r"<([^<>\s]+)>")
_METAVAR = re.compile(r"^[A-ZÄÖÜ]{3,}$")


@dataclass(frozen=True)
class Command:
    """One command as the guide writes it, with where it stands (``file`` relative to the project, 1-based ``line``)."""

    text: str
    file: str
    line: int
    inline: bool

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def words(self) -> list[str]:
        """The command split like a POSIX shell splits it (quotes removed, ``~`` not yet expanded)."""
        return shlex.split(self.text, comments=not self.inline)

    @property
    def program(self) -> str:
        return self.words[0]

    @property
    def is_template(self) -> bool:
        """True for a command with ``…`` in it: a pattern for the reader to complete, not runnable as it stands."""
        return "…" in self.text


def pages(root: Path = ROOT) -> list[Path]:
    """The Markdown pages of the guide, in reading order (:data:`FIRST_PAGES`, then the rest of ``docs/``)."""
    first = [root / name for name in FIRST_PAGES if (root / name).is_file()]
    rest = sorted(p for p in (root / "docs").glob("*.md") if p not in first)
    return first + rest


def _blocks(text: str) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """The fenced code blocks of a page: (language, line of the opening fence, [(line, text), ...])."""
    blocks, current = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if current is None and fence:
            current = (fence.group(1), number, [])
        elif current is not None and line.startswith("```"):
            blocks.append(current)
            current = None
        elif current is not None:
            current[2].append((number, line))
    return blocks


def unmarked_blocks(root: Path = ROOT) -> list[str]:
    """Every fenced block whose language says neither command nor text (``file:line: ...``)."""
    known = COMMAND_LANGUAGES + READ_LANGUAGES
    return [f"{page.relative_to(root)}:{start}: Codeblock ohne bekannte Sprache ({language or 'keine'}); "
            f"Befehle als ```sh, Ausgaben und Dateien als ```text/```yaml"
            for page in pages(root) for language, start, _ in _blocks(page.read_text(encoding="utf-8"))
            if language not in known]


def _block_commands(page: str, lines: list[tuple[int, str]]) -> list[Command]:
    """The commands of one ``sh`` block: one a line, ``\\`` continuing a line, a trailing ``# …`` dropped."""
    commands, pending, start = [], "", 0
    for number, line in lines:
        if not pending:
            start = number
        part = line.strip() if pending else line
        if part.rstrip().endswith("\\"):
            pending += part.rstrip()[:-1].rstrip() + " "
            continue
        text = _drop_comment(pending + part)
        pending = ""
        if text:
            commands.append(Command(text, page, start, inline=False))
    return commands


def _drop_comment(line: str) -> str:
    """The command of a line as the author spelt it, without its trailing comment (a ``#`` that starts a word)."""
    cut = re.search(r"(^|\s)#", line)
    return (line[:cut.start()] if cut else line).strip()


def _inline_commands(page: str, text: str) -> list[Command]:
    """The inline code spans of a page (outside fenced blocks) that are commands."""
    outside = []
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            outside.append("")
        else:
            outside.append("" if in_block else line)
    prose = "\n".join(outside)
    commands = []
    for span in _SPAN.finditer(prose):
        words = span.group(1).split()
        if len(words) >= 2 and words[0] in PROGRAMS:
            line = prose.count("\n", 0, span.start()) + 1
            commands.append(Command(" ".join(words), page, line, inline=True))
    return commands


def guide_commands(root: Path = ROOT) -> list[Command]:
    """Every command of the guide, page by page in reading order, each page from top to bottom."""
    commands = []
    for path in pages(root):
        page, text = str(path.relative_to(root)), path.read_text(encoding="utf-8")
        found = _inline_commands(page, text)
        for language, _, lines in _blocks(text):
            if language in COMMAND_LANGUAGES:
                found += _block_commands(page, lines)
        commands += sorted(found, key=lambda command: command.line)
    return commands


def placeholders(command: Command) -> list[str]:
    """The placeholders of a command: ``<name>``, capitals such as ``ORDNER`` and paths under ``/pfad/``."""
    found = []
    for word in command.words:
        found += [f"<{name}>" for name in _PLACEHOLDER.findall(word)]
        if _METAVAR.match(word) or word.startswith("/pfad/"):
            found.append(word)
    return found


def concrete(command: Command, values: dict[str, str]) -> list[str]:
    """The command's words with each placeholder replaced from ``values`` and ``~`` expanded as a shell does.

    Raises KeyError naming a placeholder ``values`` has no value for.
    """
    words = []
    for word in command.words:
        if _METAVAR.match(word) or word.startswith("/pfad/"):
            word = values[word]
        word = _PLACEHOLDER.sub(lambda match: values[match.group(0)], word)
        if word.startswith("~"):
            word = os.path.expanduser(word)
        words.append(word)
    return words


# ----------------------------------------------------------------------------- what the guide presumes

FOLDERS = {"<datenordner>": "meine-daten", "<Datenordner>": "meine-daten", "<ordner>": "meine-daten",
           "/pfad/zum/datenordner": "meine-daten", "/pfad/zu/koeln": "koeln-daten/", "/pfad/zur/kopie": "parameter-kopie",
           "<parameterordner>": "parameter-kopie", "NAME": "evaluation", "ORDNER": "~/schluessel-zwei",
           "DATEI": "~/.config/veedel/veedel-signatur.pub"}
"""What the placeholders for folders, files and names stand for: the practice folder ``veedel demo-data meine-daten``
writes, the city's folder ``veedel fetch-open-data koeln-daten/`` writes, a copy of the parameters, a second key
folder (``veedel schluessel`` never overwrites a key), the public key ``veedel schluessel ~/.config/veedel`` wrote."""


def run_values(newest: str, older: str, last_year: str) -> dict[str, str]:
    """What the placeholders for runs stand for: the newest run (``<lauf>``, also the archive ``ARCHIV``), an older
    one to compare with, last year's archived run."""
    return {"<lauf>": newest, "<neuer-lauf>": newest, "<alter-lauf>": older, "<lauf-des-vorjahres>": last_year,
            "ARCHIV": f"outputs/{newest}.zip"}


INPUTS = ("zuordnung.yml", "bevoelkerung_2024.csv", "parameter-kopie")
"""Files the guide presumes the reader has made before a command (``veedel import``'s table and its mapping, a copy
of the parameters): :func:`prepare_inputs` writes them into a project."""


def mapping_example(root: Path = ROOT) -> str:
    """The user guide's example ``zuordnung.yml`` (its ``yaml`` block beginning with ``key:``), as printed."""
    text = (root / "docs" / "benutzerhandbuch.md").read_text(encoding="utf-8")
    for language, _, lines in _blocks(text):
        if language == "yaml" and lines and lines[0][1].startswith("key:"):
            return "\n".join(line for _, line in lines) + "\n"
    raise LookupError("docs/benutzerhandbuch.md: kein yaml-Block mit 'key:' (Zuordnungsdatei von veedel import)")


def _stadtteile(parameters: Path) -> list[tuple[object, str]]:
    """(key, name) of every Stadtteil in ``raumbezug.yml`` of ``parameters``."""
    import yaml

    spatial = yaml.safe_load((parameters / "raumbezug.yml").read_text(encoding="utf-8"))
    return [(unit["key"], unit["name"]) for unit in spatial["units"]["stadtteil"] if not unit.get("valid_to")]


def prepare_inputs(project: Path, root: Path = ROOT) -> None:
    """Write :data:`INPUTS` into ``project``: the guide's mapping, a wide table of the Stadtteile that fits it (one
    row each, with the columns the mapping names) and a copy of the project's parameters."""
    import shutil

    (project / "zuordnung.yml").write_text(mapping_example(root), encoding="utf-8")
    rows = ["Stadtteil;Einwohner 2024;SGB II 2024;unter 6 J. 2024;Bemerkung"]
    rows += [f"{key} / {name};{10000 + i * 37};{900 + i * 7};{600 + i * 3};" for i, (key, name)
             in enumerate(_stadtteile(root / "parameters"))]
    (project / "bevoelkerung_2024.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copytree(root / "parameters", project / "parameter-kopie", dirs_exist_ok=True)
