"""Deciding about a likely duplicate: "not the same person", a merge, its undoing and its confirmation.

A merge keeps the older candidate and moves to it everything that points at the newer one: applications (with
their stage history, interviews, scorecards and hire, which hang on the application), files with their words
for the search, erasure requests, and the self-identification when the kept candidate has none (it is one row
per candidate; when both answered, the kept candidate's answers stand and the other's stay on the shell and go
with it). The newer candidate stays as a shell (`merged_into_id`), hidden from lists and search, and the merge
row lists by id what moved, so that "undo" puts back exactly that (and the files added since to an application
that moves back). "Confirm", or `flask purge-candidates` once MERGE_CONFIRM_DAYS have passed, or erasing either
candidate, deletes the shell and what is left of the person on it.

Refused, with the reason in words: both applied to the same job (one person, one application per job: the
recruiter first closes one), either is anonymised (nothing left to compare, and a merge would tie erased
history to a living record), either was hired (a hire is an employee's record and account; rewriting who it
belongs to is HR's work by hand, not a merge). Each action changes its row's state in the UPDATE's WHERE, and
locks both candidates first, so that a second click or a concurrent one is told what happened instead.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring.audit import record
from hiring.errors import Conflict, NotFound
from hiring.models import (
    Application,
    Candidate,
    CandidateFile,
    CandidateMerge,
    DuplicateSuspicion,
    ErasureRequest,
    Job,
    SelfIdentification,
    Stage,
    SuspicionState,
    utcnow,
)
from hiring.models.candidate_files import CandidateFileText
from hiring.models.search import drop_deleted_terms

CONFIRM_DAYS = 30


def confirm_days() -> int:
    """After how many days `flask purge-candidates` confirms a merge nobody undid (MERGE_CONFIRM_DAYS)."""
    return int(current_app.config.get("MERGE_CONFIRM_DAYS", CONFIRM_DAYS))


def _lock(session: Session, *ids: int) -> dict[int, Candidate]:
    """Both candidates, locked in id order (no deadlock between two merges of the same pair), as they are now."""
    rows = session.scalars(sa.select(Candidate).where(Candidate.id.in_(ids)).order_by(Candidate.id)
                           .with_for_update().execution_options(populate_existing=True)).all()
    return {c.id: c for c in rows}


def _fresh(session: Session, model, row_id: int, missing: str):
    """The row as the database holds it now (another request may have decided it a moment ago), or NotFound."""
    row = session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFound(missing)
    return row


def _suspicion(session: Session, suspicion_id: int) -> DuplicateSuspicion:
    return _fresh(session, DuplicateSuspicion, suspicion_id, _("There is no such possible duplicate."))


def _decided_message(state: SuspicionState) -> str:
    if state is SuspicionState.MERGED:
        return _("These candidates were merged already, perhaps by someone else a moment ago.")
    return _("Someone already marked these candidates as not the same person.")


def _close(session: Session, suspicion: DuplicateSuspicion, state: SuspicionState, actor_id: int,
           now: datetime) -> None:
    """Close an open suspicion in the UPDATE's WHERE: of two clicks, the second is told what the first did."""
    done = session.execute(sa.update(DuplicateSuspicion).where(
        DuplicateSuspicion.id == suspicion.id, DuplicateSuspicion.state == SuspicionState.OPEN)
        .values(state=state, decided_by_id=actor_id, decided_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.refresh(suspicion)
        raise Conflict(_decided_message(suspicion.state))
    session.refresh(suspicion)


def dismiss(session: Session, suspicion_id: int, *, actor_id: int) -> DuplicateSuspicion:
    """"Not the same person": the pair is not raised again."""
    suspicion = _suspicion(session, suspicion_id)
    if suspicion.state is not SuspicionState.OPEN:
        raise Conflict(_decided_message(suspicion.state))
    _close(session, suspicion, SuspicionState.DISMISSED, actor_id, utcnow())
    record(session, actor_id=actor_id, action="duplicate_dismissed", entity_type="candidate",
           entity_id=suspicion.candidate_id, other_candidate_id=suspicion.other_candidate_id,
           suspicion_id=suspicion.id)
    return suspicion


def merge_refusal(session: Session, kept: Candidate, merged: Candidate) -> str | None:
    """Why these two cannot be merged, in words, or None."""
    for candidate in (kept, merged):
        if candidate.merged_into_id is not None:
            return _("One of these candidates was merged into another candidate in the meantime; undo that "
                     "merge first.")
        if candidate.anonymised_at is not None:
            return _("One of these candidates is anonymised: there is nothing left to merge.")
    ids = [kept.id, merged.id]
    hired = session.scalar(sa.select(Application.id).where(Application.candidate_id.in_(ids),
                                                           Application.stage == Stage.HIRED).limit(1))
    if hired is not None:
        return _("One of these candidates was hired: a hire is an employee's record and cannot be merged. "
                 "Ask HR to sort it out by hand.")
    shared = session.scalars(
        sa.select(Job.title).join(Application, Application.job_id == Job.id)
        .where(Application.candidate_id == kept.id,
               Application.job_id.in_(sa.select(Application.job_id).where(Application.candidate_id == merged.id)))
        .order_by(Job.title)).all()
    if shared:
        return _("Both candidates applied to %(jobs)s, and a person has one application per job. Reject or "
                 "withdraw one of the two applications first, or mark them as not the same person.",
                 jobs=", ".join(shared))
    return None


def merge(session: Session, suspicion_id: int, *, actor_id: int) -> CandidateMerge:
    """Merge the newer candidate of a suspicion into the older one, recording what moved; flushes."""
    suspicion = _suspicion(session, suspicion_id)
    if suspicion.state is not SuspicionState.OPEN:
        raise Conflict(_decided_message(suspicion.state))
    locked = _lock(session, suspicion.candidate_id, suspicion.other_candidate_id)
    session.refresh(suspicion)  # as it is now: a merge that held the lock before us has closed it
    if suspicion.state is not SuspicionState.OPEN:
        raise Conflict(_decided_message(suspicion.state))
    kept, merged = locked[suspicion.other_candidate_id], locked[suspicion.candidate_id]
    refusal = merge_refusal(session, kept, merged)
    if refusal:
        raise Conflict(refusal)
    now = utcnow()
    _close(session, suspicion, SuspicionState.MERGED, actor_id, now)
    applications = list(session.scalars(sa.select(Application).where(Application.candidate_id == merged.id)))
    files = list(session.scalars(sa.select(CandidateFile).where(CandidateFile.candidate_id == merged.id)))
    requests = list(session.scalars(sa.select(ErasureRequest).where(ErasureRequest.candidate_id == merged.id)))
    answers = session.scalars(sa.select(SelfIdentification).where(
        SelfIdentification.candidate_id.in_([kept.id, merged.id]))).all()
    own = next((a for a in answers if a.candidate_id == merged.id), None)
    moved_answers = own if own is not None and len(answers) == 1 else None
    moved = {"applications": sorted(a.id for a in applications), "files": sorted(f.id for f in files),
             "erasure_requests": sorted(r.id for r in requests),
             "self_identification": moved_answers.id if moved_answers else None}
    _move(session, moved, kept.id, merged.id)
    merged.merged_into_id = kept.id
    entry = CandidateMerge(suspicion_id=suspicion.id, kept_id=kept.id, merged_id=merged.id, moved=moved,
                           merged_by_id=actor_id, merged_at=now)
    session.add(entry)
    session.flush()
    record(session, actor_id=actor_id, action="candidates_merged", entity_type="candidate", entity_id=kept.id,
           merged_id=merged.id, merge_id=entry.id, suspicion_id=suspicion.id,
           applications=len(moved["applications"]), files=len(moved["files"]))
    return entry


def _move(session: Session, moved: dict, to_id: int, from_id: int, *, follow_applications: bool = False) -> None:
    """Point the rows listed in `moved` (still on `from_id`) at `to_id`, through the ORM so that the figures
    resting on applications are marked out of date (hiring/snapshots.py). With `follow_applications`, files
    added since to a moving application go with it."""
    applications = moved["applications"]
    for application in session.scalars(sa.select(Application).where(
            Application.id.in_(applications), Application.candidate_id == from_id)):
        application.candidate_id = to_id
    which = CandidateFile.id.in_(moved["files"])
    if follow_applications and applications:
        which = sa.or_(which, CandidateFile.application_id.in_(applications))
    files = list(session.scalars(sa.select(CandidateFile).where(which, CandidateFile.candidate_id == from_id)))
    for document in files:
        document.candidate_id = to_id
    for text in session.scalars(sa.select(CandidateFileText).where(
            CandidateFileText.candidate_file_id.in_([f.id for f in files]))):
        text.candidate_id = to_id
    for request in session.scalars(sa.select(ErasureRequest).where(
            ErasureRequest.id.in_(moved["erasure_requests"]), ErasureRequest.candidate_id == from_id)):
        request.candidate_id = to_id
    if moved.get("self_identification"):
        answers = session.get(SelfIdentification, moved["self_identification"])
        if answers is not None and answers.candidate_id == from_id:
            answers.candidate_id = to_id
    session.flush()


def _merge_entry(session: Session, merge_id: int) -> CandidateMerge:
    return _fresh(session, CandidateMerge, merge_id, _("There is no such merge."))


def _settled_message(entry: CandidateMerge) -> str:
    if entry.undone_at is not None:
        return _("This merge was undone already, perhaps by someone else a moment ago.")
    return _("This merge was confirmed already, perhaps by someone else a moment ago; it can no longer be undone.")


def _settle(session: Session, entry: CandidateMerge, now: datetime, actor_id: int | None, *, undo: bool) -> None:
    """Mark a pending merge undone or confirmed in the UPDATE's WHERE, or refuse as already settled."""
    values = {"undone_at": now, "undone_by_id": actor_id} if undo else {"confirmed_at": now,
                                                                         "confirmed_by_id": actor_id}
    done = session.execute(sa.update(CandidateMerge).where(
        CandidateMerge.id == entry.id, CandidateMerge.confirmed_at.is_(None), CandidateMerge.undone_at.is_(None))
        .values(**values).execution_options(synchronize_session=False))
    session.refresh(entry)
    if done.rowcount != 1:
        raise Conflict(_settled_message(entry))


def undo(session: Session, merge_id: int, *, actor_id: int) -> CandidateMerge:
    """Put back exactly what a pending merge moved, make the shell a candidate again and reopen the suspicion."""
    entry = _merge_entry(session, merge_id)
    if not entry.pending:
        raise Conflict(_settled_message(entry))
    _lock(session, entry.kept_id, entry.merged_id)
    now = utcnow()
    _settle(session, entry, now, actor_id, undo=True)
    _move(session, entry.moved, entry.merged_id, entry.kept_id, follow_applications=True)
    session.execute(sa.update(Candidate).where(Candidate.id == entry.merged_id).values(merged_into_id=None)
                    .execution_options(synchronize_session=False))
    if entry.suspicion_id is not None:
        session.execute(sa.update(DuplicateSuspicion).where(DuplicateSuspicion.id == entry.suspicion_id)
                        .values(state=SuspicionState.OPEN, decided_by_id=None, decided_at=None)
                        .execution_options(synchronize_session=False))
    session.flush()
    record(session, actor_id=actor_id, action="candidate_merge_undone", entity_type="candidate",
           entity_id=entry.kept_id, merged_id=entry.merged_id, merge_id=entry.id)
    return entry


def confirm(session: Session, merge_id: int, *, actor_id: int | None, forget_terms: bool = True) -> CandidateMerge:
    """Make a pending merge final: the shell is deleted with what is left of the person on it (their name,
    addresses, and self-identification when the kept candidate had their own)."""
    entry = _merge_entry(session, merge_id)
    if not entry.pending:
        raise Conflict(_settled_message(entry))
    shell_id = entry.merged_id
    _lock(session, entry.kept_id, shell_id)
    left = session.scalar(sa.select(sa.func.count()).select_from(
        sa.union_all(sa.select(Application.id).where(Application.candidate_id == shell_id),
                     sa.select(CandidateFile.id).where(CandidateFile.candidate_id == shell_id)).subquery()))
    if left:
        raise Conflict(_("Something was added to the merged-away candidate after the merge. Undo the merge and "
                         "merge again."))
    _settle(session, entry, utcnow(), actor_id, undo=False)
    entry.merged_id = None
    session.flush()
    # In SQL, so that the database's cascades take the shell's own rows (suspicions, self-identification).
    session.execute(sa.delete(Candidate).where(Candidate.id == shell_id).execution_options(synchronize_session=False))
    if forget_terms:
        drop_deleted_terms(session)  # the name search forgets the shell's name and e-mail now, not at a merge
    record(session, actor_id=actor_id, action="candidate_merge_confirmed", entity_type="candidate",
           entity_id=entry.kept_id, merged_id=shell_id, merge_id=entry.id)
    return entry


def confirm_merges_of(session: Session, candidate_ids: list[int], *, actor_id: int | None = None) -> int:
    """Confirm every pending merge into or out of these candidates (before they are erased, so that the
    person's data on a shell goes too and nothing erased can be moved back); how many."""
    ids = sorted(set(candidate_ids))
    pending = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        pending += session.scalars(sa.select(CandidateMerge.id).where(
            CandidateMerge.confirmed_at.is_(None), CandidateMerge.undone_at.is_(None),
            sa.or_(CandidateMerge.kept_id.in_(chunk), CandidateMerge.merged_id.in_(chunk)))).all()
    for merge_id in sorted(set(pending)):
        confirm(session, merge_id, actor_id=actor_id, forget_terms=False)
    return len(set(pending))


def confirm_old_merges(session: Session, now: datetime, days: int | None = None) -> int:
    """Confirm the merges nobody undid within `days` (MERGE_CONFIRM_DAYS); how many. For flask purge-candidates.
    A merge something was added to since is left for a person to look at."""
    days = confirm_days() if days is None else days
    due = session.scalars(sa.select(CandidateMerge.id).where(
        CandidateMerge.confirmed_at.is_(None), CandidateMerge.undone_at.is_(None),
        CandidateMerge.merged_at <= now - timedelta(days=days)).order_by(CandidateMerge.id)).all()
    confirmed = 0
    for merge_id in due:
        try:
            with session.begin_nested():
                confirm(session, merge_id, actor_id=None, forget_terms=False)
        except Conflict:
            continue
        confirmed += 1
    if confirmed:
        drop_deleted_terms(session)
    return confirmed
