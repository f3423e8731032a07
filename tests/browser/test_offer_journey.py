"""The Offer in Chromium: a graduate stays and HR sees the take rate change; another takes the money and can
no longer sign in."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from tests.browser.test_login import sign_in

PASSWORD = "a password chosen at graduation"


def _take_rate(page) -> str:
    """Offers decided, from up-to-date figures: after a write the page shows the last ones while the task runner
    computes the next (hiring/snapshots.py), and an earlier test's decision may still be on its way in."""
    for _ in range(60):
        page.goto("/analytics/offer")
        if page.locator(".figures-age", has_text="up to date").count():
            return page.locator("dl.stats div", has_text="Offers decided").locator("dd").inner_text()
        page.wait_for_timeout(500)
    raise AssertionError("the offer figures were not brought up to date within 30 s")


def _open_login_link(page, name: str) -> tuple[str, str]:
    """As HR: the set-password link of a graduate waiting on an offer, and their e-mail."""
    page.goto("/offer/")
    page.locator("section", has_text="Waiting for a decision").get_by_role("link", name=name).click()
    link = page.get_by_label("Set-password link").input_value()
    return link, page.locator("dl.facts div", has_text="E-mail").locator("dd").inner_text()


def _set_password(page, link: str) -> None:
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password, again").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()


def test_one_stays_one_takes_the_money(page, audit):
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    decided_before = int(_take_rate(page))
    audit("retention")
    page.goto("/offer/")
    names = page.locator("section", has_text="Waiting for a decision").locator("tbody th a").all_inner_texts()
    assert len(names) >= 2
    stayer_link, stayer_email = _open_login_link(page, names[0])
    leaver_link, leaver_email = _open_login_link(page, names[1])
    page.get_by_role("button", name="Sign out").click()

    # The first graduate sees the offer and stays, after a confirmation step.
    _set_password(page, stayer_link)
    sign_in(page, stayer_email, PASSWORD)
    expect(page.get_by_role("heading", name="The Offer")).to_be_visible()
    expect(page.get_by_text("€4,000.00")).to_be_visible()
    audit("offer")
    page.get_by_role("link", name="Stay").click()
    expect(page.get_by_text("You are choosing to stay.")).to_be_visible()
    audit("confirm")
    page.get_by_role("button", name="Yes, stay").click()
    expect(page.get_by_text("You chose to stay. Welcome to the team.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # HR sees one more decided offer.
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    assert int(_take_rate(page)) == decided_before + 1
    page.get_by_role("button", name="Sign out").click()

    # The second takes the money; the login closes.
    _set_password(page, leaver_link)
    sign_in(page, leaver_email, PASSWORD)
    page.get_by_role("link", name="Take the money and leave").click()
    page.get_by_role("button", name="Yes, take the money and leave").click()
    expect(page.get_by_text("You took The Offer.")).to_be_visible()
    sign_in(page, leaver_email, PASSWORD)
    expect(page.locator("#password-error")).to_have_text(re.compile("do not match an active account"))
