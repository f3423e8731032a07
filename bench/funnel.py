"""Candidates, their applications and how far each went in the pipeline, over the years of the history.

Everything is a NumPy array indexed by application (or candidate), times in seconds since the epoch, UTC.
Hidden qualities drive what happens: `skill` per application (the job's requirements) and `fit` per
candidate (the core values). Interviews are given to the better ones; once the interviews are scored, the
best of those who pass the gate are hired (hire()).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.company import DAY, Jobs, slug
from hiring.demo.content import FIRST_NAMES, LAST_NAMES, SOURCES
from hiring.models import Stage

# Stage codes: the forward path 0-4, then the two ways out.
PATH = [Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION, Stage.HIRED]
REJECTED, WITHDRAWN = 5, 6
CODES = PATH + [Stage.REJECTED, Stage.WITHDRAWN]
INTERVIEWING, DECISION, HIRED = 2, 3, 4
STAGE_REASONS = [  # by stage code, in the demo's words
    "Applied through the careers site.", "CV matches the role; invited for a phone screen.",
    "Good phone screen; interviews planned.", "All interviews done.",
    "Passed on requirements and values; offer accepted.", "Did not pass the gate.", "Candidate took another job."]


@dataclass
class Funnel:
    """Candidates and applications with their fate."""

    cand_time: np.ndarray
    fit: np.ndarray            # per candidate
    app_candidate: np.ndarray  # index into candidates
    app_job: np.ndarray        # index into jobs
    app_time: np.ndarray
    skill: np.ndarray          # per application
    interviewed: np.ndarray
    hired: np.ndarray
    forward: np.ndarray        # furthest stage on the path, 0-4
    terminal: np.ndarray       # REJECTED, WITHDRAWN or -1 (still open, or hired)
    times: np.ndarray          # (applications, 6): when each path stage was entered; column 5 the way out

    @property
    def stage(self) -> np.ndarray:
        return np.where(self.terminal >= 0, self.terminal, self.forward)

    @property
    def stage_changed(self) -> np.ndarray:
        last = np.where(self.terminal >= 0, 5, self.forward)
        return self.times[np.arange(len(last)), last]

    def interview_window(self, now_s: int) -> tuple[np.ndarray, np.ndarray]:
        """For each application: from entering interviewing to leaving it (now, when still there)."""
        end = np.where(self.forward >= DECISION, self.times[:, DECISION],
                       np.where(self.terminal >= 0, self.times[:, 5], now_s))
        return self.times[:, INTERVIEWING], end


def _top_k(rng: np.random.Generator, weights_log: np.ndarray, k: int) -> np.ndarray:
    """k indices drawn without replacement with probability proportional to exp(weights_log) (Gumbel top-k)."""
    keys = weights_log + rng.gumbel(size=len(weights_log))
    k = min(k, int(np.isfinite(weights_log).sum()))
    return np.argpartition(-keys, k - 1)[:k] if k else np.array([], dtype=np.int64)


def funnel(rng: np.random.Generator, n_candidates: int, n_interviewed: int, jobs: Jobs,
           start_s: int, now_s: int) -> Funnel:
    """Candidates arriving over the years (more lately), ~1.1 applications each, and their way through."""
    span = now_s - start_s
    u = rng.random(n_candidates)
    growth = 1.0  # twice as many applications now as at the start of the history
    x = (-1 + np.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth
    cand_time = np.sort(np.minimum(start_s + (x * span).astype(np.int64), now_s - 600))
    per = 1 + (rng.random(n_candidates) < 0.07) + (rng.random(n_candidates) < 0.015)
    app_candidate = np.repeat(np.arange(n_candidates), per)
    m = len(app_candidate)
    nth = np.arange(m) - np.repeat(np.cumsum(per) - per, per)
    later = rng.integers(14, 400, m) * DAY + rng.integers(0, DAY, m)
    app_time = np.where(nth > 0, np.minimum(cand_time[app_candidate] + later, now_s - rng.integers(600, 3 * DAY, m)),
                        cand_time[app_candidate])
    app_time = np.maximum(app_time, cand_time[app_candidate])
    job = rng.choice(len(jobs.popularity), size=m, p=jobs.popularity)
    for _attempt in range(30):
        key = app_candidate * len(jobs.popularity) + job
        order = np.argsort(key, kind="stable")
        bad = app_time >= jobs.closed_at[job]
        bad[order[1:]] |= key[order[1:]] == key[order[:-1]]
        if not bad.any():
            break
        job[bad] = rng.choice(len(jobs.popularity), size=int(bad.sum()), p=jobs.popularity)
    keep = np.argsort(app_time, kind="stable")
    keep = keep[~bad[keep]]  # the rare application that found no open job of its own is dropped
    app_candidate, job, app_time = app_candidate[keep], job[keep], app_time[keep]
    m = len(app_candidate)
    fit = rng.normal(size=n_candidates)
    skill = rng.normal(size=m)
    age = (now_s - app_time) / DAY

    quality = 0.8 * (skill + fit[app_candidate])
    chosen = _top_k(rng, np.where(age >= 7, quality, -np.inf), n_interviewed)
    interviewed = np.zeros(m, dtype=bool)
    interviewed[chosen] = True
    hired = np.zeros(m, dtype=bool)  # chosen after the interviews, on what the gate says: see hire()

    forward = np.zeros(m, dtype=np.int64)
    terminal = np.full(m, -1, dtype=np.int64)
    roll = rng.random(m)
    closed = interviewed & (age > 60)
    forward[interviewed] = np.where(closed | (roll < 0.45), DECISION, INTERVIEWING)[interviewed]
    terminal[closed] = np.where(rng.random(m) < 0.88, REJECTED, WITHDRAWN)[closed]
    rest = ~interviewed
    forward[rest & (age > 3)] = np.where(roll < 0.65, 1, 0)[rest & (age > 3)]
    waiting = rest & (age > 7) & (age <= 30) & (rng.random(m) < 0.1)  # interviewing, nobody assigned yet
    forward[waiting] = INTERVIEWING
    gone = rest & (age > 21) & ~waiting
    terminal[gone] = np.where(rng.random(m) < 0.8, REJECTED, WITHDRAWN)[gone]

    gaps = np.column_stack([rng.uniform(0.5, 6, m), rng.uniform(2, 10, m), rng.uniform(7, 25, m),
                            rng.uniform(1, 6, m), rng.uniform(1, 12, m)]) * DAY
    used = gaps.copy()
    used[:, :4] *= np.arange(1, 5)[None, :] <= forward[:, None]
    used[:, 4] *= terminal >= 0
    scale = np.minimum(1.0, 0.9 * (now_s - app_time) / np.maximum(used.sum(axis=1), 1))
    times = np.zeros((m, 6), dtype=np.int64)
    times[:, 0] = app_time
    times[:, 1:5] = app_time[:, None] + np.cumsum(gaps[:, :4] * scale[:, None], axis=1).astype(np.int64)
    last = times[np.arange(m), forward]
    times[:, 5] = last + (gaps[:, 4] * scale).astype(np.int64)
    return Funnel(cand_time, fit, app_candidate, job, app_time, skill, interviewed, hired, forward, terminal, times)


def hire(rng: np.random.Generator, f: Funnel, passes: np.ndarray, merit: np.ndarray, n_hires: int,
         now_s: int) -> int:
    """Hire the best of those whose interviews are all in and who pass the gate, one hire per candidate, from
    applications old enough for a start date by now; returns how many (fewer than asked if too few pass)."""
    age = (now_s - f.app_time) / DAY
    index = np.flatnonzero(f.interviewed & (f.forward == DECISION) & passes & (age >= 40))
    index = index[np.argsort(-(merit[index] + rng.normal(0, 3, len(index))), kind="stable")]
    _cands, first = np.unique(f.app_candidate[index], return_index=True)
    index = index[np.sort(first)][:n_hires]
    f.hired[index] = True
    f.forward[index] = HIRED
    f.terminal[index] = -1
    f.times[index, HIRED] = np.minimum(f.times[index, DECISION] + rng.integers(1, 6, len(index)) * DAY, now_s - 3600)
    return len(index)


def candidate_columns(rng: np.random.Generator, f: Funnel) -> dict:
    """The candidates table's columns."""
    n = len(f.cand_time)
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    names = [f"{a} {b}" for a, b in zip(first.tolist(), last.tolist())]
    emails = [f"{slug(a)}.{slug(b)}.{i}@example.org" for i, (a, b) in enumerate(zip(first.tolist(), last.tolist()))]
    phones = [f"+31 6 {p}" for p in rng.integers(10_000_000, 99_999_999, n).tolist()]
    sources = np.array(SOURCES, dtype=object)[rng.choice(len(SOURCES), n, p=[.35, .2, .2, .05, .15, .05])]
    return {"id": np.arange(1, n + 1), "name": names, "email": emails, "phone": phones, "source": sources,
            "created_at": f.cand_time.astype("datetime64[s]")}


def self_identification_columns(rng: np.random.Generator, f: Funnel) -> dict:
    """Voluntary self-identification of about six in ten candidates; some of them decline."""
    n = len(f.cand_time)
    who = np.flatnonzero(rng.random(n) < 0.6)
    declined = rng.random(len(who)) < 0.15
    genders = np.array(["woman", "man", "non-binary"], dtype=object)[rng.choice(3, len(who), p=[.48, .48, .04])]
    bands = np.array(["under 25", "25-39", "40-54", "55 and over"], dtype=object)[
        rng.choice(4, len(who), p=[.3, .4, .2, .1])]
    genders[declined] = None
    bands[declined] = None
    return {"id": np.arange(1, len(who) + 1), "candidate_id": who + 1, "declined": declined, "gender": genders,
            "age_band": bands, "recorded_at": f.cand_time[who].astype("datetime64[s]")}


def application_columns(f: Funnel) -> dict:
    """The applications table's columns; the scores are filled in later by the recompute."""
    stages = np.array(CODES, dtype=object)
    return {"id": np.arange(1, len(f.app_time) + 1), "candidate_id": f.app_candidate + 1, "job_id": f.app_job + 1,
            "stage": stages[f.stage], "applied_at": f.app_time.astype("datetime64[s]"),
            "stage_changed_at": f.stage_changed.astype("datetime64[s]")}


def stage_change_columns(rng: np.random.Generator, f: Funnel, recruiters: list[int]) -> dict:
    """Each application's stage history: applied, each step forward, and the way out; oldest first."""
    m = len(f.forward)
    steps = f.forward + 1 + (f.terminal >= 0)
    app = np.repeat(np.arange(m), steps)
    step = np.arange(len(app)) - np.repeat(np.cumsum(steps) - steps, steps)
    out = (f.terminal[app] >= 0) & (step == steps[app] - 1)
    to = np.where(out, f.terminal[app], step)
    before = np.where(step == 0, -1, np.where(out, f.forward[app], step - 1))
    at = np.where(out, f.times[app, 5], f.times[app, np.minimum(step, HIRED)])
    by = rng.choice(np.array(recruiters), len(app)).astype(object)
    by[(step == 0) & (rng.random(len(app)) < 0.6)] = None  # applied through the careers site
    order = np.argsort(at, kind="stable")
    stages = np.array(CODES + [None], dtype=object)
    reasons = np.array(STAGE_REASONS, dtype=object)
    return {"id": np.arange(1, len(app) + 1), "application_id": app[order] + 1, "from_stage": stages[before[order]],
            "to_stage": stages[to[order]], "changed_by_id": by[order], "changed_at": at[order].astype("datetime64[s]"),
            "reason": reasons[to[order]]}
