"""The run's portal ``index.html`` and its run log ``lauf.html``, rendered from the manifest.

The portal is the page a member of a Bezirksvertretung, a Fachamt or the public opens: a map of the city with its
areas (real boundaries) and the Stadtbezirke, each area linking to its entry; below, the reports grouped by
Stadtbezirk and area, the programme-wide reports first, each area with its key figures (residents,
SGB-II-Quote, status class: computed with the reports' disclosure control, see :mod:`veedel_lib.reports.keyfigures`)
and links to HTML and PDF; then the earlier runs in the same outputs folder. It works from ``file://``, without
network and without JavaScript (the map is inline SVG with real links). The run log (status, cell and error of
failures, durations, reuse, PDF status) is ``lauf.html``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..files import atomic_write_text
from ..params.areas import PROGRAMME_ID
from ..params.run_spec import bezirk_place
from ..params.reference import SpatialReference, reference_for
from ..params.run_kind import RUN_KINDS, kind_of
from ..render import formatting as fmt
from ..render import maps
from ..render.markup import CONTENT_SECURITY_POLICY, escape
from ..reports.registry import BY_NOTEBOOK, title_of
from . import TEMPLATES

LOG_PAGE = "lauf.html"
PUBLIC_KEY_FILE = "signaturschluessel.pub"
"""The city's public key as the portal publishes it next to ``index.html`` (when run.yml names one)."""
WITHHELD = '<abbr title="geheim gehalten">•</abbr>'
PORTAL_CSS = """
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.portal-map-figure { margin: 1rem 0 1.5rem; }
svg.portal-map { width: 100%; max-width: 40rem; height: auto; display: block; }
svg.portal-map * { stroke-linejoin: round; stroke-linecap: butt; }
svg.portal-map a:focus { outline: 3px solid #000000; }
svg.portal-map a:focus path, svg.portal-map a:hover path { stroke: #000000 !important; stroke-width: 2px !important; }
.number-badge { display: inline-block; min-width: 1.6em; padding: 0 .3em; border: 1px solid #000; border-radius: 1em;
  text-align: center; font-weight: bold; font-size: .85em; margin-right: .35em; }
.report-links a { white-space: nowrap; }
ul.report-list { margin: 0; padding-left: 1.1rem; }
ul.report-list li { margin: 0; }
table.portal-areas { table-layout: fixed; }
table.portal-areas col.c-name { width: 31%; } table.portal-areas col.c-res { width: 14%; }
table.portal-areas col.c-quote { width: 11%; } table.portal-areas col.c-status { width: 12%; }
table.portal-areas col.c-reports { width: 32%; }
.portal-section { margin-top: 2rem; }
.bezirk { margin: 1.5rem 0 2rem; }
.muted { color: var(--muted); }
nav.bezirk-nav ul { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap;
  gap: .3rem 1.2rem; }
.portal-map-layout { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.portal-map-layout figure { flex: 1 1 28rem; margin: 0; }
ol.map-key { list-style: none; padding: 0; margin: 0; flex: 0 1 20rem; }
ol.map-key li { margin: .15rem 0; display: flex; align-items: baseline; }
ol.map-key .number-badge { flex: none; }
"""


def _page(title: str, body: str) -> str:
    """A complete German page with the reports' CSS and Content-Security-Policy (no scripts)."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8" />
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{escape(title)}</title>
<style>{css}
{PORTAL_CSS}</style>
</head>
<body>
<main id="inhalt">
{body}
</main>
</body>
</html>
"""


def _created(manifest: dict) -> str:
    created = manifest.get("created", "")
    return f"{fmt.date(created)} {created[11:16]} Uhr" if created else ""


def _reference(run_dir: Path | None) -> SpatialReference:
    """The city of a run: its own ``raumbezug.yml`` (names of the city, programme, levels and districts); the
    project's for a page without a run folder."""
    return reference_for(Path(run_dir) / "inputs" / "parameters" if run_dir else None)


def data_source(manifest: dict) -> str:
    """Where a run's data came from, in words: demo data, the city's open data or a data folder."""
    parameters = manifest.get("parameters", {})
    if parameters.get("source") == "koeln":
        return "offene Daten der Stadt Köln"
    if str(parameters.get("data_dir", "")) == "demo":
        return "Demodaten (keine amtlichen Werte)"
    return f"Datenordner {folder_name(str(parameters.get('data_dir', '')))}"


def folder_name(path: str) -> str:
    """The last part of a folder's or file's path, as a public page may name it: "mittelsee" for
    ``/home/anna/daten/mittelsee`` or ``C:\\Users\\anna\\mittelsee`` (never the path with its home folder);
    "anderer Ordner" for a root."""
    return re.split(r"[/\\]", path.strip().rstrip("/\\"))[-1] or "anderer Ordner"


_FOLDER_REASONS = ("wiederholt aus den Eingaben ", "Parameter aus ", "Laufkonfiguration ", "Daten aus ")
"""The reasons of a run on other inputs that end in a folder or file (``run.runner``'s scope), by their words."""
_ABSOLUTE_PATH = re.compile(r"(?<!\S)(?:~|[A-Za-z]:)?[/\\].*$")
"""An absolute path to the end of a reason: from "/", "~/" or "C:\\" on."""


def public_reason(reason: str) -> str:
    """Why a run is not the configured one, as the portal shows it: a folder or file only by its name
    ("Parameter aus meine-parameter"), since the manifest records the absolute path of the run's machine."""
    for words in _FOLDER_REASONS:
        if reason.startswith(words):
            return words + folder_name(reason[len(words):])
    return _ABSOLUTE_PATH.sub(lambda match: folder_name(match.group(0)), reason)


# ----------------------------------------------------------------------------- the run log

def _links(entry: dict) -> str:
    links = []
    for path in sorted(entry.get("outputs", {})):
        suffix = Path(path).suffix.lower()
        if path.endswith(".failed.ipynb"):
            label = "abgebrochenes Notebook"
        else:
            label = {".html": "HTML", ".pdf": "PDF", ".ipynb": "Notebook"}.get(suffix)
        if label:
            name = title_of(entry["notebook"])
            links.append(f'<a href="{escape(path)}">{label}<span class="visually-hidden"> '
                         f'{escape(name)} {escape(entry["area_name"])}</span></a>')
    return " · ".join(links) or "–"


def _status(entry: dict) -> str:
    if entry["status"] == "ok":
        earlier = entry.get("reused_from")
        return "fertig" + (f" (unverändert, übernommen aus Lauf {escape(earlier)})" if earlier else "")
    if entry["status"] == "interrupted":
        return "<strong>nicht fertig</strong> – Lauf abgebrochen; <code>veedel run --retry-failed</code> holt es nach"
    error = entry.get("error") or {}
    cell = f"Zelle {error['cell']}: " if error.get("cell") else ""
    return f"<strong>fehlgeschlagen</strong> – {escape(cell + error.get('error', '') + ': ' + error.get('message', ''))}"


def render_log(manifest: dict, run_dir: Path | None = None) -> str:
    """The run log ``lauf.html``: every report of the run with status, duration and files."""
    parameters = manifest.get("parameters", {})
    profile = _reference(run_dir).profile
    rows = []
    for entry in manifest.get("reports", []):
        rows.append(f"<tr><th scope=\"row\">{escape(entry['area_name'])}</th><td>{escape(title_of(entry['notebook']))}"
                    f"</td><td>{_status(entry)}</td><td class=\"num\">{fmt.number(entry['duration_s'], 1)} s</td>"
                    f"<td>{_links(entry)}</td></tr>")
    summary = manifest.get("summary", {})
    pdf = manifest.get("pdf", {})
    pdf_note = "" if not pdf or pdf.get("status") == "ok" else \
        f'<p class="table-note">PDF: {escape(pdf.get("message", ""))}</p>'
    unfinished = f", {summary['interrupted']} nicht fertig (Lauf abgebrochen)" if summary.get("interrupted") else ""
    notes = "".join(f"<li>{escape(n)}</li>" for n in manifest.get("notes", []))
    body = f"""<header class="report-title">
<p class="kicker">{escape(profile.kicker)}</p>
<h1>Protokoll des Laufs {escape(manifest.get('run_id', ''))}</h1>
<dl class="title-facts">
<dt>Berichtsjahr</dt><dd>{escape(str(parameters.get('year', '')))}</dd>
<dt>Erstellt</dt><dd>{escape(_created(manifest))}</dd>
<dt>Ergebnis</dt><dd>{summary.get('ok', 0)} fertig, {summary.get('failed', 0)} fehlgeschlagen{unfinished}</dd>
{f"<dt>Wiederverwendet</dt><dd>{summary['reused']} unverändert übernommen, {summary.get('executed', 0)} neu berechnet</dd>" if summary.get('reused') else ''}
<dt>Dauer</dt><dd>{fmt.number(summary.get('last_duration_s', 0), 1)} s</dd>
<dt>Daten</dt><dd>{escape(data_source(manifest))}</dd>
</dl>
</header>
<p><a href="index.html">Zur Übersicht der Berichte</a></p>
<div class="vtable-wrap" tabindex="0" role="region" aria-label="Tabelle: Alle Berichte dieses Laufs">
<table class="vtable">
<caption>Alle Berichte dieses Laufs</caption>
<thead><tr><th scope="col">Gebiet</th><th scope="col">Bericht</th><th scope="col">Status</th>
<th scope="col">Dauer</th><th scope="col">Dateien</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
{pdf_note}
</div>
{f'<h2>Hinweise</h2><ul>{notes}</ul>' if notes else ''}
<p>Die Eingangsdaten, Parameter und Prüfsummen dieses Laufs stehen in <a href="manifest.json">manifest.json</a>.</p>"""
    return _page(profile.page_title(f"Protokoll des Laufs {manifest.get('run_id', '')}"), body)


# ----------------------------------------------------------------------------- the portal

def _report_links(entry: dict | None) -> str:
    """HTML · PDF links of one report, or why there are none."""
    if entry is None:
        return '<span class="muted">nicht in diesem Lauf</span>'
    name = f"{title_of(entry['notebook'])} {entry['area_name']}"
    if entry["status"] != "ok":
        word = "nicht fertig" if entry["status"] == "interrupted" else "fehlgeschlagen"
        return f'<strong>{word}</strong> (<a href="{LOG_PAGE}">Protokoll<span class="visually-hidden"> zu {escape(name)}' \
               f'</span></a>)'
    links = []
    for path in sorted(entry.get("outputs", {}), key=lambda p: (Path(p).suffix != ".html", p)):
        label = {".html": "HTML", ".pdf": "PDF"}.get(Path(path).suffix.lower())
        if label and not path.endswith(".failed.ipynb"):
            links.append(f'<a href="{escape(path)}">{label}<span class="visually-hidden"> {escape(name)}</span></a>')
    return " · ".join(links) or "–"


def _reports_cell(entries: dict[str, dict], notebooks: list[str]) -> str:
    """One line per report of a place: its title and its links."""
    lines = [f"<li>{escape(title_of(n))}: <span class=\"report-links\">{_report_links(entries.get(n))}</span></li>"
             for n in notebooks]
    return f"<ul class=\"report-list\">{''.join(lines)}</ul>" if lines else "–"


def _figure(value: float | None, kind: str) -> str:
    if value is None:
        return WITHHELD
    return fmt.integer(value) if kind == "count" else fmt.percent(value, 1)


def _key_figure_note(figures: dict, reference: SpatialReference) -> str:
    year = figures.get("year", "")
    return (f"Eckdaten {year}: Einwohner*innen, SGB-II-Quote (Anteil an den Einwohner*innen unter 65 Jahren) und "
            f"Statusklasse im Sozialindex (Gebiet als Ganzes auf der Skala der {reference.base.plural}). • = nicht "
            "veröffentlicht (Geheimhaltung) oder nicht berechenbar.")


def _programme_section(by_place: dict[str, dict[str, dict]], notebooks: list[str]) -> str:
    own = by_place.get(PROGRAMME_ID, {})
    items = [f"<li><strong>{escape(title_of(n))}</strong>: <span class=\"report-links\">{_report_links(own.get(n))}"
             f"</span></li>" for n in notebooks]
    if not items:
        return ""
    return (f'<section class="portal-section" aria-labelledby="programm"><h2 id="programm">Berichte für das ganze '
            f'Programm</h2><ul>{"".join(items)}</ul></section>')


def _other_section(by_place: dict[str, dict[str, dict]], known: set[str]) -> str:
    """Reports of places without key figures (e.g. when the figures could not be computed): listed, never lost."""
    items = []
    for place, entries in by_place.items():
        if place == PROGRAMME_ID or place in known:
            continue
        for notebook, entry in entries.items():
            items.append(f"<li><strong>{escape(title_of(notebook))} {escape(entry['area_name'])}</strong>: "
                         f"<span class=\"report-links\">{_report_links(entry)}</span></li>")
    if not items:
        return ""
    return ('<section class="bezirk" id="weitere" aria-labelledby="weitere-titel"><h3 id="weitere-titel">Weitere '
            'Berichte (ohne Eckdaten)</h3><ul>' + "".join(items) + "</ul></section>")


def _bezirk_section(number: int | str, areas: list[dict], bezirk: dict | None, by_place: dict[str, dict[str, dict]],
                    area_notebooks: list[str], bezirk_notebooks: list[str], reference: SpatialReference) -> str:
    """One Stadtbezirk: its Bezirksbericht and key figures, then a table of its areas with theirs and their reports."""
    place = bezirk_place(number)
    own = by_place.get(place, {})
    profile, top = reference.profile, reference.top
    facts = ""
    if bezirk is not None:
        facts = (f"<p>{escape(top.name)}: {_figure(bezirk['residents'], 'count')} Einwohner*innen, SGB-II-Quote "
                 f"{_figure(bezirk['quote'], 'rate')}.</p>")
    reports = "".join(f"<li><strong>{escape(title_of(n))}</strong>: <span class=\"report-links\">"
                      f"{_report_links(own.get(n))}</span></li>" for n in bezirk_notebooks)
    rows = []
    for area in areas:
        rows.append(f'<tr id="gebiet-{escape(area["id"])}"><th scope="row"><span class="number-badge">'
                    f'{area["number"]}</span>{escape(area["name"])}</th>'
                    f'<td class="num">{_figure(area["residents"], "count")}</td>'
                    f'<td class="num">{_figure(area["quote"], "rate")}</td>'
                    f'<td>{escape(area["status"]) if area["status"] else WITHHELD}</td>'
                    f'<td>{_reports_cell(by_place.get(area["id"], {}), area_notebooks)}</td></tr>')
    caption = f"{profile.area.plural} {top.within()} {number} {profile.district_name(number)}".rstrip()
    legend_id = f"{place}-status"
    table = (f'<div class="vtable-wrap" role="region" aria-label="Tabelle: {escape(caption)}" tabindex="0">'
             f'<table class="vtable portal-areas"><caption>{escape(caption)}</caption><colgroup><col class="c-name" />'
             f'<col class="c-res" /><col class="c-quote" /><col class="c-status" /><col class="c-reports" /></colgroup>'
             f'<thead><tr><th scope="col">Gebiet</th><th scope="col">Einwohner*innen</th><th scope="col">SGB-II-Quote'
             f'</th><th scope="col" aria-describedby="{legend_id}">Status</th><th scope="col">Berichte</th>'
             f'</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table></div>{_status_legend(legend_id, areas, reference)}')
    return (f'<section class="bezirk" id="{place}" aria-labelledby="{place}-titel"><h3 id="{place}-titel">'
            f'{escape(profile.district(number))}</h3>{facts}'
            + (f"<ul>{reports}</ul>" if reports else "") + table + "</section>")


def _status_legend(legend_id: str, areas: list[dict], reference: SpatialReference) -> str:
    """The note right under an areas table that says what its column "Status" means and which classes it shows."""
    shown = list(dict.fromkeys(a["status"] for a in areas if a["status"]))
    classes = f" Klassen in dieser Tabelle: {fmt.join([f'„{c}“' for c in shown])}." if shown else ""
    return (f'<p class="table-note status-legend" id="{legend_id}"><strong>Status</strong> = Statusklasse im '
            f'Sozialindex: wo das Gebiet als Ganzes auf der Skala aller {escape(reference.base.plural)} liegt; je '
            f'niedriger der Status, '
            f'desto höher die soziale Belastung.{escape(classes)} '
            f'{WITHHELD} = nicht veröffentlicht (Geheimhaltung) oder nicht berechenbar.</p>')


def _bezirk_nav(numbers: list[int | str], reference: SpatialReference) -> str:
    """Jump links at the top of the portal to every Stadtbezirk's section (the page is long)."""
    if not numbers:
        return ""
    top = reference.top
    links = "".join(f'<li><a href="#{bezirk_place(n)}">{escape(f"{n} {reference.profile.district_name(n)}".rstrip())}</a>'
                    f'</li>' for n in numbers)
    return (f'<nav class="bezirk-nav" aria-label="{escape(top.plural)}"><p><strong>Zu den '
            f'{escape(top.dative_plural_name)}:</strong></p><ul>{links}</ul></nav>')


def earlier_runs(run_dir: Path) -> list[dict]:
    """The other runs in the same outputs folder (newest first): id, report year, date, data source, portal link."""
    found = []
    parent = Path(run_dir).parent
    if not parent.is_dir():
        return found
    for folder in sorted(parent.iterdir(), reverse=True):
        if folder == Path(run_dir) or not (folder / "manifest.json").is_file():
            continue
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        kind = kind_of(manifest) if isinstance(manifest, dict) else {}
        found.append({"run_id": folder.name, "year": manifest.get("parameters", {}).get("year", ""),
                      "created": _created(manifest), "source": data_source(manifest),
                      "kind": kind.get("kind"), "kind_reasons": kind.get("reasons", []),
                      "reports": kind.get("reports", 0), "latest_complete": False,
                      "href": f"../{folder.name}/index.html" if (folder / "index.html").is_file() else None})
    latest = next((r for r in found if r["kind"] == "complete"), None)
    if latest is not None:
        latest["latest_complete"] = True
    return found


def _kind_cell(run: dict) -> str:
    """The run's kind in German, why it is not complete, and the mark of the latest complete run."""
    name = RUN_KINDS.get(run.get("kind"), "nicht erfasst")
    reasons = [public_reason(str(r)) for r in run.get("kind_reasons", run.get("reasons", []))
               if run.get("kind") is not None]
    text = escape(name) + (f" ({escape('; '.join(reasons))})" if reasons else "")
    if run.get("latest_complete"):
        text = f"<strong>{text} – letzter vollständiger Lauf</strong>"
    return text


def _earlier_section(runs: list[dict]) -> str:
    if not runs:
        return ('<section class="portal-section" aria-labelledby="fruehere"><h2 id="fruehere">Frühere Läufe</h2>'
                '<p>Im Ausgabeordner liegen keine früheren Läufe.</p></section>')
    rows = "".join(
        f"<tr><th scope=\"row\">{escape(r['run_id'])}</th><td class=\"num\">{escape(str(r['year']))}</td>"
        f"<td>{escape(r['created'])}</td><td>{escape(r['source'])}</td><td>{_kind_cell(r)}</td>"
        f"<td class=\"num\">{escape(str(r['reports']))}</td><td>"
        + (f'<a href="{escape(r["href"])}">Übersicht<span class="visually-hidden"> des Laufs {escape(r["run_id"])}'
           f'</span></a>' if r["href"] else "–") + "</td></tr>" for r in runs)
    return ('<section class="portal-section" aria-labelledby="fruehere"><h2 id="fruehere">Frühere Läufe</h2>'
            '<div class="vtable-wrap" role="region" aria-label="Tabelle: Frühere Läufe" tabindex="0">'
            '<table class="vtable"><caption>Frühere Läufe in diesem Ausgabeordner</caption><thead><tr>'
            '<th scope="col">Lauf</th><th scope="col">Berichtsjahr</th><th scope="col">Erstellt</th>'
            '<th scope="col">Daten</th><th scope="col">Art des Laufs</th><th scope="col">Zahl der Berichte</th>'
            '<th scope="col">Berichte</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></div></section>')


def _numbered_areas(figures: dict) -> list[dict]:
    """The areas in reading order (by Stadtbezirk, then as in areas.yml), numbered from 1 for map and list."""
    areas = sorted(figures.get("areas", []), key=lambda a: a["stadtbezirk"])
    return [{**area, "number": number, "href": f"#gebiet-{area['id']}"} for number, area in enumerate(areas, start=1)]


def _map_section(run_dir: Path | None, areas: list[dict], reference: SpatialReference) -> str:
    data_dir = Path(run_dir) / "inputs" / "data" if run_dir else Path("/nonexistent")
    profile, top = reference.profile, reference.top
    boundaries = (maps.boundaries_for(data_dir, True, profile.map_source) if data_dir.is_dir()
                  else maps.embedded_boundaries())
    drawn = [a for a in areas if set(a["stadtteile"] + a["partial"]) & set(boundaries.rings)]
    if not drawn:
        return ""
    title = (f"Karte von {reference.city} mit den {top.dative_plural_name} und den "
             f"{profile.area.dative_plural_name}")
    svg = maps.cached_portal_map(boundaries, drawn, title, described_by="karte-liste",
                                 district_name=profile.district_name)
    hatched = any(a["partial"] for a in drawn)
    key = "".join(f'<li><span class="number-badge">{a["number"]}</span> <a href="{escape(a["href"])}">'
                  f'{escape(a["name"])}</a></li>' for a in drawn)
    return (f'<section class="portal-section" aria-labelledby="karte"><h2 id="karte">Die '
            f'{escape(profile.area.plural)} auf der Karte</h2><div class="portal-map-layout"><figure '
            f'class="portal-map-figure">{svg}<figcaption>Die {escape(profile.areas(len(drawn)))} (blau, '
            f'mit Nummer) in den {escape(top.dative_plural_name)} (graue Grenzen). '
            + (f"Schraffiert: {escape(reference.base.plural)}, die nur teilweise zu einem Gebiet gehören. "
               if hatched else "")
            + "Ein Gebiet anwählen führt zu seinen Eckdaten und Berichten in der Liste unten. "
            f"{escape(boundaries.source_line)}.</figcaption></figure><ol class=\"map-key\" id=\"karte-liste\" "
            f"aria-label=\"Die Nummern der Karte: {escape(profile.area.plural)}\">{key}</ol></div></section>")


def configured_key(run_dir: Path | None) -> tuple[str, str] | str | None:
    """The public key that the run's ``run.yml`` names (``public_key``): (PEM text, fingerprint), a German reason
    why it cannot be read, or None when none is configured."""
    from ..errors import VeedelError
    from ..params.run_config import load_run_config
    from .signature import fingerprint, load_public_key, public_pem

    config_file = run_dir / "inputs" / "parameters" / "run.yml" if run_dir else None
    if config_file is None or not config_file.is_file():
        return None
    try:
        name = load_run_config(config_file).public_key
        if not name:
            return None
        path = Path(name).expanduser()
        key = load_public_key(path if path.is_absolute() else config_file.parent / path)
    except VeedelError as exc:
        return str(exc)
    return public_pem(key), fingerprint(key)


def _key_section(key: tuple[str, str] | str | None) -> str:
    """Where to find the public key that proves the archives' origin, and its fingerprint (empty: none configured)."""
    if key is None:
        return ""
    if isinstance(key, str):
        return f'<p class="table-note">Öffentlicher Schlüssel der Archive nicht veröffentlicht: {escape(key)}</p>'
    return (f'<section class="portal-section" aria-labelledby="herkunft"><h2 id="herkunft">Herkunft der Archive '
            f'prüfen</h2><p>Die Stadt signiert die Archive dieser Berichte. Ihr öffentlicher Schlüssel: '
            f'<a href="{PUBLIC_KEY_FILE}">{PUBLIC_KEY_FILE}</a>, Fingerabdruck <code>{escape(key[1])}</code>. Prüfen '
            f'mit <code>veedel verify ARCHIV --oeffentlicher-schluessel {PUBLIC_KEY_FILE}</code>; den Fingerabdruck '
            f'bitte auf einem zweiten Weg mit der Stadt vergleichen.</p></section>')


def render_portal(manifest: dict, run_dir: Path | None = None) -> str:
    """The portal HTML for a manifest (``run_dir``: the run folder, for its boundaries and the earlier runs)."""
    parameters = manifest.get("parameters", {})
    figures = manifest.get("key_figures") or {"areas": [], "bezirke": []}
    by_place: dict[str, dict[str, dict]] = {}
    for entry in manifest.get("reports", []):
        by_place.setdefault(entry["area_id"] or PROGRAMME_ID, {})[entry["notebook"]] = entry
    notebooks = list(parameters.get("reports") or [e["notebook"] for e in manifest.get("reports", [])])
    scopes = {n: BY_NOTEBOOK[n].scope for n in dict.fromkeys(notebooks + [e["notebook"]
                                                                           for e in manifest.get("reports", [])])
              if n in BY_NOTEBOOK}
    of_scope = {scope: [n for n, s in scopes.items() if s == scope] for scope in ("area", "bezirk", "programme")}
    areas = _numbered_areas(figures)
    reference = _reference(run_dir)
    profile, top_name = reference.profile, reference.top.name
    bezirke = {b["stadtbezirk"]: b for b in figures.get("bezirke", [])}
    sections = []
    for number in sorted({a["stadtbezirk"] for a in areas}):
        sections.append(_bezirk_section(number, [a for a in areas if a["stadtbezirk"] == number], bezirke.get(number),
                                        by_place, of_scope["area"], of_scope["bezirk"], reference))
    known = {a["id"] for a in areas} | {bezirk_place(b) for b in {a["stadtbezirk"] for a in areas}}
    sections.append(_other_section(by_place, known))
    notes = "".join(f'<p class="table-note">{escape(n)}</p>' for n in figures.get("notes", []))
    summary = manifest.get("summary", {})
    problems = summary.get("failed", 0) + summary.get("interrupted", 0)
    status = (f"{summary.get('ok', 0)} Berichte fertig" + (f", <strong>{problems} nicht fertig oder "
                                                            f"fehlgeschlagen</strong>" if problems else ""))
    year = escape(str(parameters.get("year", "")))
    body = f"""<header class="report-title">
<p class="kicker">{escape(profile.kicker)}</p>
<h1>Berichte {year} zu den {escape(profile.area.dative_plural_name)}</h1>
<dl class="title-facts">
<dt>Berichtsjahr</dt><dd>{year}</dd>
<dt>Daten</dt><dd>{escape(data_source(manifest))}</dd>
<dt>Erstellt</dt><dd>{escape(_created(manifest))}</dd>
<dt>Lauf</dt><dd>{escape(manifest.get('run_id', ''))}: {status} (<a href="{LOG_PAGE}">Protokoll des Laufs</a>)</dd>
<dt>Art des Laufs</dt><dd>{_kind_cell(kind_of(manifest))}</dd>
</dl>
</header>
{_bezirk_nav(sorted({a["stadtbezirk"] for a in areas}), reference)}
{_map_section(run_dir, areas, reference)}
{_programme_section(by_place, of_scope['programme'])}
<section class="portal-section" aria-labelledby="bezirke"><h2 id="bezirke">Berichte nach {escape(top_name)} und Gebiet</h2>
<p class="table-note">{escape(_key_figure_note(figures, reference))}</p>
{notes}
{''.join(sections) or '<p>Dieser Lauf enthält keine Gebiete.</p>'}
</section>
{_earlier_section(earlier_runs(run_dir) if run_dir else [])}
{_key_section(configured_key(run_dir))}
<p>Eingangsdaten, Parameter und Prüfsummen: <a href="manifest.json">manifest.json</a>.</p>"""
    return _page(profile.page_title(f"Berichte {parameters.get('year', '')}"), body)


def write_portal(run_dir: Path, manifest: dict) -> Path:
    """Write ``index.html`` (portal), ``lauf.html`` (run log) and the configured public key into the run folder."""
    target = run_dir / "index.html"
    key = configured_key(run_dir)
    if isinstance(key, tuple):
        atomic_write_text(run_dir / PUBLIC_KEY_FILE, key[0])
    atomic_write_text(run_dir / LOG_PAGE, render_log(manifest, run_dir))
    atomic_write_text(target, render_portal(manifest, run_dir))
    return target
