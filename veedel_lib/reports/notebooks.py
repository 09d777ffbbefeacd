"""The rules every committed report notebook follows, checked in one place.

Planners edit the notebooks in JupyterLab; reviewers read their diffs. A notebook is committed
without outputs (so a diff shows only changed text and code, never stale numbers or personal data
from an earlier run), with exactly one ``parameters`` cell (so papermill can set area and year),
whose assignments are plain literals, and with the project's kernel (so papermill needs no ``-k``).
The test suite applies :func:`notebook_problems` to every notebook in ``notebooks/``; ``make lab``
installs nbstripout so outputs are stripped on commit in the first place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

KERNEL_NAME = "veedel"
"""The kernelspec name the set-up installs and every notebook carries."""


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
    parameter_cells = [(i, c) for i, c in code_cells if "parameters" in c.metadata.get("tags", [])]
    if not parameter_cells:
        problems.append(f"{path.name}: keine Zelle mit dem Tag 'parameters'")
    elif len(parameter_cells) > 1:
        numbers = ", ".join(str(i) for i, _ in parameter_cells)
        problems.append(f"{path.name}: mehrere Zellen mit dem Tag 'parameters' (Zellen {numbers})")
    else:
        number, cell = parameter_cells[0]
        if code_cells[0][0] != number:
            problems.append(f"{path.name}: die Parameterzelle muss die erste Code-Zelle sein")
        problems += [f"{path.name}: {p}" for p in _parameter_problems(cell.source)]
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        problems.append(f"{path.name}: Kernel '{kernel}' statt '{KERNEL_NAME}' in den Metadaten")
    return problems
