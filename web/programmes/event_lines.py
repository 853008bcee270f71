"""The programme's log in words: each event kind as one line a person reads ("Tom Hardy approved the
Courtship gate", "Eastvale Borough Council withdrew, owing £600,000.00"), with stage, gate and criterion
titles from the programme's lifecycle and names from its people and partners. The engine stores facts
(kinds, ids, amounts as text); the words are made here, for the audit page, the programme page and the CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g

from web.extensions import _ as gettext
from web.extensions import error_text
from web.programmes.line_values import day, nonzero, pounds
from web.programmes.record_lines import RECORD_LINES
from web.services import services
from web.titles import local
from workflow.engine.definitions import Definition
from workflow.engine.errors import BrokenDefinitionError, InvalidError
from workflow.engine.views import EventView, ProgrammeView


def _(text: str, **values: Any) -> str:
    """The text translated, with its values."""
    return str(gettext(text, **values))


@dataclass(frozen=True)
class Names:
    """What a line needs to name things: the lifecycle, and the programme's partners and people."""

    definition: Definition | None
    partners: dict[int, str]
    people: dict[int, str]

    def stage(self, stage_id: str | None) -> str:
        if not stage_id:
            return ""
        d = self.definition
        found = d and (d.stage_by_id.get(stage_id) or d.outcome_by_id.get(stage_id))
        return local(found.title) if found else stage_id.replace("_", " ").capitalize()

    def gate(self, stage_id: str | None) -> str:
        gate = self.definition.gates.get(stage_id or "") if self.definition else None
        return local(gate.title) if gate else _("the %(stage)s gate", stage=self.stage(stage_id))

    def criterion(self, stage_id: str | None, criterion_id: str) -> str:
        gate = self.definition.gates.get(stage_id or "") if self.definition else None
        found = next((c for c in gate.criteria if c.id == criterion_id), None) if gate else None
        return local(found.title) if found else criterion_id.replace("_", " ")

    def role(self, role_id: str) -> str:
        titles = self.definition.role_title if self.definition else {}
        return str(local(titles.get(role_id, role_id.replace("_", " "))))

    def partner(self, partner_id: Any) -> str:
        return self.partners.get(int(partner_id), _("partner %(id)s", id=partner_id)) if partner_id else ""

    def person(self, person_id: Any) -> str:
        return self.people.get(int(person_id), _("person %(id)s", id=person_id)) if person_id else ""


def names_for(view: ProgrammeView) -> Names:
    """The names of the programme ``view``, its lifecycle read once per request."""
    cache: dict[str, Definition | None] = g.setdefault("_event_definitions", {})
    if view.definition_hash not in cache:
        try:
            cache[view.definition_hash] = services().portfolio.definition_of(view)
        except BrokenDefinitionError:  # a lifecycle that no longer reads: ids are shown instead
            cache[view.definition_hash] = None
    return Names(
        cache[view.definition_hash],
        {p.id: p.name for p in view.partners},
        {r.person_id: r.person_name for r in view.roles},
    )


def event_line(event: EventView, view: ProgrammeView) -> str:
    """What happened, in words (the reason or comment is shown beside it, not here)."""
    names = names_for(view)
    describe = _LINES.get(event.kind)
    if describe is not None:
        return describe(event, event.data or {}, names)
    line = event.kind.replace("_", " ").capitalize()
    if event.to_state:
        return _("%(what)s: %(from)s to %(to)s", what=line, **_stages(event, names))
    return line


def _stages(event: EventView, names: Names) -> dict[str, str]:
    return {"from": names.stage(event.from_state), "to": names.stage(event.to_state)}


def _capacities(data: dict[str, Any], names: Names) -> str:
    labels = []
    for role, partner in data.get("capacities") or []:
        title = names.role(role)
        title = title[:1].upper() + title[1:]
        labels.append(_("%(role)s of %(partner)s", role=title, partner=names.partner(partner)) if partner else title)
    return ", ".join(labels)


def _signed(event: EventView, data: dict[str, Any], names: Names) -> str:
    what = (
        _("the waiver of %(stage)s", stage=names.stage(data.get("stage")))
        if data.get("subject") == "waiver"
        else names.gate(data.get("stage"))
    )
    capacities = _capacities(data, names)
    if data.get("decision") == "approve":
        line = _("Approved %(what)s", what=what)
    elif data.get("decision") == "reject":
        line = _("Rejected %(what)s", what=what)
    else:
        line = _("Decided on %(what)s: %(decision)s", what=what, decision=data.get("decision", ""))
    if capacities:
        line = _("%(line)s as %(capacities)s", line=line, capacities=capacities)
    if data.get("round"):
        line = _("%(line)s (round %(round)s)", line=line, round=data["round"])
    return line


def _requested(event: EventView, data: dict[str, Any], names: Names) -> str:
    if data.get("subject") == "waiver":
        return _("Asked the steering group to waive %(stage)s", stage=names.stage(data.get("stage")))
    return _(
        "Requested sign-off of %(gate)s (round %(round)s)",
        gate=names.gate(data.get("stage")),
        round=data.get("round", 1),
    )


def _evidence(event: EventView, data: dict[str, Any], names: Names) -> str:
    criterion = names.criterion(data.get("stage"), str(data.get("criterion", "")))
    if event.kind == "evidence_withdrawn":
        return _("Withdrew the evidence for “%(criterion)s”", criterion=criterion)
    line = _("Recorded evidence for “%(criterion)s”", criterion=criterion)
    if data.get("document_name"):
        line = _("%(line)s with the document %(name)s", line=line, name=data["document_name"])
    return line


def _withdrew(event: EventView, data: dict[str, Any], names: Names) -> str:
    partner = data.get("partner") or names.partner(data.get("partner_id"))
    if "liability" not in data:
        note = data.get("liability_note")
        if isinstance(note, dict) and note.get("message"):
            why = error_text(InvalidError(note["message"], **dict(note.get("values") or {})))
            return _("%(partner)s withdrew; no liability was computed: %(why)s", partner=partner, why=why)
        if note:  # written before the note was a msgid: its English as it was
            return _("%(partner)s withdrew; no liability was computed", partner=partner)
        return _("%(partner)s withdrew", partner=partner)
    line = _(
        "%(partner)s withdrew, owing %(amount)s under the pre-nuptial agreement",
        partner=partner,
        amount=pounds(data["liability"]),
    )
    parts = _liability_parts(data.get("liability_breakdown") or {})
    return f"{line} ({'; '.join(parts)})" if parts else line


def _liability_parts(breakdown: dict[str, Any]) -> list[str]:
    """How the liability is made up: a share of the costs to date, a fixed sum, exit costs."""
    parts = []
    if breakdown.get("share_percent"):
        share, costs = breakdown["share_percent"], pounds(breakdown.get("costs_to_date", 0))
        parts.append(_("%(share)s%% share of %(costs)s costs to date", share=share, costs=costs))
    if nonzero(breakdown.get("fixed_sum")):
        parts.append(_("a fixed sum of %(amount)s", amount=pounds(breakdown["fixed_sum"])))
    for name, amount in (breakdown.get("exit_costs") or {}).items():
        parts.append(_("%(amount)s of %(name)s", amount=pounds(amount), name=name.replace("_", " ")))
    return parts


def _move(verb: str) -> Callable[[EventView, dict[str, Any], Names], str]:
    def line(event: EventView, data: dict[str, Any], names: Names) -> str:
        words = {
            "advanced": _("Advanced from %(from)s to %(to)s", **_stages(event, names)),
            "waived": _("Waived: moved from %(from)s to %(to)s", **_stages(event, names)),
            "returned": _("Returned from %(from)s to %(to)s", **_stages(event, names)),
            "ended": _("Ended at %(from)s: %(to)s", **_stages(event, names)),
        }
        if verb == "ended" and "remaining" in data:
            return _(
                "Ended at %(from)s: %(to)s, as %(remaining)s partner(s) remain and %(minimum)s are needed",
                remaining=data["remaining"],
                minimum=data.get("minimum", ""),
                **_stages(event, names),
            )
        return words[verb]

    return line


def _role(event: EventView, data: dict[str, Any], names: Names) -> str:
    person = data.get("person") or names.person(data.get("person_id"))
    role = names.role(str(data.get("role", "")))
    partner = names.partner(data.get("partner_id"))
    if event.kind == "role_removed":
        return _("%(person)s is no longer %(role)s", person=person, role=_capacity(role, partner))
    return _("%(person)s added as %(role)s", person=person, role=_capacity(role, partner))


def _capacity(role: str, partner: str) -> str:
    return _("%(role)s of %(partner)s", role=role, partner=partner) if partner else role


def _deputy(event: EventView, data: dict[str, Any], names: Names) -> str:
    said = {k: str(data.get(k, "")) for k in ("deputy", "signatory")}
    said.update({k: day(data.get(k)) for k in ("starts_on", "ends_on")})
    if event.kind == "deputy_named":
        return _("%(deputy)s named deputy for %(signatory)s from %(starts_on)s to %(ends_on)s", **said)
    return _("The delegation from %(signatory)s to %(deputy)s was revoked", **said)


def _started(event: EventView, data: dict[str, Any], names: Names) -> str:
    if data.get("definition"):
        return _(
            "Programme started at %(stage)s, on the lifecycle %(definition)s version %(version)s",
            stage=names.stage(event.to_state),
            definition=data["definition"],
            version=data.get("definition_version", ""),
        )
    return _("Programme started at %(stage)s", stage=names.stage(event.to_state))


def _partner_added(event: EventView, data: dict[str, Any], names: Names) -> str:
    return _("%(partner)s joined", partner=data.get("partner") or names.partner(data.get("partner_id")))


def _publication(event: EventView, data: dict[str, Any], names: Names) -> str:
    if event.kind == "published":
        return _("Published the programme as open data")
    return _("Withdrew the programme's publication as open data")


_LINES: dict[str, Callable[[EventView, dict[str, Any], Names], str]] = {
    "signed": _signed,
    "sign_off_requested": _requested,
    "evidence_recorded": _evidence,
    "evidence_withdrawn": _evidence,
    "partner_withdrew": _withdrew,
    "partner_added": _partner_added,
    "programme_started": _started,
    "role_assigned": _role,
    "role_removed": _role,
    "deputy_named": _deputy,
    "deputy_revoked": _deputy,
    "published": _publication,
    "unpublished": _publication,
    **{kind: _move(kind) for kind in ("advanced", "waived", "returned", "ended")},
    **RECORD_LINES,
}
