"""Single sign-on with OpenID Connect: a button per identity provider of ``[[sso.providers]]`` on the sign-in
page (:mod:`.views`), Authlib as the client (:mod:`.clients`), the ID token checked here (:mod:`.tokens`) and
the person matched in :mod:`workflow.accounts.sso`. A sign-in ends in the same banns session as a password's.
"""

from __future__ import annotations

from flask import Flask

from . import clients
from .views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """An Authlib client per configured provider, and the sign-in page's buttons."""
    clients.init_app(app)
