"""Figure 5, the relay: messages per second the outbox relay (``workflow.reminders.delivery.relay_batch``,
batches of 50 over one SMTP connection per run, as the scheduler sends them) hands to an SMTP server
(aiosmtpd on loopback), against a plain ``smtplib`` loop sending the same message on one connection to the
same server. Target: relay / plain >= 0.5.

The outbox is filled by a reminder scan over copies of the sample (one chase per programme); between rounds
the relayed messages are put back to pending.
"""

from __future__ import annotations

import smtplib
import socket
import time
from datetime import timedelta
from statistics import median
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import text

from bench.context import Context
from bench.report import Row, ratio_rounds
from bench.site import SECRET, Site
from workflow.reminders.delivery import RelayConfig, relay_batch
from workflow.reminders.scan import scan
from workflow.reminders.transports import SmtpTransport

GOAL = 0.5
SENDER = "banns@bench.example"


class Counter:
    """The SMTP server's handler: counts messages and keeps the last one."""

    def __init__(self) -> None:
        self.count = 0
        self.last: bytes = b""
        self.to: list[str] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.count += 1
        self.last, self.to = envelope.content, list(envelope.rcpt_tos)
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plain(port: int, handler: Counter, n: int) -> float:
    message, to = handler.last, handler.to
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for _ in range(n):
            smtp.sendmail(SENDER, to, message)
    return n / (time.perf_counter() - started)


def _relayed(site: Site, port: int, handler: Counter, now: Any, n: int) -> float:
    config = RelayConfig(mail_from=f"banns <{SENDER}>", secret_key=SECRET)
    with site.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE outbox SET status = 'pending', attempts = 0, claimed_until = NULL, "
                "next_attempt_at = NULL, sent_at = NULL"
            )
        )
    before = handler.count
    started = time.perf_counter()
    transport = SmtpTransport("127.0.0.1", port, "none", timeout=10)  # one per run, as the scheduler's
    try:
        while relay_batch(site.db, transport, now, config=config).sent:
            pass
    finally:
        transport.close()
    elapsed = time.perf_counter() - started
    assert handler.count - before == n, (handler.count - before, n)
    return n / elapsed


def measure(ctx: Context) -> list[Row]:
    site = Site.make(ctx.sqlite("relay").url, ctx.tmp / "relay")
    handler, port = Counter(), _port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        site.grow(ctx.plan.relay_messages)
        now = site.sample.created_at + timedelta(days=20)
        n = scan(site.db, now)
        _relayed(site, port, handler, now, n)  # warm, and a message for the plain loop to send
        ratios, rates = [], (0.0, 0.0)
        for _ in range(ctx.plan.rounds):
            rates = _relayed(site, port, handler, now, n), _plain(port, handler, n)
            ratios.append(rates[0] / rates[1])
    finally:
        controller.stop()
        site.close()
    print(
        f"\n  sqlite: relay {rates[0]:.0f} messages/s, plain smtplib {rates[1]:.0f}/s (last round, {n} messages); "
        f"ratio {ratio_rounds(ratios)}",
        flush=True,
    )
    return [
        Row("5 relay: relay / plain smtplib (sqlite)", f">= {GOAL}", f"{median(ratios):.2f}", median(ratios) >= GOAL)
    ]
