"""The mentors' week-5 values reviews of the benchmark company's graduates (issue 23, item 5), as columns.

Each graduate's mentor rates every core value a few days after graduation (none dated after now), from the same
hidden `fit` the interviews rated (bench/scorecards.py), seen through five weeks of work: less noise than one
interview, and the mentor's own leniency. So the interview's values ratings predict the review, as the page
"Does our interview predict?" should find, and the benchmark measures that page over a realistic number of rows.
A generator of its own (seeded from the company's), so that adding the reviews changed no other table.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.company import DAY
from hiring.models import ReviewKind, ReviewStatus

SEEN_NOISE = 0.45
WEEK5_EVIDENCE = ["Did not see this in five weeks.", "Now and then, when asked.", "Most days on the phones.",
                  "Often and unprompted; colleagues came to them.", "Every day, and the cohort picked it up."]


@dataclass
class Reviews:
    reviews: dict
    ratings: dict


def week5_reviews(seed: int, fit: np.ndarray, mentor: np.ndarray, graduated_s: np.ndarray, n_values: int,
                  leniency: dict[int, float], now_s: int) -> Reviews:
    """A submitted mentor's review per graduate (hire ids 1..n in the order of `fit`), a rating per value."""
    rng = np.random.default_rng([seed, 23])
    written_s = graduated_s + (rng.uniform(0.2, 4, len(graduated_s)) * DAY).astype(np.int64)
    who = np.flatnonzero((graduated_s >= 0) & (written_s < now_s))
    n = len(who)
    ids = np.arange(1, n + 1)
    at = written_s[who].astype("datetime64[s]")
    reviews = {"id": ids, "enrollment_id": who + 1, "kind": ReviewKind.MENTOR, "reviewer_id": mentor[who],
               "status": ReviewStatus.SUBMITTED, "submitted_at": at, "created_at": at, "updated_at": at}
    review = np.repeat(ids, n_values)
    value = np.tile(np.arange(1, n_values + 1), n)
    lenient = np.array([leniency.get(int(m), 0.0) for m in mentor[who]])
    raw = (3.7 + 0.9 * np.repeat(fit[who], n_values) + 0.5 * np.repeat(lenient, n_values)
           + rng.normal(0, SEEN_NOISE, len(review)))
    score = np.clip(np.rint(raw), 1, 5).astype(np.int64)
    evidence = np.array(WEEK5_EVIDENCE, dtype=object)[score - 1]
    ratings = {"id": np.arange(1, len(review) + 1), "review_id": review, "core_value_id": value, "score": score,
               "no_evidence": False, "evidence": evidence}
    return Reviews(reviews, ratings)
