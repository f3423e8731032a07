"""The onboarding report rendered in parts and joined with pypdf: the worker's memory is bounded by the biggest
part, not by the company. The joined PDF must still read as one document: every person in it, pages numbered
on across the parts, its title and language kept; and the report's page says which part it is at."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import ProgrammeTask, Role, Task, TaskOwner
from hiring.onboarding.enrolment import enrol
from hiring.reports import background, documents, parts
from hiring.reports.parts import Section
from tests import factories


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # names may wrap in cells


@pytest.fixture
def company(app):
    """Three cohorts in the programme (4, 4 and 3 people) and five who graduated late this year (the report
    lists graduates who finished late; those on time are counted, not listed): their names."""
    for week in range(1, 6):
        db.session.add(ProgrammeTask(week=week, title=f"Task of week {week}", owner=TaskOwner.NEW_HIRE))
    db.session.flush()
    names = []
    for c, (days_ago, people) in enumerate(((3, 4), (10, 4), (17, 3))):
        for i in range(people):
            user = factories.user(Role.NEW_HIRE, name=f"Cohort{c} Person{i}")
            hire = factories.hire(start=date.today() - timedelta(days=days_ago), user_id=user.id)
            enrol(db.session, hire, hire.start_date)
            names.append(user.name)
    for i in range(5):
        user = factories.user(Role.NEW_HIRE, name=f"Graduate Person{i}")
        started = date.today() - timedelta(days=90 + i)
        enrollment = enrol(db.session, factories.hire(start=started, user_id=user.id), started)
        enrollment.completed_on = started + timedelta(days=40)  # 6 days late
        names.append(user.name)
    db.session.commit()
    return names


@pytest.fixture
def counted_parts(monkeypatch):
    """Parts of five rows, and every call of the per-part renderer (documents.render_pdf) counted."""
    monkeypatch.setattr(documents, "PART_ROWS", 5)
    calls = []
    real = documents.render_pdf

    def counting(template, title, **context):
        calls.append(context)
        return real(template, title, **context)

    monkeypatch.setattr(documents, "render_pdf", counting)
    return calls


def test_the_onboarding_report_is_rendered_in_parts_and_joined(app, company, counted_parts):
    steps = []
    with app.test_request_context():
        pdf = documents.build("onboarding", {"cohort": ""}, progress=steps.append)
    # 11 people in cohorts and 5 graduates, five rows a part: 4 parts.
    assert len(counted_parts) == 4
    assert steps == ["gathering", "rendering 1/4", "rendering 2/4", "rendering 3/4", "rendering 4/4"]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= len(counted_parts)
    text = _text(reader)
    missing = [name for name in company if name not in text]
    assert not missing, (missing, text[:800])
    assert text.count("Graduated in the last year") == 2 and "(continued)" in text
    # One document: its title and language, the title heading once, pages numbered on across the parts.
    assert reader.metadata.title == "Onboarding" and reader.trailer["/Root"]["/Lang"] == "en"
    assert text.count("Onboarding") == len(reader.pages) + 1  # each page's running head, and the heading once
    footers = [" ".join(page.extract_text().split()) for page in reader.pages]
    for number, footer in enumerate(footers, 1):
        assert f"page {number}" in footer and f"page {number} of" not in footer, footer
    assert [c["first_page"] for c in counted_parts][0] == 1
    assert [c["heading"] for c in counted_parts] == [True, False, False, False]


def test_the_joined_report_is_tagged_as_one_document(app, company, counted_parts):
    """pypdf copies the parts' pages but not their structure trees: the joined file carries one tree, every
    page keyed into it, every element pointing at the file's own pages, one Document with the parts' content
    in order (the title heading once, each cohort's table), and no moment differing between the parts."""
    from tests.pdfcheck import elements, structure_is_whole, tags, xmp

    with app.test_request_context():
        pdf = PdfReader(io.BytesIO(documents.build("onboarding", {"cohort": ""})))
    assert len(counted_parts) == 4 and len({c["now"] for c in counted_parts}) == 1
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True and not structure_is_whole(pdf)
    found = tags(pdf)
    assert found[0] == "/Document" and found.count("/Document") == 1 and found.count("/H1") == 1
    assert found.count("/Table") >= 4 and "/TH" in found
    # Every element under the one Document, in the parts' order: the first part's heading comes first.
    assert str(elements(pdf)[1]["/S"]) == "/H1" and 'pdfuaid:part="1"' in xmp(pdf)
    # The file identifier is a hash of the content, as PDF/A asks.
    assert pdf.trailer["/ID"][0] == pdf.trailer["/ID"][1]


def test_the_joined_report_as_pdfa_keeps_its_metadata_and_its_table(app, company, counted_parts):
    from tests.pdfcheck import attached_csv, pdfa_part, structure_is_whole

    with app.test_request_context():
        pdf = PdfReader(io.BytesIO(documents.build("onboarding", {"cohort": "", "archive": True})))
    # The first part attaches the table; the others are PDF/A with nothing attached.
    assert [bool(c["archive"]) for c in counted_parts] == [True, False, False, False]
    assert all(c["archive"] is not None for c in counted_parts)
    assert pdfa_part(pdf) == ("3", "B") and pdf.trailer["/Root"]["/OutputIntents"] and not structure_is_whole(pdf)
    rows = attached_csv(pdf, "onboarding.csv")
    assert rows[0][:3] == ["cohort", "new hire", "mentor"]
    assert sorted(row[1] for row in rows[1:]) == sorted(name for name in company if name.startswith("Cohort"))
    # WeasyPrint 70 lists an attachment's file specification twice in /AF (from the names and from the objects):
    # one file, related to the document as its data.
    specs = pdf.trailer["/Root"]["/AF"]
    assert len({spec.idnum for spec in specs}) == 1 and str(specs[0].get_object()["/AFRelationship"]) == "/Data"


def test_the_joined_report_is_compact_valid_and_reproducible(app, company, counted_parts, monkeypatch):
    """Saved again by qpdf with its objects in compressed streams (pypdf writes each plainly: a tagged report
    joined came out six times the size of its parts), its metadata a stream of its own as PDF requires, and the
    same parts at the same moment give the same bytes."""
    from datetime import datetime, timezone

    import pikepdf
    from pypdf.generic import IndirectObject

    import hiring.models

    moment = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(hiring.models, "utcnow", lambda: moment)
    with app.test_request_context():
        first = documents.build("onboarding", {"cohort": "", "archive": True})
        again = documents.build("onboarding", {"cohort": "", "archive": True})
    assert len(counted_parts) == 8 and first == again and b"/ObjStm" in first
    catalog = PdfReader(io.BytesIO(first)).trailer["/Root"]
    assert isinstance(catalog.raw_get("/Metadata"), IndirectObject)
    with pikepdf.open(io.BytesIO(first)) as document:  # qpdf reads it without complaint
        assert document.check_pdf_syntax() == [] and len(document.pages) >= 4


def test_a_report_that_fits_in_one_part_is_one_document_as_before(app, company, counted_parts, monkeypatch):
    monkeypatch.setattr(documents, "PART_ROWS", 300)
    steps = []
    with app.test_request_context():
        pdf = documents.build("onboarding", {"cohort": ""}, progress=steps.append)
    assert len(counted_parts) == 1 and steps == ["gathering", "rendering"]
    reader = PdfReader(io.BytesIO(pdf))
    text = _text(reader)
    assert all(name in text for name in company) and "(continued)" not in text
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text


def test_one_cohorts_report_leaves_the_graduates_out(app, company, counted_parts):
    cohort = (date.today() - timedelta(days=10)).isoformat()
    with app.test_request_context():
        text = _text(PdfReader(io.BytesIO(documents.build("onboarding", {"cohort": cohort}))))
    assert all(f"Cohort1 Person{i}" in text for i in range(4))
    assert "Cohort0" not in text and "Graduate" not in text and "Graduated in the last year" not in text


def test_nobody_in_the_programme_still_makes_a_report(app):
    with app.test_request_context():
        text = _text(PdfReader(io.BytesIO(documents.build("onboarding", {"cohort": ""}))))
    assert "Nobody is in the onboarding programme right now." in text and "Nobody graduated in the last year." in text


def test_sections_are_cut_into_parts_of_at_most_so_many_rows():
    sections = [Section("cohort", [1, 2, 3, 4], key="a"), Section("cohort", [5], key="b"), Section("nobody"),
                Section("graduates", list(range(6, 13)))]
    cut = parts.split(sections, 5)
    assert [[(s.kind, s.key, list(s.rows), s.continued) for s in part] for part in cut] == [
        [("cohort", "a", [1, 2, 3, 4], False), ("cohort", "b", [5], False)],
        [("nobody", None, [], False), ("graduates", None, [6, 7, 8, 9], False)],
        [("graduates", None, [10, 11, 12], True)],
    ]
    assert parts.split([], 5) == [[]]
    with pytest.raises(ValueError):
        parts.split(sections, 0)


def test_progress_steps_read_back():
    assert parts.read_step(parts.part_step(2, 5)) == ("rendering", (2, 5))
    assert parts.read_step("rendering") == ("rendering", None)
    assert parts.read_step("gathering") == ("gathering", None)
    assert parts.read_step(None) == (None, None)
    assert parts.read_step("rendering x/y") == ("rendering x/y", None)


def test_the_report_page_says_which_part_is_being_rendered(client, login_as):
    user = login_as(Role.HR)
    job_id = background.record("onboarding", {"cohort": ""}, user.id)
    db.session.execute(sa.update(Task).where(Task.id == job_id).values(state="running", step=parts.part_step(3, 7)))
    db.session.commit()
    page = " ".join(client.get(f"/reports/jobs/{job_id}").get_data(as_text=True).split())
    assert "Step 2 of 2: laying out the pages." in page and "Part 3 of 7." in page
    db.session.execute(sa.update(Task).where(Task.id == job_id).values(state="failed", error="error", step=None))
    db.session.commit()
