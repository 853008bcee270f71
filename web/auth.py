"""Sign in and out, accept an invitation; and the rule that every page needs a signed-in person
unless it is listed as public here (deny by default)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from workflow.accounts.service import InvitationError, SignInError
from workflow.engine.errors import InvalidError

from .extensions import _
from .forms import SetPasswordForm, SignInForm
from .services import now, services

bp = Blueprint("auth", __name__)

PUBLIC = frozenset({"auth.sign_in", "auth.invitation", "static", "mail.sign_off", "mail.calendar"})


def init_app(app: Flask) -> None:
    app.before_request(_load_actor)


def _load_actor() -> Response | None:
    g.actor = None
    person_id = session.get("person_id")
    if person_id is not None:
        actor = services().accounts.actor(person_id)
        if actor is not None and session.get("stamp") == services().accounts.password_stamp(person_id):
            g.actor = actor
        else:
            session.clear()
    if g.actor is None and request.endpoint not in PUBLIC and request.endpoint is not None:
        if request.method != "GET":
            abort(401)
        return redirect(url_for("auth.sign_in", next=request.full_path))
    return None


def _start_session(person_id: int) -> None:
    session.clear()
    session.permanent = True
    session["person_id"] = person_id
    session["stamp"] = services().accounts.password_stamp(person_id)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no control characters or backslashes that a browser
    (or Werkzeug, stripping them) could turn into ``//elsewhere``."""
    if not target or any(ord(c) < 32 or c == "\\" for c in target):
        return url_for("home.my_work")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.my_work")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        try:
            actor = services().accounts.authenticate(form.email.data or "", form.password.data or "", ip, now())
        except SignInError as exc:
            form.password.errors = [str(exc)]
            status = 401
        else:
            assert actor.person_id is not None
            _start_session(actor.person_id)
            return redirect(_safe_next(request.args.get("next")))
    elif form.errors:
        status = 422
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out() -> Response:
    session.clear()
    flash(_("You have signed out"), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Any:
    try:
        person = services().accounts.invitation_for(token, now())
    except InvitationError as exc:
        return render_template("auth/invitation_invalid.html", message=str(exc)), 410
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            actor = services().accounts.accept_invitation(token, form.password.data or "", now())
        except InvalidError as exc:
            form.password.errors = [str(exc)]
            status = 422
        except InvitationError as exc:
            return render_template("auth/invitation_invalid.html", message=str(exc)), 410
        else:
            assert actor.person_id is not None
            _start_session(actor.person_id)
            flash(_("Your password is set and you are signed in"), "success")
            return redirect(url_for("home.my_work"))
    elif form.errors:
        status = 422
    return render_template("auth/invitation.html", form=form, person=person), status
