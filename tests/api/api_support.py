"""Helpers of the API tests: a token for a person of the sample programme, and its headers."""

from __future__ import annotations

from typing import Any

from web_support import EMAILS

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.permissions import SYSTEM

PROBLEM = "application/problem+json"


def token_for(db: Database, clock: Any, who: str, scope: str = "write", days: int | None = None) -> str:
    """A new token of the person named ``who`` (a key of ``EMAILS``, or an email address)."""
    accounts = Accounts(db)
    email = EMAILS.get(who, who)
    person = next(p for p in accounts.people() if p.email == email)
    return accounts.create_token(person.id, f"{who}'s", scope, clock(), days=days, actor=SYSTEM).secret


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **{k.replace("_", "-"): v for k, v in headers.items()}}
