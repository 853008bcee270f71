"""``--json``: the command line prints the JSON API's own shapes (:mod:`workflow.shapes`), so a script reads
``banns programme show --json`` and ``GET /api/v1/programmes/{id}`` alike. Imported only when ``--json`` is
asked for: pydantic's start-up cost stays off the plain commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click
from pydantic import BaseModel, TypeAdapter


def echo_shaped(shape: type[BaseModel], value: Any) -> None:
    """Print ``value`` (an engine view) as ``shape``, indented."""
    click.echo(shape.model_validate(value).model_dump_json(indent=2))


def echo_shaped_list(shape: type[BaseModel], values: Iterable[Any], **context: Any) -> None:
    """Print ``values`` as a JSON list of ``shape`` (``context``: what the shape asks, e.g. ``today``)."""
    items = [shape.model_validate(v, context=context or None) for v in values]
    click.echo(TypeAdapter(list[shape]).dump_json(items, indent=2).decode())  # type: ignore[valid-type]
