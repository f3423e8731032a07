"""Reports download from their pages in the browser, with the right file name and content type; a big report's PDF
is prepared in the background first, and its page updates itself until the PDF is ready."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, GateResult, Stage
from tests.browser.test_login import sign_in
from tests.browser.conftest import PDF_TIMEOUT_MS
from tests.pdfcheck import pdfa_part, reader


def _scored_candidate(app) -> int:
    with app.app_context():
        candidate_id = db.session.scalar(sa.select(Application.candidate_id).where(
            Application.stage == Stage.HIRED, Application.gate_result == GateResult.PASSES).limit(1))
        db.session.remove()
        return candidate_id


def test_dossier_and_retention_report_download(page, live_app, audit):
    candidate_id = _scored_candidate(live_app[0])
    sign_in(page, "hr@demo.example", DEMO_PASSWORD)
    page.goto(f"/pipeline/candidates/{candidate_id}")
    page.get_by_role("link", name="Decision dossier").first.click()
    audit("dossier")
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
        page.get_by_role("link", name="Download PDF", exact=True).click()
    download = info.value
    assert download.suggested_filename.startswith("dossier-application-") and download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    # The archival PDF/A beside it, with its ratings attached.
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
        page.get_by_role("link", name="Download PDF/A for the archive").click()
    assert info.value.suggested_filename.endswith("-pdfa.pdf")
    archived = reader(Path(info.value.path()).read_bytes())
    assert pdfa_part(archived) == ("3", "B") and "ratings.csv" in archived.attachments

    # The PDF's old address (a bookmark) renders nothing: it offers to prepare the PDF in the background.
    page.goto("/reports/retention.pdf")
    audit("prepare")
    page.get_by_role("button", name="Prepare the PDF").click()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=PDF_TIMEOUT_MS)
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
        page.get_by_role("link", name="Download the PDF").click()
    assert info.value.suggested_filename == "offer-and-retention.pdf"
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
    page.get_by_role("link", name="Back to the report").click()
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
        page.get_by_role("link", name="Download CSV").click()
    assert info.value.suggested_filename == "offer-by-cohort.csv"
    assert Path(info.value.path()).read_bytes().decode("utf-8-sig").startswith("grouping,group")
