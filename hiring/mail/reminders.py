"""Reminders: messages nobody's action causes but time does (a scorecard overdue, an onboarding task due, The
Offer's deadline near), produced by sources and sent by `flask send-reminders` (run by cron, e.g. every 15
minutes) in each recipient's chosen way: immediately, or collected into one daily digest.

How a feature adds a reminder (the engine lives in hiring/mail/reminder_engine.py):

1. Register the message kind as usual (hiring.mail.messages.register, audience "staff"), its placeholders in
   the recipient's language.
2. In a module named `reminders.py` of the feature package, decorate a producer:

       @reminders.source("scorecard_reminder", label=_l("Scorecards overdue"))
       def overdue_scorecards(session, now):       # now: aware UTC datetime (hiring.models.utcnow())
           ...one bounded query...
           yield reminders.Reminder(kind="scorecard_reminder", user_id=..., key=f"assignment:{id}",
                                    context={...}, digest_line="...")

   A source yields every reminder that is due now, sent or not: the engine skips those already sent
   ((kind, user_id, key) is sent at most once, ever: the table reminders_sent decides, even when two runs
   overlap) and those the recipient switched off. Write context and digest_line in the recipient's language
   (flask_babel.force_locale(messages.language_for(user.locale))). The digest shows digest_line as it is and
   makes its http(s) addresses clickable: build it from our words, staff-typed titles and app links, not from
   text a candidate typed. Key at most 120 characters (KEY_LENGTH). Keys name the occasion: a second reminder
   for the same thing on another occasion needs another key (e.g. "task:12:overdue" after "task:12:due").
3. Make the module imported when the app starts: the engine imports SOURCE_MODULES below (a module that does
   not exist yet is skipped), and a feature package may also simply import its reminders module in its
   __init__.py. Registration is by the decorator at import time, like message kinds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import ReminderSent
from hiring.models.notifications import KEY_LENGTH

# The modules that hold sources; imported by hiring.mail.reminder_engine.load_sources (missing ones skipped).
SOURCE_MODULES = (
    "hiring.interviews.reminders",
    "hiring.onboarding.reminders",
    "hiring.offer.reminders",
)


@dataclass(frozen=True)
class Reminder:
    kind: str                 # a message kind code registered with hiring.mail.messages.register
    user_id: int              # the recipient: users.id (staff or a new hire's login)
    key: str                  # what it is about and which occasion, e.g. "assignment:123"; (kind, user_id, key) is sent at most once, ever
    context: dict[str, str]   # the kind's placeholders, already in the recipient's language
    digest_line: str          # one line for the daily digest, in the recipient's language (may contain a link)


Producer = Callable[[Session, datetime], Iterable[Reminder]]


@dataclass(frozen=True)
class Source:
    """A registered producer of reminders of one message kind."""

    kind: str
    label: object  # LazyString: shown on the preferences page
    optional: bool  # False: the user cannot switch it off
    produce: Producer


SOURCES: dict[str, Source] = {}


def source(kind: str, *, label, optional: bool = True):
    """Decorator: registers fn(session, now: datetime) -> Iterable[Reminder] as the producer of reminders of this
    message kind. label (a lazy string) is what the preferences page shows; optional=False means the user cannot
    switch it off (it still honours digest/immediate)."""
    def decorate(fn: Producer):
        if kind in SOURCES and SOURCES[kind].produce is not fn:
            existing = SOURCES[kind].produce
            # A module imported twice under one name re-registers the same function: allowed; two features
            # claiming one kind is a mistake.
            if (existing.__module__, existing.__qualname__) != (fn.__module__, fn.__qualname__):
                raise ValueError(f"reminder kind {kind!r} has a source already ({existing.__module__})")
        SOURCES[kind] = Source(kind, label, optional, fn)
        return fn
    return decorate


def sources() -> list[Source]:
    """Every registered source, by kind."""
    return [SOURCES[kind] for kind in sorted(SOURCES)]


def optional_sources() -> list[Source]:
    """The sources a user may switch off (the preferences page's checkboxes)."""
    return [s for s in sources() if s.optional]


def unsent(kind: str, user_id, key) -> sa.ColumnElement[bool]:
    """A condition for a source's query: no reminder of `kind` went to `user_id` about `key` yet (SQL
    expressions, e.g. InterviewAssignment.interviewer_id and sa.literal("assignment:") + sa.cast(id, String)).
    Optional (the engine skips what was sent anyway), but it keeps a source from reading its whole history
    on every run."""
    return ~sa.exists().where(ReminderSent.kind == kind, ReminderSent.user_id == user_id, ReminderSent.key == key)


__all__ = ["KEY_LENGTH", "Reminder", "SOURCES", "SOURCE_MODULES", "Source", "optional_sources", "source", "sources",
           "unsent"]
