"""What changed between two runs, and why: the change report of ``veedel vergleiche ALT NEU`` and ``reproduce``.

Two runs (run folders or archives, read through :func:`veedel_lib.run.archive.open_run`, every archive entry
as hostile input) are compared report by report: every published value (the cells of the report's tables
``tables/<notebook>/*.csv``, keyed by table, row key and column; figure data are tables too), class and goal status
(text cells of those tables) and statement (the sentences of the report's text, read from the executed notebook's
Markdown and HTML outputs, normalised: run ids and dates aside) that differs. Reports whose files are
byte-identical are not read at all.

Each difference gets its *causes*: the changes between the two runs' inputs that the report depends on — a new data
year, revised input data (file, unit, variable, year, old → new), a changed parameter (file, key, old → new), a
changed area definition, a changed notebook (method) or library/package version, a report added or removed. What a
report depends on comes from its content class's declarations (:func:`depends_on`, the one place that decides). A
difference without a recorded cause is flagged as such (``ohne erfasste Ursache``).
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from ..params.run_spec import report_id
from ..params.reference import CityProfile, default_reference, load_reference
from ..params.yamlfiles import load_yaml
from ..reports import registry
from ..params.run_kind import RUN_KINDS, kind_of
from .manifest import MANIFEST

NO_CAUSE = "ohne erfasste Ursache"
"""The cause column of a difference for which no change of the inputs, parameters or code was recorded."""
MAX_REVISIONS = 50
"""Revised data values listed one by one; beyond that one summary line (the rest are counted)."""
RUN_ID = re.compile(r"\b\d{8}-\d{6}-[0-9a-f]{8}\b")
DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b|\b\d{1,2}\.\s?\d{1,2}\.\s?\d{4}\b|"
                   r"\b\d{1,2}\.\s(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
                   r"Dezember)\s\d{4}\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„0-9])")
SKIPPED_OPENING = re.compile(r"<(table|figure|svg|style|script)\b", re.IGNORECASE)
"""Tables and figures in report HTML: compared as tables, cut out before the text is parsed (most of the markup)."""
STATEMENT_COLUMNS = {"class": ("klasse", "class", "handlungsbedarf", "need", "stufe", "level", "label", "code"),
                     "goal": ("status", "ziel", "goal", "track", "assessment", "bewertung")}
CSV_COLUMNS = ["bericht", "ort", "art", "abschnitt", "tabelle", "zeile", "spalte", "alt", "neu", "groesse",
               "ursache"]


# ----------------------------------------------------------------------------- one run, read safely

class RunView:
    """A run folder or archive opened for comparison: its manifest, its reports, and files on demand.

    ``source`` is the bounded reader of the run (:class:`veedel_lib.run.archive.ArchiveReader` or a run folder) and ``manifest`` the checked
    manifest (:func:`veedel_lib.run.archive.open_run` makes both). Archive entries are extracted one by one into a
    private temporary folder (resolved inside it) only when they are read; run folders are read in place (links
    refused)."""

    def __init__(self, path: Path, source, manifest: dict):
        self.path = Path(path)
        self.source = source
        self._temporary: Path | None = None
        self.manifest = manifest
        self.run_id = str(manifest.get("run_id", self.path.name))
        self._hashes: dict[str, str | None] = {}
        self._names = set(source.names())

    def names(self) -> set[str]:
        """The readable files of the run (relative POSIX paths)."""
        return self._names

    def local(self, name: str) -> Path | None:
        """A readable path of the entry ``name`` (relative to the run), None when absent or refused."""
        if name not in self._names:
            return None
        if self.path.is_dir():
            return self.path / name
        if self._temporary is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="veedel-vergleich-"))
        target = self._temporary / name
        return target if target.exists() else self.source.extract(name, self._temporary)

    def hash(self, name: str) -> str | None:
        """The SHA-256 of a file as it is now (not as recorded: a file changed after the run counts), None when
        absent; computed once."""
        if name not in self._hashes:
            self._hashes[name] = self.source.sha256(name) if name in self._names else None
        return self._hashes[name]

    def same_file(self, other: "RunView", name: str) -> bool:
        """Whether ``name`` is the very same file in both runs (one inode: a report an incremental run took over is
        hard-linked, not copied), so that it is equal without reading it; False for archives or when unsure."""
        if not (self.path.is_dir() and other.path.is_dir() and name in self._names and name in other._names):
            return False
        try:
            return os.path.samefile(self.path / name, other.path / name)
        except OSError:
            return False

    def entries(self) -> dict[str, dict]:
        """The finished reports by key (``<area or programme>/<notebook>``)."""
        return {report_id(e.get("area_id"), e.get("notebook")): e
                for e in self.manifest.get("reports", []) if e.get("status") == "ok"}

    @property
    def kind(self) -> str:
        return RUN_KINDS.get(kind_of(self.manifest).get("kind"), "unbekannt")

    def close(self) -> None:
        self.source.close()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)


# ----------------------------------------------------------------------------- causes: what changed in the inputs

@dataclass
class Cause:
    """One change of the inputs between two runs (German ``text``); ``kind`` decides which reports it can affect."""

    kind: str
    """data_year, data, data_file, parameter, area, method, code"""
    text: str
    file: str = ""
    """data: path below inputs/data; parameter/area: path below inputs/parameters; method: the notebook."""
    path: str = ""
    """parameter/area: the dotted key path in the parsed YAML (``areas[id=kalk].stadtteile``)."""


def _csv_separator(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        first = handle.readline()
    return ";" if first.count(";") > first.count(",") else ","


def _statistics(path: Path) -> pd.DataFrame | None:
    """A long statistics table (unit, year, variable, value) indexed by its keys; None when it is not one."""
    try:
        frame = pd.read_csv(path, sep=_csv_separator(path), dtype=str, keep_default_na=False)
    except (ValueError, OSError, csv.Error):
        return None
    if frame.shape[1] != 4 or "year" not in frame.columns:
        return None
    keys = list(frame.columns[:3])
    return frame.set_index(keys)[frame.columns[3]]


def _data_causes(old: RunView, new: RunView) -> list[Cause]:
    """New or dropped data years and revised values of the statistics, other data files that changed."""
    names = sorted(n for n in old.names() | new.names() if n.startswith("inputs/data/"))
    causes: list[Cause] = []
    for name in names:
        file = name.removeprefix("inputs/data/")
        if old.hash(name) == new.hash(name):
            continue
        if name not in old.names() or name not in new.names():
            state = "neu" if name not in old.names() else "entfernt"
            causes.append(Cause("data_file", f"Datendatei {file} {state}", file))
            continue
        before = _statistics(old.local(name)) if name.endswith(".csv") else None
        after = _statistics(new.local(name)) if before is not None else None
        if before is None or after is None:
            causes.append(Cause("data_file", f"Datendatei {file} geändert", file))
            continue
        causes.extend(_statistics_causes(file, before, after))
    return causes


def _statistics_causes(file: str, before: pd.Series, after: pd.Series) -> list[Cause]:
    """New and dropped years, then each revised value (unit, variable, year: old → new) of one statistics file."""
    year_level = list(before.index.names).index("year")
    old_years = set(before.index.get_level_values(year_level))
    new_years = set(after.index.get_level_values(year_level))
    causes = [Cause("data_year", f"neues Datenjahr {year} ({file})", file) for year in sorted(new_years - old_years)]
    causes += [Cause("data_year", f"Datenjahr {year} entfallen ({file})", file) for year in sorted(old_years - new_years)]
    common = old_years & new_years
    joined = pd.concat({"alt": before, "neu": after}, axis=1, join="outer")
    joined = joined[joined.index.get_level_values(year_level).isin(common)]
    changed = joined[joined["alt"].fillna("<fehlt>") != joined["neu"].fillna("<fehlt>")]
    names = list(before.index.names)
    for number, (key, row) in enumerate(changed.iterrows()):
        if number == MAX_REVISIONS:
            causes.append(Cause("data", f"{file}: {len(changed) - MAX_REVISIONS} weitere Werte revidiert", file))
            break
        where = dict(zip(names, key))
        unit = next((where[k] for k in names if k not in ("year", "variable")), "")
        old_value = "fehlt" if pd.isna(row["alt"]) else row["alt"]
        new_value = "fehlt" if pd.isna(row["neu"]) else row["neu"]
        causes.append(Cause("data", f"revidierte Daten {file}: Einheit {unit}, {where.get('variable', '')}, "
                                    f"{where.get('year', '')}: {old_value} → {new_value}", file))
    return causes


def _flatten(value, path: str = "") -> dict[str, object]:
    """Leaves of a parsed YAML document by dotted path; list items with an ``id`` as ``name[id=...]``."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return out or {path: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        out = {}
        counts: dict[str, int] = {}
        for item in value:
            label = f"{path}[id={item['id']}]"
            counts[label] = counts.get(label, 0) + 1
            out.update(_flatten(item, label if counts[label] == 1 else f"{label}#{counts[label]}"))
        return out
    return {path: value}


def _shown(value: object) -> str:
    return "fehlt" if value is None else json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) \
        else str(value)


def _parameter_causes(old: RunView, new: RunView) -> list[Cause]:
    """Each changed key of each parameter file (file, key, old → new); areas.yml as a changed area definition."""
    causes: list[Cause] = []
    names = sorted(n for n in old.names() | new.names() if n.startswith("inputs/parameters/"))
    for name in names:
        file = name.removeprefix("inputs/parameters/")
        if old.hash(name) == new.hash(name):
            continue
        if not name.endswith((".yml", ".yaml")) or name not in old.names() or name not in new.names():
            state = "neu" if name not in old.names() else "entfernt" if name not in new.names() else "geändert"
            causes.append(Cause("parameter", f"Parameterdatei {file} {state}", file))
            continue
        before = _flatten(load_yaml(old.local(name))[0])
        after = _flatten(load_yaml(new.local(name))[0])
        for path in sorted(set(before) | set(after)):
            if before.get(path) != after.get(path):
                kind = "area" if file == "areas.yml" else "parameter"
                label = "geänderte Gebietsabgrenzung" if kind == "area" else "geänderter Parameter"
                causes.append(Cause(kind, f"{label} {file}: {path}: {_shown(before.get(path))} → "
                                          f"{_shown(after.get(path))}", file, path))
    return causes


def _code_causes(old: RunView, new: RunView) -> list[Cause]:
    """Changed notebooks (a report's method), the library's code, package versions and the git commit."""
    causes = []
    for name in sorted(n for n in old.names() | new.names() if n.startswith("inputs/notebooks/")):
        if old.hash(name) != new.hash(name):
            notebook = Path(name).stem
            causes.append(Cause("method", f"geänderte Methode: Notebook {notebook}", notebook))
    before, after = old.manifest.get("environment") or {}, new.manifest.get("environment") or {}
    for key in sorted(set(before) | set(after)):
        if key != "platform" and before.get(key) != after.get(key):
            what = "Code der Bibliothek veedel" if key == "veedel_code" else f"Version von {key}"
            causes.append(Cause("code", f"geänderte Codeversion: {what} {str(before.get(key))[:12]} → "
                                        f"{str(after.get(key))[:12]}"))
    hashed = "veedel_code" in before and "veedel_code" in after  # the code's own hash says more than the commit
    if not hashed and old.manifest.get("git_commit") != new.manifest.get("git_commit") \
            and not any(c.kind == "code" for c in causes):
        causes.append(Cause("code", f"anderer Projektstand (git) {str(old.manifest.get('git_commit'))[:12]} → "
                                    f"{str(new.manifest.get('git_commit'))[:12]}"))
    return causes


def input_causes(old: RunView, new: RunView) -> list[Cause]:
    """Every recorded change between the inputs of two runs: data, parameters, code."""
    return _data_causes(old, new) + _parameter_causes(old, new) + _code_causes(old, new)


def _covers(key_path: str | None, changed: str) -> bool:
    """Whether a declared key path (None: the whole file) includes or lies inside the changed path."""
    if key_path is None:
        return True
    changed = changed.split("#", 1)[0]
    key_path = re.sub(r"\[(?!id=)\w+=[^\]]*\]", "[*]", key_path)  # "areas[stadtbezirk=8]": counted as every item
    if "[*]" in key_path:  # every item of the list: "areas[*].stadtteile"
        changed = re.sub(r"\[id=[^\]]*\]", "[*]", changed)
    return (changed == key_path or changed.startswith(key_path + ".") or changed.startswith(key_path + "[")
            or key_path.startswith(changed + ".") or key_path.startswith(changed + "["))


def depends_on(entry: dict, cause: Cause) -> bool:
    """Whether the report of a manifest entry depends on a change of the inputs, by its declared dependencies.

    The one place that attributes causes: data files by :meth:`ReportContent.reads_data_file`, parameter keys by
    the declared keys (``parameter_keys_of``; whole parameter files where only those are declared), notebooks by
    name; the library's code and package versions affect every report. An unknown report depends on everything."""
    notebook, area = entry.get("notebook"), entry.get("area_id")
    try:
        cls = registry.get(notebook)
    except Exception:  # noqa: BLE001 - a report this version does not know: assume it read everything
        return True
    if cause.kind in ("data_year", "data", "data_file"):
        reads = getattr(cls, "reads_data_file", None)  # declared per file since issue #31 item 1
        return reads(cause.file, area) if reads is not None else True
    if cause.kind in ("parameter", "area"):
        keys = (cls.parameter_keys_of(area) if hasattr(cls, "parameter_keys_of") else cls.parameter_files_of(area))
        for key in keys:  # "run.yml:analysis.x" or a whole file (see veedel_lib.params.keys)
            name, _, path = key.partition(":")
            if name == cause.file and (not cause.path or _covers(path or None, cause.path)):
                return True
        return False
    if cause.kind == "method":
        return cause.file == notebook
    return True


# ----------------------------------------------------------------------------- differences in the outputs

@dataclass
class Difference:
    """One published value, class, goal status or statement that differs, with its causes (German texts)."""

    report: str
    place: str
    kind: str
    """Wert, Klasse, Zielstatus, Aussage, Bericht"""
    section: str = ""
    table: str = ""
    row: str = ""
    column: str = ""
    old: str = ""
    new: str = ""
    size: float = 0.0
    """How large the difference is, for sorting: relative change of a number, 1 for a class, text or report."""
    causes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One German line naming the report, where and old → new."""
        where = " · ".join(p for p in (self.section, self.table, self.row, self.column) if p)
        return (f"{self.report} ({self.place}), {self.kind}" + (f", {where}" if where else "")
                + f": „{self.old}“ → „{self.new}“")


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _cell_kind(column: str, old: str, new: str) -> str:
    if _number(old) is not None or _number(new) is not None:
        return "Wert"
    lowered = column.lower()
    if any(word in lowered for word in STATEMENT_COLUMNS["goal"]):
        return "Zielstatus"
    if any(word in lowered for word in STATEMENT_COLUMNS["class"]):
        return "Klasse"
    return "Wert"


def _size(old: str, new: str) -> float:
    a, b = _number(old), _number(new)
    if a is None or b is None:
        return 1.0
    return min(abs(b - a) / max(abs(a), 1e-9), 1e6)


def _keyed_rows(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Rows (column -> cell text) by the first column's value, repeated values numbered, so added rows do not
    shift the others."""
    rows: dict[str, dict[str, str]] = {}
    counts: dict[str, int] = {}
    columns = [str(c) for c in frame.columns]
    for values in frame.to_numpy().tolist():
        key = str(values[0]) if values else ""
        counts[key] = counts.get(key, 0) + 1
        rows[key if counts[key] == 1 else f"{key} ({counts[key]})"] = dict(zip(columns, map(str, values)))
    return rows


def _read_table(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, csv.Error):
        return None


def table_differences(report: str, place: str, table: str, old: Path | None, new: Path | None) -> list[Difference]:
    """Every cell of one table that differs (keyed by row key and column); a table that appears or disappears."""
    before, after = _read_table(old), _read_table(new)
    if before is None or after is None:
        state = "Tabelle neu" if before is None and after is not None else "Tabelle entfallen" if after is None \
            and before is not None else "Tabelle unlesbar"
        return [Difference(report, place, "Wert", table=table, old="" if before is None else "vorhanden",
                           new="" if after is None else "vorhanden", size=1.0, causes=[state])]
    old_rows, new_rows = _keyed_rows(before), _keyed_rows(after)
    columns = list(dict.fromkeys([str(c) for c in (*before.columns, *after.columns)]))
    found = []
    for key in list(dict.fromkeys([*old_rows, *new_rows])):
        a, b = old_rows.get(key), new_rows.get(key)
        for column in columns[1:] if len(columns) > 1 else columns:
            x = "" if a is None else a.get(column, "")
            y = "" if b is None else b.get(column, "")
            if x != y:
                found.append(Difference(report, place, _cell_kind(column, x, y), table=table, row=key,
                                        column=column, old=x if a is not None else "(Zeile fehlt)",
                                        new=y if b is not None else "(Zeile fehlt)", size=_size(x, y)))
    return found


class _TextCollector(HTMLParser):
    """The visible text of report HTML, one block per paragraph, list item or heading; tables and figures left
    out (their content is compared as tables); headings recorded as sections."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "dd", "dt", "div", "br", "caption", "figcaption"}
    SKIP = {"table", "figure", "svg", "style", "script", "header"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (tag, text)
        self._skip = 0
        self._tag = "p"
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self._tag, text))
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS and not self._skip:
            self._flush()
            self._tag = tag

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS and not self._skip:
            self._flush()
            self._tag = "p"

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)


def _without_tables_and_figures(markup: str) -> str:
    """Report HTML without its tables, figures (with their embedded images), styles and scripts: one linear scan
    (a regular expression with a back reference took seconds over the embedded SVG images)."""
    lowered = markup.lower()  # the same length: positions carry over
    parts, position = [], 0
    while (found := SKIPPED_OPENING.search(lowered, position)) is not None:
        parts.append(markup[position:found.start()])
        end = lowered.find(f"</{found.group(1)}", found.end())
        if end < 0:
            return " ".join(parts)
        position = lowered.find(">", end) + 1 or len(markup)
    parts.append(markup[position:])
    return " ".join(parts)


def normalised(text: str) -> str:
    """A sentence as compared: soft hyphens and repeated spaces removed, run ids and dates replaced."""
    text = " ".join(text.replace("\u00ad", "").split())
    return DATES.sub("<Datum>", RUN_ID.sub("<Lauf>", text))


def _markdown_blocks(source: str) -> list[tuple[str, str]]:
    blocks = []
    for part in re.split(r"\n\s*\n", source):
        part = part.strip()
        heading = re.match(r"^(#+)\s+(.*)$", part)
        if heading:
            blocks.append((f"h{len(heading.group(1))}", heading.group(2).strip()))
        elif part:
            blocks.append(("p", " ".join(re.sub(r"[*_`\\]", "", part).split())))
    return blocks


def statements(notebook: Path | None) -> dict[str, list[str]]:
    """The sentences of an executed notebook's published text by section (the last heading above them), in order.

    Read from Markdown cells and the Markdown and HTML display outputs; tables and figures are left out. The
    Markdown's placeholders (``{{ Stadtteile }}``) are filled with the city's words as the report prints them
    (:func:`veedel_lib.publish.html.fill_terms`); a notebook whose placeholders cannot be filled is read as
    written (its report could not have been published)."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    from ..errors import DataValidationError
    from ..publish.html import fill_terms

    if notebook is None:
        return {}
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
        return {}  # not a notebook: no text to compare
    try:
        nb = fill_terms(rejoin_lines(nbformat.from_dict(nb)), notebook.name)
    except (DataValidationError, ValueError, KeyError, TypeError, AttributeError):
        pass  # not a notebook the publisher could fill (nor publish): its text as written, as far as it goes
    sections: dict[str, list[str]] = {}
    section = "Anfang"
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict):
            continue
        blocks: list[tuple[str, str]] = []
        if cell.get("cell_type") == "markdown":
            blocks = _markdown_blocks("".join(cell.get("source", "")))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                collector = _TextCollector()
                collector.feed(_without_tables_and_figures("".join(data["text/html"])))
                collector.close()
                collector._flush()
                blocks += collector.blocks
            elif "text/markdown" in data:
                blocks += _markdown_blocks("".join(data["text/markdown"]))
        for tag, text in blocks:
            if tag in ("h1", "h2", "h3", "h4"):
                section = normalised(text)
                continue
            for sentence in SENTENCE_END.split(text):
                if sentence.strip():
                    sections.setdefault(section, []).append(normalised(sentence))
    return sections


def text_differences(report: str, place: str, old: Path | None, new: Path | None) -> list[Difference]:
    """Each sentence that differs, by section: changed ones paired with their new wording, added and dropped ones."""
    before, after = statements(old), statements(new)
    found = []
    for section in list(dict.fromkeys([*before, *after])):
        a, b = before.get(section, []), after.get(section, [])
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = a[i1:i2], b[j1:j2]
            for k in range(max(len(olds), len(news))):
                x = olds[k] if k < len(olds) else ""
                y = news[k] if k < len(news) else ""
                similarity = difflib.SequenceMatcher(a=x, b=y).ratio() if x and y else 0.0
                found.append(Difference(report, place, "Aussage", section=section, old=x or "(neu)",
                                        new=y or "(entfallen)", size=1.0 - similarity))
    return found


def _report_label(entry: dict) -> tuple[str, str]:
    """The report's name and place (area, Stadtbezirk or the whole programme) for the change report."""
    notebook = str(entry.get("notebook"))
    title = registry.title_of(notebook)
    return str(title), str(entry.get("area_name") or "Gesamtprogramm")


def _entry_names(view: RunView, entry: dict) -> list[str]:
    """The compared files of a report entry (its tables and executed notebook, relative to the run)."""
    folder, notebook = entry.get("folder", ""), entry.get("notebook", "")
    prefixes = (f"{folder}/tables/{notebook}/", f"{folder}/{notebook}.ipynb")
    recorded = entry.get("files")
    names = recorded if isinstance(recorded, dict) and recorded else view.names()
    return [n for n in names if n.startswith(prefixes) and n in view.names()]


def _entry_files(old: RunView, new: RunView, a: dict, b: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The compared files of a report in the old and the new run with their current hashes; a file that is the very
    same in both (:meth:`RunView.same_file`) gets a marker instead of being read."""
    names_a, names_b = _entry_names(old, a), _entry_names(new, b)
    same = {n for n in set(names_a) & set(names_b) if old.same_file(new, n)}
    return ({n: "=" if n in same else old.hash(n) or "" for n in names_a},
            {n: "=" if n in same else new.hash(n) or "" for n in names_b})


def report_differences(old: RunView, new: RunView, a: dict, b: dict) -> list[Difference]:
    """The differing tables and sentences of one report present in both runs (nothing read if its files match)."""
    report, place = _report_label(b)
    files_a, files_b = _entry_files(old, new, a, b)
    notebook = b.get("notebook", "")
    found: list[Difference] = []
    tables = sorted(n for n in set(files_a) | set(files_b) if "/tables/" in n and n.endswith(".csv"))
    for name in tables:
        if files_a.get(name) != files_b.get(name):
            table = name.rsplit("/", 1)[-1].removesuffix(".csv")
            found += table_differences(report, place, table, old.local(name) if name in files_a else None,
                                       new.local(name) if name in files_b else None)
    text_a = next((n for n in files_a if n.endswith(f"/{notebook}.ipynb")), None)
    text_b = next((n for n in files_b if n.endswith(f"/{notebook}.ipynb")), None)
    if text_a and text_b and files_a[text_a] != files_b[text_b]:
        found += text_differences(report, place, old.local(text_a), new.local(text_b))
    return found


@dataclass
class ChangeReport:
    """The differences between two runs with their causes."""

    old_id: str
    new_id: str
    old_kind: str
    new_kind: str
    causes: list[Cause]
    differences: list[Difference]
    reports_compared: int = 0
    kicker: str = ""
    """The line above the title: the newer run's publisher and programme ("Stadt Köln · Lebenswerte Veedel")."""
    owner: str = ""
    """Publisher and programme for the footer ("Stadt Köln – Lebenswerte Veedel")."""

    @property
    def without_cause(self) -> list[Difference]:
        return [d for d in self.differences if NO_CAUSE in d.causes]


def compare_runs(old: RunView, new: RunView) -> ChangeReport:
    """Compare two opened runs report by report and attribute each difference to the input changes it depends on.

    Groups (report and place) are ordered by their largest difference, the differences within by size."""
    causes = input_causes(old, new)
    before, after = old.entries(), new.entries()
    found: list[Difference] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None or b is None:
            report, place = _report_label(a or b)
            state = "Bericht hinzugefügt" if a is None else "Bericht entfallen"
            found.append(Difference(report, place, "Bericht", old="" if a is None else "vorhanden",
                                    new="" if b is None else "vorhanden", size=1.0, causes=[state]))
            continue
        differences = report_differences(old, new, a, b)
        mine = [c.text for c in causes if depends_on(b, c)] or [NO_CAUSE]
        for difference in differences:
            difference.causes = difference.causes + mine if difference.causes else list(mine)
        found += differences
    largest: dict[tuple[str, str], float] = {}
    for d in found:
        largest[(d.report, d.place)] = max(largest.get((d.report, d.place), 0.0), d.size)
    found.sort(key=lambda d: (-largest[(d.report, d.place)], d.report, d.place, -d.size))
    profile = _city_profile(new)
    return ChangeReport(old.run_id, new.run_id, old.kind, new.kind, causes, found, len(set(before) & set(after)),
                        profile.kicker, profile.owner)


def _city_profile(run: RunView) -> CityProfile:
    """The city and programme of a run, from its own ``raumbezug.yml`` (the project's for older runs without one)."""
    local = run.local("inputs/parameters/raumbezug.yml")
    return (load_reference(local) if local is not None else default_reference()).profile


def complete_runs(outputs: Path) -> list[Path]:
    """The complete runs under ``outputs``, oldest first (run kind recorded in the manifest)."""
    found = []
    for run_dir in sorted(p for p in outputs.iterdir() if p.is_dir() and (p / MANIFEST).is_file()) \
            if outputs.is_dir() else []:
        try:
            manifest = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and kind_of(manifest).get("kind") == "complete":
            found.append(run_dir)
    return found


# ----------------------------------------------------------------------------- the change report as files

def rows(report: ChangeReport) -> pd.DataFrame:
    """The CSV "Was hat sich geändert – und warum": one row per difference, causes joined by " | "."""
    return pd.DataFrame([[d.report, d.place, d.kind, d.section, d.table, d.row, d.column, d.old, d.new,
                          round(d.size, 6), " | ".join(d.causes)] for d in report.differences], columns=CSV_COLUMNS)


def _cell(text: object) -> str:
    from ..render.markup import escape

    return escape(text)


def _table(caption: str, header: list[str], body: list[list[object]]) -> str:
    """An accessible HTML table (caption, column headers with scope) of escaped cells."""
    head = "".join(f'<th scope="col">{_cell(h)}</th>' for h in header)
    lines = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in body)
    return (f'<div class="vtable-wrap" tabindex="0" role="region" aria-label="Tabelle: {_cell(caption)}">'
            f'<table class="vtable"><caption>{_cell(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{lines}</tbody></table></div>")


def report_notebook(report: ChangeReport, shown_per_group: int = 15):
    """The change report as a notebook of Markdown and HTML outputs, published like every other report."""
    import nbformat

    from ..render.document import DOCUMENT_MIME
    from ..render.markup import escape

    def html_cell(markup: str, data: dict | None = None):
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": markup, **(data or {})})]
        return cell

    description = {"title": "Was hat sich geändert – und warum", "toc": True,
                   "document_title": f"Was hat sich geändert – und warum – {report.old_id} → {report.new_id}"}
    header = (f'<header class="report-title"><p class="kicker">{escape(report.kicker)}</p>'
              f"<h1>Was hat sich geändert – und warum</h1><dl class=\"title-facts\"><dt>Früherer Lauf</dt>"
              f"<dd>{escape(report.old_id)} ({escape(report.old_kind)})</dd><dt>Neuer Lauf</dt>"
              f"<dd>{escape(report.new_id)} ({escape(report.new_kind)})</dd></dl></header>")
    cells = [html_cell(header, {DOCUMENT_MIME: description})]
    groups: dict[tuple[str, str], list[Difference]] = {}
    for d in report.differences:
        groups.setdefault((d.report, d.place), []).append(d)
    summary = (f"{len(report.differences)} Unterschiede in {len(groups)} Berichten; "
               f"{report.reports_compared} Berichte in beiden Läufen verglichen; "
               f"{len(report.without_cause)} Unterschiede {NO_CAUSE}.")
    cells.append(nbformat.v4.new_markdown_cell("## Überblick\n\n" + summary.replace("*", "\\*")))
    cells.append(nbformat.v4.new_markdown_cell("## Ursachen: was sich an Daten, Parametern und Code geändert hat"))
    numbers = {c.text: f"U{n}" for n, c in enumerate(report.causes, start=1)}
    cells.append(html_cell(_table("Geänderte Eingaben zwischen den beiden Läufen", ["Nr.", "Art", "Änderung"],
                                  [[numbers[c.text], _CAUSE_KINDS.get(c.kind, c.kind), c.text] for c in report.causes]
                                  or [["–", "–", "keine Änderung der Eingaben erfasst"]])))
    cells.append(nbformat.v4.new_markdown_cell(
        "## Unterschiede nach Bericht und Ort\n\nJe Bericht und Ort die größten Unterschiede zuerst (höchstens "
        f"{shown_per_group}; alle in der CSV-Datei aenderungen.csv). Die Ursachen sind mit ihrer Nummer (U1, U2, …) "
        "aus der Tabelle oben genannt."))
    for (name, place), differences in groups.items():
        cells.append(html_cell(f"<h3>{escape(name)} – {escape(place)}</h3>"))
        body = [[d.kind, " · ".join(p for p in (d.section, d.table, d.row, d.column) if p), d.old, d.new,
                 ", ".join(numbers.get(c, c) for c in d.causes)] for d in differences[:shown_per_group]]
        cells.append(html_cell(_table(f"{name} – {place}: Unterschiede, größte zuerst",
                                      ["Art", "Wo", "Alt", "Neu", "Ursache"], body)))
        if len(differences) > shown_per_group:
            cells.append(html_cell(f"<p>… und {len(differences) - shown_per_group} weitere Unterschiede (alle in "
                                   "der CSV-Datei).</p>"))
    return nbformat.v4.new_notebook(cells=cells)


_CAUSE_KINDS = {"data_year": "neues Datenjahr", "data": "revidierte Daten", "data_file": "geänderte Datendatei",
                "parameter": "geänderter Parameter", "area": "geänderte Gebietsabgrenzung",
                "method": "geänderte Methode", "code": "geänderte Codeversion"}


def write_change_report(report: ChangeReport, target: Path, formats: tuple[str, ...] = ("html", "pdf", "csv")
                        ) -> dict[str, Path]:
    """Write the change report into ``target`` (``aenderungen.csv``, ``.html``, ``.pdf``); returns the files."""
    from ..publish.html import export_html
    from ..safe_output import write_table

    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if "csv" in formats:
        written["csv"] = write_table(rows(report), target / "aenderungen.csv")
    if "html" in formats or "pdf" in formats:
        written["html"] = export_html(report_notebook(report), target / "aenderungen.html",
                                      footer=(f"{report.owner}. " if report.owner else "")
                                      + "Änderungsbericht, erstellt mit veedel.")
    if "pdf" in formats:
        from ..publish.pdf import PdfPrinter

        with PdfPrinter() as printer:
            written["pdf"] = printer.print(written["html"], target / "aenderungen.pdf")
    return written


def sentences_for_cli(report: ChangeReport, limit: int = 20) -> list[str]:
    """The first differences as German lines (for the terminal and ``reproduce``)."""
    return [d.describe() + " – Ursache: " + "; ".join(d.causes) for d in report.differences[:limit]]

