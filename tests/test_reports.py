"""Reports: the decision dossier and the retention report as pages, PDFs (read back) and CSV; safe rendering."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import InterviewKind, Rating, Recommendation, Role, Scorecard, ScorecardStatus, utcnow
from hiring.reports.csvfile import neutralise
from hiring.reports.pdf import RefusedFetch, safe_fetcher
from hiring.scoring.service import score_application
from tests import factories

EVIL = '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/hostname">Evidence text'


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.fixture
def scored(app):
    value = factories.core_value(name="Be humble")
    application = factories.application(factories.job(title="Loyalty team"),
                                        factories.candidate(name="Dana Dossier"))
    for name, score in (("Ivo Interviewer", 5), ("Ria Rater", 2)):
        a = factories.assignment(application, factories.user(Role.INTERVIEWER, name=name), InterviewKind.VALUES)
        db.session.add(Scorecard(assignment=a, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                                 recommendation=Recommendation.YES, key_takeaways="Kind to everyone",
                                 ratings=[Rating(core_value_id=value.id, score=score, evidence=EVIL)]))
    db.session.flush()
    score_application(db.session, application.id)
    db.session.commit()
    return application


def test_dossier_page_and_pdf(client, login_as, scored):
    login_as(Role.RECRUITER)
    page = client.get(f"/reports/applications/{scored.id}/dossier").get_data(as_text=True)
    assert "Dana Dossier" in page and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
    response = client.get(f"/reports/applications/{scored.id}/dossier.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="dossier-application-{scored.id}.pdf"' in response.headers["Content-Disposition"]
    text, reader = _pdf_text(response.data)
    for expected in ("Dana Dossier", "Loyalty team", "Be humble", "Ivo Interviewer", "Ria Rater", "spread 3",
                     "Kind to everyone", "page 1 of", "Stage history"):
        assert expected in text, expected
    assert "root:" not in text and not reader.attachments
    assert Path("/etc/hostname").exists() is False or Path("/etc/hostname").read_text().strip() not in text


def test_dossier_is_for_recruiting_roles(client, login_as, scored):
    login_as(Role.INTERVIEWER)
    assert client.get(f"/reports/applications/{scored.id}/dossier").status_code == 403
    assert client.get(f"/reports/applications/{scored.id}/dossier.pdf").status_code == 403


def test_unknown_application_is_404(client, login_as):
    login_as(Role.HR)
    assert client.get("/reports/applications/424242/dossier.pdf").status_code == 404


def test_the_fetcher_serves_static_files_and_data_only(app):
    fetcher = safe_fetcher(app.static_folder)
    css = fetcher.fetch("https://hiring.local/static/style.css")
    assert css.read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("file:///etc/passwd", "https://example.com/static/style.css", "http://hiring.local/static/style.css",
                "https://hiring.local/static/../../../../etc/passwd", "https://hiring.local/etc/hostname"):
        with pytest.raises((RefusedFetch, ValueError)):
            fetcher.fetch(url)


def test_markup_that_reached_the_renderer_still_fetches_nothing(app):
    from weasyprint import HTML

    html = f"<p>x</p>{EVIL}<img src='https://example.com/tracker.png'>"
    pdf = HTML(string=html, base_url="https://hiring.local/", url_fetcher=safe_fetcher(app.static_folder)).write_pdf()
    text, reader = _pdf_text(pdf)
    assert "root:" not in text and not reader.attachments


def _report_pdf(app, kind: str, params: dict) -> bytes:
    """A big report's PDF as the background task builds it (its .pdf address only offers to prepare it)."""
    from hiring.reports import documents

    with app.test_request_context():
        return documents.build(kind, params)


def test_retention_pdf_and_csv(app, client, login_as):
    login_as(Role.HR)
    text, _reader = _pdf_text(_report_pdf(app, "retention", {}))
    assert "The Offer and retention" in text and "Who left, and why" in text
    csv_response = client.get("/reports/retention-cohorts.csv")
    assert csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["grouping", "group", "offers decided"]


def test_reports_of_retention_are_for_hr(client, login_as):
    login_as(Role.RECRUITER)
    assert client.get("/reports/retention.pdf").status_code == 403
    assert client.get("/reports/retention-cohorts.csv").status_code == 403


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+31 6 123", "'+31 6 123"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("Anna", "Anna"), (-3, "-3"), (0.25, "0.25"), (None, ""),
])
def test_csv_cells_that_look_like_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_onboarding_report_and_one_new_hire(app, client, login_as):
    from datetime import date, timedelta

    from hiring.models import ProgrammeTask, TaskOwner
    from hiring.onboarding.enrolment import enrol

    login_as(Role.HR)
    for week in range(1, 6):
        db.session.add(ProgrammeTask(week=week, title=f"Task of week {week}", owner=TaskOwner.NEW_HIRE))
    db.session.flush()
    names = []
    for i in range(40):  # a long report: its PDF needs more than one page
        user = factories.user(Role.NEW_HIRE, name=f"New Hire {i:02d}")
        hire = factories.hire(start=date.today() - timedelta(days=9), user_id=user.id)
        enrollment = enrol(db.session, hire, hire.start_date)
        names.append(user.name)
    db.session.commit()
    html = client.get("/reports/onboarding").get_data(as_text=True)
    assert "New Hire 00" in html and "0/1" in html
    text, reader = _pdf_text(_report_pdf(app, "onboarding", {"cohort": ""}))
    text = " ".join(text.split())  # a name may wrap inside its table cell
    missing = [name for name in names if name not in text]
    assert not missing and len(reader.pages) >= 2, (missing, text[:600])
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text
    one = client.get(f"/reports/onboarding/{enrollment.id}.pdf")
    text, _reader = _pdf_text(one.data)
    assert "Onboarding of New Hire 39" in text and "Task of week 1" in text and "Overdue" in text
    assert client.get("/reports/onboarding/424242.pdf").status_code == 404


def test_onboarding_report_per_cohort_and_csv(client, login_as):
    from datetime import date, timedelta

    from hiring.models import ProgrammeTask, TaskOwner
    from hiring.onboarding.enrolment import enrol

    login_as(Role.HR)
    db.session.add(ProgrammeTask(week=1, title="=cmd|' /C calc'!A0", owner=TaskOwner.NEW_HIRE))
    db.session.flush()
    for days, name in ((9, "+Early Bird"), (20, "Late Owl")):
        user = factories.user(Role.NEW_HIRE, name=name)
        hire = factories.hire(start=date.today() - timedelta(days=days), user_id=user.id)
        enrol(db.session, hire, hire.start_date)
    db.session.commit()
    cohort = (date.today() - timedelta(days=9)).isoformat()
    html = client.get(f"/reports/onboarding?cohort={cohort}").get_data(as_text=True)
    assert "+Early Bird" in html and "Late Owl" not in html
    rows = list(csv.reader(io.StringIO(client.get("/reports/onboarding.csv").data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["cohort", "new hire", "mentor"]
    assert "'+Early Bird" in [r[1] for r in rows[1:]]
    assert client.get("/reports/onboarding?cohort=2001-01-01").status_code == 404
    assert client.get("/reports/onboarding?cohort=not-a-date").status_code == 404


def test_onboarding_report_page_shows_the_newest_cohorts_and_links_the_older_ones(client, login_as):
    from datetime import date, timedelta

    from hiring.models import ProgrammeTask, TaskOwner
    from hiring.onboarding.enrolment import enrol

    login_as(Role.HR)
    db.session.add(ProgrammeTask(week=1, title="Meet the team", owner=TaskOwner.NEW_HIRE))
    db.session.flush()
    starts = [date.today() - timedelta(days=d) for d in (3, 10, 17, 24, 31)]
    for i, start in enumerate(starts):
        user = factories.user(Role.NEW_HIRE, name=f"Cohort Person {i}")
        enrol(db.session, factories.hire(start=start, user_id=user.id), start)
    db.session.commit()
    html = client.get("/reports/onboarding").get_data(as_text=True)
    assert all(f"Cohort Person {i}" in html for i in range(3))  # the three newest in full
    assert "Cohort Person 3" not in html and "Older cohorts" in html
    for start in starts[3:]:
        assert f'href="/reports/onboarding?cohort={start.isoformat()}"' in html
    older = client.get(f"/reports/onboarding?cohort={starts[4].isoformat()}").get_data(as_text=True)
    assert "Cohort Person 4" in older and "Older cohorts" not in older
