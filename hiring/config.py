"""Settings from the environment, with safe defaults for a single-machine install."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit
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


def _whole(name: str, default: int, low: int, high: int, what: str) -> int:
    """A whole number from the environment between low and high (hours, an hour of the day)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ValueError(f"{name} must be {what} ({low} to {high}), not {value!r}")
    return int(value)


MB = 1024 * 1024


def _megabytes(name: str, default: int) -> int:
    """A whole number of megabytes from the environment (at least 1), in bytes."""
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of megabytes (1 or more), not {value!r}")
    return int(value) * MB


def _milliseconds(name: str, default: int) -> int:
    """A whole number of milliseconds from the environment; 0 means no limit (PostgreSQL's meaning)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number of milliseconds (0 for no limit), not {value!r}")
    return int(value)


def _proxies(name: str) -> int:
    """How many reverse proxies stand in front of the app: a whole number, 0 (none) by default."""
    value = os.environ.get(name, "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"{name} must be the number of reverse proxies in front of the app (0 for none), "
                         f"not {value!r}")
    return int(value)


def _seconds(name: str, default: int) -> int:
    """A whole number of seconds from the environment, at least 1."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of seconds (1 or more), not {value!r}")
    return int(value)


def _threads(name: str, default: int) -> int:
    """A number of threads from the environment, at least 1."""
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of threads (1 or more), not {value!r}")
    return int(value)


def _notice_version() -> str | None:
    """PRIVACY_NOTICE_VERSION: stored with every application (a column of 40 characters)."""
    value = os.environ.get("PRIVACY_NOTICE_VERSION", "").strip()
    if len(value) > 40:
        raise ValueError(f"PRIVACY_NOTICE_VERSION must be at most 40 characters, not {len(value)}")
    return value or None


def _rate(name: str, default: str) -> str:
    """A rate limit in Flask-Limiter's notation ("20 per hour", "5/minute"), checked now rather than at the
    first request it would limit."""
    from limits import parse

    value = os.environ.get(name, "").strip() or default
    try:
        parse(value)
    except ValueError:
        raise ValueError(f"{name} must be a rate such as '20 per hour' or '10 per 15 minutes', not {value!r}") from None
    return value


# The careers site's brand colour goes into CSS (hiring/careers/views.py, theme): only a hex colour may.
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# The logo: a path under static/ ("logo.svg") or a path on this site ("/media/logo.png"). Not another site's
# URL: the Content-Security-Policy (hiring/security.py) lets pages show images from this site only.
LOGO_PATH = re.compile(r"/?[A-Za-z0-9_][A-Za-z0-9._~/-]*")


def _check_currency(settings: dict) -> None:
    """COMPANY_CURRENCY must be an ISO 4217 code Babel can format (EUR, USD, GBP): upper-cased, else refused."""
    from babel.numbers import list_currencies

    code = settings["COMPANY_CURRENCY"]
    code = code.strip().upper() if isinstance(code, str) else code
    if not isinstance(code, str) or len(code) != 3 or code not in list_currencies():
        raise ValueError(f"COMPANY_CURRENCY must be a three-letter ISO 4217 currency code such as EUR, USD or GBP, "
                         f"not {settings['COMPANY_CURRENCY']!r}")
    settings["COMPANY_CURRENCY"] = code


def _check_brand(settings: dict) -> None:
    """Refuse a brand colour or logo that could not be shown safely, saying what would be accepted."""
    colour = settings["COMPANY_COLOUR"]
    if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
        raise ValueError(f"COMPANY_COLOUR must be a hex colour such as #1f5fbf or #15b, not {colour!r}")
    logo = settings["COMPANY_LOGO_URL"] or None
    if logo is not None and (not isinstance(logo, str) or not LOGO_PATH.fullmatch(logo) or "//" in logo
                             or ".." in logo.split("/")):
        raise ValueError(f"COMPANY_LOGO_URL must be a file under static/ (logo.svg) or a path on this site "
                         f"(/media/logo.png); images from other sites are blocked by the pages' security "
                         f"policy; not {logo!r}")
    settings["COMPANY_LOGO_URL"] = logo


# --- e-mail (hiring/mail/) ---------------------------------------------------------------------------------

def _mail_settings() -> dict:
    """The MAIL_* settings: where the outbox sends (hiring/mail/sending.py). Without MAIL_SERVER, messages are
    kept here instead (shown on the admin's "Sent mail" page and written to instance/mail/ as .eml files)."""
    port = os.environ.get("MAIL_PORT", "").strip()
    if port and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise ValueError(f"MAIL_PORT must be a port number (1 to 65535), not {port!r}")
    attempts = os.environ.get("MAIL_MAX_ATTEMPTS", "").strip() or "10"
    if not attempts.isdigit() or int(attempts) < 1:
        raise ValueError(f"MAIL_MAX_ATTEMPTS must be a whole number (1 or more), not {attempts!r}")
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": int(port) if port else None,  # None: 465 with MAIL_USE_SSL, 587 with MAIL_USE_TLS, else 25
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),  # STARTTLS after connecting
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),  # TLS from the first byte (SMTPS)
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", "").strip() or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "").strip() or None,
        "MAIL_TIMEOUT": _seconds("MAIL_TIMEOUT", 30),
        "MAIL_MAX_ATTEMPTS": int(attempts),
        # Each message is handed to the task runner once its transaction commits; off (the tests, so that no
        # thread of theirs writes beside them), it waits in the outbox for the sweep (`flask send-mail`).
        "MAIL_BACKGROUND": True,
    }


def _check_mail(settings: dict) -> None:
    """Refuse MAIL_* settings that could not send, saying what is wrong; fill in the port and the sender."""
    from email.utils import parseaddr

    if settings["MAIL_USE_TLS"] and settings["MAIL_USE_SSL"]:
        raise ValueError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (SMTPS) cannot both be on: choose one")
    if settings["MAIL_PASSWORD"] and not settings["MAIL_USERNAME"]:
        raise ValueError("MAIL_PASSWORD is set without MAIL_USERNAME")
    if settings["MAIL_SERVER"] and not settings["MAIL_SENDER"]:
        raise ValueError("MAIL_SENDER (the From address, such as 'Jobs <jobs@example.com>') must be set "
                         "with MAIL_SERVER")
    sender = settings["MAIL_SENDER"] or "no-reply@localhost"
    address = parseaddr(sender)[1]
    if "@" not in address or address.startswith("@") or address.endswith("@") or any(c in sender for c in "\r\n"):
        raise ValueError(f"MAIL_SENDER must be an e-mail address, such as 'Jobs <jobs@example.com>', not {sender!r}")
    settings["MAIL_SENDER"] = sender
    if settings["MAIL_PORT"] is None:
        settings["MAIL_PORT"] = 465 if settings["MAIL_USE_SSL"] else 587 if settings["MAIL_USE_TLS"] else 25


def _public_base_url() -> str | None:
    """PUBLIC_BASE_URL: an http(s) address without query or fragment, kept without its trailing slash."""
    raw = os.environ.get("PUBLIC_BASE_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"PUBLIC_BASE_URL must be the site's address, such as https://jobs.example.com, not {raw!r}")
    return raw.rstrip("/")


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


def engine_options(settings: dict) -> dict:
    """SQLAlchemy's engine options, with the statement and lock timeouts on every PostgreSQL connection.

    Sent as startup options of the connection, so they cost no statement per request. Other databases are
    left alone (SQLite has its busy timeout, hiring/sqlite.py; its driver refuses unknown arguments).
    """
    options = dict(settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return options
    connect_args = dict(options.get("connect_args") or {})
    timeouts = (f"-c statement_timeout={int(settings['DATABASE_STATEMENT_TIMEOUT_MS'])} "
                f"-c lock_timeout={int(settings['DATABASE_LOCK_TIMEOUT_MS'])}")
    connect_args["options"] = " ".join(filter(None, [connect_args.get("options", ""), timeouts]))
    options["connect_args"] = connect_args
    return options


def from_environment(instance_path: Path, overrides: dict) -> dict:
    """Build the app's settings from environment variables, then apply `overrides` (tests pass them)."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'hiring.sqlite'}"
    secure_cookies = _bool("SESSION_COOKIE_SECURE", False)
    attachment_max = _megabytes("ATTACHMENT_MAX_MB", 10)
    settings = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "COMPANY_NAME": os.environ.get("COMPANY_NAME", "Values-fit hiring"),
        # The careers site's brand (hiring/careers/): a logo (a file under static/ or a path on this site;
        # none by default) and a colour, #rgb or #rrggbb.
        "COMPANY_LOGO_URL": os.environ.get("COMPANY_LOGO_URL", "").strip() or None,
        "COMPANY_COLOUR": os.environ.get("COMPANY_COLOUR", "").strip() or "#1f5fbf",
        # The company's currency (an ISO 4217 code): The Offer's amount until a policy with its own currency is
        # saved. Amounts are always shown with the currency they were made in, formatted by Babel for the
        # reader's language (hiring.labels.money).
        "COMPANY_CURRENCY": os.environ.get("COMPANY_CURRENCY", "").strip() or "EUR",
        # The largest document a candidate's file may be (a CV, a cover letter: hiring/attachments.py).
        "ATTACHMENT_MAX_BYTES": attachment_max,
        # The largest request accepted, checked by Werkzeug from Content-Length (or while reading a body
        # without one) before any form is parsed, so before CSRF and sign-in are checked. It must hold the
        # largest legitimate upload and the form around it: the CSV import takes 5 MB, a candidate's file
        # ATTACHMENT_MAX_MB (so by default it grows with that). Typed fields and the number of fields keep
        # Flask 3.1's limits, stated here so they cannot change unseen.
        "MAX_CONTENT_LENGTH": _megabytes("MAX_REQUEST_MB", max(16, attachment_max // MB + 1)),
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
        # After how many days `flask purge-candidates` confirms a merge of duplicate candidates nobody undid.
        "MERGE_CONFIRM_DAYS": _days("MERGE_CONFIRM_DAYS", 30),
        # How long `flask backup` keeps its copies in instance/backups/: a copy holds every candidate as they
        # were, anonymised ones included, so it must go too (see the README's Backups).
        "BACKUP_KEEP_DAYS": _days("BACKUP_KEEP_DAYS", 30),
        # Failed sign-ins (Flask-Limiter's notation), counted in Redis when REDIS_URL is set so that every
        # worker counts together (hiring/auth/limits.py says why it is these three). Past the limit per
        # address, or per account and address, that address gets 429. Past the limit per account (from
        # anywhere) nobody is locked out: browsers that have not signed in to the account before may try it
        # once per LOGIN_SLOWDOWN_PER_ACCOUNT between them; its owner's own browser is not slowed. The limit
        # per account also counts wrong current passwords on the password-change form.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "LOGIN_LIMIT_PER_ACCOUNT": _rate("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": _rate("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "10 per 15 minutes"),
        # Applications on the careers site (hiring/auth/limits.py): per client address, and per e-mail typed
        # (counted by a digest of it). Past either, a 429 page in the careers layout says to wait an hour.
        "APPLY_LIMIT_PER_ADDRESS": _rate("APPLY_LIMIT_PER_ADDRESS", "20 per hour"),
        "APPLY_LIMIT_PER_EMAIL": _rate("APPLY_LIMIT_PER_EMAIL", "5 per hour"),
        # The version of the privacy notice the careers site shows, stored with each application made under
        # it; unset, the version of the notice that ships (hiring/careers/applying.py). Set it when you
        # change the notice's text (templates/privacy/notice.html) for your company.
        "PRIVACY_NOTICE_VERSION": _notice_version(),
        # The candidate's status page (hiring/careers/status.py): how long its signed link works, and its
        # buttons' limits per address and per link.
        "CAREERS_STATUS_LINK_DAYS": _days("CAREERS_STATUS_LINK_DAYS", 180),
        "STATUS_LIMIT_PER_ADDRESS": _rate("STATUS_LIMIT_PER_ADDRESS", "30 per hour"),
        "STATUS_LIMIT_PER_LINK": _rate("STATUS_LIMIT_PER_LINK", "10 per hour"),
        # "Forgot your password?" (hiring/auth/reset.py): requests per client address and per e-mail typed.
        "RESET_LIMIT_PER_ADDRESS": _rate("RESET_LIMIT_PER_ADDRESS", "20 per hour"),
        "RESET_LIMIT_PER_EMAIL": _rate("RESET_LIMIT_PER_EMAIL", "5 per hour"),
        # The JSON API (hiring/api/): requests per token (per address without one); past it a 429 problem.
        "API_LIMIT_PER_TOKEN": _rate("API_LIMIT_PER_TOKEN", "600 per minute"),
        # The site's address as people reach it (https://jobs.example.com): links in e-mails are built on it.
        # Unset, on the request's Host header, which a client chooses: set it (or TRUSTED_HOSTS) in production,
        # or a forged Host could put another site into a password-reset link.
        "PUBLIC_BASE_URL": _public_base_url(),
        # Reminders (`flask send-reminders`, hiring/mail/reminder_engine.py): a scorecard is overdue this many
        # hours after its interview ended; users who chose a daily digest get it at or after this hour of the
        # company's day (COMPANY_TIMEZONE), once a day.
        "SCORECARD_REMINDER_HOURS": _whole("SCORECARD_REMINDER_HOURS", 24, 1, 24 * 30, "a whole number of hours"),
        "REMINDER_DIGEST_HOUR": _whole("REMINDER_DIGEST_HOUR", 8, 0, 23, "an hour of the day"),
        # Host names the app answers to (Flask's TRUSTED_HOSTS; others get 400), comma-separated; unset, any.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        # The words of uploaded documents are read by the task runner (off: in the upload's request, as the
        # tests do; hiring/pipeline/files_service.py).
        "FILE_TEXT_BACKGROUND": _bool("FILE_TEXT_BACKGROUND", True),
        "LOGIN_LIMIT_PER_ADDRESS": _rate("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "LOGIN_SLOWDOWN_PER_ACCOUNT": _rate("LOGIN_SLOWDOWN_PER_ACCOUNT", "1 per 10 seconds"),
        # The number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Prefix
        # headers are believed (Werkzeug's ProxyFix): the client's address for the limits above, https for
        # HSTS and secure cookies. 0, the default, believes none: a client could claim any address.
        "TRUSTED_PROXIES": _proxies("TRUSTED_PROXIES"),
        # A session ends after PERMANENT_SESSION_LIFETIME unused, and after this long however busy it is
        # (kept on the server, hiring/auth/sessions.py).
        "SESSION_ABSOLUTE_LIFETIME": _seconds("SESSION_ABSOLUTE_LIFETIME_SECONDS", 24 * 3600),
        # A dropped connection (the database restarted) is noticed and replaced before a request uses it.
        # Errors never carry the statement's values (e-mail addresses, names) into logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # PostgreSQL only: how long one statement may run, and how long it may wait for a lock, before it
        # is cancelled and the page answers 503 "try again" instead of hanging (0: no limit). Set on every
        # connection; flask commands run without the statement limit (hiring/postgres.py says why).
        "DATABASE_STATEMENT_TIMEOUT_MS": _milliseconds("DATABASE_STATEMENT_TIMEOUT_MS", 15_000),
        "DATABASE_LOCK_TIMEOUT_MS": _milliseconds("DATABASE_LOCK_TIMEOUT_MS", 5_000),
        # Pages with heavy figures (calibration, fairness, The Offer's statistics, HR's alerts) show the last
        # stored ones with their age while the task runner computes newer ones, and ask it to after every
        # write (hiring/snapshots.py); off, stale figures are computed in the request (the tests do).
        "SNAPSHOT_BACKGROUND_REFRESH": True,
        # Background work (prepared reports, snapshot refreshes) goes to RQ workers (`flask worker`) through
        # this Redis when set; without it, to TASK_THREADS threads in each web process, few so that renders
        # cannot take every core from the pages (hiring/tasks/).
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip() or None,
        "TASK_THREADS": _threads("TASK_THREADS", 1),
        # Single sign-on (hiring/auth/sso.py): the client secret the company's OpenID provider gave this app. Only
        # here, never in the database (its backups would carry it); the rest is set by admins on /admin/sso.
        "SSO_CLIENT_SECRET": os.environ.get("SSO_CLIENT_SECRET", "").strip() or None,
        # The largest file kept in the database (hiring/files.py: prepared reports; later, uploads).
        "FILE_MAX_BYTES": _megabytes("FILE_MAX_MB", 200),
        # E-mail: the outbox's mail server, sender, timeout and attempts (hiring/mail/; _mail_settings).
        **_mail_settings(),
        # Webhooks (hiring/webhooks/): how long a receiver may take to answer, how many attempts an event
        # gets (waits doubling from a minute, at most 6 hours: 12 attempts take about 20 hours), and how long
        # the delivery log is kept. Off (the tests), deliveries are written and wait for the sweep.
        "WEBHOOK_TIMEOUT": _seconds("WEBHOOK_TIMEOUT", 10),
        "WEBHOOK_MAX_ATTEMPTS": _whole("WEBHOOK_MAX_ATTEMPTS", 12, 1, 50, "a whole number of attempts"),
        "WEBHOOK_KEEP_DAYS": _days("WEBHOOK_KEEP_DAYS", 30),
        "WEBHOOKS_BACKGROUND": True,
    }
    settings.update(overrides)
    try:
        ZoneInfo(settings["COMPANY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"COMPANY_TIMEZONE {settings['COMPANY_TIMEZONE']!r} is not a time zone, "
                         "for example Europe/Amsterdam") from None
    _check_brand(settings)
    _check_currency(settings)
    _check_mail(settings)
    if settings["ATTACHMENT_MAX_BYTES"] > settings["FILE_MAX_BYTES"]:
        raise ValueError("ATTACHMENT_MAX_MB must not be larger than FILE_MAX_MB, the largest file kept")
    if settings.get("TESTING"):
        # A cheap hash for the test suite only: a production configuration never reads this from the
        # environment and always hashes with hiring.models.people.PASSWORD_HASH_METHOD.
        settings.setdefault("PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
    else:
        settings.pop("PASSWORD_HASH_METHOD", None)
    settings.setdefault("BABEL_DEFAULT_TIMEZONE", settings["COMPANY_TIMEZONE"])
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(settings)
    if not settings.get("SECRET_KEY"):
        # Only now, so that tests passing their own key never touch the instance folder.
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings
