"""Past applicants who were not hired: rejected, or withdrawn, at each stage over the last three years, and
long since anonymised as the purge leaves them. Without them every past application was a hire and the funnel
showed pass-through rates near 100%; with them the funnel and fairness report show believable rates, and
withdrawals that the selection rates leave out."""
from __future__ import annotations

import random
from datetime import timedelta

from hiring.models import Application, Stage, StageChange

FUNNEL = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)
# Of those who reached a stage, the share rejected there and the share who withdrew there.
ENDINGS = {Stage.APPLIED: (0.38, 0.03), Stage.SCREENING: (0.40, 0.04), Stage.INTERVIEWING: (0.30, 0.04),
           Stage.DECISION: (0.15, 0.02)}
APPLICANTS = 1450  # about what ENDINGS leave beside the demo's three hundred hires


def _walk(rng: random.Random) -> tuple[list[Stage], Stage]:
    """The stages an applicant who was not hired reached, and how it ended. Drawn again when it would have
    ended in a hire: the demo's hires are made elsewhere, so this is the funnel given no hire."""
    while True:
        path = [Stage.APPLIED]
        for stage in FUNNEL:
            rejected, withdrawn = ENDINGS[stage]
            roll = rng.random()
            if roll < rejected + withdrawn:
                return path, Stage.REJECTED if roll < rejected else Stage.WITHDRAWN
            if stage is not Stage.DECISION:
                path.append(FUNNEL[FUNNEL.index(stage) + 1])


def add_past_applicants(demo) -> int:
    """Add the past applicants who were not hired, anonymised; returns how many. Runs after the rest of the
    demo's history, so that everything made before it stays as it was."""
    from hiring.demo.seed import at
    from hiring.privacy.anonymise import anonymise

    rng = random.Random(demo.rng.random())
    made = []
    for _ in range(APPLICANTS):
        applied_at = at(demo.today - timedelta(days=rng.randint(90, 3 * 365)), rng.randint(7, 20))
        candidate = demo.candidate(applied_at)  # self-identified in the demo's proportions, the same in every group
        path, ending = _walk(rng)
        job = rng.choice(demo.jobs + [demo.closed_job])
        application = Application(candidate=candidate, job=job, applied_at=applied_at)
        when, previous, changes = applied_at, None, []
        for stage in path + [ending]:
            changes.append(StageChange(from_stage=previous, to_stage=stage, changed_by_id=demo.recruiter.id,
                                       changed_at=when, reason=""))
            previous, when = stage, when + timedelta(days=rng.uniform(2, 9))
        application.stage_changes = changes
        application.stage, application.stage_changed_at = ending, changes[-1].changed_at
        demo.session.add(application)
        made.append(candidate)
    demo.session.flush()
    anonymise(demo.session, [c.id for c in made], at(demo.today, 6))
    return len(made)
