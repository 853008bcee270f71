"""Who still has to act on a programme, and which reminders are due on a given day. Pure: no database.

The scan, the outbox listener and the calendar feed gather :class:`Facts` (in a few queries for all
programmes, or from one loaded programme) and ask these functions. Dates are UK dates (Europe/London).

Choices made here:

- A signatory is reminded every ``every_days`` after the request, counted in the calendar of the nation of
  the partner they sign for; programme-wide dates (escalation, stage ends, reviews, transfer clocks) use
  days that are working days in every current partner's nation.
- A reminder that was due while nothing ran is sent once, as its latest occurrence; older ones are skipped.
- Escalation goes once per request round, to the chair and the programme manager(s), after
  ``escalate_after_days``, naming everyone still to decide.
- A transfer clock counts back from each partner's recorded transfer date (``staff_transfers``), and stops
  once the duty is recorded as done (employee liability information given; consultation ended); with no
  transfer recorded it counts back from the planned end of the ``transfer`` stage. A deadline in calendar days
  is reminded on the last working day on or before it, from ``NOTICE_DAYS`` before, until the programme
  passes the transfer stage.
- While a delegation runs (:mod:`workflow.engine.deputies`), a signatory's sign-off reminders go to their
  deputy instead (without an approve-from-email link: a link is the addressee's own decision, and the deputy
  decides on the gate page), saying whose decision it is.
- Dated notices from plug-ins (a RAID entry's review date, :mod:`workflow.engine.notices`) go once to their
  person on the last working day on or before the date (like the transfer clock: the reminder comes before
  the review, never after it), or at the next scan if nothing ran that day.
- Reviews count from the day the programme entered its ``review`` stage (go-live handed over), and go on
  while it is in review or in the outcome reached by passing review (``live``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workflow.engine import gates
from workflow.engine.definitions import (
    CallInExpiring,
    Definition,
    ForwardPlanDue,
    PapersDue,
    ReviewDue,
    SignOffPending,
    StageEndApproaching,
    TransferClock,
)
from workflow.engine.errors import N_, Word
from workflow.engine.notices import DatedNotice

from . import calendar as cal
from .decision_duties import decision_reminders
from .messages import Mail

UK = ZoneInfo("Europe/London")
NOTICE_DAYS = 14
TRANSFER_STAGE = "transfer"
REVIEW_STAGE = "review"
MANAGERS = ("programme_manager", "chair")


def uk_date(moment: datetime) -> date:
    return moment.astimezone(UK).date()


@dataclass(frozen=True)
class Transfer:
    """One partner's recorded staff transfer, as the transfer clocks see it."""

    partner_id: int
    partner: str
    day: date
    eli_given_on: date | None = None
    consultation_ended_on: date | None = None

    def done(self, clock: str) -> bool:
        done_on = self.eli_given_on if clock == "employee_liability_information" else self.consultation_ended_on
        return done_on is not None


@dataclass(frozen=True)
class Holder:
    person_id: int
    name: str
    email: str
    role: str
    partner_id: int | None
    #: the language of their emails: the one they chose for the pages ("en" or "cy"), English if none
    language: str = "en"


@dataclass(frozen=True)
class Deputy:
    """A deputy deciding for a signatory from ``starts_on`` to ``until`` (inclusive; not revoked)."""

    holder: Holder
    starts_on: date
    until: date

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.until


@dataclass
class Facts:
    """What the reminder rules look at for one programme."""

    id: int
    name: str
    definition: Definition
    state: str
    stage_visit: int
    subject: str | None
    round: int
    requested_at: datetime | None
    partners: dict[int, str]  # current partners: id -> nation
    holders: list[Holder]
    done: set[gates.Capacity] = field(default_factory=set)  # decided this round, or approved on current evidence
    plans: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)
    review_start: date | None = None
    transfers: list[Transfer] = field(default_factory=list)  # staff transfers of current partners
    #: the partners' decisions on the current gate (see :mod:`.decision_duties`), and the partners' names
    decisions: list[Any] = field(default_factory=list)
    partner_names: dict[int, str] = field(default_factory=dict)
    #: Signatory person id -> their deputies (delegations not revoked, running on or shortly before the day
    #: the facts were read for).
    deputies: dict[int, list[Deputy]] = field(default_factory=dict)
    notices: list[DatedNotice] = field(default_factory=list)

    @functools.cached_property
    def nations(self) -> tuple[str, ...]:
        """The current partners' nations (England if none), worked out once: the rules ask it many times and
        the partners of a set of facts never change."""
        return tuple(sorted(set(self.partners.values()))) or ("england",)

    def people(self, roles: Iterable[str]) -> list[Holder]:
        wanted = set(roles)
        return _distinct(h for h in self.holders if h.role in wanted)

    def everyone(self) -> list[Holder]:
        return _distinct(self.holders)


@dataclass(frozen=True)
class Due:
    """One reminder to send: its occurrence (rule, person, date) names it; the mail says it."""

    rule: str
    kind: str
    person: Holder
    due: date
    mail: Mail
    sign_link: bool = False


def _distinct(holders: Iterable[Holder]) -> list[Holder]:
    seen: dict[int, Holder] = {}
    for h in holders:
        seen.setdefault(h.person_id, h)
    return list(seen.values())


def asked(facts: Facts) -> dict[int, list[gates.Capacity]]:
    """People asked to decide on the open request who have not yet done so: person id -> capacities."""
    if facts.subject is None or facts.definition.is_terminal(facts.state):
        return {}
    gate = facts.definition.gates[facts.state]
    rules = gate.sign_off if facts.subject == "gate" else gate.waiver
    if rules is None:
        return {}
    wanted = set(gates.required_capacities(facts.definition, rules, facts.partners)) - facts.done
    found: dict[int, list[gates.Capacity]] = {}
    for h in facts.holders:
        cap = gates.Capacity(h.role, h.partner_id)
        if cap in wanted:
            found.setdefault(h.person_id, []).append(cap)
    return found


def holder(facts: Facts, person_id: int) -> Holder:
    return next(h for h in facts.holders if h.person_id == person_id)


def due_reminders(facts: Facts, today: date) -> list[Due]:
    """Every reminder due on ``today`` (its latest occurrence) under the programme's rules."""
    if facts.definition.is_terminal(facts.state) and facts.state not in _review_states(facts, None):
        return []
    found: list[Due] = []
    for rule in facts.definition.reminders:
        if isinstance(rule, SignOffPending):
            found += _sign_off(facts, rule, today)
        elif isinstance(rule, StageEndApproaching):
            found += _stage_end(facts, rule, today)
        elif isinstance(rule, ReviewDue):
            found += _review(facts, rule, today)
        elif isinstance(rule, TransferClock):
            found += _transfer(facts, rule, today)
        elif isinstance(rule, ForwardPlanDue | CallInExpiring | PapersDue) and not facts.definition.is_terminal(
            facts.state
        ):
            found += [Due(*item) for item in decision_reminders(facts, rule, today, facts.holders)]
    return found + _notices(facts, today)


def _notices(facts: Facts, today: date) -> list[Due]:
    found = []
    for notice in facts.notices:
        person = next((h for h in facts.holders if h.person_id == notice.person_id), None)
        if person is None or today < cal.working_day_on_or_before(notice.due, facts.nations):
            continue
        mail = Mail(notice.kind, notice.values, deadline=notice.due)
        found.append(Due(notice.key, notice.kind, person, notice.due, mail))
    return found


def _applies(facts: Facts, rule: object) -> bool:
    stages = getattr(rule, "stages", None)
    return stages is None or facts.state in stages


def _sign_off(facts: Facts, rule: SignOffPending, today: date) -> list[Due]:
    if facts.requested_at is None or not _applies(facts, rule):
        return []
    pending = asked(facts)
    if not pending:
        return []
    start, stage = uk_date(facts.requested_at), facts.definition.state_title(facts.state)
    values = {"programme": facts.name, "stage": stage, "requested_on": start}
    found = []
    for person_id, caps in pending.items():
        nations = {facts.partners[c.partner_id] for c in caps if c.partner_id in facts.partners} or facts.nations
        days = cal.occurrences(start, rule.every_days, today, nations, working=rule.working_days)
        if days:
            found += _chase(facts, rule, person_id, days[-1], today, values)
    if rule.escalate_after_days:
        escalate_on = cal.add_days(start, rule.escalate_after_days, facts.nations, working=rule.working_days)
        if today >= escalate_on:
            mail = Mail("escalation", {**values, "pending": sorted(holder(facts, p).name for p in pending)})
            found += [
                Due(rule.id + ".escalation", "escalation", person, escalate_on, mail)
                for person in facts.people(MANAGERS)
            ]
    return found


def _chase(
    facts: Facts, rule: SignOffPending, person_id: int, day: date, today: date, values: dict[str, object]
) -> list[Due]:
    """The reminder of ``day`` to the person asked, or to their deputy if a delegation ran that day. An
    occurrence that fell to a deputy whose delegation has since ended is not sent again to the signatory."""
    deputy = next((d for d in facts.deputies.get(person_id, []) if d.runs_on(day)), None)
    if deputy is None:
        mail = Mail("sign_off_reminder", values)
        return [Due(rule.id, "sign_off_reminder", holder(facts, person_id), day, mail, sign_link=True)]
    if not deputy.runs_on(today):
        return []
    mail = Mail("deputy_reminder", {**values, "signatory": holder(facts, person_id).name, "until": deputy.until})
    return [Due(f"{rule.id}.for.{person_id}", "deputy_reminder", deputy.holder, day, mail)]


def _stage_end(facts: Facts, rule: StageEndApproaching, today: date) -> list[Due]:
    end = facts.plans.get(facts.state, (None, None))[1]
    if end is None or not _applies(facts, rule) or facts.definition.is_terminal(facts.state):
        return []
    due = cal.add_days(end, -rule.days_before, facts.nations, working=rule.working_days)
    if today < due:
        return []
    values = {"programme": facts.name, "stage": facts.definition.state_title(facts.state), "end": end}
    return [
        Due(
            f"{rule.id}.{facts.state}.{facts.stage_visit}",
            "stage_end",
            person,
            end,
            Mail("stage_end", values, deadline=end),
        )
        for person in facts.people(MANAGERS)
    ]


def _review_states(facts: Facts, rule: ReviewDue | None) -> set[str]:
    if rule is not None and rule.stages is not None:
        return set(rule.stages)
    passed_review = {o.id for o in facts.definition.outcomes if o.move is None}
    return {REVIEW_STAGE, *passed_review} if REVIEW_STAGE in facts.definition.stage_by_id else set()


def review_dates(rule: ReviewDue, start: date, until: date) -> list[date]:
    days = [cal.add_months(start, m) for m in sorted(rule.months_after_go_live)]
    if rule.then_every_months:
        months = max(rule.months_after_go_live)
        while days[-1] <= until:
            months += rule.then_every_months
            days.append(cal.add_months(start, months))
    return days


def _review(facts: Facts, rule: ReviewDue, today: date) -> list[Due]:
    if facts.review_start is None or facts.state not in _review_states(facts, rule):
        return []
    past = [d for d in review_dates(rule, facts.review_start, today) if d <= today]
    if not past:
        return []
    day = past[-1]
    mail = Mail("review_due", {"programme": facts.name, "day": day}, deadline=day)
    return [Due(rule.id, "review_due", person, day, mail) for person in facts.people(MANAGERS)]


def transfer_deadline(facts: Facts, rule: TransferClock, transfer: date | None = None) -> date | None:
    """The day to be reminded of ``rule``'s duty for a transfer on ``transfer`` (by default, the planned end of
    the transfer stage): the statutory day, or the last working day before it."""
    transfer = transfer or facts.plans.get(TRANSFER_STAGE, (None, None))[1]
    if transfer is None:
        return None
    deadline = cal.add_days(transfer, -rule.days_before_transfer, facts.nations, working=rule.working_days)
    return cal.working_day_on_or_before(deadline, facts.nations)


def transfer_deadlines(facts: Facts, rule: TransferClock) -> list[tuple[date, date, Transfer | None]]:
    """(reminder day, transfer day, the recorded transfer) for each transfer whose ``rule`` duty is still to
    do: the recorded transfers, or the planned one when none is recorded."""
    if not facts.transfers:
        planned = transfer_deadline(facts, rule)
        day = facts.plans.get(TRANSFER_STAGE, (None, None))[1]
        return [(planned, day, None)] if planned and day else []
    found: list[tuple[date, date, Transfer | None]] = []
    for t in facts.transfers:
        deadline = transfer_deadline(facts, rule, t.day)
        if deadline is not None and not t.done(rule.clock):
            found.append((deadline, t.day, t))
    return found


CLOCK_TEXT = {
    "employee_liability_information": N_("Employee liability information must reach the new employer"),
    "consultation_end": N_("Collective consultation on the transfer must end"),
}


def _transfer(facts: Facts, rule: TransferClock, today: date) -> list[Due]:
    ids = facts.definition.stage_ids
    if (
        TRANSFER_STAGE not in ids
        or facts.state not in ids
        or not _applies(facts, rule)
        or ids.index(facts.state) > ids.index(TRANSFER_STAGE)
    ):
        return []
    found = []
    for deadline, transfer, record in transfer_deadlines(facts, rule):
        if today < cal.add_days(deadline, -NOTICE_DAYS):
            continue
        key = rule.id if record is None else f"{rule.id}.{record.partner_id}"
        values = {
            "programme": facts.name,
            "what": CLOCK_TEXT[rule.clock],
            "deadline": deadline,
            "days_before": rule.days_before_transfer,
            "transfer": transfer,
            "partner": record.partner if record else None,
        }
        mail = Mail("transfer_clock", values, deadline=deadline)
        found += [Due(key, "transfer_clock", person, deadline, mail) for person in facts.people(MANAGERS)]
    return found


def deadlines(facts: Facts, person_id: int, today: date) -> list[tuple[date, str, tuple[tuple[str, Any], ...]]]:
    """Dated deadlines of one person in one programme, for their calendar feed (titles: a msgid, its values)."""
    found: list[tuple[date, str, tuple[tuple[str, Any], ...]]] = []
    name = ("programme", facts.name)
    managers = {h.person_id for h in facts.people(MANAGERS)}
    stage = facts.definition.state_title(facts.state) if not facts.definition.is_terminal(facts.state) else None
    for rule in facts.definition.reminders:
        if (
            isinstance(rule, SignOffPending)
            and person_id in asked(facts)
            and facts.requested_at
            and rule.escalate_after_days
        ):
            day = cal.add_days(
                uk_date(facts.requested_at), rule.escalate_after_days, facts.nations, working=rule.working_days
            )
            found.append((day, N_("Sign-off due: {programme}, {stage}"), (name, ("stage", stage))))
        if person_id not in managers:
            continue
        if isinstance(rule, StageEndApproaching) and stage and _applies(facts, rule):
            end = facts.plans.get(facts.state, (None, None))[1]
            if end:
                found.append((end, N_("Planned end of {stage}: {programme}"), (name, ("stage", stage))))
        elif isinstance(rule, TransferClock):
            for clock, _, record in transfer_deadlines(facts, rule):
                if clock >= today:
                    what, whose = ("what", Word(CLOCK_TEXT[rule.clock])), ("partner", record.partner if record else "")
                    message = N_("{what} ({partner}): {programme}") if record else N_("{what}: {programme}")
                    found.append((clock, message, (what, whose, name)))
        elif isinstance(rule, ReviewDue) and facts.review_start and facts.state in _review_states(facts, rule):
            future = [d for d in review_dates(rule, facts.review_start, today) if d >= today]
            found += [(d, N_("Benefits review due: {programme}"), (name,)) for d in future[:1]]
    return sorted(set(found))
