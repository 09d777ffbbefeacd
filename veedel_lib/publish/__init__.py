"""Executed notebooks become committee documents: self-contained German HTML, PDF printed by Chromium, the
run's portal page and the accessibility check."""
