"""Administration: people and their accounts: add and invite, grant or remove the admin right, sign someone
out everywhere, deactivate and reactivate. Admins only; every change is logged on the site's log with the
admin as its actor."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.accounts.auth import input_words
from web.accounts.forms import ConfirmForm
from web.extensions import _
from web.forms import NewAccountForm
from web.services import now, services
from workflow.accounts.base import PersonSummary
from workflow.accounts.errors import AccountInputError
from workflow.engine.deputies import uk_today
from workflow.engine.people import holdings
from workflow.engine.permissions import Actor

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    if not g.actor or not g.actor.is_admin:
        abort(403)


@bp.route("/people", methods=["GET", "POST"])
def people() -> Any:
    """Everyone, and a form to add and invite a person."""
    form = NewAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = services().accounts.add_person(
                form.name.data or "", form.email.data or "", now(), is_admin=form.is_admin.data, actor=g.actor
            )
        except AccountInputError as exc:
            getattr(form, exc.field or "email").errors = [input_words(exc)]
            status = 422
        else:
            services().invite(person.id, None)
            flash(_("%(name)s added and invited by email", name=person.name), "success")
            return redirect(url_for("admin.people"))
    elif form.is_submitted():
        status = 422
    return _people_page(form, status)


def _people_page(form: NewAccountForm, status: int = 200, problem: str = "") -> Any:
    people = services().accounts.people()
    return render_template("admin/people.html", people=people, form=form, problem=problem), status


@bp.post("/people/<int:person_id>/admin")
def admin_right(person_id: int) -> Any:
    """Grant (``grant=1``) or remove the admin right."""
    grant = request.form.get("grant") == "1"
    try:
        person = services().accounts.set_admin(person_id, grant, now(), actor=g.actor)
    except AccountInputError as exc:
        return _people_page(NewAccountForm(formdata=None), 422, input_words(exc))
    flash(
        _("%(name)s is now an administrator", name=person.name)
        if grant
        else _("%(name)s is no longer an administrator", name=person.name),
        "success",
    )
    return redirect(url_for("admin.people"))


@bp.post("/people/<int:person_id>/sign-out")
def sign_out_person(person_id: int) -> Response:
    """End every session of the person (a lost laptop, someone leaving)."""
    person = services().accounts.person(person_id)
    services().accounts.sign_out_everywhere(person_id, now(), actor=g.actor)
    flash(_("%(name)s is signed out everywhere", name=person.name), "success")
    return redirect(url_for("admin.people"))


@bp.route("/people/<int:person_id>/deactivate", methods=["GET", "POST"])
def deactivate(person_id: int) -> Any:
    """Check your answers: what the person holds (roles, sign-offs waiting on them, deputies), then confirm."""
    person = services().accounts.person(person_id)
    form = ConfirmForm()
    problem, status = "", 200
    if person_id == g.actor.person_id:
        problem, status = _("You cannot deactivate your own account; ask another administrator"), 422
    elif form.validate_on_submit():
        try:
            services().accounts.deactivate(person_id, now(), actor=g.actor)
        except AccountInputError as exc:
            problem, status = input_words(exc), 422
        else:
            flash(_("%(name)s is deactivated: they cannot sign in and get no reminders", name=person.name), "success")
            return redirect(url_for("admin.people"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/deactivate.html", person=person, form=form, problem=problem, **_held_by(person)
    ), status


@bp.post("/people/<int:person_id>/reactivate")
def reactivate(person_id: int) -> Response:
    """The person may sign in again, with the password they had."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    person = services().accounts.reactivate(person_id, now(), actor=g.actor)
    flash(_("%(name)s is active again and can sign in", name=person.name), "success")
    return redirect(url_for("admin.people"))


def _held_by(person: PersonSummary) -> dict[str, Any]:
    """What the confirmation shows: the person's roles, the sign-offs waiting on them, their deputies."""
    clock = services().programmes.clock
    held = holdings(services().db, services().registry, person.id, uk_today(clock()))
    waiting = services().portfolio.my_work(Actor(person.id, person.name, person.is_admin), clock()).sign_offs
    return {"held": held, "waiting": waiting}
