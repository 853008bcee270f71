"""Personal API tokens: created with a scope and an expiry (the secret shown once, only its hash kept),
listed with their last use, revoked; refused when unknown, expired, revoked or their person deactivated; and
bad tokens from one address limited like sign-ins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from workflow.accounts import limits
from workflow.accounts.errors import AccountInputError, TokenError
from workflow.accounts.models import ApiToken
from workflow.accounts.service import Accounts
from workflow.accounts.tokens import digest
from workflow.engine.db import Database
from workflow.engine.errors import NotAllowedError, NotFoundError
from workflow.engine.models import Event
from workflow.engine.permissions import SYSTEM, Actor
from workflow.engine.views import ProgrammeView

TOM = "tom.hardy@northbridge.example"
IP = "192.0.2.7"


def _tom(accounts: Accounts) -> Actor:
    person = next(p for p in accounts.people() if p.email == TOM)
    return Actor(person.id, person.name)


def test_a_token_is_shown_once_stored_hashed_and_acts_for_its_person(
    db: Database, sample: ProgrammeView, clock: Any
) -> None:
    accounts = Accounts(db)
    tom = _tom(accounts)
    assert tom.person_id is not None
    made = accounts.create_token(tom.person_id, "Power BI", "read", clock(), actor=tom)
    assert made.secret.startswith("banns_") and len(made.secret) > 40
    with db.read() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == digest(made.secret) and made.secret not in stored.token_hash
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.programme_id.is_(None)))]
    assert "api_token_created" in kinds

    use = accounts.token_use(made.secret, IP, clock())
    assert use.actor.person_id == tom.person_id and use.scope == "read" and not use.may_write
    listed = accounts.tokens_of(tom.person_id)
    assert [(t.name, t.last_used_at) for t in listed] == [("Power BI", clock())]
    assert listed[0].expires_at == clock() + timedelta(days=90)


def test_expired_revoked_and_deactivated_tokens_are_refused(db: Database, sample: ProgrammeView, clock: Any) -> None:
    accounts = Accounts(db)
    tom = _tom(accounts)
    assert tom.person_id is not None
    short = accounts.create_token(tom.person_id, "short", "write", clock(), days=1, actor=tom)
    other = accounts.create_token(tom.person_id, "other", "write", clock(), actor=tom)
    assert accounts.token_use(short.secret, IP, clock()).may_write
    clock.advance(days=1)
    with pytest.raises(TokenError) as expired:
        accounts.token_use(short.secret, IP, clock())
    assert expired.value.reason == "expired"
    assert accounts.tokens_of(tom.person_id)[1].status(clock()) == "expired"

    accounts.revoke_token(other.token.id, clock(), actor=tom)
    with pytest.raises(TokenError) as revoked:
        accounts.token_use(other.secret, IP, clock())
    assert revoked.value.reason == "revoked"

    third = accounts.create_token(tom.person_id, "third", "read", clock(), actor=tom)
    accounts.add_person("Ada Admin", "ada@banns.example", clock(), is_admin=True)
    ada = next(p for p in accounts.people() if p.is_admin)
    accounts.deactivate(tom.person_id, clock(), actor=Actor(ada.id, ada.name, True))
    with pytest.raises(TokenError) as gone:
        accounts.token_use(third.secret, IP, clock())
    assert gone.value.reason == "deactivated"


def test_only_the_owner_or_an_admin_revokes_and_bad_input_is_refused(
    db: Database, sample: ProgrammeView, clock: Any
) -> None:
    accounts = Accounts(db)
    tom = _tom(accounts)
    assert tom.person_id is not None
    made = accounts.create_token(tom.person_id, "", "read", clock(), actor=tom)
    assert made.token.name == "API token"
    priya = next(p for p in accounts.people() if p.email.startswith("priya"))
    with pytest.raises(NotFoundError):
        accounts.revoke_token(made.token.id, clock(), actor=Actor(priya.id, priya.name))
    with pytest.raises(NotAllowedError):  # nor makes a key that acts for someone else
        accounts.create_token(tom.person_id, "hers", "write", clock(), actor=Actor(priya.id, priya.name))
    assert [t.name for t in accounts.tokens_of(tom.person_id)] == ["API token"]
    assert accounts.revoke_token(made.token.id, clock(), actor=SYSTEM).revoked_at == clock()
    for kwargs, code in (
        ({"scope": "admin"}, "token_scope"),
        ({"days": 0}, "token_expiry"),
        ({"days": 367}, "token_expiry"),
        ({"name": "x" * 101}, "token_name_long"),
    ):
        args: dict[str, Any] = {"name": "n", "scope": "read", "days": None} | kwargs
        with pytest.raises(AccountInputError) as refused:
            accounts.create_token(tom.person_id, args["name"], args["scope"], clock(), days=args["days"], actor=tom)
        assert refused.value.code == code


def test_bad_tokens_from_an_address_are_limited_like_sign_ins(db: Database, sample: ProgrammeView, clock: Any) -> None:
    accounts = Accounts(db)
    tom = _tom(accounts)
    assert tom.person_id is not None
    good = accounts.create_token(tom.person_id, "good", "read", clock(), actor=tom)
    for i in range(limits.TOKEN_ADDRESS_LIMIT):
        with pytest.raises(TokenError) as bad:
            accounts.token_use(f"banns_guess{i}", IP, clock())
        assert bad.value.reason == "unknown"
    with pytest.raises(TokenError) as limited:
        accounts.token_use(good.secret, IP, clock())
    assert limited.value.reason == "limited" and limited.value.until == clock() + limits.WINDOW
    assert accounts.token_use(good.secret, "198.51.100.1", clock()).actor.person_id == tom.person_id
    clock.advance(minutes=15)
    assert accounts.token_use(good.secret, IP, clock()).actor.person_id == tom.person_id


def test_the_command_line_creates_lists_and_revokes_tokens(cli: Any, db: Database, sample: ProgrammeView) -> None:
    made = cli("token", "create", "--as", TOM, "--scope", "write", "--expires", "30", "--name", "Committee sync")
    secret = next(line for line in made.stdout.splitlines() if line.startswith("banns_"))
    assert "Tom Hardy" in made.stdout and "shown this once" in made.stderr
    listed = cli("token", "list", "--as", TOM).output
    assert "write" in listed and "active" in listed and "Committee sync" in listed and "never" in listed
    token_id = int(listed.split()[0])
    (stored,) = Accounts(db).tokens_of(_tom(Accounts(db)).person_id or 0)
    assert stored.expires_at is not None and stored.expires_at - stored.created_at == timedelta(days=30)
    assert Accounts(db).token_use(secret, IP, stored.created_at).may_write
    assert "is revoked" in cli("token", "revoke", token_id).output
    assert "revoked" in cli("token", "list", "--as", TOM).output
    assert cli("token", "revoke", 999, ok=False).exit_code == 3
    assert cli("token", "revoke", 2**40, ok=False).exit_code == 3
    assert cli("token", "create", "--as", TOM, "--scope", "write", "--expires", "0", ok=False).exit_code == 2
    assert cli("token", "list", "--as", "nobody@example.org", ok=False).exit_code == 3
