"""The three journeys end to end, each page audited for accessibility and kept as a screenshot."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, Candidate, GateResult, Stage, User
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in
from tests.browser.conftest import PDF_TIMEOUT_MS

JOB = "Customer Loyalty Team member"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def fill_scorecard(page, score: str = "5") -> None:
    """Every item rated, with evidence, and a strong yes."""
    for key in page.locator("input[type=radio][name^=rating_]").evaluate_all(
            "els => [...new Set(els.map(e => e.name.slice(7)))]"):
        page.locator(f"input[name=rating_{key}][value='{score}']").check()
        page.locator(f"#evidence_{key}").fill("A specific, recent example, told with care.")
    page.locator("input[name=recommendation][value=strong_yes]").check()


def test_candidate_from_application_to_hire(page, audit):
    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    audit("recruiter-home")
    go_to(page, "Candidates")
    page.get_by_role("link", name="Add a candidate").click()
    page.get_by_label("Name").fill("Jo Journey")
    page.get_by_label("E-mail").fill("jo.journey@example.org")
    page.get_by_label("Job").select_option(label=JOB)
    page.get_by_role("button", name="Add the candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jo Journey")
    candidate_url = page.url

    def section():
        return page.locator("section[id^=application-]").first

    def move(stage: str, **extra) -> None:
        group = section().get_by_role("group", name="Move this application")
        group.get_by_label("Move to").select_option(label=stage)
        group.get_by_label("Reason").fill(f"Ready for {stage.lower()}")
        for label, value in extra.items():
            group.get_by_label(label).fill(value)
        group.get_by_role("button", name="Move").click()

    move("Screening")
    move("Interviewing")
    for person, kind in (("Sam Okafor", "Values"), ("Mehmet Aydin", "Hiring manager")):
        group = section().get_by_role("group", name="Assign an interviewer")
        group.get_by_label("Interviewer").select_option(label=f"{person} (Interviewer)")
        group.get_by_label("Kind of interview").select_option(label=kind)
        group.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"{person} will do the interview.")).to_be_visible()
    audit("candidate-assigned")
    sign_out(page)

    for email in ("sam.okafor@demo.example", "mehmet.aydin@demo.example"):
        sign_in(page, email, DEMO_PASSWORD)
        audit("interviewer-home")
        page.locator("main tr", has_text="Jo Journey").get_by_role("link", name="Fill in your scorecard").click()
        audit("scorecard")
        fill_scorecard(page)
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_text("Your scorecard is submitted.")).to_be_visible()
        audit("submitted")
        sign_out(page)

    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    page.goto(candidate_url)
    expect(section()).to_contain_text("Passes")
    page.get_by_role("link", name="All scorecards side by side").click()
    expect(page.locator("table.compare thead")).to_contain_text("Sam Okafor")
    audit("compare")
    page.goto(candidate_url)
    move("Decision")
    move("Hired", **{"Start date (when hiring)": (date.today() + timedelta(days=14)).isoformat()})
    expect(page.get_by_text("is hired. What happens next")).to_be_visible()
    audit("hired")


def test_hr_from_the_dashboard_to_each_pdf(page, audit, live_app):
    with live_app[0].app_context():
        candidate_id = db.session.scalar(sa.select(Application.candidate_id).where(
            Application.stage == Stage.HIRED, Application.gate_result == GateResult.PASSES).limit(1))
        db.session.remove()
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    audit("hr-home")

    def download(link_name: str, filename: str, kind: bytes) -> None:
        with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
            page.get_by_role("link", name=link_name, exact=True).click()
        assert info.value.suggested_filename == filename or re.fullmatch(filename, info.value.suggested_filename)
        assert Path(info.value.path()).read_bytes().lstrip(b"\xef\xbb\xbf")[:len(kind)] == kind

    def prepared(filename: str) -> None:
        """A big report's PDF: prepared in the background, downloaded from its page, then back to the report."""
        page.get_by_role("button", name="Prepare the PDF").click()
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=PDF_TIMEOUT_MS)
        audit("report-job")
        download("Download the PDF", filename, b"%PDF-")
        page.get_by_role("link", name="Back to the report").click()

    go_to(page, "Retention")
    audit("retention")
    prepared("offer-and-retention.pdf")
    download("Download CSV", "offer-by-cohort.csv", b"grouping")
    go_to(page, "Fairness")
    audit("fairness")
    prepared("funnel-and-fairness.pdf")
    download("Download CSV", "funnel-and-fairness.csv", b"step")
    go_to(page, "Onboarding")
    audit("onboarding")
    page.get_by_role("link", name="Onboarding report").click()
    audit("onboarding-report")
    prepared("onboarding.pdf")
    download("Download CSV", "onboarding.csv", b"cohort")
    page.goto(f"/pipeline/candidates/{candidate_id}")
    audit("candidate")
    page.get_by_role("link", name="Decision dossier").first.click()
    audit("dossier")
    download("Download PDF", r"dossier-application-\d+\.pdf", b"%PDF-")


def _tick_everything(page, button_prefix: str, limit: int = 40) -> int:
    """Click every button whose name starts with the prefix, one at a time (each reloads the page)."""
    clicked = 0
    for _ in range(limit):
        buttons = page.get_by_role("button", name=re.compile("^" + re.escape(button_prefix)))
        if buttons.count() == 0:
            return clicked
        # Wait for the reload: counting again on the page being left (or on the blank page between) would
        # see buttons that are already gone, or none at all, and end the loop early.
        with page.expect_navigation(wait_until="load"):
            buttons.first.click()
        clicked += 1
    raise AssertionError(f"still buttons named {button_prefix!r} after {limit} clicks")


def test_new_hire_from_first_sign_in_through_five_weeks_to_the_offer(page, audit, live_app):
    with live_app[0].app_context():
        # One whose name no one else in the demo has: the pages below find them by name, as a person would.
        taken = set(db.session.scalars(sa.select(User.name)))
        names = [n for n in db.session.scalars(sa.select(Candidate.name))]
        application = next(a for a in db.session.scalars(sa.select(Application).where(
            Application.stage == Stage.DECISION, Application.gate_result == GateResult.PASSES)
            .order_by(Application.id.desc())) if a.candidate.name not in taken and names.count(a.candidate.name) == 1)
        candidate_id, name = application.candidate_id, application.candidate.name
        db.session.remove()
    # HR hires them with a start five weeks ago (the programme's calendar follows the start date).
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    page.goto(f"/pipeline/candidates/{candidate_id}")
    group = page.locator("section[id^=application-]", has=page.get_by_role(
        "group", name="Move this application")).first.get_by_role("group", name="Move this application")
    group.get_by_label("Move to").select_option(label="Hired")
    group.get_by_label("Reason").fill("Passed on both axes")
    group.get_by_label("Start date (when hiring)").fill((date.today() - timedelta(days=36)).isoformat())
    group.get_by_label("Mentor (when hiring)").select_option(label="Lisa de Wit (Interviewer)")
    group.get_by_role("button", name="Move").click()
    link = page.get_by_label("Set-password link").input_value()
    sign_out(page)

    page.goto(link)
    email = re.search(r"sign in with as (\S+@\S+)\.", page.locator("main").inner_text()).group(1)
    audit("set-password")
    for label in ("New password", "New password, again"):
        page.get_by_label(label, exact=True).fill("five weeks and then some")
    page.get_by_role("button", name="Set my password").click()
    sign_in(page, email, "five weeks and then some")
    audit("first-sign-in")
    assert _tick_everything(page, "Mark “") >= 8
    expect(page.get_by_text(re.compile(r"tasks? (is|are) waiting for a sign-off"))).to_be_visible()
    audit("all-ticked")
    sign_out(page)

    # The mentor does the mentor's tasks and signs off; HR does HR's and signs off the rest.
    for staff in ("lisa.dewit@demo.example", "hr@demo.example"):
        sign_in(page, staff, DEMO_PASSWORD)
        go_to(page, "Onboarding")
        page.get_by_role("link", name=name).click()
        audit("checklist-" + staff.split("@")[0])
        _tick_everything(page, "Mark “")
        _tick_everything(page, "Sign off “")
        if staff != "hr@demo.example":
            sign_out(page)
    expect(page.get_by_text("Graduated on")).to_be_visible()

    # Graduated: HR makes The Offer, the new hire sees it and stays.
    go_to(page, "The Offer")
    audit("offer-list")
    page.get_by_role("button", name=f"Make The Offer to {name}").click()
    expect(page.get_by_text(f"The Offer was made to {name}.")).to_be_visible()
    sign_out(page)
    sign_in(page, email, "five weeks and then some")
    expect(page.get_by_role("heading", name="The Offer")).to_be_visible()
    audit("offer")
    page.get_by_role("link", name="Stay").click()
    page.get_by_role("button", name="Yes, stay").click()
    expect(page.get_by_text("You chose to stay. Welcome to the team.")).to_be_visible()
    audit("stayed")
