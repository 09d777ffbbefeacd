"""Key figures of each area and Stadtbezirk for the run's portal: residents, SGB-II-Quote, status class.

The portal (``publish.portal``) shows them next to each area's reports. They are computed here from the run's own
copy of the inputs, with the same functions and the same disclosure control as the reports (residents as a count
with its publish threshold, the quote declared on its numerator and denominator, the status class on the
Sozialindex's guard), so the portal shows the number the area's report shows, or "•" where the report withholds
it — also for areas whose reports were not part of the run. Computing them once per run, rather than reading
them back from the reports' table files, keeps the portal independent of which reports ran and of their layout.
"""

from __future__ import annotations

import math

import pandas as pd

from ..analysis.indicators import aggregate, area_groups, indicator_values
from ..errors import VeedelError
from ..inputs.dataset import Dataset
from ..params.run_spec import bezirk_place
from ..render.blocks import Col
from ..render.disclosure import basis, masked, rate_basis
from .sozialindex import SozialindexReport

QUOTE = "sgb2_quote"
"""The indicator the portal shows for each place (SGB-II-Quote)."""


def _number(value: object, decimals: int) -> float | None:
    """A value for the manifest (JSON) with the precision the portal shows (more digits could give a withheld
    count away, as in the reports' table files), or None where missing or withheld."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), decimals)


def _stadtteile_of(ds: Dataset, units: list[str]) -> set[str]:
    """The Stadtteile (numbers as text) of single statistical units an area lists."""
    known = ds.units.set_index("unit_id")["stadtteil_nr"]
    return {str(known[u]) for u in units if u in known.index}


def key_figures(ds: Dataset, year: int, parameters) -> dict:
    """Residents, SGB-II-Quote and status class per area and per Stadtbezirk with areas, as published.

    Returns ``{"year", "areas": [...], "bezirke": [...], "notes": [...]}``; each entry has ``id``, ``name``,
    ``stadtbezirk``, ``residents``, ``quote`` (percent), ``status`` (class label) with None where a value is
    withheld or cannot be computed, and for areas the Stadtteile (``stadtteile``, ``partial``, ``parts``) the
    portal's map draws.
    """
    areas = list(ds.areas.areas)
    bezirke = sorted({a.stadtbezirk for a in areas})
    groups = area_groups(ds, [a.id for a in areas], city=False)
    for number in bezirke:
        groups[bezirk_place(number)] = list(ds.units.loc[ds.units["stadtbezirk_nr"].astype(str) == str(number),
                                                       "unit_id"])
    residents = aggregate(ds, year, groups, ["population"])["population"]
    frame = pd.DataFrame({"group": list(groups), "residents": residents.reindex(list(groups)).to_numpy(),
                          "threshold": ds.catalogue.variable("population").publish_threshold})
    frame = masked(frame, [Col("group", "Ort"), Col("residents", "Einwohner*innen", "count", threshold="threshold")])
    notes = []
    quotes = pd.Series(float("nan"), index=list(groups))
    if QUOTE in {i.id for i in ds.catalogue.indicators}:
        values = indicator_values(ds, year, groups, [ds.catalogue.indicator(QUOTE)])
        values = masked(values, rate_basis(None) + [Col("value", "Wert", "rate", based_on=basis(None))])
        quotes = values.set_index("group")["value"]
    status: dict[str, str] = {}
    try:
        index = SozialindexReport.open(year=year, dataset=ds, parameters_dir=parameters)
        scores = index.area_frame()
        status = {name: label for name, label in zip(scores["name"], scores["status_label"]) if isinstance(label, str)}
    except VeedelError as exc:
        notes.append(f"Statusklassen nicht berechenbar: {exc}")
    published = frame.set_index("group")["residents"]

    def entry(group: str, name: str, bezirk: int) -> dict:
        return {"id": group, "name": name, "stadtbezirk": bezirk, "residents": _number(published.get(group), 0),
                "quote": _number(quotes.get(group), 1), "status": status.get(name) or None}

    return {
        "year": year,
        "areas": [entry(a.id, a.name, a.stadtbezirk) | {
            "code": a.code, "stadtteile": [str(n) for n in a.stadtteile],
            "partial": sorted({str(p.stadtteil) for p in a.partial} | _stadtteile_of(ds, a.units)),
            "parts": [u for p in a.partial for u in p.units] + list(a.units)}
            for a in areas],
        "bezirke": [entry(bezirk_place(n), "", n) for n in bezirke],
        "notes": notes,
    }
