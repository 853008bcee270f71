"""``banns token``: a person's personal API tokens, created (the secret printed once), listed and revoked by
the operator at the command line (logged as the system's act)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from ..engine.errors import N_
from .support import BannsGroup, Context, NotFoundExit, pass_context
from .words import _

if TYPE_CHECKING:
    from ..accounts.service import Accounts


@click.group(cls=BannsGroup, help=N_("Personal API tokens: keys for the JSON API."))
def token() -> None:
    pass


@token.command("create", help=N_("A new token for EMAIL, printed once: keep it safe, it cannot be shown again."))
@click.option("--as", "email", metavar="EMAIL", required=True, help=N_("Whose token: it acts as this person."))
@click.option(
    "--scope", type=click.Choice(["read", "write"]), required=True, help=N_("read: look only; write: change.")
)
@click.option(
    "--expires", "days", type=int, default=None, metavar="DAYS", help=N_("Days until it expires (90; 1-366).")
)
@click.option("--name", default="", help=N_("What the token is for (a dashboard, a script)."))
@pass_context
def create(ctx: Context, email: str, scope: str, days: int | None, name: str) -> None:
    person = ctx.programmes.actor(email)
    assert person.person_id is not None
    made = _accounts(ctx).create_token(
        person.person_id, name, scope, ctx.programmes.clock(), days=days, actor=ctx.actor(None)
    )
    click.echo(
        _(
            "Token {id} ({scope}) for {name}, expires {expires}:",
            id=made.token.id,
            scope=made.token.scope,
            name=person.name,
            expires=_when(made.token.expires_at),
        )
    )
    click.echo(made.secret)
    click.echo(_("It is shown this once only: store it now."), err=True)


@token.command("list", help=N_("EMAIL's tokens, newest first: id, scope, status, expiry, last use, name."))
@click.option("--as", "email", metavar="EMAIL", required=True, help=N_("Whose tokens."))
@pass_context
def list_tokens(ctx: Context, email: str) -> None:
    person = ctx.programmes.actor(email)
    assert person.person_id is not None
    now = ctx.programmes.clock()
    for t in _accounts(ctx).tokens_of(person.person_id):
        status = {"active": _("active"), "expired": _("expired"), "revoked": _("revoked")}.get(
            t.status(now), t.status(now)
        )
        when = _("expires {expires}  last used {used}", expires=_when(t.expires_at), used=_when(t.last_used_at))
        click.echo(f"{t.id:>4} {t.scope:5} {status:7} {when}  {t.name}")


@token.command("revoke", help=N_("Revoke token ID at once: it no longer works anywhere."))
@click.argument("token_id", type=int, metavar="ID")
@pass_context
def revoke(ctx: Context, token_id: int) -> None:
    from ..engine.text import is_id

    if not is_id(token_id):
        raise NotFoundExit(_("no token with id {id}", id=token_id))
    done = _accounts(ctx).revoke_token(token_id, ctx.programmes.clock(), actor=ctx.actor(None))
    click.echo(_("Token {id} ({name}) is revoked", id=done.id, name=done.name))


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else _("never")


def _accounts(ctx: Context) -> Accounts:
    from ..accounts.service import Accounts

    return Accounts(ctx.programmes.db)
