"""Email-facing pages: approve or reject from a link in an email, the private calendar feed, each person's
mail preferences, and the admins' Sent mail page.

The sign-off link is a signed, expiring, single-use token bound to one person and one gate, carried in the
query string (``/sign?t=...``), which access logs leave out. Opening it (GET) changes nothing; the person
confirms the decision on the page (POST, with CSRF). The page is never cached and sends no Referer, so the
token does not travel on from it.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from web.extensions import _, error_text, sentence
from web.forms import DecisionForm
from web.services import now, services
from workflow.engine.deputies import uk_today
from workflow.engine.errors import ConflictError, InvalidError, MoveRefusedError
from workflow.engine.people import holdings
from workflow.engine.permissions import Actor
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import retry_failed
from workflow.reminders.models import MODES, STATUSES
from workflow.reminders.preferences import calendar_feed, feed_secret, get_preference, revoke_feed, set_preference
from workflow.reminders.sent import MailFilter, get_mail, mail_page
from workflow.reminders.tokens import TokenClaim, TokenError, TokenPersonError, check_token

bp = Blueprint("mail", __name__)


def _claim(token: str) -> TokenClaim:
    person_id = g.actor.person_id if g.actor else None
    return check_token(services().db, token, now(), person_id=person_id, settings=services().settings)


def _link_problem(exc: TokenError) -> Any:
    status = 403 if isinstance(exc, TokenPersonError) else 410
    return render_template("mail/link_invalid.html", message=error_text(exc)), status


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/sign", methods=["GET", "POST"])
# Links sent before the token moved to the query string; remove once they have expired (TOKEN_MAX_AGE_DAYS)
# and tests/e2e/test_every_page.py opens /sign?t=.
@bp.route("/sign-off/<token>", methods=["GET", "POST"])
def sign_off(token: str | None = None) -> Response:
    return _private(make_response(_sign_off(token or request.args.get("t", ""))))


def _sign_off(token: str) -> Any:
    try:
        claim = _claim(token)
    except TokenError as exc:
        return _link_problem(exc)
    person = services().accounts.person(claim.person_id)
    actor = Actor(person.id, person.name, person.is_admin)
    view = services().programmes.get(claim.programme_id, actor)
    form = DecisionForm()
    status = 200
    if request.method == "GET":
        _seen(form, view)
    elif form.validate_on_submit():
        try:
            services().programmes.sign(
                claim.programme_id,
                claim.person_id,
                form.decision.data or "",
                form.comment.data or "",
                pack=form.pack.data or None,
                in_round=int(form.round.data) if form.round.data else None,
            )
        except (ConflictError, MoveRefusedError) as exc:
            form.form_errors.append(
                " ".join(sentence(r) for r in exc.reasons)
                if isinstance(exc, MoveRefusedError)
                else _("The programme changed while you were deciding. Check the gate below, then decide again.")
            )
            view = services().programmes.get(claim.programme_id, actor)
            _seen(form, view)
            status = 409
        except InvalidError as exc:
            form.comment.errors = [error_text(exc)]
            status = 422
        else:
            return render_template("mail/decided.html", view=view, decision=form.decision.data, person=person)
    else:
        status = 422
    return render_template("mail/sign_off.html", view=view, form=form, person=person, claim=claim), status


def _seen(form: DecisionForm, view: ProgrammeView) -> None:
    """What the person is shown, so that their decision is given on exactly that (the round and the pack)."""
    form.version.data = str(view.version)
    if view.gate is not None and view.gate.pack_hash:
        form.pack.data, form.round.data = view.gate.pack_hash, str(view.gate.round)


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
    held = holdings(db, services().registry, person_id, uk_today(now()))
    return render_template("mail/account.html", mode=get_preference(db, person_id), modes=MODES, feed=feed, held=held)


@bp.route("/admin/mail", methods=["GET", "POST"])
def sent_mail() -> Any:
    """Every message, newest first, a page at a time, filtered by recipient, programme, status and kind."""
    if not g.actor.is_admin:
        abort(403)
    if request.method == "POST":
        retry_failed(services().programmes, request.form.get("message", 0, type=int), g.actor)
        flash(_("The message is queued to be sent again"), "success")
        return redirect(url_for("mail.sent_mail", **_filters_in(request.args)))  # type: ignore[arg-type]
    args = request.args
    status = args.get("status", "")
    where = MailFilter(
        recipient=args.get("recipient", "").strip()[:320],
        programme_id=args.get("programme", type=int),
        status=status if status in STATUSES else "",
        kind=args.get("kind", "").strip()[:40],
    )
    page = mail_page(services().db, where, args.get("page", 1, type=int) or 1, current_app.config["MAIL_PAGE_SIZE"])
    return render_template("mail/sent.html", page=page, where=where, statuses=STATUSES, query=_filters_in(args))


@bp.get("/admin/mail/<int:message_id>")
def message(message_id: int) -> Any:
    """One message: its headers and its text; the HTML part is shown as its source, never run."""
    if not g.actor.is_admin:
        abort(403)
    found = get_mail(services().db, message_id)
    return render_template("mail/message.html", found=found, m=found.view, back=_filters_in(request.args))


def _filters_in(args: Any) -> dict[str, str]:
    """The Sent mail filters (and page) of a request, to keep them on links and after a form."""
    return {k: args[k] for k in ("recipient", "programme", "status", "kind", "page") if args.get(k)}
