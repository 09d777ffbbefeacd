"""Long German words of table headers break only at their compound boundaries, with a hyphen (issue #18, item 3)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib.render import hyphenation
from veedel_lib.render.blocks import ChartBlock, Col, TableBlock

SHY = "\u00ad"


def test_known_words_get_soft_hyphens_at_their_marks_and_nothing_else_changes():
    extra = hyphenation.words(["Mindest|sicherungs|quote", "Arbeits|losen|anteil"])
    assert hyphenation.hyphenate("Mindestsicherungsquote", extra) == f"Mindest{SHY}sicherungs{SHY}quote"
    assert hyphenation.hyphenate("Gesamtstadt 2024", extra) == f"Gesamt{SHY}stadt 2024"  # a word of the reports
    # only whole words: not inside another word, not a word that already has its soft hyphens
    assert hyphenation.hyphenate("Jugendarbeitslosenanteil", extra) == "Jugendarbeitslosenanteil"
    assert hyphenation.hyphenate(f"Teil{SHY}nahmen", extra) == f"Teil{SHY}nahmen"
    assert hyphenation.hyphenate("Anteil Kalk", extra) == "Anteil Kalk"
    assert hyphenation.strip(f"Mindest{SHY}sicherungs{SHY}quote") == "Mindestsicherungsquote"


def test_the_catalogue_names_break_points_for_its_long_indicator_words_and_refuses_malformed_ones(demo):
    from veedel_lib.params.catalogue import Catalogue

    words = hyphenation.words(demo.catalogue.hyphenation)
    long_words = {w for i in demo.catalogue.indicators for w in re.findall(r"[\w*]+", i.name) if len(w) >= 14}
    assert long_words and long_words <= set(words) | {w.replace("|", "") for w in hyphenation.HEADER_WORDS}, \
        long_words - set(words)
    base = demo.catalogue.model_dump()
    for bad in (["Mindestsicherungsquote"], ["Mindest sicherungs|quote"], ["|Quote"], ["A|b", "A|b"]):
        with pytest.raises(ValueError, match="Trennstellen"):
            Catalogue.model_validate({**base, "hyphenation": bad})


def _capture(tables_dir):
    from veedel_lib.render.report import Report

    class Capture(Report):
        def _display_html(self, markup: str) -> None:
            self.shown.append(markup)

    report = Capture(tables_dir)
    report.shown = []
    return report


def test_soft_hyphens_go_into_header_cells_only_not_into_captions_cells_data_files_or_figures(demo, tmp_path,
                                                                                              monkeypatch):
    """The HTML's column headers get them; row headers, captions, data cells, the CSV tables, the figures' alt texts
    and their images keep plain words (a search finds them)."""
    import IPython.display

    from veedel_lib.reports.jahresbericht import ProgrammeReport

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    content = ProgrammeReport.open(dataset=demo, parameters_dir=PARAMETERS)
    report = _capture(tmp_path / "tables")
    report.title(content.title())
    frame = pd.DataFrame({"label": ["Grundsicherung bei Erwerbsminderung"], "value": [12.5], "unit": ["percent"],
                          "note": ["Mindestsicherungsquote"]})
    report.table(TableBlock("probe", "Mindestsicherungsquote im Vergleich", frame, [
        Col("label", "Indikator"), Col("value", "Mindestsicherungsquote Gesamtstadt", "rate", unit="unit"),
        Col("note", "Hinweis")]))
    blocks = content.areas_side_by_side()
    report.show(blocks)
    page = "".join(report.shown)
    head = re.search(r"<thead>(.*?)</thead>", report.shown[0]).group(1)
    assert f"Mindest{SHY}sicherungs{SHY}quote Gesamt{SHY}stadt" in head
    assert '<th scope="row">Grundsicherung bei Erwerbsminderung</th>' in report.shown[0]  # searchable as it is
    assert "<caption>Mindestsicherungsquote im Vergleich</caption>" in report.shown[0]
    assert "<td>Mindestsicherungsquote</td>" in report.shown[0]
    for tag in re.findall(r"<(?:caption|td|figcaption|p)[^>]*>.*?</(?:caption|td|figcaption|p)>|<th scope=\"row\">.*?</th>",
                          page, re.S):
        assert SHY not in tag, tag
    assert all(SHY not in alt for alt in re.findall(r'alt="([^"]*)"', page))
    for chart in (b.chart for b in blocks if isinstance(b, ChartBlock)):
        assert SHY not in chart.svg() and SHY not in chart.alt
    files = sorted((tmp_path / "tables").glob("*.csv"))
    assert len(files) >= 3 and not [f.name for f in files if SHY in f.read_text(encoding="utf-8")]
