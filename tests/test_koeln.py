"""The City of Cologne's open-data formats: readers, mapping, conversion and checks against the city's figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMETERS, write

from veedel_lib.analysis.indicators import indicator_values, stadtteil_groups
from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.inputs.koeln import convert_koeln, load_mapping, portal_frame, profile_reference
from veedel_lib.params.reference import STADTTEILE

POPULATION_FILE = "koeln_bevoelkerung_stadtteile_2005-2012.csv"
PROFILE_FILE = "koeln_stadtteildaten_2011.csv"


# ----------------------------------------------------------------------------- real data

@pytest.fixture(scope="module")
def converted(koeln_dir, tmp_path_factory):
    """The real files converted once: (summary, dataset)."""
    target = tmp_path_factory.mktemp("koeln-data")
    summary = convert_koeln(koeln_dir, target, PARAMETERS)
    return summary, load_dataset(target, PARAMETERS, use_cache=False)


def test_residents_of_the_86_stadtteile_add_up_to_the_city_total_in_every_year(koeln_dir, converted):
    """Sum of Einwohner over the Stadtteile of the converted data = the file's own "Stadt Köln" row."""
    _, ds = converted
    raw = portal_frame(koeln_dir / POPULATION_FILE)
    residents = raw[raw["zeile"] == "Einwohner"]
    city = residents[residents["ebene"] == "stadt"].set_index("jahr")["zahl"]
    years = sorted(int(y) for y in residents["jahr"].unique())
    assert years == list(range(2005, 2013))
    population = ds.statistics[ds.statistics["variable"] == "population"]
    for year in years:
        in_year = population[population["year"] == year]
        assert in_year["unit"].nunique() == 86, year
        assert not in_year["suppressed"].any()
        assert in_year["count"].sum() == city[year], year
    summary, _ = converted
    checks = summary.total_checks
    checks = checks[(checks["variable"] == "population") & (checks["raum"] == "Stadt Köln")]
    assert list(checks["year"]) == years and (checks["difference"] == 0).all() and (checks["units"] == 86).all()


def test_every_variable_adds_up_to_the_city_and_stadtbezirk_totals(converted):
    """Population variables sum exactly to the city and all 9 Stadtbezirke; SGB II only to the Stadtbezirke."""
    summary, _ = converted
    checks = summary.total_checks
    population = checks[checks["file"] == POPULATION_FILE]
    assert len(population) == 9 * 8 * 10 and (population["difference"] == 0).all()
    sgb2 = checks[checks["variable"] == "sgb2_recipients"]
    bezirke, city = sgb2[sgb2["raum"] != "Stadt Köln"], sgb2[sgb2["raum"] == "Stadt Köln"]
    assert len(bezirke) == 9 * 8 and (bezirke["difference"] == 0).all()
    # The Bundesagentur's city total includes persons with no Stadtteil (and no Stadtbezirk): 0.4 to 1.2 % more.
    assert len(city) == 8 and (city["difference"] < 0).all() and (city["difference"] > -0.013 * city["total"]).all()
    assert dict(zip(city["year"], city["difference"]))[2011] == -1148


def test_sgb2_quote_of_our_engine_against_the_citys_published_quote_2011(koeln_dir, converted):
    """Our SGB-II quota per Stadtteil vs the city's 2011 profile; each difference is the denominator.

    The city divides by residents under 65 *with Hauptwohnung*; our catalogue divides by all residents
    under 65 (Haupt- and Nebenwohnung, as the portal's age groups count them). The age of residents with
    Nebenwohnung is not published, so the city's denominator lies between (under 65) - Nebenwohnung and
    (under 65). The city's quota, rounded to one decimal (+-0.05), must lie in the matching interval,
    and with the Nebenwohnung subtracted our quota must agree within 0,1 percentage points everywhere.
    """
    _, ds = converted
    ours = indicator_values(ds, 2011, stadtteil_groups(ds), [ds.catalogue.indicator("sgb2_quote")]).set_index("group")
    mapping = load_mapping(PARAMETERS / "koeln_mapping.yml")
    reference = profile_reference(koeln_dir / PROFILE_FILE, mapping.profile)
    reference = reference[reference["indicator"] == "sgb2_quote"]
    city = pd.Series(reference["value"].to_numpy(), index=reference["stadtteil_nr"].astype(str))
    raw = portal_frame(koeln_dir / POPULATION_FILE)
    second = raw[(raw["ebene"] == "stadtteil") & (raw["jahr"] == 2011) & (raw["zeile"] == "Nebenwohnung")]
    nebenwohnung = pd.Series(second["zahl"].to_numpy(), index=second["raum_nr"].astype(str))
    assert len(city) == 86 and set(city.index) == set(ours.index) == set(nebenwohnung.index)
    city, nebenwohnung = city[ours.index], nebenwohnung[ours.index]

    difference = ours["value"] - city
    within = difference.abs() <= 0.1
    assert within.sum() == 17 and difference.abs().max() == pytest.approx(0.514, abs=0.001)
    assert (difference < 0.05).all()  # our denominator is never smaller than the city's: our quota is never higher

    main_residence = 100 * ours["numerator"] / (ours["denominator"] - nebenwohnung)
    assert ((city >= ours["value"] - 0.05) & (city <= main_residence + 0.05)).all()
    explained = (main_residence - city).abs()
    assert (explained <= 0.1).all() and explained.max() < 0.06


def test_real_conversion_reports_what_it_can_and_cannot_compute(converted):
    summary, ds = converted
    assert summary.units == 86 and summary.years == list(range(2005, 2013))
    assert summary.variables["sgb2_recipients"] == list(range(2005, 2013))
    assert summary.variables["households"] == [2011]
    assert summary.indicators["sgb2_quote"] == list(range(2005, 2013))
    assert summary.not_computable["sgb2_children_quote"] == ["sgb2_u15"]
    assert "hze_rate" in summary.not_computable and "sgb2_quote" not in summary.not_computable
    # The profile repeats eight portal variables for 2011; they agree for all 86 Stadtteile.
    assert len(summary.overlaps) == 8 and (summary.overlaps["different"] == 0).all()
    assert (summary.overlaps["equal"] == 86).all()
    assert "Nicht berechenbar" in summary.text()
    assert "Nebenwohnung" in summary.ignored[POPULATION_FILE] and "Wahlbeteiligung" in summary.ignored[PROFILE_FILE]
    assert ds.years == list(range(2005, 2013))


def test_real_data_give_the_turnout_as_the_citys_published_share_per_stadtteil(converted):
    """The city publishes the turnout of the 2009 Kommunalwahl per Stadtteil only in % (the elections file): it is
    read as a published rate (``turnout_published``), shown for each Stadtteil and each area of one Stadtteil, and
    where an area or the city would need counts the reports say so instead of "nicht in den Daten enthalten"."""
    from test_missing_rows import _shown_tables

    from veedel_lib.analysis.indicators import is_published
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    summary, ds = converted
    assert summary.variables["turnout_published"] == [2009] and summary.indicators["turnout"] == [2009]
    assert "turnout_published" not in set(summary.total_checks["variable"])  # shares do not add up
    assert "Wahlbeteiligung" not in summary.ignored.get("koeln_wahlen_stadtteile_2009-2012.csv", [])
    turnout = ds.catalogue.indicator("turnout")
    values = indicator_values(ds, 2012, stadtteil_groups(ds), [turnout]).set_index("group")
    assert values.loc["802", "value"] == 30.4 and values.loc["802", "data_year"] == 2009  # Kalk, as in the file
    assert is_published(values).all() and values["ci_low"].isna().all()
    text = " ".join(_shown_tables(AreaAnalysis.open("kalk", dataset=ds, parameters_dir=PARAMETERS).social_situation()))
    assert "30,4 %" in text and "Wahlbeteiligung: nicht in den Daten enthalten" not in text
    assert ("Wahlbeteiligung (Gesamtstadt): nur als veröffentlichter Anteil je Einheit in den Daten (ohne "
            "Zähler/Nenner): für mehrere Einheiten zusammen nicht berechenbar.") in text


def test_real_data_are_complete_and_the_sum_check_is_said_on_the_console(converted):
    """The completeness rule raises no false alarm on the city's files; the one sum check that does not add up
    (SGB II: the Bundesagentur's city total includes persons without a Stadtteil) is a console line (item 4)."""
    summary, ds = converted
    assert ds.gaps == []
    [warning] = summary.warnings
    assert warning.startswith("Summenkontrolle koeln_sgb2_stadtteile_2005-2012.csv, Stadt Köln, Variable "
                              "'sgb2_recipients'")
    assert "2011: Summe 110.857, Datei 112.005 (Differenz -1.148)" in warning
    assert "alle 86 Stadtteile haben Werte" in warning
    assert warning in summary.text()


# ----------------------------------------------------------------------------- small files

BOM = "\ufeff"
PORTAL_HEADER = '"id";"tabelle";"jahr";"raum_id";"raum";"zeile";"zahl"'


def portal(rows: list[tuple]) -> str:
    """A portal long file (BOM, quoted, ";") from (jahr, raum_id, raum, zeile, zahl) tuples."""
    lines = [PORTAL_HEADER] + [";".join(f'"{v}"' for v in (f"x{n}", "Einwohner in Köln", *row))
                               for n, row in enumerate(rows)]
    return BOM + "\n".join(lines) + "\n"


def parameters_with(tmp_path: Path, mapping: str | None = None) -> Path:
    """A parameters folder with the project's catalogue and areas and the given (or the real) mapping."""
    folder = tmp_path / "parameters"
    folder.mkdir(parents=True)
    for name in ("indicators.yml", "areas.yml", "koeln_mapping.yml"):
        shutil.copy(PARAMETERS / name, folder / name)
    if mapping is not None:
        write(folder / "koeln_mapping.yml", mapping)
    return folder


def problems_of(error: pytest.ExceptionInfo) -> list[tuple[str, int | None, str | None]]:
    return [(Path(p.file).name, p.row, p.column) for p in error.value.problems]


def test_portal_file_with_bom_quotes_totals_and_suppressed_values(tmp_path):
    source = tmp_path / "source"
    write(source / POPULATION_FILE, portal([
        ("2012", "000", "Stadt Köln", "Einwohner", "30000.0"),
        ("2012", "001", "Innenstadt", "Einwohner", "27494.0"),
        ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),
        ("2012", "101", "Altstadt/Süd", "Männlich", "13766.0"),
        ("2012", "802", "Kalk", "Einwohner", "*"),
    ]))
    target = tmp_path / "data"
    summary = convert_koeln(source, target, PARAMETERS)
    assert summary.files_missing  # the other files of the mapping are reported as absent
    ds = load_dataset(target, PARAMETERS, use_cache=False)
    population = ds.statistics.set_index("unit")
    assert population.loc["101", "count"] == 27494 and not population.loc["101", "suppressed"]
    assert population.loc["802", "suppressed"] and np.isnan(population.loc["802", "count"])
    assert (target / "statistics_koeln.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "101;2012;population;27494", "802;2012;population;*"]
    assert set(ds.units["unit_id"]) == {str(n) for n in ds.units["stadtteil_nr"]} and len(ds.units) == 86
    check = summary.total_checks.iloc[0]
    assert np.isnan(check["stadtteile"]) and check["total"] == 30000  # a suppressed part: no sum claimed
    # Statistics already in the target folder are checked together with the converted ones.
    write(target / "statistics_eigene.csv", "unit;year;variable;count\n101;2012;population;27000\n")
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, target, PARAMETERS)
    assert {("statistics_eigene.csv", 2, "unit"), (POPULATION_FILE, 4, "raum_id")} <= set(problems_of(error))
    assert "doppelter Eintrag" in str(error.value)


def test_portal_problems_name_file_row_and_column(tmp_path):
    source = tmp_path / "source"
    write(source / POPULATION_FILE, portal([
        ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),
        ("2012", "102", "Neustadt/Süd", "Einwohner", "12x"),        # row 3: not a number
        ("2012", "999", "Irgendwo", "Einwohner", "5.0"),            # row 4: no Cologne area
        ("2012", "103", "Kalk", "Einwohner", "5.0"),                # row 5: name contradicts number
        ("2012", "104", "Neustadt/Nord", "Unbekannte Zeile", "5.0"),  # row 6: neither mapped nor ignored
        ("2012", "105", "Deutz", "00 - < 03", "-5.0"),              # row 7: negative
        ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),    # row 8: duplicate of row 2
    ]))
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", PARAMETERS)
    found = problems_of(error)
    assert (POPULATION_FILE, 4, "raum_id") in found
    assert (POPULATION_FILE, 5, "raum") in found
    assert (POPULATION_FILE, 6, "zeile") in found
    with pytest.raises(DataValidationError) as error:
        write(source / POPULATION_FILE, portal([
            ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),
            ("2012", "102", "Neustadt/Süd", "Einwohner", "12x"),
            ("2012", "105", "Deutz", "00 - < 03", "-5.0"),
            ("2012", "105", "Deutz", "03 - < 06", "5.0"),
            ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),
        ]))
        convert_koeln(source, tmp_path / "data", PARAMETERS)
    found = problems_of(error)
    assert (POPULATION_FILE, 3, "zahl") in found
    assert (POPULATION_FILE, 4, "zahl") in found
    assert {(POPULATION_FILE, 2, "raum_id"), (POPULATION_FILE, 6, "raum_id")} <= set(found)
    message = str(error.value)
    assert "keine Zahl: '12x'" in message and "negative Anzahl" in message and "Zeile 6" in message
    assert "\x00" not in message
    assert not (tmp_path / "data").exists()  # nothing written


def test_sum_of_parts_lacking_a_part_and_numerator_above_denominator(tmp_path):
    source = tmp_path / "source"
    write(source / POPULATION_FILE, portal([
        ("2012", "101", "Altstadt/Süd", "00 - < 03", "10.0"),   # 03 - < 06 lacking: pop_0_5 incomplete
    ]))
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", PARAMETERS)
    assert problems_of(error) == [(POPULATION_FILE, 2, "zeile")]
    assert "03 - < 06" in str(error.value)
    write(source / POPULATION_FILE, portal([
        ("2012", "101", "Altstadt/Süd", "Einwohner", "100.0"),
        ("2012", "101", "Altstadt/Süd", "00 - < 03", "80.0"),
        ("2012", "101", "Altstadt/Süd", "03 - < 06", "30.0"),  # 110 children under 6 of 100 residents
    ]))
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", PARAMETERS)
    assert (POPULATION_FILE, 3, "zahl") in problems_of(error)
    assert "Zähler größer als Nenner" in str(error.value)


PROFILE_MAPPING = """
portal:
  files: [{portal}]
  variables:
    population: ["Einwohner"]
  ignore: []
profile:
  files: [profil.csv]
  key: "Stadtteil"
  year: 2012
  variables:
    population: ["Einwohner"]
    pop_0_5: ["Alter: 0 bis 2 Jahre", "Alter: 3 bis 5 Jahre"]
    unemployed: ["Arbeitslose"]
  reference:
    sgb2_quote: "SGBII-Quote"
  ignore: ['^Bemerkung$']
"""


def test_profile_with_stadtteil_keys_suppression_and_name_variants(tmp_path):
    """Profile keys "101 / Altstadt/Süd" and "Neustadt-Süd" join the portal's "Altstadt/Süd" by number."""
    parameters = parameters_with(tmp_path, PROFILE_MAPPING.format(portal=POPULATION_FILE))
    source = tmp_path / "source"
    write(source / POPULATION_FILE, portal([
        ("2011", "101", "Altstadt/Süd", "Einwohner", "27000.0"),
        ("2012", "101", "Altstadt/Süd", "Einwohner", "27494.0"),
        ("2012", "102", "Neustadt/Süd", "Einwohner", "38000.0"),
    ]))
    write(source / "profil.csv",
          "Stadtteil;Einwohner;Alter: 0 bis 2 Jahre;Alter: 3 bis 5 Jahre;Arbeitslose;SGBII-Quote;Bemerkung\n"
          "101 / Altstadt/Süd;27.494;517;351;*;9,2;\n"
          "Neustadt-Süd;38.001;600;*;1.234;10,1;geschätzt\n")
    target = tmp_path / "data"
    summary = convert_koeln(source, target, parameters)
    ds = load_dataset(target, parameters, use_cache=False)
    stats = ds.statistics.set_index(["unit", "year", "variable"])
    assert stats.loc[("101", 2012, "pop_0_5"), "count"] == 868
    assert stats.loc[("102", 2012, "pop_0_5"), "suppressed"]  # one part suppressed: the sum is suppressed
    assert stats.loc[("101", 2012, "unemployed"), "suppressed"]
    assert np.isnan(stats.loc[("101", 2012, "unemployed"), "count"])  # never zero
    assert stats.loc[("102", 2012, "unemployed"), "count"] == 1234
    # population 2012 comes from the portal file (read first); the profile's differing value is reported
    assert stats.loc[("102", 2012, "population"), "count"] == 38000
    overlap = summary.overlaps.set_index("variable").loc["population"]
    assert (overlap["equal"], overlap["different"], overlap["max_abs_difference"]) == (1, 1, 1.0)
    reference = profile_reference(source / "profil.csv", load_mapping(parameters / "koeln_mapping.yml").profile)
    assert list(reference["stadtteil_nr"]) == [101, 102] and list(reference["value"]) == [9.2, 10.1]


def test_profile_problems_name_file_row_and_column(tmp_path):
    parameters = parameters_with(tmp_path, PROFILE_MAPPING.format(portal="fehlt.csv"))
    source = tmp_path / "source"
    write(source / "profil.csv",
          "Stadtteil;Einwohner;Alter: 0 bis 2 Jahre;Alter: 3 bis 5 Jahre;Arbeitslose;SGBII-Quote;Neu\n"
          "101 / Altstadt/Süd;27.494;517;drei;5;9,2;1\n"
          "Atlantis;100;1;1;1;1,0;1\n"
          "Altstadt-Süd;100;1;1;1;1,0;1\n")
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", parameters)
    assert problems_of(error) == [("profil.csv", 1, "Neu")]  # unaccounted column first: nothing else is read
    write(source / "profil.csv",
          "Stadtteil;Einwohner;Alter: 0 bis 2 Jahre;Alter: 3 bis 5 Jahre;Arbeitslose;SGBII-Quote\n"
          "101 / Altstadt/Süd;27.494;517;drei;5;9,2\n"
          "Atlantis;100;1;1;1;1,0\n"
          "Altstadt-Süd;100;1;1;1;1,0\n")
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", parameters)
    found = problems_of(error)
    assert ("profil.csv", 2, "Alter: 3 bis 5 Jahre") in found
    assert ("profil.csv", 3, "Stadtteil") in found
    assert ("profil.csv", 4, "Stadtteil") in found  # Altstadt-Süd again (= 101): duplicate
    assert "doppelter Eintrag" in str(error.value) and "Atlantis" in str(error.value)


def test_mapping_problems_point_into_the_mapping_file(tmp_path):
    """An unknown variable and a mapped column missing from the file are reported at the mapping's line."""
    source = tmp_path / "source"
    write(source / "profil.csv", "Stadtteil;Einwohner;Alter: 0 bis 2 Jahre;Alter: 3 bis 5 Jahre;Arbeitslose;"
                                 "SGBII-Quote\n101;1;1;1;1;1\n")
    unknown = PROFILE_MAPPING.format(portal="fehlt.csv").replace("unemployed:", "arbeitslose:")
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", parameters_with(tmp_path / "a", unknown))
    assert problems_of(error) == [("koeln_mapping.yml", 14, "profile.variables.arbeitslose")]
    absent = PROFILE_MAPPING.format(portal="fehlt.csv").replace('["Arbeitslose"]', '["Arbeitslose", "Gibt es nicht"]')
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", parameters_with(tmp_path / "b", absent))
    assert problems_of(error) == [("koeln_mapping.yml", 14, "profile.variables.unemployed")]
    assert "Spalte 'Gibt es nicht' steht nicht in profil.csv" in str(error.value)
    no_reference = PROFILE_MAPPING.format(portal="fehlt.csv").replace('"SGBII-Quote"', '"SGB-II-Quote 2011"')
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data", parameters_with(tmp_path / "c", no_reference))
    found = problems_of(error)
    assert ("koeln_mapping.yml", 16, "profile.reference.sgb2_quote") in found
    assert ("profil.csv", 1, "SGBII-Quote") in found  # the column the mapping no longer accounts for


DATENKATALOG_MAPPING = """
portal:
  files: []
datenkatalog:
  files: [datenkatalog.csv]
  level_column: RAUMEBENE
  levels: [Stadtteil]
  key: RAUM
  year_column: S_JAHR
  variables:
    population: [A0025A]
    foreigners: [A0002A]
    households: [A0267A]
  ignore: ['^[A-Z]\\d{4}[A-Z]$']
"""


def test_datenkatalog_layout(tmp_path):
    """RAUMEBENE/RAUM/S_JAHR with Merkmal codes, decimal comma, thousands dots, "*" kept as suppressed."""
    parameters = parameters_with(tmp_path, DATENKATALOG_MAPPING)
    source = tmp_path / "source"
    write(source / "datenkatalog.csv",
          "RAUMEBENE;RAUM;S_JAHR;A0025A;A0002A;A0267A;A0100A\n"
          "Gesamtstadt;0 / Köln;2023;1.084.831;230.000;560.000;41,9\n"
          "Stadtbezirk;1 / Innenstadt;2023;128.000;30.000;80.000;40,1\n"
          "Stadtteil;101 / Altstadt/Süd;2023;27.494;5.029;17.000;42,2\n"
          "Stadtteil;101 / Altstadt-Süd;2022;27.300;4.900;16.900;42,0\n"
          "Stadtteil;802 / Kalk;2023;24.000;*;12.000;38,5\n")
    target = tmp_path / "data"
    summary = convert_koeln(source, target, parameters)
    assert summary.skipped["datenkatalog.csv"] == {"Zeilen der Raumebene 'Gesamtstadt' (nicht übernommen)": 1,
                                                   "Zeilen der Raumebene 'Stadtbezirk' (nicht übernommen)": 1}
    ds = load_dataset(target, parameters, use_cache=False)
    stats = ds.statistics.set_index(["unit", "year", "variable"])
    assert stats.loc[("101", 2023, "population"), "count"] == 27494
    assert stats.loc[("101", 2022, "foreigners"), "count"] == 4900
    assert stats.loc[("802", 2023, "foreigners"), "suppressed"]
    assert summary.indicators["foreigners_share"] == [2022, 2023]
    write(source / "datenkatalog.csv",
          "RAUMEBENE;RAUM;S_JAHR;A0025A;A0002A;A0267A\n"
          "Stadtteil;101 / Altstadt/Süd;20x3;27.494;5.029;17.000\n"
          "Stadtteil;101 / Altstadt/Süd;2022;27,5;5.029;17.000\n")
    with pytest.raises(DataValidationError) as error:
        convert_koeln(source, tmp_path / "data2", parameters)
    found = problems_of(error)
    assert ("datenkatalog.csv", 2, "S_JAHR") in found
    assert ("datenkatalog.csv", 3, "A0025A") in found


def test_jahresbericht_on_real_data_says_which_figures_it_cannot_compute(converted):
    """Of the council's seven figures, real open data (2012) support the residents' share; each other row
    names what is missing, in words a committee reads (labels, not variable ids)."""
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    _, dataset = converted
    report = ProgrammeReport.open(year=0, dataset=dataset, parameters_dir=PARAMETERS)
    _, table, text, remarks = report.published_figures()
    rows = table.frame.set_index("figure")
    assert report.year == 2012
    assert rows.loc["residents", "share"] == pytest.approx(30.3, abs=0.05) and rows.loc["residents", "note"] == ""
    assert rows.loc["single_parents", "reason"] == "nicht für 2012: Haushalte von Alleinerziehenden nur für 2011"
    assert rows.loc["single_parents", "note"].startswith("nicht berechenbar (Anm. ")
    assert "Grundsicherung im Alter" in rows.loc["gsi_age", "reason"] and "gsi_age" not in rows.loc["gsi_age", "reason"]
    assert rows.drop(index="residents")["share"].isna().all()
    assert "6 der 7 Kennzahlen" in text.markdown
    # one remark per row that cannot be computed, numbered as in the table
    assert remarks.markdown.count("- **Anm. ") == 6
    number = rows.loc["single_parents", "note"].split("Anm. ")[1].rstrip(")")
    assert (f"**Anm. {number} – {rows.loc['single_parents', 'label']}:** nicht für 2012: Haushalte von "
            "Alleinerziehenden nur für 2011.") in remarks.markdown


def test_missing_stadtteil_rows_are_said_by_the_sum_check_and_the_gaps(tmp_path, capsys):
    """Regression: the sum check caught missing Kalk rows but said so only in umwandlung.txt (item 4)."""
    from veedel_lib import cli

    rows = [("2012", "000", "Stadt Köln", "Einwohner", "30000.0"), ("2012", "008", "Kalk", "Einwohner", "2506.0")]
    rows += [("2012", str(n), name, "Einwohner", "350.0")
             for n, name in STADTTEILE.items() if n not in (802, 803)]
    source = tmp_path / "source"
    write(source / POPULATION_FILE, portal(rows))
    target = tmp_path / "data"
    summary = convert_koeln(source, target, PARAMETERS)
    city = next(w for w in summary.warnings if "Stadt Köln" in w)
    assert "nur 84 von 86 Stadtteilen haben Werte: es fehlen Zeilen von Stadtteilen" in city
    bezirk = next(w for w in summary.warnings if "Stadtbezirk 8 (Kalk)" in w)
    assert "nur 7 von 9 Stadtteilen" in bezirk
    ds = load_dataset(target, PARAMETERS, use_cache=False)
    assert {gap.units for gap in ds.gaps} == {("802",), ("803",)}
    code = cli.main(["--parameters", str(PARAMETERS), "validate", "--source", "koeln", str(source)])
    output = capsys.readouterr().out
    assert code == 1
    assert output.index("Umgewandelt:") < output.index("nur 84 von 86") < output.index(
        "Stadtteil 802 (Kalk) fehlt ganz") < output.index("Gültig, aber unvollständig")


def test_a_portal_file_looks_up_the_projects_reference_once_not_per_row(tmp_path, monkeypatch):
    """Finding the project's raumbezug.yml asks the file system and the installed distributions: once per file.

    Regression: every row of a portal file looked it up again (65.000 times for the city's folder, 30 of the
    conversion's 37 seconds).
    """
    import veedel_lib.params.run_config as run_config

    rows = [(str(year), str(number), STADTTEILE[number], "Einwohner", "1000.0")
            for year in range(2005, 2013) for number in sorted(STADTTEILE)[:20]]
    lines = ['"id";"tabelle";"jahr";"raum_id";"raum";"zeile";"zahl"'] + [
        ";".join(f'"{v}"' for v in (f"x{n}", "Einwohner in Köln", *row)) for n, row in enumerate(rows)]
    path = write(tmp_path / POPULATION_FILE, "\ufeff" + "\n".join(lines) + "\n")
    looked_up = []
    original = run_config.find_project_root
    monkeypatch.setattr(run_config, "find_project_root", lambda: looked_up.append(1) or original())
    frame = portal_frame(path)
    assert len(frame) == 160 and set(frame["ebene"]) == {"stadtteil"}
    assert len(looked_up) <= 2


def test_on_real_data_every_row_of_dashes_says_why(converted):
    """The city's open data end in 2012 and lack whole sources (SGB XII, Hilfen zur Erziehung, elections); the
    Haushalte, Alleinerziehenden, moves and unemployed are there for 2011 only. Each table says so at its dashes."""
    from test_missing_rows import _shown_tables, unexplained_dashes

    from veedel_lib.reports.bezirksbericht import BezirkReport
    from veedel_lib.reports.jahresbericht import ProgrammeReport
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    _, dataset = converted
    analysis = AreaAnalysis.open("kalk", dataset=dataset, parameters_dir=PARAMETERS)
    bezirk = BezirkReport.open("8", dataset=dataset, parameters_dir=PARAMETERS)
    programme = ProgrammeReport.open(dataset=dataset, parameters_dir=PARAMETERS)
    tables = _shown_tables(analysis.profile() + analysis.social_situation() + analysis.context() + bezirk.indicators()
                           + bezirk.development() + programme.areas_side_by_side())
    assert [problem for table in tables for problem in unexplained_dashes(table)] == []
    text = " ".join(tables)
    assert "Haushalte: für 2012 nicht in den Daten enthalten (Haushalte nur für 2011)." in text
    assert ("Alleinerziehende: für 2012 nicht in den Daten enthalten (Haushalte von Alleinerziehenden und Haushalte "
            "nur für 2011).") in text
    assert "Arbeitslosenanteil: für 2012 nicht in den Daten enthalten (Arbeitslose nur für 2011)." in text
    assert "Arbeitslosenanteil: für 2005 und 2012 nicht in den Daten enthalten (Arbeitslose nur für 2011)." in text
    assert "Hilfen zur Erziehung: nicht in den Daten enthalten (es fehlen: Laufende Hilfen zur Erziehung)." in text
