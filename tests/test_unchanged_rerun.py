"""An unchanged re-run does no work it need not do (issue #31): it takes a report over from an earlier run without
reading its files again, as long as they are provably the very files that run hashed, and the portal's key figures
from an earlier run on the same data and parameters. Tiny hand-made earlier runs, no report executed."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from veedel_lib.run import cache, manifest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the status-change time is a creation time on Windows")

FILES = {"berichte/kalk/analyse.html": b"<p>Kalk</p>", "berichte/kalk/tables/analyse/t.csv": b"a;b\n1;2\n"}


def _after_the_clock_ticked(folder: Path, than: int) -> None:
    """Wait until the file system's clock has moved past ``than`` (ns): a probe file's status-change time tells."""
    probe = folder / "uhr"
    while True:
        probe.write_bytes(b"")
        if probe.stat().st_ctime_ns > than:
            probe.unlink()
            return


def _earlier_run(outputs: Path) -> Path:
    """A finished earlier run with one report: its files, then (a clock tick later) its manifest with their
    hashes and identities as ``veedel run`` writes them."""
    run_dir = outputs / "20261201-080000-aaaaaaaa"
    for name, data in FILES.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_bytes(data)
    identities: dict = {}
    files = manifest.file_hashes(run_dir, identities=identities)
    _after_the_clock_ticked(run_dir, max(identity[4] for identity in identities.values()))
    entry = {"status": "ok", "cache_key": "k", "files": files, "file_identities": identities}
    (run_dir / manifest.MANIFEST).write_text(json.dumps({"reports": [entry]}), encoding="utf-8")
    return run_dir


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files the cache reads to hash them."""
    read: list[str] = []
    original = cache.sha256_file
    monkeypatch.setattr(cache, "sha256_file", lambda path: read.append(Path(path).name) or original(path))
    return read


def test_a_file_unchanged_since_its_manifest_is_taken_over_without_reading_it(tmp_path, reads):
    _earlier_run(tmp_path / "ausgaben")
    earlier = cache.earlier_reports(tmp_path / "ausgaben")["k"]
    assert cache.take_over(earlier, tmp_path / "neu") == earlier.entry["files"]
    assert reads == []
    assert all((tmp_path / "neu" / name).read_bytes() == data for name, data in FILES.items())


def test_a_file_written_after_its_manifest_is_read_and_refused_even_with_its_old_size_and_time(tmp_path, reads):
    run_dir = _earlier_run(tmp_path / "ausgaben")
    html = run_dir / "berichte/kalk/analyse.html"
    before = html.stat()
    html.write_bytes(b"<p>Kolk</p>")                                                # same size
    os.utime(html, ns=(before.st_atime_ns, before.st_mtime_ns))                     # old modification time
    earlier = cache.earlier_reports(tmp_path / "ausgaben")["k"]
    assert cache.take_over(earlier, tmp_path / "neu") is None
    assert "analyse.html" in reads and not (tmp_path / "neu").exists()


def test_a_file_recorded_in_the_same_clock_tick_as_its_manifest_is_read(tmp_path, reads):
    run_dir = _earlier_run(tmp_path / "ausgaben")
    found = cache.earlier_reports(tmp_path / "ausgaben")["k"]
    ctime = min(identity[4] for identity in found.entry["file_identities"].values())
    same_tick = cache.Earlier(run_dir, found.entry, written_ns=ctime)
    assert cache.take_over(same_tick, tmp_path / "neu") == found.entry["files"]
    assert sorted(reads) == ["analyse.html", "t.csv"]


def test_the_manifest_records_the_identity_only_of_a_file_that_did_not_change_while_it_was_hashed(tmp_path,
                                                                                                monkeypatch):
    run_dir = tmp_path / "lauf"
    (run_dir / "a").mkdir(parents=True)
    (run_dir / "a" / "fest.html").write_bytes(b"fest")
    (run_dir / "a" / "wechselnd.html").write_bytes(b"alt")
    original = manifest.sha256_file

    def hash_while_written(path):
        digest = original(path)
        if path.name == "wechselnd.html":
            path.write_bytes(b"neu, und laenger")
        return digest

    monkeypatch.setattr(manifest, "sha256_file", hash_while_written)
    identities: dict = {}
    hashes = manifest.file_hashes(run_dir, identities=identities)
    assert hashes["a/fest.html"] == hashlib.sha256(b"fest").hexdigest()
    assert identities == {"a/fest.html": list(manifest.file_identity(run_dir / "a" / "fest.html"))}


def _figures_run(outputs: Path, name: str, inputs: dict, year: int = 2024, code: str = "c1") -> None:
    (outputs / name).mkdir(parents=True)
    recorded = {"inputs": inputs, "inputs_hash": manifest.combined_hash(inputs), "environment": {"veedel_code": code},
                "key_figures": {"year": year, "areas": [name]}}
    (outputs / name / manifest.MANIFEST).write_text(json.dumps(recorded), encoding="utf-8")


def test_a_run_of_other_areas_on_the_same_data_and_parameters_takes_the_key_figures_of_the_earlier_run(tmp_path):
    """The key figures are computed for every area of areas.yml from data and parameters alone: a run with
    ``--areas kalk`` (another specification, so other inputs as a whole) needs no new ones; other data, parameters,
    year or code do."""
    data = {"inputs/data/statistics.csv": "d1", "inputs/parameters/areas.yml": "p1"}
    complete = {**data, "inputs/run_spec.json": "alle", "inputs/notebooks/a.ipynb": "n1"}
    kalk = {**data, "inputs/run_spec.json": "nur-kalk", "inputs/notebooks/a.ipynb": "n1"}
    outputs = tmp_path / "ausgaben"
    _figures_run(outputs, "20261201-080000-aaaaaaaa", complete)
    _figures_run(outputs, "20261202-080000-bbbbbbbb", {**complete, "inputs/parameters/areas.yml": "p2"})
    _figures_run(outputs, "20261203-080000-cccccccc", complete, year=2023)
    _figures_run(outputs, "20261204-080000-dddddddd", complete, code="c2")
    new = outputs / "20261205-080000-eeeeeeee"

    def figures(inputs: dict, year: int = 2024) -> dict | None:
        return cache.earlier_key_figures(outputs, new, manifest.combined_hash(inputs), "c1", inputs=inputs, year=year)

    assert figures(kalk) == {"year": 2024, "areas": ["20261201-080000-aaaaaaaa"]}
    assert figures({**kalk, "inputs/parameters/areas.yml": "p2"})["areas"] == ["20261202-080000-bbbbbbbb"]
    assert figures(kalk, year=2023)["areas"] == ["20261203-080000-cccccccc"]
    assert figures({**kalk, "inputs/data/statistics.csv": "d2"}) is None
    assert figures(kalk, year=2022) is None


def test_the_earlier_reports_wanted_are_looked_up_from_the_newest_run_on_only_until_all_are_found(tmp_path,
                                                                                                monkeypatch):
    outputs = tmp_path / "ausgaben"
    for name, keys in (("20261201-080000-aaaaaaaa", ["alt", "k"]), ("20261202-080000-aaaaaaaa", ["k", "m"]),
                       ("20261203-080000-aaaaaaaa", ["k", "m"])):
        (outputs / name).mkdir(parents=True)
        entries = [{"status": "ok", "cache_key": key, "run": name} for key in keys]
        (outputs / name / manifest.MANIFEST).write_text(json.dumps({"reports": entries}), encoding="utf-8")
    read: list[str] = []
    loads = cache.json.loads
    monkeypatch.setattr(cache.json, "loads", lambda text: read.append(text) or loads(text))
    found = cache.earlier_reports(outputs, wanted={"k", "m"})
    assert {key: e.run_id for key, e in found.items()} == {"k": "20261203-080000-aaaaaaaa",
                                                           "m": "20261203-080000-aaaaaaaa"}
    assert len(read) == 1                                                   # the newest run has them all
    found = cache.earlier_reports(outputs, wanted={"k", "alt"})
    assert found["k"].run_id == "20261203-080000-aaaaaaaa" and found["alt"].run_id == "20261201-080000-aaaaaaaa"
    assert len(read) == 1 + 3
    assert cache.earlier_reports(outputs).keys() == {"alt", "k", "m"}       # without: every run
