"""Bulk reject from the candidate list in Chromium (issue 22, item 2): a recruiter on a phone ticks two candidates,
is told beside the field that a rejection needs its reason (the boxes stay ticked), rejects them with one, and sees
the flash and both rows rejected; the list fits the screen and axe finds nothing, on a phone and on a laptop."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Job, JobStatus
from hiring.pipeline.service import add_candidate
from tests.browser.navigate import go_to
from tests.browser.test_layout import LAPTOP, PHONE, _axe_violations
from tests.browser.test_login import sign_in

NAMES = ("Bea Bulkreject", "Bob Bulkreject")


def _two_new_applicants(app) -> None:
    """Two applicants of the test's own, so that no other test's demo candidate is rejected."""
    with app.app_context():
        job_id = db.session.scalar(sa.select(Job.id).where(Job.status == JobStatus.OPEN).order_by(Job.id).limit(1))
        for name in NAMES:
            add_candidate(db.session, name=name, email=f"{name.split()[0].lower()}.bulkreject@example.org", phone=None,
                          source=None, job_id=job_id, actor_id=None, reason="Browser test")
        db.session.commit()
        db.session.remove()


def _fits_and_passes_axe(page, width: str) -> None:
    page.wait_for_load_state("load")  # measured with the stylesheet applied, never before it has loaded
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"wider than {width} px"
    assert not _axe_violations(page), f"{width} px: {_axe_violations(page)}"


def test_a_recruiter_rejects_two_candidates_at_once(page, live_app):
    _two_new_applicants(live_app[0])
    page.set_viewport_size(PHONE)
    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    go_to(page, "Candidates")
    page.get_by_label("Name or e-mail").fill("Bulkreject")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    _fits_and_passes_axe(page, "375")

    for name in NAMES:
        page.get_by_label(f"Select {name}").check()
    # The small script ticks "Select all on this page" once every row is ticked.
    expect(page.get_by_label("Select all on this page")).to_be_checked()
    rejecting = page.get_by_role("group", name="Reject the ticked applications")
    rejecting.get_by_label("Note (optional)").fill("Closed the May round")
    rejecting.get_by_role("button", name="Reject").click()
    expect(page.locator("#rejection_reason_id-error")).to_have_text(
        re.compile("Choose the reason for the rejection from the list."))
    for name in NAMES:
        expect(page.get_by_label(f"Select {name}")).to_be_checked()
    expect(rejecting.get_by_label("Note (optional)")).to_have_value("Closed the May round")
    _fits_and_passes_axe(page, "375")

    rejecting = page.get_by_role("group", name="Reject the ticked applications")
    reason = rejecting.get_by_label("Rejected because")
    reason.select_option(index=1)
    label = reason.locator("option:checked").inner_text().strip()
    rejecting.get_by_role("button", name="Reject").click()
    expect(page.get_by_text(f"Rejected 2 applications ({label}).")).to_be_visible()
    expect(rows).to_have_count(2)  # back on the same list: the search is kept
    for i in range(2):
        expect(rows.nth(i).locator("td[data-label='Stage']")).to_have_text("Rejected")
    _fits_and_passes_axe(page, "375")
    page.set_viewport_size(LAPTOP)
    _fits_and_passes_axe(page, "1280")
