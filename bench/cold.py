"""Cold recomputes: each cached aggregate computed afresh in this process, as a worker computes it after a write.

`python -m bench.cold [--database-url URL] [--repeat N] [--only NAME]` on a database filled by bench.generate.
The snapshot layer is bypassed: each compute function is called directly in a new session, a few times, and
the table shows the fastest and the median run (wall clock), the least CPU time of a run (this process's,
SQLite's work included: on a busy machine the fairer figure), the statements it sent and its peak Python
memory (tracemalloc, one extra run). Timings are never asserted in the tests; this prints them. What a
deployment meets (the page's first request after a write, the recompute in a worker) is bench.run's.
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import sqlalchemy as sa

from bench.generate import bench_app, database_url, dispose
from bench.measure import QueryCounter, traced_peak
from bench.system import machine


def computations(today, now) -> list[tuple[str, Callable]]:
    """(name, function of a session) for every aggregate a snapshot caches, in the order of the issue."""
    from hiring.analytics.charts import survival_svg
    from hiring.analytics.service import curves_for_chart, funnel_and_fairness, offer_statistics
    from hiring.scoring.calibration_service import calibration_data

    def chart(which: str):
        return lambda session: survival_svg(curves_for_chart(session, today, now, which), "t", "x", "y")

    return [
        ("calibration", calibration_data),
        ("fairness (all jobs)", funnel_and_fairness),
        ("offer statistics", lambda session: offer_statistics(session, today, now)),
        ("retention curves: all", lambda session: curves_for_chart(session, today, now, "all")),
        ("retention curves: band", lambda session: curves_for_chart(session, today, now, "band")),
        ("retention curves: cohort", lambda session: curves_for_chart(session, today, now, "cohort")),
        ("retention chart SVG: band", chart("band")),
    ]


def run(url: str, repeat: int = 3, only: str | None = None, memory: bool = True) -> list[dict]:
    """Time each computation `repeat` times in fresh sessions; returns one row per computation."""
    from hiring.clock import today as company_today
    from hiring.extensions import db
    from hiring.models import utcnow

    app = bench_app(url)
    rows = []
    try:
        with app.app_context():
            counter = QueryCounter(db.engine)
            now = utcnow()
            today = company_today()
            for name, compute in computations(today, now):
                if only and only.lower() not in name.lower():
                    continue
                times, cpu, queries = [], [], []
                for _ in range(repeat):
                    counter.reset()
                    began, began_cpu = time.perf_counter(), time.process_time()
                    compute(db.session)
                    times.append(time.perf_counter() - began)
                    cpu.append(time.process_time() - began_cpu)  # SQLite runs in this process: counted
                    queries.append(counter.n)
                    db.session.remove()
                peak = None
                if memory:
                    peak = traced_peak(lambda: compute(db.session))
                    db.session.remove()
                rows.append({"name": name, "best": min(times), "median": statistics.median(times),
                             "cpu": min(cpu), "queries": max(queries),
                             "peak_mb": None if peak is None else peak / 2**20})
            info = machine(db.engine)
            count = db.session.scalar(sa.text("SELECT count(*) FROM candidates"))
    finally:
        dispose(app)
    rows.append({"machine": info, "candidates": count})
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table, with the machine and size above it."""
    *results, about = rows
    m = about["machine"]
    lines = [f"{about['candidates']:,} candidates, {m['database']}, {m['cores']} cores, {m['cpu']}, "
             f"Python {m['python']}, load {m['load']}, code {m['code']}", "",
             "| computed afresh | best | median | best CPU | statements | peak Python memory |",
             "|---|---|---|---|---|---|"]
    for r in results:
        peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f} MB"
        lines.append(f"| {r['name']} | {r['best'] * 1000:.0f} ms | {r['median'] * 1000:.0f} ms "
                     f"| {r['cpu'] * 1000:.0f} ms | {r['queries']} | {peak} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="only the computations whose name contains this")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run (it is slow)")
    args = parser.parse_args()
    print(table(run(database_url(args.database_url), args.repeat, args.only, not args.no_memory)))


if __name__ == "__main__":
    main()
