"""For tests that walk a programme through the default lifecycle: each current partner's own body decided on
the current gate a month ago (a key decision, well published, never called in), so its approval counts."""

from __future__ import annotations

from datetime import timedelta

from workflow.engine.programmes import Programmes
from workflow.records.decision_views import uk_date
from workflow.records.decisions import DecisionInput, Decisions


def decide_all(programmes: Programmes, pid: int) -> None:
    """Record the decision the current gate asks of each current partner, if it asks any."""
    decisions = Decisions(programmes.db, programmes.registry, programmes.clock, programmes.listeners)
    meeting = uk_date(programmes.clock()) - timedelta(days=30)
    for asked in decisions.board(pid).asked:
        if asked.status != "counts":
            entry = DecisionInput(
                asked.partner_id, asked.body, meeting, True, meeting - timedelta(days=40), "Minute 1", "approved"
            )
            decisions.record(pid, entry)
