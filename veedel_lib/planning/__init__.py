"""Integrierte Sozialraumgebietsplanung: the plan workbook per area (schema, template, validation), its prefill
from the analysis, and the monitoring of its goals and measures against the data."""

from .schema import PLANS_FOLDER, SHEET_BY_NAME, SHEETS, PlanningConfig, load_config
from .validation import Plans, load_plans, plan_path

__all__ = ["PLANS_FOLDER", "SHEETS", "SHEET_BY_NAME", "PlanningConfig", "Plans", "load_config", "load_plans",
           "plan_path"]
