"""An interviewer's calendar: the agenda page ("My interviews"), their private feed address and its reset, and the
feed itself (public: the secret in the address is the key)."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import RECRUITING, public, roles_required
from hiring.clock import today
from hiring.extensions import db
from hiring.forms.schedule import FeedResetForm
from hiring.interviews import agenda, feeds
from hiring.mail import messages
from hiring.models import Role, utcnow
from hiring.paging import keyset_page

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
PER_PAGE = 25
INTERVIEWING = (*RECRUITING, Role.INTERVIEWER)


def _start_of_today() -> datetime:
    """The first moment of the company's today."""
    return datetime.combine(today(), time(0), tzinfo=ZoneInfo(current_app.config["COMPANY_TIMEZONE"]))


@bp.route("/")
@roles_required(*INTERVIEWING)
def agenda_page():
    """The signed-in user's interviews: today's and later ones in order, earlier ones still without a
    submitted scorecard, and their calendar feed address."""
    since = _start_of_today()
    page = keyset_page(db.session, agenda.upcoming(current_user.id, since), per_page=PER_PAGE)
    overdue, overdue_count = agenda.overdue(db.session, current_user.id, since)
    secret = feeds.secret_of(db.session, current_user.id)
    feed_url = messages.absolute_url("calendar.feed", secret=secret) if secret else None
    return render_template("interviews/agenda.html", page=page, overdue=overdue, overdue_count=overdue_count,
                           now=utcnow(), needs_scorecard=agenda.needs_scorecard, feed_url=feed_url,
                           reset_form=FeedResetForm())


@bp.route("/feed", methods=["POST"])
@roles_required(*INTERVIEWING)
def reset_feed():
    """Make a new feed address; the old one stops working at once."""
    if not FeedResetForm().validate_on_submit():
        abort(400)
    feeds.reset(db.session, current_user.id)
    db.session.commit()
    flash(_("Your calendar has a new address; the old one no longer works. Subscribe to the new one."), "success")
    return redirect(url_for(".agenda_page", _anchor="feed"))


@bp.route("/<string(maxlength=100):secret>.ics")
@public
def feed(secret: str):
    """The feed of the user whose secret this is (404 for any other, found the same way)."""
    user = feeds.owner(db.session, secret)
    if user is None:
        abort(404)
    response = Response(feeds.calendar(db.session, user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="interviews.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
