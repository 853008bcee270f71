"""Email-facing pages: approve or reject from a link in an email, the private calendar feed, each person's
mail preferences, and the admins' Sent mail page.

The sign-off link is a signed, expiring, single-use token bound to one person and one gate. Opening it
(GET) changes nothing; the person confirms the decision on the page (POST, with CSRF).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from workflow.engine.errors import ConflictError, InvalidError, MoveRefusedError
from workflow.engine.permissions import Actor
from workflow.reminders.delivery import list_mail, retry_failed
from workflow.reminders.models import MODES
from workflow.reminders.preferences import calendar_feed, feed_secret, get_preference, revoke_feed, set_preference
from workflow.reminders.tokens import TokenClaim, TokenError, TokenPersonError, check_token

from .extensions import _
from .forms import SignForm
from .services import now, services

bp = Blueprint("mail", __name__)


def _claim(token: str) -> TokenClaim:
    person_id = g.actor.person_id if g.actor else None
    return check_token(services().db, token, now(), person_id=person_id, settings=services().settings)


def _link_problem(exc: TokenError) -> Any:
    status = 403 if isinstance(exc, TokenPersonError) else 410
    return render_template("mail/link_invalid.html", message=str(exc)), status


@bp.route("/sign-off/<token>", methods=["GET", "POST"])
def sign_off(token: str) -> Any:
    try:
        claim = _claim(token)
    except TokenError as exc:
        return _link_problem(exc)
    person = services().accounts.person(claim.person_id)
    actor = Actor(person.id, person.name, person.is_admin)
    view = services().programmes.get(claim.programme_id, actor)
    form = SignForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(view.version)
    elif form.validate_on_submit():
        try:
            services().programmes.sign(
                claim.programme_id,
                claim.person_id,
                form.decision.data,
                form.comment.data or "",
                expected_version=int(form.version.data or 0),
            )
        except (ConflictError, MoveRefusedError) as exc:
            form.form_errors.append(
                str(exc)
                if isinstance(exc, MoveRefusedError)
                else _("The programme changed while you were deciding. Check the gate below, then decide again.")
            )
            view = services().programmes.get(claim.programme_id, actor)
            form.version.data = str(view.version)
            status = 409
        except InvalidError as exc:
            form.comment.errors = [str(exc)]
            status = 422
        else:
            return render_template("mail/decided.html", view=view, decision=form.decision.data, person=person)
    else:
        status = 422
    return render_template("mail/sign_off.html", view=view, form=form, person=person, claim=claim), status


@bp.get("/calendar/<secret>.ics")
def calendar(secret: str) -> Response:
    return Response(
        calendar_feed(services().db, secret, now()),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300"},
    )


@bp.route("/account", methods=["GET", "POST"])
def account() -> Any:
    db, person_id = services().db, g.actor.person_id
    if request.method == "POST":
        action = request.form.get("action")
        if action == "preference":
            mode = request.form.get("mode", "")
            if mode not in MODES:
                abort(422)
            set_preference(db, person_id, mode, now())
            flash(_("Your email preference is saved"), "success")
        elif action == "revoke":
            revoke_feed(db, person_id, now())
            flash(_("Your calendar has a new address; the old one no longer works"), "success")
        return redirect(url_for("mail.account"))
    feed = url_for("mail.calendar", secret=feed_secret(db, person_id, now()), _external=True)
    return render_template("mail/account.html", mode=get_preference(db, person_id), modes=MODES, feed=feed)


@bp.route("/admin/mail", methods=["GET", "POST"])
def sent_mail() -> Any:
    if not g.actor.is_admin:
        abort(403)
    if request.method == "POST":
        retry_failed(services().db, request.form.get("message", 0, type=int))
        flash(_("The message is queued to be sent again"), "success")
        return redirect(url_for("mail.sent_mail", status=request.args.get("status", "")))
    status = request.args.get("status", "")
    messages = list_mail(services().db, statuses=[status] if status else [])
    return render_template("mail/sent.html", messages=messages, status=status)
