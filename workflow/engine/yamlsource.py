"""Read YAML into plain Python data while remembering the line of every key and list item.

PyYAML throws away positions once it has built objects. We compose the node tree instead and convert it
ourselves, so that a validation error about ``stages[3].gate`` can name the file and line a person must edit.
:func:`~.yamlproblems.pydantic_problems` then turns a model's validation errors into problems in plain words.

A :class:`Problem` says what is wrong as data, like an engine's error: ``message`` is an English msgid marked
with ``N_`` and ``values`` fill its ``{placeholders}``; :func:`workflow.words.problem_text` renders it in a
person's language, and ``str()`` gives its English (logs, tests).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import N_, english

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, as data a person's words are made of: where (``file``, ``line``, ``field``,
    the dotted path of the key) and what (``message``, a msgid, filled with ``values``)."""

    file: str
    line: int | None
    field: str
    message: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        """The message in English, filled in (logs, tests); :func:`workflow.words.problem_message` in words."""
        return english(self.message, dict(self.values))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.text}" if self.field else f"{where}: {self.text}"


@dataclass(frozen=True)
class Either:
    """Alternatives: ``a or b or c`` (each a :class:`Phrase`, a value, or a tuple of values joined ``, ``)."""

    options: tuple[Any, ...]

    def __str__(self) -> str:
        return " or ".join(english("{option}", {"option": option}) for option in self.options)


class WrongValueError(ValueError):
    """A validator's refusal of a value, as a msgid and its values: pydantic keeps the exception (its error's
    ``ctx["error"]``), and :func:`~.yamlproblems.pydantic_problems` makes a problem of it."""

    def __init__(self, message: str, /, **values: Any) -> None:
        self.message, self.values = message, values
        super().__init__(english(message, dict(values)))


class SourceError(Exception):
    """A YAML document could not be read or failed validation; carries every problem found (``say`` renders
    them, one to a line)."""

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

    def problem(self, path: Path_, message: str, /, **values: Any) -> Problem:
        """A problem at ``path``: ``message`` a msgid, filled with ``values``."""
        return Problem(self.file, self.line_of(path), dotted(path), message, values)


#: Limits on what is read, so that a hostile or mistaken document is refused at once, whole, with its line:
#: the size of the text, how deeply it nests, and how many values it holds once aliases are expanded (a
#: "billion laughs" document is a few lines that expand to 10^9 values).
MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_VALUES = 100_000


class _Refused(Exception):
    def __init__(self, line: int | None, field: str, message: str, /, **values: Any) -> None:
        self.line, self.field = line, field  # a document over a limit: refused whole
        self.message, self.values = message, values


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
                raise _Refused(
                    mark.line + 1,
                    "",
                    N_("nested more than {depth} levels deep; banns reads at most that"),
                    depth=MAX_DEPTH,
                )
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
            raise SourceError([Problem(file, 1, "", N_("the file is empty; expected a mapping"))])
        located = Located(file, None, {(): node.start_mark.line + 1})
        located.data = _Converter(loader, located, problems).convert(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = {"detail": exc.problem or str(exc)}  # PyYAML's own words
        raise SourceError([Problem(file, line, "", N_("not valid YAML: {detail}"), detail)]) from None
    except yaml.reader.ReaderError as exc:
        what = N_("not valid YAML: it holds a control character (U+{code}) that YAML does not allow")
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError([Problem(file, line, "", what, {"code": f"{exc.character:04X}"})]) from None
    except yaml.YAMLError as exc:
        raise SourceError([Problem(file, None, "", N_("not valid YAML: {detail}"), {"detail": str(exc)})]) from None
    except _Refused as exc:
        raise SourceError([Problem(file, exc.line, exc.field, exc.message, exc.values)]) from None
    except RecursionError:  # a last resort: the limits above refuse a document first
        raise SourceError([Problem(file, None, "", N_("nested too deeply to read"))]) from None
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
        raise SourceError(
            [Problem(str(path), None, "", N_("cannot be read: {detail}"), {"detail": str(exc)})]
        ) from None


def _check_size(size: int, file: str) -> None:
    if size > MAX_BYTES:
        what = N_("is {size} bytes; banns reads at most {limit}")
        raise SourceError([Problem(file, None, "", what, {"size": f"{size:,}", "limit": f"{MAX_BYTES:,}"})])


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
            message = (
                N_(
                    "the document holds more than {limit} values by here, once its aliases (*name) are expanded; "
                    "banns reads at most that"
                )
                if self.loader.aliases
                else N_("the document holds more than {limit} values by here; banns reads at most that")
            )
            raise _Refused(self.located.line_of(path[:1]), dotted(path[:1]), message, limit=f"{MAX_VALUES:,}")
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.open:
            raise _Refused(node.start_mark.line + 1, "", N_("an alias (*name) refers to a value that contains it"))
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
                kind = {"kind": type(key).__name__}
                self.problems.append(
                    Problem(located.file, line, dotted(path), N_("keys must be text, not {kind}"), kind)
                )
                continue
            child = (*path, key)
            if key in result:
                first = {"first": located.lines[child]}
                what = N_("duplicate key (first given on line {first})")
                self.problems.append(Problem(located.file, line, dotted(child), what, first))
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


#: What a type or range error of pydantic expected, in plain words (msgids); ``{...}`` is filled from the
#: error's context (see :func:`~.yamlproblems.pydantic_problems`).
EXPECTED = {
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), N_("a whole number")),
    **dict.fromkeys(("bool_type", "bool_parsing"), N_("true or false")),
    "string_type": N_("text"),
    "string_too_short": N_("some text"),
    "string_too_long": N_("at most {max_length} characters"),
    "list_type": N_("a list"),
    "too_short": N_("at least {min_length} item(s)"),
    "too_long": N_("at most {max_length} items"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), N_("a mapping of keys")),
    **dict.fromkeys(("decimal_type", "decimal_parsing", "float_type", "float_parsing"), N_("a number")),
    "finite_number": N_("a finite number"),
    "greater_than": N_("a number greater than {gt}"),
    "greater_than_equal": N_("a number of at least {ge}"),
    "less_than": N_("a number less than {lt}"),
    "less_than_equal": N_("a number no greater than {le}"),
    **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing"), N_("a date (YYYY-MM-DD)")),
    "literal_error": "{expected}",
}
