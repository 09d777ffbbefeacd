"""Load a data folder into one validated :class:`Dataset` (units, statistics, catalogue, areas).

A data folder holds ``units.csv`` (or ``.xlsx``) and one or more ``statistics*.csv`` (or ``.xlsx``) in
long form. ``data_dir="demo"`` selects the embedded demo data (when the caller hands over the demo
generator): it is generated deterministically into a cache folder once and then read through exactly
the same validators as a planner's own files.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import ConfigurationError, DataValidationError, Problem
from ..files import atomic_path, cache_dir
from ..params.areas import AreaDefinitions, Membership, load_areas, resolve_membership
from ..params.catalogue import Catalogue, load_catalogue
from ..params.run_config import DEMO
from ..params.run_config import parameters_dir as default_parameters_dir
from .readers import read_table
from .validation import validate_statistics, validate_units

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


_IN_MEMORY: dict[str, Dataset] = {}
"""Datasets already loaded in this process, by the key of their input bytes (warm kernels reuse them)."""


def _prepared_key(files: list[Path], years: tuple[int, int] | None) -> str:
    """Cache key of a validated dataset: the bytes of every input and parameter file plus versions."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr(years).encode())
    for package in ("veedel", "pandas", "numpy", "pydantic"):
        digest.update(metadata.version(package).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:24]


def load_dataset(data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None,
                 years: tuple[int, int] | None = None, use_cache: bool = True,
                 demo: DemoSource | None = None) -> Dataset:
    """Read, validate and join everything an analysis needs.

    Raises DataValidationError listing every problem in every file (units, statistics, areas.yml,
    indicators.yml) that could be checked. A dataset validated once is kept in the cache folder under
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
    parameter_files = [parameters / "indicators.yml", parameters / "areas.yml"]
    cache_file = None
    if use_cache:
        key = _prepared_key([units_file, *statistics_files, *parameter_files], years)
        cache_file = cache_dir() / "prepared" / f"{key}.pkl"
        here = {"data_dir": folder, "files": [units_file, *statistics_files]}
        if key in _IN_MEMORY:
            return replace(_IN_MEMORY[key], **here)
        if cache_file.exists():
            try:
                with open(cache_file, "rb") as handle:
                    dataset = pickle.load(handle)
                _IN_MEMORY[key] = dataset
                return replace(dataset, **here)
            except Exception:  # a damaged or incompatible cache file is simply rebuilt
                cache_file.unlink(missing_ok=True)
    catalogue = load_catalogue(parameters / "indicators.yml")
    areas = load_areas(parameters / "areas.yml")
    units = validate_units(read_table(units_file))
    statistics = validate_statistics([read_table(p) for p in statistics_files], catalogue, units, years)
    membership = resolve_membership(areas, units)
    notes = []
    if (folder / ".demo").exists():
        notes.append("Demodaten: synthetisch erzeugt, an echten Kölner Kennzahlen kalibriert; keine amtlichen Werte.")
    dataset = Dataset(units, statistics, catalogue, areas, membership, folder,
                      [units_file, *statistics_files], notes)
    if cache_file is not None:
        _IN_MEMORY[key] = dataset
        with atomic_path(cache_file) as temporary, open(temporary, "wb") as handle:
            pickle.dump(dataset, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return replace(dataset)
    return dataset
