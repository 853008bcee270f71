"""The Authlib client of each identity provider, built once per app from ``[[sso.providers]]``: the
authorization code flow with PKCE (S256), state and nonce, the client's secret sent as the provider expects,
and every request to the provider limited to :data:`TIMEOUT` seconds. The discovery document is read at the
first sign-in with a provider and kept; its issuer must be the configured one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from workflow.settings import SsoProvider, SsoSettings

#: seconds to wait for a provider (its discovery document, keys and token endpoint)
TIMEOUT = 10


class ProviderUnavailableError(Exception):
    """The provider could not be reached, or answered with something that is not a usable discovery
    document (the message says what; for the log, not the page)."""


@dataclass(frozen=True)
class Configured:
    """A provider's settings and its Authlib client."""

    provider: SsoProvider
    client: Any


def init_app(app: Flask) -> None:
    sso: SsoSettings = app.config["SSO"]
    oauth = OAuth(app)
    found = {}
    for provider in sso.providers:
        client = oauth.register(
            provider.id,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery,
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": provider.token_auth,
                "default_timeout": TIMEOUT,
            },
        )
        found[provider.id] = Configured(provider, client)
    app.extensions["banns_sso"] = found
    app.add_template_global(providers, "sso_providers")


def providers() -> list[SsoProvider]:
    """The providers people may sign in with, in the configured order."""
    return [c.provider for c in current_app.extensions["banns_sso"].values()]


def configured(provider_id: str) -> Configured | None:
    found: Configured | None = current_app.extensions["banns_sso"].get(provider_id)
    return found


def metadata(found: Configured) -> dict[str, Any]:
    """The provider's discovery document, read once and kept.

    Raises:
        ProviderUnavailableError: unreachable, not JSON, or its issuer is not the configured one.
    """
    try:
        document: dict[str, Any] = found.client.load_server_metadata()
    except Exception as exc:  # requests' errors, a JSON error, an HTTP error status
        raise ProviderUnavailableError(f"discovery document of {found.provider.id}: {exc}") from exc
    if document.get("issuer") != found.provider.issuer:
        found.client.server_metadata.pop("_loaded_at", None)  # read it again next time
        raise ProviderUnavailableError(
            f"{found.provider.id}: the discovery document's issuer {document.get('issuer')!r} "
            f"is not the configured {found.provider.issuer!r}"
        )
    return document


def key_set(found: Configured, force: bool) -> dict[str, Any]:
    """The provider's signing keys (JWKS), kept after the first read; ``force``: read them again.

    Raises:
        ProviderUnavailableError: they could not be read.
    """
    try:
        keys: dict[str, Any] = found.client.fetch_jwk_set(force=force)
    except Exception as exc:  # requests' errors, a JSON error, an HTTP error status
        raise ProviderUnavailableError(f"keys of {found.provider.id}: {exc}") from exc
    return keys
