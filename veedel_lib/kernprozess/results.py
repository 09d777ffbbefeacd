"""The Kernprozess results of some areas in one object: documentation, indicators, targets, controlling."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .controlling import TargetsConfig, controlling_table, load_targets
from .documentation import Documentation, load_documentation
from .indicators import compute_indicators, indicator_labels
from .schema import DOCUMENTATION_FOLDER, KernprozessConfig, load_config


@dataclass
class Kernprozesse:
    """The validated documentation of some areas with its indicators and controlling."""

    config: KernprozessConfig
    documentation: Documentation
    values: pd.DataFrame
    targets: TargetsConfig
    controlling: pd.DataFrame

    @property
    def labels(self) -> pd.DataFrame:
        return indicator_labels(self.config).set_index("indicator")

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.values["year"].unique())


def load_kernprozesse(data_dir: str | Path, parameters_dir: str | Path, area_ids: list[str],
                      all_area_ids: list[str]) -> Kernprozesse | None:
    """Documentation, indicators and controlling of ``area_ids``; None when the data folder has no
    ``dokumentation/`` folder at all. Errors in the workbooks or in targets.yml raise DataValidationError."""
    if not (Path(data_dir) / DOCUMENTATION_FOLDER).is_dir():
        return None
    config = load_config(parameters_dir)
    documentation = load_documentation(data_dir, parameters_dir, area_ids, config=config)
    values = compute_indicators(documentation, config)
    targets = load_targets(config, all_area_ids, parameters_dir)
    return Kernprozesse(config, documentation, values, targets,
                        controlling_table(values, targets, config, area_ids))
