"""The plan workbook's schema: sheets, columns, vocabularies (``parameters/planung.yml``), plan periods.

Each area keeps its integrierte Sozialraumgebietsplanung in one workbook ``<data_dir>/plaene/<area_id>.xlsx``
with the sheets ``Plan`` (one row per plan period), ``Handlungserfordernisse``, ``Ziele``, ``Strategien``,
``Maßnahmen`` and ``Beschlüsse``. Every row of the other sheets names its plan period. The columns, their
types and vocabularies are declared here once with the workbook engine (:mod:`veedel_lib.workbook`) and used
by the validator (:mod:`.validation`), the template writer (:mod:`.templates`) and the prefill
(:mod:`.prefill`), so template and check never drift.

Column types: ``area`` (prefilled), ``period`` (a plan period such as 2021–2025, prefilled), ``code`` (the row's
own number, e.g. Z-1), ``refs`` (numbers of other rows or of Kernprozess projects), ``choice`` (a vocabulary),
``indicator`` (an indicator of indicators.yml), ``year``, ``number``, ``money`` (EUR), ``date``, ``text`` (public
text: names offices and organisations), ``drucksache``, and the private ``person`` and ``email`` columns, which
are read, checked and dropped (declared ``private``): public documents never name persons.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..params.run_config import parameters_dir as default_parameters_dir
from ..params.yamlfiles import parse_model
from ..workbook import Column, Sheet

PLANS_FOLDER = "plaene"
"""Sub-folder of a data folder that holds one plan workbook per area."""

INDICATOR_VOCABULARY = "indikatoren"
"""Name of the drop-down list of catalogue indicators (written from indicators.yml, not from planung.yml)."""
FIELD_VOCABULARY = "handlungsfelder"
"""The Handlungsfelder come from kernprozess.yml: plans and the Kernprozess documentation share them."""

DRUCKSACHE = re.compile(r"^(AN/)?\d{1,5}/\d{4}$")
"""Cologne's numbers of council papers: "1234/2021" (Vorlage) or "AN/0123/2021" (Antrag)."""
PROJECT_PREFIX = "P"

AREA_HELP = "Sozialraumgebiet, ist in der Vorlage vorausgefüllt (Name, Kennung oder Code des Gebiets dieser Datei)."
PERIOD_HELP = "Planungszeitraum, zu dem die Zeile gehört, z. B. 2021–2025 (muss auf dem Blatt „Plan“ stehen)."
DATE_UNIT = "Datum (TT.MM.JJJJ)"
MONEY_UNIT = "Euro, ohne Tausenderpunkt, höchstens zwei Nachkommastellen"


def _area() -> Column:
    return Column("Gebiet", "area", "area", True, AREA_HELP, width=28)


def _period() -> Column:
    return Column("Planungszeitraum", "period", "period", True, PERIOD_HELP, "JJJJ–JJJJ", width=14)


def _contact() -> tuple[Column, Column]:
    return (Column("Ansprechperson", "contact", "person", False, "Ansprechperson zur eigenen Orientierung.",
                   "Freitext (Person)", private=True, width=24),
            Column("E-Mail", "email", "email", False, "E-Mail-Adresse der Ansprechperson zur eigenen Orientierung.",
                   "name@beispiel.de", private=True, width=26))


SHEETS: tuple[Sheet, ...] = (
    Sheet("Plan", "plans", "Ein Planungszeitraum je Zeile: der Sozialraumgebietsplan des Gebiets für fünf Jahre.", (
        _area(),
        Column("Planungszeitraum", "period", "period", True, "Erstes und letztes Jahr des Plans, z. B. 2021–2025. "
               "Zeiträume eines Gebiets dürfen sich nicht überschneiden.", "JJJJ–JJJJ", width=14),
        Column("Planungskonferenz", "planning_conference", "date", False, "Tag der Planungskonferenz, die den Plan "
               "vorbereitet hat (oder vorbereiten wird).", DATE_UNIT, width=14),
        Column("Meilensteinkonferenz", "milestone_conference", "date", False, "Tag der Meilensteinkonferenz zur "
               "Halbzeit des Plans (geplant oder stattgefunden).", DATE_UNIT, width=14),
        Column("federführend", "lead", "text", True, "Federführende Stelle der Stadt (Amt oder Dienststelle, keine "
               "Person), z. B. „Stadt Köln, Sozialplanung“.", "Amt oder Dienststelle", width=34),
        *_contact(),
    )),
    Sheet("Handlungserfordernisse", "needs", "Ein Handlungserfordernis je Zeile: was das Gebiet mittelfristig braucht "
          "und woher die Erkenntnis kommt.", (
        _area(), _period(),
        Column("Nr.", "number", "code", True, "Nummer des Handlungserfordernisses im Plan (H-1, H-2, ...).", "H-n",
               prefix="H", width=8),
        Column("Quelle", "source", "choice", True, "Woher das Erfordernis kommt: aus der Sozialraumgebietsanalyse "
               "(ein Indikator mit Handlungsbedarf), aus einem Thema der Sozialraumkoordination (bottom-up) oder "
               "aus einem gesamtstädtischen Thema der Sozialplanung (top-down).", vocabulary="quellen", width=30),
        Column("Indikator", "indicator", "indicator", False, "Indikator der Analyse; Pflicht bei Quelle "
               "„Sozialraumgebietsanalyse“.", vocabulary=INDICATOR_VOCABULARY, width=36),
        Column("Handlungsfeld", "field", "choice", False, "Handlungsfeld; Pflicht bei Quelle „Thema der "
               "Sozialraumkoordination“ (dort muss ein an die Sozialplanung weitergegebenes Thema dokumentiert "
               "sein).", vocabulary=FIELD_VOCABULARY, width=34),
        Column("gesamtstädtisches Thema", "city_theme", "choice", False, "Thema der Sozialplanung; Pflicht bei "
               "Quelle „gesamtstädtisches Thema“.", vocabulary="gesamtstaedtische_themen", width=30),
        Column("Handlungserfordernis", "text", "text", True, "Was zu tun ist, in einem Satz (öffentlich, ohne "
               "Namen von Personen).", "Freitext", width=50),
    )),
    Sheet("Ziele", "goals", "Ein Wirkungsziel je Zeile: ein Indikator, sein Wert im Basisjahr (aus den Daten), "
          "der Zielwert und das Zieljahr.", (
        _area(), _period(),
        Column("Nr.", "number", "code", True, "Nummer des Ziels im Plan (Z-1, Z-2, ...).", "Z-n", prefix="Z",
               width=8),
        Column("Handlungserfordernis", "needs", "refs", False, "Nummern der Handlungserfordernisse, auf die das Ziel "
               "antwortet (z. B. H-1 oder H-1, H-3).", "H-n, durch Komma getrennt", prefix="H", width=16),
        Column("Indikator", "indicator", "indicator", True, "Indikator aus dem Indikatorenkatalog, an dem das Ziel "
               "gemessen wird.", vocabulary=INDICATOR_VOCABULARY, width=36),
        Column("Richtung", "direction", "choice", True, "Soll der Wert sinken oder steigen? Muss zur Richtung des "
               "Indikators passen.", vocabulary="richtungen", width=11),
        Column("Basisjahr", "baseline_year", "year", True, "Jahr des Ausgangswerts (spätestens das erste Jahr des "
               "Plans); für das Jahr müssen Daten vorliegen.", "Jahr (JJJJ)", width=10),
        Column("Basiswert (aus den Daten)", "baseline_typed", "number", False, "Wird nicht eingegeben, sondern aus "
               "den Daten übernommen; steht hier ein Wert, wird er mit den Daten verglichen.",
               "Wert in der Einheit des Indikators", width=14),
        Column("Zielwert", "target", "number", True, "Wert, den der Indikator im Zieljahr erreichen soll (in der "
               "Einheit des Indikators, z. B. Prozent).", "Zahl", width=10),
        Column("Zieljahr", "target_year", "year", True, "Jahr, in dem der Zielwert erreicht sein soll (nach dem "
               "Basisjahr).", "Jahr (JJJJ)", width=10),
        Column("Ziel", "text", "text", False, "Das Ziel in Worten (öffentlich).", "Freitext", width=44),
    )),
    Sheet("Strategien", "strategies", "Eine Strategie je Zeile: wie die Ziele erreicht werden sollen.", (
        _area(), _period(),
        Column("Nr.", "number", "code", True, "Nummer der Strategie im Plan (S-1, S-2, ...).", "S-n", prefix="S",
               width=8),
        Column("Ziele", "goals", "refs", False, "Nummern der Ziele, denen die Strategie dient.",
               "Z-n, durch Komma getrennt", prefix="Z", width=14),
        Column("Strategie", "text", "text", True, "Die Strategie in ein bis zwei Sätzen (öffentlich).", "Freitext",
               width=60),
    )),
    Sheet("Maßnahmen", "measures", "Eine Maßnahme je Zeile: wer was bis wann mit welchem Geld tut.", (
        _area(), _period(),
        Column("Nr.", "number", "code", True, "Nummer der Maßnahme im Plan (M-1, M-2, ...).", "M-n", prefix="M",
               width=8),
        Column("Titel", "title", "text", True, "Titel der Maßnahme (öffentlich).", "Freitext", width=40),
        Column("Handlungsfeld", "field", "choice", True, "Handlungsfeld der Maßnahme.", vocabulary=FIELD_VOCABULARY,
               width=34),
        Column("Ziele", "goals", "refs", False, "Nummern der Ziele, zu denen die Maßnahme beiträgt.",
               "Z-n, durch Komma getrennt", prefix="Z", width=14),
        Column("federführend", "lead", "text", True, "Verantwortliches Fachamt oder verantwortlicher Träger (keine "
               "Person).", "Amt oder Organisation", width=32),
        Column("Partner", "partners", "text", False, "Beteiligte Ämter und Organisationen (keine Personen), durch "
               "Komma getrennt.", "Freitext", width=32),
        Column("Beginn geplant", "planned_start", "date", True, "Geplanter Beginn laut Plan.", DATE_UNIT, width=13),
        Column("Ende geplant", "planned_end", "date", True, "Geplantes Ende laut Plan (nicht vor dem Beginn).",
               DATE_UNIT, width=13),
        Column("Beginn tatsächlich", "start", "date", False, "Tatsächlicher Beginn; Pflicht, sobald die Maßnahme "
               "läuft, abgeschlossen oder abgebrochen ist.", DATE_UNIT, width=13),
        Column("Ende tatsächlich oder voraussichtlich", "end", "date", False, "Tatsächliches Ende, bei laufenden "
               "Maßnahmen das voraussichtliche; Pflicht bei „abgeschlossen“ und „abgebrochen“.", DATE_UNIT, width=15),
        Column("Status", "status", "choice", True, "Aktueller Stand der Maßnahme.", vocabulary="massnahmenstatus",
               width=15),
        Column("Budget geplant (EUR)", "budget", "money", True, "Geplante Kosten der Maßnahme im Planungszeitraum.",
               MONEY_UNIT, width=14),
        Column("Mittel verausgabt (EUR)", "spent", "money", True, "Bisher ausgegebene Mittel (0, solange nichts "
               "ausgegeben ist).", MONEY_UNIT, width=14),
        Column("Förderprogramm", "funding", "choice", True, "Woher das Geld kommt.", vocabulary="foerderprogramme",
               width=32),
        Column("Projekt-Nr.", "projects", "refs", False, "Nummern der Projekte aus der Dokumentation der "
               "Kernprozesse, die die Maßnahme umsetzen (z. B. P-2022-07).", "P-JJJJ-NN, durch Komma getrennt",
               prefix=PROJECT_PREFIX, width=16),
        Column("Output-Indikator", "output", "text", False, "Woran die Leistung der Maßnahme gezählt wird, z. B. "
               "„erreichte Familien“.", "Freitext", width=26),
        Column("Output-Ziel", "output_target", "number", False, "Zielwert des Output-Indikators; Pflicht, wenn ein "
               "Output-Indikator genannt ist.", "Zahl ab 0", width=11),
        Column("Output-Ist", "output_actual", "number", False, "Bisher erreichter Wert des Output-Indikators.",
               "Zahl ab 0", width=11),
        *_contact(),
    )),
    Sheet("Beschlüsse", "decisions", "Ein Beschluss oder eine Empfehlung je Zeile: welches Gremium wann was "
          "entschieden hat.", (
        _area(), _period(),
        Column("Gremium", "committee", "choice", True, "Gremium, das beraten oder beschlossen hat.",
               vocabulary="gremien", width=30),
        Column("Datum", "date", "date", True, "Tag der Sitzung (nicht in der Zukunft).", DATE_UNIT, width=13),
        Column("Drucksachen-Nr.", "drucksache", "drucksache", False, "Nummer der Vorlage, z. B. 1234/2021 (Pflicht "
               "bei Bezirksvertretung, Ausschüssen und Rat).", "NNNN/JJJJ", width=14),
        Column("Beschluss", "kind", "choice", True, "Was entschieden wurde.", vocabulary="beschlussarten", width=30),
        Column("Ziele", "goals", "refs", False, "Nummern der Ziele, die der Beschluss betrifft (leer: der ganze "
               "Plan).", "Z-n, durch Komma getrennt", prefix="Z", width=14),
        Column("Inhalt", "text", "text", False, "Was beschlossen wurde, in einem Satz (öffentlich).", "Freitext",
               width=44),
    )),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
SHEET_BY_KEY = {s.key: s for s in SHEETS}


# ----------------------------------------------------------------------------- plan periods

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:-|–|—|bis)\s*(\d{4})\s*$")


def parse_period(text: str) -> tuple[int, int] | None:
    """First and last year of a plan period written "2021–2025" (also with "-" or "bis"); None if not one."""
    match = _PERIOD.match(str(text))
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def period_label(start: int, end: int) -> str:
    """A plan period as reports write it: "2021–2025" (with an en dash)."""
    return f"{start}–{end}"


# ----------------------------------------------------------------------------- parameters

class PlanningConfig(BaseModel):
    """``parameters/planung.yml``: vocabularies and rules of the plan workbooks."""

    model_config = ConfigDict(extra="forbid")

    first_year: int = Field(2015, ge=1975)
    period_years: int = Field(5, ge=1, le=10)
    goal_tolerance: float = Field(0.05, ge=0)
    vocabularies: dict[str, list[str]]
    political_committees: list[str]
    started_statuses: list[str]
    finished_statuses: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> "PlanningConfig":
        needed = {c.vocabulary for s in SHEETS for c in s.columns if c.vocabulary} - {INDICATOR_VOCABULARY,
                                                                                    FIELD_VOCABULARY}
        missing = sorted(needed - set(self.vocabularies))
        if missing:
            raise ValueError(f"vocabularies: es fehlen {', '.join(missing)}")
        if self.vocabularies["richtungen"] != ["senken", "steigern"]:
            raise ValueError("vocabularies.richtungen muss genau [senken, steigern] sein")
        if len(self.vocabularies["quellen"]) != 3:
            raise ValueError("vocabularies.quellen braucht genau drei Quellen (Analyse, bottom-up, top-down)")
        for name, values, vocabulary in (("political_committees", self.political_committees, "gremien"),
                                         ("started_statuses", self.started_statuses, "massnahmenstatus"),
                                         ("finished_statuses", self.finished_statuses, "massnahmenstatus")):
            unknown = [v for v in values if v not in self.vocabularies[vocabulary]]
            if unknown:
                raise ValueError(f"{name}: {', '.join(unknown)} nicht in vocabularies.{vocabulary}")
        return self

    @property
    def analysis_source(self) -> str:
        """The source "Sozialraumgebietsanalyse" (first of ``quellen``)."""
        return self.vocabularies["quellen"][0]

    @property
    def bottom_up_source(self) -> str:
        """The source of themes found by the Sozialraumkoordination (second of ``quellen``)."""
        return self.vocabularies["quellen"][1]

    @property
    def top_down_source(self) -> str:
        """The source of city-wide themes of the Sozialplanung (third of ``quellen``)."""
        return self.vocabularies["quellen"][2]


def load_config(parameters_dir: str | Path | None = None) -> PlanningConfig:
    """Read ``planung.yml`` from the parameters folder; errors name line and key."""
    return parse_model(default_parameters_dir(parameters_dir) / "planung.yml", PlanningConfig)
