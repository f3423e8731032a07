"""Signing and verifying webhooks the Standard Webhooks way (https://www.standardwebhooks.com/). Pure: no Flask,
no database; a receiver may copy `verify` as it stands (docs/webhooks.md).

Each request carries three headers: `webhook-id` (the event's id, the same on every attempt), `webhook-timestamp`
(unix seconds of this attempt) and `webhook-signature`: "v1," and the base64 HMAC-SHA256 of
"{id}.{timestamp}.{body}" under the secret's key, the bytes after "whsec_" read as base64; several signatures
separated by spaces while a secret is being rotated.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping

PREFIX = "whsec_"
TOLERANCE = 5 * 60  # seconds a timestamp may be off, either way: older requests are replays


class VerificationError(ValueError):
    """The request is not one signed with the secret, or too old (or too far ahead) to trust."""


def secret_from_key(key: bytes) -> str:
    """The secret as it is shown and shared: "whsec_" and the base64 of its key's bytes."""
    return PREFIX + base64.b64encode(key).decode()


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except ValueError:
        raise VerificationError("the secret is not whsec_ and base64") from None


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """One signature, "v1,<base64>", of the body for this id and timestamp."""
    content = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), content, hashlib.sha256).digest()).decode()


def headers(secrets: Iterable[str], event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a request, signed with every secret given (the current one first)."""
    return {"webhook-id": event_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(s, event_id, timestamp, body) for s in secrets)}


def verify(secret: str, request_headers: Mapping[str, str], body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE) -> dict:
    """The event as a dict when the request is signed with `secret` and its timestamp is within `tolerance`
    seconds of `now`; VerificationError otherwise. Header names in any case; `body` as received, bytes."""
    lowered = {name.lower(): value for name, value in request_headers.items()}
    event_id, stamp, signatures = (lowered.get(n) for n in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not event_id or not stamp or not signatures:
        raise VerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise VerificationError("webhook-timestamp is not a number of seconds") from None
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise VerificationError("webhook-timestamp is too old or too far ahead")
    expected = signature(secret, event_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, given.encode()) for given in signatures.split(" ")):
        raise VerificationError("no matching signature")
    try:
        return json.loads(body)
    except ValueError:
        raise VerificationError("the body is not JSON") from None
