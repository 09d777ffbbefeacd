"""Writing files safely and naming them by content: the one atomic write, the hash, the cache folder.

Every file the project writes goes through :func:`atomic_path` (or the two shortcuts below it): the
content is written under a hidden temporary name in the target's own folder and renamed onto the
target only when it is complete, so an interrupted run never leaves a half-written file that looks
finished. Temporary names contain ``.partial``; listings of run folders skip them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PARTIAL = ".partial"
"""Marker in the name of every temporary file or folder (skipped by hashes and archives)."""


def temporary_name(target: Path) -> Path:
    """A hidden temporary path next to ``target``, unique per process and call."""
    return target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{PARTIAL}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def atomic_path(target: str | Path, *, on_error: str | Path | None = None) -> Iterator[Path]:
    """Yield a temporary path for ``target``; rename it onto ``target`` when the block succeeds.

    The block writes a file (or creates a folder) at the yielded path. On success it replaces
    ``target`` in one rename (an existing folder is removed first). On an exception the temporary
    is removed, or kept under ``on_error`` (e.g. a failed notebook for inspection), and the
    exception propagates.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_name(target)
    try:
        yield temporary
    except BaseException:
        if on_error is not None and temporary.exists():
            temporary.replace(on_error)
        else:
            _remove(temporary)
        raise
    if temporary.is_dir() and target.exists():
        _remove(target)
    temporary.replace(target)


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns the target."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
    return Path(target)


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically; returns the target."""
    return atomic_write_bytes(target, text.encode("utf-8"))


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_key(path: str | Path) -> tuple[str, str]:
    """A file's identity for in-memory caches of what was read from it: its resolved path and the hash of its
    bytes, so an edited file is read anew however quickly it was saved again."""
    path = Path(path)
    return str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest()


def kept_per_file(store: dict, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` kept in ``store`` under ``key``, which starts with a :func:`content_key`: computed once per version
    of the file, and the entry of an earlier version of the same file is dropped when a new one is computed."""
    if key not in store:
        for old in [k for k in store if k[0] == key[0]]:
            del store[old]
        store[key] = compute()
    return store[key]


def cache_dir() -> Path:
    """The user's cache folder for generated demo data and validated datasets: ``VEEDEL_CACHE`` or
    ``~/.cache/veedel``."""
    return Path(os.environ.get("VEEDEL_CACHE", Path.home() / ".cache" / "veedel"))
