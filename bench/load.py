"""Figure 7, load: pages per second and the 95th percentile under 16 concurrent clients, through gunicorn with
4 workers (``gunicorn.conf.py``), on SQLite and PostgreSQL. The clients are threads of this process, each
asking in turn for the portfolio, My work and the sample's programme page over ``http.client``, with the
session cookie of the sample's programme manager (on every programme). Printed, with the errors: any error
(a status other than 200, or no answer) is a miss. gunicorn loads the app once before forking (``--preload``): on
a loaded machine four workers importing it at once took longer than gunicorn waits for them.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from statistics import quantiles

from bench.context import Context
from bench.relay import _port as free_port
from bench.report import Row
from bench.site import ROOT, SECRET, Site

CLIENTS, WORKERS, PROGRAMMES = 16, 4, 100


def _serve(site: Site, url: str, instance: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BANNS_INSTANCE": str(instance),
        "BANNS_DATABASE_URL": url,
        "BANNS_SECRET_KEY": SECRET,
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [
        str(gunicorn),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "--preload",
        "--timeout",
        "120",
        "web:create_app()",
    ]
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline, last = time.monotonic() + 120, "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {server.stderr.read().decode()[-500:] if server.stderr else ''}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sign-in")
            status = conn.getresponse().status
            if status == 200:
                return server
            last = f"GET /sign-in answered {status}"
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer within 120 s ({last})")


class Clients:
    """``CLIENTS`` threads asking for pages until a deadline; latencies and errors."""

    def __init__(self, port: int, cookie: str, paths: list[str]) -> None:
        self.port, self.cookie, self.paths = port, cookie, paths
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def _client(self, k: int, until: float) -> None:
        i = k
        while time.perf_counter() < until:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", path, headers={"Cookie": self.cookie})
                response = conn.getresponse()
                response.read()
                conn.close()
                error = None if response.status == 200 else f"{path}: {response.status}"
            except OSError as exc:
                error = f"{path}: {type(exc).__name__} {exc}"
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                if error:
                    self.errors.append(error)

    def run(self, seconds: float) -> float:
        """Pages per second over ``seconds``."""
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=self._client, args=(k, until)) for k in range(CLIENTS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return len(self.latencies) / (time.perf_counter() - started)


def measure(ctx: Context) -> list[Row]:
    rows = []
    for target in ctx.targets("load"):
        instance = ctx.tmp / f"load-{target.name}"
        site = Site.make(target.url, instance)
        server = None
        try:
            site.grow(PROGRAMMES)
            cookie = site.cookie()
            port = free_port()
            server = _serve(site, target.url, instance, port)
            paths = ["/programmes", "/", f"/programmes/{site.sample.id}"]
            Clients(port, cookie, paths).run(1)  # warm every worker
            clients = Clients(port, cookie, paths)
            rate = clients.run(ctx.plan.load_seconds)
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
            site.close()
        p95 = quantiles(clients.latencies, n=20)[-1] * 1000
        print(
            f"\n  {target.name}: {rate:.1f} pages/s, p95 {p95:.0f} ms, {len(clients.latencies)} pages, "
            f"{len(clients.errors)} errors {clients.errors[:3]}",
            flush=True,
        )
        rows.append(
            Row(
                f"7 load: {CLIENTS} clients, gunicorn x{WORKERS} ({target.name})",
                "0 errors",
                f"{rate:.1f} pages/s, p95 {p95:.0f} ms, {len(clients.errors)} errors",
                not clients.errors,
            )
        )
    return rows
