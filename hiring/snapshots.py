"""Expensive aggregates (calibration, funnel and fairness) computed once per change of the data they rest on.

Keyed on what changed, never on time: every transaction that writes a topic's tables raises that topic's
counter in `data_versions` as part of the same commit (SQLAlchemy session events, so no write path can forget
it), and a snapshot is served only while the counters it was computed at are still current. A stale
snapshot is recomputed on the spot, or for a dashboard that may show slightly older figures, served with
its time while the task runner (hiring/tasks/) brings it up to date: in a worker process, or a thread here.
A worker finds the computation by name: each snapshot is made by a registered maker from JSON-able
parameters.

Snapshots are stored pickled in the database, so that every web worker shares them; the payload is signed
with the app's secret key and anything that fails the check is recomputed instead of unpickled.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from hiring import tasks
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
    if session.get_nested_transaction() is not None:
        # A savepoint ended (hiring/postgres.py's retry): the transaction around it goes on, with the writes
        # it made before. Counting a rolled-back write too costs one needless recompute; forgetting a
        # committed one would serve stale figures.
        return
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


@dataclass(frozen=True)
class Recipe(Generic[T]):
    """What a snapshot is: the name of its row, the topics it rests on, how it is computed, and what else
    its value depends on (`extra`, such as the day)."""

    name: str
    topics: tuple[str, ...]
    compute: Callable[[Session], T]
    extra: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.topics) - set(TOPICS)
        if unknown:
            raise ValueError(f"unknown topics {sorted(unknown)}")


# Makers: a Recipe from JSON-able parameters, registered by name, so that a worker in another process can
# recompute a snapshot from {"name": "fairness", "job_id": 3}. The only way a refresh finds its compute.
MAKERS: dict[str, Callable[..., Recipe]] = {}
REFRESH = "snapshot.refresh"


def maker(name: str) -> Callable[[Callable[..., Recipe]], Callable[..., Recipe]]:
    """Register a function that makes a snapshot's Recipe from JSON-able keyword parameters."""

    def register(make: Callable[..., Recipe]) -> Callable[..., Recipe]:
        MAKERS[name] = make
        return make

    return register


def _compute(recipe: Recipe[T], session: Session) -> Cached[T]:
    stamp = versions(session, recipe.topics) + recipe.extra  # before computing: newer data only makes it recompute
    began = time.perf_counter()
    value = recipe.compute(session)
    computed_at = _store(recipe.name, stamp, value, time.perf_counter() - began)
    return Cached(value, computed_at)


def _refresh(task, progress) -> None:
    """The task runner's handler of "snapshot.refresh": recompute the snapshot its parameters name."""
    params = dict(task.params)
    make = MAKERS.get(params.pop("name", None))
    if make is None:
        raise tasks.Failed("unknown")
    with Session(db.engine) as session:
        _compute(make(**params), session)


def _refresh_in_background(maker_name: str, params: dict) -> bool:
    """Ask the task runner to recompute a snapshot; one refresh per snapshot is pending at a time (the
    runner's dedupe). False when it cannot be asked now: the stale snapshot is served, the next visit asks."""
    if db.engine.dialect.name == "sqlite" and (db.session().info.get(WROTE) or (
            has_request_context() and request.method not in ("GET", "HEAD"))):
        return False  # this request holds SQLite's write lock: a second connection would wait for it in vain
    try:
        # A transaction of its own: the caller's is neither widened nor committed.
        with Session(db.engine) as session:
            tasks.enqueue(session, REFRESH, {"name": maker_name, **params})
            session.commit()
    except sa.exc.OperationalError as error:  # a busy database: serve the older figures, ask another time
        log.warning("snapshot %s: refresh not asked for (%s)", maker_name, error)
        return False
    return True


def _serve(recipe: Recipe[T], refresh: Callable[[], bool] | None) -> Cached[T]:
    """The recipe's value from its stored snapshot while its topics (and `extra`) are unchanged; with
    `refresh`, a stale snapshot is served (fresh=False) while `refresh()` asks for the new one; otherwise, or
    with no snapshot at all, it is computed now.

    Runs in a session of its own: the caller's transaction is neither widened nor committed, and a snapshot
    stored a moment ago is seen even by a caller whose own transaction began before it.
    """
    with Session(db.engine) as session:
        row = session.execute(sa.select(Snapshot.versions, Snapshot.computed_at, Snapshot.payload)
                              .where(Snapshot.name == recipe.name)).one_or_none()
        if row is not None:
            try:
                value = _unpickle(row.payload)
            except Exception:  # another secret key, a renamed class: compute it again
                value, row = None, None
            if row is not None:
                if row.versions == versions(session, recipe.topics) + recipe.extra:
                    return Cached(value, row.computed_at)
                if refresh is not None:
                    refresh()
                    return Cached(value, row.computed_at, fresh=False)
        return _compute(recipe, session)


def cached(name: str, topics: tuple[str, ...], compute: Callable[[Session], T], *, extra: str = "") -> Cached[T]:
    """`compute(session)`'s result, from the stored snapshot while the topics (and `extra`, what else the
    result depends on) are unchanged, else computed now. A snapshot that may be served stale while it is
    refreshed in the background is made by a registered maker instead (see `snapshot`)."""
    return _serve(Recipe(name, topics, compute, extra), None)


def snapshot(maker_name: str, *, allow_stale: bool = False, **params) -> Cached:
    """A registered snapshot, made from JSON-able parameters.

    With `allow_stale`, a snapshot whose data changed since is returned (fresh=False) while the task runner
    computes the new one (SNAPSHOT_BACKGROUND_REFRESH); without it, or with no snapshot at all, it is
    computed now.
    """
    recipe = MAKERS[maker_name](**params)
    background = allow_stale and current_app.config.get("SNAPSHOT_BACKGROUND_REFRESH", True)
    return _serve(recipe, (lambda: _refresh_in_background(maker_name, params)) if background else None)


# The snapshots themselves: what each aggregate reads decides the topics it is keyed on.

@maker("calibration")
def _calibration() -> Recipe[dict]:
    from hiring.scoring.calibration_service import calibration_data

    # The format is in the name (v2: the fixed-effects model on first submitted versions, a Calibration's
    # fields): a stale snapshot may be served while its successor is computed, one of the older shape never.
    return Recipe("calibration:v2", ("catalogue", "people", "scorecards"), calibration_data)


def calibration(*, allow_stale: bool = False) -> Cached[dict]:
    """Interviewer calibration and item reliability: ratings, and the names of people and items shown."""
    return snapshot("calibration", allow_stale=allow_stale)


@maker("fairness")
def _fairness(job_id: int | None = None) -> Recipe[dict]:
    from hiring.analytics.service import funnel_and_fairness

    # The format is in the name, not in `extra`: a stale snapshot may be served while its successor is computed
    # (allow_stale), and one of an older shape (v1: float ratios, withdrawals as not selected) never may.
    return Recipe(f"fairness:v2:{job_id or 'all'}", ("applications",),
                  lambda session: funnel_and_fairness(session, job_id))


def fairness(job_id: int | None = None, *, allow_stale: bool = False) -> Cached[dict]:
    """The hiring funnel and adverse impact, overall or for one job: applications, stage changes and
    self-identification."""
    return snapshot("fairness", allow_stale=allow_stale, job_id=job_id)


def _retention_stamp(today: date, now: datetime) -> str:
    """Retention figures depend on the day (who is still employed, censored today) and on time itself only
    through offers whose deadline passed undecided (they count as staying, shown as expired); that set only
    grows, so its size tells whether it changed. One indexed count."""
    with Session(db.engine) as session:
        expired = session.scalar(sa.select(sa.func.count()).select_from(QuitOffer)
                                 .where(QuitOffer.lapsed(now)))
    return f";today={today.isoformat()};expired={expired}"


@maker("offer_statistics")
def _offer_statistics(today: str, now: str) -> Recipe[dict]:
    from hiring.analytics.service import offer_statistics as compute

    day, moment = date.fromisoformat(today), datetime.fromisoformat(now)
    return Recipe("offer-statistics", ("applications", "hires"), lambda session: compute(session, day, moment),
                  extra=_retention_stamp(day, moment))


def offer_statistics(today: date, now: datetime) -> Cached[dict]:
    """The offer and retention statistics: hires, their offers and their values fit at hiring."""
    return snapshot("offer_statistics", today=today.isoformat(), now=now.isoformat())


@maker("retention_chart")
def _retention_chart(which: str, title: str, x_label: str, y_label: str, today: str, now: str) -> Recipe[str]:
    from hiring.analytics.charts import survival_svg
    from hiring.analytics.service import curves_for_chart

    day, moment = date.fromisoformat(today), datetime.fromisoformat(now)

    def draw(session: Session) -> str:
        return survival_svg(curves_for_chart(session, day, moment, which), title, x_label, y_label)

    stamp = _retention_stamp(day, moment) + f";title={hashlib.sha256(title.encode()).hexdigest()[:12]}"
    return Recipe(f"retention-chart:{which}", ("applications", "hires"), draw, extra=stamp)


def retention_chart(which: str, title: str, x_label: str, y_label: str, today: date, now: datetime) -> Cached[str]:
    """A retention chart as SVG text, per chart and language (its titles are translated)."""
    return snapshot("retention_chart", which=which, title=str(title), x_label=str(x_label), y_label=str(y_label),
                    today=today.isoformat(), now=now.isoformat())


# A refresh that fails leaves the older snapshot in place, and the next stale visit asks again: no retry.
tasks.register(REFRESH, _refresh, timeout=10 * 60, give_up_after=15 * 60)
