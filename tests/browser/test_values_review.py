"""The week-5 values review in Chromium (issue 23, item 1): a demo mentor opens a new hire who has reached week 5
(or graduated), is told beside the value that a rating needs its evidence, picks a level with the anchor beside
it for each core value, submits, and sees the review on the new hire's page; axe finds nothing on the way."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.demo.seed import STAFF
from hiring.extensions import db
from hiring.models import CoreValue, Enrollment, Hire, ReviewKind, User, ValuesReview
from tests.browser.test_layout import _axe_violations
from tests.browser.test_login import sign_in


def _due_enrolment_of_a_demo_mentor(app) -> tuple[int, str, str, list[int]]:
    """An enrolment in week 5 or graduated, whose mentor is a demo login and has no week-5 review yet: (its id,
    the mentor's e-mail, the new hire's name, the active core values' ids)."""
    with app.app_context():
        emails = [email for _role, email, _name, _leniency in STAFF]  # every one signs in with DEMO_PASSWORD
        reviewed = sa.select(ValuesReview.enrollment_id).where(ValuesReview.kind == ReviewKind.MENTOR)
        mentor, new_hire = sa.orm.aliased(User), sa.orm.aliased(User)
        row = db.session.execute(
            sa.select(Enrollment.id, mentor.email, new_hire.name)
            .join(Hire, Enrollment.hire_id == Hire.id)
            .join(mentor, Hire.mentor_id == mentor.id).join(new_hire, Hire.user_id == new_hire.id)
            .where(mentor.email.in_(emails), Enrollment.id.not_in(reviewed), Hire.end_date.is_(None),
                   sa.or_(Enrollment.completed_on.is_not(None),
                          Enrollment.started_on <= date.today() - timedelta(days=29)))
            .order_by((mentor.email == "lisa.dewit@demo.example").desc(), Enrollment.completed_on.desc().nulls_last(),
                      Enrollment.id.desc()).limit(1)).one()
        values = db.session.scalars(sa.select(CoreValue.id).where(CoreValue.retired_at.is_(None))
                                    .order_by(CoreValue.position, CoreValue.id)).all()
        db.session.remove()
        return row[0], row[1], row[2], list(values)


def test_a_mentor_completes_the_week_five_values_review(page, live_app):
    enrollment_id, mentor_email, name, value_ids = _due_enrolment_of_a_demo_mentor(live_app[0])
    sign_in(page, mentor_email, DEMO_PASSWORD)
    page.goto(f"/onboarding/enrolments/{enrollment_id}")
    section = page.locator("#values-review")
    expect(section.get_by_role("heading", name="Week-5 values review")).to_be_visible()
    section.get_by_role("link", name="Write the week-5 values review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Week-5 values review"))
    assert not _axe_violations(page), _axe_violations(page)

    # A level without its evidence is refused beside the value, and the level stays chosen.
    first = page.locator(f"#item-v{value_ids[0]}")
    first.locator("input[type=radio][value='4']").check()
    for value_id in value_ids[1:]:
        page.locator(f"#item-v{value_id} input[type=radio][value='none']").check()
    page.get_by_role("button", name="Submit the review").click()
    expect(page.locator(f"#evidence_v{value_ids[0]}-error")).to_contain_text("Write the evidence for this rating")
    expect(page.locator(f"#item-v{value_ids[0]} input[type=radio][value='4']")).to_be_checked()
    assert not _axe_violations(page), _axe_violations(page)

    page.locator(f"#item-v{value_ids[0]}").get_by_role("textbox", name="Evidence").fill("Stayed late to help a colleague finish.")
    for value_id in value_ids[1:]:
        item = page.locator(f"#item-v{value_id}")
        item.locator("input[type=radio][value='3']").check()
        item.get_by_role("textbox", name="Evidence").fill("Spoke up in the team meeting in week 3.")
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("The week-5 values review is submitted.")).to_be_visible()
    section = page.locator("#values-review")
    expect(section.get_by_role("heading", name="The mentor’s review")).to_be_visible()
    expect(section).to_contain_text("Stayed late to help a colleague finish.")
    expect(section.get_by_role("link", name="Write the week-5 values review")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert not _axe_violations(page), _axe_violations(page)
