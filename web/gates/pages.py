"""The gate of a programme's current stage: evidence, sign-off requests, decisions, and the moves.

Every change carries the programme version the person saw. If someone else changed the programme
meanwhile, the page comes back (409) with the fresh state, a banner saying so, and what was typed kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from web.extensions import _, error_text
from web.forms import (
    DecisionForm,
    EndForm,
    EvidenceForm,
    MoveForm,
    RequestForm,
    ReturnForm,
    VersionedForm,
    WaiveForm,
    WaiverForm,
    WithdrawEvidenceForm,
    WithdrawForm,
    options,
)
from web.gates import consequences, documents
from web.programmes.access import Access, access_to, capacities_asked
from web.programmes.next_steps import panel_for
from web.services import services
from web.titles import local
from workflow.engine.errors import ConflictError, InvalidError, MoveRefusedError
from workflow.engine.next_steps import RECORD_EVIDENCE
from workflow.engine.reasons import Reason
from workflow.engine.views import ProgrammeView

bp = Blueprint("gates", __name__, url_prefix="/programmes/<int:programme_id>")
TEMPLATES = {"show": "gates/gate.html", "manage": "gates/manage.html"}


def _forms(view: ProgrammeView, given: Mapping[str, VersionedForm]) -> dict[str, VersionedForm]:
    """Every form of the gate and manage pages, bound to the request only where it was the one posted."""
    definition = services().portfolio.definition_of(view)
    names: dict[str, type[VersionedForm]] = {
        "evidence": EvidenceForm,
        "withdraw_evidence": WithdrawEvidenceForm,
        "request": RequestForm,
        "waiver": WaiverForm,
        "sign": DecisionForm,
        "advance": MoveForm,
        "return_to": ReturnForm,
        "waive": WaiveForm,
        "withdraw": WithdrawForm,
        "end": EndForm,
    }
    forms = {name: given.get(name) or cls(formdata=None) for name, cls in names.items()}
    for name, form in forms.items():
        form.version.data = str(view.version)
        for field in form:  # the pages hold several forms with a "reason" or a "note": ids must not clash
            field.id = f"{name}-{field.name}"
    decision = cast(DecisionForm, forms["sign"])
    if view.gate and view.gate.pack_hash and "sign" not in given:
        decision.pack.data, decision.round.data = view.gate.pack_hash, str(view.gate.round)
    if view.gate:
        evidence_form = cast(EvidenceForm, forms["evidence"])
        evidence_form.criterion.choices = options(
            [(c.id, local(c.title)) for c in definition.gates[view.state].criteria]
        )
    if not view.ended:
        return_form = cast(ReturnForm, forms["return_to"])
        return_form.stage.choices = options([(s, local(definition.state_title(s))) for s in view.return_targets])
    withdraw_form = cast(WithdrawForm, forms["withdraw"])
    withdraw_form.partner.choices = options([(p.id, p.name) for p in view.current_partners])
    end_form = cast(EndForm, forms["end"])
    end_form.move.choices = options([(m, local(definition.state_title(o))) for m, o in view.outcome_moves])
    return forms


def _my_capacities(view: ProgrammeView) -> list[str]:
    """The capacities in which the signed-in person is asked to decide in the open round."""
    if not view.gate or not view.gate.request_open:
        return []
    return capacities_asked(view, g.actor.person_id)


def _page(
    view: ProgrammeView,
    template: str,
    status: int = 200,
    reasons: tuple[Reason, ...] = (),
    given: Mapping[str, VersionedForm] | None = None,
) -> Any:
    access = access_to(view)
    panel = panel_for(view)
    forms = _forms(view, given or {})
    if panel.lead.code == RECORD_EVIDENCE and "evidence" not in (given or {}):
        forms["evidence"].criterion.data = panel.lead.criteria[0].id  # type: ignore[attr-defined]
    return render_template(
        template,
        view=view,
        access=access,
        forms=forms,
        asked=_my_capacities(view),
        reasons=reasons,
        next=panel,
    ), status


@bp.get("/gate")
def show(programme_id: int) -> Any:
    return _page(services().programmes.get(programme_id, g.actor), "gates/gate.html")


@bp.get("/manage")
def manage(programme_id: int) -> Any:
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).is_manager:
        abort(403)
    return _page(view, TEMPLATES["manage"])


def _act(
    programme_id: int,
    name: str,
    form: VersionedForm,
    action: Any,
    done: str,
    page: str = "show",
    permission: str | None = None,
) -> Any:
    """Validate ``form``, run ``action(version)``, and answer as the outcome deserves: back to ``page``
    (``show`` or ``manage``) on success, or that page again with the errors."""
    template = TEMPLATES[page]
    view = services().programmes.get(programme_id, g.actor)
    if permission and not access_to(view).can(permission):
        abort(403)
    if not form.validate_on_submit():
        return _page(view, template, 422, given={name: form})
    try:
        action(int(form.version.data or 0))
    except ConflictError:
        flash(
            _(
                "Someone else changed this programme while you were looking at it. The page now shows the "
                "latest state; check it, then try again."
            ),
            "conflict",
        )
        return _page(services().programmes.get(programme_id, g.actor), template, 409, given={name: form})
    except MoveRefusedError as exc:
        return _page(
            services().programmes.get(programme_id, g.actor),
            template,
            409,
            reasons=tuple(exc.reasons),
            given={name: form},
        )
    except InvalidError as exc:
        field = getattr(form, exc.field or "", None)
        (field.errors if field is not None else form.form_errors).append(error_text(exc))
        return _page(view, template, 422, given={name: form})
    flash(done, "success")
    return redirect(url_for(f"gates.{page}", programme_id=programme_id))


def _confirm_first(programme_id: int, name: str, form: VersionedForm, found: Any, heading: str, label: str) -> Any:
    """The check-your-answers page of a consequential move, unless this post confirms it (None: go on)."""
    if request.form.get("confirmed") == "yes":
        return None
    view = services().programmes.get(programme_id, g.actor)
    if not access_to(view).can(name):
        abort(403)
    if not form.validate_on_submit():
        return _page(view, TEMPLATES["manage"], 422, given={name: form})
    return render_template(
        "gates/confirm.html",
        view=view,
        found=found(view),
        heading=heading,
        confirm_label=label,
        action=request.path,
        fields=consequences.hidden_fields(form),
    )


@bp.post("/gate/evidence")
def evidence(programme_id: int) -> Any:
    form = EvidenceForm()

    def record(version: int) -> Any:
        document = documents.receive(form.document.data)
        return services().programmes.record_evidence(
            programme_id,
            form.criterion.data,
            form.summary.data or "",
            form.link.data or None,
            g.actor,
            expected_version=version,
            document=document,
        )

    return _act(programme_id, "evidence", form, record, _("Evidence recorded"), permission="record_evidence")


@bp.post("/gate/evidence/withdraw")
def withdraw_evidence(programme_id: int) -> Any:
    form = WithdrawEvidenceForm()
    return _act(
        programme_id,
        "withdraw_evidence",
        form,
        lambda v: services().programmes.withdraw_evidence(
            programme_id, form.criterion.data or "", form.reason.data or "", g.actor, expected_version=v
        ),
        _("Evidence withdrawn: the criterion needs evidence again"),
        permission="record_evidence",
    )


@bp.post("/gate/request")
def request_sign_off(programme_id: int) -> Any:
    form = RequestForm()
    return _act(
        programme_id,
        "request",
        form,
        lambda v: services().programmes.request_sign_off(
            programme_id, g.actor, note=form.note.data or "", expected_version=v
        ),
        _("Sign-off requested"),
        permission="request_sign_off",
    )


@bp.post("/gate/waiver")
def request_waiver(programme_id: int) -> Any:
    form = WaiverForm()
    return _act(
        programme_id,
        "waiver",
        form,
        lambda v: services().programmes.request_sign_off(
            programme_id, g.actor, waiver=True, note=form.note.data or "", expected_version=v
        ),
        _("Waiver requested from the steering group"),
        permission="request_sign_off",
    )


@bp.post("/gate/sign")
def sign(programme_id: int) -> Any:
    form = DecisionForm()
    return _act(
        programme_id,
        "sign",
        form,
        lambda _version: services().programmes.sign(
            programme_id,
            g.actor.person_id,
            form.decision.data or "",
            form.comment.data or "",
            pack=form.pack.data or None,
            in_round=int(form.round.data) if form.round.data else None,
        ),
        _("Your decision is recorded"),
    )


@bp.get("/packs/<digest>")
def pack(programme_id: int, digest: str) -> Any:
    """What a decision was given on, frozen: the criteria, the evidence, the figures and the request."""
    view = services().programmes.get(programme_id, g.actor)
    found = services().programmes.pack(programme_id, digest, g.actor)
    decisions = [s for s in view.gate.sign_offs if s.pack_hash == digest] if view.gate else []
    current = view.gate is not None and view.gate.pack_hash == digest
    return render_template("gates/pack.html", view=view, pack=found, decisions=decisions, current=current)


@bp.post("/advance")
def advance(programme_id: int) -> Any:
    form = MoveForm()
    return _act(
        programme_id,
        "advance",
        form,
        lambda v: services().programmes.advance(programme_id, g.actor, expected_version=v),
        _("The programme has moved to its next stage"),
        permission="advance",
    )


@bp.post("/return")
def return_to(programme_id: int) -> Any:
    form = ReturnForm()
    check = _confirm_first(
        programme_id,
        "return_to",
        form,
        lambda view: consequences.return_to(view, form.stage.data, form.reason.data or ""),
        _("Check before you return the programme"),
        _("Return the programme"),
    )
    return check or _act(
        programme_id,
        "return_to",
        form,
        lambda v: services().programmes.return_to(
            programme_id, form.stage.data, form.reason.data or "", g.actor, expected_version=v
        ),
        _("The programme has returned to an earlier stage"),
        "manage",
        permission="return_to",
    )


@bp.post("/waive")
def waive(programme_id: int) -> Any:
    form = WaiveForm()
    check = _confirm_first(
        programme_id,
        "waive",
        form,
        lambda view: consequences.waive(view, form.reason.data or ""),
        _("Check before you waive the stage"),
        _("Waive the stage"),
    )
    return check or _act(
        programme_id,
        "waive",
        form,
        lambda v: services().programmes.waive(programme_id, form.reason.data or "", g.actor, expected_version=v),
        _("The stage is waived"),
        "manage",
        permission="waive",
    )


@bp.post("/withdraw")
def withdraw(programme_id: int) -> Any:
    form = WithdrawForm()
    check = _confirm_first(
        programme_id,
        "withdraw",
        form,
        lambda view: consequences.withdraw(view, form.partner.data, form.reason.data or ""),
        _("Check before you record the withdrawal"),
        _("Record the withdrawal"),
    )
    return check or _act(
        programme_id,
        "withdraw",
        form,
        lambda v: services().programmes.withdraw(
            programme_id, form.partner.data, form.reason.data or "", g.actor, expected_version=v
        ),
        _("The partner's withdrawal is recorded"),
        "manage",
        permission="withdraw",
    )


@bp.post("/end")
def end(programme_id: int) -> Any:
    form = EndForm()
    check = _confirm_first(
        programme_id,
        "end",
        form,
        lambda view: consequences.end(view, form.move.data or "", form.reason.data or ""),
        _("Check before you end the programme"),
        _("End the programme"),
    )
    return check or _act(
        programme_id,
        "end",
        form,
        lambda v: services().programmes.end(
            programme_id, form.move.data, form.reason.data or "", g.actor, expected_version=v
        ),
        _("The programme has ended"),
        "manage",
        permission="end",
    )


__all__ = ["Access", "bp"]
