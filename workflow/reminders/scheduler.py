"""The scheduler process: scans for due reminders and relays the outbox, on an APScheduler 3 timetable.

It runs in its own process (``banns scheduler``), never inside web workers. Two interval jobs:

- **scan** every ``SCHEDULER_SCAN_MINUTES`` (default 5): write due reminders, then assemble due digests;
- **relay** every ``SCHEDULER_RELAY_SECONDS`` (default 30): send batches of due messages until none is left.

Both run once at start-up, so whatever fell due while the process was down is caught up at once; the scan
writes only the latest occurrence of each reminder, so a long outage yields one reminder, not a flood.
Runs missed while the process was alive but busy or suspended are coalesced into one
(``coalesce=True``, ``misfire_grace_time``), and a job never overlaps itself (``max_instances=1``).
SIGTERM and SIGINT stop it gracefully: no new job starts, the relay stops after the message in hand.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from workflow.engine import schema
from workflow.engine.db import Database
from workflow.engine.errors import N_, InvalidError
from workflow.settings import Settings

from .delivery import RelayConfig, relay_batch, transport_from_settings
from .preferences import assemble_digests
from .scan import scan

log = logging.getLogger("banns.scheduler")
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Timetable:
    scan_minutes: float = 5.0
    relay_seconds: float = 30.0
    batch: int = 50

    @classmethod
    def from_settings(cls, settings: Settings) -> Timetable:
        v, d = settings.values, cls()
        return cls(
            float(v.get("SCHEDULER_SCAN_MINUTES", d.scan_minutes)),
            float(v.get("SCHEDULER_RELAY_SECONDS", d.relay_seconds)),
            int(v.get("MAIL_BATCH", d.batch)),
        )


class Worker:
    """The two jobs, with what they share: the database, the relay settings and a stop flag."""

    def __init__(self, settings: Settings, db: Database, timetable: Timetable, clock: Clock = utcnow) -> None:
        self.settings, self.db, self.timetable, self.clock = settings, db, timetable, clock
        self.config = RelayConfig.from_settings(settings)
        self.stopping = threading.Event()

    def scan(self) -> None:
        try:
            due = scan(self.db, self.clock())
            digests = assemble_digests(self.db, self.clock())
            log.info("scan: %d reminder(s) due, %d digest(s) written", due, digests)
        except Exception:  # a failed run is logged and retried at the next interval, never fatal
            log.exception("scan failed")

    def relay(self) -> None:
        """Send batches of due messages until none is left, over one connection to the mail server."""
        transport = transport_from_settings(self.settings, self.db)
        try:
            while not self.stopping.is_set():
                result = relay_batch(self.db, transport, self.clock(), batch=self.timetable.batch, config=self.config)
                if result.claimed:
                    log.info("relay: %d sent, %d to retry, %d failed", result.sent, result.retrying, result.failed)
                if result.claimed < self.timetable.batch:
                    break
        except Exception:
            log.exception("relay failed")
        finally:
            transport.close()


def build(worker: Worker) -> BlockingScheduler:
    """The scheduler with its two jobs; both first run as soon as it starts."""
    t = worker.timetable
    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(max(60, t.scan_minutes * 60))},
    )
    now = utcnow()
    scheduler.add_job(worker.scan, "interval", minutes=t.scan_minutes, id="scan", next_run_time=now)
    scheduler.add_job(worker.relay, "interval", seconds=t.relay_seconds, id="relay", next_run_time=now)
    return scheduler


def run(settings: Settings, timetable: Timetable | None = None) -> None:
    """Run the scheduler until SIGTERM or SIGINT.

    Raises:
        InvalidError: the database is not set up or not migrated, or no SECRET_KEY is configured.
    """
    db = Database(settings.database_url)
    if not schema.is_current(db):
        db.dispose()
        raise InvalidError(N_("the database is not set up or is out of date; run `banns init` or `banns db upgrade`"))
    worker = Worker(settings, db, timetable or Timetable.from_settings(settings))
    scheduler = build(worker)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        worker.stopping.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "scheduler started: scan every %s min, relay every %s s",
        worker.timetable.scan_minutes,
        worker.timetable.relay_seconds,
    )
    try:
        scheduler.start()
    finally:
        db.dispose()
        log.info("scheduler stopped")


def run_once(settings: Settings, clock: Clock = utcnow) -> None:
    """One scan and one relay pass, then return (``banns scheduler --once``, cron-style use)."""
    db = Database(settings.database_url)
    try:
        worker = Worker(settings, db, Timetable.from_settings(settings), clock)
        worker.scan()
        worker.relay()
    finally:
        db.dispose()
