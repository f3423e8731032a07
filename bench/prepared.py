"""The big PDF reports as the app makes them at scale: asked for on the report's page ("Prepare the PDF", a
POST), rendered by the task runner, downloaded once from the web process.

With Redis, each report is rendered by a `flask worker --burst` of its own, so that the worker's peak resident
memory (the kernel's, at its exit: the worker or its work horse) is that report's; without Redis, by the web
process's own task thread, whose peak is then the web process's. The render's time is the task's own
(started to finished, as the runner records it)."""
from __future__ import annotations

import sqlalchemy as sa

from bench.measure import Bench, Result
from bench.system import rss_mb, rss_peak_reset

REPORTS = (("onboarding", "onboarding report"), ("fairness", "funnel and fairness"),
           ("retention", "offer and retention"))


def measure(bench: Bench, hr, runner) -> None:
    """Each big report once: ask, render in the runner, download."""
    from hiring.extensions import db
    from hiring.models import Task

    for report, words in REPORTS:
        name = f"PDF prepared in the background: {words}"
        if bench.skipped(name):
            continue
        result = Result(name, "hr", f"POST /reports/jobs report={report}", "report",
                        extra={"where": runner.label})
        rss_peak_reset()
        asked = bench.request(hr, "POST", "/reports/jobs", {"csrf_token": hr.csrf_token, "report": report})
        if asked.status != 302 or "/reports/jobs/" not in asked.location:
            result.note = f"FAILED: asking answered {asked.status}"
            bench.results.append(result)
            continue
        job_id = asked.location.rstrip("/").rsplit("/", 1)[-1]
        worker = runner.burst()
        with bench.app.app_context():
            task = db.session.execute(sa.select(Task.state, Task.error, Task.started_at, Task.finished_at)
                                      .where(Task.id == job_id)).one()
            db.session.remove()
        peak = worker.get("peak_mb") if runner.kind == "rq" else rss_mb().get("VmHWM")
        result.extra.update(ask_seconds=asked.seconds, state=task.state, error=task.error, worker_peak_mb=peak,
                            worker_exit=worker.get("exit"), worker_seconds=worker.get("seconds"))
        if worker.get("stopped"):
            result.note = f"FAILED: the worker was {worker['stopped']}"
        if task.started_at and task.finished_at:
            result.times.append((task.finished_at - task.started_at).total_seconds())
        if task.state == "done":
            download = bench.request(hr, "GET", f"/reports/jobs/{job_id}/download")
            result.status, result.size_bytes = download.status, len(download.body)
            result.extra["download_seconds"] = download.seconds
            if download.status != 200 or not download.body.startswith(b"%PDF"):
                result.note = f"FAILED: the download answered {download.status}"
        elif not result.note:
            result.note = f"FAILED: the task ended {task.state} ({task.error})"
            if "log" in worker:
                result.extra["worker_log"] = worker["log"]
        result.rss_mb = rss_mb().get("VmRSS")
        bench.results.append(result)
        bench.progress(result)
