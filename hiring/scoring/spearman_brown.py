"""How many raters an item needs: the Spearman-Brown prophecy formula (Spearman 1910; Brown 1910).

The reliability of the mean of k raters, each with reliability r, is k*r / (1 + (k-1)*r). Solved for the k
that reaches a target reliability T: k = T*(1-r) / (r*(1-T)). Here r is an item's Krippendorff's alpha,
which measures the agreement of single raters, and T = .70. Pure; exact arithmetic so that an item at exactly
the target needs one rater, not two.
"""
from __future__ import annotations

import math
from fractions import Fraction

TARGET = 0.70


def raters_needed(alpha: float | None, target: float = TARGET) -> int | None:
    """Raters whose mean reaches `target` (Spearman-Brown), rounded up; None when no number of raters can."""
    if alpha is None or alpha <= 0:
        return None
    if alpha >= target:
        return 1
    # Fractions of the decimal strings: 0.7*0.3/(0.7*0.3) in floats is not always exactly 1.
    r, t = Fraction(str(alpha)), Fraction(str(target))
    return math.ceil(t * (1 - r) / (r * (1 - t)))
