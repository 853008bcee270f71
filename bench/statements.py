"""Figure 2, the same statements: an advance and a sign-off through the engine, against the bare driver
(``sqlite3`` / ``psycopg``) sending exactly the statements the engine sent, in one transaction.

The engine's statements are captured once per kind with a ``before_cursor_execute`` listener (text,
parameters, ``executemany`` or not, ``BEGIN IMMEDIATE`` included on SQLite). The driver then replays them on
*other* programmes prepared in the same state, the captured programme's id and its partners' ids swapped for
the fresh programme's, and long hexadecimal strings (hashes, message ids) salted so unique keys stay unique;
result rows are fetched as the engine fetches them. Target: engine rate / replay rate >= 0.5 on each backend.
The advance is also compared, for information, with the old floor: a two-statement transaction
(:class:`bench.targets.Raw`).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlalchemy import event

from bench.context import Context
from bench.prepare import READY, REQUESTED, Preparer
from bench.report import Row, ratio_rounds
from bench.targets import Raw, Target
from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry

GOAL = 0.5
_HEX = re.compile(r"^[0-9a-f]{32,}$")


@dataclass(frozen=True)
class Sent:
    statement: str
    parameters: Any
    many: bool


def capture(db: Database, call: Callable[[], object]) -> list[Sent]:
    """The statements ``call`` sends through ``db``'s engine, in order."""
    sent: list[Sent] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        sent.append(Sent(statement, parameters, many))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


class Replay:
    """The captured statements, sent by the bare driver for one fresh programme per transaction."""

    def __init__(self, target: Target, sent: list[Sent], captured_id: int) -> None:
        self.sqlite = target.name == "sqlite"
        self.conn = target.connect()
        self.sent = sent
        self.captured = self._ids(captured_id)
        self.salt = 0

    def _ids(self, programme_id: int) -> list[int]:
        mark = "?" if self.sqlite else "%s"
        rows = self.conn.execute(f"SELECT id FROM partners WHERE programme_id = {mark} ORDER BY id", (programme_id,))
        ids = [programme_id, *(r[0] for r in rows.fetchall())]
        if not self.sqlite:
            self.conn.rollback()
        return ids

    def mapping(self, programme_id: int) -> dict[int, int]:
        """Ids of the captured programme (and its partners) -> those of ``programme_id``; read beforehand."""
        return dict(zip(self.captured, self._ids(programme_id), strict=True))

    def _value(self, value: Any, ids: dict[int, int]) -> Any:
        if type(value) is int:
            return ids.get(value, value)
        if isinstance(value, str) and _HEX.match(value):
            return hashlib.sha256(f"{value}{self.salt}".encode()).hexdigest()[: len(value)]
        if isinstance(value, str) and str(self.captured[0]) in value:
            return re.sub(rf"\b{self.captured[0]}\b", str(ids[self.captured[0]]), value)
        return value

    def _params(self, params: Any, ids: dict[int, int]) -> Any:
        if isinstance(params, dict):
            return {k: self._value(v, ids) for k, v in params.items()}
        if isinstance(params, (list, tuple)) and params and isinstance(params[0], (list, tuple, dict)):
            return [self._params(p, ids) for p in params]
        return tuple(self._value(v, ids) for v in params)

    def run(self, mappings: list[dict[int, int]]) -> float:
        """One transaction per mapping; transactions per second."""
        conn, sqlite = self.conn, self.sqlite
        started = time.perf_counter()
        for ids in mappings:
            self.salt += 1
            cursor = conn.cursor()
            for s in self.sent:
                params = self._params(s.parameters, ids)
                if s.many:
                    cursor.executemany(s.statement, params)
                else:
                    cursor.execute(s.statement, params)
                if cursor.description is not None:
                    cursor.fetchall()
            if sqlite:
                conn.execute("COMMIT")
            else:
                conn.commit()
        return len(mappings) / (time.perf_counter() - started)

    def close(self) -> None:
        self.conn.close()


class _Kind:
    """One kind of transaction (advance or sign-off): the engine's call, and the replay of its statements."""

    def __init__(self, target: Target, ctx: Context, kind: str) -> None:
        self.kind = kind
        self.preparer = Preparer(target, ctx.folder, upto=READY if kind == "advance" else REQUESTED)
        self.preparer.ready(30)  # ids past the small numbers (seq, version, person) the statements also hold
        self.db = Database(target.url)
        self.programmes = Programmes(self.db, Registry(ctx.folder))
        self.signatory = self.preparer.signatories[0]
        warm = self.preparer.ready(3)
        for pid in warm[:2]:
            self.call(pid)
        self.sent = capture(self.db, lambda: self.call(warm[2]))
        self.replay = Replay(target, self.sent, warm[2])

    def call(self, pid: int) -> None:
        if self.kind == "advance":
            assert self.programmes.advance(pid).state == "second"
        else:
            self.programmes.sign(pid, self.signatory, "approve")

    def engine(self, n: int) -> float:
        ids = self.preparer.ready(n)
        started = time.perf_counter()
        for pid in ids:
            self.call(pid)
        return n / (time.perf_counter() - started)

    def driver(self, n: int) -> float:
        """Replays on ``n`` fresh programmes; checks the last one changed as the engine's call changes one.

        Raises:
            AssertionError: the replay did not advance (or sign off) the fresh programme.
        """
        ids = self.preparer.ready(n)
        rate = self.replay.run([self.replay.mapping(pid) for pid in ids])
        mark = "?" if self.replay.sqlite else "%s"
        query = (
            f"SELECT state FROM programmes WHERE id = {mark}"
            if self.kind == "advance"
            else f"SELECT count(*) FROM sign_offs WHERE programme_id = {mark}"
        )
        found = self.replay.conn.execute(query, (ids[-1],)).fetchone()[0]
        if not self.replay.sqlite:
            self.replay.conn.rollback()
        assert found == ("second" if self.kind == "advance" else 1), f"the replay left {found!r}"
        return rate

    def close(self) -> None:
        self.replay.close()
        self.db.dispose()
        self.preparer.dispose()


def _rounds(ctx: Context, target: Target, kind: str) -> tuple[list[float], list[float], int]:
    """Per-round ratios engine / replay (and, for the advance, engine / two-statement transaction)."""
    k = _Kind(target, ctx, kind)
    raw = Raw(target) if kind == "advance" else None
    try:
        k.driver(3)
        per_second = k.engine(5)
        n = max(10, min(300, int(ctx.plan.seconds / ctx.plan.rounds / 2 * per_second)))
        same, old = [], []
        for _ in range(ctx.plan.rounds):
            engine, driver = k.engine(n), k.driver(n)
            same.append(engine / driver)
            if raw is not None:
                old.append(engine / raw.run(n))
        return same, old, len(k.sent)
    finally:
        k.close()
        if raw is not None:
            raw.close()


def measure(ctx: Context) -> list[Row]:
    rows = []
    for target in ctx.targets("statements"):
        for kind in ("advance", "sign-off"):
            same, old, count = _rounds(ctx, target, kind)
            print(
                f"\n  {target.name} {kind}: {count} statements; engine / same statements {ratio_rounds(same)}",
                flush=True,
            )
            rows.append(
                Row(
                    f"2 same statements: {kind} ({target.name})",
                    f">= {GOAL}",
                    f"{median(same):.2f}",
                    median(same) >= GOAL,
                )
            )
            if old:
                print(f"  {target.name} {kind}: engine / two-statement transaction {ratio_rounds(old)}", flush=True)
                rows.append(
                    Row(f"2 old floor: advance / 2-statement tx ({target.name})", "info", f"{median(old):.3f}", None)
                )
    return rows
