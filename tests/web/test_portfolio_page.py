"""The portfolio page: what a person sees across their programmes. A dashboard (counts by stage and by
delivery confidence, overdue stages, sign-offs waiting longest, gates coming up), a search by programme,
partner or person, filters that say how many programmes they hide, and pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from web_support import ADMIN_EMAIL, COURTSHIP, EMAILS, session_as, start_programme, text_of

from bench.portfolio import add_programmes
from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.models import Programme
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.service import Finances
from workflow.records.decision_models import PartnerDecision

OTHER = "Westshire and Dale shared services"


def section(page: str, heading: str, until: str) -> str:
    """The page's text from a heading to the next one (``until``)."""
    start = page.index(heading)
    return page[start : page.index(until, start + len(heading))]


def ask_for_sign_off(programmes: Programmes, pid: int) -> None:
    for criterion in COURTSHIP:
        programmes.record_evidence(pid, criterion, "done")
    programmes.request_sign_off(pid)


def as_admin(app: Flask, client: FlaskClient, accounts: Accounts, clock: Any) -> None:
    accounts.add_person("Ada Admin", ADMIN_EMAIL, clock(), is_admin=True)
    session_as(client, app, ADMIN_EMAIL)


def test_the_portfolio_shows_the_latest_delivery_confidence(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    finances = Finances(programmes.db, programmes.registry, programmes.clock)
    session_as(client, app, EMAILS["priya"])
    programmes_table = section(text_of(client.get("/programmes")), "1 programme Programme", "Cookies")
    assert "Not assessed" in programmes_table
    finances.record_confidence(sample.id, "2026-27 Q3", "Amber", "Costs not yet agreed")
    finances.record_confidence(sample.id, "2026-27 Q4", "Amber/Green", "Costs agreed in principle")
    programmes_table = section(text_of(client.get("/programmes")), "1 programme Programme", "Cookies")
    assert "Amber/Green" in programmes_table and "Not assessed" not in programmes_table


def test_the_dashboard_counts_programmes_by_stage_and_by_delivery_confidence_and_each_count_filters(
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    sample: ProgrammeView,
    accounts: Accounts,
    clock: Any,
) -> None:
    other = start_programme(programmes, OTHER)
    third = start_programme(programmes, "Northmoor pilot", ("Nia Third", "nia.third@westshire.example"))
    programmes.end(third.id, "abandon", "No appetite")
    Finances(programmes.db, programmes.registry, programmes.clock).record_confidence(
        sample.id, "2026-27 Q4", "Amber", "Costs not yet agreed"
    )
    as_admin(app, client, accounts, clock)
    page = text_of(client.get("/programmes"))
    stages = section(page, "By stage", "Delivery confidence")
    assert "Courtship 2 programmes at Courtship" in stages and "Abandoned" not in stages
    ratings = section(page, "Delivery confidence", "Overdue stages")
    assert "Amber 1 programme rated Amber" in ratings and "Not assessed 1 programme rated Not assessed" in ratings
    assert "1 programme hidden by filters — show all" in page

    amber = text_of(client.get("/programmes?confidence=Amber"))
    assert sample.name in amber and other.name not in amber
    assert "2 programmes hidden by filters" in amber
    unrated = text_of(client.get("/programmes?confidence=none"))
    assert other.name in unrated and sample.name not in unrated
    everything = text_of(client.get("/programmes?status=all"))
    assert "Abandoned 1 programme at Abandoned" in everything and "hidden by filters" not in everything


def test_overdue_stages_and_gates_coming_up_are_listed_with_their_dates(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    other = start_programme(programmes, OTHER)
    # the clock reads 4 January 2027: the sample's courtship was due a month ago, the other's ends in a week
    programmes.edit(
        sample.id,
        name=sample.name,
        description=sample.description,
        plan={"courtship": (date(2026, 10, 1), date(2026, 12, 4))},
    )
    programmes.edit(other.id, name=other.name, description="", plan={"courtship": (None, date(2027, 1, 11))})
    as_admin(app, client, accounts, clock)
    page = text_of(client.get("/programmes"))
    overdue = section(page, "Overdue stages", "Sign-offs waiting longest")
    assert f"{sample.name} Courtship 4 December 2026 31 Sign-off not requested" in overdue
    assert other.name not in overdue
    coming = section(page, "Gate decisions coming up", "2 programmes")
    assert f"{other.name} Courtship 11 January 2027 Sign-off not requested" in coming
    assert sample.name not in coming


def test_the_sign_offs_waiting_longest_come_first_with_the_approvals_so_far(
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    sample: ProgrammeView,
    people: dict[str, int],
    accounts: Accounts,
    clock: Any,
) -> None:
    other = start_programme(programmes, OTHER)
    ask_for_sign_off(programmes, other.id)
    clock.advance(days=3)
    ask_for_sign_off(programmes, sample.id)
    programmes.sign(sample.id, people["tom"], "approve", role="signatory")
    clock.advance(days=2)
    as_admin(app, client, accounts, clock)
    waiting = section(text_of(client.get("/programmes")), "Sign-offs waiting longest", "Gate decisions coming up")
    assert re.search(
        rf"{OTHER} Courtship 4 January 2027 5 0 .*{re.escape(sample.name)} Courtship 7 January 2027 2 1", waiting
    ), waiting


def test_search_finds_programmes_by_name_partner_and_person_and_treats_wildcards_as_text(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    other = start_programme(programmes, OTHER)
    as_admin(app, client, accounts, clock)

    def found(q: str) -> set[str]:
        page = text_of(client.get("/programmes", query_string={"q": q}))
        return {
            name
            for name in (sample.name, other.name)
            if name in section(page, "Programme, partner or person", "Cookies")
        }

    assert found("westshire and") == {other.name}  # the programme's name, any case
    assert found("Northbridge District") == {sample.name}  # a partner's name
    assert found("Dale Council") == {other.name}
    assert found("AISHA") == {sample.name}  # a person's name
    assert found("owen.other@") == {other.name}  # a person's email
    assert found("%") == set() and found("_") == set()  # matched as themselves, not as wildcards
    assert found("") == {sample.name, other.name}
    partner = text_of(client.get("/programmes?partner=eastvale"))
    assert sample.name in partner and other.name not in partner and "1 programme hidden by filters" in partner


def test_a_person_sees_only_their_programmes_in_the_dashboard_and_the_search(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    other = start_programme(programmes, OTHER)
    ask_for_sign_off(programmes, other.id)
    session_as(client, app, EMAILS["tom"])
    page = text_of(client.get("/programmes?status=all"))
    assert other.name not in page and "Courtship 1 programme" in page
    assert other.name not in text_of(client.get("/programmes?q=owen"))


def test_live_programmes_show_by_default_and_ended_ones_are_hidden_with_a_hint(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    add_programmes(db, sample, 3)
    with db.write() as session:
        session.execute(update(Programme).where(Programme.name == "Programme 00002").values(state="live"))
        session.execute(update(Programme).where(Programme.name == "Programme 00003").values(state="dissolved"))
    as_admin(app, client, accounts, clock)
    page = text_of(client.get("/programmes"))
    assert "Programme 00002" in page and "Live 1 programme at Live" in page
    assert "Programme 00003" not in page and "1 programme hidden by filters — show all" in page
    body = client.get("/programmes").get_data(as_text=True)
    assert re.search(r'href="/programmes\?status=all">show all</a>', body)
    live = text_of(client.get("/programmes?status=live"))
    assert "Programme 00002" in live and "Programme 00004" not in live and "3 programmes hidden by filters" in live
    ended = text_of(client.get("/programmes?status=ended"))
    assert "Programme 00003" in ended and "Programme 00002" not in ended


def test_the_portfolio_comes_a_page_at_a_time_and_keeps_the_filters_on_each_page(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, accounts: Accounts, clock: Any
) -> None:
    add_programmes(db, sample, 30)
    as_admin(app, client, accounts, clock)
    first = client.get("/programmes?q=programme&sort=name").get_data(as_text=True)
    assert "30 programmes" in text_of(client.get("/programmes?q=programme&sort=name"))
    assert 'aria-label="Page 2 of 2"' in first and 'aria-current="page"' in first
    assert re.search(r'href="/programmes\?q=programme&amp;sort=name&amp;page=2" rel="next"', first)

    def listed(path: str) -> str:
        return section(text_of(client.get(path)), "30 programmes Programme Stage", "Cookies")

    second = listed("/programmes?q=programme&sort=name&page=2")
    assert "Programme 00031" in second and "Programme 00002" not in second
    assert "Programme 00031" not in listed("/programmes?q=programme&sort=name")
    assert "Programme 00031" in listed("/programmes?q=programme&page=99")  # past the last page: the last page


def test_partners_decisions_planned_in_the_weeks_ahead_are_on_the_dashboard(
    app: Flask, client: FlaskClient, db: Database, sample: ProgrammeView, clock: Any
) -> None:
    """The rows as the decisions page records them (only the read side is under test here)."""
    today = clock().date()
    soon, later = today + timedelta(days=10), today + timedelta(days=90)
    by_name = {p.name: p.id for p in sample.partners}
    with db.write() as session:
        for partner, day in (("Southmoor District Council", soon), ("Eastvale Borough Council", later)):
            session.add(
                PartnerDecision(
                    programme_id=sample.id,
                    partner_id=by_name[partner],
                    stage=sample.state,
                    stage_visit=1,
                    body="cabinet",
                    meeting_on=day,
                    call_in_days=5,
                    recorded_at=clock(),
                )
            )
    session_as(client, app, EMAILS["priya"])
    coming = section(text_of(client.get("/programmes")), "Partners' decisions coming up", "1 programme")
    assert f"{sample.name} Southmoor District Council Cabinet {soon.day} {soon:%B %Y}" in coming
    assert "Eastvale Borough Council" not in coming
