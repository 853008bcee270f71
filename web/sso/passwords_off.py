"""Passwords turned off for an email domain (``passwords_off_domains`` of a provider): password sign-in, a
password reset and setting a password from an invitation all send the person to their organisation's sign-in
instead, so that the organisation alone decides who gets in (a leaver disabled there is out of banns too)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from workflow.accounts.sso import passwords_off_for
from workflow.settings import SsoProvider

from ..extensions import _


def provider_for(email: str) -> SsoProvider | None:
    """The provider people of this email's domain must sign in with, if passwords are off for them."""
    found: SsoProvider | None = passwords_off_for(email, current_app.config["SSO"])
    return found


def words(provider: SsoProvider) -> str:
    """What to tell someone who tried a password: where to sign in instead."""
    return str(_("Your organisation signs you in to banns: use the button Sign in with %(org)s", org=provider.title))


def page(provider: SsoProvider, status: int) -> Any:
    """Instead of a password form: the organisation's sign-in button."""
    return render_template("auth/passwords_off.html", provider=provider, message=words(provider)), status
