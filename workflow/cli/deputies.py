"""``banns deputy``: name, revoke and list the deputies who decide for a signatory over a date range."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from ..engine.errors import N_
from .gate import by_option
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

DAY = click.DateTime(["%Y-%m-%d"])
WHY = {"leave": N_("leave"), "conflict_of_interest": N_("conflict of interest")}


@click.group(
    cls=BannsGroup,
    help=N_("Deputies: a signatory's decisions given by another person on the programme for a date range."),
)
def deputy() -> None:
    pass


@deputy.command("add", help=N_("Name DEPUTY_EMAIL to decide for SIGNATORY_EMAIL from --from to --to."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("signatory", metavar="SIGNATORY_EMAIL")
@click.argument("deputy_email", metavar="DEPUTY_EMAIL")
@click.option("--from", "starts_on", type=DAY, required=True, help=N_("The first day (YYYY-MM-DD)."))
@click.option("--to", "ends_on", type=DAY, required=True, help=N_("The last day, inclusive (YYYY-MM-DD)."))
@click.option(
    "--reason", "reason_kind", type=click.Choice(["leave", "conflict_of_interest"]), required=True, help=N_("Why.")
)
@click.option("--note", default="", help=N_("A note (the leave, the interest declared)."))
@by_option
@pass_context
def add(
    ctx: Context,
    programme_id: int,
    signatory: str,
    deputy_email: str,
    starts_on: datetime,
    ends_on: datetime,
    reason_kind: str,
    note: str,
    by: str | None,
) -> None:
    sig, dep = ctx.programmes.actor(signatory), ctx.programmes.actor(deputy_email)
    assert sig.person_id is not None and dep.person_id is not None
    made = ctx.programmes.name_deputy(
        programme_id, sig.person_id, dep.person_id, starts_on.date(), ends_on.date(), reason_kind, note, ctx.actor(by)
    )
    click.echo(_("Delegation {id}: {deputy} for {signatory}, {start} to {end}", **_delegation(made)))


@deputy.command("revoke", help=N_("End a delegation at once."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("delegation_id", type=PROGRAMME_ID, metavar="DELEGATION_ID")
@by_option
@pass_context
def revoke(ctx: Context, programme_id: int, delegation_id: int, by: str | None) -> None:
    ended = ctx.programmes.revoke_deputy(programme_id, delegation_id, ctx.actor(by))
    click.echo(
        _(
            "Delegation {id} revoked: {deputy} no longer decides for {signatory}",
            id=ended.id,
            deputy=ended.deputy_name,
            signatory=ended.signatory_name,
        )
    )


@deputy.command("list", help=N_("The programme's delegations, newest first."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
@by_option
@pass_context
def list_(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    found = ctx.programmes.delegations(programme_id, ctx.actor(by))
    if as_json:
        from ..shapes.records import Delegation
        from .shaped import echo_shaped_list

        echo_shaped_list(Delegation, found)
        return
    for d in found:
        if d.revoked_at:
            state = _("revoked by {who}", who=d.revoked_by or _("the system"))
        else:
            state = _(WHY[d.reason_kind]) if d.reason_kind in WHY else d.reason_kind.replace("_", " ")
        click.echo(_("{id}: {deputy} for {signatory}, {start} to {end} ({state})", state=state, **_delegation(d)))


def _delegation(d: Any) -> dict[str, Any]:
    """A delegation's facts, as its lines name them."""
    return {
        "id": d.id,
        "deputy": d.deputy_name,
        "signatory": d.signatory_name,
        "start": d.starts_on,
        "end": d.ends_on,
    }
