"""Interviews of the interviewed applications: assignments, scorecards and their ratings per item.

Every interviewed application has a hiring manager's interview (requirements and values), one to three
skills interviews and one to three values interviews, each by a different interviewer. A rating follows the
hidden quality (skill for requirements, fit for values), the item's difficulty and the interviewer's
leniency. Applications still in interviewing have some interviews not done yet, a few of them drafts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.company import Jobs, Staff
from bench.funnel import INTERVIEWING, Funnel
from hiring.demo.content import EVIDENCE, TAKEAWAYS
from hiring.models import InterviewKind, Recommendation, ScorecardStatus

SKILLS, VALUES, MANAGER = 0, 1, 2
KINDS = np.array([InterviewKind.SKILLS, InterviewKind.VALUES, InterviewKind.HIRING_MANAGER], dtype=object)
VETO_REASON = "Dismissive about colleagues throughout; spoke of customers as a nuisance."
NO_EVIDENCE_TEXT = "The question did not come up."
CARDS_PER_APPLICATION = 5.0


@dataclass
class Interviews:
    """Assignments (sorted by time), their scorecards (ids 1..n in the same order) and the ratings."""

    app: np.ndarray            # application index per assignment
    interviewer: np.ndarray
    kind: np.ndarray
    assigned: np.ndarray
    scheduled: np.ndarray
    done: np.ndarray
    assigned_by: np.ndarray
    card: np.ndarray           # per assignment: scorecard index or -1
    submitted: np.ndarray      # per scorecard
    recommendation: np.ndarray  # per scorecard (object)
    veto: np.ndarray           # per scorecard
    ratings: dict              # the ratings table's columns


def _distinct_interviewers(rng, app, kind, manager, staff: Staff) -> np.ndarray:
    """Interviewers per assignment, different people within an application where the pool allows."""
    who = np.where(kind == MANAGER, manager, rng.choice(staff.interviewers, len(app), p=staff.workload))
    for _round in range(30):
        key = app * (int(who.max()) + 1) + who
        order = np.argsort(key, kind="stable")
        dup = np.zeros(len(app), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        dup &= kind != MANAGER
        if not dup.any():
            break
        who[dup] = rng.choice(staff.interviewers, int(dup.sum()), p=staff.workload)
    return who


def interviews(rng: np.random.Generator, f: Funnel, jobs: Jobs, staff: Staff, recruiters: list[int],
               n_values: int, now_s: int) -> Interviews:
    """Assignments, scorecards and ratings for every interviewed application."""
    apps = np.flatnonzero(f.interviewed)
    n_skills = 1 + rng.binomial(2, 0.5, len(apps))
    n_vals = 1 + rng.binomial(2, 0.5, len(apps))
    per = 1 + n_skills + n_vals
    app = np.repeat(apps, per)
    pos = np.arange(len(app)) - np.repeat(np.cumsum(per) - per, per)
    kind = np.where(pos == 0, MANAGER, np.where(pos <= np.repeat(n_skills, per), SKILLS, VALUES))
    who = _distinct_interviewers(rng, app, kind, jobs.manager[f.app_job[app]], staff)
    key = (app * (int(who.max()) + 1) + who) * 3 + kind
    _keys, unique = np.unique(key, return_index=True)  # a tiny pool may repeat someone: never the same kind twice
    keep = np.sort(unique)
    app, kind, who = app[keep], kind[keep], who[keep]

    start, end = f.interview_window(now_s)
    start, end = start[app], end[app]
    assigned = start + (rng.uniform(0, 0.15, len(app)) * (end - start)).astype(np.int64)
    scheduled = assigned + (rng.uniform(0.1, 0.5, len(app)) * (end - assigned)).astype(np.int64)
    done = scheduled + (rng.uniform(0.05, 0.4, len(app)) * (end - scheduled)).astype(np.int64)
    order = np.argsort(assigned, kind="stable")
    app, kind, who, assigned, scheduled, done = (a[order] for a in (app, kind, who, assigned, scheduled, done))

    still_open = f.stage[app] == INTERVIEWING
    pending = still_open & (rng.random(len(app)) < 0.35)
    draft = pending & (rng.random(len(app)) < 0.3)
    has_card = ~pending | draft
    card = np.full(len(app), -1, dtype=np.int64)
    card[has_card] = np.arange(int(has_card.sum()))
    submitted = ~pending[has_card]
    ratings, means = _ratings(rng, f, jobs, staff, app[has_card], kind[has_card], who[has_card], submitted, n_values)
    recommendation = np.array([Recommendation.STRONG_NO, Recommendation.NO, Recommendation.YES,
                               Recommendation.STRONG_YES], dtype=object)[np.digitize(means, [2.2, 3.0, 3.8])]
    recommendation[~submitted] = None
    card_app = app[has_card]
    veto = (submitted & (kind[has_card] == VALUES) & (f.fit[f.app_candidate[card_app]] < -1.0)
            & (rng.random(len(card_app)) < 0.1))
    return Interviews(app, who, kind, assigned, scheduled, done, rng.choice(np.array(recruiters), len(app)), card,
                      submitted, recommendation, veto, ratings)


def _ratings(rng, f: Funnel, jobs: Jobs, staff: Staff, app, kind, who, submitted, n_values):
    """The ratings of each scorecard (a draft has about half its items), and each scorecard's mean score."""
    cards = np.arange(len(app))
    job = f.app_job[app]
    r_count = np.where(kind != VALUES, jobs.n_req[job], 0)
    r_card = np.repeat(cards, r_count)
    r_item = jobs.req_first[job[r_card]] + np.arange(len(r_card)) - np.repeat(np.cumsum(r_count) - r_count, r_count)
    v_count = np.where(kind != SKILLS, n_values, 0)
    v_card = np.repeat(cards, v_count)
    v_item = 1 + np.arange(len(v_card)) - np.repeat(np.cumsum(v_count) - v_count, v_count)
    card = np.concatenate([r_card, v_card])
    is_req = np.concatenate([np.ones(len(r_card), bool), np.zeros(len(v_card), bool)])
    item = np.concatenate([r_item, v_item])
    order = np.argsort(card, kind="stable")
    card, is_req, item = card[order], is_req[order], item[order]
    keep = submitted[card] | (rng.random(len(card)) < 0.5)
    card, is_req, item = card[keep], is_req[keep], item[keep]

    req_difficulty = rng.normal(0, 0.3, int(jobs.req_first[-1] + jobs.n_req[-1]))
    value_difficulty = rng.normal(0, 0.3, n_values + 1)
    latent = np.where(is_req, f.skill[app[card]], f.fit[f.app_candidate[app[card]]])
    lenience = np.zeros(int(staff.interviewers.max()) + 1)
    lenience[staff.interviewers] = staff.leniency
    difficulty = np.where(is_req, req_difficulty[np.minimum(item, len(req_difficulty) - 1)],
                          value_difficulty[np.minimum(item, n_values)])
    raw = 3.7 + 0.9 * latent + lenience[who[card]] - difficulty + rng.normal(0, 0.5, len(card))
    score = np.clip(np.rint(raw), 1, 5).astype(np.int64)
    no_evidence = rng.random(len(card)) < 0.03
    sums = np.bincount(card, weights=np.where(no_evidence, 0, score), minlength=len(app))
    counts = np.bincount(card, weights=(~no_evidence).astype(float), minlength=len(app))
    means = np.divide(sums, counts, out=np.full(len(app), 3.0), where=counts > 0)
    texts = np.array([EVIDENCE[s][k] for s in range(1, 6) for k in range(2)], dtype=object)
    evidence = texts[(score - 1) * 2 + rng.integers(0, 2, len(card))]
    evidence[no_evidence] = NO_EVIDENCE_TEXT
    scores = score.astype(object)
    scores[no_evidence] = None
    requirement = np.where(is_req, item, 0).astype(object)
    requirement[~is_req] = None
    value = item.astype(object)
    value[is_req] = None
    columns = {"id": np.arange(1, len(card) + 1), "scorecard_id": card + 1, "requirement_id": requirement,
               "core_value_id": value, "score": scores, "no_evidence": no_evidence, "evidence": evidence}
    return columns, means


def assignment_columns(iv: Interviews) -> dict:
    """The interview_assignments table."""
    return {"id": np.arange(1, len(iv.app) + 1), "application_id": iv.app + 1, "interviewer_id": iv.interviewer,
            "kind": KINDS[iv.kind], "assigned_by_id": iv.assigned_by,
            "assigned_at": iv.assigned.astype("datetime64[s]"), "scheduled_for": iv.scheduled.astype("datetime64[s]")}


def scorecard_columns(rng: np.random.Generator, iv: Interviews, now_s: int) -> dict:
    """The scorecards table: submitted ones complete, drafts without a recommendation."""
    has = iv.card >= 0
    n = int(has.sum())
    scheduled, done = iv.scheduled[has], iv.done[has]
    created = np.minimum(scheduled, now_s - 3600)
    updated = np.where(iv.submitted, done, np.minimum(created + rng.integers(60, 7200, n), now_s - 60))
    submitted_at = done.astype("datetime64[s]")
    submitted_at[~iv.submitted] = np.datetime64("NaT")
    takeaways = np.array(TAKEAWAYS, dtype=object)[rng.integers(0, len(TAKEAWAYS), n)]
    takeaways[~iv.submitted] = ""
    reasons = np.where(iv.veto, VETO_REASON, None).astype(object)
    status = np.where(iv.submitted, ScorecardStatus.SUBMITTED, ScorecardStatus.DRAFT).astype(object)
    return {"id": np.arange(1, n + 1), "assignment_id": np.flatnonzero(has) + 1, "status": status,
            "recommendation": iv.recommendation, "key_takeaways": takeaways, "culture_veto": iv.veto,
            "veto_reason": reasons, "version": 1, "created_at": created.astype("datetime64[s]"),
            "updated_at": updated.astype("datetime64[s]"), "submitted_at": submitted_at}
