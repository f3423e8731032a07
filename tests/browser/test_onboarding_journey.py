"""A new hire's first week in Chromium: HR hires, the new hire sets a password from the one-time link, ticks
week 1 tasks, waits for a sign-off, the mentor signs it off, and the new hire sees it done."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, GateResult, Stage
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in

NEW_PASSWORD = "my first week at the company"


def _passing_decision(app) -> tuple[int, str]:
    """A candidate waiting for a decision whose application passed the gate."""
    with app.app_context():
        application = db.session.scalar(sa.select(Application).where(
            Application.stage == Stage.DECISION, Application.gate_result == GateResult.PASSES).limit(1))
        result = application.candidate_id, application.candidate.name
        db.session.remove()
        return result


def test_new_hire_first_week(page, live_app, audit):
    # HR hires a candidate who passed the gate, with the demo interviewer as mentor.
    candidate_id, name = _passing_decision(live_app[0])
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    page.goto(f"/pipeline/candidates/{candidate_id}")
    section = page.locator("section[id^=application-]", has=page.get_by_role("group", name="Move this application")).first
    group = section.get_by_role("group", name="Move this application")
    group.get_by_label("Move to").select_option(label="Hired")
    group.get_by_label("Reason").fill("Passed on requirements and values")
    group.get_by_label("Start date (when hiring)").fill(date.today().isoformat())
    group.get_by_label("Mentor (when hiring)").select_option(label="Iris Kramer (Interviewer)")
    group.get_by_role("button", name="Move").click()
    expect(page.get_by_text("is hired. What happens next")).to_be_visible()
    audit("hired")
    link = page.get_by_label("Set-password link").input_value()
    page.get_by_role("button", name="Sign out").click()

    # The new hire chooses a password through the link; a mismatch is explained first.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    hired_email = re.search(r"sign in with as (\S+@\S+)\.", page.locator("main").inner_text()).group(1)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password, again").fill("something else entirely")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("#confirm-error")).to_have_text(re.compile("not the same"))
    audit("set-password-error")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password, again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    sign_in(page, hired_email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My onboarding")
    expect(page.get_by_text("You are in week 1 of 5.")).to_be_visible()
    audit("my-onboarding")

    # Week 1: tick two of their own tasks; the reflection waits for the mentor.
    page.get_by_role("button", name="Mark “The story of the company” done").click()
    expect(page.get_by_text("Done: The story of the company.")).to_be_visible()
    reflection = page.locator("li.task", has_text="Write your values reflection")
    reflection.get_by_label("Note (optional)").fill("Humility, because of my grandmother.")
    reflection.get_by_role("button", name="Mark “Write your values reflection” done").click()
    reflection = page.locator("li.task", has_text="Write your values reflection")
    expect(reflection.locator(".state")).to_have_text("Waiting for sign-off by the mentor")
    audit("waiting")
    page.get_by_role("button", name="Sign out").click()

    # The mentor signs it off from the onboarding list.
    sign_in(page, "interviewer@demo.example", DEMO_PASSWORD)
    go_to(page, "Onboarding")
    audit("mentor-list")
    page.get_by_role("link", name=name).click()
    audit("mentor-checklist")
    page.get_by_role("button", name="Sign off “Write your values reflection”").click()
    expect(page.get_by_text("Signed off: Write your values reflection.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The new hire sees it done.
    sign_in(page, hired_email, NEW_PASSWORD)
    reflection = page.locator("li.task", has_text="Write your values reflection")
    expect(reflection.locator(".state")).to_have_text("Done")

