"""Big PDF reports prepared in the background: on RQ workers when REDIS_URL is set, in a thread otherwise.

Named "background" rather than "jobs" because a job is a job opening everywhere else in this app.

A job's state is a small JSON file beside its PDF in instance/reports/, so the web processes, their threads
and RQ workers on the same machine all read and write the same thing, and no table or migration is needed.
Both files are replaced atomically (written under a temporary name, then renamed), so a reader never sees
half a file. A job belongs to the user who started it; its id is random and carries nothing personal.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import IO

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale, get_locale
from werkzeug.exceptions import NotFound

from hiring.reports import documents

log = logging.getLogger(__name__)

QUEUE = "hiring-reports"
QUEUED, RUNNING, DONE, FAILED, DOWNLOADED = "queued", "running", "done", "failed", "downloaded"
PENDING = (QUEUED, RUNNING)
# A job not finished within the hour was interrupted (the process restarted) or never picked up (no worker
# running): say so rather than let its page wait for ever. RQ's own limits are set to match.
GIVE_UP_AFTER = 60 * 60
RQ_TIMEOUT = 30 * 60
# Files of reports nobody downloaded hold personal data: they go after a day.
KEEP_FOR = 24 * 60 * 60
# secrets.token_urlsafe(24): 32 characters. Checked before an id comes near a file name.
ID = re.compile(r"[A-Za-z0-9_-]{32}")

# Thread mode: one report renders at a time per web process, so a few clicks cannot take every core from
# the pages; the others wait their turn, queued. Threads are remembered so that tests (and a clean
# shutdown) can wait for them.
_render_slot = threading.BoundedSemaphore(1)
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()
_worker_app: Flask | None = None


def folder(app: Flask | None = None) -> Path:
    """The folder of report jobs' state and files, created owner-only."""
    path = Path((app or current_app).instance_path) / "reports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def redis_url(app: Flask) -> str | None:
    """REDIS_URL from the app's settings when they name it (tests do), else from the environment."""
    if "REDIS_URL" in app.config:
        return app.config["REDIS_URL"] or None
    return os.environ.get("REDIS_URL") or None


def start(kind: str, params: Mapping, user_id: int) -> str:
    """Start preparing a report for a user and return the job's id.

    The same report, still under way for the same user, is not started twice: its id is returned instead,
    so that impatient clicks do not pile up renders. Runs in a request, so that the report comes out in the
    language the user sees the site in.
    """
    app = current_app._get_current_object()
    cleanup(app)
    same = _pending_for(app, kind, dict(params), user_id)
    if same:
        return same
    job_id = record(kind, params, user_id)
    url = redis_url(app)
    if url:
        from redis.exceptions import RedisError

        try:
            _enqueue(url, job_id)
            return job_id
        except RedisError as error:
            # Better a report prepared here than one that waits for ever in a queue nobody can reach.
            log.warning("report job %s: Redis unreachable (%s), preparing it in this process", job_id, error)
    _start_thread(app, job_id)
    return job_id


def record(kind: str, params: Mapping, user_id: int) -> str:
    """Write a job down as queued, in the current language, without running it; start() hands it on."""
    app = current_app._get_current_object()
    job_id = secrets.token_urlsafe(24)
    now = time.time()
    _save(app, job_id, {"id": job_id, "kind": kind, "params": dict(params), "user_id": user_id,
                        "locale": str(get_locale() or app.config.get("BABEL_DEFAULT_LOCALE", "en")),
                        "state": QUEUED, "step": None, "error": None, "created": now, "updated": now})
    return job_id


def status(job_id: str, user_id: int) -> dict | None:
    """The job's state for the user who started it; None for anyone else, for unknown and malformed ids."""
    state = _load(current_app, job_id)
    if state is None or state.get("user_id") != user_id:
        return None
    if state["state"] in PENDING and time.time() - state["created"] > GIVE_UP_AFTER:
        state = {**state, "state": FAILED, "error": "interrupted"}
    return state


def take(job_id: str, user_id: int) -> tuple[str, IO[bytes], int] | None:
    """Hand the finished PDF over once: (file name, open file, size), and the file is gone from the folder.

    The file is claimed by renaming it, which only one request can do, then unlinked while open; the open
    handle streams it. None when the job is not the user's, not done, or already downloaded.
    """
    state = status(job_id, user_id)
    if state is None or state["state"] != DONE:
        return None
    app = current_app._get_current_object()
    pdf = _pdf_path(app, job_id)
    claimed = pdf.with_name(f"{job_id}.sending-{secrets.token_hex(4)}")
    try:
        os.rename(pdf, claimed)
    except FileNotFoundError:
        return None
    handle = open(claimed, "rb")  # noqa: SIM115 - closed by the response that streams it
    size = os.fstat(handle.fileno()).st_size
    claimed.unlink()
    _update(app, job_id, state=DOWNLOADED)
    return documents.FILENAMES[state["kind"]], handle, size


def cleanup(app: Flask, now: float | None = None) -> None:
    """Remove every file in the reports folder older than KEEP_FOR: undownloaded PDFs and old states."""
    cutoff = (now or time.time()) - KEEP_FOR
    for path in folder(app).iterdir():
        with suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def work(job_id: str) -> None:
    """RQ's entry point: prepare one report. Importable by a worker, which builds the app itself.

    In a worker started with `rq worker`, the app comes from create_app() and the same environment as the
    web processes (DATABASE_URL, HIRING_INSTANCE_PATH, ...). Inside an app (a test running a SimpleWorker)
    it uses that app.
    """
    run(current_app._get_current_object() if has_app_context() else _app_for_worker(), job_id)


def run(app: Flask, job_id: str) -> None:
    """Prepare a queued report: its own app context and database session, a request context for url_for,
    the user's language; record progress, and the outcome, never an exception."""
    with app.app_context():
        state = _load(app, job_id)
        if state is None or state["state"] != QUEUED or time.time() - state["created"] > GIVE_UP_AFTER:
            return  # gone, already taken by another worker, or given up on: nobody waits for it
        _update(app, job_id, state=RUNNING)
        try:
            with app.test_request_context(), force_locale(state["locale"]):
                pdf = documents.build(state["kind"], state["params"],
                                      progress=lambda step: _update(app, job_id, step=step))
            _write_atomically(_pdf_path(app, job_id), pdf)
        except NotFound:
            # What the report was about (a job opening, a cohort) is no longer there.
            _update(app, job_id, state=FAILED, error="missing")
        except Exception:  # noqa: BLE001 - any failure is the job's outcome, shown on its page and logged
            log.exception("report job %s (%s) failed", job_id, state["kind"])
            _update(app, job_id, state=FAILED, error="error")
        else:
            _update(app, job_id, state=DONE, step=None)


def join_threads(timeout: float = 60) -> None:
    """Wait for this process's report threads to end (tests; a clean shutdown)."""
    deadline = time.monotonic() + timeout
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def _enqueue(url: str, job_id: str) -> None:
    from redis import Redis
    from rq import Queue

    with Redis.from_url(url) as connection:
        # Our own state file is the record; RQ keeps nothing once the job has run.
        Queue(QUEUE, connection=connection).enqueue(
            work, job_id, job_timeout=RQ_TIMEOUT, ttl=GIVE_UP_AFTER, result_ttl=0, failure_ttl=KEEP_FOR,
            description=f"report {job_id[:6]}…")


def _start_thread(app: Flask, job_id: str) -> None:
    thread = threading.Thread(target=_thread_main, args=(app, job_id), name=f"report-{job_id[:6]}", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def _thread_main(app: Flask, job_id: str) -> None:
    try:
        with _render_slot:
            run(app, job_id)
    finally:
        with _threads_lock:
            _threads.discard(threading.current_thread())


def _app_for_worker() -> Flask:
    """One app per worker process, built from the environment like the web processes' own."""
    global _worker_app
    if _worker_app is None:
        from hiring import create_app

        _worker_app = create_app()
    return _worker_app


def _state_path(app: Flask, job_id: str) -> Path:
    return folder(app) / f"{job_id}.json"


def _pdf_path(app: Flask, job_id: str) -> Path:
    return folder(app) / f"{job_id}.pdf"


def _load(app: Flask, job_id: str) -> dict | None:
    if not ID.fullmatch(job_id or ""):
        return None
    try:
        return json.loads(_state_path(app, job_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _save(app: Flask, job_id: str, state: dict) -> None:
    _write_atomically(_state_path(app, job_id), json.dumps(state).encode())


def _update(app: Flask, job_id: str, **changes) -> None:
    """Change a job's state; only the job's runner and its one download write, never both at once."""
    state = _load(app, job_id)
    if state is not None:
        _save(app, job_id, {**state, **changes, "updated": time.time()})


def _pending_for(app: Flask, kind: str, params: dict, user_id: int) -> str | None:
    now = time.time()
    for path in folder(app).glob("*.json"):
        state = _load(app, path.stem)
        if (state and state["user_id"] == user_id and state["kind"] == kind and state["params"] == params
                and state["state"] in PENDING and now - state["created"] <= GIVE_UP_AFTER):
            return state["id"]
    return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename: the file is whole or absent."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
