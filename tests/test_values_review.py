"""The week-5 values review (issue 23, item 1): the mentor rates the new hire on the core values' anchors, the
new hire may add a self-assessment; when it opens, who writes and who reads it, drafts, submission, the audit
event, the onboarding page and the decision dossier."""
from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    InterviewKind,
    ReviewKind,
    ReviewStatus,
    Role,
    Stage,
    ValuesReview,
    ValuesReviewRating,
    utcnow,
)
from hiring.onboarding.enrolment import enrol
from hiring.onboarding.values_review import OPENS_AFTER_DAYS, is_open, opens_on
from tests import factories

OPEN_START = date.today() - timedelta(days=30)    # in week 5: the review is open
EARLY_START = date.today() - timedelta(days=20)   # in week 3: not yet


def _hire(mentor=None, user=None, start=OPEN_START, application=None):
    user = user or factories.user(Role.NEW_HIRE)
    hire = factories.hire(application, start=start, user_id=user.id, mentor_id=mentor.id if mentor else None)
    enrollment = enrol(db.session, hire, start)
    db.session.commit()
    return SimpleNamespace(user=user, hire=hire, enrollment=enrollment, id=enrollment.id)


@pytest.fixture
def values(app):
    kindness = factories.core_value("Kindness")
    kindness.anchor_4 = "Helps colleagues without being asked"
    candour = factories.core_value("Candour")
    db.session.commit()
    return kindness, candour


def _url(enrollment_id, kind="values-review"):
    return f"/onboarding/enrolments/{enrollment_id}/{kind}"


def _complete(values, **over):
    data = {}
    for value in values:
        data[f"rating_v{value.id}"] = "4"
        data[f"evidence_v{value.id}"] = f"Saw it in week 2 ({value.name})."
    data.update(over)
    return data


def _reviews():
    db.session.expire_all()
    return db.session.scalars(sa.select(ValuesReview)).all()


# --- when -----------------------------------------------------------------------------------------------------

def test_it_opens_on_the_first_day_of_week_five_or_at_graduation():
    monday = date(2026, 11, 2)
    enrollment = SimpleNamespace(started_on=monday, completed_on=None)
    assert OPENS_AFTER_DAYS == 28 and opens_on(enrollment) == date(2026, 11, 30)
    assert not is_open(enrollment, date(2026, 11, 29))
    assert is_open(enrollment, date(2026, 11, 30))
    graduated_early = SimpleNamespace(started_on=monday, completed_on=date(2026, 11, 20))
    assert is_open(graduated_early, date(2026, 11, 21))


def test_before_week_five_the_form_says_when_it_opens_and_saves_nothing(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor, start=EARLY_START)
    page = client.get(_url(person.id))
    assert page.status_code == 409
    assert "opens on" in page.get_data(as_text=True) and 'name="rating_v' not in page.get_data(as_text=True)
    assert client.post(_url(person.id), data=_complete(values, submit="y")).status_code == 409
    assert _reviews() == []
    html = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "Week-5 values review" in html and "It opens on" in html
    assert _url(person.id) not in html


# --- who ------------------------------------------------------------------------------------------------------

def test_the_mentor_drafts_and_every_typed_thing_comes_back(client, login_as, values):
    kindness, candour = values
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    form = client.get(_url(person.id)).get_data(as_text=True)
    # The anchors stand beside each level, as on the scorecard.
    assert "Helps colleagues without being asked" in form and "No evidence" in form
    html = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "Write the week-5 values review" in html
    response = client.post(_url(person.id), data={
        f"rating_v{kindness.id}": "3", f"evidence_v{kindness.id}": "Covered a shift",
        f"rating_v{candour.id}": "", f"evidence_v{candour.id}": "Evidence before a level", "save_draft": "y"})
    assert response.status_code == 302
    [review] = _reviews()
    assert review.status is ReviewStatus.DRAFT and review.kind is ReviewKind.MENTOR and review.reviewer_id == mentor.id
    again = client.get(_url(person.id)).get_data(as_text=True)
    assert re.search(rf'value="3"[^>]*checked|checked[^>]*value="3"', again)
    assert "Covered a shift" in again and "Evidence before a level" in again
    assert "Continue the week-5 values review" in client.get(f"/onboarding/enrolments/{person.id}").get_data(
        as_text=True)


def test_submit_needs_every_active_value_and_evidence_with_every_score(client, login_as, values):
    kindness, candour = values
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    response = client.post(_url(person.id), data={
        f"rating_v{kindness.id}": "5", f"evidence_v{kindness.id}": "",
        f"rating_v{candour.id}": "", f"evidence_v{candour.id}": "Typed and kept", "submit": "y"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    # Each message next to its own field, and what was typed still there.
    assert f'id="evidence_v{kindness.id}-error"' in html and "Write the evidence for this rating" in html
    assert f'id="rating_v{candour.id}-error"' in html and "Choose a rating, or No evidence." in html
    assert "Typed and kept" in html and re.search(r'value="5"[^>]*checked|checked[^>]*value="5"', html)
    assert _reviews() == []  # nothing saved


def test_no_evidence_counts_and_a_second_submit_is_refused(client, login_as, values):
    kindness, candour = values
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    data = _complete(values, **{f"rating_v{candour.id}": "none", f"evidence_v{candour.id}": "", "submit": "y"})
    assert client.post(_url(person.id), data=data).status_code == 302
    [review] = _reviews()
    assert review.status is ReviewStatus.SUBMITTED and review.submitted_at is not None
    ratings = {r.core_value_id: r for r in review.ratings}
    assert ratings[kindness.id].score == 4 and not ratings[kindness.id].no_evidence
    assert ratings[candour.id].score is None and ratings[candour.id].no_evidence
    again = client.post(_url(person.id), data={**data, f"rating_v{kindness.id}": "1"})
    assert again.status_code == 409
    assert {r.core_value_id: r.score for r in _reviews()[0].ratings}[kindness.id] == 4
    # A submitted review is not a form any more: the page shows it.
    assert client.get(_url(person.id)).status_code == 302


def test_the_audit_event_names_ids_and_the_kind_never_the_evidence(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    client.post(_url(person.id), data=_complete(values, submit="y"))
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "values_review_submitted")).all()
    assert event.actor_id == mentor.id and event.entity_type == "values_review"
    assert event.details == {"enrollment_id": person.id, "hire_id": person.hire.id, "kind": "mentor"}
    assert "Saw it" not in str(event.details)
    from hiring.admin.audit_sentences import SENTENCES

    assert "values_review_submitted" in SENTENCES


def test_hr_writes_it_when_there_is_no_mentor_and_not_when_there_is_one(client, login_as, auth, values):
    hr = login_as(Role.HR)
    nobody_mentors = _hire()
    mentored = _hire(factories.user(Role.INTERVIEWER))
    assert "There is no mentor, so HR writes it." in client.get(
        f"/onboarding/enrolments/{nobody_mentors.id}").get_data(as_text=True)
    assert client.post(_url(nobody_mentors.id), data=_complete(values, submit="y")).status_code == 302
    assert client.get(_url(mentored.id)).status_code == 403
    assert client.post(_url(mentored.id), data=_complete(values, submit="y")).status_code == 403
    assert [r.reviewer_id for r in _reviews()] == [hr.id]


def test_the_new_hire_writes_their_self_assessment_only(client, login_as, values):
    me = login_as(Role.NEW_HIRE)
    mentor = factories.user(Role.INTERVIEWER)
    mine = _hire(mentor, user=me)
    theirs = _hire(factories.user(Role.INTERVIEWER))
    home = client.get("/").get_data(as_text=True)
    assert "Write your self-assessment" in home
    assert client.get(_url(mine.id)).status_code == 403            # the mentor's review is not theirs
    assert client.get(_url(theirs.id, "self-assessment")).status_code == 403
    assert client.post(_url(theirs.id, "self-assessment"), data=_complete(values, submit="y")).status_code == 403
    assert client.get(_url(mine.id, "self-assessment")).status_code == 200
    assert client.post(_url(mine.id, "self-assessment"), data=_complete(values, submit="y")).status_code == 302
    [review] = _reviews()
    assert review.kind is ReviewKind.SELF and review.reviewer_id == me.id
    assert "Self-assessment" in client.get("/").get_data(as_text=True)


def test_another_interviewer_never_writes_nor_sees_it(client, login_as, auth, values):
    mentor = factories.user(Role.INTERVIEWER)
    person = _hire(mentor)
    db.session.add(ValuesReview(enrollment_id=person.id, kind=ReviewKind.MENTOR, reviewer_id=mentor.id,
                                status=ReviewStatus.SUBMITTED, submitted_at=utcnow(),
                                ratings=[ValuesReviewRating(core_value_id=values[0].id, score=5,
                                                            evidence="Secret evidence")]))
    db.session.commit()
    login_as(Role.INTERVIEWER)
    for url in (_url(person.id), _url(person.id, "self-assessment"), f"/onboarding/enrolments/{person.id}"):
        response = client.get(url)
        assert response.status_code == 403 and "Secret evidence" not in response.get_data(as_text=True)
    assert client.post(_url(person.id), data=_complete(values, submit="y")).status_code == 403
    assert "Secret evidence" not in client.get("/onboarding/").get_data(as_text=True)
    auth.logout()
    login_as(Role.RECRUITER)
    assert client.get(_url(person.id)).status_code == 403


def test_wrong_ids_are_404(client, login_as, values):
    login_as(Role.HR)
    assert client.get(_url(424242)).status_code == 404
    assert client.post(_url(424242), data=_complete(values, submit="y")).status_code == 404
    assert client.get(_url(424242, "self-assessment")).status_code == 404


def test_a_post_naming_a_value_not_on_the_review_saves_nothing(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    response = client.post(_url(person.id), data=_complete(values, submit="y", rating_v999999="3"))
    assert response.status_code == 400 and _reviews() == []


# --- who reads ------------------------------------------------------------------------------------------------

def test_the_submitted_reviews_show_to_hr_the_mentor_and_the_new_hire(client, login_as, auth, values):
    kindness, _candour = values
    mentor = factories.user(Role.INTERVIEWER)
    person = _hire(mentor)
    db.session.commit()
    auth.login(mentor.email)
    client.post(_url(person.id), data=_complete(values, submit="y",
                                                **{f"evidence_v{kindness.id}": "Mentor <b>saw</b> kindness"}))
    auth.logout()
    auth.login(person.user.email)
    client.post(_url(person.id, "self-assessment"), data=_complete(values, submit="y",
                                                                    **{f"evidence_v{kindness.id}": "I was kind"}))
    home = client.get("/").get_data(as_text=True)
    assert "Mentor &lt;b&gt;saw&lt;/b&gt; kindness" in home and "I was kind" in home  # escaped
    assert "Write your self-assessment" not in home
    auth.logout()
    auth.login(mentor.email)
    page = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "The mentor’s review" in page and "I was kind" in page and "Write the week-5" not in page
    auth.logout()
    login_as(Role.HR)
    page = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "Mentor &lt;b&gt;saw&lt;/b&gt; kindness" in page and "I was kind" in page


def test_a_draft_is_seen_by_nobody_but_its_writer(client, login_as, auth, values):
    mentor = factories.user(Role.INTERVIEWER)
    person = _hire(mentor)
    db.session.add(ValuesReview(enrollment_id=person.id, kind=ReviewKind.MENTOR, reviewer_id=mentor.id,
                                ratings=[ValuesReviewRating(core_value_id=values[0].id, score=2,
                                                            evidence="Draft words")]))
    db.session.commit()
    auth.login(person.user.email)
    assert "Draft words" not in client.get("/").get_data(as_text=True)
    auth.logout()
    login_as(Role.HR)
    page = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "Draft words" not in page and "The mentor’s review: not yet." in page


# --- retired values -------------------------------------------------------------------------------------------

def test_only_active_values_are_asked_and_a_review_keeps_what_it_rated(client, login_as, values):
    kindness, candour = values
    retired = factories.core_value("Old value", retired_at=utcnow())
    mentor = login_as(Role.INTERVIEWER)
    person = _hire(mentor)
    form = client.get(_url(person.id)).get_data(as_text=True)
    assert "Kindness" in form and "Old value" not in form
    # A draft rates Candour, which is then retired: the draft still shows it, and submits without asking it anew.
    client.post(_url(person.id), data={f"rating_v{candour.id}": "2", f"evidence_v{candour.id}": "Once",
                                       "save_draft": "y"})
    candour.retired_at = utcnow()
    db.session.commit()
    form = client.get(_url(person.id)).get_data(as_text=True)
    assert "Candour" in form and "retired" in form
    data = {f"rating_v{kindness.id}": "4", f"evidence_v{kindness.id}": "Kind", f"rating_v{candour.id}": "2",
            f"evidence_v{candour.id}": "Once", "submit": "y"}
    assert client.post(_url(person.id), data=data).status_code == 302
    [review] = _reviews()
    assert {r.core_value_id for r in review.ratings} == {kindness.id, candour.id}
    page = client.get(f"/onboarding/enrolments/{person.id}").get_data(as_text=True)
    assert "Candour" in page and retired.name not in page


def test_the_database_refuses_a_score_with_no_evidence_and_one_review_per_kind(values):
    person = _hire()
    review = ValuesReview(enrollment_id=person.id, kind=ReviewKind.SELF, reviewer_id=person.user.id)
    db.session.add(review)
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(ValuesReviewRating(review_id=review.id, core_value_id=values[0].id, score=3,
                                              no_evidence=True))
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(ValuesReviewRating(review_id=review.id, core_value_id=values[0].id, score=6))
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(ValuesReview(enrollment_id=person.id, kind=ReviewKind.SELF))
    db.session.rollback()
    # Deleting the enrolment deletes its reviews and their ratings.
    review = ValuesReview(enrollment_id=person.id, kind=ReviewKind.MENTOR, status=ReviewStatus.SUBMITTED,
                          submitted_at=utcnow(),
                          ratings=[ValuesReviewRating(core_value_id=values[0].id, score=3, evidence="e")])
    db.session.add(review)
    db.session.commit()
    db.session.execute(sa.text("DELETE FROM enrollments WHERE id = :id"), {"id": person.id})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValuesReviewRating)) == 0
    assert _reviews() == []


# --- the dossier ------------------------------------------------------------------------------------------------

def _hired_application(values):
    kindness, candour = values
    application = factories.application(stage=Stage.HIRED)
    for score in (3, 5):
        factories.submitted_scorecard(factories.assignment(application, kind=InterviewKind.VALUES),
                                      {kindness: score, candour: 2})
    return application


def test_the_dossier_shows_the_week_five_review_beside_the_interviews(client, login_as, auth, values):
    kindness, candour = values
    application = _hired_application(values)
    mentor = factories.user(Role.INTERVIEWER)
    person = _hire(mentor, application=application)
    login_as(Role.RECRUITER)
    page = client.get(f"/reports/applications/{application.id}/dossier").get_data(as_text=True)
    assert "Week-5 values review" in page and "Not yet: no week-5 review has been submitted." in page
    auth.logout()
    auth.login(mentor.email)
    client.post(_url(person.id), data=_complete(values, submit="y", **{f"rating_v{candour.id}": "none",
                                                                        f"evidence_v{candour.id}": ""}))
    auth.logout()
    login_as(Role.HR)
    page = client.get(f"/reports/applications/{application.id}/dossier").get_data(as_text=True)
    section = page[page.index("Week-5 values review"):page.index("Stage history")]
    kindness_row = section[section.index("Kindness"):section.index("Candour")]
    assert "4.0" in kindness_row and "(2 ratings)" in kindness_row           # the interviews' mean of 3 and 5
    assert "<strong>4</strong>" in kindness_row and "Saw it in week 2 (Kindness)." in kindness_row
    assert "not yet" in kindness_row                                         # no self-assessment
    candour_row = section[section.index("Candour"):]
    assert "2.0" in candour_row and "No evidence" in candour_row
    pdf = client.get(f"/reports/applications/{application.id}/dossier.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_application_without_a_hire_has_no_week_five_section(client, login_as, values):
    application = _hired_application(values)
    login_as(Role.HR)
    page = client.get(f"/reports/applications/{application.id}/dossier").get_data(as_text=True)
    assert "Week-5 values review" not in page


def test_the_dossier_reads_the_reviews_in_one_statement_however_many_values(client, login_as, values,
                                                                           count_queries):
    application = _hired_application(values)
    person = _hire(application=application)
    hr = login_as(Role.HR)

    def review(n_values):
        db.session.execute(sa.delete(ValuesReview))
        extra = [factories.core_value() for _ in range(n_values)]
        db.session.add(ValuesReview(enrollment_id=person.id, kind=ReviewKind.MENTOR, reviewer_id=hr.id,
                                    status=ReviewStatus.SUBMITTED, submitted_at=utcnow(),
                                    ratings=[ValuesReviewRating(core_value_id=v.id, score=3, evidence="e")
                                             for v in [*values, *extra]]))
        db.session.commit()
        db.session.expire_all()

    review(0)
    with count_queries() as few:
        client.get(f"/reports/applications/{application.id}/dossier")
    review(6)
    with count_queries() as many:
        page = client.get(f"/reports/applications/{application.id}/dossier").get_data(as_text=True)
    assert page.count("<strong>3</strong>") >= 8
    assert many.count == few.count


# --- CSRF -----------------------------------------------------------------------------------------------------

def test_a_review_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        value = factories.core_value("Kindness")
        mentor = factories.user(Role.INTERVIEWER, email="week5-csrf@example.test")
        enrollment_id = _hire(mentor).id
        value_id = value.id
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "week5-csrf@example.test", "password": factories.PASSWORD,
                                "csrf_token": token})
    data = {f"rating_v{value_id}": "4", f"evidence_v{value_id}": "Kind", "submit": "y"}
    assert client.post(_url(enrollment_id), data=data).status_code == 400
    page = client.get(_url(enrollment_id)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ValuesReview)) == 0
    assert client.post(_url(enrollment_id), data={**data, "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ValuesReview.status)) is ReviewStatus.SUBMITTED
