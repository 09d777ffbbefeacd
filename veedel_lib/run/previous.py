"""The Jahresbericht's section "Änderungen gegenüber dem Vorjahresbericht": what changed since the previous year's run.

The Jahresbericht notebook gets the previous year's run (folder or archive) as its parameter ``previous_run``
(``veedel run --vorjahr PFAD`` or ``previous_run`` in ``run.yml``). :func:`changes_since` compares, the way
``veedel vergleiche`` does (:mod:`veedel_lib.run.compare`), the previous run's inputs with the current run's
(new data years, revised data, changed parameters and area definitions, code) and the previous Jahresbericht's
published tables with the ones this Jahresbericht has written so far. The result is plain data for
:meth:`veedel_lib.reports.jahresbericht.ProgrammeReport.changes_since_previous`, which shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..files import sha256_file
from ..render import formatting as fmt
from ..params.run_config import project_root
from .archive import open_run
from .compare import input_causes, table_differences
from .manifest import git_commit, package_versions

REPORT_TABLES = "reports/programm/tables/jahresbericht/"
"""Where a run keeps the Jahresbericht's tables (relative to the run folder)."""
CAUSE_LABELS = {"data_year": "neues Datenjahr", "data": "revidierte Daten", "data_file": "geänderte Datendatei",
                "parameter": "geänderter Parameter", "area": "geänderte Gebietsabgrenzung",
                "method": "geänderte Methode", "code": "geänderte Codeversion"}


_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")


def shown_value(text: str) -> str:
    """A value of a published table (as its CSV holds it) the way the report writes numbers; text stays as it is.

    >>> shown_value("72346"), shown_value("22.4"), shown_value("-0.25"), shown_value("im Plan")
    ('72.346', '22,4', '-0,25', 'im Plan')
    """
    match = _NUMBER.fullmatch(text.strip())
    return fmt.number(float(text), len(match.group(1) or "")) if match else text


class _CurrentInputs:
    """The current run's inputs (data and parameters folders, and the notebooks next to them in a run) with the
    reading interface of :class:`veedel_lib.run.compare.RunView`."""

    def __init__(self, data_dir: Path, parameters_dir: Path):
        self.manifest = {"environment": package_versions(), "git_commit": git_commit(project_root())}
        self._paths: dict[str, Path] = {}
        folders = {"inputs/data/": data_dir, "inputs/parameters/": parameters_dir}
        if data_dir.parent.name == "inputs" and (data_dir.parent / "notebooks").is_dir():
            folders["inputs/notebooks/"] = data_dir.parent / "notebooks"
        for prefix, folder in folders.items():
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        self._paths[prefix + path.relative_to(folder).as_posix()] = path

    def names(self) -> set[str]:
        return set(self._paths)

    def local(self, name: str) -> Path | None:
        return self._paths.get(name)

    def hash(self, name: str) -> str | None:
        return sha256_file(self._paths[name]) if name in self._paths else None


def changes_since(previous_run: str | Path, data_dir: str | Path, parameters_dir: str | Path,
                  tables_dir: str | Path | None, limit: int = 40) -> dict:
    """What changed since the previous year's run: its id and report year, the changed inputs (kind, German text)
    and the largest differences of the Jahresbericht's published values (table, row, column, old, new), at most
    ``limit`` of them (``more``: how many were left out)."""
    previous = open_run(previous_run)
    try:
        current = _CurrentInputs(Path(data_dir), Path(parameters_dir))
        causes = [[CAUSE_LABELS.get(c.kind, c.kind), c.text] for c in input_causes(previous, current)]
        values = []
        tables = Path(tables_dir) if tables_dir else None
        for name in sorted(n for n in previous.names() if n.startswith(REPORT_TABLES) and n.endswith(".csv")):
            table = name.removeprefix(REPORT_TABLES).removesuffix(".csv")
            now = tables / f"{table}.csv" if tables is not None and (tables / f"{table}.csv").is_file() else None
            if now is not None:
                values += table_differences("Jahresbericht", "Gesamtprogramm", table, previous.local(name), now)
        values.sort(key=lambda d: -d.size)
        parameters = previous.manifest.get("parameters") or {}
        return {"previous_id": previous.run_id, "previous_year": parameters.get("year"), "causes": causes,
                "values": [[d.table, d.row, d.column, shown_value(d.old), shown_value(d.new)] for d in values[:limit]],
                "more": max(0, len(values) - limit)}
    finally:
        previous.close()
