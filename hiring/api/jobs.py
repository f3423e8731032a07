"""Job openings with their requirements (scope jobs:read; recruiters, HR and admins, as the jobs pages)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import selectinload

from hiring.api import API_PREFIX
from hiring.api.auth import requires
from hiring.api.paging import PageArgs, page, page_schema
from hiring.api.schemas import JobSchema
from hiring.auth.roles import RECRUITING
from hiring.extensions import db
from hiring.models import Job

blp = Blueprint("api_jobs", __name__, url_prefix=f"{API_PREFIX}/jobs", description="Job openings")
JobPage = page_schema(JobSchema, "JobPage")


@blp.route("")
@blp.arguments(PageArgs, location="query")
@blp.response(200, JobPage)
@requires("jobs:read", *RECRUITING)
def list_jobs(args, user):
    """Every job opening, open or closed, in id order."""
    items, following = page(db.session, sa.select(Job).options(selectinload(Job.requirements)), Job.id, args)
    return {"items": items, "next": following}


@blp.route("/<int:job_id>")
@blp.response(200, JobSchema)
@requires("jobs:read", *RECRUITING)
def get_job(job_id, user):
    """One job opening."""
    job = db.session.scalar(sa.select(Job).options(selectinload(Job.requirements)).where(Job.id == job_id))
    if job is None:
        abort(404, message="There is no such job.")
    return job
