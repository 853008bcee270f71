"""``banns audit``: check that the event log has not been changed behind the engine's back."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..engine.errors import N_
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _

if TYPE_CHECKING:  # the engine loads only when a command runs, so that `banns --help` starts quickly
    from ..engine.audit import ChainReport
    from ..engine.db import Database
    from ..engine.views import EventView

FAULTS = {
    "content_changed": N_("its content no longer matches its hash (the entry was edited)"),
    "link_broken": N_("it does not follow from the entry before it (an entry was inserted, edited or removed)"),
    "missing_event": N_("it is missing (an entry was deleted)"),
    "head_mismatch": N_("the latest entry is not the one the programme last recorded (an entry was removed)"),
}


@click.group(cls=BannsGroup, help=N_("The tamper-evident event log."))
def audit() -> None:
    pass


@audit.command(help=N_("Check the hash chains; exit 1 naming the first broken entry of each broken chain."))
@click.argument("programme_id", type=PROGRAMME_ID, required=False)
@click.option("--all", "every", is_flag=True, help=N_("Every programme's chain and the site's own."))
@click.option("--site", is_flag=True, help=N_("Only the site's chain (accounts and admin rights)."))
@pass_context
def verify(ctx: Context, programme_id: int | None, every: bool, site: bool) -> None:
    if programme_id is None and not (every or site):
        raise click.UsageError(_("give a programme ID, --site or --all"))
    from ..engine.audit import verify_chains

    reports = verify_chains(ctx.programmes.db, programme_id, site=site and programme_id is None)
    for report in reports:
        click.echo(_line(report))
    broken = [r for r in reports if not r.intact]
    if broken:
        click.echo(_("{broken} of {count} chain(s) broken", broken=len(broken), count=len(reports)), err=True)
        sys.exit(1)
    click.echo(_("all {count} chain(s) verify", count=len(reports)))


def _line(report: ChainReport) -> str:
    if report.programme_id:
        name = _("programme {id} ({name})", id=report.programme_id, name=report.programme_name)
    else:
        name = _("the site's log")
    if report.intact:
        return _("{chain}: {events} event(s), chain verifies", chain=name, events=report.events)
    fault = _(FAULTS[report.fault or "content_changed"])
    return _("{chain}: BROKEN at event {event}: {fault}", chain=name, event=report.broken_at, fault=fault)


def site_history(db: Database) -> list[EventView]:
    """The site's own log (accounts and admin rights: events outside any programme), oldest first."""
    from sqlalchemy import select

    from ..engine.models import Event
    from ..engine.view_builder import event_view

    with db.read() as session:
        rows = session.scalars(select(Event).where(Event.programme_id.is_(None)).order_by(Event.seq))
        return [event_view(e) for e in rows]
