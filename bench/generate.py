"""Fill a database with a realistic company at scale: `python -m bench.generate [--small] [--database-url URL]`.

By default 100,000 candidates (about 1.1 applications each), 250,000 scorecards with their ratings, 20,000
hires over five years with their onboarding, The Offer and departures, a few hundred interviewers, dozens of
jobs, and every role's users including the demo logins (password `values-fit-demo`). The database is
migrated first and must be empty (`--reset` empties it). Rows go in with bulk inserts; the stored scores are
computed from the ratings by the app's own vectorised recompute, never made up.

The database: --database-url, else DATABASE_URL, else bench/bench.sqlite. PostgreSQL works too
(postgresql://...).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

import numpy as np
import sqlalchemy as sa

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_URL = f"sqlite:///{BENCH_DIR / 'bench.sqlite'}"
DAY = 86_400


@dataclass
class Size:
    """How big a company to make."""

    candidates: int = 100_000
    scorecards: int | None = None   # 2.5 per candidate
    hires: int | None = None        # one in five candidates
    interviewers: int | None = None
    jobs: int | None = None
    years: int = 5
    seed: int = 2026

    def __post_init__(self):
        n = self.candidates
        self.scorecards = round(2.5 * n) if self.scorecards is None else self.scorecards
        self.hires = round(0.2 * n) if self.hires is None else self.hires
        self.interviewers = min(300, max(12, n // 333)) if self.interviewers is None else self.interviewers
        self.jobs = min(40, max(6, n // 2500)) if self.jobs is None else self.jobs

    def staff(self):
        """How many users of each staff role (the demo logins included)."""
        from hiring.models import Role

        n = self.candidates
        return {Role.ADMIN: 3, Role.HR: min(10, max(2, n // 10_000)), Role.RECRUITER: min(25, max(2, n // 4000)),
                Role.INTERVIEWER: max(8, self.interviewers)}


SMALL = {"candidates": 2_000}


def database_url(given: str | None) -> str:
    """--database-url, else DATABASE_URL, else the bench's own SQLite file."""
    from hiring.config import normalise_database_url

    url = normalise_database_url(given or os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if sa.engine.make_url(url).database == "test":
        raise SystemExit("refusing to touch the database named 'test' (the test suite's)")
    return url


BENCH_SECRET = "bench-not-secret"  # the benchmark's workers must sign and check snapshots with the same key


def bench_app(url: str, **config):
    """The app on this database, as the benchmark and the generator use it (`config`: more settings)."""
    from hiring import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_SECRET, **config})


def dispose(app) -> None:
    """Close the app's pooled connections now rather than whenever they are collected."""
    from hiring.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def prepare(url: str, reset: bool = False):
    """Migrate the database (emptied first with `reset`) and return the app; refuses a database with data."""
    from flask_migrate import upgrade

    from hiring.extensions import db
    from hiring.models import Candidate, User

    parsed = sa.engine.make_url(url)
    if reset and parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    # No statement timeout: the web's 15 s would cancel the final VACUUM (ANALYZE) of a million candidates.
    app = bench_app(url, DATABASE_STATEMENT_TIMEOUT_MS=0)
    with app.app_context():
        if reset and parsed.get_backend_name() != "sqlite":
            with db.engine.begin() as conn:
                db.metadata.drop_all(conn)
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        if any(db.session.scalar(sa.select(model.id).limit(1)) is not None for model in (User, Candidate)):
            raise SystemExit(f"{parsed.render_as_string(hide_password=True)} already holds data; "
                             "pass --reset to empty it first")
        db.session.remove()
    return app


def generate(app, size: Size, *, quiet: bool = False, audit: bool = True, now_s: int | None = None) -> dict:
    """Fill the app's (migrated, empty) database with the company; returns the row count of each table."""
    from werkzeug.security import generate_password_hash

    from bench import auditlog, company
    from bench.employment import employment
    from bench.funnel import application_columns, candidate_columns, funnel, self_identification_columns
    from bench.funnel import stage_change_columns
    from bench.loader import Loader
    from bench.reviews import week5_reviews
    from bench.scorecards import CARDS_PER_APPLICATION, assignment_columns, interviews, scorecard_columns
    from hiring.demo.seed import DEMO_PASSWORD
    from hiring.extensions import db
    from hiring.models import (Application, AuditEvent, Candidate, CoreValue, Enrollment, EnrollmentTask, Hire,
                               InterviewAssignment, Job, OfferPolicy, ProgrammeTask, QuitOffer, Rating, Requirement,
                               Role, Scorecard, SelfIdentification, StageChange, User, ValuesReview,
                               ValuesReviewRating)
    from hiring.models.packed_ratings import pack_missing
    from hiring.scoring.service import recompute_all

    rng = np.random.default_rng(size.seed)
    now_s = int(time.time()) if now_s is None else now_s
    start_s = now_s - size.years * 365 * DAY
    password_hash = generate_password_hash(DEMO_PASSWORD)  # once: hashing is slow on purpose
    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Outside any transaction, on the driver's connection: a bulk load needs no fsync per commit.
                raw = conn.connection.driver_connection
                raw.execute("PRAGMA synchronous=OFF")
                raw.execute("PRAGMA cache_size=-200000")
            load = Loader(conn, quiet=quiet)
            began = time.perf_counter()
            staff = company.staff(rng, size.staff(), password_hash, start_s)
            load.insert_rows(User.__table__, staff.rows)
            values = company.core_values(start_s - 60 * DAY)
            load.insert_rows(CoreValue.__table__, values)
            jobs = company.jobs(rng, size.jobs, staff, start_s, now_s)
            load.insert_rows(Job.__table__, jobs.rows)
            load.insert_rows(Requirement.__table__, jobs.requirements)
            programme = company.programme()
            load.insert_rows(ProgrammeTask.__table__, programme)
            load.insert_rows(OfferPolicy.__table__, company.policies(start_s, staff.by_role[Role.HR][0]))

            step = time.perf_counter()
            f = funnel(rng, size.candidates, round(size.scorecards / CARDS_PER_APPLICATION), jobs, start_s, now_s)
            candidates = candidate_columns(rng, f)
            load.step("(making the funnel)", time.perf_counter() - step)
            load.insert(Candidate.__table__, candidates)
            load.insert(SelfIdentification.__table__, self_identification_columns(rng, f))
            load.insert(Application.__table__, application_columns(f))

            step = time.perf_counter()
            iv = interviews(rng, f, jobs, staff, staff.by_role[Role.RECRUITER], len(values), now_s)
            cards = scorecard_columns(rng, iv, now_s)
            load.step("(making interviews)", time.perf_counter() - step)
            load.insert(InterviewAssignment.__table__, assignment_columns(iv))
            load.insert(Scorecard.__table__, cards)
            load.insert(Rating.__table__, iv.ratings)
            step = time.perf_counter()
            packed = pack_missing(conn)  # as the submit service packs each scorecard (hiring/models/packed_ratings.py)
            conn.commit()
            load.step(f"packed_ratings ({packed:,})", time.perf_counter() - step)

            step = time.perf_counter()
            scored = recompute_all(db.session).scored
            db.session.commit()
            load.step(f"recompute_all ({scored:,})", time.perf_counter() - step)
            hired = _hire_on_the_gate(conn, rng, f, size.hires, now_s)
            if hired < size.hires and not quiet:
                print(f"only {hired:,} applications pass the gate with every interview in: {hired:,} hires",
                      file=sys.stderr)
            changes = stage_change_columns(rng, f, staff.by_role[Role.RECRUITER])
            load.insert(StageChange.__table__, changes)

            step = time.perf_counter()
            emp = employment(rng, f, staff, programme, candidates, len(staff.rows) + 1, password_hash, start_s,
                             now_s)
            load.step("(making employment)", time.perf_counter() - step)
            load.insert(User.__table__, emp.users)
            load.insert(Hire.__table__, emp.hires)
            load.insert(Enrollment.__table__, emp.enrollments)
            load.insert(EnrollmentTask.__table__, emp.tasks)
            load.insert(QuitOffer.__table__, emp.offers)
            leniency = dict(zip(staff.interviewers.tolist(), staff.leniency.tolist()))
            reviews = week5_reviews(size.seed, f.fit[f.app_candidate[emp.app]], emp.mentor, emp.graduated_s,
                                    len(values), leniency, now_s)
            load.insert(ValuesReview.__table__, reviews.reviews)
            load.insert(ValuesReviewRating.__table__, reviews.ratings)
            if audit:
                step = time.perf_counter()
                events = auditlog.events(changes, iv, cards, emp)
                load.step("(making the audit log)", time.perf_counter() - step)
                load.insert(AuditEvent.__table__, events)
            finish(conn)
            load.step("total", time.perf_counter() - began)
        return counts(db.session)


def _hire_on_the_gate(conn: sa.Connection, rng, f, n_hires: int, now_s: int) -> int:
    """Choose the hires on the stored gate results and fits, and move their applications to hired."""
    from bench.funnel import HIRED, hire
    from hiring.models import Application, GateResult, Stage

    table = Application.__table__
    passes = np.zeros(len(f.app_time), dtype=bool)
    merit = np.zeros(len(f.app_time))
    with conn.begin():
        rows = conn.execute(sa.select(table.c.id, table.c.requirements_fit, table.c.values_fit)
                            .where(table.c.gate_result == GateResult.PASSES)).all()
    if rows:
        ids, req, val = (np.array(c, dtype=float) for c in zip(*rows))
        passes[ids.astype(np.int64) - 1] = True
        merit[ids.astype(np.int64) - 1] = np.minimum(req, val)
    n = hire(rng, f, passes, merit, n_hires, now_s)
    moved = np.flatnonzero(f.hired)
    at = f.times[moved, HIRED].astype("datetime64[s]").astype(object)
    update = (sa.update(table).where(table.c.id == sa.bindparam("b_id"))
              .values(stage=Stage.HIRED, stage_changed_at=sa.bindparam("b_at")))
    with conn.begin():
        if len(moved):
            conn.execute(update, [{"b_id": int(i) + 1, "b_at": t.replace(tzinfo=timezone.utc)}
                                  for i, t in zip(moved, at)])
    return n


def finish(conn: sa.Connection) -> None:
    """PostgreSQL: move each id sequence past the ids given explicitly, and gather the planner's statistics."""
    if conn.dialect.name != "postgresql":
        return
    from hiring.models import Base

    with conn.begin():
        for table in Base.metadata.sorted_tables:
            # Integer ids only: a table keyed by random text (tasks) has no sequence.
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                     f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"))
    # The counter rows the triggers kept through the bulk load (a million stage moves and millions of task
    # ticks update a few hundred rows of stage_counts, every enrolment's task counts and every hire's offer
    # mark) are left bloated: 68 MB for 232 rows of stage_counts at 1,000,000 candidates, which made the
    # candidate list's total 21 ms instead of 0.3. A running company's autovacuum keeps them small as they
    # change a few at a time; a bulk import of history rewrites them once (bench/RESULTS.md, "Counter rows").
    autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
    autocommit.exec_driver_sql("VACUUM (FULL) stage_counts, enrollments, hires")
    # What autovacuum leaves a settled database with: planner statistics, and a visibility map, without
    # which PostgreSQL cannot answer a count or a page of ids from an index alone.
    autocommit.exec_driver_sql("VACUUM (ANALYZE)")


def counts(session) -> dict:
    """Rows in each table, and a few figures that say whether the company looks right."""
    from hiring.models import Application, Base, GateResult, Hire, OfferDecision, QuitOffer

    out = {t.name: session.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    hires_gate = dict(session.execute(sa.select(Application.gate_result, sa.func.count())
                                      .join(Hire, Hire.application_id == Application.id)
                                      .group_by(Application.gate_result)).all())
    decided = dict(session.execute(sa.select(QuitOffer.decision, sa.func.count()).group_by(QuitOffer.decision)).all())
    made = sum(n for d, n in decided.items() if d is not None)
    out["hires passing the gate"] = hires_gate.get(GateResult.PASSES, 0)
    out["offers taken, per mille"] = round(1000 * decided.get(OfferDecision.TAKEN, 0) / made) if made else 0
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else bench/bench.sqlite")
    parser.add_argument("--small", action="store_true", help="a quick company: 2,000 candidates")
    parser.add_argument("--candidates", type=int)
    parser.add_argument("--scorecards", type=int, help="default: 2.5 per candidate")
    parser.add_argument("--hires", type=int, help="default: one per five candidates")
    parser.add_argument("--interviewers", type=int)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument("--no-audit", action="store_true", help="leave the audit log empty (faster)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HIRING_INSTANCE_PATH", str(BENCH_DIR / "instance"))
    candidates = args.candidates or (SMALL["candidates"] if args.small else Size.candidates)
    size = Size(candidates=candidates, scorecards=args.scorecards, hires=args.hires, interviewers=args.interviewers,
                jobs=args.jobs, years=args.years, seed=args.seed)
    url = database_url(args.database_url)
    print(f"generating {size} into {sa.engine.make_url(url).render_as_string(hide_password=True)}", file=sys.stderr)
    began = time.perf_counter()
    app = prepare(url, reset=args.reset)
    result = generate(app, size, quiet=args.quiet, audit=not args.no_audit)
    dispose(app)
    width = max(map(len, result))
    for name, n in result.items():
        print(f"{name:{width}} {n:>12,}")
    print(f"done in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
