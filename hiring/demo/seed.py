"""`seed-demo`: a believable company, with one login per role, from a fixed random seed."""
from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hiring.auth.service import create_user
from hiring.demo.content import FIRST_NAMES, LAST_NAMES, content_for
from hiring.demo.interviews import interview, store_scores
from hiring.demo.programme import default_programme
from hiring.onboarding.enrolment import current_programme
from hiring.models import (
    Application,
    Candidate,
    CoreValue,
    Hire,
    InterviewKind,
    Job,
    JobQuestion,
    JobStatus,
    OfferPolicy,
    QuitOffer,
    Requirement,
    Role,
    Scorecard,
    ScorecardStatus,
    SelfIdentification,
    Stage,
    StageChange,
    User,
)

OFFER_AMOUNT_MINOR = 400_000  # The Offer in the demo: 4,000 in the company's currency (COMPANY_CURRENCY)
DEMO_PASSWORD = "values-fit-demo"

# (role, e-mail, name, interviewer leniency): the fixed logins, then more interviewers and mentors.
STAFF = [
    (Role.ADMIN, "admin@demo.example", "Alex de Graaf", 0.0),
    (Role.HR, "hr@demo.example", "Hanna Vermeulen", 0.0),
    (Role.RECRUITER, "recruiter@demo.example", "Rik Smeets", 0.0),
    (Role.INTERVIEWER, "interviewer@demo.example", "Iris Kramer", 0.0),
    (Role.INTERVIEWER, "sam.okafor@demo.example", "Sam Okafor", 0.75),     # lenient
    (Role.INTERVIEWER, "ruth.verhoeven@demo.example", "Ruth Verhoeven", -0.6),  # severe
    (Role.INTERVIEWER, "mehmet.aydin@demo.example", "Mehmet Aydin", 0.1),
    (Role.INTERVIEWER, "lisa.dewit@demo.example", "Lisa de Wit", -0.1),
]
NEW_HIRE_LOGIN = ("newhire@demo.example", "Noor Benali")
SIMILAR_SEED = 31
LOGIN_ORDER = [Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER, Role.NEW_HIRE]

# How the sixty candidates of today spread over the stages.
CURRENT_STAGES = ([Stage.APPLIED] * 14 + [Stage.SCREENING] * 11 + [Stage.INTERVIEWING] * 15
                  + [Stage.DECISION] * 8 + [Stage.REJECTED] * 9 + [Stage.WITHDRAWN] * 3)
PATH = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION, Stage.HIRED]


def database_is_empty(session: Session) -> bool:
    """True when the database holds no users, values, jobs or candidates."""
    return all(session.scalar(sa.select(model.id).limit(1)) is None for model in (User, CoreValue, Job, Candidate))


def demo_logins(session: Session) -> list[tuple[str, str]]:
    """(role, e-mail) of the demo's fixed logins that exist in this database."""
    emails = [e for _, e, _, _ in STAFF[:4]] + [NEW_HIRE_LOGIN[0]]
    found = dict(session.execute(sa.select(User.email, User.role).where(User.email.in_(emails))).all())
    return [(found[e].value, e) for e in emails if e in found]


def at(day: date, hour: int = 10) -> datetime:
    """A point in time on a day, in UTC."""
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


class Demo:
    """Builds the company; each part is a method, run in order by seed_demo."""

    def __init__(self, session: Session, rng: random.Random, today: date, locale: str = "en",
                 now: datetime | None = None):
        self.session, self.rng, self.today, self.locale = session, rng, today, locale
        self.now = now or at(today, 23)
        self.content = content_for(locale)
        self.staff: dict[str, User] = {}
        self.lenience: dict[int, float] = {}
        self.counter = 0
        self.counts: dict[str, int] = {}
        # Each hire's hidden values fit and per-item deviation, which the week-5 review sees (demo/reviews.py).
        self.hidden: dict = {}
        # Evidence that speaks of likeness (hiring/demo/interviews.py): drawn from a generator of its own, so
        # that adding it changed none of the demo's other figures.
        self.similar = random.Random(SIMILAR_SEED)

    def past(self, moment: datetime) -> datetime:
        """`moment`, or a minute ago when it would lie ahead: what the demo says happened has happened."""
        return min(moment, self.now - timedelta(minutes=1))

    # --- people, values, jobs -------------------------------------------------------------------------
    def people(self) -> None:
        for role, email, name, lenience in STAFF:
            user = create_user(self.session, email=email, name=name, role=role, password=DEMO_PASSWORD)
            self.staff[email] = user
            self.lenience[user.id] = lenience
        self.interviewers = [u for u in self.staff.values() if u.role is Role.INTERVIEWER]
        self.recruiter = self.staff["recruiter@demo.example"]
        self.hr = self.staff["hr@demo.example"]

    def company(self) -> None:
        self.values = []
        for position, (name, description, anchors, questions) in enumerate(self.content.CORE_VALUES):
            value = CoreValue(name=name, description=description, questions=questions, position=position,
                              **{f"anchor_{i + 1}": text for i, text in enumerate(anchors)})
            self.values.append(value)
        self.session.add_all(self.values)
        self.jobs = [self._job(spec, JobStatus.OPEN, i) for i, spec in enumerate(self.content.JOBS)]
        self.closed_job = self._job(self.content.CLOSED_JOB, JobStatus.CLOSED, 1)
        for days, job, (text, location, team), asked in zip((20, 9), self.jobs, self.content.CAREERS,
                                                             self.content.APPLICATION_QUESTIONS):
            job.published, job.published_at = True, at(self.today - timedelta(days=days))
            job.public_description, job.location, job.team = text, location, team
            self.session.add_all(JobQuestion(job=job, position=position, text=question, hint=hint or None)
                                 for position, (question, hint) in enumerate(asked))
        self.session.add_all(default_programme(self.locale))
        self.session.add(OfferPolicy(updated_by_id=self.hr.id, amount_minor=OFFER_AMOUNT_MINOR,
                                     currency=current_app.config["COMPANY_CURRENCY"]))
        self.session.flush()
        self.programme = current_programme(self.session)
        # One core value and one requirement whose anchors leave too much to taste: interviewers agree on them
        # far less than on the rest, and the calibration page flags them (hiring/demo/interviews.py).
        self.weak = frozenset({self.values[2], self.jobs[1].requirements[-1]})

    def _job(self, spec, status: JobStatus, manager_index: int) -> Job:
        title, description, req_threshold, values_threshold, requirements = spec
        job = Job(title=title, description=description, requirements_threshold=req_threshold,
                  values_threshold=values_threshold, status=status,
                  hiring_manager_id=self.interviewers[manager_index % len(self.interviewers)].id)
        for position, (name, weight, must_have, text, questions) in enumerate(requirements):
            job.requirements.append(Requirement(name=name, weight=weight, must_have=must_have,
                                                description=text, questions=questions, position=position))
        self.session.add(job)
        return job

    # --- candidates -----------------------------------------------------------------------------------
    def person(self) -> tuple[str, str]:
        """A new (name, e-mail) that no one else in the demo has."""
        self.counter += 1
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        slug = re.sub(r"[^a-z]", "", f"{first}.{last}".lower().replace(" ", ""))
        return f"{first} {last}", f"{slug}.{self.counter}@example.org"

    def candidate(self, applied_at: datetime, name: str | None = None, email: str | None = None) -> Candidate:
        if name is None:
            name, email = self.person()
        candidate = Candidate(name=name, email=email, source=self.rng.choice(self.content.SOURCES), created_at=applied_at,
                              phone=f"+31 6 {self.rng.randint(10000000, 99999999)}")
        roll = self.rng.random()
        if roll < 0.15:
            candidate_self_id = SelfIdentification(declined=True, recorded_at=applied_at)
        elif roll < 0.75:
            candidate_self_id = SelfIdentification(
                gender=self.rng.choice(["woman", "man", "woman", "man", "non-binary"]),
                age_band=self.rng.choice(["under 25", "25-39", "25-39", "40-54", "55 and over"]),
                recorded_at=applied_at)
        else:
            candidate_self_id = None
        self.session.add(candidate)
        if candidate_self_id is not None:
            candidate_self_id.candidate = candidate
            self.session.add(candidate_self_id)
        return candidate

    def walk(self, application: Application, to: Stage, start: datetime, step_days: float) -> datetime:
        """Move an application along the pipeline to `to`, one stage change per step; returns the last time."""
        when = start
        changes = [StageChange(from_stage=None, to_stage=Stage.APPLIED, changed_by_id=self.recruiter.id,
                               changed_at=when, reason=self.content.APPLIED_REASON)]
        previous = Stage.APPLIED
        path = PATH if to in PATH else PATH[: self.rng.randint(1, 3)] + [to]
        for stage in path[1: path.index(to) + 1]:
            when = self.past(when + timedelta(days=step_days * self.rng.uniform(0.6, 1.4)))
            changes.append(StageChange(from_stage=previous, to_stage=stage, changed_by_id=self.recruiter.id,
                                       changed_at=when, reason=self.content.STAGE_REASONS[stage]))
            previous = stage
        application.stage_changes = changes
        application.stage = to
        application.stage_changed_at = when
        return when

    def current_pipeline(self) -> None:
        """About sixty candidates in the open jobs, spread over the stages, with their interviews."""
        pending_for_iris = 0
        iris = self.staff["interviewer@demo.example"]
        for stage in CURRENT_STAGES:
            job = self.rng.choice(self.jobs)
            interviewed = stage in (Stage.INTERVIEWING, Stage.DECISION, Stage.REJECTED)
            applied_at = at(self.today - timedelta(days=self.rng.randint(16 if interviewed else 2, 45)),
                            self.rng.randint(7, 20))
            application = Application(candidate=self.candidate(applied_at), job=job, applied_at=applied_at)
            self.session.add(application)
            ability, fit = self.rng.gauss(3.2, 0.9), self.rng.gauss(3.4, 0.8)
            if stage is Stage.DECISION:  # those who got this far are mostly good; the gate still decides
                ability, fit = self.rng.gauss(3.9, 0.5), self.rng.gauss(4.0, 0.5)
            if stage is Stage.REJECTED:
                fit = min(fit, 2.4)
            last = self.walk(application, stage, applied_at, step_days=min(3.0, (self.today - applied_at.date()).days / 5))
            if interviewed and (stage is not Stage.REJECTED or self.rng.random() < 0.6):
                kinds = [InterviewKind.VALUES, InterviewKind.SKILLS, InterviewKind.HIRING_MANAGER]
                interviewers = self.rng.sample(self.interviewers, 3)
                if stage is Stage.INTERVIEWING and pending_for_iris < 4 and iris not in interviewers:
                    interviewers[0] = iris
                assignments, truth = [], {}
                for i, (kind, person) in enumerate(zip(kinds, interviewers)):
                    status = ScorecardStatus.SUBMITTED
                    if stage is Stage.INTERVIEWING and (person is iris or i == 2):
                        status = None if self.rng.random() < 0.7 else ScorecardStatus.DRAFT
                        pending_for_iris += person is iris
                    assignments.append(interview(
                        self.rng, application, person, kind, ability=ability, fit=fit,
                        lenience=self.lenience[person.id], values=self.values, assigned_by=self.recruiter,
                        assigned_at=applied_at + timedelta(days=3), status=status, words=self.content,
                        weak=self.weak, truth=truth, similar=self.similar))
                self.session.add_all(assignments)
                store_scores(application, job, self.values, assignments, scored_at=last)
        self.session.flush()


def seed_demo(session: Session, seed: int = 2026, today: date | None = None, locale: str = "en") -> dict[str, int]:
    """Fill the database with the demo company in a language (flushed, not committed); returns what it made."""
    from hiring.demo.amendments import add_amendments
    from hiring.demo.applicants import add_past_applicants
    from hiring.demo.audit_log import add_audit_log
    from hiring.demo.history import add_history
    from hiring.demo.rejections import add_rejection_reasons
    from hiring.models.packed_ratings import pack_missing

    now = datetime.now(timezone.utc) if today is None else None
    demo = Demo(session, random.Random(seed), today or now.date(), locale, now=now)
    demo.people()
    demo.company()
    demo.current_pipeline()
    add_history(demo)
    add_past_applicants(demo)  # after the history, so that everything made before it stays as it was
    add_amendments(demo)  # with a random generator of its own too
    session.flush()
    add_rejection_reasons(session, random.Random(seed + 24))  # a coded reason on every rejection
    from hiring.values.similarity_service import ensure_defaults, recount

    ensure_defaults(session)
    recount(session)  # the similarity flags, as submitting each scorecard would have set them
    add_audit_log(demo, current_app.config["PRIVACY_RETENTION_DAYS"])  # last: the events of all the above
    # The demo writes its scorecards directly, not through the submit service: pack their first versions as the
    # service would, so that the calibration reads them the fast way (hiring/models/packed_ratings.py).
    pack_missing(session.connection())
    counted = {"users": User, "core values": CoreValue, "jobs": Job, "candidates": Candidate,
               "applications": Application, "scorecards": Scorecard, "hires": Hire, "offers": QuitOffer}
    return {label: session.scalar(sa.select(sa.func.count()).select_from(model))
            for label, model in counted.items()}
