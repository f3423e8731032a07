"""The candidate's status page and its three actions, public and reached only through the signed link
(hiring/careers/status.py holds the rules).

A blueprint nested in the careers site's (hiring/careers/views.py registers it): its pages get the site's
layout, brand and language switch from there, and its endpoints are `careers.status.*`. The POSTs are
limited per address and per link (hiring/auth/limits.py); a void link, or an erased candidate's, shows the
neutral page at every address under it, and a link forged or out of date the same missing-page answer.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from hiring.auth.roles import public
from hiring.careers import status
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.models import utcnow

bp = Blueprint("status", __name__, url_prefix="/status")


class ConfirmForm(FlaskForm):
    """A button that does one thing: its CSRF token is all it carries."""


@bp.after_request
def private(response):
    """The link is the key: no Referer carries it off, no search engine keeps it, no cache keeps the page."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _open(token: str):
    """(the candidate, None) for a working link, else (None, the answer to give instead)."""
    kind, candidate = status.read_token(db.session, token)
    if kind == status.VALID:
        return candidate, None
    if kind == status.NEUTRAL:
        return None, render_template("careers/status_neutral.html")
    return None, (render_template("careers/status_invalid.html", days=status.link_days()), 404)


@bp.route("/<token>")
@public
def page(token: str):
    """The candidate's applications with their stage in plain words, and what they can do."""
    candidate, answer = _open(token)
    if answer is not None:
        return answer
    return render_template("careers/status.html", token=token, candidate=candidate, form=ConfirmForm(),
                           applications=status.applications(db.session, candidate.id),
                           erasure_asked=status.open_request_at(db.session, candidate.id))


@bp.route("/<token>/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@public
def withdraw(token: str, application_id: int):
    """Withdraw one open application, after confirming: a stage change with no user and a fixed reason."""
    candidate, answer = _open(token)
    if answer is not None:
        return answer
    try:
        application = status.own_application(db.session, candidate.id, application_id)
    except DomainError:
        return render_template("careers/status_invalid.html", days=status.link_days(), application=True,
                               token=token), 404
    form = ConfirmForm()
    problem = None if application.open else status.closed_message(application.stage)
    if problem is None and form.validate_on_submit():
        try:
            status.withdraw(db.session, candidate.id, application_id)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash(_("Your application for %(title)s is withdrawn.", title=application.job_title), "success")
            return redirect(url_for(".page", token=token), code=303)
    code = 409 if problem and form.is_submitted() else 200
    return render_template("careers/status_withdraw.html", token=token, application=application, form=form,
                           problem=problem), code


@bp.route("/<token>/data", methods=["GET", "POST"])
@public
def download(token: str):
    """A zip of the candidate's data (JSON) and their own documents; a POST, because it is audited."""
    candidate, answer = _open(token)
    if answer is not None:
        return answer
    if not ConfirmForm().validate_on_submit():  # a GET (the language switch, a reload): back to the page
        return redirect(url_for(".page", token=token))
    archive = status.data_archive(db.session, candidate.id, utcnow())
    db.session.commit()
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"my-application-data-{candidate.id}.zip", max_age=0)


@bp.route("/<token>/erasure", methods=["GET", "POST"])
@public
def erasure(token: str):
    """Ask to be erased, after reading what it means: recorded for the privacy officer, who acts on it."""
    candidate, answer = _open(token)
    if answer is not None:
        return answer
    form = ConfirmForm()
    asked = status.open_request_at(db.session, candidate.id)
    if asked is None and form.validate_on_submit():
        status.request_erasure(db.session, candidate.id, utcnow())
        db.session.commit()
        flash(_("We have your request to erase your data. Our privacy officer will handle it within a month "
                "and let you know."), "success")
        return redirect(url_for(".page", token=token), code=303)
    return render_template("careers/status_erasure.html", token=token, form=form, asked=asked,
                           contact=current_app.config.get("PRIVACY_CONTACT"))


@bp.errorhandler(429)
def too_many(error):
    """The limits on this page's buttons (hiring/auth/limits.py), said in the careers layout."""
    response = make_response(render_template(
        "careers/error.html", title=_("Too many requests"),
        message=_("Too many requests were sent from here or with this link in a short time. Wait an hour, "
                  "then try again.")), 429)
    retry = getattr(error, "retry_after", None)
    if retry:
        response.headers["Retry-After"] = str(int(retry))
    return response
