"""The transactional outbox: emails written as rows in the same transaction as the change that causes them.

:func:`on_event` is a :data:`workflow.engine.programmes.Listener`; it turns the engine's events into messages:

- ``sign_off_requested``: each person asked who has not yet decided, with an approve-from-email link;
- ``signed`` with a rejection: the programme manager(s); every ``signed`` also uses up the signer's links;
- ``advanced``, ``waived``, ``returned``, ``ended``, ``partner_withdrew``: everyone in the programme.

Every row has a unique ``key`` naming its occurrence and is written with insert-if-absent (``ON CONFLICT DO
NOTHING`` on SQLite and PostgreSQL alike), so writing the same occurrence twice sends it once. A person who
chose a digest gets rows ``held`` for it instead of ``pending``.

A message with a sign-off link gets a token row with a new random nonce, bound to the message by its key
(``outbox_key``, unique too, so the two rows are written or skipped together); the body holds the nonce's
placeholder, filled by the relay from that token only. The words come from the templates (:mod:`.messages`):
handlers here hand over facts, never text to be trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.engine import gates
from workflow.engine.definitions import Definition
from workflow.engine.models import Delegation, Event, Person, Programme, SignOff

from . import tokens
from .duties import Deputy, Facts, Holder, asked, holder, uk_date
from .inserts import insert_as_preferred, insert_if_absent
from .language import language_of
from .messages import Mail, Rendered, message_id_local, one_line, render, render_each, sign_placeholder
from .models import PENDING, OutboxMessage, SignOffToken


def message_row(
    key: str,
    kind: str,
    programme_id: int | None,
    person: Holder,
    mail: Mail,
    now: datetime,
    status: str = PENDING,
    words: Rendered | None = None,
) -> dict[str, Any]:
    """A row for the outbox table, rendered now from the mail's template (unless ``words`` were). Names go
    into headers on one line, so a name typed with a line break cannot make the message unsendable."""
    words = words or render(mail, person.name, person.language)
    return {
        "key": key,
        "message_id": message_id_local(key),
        "kind": kind,
        "programme_id": programme_id,
        "person_id": person.person_id,
        "to_name": one_line(person.name)[:200],
        "to_addr": person.email,
        "subject": words.subject,
        "body_text": words.text,
        "body_html": words.html,
        "deadline": mail.deadline,
        "deadline_title": words.deadline_title,
        "status": status,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": None,
        "claimed_until": None,
        "last_error": None,
        "sent_at": None,
        "digest_key": None,
    }


def token_row(key: str, nonce: str, person_id: int, facts: Facts, now: datetime) -> dict[str, Any]:
    """The sign-off token of the outbox row ``key`` (unique: the two are written or skipped together)."""
    return {
        "nonce": nonce,
        "outbox_key": key,
        "person_id": person_id,
        "programme_id": facts.id,
        "stage": facts.state,
        "stage_visit": facts.stage_visit,
        "subject": facts.subject,
        "round": facts.round,
        "issued_at": now,
        "used_at": None,
    }


def with_sign_link(mail: Mail, nonce: str) -> Mail:
    """The mail with its link the placeholder of the token ``nonce``, filled in only when sent."""
    return dataclasses.replace(mail, link=sign_placeholder(nonce))


#: How far back a delegation that has ended still decides who a missed reminder went to.
DEPUTY_MEMORY_DAYS = 31


def facts_of(session: Session, programme: Programme, definition: Definition, *, with_leavers: bool = False) -> Facts:
    """Facts for one loaded programme (partners and roles already loaded), for the listener;
    ``with_leavers`` keeps the people of withdrawn partners among the holders. Deactivated people are no
    holders: nothing is sent to them."""
    partners = {p.id: p.nation for p in programme.partners if p.withdrawn_at is None}
    holders = [
        Holder(r.person_id, r.person.name, r.person.email, r.role, r.partner_id, language_of(r.person.language))
        for r in programme.roles
        if (with_leavers or r.partner_id is None or r.partner_id in partners) and r.person.deactivated_at is None
    ]
    facts = Facts(
        programme.id,
        programme.name,
        definition,
        programme.state,
        programme.stage_visit,
        programme.sign_off_subject,
        programme.sign_off_round,
        programme.sign_off_requested_at,
        partners,
        holders,
    )
    if facts.subject is not None:
        rows = session.execute(
            select(SignOff.role, SignOff.partner_id).where(
                SignOff.programme_id == programme.id,
                SignOff.stage == programme.state,
                SignOff.stage_visit == programme.stage_visit,
                SignOff.subject == facts.subject,
                SignOff.evidence_rev == programme.evidence_rev,
                (SignOff.round == programme.sign_off_round) | (SignOff.decision == gates.APPROVE),
            )
        )
        facts.done = {gates.Capacity(role, partner) for role, partner in rows}
    return facts


def deputies_of(
    session: Session, ids: list[int] | None, today: date, holders: dict[int, list[Holder]]
) -> dict[int, dict[int, list[Deputy]]]:
    """Per programme: signatory -> deputies, for delegations not revoked that run ``today`` or ran in the last
    month (a reminder that fell to a deputy is not sent again to the signatory once it ends). One query."""
    stmt = select(
        Delegation.programme_id, Delegation.signatory_id, Delegation.deputy_id, Delegation.starts_on, Delegation.ends_on
    ).where(
        Delegation.revoked_at.is_(None),
        Delegation.starts_on <= today,
        Delegation.ends_on >= today - timedelta(days=DEPUTY_MEMORY_DAYS),
    )
    if ids is not None:
        stmt = stmt.where(Delegation.programme_id.in_(ids))
    found: dict[int, dict[int, list[Deputy]]] = defaultdict(lambda: defaultdict(list))
    for pid, signatory, deputy, starts_on, until in session.execute(stmt):
        person = next((h for h in holders.get(pid, []) if h.person_id == deputy), None)
        if person is not None:  # a deputy no longer on the programme is reminded of nothing
            found[pid][signatory].append(Deputy(person, starts_on, until))
    return found


Outgoing = tuple[Holder, Mail, bool]  # recipient, words, carries a sign-off link


def on_event(session: Session, programme: Programme, definition: Definition, event: Event) -> None:
    """The outbox listener: write the messages ``event`` causes, in the change's own transaction."""
    if event.kind == "signed":  # the decider's links are used up (the signatory's too, if a deputy decided)
        for decider in {event.actor_id or 0, int(event.data.get("on_behalf_of") or 0)} - {0}:
            tokens.consume_for_gate(
                session,
                person_id=decider,
                programme_id=programme.id,
                stage=programme.state,
                stage_visit=programme.stage_visit,
                now=event.at,
            )
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return
    facts = facts_of(session, programme, definition, with_leavers=event.kind == "partner_withdrew")
    if event.kind == "sign_off_requested":
        facts.deputies = deputies_of(session, [programme.id], uk_date(event.at), {programme.id: facts.holders}).get(
            programme.id, {}
        )
    outgoing = handler(facts, event)
    write(session, facts, f"event:{programme.id}:{event.seq}", event.kind, outgoing, event.at)


def write(session: Session, facts: Facts, key_prefix: str, kind: str, outgoing: list[Outgoing], now: datetime) -> None:
    """Insert the messages of ``outgoing`` (and their tokens), each held for a digest or pending as its
    recipient chose: the preference is read by the insert itself, so it costs no statement of its own."""
    if not outgoing:
        return
    messages, token_rows = [], []
    for (person, mail, link), words in zip(outgoing, _words(outgoing), strict=True):
        key = f"{key_prefix}:{person.person_id}"
        message, token = rows_for(key, kind, facts, person, mail, link, now, PENDING, words)
        messages.append(message)
        token_rows += [token] if token else []
    insert_if_absent(session, SignOffToken.__table__, token_rows)  # type: ignore[arg-type]
    insert_as_preferred(session, messages)


def _words(outgoing: list[Outgoing]) -> list[Rendered | None]:
    """The words of each message without a sign-off link, rendered once for everyone sent the same mail (a
    move tells the whole programme); a message with a link has its own, rendered with its nonce."""
    found: list[Rendered | None] = [None] * len(outgoing)
    same: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, (person, mail, link) in enumerate(outgoing):
        if not link and mail.link is None:
            same[(mail.template, id(mail.values), person.language)].append(i)
    for (_, _, language), indexes in same.items():
        first = outgoing[indexes[0]][1]
        if all(outgoing[i][1] == first for i in indexes):
            names = [outgoing[i][0].name for i in indexes]
            for i, words in zip(indexes, render_each(first, names, language), strict=True):
                found[i] = words
    return found


def rows_for(
    key: str,
    kind: str,
    facts: Facts,
    person: Holder,
    mail: Mail,
    link: bool,
    now: datetime,
    status: str,
    words: Rendered | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The outbox row of one message and, if it carries a sign-off link, its token row with a new random
    nonce (written or skipped together, both being unique by ``key``)."""
    token = None
    if link:
        nonce = tokens.new_nonce()
        mail = with_sign_link(mail, nonce)
        token = token_row(key, nonce, person.person_id, facts, now)
        words = None
    return message_row(key, kind, facts.id, person, mail, now, status, words), token


def insert_all(session: Session, messages: list[dict[str, Any]], token_rows: list[dict[str, Any]]) -> None:
    insert_if_absent(session, SignOffToken.__table__, token_rows)  # type: ignore[arg-type]
    insert_if_absent(session, OutboxMessage.__table__, messages)  # type: ignore[arg-type]


def _requested(facts: Facts, event: Event) -> list[Outgoing]:
    values = {
        "actor": event.actor,
        "waiver": facts.subject == "waiver",
        "stage": facts.definition.state_title(facts.state),
        "programme": facts.name,
        "round": facts.round,
        "note": event.reason,
    }
    today = uk_date(event.at)
    found: list[Outgoing] = []
    for person_id in asked(facts):
        found.append((holder(facts, person_id), Mail("sign_off_requested", values), True))
        for deputy in (d for d in facts.deputies.get(person_id, []) if d.runs_on(today)):
            named = {**values, "signatory": holder(facts, person_id).name, "until": deputy.until}
            found.append((deputy.holder, Mail("deputy_requested", named), False))
    return found


def _signed(facts: Facts, event: Event) -> list[Outgoing]:
    if event.data.get("decision") != gates.REJECT:
        return []
    values = {
        "actor": event.actor,
        "stage": facts.definition.state_title(facts.state),
        "programme": facts.name,
        "reason": event.reason,
    }
    return [(person, Mail("rejected", values), False) for person in facts.people(["programme_manager"])]


def _moved(facts: Facts, event: Event) -> list[Outgoing]:
    d = facts.definition
    values = {
        "move": event.kind,
        "programme": facts.name,
        "before": d.state_title(event.from_state) if event.from_state else "",
        "after": d.state_title(event.to_state) if event.to_state else "",
        "reason": event.reason,
        # an ending because too few partners remain has no typed reason: the email says why from the facts
        "remaining": (event.data or {}).get("remaining"),
        "minimum": (event.data or {}).get("minimum"),
    }
    return [(person, Mail("moved", values), False) for person in facts.everyone()]


def _withdrew(facts: Facts, event: Event) -> list[Outgoing]:
    values = {"partner": event.data.get("partner", "A partner"), "programme": facts.name, "reason": event.reason}
    return [(person, Mail("partner_withdrew", values), False) for person in facts.everyone()]


HANDLERS: dict[str, Callable[[Facts, Event], list[Outgoing]]] = {
    "sign_off_requested": _requested,
    "signed": _signed,
    "advanced": _moved,
    "waived": _moved,
    "returned": _moved,
    "ended": _moved,
    "partner_withdrew": _withdrew,
}


def queue_invitation(
    session: Session,
    person: Person,
    link: str,
    now: datetime,
    *,
    programme_id: int | None = None,
    inviter: str | None = None,
) -> None:
    """Queue an invitation for ``person`` to set a password and sign in (``link``: the web page for it).
    Sent individually whatever the person's digest preference. Queuing the same link twice sends it once.
    ``inviter``: the name of who invited them (none: the email says they have been invited)."""
    mail = Mail("invitation", {"inviter": inviter}, link=link)
    _queue_account_mail(session, "invitation", person, mail, now, programme_id)


def queue_password_reset(
    session: Session, person: Person, link: str, now: datetime, *, expires_at: datetime | None = None, **_: Any
) -> None:
    """Queue the email with a link to reset ``person``'s password (``link``: the web page for it), which works
    until ``expires_at``. Sent individually whatever the digest preference; the same link queued twice is
    sent once. The ``password_reset`` account mailer (``banns.account_mail``)."""
    mail = Mail("password_reset", {"expires_at": expires_at}, link=link)
    _queue_account_mail(session, "password_reset", person, mail, now, None)


def _queue_account_mail(
    session: Session, kind: str, person: Person, mail: Mail, now: datetime, programme_id: int | None
) -> None:
    """One account email, keyed by person and link: queuing it again does nothing."""
    key = f"{kind}:" + hashlib.sha256(f"{person.id}:{mail.link}".encode()).hexdigest()[:32]
    recipient = Holder(person.id, person.name, person.email, "", None, language_of(person.language))
    insert_if_absent(
        session,
        OutboxMessage.__table__,  # type: ignore[arg-type]
        [message_row(key, kind, programme_id, recipient, mail, now)],
    )
