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
    SozialindexMethod,
    area_scores,
    area_stadtteile,
    compute_sozialindex,
    load_sozialindex_config,
    missing_indicators,
)
from ..analysis.sozialindex_sensitivity import sozialindex_sensitivity
from ..errors import AnalysisError, ConfigurationError
from ..render import maps, text
from ..render import formatting as fmt
from ..render.charts.positions import StatusDynamicsScatter
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import INDEX_WITHHELD, composite_withheld, count, masked, public_index, published_rank
from .base import RUN_BASICS, ReportContent

GUARD = "_z_guard"
"""Hidden helper column: 1 in rows whose index, class and z-values are withheld (threshold 2 hides them)."""
INDEX_COMPOSITES = ("status_combined", "status_index", "status_class", "status_code", "status_label",
                    "dynamics_combined", "dynamics_index", "dynamics_class", "dynamics_code", "dynamics_label",
                    "combined_code", "combined_label")
"""Columns of the index table built from a unit's counts (besides its values and z-values per indicator)."""


def withheld_note(units: str) -> str:
    """The note under every table that withholds the index of units (see :meth:`SozialindexReport.stadtteil_frame`),
    ``units`` the city's lowest level in the plural ("Stadtteile", from ``raumbezug.yml``)."""
    return (f"{units} mit einem Eingangswert unter der Veröffentlichungsschwelle erhalten keinen veröffentlichten "
            "Index, keine Klasse und keine z-Werte (•), ebenso so viele weitere, dass sich kein solcher Wert aus den "
            "veröffentlichten zurückrechnen lässt; sie bleiben in der Standardisierung.")


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


class SozialindexReport(ReportContent):
    """Everything the report "Sozialindex" of one year needs."""

    notebook = "sozialindex"
    report = "Sozialindex"
    scope = "programme"
    needs_areas = False
    variable = "index"
    parameter_files = (*ReportContent.parameter_files, "sozialindex.yml")
    parameter_keys = ("areas.yml", "indicators.yml", "raumbezug.yml", *RUN_BASICS, "sozialindex.yml")
    reads_workbooks = False
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
        self.index: Sozialindex = self.memo(
            "sozialindex", lambda: compute_sozialindex(ds, chosen, settings, method_id, self._withheld_rule(settings)),
            method_id, repr(settings))

    def place_name(self) -> str:
        """"Alle Kölner Stadtteile": every unit of the city's lowest level (``raumbezug.yml``)."""
        return f"Alle {self.ds.spatial.of_city(self.ds.spatial.base.plural)}"

    # ------------------------------------------------------------------ helpers
    @property
    def method_settings(self):
        return self.index.method

    def _indicators(self):
        return [self.ds.catalogue.indicator(i) for i in self.method_settings.status_ids]

    def _withheld_rule(self, method: SozialindexMethod):
        """Disclosure control's rule for a unit's input counts, for a method that leaves such units out of the
        standardisation (``withheld_inputs: exclude``)."""
        return lambda counts: composite_withheld(counts, self._inputs(method))

    def _inputs(self, method: SozialindexMethod | None = None) -> list[Col]:
        """The counts a unit's index is built from, as disclosure columns with their thresholds: numerator and
        denominator of every index indicator in the report year, and of every dynamics indicator in the base year
        (of ``method``, by default the report's)."""
        catalogue = self.ds.catalogue
        method = method or self.method_settings
        columns = []
        for indicator in [catalogue.indicator(i) for i in method.status_ids]:
            years = ("", "0") if indicator.id in method.dynamics_ids else ("",)
            for year in years:
                columns += [Col(f"n{year}_{indicator.id}", indicator.name, "count",
                                threshold=catalogue.threshold(indicator), show=False),
                            Col(f"d{year}_{indicator.id}", indicator.name, "count",
                                threshold=catalogue.denominator_threshold(indicator), show=False)]
        return columns

    def _preference(self, table: pd.DataFrame) -> pd.Series:
        """Which published units to withhold first to protect a withheld one (ascending): units in no programme area
        (their values are published nowhere else in the reports) before those in one, each by the relative size of
        its smallest input count (the least information lost, as the secondary suppression of tables does)."""
        relative = pd.concat([pd.to_numeric(table[c.key], errors="coerce") / float(c.threshold or 1)
                              for c in self._inputs() if c.key in table and c.key.startswith("n")], axis=1).min(axis=1)
        in_area = (table["coverage"] != "").astype(float)
        return in_area + 0.5 * relative.rank(pct=True).fillna(1.0)

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

    def _known(self, table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per unit and z-column: whether the value is published in another report even if the unit's index is
        withheld (known), and whether it rests on a withheld count itself (secret). The values of a Stadtteil in a
        programme area are published (the area's Sozialraumgebietsanalyse shows them per Stadtteil, and an area of
        one Stadtteil is that Stadtteil), except those on a withheld count."""
        in_area = table["coverage"] != ""
        known, secret = {}, {}
        for indicator in self.method_settings.status_ids:
            small = {year: composite_withheld(table, [c for c in self._inputs()
                                                      if c.key in (f"n{year}_{indicator}", f"d{year}_{indicator}")])
                     for year in ("", "0")}
            secret[f"z_{indicator}"] = small[""]
            secret[f"dz_{indicator}"] = small[""] | small["0"]
            known[f"z_{indicator}"] = in_area & ~secret[f"z_{indicator}"]
            known[f"dz_{indicator}"] = in_area & ~secret[f"dz_{indicator}"]
        return pd.DataFrame(known, index=table.index), pd.DataFrame(secret, index=table.index)

    def stadtteil_frame(self) -> pd.DataFrame:
        """The index table as it may be published, in report order (most disadvantaged first), with areas.

        The statistics offices' rule (:func:`~veedel_lib.render.disclosure.public_index`): a Stadtteil with an input
        count from 1 to below its threshold, and the Stadtteile withheld to protect it, get no index, no class and no
        z-value (NaN, ""; ``GUARD`` 1, ``note`` says why). They stay in the standardisation (the means and standard
        deviations are those of all rated Stadtteile). Memoised: every section and report uses the same frame.
        """
        return self.memo("public_index", self._public_frame, self.method_id, repr(self.method_settings)).copy()

    def _public_frame(self) -> pd.DataFrame:
        table = self.index.table.copy()
        # as text columns: without any area the mapped values are all missing (float), which pandas 4 will not
        # fill with text
        table["areas"] = table.index.map(self._areas_of_stadtteile()).astype(object).fillna("")
        table["coverage"] = table.index.map(self._coverage()).astype(object).fillna("")
        ids = self.method_settings.status_ids
        composites = [*INDEX_COMPOSITES, *(f"{p}_{i}" for i in ids for p in ("z", "dz", "value", "change"))]
        standardised = [[*(f"z_{i}" for i in ids), "status_index"],
                        [*(f"dz_{i}" for i in self.method_settings.dynamics_ids), "dynamics_index"]]
        known, secret = self._known(table)
        public = public_index(table, self._inputs(), composites, standardised, self._preference(table), known, secret)
        table = public.frame
        table[GUARD] = public.withheld.astype(int)
        table["withheld"] = public.withheld
        table["note"] = table["reason"].where(~public.withheld, INDEX_WITHHELD)
        table = table.sort_values(["qualifies", "status_index"], ascending=[False, False], na_position="last")
        return table.reset_index()

    def map_frame(self) -> pd.DataFrame:
        """Per Stadtteil (number as int): status/dynamics index, class code and label, combined class, as published
        (withheld: NaN and "", ``withheld`` True), in the order of the index table.

        For a choropleth of the status classes (e.g. with ``veedel_lib.render.maps``).
        """
        table = self.stadtteil_frame().set_index("stadtteil").reindex(self.index.table.index)
        return table[["nr", "name", "status_index", "status_code", "status_label", "dynamics_index",
                      "dynamics_code", "dynamics_label", "combined_code", "withheld"]].reset_index(drop=True)

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
        base = self.ds.spatial.base
        weighting = (f"ungewichtet, {base.phrase('every')} zählt gleich" if m.weighting == "none"
                     else "nach Einwohnerzahl gewichtet")
        combine = "Summe" if m.combine == "sum" else "Mittelwert"
        lines = [f"**Hinweis:** {note}\n" for note in self.notes] + [
            f"Verfahren: **{m.label}**. {m.description}",
            "",
            f"- Jeder Indikator wird je {base.name} aus summierten Zählwerten berechnet und über die "
            f"{len(index.qualifying)} bewerteten {base.plural} z-standardisiert ({weighting}; Standardabweichung "
            f"{'der Grundgesamtheit' if m.ddof == 0 else 'der Stichprobe'}). Ein positiver z-Wert heißt: "
            f"ungünstiger als {base.article()} durchschnittliche {base.name}.",
            f"- **Status-Index {self.year}:** {combine} der z-Werte"
            + (", erneut standardisiert." if m.restandardise else " (nicht erneut standardisiert)."),
            f"- **Dynamik-Index:** dieselben Schritte für die Veränderung der Indikatorwerte von "
            f"{index.base_year} bis {self.year} ({m.dynamics_years} Jahre).",
            f"- Bewertet werden {base.plural} mit mindestens {fmt.integer(m.min_population)} Einwohner*innen"
            + (f", ohne die ausgenommenen {base.plural} {fmt.join(map(str, m.excluded))}"
               if m.excluded else "") + " und mit Werten für alle Indikatoren"
            + (f"; nicht bewertet werden {base.plural}, bei denen eine Zahl, aus der ihr Index berechnet wird, unter "
               "der Veröffentlichungsschwelle liegt." if m.withheld_inputs == "exclude" else "."),
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
            Col("mean", f"Mittelwert der {base.plural}", "rate", unit="unit"),
            Col("sd", "Standardabweichung (Punkte)", "number"),
        ], note=f"Mittelwert und Standardabweichung über die bewerteten {base.plural} (Grundlage der z-Werte).")
        classes = []
        for kind, scheme in (("Status", m.status_classes), ("Dynamik", m.dynamics_classes)):
            for option, words in zip(scheme.classes, class_ranges(scheme)):
                classes.append({"kind": kind, "label": option.label, "code": option.code, "range": words})
        class_table = TableBlock("klassen", "Klassen nach Standardabweichungen", pd.DataFrame(classes), [
            Col("kind", "Index"), Col("label", "Klasse"), Col("code", "Kennung"), Col("range", "Indexwert"),
        ], note="Die Gesamtklasse verbindet die Kennung des Status mit der der Dynamik, z. B. „2-“ = mittlerer "
                "Status, negative Dynamik.")
        intro = TextBlock(f"Der Sozialindex ordnet alle {self.ds.spatial.of_city(base.plural)} nach ihrer sozialen "
                          f"Lage (Status) und deren Veränderung (Dynamik) ein. Jeder Indikator wird über die "
                          f"{base.plural} standardisiert; die Klassen ergeben sich aus dem Abstand zum Mittel in "
                          "Standardabweichungen, wie im Monitoring Soziale Stadtentwicklung in Berlin und Hamburg.")
        return [intro, TextBlock("\n".join(lines)), indicators, class_table]

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
        base, profile = self.ds.spatial.base, self.ds.spatial.profile
        area = profile.area
        rated = int(qualifying["status_index"].notna().sum())  # a unit whose index is withheld is not rated here
        summary = (f"{self.year} sind {rated} von {len(frame)} {base.dative_plural_name} bewertet. "
                   f"{len(weak)} haben einen Status {quoted(self._weak_labels())}, "
                   f"{len(in_programme)} davon gehören ganz oder teilweise zu einem der "
                   f"{profile.areas(len(self.ds.areas.ids))}. "
                   f"{len(falling)} {base.plural} entwickeln sich seit {self.index.base_year} "
                   f"{quoted(self._falling_labels())}, {len(both)} davon bei bereits ungünstigem Status"
                   + (f" ({fmt.join(both['label'].tolist())})." if 0 < len(both) <= 8 else "."))
        unrated = frame[~frame["qualifies"]]
        if len(unrated):
            summary += " Nicht bewertet: " + "; ".join(f"{r['label']} ({r['reason']})" for _, r in unrated.iterrows()) + "."
        summary += self._withheld_sentence(frame)
        scatter = StatusDynamicsScatter(
            m.status_classes.thresholds, [c.label for c in m.status_classes.classes], m.dynamics_classes.thresholds,
            [c.label for c in m.dynamics_classes.classes], self.year, self.index.base_year,
            city_units=self.ds.spatial.of_city(base.plural), units=base, area=area, guard=GUARD)
        chart = scatter.plot(frame[list(scatter.declared()["data"])])
        chart_block = ChartBlock("sozialindex_grafik", chart, guard + [
            Col("label", base.name),
            Col("status_index", "Status-Index", "number", decimals=2, based_on=(GUARD,)),
            Col("status_label", "Status", based_on=(GUARD,)),
            Col("dynamics_index", "Dynamik-Index", "number", decimals=2, based_on=(GUARD,)),
            Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            Col("areas", area.name),
        ])
        main = TableBlock("sozialindex", f"Sozialindex {self.year}: alle {base.plural}", frame, guard + [
            Col("label", base.name),
            Col("status_index", "Status-Index", "number", decimals=2, based_on=(GUARD,)),
            Col("status_label", "Status", based_on=(GUARD,)),
            Col("dynamics_index", f"Dynamik-Index seit {self.index.base_year}", "number", decimals=2,
                based_on=(GUARD,)),
            Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            Col("combined_code", "Klasse", based_on=(GUARD,)),
            Col("areas", area.name),
            Col("note", "Hinweis"),
        ], note=f"Sortiert vom höchsten Status-Index (stärkste Benachteiligung) an. {base.plural}, die nur teilweise "
                f"zu {area.phrase('a', 'dat')} gehören, sind mit ihren Werten für "
                f"{text.with_adjective(base, 'ganz', 'the', 'acc')} aufgeführt. " + withheld_note(base.plural))
        z_columns = [Col("label", base.name)] + [
            Col(f"z_{i.id}", i.name, "number", decimals=2, based_on=(GUARD,)) for i in self._indicators()]
        z_table = TableBlock("sozialindex_z_werte", f"z-Werte der Indexindikatoren {self.year}", frame,
                             z_columns + guard,
                             note=f"z-Wert: Abstand vom Mittelwert der {base.plural} in Standardabweichungen, "
                                  "positiv = ungünstiger. " + withheld_note(base.plural) + self._published_note())
        return [TextBlock(summary), chart_block, main, z_table]

    def _published_note(self) -> str:
        """" Kinderarmut: veröffentlichter Anteil, ohne Zähler/Nenner." for each index indicator whose values are
        (somewhere) the city's published rate (a value without a numerator count); "" when none is."""
        table = self.index.table
        published = [i.name for i in self._indicators()
                     if (table[f"value_{i.id}"].notna() & table[f"n_{i.id}"].isna()).any()]
        changed = [self.ds.catalogue.indicator(i.id).name for i in self.method_settings.indicators
                   if i.change and (table[f"change_{i.id}"].notna() & table[f"n0_{i.id}"].isna()).any()]
        return ("".join(f" {name}: veröffentlichter Anteil, ohne Zähler/Nenner." for name in published)
                + "".join(f" Dynamik von {name}: von der Stadt veröffentlichte Veränderung." for name in changed))

    def _withheld_sentence(self, frame: pd.DataFrame) -> str:
        """The sentence naming the Stadtteile whose index and class are withheld ("" when none is)."""
        withheld = frame[frame["withheld"]]
        if withheld.empty:
            return ""
        return (f" {INDEX_WITHHELD.split(':')[0]} für {fmt.join(withheld['label'].tolist())}: "
                f"{INDEX_WITHHELD.split(':', 1)[1].strip()}.")

    def class_table(self) -> list[Block]:
        """How many Stadtteile fall into each combination of status and dynamics class."""
        cross = self._published_crosstab()
        frame = cross.reset_index().rename(columns={"status_label": "status"})
        frame.columns.name = None
        frame["total"] = cross.sum(axis=1).to_numpy()
        total = {"status": "zusammen", **{c: int(cross[c].sum()) for c in cross.columns}, "total": int(cross.to_numpy().sum())}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        columns = [Col("status", "Status \\ Dynamik")] + [
            Col(c, c, "integer") for c in cross.columns] + [Col("total", "zusammen", "integer")]
        largest = cross.stack().idxmax()
        units = self.ds.spatial.base.plural
        sentence = (f"Die meisten {units} ({int(cross.stack().max())}) haben den Status „{largest[0]}“ und die "
                    f"Dynamik „{largest[1]}“. Die Tabelle zählt {units}, nicht Menschen.")
        withheld = int(self.stadtteil_frame()["withheld"].sum())
        note = f"Nur bewertete {units} mit veröffentlichtem Status und veröffentlichter Dynamik." + (
            f" Ohne {withheld} {units}, deren Index und Klasse nicht veröffentlicht sind (Geheimhaltung)."
            if withheld else "")
        return [TableBlock("klassen_kreuztabelle", f"{units} nach Status und Dynamik {self.year}", frame, columns,
                           note=note), TextBlock(sentence)]

    def _published_crosstab(self) -> pd.DataFrame:
        """Number of Stadtteile per status class (rows) and dynamics class (columns), over the published classes
        only: counting a withheld Stadtteil would give its class back (the table minus the published classes)."""
        rows = [c.label for c in self.method_settings.status_classes.classes]
        columns = [c.label for c in self.method_settings.dynamics_classes.classes]
        data = self.stadtteil_frame()
        data = data[data["qualifies"] & (data["status_label"] != "") & (data["dynamics_label"] != "")]
        return pd.crosstab(data["status_label"], data["dynamics_label"]).reindex(index=rows, columns=columns,
                                                                                 fill_value=0)

    def area_frame(self) -> pd.DataFrame:
        """Each Sozialraumgebiet's index and classes as they may be published (withheld where counts are small)."""
        scores = area_scores(self.ds, self.index)
        scores[GUARD] = self._area_guard(scores).astype(int)
        return masked(scores, AREA_COLUMNS)

    def areas(self) -> list[Block]:
        """Each Sozialraumgebiet on the Stadtteile's scale, and the classes of its Stadtteile (a sentence instead when
        ``areas.yml`` lists none)."""
        base, area = self.ds.spatial.base, self.ds.spatial.profile.area
        if not self.ds.areas.ids:
            return [TextBlock(f"Es ist {area.phrase('no')} konfiguriert (areas.yml: areas: []); der Sozialindex "
                              "ordnet hier nur die Einheiten der Stadt ein.")]
        scores = self.area_frame()
        parts = self._public_parts()
        weak = self._weak_labels()
        weak_areas = scores[scores["status_label"].isin(weak)]
        falling = weak_areas[weak_areas["dynamics_label"].isin(self._falling_labels())]
        sentence = (f"Als Ganzes auf der Skala der {base.plural} eingeordnet, haben {len(weak_areas)} der "
                    f"{len(scores)} {area.plural} {self.year} einen Status {quoted(weak)}")
        sentence += (f"; bei {len(falling)} von ihnen ist auch die Dynamik {quoted(self._falling_labels())} "
                     f"({fmt.join(falling['name'].tolist())})." if len(falling) else ".")
        area_table = TableBlock("sozialraumgebiete", f"Die {self.ds.spatial.profile.areas(len(scores))} im Sozialindex "
                                                     f"{self.year}", scores, [
            Col(GUARD, "Schutz", "count", threshold=2, show=False),
            Col("name", area.name),
            Col("status_index", "Status-Index", "number", decimals=2, based_on=(GUARD,)),
            Col("status_label", "Status", based_on=(GUARD,)),
            Col("dynamics_index", f"Dynamik-Index seit {self.index.base_year}", "number", decimals=2,
                based_on=(GUARD,)),
            Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            Col("combined_code", "Klasse", based_on=(GUARD,)),
        ], note="Werte der Gebiete aus ihren summierten Zählwerten, standardisiert mit Mittelwert und "
                f"Standardabweichung der {base.plural}; die Gebiete verändern die Skala nicht. Gebiete mit Zahlen "
                "unter der Veröffentlichungsschwelle erhalten keinen veröffentlichten Wert.")
        parts_table = TableBlock("stadtteile_der_gebiete", f"{base.plural} der {area.plural} {self.year}", parts, [
            Col(GUARD, "Schutz", "count", threshold=2, show=False),
            Col("area", area.name),
            Col("name", base.name),
            Col("coverage", "gehört zum Gebiet"),
            Col("status_label", "Status", based_on=(GUARD,)),
            Col("dynamics_label", "Dynamik", based_on=(GUARD,)),
            Col("combined_code", "Klasse", based_on=(GUARD,)),
        ], note=f"„teilweise“: nur ein Teil {base.phrase('the', 'gen')} gehört zum Gebiet; die Klasse gilt für "
                f"{text.with_adjective(base, 'ganz', 'the', 'acc')}."
                + (" " + withheld_note(base.plural) if parts[GUARD].any() else ""))
        intro = TextBlock(f"Wo die {self.ds.spatial.profile.areas(len(self.ds.areas.ids))} als Ganzes und mit ihren "
                          f"{base.dative_plural_name} stehen.")
        return [intro, TextBlock(sentence), area_table, parts_table] + self._map()

    def _public_parts(self) -> pd.DataFrame:
        """Each area's Stadtteile with their classes as published (:meth:`stadtteil_frame`)."""
        parts = area_stadtteile(self.ds, self.index)
        public = self.stadtteil_frame().set_index("stadtteil")
        published = ("status_index", "dynamics_index", "status_label", "dynamics_label", "combined_code")
        for column in published:
            parts[column] = parts["stadtteil"].map(public[column])
        parts["reason"] = parts["stadtteil"].map(public["note"]).fillna(parts["reason"])
        parts[GUARD] = parts["stadtteil"].map(public[GUARD]).fillna(0).astype(int)
        for column in published[2:]:
            parts[column] = parts[column].fillna("")
        return parts

    def _area_guard(self, scores: pd.DataFrame) -> pd.Series:
        """True for areas whose index rests on a count from 1 to below its threshold (numerator or denominator, in
        the report year or the dynamics' base year), and for an area that is exactly one Stadtteil whose index is
        withheld (its index would be that Stadtteil's)."""
        small = composite_withheld(scores, self._inputs())
        withheld = set(self.stadtteil_frame().query("withheld")["stadtteil"])
        for position, area_id in scores["area_id"].items():
            area = self.ds.areas.get(area_id)
            alone = not area.partial and not area.units and len(area.stadtteile) == 1
            if alone and str(area.stadtteile[0]) in withheld:
                small[position] = True
        return small

    def _map(self) -> list[Block]:
        """Status classes of all Stadtteile on a map, the Stadtteile of the programme's areas outlined."""
        boundaries = maps.boundaries_for(self.ds.data_dir, self.ds.is_demo, self.ds.spatial.profile.map_source)
        if boundaries is None:
            return []
        frame = self.map_frame()
        categories = [c.label for c in self.method_settings.status_classes.classes]
        frame = pd.DataFrame({"stadtteil": frame["nr"].astype(str), "name": frame["name"],
                              "value": frame["status_index"], "category": frame["status_label"],
                              GUARD: frame["withheld"].astype(bool).astype(int)})
        whole, partial = self.ds.areas.programme_stadtteile()
        base = self.ds.spatial.base
        chart = maps.Choropleth(boundaries, title=f"Status der {base.plural} {self.year}", unit="index",
                                outline=whole, area_name=f"{base.plural} der {len(self.ds.areas.ids)} Gebiete",
                                categories=categories, partial=partial,
                                city_units=self.ds.spatial.of_city(base.plural), units=base,
                                districts=self.ds.spatial.top.plural, counts={GUARD: count(2)}).plot(frame)
        return [ChartBlock("status_karte", chart, [
            Col("label", base.name), Col("value", "Statusindex", "number"), Col("class", "Statusklasse"),
            Col("in_area", "in einem Gebiet")])]

    def sensitivity(self) -> list[Block]:
        """How stable each Stadtteil's status class is: variants of the method and the data's sampling noise
        (:mod:`~veedel_lib.analysis.sozialindex_sensitivity`), and how closely the index indicators correlate."""
        settings = self.config.sensitivity
        result = self.memo("sensitivity", lambda: sozialindex_sensitivity(self.ds, self.index, settings),
                           self.method_id, repr(self.method_settings), repr(settings))
        base = self.ds.spatial.base
        table, correlations, warnings = self._published_sensitivity(result)
        table = table.sort_values(["stable_share", "rank"], kind="stable")
        rated = int(table["rank"].notna().sum())
        unstable = table[table["unstable"]].sort_values("rank")
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
            Col(GUARD, "Schutz", "count", threshold=2, show=False),
            Col("label", base.name), Col("status_label", "Status", based_on=(GUARD,)),
            *(Col(key, header, "number", decimals=0, based_on=(GUARD,)) for key, header in (
                ("stable_share", "Klasse stabil in % der Varianten"),
                ("method_share", "davon Verfahrensvarianten (%)"), ("bootstrap_share", "davon Bootstrap (%)"))),
            *(Col(key, header, "integer", based_on=(GUARD,)) for key, header in (
                ("rank", "Rang"), ("rank_low", "Rangintervall von"), ("rank_high", "bis"))),
        ]
        stability = TableBlock("sozialindex_sensitivitaet", f"Stabilität der Statusklassen {self.year}",
                               table.reset_index(drop=True), columns,
                               note=f"Unsicher: Klasse in weniger als {share} % der Varianten dieselbe. Sortiert "
                                    f"von der unsichersten Klasse an. Rang unter den {base.dative_plural_name} mit "
                                    "veröffentlichtem Index."
                                    + (" " + withheld_note(base.plural) if table[GUARD].any() else ""))
        names = {i.id: i.name for i in self._indicators()}
        ids = list(correlations.columns)
        frame = correlations.rename(columns=names).reset_index(drop=True)
        frame.insert(0, "indicator", [names[i] for i in ids])
        correlation = TableBlock("sozialindex_korrelationen", f"Korrelationen der Indexindikatoren {self.year}",
                                 frame, [Col("indicator", "Indikator")] + [
                                     Col(names[i], names[i], "number", decimals=2) for i in ids],
                                 note=f"Pearson-Korrelation über die bewerteten {base.plural} mit veröffentlichten "
                                      "z-Werten, alle Indikatoren so gerichtet, dass ein höherer Wert mehr "
                                      "Benachteiligung bedeutet.")
        limit = fmt.number(settings.correlation_warning, 2)
        if warnings:
            pairs = [f"{names[a]} und {names[b]} ({fmt.number(r, 2)})" for a, b, r in warnings]
            one = len(pairs) == 1
            notes = [f"> **Warnung:** {'Ein Paar' if one else f'{len(pairs)} Paare'} der Indexindikatoren "
                     f"{'hängt' if one else 'hängen'} enger zusammen als r = ±{limit}: {'; '.join(pairs)}. "
                     f"Eng zusammenhängende Indikatoren messen zum Teil dasselbe; dieses Merkmal zählt im Index "
                     "dann mehrfach."]
        else:
            notes = [f"Kein Paar der Indexindikatoren ist enger als r = ±{limit} korreliert."]
        return [TextBlock(summary), stability, correlation, TextBlock("\n\n".join(notes))]

    def _published_sensitivity(self, result) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple[str, str, float]]]:
        """The stability table, correlations and correlation warnings as they may be published.

        Withheld Stadtteile get no class, share or rank, the others their rank among the published indexes (a rank
        among all would leave a gap that places the withheld index between two published ones), and the
        correlations are those of the published z-values (over all rated Stadtteile they would add equations in the
        withheld ones: the correlation of two z-columns is the mean of their products).
        """
        public = self.stadtteil_frame().set_index("stadtteil")
        table = result.table.copy()
        withheld = public["withheld"].reindex(table.index, fill_value=False).astype(bool)
        table[GUARD] = withheld.astype(int)
        table["rank"] = published_rank(public["status_index"].reindex(table.index), withheld).astype("Int64")
        for column in ("stable_share", "method_share", "bootstrap_share"):
            table[column] = table[column].astype(float).mask(withheld)
        for column in ("rank_low", "rank_high"):
            table[column] = table[column].astype("Int64").mask(withheld)
        table["status_label"] = table["status_label"].mask(withheld, "")
        table["unstable"] = table["unstable"] & ~withheld
        ids = list(result.correlations.columns)
        signs = self.method_settings.signs(self.ds.catalogue)
        shown = public[public["qualifies"] & ~public["withheld"]]
        correlations = pd.DataFrame({i: shown[f"value_{i}"] * signs[i] for i in ids}).corr()
        limit = self.config.sensitivity.correlation_warning
        warnings = [(a, b, float(correlations.at[a, b])) for n, a in enumerate(ids) for b in ids[n + 1:]
                    if abs(correlations.at[a, b]) > limit]
        return table.reset_index(drop=True), correlations, warnings

    def _disclosure_note(self) -> str:
        """The method note on the Stadtteile whose index is withheld, for the method's ``withheld_inputs``."""
        base, area = self.ds.spatial.base, self.ds.spatial.profile.area
        note = (f"- **Geheimhaltung:** {fmt.sentence_start(base.phrase('a'))}, bei {base.article('the', 'dat')} eine "
                f"Zahl, aus der {text.pronoun(base, 'possessive')} Index berechnet wird (Zähler oder "
                "Nenner eines Indexindikators im Berichtsjahr oder im Vergleichsjahr der Dynamik), unter der "
                "Veröffentlichungsschwelle liegt, erhält wie in der amtlichen Statistik keinen veröffentlichten "
                "Index, keine Klasse und keine z-Werte. ")
        if self.method_settings.withheld_inputs == "exclude":
            return note + (f"Nach dem Verfahren wird {text.pronoun(base)} nicht bewertet und geht in keinen "
                           "Mittelwert und keine Standardabweichung ein; aus den veröffentlichten Werten lässt sich "
                           f"über {text.pronoun(base, 'acc')} nichts zurückrechnen.")
        return note + (
            f"{fmt.sentence_start(text.pronoun(base))} bleibt in der Standardisierung: Mittelwerte und "
            f"Standardabweichungen sind die aller bewerteten {base.plural}. Weil die z-Werte jedes Indikators (und "
            f"die Indexwerte) über die bewerteten {base.plural} zusammen null ergeben und ihre Quadrate zusammen die "
            f"Zahl der {base.plural}, ließen sich bis zu drei fehlende Werte eines Indikators aus den "
            "veröffentlichten zurückrechnen (der dritte mit der entsprechenden Gleichung des Index). Deshalb fehlen, "
            f"wenn {base.phrase('a')} betroffen ist, in jeder Spalte mindestens vier Werte, die auch kein anderer "
            "Bericht nennt, und so verschiedene, dass der verborgene Wert mindestens eine Standardabweichung "
            f"Spielraum behält; dafür erhalten weitere {base.plural} keinen veröffentlichten Index (vorzugsweise "
            f"{base.plural} außerhalb der {area.plural}, deren Werte kein Bericht zeigt). Korrelationen, Ränge und "
            f"die Zahl der {base.plural} je Klasse beziehen sich nur auf {base.plural} mit veröffentlichtem Index.")

    def method_notes(self) -> list[Block]:
        """Sources, limits, and how robust the classes are against the other configured method(s)."""
        sources = sorted({i.source for i in self._indicators()})
        base, area = self.ds.spatial.base, self.ds.spatial.profile.area
        lines = [
            f"- **Lesart:** Der Index ordnet {base.plural} relativ zueinander ein. Ein „mittlerer“ Status heißt nicht, "
            "dass es keine Benachteiligung gibt, und eine Klasse sagt nichts über einzelne Straßenzüge.",
            f"- **Teilgebiete:** {area.plural}, die {base.plural} nur teilweise umfassen, können vom {base.name}wert "
            f"abweichen; der Gebietswert steht in der Tabelle der {area.plural}.",
            f"- **Dynamik:** Veränderungen über wenige Jahre schwanken in kleinen {base.dative_plural_name} stärker; "
            "eine einzelne „negative“ Dynamik ist ein Hinweis, kein Befund.",
            self._disclosure_note(),
            f"- **Quellen:** {text.sources_sentence(sources)}.",
        ]
        for other_id, other in self.config.methods.items():
            if other_id == self.method_id:
                continue
            try:
                alternative = compute_sozialindex(self.ds, self.year, other, other_id, self._withheld_rule(other))
            except AnalysisError as exc:
                lines.append(f"- **Vergleich mit „{other.label}“:** nicht berechenbar ({exc}).")
                continue
            mine = self.stadtteil_frame().set_index("stadtteil")["status_label"]  # published classes only
            theirs = alternative.table["status_label"].reindex(mine.index)
            rated = (mine != "") & (theirs != "")
            same = int((mine[rated] == theirs[rated]).sum())
            lines.append(f"- **Vergleich mit „{other.label}“:** {same} von {int(rated.sum())} "
                         f"{base.dative_plural_name} erhalten dort dieselbe Statusklasse.")
        return self.method_block(lines)
