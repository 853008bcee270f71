"""``banns decisions``: each partner's democratic decisions on the current gate from the shell: what the gate
asks and where each stands (``--json``), recording a decision, a call-in and its resolution, and pre-election
periods. Registered through the ``banns.commands`` entry point group."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from ..engine.errors import N_
from ..engine.text import check_day
from ..records.decisions import DecisionInput, Decisions
from .gate import by_option
from .money import partner_id
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

DAY = click.DateTime(["%Y-%m-%d"])


def _decisions(ctx: Context) -> Decisions:
    p = ctx.programmes
    return Decisions(p.db, p.registry, p.clock, p.listeners)


def _day(value: Any, name: str) -> date:
    return check_day(value.date(), name, f"--{name.replace('_', '-')}")


@click.group(
    cls=BannsGroup,
    help=N_("Each partner's decision of its own body (cabinet, trust board): call-ins, pre-election periods."),
)
def decisions() -> None:
    pass


@decisions.command(
    "show", help=N_("What the current gate asks of each partner's body, and whether its approval counts yet.")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--json", "as_json", is_flag=True, help=N_("Print as JSON."))
@by_option
@pass_context
def show(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    board = _decisions(ctx).board(programme_id, ctx.actor(by))
    if as_json:
        from ..shapes.records import DecisionBoard
        from .shaped import echo_shaped

        echo_shaped(DecisionBoard, {**vars(board), "may_record_for": sorted(board.may_record_for)})
        return
    if not board.asked:
        click.echo(_("The current gate asks no partner for a decision of its own body."))
    for s in board.asked:
        when = _(", counts from {day}", day=s.counts_from.isoformat()) if s.counts_from else ""
        d, detail = s.decision, ""
        if d is not None:
            short = _(", short notice") if d.short_notice else ""
            detail = " " + _(
                "(decision {id}, meeting {day}{short})", id=d.id, day=d.meeting_on.isoformat(), short=short
            )
        click.echo(f"{s.partner_name}: {s.body}: {s.status}{when}{detail}")
    for f in board.go_live_flags:
        click.echo(
            _(
                "The planned go-live ({day}) falls in a pre-election period of {partner}",
                day=f.go_live_on.isoformat(),
                partner=f.partner_name,
            )
        )


@decisions.command(
    "record", help=N_("Record (or correct) the decision of PARTNER's (id or name) BODY (cabinet, trust_board, ...).")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.argument("body")
@click.option("--meeting", "meeting", type=DAY, required=True, help=N_("Date of the meeting (YYYY-MM-DD)."))
@click.option("--key/--not-key", "key", default=False, help=N_("A key decision (on the forward plan 28 clear days)."))
@click.option("--forward-plan", "forward_plan", type=DAY, help=N_("Date published on the forward plan."))
@click.option("--minutes", default="", help=N_("The minute reference, or a link to the minutes."))
@click.option("--outcome", type=click.Choice(["pending", "approved", "rejected"]), default="pending", show_default=True)
@click.option(
    "--call-in-days", "call_in_days", type=click.IntRange(0, 60), help=N_("Working days (default: the lifecycle's).")
)
@by_option
@pass_context
def record(
    ctx: Context,
    programme_id: int,
    partner: str,
    body: str,
    meeting: Any,
    key: bool,
    forward_plan: Any,
    minutes: str,
    outcome: str,
    call_in_days: int | None,
    by: str | None,
) -> None:
    actor = ctx.actor(by)
    entry = DecisionInput(
        partner_id(ctx, programme_id, partner, actor),
        body,
        _day(meeting, "meeting"),
        key,
        _day(forward_plan, "forward_plan") if forward_plan else None,
        minutes,
        outcome,
        call_in_days,
    )
    decision_id = _decisions(ctx).record(programme_id, entry, actor)
    click.echo(_("Decision {id} recorded", id=decision_id))


@decisions.command("call-in", help=N_("Record that decision DECISION_ID was called in for scrutiny."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("decision_id", type=PROGRAMME_ID)
@click.option("--on", "on", type=DAY, required=True, help=N_("Date of the call-in (YYYY-MM-DD)."))
@click.option("--note", default="")
@by_option
@pass_context
def call_in(ctx: Context, programme_id: int, decision_id: int, on: Any, note: str, by: str | None) -> None:
    call = _decisions(ctx).call_in(programme_id, decision_id, _day(on, "on"), note, ctx.actor(by))
    click.echo(_("Call-in {id} recorded", id=call))


@decisions.command("resolve", help=N_("Resolve call-in CALL_IN_ID: the decision stands, or is referred back."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("call_in_id", type=PROGRAMME_ID)
@click.argument("resolution", type=click.Choice(["decision_stands", "referred_back"]))
@click.option("--on", "on", type=DAY, required=True, help=N_("Date resolved (YYYY-MM-DD)."))
@click.option("--note", default="")
@by_option
@pass_context
def resolve(
    ctx: Context, programme_id: int, call_in_id: int, resolution: str, on: Any, note: str, by: str | None
) -> None:
    _decisions(ctx).resolve_call_in(programme_id, call_in_id, resolution, _day(on, "on"), note, ctx.actor(by))
    click.echo(_("Call-in {id} resolved: {resolution}", id=call_in_id, resolution=resolution))


@decisions.command("pre-election", help=N_("Record a pre-election period of PARTNER (id or name)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.option("--from", "starts", type=DAY, required=True, help=N_("Notice of election (YYYY-MM-DD)."))
@click.option("--polling-day", "polling", type=DAY, required=True, help=N_("Polling day (YYYY-MM-DD)."))
@by_option
@pass_context
def pre_election(ctx: Context, programme_id: int, partner: str, starts: Any, polling: Any, by: str | None) -> None:
    actor = ctx.actor(by)
    pid = partner_id(ctx, programme_id, partner, actor)
    _decisions(ctx).set_pre_election(programme_id, pid, _day(starts, "from"), _day(polling, "polling_day"), actor)
    click.echo(_("Pre-election period recorded"))
