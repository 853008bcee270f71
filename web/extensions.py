"""Flask extensions: CSRF on every form, translations, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, g
from flask_babel import Babel, format_currency, format_date, format_datetime, format_time, get_locale
from flask_babel import gettext as _
from flask_wtf import CSRFProtect

from web import titles
from workflow.engine.errors import BannsError, MoveRefusedError
from workflow.engine.reasons import Reason
from workflow.engine.yamlsource import Problem
from workflow.words import Gettext, capital, describe, problem_message, refusal
from workflow.words import say as say_error
from workflow.words.language import gettext_for

csrf = CSRFProtect()
babel = Babel()

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    from web import code_words
    from web.language import select_locale
    from web.money.words import rating_words

    babel.init_app(app, locale_selector=select_locale)
    titles.init_app(app)  # after babel: it wraps the gettext babel installs
    app.after_request(_security_headers)
    app.jinja_env.filters["london"] = _london
    app.jinja_env.filters["london_date"] = _london_date
    app.jinja_env.filters["money"] = _money
    app.jinja_env.filters["capacity"] = lambda pair: capacity_label(*pair)
    app.jinja_env.filters["describe"] = reason_text
    app.jinja_env.filters["sentence"] = sentence
    app.jinja_env.filters["error_text"] = error_text
    app.jinja_env.filters["problem"] = problem_words
    app.jinja_env.filters["rating_words"] = rating_words
    code_words.init_app(app.jinja_env.filters)
    app.jinja_env.globals["state_tag"] = state_tag
    app.jinja_env.globals["confidence_tag"] = confidence_tag
    app.jinja_env.add_extension("jinja2.ext.do")


def capacity_label(role_title: str, partner_name: str | None) -> str:
    """A capacity in which someone decides: "Signatory of Northbridge District Council", "Chair"."""
    role_title = titles.local(role_title)
    title = role_title[:1].upper() + role_title[1:]
    return _("%(role)s of %(partner)s", role=title, partner=partner_name) if partner_name else title


def words() -> Gettext:
    """The engine's catalogue in the request's language: the words of its reasons and errors."""
    return gettext_for(get_locale())


def reason_text(reason: Reason) -> str:
    """An engine's reason (a refusal, a requirement's label or detail) in the request's language."""
    return describe(reason, words(), get_locale())


def sentence(reason: Reason) -> str:
    """:func:`reason_text`, with a capital letter: a line of its own on a page."""
    return capital(reason_text(reason))


def refused(error: MoveRefusedError) -> str:
    """A refused move, which move and why, in the request's language (an error page's message)."""
    return refusal(error, words(), get_locale())


def error_text(error: BannsError, *, capitalised: bool = False) -> str:
    """What an engine's error says, in the request's language; ``capitalised``: as a sentence of its own (a
    form's error summary), else as it stands (beside a field)."""
    text = say_error(error, words(), get_locale())
    return capital(text) if capitalised else text


def problem_words(problem: Problem, *, capitalised: bool = False) -> str:
    """What is wrong in a file's problem (its line and field shown beside it), in the request's language."""
    text = problem_message(problem, words(), get_locale())
    return capital(text) if capitalised else text


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if getattr(g, "actor", None) is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _london(value: datetime | None, fmt: str | None = None) -> str:
    """A UTC time shown in Europe/London (the app's BABEL_DEFAULT_TIMEZONE) in the current language: "29
    November 2026 at 14:05", "29 Tachwedd 2026 am 14:05"."""
    if not value:
        return ""
    if fmt is not None:
        return str(format_datetime(value, fmt))
    return str(_("%(date)s at %(time)s", date=format_datetime(value, "d MMMM yyyy"), time=format_time(value, "HH:mm")))


def _london_date(value: Any, fmt: str = "d MMMM yyyy") -> str:
    """A date with the month's name in the current language: "29 November 2026", "29 Tachwedd 2026"."""
    return str(format_date(value, fmt)) if value else ""


def _money(value: Any) -> str:
    """Pounds and pence as people write them, by Babel in the current language: £1,250.00, and -£17,500.00
    for a negative amount."""
    if value is None:
        return ""
    return str(format_currency(value, "GBP"))


def state_tag(state: str, ended: bool) -> dict[str, str]:
    """The GOV.UK tag colour for a programme's state."""
    if ended:
        colour = {"live": "green", "dissolved": "grey", "abandoned": "red"}.get(state, "grey")
        return {"classes": f"govuk-tag--{colour}"}
    return {"classes": "govuk-tag--blue"}


def confidence_tag(rating: str) -> str:
    """The GOV.UK tag colour for a delivery-confidence rating (Gateway five-point scale or RAG)."""
    return {
        "Green": "govuk-tag--green",
        "Amber/Green": "govuk-tag--turquoise",
        "Amber": "govuk-tag--yellow",
        "Amber/Red": "govuk-tag--orange",
        "Red": "govuk-tag--red",
    }.get(rating, "govuk-tag--grey")


__all__ = ["_", "babel", "csrf", "init_app"]
