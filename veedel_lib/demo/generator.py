"""Deterministic demo data: the real 86 Stadtteile split into statistical units, years 2012 to 2024.

The levels and spreads come from rounded facts of the city's open data (``data/stadtteil_facts.csv``,
see ``scripts/derive_stadtteil_facts.py``): population, age structure, SGB-II quotas, unemployment,
households, turnout per Stadtteil around 2012. Units inside a Stadtteil differ around their Stadtteil's
level, and the units that a Sozialraumgebiet takes from a partly covered Stadtteil are the more
deprived ones, as in reality. City-wide paths over the years follow the broad development of Cologne
(growth to about 1,08 million residents, SGB II peaking around 2016, refugees in 2015/16 and 2022).
Finally the 15 areas are calibrated so that the latest year reproduces the shares the council
resolution published (DESIGN.md) exactly before rounding.

The statistics never depend on the editable ``areas.yml``: units, calibration and built-in effects use the areas
as the published figures count them (:data:`PROGRAMME_AREAS`). So editing one area's definition leaves every demo
statistic byte-identical; only that area's own demo records follow the edit (its Kernprozess documentation, whose
pace grows with its size, and its plan, derived from its analysis), see ``documentation.py`` and ``plans.py``.

Known effects can be built in (``effects``) so that the evaluation can be tested against a truth:
the default demo data lowers the SGB-II quota of Höhenberg/Vingst by 2 percentage points in every
year after the 2020 baseline, relative to what it would have been.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import atomic_path, cache_dir
from ..params.catalogue import load_catalogue
from ..params.reference import SpatialReference, reference_file, reference_for
from ..params.run_config import parameters_dir as default_parameters_dir

SEED = 20191212  # the date of the council decision on the 15 areas
YEARS = tuple(range(2012, 2025))
ELECTION_YEARS = (2014, 2020)
PERSONS_PER_UNIT = 3200

UNIT_NAMES = {
    "40302": "Westend", "60301": "Seeberg-Nord", "90101": "Mülheim-Süd/Stegerwaldsiedlung",
    "90104": "Keupstraße", "90105": "Mülheim-Nord", "90110": "Böcking-Siedlung", "90401": "Holweide-Nord",
    "90801": "Stammheim-Süd", "70601": "Porz-Mitte", "70603": "Porz-Ost", "71401": "Rosenhügel",
    "21302": "Auf dem Kölnberg", "80503": "Gernsheimer Straße",
}
PROGRAMME_AREAS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "bickendorf-westend-ossendorf": ((403, 406), ()),
    "bilderstoeckchen": ((507,), ()),
    "blumenberg-chorweiler-seeberg-nord": ((610, 609), ("60301",)),
    "bocklemuend-mengenich": ((405,), ()),
    "buchforst-muelheim-sued": ((902,), ("90101",)),
    "buchheim-holweide": ((903,), ("90401",)),
    "hoehenberg-vingst": ((804, 803), ()),
    "humboldt-gremberg": ((801,), ()),
    "kalk": ((802,), ()),
    "meschenich-rondorf": ((213, 206), ()),
    "muelheim-nord-keupstrasse": ((), ("90104", "90105", "90110", "90801")),
    "ostheim-neubrueck": ((805, 809), ()),
    "porz-ost-finkenberg-gremberghoven-eil": ((716, 704, 705), ("70603",)),
    "hoehenhaus-duennwald": ((906, 907), ()),
    "porz-mitte-urbach": ((707,), ("70601", "71401")),
}
"""The 15 areas as the published figures count them: area id -> (whole Stadtteile, single units), Mülheim-Nord/
Keupstraße with its extension into Stammheim (90801) of 2022. Fixed here, not read from ``areas.yml``: the demo
statistics are calibrated against these definitions, so an edit of one area in ``areas.yml`` changes no area's
demo statistics (an edited area's reports then show how the published figures look on its new definition)."""

DEPRIVED_UNITS = {"60301": 1.6, "90101": 1.5, "90104": 1.6, "90105": 1.5, "90110": 1.7, "90401": 1.3,
                  "90801": 1.5, "70601": 1.4, "70603": 1.5, "71401": 1.6, "21302": 2.0, "80503": 1.6}
"""Deprivation multipliers for units known as hot spots (relative to their Stadtteil)."""

# City-wide development by year, relative to 2012 (broad shape of Cologne's statistics).
CITY_PATHS = {
    "population": [1.000, 1.004, 1.012, 1.024, 1.035, 1.040, 1.043, 1.045, 1.041, 1.037, 1.041, 1.042, 1.043],
    "sgb2": [1.000, 1.010, 1.020, 1.040, 1.060, 1.050, 1.010, 0.970, 0.960, 0.940, 0.950, 0.960, 0.950],
    "unemployment": [1.000, 1.020, 1.000, 0.970, 0.940, 0.900, 0.860, 0.840, 0.960, 0.930, 0.900, 0.950, 0.990],
    "gsi_age": [1.000, 1.050, 1.100, 1.150, 1.200, 1.240, 1.280, 1.320, 1.360, 1.400, 1.450, 1.500, 1.560],
    "gsi_em": [1.000, 1.040, 1.080, 1.120, 1.160, 1.190, 1.220, 1.250, 1.280, 1.300, 1.330, 1.360, 1.400],
    "asylblg": [1.000, 1.500, 2.300, 4.500, 4.000, 2.600, 2.000, 1.700, 1.600, 1.600, 2.600, 2.300, 2.000],
    "hze": [1.000, 1.020, 1.040, 1.080, 1.100, 1.110, 1.120, 1.130, 1.120, 1.130, 1.150, 1.170, 1.190],
    "foreigners": [1.000, 1.030, 1.070, 1.120, 1.160, 1.180, 1.200, 1.220, 1.230, 1.240, 1.300, 1.320, 1.330],
    "migration": [1.000, 1.015, 1.035, 1.060, 1.080, 1.095, 1.110, 1.125, 1.135, 1.145, 1.170, 1.180, 1.190],
}
TURNOUT_SHIFT = {2014: 0.010, 2020: 0.030}  # city-wide change of turnout against 2009, in proportions


@dataclass(frozen=True)
class Effect:
    """A built-in programme effect: from ``start_year`` on, the area's value of ``indicator`` changes by
    ``change_pp`` percentage points (negative = improvement where higher is worse). The change is made
    in the indicator's first numerator variable."""

    area_id: str
    start_year: int
    change_pp: float
    indicator: str = "sgb2_quote"


DEFAULT_EFFECTS = (Effect("hoehenberg-vingst", 2021, -2.0),)


def load_facts() -> pd.DataFrame:
    """The rounded Stadtteil facts that calibrate the generator (86 rows, indexed by Stadtteil number)."""
    with resources.files("veedel_lib").joinpath("data/stadtteil_facts.csv").open(encoding="utf-8") as handle:
        facts = pd.read_csv(handle, comment="#")
    return facts.set_index("stadtteil_nr").sort_index()


def _unit_table(facts: pd.DataFrame, needed: dict[int, int], rng: np.random.Generator,
                reference: SpatialReference) -> pd.DataFrame:
    """Split every Stadtteil into statistical units with population weights and deprivation multipliers."""
    rows = []
    for number, fact in facts.iterrows():
        count = max(2, int(round(fact["population_2012"] / PERSONS_PER_UNIT)), needed.get(number, 0))
        weights = rng.dirichlet(np.full(count, 8.0))
        deprivation = np.exp(rng.normal(0.0, 0.25, count))
        for k in range(count):
            unit_id = f"{number}{k + 1:02d}"
            deprivation[k] *= DEPRIVED_UNITS.get(unit_id, 1.0)
        deprivation /= np.average(deprivation, weights=weights)
        for k in range(count):
            unit_id = f"{number}{k + 1:02d}"
            rows.append({
                "unit_id": unit_id,
                "unit_name": UNIT_NAMES.get(unit_id, f"{reference.base.name_of(number)} {k + 1}"),
                "stadtteil_nr": number,
                "weight": weights[k],
                "deprivation": deprivation[k],
            })
    return pd.DataFrame(rows)


def _needed_units() -> dict[int, int]:
    """Per Stadtteil the number of units needed so that every unit named in :data:`PROGRAMME_AREAS` exists (a unit
    that ``areas.yml`` names beyond these does not exist in the demo data, as with a wrong number in real data)."""
    needed: dict[int, int] = {}
    for _, units in PROGRAMME_AREAS.values():
        for unit in units:
            number, suffix = int(unit[:3]), int(unit[3:])
            needed[number] = max(needed.get(number, 0), suffix)
    return needed


def _area_of_units(units: pd.DataFrame) -> pd.Series:
    """area id per unit (empty string outside the programme), by :data:`PROGRAMME_AREAS`."""
    area = pd.Series("", index=units["unit_id"].to_numpy())
    for area_id, (stadtteile, named) in PROGRAMME_AREAS.items():
        members = units.loc[units["stadtteil_nr"].isin(stadtteile), "unit_id"].tolist() + list(named)
        area[[m for m in members if m in area.index]] = area_id
    return area


def generate(parameters_dir: str | Path | None = None, effects: tuple[Effect, ...] = DEFAULT_EFFECTS,
             seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the demo units table and statistics in long form (unit, year, variable, count).

    Deterministic for a given seed, effects, indicators.yml and raumbezug.yml (never areas.yml: see
    :data:`PROGRAMME_AREAS`).
    """
    parameters = default_parameters_dir(parameters_dir)
    catalogue = load_catalogue(parameters / "indicators.yml")
    rng = np.random.default_rng(seed)
    facts = load_facts()
    reference = reference_for(parameters)
    units = _unit_table(facts, _needed_units(), rng, reference)
    area_of = _area_of_units(units)
    in_area = area_of.to_numpy() != ""
    st = facts.loc[units["stadtteil_nr"]].reset_index(drop=True)
    dep = units["deprivation"].to_numpy()
    n_units, n_years = len(units), len(YEARS)
    t = np.arange(n_years)

    def path(name: str) -> np.ndarray:
        return np.asarray(CITY_PATHS[name])[None, :]

    def drift(scale: float) -> np.ndarray:
        """Each Stadtteil's own smooth development around the city path, plus yearly unit noise."""
        per_stadtteil = pd.Series(rng.normal(0.0, scale, len(facts)), index=facts.index)
        slope = per_stadtteil.loc[units["stadtteil_nr"]].to_numpy()[:, None]
        return np.clip(1.0 + slope * t[None, :] + rng.normal(0.0, scale / 2, (n_units, n_years)), 0.5, 1.8)

    # --- population and age structure
    base = (st["population_2012"].to_numpy() * units["weight"].to_numpy())[:, None]
    population = base * path("population") * drift(0.004)
    age_names = ["0_5", "6_14", "15_17", "18_24", "25_64", "65_plus"]
    st["share_65_plus"] = st["share_65_79"] + st["share_80_plus"]
    shares = np.stack([st[f"share_{a}"].to_numpy() for a in age_names], axis=1)
    shares = shares * np.exp(rng.normal(0.0, 0.08, shares.shape))
    # yearly relative change of each age group's share: more small children and very old people
    ageing = np.array([0.004, 0.004, 0.0, -0.002, -0.001, 0.004])[None, :, None] * t[None, None, :]
    age_share = np.clip(shares[:, :, None] * (1 + ageing), 1e-4, None)
    age_share /= age_share.sum(axis=1, keepdims=True)
    ages = {a: population * age_share[:, i, :] for i, a in enumerate(age_names)}
    under15 = ages["0_5"] + ages["6_14"]
    under18 = under15 + ages["15_17"]
    age15_24 = ages["15_17"] + ages["18_24"]
    age18_64 = ages["18_24"] + ages["25_64"]
    age15_64 = ages["15_17"] + age18_64
    under65 = under18 + age18_64
    over65 = ages["65_plus"]

    # relative deprivation of the Stadtteil against the city, drives the smaller benefit counts
    rel = (st["sgb2_quote_2012"].to_numpy() / 0.13)[:, None] * dep[:, None]
    v: dict[str, np.ndarray] = {f"pop_{a}": ages[a] for a in age_names}
    v["population"] = population
    v["foreigners"] = population * np.clip(st["share_foreigners"].to_numpy()[:, None] * dep[:, None] ** 0.5
                                           * path("foreigners") * drift(0.005), 0, 0.8)
    v["migration_background"] = np.maximum(
        population * np.clip(st["share_migration"].to_numpy()[:, None] * dep[:, None] ** 0.4
                             * path("migration") * drift(0.004), 0, 0.9), v["foreigners"])
    households = population / (st["persons_per_household_2011"].to_numpy()[:, None] * drift(0.002))
    v["households"] = households
    v["single_parent_households"] = households * np.clip(
        st["single_parents_per_household_2011"].to_numpy()[:, None] * dep[:, None] ** 0.5 * drift(0.006), 0, 0.3)
    v["moves_in"] = population * st["moves_in_per_person_2011"].to_numpy()[:, None] * drift(0.01)
    v["moves_out"] = population * st["moves_out_per_person_2011"].to_numpy()[:, None] * drift(0.01)

    sgb2_quote = np.clip(st["sgb2_quote_2012"].to_numpy()[:, None] * dep[:, None] * path("sgb2") * drift(0.008),
                         0.002, 0.6)
    v["sgb2_recipients"] = under65 * sgb2_quote
    child_quote = np.clip(st["sgb2_u15_quote_2011"].to_numpy()[:, None] * dep[:, None] * path("sgb2")
                          * drift(0.008), 0.002, 0.75)
    v["sgb2_u15"] = under15 * child_quote
    v["sgb2_u18"] = v["sgb2_u15"] + ages["15_17"] * child_quote * 0.85
    # unemployment: the 2014 and 2019 Stadtteil levels, joined by the city path
    q14 = st["unemployment_quote_2014"].to_numpy()[:, None]
    q19 = st["unemployment_quote_2019"].to_numpy()[:, None]
    weight19 = np.clip((t[None, :] - 2) / 5, 0, 1)
    stadtteil_path = q14 * (1 - weight19) + q19 * weight19
    city_shape = path("unemployment") / np.where(t < 7, 1.0, CITY_PATHS["unemployment"][7])[None, :]
    city_shape = np.where(t[None, :] < 7, 1.0, city_shape)
    unemployment_density = np.clip(0.72 * stadtteil_path * city_shape * dep[:, None] ** 0.8 * drift(0.01), 0.003, 0.4)
    v["unemployed"] = age15_64 * unemployment_density
    v["unemployed_15_24"] = age15_24 * np.clip(st["youth_unemployment_quote_2014"].to_numpy()[:, None] * 0.6
                                               * path("unemployment") * dep[:, None] ** 0.8 * drift(0.012) + 0.004,
                                               0, 0.4)
    v["gsi_age"] = over65 * np.clip(0.055 * rel ** 0.8 * path("gsi_age") * drift(0.01), 0.002, 0.5)
    v["gsi_em"] = age18_64 * np.clip(0.011 * rel ** 0.8 * path("gsi_em") * drift(0.01), 0.001, 0.2)
    v["sgb12_hlu"] = population * np.clip(0.0028 * rel ** 0.7 * drift(0.01), 0.0002, 0.05)
    refugee_housing = np.exp(rng.normal(0.0, 0.8, n_units))[:, None]
    v["asylblg"] = population * np.clip(0.005 * rel ** 0.5 * refugee_housing * path("asylblg"), 0, 0.2)
    v["hze_cases"] = under18 * np.clip(0.026 * rel ** 0.7 * path("hze") * drift(0.01), 0.001, 0.2)
    electorate = (age18_64 + over65) * (1 - 0.6 * v["foreigners"] / population)
    turnout = st["turnout_2009"].to_numpy()[:, None] / dep[:, None] ** 0.3 * np.exp(rng.normal(0, 0.03, (n_units, 1)))
    election = np.array([y in ELECTION_YEARS for y in YEARS])
    shift = np.array([TURNOUT_SHIFT.get(y, 0.0) for y in YEARS])[None, :]
    v["electorate"] = np.where(election[None, :], electorate, np.nan)
    v["voters"] = np.where(election[None, :], electorate * np.clip(turnout + shift, 0.15, 0.9), np.nan)

    _apply_effects(v, effects, area_of.to_numpy(), catalogue)
    _calibrate(v, in_area, catalogue, n_years - 1)
    statistics = _to_long(v, units, catalogue)
    unit_table = pd.DataFrame({
        "unit_id": units["unit_id"],
        "unit_name": units["unit_name"],
        "stadtteil": units["stadtteil_nr"].astype(str),
        "stadtbezirk": [reference.top.name_of(reference.district_of(n)) for n in units["stadtteil_nr"]],
    })
    return unit_table, statistics


def _rescale(v: dict[str, np.ndarray], share_names: list[str], scaled_names: list[str], in_area: np.ndarray,
             year: int, target: float, rest_only: bool = False) -> None:
    """Scale ``scaled_names`` so that the areas' share of the summed ``share_names`` in ``year`` is ``target``.

    By default weight moves between areas and the rest of the city with the city total kept; with
    ``rest_only`` only the rest of the city is scaled, so the areas' own values (and any built-in
    effect) stay exactly as generated. The same factor applies to every year, so trends keep their shape.
    """
    total = sum(v[n][:, year] for n in share_names)
    area_sum, rest_sum = total[in_area].sum(), total[~in_area].sum()
    if rest_only:
        scaled_rest = sum(v[n][~in_area, year].sum() for n in scaled_names)
        needed_rest = area_sum * (1 - target) / target
        factor_area, factor_rest = 1.0, 1 + (needed_rest - rest_sum) / scaled_rest
    else:
        share = area_sum / (area_sum + rest_sum)
        factor_area, factor_rest = target / share, (1 - target) / (1 - share)
    if factor_rest <= 0:
        raise ValueError(f"Kalibrierung unmöglich für {share_names}: Faktor {factor_rest:.3f}")
    for name in scaled_names:
        v[name][in_area] *= factor_area
        v[name][~in_area] *= factor_rest


CALIBRATED_TOGETHER = {"sgb2_u18": ["sgb2_u18", "sgb2_u15"]}
"""Variables scaled along with a calibrated one, so that parts stay parts (under 15 within under 18)."""


def _calibrate(v: dict[str, np.ndarray], in_area: np.ndarray, catalogue, year: int) -> None:
    """Make ``year`` reproduce the published shares of every programme figure.

    Residents first, by scaling whole units (all counts, so rates inside units stay as generated); then
    each single-variable figure; the combined minimum-income figure last, by scaling SGB II and HLU in
    the rest of the city only, which leaves the areas' SGB II quotas and built-in effects untouched.
    """
    for figure in sorted(catalogue.programme_figures, key=lambda f: (f.id != "residents", len(f.variables))):
        target = figure.published_share / 100
        if figure.id == "residents":
            _rescale(v, figure.variables, list(v), in_area, year, target)
        elif len(figure.variables) == 1:
            name = figure.variables[0]
            _rescale(v, [name], CALIBRATED_TOGETHER.get(name, [name]), in_area, year, target)
        else:
            adjustable = [n for n in figure.variables if n in ("sgb2_recipients", "sgb12_hlu")] or figure.variables
            _rescale(v, figure.variables, adjustable, in_area, year, target, rest_only=True)


def _apply_effects(v: dict[str, np.ndarray], effects: tuple[Effect, ...], area_of: np.ndarray, catalogue) -> None:
    """Build in known effects: from the start year the area's indicator moves by ``change_pp`` points."""
    years = np.array(YEARS)
    for effect in effects:
        indicator = catalogue.indicator(effect.indicator)
        members = area_of == effect.area_id
        if not members.any():
            raise ValueError(f"Effekt für unbekanntes Gebiet '{effect.area_id}'")
        cells = np.ix_(members, years >= effect.start_year)
        denominator = sum(v[n] for n in indicator.denominator)[cells]
        target = indicator.numerator[0]
        v[target][cells] = np.maximum(v[target][cells] + denominator * effect.change_pp / 100, 0.0)


def _bounded(v: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Round to whole counts, population = sum of age groups, and every part no larger than its whole."""
    r = {name: np.round(values) for name, values in v.items()}
    ages = ["pop_0_5", "pop_6_14", "pop_15_17", "pop_18_24", "pop_25_64", "pop_65_plus"]
    r["population"] = sum(r[a] for a in ages)
    under15 = r["pop_0_5"] + r["pop_6_14"]
    under18 = under15 + r["pop_15_17"]
    under65 = under18 + r["pop_18_24"] + r["pop_25_64"]
    r["foreigners"] = np.minimum(r["foreigners"], r["population"])
    r["migration_background"] = np.clip(r["migration_background"], r["foreigners"], r["population"])
    r["single_parent_households"] = np.minimum(r["single_parent_households"], r["households"])
    r["sgb2_u15"] = np.minimum(r["sgb2_u15"], under15)
    r["sgb2_u18"] = np.clip(r["sgb2_u18"], r["sgb2_u15"], under18)
    r["sgb2_recipients"] = np.clip(r["sgb2_recipients"], r["sgb2_u18"], under65)
    r["unemployed"] = np.minimum(r["unemployed"], r["pop_15_17"] + r["pop_18_24"] + r["pop_25_64"])
    r["unemployed_15_24"] = np.minimum(r["unemployed_15_24"], np.minimum(r["unemployed"],
                                                                         r["pop_15_17"] + r["pop_18_24"]))
    r["gsi_age"] = np.minimum(r["gsi_age"], r["pop_65_plus"])
    r["gsi_em"] = np.minimum(r["gsi_em"], r["pop_18_24"] + r["pop_25_64"])
    r["hze_cases"] = np.minimum(r["hze_cases"], under18)
    r["voters"] = np.minimum(r["voters"], r["electorate"])
    return r


def _to_long(v: dict[str, np.ndarray], units: pd.DataFrame, catalogue) -> pd.DataFrame:
    """Long form (unit, year, variable, count) in catalogue order; years without data are left out."""
    rounded = _bounded(v)
    missing = [var for var in catalogue.variable_ids if var not in rounded]
    frames = []
    for variable in catalogue.variable_ids:
        if variable in missing:
            continue
        values = rounded[variable]
        frame = pd.DataFrame(values, index=units["unit_id"].to_numpy(), columns=list(YEARS))
        frame = frame.stack(future_stack=True).dropna().astype(np.int64).rename("count").reset_index()
        frame.columns = ["unit", "year", "count"]
        frame["variable"] = variable
        frames.append(frame[["unit", "year", "variable", "count"]])
    return pd.concat(frames, ignore_index=True)


def write_demo_data(target: str | Path, parameters_dir: str | Path | None = None,
                    effects: tuple[Effect, ...] = DEFAULT_EFFECTS, seed: int = SEED) -> Path:
    """Write ``units.csv``, ``statistics.csv`` (semicolon, UTF-8), the Kernprozess documentation
    (``dokumentation/<area>.xlsx``), the Sozialraumgebietspläne (``plaene/<area>.xlsx``) and a ``.demo`` marker
    to ``target``.

    Writes into a temporary folder first and renames it, so a half-written demo folder never looks complete.
    """
    from .documentation import write_demo_documentation  # the workbook writer (openpyxl) only when writing

    target = Path(target)
    units, statistics = generate(parameters_dir, effects, seed)
    with atomic_path(target) as staging:
        staging.mkdir()
        units.to_csv(staging / "units.csv", sep=";", index=False, encoding="utf-8")
        statistics.to_csv(staging / "statistics.csv", sep=";", index=False, encoding="utf-8")
        write_demo_documentation(staging, parameters_dir, last_year=YEARS[-1], seed=seed)
        # the marker first: the plans read the folder as a dataset, which must know it holds demo data
        (staging / ".demo").write_text(json.dumps({
            "generator": "veedel_lib.demo", "seed": seed, "years": [YEARS[0], YEARS[-1]],
            "effects": [asdict(e) for e in effects],
        }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _write_plans(staging, parameters_dir, seed)
    return target


def _write_plans(staging: Path, parameters_dir: str | Path | None, seed: int) -> list[Path]:
    """The demo plans (``plaene/<area>.xlsx``), derived from the analysis of the data just written.

    The staging folder is read like any data folder (and the validated dataset cached under its bytes, so the
    run that reads the same data next finds it validated)."""
    from ..inputs.dataset import load_dataset
    from ..kernprozess.documentation import load_documentation
    from ..planning.schema import load_config
    from ..planning.validation import vocabularies
    from .plans import write_demo_plans

    parameters = default_parameters_dir(parameters_dir)
    ds = load_dataset(staging, parameters)
    # an area whose definition in areas.yml is broken gets no plan: its reports fail with that problem, the
    # others' demo data and plans are written as always
    healthy = [a.id for a in ds.areas.areas]
    documentation = load_documentation(staging, parameters, healthy)
    config = load_config(parameters)
    return write_demo_plans(staging, ds, documentation, config, vocabularies(config, parameters, ds.catalogue),
                            _dt.date(YEARS[-1], 12, 31), seed, healthy)


def ensure_demo_data(parameters: Path) -> Path:
    """Generate the demo data into the cache once per generator version and parameters; returns its folder.

    This is the :data:`veedel_lib.inputs.dataset.DemoSource` that callers hand to ``load_dataset``.
    """
    from ..analysis import comparison
    from ..kernprozess import schema, templates
    from ..planning import prefill
    from ..planning import schema as plan_schema
    from ..planning import templates as plan_templates
    from ..planning import validation as plan_validation
    from ..workbook import reader as workbook_reader
    from ..workbook import schema as workbook_schema
    from ..workbook import writer as workbook_writer
    from . import documentation, plans

    parameters = Path(parameters)
    fingerprint = hashlib.sha256()
    for module in (sys.modules[__name__], documentation, templates, schema, plans, plan_schema, plan_templates,
                   plan_validation, prefill, comparison, workbook_schema, workbook_writer, workbook_reader):
        fingerprint.update(Path(module.__file__).read_bytes())
    for name in ("areas.yml", "indicators.yml", "kernprozess.yml", "planung.yml"):
        fingerprint.update((parameters / name).read_bytes())
    fingerprint.update(reference_file(parameters).read_bytes())
    target = cache_dir() / f"demo-{fingerprint.hexdigest()[:12]}"
    if not (target / ".demo").exists():
        write_demo_data(target, parameters_dir=parameters)
    return target
