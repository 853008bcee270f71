"""The API's reference, readable in a browser and served by the app itself (no script, font or page from
elsewhere): every operation, its parameters, body and answers, and every schema's fields, all read from
the same OpenAPI document as ``openapi.json``."""

from __future__ import annotations

from typing import Any

from flask import render_template

#: JSON Schema types in words
TYPES = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true or false", "null": "null"}


def type_words(schema: dict[str, Any]) -> str:
    """A schema's type as a reader says it: ``text``, ``list of Evidence``, ``Gate or null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_words(s) for s in schema["anyOf"])
    if "enum" in schema or "const" in schema:
        return "one of " + ", ".join(repr(v) for v in schema.get("enum", [schema.get("const")]))
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_words(schema.get("items", {}))
    if kind == "object":
        return "object"
    words = TYPES.get(str(kind), str(kind))
    return f"{words} ({schema['format']})" if "format" in schema else words


def fields(schema: dict[str, Any]) -> list[tuple[str, str, bool, str]]:
    """A schema's fields: name, type in words, whether required, description."""
    required = set(schema.get("required", []))
    return [
        (name, type_words(field), name in required, str(field.get("description", "")))
        for name, field in schema.get("properties", {}).items()
    ]


def render(doc: dict[str, Any]) -> Any:
    operations = [
        (method.upper(), path, op) for path, methods in doc["paths"].items() for method, op in methods.items()
    ]
    schemas = sorted(doc["components"]["schemas"].items())
    return render_template(
        "api/reference.html", doc=doc, operations=operations, schemas=schemas, fields=fields, type_words=type_words
    )
