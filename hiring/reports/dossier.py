"""The candidate decision dossier: everything that went into one hiring decision, in one place."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hiring.interviews.comparison import side_by_side
from hiring.models import Recommendation, ScorecardRevision, StageChange, User
from hiring.onboarding.values_review import dossier_rows
from hiring.scoring.model import load_report
from hiring.scoring.retention_service import predicted_retention


def dossier(session: Session, application_id: int) -> dict | None:
    """The application, its scorecards side by side, the gate, the prediction, the stage history, every
    amendment made to a submitted scorecard (who, when, why and what changed) and, for a hire, the week-5 values
    review beside the interviews' ratings (one statement)."""
    data = side_by_side(session, application_id)
    if data is None:
        return None
    history = session.execute(
        sa.select(StageChange, User.name).outerjoin(User, StageChange.changed_by_id == User.id)
        .where(StageChange.application_id == application_id).order_by(StageChange.changed_at, StageChange.id)
    ).all()
    folder = Path(current_app.instance_path)
    report = load_report(folder)
    prediction = predicted_retention(session, folder, [application_id]).get(application_id) if report else None
    coverage = [row.name for row in data["rows"] if not row.scores]
    return data | {"history": history, "prediction": prediction, "model": report, "no_evidence_items": coverage,
                   "amendment_rows": amendment_rows(session, data),
                   "week5": dossier_rows(session, application_id, data["rows"])}


def _item_names(data: dict) -> dict[tuple[str, int], str]:
    """(kind, id) of every item rated on the dossier's scorecards: its name."""
    names = {("r", r.id): r.name for r in data["application"].job.requirements}
    for row in data["rows"]:
        for rating in row.cells.values():
            if rating.core_value_id is not None:
                names[("v", rating.core_value_id)] = row.name
    return names


def _scores(ratings) -> dict[tuple[str, int | None], int | None]:
    """A scorecard's ratings (rows, or a snapshot's dicts) as {(kind, id): score, None for no evidence}."""
    found = {}
    for r in ratings:
        get = r.get if isinstance(r, dict) else lambda key, r=r: getattr(r, key)
        key = ("r", get("requirement_id")) if get("requirement_id") else ("v", get("core_value_id"))
        found[key] = None if get("no_evidence") else get("score")
    return found


def _recommendation(value: str | None) -> Recommendation | None:
    return Recommendation(value) if value else None


def amendment_rows(session: Session, data: dict) -> list[dict]:
    """Every amendment of the dossier's scorecards, oldest first: the scorecard, who amended it, when, why,
    how many colleagues' scorecards were in by then, and the ratings it changed (item, before, after); 1 query.

    A revision keeps the scorecard as it was before the amendment, so what an amendment changed is the
    difference between its revision and the next one (or the scorecard as it stands, after the last)."""
    cards = {c.id: c for c in data["cards"]}
    if not cards:
        return []
    revisions = session.execute(
        sa.select(ScorecardRevision, User.name).outerjoin(User, ScorecardRevision.amended_by_id == User.id)
        .where(ScorecardRevision.scorecard_id.in_(list(cards)))
        .order_by(ScorecardRevision.scorecard_id, ScorecardRevision.version)).all()
    colleagues = {(card_id, m.version): m.colleagues_before for card_id, ms in data["amendments"].items() for m in ms}
    names = _item_names(data)
    rows = []
    for i, (revision, who) in enumerate(revisions):
        card = cards[revision.scorecard_id]
        following = revisions[i + 1][0] if i + 1 < len(revisions) else None
        after = (_scores(following.snapshot.get("ratings", [])) if following is not None
                 and following.scorecard_id == revision.scorecard_id else _scores(card.ratings))
        before = _scores(revision.snapshot.get("ratings", []))
        changes = [(names.get(key, "?"), before.get(key), after.get(key))
                   for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1] or 0))
                   if before.get(key) != after.get(key)]
        rows.append({"card": card, "by": who, "at": revision.amended_at, "reason": revision.reason,
                     "colleagues_before": colleagues.get((revision.scorecard_id, revision.version), 0),
                     "changes": changes,
                     "recommendation": (_recommendation(revision.snapshot.get("recommendation")),
                                        _recommendation(following.snapshot.get("recommendation"))
                                        if following is not None and following.scorecard_id == revision.scorecard_id
                                        else card.recommendation)})
    rows.sort(key=lambda row: row["at"])
    return rows
