"""Candidates' privacy: the public notice, consent (form, CSV, candidate page), anonymisation after the
retention period with every statistic unchanged, and access (JSON export) and erasure requests."""
from __future__ import annotations

import dataclasses
import io
import json
import math
from datetime import timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from hiring.analytics.service import funnel_and_fairness, offer_statistics
from hiring.config import from_environment
from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    EndReason,
    InterviewKind,
    OfferDecision,
    QuitOffer,
    Rating,
    Role,
    Scorecard,
    ScorecardRevision,
    SelfIdentification,
    Stage,
    StageChange,
    utcnow,
)
from hiring.privacy.anonymise import due_candidates
from hiring.scoring.calibration_service import calibration_data
from hiring.scoring.service import score_application
from tests import factories


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# --- the notice and the settings ---------------------------------------------------------------------------

def test_the_notice_is_public_and_states_company_periods_and_rights(make_app):
    app = make_app(COMPANY_NAME="Shoe Palace", PRIVACY_RETENTION_DAYS=14, PRIVACY_CONSENT_RETENTION_DAYS=200,
                   PRIVACY_CONTACT="privacy@shoepalace.example")
    response = app.test_client().get("/privacy/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Shoe Palace" in html and "Privacy notice for candidates" in html
    assert "for 14 days after the procedure ended" in html and "for 200 days instead" in html
    assert "privacy@shoepalace.example" in html and "erased" in html and "copy of all data" in html
    assert 'class="site-header"' in html  # in the site's layout


def test_the_notice_defaults_to_four_weeks_and_a_year(client):
    html = client.get("/privacy/").get_data(as_text=True)
    assert "for 28 days after" in html and "for 365 days instead" in html
    assert "the HR department of" in html  # no contact configured


def test_retention_periods_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIVACY_RETENTION_DAYS", "30")
    monkeypatch.setenv("PRIVACY_CONSENT_RETENTION_DAYS", "400")
    settings = from_environment(tmp_path, {"SECRET_KEY": "k"})
    assert settings["PRIVACY_RETENTION_DAYS"] == 30 and settings["PRIVACY_CONSENT_RETENTION_DAYS"] == 400
    monkeypatch.setenv("PRIVACY_RETENTION_DAYS", "four weeks")
    with pytest.raises(ValueError, match="PRIVACY_RETENTION_DAYS"):
        from_environment(tmp_path, {"SECRET_KEY": "k"})


# --- consent ---------------------------------------------------------------------------------------------

def _add(client, job_id, email, **extra):
    return client.post("/pipeline/candidates/new", data={"name": "Anna de Vries", "email": email,
                                                         "job_id": job_id, **extra})


def test_consent_and_notice_are_recorded_by_the_add_form(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    db.session.commit()
    assert _add(client, job.id, "yes@example.org", retention_consent="y").status_code == 302
    assert _add(client, job.id, "no@example.org").status_code == 302
    yes, no = (db.session.scalar(sa.select(Candidate).where(Candidate.email == e))
               for e in ("yes@example.org", "no@example.org"))
    assert yes.retention_consent and yes.retention_consent_at is not None and yes.privacy_notice_at is not None
    assert not no.retention_consent and no.retention_consent_at is None and no.privacy_notice_at is not None
    page = client.get(f"/pipeline/candidates/{yes.id}").get_data(as_text=True)
    assert "Privacy notice given" in page and "yes, consent given on" in page
    assert "no consent" in client.get(f"/pipeline/candidates/{no.id}").get_data(as_text=True)


def test_the_add_form_offers_consent_unticked_and_links_the_notice(client, login_as):
    login_as(Role.RECRUITER)
    html = client.get("/pipeline/candidates/new").get_data(as_text=True)
    assert 'name="retention_consent"' in html and "checked" not in html
    assert "/privacy/" in html


def test_consent_is_changed_on_the_candidate_page_and_audited(client, login_as):
    me = login_as(Role.RECRUITER)
    candidate = factories.application().candidate
    db.session.commit()
    response = client.post(f"/privacy/candidates/{candidate.id}/consent", data={"retention_consent": "y"})
    assert response.status_code == 302 and f"/pipeline/candidates/{candidate.id}" in response.headers["Location"]
    db.session.refresh(candidate)
    assert candidate.retention_consent and candidate.retention_consent_at is not None
    assert client.post(f"/privacy/candidates/{candidate.id}/consent", data={}).status_code == 302
    db.session.refresh(candidate)
    assert not candidate.retention_consent and candidate.retention_consent_at is None
    events = _events("retention_consent_changed")
    assert [e.details for e in events] == [{"consent": True}, {"consent": False}]
    assert all(e.actor_id == me.id and e.entity_type == "candidate" and e.entity_id == candidate.id for e in events)
    # Saving the same answer again changes nothing and records nothing.
    client.post(f"/privacy/candidates/{candidate.id}/consent", data={})
    assert len(_events("retention_consent_changed")) == 2


def test_interviewers_cannot_change_consent(client, login_as):
    candidate = factories.application().candidate
    db.session.commit()
    login_as(Role.INTERVIEWER)
    url = f"/privacy/candidates/{candidate.id}/consent"
    assert client.post(url, data={"retention_consent": "y"}).status_code == 403
    assert client.post("/privacy/candidates/999999/consent", data={}).status_code == 403


def test_consent_on_an_unknown_candidate_is_404(client, login_as):
    login_as(Role.RECRUITER)
    assert client.post("/privacy/candidates/999999/consent", data={"retention_consent": "y"}).status_code == 404


def _import(client, text: str):
    return client.post("/pipeline/import", data={"file": (io.BytesIO(text.encode()), "c.csv")},
                       content_type="multipart/form-data")


def test_csv_import_reads_the_consent_column(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    known = factories.candidate(email="known@example.org")
    db.session.commit()
    text = ("name,email,job,consent\n"
            "Ann,ann@example.org,Loyalty team,yes\n"
            "Bob,bob@example.org,Loyalty team,No\n"
            "Cy,cy@example.org,Loyalty team,\n"
            "Known,known@example.org,Loyalty team,YES\n")
    assert _import(client, text).status_code == 302
    rows = {c.email: c for c in db.session.scalars(sa.select(Candidate))}
    assert {e: c.retention_consent for e, c in rows.items()} == {
        "ann@example.org": True, "bob@example.org": False, "cy@example.org": False, "known@example.org": True}
    assert rows["ann@example.org"].retention_consent_at is not None
    assert rows["bob@example.org"].retention_consent_at is None
    assert all(c.privacy_notice_at is not None for c in rows.values())
    assert known.id == rows["known@example.org"].id


def test_a_bad_consent_value_is_a_row_error_and_nothing_is_imported(client, login_as):
    login_as(Role.RECRUITER)
    factories.job(title="Loyalty team")
    db.session.commit()
    text = ("name,email,job,consent\n"
            "Ann,ann@example.org,Loyalty team,yes\n"
            "Bob,bob@example.org,Loyalty team,maybe\n")
    response = _import(client, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 1 problem in the file." in html
    assert '<td class="num">3</td><td>consent</td>' in html and "maybe" in html and "neither yes nor no" in html
    assert _count(Candidate) == 0 and _count(Application) == 0


# --- who is due ------------------------------------------------------------------------------------------

def _closed(ended_at, *, stage=Stage.REJECTED, consent=False, job=None) -> Candidate:
    """A candidate whose one application ended (moved to `stage`) at `ended_at`."""
    candidate = factories.candidate()
    candidate.retention_consent, candidate.retention_consent_at = consent, (ended_at if consent else None)
    application = factories.application(job, candidate, stage=stage)
    application.applied_at = ended_at - timedelta(days=20)
    application.stage_changed_at = ended_at
    db.session.add(StageChange(application=application, from_stage=None, to_stage=Stage.APPLIED,
                               changed_at=ended_at - timedelta(days=20), reason="Applied"))
    db.session.add(StageChange(application=application, from_stage=Stage.APPLIED, to_stage=stage,
                               changed_at=ended_at, reason="Not this time"))
    return candidate


def test_who_is_due_at_the_boundaries(app):
    now = utcnow().replace(microsecond=0)
    day = timedelta(days=1)
    exactly = _closed(now - 28 * day)
    almost = _closed(now - 28 * day + timedelta(seconds=1))
    withdrawn = _closed(now - 40 * day, stage=Stage.WITHDRAWN)
    consent_waiting = _closed(now - 300 * day, consent=True)
    consent_due = _closed(now - 365 * day, consent=True)
    hired = _closed(now - 900 * day, stage=Stage.HIRED)
    still_open = _closed(now - 900 * day, stage=Stage.SCREENING)
    # Two applications: the later ending counts, and an open one keeps the candidate.
    late_ending = _closed(now - 500 * day)
    late = factories.application(None, late_ending, stage=Stage.WITHDRAWN)
    db.session.add(StageChange(application=late, from_stage=Stage.APPLIED, to_stage=Stage.WITHDRAWN,
                               changed_at=now - 10 * day, reason="Took another job"))
    late.stage_changed_at = now - 10 * day
    one_open = _closed(now - 500 * day)
    factories.application(None, one_open, stage=Stage.INTERVIEWING)
    done = _closed(now - 500 * day)
    done.anonymised_at = now - 400 * day
    db.session.commit()

    due = due_candidates(db.session, now, days=28, consent_days=365)
    assert [d.candidate_id for d in due] == [consent_due.id, withdrawn.id, exactly.id]  # oldest ending first
    by_id = {d.candidate_id: d for d in due}
    assert by_id[consent_due.id].consent and by_id[consent_due.id].days == 365
    assert not by_id[exactly.id].consent and by_id[exactly.id].days == 28
    assert by_id[exactly.id].ended_at == now - 28 * day
    never = {almost.id, consent_waiting.id, hired.id, still_open.id, late_ending.id, one_open.id, done.id}
    assert never.isdisjoint(by_id)
    # A shorter consent period than the standard one is honoured too: it is a setting, not a rule.
    assert consent_waiting.id in {d.candidate_id for d in due_candidates(db.session, now, days=28, consent_days=200)}


def test_purge_dry_run_lists_and_changes_nothing(app, runner):
    now = utcnow()
    due = _closed(now - timedelta(days=29))
    due_consent = _closed(now - timedelta(days=366), consent=True)
    not_yet = _closed(now - timedelta(days=27))
    hired = _closed(now - timedelta(days=800), stage=Stage.HIRED)
    db.session.commit()
    names = {c.id: c.name for c in (due, due_consent, not_yet, hired)}

    result = runner.invoke(args=["purge-candidates", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"candidate {due.id}: procedure ended" in result.output and "standard period, 28 days" in result.output
    assert f"candidate {due_consent.id}: procedure ended" in result.output
    assert "consent period, 365 days" in result.output
    assert f"candidate {not_yet.id}:" not in result.output and f"candidate {hired.id}:" not in result.output
    assert "Dry run: 2 candidates would be anonymised; nothing was changed." in result.output
    db.session.expire_all()
    assert {c.id: c.name for c in db.session.scalars(sa.select(Candidate))} == names
    assert db.session.scalar(sa.select(sa.func.count(Candidate.anonymised_at))) == 0
    assert _count(AuditEvent) == 0


# --- purge: anonymised, statistics unchanged ----------------------------------------------------------------

def _plain(value):
    """Statistics as plain, comparable data: dataclasses and arrays unpacked, NaN made comparable.

    Anonymising updates rows, and PostgreSQL then returns them in another order: sums of floats may differ
    in the last bit and groups of equal rate may swap places. So floats are rounded to 9 places and groups
    sorted by name; every figure itself must stay the same."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        if items and all(isinstance(v, dict) and "group" in v for v in items):
            items.sort(key=lambda v: str(v["group"]))
        return items
    if isinstance(value, (float, np.floating)):
        return "nan" if math.isnan(value) else round(float(value), 9)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _statistics(now):
    db.session.expire_all()
    return _plain({"funnel": funnel_and_fairness(db.session), "calibration": calibration_data(db.session),
                   "offer": offer_statistics(db.session, now.date(), now)})


def _company(now):
    """Twelve candidates with self-identification, histories, scorecards (one vetoed and amended), hires with
    offers; every text written about candidate i carries the marker NOTE-i."""
    values = [factories.core_value(), factories.core_value()]
    job = factories.job(title="Loyalty team")
    interviewers = [factories.user(Role.INTERVIEWER) for _ in range(3)]
    ended = now - timedelta(days=300)
    people = []
    for i in range(12):
        outcome = [Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED, Stage.INTERVIEWING][i % 4]
        candidate = factories.candidate(name=f"Person NOTE-{i}", email=f"note-{i}@example.org")
        candidate.phone, candidate.source = f"+31 6 NOTE-{i}", f"Referral NOTE-{i}"
        # Groups of different sizes: on a tie in rate and size the fairness report's reference group
        # depends on the order rows come back in, which an UPDATE changes on PostgreSQL.
        db.session.add(SelfIdentification(candidate_id=candidate.id, gender="woman" if i < 5 else "man",
                                          age_band=("25-39", "40-54")[i % 3 == 0]))
        application = factories.application(job, candidate, stage=outcome)
        application.applied_at = ended - timedelta(days=30 + i)
        path = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING]
        if outcome is not Stage.INTERVIEWING:
            path.append(outcome)
        for step, (before, after) in enumerate(zip([None, *path], path)):
            at = (ended + timedelta(hours=i) if after is outcome
                  else application.applied_at + timedelta(days=5 * step))
            db.session.add(StageChange(application=application, from_stage=before, to_stage=after, changed_at=at,
                                       reason=f"Moved, NOTE-{i}"))
        application.stage_changed_at = ended + timedelta(hours=i)
        for n, interviewer in enumerate(interviewers[:2]):
            assignment = factories.assignment(application, interviewer, (InterviewKind.VALUES, InterviewKind.SKILLS)[n])
            scores = {values[0]: 2 + (i + n) % 4, values[1]: 1 + (i * 3 + n) % 5,
                      job.requirements[0]: 1 + (i + 2 * n) % 5, job.requirements[1]: None if i == 5 else 3}
            card = factories.submitted_scorecard(assignment, scores, evidence=f"Said NOTE-{i}",
                                                 veto=f"Rude, NOTE-{i}" if i == 0 and n == 0 else None)
            card.key_takeaways = f"Takeaway NOTE-{i}"
            if i == 0 and n == 0:
                db.session.add(ScorecardRevision(
                    scorecard=card, version=1, reason=f"Corrected, NOTE-{i}",
                    snapshot={"recommendation": "no", "key_takeaways": f"Earlier NOTE-{i}", "culture_veto": True,
                              "veto_reason": f"Earlier veto NOTE-{i}", "submitted_at": None,
                              "ratings": [{"requirement_id": None, "core_value_id": values[0].id, "score": 1,
                                           "no_evidence": False, "evidence": f"Earlier NOTE-{i}"}]}))
        db.session.flush()
        score_application(db.session, application.id)
        if outcome is Stage.HIRED:
            start = (ended - timedelta(days=200)).date()
            hire = factories.hire(application, start=start)
            offered = ended - timedelta(days=160)
            taken = i == 2
            db.session.add(QuitOffer(hire=hire, amount_minor=400_000, currency="USD", offered_at=offered,
                                     deadline=offered + timedelta(days=7),
                                     decision=OfferDecision.TAKEN if taken else OfferDecision.STAYED,
                                     decided_at=offered + timedelta(days=1), paid_minor=400_000 if taken else None))
            if taken:
                hire.end_date, hire.end_reason = offered.date() + timedelta(days=2), EndReason.OFFER_ACCEPTED
        people.append((i, outcome, candidate.id))
    db.session.commit()
    return people


def _texts_by_table() -> dict[str, str]:
    """Every row of every table but the audit log, as text, to search for what should be gone."""
    return {table.name: "\n".join(str(tuple(row)) for row in db.session.execute(table.select()))
            for table in db.metadata.sorted_tables if table.name != "audit_events"}


def test_purge_anonymises_due_candidates_and_every_statistic_is_unchanged(app, runner):
    now = utcnow()
    people = _company(now)
    first = db.session.scalars(sa.select(Application.gate_reasons).order_by(Application.id)).first()
    assert any(r.get("code") == "culture_veto" and "NOTE-0" in r.get("reason", "") for r in first or [])
    before = _statistics(now)
    ratings = sa.select(Rating.id, Rating.score, Rating.no_evidence).order_by(Rating.id)
    stored = sa.select(Application.id, Application.requirements_fit, Application.values_fit, Application.gate_result,
                       Application.stage).order_by(Application.id)
    scores_before, stored_before = db.session.execute(ratings).all(), db.session.execute(stored).all()

    result = runner.invoke(args=["purge-candidates"])
    assert result.exit_code == 0, result.output
    gone = [(i, cid) for i, outcome, cid in people if outcome in (Stage.REJECTED, Stage.WITHDRAWN)]
    kept = [(i, cid) for i, outcome, cid in people if outcome not in (Stage.REJECTED, Stage.WITHDRAWN)]
    assert "6 candidates anonymised." in result.output
    assert all(f"Anonymised candidate {cid}: procedure ended" in result.output for _i, cid in gone)

    assert _statistics(now) == before
    assert db.session.execute(ratings).all() == scores_before
    assert db.session.execute(stored).all() == stored_before
    assert _count(SelfIdentification) == 12

    candidates = {c.id: c for c in db.session.scalars(sa.select(Candidate))}
    for i, cid in gone:
        c = candidates[cid]
        assert c.name == f"Anonymised candidate {cid}" and c.email == f"anonymised-{cid}@invalid"
        assert c.phone is None and c.source is None and c.anonymised_at is not None
    texts = _texts_by_table()
    everything = "\n".join(texts.values())
    for i, _cid in gone:
        assert f"NOTE-{i})" not in everything and f"NOTE-{i}'" not in everything and f"NOTE-{i}\"" not in everything, i
    for i, cid in kept:
        assert candidates[cid].name == f"Person NOTE-{i}" and f"Said NOTE-{i}" in texts["ratings"]
    # The veto stays (it is part of the gate), its words do not.
    vetoed = db.session.scalar(sa.select(Scorecard).where(Scorecard.culture_veto))
    assert vetoed.veto_reason == "Removed when the candidate was anonymised." and vetoed.key_takeaways == ""
    revision = db.session.scalar(sa.select(ScorecardRevision))
    assert revision.snapshot["ratings"][0]["score"] == 1 and revision.snapshot["ratings"][0]["evidence"] == ""

    events = _events("candidate_anonymised")
    assert sorted(e.entity_id for e in events) == sorted(cid for _i, cid in gone)
    assert all(e.actor_id is None and e.entity_type == "candidate" and e.details["period"] == "standard"
               and e.details["days"] == 28 for e in events)
    assert not any("NOTE" in json.dumps(e.details) or "@" in json.dumps(e.details) for e in events)

    again = runner.invoke(args=["purge-candidates"])
    assert "0 candidates anonymised." in again.output and len(_events("candidate_anonymised")) == 6


# --- export (access request) -----------------------------------------------------------------------------

def _interviewed_candidate():
    value = factories.core_value(name="Deliver WOW")
    job = factories.job(title="Loyalty team")
    interviewer = factories.user(Role.INTERVIEWER, name="Ingrid Interviewer")
    candidate = factories.candidate(name="Anna de Vries", email="anna@example.org")
    candidate.phone, candidate.retention_consent, candidate.retention_consent_at = "+31 6 1234", True, utcnow()
    candidate.privacy_notice_at = utcnow()
    application = factories.application(job, candidate, stage=Stage.INTERVIEWING)
    db.session.add(StageChange(application=application, from_stage=None, to_stage=Stage.APPLIED, reason="Added"))
    assignment = factories.assignment(application, interviewer, InterviewKind.VALUES)
    factories.submitted_scorecard(assignment, {value: 4, job.requirements[0]: 3}, evidence="Calmed an angry caller")
    db.session.add(SelfIdentification(candidate_id=candidate.id, gender="woman", age_band="25-39"))
    db.session.commit()
    return candidate, application


def test_export_gives_everything_held_and_is_audited(client, login_as):
    me = login_as(Role.HR)
    candidate, application = _interviewed_candidate()
    response = client.post(f"/privacy/candidates/{candidate.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="candidate-{candidate.id}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["candidate"]["name"] == "Anna de Vries" and data["candidate"]["email"] == "anna@example.org"
    assert data["candidate"]["phone"] == "+31 6 1234"
    assert data["privacy"]["retention_consent"] is True and data["privacy"]["notice_given_at"]
    [exported] = data["applications"]
    assert (exported["id"], exported["job"], exported["stage"]) == (application.id, "Loyalty team", "interviewing")
    assert exported["stage_history"][0]["to"] == "applied" and exported["stage_history"][0]["reason"] == "Added"
    [card] = exported["scorecards"]
    assert card["interview"] == "values" and card["recommendation"] == "yes"
    assert {(r["core_value"], r["requirement"], r["score"], r["evidence"]) for r in card["ratings"]} == {
        ("Deliver WOW", None, 4, "Calmed an angry caller"), (None, "Requirement 1", 3, "Calmed an angry caller")}
    assert data["self_identification"]["gender"] == "woman"
    assert "Ingrid" not in response.get_data(as_text=True)  # colleagues are not part of it
    [event] = _events("candidate_exported")
    assert event.actor_id == me.id and event.entity_type == "candidate" and event.entity_id == candidate.id
    assert "anna" not in json.dumps(event.details).lower()


def test_export_takes_the_same_number_of_queries_for_more_applications(client, login_as, count_queries):
    login_as(Role.HR)
    candidate, _application = _interviewed_candidate()
    with count_queries() as one:
        assert client.post(f"/privacy/candidates/{candidate.id}/export").status_code == 200
    for _ in range(3):
        other = factories.application(None, candidate, stage=Stage.INTERVIEWING)
        factories.submitted_scorecard(factories.assignment(other), {other.job.requirements[0]: 2})
    db.session.commit()
    with count_queries() as four:
        assert client.post(f"/privacy/candidates/{candidate.id}/export").status_code == 200
    assert four.count == one.count


# --- erase on request ------------------------------------------------------------------------------------

def test_erase_withdraws_open_applications_and_anonymises_at_once(client, login_as):
    me = login_as(Role.HR)
    candidate, application = _interviewed_candidate()
    rejected = factories.application(None, candidate, stage=Stage.REJECTED)
    db.session.commit()
    page = client.get(f"/privacy/candidates/{candidate.id}/erase")
    assert page.status_code == 200 and "Loyalty team" in page.get_data(as_text=True)
    response = client.post(f"/privacy/candidates/{candidate.id}/erase",
                           data={"reason": "Asked by e-mail on 3 March", "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pipeline/candidates/{candidate.id}")
    db.session.expire_all()
    erased = db.session.get(Candidate, candidate.id)
    assert erased.name == f"Anonymised candidate {candidate.id}"
    assert erased.email == f"anonymised-{candidate.id}@invalid"
    assert erased.phone is None and erased.anonymised_at is not None
    assert db.session.get(Application, application.id).stage is Stage.WITHDRAWN
    assert db.session.get(Application, rejected.id).stage is Stage.REJECTED
    last = db.session.scalar(sa.select(StageChange).where(StageChange.application_id == application.id)
                             .order_by(StageChange.id.desc()))
    # The reason confirms the request and is kept nowhere (it may name the candidate).
    assert (last.to_stage, last.reason, last.changed_by_id) == (
        Stage.WITHDRAWN, "Withdrawn: the candidate asked to be erased.", me.id)
    assert db.session.scalar(sa.select(Rating.evidence).limit(1)) == ""
    [event] = _events("candidate_erased")
    assert event.actor_id == me.id and event.entity_id == candidate.id
    assert event.details == {"withdrawn_applications": [application.id]}
    assert [e.entity_id for e in _events("stage_changed")] == [application.id]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anonymised on" in html and "Erase on request" not in html and "anna@example.org" not in html
    # Once anonymised, there is nothing left to erase.
    assert client.get(f"/privacy/candidates/{candidate.id}/erase").status_code == 409


def test_a_hired_candidate_cannot_be_erased(client, login_as):
    login_as(Role.ADMIN)
    hire = factories.hire()
    candidate_id = hire.application.candidate_id
    db.session.commit()
    page = client.get(f"/privacy/candidates/{candidate_id}/erase")
    assert page.status_code == 409 and "employment data" in page.get_data(as_text=True)
    response = client.post(f"/privacy/candidates/{candidate_id}/erase", data={"reason": "Asked", "confirm": "y"})
    assert response.status_code == 409 and "employment data" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Candidate, candidate_id).anonymised_at is None and not _events("candidate_erased")


def test_erase_needs_a_reason_and_a_confirmation_and_keeps_what_was_typed(client, login_as):
    login_as(Role.HR)
    candidate, application = _interviewed_candidate()
    no_reason = client.post(f"/privacy/candidates/{candidate.id}/erase", data={"reason": "  ", "confirm": "y"})
    assert no_reason.status_code == 400
    html = no_reason.get_data(as_text=True)
    assert 'id="reason-error"' in html and "Give the reason for the erasure" in html
    assert '<input checked id="confirm" name="confirm"' in html  # the tick is kept
    no_confirm = client.post(f"/privacy/candidates/{candidate.id}/erase", data={"reason": "Asked by phone"})
    assert no_confirm.status_code == 400
    html = no_confirm.get_data(as_text=True)
    assert 'id="confirm-error"' in html and "Asked by phone</textarea>" in html
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).anonymised_at is None
    assert db.session.get(Application, application.id).stage is Stage.INTERVIEWING


def test_unknown_candidates_are_404(client, login_as):
    login_as(Role.HR)
    assert client.get("/privacy/candidates/999999/erase").status_code == 404
    assert client.post("/privacy/candidates/999999/erase", data={"reason": "x", "confirm": "y"}).status_code == 404
    assert client.post("/privacy/candidates/999999/export").status_code == 404


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_hr_and_admins_export_or_erase(client, login_as, role):
    candidate, _application = _interviewed_candidate()
    login_as(role)
    assert client.get(f"/privacy/candidates/{candidate.id}/erase").status_code == 403
    # A crafted POST is refused too, and changes nothing.
    erase = f"/privacy/candidates/{candidate.id}/erase"
    assert client.post(erase, data={"reason": "x", "confirm": "y"}).status_code == 403
    assert client.post(f"/privacy/candidates/{candidate.id}/export").status_code == 403
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).anonymised_at is None and _count(AuditEvent) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    candidate, _application = _interviewed_candidate()
    for response in (client.get(f"/privacy/candidates/{candidate.id}/erase"),
                     client.post(f"/privacy/candidates/{candidate.id}/export")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_candidate_page_shows_privacy_buttons_by_role(client, auth, login_as):
    candidate, _application = _interviewed_candidate()
    login_as(Role.RECRUITER)
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "Save consent" in html and "Export data (JSON)" not in html and "Erase on request" not in html
    auth.logout()
    login_as(Role.HR)
    html = client.get(f"/pipeline/candidates/{candidate.id}").get_data(as_text=True)
    assert "Export data (JSON)" in html and "Erase on request" in html and "Privacy notice given" in html


# --- the migration keeps existing candidates --------------------------------------------------------------

def test_upgrading_to_the_privacy_columns_keeps_every_application(app):
    downgrade(revision="0001")
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO jobs (id, title, description, requirements_threshold, values_threshold, "
                             "status, created_at) VALUES (1, 'Job', '', 60, 60, 'open', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO candidates (id, name, email, created_at) "
                             "VALUES (1, 'Old', 'old@example.org', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO applications (id, candidate_id, job_id, stage, applied_at, stage_changed_at) "
                             "VALUES (1, 1, 1, 'applied', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    upgrade()
    db.session.expire_all()
    assert _count(Application) == 1
    old = db.session.get(Candidate, 1)
    assert old.retention_consent is False and old.privacy_notice_at is None and old.anonymised_at is None


def test_the_privacy_forms_carry_their_csrf_token(make_app):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.HR, email="hr-csrf@example.test")
        candidate_id = factories.application().candidate_id
        db.session.commit()
    # Requests outside that context: each gets its own, as in production (Flask-WTF keeps the token in g).
    client = app.test_client()

    def token(url, pattern=r'name="csrf_token" type="hidden" value="([^"]+)"'):
        page = client.get(url).get_data(as_text=True)
        return re.search(pattern, page[max(page.find('id="privacy"'), 0):]).group(1)

    client.post("/login", data={"email": "hr-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token("/login")})
    on_page = token(f"/pipeline/candidates/{candidate_id}", r'name="csrf_token" value="([^"]+)"')
    assert client.post(f"/privacy/candidates/{candidate_id}/export").status_code == 400
    assert client.post(f"/privacy/candidates/{candidate_id}/export", data={"csrf_token": on_page}).status_code == 200
    assert client.post(f"/privacy/candidates/{candidate_id}/consent",
                       data={"csrf_token": on_page, "retention_consent": "y"}).status_code == 302
    assert client.post(f"/privacy/candidates/{candidate_id}/erase",
                       data={"csrf_token": token(f"/privacy/candidates/{candidate_id}/erase"), "reason": "Asked",
                             "confirm": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(Candidate, candidate_id).anonymised_at is not None
