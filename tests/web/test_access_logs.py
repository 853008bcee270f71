"""Tokens never reach an access log: links carry them in the query string, which the development server's
request log (a filter installed by ``auth.init_app``) and gunicorn's (``gunicorn.conf.py``) both leave out.
Real servers on loopback, real requests."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from web_support import ROOT, make_app
from werkzeug.serving import make_server

SECRET = "Zq7-secret-token-never-logged"
REFERRER_SECRET = "Rf9-referrer-token-never-logged"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the development server colours its lines
PATHS = [f"/invitation?token={SECRET}", f"/password-reset/new?token={SECRET}", f"/invitation/{SECRET}"]


def _get(url: str) -> int:
    request = urllib.request.Request(url, headers={"Referer": f"http://127.0.0.1/x?token={REFERRER_SECRET}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_development_server_logs_paths_without_their_tokens(
    tmp_path: Path, database_url: str, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, database_url, clock)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in PATHS:
            _get(f"http://127.0.0.1:{server.server_port}{path}")
    finally:
        server.shutdown()
        app.extensions["banns"].db.dispose()
    lines = [ANSI.sub("", r.getMessage()) for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET /invitation HTTP/1.1" 410' in line for line in lines), lines
    assert any("/password-reset/new HTTP/1.1" in line for line in lines), lines
    assert any("/invitation/- HTTP/1.1" in line for line in lines), lines
    assert not [line for line in lines if SECRET in line or "token=" in line]


@pytest.mark.slow
def test_gunicorn_logs_paths_without_their_tokens(tmp_path: Path, database_url: str) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "BANNS_INSTANCE": str(tmp_path / "instance"),
        "BANNS_DATABASE_URL": database_url,
        "BANNS_SECRET_KEY": "gunicorn-test",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "web:create_app()"]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as server:
        try:
            _wait_for(port)
            statuses = [_get(f"http://127.0.0.1:{port}{path}") for path in PATHS]
            time.sleep(0.5)
        finally:
            server.terminate()
        log = server.communicate(timeout=30)[0].decode()
    assert statuses[0] == 410 and statuses[1] == 410, (statuses, log)
    assert '"GET /invitation HTTP/1.1" 410' in log, log
    assert '"GET /password-reset/new HTTP/1.1" 410' in log, log
    assert '"GET /invitation/- HTTP/1.1" 302' in log, log
    assert SECRET not in log and REFERRER_SECRET not in log and "token=" not in log


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start on port {port}")
