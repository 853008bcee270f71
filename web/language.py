"""Welsh or English: the switch at the top of every page, remembered in the session and, for a signed-in
person, on their account (through :meth:`workflow.accounts.service.Accounts.set_language`, an account event).

The locale of a request (:func:`select_locale`): a ``?lang=`` just chosen, then the session's, then the
signed-in person's stored language, then the browser's Accept-Language, then English. The API, which keeps no
session, answers in the language its client's Accept-Language asks for.

Only the switch's own link changes the person's account, and only with the session's CSRF token in it (a GET
that changes something must not be forgeable by another site's image or link); ``?lang=`` and a link without
the token change the session alone.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, redirect, request, session
from werkzeug.wrappers import Response
from wtforms import ValidationError

bp = Blueprint("language", __name__)

#: What the switch shows for each language, in that language (never translated).
NAMES = {"en": "English", "cy": "Cymraeg"}


def select_locale() -> str:
    """The locale of this request (the order is in the module's docstring); an unknown code is ignored."""
    languages = current_app.config["LANGUAGES"]
    if "api" in request.blueprints:
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return str(chosen)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    stored = _stored_language()
    if stored in languages:
        return str(stored)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _stored_language() -> str | None:
    """The signed-in person's stored language, read once a session (kept in it as ``account_locale``, "" for
    none; signing in starts a new session, so it is read again then)."""
    actor = g.get("actor")
    if actor is None:
        return None
    if not isinstance(session.get("account_locale"), str):
        from web.services import services

        session["account_locale"] = services().accounts.person(actor.person_id).language or ""
    return str(session["account_locale"]) or None


def _remember_query_choice() -> None:
    """``?lang=cy`` on any page: the choice holds for the rest of the session (not the person's account)."""
    if request.endpoint == "static" or "api" in request.blueprints or request.method != "GET":
        return  # the API keeps no session, and a choice is made by following a link
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        _remember(str(chosen), on_account=False)


def _remember(code: str, on_account: bool) -> None:
    session["locale"] = code
    actor = g.get("actor")
    if on_account and actor is not None and _stored_language() != code:
        from web.services import now, services

        services().accounts.set_language(actor.person_id, code, now(), actor=actor)
        session["account_locale"] = code


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """Switch to ``code`` and go back to the page the switch was on (a path on this site only); an unknown
    code changes nothing."""
    from flask_wtf.csrf import CSRFError, validate_csrf

    from web.accounts.auth import safe_next

    if code in current_app.config["LANGUAGES"]:
        try:
            validate_csrf(request.args.get("csrf"))
            own_link = True
        except (CSRFError, ValidationError):
            own_link = False
        _remember(code, on_account=own_link)
    return redirect(safe_next(request.args.get("next")))


def switch_links() -> list[dict[str, Any]]:
    """The switch's entries: each language's name, whether it is the current one, and where its link goes."""
    from flask import url_for
    from flask_wtf.csrf import generate_csrf

    current = page_language()
    token = generate_csrf() if g.get("actor") is not None else None
    here = request.full_path if request.query_string else request.path
    return [
        {
            "code": code,
            "name": NAMES.get(code, code),
            "current": code == current,
            "href": url_for("language.choose", code=code, next=here, csrf=token),
        }
        for code in current_app.config["LANGUAGES"]
    ]


def init_app(app: Flask) -> None:
    """The switch on every page, and ``?lang=`` remembered (after the signed-in person is known)."""
    app.before_request(_remember_query_choice)
    app.jinja_env.globals["language_switch"] = switch_links
    app.jinja_env.globals["page_language"] = page_language


def page_language() -> str:
    """The language of this page, for ``<html lang>``: "en" or "cy"."""
    from flask_babel import get_locale

    return str(get_locale() or "en")
