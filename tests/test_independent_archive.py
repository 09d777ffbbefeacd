"""Independent tests of run archives and run folders (``veedel_lib/run/archive.py``; issue #30 item 9): their
verification, the reading of hostile archives (names, kinds, sizes, the end record's entry count, limits), packing,
opening and comparing runs, and the parts of reproducing that need no run (run parameters, code differences, the
refusal of archived code, unpacking the inputs, the re-run's configuration). ``reproduce`` itself executes whole
runs and is left to tests/test_archive_safety.py.

The archives are built here by hand with ``zipfile`` and ``hashlib`` (not with ``create_archive``): their
SHA256SUMS, manifest, ``.sha256`` companion and zip records are written out as the formats describe them, then
changed in one place each; the expected problems are the sentences the user guide promises, written out. Tiny files
only: every test takes milliseconds, so the mutation tests can run them for each mutant.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import stat
import tracemalloc
import warnings
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from conftest import zip_file
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from veedel_lib.errors import ConfigurationError, IntegrityError, StorageError
from veedel_lib.params.run_config import project_root
from veedel_lib.publish.signature import fingerprint, signature_entry
from veedel_lib.run import archive
from veedel_lib.run.archive import (ArchiveReader, Limits, Verification, _declared_entries, _file_hash,
                                    _kind_problem, _pack, _refuse_archived_code, _run_files, _run_parameters,
                                    _RunFolder, _size_problem, _unpack_inputs, code_differences, compare,
                                    create_archive, open_run, parse_checksums, parse_manifest, recorded_reports,
                                    reproduced_config, shown, unsafe_name, verify)
from veedel_lib.run.manifest import library_hash

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


# ----------------------------------------------------------------------------- the rest of the module: reading hostile
# archives, run folders, packing, comparing and the parts of reproducing that need no run


_zip_of = zip_file
"""A zip file of exactly these entry names (nothing added), some with a Unix mode (conftest's)."""


def test_a_name_from_an_archive_is_quoted_shortened_and_with_its_control_characters_spelt_out():
    """At most ``limit`` characters: ``limit - 3`` and "..." when longer; control characters (0-31, 127) as
    U+XXXX after shortening, in German quotation marks."""
    assert shown("a\x00b\x1f\x7fc\n") == "„aU+0000bU+001FU+007FcU+000A“"
    assert shown("x" * 120) == "„" + "x" * 120 + "“"
    assert shown("x" * 121) == "„" + "x" * 117 + "...“"
    assert shown("abcdefghijk", 10) == "„abcdefg...“"
    assert shown("abcdefghij", 10) == "„abcdefghij“"
    assert shown("ab\x01defghijk", 10) == "„abU+0001defg...“"


def test_an_entry_name_that_could_leave_its_folder_is_named_with_the_first_reason():
    control = "der Name enthält Steuerzeichen"
    backslash = "der Name enthält einen Rückstrich (\\), der unter Windows ein Ordnertrenner ist"
    absolute = "der Pfad ist absolut (beginnt mit /)"
    drive = "der Pfad beginnt mit einem Laufwerksbuchstaben"
    dotdot = "der Pfad enthält .. und würde aus dem Zielordner herausführen"
    empty = "der Pfad enthält leere Teile oder ."
    cases = {"a/b.csv": None, "a/": None, "a/b/": None, "a..b/c": None, "...": None, ".a": None, "1:x": None,
             "a\tb": control, "a\x7f": control, "/a\\b": backslash, "a\\b": backslash, "/a/../b": absolute,
             "/": absolute, "C:x": drive, "z:/a": drive, "C:..": drive, "..": dotdot, "a/../b": dotdot,
             "a/..": dotdot, "a/../": dotdot, "a/..X": None, "../a/./b": dotdot, ".": empty, "a/./b": empty,
             "a//b": empty, "": empty, "a/.": empty}
    assert {name: unsafe_name(name) for name in cases} == cases


def _info(name: str = "r/a.csv", mode: int = stat.S_IFREG | 0o644, flags: int = 0,
          compression: int = zipfile.ZIP_DEFLATED, size: int = 0, compressed: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.flag_bits = flags
    info.compress_type = compression
    info.file_size, info.compress_size = size, compressed
    return info


def test_only_plain_unencrypted_files_and_folders_stored_or_deflated_are_accepted():
    link = "der Eintrag ist eine symbolische Verknüpfung"
    special = "der Eintrag ist eine Gerätedatei, eine benannte Pipe oder ein anderer Sondereintrag"
    mismatch = "Art des Eintrags (Ordner oder Datei) und Name passen nicht zusammen"
    assert _kind_problem(_info()) is None
    assert _kind_problem(_info(mode=0)) is None  # no Unix mode recorded (zip files made on Windows)
    assert _kind_problem(_info("r/", mode=0)) is None
    assert _kind_problem(_info("r/", mode=stat.S_IFDIR | 0o755)) is None
    assert _kind_problem(_info(mode=stat.S_IFLNK | 0o777)) == link
    for kind in (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK):
        assert _kind_problem(_info(mode=kind | 0o644)) == special
    assert _kind_problem(_info(mode=stat.S_IFDIR | 0o755)) == mismatch
    assert _kind_problem(_info("r/", mode=stat.S_IFREG | 0o644)) == mismatch
    assert _kind_problem(_info(flags=0x1)) == "der Eintrag ist verschlüsselt"
    assert _kind_problem(_info(flags=0x9)) == "der Eintrag ist verschlüsselt"
    assert _kind_problem(_info(flags=0x2 | 0x8 | 0x800)) is None  # options, a data descriptor, UTF-8 names
    assert _kind_problem(_info(compression=zipfile.ZIP_STORED)) is None
    assert _kind_problem(_info(compression=zipfile.ZIP_BZIP2)) == (
        "unbekannte Kompressionsart 12 (erlaubt: keine oder Deflate)")
    assert _kind_problem(_info(compression=zipfile.ZIP_LZMA)) == (
        "unbekannte Kompressionsart 14 (erlaubt: keine oder Deflate)")
    assert _kind_problem(_info(mode=stat.S_IFLNK | 0o777, flags=1)) == link  # the first reason


def test_a_declared_size_or_ratio_beyond_the_limits_is_named_with_the_numbers_in_german_notation():
    """Size limit 1.000 bytes; ratio limit 200 : 1 from 100 bytes on. 1.001 > 1.000; 400 / 2 = 200 is not beyond,
    402 / 2 = 201 is; a compressed size 0 counts as 1 (201 / 1); with the ratio 2 : 1, 100 bytes are held to it,
    99 not."""
    limits = Limits(entry_bytes=1_000, ratio=200.0, ratio_from_bytes=100)
    assert _size_problem(_info(size=1_000, compressed=1_000), limits) is None
    assert _size_problem(_info(size=1_001, compressed=1_001), limits) == (
        "angegebene Größe 1.001 Bytes über der Grenze von 1.000 Bytes je Eintrag")
    bomb = "Kompressionsverhältnis {} : 1 über der Grenze von {} : 1 (eine Kompressionsbombe)"
    assert _size_problem(_info(size=402, compressed=2), limits) == bomb.format(201, 200)
    assert _size_problem(_info(size=400, compressed=2), limits) is None  # exactly 200 : 1
    assert _size_problem(_info(size=201, compressed=0), limits) == bomb.format(201, 200)
    assert _size_problem(_info(size=200, compressed=0), limits) is None
    assert _size_problem(_info(size=1_000, compressed=0), limits) == bomb.format("1.000", 200)
    small = Limits(entry_bytes=1_000, ratio=2.0, ratio_from_bytes=100)
    assert _size_problem(_info(size=100, compressed=0), small) == bomb.format(100, 2)
    assert _size_problem(_info(size=99, compressed=0), small) is None  # below 100 bytes: no ratio
    wide = Limits(entry_bytes=10**9, ratio=200.0, ratio_from_bytes=100)
    assert _size_problem(_info(size=2_000_000, compressed=999), wide) == bomb.format("2.002", 200)  # 2.002,002
    assert _size_problem(_info(size=2_000_000, compressed=1_000), Limits(entry_bytes=10**9, ratio=1_500.0)) == (
        "Kompressionsverhältnis 2.000 : 1 über der Grenze von 1.500 : 1 (eine Kompressionsbombe)")


def _end_record(entries: int, comment: bytes = b"") -> bytes:
    """The zip end record (22 bytes + comment) as the format describes it: signature, disk numbers, the entries on
    this disk and in total (2 bytes each, little-endian), directory size and offset, comment length."""
    return (b"PK\x05\x06" + b"\x00\x00\x00\x00" + entries.to_bytes(2, "little") + entries.to_bytes(2, "little")
            + b"\x00" * 8 + len(comment).to_bytes(2, "little") + comment)


def test_the_number_of_entries_is_read_from_the_end_record_and_its_zip64_form(tmp_path):
    path = tmp_path / "a.zip"
    _zip_of(path, {f"r/{i}.csv": b"x" for i in range(3)})
    assert _declared_entries(path) == 3
    with zipfile.ZipFile(path, "a") as packed:
        packed.comment = b"PK\x03\x04" + b"k" * 65_531  # the longest comment: 65.535 bytes
    assert _declared_entries(path) == 3
    empty = tmp_path / "leer.zip"
    zipfile.ZipFile(empty, "w").close()
    assert empty.read_bytes() == _end_record(0)  # 22 bytes, the end record at the very start
    assert _declared_entries(empty) == 0
    (tmp_path / "kein.zip").write_bytes(b"kein zip")
    assert _declared_entries(tmp_path / "kein.zip") is None
    (tmp_path / "kurz.zip").write_bytes(_end_record(3)[:21])  # cut: one byte short of an end record
    assert _declared_entries(tmp_path / "kurz.zip") is None
    (tmp_path / "kurz.zip").write_bytes(b"x" * 5 + _end_record(3)[:21])
    assert _declared_entries(tmp_path / "kurz.zip") is None
    inner = tmp_path / "innen.zip"  # a stored entry that is itself a zip file: the last end record counts
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_STORED) as packed:
        packed.writestr("r/leer.zip", empty.read_bytes())
    assert _declared_entries(inner) == 1
    (tmp_path / "weit.zip").write_bytes(_end_record(3) + b"x" * 65_556)  # 1 byte beyond 22 + 65.535 + 20
    assert _declared_entries(tmp_path / "weit.zip") is None
    # ZIP64: the end record says 0xFFFF; the locator (20 bytes before it) gives the offset of the ZIP64 record,
    # whose bytes 32-40 hold the number of entries (70.000 here; 69.999 "on this disk" in bytes 24-32, the
    # directory's size and offset after them).
    record = (b"PK\x06\x06" + (44).to_bytes(8, "little") + b"\x00" * 12 + (69_999).to_bytes(8, "little")
              + (70_000).to_bytes(8, "little") + (1_234).to_bytes(8, "little") + (5_678).to_bytes(8, "little"))
    assert len(record) == 56

    def locator(offset: int) -> bytes:
        return b"PK\x06\x07" + b"\x00" * 4 + offset.to_bytes(8, "little") + (1).to_bytes(4, "little")

    zip64 = tmp_path / "zip64.zip"
    zip64.write_bytes(b"junk" + record + locator(4) + _end_record(0xFFFF))
    assert _declared_entries(zip64) == 70_000
    zip64.write_bytes(record + b"x" * 10 + locator(0) + _end_record(0xFFFF, b"c" * 65_535))
    assert _declared_entries(zip64) == 70_000  # the locator at the start of the window of 22 + 65.535 + 20 bytes
    zip64.write_bytes(locator(42) + _end_record(0xFFFF) + record)  # the record after the end record
    assert _declared_entries(zip64) == 70_000
    zip64.write_bytes(locator(42) + _end_record(0xFFFF) + record[:55])  # a record cut short: the end record's
    assert _declared_entries(zip64) == 0xFFFF
    zip64.write_bytes(locator(42) + _end_record(0xFFFF) + b"PK\x06\x05" + record[4:])  # no ZIP64 record there
    assert _declared_entries(zip64) == 0xFFFF
    zip64.write_bytes(b"PK\x06\x08" + locator(42)[4:] + _end_record(0xFFFF) + record)  # no locator
    assert _declared_entries(zip64) == 0xFFFF
    zip64.write_bytes(locator(42) + _end_record(0xFFFE) + record)  # not 0xFFFF: the end record's number holds
    assert _declared_entries(zip64) == 0xFFFE
    zip64.write_bytes(b"x" + record + b"y" * 3 + locator(1)[:18])  # no end record at all
    assert _declared_entries(zip64) is None


def test_an_archive_reader_accepts_the_entries_inside_the_runs_folder_and_refuses_the_others_naming_each(tmp_path):
    """The run's folder is the first part of the first entry whose first part is a safe name ("r" here)."""
    entries = {"/abs.csv": b"a", "../x.csv": b"b", "r/a.csv": b"123", "r/": b"", "r/sub/": b"", "r/sub/b.csv": b"4567",
               "anders/c.csv": b"c", "r/link": b"/etc/passwd", "rX/d.csv": b"d", "r/e\x01.csv": b"e"}
    modes = {"r/link": stat.S_IFLNK | 0o777, "r/": stat.S_IFDIR | 0o755, "r/sub/": stat.S_IFDIR | 0o755}
    path = _zip_of(tmp_path / "a.zip", entries, modes)
    reader = ArchiveReader(path)
    assert reader.prefix == "r/" and reader.limits == Limits()
    assert reader.names() == {"a.csv", "sub/b.csv"}
    assert reader.size("a.csv") == 3 and reader.size("sub/b.csv") == 4
    outside = "der Eintrag liegt nicht im Ordner des Laufs „r“"
    assert reader.refused == {
        "/abs.csv": "der Pfad ist absolut (beginnt mit /)",
        "../x.csv": "der Pfad enthält .. und würde aus dem Zielordner herausführen",
        "r/": outside, "anders/c.csv": outside, "rX/d.csv": outside,
        "r/link": "der Eintrag ist eine symbolische Verknüpfung",
        "r/e\x01.csv": "der Name enthält Steuerzeichen"}
    assert reader.refusals() == [
        "Eintrag „../x.csv“ abgelehnt: der Pfad enthält .. und würde aus dem Zielordner herausführen",
        "Eintrag „/abs.csv“ abgelehnt: der Pfad ist absolut (beginnt mit /)",
        f"Eintrag „anders/c.csv“ abgelehnt: {outside}",
        f"Eintrag „r/“ abgelehnt: {outside}",
        "Eintrag „r/eU+0001.csv“ abgelehnt: der Name enthält Steuerzeichen",
        "Eintrag „r/link“ abgelehnt: der Eintrag ist eine symbolische Verknüpfung",
        f"Eintrag „rX/d.csv“ abgelehnt: {outside}"]
    assert reader.is_refused("link") and not reader.is_refused("a.csv") and not reader.is_refused("fehlt.csv")
    assert reader.sha256("sub/b.csv") == _sha(b"4567")
    assert reader.read_small("a.csv") == b"123"
    reader.close()
    assert reader.zip.fp is None  # closed
    nothing = ArchiveReader(_zip_of(tmp_path / "b.zip", {"../a.csv": b"a", "/b.csv": b"b"}))
    assert nothing.prefix == "" and nothing.names() == set()
    assert nothing.refused == {"../a.csv": "der Pfad enthält .. und würde aus dem Zielordner herausführen",
                               "/b.csv": "der Pfad ist absolut (beginnt mit /)"}
    nothing.close()
    flat = ArchiveReader(_zip_of(tmp_path / "c.zip", {"a.csv": b"a", "r/b.csv": b"b"}))
    assert flat.prefix == "a.csv/" and flat.names() == set()  # a file at the top is no run's folder
    assert flat.refused == {"a.csv": "der Eintrag liegt nicht im Ordner des Laufs „a.csv“",
                            "r/b.csv": "der Eintrag liegt nicht im Ordner des Laufs „a.csv“"}
    flat.close()
    ending = ArchiveReader(_zip_of(tmp_path / "d.zip", {"rX/a.csv": b"a", "r/b.csv": b"b"}))
    assert ending.refused == {"r/b.csv": "der Eintrag liegt nicht im Ordner des Laufs „rX“"}
    ending.close()


def test_a_duplicate_entry_is_refused_both_times_and_the_entry_limit_holds_at_its_value(tmp_path):
    path = tmp_path / "a.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "w") as packed:
            packed.writestr("r/a.csv", b"eins")
            packed.writestr("r/b.csv", b"zwei")
            packed.writestr("r/a.csv", b"drei")
    reader = ArchiveReader(path, Limits(entries=3))
    assert reader.names() == {"b.csv"} and reader.refused == {"r/a.csv": "der Name kommt im Archiv mehrfach vor"}
    assert reader.is_refused("a.csv")
    reader.close()
    with pytest.raises(IntegrityError) as error:
        ArchiveReader(path, Limits(entries=2))
    assert str(error.value) == "a.zip: 3 Einträge, mehr als die Grenze von 2; das Archiv wird nicht gelesen"
    # an end record that declares 1 entry while the directory holds 3: refused by the entries actually listed
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = (1).to_bytes(2, "little") * 2
    lying = tmp_path / "lügt.zip"
    lying.write_bytes(bytes(data))
    assert _declared_entries(lying) == 1
    with pytest.raises(IntegrityError) as error:
        ArchiveReader(lying, Limits(entries=2))
    assert str(error.value) == "lügt.zip: 3 Einträge, mehr als die Grenze von 2; das Archiv wird nicht gelesen"
    ArchiveReader(lying, Limits(entries=3)).close()
    data[at + 8:at + 12] = (5).to_bytes(2, "little") * 2  # declares 5: refused before the directory is read
    lying.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as error:
        ArchiveReader(lying, Limits(entries=4))
    assert str(error.value) == "lügt.zip: 5 Einträge, mehr als die Grenze von 4; das Archiv wird nicht gelesen"


def test_the_declared_total_size_of_the_readable_files_is_held_to_its_limit(tmp_path):
    """Readable: r/a.csv (600 bytes) and r/b.csv (400): 1.000 bytes; r/c.csv (5.000) is refused for its size
    (limit 4.000 per entry) and not counted; folders count nothing."""
    path = _zip_of(tmp_path / "a.zip", {"r/a.csv": b"a" * 600, "r/d/": b"", "r/b.csv": b"b" * 400,
                                        "r/c.csv": bytes(range(256)) * 19 + b"x" * 136},
                   {"r/d/": stat.S_IFDIR | 0o755})
    reader = ArchiveReader(path, Limits(entry_bytes=4_000, total_bytes=1_000))
    assert reader.names() == {"a.csv", "b.csv"}
    assert reader.refused == {"r/c.csv": "angegebene Größe 5.000 Bytes über der Grenze von 4.000 Bytes je Eintrag"}
    reader.close()
    odd = ArchiveReader(_zip_of(tmp_path / "b.zip", {"r/aXX/XX": b"x" * 101}), Limits(entry_bytes=100))
    assert odd.refused == {"r/aXX/XX": "angegebene Größe 101 Bytes über der Grenze von 100 Bytes je Eintrag"}
    odd.close()
    with pytest.raises(IntegrityError) as error:
        ArchiveReader(path, Limits(entry_bytes=4_000, total_bytes=999))
    assert str(error.value) == ("a.zip: zusammen 1.000 Bytes ausgepackt, mehr als die Grenze von 999 Bytes; das "
                                "Archiv wird nicht gelesen")


def test_reading_stops_past_the_total_limit_counted_over_every_read(tmp_path):
    """total_bytes 10: a.csv (6 bytes) read once is 6, a second time 12 > 10: the second read is refused."""
    reader = ArchiveReader(_zip_of(tmp_path / "a.zip", {"r/a.csv": b"sechs!"}), Limits(total_bytes=10))
    assert reader.sha256("a.csv") == _sha(b"sechs!")
    with pytest.raises(IntegrityError) as error:
        reader.read_small("a.csv")
    assert str(error.value) == ("Eintrag „a.csv“ abgelehnt: das Archiv enthält zusammen mehr als 10 Bytes; Lesen "
                                "abgebrochen")
    reader.close()
    reader = ArchiveReader(_zip_of(tmp_path / "b.zip", {"r/a.csv": b"fuenf"}), Limits(total_bytes=10))
    assert reader.read_small("a.csv") == b"fuenf" and reader.read_small("a.csv") == b"fuenf"  # 10: at the limit
    reader.close()


def test_an_oversized_entry_read_whole_is_refused_at_its_limit_only(tmp_path):
    reader = ArchiveReader(_zip_of(tmp_path / "a.zip", {"r/a.csv": b"12345", "r/b.csv": b"123456"}),
                           Limits(text_bytes=5))
    assert reader.read_small("a.csv") == b"12345"
    with pytest.raises(IntegrityError) as error:
        reader.read_small("b.csv")
    assert str(error.value) == "Eintrag „b.csv“ abgelehnt: größer als 5 Bytes, die für diese Datei erlaubt sind"
    reader.close()
    data = bytes(range(256)) * 4096 + b"rest"  # 1 MiB + 4 bytes: two chunks of the reader
    reader = ArchiveReader(_zip_of(tmp_path / "b.zip", {"r/a.bin": data}), Limits(ratio=1e9))
    assert reader.read_small("a.bin") == data
    reader.close()


def test_an_entry_is_extracted_inside_the_target_folder_only_never_over_a_file_and_checked(tmp_path, monkeypatch):
    reader = ArchiveReader(_zip_of(tmp_path / "a.zip", {"r/inputs/data/a.csv": b"inhalt", "r/inputs/b.csv": b"b",
                                                        "r/link/c.csv": b"c"}))
    root = tmp_path / "ziel"
    root.mkdir()
    target = reader.extract("inputs/data/a.csv", root, _sha(b"inhalt"))
    assert target == root.resolve() / "inputs" / "data" / "a.csv" and target.read_bytes() == b"inhalt"
    with pytest.raises(IntegrityError) as error:
        reader.extract("inputs/data/a.csv", root)
    assert str(error.value).startswith("Eintrag „inputs/data/a.csv“ lässt sich nicht auspacken: File exists (ein "
                                       "Name ist zugleich Datei und Ordner oder kommt doppelt vor)")
    with pytest.raises(IntegrityError) as error:
        reader.extract("inputs/b.csv", root, _sha(b"anders"))
    assert str(error.value) == "Eintrag „inputs/b.csv“: Inhalt hat sich seit der Prüfung verändert"
    elsewhere = tmp_path / "anderswo"
    elsewhere.mkdir()
    (root / "link").symlink_to(elsewhere)  # a link in the target folder that a safe name would pass through
    with pytest.raises(IntegrityError) as error:
        reader.extract("link/c.csv", root)
    assert str(error.value) == f"Eintrag „link/c.csv“ abgelehnt: führte aus dem Zielordner {root.resolve()} heraus"
    assert list(elsewhere.iterdir()) == []

    class FullDisk(io.BytesIO):
        def write(self, data):  # what a write on a full disk raises: no file name in the error
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(archive, "open", lambda path, mode: FullDisk(), raising=False)
    with pytest.raises(StorageError) as error:
        reader.extract("inputs/b.csv", root)
    assert str(error.value) == (f"{root.resolve() / 'inputs' / 'b.csv'} konnte nicht geschrieben werden: kein "
                                "Speicherplatz mehr auf dem Datenträger.")
    reader.close()


def test_a_run_folder_is_read_like_an_archive_its_links_refused_not_followed(tmp_path):
    run_dir = _folder(tmp_path / "ordner", {"a.csv": b"123", "d/b.csv": b"4567"})
    (run_dir / "leer").mkdir()
    (tmp_path / "geheim.txt").write_bytes(b"geheim")
    (run_dir / "d" / "verweis.txt").symlink_to(tmp_path / "geheim.txt")
    (run_dir / "ordnerverweis").symlink_to(tmp_path, target_is_directory=True)
    folder = _RunFolder(run_dir)
    assert folder.limits == Limits()
    assert folder.names() == {"a.csv", "d/b.csv"}
    assert folder.refusals() == [
        "d/verweis.txt: der Eintrag ist eine symbolische Verknüpfung (wird nicht gelesen)",
        "ordnerverweis: der Eintrag ist eine symbolische Verknüpfung (wird nicht gelesen)"]
    assert folder.is_refused("d/verweis.txt") and not folder.is_refused("a.csv")
    assert folder.sha256("d/b.csv") == _sha(b"4567")
    limited = _RunFolder(run_dir, Limits(text_bytes=3))
    assert limited.read_small("a.csv") == b"123"
    with pytest.raises(IntegrityError) as error:
        limited.read_small("d/b.csv")
    assert str(error.value) == "d/b.csv: größer als 3 Bytes, die für diese Datei erlaubt sind"
    limited.close()


def test_the_files_of_a_run_leave_out_partial_and_staging_files_and_are_hashed_refusing_keys_and_links(tmp_path):
    run_dir = _folder(tmp_path / "ordner", {"b.csv": b"b", "a/c.csv": b"c", "a/.c.csv.123-ab.partial": b"halb",
                                            ".staging-1.csv": b"s", "a/x.staging": b"x", "d.partial.csv": b"p"})
    (run_dir / "leer").mkdir()
    assert [p.relative_to(run_dir).as_posix() for p in _run_files(run_dir)] == ["a/c.csv", "a/x.staging", "b.csv"]
    # SHA-256 read in chunks of 1 MiB: a file of 2 MiB + 3 bytes gives hashlib's digest of the whole
    data = bytes(range(256)) * (2 * 4096) + b"end"
    (run_dir / "gross.bin").write_bytes(data)
    assert _file_hash(run_dir / "gross.bin", "gross.bin") == hashlib.sha256(data).hexdigest()
    assert _file_hash(run_dir / "b.csv", "b.csv") == _sha(b"b")
    marker = b"-----BEGIN PRIVATE KEY-----"
    key = ("gross.bin: enthält einen privaten Schlüssel und wird nicht archiviert. Bitte die Datei aus dem "
           "Laufordner entfernen (und den Schlüssel als bekannt geworden ersetzen).")
    chunk = 1 << 20
    for start in (0, chunk - 40, chunk - 27, chunk - 26, chunk - 12, chunk - 1, chunk, 2 * chunk - 15):
        # the marker "PRIVATE KEY-----" lies 11 bytes into the header: across the chunk border for some starts
        (run_dir / "gross.bin").write_bytes(b"x" * start + marker + b"y" * 100)
        with pytest.raises(ConfigurationError) as error:
            _file_hash(run_dir / "gross.bin", "gross.bin")
        assert str(error.value) == key, start
    (run_dir / "gross.bin").write_bytes(b"x" * (chunk - 5) + b"PRIVATE KEY" + b"y" * (chunk - 6) + b"-----")
    assert _file_hash(run_dir / "gross.bin", "gross.bin") == _sha((run_dir / "gross.bin").read_bytes())
    (run_dir / "verweis.csv").symlink_to(run_dir / "b.csv")
    with pytest.raises(IntegrityError) as error:
        _file_hash(run_dir / "verweis.csv", "verweis.csv")
    assert str(error.value) == "verweis.csv: ist eine symbolische Verknüpfung; ein Archiv enthält nur echte Dateien"


def test_a_hand_made_run_folder_is_packed_with_its_checksums_fixed_times_and_a_companion(tmp_path, city_key):
    files = {**FILES, "manifest.json": _manifest(git_commit="abc123"), "tabelle.csv.1-ab.partial": b"halb"}
    run_dir = _folder(tmp_path / "outputs", files)
    path = create_archive(run_dir)
    assert path == tmp_path / "outputs" / f"{RUN_ID}.zip"
    with zipfile.ZipFile(path) as packed:
        infos = packed.infolist()
        entries = {info.filename[len(RUN_ID) + 1:]: packed.read(info) for info in infos}
    names = sorted([*FILES, "manifest.json", "environment/packages.txt", "environment/git_commit.txt", "SHA256SUMS"])
    assert [info.filename for info in infos] == [f"{RUN_ID}/{name}" for name in names]
    assert {(info.date_time, info.compress_type, info.external_attr) for info in infos} == {
        ((2000, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 0o644 << 16)}  # no file type, rw-r--r--
    assert all(entries[name] == data for name, data in files.items() if "partial" not in name)
    assert entries["environment/git_commit.txt"] == b"abc123\n"
    assert entries["SHA256SUMS"] == _sums({n: d for n, d in entries.items() if n != "SHA256SUMS"})
    assert b"==" in entries["environment/packages.txt"] and entries["environment/packages.txt"].endswith(b"\n")
    assert (tmp_path / "outputs" / f"{RUN_ID}.zip.sha256").read_text(encoding="utf-8") == (
        f"{_sha(path.read_bytes())}  {RUN_ID}.zip\n")
    assert verify(path).problems == []
    (run_dir / "manifest.json").write_bytes(_manifest())  # no commit recorded
    signed = create_archive(run_dir, tmp_path / "signiert.zip", key=city_key)
    assert signed == tmp_path / "signiert.zip" and (tmp_path / "signiert.zip.sha256").is_file()
    with zipfile.ZipFile(signed) as packed:
        assert packed.read(f"{RUN_ID}/environment/git_commit.txt") == b"unbekannt\n"
        sums = packed.read(f"{RUN_ID}/SHA256SUMS")
        assert packed.read(f"{RUN_ID}/SIGNATURE") == signature_entry(city_key, sums)  # Ed25519 is deterministic
        assert f"{RUN_ID}/SIGNATURE" in packed.namelist()
    assert verify(signed, public_key=city_key.public_key()).authentic


def test_a_run_file_that_changes_while_it_is_archived_stops_the_archive_naming_it(tmp_path, monkeypatch):
    """The packages are listed after every file was hashed and before any is packed: a file changed then is
    named, and no archive is left behind."""
    run_dir = _folder(tmp_path / "outputs", _entries())

    def packages_while_a_file_changes() -> str:
        (run_dir / STATISTICS).write_bytes(b"anders\n")
        return "pandas==2.2.0\n"

    monkeypatch.setattr(archive, "installed_packages", packages_while_a_file_changes)
    with pytest.raises(IntegrityError) as error:
        create_archive(run_dir)
    assert str(error.value) == f"{STATISTICS}: wurde während des Archivierens verändert; bitte erneut archivieren"
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == [RUN_ID]


def test_a_file_is_packed_in_chunks_and_refused_when_it_changed_since_it_was_hashed(tmp_path):
    source = tmp_path / "a.bin"
    data = bytes(range(256)) * 4097 + b"rest"  # more than one chunk of 1 MiB
    source.write_bytes(data)
    with zipfile.ZipFile(tmp_path / "p.zip", "w", compression=zipfile.ZIP_DEFLATED) as packed:
        info = zipfile.ZipInfo("r/a.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        _pack(packed, info, source, hashlib.sha256(data).hexdigest(), "a.bin")
        assert info.file_size == len(data)
        with pytest.raises(IntegrityError) as error:
            _pack(packed, zipfile.ZipInfo("r/b.bin"), source, _sha(b"vorher"), "b.bin")
        assert str(error.value) == "b.bin: wurde während des Archivierens verändert; bitte erneut archivieren"
    with zipfile.ZipFile(tmp_path / "p.zip") as packed:
        assert packed.read("r/a.bin") == data and packed.getinfo("r/a.bin").file_size == len(data)
    raw = (tmp_path / "p.zip").read_bytes()  # the local header: bytes 22-26 the size, unless ZIP64 (0xFFFFFFFF)
    assert raw[:4] == b"PK\x03\x04" and int.from_bytes(raw[22:26], "little") == len(data)


def test_a_file_is_hashed_and_packed_in_chunks_of_bounded_memory(tmp_path):
    """8 MiB of zeros, read 1 MiB at a time: the peak of Python's allocations stays below 4 MiB."""
    large = tmp_path / "gross.bin"
    large.write_bytes(bytes(8 << 20))
    tracemalloc.start()
    try:
        digest = _file_hash(large, "gross.bin")
        with zipfile.ZipFile(tmp_path / "p.zip", "w") as packed:
            info = zipfile.ZipInfo("r/gross.bin")
            info.compress_type = zipfile.ZIP_DEFLATED
            _pack(packed, info, large, digest, "gross.bin")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest == hashlib.sha256(bytes(8 << 20)).hexdigest()
    assert peak < 4 << 20, f"{peak:,} Bytes"


def test_a_run_is_opened_for_comparison_from_a_folder_or_an_archive_with_german_errors(tmp_path):
    run_dir = _folder(tmp_path / "ordner", _entries())
    view = open_run(run_dir)
    assert view.manifest == json.loads(_manifest()) and view.run_id == RUN_ID and view.names() == {*FILES,
                                                                                                  "manifest.json"}
    view.close()
    archived = open_run(_archive(tmp_path, _entries()))
    assert archived.manifest == json.loads(_manifest()) and archived.names() == {*FILES, "manifest.json",
                                                                               "SHA256SUMS"}
    archived.close()
    with pytest.raises(ConfigurationError) as error:
        open_run(tmp_path / "fehlt")
    assert str(error.value) == f"Lauf nicht gefunden: {tmp_path / 'fehlt'}"
    (run_dir / "manifest.json").write_bytes(b'{"files": {"a.csv": "kaputt"}}')
    with pytest.raises(IntegrityError) as error:
        open_run(run_dir)
    assert str(error.value) == ("manifest.json: Abschnitt „files“: Prüfsumme von „a.csv“ ist keine SHA-256 "
                                "(64 Hexadezimalzeichen)")
    (run_dir / "manifest.json").write_bytes(b'{"files": {"a.csv": "kaputt", "b.csv": 1}}')
    with pytest.raises(IntegrityError) as error:
        open_run(run_dir)
    assert str(error.value) == ("manifest.json: Abschnitt „files“: Prüfsumme von „a.csv“ ist keine SHA-256 "
                                "(64 Hexadezimalzeichen); manifest.json: Abschnitt „files“: Prüfsumme von „b.csv“ "
                                "ist keine SHA-256 (64 Hexadezimalzeichen)")
    (run_dir / "manifest.json").unlink()
    with pytest.raises(IntegrityError) as error:
        open_run(run_dir)
    assert str(error.value) == f"{run_dir}: kein Lauf von veedel (manifest.json fehlt)"
    with pytest.raises(IntegrityError) as error:
        open_run(_archive(tmp_path, _entries(), name="b.zip"), Limits(text_bytes=10))
    assert str(error.value) == ("Eintrag „manifest.json“ abgelehnt: größer als 10 Bytes, die für diese Datei "
                                "erlaubt sind")


def test_two_runs_without_reports_compare_as_unchanged_and_a_missing_one_is_named(tmp_path):
    run_dir = _folder(tmp_path / "ordner", _entries())
    other = {**_entries(), "manifest.json": json.dumps({**json.loads(_manifest()), "run_id": "zwei"}).encode()}
    change = compare(run_dir, _archive(tmp_path, other))
    assert (change.old_id, change.new_id, change.differences, change.reports_compared) == (RUN_ID, "zwei", [], 0)
    with pytest.raises(ConfigurationError) as error:
        compare(run_dir, tmp_path / "fehlt.zip")
    assert str(error.value) == f"Lauf nicht gefunden: {tmp_path / 'fehlt.zip'}"
    with pytest.raises(ConfigurationError):
        compare(tmp_path / "fehlt.zip", run_dir)
    limits = Limits(text_bytes=10)  # each run opened with the limits: the first (a folder), then the second
    with pytest.raises(IntegrityError) as error:
        compare(run_dir, _archive(tmp_path, other, name="b.zip"), limits)
    assert str(error.value) == "manifest.json: größer als 10 Bytes, die für diese Datei erlaubt sind"
    small = _folder(tmp_path / "klein", {"manifest.json": b"{}"})
    with pytest.raises(IntegrityError) as error:
        compare(small, _archive(tmp_path, other, name="c.zip"), limits)
    assert str(error.value) == ("Eintrag „manifest.json“ abgelehnt: größer als 10 Bytes, die für diese Datei "
                                "erlaubt sind")


def test_the_run_parameters_of_a_manifest_are_read_and_every_wrong_type_named():
    assert recorded_reports({"reports": ("a", "b"), "area_notebooks": ["x"]}) == ["a", "b"]
    assert recorded_reports({"area_notebooks": ["x"], "programme_notebooks": ["y", "z"]}) == ["x", "y", "z"]
    assert recorded_reports({"programme_notebooks": ["y"]}) == ["y"]
    assert recorded_reports({"area_notebooks": ("x",)}) == ["x"]
    assert recorded_reports({}) == []
    assert _run_parameters({"parameters": {"year": 2024, "areas": ["kalk"], "reports": ["a"], "x": 1}}) == {
        "year": 2024, "baseline_year": 2020, "areas": ["kalk"], "reports": ["a"]}
    assert _run_parameters({"parameters": {"year": 2024, "baseline_year": 2019, "areas": [],
                                           "area_notebooks": ["a"], "programme_notebooks": ["p"]}}) == {
        "year": 2024, "baseline_year": 2019, "areas": [], "reports": ["a", "p"]}
    for manifest in ({}, {"parameters": []}, {"parameters": None}):
        with pytest.raises(IntegrityError) as error:
            _run_parameters(manifest)
        assert str(error.value) == "manifest.json: Abschnitt „parameters“ fehlt oder ist kein Objekt"
    year = "„parameters.year“ muss eine ganze Zahl sein"
    baseline = "„parameters.baseline_year“ muss eine ganze Zahl sein"
    areas = "„parameters.areas“ muss eine Liste von Texten sein"
    reports = "„parameters.reports“ muss eine Liste von Texten sein"
    good = {"year": 2024, "areas": ["kalk"], "reports": ["a"]}
    cases = [({"year": None}, [year]), ({"year": True}, [year]), ({"year": "2024"}, [year]),
             ({"year": 2024.0}, [year]), ({"baseline_year": 2020.0}, [baseline]), ({"baseline_year": None}, [baseline]),
             ({"baseline_year": False}, [baseline]), ({"areas": None}, [areas]), ({"areas": "kalk"}, [areas]),
             ({"areas": ["kalk", 3]}, [areas]), ({"reports": "a"}, [reports]), ({"reports": [None]}, [reports]),
             ({"reports": ("a",)}, [reports]), ({"area_notebooks": "a"}, [reports]),
             ({"programme_notebooks": {"a": 1}}, [reports]),
             ({"year": "x", "baseline_year": "y", "areas": 1, "reports": 2}, [year, baseline, areas, reports])]
    for change, problems in cases:
        parameters = {key: value for key, value in {**good, **change}.items()}
        with pytest.raises(IntegrityError) as error:
            _run_parameters({"parameters": parameters})
        assert str(error.value) == "manifest.json: " + "; ".join(problems), change
    missing = {"baseline_year": 2020, "reports": ["a"]}
    with pytest.raises(IntegrityError) as error:
        _run_parameters({"parameters": missing})
    assert str(error.value) == f"manifest.json: {year}; {areas}"


def test_the_archived_code_is_compared_with_the_installed_notebooks_version_code_hash_and_commit(tmp_path,
                                                                                                 monkeypatch):
    installed = project_root() / "notebooks"
    same, changed = installed / "sozialindex.ipynb", installed / "jahresbericht.ipynb"
    path = _zip_of(tmp_path / "a.zip", {
        "r/inputs/notebooks/sozialindex.ipynb": same.read_bytes(),
        "r/inputs/notebooks/jahresbericht.ipynb": changed.read_bytes() + b" ",
        "r/inputs/notebooks/hilfe/neu.py": b"x = 1\n", "r/inputs/data/sozialindex.ipynb": b"keine Notebook",
        "r/notebooks/jahresbericht.ipynb": b"anders"})
    source = ArchiveReader(path)
    version = metadata.version("veedel")
    code = library_hash()
    monkeypatch.setattr(archive, "git_commit", lambda root: "1" * 40 if root == project_root() else None)
    current = {"environment": {"veedel": version, "veedel_code": code}, "git_commit": "0" * 40}
    notebooks = [f"inputs/notebooks/hilfe/neu.py: gibt es im installierten Projekt nicht ({installed})",
                 f"inputs/notebooks/jahresbericht.ipynb: weicht vom installierten Notebook {changed} ab"]
    assert code_differences(source, current) == notebooks  # another commit, the same code: no difference
    old = {"environment": {"veedel": "0.0.1", "veedel_code": "f" * 64}}
    assert code_differences(source, old)[2:] == [
        f"Bibliothek veedel: archiviert Version „0.0.1“, installiert {version}",
        f"Code der Bibliothek veedel: archiviert SHA-256 „{'f' * 64}“, installiert {code}"]
    long = {"environment": {"veedel": "v" * 41, "veedel_code": "c" * 71}, "git_commit": "0" * 40}
    assert code_differences(source, long)[2:] == [
        f"Bibliothek veedel: archiviert Version „{'v' * 37}...“, installiert {version}",
        f"Code der Bibliothek veedel: archiviert SHA-256 „{'c' * 67}...“, installiert {code}"]
    for environment in ({}, {"veedel": version}, {"veedel": None, "veedel_code": None}, "kaputt"):
        assert code_differences(source, {"environment": environment, "git_commit": "0" * 61}) == notebooks + [
            f"Projektstand (git): archiviert „{'0' * 57}...“, installiert {'1' * 40}"]  # no code hash: the commit
        assert code_differences(source, {"environment": environment, "git_commit": "1" * 40}) == notebooks
        assert code_differences(source, {"environment": environment, "git_commit": ""}) == notebooks
        assert code_differences(source, {"environment": environment}) == notebooks
    monkeypatch.setattr(archive, "git_commit", lambda root: None)  # not a git checkout
    assert code_differences(source, {"git_commit": "0" * 40}) == notebooks
    assert code_differences(source, {"environment": [version], "git_commit": "0" * 40}) == notebooks

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)  # as manifest.package_versions records it
    assert code_differences(source, {"environment": {"veedel": "0.1"}}) == notebooks + [
        "Bibliothek veedel: archiviert Version „0.1“, installiert nicht installiert"]
    assert code_differences(source, {"environment": {"veedel": "nicht installiert"}}) == notebooks
    source.close()


def test_archived_code_that_differs_stops_the_re_run_unless_the_caller_chose_which_code_runs():
    authentic, unchecked = Verification(archive=True, signed=True, key="SHA256:abc"), Verification(archive=True)
    assert authentic.authentic and not unchecked.authentic
    differences = ["inputs/notebooks/a.ipynb: weicht ab", "Bibliothek veedel: anders"]
    for check in (authentic, unchecked):
        with pytest.raises(ConfigurationError) as error:
            _refuse_archived_code([], check, archived_code=True, installed_code=True)
        assert str(error.value) == ("--archivierten-code-ausfuehren und --installierten-code-verwenden schließen "
                                    "sich aus: bitte eines von beiden angeben.")
        assert _refuse_archived_code([], check, False) is None
        assert _refuse_archived_code(differences, check, False, installed_code=True) is None
    with pytest.raises(ConfigurationError) as error:
        _refuse_archived_code([], unchecked, True)
    assert str(error.value) == (
        "--archivierten-code-ausfuehren gilt nur für ein echtes Archiv: bitte den öffentlichen Schlüssel der Stadt "
        "mit --oeffentlicher-schluessel angeben (veedel führt Code aus einem Archiv unbekannter Herkunft nie aus).")
    assert _refuse_archived_code(differences, authentic, True) is None
    assert _refuse_archived_code([], authentic, True) is None
    start = ("Das Archiv enthält anderen Code als das installierte Projekt: inputs/notebooks/a.ipynb: weicht ab; "
             "Bibliothek veedel: anders. veedel wiederholt Läufe mit dem installierten Code und hält hier an. ")
    end = (" Mit --installierten-code-verwenden läuft die Wiederholung ausdrücklich mit dem installierten Code; "
           "Unterschiede können dann auch aus dem geänderten Code stammen.")
    with pytest.raises(IntegrityError) as error:
        _refuse_archived_code(differences, authentic, False)
    assert str(error.value) == (start + "Das Archiv ist echt: mit --archivierten-code-ausfuehren läuft "
                                "ausdrücklich sein eigener Code." + end)
    with pytest.raises(IntegrityError) as error:
        _refuse_archived_code(differences, unchecked, False)
    assert str(error.value) == (start + "Code aus einem Archiv läuft nur, wenn das Archiv mit dem öffentlichen "
                                "Schlüssel der Stadt als echt geprüft ist (--oeffentlicher-schluessel) und "
                                "ausdrücklich --archivierten-code-ausfuehren angegeben ist." + end)


def test_the_inputs_are_unpacked_with_the_installed_or_the_archived_notebooks_and_nothing_else(tmp_path):
    installed = project_root() / "notebooks" / "sozialindex.ipynb"
    archived = installed.read_bytes() + b" "
    entries = {"r/inputs/data/a.csv": b"a", "r/inputs/parameters/run.yml": b"year: 2024\n",
               "r/inputs/notebooks/sozialindex.ipynb": archived, "r/reports/x.html": b"x", "r/manifest.json": b"{}",
               "r/inputsx.csv": b"i"}
    source = ArchiveReader(_zip_of(tmp_path / "a.zip", entries))
    expected = {"inputs/data/a.csv": _sha(b"a")}

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    inputs = _unpack_inputs(source, expected, tmp_path / "w1", archived_code=False)
    assert inputs == tmp_path / "w1" / "inputs"
    assert files(tmp_path / "w1") == {"inputs/data/a.csv": b"a", "inputs/notebooks/sozialindex.ipynb":
                                      installed.read_bytes(), "inputs/parameters/run.yml": b"year: 2024\n"}
    _unpack_inputs(source, expected, tmp_path / "w2", archived_code=True)
    assert files(tmp_path / "w2") == {"inputs/data/a.csv": b"a", "inputs/notebooks/sozialindex.ipynb": archived,
                                      "inputs/parameters/run.yml": b"year: 2024\n"}
    with pytest.raises(IntegrityError) as error:
        _unpack_inputs(source, {"inputs/data/a.csv": _sha(b"b")}, tmp_path / "w3", archived_code=False)
    assert str(error.value) == "Eintrag „inputs/data/a.csv“: Inhalt hat sich seit der Prüfung verändert"
    no_notebooks = ArchiveReader(_zip_of(tmp_path / "b.zip", {"r/inputs/data/a.csv": b"a"}))
    _unpack_inputs(no_notebooks, {}, tmp_path / "w4", archived_code=False)
    assert (tmp_path / "w4" / "inputs" / "notebooks").is_dir() and files(tmp_path / "w4") == {
        "inputs/data/a.csv": b"a"}
    _unpack_inputs(no_notebooks, {}, tmp_path / "w5", archived_code=True)
    assert not (tmp_path / "w5" / "inputs" / "notebooks").exists()
    source.close()
    no_notebooks.close()


def test_a_re_run_is_configured_from_the_archived_run_yml_and_the_manifests_parameters(tmp_path):
    parameters = {"year": 2023, "baseline_year": 2019, "areas": ["kalk"], "reports": ["sozialindex"]}
    inputs = tmp_path / "inputs"
    (inputs / "parameters").mkdir(parents=True)
    fixed = {"data_dir": str(inputs / "data"), "year": 2023, "baseline_year": 2019, "reports": ["sozialindex"],
             "formats": [], "executor": "local", "scheduler": None, "jobs": None, "previous_run": None}
    config = reproduced_config(inputs, parameters)
    assert {key: getattr(config, key) for key in fixed} == fixed
    assert config.source == "standard" and config.public_key is None  # the defaults of RunConfig
    (inputs / "parameters" / "run.yml").write_text(
        "year: 2030\nbaseline_year: 2010\nreports: [jahresbericht]\nformats: [html]\njobs: 3\nexecutor: dask\n"
        "scheduler: tcp://rechner:8786\nprevious_run: alt.zip\ndata_dir: woanders\npublic_key: stadt.pub\n",
        encoding="utf-8")
    config = reproduced_config(inputs, parameters)
    assert {key: getattr(config, key) for key in fixed} == fixed
    assert config.public_key == "stadt.pub"  # what the archived run.yml says and the re-run does not override
