"""The rules of a partner's democratic decision, as pure functions of dates: clear days' notice on the forward
plan, the call-in period in the partner's nation's working days, whether its approval counts yet, and
pre-election periods. No database, no clock: the caller passes the UK date of today.

- Clear days exclude the day of publication and the day of the meeting: published on the 1st for a meeting on
  the 30th is 28 clear days. A key decision needs at least :data:`KEY_DECISION_CLEAR_DAYS`; fewer is flagged,
  not refused (an urgent decision may go ahead under the council's special-urgency rules).
- The call-in period runs ``call_in_days`` working days after the meeting (0: none); the decision counts from
  the day after its last day, unless called in. A call-in suspends it until resolved: if the decision stands it
  counts from the day of the resolution; referred back, it does not count until the body decides again (the
  decision is recorded again with its new meeting date, and a new call-in period).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..engine.calendar import add_days
from ..engine.gates import AWAITING_DECISION, COUNTS
from .decision_models import APPROVED, DECISION_STANDS, PENDING, REFERRED_BACK, REJECTED

KEY_DECISION_CLEAR_DAYS = 28
IN_CALL_IN = "in_call_in"
CALLED_IN = "called_in"
#: every status a partner's decision can have, in the order of its life
STATUSES = (AWAITING_DECISION, IN_CALL_IN, CALLED_IN, REFERRED_BACK, REJECTED, COUNTS)


def clear_days(published: date, meeting: date) -> int:
    """Whole days between publication and meeting, neither counted."""
    return (meeting - published).days - 1


def latest_publication(meeting: date) -> date:
    """The last day a key decision may go on the forward plan for ``meeting``: 28 clear days before it."""
    return meeting - timedelta(days=KEY_DECISION_CLEAR_DAYS + 1)


def short_notice(key_decision: bool, published: date | None, meeting: date) -> bool:
    """A key decision not on the forward plan, or on it fewer than 28 clear days before its meeting."""
    if not key_decision:
        return False
    return published is None or clear_days(published, meeting) < KEY_DECISION_CLEAR_DAYS


def call_in_ends(meeting: date, call_in_days: int, nation: str) -> date:
    """The last day of the call-in period: ``call_in_days`` working days after the meeting in ``nation``."""
    return add_days(meeting, call_in_days, (nation,), working=True) if call_in_days else meeting


@dataclass(frozen=True)
class CallInFacts:
    called_in_on: date
    resolved_on: date | None
    resolution: str | None


def status(
    outcome: str, meeting: date, ends: date, call_ins: Iterable[CallInFacts], today: date
) -> tuple[str, date | None]:
    """The decision's status on ``today`` and the day its approval counts (or will, when known)."""
    if outcome == PENDING or meeting > today:
        return AWAITING_DECISION, None
    if outcome == REJECTED:
        return REJECTED, None
    assert outcome == APPROVED, outcome
    # call-ins of an earlier meeting (a decision referred back, then taken again) no longer apply
    calls = sorted((c for c in call_ins if c.called_in_on >= meeting), key=lambda c: c.called_in_on)
    if calls:
        last = calls[-1]
        if last.resolved_on is None or last.resolved_on > today:
            return CALLED_IN, None
        if last.resolution == REFERRED_BACK:
            return REFERRED_BACK, None
        assert last.resolution == DECISION_STANDS, last.resolution
        return COUNTS, last.resolved_on
    counts_from = ends + timedelta(days=1)
    return (COUNTS if today >= counts_from else IN_CALL_IN), counts_from


def in_period(day: date, periods: Iterable[tuple[date, date]]) -> bool:
    """Whether ``day`` falls in one of the (start, polling day) periods, both days included."""
    return any(start <= day <= polling for start, polling in periods)
