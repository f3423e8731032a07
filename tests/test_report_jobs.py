"""Big reports prepared in the background by the task runner (a thread, or an RQ worker with Redis), shown while
they progress, downloaded once by the user who asked for them and by nobody else. Their state is a row in
`tasks` and their PDF a file in the database, never a file in an instance folder."""
from __future__ import annotations

import io
import re
import secrets
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from hiring import tasks
from hiring.extensions import db
from hiring.models import FileChunk, Role, StoredFile, Task, utcnow
from hiring.reports import background
from hiring.snapshots import end_read_transaction
from hiring.tasks import registry, runner
from tests import factories
from tests.conftest import TEST_REDIS_URL as REDIS_URL

REFRESH = '<meta http-equiv="refresh" content="2">'
_gate = threading.Event()
registry.register("test.hold", lambda task, progress: _gate.wait(30), timeout=40, give_up_after=60)


@pytest.fixture(autouse=True)
def no_task_left(app):
    """Each test leaves no task running, and nothing of a report in the instance folder."""
    _gate.clear()
    yield
    _gate.set()
    assert runner.wait_idle(60), "a report outlived its test"
    assert not (Path(app.instance_path) / "reports").exists()


def _count(model) -> int:
    db.session.commit()  # a fresh read: what the runner's own connections committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _task(job_id: str) -> Task:
    """The job's row as it is now (see _request_over)."""
    db.session.commit()
    task = db.session.get(Task, job_id)
    db.session.commit()
    return task


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _request_over() -> None:
    """The test client's requests run in the test's app context, so their session outlives them; end the
    transaction a request began and wrote nothing in, as its teardown does in production. Otherwise, on
    SQLite, a read snapshot taken before the runner wrote would refuse the test's next write."""
    end_read_transaction(db.session())


def _prepare(client, report: str, **fields) -> str:
    """Ask for a report through the page's form; returns the job's status URL."""
    response = client.post("/reports/jobs", data={"report": report, **fields})
    _request_over()
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _wait_until_finished(client, status_url: str, timeout: float = 60) -> str:
    """Poll the status page as the browser's refresh would, until it stops refreshing."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(status_url)
        _request_over()
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        if REFRESH not in page:
            return page
        assert time.monotonic() < deadline, f"the report was not ready within {timeout} s"
        time.sleep(0.1)


def _download(client, url: str):
    with client.get(url) as response:
        result = response.status_code, response.headers, response.get_data()
    _request_over()
    return result


def test_the_archival_pdfa_is_asked_for_by_its_own_button(client, login_as):
    """"Prepare a PDF/A for the archive" (the form's second button, format=pdfa) prepares the PDF/A with the
    report's tables attached, under a name that says so; the prepare page of a .pdf?format=pdfa address makes
    that button the main one."""
    from tests.pdfcheck import attached_csv, pdfa_part, reader

    login_as(Role.HR)
    page = client.get("/reports/retention.pdf?format=pdfa").get_data(as_text=True)
    _request_over()
    assert "The Offer and retention (PDF/A for the archive)" in page
    assert '<button type="submit" name="format" value="pdfa" class="button" ' in page and 'id="pdfa-hint"' in page
    status_url = _prepare(client, "fairness", format="pdfa")
    job_id = status_url.rsplit("/", 1)[1]
    assert _task(job_id).params == {"report": "fairness", "job": None, "archive": True}
    page = _wait_until_finished(client, status_url)
    assert "The PDF is ready." in page and "Hiring funnel and fairness (PDF/A for the archive)" in page
    status, headers, data = _download(client, f"/reports/jobs/{job_id}/download")
    assert status == 200 and headers["Content-Disposition"] == 'attachment; filename="funnel-and-fairness-pdfa.pdf"'
    pdf = reader(data)
    assert pdfa_part(pdf) == ("3", "B") and attached_csv(pdf, "funnel-and-fairness.csv")[0][0] == "step"
    # Any other format is the ordinary PDF.
    other = _prepare(client, "retention", format="docx")
    assert _task(other.rsplit("/", 1)[1]).params == {"report": "retention"}
    _wait_until_finished(client, other)


def test_prepared_in_a_thread_shown_while_waiting_and_downloaded_once(client, login_as):
    user = login_as(Role.HR)
    user_id, opening_id = user.id, factories.job(title="Loyalty team").id
    db.session.commit()
    # Another task holds the one thread, so that the report waits where the test can see it.
    tasks.enqueue(db.session, "test.hold", {})
    db.session.commit()
    status_url = _prepare(client, "fairness", job=str(opening_id))
    job_id = status_url.rsplit("/", 1)[1]
    row = _task(job_id)
    assert (row.kind, row.params, row.user_id, row.state) == ("report.pdf", {"report": "fairness", "job": opening_id},
                                                            user_id, "queued")
    waiting = client.get(status_url).get_data(as_text=True)
    _request_over()
    assert REFRESH in waiting and "Waiting for its turn" in waiting
    # Updated in place by a script of the site's own (the CSP allows no inline script); reloaded without.
    assert '<script src="/static/report-job.js" defer></script>' in waiting and "<script>" not in waiting
    assert "Hiring funnel and fairness: Loyalty team" in waiting
    # Clicking again while it waits does not start a second render.
    assert _prepare(client, "fairness", job=str(opening_id)) == status_url
    assert _count(Task) == 2
    _gate.set()

    page = _wait_until_finished(client, status_url)
    assert "The PDF is ready." in page
    download_url = f"/reports/jobs/{job_id}/download"
    assert f'href="{download_url}"' in page
    stored = db.session.scalars(sa.select(StoredFile)).one()  # in the database, for this user, for a day
    _request_over()
    assert (stored.name, stored.content_type, stored.owner_id) == ("funnel-and-fairness.pdf", "application/pdf",
                                                                  user_id)
    assert timedelta(hours=23) < stored.expires_at - utcnow() <= timedelta(hours=24)
    size = stored.size

    status, headers, data = _download(client, download_url)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="funnel-and-fairness.pdf"'
    assert int(headers["Content-Length"]) == len(data) == size and headers["Cache-Control"] == "no-store"
    assert data.startswith(b"%PDF-") and "Hiring funnel and fairness: Loyalty team" in _pdf_text(data)

    # Kept until downloaded, and not a moment longer.
    assert _count(StoredFile) == 0 and _count(FileChunk) == 0
    assert _download(client, download_url)[0] == 404
    assert "You have downloaded this PDF" in client.get(status_url).get_data(as_text=True)


def test_each_report_is_prepared_with_its_title_and_file_name(client, login_as):
    login_as(Role.ADMIN)
    for report, title, filename in (("onboarding", "Onboarding", "onboarding.pdf"),
                                    ("retention", "The Offer and retention", "offer-and-retention.pdf")):
        status_url = _prepare(client, report)
        assert "The PDF is ready." in _wait_until_finished(client, status_url)
        status, headers, data = _download(client, status_url + "/download")
        assert status == 200 and f'filename="{filename}"' in headers["Content-Disposition"]
        assert title in _pdf_text(data)


def _form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the page's form that asks for a report (its action is /reports/jobs)."""
    form = re.search(r'<form class="actions" method="post" action="/reports/jobs">.*?</form>', page, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


def test_a_reports_pdf_address_renders_nothing_and_offers_to_prepare_it(client, auth, login_as, monkeypatch):
    from datetime import date, timedelta

    from hiring.models import ProgrammeTask, TaskOwner
    from hiring.onboarding.enrolment import enrol

    def no_render(*args, **kwargs):
        raise AssertionError("a GET rendered a report")

    opening = factories.job(title="Loyalty team")
    db.session.add(ProgrammeTask(week=1, title="Meet the team", owner=TaskOwner.NEW_HIRE))
    db.session.flush()
    started = date.today() - timedelta(days=3)
    enrol(db.session, factories.hire(start=started, user_id=factories.user(Role.NEW_HIRE).id), started)
    opening_id = opening.id
    db.session.commit()
    assert "/login" in client.get("/reports/retention.pdf").headers["Location"]
    login_as(Role.RECRUITER)
    for url in ("/reports/retention.pdf", "/reports/fairness.pdf", "/reports/onboarding.pdf"):
        assert client.get(url).status_code == 403
    auth.logout()
    login_as(Role.HR)
    monkeypatch.setattr("hiring.reports.documents.render_pdf", no_render)
    expected = {"/reports/retention.pdf": ("The Offer and retention", {"report": "retention"}),
                f"/reports/fairness.pdf?job={opening_id}": ("Hiring funnel and fairness: Loyalty team",
                                                            {"report": "fairness", "job": str(opening_id)}),
                "/reports/fairness.pdf": ("Hiring funnel and fairness", {"report": "fairness"}),
                f"/reports/onboarding.pdf?cohort={started.isoformat()}": (
                    f"Onboarding: {started.isoformat()}", {"report": "onboarding", "cohort": started.isoformat()}),
                "/reports/onboarding.pdf": ("Onboarding", {"report": "onboarding"})}
    for url, (name, fields) in expected.items():
        response = client.get(url)
        _request_over()
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "text/html", url
        assert f"PDF of {name}</h1>" in page and "prepared in the background" in page and '<nav' in page  # layout
        assert {k: v for k, v in _form_fields(page).items() if k != "csrf_token"} == fields, url
    for url in ("/reports/fairness.pdf?job=999999", "/reports/onboarding.pdf?cohort=2001-01-01",
                "/reports/onboarding.pdf?cohort=not-a-date"):
        assert client.get(url).status_code == 404, url
        _request_over()
    assert _count(Task) == 0  # a GET starts nothing
    monkeypatch.undo()

    fields = _form_fields(client.get(f"/reports/fairness.pdf?job={opening_id}").get_data(as_text=True))
    _request_over()
    status_url = _prepare(client, fields.pop("report"), **fields)
    assert "The PDF is ready." in _wait_until_finished(client, status_url)
    status, headers, data = _download(client, status_url + "/download")
    assert status == 200 and "Hiring funnel and fairness: Loyalty team" in _pdf_text(data)


def _run_worker(connection) -> None:
    """A burst SimpleWorker in this process, so that it works on the test's database; it takes over the
    signal handlers while it runs, and they are given back."""
    from rq import Queue, SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([Queue(runner.QUEUE, connection=connection)], connection=connection).work(
            burst=True, logging_level="WARNING")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_prepared_by_an_rq_worker_in_the_users_language(make_app, redis_db):
    from rq import Queue

    app = make_app(REDIS_URL=REDIS_URL)
    with app.app_context():
        user = factories.user(Role.HR)
        user.locale = "nl"
        db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302

        status_url = _prepare(client, "retention")
        assert runner.wait_idle(0)  # nothing runs in the web process
        assert Queue(runner.QUEUE, connection=redis_db).count == 1
        assert REFRESH in client.get(status_url).get_data(as_text=True)

        _run_worker(redis_db)
        page = _wait_until_finished(client, status_url, timeout=5)
        assert f'href="{status_url}/download"' in page
        status, headers, data = _download(client, status_url + "/download")
        assert status == 200 and 'filename="offer-and-retention.pdf"' in headers["Content-Disposition"]
        text = _pdf_text(data)
        assert "Het Aanbod en behoud" in text and "The Offer and retention" not in text
        assert _download(client, status_url + "/download")[0] == 404


def test_only_the_user_who_asked_sees_or_downloads_it(client, auth, login_as):
    owner = login_as(Role.HR)
    status_url = _prepare(client, "retention")
    _wait_until_finished(client, status_url)
    auth.logout()
    for role in (Role.HR, Role.ADMIN):  # even a colleague with the same role, even an admin
        other = login_as(role)
        assert client.get(status_url).status_code == 404
        assert _download(client, status_url + "/download")[0] == 404
        auth.logout()
        assert other.id != owner.id
    auth.login(owner.email)
    assert _download(client, status_url + "/download")[0] == 200  # their attempts took nothing


def test_unknown_and_malformed_ids_and_other_tasks_are_404(client, login_as):
    user = login_as(Role.HR)
    not_a_report = tasks.record(db.session, "test.hold", {}, user_id=user.id)[0].id  # the user's, not a report
    db.session.commit()
    for job_id in (secrets.token_urlsafe(24), "not-a-job", "..", "secret_key", not_a_report):
        assert client.get(f"/reports/jobs/{job_id}").status_code == 404
        assert _download(client, f"/reports/jobs/{job_id}/download")[0] == 404


def test_starting_is_a_post_for_hr_and_admins_with_a_known_report(client, auth, login_as):
    assert "/login" in client.post("/reports/jobs", data={"report": "retention"}).headers["Location"]
    login_as(Role.RECRUITER)
    assert client.post("/reports/jobs", data={"report": "retention"}).status_code == 403
    auth.logout()
    login_as(Role.HR)
    assert client.get("/reports/jobs").status_code == 405
    assert client.post("/reports/jobs", data={"report": "dossier"}).status_code == 404
    assert client.post("/reports/jobs", data={"report": "fairness", "job": "999999"}).status_code == 404
    assert client.post("/reports/jobs", data={"report": "onboarding", "cohort": "next week"}).status_code == 404
    assert _count(Task) == 0


def test_starting_needs_the_forms_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        email = factories.user(Role.HR).email
        db.session.commit()
    # Requests run outside that context: a shared one would keep `g`, and the CSRF token in it, across requests.
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302

    refused = client.post("/reports/jobs", data={"report": "retention"})
    assert refused.status_code == 400 and _count(Task) == 0

    page = client.get("/analytics/offer").get_data(as_text=True)
    form = re.search(r'<form class="actions" method="post" action="/reports/jobs">.*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    status_url = _prepare(client, "retention", csrf_token=token)
    assert "The PDF is ready." in _wait_until_finished(client, status_url)
    # The form the report's .pdf address shows carries its token too.
    fields = _form_fields(client.get("/reports/retention.pdf").get_data(as_text=True))
    assert fields["csrf_token"] and _prepare(client, **fields) != status_url


def test_a_failing_render_is_reported_and_leaves_no_file(client, login_as, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr("hiring.reports.documents.render_pdf", broken)
    login_as(Role.HR)
    status_url = _prepare(client, "onboarding")
    page = _wait_until_finished(client, status_url)
    assert "Failed" in page and "The PDF could not be prepared" in page
    assert "the renderer fell over" not in page  # the details are in the log, not on the page or the row
    assert "the renderer fell over" in caplog.text
    row = _task(status_url.rsplit("/", 1)[1])
    assert (row.state, row.error, row.attempts) == ("failed", "error", 1)  # reports are not retried
    assert _count(StoredFile) == 0
    assert _download(client, status_url + "/download")[0] == 404


def test_a_report_about_something_removed_says_so(client, login_as, monkeypatch):
    from werkzeug.exceptions import NotFound

    def gone(*args, **kwargs):
        raise NotFound()

    monkeypatch.setattr("hiring.reports.documents.render_pdf", gone)
    login_as(Role.HR)
    page = _wait_until_finished(client, _prepare(client, "retention"))
    assert "no longer exists" in page


def test_a_pdf_over_the_file_limit_says_so_and_leaves_nothing(client, login_as, monkeypatch):
    monkeypatch.setitem(client.application.config, "FILE_MAX_BYTES", 1000)
    login_as(Role.HR)
    status_url = _prepare(client, "retention")
    page = _wait_until_finished(client, status_url)
    assert "larger than the server keeps files" in page and "FILE_MAX_MB" in page
    assert _task(status_url.rsplit("/", 1)[1]).error == "too_large"
    assert _count(StoredFile) == 0 and _count(FileChunk) == 0


def test_a_job_nobody_finished_within_the_hour_is_reported_as_such(client, login_as):
    user = login_as(Role.HR)
    job_id = background.record("retention", {}, user.id)
    db.session.execute(sa.update(Task).where(Task.id == job_id).values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "not ready within the hour" in page and REFRESH not in page
    runner.perform(job_id, client.application)  # a worker that comes too late leaves it alone
    assert _count(StoredFile) == 0
    assert "not ready within the hour" in client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)


def test_files_never_downloaded_and_old_jobs_go_after_a_day(client, login_as):
    from hiring import files

    user = login_as(Role.HR)
    day_ago = utcnow() - timedelta(hours=24, minutes=1)
    old_file = files.store(db.session, "onboarding.pdf", "application/pdf", b"%PDF old", expires_at=day_ago)
    recent_file = files.store(db.session, "onboarding.pdf", "application/pdf", b"%PDF recent",
                              expires_at=utcnow() + timedelta(hours=1))
    old_job = background.record("onboarding", {"cohort": ""}, user.id)
    db.session.execute(sa.update(Task).where(Task.id == old_job).values(created_at=day_ago, state="done"))
    ids = old_file.id, recent_file.id
    db.session.commit()
    _wait_until_finished(client, _prepare(client, "retention"))  # starting a job clears up
    assert set(db.session.scalars(sa.select(StoredFile.id))) >= {ids[1]}
    assert ids[0] not in set(db.session.scalars(sa.select(StoredFile.id)))
    assert db.session.get(Task, old_job) is None
