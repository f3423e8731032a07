"""Applying on the careers site (issue 20, items 2, 3 and 6): the form, the application saved whole or not at all,
the same confirmation whatever became of it, the honeypot, the time check, the limits, and the recruiter's home."""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from hiring import files
from hiring.careers import applying
from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateFile,
    FileKind,
    Job,
    Role,
    Stage,
    StageChange,
    StoredFile,
    utcnow,
)
from tests import factories

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MB = 1024 * 1024


def pdf_bytes(text: str = "Curriculum vitae") -> bytes:
    """A minimal real PDF: header, one object, trailer."""
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + text.encode() +
            b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def posted(title: str = "Customer hero") -> Job:
    job = factories.job(title, published=True, published_at=utcnow(), public_description="Help our customers.")
    db.session.commit()
    return job


def form(job: Job, *, cv: bytes | None = None, filename: str = "my cv.pdf", age: float = 60, **over) -> dict:
    """What a person sends: a stamp from `age` seconds ago and a real PDF, unless told otherwise."""
    data = {"name": "Ann Example", "email": "ann@example.org", "phone": "+31 20 123 4567",
            "cover_letter": "I love talking to customers.", "consent": "y", "website": "",
            "started": applying.make_stamp(job.id, at=time.time() - age),
            "cv": FileStorage(io.BytesIO(pdf_bytes() if cv is None else cv), filename,
                              content_type="application/pdf")}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post(client, url: str, data: dict):
    """Post a multipart form built in memory: the test client spools a large body to a temporary file that a
    refused request would leave open (tests/test_upload_limits.py)."""
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(url, input_stream=stream, content_type=f"multipart/form-data; boundary={boundary}",
                       environ_overrides={"CONTENT_LENGTH": str(length)})


def apply(client, job: Job, **kw):
    return post(client, f"/careers/jobs/{job.id}/apply", form(job, **kw))


def counts() -> dict[str, int]:
    models = {"candidates": Candidate, "applications": Application, "stage_changes": StageChange,
              "candidate_files": CandidateFile, "stored_files": StoredFile, "audit": AuditEvent}
    return {name: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for name, model in models.items()}


NOTHING = {"candidates": 0, "applications": 0, "stage_changes": 0, "candidate_files": 0, "stored_files": 0,
           "audit": 0}


def confirmation(client, response) -> str:
    """The confirmation page a submission was sent to, with its self-identification and status tokens made
    neutral."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    html = re.sub(r"/pipeline/self-identification/[^\"]+", "/pipeline/self-identification/TOKEN", html)
    return re.sub(r"/careers/status/[^\"<]+", "/careers/status/TOKEN", html)


# --- the form ---------------------------------------------------------------------------------------------------

def test_the_job_page_links_to_a_form_with_every_field_and_a_hidden_honeypot(client, app):
    job = posted()
    assert f'href="/careers/jobs/{job.id}/apply"' in client.get(f"/careers/jobs/{job.id}").get_data(as_text=True)
    response = client.get(f"/careers/jobs/{job.id}/apply")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("name", "email", "phone", "cv", "cover_letter", "consent", "started"):
        assert f'name="{name}"' in html
    assert 'enctype="multipart/form-data"' in html and 'href="/privacy/"' in html
    trap = re.search(r'<div class="careers-trap" aria-hidden="true">(.*?)</div>', html, re.S).group(1)
    assert 'name="website"' in trap and 'tabindex="-1"' in trap
    assert "style=" not in html  # the CSP forbids inline styles: the class hides it (careers.css)
    assert ".careers-trap {" in (Path(app.static_folder) / "careers.css").read_text()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_form_of_an_unpublished_or_unknown_job_is_404(client, app, method):
    draft = factories.job("Draft")
    db.session.commit()
    for job_id in (draft.id, 987654):
        response = getattr(client, method)(f"/careers/jobs/{job_id}/apply")
        assert response.status_code == 404
        assert "Job not found" in response.get_data(as_text=True)
    assert counts() == NOTHING


# --- the happy path ---------------------------------------------------------------------------------------------

def test_applying_with_a_real_pdf_saves_the_candidate_application_cv_and_letter(client, app):
    job = posted()
    response = apply(client, job)
    html = confirmation(client, response)
    assert "We have your application" in html and "Customer hero" in html
    candidate = db.session.scalar(sa.select(Candidate))
    assert (candidate.name, candidate.email, candidate.phone, candidate.source) == (
        "Ann Example", "ann@example.org", "+31 20 123 4567", "careers site")
    assert candidate.privacy_notice_at is not None
    application = db.session.scalar(sa.select(Application))
    assert (application.job_id, application.stage, application.source, application.privacy_notice_version) == (
        job.id, Stage.APPLIED, "careers site", applying.PRIVACY_NOTICE_VERSION)
    change = db.session.scalar(sa.select(StageChange))
    assert change.changed_by_id is None and change.to_stage is Stage.APPLIED
    documents = {d.kind: d for d in db.session.scalars(sa.select(CandidateFile))}
    cv, letter = documents[FileKind.CV], documents[FileKind.COVER_LETTER]
    assert (cv.content_type, cv.display_name, cv.application_id, cv.uploaded_by_id) == (
        "application/pdf", "my cv.pdf", application.id, None)
    assert b"".join(files.stream(cv.file_id)) == pdf_bytes()
    assert letter.content_type == applying.TEXT_PLAIN
    assert b"".join(files.stream(letter.file_id)).decode() == "I love talking to customers."
    # The audit log: ids and codes, nothing the candidate typed.
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert {e.action for e in events} == {"application_received", "candidate_file_added"}
    logged = repr([(e.details, e.entity_type) for e in events])
    for personal in ("Ann", "ann@example.org", "123 4567", "my cv", "customers"):
        assert personal not in logged
    # The voluntary questions: a link on the confirmation, to the existing signed form.
    link = re.search(r'href="(/pipeline/self-identification/[^"]+)"',
                     client.get(response.headers["Location"]).get_data(as_text=True)).group(1)
    selfid = client.get(link)
    assert selfid.status_code == 200 and 'name="gender"' in selfid.get_data(as_text=True)


def test_a_reload_of_the_confirmation_sends_nothing_again_and_it_needs_an_application(client, app):
    job = posted()
    location = apply(client, job).headers["Location"]
    assert client.get(location).status_code == 200
    assert client.get(location).status_code == 200
    assert counts()["applications"] == 1
    stranger = app.test_client()
    response = stranger.get(location)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/careers/jobs/{job.id}")


# --- bad input: refused next to the field, what was typed kept, nothing saved -----------------------------------

def _kept(html: str) -> None:
    assert 'value="Ann Example"' in html and 'value="ann@example.org"' in html
    assert "I love talking to customers." in html
    assert "choose your CV again" in html


@pytest.mark.parametrize("content,filename,message", [
    (b"<html><body>not a pdf</body></html>", "cv.pdf", "This is not a PDF, Word (DOCX) or OpenDocument text"),
    (b"%PDF", "cv.pdf", "This is not a PDF"),
    (b"", "", "Choose your CV"),  # no file chosen: the browser sends an empty part without a name
    (b"", "cv.pdf", "The file is empty"),
])
def test_a_file_that_is_not_a_document_is_refused_beside_the_cv(client, app, content, filename, message):
    job = posted()
    response = apply(client, job, cv=content, filename=filename)
    assert response.status_code in (400, 422)
    html = response.get_data(as_text=True)
    assert message in html
    error = re.search(r'<p class="error" id="cv-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    _kept(html)
    assert counts() == NOTHING


def test_an_oversized_cv_is_refused_beside_the_field(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", MB)
    job = posted()
    response = apply(client, job, cv=pdf_bytes("x" * (MB + 10)))
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 422)
    assert "larger than the 1 MB allowed" in re.search(r'id="cv-error">(.*?)</p>', html, re.S).group(1)
    _kept(html)
    assert counts() == NOTHING


def test_a_request_over_the_cap_is_refused_before_it_is_read_in_the_careers_layout(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * MB)
    job = posted()
    response = apply(client, job, cv=pdf_bytes("x" * (3 * MB)))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'class="careers-header"' in html and "larger than the 2 MB" in html and "Nothing was saved" in html
    assert counts() == NOTHING


def test_consent_is_required(client, app):
    job = posted()
    response = apply(client, job, consent=None)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tick the box to agree to the privacy notice" in re.search(
        r'id="consent-error">(.*?)</p>', html, re.S).group(1)
    assert 'aria-invalid="true"' in html
    _kept(html)
    assert counts() == NOTHING


@pytest.mark.parametrize("over,field,message", [
    ({"name": "  "}, "name", "Enter your name."),
    ({"email": "not-an-address"}, "email", "That is not an e-mail address."),
    ({"cover_letter": "x" * 5001}, "cover_letter", "longer than 5000 characters"),
    ({"phone": "1" * 41}, "phone", "40"),
])
def test_each_typed_field_is_checked_beside_itself(client, app, over, field, message):
    job = posted()
    response = apply(client, job, **over)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in re.search(rf'id="{field}-error">(.*?)</p>', html, re.S).group(1)
    assert counts() == NOTHING


# --- bots ---------------------------------------------------------------------------------------------------------

def test_a_filled_honeypot_gets_the_same_confirmation_and_nothing_is_saved(client, app):
    job = posted()
    bot = confirmation(client, apply(client, job, website="http://spam.example"))
    assert counts() == NOTHING
    other = app.test_client()
    person = confirmation(other, apply(other, job))
    assert bot == person


@pytest.mark.parametrize("age,message", [
    (0, "faster than a person can fill it in"),
    (1, "faster than a person can fill it in"),
    (3 * 3600, "open for more than two hours"),
])
def test_a_form_sent_too_fast_or_too_late_is_shown_again_with_what_was_typed(client, app, age, message):
    job = posted()
    response = apply(client, job, age=age)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    _kept(html)
    assert counts() == NOTHING
    # The page carries a fresh stamp: sent again after a moment, it goes through.
    stamp = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert applying.stamp_problem(stamp, job.id, now=time.time() + 10) is None


@pytest.mark.parametrize("stamp", ["", "forged.stamp", "eyJqIjoxLCJ0IjoxfQ.AAAA"])
def test_a_missing_or_forged_stamp_is_refused(client, app, stamp):
    job = posted()
    response = apply(client, job, started=stamp)
    assert response.status_code == 400 and "was not sent" in response.get_data(as_text=True)
    assert counts() == NOTHING


def test_a_stamp_for_another_job_is_refused(client, app):
    job, other = posted(), posted("Other")
    response = apply(client, job, started=applying.make_stamp(other.id, at=time.time() - 60))
    assert response.status_code == 400
    assert counts() == NOTHING


# --- script in every field ----------------------------------------------------------------------------------------

def test_a_script_tag_in_every_field_is_escaped_wherever_it_shows(client, app, login_as):
    job = posted()
    # Refused (the e-mail): shown back escaped on the form.
    refused = apply(client, job, name=SCRIPT, email=SCRIPT, phone=SCRIPT, cover_letter=SCRIPT)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and SCRIPT not in html and ESCAPED in html
    # Accepted: stored as typed, escaped on the recruiter's home and the candidate page.
    response = apply(client, job, name=SCRIPT, email="script@example.org", phone=SCRIPT, cover_letter=SCRIPT,
                     filename=SCRIPT + ".pdf")
    assert SCRIPT not in confirmation(client, response)
    candidate = db.session.scalar(sa.select(Candidate))
    assert candidate.name == SCRIPT
    login_as(Role.RECRUITER)
    for page in ("/", f"/pipeline/candidates/{candidate.id}", "/pipeline/"):
        html = client.get(page).get_data(as_text=True)
        assert SCRIPT not in html, page
        assert ESCAPED in html, page


# --- duplicates and enumeration -----------------------------------------------------------------------------------

def test_a_known_email_adds_the_application_to_the_same_candidate(client, app):
    first, second = posted("First"), posted("Second")
    apply(client, first)
    confirmation(client, apply(client, second, name="Ann Other", email="ANN@example.org"))
    candidate = db.session.scalar(sa.select(Candidate))
    assert counts()["candidates"] == 1 and candidate.name == "Ann Example"  # never overwritten
    assert sorted(a.job_id for a in candidate.applications) == sorted([first.id, second.id])


def test_the_same_job_twice_answers_the_same_and_saves_nothing_more(client, app):
    job = posted()
    one = confirmation(client, apply(client, job))
    before = counts()
    again = confirmation(client, apply(client, job, cv=pdf_bytes("Second version")))
    assert again == one
    assert counts() == before


def test_an_email_staff_added_gets_the_same_confirmation_as_a_new_one(client, app):
    job = posted()
    known = factories.candidate(email="known@example.org")
    factories.application(job, known)
    db.session.commit()
    known_page = confirmation(client, apply(client, job, email="known@example.org"))
    other = app.test_client()
    new_page = confirmation(other, apply(other, job, email="new@example.org"))
    assert known_page == new_page


# --- all or nothing -----------------------------------------------------------------------------------------------

def test_a_failure_after_the_cv_is_stored_leaves_nothing(client, app, monkeypatch):
    job = posted()
    stored = []

    def fail(session, application, text):
        stored.append(db.session.scalar(sa.select(sa.func.count()).select_from(CandidateFile)))
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(applying, "_store_cover_letter", fail)
    response = apply(client, job)
    assert response.status_code == 500
    assert stored == [1]  # the CV was in the transaction when it failed
    assert counts() == NOTHING


def test_a_refused_cv_after_the_candidate_was_added_leaves_nothing(client, app):
    job = posted()
    apply(client, posted("Earlier"), email="ann@example.org")
    before = counts()
    response = apply(client, job, cv=b"GIF89a not a cv")
    assert response.status_code in (400, 422)
    assert counts() == before


# --- limits ---------------------------------------------------------------------------------------------------------

def test_the_sixth_application_with_one_email_within_the_hour_is_refused(make_app):
    limited = make_app(RATELIMIT_ENABLED=True)
    with limited.app_context():
        jobs = [posted(f"Job {i}") for i in range(7)]
        client = limited.test_client()
        for job in jobs[:5]:
            assert apply(client, job, email="flood@example.org").status_code == 303
        response = apply(client, jobs[5], email="FLOOD@example.org")
        assert response.status_code == 429
        html = response.get_data(as_text=True)
        assert 'class="careers-header"' in html and "Too many applications" in html and "Wait an hour" in html
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 5
        # Another address is another visitor: another e-mail from the same machine still goes through.
        assert apply(client, jobs[6], email="other@example.org").status_code == 303
        # The counters hold a digest, never the address.
        keys = [str(key) for key in limited.extensions["hiring.limiter"].storage.storage]
        assert any("apply-email" in key for key in keys)
        assert not any("flood" in key for key in keys)


def test_one_address_is_limited_whatever_the_emails(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, APPLY_LIMIT_PER_ADDRESS="3 per hour")
    with limited.app_context():
        job = posted()
        client = limited.test_client()
        for i in range(3):
            assert apply(client, job, email=f"person{i}@example.org").status_code == 303
        assert apply(client, job, email="person9@example.org").status_code == 429
        # A filled honeypot counts too: a bot cannot hammer the form for free.
        assert apply(client, job, website="x").status_code == 429


# --- CSRF -----------------------------------------------------------------------------------------------------------

def test_the_form_needs_its_csrf_token(make_app):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    with guarded.app_context():
        job = posted()
        client = guarded.test_client()
        refused = post(client, f"/careers/jobs/{job.id}/apply", form(job))
        assert refused.status_code == 400
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
        page = client.get(f"/careers/jobs/{job.id}/apply").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = post(client, f"/careers/jobs/{job.id}/apply", form(job, csrf_token=token))
        assert accepted.status_code == 303
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1


# --- query counts ---------------------------------------------------------------------------------------------------

def test_the_form_and_a_submission_take_a_fixed_number_of_queries(client, app, count_queries):
    job = posted()
    with count_queries() as page:
        assert client.get(f"/careers/jobs/{job.id}/apply").status_code == 200
    assert page.count <= 3  # the job (twice, as before) and its own questions (hiring/jobs/questions.py)
    with count_queries() as first:
        assert apply(client, job).status_code == 303
    with count_queries() as letterless:
        # Another person (same name and phone would be a likely duplicate, which writes rows of its own)
        assert apply(client, posted("Other"), cover_letter="", email="other@example.org", name="Bo Other",
                     phone="+31 20 765 4321").status_code == 303
    # 25, and one row each for the words of the CV and of the letter (the candidate search, files_service),
    # one statement looking for likely duplicates (hiring/pipeline/duplicates.py), and the job's own questions
    # (hiring/jobs/questions.py; the answers are one INSERT however many there are); the message "application
    # received" (hiring/careers/messages.py) reads the company's wording and writes its outbox row; the
    # webhook subscriptions that might want "application.created" are read once (hiring/webhooks/events.py)
    assert first.count <= 32 and letterless.count < first.count


# --- the recruiter's home (item 6) ----------------------------------------------------------------------------------

def test_the_recruiters_home_shows_the_newest_applications_from_the_site(client, app, login_as, count_queries):
    job = posted()
    staff_added = factories.application(job, factories.candidate(name="Added By Staff"))
    db.session.commit()
    for i in range(7):
        apply(client, job, name=f"Site Person {i}", email=f"site{i}@example.org")
    moved = db.session.scalar(sa.select(Application).join(Candidate).where(Candidate.name == "Site Person 6"))
    moved.stage = Stage.SCREENING
    db.session.commit()
    login_as(Role.RECRUITER)
    with count_queries() as few:
        html = client.get("/").get_data(as_text=True)
    section = html[html.index("New from the careers site"):].split("</section>")[0]
    assert re.findall(r"Site Person \d", section) == [f"Site Person {i}" for i in (5, 4, 3, 2, 1)]
    assert "Added By Staff" not in section and staff_added.id
    assert 'href="/pipeline/?stage=applied&amp;sort=newest"' in section
    for i in range(7, 12):
        apply(client, job, name=f"Site Person {i}", email=f"site{i}@example.org")
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count


def test_the_recruiters_home_says_when_there_is_nothing_new(client, login_as):
    login_as(Role.RECRUITER)
    assert "No new applications from the careers site." in client.get("/").get_data(as_text=True)


def test_whoever_types_a_known_email_cannot_answer_the_voluntary_questions_for_that_person(client, app):
    """The confirmation's link for an e-mail known already leads to the same questions and the same thanks,
    and stores nothing: the typist may not be that person. Its token has a real link's shape."""
    from hiring.pipeline import selfid
    from hiring.models import SelfIdentification

    job, other_job = posted("First"), posted("Second")
    known = factories.candidate(email="known@example.org")
    factories.application(other_job, known)
    db.session.commit()

    def link(page_client, response) -> str:
        html = page_client.get(response.headers["Location"]).get_data(as_text=True)
        return re.search(r'href="(/pipeline/self-identification/[^"]+)"', html).group(1)

    void = link(client, apply(client, job, email="known@example.org"))
    stranger = app.test_client()
    real = link(stranger, apply(stranger, job, email="new@example.org"))
    for url in (void, real):
        page = client.get(url)
        assert page.status_code == 200 and 'name="gender"' in page.get_data(as_text=True)
    token = void.rsplit("/", 1)[1]
    assert selfid.is_void(token) and not selfid.is_void(real.rsplit("/", 1)[1])
    assert selfid.read_token(db.session, token) is None
    thanks = client.post(void, data={"gender": "woman", "age_band": "25-39"})
    assert thanks.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentification)) == 0
    # The known candidate's own link still works for them.
    assert client.get(f"/pipeline/self-identification/{selfid.make_token(known.id)}").status_code == 200


def test_the_typed_letter_is_listed_as_text_on_the_candidate_page(client, app, login_as):
    job = posted()
    apply(client, job)
    candidate_id = db.session.scalar(sa.select(Candidate.id))
    login_as(Role.RECRUITER)
    html = client.get(f"/pipeline/candidates/{candidate_id}").get_data(as_text=True)
    assert ">Text<" in html and ">?<" not in html
