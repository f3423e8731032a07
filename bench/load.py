"""A bounded load test: `python -m bench.load [--users N] [--seconds S] [--short]`.

Creates a scratch PostgreSQL database (hiring_load_<pid>, dropped at the end, also on failure), migrates it,
seeds the demo company plus the test's own people (bench/load_world.py), starts gunicorn on 127.0.0.1 and a
free port, and lets a fixed number of simulated users (bench/load_users.py) work for a fixed time:
interviewers filling in and submitting scorecards (and re-posting some, which must be refused with a 409),
recruiters browsing, new hires ticking their onboarding tasks. Then it stops the server, checks in the database
that every acknowledged write is there exactly once and nothing else was written, and prints requests per
second, median and p95 latency per kind of request, and the errors. Exits 1 on any error or lost or duplicated
write. Loopback only: the server listens on 127.0.0.1 and every user connects from an address in 127.0.0.0/8.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import psycopg

from bench.load_users import ROLES, Browser, Recorder, Sample, Start, address
from bench.load_world import seed, split_users, verify

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
SHORT = {"users": 12, "seconds": 20}
LONG = {"users": 40, "seconds": 120}
# A new line of the server's log (gunicorn's or Flask's), and the ones worth reporting.
LOG_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d ")
NOTEWORTHY = re.compile(r"\] (ERROR|CRITICAL|WARNING) in |\[(ERROR|CRITICAL|WARNING)\]|^Traceback")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def create_database(name: str) -> None:
    """A fresh, empty scratch database."""
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    """Drop the scratch database, closing any connection left to it."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Gunicorn:
    """gunicorn serving the app on 127.0.0.1 and a free port, its output in a log file."""

    def __init__(self, database_url: str, folder: Path, workers: int, threads: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        self.workers, self.threads = workers, threads
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG")}
        env.update(DATABASE_URL=database_url, SECRET_KEY=secrets.token_urlsafe(32),
                   HIRING_INSTANCE_PATH=str(folder / "instance"))
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                 "--threads", str(threads), "--worker-class", "gthread", "--timeout", "60",
                 "--graceful-timeout", "20", "hiring:create_app()"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_ready(self, timeout: float = 90.0) -> None:
        """Return once the login page answers 200; raise if the server died or never answered."""
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/login", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """Graceful stop (in-flight requests finish), then a kill if it hangs; only our own process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> list[str]:
        """Every error, warning and traceback the server logged, each with its continuation lines."""
        found, current = [], None
        for line in self.log.read_text(errors="replace").splitlines():
            if LOG_LINE.match(line) or (current is None and line.startswith("Traceback")):
                if current:
                    found.append("\n".join(current))
                current = [line] if NOTEWORTHY.search(line) else None
            elif current is not None:
                current.append(line)
        if current:
            found.append("\n".join(current))
        return found


def simulate(world, base: str, seconds: float, think: float, seed_: int):
    """Run every simulated user for `seconds` after all have signed in; returns the recorder and the window."""
    recorder = Recorder()
    actors = ([(a, "interviewer") for a in world.interviewers] + [(a, "recruiter") for a in world.recruiters]
              + [(a, "new_hire") for a in world.new_hires])
    start = Start(len(actors), seconds)
    threads = [ROLES[role](actor, world, Browser(base, address(n), recorder), recorder, start, think, seed_ + n)
               for n, (actor, role) in enumerate(actors)]
    for thread in threads:
        thread.start()
    limit = time.monotonic() + seconds + 180
    for thread in threads:
        thread.join(max(0.0, limit - time.monotonic()))
    for thread in threads:
        if thread.is_alive():
            recorder.add(Sample("simulated user", time.perf_counter(), 0.0, None, f"{thread.name} did not stop"))
    ended = max([s.ended for s in recorder.samples] + [start.deadline])
    return recorder, start.began, ended


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else float("nan")


def machine() -> str:
    """Cores, memory, Python and the load on the machine right now."""
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.machine()}, {os.cpu_count()} cores, {mem / 2**20:.1f} GiB, Python {platform.python_version()}"
            f"; load average {load}")


def report(recorder: Recorder, began: float, ended: float, header: list[str], audit, tracebacks: list[str]) -> int:
    """Print the figures and the verdict; the number of problems."""
    by_kind = defaultdict(list)
    for s in recorder.samples:
        by_kind[s.kind].append(s)
    timed = [s for s in recorder.samples if s.ended >= began]
    errors = [s for s in recorder.samples if s.error]
    print("\n".join(header))
    print(f"{'request':30} {'count':>7} {'errors':>7} {'median ms':>10} {'p95 ms':>9} {'max ms':>9}")
    rows = sorted(by_kind.items()) + [("all (timed window)", timed)]
    for kind, samples in rows:
        took = [1000 * s.seconds for s in samples if s.status is not None]
        print(f"{kind:30} {len(samples):7d} {sum(1 for s in samples if s.error):7d} "
              f"{percentile(took, 0.5):10.1f} {percentile(took, 0.95):9.1f} {max(took, default=float('nan')):9.1f}")
    window = ended - began
    print(f"throughput: {len(timed) / window:.1f} requests/s ({len(timed)} requests in {window:.1f} s; "
          f"{len(recorder.samples) - len(timed)} sign-in requests before the window)")
    for (kind, message), n in Counter((s.kind, s.error) for s in errors).most_common(15):
        print(f"ERROR x{n}: {kind}: {message}")
    print("writes and database check: " + "; ".join(f"{k} {v}" for k, v in audit.facts.items()))
    for problem in audit.problems[:30]:
        print(f"DATA: {problem}")
    if len(audit.problems) > 30:
        print(f"DATA: ... and {len(audit.problems) - 30} more")
    for trace in tracebacks[:5]:
        print("SERVER LOG:\n" + trace)
    failed = len(errors) + len(audit.problems) + len(tracebacks)
    print(f"RESULT: {'PASS' if not failed else 'FAIL'}: {len(errors)} request errors, {len(audit.problems)} lost, "
          f"duplicated or unexpected writes, {len(tracebacks)} errors in the server log")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help=f"the CI form: {SHORT['users']} users for "
                        f"{SHORT['seconds']} s unless given")
    parser.add_argument("--users", type=int, help=f"simulated users (default {LONG['users']})")
    parser.add_argument("--seconds", type=float, help=f"length of the timed window (default {LONG['seconds']})")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's steps, in s")
    parser.add_argument("--cards", type=int, help="scorecards per interviewer (default: enough for the window)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    form = SHORT if args.short else LONG
    users, seconds = args.users or form["users"], args.seconds or form["seconds"]
    if users < 5:
        parser.error("--users must be at least 5 (three interviewers, a recruiter, a new hire)")
    cards = args.cards or math.ceil(seconds / (3 * args.think)) + 1
    # SIGTERM (a CI timeout) unwinds through the finally blocks, so the server stops and the database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name = f"hiring_load_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="hiring-load-"))
    url = f"{SERVER}/{name}"
    os.environ["HIRING_INSTANCE_PATH"] = str(folder / "seed-instance")
    server, app = None, None
    started = time.monotonic()
    try:
        create_database(name)
        from flask_migrate import upgrade

        from hiring import create_app
        from hiring.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(32)})
        with app.app_context():
            upgrade()
            world = seed(db.session, users, cards, date.today())
            pg_version = db.session.scalar(db.text("show server_version"))
            db.session.remove()
        print(f"seeded {name} in {time.monotonic() - started:.1f} s: "
              + ", ".join(f"{v} {k}" for k, v in world.counts.items()), flush=True)
        server = Gunicorn(url, folder, args.workers, args.threads)
        server.wait_until_ready()
        print(f"gunicorn answers on {server.base}; {users} users for {seconds:g} s ...", flush=True)
        recorder, began, ended = simulate(world, server.base, seconds, args.think, args.seed)
        server.stop()  # nothing may write any more while the database is checked
        with app.app_context():
            audit = verify(db.session, world, recorder.card_ops, recorder.task_ops)
            db.session.remove()
        for fact in ("scorecard submits acknowledged", "duplicate submits refused", "ticks acknowledged",
                     "duplicate ticks refused"):
            if not audit.facts.get(fact):
                audit.bad(f"the scenario did not do what it is for: {fact}: none")
        n_int, n_rec, n_new = split_users(users)
        header = [
            f"== Load test: {users} simulated users ({n_int} interviewers, {n_rec} recruiters, {n_new} new hires), "
            f"{seconds:g} s, think time {args.think:g} s ==",
            f"server: gunicorn {args.workers} workers x {args.threads} threads (gthread) on {server.base}; "
            f"PostgreSQL {pg_version}, scratch database {name}",
            f"machine: {machine()} (shared: other work may run at the same time)",
        ]
        failed = report(recorder, began, ended, header, audit, server.tracebacks())
        return 1 if failed else 0
    finally:
        if server is not None:
            server.stop()
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        try:
            drop_database(name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
