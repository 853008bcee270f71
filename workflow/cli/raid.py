"""``banns raid``: a programme's RAID log (risks, assumptions, issues, dependencies) at the command line."""

from __future__ import annotations

from datetime import datetime

import click

from ..engine.errors import N_
from ..records.raid import KINDS, SORTS, STATUSES, RaidEntryView, RaidFields, RaidLog
from .gate import by_option
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

SCALE = click.IntRange(1, 5)
WORDS = {
    "risk": N_("risk"),
    "assumption": N_("assumption"),
    "issue": N_("issue"),
    "dependency": N_("dependency"),
    "very high": N_("very high"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}


def raid_log(ctx: Context) -> RaidLog:
    return RaidLog(ctx.programmes.db, ctx.programmes.registry, ctx.programmes.clock, ctx.programmes.listeners)


def _line(e: RaidEntryView) -> str:
    state = "" if e.is_open else " " + _("[closed: {note}]", note=e.closed_note)
    review = _(", review {day}", day=e.review_on) if e.review_on else ""
    kind, band = (_(WORDS[w]) if w in WORDS else w for w in (e.kind, e.band))
    facts = {"kind": kind, "title": e.title, "rating": e.rating, "band": band, "owner": e.owner_name}
    return f"{e.id}: " + _("{kind} {title} - {rating} ({band}), owner {owner}", **facts) + review + state


@click.group(
    cls=BannsGroup,
    help=N_("The RAID log: risks, assumptions, issues and dependencies, rated likelihood x impact (1 to 25)."),
)
def raid() -> None:
    pass


@raid.command("list", help=N_("The entries, highest rating first (or --sort review, title, newest)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--status", type=click.Choice(STATUSES), default="open", show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="rating", show_default=True)
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
@by_option
@pass_context
def list_(ctx: Context, programme_id: int, status: str, sort: str, as_json: bool, by: str | None) -> None:
    found = raid_log(ctx).entries(programme_id, ctx.actor(by), status=status, sort=sort)
    if as_json:
        from ..shapes.records import RaidEntry
        from .shaped import echo_shaped_list

        echo_shaped_list(RaidEntry, found)
        return
    for e in found:
        click.echo(_line(e))


@raid.command("add", help=N_("Add an entry (programme managers and the chair)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("title")
@click.option("--owner", required=True, metavar="EMAIL", help=N_("A person on the programme."))
@click.option("--likelihood", type=SCALE, required=True, help=N_("1 (rare) to 5 (almost certain)."))
@click.option("--impact", type=SCALE, required=True, help=N_("1 (negligible) to 5 (severe)."))
@click.option("--description", default="")
@click.option("--mitigation", default="")
@click.option("--review", type=click.DateTime(["%Y-%m-%d"]), help=N_("Review date (YYYY-MM-DD): the owner is emailed."))
@by_option
@pass_context
def add(
    ctx: Context,
    programme_id: int,
    kind: str,
    title: str,
    owner: str,
    likelihood: int,
    impact: int,
    description: str,
    mitigation: str,
    review: datetime | None,
    by: str | None,
) -> None:
    owner_id = ctx.programmes.actor(owner).person_id
    assert owner_id is not None
    day = review.date() if review else None
    given = RaidFields(kind, title, owner_id, likelihood, impact, description, mitigation, day)
    click.echo(_line(raid_log(ctx).add(programme_id, given, ctx.actor(by))))


@raid.command("close", help=N_("Close an entry with a note."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("entry_id", type=PROGRAMME_ID, metavar="ENTRY_ID")
@click.option("--note", required=True, help=N_("Why it is closed."))
@by_option
@pass_context
def close(ctx: Context, programme_id: int, entry_id: int, note: str, by: str | None) -> None:
    click.echo(_line(raid_log(ctx).close(programme_id, entry_id, note, ctx.actor(by))))


@raid.command("reopen", help=N_("Reopen a closed entry."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("entry_id", type=PROGRAMME_ID, metavar="ENTRY_ID")
@by_option
@pass_context
def reopen(ctx: Context, programme_id: int, entry_id: int, by: str | None) -> None:
    click.echo(_line(raid_log(ctx).reopen(programme_id, entry_id, ctx.actor(by))))
