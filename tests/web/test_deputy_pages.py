"""The deputies pages: naming a deputy (422 naming the field, non-members refused), the deputy deciding on the
gate for the signatory with both names shown on the gate and in the decision pack, revocation, and 403s."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, csrf_token, day, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def name_form(signatory_id: int, deputy_id: object, **given: object) -> dict[str, object]:
    return {
        "signatory": signatory_id,
        "deputy": deputy_id,
        **day("starts_on", "2027-01-04"),
        **day("ends_on", "2027-01-08"),
        "reason_kind": "leave",
        "note": "Annual leave",
        **given,
    }


def test_a_signatory_names_a_deputy_who_decides_for_them_on_the_gate(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int], clock
) -> None:
    pid = sample.id
    for c in COURTSHIP:
        programmes.record_evidence(pid, c, f"{c} done")
    programmes.request_sign_off(pid)
    session_as(client, app, EMAILS["tom"])
    page = f"/programmes/{pid}/deputies"
    token = csrf_token(client, page)
    named = client.post(page, data={"csrf_token": token, **name_form(people["tom"], people["helen"])})
    assert named.status_code == 302
    assert "Helen Marsh" in text_of(client.get(page)) and "Running" in text_of(client.get(page))

    session_as(client, app, EMAILS["helen"])
    assert "For Tom Hardy until 8 January 2027" in text_of(client.get("/"))
    gate = client.get(f"/programmes/{pid}/gate").get_data(as_text=True)
    link = re.search(r'href="(/programmes/\d+/gate/for/\d+)"', gate)
    assert link, "the deputy is offered to decide for Tom"
    form_page = client.get(link.group(1)).get_data(as_text=True)
    fields = dict(re.findall(r'name="(pack|round|version|csrf_token)" value="([^"]*)"', form_page))
    decided = client.post(link.group(1), data={**fields, "decision": "approve", "comment": ""})
    assert decided.status_code == 302, text_of(decided)
    shown = text_of(client.get(f"/programmes/{pid}/gate"))
    assert "Helen Marsh for Tom Hardy" in shown
    pack = re.search(
        r'href="(/programmes/\d+/packs/[0-9a-f]{64})"', client.get(f"/programmes/{pid}/gate").get_data(as_text=True)
    )
    assert pack and "Helen Marsh for Tom Hardy" in text_of(client.get(pack.group(1)))

    assert "Helen Marsh for Tom Hardy" in text_of(client.get(f"/programmes/{pid}/audit"))  # the log names both

    session_as(client, app, EMAILS["sam"])  # an observer is nobody's deputy
    assert client.get(link.group(1)).status_code == 403


def test_naming_a_deputy_refuses_bad_input_with_422_and_strangers_with_403(
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    accounts,
    sample: ProgrammeView,
    people: dict[str, int],
    clock,
) -> None:
    pid = sample.id
    accounts.add_person("Olga Outsider", "olga@elsewhere.example", clock())
    olga = programmes.actor("olga@elsewhere.example").person_id
    session_as(client, app, EMAILS["priya"])
    page = f"/programmes/{pid}/deputies"
    token = csrf_token(client, page)
    for given, message in [
        ({"deputy": olga}, "only a person already on the programme can be a deputy"),
        ({"deputy": people["tom"]}, "cannot be the signatory themself"),
        ({**day("ends_on", "2027-01-01")}, "before the start date"),
        ({"reason_kind": ""}, "Select why"),
        ({**day("starts_on", "someday")}, "From"),
    ]:
        answer = client.post(page, data={"csrf_token": token, **name_form(people["tom"], people["helen"], **given)})
        assert answer.status_code == 422, given
        assert message in text_of(answer), (given, text_of(answer))
    assert client.post(page, data={"csrf_token": token, **name_form(people["tom"], people["helen"])}).status_code == 302
    overlap = client.post(
        page, data={"csrf_token": token, **name_form(people["tom"], people["aisha"], starts_on="2027-01-08")}
    )
    assert overlap.status_code == 422 and "must not overlap" in text_of(overlap)

    session_as(client, app, EMAILS["sam"])  # an observer signs nothing: no form, and a post is refused
    token = csrf_token(client, page)
    assert "Name a deputy" not in text_of(client.get(page))
    assert client.post(page, data={"csrf_token": token, **name_form(people["tom"], people["sam"])}).status_code == 403
    delegation = programmes.delegations(pid)[0]
    revoke = f"{page}/{delegation.id}/revoke"
    assert client.post(revoke, data={"csrf_token": token}).status_code == 403

    session_as(client, app, "olga@elsewhere.example")
    assert client.get(page).status_code == 403
    session_as(client, app, EMAILS["tom"])
    token = csrf_token(client, page)
    assert client.post(revoke, data={"csrf_token": token}).status_code == 302
    assert "Revoked" in text_of(client.get(page))
    assert client.post(f"{page}/99999/revoke", data={"csrf_token": token}).status_code == 404
