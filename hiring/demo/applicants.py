"""Past applicants who were not hired: rejected, or withdrawn, at each stage over the last three years, and
long since anonymised as the purge leaves them. Without them every past application was a hire and the funnel
showed pass-through rates near 100%; with them the funnel and fairness report show believable rates, and
withdrawals that the selection rates leave out."""
from __future__ import annotations

import random
from datetime import timedelta

from hiring.demo.interviews import interview, store_scores
from hiring.models import Application, InterviewKind, ScorecardStatus, Stage, StageChange

FUNNEL = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION)
# Of those who reached a stage, the share rejected there and the share who withdrew there.
ENDINGS = {Stage.APPLIED: (0.38, 0.03), Stage.SCREENING: (0.40, 0.04), Stage.INTERVIEWING: (0.30, 0.04),
           Stage.DECISION: (0.15, 0.02)}
APPLICANTS = 1450  # about what ENDINGS leave beside the demo's three hundred hires
# The hidden ability and values fit (mean, spread) of those interviewed and not hired, by where it ended: most
# who are turned away after their interviews fall short on the values, as in a company that hires on both.
LATENT = {(Stage.INTERVIEWING, Stage.REJECTED): ((3.0, 1.0), (2.6, 0.8)),
          (Stage.DECISION, Stage.REJECTED): ((3.6, 0.8), (3.1, 0.7)),
          (Stage.DECISION, Stage.WITHDRAWN): ((3.7, 0.7), (3.7, 0.6))}


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


def _interviewed(demo, rng: random.Random, application: Application, latent, since):
    """The three submitted interviews of an applicant who reached the interviews, scored as the app would; returns
    when the last scorecard came in."""
    (ability_mean, ability_sd), (fit_mean, fit_sd) = latent
    ability, fit = rng.gauss(ability_mean, ability_sd), rng.gauss(fit_mean, fit_sd)
    truth: dict = {}
    assignments = [
        interview(rng, application, person, kind, ability=ability, fit=fit, lenience=demo.lenience[person.id],
                  values=demo.values, assigned_by=demo.recruiter, status=ScorecardStatus.SUBMITTED,
                  assigned_at=since + timedelta(hours=rng.randint(2, 30)), words=demo.content, weak=demo.weak,
                  truth=truth, similar=demo.similar)
        for kind, person in zip(InterviewKind, rng.sample(demo.interviewers, 3))]
    last = max(a.scorecard.submitted_at for a in assignments)
    store_scores(application, application.job, demo.values, assignments, scored_at=last)
    demo.session.add_all(assignments)
    return last


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
            if stage is Stage.INTERVIEWING and (path[-1], ending) in LATENT:
                when = _interviewed(demo, rng, application, LATENT[path[-1], ending], when)
            previous, when = stage, when + timedelta(days=rng.uniform(2, 9))
        application.stage_changes = changes
        application.stage, application.stage_changed_at = ending, changes[-1].changed_at
        demo.session.add(application)
        made.append(candidate)
    demo.session.flush()
    anonymise(demo.session, [c.id for c in made], demo.past(at(demo.today, 6)))
    return len(made)
