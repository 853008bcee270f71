"""My work: what waits on the signed-in person across programmes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from .services import services

bp = Blueprint("home", __name__)


@bp.get("/")
def my_work() -> Any:
    deputising = services().programmes.deputising(g.actor) if g.actor.person_id else ()
    work = services().portfolio.my_work(g.actor, services().programmes.clock())
    return render_template("my_work.html", work=work, deputising=deputising)
