"""German sentences that state the findings of tables, so a committee member need not read the numbers.

Sentences are built from the computed tables only and avoid claims the data cannot carry: a
difference is called clear only when it is statistically significant, and trends are described as
what happened, not why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..params.catalogue import is_favourable
from ..params.reference import Noun, SpatialReference
from . import formatting as fmt

WITHHELD = "nicht veröffentlicht (Geheimhaltung: Zahl unter der Veröffentlichungsschwelle)"
"""What a sentence says instead of a number that disclosure control withholds."""

UNITS = Noun("Einheit", "Einheiten", "f", "Einheit", "Einheiten")
"""The units of a chart or map when no city names them (a city's own: the lowest level of its ``raumbezug.yml``,
Cologne's Stadtteil)."""
AREA = Noun("Gebiet", "Gebiete", "n", "Gebiets", "Gebieten")
"""The programme's word for an area when no city names one (a city's own: ``area_term`` of its ``raumbezug.yml``)."""

_ADJECTIVE_ENDINGS = {
    "weak": {"nom": {"m": "e", "f": "e", "n": "e"}, "acc": {"m": "en", "f": "e", "n": "e"}},
    "mixed": {"nom": {"m": "er", "f": "e", "n": "es"}, "acc": {"m": "en", "f": "e", "n": "es"}},
}
"""German adjective endings before a singular noun by declension, case and gender; dative and genitive take "en"
(weak after "der"/"jeder", mixed after "ein"/"kein")."""


def with_adjective(noun, adjective: str, kind: str = "the", case: str = "nom") -> str:
    """Article, adjective and a level's or the areas' noun (``raumbezug.yml``) in one case, the adjective declined
    by the noun's gender: ``with_adjective(stadtteil, "ganz", "the", "acc")`` -> "den ganzen Stadtteil", for a
    Bezirksregion "die ganze Bezirksregion", for a Gebiet "das ganze Gebiet"; ``kind`` as
    :meth:`~veedel_lib.params.reference.Noun.article` ("the", "a", "no", "every")."""
    declension = "mixed" if kind in ("a", "no") else "weak"
    ending = _ADJECTIVE_ENDINGS[declension].get(case, {}).get(noun.gender, "en")
    name = noun.genitive_name if case == "gen" else noun.name
    return f"{noun.article(kind, case)} {adjective}{ending} {name}"


_PRONOUNS = {"nom": {"m": "er", "f": "sie", "n": "es"}, "acc": {"m": "ihn", "f": "sie", "n": "es"},
             "possessive": {"m": "sein", "f": "ihr", "n": "sein"}}


def pronoun(noun, case: str = "nom") -> str:
    """The pronoun that stands for a level's or the areas' noun, by its gender: "er"/"ihn"/"sein" for a Stadtteil,
    "sie"/"sie"/"ihr" for a Bezirksregion, "es"/"es"/"sein" for a Gebiet; ``case`` "nom", "acc" or "possessive"
    (the possessive's stem, before a masculine or neuter noun in the nominative: "sein Index")."""
    return _PRONOUNS[case][noun.gender]


def profile_sentences(area_name: str, stadtbezirk: str, stadtteile_whole: list[str], stadtteile_part: list[str],
                      population: float, city_population: float, year: int, withheld: bool = False, *,
                      reference: SpatialReference) -> str:
    """Who and where: Stadtbezirk, Stadtteile, residents and their share of the city.

    ``population`` is the published value (NaN when withheld by disclosure control, then ``withheld`` is True,
    or when the data lack it). ``reference`` (the city's ``raumbezug.yml``) gives the names of the levels, of the
    city and of its areas.
    """
    base, top = reference.base, reference.top
    parts = []
    if stadtteile_whole:
        noun = base.phrase("the", "acc") if len(stadtteile_whole) == 1 else f"die {base.plural}"
        parts.append(f"{noun} {fmt.join(stadtteile_whole)}")
    if stadtteile_part:
        noun = f"einen Teil {base.phrase('the', 'gen')}" if len(stadtteile_part) == 1 else f"Teile der {base.plural}"
        parts.append(f"{noun} {fmt.join(stadtteile_part)}")
    district = f" {top.within()} {stadtbezirk}" if stadtbezirk else ""
    area = fmt.sentence_start(reference.profile.area.phrase())
    where = f"{area} {area_name}{district} umfasst {fmt.join(parts)}. "
    if withheld:
        return where + f"Die Zahl der Einwohner*innen Ende {year} ist {WITHHELD}."
    if not np.isfinite(population):
        return where + f"Für Ende {year} liegt keine Einwohnerzahl vor."
    share = 100 * population / city_population if city_population else np.nan
    whole_city = (f"der {reference.adjective} Bevölkerung" if reference.adjective else
                  f"der Bevölkerung von {reference.city}")
    return where + (f"Ende {year} lebten hier {fmt.integer(population)} Menschen, das sind {fmt.percent(share)} "
                    f"{whole_city} ({fmt.integer(city_population)}).")


def sources_sentence(sources: list[str]) -> str:
    """The data sources as one list: entries naming several sources ("A; B") are split, duplicates dropped."""
    names = sorted({part.strip() for source in sources for part in str(source).split(";") if part.strip()})
    return "; ".join(names)


def comparison_summary(comparison: pd.DataFrame, area_name: str, year: int, table: str) -> str:
    """A short paragraph on the rated indicators: on how many the area is clearly (statistically significantly)
    worse or better than the city, and which ones, without their values: those stand once, in the table captioned
    ``table``, which the paragraph points to.

    ``comparison`` is the published comparison (:func:`~veedel_lib.render.disclosure.public_comparison`): an
    indicator whose value is withheld has no verdict there, so it is counted as not comparable and never named with
    a verdict.
    """
    rated = comparison[comparison["direction"] != "neutral"]
    judged = rated[rated["assessment"].isin(JUDGED)]
    worse = judged[judged["assessment"] == "ungünstiger"].sort_values("worse_ratio", ascending=False)
    better = judged[judged["assessment"] == "günstiger"]
    even = len(judged) - len(worse) - len(better)
    where = f"Tabelle „{table}“"
    if judged.empty:
        return (f"{year} lässt sich {area_name} bei keinem der {len(rated)} wertenden Indikatoren mit der "
                f"Gesamtstadt vergleichen; die Anmerkungen unter {where} sagen, warum.")
    text = (f"{year} liegt {area_name} bei {len(worse)} von {len(judged)} wertenden Indikatoren mit Vergleichswert "
            "deutlich ungünstiger als die Gesamtstadt")
    labels = list(worse["label"])
    if len(labels) == 1:
        text += f" ({labels[0]})"
    elif labels:
        text += f", am stärksten bei {labels[0]}, außerdem bei {fmt.join(labels[1:])}"
    if len(better):
        text += f"; bei {len(better)} liegt es günstiger ({fmt.join(better['label'])})"
    text += "."
    if even:
        text += (" Bei keinem ist ein deutlicher Unterschied zu erkennen." if even == len(judged) else
                 f" Bei {'einem' if even == 1 else f'den übrigen {even}'} ist kein deutlicher Unterschied zu erkennen.")
    others = len(rated) - len(judged)
    if others:
        text += (f" Für {'einen weiteren Indikator' if others == 1 else f'{others} weitere Indikatoren'} ist kein "
                 f"Vergleich möglich (Anmerkungen unter der Tabelle).")
    return text + f" Die Werte nennt {where}."


JUDGED = ("ungünstiger", "günstiger", "kein deutlicher Unterschied")
"""The verdicts of a rated indicator compared with the city (see :func:`veedel_lib.analysis.comparison.assess`)."""


def missing_values_note(groups: dict[str, list[str]]) -> str:
    """The note that explains a table's dashes: for each reason the figures it concerns, in order
    ("– = kein Wert. Arbeitslosenanteil: für 2012 nicht in den Daten enthalten (Arbeitslose nur für 2011).")."""
    if not groups:
        return ""
    return f"{fmt.MISSING} = kein Wert. " + " ".join(f"{fmt.join(labels)}: {reason}." for reason, labels in groups.items())


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


def need_sentences(needs: pd.DataFrame, area_name: str, table: str = "") -> str:
    """The Handlungsbedarfe by name and degree ("deutlich erhöht", "erhöht"), strongest first, or a sentence saying
    there are none by the configured rule. The values are not repeated: with ``table`` (the caption of the table
    that holds them) the text points to it."""
    if needs.empty:
        return (f"Nach der festgelegten Regel ergibt sich aus den Indikatoren für {area_name} kein "
                f"statistischer Handlungsbedarf. Die qualitativen Befunde unten können dennoch Bedarfe zeigen.")
    lines = []
    for level, heading in (("deutlich erhöht", "Deutlich erhöhter Handlungsbedarf"),
                           ("erhöht", "Erhöhter Handlungsbedarf")):
        rows = needs[needs["need"] == level]
        if len(rows):
            by_lebenslage: dict[str, list[str]] = {}
            for row in rows.itertuples():
                by_lebenslage.setdefault(row.lebenslage, []).append(row.label)
            lines.append(f"- **{heading}:** " + "; ".join(f"{fmt.join(labels)} ({lebenslage})"
                                                           for lebenslage, labels in by_lebenslage.items()))
    text = "\n".join(lines)
    if table:
        text += f"\n\nDie Werte des Gebiets und der Gesamtstadt zu diesen Indikatoren stehen in Tabelle „{table}“."
    return text


EFFECT_DECIMALS = 2
"""Decimals of the evaluation's effects, intervals and minimum detectable effects wherever a report shows them
(tables, sentences, figure descriptions): effects of a tenth of a point are common, one decimal would show
an interval of +0,02 to +0,21 as "±0,0 bis +0,2"."""


def interval_excludes_zero(low: float, high: float, decimals: int = EFFECT_DECIMALS) -> bool:
    """Whether the interval as shown (rounded to ``decimals``) excludes zero: the one rule for "gesichert" and
    "größer, als der Zufall erklären könnte", so a sentence never contradicts the interval a reader sees
    (an interval shown as "±0,00 bis +0,21" includes zero, whatever its unrounded bound)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return False
    return round(float(low), decimals) > 0 or round(float(high), decimals) < 0


def effect_points(value: float, unit: str, signed: bool = True) -> str:
    """An effect in points with :data:`EFFECT_DECIMALS` ("+0,14 Pp.", unsigned "0,14 Pp.")."""
    if signed:
        return fmt.points(value, unit, EFFECT_DECIMALS, short=True)
    word = "Pp." if unit == "percent" else "‰-Pkt."
    return f"{fmt.number(abs(value), EFFECT_DECIMALS)} {word}"


def _path_sentence(row: pd.Series, area_name: str, baseline_year: int) -> str:
    """What the data did and what the expected path let expect in the last year ("gesunken, aber weniger stark
    als erwartet: ... waren für 2024 22,2 % zu erwarten"); "" when the values are missing. Directions are
    compared as shown (one decimal); the values then and now stand in the table and are not repeated."""
    then, now, expected = (row.get(k, np.nan) for k in ("actual_then", "actual_now", "expected_now"))
    if not all(np.isfinite(v) for v in (then, now, expected)):
        return ""
    unit, last = row["unit"], int(row["last_year"])

    def way(change: float) -> str:
        return "up" if change > 0 else "down" if change < 0 else "flat"

    actual = way(round(now, 1) - round(then, 1))
    hoped = way(round(expected, 1) - round(then, 1))
    verb = {"up": "gestiegen", "down": "gesunken", "flat": "gleich geblieben"}[actual]
    if round(now, 1) == round(expected, 1):
        how = "wie erwartet"
    elif actual == hoped == "up":
        how = "stärker als erwartet" if now > expected else "aber weniger stark als erwartet"
    elif actual == hoped == "down":
        how = "stärker als erwartet" if now < expected else "aber weniger stark als erwartet"
    else:
        how = {"up": "obwohl ein Anstieg", "down": "obwohl ein Rückgang", "flat": "obwohl ein gleichbleibender Wert"}[
            hoped] + " zu erwarten war"
    return (f"In {area_name} ist der Wert seit {baseline_year} {verb}, {how}: Nach dem eigenen Verlauf bis "
            f"{baseline_year} und der Entwicklung der übrigen Stadt war für {last} ein Wert von "
            f"{fmt.rate(expected, unit)} zu erwarten. ")


def evaluation_reading(row: pd.Series, area_name: str, baseline_year: int, level: float = 0.95,
                       withheld: bool = False) -> str:
    """A plain-German reading of one evaluation effect (a row of ``analysis.evaluation.evaluate``, as published:
    ``withheld`` when disclosure control hides its numbers) that says what was estimated and no more.

    What was estimated: the area's departure from its expected path (its own path up to the baseline carried on,
    plus the city-wide changes), averaged over the years after the baseline. The reading first says what the data
    did (risen or fallen, more or less than expected), so it never contradicts the direction of the data, then
    whether the departure lies above or below the expected path, and calls it "gesichert" only when the interval
    as the table shows it (rounded) excludes zero (:func:`interval_excludes_zero`); otherwise it gives the minimum
    detectable effect. The departure and its interval stand in the table and are not repeated; the expected
    value and the minimum detectable effect, which the table does not show, are given here.
    """
    label = row["label"]
    if withheld:
        return (f"**{label}:** Die Zahlen von {area_name} sind zu klein, um das Ergebnis zu veröffentlichen "
                "(Geheimhaltung).")
    if row.get("status") != "ok" or not np.isfinite(row.get("estimate", np.nan)):
        return (f"**{label}:** Mit den vorliegenden Daten nicht auswertbar (zu wenige Jahre vor oder nach "
                f"{baseline_year} oder keine Daten für das Gebiet).")
    unit = row["unit"]
    interval = f"{int(round(100 * level))}-%-Intervall"
    estimate = round(float(row["estimate"]), EFFECT_DECIMALS)
    side = "über" if estimate > 0 else "unter" if estimate < 0 else "auf"
    first = int(row.get("first_year_after", baseline_year + 1))
    last = row.get("last_year", np.nan)
    years = f"der Jahre {first} bis {int(last)}" if np.isfinite(last) and int(last) > first else f"des Jahres {first}"
    text = (f"**{label}:** {_path_sentence(row, area_name, baseline_year)}Im Mittel {years} lag der Wert {side} dem "
            "erwarteten Verlauf (Abweichung und Intervall in der Tabelle). ")
    if interval_excludes_zero(row["ci_low"], row["ci_high"]):
        favourable = is_favourable(row["direction"], row["estimate"])
        judgement = (f"Das spricht für eine {'günstigere' if favourable else 'ungünstigere'} Entwicklung als "
                     "erwartet; ob sie" if row["direction"] != "neutral" else
                     "Der Indikator wird nicht als günstig oder ungünstig bewertet; ob die Abweichung")
        text += (f"Diese Abweichung ist gesichert, also größer, als der Zufall erklären könnte: Das {interval} "
                 f"schließt null aus. {judgement} auf das Programm zurückgeht, lässt sich daraus allein nicht "
                 "ableiten.")
    else:
        text += (f"Die Abweichung ist nicht gesichert: Das {interval} schließt null ein, sie lässt sich also nicht "
                 "vom Zufall unterscheiden; die Daten zeigen weder eine günstigere noch eine ungünstigere "
                 "Entwicklung als erwartet.")
        if np.isfinite(row.get("mde", np.nan)):
            text += (f" Ein Effekt unter {effect_points(row['mde'], unit, signed=False)} wäre mit diesen Daten "
                     "nicht erkennbar (kleinster Effekt, den die Auswertung mit 80 % Wahrscheinlichkeit als "
                     "gesichert erkennt).")
    if np.isfinite(row.get("pre_trend_p", np.nan)) and row["pre_trend_p"] < 1 - level:
        text += (" *Vorsicht:* Schon vor dem Basisjahr haben sich Gebiet und übrige Stadt unterschiedlich "
                 "entwickelt; die Schätzung kann diesen Trend fortschreiben.")
    if np.isfinite(row.get("rate_ratio", np.nan)):
        bounds = (f" ({fmt.number(row['rate_ratio_low'], 2)} bis {fmt.number(row['rate_ratio_high'], 2)})"
                  if np.isfinite(row.get("rate_ratio_low", np.nan)) else "")
        text += f" Zählmodell für kleine Zahlen: Faktor {fmt.number(row['rate_ratio'], 2)}{bounds}."
    return text
