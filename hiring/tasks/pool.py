"""The in-process runner used without Redis: a few threads per app working through task ids in order.

Bounded (TASK_THREADS, one by default), so that a few clicks on "Prepare the PDF" cannot take every core
from the pages; the rest wait their turn, queued. Threads start when there is work and end when there is
none, so an idle app holds none; they are daemons, so that stopping a web process does not wait for a
render (its task is then shown "interrupted" once its time has passed).
"""
from __future__ import annotations

import logging
import threading
import weakref
from collections import deque
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

_pools: weakref.WeakSet[ThreadPool] = weakref.WeakSet()


class ThreadPool:
    """Runs `perform(task_id, app)` for the ids submitted, at most `size` at a time, in submission order."""

    def __init__(self, app: Flask, size: int, perform: Callable[[str, Flask], None]):
        self._app, self._size, self._perform = app, max(1, size), perform
        self._waiting: deque[str] = deque()
        self._threads = 0
        self._unfinished = 0  # waiting, running, or sleeping out a retry's backoff
        self._lock = threading.Condition()
        _pools.add(self)

    def submit(self, task_id: str, delay: float = 0.0) -> None:
        """Run the task as soon as a thread is free, or after `delay` seconds (a retry's backoff)."""
        with self._lock:
            self._unfinished += 1
        if delay > 0:
            timer = threading.Timer(delay, self._put, (task_id,))
            timer.daemon = True
            timer.start()
        else:
            self._put(task_id)

    def _put(self, task_id: str) -> None:
        with self._lock:
            self._waiting.append(task_id)
            if self._threads < self._size:
                self._threads += 1
                threading.Thread(target=self._work, name=f"tasks-{id(self):x}", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._threads -= 1
                    return
                task_id = self._waiting.popleft()
            try:
                self._perform(task_id, self._app)
            except Exception:  # perform records its own failures; this is a bug in the runner itself
                log.exception("the task runner failed on task %s", task_id)
            finally:
                with self._lock:
                    self._unfinished -= 1
                    self._lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is waiting, running or due to retry; False if that took longer than `timeout`."""
        with self._lock:
            return self._lock.wait_for(lambda: self._unfinished == 0, timeout)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._unfinished > 0


def every_pool() -> list[ThreadPool]:
    """This process's pools (one per app that ran tasks in threads)."""
    return list(_pools)
