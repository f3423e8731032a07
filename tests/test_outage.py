"""When the database is unreachable, pages answer 503 with a friendly page, and the app recovers by itself.

On PostgreSQL the app talks to the database through a TCP proxy that the test cuts and restores, the way a
restart or a network fault looks from the app. On SQLite the database file's folder is missing (a volume not
mounted yet) and then appears.
"""
from __future__ import annotations

import socket
import threading

import sqlalchemy as sa
from flask_migrate import upgrade

from hiring import create_app
from hiring.extensions import db
from hiring.models import Role
from tests import factories


class Proxy:
    """A TCP proxy on 127.0.0.1 that can be cut (every connection dropped) and restored on the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        except OSError:
            pass
        listener.close()
        with self._lock:
            for conn in self._open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "outage-test", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url})


def _assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "Nothing was saved" in page


def test_an_outage_answers_503_and_the_app_recovers_by_itself(app, tmp_path):
    if db.engine.dialect.name == "postgresql":
        _postgresql_outage(app)
    else:
        _sqlite_missing_then_present(tmp_path)


def _postgresql_outage(session_app) -> None:
    me = factories.user(Role.RECRUITER)
    db.session.commit()
    email = me.email
    real = db.engine.url
    proxy = Proxy(real.host or "127.0.0.1", real.port or 5432)
    proxy.start()
    app = _app(real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    client = app.test_client()
    try:
        assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
        assert client.get("/pipeline/").status_code == 200

        proxy.cut()
        _assert_unavailable(client.get("/pipeline/"))
        _assert_unavailable(client.post("/pipeline/candidates/new", data={"name": "Lost?"}))

        proxy.start()  # the database is back, on the same address; the app is not restarted
        assert client.get("/pipeline/").status_code == 200
    finally:
        if proxy._listener is not None:
            proxy.cut()
        with app.app_context():
            db.engine.dispose()


def _sqlite_missing_then_present(tmp_path) -> None:
    folder = tmp_path / "volume"
    app = _app(f"sqlite:///{folder / 'hiring.sqlite'}")
    client = app.test_client()
    _assert_unavailable(client.post("/login", data={"email": "hr@example.test", "password": factories.PASSWORD}))

    folder.mkdir()  # the volume is mounted: migrate and add a user, as an operator would
    with app.app_context():
        upgrade()
        factories.user(Role.HR, email="hr@example.test")
        db.session.commit()
        db.session.remove()
    assert client.post("/login", data={"email": "hr@example.test", "password": factories.PASSWORD}).status_code == 302
    assert client.get("/pipeline/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) == 1
        db.engine.dispose()
