"""Checking open-data files against their schemas: a JSON file against its JSON Schema (draft 2020-12, with
jsonschema-rs), a CSV file against its Table Schema in datapackage.json (header, types, required values,
enums, primary and foreign keys) as the Frictionless specification says."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema_rs

INTEGER = re.compile(r"^-?[0-9]+$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def check_json(content: bytes, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON file's data, after checking the schema is a valid 2020-12 schema and the data meets it."""
    jsonschema_rs.meta.validate(schema)
    data = json.loads(content.decode("utf-8"))
    jsonschema_rs.Draft202012Validator(schema, validate_formats=True).validate(data)
    return data  # type: ignore[no-any-return]


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert not text.startswith("\ufeff"), "no byte-order mark"
    return list(csv.reader(io.StringIO(text, newline="")))


def check_cell(value: str, field: dict[str, Any], missing: list[str]) -> Any:
    """The cell's value in its Table Schema type; raises AssertionError when it does not fit."""
    constraints = field.get("constraints", {})
    where = field["name"]
    if value in missing:
        assert not constraints.get("required"), f"{where}: required but empty"
        return None
    kind = field["type"]
    if kind == "integer":
        assert INTEGER.match(value), f"{where}: {value!r} is not an integer"
        typed: Any = int(value)
    elif kind == "number":
        assert NUMBER.match(value), f"{where}: {value!r} is not a bare number"
        typed = Decimal(value)
    elif kind == "date":
        typed = date.fromisoformat(value)
        assert typed.isoformat() == value, f"{where}: {value!r} is not YYYY-MM-DD"
    elif kind == "boolean":
        assert value in field["trueValues"] + field["falseValues"], f"{where}: {value!r} is not a boolean"
        typed = value in field["trueValues"]
    else:
        assert kind == "string", f"{where}: unknown type {kind}"
        typed = value
    if "enum" in constraints:
        assert value in constraints["enum"], f"{where}: {value!r} not in {constraints['enum']}"
    return typed


def check_csv(content: bytes, resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV's rows as typed dicts, after checking each cell against the resource's Table Schema."""
    schema = resource["schema"]
    names = [f["name"] for f in schema["fields"]]
    rows = csv_rows(content)
    assert rows, "a header row"
    assert rows[0] == names, f"{resource['path']}: header {rows[0]} is not the schema's {names}"
    typed = []
    for row in rows[1:]:
        assert len(row) == len(names), f"{resource['path']}: {row} has {len(row)} cells"
        cells = zip(row, schema["fields"], strict=True)
        typed.append({f["name"]: check_cell(v, f, schema["missingValues"]) for v, f in cells})
    keys = [tuple(r[k] for k in schema["primaryKey"]) for r in typed]
    assert len(keys) == len(set(keys)), f"{resource['path']}: primary key {schema['primaryKey']} repeats"
    return typed
