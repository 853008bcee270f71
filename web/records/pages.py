"""The partnership's records: the honest-conversation register (each partner's preconditions, red lines and
non-negotiables, and the others' answers) and the scope register. Thin views over
:mod:`workflow.records`, which checks again on every change who may speak for which partner: hiding a form is
a courtesy, not the control. A person not on the programme gets 404 (it is not theirs to know of)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Regexp

from web.extensions import _, error_text, reason_text
from web.forms import FlaskForm, Length, NoNul, OneLine, options
from web.programmes.access import access_to
from web.services import services
from workflow.engine import reasons as R
from workflow.engine.errors import InvalidError
from workflow.records.declarations import Declarations, may_speak_for_ids
from workflow.records.scope import Scope
from workflow.records.work import register_tasks

bp = Blueprint("records", __name__, url_prefix="/programmes/<int:programme_id>")
ANSWERS = (("accepted", _l("Accept")), ("objected", _l("Object")))
KINDS = (("precondition", _l("Precondition")), ("red_line", _l("Red line")), ("non_negotiable", _l("Non-negotiable")))
PARTNER = [DataRequired(_l("Select a partner")), Regexp(r"^\d{1,9}$", message=_l("Select a partner"))]


class DeclareForm(FlaskForm):
    partner = HiddenField(validators=PARTNER)
    kind = RadioField(_l("What kind of item is it?"), validators=[DataRequired(_l("Select what kind of item it is"))])
    title = StringField(
        _l("The item, in a line"),
        validators=[DataRequired(_l("Enter the item")), Length(max=300), OneLine()],
    )
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Enter the reason")), Length(max=4000), NoNul()])


class AnswerForm(FlaskForm):
    partner = HiddenField(validators=PARTNER)
    answer = RadioField(_l("Your answer"), validators=[DataRequired(_l("Select accept or object"))])
    comment = TextAreaField(_l("Comment (required to object)"), validators=[Length(max=4000), NoNul()])


class PartnerForm(FlaskForm):
    """Record "none" for a partner, or withdraw its objection: only the partner travels with the token."""

    partner = HiddenField(validators=PARTNER)


class ServiceForm(FlaskForm):
    name = StringField(_l("Service"), validators=[DataRequired(_l("Enter the service")), Length(max=200), OneLine()])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=4000), NoNul()])


class LocalForm(FlaskForm):
    partner = RadioField(_l("Partner"), validators=[DataRequired(_l("Select the partner"))])
    service = StringField(
        _l("Service kept local"), validators=[DataRequired(_l("Enter the service")), Length(max=200), OneLine()]
    )
    reason = TextAreaField(_l("Why it stays local"), validators=[DataRequired(_l("Enter the reason")), NoNul()])


class RemoveForm(FlaskForm):
    pass


def declarations() -> Declarations:
    s = services()
    return Declarations(s.db, s.registry, s.programmes.clock)


def scope() -> Scope:
    s = services()
    return Scope(s.db, s.registry, s.programmes.clock)


@bp.record_once
def _globals(state: Any) -> None:
    """Other pages show the records through these (the programme page's summary, the gate, My work)."""
    state.app.jinja_env.globals.update(
        records_register=lambda programme_id: declarations().register(programme_id, g.actor),
        records_scope=lambda programme_id: scope().view(programme_id, g.actor),
        records_work=_work,
        kind_title=_kind_title,
        gate_checks_register=_checks,
    )


def _kind_title(kind: str, default: str | None = None) -> str:
    """A declaration's kind in words (``red_line``: "red line"), in the request's language."""
    return reason_text(R.reason(R.DECLARATION_KIND, kind=kind))


def _checks(view: Any) -> bool:
    """Whether the programme's current gate checks the register (a ``declarations_agreed`` criterion)."""
    gate = services().portfolio.definition_of(view).gates.get(view.state)
    return gate is not None and any(c.figures == "declarations_agreed" for c in gate.criteria)


def _work() -> list[Any]:
    s = services()
    return register_tasks(s.db, s.registry, g.actor)


# --- the honest-conversation register ---------------------------------------------------------------------


@bp.get("/declarations")
def register(programme_id: int) -> Any:
    return _page(programme_id)


def _page(programme_id: int, status: int = 200, **forms: Any) -> Any:
    state = declarations().register(programme_id, g.actor)  # 404 for a person not on the programme
    view = services().programmes.get(programme_id, g.actor)
    speaks = may_speak_for_ids(view.roles, g.actor, [p.partner_id for p in state.partners])
    return render_template("records/declarations.html", view=view, register=state, speaks=speaks, forms=forms), status


@bp.route("/declarations/new", methods=["GET", "POST"])
def declare(programme_id: int) -> Any:
    partner_id = _speaking_for(programme_id, request.values.get("partner", ""))
    form = DeclareForm(data={"partner": partner_id})
    form.kind.choices = options(KINDS)
    status = 200
    if form.validate_on_submit():
        done = _try(
            form,
            lambda: declarations().declare(
                programme_id, partner_id, form.kind.data or "", form.title.data or "", form.reason.data or "", g.actor
            ),
        )
        if done:
            flash(_("Declared: %(item)s", item=form.title.data), "success")
            return redirect(url_for("records.register", programme_id=programme_id))
        status = 422
    elif form.is_submitted():
        status = 422
    return _form_page(programme_id, "records/declare.html", form, status, partner_id=partner_id)


@bp.post("/declarations/none")
def declare_none(programme_id: int) -> Any:
    form = PartnerForm()
    partner_id = _speaking_for(programme_id, form.partner.data or "")
    if not form.validate_on_submit():
        return _page(programme_id, 422, none=form)
    if not _try(form, lambda: declarations().declare_none(programme_id, partner_id, g.actor)):
        return _page(programme_id, 422, none=form)
    flash(_("Recorded that the partner has nothing to declare"), "success")
    return redirect(url_for("records.register", programme_id=programme_id))


@bp.route("/declarations/<int:declaration_id>/answer", methods=["GET", "POST"])
def answer(programme_id: int, declaration_id: int) -> Any:
    partner_id = _speaking_for(programme_id, request.values.get("partner", ""))
    if declarations().register(programme_id, g.actor).declaration(declaration_id) is None:
        abort(404)
    form = AnswerForm(data={"partner": partner_id})
    form.answer.choices = options(ANSWERS)
    status = 200
    if form.validate_on_submit():
        done = _try(
            form,
            lambda: declarations().answer(
                programme_id, declaration_id, partner_id, form.answer.data or "", form.comment.data or "", g.actor
            ),
        )
        if done:
            flash(_("Your answer is recorded"), "success")
            return redirect(url_for("records.register", programme_id=programme_id))
        status = 422
    elif form.is_submitted():
        status = 422
    return _form_page(
        programme_id, "records/answer.html", form, status, partner_id=partner_id, declaration_id=declaration_id
    )


@bp.post("/declarations/<int:declaration_id>/withdraw")
def withdraw_objection(programme_id: int, declaration_id: int) -> Any:
    form = PartnerForm()
    partner_id = _speaking_for(programme_id, form.partner.data or "")
    if not form.validate_on_submit() or not _try(
        form, lambda: declarations().withdraw_objection(programme_id, declaration_id, partner_id, g.actor)
    ):
        return _page(programme_id, 422, withdraw=form)
    flash(_("The objection is withdrawn"), "success")
    return redirect(url_for("records.register", programme_id=programme_id))


@bp.route("/declarations/<int:declaration_id>/revise", methods=["GET", "POST"])
def revise(programme_id: int, declaration_id: int) -> Any:
    state = declarations().register(programme_id, g.actor)
    found = state.declaration(declaration_id)
    if found is None:
        abort(404)
    _speaking_for(programme_id, str(found.partner_id))
    form = DeclareForm(
        data={"partner": found.partner_id, "kind": found.kind, "title": found.title, "reason": found.reason}
    )
    form.kind.choices = options(KINDS)
    status = 200
    if form.validate_on_submit():
        done = _try(
            form,
            lambda: declarations().revise(
                programme_id,
                declaration_id,
                form.kind.data or "",
                form.title.data or "",
                form.reason.data or "",
                g.actor,
            ),
        )
        if done:
            flash(_("Revised: every other partner is asked again"), "success")
            return redirect(url_for("records.register", programme_id=programme_id))
        status = 422
    elif form.is_submitted():
        status = 422
    return _form_page(
        programme_id, "records/declare.html", form, status, partner_id=found.partner_id, declaration=found
    )


def _speaking_for(programme_id: int, raw: str) -> int:
    """The partner the person acts for: 404 if the programme is not theirs to see, 403 if they may not speak
    for it (the engine checks again when it writes)."""
    state = declarations().register(programme_id, g.actor)
    view = services().programmes.get(programme_id, g.actor)
    partner_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    if partner_id not in {p.partner_id for p in state.partners}:
        abort(404)
    if partner_id not in may_speak_for_ids(view.roles, g.actor, [partner_id]):
        abort(403)
    return partner_id


def _form_page(programme_id: int, template: str, form: Any, status: int, **context: Any) -> Any:
    state = declarations().register(programme_id, g.actor)
    view = services().programmes.get(programme_id, g.actor)
    names = {p.partner_id: p.partner_name for p in state.partners}
    return render_template(template, view=view, register=state, form=form, names=names, **context), status


def _try(form: Any, action: Callable[[], Any]) -> bool:
    """Run the engine's change; its refusal of bad input becomes the named field's error."""
    try:
        action()
    except InvalidError as exc:
        field = exc.field or ""
        target = getattr(form, field, None)
        if target is not None and hasattr(target, "errors") and field != "partner":
            target.errors = [*target.errors, error_text(exc)]
        else:
            form.form_errors.append(error_text(exc, capitalised=True))
        return False
    return True


# --- the scope register -----------------------------------------------------------------------------------


@bp.get("/scope")
def scope_page(programme_id: int) -> Any:
    return _scope_page(programme_id)


def _scope_page(programme_id: int, status: int = 200, **forms: Any) -> Any:
    current = scope().view(programme_id, g.actor)  # 404 for a person not on the programme
    view = services().programmes.get(programme_id, g.actor)
    service_form = forms.get("service") or ServiceForm(formdata=None)
    local_form = forms.get("local") or LocalForm(formdata=None)
    local_form.partner.choices = options((str(pid), name) for pid, name in current.partners)
    return render_template(
        "records/scope.html",
        view=view,
        scope=current,
        access=access_to(view),
        service_form=service_form,
        local_form=local_form,
        forms=[service_form, local_form],
    ), status


@bp.post("/scope/services")
def add_service(programme_id: int) -> Any:
    scope().view(programme_id, g.actor)
    form = ServiceForm()
    if form.validate_on_submit() and _try(
        form, lambda: scope().add_service(programme_id, form.name.data or "", form.description.data or "", g.actor)
    ):
        flash(_("%(name)s is in scope", name=form.name.data), "success")
        return redirect(url_for("records.scope_page", programme_id=programme_id))
    return _scope_page(programme_id, 422, service=form)


@bp.post("/scope/local")
def keep_local(programme_id: int) -> Any:
    current = scope().view(programme_id, g.actor)
    form = LocalForm()
    form.partner.choices = options((str(pid), name) for pid, name in current.partners)
    if form.validate_on_submit() and _try(
        form,
        lambda: scope().keep_local(
            programme_id, int(form.partner.data or 0), form.service.data or "", form.reason.data or "", g.actor
        ),
    ):
        flash(_("%(service)s stays local", service=form.service.data), "success")
        return redirect(url_for("records.scope_page", programme_id=programme_id))
    return _scope_page(programme_id, 422, local=form)


@bp.post("/scope/services/<int:service_id>/remove")
def remove_service(programme_id: int, service_id: int) -> Any:
    scope().view(programme_id, g.actor)
    if not RemoveForm().validate_on_submit():
        abort(400)
    scope().remove_service(programme_id, service_id, g.actor)
    flash(_("The service is out of scope"), "success")
    return redirect(url_for("records.scope_page", programme_id=programme_id))


@bp.post("/scope/local/<int:local_id>/remove")
def remove_local(programme_id: int, local_id: int) -> Any:
    scope().view(programme_id, g.actor)
    if not RemoveForm().validate_on_submit():
        abort(400)
    scope().remove_local(programme_id, local_id, g.actor)
    flash(_("The service is no longer kept local"), "success")
    return redirect(url_for("records.scope_page", programme_id=programme_id))
