"""Deterministic demo data: Cologne's 86 Stadtteile as statistical units 2012-2024, calibrated to the published
shares of the 15 areas, with Kernprozess documentation; handed to the dataset loader as ``demo=ensure_demo_data``."""

from .generator import ensure_demo_data, generate, write_demo_data

__all__ = ["ensure_demo_data", "generate", "write_demo_data"]
