"""The accessibility audit itself: it must fail on a serious violation, and pass the public pages."""
from __future__ import annotations

import pytest


def test_the_audit_fails_on_a_serious_violation(page, audit):
    page.set_content("<html lang='en'><title>x</title><main><img src='data:,'><input type='text'></main></html>")
    with pytest.raises(AssertionError, match="image-alt|label"):
        audit("broken-on-purpose")


def test_sign_in_page_passes(page, audit):
    page.goto("/login")
    audit("login")
    page.get_by_role("button", name="Sign in").click()
    audit("login-errors")


def test_main_pages_fit_a_375_pixel_screen(page):
    from hiring.demo import DEMO_PASSWORD
    from tests.browser.test_login import sign_in

    page.set_viewport_size({"width": 375, "height": 800})
    for email, urls in (("recruiter@demo.example", ["/", "/pipeline/", "/jobs/", "/pipeline/candidates/new"]),
                        ("newhire@demo.example", ["/"]),
                        ("hr@demo.example", ["/", "/offer/", "/analytics/offer", "/onboarding/"])):
        page.context.clear_cookies()
        sign_in(page, email, DEMO_PASSWORD)
        for url in urls:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{url} is {width}px wide for {email}"
