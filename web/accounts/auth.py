"""Signing in and out with sessions kept on the server, invitations and password resets, and a person's own
account security; and the rule that every page needs a signed-in person unless it is listed as public here
(deny by default).

The session cookie (signed by Flask) holds only a random session id; the server keeps its hash
(:mod:`workflow.accounts.sessions`) and checks it on every request, so signing out, signing out everywhere
or a new password ends a session wherever a copy of its cookie is. Links that carry a token put it in the
query string (``?token=``), which no access log here records (:class:`QueryStringFilter`, ``gunicorn.conf.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from web.accounts.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from web.extensions import _, error_text
from web.forms import SetPasswordForm, SignInForm
from web.services import external_url, now, services
from web.sso import passwords_off
from workflow.accounts.errors import AccountInputError, InvitationError, MailChannelMissingError, SignInError

bp = Blueprint("auth", __name__)

PUBLIC = frozenset(
    {
        "auth.sign_in",
        "auth.invitation",
        "auth.invitation_by_path",
        "auth.forgot_password",
        "auth.reset_password",
        "sso.start",
        "sso.callback",
        "static",
        "mail.sign_off",
        "mail.calendar",
        "notify.callback",  # GOV.UK Notify's delivery receipts: its own bearer token (web/notify/)
        "about.accessibility",
        "about.privacy",
        "about.cookies",
        "about.favicon",
        "opendata.index",  # open data for transparency (web/opendata.py)
        "opendata.file",
        "language.choose",
    }
)
DEVICE_COOKIE = "banns_device"
DEVICE_DAYS = 90


def init_app(app: Flask) -> None:
    """Check the session on every request, let the accounts keep the app's time, and keep tokens out of the
    development server's request log."""
    app.before_request(_load_actor)
    banns = app.extensions["banns"]
    banns.accounts.clock = banns.programmes.clock
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, QueryStringFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(QueryStringFilter())


class QueryStringFilter(logging.Filter):
    """Strips query strings (where tokens travel) from request log lines, and the token of an invitation
    link of the old form (``/invitation/<token>``)."""

    QUERY = re.compile(r"(/[^\s?\"]*)\?[^\s\"\x1b]*")
    OLD_LINK = re.compile(r"(/invitation/)[^\s/?\"\x1b]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.OLD_LINK.sub(r"\1-", self.QUERY.sub(r"\1", message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


@bp.after_request
def _no_store(response: Response) -> Response:
    """Sign-in, invitation, reset and account pages carry tokens or personal data: never cache them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _load_actor() -> Response | None:
    g.actor = None
    g.session_secret = None
    if request.endpoint == "static" or "api" in request.blueprints:
        return None  # the API reads no session cookie: its bearer tokens (web/api) say who acts
    secret = session.get("sid")
    if secret is not None:
        idle = current_app.permanent_session_lifetime
        actor = services().accounts.session_actor(str(secret), now(), idle=idle)
        if actor is not None and session.get("person_id", actor.person_id) == actor.person_id:
            g.actor, g.session_secret = actor, str(secret)
        else:
            _clear_session()
    elif "person_id" in session:
        _clear_session()
    if g.actor is None and request.endpoint not in PUBLIC and request.endpoint is not None:
        if request.method != "GET":
            abort(401)
        return redirect(url_for("auth.sign_in", next=request.full_path))
    return None


def start_session(person_id: int, email: str, target: str) -> Response:
    """A new session (never the one the browser came with, which ends) and a browser now known for ``email``."""
    if g.get("session_secret"):
        services().accounts.end_session(g.session_secret, now())
    _clear_session()
    session.permanent = True
    session["sid"] = services().accounts.start_session(person_id, now())
    session["person_id"] = person_id
    response = redirect(target)
    _remember_device(response, email)
    return response


def _clear_session() -> None:
    """Empty the session but keep the language chosen in this browser (it is no secret, and the page after
    signing in or out should stay in it)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _devices() -> URLSafeTimedSerializer:
    """Signs the known-browser cookie (90 days), so that nobody can claim to be a known browser."""
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="banns.known-browser")


def _mark(email: str) -> str:
    """What the known-browser cookie keeps of an email: a keyed hash, so it reveals no address."""
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:20]


def _device_cookie() -> dict[str, Any]:
    """The known-browser cookie's content, or nothing if it is absent, forged or older than 90 days."""
    try:
        data = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def _known_device(email: str) -> str | None:
    """This browser's id if it has signed in to ``email`` before (its sign-ins are then limited apart from a
    stranger's: see :mod:`workflow.accounts.limits`)."""
    data = _device_cookie()
    return str(data["id"]) if data.get("id") and _mark(email) in data.get("emails", []) else None


def _remember_device(response: Response, email: str) -> None:
    """Mark this browser known for ``email`` (it has just proved the password or an emailed link)."""
    data = _device_cookie()
    emails = [_mark(email), *[e for e in data.get("emails", []) if e != _mark(email)]][:5]
    value = _devices().dumps({"id": data.get("id") or secrets.token_urlsafe(16), "emails": emails})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no control characters or backslashes that a browser
    (or Werkzeug, stripping them) could turn into ``//elsewhere``."""
    if not target or any(ord(c) < 32 or c == "\\" for c in target):
        return url_for("home.my_work")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.my_work")
    return target


def input_words(exc: AccountInputError) -> str:
    """What to tell a person about input the accounts refused."""
    words = {
        "name_missing": _("Enter the person's name"),
        "email_invalid": _("Enter an email address in the correct format, like name@example.org"),
        "email_taken": _("That email address already has an account"),
        "password_wrong": _("Your current password is not right"),
        "password_limited": _("Too many wrong passwords. Wait 15 minutes, then try again."),
        "last_admin": _("There must always be at least one administrator"),
        "deactivate_self": _("You cannot deactivate your own account; ask another administrator"),
        "token_name_long": _("Name the token in 100 characters or fewer"),
        "token_scope": _("Choose whether the token may only read or may also change programmes"),
        "token_expiry": _("A token lasts from 1 to 366 days"),
    }
    return str(words[exc.code]) if exc.code in words else error_text(exc)  # password_weak: the reason as given


def _link_problem(exc: InvitationError, reset: bool) -> Any:
    """The page for a link that cannot be used, saying why."""
    words = {
        "unknown": _("This link is not valid. Check you copied the whole link from the email."),
        "used": _("This link has already been used. Sign in with your email address and password."),
        "expired": _("This link has expired. Ask for a new one below.")
        if reset
        else _("This link has expired. Ask your programme manager to invite you again."),
    }
    return render_template("auth/invitation_invalid.html", message=words[exc.reason], reset=reset), 410


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """Email and password; a new session on success (the limits: :mod:`workflow.accounts.limits`)."""
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data or ""
        if provider := passwords_off.provider_for(email):
            form.email.errors = [passwords_off.words(provider)]
            return render_template("auth/sign_in.html", form=form), 403
        try:
            actor = services().accounts.authenticate(
                email, form.password.data or "", request.remote_addr or "unknown", now(), device=_known_device(email)
            )
        except SignInError as exc:
            form.password.errors = [
                _("Too many attempts to sign in. Wait 15 minutes, then try again, or reset your password.")
                if exc.reason == "limited"
                else _("Your account has been deactivated. Ask an administrator if you need to sign in again.")
                if exc.reason == "deactivated"
                else _("Enter a correct email address and password")
            ]
            status = 401
        else:
            assert actor.person_id is not None
            return start_session(actor.person_id, email, safe_next(request.args.get("next")))
    elif form.errors:
        status = 422
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out() -> Response:
    """End this session on the server too, so that a copy of the cookie no longer works."""
    if g.session_secret:
        services().accounts.end_session(g.session_secret, now())
    _clear_session()
    flash(_("You have signed out"), "success")
    return redirect(url_for("auth.sign_in"))


@bp.get("/invitation/<token>")
def invitation_by_path(token: str) -> Response:
    """Links of the old form, sent before tokens moved to the query string (they expire within a week)."""
    return redirect(url_for("auth.invitation", token=token))


@bp.route("/invitation", methods=["GET", "POST"])
def invitation() -> Any:
    """An invitation link (``?token=``): create a password and sign in."""
    return _set_password_page(reset=False)


@bp.route("/password-reset", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Ask for a reset link. The answer is the same whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if provider := passwords_off.provider_for(form.email.data or ""):
            return passwords_off.page(provider, 403)
        try:
            services().accounts.request_password_reset(
                form.email.data or "",
                request.remote_addr or "unknown",
                now(),
                lambda token: external_url("auth.reset_password", token=token),
            )
        except MailChannelMissingError:
            current_app.logger.error("password reset asked for, but no password_reset mailer is installed")
            abort(503)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password-reset/new", methods=["GET", "POST"])
def reset_password() -> Any:
    """A reset link (``?token=``): choose a new password and sign in."""
    return _set_password_page(reset=True)


def _set_password_page(reset: bool) -> Any:
    """An invitation or a reset link (``?token=``): show whose account, then set the password and sign in."""
    token = request.args.get("token", "")
    accounts = services().accounts
    try:
        person = accounts.reset_for(token, now()) if reset else accounts.invitation_for(token, now())
    except InvitationError as exc:
        return _link_problem(exc, reset)
    if provider := passwords_off.provider_for(person.email):
        return passwords_off.page(provider, 403 if reset else 200)  # an invitation: they sign in there
    form = ResetPasswordForm() if reset else SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        password = form.password.data or ""
        try:
            actor = (
                accounts.reset_password(token, password, now())
                if reset
                else accounts.accept_invitation(token, password, now())
            )
        except AccountInputError as exc:
            form.password.errors = [input_words(exc)]
            status = 422
        except InvitationError as exc:
            return _link_problem(exc, reset)
        else:
            assert actor.person_id is not None
            response = start_session(actor.person_id, person.email, url_for("home.my_work"))
            flash(
                _("Your password is reset and you are signed in")
                if reset
                else _("Your password is set and you are signed in"),
                "success",
            )
            return response
    elif form.errors:
        status = 422
    template = "auth/reset_password.html" if reset else "auth/invitation.html"
    return render_template(template, form=form, person=person), status


@bp.get("/account/security")
def security() -> Any:
    """The person's own password and sessions."""
    return _security_page(ChangePasswordForm(formdata=None))


def _security_page(form: ChangePasswordForm, status: int = 200) -> Any:
    idle = current_app.permanent_session_lifetime
    live = services().accounts.live_sessions(g.actor.person_id, now(), idle=idle)
    return render_template("account/security.html", form=form, live=live), status


@bp.post("/account/password")
def change_password() -> Any:
    """Current password and a new one; every other session ends."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _security_page(form, 422)
    try:
        ended = services().accounts.change_password(
            g.actor.person_id,
            form.current_password.data or "",
            form.new_password.data or "",
            now(),
            keep=g.session_secret,
        )
    except AccountInputError as exc:
        getattr(form, exc.field or "new_password").errors = [input_words(exc)]
        return _security_page(form, 422)
    flash(
        _("Your password is changed, and you are signed out on every other device")
        if ended
        else _("Your password is changed"),
        "success",
    )
    return redirect(url_for("auth.security"))


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere() -> Response:
    """End every session of the person, this one too."""
    services().accounts.sign_out_everywhere(g.actor.person_id, now(), actor=g.actor)
    _clear_session()
    flash(_("You have signed out everywhere, on this device and all others"), "success")
    return redirect(url_for("auth.sign_in"))
