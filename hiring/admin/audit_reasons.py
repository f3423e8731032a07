"""The reasons the audit log shows, read from the rows that hold them, never from the events.

Events name the row that holds a reason (a stage change, a scorecard revision, a scorecard's veto at a
version); anonymisation blanks those rows, so the log shows what is left of a reason without keeping a copy.
At most four queries for a page, whatever its length (one per kind of row, two for vetoes), none for a
kind not on it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.models import AuditEvent, Scorecard, ScorecardRevision, StageChange


def _ids(events: list[AuditEvent], action: str, key: str) -> dict[int, int]:
    return {e.id: e.details[key] for e in events
            if e.action == action and isinstance((e.details or {}).get(key), int)}


def reasons(session: Session, events: list[AuditEvent]) -> dict[int, str]:
    """The reason of each event that has one, by event id, read from the row that holds it."""
    found: dict[int, str] = {}
    changes = _ids(events, "stage_changed", "stage_change_id")
    if changes:
        text = dict(session.execute(sa.select(StageChange.id, StageChange.reason)
                                    .where(StageChange.id.in_(set(changes.values())))).all())
        found.update({eid: text.get(row, "") for eid, row in changes.items()})
    revisions = _ids(events, "scorecard_amended", "revision_id")
    if revisions:
        text = dict(session.execute(sa.select(ScorecardRevision.id, ScorecardRevision.reason)
                                    .where(ScorecardRevision.id.in_(set(revisions.values())))).all())
        found.update({eid: text.get(row, "") for eid, row in revisions.items()})
    vetoes = {e.id: (e.entity_id, e.details["version"]) for e in events
              if e.action == "culture_veto" and isinstance((e.details or {}).get("version"), int)}
    if vetoes:
        found.update(_veto_reasons(session, vetoes))
    return {eid: text for eid, text in found.items() if text}


def _veto_reasons(session: Session, vetoes: dict[int, tuple[int, int]]) -> dict[int, str]:
    """A veto's reason as it stood at the event's version: the scorecard's own when it has not been amended
    since, else the one kept in the revision of that version."""
    scorecard_ids = {sid for sid, _v in vetoes.values()}
    revised = sa.select(ScorecardRevision.scorecard_id, ScorecardRevision.version, ScorecardRevision.snapshot) \
        .where(ScorecardRevision.scorecard_id.in_(scorecard_ids))
    current = dict(session.execute(sa.select(Scorecard.id, Scorecard.veto_reason)
                                   .where(Scorecard.id.in_(scorecard_ids))).all())
    kept = {(sid, version): (snapshot or {}).get("veto_reason") for sid, version, snapshot in session.execute(revised)}
    # Anonymisation moves the scorecard's version on without a revision: then its own (blanked) reason is
    # the one to show.
    return {eid: kept.get((sid, version)) or current.get(sid) or "" for eid, (sid, version) in vetoes.items()}
