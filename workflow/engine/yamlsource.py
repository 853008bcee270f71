"""Read YAML into plain Python data while remembering the line of every key and list item.

PyYAML throws away positions once it has built objects. We compose the node tree instead and convert it
ourselves, so that a validation error about ``stages[3].gate`` can name the file and line a person must edit.
:func:`pydantic_problems` then turns a model's validation errors into problems in plain words.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ValidationError

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, in the words a person needs to fix it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class SourceError(Exception):
    """A YAML document could not be read or failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.message, self.values = "{problems}", {"problems": tuple(problems)}  # as a BannsError says it
        Exception.__init__(self, "\n".join(str(p) for p in problems))


def dotted(path: Path_) -> str:
    """Render a path the way people write it: ``stages[2].gate.criteria[0].id``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


@dataclass
class Located:
    """Plain data from a YAML document plus the line (1-based) of every path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), dotted(path), message)


#: Limits on what is read, so that a hostile or mistaken document is refused at once, whole, with its line:
#: the size of the text, how deeply it nests, and how many values it holds once aliases are expanded (a
#: "billion laughs" document is a few lines that expand to 10^9 values).
MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_VALUES = 100_000


class _Refused(Exception):
    def __init__(self, line: int | None, message: str, field: str = "") -> None:
        self.line, self.message, self.field = line, message, field  # a document over a limit: refused whole


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a document nested deeper than :data:`MAX_DEPTH` while composing it."""

    depth = aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.aliases += self.check_event(yaml.AliasEvent)
        collection = self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent)
        self.depth += collection
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Refused(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep; banns reads at most that")
            return super().compose_node(parent, index)
        finally:
            self.depth -= collection


def load_yaml(text: str, file: str) -> Located:
    """Parse one YAML document into :class:`Located` data.

    Raises:
        SourceError: the text is not YAML, holds several documents, repeats a key in a mapping, or is over
            the limits (size, nesting, values after expanding aliases, an alias inside itself).
    """
    _check_size(len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8")), file)
    loader: _Loader | None = None
    problems: list[Problem] = []
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            raise SourceError([Problem(file, 1, "", "the file is empty; expected a mapping")])
        located = Located(file, None, {(): node.start_mark.line + 1})
        located.data = _Converter(loader, located, problems).convert(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError([Problem(file, line, "", f"not valid YAML: {exc.problem or exc}")]) from None
    except yaml.reader.ReaderError as exc:
        what = f"not valid YAML: it holds a control character (U+{exc.character:04X}) that YAML does not allow"
        raise SourceError([Problem(file, text.count("\n", 0, exc.position) + 1, "", what)]) from None
    except yaml.YAMLError as exc:
        raise SourceError([Problem(file, None, "", f"not valid YAML: {exc}")]) from None
    except _Refused as exc:
        raise SourceError([Problem(file, exc.line, exc.field, exc.message)]) from None
    except RecursionError:  # a last resort: the limits above refuse a document first
        raise SourceError([Problem(file, None, "", "nested too deeply to read")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if problems:
        raise SourceError(problems)
    return located


def load_yaml_file(path: Path) -> Located:
    """Read and parse ``path``; see :func:`load_yaml`.

    Raises:
        SourceError: the file cannot be read or parsed.
    """
    return load_yaml(read_source(path), str(path))


def read_source(path: Path) -> str:
    """The text of ``path``, refused before it is read if it is over :data:`MAX_BYTES`.

    Raises:
        SourceError: the file cannot be read, is not UTF-8, or is too large.
    """
    try:
        _check_size(path.stat().st_size, str(path))
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError([Problem(str(path), None, "", f"cannot be read: {exc}")]) from None


def _check_size(size: int, file: str) -> None:
    if size > MAX_BYTES:
        raise SourceError([Problem(file, None, "", f"is {size:,} bytes; banns reads at most {MAX_BYTES:,}")])


class _Converter:
    """The node tree as plain data, with the line of every key and item; counts the values it makes, and
    refuses an alias that contains itself."""

    def __init__(self, loader: _Loader, located: Located, problems: list[Problem]) -> None:
        self.loader, self.located, self.problems = loader, located, problems
        self.values = 0
        self.open: set[int] = set()  # the collections being converted, to catch an alias inside itself

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            aliases = ", once its aliases (*name) are expanded" if self.loader.aliases else ""
            message = f"the document holds more than {MAX_VALUES:,} values by here{aliases}; banns reads at most that"
            raise _Refused(self.located.line_of(path[:1]), message, dotted(path[:1]))
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.open:
            raise _Refused(node.start_mark.line + 1, "an alias (*name) refers to a value that contains it")
        self.open.add(id(node))
        try:
            return self._mapping(node, path) if isinstance(node, yaml.MappingNode) else self._sequence(node, path)
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        located, result = self.located, {}
        for key_node, value_node in node.value:
            key = self.convert(key_node, path)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int):
                kind = type(key).__name__
                self.problems.append(Problem(located.file, line, dotted(path), f"keys must be text, not {kind}"))
                continue
            child = (*path, key)
            if key in result:
                first = f"first given on line {located.lines[child]}"
                self.problems.append(Problem(located.file, line, dotted(child), f"duplicate key ({first})"))
                continue
            located.lines[child] = line
            result[key] = self.convert(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: Path_) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            self.located.lines[child] = item.start_mark.line + 1
            items.append(self.convert(item, child))
        return items


# --- turning pydantic's errors into a person's ------------------------------------------------------------


def pydantic_problems(
    located: Located, exc: ValidationError, root: type[BaseModel], hidden: Collection[str] = ()
) -> list[Problem]:
    """Turn ``exc`` (from validating ``located.data`` as ``root``) into problems, in the file's line order.

    Messages say what was expected and what was given, with no pydantic jargon; the several errors a union
    gives for one value become one 'expected a or b'. ``hidden`` are fields filled in by code, never by the
    file, so never suggested.
    """
    messages: dict[Path_, list[str]] = {}
    expected: dict[Path_, tuple[list[str], Any]] = {}
    for err in exc.errors():
        path = _clean_loc(located.data, err["loc"])
        phrase = EXPECTED.get(err["type"])
        if phrase is not None:
            phrases, _ = expected.setdefault(path, ([], err["input"]))
            phrase = phrase.format(**err.get("ctx", {}))
            if phrase not in phrases:
                phrases.append(phrase)
            messages.setdefault(path, [])
        else:
            path, message = _special_message(root, hidden, path, err)
            messages.setdefault(path, []).append(message)
    problems: list[Problem] = []
    for path, texts in messages.items():
        if path in expected:
            phrases, given = expected[path]
            texts = [*texts, f"expected {' or '.join(phrases)}, got {_shown(given)}"]
        problems.extend(located.problem(path, text) for text in dict.fromkeys(texts))
    return sorted(problems, key=lambda p: p.line or 0)


#: What a type or range error expected, in plain words; ``{...}`` is filled from the error's context.
EXPECTED = {
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "a whole number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "true or false"),
    "string_type": "text",
    "string_too_short": "some text",
    "string_too_long": "at most {max_length} characters",
    "list_type": "a list",
    "too_short": "at least {min_length} item(s)",
    "too_long": "at most {max_length} items",
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "a mapping of keys"),
    **dict.fromkeys(("decimal_type", "decimal_parsing", "float_type", "float_parsing"), "a number"),
    "finite_number": "a finite number",
    "greater_than": "a number greater than {gt}",
    "greater_than_equal": "a number of at least {ge}",
    "less_than": "a number less than {lt}",
    "less_than_equal": "a number no greater than {le}",
    **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing"), "a date (YYYY-MM-DD)"),
    "literal_error": "{expected}",
}


def _special_message(model: type[BaseModel], hidden: Collection[str], path: Path_, err: Any) -> tuple[Path_, str]:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path[:-1], hidden)
        listed = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return path, f"unknown key '{path[-1]}'{_did_you_mean(path[-1], allowed)}{listed}"
    if kind == "missing":
        return path, "is required but missing"
    if kind == "string_pattern_mismatch":
        pattern = err["ctx"]["pattern"]
        if pattern.startswith("^[a-z][a-z0-9"):
            joiner = "_" if "_" in pattern else "-"
            return path, (
                f"'{err['input']}' is not a valid id; expected lower-case letters, digits and "
                f"'{joiner}', starting with a letter"
            )
        return path, f"'{err['input']}' does not match the expected form {pattern}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = err["ctx"]["discriminator"].strip("'")
        tags = _tags_at(model, path, key)
        given = err["input"].get(key) if isinstance(err["input"], dict) else None
        if given is None:
            return (*path, key), f"is required but missing; expected one of: {', '.join(tags)}"
        return (*path, key), f"unknown {key} '{given}'{_did_you_mean(given, tags)}; expected one of: {', '.join(tags)}"
    if kind == "value_error":
        return path, str(err["ctx"]["error"])
    return path, f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_shown(err['input'])}"


def _did_you_mean(given: Any, options: list[str]) -> str:
    close = difflib.get_close_matches(str(given), options, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if value in ("", [], {}):
        return "an empty " + ("list" if value == [] else "mapping" if value == {} else "value")
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    shown = repr(value)  # repr: a control character shows as its escape
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Map pydantic's location to a path in the document.

    Pydantic adds parts that are not in the document: union tags (``sign_off_pending``), type names
    (``literal['all']``) and ``[key]`` for a mapping key that failed. A key missing from the document (a
    required field, an unknown key) ends the path.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        if part == "[key]":
            break  # a mapping key failed validation: the key itself is at fault
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
        elif isinstance(part, str) and part.startswith("<"):
            continue  # a tag of the form a bilingual text took (see workflow.engine.bilingual)
        elif isinstance(current, dict) and part in current.values():
            continue  # a discriminated union's tag
        elif isinstance(current, dict):
            path.append(part)
            break
        else:
            break
        path.append(part)
    return tuple(path)


def _annotation_at(model: type[BaseModel], path: Path_) -> Any:
    annotation: Any = model
    for part in path:
        if (annotation := _step(annotation, part)) is None:
            return None
    return annotation


def _allowed_keys(model: type[BaseModel], path: Path_, hidden: Collection[str]) -> list[str]:
    """The keys a mapping at ``path`` may have, found by walking the model's annotations."""
    found = _model_of(_annotation_at(model, path))
    return [f.alias or name for name, f in found.model_fields.items() if name not in hidden] if found else []


def _tags_at(model: type[BaseModel], path: Path_, key: str) -> list[str]:
    """The values ``key`` may take in the discriminated union at ``path``."""
    tags: list[str] = []
    for arg in _args(_annotation_at(model, path)):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and key in arg.model_fields:
            tags.extend(str(v) for v in typing.get_args(arg.model_fields[key].annotation))
    return tags


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_of(annotation)
    if model is not None and isinstance(part, str):
        for name, f in model.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    for arg in _args(annotation):
        origin = typing.get_origin(arg)
        if origin is list and isinstance(part, int):
            return typing.get_args(arg)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(arg)[1]
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return next((a for a in _args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)), None)


def _args(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is Annotated:
        return _args(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _args(arg)]
    return [annotation]
