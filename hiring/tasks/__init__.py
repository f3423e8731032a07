"""The task runner: one mechanism for all background work (prepared reports, snapshot refreshes, and later
e-mail and webhooks).

Infrastructure: it imports no feature. A feature registers each kind of task it handles with `register`,
asks for one with `enqueue` (in its own transaction; dispatched when that commits), and reads it back with
`status`. The state of every task is a row in `tasks`, so that web processes and workers may run on different
machines against one database: with REDIS_URL set, tasks go to RQ workers (`flask worker`); without it, to a
few threads in the web process that asked (TASK_THREADS).
"""
from hiring.models.tasks import DONE, DOWNLOADED, FAILED, PENDING, QUEUED, RUNNING
from hiring.tasks.records import INTERRUPTED, TaskView, purge, record, status
from hiring.tasks.registry import Failed, Kind, preload, register
from hiring.tasks.runner import enqueue, in_task, init_app, perform, wait_idle

__all__ = ["DONE", "DOWNLOADED", "FAILED", "INTERRUPTED", "PENDING", "QUEUED", "RUNNING", "Failed", "Kind",
           "TaskView", "enqueue", "in_task", "init_app", "perform", "preload", "purge", "record", "register", "status", "wait_idle"]
