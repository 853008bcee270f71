"""Who may do what, checked on the server: every role against every page and every action, by direct requests
that skip the UI (a valid CSRF token and the programme's current version, but no button to press).

The programme is at the honest conversation gate with sign-off requested, so that signatories and steering
members are asked to decide, and the manager's moves have something to act on. Deny by default: a cell is
403 unless the table says otherwise, and a refused action leaves the programme exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import (
    ADMIN_EMAIL,
    EMAILS,
    csrf_token,
    programme_yaml,
    session_as,
    start_programme,
)

from workflow.accounts.service import Accounts
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

ROLES = ("admin", "manager", "signatory", "steering", "observer", "outsider", "other_sig", "anonymous")

# Expected status of each action for each role. 200: the page; 302: the action was done (redirect after POST);
# 409: the action was allowed, reached the engine and was refused by the lifecycle's rules (not by permissions);
# 403: refused; anonymous visitors are sent to sign in (GET 302) or refused (POST 401).
#   manager: Priya (programme manager); signatory: Tom (signatory + steering member of Northbridge);
#   steering: Helen (chair + steering member, not a signatory); observer: Sam; outsider: a person with no
#   role anywhere; other_sig: the signatory of another programme, acting on this one.
MATRIX = """
action              admin manager signatory steering observer outsider other_sig anonymous
my_work              200   200     200       200      200      200      200      302
portfolio            200   200     200       200      200      200      200      302
definitions          200   200     200       200      200      200      200      302
definition           200   200     200       200      200      200      200      302
new_page             200   200     403       403      403      403      403      302
import_page          200   200     403       403      403      403      403      302
programme            200   200     200       200      200      403      403      302
people_page          200   200     200       200      200      403      403      302
audit                200   200     200       200      200      403      403      302
audit_csv            200   200     200       200      200      403      403      302
gate                 200   200     200       200      200      403      403      302
manage               200   200     403       403      403      403      403      302
edit_page            200   200     403       403      403      403      403      302
account              200   200     200       200      200      200      200      302
sent_mail            200   403     403       403      403      403      403      302
admin_people         200   403     403       403      403      403      403      302
create               302   302     403       403      403      403      403      401
import               302   302     403       403      403      403      403      401
add_person           302   302     403       403      403      403      403      401
evidence             302   302     403       403      403      403      403      401
request              302   302     403       403      403      403      403      401
waiver               409   409     403       403      403      403      403      401
sign                 403   403     302       302      403      403      403      401
advance              409   409     403       403      403      403      403      401
return               302   302     403       403      403      403      403      401
waive                409   409     403       403      403      403      403      401
withdraw             302   302     403       403      403      403      403      401
end                  302   302     403       403      403      403      403      401
admin_add_person     302   403     403       403      403      403      403      401
edit                 302   302     403       403      403      403      403      401
add_partner_page     200   200     403       403      403      403      403      302
add_partner          302   302     403       403      403      403      403      401
remove_role          302   302     403       403      403      403      403      401
"""


def _table() -> dict[tuple[str, str], int]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert tuple(header) == ROLES
    return {(row[0], role): int(code) for row in rows for role, code in zip(header, row[1:], strict=True)}


EXPECTED = _table()


@dataclass(frozen=True)
class Context:
    pid: int
    version: int
    eastvale: int
    observer: int  # Sam's person id, whose observer role the remove action takes away


@dataclass(frozen=True)
class Action:
    method: str
    path: str
    data: Callable[[Context], dict[str, Any]] | None = None
    #: whether the action changes programme A when it succeeds (so a 302 must raise its version)
    changes_programme: bool = False


def _new_programme(_: Context) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "Created in the matrix", "definition": "shared-service", "description": ""}
    for i, name in enumerate(("Upton Council", "Downton Council")):
        data |= {
            f"partners-{i}-name": name,
            f"partners-{i}-kind": "district_council",
            f"partners-{i}-nation": "england",
            f"partners-{i}-population": "1000",
            f"partners-{i}-net_budget": "1000.00",
        }
    return data


ACTIONS: dict[str, Action] = {
    "my_work": Action("GET", "/"),
    "portfolio": Action("GET", "/programmes"),
    "definitions": Action("GET", "/definitions"),
    "definition": Action("GET", "/definitions/shared-service"),
    "new_page": Action("GET", "/programmes/new"),
    "import_page": Action("GET", "/programmes/import"),
    "programme": Action("GET", "/programmes/{pid}"),
    "people_page": Action("GET", "/programmes/{pid}/people"),
    "audit": Action("GET", "/programmes/{pid}/audit"),
    "audit_csv": Action("GET", "/programmes/{pid}/audit?format=csv"),
    "gate": Action("GET", "/programmes/{pid}/gate"),
    "manage": Action("GET", "/programmes/{pid}/manage"),
    "admin_people": Action("GET", "/admin/people"),
    "create": Action("POST", "/programmes/new", _new_programme),
    "import": Action("POST", "/programmes/import", lambda c: {"source": programme_yaml("Imported in the matrix")}),
    "add_person": Action(
        "POST",
        "/programmes/{pid}/people",
        lambda c: {"name": "Nia New", "email": "nia.new@eastvale.example", "role": "observer", "partner": ""},
        True,
    ),
    "evidence": Action(
        "POST",
        "/programmes/{pid}/gate/evidence",
        lambda c: {"version": c.version, "criterion": "strategic_outline_case", "summary": "SOC v1 agreed", "link": ""},
        True,
    ),
    "request": Action("POST", "/programmes/{pid}/gate/request", lambda c: {"version": c.version, "note": ""}, True),
    "waiver": Action("POST", "/programmes/{pid}/gate/waiver", lambda c: {"version": c.version, "note": "why"}, True),
    "sign": Action(
        "POST",
        "/programmes/{pid}/gate/sign",
        lambda c: {"version": c.version, "decision": "approve", "comment": ""},
        True,
    ),
    "advance": Action("POST", "/programmes/{pid}/advance", lambda c: {"version": c.version}, True),
    "return": Action(
        "POST",
        "/programmes/{pid}/return",
        lambda c: {
            "version": c.version,
            "stage": "courtship",
            "reason": "the vision needs redrafting",
            "confirmed": "yes",
        },
        True,
    ),
    "waive": Action(
        "POST",
        "/programmes/{pid}/waive",
        lambda c: {"version": c.version, "reason": "agreed", "confirmed": "yes"},
        True,
    ),
    "withdraw": Action(
        "POST",
        "/programmes/{pid}/withdraw",
        lambda c: {"version": c.version, "partner": c.eastvale, "reason": "cabinet voted to leave", "confirmed": "yes"},
        True,
    ),
    "end": Action(
        "POST",
        "/programmes/{pid}/end",
        lambda c: {"version": c.version, "move": "abandon", "reason": "no shared vision", "confirmed": "yes"},
        True,
    ),
    "admin_add_person": Action(
        "POST", "/admin/people", lambda c: {"name": "Ravi Admin", "email": "ravi@banns.example"}
    ),
    "edit_page": Action("GET", "/programmes/{pid}/edit"),
    "add_partner_page": Action("GET", "/programmes/{pid}/partners/new"),
    "add_partner": Action(
        "POST",
        "/programmes/{pid}/partners/new",
        lambda c: {
            "version": c.version,
            "name": "Westvale Council",
            "kind": "district_council",
            "nation": "england",
            "population": "50000",
            "net_budget": "7000000",
        },
        True,
    ),
    "remove_role": Action(
        "POST",
        "/programmes/{pid}/people/remove",
        lambda c: {"version": c.version, "person_id": c.observer, "role": "observer", "partner_id": ""},
        True,
    ),
    "account": Action("GET", "/account"),
    "sent_mail": Action("GET", "/admin/mail"),
    "edit": Action(
        "POST", "/programmes/{pid}/edit", lambda c: {"version": c.version, "name": "Renamed", "description": ""}, True
    ),
}
assert {a for a, _ in EXPECTED} == set(ACTIONS), "every action has a row in the table, and only those"


def _sign_in_as(
    role: str, client: FlaskClient, app: Flask, programmes: Programmes, accounts: Accounts, now: Any
) -> None:
    """Create the role's person where needed and start their session (the anonymous visitor has none)."""
    if role == "anonymous":
        return
    email = {
        "admin": ADMIN_EMAIL,
        "manager": EMAILS["priya"],
        "signatory": EMAILS["tom"],
        "steering": EMAILS["helen"],
        "observer": EMAILS["sam"],
        "outsider": "olly.outsider@elsewhere.example",
        "other_sig": "owen.other@westshire.example",
    }[role]
    if role == "admin":
        accounts.add_person("Ada Admin", email, now, is_admin=True)
    elif role == "outsider":
        accounts.add_person("Olly Outsider", email, now)
    elif role == "other_sig":
        start_programme(programmes, "Westshire and Dale shared services")
    session_as(client, app, email)


@pytest.fixture
def programme_a(honest: ProgrammeView) -> ProgrammeView:
    return honest


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_may_or_may_not(
    action: str,
    role: str,
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    accounts: Accounts,
    programme_a: ProgrammeView,
    clock: Any,
) -> None:
    _sign_in_as(role, client, app, programmes, accounts, clock())
    spec = ACTIONS[action]
    eastvale = next(p.id for p in programme_a.partners if p.name.startswith("Eastvale"))
    sam = next(r.person_id for r in programme_a.roles if r.role == "observer")
    context = Context(programme_a.id, programmes.get(programme_a.id).version, eastvale, sam)
    path = spec.path.format(pid=programme_a.id)
    events_before = len(programmes.history(programme_a.id))

    if spec.method == "GET":
        response = client.get(path)
    else:
        assert spec.data is not None
        token = csrf_token(client, "/sign-in" if role == "anonymous" else "/")
        response = client.post(path, data={"csrf_token": token, **spec.data(context)})

    expected = EXPECTED[(action, role)]
    assert response.status_code == expected, (
        f"{role} {spec.method} {path}: expected {expected}, got {response.status_code}\n"
        + response.get_data(as_text=True)[-1500:]
    )
    after = programmes.get(programme_a.id)
    if expected == 302 and spec.method == "POST" and spec.changes_programme:
        assert after.version > context.version, "the action was done, so the programme changed"
    elif spec.method == "POST" and expected in (401, 403, 409):
        assert after.version == context.version, "a refused action changes nothing"
        assert len(programmes.history(programme_a.id)) == events_before
    if role == "anonymous" and spec.method == "GET":
        assert response.headers["Location"].startswith("/sign-in")


def test_observer_sees_no_action_forms_on_the_gate_page(
    app: Flask, client: FlaskClient, programme_a: ProgrammeView
) -> None:
    pid = programme_a.id
    forms = [
        f'action="/programmes/{pid}/advance"',
        f'action="/programmes/{pid}/gate/evidence"',
        f'action="/programmes/{pid}/gate/request"',
        f'action="/programmes/{pid}/gate/sign"',
    ]
    session_as(client, app, EMAILS["priya"])
    manager_page = client.get(f"/programmes/{pid}/gate").get_data(as_text=True)
    assert all(form in manager_page for form in forms[1:3]), "the manager has the evidence and request forms"
    assert forms[0] not in manager_page, "nothing is evidenced: an advance would be refused, so there is no button"
    assert "The programme cannot advance yet" in manager_page, "instead, the manager is told why"

    session_as(client, app, EMAILS["sam"])
    response = client.get(f"/programmes/{pid}/gate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert programme_a.name in page
    for form in forms:
        assert form not in page, f"the observer's gate page has the form {form}"
    assert "Advance to the next stage" not in page
    assert "Record evidence" not in page


@pytest.mark.parametrize("role", ["outsider", "other_sig"])
def test_portfolio_lists_only_programmes_the_person_may_see(
    role: str,
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    accounts: Accounts,
    sample: ProgrammeView,
    clock: Any,
) -> None:
    _sign_in_as(role, client, app, programmes, accounts, clock())
    page = client.get("/programmes?status=all").get_data(as_text=True)
    assert sample.name not in page
    assert f"/programmes/{sample.id}" not in page
    assert ("Westshire and Dale shared services" in page) == (role == "other_sig")


def test_portfolio_of_a_member_and_of_an_admin_lists_the_programme(
    app: Flask, client: FlaskClient, programmes: Programmes, accounts: Accounts, sample: ProgrammeView, clock: Any
) -> None:
    other = start_programme(programmes, "Westshire and Dale shared services")
    _sign_in_as("observer", client, app, programmes, accounts, clock())
    page = client.get("/programmes").get_data(as_text=True)
    assert sample.name in page and other.name not in page

    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    _sign_in_as("admin", client, app, programmes, accounts, clock())
    page = client.get("/programmes").get_data(as_text=True)
    assert sample.name in page and other.name in page
