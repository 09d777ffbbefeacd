"""Executed notebooks become committee documents: self-contained German HTML, PDF printed by Chromium and the
run's portal page (the checks of printed reports run only in the tests: ``tests/*_checks.py``)."""

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
"""The HTML templates and the style sheet of reports and portal (here, so that the portal needs no nbconvert)."""
