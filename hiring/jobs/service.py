"""Saving a job with its requirements in one transaction, and loading the job pages in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager, joinedload

from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.models import Application, Candidate, Job, JobStatus, Rating, Requirement, Role, Stage, User, utcnow
from hiring.models.jobs import PLACE_LENGTH, PUBLIC_DESCRIPTION_LENGTH
from hiring.models.stage_counts import StageCount, applications_count
from hiring.paging import keys_then_rows
from hiring.scoring.service import score_application

MANAGER_ROLES = (Role.ADMIN, Role.HR, Role.RECRUITER, Role.INTERVIEWER)
NAME_LENGTH = 200  # the columns' length: a longer name would be a database error rather than a message
JOB_FIELDS = ("title", "requirements_threshold", "values_threshold", "hiring_manager_id", "status", "published")
# What the careers site shows: the audit event names those that changed, never their text.
PUBLIC_TEXT_FIELDS = ("public_description", "location", "team")
REQUIREMENT_FIELDS = ("name", "description", "weight", "must_have", "anchor_1", "anchor_2", "anchor_3", "anchor_4",
                      "anchor_5", "questions", "position")


@dataclass
class RequirementInput:
    """A requirement row as typed; `row` is its place on the form, for error messages."""

    row: int
    id: int | None
    name: str
    description: str = ""
    weight: int | None = 1
    must_have: bool = False
    anchors: tuple[str, ...] = ("", "", "", "", "")
    questions: str = ""
    remove: bool = False


@dataclass
class JobInput:
    """The job as typed."""

    title: str
    description: str
    requirements_threshold: int | None
    values_threshold: int | None
    hiring_manager_id: int | None
    status: JobStatus
    requirements: list[RequirementInput] = field(default_factory=list)
    published: bool = False
    public_description: str = ""
    location: str = ""
    team: str = ""


def manager_choices(session: Session, keep: int | None = None) -> list[tuple[int, str]]:
    """Active staff who can be a hiring manager, and the job's current one (`keep`) so that an edit keeps them."""
    eligible = sa.and_(User.active, User.role.in_(MANAGER_ROLES))
    if keep is not None:
        eligible = sa.or_(eligible, User.id == keep)
    return [(i, n) for i, n in session.execute(sa.select(User.id, User.name).where(eligible).order_by(User.name))]


def _field(row: RequirementInput, name: str) -> str:
    return f"requirements-{row.row}-{name}"


def _check_job(session: Session, job: Job, data: JobInput) -> None:
    """The job's own fields; the form checks them too, the domain does not rely on it."""
    if not data.title.strip():
        raise DomainError(_("Give the job a title."), field="title")
    if len(data.title.strip()) > NAME_LENGTH:
        raise DomainError(_("Keep the title under %(n)d characters.", n=NAME_LENGTH), field="title")
    for name in ("requirements_threshold", "values_threshold"):
        value = getattr(data, name)
        if value is None or not 0 <= value <= 100:
            raise DomainError(_("Give a threshold between 0 and 100."), field=name)
    if len(data.public_description.strip()) > PUBLIC_DESCRIPTION_LENGTH:
        raise DomainError(_("Keep the public description under %(n)d characters.", n=PUBLIC_DESCRIPTION_LENGTH),
                          field="public_description")
    if data.published and not data.public_description.strip():
        # The careers page and search engines show this text: a published job without it says nothing.
        raise DomainError(_("Write the public description before publishing the job."), field="public_description")
    if len(data.location.strip()) > PLACE_LENGTH:
        raise DomainError(_("Keep the location under %(n)d characters.", n=PLACE_LENGTH), field="location")
    if len(data.team.strip()) > PLACE_LENGTH:
        raise DomainError(_("Keep the team under %(n)d characters.", n=PLACE_LENGTH), field="team")
    manager_id = data.hiring_manager_id
    if manager_id is not None and manager_id != job.hiring_manager_id:
        manager = session.get(User, manager_id)
        if manager is None or not manager.active or manager.role not in MANAGER_ROLES:
            raise DomainError(_("Choose the hiring manager from the list."), field="hiring_manager_id")


def _check_requirements(session: Session, job: Job,
                        rows: list[RequirementInput]) -> tuple[list[RequirementInput], list[Requirement]]:
    """The rows to keep, in order, and the requirements to delete; raises before anything is changed."""
    existing = {r.id: r for r in job.requirements}
    seen_ids: set[int] = set()
    for r in rows:
        if r.id is not None and (r.id not in existing or r.id in seen_ids):
            raise Conflict(_("This requirement is no longer part of the job: reload the page and try again."),
                           field=_field(r, "name"))
        seen_ids.add(r.id)
    if set(existing) - seen_ids:
        # A form opened before someone else added a requirement: saving it must not delete theirs.
        raise Conflict(_("The job's requirements changed since this form was opened: reload the page and try again."))
    keep = [r for r in rows if not r.remove]
    names: set[str] = set()
    for r in keep:
        name = r.name.strip()
        if not name:
            raise DomainError(_("Give the requirement a name."), field=_field(r, "name"))
        if len(name) > NAME_LENGTH:
            raise DomainError(_("Keep the name under %(n)d characters.", n=NAME_LENGTH), field=_field(r, "name"))
        if name.lower() in names:
            raise Conflict(_("Two requirements are called %(name)s.", name=name), field=_field(r, "name"))
        names.add(name.lower())
        if r.weight is not None and not 1 <= r.weight <= 100:
            raise DomainError(_("Give a weight between 1 and 100."), field=_field(r, "weight"))
    if not keep:
        raise DomainError(_("A job needs at least one requirement."), field="requirements-0-name")
    removed_rows = [r for r in rows if r.remove and r.id is not None]
    rated = set(session.scalars(sa.select(Rating.requirement_id).distinct().where(
        Rating.requirement_id.in_([r.id for r in removed_rows])))) if removed_rows else set()
    for r in removed_rows:
        if r.id in rated:
            raise Conflict(_("%(name)s has ratings on scorecards, so it cannot be removed from the job.",
                             name=existing[r.id].name), field=_field(r, "name"))
    return keep, [existing[r.id] for r in removed_rows]


def _snapshot(item, names: tuple[str, ...]) -> dict:
    return {n: getattr(item, n) for n in names}


def _scoring_inputs(job: Job) -> tuple:
    """What the stored scores of the job's applications are computed from (names appear in the gate's reasons)."""
    return (job.requirements_threshold, job.values_threshold,
            sorted((r.id or 0, r.name, r.weight, r.must_have) for r in job.requirements))


def save_job(session: Session, job_id: int | None, data: JobInput, *, actor_id: int | None) -> Job:
    """Create or update a job and its requirements, with an audit event; on any error nothing is changed."""
    job = Job() if job_id is None else session.get(Job, job_id)
    if job is None:
        raise NotFound(_("There is no such job."))
    _check_job(session, job, data)
    keep, removed = _check_requirements(session, job, data.requirements)
    before, scoring_before = _snapshot(job, JOB_FIELDS), _scoring_inputs(job)
    public_before = _snapshot(job, PUBLIC_TEXT_FIELDS)
    before_requirements = {r.id: _snapshot(r, REQUIREMENT_FIELDS) for r in job.requirements}
    removed_names = [r.name for r in removed]
    if removed:
        # Deletions first: the unit of work inserts before it deletes, and a new row may reuse a removed name.
        job.requirements = [r for r in job.requirements if r not in removed]
        session.flush()
    existing = {r.id: r for r in job.requirements}
    renamed = [existing[r.id] for r in keep if r.id is not None and existing[r.id].name != r.name.strip()]
    if renamed:
        # Two requirements swapping names would trip the unique (job, name) constraint row by row: park the
        # renamed ones under names a form cannot give (typed names are stripped of leading spaces) first.
        for requirement in renamed:
            requirement.name = f" renaming {requirement.id}"
        session.flush()
    job.title, job.description = data.title.strip(), data.description.strip()
    job.requirements_threshold, job.values_threshold = data.requirements_threshold, data.values_threshold
    job.hiring_manager_id, job.status = data.hiring_manager_id, data.status
    _set_public(job, data)
    rows = []
    for position, r in enumerate(keep):
        requirement = existing[r.id] if r.id is not None else Requirement()
        requirement.name, requirement.description = r.name.strip(), r.description.strip()
        requirement.weight = r.weight if r.weight is not None else 1
        requirement.must_have, requirement.position = r.must_have, position
        for level, text in enumerate(r.anchors, start=1):
            setattr(requirement, f"anchor_{level}", text.strip() or None)
        requirement.questions = "\n".join(q.strip() for q in r.questions.splitlines() if q.strip())
        rows.append(requirement)
    job.requirements = rows
    if job_id is None:
        session.add(job)
    session.flush()
    added = [r.name for r in rows if r.id not in before_requirements]
    edited = {r.id: r.name for r in rows if r.id in before_requirements
              and _snapshot(r, REQUIREMENT_FIELDS) != before_requirements[r.id]}
    if job_id is None:
        record(session, actor_id=actor_id, action="job_created", entity_type="job", entity_id=job.id,
               title=job.title, requirements=added, published=job.published)
        return job
    after = _snapshot(job, JOB_FIELDS)
    changes = {n: [_plain(before[n]), _plain(after[n])] for n in JOB_FIELDS if before[n] != after[n]}
    public_after = _snapshot(job, PUBLIC_TEXT_FIELDS)
    record(session, actor_id=actor_id, action="job_updated", entity_type="job", entity_id=job.id, title=job.title,
           changes=changes, added=added, removed=removed_names, edited=sorted(edited.values()),
           public_edited=[n for n in PUBLIC_TEXT_FIELDS if public_before[n] != public_after[n]])
    if _scoring_inputs(job) != scoring_before:
        _rescore(session, job.id)
    return job


def _set_public(job: Job, data: JobInput) -> None:
    """What the careers site shows; publishing (again) dates the posting, unpublishing keeps the last date."""
    if data.published and not job.published:
        job.published_at = utcnow()
    job.published = data.published
    job.public_description = data.public_description.strip()
    job.location, job.team = data.location.strip() or None, data.team.strip() or None


def _plain(value):
    """A value the audit event's JSON can hold."""
    return value.value if isinstance(value, JobStatus) else value


def _rescore(session: Session, job_id: int) -> None:
    """Stored scores follow the job's weights and thresholds: recompute those of its scored applications."""
    for application_id in session.scalars(sa.select(Application.id).where(
            Application.job_id == job_id, Application.scored_at.is_not(None))):
        score_application(session, application_id)
    session.flush()


# --- the pages ------------------------------------------------------------------------------------------------

# A job's applications best first: passing the gate, then incomplete, then failing, then not scored, each by
# values fit, then requirements fit, then newest. The gate's values sort that way in descending order
# (passes > incomplete > fails, and NULL last), so that the index ix_applications_job_ranking, read backwards
# from the job's end, gives a page without sorting the job's applications.
RANKING = (sa.nulls_last(Application.gate_result.desc()), sa.nulls_last(Application.values_fit.desc()),
           sa.nulls_last(Application.requirements_fit.desc()), Application.applied_at.desc(), Application.id.desc())


def stage_counts(session: Session, job_ids: list[int]) -> dict[int, dict[Stage, int]]:
    """Applications per stage of each job, in one query of the counters the database keeps
    (hiring/models/stage_counts.py): reading the applications grew with the company."""
    counts: dict[int, dict[Stage, int]] = {j: {s: 0 for s in Stage} for j in job_ids}
    if job_ids:
        for job_id, stage, n in session.execute(
                sa.select(StageCount.job_id, StageCount.stage, StageCount.n).where(StageCount.job_id.in_(job_ids))):
            counts[job_id][stage] = n
    return counts


def job_list(status: str) -> sa.Select:
    """Jobs, open ones first, filtered by status ('open', 'closed' or 'all')."""
    stmt = sa.select(Job).options(joinedload(Job.hiring_manager))
    if status in (JobStatus.OPEN.value, JobStatus.CLOSED.value):
        stmt = stmt.where(Job.status == JobStatus(status))
    return stmt.order_by(sa.case((Job.status == JobStatus.OPEN, 0), else_=1), Job.title, Job.id)


def job_applications(job_id: int, stage: Stage | None) -> tuple:
    """A job's applications ranked by gate result, then values fit, then requirements fit, in SQL, as
    `(rows, count)` for `hiring.paging.list_page`: the page's ids from the ranking index, then their rows."""
    where = [Application.job_id == job_id]
    if stage is not None:
        where.append(Application.stage == stage)
    keys = sa.select(Application.id).where(*where).order_by(*RANKING)
    load = (sa.select(Application).join(Candidate, Application.candidate_id == Candidate.id)
            .options(contains_eager(Application.candidate)))
    return keys_then_rows(keys, load, Application.id, RANKING), applications_count(job_id, stage)


def load_job(session: Session, job_id: int) -> Job | None:
    """A job with its requirements and hiring manager."""
    return session.scalar(sa.select(Job).options(joinedload(Job.hiring_manager), joinedload(Job.requirements))
                          .where(Job.id == job_id))


def rated_requirement_ids(session: Session, job_id: int) -> set[int]:
    """The job's requirements that have ratings on scorecards, which can therefore not be removed."""
    return set(session.scalars(sa.select(Rating.requirement_id).distinct().join(
        Requirement, Rating.requirement_id == Requirement.id).where(Requirement.job_id == job_id)))
