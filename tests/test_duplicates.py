"""Likely duplicate candidates: found when candidates are added, shown to recruiters, merged, undone, confirmed."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateFile,
    CandidateMerge,
    DuplicateSuspicion,
    FileKind,
    Role,
    SelfIdentification,
    Stage,
    SuspicionReason,
    SuspicionState,
    utcnow,
)
from hiring.pipeline import duplicates, files_service, merging
from hiring.pipeline.duplicates import email_key, name_block, phone_digits, similar_names
from hiring.pipeline.service import add_candidate
from tests import factories
from tests.test_candidate_files import pdf_bytes


# --- the keys, pure ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, key", [
    ("+31 6 1234 5678", "+31612345678"),
    ("0031 (0)6-1234-5678", "+310612345678"),
    ("0031 6 12345678", "+31612345678"),
    ("06 12 34 56 78", "0612345678"),
    ("06-12345678", "0612345678"),
    ("1234567", None),  # too short to tell people apart
    ("ext. 12", None),
    ("", None),
    (None, None),
])
def test_phone_digits(typed, key):
    assert phone_digits(typed) == key


@pytest.mark.parametrize("first, second, same", [
    ("Jan.de.Vries@gmail.com", "jandevries@gmail.com", True),
    ("jan+jobs@gmail.com", "jan@googlemail.com", True),
    ("j.an+x@outlook.com", "j.an@outlook.com", True),
    ("j.an@outlook.com", "jan@outlook.com", False),  # Outlook keeps its dots
    ("jan+x@company.nl", "jan@company.nl", False),  # unknown provider: compared as it is
])
def test_email_key(first, second, same):
    assert (email_key(first) == email_key(second)) is same


def test_similar_names_fold_case_accents_and_spaces():
    assert similar_names("Zoë  Ångström", "zoe angstrom")
    assert similar_names("Anna Jansen", "Anna Janssen")
    assert not similar_names("Anna Jansen", "Piet Jansen")
    assert name_block("Zoë Ångström", "z@Example.org") == name_block("zoe a", "other@example.org")
    assert name_block("Zoë", "no-address") is None


# --- finding them when candidates are added ---------------------------------------------------------------------

def _add(name, email, phone=None, job=None, actor_id=None):
    application = add_candidate(db.session, name=name, email=email, phone=phone, source=None,
                                job_id=(job or factories.job()).id, actor_id=actor_id)
    db.session.commit()
    return application.candidate


def _suspicions():
    return db.session.execute(sa.select(DuplicateSuspicion.candidate_id, DuplicateSuspicion.other_candidate_id,
                                        DuplicateSuspicion.reason).order_by(DuplicateSuspicion.id)).all()


def test_same_phone_in_another_format_is_suspected(app):
    old = _add("Jan de Vries", "jan@example.org", "+31 6 1234 5678")
    new = _add("J. Vries", "jdv@other.test", "0031-6-12345678")
    assert _suspicions() == [(new.id, old.id, SuspicionReason.SAME_PHONE)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "duplicate_suspected"))
    assert event.entity_id == new.id and event.details["reason"] == "same_phone"
    assert "Vries" not in str(event.details) and "6123" not in str(event.details)


def test_same_email_apart_from_dots_and_tags_is_suspected(app):
    old = _add("Anna Smit", "anna.smit@gmail.com")
    new = _add("A. Smit", "annasmit+jobs@googlemail.com")
    assert _suspicions() == [(new.id, old.id, SuspicionReason.SAME_EMAIL)]


def test_similar_name_at_the_same_domain_is_suspected(app):
    old = _add("Anna Janssen", "anna@bakery.nl")
    new = _add("anna jansen", "a.jansen@bakery.nl")
    assert _suspicions() == [(new.id, old.id, SuspicionReason.SIMILAR_NAME)]


def test_not_suspected_same_name_elsewhere_short_phones_or_others(app):
    _add("Anna Jansen", "anna@bakery.nl", "1234567")
    _add("Anna Jansen", "anna@butcher.nl", "1234567")  # same name, another domain; too short a phone
    _add("Piet Jansen", "piet@bakery.nl")  # same domain, another name
    _add("Jan Smit", "jan.smit@outlook.com")
    _add("Kees Smit", "jansmit@outlook.com")  # Outlook keeps its dots
    assert _suspicions() == []


def test_a_known_email_with_a_new_phone_is_compared_again(app):
    job = factories.job()
    old = _add("Jan de Vries", "jan@example.org", "0612345678")
    other = _add("Someone Else", "else@example.test", job=job)
    assert _suspicions() == []
    add_candidate(db.session, name="x", email="else@example.test", phone="06 1234 5678", source=None,
                  job_id=factories.job().id, actor_id=None)
    db.session.commit()
    assert _suspicions() == [(other.id, old.id, SuspicionReason.SAME_PHONE)]


def test_a_pair_is_suspected_once_and_not_again_after_dismissal(app):
    recruiter = factories.user(Role.RECRUITER)
    old = _add("Jan de Vries", "jan@example.org", "0612345678")
    new = _add("Jan Vries", "jv@example.test", "0612345678")
    (suspicion_id,) = db.session.scalars(sa.select(DuplicateSuspicion.id)).all()
    merging.dismiss(db.session, suspicion_id, actor_id=recruiter.id)
    db.session.commit()
    assert duplicates.look_for_duplicates(db.session, [new.id, old], actor_id=None) == []
    assert len(_suspicions()) == 1


def test_the_csv_import_looks_for_duplicates(app, client, login_as):
    job = factories.job("Baker")
    old = _add("Jan de Vries", "jan@example.org", "+31612345678")
    login_as(Role.RECRUITER)
    data = "name,email,job,phone\nJan Vries,jv@example.com,Baker,0031 6 1234 5678\n".encode()
    response = client.post("/pipeline/import", data={"file": (io.BytesIO(data), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    new = db.session.scalar(sa.select(Candidate).where(Candidate.email == "jv@example.com"))
    assert new.phone_digits == "+31612345678"
    assert _suspicions() == [(new.id, old.id, SuspicionReason.SAME_PHONE)]
    assert job.id


def test_the_careers_site_looks_for_duplicates(app):
    from hiring.careers.applying import submit

    job = factories.job(published=True, published_at=utcnow())
    old = _add("Jan de Vries", "jan@example.org", "+31612345678")
    received = submit(db.session, job, name="Jan de Vries", email="jan.devries@example.test",
                      phone="0031612345678", cv=io.BytesIO(pdf_bytes()), cv_filename="cv.pdf", cover_letter=None)
    db.session.commit()
    assert _suspicions() == [(received.candidate_id, old.id, SuspicionReason.SAME_PHONE)]


# --- what recruiters see ----------------------------------------------------------------------------------------

def _pair(job_old=None, job_new=None, *, new_name="Jan Vries"):
    """Two candidates with the same phone, each with an application and the newer with a CV."""
    old = _add("Jan de Vries", "jan@example.org", "0612345678", job=job_old)
    new = _add(new_name, "jv@example.test", "06-12345678", job=job_new)
    files_service.add_file(db.session, new.id, stream=io.BytesIO(pdf_bytes()), filename="cv.pdf", kind=FileKind.CV,
                           actor_id=None, application_id=new.applications[0].id)
    db.session.commit()
    suspicion = db.session.scalar(sa.select(DuplicateSuspicion))
    return old, new, suspicion


def test_home_list_notice_and_comparison(app, client, login_as):
    old, new, suspicion = _pair(factories.job("Baker"), factories.job("Cook"))
    login_as(Role.RECRUITER)
    home = client.get("/").get_data(as_text=True)
    assert "1 pair of candidates may be one person." in home and "/duplicates/" in home
    listing = client.get("/duplicates/").get_data(as_text=True)
    assert f"/duplicates/{suspicion.id}" in listing and "same phone number" in listing
    for candidate_id in (old.id, new.id):
        page = client.get(f"/pipeline/candidates/{candidate_id}").get_data(as_text=True)
        assert "same phone number" in page and f"/duplicates/{suspicion.id}" in page
    compare = client.get(f"/duplicates/{suspicion.id}").get_data(as_text=True)
    for text in ("Jan de Vries", "Jan Vries", "jan@example.org", "jv@example.test", "0612345678", "06-12345678",
                 "Baker", "Cook", "Merge into Jan de Vries", "Not the same person"):
        assert text in compare, text


def test_hr_and_admin_see_the_count_too(app, client, login_as):
    _pair()
    login_as(Role.HR)
    assert "1 pair of candidates may be one person." in client.get("/").get_data(as_text=True)


def test_script_in_names_is_escaped(app, client, login_as):
    _old, _new, suspicion = _pair(new_name="<script>alert(1)</script>")
    login_as(Role.RECRUITER)
    for url in (f"/duplicates/{suspicion.id}", "/duplicates/", f"/pipeline/candidates/{_old.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page, url


def test_interviewer_and_new_hire_are_refused(app, client, auth):
    _old, _new, suspicion = _pair()
    merge = None
    for role in (Role.INTERVIEWER, Role.NEW_HIRE):
        user = factories.user(role)
        db.session.commit()
        auth.login(user.email)
        for url in ("/duplicates/", f"/duplicates/{suspicion.id}"):
            assert client.get(url).status_code == 403
        for url in (f"/duplicates/{suspicion.id}/merge", f"/duplicates/{suspicion.id}/dismiss"):
            assert client.post(url).status_code == 403
        auth.logout()
    assert merge is None and db.session.get(DuplicateSuspicion, suspicion.id).state is SuspicionState.OPEN


def test_unknown_ids_are_404(app, client, login_as):
    login_as(Role.RECRUITER)
    for url in ("/duplicates/999999", "/duplicates/merges/999999"):
        assert client.get(url).status_code == 404
    for url in ("/duplicates/999999/merge", "/duplicates/999999/dismiss", "/duplicates/merges/999999/undo",
                "/duplicates/merges/999999/confirm"):
        assert client.post(url).status_code == 404


def test_posts_without_csrf_are_400(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.RECRUITER, email="dup-csrf@example.test")
        _old, _new, suspicion = _pair()
        suspicion_id = suspicion.id
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "dup-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token})
    assert client.post(f"/duplicates/{suspicion_id}/merge").status_code == 400
    assert client.post(f"/duplicates/{suspicion_id}/dismiss").status_code == 400
    page = client.get(f"/duplicates/{suspicion_id}").get_data(as_text=True)
    on_page = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/duplicates/{suspicion_id}/dismiss", data={"csrf_token": on_page}).status_code == 302
    with app.app_context():
        assert db.session.get(DuplicateSuspicion, suspicion_id).state is SuspicionState.DISMISSED


# --- merging, undoing, confirming -------------------------------------------------------------------------------

def _state(*candidate_ids):
    """Who owns what: applications, files, files' texts, self-identifications, by candidate."""
    rows = {}
    for cid in candidate_ids:
        rows[cid] = (
            sorted(db.session.scalars(sa.select(Application.id).where(Application.candidate_id == cid))),
            sorted(db.session.scalars(sa.select(CandidateFile.id).where(CandidateFile.candidate_id == cid))),
            sorted(db.session.scalars(sa.select(SelfIdentification.id)
                                      .where(SelfIdentification.candidate_id == cid))),
        )
    return rows


def test_merge_moves_everything_and_undo_puts_it_back(app, client, login_as):
    old, new, suspicion = _pair()
    db.session.add(SelfIdentification(candidate_id=new.id, declined=True))
    db.session.commit()
    before = _state(old.id, new.id)
    recruiter = login_as(Role.RECRUITER)
    response = client.post(f"/duplicates/{suspicion.id}/merge")
    merge = db.session.scalar(sa.select(CandidateMerge))
    assert response.status_code == 302 and response.location.endswith(f"/duplicates/merges/{merge.id}")
    db.session.expire_all()
    after = _state(old.id, new.id)
    assert after[new.id] == ([], [], [])
    assert after[old.id] == tuple(sorted(a + b) for a, b in zip(before[old.id], before[new.id]))
    assert db.session.get(Candidate, new.id).merged_into_id == old.id
    assert merge.moved["applications"] == before[new.id][0] and merge.merged_by_id == recruiter.id
    # The shell is hidden: its page leads to the kept candidate, the lists show only the kept one.
    shell_page = client.get(f"/pipeline/candidates/{new.id}")
    assert shell_page.status_code == 302 and shell_page.location.endswith(f"/pipeline/candidates/{old.id}")
    assert "was merged into the one shown here" in client.get(shell_page.location).get_data(as_text=True)
    listing = client.get("/pipeline/?q=Vries").get_data(as_text=True)
    assert f"/pipeline/candidates/{new.id}\"" not in listing and f"/pipeline/candidates/{old.id}" in listing
    assert "may be one person" not in client.get("/").get_data(as_text=True)
    kept_page = client.get(f"/pipeline/candidates/{old.id}").get_data(as_text=True)
    assert "Jan Vries was merged into this candidate" in kept_page
    # Undo: exactly as before, the suspicion open again.
    assert client.post(f"/duplicates/merges/{merge.id}/undo").status_code == 302
    db.session.expire_all()
    assert _state(old.id, new.id) == before
    assert db.session.get(Candidate, new.id).merged_into_id is None
    assert db.session.get(DuplicateSuspicion, suspicion.id).state is SuspicionState.OPEN
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["candidates_merged", "candidate_merge_undone"]
    # A second undo is told, not a 500.
    again = client.post(f"/duplicates/merges/{merge.id}/undo", follow_redirects=True)
    assert again.status_code == 200 and "was undone already" in again.get_data(as_text=True)


def test_confirm_deletes_the_shell(app, client, login_as):
    old, new, suspicion = _pair()
    new_id = new.id
    login_as(Role.HR)
    client.post(f"/duplicates/{suspicion.id}/merge")
    merge = db.session.scalar(sa.select(CandidateMerge))
    response = client.post(f"/duplicates/merges/{merge.id}/confirm")
    assert response.status_code == 302 and response.location.endswith(f"/pipeline/candidates/{old.id}")
    db.session.expire_all()
    assert db.session.get(Candidate, new_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DuplicateSuspicion)) == 0
    merge = db.session.get(CandidateMerge, merge.id)
    assert merge.merged_id is None and merge.confirmed_at is not None
    assert len(_state(old.id)[old.id][0]) == 2
    assert client.get(f"/pipeline/candidates/{new_id}").status_code == 404
    undo = client.post(f"/duplicates/merges/{merge.id}/undo", follow_redirects=True)
    assert "can no longer be undone" in undo.get_data(as_text=True)


def test_merge_refused_for_the_same_job_and_nothing_changes(app, client, login_as):
    job = factories.job("Night baker")
    old, new, suspicion = _pair(job, job)
    before = _state(old.id, new.id)
    login_as(Role.RECRUITER)
    compare = client.get(f"/duplicates/{suspicion.id}").get_data(as_text=True)
    assert "Both candidates applied to Night baker" in compare and "Merge into" not in compare
    response = client.post(f"/duplicates/{suspicion.id}/merge", follow_redirects=True)
    assert "Both candidates applied to Night baker" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _state(old.id, new.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateMerge)) == 0
    assert db.session.get(DuplicateSuspicion, suspicion.id).state is SuspicionState.OPEN


def test_merge_refused_for_a_hired_or_anonymised_candidate(app):
    recruiter = factories.user(Role.RECRUITER)
    old, new, suspicion = _pair()
    new.applications[0].stage = Stage.HIRED
    db.session.commit()
    with pytest.raises(merging.Conflict, match="hired"):
        merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    db.session.rollback()
    new.applications[0].stage = Stage.APPLIED
    old.anonymised_at = utcnow()
    db.session.commit()
    with pytest.raises(merging.Conflict, match="anonymised"):
        merging.merge(db.session, suspicion.id, actor_id=recruiter.id)


def test_double_submit_of_a_merge_is_told(app, client, login_as):
    _old, _new, suspicion = _pair()
    login_as(Role.RECRUITER)
    assert client.post(f"/duplicates/{suspicion.id}/merge").status_code == 302
    second = client.post(f"/duplicates/{suspicion.id}/merge", follow_redirects=True)
    assert second.status_code == 200 and "were merged already" in second.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateMerge)) == 1


def test_a_merged_away_address_applies_to_the_kept_candidate(app):
    recruiter = factories.user(Role.RECRUITER)
    old, new, suspicion = _pair()
    merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    db.session.commit()
    application = add_candidate(db.session, name="Jan Vries", email="jv@example.test", phone=None, source=None,
                                job_id=factories.job().id, actor_id=recruiter.id)
    assert application.candidate_id == old.id


def test_erasing_the_kept_candidate_takes_the_shell(app):
    from hiring.privacy.anonymise import anonymise

    recruiter = factories.user(Role.RECRUITER)
    old, new, suspicion = _pair()
    new_id = new.id
    merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    db.session.commit()
    anonymise(db.session, [old.id], utcnow())
    db.session.commit()
    assert db.session.get(Candidate, new_id) is None
    kept = db.session.get(Candidate, old.id)
    assert (kept.phone_digits, kept.email_key, kept.name_block) == (None, None, None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateFile)) == 0


def test_old_merges_are_confirmed_by_the_purge_command(app, runner):
    from datetime import timedelta

    recruiter = factories.user(Role.RECRUITER)
    _old, new, suspicion = _pair()
    new_id = new.id
    merge = merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    merge.merged_at = utcnow() - timedelta(days=31)
    db.session.commit()
    result = runner.invoke(args=["purge-candidates"])
    assert "1 merge of duplicate candidates confirmed." in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Candidate, new_id) is None


def test_the_candidate_list_costs_the_same_with_more_suspicions(app, client, login_as, count_queries):
    login_as(Role.RECRUITER)
    _pair()

    def cost(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    first = {url: cost(url) for url in ("/pipeline/", "/", "/duplicates/")}
    for n in range(5):
        _add(f"Person {n}", f"p{n}@example.test", f"0698765{n:03d}")
        _add(f"Person {n} again", f"q{n}@example.test", f"06-98765{n:03d}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DuplicateSuspicion)) >= 6
    assert {url: cost(url) for url in first} == first


def test_two_merges_at_once_make_one(app):
    """Two recruiters press "Merge" at the same moment: one merge, the other told (both databases)."""
    import threading

    from flask import get_flashed_messages

    recruiters = [factories.user(Role.RECRUITER), factories.user(Role.RECRUITER)]
    _old, _new, suspicion = _pair()
    suspicion_id, emails = suspicion.id, [r.email for r in recruiters]
    db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def press(email):
        client = app.test_client()
        client.post("/login", data={"email": email, "password": factories.PASSWORD})
        barrier.wait()
        with client:
            response = client.post(f"/duplicates/{suspicion_id}/merge")
            outcomes.append((response.status_code, get_flashed_messages()))

    threads = [threading.Thread(target=press, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _m in outcomes) == [302, 302]
    told = [m for _s, messages in outcomes for m in messages if "merged already" in m]
    assert len(told) == 1, outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateMerge)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "candidates_merged")) == 1


def test_self_identification_stays_apart_when_both_answered(app):
    """One row per candidate: the kept candidate's answers stand; the other's stay on the shell, go with it on
    confirmation, and are the merged candidate's again after an undo."""
    recruiter = factories.user(Role.RECRUITER)
    old, new, suspicion = _pair()
    old_id, new_id = old.id, new.id
    db.session.add_all([SelfIdentification(candidate_id=old_id, gender="woman"),
                        SelfIdentification(candidate_id=new_id, declined=True)])
    db.session.commit()
    before = _state(old_id, new_id)
    merge = merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    db.session.commit()
    assert merge.moved["self_identification"] is None
    after = _state(old_id, new_id)
    assert after[old_id][2] == before[old_id][2] and after[new_id][2] == before[new_id][2]
    merging.undo(db.session, merge.id, actor_id=recruiter.id)
    db.session.commit()
    assert _state(old_id, new_id) == before
    merge = merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    merging.confirm(db.session, merge.id, actor_id=recruiter.id)
    db.session.commit()
    assert db.session.scalars(sa.select(SelfIdentification.candidate_id)).all() == [old_id]
