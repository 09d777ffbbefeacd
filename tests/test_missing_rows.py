"""Missing rows in the statistics are named in the reports where a figure cannot be computed (issue #15, item 4)."""

from __future__ import annotations

import shutil

import pandas as pd
from conftest import PARAMETERS

from veedel_lib.demo import write_demo_data
from veedel_lib.inputs.dataset import load_dataset
from veedel_lib.render.blocks import TextBlock
from veedel_lib.reports.jahresbericht import ProgrammeReport
from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis


def _without_row(tmp_path, unit: str, year: int, variable: str):
    data = tmp_path / "data"
    shutil.copytree(write_demo_data(tmp_path / "demo", parameters_dir=PARAMETERS), data)
    statistics = pd.read_csv(data / "statistics.csv", sep=";", dtype={"unit": str})
    drop = (statistics["unit"] == unit) & (statistics["year"] == year) & (statistics["variable"] == variable)
    assert drop.sum() == 1
    statistics[~drop].to_csv(data / "statistics.csv", sep=";", index=False)
    return load_dataset(data, PARAMETERS, use_cache=False)


def _text(blocks) -> str:
    return "\n".join(b.markdown for b in blocks if isinstance(b, TextBlock))


def test_a_deleted_row_is_named_where_the_city_value_cannot_be_computed(tmp_path):
    ds = _without_row(tmp_path, "10101", 2024, "sgb2_recipients")
    assert ds.gaps, "validation reports the gap"
    text = _text(AreaAnalysis.open("kalk", dataset=ds).social_situation())
    assert "**SGB-II-Quote** für die Gesamtstadt nicht berechenbar: es fehlen Zeilen in den Daten" in text
    assert "10101" in text and "sgb2_recipients" in text and "2024" in text
    figures = ProgrammeReport.open(dataset=ds).published_figures()
    remarks = _text(figures)
    assert "es fehlen Zeilen in den Daten" in remarks and "10101" in remarks
