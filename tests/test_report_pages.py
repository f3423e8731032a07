"""Board-ready PDFs: every big report and a dossier, rendered from the demo company in English and in Dutch,
opens with a one-page summary and has no page with almost nothing on it.

The rule for "almost nothing": a page whose content area (the page inside its margins; the running head and
foot are left out) holds fewer than MIN_BODY_CHARS characters of text, spaces not counted. A page with only a
heading, or a heading and a lone table row, falls under it. Charts keep their words as text (Matplotlib's SVG
with text as text, drawn by WeasyPrint as PDF text), and every chart comes with its caption, so a chart page
is held to the same rule and has no exemption.

The demo is seeded once for the module (it takes a while) and every PDF rendered once; the tests read them.
"""
from __future__ import annotations

import fcntl
import io
import json
import os
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Role
from tests import factories

MIN_BODY_CHARS = 200
LOCALES = ("en", "nl")
REPORTS = ("onboarding", "retention", "fairness", "dossier")
# reports/base.html: @page margins of 22 mm at the top and 20 mm at the bottom, in points.
TOP_MARGIN, BOTTOM_MARGIN = 22 / 25.4 * 72, 20 / 25.4 * 72
SUMMARY = {"en": "Summary", "nl": "Samenvatting"}
# A sentence that holds a figure: a capital, then a digit before the full stop that ends it.
SENTENCE_WITH_A_FIGURE = re.compile(r"[A-Z][^.!?]*\d[^.!?]*[.!?]")


def body_text(page) -> str:
    """The text whose baseline lies in the page's content area, in reading order; not the running head and
    foot, which sit in the margins (reports/base.html's @page boxes)."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, _font, _size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if BOTTOM_MARGIN <= y <= height - TOP_MARGIN:
            found.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(found)


def near_empty_pages(reader: PdfReader) -> list[tuple[int, int, str]]:
    """(page number, characters, text) of every page under the rule."""
    found = []
    for number, page in enumerate(reader.pages, 1):
        text = body_text(page)
        chars = len(re.sub(r"\s", "", text))
        if chars < MIN_BODY_CHARS:
            found.append((number, chars, " ".join(text.split())[:200]))
    return found


def _dossier_application() -> int:
    """The application of a scorecard amended after it was submitted (the demo amends a few)."""
    from hiring.models import InterviewAssignment, Scorecard, ScorecardRevision

    return db.session.scalar(sa.select(InterviewAssignment.application_id)
                             .join(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
                             .join(ScorecardRevision, ScorecardRevision.scorecard_id == Scorecard.id)
                             .order_by(ScorecardRevision.id).limit(1))


def _render_all(app) -> tuple[dict, list[str]]:
    """Seed the demo, render every report in every language, empty the database again: ({(report, locale):
    PDF bytes}, the reasons of the dossier's amendments)."""
    from hiring.demo import seed_demo
    from hiring.models import ScorecardRevision
    from hiring.reports import documents
    from tests.conftest import empty_all_tables

    with app.app_context():
        try:
            seed_demo(db.session)
            db.session.commit()
            application_id = _dossier_application()
            reasons = db.session.scalars(
                sa.select(ScorecardRevision.reason)
                .where(ScorecardRevision.scorecard_id.in_(_scorecards_of(application_id)))).all()
            pdfs = {}
            for locale in LOCALES:
                for kind, params in (("onboarding", {"cohort": ""}), ("retention", {}), ("fairness", {"job": None})):
                    with app.test_request_context(), force_locale(locale):  # as the task runner renders them
                        pdfs[kind, locale] = documents.build(kind, params)
                user = factories.user(Role.RECRUITER)
                user.locale = locale
                db.session.commit()
                email = user.email
                # Requests of their own app context: Flask-Babel keeps the locale it chose on the app context.
                with app.app_context():
                    client = app.test_client()
                    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
                    response = client.get(f"/reports/applications/{application_id}/dossier.pdf")
                    assert response.status_code == 200
                    pdfs["dossier", locale] = response.data
            return pdfs, list(reasons)
        finally:
            empty_all_tables()


@pytest.fixture(scope="module")
def rendered(_session_app, tmp_path_factory):
    """Every report's PDF in every language, from the demo company: ({(report, locale): PdfReader}, the
    reasons of the dossier's amendments). Under pytest-xdist the first worker to get here renders them and
    the others read its files (seeding the demo is most of the time), under a lock in the run's own folder."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        pdfs, reasons = _render_all(_session_app)
    else:
        folder = tmp_path_factory.getbasetemp().parent / "report_pages"  # this run's, shared by its workers
        folder.mkdir(exist_ok=True)
        with open(folder / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = folder / "rendered.json"
            if not done.exists():
                pdfs, reasons = _render_all(_session_app)
                for (kind, locale), data in pdfs.items():
                    (folder / f"{kind}-{locale}.pdf").write_bytes(data)
                done.write_text(json.dumps(reasons))
            reasons = json.loads(done.read_text())
            pdfs = {(kind, locale): (folder / f"{kind}-{locale}.pdf").read_bytes()
                    for kind in REPORTS for locale in LOCALES}
    return {key: PdfReader(io.BytesIO(data)) for key, data in pdfs.items()}, reasons


def _scorecards_of(application_id: int):
    from hiring.models import InterviewAssignment, Scorecard

    return (sa.select(Scorecard.id).join(InterviewAssignment, Scorecard.assignment_id == InterviewAssignment.id)
            .where(InterviewAssignment.application_id == application_id))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("report", REPORTS)
def test_no_page_is_almost_empty(rendered, report, locale):
    reader = rendered[0][report, locale]
    assert not near_empty_pages(reader), near_empty_pages(reader)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("report", REPORTS)
def test_the_first_page_is_the_summary(rendered, report, locale):
    reader = rendered[0][report, locale]
    first = " ".join(body_text(reader.pages[0]).split())
    assert SUMMARY[locale] in first, first[:400]
    summary = first[first.index(SUMMARY[locale]):]
    assert SENTENCE_WITH_A_FIGURE.search(summary), summary[:600]
    # The summary has its page: what follows it starts on the next one.
    if len(reader.pages) > 1:
        assert SUMMARY[locale] not in " ".join(body_text(reader.pages[1]).split())


def test_the_dossier_shows_its_amendments(rendered):
    pdfs, reasons = rendered
    assert reasons, "the demo amends a scorecard of this application"
    text = " ".join(" ".join(page.extract_text() for page in pdfs["dossier", "en"].pages).split())
    assert "Amendments after submission" in text
    for reason in reasons:
        assert " ".join(reason.split()) in text


def test_charts_have_percentage_axes_in_the_readers_language(rendered):
    def chart_text(reader):
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    english, dutch = chart_text(rendered[0]["retention", "en"]), chart_text(rendered[0]["retention", "nl"])
    # The y axis in percentages (0% to 100%), never the fractions 0.0 to 1.0.
    assert "100%" in english and "0.8 " not in english and "0.2 " not in english
    assert "100%" in dutch or "100 %" in dutch
    assert "Days since start" in english and "Dagen sinds start" in dutch and "Days since start" not in dutch
    # Direct labels on the lines, in the reader's language.
    assert "All hires" in english and "Alle nieuwe medewerkers" in dutch


def test_the_rule_finds_a_page_with_only_a_heading(app):
    """The test's own rule, checked on a document made for it: a heading alone on its page is found."""
    from weasyprint import HTML

    words = " ".join(["Enough words to fill a page with text."] * 20)
    pdf = HTML(string=f"<p>{words}</p><h2 style='break-before: page'>A heading alone</h2>").write_pdf()
    found = near_empty_pages(PdfReader(io.BytesIO(pdf)))
    assert [number for number, _chars, _text in found] == [2]
