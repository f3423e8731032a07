"""The company's list of similarity phrases (admin, hr): list, add, remove; part of the values blueprint.

`flask values recount-similarity` recounts every submitted scorecard's flags with the list as it stands (after
the migration that brought the list, whose older scorecards start at 0; or after changes made outside the app).
"""
from __future__ import annotations

import click
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import roles_required
from hiring.errors import DomainError
from hiring.extensions import db
from hiring.forms.similarity import SimilarityPhraseForm
from hiring.values import similarity_service as service
from hiring.values.views import EDITORS, bp


@bp.route("/similarity", methods=["GET", "POST"])
@roles_required(*EDITORS)
def similarity():
    """The list, and the form that adds a phrase (its error beside the field, what was typed kept)."""
    form = SimilarityPhraseForm()
    status = 200
    if form.validate_on_submit():
        try:
            added = service.add_phrase(db.session, form.phrase.data, actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            form.phrase.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Added: “%(phrase)s”. Scorecards are being counted again with it.", phrase=added.phrase),
                  "success")
            return redirect(url_for(".similarity", _anchor="phrases"))
    if form.errors and status == 200:
        status = 400
    return render_template("values/similarity.html", form=form, phrases=service.phrases(db.session)), status


@bp.route("/similarity/<int:phrase_id>/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_similarity(phrase_id: int):
    """Take a phrase off the list; scorecards are counted again without it."""
    try:
        removed = service.remove_phrase(db.session, phrase_id, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for(".similarity"))
    db.session.commit()
    flash(_("Removed: “%(phrase)s”. Scorecards are being counted again without it.", phrase=removed), "success")
    return redirect(url_for(".similarity", _anchor="phrases"))


@bp.cli.command("recount-similarity")
def recount_similarity_command() -> None:
    """Count every submitted scorecard's similarity flags again with the list as it stands."""
    changed = service.recount(db.session, own_transactions=True)
    db.session.commit()
    click.echo(_("Similarity flags counted again: %(n)d scorecards changed.", n=changed))
