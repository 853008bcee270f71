"""Administration: people and their accounts. Admins only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from workflow.engine.errors import InvalidError

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
    form = NewAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = services().accounts.add_person(
                form.name.data or "", form.email.data or "", now(), is_admin=form.is_admin.data
            )
        except InvalidError as exc:
            getattr(form, exc.field or "email").errors = [str(exc)]
            status = 422
        else:
            services().invite(person.id, None)
            flash(_("%(name)s added and invited by email", name=person.name), "success")
            return redirect(url_for("admin.people"))
    elif form.is_submitted():
        status = 422
    return render_template("admin/people.html", people=services().accounts.people(), form=form), status
