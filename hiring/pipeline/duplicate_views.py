"""Possible duplicates: the list, the two candidates side by side, and the decisions about them (merge, not the
same person; undo or confirm a merge). Every decision is a POST from its own page, which shows what it will do."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hiring.auth.roles import RECRUITING, roles_required
from hiring.errors import Conflict, NotFound
from hiring.extensions import db
from hiring.models import Candidate, CandidateMerge, DuplicateSuspicion, SuspicionState
from hiring.pipeline import duplicates, merging

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")


@bp.route("/")
@roles_required(*RECRUITING)
def index():
    """The open suspicions, newest first, and the merges that can still be undone."""
    return render_template("duplicates/index.html", suspicions=duplicates.open_suspicions(db.session),
                           merges=duplicates.pending_merges(db.session), shown=duplicates.LIST_SHOWN,
                           reasons=duplicates.REASON_LABELS)


@bp.route("/<int:suspicion_id>")
@roles_required(*RECRUITING)
def suspicion(suspicion_id: int):
    """Both candidates side by side, the reason they look alike, and the two decisions."""
    found = db.get_or_404(DuplicateSuspicion, suspicion_id)
    newer, older = db.get_or_404(Candidate, found.candidate_id), db.get_or_404(Candidate, found.other_candidate_id)
    refusal = merging.merge_refusal(db.session, older, newer) if found.state is SuspicionState.OPEN else None
    kept, merged = duplicates.compare(db.session, older, newer)
    return render_template("duplicates/compare.html", suspicion=found, kept=kept, merged=merged, refusal=refusal,
                           reason=duplicates.REASON_LABELS[found.reason])


def _decide(action, target: str, **ids):
    """Run a decision, commit, and go back to the page it was made from; a refused or repeated one is
    explained there, nothing saved."""
    try:
        result = action(db.session, *ids.values(), actor_id=current_user.id)
    except NotFound:
        db.session.rollback()
        abort(404)
    except Conflict as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return None, redirect(url_for(target, **ids))
    db.session.commit()
    return result, None


@bp.route("/<int:suspicion_id>/dismiss", methods=["POST"])
@roles_required(*RECRUITING)
def dismiss(suspicion_id: int):
    """"Not the same person"."""
    _result, refused = _decide(merging.dismiss, ".suspicion", suspicion_id=suspicion_id)
    if refused:
        return refused
    flash(_("Marked as not the same person; this pair will not be suggested again."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:suspicion_id>/merge", methods=["POST"])
@roles_required(*RECRUITING)
def merge(suspicion_id: int):
    """Merge the newer candidate into the older one."""
    entry, refused = _decide(merging.merge, ".suspicion", suspicion_id=suspicion_id)
    if refused:
        return refused
    flash(_("The candidates were merged. You can undo the merge until it is confirmed."), "success")
    return redirect(url_for(".merge_page", merge_id=entry.id))


@bp.route("/merges/<int:merge_id>")
@roles_required(*RECRUITING)
def merge_page(merge_id: int):
    """A merge: what moved, and undo or confirm while it is pending."""
    entry = db.get_or_404(CandidateMerge, merge_id)
    kept = db.session.get(Candidate, entry.kept_id)
    shell = db.session.get(Candidate, entry.merged_id) if entry.merged_id else None
    return render_template("duplicates/merge.html", merge=entry, kept=kept, shell=shell,
                           days=merging.confirm_days())


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"])
@roles_required(*RECRUITING)
def undo(merge_id: int):
    """Undo a pending merge: both candidates as they were."""
    entry, refused = _decide(merging.undo, ".merge_page", merge_id=merge_id)
    if refused:
        return refused
    flash(_("The merge was undone: both candidates are as they were."), "success")
    return redirect(url_for(".suspicion", suspicion_id=entry.suspicion_id) if entry.suspicion_id
                    else url_for("pipeline.candidate", candidate_id=entry.kept_id))


@bp.route("/merges/<int:merge_id>/confirm", methods=["POST"])
@roles_required(*RECRUITING)
def confirm(merge_id: int):
    """Confirm a pending merge: the merged-away record is deleted for good."""
    entry, refused = _decide(merging.confirm, ".merge_page", merge_id=merge_id)
    if refused:
        return refused
    flash(_("The merge was confirmed; it can no longer be undone."), "success")
    return redirect(url_for("pipeline.candidate", candidate_id=entry.kept_id))
