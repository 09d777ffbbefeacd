"""The evaluation's second view of one area: the synthetic control next to the difference in differences, and
how sensitive the result is to the trend assumption (breakdown value of the relative-magnitudes bound).

:func:`second_comparison` returns the report blocks of the evaluation's section "Zweiter Vergleich:
synthetische Kontrollgruppe" (:mod:`veedel_lib.reports.evaluation`); every number is withheld where the area's
counts are too small to publish (the same rule as the evaluation's effects table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.honest_trends import sensitivity
from ..analysis.synthetic_control import area_synthetic_control, stadtteil_rates
from ..render import formatting as fmt
from ..render.charts.effects import SyntheticControlPanels
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import masked
from ..render.text import EFFECT_DECIMALS, effect_points, interval_excludes_zero

COUNT_KEYS = ("area_count_min", "area_denominator_min")
COUNTS = [Col("area_count_min", "kleinste Jahreszahl im Gebiet", "count", threshold="threshold", show=False),
          Col("area_denominator_min", "kleinste Bezugsgröße im Gebiet", "count", threshold="denominator_threshold",
              show=False)]
SHOWN_DONORS = 3
"""Donors named per indicator (those with the largest weights)."""


def second_view_table(content) -> pd.DataFrame:
    """Per evaluated indicator: the synthetic control (pre-period RMSPE, mean gap after the baseline, placebo
    p-value, donors), the difference in differences' estimate and whether both agree, and the breakdown value;
    ``content`` is the :class:`~veedel_lib.reports.evaluation.Evaluation`."""
    table = content.table().set_index("indicator")
    rows = []
    for indicator in content.indicators:
        row = table.loc[indicator.id]
        entry = {"indicator": indicator.id, "label": indicator.name, "unit": indicator.unit,
                 **{k: row.get(k, np.nan) for k in (*COUNT_KEYS, "threshold", "denominator_threshold")}}
        if row.get("status") != "ok":
            rows.append(entry)
            continue
        control = area_synthetic_control(content.ds, indicator, content.area_id, content.baseline_year,
                                          content.year)
        rates, name, _ = stadtteil_rates(content.ds, indicator, content.area_id, content.year)
        bound = sensitivity(rates, name, content.baseline_year, 1 - content.level) if len(rates) else None
        did_clear = interval_excludes_zero(row["ci_low"], row["ci_high"])
        if control is not None:
            sc_clear = bool(control.p_value <= 1 - content.level)
            entry.update({"rmspe_pre": control.rmspe_pre, "sc_effect": control.effect, "sc_p": control.p_value,
                          "donors": "; ".join(f"{donor} {fmt.number(weight, 2)}" for donor, weight
                                              in control.weights.head(SHOWN_DONORS).items()),
                          "donor_count": control.donors, "did_estimate": row["estimate"],
                          "agree": "ja" if (not sc_clear and not did_clear) or (
                              sc_clear and did_clear and np.sign(control.effect) == np.sign(row["estimate"]))
                          else "nein"})
        if bound is not None:
            entry.update({"breakdown": bound.breakdown, "largest_pre_change": bound.largest_pre_change,
                          "event_effect": bound.effect})
        else:
            entry["breakdown_missing"] = True
        rows.append(entry)
    frame = pd.DataFrame(rows)
    for column in ("rmspe_pre", "sc_effect", "sc_p", "donors", "did_estimate", "agree", "breakdown",
                   "largest_pre_change", "event_effect", "donor_count"):
        if column not in frame:
            frame[column] = np.nan
    frame["breakdown_missing"] = frame.get("breakdown_missing", pd.Series(False, index=frame.index)).eq(True)
    return frame


def _paths(content, table: pd.DataFrame) -> pd.DataFrame:
    """The synthetic control paths of the indicators with a synthetic control (indicator, year, actual,
    synthetic, gap) with the area's smallest counts for disclosure control."""
    parts = []
    for indicator in content.indicators:
        control = area_synthetic_control(content.ds, indicator, content.area_id, content.baseline_year,
                                          content.year)
        if control is not None:
            parts.append(control.path.assign(indicator=indicator.id))
    if not parts:
        return pd.DataFrame()
    paths = pd.concat(parts, ignore_index=True)
    keys = table.set_index("indicator")[[*COUNT_KEYS, "threshold", "denominator_threshold"]]
    return paths.join(keys, on="indicator")


def second_comparison(content) -> list[Block]:
    """The section "Zweiter Vergleich: synthetische Kontrollgruppe": a table per indicator, the paths as a figure,
    a sentence whether the two comparisons agree and sentences on the sensitivity to the trend assumption."""
    table = content.memo("second_view", lambda: second_view_table(content),
                         tuple(i.id for i in content.indicators))
    name, baseline = content.area.name, content.baseline_year
    caption = f"{name}: synthetische Kontrollgruppe und Empfindlichkeit gegenüber der Trendannahme"
    columns = [Col("label", "Indikator"), *COUNTS,
               Col("rmspe_pre", f"Anpassungsfehler bis {baseline} (Punkte)", "number", based_on=COUNT_KEYS,
                   decimals=EFFECT_DECIMALS),
               Col("sc_effect", "Abstand zur Kontrollgruppe danach", "points", unit="unit", based_on=COUNT_KEYS,
                   decimals=EFFECT_DECIMALS),
               Col("sc_p", "Placebo-p-Wert", "number", decimals=2, based_on=COUNT_KEYS),
               Col("did_estimate", "Differenz-von-Differenzen (Tabelle oben)", "points", unit="unit",
                   based_on=COUNT_KEYS, decimals=EFFECT_DECIMALS),
               Col("agree", "beide Vergleiche stimmen überein", based_on=COUNT_KEYS),
               Col("breakdown", "Bruchpunkt M̄", "number", decimals=1, based_on=COUNT_KEYS)]
    public = masked(table, columns)
    base = content.ds.spatial.base
    if public["sc_effect"].notna().sum() == 0:
        return [TextBlock(f"Für {name} ist keine synthetische Kontrollgruppe auswertbar oder veröffentlichbar "
                          f"(zu wenige Jahre vor oder nach dem Basisjahr, zu wenige {base.plural} ohne Programm oder "
                          "Geheimhaltung).")]
    donors = int(table["donor_count"].max())
    note = (f"Synthetische Kontrollgruppe: eine gewichtete Mischung aus {donors} {base.dative_plural_name}, in "
            "denen keine Einheit zu einem Programmgebiet gehört (Gewichte nicht negativ, Summe 1), so gewählt, dass "
            f"sie den Verlauf von {name} bis {baseline} möglichst genau nachzeichnet (nach Abzug des Mittelwerts bis "
            f"{baseline}: die Mischung folgt dem Verlauf, nicht dem Niveau). Anpassungsfehler: mittlere "
            f"quadratische Abweichung bis {baseline} (Wurzel). Abstand danach: mittlerer Abstand von {name} zur "
            f"Kontrollgruppe in den Jahren nach {baseline}. Placebo-p-Wert: Anteil der {base.plural} (und des Gebiets "
            f"selbst), bei denen dieselbe Rechnung, {base.phrase('every')} einmal als „Programmgebiet“, einen "
            "mindestens so großen Bruch zwischen der Zeit vor und nach dem Basisjahr zeigt. Übereinstimmung: gleiche "
            "beide gesichert in dieselbe Richtung oder beide nicht gesichert. Bruchpunkt M̄: siehe Text unter der "
            "Tabelle.")
    donor_columns = [Col("label", "Indikator"), *COUNTS,
                     Col("donors", f"{base.plural} mit dem größten Gewicht in der Kontrollgruppe",
                         based_on=COUNT_KEYS)]
    blocks: list[Block] = [TableBlock("synthetische_kontrolle", caption, table, columns, note=note),
                           TableBlock("synthetische_kontrolle_stadtteile",
                                      f"{name}: woraus die synthetische Kontrollgruppe besteht", table, donor_columns,
                                      note=f"Die {base.plural} mit dem größten Gewicht in der Mischung, mit ihrem "
                                           "Anteil.")]
    paths = _paths(content, table)
    chart_columns = [Col("label", "Indikator"), Col("year", "Jahr", "year"), *COUNTS,
                     Col("actual", name, "rate", unit="unit", based_on=COUNT_KEYS),
                     Col("synthetic", "Kontrollgruppe", "rate", unit="unit", based_on=COUNT_KEYS),
                     Col("gap", "Abstand", "points", unit="unit", based_on=COUNT_KEYS, decimals=EFFECT_DECIMALS)]
    spec = SyntheticControlPanels(content.indicators, name, baseline, base.dative_plural_name)
    if len(paths) and len(spec.checked(paths)["data"].frame.dropna(subset=["actual", "synthetic"])):
        blocks.append(ChartBlock("synthetische_kontrolle_verlauf", spec.plot(paths), chart_columns))
    blocks.append(TextBlock("\n\n".join([_agreement_sentence(public, name), *_sensitivity_sentences(public, baseline,
                                                                                                     base)])))
    return blocks


def _agreement_sentence(public: pd.DataFrame, name: str) -> str:
    """One sentence: at how many indicators the two comparisons agree, naming those where they do not."""
    rated = public[public["agree"].isin(["ja", "nein"])]
    differing = rated.loc[rated["agree"] == "nein", "label"].tolist()
    text = (f"Bei {len(rated) - len(differing)} von {len(rated)} Indikatoren kommen beide Vergleiche – die übrige "
            f"Stadt und die synthetische Kontrollgruppe – für {name} zum selben Ergebnis (beide gesichert in "
            "dieselbe Richtung oder beide nicht gesichert)")
    return text + (f"; nicht bei {', '.join(differing)}: dort hängt das Ergebnis davon ab, womit man das Gebiet "
                   "vergleicht, und ist mit besonderer Vorsicht zu lesen." if differing else ".")


def _sensitivity_sentences(public: pd.DataFrame, baseline: int, base) -> list[str]:
    """The breakdown values in words: per indicator with a robust result one sentence, the others together, and
    the indicators without one (too few years or comparison units of ``base``, the spatial base level) by name."""
    sentences = []
    rated = public[public["breakdown"].notna()]
    # below 0,05 the value rounds to "0,0": as fragile as none at all
    fragile = rated.loc[rated["breakdown"] < 0.05, "label"].tolist()
    for row in rated[rated["breakdown"] >= 0.05].itertuples():
        times = fmt.number(row.breakdown, 1)
        reading = (f" Das ist wenig: schon eine kleinere Schwankung als vor {baseline} könnte das Ergebnis erklären."
                   if row.breakdown < 1 else "")
        sentences.append(
            f"**Trendannahme, {row.label}:** Das Ergebnis des einfachen Vergleichs mit der übrigen Stadt (ohne "
            f"eigenen Trend des Gebiets: Abstand seit {baseline} im Mittel "
            f"{effect_points(row.event_effect, row.unit)}) hält, solange die Abweichung vom bisherigen Trend nach "
            f"{baseline} von Jahr zu Jahr höchstens {times}-mal so stark zunimmt wie die größte Schwankung von Jahr "
            f"zu Jahr vor {baseline} ({effect_points(row.largest_pre_change, row.unit, False)}).{reading}")
    if fragile:
        sentences.append(
            f"**Trendannahme:** Bei {', '.join(fragile)} ist schon ohne jede Abweichung vom bisherigen Trend keine "
            f"Veränderung gegenüber der übrigen Stadt seit {baseline} gesichert (Bruchpunkt 0); wer eine solche "
            "Abweichung für möglich hält, kann dort erst recht keine Wirkung ablesen.")
    if sentences:
        sentences.append(
            "Bruchpunkt M̄ (Rambachan und Roth 2023): Vergleicht man Jahr für Jahr, um wie viel sich der Abstand "
            f"des Gebiets zur übrigen Stadt vor {baseline} verändert hat, ist die größte dieser Veränderungen das "
            f"Maß. M̄ ist das Vielfache davon, um das sich der Abstand nach {baseline} auch ohne Programm von Jahr "
            "zu Jahr hätte verändern dürfen, ohne dass das Ergebnis kippt. Ein M̄ unter 1 heißt: schon eine "
            "Schwankung wie vor dem Programm könnte das Ergebnis erklären.")
    missing = public.loc[public["breakdown_missing"], "label"].tolist()
    if missing:
        sentences.append(
            f"**Trendannahme:** Für {', '.join(missing)} lässt sich kein Bruchpunkt berechnen: dafür braucht es "
            f"mindestens zwei Jahre vor {baseline} und eines danach sowie genug {base.plural} mit voneinander "
            "unabhängigen Verläufen (mindestens fünf und mindestens so viele wie Jahre).")
    return sentences
