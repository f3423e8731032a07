"""Erasure is complete: after the erase action and purge-candidates, nothing of the two candidates is left
anywhere in the database, the audit log and the file's free space included (issue 18, finding 1)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from hiring.extensions import db
from hiring.interviews import service as interviews
from hiring.interviews.items import Answer, ScorecardInput
from hiring.models import AuditEvent, InterviewKind, Recommendation, Role, Stage, StageChange, utcnow
from hiring.pipeline.service import move_application
from hiring.privacy.service import erase
from tests import factories


def _person(first: str, last: str, phone: str) -> dict:
    """Distinctive personal data and texts naming the person, as the probe wrote them."""
    email = f"{first.lower()}.{last.lower()}@{last.lower()}-mail.example"
    return {"name": f"{first} {last}", "email": email, "phone": phone,
            "texts": [f"Screened {first} {last} ({email})", f"{first} {last} interviews on Friday",
                      f"Evidence: {last} calmed the caller", f"Takeaway: {first} {last} shines",
                      f"Veto: {first} {last} mocked a customer", f"Amended after {first} {last} called back",
                      f"Rejected {first} {last}, phone {phone}", f"{first} {last} asked by phone {phone}"]}


def _through_the_pipeline(person: dict, value, hr, interviewer):
    """A candidate moved, interviewed with a veto, amended and ready to leave, every text naming them."""
    candidate = factories.candidate(name=person["name"], email=person["email"])
    candidate.phone = person["phone"]
    application = factories.application(factories.job(), candidate)
    texts = person["texts"]
    move_application(db.session, application.id, expected_stage=Stage.APPLIED, to_stage=Stage.SCREENING,
                     reason=texts[0], actor_id=hr.id)
    move_application(db.session, application.id, expected_stage=Stage.SCREENING, to_stage=Stage.INTERVIEWING,
                     reason=texts[1], actor_id=hr.id)
    assignment = factories.assignment(application, interviewer, InterviewKind.VALUES)
    answers = {f"v{value.id}": Answer(score=2, evidence=texts[2])}
    card = interviews.save(db.session, assignment, interviewer,
                           ScorecardInput(answers=answers, key_takeaways=texts[3], recommendation=Recommendation.NO,
                                          culture_veto=True, veto_reason=texts[4]), submit=True, version=None)
    interviews.amend(db.session, assignment, interviewer,
                     ScorecardInput(answers=answers, key_takeaways=texts[3], recommendation=Recommendation.NO,
                                    culture_veto=True, veto_reason=texts[4]),
                     reason=texts[5], version=str(card.version))
    db.session.commit()
    return candidate, application


def _leftovers(people: list[dict]) -> list[str]:
    """Every string of these people found in any text or JSON column of any table (either database)."""
    needles = [n for p in people for n in [p["name"], p["email"], p["phone"], *p["texts"]]]
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        for row in db.session.execute(sa.select(*columns)) if columns else []:
            text = " ".join(str(v) for v in row if v is not None)
            found += [f"{table.name}: {n}" for n in needles if n in text]
    return found


def _file_bytes() -> bytes:
    """The SQLite database file after a checkpoint that empties the write-ahead log into it."""
    db.session.remove()  # a reader left open would keep the log from being emptied
    with db.engine.connect() as conn:
        busy, _frames, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    assert busy == 0
    path = Path(db.engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_erased_and_purged_candidates_leave_nothing_behind(app, runner):
    hr = factories.user(Role.HR)
    interviewer = factories.user(Role.INTERVIEWER)
    value = factories.core_value(name="Be humble")
    erased = _person("Zebulon", "Quackenbush", "+31 6 7777 1234")
    purged = _person("Ottoline", "Fairweatherpym", "+44 7700 900123")
    erased_candidate, _ = _through_the_pipeline(erased, value, hr, interviewer)
    purged_candidate, purged_application = _through_the_pipeline(purged, value, hr, interviewer)
    move_application(db.session, purged_application.id, expected_stage=Stage.INTERVIEWING, to_stage=Stage.REJECTED,
                     reason=purged["texts"][6], actor_id=hr.id,
                     rejection_reason_id=factories.rejection_reason().id)
    # The purged candidate's procedure ended long ago; the retention period (28 days) is over.
    db.session.execute(sa.update(StageChange).where(StageChange.application_id == purged_application.id)
                       .values(changed_at=utcnow() - timedelta(days=60)))
    db.session.commit()
    assert _leftovers([erased, purged])  # the check sees them while they are there

    erase(db.session, erased_candidate.id, reason=erased["texts"][7], actor_id=hr.id, now=utcnow())
    db.session.commit()
    result = runner.invoke(args=["purge-candidates"])
    assert result.exit_code == 0 and "1 candidate anonymised." in result.output, result.output
    db.session.expire_all()

    assert _leftovers([erased, purged]) == []
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert {"stage_changed", "culture_veto", "scorecard_amended", "candidate_erased",
            "candidate_anonymised"} <= set(events)
    if db.engine.dialect.name == "sqlite":
        raw = _file_bytes()
        needles = [n for p in (erased, purged) for n in [p["name"], p["email"], p["phone"], *p["texts"]]]
        assert [n for n in needles if n.encode() in raw] == []
