"""``banns transfer``: the staff each partner transfers under TUPE, and the dates of its duties."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from ..engine.errors import N_
from .gate import _partner_id, by_option, expect_option
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

if TYPE_CHECKING:
    from ..engine.transfers import StaffTransferView

DAY = click.DateTime(["%Y-%m-%d"])
DUTIES = {
    "employee_liability_information": N_("employee liability information"),
    "collective_consultation": N_("collective consultation begins"),
}
STATUSES = {"done": N_("done"), "late": N_("late"), "overdue": N_("overdue"), "due": N_("due")}


@click.group(
    cls=BannsGroup, help=N_("Staff transfer (TUPE): who moves from each partner, when, and the duties that day sets.")
)
def transfer() -> None:
    pass


@transfer.command("record", help=N_("Record (or correct) the staff PARTNER (id or name) transfers; prints its duties."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.option("--headcount", type=click.IntRange(1), required=True, help=N_("How many staff transfer."))
@click.option("--on", "transfer_date", type=DAY, required=True, help=N_("The transfer date (YYYY-MM-DD)."))
@click.option("--role", "roles", multiple=True, help=N_("A role transferring; repeat for each."))
@click.option("--redundancies", type=click.IntRange(0), default=0, show_default=True, help=N_("Redundancies proposed."))
@click.option("--eli-given", type=DAY, help=N_("When employee liability information was given."))
@click.option("--consultation-began", type=DAY, help=N_("When consultation with representatives began."))
@click.option("--consultation-ended", type=DAY, help=N_("When it ended."))
@by_option
@expect_option
@pass_context
def record(
    ctx: Context,
    programme_id: int,
    partner: str,
    headcount: int,
    transfer_date: Any,
    roles: tuple[str, ...],
    redundancies: int,
    eli_given: Any,
    consultation_began: Any,
    consultation_ended: Any,
    by: str | None,
    expect_version: int | None,
) -> None:
    from ..engine.transfers import StaffTransferSpec

    spec = StaffTransferSpec(
        partner_id=_partner_id(ctx, programme_id, partner),
        headcount=headcount,
        transfer_date=transfer_date.date(),
        roles=roles,
        redundancies=redundancies,
        eli_given_on=_day(eli_given),
        consultation_began_on=_day(consultation_began),
        consultation_ended_on=_day(consultation_ended),
    )
    view = ctx.programmes.record_staff_transfer(programme_id, spec, ctx.actor(by), expected_version=expect_version)
    _print(view, ctx.programmes.clock().date())


@transfer.command("list", help=N_("Every recorded transfer with its duties' dates and status."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--json", "as_json", is_flag=True, help=N_("Print as JSON."))
@by_option
@pass_context
def list_(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    today = ctx.programmes.clock().date()
    views = ctx.programmes.staff_transfers(programme_id, ctx.actor(by))
    if as_json:
        from ..shapes.records import StaffTransfer
        from .shaped import echo_shaped_list

        echo_shaped_list(StaffTransfer, views, today=today)
        return
    if not views:
        click.echo(_("No staff transfer recorded."))
    for v in views:
        _print(v, today)


def _day(value: Any) -> date | None:
    return value.date() if value else None


def _print(v: StaffTransferView, today: date) -> None:
    day = f"{v.transfer_date:%Y-%m-%d}"
    click.echo(
        _(
            "{partner}: {headcount} staff transfer on {day}",
            partner=v.partner,
            headcount=format(v.headcount, ","),
            day=day,
        )
    )
    if v.roles:
        click.echo(_("  roles: {roles}", roles="; ".join(v.roles)))
    for d in v.duties:
        done = _(", done {day}", day=format(d.done_on, "%Y-%m-%d")) if d.done_on else ""
        status = _(STATUSES[d.status(today)]) if d.status(today) in STATUSES else d.status(today)
        duty = _("{duty} by {day}: {status}", duty=_(DUTIES[d.code]), day=f"{d.due:%Y-%m-%d}", status=status)
        click.echo(f"  {duty}{done}")
