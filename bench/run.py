"""Measure every main page and action on a generated database: `python -m bench.run [--repeat 20]`.

Against the database bench.generate filled (--database-url, else DATABASE_URL, else bench/bench.sqlite), in one
process, signed in through the real login with Flask's test client: a floor (a page in the site's layout
doing one trivial query), then each main page and action, with the median and 95th percentile time, the
ratio to the floor, the SQL statements per request and the peak Python memory per request; and the time of
recomputing every application's scores and of training the retention model. Prints a table and writes it to
bench/RESULTS.md (its own section per database kind and size; the rest of the file is kept) and the raw
numbers to bench/results/<database>-<candidates>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.generate import BENCH_DIR, bench_app, database_url, dispose
from bench.measure import Bench, add_floor_page, machine, rss_mb, rss_peak_reset, sign_in
from bench.report import comparison, table, write_section

LOGINS = {"admin": "admin@demo.example", "hr": "hr@demo.example", "recruiter": "recruiter@demo.example",
          "interviewer": "interviewer@demo.example", "new_hire": "newhire@demo.example"}
PASSWORD = "values-fit-demo"


def sizes(session) -> dict[str, int]:
    """The size of the company measured."""
    from hiring.models import Application, Candidate, Hire, Rating, Scorecard

    return {name: session.scalar(sa.select(sa.func.count()).select_from(model)) for name, model in (
        ("candidates", Candidate), ("applications", Application), ("scorecards", Scorecard), ("ratings", Rating),
        ("hires", Hire))}


def targets(session) -> dict:
    """The records the pages are measured on: the busiest job, a well-interviewed candidate, the demo new
    hire's enrolment, and so on."""
    from hiring.models import (Application, Enrollment, Hire, InterviewAssignment, Scorecard, ScorecardStatus,
                               Stage, User)

    count = sa.func.count()
    job, _n = session.execute(sa.select(Application.job_id, count).group_by(Application.job_id)
                              .order_by(count.desc()).limit(1)).one()
    hired_app = session.scalar(sa.select(Hire.application_id)
                               .join(InterviewAssignment, InterviewAssignment.application_id == Hire.application_id)
                               .group_by(Hire.application_id).order_by(count.desc(), Hire.application_id).limit(1))
    interviewed = session.scalar(sa.select(InterviewAssignment.application_id)
                                 .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
                                 .where(Scorecard.status == ScorecardStatus.SUBMITTED)
                                 .group_by(InterviewAssignment.application_id)
                                 .order_by(count.desc(), InterviewAssignment.application_id).limit(1))
    candidate = session.scalar(sa.select(Application.candidate_id).where(Application.id == hired_app))
    new_hire = session.scalar(sa.select(Enrollment.id).join(Hire, Enrollment.hire_id == Hire.id)
                              .join(User, Hire.user_id == User.id).where(User.email == LOGINS["new_hire"]))
    mine = session.scalar(sa.select(InterviewAssignment.application_id)
                          .join(User, InterviewAssignment.interviewer_id == User.id)
                          .where(User.email == LOGINS["interviewer"]).order_by(InterviewAssignment.id.desc()).limit(1))
    n_apps = session.scalar(sa.select(count).select_from(Application))
    return {"job": job, "candidate": candidate, "dossier": hired_app, "compare": interviewed, "enrolment": new_hire,
            "interviewer_app": mine, "deep_page": max(1, (n_apps + 49) // 50 - 1), "pages": max(1, (n_apps + 49) // 50),
            "filter_stage": Stage.INTERVIEWING.value}


def pages(bench: Bench, clients: dict, t: dict, pdf_repeat: int) -> None:
    """Every main page, each as the role that uses it."""
    rec, hr, iv = clients["recruiter"], clients["hr"], clients["interviewer"]
    bench.page("floor (layout + SELECT 1)", rec, "recruiter", "/bench/floor")
    bench.page("password form (lightest app page)", rec, "recruiter", "/account/password")
    bench.page("candidate list, first page", rec, "recruiter", "/pipeline/")
    bench.page("candidate list, deep page", rec, "recruiter", f"/pipeline/?page={t['deep_page']}",
               note=f"page {t['deep_page']:,} of {t['pages']:,}")
    bench.page("candidate list, job + stage filter", rec, "recruiter",
               f"/pipeline/?job={t['job']}&stage={t['filter_stage']}")
    bench.page("candidate list, sorted by values fit", rec, "recruiter", "/pipeline/?sort=values_fit")
    bench.page("candidate list, name search", rec, "recruiter", "/pipeline/?q=jansen")
    bench.page("candidate page", rec, "recruiter", f"/pipeline/candidates/{t['candidate']}")
    bench.page("jobs list", rec, "recruiter", "/jobs/")
    bench.page("job pipeline (busiest job)", rec, "recruiter", f"/jobs/{t['job']}")
    bench.page("scorecards side by side", rec, "recruiter", f"/interviews/applications/{t['compare']}/compare")
    bench.page("recruiter's home", rec, "recruiter", "/")
    bench.page("interviewer's home", iv, "interviewer", "/")
    if t["interviewer_app"]:
        bench.page("application page (interviewer)", iv, "interviewer",
                   f"/pipeline/applications/{t['interviewer_app']}")
    if "new_hire" in clients:
        bench.page("new hire's checklist (home)", clients["new_hire"], "new_hire", "/")
        bench.page("a new hire's checklist (HR)", hr, "hr", f"/onboarding/enrolments/{t['enrolment']}")
    bench.page("cohort list", hr, "hr", "/onboarding/")
    bench.page("HR's home", hr, "hr", "/")
    bench.page("admin's home", clients["admin"], "admin", "/")
    bench.page("audit log", clients["admin"], "admin", "/admin/audit")
    bench.page("The Offer: lists", hr, "hr", "/offer/")
    bench.page("offer statistics and retention", hr, "hr", "/analytics/offer")
    for chart in ("all", "band", "cohort"):
        bench.page(f"retention chart {chart}.svg", hr, "hr", f"/analytics/offer/{chart}.svg")
    bench.page("calibration", hr, "hr", "/scoring/calibration")
    bench.page("retention model page", hr, "hr", "/scoring/model")
    bench.page("fairness report page", hr, "hr", "/reports/fairness")
    bench.page("onboarding report page", hr, "hr", "/reports/onboarding")
    bench.page("dossier page", rec, "recruiter", f"/reports/applications/{t['dossier']}/dossier")
    # The peak so far is what a web worker needs for the pages; the big PDFs after this are rendered by a
    # report worker when REDIS_URL is set (hiring/reports/background.py).
    bench.rss_pages = rss_mb()
    for name, client, role, url in (
            ("PDF: candidate dossier", rec, "recruiter", f"/reports/applications/{t['dossier']}/dossier.pdf"),
            ("PDF: a new hire's onboarding", hr, "hr", f"/reports/onboarding/{t['enrolment']}.pdf"),
            ("PDF: onboarding report", hr, "hr", "/reports/onboarding.pdf"),
            ("PDF: offer and retention", hr, "hr", "/reports/retention.pdf"),
            ("PDF: funnel and fairness", hr, "hr", "/reports/fairness.pdf")):
        if "None" not in url:
            bench.page(name, client, role, url, repeat=pdf_repeat)


def submit_scorecards(bench: Bench, client, n: int) -> None:
    """Submitting a scorecard (all items rated, with the score update), each run on a fresh assignment of
    the demo interviewer made for the purpose; the assignments and all they caused are removed afterwards."""
    from hiring.extensions import db
    from hiring.models import (Application, AuditEvent, CoreValue, InterviewAssignment, InterviewKind, Requirement,
                               Stage, User, utcnow)
    from hiring.scoring.service import score_application

    with bench.app.app_context():
        me = db.session.scalar(sa.select(User.id).where(User.email == LOGINS["interviewer"]))
        taken = sa.select(InterviewAssignment.application_id).where(InterviewAssignment.interviewer_id == me)
        apps = db.session.execute(sa.select(Application.id, Application.job_id).where(
            Application.id.not_in(taken)).order_by((Application.stage == Stage.INTERVIEWING).desc(),
                                                   Application.id.desc()).limit(n)).all()
        now = utcnow()
        ids = [db.session.scalar(sa.insert(InterviewAssignment).values(
            application_id=a, interviewer_id=me, kind=InterviewKind.HIRING_MANAGER, assigned_at=now,
            scheduled_for=now).returning(InterviewAssignment.id)) for a, _j in apps]
        db.session.commit()
        values = db.session.scalars(sa.select(CoreValue.id).where(CoreValue.retired_at.is_(None))).all()
        reqs = {j: db.session.scalars(sa.select(Requirement.id).where(Requirement.job_id == j)).all()
                for j in {j for _a, j in apps}}
    forms = []
    for (_a, job), assignment in zip(apps, ids):
        data = {"csrf_token": client.csrf_token, "version": "", "recommendation": "yes", "submit": "Submit scorecard",
                "key_takeaways": "Benchmark submission."}
        for key in [f"r{r}" for r in reqs[job]] + [f"v{v}" for v in values]:
            data[f"rating_{key}"], data[f"evidence_{key}"] = "4", "Two specific examples, with results."
        forms.append(("POST", f"/interviews/{assignment}/scorecard", data))
    try:
        bench.page("GET scorecard form", client, "interviewer", forms[-1][1])
        bench.page("submit a scorecard (+ score update)", client, "interviewer", lambda i: forms[i],
                   repeat=n - 2, expect=(302,))
    finally:
        from hiring.tasks import runner

        # The submits asked the task runner to refresh the figures they changed; its writes would meet the
        # clean-up below (SQLite refuses a transaction that read before another connection wrote).
        runner.wait_idle(300)
        with bench.app.app_context():
            cards = db.session.scalars(sa.text("SELECT id FROM scorecards WHERE assignment_id IN "
                                               f"({','.join(map(str, ids)) or '0'})")).all()
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.entity_type == "scorecard",
                                                           AuditEvent.entity_id.in_(cards)))
            db.session.execute(sa.delete(InterviewAssignment).where(InterviewAssignment.id.in_(ids)))
            for application_id, _j in apps:
                score_application(db.session, application_id)
            db.session.commit()


def actions(bench: Bench, repeat: int) -> None:
    """Recomputing every application's scores, and training the retention model."""
    from hiring.extensions import db
    from hiring.scoring.retention_service import train_retention_model
    from hiring.scoring.service import recompute_all

    def recompute():
        recompute_all(db.session)
        db.session.commit()

    bench.action("train the retention model", "train_retention_model",
                 lambda: train_retention_model(db.session, Path(bench.app.instance_path), date.today()), repeat)
    bench.action("recompute all scores", "recompute_all + commit", recompute, repeat)


def _model_if_missing(app) -> None:
    """Pages show the retention model's advice once one is trained, as after `make run`: train one first."""
    from hiring.extensions import db
    from hiring.scoring.model import TooFewHires, load_report
    from hiring.scoring.retention_service import train_retention_model

    folder = Path(app.instance_path)
    if load_report(folder) is None:
        with app.app_context():
            try:
                train_retention_model(db.session, folder, date.today())
            except TooFewHires:
                pass
            db.session.remove()


def _progress(r) -> None:
    print(f"{r.name:42} median {r.median * 1000:9.1f} ms  p95 {r.p95 * 1000:9.1f} ms  {r.query_range:>6} queries"
          f"  ({len(r.times)} runs)", file=sys.stderr, flush=True)


def run(url: str, repeat: int = 20, pdf_repeat: int = 5, heavy_repeat: int = 2, max_seconds: float = 30.0,
        memory: bool = True, only_pages: bool = False, only: str | None = None) -> tuple[Bench, dict]:
    """The whole benchmark; returns the bench with its results and what it ran on."""
    from hiring.extensions import db

    from flask_migrate import upgrade

    app = bench_app(url)
    add_floor_page(app)
    with app.app_context():
        upgrade()  # the schema the code expects (a no-op when the database is at the newest migration)
    bench = Bench(app, repeat=repeat, max_seconds=max_seconds, memory=memory, progress=_progress, only=only)
    with app.app_context():
        info = {"machine": machine(db.engine), "size": sizes(db.session), "kind": db.engine.dialect.name}
        t = targets(db.session)
        db.session.remove()
    clients = {}
    for role, email in LOGINS.items():
        try:
            clients[role] = sign_in(app, email, PASSWORD)
        except RuntimeError:
            if role != "new_hire":
                raise
    _model_if_missing(app)
    rss_peak_reset()
    pages(bench, clients, t, pdf_repeat)
    submit_scorecards(bench, clients["interviewer"], repeat + 2)
    info["rss"] = rss_mb()  # before the actions, whose arrays Python may keep from the system afterwards
    info["rss_pages"] = getattr(bench, "rss_pages", {})
    if not only_pages:
        actions(bench, heavy_repeat)
    dispose(app)
    info["machine"]["load after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return bench, info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else bench/bench.sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (after one warm-up)")
    parser.add_argument("--pdf-repeat", type=int, default=5)
    parser.add_argument("--heavy-repeat", type=int, default=2, help="runs of recompute and training")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="stop repeating a page after this long")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced run for peak memory")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--only", help="measure only the pages and actions whose name contains this (implies --no-write)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HIRING_INSTANCE_PATH", str(BENCH_DIR / "instance"))
    url = database_url(args.database_url)
    began = time.perf_counter()
    bench, info = run(url, args.repeat, args.pdf_repeat, args.heavy_repeat, args.max_seconds, not args.no_memory,
                      only=args.only)
    bench.results = [r for r in bench.results if r.times]
    if args.only:
        args.no_write = True  # a partial run must not replace the whole section
    info["when"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info["seconds"] = round(time.perf_counter() - began)
    results_dir = BENCH_DIR / "results"
    key = f"{info['kind']}-{info['size']['candidates']}"
    others = comparison(results_dir, info["kind"], info["size"]["candidates"])
    print(table(bench.results, info, others))
    if not args.no_write:
        results_dir.mkdir(exist_ok=True)
        (results_dir / f"{key}.json").write_text(json.dumps(
            {"info": info, "results": [r.as_dict() for r in bench.results]}, indent=1, default=str))
        write_section(BENCH_DIR / "RESULTS.md", key, bench.results, info, others)
        print(f"written to {BENCH_DIR / 'RESULTS.md'} and {results_dir / (key + '.json')}", file=sys.stderr)


if __name__ == "__main__":
    main()
