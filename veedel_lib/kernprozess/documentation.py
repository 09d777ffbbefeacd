"""Loading and validating the Kernprozess documentation workbooks of the Sozialraumkoordination.

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

from ..errors import DataValidationError, ProblemCollector
from ..files import content_key, kept_per_file
from ..inputs.readers import (
    RawTable,
    count_problem,
    money_problem,
    number_text_problem,
    parse_numbers,
    read_table,
)
from ..params.areas import load_areas
from ..params.run_config import parameters_dir as default_parameters_dir
from ..safe_output import published_text
from .schema import (
    DOCUMENTATION_FOLDER,
    PROJECT_NUMBER,
    SHEET_BY_NAME,
    SHEETS,
    Column,
    KernprozessConfig,
    Sheet,
    load_config,
    number_key,
)


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


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_date(text: str) -> _dt.date | None:
    """A date from ISO (as the reader writes Excel dates) or German "TT.MM.JJJJ" text; None if not a date.

    The whole text must be the date (an ISO date may carry the time 00:00): "2021-01-29 bis 2021-03-31" is no date,
    rather than the first of the two with the rest dropped.
    """
    text = text.strip()
    try:
        match = _GERMAN_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _dt.date(year, month, day)
        match = _ISO_DATE.match(text)
        return _dt.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        return None


def documentation_path(data_dir: str | Path, area_id: str) -> Path:
    """Where the documentation workbook of an area lives in a data folder."""
    return Path(data_dir) / DOCUMENTATION_FOLDER / f"{area_id}.xlsx"


def _area_names(area) -> set[str]:
    return {area.id, area.code, area.name, *area.other_names}


class _SheetValidator:
    """Types one sheet of one workbook, collecting problems; private columns are never kept."""

    def __init__(self, table: RawTable, sheet: Sheet, config: KernprozessConfig, area, problems: ProblemCollector,
                 today: _dt.date):
        self.table, self.sheet, self.config, self.area = table, sheet, config, area
        self.problems, self.today = problems, today
        self.first = _dt.date(config.first_year, 1, 1)

    def add(self, position: int, header: str, reason: str) -> None:
        self.problems.extend([self.table.problem(position, header, reason)])

    def run(self) -> pd.DataFrame:
        frame = self.table.frame
        expected = [c.header for c in self.sheet.columns]
        missing = [h for h in expected if h not in frame.columns]
        for header in missing:
            self.problems.extend([self.table.file_problem("Pflichtspalte fehlt", header)])
        for header in frame.columns:
            if header not in expected:
                self.problems.extend([self.table.file_problem(
                    f"unbekannte Spalte (erlaubt: {', '.join(expected)})", header)])
        if missing:
            return pd.DataFrame()
        keep = self._data_rows(frame)
        frame = frame.iloc[keep].reset_index(drop=True)
        rows = [self.table.rows[i] for i in keep]
        positions = keep
        result = {"row": rows}
        for column in self.sheet.columns:
            values = self._column(frame[column.header], column, positions)
            if not column.private:
                result[column.key] = values
        return pd.DataFrame(result)

    def _data_rows(self, frame: pd.DataFrame) -> list[int]:
        """Positions of records with content besides the prefilled area cell (template rows are not records)."""
        others = [c.header for c in self.sheet.columns if c.type != "area"]
        filled = frame[others].astype(str).apply(lambda s: s.str.strip() != "").any(axis=1)
        return [i for i, f in enumerate(filled) if f]

    def _column(self, cells: pd.Series, column: Column, positions: list[int]) -> list:
        texts = [str(c).strip() for c in cells]
        if column.type in ("count", "money"):
            return self._numbers(cells, column, positions)
        values: list = []
        for text, position in zip(texts, positions):
            if text == "":
                if column.required:
                    self.add(position, column.header, "Pflichtangabe fehlt")
                values.append(None)
            elif column.type == "area":
                if text not in _area_names(self.area):
                    self.add(position, column.header,
                             f"Gebiet '{text}' passt nicht zur Datei (erwartet: {self.area.name})")
                values.append(self.area.id)
            elif column.type == "date":
                values.append(self._date(text, column, position))
            elif column.type == "choice":
                values.append(self._choice(text, column, position))
            elif column.type == "code":
                values.append(self._code(text, column, position))
            else:  # free text: private columns are dropped; a public one would lose contacts and bidi controls
                values.append(text if column.private else published_text(text))
        return values

    def _date(self, text: str, column: Column, position: int) -> _dt.date | None:
        value = parse_date(text)
        if value is None:
            self.add(position, column.header, f"kein gültiges Datum (Wert: {text!r}, erwartet TT.MM.JJJJ)")
            return None
        latest = self.today
        if column.header in ("Beginn", "Ende"):
            latest = _dt.date(self.today.year + 5, 12, 31)  # planned project dates may lie ahead
        if not self.first <= value <= latest:
            self.add(position, column.header, f"Datum {value:%d.%m.%Y} außerhalb des zulässigen Bereichs "
                                              f"({self.first:%d.%m.%Y} bis {latest:%d.%m.%Y})")
            return None
        return value

    def _choice(self, text: str, column: Column, position: int) -> str | None:
        allowed = self.config.vocabularies[column.vocabulary]
        lookup = {" ".join(v.split()).casefold(): v for v in allowed}
        value = lookup.get(" ".join(text.split()).casefold())
        if value is None:
            self.add(position, column.header, f"unbekannter Wert {text!r} (erlaubt: {', '.join(allowed)})")
        return value

    def _code(self, text: str, column: Column, position: int) -> str | None:
        """A public number such as "P-2022-07" (upper case kept as typed, surrounding blanks dropped)."""
        value = text.strip().upper()
        if not re.match(PROJECT_NUMBER, value):
            self.add(position, column.header, f"keine gültige Projektnummer (Wert: {text!r}, erwartet z. B. P-2022-07)")
            return None
        return value

    def _numbers(self, cells: pd.Series, column: Column, positions: list[int]) -> list:
        parsed = parse_numbers(cells.reset_index(drop=True), self.table.decimal)
        values: list = []
        for value, status, text, position in zip(parsed.values, parsed.status, cells, positions):
            reason = None
            if status == "missing":
                reason = "Pflichtangabe fehlt" if column.required else None
            elif status != "ok":
                reason = number_text_problem(text) or f"keine Zahl (Wert: {str(text).strip()!r})"
            elif value < 0:
                reason = f"negative Zahl (Wert: {str(text).strip()})"
            elif column.type == "count" and not float(value).is_integer():
                reason = f"keine ganze Zahl (Wert: {str(text).strip()})"
            elif column.type == "money" and abs(round(value, 2) - value) > 1e-9:
                reason = f"mehr als zwei Nachkommastellen (Wert: {str(text).strip()})"
            else:
                reason = money_problem(value) if column.type == "money" else count_problem(value)
            if reason:
                self.add(position, column.header, reason)
                values.append(np.nan)
            else:
                values.append(value)
        return values


def _check_projects(table: RawTable, frame: pd.DataFrame, problems: ProblemCollector) -> None:
    """Cross-column rules of the Projekte sheet: end after start, end given when finished, granted <= applied,
    each project number once in the file."""
    positions = {row: i for i, row in enumerate(table.rows)}
    first_row: dict[str, tuple[int, str]] = {}
    for record in frame.itertuples(index=False):
        position = positions[record.row]
        if isinstance(record.number, str):
            key = number_key(record.number)
            if key not in first_row:
                first_row[key] = (record.row, record.number)
            elif first_row[key][1] == record.number:
                problems.extend([table.problem(position, "Projekt-Nr.", f"Projektnummer {record.number} steht schon "
                                                                        f"in Zeile {first_row[key][0]}")])
            else:
                problems.extend([table.problem(position, "Projekt-Nr.", f"Projektnummer {record.number} gleicht "
                                                                        f"{first_row[key][1]} in Zeile "
                                                                        f"{first_row[key][0]} bis auf führende "
                                                                        "Nullen: das wären zwei verschiedene "
                                                                        "Nummern (bitte eine davon ändern)")])
        if record.start is not None and record.end is not None and record.end < record.start:
            problems.extend([table.problem(position, "Ende", f"Ende {record.end:%d.%m.%Y} liegt vor dem Beginn "
                                                              f"{record.start:%d.%m.%Y}")])
        if record.status in ("abgeschlossen", "abgebrochen") and record.end is None:
            problems.extend([table.problem(position, "Ende", f"Ende fehlt (Pflicht bei Status „{record.status}“)")])
        if (np.isfinite(record.funds_applied) and np.isfinite(record.funds_granted)
                and record.funds_granted > record.funds_applied + 1e-9):
            problems.extend([table.problem(position, "Mittel bewilligt (EUR)",
                                           "bewilligte Mittel sind höher als die beantragten")])


def _empty(sheet: Sheet) -> pd.DataFrame:
    return pd.DataFrame(columns=["row"] + [c.key for c in sheet.columns if not c.private])


def _finish(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns and the year columns the indicators count by."""
    if frame.empty:
        frame = _empty(sheet)
    frame = frame.rename(columns={"area": "area_id"})
    for column in sheet.columns:
        key = "area_id" if column.key == "area" else column.key
        if column.private:
            continue
        if column.type == "date":
            frame[key] = pd.to_datetime(frame[key])
        elif column.type in ("count",):
            frame[key] = frame[key].astype("int64")
        elif column.type == "money":
            frame[key] = frame[key].astype(float)
        else:
            frame[key] = frame[key].astype(object)
    frame["row"] = frame["row"].astype("int64")
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
        for sheet in SHEETS:
            try:
                table = read_table(path, sheet=sheet.name)
            except DataValidationError as exc:
                problems.extend(exc.problems)
                continue
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
    tables = {s.key: _finish(s, pd.concat(parts[s.key], ignore_index=True) if parts[s.key] else _empty(s))
              for s in SHEETS}
    return Documentation(tables["themes"], tables["projects"], tables["meetings"], ids, files)


