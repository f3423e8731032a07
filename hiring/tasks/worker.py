"""An RQ worker for the task queue, as `flask worker` runs it: the app is built once per process (by the
flask command, from the environment) and every task runs in a work horse forked from it."""
from __future__ import annotations

import importlib

from flask import Flask

from hiring.extensions import db
from hiring.tasks.registry import PRELOADS
from hiring.tasks.runner import QUEUE, redis_url


def preload() -> list[str]:
    """Import the modules the features asked workers to hold before forking (registry.PRELOADS)."""
    for name in sorted(PRELOADS):
        importlib.import_module(name)
    return sorted(PRELOADS)


def run(app: Flask, *, burst: bool = False, name: str | None = None) -> bool:
    """Work on the queue until stopped (or, with `burst`, until it is empty); False without REDIS_URL."""
    from redis import Redis
    from rq import Queue, Worker

    url = redis_url(app)
    if not url:
        return False
    # Without the web's socket timeout: the worker waits for work in blocking reads of minutes.
    connection = Redis.from_url(url)
    preload()
    with app.app_context():
        # Each task runs in a forked horse: none may inherit a database connection of this process.
        db.engine.dispose()
    worker = Worker([Queue(QUEUE, connection=connection)], connection=connection, name=name)
    # The scheduler moves retries whose backoff has passed (enqueue_in) back onto the queue.
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    return True
