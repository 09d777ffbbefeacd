"""The chart contract: every chart declares the columns of the data it draws and what each rests on.

In the spirit of plotnine's geoms (each declares ``REQUIRED_AES`` and ``DEFAULT_PARAMS`` and draws only what it
declared), a chart is a small class: its parameters are dataclass fields (names, years, indicators), its
:attr:`ChartSpec.columns` name every column of the data it draws with its disclosure basis
(:class:`~veedel_lib.render.disclosure.Basis`: public, a count of people with its publish threshold, or computed
from such counts), and its :meth:`ChartSpec.draw` builds the figure. :meth:`ChartSpec.plot` is the one way to draw
a chart: it hands the data to :func:`veedel_lib.render.disclosure.chart_data`, which refuses a column without
declaration and withholds (NaN) every value on a small count *before* anything is drawn; ``draw`` sees only the
checked data. The report's data table under the figure is protected once more when the block renders, and a leak
there would still stop the report.

The chart families live in their own modules: :mod:`.trends`, :mod:`.positions`, :mod:`.effects`, :mod:`.plans`
and the maps (:mod:`veedel_lib.render.maps`); :mod:`.registry` lists every chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import pandas as pd

from ...errors import DisclosureError
from ..disclosure import PUBLIC, Basis, ChartData, chart_data, count, rests_on
from .drawing import Chart

OPTIONAL = Basis(optional=True)
"""A public column the data may lack."""


def rate_counts(prefix: str | None = None) -> dict[str, Basis]:
    """The two counts behind a rate and their thresholds, as chart declarations: ``numerator`` (threshold in column
    ``threshold``) and ``denominator`` (threshold in ``denominator_threshold``), with a prefix ``area_numerator``;
    neither is drawn (see :func:`veedel_lib.render.disclosure.rate_basis`)."""
    start = f"{prefix}_" if prefix else ""
    return {f"{start}numerator": count("threshold"), f"{start}denominator": count("denominator_threshold"),
            "threshold": PUBLIC, "denominator_threshold": PUBLIC}


def on_rate(prefix: str | None = None, optional: bool = False) -> Basis:
    """A value computed from the rate counts of :func:`rate_counts` (a rate, its interval, a distance)."""
    start = f"{prefix}_" if prefix else ""
    return rests_on(f"{start}numerator", f"{start}denominator", optional=optional)


LONG_TABLE: dict[str, Basis] = {
    "group": OPTIONAL, "indicator": PUBLIC, "year": PUBLIC, "data_year": OPTIONAL, **rate_counts(),
    "value": on_rate(), "ci_low": on_rate(), "ci_high": on_rate(),
}
"""The columns of a long indicator table (:func:`veedel_lib.analysis.indicators.indicator_values`,
:func:`~veedel_lib.analysis.trends.area_series`): one row per place, indicator and year."""


class ChartSpec:
    """A chart: its parameters (dataclass fields of the subclass), the declared columns of its data and its drawing.

    Subclasses set :attr:`label` (German, for errors), :attr:`columns` (the main data's columns; or override
    :meth:`declared` when they depend on the parameters, e.g. one column per indicator), :attr:`frames` for
    further data passed by keyword, and implement :meth:`draw`.
    """

    label: ClassVar[str] = "Diagramm"
    columns: ClassVar[Mapping[str, Basis]] = {}
    """Every column of the main data the chart may receive, with what its values rest on."""
    frames: ClassVar[Mapping[str, Mapping[str, Basis]]] = {}
    """Further data by keyword of :meth:`plot` (name -> columns), e.g. the goals next to their yearly values."""

    def declared(self) -> dict[str, Mapping[str, Basis]]:
        """The declaration per data frame ("data" for the main one)."""
        return {"data": self.columns, **self.frames}

    def checked(self, data: pd.DataFrame, **frames: pd.DataFrame) -> dict[str, ChartData]:
        """Every data frame as the drawing will see it (withheld values NaN), by name ("data" for ``data``).

        A report may use it to decide whether anything is left to draw; German
        :class:`~veedel_lib.errors.DisclosureError` for an undeclared or missing column or frame."""
        declared = self.declared()
        given = {"data": data, **frames}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise DisclosureError(f"Diagramm „{self.label}“: keine Deklaration für die Daten {', '.join(unknown)}")
        return {name: chart_data(frame, dict(declared[name]), self.label) for name, frame in given.items()}

    def plot(self, data: pd.DataFrame, **frames: pd.DataFrame) -> Chart:
        """The chart of ``data`` (and of the further ``frames``), drawn from the checked data only."""
        checked = self.checked(data, **frames)
        main = checked.pop("data")
        return self.draw(main, **checked)

    def draw(self, data: ChartData, **frames: ChartData) -> Chart:  # pragma: no cover - every chart defines it
        """Build the figure from checked data (:class:`~veedel_lib.render.disclosure.ChartData`)."""
        raise NotImplementedError
