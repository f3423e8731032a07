"""A real OpenID Connect provider in the test process, built with Authlib's server side.

A small Flask app (the authorization-code grant with OpenID Connect and PKCE, a discovery document, a JWKS of
an RS256 key generated here) served by werkzeug on 127.0.0.1 in a thread. The app under test talks to it over
HTTP exactly as to Microsoft Entra ID or Okta; the tests play the browser between the two.

A test can make it misbehave (`Provider.misbehave`): sign the ID token with a key that is not in its JWKS,
put another nonce or audience in it, issue it already expired, or stop answering.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, abort, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "hiring-app"
CLIENT_SECRET = "provider-issued-secret"
KID = "provider-key-1"


@dataclass
class Client(ClientMixin):
    """The one registered client: this app, a confidential web application."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri.startswith("http://localhost/auth/sso/callback")

    def check_client_secret(self, client_secret):
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    """An authorization code, kept in memory until it is exchanged once."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


class Provider:
    """The provider's state: its key, its people, its codes, and how it misbehaves."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True)
        # Same kid, another key: a forger who copied the header; only the signature check can tell.
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": KID}, private=True)
        self.client = Client()
        self.people: dict[str, dict] = {}  # sub -> the claims of the person
        self.codes: dict[str, Code] = {}
        self.misbehave: str | None = None  # "forged", "wrong_nonce", "wrong_audience", "expired", "down"
        self.issuer = ""  # set once the server has a port
        self.requests: list[str] = []  # paths asked for, to show what the relying party fetched

    def add_person(self, sub: str, **claims) -> None:
        """Someone who can sign in at the provider."""
        self.people[sub] = {"sub": sub, **claims}

    def reset(self) -> None:
        self.people.clear()
        self.codes.clear()
        self.misbehave = None
        self.requests.clear()


def _code_grant(provider: Provider):
    class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            payload = req.payload
            provider.codes[code] = Code(
                code=code, client_id=req.client.get_client_id(), redirect_uri=payload.redirect_uri,
                scope=payload.scope, user=req.user, nonce=payload.data.get("nonce"),
                code_challenge=payload.data.get("code_challenge"),
                code_challenge_method=payload.data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            found = provider.codes.get(code)
            return found if found is not None and found.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    return AuthorizationCodeGrant


def _openid(provider: Provider):
    class ProviderOpenIDCode(OpenIDCode):
        def exists_nonce(self, nonce, req):
            return any(code.nonce == nonce for code in provider.codes.values())

        def resolve_client_private_key(self, client):
            return provider.rogue_key if provider.misbehave == "forged" else provider.key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": KID}

        def get_client_claims(self, client):
            now = int(time.time())
            audience = "some-other-app" if provider.misbehave == "wrong_audience" else client.get_client_id()
            claims = {"iss": provider.issuer, "aud": [audience], "iat": now, "exp": now + 300}
            if provider.misbehave == "expired":
                claims.update(iat=now - 3600, exp=now - 1800)
            return claims

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            if provider.misbehave == "wrong_nonce":
                claims["nonce"] = "not-the-nonce-that-was-sent"
            return claims

        def generate_user_info(self, user, scope):
            return UserInfo(user)

    return ProviderOpenIDCode(require_nonce=True)


def build_app(provider: Provider) -> Flask:
    """The provider's web app: discovery, keys, the sign-in page and the token endpoint."""
    app = Flask("oidc_provider")
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 300}
    server = AuthorizationServer(app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None,
                                 save_token=lambda token, req: None)
    server.register_grant(_code_grant(provider), [CodeChallenge(required=True), _openid(provider)])

    @app.before_request
    def maybe_down():
        provider.requests.append(request.path)
        if provider.misbehave == "down":
            abort(503)

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = provider.issuer
        return jsonify(issuer=base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
                       jwks_uri=f"{base}/jwks", response_types_supported=["code"],
                       subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256"],
                       scopes_supported=["openid", "email", "profile"], code_challenge_methods_supported=["S256"],
                       token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        # GET: the provider's own sign-in page; POST: the person "signs in" as `sub` (or cancels).
        if request.method == "GET":
            grant = server.get_consent_grant(end_user=None)
            return f"<form method=post><input name=sub><button>Sign in to {grant.client.client_id}</button></form>"
        person = provider.people.get(request.form.get("sub", ""))
        grant = server.get_consent_grant(end_user=person)
        return server.create_authorization_response(grant=grant, grant_user=person)

    @app.post("/token")
    def token():
        return server.create_token_response()

    return app


class RunningProvider:
    """The provider served on 127.0.0.1 in a thread."""

    def __init__(self):
        self.provider = Provider()
        self.app = build_app(self.provider)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self.provider

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def sign_in_at_provider(authorize_url: str, sub: str | None) -> str:
    """Play the browser at the provider: open its sign-in page, sign in as `sub`, and return where it sends the
    browser back to (the app's callback with code and state). No `sub` cancels."""
    import requests

    with requests.Session() as browser:
        page = browser.get(authorize_url, timeout=10)
        assert page.status_code == 200, page.text
        answer = browser.post(authorize_url, data={"sub": sub or ""}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def query(url: str) -> dict[str, str]:
    """A URL's query string as a dict of single values."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

