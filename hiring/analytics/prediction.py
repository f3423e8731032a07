"""Does our interview predict? The table behind the predictive-validity page (issue 23, item 2), built from
plain arrays: for each item of the interview (a core value, a requirement, or one of the two axes) and each
outcome (the mentor's week-5 values review; staying one year; staying one year, The Offer's takers left out),
the correlation over the hires who have both, its interval, the same corrected for range restriction with the
interviewed applicants' spread, and a verdict (hiring/analytics/validity.py holds the statistics).

Pure: the service (prediction_service.py) loads the rows; nothing here knows Flask or the database.

What the figures can show, and what they cannot, is said on the page; the choices made here:
- The predictor of a hire is the mean of their interviewers' submitted ratings of the item (no evidence left
  out); the axes are the application's stored values fit and requirements fit.
- The week-5 criterion of a core value is the mentor's rating of that value; of the values-fit axis, the mean of
  the mentor's ratings of all values. Requirements and the requirements-fit axis are not compared with it: the
  review rates the values only, and a requirement that does not go with them says nothing about the requirement.
- Staying one year: still employed 365 days after the start (as the retention model counts it,
  scoring/retention_service.py), known only for hires who started at least a year ago. "Without The Offer"
  leaves out those who left within the year by taking The Offer: they were paid to go, which is a different
  thing from leaving.
- Range restriction: only hires have outcomes, and they were chosen on these very ratings, so the hires' ratings
  spread less than the applicants' and r shrinks. Thorndike's Case II with u = the interviewed applicants' SD of
  the predictor over the analysed hires' SD. It corrects the scale only: it never turns a verdict.
- Clustering the correction does not mend: hires share mentors and interviewers (a lenient mentor rates all
  mentees high), and jobs differ. The page says so; it is why a verdict asks for the whole interval above zero
  and at least MIN_N hires, and why an item is listed for rewording only when no outcome shows it predicting.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from hiring.analytics.validity import (
    MIN_N,
    Correlation,
    RangeCorrected,
    correct_result,
    correlation,
    point_biserial,
    predicts,
)

WEEK5 = "week5"
STAYED = "stayed"
STAYED_NO_OFFER = "stayed_no_offer"
OUTCOMES = (WEEK5, STAYED, STAYED_NO_OFFER)
BINARY = {WEEK5: False, STAYED: True, STAYED_NO_OFFER: True}

AXIS_VALUES = "axis:values"
AXIS_REQUIREMENTS = "axis:requirements"


@dataclass(frozen=True)
class Item:
    """One thing the interview rates: key "value:<id>", "requirement:<id>" or one of the axes."""

    key: str
    kind: str              # "axis", "value" or "requirement"
    name: str
    job: str | None = None  # a requirement's job opening


@dataclass(frozen=True)
class Finding:
    """One item against one outcome: the observed r, the corrected r (None when no spread is known), the
    verdict (True predicts, False does not, None too few)."""

    observed: Correlation
    corrected: RangeCorrected | None
    verdict: bool | None

    @property
    def n(self) -> int:
        return self.observed.n

    @property
    def shown(self) -> bool:
        """Figures are shown from MIN_N pairs on; below, only n and "too few"."""
        return self.n >= MIN_N and self.observed.computable


@dataclass(frozen=True)
class Row:
    item: Item
    findings: Mapping[str, Finding]  # the outcomes the item is compared with (see `compared_with`)

    @property
    def weak(self) -> bool:
        """A candidate for rewording or retiring: some outcome has a verdict, and none says it predicts."""
        verdicts = [f.verdict for f in self.findings.values() if f.verdict is not None]
        return bool(verdicts) and not any(verdicts)

    @property
    def most_n(self) -> int:
        """The largest n of its outcomes: how much data stands behind "no evidence"."""
        return max((f.n for f in self.findings.values()), default=0)


@dataclass(frozen=True)
class Hires:
    """The hires as columns, one position per hire (the same order in every array)."""

    predictors: Mapping[str, np.ndarray]  # item key -> the hire's interview mean (NaN: not rated)
    week5: Mapping[str, np.ndarray]       # "value:<id>" -> the mentor's week-5 rating (NaN: none)
    stayed: np.ndarray                    # 1 stayed a year, 0 left within it, NaN not a year yet
    took_offer: np.ndarray                # bool: left within the first year by taking The Offer


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    hires: int
    reviewed: int          # hires with a submitted week-5 review holding at least one rating
    year_known: int        # hires whose first year is over
    offer_takers: int      # of those, left within it by taking The Offer
    min_n: int = MIN_N
    outcomes: tuple[str, ...] = field(default=OUTCOMES)

    @property
    def weak(self) -> list[Row]:
        """The candidates for rewording or retiring, those with the most data behind them first."""
        return sorted((row for row in self.rows if row.weak), key=lambda row: -row.most_n)

    def any_shown(self, outcome: str) -> bool:
        """Whether any item has figures for the outcome (a chart worth drawing)."""
        return any(outcome in row.findings and row.findings[outcome].shown for row in self.rows)


def _spread(values: np.ndarray) -> float | None:
    """The sample standard deviation (n - 1) of the values present, or None when it is not positive."""
    present = values[~np.isnan(values)]
    if present.size < 2:
        return None
    sd = float(np.std(present, ddof=1))
    return sd if sd > 0 else None


def assess(predictor: np.ndarray, criterion: np.ndarray, pool_sd: float | None, *, binary: bool) -> Finding:
    """One item against one outcome. The hires' spread is taken over the pairs analysed (the hires who have
    the outcome), which is the restricted group the correlation was computed in."""
    observed = (point_biserial if binary else correlation)(predictor, criterion)
    corrected = None
    if observed.computable and pool_sd:
        both = ~(np.isnan(predictor) | np.isnan(criterion))
        hire_sd = _spread(predictor[both])
        if hire_sd:
            corrected = correct_result(observed, hire_sd, pool_sd)
    verdict = predicts(corrected or observed)
    return Finding(observed, corrected, verdict)


def week5_mean(week5: Mapping[str, np.ndarray], size: int) -> np.ndarray:
    """Each hire's mean week-5 rating over the values rated (NaN for a hire without any)."""
    if not week5:
        return np.full(size, np.nan)
    stacked = np.vstack(list(week5.values()))
    counts = (~np.isnan(stacked)).sum(axis=0)
    sums = np.nansum(stacked, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def compared_with(item: Item) -> tuple[str, ...]:
    """The outcomes an item is compared with: the week-5 review rates values, so only values and the values axis."""
    if item.kind == "requirement" or item.key == AXIS_REQUIREMENTS:
        return (STAYED, STAYED_NO_OFFER)
    return OUTCOMES


def table(items: Sequence[Item], hires: Hires, pool_sd: Mapping[str, float | None]) -> Table:
    """Every item against every outcome, in the order of `items`."""
    size = hires.stayed.size
    overall = week5_mean(hires.week5, size)
    without_offer = np.where(hires.took_offer, np.nan, hires.stayed)
    rows = []
    for item in items:
        predictor = hires.predictors.get(item.key, np.full(size, np.nan))
        criterion = {WEEK5: hires.week5.get(item.key, np.full(size, np.nan)) if item.kind == "value" else overall,
                     STAYED: hires.stayed, STAYED_NO_OFFER: without_offer}
        rows.append(Row(item, {outcome: assess(predictor, criterion[outcome], pool_sd.get(item.key),
                                               binary=BINARY[outcome]) for outcome in compared_with(item)}))
    known = ~np.isnan(hires.stayed)
    return Table(rows, hires=int(size), reviewed=int((~np.isnan(overall)).sum()), year_known=int(known.sum()),
                 offer_takers=int((hires.took_offer & known).sum()))


def pool_spread(count: int, mean: float | None, mean_of_squares: float | None) -> float | None:
    """The sample SD of a predictor among the interviewed applicants, from the count, mean and mean of squares
    the database sums in one pass: var = n / (n - 1) (E[x^2] - E[x]^2), clipped at 0 against rounding."""
    if count < 2 or mean is None or mean_of_squares is None:
        return None
    variance = max(0.0, float(mean_of_squares) - float(mean) ** 2) * count / (count - 1)
    sd = variance ** 0.5
    return sd if sd > 1e-12 else None
