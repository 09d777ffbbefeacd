"""The one contract of every report: a content class per notebook, opened, titled and cached the same way.

A report is one notebook in ``notebooks/``, one content class here (a subclass of :class:`ReportContent`)
and one line in :mod:`veedel_lib.reports.registry`. The class declares its notebook, its scope (one report
per Sozialraumgebiet, per Stadtbezirk or once per run), whether it runs only on demand, its title and its
sections (the methods the notebook shows, in order). Every class is opened the same way::

    analysis = AreaAnalysis.open("kalk", year=2024, data_dir="demo")
    jahresbericht = ProgrammeReport.open(year=2024)

:meth:`ReportContent.open` stands on a resolved run specification (:mod:`veedel_lib.params.run_spec`): the
run's ``inputs/run_spec.json`` when ``veedel run`` started the notebook (parameter ``run_spec``), else one resolved
from the parameters folder and the notebook's parameters by the same function; a report module never reads
``run.yml`` or resolves areas itself. Report-specific options (a theme, a method) are keyword arguments that the
class checks in :meth:`ReportContent.configure`.
Results that take time are kept with :meth:`ReportContent.memo`, under a key that contains everything they
depend on: the input bytes (through the dataset), the parameter files, area, year, baseline and options.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from ..demo import ensure_demo_data
from ..errors import ConfigurationError
from ..inputs.dataset import Dataset, load_dataset
from ..kernprozess.schema import DOCUMENTATION_FOLDER
from ..params.areas import PROGRAMME_ID, Area, definition_units
from ..params.catalogue import Indicator
from ..params.keys import selected
from ..params.run_config import DEMO, AnalysisSettings, parameters_dir
from ..params.run_spec import Place, RunOptions, RunSpec, Scope, check_place, configured_run, read_spec, resolve_run
from ..planning.schema import PLANS_FOLDER
from ..render import formatting as fmt
from ..render.blocks import ReportTitle, TextBlock
from ..render.document import document_terms

PER_AREA_FOLDERS = (DOCUMENTATION_FOLDER, PLANS_FOLDER)
"""The data folder's sub-folders with one workbook per area (Kernprozess documentation, plans)."""

OWN_AREA = "areas.yml:areas[id={area_id}]"
"""The report's own area in areas.yml (every definition of it over time)."""
BEZIRK_AREAS = "areas.yml:areas[stadtbezirk={bezirk}]"
"""The areas of the report's Stadtbezirk in areas.yml (reports of one Stadtbezirk)."""
AREA_UNITS = tuple(f"areas.yml:areas[*].{field}" for field in ("id", "stadtteile", "units", "partial", "valid_from",
                                                                 "valid_to"))
"""Which units belong to which area, over time, for every area: what a comparison with "the rest of the city
without the programme areas" (the evaluations' comparison units) depends on."""
RUN_BASICS = ("run.yml:baseline_year", "run.yml:analysis.area_definition_year", "run.yml:analysis.confidence_level")
"""The run.yml settings every report reads (opening it, its intervals)."""

DEFAULT_AREA = "kalk"
"""The area a per-area report opens when none is given (the same in every notebook's parameters)."""

T = TypeVar("T")


@dataclass(frozen=True)
class ReportContext:
    """What one report stands on, taken from the run specification: the dataset, the analysis settings, the
    place and the years (not the whole specification: a report's cache key covers exactly what it reads)."""

    ds: Dataset
    settings: AnalysisSettings
    parameters: Path
    place: Place
    year: int
    baseline_year: int
    fingerprint: str
    """Hash of the parameter files and the Kernprozess documentation: part of every memo key."""
    previous_run: str | None = None
    """The previous year's run or archive (the Jahresbericht's section on changes); None: none."""

    @property
    def area_id(self) -> str | None:
        """The place's key: the area id, the Stadtbezirk's key as text, None for the programme."""
        return self.place.key


def _fingerprint(parameters: Path, names: list[str], data_dir: Path, own: Collection[str] | None = None,
                 settings: str = "") -> str:
    """SHA-256 over the bytes of the parameter files a report reads and of the data folder's workbooks.

    The dataset's cache key already covers the statistics, indicators.yml and areas.yml; this adds what
    it does not (run.yml, targets.yml, kernprozess.yml, planung.yml, sozialindex.yml, qualitative findings, the
    documentation and plan workbooks),
    so an edited file is never answered from a stale memo in a warm kernel. ``own``: the areas whose workbooks alone
    count (:meth:`ReportContent.workbook_areas`); None: all.
    run.yml is not read: its settings come from the run specification, given as ``settings`` (JSON).
    """
    digest = hashlib.sha256(str(data_dir).encode() + b"\0" + settings.encode())
    files = [parameters / name for name in names if name != "run.yml"]
    for folder in PER_AREA_FOLDERS:
        if (data_dir / folder).is_dir():
            files += (sorted((data_dir / folder).glob("*.xlsx")) if own is None
                      else [data_dir / folder / f"{area}.xlsx" for area in own])
    for path in files:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()[:16]


def data_status(ds: Dataset, year: int, baseline_year: int | None = None) -> str:
    """One line on the data of a report: years covered, reference date or baseline, demo data or not."""
    status = f"Daten {ds.years[0]} bis {ds.years[-1]}, " + (
        f"Basisjahr {baseline_year}" if baseline_year is not None else f"Stand 31.12.{year}")
    if ds.is_demo:
        status += " (Demodaten, keine amtlichen Werte)"
    return status


class ReportContent:
    """Base class of every report's content: declared parts, the shared :meth:`open`, title and memo.

    Subclasses set the class attributes and implement one method per entry of :attr:`sections`, each
    returning a list of report blocks for ``Report.show``.
    """

    notebook: ClassVar[str]
    """File name of the notebook in ``notebooks/`` (without ``.ipynb``)."""
    report: ClassVar[str]
    """Title of the report as committees read it ("Sozialraumgebietsanalyse")."""
    scope: ClassVar[Scope]
    sections: ClassVar[tuple[str, ...]]
    """The methods the notebook shows, in order (checked against the notebook by a test)."""
    variable: ClassVar[str]
    """The notebook's name for the content object (``analysis`` in ``report.show(analysis.profile())``)."""
    on_demand: ClassVar[bool] = False
    """True for reports a planner asks for (Themenbewertung): not part of a default ``veedel run``."""
    needs_baseline: ClassVar[bool] = False
    """True when the report needs years before and after the baseline (it is skipped otherwise)."""
    needs_areas: ClassVar[bool] = True
    """False for programme-wide reports that need no Sozialraumgebiet (the Sozialindex): a run with ``areas: []``
    makes only these (:func:`veedel_lib.reports.registry.without_areas`)."""
    toc: ClassVar[bool] = True
    """False for one-page reports, which get no table of contents."""
    parameter_files: ClassVar[tuple[str, ...]] = ("areas.yml", "indicators.yml", "raumbezug.yml", "run.yml")
    """The files of the parameters folder the report reads (``{area_id}`` stands for its area): its results depend
    on them and on nothing else there. The run's cache of executed reports and the memo keys use this list; a
    test checks that a report reads no other parameter file."""

    parameter_keys: ClassVar[tuple[str, ...] | None] = None
    """The parts of :attr:`parameter_files` the report reads, as keys (:mod:`veedel_lib.params.keys`):
    ``"run.yml:analysis.handlungsbedarf"``, ``"areas.yml:areas[id={area_id}]"``, or a file name for the whole
    file. None: every file of :attr:`parameter_files` as a whole. The run's cache key hashes only these parts;
    a test checks that a report reads no run.yml setting it does not declare."""
    reads_workbooks: ClassVar[bool] = True
    """False when the report reads none of the per-area workbooks (the Sozialindex: statistics only); a test checks
    that it opens none."""
    own_area_workbooks: ClassVar[bool] = False
    """True when the report reads, of the per-area workbooks of the data folder (``dokumentation/<Gebiet>.xlsx``,
    ``plaene/<Gebiet>.xlsx``), only those of its own area, or for a report of one Stadtbezirk those of the
    Stadtbezirk's areas (the statistics of all units always count: every report compares with the whole city).
    A test checks that such a report opens no other area's workbook."""

    @classmethod
    def parameter_files_of(cls, area_id: str | None) -> list[str]:
        """:attr:`parameter_files` for one area (or the programme)."""
        return [name.format(area_id=area_id or "") for name in cls.parameter_files]

    @classmethod
    def parameter_keys_of(cls, area_id: str | None) -> list[str]:
        """:attr:`parameter_keys` for one area (or the programme); the whole files when none are declared."""
        keys = cls.parameter_keys if cls.parameter_keys is not None else cls.parameter_files
        return [key.format(area_id=area_id or "", bezirk=bezirk_number(area_id)) for key in keys]

    @classmethod
    def reads_data_file(cls, name: str, area_id: str | None, place_areas: Collection[str] | None = None) -> bool:
        """Whether the report's result depends on the data folder's file ``name`` (relative, ``/``-separated).

        ``place_areas``: for a report of one Stadtbezirk, the ids of its areas (:meth:`place_areas_of`); None when
        not known, which counts every area's workbook."""
        folder, _, rest = name.partition("/")
        if folder not in PER_AREA_FOLDERS or not rest:
            return True
        if not cls.reads_workbooks or not cls.own_area_workbooks:
            return cls.reads_workbooks
        if cls.scope == "bezirk":
            return place_areas is None or rest.removesuffix(".xlsx") in place_areas
        return rest == f"{area_id}.xlsx"

    @classmethod
    def workbook_areas(cls, area_id: str | None, parameters: Path) -> list[str] | None:
        """The areas whose per-area workbooks the report reads (none, its own, its Stadtbezirk's); None: all."""
        if not cls.reads_workbooks:
            return []
        if not cls.own_area_workbooks:
            return None
        return [str(area_id)] if cls.scope == "area" else cls.place_areas_of(area_id, parameters)

    @classmethod
    def place_areas_of(cls, area_id: str | None, parameters: Path) -> list[str] | None:
        """The areas of a Stadtbezirk's report by the ``areas.yml`` in ``parameters`` (every definition over time);
        None for other reports."""
        if cls.scope != "bezirk":
            return None
        ids = selected(parameters, f"areas.yml:areas[stadtbezirk={bezirk_number(area_id)}].id")
        return list(dict.fromkeys(str(i) for i in ids)) if isinstance(ids, list) else []

    def __init__(self, basis: ReportContext, **options: Any):
        self.basis = basis
        self.ds = basis.ds
        self.year = basis.year
        self.baseline_year = basis.baseline_year
        self.parameters = basis.parameters
        self.configure(**options)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls: type[T], area_id: str | int | None = None, year: int | None = 0, baseline_year: int | None = None,
             data_dir: str | Path = DEMO, parameters_dir: str | Path | None = None, dataset: Dataset | None = None,
             run_spec: str | Path | RunSpec | None = None, previous_run: str | Path | None = None,
             **options: Any) -> T:
        """Open the report for an area (or Stadtbezirk) and year; the same parameters for every report.

        ``area_id``: id, code or name of the Sozialraumgebiet (per-area reports; default :data:`DEFAULT_AREA`),
        the number of the Stadtbezirk (per-Bezirk reports), None for programme-wide reports. ``run_spec``: the
        run specification (its file, as ``veedel run`` passes it, or the object): year, baseline, data and
        parameters then come from it alone. Without it the specification is resolved from the parameters folder's
        ``run.yml`` and ``year`` (0/None: as run.yml says, else the latest year in the data), ``baseline_year``
        (None: the one of ``run.yml``), ``data_dir`` ("demo": the embedded demo data), ``previous_run`` by
        :func:`~veedel_lib.params.run_spec.resolve_run`, as for a run. ``dataset``: an already loaded dataset (the
        floor and the tests pass one). Further keyword ``options`` are the report's own (see its :meth:`configure`).
        """
        if run_spec is not None and run_spec != "":
            spec = run_spec if isinstance(run_spec, RunSpec) else read_spec(run_spec)
            return cls.from_spec(spec, area_id, dataset, **options)
        parameters = parameters_dir_of(parameters_dir)
        ds = dataset if dataset is not None else load_dataset(data_dir, parameters, demo=ensure_demo_data)
        place = area_id if area_id not in (None, "") or cls.scope != "area" else DEFAULT_AREA
        wanted = RunOptions(single=True, place=None if place is None else str(place), year=year or None,
                            baseline_year=baseline_year or None, data_dir=str(data_dir), source="standard",
                            previous_run=str(previous_run) if previous_run else None)
        spec = resolve_run(configured_run(parameters), wanted, ds, [cls], parameters=parameters)
        return cls.from_spec(spec, place, ds, **options)

    @classmethod
    def from_spec(cls: type[T], spec: RunSpec, area_id: str | int | None = None, dataset: Dataset | None = None,
                  **options: Any) -> T:
        """The report at ``area_id`` (as the runner passes it) of a resolved run specification: the one way every
        report is opened. The dataset is the given one, else the specification's data, loaded once per process
        (:func:`~veedel_lib.inputs.dataset.load_dataset` keeps it by the bytes of its files)."""
        if cls.notebook not in spec.reports:
            why = [note for note in spec.skipped if note.startswith(cls.report)]
            raise ConfigurationError(f"Der Bericht „{cls.report}“ gehört nicht zu dieser Laufspezifikation"
                                     + (f" ({why[0]})." if why else "."))
        parameters = Path(spec.parameters_dir)
        ds = dataset if dataset is not None else load_dataset(spec.data_folder, parameters, demo=ensure_demo_data)
        ds = ds.with_area_definitions(spec.analysis.area_definition_year)
        place = spec.place(cls.scope, area_id)
        check_place(place, ds)
        own = cls.workbook_areas(place.key, parameters)
        basis = ReportContext(ds, spec.analysis, parameters, place, spec.year, spec.baseline_year,
                              _fingerprint(parameters, cls.parameter_files_of(place.key), ds.data_dir, own,
                                           spec.analysis.model_dump_json()),
                              spec.previous_run)
        return cls(basis, **options)

    def configure(self, **options: Any) -> None:
        """Take the report's own options; the base class has none and refuses any (German message)."""
        if options:
            raise ConfigurationError(f"Der Bericht „{self.report}“ kennt die Angaben {', '.join(sorted(options))} "
                                     "nicht.")

    # ------------------------------------------------------------------ shared helpers
    @property
    def settings(self) -> AnalysisSettings:
        """The analysis settings of the run (``run.yml`` ``analysis``, through the run specification)."""
        return self.basis.settings

    @property
    def previous_run(self) -> str | None:
        """The previous year's run or archive for the section on changes (Jahresbericht); None: none."""
        return self.basis.previous_run

    @property
    def level(self) -> float:
        """The configured confidence level (e.g. 0.95)."""
        return self.settings.confidence_level

    @property
    def level_text(self) -> str:
        """The confidence level as report text: "95-%"."""
        return f"{fmt.number(self.level * 100, 0)}-%"

    @property
    def area_id(self) -> str | None:
        return self.basis.area_id

    @property
    def area(self) -> Area:
        """The report's Sozialraumgebiet (per-area reports)."""
        return self.ds.areas.get(self.basis.area_id)

    def key_indicators(self) -> list[Indicator]:
        """Indicators for trends and rankings: the configured ones, else all rated (non-neutral) ones."""
        if self.settings.key_indicators:
            return [self.ds.catalogue.indicator(i) for i in self.settings.key_indicators]
        return self.ds.catalogue.rated()

    def method_block(self, lines: list[str]) -> list[TextBlock]:
        """The method notes (Markdown bullet lines) as one text block, followed by the dataset's own notes."""
        return [TextBlock("\n".join([*lines, *(f"- **Hinweis:** {n}" for n in self.ds.notes)]))]

    def memo(self, name: str, compute: Callable[[], T], *key: Hashable) -> T:
        """``compute()`` once per dataset for this report, place, years, parameter files and ``key``."""
        basis = self.basis
        full = (type(self).__name__, name, basis.area_id, basis.year, basis.baseline_year, basis.fingerprint,
                self.ds.areas.definition_year, *key)
        store = self.ds.cache.setdefault("memo", {})
        if full not in store:
            store[full] = compute()
        return store[full]

    # ------------------------------------------------------------------ title
    def place_name(self) -> str:
        """What the title names as the report's place (an area's name by default)."""
        return self.area.name

    def title(self) -> ReportTitle:
        """The title block and HTML title page of the report."""
        top = self.ds.spatial.top
        if self.scope == "area":
            area = self.area
            place = {"area": area.name, "area_id": area.id, "code": area.code,
                     "stadtbezirk": top.label(area.stadtbezirk) if area.stadtbezirk is not None else "",
                     "definition": self.definition_text()}
        elif self.scope == "bezirk":
            key = top.key_of(self.area_id)
            place = {"area": self.place_name(), "area_id": self.basis.place.id, "stadtbezirk": top.label(key),
                     "place_level": ""}
        else:
            place = {"area": self.place_name(), "area_id": PROGRAMME_ID, "stadtbezirk": f"alle {top.plural}",
                     "definition": self.definition_text()}
        place["district_level"] = top.name
        profile = self.ds.spatial.profile
        place.setdefault("place_level", profile.area.name)
        place.update(publisher=profile.publisher, programme=profile.programme,
                     terms=tuple(document_terms(self.ds.spatial).items()))
        return ReportTitle(report=self.report, year=self.year, date=fmt.date(_dt.date.today()),
                           data_status=self.data_status(), notebook=self.notebook, toc=self.toc,
                           hyphenation=tuple(self.ds.catalogue.hyphenation), **place)

    def data_status(self) -> str:
        return data_status(self.ds, self.year, self.baseline_year if self.needs_baseline else None)

    # ------------------------------------------------------------------ area definitions over time
    def definition_text(self) -> str:
        """Which definition (Gebietszuschnitt) the report uses, for its title: "gültig ab 2022" for an area; for
        programme reports "der aktuelle je Gebiet" or the chosen year. Empty when there is nothing to choose from
        (an area with a single definition without limits in time, a file without any validity periods): the title
        then shows no such line, which keeps one-page reports on one page."""
        chosen = self.ds.areas.definition_year
        if self.scope == "area":
            area = self.area
            single = len(self.ds.areas.versions(area.id)) <= 1
            if chosen is None and single and area.valid_from is None and area.valid_to is None:
                return ""
            text = area.period
            return text + (f" (Zuschnitt des Jahres {chosen})" if chosen is not None else "")
        if chosen is not None:
            return f"die im Jahr {chosen} gültigen"
        return "der aktuelle je Gebiet" if self.ds.areas.has_versions else ""

    def definition_changes(self, first: int, last: int, area_ids: list[str] | None = None) -> list[str]:
        """A sentence per area whose definition changed between ``first`` and ``last`` (both years included):
        what the other definition was, and that all years are computed with the one the report uses.
        ``area_ids``: the report's area (default) or all areas (programme reports pass ``ds.areas.ids``)."""
        ids = area_ids if area_ids is not None else [self.area_id]
        sentences = []
        for area_id in ids:
            versions = self.ds.areas.versions_between(area_id, first, last)
            if len(versions) < 2:
                continue
            used = next((a for a in self.ds.areas.areas if a.id == area_id), None)
            if used is None:
                continue
            own = set(self.ds.membership.table.loc[self.ds.membership.table["area_id"] == area_id, "unit_id"])
            others = []
            for version in versions:
                if version.valid_from == used.valid_from and version.valid_to == used.valid_to:
                    continue
                units = definition_units(self.ds.areas, version, self.ds.units)
                change = self._unit_change(units, own)
                ended = version.valid_to is not None and version.valid_to < last
                others.append(f"{version.period.removeprefix('gültig ')} {'galt' if ended else 'gilt'} der Zuschnitt "
                              f"„{version.name}“{change}")
            sentences.append(
                f"Der Gebietszuschnitt von {used.name} hat sich zwischen {first} und {last} geändert: "
                f"{'; '.join(others)}. Damit die Zeitreihe vergleichbar bleibt, sind hier alle Jahre mit dem Zuschnitt "
                f"„{used.name}“ ({used.period}) berechnet.")
        return sentences

    def _unit_change(self, units: set[str], own: set[str]) -> str:
        """How another definition's units differ from the used one's: " (ohne Einheit 90801 Stammheim-Süd)"."""
        names = dict(zip(self.ds.units["unit_id"], self.ds.units["unit_name"]))

        def listed(ids: set[str]) -> str:
            shown = [f"{u} {names.get(u, '')}".strip() for u in sorted(ids)[:4]]
            more = f" und {len(ids) - 4} weitere" if len(ids) > 4 else ""
            return ("Einheit " if len(ids) == 1 else "Einheiten ") + ", ".join(shown) + more

        parts = []
        if own - units:
            parts.append(f"ohne {listed(own - units)}")
        if units - own:
            parts.append(f"zusätzlich mit {listed(units - own)}")
        return f" ({', '.join(parts)})" if parts else " (in diesen Daten mit denselben Einheiten)"


def bezirk_number(place: str | int | None) -> str:
    """The number of a Stadtbezirk's place as text: ``"bezirk-8"`` (a run's task) or ``8`` → ``"8"``; "" for none."""
    return str(place or "").removeprefix("bezirk-")


def parameters_dir_of(path: str | Path | None) -> Path:
    """The parameters folder of a report: the given one, else the project's ``parameters/``."""
    return parameters_dir(path or None)
