"""The load test's world and its audit: seeded through the app's own services, checked from the database.

`seed` builds the demo company (hiring/demo) as background, then the simulated users: interviewers with
assignments to fill in (three interviewers per application, so that submits on one application can meet),
recruiters, and new hires enrolled in onboarding. `verify` compares what the server acknowledged with what
the database holds. Both run inside an app context.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

LOAD_PASSWORD = "a long load-test passphrase 2026"
SLACK = timedelta(milliseconds=50)  # the server's clock is ours; allow for rounding only


@dataclass
class Actor:
    """One simulated user: who signs in, and what they work on (plain ids, safe to hand to a thread)."""

    role: str
    email: str
    user_id: int
    assignments: list[tuple[int, int]] = field(default_factory=list)  # (assignment id, application id)
    tasks: list[int] = field(default_factory=list)  # a new hire's own onboarding tasks, in order


@dataclass
class World:
    """The simulated users and what recruiters browse."""

    interviewers: list[Actor]
    recruiters: list[Actor]
    new_hires: list[Actor]
    job_ids: list[int]
    candidate_ids: list[int]
    load_application_ids: list[int]
    search_terms: list[str]
    counts: dict[str, int]


@dataclass
class Op:
    """A write the client sent, and how the server answered: ack (success), refused (the expected 409),
    rejected (another 4xx: nothing should be written), unknown (5xx or no answer: may or may not be written)."""

    kind: str
    outcome: str
    started: datetime
    ended: datetime
    payload: dict = field(default_factory=dict)


def split_users(users: int) -> tuple[int, int, int]:
    """Half interviewers (at least three, so each application gets three), a quarter recruiters, the rest new hires."""
    interviewers = max(3, users // 2)
    recruiters = max(1, (users - interviewers) // 2)
    return interviewers, recruiters, max(1, users - interviewers - recruiters)


def _pass_gate(session: Session, application, staff, actor_id: int) -> None:
    """Three submitted scorecards of all fives by demo interviewers, through the interview service."""
    from hiring.interviews import service as interviews
    from hiring.interviews.items import Answer, ScorecardInput
    from hiring.models import InterviewKind, Recommendation
    from hiring.pipeline.service import assign_interviewer

    for kind, person in zip(InterviewKind, staff):
        made = assign_interviewer(session, application.id, interviewer_id=person.id, kind=kind, actor_id=actor_id)
        assignment = interviews.load_assignment(session, made.id)
        items = interviews.items_for(session, assignment)
        data = ScorecardInput(answers={i.key: Answer(score=5, evidence="Seeded for the load test.") for i in items},
                              recommendation=Recommendation.STRONG_YES, key_takeaways="Seeded.")
        interviews.save(session, assignment, person, data, submit=True, version=None)


def seed(session: Session, users: int, cards_per_interviewer: int, today: date) -> World:
    """The demo company plus the load test's own people and work; committed."""
    from hiring.auth.service import create_user
    from hiring.demo.seed import seed_demo
    from hiring.models import (Candidate, EnrollmentTask, Enrollment, Hire, InterviewKind, Job, JobStatus, Role,
                               Stage, TaskOwner, User)
    from hiring.pipeline.service import add_candidate, assign_interviewer, move_application

    counts = seed_demo(session, today=today)
    recruiter = session.scalar(sa.select(User).where(User.email == "recruiter@demo.example"))
    staff = session.scalars(sa.select(User).where(User.role == Role.INTERVIEWER).order_by(User.id)).all()
    jobs = session.scalars(sa.select(Job).where(Job.status == JobStatus.OPEN).order_by(Job.id)).all()
    n_int, n_rec, n_new = split_users(users)

    def person(role: Role, i: int) -> Actor:
        email = f"load.{role.value}.{i}@load.example"
        user = create_user(session, email=email, name=f"Load {role.value} {i}", role=role, password=LOAD_PASSWORD)
        return Actor(role.value, email, user.id)

    def applicant(label: str, i: int, to: Stage):
        application = add_candidate(session, name=f"Load {label} {i}", email=f"load.{label}.{i}@load.example",
                                    phone=None, source="load test", job_id=jobs[i % len(jobs)].id,
                                    actor_id=recruiter.id)
        for stage in (Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION):
            move_application(session, application.id, expected_stage=None, to_stage=stage,
                             reason="Seeded for the load test.", actor_id=recruiter.id)
            if stage is to:
                break
        return application

    interviewers = [person(Role.INTERVIEWER, i) for i in range(n_int)]
    recruiters = [person(Role.RECRUITER, i) for i in range(n_rec)]
    kinds = list(InterviewKind)
    load_apps = []
    for j in range(math.ceil(n_int * cards_per_interviewer / len(kinds))):
        application = applicant("candidate", j, Stage.INTERVIEWING)
        load_apps.append(application.id)
        for k, kind in enumerate(kinds):
            actor = interviewers[(j * len(kinds) + k) % n_int]
            made = assign_interviewer(session, application.id, interviewer_id=actor.user_id, kind=kind,
                                      actor_id=recruiter.id)
            actor.assignments.append((made.id, application.id))

    new_hires = []
    for i in range(n_new):
        application = applicant("newhire", i, Stage.DECISION)
        _pass_gate(session, application, staff[:3], recruiter.id)
        # Eight days in: week two, so that the checklist has a past week, a current one and future ones.
        move_application(session, application.id, expected_stage=Stage.DECISION, to_stage=Stage.HIRED,
                         reason="Seeded for the load test.", actor_id=recruiter.id,
                         start_date=today - timedelta(days=8), mentor_id=staff[i % len(staff)].id)
        hire = session.scalar(sa.select(Hire).where(Hire.application_id == application.id))
        hire.user.set_password(LOAD_PASSWORD)
        tasks = session.scalars(
            sa.select(EnrollmentTask.id).join(Enrollment).where(Enrollment.hire_id == hire.id,
                                                                EnrollmentTask.owner == TaskOwner.NEW_HIRE)
            .order_by(EnrollmentTask.week, EnrollmentTask.position, EnrollmentTask.id)).all()
        new_hires.append(Actor(Role.NEW_HIRE.value, hire.user.email, hire.user_id, tasks=list(tasks)))
    session.commit()

    names = session.scalars(sa.select(Candidate.name).order_by(Candidate.id).limit(40)).all()
    counts = {**counts, "load applications": len(load_apps),
              "load assignments": sum(len(a.assignments) for a in interviewers),
              "load new-hire tasks": sum(len(a.tasks) for a in new_hires)}
    return World(interviewers=interviewers, recruiters=recruiters, new_hires=new_hires,
                 job_ids=[j.id for j in session.scalars(sa.select(Job).order_by(Job.id))],
                 candidate_ids=list(session.scalars(sa.select(Candidate.id).order_by(Candidate.id))),
                 load_application_ids=load_apps,
                 search_terms=sorted({n.split()[-1][:4].lower() for n in names} | {"load", "example", ""}),
                 counts=counts)


@dataclass
class Audit:
    """What the database check found."""

    problems: list[str] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)

    def bad(self, message: str) -> None:
        """A lost, duplicated or unexpected write."""
        self.problems.append(message)


def _acks(ops: list[Op], *kinds: str) -> list[Op]:
    return [op for op in ops if op.kind in kinds and op.outcome == "ack"]


def _uncertain(ops: list[Op]) -> bool:
    return any(op.outcome == "unknown" for op in ops)


def _check_scorecard(audit: Audit, assignment_id: int, ops: list[Op], card, submitted_events: int) -> None:
    from hiring.models import ScorecardStatus

    where = f"assignment {assignment_id}"
    saves = _acks(ops, "draft", "submit")
    submits = _acks(ops, "submit")
    for op in ops:
        if op.kind == "duplicate" and op.outcome == "ack":
            audit.bad(f"{where}: a duplicate submit was accepted")
    if len(submits) > 1:
        audit.bad(f"{where}: {len(submits)} submits were acknowledged for one scorecard")
    if submits:
        sent = submits[-1].payload
        if card is None or card.status is not ScorecardStatus.SUBMITTED:
            audit.bad(f"{where}: an acknowledged submit is not in the database (lost)")
            return
        got = {(f"r{r.requirement_id}" if r.requirement_id else f"v{r.core_value_id}"): (r.score, r.no_evidence,
                                                                                        r.evidence)
               for r in card.ratings}
        if got != sent["ratings"]:
            audit.bad(f"{where}: the stored ratings differ from the acknowledged submit")
        if card.recommendation.value != sent["recommendation"] or card.culture_veto != sent["veto"]:
            audit.bad(f"{where}: the stored recommendation or veto differs from the acknowledged submit")
        if submitted_events != 1:
            audit.bad(f"{where}: {submitted_events} 'scorecard_submitted' audit events for one submit")
    elif card is not None and card.status is ScorecardStatus.SUBMITTED and not _uncertain(ops):
        audit.bad(f"{where}: submitted in the database, but no submit was acknowledged")
    elif submitted_events and not _uncertain(ops):
        audit.bad(f"{where}: {submitted_events} 'scorecard_submitted' events without an acknowledged submit")
    if not _uncertain(ops):
        version = card.version if card is not None else 0
        if version != len(saves):
            audit.bad(f"{where}: version {version} after {len(saves)} acknowledged saves: a write was lost or "
                      "made twice")
    if card is not None and card.revisions:
        audit.bad(f"{where}: {len(card.revisions)} amendments, but the test amends nothing")


def _check_task(audit: Audit, task, ops: list[Op], user_id: int) -> None:
    where = f"task {task.id}"
    for op in ops:
        if op.kind == "duplicate" and op.outcome == "ack":
            audit.bad(f"{where}: a duplicate tick was accepted")
    if _uncertain(ops):
        return
    acked = _acks(ops, "tick", "untick")
    last = acked[-1] if acked else None
    if last is None or last.kind == "untick":
        if task.done_at is not None:
            audit.bad(f"{where}: done in the database, but its last acknowledged change was "
                      f"{'an untick' if last else 'none'}")
        return
    if task.done_at is None:
        audit.bad(f"{where}: an acknowledged tick is not in the database (lost)")
    elif not (last.started - SLACK <= task.done_at <= last.ended + SLACK):
        audit.bad(f"{where}: done_at {task.done_at.isoformat()} is outside its acknowledged tick "
                  f"({last.started.isoformat()} to {last.ended.isoformat()}): written again later")
    elif task.done_by_id != user_id or task.note != last.payload["note"]:
        audit.bad(f"{where}: the stored tick differs from the acknowledged one")


def _check_scores(audit: Audit, session: Session, application_ids: list[int]) -> None:
    """The scores stored on each application must equal a fresh computation from its submitted ratings."""
    from hiring.models import Application, InterviewAssignment, Scorecard
    from hiring.scoring.service import score_application

    stored = {a.id: (a.requirements_fit, a.values_fit, a.gate_result, a.gate_reasons)
              for a in session.scalars(sa.select(Application).where(Application.id.in_(application_ids)))}
    stale = []
    for application_id in application_ids:
        a = score_application(session, application_id)
        fresh = (a.requirements_fit, a.values_fit, a.gate_result, a.gate_reasons)
        if fresh != stored[application_id]:
            times = session.scalars(sa.select(Scorecard.submitted_at).join(InterviewAssignment).where(
                InterviewAssignment.application_id == application_id).order_by(Scorecard.submitted_at)).all()
            stale.append(f"{application_id} (stored {_short(stored[application_id])}, "
                         f"from the ratings {_short(fresh)}; submits at "
                         f"{', '.join(t.strftime('%H:%M:%S.%f')[:-3] for t in times if t)})")
    session.rollback()
    audit.facts["applications rescored"] = len(application_ids)
    audit.facts["applications with stale stored scores"] = len(stale)
    for line in stale:
        audit.bad(f"application {line}: the stored scores miss a concurrent submit (lost update)")


def _short(scores) -> str:
    req, val, gate, _reasons = scores
    fmt = (lambda x: "-" if x is None else f"{x:.1f}")
    return f"req {fmt(req)}, values {fmt(val)}, gate {gate.value if gate else '-'}"


def verify(session: Session, world: World, card_ops: dict[int, list[Op]], task_ops: dict[int, list[Op]]) -> Audit:
    """Every acknowledged write is in the database exactly once; nothing unacknowledged was written."""
    from hiring.models import AuditEvent, EnrollmentTask, InterviewAssignment, Scorecard
    from sqlalchemy.orm import selectinload

    audit = Audit()
    assignment_ids = [a for actor in world.interviewers for a, _app in actor.assignments]
    cards = {c.assignment_id: c for c in session.scalars(
        sa.select(Scorecard).where(Scorecard.assignment_id.in_(assignment_ids))
        .options(selectinload(Scorecard.ratings), selectinload(Scorecard.revisions)))}
    events = dict(session.execute(
        sa.select(AuditEvent.entity_id, sa.func.count()).where(AuditEvent.action == "scorecard_submitted",
                                                              AuditEvent.entity_type == "scorecard")
        .group_by(AuditEvent.entity_id)).all())
    for assignment_id in assignment_ids:
        card = cards.get(assignment_id)
        _check_scorecard(audit, assignment_id, card_ops.get(assignment_id, []), card,
                         events.get(card.id, 0) if card else 0)
    all_ops = [op for ops in card_ops.values() for op in ops]
    audit.facts["scorecard submits acknowledged"] = len(_acks(all_ops, "submit"))
    audit.facts["scorecards submitted in the database"] = sum(
        1 for c in cards.values() if c.status.value == "submitted")
    audit.facts["drafts acknowledged"] = len(_acks(all_ops, "draft"))
    audit.facts["duplicate submits refused"] = sum(1 for op in all_ops if op.kind == "duplicate"
                                                   and op.outcome == "refused")
    touched = session.scalars(sa.select(InterviewAssignment.application_id).distinct()
                              .where(InterviewAssignment.id.in_(list(card_ops)))).all()
    _check_scores(audit, session, sorted(touched))

    owner = {t: actor.user_id for actor in world.new_hires for t in actor.tasks}
    tasks = session.scalars(sa.select(EnrollmentTask).where(EnrollmentTask.id.in_(list(owner)))).all()
    for task in tasks:
        _check_task(audit, task, task_ops.get(task.id, []), owner[task.id])
    t_ops = [op for ops in task_ops.values() for op in ops]
    audit.facts["ticks acknowledged"] = len(_acks(t_ops, "tick"))
    audit.facts["unticks acknowledged"] = len(_acks(t_ops, "untick"))
    audit.facts["duplicate ticks refused"] = sum(1 for op in t_ops if op.kind == "duplicate"
                                                 and op.outcome == "refused")
    audit.facts["tasks done in the database"] = sum(1 for t in tasks if t.done_at is not None)
    audit.facts["writes with an unknown outcome"] = sum(1 for op in all_ops + t_ops if op.outcome == "unknown")
    return audit


def now() -> datetime:
    """The time now, in UTC, as the server stores it."""
    return datetime.now(timezone.utc)
