"""A job's board in Chromium (issue 22, item 2): a recruiter reaches it from the job, moves one card to the next
column by its button (by keyboard) and another by dragging it there; both land in the next column, and the
server's rules are the same either way."""
from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, Job, JobStatus
from hiring.pipeline.service import add_candidate
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in

NAMES = ("Ada Boardbutton", "Abe Boarddrag")


def _two_new_applicants(app) -> tuple[str, list[int]]:
    """Two applicants of the test's own in the first open job, so that no other test's demo rows move."""
    with app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.status == JobStatus.OPEN).order_by(Job.id).limit(1))
        ids = [add_candidate(db.session, name=name, email=f"{name.split()[1].lower()}.{name.split()[0].lower()}"
                             "@example.org", phone=None, source=None, job_id=job.id, actor_id=None,
                             reason="Browser test").id for name in NAMES]
        db.session.commit()
        title = job.title
        db.session.remove()
    return title, ids


def _column(page, stage: str):
    return page.locator(f'.board-column[data-stage="{stage}"]')


def test_a_card_moves_by_its_button_and_by_dragging(page, live_app):
    title, (by_button, by_drag) = _two_new_applicants(live_app[0])
    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    go_to(page, "Jobs")
    page.get_by_role("link", name=title, exact=True).first.click()
    page.get_by_role("link", name="Board", exact=True).click()
    applied, screening = _column(page, "applied"), _column(page, "screening")
    expect(applied.locator(f"#card-{by_button}")).to_be_visible()

    # By its button, from the keyboard.
    applied.locator(f"#card-{by_button}").get_by_role("button", name="Move to Screening").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(screening.locator(f"#card-{by_button}")).to_be_visible()
    expect(applied.locator(f"#card-{by_button}")).to_have_count(0)

    # By dragging it to the next column (static/board.js sends the card's own form).
    with page.expect_navigation():
        applied.locator(f"#card-{by_drag}").drag_to(screening)
    expect(screening.locator(f"#card-{by_drag}")).to_be_visible()

    with live_app[0].app_context():
        stages = {a.id: a.stage.value for a in db.session.scalars(
            sa.select(Application).where(Application.id.in_([by_button, by_drag])))}
        db.session.remove()
    assert stages == {by_button: "screening", by_drag: "screening"}
