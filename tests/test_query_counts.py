"""Every main page runs a fixed number of SQL statements, whatever the size of the company.

The benchmark's own page list (bench/run.py) is requested on two generated companies, one ten times the
other; each page must run the same statements on both, and no more than its budget below. No timing here:
timings live in bench/RESULTS.md.
"""
from __future__ import annotations

import pytest

from bench.generate import Size, bench_app, generate, prepare
from bench.measure import Bench, add_floor_page, sign_in
from bench.run import LOGINS, PASSWORD, pages, targets
from hiring import snapshots
from hiring.extensions import db

# The most statements each page may run (sign-in check and layout included); a page that needs more has
# grown a query per row or an avoidable lookup.
BUDGET = 12


def _counts(url: str, candidates: int) -> dict[str, int]:
    app = prepare(url)
    try:
        generate(app, Size(candidates=candidates, seed=11), quiet=True)
        with app.app_context():
            # Every figure current, as after `flask refresh-figures`: a page whose figures are stale asks the
            # task runner for new ones (a few statements more, once), which is not what it costs in steady state.
            snapshots.warm_up()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    app = bench_app(url)
    add_floor_page(app)
    try:
        with app.app_context():
            t = targets(db.session)
            db.session.remove()
        clients = {role: sign_in(app, email, PASSWORD) for role, email in LOGINS.items()}
        bench = Bench(app, repeat=2, max_seconds=60, memory=False)
        pages(bench, clients, t, pdf_repeat=1)
        counts = {}
        for result in bench.results:
            assert result.status == 200, f"{result.name}: {result.status}"
            assert len(set(result.queries)) == 1, f"{result.name} runs {result.queries} statements on repeats"
            counts[result.name] = result.queries[0]
        return counts
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.slow
def test_every_main_page_runs_the_same_statements_at_two_sizes(tmp_path):
    small = _counts(f"sqlite:///{tmp_path / 'small.sqlite'}", 60)
    large = _counts(f"sqlite:///{tmp_path / 'large.sqlite'}", 600)
    assert small.keys() == large.keys() and len(small) > 30
    grew = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grew, f"statements per page grew with the data: {grew}"
    over = {name: n for name, n in large.items() if n > BUDGET}
    assert not over, f"pages over {BUDGET} statements: {over}"
