"""The audit log shows reasons read from the rows that hold them, so that anonymising those rows blanks the
log too; events written before that rule lose their copied text when their candidate is anonymised."""
from __future__ import annotations

import sqlalchemy as sa

from hiring.audit import record
from hiring.extensions import db
from hiring.interviews import service as interviews
from hiring.interviews.items import Answer, ScorecardInput
from hiring.models import AuditEvent, InterviewKind, Recommendation, Role, Stage, utcnow
from hiring.pipeline.service import move_application
from hiring.privacy.anonymise import anonymise
from tests import factories


def _interviewed(value, hr, interviewer, n: int):
    """An application moved twice with reasons, and a values scorecard submitted with a veto, then amended."""
    application = factories.application(factories.job())
    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason=f"Strong letter {n}", actor_id=hr.id)
    move_application(db.session, application.id, expected_stage=Stage.SCREENING, to_stage=Stage.INTERVIEWING,
                     reason=f"Passed screening {n}", actor_id=hr.id)
    assignment = factories.assignment(application, interviewer, InterviewKind.VALUES)

    def typed(veto: str) -> ScorecardInput:
        return ScorecardInput(answers={f"v{value.id}": Answer(score=2, evidence="Seen")},
                              recommendation=Recommendation.NO, culture_veto=True, veto_reason=veto)

    card = interviews.save(db.session, assignment, interviewer, typed(f"Mocked a caller {n}"), submit=True,
                           version=None)
    interviews.amend(db.session, assignment, interviewer, typed(f"Mocked two callers {n}"),
                     reason=f"Reread my notes {n}", version=str(card.version))
    db.session.commit()
    return application


def test_the_log_shows_reasons_from_their_rows_in_fixed_queries_and_erasure_blanks_them(client, login_as,
                                                                                           count_queries):
    login_as(Role.ADMIN)
    hr, interviewer = factories.user(Role.HR), factories.user(Role.INTERVIEWER)
    value = factories.core_value(name="Be humble")
    first = _interviewed(value, hr, interviewer, 1)
    db.session.expire_all()
    with count_queries() as one:
        html = client.get("/admin/audit").get_data(as_text=True)
    # The veto's reason as it was when the veto was made (kept in the revision of that version).
    texts = ("Strong letter 1", "Passed screening 1", "Reread my notes 1", "Mocked a caller 1")
    for text in texts:
        assert f"Reason: {text}" in html, text
    # ... and no copy of any of them in the events themselves.
    stored = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEvent.details)))
    assert not any(text in stored for text in texts + ("Mocked two callers 1",))
    _interviewed(value, hr, interviewer, 2)
    db.session.expire_all()
    with count_queries() as two:
        assert "Reason: Reread my notes 2" in client.get("/admin/audit").get_data(as_text=True)
    assert two.count == one.count

    anonymise(db.session, [first.candidate_id], utcnow())
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert not any(text in html for text in texts)
    assert "Reason: Removed when the candidate was anonymised." in html and "Reason: Reread my notes 2" in html


def test_anonymising_removes_text_copied_into_older_events(app):
    erased, kept = factories.application(), factories.application()
    card = factories.submitted_scorecard(factories.assignment(erased), {}, veto="Rude to Anna Smith")
    # Events as they were written before events referred to rows.
    about_erased = [
        record(db.session, actor_id=None, action="stage_changed", entity_type="application", entity_id=erased.id,
               from_stage="applied", to_stage="screening", reason="Screened Anna Smith (anna@example.org)"),
        record(db.session, actor_id=None, action="culture_veto", entity_type="scorecard", entity_id=card.id,
               application_id=erased.id, reason="Rude to Anna Smith"),
        record(db.session, actor_id=None, action="candidate_erased", entity_type="candidate",
               entity_id=erased.candidate_id, reason="Anna Smith phoned", withdrawn_applications=[erased.id]),
    ]
    other = record(db.session, actor_id=None, action="stage_changed", entity_type="application",
                   entity_id=kept.id, from_stage="applied", to_stage="screening", reason="Screened Bob")
    db.session.commit()
    ids = [e.id for e in about_erased]

    anonymise(db.session, [erased.candidate_id], utcnow())
    db.session.commit()
    details = dict(db.session.execute(sa.select(AuditEvent.id, AuditEvent.details)).all())
    assert details[ids[0]] == {"from_stage": "applied", "to_stage": "screening"}
    assert details[ids[1]] == {"application_id": erased.id}
    assert details[ids[2]] == {"withdrawn_applications": [erased.id]}
    assert details[other.id]["reason"] == "Screened Bob"  # not this candidate's: untouched


def test_sqlite_overwrites_what_is_deleted(app):
    # Build defaults differ (Debian's SQLite zeroes deleted content, the upstream default does not): the app
    # asks for it, so that an anonymised row is not left readable in the file's free space.
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
