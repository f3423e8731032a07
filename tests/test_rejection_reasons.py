"""The company's coded rejection reasons: the list HR and admins edit, and rejecting with one of them, with the
rejection message queued only when the recruiter ticks "E-mail the candidate", in the candidate's language."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.extensions import db
from hiring.mail import sending
from hiring.models import Application, AuditEvent, OutboxMessage, RejectionReason, Role, Stage
from hiring.pipeline import rejection_reasons
from hiring.tasks import runner as task_runner
from tests import factories
from tests.mail_helpers import SmtpServer


@pytest.fixture(autouse=True)
def dispatched(monkeypatch):
    """Messages stay queued: nothing is handed to a thread that would outlive the test."""
    monkeypatch.setattr(task_runner, "dispatch", lambda app, task_id, kind, delay=0.0: None)


@pytest.fixture(autouse=True)
def _no_seeded_reasons(app):
    """The first test of a run meets the list migration 0024 seeded; every test here starts from none."""
    db.session.execute(sa.delete(RejectionReason))
    db.session.commit()


def _reason(code="requirements", label="Does not meet the requirements", **kw) -> RejectionReason:
    last = db.session.scalar(sa.select(sa.func.max(RejectionReason.position)))
    reason = RejectionReason(code=code, label=label, position=(last or 0) + 1, **kw)
    db.session.add(reason)
    db.session.flush()
    return reason


def _form(**over) -> dict:
    data = {"code": "no_permit", "label": "No permit to work here", "label_nl": "Geen werkvergunning",
            "candidate_text": "", "candidate_text_nl": ""}
    data.update(over)
    return data


def _reasons() -> list[RejectionReason]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(RejectionReason).order_by(RejectionReason.position)))


# --- the list --------------------------------------------------------------------------------------------------

def test_hr_adds_renames_reorders_retires_and_restores_a_reason(client, login_as):
    login_as(Role.HR)
    first = _reason("requirements")
    db.session.commit()
    response = client.post("/admin/rejection-reasons/new", data=_form(code="No_Permit"))
    assert response.status_code == 303
    added = [r for r in _reasons() if r.code == "no_permit"][0]  # codes are kept in lower case
    assert added.label_nl == "Geen werkvergunning" and added.position > first.position
    response = client.post(f"/admin/rejection-reasons/{added.id}/edit",
                           data=_form(label="No work permit", candidate_text="We need a work permit."))
    assert response.status_code == 303
    assert db.session.get(RejectionReason, added.id).label == "No work permit"
    client.post(f"/admin/rejection-reasons/{added.id}/move", data={"direction": "up"})
    assert [r.code for r in _reasons()] == ["no_permit", "requirements"]
    client.post(f"/admin/rejection-reasons/{added.id}/retire")
    assert db.session.get(RejectionReason, added.id).retired_at is not None
    assert [r.id for r in rejection_reasons.active(db.session)] == [first.id]
    client.post(f"/admin/rejection-reasons/{added.id}/restore")
    assert db.session.get(RejectionReason, added.id).retired_at is None
    page = client.get("/admin/rejection-reasons/").get_data(as_text=True)
    assert "No work permit" in page and "no_permit" in page
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "rejection_reason")).all()
    assert set(actions) == {"rejection_reason_created", "rejection_reason_updated", "rejection_reason_moved",
                            "rejection_reason_retired", "rejection_reason_restored"}
    details = db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.entity_type == "rejection_reason")).all()
    assert not any("No work permit" in str(d) or "Geen" in str(d) for d in details)  # codes and ids only


@pytest.mark.parametrize("field, value, message", [
    ("code", "", "Give the reason a short code"),
    ("code", "x" * 41, "40 characters"),
    ("code", "no permit!", "Use lowercase letters"),
    ("label", "", "Give the reason a label"),
    ("label", "y" * 121, "120 characters"),
    ("candidate_text", "z" * 501, "500 characters"),
])
def test_bad_input_is_refused_beside_its_field_with_what_was_typed_kept(client, login_as, field, value, message):
    login_as(Role.ADMIN)
    response = client.post("/admin/rejection-reasons/new", data=_form(**{field: value, "label_nl": "Typed label"}))
    assert response.status_code in (400, 409)
    html = response.get_data(as_text=True)
    assert message.lower() in html.lower() and "Typed label" in html
    assert _reasons() == []


def test_a_duplicate_code_is_refused_beside_the_code(client, login_as):
    login_as(Role.ADMIN)
    _reason("no_permit")
    db.session.commit()
    response = client.post("/admin/rejection-reasons/new", data=_form(label="Another label"))
    assert response.status_code == 409
    assert "already a reason with the code no_permit" in response.get_data(as_text=True)
    assert len(_reasons()) == 1


def test_a_reason_in_use_is_retired_not_deleted_and_the_database_refuses_too(client, login_as):
    login_as(Role.ADMIN)
    used, unused = _reason("requirements"), _reason("terms", "Terms")
    factories.application(stage=Stage.REJECTED).rejection_reason_id = used.id
    db.session.commit()
    response = client.post(f"/admin/rejection-reasons/{used.id}/delete", follow_redirects=True)
    assert "cannot be deleted; retire it instead" in response.get_data(as_text=True)
    assert db.session.get(RejectionReason, used.id) is not None
    client.post(f"/admin/rejection-reasons/{unused.id}/delete")
    assert [r.id for r in _reasons()] == [used.id]
    with pytest.raises(IntegrityError):  # the foreign key itself, whatever the app does
        db.session.execute(sa.delete(RejectionReason).where(RejectionReason.id == used.id))
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admin_and_hr_edit_the_list(client, login_as, role):
    reason = _reason()
    db.session.commit()
    login_as(role)
    assert client.get("/admin/rejection-reasons/").status_code == 403
    assert client.post("/admin/rejection-reasons/new", data=_form()).status_code == 403
    assert client.post(f"/admin/rejection-reasons/{reason.id}/retire").status_code == 403
    assert _reasons()[0].retired_at is None


def test_unknown_reasons_are_404(client, login_as):
    login_as(Role.HR)
    for url in ("/admin/rejection-reasons/999999/edit", "/admin/rejection-reasons/999999/retire",
                "/admin/rejection-reasons/999999/delete", "/admin/rejection-reasons/999999/move"):
        assert (client.post(url) if not url.endswith("edit") else client.get(url)).status_code == 404


def test_the_list_page_reads_the_same_few_queries_for_3_and_30_reasons(client, login_as, count_queries):
    login_as(Role.HR)

    def count(n):
        while len(_reasons()) < n:
            reason = _reason(f"r{len(_reasons())}", "A reason")
            factories.application(stage=Stage.REJECTED).rejection_reason_id = reason.id
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/admin/rejection-reasons/").status_code == 200
        return counter.count

    assert count(3) == count(30)


# --- rejecting --------------------------------------------------------------------------------------------------

@pytest.fixture
def world(app, login_as):
    recruiter = login_as(Role.RECRUITER)
    reason = _reason("stronger", "Others were a closer match", label_nl="Anderen pasten beter",
                     candidate_text="Other candidates matched the job more closely.",
                     candidate_text_nl="Andere kandidaten sloten beter aan bij de functie.")
    silent = _reason("values_fit", "Not a fit with our values")
    job = factories.job("Customer loyalty lead")
    candidate = factories.candidate("Zoë Candidate", "zoe.candidate@example.test")
    application = factories.application(job, candidate, stage=Stage.SCREENING)
    db.session.commit()
    return {"recruiter": recruiter, "reason": reason, "silent": silent, "application": application,
            "candidate": candidate}


def _reject(client, application, **over):
    prefix = f"a{application.id}-"
    data = {"expected_stage": "screening", "to_stage": "rejected", "reason": "", "rejection_reason_id": "0"}
    data.update(over)
    return client.post(f"/pipeline/applications/{application.id}/move",
                       data={prefix + k: v for k, v in data.items() if v is not None})


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _stage(application) -> Stage:
    db.session.expire_all()
    return db.session.get(Application, application.id).stage


def test_rejecting_without_a_reason_is_refused_beside_the_field_and_keeps_the_note(client, world):
    response = _reject(client, world["application"], reason="Typed note stays", notify="y")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose the reason for the rejection from the list." in html and "Typed note stays" in html
    assert _stage(world["application"]) is Stage.SCREENING and _outbox() == []


def test_a_retired_or_unknown_reason_is_refused(client, world):
    from hiring.models import utcnow

    world["silent"].retired_at = utcnow()
    db.session.commit()
    assert _reject(client, world["application"], rejection_reason_id=str(world["silent"].id)).status_code == 400
    assert _reject(client, world["application"], rejection_reason_id="999999").status_code == 400
    assert _stage(world["application"]) is Stage.SCREENING


def test_rejecting_without_the_box_ticked_sends_nothing(client, world):
    response = _reject(client, world["application"], rejection_reason_id=str(world["reason"].id))
    assert response.status_code == 302
    assert _stage(world["application"]) is Stage.REJECTED and _outbox() == []
    application = db.session.get(Application, world["application"].id)
    assert application.rejection_reason_id == world["reason"].id
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "stage_changed")).one()
    assert event.details["rejection_reason"] == "stronger"


@pytest.mark.parametrize("language, words, greeting", [
    (None, "Other candidates matched the job more closely.", "Dear Zoë Candidate"),
    ("en", "Other candidates matched the job more closely.", "Dear Zoë Candidate"),
    ("nl", "Andere kandidaten sloten beter aan bij de functie.", "Zoë Candidate"),
])
def test_with_the_box_ticked_one_message_goes_in_the_candidates_language(client, world, app, monkeypatch,
                                                                         language, words, greeting):
    world["candidate"].language = language
    db.session.commit()
    response = _reject(client, world["application"], rejection_reason_id=str(world["reason"].id), notify="y",
                       reason="Internal note: weaker than two others")
    assert response.status_code == 302
    (message,) = _outbox()
    assert message.kind == "rejection" and message.recipient == "zoe.candidate@example.test"
    assert message.language == (language or "en")
    assert words in message.text_body and greeting in message.text_body
    assert "Internal note" not in message.text_body and "Others were a closer match" not in message.text_body
    # ... through a real SMTP server.
    server = SmtpServer()
    for key, value in server.settings().items():
        monkeypatch.setitem(app.config, key, value)
    server.start()
    db.session.commit()  # no read transaction left open while the sender writes
    try:
        sending.send(message.id)
    finally:
        server.stop()
    (arrived,) = server.handler.messages()
    assert arrived["To"] == "zoe.candidate@example.test"
    assert words in arrived.get_body(("plain",)).get_content()
    # Never twice: the same form again is refused (the application is closed) and sends nothing more.
    assert _reject(client, world["application"], rejection_reason_id=str(world["reason"].id),
                   notify="y").status_code == 409
    assert len(_outbox()) == 1
    assert db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "rejection_emailed")).all() \
        == ["rejection_emailed"]


def test_a_reason_without_words_for_candidates_is_not_told(client, world):
    _reject(client, world["application"], rejection_reason_id=str(world["silent"].id), notify="y")
    (message,) = _outbox()
    assert "not a fit" not in message.text_body.lower()
    assert "not to go further" in message.text_body


def test_the_candidate_page_offers_the_reasons_the_box_and_a_preview(client, world):
    world["candidate"].language = "nl"
    db.session.commit()
    html = client.get(f"/pipeline/candidates/{world['candidate'].id}").get_data(as_text=True)
    assert "Others were a closer match" in html and "E-mail the candidate" in html
    assert "Nederlands" in html  # the preview is in the candidate's language
    assert 'name="a%d-notify"' % world["application"].id in html
    assert 'checked' not in html.split('name="a%d-notify"' % world["application"].id)[1].split(">")[0]


def test_interviewers_cannot_reject(client, auth, world):
    interviewer = factories.user(Role.INTERVIEWER)
    factories.assignment(world["application"], interviewer)
    db.session.commit()
    auth.logout()
    auth.login(interviewer.email)
    response = _reject(client, world["application"], rejection_reason_id=str(world["reason"].id), notify="y")
    assert response.status_code == 403
    assert _stage(world["application"]) is Stage.SCREENING and _outbox() == []


def test_careers_applications_store_the_visitors_language(app):
    from hiring.careers import applying
    import io

    job = factories.job("Support")
    db.session.commit()
    with app.test_request_context("/careers/?lang=nl"):
        received = applying.submit(db.session, job, name="Anna Visser", email="anna@example.test", phone=None,
                                   cv=io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
                                   cv_filename="cv.pdf", cover_letter="Hallo", language="nl")
    from hiring.models import Candidate
    assert db.session.get(Candidate, received.candidate_id).language == "nl"


def test_the_database_refuses_an_unsupported_language(app):
    candidate = factories.candidate("Lang Test", "lang@example.test")
    db.session.flush()
    candidate.language = "de"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
