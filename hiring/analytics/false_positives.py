"""The values false-positive rate (pure): of the leavers whose departure review judged a core value, how often
the review found that the person did not show the value the interviews had passed them on.

Inputs are plain rows: the verdicts of submitted departure reviews, and the values ratings of the interviewers
who interviewed those hires (submitted scorecards only). Every rate is k of n with its Clopper-Pearson exact
interval (validity.exact_binomial), because these counts are small; n is always returned so that a page can
show it. 'unknown' verdicts count in neither k nor n.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hiring.analytics.rates import Proportion
from hiring.analytics.validity import exact_binomial

SHOWN, NOT_SHOWN = "shown", "not_shown"  # the verdicts that count; 'unknown' does not


@dataclass(frozen=True)
class JudgedValue:
    """A submitted review's verdict on one core value of one hire."""

    hire_id: int
    core_value_id: int
    verdict: str


@dataclass(frozen=True)
class ValueRating:
    """One interviewer's rating of one core value of one hire's application (None: no evidence)."""

    interviewer_id: int
    hire_id: int
    core_value_id: int
    score: int | None


def by_value(judged: Iterable[JudgedValue]) -> dict[int, Proportion]:
    """Per core value: k = reviews that say 'not shown', n = reviews that say 'shown' or 'not shown'.

    Every hire passed the values gate, whose floor every core value's mean had to reach, so each judged value
    is one the interviews passed; a value the review could not judge ('unknown') is left out."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in judged:
        if row.verdict not in (SHOWN, NOT_SHOWN):
            continue
        count = counts[row.core_value_id]
        count[0] += row.verdict == NOT_SHOWN
        count[1] += 1
    return {value_id: exact_binomial(k, n) for value_id, (k, n) in counts.items()}


def by_interviewer(judged: Iterable[JudgedValue], ratings: Iterable[ValueRating],
                   floor: float) -> dict[int, Proportion]:
    """Per interviewer, counted per (interviewer, hire): n = the reviewed hires this interviewer passed on at
    least one core value (a rating at or above the gate's floor) that the review judged shown or not shown;
    k = those of them where the review found at least one of those values not shown.

    Why per hire and not per (hire, value): the exact interval assumes independent trials, and one person's
    verdicts on several values are not independent (a hire who left unhappy tends to be judged on all of them
    at once). Counting each value would multiply n by the number of values without adding that much evidence,
    and make the intervals falsely narrow for exactly the small counts they are meant to be honest about. The
    by-value figures say which values; this says whose passes the reviews most often contradicted."""
    verdicts = {(row.hire_id, row.core_value_id): row.verdict for row in judged
                if row.verdict in (SHOWN, NOT_SHOWN)}
    outcome: dict[tuple[int, int], bool] = {}  # (interviewer, hire) -> any passed value not shown
    for rating in ratings:
        if rating.score is None or rating.score < floor:
            continue
        verdict = verdicts.get((rating.hire_id, rating.core_value_id))
        if verdict is None:
            continue
        key = (rating.interviewer_id, rating.hire_id)
        outcome[key] = outcome.get(key, False) or verdict == NOT_SHOWN
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (interviewer_id, _hire), missed in outcome.items():
        counts[interviewer_id][0] += missed
        counts[interviewer_id][1] += 1
    return {interviewer_id: exact_binomial(k, n) for interviewer_id, (k, n) in counts.items()}


def overall(judged: Iterable[JudgedValue]) -> Proportion:
    """Per reviewed hire: k = hires with at least one value judged not shown, n = hires with at least one
    value judged shown or not shown."""
    missed: dict[int, bool] = {}
    for row in judged:
        if row.verdict in (SHOWN, NOT_SHOWN):
            missed[row.hire_id] = missed.get(row.hire_id, False) or row.verdict == NOT_SHOWN
    return exact_binomial(sum(missed.values()), len(missed))
