"""``banns people``: list accounts, and deactivate or reactivate one (an admin's action, logged with them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..engine.errors import N_
from .support import BannsGroup, Context, pass_context
from .words import _

if TYPE_CHECKING:
    from ..accounts.service import Accounts


@click.group(cls=BannsGroup, help=N_("People's accounts: who can sign in."))
def people() -> None:
    pass


@people.command(
    "list", help=N_("Everyone with an account, by name, with whether they are an admin and whether deactivated.")
)
@pass_context
def list_people(ctx: Context) -> None:
    from ..accounts.service import Accounts

    for p in Accounts(ctx.programmes.db).people():
        marks = [m for m, on in ((_("admin"), p.is_admin), (_("deactivated"), p.deactivated_at is not None)) if on]
        click.echo(f"{p.id:>4} {p.name:28} {p.email}{'  (' + ', '.join(marks) + ')' if marks else ''}")


@people.command(
    "deactivate", help=N_("EMAIL can no longer sign in (their sessions end) and is sent no reminders; roles stay.")
)
@click.argument("email")
@click.option("--by", "by", metavar="ADMIN_EMAIL", required=True, help=N_("The admin who deactivates (logged)."))
@pass_context
def deactivate(ctx: Context, email: str, by: str) -> None:
    person, accounts = _person(ctx, email)
    done = accounts.deactivate(person, ctx.programmes.clock(), actor=ctx.actor(by))
    click.echo(_("{name} <{email}> is deactivated: no sign-in, no reminders", name=done.name, email=done.email))


@people.command("reactivate", help=N_("EMAIL may sign in again, with the password they had."))
@click.argument("email")
@click.option("--by", "by", metavar="ADMIN_EMAIL", required=True, help=N_("The admin who reactivates (logged)."))
@pass_context
def reactivate(ctx: Context, email: str, by: str) -> None:
    person, accounts = _person(ctx, email)
    done = accounts.reactivate(person, ctx.programmes.clock(), actor=ctx.actor(by))
    click.echo(_("{name} <{email}> is active again and can sign in", name=done.name, email=done.email))


@people.command(
    "unlink-sso",
    help=N_(
        "Forget EMAIL's account at a single sign-on provider: their next sign-in there links "
        "whichever account the provider vouches for with their email (when their organisation "
        "gave them a new one)."
    ),
)
@click.argument("email")
@click.option("--provider", required=True, help=N_("The provider's id in [[sso.providers]]."))
@click.option("--by", "by", metavar="ADMIN_EMAIL", required=True, help=N_("The admin who unlinks (logged)."))
@pass_context
def unlink_sso(ctx: Context, email: str, provider: str, by: str) -> None:
    person, accounts = _person(ctx, email)
    if accounts.unlink_sso(person, provider, ctx.programmes.clock(), actor=ctx.actor(by)):
        said = _(
            "{email}'s account at {provider} is unlinked: their next sign-in there links again",
            email=email,
            provider=provider,
        )
    else:
        said = _("{email} has no account linked at {provider}: nothing to unlink", email=email, provider=provider)
    click.echo(said)


def _person(ctx: Context, email: str) -> tuple[int, Accounts]:
    """Raises: NotFoundError: nobody has the address."""
    from ..accounts.service import Accounts

    person = ctx.programmes.actor(email).person_id
    assert person is not None
    return person, Accounts(ctx.programmes.db)
