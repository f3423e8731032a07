"""The guard against similarity passing for values (issue 23, item 4): the company's list of phrases (admin and
HR), the flags set at submit and amendment, the recount when the list changes (inline and as a task), the note
on the scorecard form without JavaScript, and the counts per interviewer on the calibration page."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hiring import tasks
from hiring.extensions import db
from hiring.models import AuditEvent, InterviewKind, Role, Scorecard, SimilarityPhrase, Stage, Task
from hiring.tasks import runner as task_runner
from hiring.values import similarity_service
from tests import factories


def _phrases(*texts: str) -> None:
    db.session.execute(sa.delete(SimilarityPhrase))  # the migration's list, when this test runs first
    for text in texts:
        db.session.add(SimilarityPhrase(phrase=text, folded=similarity_service.fold_phrase(text)))
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def setting(app):
    """Two core values, a requirement, and an application in interviewing; the list: two phrases."""
    _phrases("fits in", "één van ons")
    values = [factories.core_value(name="Be humble"), factories.core_value(name="Deliver WOW")]
    job = factories.job(title="Loyalty team")
    application = factories.application(job, stage=Stage.INTERVIEWING)
    db.session.commit()
    return {"values": values, "job": job, "application": application}


def _answers(values, evidence: dict[int, str], requirements=(), **extra) -> dict:
    data = {"key_takeaways": "", "recommendation": "yes", "submit": "Submit scorecard"}
    for value in values:
        data[f"rating_v{value.id}"] = "4"
        data[f"evidence_v{value.id}"] = evidence.get(value.id, "Resolved a hard complaint herself.")
    for requirement in requirements:
        data[f"rating_r{requirement.id}"] = "4"
        data[f"evidence_r{requirement.id}"] = "He fits in anywhere."  # a requirement's evidence is not counted
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _flags(assignment) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(Scorecard.similarity_flags).where(Scorecard.assignment_id == assignment.id))


def _version(assignment) -> str:
    return str(db.session.scalar(sa.select(Scorecard.version).where(Scorecard.assignment_id == assignment.id)))


# --- flags at submit and amendment ----------------------------------------------------------------------------

def test_submit_counts_the_values_evidence_that_uses_a_phrase(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    humble, wow = setting["values"]
    a = factories.assignment(setting["application"], me, InterviewKind.HIRING_MANAGER)
    db.session.commit()
    draft = _answers(setting["values"], {humble.id: "She FITS IN, really."}, setting["job"].requirements,
                     submit=None, save_draft="Save draft")
    assert client.post(f"/interviews/{a.id}/scorecard", data=draft).status_code == 302
    assert _flags(a) == 0  # a draft keeps 0
    # Without JavaScript, the saved draft shows the note next to the field, and only there.
    html = client.get(f"/interviews/{a.id}/scorecard").get_data(as_text=True)
    note = re.search(rf'id="evidence_v{humble.id}-similarity"[^>]*>([^<]*)</p>', html).group(1)
    assert "“fits in” describes likeness, not behaviour." in note and "shows this value?" in note
    assert re.search(rf'id="evidence_v{wow.id}-similarity"[^>]*></p>', html)
    assert 'data-similarity=' in html and "similarity.js" in html
    evidence = {humble.id: "She FITS IN, really.", wow.id: "Echt een van ons."}
    response = client.post(f"/interviews/{a.id}/scorecard",
                           data=_answers(setting["values"], evidence, setting["job"].requirements,
                                         version=_version(a)))
    assert response.status_code == 302  # never blocked
    assert _flags(a) == 2
    # The author's own view says so after the submit, each note beside its evidence.
    view = client.get(f"/interviews/{a.id}/scorecard/view").get_data(as_text=True)
    assert "Your evidence for 2 core values speaks of likeness" in view
    assert "“één van ons” describes likeness, not behaviour." in view
    # Amended to behaviour: the flags follow.
    amended = client.post(f"/interviews/{a.id}/scorecard/amend",
                          data=_answers(setting["values"], {humble.id: "Took the blame for a colleague."},
                                        setting["job"].requirements, amend_reason="Wrote it better",
                                        version=_version(a)))
    assert amended.status_code == 302 and _flags(a) == 0
    assert "speaks of likeness" not in client.get(f"/interviews/{a.id}/scorecard/view").get_data(as_text=True)


def test_a_refused_submit_keeps_the_note_and_the_text(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    humble, _wow = setting["values"]
    a = factories.assignment(setting["application"], me, InterviewKind.VALUES)
    db.session.commit()
    data = _answers(setting["values"], {humble.id: "He fits in."}, recommendation=None,
                    culture_veto="y", veto_reason="Somehow he fits in nowhere")
    response = client.post(f"/interviews/{a.id}/scorecard", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose an overall recommendation." in html
    assert "He fits in.</textarea>" in html
    assert re.search(r'id="veto_reason-similarity"[^>]*>“fits in” describes likeness', html)
    assert _count(Scorecard) == 0


def test_other_readers_of_a_scorecard_see_no_note(client, login_as, setting):
    humble, _wow = setting["values"]
    interviewer = factories.user(Role.INTERVIEWER)
    a = factories.assignment(setting["application"], interviewer, InterviewKind.VALUES)
    factories.submitted_scorecard(a, {humble: 4}, evidence="He fits in.")
    db.session.commit()
    login_as(Role.RECRUITER)
    html = client.get(f"/interviews/{a.id}/scorecard/view").get_data(as_text=True)
    assert "He fits in." in html and "likeness" not in html


# --- the list: admin and HR -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ADMIN, Role.HR])
def test_editors_add_and_remove_phrases_and_scorecards_are_recounted(client, login_as, setting, role):
    me = login_as(role)
    humble, wow = setting["values"]
    a = factories.assignment(setting["application"], factories.user(Role.INTERVIEWER), InterviewKind.VALUES)
    card = factories.submitted_scorecard(a, {humble: 4, wow: 3}, evidence="Great VIBES, would grab a beer.")
    draft = factories.scorecard(factories.assignment(factories.application(), factories.user(Role.INTERVIEWER)))
    draft.ratings.append(__import__("hiring.models", fromlist=["Rating"]).Rating(
        core_value_id=humble.id, score=4, evidence="great vibes"))
    db.session.commit()
    page = client.get("/values/similarity").get_data(as_text=True)
    assert "fits in" in page and "één van ons" in page and "2 phrases on the list" in page
    assert client.post("/values/similarity", data={"phrase": "  Great   vibes "}).status_code == 302
    assert _flags(a) == 2  # both values' evidence
    assert db.session.get(Scorecard, draft.id).similarity_flags == 0  # drafts are not counted
    added = db.session.scalar(sa.select(SimilarityPhrase).where(SimilarityPhrase.folded == "great vibes"))
    assert added.phrase == "Great   vibes" and added.created_by_id == me.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "similarity_phrase_added"))
    assert event.entity_id == added.id and event.details == {} and event.actor_id == me.id
    assert client.post(f"/values/similarity/{added.id}/remove").status_code == 302
    assert _flags(a) == 0 and db.session.get(SimilarityPhrase, added.id) is None
    assert db.session.scalar(sa.select(AuditEvent.details).where(
        AuditEvent.action == "similarity_phrase_removed")) == {}
    assert card.id


@pytest.mark.parametrize("typed, message", [
    ("", "Type a phrase of at least one word."),
    ("  *?!  ", "Type a phrase of at least one word."),
    ("x" * 81, "Keep the phrase to 80 characters."),
    ("FITS-in", "“fits in” is on the list already."),
    ("Eén van óns", "“één van ons” is on the list already."),
])
def test_a_refused_phrase_comes_back_beside_its_field(client, login_as, setting, typed, message):
    login_as(Role.HR)
    response = client.post("/values/similarity", data={"phrase": typed})
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 409)
    assert re.search(r'id="phrase-error"[^>]*>' + re.escape(message.replace("“", "&#8220;")) + "|"
                     + r'id="phrase-error"[^>]*>' + re.escape(message), html), html
    if typed.strip():
        assert f'value="{typed.strip()}"' in html  # what was typed is kept
    assert _count(SimilarityPhrase) == 2 and _count(AuditEvent) == 0


def test_removing_an_unknown_phrase_is_404(client, login_as, setting):
    login_as(Role.ADMIN)
    assert client.post("/values/similarity/999999/remove").status_code == 404


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE])
def test_only_admins_and_hr_edit_the_list(client, login_as, setting, role):
    login_as(role)
    phrase = db.session.scalar(sa.select(SimilarityPhrase).limit(1))
    assert client.get("/values/similarity").status_code == 403
    assert client.post("/values/similarity", data={"phrase": "good vibe"}).status_code == 403
    assert client.post(f"/values/similarity/{phrase.id}/remove").status_code == 403
    assert _count(SimilarityPhrase) == 2


def test_the_list_needs_its_csrf_token(make_app):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    with guarded.app_context():
        _phrases("fits in")
        hr = factories.user(Role.HR)
        phrase_id = db.session.scalar(sa.select(SimilarityPhrase.id))
        email = hr.email
        db.session.commit()
    client = guarded.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert client.post("/values/similarity", data={"phrase": "good vibe"}).status_code == 400
    assert client.post(f"/values/similarity/{phrase_id}/remove").status_code == 400
    with guarded.app_context():
        assert _count(SimilarityPhrase) == 1
        db.session.remove()


# --- the recount ------------------------------------------------------------------------------------------------

def test_recount_in_batches_writes_only_what_changed(app, count_queries):
    _phrases("one of us")
    value = factories.core_value()
    cards = []
    for n in range(5):
        a = factories.assignment(factories.application(), factories.user(Role.INTERVIEWER), InterviewKind.VALUES)
        cards.append(factories.submitted_scorecard(a, {value: 4}, evidence="Truly one of us." if n % 2 else "e"))
    db.session.commit()
    with count_queries() as counted:
        assert similarity_service.recount(db.session, batch=2) == 2
    # 1 for the list; per batch of 2 (3 batches and the empty one): the cards, their evidence, and an
    # UPDATE for the batches with a change (the 2nd and 3rd hold cards 1 and 3).
    updates = [s for s in counted.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2 and counted.count == 1 + 3 * 2 + 1 + 2
    db.session.commit()
    db.session.expire_all()
    assert [db.session.get(Scorecard, c.id).similarity_flags for c in cards] == [0, 1, 0, 1, 0]
    assert similarity_service.recount(db.session) == 0


def test_recount_leaves_a_scorecard_amended_meanwhile(app):
    _phrases("one of us")
    value = factories.core_value()
    a = factories.assignment(factories.application(), factories.user(Role.INTERVIEWER), InterviewKind.VALUES)
    card_id = factories.submitted_scorecard(a, {value: 4}, evidence="one of us").id
    db.session.commit()
    original = similarity_service.Matcher.count

    def amended_meanwhile(self, texts):
        # Between the recount's read and its write, an amendment (a new version) counted its own flags.
        with db.engine.begin() as conn:
            conn.execute(sa.update(Scorecard).where(Scorecard.id == card_id).values(version=Scorecard.version + 1))
        return original(self, texts)

    similarity_service.Matcher.count = amended_meanwhile
    try:
        similarity_service.recount(db.session, own_transactions=True)
    finally:
        similarity_service.Matcher.count = original
    db.session.expire_all()
    assert db.session.get(Scorecard, card_id).similarity_flags == 0


def test_the_task_runner_recounts_after_the_list_changes(make_app):
    background = make_app(SIMILARITY_RECOUNT_BACKGROUND=True)
    with background.app_context():
        _phrases()
        value = factories.core_value()
        a = factories.assignment(factories.application(), factories.user(Role.INTERVIEWER), InterviewKind.VALUES)
        card_id = factories.submitted_scorecard(a, {value: 4}, evidence="Het klikte meteen.").id
        email = factories.user(Role.ADMIN).email
        db.session.commit()
        db.session.remove()
    client = background.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert client.post("/values/similarity", data={"phrase": "klik*"}).status_code == 302
    assert task_runner.wait_idle(60)
    with background.app_context():
        task = db.session.scalars(sa.select(Task).where(Task.kind == similarity_service.RECOUNT)).one()
        assert task.state == tasks.DONE and task.params == {}
        assert db.session.get(Scorecard, card_id).similarity_flags == 1
        db.session.remove()


def test_the_recount_command(app, runner):
    _phrases("good vibe")
    value = factories.core_value()
    a = factories.assignment(factories.application(), factories.user(Role.INTERVIEWER), InterviewKind.VALUES)
    card = factories.submitted_scorecard(a, {value: 4}, evidence="Good vibe.")
    db.session.commit()
    result = runner.invoke(args=["values", "recount-similarity"])
    assert result.exit_code == 0 and "1 scorecards changed" in result.output
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).similarity_flags == 1


# --- the calibration page ---------------------------------------------------------------------------------------

def test_the_calibration_page_counts_similarity_per_interviewer(client, login_as, count_queries):
    _phrases("fits in")
    login_as(Role.HR)
    value = factories.core_value(name="Be humble")
    often, never = factories.user(Role.INTERVIEWER, name="Often Olga"), factories.user(Role.INTERVIEWER,
                                                                                      name="Never Nora")
    for n in range(4):
        application = factories.application()
        for person, evidence in ((often, "She fits in." if n < 3 else "Helped a customer."),
                                 (never, "Helped a customer.")):
            card = factories.submitted_scorecard(factories.assignment(application, person, InterviewKind.VALUES),
                                                 {value: 4}, evidence=evidence)
            card.similarity_flags = 1 if "fits in" in evidence else 0
        # A skills interview rates no core value: not counted.
        factories.submitted_scorecard(factories.assignment(application, never, InterviewKind.SKILLS), {})
    db.session.commit()
    html = client.get("/scoring/calibration").get_data(as_text=True)
    section = html.split('id="similarity"')[1]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
                      section)
    assert rows == [("Often Olga", "4", "3"), ("Never Nora", "4", "0")]
    # Exact interval of 3 of 4: 19% to 99% (Clopper-Pearson); 0 of 4: 0% to 60%.
    assert "75%" in section and "(19% to 99%)" in section and "(0% to 60%)" in section
    assert "Adverse impact at the values gate" in section and "/reports/fairness" in section
    assert "/values/similarity" in section
    with count_queries() as stored:
        assert client.get("/scoring/calibration").status_code == 200
    more = factories.user(Role.INTERVIEWER)
    for _ in range(3):
        factories.submitted_scorecard(factories.assignment(factories.application(), more, InterviewKind.VALUES),
                                      {value: 2}, evidence="e")
    db.session.commit()
    client.get("/scoring/calibration")
    with count_queries() as again:
        assert client.get("/scoring/calibration").status_code == 200
    assert again.count == stored.count  # no query per interviewer


def test_the_calibration_page_says_when_nothing_is_counted(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/scoring/calibration").get_data(as_text=True)
    assert "No scorecards on core values submitted yet." in html


def test_the_migration_counts_the_scorecards_already_submitted(app):
    """Upgrading a company with scorecards counts them with the default list at once: the calibration page is
    true from the first day, not only after the list is first changed."""
    from flask_migrate import downgrade, upgrade

    value, other = factories.core_value(name="Be humble"), factories.core_value(name="Deliver WOW")
    liked = factories.submitted_scorecard(factories.assignment(), {value: 4, other: 5},
                                          evidence="She fits in; one of us.")
    plain = factories.submitted_scorecard(factories.assignment(), {value: 4}, evidence="Took over a hard call.")
    draft = factories.scorecard()
    liked_id, plain_id, draft_id = liked.id, plain.id, draft.id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0028")
    upgrade()
    flags = dict(db.session.execute(sa.select(Scorecard.id, Scorecard.similarity_flags)).all())
    assert (flags[liked_id], flags[plain_id], flags[draft_id]) == (2, 0, 0)


def test_the_defaults_are_the_migrations_list_and_fill_an_empty_one(app):
    import importlib.util
    from pathlib import Path

    from hiring.values.similarity import DEFAULT_PHRASES

    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0029_similarity_phrases.py"
    spec = importlib.util.spec_from_file_location("migration_0029", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert [phrase for phrase, _folded in migration.DEFAULTS] == list(DEFAULT_PHRASES)
    assert all(folded == similarity_service.fold_phrase(phrase) for phrase, folded in migration.DEFAULTS)
    db.session.execute(sa.delete(SimilarityPhrase))
    similarity_service.ensure_defaults(db.session)
    similarity_service.ensure_defaults(db.session)  # a list that is there is left alone
    assert _count(SimilarityPhrase) == len(DEFAULT_PHRASES)
