"""The city-wide social index: status and dynamics of all Stadtteile, in classes by standard deviations.

The method is the one of the social monitoring in Berlin (Monitoring Soziale Stadtentwicklung) and
Hamburg, with every choice that decides the result a parameter (``parameters/sozialindex.yml``):

1. Each index indicator is computed per Stadtteil from summed counts (never from averaged rates) and
   given a sign so that a higher value always means more disadvantage (turnout gets sign -1).
2. Only Stadtteile that *qualify* take part: at least ``min_population`` residents, not on the list of
   excluded Stadtteile, and a value for every index indicator. The others get no index and a reason.
3. Each indicator is z-standardised over exactly the qualifying Stadtteile: z = (x - mean) / sd.
   By default the mean and standard deviation are **unweighted** and the SD is the population SD
   (ddof = 0), as in Berlin: the index places Stadtteile relative to one another, each Stadtteil is
   one observation of the city's social geography, and a population weighting would let the few
   very large Stadtteile define "average" for the many small ones. ``weighting: population`` is
   available for a weighted variant (then the weighted mean of the z-values is 0 instead).
4. The z-values of a Stadtteil are combined (sum or mean) and, with ``restandardise``, that combination
   is z-standardised again over the same Stadtteile, so that the class thresholds are real standard
   deviations of the index (with restandardisation, sum and mean give the same index).
5. Status = levels in the report year; dynamics = the same steps applied to the *changes* of the
   indicator values (in percentage or per-mille points) over ``dynamics_years`` years. A Stadtteil
   needs both years' values to get a dynamics index.
6. Classes by standard deviations with configurable thresholds; a value exactly on a threshold
   belongs to the class nearer to zero (Berlin: "-1 bis +1 mittel", "+1 bis +1,5 niedrig").
   The combined class is the status code followed by the dynamics code (e.g. "2-").

Larger areas (the Sozialraumgebiete) are placed on the Stadtteile's scale: their indicator values
(ratios of their summed counts) are standardised with the Stadtteile's means and standard deviations
(:meth:`Reference.score`); they do not change the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import AnalysisError, DataValidationError
from ..inputs.dataset import Dataset
from ..params.catalogue import Catalogue
from ..params.reference import STADTBEZIRKE, STADTTEILE
from ..params.yamlfiles import load_yaml, parse_model, problem_at
from .indicators import aggregate, area_groups, indicator_values, stadtteil_groups

FILE_NAME = "sozialindex.yml"


# ----------------------------------------------------------------------------- configuration

class IndexIndicator(BaseModel):
    """One index indicator and how it enters the index."""

    model_config = ConfigDict(extra="forbid")

    id: str
    sign: Literal[1, -1] | None = None
    """1: higher value = more disadvantage; -1: the reverse. None: from the catalogue's direction."""
    dynamics: bool = True
    """False: the indicator counts for the status only (e.g. turnout, measured every five years)."""


class ClassOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    label: str = Field(min_length=1)


class ClassScheme(BaseModel):
    """Thresholds in standard deviations (ascending) and one class more than thresholds."""

    model_config = ConfigDict(extra="forbid")

    thresholds: list[float] = Field(min_length=1)
    classes: list[ClassOption]

    @model_validator(mode="after")
    def _consistent(self) -> "ClassScheme":
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:])):
            raise ValueError("Klassengrenzen müssen aufsteigend sein")
        if len(self.classes) != len(self.thresholds) + 1:
            raise ValueError(f"{len(self.thresholds)} Grenzen brauchen {len(self.thresholds) + 1} Klassen, "
                             f"angegeben sind {len(self.classes)}")
        return self

    @property
    def middle(self) -> int:
        """Position of the class that holds 0 (the average Stadtteil)."""
        return int(classify(pd.Series([0.0]), self).iloc[0])


class SozialindexMethod(BaseModel):
    """Every choice of one index method (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    label: str
    description: str = ""
    indicators: list[IndexIndicator] = Field(min_length=1)
    weighting: Literal["none", "population"] = "none"
    ddof: Literal[0, 1] = 0
    combine: Literal["sum", "mean"] = "sum"
    restandardise: bool = True
    min_population: int = Field(300, ge=0)
    excluded_stadtteile: list[int] = []
    dynamics_years: int = Field(2, ge=1)
    status_classes: ClassScheme
    dynamics_classes: ClassScheme

    @model_validator(mode="after")
    def _known_stadtteile(self) -> "SozialindexMethod":
        unknown = [n for n in self.excluded_stadtteile if n not in STADTTEILE]
        if unknown:
            raise ValueError(f"unbekannte Stadtteile in excluded_stadtteile: {', '.join(map(str, unknown))}")
        ids = [i.id for i in self.indicators]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"Indikator doppelt: {', '.join(doubled)}")
        if not any(i.dynamics for i in self.indicators):
            raise ValueError("mindestens ein Indikator muss zur Dynamik zählen (dynamics: true)")
        return self

    def signs(self, catalogue: Catalogue) -> dict[str, int]:
        """Sign per indicator: the configured one, else +1 for "higher is worse" and -1 for "higher is better"."""
        result = {}
        for entry in self.indicators:
            if entry.sign is not None:
                result[entry.id] = entry.sign
            else:
                result[entry.id] = -1 if catalogue.indicator(entry.id).direction == "higher_is_better" else 1
        return result

    @property
    def status_ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    @property
    def dynamics_ids(self) -> list[str]:
        return [i.id for i in self.indicators if i.dynamics]


class SozialindexFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: str
    fallback: str | None = None
    """Method used when the data lack an indicator of ``method`` (the report says so)."""
    methods: dict[str, SozialindexMethod] = Field(min_length=1)

    @model_validator(mode="after")
    def _active_known(self) -> "SozialindexFile":
        for chosen in (self.method, self.fallback):
            if chosen is not None and chosen not in self.methods:
                raise ValueError(f"Verfahren '{chosen}' ist unter methods nicht beschrieben "
                                 f"(vorhanden: {', '.join(self.methods)})")
        return self


def missing_indicators(ds: Dataset, year: int, method: SozialindexMethod) -> list[str]:
    """Indicators of ``method`` that the data cannot give for ``year`` or its dynamics base year."""
    present = ds.statistics.groupby("year")["variable"].unique().map(set)
    missing = []
    for indicator_id, when in [(i, year) for i in method.status_ids] + \
            [(i, year - method.dynamics_years) for i in method.dynamics_ids]:
        indicator = ds.catalogue.indicator(indicator_id)
        years = [y for y in present.index if y <= when] if indicator.latest_available else [when]
        if not any(set(indicator.numerator + indicator.denominator) <= present.get(y, set()) for y in years):
            missing.append(indicator_id)
    return list(dict.fromkeys(missing))


def load_sozialindex_config(path: str | Path, catalogue: Catalogue) -> SozialindexFile:
    """Read ``sozialindex.yml``; unknown indicators and neutral ones without sign are errors with line numbers."""
    config = parse_model(path, SozialindexFile)
    _, node = load_yaml(path)
    known = {i.id: i for i in catalogue.indicators}
    problems = []
    for name, method in config.methods.items():
        for j, entry in enumerate(method.indicators):
            where = ("methods", name, "indicators", j, "id")
            if entry.id not in known:
                problems.append(problem_at(path, node, where, f"Indikator '{entry.id}' steht nicht im Katalog "
                                                              "(parameters/indicators.yml)"))
            elif entry.sign is None and known[entry.id].direction == "neutral":
                problems.append(problem_at(path, node, where, f"Indikator '{entry.id}' ist im Katalog neutral: "
                                                              "bitte sign 1 oder -1 angeben"))
    if problems:
        raise DataValidationError(problems)
    return config


# ----------------------------------------------------------------------------- the computation (pure)

def weighted_stats(values: pd.Series, weights: pd.Series | None, ddof: int) -> tuple[float, float]:
    """Mean and standard deviation of ``values`` (unweighted when ``weights`` is None).

    With weights (residents) the SD divides by the sum of weights minus ``ddof`` (statsmodels
    frequency-weight convention); with hundreds of thousands of residents ddof makes no difference.
    """
    if weights is None:
        return float(values.mean()), float(values.std(ddof=ddof))
    from statsmodels.stats.weightstats import (
        DescrStatsW,  # statsmodels and scipy.stats take a second to import: only where used
    )

    stats = DescrStatsW(values.to_numpy(dtype=float), weights=weights.to_numpy(dtype=float), ddof=ddof)
    return float(stats.mean), float(stats.std)


@dataclass
class Reference:
    """The constants of one index (status or dynamics): how any unit's values map onto the index.

    ``means``/``sds`` per indicator are those of the signed values over the qualifying Stadtteile;
    ``combined_mean``/``combined_sd`` those of the combined z-values (1 and 0 without restandardisation).
    """

    signs: pd.Series
    means: pd.Series
    sds: pd.Series
    combine: str
    combined_mean: float
    combined_sd: float

    def zscores(self, values: pd.DataFrame) -> pd.DataFrame:
        """z-values (higher = more disadvantaged) of rows of indicator values."""
        signed = values[self.signs.index] * self.signs
        return (signed - self.means) / self.sds

    def combined(self, z: pd.DataFrame) -> pd.Series:
        """Sum or mean of a row's z-values; NaN if any is missing."""
        total = z.sum(axis=1, min_count=z.shape[1]) if len(z.columns) else pd.Series(np.nan, index=z.index)
        total[z.isna().any(axis=1)] = np.nan
        return total / z.shape[1] if self.combine == "mean" else total

    def score(self, values: pd.DataFrame) -> pd.DataFrame:
        """z-values, combination and index of any rows (Stadtteile or larger areas) on this scale."""
        z = self.zscores(values)
        combined = self.combined(z)
        index = (combined - self.combined_mean) / self.combined_sd
        return z.assign(combined=combined, index=index)


def fit_reference(values: pd.DataFrame, signs: dict[str, int], method: SozialindexMethod,
                  weights: pd.Series | None = None) -> Reference:
    """Standardisation constants from the rows of ``values`` (exactly the qualifying Stadtteile, complete).

    ``values`` has one column per indicator; ``weights`` (residents) only with ``weighting: population``.
    """
    if values.empty:
        raise AnalysisError("Kein Stadtteil erfüllt die Bedingungen des Sozialindex (Einwohnerzahl, vollständige Werte)")
    signed_signs = pd.Series(signs, dtype=float)[list(values.columns)]
    signed = values * signed_signs
    use = weights if method.weighting == "population" else None
    stats = {column: weighted_stats(signed[column], use, method.ddof) for column in signed.columns}
    means = pd.Series({c: s[0] for c, s in stats.items()})
    sds = pd.Series({c: s[1] for c, s in stats.items()})
    flat = [c for c in sds.index if not sds[c] > 0]
    if flat:
        raise AnalysisError(f"Indikator ohne Streuung zwischen den Stadtteilen, keine Standardisierung möglich: "
                         f"{', '.join(flat)}")
    reference = Reference(signed_signs, means, sds, method.combine, 0.0, 1.0)
    combined = reference.combined(reference.zscores(values))
    if method.restandardise:
        mean, sd = weighted_stats(combined, use, method.ddof)
        reference.combined_mean, reference.combined_sd = mean, sd
    return reference


def classify(values: pd.Series, scheme: ClassScheme) -> pd.Series:
    """Class position (0 = lowest class) of each value; NaN stays NaN (nullable integers).

    A value exactly on a threshold belongs to the class nearer to zero: a negative threshold is
    passed at ``value >= t``, a positive one only at ``value > t``.
    """
    x = values.to_numpy(dtype=float)
    position = np.zeros(len(x), dtype=int)
    for t in scheme.thresholds:
        position += (x >= t) if t < 0 else (x > t)
    result = pd.array(position, dtype="Int64")
    result[np.isnan(x)] = pd.NA
    return pd.Series(result, index=values.index)


def class_codes(positions: pd.Series, scheme: ClassScheme) -> tuple[pd.Series, pd.Series]:
    """Codes and labels of class positions ("" where there is no class)."""
    codes = positions.map(lambda p: "" if pd.isna(p) else scheme.classes[int(p)].code)
    labels = positions.map(lambda p: "" if pd.isna(p) else scheme.classes[int(p)].label)
    return codes.astype(object), labels.astype(object)


# ----------------------------------------------------------------------------- on a dataset

@dataclass
class Sozialindex:
    """The index of one year and method: one row per Stadtteil, plus the scales for placing areas."""

    method_id: str
    method: SozialindexMethod
    year: int
    base_year: int
    table: pd.DataFrame
    """Index: Stadtteil number as text. Columns: nr, name, stadtbezirk, population, qualifies, reason,
    value_<id>, n_<id> (numerator count), z_<id>, status_combined, status_index, status_class (position),
    status_code, status_label; change_<id>, dz_<id>, dynamics_combined, dynamics_index, dynamics_class,
    dynamics_code, dynamics_label, combined_code, combined_label."""
    status: Reference
    dynamics: Reference | None

    @property
    def qualifying(self) -> pd.DataFrame:
        return self.table[self.table["qualifies"]]

    def crosstab(self) -> pd.DataFrame:
        """Number of Stadtteile per status class (rows) and dynamics class (columns), all classes shown."""
        rows = [c.label for c in self.method.status_classes.classes]
        columns = [c.label for c in self.method.dynamics_classes.classes]
        data = self.qualifying
        data = data[data["dynamics_label"] != ""]
        table = pd.crosstab(data["status_label"], data["dynamics_label"])
        return table.reindex(index=rows, columns=columns, fill_value=0)


def _values(ds: Dataset, year: int, groups: dict[str, list[str]], ids: list[str],
            field: str = "numerator") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicator values and the counts in ``field`` (numerator or denominator), groups x indicators, for one year."""
    indicators = [ds.catalogue.indicator(i) for i in ids]
    long = indicator_values(ds, year, groups, indicators)
    values = long.pivot(index="group", columns="indicator", values="value").reindex(index=list(groups), columns=ids)
    counts = long.pivot(index="group", columns="indicator", values=field).reindex(index=list(groups), columns=ids)
    return values, counts


def compute_sozialindex(ds: Dataset, year: int, method: SozialindexMethod, method_id: str = "") -> Sozialindex:
    """Status and dynamics index of every Stadtteil for ``year`` (see the module docstring for the steps)."""
    base_year = year - method.dynamics_years
    if base_year not in ds.years:
        raise AnalysisError(f"Für die Dynamik über {method.dynamics_years} Jahre fehlen die Daten von {base_year} "
                         f"(vorhanden: {ds.years[0]} bis {ds.years[-1]})")
    groups = stadtteil_groups(ds)
    signs = method.signs(ds.catalogue)
    status_ids, dynamics_ids = method.status_ids, method.dynamics_ids
    values, counts = _values(ds, year, groups, status_ids)
    before, _ = _values(ds, base_year, groups, dynamics_ids)
    population = aggregate(ds, year, groups, ["population"])["population"]

    names = {str(n): f"{n} {name}" for n, name in STADTTEILE.items()}
    table = pd.DataFrame(index=pd.Index(list(groups), name="stadtteil"))
    table["nr"] = table.index.astype(int)
    table["name"] = [STADTTEILE.get(n, str(n)) for n in table["nr"]]
    table["label"] = [names.get(s, s) for s in table.index]
    table["stadtbezirk"] = [STADTBEZIRKE.get(n // 100, "") for n in table["nr"]]
    table["population"] = population.reindex(table.index).to_numpy()

    reasons = pd.Series("", index=table.index, dtype=object)
    missing = values.isna()
    for stadtteil in table.index:
        if table.at[stadtteil, "nr"] in method.excluded_stadtteile:
            reasons[stadtteil] = "von der Bewertung ausgenommen"
        elif not table.at[stadtteil, "population"] >= method.min_population:
            reasons[stadtteil] = f"weniger als {method.min_population} Einwohner*innen"
        elif missing.loc[stadtteil].any():
            lacking = [ds.catalogue.indicator(i).name for i in status_ids if missing.at[stadtteil, i]]
            reasons[stadtteil] = "keine Werte: " + ", ".join(lacking)
    table["qualifies"] = reasons == ""
    table["reason"] = reasons

    for i in status_ids:
        table[f"value_{i}"] = values[i]
        table[f"n_{i}"] = counts[i]
    qualifying = table.index[table["qualifies"]]
    status = fit_reference(values.loc[qualifying], signs, method, table.loc[qualifying, "population"])
    scored = status.score(values.loc[qualifying])
    for i in status_ids:
        table[f"z_{i}"] = scored[i].reindex(table.index)
    table["status_combined"] = scored["combined"].reindex(table.index)
    table["status_index"] = scored["index"].reindex(table.index)
    table["status_class"] = classify(table["status_index"], method.status_classes)
    table["status_code"], table["status_label"] = class_codes(table["status_class"], method.status_classes)

    change = values[dynamics_ids] - before[dynamics_ids]
    for i in dynamics_ids:
        table[f"change_{i}"] = change[i]
    complete = change.loc[qualifying].notna().all(axis=1)
    moving = qualifying[complete.to_numpy()]
    lacking_change = qualifying[~complete.to_numpy()]
    table.loc[lacking_change, "reason"] = f"Dynamik: keine vollständigen Werte für {base_year}"
    dynamics = None
    table["dynamics_combined"] = np.nan
    table["dynamics_index"] = np.nan
    if len(moving):
        dynamics = fit_reference(change.loc[moving], signs, method, table.loc[moving, "population"])
        moved = dynamics.score(change.loc[moving])
        for i in dynamics_ids:
            table[f"dz_{i}"] = moved[i].reindex(table.index)
        table["dynamics_combined"] = moved["combined"].reindex(table.index)
        table["dynamics_index"] = moved["index"].reindex(table.index)
    table["dynamics_class"] = classify(table["dynamics_index"], method.dynamics_classes)
    table["dynamics_code"], table["dynamics_label"] = class_codes(table["dynamics_class"], method.dynamics_classes)
    both = (table["status_code"] != "") & (table["dynamics_code"] != "")
    table["combined_code"] = np.where(both, table["status_code"] + table["dynamics_code"], "")
    table["combined_label"] = np.where(both, table["status_label"] + " / " + table["dynamics_label"], "")
    return Sozialindex(method_id, method, year, base_year, table, status, dynamics)


def area_scores(ds: Dataset, index: Sozialindex, area_ids: list[str] | None = None) -> pd.DataFrame:
    """The Sozialraumgebiete placed on the Stadtteile's scale (values from their summed counts).

    One row per area: area_id, name, value_/n_/d_ (value, numerator, denominator) per indicator, status_index
    and class, dynamics_index
    and class, combined code. The areas do not enter the means and standard deviations.
    """
    method = index.method
    groups = area_groups(ds, area_ids, city=False)
    values, counts = _values(ds, index.year, groups, method.status_ids)
    _, denominators = _values(ds, index.year, groups, method.status_ids, "denominator")
    before, _ = _values(ds, index.base_year, groups, method.dynamics_ids)
    status = index.status.score(values)
    frame = pd.DataFrame({"area_id": list(groups), "name": [ds.areas.get(a).name for a in groups]},
                         index=list(groups))
    for i in method.status_ids:
        frame[f"value_{i}"] = values[i]
        frame[f"n_{i}"] = counts[i]
        frame[f"d_{i}"] = denominators[i]
    frame["status_index"] = status["index"]
    frame["status_class"] = classify(frame["status_index"], method.status_classes)
    frame["status_code"], frame["status_label"] = class_codes(frame["status_class"], method.status_classes)
    if index.dynamics is not None:
        change = values[method.dynamics_ids] - before[method.dynamics_ids]
        frame["dynamics_index"] = index.dynamics.score(change)["index"]
    else:
        frame["dynamics_index"] = np.nan
    frame["dynamics_class"] = classify(frame["dynamics_index"], method.dynamics_classes)
    frame["dynamics_code"], frame["dynamics_label"] = class_codes(frame["dynamics_class"], method.dynamics_classes)
    both = (frame["status_code"] != "") & (frame["dynamics_code"] != "")
    frame["combined_code"] = np.where(both, frame["status_code"] + frame["dynamics_code"], "")
    return frame.reset_index(drop=True)


def area_stadtteile(ds: Dataset, index: Sozialindex) -> pd.DataFrame:
    """Each area's Stadtteile (whole or in part) with their status, dynamics and combined class.

    A Stadtteil only partly in an area is shown with its values for the whole Stadtteil.
    """
    rows = []
    for area in ds.areas.areas:
        parts = {p.stadtteil: p.note for p in area.partial}
        for number in area.stadtteil_numbers:
            key = str(number)
            row = index.table.loc[key] if key in index.table.index else None
            rows.append({
                "area_id": area.id, "area": area.name, "stadtteil": key, "name": STADTTEILE[number],
                "coverage": "teilweise" if number in parts else "ganz", "note": parts.get(number, ""),
                **{c: (row[c] if row is not None else np.nan) for c in
                   ("status_index", "dynamics_index", "population")},
                **{c: (row[c] if row is not None else "") for c in
                   ("status_label", "dynamics_label", "combined_code", "reason")},
                **({f"n_{i}": row[f"n_{i}"] for i in index.method.status_ids} if row is not None else {}),
            })
    return pd.DataFrame(rows)
