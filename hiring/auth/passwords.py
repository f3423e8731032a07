"""The password policy: long enough, not a well-known password, not the user's own name or e-mail."""
from __future__ import annotations

from flask_babel import gettext as _

MIN_LENGTH = 12

# Passwords of twelve or more characters that top the published breach lists, and their kind; refusing
# them (and anything made of one repeated character or a keyboard run) stops the guesses tried first.
COMMON = {
    "123456789012", "1234567890123", "12345678901234", "123123123123", "111111111111", "000000000000",
    "password1234", "password12345", "password123!", "passwordpassword", "qwertyuiopas", "qwertyuiop12",
    "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "iloveyou1234", "welcome12345", "welcome123!",
    "letmein12345", "abcdefghijkl", "abcd12345678", "administrator", "adminadmin12", "changeme1234",
    "football1234", "baseball1234", "sunshine1234", "princess1234", "monkey123456", "dragon123456",
    "master123456", "superman1234", "trustno1trustno1", "zaq12wsxcde3", "asdfghjkl123", "asdfasdfasdf",
    "qwertyqwerty", "passw0rd1234", "p@ssw0rd1234", "correcthorsebatterystaple", "iloveyouiloveyou",
    "wachtwoord12", "wachtwoord123", "welkom123456", "geheim123456",
}


def problems(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a password is refused, in words for the user; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    folded = password.lower().replace(" ", "")
    if folded in COMMON or len(set(folded)) <= 2:
        return _("That password is one of the first that attackers try. Choose another, for example a short "
                 "sentence.")
    if folded in "abcdefghijklmnopqrstuvwxyz0123456789" or folded in "qwertyuiopasdfghjklzxcvbnm":
        return _("A run of keys is easy to guess. Choose another, for example a short sentence.")
    for own in (email.split("@")[0].lower(), name.lower().replace(" ", "")):
        if len(own) >= 4 and own in folded:
            return _("Do not use your own name or e-mail address in your password.")
    return None
