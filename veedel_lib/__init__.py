"""veedel_lib: analysis and reporting for the Cologne programme "Lebenswerte Veedel".

Rooms by pipeline stage, data flowing one way (no room imports a later one; a test checks it):
params -> inputs -> kernprozess -> analysis -> demo -> render -> reports -> publish -> run -> cli.
See docs/architektur.md for what lives where and why.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.2.0"

_LEGACY_MODULES = {
    "veedel_lib.area_report": "veedel_lib.reports.legacy",
    "veedel_lib.evaluation_report": "veedel_lib.reports.legacy",
    "veedel_lib.programme_report": "veedel_lib.reports.legacy",
    "veedel_lib.sozialindex_report": "veedel_lib.reports.legacy",
    "veedel_lib.themenbewertung": "veedel_lib.reports.legacy",
    "veedel_lib.report": "veedel_lib.render.report",
}
"""Module names of version 0.1 that notebooks of archived runs import, and where they live now."""


class _LegacyAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import veedel_lib.area_report`` (0.1) load the module that holds that API now."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in _LEGACY_MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(_LEGACY_MODULES[spec.name])

    def exec_module(self, module):
        """Nothing to run: the module was imported under its own name."""


sys.meta_path.append(_LegacyAlias())
