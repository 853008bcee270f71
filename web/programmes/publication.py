"""Publishing a programme as open data, from its edit page: its managers (and admins) publish it or withdraw
its publication. The engine checks again and logs who did it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, url_for
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired

from web.extensions import _
from web.forms import VersionedForm
from web.programmes.access import access_to
from web.programmes.pages import bp
from web.services import services
from workflow.engine.errors import ConflictError


class PublishForm(VersionedForm):
    public = HiddenField(validators=[InputRequired(), AnyOf(["yes", "no"])])


@bp.post("/<int:programme_id>/publication")
def publication(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can("publish"):
        abort(403)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    public = form.public.data == "yes"
    try:
        services().programmes.publish(programme_id, public, g.actor, expected_version=int(form.version.data or 0))
    except ConflictError:
        flash(_("Someone else changed this programme meanwhile; check its details and try again."), "conflict")
        return redirect(url_for("programmes.edit", programme_id=programme_id) + "#open-data")
    if public:
        flash(_("Published as open data"), "success")
    else:
        flash(_("No longer published as open data"), "success")
    return redirect(url_for("programmes.show", programme_id=programme_id))
