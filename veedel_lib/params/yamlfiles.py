"""Load the YAML files under ``parameters/`` into pydantic models, with errors that name file, line and key.

Planners edit these files by hand. A mistake must point at the line in the file, so validation errors
from pydantic are translated into :class:`~veedel_lib.errors.Problem` records whose "row" is the YAML
line and whose "column" is the key path (``areas[3].stadtteile``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import DataValidationError, Problem

Model = TypeVar("Model", bound=BaseModel)


def _line_of(node: yaml.Node | None, path: tuple) -> int | None:
    """1-based line of the YAML node reached by following ``path`` (keys and list positions)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
            if match is None:
                return line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _dotted(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def load_yaml(path: str | Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; returns the data and its node tree (for line numbers). Syntax errors name the line."""
    path = Path(path)
    if not path.exists():
        raise DataValidationError([Problem(str(path), None, None, "Datei nicht gefunden")])
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        row = mark.line + 1 if mark is not None else None
        raise DataValidationError([Problem(str(path), row, None, f"YAML-Syntaxfehler: {exc.problem}")]) from exc
    return data, node


def parse_model(path: str | Path, model: type[Model]) -> Model:
    """Load a YAML file and validate it against a pydantic model; every error names line and key."""
    data, node = load_yaml(path)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, path, node)) from exc


def validation_problems(exc: ValidationError, path: str | Path, node: yaml.Node | None,
                        prefix: tuple = ()) -> list[Problem]:
    """The problems of a pydantic validation error, each at its line and key in the YAML file.

    ``prefix`` is the key path of the validated part when only a part of the file was validated
    (``("areas", 3)`` for the fourth area).
    """
    problems = []
    for error in exc.errors():
        loc = (*prefix, *error["loc"])
        problems.append(Problem(str(path), _line_of(node, loc), _dotted(loc) or None, _german(error)))
    return problems


def problem_at(path: str | Path, node: yaml.Node | None, loc: tuple, reason: str) -> Problem:
    """A problem located at a key path of an already loaded YAML file (for cross-file checks)."""
    return Problem(str(path), _line_of(node, loc), _dotted(loc) or None, reason)


_MESSAGES = {
    "missing": "Pflichtangabe fehlt",
    "extra_forbidden": "unbekannter Schlüssel (Tippfehler?)",
    "int_parsing": "keine ganze Zahl",
    "int_type": "keine ganze Zahl",
    "float_parsing": "keine Zahl",
    "string_type": "kein Text",
    "list_type": "keine Liste",
    "dict_type": "keine Zuordnung (Schlüssel: Wert)",
    "bool_parsing": "kein Wahrheitswert (true/false)",
}


def _german(error: dict) -> str:
    """A German reason for one pydantic error (falls back to pydantic's own message)."""
    kind = error.get("type", "")
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace(" or ", " oder ")
        return f"unzulässiger Wert {error.get('input')!r}, erlaubt: {expected}"
    bounds = {"greater_than_equal": ("ge", "mindestens"), "greater_than": ("gt", "größer als"),
              "less_than_equal": ("le", "höchstens"), "less_than": ("lt", "kleiner als")}
    if kind in bounds:
        key, words = bounds[kind]
        return f"Wert {error.get('input')!r} zu {'klein' if key in ('ge', 'gt') else 'groß'}: {words} " \
               f"{error.get('ctx', {}).get(key)}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"Wert {error.get('input')!r} hat nicht die verlangte Form (Muster {pattern})"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg")))
    if kind in _MESSAGES:
        suffix = f" (Wert: {error.get('input')!r})" if kind not in {"missing", "extra_forbidden"} else ""
        return _MESSAGES[kind] + suffix
    return error.get("msg", kind)
