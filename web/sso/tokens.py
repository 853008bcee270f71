"""Checking an ID token: its signature against the provider's published keys (JWKS, from the discovery
document; fetched again once when the token names a key not yet known, as after a key rotation), with only the
provider's configured asymmetric algorithms; then its issuer (per tenant for a multi-tenant Microsoft Entra
ID issuer), audience, expiry, issue time and nonce (Authlib's ``CodeIDToken`` rules, two minutes' leeway for
clocks). What fails is said as a code (:data:`TokenProblem`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet

from workflow.accounts.sso import Identity
from workflow.settings import TENANT_PLACEHOLDER, SsoProvider

#: what is wrong with an ID token
TokenProblem = Literal[
    "missing", "signature", "malformed", "issuer", "audience", "expired", "nonce", "tenant", "claims"
]
#: seconds of difference between the provider's clock and this server's that are forgiven
LEEWAY = 120


class TokenError(Exception):
    """An ID token that does not prove who signed in: ``problem`` says why."""

    def __init__(self, problem: TokenProblem, detail: str = "") -> None:
        self.problem: TokenProblem = problem
        super().__init__(f"ID token refused: {problem}{': ' + detail if detail else ''}")


def verify_id_token(
    token: dict[str, Any],
    provider: SsoProvider,
    jwks: Callable[[bool], dict[str, Any]],
    nonce: str,
) -> Identity:
    """Who the provider vouches for, from the token endpoint's answer ``token``. ``jwks(force)``: the
    provider's key set (``force``: fetch it again rather than use the one kept).

    Raises:
        TokenError: see :data:`TokenProblem`.
    """
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise TokenError("missing")
    decoded = _decode(raw, provider, jwks)
    claims = decoded.claims
    issuer = _expected_issuer(provider, claims)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    params = {"nonce": nonce, "client_id": provider.client_id, "access_token": token.get("access_token")}
    checked = CodeIDToken(claims, decoded.header, options, params)
    try:
        checked.validate(leeway=LEEWAY)
    except ExpiredTokenError as exc:
        raise TokenError("expired") from exc
    except ClaimError as exc:
        named: dict[str, TokenProblem] = {"iss": "issuer", "aud": "audience", "azp": "audience", "nonce": "nonce"}
        raise TokenError(named.get(exc.claim, "claims"), str(exc)) from exc
    verified = claims.get(provider.email_verified_claim)
    email = claims.get("email")
    name = claims.get("name")
    return Identity(
        provider=provider.id,
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) else None,
        email_verified=verified is True or (isinstance(verified, str) and verified.lower() == "true"),
        name=name if isinstance(name, str) else None,
    )


def _decode(raw: str, provider: SsoProvider, jwks: Callable[[bool], dict[str, Any]]) -> jwt.Token:
    """The token, its signature checked; the key set is fetched again once if it lacks the token's key."""
    for force in (False, True):
        try:
            return jwt.decode(raw, KeySet.import_key_set(jwks(force)), algorithms=list(provider.algorithms))  # type: ignore[arg-type]
        except InvalidKeyIdError:
            if force:
                raise TokenError("signature", "no published key has the token's key id") from None
        except BadSignatureError as exc:
            raise TokenError("signature") from exc
        except (JoseError, ValueError, TypeError) as exc:
            raise TokenError("malformed", str(exc)) from exc
    raise AssertionError("unreachable")


def _expected_issuer(provider: SsoProvider, claims: dict[str, Any]) -> str:
    """The issuer the token must name: the configured one, with the token's tenant in a multi-tenant issuer;
    and that tenant must be allowed.

    Raises:
        TokenError: ``tenant``.
    """
    tenant = claims.get("tid")
    if provider.allowed_tenants and (not isinstance(tenant, str) or tenant not in provider.allowed_tenants):
        raise TokenError("tenant", f"tenant {tenant!r} is not allowed")
    if TENANT_PLACEHOLDER in provider.issuer:
        return provider.issuer.replace(TENANT_PLACEHOLDER, str(tenant))
    return provider.issuer
