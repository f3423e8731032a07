"""Measuring requests in-process: time, SQL statements and peak Python memory per request, signed in through
the real login form with Flask's test client (no network, no server)."""
from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
FLOOR_TEMPLATE = ('{% extends "base.html" %}{% block title %}Floor{% endblock %}'
                  '{% block content %}<h1>Floor</h1><p>{{ n }}</p>{% endblock %}')


@dataclass
class Result:
    """One page or action: a time per repetition (seconds), statements per repetition, peak memory."""

    name: str
    role: str
    what: str
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    peak_bytes: int | None = None
    size_bytes: int = 0
    status: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        return float(np.percentile(self.times, 95)) if self.times else float("nan")

    @property
    def query_range(self) -> str:
        if not self.queries:
            return "-"
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"

    def as_dict(self) -> dict:
        return {**asdict(self), "median": self.median, "p95": self.p95}


class QueryCounter:
    """Counts the SQL statements the engine sends (transaction control left out) while `on`."""

    def __init__(self, engine: sa.Engine):
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(CONTROL):
            self.n += 1

    def reset(self) -> None:
        self.n = 0


def add_floor_page(app) -> None:
    """A page in the site's layout that does one trivial query: the unit every other page is compared to.
    Registered on this app object only (the benchmark's), for any signed-in role."""
    from flask import render_template_string

    from hiring.auth.roles import ANY_ROLE, roles_required
    from hiring.extensions import db

    @roles_required(*ANY_ROLE)
    def floor():
        return render_template_string(FLOOR_TEMPLATE, n=db.session.execute(sa.text("SELECT 1")).scalar())

    app.add_url_rule("/bench/floor", "bench_floor", floor)


def sign_in(app, email: str, password: str):
    """A test client signed in through the login form, CSRF token and all."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page)
    data = {"email": email, "password": password, **({"csrf_token": token.group(1)} if token else {})}
    response = client.post("/login", data=data)
    if response.status_code != 302:
        raise RuntimeError(f"cannot sign in as {email}: {response.status_code}")
    # Signing in starts a fresh session, so the form token comes from a page after it (every page has one).
    token = CSRF.search(client.get("/account/password").get_data(as_text=True))
    client.csrf_token = token.group(1) if token else ""
    return client


class Bench:
    """Runs the measurements of one benchmark run."""

    def __init__(self, app, repeat: int = 20, max_seconds: float = 30.0, memory: bool = True,
                 progress: Callable[[Result], None] | None = None, only: str | None = None):
        from hiring.extensions import db

        self.app = app
        self.only = only.lower() if only else None  # measure only what this names (and the floor)
        self.repeat = repeat
        self.max_seconds = max_seconds
        self.memory = memory
        with app.app_context():
            self.counter = QueryCounter(db.engine)
        self.results: list[Result] = []
        self.progress = progress or (lambda _r: None)

    def page(self, name: str, client, role: str, url: str | Callable[[int], tuple], *, repeat: int | None = None,
             expect: tuple[int, ...] = (200,), note: str = "") -> Result:
        """Time a request `repeat` times after one warm-up (fewer when it takes longer than max_seconds).
        `url` is a path for a GET, or a function of the run number giving (method, path, form data)."""
        if self.only and self.only not in name.lower() and not name.startswith("floor"):
            return Result(name, role, "skipped")
        request = url if callable(url) else (lambda _i: ("GET", url, None))
        result = Result(name, role, request(0)[1] if not callable(url) else f"{request(0)[0]} {request(0)[1]}",
                        note=note)
        run = 0

        def once() -> float:
            nonlocal run
            method, path, data = request(run)
            run += 1
            self.counter.reset()
            began = time.perf_counter()
            response = client.open(path, method=method, data=data)
            body = response.get_data()
            elapsed = time.perf_counter() - began
            response.close()
            result.status, result.size_bytes = response.status_code, len(body)
            if response.status_code not in expect:
                raise RuntimeError(f"{name}: {method} {path} answered {response.status_code}, not {expect}")
            return elapsed

        try:
            warm_up = once()  # templates compiled, caches filled, as on a worker that has served a while
            at_least = 3 if warm_up < self.max_seconds / 3 else 1  # a request of minutes is timed once more only
            started = time.perf_counter()
            for i in range(repeat or self.repeat):
                result.times.append(once())
                result.queries.append(self.counter.n)
                if i + 1 >= at_least and time.perf_counter() - started > self.max_seconds:
                    result.note = (result.note + f"; {i + 1} runs (time limit)").lstrip("; ")
                    break
            if self.memory:
                result.peak_bytes = traced_peak(once)
        except RuntimeError as error:  # a page that fails is reported, and the run goes on
            result.times, result.queries = [], []
            result.note = (result.note + f"; FAILED: {error}").lstrip("; ")
        self.results.append(result)
        self.progress(result)
        return result

    def action(self, name: str, what: str, work: Callable[[], object], repeat: int = 1) -> Result:
        """Time a piece of work in an app context (its own session), then once more for its peak memory."""
        from hiring.extensions import db

        result = Result(name, "-", what)
        if self.only and self.only not in name.lower():
            return result
        with self.app.app_context():
            for _ in range(repeat):
                self.counter.reset()
                began = time.perf_counter()
                work()
                result.times.append(time.perf_counter() - began)
                result.queries.append(self.counter.n)
                db.session.remove()
            if self.memory:
                result.peak_bytes = traced_peak(work)
                db.session.remove()
        self.results.append(result)
        self.progress(result)
        return result


def traced_peak(work: Callable[[], object]) -> int:
    """Peak Python memory allocated while `work` runs (tracemalloc; C libraries' own allocations not seen)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rss_peak_reset() -> bool:
    """Reset the process's peak resident memory (Linux), so that a later rss_mb() shows this part's peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_mb() -> dict[str, float]:
    """Resident memory now and at its peak, in MB (Linux)."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def machine(engine: sa.Engine) -> dict[str, str]:
    """What the benchmark ran on: cores, memory, CPU, Python, database and its version, load, code."""
    info = {"cores": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else str(os.cpu_count())}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
        info["memory"] = f"{kib / 1024 ** 2:.1f} GiB"
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = cpu.group(1).strip() if cpu else platform.processor()
    except (OSError, AttributeError):
        info["memory"], info["cpu"] = "?", platform.processor() or "?"
    info["python"] = platform.python_version()
    if engine.dialect.name == "sqlite":
        import sqlite3

        info["database"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        with engine.connect() as conn:
            info["database"] = f"PostgreSQL {conn.exec_driver_sql('SHOW server_version').scalar()}"
    info["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        root = Path(__file__).resolve().parent.parent
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "hiring", "templates",
                                "migrations"], cwd=root, capture_output=True, text=True, timeout=10).stdout
        info["code"] = head + (" with uncommitted changes in the app" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        info["code"] = "?"
    return info
