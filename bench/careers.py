"""The careers site as its visitors meet it: the public pages (nobody signed in) and sending an application with
a CV. The applications are sent through the form as a browser sends them (CSRF token, the form's time stamp,
a real PDF), and removed again by `cleanup`, with a job published for the run if none was."""
from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.measure import CSRF, Bench

VISITOR = "visitor"
EMAILS = "bench.applicant.{run}.{i}@example.org"
# The app's limits per address and per e-mail would stop the series after 20: the benchmark measures the form,
# not the limiter (tests/test_careers_apply.py holds the limits).
SETTINGS = {"APPLY_LIMIT_PER_ADDRESS": "100000 per hour", "APPLY_LIMIT_PER_EMAIL": "100000 per hour"}


@dataclass
class Site:
    """The job the run applies to, whether the run published it, and the e-mail addresses it applied with."""

    job_id: int
    published_here: bool
    run: str = field(default_factory=lambda: str(int(time.time())))
    emails: list[str] = field(default_factory=list)


def prepare(app) -> Site | None:
    """The newest published open job; with none, the first open job, published for the run."""
    from hiring.extensions import db
    from hiring.models import Job, JobStatus, utcnow

    with app.app_context():
        session = db.session
        job_id = session.scalar(sa.select(Job.id).where(Job.published, Job.status == JobStatus.OPEN)
                                .order_by(Job.published_at.desc()).limit(1))
        if job_id is not None:
            return Site(job_id, False)
        job_id = session.scalar(sa.select(Job.id).where(Job.status == JobStatus.OPEN).order_by(Job.id).limit(1))
        if job_id is None:
            return None
        session.execute(sa.update(Job).where(Job.id == job_id).values(
            published=True, published_at=utcnow(),
            public_description="A job published by the benchmark for the length of its run."))
        session.commit()
        return Site(job_id, True)


def _pdf() -> bytes:
    """A one-page CV as a word processor exports it."""
    from weasyprint import HTML

    return HTML(string="<h1>Bench Applicant</h1><p>Ten years of warehouse work; forklift licence.</p>").write_pdf()


def pages(bench: Bench, app, site: Site) -> None:
    """The open jobs, a job's page and its application form, as a visitor."""
    client = app.test_client()
    bench.page("careers site: open jobs", client, VISITOR, "/careers/")
    bench.page("careers site: a job's page", client, VISITOR, f"/careers/jobs/{site.job_id}")
    bench.page("careers site: application form", client, VISITOR, f"/careers/jobs/{site.job_id}/apply")


def applications(bench: Bench, app, site: Site, n: int) -> None:
    """Sending the form with a CV (checked by its content, stored in the database) and a cover letter."""
    from hiring.careers.applying import make_stamp

    client = app.test_client()
    path = f"/careers/jobs/{site.job_id}/apply"
    token = CSRF.search(client.get(path).get_data(as_text=True))
    pdf = _pdf()
    with app.app_context():
        stamp = make_stamp(site.job_id, at=time.time() - 30)  # opened half a minute before: not too fast

    def form(i: int) -> tuple:
        email = EMAILS.format(run=site.run, i=i)
        site.emails.append(email)
        return ("POST", path, {"csrf_token": token.group(1) if token else "", "started": stamp,
                               "name": f"Bench Applicant {i}", "email": email, "phone": "+31 20 555 0100",
                               "cover_letter": "I would like to work with you.", "consent": "y",
                               "cv": (io.BytesIO(pdf), "cv.pdf")})

    bench.page("send an application with a CV (careers site)", client, VISITOR, form, repeat=n, expect=(303,),
               kind="write")


def cleanup(app, site: Site | None) -> None:
    """Remove the run's candidates with their applications and files, and unpublish a job published for it."""
    from hiring.extensions import db
    from hiring.models import Candidate, CandidateFile, Job, StoredFile

    if site is None:
        return
    with app.app_context():
        session = db.session
        ids = session.scalars(sa.select(Candidate.id).where(Candidate.email.in_(site.emails))).all() \
            if site.emails else []
        if ids:
            files = session.scalars(sa.select(CandidateFile.file_id).where(CandidateFile.candidate_id.in_(ids))).all()
            session.execute(sa.delete(CandidateFile).where(CandidateFile.candidate_id.in_(ids)))
            if files:
                session.execute(sa.delete(StoredFile).where(StoredFile.id.in_(files)))
            session.execute(sa.delete(Candidate).where(Candidate.id.in_(ids)))
        if site.published_here:
            session.execute(sa.update(Job).where(Job.id == site.job_id).values(published=False))
        session.commit()
