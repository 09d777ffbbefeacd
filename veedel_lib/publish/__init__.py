"""Executed notebooks become committee documents: self-contained German HTML, PDF printed by Chromium and the
run's portal page. (The layout and accessibility checks of the printed reports run only in the tests:
``tests/layout_checks.py``, ``tests/a11y_checks.py``, ``tests/pdf_checks.py``.)"""

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
"""The HTML templates and the style sheet of reports and portal (here, so that the portal needs no nbconvert)."""
