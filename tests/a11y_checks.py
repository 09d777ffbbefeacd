"""Accessibility checks of the generated HTML reports with axe-core in headless Chromium.

The reports aim at BITV 2.0 / WCAG 2.1 AA as far as a generated report can. axe-core (npm package,
installed by ``make test`` into ``tests/a11y/node_modules``) runs inside the page; violations of impact
"serious" or "critical" fail the check. Used by the tests only (not on the run path).
"""

from __future__ import annotations

import os
from pathlib import Path

from layout_checks import checking_browser

from veedel_lib.errors import ToolMissingError
from veedel_lib.params.run_config import project_root
from veedel_lib.publish.pdf import chromium_path

BLOCKING = ("serious", "critical")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_script() -> Path | None:
    """Path of ``axe.min.js``: ``VEEDEL_AXE`` or the project's ``tests/a11y/node_modules``."""
    configured = os.environ.get("VEEDEL_AXE")
    candidates = [Path(configured)] if configured else []
    candidates.append(project_root() / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js")
    return next((c for c in candidates if c.exists()), None)


def check_html(files: list[Path], impacts: tuple[str, ...] = BLOCKING) -> dict[str, list[dict]]:
    """Run axe-core on each HTML file; returns file -> violations with the given impacts (empty = clean).

    Each violation is reduced to id, impact, help text and the first affected elements.
    """
    script = axe_script()
    if script is None or chromium_path() is None:
        raise ToolMissingError("axe-core oder Chromium fehlt (npm install --prefix tests/a11y; apt-get install chromium)")
    results: dict[str, list[dict]] = {}
    with checking_browser() as browser:
        # axe-core is injected as a script; the reports forbid scripts (CSP), so the check's tab bypasses it
        page = browser.new_context(bypass_csp=True).new_page()
        for path in files:
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            page.add_script_tag(path=str(script))
            # only the violations are wanted: axe then skips listing every element that passes (half its time)
            report = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                                   "resultTypes: ['violations']})", WCAG_TAGS)
            results[str(path)] = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"][:3]]}
                for v in report["violations"] if v["impact"] in impacts
            ]
    return results
