"""Fixtures: one migrated database per run (SQLite, or PostgreSQL with TEST_DATABASE_URL), emptied after each test."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from hiring import create_app
from hiring.extensions import db
from tests import factories

TEST_PASSWORD = factories.PASSWORD


def _test_config(database_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # Tests sign in hundreds of times from one address; tests/test_limits.py turns the limits on.
        "RATELIMIT_ENABLED": False,
        # Stale dashboard figures are refreshed inline, so that no test leaves a thread behind;
        # tests/test_snapshots.py turns the background refresh on and joins it.
        "SNAPSHOT_BACKGROUND_REFRESH": False,
        # Documents' text is read in the request that stores them, so that no test leaves a thread reading
        # (or counted among its queries); tests/test_file_text.py turns the task runner on and waits for it.
        "FILE_TEXT_BACKGROUND": False,
        # Messages stay queued in the outbox, where tests read them; the outbox's tests turn sending on.
        "MAIL_BACKGROUND": False,
        # A change of the similarity phrases recounts the scorecards in its request; tests/test_similarity.py
        # turns the task runner on and waits for it.
        "SIMILARITY_RECOUNT_BACKGROUND": False,
        # Webhook deliveries stay pending in their log; tests/test_webhooks.py turns delivering on.
        "WEBHOOKS_BACKGROUND": False,
    }
    config.update(extra)
    return config


def _worker_index() -> int:
    """0 for a run without pytest-xdist and for its first worker (gw0), 1 for gw1, ..."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0


def _worker_database(url: str) -> str:
    """A PostgreSQL database of this xdist worker's own beside TEST_DATABASE_URL's (created empty), so that
    parallel workers never empty each other's tables; the database itself without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base.set(drivername="postgresql+psycopg", database="postgres"),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """TEST_DATABASE_URL when set (PostgreSQL in CI; one database per xdist worker), else a SQLite file of
    this run (each worker has its own temporary folder)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return _worker_database(os.environ["TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _reset_schema() -> None:
    """Drop whatever an earlier run left, then build the schema through the migrations."""
    with db.engine.begin() as conn:
        inspector = sa.inspect(conn)
        if inspector.get_table_names():
            db.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


@pytest.fixture(scope="session", autouse=True)
def _instance_folder(tmp_path_factory):
    """Tests keep their instance files (secret key, trained model) apart from a developer's instance/."""
    previous = os.environ.get("HIRING_INSTANCE_PATH")
    os.environ["HIRING_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    yield
    if previous is None:
        os.environ.pop("HIRING_INSTANCE_PATH", None)
    else:
        os.environ["HIRING_INSTANCE_PATH"] = previous


@pytest.fixture(scope="session")
def _session_app(database_url, _instance_folder):
    app = create_app(_test_config(database_url))
    with app.app_context():
        _reset_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row, children first, so that the next test starts from a clean database."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(_session_app):
    """The app with its context pushed and an empty database."""
    with _session_app.app_context():
        yield _session_app
        empty_all_tables()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's flask commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_app(database_url, _session_app):
    """Build another app on the same database with settings of the test's own (CSRF on, say)."""

    built = []

    def build(**extra):
        app = create_app(_test_config(database_url, **extra))
        built.append(app)
        return app

    yield build
    if built:
        from hiring.tasks import runner

        # Background work a test's requests asked for (snapshot refreshes) must not outlive it, holding a
        # connection to the tables emptied next.
        assert runner.wait_idle(60), "background work outlived its test"
    for app in built:
        with app.app_context():
            empty_all_tables()
            db.engine.dispose()  # close its connections now, not whenever they are collected


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **kwargs):
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """Helper to sign the test client in and out."""
    return AuthActions(client)


@pytest.fixture
def login_as(client, auth):
    """Create a user with a role and sign the client in as them; returns the user."""

    def do(role, **kwargs):
        user = factories.user(role, **kwargs)
        db.session.commit()
        response = auth.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do


class QueryCounter:
    """Counts the SQL statements run inside its `with` block."""

    def __init__(self):
        self.statements: list[str] = []
        self.parameters: list = []  # each statement's parameters (a tuple or a dict)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Usage: `with count_queries() as counter: ...; assert counter.count == n`."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            # SQLite's BEGIN [IMMEDIATE] is sent as a statement (hiring/sqlite.py); it is not a query.
            if not statement.lstrip().upper().startswith("BEGIN"):
                counter.statements.append(statement)
                counter.parameters.append(parameters)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


# Tests that need Redis use a database of the local server (CI runs Redis on 127.0.0.1), never 0: 15 for a
# run without xdist and its first worker, 14 for the second, ... so that parallel workers keep apart.
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{15 - _worker_index() % 15}"


def require_service(name: str, problem: str, how: str, *, env: str | None = None) -> None:
    """Skip with a one-line reason where a service is missing on a developer's machine; fail instead under
    .ci/run, which sets REQUIRE_<NAME>=1 (or `env`) because it runs everything."""
    message = f"{name} is not available ({problem}): {how}"
    if os.environ.get(env or f"REQUIRE_{name.upper()}") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _redis_server():
    """The local Redis server, or a skip (a fail with REQUIRE_REDIS=1) saying why it cannot be used."""
    import redis

    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        connection.close()
        require_service("Redis", f"{TEST_REDIS_URL}: {error}", "start redis-server to run this test")
    yield connection
    connection.close()


@pytest.fixture
def redis_db(_redis_server):
    """The tests' Redis database, emptied before and after."""
    _redis_server.flushdb()
    yield _redis_server
    _redis_server.flushdb()
