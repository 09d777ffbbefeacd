"""Stored script injection: text from parameters and findings files is shown, never run.

Every payload of the issue is planted where planners write text (the qualitative findings of an area, an
area's name, an indicator's short label); the report and the portal are rendered and opened in Chromium with
Playwright, which listens for dialogs (alert), console errors and page errors. Nothing may run, the DOM holds
no script, frame, form, event handler or javascript: link (the reports' own <details> hold the figures'
data tables and carry no handler), and the page forbids scripts by its Content-Security-Policy.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest
import yaml
from conftest import PARAMETERS

from veedel_lib.render.markup import markdown_html, sanitize

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[klick](javascript:alert(3))",
    '<iframe src="javascript:alert(4)"></iframe>',
    "<svg onload=alert(5)>",
    "<details open ontoggle=alert(6)>x</details>",
    '<form action="https://example.org"><input name="q"></form>',
    "<style>body { display: none }</style>",
    '<a href="javascript:alert(7)">Link</a>',
]
"""The issue's payloads (each a separate paragraph of the findings file)."""

DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action'].includes(attr.name) && /^\\s*javascript:/i.test(attr.value)) bad.push(attr.value);
    }
  }
  for (const el of document.querySelectorAll('script, iframe, frame, object, embed, form, input, svg, foreignObject')) {
    // the one inline SVG allowed is the portal's map (its links and names are checked above like any element)
    if (!(el.matches('svg.portal-map') && document.querySelectorAll('svg').length === 1)) bad.push(el.tagName);
  }
  const styles = document.querySelectorAll('style').length;
  const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  return {bad, styles, csp: csp ? csp.content : null, text: document.body.innerText};
}"""


class _Tags(HTMLParser):
    """The elements and attributes of a piece of HTML (what a browser would build, not its text)."""

    def __init__(self, markup: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_markdown_shows_raw_html_as_text_and_drops_unsafe_links():
    for payload in PAYLOADS:
        rendered = markdown_html(payload)
        for tag, attributes in _Tags(rendered).found:
            assert tag in {"p", "a"}, (payload, rendered)
            assert not any(name.startswith("on") for name in attributes), (payload, rendered)
            assert not attributes.get("href", "").lower().startswith("javascript"), (payload, rendered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown_html(PAYLOADS[0])   # shown, not run
    assert markdown_html("[Stadt Köln](https://www.stadt-koeln.de) **fett**") == (
        '<p><a href="https://www.stadt-koeln.de" rel="noopener noreferrer">Stadt Köln</a> <strong>fett</strong></p>\n')
    assert sanitize('<p onclick="x()">a<script>b</script></p>') == "<p>a</p>"


@pytest.fixture(scope="module")
def injected_run(tmp_path_factory):
    """A run of Kalk's analysis and the Jahresbericht with every payload planted in the parameters."""
    from veedel_lib.params.run_config import load_run_config
    from veedel_lib.run import runner

    work = tmp_path_factory.mktemp("injection")
    parameters = work / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    (parameters / "qualitative" / "kalk.md").write_text(
        "## Befunde\n\n" + "\n\n".join(PAYLOADS) + "\n", encoding="utf-8")
    areas = yaml.safe_load((parameters / "areas.yml").read_text(encoding="utf-8"))
    for area in areas["areas"]:
        if area["id"] == "kalk":
            area["name"] = "Kalk<script>alert('name')</script>"
    (parameters / "areas.yml").write_text(yaml.safe_dump(areas, allow_unicode=True, sort_keys=False), encoding="utf-8")
    catalogue = yaml.safe_load((parameters / "indicators.yml").read_text(encoding="utf-8"))
    for indicator in catalogue["indicators"]:
        if indicator["id"] == "sgb2_quote":
            indicator["short_label"] = "SGB II<script>alert('label')</script><img src=x onerror=alert(8)>"
    (parameters / "indicators.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    config = load_run_config(parameters / "run.yml").model_copy(
        update={"formats": ["html"], "reports": ["sozialraumgebietsanalyse", "jahresbericht"]})
    summary = runner.run(config, outputs=work / "outputs", parameters=parameters, areas=["kalk"], jobs=2)
    assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
    return summary.run_dir


@pytest.mark.slow
def test_no_payload_runs_in_chromium(injected_run):
    from layout_checks import checking_browser

    from veedel_lib.publish.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    pages = [injected_run / "reports" / "kalk" / "sozialraumgebietsanalyse.html",
             injected_run / "reports" / "programm" / "jahresbericht.html", injected_run / "index.html"]
    dialogs, errors = [], []
    with checking_browser() as browser:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        results = {}
        for path in pages:
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            results[path.name] = page.evaluate(DOM_CHECK)
    assert dialogs == [] and errors == [], (dialogs, errors)
    for name, result in results.items():
        assert result["bad"] == [], (name, result["bad"])
        assert result["styles"] <= 1, name          # only the report's own stylesheet
        assert result["csp"] is not None and "default-src 'none'" in result["csp"], name
    analysis = results["sozialraumgebietsanalyse.html"]["text"]
    assert "<script>alert(1)</script>" in analysis          # the findings are shown as they were written
    assert "Kalk<script>alert('name')</script>" in analysis  # and the area's name as it stands in areas.yml
