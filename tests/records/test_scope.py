"""The scope register through the engine and the command line: services in scope, services each partner keeps
local with its reason; every change an event with its actor; only programme managers change it."""

from __future__ import annotations

import json

import pytest

from workflow.engine.errors import InvalidError, NotAllowedError, NotFoundError
from workflow.engine.permissions import SYSTEM, Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.scope import Scope


@pytest.fixture
def scope(programmes: Programmes) -> Scope:
    return Scope(programmes.db, programmes.registry, programmes.clock)


def partner(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def test_the_tri_borough_keeps_planning_licensing_and_housing_local(
    programmes: Programmes, scope: Scope, sample: ProgrammeView
) -> None:
    priya = programmes.actor("priya.shah@northbridge.example")
    nb, ev = partner(sample, "North"), partner(sample, "East")
    for service in ("Children's services", "Adult social care", "Libraries"):
        scope.add_service(sample.id, service, "Combined under one director", priya)
    for service in ("Planning", "Licensing", "Housing"):
        scope.keep_local(sample.id, nb, service, "Member-led and ward-sensitive", priya)
    scope.keep_local(sample.id, ev, "Planning", "Its local plan is at examination", priya)

    view = scope.view(sample.id, priya)
    assert [s.name for s in view.services] == ["Adult social care", "Children's services", "Libraries"]
    assert [x.service for x in view.local_to(nb)] == ["Housing", "Licensing", "Planning"]
    history = programmes.history(sample.id)
    assert [e.kind for e in history[-7:]] == ["scope_service_added"] * 3 + ["scope_local_added"] * 4
    assert history[-1].actor == "Priya Shah" and history[-1].data["partner"] == "Eastvale Borough Council"

    libraries = next(s.id for s in view.services if s.name == "Libraries")
    scope.remove_service(sample.id, libraries, priya)
    scope.remove_local(sample.id, view.local_to(ev)[0].id, priya)
    view = scope.view(sample.id, priya)
    assert "Libraries" not in [s.name for s in view.services] and not view.local_to(ev)
    assert [e.kind for e in programmes.history(sample.id)[-2:]] == ["scope_service_removed", "scope_local_removed"]

    programmes.withdraw(sample.id, nb, "Northbridge leaves")  # a former partner's choices no longer show
    assert not scope.view(sample.id, SYSTEM).local


def test_bad_input_and_the_wrong_people_change_nothing(
    programmes: Programmes, scope: Scope, sample: ProgrammeView
) -> None:
    nb = partner(sample, "North")
    scope.add_service(sample.id, "Revenues and benefits", "", SYSTEM)
    before = len(programmes.history(sample.id))
    refusals = [
        (lambda: scope.add_service(sample.id, "Revenues and benefits", "", SYSTEM), "name"),
        (lambda: scope.add_service(sample.id, "   ", "", SYSTEM), "name"),
        (lambda: scope.add_service(sample.id, "IT\nand digital", "", SYSTEM), "name"),
        (lambda: scope.keep_local(sample.id, nb, "Planning", "", SYSTEM), "reason"),
        (lambda: scope.keep_local(sample.id, 999, "Planning", "why", SYSTEM), "partner"),
    ]
    for attempt, field in refusals:
        with pytest.raises(InvalidError) as refused:
            attempt()
        assert refused.value.field == field
    with pytest.raises(NotAllowedError):
        scope.add_service(sample.id, "IT", "", programmes.actor("tom.hardy@northbridge.example"))
    with pytest.raises(NotAllowedError):
        scope.add_service(sample.id, "IT", "", programmes.actor("sam.ellis@audit.example"))
    with pytest.raises(NotFoundError):
        scope.view(sample.id, Actor(999, "Olly Outsider"))
    with pytest.raises(NotFoundError):
        scope.remove_service(sample.id, 12345, SYSTEM)
    assert len(programmes.history(sample.id)) == before


def test_the_command_line_keeps_both_registers(cli, sample: ProgrammeView) -> None:
    pid = sample.id
    out = cli(
        "records",
        "declare",
        pid,
        "Eastvale Borough Council",
        "red_line",
        "Planning stays local",
        "--reason",
        "Members",
        "--by",
        "gareth.evans@eastvale.example",
    ).output
    item = int(out.split("[", 1)[1].split("]", 1)[0])
    refused = cli(
        "records",
        "declare",
        pid,
        "Southmoor District Council",
        "red_line",
        "x",
        "--reason",
        "y",
        "--by",
        "gareth.evans@eastvale.example",
        ok=False,
    )
    assert refused.exit_code == 4 and "may not speak for Southmoor District Council" in refused.output
    wrong = cli("records", "answer", pid, item, "Southmoor District Council", "object", ok=False)
    assert wrong.exit_code == 2 and "Say why the partner objects" in wrong.output
    cli("records", "answer", pid, item, "Southmoor District Council", "object", "--comment", "In scope")
    shown = json.loads(cli("records", "show", pid, "--json").output)
    answers = [a for side in shown["partners"] for d in side["declarations"] for a in d["answers"]]
    assert [a["partner_name"] for a in answers if a["status"] == "objected"] == ["Southmoor District Council"]
    assert (
        "Southmoor District Council objects to Eastvale Borough Council's red line 'Planning stays local'"
        in cli("records", "show", pid).output
    )
    cli("records", "add-service", pid, "Revenues and benefits", "--by", "priya.shah@northbridge.example")
    cli("records", "keep-local", pid, "Eastvale Borough Council", "Planning", "--reason", "Local plan")
    scope = json.loads(cli("records", "scope", pid, "--json").output)
    assert [s["name"] for s in scope["services"]] == ["Revenues and benefits"]
    assert scope["local"][0]["service"] == "Planning"
