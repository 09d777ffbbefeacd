"""Kurzfristige integrierte Bewertung eines sozialräumlichen Themas: one theme, one area, one page.

A Sozialraumkoordinator*in passes a theme to Sozialplanung (say "Kinderarmut in Kalk"); Sozialplanung
answers quickly whether the statistics support a need for action. For each indicator the planner
chose for the theme, the content here gives the area's value against the city (with the test of
:mod:`veedel_lib.analysis.comparison`), the development of the gap over the last years (the HAC trend of
:mod:`veedel_lib.analysis.trends`), and one integrated German verdict built only from those results.
It is run on demand (notebook ``themenbewertung``), not by every ``veedel run``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..analysis.comparison import compare_with_city
from ..analysis.trends import MIN_YEARS_FOR_TREND, area_series, trend_table
from ..errors import ConfigurationError
from ..params.catalogue import Indicator, is_favourable
from ..render import formatting as fmt
from ..render.charts.trends import TrendPanels
from ..render.blocks import Block, ChartBlock, Col, ReportTitle, TableBlock, TextBlock
from ..render.disclosure import basis, masked, public_comparison, rate_basis
from .base import OWN_AREA, RUN_BASICS, ReportContent

DEFAULT_THEME = "Kinderarmut"
DEFAULT_INDICATORS = ("sgb2_children_quote", "sgb2_quote", "hze_rate")
TREND_YEARS = 5
"""Years of the recent development (report year included): short enough to be "current", long enough
for a trend line (at least :data:`veedel_lib.analysis.trends.MIN_YEARS_FOR_TREND` points)."""


def relative_trend(direction: str, slope: float, p_value: float, alpha: float) -> str:
    """The gap's development in words: "verbessert" or "verschlechtert" (against the city), or no clear trend.

    ``slope`` is the yearly change of (area - city) in the indicator's unit. For "higher is worse" a
    falling gap is an improvement; for "higher is better" a rising one; neutral indicators are described.
    """
    if not (np.isfinite(slope) and np.isfinite(p_value)):
        return "nicht berechenbar"
    if p_value >= alpha or slope == 0:
        return "kein gesicherter Trend"
    if direction == "neutral":
        return "Abstand wächst" if slope > 0 else "Abstand schrumpft"
    return "verbessert" if is_favourable(direction, slope) else "verschlechtert"


def verdict(table: pd.DataFrame, theme: str, area_name: str, year: int, first_year: int) -> str:
    """The integrated German assessment from the indicator table (one paragraph).

    Counts how many rated indicators are clearly (significantly) worse than in the city, names the
    strongest, then adds the development of the gap. Claims only what the tests carry.
    """
    rated = table[(table["direction"] != "neutral") & table["p_value"].notna()]
    worse = rated[rated["assessment"] == "ungünstiger"]
    better = rated[rated["assessment"] == "günstiger"]
    n, k = len(rated), len(worse)
    if n == 0:
        return (f"Für das Thema „{theme}“ liegen für {area_name} {year} keine wertenden Indikatoren mit "
                f"Vergleichswerten vor; die Daten erlauben keine Bewertung.")
    word = "Indikatoren liegt" if k == 1 else "Indikatoren liegen"  # "1 von 3 Indikatoren liegt"
    if k == n:
        lead = "Die Daten stützen den Handlungsbedarf"
    elif 2 * k > n:
        lead = "Die Daten stützen den Handlungsbedarf überwiegend"
    elif k > 0:
        lead = "Die Daten stützen den Handlungsbedarf nur teilweise"
    else:
        lead = "Die Daten zeigen keinen besonderen Handlungsbedarf"
    text = (f"**{lead}:** {k} von {n} {word} zum Thema „{theme}“ in {area_name} {year} deutlich ungünstiger als "
            f"in der Gesamtstadt")
    if len(better):
        text += f", {len(better)} deutlich günstiger"
    if k:
        top = worse.sort_values("worse_ratio", ascending=False).iloc[0]
        text += (f" (am stärksten {top['label']}: {fmt.rate(top['area_value'], top['unit'])} gegenüber "
                 f"{fmt.rate(top['city_value'], top['unit'])}"
                 + (f", das {fmt.number(top['worse_ratio'], 1)}-Fache)" if top["worse_ratio"] >= 1.1 else ")"))
    text += "."
    trends = rated["trend"]
    up = int((trends == "verbessert").sum())
    down = int((trends == "verschlechtert").sum())
    unclear = int((trends == "kein gesicherter Trend").sum())
    if up + down + unclear:
        text += (f" Seit {first_year} hat sich die Lage gegenüber der Stadt bei {up} Indikator{'en' if up != 1 else ''} "
                 f"gesichert verbessert und bei {down} gesichert verschlechtert"
                 + (f"; bei {unclear} ist kein gesicherter Trend erkennbar." if unclear else "."))
        if k and down > up:
            text += " Der Abstand wächst: Der Handlungsbedarf nimmt eher zu."
        elif k and up > down:
            text += " Das Gebiet holt auf, der Abstand besteht aber weiter."
    needs = rated[rated["need"] != ""]
    if len(needs):
        levels = [f"„{level}“ bei {fmt.join(group['label'].tolist())}"
                  for level, group in needs.groupby("need", sort=False)]
        text += " Handlungsbedarf nach der Regel der Sozialraumgebietsanalyse: " + fmt.join(levels) + "."
    return text


class ThemeAssessment(ReportContent):
    """The short-term integrated assessment of one theme in one area and year."""

    notebook = "themenbewertung"
    report = "Themenbewertung"
    scope = "area"
    parameter_keys = (OWN_AREA, "indicators.yml", "raumbezug.yml", *RUN_BASICS, "run.yml:analysis.handlungsbedarf")
    own_area_workbooks = True
    variable = "assessment"
    on_demand = True
    toc = False
    sections = ("verdict", "indicator_table", "development")

    def configure(self, theme: str = DEFAULT_THEME, indicators: list[str] | tuple[str, ...] | None = None,
                  trend_years: int = TREND_YEARS, **options) -> None:
        """``theme``: its title in the report; ``indicators``: ids from indicators.yml; ``trend_years``: years
        of the recent development (at least :data:`~veedel_lib.analysis.trends.MIN_YEARS_FOR_TREND`)."""
        super().configure(**options)
        ids = list(indicators or DEFAULT_INDICATORS)
        known = {i.id for i in self.ds.catalogue.indicators}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ConfigurationError(f"Unbekannte Indikatoren für die Themenbewertung: {', '.join(unknown)}. "
                                     f"Gültig sind die ids aus parameters/indicators.yml: {', '.join(sorted(known))}")
        if trend_years < MIN_YEARS_FOR_TREND:
            raise ConfigurationError(f"Für einen Trend sind mindestens {MIN_YEARS_FOR_TREND} Jahre nötig")
        self.theme = theme
        self.indicators: list[Indicator] = [self.ds.catalogue.indicator(i) for i in ids]
        self.trend_years = trend_years

    # ------------------------------------------------------------------ helpers
    @property
    def years(self) -> list[int]:
        """The years of the recent development: up to ``trend_years`` years ending with the report year."""
        return [y for y in self.ds.years if self.year - self.trend_years < y <= self.year]

    def series(self) -> pd.DataFrame:
        """Area and city values of the chosen indicators over :attr:`years`, small counts masked."""
        def compute() -> pd.DataFrame:
            series = area_series(self.ds, self.area_id, self.indicators, self.years, self.level)
            return masked(series, rate_basis(None) + [Col(k, k, "rate", based_on=basis(None))
                                                      for k in ("value", "ci_low", "ci_high")])

        return self.memo("series", compute, tuple(i.id for i in self.indicators), self.trend_years)

    def table(self) -> pd.DataFrame:
        """One row per indicator as it may be published: comparison with the city (value, distance, test; withheld
        on small counts) and the gap's trend (from the protected series)."""
        return self.memo("table", self._table, tuple(i.id for i in self.indicators), self.trend_years)

    def _table(self) -> pd.DataFrame:
        level = self.level
        comparison = compare_with_city(self.ds, self.area_id, self.year, self.indicators, level=level,
                                       rule=self.settings.handlungsbedarf)
        trends = trend_table(self.series(), self.indicators, level).set_index("indicator")
        frame = public_comparison(comparison)
        for column in ("first_year", "gap_first", "gap_last", "gap_slope", "gap_slope_p"):
            frame[column] = frame["indicator"].map(trends[column]) if len(trends) else np.nan
        alpha = 1 - level
        frame["trend"] = [relative_trend(d, s, p, alpha) for d, s, p in
                          zip(frame["direction"], frame["gap_slope"], frame["gap_slope_p"])]
        frame["comparison"] = frame["assessment"].map(
            {"ungünstiger": "deutlich ungünstiger", "günstiger": "deutlich günstiger",
             "höher": "deutlich höher", "niedriger": "deutlich niedriger"}).fillna(frame["assessment"])
        return frame

    # ------------------------------------------------------------------ sections
    def title(self) -> ReportTitle:
        return replace(super().title(), report=f"Themenbewertung „{self.theme}“")

    def verdict(self) -> list[Block]:
        """The integrated assessment in a few German sentences."""
        return [TextBlock(verdict(self.table(), self.theme, self.area.name, self.year, self.years[0]))]

    def indicator_table(self) -> list[Block]:
        """Each chosen indicator: area, city, distance, verdict of the test, development of the gap."""
        first = self.years[0]
        return [TableBlock("themenbewertung", f"{self.theme}: {self.area.name} und Gesamtstadt {self.year}",
                           self.table(), [
            Col("label", "Indikator"), *rate_basis(),
            Col("area_value", "Gebiet", "rate", unit="unit", based_on=basis()),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
            Col("difference", "Abstand", "points", unit="unit", based_on=basis()),
            Col("comparison", "Vergleich", based_on=basis()),
            Col("trend", f"Lage gegenüber der Stadt {first}–{self.year}"),
        ], note=f"„Deutlich“: statistisch gesichert (Test gegen die übrige Stadt, "
                f"{fmt.number((1 - self.settings.confidence_level) * 100, 0)}-%-Niveau). Entwicklung: Trend des "
                f"Abstands zur Gesamtstadt {first} bis {self.year} (lineare Regression mit robusten Standardfehlern). "
                "Grundlage ist allein die Statistik; die Einschätzung der Akteur*innen vor Ort und der Fachämter "
                "ergänzt sie.")]

    def development(self) -> list[Block]:
        """A compact figure: the chosen indicators over the last years, area against city."""
        series = self.series()
        if series.loc[series["role"] == "area", "value"].notna().sum() == 0:
            return [TextBlock(f"Für die Entwicklung liegen für {self.area.name} keine (veröffentlichbaren) Daten vor.")]
        # one row of panels for up to five indicators keeps the assessment on one printed page
        chart = TrendPanels(self.indicators, self.area.name, col_wrap=max(3, min(len(self.indicators), 5))).plot(series)
        return [ChartBlock("themenbewertung_grafik", chart, [
            Col("label", "Indikator"), Col("year", "Jahr", "year"), *rate_basis(),
            Col("area_value", self.area.name, "rate", unit="unit", based_on=basis()),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
        ])]
