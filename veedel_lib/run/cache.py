"""Incremental runs: a report whose inputs did not change is taken over from an earlier run, not executed again.

Every report of a run gets a *key*: a SHA-256 over everything its result depends on — the bytes of the run's
input data the report reads (the statistics of all units; of the per-area workbooks only its own area's, or its
Stadtbezirk's areas', when its content class says so, :attr:`~veedel_lib.reports.base.ReportContent.
own_area_workbooks`), the parts of the
parameter files it reads (the keys its content class declares, :attr:`~veedel_lib.reports.base.ReportContent.
parameter_keys`, hashed as canonical JSON of the parsed YAML: an edit elsewhere in a file does not count), of its
notebook, the library's own code, the
versions of the packages that shape the results, its parameters (area, year, baseline) and the output formats.
The key goes into the manifest. A new run looks for the same key among the finished reports of the earlier runs
in the same outputs folder; when it finds one whose files are all still there and intact (checked against that
run's manifest), it links (or copies) the executed notebook, HTML, PDF and table files into the new run folder
and records the earlier run's id. ``--force`` executes everything; ``veedel reproduce`` never reuses.

Intact means: each file has the SHA-256 the earlier run's manifest records for it. A file is read and hashed
again unless the manifest also records its identity (device, inode, size, modification and status-change time,
:func:`~veedel_lib.run.manifest.file_hashes`) and the file still has exactly that identity, with a status-change
time before the manifest's own (:func:`~veedel_lib.run.manifest.unchanged_since`): then it has not been written,
replaced or touched since its hash was taken, and its bytes are the recorded ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..files import atomic_path, sha256_file
from ..params.keys import key_digest
from ..reports.base import ReportContent
from .manifest import MANIFEST, combined_hash, library_hash, package_versions, unchanged_since

KEY_VERSION = "veedel-report-cache-2"
"""Changes when the meaning of a key changes (then no earlier report is taken over)."""

RESULT_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbconvert",
                   "nbformat", "babel", "markdown-it-py", "nh3")
"""The packages whose versions a report's result depends on."""


@lru_cache(maxsize=1)
def _versions() -> str:
    """The versions of Python and of the packages in :data:`RESULT_PACKAGES`, as JSON, looked up once per process
    (the package metadata lookups took 10 ms per report, half a second before the first report of a run)."""
    versions = package_versions()
    return json.dumps({k: versions.get(k) for k in ("python", *RESULT_PACKAGES)}, sort_keys=True)


def report_key(cls: type[ReportContent], parameters: dict, area_id: str | None, formats: list[str],
               input_hashes: dict[str, str], run_dir: Path) -> str:
    """The key of one report of a run (see the module docstring).

    ``input_hashes`` are the manifest's hashes of the run's input copies (``inputs/...``); paths inside the run
    folder are made relative, so the same inputs in another run folder give the same key.
    """
    digest = hashlib.sha256(KEY_VERSION.encode())
    digest.update(library_hash().encode())
    digest.update(_versions().encode())
    digest.update(json.dumps(sorted(formats)).encode())
    relative = {name: str(value).replace(str(run_dir), "<lauf>") if isinstance(value, str) else value
                for name, value in sorted(parameters.items())}
    digest.update(json.dumps(relative, sort_keys=True, default=str).encode())
    notebook = f"inputs/notebooks/{cls.notebook}.ipynb"
    digest.update(f"{notebook}\0{input_hashes.get(notebook, '-')}\n".encode())
    place_areas = cls.place_areas_of(area_id, run_dir / "inputs" / "parameters")
    for name in sorted(input_hashes):
        if name.startswith("inputs/data/") and cls.reads_data_file(name.removeprefix("inputs/data/"), area_id,
                                                                   place_areas):
            digest.update(f"{name}\0{input_hashes[name]}\n".encode())
    keys = cls.parameter_keys_of(area_id)
    digest.update(f"parameters\0{key_digest(run_dir / 'inputs' / 'parameters', keys)}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Earlier:
    """A finished report of an earlier run that has the same key."""

    run_dir: Path
    entry: dict
    written_ns: int | None = None
    """The status-change time of the earlier run's manifest (ns), read with it; None: every file is hashed."""

    @property
    def run_id(self) -> str:
        return self.run_dir.name


def earlier_reports(outputs: Path, exclude: Path | None = None, wanted: set[str] | None = None) -> dict[str, Earlier]:
    """Finished reports of the runs under ``outputs`` by key (the newest run wins), read from their manifests.

    ``wanted``: the keys the caller looks for; the runs are then read from the newest on only until each of them
    is found (an unchanged re-run reads one manifest, not those of every run in the folder)."""
    found: dict[str, Earlier] = {}
    runs = sorted(p for p in outputs.iterdir() if p.is_dir() and (p / MANIFEST).exists()) if outputs.exists() else []
    for run_dir in reversed(runs):
        if wanted is not None and wanted <= found.keys():
            break
        if exclude is not None and run_dir.resolve() == exclude.resolve():
            continue
        try:
            written_ns = (run_dir / MANIFEST).stat().st_ctime_ns  # before reading: a rewrite only makes it later
            manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for entry in manifest.get("reports", []):
            if entry.get("status") == "ok" and entry.get("cache_key") and entry["cache_key"] not in found:
                found[entry["cache_key"]] = Earlier(run_dir, entry, written_ns)
    return found


FIGURES_INPUTS = ("inputs/data/", "inputs/parameters/")
"""The input copies the portal's key figures are computed from (:func:`veedel_lib.reports.keyfigures.key_figures`:
the dataset and the parameters, for every area of areas.yml), not the notebooks nor the run's specification."""


def figures_inputs_hash(inputs: dict) -> str:
    """One hash over the manifest's hashes of the inputs in :data:`FIGURES_INPUTS`."""
    return combined_hash({name: digest for name, digest in inputs.items()
                          if isinstance(name, str) and name.startswith(FIGURES_INPUTS)})


def earlier_key_figures(outputs: Path, exclude: Path, inputs_hash: str, code: str | None, *,
                        inputs: dict | None = None, year: int | None = None) -> dict | None:
    """The portal's key figures of the newest earlier run under ``outputs`` with the same inputs (``inputs_hash``)
    and the same library code (``environment.veedel_code``), None when there is none: they depend on nothing else,
    and computing them again cost a re-run that reuses every report its longest step (loading the data, importing
    statsmodels and scipy).

    With the run's ``inputs`` (its manifest's hashes of the input copies) and report ``year``, an earlier run
    qualifies by the inputs the figures are computed from (:func:`figures_inputs_hash`) and the same year instead of
    by all inputs: a run of other areas or reports (``--areas``), whose specification differs, takes them too."""
    wanted = figures_inputs_hash(inputs) if inputs is not None else None
    runs = sorted((p for p in outputs.iterdir() if p.is_dir() and (p / MANIFEST).exists()), reverse=True)
    for run_dir in runs:
        if run_dir.resolve() == exclude.resolve():
            continue
        try:
            manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        figures = manifest.get("key_figures")
        if not isinstance(figures, dict) or figures.get("notes") or code is None \
                or (manifest.get("environment") or {}).get("veedel_code") != code:
            continue
        if wanted is None:
            same = manifest.get("inputs_hash") == inputs_hash
        else:
            recorded = manifest.get("inputs")
            same = (isinstance(recorded, dict) and figures_inputs_hash(recorded) == wanted
                    and figures.get("year") == year)
        if same:
            return figures
    return None


def _files_of(earlier: Earlier) -> dict[str, str]:
    """The files of an earlier report (outputs and tables) with the hashes its run recorded."""
    return {name: digest for name, digest in earlier.entry.get("files", {}).items()}


def intact(earlier: Earlier, name: str, digest: str) -> bool:
    """Whether the earlier report's file ``name`` still has the hash ``digest`` its run recorded: unchanged since
    its manifest recorded its identity (no need to read it), else by reading and hashing it."""
    source = earlier.run_dir / name
    identities = earlier.entry.get("file_identities")
    if isinstance(identities, dict) and unchanged_since(source, identities.get(name), earlier.written_ns):
        return True
    return source.is_file() and sha256_file(source) == digest


def _link(source: Path, target: Path) -> None:
    """Give ``target`` (not yet there) the bytes of ``source``: a hard link (same disk: no copy at all; the new
    name appears with the complete file at once), else an atomic copy."""
    try:
        os.link(source, target)
    except OSError:
        with atomic_path(target) as temporary:
            shutil.copy2(source, temporary)


def take_over(earlier: Earlier, run_dir: Path) -> dict[str, str] | None:
    """Link or copy an earlier report's files into ``run_dir``; None when any of them is missing or changed (see
    :func:`intact`; nothing is linked then)."""
    files = _files_of(earlier)
    if not files or not all(intact(earlier, name, digest) for name, digest in files.items()):
        return None
    folders: set[Path] = set()
    for name in files:
        target = run_dir / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        _link(earlier.run_dir / name, target)
    return files


def clean(outputs: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest run folders (and their archives) under ``outputs``; returns the removed."""
    runs = sorted(p for p in outputs.iterdir() if p.is_dir() and (p / MANIFEST).exists()) if outputs.exists() else []
    removed = runs[:max(0, len(runs) - keep)]
    for run_dir in removed:
        shutil.rmtree(run_dir)
    return removed
