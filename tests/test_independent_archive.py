"""Independent tests of the verification of run archives and run folders (``veedel_lib/run/archive.py``, its
``verify`` part; issue #30 item 9).

The archives are built here by hand with ``zipfile`` and ``hashlib`` (not with ``create_archive``): their
SHA256SUMS, manifest and ``.sha256`` companion are written out as the format describes them, then changed in one
place each; the expected problems are the sentences the user guide promises, written out. Tiny files only: every
test takes milliseconds, so the mutation tests can run them for each mutant.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from veedel_lib.publish.signature import fingerprint, signature_entry
from veedel_lib.run.archive import Limits, parse_checksums, parse_manifest, verify

RUN_ID = "20260101-120000-abcdef12"
FILES = {
    "inputs/data/statistics.csv": b"unit_id;year;variable;count\n101;2024;einwohner;100\n",
    "inputs/parameters/run.yml": b"year: 2024\n",
    "reports/kalk/kalk.html": b"<html><p>Kalk</p></html>",
}
STATISTICS = "inputs/data/statistics.csv"
REPORT = "reports/kalk/kalk.html"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(files: dict[str, bytes] = FILES, **extra) -> bytes:
    """A manifest (version with a ``files`` section) recording these files' hashes."""
    return json.dumps({"run_id": RUN_ID, "files": {name: _sha(data) for name, data in files.items()},
                       **extra}).encode()


def _sums(entries: dict[str, bytes]) -> bytes:
    """SHA256SUMS as the format says: one ``<hash><two spaces><name>`` line per entry, sorted, newline-terminated."""
    return "".join(f"{_sha(data)}  {name}\n" for name, data in sorted(entries.items())).encode()


def _archive(folder: Path, entries: dict[str, bytes], *, sums: bytes | None = None, with_sums: bool = True,
             companion: bool = True, name: str = "lauf.zip", compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip of ``entries`` in the run's folder, with SHA256SUMS over them (or ``sums``) and a ``.sha256``."""
    path = folder / name
    with zipfile.ZipFile(path, "w", compression=compression) as packed:
        for entry, data in entries.items():
            packed.writestr(f"{RUN_ID}/{entry}", data)
        if with_sums:
            packed.writestr(f"{RUN_ID}/SHA256SUMS", _sums(entries) if sums is None else sums)
    if companion:
        (folder / f"{name}.sha256").write_text(f"{_sha(path.read_bytes())}  {name}\n", encoding="utf-8")
    return path


def _entries(**changes: bytes) -> dict[str, bytes]:
    """The run's files and its manifest (recording the unchanged files), with some contents replaced."""
    return {**FILES, "manifest.json": _manifest(), **changes}


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    run_dir = root / RUN_ID
    for name, data in files.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_bytes(data)
    return run_dir


def test_an_intact_hand_made_archive_is_in_order_with_every_file_and_its_companion_checked(tmp_path):
    result = verify(_archive(tmp_path, _entries()))
    assert result.problems == [] and result.ok
    assert result.checked == 1 + 4  # the companion, the three files and the manifest listed in SHA256SUMS
    assert result.archive and not result.signed and result.key is None and not result.authentic


def test_an_archive_changed_after_its_companion_was_written_is_named(tmp_path):
    path = _archive(tmp_path, _entries())
    with zipfile.ZipFile(path, "a") as packed:
        packed.writestr(f"{RUN_ID}/../nachtrag.txt", b"x")  # any change of the file's bytes
    result = verify(path)
    assert "lauf.zip: Prüfsumme der Archivdatei stimmt nicht mit lauf.zip.sha256 überein" in result.problems
    assert not result.ok


def test_the_archive_is_compared_with_its_companion_byte_for_byte(tmp_path):
    path = _archive(tmp_path, _entries())
    companion = tmp_path / "lauf.zip.sha256"
    digest = _sha(path.read_bytes())
    companion.write_text(f"{digest.upper()}  lauf.zip\n", encoding="utf-8")  # capitals are the same hash
    assert verify(path).problems == []
    other = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    companion.write_text(f"{other}  lauf.zip\n", encoding="utf-8")
    assert verify(path).problems == ["lauf.zip: Prüfsumme der Archivdatei stimmt nicht mit lauf.zip.sha256 überein"]
    for text in ("", "keine Prüfsumme  lauf.zip\n", digest[:63] + "  lauf.zip\n", digest + "0  lauf.zip\n"):
        companion.write_text(text, encoding="utf-8")
        result = verify(path)
        assert result.problems == ["lauf.zip.sha256: enthält keine SHA-256-Prüfsumme"], text
        assert result.checked == 5
    companion.unlink()
    result = verify(path)
    assert result.problems == [] and result.checked == 4  # no companion: nothing to compare with


def test_a_companion_is_read_only_as_far_as_its_first_kilobyte(tmp_path):
    path = _archive(tmp_path, _entries())
    companion = tmp_path / "lauf.zip.sha256"
    companion.write_text(" " * 1024 + _sha(path.read_bytes()), encoding="utf-8")
    assert verify(path).problems == ["lauf.zip.sha256: enthält keine SHA-256-Prüfsumme"]
    companion.write_text(" " * 961 + _sha(path.read_bytes()), encoding="utf-8")  # 1.025 bytes: one digit cut off
    assert verify(path).problems == ["lauf.zip.sha256: enthält keine SHA-256-Prüfsumme"]
    companion.write_text(" " * 960 + _sha(path.read_bytes()), encoding="utf-8")  # 1.024 bytes
    assert verify(path).problems == []
    companion.write_bytes(b"\xff\xfe" + _sha(path.read_bytes()).encode())  # not UTF-8: no traceback
    assert verify(path).problems == ["lauf.zip.sha256: enthält keine SHA-256-Prüfsumme"]


def test_a_changed_entry_is_named_even_when_the_manifest_was_left_alone(tmp_path):
    sums = _sums(_entries())
    result = verify(_archive(tmp_path, _entries(**{STATISTICS: b"unit_id;year;variable;count\n"}), sums=sums))
    assert result.problems == [f"{STATISTICS}: Inhalt verändert (Prüfsumme stimmt nicht)"]
    assert result.checked == 5


def test_a_missing_entry_is_named_and_a_listed_extra_file_too(tmp_path):
    entries = _entries()
    del entries[REPORT]
    result = verify(_archive(tmp_path, entries, sums=_sums(_entries())))
    assert result.problems == [f"{REPORT}: Datei fehlt"]
    assert result.checked == 5
    del entries[STATISTICS]
    result = verify(_archive(tmp_path, entries, sums=_sums(_entries()), name="zwei.zip"))
    assert result.problems == [f"{STATISTICS}: Datei fehlt", f"{REPORT}: Datei fehlt"]
    assert result.checked == 5
    extra = verify(_archive(tmp_path, _entries(**{"reports/x.html": b"neu"}), name="extra.zip"))
    assert extra.problems == ["reports/x.html: Datei ist nicht im Manifest verzeichnet"]


def test_a_file_in_the_manifest_but_not_in_the_checksums_is_named(tmp_path):
    entries = _entries()
    listed = {name: data for name, data in entries.items() if name != REPORT}
    result = verify(_archive(tmp_path, entries, sums=_sums(listed)))
    assert result.problems == []  # the manifest's hash of it still holds ...
    files = {**FILES, "reports/neu.html": b"neu"}
    crafted = {**files, "manifest.json": _manifest(files)}
    listed = {name: data for name, data in crafted.items() if name != "reports/neu.html"}
    sums = _sums(listed) + f"{_sha(b'neu')}  reports/neu.html\n".encode()
    assert verify(_archive(tmp_path, crafted, sums=sums, name="b.zip")).problems == []
    unlisted = {**crafted, "environment/anders.txt": b"x"}
    result = verify(_archive(tmp_path, unlisted, sums=_sums(crafted), name="c.zip"))
    assert result.problems == ["environment/anders.txt: Datei ist nicht im Manifest verzeichnet"]


def test_an_entry_outside_the_manifest_but_in_the_checksums_is_named_once(tmp_path):
    entries = _entries(**{"environment/packages.txt": b"pandas==2\n", "notizen.txt": b"x"})
    result = verify(_archive(tmp_path, entries))
    assert result.problems == ["notizen.txt: Datei ist nicht im Manifest verzeichnet"]
    without_files = {**FILES, "manifest.json": json.dumps({"run_id": RUN_ID}).encode(), "notizen.txt": b"x"}
    unlisted = {name: data for name, data in without_files.items() if name != "notizen.txt"}
    result = verify(_archive(tmp_path, without_files, sums=_sums(unlisted), name="b.zip"))
    assert result.problems == ["notizen.txt: Datei ist nicht in SHA256SUMS verzeichnet"]


def test_a_damaged_entry_is_named_and_the_entries_after_it_are_still_checked(tmp_path):
    entries = _entries(**{REPORT: b"<html><p>Vingst</p></html>"})  # changed, SHA256SUMS not
    path = _archive(tmp_path, entries, sums=_sums(_entries()), companion=False, compression=zipfile.ZIP_STORED)
    data = path.read_bytes()
    assert data.count(FILES[STATISTICS]) == 1
    path.write_bytes(data.replace(FILES[STATISTICS], FILES[STATISTICS].replace(b"100", b"900")))  # CRC no longer fits
    result = verify(path)
    assert len(result.problems) == 2
    assert result.problems[0].startswith(f"Eintrag „{STATISTICS}“ ist beschädigt und nicht lesbar")
    assert result.problems[1] == f"{REPORT}: Inhalt verändert (Prüfsumme stimmt nicht)"


def test_checksums_that_disagree_with_the_manifest_are_named(tmp_path):
    changed = _entries(**{STATISTICS: b"anders\n"})
    manifest_kept = {**changed, "manifest.json": _manifest()}  # SHA256SUMS recomputed, the manifest not
    result = verify(_archive(tmp_path, manifest_kept))
    assert result.problems == [f"{STATISTICS}: Prüfsumme in SHA256SUMS weicht vom Manifest ab"]


def test_an_archive_without_checksums_or_manifest_is_named_a_run_folder_needs_no_checksums(tmp_path):
    assert verify(_archive(tmp_path, _entries(), with_sums=False)).problems == ["SHA256SUMS fehlt"]
    no_manifest = {name: data for name, data in _entries().items() if name != "manifest.json"}
    assert verify(_archive(tmp_path, no_manifest, name="b.zip")).problems == ["manifest.json fehlt"]
    run_dir = _folder(tmp_path / "ordner", _entries())
    result = verify(run_dir)
    assert result.problems == [] and result.checked == 3 and not result.archive
    (run_dir / STATISTICS).write_bytes(b"anders\n")
    (run_dir / "neu.txt").write_bytes(b"x")
    assert verify(run_dir).problems == [f"{STATISTICS}: Inhalt verändert (Prüfsumme stimmt nicht)",
                                        "neu.txt: Datei ist nicht im Manifest verzeichnet"]
    (run_dir / "manifest.json").unlink()
    assert verify(run_dir).problems == ["manifest.json fehlt"]


def test_a_missing_path_or_a_file_that_is_no_zip_is_named(tmp_path):
    result = verify(tmp_path / "fehlt.zip")
    assert result.problems == [f"{tmp_path / 'fehlt.zip'}: nicht gefunden"] and result.checked == 0
    (tmp_path / "kein.zip").write_bytes(b"kein zip")
    result = verify(tmp_path / "kein.zip")
    assert len(result.problems) == 1 and result.problems[0].startswith("kein.zip: kein lesbares Zip-Archiv")


def test_a_manifest_of_version_0_1_is_checked_by_its_inputs_and_report_outputs(tmp_path):
    old = {"run_id": RUN_ID, "inputs": {STATISTICS: _sha(FILES[STATISTICS])},
           "reports": [{"outputs": {REPORT: _sha(FILES[REPORT])}}, {"outputs": {}}, {"status": "fehler"}]}
    files = {STATISTICS: FILES[STATISTICS], REPORT: FILES[REPORT], "manifest.json": json.dumps(old).encode()}
    run_dir = _folder(tmp_path / "alt", files)
    result = verify(run_dir)
    assert result.problems == [] and result.checked == 2
    (run_dir / REPORT).write_bytes(b"anders")
    (run_dir / STATISTICS).unlink()
    assert verify(run_dir).problems == [f"{STATISTICS}: Datei fehlt",
                                        f"{REPORT}: Inhalt verändert (Prüfsumme stimmt nicht)"]


def test_a_manifest_whose_sections_contradict_each_other_is_named(tmp_path):
    manifest = json.loads(_manifest())
    manifest["inputs"] = {STATISTICS: _sha(b"anders"),
                          "inputs/parameters/run.yml": _sha(FILES["inputs/parameters/run.yml"])}
    manifest["reports"] = [{"outputs": {REPORT: _sha(FILES[REPORT])}}]
    entries = {**FILES, "manifest.json": json.dumps(manifest).encode()}
    assert verify(_archive(tmp_path, entries)).problems == [
        f"{STATISTICS}: Prüfsumme im Manifest widersprüchlich (Abschnitt files gegenüber inputs/reports)"]
    manifest["reports"] = [{"outputs": {REPORT: _sha(b"alt")}}]
    manifest["inputs"] = {}
    entries = {**FILES, "manifest.json": json.dumps(manifest).encode()}
    assert verify(_archive(tmp_path, entries, name="b.zip")).problems == [
        f"{REPORT}: Prüfsumme im Manifest widersprüchlich (Abschnitt files gegenüber inputs/reports)"]


def test_an_oversized_manifest_or_checksum_list_is_refused_naming_it_and_not_called_missing(tmp_path):
    limits = Limits(text_bytes=100)
    result = verify(_archive(tmp_path, _entries()), limits=limits)
    assert result.problems == [f"Eintrag „{name}“ abgelehnt: größer als 100 Bytes, die für diese Datei "
                               "erlaubt sind" for name in ("SHA256SUMS", "manifest.json")]
    assert verify(_folder(tmp_path / "ordner", _entries()), limits=limits).problems == [
        "manifest.json: größer als 100 Bytes, die für diese Datei erlaubt sind"]


def test_checksum_lines_are_parsed_as_written_and_broken_ones_named_by_line():
    a, b = _sha(b"a"), _sha(b"b")
    assert parse_checksums(f"{a}  x.csv\n{b.upper()}  d/y.csv\n".encode()) == ({"x.csv": a, "d/y.csv": b}, [])
    assert parse_checksums(f"{a}  x.csv".encode()) == ({"x.csv": a}, [])  # no final line break
    assert parse_checksums(b"") == ({}, [])
    hashes, problems = parse_checksums(f"{a} x.csv\n{a[:63]}  y.csv\n{a}  ../z.csv\n{a}  x.csv\n{b}  x.csv\n\n"
                                       f"{a}  \n".encode())
    assert hashes == {"x.csv": a}
    assert problems == [
        f"SHA256SUMS, Zeile 1: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“, gefunden „{a} x.csv“",
        f"SHA256SUMS, Zeile 2: „{a[:63]}“ ist keine SHA-256-Prüfsumme (64 Hexadezimalzeichen)",
        "SHA256SUMS, Zeile 3: Dateiname „../z.csv“ ungültig: der Pfad enthält .. und würde aus dem Zielordner "
        "herausführen",
        "SHA256SUMS, Zeile 5: „x.csv“ steht schon in Zeile 4",
        "SHA256SUMS, Zeile 6: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“, gefunden „“",
        f"SHA256SUMS, Zeile 7: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“, gefunden „{a}  “",
    ]
    assert parse_checksums(b"ab\xffcd") == ({}, ["SHA256SUMS: kein UTF-8-Text (Byte 3)"])


def test_a_checksum_line_splits_at_the_first_two_spaces_and_a_long_broken_line_is_quoted_shortened():
    a = _sha(b"a")
    assert parse_checksums(f"{a}  mein  bericht.csv\n".encode()) == ({"mein  bericht.csv": a}, [])
    _, problems = parse_checksums(("x" * 100 + "\n" + "y" * 100 + "  z.csv\n").encode())
    assert problems == [  # 77 characters and "..." make the 80 a message quotes at most
        "SHA256SUMS, Zeile 1: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“, gefunden „" + "x" * 77 + "...“",
        "SHA256SUMS, Zeile 2: „" + "y" * 77 + "...“ ist keine SHA-256-Prüfsumme (64 Hexadezimalzeichen)",
    ]


def test_a_manifest_is_parsed_and_its_broken_parts_named():
    good = {"files": {"a.csv": _sha(b"a").upper()}, "inputs": {}, "reports": [{"outputs": {}}]}
    lower = {"files": {"a.csv": _sha(b"a")}, "inputs": {}, "reports": [{"outputs": {}}]}  # as later compared
    assert parse_manifest(json.dumps(good).encode()) == (lower, [])
    assert parse_manifest(b"{}") == ({}, [])
    assert parse_manifest(b'{\n "files": [1,]\n}') == (None, [
        "manifest.json, Zeile 2, Spalte 14: kein gültiges JSON"])
    assert parse_manifest(b"\xff") == (None, ["manifest.json: kein UTF-8-Text (Byte 1)"])
    assert parse_manifest(b"[" * 100_000 + b"]" * 100_000) == (
        None, ["manifest.json: zu tief verschachtelt, kein Manifest von veedel"])
    assert parse_manifest(b"[]") == (None, ["manifest.json: muss ein JSON-Objekt sein, ist aber list"])
    broken = {"inputs": [], "files": {"a.csv": "abc", "../b.csv": _sha(b"b"), "c.csv": 5},  # a hash, a name
              "reports": [{"outputs": {"d.csv": _sha(b"d")}}, {"outputs": "kaputt"}]}
    assert parse_manifest(json.dumps(broken).encode()) == (None, [
        "manifest.json: Abschnitt „inputs“ muss ein Objekt aus Dateinamen und Prüfsummen sein, ist aber list",
        "manifest.json: Abschnitt „files“: Prüfsumme von „a.csv“ ist keine SHA-256 (64 Hexadezimalzeichen)",
        "manifest.json: Abschnitt „files“: Dateiname „../b.csv“ ungültig: der Pfad enthält .. und würde aus dem "
        "Zielordner herausführen",
        "manifest.json: Abschnitt „files“: Prüfsumme von „c.csv“ ist keine SHA-256 (64 Hexadezimalzeichen)",
        "manifest.json: Bericht 2, Abschnitt „outputs“ muss ein Objekt aus Dateinamen und Prüfsummen sein, ist aber "
        "str",
    ])
    for reports in ("kaputt", [1], [{}, "x"]):
        assert parse_manifest(json.dumps({"reports": reports}).encode()) == (
            None, ["manifest.json: Abschnitt „reports“ muss eine Liste von Objekten sein"])


def test_a_broken_manifest_in_an_archive_is_named_and_its_files_still_checked_by_the_checksums(tmp_path):
    entries = _entries(**{"manifest.json": b"[]", STATISTICS: b"anders"})
    result = verify(_archive(tmp_path, entries, sums=_sums(_entries(**{"manifest.json": b"[]"}))))
    assert result.problems == ["manifest.json: muss ein JSON-Objekt sein, ist aber list",
                               f"{STATISTICS}: Inhalt verändert (Prüfsumme stimmt nicht)"]


@pytest.fixture(scope="module")
def city_key():
    return Ed25519PrivateKey.generate()


def test_a_signed_hand_made_archive_is_authentic_with_its_key_only(tmp_path, city_key):
    entries = _entries()
    sums = _sums(entries)
    signed = _archive(tmp_path, {**entries, "SIGNATURE": signature_entry(city_key, sums)}, sums=sums)
    result = verify(signed, public_key=city_key.public_key())
    assert result.problems == [] and result.signed and result.authentic
    assert result.key == fingerprint(city_key.public_key())
    unchecked = verify(signed)
    assert unchecked.signed and unchecked.ok and not unchecked.authentic and unchecked.key is None
    other = verify(signed, public_key=Ed25519PrivateKey.generate().public_key())
    assert not other.authentic and len(other.problems) == 1 and other.problems[0].startswith("SIGNATURE: ")
    changed_sums = sums + f"{_sha(b'x')}  neu.txt\n".encode()
    forged = _archive(tmp_path, {**entries, "neu.txt": b"x", "SIGNATURE": signature_entry(city_key, sums)},
                      sums=changed_sums, name="b.zip")
    result = verify(forged, public_key=city_key.public_key())
    assert not result.authentic and result.problems[0].startswith("SIGNATURE: Signatur ungültig")


def test_an_oversized_signature_is_named_not_read(tmp_path, city_key):
    entries = {**_entries(), "SIGNATURE": b"x" * 700}
    result = verify(_archive(tmp_path, entries, sums=_sums(_entries())), public_key=city_key.public_key(),
                    limits=Limits(text_bytes=600))
    assert result.problems == ["Eintrag „SIGNATURE“ abgelehnt: größer als 600 Bytes, die für diese Datei erlaubt sind"]
    assert result.signed and not result.authentic


def test_an_unsigned_archive_or_a_run_folder_is_not_authentic_with_a_key(tmp_path, city_key):
    result = verify(_archive(tmp_path, _entries()), public_key=city_key.public_key())
    assert result.problems == ["SIGNATURE fehlt: das Archiv ist nicht signiert, seine Herkunft ist unbekannt"]
    assert not result.signed and not result.authentic
    folder = verify(_folder(tmp_path / "ordner", _entries()), public_key=city_key.public_key())
    assert folder.problems == ["Ein Laufordner trägt keine Signatur: die Herkunft lässt sich nur an einem "
                               "signierten Archiv prüfen"]
    assert not folder.authentic
    no_sums = verify(_archive(tmp_path, {**_entries(), "SIGNATURE": b"x"}, with_sums=False, name="b.zip"),
                     public_key=city_key.public_key())
    assert no_sums.problems == ["SHA256SUMS fehlt", "SIGNATURE: Datei ist nicht im Manifest verzeichnet"]
    assert no_sums.signed and not no_sums.authentic


def test_a_manifest_with_capital_hex_digits_is_the_same_hashes(tmp_path):
    """SHA-256 in capitals is the same hash in the manifest as in SHA256SUMS and the companion file."""
    manifest = json.dumps({"run_id": RUN_ID, "files": {name: _sha(data).upper() for name, data in FILES.items()}})
    result = verify(_archive(tmp_path, {**FILES, "manifest.json": manifest.encode()}))
    assert result.problems == [] and result.ok
