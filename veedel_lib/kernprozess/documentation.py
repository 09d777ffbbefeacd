"""Loading and validating the Kernprozess documentation workbooks of the Sozialraumkoordination.

The workbook engine (:mod:`veedel_lib.workbook.reader`) reads and types the sheets; this module adds the rules of
the documentation (dates from the first year on, project numbers, the cross-column rules of projects).
Validation collects every problem of every file and raises one :class:`DataValidationError`. Free-text and
person columns (titles, project names, contact persons, notes) are checked for presence where required and
then dropped: the returned tables never contain them, so they cannot reach a report.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from ..files import content_key, kept_per_file
from ..inputs.readers import RawTable
from ..params.areas import load_areas
from ..params.run_config import parameters_dir as default_parameters_dir
from ..safe_output import published_text
from ..workbook import Column, Sheet
from ..workbook.reader import SheetReader, empty_frame, read_sheets, typed_frame
from ..workbook.schema import repeated_numbers
from .schema import DOCUMENTATION_FOLDER, PROJECT_NUMBER, SHEET_BY_NAME, SHEETS, KernprozessConfig, load_config


@dataclass
class Documentation:
    """Validated documentation of some areas, without any free-text or person column.

    ``themes``: area_id, year, date, field, source, status, passed (bool), row.
    ``projects``: area_id, number (the public project number, "P-2022-07"), field, start, end, start_year, end_year, status, funds_applied, funds_granted (EUR),
    partners, residents, row. ``meetings``: area_id, year, date, type, participants, organisations, row.
    ``row`` is the spreadsheet row the record came from (for tracing, not for reports).
    """

    themes: pd.DataFrame
    projects: pd.DataFrame
    meetings: pd.DataFrame
    area_ids: list[str]
    files: list[Path] = field(default_factory=list)

    def table(self, sheet: str) -> pd.DataFrame:
        return getattr(self, SHEET_BY_NAME[sheet].key)

    @property
    def years(self) -> list[int]:
        """Years with any record (themes, project starts or ends, meetings), ascending."""
        years = set(self.themes["year"]) | set(self.meetings["year"]) | set(self.projects["start_year"])
        years |= set(self.projects["end_year"].dropna().astype(int))
        return sorted(int(y) for y in years)


def documentation_path(data_dir: str | Path, area_id: str) -> Path:
    """Where the documentation workbook of an area lives in a data folder."""
    return Path(data_dir) / DOCUMENTATION_FOLDER / f"{area_id}.xlsx"


class _SheetValidator(SheetReader):
    """Types one sheet of one workbook, collecting problems; private columns are never kept."""

    def __init__(self, table: RawTable, sheet: Sheet, config: KernprozessConfig, area, problems: ProblemCollector,
                 today: _dt.date):
        super().__init__(table, sheet, problems, config.vocabularies)
        self.config, self.area, self.today = config, area, today
        self.first = _dt.date(config.first_year, 1, 1)

    def run(self) -> pd.DataFrame:
        """The sheet's records with their spreadsheet ``row``; empty when a column is missing or nothing is filled."""
        read = self.read()
        if read is None:
            return pd.DataFrame()
        positions, values = read
        return pd.DataFrame({"row": self.rows(positions), **values})

    def typed(self, text: str, column: Column, position: int) -> object:
        if column.type == "area":
            if text not in {self.area.id, self.area.code, self.area.name, *self.area.other_names}:
                self.add(position, column.header, f"Gebiet '{text}' passt nicht zur Datei (erwartet: {self.area.name})")
            return self.area.id
        if column.type == "date":
            return self._date(text, column, position)
        if column.type == "code":
            return self._code(text, column, position)
        if column.type == "text":  # private columns are dropped; a public one would lose contacts and bidi controls
            return text if column.private else published_text(text)
        return super().typed(text, column, position)

    def _date(self, text: str, column: Column, position: int) -> _dt.date | None:
        """A date from the first year on, not in the future (project dates up to five years ahead)."""
        value = super().typed(text, column, position)
        if value is None:
            return None
        latest = self.today
        if column.header in ("Beginn", "Ende"):
            latest = _dt.date(self.today.year + 5, 12, 31)  # planned project dates may lie ahead
        if not self.first <= value <= latest:
            self.add(position, column.header, f"Datum {value:%d.%m.%Y} außerhalb des zulässigen Bereichs "
                                              f"({self.first:%d.%m.%Y} bis {latest:%d.%m.%Y})")
            return None
        return value

    def _code(self, text: str, column: Column, position: int) -> str | None:
        """A public number such as "P-2022-07" (upper case kept as typed, surrounding blanks dropped)."""
        value = text.strip().upper()
        if not re.match(PROJECT_NUMBER, value):
            self.add(position, column.header, f"keine gültige Projektnummer (Wert: {text!r}, erwartet z. B. P-2022-07)")
            return None
        return value


def _check_projects(table: RawTable, frame: pd.DataFrame, problems: ProblemCollector) -> None:
    """Cross-column rules of the Projekte sheet: end after start, end given when finished, granted <= applied,
    each project number once in the file."""
    positions = {row: i for i, row in enumerate(table.rows)}
    repeated = {index: (row, spelled) for index, row, spelled in
                repeated_numbers([(None, number, row) for number, row in zip(frame["number"], frame["row"])])}
    for index, record in enumerate(frame.itertuples(index=False)):
        position = positions[record.row]
        if index in repeated:
            row, spelled = repeated[index]
            reason = (f"Projektnummer {record.number} steht schon in Zeile {row}" if spelled == record.number else
                      f"Projektnummer {record.number} gleicht {spelled} in Zeile {row} bis auf führende Nullen: das "
                      "wären zwei verschiedene Nummern (bitte eine davon ändern)")
            problems.extend([table.problem(position, "Projekt-Nr.", reason)])
        if record.start is not None and record.end is not None and record.end < record.start:
            problems.extend([table.problem(position, "Ende", f"Ende {record.end:%d.%m.%Y} liegt vor dem Beginn "
                                                              f"{record.start:%d.%m.%Y}")])
        if record.status in ("abgeschlossen", "abgebrochen") and record.end is None:
            problems.extend([table.problem(position, "Ende", f"Ende fehlt (Pflicht bei Status „{record.status}“)")])
        if (np.isfinite(record.funds_applied) and np.isfinite(record.funds_granted)
                and record.funds_granted > record.funds_applied + 1e-9):
            problems.extend([table.problem(position, "Mittel bewilligt (EUR)",
                                           "bewilligte Mittel sind höher als die beantragten")])


def _finish(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns and the year columns the indicators count by."""
    frame = typed_frame(sheet, empty_frame(sheet) if frame.empty else frame)
    if sheet.key == "themes":
        frame["passed"] = frame["passed"] == "ja"
        frame["year"] = frame["date"].dt.year.astype("int64")
    elif sheet.key == "projects":
        frame["start_year"] = frame["start"].dt.year.astype("int64")
        frame["end_year"] = frame["end"].dt.year.astype("Int64")
    else:
        frame["year"] = frame["date"].dt.year.astype("int64")
    return frame.reset_index(drop=True)


_VALIDATED: dict[tuple, tuple[dict[str, pd.DataFrame], list]] = {}
"""Validated workbooks by path, bytes, area, parameters and day (see :func:`_validated_workbook`)."""


def _validated_workbook(path: Path, area, config: KernprozessConfig,
                        today: _dt.date) -> tuple[dict[str, pd.DataFrame], list]:
    """The typed sheets (sheet key -> frame, empty sheets left out) and the problems of one area's workbook.

    Kept while the workbook's bytes, the area, the Kernprozess parameters and the day stay the same: the reports
    of one warm kernel read the same workbooks again and again (a run validated each of them 40 times, 0,15 s each).
    Each call gets its own copies of the frames.
    """
    key = (*content_key(path), area.model_dump_json(), config.model_dump_json(), today)

    def validate() -> tuple[dict[str, pd.DataFrame], list]:
        problems = ProblemCollector()
        frames = {}
        tables = read_sheets(path, SHEETS, problems)
        for sheet in SHEETS:
            if sheet.key not in tables:
                continue
            table = tables[sheet.key]
            frame = _SheetValidator(table, sheet, config, area, problems, today).run()
            if frame.empty:
                continue
            if sheet.key == "projects":
                _check_projects(table, frame, problems)
            frames[sheet.key] = frame
        return frames, problems.problems

    frames, problems = kept_per_file(_VALIDATED, key, validate)
    return {k: f.copy() for k, f in frames.items()}, list(problems)


def load_documentation(data_dir: str | Path, parameters_dir: str | Path | None = None,
                       area_ids: list[str] | None = None, *, config: KernprozessConfig | None = None,
                       today: _dt.date | None = None) -> Documentation:
    """Read and validate the documentation workbooks of ``area_ids`` (default: all areas of areas.yml).

    ``data_dir`` is a data folder (documentation in its ``dokumentation/`` sub-folder).
    Raises one DataValidationError listing every problem of every file: a missing workbook or sheet,
    missing or unknown columns, unknown vocabulary values, bad or out-of-range dates (from
    ``first_year`` to ``today``; project dates up to five years ahead), an end before its start,
    negative or fractional counts, an area that does not match the file. Free-text and person columns
    are dropped after the check.
    """
    parameters = default_parameters_dir(parameters_dir)
    config = config or load_config(parameters)
    areas = load_areas(parameters / "areas.yml")
    ids = [areas.get(a).id for a in (area_ids or areas.ids)]
    folder = Path(data_dir)
    today = today or _dt.date.today()
    problems = ProblemCollector()
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for s in SHEETS}
    files = []
    for area_id in ids:
        path = documentation_path(folder, area_id)
        if not path.exists():
            problems.add(path, None, None, f"Dokumentation für {areas.get(area_id).name} fehlt "
                                           f"(erwartet: {DOCUMENTATION_FOLDER}/{area_id}.xlsx im Datenordner)")
            continue
        files.append(path)
        frames, found = _validated_workbook(path, areas.get(area_id), config, today)
        problems.extend(found)
        for key, frame in frames.items():
            parts[key].append(frame)
    problems.raise_if_any()
    tables = {s.key: _finish(s, pd.concat(parts[s.key], ignore_index=True) if parts[s.key] else empty_frame(s))
              for s in SHEETS}
    return Documentation(tables["themes"], tables["projects"], tables["meetings"], ids, files)


