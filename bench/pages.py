"""What the benchmark measures: every main page as the role that uses it, the PDFs, submitting a scorecard,
and the heavy commands; and the records they are measured on."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.measure import BARE, BARE_NAME, LAYOUT, LAYOUT_NAME, Bench

LOGINS = {"admin": "admin@demo.example", "hr": "hr@demo.example", "recruiter": "recruiter@demo.example",
          "interviewer": "interviewer@demo.example", "new_hire": "newhire@demo.example"}
PASSWORD = "values-fit-demo"
WARM = "warm: its snapshot current"
# The big reports' .pdf addresses: they render nothing in the web request, only a page whose form asks for the
# PDF in the background (its rendering is measured in a worker, bench/prepared.py).
PDF_ADDRESSES = (("onboarding report", "/reports/onboarding.pdf"), ("funnel and fairness", "/reports/fairness.pdf"),
                 ("offer and retention", "/reports/retention.pdf"))


def sizes(session) -> dict[str, int]:
    """The size of the company measured."""
    from hiring.models import Application, Candidate, Hire, Rating, Scorecard, StageChange

    return {name: session.scalar(sa.select(sa.func.count()).select_from(model)) for name, model in (
        ("candidates", Candidate), ("applications", Application), ("scorecards", Scorecard), ("ratings", Rating),
        ("stage changes", StageChange), ("hires", Hire))}


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
    deep_page = max(1, (n_apps + 49) // 50 - 1)
    return {"deep_after": _cursor_before(session, deep_page), "job": job, "candidate": candidate, "dossier": hired_app, "compare": interviewed, "enrolment": new_hire,
            "interviewer_app": mine, "deep_page": deep_page, "pages": max(1, (n_apps + 49) // 50),
            "filter_stage": Stage.INTERVIEWING.value}


def _cursor_before(session, page: int) -> str:
    """The Next link's cursor that leads to a page of the candidate list (newest first): the last row of the page
    before it. Found here once, untimed, with OFFSET; a user gets there by following Next."""
    from hiring.models import Application
    from hiring.paging import encode_cursor
    from hiring.pipeline.queries import SORTS

    keys = SORTS["newest"]
    row = session.scalars(sa.select(Application).order_by(*(k.ordering for k in keys))
                          .offset((page - 1) * 50 - 1).limit(1)).first()
    return encode_cursor(keys, row) if row is not None else ""


def warm_pages(bench: Bench, clients: dict, t: dict) -> None:
    """The floors, then every main page, each as the role that uses it. A cached page's first request may
    find its snapshot stale; the runner is let bring it up to date before the timed requests (warm)."""
    rec, hr, iv = clients["recruiter"], clients["hr"], clients["interviewer"]
    # The units of every ratio, timed again between the pages' requests (Bench.floor).
    bench.floor(BARE_NAME, rec, "recruiter", BARE, 5 * bench.repeat)
    bench.floor(LAYOUT_NAME, rec, "recruiter", LAYOUT, 5 * bench.repeat)
    bench.page("password form (lightest app page)", rec, "recruiter", "/account/password")
    bench.page("candidate list, first page", rec, "recruiter", "/pipeline/")
    # As a user reaches it: by Next, whose link carries the cursor of the row before (hiring/paging.py).
    bench.page("candidate list, deep page", rec, "recruiter",
               f"/pipeline/?page={t['deep_page']}&after={t['deep_after']}",
               note=f"page {t['deep_page']:,} of {t['pages']:,}, by Next")
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
    bench.page("HR's home, warm", hr, "hr", "/", note=WARM, cached=True)
    bench.page("admin's home", clients["admin"], "admin", "/")
    bench.page("audit log", clients["admin"], "admin", "/admin/audit")
    bench.page("The Offer: lists", hr, "hr", "/offer/")
    bench.page("offer statistics and retention, warm", hr, "hr", "/analytics/offer", note=WARM, cached=True)
    for chart in ("all", "band", "cohort"):
        bench.page(f"retention chart {chart}.svg, warm", hr, "hr", f"/analytics/offer/{chart}.svg", note=WARM,
                   cached=True)
    bench.page("calibration, warm", hr, "hr", "/scoring/calibration", note=WARM, cached=True)
    bench.page("retention model page", hr, "hr", "/scoring/model")
    bench.page("fairness report page, warm", hr, "hr", "/reports/fairness", note=WARM, cached=True)
    bench.page("onboarding report page", hr, "hr", "/reports/onboarding")
    pdf_addresses(bench, hr, t)
    bench.page("dossier page", rec, "recruiter", f"/reports/applications/{t['dossier']}/dossier")


def small_pdfs(bench: Bench, clients: dict, t: dict, repeat: int) -> None:
    """The PDFs of one person, rendered in the web request by design: after the HTML pages, since the first
    one raises the web process's resident memory for the rest of its life (WeasyPrint and its fonts)."""
    bench.page("PDF: candidate dossier", clients["recruiter"], "recruiter",
               f"/reports/applications/{t['dossier']}/dossier.pdf", repeat=repeat, kind="pdf")
    if t["enrolment"]:
        bench.page("PDF: a new hire's onboarding", clients["hr"], "hr", f"/reports/onboarding/{t['enrolment']}.pdf",
                   repeat=repeat, kind="pdf")


def pdf_addresses(bench: Bench, hr, t: dict) -> None:
    """The big reports' .pdf addresses (a bookmark, an old link): a small page offering to prepare the PDF in
    the background, never the PDF itself."""
    for words, path in PDF_ADDRESSES:
        bench.page(f"PDF address, offers the background: {words}", hr, "hr", path)
    bench.page("PDF address, offers the background: funnel and fairness, one job", hr, "hr",
               f"/reports/fairness.pdf?job={t['job']}")


def submit_scorecards(bench: Bench, client, writes, n: int) -> None:
    """Submitting a scorecard (all items rated, with the score update), each on a fresh assignment of the
    demo interviewer made for the purpose (bench/writes.py removes them afterwards)."""
    forms = [writes.take("scorecard") for _ in range(n + 1)]
    forms = [f for f in forms if f is not None]
    if len(forms) < 2:
        return
    bench.page("GET scorecard form", client, "interviewer", forms[-1][1])
    bench.page("submit a scorecard (+ score update)", client, "interviewer", lambda i: forms[i],
               repeat=len(forms) - 1, expect=(302,), kind="write",
               note="the runner refreshes the snapshots it made stale meanwhile")


def actions(bench: Bench, repeat: int) -> None:
    """Recomputing every application's scores, and training the retention model (commands, not pages)."""
    from hiring.extensions import db
    from hiring.scoring.retention_service import train_retention_model
    from hiring.scoring.service import recompute_all

    def recompute():
        recompute_all(db.session)
        db.session.commit()

    bench.action("train the retention model", "train_retention_model",
                 lambda: train_retention_model(db.session, Path(bench.app.instance_path), date.today()), repeat)
    bench.action("recompute all scores", "recompute_all + commit", recompute, repeat)


def model_if_missing(app) -> str | None:
    """Pages show the retention model's advice once one is trained, as after `make run`: train one first.
    Why none could be trained, if so (the pages are then measured without the advice)."""
    from hiring.extensions import db
    from hiring.scoring.model import TooFewHires, load_report
    from hiring.scoring.retention_service import train_retention_model

    folder = Path(app.instance_path)
    if load_report(folder) is not None:
        return None
    with app.app_context():
        try:
            train_retention_model(db.session, folder, date.today())
        except TooFewHires:
            return "too few hires to train the retention model"
        except Exception as error:  # noqa: BLE001 - reported with the run, which goes on without the model
            return f"training the retention model failed: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
        finally:
            db.session.remove()
    return None
