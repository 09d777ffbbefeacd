"""The ``veedel`` command: demo data, validation, the published figures, and report runs.

Exit codes: 0 success; 2 a problem the user can fix (any VeedelError: input, parameters, options, a missing
program, a file that cannot be written), shown as one German message; 1 a run that finished with failed
reports, or a bug in veedel, which surfaces as a Python traceback instead of being dressed up as a user
error; 130/143 a run stopped by Ctrl-C/SIGTERM. ``veedel validate`` also exits with 1 for data that are valid but
incomplete (missing rows), with 2 for them under ``--strict``. Every option is checked before anything runs. Help texts and
argparse's own messages are German (:class:`GermanArgumentParser`).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import ConfigurationError, DataValidationError, VeedelError, write_errno, write_failure
from .params.run_config import DEMO, FORMATS, RunConfig, load_run_config, project_root
from .params.run_spec import RunOptions, apply_options
from .params.run_config import parameters_dir as default_parameters_dir
from .render import formatting as fmt

console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)


def _fail(message: str, code: int = 2) -> int:
    console.print(f"[bold red]Fehler:[/] {escape(message)}", soft_wrap=True)
    return code


def _say(template: str, *values: object) -> None:
    """Print a rich markup ``template`` whose ``{}`` slots get ``values`` escaped: text from input (file names,
    cell contents, problems) is shown as it is and never read as markup such as ``[/x]``."""
    console.print(template.format(*(escape(str(value)) for value in values)), soft_wrap=True)


def _plural(count: int, one: str, many: str) -> str:
    """``"1 Abweichung"``, ``"2 Abweichungen"``."""
    return f"{count} {one if count == 1 else many}"


# ----------------------------------------------------------------------------- German argparse

_HEADINGS = {"positional arguments": "Argumente", "options": "Optionen", "optional arguments": "Optionen"}

_MESSAGES: list[tuple[str, str]] = [
    (r"^argument (\S+): ", r"Angabe \1: "),
    (r"the following arguments are required: ", "fehlende Angaben: "),
    (r"unrecognized arguments: ", "unbekannte Angaben: "),
    (r"invalid choice: (.+) \(choose from (.+)\)", r"ungültige Auswahl: \1 (möglich: \2)"),
    (r"invalid int value: (.+)", r"keine ganze Zahl: \1"),
    (r"invalid float value: (.+)", r"keine Zahl: \1"),
    (r"invalid (\S+) value: (.+)", r"ungültiger Wert: \2"),
    (r"expected one argument", "erwartet einen Wert"),
    (r"expected at most one argument", "erwartet höchstens einen Wert"),
    (r"expected at least one argument", "erwartet mindestens einen Wert"),
    (r"expected (\d+) arguments?", r"erwartet \1 Werte"),
    (r"ambiguous option: (\S+) could match (.+)", r"mehrdeutige Angabe \1, passt zu \2"),
    (r"not allowed with argument (.+)", r"nicht zusammen mit \1 erlaubt"),
    (r"one of the arguments (.+) is required", r"eine der Angaben \1 ist nötig"),
    (r"ignored explicit argument (.+)", r"Wert \1 ist hier nicht erlaubt"),
    (r"unexpected option string: (.+)", r"unerwartete Angabe \1"),
]
"""argparse's own error messages (English, through gettext) and their German wording."""


def german_message(message: str) -> str:
    """argparse's error ``message`` in German (unknown wordings pass unchanged)."""
    for pattern, replacement in _MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


class GermanHelpFormatter(argparse.HelpFormatter):
    """Help in German: "Aufruf:" instead of "usage:", German section headings."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(_HEADINGS.get(heading, heading))


class GermanArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks German and insists on a help text for every argument.

    ``-h``/``--help`` is added with a German text; argparse's error messages are translated
    (:func:`german_message`); ``declared`` lists the arguments added, for the check that each has help.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", GermanHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self.declared: list[argparse.Action] = []
        self.commands: dict[str, GermanArgumentParser] = {}
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="diese Hilfe zeigen und beenden")

    def add_argument(self, *args, **kwargs):
        if not kwargs.get("help"):
            raise ValueError(f"Argument {args} ohne Hilfetext")
        action = super().add_argument(*args, **kwargs)
        self.declared.append(action)
        return action

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("title", "Befehle")
        kwargs.setdefault("metavar", "BEFEHL")
        kwargs.setdefault("parser_class", GermanArgumentParser)
        action = super().add_subparsers(**kwargs)
        self.commands = action.choices  # name -> parser of each command
        return action

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {german_message(message)}\n")


def _positive(text: str) -> int:
    """A number of processes: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"keine ganze Zahl: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"mindestens 1, nicht {value}")
    return value


def _timeout(text: str) -> float:
    """A time limit in seconds: a number above 0 and at most 3600 (German decimal comma allowed)."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"keine Zahl: {text!r}") from None
    if not 0 < value <= 3600:  # also NaN
        raise argparse.ArgumentTypeError(f"Sekunden über 0 und höchstens 3600, nicht {text!r}")
    return value


def _year(text: str) -> int:
    """A report year (four digits)."""
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise argparse.ArgumentTypeError(f"keine Jahreszahl: {text!r}")
    return int(text)


def _listing(values: list[str] | None) -> list[str] | None:
    """Values given as ``a,b``, as ``a b`` or both, as one list without repetitions; None if not given."""
    if not values:
        return None
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return list(dict.fromkeys(names)) or None


def _absolute(path: str | None) -> str | None:
    """A path given on the command line, made absolute against the current directory."""
    return str(Path(path).resolve()) if path else None


# ----------------------------------------------------------------------------- data folders

@contextmanager
def _data_folder(directory: str, source: str | None, parameters: str | None) -> Iterator[str]:
    """The data folder to read: ``directory``, or with ``source="koeln"`` a converted copy of the city's files.

    The conversion (koeln_mapping.yml) goes into a temporary folder that is removed afterwards; its
    warnings are printed.
    """
    if source != "koeln":
        yield directory
        return
    if directory == DEMO:
        raise ConfigurationError("--source koeln braucht einen Ordner mit den offenen Daten der Stadt Köln "
                                 "(veedel fetch-open-data), nicht die Demodaten.")
    from .inputs.koeln import convert_koeln

    with tempfile.TemporaryDirectory(prefix="veedel-koeln-") as work:
        summary = convert_koeln(directory, Path(work) / "data", parameters)
        files = _plural(len(summary.files_read), "Datei", "Dateien")
        console.print(f"Umgewandelt: {files} der Stadt Köln aus {directory} "
                      f"({fmt.integer(summary.rows)} Werte, {summary.units} Stadtteile)")
        for warning in getattr(summary, "warnings", []):
            console.print(f"[yellow]Hinweis:[/] {escape(warning)}", soft_wrap=True)
        yield str(Path(work) / "data")


# ----------------------------------------------------------------------------- demo-data

def cmd_demo_data(args: argparse.Namespace) -> int:
    from .demo.generator import write_demo_data

    target = write_demo_data(args.directory, parameters_dir=args.parameters)
    console.print(f"Demodaten geschrieben nach {target} "
                  "(units.csv, statistics.csv, dokumentation/*.xlsx, plaene/*.xlsx)")
    return 0


# ----------------------------------------------------------------------------- validate

def _checked_workbooks(ds, parameters):
    """The data folder's Kernprozess documentation and plan workbooks, validated (None where a folder is missing).

    Raises one DataValidationError with the problems of both, so ``validate`` never says "Gültig" while a
    workbook has errors.
    """
    from .errors import DataValidationError
    from .kernprozess.documentation import load_documentation
    from .planning.validation import load_plans

    problems, doc, plans = [], None, None
    if (ds.data_dir / "dokumentation").is_dir():
        try:
            doc = load_documentation(ds.data_dir, parameters)
        except DataValidationError as error:
            problems.extend(error.problems)
    if not problems:  # the plans' links to projects and themes need valid documentation
        try:
            plans = load_plans(ds, parameters, documentation=doc)
        except DataValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise DataValidationError(problems)
    return doc, plans


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a data folder: problems first (exit 2), then missing rows (exit 1, with --strict 2), else "Gültig" (0)."""
    from .demo.generator import ensure_demo_data
    from .errors import MAX_LISTED
    from .inputs.dataset import load_dataset

    with _data_folder(args.directory, args.source, args.parameters) as folder:
        ds = load_dataset(folder, args.parameters, use_cache=False, demo=ensure_demo_data)
        doc, plans = _checked_workbooks(ds, args.parameters)
    problems = [(area_id, problem) for area_id, found in ds.membership.problems.items() for problem in found]
    if problems:
        _say("[bold red]Probleme in der Abgrenzung der Gebiete ({}):[/]", len(problems))
        for area_id, problem in problems:
            _say("  - [red]Gebiet {}:[/] {}", area_id, problem)
    if ds.gaps:
        count = "1 Meldung" if len(ds.gaps) == 1 else f"{fmt.integer(len(ds.gaps))} Meldungen"
        _say(f"[{'bold red' if args.strict else 'yellow'}]Unvollständige Daten ({{}} zu fehlenden Zeilen):[/]", count)
        for gap in ds.gaps[:MAX_LISTED]:
            _say("  - {}", gap)
        if len(ds.gaps) > MAX_LISTED:
            _say("  ... und {} weitere", len(ds.gaps) - MAX_LISTED)
    if problems or (ds.gaps and args.strict):
        _say("[bold red]Ungültig:[/] {}", args.directory)
    elif ds.gaps:
        _say("[yellow]Gültig, aber unvollständig:[/] {} (Berichte nennen die fehlenden Zeilen, wo eine Zahl "
             "nicht berechnet werden kann; --strict behandelt Lücken als Fehler)", args.directory)
    else:
        _say("[green]Gültig:[/] {}", args.directory)
    _say("  {} Einheiten in {} {}, Jahre {} bis {}, {} Variablen, {} Zeilen ({} an der Quelle unterdrückt)",
         len(ds.units), ds.units["stadtteil_nr"].nunique(), ds.spatial.base.dative_plural_name, ds.years[0], ds.years[-1],
         ds.statistics["variable"].nunique(), fmt.integer(len(ds.statistics)),
         fmt.integer(int(ds.statistics["suppressed"].sum())))
    present = set(ds.statistics["variable"])
    for indicator in ds.catalogue.indicators:
        missing = [v for v in indicator.numerator + indicator.denominator if v not in present]
        if missing:
            _say("  [yellow]Indikator {}:[/] es fehlen {}", indicator.id, ", ".join(missing))
    if doc is not None:
        _say("  Dokumentation der Kernprozesse: {} Gebiete, {} Themen, {} Projekte, {} Sitzungen", len(doc.files),
             fmt.integer(len(doc.themes)), fmt.integer(len(doc.projects)), fmt.integer(len(doc.meetings)))
    if plans is not None:
        _say("  Sozialraumgebietspläne: {} Gebiete, {} Ziele, {} Maßnahmen", len(plans.files),
             fmt.integer(len(plans.goals)), fmt.integer(len(plans.measures)))
    if problems or (ds.gaps and args.strict):
        return 2
    return 1 if ds.gaps else 0


# ----------------------------------------------------------------------------- template

def cmd_template(args: argparse.Namespace) -> int:
    from .kernprozess.templates import write_templates

    paths = write_templates(args.directory, args.parameters, _listing(args.areas))
    console.print(f"{len(paths)} Vorlagen für die Dokumentation der Kernprozesse geschrieben nach {args.directory}:")
    for path in paths:
        console.print(f"  {path.name}")
    console.print("Ausgefüllt gehören sie als dokumentation/<Gebiet>.xlsx in den Datenordner; "
                  "[bold]veedel validate <Datenordner>[/] prüft sie.")
    return 0


# ----------------------------------------------------------------------------- plan-vorlage

def cmd_plan_template(args: argparse.Namespace) -> int:
    from .demo.generator import ensure_demo_data
    from .inputs.dataset import load_dataset
    from .planning.prefill import write_prefilled

    ds = load_dataset(args.data, args.parameters, demo=ensure_demo_data)
    area = ds.areas.get(args.area)
    config = load_run_config(default_parameters_dir(args.parameters) / "run.yml")
    path = write_prefilled(ds, area.id, args.out, args.parameters, args.period, config.analysis.handlungsbedarf,
                           config.analysis.confidence_level)
    console.print(f"[green]Planungsmappe geschrieben:[/] {path}")
    console.print(f"  vorausgefüllt mit den Handlungsbedarfen von {area.name} aus der Sozialraumgebietsanalyse; "
                  "Zielwerte, Strategien, Maßnahmen und Beschlüsse ergänzen.", soft_wrap=True)
    console.print(f"Ausgefüllt gehört sie als plaene/{area.id}.xlsx in den Datenordner; [bold]veedel run "
                  f"--notebooks sozialraumgebietsplan --areas {area.id} --data <Datenordner>[/] prüft sie und "
                  "erzeugt den Plan.", soft_wrap=True)
    return 0


# ----------------------------------------------------------------------------- fetch-open-data

def cmd_fetch_open_data(args: argparse.Namespace) -> int:
    from .inputs.opendata import fetch

    downloaded, failed = fetch(args.directory, args.parameters, args.base_url)
    for item in downloaded:
        console.print(f"[green]✓[/] {item.path.name} ({fmt.integer(item.size)} Bytes) von {item.url}")
    for text in failed:
        console.print(f"[red]✗[/] {text}", soft_wrap=True)
    console.print(f"{len(downloaded)} Dateien in {args.directory}. Weiter mit: veedel run --source koeln "
                  f"--data {args.directory}")
    return 2 if failed else 0


# ----------------------------------------------------------------------------- import

def cmd_import(args: argparse.Namespace) -> int:
    from .inputs.wide_import import import_wide_table
    from .params.catalogue import load_catalogue
    from .params.reference import reference_for

    parameters = default_parameters_dir(args.parameters)
    catalogue = load_catalogue(parameters / "indicators.yml")
    reference = reference_for(parameters)
    summary = import_wide_table(args.table, args.mapping, args.out, catalogue, sheet=args.sheet, reference=reference)
    console.print(f"[green]Eingelesen:[/] {summary.source}")
    console.print(f"  {summary.units} Einheiten, Jahre {fmt.join([str(y) for y in summary.years])}, "
                  f"{len(summary.variables)} Variablen ({', '.join(summary.variables)}), "
                  f"{fmt.integer(summary.rows)} Werte, davon {summary.suppressed} an der Quelle unterdrückt (*)")
    console.print(f"  geschrieben: {summary.written}")
    if summary.units_written:
        console.print(f"  Einheiten (die {len(reference.base.keys())} {reference.base.plural}): {summary.units_written}")
    if summary.missing_for_indicators:
        console.print(f"  Für {len(summary.missing_for_indicators)} Indikatoren fehlen noch Daten im Ordner:")
        for indicator, gaps in summary.missing_for_indicators.items():
            console.print(f"    {indicator}: {', '.join(gaps)}", soft_wrap=True)
    else:
        console.print("  Alle Indikatoren des Katalogs haben Daten für alle Jahre.")
    return 0


# ----------------------------------------------------------------------------- shares

def cmd_shares(args: argparse.Namespace) -> int:
    from .analysis.programme import programme_shares
    from .demo.generator import ensure_demo_data
    from .inputs.dataset import load_dataset

    with _data_folder(args.data, args.source, args.parameters) as folder:
        ds = load_dataset(folder, args.parameters, demo=ensure_demo_data)
    year = ds.report_year(args.year)
    shares = programme_shares(ds, year)
    table = Table(title=f"Anteil der 15 Sozialraumgebiete an der Stadt {year}")
    for header in ("Kennzahl", "15 Gebiete", "Stadt", "Anteil", "veröffentlicht", "Abweichung"):
        table.add_column(header, justify="left" if header == "Kennzahl" else "right")
    for row in shares.itertuples():
        table.add_row(row.label, fmt.integer(row.areas), fmt.integer(row.city), fmt.percent(row.share),
                      fmt.percent(row.published_share), fmt.points(row.difference_pp, "percent", short=True))
    console.print(table)
    return 0


# ----------------------------------------------------------------------------- run / analyse

class ProgressPrinter:
    """The progress of a run on the console: one line per finished report and a bar.

    The bar appears only once the run knows its tasks (``on_plan``), so an error in the options or the
    data is printed alone, without a bar in front of it. ``veedel run``, ``analyse`` and ``reproduce``
    use it alike. It is redrawn at each finished report, never by a thread of its own: the run's workers are
    forked after the bar appears, and a worker forked while a thread writes to the terminal inherits the
    output's lock, held, and hangs at its first line of output.
    """

    def __init__(self) -> None:
        self.progress = None
        self.task = None

    def on_plan(self, tasks: list) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if not tasks:
            return
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False, auto_refresh=False)
        self.task = self.progress.add_task("Berichte", total=len(tasks))
        self.progress.start()
        self.progress.refresh()

    def on_result(self, result) -> None:
        mark = "[green]✓[/]" if result.status == "ok" else "[red]✗[/]"
        took = (f"unverändert aus {result.reused_from}" if getattr(result, "reused_from", None)
                else f"{fmt.number(result.duration_s, 1)} s")
        line = f"{mark} {escape(result.task.area_name)} · {result.task.notebook} ({took})"
        if self.progress is None:
            console.print(line)
            return
        self.progress.console.print(line)
        self.progress.update(self.task, advance=1, description=f"{result.task.area_name} · {result.task.notebook}",
                             refresh=True)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _run(args: argparse.Namespace, config: RunConfig, config_file: Path | None, areas: list[str] | None) -> int:
    from .run import runner

    outputs = Path(args.outputs).resolve()
    retry = getattr(args, "retry_failed", False)
    if retry:
        previous, pending = runner.pending_reports(outputs)
        if previous is not None and not pending:
            console.print(f"Nichts zu wiederholen: im letzten Lauf {previous.name} sind alle Berichte fertig.")
            return 0
    printer = ProgressPrinter()
    try:
        summary = runner.run(config, outputs=outputs, parameters=Path(args.parameters) if args.parameters else None,
                             areas=areas, jobs=args.jobs, retry_failed=retry, progress=printer.on_result,
                             on_plan=printer.on_plan, command=sys.argv, config_file=config_file,
                             force=getattr(args, "force", False),
                             scheduler_timeout_s=getattr(args, "scheduler_timeout", None))
    finally:
        printer.stop()
    if summary.nothing_to_retry:
        console.print(f"Nichts zu wiederholen: im letzten Lauf {summary.run_dir.name} sind alle Berichte fertig.")
        return 0
    ok = len(summary.results) - len(summary.failed)
    reused = sum(r.reused_from is not None for r in summary.results)
    console.print(f"\nLauf {summary.run_dir.name}: {_plural(ok, 'Bericht', 'Berichte')} fertig, "
                  f"{len(summary.failed)} fehlgeschlagen ({reused} unverändert, {len(summary.results) - reused} "
                  f"neu berechnet).")
    console.print(f"Übersicht: {summary.run_dir / 'index.html'}")
    for note in runner.read_manifest(summary.run_dir).get("notes", []):
        console.print(f"[yellow]Hinweis:[/] {escape(note)}", soft_wrap=True)
    for result in summary.failed:
        console.print(f"[red]✗[/] {escape(runner.describe_failure(result))}", soft_wrap=True)
    return summary.exit_code


def _run_config_file(args: argparse.Namespace) -> Path | None:
    """The run configuration of this call: ``--config``, else ``run.yml`` of ``--parameters``, else the project's."""
    if args.config:
        return Path(args.config)
    if args.parameters and (Path(args.parameters) / "run.yml").exists():
        return Path(args.parameters) / "run.yml"
    default = default_parameters_dir() / "run.yml"
    return default if default.exists() else None


def _options_from_args(args: argparse.Namespace) -> RunOptions:
    """The run options of the command line, as :func:`~veedel_lib.params.run_spec.apply_options` takes them."""
    notebooks = _listing(getattr(args, "notebooks", None))
    reports = None
    if notebooks:
        from .reports import registry

        reports = tuple(registry.get(n).notebook for n in notebooks)
    return RunOptions(
        data_dir=(args.data if args.data == DEMO else _absolute(args.data)) if args.data else None,
        source=getattr(args, "source", None) or None, year=args.year or None,
        formats=tuple(_listing(args.formats) or ()) if args.formats is not None else None, reports=reports,
        previous_run=_absolute(args.vorjahr) if getattr(args, "vorjahr", None) else None)


def _config_from_args(args: argparse.Namespace) -> tuple[RunConfig, Path | None]:
    """The checked run configuration (file plus command line) and the file it came from.

    Every option is checked here, before anything runs: formats, notebooks, the previous year's run, the data
    source (:func:`~veedel_lib.params.run_spec.apply_options`, the same checks for every caller), the Dask
    scheduler and (by the caller) areas; the year is checked against the data when the run is resolved, before
    the first report starts.
    """
    config_file = _run_config_file(args)
    config = apply_options(load_run_config(config_file) if config_file else RunConfig(), _options_from_args(args))
    updates = {}
    if getattr(args, "executor", None):
        updates["executor"] = args.executor
    if getattr(args, "scheduler", None) is not None:
        if args.executor == "local":
            raise ConfigurationError("--scheduler gehört zu --executor dask, nicht zu --executor local.")
        updates["scheduler"], updates["executor"] = args.scheduler, "dask"
    if updates.get("executor", config.executor) == "dask":
        from .run.distributed import check_address

        if not updates.get("scheduler", config.scheduler):
            raise ConfigurationError("--executor dask braucht --scheduler mit der Adresse des Dask-Schedulers "
                                     "(z. B. tcp://rechner:8786).")
        if "scheduler" in updates:
            check_address(updates["scheduler"], "--scheduler")
        else:
            check_address(config.scheduler, f"scheduler in {config_file}")
    return config.model_copy(update=updates), config_file


def _parameters(args: argparse.Namespace) -> Path:
    """The parameters folder of this call; an error if it does not exist."""
    folder = default_parameters_dir(args.parameters)
    if not folder.is_dir():
        raise ConfigurationError(f"Parameterordner nicht gefunden: {folder}")
    return folder


def _area_ids(args: argparse.Namespace, names: list[str]) -> list[str]:
    """The ids of the areas named on the command line (id, code or name); an error names unknown ones."""
    from .params.areas import load_areas

    definitions = load_areas(_parameters(args) / "areas.yml")
    return list(dict.fromkeys(definitions.find_id(a) for a in names))


def cmd_run(args: argparse.Namespace) -> int:
    config, config_file = _config_from_args(args)
    areas = _listing(args.areas)
    _parameters(args)
    return _run(args, config, config_file, _area_ids(args, areas) if areas else None)


def cmd_analyse(args: argparse.Namespace) -> int:
    from .run.planning import run_reports

    config, config_file = _config_from_args(args)
    config = config.model_copy(update={"reports": [c.notebook for c in run_reports(config) if c.scope == "area"]})
    return _run(args, config, config_file, _area_ids(args, [args.area]))


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish.executed import publish_notebook

    def written(path: Path) -> None:
        console.print(f"[green]✓[/] {path}")

    files = publish_notebook(args.notebook, args.out, args.formats, on_written=written)
    console.print(f"{len(files)} {'Datei' if len(files) == 1 else 'Dateien'} aus {args.notebook} geschrieben.")
    return 0


# ----------------------------------------------------------------------------- archive / verify / reproduce

def cmd_schluessel(args: argparse.Namespace) -> int:
    from .publish.signature import fingerprint, load_public_key, write_key_pair

    private, public = write_key_pair(args.folder)
    console.print(f"Schlüsselpaar geschrieben:\n  privat (nur für Sie lesbar, nie weitergeben): {private}\n"
                  f"  öffentlich (mit dem Portal veröffentlichen): {public}\n"
                  f"Fingerabdruck: {fingerprint(load_public_key(public))}", soft_wrap=True)
    return 0


UNCHECKED_ORIGIN = 3
"""Exit code of ``veedel verify`` for an unchanged archive whose origin was not checked (no trusted key given)."""


def cmd_archive(args: argparse.Namespace) -> int:
    import os

    from .publish.signature import KEY_VARIABLE, fingerprint, load_private_key
    from .run.archive import create_archive

    key_file = args.schluessel or os.environ.get(KEY_VARIABLE)
    key = load_private_key(key_file) if key_file else None
    target = create_archive(args.run_dir, args.output, key=key)
    console.print(f"Archiv geschrieben: {target} (Prüfsumme in {target.name}.sha256)")
    if key is not None:
        console.print(f"Signiert mit dem Schlüssel {fingerprint(key.public_key())}.")
    else:
        console.print(f"[yellow]Nicht signiert[/] (kein --schluessel, keine Umgebungsvariable {KEY_VARIABLE}): "
                      "niemand kann prüfen, ob das Archiv von Ihnen stammt.", soft_wrap=True)
    return 0


def _trusted_key(args: argparse.Namespace):
    """The trusted public key named with --oeffentlicher-schluessel, or None."""
    from .publish.signature import load_public_key

    return load_public_key(args.oeffentlicher_schluessel) if args.oeffentlicher_schluessel else None


def cmd_verify(args: argparse.Namespace) -> int:
    from .run.archive import verify

    result = verify(args.path, public_key=_trusted_key(args))
    if result.ok and result.key is not None:
        console.print(f"[green]Echt und unverändert:[/] die Signatur des Schlüssels {result.key} ist gültig, "
                      f"{result.checked} Dateien geprüft, alle Prüfsummen stimmen.", soft_wrap=True)
        return 0
    if result.ok and not result.archive:
        console.print(f"[green]In Ordnung:[/] {result.checked} Dateien geprüft, alle Prüfsummen stimmen mit dem "
                      "Manifest des Laufordners überein. Herkunft nicht geprüft: ein Laufordner trägt keine Signatur.",
                      soft_wrap=True)
        return 0
    if result.ok:
        signed = ("Das Archiv ist signiert; ob die Signatur von der Stadt stammt, zeigt" if result.signed else
                  "Das Archiv ist nicht signiert; seine Herkunft lässt sich nicht prüfen. Ein signiertes Archiv prüft")
        console.print(f"[yellow]Unverändert, Herkunft nicht geprüft:[/] {result.checked} Dateien stimmen mit den "
                      "Prüfsummen im Archiv überein. Diese Prüfsummen stehen im Archiv selbst; wer Dateien verändert, "
                      f"kann sie neu berechnen. {signed} veedel verify ARCHIV --oeffentlicher-schluessel DATEI.pub "
                      "(der öffentliche Schlüssel der Stadt, wie ihn das Portal veröffentlicht).", soft_wrap=True)
        return UNCHECKED_ORIGIN
    console.print(f"[bold red]{_plural(len(result.problems), 'Abweichung', 'Abweichungen')}[/] "
                  f"({result.checked} Dateien geprüft):")
    for problem in result.problems:
        console.print(f"  - {escape(problem)}", soft_wrap=True)
    if result.key is not None:
        console.print(f"[bold red]Nicht echt:[/] das Archiv stammt nicht nachweislich vom Inhaber des Schlüssels "
                      f"{result.key} oder wurde verändert.", soft_wrap=True)
    elif result.archive:
        console.print("Herkunft nicht geprüft (kein --oeffentlicher-schluessel).")
    return 1


def cmd_clean(args: argparse.Namespace) -> int:
    from .run.cache import clean

    removed = clean(Path(_absolute(args.outputs)), args.keep)
    console.print(f"{_plural(len(removed), 'Lauf', 'Läufe')} gelöscht, die {args.keep} neuesten behalten"
                  + (f": {', '.join(p.name for p in removed)}" if removed else "."))
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from .run.archive import reproduce

    console.print(f"Wiederhole den Lauf aus {args.archive} ...")
    printer = ProgressPrinter()
    try:
        result = reproduce(args.archive, _absolute(args.outputs), args.jobs, progress=printer.on_result,
                           on_plan=printer.on_plan, public_key=_trusted_key(args),
                           archived_code=args.archivierten_code_ausfuehren,
                           installed_code=args.installierten_code_verwenden)
    finally:
        printer.stop()
    for note in result.notes:
        console.print(f"[yellow]Hinweis:[/] {escape(note)}", soft_wrap=True)
    if result.identical:
        console.print(f"[green]Identisch:[/] alle {len(result.compared)} Tabellen, Grafikdaten und Berichtstexte "
                      "stimmen überein "
                      f"(Wiederholung in {result.run_dir}).")
        return 0
    console.print(f"[bold red]{_plural(len(result.differences), 'Unterschied', 'Unterschiede')}[/] "
                  f"in {len(result.compared)} Dateien:")
    for difference in result.differences:
        console.print(f"  - {escape(difference)}", soft_wrap=True)
    return 1


def _runs_to_compare(args: argparse.Namespace) -> tuple[Path, Path]:
    """The two runs of ``veedel vergleiche``: as given, else the last two complete runs under ``--outputs``."""
    from .run.compare import complete_runs

    if args.alt and args.neu:
        return Path(args.alt), Path(args.neu)
    if args.alt:
        raise ConfigurationError("veedel vergleiche braucht zwei Läufe (ALT NEU) oder keinen: dann die letzten "
                                 "beiden vollständigen Läufe.")
    outputs = Path(_absolute(args.outputs))
    complete = complete_runs(outputs)
    if len(complete) < 2:
        raise ConfigurationError(f"Unter {outputs} gibt es {len(complete)} vollständige Läufe, zum Vergleich ohne "
                                 "Angabe braucht es zwei. Bitte ALT und NEU angeben (Laufordner oder Archive).")
    return complete[-2], complete[-1]


def cmd_vergleiche(args: argparse.Namespace) -> int:
    from .run.archive import compare
    from .run.compare import NO_CAUSE, sentences_for_cli, write_change_report

    old, new = _runs_to_compare(args)
    report = compare(old, new)
    target = Path(_absolute(args.out)) if args.out else \
        new.resolve().parent / f"vergleich-{report.old_id}-{report.new_id}"
    formats = tuple(_listing([args.formats] if args.formats else None) or ["html", "pdf", "csv"])
    unknown = [f for f in formats if f not in ("html", "pdf", "csv")]
    if unknown:
        raise ConfigurationError(f"Unbekanntes Format {', '.join(unknown)} (möglich: html, pdf, csv).")
    written = write_change_report(report, target, formats)
    console.print(f"Vergleich {report.old_id} ({report.old_kind}) → {report.new_id} ({report.new_kind}): "
                  f"{_plural(len(report.differences), 'Unterschied', 'Unterschiede')}, "
                  f"{_plural(len(report.causes), 'geänderte Eingabe', 'geänderte Eingaben')}, "
                  f"{len(report.without_cause)} {NO_CAUSE}.", soft_wrap=True)
    for cause in report.causes[:20]:
        console.print(f"  Ursache: {escape(cause.text)}", soft_wrap=True)
    for line in sentences_for_cli(report, 10):
        console.print(f"  - {escape(line)}", soft_wrap=True)
    for path in written.values():
        console.print(f"[green]✓[/] {path}")
    return 0


# ----------------------------------------------------------------------------- parser

def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=_year, metavar="JAHR",
                        help="Berichtsjahr (Standard: letztes Jahr in den Daten)")
    parser.add_argument("--data", metavar="ORDNER", help=f"Datenordner (Standard aus run.yml, sonst '{DEMO}' = "
                                                         f"eingebaute Demodaten; einen Ordner namens demo als ./demo)")
    parser.add_argument("--formats", nargs="+", metavar="FORMAT",
                        help=f"Ausgabeformate, durch Komma oder Leerzeichen getrennt: {', '.join(FORMATS)}")
    parser.add_argument("--jobs", type=_positive, metavar="N", help="parallele Prozesse (Standard: Zahl der Kerne)")
    parser.add_argument("--config", metavar="DATEI",
                        help="Laufkonfiguration (Standard: run.yml des Parameterordners)")
    parser.add_argument("--outputs", metavar="ORDNER", default=str(project_root() / "outputs"),
                        help="Ausgabeordner (Standard: outputs/ des Projekts)")
    parser.add_argument("--notebooks", nargs="+", metavar="NAME",
                        help="nur diese Notebooks, durch Komma oder Leerzeichen getrennt (auch solche, die nicht "
                             "in run.yml stehen, z. B. themenbewertung)")
    parser.add_argument("--force", action="store_true",
                        help="jeden Bericht neu berechnen, auch wenn ein früherer Lauf ihn mit denselben Eingaben "
                             "enthält (sonst wird er unverändert übernommen)")
    parser.add_argument("--executor", choices=["local", "dask"],
                        help="wo die Berichte laufen: local (Prozesse auf diesem Rechner, Standard) oder dask "
                             "(Rechner eines Dask-Clusters, siehe --scheduler)")
    parser.add_argument("--scheduler", metavar="ADRESSE",
                        help="Adresse des Dask-Schedulers, z. B. tcp://rechner:8786 (heißt --executor dask)")
    parser.add_argument("--scheduler-timeout", type=_timeout, metavar="SEKUNDEN",
                        help="so lange darf der Dask-Scheduler für die Antwort brauchen, danach bricht der Lauf mit "
                             "einer Fehlermeldung ab (Standard: 10)")


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=["standard", "koeln"],
                        help="Art der Daten: standard (Langform des Projekts) oder koeln (offene Daten der Stadt "
                             "Köln, werden vorher umgewandelt)")


def build_parser() -> GermanArgumentParser:
    parser = GermanArgumentParser(prog="veedel", description="Analysen und Berichte für Lebenswerte Veedel")
    parser.add_argument("--parameters", metavar="ORDNER",
                        help="Parameterordner (Standard: parameters/ des Projekts); dessen run.yml gilt für den Lauf")
    sub = parser.add_subparsers(dest="command", required=True, help="was veedel tun soll")

    def command(name: str, text: str, func) -> GermanArgumentParser:
        p = sub.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")
        p.set_defaults(func=func)
        return p

    p = command("demo-data", "Demodaten in einen Ordner schreiben", cmd_demo_data)
    p.add_argument("directory", metavar="ORDNER", help="Zielordner (wird angelegt)")

    p = command("plan-vorlage", "Planungsmappe eines Gebiets schreiben, vorausgefüllt aus der Analyse",
                cmd_plan_template)
    p.add_argument("area", metavar="GEBIET", help="Kennung, Code oder Name des Gebiets")
    p.add_argument("--out", metavar="ORDNER", default="plaene",
                   help="Ordner für die Mappe (Standard: ./plaene); eine vorhandene Mappe wird nie überschrieben")
    p.add_argument("--period", metavar="ZEITRAUM",
                   help="Planungszeitraum, z. B. 2021-2025 (Standard: die fünf Jahre nach den Daten)")
    p.add_argument("--data", metavar="ORDNER", default=DEMO,
                   help=f"Datenordner, aus dem die Analyse kommt (Standard: '{DEMO}')")

    p = command("validate", "einen Datenordner prüfen (Exit-Code 0 gültig, 1 unvollständig, 2 ungültig)",
                cmd_validate)
    p.add_argument("directory", metavar="ORDNER", help=f"Datenordner (oder '{DEMO}' für die eingebauten Demodaten)")
    p.add_argument("--strict", action="store_true", help="fehlende Zeilen (unvollständige Daten) als Fehler behandeln")
    _add_source(p)

    p = command("template", "Excel-Vorlagen für die Dokumentation der Kernprozesse schreiben", cmd_template)
    p.add_argument("directory", metavar="ORDNER", help="Zielordner für die Vorlagen")
    p.add_argument("--areas", nargs="+", metavar="GEBIET",
                   help="nur diese Gebiete, durch Komma oder Leerzeichen getrennt (Standard: alle 15)")

    p = command("fetch-open-data", "die offenen Daten der Stadt Köln vom Portal laden", cmd_fetch_open_data)
    p.add_argument("directory", metavar="ORDNER", help="Zielordner für die Dateien des Portals")
    p.add_argument("--base-url", metavar="ADRESSE", help="Dateien von dieser Adresse statt vom Portal holen (Spiegel)")

    p = command("import", "eine breite Tabelle (Spalte je Variable und Jahr) in die Langform übernehmen", cmd_import)
    p.add_argument("table", metavar="TABELLE", help="CSV- oder XLSX-Datei, eine Zeile je Stadtteil oder Einheit")
    p.add_argument("--mapping", required=True, metavar="DATEI", help="Zuordnungsdatei (YAML): Spalte -> Variable, Jahr")
    p.add_argument("--out", required=True, metavar="ORDNER",
                   help="Datenordner, in den statistics_<name>.csv geschrieben wird")
    p.add_argument("--sheet", metavar="BLATT", help="Tabellenblatt (XLSX)")

    p = command("shares", "Eckdaten des Ratsbeschlusses: Anteil der 15 Gebiete an der Stadt", cmd_shares)
    p.add_argument("--year", type=_year, metavar="JAHR", help="Jahr (Standard: letztes Jahr in den Daten)")
    p.add_argument("--data", default=DEMO, metavar="ORDNER",
                   help=f"Datenordner (Standard: '{DEMO}' = eingebaute Demodaten)")
    _add_source(p)

    p = command("run", "alle Berichte erzeugen (parallel)", cmd_run)
    _add_run_options(p)
    p.add_argument("--areas", nargs="+", metavar="GEBIET",
                   help="nur diese Gebiete (Kennung, Code oder Name), durch Komma oder Leerzeichen getrennt")
    p.add_argument("--retry-failed", action="store_true",
                   help="nur die fehlgeschlagenen und abgebrochenen Berichte des letzten Laufs wiederholen")
    p.add_argument("--vorjahr", metavar="LAUF", help="Lauf oder Archiv des Vorjahres: der Jahresbericht erhält den "
                   "Abschnitt „Änderungen gegenüber dem Vorjahresbericht“")
    _add_source(p)

    p = command("analyse", "die Berichte eines Gebiets erzeugen", cmd_analyse)
    p.add_argument("area", metavar="GEBIET", help="Kennung, Code oder Name des Gebiets")
    _add_run_options(p)

    p = command("publish", "ein ausgeführtes Notebook als fertigen Bericht ausgeben (HTML und PDF wie bei veedel run)",
                cmd_publish)
    p.add_argument("notebook", metavar="NOTEBOOK", help="das ausgeführte Notebook (.ipynb), z. B. aus JupyterLab oder "
                                                      "papermill")
    p.add_argument("--out", metavar="ORDNER", help="Zielordner (Standard: der Ordner des Notebooks)")
    p.add_argument("--formats", metavar="FORMATE", help="Ausgabeformate, durch Komma getrennt (Standard: html,pdf)")

    p = command("archive", "einen Lauf mit Prüfsummen in eine Archivdatei packen und signieren", cmd_archive)
    p.add_argument("run_dir", metavar="LAUFORDNER", help="Ordner des Laufs, z. B. outputs/<lauf>")
    p.add_argument("--output", metavar="DATEI", help="Archivdatei (Standard: outputs/<lauf>.zip)")
    p.add_argument("--schluessel", metavar="DATEI",
                   help="privater Schlüssel der Stadt, mit dem das Archiv signiert wird (Standard: die Datei, die die "
                        "Umgebungsvariable VEEDEL_SCHLUESSEL nennt; ohne beides bleibt das Archiv unsigniert)")

    p = command("schluessel", "ein Schlüsselpaar zum Signieren der Archive erzeugen", cmd_schluessel)
    p.add_argument("folder", metavar="ORDNER",
                   help="Ordner für veedel-signatur.key (privat, nur für Sie lesbar) und veedel-signatur.pub "
                        "(öffentlich); nie im Projekt, einem Lauf- oder Ausgabeordner, z. B. ~/.config/veedel")

    p = command("clean", "alte Läufe löschen, die neuesten behalten", cmd_clean)
    p.add_argument("--keep", type=_positive, required=True, metavar="N", help="so viele der neuesten Läufe behalten")
    p.add_argument("--outputs", metavar="ORDNER", default=str(project_root() / "outputs"),
                   help="Ausgabeordner mit den Läufen (Standard: outputs/ des Projekts)")

    p = command("verify", "Herkunft und alle Prüfsummen eines Archivs oder Laufordners prüfen", cmd_verify)
    p.add_argument("path", metavar="PFAD", help="Archivdatei (.zip) oder Laufordner")
    p.add_argument("--oeffentlicher-schluessel", metavar="DATEI",
                   help="öffentlicher Schlüssel der Stadt (.pub): prüft, ob das Archiv echt ist; ohne ihn bleibt die "
                        "Herkunft ungeprüft (Rückgabewert 3)")

    p = command("vergleiche", "zwei Läufe vergleichen: was hat sich geändert – und warum", cmd_vergleiche)
    p.add_argument("alt", metavar="ALT", nargs="?", help="früherer Lauf (Laufordner oder Archiv); ohne ALT und NEU "
                   "die beiden letzten vollständigen Läufe unter --outputs")
    p.add_argument("neu", metavar="NEU", nargs="?", help="neuerer Lauf (Laufordner oder Archiv)")
    p.add_argument("--outputs", default=str(project_root() / "outputs"), metavar="ORDNER",
                   help="Ausgabeordner mit den Läufen (Standard: outputs/ des Projekts)")
    p.add_argument("--out", metavar="ORDNER", help="Ordner für den Änderungsbericht (Standard: neben dem neuen "
                   "Lauf, vergleich-<ALT>-<NEU>)")
    p.add_argument("--formats", metavar="LISTE", help="html, pdf, csv (Standard: alle drei)")

    p = command("reproduce", "einen archivierten Lauf wiederholen und alles vergleichen (Tabellen, Grafikdaten, "
                "Berichtstexte)", cmd_reproduce)
    p.add_argument("archive", metavar="ARCHIV", help="Archivdatei (.zip) eines Laufs")
    p.add_argument("--outputs", metavar="ORDNER", help="Ordner für die Wiederholung (Standard: temporär)")
    p.add_argument("--oeffentlicher-schluessel", metavar="DATEI",
                   help="öffentlicher Schlüssel der Stadt (.pub), gegen den das Archiv geprüft wird")
    p.add_argument("--archivierten-code-ausfuehren", action="store_true",
                   help="die Notebooks aus dem Archiv ausführen statt der installierten (nur für ein mit "
                        "--oeffentlicher-schluessel als echt geprüftes Archiv)")
    p.add_argument("--installierten-code-verwenden", action="store_true",
                   help="auch dann mit den installierten Notebooks und der installierten Bibliothek wiederholen, wenn "
                        "das Archiv mit anderem Code erstellt wurde (Unterschiede können dann aus dem Code stammen)")
    p.add_argument("--jobs", type=_positive, metavar="N", help="parallele Prozesse (Standard: Zahl der Kerne)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.parameters = _absolute(args.parameters)
    if getattr(args, "config", None):
        args.config = _absolute(args.config)
    try:
        return args.func(args)
    except DataValidationError as exc:
        console.print(f"[bold red]Ungültige Eingabe:[/]\n{escape(str(exc))}", soft_wrap=True)
        return 2
    except VeedelError as exc:
        interrupted = getattr(exc, "exit_code", None)  # a run stopped by a signal (runner.RunInterrupted)
        if interrupted is not None:
            console.print(f"[bold yellow]Abgebrochen:[/] {escape(str(exc))}", soft_wrap=True)
            gc.freeze()  # a stopped run ends now: Python's last collection of all objects took 2 s on a busy machine
            return interrupted
        return _fail(str(exc))
    except OSError as exc:
        if write_errno(exc) is None:
            raise  # not a full disk or a permission: a bug, with its traceback
        return _fail(str(write_failure(exc)))
    # every other exception is a bug in veedel: it surfaces with its traceback (exit code 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
