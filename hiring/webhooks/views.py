"""The admins' webhook pages: the subscriptions, a form to add or change one, its secret (shown, rotated), a test
event, its delivery log with redelivery; and `flask deliver-webhooks` (for cron). Thin: the rules are in
subscriptions.py and delivery.py."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import load_only

from hiring.auth.roles import roles_required
from hiring.bounds import query_int
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.webhooks import SubscriptionForm
from hiring.models import Role, WebhookDelivery, WebhookSubscription, utcnow
from hiring.models.webhooks import DELIVERED, DELIVERING, FAILED, PENDING
from hiring.webhooks import delivery, events, subscriptions

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks", cli_group=None)

PER_PAGE = 50
STATE_LABELS = {PENDING: _l("Waiting"), DELIVERING: _l("Being delivered"), DELIVERED: _l("Delivered"),
                FAILED: _l("Failed")}
LOG_COLUMNS = (WebhookDelivery.id, WebhookDelivery.event_id, WebhookDelivery.event_type, WebhookDelivery.state,
               WebhookDelivery.attempts, WebhookDelivery.last_status, WebhookDelivery.last_error,
               WebhookDelivery.created_at, WebhookDelivery.next_attempt_at, WebhookDelivery.delivered_at,
               WebhookDelivery.redelivery_of_id)


@bp.app_context_processor
def _labels():
    return {"webhook_state_labels": STATE_LABELS}


def _event_choices() -> list[tuple[str, object]]:
    return [(code, f"{code}: {description}") for code, description in events.EVENT_TYPES.items()]


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Every subscription, with how many of its deliveries wait or failed (one grouped query for all)."""
    found = list(db.session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id)))
    counts: dict[int, dict[str, int]] = {}
    for sid, state, number in db.session.execute(
            sa.select(WebhookDelivery.subscription_id, WebhookDelivery.state, sa.func.count())
            .where(WebhookDelivery.state.in_((PENDING, FAILED)))
            .group_by(WebhookDelivery.subscription_id, WebhookDelivery.state)):
        counts.setdefault(sid, {})[state] = number
    return render_template("webhooks/index.html", subscriptions=found, counts=counts)


def _save(form: SubscriptionForm, subscription: WebhookSubscription | None):
    """Validate and save; on any error the form comes back with the message beside its field, typed text kept."""
    status = 200
    if form.validate_on_submit():
        values = {"url": form.url.data, "event_types": form.events.data, "active": form.active.data,
                  "allow_private": form.allow_private.data, "actor_id": current_user.id}
        try:
            if subscription is None:
                saved = subscriptions.create(db.session, **values)
            else:
                saved = subscriptions.update(db.session, subscription, **values)
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.field or "url")
            target.errors = [*target.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".show", subscription_id=saved.id), code=303)
    if form.errors and status == 200:
        status = 400
    return render_template("webhooks/form.html", form=form, subscription=subscription), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    """Add a subscription; it gets a secret of its own."""
    return _save(SubscriptionForm(event_choices=_event_choices()), None)


@bp.route("/<int:subscription_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(subscription_id: int):
    """Change a subscription's address, events, state or private addresses."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    return _save(SubscriptionForm(obj=subscription, event_choices=_event_choices()), subscription)


@bp.route("/<int:subscription_id>")
@roles_required(Role.ADMIN)
def show(subscription_id: int):
    """A subscription, its secret, and its delivery log, newest first (?before= a delivery's id)."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    before = query_int("before", low=1)
    query = (sa.select(WebhookDelivery).options(load_only(*LOG_COLUMNS))
             .where(WebhookDelivery.subscription_id == subscription_id).order_by(WebhookDelivery.id.desc()))
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    rows = list(db.session.scalars(query.limit(PER_PAGE + 1)))
    older = rows[PER_PAGE - 1].id if len(rows) > PER_PAGE else None
    return render_template("webhooks/show.html", subscription=subscription, deliveries=rows[:PER_PAGE],
                           older=older, first_page=before is None, secret=subscriptions.secret_of(subscription),
                           previous_until=(subscription.rotated_at + subscriptions.PREVIOUS_SECRET_FOR
                                           if subscription.previous_nonce and subscription.rotated_at
                                           and utcnow() - subscription.rotated_at < subscriptions.PREVIOUS_SECRET_FOR
                                           else None))


def _delivery_of(subscription_id: int, delivery_id: int) -> WebhookDelivery:
    found = db.session.scalars(sa.select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription_id)).one_or_none()
    if found is None:
        abort(404)
    return found


@bp.route("/<int:subscription_id>/deliveries/<int:delivery_id>")
@roles_required(Role.ADMIN)
def delivery_page(subscription_id: int, delivery_id: int):
    """One delivery: its event's JSON (ids and codes only), its attempts and outcome."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    found = _delivery_of(subscription_id, delivery_id)
    body = json.dumps(found.payload, indent=2, ensure_ascii=False)
    return render_template("webhooks/delivery.html", subscription=subscription, delivery=found, body=body)


def _act(subscription_id: int, action, message: str, anchor: str | None = None):
    """A button of the subscription's page (CSRFProtect has checked the token): do it, or say why not."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".show", subscription_id=subscription_id, _anchor=anchor), code=303)


@bp.route("/<int:subscription_id>/rotate", methods=["POST"])
@roles_required(Role.ADMIN)
def rotate(subscription_id: int):
    """A new secret; the old one signs beside it for a day."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    return _act(subscription_id, lambda: subscriptions.rotate(db.session, subscription, actor_id=current_user.id),
                _("A new secret was made. For a day, events are signed with the old one too: give the receiver "
                  "the new one now."), "secret")


@bp.route("/<int:subscription_id>/test", methods=["POST"])
@roles_required(Role.ADMIN)
def test(subscription_id: int):
    """Send a "ping" event to this subscription."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    return _act(subscription_id, lambda: subscriptions.send_test(db.session, subscription,
                                                                 actor_id=current_user.id),
                _("A test event is on its way; its delivery is at the top of the log."), "log")


@bp.route("/<int:subscription_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@roles_required(Role.ADMIN)
def redeliver(subscription_id: int, delivery_id: int):
    """Send an event of the log again, with the same id."""
    found = _delivery_of(subscription_id, delivery_id)
    return _act(subscription_id, lambda: subscriptions.redeliver(db.session, found, actor_id=current_user.id),
                _("The event is on its way again, with the same id; its delivery is at the top of the log."), "log")


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete(subscription_id: int):
    """Delete a subscription and its log."""
    subscription = db.get_or_404(WebhookSubscription, subscription_id)
    subscriptions.delete(db.session, subscription, actor_id=current_user.id)
    db.session.commit()
    flash(_("The subscription and its delivery log were deleted."), "success")
    return redirect(url_for(".index"), code=303)


@bp.cli.command("deliver-webhooks")
def deliver_webhooks_command() -> None:
    """Attempt the webhook deliveries that are due, here and now (for cron, every few minutes); give back
    claims a stopped process left, and purge the log past WEBHOOK_KEEP_DAYS."""
    now = utcnow()
    reclaimed = delivery.reclaim_stale(db.session, now)
    purged = delivery.purge(db.session, now)
    db.session.commit()
    outcomes = delivery.deliver_due()
    click.echo(ngettext("%(num)d event delivered.", "%(num)d events delivered.", outcomes[delivery.DELIVERED_NOW]))
    if outcomes[delivery.RETRY]:
        click.echo(ngettext("%(num)d event could not be delivered yet; it will be tried again.",
                            "%(num)d events could not be delivered yet; they will be tried again.",
                            outcomes[delivery.RETRY]))
    if outcomes[delivery.GAVE_UP]:
        click.echo(ngettext("%(num)d event failed for good.", "%(num)d events failed for good.",
                            outcomes[delivery.GAVE_UP]))
    if reclaimed:
        click.echo(ngettext("%(num)d delivery left by a process that stopped is waiting again.",
                            "%(num)d deliveries left by a process that stopped are waiting again.", reclaimed))
    if purged:
        click.echo(ngettext("%(num)d old delivery was removed from the log.",
                            "%(num)d old deliveries were removed from the log.", purged))
