"""Committee reports carry no internal notes: no parameter file paths, no veedel commands, no data folders; those
belong in the notebooks' editing notes."""

from __future__ import annotations

import html
import re

import pytest
from conftest import PARAMETERS

INTERNAL = re.compile(r"parameters/|\.ya?ml\b|veedel (?:template|plan-vorlage|run|import)|plaene/")


def _visible_text(page: str) -> str:
    """The text a reader sees in a report's HTML (no styles, images, tags; the closing line left out)."""
    page = re.sub(r"<style.*?</style>|<img[^>]*>|<footer.*?</footer>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_jahresbericht_and_plan_texts_name_no_parameter_file(demo):
    from veedel_lib.render.blocks import TableBlock, TextBlock
    from veedel_lib.reports import plan_blocks
    from veedel_lib.reports.jahresbericht import ProgrammeReport

    report = ProgrammeReport.open(year=demo.latest_year, dataset=demo, parameters_dir=PARAMETERS)
    texts = [b.markdown for b in report.method_notes() + report.controlling() if isinstance(b, TextBlock)]
    texts += [b.note for b in report.controlling() if isinstance(b, TableBlock)]
    texts += [b.markdown for b in plan_blocks.no_plan("Kalk")]
    assert texts and not [t for t in texts if INTERNAL.search(t)]


@pytest.mark.slow
def test_no_report_of_a_run_gives_internal_instructions(demo_run):
    found = {}
    for page in sorted((demo_run / "reports").rglob("*.html")):
        hits = INTERNAL.findall(_visible_text(page.read_text(encoding="utf-8")))
        if hits:
            found[page.relative_to(demo_run).as_posix()] = hits
    assert found == {}
