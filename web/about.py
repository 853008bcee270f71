"""The pages a UK public-sector service must link from every page: its accessibility statement, privacy
notice and cookies page; and the favicon. Open without signing in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, url_for

bp = Blueprint("about", __name__)


def _contact() -> str:
    """Whom to write to about the service, as the instance sets it (``CONTACT_EMAIL`` in banns.toml)."""
    return str(current_app.config.get("CONTACT_EMAIL") or "")


@bp.get("/accessibility")
def accessibility() -> Any:
    return render_template("about/accessibility.html", contact=_contact())


@bp.get("/privacy")
def privacy() -> Any:
    return render_template("about/privacy.html", contact=_contact())


@bp.get("/cookies")
def cookies() -> Any:
    return render_template("about/cookies.html")


@bp.get("/favicon.ico")
def favicon() -> Any:
    return redirect(url_for("static", filename="favicon.svg"), code=301)
