"""Each report reads no parameter file it does not declare: the cache of executed reports relies on it."""

from __future__ import annotations

import builtins
import io
import pathlib

import pytest
from conftest import PARAMETERS

from veedel_lib.params.run_config import RunConfig
from veedel_lib.reports import registry
from veedel_lib.run.floor import compute_report


@pytest.fixture
def opened(monkeypatch):
    """Records every file under parameters/ that is opened while the fixture is active."""
    seen: set[str] = set()
    real_open, real_path_open = builtins.open, pathlib.Path.open
    root = PARAMETERS.resolve()

    def note(file) -> None:
        try:
            path = pathlib.Path(file).resolve()
        except TypeError:
            return
        if root in path.parents:
            seen.add(path.relative_to(root).as_posix())

    def recording_open(file, *args, **kwargs):
        note(file)
        return real_open(file, *args, **kwargs)

    def recording_path_open(self, *args, **kwargs):
        note(self)
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(pathlib.Path, "open", recording_path_open)
    return seen


@pytest.mark.parametrize("cls", registry.REPORTS, ids=lambda c: c.notebook)
def test_a_report_reads_only_the_parameter_files_it_declares(demo, opened, cls):
    place = {"area": "kalk", "programme": None, "bezirk": "8"}[cls.scope]
    compute_report(demo, cls.notebook, place, demo.latest_year, RunConfig())
    assert opened, "the recorder saw nothing: the test would pass for any report"
    undeclared = opened - set(cls.parameter_files_of(place))
    assert undeclared == set(), f"{cls.notebook} liest {sorted(undeclared)}, ohne sie in parameter_files zu nennen"
