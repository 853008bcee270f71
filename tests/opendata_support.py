"""For the open-data tests: the sample programme walked to the outline case with something of everything the
open data holds (a rejected round with a comment, a resubmission, the business case, the cabinets' decisions,
a call-in), published by its manager; and a second programme, never published, whose words must never
appear. ``SECRETS`` are what no open-data file may contain."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from records_support import agree_register

from workflow.engine.errors import NotAllowedError
from workflow.engine.importer import parse_programme
from workflow.engine.programmes import Programmes
from workflow.money.service import Finances
from workflow.records.decision_views import uk_date
from workflow.records.decisions import DecisionInput, Decisions

ROOT = Path(__file__).resolve().parents[1]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
REJECTION = "Tom cannot accept these hidden costs"
MINUTES = "Minute 12/27 (Councillor Jane Doe moved)"
CALL_IN_NOTE = "Called in by Councillor Rex Brown"
UNPUBLISHED_NAME = "Westshire and Dale secret merger"
UNPUBLISHED_PERSON = ("Owen Other", "owen.other@westshire.example")
UNPUBLISHED_PARTNER = "Westshire Council"


@dataclass(frozen=True)
class Walked:
    published: int
    unpublished: int
    secrets: tuple[str, ...]


def _evidence_all(programmes: Programmes, pid: int) -> None:
    view = programmes.get(pid)
    gate = programmes.registry.latest("shared-service").gates[view.state]
    for criterion in gate.criteria:
        if not criterion.figures:
            programmes.record_evidence(pid, criterion.id, f"{criterion.title}: see the shared drive")


def _everyone_approves(programmes: Programmes, pid: int) -> None:
    for person_id in dict.fromkeys(r.person_id for r in programmes.get(pid).roles):
        with contextlib.suppress(NotAllowedError):
            programmes.sign(pid, person_id, "approve")


def small_programme(programmes: Programmes, name: str = UNPUBLISHED_NAME) -> int:
    text = f"""name: {name}
definition: shared-service
partners:
  - {{name: {UNPUBLISHED_PARTNER}, kind: unitary_council, population: 50000, net_budget: "1000000.00"}}
  - {{name: Dale Council, kind: district_council, population: 40000, net_budget: "900000.00"}}
people:
  - name: {UNPUBLISHED_PERSON[0]}
    email: {UNPUBLISHED_PERSON[1]}
    roles: [programme_manager, {{role: signatory, partner: {UNPUBLISHED_PARTNER}}}]
"""
    spec, located = parse_programme(text, "test")
    return programmes.start(spec, located).id


def walk(programmes: Programmes, pid: int) -> Walked:
    """The sample (``pid``, at courtship) to the outline case, then published by Priya; plus a programme never
    published."""
    roles = programmes.get(pid).roles
    tom = next(r.person_id for r in roles if r.email.startswith("tom."))
    priya = programmes.actor(next(r.email for r in roles if r.email.startswith("priya.")))
    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        pid, MONEY.read_text(encoding="utf-8"), str(MONEY)
    )
    _evidence_all(programmes, pid)
    programmes.request_sign_off(pid)
    programmes.sign(pid, tom, "reject", REJECTION)
    programmes.request_sign_off(pid, note="resubmitted")
    _everyone_approves(programmes, pid)
    programmes.advance(pid)
    agree_register(programmes.db, programmes.registry, programmes.clock, pid)
    _evidence_all(programmes, pid)
    programmes.request_sign_off(pid)
    _everyone_approves(programmes, pid)
    view = programmes.advance(pid).built()
    assert view.state == "outline_case"
    decisions = Decisions(programmes.db, programmes.registry, programmes.clock, programmes.listeners)
    today = uk_date(programmes.clock())
    ids = []
    for partner in view.partners:
        meeting = today - timedelta(days=2)
        entry = DecisionInput(partner.id, "cabinet", meeting, True, meeting - timedelta(days=40), MINUTES, "approved")
        ids.append(decisions.record(pid, entry))
    decisions.call_in(pid, ids[-1], today - timedelta(days=1), CALL_IN_NOTE)
    programmes.publish(pid, True, priya)
    other = small_programme(programmes)
    secrets = [REJECTION, MINUTES, "Jane Doe", CALL_IN_NOTE, "Rex Brown", UNPUBLISHED_NAME, UNPUBLISHED_PARTNER]
    secrets += [*UNPUBLISHED_PERSON, "see the shared drive", "programme manager and analyst", "@"]
    for r in roles:
        secrets += [r.person_name, r.email, r.person_name.split()[-1]]
    return Walked(pid, other, tuple(dict.fromkeys(secrets)))


def day_of(text: str) -> date:
    return date.fromisoformat(text)
