"""The city-wide social index: status and dynamics of all Stadtteile, in classes by standard deviations.

The method is the one of the social monitoring in Berlin (Monitoring Soziale Stadtentwicklung) and
Hamburg, with every choice that decides the result a parameter (``parameters/sozialindex.yml``):

1. Each index indicator is computed per Stadtteil from summed counts (never from averaged rates) and
   given a sign so that a higher value always means more disadvantage (turnout gets sign -1).
2. Only Stadtteile that *qualify* take part: at least ``min_population`` residents, not on the list of
   excluded Stadtteile, and a value for every index indicator (with ``withheld_inputs: exclude`` also no input
   count below its publish threshold). The others get no index and a reason.
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
from typing import Callable, Literal

import numpy as np
import pandas as pd
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from ..errors import AnalysisError, DataValidationError
from ..inputs.dataset import Dataset
from ..params.catalogue import Catalogue
from ..params.reference import FILE_NAME as REFERENCE_FILE
from ..params.reference import SpatialReference, reference_for
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
    change: str | None = None
    """A variable with ``kind: rate`` of the catalogue: the change of the indicator over ``dynamics_years`` years as
    the city publishes it per unit (in points of the indicator's unit, e.g. -1,5 for 1,5 percentage points less),
    in the rows of the report year. Where it is given it is the unit's change (no level of the base year needed);
    elsewhere the change is the difference of the two years' values."""


class ClassOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    label: str = Field(min_length=1)


class ClassScheme(BaseModel):
    """Thresholds in standard deviations (ascending) and one class more than thresholds.

    Attributes
    ----------
    thresholds : list of float
        Class limits in standard deviations of the index, ascending.
    classes : list of ClassOption
        Code and German label of each class, lowest first.

    Examples
    --------
    >>> scheme = ClassScheme(thresholds=[-1.0, 1.0], classes=[ClassOption(code="1", label="hoch"),
    ...     ClassOption(code="2", label="mittel"), ClassOption(code="3", label="niedrig")])
    >>> scheme.middle
    1
    >>> ClassScheme(thresholds=[-1.0, 1.0], classes=[ClassOption(code="1", label="hoch")])
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for ClassScheme
      Value error, 2 Grenzen brauchen 3 Klassen, angegeben sind 1 ...
    """

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
    excluded: list[int | str] = Field([], validation_alias=AliasChoices("excluded", "excluded_stadtteile"))
    """Keys of units of the lowest level (Cologne: Stadtteil numbers) that are not rated, e.g. industrial areas;
    ``excluded_stadtteile`` is the name in files of earlier versions."""
    missing_values: Literal["exclude", "error"] = "exclude"
    """A qualifying unit (enough residents, not excluded) without a value of an index indicator: ``exclude`` takes
    it out of the rating with the reason in the report, ``error`` stops with an AnalysisError naming it."""
    withheld_inputs: Literal["keep", "exclude"] = "keep"
    """A unit with an input count from 1 to below its publish threshold never gets a published index (the report
    withholds it). ``keep``: it stays in the standardisation (means and SDs as without disclosure control) and the
    report withholds further units so that its values cannot be recomputed; ``exclude``: it does not qualify (the
    reason is in the report) and enters no mean or standard deviation."""
    dynamics_years: int = Field(2, ge=1)
    status_classes: ClassScheme
    dynamics_classes: ClassScheme

    @model_validator(mode="after")
    def _consistent(self) -> "SozialindexMethod":
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


class SensitivitySettings(BaseModel):
    """The ``sensitivity`` block of ``sozialindex.yml`` (see :mod:`.sozialindex_sensitivity`)."""

    model_config = ConfigDict(extra="forbid")

    draws: int = Field(200, ge=0, le=10_000)
    """Parametric bootstrap draws of the counts."""
    seed: int = 20240
    """Seed of the random draws (the same numbers every run)."""
    rank_interval: tuple[float, float] = (5.0, 95.0)
    """Percentiles of the ranks over the draws that bound the rank interval."""
    stable_share: float = Field(90.0, gt=0, le=100)
    """A Stadtteil whose class is the published one in fewer than this percentage of variants is "unsicher"."""
    correlation_warning: float = Field(0.8, gt=0, le=1)
    """Absolute Pearson correlation of two index indicators above which the report warns."""

    @model_validator(mode="after")
    def _ordered(self) -> "SensitivitySettings":
        low, high = self.rank_interval
        if not 0 <= low < high <= 100:
            raise ValueError("rank_interval: zwei Perzentile von 0 bis 100, das erste kleiner")
        return self


class SozialindexFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: str
    fallback: str | None = None
    """Method used when the data lack an indicator of ``method`` (the report says so)."""
    methods: dict[str, SozialindexMethod] = Field(min_length=1)
    sensitivity: SensitivitySettings = SensitivitySettings()
    """How the report tests the stability of the classes (variants, bootstrap, correlation warning)."""

    @model_validator(mode="after")
    def _active_known(self) -> "SozialindexFile":
        for chosen in (self.method, self.fallback):
            if chosen is not None and chosen not in self.methods:
                raise ValueError(f"Verfahren '{chosen}' ist unter methods nicht beschrieben "
                                 f"(vorhanden: {', '.join(self.methods)})")
        return self


def missing_indicators(ds: Dataset, year: int, method: SozialindexMethod) -> list[str]:
    """Indicators of ``method`` that the data cannot give for ``year`` or its dynamics base year.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    year : int
        The report year; the dynamics need ``year - method.dynamics_years`` as well.
    method : SozialindexMethod
        The index method.

    Returns
    -------
    list of str
        Indicator ids without all their variables in the year needed (``latest_available`` indicators: in
        no year up to it), each once; empty when the method can be computed.
    """
    present = ds.statistics.groupby("year")["variable"].unique().map(set)
    missing = []
    published = {i.id: i.change for i in method.indicators if i.change and i.change in present.get(year, set())}
    for indicator_id, when in [(i, year) for i in method.status_ids] + \
            [(i, year - method.dynamics_years) for i in method.dynamics_ids if i not in published]:
        indicator = ds.catalogue.indicator(indicator_id)
        years = [y for y in present.index if y <= when] if indicator.latest_available else [when]
        ways = [set(v) for v in (indicator.counts, [indicator.rate] if indicator.rate else []) if v]
        if not any(way <= present.get(y, set()) for y in years for way in ways):
            missing.append(indicator_id)
    return list(dict.fromkeys(missing))


def _excluded_key(node: object, method: str) -> str:
    """The key under which the file lists a method's excluded units ("excluded" or the older name)."""
    try:
        methods = next(v for k, v in node.value if k.value == "methods")
        entry = next(v for k, v in methods.value if k.value == method)
        keys = [k.value for k, _ in entry.value]
    except (AttributeError, StopIteration):
        return "excluded"
    return "excluded_stadtteile" if "excluded_stadtteile" in keys else "excluded"


def load_sozialindex_config(path: str | Path, catalogue: Catalogue,
                            reference: SpatialReference | None = None) -> SozialindexFile:
    """Read ``sozialindex.yml``; unknown indicators, neutral ones without sign and excluded keys that name no unit
    of the lowest level of ``reference`` (default: ``raumbezug.yml`` next to the file) are errors with line numbers.
    Excluded units may be given by key or name; they are stored as keys.

    Parameters
    ----------
    path : str or Path
        The file ``sozialindex.yml``.
    catalogue : Catalogue
        The indicator catalogue the methods refer to.
    reference : SpatialReference, optional
        The city's levels; ``raumbezug.yml`` next to ``path`` when None.

    Returns
    -------
    SozialindexFile
        The validated methods, excluded units as keys.

    Raises
    ------
    DataValidationError
        All problems of the file at once, each with its line.
    """
    config = parse_model(path, SozialindexFile)
    _, node = load_yaml(path)
    reference = reference if reference is not None else reference_for(Path(path).parent)
    known = {i.id: i for i in catalogue.indicators}
    problems = []
    for name, method in config.methods.items():
        resolved = []
        for j, value in enumerate(method.excluded):
            key = reference.base.resolve(value)
            if key is None:
                problems.append(problem_at(path, node, ("methods", name, _excluded_key(node, name), j),
                                           reference.base.ambiguity(value)
                                           or f"{reference.base.name} '{value}' gibt es nicht in {reference.city} "
                                              f"({REFERENCE_FILE})"))
            resolved.append(key if key is not None else value)
        method.excluded = resolved
        for j, entry in enumerate(method.indicators):
            where = ("methods", name, "indicators", j, "id")
            if entry.id not in known:
                problems.append(problem_at(path, node, where, f"Indikator '{entry.id}' steht nicht im Katalog "
                                                              "(parameters/indicators.yml)"))
            elif entry.sign is None and known[entry.id].direction == "neutral":
                problems.append(problem_at(path, node, where, f"Indikator '{entry.id}' ist im Katalog neutral: "
                                                              "bitte sign 1 oder -1 angeben"))
            if entry.change is not None:
                kinds = {v.id: v.kind for v in catalogue.variables}
                at = ("methods", name, "indicators", j, "change")
                if kinds.get(entry.change) != "rate":
                    problems.append(problem_at(path, node, at, f"change: '{entry.change}' ist keine Variable mit "
                                                               "kind: rate in indicators.yml (die veröffentlichte "
                                                               "Veränderung je Einheit)"))
                elif not entry.dynamics:
                    problems.append(problem_at(path, node, at, f"change bei '{entry.id}', das nicht zur Dynamik zählt "
                                                               "(dynamics: false)"))
    if problems:
        raise DataValidationError(problems)
    return config


# ----------------------------------------------------------------------------- the computation (pure)

def weighted_stats(values: pd.Series, weights: pd.Series | None, ddof: int) -> tuple[float, float]:
    """Mean and standard deviation of ``values`` (unweighted when ``weights`` is None).

    With weights (residents) the SD divides by the sum of weights minus ``ddof`` (statsmodels
    frequency-weight convention); with hundreds of thousands of residents ddof makes no difference.

    Parameters
    ----------
    values : pandas.Series
        The values (e.g. signed indicator values of the qualifying Stadtteile).
    weights : pandas.Series or None
        Frequency weights (residents), or None for the unweighted statistics.
    ddof : int
        Delta degrees of freedom of the standard deviation (0: population SD, as in Berlin).

    Returns
    -------
    mean, sd : float

    Examples
    --------
    Unweighted, ddof 0: mean 2.5, SD sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) = sqrt(1.25). With weights 1, 1, 1, 3
    the mean is 18 / 6 = 3 and the SD sqrt((4 + 1 + 0 + 3 * 1) / 6) = sqrt(4 / 3):

    >>> values = pd.Series([1.0, 2.0, 3.0, 4.0])
    >>> [round(x, 4) for x in weighted_stats(values, None, ddof=0)]
    [2.5, 1.118]
    >>> [round(x, 4) for x in weighted_stats(values, pd.Series([1.0, 1.0, 1.0, 3.0]), ddof=0)]
    [3.0, 1.1547]
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

    Parameters
    ----------
    values : pandas.DataFrame
        Indicator values, one row per qualifying Stadtteil, one column per index indicator, no NaN.
    signs : dict of str to int
        +1 or -1 per indicator (so that higher signed values mean more disadvantage).
    method : SozialindexMethod
        Weighting, ddof, combination and restandardisation.
    weights : pandas.Series, optional
        Residents per row, used with ``weighting: population`` only.

    Returns
    -------
    Reference
        Means and SDs of the signed values and of the combined z-values; :meth:`Reference.score` places any
        rows on this scale.

    Raises
    ------
    AnalysisError
        No row at all, or an indicator with the same value in every row (SD 0).

    Examples
    --------
    Three Stadtteile, ``a`` higher = worse, ``b`` higher = better. Both signed columns have SD
    sqrt(200 / 3) = 8.165, the z-values are ∓1.2247 and 0, their sums ∓2.4495 and 0 with SD 2. An area with
    a = 25, b = 50 gets z = 5 / 8.165 = 0.6124 and 0, index 0.6124 / 2 = 0.3062:

    >>> scheme = ClassScheme(thresholds=[-1.0, 1.0], classes=[ClassOption(code="1", label="hoch"),
    ...     ClassOption(code="2", label="mittel"), ClassOption(code="3", label="niedrig")])
    >>> method = SozialindexMethod(label="Beispiel", indicators=[IndexIndicator(id="a"), IndexIndicator(id="b")],
    ...                            status_classes=scheme, dynamics_classes=scheme)
    >>> values = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [60.0, 50.0, 40.0]}, index=["101", "102", "103"])
    >>> reference = fit_reference(values, {"a": 1, "b": -1}, method)
    >>> reference.means.tolist(), round(reference.combined_sd, 4)
    ([20.0, -50.0], 2.0)
    >>> reference.score(values)["index"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    >>> reference.score(pd.DataFrame({"a": [25.0], "b": [50.0]}, index=["gebiet"])).round(4).values.tolist()
    [[0.6124, 0.0, 0.6124, 0.3062]]
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

    Parameters
    ----------
    values : pandas.Series
        Index values in standard deviations.
    scheme : ClassScheme
        Ascending thresholds and their classes.

    Returns
    -------
    pandas.Series
        Class positions (nullable Int64), same index as ``values``.

    Examples
    --------
    With thresholds -1 and +1, both -1 and +1 themselves belong to the middle class:

    >>> scheme = ClassScheme(thresholds=[-1.0, 1.0], classes=[ClassOption(code="1", label="hoch"),
    ...     ClassOption(code="2", label="mittel"), ClassOption(code="3", label="niedrig")])
    >>> classify(pd.Series([-1.5, -1.0, 0.0, 1.0, 1.2, np.nan]), scheme).tolist()
    [0, 1, 1, 1, 2, <NA>]
    """
    x = values.to_numpy(dtype=float)
    position = np.zeros(len(x), dtype=int)
    for t in scheme.thresholds:
        position += (x >= t) if t < 0 else (x > t)
    result = pd.array(position, dtype="Int64")
    result[np.isnan(x)] = pd.NA
    return pd.Series(result, index=values.index)


def class_codes(positions: pd.Series, scheme: ClassScheme) -> tuple[pd.Series, pd.Series]:
    """Codes and labels of class positions ("" where there is no class).

    Parameters
    ----------
    positions : pandas.Series
        Class positions from :func:`classify` (NA: no class).
    scheme : ClassScheme
        The classes.

    Returns
    -------
    codes, labels : pandas.Series
        Text per position, "" for NA.

    Examples
    --------
    >>> scheme = ClassScheme(thresholds=[-1.0, 1.0], classes=[ClassOption(code="1", label="hoch"),
    ...     ClassOption(code="2", label="mittel"), ClassOption(code="3", label="niedrig")])
    >>> codes, labels = class_codes(classify(pd.Series([-1.5, 0.0, np.nan]), scheme), scheme)
    >>> codes.tolist(), labels.tolist()
    (['1', '2', ''], ['hoch', 'mittel', ''])
    """
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
    value_<id>, n_<id> and d_<id> (numerator and denominator counts), n0_<id> and d0_<id> (the same in the base
    year of the dynamics), z_<id>, status_combined, status_index, status_class (position),
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


def _values_and_counts(ds: Dataset, year: int, groups: dict[str, list[str]],
                       ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Indicator values, numerators and denominators (groups x indicators) of one year, from one computation."""
    indicators = [ds.catalogue.indicator(i) for i in ids]
    long = indicator_values(ds, year, groups, indicators)
    frames = [long.pivot(index="group", columns="indicator", values=field).reindex(index=list(groups), columns=ids)
              for field in ("value", "numerator", "denominator")]
    return frames[0], frames[1], frames[2]


def published_changes(ds: Dataset, year: int, groups: dict[str, list[str]], variable: str) -> pd.Series:
    """The published change (a ``kind: rate`` variable) of ``year`` per group of exactly one unit; NaN for other
    groups (a change of a rate cannot be summed over units) and where the unit has none."""
    sums = aggregate(ds, year, groups, [variable])[variable]
    single = pd.Series({name: len(members) == 1 for name, members in groups.items()})
    return sums.where(single.reindex(sums.index).to_numpy())


WITHHELD_REASON = "ein Eingangswert unterliegt der Geheimhaltung (nicht in die Standardisierung einbezogen)"
"""The reason of a unit that ``withheld_inputs: exclude`` leaves out of the standardisation."""


def compute_sozialindex(ds: Dataset, year: int, method: SozialindexMethod, method_id: str = "",
                        withheld: Callable[[pd.DataFrame], pd.Series] | None = None) -> Sozialindex:
    """Status and dynamics index of every Stadtteil for ``year`` (see the module docstring for the steps).

    ``withheld``: disclosure control's rule for the counts an index is built from (a frame with ``n_``/``d_`` of
    every index indicator and ``n0_``/``d0_`` of every dynamics indicator per unit -> True where one is withheld);
    used only by a method with ``withheld_inputs: exclude``, whose units with a withheld input then do not qualify.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    year : int
        The report year (status); the dynamics compare with ``year - method.dynamics_years``.
    method : SozialindexMethod
        The index method.
    method_id : str, default ""
        The method's key in ``sozialindex.yml`` (kept for the report).
    withheld : callable, optional
        Disclosure control's rule, see above.

    Returns
    -------
    Sozialindex
        The table of all Stadtteile and the status and dynamics scales.

    Raises
    ------
    AnalysisError
        The base year is not in the data, no Stadtteil qualifies, an indicator does not vary, a
        population-weighted method lacks a population, or (with ``missing_values: error``) a qualifying
        Stadtteil lacks a value.
    """
    base_year = year - method.dynamics_years
    changes = {i.id: i.change for i in method.indicators if i.change}
    if base_year not in ds.years and not set(method.dynamics_ids) <= set(changes):
        raise AnalysisError(f"Für die Dynamik über {method.dynamics_years} Jahre fehlen die Daten von {base_year} "
                         f"(vorhanden: {ds.years[0]} bis {ds.years[-1]})")
    groups = stadtteil_groups(ds, year)
    signs = method.signs(ds.catalogue)
    status_ids, dynamics_ids = method.status_ids, method.dynamics_ids
    values, counts, denominators = _values_and_counts(ds, year, groups, status_ids)
    before, counts_before, denominators_before = _values_and_counts(ds, base_year, groups, dynamics_ids)
    population = aggregate(ds, year, groups, ["population"])["population"]

    reference = ds.spatial
    base, top = reference.base, reference.top
    table = pd.DataFrame(index=pd.Index(list(groups), name="stadtteil"))
    table["nr"] = [base.key_of(s) if base.key_of(s) is not None else s for s in table.index]
    table["name"] = [base.name_of(s) for s in table.index]
    table["label"] = [base.label(s) for s in table.index]
    table["stadtbezirk"] = [top.name_of(reference.district_of(s), "") for s in table.index]
    table["population"] = population.reindex(table.index).to_numpy()

    small = pd.Series(False, index=table.index)
    if method.withheld_inputs == "exclude" and withheld is not None:
        inputs = pd.concat([counts.add_prefix("n_"), denominators.add_prefix("d_"), counts_before.add_prefix("n0_"),
                            denominators_before.add_prefix("d0_")], axis=1)
        small = withheld(inputs).reindex(table.index, fill_value=False).astype(bool)
    reasons = pd.Series("", index=table.index, dtype=object)
    missing = values.isna()
    excluded = {str(base.resolve(k)) if base.resolve(k) is not None else str(k) for k in method.excluded}
    for stadtteil in table.index:
        if stadtteil in excluded:
            reasons[stadtteil] = "von der Bewertung ausgenommen"
        elif not table.at[stadtteil, "population"] >= method.min_population:
            reasons[stadtteil] = f"weniger als {method.min_population} Einwohner*innen"
        elif missing.loc[stadtteil].any():
            lacking = [ds.catalogue.indicator(i).name for i in status_ids if missing.at[stadtteil, i]]
            reasons[stadtteil] = "keine Werte: " + ", ".join(lacking)
        elif small[stadtteil]:
            reasons[stadtteil] = WITHHELD_REASON
    _check_assumptions(method, method_id, year, table, reasons, excluded, missing, base)
    table["qualifies"] = reasons == ""
    table["reason"] = reasons

    for i in status_ids:
        table[f"value_{i}"] = values[i]
        table[f"n_{i}"] = counts[i]
        table[f"d_{i}"] = denominators[i]
    for i in dynamics_ids:  # the counts the dynamics are built from as well (disclosure control needs them)
        table[f"n0_{i}"] = counts_before[i]
        table[f"d0_{i}"] = denominators_before[i]
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
        if i in changes:  # the city's published change where it gives one
            published = published_changes(ds, year, groups, changes[i])
            change[i] = published.where(published.notna(), change[i])
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


def _check_assumptions(method: SozialindexMethod, method_id: str, year: int, table: pd.DataFrame,
                       reasons: pd.Series, excluded: set[str], missing: pd.DataFrame, base) -> None:
    """Stop with an AnalysisError where the data break the method's assumptions: a population-weighted method
    needs every unit's population; with ``missing_values: error`` every qualifying unit needs every value."""
    where = f"sozialindex.yml, methods.{method_id or '…'}"
    if method.weighting == "population":
        lacking = [s for s in table.index if s not in excluded and not np.isfinite(table.at[s, "population"])]
        if lacking:
            names = ", ".join(base.label(s) for s in lacking[:8]) + (" …" if len(lacking) > 8 else "")
            raise AnalysisError(f"Das Verfahren „{method.label}“ ({where}.weighting: population) gewichtet nach "
                                f"Einwohnerzahl, aber für {len(lacking)} {base.plural if len(lacking) > 1 else base.name}"
                                f" fehlt die Einwohnerzahl {year} (Variable population): {names}.")
    if method.missing_values == "error":
        gaps = [s for s in table.index if reasons[s].startswith("keine Werte")]
        if gaps:
            listed = "; ".join(f"{base.label(s)} ({reasons[s].removeprefix('keine Werte: ')})" for s in gaps[:8])
            raise AnalysisError(f"Das Verfahren „{method.label}“ ({where}.missing_values: error) braucht für jeden "
                                f"bewerteten {base.name} alle Indexindikatoren; {year} fehlen Werte bei {len(gaps)}: "
                                f"{listed}{' …' if len(gaps) > 8 else ''}. Mit missing_values: exclude werden sie "
                                "nicht bewertet.")


def area_scores(ds: Dataset, index: Sozialindex, area_ids: list[str] | None = None) -> pd.DataFrame:
    """The Sozialraumgebiete placed on the Stadtteile's scale (values from their summed counts).

    One row per area: area_id, name, value_/n_/d_ (value, numerator, denominator) per indicator, n0_/d0_ (numerator
    and denominator in the base year) per dynamics indicator, status_index
    and class, dynamics_index
    and class, combined code. The areas do not enter the means and standard deviations.

    Parameters
    ----------
    ds : Dataset
        The validated data.
    index : Sozialindex
        The index whose scales (:class:`Reference`) place the areas.
    area_ids : list of str, optional
        The areas; all when None.

    Returns
    -------
    pandas.DataFrame
        One row per area, in the order of ``area_ids``.
    """
    method = index.method
    groups = area_groups(ds, area_ids, city=False)
    values, counts, denominators = _values_and_counts(ds, index.year, groups, method.status_ids)
    before, counts_before, denominators_before = _values_and_counts(ds, index.base_year, groups, method.dynamics_ids)
    status = index.status.score(values)
    frame = pd.DataFrame({"area_id": list(groups), "name": [ds.areas.get(a).name for a in groups]},
                         index=list(groups))
    for i in method.status_ids:
        frame[f"value_{i}"] = values[i]
        frame[f"n_{i}"] = counts[i]
        frame[f"d_{i}"] = denominators[i]
    for i in method.dynamics_ids:
        frame[f"n0_{i}"] = counts_before[i]
        frame[f"d0_{i}"] = denominators_before[i]
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

    Parameters
    ----------
    ds : Dataset
        The validated data with the area definitions.
    index : Sozialindex
        The computed index.

    Returns
    -------
    pandas.DataFrame
        One row per area and Stadtteil: area_id, area, stadtteil (key), name, coverage ("ganz"/"teilweise"), note,
        status_index, dynamics_index, population, the labels, combined_code, reason and the numerators ``n_<id>``.
    """
    rows = []
    for area in ds.areas.areas:
        parts = {p.stadtteil: p.note for p in area.partial}
        for number in area.stadtteil_numbers:
            key = str(number)
            row = index.table.loc[key] if key in index.table.index else None
            rows.append({
                "area_id": area.id, "area": area.name, "stadtteil": key, "name": ds.spatial.base.name_of(number),
                "coverage": "teilweise" if number in parts else "ganz", "note": parts.get(number, ""),
                **{c: (row[c] if row is not None else np.nan) for c in
                   ("status_index", "dynamics_index", "population")},
                **{c: (row[c] if row is not None else "") for c in
                   ("status_label", "dynamics_label", "combined_code", "reason")},
                **({f"n_{i}": row[f"n_{i}"] for i in index.method.status_ids} if row is not None else {}),
            })
    return pd.DataFrame(rows)
