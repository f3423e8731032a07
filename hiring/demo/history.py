"""The demo's past and present hires: three years of cohorts with their offers and departures, two cohorts
in the programme now, and one just graduated with its offers open."""
from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from flask import current_app

from hiring.demo.interviews import interview, store_scores
from hiring.demo.seed import DEMO_PASSWORD, NEW_HIRE_LOGIN, OFFER_AMOUNT_MINOR, Demo, at
from hiring.models import (
    Application,
    EndReason,
    GateResult,
    Hire,
    InterviewKind,
    OfferDecision,
    QuitOffer,
    Role,
    ScorecardStatus,
    SignOff,
    Stage,
    TaskOwner,
    User,
)
from hiring.onboarding.enrolment import enrol

PROGRAMME_DAYS = 35
TAKEN_PER_HUNDRED = 1  # the seed articles: about 1% take the money
ABILITY_EFFECT = 0.9   # on the log of the time to leaving after graduation, per point of ability (values fit: 1.8)
LATER_SEED = 29


def _hire(demo: Demo, start: date, *, login: tuple[str, str] | None = None, password: str | None = None,
          fit_mean: float = 3.9) -> tuple[Hire, float]:
    """A hire with the application and the three submitted scorecards that hired them; returns the hidden fit."""
    rng = demo.rng
    applied_at = at(start - timedelta(days=rng.randint(30, 60)), rng.randint(8, 18))
    email, name = login if login else reversed(demo.person())
    job = rng.choice(demo.jobs + [demo.closed_job]) if start < demo.today - timedelta(days=400) else rng.choice(demo.jobs)
    # Only people who passed the gate were hired: interviews are drawn until they pass, so the hidden fit of
    # hires is what the gate let through, and that is what retention follows.
    for _attempt in range(50):
        ability, fit = rng.gauss(3.9, 0.8), rng.gauss(fit_mean, 0.6)
        application = Application(job=job, applied_at=applied_at)
        people, truth = rng.sample(demo.interviewers, 3), {}
        assignments = [
            interview(rng, application, person, kind, ability=ability, fit=fit, lenience=demo.lenience[person.id],
                      values=demo.values, assigned_by=demo.recruiter, status=ScorecardStatus.SUBMITTED,
                      assigned_at=applied_at + timedelta(days=8), words=demo.content, weak=demo.weak,
                      truth=truth, similar=demo.similar)
            for kind, person in zip(InterviewKind, people)
        ]
        store_scores(application, job, demo.values, assignments, scored_at=applied_at + timedelta(days=20))
        if application.gate_result is GateResult.PASSES:
            break
    application.candidate = demo.candidate(applied_at, name, email)
    demo.session.add(application)
    demo.session.add_all(assignments)
    last = demo.walk(application, Stage.HIRED, applied_at, step_days=5)
    application.scored_at = last
    user = User(email=application.candidate.email, name=application.candidate.name, role=Role.NEW_HIRE)
    if password:
        user.set_password(password)
    hire = Hire(application=application, user=user, start_date=start, mentor_id=rng.choice(demo.interviewers).id,
                created_at=last)
    demo.session.add(hire)
    demo.hidden[hire] = (fit, ability, truth)  # what work shows again: reviews.py, and the time to leaving
    return hire, fit


def _work_through(demo: Demo, hire: Hire, upto_day: int, *, all_signed: bool = False) -> None:
    """Tick the tasks a new hire would have done by `upto_day` days into the programme."""
    enrollment = enrol(demo.session, hire, hire.start_date, demo.programme)
    rng = demo.rng
    who = {TaskOwner.NEW_HIRE: hire.user_id, TaskOwner.MENTOR: hire.mentor_id, TaskOwner.HR: demo.hr.id}
    for task in enrollment.tasks:
        week_end = task.week * 7
        if week_end <= upto_day:
            done = all_signed or rng.random() < 0.95 or not task.required
        elif (task.week - 1) * 7 <= upto_day:
            done = rng.random() < (upto_day - (task.week - 1) * 7) / 7
        else:
            done = False
        if not done or (not task.required and not all_signed and rng.random() < 0.3):
            continue
        done_day = min(upto_day, (task.week - 1) * 7 + rng.randint(1, 5))
        task.done_at = demo.past(at(hire.start_date + timedelta(days=done_day), rng.randint(9, 17)))
        task.done_by_id = who[task.owner]
        if task.sign_off is not SignOff.NONE and (all_signed or done_day < upto_day - 2 or rng.random() < 0.4):
            task.signed_off_at = demo.past(task.done_at + timedelta(hours=rng.randint(2, 40)))
            task.signed_off_by_id = hire.mentor_id if task.sign_off is SignOff.MENTOR else demo.hr.id
    if all_signed:
        enrollment.completed_on = hire.start_date + timedelta(days=PROGRAMME_DAYS - 1)


def _offer(demo: Demo, hire: Hire, made: datetime, decision: OfferDecision | None) -> QuitOffer:
    offer = QuitOffer(hire=hire, amount_minor=OFFER_AMOUNT_MINOR, currency=current_app.config["COMPANY_CURRENCY"],
                      offered_at=made,
                      offered_by_id=demo.hr.id, deadline=made + timedelta(days=7))
    if decision is OfferDecision.EXPIRED:
        offer.decision, offer.decided_at = decision, offer.deadline
    elif decision is not None:
        offer.decision = decision
        offer.decided_at = demo.past(made + timedelta(days=demo.rng.randint(1, 6), hours=demo.rng.randint(0, 6)))
        offer.recorded_by_id = hire.user_id
        if decision is OfferDecision.TAKEN:
            offer.paid_minor = OFFER_AMOUNT_MINOR
    demo.session.add(offer)
    return offer


def _past_cohorts(demo: Demo) -> None:
    """Cohorts every four weeks over three years; ~1% take The Offer, and some leave later."""
    rng, today = demo.rng, demo.today
    start = today - timedelta(days=3 * 365)
    starts = []
    while start < today - timedelta(days=PROGRAMME_DAYS + 20):
        starts.append(start)
        start += timedelta(days=28)
    hires: list[tuple[Hire, float]] = []
    for cohort_start in starts:
        for _ in range(rng.randint(6, 10)):
            hires.append(_hire(demo, cohort_start))
    demo.session.flush()  # the hires' logins get their ids, which their ticked tasks point at
    takers = set(rng.sample(range(len(hires)), max(1, round(len(hires) * TAKEN_PER_HUNDRED / 100))))
    later = random.Random(LATER_SEED)
    for i, (hire, fit) in enumerate(hires):
        # Time to leaving: shorter for a weaker values fit, which is what the retention curves show.
        mean_days = 1100 * math.exp(1.8 * (fit - 3.9))
        stays_days = int(rng.expovariate(1 / mean_days))
        if stays_days < PROGRAMME_DAYS - 7 and i not in takers:
            _work_through(demo, hire, stays_days)
            _end(hire, stays_days, rng.choice([EndReason.RESIGNED, EndReason.RESIGNED, EndReason.DISMISSED]))
            continue
        _work_through(demo, hire, PROGRAMME_DAYS, all_signed=True)
        made = at(hire.start_date + timedelta(days=PROGRAMME_DAYS - 1), 15)
        decision = OfferDecision.TAKEN if i in takers else (
            OfferDecision.EXPIRED if rng.random() < 0.04 else OfferDecision.STAYED)
        offer = _offer(demo, hire, made, decision)
        if decision is OfferDecision.TAKEN:
            _end(hire, (offer.decided_at.date() - hire.start_date).days, EndReason.OFFER_ACCEPTED)
            continue
        floor = (offer.decided_at.date() - hire.start_date).days + 1
        # The main generator is drawn exactly as before the ability's part was added, so that the rest of the
        # demo (tuned by hand: its calibration, its pipeline) stays what it was; the reason of a departure that
        # only the ability's part brings comes from a generator of its own.
        roll = rng.random() if hire.start_date + timedelta(days=max(stays_days, floor)) < today else None
        # After graduating, weaker ability on the job's requirements shortens the stay too (some are let go,
        # some leave when the work does not suit them): so the requirements predict staying, as they should.
        ability = demo.hidden[hire][1]
        stays_days = max(floor, int(stays_days * math.exp(ABILITY_EFFECT * (ability - 3.9))))
        if hire.start_date + timedelta(days=stays_days) < today:
            roll = later.random() if roll is None else roll
            reason = EndReason.RESIGNED if roll < 0.75 else EndReason.DISMISSED if roll < 0.9 else EndReason.OTHER
            _end(hire, stays_days, reason)
    for hire, _ in hires:
        if hire.end_date is not None:
            hire.user.active = False
    demo.session.flush()


def _end(hire: Hire, days: int, reason: EndReason) -> None:
    hire.end_date = hire.start_date + timedelta(days=days)
    hire.end_reason = reason


def _current_cohorts(demo: Demo) -> None:
    """Two cohorts in the programme now (the demo new hire ten days in) and one just graduated."""
    today = demo.today
    iris = demo.staff["interviewer@demo.example"]
    cohorts = {10: [_hire(demo, today - timedelta(days=10), login=NEW_HIRE_LOGIN, password=DEMO_PASSWORD)[0]]}
    cohorts[10] += [_hire(demo, today - timedelta(days=10))[0] for _ in range(4)]
    cohorts[24] = [_hire(demo, today - timedelta(days=24))[0] for _ in range(4)]
    graduated = [_hire(demo, today - timedelta(days=PROGRAMME_DAYS + 3))[0] for _ in range(4)]
    cohorts[10][0].mentor_id = iris.id  # the demo interviewer mentors the demo new hire
    demo.session.flush()
    for day, hires in cohorts.items():
        for hire in hires:
            _work_through(demo, hire, day)
    for i, hire in enumerate(graduated):
        _work_through(demo, hire, PROGRAMME_DAYS, all_signed=True)
        _offer(demo, hire, at(hire.start_date + timedelta(days=PROGRAMME_DAYS - 1), 15),
               OfferDecision.STAYED if i == 0 else None)
    demo.session.flush()


def add_history(demo: Demo) -> None:
    """Past cohorts, present cohorts and the offers of both, and the week-5 values reviews of the graduates."""
    from hiring.demo.reviews import add_departure_reviews, add_week5_reviews

    _past_cohorts(demo)
    _current_cohorts(demo)
    add_week5_reviews(demo)
    add_departure_reviews(demo)
