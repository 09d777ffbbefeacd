"""Load the YAML files under ``parameters/`` into pydantic models, with errors that name file, line and key.

Planners edit these files by hand. A mistake must point at the line in the file, so validation errors
from pydantic are translated into :class:`~veedel_lib.errors.Problem` records whose "row" is the YAML
line and whose "column" is the key path (``areas[3].stadtteile``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import DataValidationError, Problem, german_number, shown_value

Model = TypeVar("Model", bound=BaseModel)

AREA_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CATALOGUE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
KERNPROZESS_ID_PATTERN = r"^[a-z0-9_]+$"
FILE_NAME_PATTERN = r"^[^/\\]+$"

PATTERN_DESCRIPTIONS = {
    AREA_ID_PATTERN: "nur Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit Buchstabe oder Ziffer "
                     "(z. B. kalk, hoehenberg-vingst)",
    CATALOGUE_ID_PATTERN: "nur Kleinbuchstaben, Ziffern und Unterstriche, beginnend mit einem Buchstaben "
                          "(z. B. sgb2_quote)",
    KERNPROZESS_ID_PATTERN: "nur Kleinbuchstaben, Ziffern und Unterstriche (z. B. themen_bearbeitet)",
    FILE_NAME_PATTERN: "ein Dateiname ohne Ordner (ohne / und \\)",
}
"""The allowed form of every id pattern of the parameter models, as a German sentence for error messages."""


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


MAX_YAML_BYTES = 2 * 2**20
"""Largest parameter or mapping file read (bytes). The project's largest is 14 KB; a bigger file is refused
before it is parsed, so no file can make the reader take unbounded time or memory."""

MAX_YAML_DEPTH = 40
"""Deepest nesting of lists and mappings allowed in a parameter file (the project's files nest at most 6 deep).
Deeper files are refused while scanning: the composer recurses once per level and would otherwise overflow."""


def _refuse_aliases_and_depth(text: str, loader_class: type, path: Path) -> None:
    """Scan a YAML text's events once and refuse anchors, aliases and deep nesting, naming line and character.

    An alias (``*name``) repeats a whole part of the file wherever it stands; nine levels of nine aliases
    ("billion laughs") stand for 9^9 values and keep the reader busy for minutes at gigabytes of memory. The
    parameter files are written by hand and need none: a value is written out where it is used.
    """
    loader = loader_class(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            mark = event.start_mark
            where = f"Zeichen {mark.column + 1}"
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise DataValidationError([Problem(str(path), mark.line + 1, None, (
                    f"YAML-Anker und -Verweise sind in Parameterdateien nicht erlaubt ({where}: „{sign}{anchor}“); "
                    "bitte den Wert an jeder Stelle ausschreiben (Text mit „&“ oder „*“ am Anfang in "
                    "Anführungszeichen setzen)"))])
            if depth > MAX_YAML_DEPTH:
                raise DataValidationError([Problem(str(path), mark.line + 1, None, (
                    f"zu tief verschachtelt ({where}): höchstens {MAX_YAML_DEPTH} Ebenen von Listen und "
                    "Zuordnungen erlaubt"))])
    finally:
        loader.dispose()


def _parse(text: str, loader_class: type, path: Path) -> tuple[Any, yaml.Node | None]:
    """Data and node tree of a YAML text (safe loader: no Python objects from tags), after a first pass over
    its events that refuses anchors, aliases and deep nesting (see :func:`_refuse_aliases_and_depth`)."""
    _refuse_aliases_and_depth(text, loader_class, path)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        _refuse_infinite_numbers(node, path)
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


_YAML_NOT_FINITE = re.compile(r"^[-+]?\.(inf|nan)$", re.IGNORECASE)


def _not_finite(text: str) -> bool:
    """Whether a plain scalar reads as a number that is no finite number: YAML's ``.inf``/``.nan``, or what
    Python's float() makes of it (``inf``, ``Infinity``, ``NaN``, ``1e999``, a 400-digit integer)."""
    if _YAML_NOT_FINITE.match(text):
        return True
    try:
        return not math.isfinite(float(text.replace("_", "")))
    except ValueError:
        return False


def _refuse_infinite_numbers(node: yaml.Node | None, path: Path) -> None:
    """Refuse every unquoted value that stands for infinity or "not a number", naming its line.

    A threshold or target of ``.inf`` or ``1e999`` passes every "greater than" check and then makes
    shares, attainments and classes meaningless; a quoted text (``"inf"``) stays a text.
    """
    problems, stack = [], [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            if not current.style and _not_finite(current.value):  # plain style: None, or "" from libyaml
                mark = current.start_mark
                shown = current.value if len(current.value) <= 30 else current.value[:27] + "..."
                problems.append(Problem(str(path), mark.line + 1, None, (
                    f"keine endliche Zahl (Zeichen {mark.column + 1}: '{shown}'): unendlich und „keine Zahl“ (NaN) "
                    "sind als Wert nicht erlaubt; einen Text bitte in Anführungszeichen setzen")))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in current.value for part in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    if problems:
        raise DataValidationError(sorted(problems, key=lambda problem: problem.row))


def load_yaml(path: str | Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; returns the data and its node tree (for line numbers). Syntax errors name the line.

    Files above :data:`MAX_YAML_BYTES`, anchors and aliases, and nesting deeper than :data:`MAX_YAML_DEPTH` are
    refused with a German problem: every parameter and mapping file is read here, so none can hang a run.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError([Problem(str(path), None, None, "Datei nicht gefunden")])
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise DataValidationError([Problem(str(path), None, None, (
            f"Datei ist zu groß für eine Parameterdatei ({german_number(size)} Bytes, höchstens "
            f"{german_number(MAX_YAML_BYTES)} Bytes)"))])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(str(path), None, None, f"Datei ist nicht UTF-8-kodiert (nicht lesbares "
                                                                  f"Byte an Position {exc.start + 1})")]) from exc
    try:
        try:
            return _parse(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader), path)
        except yaml.YAMLError:  # parse again with the pure-Python loader, whose messages the errors translate
            return _parse(text, yaml.SafeLoader, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        raise DataValidationError([Problem(str(path), row, None, yaml_problem(exc))]) from exc
    except yaml.YAMLError as exc:  # a character YAML does not allow at all (ReaderError)
        position = getattr(exc, "position", None)
        where = f" an Position {position + 1}" if isinstance(position, int) else ""
        raise DataValidationError([Problem(str(path), None, None,
                                           f"YAML-Syntaxfehler: unzulässiges Zeichen{where}")]) from exc


_YAML_PROBLEMS = (
    ("mapping values are not allowed", "ein Doppelpunkt ist hier nicht erlaubt (Text mit „:“ in "
                                       "Anführungszeichen setzen?)"),
    ("could not find expected ':'", "es fehlt ein Doppelpunkt nach dem Schlüssel"),
    ("found character '\\t' that cannot start any token", "Tabulator gefunden; bitte mit Leerzeichen einrücken"),
    ("found a tab character", "Tabulator gefunden; bitte mit Leerzeichen einrücken"),
    ("that cannot start any token", "ein Wert darf nicht mit diesem Zeichen beginnen (in Anführungszeichen setzen)"),
    ("found unexpected end of stream", "die Datei endet mitten in einem Wert (Anführungszeichen nicht geschlossen?)"),
    ("expected <block end>", "die Einrückung passt nicht zu den Zeilen darüber"),
    ("did not find expected key", "die Einrückung passt nicht zu den Zeilen darüber (Schlüssel erwartet)"),
    ("did not find expected '-' indicator", "die Einrückung passt nicht zu den Zeilen darüber (Listeneintrag mit "
                                            "„-“ erwartet)"),
    ("did not find expected node content", "hier fehlt ein Wert"),
    ("expected ',' or ']'", "Liste in eckigen Klammern nicht geschlossen (es fehlt „]“ oder ein Komma)"),
    ("expected ',' or '}'", "Zuordnung in geschweiften Klammern nicht geschlossen (es fehlt „}“ oder ein Komma)"),
    ("found undefined alias", "Verweis mit „*“ auf einen Anker, den es nicht gibt (Text mit „*“ in Anführungszeichen "
                              "setzen)"),
    ("found duplicate anchor", "Anker mit „&“ doppelt vergeben"),
    ("found unknown escape character", "unbekanntes Zeichen nach „\\“ in doppelten Anführungszeichen (einfache "
                                       "Anführungszeichen verwenden)"),
    ("found unhashable key", "eine Liste oder Zuordnung kann kein Schlüssel sein"),
    ("could not determine a constructor", "unbekannter Typ mit „!“ (Text mit „!“ in Anführungszeichen setzen)"),
    ("expected alphabetic or numeric character", "nach „&“ oder „*“ muss ein Name folgen (Text in Anführungszeichen "
                                                 "setzen)"),
    ("but found another document", "mehr als ein Dokument in der Datei („---“ nur einmal am Anfang)"),
)


def yaml_problem(error: yaml.MarkedYAMLError) -> str:
    """A German description of a YAML syntax error, with line and column (never PyYAML's English text)."""
    text = f"{error.context or ''} {error.problem or ''}"
    reason = next((german for english, german in _YAML_PROBLEMS if english in text),
                  "die Schreibweise ist kein gültiges YAML (Einrückung, Doppelpunkte und Anführungszeichen prüfen)")
    mark = error.problem_mark or error.context_mark
    where = f" (Zeile {mark.line + 1}, Zeichen {mark.column + 1})" if mark is not None else ""
    return f"YAML-Syntaxfehler{where}: {reason}"


_REGEX_PROBLEMS = (
    ("missing )", "eine Klammer „(“ wird nicht geschlossen"),
    ("unbalanced parenthesis", "eine Klammer „)“ hat kein Gegenstück"),
    ("unterminated character set", "eine eckige Klammer „[“ wird nicht geschlossen"),
    ("nothing to repeat", "„*“, „+“ oder „?“ steht ohne etwas davor, das wiederholt werden kann"),
    ("multiple repeat", "zwei Wiederholungszeichen hintereinander"),
    ("bad escape", "unbekanntes Zeichen nach „\\“"),
    ("bad character range", "ungültiger Bereich in eckigen Klammern"),
)


def regex_problem(error: re.error) -> str:
    """A German reason for a regular expression that does not compile (never Python's English text)."""
    reason = next((german for english, german in _REGEX_PROBLEMS if english in error.msg), "ungültige Schreibweise")
    where = f" bei Zeichen {error.pos + 1}" if error.pos is not None else ""
    return f"kein gültiger regulärer Ausdruck: {reason}{where}"


def parse_model(path: str | Path, model: type[Model]) -> Model:
    """Load a YAML file and validate it against a pydantic model; every error names line and key."""
    data, node = load_yaml(path)
    try:
        validated = model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise DataValidationError(validation_problems(exc, path, node)) from exc
    problems = [problem_at(path, node, loc, "keine endliche Zahl: unendlich und „keine Zahl“ (NaN) sind als Wert "
                                            "nicht erlaubt") for loc in _infinite_values(validated)]
    if problems:
        raise DataValidationError(problems)
    return validated


def _infinite_values(value: Any, loc: tuple = ()) -> list[tuple]:
    """Key paths of the floats in a validated model that are infinite or NaN: a quoted text such as ``"inf"``
    becomes one in a number field (unquoted ones are refused while parsing, see :func:`_refuse_infinite_numbers`)."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [loc]
    if isinstance(value, BaseModel):
        items = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _infinite_values(item, (*loc, key))]


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
    "int_from_float": "keine ganze Zahl (ohne Nachkommastellen angeben)",
    "int_parsing_size": "Zahl ist zu groß",
    "float_parsing": "keine Zahl (Dezimalpunkt verwenden, z. B. 1.5)",
    "float_type": "keine Zahl (Dezimalpunkt verwenden, z. B. 1.5)",
    "finite_number": "keine endliche Zahl",
    "decimal_parsing": "keine Zahl",
    "decimal_type": "keine Zahl",
    "string_type": "kein Text",
    "string_unicode": "kein gültiger Text (Zeichenkodierung)",
    "string_not_ascii": "nur Zeichen ohne Umlaute und Sonderzeichen erlaubt",
    "bool_parsing": "kein Wahrheitswert (true oder false)",
    "bool_type": "kein Wahrheitswert (true oder false)",
    "list_type": "keine Liste (Einträge mit „-“ oder in [eckigen Klammern])",
    "tuple_type": "keine Liste (Einträge mit „-“ oder in [eckigen Klammern])",
    "set_type": "keine Liste (Einträge mit „-“ oder in [eckigen Klammern])",
    "frozen_set_type": "keine Liste (Einträge mit „-“ oder in [eckigen Klammern])",
    "iterable_type": "keine Liste (Einträge mit „-“ oder in [eckigen Klammern])",
    "set_item_not_hashable": "Listeneintrag ist selbst eine Liste oder Zuordnung",
    "dict_type": "keine Zuordnung (Schlüssel: Wert)",
    "mapping_type": "keine Zuordnung (Schlüssel: Wert)",
    "model_type": "keine Zuordnung (Schlüssel: Wert)",
    "model_attributes_type": "keine Zuordnung (Schlüssel: Wert)",
    "dataclass_type": "keine Zuordnung (Schlüssel: Wert)",
    "invalid_key": "ungültiger Schlüssel",
    "none_required": "hier ist kein Wert erlaubt",
    "date_type": "kein Datum (JJJJ-MM-TT)",
    "date_parsing": "kein Datum (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "kein Datum (JJJJ-MM-TT)",
    "date_from_datetime_inexact": "ein Datum ohne Uhrzeit (JJJJ-MM-TT)",
    "datetime_type": "kein Zeitpunkt (JJJJ-MM-TT SS:MM)",
    "datetime_parsing": "kein Zeitpunkt (JJJJ-MM-TT SS:MM)",
    "datetime_from_date_parsing": "kein Zeitpunkt (JJJJ-MM-TT SS:MM)",
    "datetime_object_invalid": "kein Zeitpunkt (JJJJ-MM-TT SS:MM)",
    "time_type": "keine Uhrzeit (SS:MM)",
    "time_parsing": "keine Uhrzeit (SS:MM)",
    "time_delta_type": "keine Zeitdauer",
    "time_delta_parsing": "keine Zeitdauer",
    "date_past": "Datum muss in der Vergangenheit liegen",
    "date_future": "Datum muss in der Zukunft liegen",
    "datetime_past": "Zeitpunkt muss in der Vergangenheit liegen",
    "datetime_future": "Zeitpunkt muss in der Zukunft liegen",
    "url_type": "keine Internetadresse (https://...)",
    "url_parsing": "keine gültige Internetadresse (https://...)",
    "url_syntax_violation": "keine gültige Internetadresse (https://...)",
    "url_too_long": "Internetadresse ist zu lang",
    "url_scheme": "Internetadresse mit unzulässigem Schema (erlaubt: http, https)",
    "uuid_type": "keine UUID",
    "uuid_parsing": "keine UUID",
    "uuid_version": "UUID der falschen Version",
    "bytes_type": "kein Text",
    "bytes_invalid_encoding": "kein gültiger Text (Zeichenkodierung)",
    "union_tag_invalid": "unbekannte Art",
    "union_tag_not_found": "Angabe der Art fehlt",
    "callable_type": "kein gültiger Wert",
    "is_instance_of": "kein gültiger Wert",
    "is_subclass_of": "kein gültiger Wert",
    "json_invalid": "kein gültiges JSON",
    "json_type": "kein gültiges JSON",
    "recursion_loop": "Wert verweist auf sich selbst",
    "frozen_field": "Wert darf nicht geändert werden",
    "frozen_instance": "Wert darf nicht geändert werden",
    "complex_type": "keine Zahl",
    "complex_str_parsing": "keine Zahl",
    "fraction_type": "keine Zahl",
    "fraction_parsing": "keine Zahl",
}
"""German reasons for pydantic's error types that need no context; the others are built in :func:`_german`."""

_BOUNDS = {
    "greater_than": ("gt", "muss größer als {} sein"),
    "greater_than_equal": ("ge", "muss mindestens {} sein"),
    "less_than": ("lt", "muss kleiner als {} sein"),
    "less_than_equal": ("le", "darf höchstens {} sein"),
    "multiple_of": ("multiple_of", "muss ein Vielfaches von {} sein"),
}

_LENGTHS = {
    "too_short": ("min_length", "zu wenige Einträge: mindestens {} nötig"),
    "too_long": ("max_length", "zu viele Einträge: höchstens {} erlaubt"),
    "string_too_short": ("min_length", "Text zu kurz: mindestens {} Zeichen nötig"),
    "string_too_long": ("max_length", "Text zu lang: höchstens {} Zeichen erlaubt"),
    "bytes_too_short": ("min_length", "Text zu kurz: mindestens {} Zeichen nötig"),
    "bytes_too_long": ("max_length", "Text zu lang: höchstens {} Zeichen erlaubt"),
    "decimal_max_digits": ("max_digits", "zu viele Ziffern: höchstens {}"),
    "decimal_max_places": ("decimal_places", "zu viele Nachkommastellen: höchstens {}"),
    "decimal_whole_digits": ("whole_digits", "zu viele Stellen vor dem Komma: höchstens {}"),
}


def _bound(value: object) -> str:
    """A limit from a pydantic context in German form (numbers with decimal comma)."""
    return german_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _choices(expected: str) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") with a German "oder"."""
    return expected.replace(" or ", " oder ")


def _german(error: dict) -> str:
    """A German reason for one pydantic error, with the value found; never pydantic's English message."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    value = f" (Wert: {shown_value(error.get('input'))})"
    if kind in {"value_error", "assertion_error"}:  # our own validators raise German messages
        return str(context.get("error", "ungültiger Wert"))
    if kind in {"literal_error", "enum"}:
        return f"unzulässiger Wert {shown_value(error.get('input'))}, erlaubt: {_choices(str(context.get('expected', '')))}"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        allowed = PATTERN_DESCRIPTIONS.get(pattern, f"nach dem Muster {pattern}")
        return f"unzulässige Schreibweise{value}: erlaubt sind {allowed}"
    if kind in _BOUNDS:
        key, text = _BOUNDS[kind]
        return text.format(_bound(context.get(key))) + value
    if kind in _LENGTHS:
        key, text = _LENGTHS[kind]
        return text.format(_bound(context.get(key))) + value
    if kind in {"missing", "extra_forbidden"}:
        return _MESSAGES[kind]
    if kind in _MESSAGES:
        return _MESSAGES[kind] + value
    return f"ungültiger Wert{value} (Prüfregel {kind})"
