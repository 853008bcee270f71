"""No forged sign-off links: text a person typed (a name, a programme's name, a reason) that looks like a
link placeholder stays text, and an email only ever carries its own addressee's link. The worst case is
assumed throughout: whoever types the placeholder knows the nonce of someone else's live token."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from reminders_support import BASE_URL, SmtpServer, evidence_all, start_scheduler, stop, wait_for
from sqlalchemy import func, select, update

from workflow.engine.db import Database
from workflow.engine.models import Person, SignOff
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.messages import PLACEHOLDER
from workflow.reminders.models import PENDING, SENDING, SENT, OutboxMessage, SignOffToken
from workflow.reminders.outbox import queue_invitation
from workflow.reminders.scan import scan
from workflow.reminders.tokens import TokenError, check_token
from workflow.settings import Settings

URL = re.compile(r"https?://[^\s\"'<>]+")
#: Friday 22 January 2027: the second reminder to sign, and the escalation, are due
ESCALATION_DAY = datetime(2027, 1, 22, 10, 0, tzinfo=UTC)


def token_of(db: Database, person_id: int) -> SignOffToken:
    with db.read() as session:
        token = session.scalars(select(SignOffToken).where(SignOffToken.person_id == person_id)).one()
        session.expunge(token)
        return token


def placeholder(nonce: str) -> str:
    return "{{sign_link:" + nonce + "}}"


def rename(db: Database, person_id: int, name: str) -> None:
    """Name a person as they (or an admin) could on an account page."""
    with db.write() as session:
        session.execute(update(Person).where(Person.id == person_id).values(name=name))


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return text, message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def sign_tokens(message: EmailMessage) -> set[str]:
    """The tokens of every sign-off link in the message, from both parts (HTML entities decoded)."""
    text, markup = parts(message)
    found = set()
    for link in URL.findall(text) + URL.findall(html.unescape(markup)):
        url = urlsplit(link)
        if url.path == "/sign":
            found.update(parse_qs(url.query).get("t", []))
        elif url.path.startswith("/sign-off/"):
            found.add(url.path.rsplit("/", 1)[1])
    return found


def addressee(db: Database, message: EmailMessage) -> int:
    email = str(message["To"]).rsplit("<", 1)[1].rstrip(">")
    with db.read() as session:
        person_id = session.scalar(select(Person.id).where(Person.email == email))
    assert person_id is not None
    return person_id


def resolved_links(db: Database, messages: list[EmailMessage], now: datetime, settings: Settings) -> dict[int, Any]:
    """Try every sign-off link of every message as its holder would, not signed in: addressee -> the person
    id each usable link decides for, per message."""
    found: dict[int, list[list[int]]] = defaultdict(list)
    for message in messages:
        usable = []
        for token in sign_tokens(message):
            try:
                usable.append(check_token(db, token, now, settings=settings).person_id)
            except TokenError:
                continue
        found[addressee(db, message)].append(usable)
    return found


def lenient(settings: Settings) -> Settings:
    """The settings with links valid for 60 days, so the first request's links still resolve at escalation."""
    values = {**settings.values, "TOKEN_MAX_AGE_DAYS": "60"}
    return Settings(settings.instance, settings.database_url, settings.definitions_dir, settings.secret_key, values)


def relay_with_the_scheduler(tmp_path: Path, database_url: str, db: Database, smtp: SmtpServer) -> None:
    """Start the real scheduler process and let it relay every due message to the SMTP server."""

    def all_sent() -> bool:
        with db.read() as session:
            waiting = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_([PENDING, SENDING]))
            )
            sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT))
        return waiting == 0 and sent == len(smtp.inbox.messages)

    scheduler = start_scheduler(tmp_path, database_url, smtp.port)
    try:
        wait_for(all_sent, 60, "the scheduler to relay every message")
    finally:
        stop(scheduler, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("named", ["person", "programme"])
def test_text_typed_as_a_placeholder_never_becomes_someone_elses_link(
    named: str,
    tmp_path: Path,
    database_url: str,
    db: Database,
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    clock: Any,
    smtp: SmtpServer,
    settings: Settings,
) -> None:
    pid = northbridge.id
    evidence_all(engine, pid)
    engine.request_sign_off(pid)  # Monday 4 January 2027: Tom, Aisha and Gareth are asked, each with a link
    toms = token_of(db, who["tom"])
    forged = placeholder(toms.nonce)
    if named == "person":
        rename(db, who["aisha"], f"Aisha {forged} Khan")  # named in the escalation to Priya and Helen
        rename(db, who["sam"], forged)  # the observer, greeted by it in an invitation
        with db.write() as session:
            sam = session.get(Person, who["sam"])
            assert sam is not None
            queue_invitation(session, sam, f"{BASE_URL}/invitation/abc", clock(), inviter=f"Priya {forged}")
    else:
        view = engine.get(pid)
        engine.edit(pid, name=f"Northbridge {forged} shared services", description=view.description, plan={})
    clock.now = ESCALATION_DAY
    scan(db, clock())

    relay_with_the_scheduler(tmp_path, database_url, db, smtp)

    received = smtp.inbox.messages
    assert len(received) >= 8, [str(m["Subject"]) for m in received]
    links = resolved_links(db, received, clock(), lenient(settings))
    for person_id, per_message in links.items():
        for usable in per_message:
            assert set(usable) <= {person_id}, f"an email to person {person_id} carries a link for {usable}"
    for signatory in ("tom", "aisha", "gareth"):  # each request and reminder: the addressee's own link, working
        assert links[who[signatory]] == [[who[signatory]]] * 2
    assert all(usable == [] for name in ("priya", "helen") for usable in links[who[name]])
    for message in received:
        text, markup = parts(message)
        assert not PLACEHOLDER.search(text) and not PLACEHOLDER.search(markup)  # typed text shown, inert
    if named == "person":
        [invitation] = smtp.inbox.to("sam.ellis")
        assert toms.nonce in parts(invitation)[0]  # the name arrives as the text it is
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SignOff).where(SignOff.programme_id == pid)) == 0
        assert session.scalar(select(SignOffToken.used_at).where(SignOffToken.id == toms.id)) is None


def test_nonces_are_random_and_each_token_is_written_or_skipped_with_its_message(
    engine: Programmes, northbridge: ProgrammeView, db: Database, clock: Any
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    clock.now = ESCALATION_DAY
    scan(db, clock())
    scan(db, clock())  # the same reminders again: nothing new, neither message nor token
    with db.read() as session:
        tokens = session.scalars(select(SignOffToken)).all()
        keys = dict(session.execute(select(OutboxMessage.key, OutboxMessage.person_id)).all())
        bodies = dict(session.execute(select(OutboxMessage.key, OutboxMessage.body_text)).all())
        session.expunge_all()  # keep the loaded values after the read transaction ends
    assert len(tokens) == 6  # three requests and three reminders, each with one token
    assert len({t.nonce for t in tokens}) == 6 and all(len(t.nonce) >= 32 for t in tokens)
    for token in tokens:
        assert token.outbox_key is not None and keys[token.outbox_key] == token.person_id
        assert PLACEHOLDER.findall(bodies[token.outbox_key]) == [token.nonce]
        assert token.outbox_key not in token.nonce and not token.nonce.isdigit()


def test_a_placeholder_in_a_stored_body_is_filled_only_with_that_messages_own_link(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    who: dict[str, int],
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
    settings: Settings,
) -> None:
    """Even a body written before templates, holding someone else's placeholder, cannot carry their link."""
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    toms = token_of(db, who["tom"])
    with db.write() as session:
        aishas = session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == who["aisha"])).one()
        aishas.body_text += f"\nAlso: {placeholder(toms.nonce)}\n"
        aishas.body_html += f'<p><a href="{placeholder(toms.nonce)}">Tom</a></p>'
        # and Gareth's message is bound to his token, which now (wrongly) names someone else
        garet = session.scalars(select(SignOffToken).where(SignOffToken.person_id == who["gareth"])).one()
        garet.person_id = who["helen"]
    assert relay(db, smtp.transport(), clock(), config=relay_config).sent == 3
    links = resolved_links(db, smtp.inbox.messages, clock(), settings)
    assert links[who["aisha"]] == [[who["aisha"]]]
    assert links[who["tom"]] == [[who["tom"]]]
    assert links[who["gareth"]] == [[]]  # no link at all rather than one for someone else
    [aisha] = smtp.inbox.to("aisha.khan")
    assert placeholder(toms.nonce) in parts(aisha)[0]  # left as inert text


def test_typed_text_is_escaped_and_kept_apart_in_both_parts(
    engine: Programmes, northbridge: ProgrammeView, db: Database, who: dict[str, int]
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    engine.sign(northbridge.id, who["aisha"], "reject", 'Costs <b>not</b> agreed {{sign_link:x}} {% raw %} "quoted"')
    with db.read() as session:
        text, markup = session.execute(
            select(OutboxMessage.body_text, OutboxMessage.body_html).where(OutboxMessage.kind == "signed")
        ).one()
    assert "Costs <b>not</b> agreed {\u200b{\u200bsign_link:x\u200b}\u200b} {\u200b% raw %\u200b}" in text
    assert "Costs &lt;b&gt;not&lt;/b&gt; agreed &#123;&#123;sign_link:x&#125;&#125;" in markup
    assert "&#34;quoted&#34;" in markup
    assert not PLACEHOLDER.search(text) and not PLACEHOLDER.search(markup)
