"""The departure review (issue 23, item 3): due when a hire takes The Offer or leaves within a year; written by
the mentor or HR, drafts kept, final once submitted; the lists; the values false-positive rate with exact
intervals; audit events with ids only; erased with the hire."""
from __future__ import annotations

import re
from datetime import date, timedelta
import pytest
import sqlalchemy as sa

from hiring.analytics import false_positives as fp
from hiring.extensions import db
from hiring.models import (
    AuditEvent,
    DepartureReview,
    DepartureReviewStatus,
    DepartureReviewValue,
    EndReason,
    InterviewKind,
    Role,
    Verdict,
    utcnow,
)
from hiring.offer.departure_review import DUE_WITHIN_DAYS, PER_PAGE, is_due
from hiring.onboarding.enrolment import enrol
from tests import factories

START = date.today() - timedelta(days=200)
LEFT = date.today() - timedelta(days=10)


@pytest.fixture
def values(app):
    kindness = factories.core_value("Kindness")
    candour = factories.core_value("Candour")
    db.session.commit()
    return kindness, candour


def _leaver(mentor=None, *, start=START, end=LEFT, reason=EndReason.RESIGNED, name=None, enrolled=True):
    person = factories.user(Role.NEW_HIRE, name=name)
    hire = factories.hire(start=start, user_id=person.id, mentor_id=mentor.id if mentor else None,
                          end_date=end, end_reason=reason if end else None)
    if enrolled:
        enrol(db.session, hire, start)
    db.session.commit()
    return hire


def _url(hire) -> str:
    return f"/offer/departure-reviews/{hire.id}"


def _complete(values, **over):
    data = {"what_happened": "Moved abroad after four months; had mentioned it in week 3.",
            "what_we_learn": "Ask about plans to move in the screening call."}
    for value in values:
        data[f"verdict_v{value.id}"] = "shown"
        data[f"note_v{value.id}"] = f"Seen on the phones ({value.name})."
    data.update(over)
    return data


def _reviews():
    db.session.expire_all()
    return db.session.scalars(sa.select(DepartureReview)).all()


# --- when it is due ---------------------------------------------------------------------------------------------

def test_due_when_the_offer_is_taken_or_when_leaving_within_365_days():
    start = date(2025, 3, 1)
    assert DUE_WITHIN_DAYS == 365
    assert not is_due(start, None, None)                                              # still employed
    assert is_due(start, start + timedelta(days=365), EndReason.RESIGNED)            # the 365th day: within
    assert not is_due(start, start + timedelta(days=366), EndReason.RESIGNED)        # a day later: not
    assert is_due(start, start + timedelta(days=40), EndReason.DISMISSED)
    assert is_due(start, start + timedelta(days=900), EndReason.OFFER_ACCEPTED)      # The Offer: whenever


def test_the_list_agrees_with_the_rule_in_sql(client, login_as):
    login_as(Role.HR)
    within = _leaver(start=date.today() - timedelta(days=400), end=date.today() - timedelta(days=35), name="Within")
    after = _leaver(start=date.today() - timedelta(days=800), end=date.today() - timedelta(days=10), name="After")
    offer = _leaver(start=date.today() - timedelta(days=800), end=date.today() - timedelta(days=3),
                    reason=EndReason.OFFER_ACCEPTED, name="Offer taker")
    staying = _leaver(end=None, name="Staying")
    html = client.get("/offer/departure-reviews").get_data(as_text=True)
    assert "Within" in html and "Offer taker" in html and "Took The Offer" in html
    assert "After" not in html and "Staying" not in html
    for hire, code in ((within, 200), (offer, 200), (after, 404), (staying, 404)):
        assert client.get(_url(hire)).status_code == code


# --- who --------------------------------------------------------------------------------------------------------

def test_the_mentor_and_hr_write_it_nobody_else(client, auth, login_as, values):
    mentor = factories.user(Role.INTERVIEWER)
    hire = _leaver(mentor)
    login_as(Role.INTERVIEWER)  # another interviewer
    assert client.get(_url(hire)).status_code == 403
    assert client.post(_url(hire), data=_complete(values, submit="y")).status_code == 403
    auth.logout()
    login_as(Role.RECRUITER)
    assert client.get(_url(hire)).status_code == 403
    auth.logout()
    login_as(Role.NEW_HIRE)
    assert client.get(_url(hire)).status_code == 403
    assert _reviews() == []
    auth.logout()
    db.session.commit()
    auth.login(mentor.email)
    assert client.get(_url(hire)).status_code == 200
    assert client.get("/offer/departure-reviews/999999").status_code == 404
    auth.logout()
    login_as(Role.HR)
    assert client.get(_url(hire)).status_code == 200


def test_the_form_is_blameless_and_links_the_evidence_with_the_interview_means(client, login_as, values):
    kindness, candour = values
    login_as(Role.HR)
    hire = _leaver(factories.user(Role.INTERVIEWER))
    for interviewer, score in ((factories.user(Role.INTERVIEWER), 4), (factories.user(Role.INTERVIEWER), 3)):
        assignment = factories.assignment(hire.application, interviewer, InterviewKind.VALUES)
        factories.submitted_scorecard(assignment, {kindness: score, candour: None})
    db.session.commit()
    html = client.get(_url(hire)).get_data(as_text=True)
    assert "This review is blameless." in html and "not whose fault" in html
    assert f"/reports/applications/{hire.application_id}/dossier" in html
    assert f"/onboarding/enrolments/{hire.enrollment.id}" in html
    assert "Interviews: mean 3.5 of 5 (2 ratings)" in html and "Interviews: not rated" in html


def test_a_mentor_who_may_not_open_the_dossier_is_not_sent_to_it(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    hire = _leaver(mentor, enrolled=False)
    html = client.get(_url(hire)).get_data(as_text=True)
    assert "/dossier" not in html and "the decision dossier is open to HR and recruiters" in html
    assert "no onboarding record" in html


# --- drafts, submission, final -----------------------------------------------------------------------------------

def test_a_draft_keeps_everything_typed(client, login_as, values):
    kindness, candour = values
    mentor = login_as(Role.INTERVIEWER)
    hire = _leaver(mentor)
    response = client.post(_url(hire), data={"what_happened": "Left for a shorter commute",
                                             f"verdict_v{kindness.id}": "not_shown",
                                             f"note_v{candour.id}": "Half a thought", "save_draft": "y"})
    assert response.status_code == 302
    [review] = _reviews()
    assert review.status is DepartureReviewStatus.DRAFT and review.last_edited_by_id == mentor.id
    assert review.submitted_at is None and review.submitted_by_id is None
    again = client.get(_url(hire)).get_data(as_text=True)
    assert "Left for a shorter commute" in again and "Half a thought" in again
    assert re.search(r'value="not_shown"[^>]*checked|checked[^>]*value="not_shown"', again)
    listing = client.get("/offer/departure-reviews").get_data(as_text=True)
    assert "Continue the draft" in listing


def test_submit_shows_each_missing_thing_next_to_its_field_and_saves_nothing(client, login_as, values):
    kindness, candour = values
    login_as(Role.HR)
    hire = _leaver()
    response = client.post(_url(hire), data={"what_happened": "", "what_we_learn": "Typed and kept",
                                             f"verdict_v{kindness.id}": "shown",
                                             f"note_v{candour.id}": "A note kept too", "submit": "y"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="what_happened-error"' in html and "Say briefly what happened" in html
    assert f'id="verdict_v{candour.id}-error"' in html and "Choose shown, not shown, or cannot say." in html
    assert f'id="verdict_v{kindness.id}-error"' not in html
    assert "Typed and kept" in html and "A note kept too" in html
    assert _reviews() == []


def test_too_long_a_text_is_refused_beside_it(client, login_as, values):
    login_as(Role.HR)
    hire = _leaver()
    response = client.post(_url(hire), data=_complete(values, what_happened="x" * 2001, submit="y"))
    assert response.status_code == 400 and 'id="what_happened-error"' in response.get_data(as_text=True)
    assert _reviews() == []


def test_submitted_is_final_and_audited_with_ids_only(client, auth, login_as, values):
    kindness, candour = values
    mentor = login_as(Role.INTERVIEWER)
    hire = _leaver(mentor)
    data = _complete(values, **{f"verdict_v{candour.id}": "not_shown", "submit": "y"})
    assert client.post(_url(hire), data=data).status_code == 302
    [review] = _reviews()
    assert review.status is DepartureReviewStatus.SUBMITTED and review.submitted_by_id == mentor.id
    assert {v.core_value_id: v.verdict for v in review.values} == {kindness.id: Verdict.SHOWN,
                                                                   candour.id: Verdict.NOT_SHOWN}
    assert client.post(_url(hire), data={**data, f"verdict_v{kindness.id}": "unknown"}).status_code == 409
    assert client.post(_url(hire), data={**data, "save_draft": "y", "submit": ""}).status_code == 409
    assert {v.core_value_id: v.verdict for v in _reviews()[0].values}[kindness.id] is Verdict.SHOWN
    page = client.get(_url(hire)).get_data(as_text=True)  # shown as written, no form
    assert page.count("Moved abroad") == 1 and 'name="verdict_v' not in page and "Not shown" in page
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "departure_review_submitted"))
    assert event.actor_id == mentor.id and event.entity_type == "departure_review"
    assert event.details == {"hire_id": hire.id, "not_shown": 1}
    from hiring.admin.audit_sentences import ENTITY_LABELS, SENTENCES

    assert "departure_review_submitted" in SENTENCES and "departure_review" in ENTITY_LABELS
    auth.logout()
    login_as(Role.ADMIN)
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Submitted the departure review of" in log and "Moved abroad" not in log


def test_a_form_naming_another_value_saves_nothing(client, login_as, values):
    login_as(Role.HR)
    hire = _leaver()
    response = client.post(_url(hire), data=_complete(values, verdict_v999999="shown", save_draft="y"))
    assert response.status_code == 400 and _reviews() == []


def test_the_database_refuses_submitted_without_a_time_and_overlong_notes(app, values):
    hire = _leaver()
    db.session.add(DepartureReview(hire_id=hire.id, status=DepartureReviewStatus.SUBMITTED))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(DepartureReview(hire_id=hire.id, values=[DepartureReviewValue(core_value_id=values[0].id,
                                                                                 note="n" * 501)]))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- the lists --------------------------------------------------------------------------------------------------

def test_a_mentor_sees_only_their_own_former_new_hires(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    _leaver(mentor, name="Mine Leaver")
    _leaver(factories.user(Role.INTERVIEWER), name="Theirs Leaver")
    html = client.get("/offer/departure-reviews").get_data(as_text=True)
    assert "Mine Leaver" in html and "Theirs Leaver" not in html
    assert "/offer/values-false-positives" not in html
    assert client.get("/offer/values-false-positives").status_code == 403


def test_the_list_pages_without_a_query_per_row(client, login_as, count_queries, values):
    login_as(Role.HR)
    mentor = factories.user(Role.INTERVIEWER)
    hires = [_leaver(mentor, end=LEFT - timedelta(days=n % 30)) for n in range(PER_PAGE + 6)]
    for hire in hires[:4]:
        db.session.add(DepartureReview(hire_id=hire.id, status=DepartureReviewStatus.SUBMITTED,
                                       submitted_at=utcnow(), submitted_by_id=mentor.id, what_happened="x"))
    db.session.add(DepartureReview(hire_id=hires[5].id, what_happened="draft"))
    db.session.commit()
    client.get("/offer/departure-reviews")  # the first request after signing in reads more (the session's user)
    with count_queries() as few:
        first = client.get("/offer/departure-reviews")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Page 1 of 2" in html
    assert html.count("Write the review") + html.count("Continue the draft") == PER_PAGE
    with count_queries() as more:
        second = client.get("/offer/departure-reviews?due_page=2")
    page2 = second.get_data(as_text=True)
    assert page2.count("Write the review") + page2.count("Continue the draft") == 2  # 56 due, 4 submitted
    # The same number of statements for a full page as for a short one: none per row.
    assert few.count == more.count == 4  # each list's page and its count


def test_the_enrolment_page_links_to_a_due_review(client, login_as, values):
    mentor = login_as(Role.INTERVIEWER)
    hire = _leaver(mentor)
    html = client.get(f"/onboarding/enrolments/{hire.enrollment.id}").get_data(as_text=True)
    assert _url(hire) in html and "Open the departure review" in html
    staying = _leaver(mentor, end=None)
    assert _url(staying) not in client.get(f"/onboarding/enrolments/{staying.enrollment.id}").get_data(as_text=True)


# --- the figures --------------------------------------------------------------------------------------------------

def test_clopper_pearson_against_the_textbook_example():
    """Clopper & Pearson (1934); e.g. Agresti & Coull (1998), Am. Stat. 52:119: 2 of 10 gives 0.0252 to 0.5561."""
    judged = [fp.JudgedValue(h, 1, "not_shown" if h < 2 else "shown") for h in range(10)]
    judged += [fp.JudgedValue(h, 1, "unknown") for h in range(10, 14)]  # left out of k and n
    result = fp.by_value(judged)[1]
    assert (result.k, result.n) == (2, 10)
    assert result.rate == pytest.approx(0.2)
    assert result.low == pytest.approx(0.0252, abs=5e-5) and result.high == pytest.approx(0.5561, abs=5e-5)
    # 0 of 5: the exact interval is 0 to 1 - 0.025^(1/5) = 0.5218.
    none = fp.by_value([fp.JudgedValue(h, 2, "shown") for h in range(5)])[2]
    assert (none.k, none.low) == (0, 0.0) and none.high == pytest.approx(0.5218, abs=5e-5)


def test_by_interviewer_counts_each_reviewed_hire_once_and_only_passes():
    judged = [fp.JudgedValue(1, 10, "not_shown"), fp.JudgedValue(1, 11, "not_shown"),   # hire 1: two misses
              fp.JudgedValue(2, 10, "shown"), fp.JudgedValue(2, 11, "unknown"),
              fp.JudgedValue(3, 10, "unknown"), fp.JudgedValue(3, 11, "not_shown")]
    ratings = [fp.ValueRating(7, 1, 10, 4), fp.ValueRating(7, 1, 11, 5),   # passes both misses of hire 1: one
               fp.ValueRating(7, 2, 10, 3), fp.ValueRating(7, 2, 11, 5),   # shown at the floor; unknown skipped
               fp.ValueRating(7, 3, 10, 5), fp.ValueRating(7, 3, 11, 2),   # rated the miss below the floor
               fp.ValueRating(8, 3, 11, None), fp.ValueRating(8, 2, 10, 2)]  # no evidence, not a pass
    result = fp.by_interviewer(judged, ratings, floor=3)
    assert set(result) == {7}
    assert (result[7].k, result[7].n) == (1, 2)
    assert (fp.overall(judged).k, fp.overall(judged).n) == (2, 3)


def test_the_figures_page_shows_k_n_and_the_interval_and_says_what_it_cannot_show(client, login_as, values):
    kindness, candour = values
    login_as(Role.HR)
    interviewer = factories.user(Role.INTERVIEWER, name="Ivo Interviewer")
    for n in range(10):
        hire = _leaver()
        factories.submitted_scorecard(factories.assignment(hire.application, interviewer, InterviewKind.VALUES),
                                      {kindness: 4, candour: 4})
        review = DepartureReview(hire_id=hire.id, status=DepartureReviewStatus.SUBMITTED, submitted_at=utcnow(),
                                 what_happened="x")
        review.values = [DepartureReviewValue(core_value_id=kindness.id,
                                              verdict=Verdict.NOT_SHOWN if n < 2 else Verdict.SHOWN),
                         DepartureReviewValue(core_value_id=candour.id, verdict=Verdict.UNKNOWN)]
        db.session.add(review)
    db.session.commit()
    html = client.get("/offer/values-false-positives").get_data(as_text=True)
    assert "Kindness" in html and "20.0%" in html and "2.5% to 55.6%" in html
    assert "Ivo Interviewer" in html
    assert "not among all hires" in html and "Cannot say" in html
    table = re.search(r'id="by-value-title".*?</table>', html, re.S).group(0)
    assert re.search(r"<td[^>]*>2</td><td[^>]*>10</td>", table)
    assert "Candour" not in table  # only unknown verdicts: nothing to count


# --- erasure ------------------------------------------------------------------------------------------------------

def test_the_review_and_its_words_go_with_the_hire(app, values):
    hire = _leaver()
    db.session.add(DepartureReview(hire_id=hire.id, status=DepartureReviewStatus.SUBMITTED, submitted_at=utcnow(),
                                   what_happened="Personal words about Zed", what_we_learn="More words",
                                   values=[DepartureReviewValue(core_value_id=values[0].id,
                                                                verdict=Verdict.NOT_SHOWN, note="Zed's note")]))
    db.session.commit()
    # Deleted in SQL, as staff-record retention would: the database's cascade takes the review and its verdicts.
    from hiring.models import Enrollment, Hire

    db.session.execute(sa.delete(Enrollment).where(Enrollment.hire_id == hire.id))
    db.session.execute(sa.delete(Hire).where(Hire.id == hire.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DepartureReview)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DepartureReviewValue)) == 0
    for table in db.metadata.sorted_tables:
        text_columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        for row in db.session.execute(sa.select(*text_columns)) if text_columns else []:
            assert "Zed" not in " ".join(str(v) for v in row if v is not None), table.name


def test_a_hired_candidate_with_a_review_is_still_not_erased_as_a_candidate(app, values):
    from hiring.privacy.service import erase_refusal

    hire = _leaver()
    db.session.add(DepartureReview(hire_id=hire.id, what_happened="draft"))
    db.session.commit()
    # The review stays with the staff record until that is deleted (above), never blanked halfway.
    assert "was hired" in erase_refusal(db.session, hire.application.candidate)


def test_the_offer_page_links_a_taken_offer_to_its_review(client, login_as, values):
    from hiring.models import OfferDecision, QuitOffer

    login_as(Role.HR)
    hire = _leaver(reason=EndReason.OFFER_ACCEPTED)
    db.session.add(QuitOffer(hire=hire, amount_minor=400_000, currency="USD", offered_at=utcnow() - timedelta(days=12),
                             deadline=utcnow() - timedelta(days=5), decision=OfferDecision.TAKEN,
                             decided_at=utcnow() - timedelta(days=10)))
    db.session.commit()
    assert _url(hire) in client.get("/offer/").get_data(as_text=True)
