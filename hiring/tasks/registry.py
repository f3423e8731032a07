"""The kinds of background task, registered by the features that handle them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hiring.models import Task

Progress = Callable[[str], None]
Handler = Callable[["Task", Progress], None]


class Failed(Exception):
    """Raised by a handler for an outcome it knows (say "missing": what it was about is gone): recorded as this
    code, not logged as an error, never retried."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Kind:
    """A kind of task: its handler, how often a failure is tried again, and how long it may take.

    `retries` more attempts after an unexpected failure, the first after `backoff` seconds, each next one
    after twice as long. `timeout`: what one attempt may take before an RQ worker stops it. `give_up_after`:
    a task not finished this long after it was asked for is shown failed ("interrupted"), and a worker that
    comes to it later leaves it alone; it covers every attempt and wait.
    """

    name: str
    handler: Handler
    retries: int = 0
    backoff: float = 30.0
    timeout: int = 30 * 60
    give_up_after: int = 60 * 60

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` + 1, after `attempt` failures."""
        return self.backoff * 2 ** (attempt - 1)


KINDS: dict[str, Kind] = {}
# Task rows are purged a day after they were asked for (records.KEEP_FOR): none may still be pending then.
LONGEST_GIVE_UP = 24 * 60 * 60


def register(name: str, handler: Handler, *, retries: int = 0, backoff: float = 30.0, timeout: int = 30 * 60,
             give_up_after: int = 60 * 60) -> Kind:
    """Make a kind of task known to every process that imports the feature registering it.

    The handler, `handler(task, progress)`, runs in an app context with a request context (for url_for) in
    the task's language; `progress(step)` records a step its page may show. It returns when done, raises
    Failed(code) for a known outcome, and anything else is a failure, logged and recorded as "error".
    """
    if len(name) > 40:
        raise ValueError(f"task kind {name!r} is longer than the tasks.kind column")
    waits = sum(backoff * 2 ** i for i in range(retries))
    if give_up_after < timeout * (retries + 1) + waits:
        raise ValueError(f"task kind {name!r}: give_up_after is shorter than its attempts and waits")
    if give_up_after > LONGEST_GIVE_UP:
        raise ValueError(f"task kind {name!r}: give_up_after is longer than tasks are kept")
    kind = Kind(name, handler, retries, backoff, timeout, give_up_after)
    KINDS[name] = kind
    return kind


# Modules a worker imports once, before it forks a work horse for each task: a horse starts as a copy of
# the worker, so what the worker has imported costs a task nothing (Matplotlib took 0.8 s in every horse
# that drew a chart, longer than the chart).
PRELOADS: set[str] = set()


def preload(*modules: str) -> None:
    """Have workers import `modules` before they fork (see PRELOADS); called by the features that use them."""
    PRELOADS.update(modules)


def kind_of(name: str) -> Kind | None:
    """The registered kind of that name; None for one this process does not know."""
    return KINDS.get(name)
