"""Fixtures for the reminders tests: the engine with the outbox listener, settings with a secret key, a
real SMTP server (aiosmtpd) on a free loopback port that records what it receives, and the scheduler as a
real process."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, SmtpTransport, relay
from workflow.reminders.outbox import on_event
from workflow.reminders.scan import scan
from workflow.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "definitions"
EXAMPLE = ROOT / "examples" / "northbridge-southmoor.yaml"
SECRET = "test-secret-key-for-reminders"
BASE_URL = "https://banns.example"
COURTSHIP = ["partners_named", "appetite_confirmed", "vision_drafted", "sro_named", "next_stage_budget"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted, parsed, and where from; ``refuse`` makes it answer 451 to that many DATA commands;
    addresses in ``unknown`` are refused for good (550) when named as recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0
    delay: float = 0.0
    unknown: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The client's address and port of each message accepted: one per connection it came over.
    peers: list[Any] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.unknown:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.peers.append(session.peer)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self) -> SmtpTransport:
        return SmtpTransport("127.0.0.1", self.port, "none", timeout=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        tmp_path / "instance",
        database_url,
        DEFINITIONS,
        SECRET,
        {"BASE_URL": BASE_URL, "MAIL_FROM": "banns <banns@council.example>"},
    )


@pytest.fixture
def relay_config() -> RelayConfig:
    return RelayConfig(
        mail_from="banns <banns@council.example>",
        base_url=BASE_URL,
        secret_key=SECRET,
        max_attempts=4,
        retry_seconds=60,
        lease_seconds=60,
    )


@pytest.fixture
def engine(programmes: Programmes) -> Programmes:
    """The engine as installed: its listeners come from the entry points, so the outbox is the real wiring."""
    assert on_event in programmes.listeners, "the outbox listener is not registered (pip install -e .)"
    return programmes


@pytest.fixture
def northbridge(sample: ProgrammeView) -> ProgrammeView:
    return sample


@pytest.fixture
def who(people: dict[str, int]) -> dict[str, int]:
    return people


def evidence_all(engine: Programmes, programme_id: int, criteria: list[str] = COURTSHIP) -> None:
    for c in criteria:
        engine.record_evidence(programme_id, c, f"{c} done")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def start_scheduler(tmp_path: Path, database_url: str, port: int, batch: int = 15) -> subprocess.Popen[bytes]:
    """``python -m workflow.cli.scheduler`` relaying to the SMTP server on ``port``, logging to
    ``tmp_path/scheduler.log``."""
    env = {
        **os.environ,
        "BANNS_INSTANCE": str(tmp_path / "instance"),
        "BANNS_DATABASE_URL": database_url,
        "BANNS_DEFINITIONS_DIR": str(DEFINITIONS),
        "BANNS_SECRET_KEY": SECRET,
        "BANNS_BASE_URL": BASE_URL,
        "BANNS_SMTP_HOST": "127.0.0.1",
        "BANNS_SMTP_PORT": str(port),
        "BANNS_SMTP_SECURITY": "none",
        "BANNS_MAIL_LEASE_SECONDS": "1",
        "BANNS_MAIL_FROM": "banns <banns@council.example>",
    }
    with (tmp_path / "scheduler.log").open("ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workflow.cli.scheduler",
                "--relay-seconds",
                "0.5",
                "--scan-minutes",
                "60",
                "--batch",
                str(batch),
            ],
            env=env,
            stdout=log,
            stderr=log,
        )


def stop(process: subprocess.Popen[bytes], tmp_path: Path) -> None:
    """SIGTERM, and the process must stop cleanly."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0, (tmp_path / "scheduler.log").read_text()


def run_days(
    db: Database, clock: Any, smtp: SmtpServer, config: RelayConfig, until: date, on_day: dict[date, Any] | None = None
) -> dict[str, list[tuple[date, str]]]:
    """Scan (twice, to prove it harmless) and relay every morning up to ``until``; who got what, when."""
    received: dict[str, list[tuple[date, str]]] = defaultdict(list)
    while clock().date() <= until:
        if on_day and clock().date() in on_day:
            on_day[clock().date()]()
        before = len(smtp.inbox.messages)
        scan(db, clock())
        scan(db, clock())
        relay(db, smtp.transport(), clock(), config=config)
        for m in smtp.inbox.messages[before:]:
            received[str(m["To"]).split("<")[1].split(".")[0]].append((clock().date(), str(m["Subject"])))
        clock.advance(days=1)
    return received
