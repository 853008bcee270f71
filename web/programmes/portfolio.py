"""The portfolio: a dashboard of the programmes a person may see (counts by stage and delivery confidence,
overdue stages, sign-offs waiting longest, gates coming up), then the programmes themselves, searched,
filtered and a page at a time. Registered as ``programmes.portfolio`` by :mod:`web.programmes.pages`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, render_template, request
from werkzeug.datastructures import MultiDict

from web.gates.decisions import BODY_TITLES
from web.services import now, services
from workflow.engine.portfolio import NO_VALUE, SORTS, STATUSES, PortfolioPage, PortfolioQuery
from workflow.money.benefits import SCALES

#: The arguments a filter sets; "show all" clears them (the search too) and asks for every status.
FILTERS = ("q", "state", "definition", "partner", "confidence", "status")


def portfolio() -> Any:
    """The dashboard and one page of the programmes that match the search and filters."""
    query = query_from(request.args, current_app.config["PORTFOLIO_PAGE_SIZE"])
    page = services().portfolio.page(g.actor, query, now())
    return render_template(
        "programmes/portfolio.html",
        page=page,
        can_create=may_create(),
        today=now().astimezone(ZoneInfo("Europe/London")).date(),
        ratings=ratings(page),
        rating_options=SCALES["gateway"],
        body_titles=BODY_TITLES,
        args={k: v for k, v in request.args.items() if v},
        show_all={"status": "all", **({"sort": query.sort} if query.sort != "name" else {})},
        confidence=request.args.get("confidence", ""),
    )


def query_from(args: MultiDict[str, str], per_page: int) -> PortfolioQuery:
    """The query a GET form asks for; unknown values fall back to the defaults."""
    status = args.get("status", "current")
    sort = args.get("sort", "name")
    confidence = args.get("confidence", "").strip()[:40]
    return PortfolioQuery(
        search=(args.get("q") or args.get("search") or "").strip()[:200],
        state=args.get("state", "").strip()[:60],
        definition=args.get("definition", "").strip()[:60],
        partner=args.get("partner", "").strip()[:200],
        columns=(("confidence", confidence),) if confidence else (),
        status=status if status in STATUSES else "current",  # type: ignore[arg-type]
        sort=sort if sort in SORTS else "name",  # type: ignore[arg-type]
        descending=args.get("order") == "desc",
        page=max(args.get("page", 1, type=int) or 1, 1),
        per_page=per_page,
    )


def ratings(page: PortfolioPage) -> list[tuple[str, int]]:
    """Delivery confidence: each rating with how many programmes have it as their latest, best first, then
    those not assessed (the value :data:`NO_VALUE` filters by)."""
    if page.dashboard is None:
        return []
    counts = page.dashboard.by_column.get("confidence", {})
    order = list(SCALES["gateway"]) + sorted(set(counts) - set(SCALES["gateway"]))
    assessed = [(rating, counts[rating]) for rating in order if counts.get(rating)]
    return [*assessed, (NO_VALUE, page.dashboard.total - sum(counts.values()))]


def may_create() -> bool:
    """Whether the person may create or import a programme: administrators and programme managers."""
    return bool(g.actor.is_admin or services().portfolio.manages_any(g.actor))
