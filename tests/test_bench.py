"""The benchmark harness cannot rot: the generator at a tiny size into its own SQLite file, and the benchmark's
measurements on it: the two floors, a warm page, every cached page cold with the task runner (threads; RQ
workers as separate processes in the slow test, when Redis is up), the writes it makes and removes again, a
big report in a worker of its own, and the tables. No timing is asserted here."""
from __future__ import annotations

import copy
import json

import pytest
import sqlalchemy as sa

from bench import coldpages, prepared, report, tables
from bench.generate import Size, bench_app, generate, prepare as prepare_database
from bench.measure import BARE, BARE_NAME, LAYOUT, LAYOUT_NAME, Bench, add_floor_pages, sign_in
from bench.pages import LOGINS, PASSWORD, submit_scorecards
from bench.workers import RQWorkers, Threads
from bench.writes import cleanup, prepare
from hiring.extensions import db
from hiring.models import (Application, AuditEvent, GateResult, Hire, InterviewAssignment, QuitOffer, Rating,
                           Scorecard, ScorecardStatus, Stage, StageChange, User, utcnow)
from hiring.scoring.service import recompute_all
from tests.conftest import TEST_REDIS_URL

STALE = "last snapshot (stale) while the runner recomputes"


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A tiny generated company in its own SQLite file: (url, row counts)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite'}"
    app = prepare_database(url)
    try:
        counts = generate(app, Size(candidates=60, seed=7), quiet=True)
    finally:
        _dispose(app)
    return url, counts


def test_generator_fills_a_consistent_company(company):
    url, counts = company
    assert counts["candidates"] == 60
    assert 60 <= counts["applications"] <= 90
    assert counts["hires"] == counts["enrollments"] == counts["hires passing the gate"] > 0
    assert counts["scorecards"] > counts["applications"]
    assert counts["ratings"] > 5 * counts["scorecards"]
    assert counts["enrollment_tasks"] == 18 * counts["enrollments"]
    assert counts["audit_events"] > counts["scorecards"]
    # The graduates' mentors' week-5 reviews (bench/reviews.py), every core value rated.
    assert 0 < counts["values_reviews"] <= counts["enrollments"]
    assert counts["values_review_ratings"] == counts["values_reviews"] * counts["core_values"]
    app = bench_app(url)
    try:
        with app.app_context():
            session = db.session
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            emails = set(session.scalars(sa.select(User.email)))
            assert set(LOGINS.values()) - {LOGINS["new_hire"]} <= emails
            # Every hire was hired on their interviews: stage hired, every scorecard in, the gate passed.
            hired = session.execute(sa.select(Application.stage, Application.gate_result)
                                    .join(Hire, Hire.application_id == Application.id)).all()
            assert hired and all(s is Stage.HIRED and g is GateResult.PASSES for s, g in hired)
            cards = session.execute(sa.select(Scorecard.status, Scorecard.recommendation, Scorecard.submitted_at)).all()
            assert all((r is not None and t is not None) == (s is ScorecardStatus.SUBMITTED) for s, r, t in cards)
            assert session.scalar(sa.select(sa.func.count()).select_from(Rating)
                                  .where(Rating.score.is_(None), ~Rating.no_evidence)) == 0
            offers = session.execute(sa.select(QuitOffer.offered_at, QuitOffer.deadline, QuitOffer.decided_at)).all()
            assert all(d is None or o <= d <= dl for o, dl, d in offers)
            # The stored scores are what the ratings give: recomputing changes nothing.
            stored = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit,
                                               Application.gate_result).order_by(Application.id)).all()
            recompute_all(session)
            session.flush()
            again = session.execute(sa.select(Application.id, Application.requirements_fit, Application.values_fit,
                                              Application.gate_result).order_by(Application.id)).all()
            session.rollback()
            assert stored == again
    finally:
        _dispose(app)


def _state(app) -> tuple:
    """What the benchmark's writes touch, to check that they leave it as they found it."""
    with app.app_context():
        session = db.session
        counts = tuple(session.scalar(sa.select(sa.func.count()).select_from(m))
                       for m in (InterviewAssignment, Scorecard, Rating, StageChange, QuitOffer, AuditEvent))
        apps = session.execute(sa.select(Application.id, Application.stage, Application.values_fit)
                               .order_by(Application.id)).all()
        session.remove()
    return counts, apps


def _clients(app) -> dict:
    return {role: sign_in(app, LOGINS[role], PASSWORD) for role in ("recruiter", "interviewer", "hr")}


def _cached_warm(bench: Bench, hr) -> None:
    """The cached pages once warm, so that each has a snapshot the cold requests can find stale."""
    for _step in coldpages.STEPS:
        for name, path, _patterns in _step.pages:
            bench.page(f"{name}, warm", hr, "hr", path, cached=True)


def test_floors_warm_and_cold_pages_with_the_runner_in_threads(company):
    url, _counts = company
    app = bench_app(url, SNAPSHOT_BACKGROUND_REFRESH=True)
    add_floor_pages(app)
    since = utcnow()
    runner = Threads(app, since)
    try:
        bench = Bench(app, repeat=3, max_seconds=5, settle=runner.wait_idle)
        clients = _clients(app)
        bare = bench.floor(BARE_NAME, clients["recruiter"], "recruiter", BARE, 3)
        layout = bench.floor(LAYOUT_NAME, clients["recruiter"], "recruiter", LAYOUT, 3)
        listing = bench.page("candidate list, first page", clients["recruiter"], "recruiter", "/pipeline/")
        for result in (bare, layout, listing):
            assert result.status == 200 and len(result.queries) == 3 and result.first is not None
            assert min(result.queries) >= 1 and result.rss_mb > 0
        # The floors are timed again after each of the page's timed requests, under the same conditions.
        assert len(listing.times) == 3 and len(bare.times) == len(layout.times) == 6
        assert bare.size_bytes < 10 < 1000 < layout.size_bytes  # the bare route has no layout
        assert "FROM" in listing.extra["slowest"][0][1] and "?" in listing.extra["slowest"][0][1]  # no values
        _cached_warm(bench, clients["hr"])
        assert all(r.times and "FAILED" not in r.note for r in bench.results), [r.note for r in bench.results]
        before = _state(app)
        csrf = {role: client.csrf_token for role, client in clients.items()}
        writes = prepare(app, csrf, n_scorecards=6, n_moves=3, n_offers=2)
        try:
            coldpages.measure(bench, clients, writes, runner, 1, since, timeout=60)
            submit_scorecards(bench, clients["interviewer"], writes, 1)
        finally:
            runner.wait_idle(60)
            cleanup(writes)
        assert _state(app) == before  # every write the benchmark made is gone again
        cold = {r.name.split(":")[0]: r for r in bench.results if r.kind == "cold"}
        assert set(cold) == {name for step in coldpages.STEPS for name, _p, _s in step.pages}
        for result in cold.values():
            assert result.extra["served"] == [STALE] and result.times and result.extra["fresh_after"][0] > 0
        assert "after submitting a scorecard" in cold["calibration"].name
        recomputed = {r.name: r for r in bench.results if r.kind == "recompute"}
        assert {"calibration recomputed", "fairness, all jobs recomputed", "offer statistics recomputed"} <= set(
            recomputed)
        assert all(r.extra["where"] and set(r.extra["where"]) == {"threads"} for r in recomputed.values())
        fresh = [r for r in bench.results if r.kind == "fresh"]
        assert len(fresh) == len(cold) and all(r.extra["asked_again"] == 0 for r in fresh)
        assert any(r.name == "submit a scorecard (+ score update)" and r.status == 302 for r in bench.results)
        data = {"info": _info(), "results": [r.as_dict() for r in bench.results]}
        text = report.run_table(json.loads(json.dumps(data, default=str)))
        assert f"| {BARE_NAME} | recruiter | - |" in text
        assert "| calibration: first request after submitting a scorecard | no recompute in the request |" in text
        assert f"{STALE} (1/1)" in text and "| calibration recomputed | 1 s |" in text
    finally:
        runner.wait_idle(60)
        _dispose(app)


def test_a_recompute_in_the_web_request_is_seen_and_missed(company, monkeypatch):
    url, _counts = company
    app = bench_app(url, SNAPSHOT_BACKGROUND_REFRESH=False)
    since = utcnow()
    runner = Threads(app, since)
    monkeypatch.setattr(coldpages, "STEPS", coldpages.STEPS[1:2])  # the calibration page after a scorecard
    try:
        bench = Bench(app, repeat=1, max_seconds=5, settle=runner.wait_idle)
        clients = _clients(app)
        writes = prepare(app, {role: c.csrf_token for role, c in clients.items()}, n_scorecards=1, n_moves=0,
                         n_offers=0)
        try:
            coldpages.measure(bench, clients, writes, runner, 1, since, timeout=60)
            with pytest.raises(RuntimeError, match="no scorecard left"):  # one was prepared, one used
                coldpages.measure(bench, clients, writes, runner, 1, since, timeout=60)
        finally:
            runner.wait_idle(60)
            cleanup(writes)
        cold = next(r for r in bench.results if r.kind == "cold")
        assert cold.extra["served"] == ["computed in the request"]
        recomputed = next(r for r in bench.results if r.name == "calibration recomputed")
        assert recomputed.extra["where"] == ["web request"]
        met, words = tables.budget(cold.as_dict(), None)
        assert met is False and words == "no recompute in the request"
    finally:
        _dispose(app)


def _info(kind: str = "sqlite", candidates: int = 60) -> dict:
    machine = {"cores": "2", "cpu": "x", "memory": "1 GiB", "python": "3.11", "database": kind, "load": "0.0",
               "code": "abc", "load after": "0.0"}
    return {"kind": kind, "machine": machine, "when": "2026-11-29 00:00 UTC", "seconds": 1, "runner": "threads",
            "size": {"candidates": candidates, "applications": 1, "scorecards": 1, "ratings": 1, "hires": 1}}


def _result(name: str, kind: str, times: list[float], queries: int = 3, **more) -> dict:
    return {"name": name, "role": "hr", "what": "/", "kind": kind, "times": times, "first": times[0],
            "queries": [queries] * len(times), "peak_bytes": None, "size_bytes": 10, "status": 200, "note": "",
            "rss_mb": 250.0, "extra": {}, **more}


def test_report_puts_databases_side_by_side_and_says_what_grows(tmp_path):
    floors = [_result(BARE_NAME, "floor", [0.001] * 3), _result(LAYOUT_NAME, "floor", [0.002] * 3)]
    small = {"info": _info("postgresql", 100_000), "results": [
        *floors, _result("jobs list", "page", [0.005] * 3), _result("name search", "page", [0.008] * 3),
        _result("calibration recomputed", "recompute", [0.5] * 3)]}
    big = copy.deepcopy(small)
    big["info"]["size"]["candidates"] = 1_000_000
    big["results"][2]["times"] = [0.006] * 3  # flat
    big["results"][3].update(times=[0.09] * 3, extra={"slowest": [[85.0, "SELECT count(*) FROM candidates"]]})
    big["results"][4]["times"] = [20.0] * 3  # grows faster than the data
    sqlite = copy.deepcopy(small)
    sqlite["info"]["kind"] = "sqlite"
    sqlite["results"][3].update(times=[0.011] * 3, first=0.011)  # over 5x the layout floor
    folder = tmp_path / "results"
    folder.mkdir()
    for name, data in (("sqlite-100000", sqlite), ("postgresql-100000", small), ("postgresql-1000000", big)):
        (folder / f"{name}.json").write_text(json.dumps(data))
    (folder / "old.json").write_text(json.dumps({"info": {}, "results": [{"name": "x"}]}))  # an older format
    runs = report.load(folder)
    assert [(d["info"]["kind"], d["info"]["size"]["candidates"]) for d in runs] == [
        ("sqlite", 100_000), ("postgresql", 100_000), ("postgresql", 1_000_000)]
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nKept.\n\n<!-- bench.run sqlite-2000 -->\nold\n"
                       "<!-- /bench.run sqlite-2000 -->\n\n## History\n")
    report.write(results, runs)
    text = results.read_text()
    assert "Kept." in text and "## History" in text and "old\n" not in text
    assert "| SQLite p50 / p95 ms (first) |" in text and "| PostgreSQL p50 / p95 ms (first) |" in text
    assert "| name search | hr | 50 ms, 5× layout | 11.0 / 11.0 (11.0) | 11.0 | 5.5 | 3 | 250 | **missed** |" in text
    assert "| jobs list | 5.0 | 6.0 | 1.2 | 2.5 → 3.0 | 3 → 3 | flat |" in text
    assert "| name search | 8.0 | 90.0 | 11.2 | 4.0 → 45.0 | 3 → 3 | **grows with the data** |" in text
    assert "| calibration recomputed | 500 | 20,000 | 40.0 | 250.0 → 10,000.0 | 3 → 3 | **grows faster than" in text
    assert f"| {LAYOUT_NAME} | 2.0 | 2.0 | 1.0 | 1.0 → 1.0 | 3 → 3 | (the unit) |" in text
    assert "- name search: slowest statement at 1,000,000: 85.0 ms: `SELECT count(*) FROM candidates`" in text
    report.write(results, runs)  # a rerun replaces its section
    assert results.read_text() == text


@pytest.mark.slow  # two `flask worker` processes start (5 s each on a busy machine): CI runs it, `make test` not
def test_workers_as_separate_processes_report_their_memory(company, redis_db, tmp_path, monkeypatch):
    url, _counts = company
    app = bench_app(url, REDIS_URL=TEST_REDIS_URL)
    since = utcnow()
    runner = RQWorkers(app, url, TEST_REDIS_URL, tmp_path, app.secret_key, since, timeout=60)
    monkeypatch.setattr(coldpages, "STEPS", coldpages.STEPS[2:3])  # the fairness page after a move
    monkeypatch.setattr(prepared, "REPORTS", prepared.REPORTS[1:2])  # the funnel and fairness report
    try:
        bench = Bench(app, repeat=1, max_seconds=5, settle=runner.wait_idle)
        clients = _clients(app)
        runner.start()
        bench.page("fairness report page, warm", clients["hr"], "hr", "/reports/fairness", cached=True)
        writes = prepare(app, {role: c.csrf_token for role, c in clients.items()}, n_scorecards=0, n_moves=1,
                         n_offers=0)
        try:
            coldpages.measure(bench, clients, writes, runner, 1, since, timeout=120)
        finally:
            runner.wait_idle(60)
            cleanup(writes)
        cold = next(r for r in bench.results if r.kind == "cold")
        assert cold.extra["served"] == [STALE]
        assert next(r for r in bench.results if r.kind == "recompute").extra["where"] == ["rq"]
        refresh = runner.stop()
        assert refresh["exit"] == 0 and refresh["peak_mb"] > 50  # the worker's, or its work horse's
        prepared.measure(bench, clients["hr"], runner)
        pdf = bench.results[-1]
        assert pdf.kind == "report" and pdf.extra["state"] == "done" and pdf.status == 200, pdf.note
        assert pdf.extra["worker_peak_mb"] > 50 and pdf.times[0] > 0 and pdf.size_bytes > 1000
    finally:
        runner.stop()
        _dispose(app)
