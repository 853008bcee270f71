"""The partnership's records and money in the programme's log: their events keep facts and only what a person
typed as the reason (never a sentence of banns' own, which could only be English), and the history page says
each one from its facts in the reader's language (issue 14)."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from web_support import EMAILS, session_as, text_of

from workflow.engine.errors import NotAllowedError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.money.entry import MoneyEntry
from workflow.money.prenup import WithdrawalTerm
from workflow.money.sharing import Basis, BasisKind
from workflow.records.decisions import DecisionInput, Decisions
from workflow.records.declarations import Declarations
from workflow.records.raid import RaidFields, RaidLog
from workflow.records.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
MONEY = ROOT / "examples" / "northbridge-southmoor-money.yaml"
NB, SM, EV = "Northbridge District Council", "Southmoor District Council", "Eastvale Borough Council"
#: what the people typed as their reasons, notes and comments: the only text an event's reason may hold
TYPED = {"", "Savings need a restructure", "Shared with the county", "Mitigated by a pilot", "Referred by scrutiny"}
TYPED |= {"Upheld at committee", "On track", "Legal advice"}
CONVERTED = {
    "declaration_made",
    "declaration_revised",
    "nothing_declared",
    "declaration_accepted",
    "declaration_objected",
    "objection_withdrawn",
    "decision_recorded",
    "call_in_recorded",
    "call_in_resolved",
    "pre_election_period_set",
    "scope_service_added",
    "scope_service_removed",
    "scope_local_added",
    "scope_local_removed",
    "raid_added",
    "raid_changed",
    "raid_closed",
    "raid_reopened",
    "figures_changed",
    "cost_recorded",
    "actual_recorded",
    "confidence_recorded",
}


def pid_of(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def the_conversation(programmes: Programmes, pid: int, view: ProgrammeView) -> None:
    register = Declarations(programmes.db, programmes.registry, programmes.clock)
    tom, aisha, gareth = (programmes.actor(EMAILS[n]) for n in ("tom", "aisha", "gareth"))
    red = register.declare(pid, pid_of(view, "North"), "red_line", "no job losses", "A cabinet promise", tom)
    register.revise(pid, red, "red_line", "no job losses in year one", "A cabinet promise", tom)
    register.answer(pid, red, pid_of(view, "South"), "accepted", "", aisha)
    register.answer(pid, red, pid_of(view, "East"), "objected", "Savings need a restructure", gareth)
    register.withdraw_objection(pid, red, pid_of(view, "East"), gareth)
    scope = Scope(programmes.db, programmes.registry, programmes.clock)
    priya = programmes.actor(EMAILS["priya"])
    service = scope.add_service(pid, "Revenues and benefits", "", priya)
    scope.remove_service(pid, service, priya)
    local = scope.keep_local(pid, pid_of(view, "East"), "Legal services", "Shared with the county", priya)
    scope.remove_local(pid, local, priya)


def to_outline_case(programmes: Programmes, pid: int, people: dict[str, int]) -> ProgrammeView:
    entry = MoneyEntry(programmes.db, programmes.registry, programmes.clock)
    entry.import_figures(pid, MONEY.read_text(encoding="utf-8"), "money.yaml")
    view = programmes.get(pid)
    while view.state != "outline_case":
        for criterion in programmes.registry.latest("shared-service").gates[view.state].criteria:
            if not criterion.figures:
                programmes.record_evidence(pid, criterion.id, f"{criterion.title}: done")
        programmes.request_sign_off(pid)
        for person in people.values():
            with contextlib.suppress(NotAllowedError):
                programmes.sign(pid, person, "approve")
        view = programmes.advance(pid)
    return view


def the_decisions(programmes: Programmes, view: ProgrammeView) -> None:
    decisions = Decisions(programmes.db, programmes.registry, programmes.clock)
    north = pid_of(view, "North")
    decided = DecisionInput(north, "cabinet", date(2027, 1, 4), True, date(2026, 12, 1), "Minute 12", "approved")
    decision = decisions.record(view.id, decided)
    call = decisions.call_in(view.id, decision, date(2027, 1, 4), "Referred by scrutiny")
    decisions.resolve_call_in(view.id, call, "decision_stands", date(2027, 1, 4), "Upheld at committee")
    decisions.set_pre_election(view.id, north, date(2027, 3, 29), date(2027, 5, 6))


def the_money(programmes: Programmes, pid: int) -> None:
    entry = MoneyEntry(programmes.db, programmes.registry, programmes.clock)
    priya = programmes.actor(EMAILS["priya"])
    entry.set_investment(pid, 2027, "it", D("950000.00"), actor=priya)
    entry.set_saving(pid, 2028, "legal", D("0"), actor=priya)
    entry.set_baseline(pid, NB, "legal", D("250000.00"), actor=priya)
    entry.set_basis(pid, Basis(BasisKind.POPULATION), actor=priya)
    entry.retrue(pid, actor=priya)
    entry.set_terms(pid, 12, 60, date(2027, 1, 4), "pro_rata", {}, priya)
    entry.set_term(pid, WithdrawalTerm("outline_case", D("25000.00")), priya)
    entry.record_cost(pid, date(2027, 1, 4), "it", D("1200.00"), "Legal advice", priya)
    entry.record_actual(pid, 2027, "revenues and benefits", D("132500.00"), priya)
    entry.record_confidence(pid, "2026-27 Q4", "Amber", "On track", actor=priya)


def the_raid(programmes: Programmes, pid: int, people: dict[str, int]) -> None:
    raid = RaidLog(programmes.db, programmes.registry, programmes.clock)
    given = RaidFields("risk", "Data migration slips", people["priya"], 3, 4)
    added = raid.add(pid, given)
    raid.edit(pid, added.id, RaidFields("risk", "Data migration slips", people["priya"], 2, 4))
    raid.close(pid, added.id, "Mitigated by a pilot")
    raid.reopen(pid, added.id)


def test_records_and_money_log_facts_and_the_history_says_them(
    app: Flask,
    client: FlaskClient,
    programmes: Programmes,
    honest: ProgrammeView,
) -> None:
    pid = honest.id
    people = {r.person_name.split()[0].lower(): r.person_id for r in honest.roles}
    the_conversation(programmes, pid, honest)
    view = to_outline_case(programmes, pid, people)
    the_decisions(programmes, view)
    the_money(programmes, pid)
    the_raid(programmes, pid, people)

    events = [e for e in programmes.history(pid) if e.kind in CONVERTED]
    assert {e.kind for e in events} == CONVERTED  # every use case was walked
    assert {e.reason for e in events} <= TYPED, "no sentence of banns' own: only what a person typed"
    objected = next(e for e in events if e.kind == "declaration_objected")
    assert objected.reason == "Savings need a restructure"

    session_as(client, app, EMAILS["priya"])
    page = text_of(client.get(f"/programmes/{pid}/audit"))
    for line in (
        f"{NB} declared a red line 'no job losses'",
        f"{NB} revised its declaration to a red line 'no job losses in year one'; every other partner is asked again",
        f"{SM} declared it has no preconditions, red lines or non-negotiables",
        f"{SM} accepted {NB}'s red line 'no job losses in year one'",
        f"{EV} objected to {NB}'s red line 'no job losses in year one' Savings need a restructure",
        f"{EV} withdrew its objection to {NB}'s red line 'no job losses in year one'",
        "Brought Revenues and benefits into the shared scope",
        "Took Revenues and benefits out of the shared scope",
        f"{EV} keeps Legal services local Shared with the county",
        f"{EV} no longer keeps Legal services local",
        f"Cabinet of {NB} approved at its meeting on 4 January 2027",
        f"Cabinet decision of {NB} (meeting on 4 January 2027) called in on 4 January 2027 Referred by scrutiny",
        f"Call-in of the Cabinet decision of {NB} resolved: the decision stands Upheld at committee",
        f"Pre-election period of {NB} from 29 March 2027 to polling day 6 May 2027",
        "Imported the money figures from money.yaml",
        "Set the IT investment (one-off) in 2027-28 to £950,000.00",
        "Removed the planned savings of legal in 2028-29",
        f"Set the baseline of {NB} for legal to £250,000.00",
        "Agreed how the programme's costs are shared: population ratio",
        "Re-trued the shares of the programme's costs",
        "Set the pre-nuptial terms: 12 months' notice, a minimum term of 60 months",
        "Set the withdrawal term from Outline business case",
        "Recorded £1,200.00 spent on IT on 4 January 2027 Legal advice",
        "Recorded actual savings of £132,500.00 for revenues and benefits in 2027-28",
        "Recorded delivery confidence for 2026-27 Q4: Amber On track",
        "Added Risk 1, “Data migration slips” to the RAID log",
        "Changed Risk 1, “Data migration slips” in the RAID log",
        "Closed Risk 1, “Data migration slips” in the RAID log Mitigated by a pilot",
        "Reopened Risk 1, “Data migration slips” in the RAID log",
    ):
        assert line in page, line


def test_a_withdrawal_with_no_liability_computed_says_why_in_the_reader_s_language(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    programmes.withdraw(sample.id, pid_of(sample, "East"), "Cabinet decided to stay alone")
    session_as(client, app, EMAILS["priya"])
    english = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert f"{EV} withdrew; no liability was computed: " in english
    assert client.get(f"/language/cy?next=/programmes/{sample.id}/audit").status_code == 302
    welsh = text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert f"Tynnodd {EV} yn ôl; ni chyfrifwyd unrhyw atebolrwydd: " in welsh
    assert "no liability" not in welsh and "pre-nuptial agreement" not in welsh
