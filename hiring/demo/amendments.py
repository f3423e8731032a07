"""A few scorecards of today's pipeline amended after the debrief, as happens: the dossier and the side-by-side
page then show "amended after seeing N colleagues' scorecards" with the reason, and calibration counts those
scorecards as first submitted."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from hiring.demo.interviews import store_scores
from hiring.interviews.service import snapshot
from hiring.models import Application, InterviewAssignment, ScorecardRevision, ScorecardStatus, Stage

AMENDED = 4  # scorecards, each the last one in of its application
REASONS = {
    "en": ["Reread my notes after the debrief: I had mixed up two answers.",
           "Talked it over with the panel; my notes support a different rating here.",
           "Corrected after the debrief: I had rated the wrong requirement."],
    "nl": ["Mijn aantekeningen herlezen na de nabespreking: ik had twee antwoorden verwisseld.",
           "Besproken met het panel; mijn aantekeningen ondersteunen hier een andere score.",
           "Gecorrigeerd na de nabespreking: ik had het verkeerde vereiste beoordeeld."],
}


def add_amendments(demo) -> None:
    """Amend the last scorecard of a few decided applications, one rating a point toward the colleagues', and
    store the scores again. A random generator of its own, so that everything seeded before stays as it was."""
    rng = random.Random(17)
    session = demo.session
    session.flush()
    applications = session.scalars(sa.select(Application).where(Application.stage == Stage.DECISION)
                                   .order_by(Application.id)).all()
    amended = 0
    for application in rng.sample(list(applications), len(applications)):
        assignments = session.scalars(sa.select(InterviewAssignment)
                                      .where(InterviewAssignment.application_id == application.id)
                                      .order_by(InterviewAssignment.id)).all()
        cards = sorted((a.scorecard for a in assignments
                        if a.scorecard is not None and a.scorecard.status is ScorecardStatus.SUBMITTED),
                       key=lambda c: c.submitted_at)
        if len(cards) < 2 or amended >= AMENDED:
            continue
        card, colleagues = cards[-1], cards[:-1]
        # The rating furthest from the colleagues' mean on the same item moves a point toward it.
        others = {}
        for c in colleagues:
            for r in c.ratings:
                if r.score is not None:
                    others.setdefault((r.requirement_id, r.core_value_id), []).append(r.score)
        gaps = [(abs(r.score - sum(o) / len(o)), r, sum(o) / len(o)) for r in card.ratings if r.score is not None
                and (o := others.get((r.requirement_id, r.core_value_id)))]
        gap, rating, target = max(gaps, key=lambda g: g[0], default=(0, None, None))
        if rating is None or gap < 1:
            continue
        amended_at = card.submitted_at + timedelta(hours=rng.randint(20, 40))
        session.add(ScorecardRevision(scorecard=card, version=card.version, snapshot=snapshot(card),
                                      reason=rng.choice(REASONS.get(demo.locale, REASONS["en"])),
                                      amended_by_id=card.assignment.interviewer_id, amended_at=amended_at))
        rating.score += 1 if target > rating.score else -1
        card.updated_at = amended_at
        store_scores(application, application.job, demo.values, list(assignments), scored_at=amended_at)
        amended += 1
    session.flush()
