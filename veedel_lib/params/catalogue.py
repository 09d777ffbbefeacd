"""The indicator catalogue (``parameters/indicators.yml``): variables, indicators, published figures.

A *variable* is a count that the statistics deliver per statistical unit and year (residents aged
6-14, SGB II recipients, ...). An *indicator* is a rate built from summed variables: the sum of its
numerator variables over the sum of its denominator variables. Both sums are taken over all units of
an area first; rates are never averaged (see :mod:`veedel_lib.analysis.indicators`).

Many cities publish some indicators only as rates per unit (a share in %, no counts). Such a *published rate* is
a variable with ``kind: rate`` (its values are the rate in the indicator's unit, e.g. 70,6 for 70,6 %), named by
the indicator's ``rate:``; the indicator then needs no numerator and denominator, or uses the rate where its counts
are missing. A published rate is taken as it stands for a single unit only: it has no counts, so it cannot be
summed into an area or the city, has no confidence interval and is never smoothed or disclosure-controlled as a
count; the reports say so (:meth:`Catalogue.rate_notes`). The *programme figures*
are the shares of the 15 areas in the city total that the council resolution publishes.

Adding an indicator needs only a new entry in the YAML file: the reports list every indicator of the
catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ConfigurationError, DataValidationError
from .yamlfiles import CATALOGUE_ID_PATTERN, load_yaml, parse_model, problem_at

Direction = Literal["higher_is_worse", "higher_is_better", "neutral"]
RateUnit = Literal["percent", "per_1000"]

LEBENSLAGEN = (
    "Bevölkerung",
    "Gesundheit",
    "Bildung",
    "Erwerbstätigkeit",
    "Einkommen und materieller Lebensstandard",
    "Soziale, gesellschaftliche und politische Einbindung",
    "Wohnen",
    "Umwelt und Mobilität",
)
"""The Lebenslagen that structure the analysis (as in the city's Lebenslagenbericht), plus population."""

_ID_PATTERN = CATALOGUE_ID_PATTERN


def is_favourable(direction: str, change: float) -> bool | None:
    """Whether a change (or a difference to the city) of ``change`` points is favourable.

    By the indicator's direction: a fall is favourable where higher is worse, a rise where higher is
    better. None for neutral indicators and for a change of zero or NaN (nothing to judge).
    """
    if direction == "neutral" or not change or change != change:
        return None
    return bool((change < 0) == (direction == "higher_is_worse"))


class Variable(BaseModel):
    """A count delivered per statistical unit and year, or (``kind: rate``) a rate the city published per unit."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    source: str
    publish_threshold: int | None = Field(None, ge=1)
    """Smallest publishable count; None: the rule of the variable's source (:attr:`Catalogue.sources`)."""
    kind: Literal["count", "rate"] = "count"
    """``rate``: the values are a published rate per unit in the unit of the indicator that names it (``rate:``),
    decimals allowed, no counts behind them (no publish threshold needed)."""


class SourceRule(BaseModel):
    """Disclosure rule of a data source, e.g. the Bundesagentur für Arbeit publishes counts from 10."""

    model_config = ConfigDict(extra="forbid")

    publish_threshold: int = Field(ge=1)


class Indicator(BaseModel):
    """A rate: summed numerator variables over summed denominator variables."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    short_label: str | None = None
    description: str = ""
    lebenslage: str
    numerator: list[str] = []
    denominator: list[str] = []
    rate: str | None = None
    """A variable with ``kind: rate``: the rate as the city published it per unit. Alone it replaces numerator and
    denominator; with them it is used where their counts are missing."""
    direction: Direction
    unit: RateUnit = "percent"
    source: str
    publish_threshold: int | None = Field(None, ge=1)
    bounded: bool = True
    """True when the numerator counts a subset of the denominator, so the rate cannot exceed 100 %."""
    latest_available: bool = False
    """True for figures collected only in some years (elections): a year uses the latest data up to it."""

    @field_validator("lebenslage")
    @classmethod
    def _known_lebenslage(cls, value: str) -> str:
        if value not in LEBENSLAGEN:
            raise ValueError(f"unbekannte Lebenslage {value!r}, erlaubt: {', '.join(LEBENSLAGEN)}")
        return value

    @model_validator(mode="after")
    def _counts_or_rate(self) -> "Indicator":
        if bool(self.numerator) != bool(self.denominator):
            raise ValueError("numerator und denominator gehören zusammen (oder beide weglassen und rate angeben)")
        if not self.numerator and self.rate is None:
            raise ValueError("numerator und denominator (Zählgrößen) oder rate (veröffentlichter Anteil) angeben")
        return self

    @property
    def name(self) -> str:
        """The label to use in narrow tables and figure panels."""
        return self.short_label or self.label

    @property
    def counts(self) -> list[str]:
        """The count variables of the indicator (numerator, then denominator); empty for a published rate only."""
        return self.numerator + self.denominator

    @property
    def variables(self) -> list[str]:
        """Every variable the indicator may be computed from: its counts and its published rate."""
        return self.counts + ([self.rate] if self.rate else [])

    @property
    def published_only(self) -> bool:
        """True when the indicator exists only as a published rate per unit (no counts behind it)."""
        return not self.numerator

    def favourable(self, change: float) -> bool | None:
        """Whether a change of ``change`` points is favourable for this indicator (see :func:`is_favourable`)."""
        return is_favourable(self.direction, change)

    @property
    def scale(self) -> float:
        """Factor from a proportion to the indicator's unit (100 for percent, 1000 for per mille)."""
        return 100.0 if self.unit == "percent" else 1000.0


class ProgrammeFigure(BaseModel):
    """One line of the published-figures table: the 15 areas' share of a city-wide count."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    variables: list[str] = Field(min_length=1)
    published_share: float = Field(ge=0, le=100)
    """Share in percent as published in the council resolution (DESIGN.md)."""


class Catalogue(BaseModel):
    """The whole catalogue as read from YAML, with cross-references checked."""

    model_config = ConfigDict(extra="forbid")

    sources: dict[str, SourceRule] = {}
    """Rules per data source, by a name that occurs in a variable's ``source`` (case is ignored)."""
    variables: list[Variable]
    indicators: list[Indicator]
    programme_figures: list[ProgrammeFigure] = []
    hyphenation: list[str] = []
    """Long words of indicator labels and area names with their break points, each marked "|"
    ("Mindest|sicherungs|quote"): where a table header may wrap, with a hyphen shown (see
    :mod:`veedel_lib.render.hyphenation`)."""

    @field_validator("hyphenation")
    @classmethod
    def _marked_words(cls, value: list[str]) -> list[str]:
        for word in value:
            if ("|" not in word or word.startswith("|") or word.endswith("|") or "||" in word
                    or any(c.isspace() for c in word)):
                raise ValueError(f"Trennstellen: „{word}“ ist kein Wort mit Trennstellen (ein Wort ohne Leerzeichen, "
                                 "jede Trennstelle als | zwischen zwei Buchstaben, z. B. Mindest|sicherungs|quote)")
        plain = [w.replace("|", "") for w in value]
        doubles = sorted({w for w in plain if plain.count(w) > 1})
        if doubles:
            raise ValueError(f"Trennstellen: {', '.join(doubles)} mehrfach angegeben")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> "Catalogue":
        for kind, items in (("Variable", self.variables), ("Indikator", self.indicators),
                            ("Kennzahl", self.programme_figures)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{kind} '{item.id}' ist doppelt definiert")
                seen.add(item.id)
        return self

    def variable(self, variable_id: str) -> Variable:
        return next(v for v in self.variables if v.id == variable_id)

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise ConfigurationError(f"Indikator '{indicator_id}' steht nicht im Katalog (parameters/indicators.yml)")

    def rated(self) -> list[Indicator]:
        """The indicators that are judged favourable or unfavourable (all but the neutral ones), in order."""
        return [i for i in self.indicators if i.direction != "neutral"]

    @property
    def variable_ids(self) -> list[str]:
        return [v.id for v in self.variables]

    def source_rule(self, source: str) -> tuple[str, SourceRule] | None:
        """The rule whose name occurs in ``source`` (the strictest if several do), with that name; else None."""
        matches = [(name, rule) for name, rule in self.sources.items() if name.casefold() in source.casefold()]
        return max(matches, key=lambda item: item[1].publish_threshold, default=None)

    def variable_threshold(self, variable_id: str) -> int:
        """Smallest publishable count of a variable: its own ``publish_threshold``, else its source's rule.

        :func:`load_catalogue` makes sure one of the two exists; there is no silent default.
        """
        variable = self.variable(variable_id)
        if variable.publish_threshold is not None:
            return variable.publish_threshold
        if variable.kind == "rate":
            return 1  # a published rate is no count: nothing to withhold
        rule = self.source_rule(variable.source)
        if rule is None:
            raise ConfigurationError(f"Für die Variable '{variable_id}' ist keine Veröffentlichungsschwelle festgelegt "
                                     f"(publish_threshold oder eine Regel für ihre Quelle unter sources:)")
        return rule[1].publish_threshold

    def threshold(self, indicator: Indicator) -> int:
        """Smallest publishable count for an indicator: its own, else the strictest of its numerator variables
        (1 for a published rate without counts: there is no count to withhold)."""
        if indicator.publish_threshold is not None:
            return indicator.publish_threshold
        return max((self.variable_threshold(v) for v in indicator.numerator), default=1)

    def rate_notes(self, present: set[str] | None = None) -> list[str]:
        """German method notes for the indicators that are (or, where counts are missing, may be) published rates:
        only those whose rate variable is in ``present`` (None: all)."""
        notes = []
        for indicator in self.indicators:
            if indicator.rate is None or (present is not None and indicator.rate not in present):
                continue
            where = "" if indicator.published_only else " (wo ihre Zählwerte fehlen)"
            notes.append(f"{indicator.name}{where}: veröffentlichter Anteil je Einheit, ohne Zähler/Nenner – ohne "
                         "Konfidenzintervall, nicht geglättet und nicht auf Gebiete oder die Gesamtstadt "
                         "zusammengefasst.")
        return notes

    def threshold_notes(self) -> list[str]:
        """German method notes for variables whose publish threshold comes from their source's rule (one per rule)."""
        by_rule: dict[str, list[str]] = {}
        for variable in self.variables:
            rule = (self.source_rule(variable.source) if variable.publish_threshold is None and variable.kind == "count"
                    else None)
            if rule is not None:
                by_rule.setdefault(rule[0], []).append(variable.label)
        return [f"Veröffentlichungsschwelle nach der Regel der Quelle „{name}“ (Zahlen von 1 bis unter "
                f"{self.sources[name].publish_threshold} werden nicht veröffentlicht) für: {', '.join(labels)}."
                for name, labels in by_rule.items()]

    def denominator_threshold(self, indicator: Indicator) -> int:
        """Smallest publishable denominator of an indicator: the strictest threshold of its denominator variables.

        A rate on a denominator of 2 people (0 of 2, 1 of 2) tells about those people as much as the count does,
        and an interval around it gives the denominator away; so rates whose denominator lies from 1 to below
        this threshold are withheld too.
        """
        return max((self.variable_threshold(v) for v in indicator.denominator), default=1)

    def by_lebenslage(self) -> dict[str, list[Indicator]]:
        """Indicators grouped by Lebenslage, in the catalogue's order of Lebenslagen."""
        groups: dict[str, list[Indicator]] = {}
        for lebenslage in LEBENSLAGEN:
            members = [i for i in self.indicators if i.lebenslage == lebenslage]
            if members:
                groups[lebenslage] = members
        return groups


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check ``indicators.yml``; errors name line and key.

    Unknown variables in indicators or figures are errors, and so is a variable without a publish threshold
    whose source has no rule under ``sources:`` (a missing threshold never silently becomes a default).
    """
    catalogue = parse_model(path, Catalogue)
    _, node = load_yaml(path)
    known = set(catalogue.variable_ids)
    problems = []
    kinds = {v.id: v.kind for v in catalogue.variables}
    for i, variable in enumerate(catalogue.variables):
        counted = variable.kind == "count"
        if counted and variable.publish_threshold is None and catalogue.source_rule(variable.source) is None:
            rules = ", ".join(f"„{name}“" for name in catalogue.sources) or "keine"
            problems.append(problem_at(path, node, ("variables", i, "publish_threshold"),
                                       f"Veröffentlichungsschwelle fehlt für Variable '{variable.id}': publish_threshold "
                                       f"angeben oder unter sources: eine Regel für die Quelle '{variable.source}' "
                                       f"eintragen (Regeln bisher: {rules})"))
    for i, indicator in enumerate(catalogue.indicators):
        for part in ("numerator", "denominator"):
            for j, variable in enumerate(getattr(indicator, part)):
                if variable not in known:
                    problems.append(problem_at(path, node, ("indicators", i, part, j),
                                               f"unbekannte Variable '{variable}' in Indikator '{indicator.id}'"))
                elif kinds[variable] == "rate":
                    problems.append(problem_at(path, node, ("indicators", i, part, j),
                                               f"Variable '{variable}' ist ein veröffentlichter Anteil (kind: rate), "
                                               f"keine Zählgröße: als rate: angeben, nicht unter {part}"))
        if indicator.rate is not None and indicator.rate not in known:
            problems.append(problem_at(path, node, ("indicators", i, "rate"),
                                       f"unbekannte Variable '{indicator.rate}' in Indikator '{indicator.id}'"))
        elif indicator.rate is not None and kinds[indicator.rate] != "rate":
            problems.append(problem_at(path, node, ("indicators", i, "rate"),
                                       f"Variable '{indicator.rate}' ist eine Zählgröße: für rate: eine Variable "
                                       "mit kind: rate angeben (der veröffentlichte Anteil)"))
    for i, figure in enumerate(catalogue.programme_figures):
        for j, variable in enumerate(figure.variables):
            if variable not in known:
                problems.append(problem_at(path, node, ("programme_figures", i, "variables", j),
                                           f"unbekannte Variable '{variable}' in Kennzahl '{figure.id}'"))
    if problems:
        raise DataValidationError(problems)
    return catalogue
