"""The documented schema of the open data: a Frictionless Data Package (``datapackage.json``) with a Table
Schema for each CSV file, and a JSON Schema (draft 2020-12) for each JSON file, made from :mod:`.datasets`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .datasets import DATASETS, Dataset, Field

LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Money as exact text: pounds, a point, pence.
DECIMAL_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TABLE_TYPES = {"integer": "integer", "string": "string", "date": "date", "boolean": "boolean", "decimal": "number"}


def csv_name(dataset: Dataset) -> str:
    return f"{dataset.name}.csv"


def json_name(dataset: Dataset) -> str:
    return f"{dataset.name}.json"


def schema_name(dataset: Dataset) -> str:
    return f"{dataset.name}.schema.json"


def table_field(field: Field) -> dict[str, Any]:
    """A field of a Table Schema."""
    out: dict[str, Any] = {
        "name": field.name,
        "type": _TABLE_TYPES[field.type],
        "title": field.title,
        "description": field.description,
    }
    if field.type == "date":
        out["format"] = "default"  # ISO 8601: YYYY-MM-DD
    if field.type == "boolean":
        out |= {"trueValues": ["true"], "falseValues": ["false"]}
    if field.type == "decimal":
        out |= {"decimalChar": ".", "bareNumber": True}
    constraints: dict[str, Any] = {}
    if field.required:
        constraints["required"] = True
    if field.enum:
        constraints["enum"] = list(field.enum)
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(dataset: Dataset) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [table_field(f) for f in dataset.fields],
        "missingValues": [""],
        "primaryKey": list(dataset.primary_key),
    }
    if dataset.name != "programmes":
        schema["foreignKeys"] = [
            {"fields": "programme_id", "reference": {"resource": "programmes", "fields": "programme_id"}}
        ]
    return schema


def json_property(field: Field) -> dict[str, Any]:
    """A row's property in a JSON Schema: dates and money as text, null where the field may be empty."""
    base: dict[str, Any] = {"title": field.title, "description": field.description}
    if field.type == "date":
        base |= {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    elif field.type == "decimal":
        base |= {"type": "string", "pattern": DECIMAL_PATTERN}
    else:
        base["type"] = field.type
    if field.enum:
        base["enum"] = [*field.enum, *([] if field.required else [None])]
    if not field.required:
        base["type"] = [base["type"], "null"]
    return base


def json_schema(dataset: Dataset) -> dict[str, Any]:
    """The JSON Schema of ``<dataset>.json``: ``{"dataset": name, "rows": [...]}``, one object per row."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_name(dataset),
        "title": dataset.title,
        "description": dataset.description,
        "type": "object",
        "required": ["dataset", "rows"],
        "additionalProperties": False,
        "properties": {
            "dataset": {"const": dataset.name},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": list(dataset.field_names),
                    "additionalProperties": False,
                    "properties": {f.name: json_property(f) for f in dataset.fields},
                },
            },
        },
    }


def data_package(changed_at: datetime | None) -> dict[str, Any]:
    """The Frictionless Data Package descriptor: every CSV resource with its Table Schema inline, and every
    JSON file with its JSON Schema by path. ``created`` is when the published data last changed, so the same
    data always makes the same files."""
    package: dict[str, Any] = {
        "profile": "data-package",  # the CSV resources are tabular (Table Schema); the JSON ones are not
        "name": "banns-open-data",
        "title": "Shared-service partnership programmes",
        "description": (
            "Published partnership programmes between public bodies: partners, stages, gate outcomes, "
            "partners' decisions and business-case figures (Local Government Transparency Code)."
        ),
        "licenses": [LICENCE],
    }
    if changed_at is not None:
        package["created"] = changed_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    resources: list[dict[str, Any]] = []
    for d in DATASETS:
        resources.append(
            {
                "name": d.name,
                "title": d.title,
                "description": d.description,
                "path": csv_name(d),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": table_schema(d),
            }
        )
        resources.append(
            {
                "name": f"{d.name}-json",
                "title": d.title,
                "path": json_name(d),
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "schema": schema_name(d),
            }
        )
    package["resources"] = resources
    return package
