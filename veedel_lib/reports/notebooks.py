"""The rules every committed report notebook follows, checked in one place.

Planners edit the notebooks in JupyterLab; reviewers read their diffs. A notebook is committed
without outputs (so a diff shows only changed text and code, never stale numbers or personal data
from an earlier run), with exactly one ``parameters`` cell (so papermill can set area and year),
whose assignments are plain literals, and with the project's kernel (so papermill needs no ``-k``).

Editing notes ("Hinweis für die Bearbeitung") are for planners in JupyterLab and never for a report. Each is
a code cell tagged ``remove_cell`` that holds only comments, so it can reach no output however the notebook
is converted: veedel's own export and every ``jupyter nbconvert`` of the project's environment drop cells
tagged ``remove_cell`` (an nbconvert configuration that ``make install`` puts into the environment), and
where that configuration is not loaded, ``--no-input`` hides the cell's input while a comment has no output.
A note in a Markdown cell would be printed by ``jupyter nbconvert --no-input`` at the top of the report.

The test suite applies :func:`notebook_problems` to every notebook in ``notebooks/``; ``make lab``
installs nbstripout so outputs are stripped on commit in the first place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

KERNEL_NAME = "veedel"
"""The kernelspec name the set-up installs and every notebook carries."""

NOTE_TAG = "remove_cell"
"""The tag of editing notes: cells that no report and no conversion of the notebook may show."""

NOTE_MARKER = "Hinweis für die Bearbeitung"
"""The words an editing note starts with; a cell that contains them must be tagged :data:`NOTE_TAG`."""


def is_editing_note(cell: nbformat.NotebookNode) -> bool:
    """True for a cell tagged :data:`NOTE_TAG` (an editing note, whatever its form)."""
    return NOTE_TAG in cell.get("metadata", {}).get("tags", [])


def _comment_only(source: str) -> bool:
    """True if every non-blank line of a code cell is a comment (it can produce no output)."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith("#") for line in lines)


def _note_problems(name: str, cells: list[nbformat.NotebookNode]) -> list[str]:
    """Editing notes that could reach an output: not a comment-only code cell, or not tagged."""
    problems = []
    for number, cell in enumerate(cells, start=1):
        where = f"{name}, Zelle {number}"
        if not is_editing_note(cell):
            if NOTE_MARKER in cell.source:
                problems.append(f"{where}: enthält „{NOTE_MARKER}“, hat aber nicht den Tag '{NOTE_TAG}' "
                                "(der Hinweis erschiene im Bericht)")
        elif cell.cell_type != "code":
            problems.append(f"{where}: Hinweis für die Bearbeitung in einer {cell.cell_type.capitalize()}-Zelle; "
                            "er muss eine Code-Zelle nur aus Kommentarzeilen (#) sein, sonst erscheint er bei "
                            "jupyter nbconvert --no-input im Ergebnis")
        elif not _comment_only(cell.source):
            problems.append(f"{where}: Zelle mit Tag '{NOTE_TAG}' enthält Code; erlaubt sind nur Kommentarzeilen (#)")
    return problems


def _parameter_problems(source: str) -> list[str]:
    """Problems of a parameters cell: anything that is not ``name = <literal>``."""
    try:
        body = ast.parse(source).body
    except SyntaxError as exc:
        return [f"Parameterzelle ist kein gültiges Python (Zeile {exc.lineno})"]
    problems = []
    for node in body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            problems.append(f"Parameterzelle, Zeile {node.lineno}: nur Zuweisungen erlaubt")
            continue
        try:
            ast.literal_eval(node.value)
        except (ValueError, TypeError):
            problems.append(f"Parameterzelle, Zeile {node.lineno}: Wert ist keine einfache Konstante")
    if not body:
        problems.append("Parameterzelle ist leer")
    return problems


def notebook_problems(path: str | Path) -> list[str]:
    """Every way a notebook breaks the rules above, in German; an empty list means it is fine."""
    path = Path(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # unreadable JSON or an unknown notebook format
        return [f"{path.name}: kein lesbares Notebook ({exc})"]
    problems = []
    code_cells = [(i, c) for i, c in enumerate(nb.cells, start=1) if c.cell_type == "code"]
    for number, cell in code_cells:
        if cell.get("outputs"):
            problems.append(f"{path.name}, Zelle {number}: enthält Ausgaben (vor dem Einchecken entfernen)")
        if cell.get("execution_count") is not None:
            problems.append(f"{path.name}, Zelle {number}: enthält eine Ausführungsnummer")
    problems += _note_problems(path.name, nb.cells)
    parameter_cells = [(i, c) for i, c in code_cells if "parameters" in c.metadata.get("tags", [])]
    if not parameter_cells:
        problems.append(f"{path.name}: keine Zelle mit dem Tag 'parameters'")
    elif len(parameter_cells) > 1:
        numbers = ", ".join(str(i) for i, _ in parameter_cells)
        problems.append(f"{path.name}: mehrere Zellen mit dem Tag 'parameters' (Zellen {numbers})")
    else:
        number, cell = parameter_cells[0]
        first = next(i for i, c in code_cells if not is_editing_note(c))
        if first != number:
            problems.append(f"{path.name}: die Parameterzelle muss die erste Code-Zelle sein "
                            "(nach Hinweisen für die Bearbeitung)")
        problems += [f"{path.name}: {p}" for p in _parameter_problems(cell.source)]
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"{path.name}: Kernel '{kernel}' statt '{KERNEL_NAME}' in den Metadaten")
    return problems
