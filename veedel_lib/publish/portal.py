"""The run's portal page ``index.html``: every report of a run, with its status, as one German page."""

from __future__ import annotations

from pathlib import Path

from ..files import atomic_write_text
from ..render import formatting as fmt
from ..render.markup import CONTENT_SECURITY_POLICY, escape
from ..reports.registry import title_of
from .html import TEMPLATES


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
        return "fertig"
    if entry["status"] == "interrupted":
        return "<strong>nicht fertig</strong> – Lauf abgebrochen; <code>veedel run --retry-failed</code> holt es nach"
    error = entry.get("error") or {}
    cell = f"Zelle {error['cell']}: " if error.get("cell") else ""
    return f"<strong>fehlgeschlagen</strong> – {escape(cell + error.get('error', '') + ': ' + error.get('message', ''))}"


def render_portal(manifest: dict) -> str:
    """The portal HTML for a manifest."""
    parameters = manifest.get("parameters", {})
    rows = []
    for entry in manifest.get("reports", []):
        title = title_of(entry["notebook"])
        rows.append(f"<tr><th scope=\"row\">{escape(entry['area_name'])}</th><td>{escape(title)}</td>"
                    f"<td>{_status(entry)}</td><td class=\"num\">{fmt.number(entry['duration_s'], 1)} s</td>"
                    f"<td>{_links(entry)}</td></tr>")
    summary = manifest.get("summary", {})
    created = manifest.get("created", "")
    created_text = f"{fmt.date(created)} {created[11:16]} Uhr" if created else ""
    pdf = manifest.get("pdf", {})
    pdf_note = "" if not pdf or pdf.get("status") == "ok" else \
        f'<p class="table-note">PDF: {escape(pdf.get("message", ""))}</p>'
    unfinished = f", {summary['interrupted']} nicht fertig (Lauf abgebrochen)" if summary.get("interrupted") else ""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8" />
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>Lebenswerte Veedel – Berichte {escape(str(parameters.get('year', '')))}</title>
<style>{css}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
</style>
</head>
<body>
<main id="inhalt">
<header class="report-title">
<p class="kicker">Stadt Köln · Lebenswerte Veedel</p>
<h1>Berichte des Laufs {escape(manifest.get('run_id', ''))}</h1>
<dl class="title-facts">
<dt>Berichtsjahr</dt><dd>{escape(str(parameters.get('year', '')))}</dd>
<dt>Erstellt</dt><dd>{escape(created_text)}</dd>
<dt>Ergebnis</dt><dd>{summary.get('ok', 0)} fertig, {summary.get('failed', 0)} fehlgeschlagen{unfinished}</dd>
<dt>Daten</dt><dd>{escape(str(parameters.get('data_dir', '')))}</dd>
</dl>
</header>
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
<p>Die Eingangsdaten, Parameter und Prüfsummen dieses Laufs stehen in <a href="manifest.json">manifest.json</a>.</p>
</main>
</body>
</html>
"""


def write_portal(run_dir: Path, manifest: dict) -> Path:
    """Write ``index.html`` into the run folder (atomically)."""
    target = run_dir / "index.html"
    atomic_write_text(target, render_portal(manifest))
    return target
