"""The run manifest: what went in (inputs, parameters, versions), what came out (reports with hashes).

``manifest.json`` sits in every run folder and is written last. It is the basis of
:mod:`veedel_lib.run.archive` (verify, reproduce) and of the portal page. All hashes are SHA-256 of file
bytes; the section ``files`` lists every file of the run folder (manifests of version 0.1 have only
``inputs`` and the reports' ``outputs``).
"""

from __future__ import annotations

import hashlib
import json
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


def file_hashes(run_dir: str | Path, known: Mapping[str, tuple[str, tuple]] | None = None) -> dict[str, str]:
    """SHA-256 of every file of a run folder except ``manifest.json`` itself (relative POSIX paths, sorted).

    The manifest's ``files`` section: inputs, executed notebooks, HTML, PDF, tables, the portal and
    anything else, so that ``veedel verify`` notices any changed, missing or added file. ``known``: files whose
    hash this process has just checked (a taken-over report's files, linked from an earlier run after their hash
    was verified), as name -> (hash, :func:`file_identity` right after linking); such a file is not read again
    while it is still the very same file (same inode, size and modification time), else it is hashed as any other.
    """
    root = Path(run_dir)
    known = known or {}
    hashes = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if not path.is_file() or name == MANIFEST:
            continue
        digest, identity = known.get(name, (None, None))
        hashes[name] = digest if digest is not None and file_identity(path) == identity else sha256_file(path)
    return hashes


def file_identity(path: Path) -> tuple:
    """What tells one file on disk from another and from its own later versions: device, inode, size,
    modification and status-change time in nanoseconds (the status-change time cannot be set back, so a file
    written again, or a new file under a reused inode, never looks the same)."""
    status = path.stat()
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


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
    the :func:`library_hash` of veedel's own code (what ``veedel reproduce`` compares with the installed code)."""
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
