"""Cached pages measured cold: the first request after a write that changes their data, then how long until
their fresh figures are stored (from the end of the write), then the first request once they are.

Nothing is discarded: every cold request is a row of its own. How a page behaves cold depends on the app's
SNAPSHOT_BACKGROUND_REFRESH: on (the default), it serves the last snapshot while the task runner recomputes;
off, the request computes it. Which of the two happened is observed, not assumed: a snapshot stored by the
request's own thread was computed in the web request (bench/measure.py's counter); otherwise the page served
a stored one, fresh if the runner had already replaced it before the request began, else the older one.
The recompute's own time is the one the snapshot row records (`snapshots.seconds`, the compute alone, in
whichever process made it).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa

from bench.measure import Bench, Result, is_pending
from bench.system import rss_mb
from bench.workers import pending

# What each cached page shows, by snapshot name (the names carry a format version: match the start).
CALIBRATION, FAIRNESS, OFFER = r"^calibration\b", r"^fairness\b.*:all$", r"^offer-statistics\b"
CHART = r"^retention-chart:{}(:|$)"  # then the language, when the app adds it
PREDICTION, PREDICTION_CHART = r"^prediction:", r"^prediction-chart:{}:"
PREDICTION_OUTCOMES = ("week5", "stayed", "stayed_no_offer")
# Snapshot families, their words in the table, and the budget of recomputing one (issue 19, at 100,000).
FAMILIES = [(CALIBRATION, "calibration", 1.0), (FAIRNESS, "fairness, all jobs", 1.0),
            (OFFER, "offer statistics", 0.3),
            *[(CHART.format(c), f"retention chart {c} (curves and SVG)", 0.3) for c in ("all", "band", "cohort")],
            # Not budgeted by issue 19 (it came with issue 23): held to the calibration's second.
            (PREDICTION, "does the interview predict (every item, three outcomes)", 1.0),
            *[(PREDICTION_CHART.format(o), f"prediction chart {o} (SVG)", 0.3) for o in PREDICTION_OUTCOMES]]
# When a small company has no hire left to make The Offer to, or no application to move: a write that also
# changes the page's data (a scorecard's score update changes its application).
FALLBACK = {"offer": ("move", "scorecard"), "move": ("scorecard",)}
WRITES = {"scorecard": ("interviewer", "submitting a scorecard"), "move": ("recruiter", "moving an application"),
          "offer": ("hr", "making The Offer")}


@dataclass(frozen=True)
class Step:
    """A write, then the cached pages it makes stale, each (name, path, snapshot patterns), as HR."""

    write: str
    pages: tuple[tuple[str, str, tuple[str, ...]], ...]


STEPS = (
    Step("scorecard", (("HR's home", "/", (CALIBRATION, FAIRNESS)),)),
    Step("scorecard", (("calibration", "/scoring/calibration", (CALIBRATION,)),)),
    Step("move", (("fairness report page", "/reports/fairness", (FAIRNESS,)),)),
    # The page, then its three charts at once, as a browser asks for them.
    Step("offer", (("offer statistics and retention", "/analytics/offer", (OFFER,)),
                   *[(f"retention chart {c}.svg", f"/analytics/offer/{c}.svg", (CHART.format(c),))
                     for c in ("all", "band", "cohort")])),
    # A decided offer changes a hire, on which "does our interview predict" rests: the page and its charts.
    Step("offer", (("does our interview predict", "/analytics/prediction", (PREDICTION,)),
                   *[(f"prediction chart {o}.svg", f"/analytics/prediction/{o}.svg", (PREDICTION_CHART.format(o),))
                     for o in PREDICTION_OUTCOMES])),
)


def family(name: str) -> tuple[str, float | None]:
    """A snapshot's words and budget."""
    for pattern, words, budget in FAMILIES:
        if re.search(pattern, name):
            return words, budget
    return name, None


def snapshot_rows(app) -> dict[str, tuple]:
    """Every stored snapshot: name -> (computed_at, seconds)."""
    from hiring.extensions import db
    from hiring.models import Snapshot

    with app.app_context(), db.engine.connect() as connection:
        return {r.name: (r.computed_at, r.seconds) for r in connection.execute(
            sa.select(Snapshot.name, Snapshot.computed_at, Snapshot.seconds))}


def _newer(rows: dict, patterns: tuple[str, ...], since) -> dict[str, tuple] | None:
    """The snapshots matching each pattern stored after `since`; None unless every pattern has one."""
    found = {}
    for pattern in patterns:
        hits = {n: v for n, v in rows.items() if re.search(pattern, n) and v[0] > since}
        if not hits:
            return None
        found.update(hits)
    return found


def wait_fresh(bench: Bench, runner, patterns: tuple[str, ...], since, started, timeout: float) -> dict | None:
    """Wait until every pattern has a snapshot stored after `since`; None when none came (the runner idle for
    two seconds without one, or `timeout`)."""
    deadline, idle_since = time.monotonic() + timeout, None
    while True:
        found = _newer(snapshot_rows(bench.app), patterns, since)
        if found is not None:
            return found
        if getattr(runner, "check", None):
            runner.check()
        if pending(bench.app, started) == 0:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 2.0:
                return None
        else:
            idle_since = None
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def measure(bench: Bench, clients: dict, writes, runner, repeat: int, started, timeout: float = 600.0) -> None:
    """Each step `repeat` times: the write, the cold requests, the wait for fresh figures, the fresh requests."""
    from hiring.models import utcnow

    rows: dict[str, dict[str, Result]] = {}
    write_rows: dict[str, Result] = {}
    recomputes: dict[str, Result] = {}
    seen: set[tuple] = set()  # one recompute may serve two pages
    for _rep in range(repeat):
        for step in STEPS:
            if any(bench.skipped(name) for name, _p, _s in step.pages):
                continue
            runner.wait_idle(timeout)
            kind, form = step.write, writes.take(step.write)
            for other in FALLBACK.get(step.write, ()):
                if form is None:
                    kind, form = other, writes.take(other)
            if form is None:
                raise RuntimeError(f"no {step.write} left to make for the cold measurements")
            role, words = WRITES[kind]
            began = utcnow()
            done = bench.request(clients[role], *form)
            if done.status != 302:
                raise RuntimeError(f"{words}: {form[0]} {form[1]} answered {done.status}, not 302")
            written = utcnow()
            write = write_rows.setdefault(kind, Result(f"write: {words}", role, f"{form[0]} {form[1]}", "write",
                                                       note="each followed by cold requests"))
            write.times.append(done.seconds)
            write.queries.append(done.queries)
            colds = [(name, path, patterns, bench.request(clients["hr"], "GET", path))
                     for name, path, patterns in step.pages]
            for name, path, patterns, cold in colds:
                found = wait_fresh(bench, runner, patterns, began, started, timeout)
                served = _served(cold, found)
                fresh_after = (max(v[0] for v in found.values()) - written).total_seconds() if found else None
                row = rows.setdefault(name, {})
                r = row.setdefault("cold", Result(f"{name}: first request after {words}", "hr", path, "cold",
                                                  extra={"write": words, "served": [], "fresh_after": [],
                                                         "statuses": []}))
                r.times.append(cold.seconds)
                r.queries.append(cold.queries)
                r.extra["served"].append(served)
                r.extra["statuses"].append(cold.status)
                r.extra["fresh_after"].append(fresh_after)
                r.extra["slowest"] = cold.slowest
                for snapshot, (at, seconds) in (found or {}).items():
                    words_, _budget = family(snapshot)
                    rec = recomputes.setdefault(words_, Result(f"{words_} recomputed", "-", snapshot, "recompute",
                                                               extra={"where": [], "fresh_after": []}))
                    if (snapshot, at) not in seen:
                        seen.add((snapshot, at))
                        rec.times.append(seconds)
                        rec.extra["where"].append("web request" if cold.computed_here else runner.kind)
                        rec.extra["fresh_after"].append(fresh_after)
            runner.wait_idle(timeout)
            for name, path, _patterns, _cold in colds:
                fresh = bench.request(clients["hr"], "GET", path)
                f = rows[name].setdefault("fresh", Result(f"{name}: first request once fresh", "hr", path, "fresh",
                                                          extra={"asked_again": 0}))
                f.times.append(fresh.seconds)
                f.queries.append(fresh.queries)
                f.extra["asked_again"] += int(fresh.computed_here or fresh.status != 200)
                rows[name]["cold"].rss_mb = f.rss_mb = rss_mb().get("VmRSS")
    for row in rows.values():
        for r in row.values():
            bench.results.append(r)
            bench.progress(r)
    for r in [*write_rows.values(), *recomputes.values()]:
        bench.results.append(r)
        bench.progress(r)


def _served(cold, found: dict | None) -> str:
    """What the cold request served, as observed."""
    if is_pending(cold):
        return "no figures yet (pending)"
    if cold.computed_here:
        return "computed in the request"
    if found and max(v[0] for v in found.values()).timestamp() <= cold.started:
        return "fresh (refreshed before the request)"
    return "last snapshot (stale) while the runner recomputes"
