"""Reproducible archives of runs: pack, verify, reproduce.

``veedel archive RUN_DIR`` packs a finished run (executed notebooks, reports, tables, manifest, the copies
of all input data and parameters, the exact package versions, the project's git commit) into one zip file
with a checksum list ``SHA256SUMS``; the archive's own checksum goes next to it (``.sha256``).
``veedel verify`` checks every hash of an archive or run folder and names each file that is changed, missing
or not listed.
``veedel reproduce`` re-runs an archive from its own inputs and compares every table and every figure's
data with the archived ones, so an evaluation can be checked years later.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..errors import IntegrityError
from ..files import PARTIAL, atomic_path, atomic_write_text, sha256_file
from .manifest import MANIFEST, read_manifest

CHECKSUMS = "SHA256SUMS"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries carry no run-dependent timestamps


def installed_packages() -> str:
    """``name==version`` of every installed distribution, sorted (what ``pip freeze`` would list)."""
    lines = {f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"]}
    return "\n".join(sorted(lines, key=str.lower)) + "\n"


def _run_files(run_dir: Path) -> list[Path]:
    return sorted(p for p in run_dir.rglob("*") if p.is_file() and PARTIAL not in p.name
                  and not p.name.startswith(".staging"))


def create_archive(run_dir: str | Path, target: str | Path | None = None) -> Path:
    """Pack a run folder into ``<run-id>.zip`` (default: next to the run folder); returns the archive path."""
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    target = Path(target) if target else run_dir.parent / f"{manifest['run_id']}.zip"
    entries: dict[str, bytes] = {}
    for path in _run_files(run_dir):
        entries[path.relative_to(run_dir).as_posix()] = path.read_bytes()
    entries["environment/packages.txt"] = installed_packages().encode()
    entries["environment/git_commit.txt"] = f"{manifest.get('git_commit') or 'unbekannt'}\n".encode()
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(entries.items()))
    entries[CHECKSUMS] = sums.encode()
    with atomic_path(target) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(f"{manifest['run_id']}/{name}", date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, entries[name])
    atomic_write_text(target.with_name(target.name + ".sha256"), f"{sha256_file(target)}  {target.name}\n")
    return target


@dataclass
class Verification:
    """Result of verify: the files checked and every mismatch found (German messages naming the file)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Source:
    """Uniform read access to a run folder or a run archive."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path) if zipfile.is_zipfile(path) else None
        if self.zip is not None:
            names = self.zip.namelist()
            self.prefix = names[0].split("/", 1)[0] + "/" if names else ""

    def names(self) -> list[str]:
        """Every file (an archive's members; a run folder's files, temporary ones included)."""
        if self.zip is not None:
            return sorted(n[len(self.prefix):] for n in self.zip.namelist() if not n.endswith("/"))
        return [p.relative_to(self.path).as_posix() for p in sorted(self.path.rglob("*")) if p.is_file()]

    def exists(self, name: str) -> bool:
        return name in set(self.names())

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.prefix + name)
        return (self.path / name).read_bytes()


ARCHIVE_ONLY = (CHECKSUMS, "environment/packages.txt", "environment/git_commit.txt")
"""Files an archive adds to the run folder (covered by SHA256SUMS, not by the manifest)."""


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


def verify(path: str | Path) -> Verification:
    """Check every recorded hash of an archive (SHA256SUMS and manifest) or a run folder (manifest).

    Names each changed, missing and extra file. With the ``files`` section of current manifests every file
    of the run is covered (extra files too); manifests of earlier versions cover inputs and report outputs,
    and in an archive SHA256SUMS covers the rest. Also checks the archive file against its ``.sha256``
    companion when that exists.
    """
    import json

    path = Path(path)
    result = Verification()
    if not path.exists():
        result.problems.append(f"{path}: nicht gefunden")
        return result
    companion = path.with_name(path.name + ".sha256")
    if path.is_file() and companion.exists():
        expected = companion.read_text(encoding="utf-8").split()[0]
        result.checked += 1
        if sha256_file(path) != expected:
            result.problems.append(f"{path.name}: Prüfsumme der Archivdatei stimmt nicht mit {companion.name} überein")
    source = _Source(path)
    names = set(source.names())
    expected_hashes: dict[str, str] = {}
    if CHECKSUMS in names:
        for line in source.read(CHECKSUMS).decode("utf-8").splitlines():
            digest, name = line.split("  ", 1)
            expected_hashes[name] = digest
    manifest: dict = {}
    if MANIFEST in names:
        manifest = json.loads(source.read(MANIFEST))
        for name, digest in _recorded(manifest, result).items():
            if name in expected_hashes and expected_hashes[name] != digest:
                result.problems.append(f"{name}: Prüfsumme in SHA256SUMS weicht vom Manifest ab")
            expected_hashes.setdefault(name, digest)
    else:
        result.problems.append(f"{MANIFEST} fehlt")
    for name in sorted(expected_hashes):
        result.checked += 1
        if name not in names:
            result.problems.append(f"{name}: Datei fehlt")
            continue
        if hashlib.sha256(source.read(name)).hexdigest() != expected_hashes[name]:
            result.problems.append(f"{name}: Inhalt verändert (Prüfsumme stimmt nicht)")
    extras = set()
    if "files" in manifest:
        allowed = set(manifest["files"]) | {MANIFEST} | (set(ARCHIVE_ONLY) if CHECKSUMS in names else set())
        extras = names - allowed
        for extra in sorted(extras):
            result.problems.append(f"{extra}: Datei ist nicht im Manifest verzeichnet")
    if CHECKSUMS in names:
        listed = set(expected_hashes) | {CHECKSUMS}
        for extra in sorted(names - listed - extras):
            result.problems.append(f"{extra}: Datei ist nicht in {CHECKSUMS} verzeichnet")
    return result


# ----------------------------------------------------------------------------- reproduce

@dataclass
class Comparison:
    compared: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    run_dir: Path | None = None

    @property
    def identical(self) -> bool:
        return not self.differences


def _tables(source: _Source) -> dict[str, bytes]:
    return {n: source.read(n) for n in source.names() if "/tables/" in n and n.endswith(".csv")}


def _describe_difference(name: str, old: bytes, new: bytes) -> str:
    try:
        before = pd.read_csv(io.BytesIO(old))
        after = pd.read_csv(io.BytesIO(new))
        if before.shape != after.shape or list(before.columns) != list(after.columns):
            return f"{name}: Form verschieden ({before.shape} gegenüber {after.shape})"
        changed = (before != after) & ~(before.isna() & after.isna())
        cells = [(r, c) for r, c in zip(*changed.to_numpy().nonzero())]
        first = cells[0]
        column = before.columns[first[1]]
        return (f"{name}: {len(cells)} Zellen verschieden, z. B. Zeile {first[0] + 2}, Spalte '{column}': "
                f"{before.iat[first]} gegenüber {after.iat[first]}")
    except Exception:  # noqa: BLE001 - unreadable tables still count as different
        return f"{name}: Inhalt verschieden"


def recorded_reports(parameters: dict) -> list[str]:
    """The reports a manifest's run parameters name (also in the two lists that earlier versions wrote)."""
    if "reports" in parameters:
        return list(parameters["reports"])
    return list(parameters.get("area_notebooks", [])) + list(parameters.get("programme_notebooks", []))


def reproduce(archive: str | Path, outputs: str | Path | None = None, jobs: int | None = None,
              progress=None, on_plan=None) -> Comparison:
    """Re-run an archived run from its own inputs and compare every table and figure data file.

    The archive is first verified; the re-run uses the archived data, parameters and notebooks and the
    archived run parameters (year, areas, notebooks), producing tables only (no HTML/PDF needed).
    ``on_plan(tasks)`` and ``progress(result)`` report the re-run as for ``veedel run``.
    """
    from ..params.run_config import RunConfig
    from .runner import run_from_inputs

    archive = Path(archive)
    check = verify(archive)
    if not check.ok:
        raise IntegrityError("Archiv ist beschädigt: " + "; ".join(check.problems))
    source = _Source(archive)
    import json

    manifest = json.loads(source.read(MANIFEST))
    work = Path(tempfile.mkdtemp(prefix="veedel-reproduce-"))
    inputs = work / "inputs"
    for name in source.names():
        if name.startswith("inputs/"):
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read(name))
    parameters = manifest["parameters"]
    config = RunConfig(data_dir=str(inputs / "data"), year=parameters["year"],
                       baseline_year=parameters.get("baseline_year", 2020),
                       reports=recorded_reports(parameters), formats=[])
    summary = run_from_inputs(config, inputs, Path(outputs) if outputs else work / "outputs",
                              areas=parameters["areas"], jobs=jobs, progress=progress, on_plan=on_plan)
    result = Comparison(run_dir=summary.run_dir)
    original = _tables(source)
    fresh = _tables(_Source(summary.run_dir))
    for name in sorted(set(original) | set(fresh)):
        result.compared.append(name)
        if name not in fresh:
            result.differences.append(f"{name}: fehlt in der Wiederholung")
        elif name not in original:
            result.differences.append(f"{name}: nur in der Wiederholung vorhanden")
        elif original[name] != fresh[name]:
            result.differences.append(_describe_difference(name, original[name], fresh[name]))
    for failure in summary.failed:
        result.differences.append(f"{failure.task.key}: Notebook in der Wiederholung fehlgeschlagen")
    return result
