"""Each partner's democratic decisions on the current gate: the decision of its cabinet (or trust board, ...),
its call-ins, and the partners' pre-election periods. Thin views over :class:`workflow.records.decisions.Decisions`,
which checks on every call that the person is a programme manager, or the partner's own signatory or SRO: the
forms shown are a courtesy, not the control. Bad input comes back as the page with its messages (422)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from web.extensions import _, error_text
from web.forms import FlaskForm, Length, NoNul, OneLine, options
from web.forms.dates import DateInput
from web.programmes.access import access_to
from web.services import services
from workflow.engine.errors import InvalidError
from workflow.records.decision_views import DecisionBoard
from workflow.records.decisions import DecisionInput, Decisions

bp = Blueprint("decisions", __name__, url_prefix="/programmes/<int:programme_id>/decisions")

BODY_TITLES = {
    "cabinet": _l("Cabinet"),
    "full_council": _l("Full council"),
    "executive": _l("Executive"),
    "trust_board": _l("Trust board"),
    "joint_committee": _l("Joint committee"),
    "board": _l("Board of directors"),
}
STATUS_TITLES = {
    "awaiting_decision": _l("Awaiting decision"),
    "in_call_in": _l("In call-in period"),
    "called_in": _l("Called in"),
    "referred_back": _l("Referred back"),
    "rejected": _l("Rejected"),
    "counts": _l("Counts"),
}


class RecordDecisionForm(FlaskForm):
    asked = SelectField(_l("Partner and body"), validators=[DataRequired(_l("Select the partner and body"))])
    meeting_on = DateInput(_l("Meeting date"), required=True, missing=_l("Enter the date of the meeting"))
    key_decision = RadioField(
        _l("Is it a key decision?"),
        choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[DataRequired(_l("Select whether it is a key decision"))],
    )
    forward_plan_on = DateInput(_l("Published on the forward plan"))
    minutes = StringField(_l("Minute reference or link"), validators=[Length(max=2000), OneLine()])
    outcome = RadioField(
        _l("Outcome"),
        choices=options(
            [("pending", _l("Not yet decided")), ("approved", _l("Approved")), ("rejected", _l("Rejected"))]
        ),
        default="pending",
        validators=[DataRequired(_l("Select the outcome"))],
    )
    call_in_days = IntegerField(
        _l("Call-in period in working days"),
        validators=[Optional(), NumberRange(0, 60, _l("Enter a call-in period from 0 to 60 working days"))],
    )


class CallInForm(FlaskForm):
    decision = SelectField(_l("Decision"), coerce=int, validators=[DataRequired(_l("Select the decision"))])
    called_in_on = DateInput(_l("Date of the call-in"), required=True)
    note = TextAreaField(_l("Note"), validators=[Length(max=2000), NoNul()])


class ResolveForm(FlaskForm):
    call_in = SelectField(_l("Call-in"), coerce=int, validators=[DataRequired(_l("Select the call-in"))])
    resolution = RadioField(
        _l("Resolution"),
        choices=options([("decision_stands", _l("The decision stands")), ("referred_back", _l("Referred back"))]),
        validators=[DataRequired(_l("Select the resolution"))],
    )
    resolved_on = DateInput(_l("Date resolved"), required=True, missing=_l("Enter the date it was resolved"))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000), NoNul()])


class PreElectionForm(FlaskForm):
    partner = SelectField(_l("Partner"), coerce=int, validators=[DataRequired(_l("Select the partner"))])
    starts_on = DateInput(_l("Start (notice of election)"), required=True, missing=_l("Enter the start date"))
    polling_on = DateInput(_l("Polling day"), required=True, missing=_l("Enter polling day"))


FORMS: dict[str, type[FlaskForm]] = {
    "record": RecordDecisionForm,
    "call_in": CallInForm,
    "resolve": ResolveForm,
    "pre_election": PreElectionForm,
}


def decisions() -> Decisions:
    s = services()
    return Decisions(s.db, s.registry, s.programmes.clock, s.programmes.listeners)


def _choices(board: DecisionBoard, forms: dict[str, Any]) -> None:
    mine = [s for s in board.asked if s.partner_id in board.may_record_for]
    forms["record"].asked.choices = options(
        (f"{s.partner_id}:{s.body}", f"{s.partner_name}: {BODY_TITLES.get(s.body, s.body)}") for s in mine
    )
    decided = [s for s in mine if s.decision and s.decision.outcome == "approved"]
    forms["call_in"].decision.choices = options(
        (s.decision.id, f"{s.partner_name}: {BODY_TITLES.get(s.body, s.body)}") for s in decided if s.decision
    )
    open_calls = [(s, c) for s in mine if s.decision for c in s.decision.call_ins if c.resolved_on is None]
    forms["resolve"].call_in.choices = options(
        (c.id, f"{s.partner_name}: {_('called in on %(day)s', day=format_date(c.called_in_on, 'd MMMM yyyy'))}")
        for s, c in open_calls
    )
    names = {s.partner_id: s.partner_name for s in board.asked}
    view = services().programmes.get(board.programme_id, g.actor)
    names.update({p.id: p.name for p in view.partners if p.is_current})
    forms["pre_election"].partner.choices = options(
        (pid, name) for pid, name in names.items() if pid in board.may_record_for
    )


def _page(programme_id: int, status: int = 200, **given: Any) -> Any:
    board = decisions().board(programme_id, g.actor)
    view = services().programmes.get(programme_id, g.actor)
    forms: dict[str, Any] = {name: given.get(name) or cls(formdata=None) for name, cls in FORMS.items()}
    _choices(board, forms)
    if "record" not in given:
        key = next((s.key_decision for s in board.asked if s.partner_id in board.may_record_for), False)
        forms["record"].key_decision.data = "yes" if key else "no"
    return (
        render_template(
            "decisions/board.html",
            view=view,
            access=access_to(view),
            board=board,
            forms=forms,
            bodies=BODY_TITLES,
            statuses=STATUS_TITLES,
        ),
        status,
    )


@bp.get("")
def show(programme_id: int) -> Any:
    return _page(programme_id)


def _fail(form: Any, field: str, exc: InvalidError) -> None:
    target = getattr(form, exc.field or "", None) or getattr(form, field)
    target.errors = [*target.errors, error_text(exc)]


def _done(programme_id: int, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("decisions.show", programme_id=programme_id))


def _posted(programme_id: int, name: str) -> Any:
    """The form posted as ``name``, with its choices (what the person may record) filled in."""
    forms: dict[str, Any] = {n: (c() if n == name else c(formdata=None)) for n, c in FORMS.items()}
    _choices(decisions().board(programme_id, g.actor), forms)
    return forms[name]


@bp.post("")
def record(programme_id: int) -> Any:
    form = _posted(programme_id, "record")
    if form.validate_on_submit():
        partner, _sep, body = str(form.asked.data).partition(":")
        entry = DecisionInput(
            int(partner),
            body,
            form.meeting_on.data,
            form.key_decision.data == "yes",
            form.forward_plan_on.data,
            form.minutes.data or "",
            str(form.outcome.data),
            form.call_in_days.data,
        )
        try:
            decisions().record(programme_id, entry, g.actor)
        except InvalidError as exc:
            _fail(form, "asked", exc)
        else:
            return _done(programme_id, _("Decision recorded"))
    return _page(programme_id, 422, record=form)


@bp.post("/call-in")
def call_in(programme_id: int) -> Any:
    form = _posted(programme_id, "call_in")
    if form.validate_on_submit():
        try:
            decisions().call_in(programme_id, form.decision.data, form.called_in_on.data, form.note.data or "", g.actor)
        except InvalidError as exc:
            _fail(form, "decision", exc)
        else:
            return _done(programme_id, _("Call-in recorded"))
    return _page(programme_id, 422, call_in=form)


@bp.post("/resolve")
def resolve(programme_id: int) -> Any:
    form = _posted(programme_id, "resolve")
    if form.validate_on_submit():
        try:
            decisions().resolve_call_in(
                programme_id,
                form.call_in.data,
                str(form.resolution.data),
                form.resolved_on.data,
                form.note.data or "",
                g.actor,
            )
        except InvalidError as exc:
            _fail(form, "call_in", exc)
        else:
            return _done(programme_id, _("Call-in resolved"))
    return _page(programme_id, 422, resolve=form)


@bp.post("/pre-election")
def pre_election(programme_id: int) -> Any:
    form = _posted(programme_id, "pre_election")
    if form.validate_on_submit():
        try:
            decisions().set_pre_election(
                programme_id, form.partner.data, form.starts_on.data, form.polling_on.data, g.actor
            )
        except InvalidError as exc:
            _fail(form, "partner", exc)
        else:
            return _done(programme_id, _("Pre-election period recorded"))
    return _page(programme_id, 422, pre_election=form)
