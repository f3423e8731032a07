"""Known devices: a browser that has signed in to an account before is not slowed down when that account is
under attack.

This is OWASP's device-cookie design ("Slow Down Online Guessing Attacks with Device Cookies",
https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies): after a successful
sign-in the browser gets a cookie, signed with the app's secret, naming the user and when it was issued.
While an account collects failed sign-ins from anywhere (hiring.auth.limits), browsers without that cookie
must wait between attempts; the owner's own browser, which has it, signs in as usual. The attacker cannot
forge the cookie, and getting one takes the account's password, which is what they were guessing.

The cookie proves nothing by itself: it never signs anyone in and holds only an id and a time.
"""
from __future__ import annotations

from flask import after_this_request, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "known_device"
SALT = "known-device"
# Long enough to outlast holidays and parental leave; a browser not used for half a year is new again.
MAX_AGE_SECONDS = 180 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    # A timed serializer signs the issued time with the payload, so an old cookie cannot be passed off as new.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def remember(user_id: int) -> None:
    """After a successful sign-in: give this browser a known-device cookie for this user (set on the response)."""
    token = _serializer().dumps({"uid": user_id})
    secure = request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    # Sent only to the sign-in page, the one place that reads it.
    path = url_for("auth.login")

    @after_this_request
    def set_cookie(response):
        response.set_cookie(COOKIE_NAME, token, max_age=MAX_AGE_SECONDS, path=path, httponly=True,
                            secure=secure, samesite="Lax")
        return response


def known_user_id() -> int | None:
    """The user this browser has signed in as before, or None (no cookie, forged, or older than MAX_AGE)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token or len(token) > 512:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return data["uid"]
