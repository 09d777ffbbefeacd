"""Archives: every hash checked, a changed byte named, a re-run reproduces every table."""

from __future__ import annotations

import zipfile

import pytest

from veedel_lib.run.archive import CHECKSUMS, create_archive, reproduce, verify


@pytest.fixture(scope="module")
def archived_run(demo_run):
    return demo_run, create_archive(demo_run)


def _rewrite(archive, target, name_part, change):
    """Copy a zip archive, changing the bytes of the first member whose name contains ``name_part``."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        done = False
        for info in source.infolist():
            data = source.read(info)
            if not done and name_part in info.filename:
                data = change(data)
                done = True
            copy.writestr(info, data)
    return target


@pytest.mark.slow
def test_archive_contains_everything_and_verifies(archived_run):
    run_dir, archive = archived_run
    with zipfile.ZipFile(archive) as packed:
        names = packed.namelist()
    prefix = run_dir.name + "/"
    for expected in ("manifest.json", CHECKSUMS, "environment/packages.txt", "environment/git_commit.txt",
                     "inputs/data/statistics.csv", "inputs/parameters/indicators.yml",
                     "inputs/notebooks/sozialraumgebietsanalyse.ipynb",
                     "reports/kalk/sozialraumgebietsanalyse.ipynb", "reports/kalk/sozialraumgebietsanalyse.html",
                     "reports/kalk/tables/sozialraumgebietsanalyse/soziale_lage.csv"):
        assert prefix + expected in names
    result = verify(archive)
    assert result.ok, result.problems
    assert result.checked > 20
    assert verify(run_dir).ok


@pytest.mark.slow
def test_one_changed_input_byte_is_named(archived_run, tmp_path):
    _, archive = archived_run

    def flip(data: bytes) -> bytes:
        position = len(data) // 2
        return data[:position] + bytes([data[position] ^ 1]) + data[position + 1:]

    tampered = _rewrite(archive, tmp_path / "tampered.zip", "inputs/data/statistics.csv", flip)
    result = verify(tampered)
    assert not result.ok
    assert any(p.startswith("inputs/data/statistics.csv:") for p in result.problems), result.problems
    assert len(result.problems) == 1


@pytest.mark.slow
def test_changed_byte_in_run_folder_is_named(archived_run, tmp_path):
    import shutil

    run_dir, _ = archived_run
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    table = copy / "inputs" / "parameters" / "areas.yml"
    table.write_bytes(table.read_bytes().replace(b"Kalk", b"Kalx", 1))
    result = verify(copy)
    assert [p.split(":")[0] for p in result.problems] == ["inputs/parameters/areas.yml"]


@pytest.mark.slow
def test_reproduce_gives_identical_tables(archived_run, tmp_path):
    _, archive = archived_run
    planned, seen = [], []
    result = reproduce(archive, tmp_path / "again", jobs=2, progress=seen.append, on_plan=planned.extend)
    assert result.identical, result.differences
    assert len(result.compared) >= 16            # 8 tables and figure data files per area
    assert len(planned) >= 4 and sorted(r.task.key for r in seen) == sorted(t.key for t in planned)  # progress


@pytest.mark.slow
def test_every_file_of_a_run_folder_is_covered(archived_run, tmp_path):
    """The portal, the tables and anything else: a changed, missing or extra file is named, each on its own."""
    import json
    import shutil

    run_dir, _ = archived_run
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in manifest["files"] and "manifest.json" not in manifest["files"]
    assert set(manifest["files"]) == {p.relative_to(copy).as_posix() for p in copy.rglob("*")
                                      if p.is_file() and p.name != "manifest.json"}
    table = "reports/kalk/tables/sozialraumgebietsanalyse/soziale_lage.csv"
    for name in ("index.html", table):
        with open(copy / name, "ab") as handle:
            handle.write(b" ")
    (copy / "reports/bilderstoeckchen/sozialraumgebietsanalyse.pdf").unlink()
    (copy / "reports/kalk/notiz.txt").write_text("nachträglich", encoding="utf-8")
    problems = verify(copy).problems
    assert sorted(problems) == sorted([
        "index.html: Inhalt verändert (Prüfsumme stimmt nicht)",
        f"{table}: Inhalt verändert (Prüfsumme stimmt nicht)",
        "reports/bilderstoeckchen/sozialraumgebietsanalyse.pdf: Datei fehlt",
        "reports/kalk/notiz.txt: Datei ist nicht im Manifest verzeichnet",
    ]), problems


@pytest.mark.slow
def test_manifests_of_earlier_versions_still_verify(archived_run, tmp_path):
    """A manifest without ``files`` (version 0.1): inputs and report outputs are checked as before."""
    import json
    import shutil

    run_dir, _ = archived_run
    copy = tmp_path / run_dir.name
    shutil.copytree(run_dir, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify(copy).ok
    old_archive = create_archive(copy, tmp_path / "alt.zip")
    assert verify(old_archive).ok
    with open(copy / "reports/kalk/sozialraumgebietsanalyse.html", "ab") as handle:
        handle.write(b" ")
    assert verify(copy).problems == ["reports/kalk/sozialraumgebietsanalyse.html: Inhalt verändert (Prüfsumme "
                                     "stimmt nicht)"]
