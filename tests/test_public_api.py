"""A flat public API: ``from veedel_lib import AreaAnalysis, Report``; notebooks use nothing else; the package's import
stays light; the legacy module names of version 0.1 are gone."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

import veedel_lib


@pytest.mark.parametrize("name", veedel_lib.__all__)
def test_every_public_name_is_the_object_its_module_defines(name):
    target = veedel_lib.PUBLIC[name]
    module, attribute = target if isinstance(target, tuple) else (target, name)
    assert getattr(veedel_lib, name) is getattr(importlib.import_module(module), attribute)


def test_every_report_of_the_registry_is_in_the_public_api():
    from veedel_lib.reports import registry

    assert {cls.__name__ for cls in registry.REPORTS} <= set(veedel_lib.__all__)


def test_importing_the_package_loads_no_report_and_no_data_library():
    code = "import sys, veedel_lib; print(sorted(m for m in ('pandas', 'matplotlib', 'veedel_lib.reports') " \
           "if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_notebooks_import_the_library_only_through_its_public_names():
    deep = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            deep += [f"{notebook.name}: {line.strip()}" for line in source.splitlines()
                     if re.match(r"\s*(from|import) veedel_lib\.", line)]
    assert deep == []


def test_the_module_names_of_version_0_1_no_longer_import():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("veedel_lib.area_report")
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        veedel_lib.Nothing  # noqa: B018
