"""A job's own questions on the careers site's application form (issue 20, item 2): recruiters define them on the
job's page; candidates answer them when they apply; staff who see the candidate's documents read the answers;
the answers are in the candidate's data export and go when the candidate is erased."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hiring.extensions import db
from hiring.jobs import questions
from hiring.models import (
    Application,
    ApplicationAnswer,
    AuditEvent,
    Candidate,
    CandidateFile,
    DuplicateSuspicion,
    InterviewKind,
    JobQuestion,
    Role,
    StoredFile,
    SuspicionReason,
    utcnow,
)
from hiring.pipeline import merging
from hiring.privacy.anonymise import anonymise
from hiring.privacy.service import erase, export_data
from tests import factories
from tests.test_careers_apply import ESCAPED, SCRIPT, apply, counts, posted
from tests.test_careers_status import status_link

RECRUITING = [Role.ADMIN, Role.HR, Role.RECRUITER]


def ask(job, *texts: str, actor_id: int | None = None) -> list[JobQuestion]:
    made = [questions.add_question(db.session, job.id, text=t, hint="", actor_id=actor_id) for t in texts]
    db.session.commit()
    return made


def answered(application, question, text: str = "An answer.") -> ApplicationAnswer:
    answer = ApplicationAnswer(application_id=application.id, question_id=question.id, text=text)
    db.session.add(answer)
    db.session.commit()
    return answer


def rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def active_texts(job_id: int) -> list[str]:
    db.session.expire_all()
    return [q.text for q in questions.active_questions(db.session, job_id)]


def add(client, job_id, text, hint=""):
    return client.post(f"/jobs/{job_id}/questions", data={"new-question-text": text, "new-question-hint": hint})


def change(client, job_id, question_id, button="save", **fields):
    data = {"question_id": str(question_id), f"q{question_id}-{button}": "y"}
    data.update({f"q{question_id}-{k}": v for k, v in fields.items()})
    return client.post(f"/jobs/{job_id}/questions/change", data=data)


# --- recruiters define them --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", RECRUITING)
def test_staff_who_edit_jobs_add_reword_reorder_and_remove_questions(client, login_as, role):
    me = login_as(role)
    job = factories.job("Customer hero")
    db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The application form asks no questions of its own." in page and "at most 10 questions" in page
    assert add(client, job.id, "  Why us?  ", "A few lines.").status_code == 302
    assert add(client, job.id, "When can you start?").status_code == 302
    first, second = questions.active_questions(db.session, job.id)
    assert (first.text, first.hint, second.hint) == ("Why us?", "A few lines.", None)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert page.index("Why us?") < page.index("When can you start?")
    assert f'name="q{first.id}-text"' in page and f'id="q{second.id}-text"' in page  # ids of their own

    assert change(client, job.id, second.id, "up").status_code == 302
    assert active_texts(job.id) == ["When can you start?", "Why us?"]
    assert change(client, job.id, second.id, "up").status_code == 302  # at the top already: nothing changes
    assert active_texts(job.id) == ["When can you start?", "Why us?"]
    assert change(client, job.id, second.id, "down").status_code == 302
    assert active_texts(job.id) == ["Why us?", "When can you start?"]

    assert change(client, job.id, first.id, text="Why do you want to work here?", hint="").status_code == 302
    assert active_texts(job.id) == ["Why do you want to work here?", "When can you start?"]
    assert db.session.get(JobQuestion, first.id).hint is None

    response = change(client, job.id, second.id, "remove")
    assert response.status_code == 302
    assert db.session.get(JobQuestion, second.id) is None  # never answered: deleted
    assert "The question was removed." in client.get(response.headers["Location"]).get_data(as_text=True)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("job_question_%"))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["job_question_added", "job_question_added", "job_question_moved",
                                          "job_question_moved", "job_question_edited", "job_question_deleted"]
    assert all(e.actor_id == me.id and e.entity_id == job.id for e in events)
    assert all("Why" not in json.dumps(e.details) for e in events)  # ids only, never the wording


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.NEW_HIRE])
def test_other_roles_may_not_touch_questions(client, login_as, role):
    job = factories.job()
    question, = ask(job, "Why us?")
    login_as(role)
    assert add(client, job.id, "Sneaky?").status_code == 403
    for button in ("save", "up", "remove"):
        assert change(client, job.id, question.id, button, text="Changed?").status_code == 403
    assert active_texts(job.id) == ["Why us?"]


def test_a_wrong_job_or_question_is_404_and_changes_nothing(client, login_as):
    login_as(Role.RECRUITER)
    job, other = factories.job(), factories.job()
    question, = ask(job, "Why us?")
    theirs, = ask(other, "Theirs?")
    retired, = ask(job, "Old?")
    answered(factories.application(job), retired)
    questions.remove_question(db.session, job.id, retired.id, actor_id=None)
    db.session.commit()
    assert add(client, 987654, "Nowhere?").status_code == 404
    assert change(client, 987654, question.id, text="Moved?").status_code == 404
    for question_id in (theirs.id, retired.id, 987654, "abc", "", "-1"):
        for button in ("save", "up", "down", "remove"):
            assert change(client, job.id, question_id, button, text="Changed?").status_code == 404, question_id
    assert client.post(f"/jobs/{job.id}/questions/change", data={}).status_code == 404
    assert active_texts(job.id) == ["Why us?"] and active_texts(other.id) == ["Theirs?"]
    assert db.session.get(JobQuestion, retired.id).text == "Old?"


def test_bad_wording_is_refused_beside_the_field_with_the_text_kept(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    db.session.commit()
    response = add(client, job.id, "   ", "Kept hint")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="new-question-text-error">Write the question.</p>' in html and 'value="Kept hint"' in html
    long = "Why " * 80
    html = add(client, job.id, long).get_data(as_text=True)
    assert "Keep the question under 300 characters." in html and f'value="{long.strip()}"' in html
    assert rows(JobQuestion) == 0
    question, = ask(job, "Why us?")
    response = change(client, job.id, question.id, text="Better?", hint="x" * 301)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="q{question.id}-hint-error">Keep the hint under 300 characters.' in html
    assert 'value="Better?"' in html
    assert active_texts(job.id) == ["Why us?"]


def test_at_most_ten_questions_are_asked_and_retired_ones_do_not_count(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    made = ask(job, *(f"Question {i}?" for i in range(10)))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Add a question" not in page and "remove one to add another" in page
    response = add(client, job.id, "Eleventh?")
    assert response.status_code == 409
    assert "The job already asks 10 questions: remove one before adding another." in response.get_data(as_text=True)
    assert 'value="Eleventh?"' in response.get_data(as_text=True)
    answered(factories.application(job), made[0])
    assert change(client, job.id, made[0].id, "remove").status_code == 302
    assert add(client, job.id, "Eleventh?").status_code == 302
    assert len(active_texts(job.id)) == 10 and rows(JobQuestion) == 11


def test_an_answered_question_is_retired_not_deleted_and_not_reworded(client, login_as):
    login_as(Role.RECRUITER)
    job = factories.job()
    question, other = ask(job, "Why us?", "When?")
    application = factories.application(job)
    answered(application, question, "Because of the phones.")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Answered once: the wording stays" in page and f'name="q{question.id}-text"' not in page
    response = change(client, job.id, question.id, text="Why them?")
    assert response.status_code == 409 and "cannot be reworded" in response.get_data(as_text=True)
    response = change(client, job.id, question.id, "remove")
    assert "no longer asked; its answers are kept" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(JobQuestion, question.id)
    assert kept.retired_at is not None and kept.text == "Why us?" and rows(ApplicationAnswer) == 1
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "No longer asked" in page and "(1 answer)" in page
    assert active_texts(job.id) == ["When?"]
    with pytest.raises(IntegrityError):  # the database too refuses to leave an answer without its question
        db.session.execute(sa.delete(JobQuestion).where(JobQuestion.id == question.id))
    db.session.rollback()


def test_questions_need_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.user(Role.RECRUITER, email="csrf-questions@example.test")
        job = factories.job()
        question, = ask(job, "Why us?")
        job_id, question_id = job.id, question.id
    # Requests outside that context, each with its own (Flask-WTF keeps the token in g).
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "csrf-questions@example.test", "password": factories.PASSWORD,
                                "csrf_token": token})
    assert add(client, job_id, "Without a token?").status_code == 400
    assert change(client, job_id, question_id, "remove").status_code == 400
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    own = re.search(r'name="new-question-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/jobs/{job_id}/questions", data={"new-question-text": "With one?",
                                                              "new-question-csrf_token": own})
    assert response.status_code == 302
    mine = re.search(rf'name="q{question_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/jobs/{job_id}/questions/change", data={
        "question_id": str(question_id), f"q{question_id}-down": "y",
        f"q{question_id}-csrf_token": mine}).status_code == 302
    with app.app_context():
        assert active_texts(job_id) == ["With one?", "Why us?"]


def test_the_database_refuses_blank_or_twice_given_answers(app):
    job = factories.job()
    question, = ask(job, "Why us?")
    application = factories.application(job)
    db.session.commit()
    for text in ("   ", "x" * 2001):
        db.session.add(ApplicationAnswer(application_id=application.id, question_id=question.id, text=text))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    answered(application, question)
    db.session.add(ApplicationAnswer(application_id=application.id, question_id=question.id, text="Again"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.execute(sa.delete(Application).where(Application.id == application.id))
    db.session.commit()
    assert rows(ApplicationAnswer) == 0  # the answers go with their application


# --- candidates answer them --------------------------------------------------------------------------------------

def test_the_form_asks_the_active_questions_in_order_with_their_hints_escaped(client, app):
    job = posted()
    first, retired, second = ask(job, "Why us?", "Old question?", f"Tell us {SCRIPT}")
    second.hint = f"Hint {SCRIPT}"
    answered(factories.application(job), retired)
    questions.remove_question(db.session, job.id, retired.id, actor_id=None)
    questions.move_question(db.session, job.id, second.id, questions.UP, actor_id=None)
    db.session.commit()
    html = client.get(f"/careers/jobs/{job.id}/apply").get_data(as_text=True)
    assert html.index(f'name="answer_{second.id}"') < html.index(f'name="answer_{first.id}"')
    assert f'<label for="answer_{first.id}">Why us?</label>' in html and "Old question?" not in html
    assert f"Tell us {ESCAPED}" in html and f"Hint {ESCAPED}" in html and SCRIPT not in html
    assert 'maxlength="2000"' in html


def test_answers_are_saved_with_the_application_and_shown_escaped_to_the_recruiter(client, app, login_as):
    job = posted()
    first, blank, retired = ask(job, "Why us?", "Anything else?", "Old question?")
    other_job = posted("Other job")
    theirs, = ask(other_job, "Their question?")
    answered(factories.application(job), retired)
    questions.remove_question(db.session, job.id, retired.id, actor_id=None)
    db.session.commit()
    response = apply(client, job, **{f"answer_{first.id}": f"Because {SCRIPT}\r\nand the phones.",
                                     f"answer_{blank.id}": "   ", f"answer_{retired.id}": "Sneaked in",
                                     f"answer_{theirs.id}": "Elsewhere"})
    assert response.status_code == 303
    application = db.session.scalar(sa.select(Application).join(Candidate).where(Candidate.name == "Ann Example"))
    stored = db.session.scalars(sa.select(ApplicationAnswer).where(
        ApplicationAnswer.application_id == application.id)).all()
    assert [(a.question_id, a.text) for a in stored] == [(first.id, f"Because {SCRIPT}\nand the phones.")]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application_received"))
    assert event.details["answers"] == 1 and "phones" not in json.dumps(event.details)

    login_as(Role.RECRUITER)
    page = client.get(f"/pipeline/candidates/{application.candidate_id}").get_data(as_text=True)
    assert "Answers to the job’s questions" in page and "Why us?" in page
    assert f"Because {ESCAPED}<br>and the phones." in page and SCRIPT not in page
    assert "Sneaked in" not in page and "Elsewhere" not in page


def test_an_over_long_answer_is_refused_beside_it_with_everything_typed_kept(client, app):
    job = posted()
    short, long_one = ask(job, "Why us?", "Tell us a story?")
    before = counts()
    story = "Once upon a time " * 120  # 2040 characters
    response = apply(client, job, **{f"answer_{short.id}": "Short and sweet.", f"answer_{long_one.id}": story})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="answer_{long_one.id}-error">Your answer is longer than 2000 characters.' in html
    assert story.strip() in html and "Short and sweet." in html
    assert 'value="Ann Example"' in html and "I love talking to customers." in html
    assert "choose your CV again" in html
    assert counts() == before and rows(ApplicationAnswer) == 0


def test_line_breaks_count_once_as_the_browser_counts_them(client, app):
    job = posted()
    question, = ask(job, "Why us?")
    text = ("x" * 99 + "\r\n") * 20  # 2,000 characters in the box, 2,020 as sent
    assert apply(client, job, **{f"answer_{question.id}": text.strip()}).status_code == 303
    assert len(db.session.scalar(sa.select(ApplicationAnswer.text))) == 1999


# --- staff read them ---------------------------------------------------------------------------------------------

def test_interviewers_never_see_the_answers(client, app, login_as):
    job = factories.job()
    question, = ask(job, "Why us?")
    application = factories.application(job)
    answered(application, question, "My private answer")
    interviewer = login_as(Role.INTERVIEWER)
    factories.assignment(application, interviewer, InterviewKind.VALUES)
    db.session.commit()
    assert client.get(f"/pipeline/candidates/{application.candidate_id}").status_code == 403
    page = client.get(f"/pipeline/applications/{application.id}")
    assert page.status_code == 200 and "My private answer" not in page.get_data(as_text=True)


def test_the_candidate_page_reads_every_answer_in_one_query(client, app, login_as, count_queries):
    login_as(Role.RECRUITER)

    def candidate_with(n_jobs: int, n_answers: int) -> int:
        person = factories.candidate()
        for j in range(n_jobs):
            job = factories.job()
            asked = ask(job, *(f"Question {i}?" for i in range(n_answers)))
            application = factories.application(job, person)
            for question in asked:
                answered(application, question, f"Answer to {question.text}")
        db.session.commit()
        return person.id

    few, many = candidate_with(3, 1), candidate_with(3, 5)
    client.get(f"/pipeline/candidates/{few}")  # each count after a first look, as in test_candidate_files.py
    with count_queries() as three:
        assert "Answer to Question 0?" in client.get(f"/pipeline/candidates/{few}").get_data(as_text=True)
    client.get(f"/pipeline/candidates/{many}")
    with count_queries() as fifteen:
        html = client.get(f"/pipeline/candidates/{many}").get_data(as_text=True)
    assert html.count("Answer to Question") == 15
    assert fifteen.count == three.count
    assert sum("application_answers" in s for s in fifteen.statements) == 1


# --- personal data -----------------------------------------------------------------------------------------------

def test_the_answers_are_in_the_export_and_in_the_candidates_own_download(client, app):
    job = posted()
    question, = ask(job, "Why us?")
    link = status_link(client, apply(client, job, **{f"answer_{question.id}": "For the customers."}))
    candidate = db.session.scalar(sa.select(Candidate))
    data = export_data(db.session, candidate.id, actor_id=None, now=utcnow())
    assert data["applications"][0]["answers"] == [{"question": "Why us?", "answer": "For the customers."}]
    response = client.post(link + "/data")
    own = json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("data.json"))
    response.close()
    assert own["applications"][0]["answers"] == [{"question": "Why us?", "answer": "For the customers."}]


def test_erasure_and_the_purge_remove_the_answers(client, app):
    job = posted()
    question, = ask(job, "Why us?")
    apply(client, job, **{f"answer_{question.id}": "Erase me please"})
    apply(client, job, name="Bo Other", email="bo@example.org", phone="+31 20 765 4321",
          **{f"answer_{question.id}": "Purge me later"})
    ann, bo = db.session.scalars(sa.select(Candidate).order_by(Candidate.id)).all()
    admin = factories.user(Role.ADMIN)
    erase(db.session, ann.id, reason="Asked by e-mail", actor_id=admin.id, now=utcnow())
    db.session.commit()
    assert db.session.scalars(sa.select(ApplicationAnswer.text)).all() == ["Purge me later"]
    anonymise(db.session, [bo.id], utcnow())  # what purge-candidates does to a candidate whose time is up
    db.session.commit()
    assert rows(ApplicationAnswer) == 0
    assert rows(Application) == 2 and rows(JobQuestion) == 1  # the statistics and the job keep theirs


def test_a_merge_moves_the_answers_with_the_applications_and_undo_brings_them_back(app):
    recruiter = factories.user(Role.RECRUITER)
    job_old, job_new = factories.job("Baker"), factories.job("Cook")
    q_old, = ask(job_old, "Why bread?")
    q_new, = ask(job_new, "Why soup?")
    old = factories.candidate("Jan de Vries", "jan@example.org")
    new = factories.candidate("Jan Vries", "jv@example.test")
    kept_application, moved_application = factories.application(job_old, old), factories.application(job_new, new)
    answered(kept_application, q_old, "Flour")
    answered(moved_application, q_new, "Broth")
    suspicion = DuplicateSuspicion(candidate_id=new.id, other_candidate_id=old.id, reason=SuspicionReason.SAME_PHONE)
    db.session.add(suspicion)
    db.session.commit()

    def answers_of(candidate_id: int) -> list[str]:
        return db.session.scalars(sa.select(ApplicationAnswer.text).join(Application).where(
            Application.candidate_id == candidate_id).order_by(ApplicationAnswer.text)).all()

    merge = merging.merge(db.session, suspicion.id, actor_id=recruiter.id)
    db.session.commit()
    db.session.expire_all()
    assert answers_of(old.id) == ["Broth", "Flour"] and answers_of(new.id) == []
    merging.undo(db.session, merge.id, actor_id=recruiter.id)
    db.session.commit()
    db.session.expire_all()
    assert answers_of(old.id) == ["Flour"] and answers_of(new.id) == ["Broth"]
    assert rows(CandidateFile) == rows(StoredFile) == 0
