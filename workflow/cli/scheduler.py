"""``banns scheduler``: the reminder and mail process (entry point ``banns.commands``: ``scheduler``).

Also runnable on its own: ``python -m workflow.cli.scheduler [--once]`` (settings from ``BANNS_INSTANCE``
and ``BANNS_*`` variables, as for ``banns``).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import click

from workflow.engine.errors import BannsError
from workflow.settings import Settings, SettingsError, load_settings

from ..engine.errors import N_
from ..reminders.scheduler import Timetable, run, run_once
from .helptext import BannsCommand
from .support import ConfigFileError
from .words import error


def _not_overlap_notice(record: logging.LogRecord) -> bool:
    """Hide APScheduler's note that a relay run was skipped because the previous one is still sending:
    that is the intended behaviour (the running relay keeps going until the outbox is empty)."""
    return "maximum number of running instances" not in record.getMessage()


def _settings(instance: Path | None) -> Settings:
    parent = click.get_current_context().find_object(object)  # the banns group's Context, if any
    settings = getattr(parent, "settings", None)
    if instance is None and isinstance(settings, Settings):
        return settings
    return load_settings(instance)


@click.command(
    cls=BannsCommand, help=N_("Run the scheduler: due reminders and the mail outbox. Stop with Ctrl-C or SIGTERM.")
)
@click.option(
    "--instance",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=N_("Instance folder (default: the banns option, BANNS_INSTANCE or ./instance)."),
)
@click.option("--scan-minutes", type=float, help=N_("Scan for due reminders this often (default 5)."))
@click.option("--relay-seconds", type=float, help=N_("Send due mail this often (default 30)."))
@click.option("--batch", type=int, help=N_("Messages claimed per relay batch (default 50)."))
@click.option("--once", is_flag=True, help=N_("Scan and relay once, then exit."))
@click.option("--quiet", is_flag=True, help=N_("Log warnings only."))
def scheduler(
    instance: Path | None,
    scan_minutes: float | None,
    relay_seconds: float | None,
    batch: int | None,
    once: bool,
    quiet: bool,
) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(_not_overlap_notice)
    try:
        settings = _settings(instance)
        if once:
            run_once(settings)
            return
        timetable = Timetable.from_settings(settings)
        changes: dict[str, Any] = {
            k: v
            for k, v in (("scan_minutes", scan_minutes), ("relay_seconds", relay_seconds), ("batch", batch))
            if v is not None
        }
        run(settings, dataclasses.replace(timetable, **changes))
    except SettingsError as exc:  # a wrong setting: exit 2, as for any wrong file or input
        raise ConfigFileError(error(exc)) from None
    except BannsError as exc:
        raise click.ClickException(error(exc)) from None


if __name__ == "__main__":
    scheduler()
