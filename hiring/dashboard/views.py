"""The home page: one per role."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.dashboard.service import OPEN_STAGES, home_summary
from hiring.extensions import db
from hiring.models import Role, utcnow
from hiring.offer.service import effective_decision, open_offer_for
from hiring.onboarding.views import my_enrollment_id, render_checklist

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@roles_required(*ANY_ROLE)
def home():
    """The signed-in user's home page, chosen by their role; a new hire's is their onboarding checklist."""
    if current_user.role is Role.NEW_HIRE:
        enrollment_id = my_enrollment_id(current_user.id)
        if enrollment_id is not None:
            offer = open_offer_for(db.session, current_user.id)
            return render_checklist(enrollment_id, "dashboard/new_hire.html", onboarding=True, offer=offer,
                                    offer_decision=effective_decision(offer, utcnow()) if offer else None)
        return render_template("dashboard/new_hire.html", onboarding=None)
    summary = home_summary(db.session, current_user, date.today())
    return render_template(
        f"dashboard/{current_user.role.value}.html", open_stages=OPEN_STAGES, **summary
    )
