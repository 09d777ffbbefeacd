"""The run's portal (index.html) and run log (lauf.html): map, reports by Stadtbezirk and area, key figures,
earlier runs; in a real browser every link resolves, the keyboard meets the links in reading order, axe-core is
clean."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from conftest import PARAMETERS

from veedel_lib.publish import portal
from veedel_lib.reports.keyfigures import key_figures


def _manifest(run_id: str = "20261201-120000-abcdef12", year: int = 2024) -> dict:
    entry = {"area_id": "kalk", "area_name": "Kalk", "notebook": "sozialraumgebietsanalyse", "status": "ok",
             "duration_s": 12.345, "outputs": {"reports/kalk/sozialraumgebietsanalyse.html": "x",
                                                "reports/kalk/sozialraumgebietsanalyse.pdf": "y"}, "error": None}
    failed = {"area_id": "bezirk-8", "area_name": "Stadtbezirk 8 Kalk", "notebook": "bezirksbericht",
              "status": "failed", "duration_s": 3.0, "outputs": {},
              "error": {"cell": 4, "error": "ValueError", "message": "kaputt"}}
    programme = {"area_id": None, "area_name": "Gesamtprogramm", "notebook": "jahresbericht", "status": "ok",
                 "duration_s": 0.0, "outputs": {"reports/programm/jahresbericht.html": "z"}, "error": None,
                 "reused_from": "20261130-090000-00000000"}
    return {"run_id": run_id, "created": "2026-12-01T12:00:00",
            "parameters": {"year": year, "data_dir": "demo", "source": "standard",
                           "reports": ["sozialraumgebietsanalyse", "bezirksbericht", "jahresbericht"]},
            "reports": [entry, failed, programme], "summary": {"ok": 2, "failed": 1, "reused": 1, "executed": 2,
                                                             "last_duration_s": 40.0},
            "key_figures": {"year": year, "notes": [],
                            "areas": [{"id": "kalk", "name": "Kalk", "stadtbezirk": 8, "residents": 23456.0,
                                       "quote": 22.4, "status": "sehr niedrig", "stadtteile": ["802"],
                                       "partial": [], "parts": []},
                                      {"id": "bilderstoeckchen", "name": "Bilderstöckchen", "stadtbezirk": 5,
                                       "residents": None, "quote": None, "status": None, "stadtteile": ["507"],
                                       "partial": [], "parts": []}],
                            "bezirke": [{"id": "bezirk-8", "stadtbezirk": 8, "residents": 110000.0, "quote": 15.1,
                                         "status": None}, {"id": "bezirk-5", "stadtbezirk": 5, "residents": 117000.0,
                                                           "quote": 9.5, "status": None}]}}


def test_portal_groups_reports_by_stadtbezirk_with_key_figures_and_the_log_page_has_the_durations(tmp_path):
    run_dir = tmp_path / "outputs" / "20261201-120000-abcdef12"
    run_dir.mkdir(parents=True)
    manifest = _manifest()
    portal.write_portal(run_dir, manifest)
    page = (run_dir / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    # programme-wide reports first, then the Bezirke in number order, each with its areas
    assert page.index('id="programm"') < page.index('id="bezirk-5"') < page.index('id="bezirk-8"')
    assert 'href="reports/kalk/sozialraumgebietsanalyse.html"' in page and "reports/kalk/sozialraumgebietsanalyse.pdf" in page
    assert "23.456" in text and "22,4 %" in text and "sehr niedrig" in text
    bilderstoeckchen = page[page.index('id="gebiet-bilderstoeckchen"'):]
    assert bilderstoeckchen[:bilderstoeckchen.index("</tr>")].count('title="geheim gehalten"') == 3
    assert "nicht in diesem Lauf" in page  # Bilderstöckchen's analysis was not part of the run
    assert "fehlgeschlagen" in page and 'href="lauf.html"' in page
    # the map: inline SVG, one real link per area, in reading order (Bezirk 5 before Bezirk 8)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert re.findall(r'<a href="([^"]+)"', svg) == ["#gebiet-bilderstoeckchen", "#gebiet-kalk"]
    assert "<script" not in page and "CC BY 3.0 DE" in page
    assert "12,3 s" not in page  # durations belong to the run log
    log = (run_dir / "lauf.html").read_text(encoding="utf-8")
    assert "12,3 s" in log and "Zelle 4: ValueError: kaputt" in log and 'href="index.html"' in log
    assert "übernommen aus Lauf 20261130-090000-00000000" in log and "1 unverändert übernommen, 2 neu berechnet" in log


def test_portal_lists_earlier_runs_with_year_date_source_and_a_relative_link(tmp_path):
    outputs = tmp_path / "outputs"
    older = outputs / "20251101-080000-11111111"
    older.mkdir(parents=True)
    earlier = _manifest(older.name, 2023)
    earlier["parameters"].update({"source": "koeln", "data_dir": "../shared/data/koeln"})
    earlier["created"] = "2025-11-01T08:00:00"
    (older / "manifest.json").write_text(json.dumps(earlier), encoding="utf-8")
    (older / "index.html").write_text("<html></html>", encoding="utf-8")
    (outputs / "kein-lauf").mkdir()  # a folder without manifest is no run
    run_dir = outputs / "20261201-120000-abcdef12"
    run_dir.mkdir()
    portal.write_portal(run_dir, _manifest())
    page = (run_dir / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="fruehere"'):]
    assert f'href="../{older.name}/index.html"' in section and "kein-lauf" not in section
    assert "2023" in section and "01.11.2025" in section and "offene Daten der Stadt Köln" in section
    assert (run_dir / f"../{older.name}/index.html").resolve().is_file()
    assert run_dir.name not in section  # the run itself is not an earlier run


def test_key_figures_pass_disclosure_control_like_the_reports(tmp_path, demo):
    """The portal's figures are the reports' numbers: Kalk's SGB-II-Quote as in its comparison, rounded as shown;
    with a publish threshold for residents above every area's population, no area's residents (or quote) show,
    while the Stadtbezirke, all larger, keep theirs."""
    from veedel_lib.analysis.comparison import compare_with_city
    from veedel_lib.inputs.dataset import load_dataset

    figures = key_figures(demo, demo.latest_year, PARAMETERS)
    kalk = next(a for a in figures["areas"] if a["id"] == "kalk")
    comparison = compare_with_city(demo, "kalk", demo.latest_year).set_index("indicator")
    assert kalk["quote"] == round(comparison.at["sgb2_quote", "area_value"], 1)
    assert kalk["residents"] == comparison.at["share_0_5", "area_denominator"]
    assert kalk["status"] and len(figures["bezirke"]) == 7

    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    catalogue = yaml.safe_load((parameters / "indicators.yml").read_text(encoding="utf-8"))
    for variable in catalogue["variables"]:
        if variable["id"] == "population":
            variable["publish_threshold"] = 60_000
    (parameters / "indicators.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    ds = load_dataset(demo.data_dir, parameters)
    strict = key_figures(ds, ds.latest_year, parameters)
    assert all(a["residents"] is None for a in strict["areas"])
    assert all(b["residents"] is not None for b in strict["bezirke"])


def _links_and_tab_order(page_path: Path) -> tuple[list[str], list[str], list[str]]:
    """In Chromium: every link's href (HTML and SVG), the focusable elements in DOM order, and what Tab reaches."""
    from layout_checks import checking_browser

    describe = """el => el.tagName.toLowerCase() === 'a' ? 'a:' + (el.getAttribute('href') || '')
                                                       : el.tagName.toLowerCase() + ':' + (el.getAttribute('aria-label') || '')"""
    with checking_browser() as browser:
        page = browser.new_page(java_script_enabled=True)
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        focusable = page.evaluate(f"""() => [...document.querySelectorAll('a[href], [tabindex="0"]')]
                                       .map({describe})""")
        reached = []
        for _ in range(len(focusable) + 1):
            page.keyboard.press("Tab")
            reached.append(page.evaluate(f"() => document.activeElement === document.body ? 'body' : "
                                         f"({describe})(document.activeElement)"))
    return hrefs, focusable, reached


@pytest.mark.slow
def test_portal_in_the_browser_every_link_resolves_keyboard_order_and_axe(demo_run):
    from a11y_checks import axe_script, check_html
    from veedel_lib.publish.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    index = demo_run / "index.html"
    page = index.read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "<script" not in page
    for path in (index, demo_run / "lauf.html"):
        hrefs, focusable, reached = _links_and_tab_order(path)
        ids = set(re.findall(r'id="([^"]+)"', path.read_text(encoding="utf-8")))
        for href in hrefs:
            target = urlparse(href)
            assert not target.scheme and not target.netloc, href  # works from file://, no network
            if target.path:
                assert (path.parent / unquote(target.path)).is_file(), href
            elif target.fragment:
                assert target.fragment in ids, href
        assert reached[:len(focusable)] == focusable  # Tab meets every link and region in document order
        print(f"{path.name}: {len(hrefs)} Links geprüft, {len(focusable)} Tabulatorhalte in Reihenfolge")
    assert any(h.startswith("#gebiet-") for h in hrefs) is False  # lauf.html has no map links
    hrefs, _, _ = _links_and_tab_order(index)
    assert {"#gebiet-kalk", "#gebiet-bilderstoeckchen", "reports/bezirk-8/bezirksbericht.html",
            "reports/bezirk-8/bezirksbericht.pdf", "reports/kalk/sozialraumgebietsanalyse.pdf", "lauf.html"} <= set(hrefs)
    assert len([h for h in hrefs if h.startswith("#gebiet-")]) == 2 * 15  # on the map and in the list beside it
    assert [h for h in hrefs if h.startswith("#bezirk-")] == [f"#bezirk-{n}" for n in range(1, 10) if n not in (1, 3)]
    if axe_script() is None:
        pytest.skip("axe-core fehlt: npm ci --prefix tests/a11y (make test erledigt das)")
    every = ("minor", "moderate", "serious", "critical")
    results = check_html([index, demo_run / "lauf.html"], impacts=every)
    assert results == {str(index): [], str(demo_run / "lauf.html"): []}


def test_portal_without_key_figures_still_lists_every_report(tmp_path):
    """When the key figures could not be computed (or the run was interrupted), no report drops off the portal."""
    run_dir = tmp_path / "outputs" / "20261201-120000-abcdef12"
    run_dir.mkdir(parents=True)
    manifest = _manifest()
    manifest["key_figures"] = {"year": 2024, "areas": [], "bezirke": [],
                               "notes": ["Eckdaten nicht berechenbar: Datei fehlt"]}
    page = portal.render_portal(manifest, run_dir)
    assert 'href="reports/kalk/sozialraumgebietsanalyse.html"' in page
    assert 'href="reports/programm/jahresbericht.html"' in page
    assert "Stadtbezirk 8 Kalk" in page and "Eckdaten nicht berechenbar: Datei fehlt" in page


_COVERED_LABELS_JS = """() => [...document.querySelectorAll('[id^="karte-bezirk-"]')].flatMap(label => {
  const box = label.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.08, 0.5], [0.92, 0.5], [0.5, 0.15], [0.5, 0.85]];
  return points.filter(([fx, fy]) => {
    const hit = document.elementFromPoint(box.left + fx * box.width, box.top + fy * box.height);
    return hit && hit.closest('a');
  }).map(([fx, fy]) => `${label.id} bei ${fx}/${fy}`);
})"""


@pytest.mark.slow
def test_no_stadtbezirk_name_on_the_portal_map_is_hidden_by_an_area(demo_run):
    """The areas are links painted above the base map: a Bezirk's name must lie where no area covers it.

    Regression: "1 Innenstadt" sat in its largest free Stadtteil and ran under the areas across the Rhine.
    """
    from layout_checks import checking_browser

    from veedel_lib.publish.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    with checking_browser() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto((demo_run / "index.html").resolve().as_uri())
        page.query_selector("svg.portal-map").scroll_into_view_if_needed()
        assert page.evaluate("() => document.querySelectorAll('[id^=\"karte-bezirk-\"]').length") == 9
        assert page.evaluate(_COVERED_LABELS_JS) == []


class _Outline(HTMLParser):
    """The parts of the portal the navigation tests need: ids, the Stadtbezirke nav's links, the map's attributes,
    the map list's items and the status legends with the position of every element (in start-tag order)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, int] = {}
        self.nav_links: list[str] = []
        self.svg: dict[str, str] = {}
        self.lists: dict[str, list[str]] = {}
        self.order: list[tuple[str, dict[str, str]]] = []
        self._nav = self._list = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.order.append((tag, attrs))
        if "id" in attrs:
            self.ids[attrs["id"]] = len(self.order)
        if tag == "nav":
            self._nav = attrs.get("aria-label")
        if tag == "a" and self._nav == "Stadtbezirke":
            self.nav_links.append(attrs.get("href", ""))
        if tag == "svg":
            self.svg = attrs
        if tag == "ol" and "id" in attrs:
            self._list = attrs["id"]
            self.lists[self._list] = []
        if tag == "li" and self._list:
            self._text = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = None
        if tag == "li" and self._list:
            self.lists[self._list].append(" ".join("".join(self._text).split()))
        if tag == "ol":
            self._list = None

    def handle_data(self, data):
        self._text.append(data)


def _parsed(page: str) -> _Outline:
    outline = _Outline()
    outline.feed(page)
    return outline


def test_the_portal_has_a_jump_link_to_every_stadtbezirk_whose_target_exists(tmp_path):
    """Regression: on a page of 5,000 px the Stadtbezirke could be reached only by scrolling."""
    page = portal.render_portal(_manifest(), tmp_path)
    found = _parsed(page)
    assert found.nav_links == ["#bezirk-5", "#bezirk-8"]
    assert all(link[1:] in found.ids for link in found.nav_links)
    assert found.ids["bezirk-5"] > max(i for i, (tag, _) in enumerate(found.order) if tag == "nav")


def test_the_portal_map_has_a_list_of_its_numbers_with_the_areas_names_that_it_points_to(tmp_path):
    """Regression: the map showed only numbers; a reader had to guess which area a number is."""
    run_dir = tmp_path / "run"
    (run_dir / "inputs" / "data").mkdir(parents=True)  # no Stadtteile file: the embedded boundaries
    page = portal.render_portal(_manifest(), run_dir)
    found = _parsed(page)
    listed = found.svg.get("aria-describedby")
    assert listed and listed in found.lists
    assert found.lists[listed] == ["1 Bilderstöckchen", "2 Kalk"]  # the map's numbers, in reading order
    links = [a["href"] for tag, a in found.order[found.ids[listed]:] if tag == "a"][:2]
    assert links == ["#gebiet-bilderstoeckchen", "#gebiet-kalk"] and all(h[1:] in found.ids for h in links)


def test_the_status_classes_are_explained_right_under_each_table_that_shows_them(tmp_path):
    """Regression: the status classes were explained only in the small print above all tables."""
    page = portal.render_portal(_manifest(), tmp_path)
    found = _parsed(page)
    for place in ("bezirk-5", "bezirk-8"):
        legend = f"{place}-status"
        header = [a for tag, a in found.order if tag == "th" and a.get("aria-describedby") == legend]
        assert len(header) == 1 and legend in found.ids
        table_end = page.index("</table>", page.index(f'id="{place}"'))
        assert re.match(rf'</table></div><p [^>]*id="{legend}"', page[table_end:])  # the very next thing
    kalk = page[page.index('id="bezirk-8-status"'):]
    note = re.sub(r"<[^>]+>", "", kalk[:kalk.index("</p>")])
    assert "Statusklasse im Sozialindex" in note and "„sehr niedrig“" in note and "Geheimhaltung" in note
