"""The recruiter's day in Chromium: a job, a candidate by form and by CSV, two interviewers, the stages,
and a refused move explained."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in

JOB = "Chat support specialist"


def move(section, stage: str, reason: str) -> None:
    group = section.get_by_role("group", name="Move this application")
    group.get_by_label("Move to").select_option(label=stage)
    group.get_by_label("Reason").fill(reason)
    group.get_by_role("button", name="Move").click()


def add_job(page, audit) -> None:
    """A job with two requirements; a threshold typed wrong first, explained and kept."""
    go_to(page, "Jobs")
    audit("jobs")
    page.get_by_role("link", name="Create a job").click()
    audit("job-form")
    page.get_by_label("Title").fill(JOB)
    page.get_by_label("Requirements threshold (0-100)").fill("65")
    page.get_by_label("Values threshold (0-100)").fill("170")
    first = page.get_by_role("group", name="Requirement 1")
    first.get_by_label("Name").fill("Written communication")
    first.get_by_label("Weight").fill("3")
    first.get_by_label("Must have").check()
    page.get_by_role("button", name="Add a requirement").click()
    second = page.get_by_role("group", name="Requirement 2")
    second.get_by_label("Name").fill("Typing speed")
    page.get_by_role("button", name="Save the job").click()
    expect(page.locator("#values_threshold-error")).to_have_text(re.compile("between 0 and 100"))
    expect(page.get_by_role("group", name="Requirement 2").get_by_label("Name")).to_have_value("Typing speed")
    audit("job-form-error")
    page.get_by_label("Values threshold (0-100)").fill("70")
    page.get_by_role("button", name="Save the job").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(JOB)
    expect(page.locator("main table").first).to_contain_text("Written communication")
    audit("job")


def test_recruiters_day(page, audit):
    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    add_job(page, audit)

    # Add a candidate by form; a mistake first, kept and explained next to the field.
    go_to(page, "Candidates")
    page.get_by_role("link", name="Add a candidate").click()
    page.get_by_label("Name").fill("Rosa Recruitday")
    page.get_by_label("E-mail").fill("rosa.recruitday@")
    page.get_by_label("Job").select_option(label=JOB)
    page.get_by_role("button", name="Add the candidate").click()
    expect(page.locator("#email-error")).to_have_text(re.compile("not an e-mail address"))
    audit("candidate-form-error")
    expect(page.get_by_label("Name")).to_have_value("Rosa Recruitday")
    page.get_by_label("E-mail").fill("rosa.recruitday@example.org")
    page.get_by_role("button", name="Add the candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Recruitday")
    candidate_url = page.url
    audit("candidate")

    # Import a small CSV file.
    go_to(page, "Candidates")
    page.get_by_role("link", name="Import a CSV file").click()
    csv = (f"name,email,phone,source,job\nTim Import,tim.import@example.org,,Job fair,{JOB}\n"
           f"Uma Import,uma.import@example.org,,Referral,{JOB}\n").encode()
    page.get_by_label("CSV file").set_input_files({"name": "small.csv", "mimeType": "text/csv", "buffer": csv})
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("Imported 2 applications: 2 new candidates, 0 already known.")).to_be_visible()
    audit("candidates")
    page.get_by_label("Name or e-mail").fill("import@example")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    audit("search")

    # Assign two interviewers.
    page.goto(candidate_url)
    section = page.locator("section[id^=application-]").first
    assign = section.get_by_role("group", name="Assign an interviewer")
    for interviewer, kind in (("Iris Kramer", "Values"), ("Sam Okafor", "Skills")):
        assign.get_by_label("Interviewer").select_option(label=f"{interviewer} (Interviewer)")
        assign.get_by_label("Kind of interview").select_option(label=kind)
        assign.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"{interviewer} will do the interview.")).to_be_visible()
        section = page.locator("section[id^=application-]").first
        assign = section.get_by_role("group", name="Assign an interviewer")
    expect(section.locator("table tbody tr")).to_have_count(2)

    # Move through the stages; a withdrawal without a reason is refused and explained (the usual forward move
    # needs none, but may carry a note).
    move(section, "Withdrawn", "")
    expect(page.get_by_text("Give a reason for moving the application to Withdrawn.")).to_be_visible()
    audit("move-error")
    section = page.locator("section[id^=application-]").first
    move(section, "Screening", "Good CV, friendly phone screen")
    expect(page.get_by_text("The application moved to Screening.")).to_be_visible()

    # A second tab, opened before the next move, is told what happened instead of moving it twice.
    other = page.context.new_page()
    other.goto(candidate_url)
    section = page.locator("section[id^=application-]").first
    move(section, "Interviewing", "Interviews planned")
    expect(page.get_by_text("The application moved to Interviewing.")).to_be_visible()
    stale = other.locator("section[id^=application-]").first
    move(stale, "Rejected", "Changed my mind")
    expect(other.get_by_text(re.compile("was moved to Interviewing by someone else"))).to_be_visible()
    other.close()

    section = page.locator("section[id^=application-]").first
    move(section, "Decision", "All interviews done")
    # Hiring before any scorecard is in is not offered: no concessions, both axes must pass (and the page says
    # why before anyone tries; a crafted POST is refused: tests/test_recruiter_way.py).
    section = page.locator("section[id^=application-]").first
    group = section.get_by_role("group", name="Move this application")
    expect(group.get_by_label("Move to").locator("option", has_text="Hired")).to_have_count(0)
    expect(group.get_by_label("Move to").locator("option", has_text="Rejected")).to_have_count(1)
    expect(group).to_contain_text("Hired is not offered: the gate has not passed")
    timeline = page.locator("ol.timeline")
    for stage in ("Screening", "Interviewing", "Decision"):
        expect(timeline).to_contain_text(f"moved to {stage}")
    expect(timeline).not_to_contain_text("moved to Hired")
    expect(timeline).to_contain_text("Good CV, friendly phone screen")
    audit("refused-hire")
