"""The RAID log pages: the log sorted and filtered, forms that answer 422 naming the field, CSRF, and who may
do what (managers and the chair edit, owners their own entries, observers read, strangers get 404/403)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, csrf_token, day, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.raid import RaidFields, RaidLog


def entry_form(owner_id: int, **given: object) -> dict[str, object]:
    return {
        "kind": "risk",
        "title": "Pension strain costs",
        "description": "Early retirements",
        "owner": owner_id,
        "likelihood": "4",
        "impact": "5",
        "mitigation": "Actuarial review",
        **day("review_on", "2027-03-06"),
        **given,
    }


def test_a_manager_adds_entries_and_the_log_sorts_and_filters_them(
    app: Flask, client: FlaskClient, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    session_as(client, app, EMAILS["priya"])
    base = f"/programmes/{pid}/raid"
    token = csrf_token(client, base + "/new")
    assert client.post(base + "/new", data={"csrf_token": token, **entry_form(people["oliver"])}).status_code == 302
    low = entry_form(people["tom"], title="Accommodation lease", likelihood="1", impact="2", **day("review_on", ""))
    assert client.post(base + "/new", data={"csrf_token": token, **low}).status_code == 302
    page = text_of(client.get(base))
    assert page.index("Pension strain costs") < page.index("Accommodation lease")
    assert "20 very high" in page and "2 low" in page and "6 March 2027" in page
    by_title = text_of(client.get(base + "?sort=title"))
    assert by_title.index("Accommodation lease") < by_title.index("Pension strain costs")

    entry = re.search(r"/raid/(\d+)/close", client.get(base).get_data(as_text=True))
    assert entry
    closed = client.post(f"{base}/{entry.group(1)}/close", data={"csrf_token": token, "note": "Mitigated"})
    assert closed.status_code == 302
    assert "Accommodation lease" in text_of(client.get(base))
    assert "Pension strain costs" not in text_of(client.get(base))
    assert "Closed on" in text_of(client.get(base + "?status=closed"))
    assert client.post(f"{base}/{entry.group(1)}/reopen", data={"csrf_token": token}).status_code == 302
    assert "Pension strain costs" in text_of(client.get(base))
    assert client.get(base + "?status=shut").status_code == 422


def test_bad_input_comes_back_422_with_the_field_named(
    app: Flask, client: FlaskClient, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    session_as(client, app, EMAILS["priya"])
    token = csrf_token(client, f"/programmes/{pid}/raid/new")
    for given, message in [
        ({"likelihood": "9"}, "Likelihood"),
        ({"title": ""}, "Enter a title"),
        ({"owner": "999999"}, "is not on programme"),
        ({**day("review_on", "2300-01-01")}, "Review date"),
        ({"kind": ""}, "Select the kind"),
    ]:
        answer = client.post(
            f"/programmes/{pid}/raid/new", data={"csrf_token": token, **entry_form(people["tom"], **given)}
        )
        assert answer.status_code == 422, given
        assert message in text_of(answer) and "There is a problem" in text_of(answer)
    without_token = client.post(f"/programmes/{pid}/raid/new", data=entry_form(people["tom"]))
    assert without_token.status_code in (400, 422)


def test_owners_edit_their_own_observers_read_strangers_are_refused(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    pid = sample.id
    raid = RaidLog(programmes.db, programmes.registry, programmes.clock)
    mine = raid.add(pid, RaidFields("risk", "Tom's risk", people["tom"], 3, 3))
    other = raid.add(pid, RaidFields("issue", "Aisha's issue", people["aisha"], 2, 2))
    base = f"/programmes/{pid}/raid"

    session_as(client, app, EMAILS["tom"])
    token = csrf_token(client, base)
    assert client.get(f"{base}/{mine.id}/edit").status_code == 200
    edited = client.post(
        f"{base}/{mine.id}/edit", data={"csrf_token": token, **entry_form(people["tom"], title="Tom's risk, rated")}
    )
    assert edited.status_code == 302
    assert client.get(f"{base}/{other.id}/edit").status_code == 403
    assert client.post(f"{base}/{other.id}/close", data={"csrf_token": token, "note": "x"}).status_code == 403
    assert client.get(f"{base}/new").status_code == 403
    assert client.get(f"{base}/{other.id + 1000}/edit").status_code == 404

    session_as(client, app, EMAILS["sam"])  # an observer
    assert "Tom's risk, rated" in text_of(client.get(base))
    assert "Edit" not in text_of(client.get(base))
    token = csrf_token(client, base)
    assert client.post(f"{base}/new", data={"csrf_token": token, **entry_form(people["tom"])}).status_code == 403
    assert raid.entry(pid, other.id).title == "Aisha's issue"


def test_a_person_not_on_the_programme_gets_404_or_403(
    app: Flask, client: FlaskClient, accounts, sample: ProgrammeView, clock
) -> None:
    accounts.add_person("Olga Outsider", "olga@elsewhere.example", clock())
    session_as(client, app, "olga@elsewhere.example")
    answer = client.get(f"/programmes/{sample.id}/raid")
    assert answer.status_code == 403
    assert client.get("/programmes/99999/raid").status_code == 404
