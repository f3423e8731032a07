"""The pages that grew with the company, timed alone: `python -m bench.growth DATABASE_URL [N]`.

A quick check between full runs of bench.run (which takes half an hour at 1,000,000 candidates): each page as
the role that uses it, through Flask's test client signed in, as bench.pages does (the first request kept, then
N timed), with its statement count; stale snapshots are computed in the request (no workers), so the first
request of a cached page is not what users meet. Prints Markdown rows: page | p50 / p95 (first) ms | statements.
"""
import statistics
import sys
import time

import sqlalchemy as sa

from bench import pages as page_list
from bench.generate import bench_app
from bench.measure import BARE, LAYOUT, add_floor_pages, sign_in
from hiring.extensions import db

def main(argv: list[str]) -> None:
    url = argv[0]
    n = int(argv[1]) if len(argv) > 1 else 10
    app = bench_app(url, SNAPSHOT_BACKGROUND_REFRESH=False)
    add_floor_pages(app)
    with app.app_context():
        t = page_list.targets(db.session)
        db.session.remove()
    clients = {r: sign_in(app, e, page_list.PASSWORD) for r, e in page_list.LOGINS.items() if r != "new_hire"}
    counts = []

    on_exec = lambda *_args, **_kwargs: counts.append(1)  # noqa: E731
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", on_exec)
    PAGES = [("floor: bare", "recruiter", BARE), ("floor: layout", "recruiter", LAYOUT),
             ("candidate list, first page", "recruiter", "/pipeline/"),
             ("candidate list, deep page (by Next)", "recruiter", f"/pipeline/?page={t['deep_page']}&after={t['deep_after']}"),
             ("candidate list, an old page-number link to a deep page (starts again at page 1)", "recruiter", f"/pipeline/?page={t['deep_page']}"),
             ("candidate list, sorted by values fit", "recruiter", "/pipeline/?sort=values_fit"),
             ("candidate list, name search", "recruiter", "/pipeline/?q=jansen"),
             ("jobs list", "recruiter", "/jobs/"), ("job pipeline (busiest job)", "recruiter", f"/jobs/{t['job']}"),
             ("recruiter's home", "recruiter", "/"), ("interviewer's home", "interviewer", "/"),
             ("cohort list", "hr", "/onboarding/"), ("HR's home", "hr", "/"), ("admin's home", "admin", "/"),
             ("The Offer: lists", "hr", "/offer/"), ("My interviews (new)", "interviewer", "/calendar/")]
    for name, role, path in PAGES:
        c = clients[role]
        t0 = time.perf_counter()
        r = c.get(path)
        first = time.perf_counter() - t0
        assert r.status_code == 200, (name, r.status_code)
        times = []
        for _ in range(n):
            counts.clear()
            t0 = time.perf_counter()
            c.get(path)
            times.append(time.perf_counter() - t0)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"| {name} | {statistics.median(times)*1000:,.1f} / {p95*1000:,.1f} ({first*1000:,.0f}) | {len(counts)} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
