"""The candidate's status page (issue 20, item 5): reached by a signed link from the confirmation page, the stage
in plain words and nothing of the assessments, withdrawing, a copy of one's data, a request to be erased that
the privacy officer sees and acts on; and every way a link or a request can be wrong."""
from __future__ import annotations

import io
import json
import re
import time
import zipfile

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from hiring.careers import status
from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    ErasureRequest,
    GateResult,
    Role,
    Stage,
    StageChange,
    utcnow,
)
from hiring.pipeline import selfid
from hiring.pipeline.service import move_application
from hiring.privacy.service import erase
from tests import factories
from tests.test_careers_apply import ESCAPED, SCRIPT, apply, pdf_bytes, posted

SECRET_NOTE = "Secret note: weak on empathy"
EVIDENCE = "Evidence: interrupted the caller twice"
TAKEAWAY = "Takeaway: not for us"


def url(token: str, tail: str = "") -> str:
    return f"/careers/status/{token}{tail}"


def status_link(client, response) -> str:
    """The status link the confirmation page shows after an application (absolute, as a candidate copies it)."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'href="http://localhost(/careers/status/[^"]+)"', html).group(1)


def someone(name: str = "Ann Example", stage: Stage = Stage.APPLIED, title: str = "Customer hero"):
    """A candidate with one application in `stage`, committed; returns (candidate, application, token)."""
    candidate = factories.candidate(name=name)
    application = factories.application(factories.job(title), candidate, stage=stage)
    db.session.commit()
    return candidate, application, status.make_token(candidate.id)


def assessed(candidate, interviewer_name: str = "Ivo Interviewer") -> Application:
    """An application in interviews with stored scores, a failed gate, a note in its history and a scorecard."""
    value = factories.core_value()
    application = factories.application(factories.job("Team lead"), candidate)
    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason=SECRET_NOTE, actor_id=None)
    move_application(db.session, application.id, expected_stage=Stage.SCREENING, to_stage=Stage.INTERVIEWING,
                     reason=SECRET_NOTE, actor_id=None)
    interviewer = factories.user(Role.INTERVIEWER, name=interviewer_name)
    card = factories.submitted_scorecard(factories.assignment(application, interviewer), {value: 2},
                                         evidence=EVIDENCE, recommendation="no")
    card.key_takeaways = TAKEAWAY
    application.requirements_fit, application.values_fit = 87, 41
    application.gate_result, application.gate_reasons = GateResult.FAILS, ["values_below_threshold"]
    db.session.commit()
    return application


def stage_changes(application_id: int) -> list[StageChange]:
    return db.session.scalars(sa.select(StageChange).where(StageChange.application_id == application_id)
                              .order_by(StageChange.id)).all()


# --- the happy paths --------------------------------------------------------------------------------------------

def test_a_new_candidate_follows_the_confirmation_link_to_their_status_page(client, app):
    job = posted()
    link = status_link(client, apply(client, job))
    response = client.get(link)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your applications" in html and "Ann Example" in html and "Customer hero" in html
    assert "Status: Received" in html and "Withdraw this application" in html
    assert "Download my data" in html and "Ask us to erase your data" in html
    # The link is the key: kept from other sites, search engines and caches.
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"] and response.headers["Cache-Control"] == "no-store"


def test_the_stage_is_in_plain_words_and_nothing_of_the_assessment_shows(client, app):
    candidate, _first, token = someone(stage=Stage.REJECTED)
    assessed(candidate)
    factories.application(factories.job("Night shift"), candidate, stage=Stage.DECISION)
    factories.application(factories.job("Warehouse"), candidate, stage=Stage.HIRED)
    db.session.commit()
    html = client.get(url(token)).get_data(as_text=True)
    html = re.sub(r'(href|action)="[^"]*"', "", html)  # ids and the token are no scores
    for words in ("Status: Not selected", "Status: Interviews", "Status: Decision coming", "Status: Hired"):
        assert words in html
    for secret in (SECRET_NOTE, EVIDENCE, TAKEAWAY, "Ivo Interviewer", "87", "41", "fails", "values_below",
                   "Rejected", "Screening", "Interviewing"):
        assert secret not in html, secret
    # Closed or decided applications offer no withdrawal; the two open ones do.
    assert html.count("Withdraw this application") == 2


def test_every_stage_has_plain_words():
    assert set(status.PLAIN_STAGES) == set(Stage)


def test_withdrawing_records_a_stage_change_without_a_user_and_with_the_fixed_reason(client, app):
    candidate, application, token = someone(stage=Stage.SCREENING)
    confirm = client.get(url(token, f"/applications/{application.id}/withdraw"))
    assert confirm.status_code == 200
    assert "Withdraw your application for Customer hero?" in confirm.get_data(as_text=True)
    response = client.post(url(token, f"/applications/{application.id}/withdraw"))
    assert response.status_code == 303 and response.headers["Location"].endswith(url(token))
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage is Stage.WITHDRAWN
    [change] = stage_changes(application.id)
    assert (change.from_stage, change.to_stage, change.changed_by_id) == (Stage.SCREENING, Stage.WITHDRAWN, None)
    with app.test_request_context():
        assert change.reason == status.withdrawn_text()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "stage_changed"))
    assert (event.actor_id, event.entity_id, event.details["to_stage"]) == (None, application.id, "withdrawn")
    html = client.get(url(token)).get_data(as_text=True)
    assert "Your application for Customer hero is withdrawn." in html and "Status: Withdrawn" in html
    assert "Withdraw this application" not in html


def test_download_gives_the_candidates_data_and_documents_without_the_assessments(client, app):
    job = posted()
    link = status_link(client, apply(client, job))
    candidate = db.session.scalar(sa.select(Candidate))
    assessed(candidate)
    assert client.get(link + "/data").status_code == 302  # a GET (a reload) goes back to the page
    response = client.post(link + "/data")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"filename=my-application-data-{candidate.id}.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()  # the server closes the spooled zip when the response ends
    names = archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert (data["candidate"]["name"], data["candidate"]["email"]) == ("Ann Example", "ann@example.org")
    assert {a["job"] for a in data["applications"]} == {"Customer hero", "Team lead"}
    assert all("scorecards" not in a and "values_fit" not in a for a in data["applications"])
    assert "not_included" in data
    cv = [n for n in names if n.startswith("documents/") and n.endswith(".pdf")]
    letter = [n for n in names if n.startswith("documents/") and n.endswith(".txt")]
    assert len(cv) == 1 and archive.read(cv[0]) == pdf_bytes()
    assert archive.read(letter[0]).decode() == "I love talking to customers."
    assert all(re.fullmatch(r"documents/\d+-[a-z-]+-candidate-\d+\.(pdf|txt)", n) for n in cv + letter)
    everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
    for secret in (SECRET_NOTE, EVIDENCE, TAKEAWAY, "Ivo Interviewer", "culture_veto", "scorecard_submitted"):
        assert secret not in everything, secret
    exported = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "candidate_exported"))
    assert (exported.actor_id, exported.entity_id) == (None, candidate.id)


def test_an_erasure_request_is_recorded_audited_by_ids_and_shown_to_the_privacy_officer(client, app, login_as):
    candidate, application, token = someone(name="Zed Requester")
    page = client.get(url(token, "/erasure"))
    assert page.status_code == 200 and "Send my request to erase my data" in page.get_data(as_text=True)
    response = client.post(url(token, "/erasure"))
    assert response.status_code == 303
    assert client.post(url(token, "/erasure")).status_code == 200  # asked again: the page says so, no new row
    [request] = db.session.scalars(sa.select(ErasureRequest)).all()
    assert (request.candidate_id, request.handled_at) == (candidate.id, None)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "erasure_requested"))
    assert (event.actor_id, event.entity_id, event.details) == (None, candidate.id,
                                                                {"erasure_request_id": request.id})
    html = client.get(url(token)).get_data(as_text=True)
    assert "You asked us on" in html and "Ask us to erase your data" not in html

    login_as(Role.HR)
    listing = client.get("/privacy/erasure-requests").get_data(as_text=True)
    assert "Zed Requester" in listing and f'href="/pipeline/candidates/{candidate.id}"' in listing
    assert f'href="/privacy/candidates/{candidate.id}/erase"' in listing
    erase_page = client.get(f"/privacy/candidates/{candidate.id}/erase").get_data(as_text=True)
    assert "The candidate asked for this on their status page" in erase_page
    done = client.post(f"/privacy/candidates/{candidate.id}/erase",
                       data={"reason": "Asked on the status page", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).handled_at is not None
    assert "There are no open erasure requests." in client.get("/privacy/erasure-requests").get_data(as_text=True)
    # Erased since: the link shows the neutral page, and nothing of the person.
    neutral = client.get(url(token)).get_data(as_text=True)
    assert "We have your application" in neutral and "Customer hero" not in neutral


def test_a_request_the_officer_cannot_act_on_is_marked_handled_audited(client, app, login_as):
    candidate, application, token = someone(stage=Stage.HIRED)
    client.post(url(token, "/erasure"))
    officer = login_as(Role.ADMIN)
    listing = client.get("/privacy/erasure-requests").get_data(as_text=True)
    assert "Hired: cannot be erased as a candidate" in listing and "/erase\"" not in listing
    request = db.session.scalar(sa.select(ErasureRequest))
    assert client.post(f"/privacy/erasure-requests/{request.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).handled_by_id == officer.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "erasure_request_closed"))
    assert event.details == {"erasure_request_id": request.id}
    assert client.post(f"/privacy/erasure-requests/{request.id}/close").status_code == 409
    assert client.post("/privacy/erasure-requests/999999/close").status_code == 404


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER])
def test_only_the_privacy_officers_see_and_close_requests(client, app, login_as, role):
    login_as(role)
    assert client.get("/privacy/erasure-requests").status_code == 403
    assert client.post("/privacy/erasure-requests/1/close").status_code == 403


def test_the_page_speaks_dutch_with_the_switch_keeping_the_link(client, app):
    _candidate, _application, token = someone()
    html = client.get(url(token) + "?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert f'href="{url(token)}?lang=en"' in html


def test_the_page_runs_the_same_queries_for_one_application_or_many(client, app, count_queries):
    candidate, _application, token = someone()
    db.session.expire_all()  # as in a request of its own: the candidate is read, not found in memory
    with count_queries() as one:
        assert client.get(url(token)).status_code == 200
    for _ in range(5):
        factories.application(factories.job(), candidate)
    db.session.commit()
    with count_queries() as six:
        assert client.get(url(token)).status_code == 200
    assert six.count == one.count == 3  # the candidate, the applications with their jobs, an erasure request


# --- the unhappy paths ------------------------------------------------------------------------------------------

def _not_found(response) -> None:
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "careers-header" in html  # in the careers layout
    assert "Ann Example" not in html and "Customer hero" not in html


def test_a_tampered_token_is_a_missing_page(client, app):
    _candidate, application, token = someone()
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "nonsense",
                selfid.make_token(_candidate.id)):  # another link's signature is no key here
        _not_found(client.get(url(bad)))
        _not_found(client.post(url(bad, f"/applications/{application.id}/withdraw")))
    assert stage_changes(application.id) == []


def signed_days_ago(app, candidate_id: int, days: float) -> str:
    """A real status token of the candidate's, as if signed `days` ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - days * 24 * 3600)

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=status.SALT, signer=Earlier).dumps(
        {"c": candidate_id})


def test_an_expired_token_is_a_missing_page(client, app):
    candidate, application, _token = someone()
    assert client.get(url(signed_days_ago(app, candidate.id, status.DEFAULT_LINK_DAYS - 1))).status_code == 200
    old = signed_days_ago(app, candidate.id, status.DEFAULT_LINK_DAYS + 1)
    _not_found(client.get(url(old)))
    _not_found(client.post(url(old, f"/applications/{application.id}/withdraw")))
    assert stage_changes(application.id) == []
    # A shorter setting takes the same link out of use sooner.
    app.config["CAREERS_STATUS_LINK_DAYS"] = 1
    try:
        _not_found(client.get(url(signed_days_ago(app, candidate.id, 2))))
    finally:
        del app.config["CAREERS_STATUS_LINK_DAYS"]


def test_a_known_email_gets_a_link_that_looks_the_same_but_shows_only_the_neutral_page(client, app):
    job, other = posted(), posted("Night owl")
    candidate, application, _token = someone(name="Known Person")
    candidate.email = "known@example.org"
    db.session.commit()
    link = status_link(client, apply(client, other, email="known@example.org", name="Someone Else"))
    assert re.fullmatch(r"/careers/status/[A-Za-z0-9_.-]+", link)
    response = client.get(link)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "We have your application" in html
    for hidden in ("Known Person", "Someone Else", "Customer hero", "Withdraw", "Download"):
        assert hidden not in html
    # Nothing under the void link does anything.
    assert client.post(link + f"/applications/{application.id}/withdraw").status_code == 200
    assert client.post(link + "/erasure").status_code == 200
    assert client.post(link + "/data").mimetype == "text/html"
    assert stage_changes(application.id) == [] and db.session.scalar(sa.select(ErasureRequest)) is None


def test_withdrawing_twice_says_it_is_closed_and_changes_nothing(client, app):
    _candidate, application, token = someone()
    assert client.post(url(token, f"/applications/{application.id}/withdraw")).status_code == 303
    again = client.post(url(token, f"/applications/{application.id}/withdraw"))
    assert again.status_code == 409
    assert "cannot be withdrawn: it is closed already (Withdrawn)" in again.get_data(as_text=True)
    assert len(stage_changes(application.id)) == 1


@pytest.mark.parametrize("stage, words", [(Stage.REJECTED, "Not selected"), (Stage.HIRED, "Hired")])
def test_a_decided_application_cannot_be_withdrawn(client, app, stage, words):
    _candidate, application, token = someone(stage=stage)
    page = client.get(url(token, f"/applications/{application.id}/withdraw"))
    assert page.status_code == 200 and f"closed already ({words})" in page.get_data(as_text=True)
    assert "Yes, withdraw" not in page.get_data(as_text=True)
    assert client.post(url(token, f"/applications/{application.id}/withdraw")).status_code == 409
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage is stage and stage_changes(application.id) == []


def test_someone_elses_application_under_my_link_is_not_found(client, app):
    _me, _mine, token = someone()
    _other, theirs, _their_token = someone(name="Bo Other", title="Secret project")
    for method in ("get", "post"):
        response = getattr(client, method)(url(token, f"/applications/{theirs.id}/withdraw"))
        assert response.status_code == 404
        assert "Secret project" not in response.get_data(as_text=True)
    assert client.post(url(token, "/applications/99999999/withdraw")).status_code == 404
    assert stage_changes(theirs.id) == []


def test_every_button_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        _candidate, application, token = someone()
        client = app.test_client()
        for tail in (f"/applications/{application.id}/withdraw", "/data", "/erasure"):
            assert client.post(url(token, tail)).status_code == 400, tail
        assert stage_changes(application.id) == [] and db.session.scalar(sa.select(ErasureRequest)) is None
        # With the token from the page, the same button works.
        html = client.get(url(token, f"/applications/{application.id}/withdraw")).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        assert client.post(url(token, f"/applications/{application.id}/withdraw"),
                           data={"csrf_token": csrf}).status_code == 303


def test_script_in_names_and_titles_is_escaped(client, app):
    _candidate, application, token = someone(name=SCRIPT, title=SCRIPT)
    for tail in ("", f"/applications/{application.id}/withdraw"):
        html = client.get(url(token, tail)).get_data(as_text=True)
        assert SCRIPT not in html and ESCAPED in html


def test_an_erased_candidates_link_shows_the_neutral_page_and_does_nothing(client, app):
    candidate, application, token = someone()
    hr = factories.user(Role.HR)
    erase(db.session, candidate.id, reason="Asked by phone", actor_id=hr.id, now=utcnow())
    db.session.commit()
    for response in (client.get(url(token)), client.post(url(token, "/erasure")), client.post(url(token, "/data"))):
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "We have your application" in html and "Customer hero" not in html
    assert db.session.scalar(sa.select(ErasureRequest)) is None


def test_the_buttons_are_limited_per_link_in_the_careers_layout(make_app):
    app = make_app(RATELIMIT_ENABLED=True, STATUS_LIMIT_PER_LINK="2 per hour")
    with app.app_context():
        _candidate, application, token = someone()
        client = app.test_client()
        assert client.post(url(token, "/erasure")).status_code == 303
        assert client.post(url(token, "/erasure")).status_code == 200
        refused = client.post(url(token, f"/applications/{application.id}/withdraw"))
        assert refused.status_code == 429 and "Too many requests" in refused.get_data(as_text=True)
        assert "careers-header" in refused.get_data(as_text=True)
        assert stage_changes(application.id) == []
        assert client.get(url(token)).status_code == 200  # reading the page is not limited


def test_a_merged_away_candidates_link_shows_the_neutral_page(client, app):
    """Merged into another candidate (a recruiter judged them one person, and may still undo it): the old link
    shows nothing of either, so that a wrong merge never shows one person the other's applications."""
    kept, _kept_application, _kept_token = someone("Kept Person", title="Warehouse lead")
    candidate, application, token = someone("Merged Person")
    db.session.delete(application)
    candidate.merged_into_id = kept.id
    db.session.commit()
    html = client.get(url(token)).get_data(as_text=True)
    assert "We have your application" in html and "Warehouse lead" not in html and "Kept Person" not in html
