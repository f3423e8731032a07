"""The careers site in Chromium, on a laptop and on a phone: a visitor finds a job, applies with a real PDF CV,
follows the application on their status page and withdraws it; a recruiter sees the application and its CV.
axe checks every public page the visitor passes."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from tests.browser.test_login import sign_in

WIDTHS = {"laptop": 1280, "phone": 375}


def _pdf_cv(name: str) -> bytes:
    """A real one-page PDF, as a word processor would export it."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{name}</h1><p>Curriculum vitae: ten years of warehouse work.</p>").write_pdf()


def _fits(page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} is wider than {width} px"


def _public_audit(page, audit, name: str, width: int) -> None:
    """The staff pages' check (nothing serious or critical, a screenshot kept), and, public pages being what
    every candidate meets, no axe violation of any impact at all."""
    from axe_playwright_python.sync_playwright import Axe

    audit(name)
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe on {page.url}: " + "; ".join(f"{v['impact']}: {v['id']}" for v in violations)
    _fits(page, width)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_a_visitor_applies_follows_and_withdraws_and_the_recruiter_sees_the_cv(page, audit, device):
    width = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": 800})
    name, email = f"Visitor on a {device}", f"visitor.{device}@example.org"

    page.goto("/careers/")
    _public_audit(page, audit, "careers", width)
    page.locator("main a[href*='/careers/jobs/']").first.click()
    job_title = page.get_by_role("heading", level=1).inner_text()
    _public_audit(page, audit, "job", width)
    page.get_by_role("link", name=re.compile("^Apply")).first.click()
    _public_audit(page, audit, "apply", width)

    page.get_by_label("Name", exact=False).first.fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Phone", exact=False).fill("+31 20 555 0101")
    page.locator("input[type=file]").set_input_files(
        {"name": "my cv.pdf", "mimeType": "application/pdf", "buffer": _pdf_cv(name)})
    # The demo's published jobs each ask a question or two of their own (hiring/demo/content.py): answer one.
    answer = f"An answer typed on a {device}."
    page.locator("fieldset.careers-questions textarea").first.fill(answer)
    page.locator("input[type=checkbox][name=consent]").check()
    page.wait_for_timeout(3200)  # the form's time check: nobody applies within three seconds of opening it
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="We have your application")).to_be_visible()
    _public_audit(page, audit, "applied", width)

    # The status page: the stage in plain words, then a withdrawal after a confirmation.
    page.get_by_role("link", name="Open my status page").click()
    expect(page.get_by_text(job_title).first).to_be_visible()
    _public_audit(page, audit, "status", width)
    page.get_by_role("link", name="Withdraw this application").first.click()
    _public_audit(page, audit, "withdraw-confirm", width)
    page.get_by_role("button", name="Yes, withdraw my application").click()
    expect(page.get_by_text(re.compile("[Ww]ithdrawn")).first).to_be_visible()
    _public_audit(page, audit, "withdrawn", width)

    # The recruiter finds the application and opens the CV the visitor sent.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "recruiter@demo.example", DEMO_PASSWORD)
    page.goto("/pipeline/?q=" + email)
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", name="Files")).to_be_visible()
    expect(page.get_by_text(answer)).to_be_visible()  # the answer, on the application's card
    with page.expect_download() as download:
        page.locator("#files a[download]").first.click()
    path = download.value.path()
    with open(path, "rb") as cv:
        assert cv.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")
