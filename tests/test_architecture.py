"""The house keeps its plan: rooms by pipeline stage, no room importing a later one, a short top level."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "veedel_lib"
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports with the project's contract on the package found under ``root``."""
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_the_layers_contract_and_the_library_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def _lint_with(tmp_path: Path, module: str, function: str) -> subprocess.CompletedProcess:
    """lint-imports on a copy of the package whose ``module`` (a path below it) ends with ``function``."""
    copy = tmp_path / "veedel_lib"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + function, encoding="utf-8")
    return _lint(tmp_path)


def test_a_chart_drawn_outside_the_rendering_room_breaks_the_matplotlib_contract(tmp_path):
    result = _lint_with(tmp_path, "analysis/trends.py", "def _plot():\n    import matplotlib.pyplot as plt\n"
                                                         "    return plt\n")
    assert result.returncode == 1
    assert "matplotlib only in the rendering room BROKEN" in " ".join(result.stdout.split())


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    """The check sees imports inside functions too: params importing the runner is refused."""
    result = _lint_with(tmp_path, "params/areas.py", "def _sneaky():\n    from ..run import runner\n    return runner\n")
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "veedel_lib.params.areas -> veedel_lib.run.runner" in result.stdout


def test_at_most_five_modules_at_the_top_level_and_every_room_says_what_lives_there():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 5, top
    rooms = sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert {p.name for p in rooms} >= {"params", "inputs", "kernprozess", "analysis", "demo", "render", "reports",
                                       "publish", "run"}
    for room in rooms:
        docstring = ast.get_docstring(ast.parse((room / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"{room.name}/__init__.py sagt nicht, was dort liegt"
        assert len(docstring.splitlines()) <= 2, f"{room.name}/__init__.py: mehr als zwei Zeilen"
