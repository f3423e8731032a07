"""Settings from the environment, with safe defaults for a single-machine install."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _days(name: str, default: int) -> int:
    """A whole number of days from the environment, at least 1."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of days (1 or more), not {value!r}")
    return int(value)


def _megabytes(name: str, default: int) -> int:
    """A whole number of megabytes from the environment (at least 1), in bytes."""
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of megabytes (1 or more), not {value!r}")
    return int(value) * 1024 * 1024


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in the instance folder.

    A constant in the code would be shared by every install; a fresh one per start would sign everyone out.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions before the key is written.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Make postgres:// and postgresql:// URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: Path, overrides: dict) -> dict:
    """Build the app's settings from environment variables, then apply `overrides` (tests pass them)."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'hiring.sqlite'}"
    secure_cookies = _bool("SESSION_COOKIE_SECURE", False)
    settings = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "COMPANY_NAME": os.environ.get("COMPANY_NAME", "Values-fit hiring"),
        # The largest request accepted, checked by Werkzeug from Content-Length (or while reading a body
        # without one) before any form is parsed, so before CSRF and sign-in are checked. It must hold the
        # largest legitimate upload: the CSV import takes 5 MB, CVs (issue 20) will take 10 MB. Typed
        # fields and the number of fields keep Flask 3.1's limits, stated here so they cannot change unseen.
        "MAX_CONTENT_LENGTH": _megabytes("MAX_REQUEST_MB", 16),
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1000,
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "en"),
        # Absolute, so that the catalogues are found from a checkout and from an installed wheel alike.
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
        # The company's clock: what "today" and "overdue" mean, and how times are shown.
        "COMPANY_TIMEZONE": os.environ.get("COMPANY_TIMEZONE", "Europe/Amsterdam"),
        # Candidates' privacy: how long after their procedure ended a rejected or withdrawn candidate is
        # kept before `flask purge-candidates` anonymises them; longer when they consented to be kept for
        # future openings. Where candidates write to ask for access or erasure (shown on the notice).
        "PRIVACY_RETENTION_DAYS": _days("PRIVACY_RETENTION_DAYS", 28),
        "PRIVACY_CONSENT_RETENTION_DAYS": _days("PRIVACY_CONSENT_RETENTION_DAYS", 365),
        "PRIVACY_CONTACT": os.environ.get("PRIVACY_CONTACT", "").strip(),
        # How long `flask backup` keeps its copies in instance/backups/: a copy holds every candidate as they
        # were, anonymised ones included, so it must go too (see the README's Backups).
        "BACKUP_KEEP_DAYS": _days("BACKUP_KEEP_DAYS", 30),
        # Failed sign-ins allowed per account and per address (Flask-Limiter's notation), counted in Redis
        # when REDIS_URL is set so that every worker counts together.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        # A dropped connection (the database restarted) is noticed and replaced before a request uses it.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # HR's home shows its alerts from the last stored calibration and fairness figures while newer ones
        # are computed in a background thread (hiring/snapshots.py); off, they are computed in the request.
        "SNAPSHOT_BACKGROUND_REFRESH": True,
    }
    settings.update(overrides)
    try:
        ZoneInfo(settings["COMPANY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"COMPANY_TIMEZONE {settings['COMPANY_TIMEZONE']!r} is not a time zone, "
                         "for example Europe/Amsterdam") from None
    if settings.get("TESTING"):
        # A cheap hash for the test suite only: a production configuration never reads this from the
        # environment and always hashes with hiring.models.people.PASSWORD_HASH_METHOD.
        settings.setdefault("PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
    else:
        settings.pop("PASSWORD_HASH_METHOD", None)
    settings.setdefault("BABEL_DEFAULT_TIMEZONE", settings["COMPANY_TIMEZONE"])
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    if not settings.get("SECRET_KEY"):
        # Only now, so that tests passing their own key never touch the instance folder.
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings
