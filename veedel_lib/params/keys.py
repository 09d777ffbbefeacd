"""Declared parameter keys: the parts of the parameter files a report reads, and a canonical hash of them.

A report declares what it reads of the parameters folder as a tuple of *keys* (see
:attr:`veedel_lib.reports.base.ReportContent.parameter_keys`), each one of

- ``"indicators.yml"``: the whole file (its bytes; for files that are not YAML, e.g. ``qualitative/kalk.md``);
- ``"run.yml:analysis.handlungsbedarf.elevated_ratio"``: the sub-tree at a dotted path of the parsed YAML;
- ``"areas.yml:areas[id=kalk]"``: the items of a list whose ``id`` is ``kalk`` (an area with several definitions
  over time has several items), optionally followed by a further dotted path; any field works the same way
  (``"areas.yml:areas[stadtbezirk=8]"``: the areas of Stadtbezirk 8, compared as text);
- ``"areas.yml:areas[*].stadtteile"``: a further path in every item of a list (the Stadtteile of all areas).

``{area_id}`` in a key stands for the report's area, ``{bezirk}`` for the number of its Stadtbezirk (reports of one
Stadtbezirk). :func:`key_digest` hashes the selected sub-trees, serialised
canonically (JSON with sorted keys), so an edit elsewhere in the file (a comment, another area, another setting)
leaves the hash unchanged. A path that does not exist hashes as "missing": the report then uses the code's
default, which the library hash covers.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .yamlfiles import load_yaml

_ITEM = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<field>[A-Za-z_]\w*)=(?P<value>[^\[\]]+)\]$")
MISSING = "<fehlt>"
"""What a declared path that does not exist in the file hashes as."""


def split_key(key: str) -> tuple[str, str | None]:
    """``"run.yml:analysis.x"`` → ``("run.yml", "analysis.x")``; a whole file → ``(name, None)``."""
    name, _, path = key.partition(":")
    return name, (path or None)


def files_of(keys: tuple[str, ...] | list[str]) -> list[str]:
    """The parameter files the keys point into, in order, each once."""
    return list(dict.fromkeys(split_key(key)[0] for key in keys))


def select(document: Any, path: str) -> Any:
    """The sub-tree of a parsed YAML document at a dotted ``path``; :data:`MISSING` where it does not exist.

    ``name[id=x]`` keeps the items of the list ``name`` whose ``id`` is ``x`` (any field: ``name[stadtbezirk=8]``);
    ``name[*]`` applies the rest of
    the path to every item of the list (``areas[*].stadtteile``: the Stadtteile of every area, in order)."""
    part, _, rest = path.partition(".")
    item = _ITEM.match(part)
    name = item.group("name") if item else part.removesuffix("[*]")
    if not isinstance(document, dict) or name not in document:
        return MISSING
    current = document[name]
    if item or part.endswith("[*]"):
        if not isinstance(current, list):
            return MISSING
        if item:
            field, value = item.group("field"), item.group("value")
            current = [entry for entry in current if isinstance(entry, dict) and str(entry.get(field)) == value]
            if not current:
                return MISSING
        if rest:
            return [select(entry, rest) for entry in current]
        return current
    return select(current, rest) if rest else current


@lru_cache(maxsize=32)
def _parsed(path: str, stamp: tuple[int, int]) -> Any:
    """A parameter file parsed once per process and version (size, modification time in ns): a run computes the
    keys of all its reports from the same few files (parsing them per report took 20 ms a report)."""
    return load_yaml(path)[0]


def _document(file: Path) -> Any:
    """The parsed YAML of a parameter file (cached per version)."""
    stat = file.stat()
    return _parsed(str(file), (stat.st_size, stat.st_mtime_ns))


def selected(parameters: Path, key: str) -> Any:
    """The value a key (with a path) selects in the parameters folder; :data:`MISSING` for a missing file or path."""
    name, path = split_key(key)
    file = parameters / name
    if not file.is_file():
        return MISSING
    return _document(file) if path is None else select(_document(file), path)


def _canonical(value: Any) -> bytes:
    """A stable serialisation of a YAML sub-tree (sorted keys; dates and other scalars as text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def key_digest(parameters: Path, keys: tuple[str, ...] | list[str]) -> str:
    """SHA-256 over the declared parts of the parameter files in ``parameters`` (keys already filled in)."""
    digest = hashlib.sha256()
    parsed: dict[str, Any] = {}
    for key in sorted(set(keys)):
        name, path = split_key(key)
        file = parameters / name
        digest.update(key.encode("utf-8") + b"\0")
        if not file.is_file():
            digest.update(MISSING.encode() + b"\n")
        elif path is None:
            digest.update(file.read_bytes() + b"\n")
        else:
            if name not in parsed:
                parsed[name] = _document(file)
            digest.update(_canonical(select(parsed[name], path)) + b"\n")
    return digest.hexdigest()
