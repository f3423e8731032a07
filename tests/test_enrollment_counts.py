"""Each enrolment's task counts (tasks_total, tasks_complete) are kept by the database (migration 0027) through
every way a task changes, and HR's home sums them per cohort instead of reading every task."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from hiring.extensions import db
from hiring.models import Enrollment, EnrollmentTask, Role, SignOff, TaskOwner
from hiring.onboarding import service
from tests import factories

TODAY = date.today()


def _enrolment(hr_sign: int = 1, mentor_sign: int = 1, plain: int = 2, user=None, mentor=None) -> Enrollment:
    hire = factories.hire(start=TODAY - timedelta(days=3), user_id=user.id if user else None,
                          mentor_id=mentor.id if mentor else None)
    enrollment = Enrollment(hire=hire, started_on=hire.start_date)
    enrollment.tasks = (
        [EnrollmentTask(week=1, title="HR's", owner=TaskOwner.HR, sign_off=SignOff.HR) for _ in range(hr_sign)]
        + [EnrollmentTask(week=2, title="Mentor's", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.MENTOR)
           for _ in range(mentor_sign)]
        + [EnrollmentTask(week=3, title="Plain", owner=TaskOwner.NEW_HIRE, sign_off=SignOff.NONE)
           for _ in range(plain)])
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def _kept(enrollment_id: int) -> tuple[int, int]:
    return tuple(db.session.execute(sa.text(
        "SELECT tasks_complete, tasks_total FROM enrollments WHERE id = :id"), {"id": enrollment_id}).one())


def _recounted(enrollment_id: int) -> tuple[int, int]:
    tasks = db.session.scalars(sa.select(EnrollmentTask).where(EnrollmentTask.enrollment_id == enrollment_id))
    states = [t.done_at is not None and (t.sign_off is SignOff.NONE or t.signed_off_at is not None) for t in tasks]
    return sum(states), len(states)


def test_the_counts_follow_ticks_sign_offs_send_backs_and_reopening(app):
    new_hire, mentor, hr = factories.user(Role.NEW_HIRE), factories.user(Role.INTERVIEWER), factories.user(Role.HR)
    enrollment = _enrolment(user=new_hire, mentor=mentor)
    eid = enrollment.id
    hr_task, mentor_task, plain, other = (t.id for t in enrollment.tasks)
    assert _kept(eid) == (0, 4)

    def step(action, *args):
        action(db.session, *args)
        db.session.commit()
        return _kept(eid)

    assert step(service.tick, plain, new_hire, "", TODAY) == (1, 4)  # no sign-off needed: complete when done
    assert step(service.untick, plain, new_hire) == (0, 4)
    assert step(service.tick, mentor_task, new_hire, "", TODAY) == (0, 4)  # done, not signed off: not complete
    assert step(service.send_back, mentor_task, mentor, "Say more") == (0, 4)
    assert step(service.tick, mentor_task, new_hire, "", TODAY) == (0, 4)
    assert step(service.sign_off, mentor_task, mentor, TODAY) == (1, 4)
    assert step(service.tick, hr_task, hr, "", TODAY) == (1, 4)
    assert step(service.sign_off, hr_task, hr, TODAY) == (2, 4)
    assert step(service.tick, plain, new_hire, "", TODAY) == (3, 4)
    assert step(service.tick, other, new_hire, "", TODAY) == (4, 4)
    assert db.session.get(Enrollment, eid).completed_on is not None
    assert step(service.reopen, hr_task, hr, "Signed too early") == (3, 4)
    assert _kept(eid) == _recounted(eid)


def test_the_counts_follow_rows_written_without_the_app_and_deleted(app):
    first, second = _enrolment(), _enrolment(hr_sign=0, mentor_sign=0, plain=3)
    a, b, who = first.id, second.id, factories.user(Role.HR).id
    moved = first.tasks[-1].id
    db.session.execute(sa.update(EnrollmentTask).where(EnrollmentTask.enrollment_id == b)
                       .values(done_at=sa.func.current_timestamp(), done_by_id=who))
    db.session.execute(sa.update(EnrollmentTask).where(EnrollmentTask.id == moved)
                       .values(enrollment_id=b, done_at=sa.func.current_timestamp(), done_by_id=who))
    db.session.execute(sa.insert(EnrollmentTask).values(enrollment_id=a, week=5, title="Added", owner=TaskOwner.HR,
                                                        sign_off=SignOff.NONE, position=9, description="",
                                                        note="", required=True))
    db.session.commit()
    assert (_kept(a), _kept(b)) == ((0, 4), (4, 4)) == (_recounted(a), _recounted(b))
    db.session.execute(sa.delete(EnrollmentTask).where(EnrollmentTask.enrollment_id == b,
                                                       EnrollmentTask.id != moved))
    db.session.commit()
    assert _kept(b) == (1, 1) == _recounted(b)
    db.session.delete(db.session.get(Enrollment, a))  # its tasks go with it (ON DELETE CASCADE, and the ORM's)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1


def test_the_counts_stay_true_through_many_random_changes(app):
    """Whatever order ticks, sign-offs and send-backs come in, the kept counts equal a recount."""
    rng = random.Random(19)
    hr = factories.user(Role.HR)
    people = []
    for _ in range(3):
        new_hire, mentor = factories.user(Role.NEW_HIRE), factories.user(Role.INTERVIEWER)
        people.append((_enrolment(hr_sign=2, mentor_sign=2, plain=2, user=new_hire, mentor=mentor).id,
                       new_hire, mentor))
    applied = 0
    for _ in range(120):
        eid, new_hire, mentor = rng.choice(people)
        task = rng.choice(db.session.scalars(sa.select(EnrollmentTask)
                                             .where(EnrollmentTask.enrollment_id == eid)).all())
        doer = hr if task.owner is TaskOwner.HR else new_hire
        signer = hr if task.sign_off is SignOff.HR else mentor
        actions = [lambda: service.tick(db.session, task.id, doer, "", TODAY),
                   lambda: service.untick(db.session, task.id, doer),
                   lambda: service.sign_off(db.session, task.id, signer, TODAY),
                   lambda: service.send_back(db.session, task.id, signer, "Again"),
                   lambda: service.reopen(db.session, task.id, hr, "Again")]
        try:
            rng.choice(actions)()
            db.session.commit()
            applied += 1
        except Exception:  # a refused step (already done, not signed off ...) changes nothing
            db.session.rollback()
    assert applied >= 30  # the walk did change things
    for eid, _h, _m in people:
        assert _kept(eid) == _recounted(eid)


def test_hr_home_sums_the_kept_counts_per_cohort_in_one_statement(client, login_as, count_queries):
    """"Tasks done" on HR's home counts complete tasks, as the cohort list does (a done task waiting for its
    sign-off is not complete yet), and reads a row per person however many tasks they have."""
    login_as(Role.HR)
    enrollment = _enrolment(hr_sign=1, mentor_sign=1, plain=2)
    _enrolment(hr_sign=1, mentor_sign=1, plain=2)
    now, who = sa.func.current_timestamp(), factories.user(Role.HR).id
    db.session.execute(sa.update(EnrollmentTask).where(EnrollmentTask.enrollment_id == enrollment.id)
                       .values(done_at=now, done_by_id=who))  # all four done; two of them wait for a sign-off
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "25% (2/8)" in html, html
    # The cohort links to its own pages (the cohort list shows only the newest cohorts' people).
    assert f'href="/onboarding/?cohort={enrollment.started_on.isoformat()}"' in html
    from hiring.dashboard.service import onboarding_cohorts

    with count_queries() as counted:
        rows = onboarding_cohorts(db.session)
    assert counted.count == 1 and [(r.people, r.tasks_done, r.tasks_total) for r in rows] == [(2, 2, 8)]
    assert "enrollment_tasks" not in counted.statements[0]


def test_the_migration_counts_the_tasks_already_there(app):
    from flask_migrate import downgrade, upgrade

    enrollment = _enrolment(hr_sign=1, mentor_sign=1, plain=2)
    eid, who = enrollment.id, factories.user(Role.HR).id
    db.session.execute(sa.update(EnrollmentTask).where(EnrollmentTask.enrollment_id == eid,
                                                       EnrollmentTask.sign_off == SignOff.NONE)
                       .values(done_at=sa.func.current_timestamp(), done_by_id=who))
    db.session.commit()
    db.session.remove()
    downgrade(revision="0026")
    upgrade()
    assert _kept(eid) == (2, 4) == _recounted(eid)
