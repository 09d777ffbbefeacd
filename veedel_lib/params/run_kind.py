"""Run kinds: whether a run is the complete, official one or partial or on other data or parameters.

A run is *complete* when it holds every report of the project's ``run.yml`` on the configured data and parameters,
for all areas, every report ok; *partial* when it covers only some reports or areas or not every report finished;
*on other data or parameters* when its data folder, parameters folder or run configuration is not the configured
one (a copy to try something, a reproduction). The runner records the kind in the manifest (``scope`` before the
run, ``run_kind`` after it); the portal shows it for every earlier run, ``veedel vergleiche`` compares the last two
complete runs.
"""

from __future__ import annotations


RUN_KINDS = {"complete": "vollständig", "partial": "teilweise", "other_inputs": "andere Daten oder Parameter"}
"""The kinds of run (manifest key ``run_kind.kind``) and their German names on the portal and in the CLI."""


def run_scope(*, reports: list[str], configured_reports: list[str], areas: list[str], all_areas: list[str],
              other_inputs: list[str]) -> dict:
    """What a run covers compared with the configured one, before it runs (manifest key ``scope``).

    ``reports``/``areas`` are what the run was asked for, ``configured_reports`` the reports of the project's
    ``run.yml`` and ``all_areas`` every area of the parameters; ``other_inputs`` names (German) where the data or
    parameters differ from the configured ones (empty: the configured data and parameters)."""
    return {"missing_reports": [r for r in configured_reports if r not in reports],
            "extra_reports": [r for r in reports if r not in configured_reports],
            "missing_areas": [a for a in all_areas if a not in areas],
            "other_inputs": list(other_inputs)}


def run_kind(scope: dict | None, entries: list[dict]) -> dict:
    """The kind of a finished run (manifest key ``run_kind``): ``complete`` (every report of ``run.yml`` on the
    configured data and parameters, all areas, every report ok), ``other_inputs`` (other data or parameters) or
    ``partial`` (some reports or areas, or not every report ok), with the German reasons and the number of reports.
    Manifests written before run kinds existed have no scope: their kind is ``None`` (unknown)."""
    count = len(entries)
    if scope is None:
        return {"kind": None, "reasons": ["vor der Erfassung der Laufart erstellt"], "reports": count}
    if scope.get("other_inputs"):
        return {"kind": "other_inputs", "reasons": list(scope["other_inputs"]), "reports": count}
    reasons = []
    if scope.get("missing_reports"):
        reasons.append("ohne die Berichte " + ", ".join(scope["missing_reports"]))
    if scope.get("extra_reports"):
        reasons.append("mit zusätzlichen Berichten " + ", ".join(scope["extra_reports"]))
    if scope.get("missing_areas"):
        reasons.append(f"{len(scope['missing_areas'])} Gebiete nicht berechnet")
    unfinished = sum(e.get("status") != "ok" for e in entries)
    if unfinished:
        reasons.append(f"{unfinished} Berichte nicht fertig")
    return {"kind": "partial" if reasons else "complete", "reasons": reasons, "reports": count}


def kind_of(manifest: dict) -> dict:
    """The run kind a manifest records, else the one derived from its scope (also for manifests without one)."""
    recorded = manifest.get("run_kind")
    if isinstance(recorded, dict) and recorded.get("kind") in RUN_KINDS:
        return recorded
    reports = manifest.get("reports")
    return run_kind(manifest.get("scope"), reports if isinstance(reports, list) else [])
