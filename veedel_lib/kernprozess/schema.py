"""The Kernprozess documentation's schema: sheets, columns, vocabularies and Kernprozessindikatoren.

Each area documents its work in one workbook ``<data_dir>/dokumentation/<area_id>.xlsx`` with the sheets
``Themen`` (sozialräumliche Themen), ``Projekte`` and ``Gremien`` (meetings of networks and committees).
The columns, their types and the fixed vocabularies (``parameters/kernprozess.yml``) are declared here once
with the workbook engine (:mod:`veedel_lib.workbook`) and used both by the validator (:mod:`.documentation`)
and the templates (:mod:`.templates`), so template and check never drift. Column types: ``area``, ``date``,
``choice``, ``count``, ``money``, ``text``, ``code`` (the project number). The Kernprozessindikatoren (counts,
sums and ratios per area and year) are defined as data in ``kernprozess.yml`` and computed by :mod:`.indicators`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ConfigurationError
from ..params.run_config import parameters_dir as default_parameters_dir
from ..params.yamlfiles import KERNPROZESS_ID_PATTERN, parse_model
from ..workbook import Column, Sheet

DOCUMENTATION_FOLDER = "dokumentation"
"""Sub-folder of a data folder that holds one documentation workbook per area."""

PROJECT_NUMBER = r"^P-\d{4}-\d{2,3}$"
"""Pattern of the public project number (``P-2022-07``): "P", the year the project was entered, a running number."""


AREA_HELP = "Sozialraumgebiet, ist in der Vorlage vorausgefüllt (Name, Kennung oder Code des Gebiets dieser Datei)."

SHEETS: tuple[Sheet, ...] = (
    Sheet("Themen", "themes", "Ein sozialräumliches Thema je Zeile (Kernprozess „Ermittlung sozialräumlicher Themen“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Datum", "date", "date", True, "Tag, an dem das Thema erkannt wurde.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Handlungsfeld", "field", "choice", True, "Handlungsfeld, dem das Thema zugeordnet ist.",
               vocabulary="handlungsfelder", width=38),
        Column("Quelle", "source", "choice", True, "Woher das Thema kommt.", vocabulary="themenquellen", width=24),
        Column("Status", "status", "choice", True, "Aktueller Stand des Themas.", vocabulary="themenstatus", width=16),
        Column("an Sozialplanung weitergegeben", "passed", "choice", True,
               "Wurde das Thema an die Sozialplanung der Stadt weitergegeben?", vocabulary="ja_nein", width=16),
        Column("Titel", "title", "text", True, "Kurzer Titel des Themas zur eigenen Orientierung.", "Freitext",
               private=True, width=45),
    )),
    Sheet("Projekte", "projects", "Ein Projekt je Zeile (Kernprozesse „Projektentwicklung“ und „Umsetzungsbegleitung“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Projekt-Nr.", "number", "code", True, "Öffentliche Nummer des Projekts, eindeutig in der Datei: „P“, "
               "Jahr der Erfassung, laufende Nummer (z. B. P-2022-07). Maßnahmen des Sozialraumgebietsplans verweisen "
               "mit ihr auf das Projekt.", "P-JJJJ-NN", width=13),
        Column("Handlungsfeld", "field", "choice", True, "Handlungsfeld des Projekts.", vocabulary="handlungsfelder",
               width=38),
        Column("Beginn", "start", "date", True, "Beginn des Projekts (bei Projekten in Entwicklung: geplanter Beginn).",
               "Datum (TT.MM.JJJJ)", width=13),
        Column("Ende", "end", "date", False, "Ende des Projekts; Pflicht bei Status „abgeschlossen“ oder „abgebrochen“, "
               "nicht vor dem Beginn.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Status", "status", "choice", True, "Aktueller Stand des Projekts.", vocabulary="projektstatus", width=16),
        Column("Mittel beantragt (EUR)", "funds_applied", "money", True, "Summe der beantragten Fördermittel.",
               "Euro, ohne Tausenderpunkt, höchstens zwei Nachkommastellen", width=16),
        Column("Mittel bewilligt (EUR)", "funds_granted", "money", True,
               "Summe der bewilligten Fördermittel (0, solange nichts bewilligt ist; höchstens die beantragten Mittel).",
               "Euro, ohne Tausenderpunkt, höchstens zwei Nachkommastellen", width=16),
        Column("Partnerorganisationen (Anzahl)", "partners", "count", True,
               "Zahl der beteiligten Partnerorganisationen.", "ganze Zahl ab 0", width=16),
        Column("erreichte Bewohner*innen (Anzahl)", "residents", "count", True,
               "Zahl der erreichten Bewohner*innen (geschätzt, wenn nicht gezählt).", "ganze Zahl ab 0", width=18),
        Column("Projektname", "name", "text", True, "Name des Projekts zur eigenen Orientierung.", "Freitext",
               private=True, width=40),
        Column("Ansprechperson", "contact", "text", False, "Ansprechperson beim Träger oder Partner.",
               "Freitext (Person)", private=True, width=28),
    )),
    Sheet("Gremien", "meetings", "Eine Sitzung eines Netzwerks oder Gremiums je Zeile (Kernprozess „Koordination und "
          "Vernetzung“).", (
        Column("Gebiet", "area", "area", True, AREA_HELP, width=30),
        Column("Art", "type", "choice", True, "Art der Sitzung.", vocabulary="gremienarten", width=24),
        Column("Datum", "date", "date", True, "Tag der Sitzung.", "Datum (TT.MM.JJJJ)", width=13),
        Column("Teilnehmende (Anzahl)", "participants", "count", True, "Zahl der Teilnehmenden.", "ganze Zahl ab 0",
               width=16),
        Column("Organisationen (Anzahl)", "organisations", "count", True, "Zahl der vertretenen Organisationen.",
               "ganze Zahl ab 0", width=16),
        Column("Notiz", "note", "text", False, "Notiz zur Sitzung zur eigenen Orientierung.", "Freitext",
               private=True, width=45),
    )),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}


# ----------------------------------------------------------------------------- parameters

Unit = Literal["Anzahl", "Personen", "EUR", "Prozent"]


class IndicatorSpec(BaseModel):
    """One Kernprozessindikator: how it is computed from the documentation."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KERNPROZESS_ID_PATTERN)
    label: str
    process: str
    unit: Unit
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    measure: Literal["count", "sum", "ratio"]
    sheet: str | None = None
    year_of: str | None = None
    column: str | None = None
    where: dict[str, list[str]] = {}
    numerator: str | None = None
    denominator: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _complete(self) -> "IndicatorSpec":
        if self.measure == "ratio":
            if not (self.numerator and self.denominator):
                raise ValueError("ratio braucht numerator und denominator")
            return self
        if self.sheet not in SHEET_BY_NAME:
            raise ValueError(f"unbekanntes Blatt {self.sheet!r} (erlaubt: {', '.join(SHEET_BY_NAME)})")
        sheet = SHEET_BY_NAME[self.sheet]
        headers = {c.header: c for c in sheet.columns}
        if self.year_of not in headers or headers[self.year_of].type != "date":
            raise ValueError(f"year_of muss eine Datumsspalte des Blatts {self.sheet} sein")
        if self.measure == "sum" and (self.column not in headers or headers[self.column].type not in ("count", "money")):
            raise ValueError(f"column muss eine Zahlenspalte des Blatts {self.sheet} sein")
        for name in self.where:
            if name not in headers or headers[name].type != "choice":
                raise ValueError(f"where: {name!r} ist keine Auswahlspalte des Blatts {self.sheet}")
        return self

    @property
    def is_persons(self) -> bool:
        return self.unit == "Personen"


class KernprozessConfig(BaseModel):
    """``parameters/kernprozess.yml``: vocabularies and indicators."""

    model_config = ConfigDict(extra="forbid")

    first_year: int = Field(2020, ge=1975)
    person_threshold: int = Field(3, ge=0)
    vocabularies: dict[str, list[str]]
    indicators: list[IndicatorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "KernprozessConfig":
        needed = {c.vocabulary for s in SHEETS for c in s.columns if c.vocabulary}
        missing = sorted(needed - set(self.vocabularies))
        if missing:
            raise ValueError(f"vocabularies: es fehlen {', '.join(missing)}")
        if self.vocabularies["ja_nein"] != ["ja", "nein"]:
            raise ValueError("vocabularies.ja_nein muss genau [ja, nein] sein")
        ids = [i.id for i in self.indicators]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"doppelte Indikatoren: {', '.join(duplicates)}")
        for spec in self.indicators:
            for ref in (spec.numerator, spec.denominator):
                if ref is not None and ref not in ids:
                    raise ValueError(f"Indikator {spec.id}: {ref!r} ist kein Indikator")
            for name, values in spec.where.items():
                vocabulary = self.vocabularies[SHEET_BY_NAME[spec.sheet].column(name).vocabulary]
                unknown = [v for v in values if v not in vocabulary]
                if unknown:
                    raise ValueError(f"Indikator {spec.id}: {', '.join(unknown)} nicht in der Liste für {name}")
        return self

    def indicator(self, indicator_id: str) -> IndicatorSpec:
        for spec in self.indicators:
            if spec.id == indicator_id:
                return spec
        raise ConfigurationError(f"Unbekannter Kernprozessindikator '{indicator_id}' (parameters/kernprozess.yml)")

    def threshold(self, spec: IndicatorSpec) -> int:
        """Publish threshold of an indicator's values: the person threshold for persons, else 0."""
        return self.person_threshold if spec.is_persons else 0


def load_config(parameters_dir: str | Path | None = None) -> KernprozessConfig:
    """Read ``kernprozess.yml`` from the parameters folder; errors name line and key."""
    return parse_model(default_parameters_dir(parameters_dir) / "kernprozess.yml", KernprozessConfig)


