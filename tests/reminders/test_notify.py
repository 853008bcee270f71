"""GOV.UK Notify as the way out: the relay against a real HTTP server on loopback that speaks Notify's send-email
API (and checks the JSON Web Token the client signs with the key's secret), its refusals mapped onto failed
and retried messages, and Notify's delivery receipts on the callback endpoint updating the Sent mail page."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from reminders_support import BASE_URL, SECRET
from sqlalchemy import select, update

from web import create_app
from workflow.engine.db import Database
from workflow.engine.models import Person
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, list_mail, relay
from workflow.reminders.models import OutboxMessage
from workflow.reminders.notify import NotifyTransport
from workflow.reminders.outbox import queue_invitation
from workflow.reminders.transports import transport_from_settings
from workflow.settings import Settings, SettingsError, load_settings

SERVICE_ID = str(uuid.uuid4())
KEY_SECRET = str(uuid.uuid4())
API_KEY = f"banns_test-{SERVICE_ID}-{KEY_SECRET}"
TEMPLATE_ID = str(uuid.uuid4())
CALLBACK_TOKEN = "notify-callback-token-for-the-tests"
SAM = "sam.ellis@audit.example"


@dataclass
class FakeNotify:
    """What the server received (each a JSON body), and the status it answers with next: ``answers`` are
    used up one per request, then 201."""

    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    refused_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path != "/v2/notifications/email":
                return self._answer(404, {"errors": [{"error": "NotFound"}]})
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, KEY_SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
            except jwt.InvalidTokenError:
                with state.lock:
                    state.refused_tokens += 1
                return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
            if claims["iss"] != SERVICE_ID:
                return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid service"}]})
            with state.lock:
                status = state.answers.pop(0) if state.answers else 201
                if status == 201:
                    state.received.append(body)
            if status != 201:
                return self._answer(status, {"status_code": status, "errors": [{"error": "Error", "message": "no"}]})
            notification = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}}
            self._answer(201, notification)

    return Handler


@pytest.fixture
def notify() -> Iterator[tuple[FakeNotify, str]]:
    state = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def notify_settings(tmp_path: Path, database_url: str, base_url: str) -> Settings:
    """The settings as ``banns.toml`` gives them: loaded and checked like any instance's."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "banns.toml").write_text(
        f'SECRET_KEY = "{SECRET}"\nDATABASE_URL = "{database_url}"\nBASE_URL = "{BASE_URL}"\n'
        f'NOTIFY_API_KEY = "{API_KEY}"\nNOTIFY_TEMPLATE_ID = "{TEMPLATE_ID}"\nNOTIFY_BASE_URL = "{base_url}"\n'
        f'NOTIFY_CALLBACK_TOKEN = "{CALLBACK_TOKEN}"\n'
    )
    return load_settings(instance, env={})


def queue(db: Database, now: Any, count: int) -> None:
    with db.write() as session:
        sam = session.scalar(select(Person).where(Person.email == SAM))
        assert sam is not None
        for n in range(count):
            queue_invitation(session, sam, f"https://banns.example/invite/{n}", now)


def statuses(db: Database) -> list[str]:
    return [m.status for m in sorted(list_mail(db), key=lambda m: m.id)]


def test_a_message_goes_through_notify_with_its_subject_body_and_recipient(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, notify: Any, tmp_path: Path
) -> None:
    state, url = notify
    queue(db, clock(), 1)
    transport = transport_from_settings(notify_settings(tmp_path, db.url, url), db)
    assert isinstance(transport, NotifyTransport)
    assert relay(db, transport, clock(), config=relay_config).sent == 1
    [sent] = state.received
    assert sent["email_address"] == SAM and sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"]["subject"] == list_mail(db)[0].subject
    assert "invite/0" in sent["personalisation"]["body"]
    assert state.refused_tokens == 0
    assert statuses(db) == ["sent"]
    assert list(transport.notification_ids) == [sent["reference"]]


def test_a_deadline_becomes_a_link_to_the_persons_calendar_feed(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, notify: Any, tmp_path: Path
) -> None:
    state, url = notify
    queue(db, clock(), 1)
    with db.write() as session:
        session.execute(update(OutboxMessage).values(deadline=date(2027, 2, 1), deadline_title="Sign-off due"))
    relay(db, transport_from_settings(notify_settings(tmp_path, db.url, url), db), clock(), config=relay_config)
    body = state.received[0]["personalisation"]["body"]
    assert f"Sign-off due: {BASE_URL}/calendar/" in body and body.rstrip().endswith(".ics")


def test_a_400_fails_the_message_and_429_and_500_are_retried_until_sent(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, notify: Any, tmp_path: Path
) -> None:
    state, url = notify
    settings = notify_settings(tmp_path, db.url, url)
    queue(db, clock(), 2)
    state.answers = [400, 429]  # the first message refused for good; then Notify's rate limit
    result = relay(db, transport_from_settings(settings, db), clock(), config=relay_config)
    assert (result.sent, result.retrying, result.failed) == (0, 1, 1)
    failed = list_mail(db, statuses=["failed"])[0]
    assert "400" in (failed.last_error or "")
    clock.advance(seconds=61)
    state.answers = [500]
    assert relay(db, transport_from_settings(settings, db), clock(), config=relay_config).retrying == 1
    assert statuses(db) == ["failed", "pending"]
    clock.advance(seconds=121)
    assert relay(db, transport_from_settings(settings, db), clock(), config=relay_config).sent == 1
    assert statuses(db) == ["failed", "sent"]
    assert len(state.received) == 1


def test_notify_unreachable_is_retried(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, tmp_path: Path
) -> None:
    queue(db, clock(), 2)
    nowhere = notify_settings(tmp_path, db.url, "http://127.0.0.1:9")  # the discard port: nothing answers
    result = relay(db, transport_from_settings(nowhere, db), clock(), config=relay_config)
    assert (result.sent, result.retrying, result.failed) == (0, 2, 0)


def _admin_page(app: Any, db: Database) -> str:
    """The Sent mail page as an admin sees it."""
    with app.app_context():
        from web.services import services

        ada = services().accounts.add_person("Ada Admin", "ada@banns.example", services().programmes.clock())
        with db.write() as session:
            session.execute(update(Person).where(Person.id == ada.id).values(is_admin=True))
        sid = services().accounts.start_session(ada.id, services().programmes.clock())
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(person_id=ada.id, sid=sid)
        session.permanent = True
    return str(client.get("/admin/mail").get_data(as_text=True))


def test_receipts_update_the_sent_mail_page_and_a_wrong_token_is_refused(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, notify: Any, tmp_path: Path
) -> None:
    state, url = notify
    settings = notify_settings(tmp_path, db.url, url)
    queue(db, clock(), 2)
    relay(db, transport_from_settings(settings, db), clock(), config=relay_config)
    first, second = (m["reference"] for m in state.received)
    app = create_app({"INSTANCE": str(settings.instance), "TESTING": True, "CLOCK": clock})
    try:
        client = app.test_client()
        receipt = {"id": str(uuid.uuid4()), "reference": first, "status": "delivered", "to": SAM}
        wrong = client.post("/notify/callback", json=receipt, headers={"Authorization": "Bearer not-the-token"})
        missing = client.post("/notify/callback", json=receipt)
        assert (wrong.status_code, missing.status_code) == (401, 401)
        assert statuses(db) == ["sent", "sent"]

        bearer = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}
        forged = {**receipt, "status": "permanent-failure", "id": "x\nmessage 1: delivered <b>ok</b>"}
        assert client.post("/notify/callback", json=forged, headers=bearer).status_code == 400
        assert statuses(db) == ["sent", "sent"], "a receipt whose id is not Notify's changes nothing"
        assert client.post("/notify/callback", json=receipt, headers=bearer).status_code == 200
        bounced = {"id": str(uuid.uuid4()), "reference": second, "status": "permanent-failure", "to": SAM}
        assert client.post("/notify/callback", json=bounced, headers=bearer).status_code == 200
        assert statuses(db) == ["delivered", "failed"]
        page = _admin_page(app, db)
        assert "Delivered" in page and "Notify: permanent-failure" in page and "Send again" in page
        unknown = {"id": str(uuid.uuid4()), "reference": "no-such-message", "status": "delivered"}
        assert client.post("/notify/callback", json=unknown, headers=bearer).status_code == 404
    finally:
        app.extensions["banns"].db.dispose()


def test_a_key_without_a_template_or_a_malformed_key_stops_the_start_naming_the_setting(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "banns.toml").write_text(f'NOTIFY_API_KEY = "{API_KEY}"\n')
    with pytest.raises(SettingsError, match="NOTIFY_TEMPLATE_ID"):
        load_settings(instance, env={})
    with pytest.raises(SettingsError, match="BANNS_NOTIFY_API_KEY = \\(hidden\\) is not valid") as refused:
        load_settings(instance, env={"BANNS_NOTIFY_API_KEY": f"not-a-key-{KEY_SECRET}"})
    assert KEY_SECRET not in str(refused.value)


def test_with_no_callback_token_configured_the_callback_is_not_there(
    db: Database, northbridge: ProgrammeView, clock: Any, tmp_path: Path
) -> None:
    app = create_app(
        {"INSTANCE": str(tmp_path / "instance"), "TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "t"}
    )
    try:
        receipt = {"id": str(uuid.uuid4()), "reference": "x", "status": "delivered"}
        answer = app.test_client().post("/notify/callback", json=receipt, headers={"Authorization": "Bearer "})
        assert answer.status_code == 404
    finally:
        app.extensions["banns"].db.dispose()
