"""Expensive aggregates (calibration, funnel and fairness, retention) computed once per change of their data.

Keyed on what changed, never on time: every transaction that writes a topic's tables raises that topic's
counter in `data_versions` as part of the same commit (SQLAlchemy session events, so no write path can forget
it), and a snapshot is served only while the counters it was computed at are still current. Each model names
its topic (`__data_topic__`); each feature registers how its snapshots are made (`maker`), by name and from
JSON-able parameters, so that a worker in another process can make them too. This module imports no feature.

When the task runner may do the work (SNAPSHOT_BACKGROUND_REFRESH, the default), a web request never computes
a snapshot: it serves the last one with its time, marked not fresh, while the runner (hiring/tasks/: an RQ
worker, or a thread here without Redis) brings it up to date; with none stored yet, it says the figures are
being prepared. After every request that changed a topic, the runner is also asked to refresh every stored
snapshot resting on it, so that the next reader usually finds fresh figures. Workers, CLI commands and tests
compute on the spot (`wait=True`, or the setting off).

Snapshots are stored pickled in the database, so that every web worker shares them; the payload is signed
with the app's secret key and anything that fails the check is recomputed instead of unpickled.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from hiring import tasks
from hiring.extensions import db
from hiring.models import Base, DataVersion, Snapshot, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

TOPICS = ("applications", "catalogue", "hires", "people", "scorecards")
PENDING = "hiring.snapshots.pending"
BUMPED = "hiring.snapshots.bumped"  # the topics this transaction's commit raised, for the refresh after it
WROTE = "hiring.snapshots.wrote"  # this transaction has flushed writes (and, on SQLite, holds the write lock)
_model_topics: dict[type, str] = {}
_table_topics: dict[str, str] = {}


def model_topics() -> dict[type, str]:
    """Each mapped class that names a topic (`__data_topic__`), read from the models once."""
    if not _model_topics:
        for mapper in Base.registry.mappers:
            topic = getattr(mapper.class_, "__data_topic__", None)
            if topic is not None:
                if topic not in TOPICS:
                    raise ValueError(f"{mapper.class_.__name__}: unknown data topic {topic!r}")
                _model_topics[mapper.class_] = topic
        _table_topics.update({model.__tablename__: topic for model, topic in _model_topics.items()})
    return _model_topics


def _topic_of(obj, changed: bool) -> str | None:
    """The topic a flushed object belongs to. A model that lists `__data_topic_columns__` counts when it is
    changed only if one of those changed (users: a name, which aggregates show; not the sign-in time)."""
    topic = model_topics().get(type(obj))
    columns = getattr(type(obj), "__data_topic_columns__", None)
    if topic and changed and columns:
        attrs = sa.inspect(obj).attrs
        return topic if any(attrs[c].history.has_changes() for c in columns) else None
    return topic


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


def _on_orm_execute(state) -> None:
    """INSERT/UPDATE/DELETE statements through the session count too, on a model or on its table
    (recompute_all's bulk update)."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        model_topics()
        if topic := _table_topics.get(getattr(table, "name", None)):
            _pending(state.session).add(topic)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook; its changes must be counted here
    topics = session.info.pop(PENDING, None)
    if not topics:
        return
    session.info.setdefault(BUMPED, set()).update(topics)
    now = utcnow()
    # Always in the same order, so that two writers never wait on each other's counters crosswise.
    for topic in sorted(topics):
        bumped = session.execute(sa.update(DataVersion).where(DataVersion.topic == topic)
                                 .values(version=DataVersion.version + 1, changed_at=now))
        if bumped.rowcount == 0:  # a topic the migration did not seed
            session.execute(sa.insert(DataVersion).values(topic=topic, version=1, changed_at=now))


def _committed(session: Session) -> None:
    """Remember, for the end of the request, that this commit raised topics (see refresh_after_request)."""
    if session.get_nested_transaction() is None and (bumped := session.info.get(BUMPED)) and has_request_context():
        g.setdefault("snapshot_topics", set()).update(bumped)
    _forget(session)


def _forget(session: Session, *_args) -> None:
    if session.get_nested_transaction() is not None:
        # A savepoint ended (hiring/postgres.py's retry): the transaction around it goes on, with the writes
        # it made before. Counting a rolled-back write too costs one needless recompute; forgetting a
        # committed one would serve stale figures.
        return
    session.info.pop(PENDING, None)
    session.info.pop(WROTE, None)
    session.info.pop(BUMPED, None)


def install(app: Flask | None = None) -> None:
    """Listen on every session (idempotent), and on the app's requests for the refresh after writes."""
    model_topics()
    for name, handler in (("after_flush", _after_flush), ("do_orm_execute", _on_orm_execute),
                          ("before_commit", _before_commit), ("after_commit", _committed),
                          ("after_rollback", _forget)):
        if not sa.event.contains(Session, name, handler):
            sa.event.listen(Session, name, handler)
    if app is not None:
        app.after_request(refresh_after_request)


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
    """An aggregate with the time it was computed. `fresh` is False while a newer one is being computed; with
    none stored yet (and the runner computing the first), `value` and `computed_at` are None (`ready` False)."""

    value: T | None
    computed_at: datetime | None
    fresh: bool = True

    @property
    def ready(self) -> bool:
        return self.computed_at is not None


def _sign(payload: bytes) -> bytes:
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, payload, hashlib.sha256).digest()


def _unpickle(blob: bytes):
    signature, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _sign(payload)):
        raise ValueError("snapshot signature does not match")
    return pickle.loads(payload)  # noqa: S301 - only after the signature check above


def _holds_sqlite_write_lock() -> bool:
    """A write request holds SQLite's write lock (BEGIN IMMEDIATE) until it ends: a second connection would
    wait for it in vain."""
    return db.engine.dialect.name == "sqlite" and bool(db.session().info.get(WROTE) or (
        has_request_context() and request.method not in ("GET", "HEAD")))


def _store(recipe: Recipe, stamp: str, value, seconds: float) -> datetime:
    """Upsert in a connection of its own, so that the request's own transaction is never committed here."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    now = utcnow()
    row = {"name": recipe.name, "versions": stamp, "computed_at": now, "seconds": seconds,
           "payload": _sign(payload) + payload, "maker": recipe.maker, "params": recipe.params}
    engine = db.engine
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(Snapshot).values(row)
    statement = statement.on_conflict_do_update(index_elements=["name"], set_={
        k: statement.excluded[k] for k in ("versions", "computed_at", "seconds", "payload", "maker", "params")})
    if _holds_sqlite_write_lock():
        return now  # the next reader stores it instead
    try:
        with engine.begin() as connection:
            connection.execute(statement)
    except sa.exc.OperationalError as error:  # a busy database: serve the result, store it another time
        log.warning("snapshot %s not stored: %s", recipe.name, error)
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
    its value depends on (`extra`, such as the day). `maker` and `params` say how it was made, stored with
    it so that the refresh after a write can make it again (set by `snapshot`)."""

    name: str
    topics: tuple[str, ...]
    compute: Callable[[Session], T]
    extra: str = ""
    maker: str | None = None
    params: dict | None = None

    def __post_init__(self) -> None:
        unknown = set(self.topics) - set(TOPICS)
        if unknown:
            raise ValueError(f"unknown topics {sorted(unknown)}")


# Makers: a Recipe from JSON-able parameters, registered by name by the features, so that a worker in another
# process can recompute a snapshot from {"name": "fairness", "job_id": 3}. Parameters name what the figures
# are of, never the time: a maker reads the clock itself, so that a refresh made later is made for its own day.
MAKERS: dict[str, Callable[..., Recipe]] = {}
WARM: dict[str, tuple[dict, ...]] = {}  # the parameters of each maker's snapshots that warm_up computes
REFRESH = "snapshot.refresh"
REFRESH_STALE = "snapshot.refresh-stale"


def maker(name: str, *, warm: tuple[dict, ...] = ()) -> Callable[[Callable[..., Recipe]], Callable[..., Recipe]]:
    """Register a function that makes a snapshot's Recipe from JSON-able keyword parameters; `warm`: the
    parameters of the snapshots worth computing before anyone asks (`warm_up`)."""

    def register(make: Callable[..., Recipe]) -> Callable[..., Recipe]:
        MAKERS[name] = make
        WARM[name] = warm
        return make

    return register


def _recipe(maker_name: str, params: dict) -> Recipe:
    recipe = MAKERS[maker_name](**params)
    return dataclasses.replace(recipe, maker=maker_name, params=dict(params))


def _compute(recipe: Recipe[T], session: Session) -> Cached[T]:
    stamp = versions(session, recipe.topics) + recipe.extra  # before computing: newer data only makes it recompute
    began = time.perf_counter()
    value = recipe.compute(session)
    computed_at = _store(recipe, stamp, value, time.perf_counter() - began)
    return Cached(value, computed_at)


def _refresh(task, progress) -> None:
    """The task runner's handler of "snapshot.refresh": recompute the snapshot its parameters name."""
    params = dict(task.params)
    name = params.pop("name", None)
    if name not in MAKERS:
        raise tasks.Failed("unknown")
    with Session(db.engine) as session:
        _compute(_recipe(name, params), session)


def refresh_stale() -> int:
    """Recompute every stored snapshot whose data changed since, that a registered maker can make again;
    how many were recomputed. One that no maker makes any more (a maker renamed, a format retired, its
    parameters no longer understood) is deleted: read by nobody, it would stay for ever."""
    with Session(db.engine) as session:
        rows = session.execute(sa.select(Snapshot.name, Snapshot.versions, Snapshot.maker, Snapshot.params)
                               .where(Snapshot.maker.is_not(None)).order_by(Snapshot.name)).all()
        session.rollback()  # each recipe reads its counters afresh
        done, orphans = 0, []
        for row in rows:
            try:
                recipe = _recipe(row.maker, row.params or {})
            except (KeyError, TypeError, ValueError) as error:  # no such maker, or parameters it refuses
                log.info("snapshot %s is not made any more (%s)", row.name, error)
                orphans.append(row.name)
                continue
            if recipe.name != row.name:  # a format retired: its maker now stores it under another name
                orphans.append(row.name)
                continue
            if row.versions == versions(session, recipe.topics) + recipe.extra:
                continue
            _compute(recipe, session)
            session.rollback()
            done += 1
        if orphans:
            session.execute(sa.delete(Snapshot).where(Snapshot.name.in_(orphans)))
            session.commit()
    return done


def warm_up() -> list[str]:
    """Bring every stored snapshot up to date, and compute the ones the makers name as worth having before
    anyone asks (the dashboards' figures); the names of the snapshots now current. For commands after bulk
    changes (the demo company, an import), so that the first visitor finds figures, not "being computed"."""
    refresh_stale()
    for maker_name, params_list in sorted(WARM.items()):
        for params in params_list:
            snapshot(maker_name, wait=True, **params)
    with Session(db.engine) as session:
        return [row.name for row in session.execute(sa.select(Snapshot.name, Snapshot.versions, Snapshot.maker,
                                                              Snapshot.params).order_by(Snapshot.name))
                if row.maker in MAKERS and _current(session, row)]


def _current(session: Session, row) -> bool:
    try:
        recipe = _recipe(row.maker, row.params or {})
    except (KeyError, TypeError, ValueError):
        return False
    return recipe.name == row.name and row.versions == versions(session, recipe.topics) + recipe.extra


def _refresh_stale(task, progress) -> None:
    refresh_stale()


def _ask(kind: str, params: dict, *, request_done: bool = False) -> bool:
    """Ask the task runner for a refresh; one of each is pending at a time (the runner's dedupe). False when
    it cannot be asked now: the older figures are served, and the next visit asks. `request_done`: called
    after the request's own work, whose session then holds no write lock unless it holds unsaved writes."""
    if request_done:
        caller = db.session()
        end_read_transaction(caller)  # a write request's BEGIN IMMEDIATE holds the lock even for reads
        if db.engine.dialect.name == "sqlite" and caller.in_transaction():
            return False
    elif _holds_sqlite_write_lock():
        return False
    try:
        # A transaction of its own: the caller's is neither widened nor committed.
        with Session(db.engine) as session:
            tasks.enqueue(session, kind, params)
            session.commit()
    except sa.exc.OperationalError as error:  # a busy database: serve the older figures, ask another time
        log.warning("snapshot refresh %s not asked for (%s)", kind, error)
        return False
    return True


def background() -> bool:
    """Whether requests leave computing snapshots to the task runner (SNAPSHOT_BACKGROUND_REFRESH)."""
    return bool(current_app.config.get("SNAPSHOT_BACKGROUND_REFRESH", True))


def refresh_after_request(response):
    """After a request whose commits changed topics, ask for the snapshots resting on them to be refreshed
    (one pending refresh at a time for the whole company), so that the next reader finds them fresh."""
    if g.pop("snapshot_topics", None) and background():
        _ask(REFRESH_STALE, {}, request_done=True)
    return response


def _serve(recipe: Recipe[T], in_background: bool) -> Cached[T]:
    """The recipe's value from its stored snapshot while its topics (and `extra`) are unchanged. Otherwise,
    `in_background`: the stored one marked not fresh (or, with none, nothing yet) while the runner computes
    the new one; else computed now.

    Runs in a session of its own: the caller's transaction is neither widened nor committed, and a snapshot
    stored a moment ago is seen even by a caller whose own transaction began before it.
    """
    with Session(db.engine) as session:
        row = session.execute(sa.select(Snapshot.versions, Snapshot.computed_at, Snapshot.payload)
                              .where(Snapshot.name == recipe.name)).one_or_none()
        value = None
        if row is not None:
            try:
                value = _unpickle(row.payload)
            except Exception:  # another secret key, a renamed class: compute it again
                row = None
        if row is not None and row.versions == versions(session, recipe.topics) + recipe.extra:
            return Cached(value, row.computed_at)
        if in_background:
            params = {"name": recipe.maker, **(recipe.params or {})}
            _ask(REFRESH, params)
            return Cached(value, row.computed_at if row is not None else None, fresh=False)
        return _compute(recipe, session)


def cached(name: str, topics: tuple[str, ...], compute: Callable[[Session], T], *, extra: str = "") -> Cached[T]:
    """`compute(session)`'s result, from the stored snapshot while the topics (and `extra`, what else the
    result depends on) are unchanged, else computed now. A snapshot that a request may leave to the task
    runner is made by a registered maker instead (see `snapshot`)."""
    return _serve(Recipe(name, topics, compute, extra), False)


def snapshot(maker_name: str, *, wait: bool = False, **params) -> Cached:
    """A registered snapshot, made from JSON-able parameters.

    In a request, with SNAPSHOT_BACKGROUND_REFRESH on, a snapshot whose data changed since is returned
    marked not fresh (and with none stored yet, an empty Cached) while the task runner computes the new
    one. With `wait` (workers, commands, documents made in the background) or the setting off, it is
    computed now.
    """
    recipe = _recipe(maker_name, params)
    return _serve(recipe, not wait and background() and has_request_context() and not tasks.in_task())


# A refresh that fails leaves the older snapshot in place, and the next stale visit asks again: no retry.
tasks.register(REFRESH, _refresh, timeout=10 * 60, give_up_after=15 * 60)
tasks.register(REFRESH_STALE, _refresh_stale, timeout=30 * 60, give_up_after=45 * 60)


PENDING_RELOAD_SECONDS = 5


def pending_page(title: str):
    """The page shown instead of figures that are being computed for the first time: it reloads itself."""
    from flask import render_template

    response = current_app.make_response(render_template(
        "figures_pending.html", title=title, reload_seconds=PENDING_RELOAD_SECONDS))
    response.headers["Retry-After"] = str(PENDING_RELOAD_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
