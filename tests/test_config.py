"""Settings from the environment; SQLite runs with foreign keys and WAL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hiring import TEMPLATES_DIR, create_app
from hiring.config import normalise_database_url
from hiring.extensions import db


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) >= 40 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hiring.sqlite'}"


def test_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_session_cookie_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    config = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"]


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_templates_are_found_from_a_checkout():
    assert (TEMPLATES_DIR / "base.html").is_file()


def test_the_careers_settings_are_read_and_checked(tmp_path, monkeypatch):
    """The application limits and the privacy notice's version come from the environment; a limit that is not
    a rate, or a version longer than its column, stops the start with what would be accepted."""
    from hiring.config import from_environment

    monkeypatch.setenv("APPLY_LIMIT_PER_ADDRESS", "50 per day")
    monkeypatch.setenv("PRIVACY_NOTICE_VERSION", "2027-01 (works council)")
    settings = from_environment(tmp_path, {})
    assert settings["APPLY_LIMIT_PER_ADDRESS"] == "50 per day"
    assert settings["APPLY_LIMIT_PER_EMAIL"] == "5 per hour"
    assert settings["PRIVACY_NOTICE_VERSION"] == "2027-01 (works council)"

    monkeypatch.setenv("APPLY_LIMIT_PER_EMAIL", "lots")
    with pytest.raises(ValueError, match="APPLY_LIMIT_PER_EMAIL must be a rate such as '20 per hour'"):
        from_environment(tmp_path, {})
    monkeypatch.setenv("APPLY_LIMIT_PER_EMAIL", "5 per hour")
    monkeypatch.setenv("LOGIN_LIMIT_PER_ADDRESS", "30 per fortnight")
    with pytest.raises(ValueError, match="LOGIN_LIMIT_PER_ADDRESS"):
        from_environment(tmp_path, {})
    monkeypatch.delenv("LOGIN_LIMIT_PER_ADDRESS")
    monkeypatch.setenv("PRIVACY_NOTICE_VERSION", "x" * 41)
    with pytest.raises(ValueError, match="at most 40 characters"):
        from_environment(tmp_path, {})


@pytest.mark.parametrize("raw, kept", [("https://jobs.example.com/", "https://jobs.example.com"),
                                       ("http://127.0.0.1:5000/hiring", "http://127.0.0.1:5000/hiring")])
def test_public_base_url_is_kept_without_its_slash(tmp_path, monkeypatch, raw, kept):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", raw)
    assert create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["PUBLIC_BASE_URL"] == kept


@pytest.mark.parametrize("raw", ["jobs.example.com", "ftp://jobs.example.com", "https://", "https://x.test/?a=1",
                                 "javascript:alert(1)"])
def test_a_public_base_url_that_is_not_an_address_stops_the_app(tmp_path, monkeypatch, raw):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", raw)
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_trusted_hosts_refuse_a_forged_host(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRUSTED_HOSTS", "jobs.example.com, localhost")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["TRUSTED_HOSTS"] == ["jobs.example.com", "localhost"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "localhost"}).status_code != 400
