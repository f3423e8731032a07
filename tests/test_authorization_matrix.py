"""One table: for every page and every role, the expected answer; object-level rules included.

Codes: 200; "login" (sent to sign in); 403; 404; "home" (sent to the user's own place). A meta-test fails when
an endpoint answering GET is missing from the table, so a new page cannot forget its rules.
"""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from hiring.extensions import db
from hiring.models import (
    EndReason,
    FileKind,
    InterviewKind,
    ProgrammeTask,
    QuitOffer,
    Rating,
    Recommendation,
    Role,
    Scorecard,
    ScorecardStatus,
    Stage,
    TaskOwner,
    utcnow,
)
from hiring.onboarding.enrolment import enrol
from hiring.pipeline import files_service
from hiring.reports import background
from tests import factories

ROLES = ["anonymous", "admin", "hr", "recruiter", "interviewer", "new_hire"]
R = {"admin": 200, "hr": 200, "recruiter": 200}          # the recruiting roles
HR = {"admin": 200, "hr": 200, "recruiter": 403}


def row(url, *, anonymous="login", admin=403, hr=403, recruiter=403, interviewer=403, new_hire=403, **over):
    codes = dict(anonymous=anonymous, admin=admin, hr=hr, recruiter=recruiter, interviewer=interviewer,
                 new_hire=new_hire)
    codes.update(over)
    return url, codes


# {name} placeholders are filled from the world below.
MATRIX = [
    row("/", admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/account/password", admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/account/profile", admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/account/notifications", admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    # Personal access tokens for the API (tests/test_api.py): staff; a new hire has no use for the API.
    row("/account/tokens", admin=200, hr=200, recruiter=200, interviewer=200),
    # The JSON API: a signed-in browser's cookie opens none of it (401 without a token, tests/test_api.py has
    # each role's token); its OpenAPI document is public.
    *[row(path, anonymous=401, admin=401, hr=401, recruiter=401, interviewer=401, new_hire=401)
      for path in ("/api/v1/jobs", "/api/v1/jobs/{job}", "/api/v1/applications", "/api/v1/applications/{mine}",
                   "/api/v1/candidates/{candidate}", "/api/v1/applications/{mine}/scorecards", "/api/v1/assignments",
                   "/api/v1/hires",
                   "/api/v1/hires/{hire}", "/api/v1/offers", "/api/v1/reports/fairness",
                   "/api/v1/reports/offer-statistics", "/api/v1/reports/prediction")],
    row("/api/v1/openapi.json", anonymous=200, admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/admin/users", admin=200),
    # Team accounts and "Forgot your password?" (tests/test_accounts_admin.py, tests/test_forgot_password.py).
    row("/admin/users/invite", admin=200),
    # Single sign-on (tests/test_sso.py signs in through a real provider): the settings are the admins'; with
    # single sign-on off (this world), its two pages send to the sign-in page, and a signed-in user home.
    row("/admin/sso", admin=200),
    row("/auth/sso/login", anonymous="login", admin="home", hr="home", recruiter="home", interviewer="home",
        new_hire="home"),
    row("/auth/sso/callback?code=x&state=y", anonymous="login", admin="home", hr="home", recruiter="home",
        interviewer="home", new_hire="home"),
    row("/forgot-password", anonymous=200, admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/reset-password/forged", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    row("/admin/audit", admin=200),
    # The outbox ("Sent mail"): admins only (tests/test_mail_views.py has a message's page and its attachments).
    row("/admin/mail/", admin=200),
    row("/admin/mail/999999", admin=404),
    row("/admin/mail/999999/attachments/1", admin=404),
    # The company's wording of each message (tests/test_message_templates.py): admins only.
    row("/admin/messages/", admin=200),
    row("/admin/messages/application_received/nl", admin=200),
    row("/admin/messages/no_such_message/en", admin=404),
    row("/admin/messages/application_received/de", admin=404),
    # Webhook subscriptions and their delivery log (tests/test_webhooks.py): admins only.
    row("/admin/webhooks/", admin=200),
    row("/admin/webhooks/new", admin=200),
    row("/admin/webhooks/999999", admin=404),
    row("/admin/webhooks/999999/edit", admin=404),
    row("/admin/webhooks/999999/deliveries/1", admin=404),
    # The company's coded rejection reasons (tests/test_rejection_reasons.py): admins and HR.
    row("/admin/rejection-reasons/", **HR),
    row("/admin/rejection-reasons/new", **HR),
    row("/admin/rejection-reasons/999999/edit", admin=404, hr=404),
    row("/analytics/offer", **HR),
    row("/analytics/offer/all.svg", **HR),
    row("/analytics/prediction", **HR),
    row("/analytics/prediction/week5.svg", **HR),
    row("/scoring/calibration", **HR),
    row("/scoring/model", **HR),
    row("/reports/fairness", **HR),
    row("/reports/fairness.csv", **HR),
    row("/reports/fairness.pdf", **HR),
    row("/reports/onboarding", **HR),
    row("/reports/onboarding.csv", **HR),
    row("/reports/onboarding.pdf", **HR),
    row("/reports/onboarding/{enrollment}.pdf", **HR),
    row("/reports/onboarding/999999.pdf", admin=404, hr=404),
    row("/reports/retention.pdf", **HR),
    row("/reports/retention-cohorts.csv", **HR),
    # A report prepared in the background is its starter's alone (HR here): anyone else, even an admin, gets
    # 404 like an unknown id, so that ids cannot be probed. Still queued, it has nothing to download yet.
    row("/reports/jobs/{report_job}", admin=404, hr=200),
    row("/reports/jobs/{report_job}/download", admin=404, hr=404),
    row("/reports/jobs/no-such-job", admin=404, hr=404),
    row("/reports/applications/{mine}/dossier", **R),
    row("/reports/applications/{mine}/dossier.pdf", **R),
    row("/reports/applications/999999/dossier", admin=404, hr=404, recruiter=404),
    row("/values/", admin=200, hr=200),
    row("/values/new", admin=200, hr=200),
    row("/values/{value}/edit", admin=200, hr=200),
    row("/values/999999/edit", admin=404, hr=404),
    # The company's similarity phrases (tests/test_similarity.py): admins and HR.
    row("/values/similarity", admin=200, hr=200),
    row("/jobs/", **R),
    row("/jobs/new", **R),
    row("/jobs/{job}", **R),
    row("/jobs/{job}/edit", **R),
    row("/jobs/{job}/board", **R),
    row("/jobs/999999/board", admin=404, hr=404, recruiter=404),
    row("/jobs/999999", admin=404, hr=404, recruiter=404),
    row("/pipeline/", **R),
    row("/pipeline/candidates/new", **R),
    row("/pipeline/import", **R),
    row("/pipeline/candidates/{candidate}", **R),
    row("/pipeline/candidates/999999", admin=404, hr=404, recruiter=404),
    row("/duplicates/", **R),  # possible duplicate candidates (tests/test_duplicates.py has the pairs)
    row("/duplicates/999999", admin=404, hr=404, recruiter=404),
    row("/duplicates/merges/999999", admin=404, hr=404, recruiter=404),
    # A candidate's files: for the roles that see the candidate page, never an interviewer's, even one who
    # interviews them; a file asked for under another candidate is as unknown as no file.
    row("/pipeline/candidates/{candidate}/files/{cv}", **R),
    row("/pipeline/candidates/{other_candidate}/files/{cv}", admin=404, hr=404, recruiter=404),
    row("/pipeline/candidates/{candidate}/files/999999", admin=404, hr=404, recruiter=404),
    # An interviewer opens only the applications they are assigned to.
    row("/pipeline/applications/{mine}", **R, interviewer=200),
    row("/pipeline/applications/{other}", **R),
    row("/pipeline/applications/999999", admin=404, hr=404, recruiter=404, interviewer=404),
    # Candidates have no account: the privacy notice is for everyone. Erasure is for HR and admins only.
    row("/privacy/", anonymous=200, admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/privacy/candidates/{candidate}/erase", admin=200, hr=200),
    # The careers site is for everyone; a job is on it only while published and open: this world's job is
    # not published, so even admins get the same 404 as for an unknown id (tests/test_careers.py has the 200s).
    row("/careers/", anonymous=200, admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/careers/theme.css", anonymous=200, admin=200, hr=200, recruiter=200, interviewer=200, new_hire=200),
    row("/careers/jobs/{job}", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    row("/careers/jobs/999999", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    # Applying: the form of an unpublished job is as unknown as the job; the confirmation without an application
    # of this browser's sends back to the job's page (tests/test_careers_apply.py applies for real).
    row("/careers/jobs/{job}/apply", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404,
        new_hire=404),
    row("/careers/jobs/999999/apply", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404,
        new_hire=404),
    row("/careers/jobs/{job}/applied", anonymous="home", admin="home", hr="home", recruiter="home",
        interviewer="home", new_hire="home"),
    row("/privacy/candidates/999999/erase", admin=404, hr=404),
    row("/privacy/erasure-requests", admin=200, hr=200),
    # Only the assigned interviewer fills in a scorecard.
    row("/interviews/{my_assignment}/scorecard", interviewer=200),
    row("/interviews/{my_assignment}/scorecard/amend", interviewer="home"),  # nothing submitted yet
    row("/interviews/999999/scorecard", admin=404, hr=404, recruiter=404, interviewer=404),
    # Scheduling (tests/test_interview_schedule.py): the recruiting roles; the agenda: whoever interviews.
    row("/interviews/{my_assignment}/schedule", **R),
    row("/interviews/999999/schedule", admin=404, hr=404, recruiter=404),
    row("/calendar/", **R, interviewer=200),
    row("/calendar/no-such-feed.ics", anonymous=404, admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    # Others' scorecards: recruiting roles always; an interviewer not assigned there, never.
    row("/interviews/{other_assignment}/scorecard/view", **R),
    row("/interviews/applications/{other}/compare", **R),
    row("/interviews/applications/{mine}/compare", **R),   # the interviewer has not submitted yet
    row("/onboarding/", admin=200, hr=200, recruiter=200, interviewer=200),
    row("/onboarding/programme/", admin=200, hr=200),
    row("/onboarding/programme/tasks/{task}/edit", admin=200, hr=200),
    # A mentor sees their own new hire; a new hire is sent to their own page; nobody else's.
    row("/onboarding/enrolments/{enrollment}", admin=200, hr=200, interviewer=200, new_hire="home"),
    row("/onboarding/enrolments/{other_enrollment}", admin=200, hr=200),
    row("/onboarding/enrolments/999999", admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    # The week-5 values review (tests/test_values_review.py): the mentor's is the mentor's (HR's only when there
    # is no mentor); the self-assessment the new hire's own; nobody else's.
    row("/onboarding/enrolments/{enrollment}/values-review", interviewer=200),
    row("/onboarding/enrolments/{other_enrollment}/values-review"),
    row("/onboarding/enrolments/999999/values-review", admin=404, hr=404, recruiter=404, interviewer=404),
    row("/onboarding/enrolments/{enrollment}/self-assessment", new_hire=200),
    row("/onboarding/enrolments/{other_enrollment}/self-assessment"),
    row("/onboarding/enrolments/999999/self-assessment", admin=404, hr=404, recruiter=404, interviewer=404,
        new_hire=404),
    row("/offer/", admin=200, hr=200),
    row("/offer/policy", admin=200, hr=200),
    row("/offer/{offer}/decide?choice=stayed", admin=200, hr=200, new_hire=200),
    row("/offer/{other_offer}/decide?choice=stayed", admin=200, hr=200),
    row("/offer/{offer}/correct", admin=200),
    row("/offer/999999/decide?choice=stayed", admin=404, hr=404, recruiter=404, interviewer=404, new_hire=404),
    # Departure reviews (tests/test_departure_reviews.py): the mentor's and HR's; only for those who left in
    # their first year or took The Offer (the hire still employed has none); the figures are HR's.
    row("/offer/departure-reviews", admin=200, hr=200, recruiter=200, interviewer=200),
    row("/offer/departure-reviews/{left}", admin=200, hr=200, interviewer=200),
    row("/offer/departure-reviews/{other_left}", admin=200, hr=200),
    row("/offer/departure-reviews/{hire}", admin=404, hr=404, interviewer=404),
    row("/offer/departure-reviews/999999", admin=404, hr=404, recruiter=404, interviewer=404),
    row("/offer/values-false-positives", admin=200, hr=200),
]

# Reached by a signed link, whoever is signed in (tests/test_careers_status.py tries the links).
PUBLIC_OR_TOKEN = {"static", "auth.login", "auth.set_password", "pipeline.self_identification",
                   "careers.status.page", "careers.status.withdraw", "careers.status.download",
                   "careers.status.erasure"}


@pytest.fixture
def world(app):
    """Users of every role and the records the object-level rules are about."""
    users = {role: factories.user(Role(role)) for role in ROLES[1:]}
    other_interviewer = factories.user(Role.INTERVIEWER)
    value = factories.core_value()
    job = factories.job()
    mine = factories.application(job, stage=Stage.INTERVIEWING)
    other = factories.application(job, stage=Stage.INTERVIEWING)
    my_assignment = factories.assignment(mine, users["interviewer"], InterviewKind.VALUES)
    other_assignment = factories.assignment(other, other_interviewer, InterviewKind.VALUES)
    db.session.add(Scorecard(assignment=other_assignment, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                             recommendation=Recommendation.YES,
                             ratings=[Rating(core_value_id=value.id, score=4, evidence="e")]))
    task = ProgrammeTask(week=1, title="Values day", owner=TaskOwner.NEW_HIRE)
    db.session.add(task)
    db.session.flush()
    start = date.today() - timedelta(days=40)
    hire = factories.hire(start=start, user_id=users["new_hire"].id, mentor_id=users["interviewer"].id)
    other_new_hire = factories.user(Role.NEW_HIRE)
    other_hire = factories.hire(start=start, user_id=other_new_hire.id, mentor_id=other_interviewer.id)
    enrollment, other_enrollment = enrol(db.session, hire, start), enrol(db.session, other_hire, start)
    ended = dict(end_date=date.today() - timedelta(days=5), end_reason=EndReason.RESIGNED)
    left = factories.hire(start=start, mentor_id=users["interviewer"].id, **ended)
    other_left = factories.hire(start=start, mentor_id=other_interviewer.id, **ended)
    offers = [QuitOffer(hire=h, amount_minor=400_000, currency="USD", offered_at=utcnow(),
                        deadline=utcnow() + timedelta(days=7)) for h in (hire, other_hire)]
    db.session.add_all(offers)
    db.session.commit()
    report_job = background.record("retention", {}, users["hr"].id)  # written down, never run
    cv = files_service.add_file(db.session, mine.candidate_id, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                filename="cv.pdf", kind=FileKind.CV, actor_id=users["recruiter"].id)
    db.session.commit()
    ids = {"value": value.id, "job": job.id, "candidate": mine.candidate_id, "mine": mine.id, "other": other.id,
           "my_assignment": my_assignment.id, "other_assignment": other_assignment.id, "task": task.id,
           "enrollment": enrollment.id, "other_enrollment": other_enrollment.id, "offer": offers[0].id,
           "other_offer": offers[1].id, "report_job": report_job, "cv": cv.id,
           "other_candidate": other.candidate_id, "hire": hire.id, "left": left.id, "other_left": other_left.id}
    yield {role: u.email for role, u in users.items()}, ids


def test_every_page_answers_every_role_as_the_table_says(client, auth, world):
    emails, ids = world
    wrong = []
    for role in ROLES:
        auth.logout()
        if role != "anonymous":
            assert auth.login(emails[role]).status_code == 302
        for url, codes in MATRIX:
            response = client.get(url.format(**ids))
            status, expected = response.status_code, codes[role]
            location = response.headers.get("Location", "")
            got = ("login" if status == 302 and "/login" in location else
                   "home" if status == 302 else status)
            if got != expected:
                wrong.append(f"{role:12} {url:55} expected {expected}, got {got}")
            response.close()
    assert not wrong, "\n".join(wrong)


def test_every_get_endpoint_is_in_the_table(app):
    covered = set()
    adapter = app.url_map.bind("localhost")
    for url, _codes in MATRIX:
        path = url.split("?")[0]
        for name in ("report_job", "other_candidate", "cv", "other_enrollment", "other_assignment", "my_assignment",
                     "other_offer", "enrollment", "candidate", "value", "offer", "other", "mine", "task", "job",
                     "other_left", "left", "hire"):
            path = path.replace("{" + name + "}", "1")
        covered.add(adapter.match(path, method="GET")[0])
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    missing = endpoints - covered - PUBLIC_OR_TOKEN
    assert not missing, f"add these endpoints to the authorization table: {sorted(missing)}"
