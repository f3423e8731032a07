"""The reminder engine behind `flask send-reminders` (cron, e.g. every 15 minutes): runs every registered source
(hiring/mail/reminders.py), leaves out what was sent before, what the recipient switched off and everyone who
cannot receive mail (deactivated, no address), and queues the rest in the outbox: at once, each in its own
message, or, for users who chose the daily digest, all in one message at or after REMINDER_DIGEST_HOUR of the
company's day, once a day.

One transaction per recipient, which first inserts the rows of `reminders_sent` and only then queues the
messages: when another run got there first, the unique constraint refuses the insert and the recipient's
transaction rolls back whole, so nothing is queued twice. Run phases: `collect` (reads only), then `deliver`.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hiring.mail import messages, outbox, reminders
from hiring.models import NotificationOptOut, NotificationPreference, ReminderSent, User
from hiring.models.notifications import DIGEST, IMMEDIATE, KEY_LENGTH

log = logging.getLogger(__name__)

DIGEST_KIND = "reminder_digest"
CHUNK = 500  # ids or keys per IN (...) list

messages.register(
    DIGEST_KIND, label=_l("Daily digest of reminders"), audience="staff",
    placeholders={"name": _l("The recipient's name"), "count": _l("How many reminders the digest holds"),
                  # Ends in _link so that the lines' addresses are clickable (messages.LINK_SUFFIXES): the lines
                  # are written by the app's sources, never typed by a candidate (see reminders.py).
                  "reminders_with_link": _l("The reminders, one per line, each with its link"),
                  "preferences_link": _l("The page where the recipient chooses their reminders"),
                  "company": _l("The company's name")},
    subject=_l("Your reminders for today ({{ count }})"),
    body=_l("Hello {{ name }},\n\nThis is what waits for you:\n\n{{ reminders_with_link }}\n\n"
            "You receive your reminders once a day. Choose which reminders you receive, and how, here: "
            "{{ preferences_link }}\n\n{{ company }}"),
    sample={"name": "Alex de Vries", "count": "2",
            "reminders_with_link": "- Scorecard overdue: Values interview for Customer loyalty team member "
                                   "(Monday 30 March 2026): https://hiring.example.com/interviews/1/scorecard\n"
                                   "- Scorecard overdue: Skills interview for Store manager (Tuesday 31 March "
                                   "2026): https://hiring.example.com/interviews/2/scorecard",
            "preferences_link": "https://hiring.example.com/account/notifications", "company": "Values-fit hiring"})


def load_sources() -> None:
    """Import the modules that hold sources (reminders.SOURCE_MODULES), so that their decorators register
    them. A module that does not exist is skipped; one that exists and fails to import fails loudly."""
    for name in reminders.SOURCE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # its package is missing
            found = False
        if found:
            importlib.import_module(name)


@dataclass(frozen=True)
class Recipient:
    """What the engine needs of a user: plain values, so that a commit expires nothing."""

    id: int
    email: str
    name: str
    locale: str | None
    delivery: str
    opted_out: frozenset[str]


@dataclass
class Summary:
    """What a run did, in counts (the command prints them; nobody's name or address)."""

    sent: int = 0  # reminders queued each in its own message
    digests: int = 0  # digest messages queued
    in_digests: int = 0  # reminders those digests hold
    waiting: int = 0  # reminders kept for a digest later (before the hour, or today's went out)
    switched_off: int = 0
    unreachable: int = 0  # to deactivated users or users without an address
    taken: int = 0  # recipients another run served first
    failed: int = 0  # sources that failed, reminders that could not be queued


@dataclass
class Plan:
    """What `collect` found, by recipient: the reminders still to send."""

    now: datetime
    recipients: dict[int, Recipient] = field(default_factory=dict)
    due: dict[int, list[reminders.Reminder]] = field(default_factory=lambda: defaultdict(list))
    summary: Summary = field(default_factory=Summary)


def digest_day(now: datetime) -> tuple[date, bool]:
    """The company's date at `now`, and whether the digest hour of that day has come."""
    local = now.astimezone(ZoneInfo(current_app.config["COMPANY_TIMEZONE"]))
    return local.date(), local.hour >= int(current_app.config["REMINDER_DIGEST_HOUR"])


def digest_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _valid(source: reminders.Source, reminder: reminders.Reminder) -> bool:
    """A reminder the engine can send: of its source's kind, with a usable key and every placeholder."""
    kind = messages.kind_of(reminder.kind)
    return (reminder.kind == source.kind and kind is not None and 0 < len(reminder.key) <= KEY_LENGTH
            and not set(kind.placeholders) - set(reminder.context))


def _produce(session: Session, source: reminders.Source, now: datetime, summary: Summary) -> list[reminders.Reminder]:
    """The source's reminders, each checked; a failing source is logged and counted, the others still run."""
    try:
        produced = list(source.produce(session, now))
    except Exception:  # noqa: BLE001 - one feature's mistake must not keep everyone else's reminders
        log.exception("reminder source %s failed", source.kind)
        session.rollback()
        summary.failed += 1
        return []
    good = [r for r in produced if _valid(source, r)]
    if len(good) < len(produced):
        log.error("reminder source %s: %d reminders of another kind, with a bad key or missing placeholders",
                  source.kind, len(produced) - len(good))
        summary.failed += len(produced) - len(good)
    return good


def _sent_keys(session: Session, kind: str, pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (user_id, key) of `kind` went out already (one query per CHUNK pairs, on the unique index)."""
    sent = set()
    for chunk in _chunks(sorted(set(pairs))):
        sent.update((user_id, key) for user_id, key in session.execute(
            sa.select(ReminderSent.user_id, ReminderSent.key).where(
                ReminderSent.kind == kind, sa.tuple_(ReminderSent.user_id, ReminderSent.key).in_(chunk))))
    return sent


def _recipients(session: Session, user_ids: list[int]) -> dict[int, Recipient]:
    """The active users with an address among `user_ids`, with their preferences (three queries per CHUNK)."""
    found = {}
    for chunk in _chunks(sorted(user_ids)):
        deliveries = {user_id: delivery for user_id, delivery in session.execute(
            sa.select(NotificationPreference.user_id, NotificationPreference.delivery)
            .where(NotificationPreference.user_id.in_(chunk)))}
        opted_out = defaultdict(set)
        for user_id, kind in session.execute(sa.select(NotificationOptOut.user_id, NotificationOptOut.kind)
                                             .where(NotificationOptOut.user_id.in_(chunk))):
            opted_out[user_id].add(kind)
        for user_id, email, name, locale in session.execute(
                sa.select(User.id, User.email, User.name, User.locale)
                .where(User.id.in_(chunk), User.active.is_(True), sa.func.length(sa.func.trim(User.email)) > 0)):
            found[user_id] = Recipient(user_id, email, name, locale, deliveries.get(user_id, IMMEDIATE),
                                       frozenset(opted_out[user_id]))
    return found


def collect(session: Session, now: datetime) -> Plan:
    """Run every source and keep, by recipient, the reminders to send now or for a digest. Reads only, and
    ends its transaction, so that each recipient's delivery begins afresh."""
    load_sources()
    plan = Plan(now)
    produced = [(source, _produce(session, source, now, plan.summary)) for source in reminders.sources()]
    user_ids = {r.user_id for _source, items in produced for r in items}
    plan.recipients = _recipients(session, list(user_ids))
    for source, items in produced:
        sent = _sent_keys(session, source.kind, [(r.user_id, r.key) for r in items])
        seen = set()
        for r in items:
            if (r.user_id, r.key) in sent or (r.user_id, r.key) in seen:
                continue
            seen.add((r.user_id, r.key))
            recipient = plan.recipients.get(r.user_id)
            if recipient is None:
                plan.summary.unreachable += 1
            elif source.optional and source.kind in recipient.opted_out:
                plan.summary.switched_off += 1
            else:
                plan.due[r.user_id].append(r)
    session.rollback()  # nothing was written: end the reading transaction
    return plan


def _digest_done(session: Session, user_ids: list[int], day: date) -> set[int]:
    """Which of these users had today's digest already."""
    done = set()
    for chunk in _chunks(sorted(user_ids)):
        done.update(session.scalars(sa.select(ReminderSent.user_id).where(
            ReminderSent.kind == DIGEST_KIND, ReminderSent.key == digest_key(day),
            ReminderSent.user_id.in_(chunk))))
    return done


def _still_unsent(session: Session, user_id: int, items: list[reminders.Reminder]) -> list[reminders.Reminder]:
    """After losing a race: the reminders nobody sent meanwhile (one query)."""
    sent = {(kind, key) for kind, key in session.execute(sa.select(ReminderSent.kind, ReminderSent.key).where(
        ReminderSent.user_id == user_id, ReminderSent.kind.in_({r.kind for r in items}),
        ReminderSent.key.in_([r.key for r in items])))}
    session.rollback()
    return [r for r in items if (r.kind, r.key) not in sent]


def _queue_immediate(session: Session, recipient: Recipient, items: list[reminders.Reminder], now: datetime) -> None:
    session.add_all(ReminderSent(kind=r.kind, user_id=recipient.id, key=r.key, delivery=IMMEDIATE, sent_at=now)
                    for r in items)
    session.flush()  # the unique constraint decides here, before anything is queued
    for r in items:
        messages.send(session, r.kind, to=recipient.email, language=recipient.locale, context=r.context,
                      user_id=recipient.id)


def _queue_digest(session: Session, recipient: Recipient, items: list[reminders.Reminder], now: datetime,
                  day: date) -> None:
    session.add(ReminderSent(kind=DIGEST_KIND, user_id=recipient.id, key=digest_key(day), delivery=DIGEST,
                             sent_at=now))
    session.add_all(ReminderSent(kind=r.kind, user_id=recipient.id, key=r.key, delivery=DIGEST, sent_at=now)
                    for r in items)
    session.flush()
    lines = "\n".join("- " + " ".join(r.digest_line.split()) for r in items)
    messages.send(session, DIGEST_KIND, to=recipient.email, language=recipient.locale, user_id=recipient.id,
                  context={"name": recipient.name, "count": str(len(items)), "reminders_with_link": lines,
                           "preferences_link": messages.absolute_url("notifications.preferences") or "",
                           "company": current_app.config["COMPANY_NAME"]})


def _deliver_one(session: Session, recipient: Recipient, items: list[reminders.Reminder], plan: Plan,
                 day: date | None) -> None:
    """One recipient's transaction (digest when `day` is given); on a lost race, once more with what is left."""
    summary = plan.summary
    for attempt in (1, 2):
        try:
            if day is None:
                _queue_immediate(session, recipient, items, plan.now)
            else:
                _queue_digest(session, recipient, items, plan.now, day)
            session.commit()
        except IntegrityError:
            session.rollback()
            if attempt == 2 or (day is not None and _digest_done(session, [recipient.id], day)):
                summary.taken += 1
                session.rollback()
                return
            items = _still_unsent(session, recipient.id, items)
            if not items:
                summary.taken += 1
                return
            continue
        except outbox.AddressRefused:  # an address outbox.queue refuses: this recipient's reminders wait for a fix
            session.rollback()
            log.error("reminders for user %d could not be queued", recipient.id)
            summary.failed += len(items)
            return
        if day is None:
            summary.sent += len(items)
        else:
            summary.digests += 1
            summary.in_digests += len(items)
        return


def deliver(session: Session, plan: Plan) -> Summary:
    """Queue what `collect` planned: immediate ones now, digests when their hour has come."""
    day, digest_hour = digest_day(plan.now)
    digest_users = [uid for uid in plan.due if plan.recipients[uid].delivery == DIGEST]
    done = _digest_done(session, digest_users, day) if digest_hour and digest_users else set()
    session.rollback()
    for user_id in sorted(plan.due):
        recipient, items = plan.recipients[user_id], plan.due[user_id]
        if recipient.delivery == IMMEDIATE:
            _deliver_one(session, recipient, items, plan, None)
        elif not digest_hour or user_id in done:
            plan.summary.waiting += len(items)
        else:
            _deliver_one(session, recipient, items, plan, day)
    return plan.summary


def run(session: Session, now: datetime) -> Summary:
    """Collect and deliver: what `flask send-reminders` does."""
    return deliver(session, collect(session, now))
