"""The company's similarity phrases: the list (add, remove), the flags they put on scorecards, and the recount
of every submitted scorecard when the list changes (the task "similarity.recount").

A scorecard's flags are how many of its core values' evidence use a phrase (hiring/values/similarity.py). The
submit and amend services set them with the list as it stands; a change of the list asks for a recount, which
reads the submitted scorecards a batch at a time and writes each batch's changed flags with one UPDATE, in a
transaction of its own, guarded by each scorecard's version so that an amendment made meanwhile (which set its
own flags) is never overwritten with flags of its older evidence. With SIMILARITY_RECOUNT_BACKGROUND off (the
tests) the recount runs at once, in the caller's transaction.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hiring import tasks
from hiring.audit import record
from hiring.errors import Conflict, DomainError, NotFound
from hiring.extensions import db
from hiring.models import Rating, Scorecard, ScorecardStatus, SimilarityPhrase
from hiring.values.similarity import DEFAULT_PHRASES, PHRASE_MAX, Matcher, fold_phrase

log = logging.getLogger(__name__)
RECOUNT = "similarity.recount"
BATCH = 1000


def phrases(session: Session) -> list[SimilarityPhrase]:
    """The list, in the order of its folded words; one query."""
    return list(session.scalars(sa.select(SimilarityPhrase).order_by(SimilarityPhrase.folded)))


def matcher(session: Session) -> Matcher:
    """The list ready to look for; one query."""
    return Matcher.of(session.scalars(sa.select(SimilarityPhrase.phrase).order_by(SimilarityPhrase.folded)))


def ensure_defaults(session: Session) -> None:
    """Give an empty list the default phrases (the demo's company starts as a new one does)."""
    if session.scalar(sa.select(sa.func.count()).select_from(SimilarityPhrase)) == 0:
        session.add_all(SimilarityPhrase(phrase=phrase, folded=fold_phrase(phrase)) for phrase in DEFAULT_PHRASES)
        session.flush()


def add_phrase(session: Session, text: str, *, actor_id: int) -> SimilarityPhrase:
    """Add a phrase (a duplicate once folded is refused) and ask for a recount of every scorecard."""
    phrase = (text or "").strip()
    folded = fold_phrase(phrase)
    if not folded:
        raise DomainError(_("Type a phrase of at least one word."), field="phrase")
    if len(phrase) > PHRASE_MAX or len(folded) > PHRASE_MAX:
        raise DomainError(_("Keep the phrase to %(max)d characters.", max=PHRASE_MAX), field="phrase")
    same = session.scalar(sa.select(SimilarityPhrase.phrase).where(SimilarityPhrase.folded == folded))
    if same is not None:
        raise Conflict(_("“%(phrase)s” is on the list already.", phrase=same), field="phrase")
    added = SimilarityPhrase(phrase=phrase, folded=folded, created_by_id=actor_id)
    session.add(added)
    session.flush()
    record(session, actor_id=actor_id, action="similarity_phrase_added", entity_type="similarity_phrase",
           entity_id=added.id)
    request_recount(session, actor_id)
    return added


def remove_phrase(session: Session, phrase_id: int, *, actor_id: int) -> str:
    """Remove a phrase from the list and ask for a recount; the phrase as it was written."""
    phrase = session.get(SimilarityPhrase, phrase_id)
    if phrase is None:
        raise NotFound(_("That phrase is not on the list."))
    text = phrase.phrase
    record(session, actor_id=actor_id, action="similarity_phrase_removed", entity_type="similarity_phrase",
           entity_id=phrase.id)
    session.delete(phrase)
    session.flush()
    request_recount(session, actor_id)
    return text


def flags(found: Matcher, ratings) -> int:
    """How many of the ratings on core values have evidence that uses a phrase."""
    return found.count(r.evidence for r in ratings if r.core_value_id is not None)


def set_flags(session: Session, scorecard: Scorecard) -> None:
    """Count a scorecard's flags with the list as it stands (at submit and amendment); one query."""
    scorecard.similarity_flags = flags(matcher(session), scorecard.ratings)


def hints(found: Matcher, texts: Mapping[str, str]) -> dict[str, list[str]]:
    """For the form's fields (name -> text typed), the phrases each uses; fields using none left out."""
    return {name: used for name, text in texts.items() if (used := found.found(text or ""))}


def request_recount(session: Session, actor_id: int | None = None) -> None:
    """Ask for a recount after this transaction commits (once, however often asked while it waits); with
    SIMILARITY_RECOUNT_BACKGROUND off, recount now in this transaction."""
    if current_app.config.get("SIMILARITY_RECOUNT_BACKGROUND", True):
        tasks.enqueue(session, RECOUNT, {})
    else:
        recount(session)


def recount(session: Session, *, own_transactions: bool = False, batch: int = BATCH) -> int:
    """Count every submitted scorecard's flags again with the list as it stands; how many changed.

    Per batch of scorecards (in id order): two reads (the scorecards with their versions and flags; their
    core values' evidence) and at most one UPDATE of those whose flags changed. With `own_transactions` (the
    task) each batch's reads end before its write, which then begins a transaction of its own and commits it:
    the write lock is held for one statement, and on SQLite a write never follows a read in one transaction."""
    found = matcher(session)
    changed, last = 0, 0
    while True:
        cards = session.execute(
            sa.select(Scorecard.id, Scorecard.version, Scorecard.similarity_flags)
            .where(Scorecard.status == ScorecardStatus.SUBMITTED, Scorecard.id > last)
            .order_by(Scorecard.id).limit(batch)).all()
        if not cards:
            break
        evidence: dict[int, list[str]] = {}
        for card_id, text in session.execute(
                sa.select(Rating.scorecard_id, Rating.evidence)
                .where(Rating.scorecard_id.between(cards[0].id, cards[-1].id), Rating.core_value_id.is_not(None),
                       Rating.evidence != "")):
            evidence.setdefault(card_id, []).append(text)
        if own_transactions:
            session.rollback()
        new = {card.id: (card.version, n) for card in cards
               if (n := found.count(evidence.get(card.id, ()))) != card.similarity_flags}
        if new:
            # Only where the version is still the one read: an amendment since has counted its own.
            session.execute(
                sa.update(Scorecard).where(Scorecard.id.in_(list(new)))
                .values(similarity_flags=sa.case(
                    *[(sa.and_(Scorecard.id == card_id, Scorecard.version == version), n)
                      for card_id, (version, n) in new.items()],
                    else_=Scorecard.similarity_flags),
                        updated_at=Scorecard.updated_at)  # not an edit of the scorecard
                .execution_options(synchronize_session=False))
            changed += len(new)
        if own_transactions:
            session.commit()
        last = cards[-1].id
    return changed


def _recount_task(task, progress) -> None:
    """The task: recount every submitted scorecard, a batch per transaction."""
    changed = recount(db.session, own_transactions=True)
    db.session.commit()
    log.info("similarity flags recounted: %d scorecards changed", changed)


# Minutes at most for a large company's scorecards (a million evidence texts); tried once more after an
# unexpected failure (a busy database): a recount is idempotent.
tasks.register(RECOUNT, _recount_task, retries=1, backoff=60.0, timeout=20 * 60, give_up_after=50 * 60)


def form_context(session: Session, texts: Mapping[str, str]) -> dict:
    """What a form with evidence fields needs for the similarity notes: the list for static/similarity.js
    (`similarity_phrases`) and, for the page without JavaScript, the phrases each field already uses
    (`similar`, by field name); one query."""
    found = matcher(session)
    return {"similarity_phrases": found.for_browser(), "similar": hints(found, texts)}
