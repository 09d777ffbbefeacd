"""The run manifest: what went in (inputs, parameters, versions), what came out (reports with hashes).

``manifest.json`` sits in every run folder and is written last. It is the basis of
:mod:`veedel_lib.run.archive` (verify, reproduce) and of the portal page. All hashes are SHA-256 of file
bytes; the section ``files`` lists every file of the run folder (manifests of version 0.1 have only
``inputs`` and the reports' ``outputs``). Each report's ``file_identities`` are the identities of its files on the
disk they were hashed on (:func:`file_identity`): a later run in the same outputs folder takes a file over without
reading it while it keeps that identity (:func:`unchanged_since`); verification never relies on them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from collections.abc import Mapping
from pathlib import Path

from ..files import PARTIAL, atomic_write_text, sha256_file

MANIFEST = "manifest.json"
PACKAGES = ("veedel", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel", "openpyxl", "PyYAML", "babel", "pandera",
            "pydantic", "playwright")


def hash_tree(root: str | Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative POSIX paths, sorted), skipping temporary files."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*"))
            if p.is_file() and PARTIAL not in p.name}


def file_hashes(run_dir: str | Path, known: Mapping[str, tuple[str, tuple]] | None = None,
                identities: dict[str, list[int]] | None = None) -> dict[str, str]:
    """SHA-256 of every file of a run folder except ``manifest.json`` itself (relative POSIX paths, sorted).

    The manifest's ``files`` section: inputs, executed notebooks, HTML, PDF, tables, the portal and
    anything else, so that ``veedel verify`` notices any changed, missing or added file. ``known``: files whose
    hash this process has just checked (a taken-over report's files, linked from an earlier run after their hash
    was verified), as name -> (hash, :func:`file_identity` right after linking); such a file is not read again
    while it is still the very same file (same inode, size and modification time), else it is hashed as any other.
    ``identities``, when given, receives the :func:`file_identity` of each file that the returned hash is known
    to describe: the file did not change while it was hashed (the same identity before and after reading it), or
    it is a known file still the very same. The manifest records them so that a later run can take the file over
    without reading it again while it keeps that identity (see :func:`unchanged_since`).
    """
    root = Path(run_dir)
    known = known or {}
    hashes = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if not path.is_file() or name == MANIFEST:
            continue
        digest, identity = known.get(name, (None, None))
        before = file_identity(path)
        if digest is None or before != identity:
            digest = sha256_file(path)
            identity = file_identity(path)
            identity = identity if identity == before else None
        hashes[name] = digest
        if identities is not None and identity is not None:
            identities[name] = list(identity)
    return hashes


def file_identity(path: Path, status: os.stat_result | None = None) -> tuple:
    """What tells one file on disk from another and from its own later versions: device, inode, size,
    modification and status-change time in nanoseconds (the status-change time cannot be set back, so a file
    written again, or a new file under a reused inode, never looks the same). ``status``: the file's ``stat``
    when the caller has just taken it."""
    status = status if status is not None else path.stat()
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def unchanged_since(path: Path, recorded: list[int] | tuple | None, written_ns: int | None) -> bool:
    """Whether ``path`` is still the very file whose identity a manifest recorded (:func:`file_hashes`), unchanged
    since: the same device, inode, size, modification and status-change time, and that status-change time earlier
    than the status-change time of the manifest that recorded it (``written_ns``, ``st_ctime_ns`` of the
    ``manifest.json``).

    Any write to a file, any new file under its name, and any change of its times sets its status-change time to
    the file system's present time, which no one can set back: a file written after its manifest has a later
    status-change time than the manifest and never looks unchanged; one written in the same tick of the file
    system's clock as the manifest, or one recorded without a time to compare, is not trusted either. False also
    where the status-change time is a creation time (Windows): there, only the hash of the bytes tells.
    """
    if not isinstance(recorded, (list, tuple)) or not isinstance(written_ns, int) or os.name == "nt":
        return False
    try:
        identity = file_identity(path)
    except OSError:
        return False
    return list(identity) == list(recorded) and identity[4] < written_ns


def combined_hash(hashes: dict[str, str]) -> str:
    """One hash over a name -> hash mapping (order-independent)."""
    digest = hashlib.sha256()
    for name in sorted(hashes):
        digest.update(f"{name}\0{hashes[name]}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def library_hash() -> str:
    """SHA-256 over the library's own files (code, templates, embedded data), computed once per process."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and PARTIAL not in path.name:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the results, plus Python, the platform and ``veedel_code``,
    the :func:`library_hash` of veedel's own code (what ``veedel reproduce`` compares with the installed code).
    A new dict each time, looked up once per process (the manifest and the reports' keys both need them)."""
    return dict(_package_versions())


@lru_cache(maxsize=1)
def _package_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0], "platform": platform.platform(), "veedel_code": library_hash()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "nicht installiert"
    return versions


def git_commit(path: str | Path) -> str | None:
    """The project's git commit (with "-dirty" if there are uncommitted changes), None outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=path,
                               capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def write_manifest(run_dir: Path, manifest: dict) -> Path:
    """Write ``manifest.json`` atomically (sorted keys, UTF-8, stable formatting)."""
    return atomic_write_text(run_dir / MANIFEST,
                             json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def read_manifest(run_dir: Path) -> dict:
    return json.loads((Path(run_dir) / MANIFEST).read_text(encoding="utf-8"))
