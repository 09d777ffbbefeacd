"""Programme-wide figures: the 15 areas' share of the city, as the council resolution published them."""

from __future__ import annotations

import pandas as pd

from ..inputs.dataset import Dataset
from .indicators import CITY, aggregate, programme_group


def programme_shares(ds: Dataset, year: int | None = None) -> pd.DataFrame:
    """The published-figures table for one year (default: latest).

    One row per programme figure: label, count in the 15 areas, count in the city, share in percent,
    the share published in the council resolution and the difference in percentage points. Counts are
    summed over all units of all areas first; a unit in no area counts only for the city.

    Parameters
    ----------
    ds : Dataset
        The validated data; the figures come from its catalogue (``programme_figures``).
    year : int, optional
        The year of the counts; the latest year of the data when None.

    Returns
    -------
    pandas.DataFrame
        Columns figure, label, year, areas, city (counts), share (%), published_share (%) and
        difference_pp (percentage points); a share is NaN when a count is missing.
    """
    year = year or ds.latest_year
    variables = sorted({v for f in ds.catalogue.programme_figures for v in f.variables})
    available = [v for v in variables if v in ds.catalogue.variable_ids]
    counts = aggregate(ds, year, {"programme": programme_group(ds), CITY: list(ds.units["unit_id"])}, available)
    rows = []
    for figure in ds.catalogue.programme_figures:
        areas = counts.loc["programme", figure.variables].sum(min_count=len(figure.variables))
        city = counts.loc[CITY, figure.variables].sum(min_count=len(figure.variables))
        share = 100 * areas / city if city and pd.notna(city) else float("nan")
        rows.append({
            "figure": figure.id,
            "label": figure.label,
            "year": year,
            "areas": areas,
            "city": city,
            "share": share,
            "published_share": figure.published_share,
            "difference_pp": share - figure.published_share,
        })
    return pd.DataFrame(rows)
