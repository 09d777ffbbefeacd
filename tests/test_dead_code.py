"""No dead code in the library: every module-level function, class and variable of ``veedel_lib`` is used somewhere.

Used means named anywhere in the project's code: the library itself, the notebooks' code cells, the scripts, the
benchmarks, the tests, or an entry point in ``pyproject.toml`` (a kernel provisioner, a papermill engine, the
console script). The names come from vulture (a well-kept dead-code finder); only module-level definitions count,
since methods and attributes are reached by frameworks (pydantic validators, openpyxl properties) that a
name search cannot see.
"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

vulture = pytest.importorskip("vulture", reason="vulture fehlt (pip install -e '.[test]')")


def _notebook_code(folder: Path) -> list[Path]:
    """The code cells of every notebook as one Python file each (IPython magics left out)."""
    files = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
        target = folder / f"{notebook.stem}.py"
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(target)
    return files


def _entry_points(folder: Path) -> Path:
    """The objects ``pyproject.toml`` names as entry points, as a file that uses them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    targets = list(project.get("scripts", {}).values())
    for group in project.get("entry-points", {}).values():
        targets += list(group.values())
    target = folder / "entry_points.py"
    target.write_text("".join(f"{value.split(':')[1]}\n" for value in targets), encoding="utf-8")
    return target


def _module_level_lines(path: Path) -> dict[str, set[int]]:
    """Line numbers of a module's top-level definitions (functions and classes, decorator lines included) and of
    its top-level assignments (variables), by vulture's kind of name."""
    lines: dict[str, set[int]] = {"function": set(), "class": set(), "variable": set()}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind = "class" if isinstance(node, ast.ClassDef) else "function"
            lines[kind].update([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            lines["variable"].add(node.lineno)
    return lines


def unused_module_names(tmp_path: Path, *probes: Path) -> list[str]:
    """``file:line name`` (relative to its library's parent) of every module-level name of ``veedel_lib`` and of
    the ``probes`` (other library folders, scanned together with the project's code) that nothing in the project
    uses."""
    finder = vulture.Vulture()
    libraries = [(ROOT / "veedel_lib").resolve(), *(probe.resolve() for probe in probes)]
    sources = {ROOT / "veedel_lib", ROOT / "scripts", ROOT / "benchmarks", ROOT / "tests", *probes}
    finder.scavenge([*map(str, sorted(sources)), *map(str, _notebook_code(tmp_path)), str(_entry_points(tmp_path))])
    found = []
    for item in finder.get_unused_code(min_confidence=60):
        path = Path(item.filename).resolve()
        library = next((library for library in libraries if library in path.parents), None)
        if library is None or item.typ not in ("function", "class", "variable"):
            continue
        if item.name.startswith("__") and item.name.endswith("__"):
            continue  # a protocol name (a module's __getattr__) is called by Python itself
        if item.first_lineno in _module_level_lines(path)[item.typ]:
            found.append(f"{path.relative_to(library.parent).as_posix()}:{item.first_lineno} {item.name}")
    return sorted(found)


PROBE_NAMES = ("never_called_" + "probe", "PROBE_" + "CONSTANT")
"""A function and a constant of the probe library that nothing uses (put together here, so that this file does not
name them itself)."""


@pytest.fixture(scope="module")
def unused(tmp_path_factory) -> list[str]:
    """The unused names of the library and of a probe library with two unused names, from one scan of the project
    (a scan takes seconds)."""
    folder = tmp_path_factory.mktemp("dead-code")
    library = folder / "probe_library"
    library.mkdir()
    function, constant = PROBE_NAMES
    (library / "probe.py").write_text(f'"""Probe."""\n\n\ndef {function}(argument: int) -> int:\n    return argument\n'
                                      f'\n\n{constant} = 2\n', encoding="utf-8")
    return unused_module_names(folder, library)


def test_every_module_level_name_of_the_library_is_used(unused):
    assert [name for name in unused if not name.startswith("probe_library/")] == []


def test_the_check_finds_a_function_and_a_constant_that_nothing_uses(unused):
    function, constant = PROBE_NAMES
    assert [name for name in unused if name.startswith("probe_library/")] == [
        f"probe_library/probe.py:4 {function}", f"probe_library/probe.py:8 {constant}"]
