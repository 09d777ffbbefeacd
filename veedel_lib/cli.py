"""The ``veedel`` command: demo data, validation, the published figures, and report runs.

Exit codes: 0 success; 2 a problem the user can fix (any VeedelError: input, parameters, options, a missing
program), shown as one German message; 1 a run that finished with failed reports, or a bug in veedel, which
surfaces as a Python traceback instead of being dressed up as a user error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import DataValidationError, VeedelError
from .params.run_config import DEMO, load_run_config, project_root
from .params.run_config import parameters_dir as default_parameters_dir
from .render import formatting as fmt

console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)


def _fail(message: str, code: int = 2) -> int:
    console.print(f"[bold red]Fehler:[/] {escape(message)}", soft_wrap=True)
    return code


# ----------------------------------------------------------------------------- demo-data

def cmd_demo_data(args: argparse.Namespace) -> int:
    from .demo.generator import write_demo_data

    target = write_demo_data(args.directory, parameters_dir=args.parameters)
    console.print(f"Demodaten geschrieben nach {target} (units.csv, statistics.csv, dokumentation/*.xlsx)")
    return 0


# ----------------------------------------------------------------------------- validate

def cmd_validate(args: argparse.Namespace) -> int:
    from .demo.generator import ensure_demo_data
    from .inputs.dataset import load_dataset

    ds = load_dataset(args.directory, args.parameters, use_cache=False, demo=ensure_demo_data)
    console.print(f"[green]Gültig:[/] {args.directory}")
    console.print(f"  {len(ds.units)} Einheiten in {ds.units['stadtteil_nr'].nunique()} Stadtteilen, "
                  f"Jahre {ds.years[0]} bis {ds.years[-1]}, {ds.statistics['variable'].nunique()} Variablen, "
                  f"{fmt.integer(len(ds.statistics))} Zeilen "
                  f"({int(ds.statistics['suppressed'].sum())} an der Quelle unterdrückt)")
    present = set(ds.statistics["variable"])
    for indicator in ds.catalogue.indicators:
        missing = [v for v in indicator.numerator + indicator.denominator if v not in present]
        if missing:
            console.print(f"  [yellow]Indikator {indicator.id}:[/] es fehlen {', '.join(missing)}")
    code = 0
    if (ds.data_dir / "dokumentation").is_dir():
        from .kernprozess.documentation import load_documentation

        doc = load_documentation(ds.data_dir, args.parameters)
        console.print(f"  Dokumentation der Kernprozesse: {len(doc.files)} Gebiete, {fmt.integer(len(doc.themes))} "
                      f"Themen, {fmt.integer(len(doc.projects))} Projekte, {fmt.integer(len(doc.meetings))} Sitzungen")
    for area_id, problems in ds.membership.problems.items():
        code = 2
        for problem in problems:
            console.print(f"  [red]Gebiet {area_id}:[/] {problem}", soft_wrap=True)
    return code


# ----------------------------------------------------------------------------- template

def cmd_template(args: argparse.Namespace) -> int:
    from .kernprozess.templates import write_templates

    paths = write_templates(args.directory, args.parameters, args.areas)
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

    catalogue = load_catalogue(default_parameters_dir(args.parameters) / "indicators.yml")
    summary = import_wide_table(args.table, args.mapping, args.out, catalogue, sheet=args.sheet)
    console.print(f"[green]Eingelesen:[/] {summary.source}")
    console.print(f"  {summary.units} Einheiten, Jahre {fmt.join([str(y) for y in summary.years])}, "
                  f"{len(summary.variables)} Variablen ({', '.join(summary.variables)}), "
                  f"{fmt.integer(summary.rows)} Werte, davon {summary.suppressed} an der Quelle unterdrückt (*)")
    console.print(f"  geschrieben: {summary.written}")
    if summary.units_written:
        console.print(f"  Einheiten (die 86 Stadtteile): {summary.units_written}")
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

    ds = load_dataset(args.data, args.parameters, demo=ensure_demo_data)
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

def _progress_printer(total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)
    task = progress.add_task("Berichte", total=total)

    def on_result(result) -> None:
        mark = "[green]✓[/]" if result.status == "ok" else "[red]✗[/]"
        progress.console.print(f"{mark} {result.task.area_name} · {result.task.notebook} "
                               f"({fmt.number(result.duration_s, 1)} s)")
        progress.update(task, advance=1, description=f"{result.task.area_name} · {result.task.notebook}")

    return progress, on_result


def _run(args: argparse.Namespace, config, areas: list[str] | None) -> int:
    from .run import runner

    progress, on_result = _progress_printer(0)
    with progress:
        summary = runner.run(config, outputs=Path(args.outputs),
                             parameters=Path(args.parameters) if args.parameters else None, areas=areas,
                             jobs=args.jobs, retry_failed=getattr(args, "retry_failed", False),
                             progress=on_result, on_plan=lambda tasks: progress.update(progress.task_ids[0],
                                                                                      total=len(tasks)),
                             command=sys.argv)
    ok = len(summary.results) - len(summary.failed)
    reports = "Bericht" if ok == 1 else "Berichte"
    console.print(f"\nLauf {summary.run_dir.name}: {ok} {reports} fertig, {len(summary.failed)} fehlgeschlagen.")
    console.print(f"Übersicht: {summary.run_dir / 'index.html'}")
    for note in runner.read_manifest(summary.run_dir).get("notes", []):
        console.print(f"[yellow]Hinweis:[/] {note}", soft_wrap=True)
    for result in summary.failed:
        console.print(f"[red]✗[/] {runner.describe_failure(result)}", soft_wrap=True)
    return summary.exit_code


def _config_from_args(args: argparse.Namespace):
    config = load_run_config(args.config)
    updates = {}
    if args.data:
        updates["data_dir"] = args.data
    if args.year:
        updates["year"] = args.year
    if args.formats:
        updates["formats"] = [f.strip() for f in args.formats.split(",") if f.strip()]
    if getattr(args, "source", None):
        updates["source"] = args.source
    if getattr(args, "notebooks", None):
        from .reports import registry

        names = [n.strip().removesuffix(".ipynb") for n in args.notebooks.split(",") if n.strip()]
        updates["reports"] = [registry.get(n).notebook for n in names]
    return config.model_copy(update=updates)


def cmd_run(args: argparse.Namespace) -> int:
    config = _config_from_args(args)
    areas = [a.strip() for a in args.areas.split(",")] if args.areas else None
    if areas:
        from .params.areas import load_areas

        definitions = load_areas(default_parameters_dir(args.parameters) / "areas.yml")
        areas = [definitions.get(a).id for a in areas]
    return _run(args, config, areas)


def cmd_analyse(args: argparse.Namespace) -> int:
    from .params.areas import load_areas
    from .run.runner import run_reports

    config = _config_from_args(args)
    config = config.model_copy(update={"reports": [c.notebook for c in run_reports(config) if c.scope == "area"]})
    area = load_areas(default_parameters_dir(args.parameters) / "areas.yml").get(args.area)
    return _run(args, config, [area.id])


# ----------------------------------------------------------------------------- archive / verify / reproduce

def cmd_archive(args: argparse.Namespace) -> int:
    from .run.archive import create_archive

    target = create_archive(args.run_dir, args.output)
    console.print(f"Archiv geschrieben: {target} (Prüfsumme in {target.name}.sha256)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .run.archive import verify

    result = verify(args.path)
    if result.ok:
        console.print(f"[green]In Ordnung:[/] {result.checked} Dateien geprüft, alle Prüfsummen stimmen.")
        return 0
    console.print(f"[bold red]{len(result.problems)} Abweichungen[/] ({result.checked} Dateien geprüft):")
    for problem in result.problems:
        console.print(f"  - {problem}", soft_wrap=True)
    return 1


def cmd_reproduce(args: argparse.Namespace) -> int:
    from .run.archive import reproduce

    console.print(f"Wiederhole den Lauf aus {args.archive} ...")
    result = reproduce(args.archive, args.outputs, args.jobs)
    if result.identical:
        console.print(f"[green]Identisch:[/] alle {len(result.compared)} Tabellen und Grafikdaten stimmen überein "
                      f"(Wiederholung in {result.run_dir}).")
        return 0
    console.print(f"[bold red]{len(result.differences)} Unterschiede[/] in {len(result.compared)} Dateien:")
    for difference in result.differences:
        console.print(f"  - {difference}", soft_wrap=True)
    return 1


# ----------------------------------------------------------------------------- parser

def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="Berichtsjahr (Standard: letztes Jahr in den Daten)")
    parser.add_argument("--data", help=f"Datenordner (Standard aus run.yml, sonst '{DEMO}')")
    parser.add_argument("--formats", help="Ausgabeformate, z. B. html,pdf")
    parser.add_argument("--jobs", type=int, help="parallele Prozesse (Standard: Zahl der Kerne)")
    parser.add_argument("--config", help="Laufkonfiguration (Standard: parameters/run.yml)")
    parser.add_argument("--outputs", default=str(project_root() / "outputs"), help="Ausgabeordner")
    parser.add_argument("--notebooks", help="nur diese Notebooks, durch Komma getrennt (auch solche, die nicht in "
                                            "run.yml stehen, z. B. themenbewertung)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="veedel", description="Analysen und Berichte für Lebenswerte Veedel")
    parser.add_argument("--parameters", help="Parameterordner (Standard: parameters/ des Projekts)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo-data", help="Demodaten in einen Ordner schreiben")
    p.add_argument("directory")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("validate", help="einen Datenordner prüfen")
    p.add_argument("directory")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("template", help="Excel-Vorlagen für die Dokumentation der Kernprozesse schreiben")
    p.add_argument("directory")
    p.add_argument("--areas", nargs="+", help="nur diese Gebiete (Standard: alle 15)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("plan-vorlage", help="Planungsmappe eines Gebiets schreiben, vorausgefüllt aus der Analyse")
    p.add_argument("area", help="Kennung, Code oder Name des Gebiets")
    p.add_argument("--out", default="plaene", help="Ordner für die Mappe (Standard: ./plaene); eine vorhandene Mappe "
                                                   "wird nie überschrieben")
    p.add_argument("--period", help="Planungszeitraum, z. B. 2021-2025 (Standard: die fünf Jahre nach den Daten)")
    p.add_argument("--data", default=DEMO, help=f"Datenordner, aus dem die Analyse kommt (Standard: '{DEMO}')")
    p.set_defaults(func=cmd_plan_template)

    p = sub.add_parser("fetch-open-data", help="die offenen Daten der Stadt Köln vom Portal laden")
    p.add_argument("directory")
    p.add_argument("--base-url", help="Dateien von dieser Adresse statt vom Portal holen (Spiegel)")
    p.set_defaults(func=cmd_fetch_open_data)

    p = sub.add_parser("import", help="eine breite Tabelle (Spalte je Variable und Jahr) in die Langform übernehmen")
    p.add_argument("table", help="CSV- oder XLSX-Datei, eine Zeile je Stadtteil oder Einheit")
    p.add_argument("--mapping", required=True, help="Zuordnungsdatei (YAML): Spalte -> Variable, Jahr")
    p.add_argument("--out", required=True, help="Datenordner, in den statistics_<name>.csv geschrieben wird")
    p.add_argument("--sheet", help="Tabellenblatt (XLSX)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("shares", help="Eckdaten des Ratsbeschlusses: Anteil der 15 Gebiete an der Stadt")
    p.add_argument("--year", type=int)
    p.add_argument("--data", default=DEMO)
    p.set_defaults(func=cmd_shares)

    p = sub.add_parser("run", help="alle Berichte erzeugen (parallel)")
    _add_run_options(p)
    p.add_argument("--areas", help="nur diese Gebiete (Kennungen, durch Komma getrennt)")
    p.add_argument("--retry-failed", action="store_true", help="nur die Fehlschläge des letzten Laufs wiederholen")
    p.add_argument("--source", choices=["standard", "koeln"], help="Art der Daten")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("analyse", help="die Berichte eines Gebiets erzeugen")
    p.add_argument("area", help="Kennung, Code oder Name des Gebiets")
    _add_run_options(p)
    p.set_defaults(func=cmd_analyse)

    p = sub.add_parser("archive", help="einen Lauf mit Prüfsummen in eine Archivdatei packen")
    p.add_argument("run_dir")
    p.add_argument("--output", help="Archivdatei (Standard: outputs/<lauf>.zip)")
    p.set_defaults(func=cmd_archive)

    p = sub.add_parser("verify", help="alle Prüfsummen eines Archivs oder Laufordners prüfen")
    p.add_argument("path")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("reproduce", help="einen archivierten Lauf wiederholen und alle Tabellen vergleichen")
    p.add_argument("archive")
    p.add_argument("--outputs", help="Ordner für die Wiederholung (Standard: temporär)")
    p.add_argument("--jobs", type=int)
    p.set_defaults(func=cmd_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DataValidationError as exc:
        console.print(f"[bold red]Ungültige Eingabe:[/]\n{escape(str(exc))}", soft_wrap=True)
        return 2
    except VeedelError as exc:
        return _fail(str(exc))
    # every other exception is a bug in veedel: it surfaces with its traceback (exit code 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
