"""What each role's home page shows, loaded in a fixed number of queries whatever the data size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.careers.applying import SOURCE as CAREERS_SITE
from hiring.pipeline.duplicates import open_count as open_duplicates
from hiring.models.stage_counts import StageCount
from hiring.models.user_counts import UserCount
from hiring.models import (
    Application,
    Candidate,
    Enrollment,
    InterviewAssignment,
    Job,
    JobStatus,
    QuitOffer,
    Role,
    Scorecard,
    Stage,
    User,
)

OPEN_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)


@dataclass
class JobRow:
    """An open job with how many applications sit in each open stage."""

    id: int
    title: str
    by_stage: dict[Stage, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


def open_jobs(session: Session) -> list[JobRow]:
    """Open jobs with application counts per open stage, in two queries."""
    jobs = session.execute(
        sa.select(Job.id, Job.title).where(Job.status == JobStatus.OPEN).order_by(Job.title)
    ).all()
    rows = {job_id: JobRow(job_id, title, {s: 0 for s in OPEN_STAGES}) for job_id, title in jobs}
    # The counters the database keeps (hiring/models/stage_counts.py): counting the applications grew with them.
    counts = session.execute(
        sa.select(StageCount.job_id, StageCount.stage, StageCount.n)
        .where(StageCount.job_id.in_(rows), StageCount.stage.in_(OPEN_STAGES))
    )
    for job_id, stage, n in counts:
        rows[job_id].by_stage[stage] = n
    return list(rows.values())


def pending_interviews(session: Session, interviewer_id: int) -> list[sa.Row]:
    """The interviewer's assignments whose scorecard is not submitted yet, on open applications: read from the
    index of assignments not written up (migration 0036), not from every interview the interviewer ever had."""
    return session.execute(
        sa.select(
            InterviewAssignment.id,
            InterviewAssignment.application_id,
            InterviewAssignment.kind,
            InterviewAssignment.scheduled_for,
            Candidate.name.label("candidate_name"),
            Job.title.label("job_title"),
            Scorecard.status.label("scorecard_status"),
        )
        .join(Application, InterviewAssignment.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Job, Application.job_id == Job.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == InterviewAssignment.id)
        .where(
            InterviewAssignment.interviewer_id == interviewer_id,
            sa.text("NOT interview_assignments.scorecard_submitted"),
            Application.stage.in_(OPEN_STAGES),
        )
        .order_by(InterviewAssignment.assigned_at)
    ).all()


@dataclass
class CohortRow:
    """New hires who started on the same day and are still in the programme."""

    started_on: date
    people: int
    tasks_done: int
    tasks_total: int

    @property
    def percent(self) -> int:
        return round(100 * self.tasks_done / self.tasks_total) if self.tasks_total else 0


def cohort_sums() -> sa.Select:
    """Enrolments in progress grouped by start date, with task progress (complete as the cohort list counts
    it: done, and signed off where needed), a row per person: the counts are the enrolments' own, kept by the
    database (migration 0027), not a reading of every task; who has left is the enrolment's own mark too
    (migration 0034), so the statement reads the enrolments in the programme and nothing else."""
    return (
        sa.select(
            Enrollment.started_on,
            sa.func.count(),
            sa.func.sum(Enrollment.tasks_complete),
            sa.func.sum(Enrollment.tasks_total),
        )
        .where(Enrollment.completed_on.is_(None), sa.text("NOT enrollments.hire_left"))
        .group_by(Enrollment.started_on)
        .order_by(Enrollment.started_on)
    )


def onboarding_cohorts(session: Session) -> list[CohortRow]:
    """HR's home's cohorts in the programme, oldest first: one statement (cohort_sums)."""
    rows = session.execute(cohort_sums()).all()
    return [CohortRow(*row) for row in rows]


def offers_waiting(session: Session) -> int:
    """Offers made and not decided yet."""
    return session.scalar(
        sa.select(sa.func.count()).select_from(QuitOffer).where(QuitOffer.decision.is_(None))
    )


def users_by_role(session: Session) -> dict[Role, int]:
    """How many active users hold each role: a row per role kept by the database (migration 0037), where
    counting the users read every account, every new hire's included."""
    counts = dict(session.execute(sa.select(UserCount.role, UserCount.n)).all())
    return {role: counts.get(role, 0) for role in Role}


FROM_SITE_SHOWN = 5  # the newest applications from the careers site on the home page; the list has the rest


def waiting_on_recruiting(session: Session, limit: int = 20) -> dict[str, list]:
    """What recruiters should act on: applications waiting for a decision with every scorecard in, new
    applications not screened for a week, and applications in interviewing with fewer than two interviewers,
    each list the oldest first; and the newest applications from the careers site still in 'applied'
    (hiring/careers/applying.py), newest first. Four queries."""
    from datetime import timedelta

    from hiring.models import GateResult, utcnow

    base = (sa.select(Application.id, Application.candidate_id, Candidate.name, Job.title.label("job_title"),
                      Application.stage_changed_at, Application.gate_result)
            .join(Candidate, Application.candidate_id == Candidate.id).join(Job, Application.job_id == Job.id))
    # Counted per application in interviewing, read oldest move first (ix_applications_stage_stage_changed_at)
    # until the list is full: grouping every assignment of every application first took a scan.
    interviewers = (sa.select(sa.func.count()).select_from(InterviewAssignment)
                    .where(InterviewAssignment.application_id == Application.id).scalar_subquery())
    decide = session.execute(base.where(Application.stage == Stage.DECISION,
                                        Application.gate_result.in_([GateResult.PASSES, GateResult.FAILS]))
                             .order_by(Application.stage_changed_at).limit(limit)).all()
    week_ago = utcnow() - timedelta(days=7)
    unscreened = session.execute(base.where(Application.stage == Stage.APPLIED, Application.applied_at < week_ago)
                                 .order_by(Application.applied_at).limit(limit)).all()
    to_assign = session.execute(base.where(Application.stage == Stage.INTERVIEWING, interviewers < 2)
                                .order_by(Application.stage_changed_at).limit(limit)).all()
    # Read newest first along ix_applications_stage_applied_at, skipping those staff added, until five are found.
    from_site = session.execute(
        sa.select(Application.id, Application.candidate_id, Candidate.name, Job.title.label("job_title"),
                  Application.applied_at)
        .join(Candidate, Application.candidate_id == Candidate.id).join(Job, Application.job_id == Job.id)
        .where(Application.stage == Stage.APPLIED, Application.source == CAREERS_SITE)
        .order_by(Application.applied_at.desc(), Application.id.desc()).limit(FROM_SITE_SHOWN)).all()
    return {"to_decide": decide, "unscreened": unscreened, "to_assign": to_assign, "from_site": from_site}


def hr_alerts() -> dict:
    """Interviewers far off calibration and adverse-impact flags, for HR's home; an adverse-impact step is
    None for the values gate, else (stage, next stage), worded in the reader's language by the template.

    From the stored calibration and fairness snapshots; when the data changed since, HR sees the last
    figures with their time while newer ones are computed in the background, so the home page stays fast
    (and with none computed yet, that they are being computed).
    """
    from hiring.analytics.figures import fairness as fairness_figures
    from hiring.scoring.calibration_service import calibration as calibration_figures

    alerts = []
    calibration_snapshot = calibration_figures()
    fairness_snapshot = fairness_figures()
    both = (calibration_snapshot, fairness_snapshot)
    if not all(s.ready for s in both):
        return {"alerts": [], "alerts_as_of": None, "alerts_fresh": False}
    calibration = calibration_snapshot.value
    for person in calibration["people"]:
        if person.flagged:
            alerts.append({"kind": "calibration", "name": calibration["names"].get(person.interviewer_id, "?"),
                           "offset": person.offset})
    fairness = fairness_snapshot.value
    for dimension, rows in fairness["gate"].items():
        for row in rows:
            if row.flagged:
                alerts.append({"kind": "adverse_impact", "step": None, "dimension": dimension,
                               "group": row.group, "ratio": row.impact_ratio})
    for step in fairness["steps"]:
        for dimension, rows in step["groups"].items():
            for row in rows:
                if row.flagged:
                    alerts.append({"kind": "adverse_impact", "step": (step["stage"], step["next"]),
                                   "dimension": dimension, "group": row.group, "ratio": row.impact_ratio})
    return {"alerts": alerts, "alerts_as_of": min(s.computed_at for s in both),
            "alerts_fresh": all(s.fresh for s in both)}


def home_summary(session: Session, user: User, today: date) -> dict:
    """Everything the user's home page shows, chosen by their role."""
    if user.role is Role.ADMIN:
        return {"users_by_role": users_by_role(session), "jobs": open_jobs(session),
                "open_duplicates": open_duplicates(session)}
    if user.role is Role.HR:
        return {
            "open_duplicates": open_duplicates(session),
            "jobs": open_jobs(session),
            "cohorts": onboarding_cohorts(session),
            "offers_waiting": offers_waiting(session),
            **hr_alerts(),
        }
    if user.role is Role.RECRUITER:
        return {"jobs": open_jobs(session), **waiting_on_recruiting(session),
                "open_duplicates": open_duplicates(session)}
    if user.role is Role.INTERVIEWER:
        return {"interviews": pending_interviews(session, user.id)}
    raise ValueError("a new hire's home is their checklist (hiring.onboarding)")
