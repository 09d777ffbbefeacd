"""Reproducible archives of runs with an origin: pack and sign, verify, reproduce; every archive read as hostile.

``veedel archive RUN_DIR`` packs a finished run (executed notebooks, reports, tables, manifest, the copies of all
input data and parameters, the exact package versions, the project's git commit) into one zip file with a
checksum list ``SHA256SUMS`` (SHA-256 of every entry). With the city's private key (``--schluessel DATEI`` or the
environment variable ``VEEDEL_SCHLUESSEL``) the archive is signed: the entry ``SIGNATURE`` holds an Ed25519
signature over SHA256SUMS (:mod:`veedel_lib.publish.signature`), so it covers every entry. The archive's own
checksum goes next to it (``.sha256``; it protects against damage in transit, not against forgery).

``veedel verify ARCHIV --oeffentlicher-schluessel DATEI`` says whether the archive is authentic: the signature is
valid for the trusted public key and every entry matches SHA256SUMS (and the manifest); it names each entry that
fails. Without a trusted key it checks integrity only and says that the origin is unchecked, because checksums
inside an archive can be recomputed by whoever changed it. A run folder is checked against its manifest.

``veedel reproduce`` re-runs an archive from its own inputs with the *installed* project's notebooks and library
and compares every table, every figure's data and the reports' text (sentence by sentence, run ids and dates
aside) with the archived ones, the way ``veedel vergleiche`` compares two runs (:mod:`veedel_lib.run.compare`).
It never executes code taken from an archive unasked: when the archived notebooks, the library's version or code (its SHA-256 recorded in the manifest;
the git commit for older manifests) differ from the installed ones it names them and stops, unless the archive is
authentic and the caller asks for the archived code (``--archivierten-code-ausfuehren``).

Every archive is read as hostile input (:class:`ArchiveReader`): entry names must stay inside the run's folder (no
``..``, absolute paths, drive letters or backslashes), only regular files and folders (no links, devices or
encrypted entries), limits on the number of entries, on each entry's and the total size (declared and actually
read, streamed in chunks) and on the compression ratio (:class:`Limits`). Each refusal is a German sentence
naming the entry; broken SHA256SUMS lines and manifests are German problems naming the line, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path


from ..errors import ConfigurationError, IntegrityError, german_number, write_errno, write_failure
from ..files import PARTIAL, atomic_path, atomic_write_text, sha256_file
from ..params.run_config import RunConfig, load_run_config, project_root
from .compare import ChangeReport, RunView, compare_runs
from .manifest import MANIFEST, git_commit, library_hash, read_manifest

CHECKSUMS = "SHA256SUMS"
SIGNATURE = "SIGNATURE"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries carry no run-dependent timestamps
CHUNK = 1 << 20
"""Bytes read at a time from an archive entry or a file (bounded memory, however large the entry)."""
NOTEBOOKS = "inputs/notebooks/"
"""The archived code: the notebooks a run executed (the kernel's working folder, so also anything importable)."""
PRIVATE_KEY_MARKER = b"PRIVATE KEY-----"
"""Part of the PEM header of every private key: a run file containing it is never archived."""


@dataclass(frozen=True)
class Limits:
    """What an archive may hold before it is refused as hostile (sizes in bytes of uncompressed data)."""

    entries: int = 100_000
    """Entries in the archive (a run of all 86 areas has a few thousand)."""
    entry_bytes: int = 1 << 30
    """Uncompressed size of one entry, declared and actually read (1 GiB)."""
    total_bytes: int = 8 << 30
    """Uncompressed size of all entries together, declared and actually read (8 GiB)."""
    ratio: float = 200.0
    """Largest uncompressed / compressed size of an entry (tables and reports compress 3-20 fold)."""
    ratio_from_bytes: int = 1 << 20
    """Entries smaller than this (1 MiB) are not held to the ratio: the size limits bound them anyway."""
    text_bytes: int = 32 << 20
    """Largest SHA256SUMS or manifest.json read into memory (32 MiB)."""


# ----------------------------------------------------------------------------- archive entries as hostile input

DRIVE = re.compile(r"^[A-Za-z]:")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(text: str, limit: int = 120) -> str:
    """A name from an archive as a German message quotes it: shortened, control characters as ``U+XXXX``."""
    text = text if len(text) <= limit else text[:limit - 3] + "..."
    return "„" + CONTROL.sub(lambda m: f"U+{ord(m.group()):04X}", text) + "“"


def unsafe_name(name: str) -> str | None:
    """Why an entry name (``/``-separated, relative) could leave its folder when written out; None if it cannot."""
    if CONTROL.search(name):
        return "der Name enthält Steuerzeichen"
    if "\\" in name:
        return "der Name enthält einen Rückstrich (\\), der unter Windows ein Ordnertrenner ist"
    if name.startswith("/"):
        return "der Pfad ist absolut (beginnt mit /)"
    if DRIVE.match(name):
        return "der Pfad beginnt mit einem Laufwerksbuchstaben"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "der Pfad enthält .. und würde aus dem Zielordner herausführen"
    if "." in parts or "" in parts:
        return "der Pfad enthält leere Teile oder ."
    return None


def _kind_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is no plain file or folder (link, device, encrypted, unknown compression); None if it is."""
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "der Eintrag ist eine symbolische Verknüpfung"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "der Eintrag ist eine Gerätedatei, eine benannte Pipe oder ein anderer Sondereintrag"
    if kind and (kind == stat.S_IFDIR) != info.filename.endswith("/"):
        return "Art des Eintrags (Ordner oder Datei) und Name passen nicht zusammen"
    if info.flag_bits & 0x1:
        return "der Eintrag ist verschlüsselt"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"unbekannte Kompressionsart {info.compress_type} (erlaubt: keine oder Deflate)"
    return None


def _size_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    """Why an entry's declared size or compression ratio is beyond the limits; None if it is within."""
    if info.file_size > limits.entry_bytes:
        return (f"angegebene Größe {german_number(info.file_size)} Bytes über der Grenze von "
                f"{german_number(limits.entry_bytes)} Bytes je Eintrag")
    if info.file_size >= limits.ratio_from_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return (f"Kompressionsverhältnis {german_number(round(ratio))} : 1 über der Grenze von "
                f"{german_number(round(limits.ratio))} : 1 (eine Kompressionsbombe)")
    return None


def _declared_entries(path: Path) -> int | None:
    """The number of entries the zip file's end record declares (ZIP64 too), read before the central directory.

    Lets an archive with millions of entries be refused before its central directory is loaded into memory.
    None if there is no end record (then :mod:`zipfile` says the file is no zip archive).
    """
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        start = max(0, size - (22 + 0xFFFF + 20))
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return None
        entries = int.from_bytes(tail[at + 10:at + 12], "little")
        locator = tail[at - 20:at] if at >= 20 else b""
        if entries == 0xFFFF and locator[:4] == b"PK\x06\x07":
            handle.seek(int.from_bytes(locator[8:16], "little"))
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                entries = int.from_bytes(record[32:40], "little")
        return entries


class ArchiveReader:
    """Bounded read access to the entries of a run archive, every entry checked before anything is read.

    Entries lie in one folder (the run id); :meth:`names` are relative to it. Entries that may not be read
    (unsafe name, link or device, beyond a size or ratio limit, duplicate) are in :attr:`refused` with their German
    reason and are never read. Problems of the whole archive (no zip, too many entries, too large in total) raise
    :class:`IntegrityError`. Reading streams in chunks of :data:`CHUNK` bytes and stops past the declared size,
    the entry limit and the total limit.
    """

    def __init__(self, path: str | Path, limits: Limits | None = None):
        self.path = Path(path)
        self.limits = limits or Limits()
        self.refused: dict[str, str] = {}
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._read_total = 0
        declared = _declared_entries(self.path)
        if declared is not None and declared > self.limits.entries:
            raise IntegrityError(f"{self.path.name}: {declared} Einträge, mehr als die Grenze von "
                                 f"{self.limits.entries}; das Archiv wird nicht gelesen")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise IntegrityError(f"{self.path.name}: kein lesbares Zip-Archiv ({exc})") from exc
        infos = self.zip.infolist()
        if len(infos) > self.limits.entries:
            raise IntegrityError(f"{self.path.name}: {len(infos)} Einträge, mehr als die Grenze von "
                                 f"{self.limits.entries}; das Archiv wird nicht gelesen")
        self.prefix = self._folder(infos)
        self._check(infos)

    def _folder(self, infos: list[zipfile.ZipInfo]) -> str:
        """The run's folder that every entry must lie in: the first part of the first entry's name, with a slash."""
        for info in infos:
            first = info.filename.split("/", 1)[0]
            if first and unsafe_name(first) is None:
                return first + "/"
        return ""

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        """Sort every entry into the readable members and the refused ones; raise if the total is too large."""
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            reason = unsafe_name(name) or _kind_problem(info)
            if reason is None and (not self.prefix or not name.startswith(self.prefix) or name == self.prefix):
                reason = f"der Eintrag liegt nicht im Ordner des Laufs {shown(self.prefix.rstrip('/'))}"
            if reason is None and name in seen:
                reason = "der Name kommt im Archiv mehrfach vor"
            seen.add(name)
            if reason is None and not name.endswith("/"):
                reason = _size_problem(info, self.limits)
            if reason is not None:
                self.refused[name] = reason
                self._members.pop(name[len(self.prefix):], None)
                continue
            if not name.endswith("/"):
                self._members[name[len(self.prefix):]] = info
                total += info.file_size
        if total > self.limits.total_bytes:
            raise IntegrityError(f"{self.path.name}: zusammen {german_number(total)} Bytes ausgepackt, mehr als die "
                                 f"Grenze von {german_number(self.limits.total_bytes)} Bytes; das Archiv wird nicht "
                                 "gelesen")

    def refusals(self) -> list[str]:
        """One German sentence per refused entry, naming it."""
        return [f"Eintrag {shown(name)} abgelehnt: {reason}" for name, reason in sorted(self.refused.items())]

    def is_refused(self, name: str) -> bool:
        """Whether the entry ``name`` (relative to the run's folder) was refused."""
        return self.prefix + name in self.refused

    def names(self) -> set[str]:
        """The readable files, relative to the run's folder."""
        return set(self._members)

    def size(self, name: str) -> int:
        """The declared uncompressed size of a readable file (bytes)."""
        return self._members[name].file_size

    def chunks(self, name: str) -> Iterator[bytes]:
        """The bytes of a readable entry in chunks; IntegrityError (German, naming it) past a limit or when damaged."""
        info = self._members[name]
        allowed = min(info.file_size, self.limits.entry_bytes)
        read = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    self._read_total += len(chunk)
                    if read > allowed:
                        raise IntegrityError(f"Eintrag {shown(name)} abgelehnt: enthält mehr Daten als angegeben "
                                             f"({info.file_size} Bytes) oder erlaubt; Lesen abgebrochen")
                    if self._read_total > self.limits.total_bytes:
                        raise IntegrityError(f"Eintrag {shown(name)} abgelehnt: das Archiv enthält zusammen mehr als "
                                             f"{self.limits.total_bytes} Bytes; Lesen abgebrochen")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
            raise IntegrityError(f"Eintrag {shown(name)} ist beschädigt und nicht lesbar ({exc})") from exc

    def sha256(self, name: str) -> str:
        """Hex SHA-256 of an entry, streamed (bounded memory)."""
        digest = hashlib.sha256()
        for chunk in self.chunks(name):
            digest.update(chunk)
        return digest.hexdigest()

    def read_small(self, name: str) -> bytes:
        """An entry that is read whole (SHA256SUMS, manifest, SIGNATURE, tables): at most ``limits.text_bytes``."""
        if self.size(name) > self.limits.text_bytes:
            raise IntegrityError(f"Eintrag {shown(name)} abgelehnt: größer als {self.limits.text_bytes} Bytes, die "
                                 "für diese Datei erlaubt sind")
        return b"".join(self.chunks(name))

    def extract(self, name: str, root: Path, expected: str | None = None) -> Path:
        """Write an entry below ``root`` (resolved inside it, never over an existing file); check its hash on the way."""
        root = root.resolve()
        target = (root / name).resolve()
        if root not in target.parents:
            raise IntegrityError(f"Eintrag {shown(name)} abgelehnt: führte aus dem Zielordner {root} heraus")
        digest = hashlib.sha256()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                for chunk in self.chunks(name):
                    digest.update(chunk)
                    handle.write(chunk)
        except OSError as exc:
            if write_errno(exc) is not None:
                raise write_failure(exc, target) from exc
            raise IntegrityError(f"Eintrag {shown(name)} lässt sich nicht auspacken: {exc.strerror} (ein Name ist "
                                 "zugleich Datei und Ordner oder kommt doppelt vor)") from exc
        if expected is not None and digest.hexdigest() != expected:
            raise IntegrityError(f"Eintrag {shown(name)}: Inhalt hat sich seit der Prüfung verändert")
        return target

    def close(self) -> None:
        self.zip.close()


class _RunFolder:
    """The same read access to a run folder (one's own, or received): its files; links are refused, not followed."""

    def __init__(self, path: Path, limits: Limits | None = None):
        self.path = path
        self.limits = limits or Limits()
        self.refused: dict[str, str] = {}
        self._names: set[str] = set()
        for item in sorted(path.rglob("*")):
            name = item.relative_to(path).as_posix()
            if item.is_symlink():
                self.refused[name] = "der Eintrag ist eine symbolische Verknüpfung (wird nicht gelesen)"
            elif item.is_file():
                self._names.add(name)

    def refusals(self) -> list[str]:
        return [f"{name}: {reason}" for name, reason in sorted(self.refused.items())]

    def is_refused(self, name: str) -> bool:
        return name in self.refused

    def names(self) -> set[str]:
        return set(self._names)

    def sha256(self, name: str) -> str:
        return sha256_file(self.path / name)

    def read_small(self, name: str) -> bytes:
        if (self.path / name).stat().st_size > self.limits.text_bytes:
            raise IntegrityError(f"{name}: größer als {self.limits.text_bytes} Bytes, die für diese Datei erlaubt sind")
        return (self.path / name).read_bytes()

    def close(self) -> None:
        pass


# ----------------------------------------------------------------------------- SHA256SUMS and the manifest

HEX = re.compile(r"[0-9a-fA-F]{64}")


def parse_checksums(data: bytes) -> tuple[dict[str, str], list[str]]:
    """The name -> hash list of a SHA256SUMS file and a German problem per broken line (naming the line).

    Every line is ``<64 hex digits><two spaces><name>``; names must be relative paths inside the run and unique.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {}, [f"{CHECKSUMS}: kein UTF-8-Text (Byte {exc.start + 1})"]
    hashes: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line and number == text.count("\n") + 1:
            continue  # after the last line break
        where = f"{CHECKSUMS}, Zeile {number}"
        digest, separator, name = line.partition("  ")
        if not separator or not name:
            problems.append(f"{where}: erwartet „<Prüfsumme><zwei Leerzeichen><Dateiname>“, gefunden {shown(line, 80)}")
        elif not HEX.fullmatch(digest):
            problems.append(f"{where}: {shown(digest, 80)} ist keine SHA-256-Prüfsumme (64 Hexadezimalzeichen)")
        elif (reason := unsafe_name(name)) is not None:
            problems.append(f"{where}: Dateiname {shown(name)} ungültig: {reason}")
        elif name in hashes:
            problems.append(f"{where}: {shown(name)} steht schon in Zeile {lines[name]}")
        else:
            hashes[name], lines[name] = digest.lower(), number
    return hashes, problems


def _hash_section(manifest: dict, key: str, problems: list[str], where: str = "") -> dict[str, str]:
    """A manifest section that maps file names to SHA-256 hashes; German problems for other types."""
    section = manifest.get(key, {})
    label = f"{MANIFEST}: {where}Abschnitt „{key}“"
    if not isinstance(section, dict):
        problems.append(f"{label} muss ein Objekt aus Dateinamen und Prüfsummen sein, ist aber "
                        f"{type(section).__name__}")
        return {}
    good = {}
    for name, digest in section.items():
        if not isinstance(digest, str) or not HEX.fullmatch(digest):
            problems.append(f"{label}: Prüfsumme von {shown(name)} ist keine SHA-256 (64 Hexadezimalzeichen)")
        elif (reason := unsafe_name(name)) is not None:
            problems.append(f"{label}: Dateiname {shown(name)} ungültig: {reason}")
        else:
            good[name] = digest.lower()
    return good


def parse_manifest(data: bytes) -> tuple[dict | None, list[str]]:
    """A manifest read from bytes and German problems (naming line and column, or the section with a wrong type)."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, [f"{MANIFEST}: kein UTF-8-Text (Byte {exc.start + 1})"]
    except json.JSONDecodeError as exc:
        return None, [f"{MANIFEST}, Zeile {exc.lineno}, Spalte {exc.colno}: kein gültiges JSON"]
    except RecursionError:
        return None, [f"{MANIFEST}: zu tief verschachtelt, kein Manifest von veedel"]
    if not isinstance(manifest, dict):
        return None, [f"{MANIFEST}: muss ein JSON-Objekt sein, ist aber {type(manifest).__name__}"]
    problems: list[str] = []
    for key in ("inputs", "files"):  # the hashes as compared later: lower case, as SHA256SUMS's are
        if key in manifest:
            manifest[key] = _hash_section(manifest, key, problems)
    reports = manifest.get("reports", [])
    if not isinstance(reports, list) or not all(isinstance(e, dict) for e in reports):
        problems.append(f"{MANIFEST}: Abschnitt „reports“ muss eine Liste von Objekten sein")
    else:
        for number, entry in enumerate(reports, start=1):
            if "outputs" in entry:
                entry["outputs"] = _hash_section(entry, "outputs", problems, f"Bericht {number}, ")
    return (None if problems else manifest), problems


def _recorded(manifest: dict, result: Verification) -> dict[str, str]:
    """The hashes a manifest records: the ``files`` section, or inputs and report outputs (version 0.1)."""
    recorded = dict(manifest.get("inputs", {}))
    for entry in manifest.get("reports", []):
        recorded.update(entry.get("outputs", {}))
    if "files" not in manifest:
        return recorded
    files = dict(manifest["files"])
    for name, digest in recorded.items():
        if name in files and files[name] != digest:
            result.problems.append(f"{name}: Prüfsumme im Manifest widersprüchlich (Abschnitt files gegenüber "
                                   f"inputs/reports)")
    return files


# ----------------------------------------------------------------------------- archive

def installed_packages() -> str:
    """``name==version`` of every installed distribution, sorted (what ``pip freeze`` would list)."""
    lines = {f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"]}
    return "\n".join(sorted(lines, key=str.lower)) + "\n"


def _run_files(run_dir: Path) -> list[Path]:
    return sorted(p for p in run_dir.rglob("*") if p.is_file() and PARTIAL not in p.name
                  and not p.name.startswith(".staging"))


def _file_hash(path: Path, name: str) -> str:
    """SHA-256 of a run file, streamed; refuses (German) a file that contains a private key or is a link."""
    if path.is_symlink():
        raise IntegrityError(f"{name}: ist eine symbolische Verknüpfung; ein Archiv enthält nur echte Dateien")
    digest = hashlib.sha256()
    tail = b""
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            if PRIVATE_KEY_MARKER in tail + chunk:
                raise ConfigurationError(f"{name}: enthält einen privaten Schlüssel und wird nicht archiviert. Bitte "
                                         "die Datei aus dem Laufordner entfernen (und den Schlüssel als "
                                         "bekannt geworden ersetzen).")
            tail = chunk[-len(PRIVATE_KEY_MARKER):]
            digest.update(chunk)
    return digest.hexdigest()


def create_archive(run_dir: str | Path, target: str | Path | None = None, key=None) -> Path:
    """Pack a run folder into ``<run-id>.zip`` (default: next to the run folder); returns the archive path.

    ``key`` (an Ed25519 private key, :func:`veedel_lib.publish.signature.load_private_key`) signs SHA256SUMS into
    the entry ``SIGNATURE``. Files are hashed and packed in chunks (bounded memory); a file that changes between
    the two passes, or that contains a private key, stops the archive.
    """
    from ..publish.signature import signature_entry

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    target = Path(target) if target else run_dir.parent / f"{manifest['run_id']}.zip"
    files = {path.relative_to(run_dir).as_posix(): path for path in _run_files(run_dir)}
    hashes = {name: _file_hash(path, name) for name, path in files.items()}
    generated = {"environment/packages.txt": installed_packages().encode(),
                 "environment/git_commit.txt": f"{manifest.get('git_commit') or 'unbekannt'}\n".encode()}
    hashes.update({name: hashlib.sha256(data).hexdigest() for name, data in generated.items()})
    sums = "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes)).encode()
    generated[CHECKSUMS] = sums
    if key is not None:
        generated[SIGNATURE] = signature_entry(key, sums)
    with atomic_path(target) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name in sorted(set(files) | set(generated)):
                info = zipfile.ZipInfo(f"{manifest['run_id']}/{name}", date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                if name in generated:
                    archive.writestr(info, generated[name])
                else:
                    _pack(archive, info, files[name], hashes[name], name)
    atomic_write_text(target.with_name(target.name + ".sha256"), f"{sha256_file(target)}  {target.name}\n")
    return target


def _pack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, expected: str, name: str) -> None:
    """Copy one file into the archive in chunks; IntegrityError if it differs from the hash taken before."""
    info.file_size = path.stat().st_size
    digest = hashlib.sha256()
    with open(path, "rb") as source, archive.open(info, "w", force_zip64=info.file_size > (1 << 30)) as entry:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            entry.write(chunk)
    if digest.hexdigest() != expected:
        raise IntegrityError(f"{name}: wurde während des Archivierens verändert; bitte erneut archivieren")


# ----------------------------------------------------------------------------- verify

@dataclass
class Verification:
    """Result of verify: the files checked, every problem found (German, naming the file) and the origin.

    ``ok``: nothing changed, missing, added or refused (with a trusted key also: the signature is valid).
    ``authentic``: checked against a trusted key and ok. ``key`` is the trusted key's fingerprint (None: the
    origin was not checked); ``signed``: the archive carries a SIGNATURE entry.
    """

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    archive: bool = False
    signed: bool = False
    key: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def authentic(self) -> bool:
        return self.archive and self.key is not None and self.signed and self.ok


def _companion(path: Path, result: Verification) -> None:
    """Check an archive file against its ``.sha256`` companion, when there is one."""
    companion = path.with_name(path.name + ".sha256")
    if not companion.is_file():
        return
    result.checked += 1
    text = companion.read_bytes()[:1024].decode("utf-8", errors="replace").split()
    if not text or not HEX.fullmatch(text[0]):
        result.problems.append(f"{companion.name}: enthält keine SHA-256-Prüfsumme")
    elif sha256_file(path) != text[0].lower():
        result.problems.append(f"{path.name}: Prüfsumme der Archivdatei stimmt nicht mit {companion.name} überein")


def _read_checked(source, name: str, result: Verification) -> bytes | None:
    """An entry read whole for parsing, or None with the German problem recorded."""
    try:
        return source.read_small(name)
    except IntegrityError as exc:
        result.problems.append(str(exc))
        return None


def _check_origin(source, public_key, sums: bytes | None, result: Verification) -> None:
    """Record whether the archive is signed and, with a trusted key, whether the signature is valid."""
    from ..publish.signature import check_signature, fingerprint

    result.signed = SIGNATURE in source.names()
    if public_key is None:
        return
    result.key = fingerprint(public_key)
    if not result.archive:
        result.problems.append("Ein Laufordner trägt keine Signatur: die Herkunft lässt sich nur an einem signierten "
                               "Archiv prüfen")
    elif not result.signed:
        result.problems.append(f"{SIGNATURE} fehlt: das Archiv ist nicht signiert, seine Herkunft ist unbekannt")
    elif sums is not None:
        entry = _read_checked(source, SIGNATURE, result)
        problem = check_signature(public_key, sums, entry) if entry is not None else None
        if problem:
            result.problems.append(f"{SIGNATURE}: {problem}")


def _verify_source(source, public_key, result: Verification) -> dict[str, str]:
    """Check every hash of an opened archive or run folder into ``result``; returns the expected hashes."""
    result.problems.extend(source.refusals())
    names = source.names()
    expected: dict[str, str] = {}
    sums = None
    if CHECKSUMS in names:
        sums = _read_checked(source, CHECKSUMS, result)
        if sums is not None:
            expected, problems = parse_checksums(sums)
            result.problems.extend(problems)
    elif result.archive:
        result.problems.append(f"{CHECKSUMS} fehlt")
    _check_origin(source, public_key, sums, result)
    manifest: dict = {}
    if MANIFEST in names:
        data = _read_checked(source, MANIFEST, result)
        parsed, problems = parse_manifest(data) if data is not None else (None, [])
        result.problems.extend(problems)
        manifest = parsed or {}
        for name, digest in _recorded(manifest, result).items():
            if name in expected and expected[name] != digest:
                result.problems.append(f"{name}: Prüfsumme in SHA256SUMS weicht vom Manifest ab")
            expected.setdefault(name, digest)
    elif not source.is_refused(MANIFEST):
        result.problems.append(f"{MANIFEST} fehlt")
    for name in sorted(expected):
        result.checked += 1
        if name not in names:
            if not source.is_refused(name):  # a refused entry is named with its reason already
                result.problems.append(f"{name}: Datei fehlt")
            continue
        try:
            actual = source.sha256(name)
        except IntegrityError as exc:
            result.problems.append(str(exc))
            continue
        if actual != expected[name]:
            result.problems.append(f"{name}: Inhalt verändert (Prüfsumme stimmt nicht)")
    extras = set()
    if "files" in manifest:
        allowed = set(manifest["files"]) | {MANIFEST} | ({CHECKSUMS, SIGNATURE, *ARCHIVE_ONLY} if sums else set())
        extras = names - allowed
        for extra in sorted(extras):
            result.problems.append(f"{extra}: Datei ist nicht im Manifest verzeichnet")
    if sums is not None:
        listed = set(expected) | {CHECKSUMS, SIGNATURE}
        for extra in sorted(names - listed - extras):
            result.problems.append(f"{extra}: Datei ist nicht in {CHECKSUMS} verzeichnet")
    return expected


ARCHIVE_ONLY = (CHECKSUMS, SIGNATURE, "environment/packages.txt", "environment/git_commit.txt")
"""Files an archive adds to the run folder (SHA256SUMS covers all but itself and SIGNATURE; the manifest none)."""


def _open(path: Path, limits: Limits | None):
    """An :class:`ArchiveReader` for a file, a :class:`_RunFolder` for a folder."""
    return _RunFolder(path, limits) if path.is_dir() else ArchiveReader(path, limits)


def open_run(path: str | Path, limits: Limits | None = None) -> RunView:
    """A run folder or archive opened for comparison (:class:`veedel_lib.run.compare.RunView`), its manifest
    checked; German errors for a missing run, a missing or broken manifest."""
    path = Path(path)
    if not path.exists():
        raise ConfigurationError(f"Lauf nicht gefunden: {path}")
    source = _open(path, limits)
    try:
        if MANIFEST not in source.names():
            raise IntegrityError(f"{path}: kein Lauf von veedel ({MANIFEST} fehlt)")
        manifest, problems = parse_manifest(source.read_small(MANIFEST))
        if manifest is None:
            raise IntegrityError("; ".join(problems))
    except BaseException:
        source.close()
        raise
    return RunView(path, source, manifest)


def compare(old: str | Path, new: str | Path, limits: Limits | None = None) -> ChangeReport:
    """What changed between two runs (run folders or archives) and why (:func:`veedel_lib.run.compare.compare_runs`)."""
    first = open_run(old, limits)
    try:
        second = open_run(new, limits)
        try:
            return compare_runs(first, second)
        finally:
            second.close()
    finally:
        first.close()


def verify(path: str | Path, public_key=None, limits: Limits | None = None) -> Verification:
    """Check every recorded hash of an archive (SHA256SUMS and manifest) or a run folder (manifest).

    Names each changed, missing, extra and refused file. With ``public_key`` (a trusted Ed25519 public key) an
    archive is authentic only if its SIGNATURE is valid for that key over SHA256SUMS and every entry matches;
    without it the origin stays unchecked (``result.key`` is None). Entries are hashed in chunks (bounded memory).
    Also checks the archive file against its ``.sha256`` companion when that exists.
    """
    path = Path(path)
    result = Verification(archive=path.is_file())
    if not path.exists():
        result.problems.append(f"{path}: nicht gefunden")
        return result
    if result.archive:
        _companion(path, result)
    try:
        source = _open(path, limits)
    except IntegrityError as exc:
        result.problems.append(str(exc))
        return result
    try:
        _verify_source(source, public_key, result)
    finally:
        source.close()
    return result


# ----------------------------------------------------------------------------- reproduce

@dataclass
class Comparison:
    compared: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    run_dir: Path | None = None
    notes: list[str] = field(default_factory=list)
    """What the caller should know about the re-run (e.g. archived code executed, library differs)."""

    @property
    def identical(self) -> bool:
        return not self.differences


def recorded_reports(parameters: dict) -> list[str]:
    """The reports a manifest's run parameters name (also in the two lists that earlier versions wrote)."""
    if "reports" in parameters:
        return list(parameters["reports"])
    return list(parameters.get("area_notebooks", [])) + list(parameters.get("programme_notebooks", []))


def _run_parameters(manifest: dict) -> dict:
    """The archived run's year, baseline, areas and reports, type-checked (German IntegrityError naming the field)."""
    parameters = manifest.get("parameters")
    if not isinstance(parameters, dict):
        raise IntegrityError(f"{MANIFEST}: Abschnitt „parameters“ fehlt oder ist kein Objekt")
    problems = []
    for key, default in (("year", None), ("baseline_year", 2020)):
        value = parameters.get(key, default)
        if type(value) is not int:
            problems.append(f"„parameters.{key}“ muss eine ganze Zahl sein")
    reports = recorded_reports(parameters) if all(isinstance(parameters.get(k, []), list) for k in
                                                  ("reports", "area_notebooks", "programme_notebooks")) else None
    for key, value in (("areas", parameters.get("areas")), ("reports", reports)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"„parameters.{key}“ muss eine Liste von Texten sein")
    if problems:
        raise IntegrityError(f"{MANIFEST}: " + "; ".join(problems))
    return {"year": parameters["year"], "baseline_year": parameters.get("baseline_year", 2020),
            "areas": parameters["areas"], "reports": reports}


def installed_notebooks() -> Path:
    """The installed project's notebooks folder (the code ``veedel reproduce`` runs)."""
    return project_root() / "notebooks"


def code_differences(source: ArchiveReader, manifest: dict) -> list[str]:
    """Where the archived code differs from the installed one: each archived notebook (or other file in the
    notebooks folder) that is not byte-identical to the installed one, the library's version and the SHA-256 of its
    code (``veedel_code``); for manifests without that hash the git commit (when both are known). German, one line
    each."""
    installed = installed_notebooks()
    differences = []
    for name in sorted(n for n in source.names() if n.startswith(NOTEBOOKS)):
        local = installed / name[len(NOTEBOOKS):]
        if not local.is_file():
            differences.append(f"{name}: gibt es im installierten Projekt nicht ({installed})")
        elif sha256_file(local) != source.sha256(name):
            differences.append(f"{name}: weicht vom installierten Notebook {local} ab")
    environment = manifest.get("environment")
    recorded = environment.get("veedel") if isinstance(environment, dict) else None
    try:
        version = metadata.version("veedel")
    except metadata.PackageNotFoundError:
        version = "nicht installiert"  # as manifest.package_versions records it
    if recorded is not None and recorded != version:
        differences.append(f"Bibliothek veedel: archiviert Version {shown(str(recorded), 40)}, installiert {version}")
    code = environment.get("veedel_code") if isinstance(environment, dict) else None
    if code is not None and code != library_hash():
        differences.append(f"Code der Bibliothek veedel: archiviert SHA-256 {shown(str(code), 70)}, installiert "
                           f"{library_hash()}")
    recorded, current = manifest.get("git_commit"), git_commit(project_root())
    if code is None and recorded and current and recorded != current:  # manifests without the code's hash
        differences.append(f"Projektstand (git): archiviert {shown(str(recorded), 60)}, installiert {current}")
    return differences


def _refuse_archived_code(differences: list[str], check: Verification, archived_code: bool,
                          installed_code: bool = False) -> None:
    """Stop (German IntegrityError) where the archived code differs from the installed one, unless the caller chose
    which code runs: the archived code (authentic archive only) or, explicitly, the installed code."""
    if archived_code and installed_code:
        raise ConfigurationError("--archivierten-code-ausfuehren und --installierten-code-verwenden schließen sich "
                                 "aus: bitte eines von beiden angeben.")
    if archived_code and not check.authentic:
        raise ConfigurationError(
            "--archivierten-code-ausfuehren gilt nur für ein echtes Archiv: bitte den öffentlichen Schlüssel der "
            "Stadt mit --oeffentlicher-schluessel angeben (veedel führt Code aus einem Archiv unbekannter Herkunft "
            "nie aus).")
    if not differences or archived_code or installed_code:
        return
    listed = "; ".join(differences)
    advice = ("Das Archiv ist echt: mit --archivierten-code-ausfuehren läuft ausdrücklich sein eigener Code."
              if check.authentic else
              "Code aus einem Archiv läuft nur, wenn das Archiv mit dem öffentlichen Schlüssel der Stadt als echt "
              "geprüft ist (--oeffentlicher-schluessel) und ausdrücklich --archivierten-code-ausfuehren "
              "angegeben ist.")
    raise IntegrityError(f"Das Archiv enthält anderen Code als das installierte Projekt: {listed}. veedel "
                         f"wiederholt Läufe mit dem installierten Code und hält hier an. {advice} Mit "
                         "--installierten-code-verwenden läuft die Wiederholung ausdrücklich mit dem installierten "
                         "Code; Unterschiede können dann auch aus dem geänderten Code stammen.")


def _unpack_inputs(source: ArchiveReader, expected: dict[str, str], work: Path, archived_code: bool) -> Path:
    """Extract the archive's inputs into ``work/inputs`` (each entry inside it); the notebooks from the installed
    project unless ``archived_code``. Returns the inputs folder."""
    inputs = work / "inputs"
    inputs.mkdir(parents=True)
    for name in sorted(source.names()):
        if name.startswith("inputs/") and (archived_code or not name.startswith(NOTEBOOKS)):
            source.extract(name, work, expected.get(name))
    if not archived_code:
        (inputs / "notebooks").mkdir(exist_ok=True)
        for name in sorted(n for n in source.names() if n.startswith(NOTEBOOKS)):
            shutil.copyfile(installed_notebooks() / name[len(NOTEBOOKS):], work / name)
    return inputs


def reproduced_config(inputs: Path, parameters: dict) -> RunConfig:
    """The configuration a re-run resolves its run specification from: the archived ``run.yml`` (also of an archive
    made before runs carried ``inputs/run_spec.json``), with the archived run's year, baseline and reports from its
    manifest, the archived data, tables only, on this computer and without the previous year's section (the
    archive does not hold that run)."""
    run_file = inputs / "parameters" / "run.yml"
    configured = load_run_config(run_file) if run_file.is_file() else RunConfig()
    return configured.model_copy(update={
        "data_dir": str(inputs / "data"), "year": parameters["year"], "baseline_year": parameters["baseline_year"],
        "reports": parameters["reports"], "formats": [], "executor": "local", "scheduler": None, "jobs": None,
        "previous_run": None})


def reproduce(archive: str | Path, outputs: str | Path | None = None, jobs: int | None = None,
              progress=None, on_plan=None, public_key=None, archived_code: bool = False,
              limits: Limits | None = None, installed_code: bool = False) -> Comparison:
    """Re-run an archived run from its own inputs with the installed code and compare everything it publishes.

    Compared as by ``veedel vergleiche`` (:func:`veedel_lib.run.compare.compare_runs`): every table and figure data
    file cell by cell and the reports' text sentence by sentence (run ids and dates aside), each difference naming
    report, place, section or table and the old and new value or sentence.

    The archive is verified first (against ``public_key`` if given). The re-run uses the archived data and
    parameters and the archived run parameters (year, areas, notebooks), with the installed project's notebooks
    and library, producing tables only. If the archived code differs from the installed one it stops naming the
    differences, unless ``archived_code`` is asked for and the archive is authentic (then the archived notebooks
    run) or ``installed_code`` is asked for (then the installed ones run all the same, a re-run across code
    versions, and the result says that differences may come from the code). ``on_plan(tasks)`` and
    ``progress(result)`` report the re-run as for ``veedel run``.
    """
    from .runner import run_from_inputs

    archive = Path(archive)
    if not archive.is_file():
        raise IntegrityError(f"{archive}: keine Archivdatei")
    check = Verification(archive=True)
    _companion(archive, check)
    source = ArchiveReader(archive, limits)
    try:
        expected = _verify_source(source, public_key, check)
        if not check.ok:
            raise IntegrityError(("Archiv ist nicht echt oder beschädigt: " if public_key is not None else
                                  "Archiv ist beschädigt: ") + "; ".join(check.problems))
        manifest, _ = parse_manifest(source.read_small(MANIFEST))
        parameters = _run_parameters(manifest)
        differences = code_differences(source, manifest)
        _refuse_archived_code(differences, check, archived_code, installed_code)
        work = Path(tempfile.mkdtemp(prefix="veedel-reproduce-"))
        try:
            inputs = _unpack_inputs(source, expected, work, archived_code)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)  # nothing half-extracted stays behind
            raise
    finally:
        source.close()
    config = reproduced_config(inputs, parameters)
    summary = run_from_inputs(config, inputs, Path(outputs) if outputs else work / "outputs",
                              areas=parameters["areas"], jobs=jobs, progress=progress, on_plan=on_plan)
    result = Comparison(run_dir=summary.run_dir)
    if archived_code:
        result.notes.append("Ausgeführt wurde auf Wunsch der Code aus dem (echten) Archiv"
                            + (": " + "; ".join(differences) if differences else "."))
    elif differences:
        result.notes.append("Wiederholt wurde auf Wunsch mit dem installierten Code, der vom archivierten abweicht ("
                            + "; ".join(differences) + "): Unterschiede können auch aus dem geänderten Code stammen.")
    archived, again = open_run(archive, limits), open_run(summary.run_dir)
    try:
        change = compare_runs(archived, again)
        result.compared = sorted({n for n in archived.names() | again.names()
                                  if "/tables/" in n and n.endswith(".csv") or n.endswith(".ipynb")
                                  and not n.startswith("inputs/")})
    finally:
        archived.close()
        again.close()
    result.differences += [d.describe() for d in change.differences]
    for failure in summary.failed:
        result.differences.append(f"{failure.task.key}: Notebook in der Wiederholung fehlgeschlagen")
    return result
