"""Reminders about the partners' own democratic decisions: the forward-plan publication of a key decision due,
the call-in period of a decision expiring, a decision meeting approaching with its papers (the minute reference
or link) not recorded. Pure: the dates come in :class:`~.duties.Facts` (``decisions``), read by the scan through
the ``banns.decision_dates`` entry point group, so this package imports no other plug-in.

Days are counted in working days of the partner's nation (:mod:`workflow.engine.calendar`). Each reminder goes
from ``days_before`` working days before its date until that date, keyed by the decision and the date, so the
outbox sends it once; it goes to the programme managers and the partner's signatory and SRO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol

from sqlalchemy.orm import Session

from workflow.engine import calendar as cal
from workflow.engine.definitions import CallInExpiring, ForwardPlanDue, PapersDue

from .messages import Mail

PARTNER_ROLES = ("signatory", "sro")


class DecisionDate(Protocol):
    """What the reminders read of a decision (see ``workflow.records.decision_dates``)."""

    decision_id: int
    partner_id: int
    body: str
    meeting_on: date
    key_decision: bool
    forward_plan_on: date | None
    latest_publication: date
    minutes_recorded: bool
    outcome: str
    call_in_ends: date
    called_in: bool


@cache
def _hooks() -> list[Any]:
    return [ep.load() for ep in sorted(entry_points(group="banns.decision_dates"), key=lambda ep: ep.name)]


def load_decision_dates(session: Session, programme_ids: list[int] | None) -> dict[int, list[DecisionDate]]:
    """The decisions' dates per programme from every installed hook (none installed: none)."""
    found: dict[int, list[DecisionDate]] = {}
    for hook in _hooks():
        for pid, dates in hook(session, programme_ids).items():
            found.setdefault(pid, []).extend(dates)
    return found


def _when(rule: ForwardPlanDue | CallInExpiring | PapersDue, d: DecisionDate) -> tuple[str, date] | None:
    """What a rule reminds of this decision, and its date; None when it has nothing to say."""
    if isinstance(rule, ForwardPlanDue):
        wanted = d.key_decision and d.forward_plan_on is None and d.outcome == "pending"
        return ("forward_plan", d.latest_publication) if wanted else None
    if isinstance(rule, CallInExpiring):
        return ("call_in", d.call_in_ends) if d.outcome == "approved" and not d.called_in else None
    return ("papers", d.meeting_on) if not d.minutes_recorded and d.outcome == "pending" else None


def decision_reminders(
    facts: Any, rule: ForwardPlanDue | CallInExpiring | PapersDue, today: date, holders: Iterable[Any]
) -> list[tuple[str, str, Any, date, Mail]]:
    """(occurrence, kind, person, date, mail) of each reminder ``rule`` gives on ``today``."""
    stages = rule.stages
    if stages is not None and facts.state not in stages:
        return []
    people = list(holders)
    found = []
    for d in facts.decisions:
        what = _when(rule, d)
        if what is None:
            continue
        kind, day = what
        nation: Mapping[int, str] = facts.partners
        start = cal.add_days(day, -rule.days_before, (nation.get(d.partner_id, "england"),), working=True)
        if not start <= today <= day:
            continue
        values = {
            "programme": facts.name,
            "partner": _partner_name(facts, d.partner_id),
            "body": d.body.replace("_", " "),
            "what": kind,
            "day": day,
            "meeting": d.meeting_on,
        }
        mail = Mail("decision_date", values, deadline=day)
        seen: set[int] = set()
        for person in people:
            if person.person_id in seen:
                continue
            if person.role in ("programme_manager", "chair") or (
                person.role in PARTNER_ROLES and person.partner_id == d.partner_id
            ):
                seen.add(person.person_id)
                found.append((f"{rule.id}.{d.decision_id}", f"decision_{kind}", person, day, mail))
    return found


def _partner_name(facts: Any, partner_id: int) -> str:
    return str(getattr(facts, "partner_names", {}).get(partner_id, f"partner {partner_id}"))
