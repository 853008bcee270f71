"""The RAID log pages: the log (sortable, open or closed), and forms to add, edit, close and reopen entries.
The RAID log's use cases check who may change what; these pages only hide what a person cannot do."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from web.extensions import _, error_text
from web.forms import FlaskForm, Length, NoNul, OneLine, options
from web.forms.dates import DateInput
from web.services import services
from workflow.engine.errors import InvalidError
from workflow.engine.views import ProgrammeView
from workflow.records.raid import KINDS, SORTS, STATUSES, RaidEntryView, RaidFields, RaidLog

#: A RAID entry's band (workflow.records.raid.BANDS), in words: the templates show ``_(band)``, so each is
#: marked here for the catalogue.
BAND_WORDS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high"), "very high": _l("very high")}

bp = Blueprint("raid", __name__, url_prefix="/programmes/<int:programme_id>/raid")

KIND_LABELS = {
    "risk": _l("Risk"),
    "assumption": _l("Assumption"),
    "issue": _l("Issue"),
    "dependency": _l("Dependency"),
}
SCALE = options([(n, str(n)) for n in range(1, 6)])


def person_id(value: object) -> int | None:
    """A chosen person's id; ``None`` (so "select one") for the empty choice or anything not a number."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 12 else None


class RaidForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=options((k, KIND_LABELS[k]) for k in KINDS),
        validators=[DataRequired(_l("Select the kind"))],
    )
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title")), Length(max=200), OneLine()])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=4000), NoNul()])
    owner = SelectField(
        _l("Owner"), coerce=person_id, validate_choice=False, validators=[DataRequired(_l("Select the owner"))]
    )
    likelihood = RadioField(
        _l("Likelihood, from 1 (rare) to 5 (almost certain)"),
        coerce=int,
        choices=SCALE,
        validators=[DataRequired(_l("Select the likelihood, from 1 to 5"))],
    )
    impact = RadioField(
        _l("Impact, from 1 (negligible) to 5 (severe)"),
        coerce=int,
        choices=SCALE,
        validators=[DataRequired(_l("Select the impact, from 1 to 5"))],
    )
    mitigation = TextAreaField(_l("Mitigation (optional)"), validators=[Length(max=4000), NoNul()])
    review_on = DateInput(_l("Review date (optional)"))

    def fields_(self) -> RaidFields:
        return RaidFields(
            self.kind.data or "",
            self.title.data or "",
            int(self.owner.data or 0),
            int(self.likelihood.data or 0),
            int(self.impact.data or 0),
            self.description.data or "",
            self.mitigation.data or "",
            self.review_on.data,
        )


class CloseForm(FlaskForm):
    note = TextAreaField(
        _l("Why is it closed?"),
        validators=[DataRequired(_l("Enter why the entry is closed")), Length(max=4000), NoNul()],
    )


class ReopenForm(FlaskForm):
    """Nothing to type: the CSRF token."""


def raid_log() -> RaidLog:
    """The RAID log's use cases, built once per app on the engine's database, lifecycles, clock and listeners."""
    found = current_app.extensions.get("banns_raid")
    if found is None:
        s = services()
        found = RaidLog(s.db, s.registry, s.programmes.clock, s.programmes.listeners)
        current_app.extensions["banns_raid"] = found
    return found


def _programme(programme_id: int) -> ProgrammeView:
    return services().programmes.get(programme_id, g.actor)


@bp.get("")
def log(programme_id: int) -> Any:
    status = request.args.get("status", "open")
    sort = request.args.get("sort", "rating")
    view = _programme(programme_id)
    if status not in STATUSES or sort not in SORTS:
        abort(422)
    entries = raid_log().entries(programme_id, g.actor, status=status, sort=sort)
    may_add = raid_log().may_edit(programme_id, None, g.actor)
    # the same rule the RAID log checks on every change: managers and the chair any entry, owners their own
    editable = {e.id for e in entries if may_add or e.owner_id == g.actor.person_id}
    return render_template(
        "raid/log.html",
        view=view,
        entries=entries,
        status=status,
        sort=sort,
        may_add=may_add,
        editable=editable,
        kinds=KIND_LABELS,
        reopen=ReopenForm(formdata=None),
    )


def _owners(view: ProgrammeView, form: RaidForm) -> None:
    people = {r.person_id: r.person_name for r in view.roles}
    form.owner.choices = options([("", _("Choose a person")), *sorted(people.items(), key=lambda p: p[1])])


def _save(programme_id: int, form: RaidForm, entry: RaidEntryView | None) -> Any:
    """Validate and save the form; the form again (422) with each problem at its field."""
    view = _programme(programme_id)
    _owners(view, form)
    if form.validate_on_submit():
        try:
            if entry is None:
                raid_log().add(programme_id, form.fields_(), g.actor)
            else:
                raid_log().edit(programme_id, entry.id, form.fields_(), g.actor)
        except InvalidError as exc:
            field = getattr(form, exc.field or "", None)
            (field.errors if field is not None else form.form_errors).append(error_text(exc))
        else:
            flash(_("The entry is saved") if entry else _("The entry is added"), "success")
            return redirect(url_for("raid.log", programme_id=programme_id))
    status = 422 if request.method == "POST" else 200
    return render_template("raid/form.html", view=view, form=form, entry=entry), status


@bp.route("/new", methods=["GET", "POST"])
def add(programme_id: int) -> Any:
    if not raid_log().may_edit(programme_id, None, g.actor):
        abort(403)
    form = RaidForm()
    if request.method == "GET":
        form.kind.data = "risk"
    return _save(programme_id, form, None)


def _editable(programme_id: int, entry_id: int) -> RaidEntryView:
    entry = raid_log().entry(programme_id, entry_id, g.actor)
    if not raid_log().may_edit(programme_id, entry, g.actor):
        abort(403)
    return entry


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(programme_id: int, entry_id: int) -> Any:
    entry = _editable(programme_id, entry_id)
    form = RaidForm()
    if request.method == "GET":
        form = RaidForm(formdata=None, data={**entry.__dict__, "owner": entry.owner_id})
    return _save(programme_id, form, entry)


@bp.route("/<int:entry_id>/close", methods=["GET", "POST"])
def close(programme_id: int, entry_id: int) -> Any:
    entry = _editable(programme_id, entry_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            raid_log().close(programme_id, entry_id, form.note.data or "", g.actor)
        except InvalidError as exc:
            form.note.errors = [error_text(exc)]
        else:
            flash(_("The entry is closed"), "success")
            return redirect(url_for("raid.log", programme_id=programme_id))
    status = 422 if request.method == "POST" else 200
    return render_template("raid/close.html", view=_programme(programme_id), form=form, entry=entry), status


@bp.post("/<int:entry_id>/reopen")
def reopen(programme_id: int, entry_id: int) -> Any:
    _editable(programme_id, entry_id)
    if not ReopenForm().validate_on_submit():
        abort(422)
    raid_log().reopen(programme_id, entry_id, g.actor)
    flash(_("The entry is open again"), "success")
    return redirect(url_for("raid.log", programme_id=programme_id, status="open"))
