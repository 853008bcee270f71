"""What a consequential move would do, shown before it is confirmed (GOV.UK "check your answers"): what a
leaving partner owes under the pre-nup and how the others' shares change, where the programme goes, which
decisions lapse and who is emailed. Everything here is read from the engine and the money; nothing changes
until the person confirms, and the engine checks the move again then."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g

from web.extensions import _, error_text
from web.money.pages import finances
from web.services import services
from web.titles import local
from workflow.engine.errors import BannsError
from workflow.engine.views import ProgrammeView
from workflow.money.prenup import WhatIf


@dataclass
class Consequences:
    """What the confirmation page shows: ``answers`` (label, value) as given; the rest as found."""

    answers: list[tuple[str, str]]
    moves_to: str | None = None
    ends: bool = False
    owed: WhatIf | None = None
    owed_problem: str = ""
    lapse: list[tuple[str, str]] = field(default_factory=list)  # (person, decision in words)
    emailed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _everyone(view: ProgrammeView) -> list[str]:
    return sorted({r.person_name for r in view.roles})


def _decisions(view: ProgrammeView, partner_id: int | None = None) -> list[tuple[str, str]]:
    """The decisions of the current visit that still stand (of one partner's people, if given)."""
    if view.gate is None:
        return []
    found = []
    for s in view.gate.sign_offs:
        if s.round == view.gate.round and (partner_id is None or s.partner_id == partner_id):
            verb = _("approved") if s.decision == "approve" else _("rejected")
            found.append((s.person_name, f"{verb} ({s.role.replace('_', ' ')})"))
    return found


def withdraw(view: ProgrammeView, partner_id: int, reason: str) -> Consequences:
    partner = next(p for p in view.partners if p.id == partner_id)
    found = Consequences([(_("Partner"), partner.name), (_("Reason"), reason)])
    try:
        found.owed = finances().what_if(view.id, partner_id, actor=g.actor)
    except BannsError as exc:
        found.owed_problem = error_text(exc)
    minimum = services().portfolio.definition_of(view).partners.minimum
    if len(view.current_partners) - 1 < minimum:
        found.ends = True
        found.notes.append(
            _(
                "Fewer than %(n)s partners would remain, so the programme ends when %(partner)s leaves.",
                n=minimum,
                partner=partner.name,
            )
        )
    found.lapse = _decisions(view, partner_id)
    found.emailed = _everyone(view)
    return found


def end(view: ProgrammeView, move: str, reason: str) -> Consequences:
    outcome = dict(view.outcome_moves).get(move, move)
    title = local(services().portfolio.definition_of(view).state_title(outcome))
    found = Consequences([(_("Outcome"), title), (_("Reason"), reason)], moves_to=title, ends=True)
    found.notes.append(_("The programme ends: no further evidence, decisions or moves can be recorded."))
    found.lapse, found.emailed = _decisions(view), _everyone(view)
    return found


def return_to(view: ProgrammeView, stage: str, reason: str) -> Consequences:
    definition = services().portfolio.definition_of(view)
    ids = definition.stage_ids
    again = (
        [local(definition.state_title(s)) for s in ids[ids.index(stage) : ids.index(view.state) + 1]]
        if stage in ids
        else []
    )
    found = Consequences([(_("Return to"), local(definition.state_title(stage))), (_("Reason"), reason)])
    found.moves_to = local(definition.state_title(stage))
    if again:
        found.notes.append(_("These gates must be passed again: %(stages)s.", stages=", ".join(again)))
    found.lapse, found.emailed = _decisions(view), _everyone(view)
    return found


def waive(view: ProgrammeView, note: str) -> Consequences:
    definition = services().portfolio.definition_of(view)
    ids = definition.stage_ids
    following = ids[ids.index(view.state) + 1] if view.state in ids and ids.index(view.state) + 1 < len(ids) else None
    answers = [(_("Rationale approved by the steering group"), view.gate.request_note if view.gate else "")]
    if note:
        answers.append((_("Added to it"), note))
    found = Consequences(answers, moves_to=local(definition.state_title(following)) if following else None)
    found.notes.append(_("The stage is skipped; its gate is not passed, and the waiver is recorded in the log."))
    found.emailed = _everyone(view)
    return found


def hidden_fields(form: Any) -> list[tuple[str, str]]:
    """The posted form's fields (but its CSRF token), to post again once confirmed."""
    return [(f.name, str(f.data if f.data is not None else "")) for f in form if f.name != "csrf_token"]
