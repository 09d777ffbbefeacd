"""Derive the rounded Stadtteil facts that calibrate the demo data, from the city's open data.

Run once by a developer when the calibration should change:

    python scripts/derive_stadtteil_facts.py ../shared/data/koeln veedel_lib/data/stadtteil_facts.csv

It reads the real open data of the City of Cologne (never copied into this repository) and writes one
row per Stadtteil with a handful of *rounded levels* (population, shares and quotas in percent): facts
that set the demo generator's levels and spreads, not a copy of any file. Source: Stadt Köln – Amt für
Stadtentwicklung und Statistik, offenedaten-koeln.de (CC BY 3.0 DE).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def _portal(path: Path, **kwargs) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"raum_id": str, "zei_id": str, "tab_id": str}, **kwargs)
    frame["raum_id"] = frame["raum_id"].str.zfill(3)
    frame["tab_id"] = frame["tab_id"].str.zfill(3)
    return frame[frame["raum_id"].astype(int) >= 100]


def derive(folder: Path) -> pd.DataFrame:
    """One row per Stadtteil with rounded calibration facts (see module docstring)."""
    pop = _portal(folder / "koeln_bevoelkerung_stadtteile_2005-2012.csv")
    sgb = _portal(folder / "koeln_sgb2_stadtteile_2005-2012.csv", sep=";", encoding="utf-8-sig")
    votes = _portal(folder / "koeln_wahlen_stadtteile_2009-2012.csv", sep=";", encoding="utf-8-sig")
    profile = pd.read_csv(folder / "koeln_stadtteildaten_2011.csv", sep=";", dtype={"Stadtteil Nr.": str})
    ages12 = pd.read_csv(folder / "koeln_altersgruppen_stadtteile_2012.csv", dtype={"Nr.": str})
    work14 = pd.read_csv(folder / "koeln_beschaeftigte_arbeitslose_stadtteile_2014.csv", sep=";", decimal=",",
                         dtype={"Nr": str})
    mon19 = pd.read_csv(folder / "koeln_monitoring_stadtentwicklung_2019_stadtteile.csv", dtype={"nummer": str})

    y12 = pop[pop["jahr"] == 2012]
    wide = y12.pivot_table(index="raum_id", columns=["tab_id", "zeile"], values="zahl", aggfunc="sum")
    total = wide[("005", "Einwohner")]
    age = wide["020"]
    under65 = age.drop(columns=["65 - < 75", "75 und älter"]).sum(axis=1)
    a12 = ages12.set_index(ages12["Nr."].str.zfill(3))
    a12.columns = [c.strip() for c in a12.columns]
    facts = pd.DataFrame(index=total.index)
    facts["population_2012"] = (total / 10).round() * 10
    facts["share_0_5"] = (age["00 - < 03"] + age["03 - < 06"]) / total
    facts["share_6_14"] = (age["06 - < 10"] + age["10 - < 15"]) / total
    facts["share_15_17"] = age["15 - < 18"] / total
    facts["share_18_24"] = age["18 - < 25"] / total
    facts["share_25_64"] = age[["25 - < 35", "35 - < 45", "45 - < 55", "55 - < 60", "60 - < 65"]].sum(axis=1) / total
    facts["share_65_79"] = (a12["65 - 74"] + a12["75 - 79"]).reindex(total.index) / total
    facts["share_80_plus"] = a12["80 u. älter"].reindex(total.index) / total
    facts["share_foreigners"] = wide[("030", "Ausländer")] / total
    facts["share_migration"] = wide[("030", "Einwohner mit Migrationshintergrund")] / total

    s12 = sgb[(sgb["jahr"] == 2012) & (sgb["zeile"] == "Personen in Bedarfsgemeinschaften")]
    facts["sgb2_quote_2012"] = s12.set_index("raum_id")["zahl"].reindex(total.index) / under65

    prof = profile.set_index(profile["Stadtteil Nr."].str.zfill(3))
    col = {c.split(" (")[0]: c for c in prof.columns}
    facts["sgb2_u15_quote_2011"] = pd.to_numeric(prof[col["SGB-II-Quote der unter 15-Jährigen"]]) / 100
    facts["persons_per_household_2011"] = pd.to_numeric(prof["Personen je Haushalt"])
    facts["single_parents_per_household_2011"] = pd.to_numeric(prof["Alleinerziehende je 100 Haushalte"]) / 100
    facts["moves_in_per_person_2011"] = (pd.to_numeric(prof["Aussenwanderung: Zuzüge je 100 Einwohner nach Köln"])
                                         + pd.to_numeric(
                prof["Binnenwanderung: Zuzüge innerhalb Kölns je 100 Einwohner"])) / 100
    facts["moves_out_per_person_2011"] = (pd.to_numeric(prof["Aussenwanderung: Fortzüge aus Köln je 100 Einwohner"])
                                          + pd.to_numeric(
                prof["Binnenwanderung: Fortzüge innerhalb Kölns je 100 Einwohner"])) / 100

    w = work14.set_index(work14["Nr"].str.zfill(3))
    facts["unemployment_quote_2014"] = w["Arbeitslosenquote"].reindex(total.index) / 100
    facts["youth_unemployment_quote_2014"] = w["Jugendarbeitslosenquote"].reindex(total.index) / 100
    m = mon19.set_index(mon19["nummer"].str.zfill(3))
    facts["unemployment_quote_2019"] = m["arbeitslosenquote_2019"].reindex(total.index) / 100

    t09 = votes[(votes["tab_id"] == "031") & (votes["zeile"].str.strip() == "Wahlbeteiligung")]
    facts["turnout_2009"] = pd.to_numeric(t09.set_index("raum_id")["zahl"]).reindex(total.index) / 100

    shares = [c for c in facts.columns if not c.startswith("population") and c != "persons_per_household_2011"]
    facts[shares] = facts[shares].round(4)
    facts["persons_per_household_2011"] = facts["persons_per_household_2011"].round(2)
    facts.index.name = "stadtteil_nr"
    if facts.isna().any().any():
        raise SystemExit(f"missing facts:\n{facts[facts.isna().any(axis=1)]}")
    return facts.reset_index()


def main() -> None:
    folder, target = Path(sys.argv[1]), Path(sys.argv[2])
    facts = derive(folder)
    header = ("# Rounded calibration facts per Stadtteil for the demo generator, derived by "
              "scripts/derive_stadtteil_facts.py\n# from open data of the City of Cologne (Stadt Köln – Amt für "
              "Stadtentwicklung und Statistik, offenedaten-koeln.de, CC BY 3.0 DE).\n")
    target.write_text(header + facts.to_csv(index=False), encoding="utf-8")
    print(f"{len(facts)} Stadtteile -> {target}")


if __name__ == "__main__":
    main()
