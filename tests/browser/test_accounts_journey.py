"""Team accounts in Chromium (issue 21): an admin invites a recruiter, who sets a password with the link read
from the "Sent mail" page and signs in; "Forgot your password?" from the sign-in page to a new password.
axe checks the new pages."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from tests.browser.test_login import sign_in

NEW_PASSWORD = "a sentence nobody else would type"


def _link_from_sent_mail(page, email: str, path: str) -> str:
    """As an admin: the newest message to this address on the "Sent mail" page, and its link."""
    page.goto("/admin/mail/")
    page.locator("main tbody tr", has_text=email).first.get_by_role("link").click()
    expect(page.get_by_text(email).first).to_be_visible()
    return page.locator(f"main a[href*='{path}']").first.get_attribute("href")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def _choose(page, password: str, button: str) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password, again").fill(password)
    page.get_by_role("button", name=button).click()


def test_an_admin_invites_a_recruiter_who_sets_a_password_from_the_sent_mail_and_signs_in(page, audit):
    email = "rosa.invited@example.org"
    sign_in(page, "admin@demo.example", DEMO_PASSWORD)
    page.goto("/admin/users")
    page.get_by_role("link", name="Invite a colleague").click()
    audit("invite")
    page.get_by_label("Name", exact=True).fill("Rosa Invited")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Role", exact=True).select_option("recruiter")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Rosa Invited is invited")).to_be_visible()
    audit("users")

    link = _link_from_sent_mail(page, email, "/set-password/")
    assert link.startswith("http")  # absolute, as a mail program needs it
    _sign_out(page)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    _choose(page, NEW_PASSWORD, "Set my password")
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruiting")


def test_forgot_password_from_the_sign_in_page_to_a_new_password(page, audit, live_app):
    from hiring.auth.service import create_user
    from hiring.extensions import db
    from hiring.models import Role

    app, _base = live_app
    email = "forgetful.hr@example.org"
    with app.app_context():
        create_user(db.session, email=email, name="Fran Forgetful", role=Role.HR, password=DEMO_PASSWORD)
        db.session.commit()
        db.session.remove()

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    audit("forgot")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("If an account exists for the address you typed")).to_be_visible()

    sign_in(page, "admin@demo.example", DEMO_PASSWORD)
    link = _link_from_sent_mail(page, email, "/reset-password/")
    _sign_out(page)

    page.goto(link)
    audit("reset")
    _choose(page, NEW_PASSWORD, "Set my new password")
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    sign_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    _sign_out(page)

    page.goto(link)  # spent
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    audit("reset-spent")
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
