"""Big reports prepared in the background (a thread, or an RQ worker with Redis), shown while they progress,
downloaded once by the user who asked for them and by nobody else."""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import time

import pytest
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Role
from hiring.reports import background
from hiring.snapshots import end_read_transaction
from tests import factories
from tests.conftest import TEST_REDIS_URL as REDIS_URL

REFRESH = '<meta http-equiv="refresh" content="2">'


@pytest.fixture(autouse=True)
def reports_folder(app):
    """Each test starts with no report jobs, and leaves no thread running and no file behind."""
    folder = background.folder(app)
    for path in folder.iterdir():
        path.unlink()
    yield folder
    background.join_threads(timeout=60)
    assert not background._threads, "a report thread outlived its test"
    for path in folder.iterdir():
        path.unlink()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _request_over() -> None:
    """The test client's requests run in the test's app context, so their session outlives them; end the
    transaction a request began and wrote nothing in, as its teardown does in production. Otherwise, on
    SQLite, its BEGIN IMMEDIATE made the report thread wait the whole busy timeout to store its snapshot,
    and a read snapshot taken before that store refused the test's next write."""
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
        return response.status_code, response.headers, response.get_data()


def test_prepared_in_a_thread_shown_while_waiting_and_downloaded_once(client, login_as, reports_folder):
    login_as(Role.HR)
    opening = factories.job(title="Loyalty team")
    db.session.commit()
    # Hold the thread's render slot, so that the job waits where the test can see it.
    with background._render_slot:
        status_url = _prepare(client, "fairness", job=str(opening.id))
        job_id = status_url.rsplit("/", 1)[1]
        assert background.ID.fullmatch(job_id)
        waiting = client.get(status_url).get_data(as_text=True)
        assert REFRESH in waiting and "Waiting for its turn" in waiting
        # Updated in place by a script of the site's own (the CSP allows no inline script); reloaded without.
        assert '<script src="/static/report-job.js" defer></script>' in waiting and "<script>" not in waiting
        assert "Hiring funnel and fairness: Loyalty team" in waiting
        # Clicking again while it waits does not start a second render.
        assert _prepare(client, "fairness", job=str(opening.id)) == status_url
    page = _wait_until_finished(client, status_url)
    assert "The PDF is ready." in page
    download_url = f"/reports/jobs/{job_id}/download"
    assert f'href="{download_url}"' in page
    pdf = reports_folder / f"{job_id}.pdf"
    assert pdf.stat().st_mode & 0o777 == 0o600  # personal data: readable by the app's user only

    status, headers, data = _download(client, download_url)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="funnel-and-fairness.pdf"'
    assert int(headers["Content-Length"]) == len(data) and headers["Cache-Control"] == "no-store"
    assert data.startswith(b"%PDF-") and "Hiring funnel and fairness: Loyalty team" in _pdf_text(data)

    # Kept until downloaded, and not a moment longer.
    assert not pdf.exists() and not list(reports_folder.glob("*.pdf*"))
    assert _download(client, download_url)[0] == 404
    assert "You have downloaded this PDF" in client.get(status_url).get_data(as_text=True)


def test_each_report_comes_out_as_its_direct_download_does(client, login_as):
    login_as(Role.ADMIN)
    for report, title, filename in (("onboarding", "Onboarding", "onboarding.pdf"),
                                    ("retention", "The Offer and retention", "offer-and-retention.pdf")):
        status_url = _prepare(client, report)
        assert "The PDF is ready." in _wait_until_finished(client, status_url)
        status, headers, data = _download(client, status_url + "/download")
        assert status == 200 and f'filename="{filename}"' in headers["Content-Disposition"]
        assert title in _pdf_text(data)


def _run_worker(connection) -> None:
    """A burst SimpleWorker in this process, so that it works on the test's database; it takes over the
    signal handlers while it runs, and they are given back."""
    from rq import Queue, SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([Queue(background.QUEUE, connection=connection)], connection=connection).work(
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
        assert not background._threads  # nothing runs in the web process
        assert Queue(background.QUEUE, connection=redis_db).count == 1
        assert REFRESH in client.get(status_url).get_data(as_text=True)

        _run_worker(redis_db)
        page = _wait_until_finished(client, status_url, timeout=5)
        assert f'href="{status_url}/download"' in page
        status, headers, data = _download(client, status_url + "/download")
        assert status == 200 and 'filename="offer-and-retention.pdf"' in headers["Content-Disposition"]
        text = _pdf_text(data)
        assert "Het Aanbod en behoud" in text and "The Offer and retention" not in text
        assert _download(client, status_url + "/download")[0] == 404


def test_the_documented_rq_worker_command_prepares_it(make_app, redis_db, database_url):
    """`rq worker --url "$REDIS_URL" hiring-reports` as README says: another process, which builds the app
    itself from the same environment (the database, the instance folder)."""
    import subprocess
    import sys
    from pathlib import Path

    app = make_app(REDIS_URL=REDIS_URL)
    with app.app_context():
        email = factories.user(Role.HR).email
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    status_url = _prepare(client, "onboarding")

    worker = Path(sys.executable).with_name("rq")
    done = subprocess.run([str(worker), "worker", "--burst", "--url", REDIS_URL, background.QUEUE],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-worker"})
    assert done.returncode == 0, done.stderr
    assert "The PDF is ready." in _wait_until_finished(client, status_url, timeout=5), done.stderr
    status, _headers, data = _download(client, status_url + "/download")
    assert status == 200 and "Onboarding" in _pdf_text(data)


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


def test_unknown_and_malformed_ids_are_404(client, login_as):
    login_as(Role.HR)
    for job_id in (secrets.token_urlsafe(24), "not-a-job", "..", "secret_key"):
        assert client.get(f"/reports/jobs/{job_id}").status_code == 404
        assert _download(client, f"/reports/jobs/{job_id}/download")[0] == 404


def test_starting_is_a_post_for_hr_and_admins_with_a_known_report(client, auth, login_as, reports_folder):
    assert "/login" in client.post("/reports/jobs", data={"report": "retention"}).headers["Location"]
    login_as(Role.RECRUITER)
    assert client.post("/reports/jobs", data={"report": "retention"}).status_code == 403
    auth.logout()
    login_as(Role.HR)
    assert client.get("/reports/jobs").status_code == 405
    assert client.post("/reports/jobs", data={"report": "dossier"}).status_code == 404
    assert client.post("/reports/jobs", data={"report": "fairness", "job": "999999"}).status_code == 404
    assert client.post("/reports/jobs", data={"report": "onboarding", "cohort": "next week"}).status_code == 404
    assert not list(reports_folder.iterdir())


def test_starting_needs_the_forms_csrf_token(make_app, reports_folder):
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
    assert refused.status_code == 400 and not list(reports_folder.iterdir())

    page = client.get("/analytics/offer").get_data(as_text=True)
    form = re.search(r'<form class="actions" method="post" action="/reports/jobs">.*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    status_url = _prepare(client, "retention", csrf_token=token)
    assert "The PDF is ready." in _wait_until_finished(client, status_url)


def test_a_failing_render_is_reported_and_leaves_no_file(client, login_as, reports_folder, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr("hiring.reports.documents.render_pdf", broken)
    login_as(Role.HR)
    status_url = _prepare(client, "onboarding")
    page = _wait_until_finished(client, status_url)
    assert "Failed" in page and "The PDF could not be prepared" in page
    assert "the renderer fell over" not in page  # the details are in the log, not on the page
    assert "the renderer fell over" in caplog.text
    assert [p.suffix for p in reports_folder.iterdir()] == [".json"]
    assert _download(client, status_url + "/download")[0] == 404


def test_a_report_about_something_removed_says_so(client, login_as, monkeypatch):
    from werkzeug.exceptions import NotFound

    def gone(*args, **kwargs):
        raise NotFound()

    monkeypatch.setattr("hiring.reports.documents.render_pdf", gone)
    login_as(Role.HR)
    page = _wait_until_finished(client, _prepare(client, "retention"))
    assert "no longer exists" in page


def test_a_file_is_whole_or_absent(tmp_path, monkeypatch):
    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(background.os, "replace", crash)
    with pytest.raises(OSError):
        background._write_atomically(tmp_path / "report.pdf", b"%PDF-" + b"x" * 1000)
    assert not list(tmp_path.iterdir())


def test_a_job_nobody_finished_within_the_hour_is_reported_as_such(client, login_as, reports_folder):
    user = login_as(Role.HR)
    job_id = background.record("retention", {}, user.id)
    path = reports_folder / f"{job_id}.json"
    state = json.loads(path.read_text())
    path.write_text(json.dumps({**state, "created": time.time() - 2 * 3600}))
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "not ready within the hour" in page and REFRESH not in page
    background.run(client.application, job_id)  # a worker that comes too late leaves it alone
    assert not (reports_folder / f"{job_id}.pdf").exists()


def test_files_never_downloaded_go_after_a_day(client, login_as, reports_folder):
    login_as(Role.HR)
    old = [reports_folder / ("a" * 32 + suffix) for suffix in (".pdf", ".json", ".pdf.sending-1234")]
    day_ago = time.time() - background.KEEP_FOR - 60
    for path in old:
        path.write_bytes(b"old")
        os.utime(path, (day_ago, day_ago))
    recent = reports_folder / ("b" * 32 + ".pdf")
    recent.write_bytes(b"recent")
    _wait_until_finished(client, _prepare(client, "retention"))  # starting a job cleans up
    assert not any(path.exists() for path in old) and recent.exists()
