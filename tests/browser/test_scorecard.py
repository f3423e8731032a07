"""An interviewer fills in a values scorecard with the keyboard only; a second interviewer sees it only after
submitting their own."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import InterviewAssignment, InterviewKind, Scorecard, User
from tests.browser.test_login import sign_in


def _pick(app):
    """An application where the demo interviewer has a values interview not started, and another interviewer
    their only interview of it, not started either (so that submitting it is all they have to do)."""
    with app.app_context():
        iris = db.session.scalar(sa.select(User).where(User.email == "interviewer@demo.example"))
        pending = sa.select(InterviewAssignment).outerjoin(Scorecard).where(Scorecard.id.is_(None))
        for mine in db.session.scalars(pending.where(InterviewAssignment.interviewer_id == iris.id,
                                                     InterviewAssignment.kind == InterviewKind.VALUES)):
            for other in db.session.scalars(pending.where(InterviewAssignment.application_id == mine.application_id,
                                                          InterviewAssignment.interviewer_id != iris.id)):
                theirs = db.session.scalar(sa.select(sa.func.count()).select_from(InterviewAssignment).where(
                    InterviewAssignment.application_id == mine.application_id,
                    InterviewAssignment.interviewer_id == other.interviewer_id))
                if theirs == 1:
                    result = (mine.id, other.id, other.interviewer.email, mine.application_id)
                    db.session.remove()
                    return result
        db.session.remove()
    raise AssertionError("the demo has no application with two pending interviews")


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching the selector has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def rate_with_keyboard(page, skip_evidence_of_last: bool = False) -> list[str]:
    """Rate every item 4 with arrow keys and type the evidence; returns the item keys."""
    keys = page.locator("input[type=radio][name^=rating_]").evaluate_all(
        "els => [...new Set(els.map(e => e.name.slice(7)))]")
    for i, key in enumerate(keys):
        tab_to(page, f"input[name=rating_{key}]")
        page.keyboard.press("ArrowDown")   # 1 -> 2, and so on: arrows move and choose within the group
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        if skip_evidence_of_last and i == len(keys) - 1:
            continue
        tab_to(page, f"#evidence_{key}")
        page.keyboard.type(f"Gave a concrete example ({i + 1}).")
    return keys


def test_values_scorecard_by_keyboard_then_independence(page, live_app, audit):
    app, _url = live_app
    mine, theirs, their_email, application_id = _pick(app)
    sign_in(page, "interviewer@demo.example", DEMO_PASSWORD)
    page.goto(f"/interviews/{mine}/scorecard")
    audit("scorecard")
    page.locator("body").focus()
    keys = rate_with_keyboard(page, skip_evidence_of_last=True)
    tab_to(page, "input[name=recommendation][value=strong_no]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")       # "Yes"
    tab_to(page, "#submit")
    page.keyboard.press("Enter")

    # The missing evidence is explained next to its field; everything else is kept.
    last = keys[-1]
    expect(page.locator(f"#evidence_{last}-error")).to_contain_text("Write the evidence")
    expect(page.locator(f"#evidence_{keys[0]}")).to_have_value("Gave a concrete example (1).")
    expect(page.locator("input[name=recommendation][value=yes]")).to_be_checked()
    audit("scorecard-error")
    tab_to(page, f"#evidence_{last}")
    page.keyboard.type("Talked about a mistake and what changed after.")
    tab_to(page, "#save_draft")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    # Coming back from the home page, still by keyboard: the draft is as it was left; then submit.
    page.goto("/")
    expect(page.locator(f'main a[href="/interviews/{mine}/scorecard"]')).to_have_text("Continue your draft")
    tab_to(page, f'main a[href="/interviews/{mine}/scorecard"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/interviews/{mine}/scorecard$"))
    expect(page.locator(f"#evidence_{last}")).to_have_value("Talked about a mistake and what changed after.")
    expect(page.locator(f"input[name=rating_{keys[0]}][value='4']")).to_be_checked()
    tab_to(page, "#submit")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your scorecard is submitted.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The second interviewer cannot see it before submitting their own.
    sign_in(page, their_email, DEMO_PASSWORD)
    assert page.goto(f"/interviews/{mine}/scorecard/view").status == 403
    assert page.goto(f"/interviews/applications/{application_id}/compare").status == 403
    page.goto(f"/interviews/{theirs}/scorecard")
    expect(page.get_by_text("Talked about a mistake")).to_have_count(0)
    page.locator("body").focus()
    for key in rate_with_keyboard(page):
        pass
    page.locator("input[name=recommendation][value=no]").check()
    if page.locator("#culture_veto").count():
        expect(page.locator("#culture_veto")).not_to_be_checked()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Your scorecard is submitted.")).to_be_visible()
    response = page.goto(f"/interviews/{mine}/scorecard/view")
    assert response.status == 200
    expect(page.get_by_text("Talked about a mistake and what changed after.")).to_be_visible()
    page.get_by_role("link", name="All scorecards side by side").click()
    expect(page.locator("table.compare thead")).to_contain_text("Iris Kramer")
    audit("compare")
    expect(page).to_have_url(re.compile(r"/compare$"))
