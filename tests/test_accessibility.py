"""Every generated HTML report passes axe-core without serious or critical violations."""

from __future__ import annotations

import pytest

from a11y_checks import axe_script, check_html
from veedel_lib.publish.pdf import chromium_path


@pytest.mark.slow
def test_reports_and_portal_have_no_serious_accessibility_violations(demo_run):
    if axe_script() is None:
        pytest.skip("axe-core fehlt: npm install --prefix tests/a11y (make test erledigt das)")
    if chromium_path() is None:
        pytest.skip("Chromium fehlt: apt-get install chromium (make test erledigt das)")
    files = sorted(demo_run.rglob("*.html"))
    notebooks = {p.stem for p in files if p.parent.parent.name == "reports"}
    assert "sozialraumgebietsanalyse" in notebooks and (demo_run / "index.html") in files
    results = check_html(files)
    assert {f: v for f, v in results.items() if v} == {}


@pytest.mark.slow
def test_check_finds_real_violations(tmp_path):
    """The check is not blind: a page with an image without alt text and no lang fails."""
    if axe_script() is None or chromium_path() is None:
        pytest.skip("axe-core oder Chromium fehlt")
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>')
    violations = check_html([page])[str(page)]
    assert {"image-alt", "html-has-lang"} <= {v["id"] for v in violations}
