"""Hiring: the hire record, the new hire's login, their enrolment and their welcome mail (with the link that
sets their password, hiring/pipeline/messages.py), in one transaction."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.bounds import date_outside, start_date_window
from hiring.clock import today as company_today
from hiring.errors import Conflict, DomainError
from hiring.models import Application, Hire, OfferTiming, Role, User
from hiring.offer.policy import current_policy
from hiring.onboarding.enrolment import enrol
from hiring.pipeline.messages import send_welcome
from hiring.webhooks import events as webhook_events


def make_hire(session: Session, application: Application, *, start_date: date | None,
              mentor_id: int | None, actor_id: int, today: date | None = None) -> Hire:
    """Create the hire, a login without a password for the new hire, their enrolment, and queue their welcome."""
    if start_date is None:
        raise DomainError(_("Give the start date of the new hire."), field="start_date")
    # Also checked by the form; here because every later due date is computed from it (9999-12-31 was a 500).
    problem = date_outside(start_date, *start_date_window(today or company_today()))
    if problem:
        raise DomainError(problem, field="start_date")
    candidate = application.candidate
    if session.scalar(sa.select(User.id).where(User.email == candidate.email)) is not None:
        raise Conflict(_("There is already a login with the e-mail %(email)s; the new hire needs their own.",
                         email=candidate.email), field="to_stage")
    if mentor_id is not None:
        mentor = session.get(User, mentor_id)
        if mentor is None or not mentor.active or mentor.role is Role.NEW_HIRE:
            raise DomainError(_("Choose a mentor from the list."), field="mentor_id")
    user = User(email=candidate.email, name=candidate.name, role=Role.NEW_HIRE)
    session.add(user)
    session.flush()
    hire = Hire(application=application, user_id=user.id, mentor_id=mentor_id, start_date=start_date)
    session.add(hire)
    session.flush()
    enrollment = enrol(session, hire, start_date)
    session.flush()
    record(session, actor_id=actor_id, action="hired", entity_type="application", entity_id=application.id,
           hire_id=hire.id, user_id=user.id, start_date=start_date.isoformat(), mentor_id=mentor_id,
           enrollment_id=enrollment.id)
    webhook_events.emit(session, webhook_events.APPLICATION_HIRED, {
        "application_id": application.id, "candidate_id": application.candidate_id,
        "job_id": application.job_id, "hire_id": hire.id, "enrollment_id": enrollment.id,
        "start_date": start_date.isoformat()})
    send_welcome(session, hire, user)
    return hire


def what_happens_next(session: Session, application: Application) -> str:
    """After a hire, what follows and when, for the page that made it: the welcome e-mail, the programme's start
    and mentor, and when The Offer can be made under the current policy."""
    hire = session.scalar(sa.select(Hire).where(Hire.application_id == application.id))
    policy = current_policy(session)
    when = (_("after they graduate from the programme") if policy.timing is OfferTiming.GRADUATION
            else _("after week %(week)d of the programme", week=policy.after_week))
    mentor = (_("with %(mentor)s as mentor", mentor=hire.mentor.name) if hire.mentor is not None
              else _("without a mentor yet (HR chooses one on the new hire's checklist)"))
    return _("%(name)s is hired. What happens next: a welcome e-mail with a link to set a password is on its "
             "way; the five-week onboarding programme starts on %(date)s, %(mentor)s; The Offer can be made "
             "%(when)s.", name=application.candidate.name, date=format_date(hire.start_date), mentor=mentor,
             when=when)
