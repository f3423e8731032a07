"""Webhooks (issue 24, item 2): signed events to the addresses admins subscribe, delivered by the task runner.

How a feature emits an event: in the transaction of the action that causes it, call

    from hiring.webhooks import events
    events.emit(db.session, events.APPLICATION_STAGE_CHANGED,
                {"application_id": 12, "job_id": 3, "from": "screening", "to": "interviewing"})

with ids, codes, stages and times only (never a name, an address or free text), and commit as usual. A
delivery row is written for every active subscription that wants the type; the task "webhooks.deliver"
sends each once the transaction commits, so a rolled-back action sends nothing.

events.py: the event types and emit; signing.py (pure): Standard Webhooks signatures and `verify` for
receivers; guard.py: which addresses may be posted to, and posting to a checked one; delivery.py: the task,
retries and the sweep; subscriptions.py: the admins' operations and the secrets; views.py: the admin pages
and `flask deliver-webhooks`.
"""
from hiring.webhooks import delivery  # noqa: F401 - registers the task kinds wherever events are emitted
from hiring.webhooks.events import EVENT_TYPES, emit, emit_many

__all__ = ["EVENT_TYPES", "emit", "emit_many"]
