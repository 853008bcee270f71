"""Staff transfer (TUPE): each transferring partner's headcount, roles and transfer day, and its duties' dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from web.extensions import _
from web.forms import StaffTransferForm
from web.forms.refusals import REFUSALS, show_refusal
from web.programmes.access import access_to
from web.services import now, services
from workflow.engine.transfers import StaffTransferSpec

bp = Blueprint("transfers", __name__, url_prefix="/programmes")


@bp.get("/<int:programme_id>/transfers")
def show(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    transfers = services().programmes.staff_transfers(programme_id, g.actor)
    recorded = {t.partner_id for t in transfers}
    return render_template(
        "transfers/show.html",
        view=view,
        transfers=transfers,
        unrecorded=[p for p in view.partners if p.is_current and p.id not in recorded],
        today=now().date(),
        access=access_to(view),
    )


@bp.route("/<int:programme_id>/transfers/<int:partner_id>", methods=["GET", "POST"])
def record(programme_id: int, partner_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can("record_transfer"):
        abort(403)
    partner = next((p for p in view.partners if p.id == partner_id and p.is_current), None)
    if partner is None:
        abort(404)
    current = next(
        (t for t in services().programmes.staff_transfers(programme_id, g.actor) if t.partner_id == partner_id), None
    )
    form = StaffTransferForm(data=_data(current, view.version))
    status = 200
    if form.validate_on_submit():
        try:
            services().programmes.record_staff_transfer(
                programme_id, _spec(form, partner_id), g.actor, expected_version=int(form.version.data or 0)
            )
        except REFUSALS as exc:
            status = show_refusal(form, exc, programme_id, default="headcount")
        else:
            flash(_("Staff transfer recorded for %(partner)s", partner=partner.name), "success")
            return redirect(url_for("transfers.show", programme_id=programme_id))
    elif form.is_submitted():
        status = 422
    return render_template("transfers/record.html", view=view, partner=partner, form=form), status


def _data(current: Any, version: int) -> dict[str, Any]:
    if current is None:
        return {"version": version, "redundancies": 0}
    return {
        "version": version,
        "headcount": current.headcount,
        "roles": "\n".join(current.roles),
        "transfer_date": current.transfer_date,
        "redundancies": current.redundancies,
        "eli_given_on": current.eli_given_on,
        "consultation_began_on": current.consultation_began_on,
        "consultation_ended_on": current.consultation_ended_on,
    }


def _spec(form: StaffTransferForm, partner_id: int) -> StaffTransferSpec:
    def day(field: Any) -> date | None:
        return field.data if isinstance(field.data, date) else None

    return StaffTransferSpec(
        partner_id=partner_id,
        headcount=int(form.headcount.data or 0),
        transfer_date=form.transfer_date.data,
        roles=tuple((form.roles.data or "").splitlines()),
        redundancies=int(form.redundancies.data or 0),
        eli_given_on=day(form.eli_given_on),
        consultation_began_on=day(form.consultation_began_on),
        consultation_ended_on=day(form.consultation_ended_on),
    )
