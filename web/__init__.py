"""The banns web UI: ``create_app`` is the whole of this package's public face."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from workflow.engine.text import LARGEST_ID
from workflow.settings import load_settings

DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "banns_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Europe/London",
    "LANGUAGES": ["en", "cy"],  # English and Welsh (web/translations; `make i18n`)
    "PORTFOLIO_PAGE_SIZE": 25,
    "MAIL_PAGE_SIZE": 50,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the instance's ``banns.toml``, then ``BANNS_*`` environment variables,
    then ``test_config``.

    Raises:
        SettingsError: a setting in ``banns.toml`` or a ``BANNS_*`` variable is wrong (each is named).
        RuntimeError: no SECRET_KEY outside development and testing (run ``banns init``).
    """
    test_config = test_config or {}
    instance = test_config.get("INSTANCE")
    settings = load_settings(Path(instance) if instance else None)
    app = Flask(__name__, instance_path=str(settings.instance), instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.before_request(_refuse_nul_in_query)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping({k: v for k, v in settings.values.items() if k.isupper()})
    app.config.update(
        DATABASE_URL=settings.database_url, DEFINITIONS_DIR=str(settings.definitions_dir), SSO=settings.sso
    )
    app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing or app.config.get("DEVELOPMENT")):
            raise RuntimeError("SECRET_KEY is not set: run `banns init` to write instance/banns.toml")
        app.config["SECRET_KEY"] = secrets.token_urlsafe(32)

    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: trust its X-Forwarded-* headers, so that the sign-in rate limit counts
        # each person's address rather than the proxy's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _register(app)
    return app


def _register(app: Flask) -> None:
    """The extensions, the services and every blueprint."""
    from web import about, api, errors, extensions, home, language, mail, notify, opendata, services, sso
    from web.accounts import admin, auth
    from web.accounts import tokens as account_tokens
    from web.gates import decisions, deputies, documents
    from web.gates import pages as gates
    from web.money import entry as money_entry
    from web.money import pages as money
    from web.programmes import audit, definitions, publication  # noqa: F401 - audit, publication: on programmes' blueprint
    from web.programmes import pages as programmes
    from web.records import pages as records
    from web.records import raid, transfers

    documents.init_app(app)  # before CSRF protection, which reads the body
    extensions.init_app(app)
    services.init_app(app)
    auth.init_app(app)
    language.init_app(app)  # after auth: a choice is stored on the signed-in person's account
    sso.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    blueprints = (about, auth, home, programmes, gates, decisions, deputies, documents, money, money_entry, raid)
    others = (records, transfers, definitions, admin, mail, sso, notify, account_tokens, opendata, language)
    for module in (*blueprints, *others):
        app.register_blueprint(module.bp)


def _at_most(largest: int) -> str:
    """A regular expression of the whole numbers from 0 to ``largest`` (leading zeros allowed, as ``\\d+``)."""
    digits = str(largest)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    below = [
        digits[:i] + f"[0-{int(d) - 1}]" + (rf"\d{{{len(digits) - i - 1}}}" if i < len(digits) - 1 else "")
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return "0*(?:" + "|".join([*shorter, *below, digits]) + ")"


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a number no row can have (above PostgreSQL's integer) does not match, so it is
    404 rather than an error of the database. The bound is in the pattern too: werkzeug answers 405, not 404,
    for a number its ``max`` refuses when another method has a rule on the same path (``GET`` and ``POST
    /api/v1/programmes/<id>/partners``)."""

    regex = _at_most(LARGEST_ID)

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def _refuse_nul_in_query() -> None:
    """A NUL character in the query string can only be a mistake or an attack, and PostgreSQL refuses it in a
    query: 400 at once. (Forms say which field instead; the database layer refuses one in anything saved.)"""
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400, "The web address contains a NUL character (%00). Check the address and try again.")
