"""The engine's services, built once per app and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, url_for

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.portfolio import Portfolio
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.settings import Settings


@dataclass
class Services:
    db: Database
    registry: Registry
    programmes: Programmes
    accounts: Accounts
    portfolio: Portfolio
    settings: Settings

    def invite(self, person_id: int, programme_id: int | None) -> None:
        """Email the person a single-use link to set their password (if they have none yet)."""
        if self.accounts.person(person_id).has_password:
            return
        self.accounts.send_invitation(
            person_id,
            self.programmes.clock(),
            lambda token: external_url("auth.invitation", token=token),
            programme_id=programme_id,
            inviter=g.actor.name if g.get("actor") else None,
        )


def external_url(endpoint: str, **values: Any) -> str:
    """The full address of a page, for an email: on ``BASE_URL`` when it is set (as it should be in
    production), so that a forged ``Host`` header cannot send someone a link to another site with a real
    token in it; else on the address the request came to (development)."""
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values) if base else url_for(endpoint, _external=True, **values)


def init_app(app: Flask) -> None:
    db = Database(app.config["DATABASE_URL"])
    registry = Registry(Path(app.config["DEFINITIONS_DIR"]))
    clock = app.config.get("CLOCK")
    programmes = Programmes(db, registry, clock) if clock else Programmes(db, registry)
    settings = Settings(
        Path(app.instance_path),
        app.config["DATABASE_URL"],
        registry.folder,
        app.config["SECRET_KEY"],
        app.config,
        app.config["SSO"],
    )
    app.extensions["banns"] = Services(db, registry, programmes, Accounts(db), Portfolio(db, registry), settings)


def services() -> Services:
    return current_app.extensions["banns"]  # type: ignore[no-any-return]


def now() -> datetime:
    return services().programmes.clock()
