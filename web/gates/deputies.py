"""Deputies: the programme's delegations, naming and revoking a deputy, and the page where a deputy decides for
the signatory. The engine checks every rule (who may name, who may be a deputy, the dates); these pages only
word its answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from web.extensions import _, error_text
from web.forms import DecisionForm, FlaskForm, Length, NoNul, options
from web.forms.dates import DateInput
from web.programmes.access import access_to, capacities_asked
from web.services import now, services
from workflow.engine.deputies import NOT_SIGNING, REASON_KINDS, uk_today
from workflow.engine.errors import InvalidError, MoveRefusedError
from workflow.engine.reasons import Reason
from workflow.engine.views import ProgrammeView

bp = Blueprint("deputies", __name__, url_prefix="/programmes/<int:programme_id>")
REASON_LABELS = {"leave": _l("Leave"), "conflict_of_interest": _l("Conflict of interest")}


def person_id(value: object) -> int | None:
    """A chosen person's id; ``None`` (so "select one") for the empty choice or anything not a number."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 12 else None


class DeputyForm(FlaskForm):
    signatory = SelectField(
        _l("Whose decisions"),
        coerce=person_id,
        validate_choice=False,
        validators=[DataRequired(_l("Select the signatory"))],
    )
    deputy = SelectField(
        _l("Deputy"), coerce=person_id, validate_choice=False, validators=[DataRequired(_l("Select the deputy"))]
    )
    starts_on = DateInput(_l("From"), required=True, missing=_l("Enter the first day"))
    ends_on = DateInput(_l("To (inclusive)"), required=True, missing=_l("Enter the last day"))
    reason_kind = RadioField(
        _l("Why"),
        choices=options((k, REASON_LABELS[k]) for k in REASON_KINDS),
        validators=[DataRequired(_l("Select why"))],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=4000), NoNul()])


class RevokeForm(FlaskForm):
    """Nothing to type: the CSRF token."""


def _choices(view: ProgrammeView, form: DeputyForm) -> None:
    people = {r.person_id: r.person_name for r in view.roles}
    signing = {r.person_id: r.person_name for r in view.roles if r.role not in NOT_SIGNING}
    if not access_to(view).can("manage_deputies"):
        signing = {k: v for k, v in signing.items() if k == g.actor.person_id}
    form.signatory.choices = options(sorted(signing.items(), key=lambda p: p[1]))
    form.deputy.choices = options([("", _("Choose a person")), *sorted(people.items(), key=lambda p: p[1])])


@bp.route("/deputies", methods=["GET", "POST"])
def delegations(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    form = DeputyForm()
    _choices(view, form)
    status = 200
    if request.method == "POST":
        if not form.signatory.choices:
            abort(403)
        if form.validate_on_submit():
            try:
                services().programmes.name_deputy(
                    programme_id,
                    int(form.signatory.data),
                    int(form.deputy.data),
                    form.starts_on.data,
                    form.ends_on.data,
                    form.reason_kind.data or "",
                    form.note.data or "",
                    g.actor,
                )
            except InvalidError as exc:
                field = getattr(form, exc.field or "", None)
                (field.errors if field is not None else form.form_errors).append(error_text(exc))
            else:
                flash(_("The deputy is named"), "success")
                return redirect(url_for("deputies.delegations", programme_id=programme_id))
        status = 422
    listed = services().programmes.delegations(programme_id, g.actor)
    revocable = {
        d.id
        for d in listed
        if d.revoked_at is None
        and d.ends_on >= uk_today(now())
        and (d.signatory_id == g.actor.person_id or access_to(view).can("manage_deputies"))
    }
    return render_template(
        "deputies/list.html",
        view=view,
        form=form,
        delegations=listed,
        revocable=revocable,
        today=uk_today(now()),
        reasons=REASON_LABELS,
        revoke=RevokeForm(formdata=None),
    ), status


@bp.post("/deputies/<int:delegation_id>/revoke")
def revoke(programme_id: int, delegation_id: int) -> Any:
    if not RevokeForm().validate_on_submit():
        abort(422)
    services().programmes.revoke_deputy(programme_id, delegation_id, g.actor)
    flash(_("The delegation is revoked"), "success")
    return redirect(url_for("deputies.delegations", programme_id=programme_id))


@bp.route("/gate/for/<int:signatory_id>", methods=["GET", "POST"])
def decide_for(programme_id: int, signatory_id: int) -> Any:
    """A deputy decides on the open request for the signatory, in the capacities it still asks of them."""
    acting = [d for d in services().programmes.acting_for(programme_id, g.actor) if d.signatory_id == signatory_id]
    if not acting:
        abort(403)
    view = services().programmes.get(programme_id, g.actor)
    form = DecisionForm()
    reasons: tuple[Reason, ...] = ()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services().programmes.sign(
                    programme_id,
                    g.actor.person_id,
                    form.decision.data or "",
                    form.comment.data or "",
                    pack=form.pack.data or None,
                    in_round=int(form.round.data) if form.round.data else None,
                    on_behalf_of=signatory_id,
                )
            except MoveRefusedError as exc:
                reasons, status = tuple(exc.reasons), 409
                view = services().programmes.get(programme_id, g.actor)
            except InvalidError as exc:
                field = getattr(form, exc.field or "", None)
                (field.errors if field is not None else form.form_errors).append(error_text(exc))
            else:
                flash(_("Your decision for %(name)s is recorded", name=acting[0].signatory_name), "success")
                return redirect(url_for("gates.show", programme_id=programme_id))
    if view.gate and view.gate.pack_hash and status != 422:
        form.pack.data, form.round.data = view.gate.pack_hash, str(view.gate.round)
    form.version.data = str(view.version)
    return render_template(
        "deputies/decide.html",
        view=view,
        form=form,
        delegation=acting[0],
        asked=capacities_asked(view, signatory_id),
        reasons=reasons,
    ), status
