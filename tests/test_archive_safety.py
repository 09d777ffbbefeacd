"""Archives as hostile input and with an origin: entries that would escape, links, bombs, broken checksum lists
and manifests, a re-checksummed code change, Ed25519 signatures and where the private key may lie.

Built on a small synthetic run folder (no notebook runs): the reproduce tests stop before the run, or replace the
runner by a recorder, so that nothing here executes a report.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tracemalloc
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import zip_file

from veedel_lib import cli
from veedel_lib.errors import ConfigurationError, IntegrityError
from veedel_lib.publish import signature
from veedel_lib.publish.portal import PUBLIC_KEY_FILE, write_portal
from veedel_lib.run import runner
from veedel_lib.run.archive import CHECKSUMS, SIGNATURE, Limits, create_archive, reproduce, verify
from veedel_lib.run.manifest import file_hashes, library_hash

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "inputs/notebooks/sozialraumgebietsanalyse.ipynb"
RUN_ID = "20260101-120000-abcdef12"


def _fake_run(folder: Path) -> Path:
    """A run folder as ``veedel run`` leaves it (inputs with the installed notebook, a table, the portal, manifest)."""
    run_dir = folder / RUN_ID
    files = {
        NOTEBOOK: (ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb").read_bytes(),
        "inputs/data/statistics.csv": b"unit_id,variable,year,value\n1,einwohner,2024,100\n",
        "inputs/parameters/run.yml": b"data_dir: demo\n",
        "reports/kalk/tables/sozialraumgebietsanalyse/soziale_lage.csv": b"a,b\n1,2\n",
        "index.html": b"<html></html>",
    }
    for name, data in files.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_bytes(data)
    hashes = file_hashes(run_dir)
    manifest = {"run_id": RUN_ID, "parameters": {"year": 2024, "baseline_year": 2020, "areas": ["kalk"],
                                                 "reports": ["sozialraumgebietsanalyse"], "formats": []},
                "inputs": {n: h for n, h in hashes.items() if n.startswith("inputs/")}, "reports": [],
                "files": hashes, "environment": {"veedel_code": library_hash()},
                "git_commit": "0" * 40}  # another commit, the same code: reproduce compares the code's hash
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run_dir


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as packed:
        return {info.filename: packed.read(info) for info in packed.infolist()}


def _write(target: Path, entries: dict[str, bytes], special: dict[str, int] | None = None) -> Path:
    """A zip file of these entries; ``special`` gives some of them a Unix mode (e.g. a symbolic link)."""
    return zip_file(target, entries, special)


def _rechecksummed(source: Path, target: Path, changes: dict[str, bytes], special: dict[str, int] | None = None,
                   keep_signature: bool = False) -> Path:
    """What an attacker does: change or add entries, then recompute the manifest's hashes and SHA256SUMS."""
    prefix = RUN_ID + "/"
    entries = {name[len(prefix):]: data for name, data in _entries(source).items()}
    entries.update(changes)
    manifest = json.loads(entries["manifest.json"])
    for name, data in changes.items():
        if name == "manifest.json":
            continue
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
        if name.startswith("inputs/"):
            manifest["inputs"][name] = hashlib.sha256(data).hexdigest()
    entries["manifest.json"] = json.dumps(manifest).encode()
    if not keep_signature:
        entries.pop(SIGNATURE, None)
    entries[CHECKSUMS] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data
                                 in sorted(entries.items()) if name not in (CHECKSUMS, SIGNATURE)).encode()
    return _write(target, {prefix + name: data for name, data in entries.items()},
                  {prefix + name: mode for name, mode in (special or {}).items()})


def _with_code_cell(data: bytes) -> bytes:
    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import os; os.system('touch /tmp/angriff')"))
    return nbformat.writes(notebook).encode("utf-8")


@pytest.fixture
def run_dir(tmp_path):
    return _fake_run(tmp_path / "outputs")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """A key pair of the city and one of somebody else, outside every project and run folder."""
    city = signature.write_key_pair(tmp_path_factory.mktemp("stadt"))
    other = signature.write_key_pair(tmp_path_factory.mktemp("andere"))
    return city, other


@pytest.fixture
def no_run(monkeypatch):
    """The runner replaced by a recorder of the inputs folder it would run (no notebook executes)."""
    calls = []

    def recorder(config, inputs, outputs, **kwargs):
        calls.append({"notebooks": {p.name: p.read_bytes() for p in (inputs / "notebooks").iterdir()}})
        raise RuntimeError("Lauf nicht ausgeführt (Test)")

    monkeypatch.setattr(runner, "run_from_inputs", recorder)
    return calls


# ----------------------------------------------------------------------------- entries that would escape

def test_an_entry_with_dotdot_is_refused_naming_it_and_nothing_is_written_outside(run_dir, tmp_path, monkeypatch,
                                                                                   no_run):
    hostile = "inputs/../../../../elsewhere/x"
    crafted = _rechecksummed(create_archive(run_dir), tmp_path / "slip.zip", {hostile: b"geschrieben"})
    deep = tmp_path / "deep" / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.setattr("tempfile.tempdir", str(deep))  # the re-run's folder: deep/a/b/c/veedel-reproduce-...
    problems = verify(crafted).problems
    assert any(hostile in p and "aus dem Zielordner herausführen" in p for p in problems), problems
    with pytest.raises(IntegrityError, match="elsewhere/x"):
        reproduce(crafted)
    assert not (tmp_path / "deep" / "a" / "elsewhere").exists()
    assert no_run == []


def test_an_entry_below_a_file_entry_is_refused_naming_it_and_nothing_stays_behind(run_dir, tmp_path, monkeypatch,
                                                                                   no_run):
    crafted = _rechecksummed(create_archive(run_dir), tmp_path / "both.zip",
                             {"inputs/data/x": b"Datei", "inputs/data/x/y": b"darunter"})
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    with pytest.raises(IntegrityError, match="Eintrag „inputs/data/x/y“ lässt sich nicht auspacken"):
        reproduce(crafted)
    assert list((tmp_path / "tmp").iterdir()) == [] and no_run == []


def test_an_absolute_entry_is_refused_naming_it(run_dir, tmp_path):
    absolute = str(tmp_path / "absolut" / "x")
    entries = _entries(create_archive(run_dir))
    crafted = _write(tmp_path / "absolute.zip", {**entries, absolute: b"x"})
    assert f"Eintrag „{absolute}“ abgelehnt: der Pfad ist absolut (beginnt mit /)" in verify(crafted).problems


@pytest.mark.parametrize("name, reason", [("C:/Windows/x", "Laufwerksbuchstaben"),
                                          (f"{RUN_ID}/inputs\\..\\..\\x", "Rückstrich")])
def test_drive_letters_and_backslashes_are_refused(run_dir, tmp_path, name, reason):
    crafted = _write(tmp_path / "win.zip", {**_entries(create_archive(run_dir)), name: b"x"})
    assert any(p.startswith(f"Eintrag „{name}“ abgelehnt") and reason in p for p in verify(crafted).problems)


def test_a_symlink_entry_is_refused_even_when_checksummed(run_dir, tmp_path):
    link = "inputs/data/passwd.csv"
    crafted = _rechecksummed(create_archive(run_dir), tmp_path / "link.zip", {link: b"/etc/passwd"},
                             special={link: stat.S_IFLNK | 0o777})
    assert verify(crafted).problems == [
        f"Eintrag „{RUN_ID}/{link}“ abgelehnt: der Eintrag ist eine symbolische Verknüpfung"]


def test_a_device_entry_is_refused(run_dir, tmp_path):
    device = "inputs/data/null"
    crafted = _rechecksummed(create_archive(run_dir), tmp_path / "dev.zip", {device: b""},
                             special={device: stat.S_IFCHR | 0o666})
    assert any("Gerätedatei" in p and device in p for p in verify(crafted).problems)


# ----------------------------------------------------------------------------- sizes and bombs

def _zero_entry(target: Path, base: Path, size: int) -> Path:
    """``base`` plus one entry of ``size`` zero bytes, written in chunks (small on disk: about size / 1000)."""
    shutil.copyfile(base, target)
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as packed:
        info = zipfile.ZipInfo(f"{RUN_ID}/inputs/data/nullen.bin", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type, info.file_size = zipfile.ZIP_DEFLATED, size
        with packed.open(info, "w") as entry:
            for _ in range(size // (1 << 20)):
                entry.write(bytes(1 << 20))
    return target


def test_a_compression_bomb_is_refused_by_its_ratio_naming_it(run_dir, tmp_path):
    bomb = _zero_entry(tmp_path / "bomb.zip", create_archive(run_dir), 4 << 20)
    problems = verify(bomb).problems
    assert any(p.startswith(f"Eintrag „{RUN_ID}/inputs/data/nullen.bin“ abgelehnt: Kompressionsverhältnis")
               for p in problems), problems
    assert "inputs/data/nullen.bin: Datei fehlt" not in problems


def test_an_entry_beyond_the_size_limit_is_refused_and_the_total_too(run_dir, tmp_path):
    large = _zero_entry(tmp_path / "large.zip", create_archive(run_dir), 4 << 20)
    problems = verify(large, limits=Limits(entry_bytes=2 << 20, ratio=10_000)).problems
    assert any("nullen.bin“ abgelehnt: angegebene Größe 4.194.304 Bytes über der Grenze von 2.097.152 Bytes" in p
               for p in problems), problems
    total = verify(large, limits=Limits(total_bytes=3 << 20, ratio=10_000)).problems
    assert len(total) == 1 and "mehr als die Grenze von 3.145.728 Bytes" in total[0], total


def test_too_many_entries_are_refused_before_reading_them(run_dir, tmp_path):
    problems = verify(create_archive(run_dir), limits=Limits(entries=3)).problems
    assert len(problems) == 1 and "Einträge, mehr als die Grenze von 3" in problems[0], problems


def test_an_entry_longer_than_declared_is_not_read_past_its_size(run_dir, tmp_path):
    archive = create_archive(run_dir)
    entries = _entries(archive)
    name = f"{RUN_ID}/inputs/data/statistics.csv"
    crafted = _write(tmp_path / "lying.zip", entries)
    data = bytearray(crafted.read_bytes())
    with zipfile.ZipFile(crafted) as packed:
        info = packed.getinfo(name)
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = (info.file_size // 2).to_bytes(4, "little")  # declared: half the real size
    crafted.write_bytes(bytes(data))
    problems = verify(crafted).problems
    assert any(p.startswith("Eintrag „inputs/data/statistics.csv“ ist beschädigt") for p in problems), problems


def test_verify_hashes_a_large_entry_in_bounded_memory(run_dir, tmp_path):
    large = _rechecksummed(create_archive(run_dir), tmp_path / "large.zip", {"inputs/data/nullen.bin": bytes(24 << 20)})
    tracemalloc.start()
    try:
        result = verify(large, limits=Limits(ratio=10_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok and result.checked >= 7, result.problems
    assert peak < 8 << 20, f"{peak:,} Bytes"  # the whole entry would be 24 MiB


# ----------------------------------------------------------------------------- SHA256SUMS and manifest

def test_broken_checksum_lines_are_german_problems_naming_the_line(run_dir, tmp_path):
    entries = _entries(create_archive(run_dir))
    lines = entries[f"{RUN_ID}/{CHECKSUMS}"].decode().splitlines()
    broken = [lines[0].replace("  ", " ", 1), "zz" + lines[1][2:], lines[2], lines[2], *lines[3:]]
    entries[f"{RUN_ID}/{CHECKSUMS}"] = ("\n".join(broken) + "\n").encode()
    problems = verify(_write(tmp_path / "sums.zip", entries)).problems
    assert problems[0].startswith("SHA256SUMS, Zeile 1: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“")
    assert problems[1].startswith("SHA256SUMS, Zeile 2: „zz") and "ist keine SHA-256-Prüfsumme" in problems[1]
    assert problems[2] == f"SHA256SUMS, Zeile 4: „{lines[2].split('  ', 1)[1]}“ steht schon in Zeile 3"


@pytest.mark.parametrize("text, expected", [
    (b'{"run_id": "x",\n "files": {', "manifest.json, Zeile 2, Spalte 12: kein gültiges JSON"),
    (b'["keine", "Tabelle"]', "manifest.json: muss ein JSON-Objekt sein, ist aber list"),
    (b'{"files": ["index.html"]}', "manifest.json: Abschnitt „files“ muss ein Objekt aus Dateinamen und "
                                   "Prüfsummen sein, ist aber list"),
    (b'{"files": {"index.html": 5}}', "manifest.json: Abschnitt „files“: Prüfsumme von „index.html“ ist keine "
                                      "SHA-256 (64 Hexadezimalzeichen)"),
    (b'{"reports": [{"outputs": []}]}', "manifest.json: Bericht 1, Abschnitt „outputs“ muss ein Objekt aus "
                                        "Dateinamen und Prüfsummen sein, ist aber list"),
    (b"[" * 100_000, "manifest.json: zu tief verschachtelt, kein Manifest von veedel"),
], ids=["cut-off", "list", "files-list", "hash-number", "outputs-list", "deep"])
def test_a_broken_manifest_is_a_german_problem_not_a_traceback(run_dir, tmp_path, text, expected):
    (run_dir / "manifest.json").write_bytes(text)
    assert expected in verify(run_dir).problems


def test_reproduce_names_a_manifest_with_wrong_parameter_types(run_dir, tmp_path, no_run):
    archive = create_archive(run_dir)
    manifest = json.loads(_entries(archive)[f"{RUN_ID}/manifest.json"])
    manifest["parameters"]["year"] = "__import__('os')"
    crafted = _rechecksummed(archive, tmp_path / "types.zip", {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(IntegrityError, match="„parameters.year“ muss eine ganze Zahl sein"):
        reproduce(crafted)
    assert no_run == []


# ----------------------------------------------------------------------------- re-checksummed code change

def test_verify_never_says_in_ordnung_to_a_rechecksummed_code_change_without_a_key(run_dir, tmp_path, capsys):
    archive = create_archive(run_dir)
    code = _with_code_cell(_entries(archive)[f"{RUN_ID}/{NOTEBOOK}"])
    crafted = _rechecksummed(archive, tmp_path / "code.zip", {NOTEBOOK: code})
    result = verify(crafted)
    assert result.ok and result.key is None and not result.authentic  # consistent with itself, origin unknown
    assert cli.main(["verify", str(crafted)]) == cli.UNCHECKED_ORIGIN
    output = capsys.readouterr().out
    assert "In Ordnung" not in output and "Herkunft nicht geprüft" in output and "nicht signiert" in output


def test_reproduce_refuses_a_changed_notebook_naming_it(run_dir, tmp_path, no_run, capsys):
    archive = create_archive(run_dir)
    code = _with_code_cell(_entries(archive)[f"{RUN_ID}/{NOTEBOOK}"])
    crafted = _rechecksummed(archive, tmp_path / "code.zip", {NOTEBOOK: code,
                                                              "inputs/notebooks/pandas.py": b"import os\n"})
    with pytest.raises(IntegrityError) as refused:
        reproduce(crafted)
    message = str(refused.value)
    assert f"{NOTEBOOK}: weicht vom installierten Notebook" in message
    assert "inputs/notebooks/pandas.py: gibt es im installierten Projekt nicht" in message
    assert no_run == []
    assert cli.main(["reproduce", str(crafted)]) == 2
    assert "anderen Code als das installierte Projekt" in capsys.readouterr().out


def test_reproduce_stops_when_the_library_version_or_the_git_commit_differs(run_dir, no_run):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["environment"], manifest["git_commit"] = {"veedel": "0.0.1"}, "0" * 40
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IntegrityError) as refused:
        reproduce(create_archive(run_dir))
    assert "Bibliothek veedel: archiviert Version „0.0.1“, installiert" in str(refused.value)
    assert f"Projektstand (git): archiviert „{'0' * 40}“, installiert" in str(refused.value)  # no code hash
    manifest["environment"] = {"veedel_code": "0" * 64}
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IntegrityError, match=f"Code der Bibliothek veedel: archiviert SHA-256 „{'0' * 64}“, "
                                             f"installiert {library_hash()}"):
        reproduce(create_archive(run_dir))
    assert no_run == []


def test_reproduce_across_code_versions_runs_the_installed_code_only_when_asked_and_says_so(run_dir, no_run):
    code = _with_code_cell((run_dir / NOTEBOOK).read_bytes())
    (run_dir / NOTEBOOK).write_bytes(code)  # an archive made with another version of the notebook
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][NOTEBOOK] = manifest["inputs"][NOTEBOOK] = hashlib.sha256(code).hexdigest()
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    archive = create_archive(run_dir)
    with pytest.raises(IntegrityError, match="Mit --installierten-code-verwenden läuft die Wiederholung"):
        reproduce(archive)
    with pytest.raises(ConfigurationError, match="schließen sich aus"):
        reproduce(archive, archived_code=True, installed_code=True)
    assert no_run == []
    with pytest.raises(RuntimeError, match="nicht ausgeführt"):
        reproduce(archive, installed_code=True)
    installed = (ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb").read_bytes()
    assert no_run == [{"notebooks": {"sozialraumgebietsanalyse.ipynb": installed}}]  # never the archived code


def test_reproduce_runs_the_installed_notebooks(run_dir, no_run):
    with pytest.raises(RuntimeError, match="nicht ausgeführt"):
        reproduce(create_archive(run_dir))
    installed = (ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb").read_bytes()
    assert no_run == [{"notebooks": {"sozialraumgebietsanalyse.ipynb": installed}}]


def test_archived_code_runs_only_from_an_authentic_archive_when_asked(run_dir, tmp_path, keys, no_run):
    (city_private, city_public), _ = keys
    key = signature.load_private_key(city_private)
    trusted = signature.load_public_key(city_public)
    code = _with_code_cell((run_dir / NOTEBOOK).read_bytes())
    (run_dir / NOTEBOOK).write_bytes(code)  # the city itself ran a changed notebook and signed the archive
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][NOTEBOOK] = manifest["inputs"][NOTEBOOK] = hashlib.sha256(code).hexdigest()
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    signed = create_archive(run_dir, tmp_path / "signiert.zip", key=key)
    with pytest.raises(ConfigurationError, match="nur für ein echtes Archiv"):
        reproduce(signed, archived_code=True)                    # no trusted key: origin unknown
    with pytest.raises(IntegrityError, match="mit --archivierten-code-ausfuehren läuft ausdrücklich"):
        reproduce(signed, public_key=trusted)                    # authentic, but not asked for
    assert no_run == []
    with pytest.raises(RuntimeError, match="nicht ausgeführt"):
        reproduce(signed, public_key=trusted, archived_code=True)
    assert no_run == [{"notebooks": {"sozialraumgebietsanalyse.ipynb": code}}]


# ----------------------------------------------------------------------------- signatures

def test_a_signed_archive_is_authentic_only_with_the_city_key(run_dir, tmp_path, keys, capsys):
    (city_private, city_public), (_, other_public) = keys
    signed = create_archive(run_dir, tmp_path / "signiert.zip", key=signature.load_private_key(city_private))
    trusted = signature.load_public_key(city_public)
    result = verify(signed, public_key=trusted)
    assert result.authentic and result.key == signature.fingerprint(trusted), result.problems
    assert cli.main(["verify", str(signed), "--oeffentlicher-schluessel", str(city_public)]) == 0
    assert "Echt und unverändert" in capsys.readouterr().out
    wrong = verify(signed, public_key=signature.load_public_key(other_public))
    assert not wrong.authentic
    assert wrong.problems == [f"SIGNATURE: Signatur passt nicht zum angegebenen Schlüssel (Fingerabdruck "
                              f"{wrong.key}); das Archiv nennt als Unterzeichner den Schlüssel "
                              f"{result.key}"]


def test_a_changed_entry_of_a_signed_archive_breaks_the_signature_naming_the_file(run_dir, tmp_path, keys, capsys):
    (city_private, city_public), _ = keys
    signed = create_archive(run_dir, tmp_path / "signiert.zip", key=signature.load_private_key(city_private))
    code = _with_code_cell(_entries(signed)[f"{RUN_ID}/{NOTEBOOK}"])
    crafted = _rechecksummed(signed, tmp_path / "code.zip", {NOTEBOOK: code}, keep_signature=True)
    result = verify(crafted, public_key=signature.load_public_key(city_public))
    assert not result.authentic
    assert result.problems == ["SIGNATURE: Signatur ungültig: SHA256SUMS wurde nach dem Signieren verändert oder "
                               "die Signatur ist gefälscht"]
    tampered = _write(tmp_path / "tampered.zip", {**_entries(signed), f"{RUN_ID}/{NOTEBOOK}": code})
    assert verify(tampered, public_key=signature.load_public_key(city_public)).problems == [
        f"{NOTEBOOK}: Inhalt verändert (Prüfsumme stimmt nicht)"]
    assert cli.main(["verify", str(tampered), "--oeffentlicher-schluessel", str(city_public)]) == 1
    assert "Nicht echt" in capsys.readouterr().out


def test_an_unsigned_archive_is_not_authentic(run_dir, keys):
    (_, city_public), _ = keys
    result = verify(create_archive(run_dir), public_key=signature.load_public_key(city_public))
    assert not result.authentic
    assert result.problems == ["SIGNATURE fehlt: das Archiv ist nicht signiert, seine Herkunft ist unbekannt"]


def test_archive_signs_with_the_key_named_by_the_environment(run_dir, tmp_path, keys, monkeypatch, capsys):
    (city_private, city_public), _ = keys
    monkeypatch.setenv(signature.KEY_VARIABLE, str(city_private))
    assert cli.main(["archive", str(run_dir), "--output", str(tmp_path / "a.zip")]) == 0
    assert "Signiert mit dem Schlüssel" in capsys.readouterr().out
    assert verify(tmp_path / "a.zip", public_key=signature.load_public_key(city_public)).authentic


# ----------------------------------------------------------------------------- where the private key may lie

def test_the_key_pair_command_writes_a_private_key_only_its_owner_can_read(tmp_path, capsys):
    assert cli.main(["schluessel", str(tmp_path / "schluessel")]) == 0
    private = tmp_path / "schluessel" / signature.PRIVATE_KEY_NAME
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert "Fingerabdruck" in capsys.readouterr().out
    assert cli.main(["schluessel", str(tmp_path / "schluessel")]) == 2      # never overwritten
    assert "besteht schon" in capsys.readouterr().out


def test_the_private_key_is_never_written_into_a_project_run_or_outputs_folder(run_dir, capsys):
    for folder in (ROOT / "schluessel-test", run_dir / "schluessel", run_dir.parent / "schluessel"):
        assert cli.main(["schluessel", str(folder)]) == 2
        assert "darf nie in einem Projekt, einem Lauf oder einem Ausgabeordner liegen" in capsys.readouterr().out
        assert not folder.exists()


def test_a_private_key_inside_the_run_folder_is_never_archived(run_dir, keys, tmp_path):
    (city_private, _), _ = keys
    inside = run_dir / "reports" / "schluessel.pem"
    shutil.copyfile(city_private, inside)
    os.chmod(inside, 0o600)
    with pytest.raises(ConfigurationError, match="darf nie in einem Projekt, einem Lauf"):
        signature.load_private_key(inside)
    with pytest.raises(ConfigurationError, match="reports/schluessel.pem: enthält einen privaten Schlüssel"):
        create_archive(run_dir, tmp_path / "a.zip")
    assert not (tmp_path / "a.zip").exists()


def test_a_private_key_readable_by_others_is_refused(keys, tmp_path):
    (city_private, _), _ = keys
    copy = tmp_path / "offen.key"
    shutil.copyfile(city_private, copy)
    os.chmod(copy, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        signature.load_private_key(copy)


def test_the_portal_publishes_the_configured_public_key_with_its_fingerprint(run_dir, keys):
    (_, city_public), _ = keys
    shutil.copyfile(city_public, run_dir / "inputs" / "parameters" / "stadt.pub")
    (run_dir / "inputs" / "parameters" / "run.yml").write_text("data_dir: demo\npublic_key: stadt.pub\n",
                                                               encoding="utf-8")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    page = write_portal(run_dir, manifest).read_text(encoding="utf-8")
    trusted = signature.load_public_key(city_public)
    assert signature.load_public_key(run_dir / PUBLIC_KEY_FILE).public_bytes_raw() == trusted.public_bytes_raw()
    assert signature.fingerprint(trusted) in page and f'href="{PUBLIC_KEY_FILE}"' in page
