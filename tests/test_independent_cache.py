"""Independent tests of the incremental runs' cache (``veedel_lib/run/cache.py``; issue #30 item 9).

Each test states, on a tiny hand-made run folder, what the key of a report must depend on and what it must not
(written out from the module docstring's promise, not from the module's code), and what the take-over, the look-up
of earlier reports and the clean-up do with a few files. No demo data and no runs: every test takes milliseconds,
so the mutation tests (``scripts/mutation.py``) can run them for each mutant.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from veedel_lib.reports.base import ReportContent
from veedel_lib.run import cache


class AreaReport(ReportContent):
    """A report of one area that reads only its own area's workbooks and one part of run.yml."""

    notebook = "gebietsbericht"
    scope = "area"
    parameter_keys = ("run.yml:analysis.threshold",)
    own_area_workbooks = True


class OwnAreaReport(ReportContent):
    """A report of one area that reads its own area's definition in areas.yml."""

    notebook = "gebietsbericht"
    scope = "area"
    parameter_keys = ("areas.yml:areas[id={area_id}]",)
    own_area_workbooks = True


class BezirkReport(ReportContent):
    """A report of one Stadtbezirk that reads its areas' workbooks only."""

    notebook = "bezirksbericht"
    scope = "bezirk"
    parameter_keys = ("run.yml:analysis.threshold",)
    own_area_workbooks = True


class StatisticsReport(ReportContent):
    """A programme-wide report that reads no workbook at all."""

    notebook = "index"
    scope = "programme"
    parameter_keys = ("run.yml",)
    reads_workbooks = False


AREAS = """areas:
  - id: kalk
    stadtbezirk: 8
  - id: vingst
    stadtbezirk: 8
  - id: chorweiler
    stadtbezirk: 6
"""

RUN = """year: 2023
analysis:
  threshold: 1.25
  colour: blau
"""

HASHES = {
    "inputs/notebooks/gebietsbericht.ipynb": "n1", "inputs/notebooks/bezirksbericht.ipynb": "n2",
    "inputs/notebooks/index.ipynb": "n3", "inputs/data/statistics.csv": "s1",
    "inputs/data/dokumentation/kalk.xlsx": "d-kalk", "inputs/data/dokumentation/vingst.xlsx": "d-vingst",
    "inputs/data/dokumentation/chorweiler.xlsx": "d-chorweiler", "inputs/data/plaene/kalk.xlsx": "p-kalk",
    "inputs/parameters/run.yml": "r1",
}
"""Manifest-like hashes of a run's input copies (the key takes them as given; their values are arbitrary text)."""


def _run(tmp_path: Path, name: str = "lauf-1", run: str = RUN, areas: str = AREAS) -> Path:
    """A run folder with the two parameter files the reports read."""
    run_dir = tmp_path / name
    (run_dir / "inputs" / "parameters").mkdir(parents=True)
    (run_dir / "inputs" / "parameters" / "run.yml").write_text(run, encoding="utf-8")
    (run_dir / "inputs" / "parameters" / "areas.yml").write_text(areas, encoding="utf-8")
    return run_dir


def _key(run_dir: Path, cls=AreaReport, area: str | None = "kalk", formats=("html", "pdf"), hashes=None,
         **parameters) -> str:
    params = {"year": 2023, "area_id": area, "tables": str(run_dir / "tabellen"), **parameters}
    return cache.report_key(cls, params, area, list(formats), dict(HASHES if hashes is None else hashes), run_dir)


def _changed(name: str, value: str = "geändert") -> dict[str, str]:
    return {**HASHES, name: value}


def test_a_report_key_is_a_sha256_in_hex_and_the_same_for_the_same_inputs_in_another_run_folder(tmp_path):
    first, second = _run(tmp_path, "lauf-1"), _run(tmp_path, "lauf-2")
    key = _key(first)
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == _key(first)
    assert key == _key(second)  # the run folder's own path (in "tables") does not count


def test_a_report_key_changes_with_the_statistics_the_report_reads(tmp_path):
    run_dir = _run(tmp_path)
    for cls, area in ((AreaReport, "kalk"), (BezirkReport, "bezirk-8"), (StatisticsReport, None)):
        assert _key(run_dir, cls, area) != _key(run_dir, cls, area, hashes=_changed("inputs/data/statistics.csv"))


def test_a_report_key_changes_with_its_own_areas_workbook_and_not_with_another_areas(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir)
    assert key != _key(run_dir, hashes=_changed("inputs/data/dokumentation/kalk.xlsx"))
    assert key != _key(run_dir, hashes=_changed("inputs/data/plaene/kalk.xlsx"))
    assert key == _key(run_dir, hashes=_changed("inputs/data/dokumentation/vingst.xlsx"))
    assert key == _key(run_dir, hashes={k: v for k, v in HASHES.items() if k != "inputs/data/plaene/vingst.xlsx"})


def test_a_bezirk_report_key_changes_with_its_bezirks_workbooks_only(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir, BezirkReport, "bezirk-8")
    assert key != _key(run_dir, BezirkReport, "bezirk-8", hashes=_changed("inputs/data/dokumentation/kalk.xlsx"))
    assert key != _key(run_dir, BezirkReport, "bezirk-8", hashes=_changed("inputs/data/dokumentation/vingst.xlsx"))
    assert key == _key(run_dir, BezirkReport, "bezirk-8",
                       hashes=_changed("inputs/data/dokumentation/chorweiler.xlsx"))


def test_a_report_key_without_workbooks_ignores_every_workbook_but_not_new_data(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir, StatisticsReport, None)
    assert key == _key(run_dir, StatisticsReport, None, hashes=_changed("inputs/data/dokumentation/kalk.xlsx"))
    assert key != _key(run_dir, StatisticsReport, None, hashes={**HASHES, "inputs/data/wahlen.csv": "w1"})


def test_a_report_key_ignores_hashes_outside_the_data_and_of_other_notebooks(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir)
    assert key == _key(run_dir, hashes=_changed("inputs/parameters/run.yml"))  # the parsed parts count, below
    assert key == _key(run_dir, hashes=_changed("inputs/notebooks/bezirksbericht.ipynb"))
    assert key == _key(run_dir, hashes={**HASHES, "outputs/data/statistics.csv": "x"})


def test_a_report_key_changes_with_its_notebook_also_when_the_notebook_is_missing(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir)
    assert key != _key(run_dir, hashes=_changed("inputs/notebooks/gebietsbericht.ipynb"))
    without = {k: v for k, v in HASHES.items() if k != "inputs/notebooks/gebietsbericht.ipynb"}
    assert key != _key(run_dir, hashes=without)
    assert _key(run_dir, hashes=without) != _key(run_dir, hashes=_changed("inputs/notebooks/gebietsbericht.ipynb",
                                                                           ""))


def test_a_report_key_changes_with_the_declared_parameters_only(tmp_path):
    key = _key(_run(tmp_path, "a"))
    assert key != _key(_run(tmp_path, "b", run=RUN.replace("threshold: 1.25", "threshold: 1.2")))
    assert key == _key(_run(tmp_path, "c", run=RUN.replace("colour: blau", "colour: rot")))
    whole = _key(_run(tmp_path, "d"), StatisticsReport, None)
    assert whole != _key(_run(tmp_path, "e", run=RUN.replace("colour: blau", "colour: rot")), StatisticsReport, None)


def test_a_report_key_changes_with_year_area_and_formats_but_not_with_their_order(tmp_path):
    run_dir = _run(tmp_path)
    key = _key(run_dir)
    assert key != _key(run_dir, year=2022)
    assert key != _key(run_dir, formats=("html",))
    assert key == _key(run_dir, formats=("pdf", "html"))
    assert key != _key(run_dir, AreaReport, "vingst", hashes={**HASHES})
    assert key != _key(run_dir, tables="tabellen")  # a path outside the run folder counts as it is
    assert _key(run_dir, seed=1) != _key(run_dir, seed=2)
    assert key != _key(run_dir, year="2023")  # the notebook would get a text, not a number
    assert _key(run_dir, area=None) != _key(run_dir, area="None")


def test_a_report_key_takes_paths_and_nested_settings_as_their_content_in_any_order(tmp_path):
    run_dir = _run(tmp_path)
    nested = _key(run_dir, options={"b": 1, "a": [2, 3]})
    assert nested == _key(run_dir, options={"a": [2, 3], "b": 1})
    assert nested != _key(run_dir, options={"a": [3, 2], "b": 1})
    assert _key(run_dir, source=Path("/daten/a")) == _key(run_dir, source=Path("/daten/a"))
    assert _key(run_dir, source=Path("/daten/a")) != _key(run_dir, source=Path("/daten/b"))


def test_a_report_key_changes_with_its_own_areas_definition_and_not_with_another_areas(tmp_path):
    key = _key(_run(tmp_path, "a"), OwnAreaReport)
    assert key != _key(_run(tmp_path, "b", areas=AREAS.replace("kalk\n    stadtbezirk: 8",
                                                               "kalk\n    stadtbezirk: 9")), OwnAreaReport)
    assert key == _key(_run(tmp_path, "c", areas=AREAS.replace("vingst\n    stadtbezirk: 8",
                                                               "vingst\n    stadtbezirk: 9")), OwnAreaReport)


@pytest.fixture
def fresh_versions():
    """The looked-up package versions forgotten before and after the test (they are cached per process)."""
    cache._versions.cache_clear()
    yield
    cache._versions.cache_clear()


def test_a_report_key_changes_with_the_package_versions_and_the_key_version(tmp_path, monkeypatch, fresh_versions):
    run_dir = _run(tmp_path)
    key = _key(run_dir)
    real = cache.package_versions()
    monkeypatch.setattr(cache, "package_versions", lambda: {**real, "pandas": "0.0.1"})
    cache._versions.cache_clear()
    changed = _key(run_dir)
    assert changed != key
    other = {**real, "pandas": "0.0.1", "platform": "anders", "nicht-gelistet": "1"}
    monkeypatch.setattr(cache, "package_versions", lambda: other)
    cache._versions.cache_clear()
    assert _key(run_dir) == changed  # the platform and packages not listed do not count
    versions = json.loads(cache._versions())
    assert versions["pandas"] == "0.0.1" and versions["python"] == real["python"] and versions["numpy"] == real["numpy"]
    assert list(versions) == sorted(versions) and "platform" not in versions and len(versions) == 13
    monkeypatch.setattr(cache, "KEY_VERSION", "veedel-report-cache-99")
    assert _key(run_dir) != changed


def _manifest(run_dir: Path, reports: list[dict], **extra) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "manifest.json").write_text(json.dumps({"reports": reports, **extra}), encoding="utf-8")


def test_earlier_reports_are_the_finished_ones_with_a_key_the_newest_run_winning(tmp_path):
    outputs = tmp_path / "ausgaben"
    _manifest(outputs / "2023-01", [{"status": "ok", "cache_key": "k1", "n": 1},
                                    {"status": "fehler", "cache_key": "k2"}, {"status": "ok"},
                                    {"status": "ok", "cache_key": ""}])
    (outputs / "2023-02").mkdir()
    (outputs / "2023-02" / "manifest.json").write_text("{kaputt", encoding="utf-8")
    _manifest(outputs / "2023-03", [{"status": "ok", "cache_key": "k1", "n": 3}, {"status": "ok", "cache_key": "k3"}])
    (outputs / "2023-04").mkdir()  # no manifest: not a run
    (outputs / "2023-05").mkdir()
    (outputs / "2023-05" / "manifest.json").write_text(json.dumps({"run": "ohne Berichte"}), encoding="utf-8")
    _manifest(outputs / "2023-06", [{"status": "ok", "cache_key": "k6", "n": 6}])
    (outputs / "notiz.txt").write_text("kein Lauf", encoding="utf-8")
    found = cache.earlier_reports(outputs)
    assert sorted(found) == ["k1", "k3", "k6"]
    assert found["k1"].run_dir == outputs / "2023-03" and found["k1"].entry["n"] == 3
    assert found["k1"].run_id == "2023-03"
    without = cache.earlier_reports(outputs, exclude=outputs / "2023-03")
    assert sorted(without) == ["k1", "k6"] and without["k1"].entry["n"] == 1
    assert cache.earlier_reports(tmp_path / "fehlt") == {}


def test_earlier_key_figures_come_from_the_newest_run_with_the_same_inputs_and_code(tmp_path):
    outputs = tmp_path / "ausgaben"
    same = {"inputs_hash": "i1", "environment": {"veedel_code": "c1"}}
    _manifest(outputs / "2023-01", [], key_figures={"n": 1}, **same)
    _manifest(outputs / "2023-02", [], key_figures={"n": 2}, **same)
    _manifest(outputs / "2023-03", [], key_figures={"n": 3}, inputs_hash="i2", environment={"veedel_code": "c1"})
    _manifest(outputs / "2023-04", [], key_figures={"n": 4}, inputs_hash="i1", environment={"veedel_code": "c2"})
    _manifest(outputs / "2023-05", [], key_figures={"n": 5, "notes": ["fehlt"]}, **same)
    _manifest(outputs / "2023-06", [], key_figures=[5], **same)
    _manifest(outputs / "2023-07", [], **same)
    (outputs / "2023-08").mkdir()
    (outputs / "2023-08" / "manifest.json").write_text("{kaputt", encoding="utf-8")
    _manifest(outputs / "2023-09", [], key_figures={"n": 9}, inputs_hash="i1")
    current = outputs / "2023-10"
    _manifest(current, [], key_figures={"n": 10}, **same)
    assert cache.earlier_key_figures(outputs, current, "i1", "c1") == {"n": 2}
    assert cache.earlier_key_figures(outputs, outputs / "2023-02", "i1", "c1") == {"n": 10}  # not excluded
    assert cache.earlier_key_figures(outputs, current, "i2", "c1") == {"n": 3}
    assert cache.earlier_key_figures(outputs, current, "i1", None) is None
    assert cache.earlier_key_figures(outputs, current, "i3", "c1") is None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_take_over_links_every_intact_file_into_the_new_run_and_refuses_a_changed_or_missing_one(tmp_path):
    old, new = tmp_path / "alt", tmp_path / "neu"
    (old / "berichte").mkdir(parents=True)
    (old / "berichte" / "a.html").write_bytes(b"<p>A</p>")
    (old / "berichte" / "a.pdf").write_bytes(b"%PDF")
    (old / "tabellen" / "kalk").mkdir(parents=True)
    (old / "tabellen" / "kalk" / "t.csv").write_bytes(b"x;y\n1;2\n")
    files = {"berichte/a.html": _sha(b"<p>A</p>"), "berichte/a.pdf": _sha(b"%PDF"),
             "tabellen/kalk/t.csv": _sha(b"x;y\n1;2\n")}
    earlier = cache.Earlier(old, {"files": files})
    assert cache.take_over(earlier, new) == files
    assert (new / "berichte" / "a.html").read_bytes() == b"<p>A</p>"
    assert (new / "tabellen" / "kalk" / "t.csv").read_bytes() == b"x;y\n1;2\n"
    assert os.path.samefile(new / "berichte" / "a.html", old / "berichte" / "a.html")  # linked, not copied
    assert sorted(p.name for p in (new / "berichte").iterdir()) == ["a.html", "a.pdf"]  # no temporary file left

    changed = cache.Earlier(old, {"files": {**files, "berichte/a.html": _sha(b"<p>B</p>")}})
    assert cache.take_over(changed, tmp_path / "neu-2") is None
    assert not (tmp_path / "neu-2").exists()
    missing = cache.Earlier(old, {"files": {**files, "berichte/b.html": _sha(b"")}})
    assert cache.take_over(missing, tmp_path / "neu-3") is None
    assert not (tmp_path / "neu-3").exists()
    assert cache.take_over(cache.Earlier(old, {"files": {}}), tmp_path / "neu-4") is None
    assert cache.take_over(cache.Earlier(old, {}), tmp_path / "neu-4") is None


def test_take_over_copies_when_a_link_is_not_possible(tmp_path, monkeypatch):
    old = tmp_path / "alt"
    old.mkdir()
    (old / "a.html").write_bytes(b"<p>A</p>")

    def refuse(source, target):
        raise OSError("anderes Laufwerk")

    monkeypatch.setattr(cache.os, "link", refuse)
    files = {"a.html": _sha(b"<p>A</p>")}
    assert cache.take_over(cache.Earlier(old, {"files": files}), tmp_path / "neu") == files
    assert (tmp_path / "neu" / "a.html").read_bytes() == b"<p>A</p>"
    assert not os.path.samefile(tmp_path / "neu" / "a.html", old / "a.html")


def test_clean_keeps_the_newest_runs_and_leaves_other_folders(tmp_path):
    outputs = tmp_path / "ausgaben"
    for name in ("2023-01", "2023-02", "2023-03"):
        _manifest(outputs / name, [])
    (outputs / "2022-12").mkdir()  # not a run: kept
    removed = cache.clean(outputs, 2)
    assert removed == [outputs / "2023-01"]
    assert sorted(p.name for p in outputs.iterdir()) == ["2022-12", "2023-02", "2023-03"]
    assert cache.clean(outputs, 5) == []
    assert cache.clean(outputs, 0) == [outputs / "2023-02", outputs / "2023-03"]
    assert cache.clean(outputs, -1) == []
    assert cache.clean(tmp_path / "fehlt", 1) == []
