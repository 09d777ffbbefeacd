"""Report blocks of the Kernprozesse: Kernprozessindikatoren, Programmcontrolling, themes and projects by field.

Used by the evaluation (one area) and the Jahresbericht (all areas). The documentation is read from the
data folder's ``dokumentation/`` sub-folder; without it the sections say so instead of failing, because
statistics can be analysed before the first documentation exists. A documentation with errors fails
with the validator's clear error. Person figures (residents reached, participants) carry the person
threshold of kernprozess.yml, so the report's disclosure control hides them when small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..kernprozess.controlling import LIGHTS
from ..kernprozess.results import Kernprozesse, load_kernprozesse  # noqa: F401 (used by the reports)
from ..render import formatting as fmt
from ..render.blocks import Block, Col, TableBlock, TextBlock

PROGRAMME_INDICATORS = ("themen_erkannt", "anteil_weitergegeben", "projekte_entwickelt", "mittel_bewilligt",
                        "gremiensitzungen", "teilnehmende")
"""Kernprozessindikatoren shown side by side for all areas in the Jahresbericht."""

SHORT_HEADERS = {"themen_erkannt": "Themen", "anteil_weitergegeben": "davon weiter­gegeben",
                 "projekte_entwickelt": "neue Projekte", "mittel_bewilligt": "Mittel bewilligt",
                 "gremiensitzungen": "Sitzungen", "teilnehmende": "Teil­nahmen"}
"""Column headers of the side-by-side tables (with soft hyphens): full labels do not fit 15 areas on A4."""

TOTAL = "Alle Gebiete"


def missing_documentation(area_name: str | None = None) -> list[Block]:
    """What the report says when no documentation was supplied."""
    where = f"für {area_name} " if area_name else ""
    # how the documentation is made (templates, folder) is said in the notebooks' editing notes, not to committees
    return [TextBlock(f"Eine Dokumentation der Kernprozesse liegt {where}noch nicht vor.")]


def _with_threshold(frame: pd.DataFrame, kp: Kernprozesse) -> pd.DataFrame:
    labels = kp.labels
    frame = frame.copy()
    for column in ("label", "process", "unit", "threshold"):
        frame[column] = frame["indicator"].map(labels[column])
    return frame


def area_indicator_table(kp: Kernprozesse, area_id: str, area_name: str, year: int) -> list[Block]:
    """The Kernprozessindikatoren of one area for every documented year up to ``year``, by core process."""
    values = kp.values[(kp.values["area_id"] == area_id) & (kp.values["year"] <= year)]
    if values.empty:
        return missing_documentation(area_name)
    wide = values.pivot(index="indicator", columns="year", values="value")
    years = [int(y) for y in wide.columns]
    processes = list(dict.fromkeys(s.process for s in kp.config.indicators))
    order = [s.id for p in processes for s in kp.config.indicators if s.process == p]
    frame = wide.reindex(order).reset_index()
    frame.columns = ["indicator"] + [f"y{y}" for y in years]
    frame = _with_threshold(frame, kp)
    columns = [Col("process", "Kernprozess"), Col("label", "Indikator")]
    for y in years:
        frame[f"n{y}"] = frame[f"y{y}"].where(frame["unit"] == "Personen")
        columns += [Col(f"n{y}", f"Personen {y}", "count", threshold="threshold", show=False),
                    Col(f"y{y}", str(y), "measure", unit="unit", based_on=(f"n{y}",))]
    return [TableBlock("kernprozessindikatoren", f"Kernprozessindikatoren {area_name} {years[0]} bis {years[-1]}",
                       frame, columns,
                       note="Gezählt nach dem Datum des Eintrags (Themen, Sitzungen) bzw. nach Beginn oder Ende "
                            "(Projekte). Teilnahmen und erreichte Bewohner*innen können dieselbe Person mehrfach "
                            "zählen. Quelle: Dokumentation der Sozialraumkoordination.")]


def _controlling_columns() -> list[Col]:
    return [
        Col("label", "Indikator"),
        Col("n_target", "Personen Ziel", "count", threshold="threshold", show=False),
        Col("n_actual", "Personen Ist", "count", threshold="threshold", show=False),
        Col("target", "Ziel", "measure", unit="unit"),
        Col("actual", "Ist", "measure", unit="unit", based_on=("n_actual",)),
        Col("attainment", "Zielerreichung", "share", decimals=0, based_on=("n_actual",)),
        Col("light_text", "Ampel"),
    ]


def _light_text(table: pd.DataFrame) -> pd.Series:
    return table["symbol"] + " " + table["verdict"]


def _summary(table: pd.DataFrame) -> str:
    counts = table["light"].value_counts()
    parts = [f"{counts.get(state, 0)} {LIGHTS[state][1]}" for state in ("reached", "partly", "missed")]
    text = f"Von {len(table)} vereinbarten Zielen wurden {fmt.join(parts)}"
    if counts.get("none", 0):
        text += f"; für {counts['none']} fehlt der Istwert (nicht dokumentiert)"
    return text + "."


def area_controlling(kp: Kernprozesse, area_id: str, area_name: str, year: int) -> list[Block]:
    """Programmcontrolling of one area in ``year``: target, actual, attainment and traffic light per target."""
    table = kp.controlling[(kp.controlling["area_id"] == area_id) & (kp.controlling["year"] == year)].copy()
    if table.empty:
        agreed = sorted(y for y in kp.targets.targets(area_id) if y <= year)
        hint = f" (Ziele gibt es für {fmt.join([str(y) for y in agreed])})" if agreed else ""
        return [TextBlock(f"Für {area_name} ist für {year} keine Zielvereinbarung hinterlegt{hint}.")]
    table["light_text"] = _light_text(table)
    persons = table["unit"] == "Personen"
    table["n_target"] = table["target"].where(persons)
    table["n_actual"] = table["actual"].where(persons)
    thresholds = kp.targets.thresholds
    return [
        TextBlock(f"**Zielvereinbarung {year}:** {_summary(table)}"),
        TableBlock("controlling", f"Programmcontrolling {area_name} {year}: Ziel und Ist", table,
                   _controlling_columns(),
                   note=f"Ampel: {LIGHTS['reached'][0]} erreicht ab {fmt.number(thresholds.reached, 0)} % "
                        f"Zielerreichung, {LIGHTS['partly'][0]} teilweise erreicht ab "
                        f"{fmt.number(thresholds.partly, 0)} %, {LIGHTS['missed'][0]} darunter. Wo weniger besser "
                        "ist (abgebrochene Projekte), gilt das Ziel bis zum Zielwert als erreicht."),
    ]


def programme_indicator_table(kp: Kernprozesse, year: int, area_names: dict[str, str], area_term: str,
                              total: str = TOTAL, name: str = "kernprozessindikatoren_gebiete") -> list[Block]:
    """Selected Kernprozessindikatoren of the areas ``area_names`` in ``year`` side by side, with their total.

    ``area_term`` heads the areas' column: the programme's word for an area (``raumbezug.yml``, Cologne:
    "Sozialraumgebiet"). ``total`` labels the row that sums the listed areas (all of them in the Jahresbericht, a
    Bezirk's in the Bezirksbericht); the table is named ``name``. Person counts in the total are protected against
    differencing (secondary suppression with the total row).
    """
    values = kp.values[(kp.values["year"] == year) & kp.values["area_id"].isin(list(area_names))]
    if values.empty:
        return [TextBlock(f"Für {year} liegt keine Dokumentation der Kernprozesse vor.")]
    chosen = [i for i in PROGRAMME_INDICATORS if i in set(values["indicator"])]
    wide = values.pivot(index="area_id", columns="indicator", values="value")
    totals = _programme_totals(kp, year, list(area_names))
    frame = wide[chosen].reindex(list(area_names)).reset_index()
    frame.insert(0, "area", frame["area_id"].map(area_names))
    frame = pd.concat([frame, pd.DataFrame([{"area": total, **{i: totals[i] for i in chosen}}])], ignore_index=True)
    columns = [Col("area", area_term)] + _measure_columns(frame, kp, chosen)
    caption = f"Kernprozessindikatoren der {len(area_names)} Gebiete {year}" if total == TOTAL else \
        f"Kernprozessindikatoren {year}: {total}"
    return [TableBlock(name, caption, frame,
                       columns, total_row=None if total == TOTAL else total, note="Themen: im Jahr erkannte sozialräumliche Themen, davon der Anteil, der an die Sozialplanung "
                            "weitergegeben wurde; neue Projekte mit Beginn im Jahr und ihre bewilligten Mittel; Sitzungen "
                            "von Netzwerken und Gremien und die Teilnahmen daran. Anteile der Gesamtzeile aus den "
                            "summierten Zahlen aller Gebiete berechnet.")]


def _measure_columns(frame: pd.DataFrame, kp: Kernprozesse, indicators: list[str]) -> list[Col]:
    """Columns for Kernprozessindikatoren side by side: each value in its unit, and for persons the hidden
    count that decides its disclosure (unit, threshold and count columns are added to ``frame``)."""
    labels = kp.labels
    columns = []
    for indicator in indicators:
        unit = labels.loc[indicator, "unit"]
        frame[f"unit_{indicator}"] = unit
        frame[f"threshold_{indicator}"] = int(labels.loc[indicator, "threshold"])
        frame[f"n_{indicator}"] = frame[indicator] if unit == "Personen" else np.nan
        header = SHORT_HEADERS.get(indicator, labels.loc[indicator, "label"])
        columns += [Col(f"n_{indicator}", header, "count", threshold=f"threshold_{indicator}", show=False),
                    Col(indicator, header, "measure", unit=f"unit_{indicator}", based_on=(f"n_{indicator}",))]
    return columns


def _programme_totals(kp: Kernprozesse, year: int, area_ids: list[str] | None = None) -> dict[str, float]:
    """Each indicator summed over the areas (all, or ``area_ids``); ratios recomputed from the summed parts."""
    values = kp.values[kp.values["year"] == year]
    if area_ids is not None:
        values = values[values["area_id"].isin(area_ids)]
    values = values.groupby("indicator")["value"].sum(min_count=1)
    totals = {}
    for spec in kp.config.indicators:
        if spec.measure == "ratio":
            denominator = values.get(spec.denominator, np.nan)
            totals[spec.id] = 100 * values.get(spec.numerator, np.nan) / denominator if denominator else np.nan
        else:
            totals[spec.id] = values.get(spec.id, np.nan)
    return totals


def programme_controlling(kp: Kernprozesse, year: int, area_names: dict[str, str], area_term: str,
                          name: str = "controlling_gebiete") -> list[Block]:
    """Traffic lights of the areas ``area_names`` in ``year``: how many targets were reached, partly, missed;
    ``area_term`` heads the areas' column (the programme's word for an area, ``raumbezug.yml``)."""
    table = kp.controlling[(kp.controlling["year"] == year) & kp.controlling["area_id"].isin(list(area_names))]
    if table.empty:
        return [TextBlock(f"Für {year} ist keine Zielvereinbarung hinterlegt.")]
    rows = []
    for area_id, area_name in area_names.items():
        own = table[table["area_id"] == area_id]
        counts = own["light"].value_counts()
        missed = own.loc[own["light"] == "missed", "label"].tolist()
        rows.append({"area": area_name, "targets": len(own), **{k: int(counts.get(k, 0)) for k in LIGHTS},
                     "missed_labels": fmt.join(missed) if missed else "–"})
    frame = pd.DataFrame(rows)
    columns = [Col("area", area_term), Col("targets", "Ziele", "integer"),
               Col("reached", "erreicht", "integer"), Col("partly", "teilweise", "integer"),
               Col("missed", "nicht erreicht", "integer")]
    if frame["none"].any():
        columns.append(Col("none", "ohne Istwert", "integer"))
    columns.append(Col("missed_labels", "Nicht erreicht bei"))
    return [
        TextBlock(f"**Programmcontrolling {year}:** {_summary(table)}"),
        TableBlock(name, f"Zielerreichung der {len(area_names)} Gebiete {year}" if name == "controlling_gebiete" else
                   f"Zielerreichung {year}: {fmt.join(list(area_names.values()))}", frame, columns,
                   note=f"Zahl der vereinbarten Ziele je Ampelstufe: {LIGHTS['reached'][0]} erreicht, "
                        f"{LIGHTS['partly'][0]} teilweise erreicht, {LIGHTS['missed'][0]} nicht erreicht "
                        "(Schwellen nach der Zielvereinbarung)."),
    ]


def by_field(kp: Kernprozesse, year: int) -> list[Block]:
    """Themes and projects of all areas in ``year`` by field of action (Handlungsfeld)."""
    doc = kp.documentation
    themes = doc.themes[doc.themes["year"] == year]
    projects = doc.projects
    started = projects[projects["start_year"] == year]
    running = projects[(projects["start_year"] <= year) & (projects["end_year"].isna() | (projects["end_year"] >= year))
                       & (projects["status"] != "abgebrochen")]
    fields = kp.config.vocabularies["handlungsfelder"]
    frame = pd.DataFrame({
        "field": fields,
        "themes": themes.groupby("field").size().reindex(fields, fill_value=0).to_numpy(),
        "passed": themes[themes["passed"]].groupby("field").size().reindex(fields, fill_value=0).to_numpy(),
        "started": started.groupby("field").size().reindex(fields, fill_value=0).to_numpy(),
        "running": running.groupby("field").size().reindex(fields, fill_value=0).to_numpy(),
        "granted": started.groupby("field")["funds_granted"].sum().reindex(fields, fill_value=0.0).to_numpy(),
    })
    frame["unit"] = "EUR"
    if not len(themes) and not len(running):
        return [TextBlock(f"Für {year} sind keine Themen und Projekte dokumentiert.")]
    top = frame.sort_values("themes", ascending=False).iloc[0]
    text = (f"{year} wurden in den Gebieten {fmt.integer(len(themes))} sozialräumliche Themen erkannt, davon "
            f"{fmt.integer(int(themes['passed'].sum()))} an die Sozialplanung weitergegeben; "
            f"{fmt.integer(len(started))} Projekte begannen, {fmt.integer(len(running))} liefen im Jahr. "
            f"Die meisten Themen betrafen das Handlungsfeld „{top['field']}“ ({fmt.integer(top['themes'])}).")
    return [TextBlock(text), TableBlock("themen_projekte_handlungsfelder",
                                        f"Themen und Projekte nach Handlungsfeld {year} (alle Gebiete)", frame, [
        Col("field", "Handlungsfeld"), Col("themes", "Themen", "integer"),
        Col("passed", "davon weitergegeben", "integer"), Col("started", "Projekte begonnen", "integer"),
        Col("running", "Projekte laufend", "integer"), Col("granted", "Mittel bewilligt", "measure", unit="unit"),
    ], note="Projekte laufend: im Jahr begonnen oder fortgeführt, nicht abgebrochen. Mittel der im Jahr "
            "begonnenen Projekte.")]


def programme_development(kp: Kernprozesse, year: int) -> list[Block]:
    """The programme's Kernprozessindikatoren per year (all areas together), up to ``year``."""
    years = [y for y in kp.years if y <= year]
    rows = []
    for y in years:
        totals = _programme_totals(kp, y)
        rows.append({"year": y, **{i: totals[i] for i in PROGRAMME_INDICATORS}})
    frame = pd.DataFrame(rows)
    columns = [Col("year", "Jahr", "year")] + _measure_columns(frame, kp, list(PROGRAMME_INDICATORS))
    return [TableBlock("kernprozesse_entwicklung", f"Kernprozessindikatoren aller Gebiete {years[0]} bis {years[-1]}",
                       frame, columns)]
