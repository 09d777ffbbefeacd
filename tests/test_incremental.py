"""Incremental runs: unchanged reports are taken over from an earlier run, changed inputs recompute what reads them."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS

from veedel_lib.params.run_config import load_run_config
from veedel_lib.run import runner
from veedel_lib.run.archive import create_archive, verify
from veedel_lib.run.cache import clean


def _run(outputs, parameters, **kwargs):
    config = load_run_config(parameters / "run.yml").model_copy(
        update={"formats": ["html"], "reports": ["sozialraumgebietsanalyse", "sozialindex"]})
    summary = runner.run(config, outputs=outputs, parameters=parameters, areas=["kalk"], jobs=2, **kwargs)
    assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
    return summary


def _executed(summary) -> set[str]:
    return {r.task.key for r in summary.results if r.reused_from is None}


@pytest.mark.slow
def test_only_what_reads_a_changed_file_is_executed_again(tmp_path):
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    outputs = tmp_path / "outputs"
    first = _run(outputs, parameters)
    assert _executed(first) == {"kalk/sozialraumgebietsanalyse", "programm/sozialindex"}

    again = _run(outputs, parameters)                                  # nothing changed: everything taken over
    assert _executed(again) == set()
    assert {r.reused_from for r in again.results} == {first.run_dir.name}
    manifest = runner.read_manifest(again.run_dir)
    assert manifest["summary"]["reused"] == 2 and manifest["summary"]["executed"] == 0
    assert all(e["reused_from"] == first.run_dir.name for e in manifest["reports"])
    assert verify(again.run_dir).ok                                    # the taken-over files are part of the run
    assert verify(create_archive(again.run_dir)).ok

    findings = parameters / "qualitative" / "kalk.md"                  # one area's qualitative findings
    findings.write_text(findings.read_text(encoding="utf-8") + "\nNeu: ein Befund.\n", encoding="utf-8")
    changed = _run(outputs, parameters)
    assert _executed(changed) == {"kalk/sozialraumgebietsanalyse"}
    html = (changed.run_dir / "reports" / "kalk" / "sozialraumgebietsanalyse.html").read_text(encoding="utf-8")
    assert "Neu: ein Befund." in html

    method = parameters / "sozialindex.yml"                             # read by the Sozialindex only
    method.write_text(method.read_text(encoding="utf-8").replace("min_population: 300", "min_population: 301", 1),
                      encoding="utf-8")
    assert _executed(_run(outputs, parameters)) == {"programm/sozialindex"}

    forced = _run(outputs, parameters, force=True)                      # --force: everything again
    assert len(_executed(forced)) == 2

    removed = clean(outputs, keep=2)
    assert len(removed) == 3 and len([p for p in outputs.iterdir() if p.is_dir()]) == 2
    after_clean = _run(outputs, parameters)
    assert _executed(after_clean) == set() and {r.reused_from for r in after_clean.results} == {forced.run_dir.name}


def test_a_run_with_the_same_inputs_and_code_takes_the_key_figures_of_the_earlier_run(tmp_path):
    """The portal's key figures depend only on the run's inputs and the library: a re-run that changes neither takes
    them from the newest such run instead of loading the data again; other inputs or code compute them anew."""
    import json

    from veedel_lib.run.cache import earlier_key_figures

    def run(name: str, inputs: str, code: str, figures: dict) -> None:
        (tmp_path / name).mkdir()
        manifest = {"inputs_hash": inputs, "environment": {"veedel_code": code}, "key_figures": figures}
        (tmp_path / name / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    run("20261201-080000-aaaaaaaa", "A", "c1", {"year": 2024, "areas": [1]})
    run("20261202-080000-aaaaaaaa", "A", "c1", {"year": 2024, "areas": [2]})
    run("20261203-080000-bbbbbbbb", "B", "c1", {"year": 2024, "areas": [3]})
    run("20261204-080000-aaaaaaaa", "A", "c2", {"year": 2024, "areas": [4]})
    new = tmp_path / "20261205-080000-aaaaaaaa"
    new.mkdir()
    assert earlier_key_figures(tmp_path, new, "A", "c1") == {"year": 2024, "areas": [2]}   # the newest of the same
    assert earlier_key_figures(tmp_path, new, "C", "c1") is None                           # other inputs
    assert earlier_key_figures(tmp_path, new, "B", "c2") is None                           # other code


def test_a_linked_file_is_hashed_again_only_when_it_is_no_longer_the_same_file(tmp_path, monkeypatch):
    """The manifest takes the verified hash of a taken-over (linked) file without reading it again, but a file
    changed after linking (another size or time) or replaced by another file, even under the same inode, size and
    modification time, is read and hashed as any other."""
    import hashlib
    import os
    import time

    from veedel_lib.run import manifest

    run = tmp_path / "lauf"
    (run / "reports").mkdir(parents=True)
    kept, changed, replaced = (run / "reports" / name for name in ("a.html", "b.html", "c.html"))
    for path in (kept, changed, replaced):
        path.write_text("alt", encoding="utf-8")
    known = {f"reports/{p.name}": ("bekannt", manifest.file_identity(p)) for p in (kept, changed, replaced)}
    time.sleep(0.01)
    changed.write_text("neu!", encoding="utf-8")
    replaced.unlink()
    replaced.write_text("alt", encoding="utf-8")   # same content, another file
    os.utime(replaced, ns=(known["reports/c.html"][1][3],) * 2)
    read = []
    original = manifest.sha256_file
    monkeypatch.setattr(manifest, "sha256_file", lambda path: read.append(path.name) or original(path))
    hashes = manifest.file_hashes(run, known=known)
    assert hashes["reports/a.html"] == "bekannt"                                   # still the linked file: not read
    assert hashes["reports/b.html"] == hashlib.sha256(b"neu!").hexdigest()
    assert hashes["reports/c.html"] == hashlib.sha256(b"alt").hexdigest()
    assert sorted(read) == ["b.html", "c.html"]
