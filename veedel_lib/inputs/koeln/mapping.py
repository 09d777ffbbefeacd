"""The mapping of the city's files onto catalogue variables (``parameters/koeln_mapping.yml``).

Which ``zeile`` texts of the portal's long files, which columns of the Stadtteil profile and which Merkmal
codes of the Datenkatalog make up which catalogue variable; the parts a variable is summed from; and what
is left out on purpose (``ignore``). Loaded with line numbers in every error.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ...errors import DataValidationError, Problem
from ...params.catalogue import Catalogue
from ...params.patterns import PatternSearch, pattern_problem
from ...params.yamlfiles import load_yaml, parse_model, problem_at

MAPPING_FILE = "koeln_mapping.yml"


# ----------------------------------------------------------------------------- mapping

class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: list[str] = []
    variables: dict[str, list[str]] = {}
    ignore: list[str] = []


class PortalMapping(_Section):
    """Which ``zeile`` texts of the portal's long files make up which catalogue variable.

    ``ignore_tables``: patterns of ``tabelle`` texts whose rows are left out as a whole (counted in the summary),
    for files with the same ``zeile`` in several tables (the elections file: "Wahlbeteiligung" of six elections)."""

    ignore_tables: list[str] = []


class ProfileMapping(_Section):
    """Which columns of the wide Stadtteil profile make up which variable, for one reference year."""

    key: str
    year: int = Field(ge=1900, le=2100)
    reference: dict[str, str] = {}


class DatenkatalogMapping(_Section):
    """Which Merkmal codes of the Statistischer Datenkatalog make up which variable."""

    level_column: str = "RAUMEBENE"
    levels: list[str] = ["Stadtteil"]
    key: str = "RAUM"
    year_column: str = "S_JAHR"


class KoelnMapping(BaseModel):
    """The whole mapping file ``parameters/koeln_mapping.yml``."""

    model_config = ConfigDict(extra="forbid")
    portal: PortalMapping = PortalMapping()
    profile: ProfileMapping | None = None
    datenkatalog: DatenkatalogMapping | None = None


def load_mapping(path: str | Path) -> KoelnMapping:
    """Read and check the mapping file; DataValidationError with line and key for every problem."""
    path = Path(path)
    mapping = parse_model(path, KoelnMapping)
    _, node = load_yaml(path)
    problems = []
    for name in ("portal", "profile", "datenkatalog"):
        section = getattr(mapping, name)
        if section is None:
            continue
        for key in ("ignore", "ignore_tables"):
            for position, pattern in enumerate(getattr(section, key, [])):
                problem = pattern_problem(pattern)
                if problem is not None:
                    problems.append(problem_at(path, node, (name, key, position), problem))
    if problems:
        raise DataValidationError(problems)
    return mapping


def catalogue_problems(mapping: KoelnMapping, catalogue: Catalogue, path: Path) -> list[Problem]:
    """Mapped variables that the catalogue does not know, and reference quotas of unknown indicators."""
    _, node = load_yaml(path)
    known = set(catalogue.variable_ids)
    indicators = {i.id for i in catalogue.indicators}
    problems = []
    for name in ("portal", "profile", "datenkatalog"):
        section = getattr(mapping, name)
        if section is None:
            continue
        for variable in section.variables:
            if variable not in known:
                problems.append(problem_at(path, node, (name, "variables", variable),
                                           f"Variable '{variable}' steht nicht in indicators.yml"))
    if mapping.profile is not None:
        for indicator in mapping.profile.reference:
            if indicator not in indicators:
                problems.append(problem_at(path, node, ("profile", "reference", indicator),
                                           f"Indikator '{indicator}' steht nicht in indicators.yml"))
    return problems


def is_ignored(name: str, patterns: list[str], search: PatternSearch) -> bool:
    """Whether a row or column name matches one of the mapping's ``ignore`` patterns (searched under the time
    budget of ``search``: a runaway pattern is a German error naming the mapping file, not a hang)."""
    return any(search.search(p, name) for p in patterns)
