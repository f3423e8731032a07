"""A Dutch-speaking recruiter sees the pipeline, a scorecard and a PDF report in Dutch."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from hiring.demo import DEMO_PASSWORD
from hiring.extensions import db
from hiring.models import Application, GateResult, Stage, User
from tests.browser.navigate import go_to
from tests.browser.test_login import sign_in
from tests.browser.conftest import PDF_TIMEOUT_MS

RECRUITER = "recruiter@demo.example"


def _set_locale(app, email: str, locale: str | None) -> None:
    with app.app_context():
        db.session.scalars(sa.select(User).filter_by(email=email)).one().locale = locale
        db.session.commit()
        db.session.remove()


@pytest.fixture
def dutch_recruiter(live_app):
    """The demo recruiter with Dutch chosen in their profile, put back afterwards for the other tests."""
    _set_locale(live_app[0], RECRUITER, "nl")
    yield RECRUITER
    _set_locale(live_app[0], RECRUITER, None)


def _hired_candidate(app) -> int:
    with app.app_context():
        candidate_id = db.session.scalar(sa.select(Application.candidate_id).where(
            Application.stage == Stage.HIRED, Application.gate_result == GateResult.PASSES).limit(1))
        db.session.remove()
        return candidate_id


def test_dutch_recruiter_sees_pipeline_scorecard_and_pdf_in_dutch(page, live_app, dutch_recruiter, audit):
    # The browser asks for English; the profile wins.
    sign_in(page, dutch_recruiter, DEMO_PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werving")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    go_to(page, "Kandidaten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kandidaten")
    expect(page.get_by_role("columnheader", name="Functiematch")).to_be_visible()
    audit("pipeline")

    page.goto(f"/pipeline/candidates/{_hired_candidate(live_app[0])}")
    page.get_by_role("link", name=re.compile("^Ingediend: ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scorekaart van ")
    expect(page.get_by_text("Ingediend en vergrendeld")).to_be_visible()
    audit("scorecard")

    page.get_by_role("link", name="Alle scorekaarten naast elkaar").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scorekaarten naast elkaar")
    page.go_back()
    page.goto(page.url.split("/interviews")[0] + f"/pipeline/candidates/{_hired_candidate(live_app[0])}")
    page.get_by_role("link", name="Besluitdossier").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Besluitdossier")
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as info:
        page.get_by_role("link", name="PDF downloaden").click()
    data = Path(info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Besluitdossier", "Fasegeschiedenis", "Functiematch", "Waardenmatch", "pagina 1 van"):
        assert expected in text, expected
    for english in ("Decision dossier", "Stage history", "Values fit"):
        assert english not in text, english
