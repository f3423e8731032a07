"""The candidate decision dossier: everything that went into one hiring decision, in one place."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hiring.interviews.comparison import side_by_side
from hiring.models import StageChange, User
from hiring.scoring.model import load_report
from hiring.scoring.retention_service import predicted_retention


def dossier(session: Session, application_id: int) -> dict | None:
    """The application, its scorecards side by side, the gate, the prediction and the stage history."""
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
    return data | {"history": history, "prediction": prediction, "model": report, "no_evidence_items": coverage}
