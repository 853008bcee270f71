"""Use cases through the engine's API: sign-off rounds, resubmission, returns, waivers, definition versions,
late partners and the append-only log."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from records_support import agree_register
from sqlalchemy import func, select

from tests.decisions_support import decide_all
from tests.words_support import english, refused_saying
from workflow.engine.db import Database
from workflow.engine.definitions import load_definition
from workflow.engine.errors import InvalidError, MoveRefusedError, NotAllowedError
from workflow.engine.importer import PartnerSpec, load_programme
from workflow.engine.models import Event, SignOff
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
DEFINITION = load_definition(DEFINITIONS / "shared-service.yaml")


def record_all(programmes: Programmes, pid: int, note: str = "see the shared drive") -> ProgrammeView:
    view = programmes.get(pid)
    for criterion in DEFINITION.gates[view.state].criteria:
        view = programmes.record_evidence(pid, criterion.id, f"{criterion.title}: {note}")
    agree_register(programmes.db, programmes.registry, programmes.clock, pid)  # the register: "none" each
    return programmes.get(pid)


def everyone_approves(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    """Every person asked by the open request approves (people the request does not ask are refused)."""
    for person in people.values():
        with contextlib.suppress(NotAllowedError):
            programmes.sign(pid, person, "approve")
    return programmes.get(pid)


def pass_gate(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    record_all(programmes, pid)
    programmes.request_sign_off(pid)
    everyone_approves(programmes, pid, people)
    decide_all(programmes, pid)  # each partner's cabinet, where the gate asks for it
    return programmes.advance(pid)


def walk_to(programmes: Programmes, pid: int, people: dict[str, int], stage: str) -> ProgrammeView:
    """Pass gate after gate until ``stage``, with the sample's business case and pre-nup in place
    (the outline case and pre-nup gates check those figures)."""
    money = Path(__file__).resolve().parents[2] / "examples" / "northbridge-southmoor-money.yaml"
    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        pid, money.read_text(encoding="utf-8"), str(money)
    )
    view = programmes.get(pid)
    while view.state != stage:
        view = pass_gate(programmes, pid, people)
    return view


def awaiting(view: ProgrammeView) -> list[str]:
    assert view.gate is not None
    return [u for u in english(view.gate.report.unmet) if u.startswith("awaiting")]


def partner_id(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


# --- sign-off rounds -------------------------------------------------------------------------------------


def test_changed_evidence_asks_everyone_again(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    programmes.sign(sample.id, people["tom"], "approve")
    programmes.sign(sample.id, people["aisha"], "reject", "the vision says nothing about Eastvale's ICT")
    programmes.sign(sample.id, people["gareth"], "approve")

    view = programmes.record_evidence(sample.id, "vision_drafted", "Vision v2 now covers Eastvale's ICT")
    assert view.gate is not None and not view.gate.request_open
    view = programmes.request_sign_off(sample.id, note="vision revised")
    assert view.gate is not None and view.gate.round == 2
    assert awaiting(view) == [
        "awaiting sign-off from the signatory of Northbridge District Council, "
        "Southmoor District Council, Eastvale Borough Council"
    ]
    assert not any("rejected" in u for u in english(view.gate.report.unmet))  # the old rejection is on old evidence
    with pytest.raises(MoveRefusedError):
        programmes.advance(sample.id)
    assert everyone_approves(programmes, sample.id, people).gate.report.passed  # type: ignore[union-attr]


def test_resubmission_on_unchanged_evidence_keeps_approvals_and_needs_the_rejecter(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    programmes.sign(sample.id, people["tom"], "approve")
    programmes.sign(sample.id, people["aisha"], "reject", "budget for the next stage is not agreed by our cabinet")
    programmes.sign(sample.id, people["gareth"], "approve")

    view = programmes.request_sign_off(sample.id, note="cabinet has now agreed the budget")
    assert view.gate is not None and view.gate.round == 2
    assert awaiting(view) == []
    assert english(view.gate.report.unmet) == (
        "rejected by Aisha Khan as signatory of Southmoor District Council: 'budget for the next stage is not "
        "agreed by our cabinet'; Aisha Khan must approve a resubmission",
    )
    with refused_saying("rejected by Aisha Khan"):
        programmes.advance(sample.id)

    view = programmes.sign(sample.id, people["aisha"], "approve", "agreed now")
    assert view.gate is not None and view.gate.report.passed
    assert programmes.advance(sample.id).state == "honest_conversation"


def test_a_person_cannot_decide_twice_in_one_round(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    before = programmes.sign(sample.id, people["tom"], "approve")
    for decision, comment in (("approve", ""), ("reject", "changed my mind")):
        with refused_saying("already decided in round 1"):
            programmes.sign(sample.id, people["tom"], decision, comment)
    assert programmes.get(sample.id) == before


def test_signing_before_a_request_is_refused(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    with refused_saying("has not been requested"):
        programmes.sign(sample.id, people["tom"], "approve")
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    programmes.record_evidence(sample.id, "partners_named", "Eastvale confirmed in writing")  # closes the request
    with refused_saying("has not been requested"):
        programmes.sign(sample.id, people["tom"], "approve")
    assert programmes.get(sample.id).gate.sign_offs == ()  # type: ignore[union-attr]


def test_returning_resets_sign_offs(programmes: Programmes, sample: ProgrammeView, people: dict[str, int]) -> None:
    walk_to(programmes, sample.id, people, "honest_conversation")
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    assert everyone_approves(programmes, sample.id, people).gate.report.passed  # type: ignore[union-attr]

    view = programmes.return_to(sample.id, "courtship", "Southmoor's leader changed; appetite to be re-confirmed")
    assert (view.state, view.stage_visit) == ("courtship", 3)
    assert view.gate is not None and view.gate.sign_offs == () and not view.gate.request_open
    assert not view.gate.report.passed
    with refused_saying("awaiting sign-off"):
        programmes.advance(sample.id)

    view = pass_gate(programmes, sample.id, people)
    assert view.state == "honest_conversation"
    assert view.gate is not None and view.gate.sign_offs == ()  # the earlier visit's approvals are gone
    with pytest.raises(MoveRefusedError):
        programmes.advance(sample.id)


# --- waivers ---------------------------------------------------------------------------------------------


def test_waiving_needs_the_waiver_approved_by_the_whole_steering_group(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    with refused_saying("not optional"):
        programmes.request_sign_off(sample.id, waiver=True, note="we know each other well")
    walk_to(programmes, sample.id, people, "full_case")

    with refused_saying("quorum not met: 0 of 4"):
        programmes.waive(sample.id, "clear agreed model")
    with pytest.raises(InvalidError, match="rationale"):
        programmes.request_sign_off(sample.id, waiver=True, note="  ")
    view = programmes.request_sign_off(sample.id, waiver=True, note="the Breckland model: clear and agreed")
    assert view.gate is not None and view.gate.subject == "waiver"
    assert view.gate.request_note == "the Breckland model: clear and agreed"  # what the steering group sees
    for name in ("tom", "aisha", "gareth"):
        programmes.sign(sample.id, people[name], "approve")
    with refused_saying("3 of 4 members approved, 4 needed"):
        programmes.waive(sample.id, "clear agreed model")
    with pytest.raises(MoveRefusedError):
        programmes.advance(sample.id)  # waiver approvals are not gate approvals

    programmes.sign(sample.id, people["helen"], "approve")
    view = programmes.waive(sample.id)  # the rationale was given once, with the request
    assert view.state == "transfer"
    last = programmes.history(sample.id)[-1]
    assert (last.kind, last.from_state, last.to_state, last.reason) == (
        "waived",
        "full_case",
        "transfer",
        "the Breckland model: clear and agreed",
    )


# --- definition versions ---------------------------------------------------------------------------------


@pytest.fixture
def own_definitions(tmp_path: Path) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    shutil.copy(DEFINITIONS / "shared-service.yaml", folder / "shared-service.yaml")
    return folder


def edit(folder: Path, version: int) -> None:
    """Change the courtship gate: a new title and a new required criterion."""
    path = folder / "shared-service.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(f"version: {DEFINITION.version}\n", f"version: {version}\n", 1)
    old = (
        "    title:\n      en: Gateway 0 - strategic assessment\n      cy: Porth 0 - asesiad strategol\n    criteria:\n"
    )
    assert old in text
    text = text.replace(
        old,
        "    title: Gateway 0 - strategic assessment (revised)\n    criteria:\n"
        "      - id: risk_register\n        title: Joint risk register opened\n",
        1,
    )
    path.write_text(text, encoding="utf-8")


def test_editing_the_file_does_not_change_a_running_programme(db: Database, clock, own_definitions: Path) -> None:
    programmes = Programmes(db, Registry(own_definitions), clock=clock)
    started = programmes.start(*load_programme(EXAMPLE)).built()
    edit(own_definitions, version=DEFINITION.version + 1)
    assert load_definition(own_definitions / "shared-service.yaml").gates["courtship"].criteria[0].id == "risk_register"

    for engine in (programmes, Programmes(db, Registry(own_definitions), clock=clock)):  # cached and fresh
        view = engine.get(started.id)
        assert view == started
        assert (view.definition_version, view.definition_hash) == (DEFINITION.version, started.definition_hash)
        assert view.gate is not None and view.gate.title == "Gateway 0 - strategic assessment"
    record_all(programmes, started.id)  # the old criteria, without the new one, are enough to ask
    assert programmes.request_sign_off(started.id).gate.request_open  # type: ignore[union-attr]


def test_migrating_refuses_the_same_or_an_unraised_version(db: Database, clock, own_definitions: Path) -> None:
    programmes = Programmes(db, Registry(own_definitions), clock=clock)
    started = programmes.start(*load_programme(EXAMPLE)).built()
    with refused_saying("already runs on the file's content"):
        programmes.migrate_definition(started.id, "keep current")
    edit(own_definitions, version=DEFINITION.version)
    with refused_saying(f"version is still {DEFINITION.version}"):
        programmes.migrate_definition(started.id, "adopt the risk register")
    assert programmes.get(started.id) == started
    assert [e.kind for e in programmes.history(started.id)] == ["programme_started"]


def test_migrating_adopts_a_newer_version_and_logs_it(db: Database, clock, own_definitions: Path) -> None:
    programmes = Programmes(db, Registry(own_definitions), clock=clock)
    started = programmes.start(*load_programme(EXAMPLE)).built()
    edit(own_definitions, version=DEFINITION.version + 1)
    with pytest.raises(InvalidError, match="give a reason"):
        programmes.migrate_definition(started.id, "")
    view = programmes.migrate_definition(started.id, "adopt the joint risk register criterion")
    assert view.definition_version == DEFINITION.version + 1 and view.definition_hash != started.definition_hash
    assert view.gate is not None and view.gate.title == "Gateway 0 - strategic assessment (revised)"
    assert programmes.get(started.id) == view
    event = programmes.history(started.id)[-1]
    assert event.kind == "definition_migrated" and event.reason == "adopt the joint risk register criterion"
    assert (event.data["from_version"], event.data["to_version"]) == (DEFINITION.version, DEFINITION.version + 1)
    assert (event.data["from_hash"], event.data["to_hash"]) == (started.definition_hash, view.definition_hash)
    record_all(programmes, started.id)  # the old criteria no longer suffice ...
    with refused_saying("Joint risk register opened"):
        programmes.request_sign_off(started.id)
    programmes.record_evidence(started.id, "risk_register", "register opened 4 Jan")  # ... the new one does
    assert programmes.request_sign_off(started.id).gate.request_open  # type: ignore[union-attr]


# --- partners and the log --------------------------------------------------------------------------------


def test_partners_may_join_only_until_the_outline_case(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    spec = PartnerSpec(
        name="Westfield District Council", kind="district_council", population=71200, net_budget="9800000.00"
    )
    walk_to(programmes, sample.id, people, "outline_case")
    view = programmes.add_partner(sample.id, spec)
    assert [p.name for p in view.current_partners][-1] == "Westfield District Council"
    assert programmes.history(sample.id)[-1].kind == "partner_added"

    west = partner_id(view, "Westfield")
    programmes.assign_role(sample.id, "wendy.ross@westfield.example", "signatory", west, name="Wendy Ross")
    view = programmes.assign_role(sample.id, "wendy.ross@westfield.example", "steering_member", west)
    assert programmes.get(sample.id) == view
    assert [(r.role, r.partner_name) for r in view.roles if r.person_name == "Wendy Ross"] == [
        ("signatory", "Westfield District Council"),
        ("steering_member", "Westfield District Council"),
    ]
    people = {**people, "wendy": programmes.actor("wendy.ross@westfield.example").person_id or 0}
    pass_gate(programmes, sample.id, people)

    late = PartnerSpec(
        name="Northmoor District Council", kind="district_council", population=50000, net_budget="7000000.00"
    )
    before = programmes.get(sample.id)
    with refused_saying("only up to 'Outline business case'"):
        programmes.add_partner(sample.id, late)
    assert programmes.get(sample.id) == before


def test_events_are_append_only(programmes: Programmes, sample: ProgrammeView, db: Database) -> None:
    with pytest.raises(ValueError, match="append-only"), db.write() as session:
        event = session.scalars(select(Event).where(Event.programme_id == sample.id)).one()
        event.reason = "rewritten history"
        session.flush()
    with pytest.raises(ValueError, match="append-only"), db.write() as session:
        session.delete(session.scalars(select(Event).where(Event.programme_id == sample.id)).one())
        session.flush()
    history = programmes.history(sample.id)
    assert [(e.kind, e.reason) for e in history] == [("programme_started", history[0].reason)]
    assert "rewritten" not in history[0].reason


def test_a_refused_sign_writes_nothing(
    programmes: Programmes, sample: ProgrammeView, people: dict[str, int], db: Database
) -> None:
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    before = programmes.get(sample.id)
    with pytest.raises(NotAllowedError, match="Sam Ellis holds no role"):
        programmes.sign(sample.id, people["sam"], "approve")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SignOff)) == 0
    assert programmes.get(sample.id) == before
