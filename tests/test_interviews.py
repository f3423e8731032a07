"""Scorecards: the form built from the items, draft and submit, refusals, amendment with history, independence,
escaping, the side-by-side comparison, the links to them, and constant query counts."""
from __future__ import annotations

import re
import sqlite3

import pytest
import sqlalchemy as sa

from hiring.extensions import db
from hiring.interviews import service
from hiring.models import (
    Application,
    AuditEvent,
    GateResult,
    InterviewKind,
    Rating,
    Role,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
    Stage,
    utcnow,
)
from hiring.scoring.service import score_application
from tests import factories


@pytest.fixture
def setting(app):
    """A job with two requirements, two core values, and an application in interviewing."""
    values = [factories.core_value(name="Be humble", questions="Tell me about a mistake.\nWho gets the credit?"),
              factories.core_value(name="Deliver WOW")]
    job = factories.job(title="Loyalty team", requirements_threshold=50, values_threshold=50)
    application = factories.application(job, stage=Stage.INTERVIEWING)
    db.session.commit()
    return {"values": values, "job": job, "application": application}


def _assign(application, interviewer, kind=InterviewKind.VALUES):
    a = factories.assignment(application, interviewer, kind)
    db.session.commit()
    return a


def _answers(values, score="4", evidence="Told us about a hard call.", requirements=(), **extra) -> dict:
    data = {"key_takeaways": "Warm.", "recommendation": "yes", "submit": "Submit scorecard"}
    for prefix, items in (("v", values), ("r", requirements)):
        for item in items:
            data[f"rating_{prefix}{item.id}"] = score
            data[f"evidence_{prefix}{item.id}"] = evidence
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _version(assignment) -> str:
    """The version the page would carry now, as a second POST from the same tab sends it."""
    return str(db.session.scalar(sa.select(Scorecard.version).where(Scorecard.assignment_id == assignment.id)))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _sign_in(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- the form ------------------------------------------------------------------------------------------

def test_the_form_shows_each_value_with_anchors_and_questions(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    html = _html(client, f"/interviews/{a.id}/scorecard")
    for v in setting["values"]:
        assert f"Rating for {v.name}</legend>" in html and f'name="rating_v{v.id}"' in html
        assert f'<label for="rating_v{v.id}-0"><strong>1</strong> <span class="anchor">anchor 1</span>' in html
    assert "Tell me about a mistake." in html and "No evidence" in html
    assert "Raise a culture veto" in html and 'name="version"' in html
    for r in setting["job"].requirements:
        assert f"rating_r{r.id}" not in html  # a values interview rates the values only


def test_skills_and_hiring_manager_interviews_rate_the_right_items(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    skills = _assign(setting["application"], me, InterviewKind.SKILLS)
    manager = _assign(setting["application"], me, InterviewKind.HIRING_MANAGER)
    req = setting["job"].requirements[0]
    html = _html(client, f"/interviews/{skills.id}/scorecard")
    assert f"rating_r{req.id}" in html and "rating_v" not in html and "culture veto" not in html
    html = _html(client, f"/interviews/{manager.id}/scorecard")
    assert f"rating_r{req.id}" in html and f"rating_v{setting['values'][0].id}" in html


def test_a_retired_value_stays_on_the_scorecards_that_rated_it(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"]))
    setting["values"][0].retired_at = utcnow()
    db.session.commit()
    assert "Be humble" in _html(client, f"/interviews/{a.id}/scorecard/view")
    assert 'name="rating_v%d"' % setting["values"][0].id in _html(client, f"/interviews/{a.id}/scorecard/amend")
    other = _assign(factories.application(setting["job"]), me)
    assert "Be humble" not in _html(client, f"/interviews/{other.id}/scorecard")


def test_the_form_carries_a_csrf_token_and_refuses_a_post_without(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        me = factories.user(Role.INTERVIEWER)
        a = factories.assignment(factories.application(stage=Stage.INTERVIEWING), me)
        db.session.commit()
        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(True))
        client.post("/login", data={"email": me.email, "password": factories.PASSWORD, "csrf_token": token[1]})
        assert 'name="csrf_token"' in client.get(f"/interviews/{a.id}/scorecard").get_data(as_text=True)
        assert client.post(f"/interviews/{a.id}/scorecard", data={"save_draft": "1"}).status_code == 400
        assert _count(Scorecard) == 0


# --- refusals ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("score", ["6", "0", "-1", "4.5", "five"])
def test_a_rating_outside_1_to_5_is_refused(client, login_as, setting, score):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    response = client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"], score=score))
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _count(Rating) == 0 and _count(Scorecard) == 0


def test_a_tampered_item_id_is_refused(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    skills = _assign(setting["application"], me, InterviewKind.SKILLS)
    elsewhere = factories.job(title="Other job").requirements[0]
    db.session.commit()
    for assignment, tampered in ((a, f"v{setting['values'][1].id + 1000}"), (skills, f"r{elsewhere.id}"),
                                 (a, f"r{setting['job'].requirements[0].id}")):
        data = _answers(setting["values"], **{f"rating_{tampered}": "5", f"evidence_{tampered}": "x"})
        response = client.post(f"/interviews/{assignment.id}/scorecard", data=data)
        assert response.status_code == 400
        assert "items that are not on this scorecard" in response.get_data(as_text=True)
    assert _count(Scorecard) == 0


def test_only_the_assigned_interviewer_fills_it_in(client, login_as, auth, setting):
    owner = factories.user(Role.INTERVIEWER)
    a = _assign(setting["application"], owner)
    login_as(Role.INTERVIEWER)
    assert client.get(f"/interviews/{a.id}/scorecard").status_code == 403
    assert client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"])).status_code == 403
    auth.logout()
    login_as(Role.RECRUITER)
    assert client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"])).status_code == 403
    assert _count(Scorecard) == 0
    assert client.get("/interviews/99999/scorecard").status_code == 404
    # Nor may anyone else amend it once submitted.
    _sign_in(client, owner)
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"]))
    auth.logout()
    login_as(Role.ADMIN)
    amended = client.post(f"/interviews/{a.id}/scorecard/amend",
                          data=_answers(setting["values"], score="1", amend_reason="x", version=_version(a)))
    assert amended.status_code == 403 and _count(ScorecardRevision) == 0


def test_a_second_submission_is_refused(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    assert client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"])).status_code == 302
    again = client.post(f"/interviews/{a.id}/scorecard",
                        data=_answers(setting["values"], score="1", version=_version(a)))
    assert again.status_code == 409 and "already submitted and locked" in again.get_data(as_text=True)
    assert sorted(r.score for r in db.session.scalars(sa.select(Rating))) == [4, 4]
    assert client.get(f"/interviews/{a.id}/scorecard").headers["Location"].endswith("/view")  # read-only now


# --- draft and submit ----------------------------------------------------------------------------------

def test_submit_stores_ratings_locks_and_scores(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    assert db.session.get(Application, setting["application"].id).values_fit is None
    response = client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/view")
    card = db.session.scalar(sa.select(Scorecard))
    assert card.status is ScorecardStatus.SUBMITTED and card.submitted_at is not None
    assert sorted(r.score for r in card.ratings) == [4, 4]
    application = db.session.get(Application, setting["application"].id)
    assert application.values_fit == 75.0 and application.gate_result is GateResult.INCOMPLETE
    assert application.scored_at is not None
    assert db.session.scalar(sa.select(AuditEvent.action)) == "scorecard_submitted"


def test_missing_evidence_recommendation_and_veto_reason(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    first, second = setting["values"]
    data = _answers(setting["values"], recommendation=None, culture_veto="y", veto_reason="",
                    key_takeaways="Kept <b>takeaway</b>")
    data[f"evidence_v{second.id}"] = ""
    data[f"rating_v{first.id}"] = "none"
    data[f"evidence_v{first.id}"] = "Did not come up"
    response = client.post(f"/interviews/{a.id}/scorecard", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="evidence_v{second.id}-error"[^>]*>Write the evidence', html)
    assert re.search(r'id="recommendation-error"[^>]*>Choose an overall recommendation', html)
    assert re.search(r'id="veto_reason-error"[^>]*>Give the reason for the veto', html)
    assert f'href="#evidence_v{second.id}-error">Deliver WOW: Write the evidence' in html  # the summary links
    # The summary takes the focus (no script needed) and lists the errors in the order of the page: the items,
    # then the recommendation, then the veto's reason.
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert "autofocus" in summary.group(0)[:summary.group(0).index(">")]
    links = re.findall(r'href="#([a-z_0-9]+)-error"', summary.group(1))
    assert links == [f"evidence_v{second.id}", "recommendation", "veto_reason"], links
    assert "Kept &lt;b&gt;takeaway&lt;/b&gt;" in html and "Did not come up" in html
    assert re.search(rf'id="rating_v{first.id}-5"[^>]*checked|checked[^>]*id="rating_v{first.id}-5"', html)
    assert re.search(rf'id="rating_v{second.id}-3"[^>]*checked|checked[^>]*id="rating_v{second.id}-3"', html)
    assert re.search(r'id="culture_veto"[^>]*checked|checked[^>]*id="culture_veto"', html)
    assert _count(Scorecard) == 0


def test_a_missing_rating_is_marked_on_its_item(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    data = _answers(setting["values"])
    del data[f"rating_v{setting['values'][0].id}"]
    html = client.post(f"/interviews/{a.id}/scorecard", data=data).get_data(as_text=True)
    assert re.search(rf'id="rating_v{setting["values"][0].id}-error"[^>]*>Choose a rating, or No evidence', html)


def test_draft_keeps_everything_and_comes_back(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    first, second = setting["values"]
    data = {f"rating_v{first.id}": "2", f"evidence_v{first.id}": "Half way", f"evidence_v{second.id}": "Notes only",
            "key_takeaways": "So far", "save_draft": "Save draft"}
    assert client.post(f"/interviews/{a.id}/scorecard", data=data).status_code == 302
    card = db.session.scalar(sa.select(Scorecard))
    assert card.status is ScorecardStatus.DRAFT and card.submitted_at is None
    assert db.session.get(Application, setting["application"].id).scored_at is None  # drafts do not score
    html = _html(client, f"/interviews/{a.id}/scorecard")
    assert "Half way" in html and "Notes only" in html and "So far" in html and "Draft" in html
    assert re.search(rf'id="rating_v{first.id}-1"[^>]*checked|checked[^>]*id="rating_v{first.id}-1"', html)
    assert re.search(rf'name="version" type="hidden" value="{card.version}"', html)


def test_a_veto_without_reason_is_not_saved_even_as_a_draft(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    data = {"culture_veto": "y", "veto_reason": " ", "key_takeaways": "Typed", "save_draft": "1"}
    response = client.post(f"/interviews/{a.id}/scorecard", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="veto_reason-error"[^>]*>Give the reason for the veto', html) and "Typed" in html
    assert _count(Scorecard) == 0


def test_a_stale_tab_cannot_overwrite(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    value = setting["values"][0]
    client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "first", "save_draft": "1"})
    version = _version(a)
    # Only a rating changes: the version still moves, so the other tab's save is refused.
    client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "first", f"rating_v{value.id}": "3",
                                                       "save_draft": "1", "version": version})
    assert _version(a) != version
    for stale in (version, ""):  # an older version, or a page opened before the first save
        response = client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "third", "save_draft": "1",
                                                                      "version": stale})
        assert response.status_code == 409 and "saved elsewhere" in response.get_data(as_text=True)
        assert "third" in response.get_data(as_text=True)  # what was typed is still there to copy
    db.session.expire_all()
    assert db.session.scalar(sa.select(Scorecard.key_takeaways)) == "first"
    assert db.session.scalar(sa.select(Rating.score)) == 3


def test_a_save_racing_another_at_flush_is_refused(client, login_as, setting, monkeypatch):
    """A write landing between loading the scorecard and saving it: PostgreSQL lets it in and the version
    column refuses the later save; SQLite's up-front write lock does not even let it in."""
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "first", "save_draft": "1"})
    check = service._check_version
    on_sqlite = db.engine.dialect.name == "sqlite"
    kept_out = []

    def check_then_someone_else_saves(scorecard, version):
        check(scorecard, version)
        if on_sqlite:
            other = sqlite3.connect(db.engine.url.database, timeout=0.2)
            try:
                other.execute("UPDATE scorecards SET key_takeaways = 'other tab', version = version + 1")
            except sqlite3.OperationalError as refused:
                kept_out.append(str(refused))
            finally:
                other.close()
        else:
            with db.engine.begin() as other:
                other.execute(sa.update(Scorecard).values(key_takeaways="other tab", version=Scorecard.version + 1))

    monkeypatch.setattr(service, "_check_version", check_then_someone_else_saves)
    response = client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "mine", "save_draft": "1",
                                                                  "version": _version(a)})
    db.session.expire_all()
    if on_sqlite:
        assert kept_out == ["database is locked"]
        assert response.status_code == 302
        assert db.session.scalar(sa.select(Scorecard.key_takeaways)) == "mine"
    else:
        assert response.status_code == 409 and "saved elsewhere" in response.get_data(as_text=True)
        assert db.session.scalar(sa.select(Scorecard.key_takeaways)) == "other tab"


def test_a_veto_fails_the_gate_and_is_audited(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"], score="5", culture_veto="y",
                                                               veto_reason="Rude to the receptionist"))
    application = db.session.get(Application, setting["application"].id)
    assert application.gate_result is GateResult.FAILS
    assert application.gate_reasons[0] == {"code": "culture_veto", "reason": "Rude to the receptionist"}
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "culture_veto")) is not None


def test_a_veto_posted_to_a_skills_interview_is_ignored(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me, InterviewKind.SKILLS)
    data = _answers((), requirements=setting["job"].requirements, culture_veto="y", veto_reason="Sneaky")
    assert client.post(f"/interviews/{a.id}/scorecard", data=data).status_code == 302
    assert db.session.scalar(sa.select(Scorecard.culture_veto)) is False


# --- amendment -----------------------------------------------------------------------------------------

def test_amendment_keeps_the_earlier_version(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"], score="4"))
    form = _html(client, f"/interviews/{a.id}/scorecard/amend")
    assert "Told us about a hard call." in form and "Reason for the amendment" in form
    no_reason = client.post(f"/interviews/{a.id}/scorecard/amend",
                            data=_answers(setting["values"], score="2", version=_version(a)))
    assert no_reason.status_code == 400
    assert re.search(r'id="amend_reason-error"[^>]*>Give the reason for the amendment', no_reason.get_data(True))
    ok = client.post(f"/interviews/{a.id}/scorecard/amend",
                     data=_answers(setting["values"], score="2", amend_reason="Mixed up two candidates",
                                   culture_veto="y", veto_reason="Later heard: rude to staff", version=_version(a)))
    assert ok.status_code == 302
    revision = db.session.scalar(sa.select(ScorecardRevision))
    assert revision.reason == "Mixed up two candidates" and revision.amended_by_id == me.id
    assert [r["score"] for r in revision.snapshot["ratings"]] == [4, 4] and not revision.snapshot["culture_veto"]
    assert sorted(r.score for r in db.session.scalars(sa.select(Rating))) == [2, 2]
    application = db.session.get(Application, setting["application"].id)
    assert application.values_fit == 25.0 and application.gate_result is GateResult.FAILS
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["scorecard_submitted", "scorecard_amended", "culture_veto"]
    view = _html(client, f"/interviews/{a.id}/scorecard/view")
    assert "Mixed up two candidates" in view and "Version 1, replaced on" in view
    assert "Be humble: <strong>4</strong>" in view  # the earlier content, readable


def test_only_a_submitted_scorecard_is_amended(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    assert client.get(f"/interviews/{a.id}/scorecard/amend").headers["Location"].endswith(f"/{a.id}/scorecard")
    with pytest.raises(service.Conflict):
        service.amend(db.session, a, me, service.ScorecardInput(), reason="x", version=None)


# --- independence --------------------------------------------------------------------------------------

def test_independence_before_and_after_ones_own_submission(client, login_as, setting):
    first = factories.user(Role.INTERVIEWER, name="First Rater")
    a1 = _assign(setting["application"], first)
    me = login_as(Role.INTERVIEWER)
    a2 = _assign(setting["application"], me, InterviewKind.HIRING_MANAGER)
    _sign_in(client, first)
    client.post(f"/interviews/{a1.id}/scorecard", data=_answers(setting["values"], evidence="FIRST-EVIDENCE"))
    _sign_in(client, me)
    assert client.get(f"/interviews/{a1.id}/scorecard/view").status_code == 403
    assert client.get(f"/interviews/applications/{setting['application'].id}/compare").status_code == 403
    assert "FIRST-EVIDENCE" not in _html(client, f"/interviews/{a2.id}/scorecard")
    assert "side by side" not in _html(client, f"/pipeline/applications/{setting['application'].id}")
    data = _answers(setting["values"], score="2", evidence="MINE", requirements=setting["job"].requirements)
    assert client.post(f"/interviews/{a2.id}/scorecard", data=data).status_code == 302
    assert "FIRST-EVIDENCE" in _html(client, f"/interviews/{a1.id}/scorecard/view")
    compare = _html(client, f"/interviews/applications/{setting['application'].id}/compare")
    assert "First Rater" in compare and "Discuss: ratings differ by 2" in compare
    assert "side by side" in _html(client, f"/pipeline/applications/{setting['application'].id}")


def test_visible_scorecards(app, setting):
    application = setting["application"]
    one, two, outsider = (factories.user(Role.INTERVIEWER) for _ in range(3))
    recruiter = factories.user(Role.RECRUITER)
    first = factories.submitted_scorecard(factories.assignment(application, one), {setting["values"][0]: 4})
    values_two = factories.assignment(application, two)
    skills_two = factories.assignment(application, two, InterviewKind.SKILLS)
    db.session.commit()
    visible = lambda user: service.visible_scorecards(db.session, application, user)  # noqa: E731
    assert visible(recruiter) == [first] and visible(one) == [first]
    assert visible(two) == [] and visible(outsider) == []
    second = factories.submitted_scorecard(values_two, {setting["values"][0]: 2})
    assert visible(two) == [second]  # one of their two interviews is still open: only their own
    third = factories.submitted_scorecard(skills_two, {setting["job"].requirements[0]: 3})
    assert visible(two) == [first, second, third] and visible(outsider) == []


def test_an_interviewer_not_on_the_application_sees_nothing_of_it(client, login_as, setting):
    owner = factories.user(Role.INTERVIEWER)
    card = factories.submitted_scorecard(factories.assignment(setting["application"], owner),
                                         {setting["values"][0]: 4})
    db.session.commit()
    login_as(Role.INTERVIEWER)
    assert client.get(f"/interviews/{card.assignment_id}/scorecard/view").status_code == 403
    assert client.get(f"/interviews/applications/{setting['application'].id}/compare").status_code == 403
    assert client.get("/interviews/applications/99999/compare").status_code == 404


# --- escaping, comparison, links -----------------------------------------------------------------------

def test_script_in_evidence_is_shown_as_text(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    draft = {k: v for k, v in _answers(setting["values"], evidence=evil).items() if k != "submit"}
    client.post(f"/interviews/{a.id}/scorecard", data={**draft, "save_draft": "1"})
    assert escaped in _html(client, f"/interviews/{a.id}/scorecard")  # the draft, back in its textarea
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"], evidence=evil, version=_version(a)))
    pages = [f"/interviews/{a.id}/scorecard/view", f"/interviews/{a.id}/scorecard/amend",
             f"/interviews/applications/{setting['application'].id}/compare"]
    for url in pages:
        html = _html(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html and escaped in html, url
    client.post(f"/interviews/{a.id}/scorecard/amend", data=_answers(setting["values"], evidence="plain",
                                                                     amend_reason=evil, version=_version(a)))
    html = _html(client, f"/interviews/{a.id}/scorecard/view")
    assert "<script>alert" not in html and html.count(escaped) == 3  # the reason and the two earlier ratings


def test_recruiters_see_all_with_disagreements_scores_and_reasons(client, login_as, setting):
    for i, score in enumerate((1, 4)):
        person = factories.user(Role.INTERVIEWER, name=f"Rater {i}")
        factories.submitted_scorecard(factories.assignment(setting["application"], person),
                                      {v: score for v in setting["values"]}, veto="Rude" if i == 0 else None)
    score_application(db.session, setting["application"].id)
    db.session.commit()
    login_as(Role.RECRUITER)
    html = _html(client, f"/interviews/applications/{setting['application'].id}/compare")
    assert "Rater 0" in html and "Rater 1" in html
    assert html.count("Discuss: ratings differ by 3") == 2 and "2 items to discuss" in html
    assert "Does not pass" in html and "An interviewer raised a culture veto: Rude" in html
    assert "Culture veto by Rater 0" in html


def test_links_to_the_scorecard_follow_its_state(client, login_as, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me)
    page = f"/pipeline/applications/{setting['application'].id}"
    home = _html(client, "/")
    assert f'href="/interviews/{a.id}/scorecard"' in home and "Fill in your scorecard" in home
    assert "Fill in your scorecard" in _html(client, page)
    client.post(f"/interviews/{a.id}/scorecard", data={"key_takeaways": "x", "save_draft": "1"})
    assert "Continue your draft" in _html(client, page) and "Continue your draft" in _html(client, "/")
    client.post(f"/interviews/{a.id}/scorecard", data=_answers(setting["values"], version=_version(a)))
    html = _html(client, page)
    assert "View your submitted scorecard" in html and f"/interviews/{a.id}/scorecard/view" in html
    client.post("/logout")
    login_as(Role.RECRUITER)
    candidate_page = _html(client, f"/pipeline/candidates/{setting['application'].candidate_id}")
    assert f"/interviews/applications/{setting['application'].id}/compare" in candidate_page


# --- query counts --------------------------------------------------------------------------------------

def _more_of_everything(setting, n: int) -> None:
    """n more core values, and n more interviewers who each submitted a rating on every value."""
    values = setting["values"] + [factories.core_value() for _ in range(n)]
    for i in range(n):
        person = factories.user(Role.INTERVIEWER)
        factories.submitted_scorecard(factories.assignment(setting["application"], person),
                                      {v: 1 + (i + j) % 5 for j, v in enumerate(values)})
    db.session.commit()


def test_page_query_counts_do_not_grow_with_the_ratings(client, count_queries, setting):
    me = factories.user(Role.INTERVIEWER)
    mine = factories.submitted_scorecard(factories.assignment(setting["application"], me, InterviewKind.HIRING_MANAGER),
                                         {**{v: 3 for v in setting["values"]},
                                          **{r: 4 for r in setting["job"].requirements}})
    _more_of_everything(setting, 1)
    _sign_in(client, me)
    pages = [f"/interviews/{mine.assignment_id}/scorecard/view", f"/interviews/{mine.assignment_id}/scorecard/amend",
             f"/interviews/applications/{setting['application'].id}/compare",
             f"/pipeline/applications/{setting['application'].id}", "/"]

    def counts() -> list[int]:
        result = []
        for url in pages:
            db.session.expire_all()
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            result.append(counter.count)
        return result

    few = counts()
    _more_of_everything(setting, 12)
    assert counts() == few


def test_form_query_count_does_not_grow(client, login_as, count_queries, setting):
    me = login_as(Role.INTERVIEWER)
    a = _assign(setting["application"], me, InterviewKind.HIRING_MANAGER)
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/interviews/{a.id}/scorecard")
    for i in range(12):
        factories.core_value(name=f"Extra value {i}")
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        client.get(f"/interviews/{a.id}/scorecard")
    assert many.count == few.count
