"""Hires with their onboarding progress (scope hires:read) and The Offer's offers (scope offers:read). As on the
onboarding pages: HR and admins see every hire, a mentor their own new hires; offers are HR's and admins'."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import selectinload

from hiring.api import API_PREFIX
from hiring.api.auth import requires
from hiring.api.paging import PageArgs, page, page_schema
from hiring.api.schemas import HireSchema, OfferSchema
from hiring.extensions import db
from hiring.models import Hire, QuitOffer, Role
from hiring.onboarding.service import STAFF, may_view

blp = Blueprint("api_hires", __name__, url_prefix=API_PREFIX, description="Hires, onboarding and The Offer")
HirePage = page_schema(HireSchema, "HirePage")
OfferPage = page_schema(OfferSchema, "OfferPage")
MENTORS = (*STAFF, Role.RECRUITER, Role.INTERVIEWER)


def _hire(hire: Hire) -> dict:
    enrollment = hire.enrollment
    return {"id": hire.id, "application_id": hire.application_id, "user_id": hire.user_id,
            "mentor_id": hire.mentor_id, "start_date": hire.start_date, "end_date": hire.end_date,
            "end_reason": hire.end_reason,
            "onboarding": None if enrollment is None else {
                "started_on": enrollment.started_on, "completed_on": enrollment.completed_on,
                "tasks_total": enrollment.tasks_total, "tasks_complete": enrollment.tasks_complete}}


@blp.route("/hires")
@blp.arguments(PageArgs, location="query")
@blp.response(200, HirePage)
@requires("hires:read", *MENTORS)
def list_hires(args, user):
    """Hires in id order: all of them for HR and admins, a mentor's own new hires for a mentor."""
    stmt = sa.select(Hire).options(selectinload(Hire.enrollment))
    if user.role not in STAFF:
        stmt = stmt.where(Hire.mentor_id == user.id)
    items, following = page(db.session, stmt, Hire.id, args)
    return {"items": [_hire(h) for h in items], "next": following}


@blp.route("/hires/<int:hire_id>")
@blp.response(200, HireSchema)
@requires("hires:read", *MENTORS)
def get_hire(hire_id, user):
    """One hire with their onboarding progress; 404 for a hire this user may not see, as for none."""
    hire = db.session.get(Hire, hire_id)
    if hire is None or not may_view(user, hire):
        abort(404, message="There is no such hire.")
    return _hire(hire)


@blp.route("/offers")
@blp.arguments(PageArgs, location="query")
@blp.response(200, OfferPage)
@requires("offers:read", *STAFF)
def list_offers(args, user):
    """The Offer's offers in id order, with their decisions."""
    items, following = page(db.session, sa.select(QuitOffer), QuitOffer.id, args)
    return {"items": items, "next": following}
