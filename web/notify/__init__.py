"""GOV.UK Notify's delivery receipts: ``POST /notify/callback``, where Notify tells banns whether each email
arrived (:func:`workflow.reminders.notify.record_receipt` updates the message on the Sent mail page).

A machine endpoint: no session and no CSRF token (exempt below), but Notify's bearer token, the
``NOTIFY_CALLBACK_TOKEN`` setting, compared in constant time; a wrong or missing one is 401, and with no
token configured the endpoint answers 404, as if it were not there.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, abort, current_app, request

from web.extensions import csrf
from web.services import services
from workflow.reminders.notify import RECEIPT_UNKNOWN, record_receipt

bp = Blueprint("notify", __name__)

#: The endpoint, for the public endpoints of web/accounts/auth.py (it needs no signed-in person).
CALLBACK = "notify.callback"


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
    outcome = record_receipt(
        services().db, receipt["reference"], str(receipt.get("id") or ""), receipt["status"].strip().lower()
    )
    if outcome == RECEIPT_UNKNOWN:
        return {"error": "no message has that reference"}, 404
    return {"result": outcome}, 200
