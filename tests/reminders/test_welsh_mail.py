"""Each person's emails come in the language they chose for banns' pages: a signatory who chose Welsh gets the
request and the reminders in Welsh, with Welsh dates, through a real SMTP server; everyone else in English."""

from __future__ import annotations

from datetime import date
from typing import Any

from reminders_support import SmtpServer, evidence_all, run_days

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, relay


def test_a_person_who_chose_welsh_gets_their_emails_in_welsh(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    Accounts(db).set_language(who["aisha"], "cy", clock(), actor=SYSTEM)
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)  # Monday 4 January 2027
    relay(db, smtp.transport(), clock(), config=relay_config)

    [asked] = smtp.inbox.to("aisha.khan")
    assert str(asked["Subject"]).startswith("Gofynnir am eich cymeradwyaeth: ")
    text = asked.get_body(("plain",)).get_content()
    assert text.startswith("Annwyl Aisha Khan,") and "Agorwch y ddolen" in text and "Dear" not in text
    html = asked.get_body(("html",)).get_content()
    assert '<html lang="cy">' in html and "Adolygu a phenderfynu</a>" in html
    [english] = smtp.inbox.to("tom.hardy")
    assert str(english["Subject"]).startswith("Your sign-off is requested: ")

    received = run_days(db, clock, smtp, relay_config, date(2027, 1, 13))
    assert [s for _, s in received["aisha"]] == [
        f"Nodyn atgoffa: mae eich cymeradwyaeth yn cael ei disgwyl: {northbridge.name}, Carwriaeth"
    ]
    reminder = smtp.inbox.to("aisha.khan")[-1].get_body(("plain",)).get_content()
    assert "Dydd Llun 04 Ionawr 2027" in reminder, "the date in Welsh"
    assert next(s for _, s in received["tom"]).startswith("Reminder: your sign-off is awaited")
