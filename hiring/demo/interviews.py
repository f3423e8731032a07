"""Demo interviews: assignments and scorecards whose ratings follow each candidate's hidden ability and fit,
seen through each interviewer's leniency, and the scores stored as the app would store them."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from hiring.demo import content as english
from hiring.models import (
    Application,
    CoreValue,
    GateResult,
    InterviewAssignment,
    InterviewKind,
    Job,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardStatus,
    User,
)
from hiring.scoring.fit import item_means, requirements_fit, values_fit
from hiring.scoring.gate import GateInput, decide


# How far one interviewer's reading of an answer strays from the candidate's true level on an item. Most items are
# anchored well enough that two interviewers mostly agree (Krippendorff's alpha about 0.6-0.8, as structured
# interviews reach in the literature); a weak item's anchors leave so much to taste that agreement falls to
# about 0.2, which the calibration page should flag, as it would in a real company.
NOISE, WEAK_NOISE = 0.15, 1.4
# A candidate is not equally strong on every item: their level on each is their overall ability or fit plus a
# deviation of this spread, drawn once per application and item and seen alike by every interviewer.
ITEM_SPREAD = 0.7


def _rating(rng: random.Random, latent: float, lenience: float, noise: float = NOISE) -> int | None:
    if rng.random() < 0.04:
        return None  # no evidence
    return max(1, min(5, round(latent + lenience + rng.gauss(0, noise))))


def _recommendation(mean: float) -> Recommendation:
    if mean >= 4.2:
        return Recommendation.STRONG_YES
    if mean >= 3.2:
        return Recommendation.YES
    if mean >= 2.3:
        return Recommendation.NO
    return Recommendation.STRONG_NO


# Evidence on a core value that speaks of likeness rather than behaviour ("fits in", "one of us"): what the
# similarity guard counts on the calibration page. Mehmet Aydin writes it now and then for a candidate he
# liked, the others rarely.
WRITES_OF_LIKENESS = {"mehmet.aydin@demo.example": 0.04}
RARELY = 0.002


def interview(rng: random.Random, application: Application, interviewer: User, kind: InterviewKind, *,
              ability: float, fit: float, lenience: float, values: list[CoreValue], assigned_at: datetime,
              assigned_by: User, status: ScorecardStatus | None, words=english,
              weak: frozenset = frozenset(), truth: dict | None = None,
              similar: random.Random | None = None) -> InterviewAssignment:
    """An assignment; with a status, also its scorecard (a draft half filled in, or submitted). Items in `weak`
    are rated with the weak items' noise; `truth` holds the candidate's own deviation per item, shared by the
    interviewers of one application (pass the same dict to each)."""
    truth = {} if truth is None else truth
    assignment = InterviewAssignment(application=application, interviewer=interviewer, kind=kind,
                                     assigned_by_id=assigned_by.id, assigned_at=assigned_at,
                                     scheduled_for=assigned_at + timedelta(days=rng.randint(2, 6), hours=2))
    if status is None:
        return assignment
    items: list[tuple[str, object, float]] = []
    if kind in (InterviewKind.SKILLS, InterviewKind.HIRING_MANAGER):
        items += [("requirement", r, ability) for r in application.job.requirements]
    if kind in (InterviewKind.VALUES, InterviewKind.HIRING_MANAGER):
        items += [("core_value", v, fit) for v in values]
    submitted = status is ScorecardStatus.SUBMITTED
    if not submitted:
        items = items[: len(items) // 2]
    ratings, scores = [], []
    for what, item, latent in items:
        level = latent + truth.setdefault(item, rng.gauss(0, ITEM_SPREAD))
        score = _rating(rng, level, lenience, WEAK_NOISE if item in weak else NOISE)
        if score is not None:
            scores.append(score)
        evidence = rng.choice(words.EVIDENCE[score]) if score else words.NOT_ASKED
        if similar is not None and what == "core_value" and score and score >= 3 and (
                similar.random() < WRITES_OF_LIKENESS.get(interviewer.email, RARELY)):
            evidence = similar.choice(words.LIKENESS)
        ratings.append(Rating(score=score, no_evidence=score is None, evidence=evidence,
                              **{what: item}))
    done_at = assignment.scheduled_for + timedelta(hours=rng.randint(1, 30))
    mean = sum(scores) / len(scores) if scores else 3
    card = Scorecard(assignment=assignment, status=status, ratings=ratings,
                     key_takeaways=rng.choice(words.TAKEAWAYS) if submitted else "",
                     recommendation=_recommendation(mean) if submitted else None,
                     submitted_at=done_at if submitted else None, created_at=done_at, updated_at=done_at)
    if submitted and kind is InterviewKind.VALUES and fit < 2.2 and rng.random() < 0.5:
        card.culture_veto = True
        card.veto_reason = words.VETO_REASON
    return assignment


def store_scores(application: Application, job: Job, values: list[CoreValue],
                 assignments: list[InterviewAssignment], scored_at: datetime) -> None:
    """Compute and store the application's fit scores and gate result, as a scorecard submit would."""
    cards = [a.scorecard for a in assignments
             if a.scorecard is not None and a.scorecard.status is ScorecardStatus.SUBMITTED]
    if not cards:
        return
    ratings = [r for c in cards for r in c.ratings]
    req_means = item_means((r.requirement, r.score) for r in ratings if r.requirement is not None)
    val_means = item_means((r.core_value, r.score) for r in ratings if r.core_value is not None)
    req = requirements_fit(req_means, {r: r.weight for r in job.requirements})
    val = values_fit(val_means, values)
    outcome = decide(GateInput(
        requirements=req, values=val,
        requirements_threshold=job.requirements_threshold, values_threshold=job.values_threshold,
        must_have_means={r.name: req_means.get(r) for r in job.requirements if r.must_have},
        value_means={v.name: val_means.get(v) for v in values},
        vetoes=[c.veto_reason for c in cards if c.culture_veto],
        scorecards_pending=len(assignments) - len(cards),
    ))
    application.requirements_fit = req.score
    application.values_fit = val.score
    application.gate_result = GateResult(outcome.result)
    application.gate_reasons = outcome.reasons
    application.scored_at = scored_at
