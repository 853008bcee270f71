"""GOV.UK Notify's delivery receipts: ``POST /notify/callback``, where Notify tells banns whether each email
arrived (:func:`workflow.reminders.notify.record_receipt` updates the message on the Sent mail page).

A machine endpoint: no session and no CSRF token (exempt below), but Notify's bearer token, the
``NOTIFY_CALLBACK_TOKEN`` setting, compared in constant time; a wrong or missing one is 401, and with no
token configured the endpoint answers 404, as if it were not there.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from flask import Blueprint, abort, current_app, request

from web.extensions import csrf
from web.services import services
from workflow.reminders.notify import RECEIPT_UNKNOWN, record_receipt

bp = Blueprint("notify", __name__)

#: The endpoint, for the public endpoints of web/accounts/auth.py (it needs no signed-in person).
CALLBACK = "notify.callback"
#: A notification id as Notify writes it (a UUID).
NOTIFICATION_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _authorised() -> bool:
    expected = str(current_app.config.get("NOTIFY_CALLBACK_TOKEN") or "")
    if not expected:
        abort(404)
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


@bp.post("/notify/callback")
@csrf.exempt  # type: ignore[untyped-decorator]  # Flask-WTF's decorator is not typed
def callback() -> Any:
    if not _authorised():
        return {"error": "unauthorised"}, 401, {"WWW-Authenticate": "Bearer"}
    receipt = request.get_json(silent=True)
    if not isinstance(receipt, dict) or not all(isinstance(receipt.get(k), str) for k in ("reference", "status")):
        return {"error": "expected JSON with reference and status"}, 400
    notification = str(receipt.get("id") or "")
    if not NOTIFICATION_ID.fullmatch(notification) or len(receipt["reference"]) > 255:
        # Notify's ids are UUIDs; anything else would only carry text into the log and the Sent mail page
        return {"error": "id must be Notify's notification id (a UUID)"}, 400
    outcome = record_receipt(services().db, receipt["reference"], notification, receipt["status"].strip().lower())
    if outcome == RECEIPT_UNKNOWN:
        return {"error": "no message has that reference"}, 404
    return {"result": outcome}, 200
