"""Deputies: a signatory names another person on the programme to decide for them for a date range; the
deputy's decision counts as the signatory's, names both, and is refused outside the range or once revoked."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.words_support import refused_saying
from workflow.engine.errors import InvalidError, NotAllowedError, NotFoundError
from workflow.engine.importer import load_programme
from workflow.engine.models import Event, Person, SignOff
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

COURTSHIP = ["partners_named", "appetite_confirmed", "vision_drafted", "sro_named", "next_stage_budget"]
MONDAY = date(2027, 1, 4)  # the test clock's first day
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "northbridge-southmoor.yaml"


def ready(programmes: Programmes, pid: int) -> None:
    for c in COURTSHIP:
        programmes.record_evidence(pid, c, f"{c} done")
    programmes.request_sign_off(pid)


def test_a_deputys_decision_inside_the_period_counts_as_the_signatorys_and_names_both(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    tom, helen = people["tom"], people["helen"]
    made = programmes.name_deputy(
        pid,
        tom,
        helen,
        MONDAY,
        date(2027, 1, 8),
        "leave",
        "Annual leave",
        programmes.actor("tom.hardy@northbridge.example"),
    )
    assert made.runs_on(MONDAY) and not made.runs_on(date(2027, 1, 9))
    ready(programmes, pid)

    view = programmes.sign(pid, helen, "approve", on_behalf_of=tom)

    decision = next(s for s in view.gate.sign_offs if s.person_id == tom)  # type: ignore[union-attr]
    assert (decision.person_name, decision.given_by_name, decision.role) == ("Tom Hardy", "Helen Marsh", "signatory")
    assert "Tom Hardy" not in {a.person_name for a in view.gate.waiting_on}  # type: ignore[union-attr]
    with programmes.db.read() as session:
        row = session.scalars(select(SignOff).where(SignOff.person_id == tom)).one()
        assert row.given_by_id == helen
        event = session.scalars(select(Event).where(Event.kind == "signed")).one()
        assert (event.actor_id, event.data["on_behalf_of"]) == (helen, tom)
    # the signatory cannot decide again in the same round: the deputy's decision was theirs
    with refused_saying("already decided"):
        programmes.sign(pid, tom, "approve")


def test_outside_the_period_the_deputy_is_refused(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int], clock
) -> None:
    pid, tom, helen = sample.id, people["tom"], people["helen"]
    programmes.name_deputy(pid, tom, helen, date(2027, 1, 5), date(2027, 1, 6), "conflict_of_interest", "Owns a bidder")
    ready(programmes, pid)
    with pytest.raises(NotAllowedError, match="not Tom Hardy's deputy on 2027-01-04"):
        programmes.sign(pid, helen, "approve", on_behalf_of=tom)
    clock.now = datetime(2027, 1, 6, 23, 30, tzinfo=UTC)  # 6 January, 23:30 in London: still the last day
    clock.advance(minutes=31)  # now 7 January in London
    with pytest.raises(NotAllowedError, match="2027-01-07"):
        programmes.sign(pid, helen, "approve", on_behalf_of=tom)
    clock.now = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)
    assert programmes.sign(pid, helen, "approve", on_behalf_of=tom).gate.sign_offs  # type: ignore[union-attr]


def test_revocation_ends_the_delegation_at_once_and_is_logged(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid, tom, helen = sample.id, people["tom"], people["helen"]
    made = programmes.name_deputy(pid, tom, helen, MONDAY, date(2027, 2, 1), "leave")
    ready(programmes, pid)
    revoked = programmes.revoke_deputy(pid, made.id, programmes.actor("priya.shah@northbridge.example"))
    assert revoked.revoked_by == "Priya Shah" and not revoked.runs_on(MONDAY)
    with pytest.raises(NotAllowedError):
        programmes.sign(pid, helen, "approve", on_behalf_of=tom)
    kinds = [e.kind for e in programmes.history(pid)]
    assert kinds.count("deputy_named") == 1 and kinds.count("deputy_revoked") == 1
    with pytest.raises(InvalidError, match="already been revoked"):
        programmes.revoke_deputy(pid, made.id)


def test_only_a_person_on_the_programme_can_be_a_deputy(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int], clock
) -> None:
    with programmes.db.write() as session:
        stranger = Person(name="Stan Ger", email="stan@elsewhere.example", is_admin=False, created_at=clock())
        session.add(stranger)
        session.flush()
        stranger_id = stranger.id
    with pytest.raises(InvalidError, match="only a person already on the programme") as refused:
        programmes.name_deputy(sample.id, people["tom"], stranger_id, MONDAY, MONDAY, "leave")
    assert refused.value.field == "deputy"
    with pytest.raises(InvalidError, match="cannot be the signatory themself"):
        programmes.name_deputy(sample.id, people["tom"], people["tom"], MONDAY, MONDAY, "leave")


def test_delegations_of_one_signatory_must_not_overlap_and_terms_are_checked(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid, tom = sample.id, people["tom"]
    programmes.name_deputy(pid, tom, people["helen"], date(2027, 1, 10), date(2027, 1, 20), "leave")
    with pytest.raises(InvalidError, match="must not overlap"):
        programmes.name_deputy(pid, tom, people["oliver"], date(2027, 1, 20), date(2027, 1, 25), "leave")
    programmes.name_deputy(pid, tom, people["oliver"], date(2027, 1, 21), date(2027, 1, 25), "leave")
    with pytest.raises(InvalidError, match="before the start date"):
        programmes.name_deputy(pid, people["aisha"], tom, date(2027, 2, 2), date(2027, 2, 1), "leave")
    with pytest.raises(InvalidError, match="is not one of"):
        programmes.name_deputy(pid, people["aisha"], tom, MONDAY, MONDAY, "holiday")
    with pytest.raises(InvalidError, match="signs nothing"):
        programmes.name_deputy(pid, people["sam"], tom, MONDAY, MONDAY, "leave")


def test_only_the_signatory_or_a_programme_manager_manages_deputies(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    aisha = programmes.actor("aisha.khan@southmoor.example")
    with pytest.raises(NotAllowedError):
        programmes.name_deputy(pid, people["tom"], people["helen"], MONDAY, MONDAY, "leave", actor=aisha)
    made = programmes.name_deputy(
        pid,
        people["tom"],
        people["helen"],
        MONDAY,
        MONDAY,
        "leave",
        actor=programmes.actor("priya.shah@northbridge.example"),
    )
    with pytest.raises(NotAllowedError):
        programmes.revoke_deputy(pid, made.id, aisha)
    assert programmes.revoke_deputy(pid, made.id, programmes.actor("tom.hardy@northbridge.example")).revoked_at
    with pytest.raises(NotFoundError):
        programmes.revoke_deputy(pid, 99_999_999_999)
    listed = programmes.delegations(pid, programmes.actor("sam.ellis@audit.example"))
    assert [(d.signatory_name, d.deputy_name) for d in listed] == [("Tom Hardy", "Helen Marsh")]


_names = itertools.count(1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ranges=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), min_size=1, max_size=4),
    revokes=st.lists(st.integers(0, 3), max_size=2),
    day=st.integers(0, 28),
)
def test_a_deputy_may_decide_exactly_on_the_days_an_unrevoked_delegation_covers(
    programmes: Programmes, clock, ranges: list[tuple[int, int]], revokes: list[int], day: int
) -> None:
    """Delegations of one signatory never overlap (the engine agrees with an oracle on which are refused), and
    the deputy's decision is accepted on a day exactly when an accepted, unrevoked delegation covers it."""
    clock.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    spec, located = load_programme(EXAMPLE)
    view = programmes.start(spec.model_copy(update={"name": f"Property {next(_names)}"}), located)
    pid = view.id
    people = {r.person_name.split()[0].lower(): r.person_id for r in view.roles}
    accepted: list[tuple[int, date, date]] = []
    for offset, length in ranges:
        starts, ends = MONDAY + timedelta(days=offset), MONDAY + timedelta(days=offset + length)
        clash = any(s <= ends and starts <= e for _, s, e in accepted)
        try:
            made = programmes.name_deputy(pid, people["tom"], people["helen"], starts, ends, "leave")
        except InvalidError as exc:
            assert clash and "must not overlap" in str(exc)
            continue
        assert not clash
        accepted.append((made.id, starts, ends))
    live = list(accepted)
    for n in sorted(set(revokes)):
        if n < len(accepted):
            programmes.revoke_deputy(pid, accepted[n][0])
            live.remove(accepted[n])
    ready(programmes, pid)
    clock.now = datetime(2027, 1, 4, 12, 0, tzinfo=UTC) + timedelta(days=day)
    covered = any(s <= clock.now.date() <= e for _, s, e in live)
    try:
        after = programmes.sign(pid, people["helen"], "approve", on_behalf_of=people["tom"])
    except NotAllowedError:
        assert not covered
    else:
        assert covered
        assert any(s.given_by_name == "Helen Marsh" for s in after.gate.sign_offs)  # type: ignore[union-attr]
