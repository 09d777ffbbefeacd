"""Executed notebooks become committee documents: self-contained German HTML, PDF printed by Chromium and the
run's portal page. (The layout and accessibility checks of the printed reports run only in the tests:
``tests/layout_checks.py``, ``tests/a11y_checks.py``, ``tests/pdf_checks.py``.)"""
