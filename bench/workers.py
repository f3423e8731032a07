"""The task runner as a deployment runs it, seen from the benchmark: RQ workers (`flask worker`, the very
command a deployment starts) in processes of their own with instance folders of their own, or, without
Redis, the web process's own threads. The benchmark waits for the runner's work to be done, and reads a
worker's peak resident memory from the kernel when the worker exits (wait4: the larger of the worker and
the work horses it forked, one per task)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from bench.system import rss_mb

ROOT = Path(__file__).resolve().parent.parent
PENDING = ("queued", "running")


class Threads:
    """No Redis: the task runner's threads in this (the web) process do the work."""

    kind = "threads"
    label = "the web process's own task thread (no REDIS_URL)"

    def __init__(self, app, since: datetime):
        self.app, self.since = app, since

    def start(self) -> None:
        """Nothing to start: threads start when there is work."""

    def wait_idle(self, timeout: float = 600.0) -> bool:
        from hiring import tasks

        return tasks.wait_idle(timeout) and pending(self.app, self.since) == 0

    def stop(self) -> dict:
        return {}

    def burst(self) -> dict:
        """Work through what is queued (it is already under way in the threads)."""
        began = time.perf_counter()
        ok = self.wait_idle()
        return {"ok": ok, "seconds": time.perf_counter() - began}


class RQWorkers:
    """`flask worker` processes on the app's Redis queue, each with its own instance folder, sharing only
    the database, Redis and SECRET_KEY with the web process, as on separate hosts."""

    kind = "rq"
    label = "RQ workers (`flask worker`, separate processes)"

    def __init__(self, app, database_url: str, redis_url: str, folder: Path, secret_key: str, since: datetime,
                 timeout: float = 600.0, limit_mb: float | None = None):
        self.app, self.since = app, since
        self.limit_mb = limit_mb  # a report worker growing past this is stopped (a shared machine)
        self.timeout = timeout  # the longest wait for the workers (a burst's whole life: six times this)
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": secret_key,
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("FLASK_APP", None)
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.count = 0

    def _spawn(self, burst: bool) -> subprocess.Popen:
        self.count += 1
        name = f"bench-{os.getpid()}-{self.count}"
        instance = self.folder / name / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / name / "log.txt", "wb")  # noqa: SIM115 - the child writes it
        args = [sys.executable, "-m", "flask", "--app", "hiring", "worker", "--name", name,
                *(["--burst"] if burst else [])]
        process = subprocess.Popen(args, cwd=ROOT, env={**self.env, "HIRING_INSTANCE_PATH": str(instance)},
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=_stop_with_parent)
        log.close()
        process.bench_name, process.bench_log = name, self.folder / name / "log.txt"
        return process

    def start(self, timeout: float = 120.0) -> None:
        """Start a long-running worker and wait until it listens on the queue."""
        from redis import Redis
        from rq import Worker

        self.process = self._spawn(burst=False)
        connection = Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        while not any(w.name == self.process.bench_name for w in Worker.all(connection=connection)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log_tail(self.process)}")
            time.sleep(0.2)

    @staticmethod
    def log_tail(process) -> str:
        return process.bench_log.read_text(errors="replace")[-3000:]

    def check(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the worker stopped ({self.process.returncode}):\n{self.log_tail(self.process)}")

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Until no task asked since the run began is queued or running."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while pending(self.app, self.since):
            self.check()
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> dict:
        """Stop the long-running worker after its current task (SIGTERM: RQ's warm shutdown); its peak."""
        if self.process is None:
            return {}
        process, self.process = self.process, None
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        return _reap(process, timeout=self.timeout)

    def burst(self) -> dict:
        """A worker that works through the queue and exits (`flask worker --burst`): its peak, and its life."""
        began = time.perf_counter()
        out = _reap(self._spawn(burst=True), timeout=6 * self.timeout, limit_mb=self.limit_mb)
        out["seconds"] = time.perf_counter() - began
        return out


def _stop_with_parent() -> None:
    """In the worker, before it runs: SIGTERM when the benchmark dies (Linux), so that a killed run leaves no
    worker taking tasks from the queue."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _tree_rss_mb(pid: int) -> float:
    """The largest resident memory now of a worker and its work horses, in MB."""
    largest, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            largest = max(largest, rss_mb(current).get("VmRSS", 0.0))
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return largest


def _reap(process: subprocess.Popen, timeout: float, limit_mb: float | None = None) -> dict:
    """Wait for a worker to exit; the kernel's peak resident memory of it and its reaped children. On a
    shared machine a worker (or its horse) growing past `limit_mb` is stopped, and says so."""
    deadline, stopped, seen = time.monotonic() + timeout, None, 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            break
        seen = max(seen, now := _tree_rss_mb(process.pid))
        if limit_mb and now > limit_mb:
            stopped = f"stopped at {now:,.0f} MB, past the benchmark's limit of {limit_mb:,.0f} MB"
        elif time.monotonic() > deadline:
            stopped = f"stopped after {timeout:,.0f} s"
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.1)
    # A horse killed with its worker is not the worker's to reap: then the largest seen while polling counts.
    out = {"peak_mb": max(usage.ru_maxrss / 1024, seen), "exit": process.returncode, "name": process.bench_name}
    if stopped:
        out["stopped"] = stopped
    if process.returncode != 0:
        out["log"] = RQWorkers.log_tail(process)
    return out


def pending(app, since: datetime) -> int:
    """Tasks asked for since `since` that are still queued or running (the runner's own table)."""
    from hiring.extensions import db
    from hiring.models import Task

    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(Task)
                                  .where(Task.state.in_(PENDING), Task.created_at >= since)).scalar()


def tasks_since(app, since: datetime) -> list[dict]:
    """The tasks asked for since `since`: kind, state, error, and how long each ran in the worker."""
    from hiring.extensions import db
    from hiring.models import Task

    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(sa.select(Task.id, Task.kind, Task.state, Task.error, Task.created_at,
                                            Task.started_at, Task.finished_at)
                                  .where(Task.created_at >= since).order_by(Task.created_at)).all()
    return [{"id": r.id, "kind": r.kind, "state": r.state, "error": r.error, "created_at": r.created_at,
             "started_at": r.started_at, "finished_at": r.finished_at,
             "ran": (r.finished_at - r.started_at).total_seconds() if r.finished_at and r.started_at else None}
            for r in rows]


def runner_for(app, database_url: str, redis_url: str | None, folder: Path, secret_key: str, since: datetime,
               limit_mb: float | None = None):
    """RQ workers when Redis answers at `redis_url`, else the web process's threads."""
    if redis_url:
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except RedisError as error:
            raise SystemExit(f"Redis at {redis_url} does not answer ({error}); pass --threads to run "
                             "background work in the web process instead") from None
        return RQWorkers(app, database_url, redis_url, folder, secret_key, since, limit_mb=limit_mb)
    return Threads(app, since)
