"""Scheduling in Chromium: a recruiter assigns an interviewer and schedules the interview (a plain http video
link refused first, beside its field, with what was typed kept); the interviewer sees it in "My interviews"
and makes their calendar address, which serves the interview without the candidate's name."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.clock import company_today
from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, Candidate, InterviewAssignment, Job, User, utcnow
from hiring.pipeline.stages import OPEN_STAGES
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in

INTERVIEWER = "interviewer@demo.example"


def _open_application_without(app, email: str) -> tuple[int, int, str, str]:
    """(candidate id, application id, candidate name, job title) of an open application the interviewer is not
    assigned to."""
    with app.app_context():
        interviewer_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        assigned = sa.select(InterviewAssignment.application_id).where(
            InterviewAssignment.interviewer_id == interviewer_id)
        row = db.session.execute(
            sa.select(Application.candidate_id, Application.id, Candidate.name, Job.title)
            .join(Candidate, Application.candidate_id == Candidate.id).join(Job, Application.job_id == Job.id)
            .where(Application.stage.in_(OPEN_STAGES), Application.id.not_in(assigned),
                   Candidate.anonymised_at.is_(None))
            .order_by(Application.id)).first()
        db.session.remove()
        return tuple(row)


def test_a_recruiter_schedules_an_interview_and_the_interviewer_sees_it_in_their_agenda(page, audit, live_app):
    app, base = live_app
    candidate_id, application_id, candidate_name, job_title = _open_application_without(app, INTERVIEWER)
    day = company_today(utcnow(), app.config["COMPANY_TIMEZONE"]) + timedelta(days=3)

    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    page.goto(f"/pipeline/candidates/{candidate_id}")
    section = page.locator(f"#application-{application_id}")
    group = section.get_by_role("group", name="Assign an interviewer")
    group.get_by_label("Interviewer").select_option(label="Iris Kramer (Interviewer)")
    group.get_by_label("Kind of interview").select_option(label="Skills")
    group.get_by_role("button", name="Assign").click()
    section = page.locator(f"#application-{application_id}")
    section.get_by_role("row", name=re.compile("Iris Kramer")).get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schedule the interview")
    audit("schedule-form")

    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time", exact=True).fill("10:30")
    page.get_by_label("Duration (minutes)").fill("45")
    expect(page.get_by_label("Time zone")).to_have_value(app.config["COMPANY_TIMEZONE"])
    page.get_by_label("Place", exact=True).fill("Room Amstel")
    page.get_by_label("Video link").fill("http://meet.example.com/iris")
    expect(page.get_by_label(re.compile("^Send invitations"))).to_be_checked()
    page.get_by_role("button", name="Save the time and place").click()
    expect(page.locator("#video_link-error")).to_contain_text("https://")
    expect(page.get_by_label("Place", exact=True)).to_have_value("Room Amstel")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("10:30")
    audit("schedule-error")
    page.get_by_label("Video link").fill("https://meet.example.com/iris")
    page.get_by_role("button", name="Save the time and place").click()
    expect(page.get_by_text("The interview is scheduled")).to_be_visible()
    expect(page.locator(f"#application-{application_id}").get_by_role("row", name=re.compile("Iris Kramer"))
           ).to_contain_text("Change")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, INTERVIEWER, DEMO_PASSWORD)
    go_to(page, "My interviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("My interviews")
    row = page.locator("#upcoming-title ~ div table tbody tr", has_text=job_title).filter(has_text=candidate_name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("10:30")
    expect(row).to_contain_text("Room Amstel")
    expect(row.get_by_role("link", name="Video call")).to_have_attribute("href", "https://meet.example.com/iris")
    audit("agenda")
    row.get_by_role("link", name="Fill in your scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(candidate_name)

    # The private calendar address: made, then read by a calendar program (no session).
    go_to(page, "My interviews")
    page.get_by_role("button", name="Make the link").click()
    address = page.get_by_label("Calendar address").input_value()
    assert address.startswith(base) and address.endswith(".ics")
    response = page.context.request.get(address.replace(base, ""), headers={"Cookie": ""})
    body = response.text().replace("\r\n ", "")
    assert response.status == 200 and "BEGIN:VEVENT" in body and job_title in body and candidate_name not in body
    audit("agenda-with-feed")
