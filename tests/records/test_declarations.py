"""The honest-conversation register through the engine: declaring, answering, objecting, resolving, and the
lifecycle rule ``declarations_agreed`` on the honest conversation gate."""

from __future__ import annotations

import contextlib
import pickle
from typing import Any

import pytest

from tests.words_support import english
from workflow.engine.errors import InvalidError, MoveRefusedError, NotAllowedError, NotFoundError
from workflow.engine.importer import PartnerSpec
from workflow.engine.permissions import SYSTEM, Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.declarations import Declarations
from workflow.records.register import AWAITING
from workflow.words import describe, refusal
from workflow.words.language import gettext_for

NORTHBRIDGE, SOUTHMOOR, EASTVALE = (
    "Northbridge District Council",
    "Southmoor District Council",
    "Eastvale Borough Council",
)


@pytest.fixture
def register(programmes: Programmes) -> Declarations:
    return Declarations(programmes.db, programmes.registry, programmes.clock)


def actor(programmes: Programmes, email: str) -> Actor:
    return programmes.actor(email)


def pid_of(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def pass_gate(programmes: Programmes, pid: int, people: dict[str, int], *, evidence: bool = True) -> ProgrammeView:
    view = programmes.get(pid)
    if evidence:
        for criterion in programmes.registry.latest("shared-service").gates[view.state].criteria:
            if criterion.figures is None:
                programmes.record_evidence(pid, criterion.id, f"{criterion.title}: done")
    programmes.request_sign_off(pid)
    for person in people.values():
        with contextlib.suppress(NotAllowedError):
            programmes.sign(pid, person, "approve")
    return programmes.advance(pid)


@pytest.fixture
def honest(programmes: Programmes, sample: ProgrammeView, people: dict[str, int]) -> ProgrammeView:
    """The sample programme at the honest conversation with its evidence recorded: only the register (and
    then the sign-offs) stand between it and the outline case."""
    pass_gate(programmes, sample.id, people)
    view = programmes.get(sample.id)
    assert view.state == "honest_conversation"
    for criterion in programmes.registry.latest("shared-service").gates[view.state].criteria:
        if criterion.figures is None:
            programmes.record_evidence(sample.id, criterion.id, f"{criterion.title}: done")
    return programmes.get(sample.id)


def unmet(programmes: Programmes, pid: int) -> str:
    view = programmes.get(pid)
    assert view.gate is not None
    return " | ".join(english(view.gate.report.unmet))


def test_gate_is_refused_while_one_declaration_is_objected_to_naming_partner_and_item(
    programmes: Programmes, register: Declarations, honest: ProgrammeView, people: dict[str, int]
) -> None:
    tom, aisha, gareth = (
        actor(programmes, e)
        for e in ("tom.hardy@northbridge.example", "aisha.khan@southmoor.example", "gareth.evans@eastvale.example")
    )
    nb, sm, ev = pid_of(honest, "North"), pid_of(honest, "South"), pid_of(honest, "East")
    red = register.declare(honest.id, nb, "red_line", "no job losses in year one", "A cabinet promise", tom)
    register.declare_none(honest.id, sm, aisha)
    register.declare_none(honest.id, ev, gareth)
    register.answer(honest.id, red, sm, "accepted", "", aisha)
    register.answer(honest.id, red, ev, "objected", "Savings need a restructure in year one", gareth)

    with pytest.raises(MoveRefusedError) as refused:
        programmes.advance(honest.id)
    assert f"Eastvale Borough Council objects to {NORTHBRIDGE}'s red line 'no job losses in year one'" in refusal(
        refused.value
    )
    state = register.register(honest.id, SYSTEM)
    [objection] = state.objections
    assert (objection.owner_id, objection.objector_id, objection.declaration_id) == (nb, ev, red)
    assert objection.comment == "Savings need a restructure in year one"
    assert not state.agreed


def test_withdrawing_the_objection_lets_the_gate_pass(
    programmes: Programmes, register: Declarations, honest: ProgrammeView, people: dict[str, int]
) -> None:
    tom, aisha, gareth = (
        actor(programmes, e)
        for e in ("tom.hardy@northbridge.example", "aisha.khan@southmoor.example", "gareth.evans@eastvale.example")
    )
    nb, sm, ev = pid_of(honest, "North"), pid_of(honest, "South"), pid_of(honest, "East")
    red = register.declare(honest.id, nb, "red_line", "no job losses in year one", "A cabinet promise", tom)
    register.declare_none(honest.id, sm, aisha)
    register.declare_none(honest.id, ev, gareth)
    register.answer(honest.id, red, sm, "accepted", "", aisha)
    register.answer(honest.id, red, ev, "objected", "Savings need a restructure", gareth)
    with pytest.raises(NotAllowedError):  # only the objector's side withdraws its objection
        register.withdraw_objection(honest.id, red, ev, aisha)
    register.withdraw_objection(honest.id, red, ev, gareth)

    assert register.register(honest.id, SYSTEM).agreed
    pass_gate(programmes, honest.id, people, evidence=False)
    assert programmes.get(honest.id).state == "outline_case"
    kinds = [e.kind for e in programmes.history(honest.id)]
    assert kinds.count("declaration_made") == 1 and "declaration_objected" in kinds
    assert "objection_withdrawn" in kinds
    objected = next(e for e in programmes.history(honest.id) if e.kind == "declaration_objected")
    assert objected.reason == "Savings need a restructure"  # what Gareth typed; the facts are the data's
    assert (objected.data["partner"], objected.data["owner"]) == (EASTVALE, NORTHBRIDGE)
    assert (objected.data["item_kind"], objected.data["item_title"]) == ("red_line", "no job losses in year one")
    withdrawn = next(e for e in programmes.history(honest.id) if e.kind == "objection_withdrawn")
    assert withdrawn.actor == "Gareth Evans" and withdrawn.data["objection"] == "Savings need a restructure"


def test_revising_a_declaration_asks_every_other_partner_again(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    tom, aisha, gareth = (
        actor(programmes, e)
        for e in ("tom.hardy@northbridge.example", "aisha.khan@southmoor.example", "gareth.evans@eastvale.example")
    )
    nb, sm, ev = pid_of(honest, "North"), pid_of(honest, "South"), pid_of(honest, "East")
    red = register.declare(honest.id, nb, "red_line", "no job losses in year one", "A cabinet promise", tom)
    register.declare_none(honest.id, sm, aisha)
    register.declare_none(honest.id, ev, gareth)
    register.answer(honest.id, red, sm, "accepted", "", aisha)
    register.answer(honest.id, red, ev, "objected", "Too rigid", gareth)

    register.revise(honest.id, red, "red_line", "no compulsory redundancies in year one", "Agreed wording", tom)
    state = register.register(honest.id, SYSTEM)
    assert not state.objections
    declaration = state.declaration(red)
    assert declaration is not None and declaration.revision == 2
    assert {a.partner_name: a.status for a in declaration.answers} == {SOUTHMOOR: AWAITING, EASTVALE: AWAITING}
    assert (
        "Southmoor District Council has not answered Northbridge District Council's red line "
        "'no compulsory redundancies in year one'" in unmet(programmes, honest.id)
    )
    revised = programmes.history(honest.id)[-1]
    assert revised.kind == "declaration_revised" and revised.data["objections_resolved"] == [EASTVALE]
    assert revised.data["asked_again"] == [SOUTHMOOR, EASTVALE]

    register.answer(honest.id, red, sm, "accepted", "", aisha)
    register.answer(honest.id, red, ev, "accepted", "", gareth)
    assert register.register(honest.id, SYSTEM).agreed
    assert "declar" not in unmet(programmes, honest.id).lower()

    # a revision under an open request closes it: everyone is asked again, as with changed evidence
    programmes.request_sign_off(honest.id)
    register.revise(honest.id, red, "red_line", "no compulsory redundancies in 2027-28", "Dates", tom)
    view = programmes.get(honest.id)
    assert view.gate is not None and not view.gate.request_open
    assert programmes.history(honest.id)[-1].data["request_closed"] is True


def test_none_counts_as_declared_and_a_partner_that_says_nothing_is_named(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    aisha, gareth = (
        actor(programmes, "aisha.khan@southmoor.example"),
        actor(programmes, "gareth.evans@eastvale.example"),
    )
    register.declare_none(honest.id, pid_of(honest, "South"), aisha)
    register.declare_none(honest.id, pid_of(honest, "East"), gareth)
    assert unmet(programmes, honest.id).count("has not declared") == 1
    assert f"{NORTHBRIDGE} has not declared its preconditions and red lines (or none)" in unmet(programmes, honest.id)
    # a programme manager records on Northbridge's behalf; the log names who did
    register.declare_none(honest.id, pid_of(honest, "North"), actor(programmes, "priya.shah@northbridge.example"))
    assert register.register(honest.id, SYSTEM).agreed
    last = programmes.history(honest.id)[-1]
    assert (last.kind, last.actor, last.data["partner"]) == ("nothing_declared", "Priya Shah", NORTHBRIDGE)
    assert last.reason == ""  # no sentence of the engine's: the page says it from the data


def test_only_those_who_speak_for_a_partner_may_declare_or_answer_for_it(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    nb, sm = pid_of(honest, "North"), pid_of(honest, "South")
    tom, sam = actor(programmes, "tom.hardy@northbridge.example"), actor(programmes, "sam.ellis@audit.example")
    helen = actor(programmes, "helen.marsh@northbridge.example")  # steering member, not a signatory
    before = len(programmes.history(honest.id))
    for who, partner in ((tom, sm), (sam, nb), (helen, nb)):
        with pytest.raises(NotAllowedError):
            register.declare(honest.id, partner, "precondition", "A lead authority", "Why", who)
    red = register.declare(honest.id, nb, "precondition", "A lead authority", "Why", tom)
    with pytest.raises(InvalidError, match="does not answer its own"):
        register.answer(honest.id, red, nb, "accepted", "", tom)
    with pytest.raises(InvalidError) as no_comment:
        register.answer(honest.id, red, sm, "objected", "  ", SYSTEM)
    assert no_comment.value.field == "comment"
    with pytest.raises(InvalidError) as wrong_kind:
        register.declare(honest.id, nb, "wish", "A lead authority", "Why", tom)
    assert wrong_kind.value.field == "kind"
    with pytest.raises(NotFoundError):
        register.register(honest.id, Actor(999, "Olly Outsider"))
    assert len(programmes.history(honest.id)) == before + 1


def test_a_partner_joining_at_outline_case_must_declare_before_the_gate_passes_again(
    programmes: Programmes, register: Declarations, honest: ProgrammeView, people: dict[str, int]
) -> None:
    for prefix in ("North", "South", "East"):
        register.declare_none(honest.id, pid_of(honest, prefix), SYSTEM)
    pass_gate(programmes, honest.id, people, evidence=False)
    assert programmes.get(honest.id).state == "outline_case"

    spec = PartnerSpec(
        name="Westfield District Council", kind="district_council", population=71200, net_budget="9800000.00"
    )
    view = programmes.add_partner(honest.id, spec)
    west = pid_of(view, "Westfield")
    programmes.assign_role(honest.id, "wendy.ross@westfield.example", "signatory", west, name="Wendy Ross")
    programmes.assign_role(honest.id, "wendy.ross@westfield.example", "steering_member", west)
    programmes.return_to(honest.id, "honest_conversation", "Westfield must put its red lines on the table")
    state = register.register(honest.id, SYSTEM)
    assert [p.partner_name for p in state.missing] == ["Westfield District Council"]
    assert "Westfield District Council has not declared" in unmet(programmes, honest.id)

    wendy = actor(programmes, "wendy.ross@westfield.example")
    item = register.declare(honest.id, west, "non_negotiable", "Our contact centre stays in Westfield", "Jobs", wendy)
    assert [a.partner_name for a in register.register(honest.id, SYSTEM).awaited] == [NORTHBRIDGE, SOUTHMOOR, EASTVALE]
    for prefix in ("North", "South", "East"):
        register.answer(honest.id, item, pid_of(view, prefix), "accepted", "", SYSTEM)
    assert register.register(honest.id, SYSTEM).agreed
    people = {**people, "wendy": wendy.person_id or 0}
    pass_gate(programmes, honest.id, people)
    assert programmes.get(honest.id).state == "outline_case"


def test_a_withdrawn_partner_no_longer_declares_or_answers(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    nb, sm, ev = pid_of(honest, "North"), pid_of(honest, "South"), pid_of(honest, "East")
    red = register.declare(honest.id, nb, "red_line", "no job losses in year one", "A promise", SYSTEM)
    register.declare_none(honest.id, sm, SYSTEM)
    register.answer(honest.id, red, sm, "accepted", "", SYSTEM)
    register.answer(honest.id, red, ev, "objected", "No", SYSTEM)
    programmes.withdraw(honest.id, ev, "Eastvale leaves")
    state: Any = register.register(honest.id, SYSTEM)
    assert state.agreed and [p.partner_name for p in state.partners] == [NORTHBRIDGE, SOUTHMOOR]


def test_replaying_the_log_gives_the_stored_programme_after_register_changes(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    from workflow.engine.replay import replay, snapshot

    for prefix in ("North", "South", "East"):
        register.declare_none(honest.id, pid_of(honest, prefix), SYSTEM)
    programmes.request_sign_off(honest.id)
    register.declare(honest.id, pid_of(honest, "North"), "precondition", "A lead authority", "Why", SYSTEM)
    with programmes.db.read() as session:
        from workflow.engine.models import Programme

        stored = snapshot(session.get(Programme, honest.id))  # type: ignore[arg-type]
    assert replay(programmes.history(honest.id)) == stored


def test_the_gate_says_why_the_register_is_open_in_the_reader_s_language(
    programmes: Programmes, register: Declarations, honest: ProgrammeView
) -> None:
    """The register's figure check answers in text (a decision pack keeps it as said), yet a Welsh page words
    it in Welsh: the text carries its reason."""
    tom = actor(programmes, "tom.hardy@northbridge.example")
    register.declare(honest.id, pid_of(honest, "North"), "red_line", "no job losses in year one", "A promise", tom)
    view = programmes.get(honest.id)
    assert view.gate is not None
    [short] = [r for r in view.gate.report.unmet if r.code == "figures_short"]
    in_english = describe(short)
    in_welsh = describe(short, gettext_for("cy"), "cy")
    assert "has not answered" in in_english or "not declared" in in_english, in_english
    assert "no job losses in year one" in in_welsh and in_welsh != in_english
    assert "not declared" not in in_welsh and "has not answered" not in in_welsh
    assert pickle.loads(pickle.dumps(short)) == short  # a view holding it can still be copied and kept
