"""The Kernprozessindikatoren per area and year, computed from the validated documentation.

Counts, sums and ratios as ``parameters/kernprozess.yml`` defines them; a year without records counts as
zero, because the documentation is complete by rule.
"""

from __future__ import annotations

import pandas as pd

from .documentation import Documentation
from .schema import SHEET_BY_NAME, IndicatorSpec, KernprozessConfig

_YEAR_COLUMN = {("Themen", "Datum"): "year", ("Gremien", "Datum"): "year",
                ("Projekte", "Beginn"): "start_year", ("Projekte", "Ende"): "end_year"}


def _base_values(doc: Documentation, spec: IndicatorSpec, areas: list[str], years: list[int]) -> pd.Series:
    """A count or sum indicator per (area, year), zero where nothing was documented."""
    sheet = SHEET_BY_NAME[spec.sheet]
    frame = doc.table(spec.sheet)
    for header, values in spec.where.items():
        key = sheet.column(header).key
        column = frame[key].map({True: "ja", False: "nein"}) if key == "passed" else frame[key]
        frame = frame[column.isin(values)]
    year_column = _YEAR_COLUMN[(spec.sheet, spec.year_of)]
    frame = frame[frame[year_column].notna()].assign(_year=lambda f: f[year_column].astype(int))
    if spec.measure == "count":
        grouped = frame.groupby(["area_id", "_year"]).size().astype(float)
    else:
        grouped = frame.groupby(["area_id", "_year"])[sheet.column(spec.column).key].sum().astype(float)
    index = pd.MultiIndex.from_product([areas, years], names=["area_id", "year"])
    grouped.index = grouped.index.set_names(["area_id", "year"])
    return grouped.reindex(index, fill_value=0.0)


def compute_indicators(doc: Documentation, config: KernprozessConfig, years: list[int] | None = None) -> pd.DataFrame:
    """The Kernprozessindikatoren per area and year as a long table.

    Columns: area_id, year, indicator, value (count, persons, EUR or percent; ratios NaN when the
    denominator is zero). Years default to ``first_year`` up to the latest documented year; a year
    without records counts as zero for counts and sums, because the documentation is complete by rule.
    """
    if years is None:
        last = max(doc.years, default=config.first_year)
        years = list(range(config.first_year, last + 1))
    base: dict[str, pd.Series] = {}
    for spec in config.indicators:
        if spec.measure != "ratio":
            base[spec.id] = _base_values(doc, spec, doc.area_ids, years)
    frames = []
    for spec in config.indicators:
        if spec.measure == "ratio":
            denominator = base[spec.denominator]
            values = 100 * base[spec.numerator] / denominator.where(denominator > 0)
        else:
            values = base[spec.id]
        frames.append(values.rename("value").reset_index().assign(indicator=spec.id))
    result = pd.concat(frames, ignore_index=True)[["area_id", "year", "indicator", "value"]]
    result["year"] = result["year"].astype("int64")
    return result


def indicator_labels(config: KernprozessConfig) -> pd.DataFrame:
    """Label, process, unit, direction and publish threshold per indicator id (for joining to values)."""
    return pd.DataFrame([{"indicator": s.id, "label": s.label, "process": s.process, "unit": s.unit,
                          "direction": s.direction, "threshold": config.threshold(s), "description": s.description}
                         for s in config.indicators])
