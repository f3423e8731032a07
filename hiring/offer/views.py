"""The Offer's pages: HR's list and policy, the new hire's confirmation step, an admin's correction."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from hiring.auth.roles import ANY_ROLE, roles_required
from hiring.bounds import page_number
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.offer import CorrectForm, DecideForm, PolicyForm
from hiring.models import OfferDecision, OfferTiming, Role, utcnow
from hiring.offer import queries, service
from hiring.offer.policy import current_policy, save_policy, to_major
from hiring.onboarding.views import today

bp = Blueprint("offer", __name__, url_prefix="/offer")
STAFF = (Role.HR, Role.ADMIN)


@bp.route("/")
@roles_required(*STAFF)
def index():
    """Who is eligible, which offers wait for a decision, and the decisions made."""
    pages = {name: page_number(queries.PER_PAGE, name) for name in ("page", "eligible_page", "waiting_page")}
    return render_template("offer/index.html", **queries.offer_lists(
        db.session, today(), utcnow(), pages["page"], eligible_page=pages["eligible_page"],
        waiting_page=pages["waiting_page"]))


@bp.route("/hires/<int:hire_id>/make", methods=["POST"])
@roles_required(*STAFF)
def make(hire_id: int):
    """Make the offer to one eligible hire."""
    try:
        offer = service.make_offer(db.session, hire_id, actor_id=current_user.id, now=utcnow(), today=today())
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The Offer was made to %(name)s.", name=offer.hire.user.name), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:offer_id>/decide", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def decide(offer_id: int):
    """The confirmation step, then the decision: the new hire's own, or recorded by HR on their behalf."""
    try:
        offer = service.load_offer(db.session, offer_id)
    except DomainError:
        abort(404)
    if not service.may_decide(current_user, offer):
        abort(403)
    form = DecideForm()
    choice = request.values.get("choice", "")
    if choice not in (OfferDecision.TAKEN.value, OfferDecision.STAYED.value):
        flash(_("Choose to take the money and leave, or to stay."), "error")
        return redirect(_back(offer))
    if request.method == "POST" and form.validate_on_submit():
        own = offer.hire.user_id == current_user.id
        try:
            service.decide(db.session, offer_id, OfferDecision(choice), actor=current_user, now=utcnow(),
                           today=today())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(_back(offer))
        db.session.commit()
        if own and choice == OfferDecision.TAKEN.value:
            logout_user()
            flash(_("You took The Offer. Your employment ends today and your login is closed. Thank you, "
                    "and good luck."), "info")
            return redirect(url_for("auth.login"))
        flash(_("Recorded: %(name)s stays.", name=offer.hire.user.name) if choice == OfferDecision.STAYED.value
              else _("Recorded: %(name)s took the money and leaves today.", name=offer.hire.user.name), "success")
        return redirect(_back(offer))
    form.choice.data = choice
    return render_template("offer/confirm.html", offer=offer, choice=choice, form=form,
                           own=offer.hire.user_id == current_user.id)


def _back(offer) -> str:
    return url_for("dashboard.home") if offer.hire.user_id == current_user.id else url_for(".index")


@bp.route("/<int:offer_id>/correct", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def correct(offer_id: int):
    """An admin corrects a wrongly recorded decision, with a reason."""
    try:
        offer = service.load_offer(db.session, offer_id)
    except DomainError:
        abort(404)
    form = CorrectForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.correct(db.session, offer_id, OfferDecision(form.decision.data), reason=form.reason.data,
                            actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "reason").errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("The decision was corrected; the earlier entry is kept in the audit log."), "success")
            return redirect(url_for(".index"))
    if form.errors and status == 200:
        status = 400
    return render_template("offer/correct.html", offer=offer, form=form,
                           current=service.effective_decision(offer, utcnow())), status


@bp.route("/policy", methods=["GET", "POST"])
@roles_required(*STAFF)
def policy():
    """The policy in force, and a form to change it."""
    current = current_policy(db.session)
    form = PolicyForm()
    if request.method == "GET":
        form.amount.data = f"{to_major(current.amount_minor, current.currency):f}"
        form.currency.data, form.timing.data = current.currency, current.timing.value
        form.after_week.data, form.decision_days.data = current.after_week, current.decision_days
    status = 200
    if form.validate_on_submit():
        try:
            save_policy(db.session, amount=form.amount.data, currency=form.currency.data,
                        timing=OfferTiming(form.timing.data), after_week=form.after_week.data,
                        decision_days=form.decision_days.data, actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "amount").errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("The policy is saved. Offers already made keep their amount and deadline."), "success")
            return redirect(url_for(".index"))
    if form.errors and status == 200:
        status = 400
    return render_template("offer/policy.html", form=form, current=current), status


from hiring.offer import departure_review_views  # noqa: E402,F401 - the departure reviews' routes
