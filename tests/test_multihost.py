"""Web and workers on different machines: gunicorn and two `flask worker` processes, each with an instance
folder of its own, share nothing but the database and Redis, and background work still gets done.

A report's PDF is asked for over HTTP, rendered by a worker and downloaded from the web process; a
dashboard's snapshots are computed by a worker, first and after a change, never by the web process. Neither
leaves a file in any instance folder: everything goes through the database.
"""
from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Role, StoredFile, Task
from tests import factories
from tests.conftest import TEST_REDIS_URL

SECRET = "multihost-shared-secret"  # every host signs and checks snapshots with the same key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Hosts:
    """The processes of the test, each in a process group of its own, so that a worker's forked work horse
    goes with it; stopped whatever happens to the test."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.tmp_path, self.database_url = tmp_path, database_url
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str]) -> Path:
        instance = self.tmp_path / name / "instance"
        instance.mkdir(parents=True)
        log = self.tmp_path / name / "log.txt"
        env = {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": TEST_REDIS_URL, "SECRET_KEY": SECRET,
               "HIRING_INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"}
        env.pop("FLASK_APP", None)
        with open(log, "wb") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                       cwd=Path(__file__).resolve().parent.parent, start_new_session=True)
        self.processes.append((name, process, log))
        return instance

    def log(self, name: str) -> str:
        return next(log for n, _p, log in self.processes if n == name).read_text(errors="replace")

    def check_running(self) -> None:
        for name, process, log in self.processes:
            assert process.poll() is None, f"{name} stopped ({process.returncode}):\n{log.read_text()[-3000:]}"

    def stop(self) -> None:
        for _name, process, _log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, process, _log in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


class Browser:
    """Just enough of a browser: cookies, redirects, forms with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, bytes]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read()

    def post(self, path: str, fields: dict) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            response.read()
            return response.geturl()

    def page(self, path: str) -> str:
        return self.get(path)[1].decode()


def _csrf(html: str, form_action: str | None = None) -> str:
    if form_action:
        html = re.search(rf'<form[^>]*action="{re.escape(form_action)}".*?</form>', html, re.S).group(0)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _wait(what: str, ready, timeout: float, hosts: Hosts):
    deadline = time.monotonic() + timeout
    while True:
        hosts.check_running()
        result = ready()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} took longer than {timeout} s"
        time.sleep(0.2)


def _refreshes() -> list[tuple[str, str]]:
    with db.engine.connect() as connection:
        return connection.execute(sa.select(Task.id, Task.state).where(Task.kind == "snapshot.refresh")).all()


def test_web_and_two_workers_share_only_the_database_and_redis(app, database_url, redis_db, tmp_path):
    hr = factories.user(Role.HR)
    email = hr.email
    db.session.commit()

    hosts = Hosts(tmp_path, database_url)
    try:
        port = _free_port()
        web_instance = hosts.start("web", [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind",
                                           f"127.0.0.1:{port}", "hiring:create_app()"])
        worker_instances = [hosts.start(f"worker-{n}", [sys.executable, "-m", "flask", "--app", "hiring", "worker",
                                                        "--name", f"multihost-{n}-{os.getpid()}"])
                            for n in (1, 2)]
        browser = Browser(f"http://127.0.0.1:{port}")

        def answering():
            try:
                return browser.page("/login")
            except OSError:
                return None

        login_page = _wait("the web process starting", answering, 30, hosts)
        assert browser.post("/login", {"email": email, "password": factories.PASSWORD,
                                       "csrf_token": _csrf(login_page)}).endswith("/")

        # Heavy figures are never computed by the web process: the first visit asks a worker for them ...
        assert "being computed for the first time" in browser.page("/")
        _wait("the first snapshots", lambda: _refreshes() and all(s == "done" for _i, s in _refreshes()), 30, hosts)
        assert "being computed" not in browser.page("/")
        # ... and after a change, the older ones are shown with their age while a worker recomputes them.
        factories.application()
        db.session.commit()
        assert "newer figures are being computed" in browser.page("/")
        _wait("the snapshot refreshes", lambda: all(s == "done" for _i, s in _refreshes()), 30, hosts)
        assert "newer figures are being computed" not in browser.page("/")

        # A report's PDF, asked for from the web process, rendered by a worker, handed over by the web.
        offers = _wait("the offer figures", lambda: (lambda html: "Figures as of" in html and html)(
            browser.page("/analytics/offer")), 30, hosts)
        status_url = browser.post("/reports/jobs", {"report": "retention",
                                                     "csrf_token": _csrf(offers, "/reports/jobs")})
        job_path = urllib.parse.urlsplit(status_url).path
        assert re.fullmatch(r"/reports/jobs/[A-Za-z0-9_-]{32}", job_path)
        _wait("the report", lambda: "The PDF is ready." in browser.page(job_path), 40, hosts)
        _url, pdf = browser.get(job_path + "/download")
        assert pdf.startswith(b"%PDF-")
        assert "The Offer and retention" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "You have downloaded this PDF" in browser.page(job_path)

        # Done by the workers, not by the web process, and through the database alone.
        job_id = job_path.rsplit("/", 1)[1]
        worker_logs = hosts.log("worker-1") + hosts.log("worker-2")
        assert f"report.pdf {job_id[:6]}" in worker_logs and "snapshot.refresh" in worker_logs
        assert "running it in this process" not in hosts.log("web")
        with db.engine.connect() as connection:
            assert connection.execute(sa.select(Task.state).where(Task.id == job_id)).scalar() == "downloaded"
            assert connection.execute(sa.select(sa.func.count()).select_from(StoredFile)).scalar() == 0
        for instance in (web_instance, *worker_instances):
            assert [p.name for p in instance.rglob("*")] == [], f"{instance} holds files"
    finally:
        hosts.stop()
