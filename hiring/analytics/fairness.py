"""Adverse impact: selection rates by group, the four-fifths rule (29 CFR 1607.4(D)) and Fisher's exact test.

Pure: counts in, rows out. Groups smaller than MIN_GROUP are never shown on their own, so that no person can be
picked out; they are pooled, and the pool is shown only when it is large enough itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import fisher_exact

FOUR_FIFTHS = 0.8
MIN_GROUP = 5
POOLED = "smaller groups, pooled"


@dataclass(frozen=True)
class GroupRate:
    """One group's selection at one step."""

    group: str
    considered: int
    selected: int
    rate: float
    impact_ratio: float | None   # this group's rate over the highest group's rate
    flagged: bool                # impact ratio below four-fifths
    p_value: float | None        # Fisher's exact test against the highest-rate group


def adverse_impact(counts: dict[str, tuple[int, int]], min_group: int = MIN_GROUP) -> list[GroupRate]:
    """Rows for the groups, from {group: (selected, considered)}; highest rate first."""
    shown: dict[str, tuple[int, int]] = {}
    pooled = [0, 0]
    for group, (selected, considered) in counts.items():
        if considered >= min_group:
            shown[group] = (selected, considered)
        else:
            pooled[0] += selected
            pooled[1] += considered
    if pooled[1] >= min_group:
        shown[POOLED] = (pooled[0], pooled[1])
    if not shown:
        return []
    rates = {g: s / n for g, (s, n) in shown.items()}
    # The reference group: highest rate, then the largest, then by name, so that ties never depend on the
    # order the database returned the groups in.
    best = min(rates, key=lambda g: (-rates[g], -shown[g][1], g))
    top_rate = rates[best]
    best_selected, best_n = shown[best]
    rows = []
    for group, (selected, considered) in sorted(shown.items(), key=lambda kv: (-rates[kv[0]], -kv[1][1], kv[0])):
        ratio = rates[group] / top_rate if top_rate > 0 else None
        p = None
        if group != best:
            p = float(fisher_exact([[selected, considered - selected],
                                    [best_selected, best_n - best_selected]])[1])
        rows.append(GroupRate(group, considered, selected, rates[group], ratio,
                              ratio is not None and ratio < FOUR_FIFTHS, p))
    return rows
