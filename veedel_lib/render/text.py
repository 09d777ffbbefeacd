"""German sentences that state the findings of tables, so a committee member need not read the numbers.

Sentences are built from the computed tables only and avoid claims the data cannot carry: a
difference is called clear only when it is statistically significant, and trends are described as
what happened, not why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params.catalogue import is_favourable
from . import formatting as fmt

WITHHELD = "nicht veröffentlicht (Geheimhaltung: Zahl unter der Veröffentlichungsschwelle)"
"""What a sentence says instead of a number that disclosure control withholds."""


def profile_sentences(area_name: str, stadtbezirk: str, stadtteile_whole: list[str], stadtteile_part: list[str],
                      population: float, city_population: float, year: int, withheld: bool = False,
                      reference=None) -> str:
    """Who and where: Stadtbezirk, Stadtteile, residents and their share of the city.

    ``population`` is the published value (NaN when withheld by disclosure control, then ``withheld`` is True,
    or when the data lack it). ``reference`` (a :class:`~veedel_lib.params.reference.SpatialReference`) gives the
    names of the levels and of the city; None: Cologne's (Stadtbezirk, Stadtteil, "der Kölner Bevölkerung").
    """
    base = reference.base if reference is not None else None
    one = base.phrase("the", "acc") if base else "den Stadtteil"
    many = f"die {base.plural}" if base else "die Stadtteile"
    part_one = f"einen Teil {base.phrase('the', 'gen')}" if base else "einen Teil des Stadtteils"
    part_many = f"Teile der {base.plural}" if base else "Teile der Stadtteile"
    parts = []
    if stadtteile_whole:
        noun = one if len(stadtteile_whole) == 1 else many
        parts.append(f"{noun} {fmt.join(stadtteile_whole)}")
    if stadtteile_part:
        noun = part_one if len(stadtteile_part) == 1 else part_many
        parts.append(f"{noun} {fmt.join(stadtteile_part)}")
    top = reference.top if reference is not None else None
    district = ""
    if stadtbezirk:
        district = (f" {'im' if top.gender in ('m', 'n') else 'in der'} {top.name} {stadtbezirk}" if top
                    else f" im Stadtbezirk {stadtbezirk}")
    where = f"Das Sozialraumgebiet {area_name}{district} umfasst {fmt.join(parts)}. "
    if withheld:
        return where + f"Die Zahl der Einwohner*innen Ende {year} ist {WITHHELD}."
    if not np.isfinite(population):
        return where + f"Für Ende {year} liegt keine Einwohnerzahl vor."
    share = 100 * population / city_population if city_population else np.nan
    whole_city = ("der Kölner Bevölkerung" if reference is None else
                  f"der {reference.adjective} Bevölkerung" if reference.adjective else
                  f"der Bevölkerung von {reference.city}")
    return where + (f"Ende {year} lebten hier {fmt.integer(population)} Menschen, das sind {fmt.percent(share)} "
                    f"{whole_city} ({fmt.integer(city_population)}).")


def comparison_sentence(row: pd.Series, area_name: str, level: float = 0.95) -> str:
    """One line on one indicator: the area's value with interval (at ``level``), the distance to the city, the verdict."""
    if not np.isfinite(row["area_value"]):
        return missing_sentence([row["label"]], area_name)
    value = fmt.rate(row["area_value"], row["unit"])
    interval = (f"{fmt.number(level * 100, 0)}-%-Konfidenzintervall {fmt.rate(row['area_ci_low'], row['unit'])} bis "
                f"{fmt.rate(row['area_ci_high'], row['unit'])}")
    if not np.isfinite(row["city_value"]):
        return (f"**{row['label']}:** {value} ({interval}). Ein Vergleich mit der Gesamtstadt ist nicht möglich, "
                "weil der städtische Wert nicht vollständig vorliegt (fehlende oder an der Quelle "
                "geheim gehaltene Werte einzelner Einheiten).")
    city = fmt.rate(row["city_value"], row["unit"])
    distance = fmt.points(abs(row["difference"]), row["unit"]).lstrip("+±")
    position = "über" if row["difference"] > 0 else "unter"
    verdict = row["assessment"]
    if verdict == "kein deutlicher Unterschied":
        return (f"**{row['label']}:** {value} ({interval}); kein deutlicher Unterschied zur Gesamtstadt "
                f"({city}).")
    text = f"**{row['label']}:** {value} ({interval}), {distance} {position} der Gesamtstadt ({city})"
    if verdict in ("ungünstiger", "günstiger"):
        text += f", also {verdict} als in der Stadt insgesamt"
    return text + "."


def missing_sentence(labels: list[str], area_name: str) -> str:
    """One sentence naming every indicator without a (publishable) value, instead of one line each."""
    if not labels:
        return ""
    if len(labels) == 1:
        return f"**{labels[0]}:** Für {area_name} liegen keine (veröffentlichbaren) Daten vor."
    return (f"**Ohne Werte:** Für {fmt.join(labels)} liegen für {area_name} keine (veröffentlichbaren) "
            f"Daten vor.")


def sources_sentence(sources: list[str]) -> str:
    """The data sources as one list: entries naming several sources ("A; B") are split, duplicates dropped."""
    names = sorted({part.strip() for source in sources for part in str(source).split(";") if part.strip()})
    return "; ".join(names)


def comparison_summary(comparison: pd.DataFrame, area_name: str, year: int) -> str:
    """A short paragraph: on how many indicators the area is worse or better than the city."""
    rated = comparison[(comparison["direction"] != "neutral") & comparison["p_value"].notna()]
    worse = rated[rated["assessment"] == "ungünstiger"]
    better = rated[rated["assessment"] == "günstiger"]
    text = (f"{year} ist die Lage in {area_name} bei {len(worse)} von {len(rated)} wertenden Indikatoren mit Vergleichswerten "
            f"deutlich ungünstiger als in der Gesamtstadt")
    text += f" und bei {len(better)} günstiger." if len(better) else "."
    if len(worse):
        top = worse.sort_values("worse_ratio", ascending=False).iloc[0]
        text += (f" Am größten ist der Abstand bei {top['label']}: {fmt.rate(top['area_value'], top['unit'])} "
                 f"gegenüber {fmt.rate(top['city_value'], top['unit'])} in der Stadt, das "
                 f"{fmt.number(top['worse_ratio'], 1)}-Fache.")
    return text


def trend_sentence(row: pd.Series, area_name: str) -> str:
    """What happened to one indicator between the first and last year, and to the gap to the city; with a single
    year (the city's data may hold one), that a trend needs at least two years, instead of "gleich geblieben"."""
    unit = row["unit"]
    if row["first_year"] == row["last_year"]:
        return (f"**{row['label']}:** Für {area_name} liegt nur der Wert von {row['last_year']} vor "
                f"({fmt.rate(row['area_last'], unit)}; Gesamtstadt {fmt.rate(row['city_last'], unit)}); für einen "
                "Trend sind mindestens zwei Jahre nötig.")
    verb = "gestiegen" if row["area_change"] > 0 else "gesunken" if row["area_change"] < 0 else "gleich geblieben"
    text = (f"**{row['label']}:** In {area_name} von {fmt.rate(row['area_first'], unit)} ({row['first_year']}) auf "
            f"{fmt.rate(row['area_last'], unit)} ({row['last_year']}) {verb}; in der Gesamtstadt von "
            f"{fmt.rate(row['city_first'], unit)} auf {fmt.rate(row['city_last'], unit)}.")
    gap_change = abs(row["gap_last"]) - abs(row["gap_first"])
    if row["direction"] != "neutral" and np.isfinite(gap_change):
        significant = np.isfinite(row["gap_slope_p"]) and row["gap_slope_p"] < 0.05
        size = fmt.points(abs(gap_change), unit).lstrip("+±")
        if abs(gap_change) < 0.05:
            text += " Der Abstand zur Gesamtstadt ist praktisch gleich geblieben."
        else:
            text += (f" Der Abstand zur Gesamtstadt ist um {size} "
                     f"{'kleiner' if gap_change < 0 else 'größer'} geworden")
            text += "." if significant else " (kein gesicherter Trend)."
    return text


def need_sentences(needs: pd.DataFrame, area_name: str) -> str:
    """The Handlungsbedarfe as a list, or a sentence saying there are none by the configured rule."""
    if needs.empty:
        return (f"Nach der festgelegten Regel ergibt sich aus den Indikatoren für {area_name} kein "
                f"statistischer Handlungsbedarf. Die qualitativen Befunde unten können dennoch Bedarfe zeigen.")
    lines = []
    for _, row in needs.iterrows():
        lines.append(f"- **{row['label']}** ({row['lebenslage']}): Handlungsbedarf {row['need']} – "
                     f"{fmt.rate(row['area_value'], row['unit'])} gegenüber {fmt.rate(row['city_value'], row['unit'])} "
                     f"in der Gesamtstadt, das {fmt.number(row['worse_ratio'], 1)}-Fache.")
    return "\n".join(lines)


def evaluation_reading(row: pd.Series, area_name: str, baseline_year: int, level: float = 0.95,
                       withheld: bool = False) -> str:
    """A plain-German reading of one evaluation effect (a row of ``analysis.evaluation.evaluate``, as published:
    ``withheld`` when disclosure control hides its numbers) that says what the data show and no more."""
    label = row["label"]
    if withheld:
        return (f"**{label}:** Die Zahlen von {area_name} sind zu klein, um das Ergebnis zu veröffentlichen "
                "(Geheimhaltung).")
    if row.get("status") != "ok" or not np.isfinite(row.get("estimate", np.nan)):
        return (f"**{label}:** Mit den vorliegenden Daten nicht auswertbar (zu wenige Jahre vor oder nach "
                f"{baseline_year} oder keine Daten für das Gebiet).")
    unit = row["unit"]
    size = fmt.points(abs(row["estimate"]), unit, short=False).lstrip("+±")
    interval = (f"{int(round(100 * level))}-%-Intervall: {fmt.points(row['ci_low'], unit, short=True)} bis "
                f"{fmt.points(row['ci_high'], unit, short=True)}")
    direction = "stärker gestiegen" if row["estimate"] > 0 else "stärker gesunken"
    covers_zero = not (row["ci_low"] > 0 or row["ci_high"] < 0)
    if covers_zero:
        difference = fmt.points(row["estimate"], unit, short=True)
        text = (f"**{label}:** Seit {baseline_year} weicht die Entwicklung in {area_name} um {difference} von der "
                f"übrigen Stadt ab ({interval}). Dieser Unterschied lässt sich nicht von Zufall unterscheiden; die "
                "Daten zeigen also weder eine günstigere noch eine ungünstigere Entwicklung.")
    else:
        favourable = is_favourable(row["direction"], row["estimate"])
        judgement = ("Das spricht für eine günstigere Entwicklung als in der übrigen Stadt" if favourable
                     else "Das spricht für eine ungünstigere Entwicklung als in der übrigen Stadt")
        if row["direction"] == "neutral":
            judgement = "Der Unterschied ist gesichert; der Indikator wird nicht als günstig oder ungünstig bewertet"
        text = (f"**{label}:** Seit {baseline_year} ist der Wert in {area_name} um {size} {direction} als in "
                f"der übrigen Stadt ({interval}). {judgement}; ob sie auf das Programm zurückgeht, lässt sich "
                "daraus allein nicht ableiten.")
    if np.isfinite(row.get("pre_trend_p", np.nan)) and row["pre_trend_p"] < 0.05:
        text += (" *Vorsicht:* Schon vor dem Basisjahr haben sich Gebiet und übrige Stadt unterschiedlich "
                 "entwickelt; die Schätzung kann diesen Trend fortschreiben.")
    if np.isfinite(row.get("rate_ratio", np.nan)):
        text += (f" Zählmodell für kleine Zahlen: Faktor {fmt.number(row['rate_ratio'], 2)} "
                 f"({fmt.number(row['rate_ratio_low'], 2)} bis {fmt.number(row['rate_ratio_high'], 2)}).")
    return text
