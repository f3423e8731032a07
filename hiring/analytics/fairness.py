"""Adverse impact: selection rates by group, the four-fifths rule (29 CFR 1607.4(D)) applied exactly, Fisher's
exact test, and Holm's adjustment of its p-values for the many comparisons one report makes.

Pure: counts in, rows out. Groups smaller than MIN_GROUP are never shown on their own, so that no person can be
picked out; they are pooled, and the pool is shown only when it is large enough itself.

The impact ratio is kept as an exact fraction of the four counts and compared with 4/5 here, once: in floating
point 12/20 over 15/20 is 0.7999999999999999 and a group exactly at four-fifths was flagged. Every page, CSV,
PDF, alert and snapshot reads `GroupRate.flagged`; what they show is rounded down (`floor_decimal`), so that a
shown 0.80 is never beside a flag and a flagged ratio never shows as 0.80.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from scipy.stats import fisher_exact

FOUR_FIFTHS = Fraction(4, 5)
MIN_GROUP = 5
POOLED = "smaller groups, pooled"


def impact_ratio(selected: int, considered: int, ref_selected: int, ref_considered: int) -> Fraction | None:
    """A group's selection rate over the reference group's, exactly (29 CFR 1607.4(D)); None when the
    reference group selected nobody (no ratio to speak of) or a group is empty."""
    if considered <= 0 or ref_considered <= 0 or ref_selected <= 0:
        return None
    return Fraction(selected * ref_considered, considered * ref_selected)


def below_four_fifths(ratio: Fraction | None) -> bool:
    """The four-fifths rule, the one comparison every consumer uses: a ratio strictly below 4/5 is adverse
    impact; exactly 4/5 is not (29 CFR 1607.4(D): "less than four-fifths")."""
    return ratio is not None and Fraction(ratio) < FOUR_FIFTHS


def floor_decimal(ratio: Fraction, digits: int) -> Decimal:
    """The ratio rounded down to `digits` decimals, for display: never rounds a ratio below 4/5 up to 0.80."""
    step = Decimal(1).scaleb(-digits)
    return (Decimal(math.floor(Fraction(ratio) * 10 ** digits)) * step).quantize(step)  # 0 as 0.0000, not 0E-4


@dataclass(frozen=True)
class GroupRate:
    """One group's selection at one step."""

    group: str
    considered: int
    selected: int
    rate: float                     # for display; the rule uses the exact impact ratio
    impact_ratio: Fraction | None   # this group's rate over the highest group's rate, exact
    p_value: float | None           # Fisher's exact test against the highest-rate group, two-sided
    p_holm: float | None = None     # p_value adjusted by Holm's method over the report's whole family

    @property
    def flagged(self) -> bool:
        """Below four-fifths: derived from the exact ratio, so that it cannot disagree with it."""
        return below_four_fifths(self.impact_ratio)


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
    rates = {g: Fraction(s, n) for g, (s, n) in shown.items()}  # exact, so that equal rates tie exactly
    # The reference group: highest rate, then the largest, then by name, so that ties never depend on the
    # order the database returned the groups in.
    order = sorted(shown, key=lambda g: (-rates[g], -shown[g][1], g))
    best = order[0]
    best_selected, best_n = shown[best]
    rows = []
    for group in order:
        selected, considered = shown[group]
        p = None
        if group != best:
            p = float(fisher_exact([[selected, considered - selected],
                                    [best_selected, best_n - best_selected]])[1])
        rows.append(GroupRate(group, considered, selected, selected / considered,
                              impact_ratio(selected, considered, best_selected, best_n), p))
    return rows


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979, "A simple sequentially rejective multiple test
    procedure"), in the order given: the i-th smallest of m (from 0) times m - i, never below the one before,
    capped at 1. The arithmetic of statsmodels' `multipletests(method="holm")`, the reference in
    tests/test_fairness.py, which also runs a full garbage collection on every call (a quarter of a second in
    a web worker holding many objects)."""
    if not p_values:
        return []
    import numpy as np

    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)  # ties get the same adjusted value whatever their order
    adjusted = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    adjusted[adjusted > 1] = 1
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return [float(x) for x in result]


def with_holm(tables: Sequence[Sequence[GroupRate]]) -> list[list[GroupRate]]:
    """The tables with every row's p-value adjusted by Holm's method over all of them as one family."""
    adjusted = iter(holm([r.p_value for table in tables for r in table if r.p_value is not None]))
    return [[r if r.p_value is None else replace(r, p_holm=next(adjusted)) for r in table] for table in tables]
