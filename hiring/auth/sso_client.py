"""The relying party: Authlib's Flask client for the company's OpenID provider, and its checks.

Authlib does the protocol: the authorization request with `state` (kept in the signed session cookie and
compared on return), a `nonce` (compared with the ID token's) and PKCE (S256); the code exchanged at the
token endpoint with the client secret; the ID token's signature checked against the keys of the provider's
JWKS (fetched again once when the token names a key not in it, so that key rotation works). We add what its
defaults leave open: the issuer, the audience (our client id), `sub`, `exp` and `iat` are required claims,
with the issuer the one the admin configured, and an ID token must come back at all.

The client is built from the settings row and reused for an hour (the provider's discovery document and keys
with it); a change of the settings builds a new one at once.
"""
from __future__ import annotations

import hashlib
import threading
import time

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError

from hiring.models import SsoSettings

NAME = "sso"  # Authlib keeps its state under _state_sso_<state> in the session cookie
SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10  # a provider that does not answer is "down", not a hung worker
REUSE_SECONDS = 3600
LEEWAY_SECONDS = 60  # clocks of the provider and of this server may differ this much

_clients: dict[str, tuple[float, FlaskOAuth2App]] = {}
_lock = threading.Lock()


class Failure(Exception):
    """The provider's answer was refused: `code` for the log (no personal data), `kind` for the page."""

    def __init__(self, code: str, kind: str):
        super().__init__(code)
        self.code, self.kind = code, kind


def discovery_url(issuer: str) -> str:
    """Where an issuer publishes its OpenID configuration (OpenID Connect Discovery 1.0, section 4)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _fingerprint(config: SsoSettings, secret: str | None) -> str:
    parts = (config.issuer, config.client_id, secret or "")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def client(config: SsoSettings) -> FlaskOAuth2App:
    """The Authlib client for these settings (one per process, rebuilt hourly or when the settings change)."""
    secret = current_app.config.get("SSO_CLIENT_SECRET")
    key, now = _fingerprint(config, secret), time.monotonic()
    with _lock:
        found = _clients.get(key)
        if found is not None and now - found[0] < REUSE_SECONDS:
            return found[1]
        app = FlaskOAuth2App(
            FlaskIntegration(NAME), NAME, client_id=config.client_id, client_secret=secret,
            server_metadata_url=discovery_url(config.issuer),
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS})
        _clients.clear()  # one company, one provider: settings of before are not needed again
        _clients[key] = (now, app)
        return app


def check_discovery(issuer: str) -> str | None:
    """None when the issuer publishes a usable discovery document naming itself; else a problem's code."""
    try:
        response = requests.get(discovery_url(issuer), timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError):
        return "unreachable"
    if not isinstance(metadata, dict) or metadata.get("issuer") != issuer:
        return "issuer_mismatch"
    if not all(isinstance(metadata.get(k), str) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
        return "incomplete"
    return None


def authorize_redirect(config: SsoSettings, redirect_uri: str):
    """The redirect to the provider's sign-in, with state, nonce and a PKCE challenge kept for the return."""
    oauth = client(config)
    try:
        metadata = oauth.load_server_metadata()
        _same_issuer(config, metadata)
        return oauth.authorize_redirect(redirect_uri)
    except requests.RequestException as error:
        forget()
        raise Failure(f"provider_down:{type(error).__name__}", "down") from None
    except (ValueError, KeyError, RuntimeError) as error:  # a discovery document that is not one
        forget()
        raise Failure(f"bad_discovery:{type(error).__name__}", "misconfigured") from None


def _same_issuer(config: SsoSettings, metadata: dict) -> None:
    if metadata.get("issuer") != config.issuer:
        raise Failure("issuer_mismatch", "misconfigured")


def forget() -> None:
    """Drop a client whose provider failed, so that the next attempt reads its discovery document afresh."""
    with _lock:
        _clients.clear()


def verified_claims(config: SsoSettings) -> dict:
    """Finish the sign-in at the callback: the ID token's claims, every check passed; else Failure."""
    oauth = client(config)
    options = {
        "iss": {"essential": True, "value": config.issuer},
        "aud": {"essential": True, "value": config.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        _same_issuer(config, oauth.load_server_metadata())
        token = oauth.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except MismatchingStateError:
        raise Failure("state_mismatch", "invalid") from None
    except OAuthError as error:
        # The provider said no (access_denied: the person cancelled) or refused the code.
        code = error.error if isinstance(error.error, str) and error.error.isascii() else "oauth_error"
        raise Failure(f"provider_error:{code[:40]}", "cancelled" if code == "access_denied" else "invalid") from None
    except ExpiredTokenError:
        raise Failure("id_token_expired", "invalid") from None
    except BadSignatureError:
        raise Failure("id_token_bad_signature", "invalid") from None
    except (InvalidClaimError, MissingClaimError) as error:
        claim = getattr(error, "claim", "") or ""
        raise Failure(f"id_token_claim:{str(claim)[:20]}", "invalid") from None
    except JoseError as error:  # an unknown key, a token that is not a JWT, an algorithm not allowed
        raise Failure(f"id_token:{type(error).__name__}", "invalid") from None
    except requests.RequestException as error:
        forget()
        raise Failure(f"provider_down:{type(error).__name__}", "down") from None
    except (ValueError, KeyError, TypeError) as error:  # an answer that is not JSON, or not the expected shape
        raise Failure(f"bad_answer:{type(error).__name__}", "invalid") from None
    claims = token.get("userinfo") if isinstance(token, dict) else None
    if not claims:
        raise Failure("no_id_token", "invalid")
    return dict(claims)
