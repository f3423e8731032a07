"""Each demo login signs in through the real login page and sees its home page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD

HOME_HEADINGS = {
    "admin@demo.example": "Administration",
    "hr@demo.example": "People",
    "recruiter@demo.example": "Recruiting",
    "interviewer@demo.example": "Your interviews",
    "newhire@demo.example": "My onboarding",
}


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("email", list(HOME_HEADINGS))
def test_demo_login_reaches_its_home_page(page, email):
    sign_in(page, email, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADINGS[email])
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_interviewer_home_lists_pending_interviews(page):
    sign_in(page, "interviewer@demo.example", DEMO_PASSWORD)
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2


def test_wrong_password_shows_the_error_next_to_the_field(page):
    sign_in(page, "recruiter@demo.example", "not the right password")
    expect(page).to_have_url(re.compile(r"/login"))
    error = page.locator("#password-error")
    expect(error).to_have_text(re.compile("do not match an active account"))
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mail")).to_have_value("recruiter@demo.example")


def test_sign_out_returns_to_the_login_page(page):
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
