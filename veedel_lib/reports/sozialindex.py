"""The content of the report "Sozialindex": status and dynamics of all Stadtteile, and where the 15 areas stand.

Like :mod:`veedel_lib.reports.sozialraumgebietsanalyse`, every section returns report blocks; the notebook
only shows them. The computation is in :mod:`veedel_lib.analysis.sozialindex`; the method and its thresholds
come from ``parameters/sozialindex.yml``. :meth:`SozialindexReport.map_frame` gives the classes per Stadtteil
for a choropleth map (:mod:`veedel_lib.render.maps`).
"""

from __future__ import annotations

import pandas as pd

from ..analysis.sozialindex import (
    FILE_NAME,
    ClassScheme,
    Sozialindex,
    SozialindexFile,
    area_scores,
    area_stadtteile,
    compute_sozialindex,
    load_sozialindex_config,
    missing_indicators,
)
from ..analysis.sozialindex_sensitivity import sozialindex_sensitivity
from ..errors import AnalysisError, ConfigurationError
from ..render import figures, maps, text
from ..render import formatting as fmt
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import masked
from .base import ReportContent

GUARD = "_z_guard"
"""Hidden helper column: 1 in rows whose single z-values must not be published (threshold 2 hides it)."""
AREA_COLUMNS = [Col(GUARD, "Schutz", "count", threshold=2, show=False)] + [
    Col(key, key, "number" if key.endswith("index") else "text", based_on=(GUARD,))
    for key in ("status_index", "status_label", "status_code", "dynamics_index", "dynamics_label", "dynamics_code",
                "combined_code")]
"""What of an area's place in the index is withheld when its counts are small (for sentences and tables)."""


def quoted(labels: list[str]) -> str:
    """Class names in German quotes, joined with "oder": „niedrig“ oder „sehr niedrig“."""
    return fmt.join([f"„{label}“" for label in labels], "oder")


def class_ranges(scheme: ClassScheme) -> list[str]:
    """The range of each class in words, following the rule "on a threshold = the class nearer to zero"."""
    def bound(t: float) -> str:
        return fmt.number(t, 1, signed=True)

    ranges = []
    edges = [None, *scheme.thresholds, None]
    for lower, upper in zip(edges, edges[1:]):
        parts = []
        if lower is not None:
            parts.append(f"ab {bound(lower)}" if lower < 0 else f"über {bound(lower)}")
        if upper is not None:
            parts.append(f"unter {bound(upper)}" if upper < 0 else f"bis {bound(upper)}")
        ranges.append(" ".join(parts))
    return ranges


def z_guard(counts: pd.DataFrame, thresholds: dict[str, int], qualifies: pd.Series) -> pd.Series:
    """1 for rows whose single z-values must be withheld, else 0 (the index itself stays public).

    A row is withheld when any of its index counts lies from 1 to below its publish threshold: its
    z-value would give the small count back. Then all z-values of the row are withheld (the index and
    the other z-values would give the missing one back), and because the z-values of a column sum to
    zero over the qualifying Stadtteile, a single withheld row could be recomputed from the others:
    then the row with the next smallest count relative to its threshold is withheld too.
    """
    relative = pd.DataFrame({c: counts[c] / thresholds[c] for c in counts.columns})
    small = ((counts > 0) & (relative < 1)).any(axis=1) & qualifies
    guard = small.astype(int)
    if int(guard.sum()) == 1:
        candidates = relative[qualifies & ~small].min(axis=1).dropna()
        if len(candidates):
            guard[candidates.idxmin()] = 1
    return guard


class SozialindexReport(ReportContent):
    """Everything the report "Sozialindex" of one year needs."""

    notebook = "sozialindex"
    report = "Sozialindex"
    scope = "programme"
    variable = "index"
    parameter_files = (*ReportContent.parameter_files, "sozialindex.yml")
    sections = ("method", "status_dynamics", "class_table", "areas", "sensitivity", "method_notes")

    def configure(self, method: str | None = None, **options) -> None:
        """``method``: a method of ``sozialindex.yml`` (None or "": the configured one, with its fallback)."""
        super().configure(**options)
        ds, chosen = self.ds, self.year
        config = load_sozialindex_config(self.parameters / FILE_NAME, ds.catalogue, ds.spatial)
        method_id = method or config.method
        if method_id not in config.methods:
            raise ConfigurationError(f"Unbekanntes Verfahren '{method_id}' (vorhanden: {', '.join(config.methods)})")
        notes = []
        lacking = missing_indicators(ds, chosen, config.methods[method_id])
        if lacking and not method and config.fallback:
            names = [ds.catalogue.indicator(i).name for i in lacking]
            notes.append(f"Den Daten fehlen für das eingestellte Verfahren „{config.methods[method_id].label}“ "
                         f"die Indikatoren {fmt.join(names)} (im Jahr {chosen} oder im Vergleichsjahr der Dynamik). "
                         f"Verwendet wird deshalb „{config.methods[config.fallback].label}“.")
            method_id = config.fallback
        self.config: SozialindexFile = config
        self.method_id = method_id
        self.notes: list[str] = notes
        settings = config.methods[method_id]
        self.index: Sozialindex = self.memo("sozialindex", lambda: compute_sozialindex(ds, chosen, settings, method_id),
                                            method_id, repr(settings))

    def place_name(self) -> str:
        return "Alle Kölner Stadtteile"

    # ------------------------------------------------------------------ helpers
    @property
    def method_settings(self):
        return self.index.method

    def _indicators(self):
        return [self.ds.catalogue.indicator(i) for i in self.method_settings.status_ids]

    def _thresholds(self) -> dict[str, int]:
        return {f"n_{i.id}": self.ds.catalogue.threshold(i) for i in self._indicators()}

    def _areas_of_stadtteile(self) -> dict[str, str]:
        """Stadtteil number -> names of the areas it belongs to (wholly or in part)."""
        names: dict[str, list[str]] = {}
        for area in self.ds.areas.areas:
            for number in area.stadtteil_numbers:
                names.setdefault(str(number), []).append(area.name)
        return {k: "; ".join(v) for k, v in names.items()}

    def _coverage(self) -> dict[str, str]:
        """Stadtteil number -> "ganz" if wholly in an area, else "teilweise" if partly in one."""
        coverage: dict[str, str] = {}
        for area in self.ds.areas.areas:
            for number in area.stadtteile:
                coverage[str(number)] = "ganz"
            for part in area.partial:
                coverage.setdefault(str(part.stadtteil), "teilweise")
        return coverage

    def stadtteil_frame(self) -> pd.DataFrame:
        """The index table in report order (most disadvantaged first), with areas and the z-guard."""
        table = self.index.table.copy()
        table["areas"] = table.index.map(self._areas_of_stadtteile()).fillna("")
        table["coverage"] = table.index.map(self._coverage()).fillna("")
        counts = table[[f"n_{i}" for i in self.method_settings.status_ids]]
        table[GUARD] = z_guard(counts, self._thresholds(), table["qualifies"])
        table = table.sort_values(["qualifies", "status_index"], ascending=[False, False], na_position="last")
        return table.reset_index()

    def map_frame(self) -> pd.DataFrame:
        """Per Stadtteil (number as int): status/dynamics index, class code and label, combined class.

        For a choropleth of the status classes (e.g. with ``veedel_lib.render.maps``); no counts, nothing to protect.
        """
        table = self.index.table
        return table[["nr", "name", "status_index", "status_code", "status_label", "dynamics_index",
                      "dynamics_code", "dynamics_label", "combined_code"]].reset_index(drop=True)

    def _weak_labels(self) -> list[str]:
        scheme = self.method_settings.status_classes
        return [c.label for c in scheme.classes[scheme.middle + 1:]]

    def _falling_labels(self) -> list[str]:
        scheme = self.method_settings.dynamics_classes
        return [c.label for c in scheme.classes[scheme.middle + 1:]]

    # ------------------------------------------------------------------ sections
    def method(self) -> list[Block]:
        """The method in words, its indicators with direction and spread, and the class thresholds."""
        m = self.method_settings
        index = self.index
        signs = m.signs(self.ds.catalogue)
        weighting = ("ungewichtet, jeder Stadtteil zählt gleich" if m.weighting == "none"
                     else "nach Einwohnerzahl gewichtet")
        combine = "Summe" if m.combine == "sum" else "Mittelwert"
        lines = [f"**Hinweis:** {note}\n" for note in self.notes] + [
            f"Verfahren: **{m.label}**. {m.description}",
            "",
            f"- Jeder Indikator wird je Stadtteil aus summierten Zählwerten berechnet und über die "
            f"{len(index.qualifying)} bewerteten Stadtteile z-standardisiert ({weighting}; Standardabweichung "
            f"{'der Grundgesamtheit' if m.ddof == 0 else 'der Stichprobe'}). Ein positiver z-Wert heißt: "
            f"ungünstiger als der durchschnittliche Stadtteil.",
            f"- **Status-Index {self.year}:** {combine} der z-Werte"
            + (", erneut standardisiert." if m.restandardise else " (nicht erneut standardisiert)."),
            f"- **Dynamik-Index:** dieselben Schritte für die Veränderung der Indikatorwerte von "
            f"{index.base_year} bis {self.year} ({m.dynamics_years} Jahre).",
            f"- Bewertet werden Stadtteile mit mindestens {fmt.integer(m.min_population)} Einwohner*innen"
            + (f", ohne die ausgenommenen Stadtteile {fmt.join(map(str, m.excluded))}"
               if m.excluded else "") + " und mit Werten für alle Indikatoren.",
        ]
        rows = []
        for indicator in self._indicators():
            key = indicator.id
            rows.append({
                "label": indicator.name,
                "direction": "höher = ungünstiger" if signs[key] == 1 else "höher = günstiger",
                "dynamics": "ja" if key in m.dynamics_ids else "nein",
                "mean": signs[key] * index.status.means[key],
                "sd": index.status.sds[key],
                "unit": indicator.unit,
            })
        indicators = TableBlock("indikatoren", f"Indexindikatoren {self.year}", pd.DataFrame(rows), [
            Col("label", "Indikator"),
            Col("direction", "Richtung"),
            Col("dynamics", "zählt zur Dynamik"),
            Col("mean", "Mittelwert der Stadtteile", "rate", unit="unit"),
            Col("sd", "Standardabweichung (Punkte)", "number"),
        ], note="Mittelwert und Standardabweichung über die bewerteten Stadtteile (Grundlage der z-Werte).")
        classes = []
        for kind, scheme in (("Status", m.status_classes), ("Dynamik", m.dynamics_classes)):
            for option, words in zip(scheme.classes, class_ranges(scheme)):
                classes.append({"kind": kind, "label": option.label, "code": option.code, "range": words})
        class_table = TableBlock("klassen", "Klassen nach Standardabweichungen", pd.DataFrame(classes), [
            Col("kind", "Index"), Col("label", "Klasse"), Col("code", "Kennung"), Col("range", "Indexwert"),
        ], note="Die Gesamtklasse verbindet die Kennung des Status mit der der Dynamik, z. B. „2-“ = mittlerer "
                "Status, negative Dynamik.")
        return [TextBlock("\n".join(lines)), indicators, class_table]

    def status_dynamics(self) -> list[Block]:
        """All Stadtteile: indices and classes, a scatter of status against dynamics, and the z-values."""
        frame = self.stadtteil_frame()
        m = self.method_settings
        guard = [Col(GUARD, "Schutz", "count", threshold=2, show=False)]
        qualifying = frame[frame["qualifies"]]
        weak = qualifying[qualifying["status_label"].isin(self._weak_labels())]
        falling = qualifying[qualifying["dynamics_label"].isin(self._falling_labels())]
        both = weak[weak["dynamics_label"].isin(self._falling_labels())]
        in_programme = weak[weak["coverage"] != ""]
        summary = (f"{self.year} sind {len(qualifying)} von {len(frame)} Stadtteilen bewertet. "
                   f"{len(weak)} haben einen Status {quoted(self._weak_labels())}, "
                   f"{len(in_programme)} davon gehören ganz oder teilweise zu einem der 15 Sozialraumgebiete. "
                   f"{len(falling)} Stadtteile entwickeln sich seit {self.index.base_year} "
                   f"{quoted(self._falling_labels())}, {len(both)} davon bei bereits ungünstigem Status"
                   + (f" ({fmt.join(both['label'].tolist())})." if 0 < len(both) <= 8 else "."))
        unrated = frame[~frame["qualifies"]]
        if len(unrated):
            summary += " Nicht bewertet: " + "; ".join(f"{r['label']} ({r['reason']})" for _, r in unrated.iterrows()) + "."
        chart = figures.status_dynamics_scatter(
            frame, m.status_classes.thresholds, [c.label for c in m.status_classes.classes],
            m.dynamics_classes.thresholds, [c.label for c in m.dynamics_classes.classes], self.year,
            self.index.base_year)
        chart_block = ChartBlock("sozialindex_grafik", chart, [
            Col("label", "Stadtteil"),
            Col("status_index", "Status-Index", "number", decimals=2),
            Col("status_label", "Status"),
            Col("dynamics_index", "Dynamik-Index", "number", decimals=2),
            Col("dynamics_label", "Dynamik"),
            Col("areas", "Sozialraumgebiet"),
        ])
        main = TableBlock("sozialindex", f"Sozialindex {self.year}: alle Stadtteile", frame, [
            Col("label", "Stadtteil"),
            Col("status_index", "Status-Index", "number", decimals=2),
            Col("status_label", "Status"),
            Col("dynamics_index", f"Dynamik-Index {self.index.base_year}–{self.year}", "number", decimals=2),
            Col("dynamics_label", "Dynamik"),
            Col("combined_code", "Klasse"),
            Col("areas", "Sozialraumgebiet"),
        ], note="Sortiert vom höchsten Status-Index (stärkste Benachteiligung) an. Stadtteile, die nur teilweise "
                "zu einem Sozialraumgebiet gehören, sind mit ihren Werten für den ganzen Stadtteil aufgeführt.")
        z_columns = [Col("label", "Stadtteil")] + [
            Col(f"z_{i.id}", i.name, "number", decimals=2, based_on=(GUARD,)) for i in self._indicators()]
        z_table = TableBlock("sozialindex_z_werte", f"z-Werte der Indexindikatoren {self.year}", frame,
                             z_columns + guard,
                             note="z-Wert: Abstand vom Mittelwert der Stadtteile in Standardabweichungen, positiv = "
                                  "ungünstiger. Einzelne z-Werte von Stadtteilen mit sehr kleinen Fallzahlen sind "
                                  "nicht veröffentlicht; ihr Index ist es.")
        return [TextBlock(summary), chart_block, main, z_table]

    def class_table(self) -> list[Block]:
        """How many Stadtteile fall into each combination of status and dynamics class."""
        cross = self.index.crosstab()
        frame = cross.reset_index().rename(columns={"status_label": "status"})
        frame.columns.name = None
        frame["total"] = cross.sum(axis=1).to_numpy()
        total = {"status": "zusammen", **{c: int(cross[c].sum()) for c in cross.columns}, "total": int(cross.to_numpy().sum())}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        columns = [Col("status", "Status \\ Dynamik")] + [
            Col(c, c, "integer") for c in cross.columns] + [Col("total", "zusammen", "integer")]
        largest = cross.stack().idxmax()
        text = (f"Die meisten Stadtteile ({int(cross.stack().max())}) haben den Status „{largest[0]}“ und die "
                f"Dynamik „{largest[1]}“. Die Tabelle zählt Stadtteile, nicht Menschen.")
        return [TableBlock("klassen_kreuztabelle", f"Stadtteile nach Status und Dynamik {self.year}", frame, columns,
                           note="Nur bewertete Stadtteile mit Status und Dynamik."), TextBlock(text)]

    def area_frame(self) -> pd.DataFrame:
        """Each Sozialraumgebiet's index and classes as they may be published (withheld where counts are small)."""
        scores = area_scores(self.ds, self.index)
        scores[GUARD] = self._area_guard(scores)
        return masked(scores, AREA_COLUMNS)

    def areas(self) -> list[Block]:
        """Each Sozialraumgebiet on the Stadtteile's scale, and the classes of its Stadtteile."""
        scores = self.area_frame()
        parts = area_stadtteile(self.ds, self.index)
        weak = self._weak_labels()
        weak_areas = scores[scores["status_label"].isin(weak)]
        falling = weak_areas[weak_areas["dynamics_label"].isin(self._falling_labels())]
        text = (f"Als Ganzes auf der Skala der Stadtteile eingeordnet, haben {len(weak_areas)} der {len(scores)} "
                f"Sozialraumgebiete {self.year} einen Status {quoted(weak)}")
        text += (f"; bei {len(falling)} von ihnen ist auch die Dynamik {quoted(self._falling_labels())} "
                 f"({fmt.join(falling['name'].tolist())})." if len(falling) else ".")
        area_table = TableBlock("sozialraumgebiete", f"Die 15 Sozialraumgebiete im Sozialindex {self.year}", scores, [
            Col(GUARD, "Schutz", "count", threshold=2, show=False),
            Col("name", "Sozialraumgebiet"),
            Col("status_index", "Status-Index", "number", decimals=2, based_on=(GUARD,)),
            Col("status_label", "Status", based_on=(GUARD,)),
            Col("dynamics_index", f"Dynamik-Index {self.index.base_year}–{self.year}", "number", decimals=2,
                based_on=(GUARD,)),
            Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            Col("combined_code", "Klasse", based_on=(GUARD,)),
        ], note="Werte der Gebiete aus ihren summierten Zählwerten, standardisiert mit Mittelwert und "
                "Standardabweichung der Stadtteile; die Gebiete verändern die Skala nicht. Gebiete mit Zahlen unter "
                "der Veröffentlichungsschwelle erhalten keinen veröffentlichten Wert.")
        parts_table = TableBlock("stadtteile_der_gebiete", f"Stadtteile der Sozialraumgebiete {self.year}", parts, [
            Col("area", "Sozialraumgebiet"),
            Col("name", "Stadtteil"),
            Col("coverage", "gehört zum Gebiet"),
            Col("status_label", "Status"),
            Col("dynamics_label", "Dynamik"),
            Col("combined_code", "Klasse"),
        ], note="„teilweise“: nur ein Teil des Stadtteils gehört zum Gebiet; die Klasse gilt für den ganzen Stadtteil.")
        return [TextBlock(text), area_table, parts_table] + self._map()

    def _area_guard(self, scores: pd.DataFrame) -> pd.Series:
        """1 for areas whose index rests on a count from 1 to below its threshold (numerator or denominator)."""
        small = pd.Series(False, index=scores.index)
        for indicator in self._indicators():
            for prefix, threshold in (("n_", self.ds.catalogue.threshold(indicator)),
                                      ("d_", self.ds.catalogue.denominator_threshold(indicator))):
                counts = scores[f"{prefix}{indicator.id}"]
                small |= (counts > 0) & (counts < threshold)
        return small.astype(int)

    def _map(self) -> list[Block]:
        """Status classes of all Stadtteile on a map, the Stadtteile of the 15 areas outlined."""
        boundaries = maps.boundaries_for(self.ds.data_dir, self.ds.is_demo)
        if boundaries is None:
            return []
        frame = self.map_frame()
        categories = [c.label for c in self.method_settings.status_classes.classes]
        frame = pd.DataFrame({"stadtteil": frame["nr"].astype(str), "name": frame["name"],
                              "value": frame["status_index"], "category": frame["status_label"]})
        whole, partial = self.ds.areas.programme_stadtteile()
        chart = maps.choropleth(frame, boundaries, title=f"Status der Stadtteile {self.year}", unit="index",
                                outline=whole, area_name="Stadtteile der 15 Gebiete",
                                categories=categories, partial=partial)
        return [ChartBlock("status_karte", chart, [
            Col("label", "Stadtteil"), Col("value", "Statusindex", "number"), Col("class", "Statusklasse"),
            Col("in_area", "in einem Gebiet")])]

    def sensitivity(self) -> list[Block]:
        """How stable each Stadtteil's status class is: variants of the method and the data's sampling noise
        (:mod:`~veedel_lib.analysis.sozialindex_sensitivity`), and how closely the index indicators correlate."""
        settings = self.config.sensitivity
        result = self.memo("sensitivity", lambda: sozialindex_sensitivity(self.ds, self.index, settings),
                           self.method_id, repr(self.method_settings), repr(settings))
        base = self.ds.spatial.base
        table = result.table.sort_values(["stable_share", "rank"], kind="stable")
        rated, unstable = len(table), result.unstable.sort_values("rank")
        left_out = [v for v in result.variants if v.id.startswith("ohne_")]
        weighted = self.method_settings.weighting == "population"
        share = fmt.number(settings.stable_share, 0)
        variants = ["mit dem veröffentlichten Verfahren"]
        if left_out:
            variants.append(f"{len(left_out)}-mal ohne je einen der Indexindikatoren")
        variants.append("ungewichtet statt nach Einwohnerzahl gewichtet standardisiert" if weighted
                        else "nach Einwohnerzahl gewichtet statt ungewichtet standardisiert")
        if settings.draws:
            variants.append(f"in {settings.draws} Ziehungen, in denen die Fallzahlen jedes {base.genitive_name} so "
                            "zufällig schwanken, wie es bei Zählungen dieser Größe zu erwarten ist (parametrischer "
                            "Bootstrap)")
        summary = (f"Wie sicher ist die Statusklasse eines {base.genitive_name}? Der Status-Index {self.year} ist "
                   f"in {len(result.variants)} Varianten neu berechnet: {fmt.join(variants)}. "
                   f"{rated - len(unstable)} von {rated} bewerteten {base.dative_plural_name} behalten ihre "
                   f"Statusklasse in mindestens {share} % der Varianten")
        if len(unstable):
            listed = [f"{row['label']} („{row['status_label']}“, {fmt.number(row['stable_share'], 0)} %, Rang "
                      f"{row['rank']}, Intervall {row['rank_low']}–{row['rank_high']})"
                      for _, row in unstable.head(12).iterrows()]
            more = f" und {len(unstable) - 12} weitere" if len(unstable) > 12 else ""
            summary += (f"; bei {len(unstable)} ist die Klasse unsicher: {'; '.join(listed)}{more}. Ihre Klasse "
                        "hängt an der Wahl des Verfahrens oder an wenigen Fällen und ist vorsichtig zu lesen.")
        else:
            summary += ", bei keinem ist die Klasse unsicher."
        low, high = settings.rank_interval
        summary += (f" Das Rangintervall (Rang 1 = stärkste Benachteiligung) reicht vom {fmt.number(low, 0)}. bis "
                    f"zum {fmt.number(high, 0)}. Perzentil der Ränge über die Ziehungen. Veröffentlicht bleibt das "
                    "Ergebnis des eingestellten Verfahrens.")
        columns = [
            Col("label", base.name), Col("status_label", "Status"),
            Col("stable_share", "Klasse stabil in % der Varianten", "number", decimals=0),
            Col("method_share", "davon Verfahrensvarianten (%)", "number", decimals=0),
            Col("bootstrap_share", "davon Bootstrap (%)", "number", decimals=0),
            Col("rank", "Rang", "integer"), Col("rank_low", "Rangintervall von", "integer"),
            Col("rank_high", "bis", "integer"),
        ]
        stability = TableBlock("sozialindex_sensitivitaet", f"Stabilität der Statusklassen {self.year}",
                               table.reset_index(drop=True), columns,
                               note=f"Unsicher: Klasse in weniger als {share} % der Varianten dieselbe. Sortiert "
                                    "von der unsichersten Klasse an.")
        names = {i.id: i.name for i in self._indicators()}
        ids = list(result.correlations.columns)
        frame = result.correlations.rename(columns=names).reset_index(drop=True)
        frame.insert(0, "indicator", [names[i] for i in ids])
        correlation = TableBlock("sozialindex_korrelationen", f"Korrelationen der Indexindikatoren {self.year}",
                                 frame, [Col("indicator", "Indikator")] + [
                                     Col(names[i], names[i], "number", decimals=2) for i in ids],
                                 note=f"Pearson-Korrelation über die bewerteten {base.plural}, alle Indikatoren so "
                                      "gerichtet, dass ein höherer Wert mehr Benachteiligung bedeutet.")
        limit = fmt.number(settings.correlation_warning, 2)
        if result.warnings:
            pairs = [f"{names[a]} und {names[b]} ({fmt.number(r, 2)})" for a, b, r in result.warnings]
            one = len(pairs) == 1
            notes = [f"> **Warnung:** {'Ein Paar' if one else f'{len(pairs)} Paare'} der Indexindikatoren "
                     f"{'hängt' if one else 'hängen'} enger zusammen als r = ±{limit}: {'; '.join(pairs)}. "
                     f"Eng zusammenhängende Indikatoren messen zum Teil dasselbe; dieses Merkmal zählt im Index "
                     "dann mehrfach."]
        else:
            notes = [f"Kein Paar der Indexindikatoren ist enger als r = ±{limit} korreliert."]
        return [TextBlock(summary), stability, correlation, TextBlock("\n\n".join(notes))]

    def method_notes(self) -> list[Block]:
        """Sources, limits, and how robust the classes are against the other configured method(s)."""
        sources = sorted({i.source for i in self._indicators()})
        lines = [
            "- **Lesart:** Der Index ordnet Stadtteile relativ zueinander ein. Ein „mittlerer“ Status heißt nicht, "
            "dass es keine Benachteiligung gibt, und eine Klasse sagt nichts über einzelne Straßenzüge.",
            "- **Teilgebiete:** Sozialraumgebiete, die Stadtteile nur teilweise umfassen, können vom Stadtteilwert "
            "abweichen; der Gebietswert steht in der Tabelle der Sozialraumgebiete.",
            "- **Dynamik:** Veränderungen über wenige Jahre schwanken in kleinen Stadtteilen stärker; eine einzelne "
            "„negative“ Dynamik ist ein Hinweis, kein Befund.",
            f"- **Quellen:** {text.sources_sentence(sources)}.",
        ]
        for other_id, other in self.config.methods.items():
            if other_id == self.method_id:
                continue
            try:
                alternative = compute_sozialindex(self.ds, self.year, other, other_id)
            except AnalysisError as exc:
                lines.append(f"- **Vergleich mit „{other.label}“:** nicht berechenbar ({exc}).")
                continue
            mine = self.index.table["status_label"]
            theirs = alternative.table["status_label"].reindex(mine.index)
            rated = (mine != "") & (theirs != "")
            same = int((mine[rated] == theirs[rated]).sum())
            lines.append(f"- **Vergleich mit „{other.label}“:** {same} von {int(rated.sum())} Stadtteilen erhalten "
                         f"dort dieselbe Statusklasse.")
        return self.method_block(lines)
