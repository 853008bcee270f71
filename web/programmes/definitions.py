"""Lifecycle definitions: list and view; a broken file (or two files with one id) shows its errors, and the
lifecycles programmes run on are listed with their files' latest versions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from web.services import services

bp = Blueprint("definitions", __name__, url_prefix="/definitions")


@bp.get("")
def index() -> Any:
    return render_template(
        "definitions/index.html",
        catalogue=services().registry.catalogue(),
        in_use=services().portfolio.lifecycles_in_use(),
    )


@bp.get("/<definition_id>")
def show(definition_id: str) -> Any:
    catalogue = services().registry.catalogue()
    definition = catalogue.definitions.get(definition_id)
    if definition is None:
        abort(404)
    return render_template("definitions/show.html", d=definition)
