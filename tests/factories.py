"""Small factory helpers that build valid domain rows for tests (flushed, not committed)."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from hiring.auth.service import create_user
from hiring.extensions import db
from hiring.models import (
    Application,
    Candidate,
    CoreValue,
    Hire,
    InterviewAssignment,
    InterviewKind,
    Job,
    Requirement,
    Role,
    Scorecard,
    Stage,
)

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def user(role: Role | str = Role.RECRUITER, *, email: str | None = None, name: str | None = None,
         password: str | None = PASSWORD, active: bool = True):
    """A user with a role and the test password."""
    role = Role(role)
    n = _n()
    u = create_user(db.session, email=email or f"{role.value}{n}@example.test",
                    name=name or f"{role.value.title()} {n}", role=role, password=password)
    u.active = active
    db.session.flush()
    return u


def core_value(name: str | None = None, **kw) -> CoreValue:
    """An active core value with five anchors."""
    n = _n()
    value = CoreValue(name=name or f"Value {n}", description="",
                      **{f"anchor_{i}": f"anchor {i}" for i in range(1, 6)}, position=n, **kw)
    db.session.add(value)
    db.session.flush()
    return value


def job(title: str | None = None, requirements: int = 2, **kw) -> Job:
    """An open job with a few requirements."""
    j = Job(title=title or f"Job {_n()}", **kw)
    for i in range(requirements):
        j.requirements.append(Requirement(name=f"Requirement {i + 1}", weight=i + 1, position=i,
                                          must_have=(i == 0)))
    db.session.add(j)
    db.session.flush()
    return j


def candidate(name: str | None = None, email: str | None = None) -> Candidate:
    """A candidate with a unique e-mail."""
    n = _n()
    c = Candidate(name=name or f"Candidate {n}", email=email or f"candidate{n}@example.test")
    db.session.add(c)
    db.session.flush()
    return c


def application(job_: Job | None = None, candidate_: Candidate | None = None,
                stage: Stage = Stage.APPLIED) -> Application:
    """An application of a candidate to a job."""
    a = Application(job=job_ or job(), candidate=candidate_ or candidate(), stage=stage)
    db.session.add(a)
    db.session.flush()
    return a


def assignment(application_: Application | None = None, interviewer=None,
               kind: InterviewKind = InterviewKind.VALUES) -> InterviewAssignment:
    """An interviewer assigned to an application."""
    a = InterviewAssignment(application=application_ or application(stage=Stage.INTERVIEWING),
                            interviewer=interviewer or user(Role.INTERVIEWER), kind=kind)
    db.session.add(a)
    db.session.flush()
    return a


def scorecard(assignment_: InterviewAssignment | None = None) -> Scorecard:
    """A draft scorecard."""
    s = Scorecard(assignment=assignment_ or assignment())
    db.session.add(s)
    db.session.flush()
    return s


def hire(application_: Application | None = None, start: date | None = None, **kw) -> Hire:
    """A hire made from an application."""
    h = Hire(application=application_ or application(stage=Stage.HIRED),
             start_date=start or date.today() - timedelta(days=10), **kw)
    db.session.add(h)
    db.session.flush()
    return h


def submitted_scorecard(assignment_: InterviewAssignment, scores: dict, *, evidence: str = "Evidence.",
                        recommendation: str = "yes", veto: str | None = None) -> Scorecard:
    """A submitted scorecard rating each item of `scores` ({Requirement or CoreValue: 1-5 or None})."""
    from hiring.models import Rating, Recommendation, ScorecardStatus, utcnow

    s = Scorecard(assignment=assignment_, status=ScorecardStatus.SUBMITTED, submitted_at=utcnow(),
                  recommendation=Recommendation(recommendation), culture_veto=veto is not None, veto_reason=veto)
    db.session.add(s)
    for item, score in scores.items():
        column = "core_value_id" if isinstance(item, CoreValue) else "requirement_id"
        s.ratings.append(Rating(**{column: item.id}, score=score, no_evidence=score is None, evidence=evidence))
    db.session.flush()
    return s


def lenient_and_strict(value: CoreValue, lenient, strict, n: int = 12, *, agreeing=None) -> None:
    """n applications, each rated 5 on `value` by the lenient interviewer and 2 by the strict one (and by
    `agreeing`, a second strict one: with only two, calibration cannot tell which of them is off)."""
    for _ in range(n):
        app_ = application()
        for person, score in ((lenient, 5), (strict, 2)) + (((agreeing, 2),) if agreeing else ()):
            submitted_scorecard(assignment(app_, person), {value: score}, evidence="e")


def applicant_through(job, stages, gender=None, age_band=None):
    """An application that went through `stages` (the last is where it is now), with self-identification."""
    from hiring.models import SelfIdentification, Stage, StageChange, utcnow

    person = candidate()
    db.session.add(SelfIdentification(candidate_id=person.id, gender=gender, age_band=age_band))
    made = application(job, person)
    made.stage = Stage(stages[-1])
    previous = None
    for stage in stages:
        db.session.add(StageChange(application=made, from_stage=previous, to_stage=Stage(stage),
                                   changed_at=utcnow(), reason="x"))
        previous = Stage(stage)
    return made


def rejection_reason(code: str = "requirements", label: str = "Does not meet the requirements"):
    """A coded rejection reason (the one of this code when there is one: the first test of a run meets the list
    migration 0024 seeded)."""
    import sqlalchemy as sa

    from hiring.models import RejectionReason

    found = db.session.scalar(sa.select(RejectionReason).where(RejectionReason.code == code))
    if found is None:
        found = RejectionReason(code=code, label=label, position=0)
        db.session.add(found)
        db.session.flush()
    return found
