"""Administration: people and their accounts: add and invite, grant or remove the admin right, sign someone
out everywhere. Admins only; every change is logged on the site's log with the admin as its actor."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from workflow.accounts.errors import AccountInputError

from .auth import input_words
from .extensions import _
from .forms import NewAccountForm
from .services import now, services

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
