"""Expensive aggregates (calibration, funnel and fairness) computed once per change of the data they rest on.

Keyed on what changed, never on time: every transaction that writes a topic's tables raises that topic's
counter in `data_versions` as part of the same commit (SQLAlchemy session events, so no write path can forget
it), and a snapshot is served only while the counters it was computed at are still current. A stale
snapshot is recomputed on the spot, or for a dashboard that may show slightly older figures, served with
its time while a background thread brings it up to date.

Snapshots are stored pickled in the database, so that every web worker shares them; the payload is signed
with the app's secret key and anything that fails the check is recomputed instead of unpickled.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from hiring.extensions import db
from hiring.models import (
    Application,
    CoreValue,
    DataVersion,
    Hire,
    InterviewAssignment,
    Job,
    QuitOffer,
    Rating,
    Requirement,
    Scorecard,
    ScorecardRevision,
    SelfIdentification,
    Snapshot,
    StageChange,
    User,
    utcnow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Which topic each table belongs to; the aggregates name the topics they read.
MODEL_TOPICS: dict[type, str] = {
    InterviewAssignment: "scorecards", Scorecard: "scorecards", Rating: "scorecards",
    ScorecardRevision: "scorecards",  # calibration reads each scorecard's first submitted version from it
    Application: "applications", StageChange: "applications", SelfIdentification: "applications",
    Job: "catalogue", Requirement: "catalogue", CoreValue: "catalogue",
    Hire: "hires", QuitOffer: "hires",
}
TOPICS = ("applications", "catalogue", "hires", "people", "scorecards")
PENDING = "hiring.snapshots.pending"
WROTE = "hiring.snapshots.wrote"  # this transaction has flushed writes (and, on SQLite, holds the write lock)


def _topic_of(obj, changed: bool) -> str | None:
    """The topic a flushed object belongs to. Users count only when their name changes (aggregates show
    names), so that signing in, which stamps last_login_at, does not invalidate anything."""
    if isinstance(obj, User):
        return "people" if not changed or sa.inspect(obj).attrs.name.history.has_changes() else None
    return MODEL_TOPICS.get(type(obj))


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(PENDING, set())


def _after_flush(session: Session, _context) -> None:
    session.info[WROTE] = True
    pending = _pending(session)
    for obj in itertools.chain(session.new, session.deleted):
        if topic := _topic_of(obj, changed=False):
            pending.add(topic)
    for obj in session.dirty:
        if session.is_modified(obj) and (topic := _topic_of(obj, changed=True)):
            pending.add(topic)


TABLE_TOPICS = {model.__tablename__: topic for model, topic in MODEL_TOPICS.items()}


def _on_orm_execute(state) -> None:
    """INSERT/UPDATE/DELETE statements through the session count too, on a model or on its table
    (recompute_all's bulk update)."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if topic := TABLE_TOPICS.get(getattr(table, "name", None)):
            _pending(state.session).add(topic)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook; its changes must be counted here
    topics = session.info.pop(PENDING, None)
    if not topics:
        return
    now = utcnow()
    # Always in the same order, so that two writers never wait on each other's counters crosswise.
    for topic in sorted(topics):
        bumped = session.execute(sa.update(DataVersion).where(DataVersion.topic == topic)
                                 .values(version=DataVersion.version + 1, changed_at=now))
        if bumped.rowcount == 0:  # a topic the migration did not seed
            session.execute(sa.insert(DataVersion).values(topic=topic, version=1, changed_at=now))


def _forget(session: Session, *_args) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(WROTE, None)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, handler in (("after_flush", _after_flush), ("do_orm_execute", _on_orm_execute),
                          ("before_commit", _before_commit), ("after_commit", _forget),
                          ("after_rollback", _forget)):
        if not sa.event.contains(Session, name, handler):
            sa.event.listen(Session, name, handler)


def mark_changed(session: Session, *topics: str) -> None:
    """For writes the events cannot see (raw SQL): count them in this transaction's commit."""
    _pending(session).update(topics)


def versions(session: Session, topics: tuple[str, ...]) -> str:
    """The current counters of the topics, as stored with a snapshot: 'catalogue=3;scorecards=812'."""
    found = dict(session.execute(sa.select(DataVersion.topic, DataVersion.version)
                                 .where(DataVersion.topic.in_(topics))).all())
    return ";".join(f"{t}={found.get(t, 0)}" for t in sorted(topics))


@dataclass(frozen=True)
class Cached(Generic[T]):
    """An aggregate with the time it was computed; `fresh` is False while a newer one is being computed."""

    value: T
    computed_at: datetime
    fresh: bool = True


def _sign(payload: bytes) -> bytes:
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, payload, hashlib.sha256).digest()


def _unpickle(blob: bytes):
    signature, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _sign(payload)):
        raise ValueError("snapshot signature does not match")
    return pickle.loads(payload)  # noqa: S301 - only after the signature check above


def _store(name: str, stamp: str, value, seconds: float) -> datetime:
    """Upsert in a connection of its own, so that the request's own transaction is never committed here."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    now = utcnow()
    row = {"name": name, "versions": stamp, "computed_at": now, "seconds": seconds,
           "payload": _sign(payload) + payload}
    engine = db.engine
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(Snapshot).values(row)
    statement = statement.on_conflict_do_update(index_elements=["name"], set_={
        k: statement.excluded[k] for k in ("versions", "computed_at", "seconds", "payload")})
    if engine.dialect.name == "sqlite" and (db.session().info.get(WROTE) or (
            has_request_context() and request.method not in ("GET", "HEAD"))):
        # A write request holds SQLite's write lock (BEGIN IMMEDIATE) until it ends: a second connection
        # would wait for it in vain. The next GET stores the snapshot instead.
        return now
    try:
        with engine.begin() as connection:
            connection.execute(statement)
    except sa.exc.OperationalError as error:  # a busy database: serve the result, store it another time
        log.warning("snapshot %s not stored: %s", name, error)
        return now
    if engine.dialect.name == "sqlite":
        end_read_transaction(db.session())
    return now


def end_read_transaction(caller: Session) -> None:
    """On SQLite, a read transaction that began before our write can no longer become a write transaction
    (SQLITE_BUSY_SNAPSHOT); the caller's transaction has written nothing, so ending it loses nothing, and
    its next statement reads afresh."""
    if caller.in_transaction() and not caller.info.get(WROTE) and not (caller.new or caller.dirty or caller.deleted):
        caller.commit()


def _compute(name: str, topics: tuple[str, ...], compute: Callable[[Session], T], session: Session,
             extra: str = "") -> Cached[T]:
    stamp = versions(session, topics) + extra  # before computing: newer data only makes it recompute
    began = time.perf_counter()
    value = compute(session)
    computed_at = _store(name, stamp, value, time.perf_counter() - began)
    return Cached(value, computed_at)


_refreshing: dict[str, threading.Thread] = {}
_refreshing_lock = threading.Lock()


def _refresh_in_background(name: str, topics: tuple[str, ...], compute: Callable[[Session], T],
                           extra: str = "") -> None:
    """One refresh per snapshot at a time in this process; the thread has its own app context and session."""
    app = current_app._get_current_object()

    def work() -> None:
        try:
            with app.app_context():
                with Session(db.engine) as session:
                    _compute(name, topics, compute, session, extra)
        except Exception:  # a failed refresh leaves the older snapshot; the next visit tries again
            log.exception("refreshing snapshot %s failed", name)
        finally:
            with _refreshing_lock:
                _refreshing.pop(name, None)

    with _refreshing_lock:
        if name in _refreshing:
            return
        thread = threading.Thread(target=work, name=f"snapshot-{name}", daemon=True)
        _refreshing[name] = thread
    thread.start()


def wait_for_refreshes(timeout: float = 60.0) -> None:
    """Join the background refreshes running now (tests, and a clean shutdown)."""
    with _refreshing_lock:
        threads = list(_refreshing.values())
    for thread in threads:
        thread.join(timeout)


def cached(name: str, topics: tuple[str, ...], compute: Callable[[Session], T], *,
           allow_stale: bool = False, extra: str = "") -> Cached[T]:
    """`compute(session)`'s result, from the stored snapshot while the topics (and `extra`, what else the
    result depends on, such as the day) are unchanged.

    With `allow_stale`, a snapshot whose data changed since is returned (fresh=False) and a background
    thread computes the new one; without it, or with no snapshot at all, it is computed now.

    Runs in a session of its own: the caller's transaction is neither widened nor committed, and a snapshot
    stored a moment ago is seen even by a caller whose own transaction began before it.
    """
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown topics {sorted(unknown)}")
    with Session(db.engine) as session:
        row = session.execute(sa.select(Snapshot.versions, Snapshot.computed_at, Snapshot.payload)
                              .where(Snapshot.name == name)).one_or_none()
        if row is not None:
            try:
                value = _unpickle(row.payload)
            except Exception:  # another secret key, a renamed class: compute it again
                value, row = None, None
            if row is not None:
                if row.versions == versions(session, topics) + extra:
                    return Cached(value, row.computed_at)
                if allow_stale and current_app.config.get("SNAPSHOT_BACKGROUND_REFRESH", True):
                    _refresh_in_background(name, topics, compute, extra)
                    return Cached(value, row.computed_at, fresh=False)
        return _compute(name, topics, compute, session, extra)


# The snapshots themselves: what each aggregate reads decides the topics it is keyed on.

def calibration(**options) -> Cached[dict]:
    """Interviewer calibration and item reliability: ratings, and the names of people and items shown."""
    from hiring.scoring.calibration_service import calibration_data

    # The format is in the name (v2: the fixed-effects model on first submitted versions, a Calibration's
    # fields): a stale snapshot may be served while its successor is computed, one of the older shape never.
    return cached("calibration:v2", ("catalogue", "people", "scorecards"), calibration_data, **options)


def fairness(job_id: int | None = None, **options) -> Cached[dict]:
    """The hiring funnel and adverse impact, overall or for one job: applications, stage changes and
    self-identification."""
    from hiring.analytics.service import funnel_and_fairness

    # The format is in the name, not in `extra`: a stale snapshot may be served while its successor is computed
    # (allow_stale), and one of an older shape (v1: float ratios, withdrawals as not selected) never may.
    return cached(f"fairness:v2:{job_id or 'all'}", ("applications",),
                  lambda session: funnel_and_fairness(session, job_id), **options)


def _retention_stamp(today, now) -> str:
    """Retention figures depend on the day (who is still employed, censored today) and on time itself only
    through offers whose deadline passed undecided (they count as staying, shown as expired); that set only
    grows, so its size tells whether it changed. One indexed count."""
    with Session(db.engine) as session:
        expired = session.scalar(sa.select(sa.func.count()).select_from(QuitOffer)
                                 .where(QuitOffer.lapsed(now)))
    return f";today={today.isoformat()};expired={expired}"


def offer_statistics(today, now) -> Cached[dict]:
    """The offer and retention statistics: hires, their offers and their values fit at hiring."""
    from hiring.analytics.service import offer_statistics as compute

    return cached("offer-statistics", ("applications", "hires"), lambda session: compute(session, today, now),
                  extra=_retention_stamp(today, now))


def retention_chart(which: str, title: str, x_label: str, y_label: str, today, now) -> Cached[str]:
    """A retention chart as SVG text, per chart and language (its titles are translated)."""
    from hiring.analytics.charts import survival_svg
    from hiring.analytics.service import curves_for_chart

    def draw(session: Session) -> str:
        return survival_svg(curves_for_chart(session, today, now, which), title, x_label, y_label)

    stamp = _retention_stamp(today, now) + f";title={hashlib.sha256(title.encode()).hexdigest()[:12]}"
    return cached(f"retention-chart:{which}", ("applications", "hires"), draw, extra=stamp)
