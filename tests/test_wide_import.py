"""`veedel import`: the city's wide tables become the project's long form, with clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.errors import DataValidationError
from veedel_lib.inputs.wide_import import import_wide_table
from veedel_lib.params.catalogue import load_catalogue
from veedel_lib.params.reference import STADTTEILE
from veedel_lib.render import formatting as fmt

CATALOGUE = load_catalogue(PARAMETERS / "indicators.yml")

MAPPING = """\
key: Stadtteil
level: stadtteil
columns:
  "Einwohner 2023": {variable: population, year: 2023}
patterns:
  - {match: '^SGB II (\\d{4})$', variable: sgb2_recipients}
  - {match: '^unter 6 J\\. (\\d{4})$', variable: pop_0_5}
  - {match: '^6-14 J\\. (\\d{4})$', variable: pop_6_14}
  - {match: '^15-17 J\\. (\\d{4})$', variable: pop_15_17}
  - {match: '^18-24 J\\. (\\d{4})$', variable: pop_18_24}
  - {match: '^25-64 J\\. (\\d{4})$', variable: pop_25_64}
ignore: [Bemerkung, "SGB-II-Quote 2023 in %"]
"""
HEADER = ("Stadtteil;Einwohner 2023;unter 6 J. 2023;6-14 J. 2023;15-17 J. 2023;18-24 J. 2023;25-64 J. 2023;"
          "SGB II 2023;SGB-II-Quote 2023 in %;Bemerkung")
SHARES = (0.06, 0.09, 0.03, 0.09, 0.55)  # age groups under 65 as shares of the population


def _row(key, population, sgb2, note=""):
    """One line as the statistics office writes it: ';', thousands dot, decimal comma."""
    if isinstance(population, str):
        return f"{key};{population};" + ";".join(["1.000"] * 5) + f";{sgb2};;{note}"
    groups = [round(population * s) for s in SHARES]
    quota = fmt.number(100 * sgb2 / sum(groups), 1) if isinstance(sgb2, int) else ""
    return ";".join([key, fmt.integer(population), *map(fmt.integer, groups), str(sgb2), quota, note])


def _wide_csv(path, rows=None, extra=""):
    if rows is None:
        rows = [_row(f"{number} / {name}", 5_000 + 37 * i, 300 + 5 * i)
                for i, (number, name) in enumerate(STADTTEILE.items())]
    path.write_text("\ufeff" + "\n".join([HEADER, *rows] + ([extra] if extra else [])) + "\n", encoding="utf-8")
    return path


def test_a_wide_stadtteil_table_becomes_long_form_and_validates(tmp_path):
    table = _wide_csv(tmp_path / "Bevölkerung und SGB II 2023.csv")
    mapping = tmp_path / "zuordnung.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    out = tmp_path / "daten"
    summary = import_wide_table(table, mapping, out, CATALOGUE)

    assert summary.written == out / "statistics_bevoelkerung_und_sgb_ii_2023.csv"
    assert summary.units_written == out / "units.csv"
    assert (summary.units, summary.years, summary.rows) == (86, [2023], 86 * 7)
    assert summary.variables == ["pop_0_5", "pop_15_17", "pop_18_24", "pop_25_64", "pop_6_14", "population",
                                 "sgb2_recipients"]
    long = pd.read_csv(summary.written, sep=";", dtype=str)
    kalk = long[(long["unit"] == "802")].set_index("variable")["count"]
    i = list(STADTTEILE).index(802)
    assert kalk["population"] == f"{5_000 + 37 * i:,}".replace(",", ".")   # German thousands dot kept as text
    assert kalk["sgb2_recipients"] == str(300 + 5 * i)
    # the SGB-II quota can now be computed; the unemployment indicators still lack their variables
    assert "sgb2_quote" not in summary.missing_for_indicators
    assert "unemployed (ganz)" in summary.missing_for_indicators["unemployment_share"]

    from veedel_lib.analysis.indicators import indicator_values, stadtteil_groups
    from veedel_lib.inputs.dataset import load_dataset

    ds = load_dataset(out, PARAMETERS, use_cache=False)
    values = indicator_values(ds, 2023, stadtteil_groups(ds), [ds.catalogue.indicator("sgb2_quote")])
    kalk_value = values.set_index("group").loc["802", "value"]
    under_65 = sum(round((5_000 + 37 * i) * s) for s in SHARES)
    assert kalk_value == pytest.approx(100 * (300 + 5 * i) / under_65)


def test_every_problem_names_the_original_file_row_and_column(tmp_path):
    rows = [_row("101 / Altstadt/Süd", 20_000, 2_100), _row("Atlantis", 5_000, 200),
            _row("802 / Kalk", 22_000, -5), _row("803 / Vingst", 12_000, "1,5"),
            _row("804 / Höhenberg", "*", "*", note="geheim"), _row("Altstadt-Süd", 9_000, 1)]
    table = _wide_csv(tmp_path / "wide.csv", rows=rows, extra=_row("805 / Ostheim", 9_000, ""))
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        import_wide_table(table, mapping, tmp_path / "out", CATALOGUE)
    text = str(caught.value)
    assert "wide.csv, Zeile 3, Spalte 'Stadtteil': kein Kölner Stadtteil: 'Atlantis'" in text
    assert "wide.csv, Zeile 4, Spalte 'SGB II 2023'" in text and "negativ" in text.lower()
    assert "wide.csv, Zeile 5, Spalte 'SGB II 2023'" in text                # fractional count
    assert "wide.csv, Zeile 8, Spalte 'SGB II 2023': Wert fehlt" in text    # empty cell is not dropped
    assert ("wide.csv, Zeile 7, Spalte 'Stadtteil': Stadtteil 101 (Altstadt-Süd) kommt doppelt vor "
            "(schon in Zeile 2)") in text                                     # two spellings, one Stadtteil
    assert len(caught.value.problems) == 5
    assert not (tmp_path / "out").exists()                                   # nothing written
    # suppressed values ("*") are kept as suppressed, not an error and not zero
    assert "Zeile 6, Spalte 'Einwohner 2023'" not in text


def test_unmapped_columns_and_unknown_variables_are_reported(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("Nr;Einwohner 2023;Haushalte 2023\n802;100;50\n", encoding="utf-8")
    mapping = tmp_path / "m.yml"
    mapping.write_text('key: Nr\ncolumns:\n  "Einwohner 2023": {variable: einwohner, year: 2023}\n'
                       '  "Fehlt 2023": {variable: population, year: 2023}\n', encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        import_wide_table(table, mapping, tmp_path / "out", CATALOGUE)
    text = str(caught.value)
    assert "t.csv, Zeile 1, Spalte 'Haushalte 2023': Spalte ist in der Zuordnungsdatei weder zugeordnet" in text
    assert "m.yml" in text and "Variable 'einwohner' steht nicht in indicators.yml" in text
    assert "m.yml, Zeile 4" in text and "Spalte 'Fehlt 2023' steht nicht in t.csv" in text


def test_a_second_table_for_the_same_year_and_variable_is_a_duplicate(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text("key: Stadtteil\npatterns:\n  - {match: '^Einwohner (\\d{4})$', variable: population}\n",
                       encoding="utf-8")
    first = tmp_path / "a.csv"
    first.write_text("Stadtteil;Einwohner 2022;Einwohner 2023\nKalk;22.000;22.100\n", encoding="utf-8")
    import_wide_table(first, mapping, tmp_path / "out", CATALOGUE)
    second = tmp_path / "b.xlsx"
    pd.DataFrame({"Stadtteil": ["Kalk"], "Einwohner 2023": [22_200]}).to_excel(second, index=False)
    with pytest.raises(DataValidationError) as caught:
        import_wide_table(second, mapping, tmp_path / "out", CATALOGUE)
    assert "b.xlsx" in str(caught.value) and "doppelter Eintrag" in str(caught.value)
    # re-importing the same file replaces its own output instead of clashing with it
    summary = import_wide_table(first, mapping, tmp_path / "out", CATALOGUE)
    assert summary.years == [2022, 2023]


def test_an_area_report_runs_on_imported_stadtteil_data_with_missing_variables(tmp_path):
    """Planners' own tables rarely hold every variable: the report says what is missing instead of failing."""
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.run_config import RunConfig
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis
    from veedel_lib.run.floor import compute_report

    rows = [_row(f"{number} / {name}", 5_000 + 37 * i, "*" if number == 101 else 300 + 5 * i)
            for i, (number, name) in enumerate(STADTTEILE.items())]
    mapping = tmp_path / "zuordnung.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    import_wide_table(_wide_csv(tmp_path / "t.csv", rows=rows), mapping, tmp_path / "daten", CATALOGUE)
    ds = load_dataset(tmp_path / "daten", PARAMETERS, use_cache=False)
    assert compute_report(ds, "sozialraumgebietsanalyse", "kalk", 2023, RunConfig()) > 10_000

    comparison = AreaAnalysis.open("kalk", year=2023, dataset=ds).comparison().set_index("indicator")
    # Altstadt-Süd withheld its SGB II count: Kalk has a value, the city has none, nothing is invented
    assert comparison.loc["sgb2_quote", "area_value"] > 0
    assert pd.isna(comparison.loc["sgb2_quote", "city_value"])
    assert comparison.loc["sgb2_quote", "assessment"] == "nicht berechenbar"
    assert comparison.loc["hze_rate", "assessment"] == "nicht berechenbar"     # no variable at all
