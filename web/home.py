"""My work: what waits on the signed-in person across programmes, a page at a time."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, request

from web.services import services

bp = Blueprint("home", __name__)


@bp.get("/")
def my_work() -> Any:
    deputising = services().programmes.deputising(g.actor) if g.actor.person_id else ()
    work = services().portfolio.my_work(
        g.actor,
        services().programmes.clock(),
        page=max(request.args.get("page", 1, type=int) or 1, 1),
        managed_page=max(request.args.get("managed_page", 1, type=int) or 1, 1),
        per_page=current_app.config["PORTFOLIO_PAGE_SIZE"],
    )
    args = {k: v for k, v in request.args.items() if k in ("page", "managed_page")}
    return render_template("my_work.html", work=work, deputising=deputising, args=args)
