"""Each partner's democratic decisions: the use cases. One transaction each, through the engine's unit of work
(:meth:`~workflow.engine.unit_of_work.ProgrammeChanges.change`), logged as one event with its actor:
``decision_recorded``, ``call_in_recorded``, ``call_in_resolved``, ``pre_election_period_set``.

Who may act: programme managers for any partner; a partner's own signatory or SRO for that partner only. Reads
need ``view``. The rules of dates are in :mod:`.decision_rules`; what is read back, in :mod:`.decision_views`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from ..engine.db import Database
from ..engine.errors import N_, InvalidError, NotAllowedError, NotFoundError, Word
from ..engine.models import Partner, Programme
from ..engine.permissions import SYSTEM, Actor, may
from ..engine.registry import Registry
from ..engine.text import check_day, single_line
from ..engine.unit_of_work import Change, Listener, ProgrammeChanges
from . import decision_rules as rules
from . import decision_views as views
from .decision_models import OUTCOMES, PENDING, RESOLUTIONS, DecisionCallIn, PartnerDecision, PreElectionPeriod

Clock = Callable[[], datetime]
ACTION = "record_decision"
#: roles that act for their own partner
PARTNER_ROLES = frozenset({"signatory", "sro"})


@dataclass(frozen=True)
class DecisionInput:
    """A decision as entered: ``outcome`` ``pending`` while the meeting is only planned."""

    partner_id: int
    body: str
    meeting_on: date
    key_decision: bool = False
    forward_plan_on: date | None = None
    minutes: str = ""
    outcome: str = PENDING
    call_in_days: int | None = None


class Decisions:
    """Use cases on the partners' democratic decisions."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    def board(self, programme_id: int, actor: Actor = SYSTEM) -> views.DecisionBoard:
        """The decisions the current gate asks for, their status today, and the pre-election flags.

        Raises:
            NotFoundError, NotAllowedError
        """
        with self.db.read() as session:
            programme, definition = self.changes._load(session, programme_id, lock=False)
            self.changes._authorise(programme, actor, "view")
            today = views.uk_date(self.clock())
            return views.DecisionBoard(
                programme.id,
                programme.name,
                programme.state,
                today,
                views.statuses(session, programme, definition, today),
                views.pre_election_views(session, programme),
                views.go_live_flags(session, programme),
                frozenset(p.id for p in programme.partners if _may_act_for(programme, actor, p.id)),
            )

    def record(self, programme_id: int, entry: DecisionInput, actor: Actor = SYSTEM) -> int:
        """Record (or correct) a partner's decision on the current gate; returns its id. A key decision
        published fewer than 28 clear days before its meeting is recorded and flagged, not refused.

        Raises:
            InvalidError: a body the gate does not ask of this partner, an outcome before the meeting, a bad
                minute link; NotFoundError, NotAllowedError, ConflictError.
        """
        with self._change(programme_id, actor, entry.partner_id, "decision_recorded") as change:
            programme, partner = change.programme, _partner(change.programme, entry.partner_id)
            asked = views.asked_of(change.definition, programme)
            rule = next((r for p, r in asked if p.id == partner.id and r.body == entry.body), None)
            if rule is None:
                raise InvalidError(
                    N_("body '{body}': the current gate asks no decision of it for {partner}"),
                    field="body",
                    body=entry.body,
                    partner=partner.name,
                )
            row = _validated_row(change, entry, rule.call_in_days, self.clock())
            change.data.update(_facts(row, partner))
            return row.id

    def call_in(
        self, programme_id: int, decision_id: int, called_in_on: date, note: str = "", actor: Actor = SYSTEM
    ) -> int:
        """Record that a decision was called in for scrutiny on ``called_in_on``: within its call-in period.

        Raises:
            InvalidError: a date outside the call-in period, a decision not approved, a call-in still open.
        """
        decision = self._decision(programme_id, decision_id)
        with self._change(programme_id, actor, decision.partner_id, "call_in_recorded", _note(note)) as change:
            row = change.session.get(PartnerDecision, decision_id)
            assert row is not None
            partner = _partner(change.programme, row.partner_id)
            check_day(called_in_on, "called_in_on", Word(N_("Call-in date")))
            ends = rules.call_in_ends(row.meeting_on, row.call_in_days, partner.nation)
            if row.outcome != "approved":
                raise InvalidError(N_("only an approved decision can be called in"), field="decision_id")
            if not row.meeting_on <= called_in_on <= min(ends, views.uk_date(self.clock())):
                raise InvalidError(
                    N_(
                        "called_in_on {called_in_on} is outside the call-in period ({meeting_on} to {ends}), or in "
                        "the future"
                    ),
                    field="called_in_on",
                    called_in_on=called_in_on,
                    meeting_on=row.meeting_on,
                    ends=ends,
                )
            if any(c.resolved_on is None for c in _call_ins(change, decision_id)):
                raise InvalidError(
                    N_("this decision is already called in; resolve that call-in first"), field="decision_id"
                )
            call = DecisionCallIn(decision_id=decision_id, called_in_on=called_in_on, note=_note(note))
            change.session.add(call)
            change.session.flush()
            change.data.update(_facts(row, partner), call_in_id=call.id, called_in_on=called_in_on.isoformat())
            return call.id

    def resolve_call_in(
        self,
        programme_id: int,
        call_in_id: int,
        resolution: str,
        resolved_on: date,
        note: str = "",
        actor: Actor = SYSTEM,
    ) -> None:
        """Resolve an open call-in: the decision stands (it counts from ``resolved_on``) or is referred back
        (it does not count until the body decides again).

        Raises:
            InvalidError: an unknown resolution, a date before the call-in or in the future, a resolved call-in.
        """
        with self.db.read() as session:
            call = session.get(DecisionCallIn, call_in_id) if 0 < call_in_id < 2**31 else None
            decision_id = call.decision_id if call else 0
        decision = self._decision(programme_id, decision_id)
        with self._change(programme_id, actor, decision.partner_id, "call_in_resolved", _note(note)) as change:
            call = change.session.get(DecisionCallIn, call_in_id)
            assert call is not None
            if resolution not in RESOLUTIONS:
                raise InvalidError(
                    N_("resolution '{resolution}' is not one of: {options}"),
                    field="resolution",
                    resolution=resolution,
                    options=tuple(RESOLUTIONS),
                )
            check_day(resolved_on, "resolved_on", Word(N_("Resolution date")))
            if call.resolved_on is not None:
                raise InvalidError(N_("this call-in is already resolved"), field="call_in_id")
            if not call.called_in_on <= resolved_on <= views.uk_date(self.clock()):
                raise InvalidError(
                    N_("resolved_on {resolved_on} is before the call-in ({called_in_on}) or in the future"),
                    field="resolved_on",
                    resolved_on=resolved_on,
                    called_in_on=call.called_in_on,
                )
            call.resolved_on, call.resolution, call.note = resolved_on, resolution, _note(note) or call.note
            partner = _partner(change.programme, decision.partner_id)
            change.data.update(
                _facts(decision, partner),
                call_in_id=call.id,
                resolution=resolution,
                resolved_on=resolved_on.isoformat(),
            )

    def set_pre_election(
        self, programme_id: int, partner_id: int, starts_on: date, polling_on: date, actor: Actor = SYSTEM
    ) -> int:
        """Record a partner's pre-election period, from the notice of election to polling day.

        Raises:
            InvalidError: polling day before the start, or a period longer than a year.
        """
        with self._change(programme_id, actor, partner_id, "pre_election_period_set") as change:
            partner = _partner(change.programme, partner_id)
            check_day(starts_on, "starts_on", Word(N_("Start of the pre-election period")))
            check_day(polling_on, "polling_on", Word(N_("Polling day")))
            if not starts_on <= polling_on or (polling_on - starts_on).days > 366:
                raise InvalidError(
                    N_("polling_on {polling_on} must fall on or after starts_on {starts_on}, within a year"),
                    field="polling_on",
                    polling_on=polling_on,
                    starts_on=starts_on,
                )
            period = PreElectionPeriod(
                programme_id=programme_id, partner_id=partner_id, starts_on=starts_on, polling_on=polling_on
            )
            change.session.add(period)
            change.session.flush()
            change.data.update(
                partner_id=partner.id,
                partner=partner.name,
                starts_on=starts_on.isoformat(),
                polling_on=polling_on.isoformat(),
            )
            return period.id

    # --- mechanics -------------------------------------------------------------------------------------

    @contextmanager
    def _change(
        self, programme_id: int, actor: Actor, partner_id: int, kind: str, reason: str = ""
    ) -> Iterator[Change]:
        """A change for one partner: the actor must be a programme manager, or that partner's own signatory
        or SRO."""
        with self.changes.change(programme_id, actor, ACTION, kind, reason) as change:
            partner = _partner(change.programme, partner_id)
            if not _may_act_for(change.programme, actor, partner.id):
                raise NotAllowedError(
                    N_("{actor} may not record decisions for {partner}"), actor=actor.name, partner=partner.name
                )
            yield change

    def _decision(self, programme_id: int, decision_id: int) -> PartnerDecision:
        with self.db.read() as session:
            row = session.get(PartnerDecision, decision_id) if 0 < decision_id < 2**31 else None
            if row is None or row.programme_id != programme_id:
                raise NotFoundError(
                    N_("no decision {decision_id} in programme {programme_id}"),
                    decision_id=decision_id,
                    programme_id=programme_id,
                )
            session.expunge(row)
            return row


def _partner(programme: Programme, partner_id: int) -> Partner:
    found = next((p for p in programme.partners if p.id == partner_id), None)
    if found is None:
        raise NotFoundError(
            N_("no partner {partner_id} in programme {programme_id}"), partner_id=partner_id, programme_id=programme.id
        )
    return found


def _may_act_for(programme: Programme, actor: Actor, partner_id: int) -> bool:
    """A programme manager (or admin) for any partner; a signatory or SRO for their own partner."""
    held = [r for r in programme.roles if r.person_id == actor.person_id]
    if actor.is_admin or may(actor, "edit", [r.role for r in held]):
        return True
    return any(r.role in PARTNER_ROLES and r.partner_id == partner_id for r in held)


def minutes_text(value: str) -> str:
    """The minute reference (text) or a link to the minutes (an http or https address with a host).

    Raises:
        InvalidError: a link that is not a valid web address, or text with control characters.
    """
    value = single_line(value.strip(), "minutes", Word(N_("Minute reference")))
    if len(value) > 2000:
        raise InvalidError(N_("Minute reference is longer than 2,000 characters"), field="minutes")
    if "://" in value or value.lower().startswith(("http:", "https:", "www.")):
        parts = urlsplit(value if "://" in value else "https://" + value)
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname or " " in value:
            raise InvalidError(
                N_("minutes '{minutes}' is not a valid http or https link"), field="minutes", minutes=value
            )
    return value


def _validated_row(change: Change, entry: DecisionInput, default_days: int, now: datetime) -> PartnerDecision:
    """The decision row for ``entry`` (new, or the one it corrects), checked and filled in."""
    today = views.uk_date(now)
    check_day(entry.meeting_on, "meeting_on", Word(N_("Meeting date")))
    if entry.forward_plan_on is not None:
        check_day(entry.forward_plan_on, "forward_plan_on", Word(N_("Forward plan date")))
        if entry.forward_plan_on >= entry.meeting_on:
            raise InvalidError(
                N_("forward_plan_on {forward_plan_on} must be before the meeting ({meeting_on})"),
                field="forward_plan_on",
                forward_plan_on=entry.forward_plan_on,
                meeting_on=entry.meeting_on,
            )
    if entry.outcome not in OUTCOMES:
        raise InvalidError(
            N_("outcome '{outcome}' is not one of: {options}"),
            field="outcome",
            outcome=entry.outcome,
            options=tuple(OUTCOMES),
        )
    if entry.outcome != PENDING and entry.meeting_on > today:
        raise InvalidError(
            N_("meeting_on {meeting_on} is in the future: an outcome is recorded after the meeting"),
            field="meeting_on",
            meeting_on=entry.meeting_on,
        )
    days = default_days if entry.call_in_days is None else entry.call_in_days
    if not 0 <= days <= 60:
        raise InvalidError(
            N_("call_in_days {days} must be a whole number from 0 to 60"), field="call_in_days", days=days
        )
    programme = change.programme
    row = change.session.scalar(
        select(PartnerDecision).where(
            PartnerDecision.programme_id == programme.id,
            PartnerDecision.partner_id == entry.partner_id,
            PartnerDecision.stage == programme.state,
            PartnerDecision.stage_visit == programme.stage_visit,
            PartnerDecision.body == entry.body,
        )
    )
    if row is None:
        row = PartnerDecision(
            programme_id=programme.id,
            partner_id=entry.partner_id,
            stage=programme.state,
            stage_visit=programme.stage_visit,
            body=entry.body,
        )
        change.session.add(row)
    row.meeting_on, row.key_decision, row.forward_plan_on = entry.meeting_on, entry.key_decision, entry.forward_plan_on
    row.minutes, row.outcome, row.call_in_days = minutes_text(entry.minutes), entry.outcome, days
    row.recorded_at = now
    change.session.flush()
    return row


def _call_ins(change: Change, decision_id: int) -> list[DecisionCallIn]:
    return list(change.session.scalars(select(DecisionCallIn).where(DecisionCallIn.decision_id == decision_id)))


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > 2000 or "\x00" in note:
        raise InvalidError(N_("Note is longer than 2,000 characters or contains a NUL"), field="note")
    return note


def _facts(row: PartnerDecision, partner: Partner) -> dict[str, object]:
    """What an event says of a decision: facts, for the history and the listeners."""
    return {
        "decision_id": row.id,
        "partner_id": partner.id,
        "partner": partner.name,
        "stage": row.stage,
        "body": row.body,
        "meeting_on": row.meeting_on.isoformat(),
        "key_decision": row.key_decision,
        "forward_plan_on": row.forward_plan_on.isoformat() if row.forward_plan_on else None,
        "short_notice": rules.short_notice(row.key_decision, row.forward_plan_on, row.meeting_on),
        "minutes": row.minutes,
        "outcome": row.outcome,
        "call_in_days": row.call_in_days,
    }
