"""The content of the Sozialraumgebietsanalyse: one method per report section, each returning blocks.

The notebook stays thin: it opens an :class:`AreaAnalysis` and shows one section per cell. All numbers,
sentences and figures come from here, so the same content can be produced without a notebook (the
benchmark's floor and the tests do exactly that).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..analysis.comparison import compare_with_city, handlungsbedarfe
from ..analysis.indicators import CITY, aggregate, area_groups
from ..analysis.smoothing import smoothed_stadtteil_values
from ..analysis.trends import area_series, trend_table
from ..render import maps, text
from ..render.charts.positions import AgeStructure, RatioDots, StadtteilStrip
from ..render.charts.trends import TrendPanels
from ..render import formatting as fmt
from ..render.blocks import Block, ChartBlock, Col, TableBlock, TextBlock
from ..render.disclosure import basis, masked, public_comparison, rate_basis
from ..safe_output import CONTACT_MARK, Contact, without_contacts
from .base import OWN_AREA, RUN_BASICS, ReportContent
from .missing import Missing, missing_cases_note

AGE_INDICATORS = ["share_0_5", "share_6_14", "share_15_17", "share_18_64", "share_65_plus"]


class AreaAnalysis(ReportContent):
    """Everything the Sozialraumgebietsanalyse of one area and year needs, computed on demand."""

    notebook = "sozialraumgebietsanalyse"
    report = "Sozialraumgebietsanalyse"
    scope = "area"
    variable = "analysis"
    parameter_files = (*ReportContent.parameter_files, "qualitative/{area_id}.md")
    parameter_keys = (OWN_AREA, "indicators.yml", "raumbezug.yml", *RUN_BASICS, "run.yml:analysis.handlungsbedarf",
                      "run.yml:analysis.key_indicators", "run.yml:analysis.smoothing",
                      "run.yml:analysis.trend_start_year", "qualitative/{area_id}.md")
    own_area_workbooks = True
    sections = ("profile", "age_structure", "social_situation", "context", "trends", "stadtteil_position", "needs",
                "qualitative", "method_notes")

    # ------------------------------------------------------------------ helpers
    def comparison(self) -> pd.DataFrame:
        """All indicators of the area against the city (computed once); raw, for tables that protect themselves."""
        return self.memo("comparison", lambda: compare_with_city(
            self.ds, self.area_id, self.year, level=self.level, rule=self.settings.handlungsbedarf))

    def public(self) -> pd.DataFrame:
        """The comparison as it may be published (values on small counts withheld): sentences and figures use it."""
        return self.memo("public", lambda: public_comparison(self.comparison()))

    def _rate_columns(self, value_header: str, *, with_interval: bool = False) -> list[Col]:
        """Table columns of area rates: count shown, denominator hidden, every derived value protected by both."""
        columns = [rate_basis(show=True)[0], rate_basis()[1],
                   Col("area_value", value_header, "rate", unit="unit", based_on=basis())]
        if with_interval:
            columns += [Col("area_ci_low", "KI unten", "rate", unit="unit", based_on=basis()),
                        Col("area_ci_high", "KI oben", "rate", unit="unit", based_on=basis())]
        return columns

    # ------------------------------------------------------------------ sections
    def profile(self) -> list[Block]:
        """Where the area is, who lives there, which units it is built from."""
        area = self.area
        membership = self.ds.membership
        partial = membership.partial_stadtteile.get(area.id, [])
        part_names = [p["name"] for p in partial if p["counted"] != "none"]
        groups = area_groups(self.ds, [area.id])
        counts = aggregate(self.ds, self.year, groups, ["population", "households"])
        catalogue = self.ds.catalogue
        rows = [
            ("Einwohner*innen", counts.at[area.id, "population"], counts.at[CITY, "population"],
             catalogue.variable("population").publish_threshold),
            ("Haushalte", counts.at[area.id, "households"], counts.at[CITY, "households"],
             catalogue.variable("households").publish_threshold),
        ]
        frame = pd.DataFrame(rows, columns=["label", "area", "city", "threshold"])
        frame["share"] = 100 * frame["area"] / frame["city"]
        columns = [
            Col("label", "Merkmal"),
            Col("area", area.name, "count", threshold="threshold"),
            Col("city", "Gesamtstadt", "count", threshold="threshold"),
            Col("share", "Anteil an der Stadt", "share", based_on=("area",)),
        ]
        public = masked(frame, columns)
        blocks: list[Block] = [TextBlock(text.profile_sentences(
            area.name, self.ds.spatial.top.name_of(area.stadtbezirk, ""),
            [self.ds.spatial.base.name_of(n) for n in area.stadtteile], part_names,
            public.at[0, "area"], public.at[0, "city"], self.year,
            withheld=pd.isna(public.at[0, "area"]) and pd.notna(frame.at[0, "area"]), reference=self.ds.spatial))]
        units = self.ds.unit_ids(area.id)
        cases = [Missing.count(label, variable, self.year, place, where)
                 for (label, *_), variable in zip(rows, ("population", "households"))
                 for place, where, value in ((area.name, units, frame.loc[frame["label"] == label, "area"].iloc[0]),
                                             ("Gesamtstadt", None, frame.loc[frame["label"] == label, "city"].iloc[0]))
                 if pd.isna(value)]
        blocks.append(TableBlock("profil", f"Eckdaten {area.name} {self.year}", frame, columns,
                                 note=missing_cases_note(self.ds, cases, (area.name, "Gesamtstadt"))))
        if self.ds.stadtteil_level:
            base = self.ds.spatial.base
            made_of = base.phrase("a", "dat") if len(units) == 1 else f"{len(units)} {base.dative_plural_name}"
            composition = f"Die Daten liegen je {base.name} vor; das Gebiet wird aus {made_of} gebildet."
        else:
            composition = (f"Das Gebiet wird aus {'einer statistischen Einheit' if len(units) == 1 else f'{len(units)} statistischen Einheiten'} "
                           "(Stadtviertel bzw. statistische Bezirke) gebildet.")
        notes = membership.notes.get(area.id, [])
        if notes:
            composition += "\n\n" + "\n".join(f"> **Hinweis zur Abgrenzung:** {n}" for n in notes)
        if area.note:
            composition += f"\n\n{area.note}"
        blocks.append(TextBlock(composition))
        return blocks

    def age_structure(self) -> list[Block]:
        """Shares of the age groups in the area and the city."""
        comparison = self.comparison().set_index("indicator")
        present = [i for i in AGE_INDICATORS if i in comparison.index]
        frame = comparison.loc[present].reset_index()
        chart_columns = [
            Col("label", "Altersgruppe"), *rate_basis(),
            Col("area_value", self.area.name, "rate", unit="unit", based_on=basis()),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
        ]
        chart = AgeStructure(self.area.name, self.year).plot(frame[list(AgeStructure.columns)])
        table = TableBlock("altersstruktur", f"Altersstruktur {self.year}", frame, [
            Col("label", "Altersgruppe"),
            *self._rate_columns(f"Anteil {self.area.name}"),
            Col("city_value", "Anteil Gesamtstadt", "rate", unit="unit"),
            Col("difference", "Abstand", "points", unit="unit", based_on=basis()),
        ], note=self._missing_note(frame))
        return [ChartBlock("altersstruktur_grafik", chart, chart_columns), table]

    def social_situation(self) -> list[Block]:
        """All rated indicators against the city: a summary that names them, a figure, and the table that holds
        every value once (area value with interval, city value, distance, verdict) with the reasons of its dashes."""
        comparison = self.comparison()
        rated = comparison[comparison["direction"] != "neutral"]
        public = self.public()
        public_rated = public[public["direction"] != "neutral"]
        caption = self.social_caption()
        blocks: list[Block] = [TextBlock(text.comparison_summary(public_rated, self.area.name, self.year, caption))]
        chart = RatioDots(self.area.name, self.year).plot(rated[list(RatioDots.columns)])
        blocks.append(ChartBlock("soziale_lage_grafik", chart, [
            Col("label", "Indikator"), *rate_basis(),
            Col("area_value", self.area.name, "rate", unit="unit", based_on=basis()),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
            Col("index", "Gesamtstadt = 100", "number", decimals=0, based_on=basis()),
        ]))
        note = (f"KI: {self.level_text}-Konfidenzintervall. Abstand in Prozent- bzw. Promillepunkten. \"Deutlich\" "
                f"heißt: statistisch gesichert (Test gegen die übrige Stadt, "
                f"{fmt.number(self.settings.handlungsbedarf.significance * 100, 0)}-%-Niveau).")
        blocks.append(TableBlock("soziale_lage", caption, rated, [
            Col("label", "Indikator"),
            *self._rate_columns(self.area.name, with_interval=True),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
            Col("difference", "Abstand", "points", unit="unit", based_on=basis()),
            Col("assessment", "Bewertung", based_on=basis()),
        ], note=_notes(note, self._missing_note(rated))))
        return blocks

    def social_caption(self) -> str:
        """The caption of the table of rated indicators, which the summary and the Handlungsbedarfe point to."""
        return f"Soziale Lage {self.year} im Vergleich zur Gesamtstadt"

    def _missing_note(self, comparison: pd.DataFrame) -> str:
        """Why rows of a comparison table show "–": for each indicator without an area or a city value, the
        reason in the data (not in the data, not for the year, missing rows, withheld at the source)."""
        units = self.ds.unit_ids(self.area_id)
        cases = []
        for row in comparison.itertuples():
            indicator = self.ds.catalogue.indicator(row.indicator)
            if pd.isna(row.area_value):
                cases.append(Missing.of(indicator, self.year, self.area.name, units))
            if pd.isna(row.city_value):
                cases.append(Missing.of(indicator, self.year, "Gesamtstadt"))
        return missing_cases_note(self.ds, cases, (self.area.name, "Gesamtstadt"))

    def context(self) -> list[Block]:
        """Neutral context indicators (origin, households, moves): described, not rated."""
        comparison = self.comparison()
        neutral = comparison[(comparison["direction"] == "neutral") & ~comparison["indicator"].isin(AGE_INDICATORS)]
        return [TableBlock("kontext", f"Kontextindikatoren {self.year}", neutral, [
            Col("label", "Indikator"),
            *self._rate_columns(self.area.name),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
            Col("difference", "Abstand", "points", unit="unit", based_on=basis()),
        ], note=_notes("Kontextindikatoren beschreiben die Bevölkerung; sie werden nicht als günstig oder ungünstig "
                       "bewertet.", self._missing_note(neutral)))]

    def trends(self) -> list[Block]:
        """Development of the key indicators over all years, area against city."""
        indicators = self.key_indicators()
        first = self.settings.trend_start_year or self.ds.years[0]
        years = [y for y in self.ds.years if first <= y <= self.year]
        series = area_series(self.ds, self.area_id, indicators, years, self.level)
        series = masked(series, rate_basis(None) + [
            Col(key, key, "rate", based_on=basis(None)) for key in ("value", "ci_low", "ci_high")])
        if series.loc[series["role"] == "area", "value"].notna().sum() == 0:
            return [TextBlock(f"Für die Zeitreihen liegen für {self.area.name} keine (veröffentlichbaren) Daten vor.")]
        table = trend_table(series, indicators, self.level)
        lines = [f"- {text.trend_sentence(row, self.area.name)}" for _, row in table.iterrows()]
        changes = self.definition_changes(years[0], self.year)
        if changes:
            lines += ["", *(f"> **Gebietszuschnitt:** {sentence}" for sentence in changes)]
        if series.loc[series["role"] == "area"].dropna(subset=["value"])["year"].nunique() < 2:
            # one year only: a chart of single dots would suggest a development; the sentences say why there is none
            return [TextBlock("\n".join(lines))]
        chart = TrendPanels(indicators, self.area.name).plot(series)
        return [ChartBlock("entwicklung_grafik", chart, [
            Col("label", "Indikator"), Col("year", "Jahr", "year"), *rate_basis(),
            Col("area_value", self.area.name, "rate", unit="unit", based_on=basis()),
            Col("city_value", "Gesamtstadt", "rate", unit="unit"),
        ]), TextBlock("\n".join(lines))]

    def stadtteil_position(self) -> list[Block]:
        """Where the area's Stadtteile stand among all of the city's Stadtteile."""
        indicators = self.key_indicators()
        values = smoothed_stadtteil_values(self.ds, self.year, indicators, self.settings.smoothing, self.level)
        values = values.rename(columns={"group": "stadtteil"})
        values["name"] = [self.ds.spatial.base.name_of(s) for s in values["stadtteil"]]
        values = masked(values, rate_basis(None) + [Col(c, c, "rate", based_on=basis(None))
                                                    for c in ("value", "shown_value", "smoothed_value",
                                                              "smoothed_low", "smoothed_high")])
        values["smoothed"] = values["smoothed"] & values["shown_value"].notna()
        area = self.area
        highlight = {str(n): "ganz" for n in area.stadtteile}
        highlight.update({str(p.stadtteil): "teilweise" for p in area.partial})
        chart = StadtteilStrip(indicators, highlight, self.year, area.name,
                               self.ds.spatial.of_city(self.ds.spatial.base.dative_plural_name),
                               self.ds.spatial.base).plot(values)

        base = self.ds.spatial.base
        note = (f"{base.plural}, die nur teilweise zum Gebiet gehören, sind mit ihrem Wert für "
                f"{text.with_adjective(base, 'ganz', 'the', 'acc')} dargestellt.") if area.partial else ""
        blocks: list[Block] = [TextBlock(f"Jeder Punkt ist {base.phrase('a')}; die {base.plural} des Gebiets sind "
                                         "hervorgehoben."), ChartBlock("stadtteile_grafik", chart, [
            Col("label", "Indikator"), Col("name", base.name), *rate_basis(None, "Anzahl"),
            Col("value", "Wert", "number", based_on=basis(None)),
            Col("shown_value", "in der Grafik (geglättet, wo klein)", "number", based_on=basis(None)),
            Col("smoothed", "geglättet"),
            Col("rank", "Rang", "integer", based_on=basis(None)),
            Col("percentile", "Perzentil", "integer", based_on=basis(None)),
        ])]
        if note:
            blocks.append(TextBlock(note))
        blocks += self._map(values, indicators, {n for n, kind in highlight.items() if kind == "ganz"},
                            {n for n, kind in highlight.items() if kind == "teilweise"})
        return blocks

    def _map(self, values: pd.DataFrame, indicators, outline: set[str], partial: set[str]) -> list[Block]:
        """A map of the first key indicator with values, the area's Stadtteile outlined (when boundaries exist).

        Stadtteile only partly in the area are outlined dashed: the map shows the whole Stadtteil's value.
        """
        boundaries = maps.boundaries_for(self.ds.data_dir, self.ds.is_demo, self.ds.spatial.profile.map_source)
        shown = [i for i in indicators if values.loc[values["indicator"] == i.id, "value"].notna().any()]
        if boundaries is None or not shown:
            return []
        parts = {u for p in self.area.partial for u in p.units}
        chart = maps.indicator_map(self.ds, shown[0], self.year, boundaries, outline, self.area.name,
                                   partial=partial, parts=parts, zoom=True, smoothing=self.settings.smoothing)
        return [ChartBlock("stadtteile_karte", chart, [
            Col("label", self.ds.spatial.base.name), Col("value", "Wert", "number"),
            Col("shown_value", "in der Karte (geglättet, wo klein)", "number"), Col("smoothed", "geglättet"),
            Col("class", "Klasse"), Col("in_area", "im Gebiet")])]

    def needs(self) -> list[Block]:
        """Handlungsbedarfe by the configured rule."""
        rule = self.settings.handlungsbedarf
        needs = handlungsbedarfe(self.public())
        intro = (f"Als Handlungsbedarf gilt hier ein Indikator, bei dem {self.area.name} statistisch gesichert "
                 f"mindestens das {fmt.number(rule.elevated_ratio, 2)}-Fache des städtischen Werts erreicht "
                 f"(„erhöht“) oder das {fmt.number(rule.high_ratio, 2)}-Fache („deutlich erhöht“); bei "
                 f"Indikatoren, bei denen höhere Werte günstig sind, entsprechend umgekehrt.")
        return [TextBlock(intro), TextBlock(text.need_sentences(needs, self.area.name, self.social_caption()))]

    def qualitative(self, notes_dir: str | Path | None = None) -> list[Block]:
        """The qualitative findings (Fachgespräche, Rückmeldungen der Fachämter) from the area's Markdown file.

        E-mail addresses and phone numbers in any spelling are replaced by "[Kontakt entfernt]", with a note saying
        how many were removed (:mod:`veedel_lib.safe_output`); bidi controls go when the text is rendered.

        ``notes_dir``: the folder of the ``<area>.md`` files; by default ``qualitative/`` in the report's own
        parameters folder (the one it was opened with), so a copied parameters folder brings its own findings.
        """
        folder = Path(notes_dir) if notes_dir else self.parameters / "qualitative"
        path = folder / f"{self.area_id}.md"
        if not path.exists():
            # where the findings go (qualitative/<area>.md) is said in the notebook's editing note
            return [TextBlock(f"Für {self.area.name} sind noch keine qualitativen Befunde hinterlegt.")]
        findings, contacts = without_contacts(_demote_headings(_without_comments(path.read_text(encoding="utf-8"))))
        blocks = [TextBlock(findings)]
        if contacts:
            blocks.append(TextBlock(contacts_removed_note(contacts)))
        return blocks

    def method_notes(self) -> list[Block]:
        """Sources and how to read the figures."""
        present = set(self.ds.statistics["variable"])
        sources = [i.source for i in self.ds.catalogue.indicators if set(i.numerator) <= present]
        lines = [
            "- **Berechnung:** Alle Quoten sind aus summierten Zählwerten der statistischen Einheiten berechnet "
            "(erst zählen, dann teilen); Quoten werden nie gemittelt.",
            f"- **Unsicherheit:** Die Intervalle sind {fmt.number(self.level * 100, 0)}-%-Konfidenzintervalle "
            "(Wilson bzw. exakt nach Poisson). Sie zeigen, wie stark ein Wert allein durch Zufall schwanken "
            "könnte; kleine Gebiete haben breitere Intervalle.",
            "- **Vergleich:** Ob ein Unterschied zur Gesamtstadt deutlich ist, prüft ein Test des Gebiets gegen "
            "die übrige Stadt (ohne das Gebiet).",
            "- **Geheimhaltung:** Zahlen unter der Veröffentlichungsschwelle eines Indikators sind durch „•“ "
            "ersetzt, ebenso Werte, aus denen sie sich zurückrechnen ließen.",
            self._smoothing_note(),
            f"- **Quellen:** {text.sources_sentence(sources)}.",
        ]
        return self.method_block(lines)


    def _smoothing_note(self) -> str:
        """The method note on the smoothed values of small Stadtteile in the position chart and the map."""
        smoothing = self.settings.smoothing
        base, top = self.ds.spatial.base, self.ds.spatial.top
        towards = (f"der Quote {'ihrer' if top.gender == 'f' else 'ihres'} {top.genitive_name}"
                   if smoothing.prior == "bezirk" else "der Quote der Gesamtstadt")
        return (f"- **Kleine {base.plural}:** In der Positionsgrafik und in der Karte sind {base.plural}, deren "
                f"Bezugsgröße (Nenner) unter {fmt.integer(smoothing.min_denominator)} liegt, mit einem geglätteten "
                f"Wert dargestellt (Empirical Bayes, Gamma-Poisson-Modell): Ihr Wert ist umso stärker zu {towards} "
                "hin gezogen, je weniger Fälle er hat, und als „geglättet“ markiert. Die Tabellen nennen immer den "
                f"gemessenen Wert. Beruht ein Wert auf so wenigen Fällen, dass sein Variationskoeffizient "
                f"(1/√Fälle) über {fmt.number(smoothing.cv_threshold, 2)} liegt, ist er in der Karte gepunktet "
                f"schraffiert. Die Werte der {self.ds.spatial.profile.area.plural} selbst sind nie geglättet.")


_COMMENT = re.compile(r"<!--.*?-->[ \t]*\n?", re.S)


def _without_comments(markdown: str) -> str:
    """The findings without their HTML comments: notes for the people who fill in the file (Markdown is rendered
    without raw HTML, so a comment would otherwise be printed as text in the report)."""
    return _COMMENT.sub("", markdown)


def contacts_removed_note(contacts: list[Contact]) -> str:
    """The note under findings from which e-mail addresses or phone numbers were removed: how many, of which kind."""
    kinds = sorted({c.kind for c in contacts})
    count = len(contacts)
    return (f"*Hinweis: {fmt.integer(count)} Kontaktangabe{'n' if count != 1 else ''} ({', '.join(kinds)}) "
            f"aus den qualitativen Befunden entfernt und durch „{CONTACT_MARK}“ ersetzt: veröffentlichte Berichte "
            "nennen keine Personen.*")


def _notes(*notes: str) -> str:
    """Several notes under one table, each its own paragraph."""
    return "\n\n".join(n for n in notes if n)


def _demote_headings(markdown: str) -> str:
    """Shift Markdown headings down two levels so included files fit under the section heading (##)."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            line = "##" + line
        lines.append(line)
    return "\n".join(lines)
