"""The careers site's reads: only published open jobs, each page in a fixed number of queries.

What a candidate may see is decided here and nowhere else: a job is public while it is published *and* open
(`PUBLIC` in SQL, `is_public` for a loaded job; tests/test_careers.py holds them equal). The pages read only
the columns meant for candidates; the internal description, weights, thresholds and hiring manager stay out.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hiring.models import CoreValue, Job, JobStatus

PUBLIC = sa.and_(Job.published.is_(True), Job.status == JobStatus.OPEN)
# Newest postings first; the id breaks ties so that pages never overlap (ix_jobs_careers_list).
ORDER = (Job.published_at.desc(), Job.id.desc())


def is_public(job: Job) -> bool:
    """Whether a loaded job is on the careers site (the same rule as PUBLIC)."""
    return bool(job.published) and job.status is JobStatus.OPEN


@dataclass(frozen=True)
class Filters:
    """The visitor's choices: a location and a team, each None for any."""

    location: str | None = None
    team: str | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        """The filters from the query string; a blank choice means any."""
        return cls(location=(args.get("location") or "").strip() or None,
                   team=(args.get("team") or "").strip() or None)

    def where(self) -> list:
        """The conditions of the public list with these filters."""
        conditions = [PUBLIC]
        if self.location is not None:
            conditions.append(Job.location == self.location)
        if self.team is not None:
            conditions.append(Job.team == self.team)
        return conditions


def filter_choices(session: Session) -> tuple[list[str], list[str]]:
    """The locations and the teams of the published open jobs, each sorted, in one query."""
    pairs = session.execute(sa.select(Job.location, Job.team).where(PUBLIC).distinct()).all()
    locations = sorted({location for location, _team in pairs if location}, key=str.casefold)
    teams = sorted({team for _location, team in pairs if team}, key=str.casefold)
    return locations, teams


def job_list(filters: Filters) -> tuple[Callable[[int, int], sa.Select], sa.Select]:
    """The public jobs as `(rows, count)` for `hiring.paging.list_page`: one query per page, one to count."""
    where = filters.where()

    def rows(limit: int, offset: int) -> sa.Select:
        return sa.select(Job).where(*where).order_by(*ORDER).limit(limit).offset(offset)

    return rows, sa.select(sa.func.count()).select_from(Job).where(*where)


def public_job(session: Session, job_id: int) -> Job | None:
    """A public job with its requirements in one query; None when unknown, unpublished or closed alike."""
    return session.scalar(sa.select(Job).options(joinedload(Job.requirements)).where(Job.id == job_id, PUBLIC))


def core_values(session: Session) -> list[CoreValue]:
    """The company's active core values, in their order."""
    return list(session.scalars(sa.select(CoreValue).where(CoreValue.retired_at.is_(None))
                                .order_by(CoreValue.position, CoreValue.id)))
