"""Fit scores: per-item means across interviewers, and the two axes on a 0-100 scale.

Pure functions on plain values: no Flask, no database, so that they are tested and benchmarked alone.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field


def to_scale(mean: float) -> float:
    """Map a mean rating on 1-5 to 0-100 (1 -> 0, 5 -> 100)."""
    return (mean - 1.0) * 25.0


def item_means(ratings: Iterable[tuple[Hashable, int | None]]) -> dict[Hashable, float]:
    """The mean rating of each item, leaving out "no evidence" (a score of None)."""
    totals: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    for item, score in ratings:
        if score is None:
            continue
        acc = totals[item]
        acc[0] += score
        acc[1] += 1
    return {item: total / n for item, (total, n) in totals.items()}


@dataclass(frozen=True)
class AxisFit:
    """One axis's fit: its score on 0-100 (None with no evidence at all) and the items still unrated."""

    score: float | None
    missing: tuple[Hashable, ...] = field(default_factory=tuple)


def weighted_fit(means: Mapping[Hashable, float], weights: Mapping[Hashable, int]) -> AxisFit:
    """Weighted mean of the item means over the items in `weights`, on 0-100, with the unrated items.

    Unrated items are left out of the mean rather than counted as zero: the coverage says what is missing,
    and the gate refuses to decide while something is.
    """
    missing = tuple(item for item in weights if item not in means)
    rated = [(means[item], w) for item, w in weights.items() if item in means]
    total_weight = sum(w for _, w in rated)
    if not rated or total_weight <= 0:
        return AxisFit(None, missing)
    mean = sum(m * w for m, w in rated) / total_weight
    return AxisFit(round(to_scale(mean), 2), missing)


def requirements_fit(means: Mapping[Hashable, float], weights: Mapping[Hashable, int]) -> AxisFit:
    """The job's requirements fit: the weighted mean of the requirement means."""
    return weighted_fit(means, weights)


def counted_values(values: Iterable[tuple[Hashable, bool]], rated: Iterable[Hashable]) -> list[Hashable]:
    """The core values an application's values fit counts, from (value, retired) pairs and the values that were
    given a score for it: active values always; a value retired since only where it was scored, so that
    retiring a value neither drops evidence already given nor fails everyone not rated on it. The one rule
    (bulk.fits applies it to arrays; a test holds the two together)."""
    rated = set(rated)
    return [value for value, retired in values if not retired or value in rated]


def values_fit(means: Mapping[Hashable, float], values: Iterable[Hashable]) -> AxisFit:
    """Values fit: the plain mean of the value means; every core value counts the same."""
    return weighted_fit(means, {v: 1 for v in values})
