"""flask commands: create-user, seed-demo, worker, ..."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from hiring.auth.passwords import problems
from hiring.auth.service import create_user
from hiring.backup import backup_command, restore_command
from hiring.extensions import db
from hiring.labels import decimal
from hiring.models import Role, User


@click.command("create-user")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", required=True, help="Full name, as shown in the app.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="The user's one role.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Make a user from the command line."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter(_("that is not an e-mail address"), param_hint="--email")
    if not name.strip():
        raise click.BadParameter(_("the name is empty"), param_hint="--name")
    problem = problems(password, email=email, name=name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(_("a user with e-mail %(email)s already exists", email=email))
    user = create_user(db.session, email=email, name=name, role=Role(role), password=password)
    db.session.commit()
    click.echo(_("Created %(role)s %(email)s (id %(id)d).", role=user.role.value, email=user.email, id=user.id))


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Add the demo even though the database holds data.")
@click.option("--if-empty", is_flag=True, help="Seed only an empty database; otherwise do nothing.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for a repeatable demo.")
@click.option("--locale", default="en", show_default=True, type=click.Choice(["en", "nl"]),
              help="The language of the demo's values, programme and jobs.")
@with_appcontext
def seed_demo_command(force: bool, if_empty: bool, seed: int, locale: str) -> None:
    """Fill an empty database with a believable demo company and print its logins."""
    from hiring.demo import DEMO_PASSWORD, database_is_empty, demo_logins, seed_demo

    if not database_is_empty(db.session):
        if if_empty:
            click.echo(_("The database already holds data; the demo was not added."))
            _print_logins(demo_logins(db.session), DEMO_PASSWORD)
            return
        if not force:
            raise click.ClickException(
                _("the database already holds data; use --force to add the demo anyway")
            )
    summary = seed_demo(db.session, seed=seed, locale=locale)
    db.session.commit()
    click.echo(_("Demo company created: %(summary)s", summary=", ".join(f"{n} {what}" for what, n in summary.items())))
    _refresh_figures()
    _print_logins(demo_logins(db.session), DEMO_PASSWORD)


@click.command("expire-offers")
@with_appcontext
def expire_offers_command() -> None:
    """Write down "expired" for offers whose deadline passed without a decision (they count as staying)."""
    from hiring.models import utcnow
    from hiring.offer.service import expire_overdue

    n = expire_overdue(db.session, utcnow())
    db.session.commit()
    click.echo(ngettext("%(num)d offer expired.", "%(num)d offers expired.", n))
    if n:
        _refresh_figures()


@click.command("recompute-scores")
@with_appcontext
def recompute_scores_command() -> None:
    """Rebuild every application's stored fit scores and gate result from the ratings."""
    from hiring.scoring.service import recompute_all

    done = recompute_all(db.session)
    db.session.commit()
    click.echo(ngettext("Scores recomputed for %(num)d application with a submitted scorecard.",
                        "Scores recomputed for %(num)d applications with a submitted scorecard.", done.scored))
    if done.applications > done.scored:
        click.echo(ngettext("%(num)d interviewed application has no submitted scorecard yet, so no score.",
                            "%(num)d interviewed applications have no submitted scorecard yet, so no score.",
                            done.applications - done.scored))
    _refresh_figures()


@click.command("refresh-figures")
@with_appcontext
def refresh_figures_command() -> None:
    """Compute the stored figures (calibration, fairness, retention) whose data changed, and the dashboards'
    figures if none are stored yet: after bulk changes made outside the web app, or from a schedule."""
    _refresh_figures()


def _refresh_figures() -> None:
    """Here and now, not by the task runner: a command's process ends before a thread of it would finish."""
    import time

    from hiring import snapshots

    began = time.perf_counter()
    current = snapshots.warm_up()
    click.echo(ngettext("%(num)d stored figure is up to date (%(seconds)s s).",
                        "%(num)d stored figures are up to date (%(seconds)s s).", len(current),
                        seconds=f"{time.perf_counter() - began:.1f}"))


@click.command("train-model")
@click.option("--if-missing", is_flag=True, help="Train only when no model of the current format is saved.")
@with_appcontext
def train_model_command(if_missing: bool) -> None:
    """Train the retention model on past hires and report its cross-validated AUC and Brier score."""
    from pathlib import Path

    from flask import current_app

    from hiring.models import utcnow
    from hiring.scoring.model import ANY_LEAVING, TooFewHires, load_report
    from hiring.scoring.retention_service import feature_names, train_retention_model

    folder = Path(current_app.instance_path)
    if if_missing and load_report(folder) is not None:
        click.echo(_("A retention model is already trained; not training again."))
        return
    try:
        report = train_retention_model(db.session, folder, utcnow().date())
    except TooFewHires as refusal:
        raise click.ClickException(str(refusal)) from None
    names = feature_names(db.session, report.features)
    for o in report.outcomes:
        click.echo(_("Left within a year for any reason (The Offer counts as leaving):") if o.outcome == ANY_LEAVING
                   else _("Left within a year, not counting The Offer (%(num)d who took it left out):", num=o.excluded))
        click.echo("  " + _("%(hires)d hires, %(leavers)d left within a year: cross-validated ROC-AUC %(auc)s "
                            "(95%% interval %(low)s to %(high)s, DeLong), Brier score %(brier)s.",
                            hires=o.hires, leavers=o.leavers, auc=decimal(o.auc, 2), low=decimal(o.auc_low, 2),
                            high=decimal(o.auc_high, 2), brier=decimal(o.brier, 3)))
        click.echo("  " + (_("Candidate pages show its prediction, as advice.") if o.predicts else
                           _("The model does not predict yet (its AUC interval includes 0.5): no prediction shown.")))
        important = [f"{names[i['feature']]} ({i['mean']:.3f})" for i in o.importance if i["low"] > 0]
        click.echo("  " + (_("Important on held-out hires: %(top)s.", top=", ".join(important)) if important else
                           _("No feature shows importance on held-out hires.")))
    click.echo(_("Saved in %(folder)s.", folder=folder))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (for cron, and tests).")
@click.option("--name", default=None, help="The worker's name in RQ (default: host and process id).")
@with_appcontext
def worker_command(burst: bool, name: str | None) -> None:
    """Run background work (prepared reports, snapshot refreshes) from the Redis queue of REDIS_URL."""
    from flask import current_app

    from hiring.tasks import worker

    if not worker.run(current_app._get_current_object(), burst=burst, name=name):
        raise click.ClickException(_("REDIS_URL is not set: without Redis, background work runs in the web "
                                     "processes' own threads, and no worker is needed."))


@click.command("purge-expired")
@with_appcontext
def purge_expired_command() -> None:
    """Delete stored files past their expiry and background tasks asked for more than a day ago."""
    from hiring import files, tasks

    n_files = files.purge_expired(db.session)
    n_tasks = tasks.purge(db.session)
    db.session.commit()
    click.echo(ngettext("%(num)d expired file deleted.", "%(num)d expired files deleted.", n_files))
    click.echo(ngettext("%(num)d old task deleted.", "%(num)d old tasks deleted.", n_tasks))


def _print_logins(logins: list[tuple[str, str]], password: str) -> None:
    if not logins:
        return
    click.echo(_("Demo logins (password for all: %(password)s):", password=password))
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")


def init_app(app: Flask) -> None:
    """Register the commands with the app."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(expire_offers_command)
    app.cli.add_command(recompute_scores_command)
    app.cli.add_command(refresh_figures_command)
    app.cli.add_command(train_model_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(purge_expired_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from hiring.privacy.commands import purge_candidates_command
    app.cli.add_command(purge_candidates_command)
