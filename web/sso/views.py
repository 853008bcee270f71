"""Signing in with an identity provider: ``/sign-in/sso/<provider>`` sends the browser there with a state,
a nonce and a PKCE challenge kept in its session; the provider sends it back to ``.../callback``, where the
state must be the one this browser was given, unused (:meth:`Accounts.spend_sso_state`) and under ten
minutes old, the code is exchanged with its PKCE verifier, and the ID token is checked (:mod:`.tokens`).
The person is then matched by verified email (:mod:`workflow.accounts.sso`) and signed in exactly as by a
password. Every refusal is a page saying why and what to do (401: not proved who they are; 403: proved, not
let in), logged without the token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from werkzeug.wrappers import Response

from web.accounts import auth  # a module, not its names: auth imports this package too
from workflow.accounts.sso import STATE_LIFETIME, SsoRefusedError
from workflow.settings import SsoProvider

from ..extensions import _
from ..services import external_url, now, services
from . import clients
from .tokens import TokenError, verify_id_token

bp = Blueprint("sso", __name__)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sign-in/sso/<provider_id>")
def start(provider_id: str) -> Any:
    """Off to the provider, with a new state, nonce and PKCE verifier kept in this browser's session."""
    found = _found(provider_id)
    try:
        clients.metadata(found)
        redirect_uri = external_url("sso.callback", provider_id=provider_id)
        made = found.client.create_authorization_url(redirect_uri)
    except clients.ProviderUnavailableError as exc:
        return _unavailable(found.provider, exc)
    url = made.pop("url")
    target = auth.safe_next(request.args.get("next"))
    found.client.save_authorize_data(redirect_uri=redirect_uri, started=now().timestamp(), next=target, **made)
    return redirect(url)


@bp.get("/sign-in/sso/<provider_id>/callback")
def callback(provider_id: str) -> Any:
    """The provider's answer: checked, then a banns session, or a page saying why not."""
    found = _found(provider_id)
    provider = found.provider
    if request.args.get("error"):
        said = request.args["error"][:60].encode("unicode_escape").decode()
        current_app.logger.info("sign-in at %s ended by the provider: %s", provider.id, said)
        return _refused(provider, "provider_said_no", 401)
    state = request.args.get("state", "")
    data = found.client.framework.get_state_data(session, state) if state else None
    if state:
        found.client.framework.clear_state_data(session, state)
    if not data or not _fresh(data) or not services().accounts.spend_sso_state(state, now()):
        return _refused(provider, "state", 401)
    try:
        token = found.client.fetch_access_token(
            redirect_uri=data["redirect_uri"], code=request.args.get("code", ""), code_verifier=data["code_verifier"]
        )
        identity = verify_id_token(token, provider, lambda force: clients.key_set(found, force), data["nonce"])
    except AuthlibBaseError as exc:
        current_app.logger.warning("sign-in at %s: the code was refused: %s", provider.id, exc)
        return _refused(provider, "code", 401)
    except TokenError as exc:
        current_app.logger.warning("sign-in at %s: %s", provider.id, exc)
        return _refused(provider, exc.problem, 401)
    except Exception as exc:  # the provider unreachable, or its answer not JSON (ProviderUnavailableError too)
        return _unavailable(provider, exc)
    try:
        actor = services().accounts.sso_sign_in(identity, provider, now())
    except SsoRefusedError as exc:
        current_app.logger.info("sign-in at %s refused: %s", provider.id, exc.code)
        return _refused(provider, exc.code, 403)
    assert actor.person_id is not None and identity.email
    current_app.logger.info("person %s signed in with %s", actor.person_id, provider.id)
    return auth.start_session(actor.person_id, identity.email, auth.safe_next(data.get("next")))


def _found(provider_id: str) -> clients.Configured:
    found = clients.configured(provider_id)
    if found is None:
        abort(404)
    return found


def _fresh(data: dict[str, Any]) -> bool:
    """The sign-in was started at most :data:`STATE_LIFETIME` ago (by this app's clock)."""
    try:
        started = datetime.fromtimestamp(float(data["started"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return False
    return now() - STATE_LIFETIME <= started <= now()


def _refused(provider: SsoProvider, code: str, status: int) -> Any:
    """The page for a sign-in that did not happen: what went wrong, in words, and a way back."""
    org = provider.title
    words = {
        "provider_said_no": _("%(org)s did not sign you in. Try again, or sign in another way.", org=org),
        "state": _(
            "This sign-in link has already been used or has expired. Start again from the sign-in page.",
        ),
        "uninvited": _(
            "You do not have a banns account yet. Ask your programme manager or an administrator to invite you "
            "with the email address %(org)s gave us.",
            org=org,
        ),
        "deactivated": _("Your account has been deactivated. Ask an administrator if you need to sign in again."),
        "email_missing": _("%(org)s did not tell us your email address, so we cannot find your account.", org=org),
        "email_unverified": _(
            "%(org)s did not confirm that your email address is verified, so we cannot sign you in with it.", org=org
        ),
        "domain_not_served": _(
            "%(org)s cannot sign in people with your email address. Use your own organisation's sign-in.", org=org
        ),
        "identity_mismatch": _(
            "Your banns account is linked to a different %(org)s account. If your organisation gave you a new "
            "account, ask an administrator to unlink the old one.",
            org=org,
        ),
        "tenant": _("Your organisation's directory is not one banns accepts for %(org)s.", org=org),
    }
    message = words.get(code) or _(
        "We could not confirm your sign-in with %(org)s. Start again from the sign-in page.", org=org
    )
    title = _("You cannot sign in") if status == 403 else _("Your sign-in could not be confirmed")
    return render_template("auth/sso_refused.html", title=title, message=message, status=status), status


def _unavailable(provider: SsoProvider, exc: Exception) -> Any:
    current_app.logger.error("sign-in with %s unavailable: %s", provider.id, exc)
    message = _(
        "The sign-in service of %(org)s cannot be reached just now. Try again later, or sign in another way.",
        org=provider.title,
    )
    title = _("Sign-in is not available")
    return render_template("auth/sso_refused.html", title=title, message=message, status=502), 502
