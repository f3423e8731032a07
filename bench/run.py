"""Measure every main page, warm and cold, and the background work: `python -m bench.run [--repeat 20]`.

Against the database bench.generate filled (--database-url, else DATABASE_URL, else bench/bench.sqlite). This
process is the web process, signed in through the real login with Flask's test client; the task runner is
what a deployment runs: `flask worker` processes on Redis (--redis-url, default the benchmark's own Redis
database), or with --threads the web process's own thread. In order:

1. two floors (a bare signed-in route with one trivial query, and the same in the site's layout), then every
   main page warm, with the web process's resident memory after each (bench/pages.py);
2. each cached page cold: the first request after a write that makes it stale, how long until its fresh
   figures are stored, the recompute's own time, and the first request once fresh (bench/coldpages.py);
3. submitting scorecards, sending applications on the careers site (bench/careers.py, whose public pages are
   measured with the others), the PDFs of one person, then the peak Python memory of one more request of each
   page;
4. the big PDF reports prepared in the background, each in a worker of its own (bench/prepared.py; their
   .pdf addresses only offer that, measured with the pages); then the heavy commands (recompute all scores,
   train the model).

Writes the raw numbers to bench/results/<database>-<candidates>.json and the tables of every stored run into
bench/RESULTS.md (bench/report.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import careers, coldpages, prepared
from bench import pages as page_list
from bench.pages import LOGINS, PASSWORD, targets  # noqa: F401 - tests/test_query_counts.py imports them here
from bench.generate import BENCH_DIR, BENCH_SECRET, bench_app, database_url, dispose
from bench.measure import Bench, add_floor_pages, sign_in
from bench.system import machine, rss_mb, rss_peak_reset
from bench.workers import runner_for, tasks_since
from bench.writes import cleanup, prepare

DEFAULT_REDIS = "redis://127.0.0.1:6379/10"  # the benchmark's own database: the tests use 15 downwards


def _progress(r) -> None:
    print(f"{r.name[:60]:60} median {r.median * 1000:9.1f} ms  p95 {r.p95 * 1000:9.1f} ms  {r.query_range:>6} "
          f"queries  ({len(r.times)} runs){'  ' + r.note if 'FAILED' in r.note else ''}", file=sys.stderr, flush=True)


def pages(bench: Bench, clients: dict, t: dict, pdf_repeat: int = 5) -> None:
    """Every page and PDF once warm, with no task runner of its own: the list tests/test_query_counts.py
    counts the statements of, at two company sizes."""
    page_list.warm_pages(bench, clients, t)
    page_list.small_pdfs(bench, clients, t, pdf_repeat)


def run(url: str, repeat: int = 20, cold_repeat: int = 5, pdf_repeat: int = 5, heavy_repeat: int = 2,
        max_seconds: float = 30.0, memory: bool = True, only: str | None = None, redis_url: str | None = None,
        background_refresh: bool = True, commands: bool = True,
        worker_limit_mb: float | None = 6000) -> tuple[Bench, dict]:
    """The whole benchmark; returns the bench with its results and what it ran on."""
    from flask_migrate import upgrade

    from hiring.extensions import db
    from hiring.models import utcnow

    # The schema the code expects (a no-op when the database is at the newest migration), as `flask db
    # upgrade` runs it: without the web's statement timeout, which an index over a million rows outlasts.
    migrating = bench_app(url, DATABASE_STATEMENT_TIMEOUT_MS=0)
    with migrating.app_context():
        upgrade()
    dispose(migrating)
    app = bench_app(url, REDIS_URL=redis_url, SNAPSHOT_BACKGROUND_REFRESH=background_refresh, **careers.SETTINGS)
    add_floor_pages(app)
    with app.app_context():
        info = {"machine": machine(db.engine), "size": page_list.sizes(db.session), "kind": db.engine.dialect.name,
                "background_refresh": background_refresh}
        t = page_list.targets(db.session)
        db.session.remove()
    since = utcnow()
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    runner = runner_for(app, url, redis_url, folder, BENCH_SECRET, since, limit_mb=worker_limit_mb)
    info["runner"] = runner.label
    bench = Bench(app, repeat=repeat, max_seconds=max_seconds, memory=memory, progress=_progress, only=only,
                  settle=runner.wait_idle)
    clients = {}
    for role, email in page_list.LOGINS.items():
        try:
            clients[role] = sign_in(app, email, page_list.PASSWORD)
        except RuntimeError:
            if role != "new_hire":
                raise
    info["model"] = page_list.model_if_missing(app)
    runner.start()
    try:
        rss_peak_reset()
        page_list.warm_pages(bench, clients, t)
        site = careers.prepare(app)
        if site is not None:
            careers.pages(bench, app, site)
        csrf = {role: client.csrf_token for role, client in clients.items()}
        # Per cold repetition: two scorecard steps, a move, two offers (and room for the fallbacks).
        writes = prepare(app, csrf, n_scorecards=repeat + 2 + 2 * cold_repeat, n_moves=3 * cold_repeat,
                         n_offers=2 * cold_repeat)
        try:
            coldpages.measure(bench, clients, writes, runner, cold_repeat, since)
            page_list.submit_scorecards(bench, clients["interviewer"], writes, repeat)
            if site is not None:
                careers.applications(bench, app, site, repeat)
            page_list.small_pdfs(bench, clients, t, pdf_repeat)
            runner.wait_idle()
            info["web_rss"] = rss_mb()  # VmHWM: the web process's peak over every page, warm and cold
            bench.trace_peaks()
        finally:
            # The writes asked the runner for refreshes; its writes would meet the clean-up's (SQLite refuses a
            # transaction that read before another connection wrote).
            runner.wait_idle()
            cleanup(writes)
            careers.cleanup(app, site)
        info["refresh_worker"] = runner.stop()
        prepared.measure(bench, clients["hr"], runner)
        if commands and not only:
            page_list.actions(bench, heavy_repeat)
        info["tasks"] = [{k: v for k, v in task.items() if k in ("kind", "state", "error", "ran")}
                         for task in tasks_since(app, since)]
    finally:
        runner.stop()
        if runner.kind == "rq" and any(task["state"] in ("queued", "running") for task in tasks_since(app, since)):
            runner.burst()  # what the last requests asked for, so that nothing is left waiting in the queue
        dispose(app)
        if any("FAILED" in r.note for r in bench.results):
            print(f"the workers' logs are kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    info["machine"]["load after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return bench, info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else bench/bench.sqlite")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
                        help=f"the task queue of the workers (default {DEFAULT_REDIS}, or BENCH_REDIS_URL)")
    parser.add_argument("--threads", action="store_true", help="no Redis: background work in this process")
    parser.add_argument("--refresh-in-request", action="store_true",
                        help="SNAPSHOT_BACKGROUND_REFRESH off: cached pages compute stale figures in the request")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (after the first)")
    parser.add_argument("--cold-repeat", type=int, default=5, help="writes and cold requests per cached page")
    parser.add_argument("--pdf-repeat", type=int, default=5)
    parser.add_argument("--heavy-repeat", type=int, default=2, help="runs of recompute and training")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="stop repeating a page after this long")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced runs for peak Python memory")
    parser.add_argument("--worker-limit-mb", type=float, default=6000,
                        help="stop a report's worker that grows past this (a shared machine; 0: no limit)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results/ and RESULTS.md alone")
    parser.add_argument("--only", help="measure only what this names (implies --no-write)")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    # An instance folder per database: the retention model trained on one company is not another's.
    parsed = make_url(url)
    slug = f"{parsed.get_backend_name()}-{Path(parsed.database or 'db').stem}"
    os.environ.setdefault("HIRING_INSTANCE_PATH", str(BENCH_DIR / "instance" / slug))
    began = time.perf_counter()
    bench, info = run(url, args.repeat, args.cold_repeat, args.pdf_repeat, args.heavy_repeat, args.max_seconds,
                      not args.no_memory, args.only, None if args.threads else args.redis_url,
                      not args.refresh_in_request, True, args.worker_limit_mb or None)
    info["when"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info["seconds"] = round(time.perf_counter() - began)
    from bench import report

    data = {"info": info, "results": [r.as_dict() for r in bench.results if r.times or "FAILED" in r.note]}
    key = f"{info['kind']}-{info['size']['candidates']}"
    print(report.run_table(data))
    if not (args.no_write or args.only):
        results_dir = BENCH_DIR / "results"
        results_dir.mkdir(exist_ok=True)
        (results_dir / f"{key}.json").write_text(json.dumps(data, indent=1, default=str))
        report.write(BENCH_DIR / "RESULTS.md", report.load(results_dir))
        print(f"written to {BENCH_DIR / 'RESULTS.md'} and {results_dir / (key + '.json')}", file=sys.stderr)


if __name__ == "__main__":
    main()
