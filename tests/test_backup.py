"""`flask backup` takes a consistent copy of SQLite while the app writes; `flask restore` brings it back."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from hiring import create_app
from hiring.extensions import db
from hiring.models import Application, Candidate, Role, Stage
from tests import factories


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own SQLite file (whatever database the rest of the suite runs on)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "backup-test", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}"})
    with app.app_context():
        upgrade()
        factories.user(Role.RECRUITER, email="rec@example.test")
        factories.application(factories.job(title="Loyalty team"), factories.candidate(name="Ada Lovelace"))
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _counts(path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as conn:
        return (conn.execute("SELECT count(*) FROM candidates").fetchone()[0],
                conn.execute("SELECT count(*) FROM applications").fetchone()[0])


def test_a_backup_taken_while_requests_write_is_one_consistent_state(sqlite_app, tmp_path):
    stop = threading.Event()
    written = []

    def keep_writing():
        # Each candidate comes with its application in one transaction: a torn copy would show the one
        # without the other.
        with sqlite_app.app_context():
            job_id = db.session.scalar(sa.select(Application.job_id))
            n = 0
            while not stop.is_set():
                n += 1
                candidate = Candidate(name=f"Writer {n}", email=f"writer{n}@example.test")
                db.session.add(Application(candidate=candidate, job_id=job_id, stage=Stage.APPLIED))
                db.session.commit()
                written.append(n)
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        result = sqlite_app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "copy.sqlite")])
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    candidates, applications = _counts(tmp_path / "copy.sqlite")
    assert candidates == applications
    assert 21 <= candidates <= 1 + len(written)


def test_restore_brings_back_the_backed_up_state_and_the_app_serves_it(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    copy = tmp_path / "before.sqlite"
    assert runner.invoke(args=["backup", "--output", str(copy)]).exit_code == 0
    with sqlite_app.app_context():  # a mistake after the backup
        db.session.execute(sa.delete(Application))
        db.session.execute(sa.delete(Candidate))
        db.session.commit()
        db.session.remove()

    result = runner.invoke(args=["restore", str(copy), "--yes"])

    assert result.exit_code == 0, result.output
    client = sqlite_app.test_client()
    assert client.post("/login", data={"email": "rec@example.test", "password": factories.PASSWORD}).status_code == 302
    page = client.get("/pipeline/?q=Lovelace")
    assert page.status_code == 200 and "Ada Lovelace" in page.get_data(as_text=True)
    # A restored copy also opens as a database of its own, already at the latest migration.
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})
    with other.app_context():
        upgrade()  # nothing to do, and no error
        assert db.session.scalar(sa.select(Candidate.name)) == "Ada Lovelace"
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup_and_asks_first(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all, just bytes" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1 and "is not a sound backup of this app" in " ".join(result.output.split())
    copy = tmp_path / "copy.sqlite"
    runner.invoke(args=["backup", "--output", str(copy)])
    declined = runner.invoke(args=["restore", str(copy)], input="n\n")
    assert declined.exit_code != 0 and "Aborted" in declined.output
    assert _counts(tmp_path / "live.sqlite") == (1, 1)


def test_backup_never_overwrites_and_has_a_default_place(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    target = tmp_path / "once.sqlite"
    assert runner.invoke(args=["backup", "--output", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", "--output", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
    default = runner.invoke(args=["backup"])
    assert default.exit_code == 0 and "/backups/hiring-" in default.output


def test_backup_of_a_postgresql_database_points_to_pg_dump():
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/never_used"})
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0 and "pg_dump" in result.output
