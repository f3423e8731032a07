"""Measuring requests in-process: time, SQL statements, the web process's resident memory after each page and
peak Python memory per request, signed in through the real login form with Flask's test client (no network,
no server). This process is the web process: the task runner's work runs in workers of their own
(bench/workers.py), or, without Redis, in this process's threads as it would in a web process."""
from __future__ import annotations

import re
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import sqlalchemy as sa

from bench.system import rss_mb

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PENDING = b'http-equiv="refresh"'  # hiring/snapshots.py's pending_page reloads itself
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
BARE, LAYOUT = "/bench/bare", "/bench/floor"
BARE_NAME, LAYOUT_NAME = "floor: bare route (signed in, SELECT 1, no layout)", "floor: layout (site layout, SELECT 1)"
FLOOR_TEMPLATE = ('{% extends "base.html" %}{% block title %}Floor{% endblock %}'
                  '{% block content %}<h1>Floor</h1><p>{{ n }}</p>{% endblock %}')


@dataclass
class Result:
    """One page or action: a time per repetition (seconds), statements per repetition, memory.

    `first` is the first request of the run to this page (its warm-up), kept and reported, never dropped;
    `rss_mb` the web process's resident memory right after the page's requests; `extra` what a kind of
    measurement adds (a cold request's details, a report's worker)."""

    name: str
    role: str
    what: str
    kind: str = "page"  # floor, page, pdf, cold, fresh, recompute, write, report, action
    times: list[float] = field(default_factory=list)
    first: float | None = None
    queries: list[int] = field(default_factory=list)
    peak_bytes: int | None = None
    size_bytes: int = 0
    status: int | None = None
    note: str = ""
    rss_mb: float | None = None
    extra: dict = field(default_factory=dict)

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
    """Counts the SQL statements the engine sends from the measuring thread (transaction control left out),
    and the snapshots that thread stores: a snapshot stored by the request's own thread was computed in the
    web request. Statements of the task runner's threads are not the page's and are not counted."""

    def __init__(self, engine: sa.Engine):
        self.n = 0
        self.snapshots_stored = 0
        self.timings: list[tuple[float, str]] = []  # (seconds, SQL text: placeholders, never the values)
        self.thread = threading.get_ident()
        self._began = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._seen)
        sa.event.listen(engine, "after_cursor_execute", self._done)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() != self.thread:
            return
        head = statement.lstrip().upper()
        if not head.startswith(CONTROL):
            self.n += 1
        if head.startswith("INSERT INTO SNAPSHOTS"):
            self.snapshots_stored += 1
        self._began = time.perf_counter()

    def _done(self, conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == self.thread:
            self.timings.append((time.perf_counter() - self._began, statement))

    def reset(self) -> None:
        self.n = 0
        self.snapshots_stored = 0
        self.timings = []

    def slowest(self, n: int = 2) -> list[list]:
        """The slowest statements of the last request: [milliseconds, SQL with a long column list elided]."""
        return [[round(t * 1000, 2), shorten(sql)] for t, sql in sorted(self.timings, reverse=True)[:n]]


def shorten(sql: str) -> str:
    """A statement on one line, its outer column list elided when long: what it reads and how, in 500 chars."""
    sql = " ".join(sql.split())
    return re.sub(r"^SELECT (.{60,}?) FROM ", "SELECT … FROM ", sql)[:500]


def add_floor_pages(app) -> None:
    """The two units every page is compared to, registered on this app object only (the benchmark's), for
    any signed-in role: a bare route (the sign-in check and one trivial query, plain text, no template) and
    the same in the site's layout."""
    from flask import Response, render_template_string

    from hiring.auth.roles import ANY_ROLE, roles_required
    from hiring.extensions import db

    @roles_required(*ANY_ROLE)
    def bare():
        return Response(str(db.session.execute(sa.text("SELECT 1")).scalar()), mimetype="text/plain")

    @roles_required(*ANY_ROLE)
    def floor():
        return render_template_string(FLOOR_TEMPLATE, n=db.session.execute(sa.text("SELECT 1")).scalar())

    app.add_url_rule(BARE, "bench_bare", bare)
    app.add_url_rule(LAYOUT, "bench_floor", floor)


add_floor_page = add_floor_pages  # the older name, which tests/test_query_counts.py imports


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


@dataclass
class Response:
    """One timed request."""

    seconds: float
    status: int
    body: bytes
    queries: int
    computed_here: bool  # a snapshot was stored by the request itself: computed in the web request
    started: float  # time.time() when it began
    location: str = ""
    slowest: list = field(default_factory=list)


def is_pending(response: Response) -> bool:
    """A cached page with no figures yet: the page that reloads itself, or a chart's 503."""
    return response.status == 503 or (response.status == 200 and PENDING in response.body[:4000])


class Bench:
    """Runs the measurements of one benchmark run in this (the web) process."""

    def __init__(self, app, repeat: int = 20, max_seconds: float = 30.0, memory: bool = True,
                 progress: Callable[[Result], None] | None = None, only: str | None = None,
                 settle: Callable[[], object] | None = None):
        from hiring.extensions import db

        self.app = app
        self.only = only.lower() if only else None  # measure only what this names (and the floors)
        self.repeat = repeat
        self.max_seconds = max_seconds
        self.memory = memory
        self.settle = settle or (lambda: None)  # waits until the task runner has nothing left to do
        with app.app_context():
            self.counter = QueryCounter(db.engine)
        self.results: list[Result] = []
        self.progress = progress or (lambda _r: None)
        self._traceable: list[tuple[Result, Callable[[], object]]] = []
        self._floors: list[tuple[Result, object, str]] = []

    def floor(self, name: str, client, role: str, path: str, repeat: int) -> Result:
        """A floor: timed `repeat` times now, then once more after every timed request of every page, so that
        its samples are taken under the same conditions as the pages' (a shared machine's load comes and
        goes) and a noisy moment cannot make it a softer unit."""
        result = self.page(name, client, role, path, repeat=repeat, kind="floor")
        if result.times:
            self._floors.append((result, client, path))
        return result

    def skipped(self, name: str) -> bool:
        return bool(self.only) and self.only not in name.lower() and not name.startswith("floor")

    def request(self, client, method: str, path: str, data: dict | None = None) -> Response:
        """One request, timed, with its statements counted."""
        self.counter.reset()
        started, began = time.time(), time.perf_counter()
        response = client.open(path, method=method, data=data)
        body = response.get_data()
        elapsed = time.perf_counter() - began
        response.close()
        return Response(elapsed, response.status_code, body, self.counter.n, self.counter.snapshots_stored > 0,
                        started, response.headers.get("Location", ""), self.counter.slowest())

    def page(self, name: str, client, role: str, url: str | Callable[[int], tuple], *, repeat: int | None = None,
             expect: tuple[int, ...] = (200,), note: str = "", kind: str = "page", cached: bool = False) -> Result:
        """Time a request `repeat` times after a first one (fewer when it takes longer than max_seconds).
        The first is kept in `first`; after it the task runner is let finish what it asked for, so that the
        timed requests meet current snapshots and no background work. A `cached` page's first request may
        find no figures yet (the pending page, or 503 for a chart); the timed ones must show figures. `url`
        is a path for a GET, or a function of the run number giving (method, path, form data)."""
        if self.skipped(name):
            return Result(name, role, "skipped", kind)
        request = url if callable(url) else (lambda _i: ("GET", url, None))
        result = Result(name, role, request(0)[1] if not callable(url) else f"{request(0)[0]} {request(0)[1]}",
                        kind, note=note)
        run = 0

        def once(first: bool = False) -> Response:
            nonlocal run
            method, path, data = request(run)
            run += 1
            done = self.request(client, method, path, data)
            result.status, result.size_bytes = done.status, len(done.body)
            if first and cached and is_pending(done):
                result.extra["first"] = "no figures yet (pending)"
            elif done.status not in expect:
                raise RuntimeError(f"{name}: {method} {path} answered {done.status}, not {expect}")
            elif cached and is_pending(done):
                raise RuntimeError(f"{name}: {method} {path} still shows no figures after the runner finished")
            return done

        try:
            result.first = once(first=True).seconds
            self.settle()
            at_least = 3 if result.first < self.max_seconds / 3 else 1  # a request of minutes is timed once more
            started = time.perf_counter()
            for i in range(repeat or self.repeat):
                done = once()
                result.times.append(done.seconds)
                result.queries.append(done.queries)
                result.extra["slowest"] = done.slowest  # of the last timed request
                if kind == "page":
                    for floor, floor_client, floor_path in self._floors:
                        floor.times.append(self.request(floor_client, "GET", floor_path).seconds)
                if i + 1 >= at_least and time.perf_counter() - started > self.max_seconds:
                    result.note = (result.note + f"; {i + 1} runs (time limit)").lstrip("; ")
                    break
            result.rss_mb = rss_mb().get("VmRSS")
            if self.memory and not callable(url):
                self._traceable.append((result, once))
        except RuntimeError as error:  # a page that fails is reported, and the run goes on
            result.times, result.queries = [], []
            result.note = (result.note + f"; FAILED: {str(error)[:300]}").lstrip("; ")
        self.results.append(result)
        self.progress(result)
        return result

    def trace_peaks(self) -> None:
        """Peak Python memory of one more request of each page measured so far: after the pages, so that
        tracing (which costs memory of its own) does not weigh on the resident memory recorded after each."""
        for result, once in self._traceable:
            try:
                result.peak_bytes = traced_peak(once)
            except RuntimeError as error:
                result.note = (result.note + f"; traced run failed: {error}").lstrip("; ")
        self._traceable.clear()

    def action(self, name: str, what: str, work: Callable[[], object], repeat: int = 1) -> Result:
        """Time a piece of work in an app context (its own session), then once more for its peak memory."""
        from hiring.extensions import db

        result = Result(name, "-", what, "action")
        if self.only and self.only not in name.lower():
            return result
        with self.app.app_context():
            try:
                for _ in range(repeat):
                    self.counter.reset()
                    began = time.perf_counter()
                    work()
                    result.times.append(time.perf_counter() - began)
                    result.queries.append(self.counter.n)
                    db.session.remove()
                if self.memory:
                    result.peak_bytes = traced_peak(work)
            except Exception as error:  # noqa: BLE001 - a command that fails is reported, and the run goes on
                result.times, result.queries = [], []
                result.note = f"FAILED: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
            finally:
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
