"""The programme and gate pages lead with what the person looking should do next ("What to do next"), and the
one primary (green) button on the page is the action that is possible now: the manager records the missing
evidence, requests sign-off, chases whoever has not decided, resolves a rejection, advances; a signatory
decides; an observer is told what the programme waits on. A waiver's approvals show like a gate's sign-offs,
and an approved waiver leads to "Waive the stage" (through its check-your-answers page)."""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from records_support import agree_register
from web_support import COURTSHIP, EMAILS, post, session_as, text_of

from tests.decisions_support import decide_all
from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances

ROOT = Path(__file__).resolve().parents[2]
_PRIMARY = re.compile(r'<(?:button|a)\b[^>]*class="govuk-button\s*"[^>]*>(.*?)</(?:button|a)>', re.S)


def primary_buttons(page: str) -> list[str]:
    """The texts of the page's primary (green) buttons."""
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).strip() for b in _PRIMARY.findall(page)]


def panel(page: str) -> str:
    """The "What to do next" panel of a gate or programme page, as text."""
    start = page.index(">", page.index('id="next-step"')) + 1
    body = re.sub(r"<[^>]+>", " ", page[start : page.index("<h2", page.index("</h2>", start))])
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def lead(page: str) -> str:
    """The first step of the panel: its heading."""
    start = page.index(">", page.index('id="next-step"')) + 1
    found = re.search(r"<h3[^>]*>(.*?)</h3>", page[start:], re.S)
    assert found, "the panel has no step"
    return html.unescape(found.group(1)).strip()


def gate_page(client: FlaskClient, app: Flask, who: str, pid: int) -> str:
    session_as(client, app, EMAILS[who])
    response = client.get(f"/programmes/{pid}/gate")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def programme_page(client: FlaskClient, app: Flask, who: str, pid: int) -> str:
    session_as(client, app, EMAILS[who])
    response = client.get(f"/programmes/{pid}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_programme_leads_the_manager_to_the_missing_evidence(
    app: Flask, client: FlaskClient, sample: ProgrammeView
) -> None:
    page = gate_page(client, app, "priya", sample.id)
    assert lead(page) == "Record the missing evidence"
    assert primary_buttons(page) == ["Record evidence"], "one green button: the action possible now"
    text = panel(page)
    for title in ("Partners named", "Shared vision drafted", "Budget agreed for the next stage"):
        assert title in text
    assert 'action="/programmes/1/advance"' not in page, "an advance would be refused: no button"
    assert "The programme cannot advance yet" in text
    assert "Advancing would be refused until these are met: Partners named No evidence" in text
    assert 'value="partners_named" selected' in page, "the first missing criterion is chosen in the form"

    page = programme_page(client, app, "priya", sample.id)
    assert lead(page) == "Record the missing evidence"
    assert primary_buttons(page) == ["Record evidence"]
    assert 'href="/programmes/1/gate#record-evidence"' in page


def test_with_the_evidence_in_the_manager_requests_sign_off_then_chases(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    for criterion in COURTSHIP:
        programmes.record_evidence(sample.id, criterion, f"{criterion} done")
    page = gate_page(client, app, "priya", sample.id)
    assert lead(page) == "Ask for sign-off"
    assert primary_buttons(page) == ["Request sign-off"]
    assert page.count('action="/programmes/1/gate/request"') == 1, "the request form is drawn once"

    response = post(client, f"/programmes/{sample.id}/gate/request", {"version": programmes.get(sample.id).version})
    assert response.status_code == 302
    page = gate_page(client, app, "priya", sample.id)
    assert lead(page) == "Chase the people who have not decided"
    text = panel(page)
    for person in ("Tom Hardy (Signatory of Northbridge District Council)", "Aisha Khan", "Gareth Evans"):
        assert person in text
    assert primary_buttons(page) == ["Email the people still to decide"]
    chase = re.search(r'href="(mailto:[^"]+)"', page)
    assert chase and "tom.hardy@northbridge.example" in chase.group(1) and "aisha.khan" in chase.group(1)
    assert "Still to decide: Tom Hardy" in text_of(client.get(f"/programmes/{sample.id}/gate"))


def test_a_signatory_is_asked_to_decide_and_an_observer_is_told_what_it_waits_for(
    app: Flask, client: FlaskClient, honest: ProgrammeView
) -> None:
    page = gate_page(client, app, "tom", honest.id)
    assert lead(page) == "Decide on this gate"
    text = panel(page)
    assert "Signatory of Northbridge District Council" in text
    assert "Steering member of Northbridge District Council" in text
    assert primary_buttons(page) == ["Record my decision"]
    assert page.count('action="/programmes/1/gate/sign"') == 1

    page = programme_page(client, app, "tom", honest.id)
    assert lead(page) == "Decide on this gate"
    assert primary_buttons(page) == ["Decide"]

    page = gate_page(client, app, "sam", honest.id)
    assert lead(page) == "Nothing for you to do now"
    assert primary_buttons(page) == []
    text = panel(page)
    assert "The request for sign-off waits for:" in text
    assert "Helen Marsh (Steering member of Northbridge District Council)" in text


def test_after_every_approval_the_manager_advances_and_others_see_it_can(
    app: Flask, client: FlaskClient, programmes: Programmes, honest: ProgrammeView
) -> None:
    for person in {r.person_id for r in honest.roles}:
        with contextlib.suppress(NotAllowedError):
            programmes.sign(honest.id, person, "approve")
    page = gate_page(client, app, "priya", honest.id)
    assert lead(page) == "Advance to the next stage"
    assert primary_buttons(page) == ["Advance to the next stage"]
    assert page.count("the programme can advance") == 1

    page = gate_page(client, app, "tom", honest.id)
    assert lead(page) == "Nothing for you to do now"
    assert "the programme can advance" in panel(page)
    assert primary_buttons(page) == []


def test_a_rejection_is_shown_with_its_reason_and_leads_to_a_resubmission(
    app: Flask, client: FlaskClient, programmes: Programmes, honest: ProgrammeView
) -> None:
    aisha = next(r.person_id for r in honest.roles if r.email == EMAILS["aisha"])
    programmes.sign(honest.id, aisha, "reject", "The cost split ignores Southmoor's pension strain", role="signatory")
    page = gate_page(client, app, "priya", honest.id)
    assert lead(page) == "Resolve the rejection, then request sign-off again"
    text = panel(page)
    assert "Rejected by Aisha Khan (Signatory of Southmoor District Council)" in text
    assert "“The cost split ignores Southmoor's pension strain”" in text
    assert primary_buttons(page) == ["Request sign-off again"]
    assert 'action="/programmes/1/advance"' not in page
    assert "Signatory of Southmoor District Council Rejected" in text, "why an advance would be refused"

    page = gate_page(client, app, "helen", honest.id)
    assert lead(page) == "Decide on this gate", "the chair still has her own decision to give"


def test_a_refused_advance_posted_anyway_is_refused_with_the_reasons(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    response = post(client, f"/programmes/{sample.id}/advance", {"version": sample.version}, f"/programmes/{sample.id}")
    assert response.status_code == 409
    assert "Evidence is missing for 5 criteria" in text_of(response)
    assert programmes.get(sample.id).state == "courtship"


def walk_to_full_case(programmes: Programmes, pid: int) -> ProgrammeView:
    """Pass gate after gate, with the sample's money in place, until the optional full business case."""
    money = ROOT / "examples" / "northbridge-southmoor-money.yaml"
    Finances(programmes.db, programmes.registry, programmes.clock).import_figures(
        pid, money.read_text(encoding="utf-8"), str(money)
    )
    view = programmes.get(pid)
    definition = programmes.registry.latest(view.definition_id)
    while view.state != "full_case":
        for criterion in definition.gates[view.state].criteria:
            if not criterion.figures:
                programmes.record_evidence(pid, criterion.id, f"{criterion.title}: on the shared drive")
        if view.state == "honest_conversation":
            agree_register(programmes.db, programmes.registry, programmes.clock, pid)
        programmes.request_sign_off(pid)
        for person in {r.person_id for r in view.roles}:
            with contextlib.suppress(NotAllowedError):
                programmes.sign(pid, person, "approve")
        decide_all(programmes, pid)
        view = programmes.advance(pid)
    return view


def test_waiver_approvals_are_counted_and_an_approved_waiver_leads_to_waive(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    walk_to_full_case(programmes, sample.id)
    page = gate_page(client, app, "priya", sample.id)
    assert "Or ask the steering group to waive this stage" in panel(page), "the stage is optional"

    programmes.request_sign_off(sample.id, waiver=True, note="The Breckland model: clear and agreed")
    page = gate_page(client, app, "priya", sample.id)
    assert lead(page) == "Chase the steering group members who have not decided on the waiver"
    assert "Steering group quorum 0 of 4 members approved, 4 needed (all of them)" in text_of(
        client.get(f"/programmes/{sample.id}/gate")
    )
    manage = client.get(f"/programmes/{sample.id}/manage")
    assert 'action="/programmes/1/waive"' not in manage.get_data(as_text=True), "not approved: no Waive button"
    assert "needs the steering group's approval first: Steering group quorum 0 of 4" in text_of(manage)
    page = gate_page(client, app, "aisha", sample.id)
    assert lead(page) == "Decide whether to waive this stage"

    for name in ("tom", "aisha", "gareth", "helen"):
        programmes.sign(sample.id, people[name], "approve")
    session_as(client, app, EMAILS["priya"])
    response = client.get(f"/programmes/{sample.id}/gate")
    text = text_of(response)
    assert "4 of 4 members approved, 4 needed (all of them)" in text, "the waiver's own count, not the gate's"
    assert "0 of 4 members approved" not in text.split("Waiving this stage")[1].split("Evidence")[0]
    waiver_table = text.split("Decisions on waiving the stage")[1]
    for person in ("Tom Hardy", "Aisha Khan", "Gareth Evans", "Helen Marsh"):
        assert person in waiver_table
    page = response.get_data(as_text=True)
    assert lead(page) == "Waive this stage"
    assert primary_buttons(page) == ["Waive the stage"]

    assert primary_buttons(client.get(f"/programmes/{sample.id}/manage").get_data(as_text=True)) == ["Waive the stage"]
    page = programme_page(client, app, "priya", sample.id)
    assert lead(page) == "Waive this stage"
    assert primary_buttons(page) == ["Waive the stage"]
    confirm = post(
        client, f"/programmes/{sample.id}/waive", {"version": programmes.get(sample.id).version, "reason": ""}
    )
    assert confirm.status_code == 200
    assert "Check before you waive the stage" in text_of(confirm)
    assert programmes.get(sample.id).state == "full_case", "nothing changes until it is confirmed"


def test_an_ended_programme_says_so(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    programmes.end(sample.id, "abandon", "The councils chose another route")
    page = programme_page(client, app, "priya", sample.id)
    assert lead(page) == "The programme has ended"
    assert primary_buttons(page) == []
