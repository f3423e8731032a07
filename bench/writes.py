"""The writes the benchmark makes through the app's own forms, as the role that makes them: submitting a
scorecard (with the score update), moving an application to its next stage, making The Offer. Each is a
(method, path, form data) ready to post; everything they cause is removed again by `cleanup`, so that a run
leaves the company as it found it (the runner's own rows, snapshots, tasks and sign-in sessions, aside)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

INTERVIEWER = "interviewer@demo.example"


@dataclass
class Writes:
    """Forms prepared for `n` writes of each kind, taken one at a time."""

    app: object
    scorecards: list[tuple] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)
    offers: list[tuple] = field(default_factory=list)
    assignments: list[int] = field(default_factory=list)
    scored: list[int] = field(default_factory=list)
    moved: list[tuple] = field(default_factory=list)  # (application id, stage, stage_changed_at) before
    marks: dict = field(default_factory=dict)  # the largest ids before the run's writes

    def take(self, kind: str):
        """The next prepared write of a kind, or None when none is left."""
        pool = {"scorecard": self.scorecards, "move": self.moves, "offer": self.offers}[kind]
        return pool.pop(0) if pool else None


def prepare(app, csrf: dict[str, str], n_scorecards: int, n_moves: int, n_offers: int) -> Writes:
    """Make the assignments the scorecards need, choose the applications to move and the hires to make The
    Offer to, and note where the tables end, for the cleanup. `csrf` is each role's form token."""
    from hiring.clock import today
    from hiring.extensions import db
    from hiring.models import (Application, AuditEvent, CoreValue, InterviewAssignment, InterviewKind, QuitOffer,
                               Requirement, Stage, StageChange, User, utcnow)
    from hiring.offer.service import eligible_hires
    from hiring.pipeline.stages import FORWARD

    writes = Writes(app)
    with app.app_context():
        session = db.session
        writes.marks = {model.__tablename__: session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0)))
                        for model in (AuditEvent, StageChange, QuitOffer)}
        me = session.scalar(sa.select(User.id).where(User.email == INTERVIEWER))
        taken = sa.select(InterviewAssignment.application_id).where(InterviewAssignment.interviewer_id == me)
        apps = session.execute(sa.select(Application.id, Application.job_id).where(Application.id.not_in(taken))
                               .order_by((Application.stage == Stage.INTERVIEWING).desc(), Application.id.desc())
                               .limit(n_scorecards)).all()
        now = utcnow()
        for application_id, _job in apps:
            writes.assignments.append(session.scalar(sa.insert(InterviewAssignment).values(
                application_id=application_id, interviewer_id=me, kind=InterviewKind.HIRING_MANAGER, assigned_at=now,
                scheduled_for=now).returning(InterviewAssignment.id)))
        writes.scored = [a for a, _j in apps]
        session.commit()
        values = session.scalars(sa.select(CoreValue.id).where(CoreValue.retired_at.is_(None))).all()
        requirements = {j: session.scalars(sa.select(Requirement.id).where(Requirement.job_id == j)).all()
                        for j in {j for _a, j in apps}}
        for (_a, job), assignment in zip(apps, writes.assignments):
            data = {"csrf_token": csrf["interviewer"], "version": "", "recommendation": "yes",
                    "submit": "Submit scorecard", "key_takeaways": "Benchmark submission."}
            for key in [f"r{r}" for r in requirements[job]] + [f"v{v}" for v in values]:
                data[f"rating_{key}"], data[f"evidence_{key}"] = "4", "Two specific examples, with results."
            writes.scorecards.append(("POST", f"/interviews/{assignment}/scorecard", data))
        # Applications one step before a stage that is not "hired" (hiring makes a hire, a bigger write).
        movable = [s for s, to in FORWARD.items() if to is not Stage.HIRED]
        rows = session.execute(sa.select(Application.id, Application.stage, Application.stage_changed_at)
                               .where(Application.stage.in_(movable)).order_by(Application.id.desc())
                               .limit(n_moves)).all()
        for application_id, stage, changed_at in rows:
            writes.moved.append((application_id, stage, changed_at))
            prefix = f"a{application_id}"
            writes.moves.append(("POST", f"/pipeline/applications/{application_id}/move", {
                "csrf_token": csrf["recruiter"], f"{prefix}-expected_stage": stage.value,
                f"{prefix}-to_stage": FORWARD[stage].value, f"{prefix}-reason": "Benchmark move.",
                f"{prefix}-start_date": "", f"{prefix}-mentor_id": "0"}))
        for hire in eligible_hires(session, today())[:n_offers]:
            writes.offers.append(("POST", f"/offer/hires/{hire.id}/make", {"csrf_token": csrf["hr"]}))
        session.rollback()
    return writes


def cleanup(writes: Writes) -> None:
    """Remove everything the writes caused: the assignments with their scorecards (and the stored scores
    computed again), the stage changes with the stages restored, the offers, and their audit events."""
    from hiring.extensions import db
    from hiring.models import Application, AuditEvent, InterviewAssignment, QuitOffer, StageChange
    from hiring.scoring.service import score_application

    with writes.app.app_context():
        session = db.session
        session.execute(sa.delete(QuitOffer).where(QuitOffer.id > writes.marks["quit_offers"]))
        session.execute(sa.delete(StageChange).where(StageChange.id > writes.marks["stage_changes"]))
        for application_id, stage, changed_at in writes.moved:
            session.execute(sa.update(Application).where(Application.id == application_id)
                            .values(stage=stage, stage_changed_at=changed_at))
        if writes.assignments:
            session.execute(sa.delete(InterviewAssignment).where(InterviewAssignment.id.in_(writes.assignments)))
        session.execute(sa.delete(AuditEvent).where(AuditEvent.id > writes.marks["audit_events"]))
        for application_id in writes.scored:
            score_application(session, application_id)
        session.commit()
