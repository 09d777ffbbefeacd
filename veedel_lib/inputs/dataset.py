"""Load a data folder into one validated :class:`Dataset` (units, statistics, catalogue, areas).

A data folder holds ``units.csv`` (or ``.xlsx``) and one or more ``statistics*.csv`` (or ``.xlsx``) in
long form. ``data_dir="demo"`` selects the embedded demo data (when the caller hands over the demo
generator): it is generated deterministically into a cache folder once and then read through exactly
the same validators as a planner's own files.

Valid data may still be incomplete (a unit without a row for a variable in a year, a year without any
row): the loader does not refuse them, it lists the missing rows in :attr:`Dataset.gaps`, and the
reports name them where a figure cannot be computed (:meth:`Dataset.gaps_for`).

Validated datasets are kept in ``cache_dir()/prepared`` (one pickle per set of input bytes). The folder
is bounded: after each write the least recently used files are removed beyond
``VEEDEL_CACHE_MAX_FILES`` files (default 16) or ``VEEDEL_CACHE_MAX_MB`` megabytes (default 512); the
file just written is always kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import ConfigurationError, DataValidationError, Problem
from ..files import atomic_path, cache_dir, sha256_file
from ..params.areas import AreaDefinitions, Membership, load_areas, resolve_membership
from ..params.catalogue import Catalogue, load_catalogue
from ..params.reference import SpatialReference, default_reference, load_reference, reference_file
from ..params.run_config import DEMO
from ..params.run_config import parameters_dir as default_parameters_dir
from .readers import read_table
from .validation import Gap, completeness_gaps, validate_statistics, validate_units

DATA_SUFFIXES = (".csv", ".xlsx", ".txt", ".tsv")


@dataclass
class Dataset:
    """Validated input of one analysis: who the units are, what was counted, how areas are built."""

    units: pd.DataFrame
    statistics: pd.DataFrame
    catalogue: Catalogue
    areas: AreaDefinitions
    membership: Membership
    data_dir: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    """Derived tables (e.g. per-year unit matrices) kept for the lifetime of the dataset."""
    gaps: list[Gap] = field(default_factory=list)
    """Missing rows (warnings, not errors): units, variables and years without a row; empty when complete."""
    reference: SpatialReference | None = None
    """The city's levels and their units (``raumbezug.yml`` of the parameters folder)."""

    @property
    def spatial(self) -> SpatialReference:
        """The spatial reference of the data (the project's for datasets cached before it was stored)."""
        return self.reference if self.reference is not None else default_reference()

    def with_area_definitions(self, year: int | None) -> "Dataset":
        """This dataset with the area definitions valid in ``year`` (None: the current, i.e. newest, definition of
        each area), for one constant definition over all years of a report. The tables and the cache of derived
        tables are shared; the membership of each selection is computed once."""
        if year == self.areas.definition_year:
            return self
        selections = self.cache.setdefault("area_selections", {})
        if year not in selections:
            areas = self.areas.select(year)
            selections[year] = (areas, resolve_membership(areas, self.units, self.spatial))
        areas, membership = selections[year]
        return replace(self, areas=areas, membership=membership)

    def gaps_for(self, unit_ids: Iterable[str] | None = None, variables: Iterable[str] | None = None,
                 year: int | None = None) -> list[Gap]:
        """The gaps that touch any of ``unit_ids``, any of ``variables`` and ``year`` (None: any).

        For a report that cannot compute a figure: e.g. ``ds.gaps_for(ds.unit_ids("kalk"),
        indicator.numerator + indicator.denominator, 2024)``; for the city pass ``unit_ids=None``.
        """
        unit_ids = None if unit_ids is None else list(unit_ids)
        variables = None if variables is None else list(variables)
        return [gap for gap in self.gaps if gap.touches(unit_ids, variables, year)]

    @property
    def years(self) -> list[int]:
        """All years with any statistics, ascending."""
        return sorted(int(y) for y in self.statistics["year"].unique())

    @property
    def latest_year(self) -> int:
        return self.years[-1]

    def report_year(self, year: int | None) -> int:
        """The report year: ``year``, or the latest year in the data for 0/None; an error names the years there are."""
        chosen = int(year) if year else self.latest_year
        if chosen not in self.years:
            raise ConfigurationError(f"Für {chosen} liegen keine Daten vor (vorhanden: {self.years[0]} bis "
                                     f"{self.years[-1]}).")
        return chosen

    @property
    def is_demo(self) -> bool:
        return (self.data_dir / ".demo").exists()

    @property
    def stadtteil_level(self) -> bool:
        """True when every unit is a whole Stadtteil (as in the city's open data)."""
        return bool(self.units["stadtteil_nr"].is_unique)

    def unit_ids(self, area_id: str | None = None) -> list[str]:
        """Units of an area, or of the whole city when ``area_id`` is None."""
        if area_id is None:
            return list(self.units["unit_id"])
        self.areas.get(area_id)
        return self.membership.units_of(self.areas.get(area_id).id)


def _find(data_dir: Path, stem: str) -> list[Path]:
    return sorted(p for p in data_dir.iterdir()
                  if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and p.stem.lower().startswith(stem))


def input_files(data_dir: Path) -> tuple[Path, list[Path]]:
    """The units file and the statistics files of a data folder; DataValidationError if they are missing."""
    units = _find(data_dir, "units")
    statistics = _find(data_dir, "statistics")
    problems = []
    if len(units) != 1:
        problems.append(Problem(str(data_dir), None, None,
                                "genau eine Datei units.csv oder units.xlsx erwartet, gefunden: "
                                f"{', '.join(p.name for p in units) or 'keine'}"))
    if not statistics:
        problems.append(Problem(str(data_dir), None, None, "keine Datei statistics*.csv oder statistics*.xlsx"))
    if problems:
        raise DataValidationError(problems)
    return units[0], statistics


DemoSource = Callable[[Path], Path]
"""Writes (or finds) the demo data for a parameters folder and returns its data folder.

The loader does not know how demo data are made: the caller hands it :func:`veedel_lib.demo.generator.ensure_demo_data`,
so the generator (a later stage) is never imported by the loader."""


def resolve_data_dir(data_dir: str | Path, parameters: Path, demo: DemoSource | None = None) -> Path:
    """The data folder to read: ``data_dir`` itself, or the demo data's folder for ``"demo"``.

    ``"demo"`` means the built-in demo data only while no folder of that name lies in the current
    directory: a planner's folder called ``demo`` must not be silently replaced by synthetic data, so
    then the name is ambiguous and an error says how to choose (``./demo`` is always the folder).
    """
    if isinstance(data_dir, str) and data_dir == DEMO:
        if Path(DEMO).exists():
            raise ConfigurationError(
                f"„{DEMO}“ ist mehrdeutig: Im aktuellen Verzeichnis ({Path.cwd()}) gibt es einen Ordner „{DEMO}“, "
                f"„{DEMO}“ bedeutet aber die eingebauten Demodaten. Für den Ordner bitte „./{DEMO}“ schreiben, für "
                f"die Demodaten den Ordner umbenennen.")
        if demo is None:
            raise ConfigurationError("Die Demodaten sind hier nicht verfügbar: bitte einen Datenordner angeben.")
        return demo(parameters)
    return Path(data_dir)


_IN_MEMORY: OrderedDict[str, Dataset] = OrderedDict()
"""Datasets already loaded in this process, by the key of their input bytes (warm kernels reuse them)."""

IN_MEMORY_LIMIT = 4
"""Datasets kept in one process (least recently used dropped first), so memory stays bounded."""

CACHE_MAX_FILES = ("VEEDEL_CACHE_MAX_FILES", 16)
CACHE_MAX_MB = ("VEEDEL_CACHE_MAX_MB", 512)
"""Bounds of the prepared-dataset cache folder: environment variable and default."""


def _remember(key: str, dataset: Dataset) -> None:
    """Keep a dataset in this process, dropping the least recently used beyond :data:`IN_MEMORY_LIMIT`."""
    _IN_MEMORY[key] = dataset
    _IN_MEMORY.move_to_end(key)
    while len(_IN_MEMORY) > IN_MEMORY_LIMIT:
        _IN_MEMORY.popitem(last=False)


def _prepared_key(files: list[Path], years: tuple[int, int] | None) -> str:
    """Cache key of a validated dataset: the bytes of every input and parameter file, the code that validates
    them (this package's ``inputs`` and ``params``) and the library versions. Files are hashed in chunks."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + sha256_file(path).encode() + b"\0")
    digest.update(repr(years).encode())
    for package in ("veedel", "pandas", "numpy", "pydantic"):
        digest.update(metadata.version(package).encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted([*package.glob("inputs/**/*.py"), *package.glob("params/*.py"), package / "errors.py"]):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def _limit(setting: tuple[str, int]) -> int:
    """A cache bound from its environment variable (a whole number from 1), else its default."""
    name, default = setting
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ConfigurationError(f"{name} muss eine ganze Zahl ab 1 sein (ist '{text}')")
    return int(text)


def prune_prepared(folder: Path, keep: Path | None = None) -> list[Path]:
    """Remove the least recently used prepared datasets beyond the bounds of the cache folder.

    Newest by access time are kept: at most ``VEEDEL_CACHE_MAX_FILES`` files and ``VEEDEL_CACHE_MAX_MB``
    megabytes; ``keep`` (the file just written) is never removed. Returns the removed files.
    """
    max_files, max_bytes = _limit(CACHE_MAX_FILES), _limit(CACHE_MAX_MB) * 1_000_000
    entries = []
    for path in folder.glob("*.pkl"):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed by a parallel process meanwhile
            continue
        entries.append((path != keep, -stat.st_atime, path, stat.st_size))
    entries.sort(key=lambda entry: entry[:2])
    removed, count, size = [], 0, 0
    for not_kept, _, path, nbytes in entries:
        if not_kept and (count + 1 > max_files or size + nbytes > max_bytes):
            path.unlink(missing_ok=True)
            removed.append(path)
            continue
        count, size = count + 1, size + nbytes
    return removed


def _touch(path: Path) -> None:
    """Mark a cache file as just used (its access time), also where the file system does not record reads."""
    try:
        os.utime(path, (time.time(), path.stat().st_mtime))
    except OSError:
        pass


def load_dataset(data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
                 years: tuple[int, int] | None = None, use_cache: bool = True,
                 demo: DemoSource | None = None) -> Dataset:
    """Read, validate and join everything an analysis needs.

    Raises DataValidationError listing every problem in every file (units, statistics, areas.yml,
    indicators.yml) that could be checked. Missing rows of valid data are not errors: they are listed in
    :attr:`Dataset.gaps` (see :func:`~veedel_lib.inputs.validation.completeness_gaps`). A dataset validated once is kept in the cache folder under
    a key made of the exact bytes of all inputs, so the notebooks of a run (and repeated runs on the
    same data) do not validate the same files again; any changed byte means a new validation.
    Each call returns its own :class:`Dataset` (with this folder as ``data_dir``); datasets with the
    same input bytes share the validated tables and the cache of derived tables.
    ``demo`` makes ``data_dir="demo"`` available (see :data:`DemoSource`).
    """
    parameters = default_parameters_dir(parameters_dir)
    folder = resolve_data_dir(data_dir, parameters, demo)
    if not folder.is_dir():
        raise DataValidationError([Problem(str(folder), None, None, "Datenordner nicht gefunden")])
    units_file, statistics_files = input_files(folder)
    parameter_files = [parameters / "indicators.yml", parameters / "areas.yml", reference_file(parameters)]
    cache_file = None
    if use_cache:
        key = _prepared_key([units_file, *statistics_files, *parameter_files], years)
        cache_file = cache_dir() / "prepared" / f"{key}.pkl"
        here = {"data_dir": folder, "files": [units_file, *statistics_files]}
        if key in _IN_MEMORY:
            _IN_MEMORY.move_to_end(key)
            return replace(_IN_MEMORY[key], **here)
        if cache_file.exists():
            try:
                with open(cache_file, "rb") as handle:
                    dataset = pickle.load(handle)
                _touch(cache_file)
                _remember(key, dataset)
                return replace(dataset, **here)
            except Exception:  # a damaged or incompatible cache file is simply rebuilt
                cache_file.unlink(missing_ok=True)
    catalogue = load_catalogue(parameters / "indicators.yml")
    reference = load_reference(reference_file(parameters))
    areas = load_areas(parameters / "areas.yml", reference)
    units = validate_units(read_table(units_file), reference)
    tables = [read_table(p) for p in statistics_files]
    files_by_variable: dict[str, list[str]] = {}
    for table in tables:
        if "variable" in table.frame.columns:
            for variable in pd.unique(table.frame["variable"]):
                files_by_variable.setdefault(str(variable), []).append(table.source)
    statistics = validate_statistics(tables, catalogue, units, years, reference)
    del tables
    membership = resolve_membership(areas, units, reference)
    notes = []
    if (folder / ".demo").exists():
        notes.append("Demodaten: synthetisch erzeugt, an echten Kölner Kennzahlen kalibriert; keine amtlichen Werte.")
    notes += catalogue.threshold_notes()
    notes += catalogue.rate_notes(set(statistics["variable"]))
    gaps = completeness_gaps(statistics, units, catalogue, files_by_variable, reference)
    dataset = Dataset(units, statistics, catalogue, areas, membership, folder,
                      [units_file, *statistics_files], notes, gaps=gaps, reference=reference)
    if cache_file is not None:
        _remember(key, dataset)
        with atomic_path(cache_file) as temporary, open(temporary, "wb") as handle:
            pickle.dump(dataset, handle, protocol=pickle.HIGHEST_PROTOCOL)
        prune_prepared(cache_file.parent, keep=cache_file)
        return replace(dataset)
    return dataset
