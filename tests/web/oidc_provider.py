"""A real OpenID Connect provider for the single sign-on tests, built on Authlib's server side and served on
loopback by Werkzeug in a thread: a discovery document, its signing keys (JWKS), an authorization endpoint
that approves whoever :attr:`Provider.user` is (no login page), and a token endpoint that checks the client's
secret and the PKCE verifier and issues an RS256-signed ID token.

Its bad behaviours are switches the tests turn on: an ID token for another audience, one already expired,
one whose claims were changed after signing, and (Microsoft Entra ID's way) a multi-tenant issuer with a
``tid`` claim.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "banns-test-client"
CLIENT_SECRET = "a-long-test-secret-of-the-client"


@dataclass
class User:
    """Who the provider says signed in."""

    sub: str
    email: str
    email_verified: bool = True
    name: str = "Someone"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class Client(ClientMixin):
    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return "http://localhost/"

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri.startswith("http://localhost/sign-in/sso/")

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == CLIENT_SECRET

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class Provider:
    """The provider, running; :meth:`stop` it. ``issuer`` is its address (with ``{tenantid}`` in it when
    ``tenant`` is set, as Entra's multi-tenant discovery document has)."""

    def __init__(self, tenant: str | None = None) -> None:
        self.user = User("sub-0", "nobody@example.org")
        self.tenant = tenant
        self.wrong_audience = False
        self.expired = False
        self.tampered = False
        #: the authorization requests it received (their query parameters)
        self.authorizations: list[dict[str, str]] = []
        #: how many times its token endpoint gave out a token
        self.tokens_issued = 0
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, Code] = {}
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = f"{self.base}/{{tenantid}}/v2.0" if tenant else self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def toml(self, provider_id: str = "test-idp", **extra: Any) -> str:
        """This provider as a ``[[sso.providers]]`` table of ``banns.toml``."""
        values: dict[str, Any] = {
            "id": provider_id,
            "title": "Northbridge Council",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            **({"allowed_tenants": [self.tenant], "discovery_url": self._discovery_url()} if self.tenant else {}),
            **extra,
        }

        def shown(value: Any) -> str:
            return "[" + ", ".join(shown(v) for v in value) + "]" if isinstance(value, list) else f'"{value}"'

        return "[[sso.providers]]\n" + "".join(f"{k} = {shown(v)}\n" for k, v in values.items())

    def approve(self, authorization_url: str) -> str:
        """What a browser does at the provider: open the authorization URL; the provider approves at once and
        sends it back. Returns the path and query of the banns callback it was sent to."""
        answer = requests.get(authorization_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["Location"])
        assert back.netloc == "localhost", back
        return f"{back.path}?{back.query}"

    def _discovery_url(self) -> str:
        return f"{self.base}/organizations/v2.0/.well-known/openid-configuration"

    def _id_token_claims(self, client: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer.replace("{tenantid}", self.tenant or ""),
            "aud": ["someone-else"] if self.wrong_audience else [client.get_client_id()],
            "iat": now - (7200 if self.expired else 0),
            "exp": now - 3600 if self.expired else now + 600,
        }
        if self.tenant:
            claims["tid"] = self.tenant
        return claims

    def _tamper(self, token: str) -> str:
        """The same signature over changed claims: someone else's email."""
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "ada.admin@banns.example"
        changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return f"{header}.{changed}.{signature}"

    def _build(self) -> Flask:
        app = Flask("oidc-test-provider")
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                data = req.payload.data
                provider.codes[code] = Code(
                    code,
                    CLIENT_ID,
                    req.payload.redirect_uri,
                    req.scope,
                    req.user,
                    data.get("nonce"),
                    data.get("code_challenge"),
                    data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code: str, client: Any) -> Code | None:
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return authorization_code.user

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Any) -> Any:
                return provider.key

            def get_client_algorithm(self, client: Any) -> str:
                return "RS256"

            def get_encode_header(self, client: Any) -> dict[str, str]:
                return {"alg": "RS256", "kid": "test-key-1"}

            def get_client_claims(self, client: Any) -> dict[str, Any]:
                return provider._id_token_claims(client)

            def generate_user_info(self, user: User, scope: str) -> UserInfo:
                return UserInfo(sub=user.sub, email=user.email, email_verified=user.email_verified, name=user.name)

            def process_token(self, grant: Any, response: Any) -> Any:
                token = super().process_token(grant, response)
                provider.tokens_issued += 1
                if provider.tampered and "id_token" in token:
                    token["id_token"] = provider._tamper(token["id_token"])
                return token

        server = AuthorizationServer(
            app, query_client=lambda cid: Client() if cid == CLIENT_ID else None, save_token=lambda token, req: None
        )
        server.register_grant(CodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=True)])

        @app.get("/.well-known/openid-configuration")
        @app.get("/organizations/v2.0/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(
                issuer=provider.issuer,
                authorization_endpoint=f"{provider.base}/authorize",
                token_endpoint=f"{provider.base}/token",
                jwks_uri=f"{provider.base}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize() -> Any:
            provider.authorizations.append(dict(request.args))
            grant = server.get_consent_grant(end_user=provider.user)
            return server.create_authorization_response(grant=grant, grant_user=provider.user)

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

        return app


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
