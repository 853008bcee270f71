"""Pydantic's validation errors as a person's problems: what was expected and what was given, at the line of
the key, in no pydantic jargon. Each problem is a msgid and its values (see :class:`~.yamlsource.Problem`)."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Collection, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from .errors import N_, Phrase
from .reasons import Reason
from .yamlsource import EXPECTED, Either, Located, Path_, Problem

Found = tuple[Path_, str, dict[str, Any]]  # where, a msgid, its values


def pydantic_problems(
    located: Located, exc: ValidationError, root: type[BaseModel], hidden: Collection[str] = ()
) -> list[Problem]:
    """Turn ``exc`` (from validating ``located.data`` as ``root``) into problems, in the file's line order.

    Messages say what was expected and what was given, with no pydantic jargon; the several errors a union
    gives for one value become one 'expected a or b'. ``hidden`` are fields filled in by code, never by the
    file, so never suggested.
    """
    messages: dict[Path_, list[tuple[str, dict[str, Any]]]] = {}
    expected: dict[Path_, tuple[list[Any], Any]] = {}
    for err in exc.errors():
        path = _clean_loc(located.data, err["loc"])
        if err["type"] in EXPECTED:
            phrases, _ = expected.setdefault(path, ([], err["input"]))
            phrase = _phrase(err)
            if str(phrase) not in map(str, phrases):
                phrases.append(phrase)
            messages.setdefault(path, [])
        else:
            path, message, values = _special_message(root, hidden, path, err)
            messages.setdefault(path, []).append((message, values))
    problems: list[Problem] = []
    for path, said in messages.items():
        if path in expected:
            phrases, given = expected[path]
            values = {"expected": Either(tuple(phrases)), "given": _shown(given)}
            said = [*said, (N_("expected {expected}, got {given}"), values)]
        seen: set[str] = set()
        for message, values in said:
            problem = located.problem(path, message, **values)
            if problem.text not in seen:
                seen.add(problem.text)
                problems.append(problem)
    return sorted(problems, key=lambda p: p.line or 0)


def _phrase(err: Any) -> Any:
    """What a type or range error expected: a :class:`Phrase`, or the literal values allowed."""
    context = {key: value for key, value in err.get("ctx", {}).items() if key != "error"}
    if err["type"] == "literal_error":
        return _literals(str(context.get("expected", "")))
    return Phrase(EXPECTED[err["type"]], **context)


#: A literal value as pydantic shows it (its ``repr``): a quoted text, a number, true or false.
_LITERAL = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+|True|False|None""")


def _literals(expected: str) -> Any:
    """Pydantic's ``'a', 'b' or 'c'`` as an :class:`Either` of ``('a', 'b')`` and ``'c'``, its words translated
    in turn (as it stands, if it is not of that form)."""
    items = _LITERAL.findall(expected)
    if len(items) < 2 or f"{', '.join(items[:-1])} or {items[-1]}" != expected:
        return expected
    return Either((tuple(items[:-1]), items[-1]))


def _special_message(model: type[BaseModel], hidden: Collection[str], path: Path_, err: Any) -> Found:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = tuple(_allowed_keys(model, path[:-1], hidden))
        close = _close(path[-1], allowed)
        if allowed:
            message = (
                N_("unknown key '{key}' (did you mean '{close}'?); expected one of: {allowed}")
                if close
                else N_("unknown key '{key}'; expected one of: {allowed}")
            )
        else:
            message = N_("unknown key '{key}'")
        return path, message, {"key": path[-1], "close": close, "allowed": allowed}
    if kind == "missing":
        return path, N_("is required but missing"), {}
    if kind == "string_pattern_mismatch":
        return _mismatch(path, err)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = err["ctx"]["discriminator"].strip("'")
        tags = tuple(_tags_at(model, path, key))
        given = err["input"].get(key) if isinstance(err["input"], dict) else None
        if given is None:
            return (*path, key), N_("is required but missing; expected one of: {tags}"), {"tags": tags}
        close = _close(given, tags)
        message = (
            N_("unknown {key} '{given}' (did you mean '{close}'?); expected one of: {tags}")
            if close
            else N_("unknown {key} '{given}'; expected one of: {tags}")
        )
        return (*path, key), message, {"key": key, "given": given, "close": close, "tags": tags}
    if kind == "value_error":
        return (path, *_refusal(err["ctx"]["error"]))
    detail = f"{err['msg'][0].lower()}{err['msg'][1:]}"  # pydantic's own words, for an error not foreseen here
    return path, N_("{detail}, got {given}"), {"detail": detail, "given": _shown(err["input"])}


def _mismatch(path: Path_, err: Any) -> Found:
    pattern = err["ctx"]["pattern"]
    if pattern.startswith("^[a-z][a-z0-9"):
        joiner = "_" if "_" in pattern else "-"
        message = N_(
            "'{given}' is not a valid id; expected lower-case letters, digits and '{joiner}', starting with a letter"
        )
        return path, message, {"given": err["input"], "joiner": joiner}
    return path, N_("'{given}' does not match the expected form {pattern}"), {"given": err["input"], "pattern": pattern}


def _refusal(error: Exception) -> tuple[str, dict[str, Any]]:
    """A validator's ``ValueError`` as a msgid and its values: its own where it carries them (a
    :class:`~.yamlsource.WrongValueError`, an engine's error, a reason inside it), else its text as it stands."""
    message, values = getattr(error, "message", None), getattr(error, "values", None)
    if isinstance(message, str) and isinstance(values, Mapping):
        return message, dict(values)
    carried = error.args[0] if error.args else None
    if isinstance(carried, Reason) or (hasattr(carried, "message") and hasattr(carried, "values")):
        return N_("{detail}"), {"detail": carried}
    return N_("{detail}"), {"detail": str(error)}


def _close(given: Any, options: Collection[str]) -> str:
    close = difflib.get_close_matches(str(given), list(options), n=1)
    return close[0] if close else ""


def _shown(value: Any) -> Any:
    """A value given in the file, for 'got ...': its words where it is nothing or a collection, else its repr."""
    if value is None:
        return Phrase(N_("nothing"))
    if value in ("", [], {}):
        empty = N_("an empty list") if value == [] else N_("an empty mapping") if value == {} else N_("an empty value")
        return Phrase(empty)
    if isinstance(value, dict | list):
        return Phrase(N_("a mapping") if isinstance(value, dict) else N_("a list"))
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
