"""Each report reads no parameter file, run.yml setting or other area's workbook it does not declare: the cache of
executed reports relies on it (its key hashes only the declared parts, see :mod:`veedel_lib.run.cache`)."""

from __future__ import annotations

import builtins
import inspect
import io
import pathlib

import pytest
from conftest import PARAMETERS
from pydantic import BaseModel

from veedel_lib.params import run_config, run_spec, yamlfiles
from veedel_lib.params.keys import files_of, split_key
from veedel_lib.params.run_config import RunConfig
from veedel_lib.reports import registry
from veedel_lib.run.floor import compute_report

RUN_MODELS = {run_config.RunConfig: "", run_config.AnalysisSettings: "analysis.",
              run_config.HandlungsbedarfRule: "analysis.handlungsbedarf.",
              run_config.EvaluationSettings: "analysis.evaluation.",
              run_config.SmoothingSettings: "analysis.smoothing."}
"""The models of run.yml and where each sits in the file."""


def _place(cls) -> str | None:
    return {"area": "kalk", "programme": None, "bezirk": "8"}[cls.scope]


@pytest.fixture
def opened(monkeypatch, demo):
    """Records every file under parameters/ and the demo data folder that is opened while the fixture is active
    (relative paths, the data folder's with the prefix ``data/``)."""
    seen: set[str] = set()
    real_open, real_path_open = builtins.open, pathlib.Path.open
    roots = {PARAMETERS.resolve(): "", pathlib.Path(demo.data_dir).resolve(): "data/"}

    def note(file) -> None:
        try:
            path = pathlib.Path(file).resolve()
        except TypeError:
            return
        for root, prefix in roots.items():
            if root in path.parents:
                seen.add(prefix + path.relative_to(root).as_posix())

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


@pytest.fixture
def run_settings_read(monkeypatch):
    """Records every run.yml setting (dotted path, leaves only) read from a run configuration while active."""
    seen: set[str] = set()
    for model, prefix in RUN_MODELS.items():
        fields = set(model.model_fields)

        def recording_getattribute(self, name, _prefix=prefix, _fields=fields):
            value = BaseModel.__getattribute__(self, name)
            if name in _fields and not isinstance(value, BaseModel) and not _validating():
                seen.add(_prefix + name)
            return value

        monkeypatch.setattr(model, "__getattribute__", recording_getattribute)
    return seen


def _validating() -> bool:
    """Whether the caller is the parameter files' validation (which looks at every setting once) or the run's
    resolution (:mod:`veedel_lib.params.run_spec`, which turns the settings into the run specification: its year,
    formats, data and previous run are part of every report's key besides the declared keys)."""
    frame = inspect.currentframe()
    frame = frame.f_back.f_back if frame is not None and frame.f_back is not None else None
    return frame is not None and frame.f_code.co_filename in (yamlfiles.__file__, run_spec.__file__)


def _declares(keys: list[str], setting: str) -> bool:
    """Whether one of the declared keys covers the run.yml ``setting`` (the whole file, the setting or a parent)."""
    for key in keys:
        name, path = split_key(key)
        if name == "run.yml" and (path is None or setting == path or setting.startswith(path + ".")):
            return True
    return False


@pytest.mark.parametrize("cls", registry.REPORTS, ids=lambda c: c.notebook)
def test_a_report_reads_only_the_parameter_files_run_settings_and_workbooks_it_declares(demo, opened,
                                                                                      run_settings_read, cls):
    """One computation of each report, recorded three ways: the parameter files it opens, the run.yml settings it
    reads and, for a report of one area, the data folder's workbooks it opens (only its own area's)."""
    compute_report(demo, cls.notebook, _place(cls), demo.latest_year, RunConfig())
    assert opened and run_settings_read, "the recorder saw nothing: the test would pass for any report"
    parameters = {name for name in opened if not name.startswith("data/")}
    undeclared = parameters - set(cls.parameter_files_of(_place(cls)))
    assert undeclared == set(), f"{cls.notebook} liest {sorted(undeclared)}, ohne sie in parameter_files zu nennen"
    assert set(files_of(cls.parameter_keys_of(_place(cls)))) <= set(cls.parameter_files_of(_place(cls)))
    keys = cls.parameter_keys_of(_place(cls))
    settings = sorted(s for s in run_settings_read if not _declares(keys, s))
    assert settings == [], f"{cls.notebook} liest run.yml: {settings}, ohne sie in parameter_keys zu nennen"
    if cls.own_area_workbooks or not cls.reads_workbooks:  # its own area's, its Stadtbezirk's areas' or none
        data = sorted(name.removeprefix("data/") for name in opened if name.startswith("data/"))
        areas = cls.place_areas_of(_place(cls), PARAMETERS)
        foreign = [name for name in data if not cls.reads_data_file(name, _place(cls), areas)]
        assert foreign == [], f"{cls.notebook} liest {foreign}, obwohl es nur die Arbeitsmappen seines Gebiets nennt"
