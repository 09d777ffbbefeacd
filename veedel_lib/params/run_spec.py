"""The resolved run specification: what one run (or one notebook) computes, decided once.

:func:`resolve_run` turns the run configuration (``run.yml``), the options of the command (or of a notebook's
parameters cell) and the loaded data into a frozen, validated :class:`RunSpec`: the report year and the baseline,
the data source and the folders, the output formats, the reports, the areas with their resolved definitions (ids,
names, Stadtbezirk, units) and the places the reports are about (each area, each Stadtbezirk with an area of the
run, the programme), each with the one id and folder name :func:`place_id` gives it. ``veedel run``,
``veedel analyse``, ``veedel reproduce`` (also of an archive made before the specification existed: resolved from
its archived ``run.yml``), the in-process floor and a notebook opened in JupyterLab or by plain papermill all go
through it.

A run writes its specification into its inputs (``inputs/run_spec.json``, :func:`write_spec`); the kernels read
only that file (:func:`read_spec`, papermill parameter ``run_spec``), never ``run.yml``. Inside a run folder the
folders are stored relative to the specification's own folder, so an archived or moved run still finds its data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ConfigurationError, DataValidationError
from ..files import atomic_write_text
from .areas import PROGRAMME_ID
from .run_config import DEMO, FORMATS, AnalysisSettings, OutputFormat, RunConfig, load_run_config
from .yamlfiles import validation_problems

SPEC_FILE = "run_spec.json"
"""The specification's file name in a run's ``inputs/`` folder."""

SPEC_VERSION = 1
"""Changes when the meaning of a field changes; a file of another version is refused with a German message."""

MAX_SPEC_BYTES = 4 * 2**20
"""Largest specification file read (a run of every area of a big city stays far below)."""

Scope = Literal["area", "bezirk", "programme"]
"""One report per Sozialraumgebiet, per Stadtbezirk with programme areas, or once per run."""

PROGRAMME_NAME = "Gesamtprogramm"
"""The name of the programme as a place (progress lines, manifest)."""


def place_id(scope: Scope, key: str | int | None) -> str:
    """The one id of a report's place, which is also its folder under ``reports/``: the area id (``kalk``),
    ``bezirk-<number>`` for a Stadtbezirk (``bezirk-8``), ``programm`` for the programme.

    >>> place_id("bezirk", 8), place_id("area", "kalk"), place_id("programme", None)
    ('bezirk-8', 'kalk', 'programm')
    """
    if scope == "programme":
        return PROGRAMME_ID
    if scope == "bezirk":
        return f"bezirk-{key}"
    return str(key)


def report_id(place: str | None, notebook: str) -> str:
    """A report's id in a run, as the manifest, the progress lines and the comparisons name it: ``<place>/<notebook>``
    (``kalk/evaluation``, ``bezirk-8/bezirksbericht``); a place of None is the programme (``programm/jahresbericht``).

    >>> report_id(None, "jahresbericht")
    'programm/jahresbericht'
    """
    return f"{place or PROGRAMME_ID}/{notebook}"


def bezirk_place(number: int | str) -> str:
    """The place id of a Stadtbezirk (``bezirk-8``): :func:`place_id` for the scope "bezirk"."""
    return place_id("bezirk", number)


# ----------------------------------------------------------------------------- the specification

class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaSpec(_Frozen):
    """One area of the run with the definition (Gebietszuschnitt) its reports use."""

    id: str
    name: str
    code: str = ""
    stadtbezirk: int | str | None = None
    """The key of the area's Stadtbezirk (top level of raumbezug.yml); None for a city with a single level."""
    units: tuple[str, ...] = ()
    """The statistical units of the definition in use; empty for an area whose definition has problems (its
    reports fail and say why)."""
    valid_from: int | None = None
    valid_to: int | None = None


class Place(_Frozen):
    """What one report is about: an area, a Stadtbezirk or the programme."""

    scope: Scope
    key: str | None
    """The area id, the Stadtbezirk's key as text, None for the programme."""
    id: str
    """:func:`place_id`: the place's id in the manifest and its folder under ``reports/``."""
    name: str
    """As progress lines and the manifest name it ("Kalk", "Stadtbezirk 8 Kalk", "Gesamtprogramm")."""

    @property
    def folder(self) -> str:
        """The place's folder in the run folder (``reports/kalk``)."""
        return f"reports/{self.id}"


class RunSpec(_Frozen):
    """Everything a run's reports stand on, resolved and checked once (see the module docstring)."""

    version: int = SPEC_VERSION
    data_dir: str = DEMO
    """The data source as configured (``run.yml`` ``data_dir`` or ``--data``): ``"demo"`` or a folder."""
    source: Literal["standard", "koeln"] = "standard"
    data_folder: str = ""
    """The folder the data are read from (in a run: its copy ``inputs/data``); relative paths are relative to the
    specification file's folder."""
    parameters_dir: str = ""
    """The parameters folder (in a run: ``inputs/parameters``); relative as :attr:`data_folder`."""
    year: int
    """The report year (checked against the data)."""
    baseline_year: int = 2020
    data_years: tuple[int, int] | None = None
    """First and last year with data."""
    formats: tuple[OutputFormat, ...] = ()
    reports: tuple[str, ...] = ()
    """The notebooks the run executes (reports that cannot run on these data already left out, see
    :attr:`skipped`)."""
    skipped: tuple[str, ...] = ()
    """A German note per report left out, saying why."""
    areas: tuple[AreaSpec, ...] = ()
    """The areas of the run (``--areas``, else every area), in the order of areas.yml."""
    places: tuple[Place, ...] = ()
    """Every place a report of the run can be about: the areas, then each Stadtbezirk holding one of them, then
    the programme."""
    analysis: AnalysisSettings = AnalysisSettings()
    """The analysis settings of ``run.yml``, area_definition_year among them."""
    previous_run: str | None = None
    """The previous year's run or archive for the Jahresbericht's section on changes (absolute); None: none."""

    def places_of(self, scope: Scope) -> list[Place]:
        """The places of one scope, in order."""
        return [place for place in self.places if place.scope == scope]

    def place(self, scope: Scope, key: str | int | None) -> Place:
        """The place of a report of ``scope`` given as the runner passes it (area id, Stadtbezirk key or place
        id, None for the programme); German :class:`ConfigurationError` if the run has no such place."""
        if scope == "programme":
            if key not in (None, "", PROGRAMME_ID):
                raise ConfigurationError(f"Ein Bericht für das ganze Programm gilt nicht für ein Gebiet ('{key}').")
            key = None
        wanted = str(key).strip() if key is not None else None
        for place in self.places_of(scope):
            if wanted in (place.key, place.id):
                return place
        known = ", ".join(p.id for p in self.places_of(scope)) or "keine"
        raise ConfigurationError(f"'{key}' gehört nicht zu den Orten dieser Laufspezifikation ({known}).")


class RunOptions(_Frozen):
    """What a command (or a notebook's parameters cell) sets besides ``run.yml``; None: as configured."""

    data_dir: str | None = None
    source: Literal["standard", "koeln"] | None = None
    year: int | None = None
    """0 or None: the latest year with data."""
    baseline_year: int | None = None
    formats: tuple[str, ...] | None = None
    reports: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    """Areas by id, code or name; None: every area."""
    single: bool = False
    """Resolve for one report by itself (a notebook opened in JupyterLab or by papermill) at :attr:`place`."""
    place: str | None = None
    """That report's place: area id, code or name, or Stadtbezirk key; None for the programme."""
    previous_run: str | None = None


# ----------------------------------------------------------------------------- options

def apply_options(config: RunConfig, options: RunOptions) -> RunConfig:
    """The run configuration with the options applied, checked (German :class:`ConfigurationError`).

    Checked here for every caller alike: the formats (known, at least one), the previous year's run (exists),
    and that the city's open data (``source: koeln``) come with a folder, not the demo data."""
    updates: dict[str, Any] = {}
    if options.data_dir:
        updates["data_dir"] = options.data_dir
    if options.source:
        updates["source"] = options.source
    if options.year:
        updates["year"] = int(options.year)
    if options.baseline_year:
        updates["baseline_year"] = int(options.baseline_year)
    if options.formats is not None:
        unknown = [f for f in options.formats if f not in FORMATS]
        if unknown:
            raise ConfigurationError(f"Unbekanntes Ausgabeformat {', '.join(repr(f) for f in unknown)} "
                                     f"(möglich: {', '.join(FORMATS)}).")
        if not options.formats:
            raise ConfigurationError(f"--formats ohne Format (möglich: {', '.join(FORMATS)}).")
        updates["formats"] = list(dict.fromkeys(options.formats))
    if options.reports is not None:
        updates["reports"] = list(options.reports)
    if options.previous_run:
        if not Path(options.previous_run).exists():
            raise ConfigurationError(f"Lauf oder Archiv des Vorjahres nicht gefunden (--vorjahr, previous_run): "
                                     f"{options.previous_run}")
        updates["previous_run"] = options.previous_run
    merged = config.model_copy(update=updates)
    if merged.source == "koeln" and merged.data_dir == DEMO:
        raise ConfigurationError("--source koeln braucht --data mit dem Ordner der offenen Daten der Stadt Köln.")
    return merged


# ----------------------------------------------------------------------------- resolution

class ReportKind(Protocol):
    """What resolution needs of a report class (:class:`veedel_lib.reports.base.ReportContent`)."""

    notebook: str
    report: str
    scope: Scope
    needs_baseline: bool


class Data(Protocol):
    """What resolution needs of the loaded data (:class:`veedel_lib.inputs.dataset.Dataset`)."""

    data_dir: Path
    areas: Any
    membership: Any

    @property
    def years(self) -> list[int]: ...

    @property
    def spatial(self) -> Any: ...

    def report_year(self, year: int | None) -> int: ...

    def with_area_definitions(self, year: int | None) -> Any: ...


def baseline_gaps(reports: Sequence[ReportKind], years: list[int], year: int,
                  baseline_year: int) -> tuple[list[ReportKind], list[str]]:
    """The reports a run keeps, and a German note for each one left out because the data do not span the baseline.

    A report with ``needs_baseline`` (the evaluation) compares the years before the baseline with those after it:
    data that begin at or after the baseline (a fresh ``veedel import`` of two years) or end at or before it (the
    city's open data end in 2012) cannot carry it, so it is skipped with a note instead of failing in every area.
    """
    first, last = years[0], years[-1]
    if first < baseline_year < year:
        return list(reports), []
    if first >= baseline_year:
        reason = f"die Daten beginnen {first}, das Basisjahr ist {baseline_year}"
    elif last <= baseline_year:
        reason = f"die Daten enden {last}, das Basisjahr ist {baseline_year}"
    else:
        reason = f"das Berichtsjahr {year} liegt nicht nach dem Basisjahr {baseline_year}"
    return ([cls for cls in reports if not cls.needs_baseline],
            [f"{cls.report} übersprungen: {reason}" for cls in reports if cls.needs_baseline])


def _area_spec(ds: Data, area_id: str) -> AreaSpec:
    """An area with the definition in use; a broken definition keeps id and name only (its reports fail)."""
    try:
        area = ds.areas.get(area_id)
        units = tuple(ds.membership.units_of(area.id))
    except (ConfigurationError, DataValidationError):
        return AreaSpec(id=area_id, name=ds.areas.name_of(area_id))
    return AreaSpec(id=area.id, name=area.name, code=area.code, stadtbezirk=area.stadtbezirk, units=units,
                    valid_from=area.valid_from, valid_to=area.valid_to)


def _bezirk(ds: Data, key: Any) -> Place:
    """A Stadtbezirk as a place, named by the city's top level ("Stadtbezirk 8 Kalk")."""
    top = ds.spatial.top
    return Place(scope="bezirk", key=str(key), id=bezirk_place(key), name=f"{top.name} {top.label(key)}")


def _single_place(ds: Data, scope: Scope, value: str | int | None, report: str) -> list[Place]:
    """The one place of a single report (a notebook opened by itself), checked with German messages."""
    if scope == "programme":
        if value not in (None, "", PROGRAMME_ID):
            raise ConfigurationError(f"Der Bericht „{report}“ gilt für das ganze Programm, nicht für ein Gebiet "
                                     f"('{value}').")
        return [Place(scope="programme", key=None, id=PROGRAMME_ID, name=PROGRAMME_NAME)]
    if scope == "bezirk":
        top = ds.spatial.top
        key = top.key_of(str(value or "").strip())
        if key is None:
            keys = top.keys()
            listed = f"{keys[0]} bis {keys[-1]}" if top.numeric and len(keys) > 2 else ", ".join(map(str, keys))
            raise ConfigurationError(f"{top.inflect('Unbekannt')} {top.name} '{value}' ({listed}).")
        return [_bezirk(ds, key)]
    area_id = ds.areas.find_id(str(value))
    return [Place(scope="area", key=area_id, id=place_id("area", area_id), name=ds.areas.name_of(area_id))]


def _run_places(ds: Data, area_ids: list[str]) -> list[Place]:
    """The places of a run: each area, each Stadtbezirk holding one of them (by number), the programme."""
    places = [Place(scope="area", key=a, id=place_id("area", a), name=ds.areas.name_of(a)) for a in area_ids]
    of_area = {area.id: area.stadtbezirk for area in ds.areas.areas}
    bezirke = sorted({of_area[a] for a in area_ids if of_area.get(a) is not None}, key=lambda k: (str(type(k)), k))
    places += [_bezirk(ds, key) for key in bezirke]
    places.append(Place(scope="programme", key=None, id=PROGRAMME_ID, name=PROGRAMME_NAME))
    return places


Keep = Callable[[list[ReportKind], list[str]], tuple[list[ReportKind], list[str]]]
"""A further rule which reports a run keeps, given its reports and area ids: the kept ones and German notes."""


def resolve_run(config: RunConfig, options: RunOptions, data: Data, reports: Iterable[ReportKind], *,
                parameters: str | Path = "", data_folder: str | Path | None = None, keep: Keep | None = None) -> RunSpec:
    """The frozen specification of a run (or, with ``options.place``, of one report) on ``data``.

    ``config``: the run configuration (``run.yml``); ``options``: what the command or the notebook sets
    (:func:`apply_options`); ``data``: the loaded dataset; ``reports``: the report classes asked for;
    ``parameters``/``data_folder``: the folders the reports read (default: the dataset's folder). Raises a German
    :class:`ConfigurationError` for a year without data, an unknown area or Stadtbezirk, a baseline a single
    report needs but the data cannot carry; in a run, reports that need the baseline are left out with a note, and
    so are those ``keep`` leaves out (the runner's rule for a city without areas).
    """
    config = apply_options(config, options)
    ds = data.with_area_definitions(config.analysis.area_definition_year)
    year = ds.report_year(config.year)
    kinds = list(reports)
    if options.single:
        if len(kinds) != 1:
            raise ConfigurationError(f"Ein einzelner Bericht wird aufgelöst, nicht {len(kinds)}.")
        cls = kinds[0]
        places = _single_place(ds, cls.scope, options.place, cls.report)
        area_ids = [places[0].key] if cls.scope == "area" else []
        if cls.needs_baseline and not ds.years[0] < config.baseline_year < year:
            raise ConfigurationError(f"Das Basisjahr {config.baseline_year} muss nach dem ersten Datenjahr "
                                     f"{ds.years[0]} und vor dem Berichtsjahr {year} liegen.")
        skipped: list[str] = []
    else:
        area_ids = (list(dict.fromkeys(ds.areas.find_id(a) for a in options.areas)) if options.areas
                    else list(ds.areas.ids))
        places = _run_places(ds, area_ids)
        kinds, skipped = baseline_gaps(kinds, ds.years, year, config.baseline_year)
        if keep is not None:
            kinds, notes = keep(kinds, area_ids)
            skipped += notes
    return RunSpec(
        data_dir=config.data_dir, source=config.source,
        data_folder=str(data_folder if data_folder is not None else ds.data_dir), parameters_dir=str(parameters),
        year=year, baseline_year=config.baseline_year, data_years=(ds.years[0], ds.years[-1]),
        formats=tuple(config.formats), reports=tuple(cls.notebook for cls in kinds), skipped=tuple(skipped),
        areas=tuple(_area_spec(ds, a) for a in area_ids), places=tuple(places), analysis=config.analysis,
        previous_run=str(Path(config.previous_run).resolve()) if config.previous_run else None)


def check_place(place: Place, data: Data) -> None:
    """Raise the problems of the area definitions a report of ``place`` needs (German
    :class:`DataValidationError`): its area's for a per-area report, every area's for the programme. A broken
    area fails only its own reports; the specification itself names it all the same."""
    if place.scope == "programme":
        data.membership.check()
    elif place.scope == "area":
        data.areas.get(place.key)


def configured_run(parameters: str | Path) -> RunConfig:
    """The run configuration of a parameters folder (its ``run.yml``; without one, the project's or the defaults):
    what a notebook opened without ``veedel run`` resolves its specification from."""
    run_file = Path(parameters) / "run.yml"
    return load_run_config(run_file if run_file.exists() else None)


# ----------------------------------------------------------------------------- the file

def _relative(path: str, folder: Path) -> str:
    """``path`` relative to ``folder`` when it lies inside it (POSIX separators), else unchanged."""
    try:
        return Path(path).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path


def write_spec(spec: RunSpec, path: str | Path) -> Path:
    """Write the specification as JSON (atomically); folders inside the file's own folder are stored relative."""
    path = Path(path)
    stored = spec.model_copy(update={"data_folder": _relative(spec.data_folder, path.parent),
                                     "parameters_dir": _relative(spec.parameters_dir, path.parent)})
    return atomic_write_text(path, stored.model_dump_json(indent=1) + "\n")


def read_spec(path: str | Path) -> RunSpec:
    """The specification written by :func:`write_spec`, with its folders made absolute again.

    A missing, oversized, damaged or other-version file is a German :class:`ConfigurationError` (or a
    :class:`DataValidationError` naming each wrong field)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ConfigurationError(f"Laufspezifikation nicht gefunden: {path}") from None
    if size > MAX_SPEC_BYTES:
        raise ConfigurationError(f"{path}: Laufspezifikation zu groß ({size} Bytes, höchstens {MAX_SPEC_BYTES}).")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"{path}: keine gültige Laufspezifikation (JSON): {exc}") from None
    if not isinstance(raw, dict) or raw.get("version") != SPEC_VERSION:
        found = raw.get("version") if isinstance(raw, dict) else None
        raise ConfigurationError(f"{path}: Laufspezifikation der Version {found!r}, erwartet {SPEC_VERSION}; bitte "
                                 "den Lauf neu starten (veedel run) oder wiederholen (veedel reproduce).")
    try:
        spec = RunSpec.model_validate(raw)
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, path, None)) from exc
    return spec.model_copy(update={"data_folder": str(path.parent / spec.data_folder),
                                   "parameters_dir": str(path.parent / spec.parameters_dir)})
