"""Kernprozess documentation of the Sozialraumkoordination: workbook schema, Excel templates, validation,
Kernprozessindikatoren and the Programmcontrolling against the Zielvereinbarung."""

from .controlling import TargetsConfig, controlling_table, load_targets
from .documentation import Documentation, documentation_path, load_documentation
from .indicators import compute_indicators, indicator_labels
from .results import Kernprozesse, load_kernprozesse
from .schema import DOCUMENTATION_FOLDER, SHEET_BY_NAME, SHEETS, KernprozessConfig, load_config

__all__ = ["DOCUMENTATION_FOLDER", "SHEETS", "SHEET_BY_NAME", "Documentation", "Kernprozesse", "KernprozessConfig",
           "TargetsConfig", "compute_indicators", "controlling_table", "documentation_path", "indicator_labels",
           "load_config", "load_documentation", "load_kernprozesse", "load_targets"]
