"""The calibration page's two tables, summarised, ordered and paged: pure functions on the snapshot's lists.

At 100,000 candidates the snapshot holds some 300 interviewers and 250 items, and the page once showed all of
them (135 KB of HTML). Now it leads with the counts that matter, puts first what needs a conversation (flagged
interviewers, then the largest offsets; the least reliable items) and shows one page of each table at a time.
The lists are sorted into new lists, never in place: the same snapshot value feeds the fairness PDF, which shows
them complete and in its own order. Nothing here knows Flask, so it is tested without a request.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from hiring.analytics.rates import Proportion
from hiring.scoring.calibration import InterviewerCalibration, ItemReliability

PER_PAGE = 50
# Krippendorff (Content Analysis, 2004, ch. 11): below .667 an alpha supports no conclusions, even tentative
# ones. The item table marks such items "low" and the summary counts them: one number, so the two agree.
LOW_ALPHA = 0.67

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an in-memory list, with what a pager needs (the names of Flask-SQLAlchemy's Pagination)."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def past_end(self) -> bool:
        """A page number beyond the last page of a list that is not empty (a stale link after the list shrank)."""
        return self.total > 0 and self.page > self.pages


def page_of(rows: Sequence[T], page: int, per_page: int = PER_PAGE) -> Page[T]:
    """Page `page` (from 1) of `rows`; past the end, no rows and the true total, as the database lists do."""
    page = max(page, 1)
    start = (page - 1) * per_page
    return Page(list(rows[start:start + per_page]), page, per_page, len(rows))


def _name(names: Mapping, key) -> str:
    return str(names.get(key) or key).casefold()


def interviewers_in_order(people: Sequence[InterviewerCalibration],
                          names: Mapping[int, str]) -> list[InterviewerCalibration]:
    """Flagged first, then by the size of the offset after shrinkage, largest first (no offset last), then by
    name: the order in which they merit a conversation."""
    return sorted(people, key=lambda p: (not p.flagged, p.offset is None, -abs(p.offset or 0.0),
                                         _name(names, p.interviewer_id), p.interviewer_id))


def items_in_order(items: Sequence[ItemReliability], item_names: Mapping[str, str]) -> list[ItemReliability]:
    """Least reliable first (alpha ascending), items without an alpha last, then by name."""
    return sorted(items, key=lambda i: (i.alpha is None, i.alpha or 0.0, _name(item_names, i.item), str(i.item)))


def is_low(item: ItemReliability) -> bool:
    """An item whose alpha is below LOW_ALPHA; one without an alpha is not judged."""
    return item.alpha is not None and item.alpha < LOW_ALPHA


@dataclass(frozen=True)
class Summary:
    """The counts at the top of the page."""

    interviewers: int
    lenient: int      # flagged with a positive offset
    severe: int       # flagged with a negative offset
    items: int
    low: int          # items with an alpha below LOW_ALPHA
    without_alpha: int  # items too sparsely or too uniformly rated for an alpha

    @property
    def flagged(self) -> int:
        return self.lenient + self.severe


def summary(people: Sequence[InterviewerCalibration], items: Sequence[ItemReliability]) -> Summary:
    """How many interviewers and how many of them flagged (lenient, severe); how many items, how many of them
    low and how many without an alpha."""
    flagged = [p for p in people if p.flagged]
    lenient = sum(1 for p in flagged if p.offset > 0)
    return Summary(interviewers=len(people), lenient=lenient, severe=len(flagged) - lenient, items=len(items),
                   low=sum(1 for i in items if is_low(i)), without_alpha=sum(1 for i in items if i.alpha is None))


@dataclass(frozen=True)
class SimilarityRate:
    """An interviewer's submitted scorecards on core values (`share.n`), how many use similarity language
    (`share.k`), and the share with its exact (Clopper-Pearson) interval."""

    interviewer_id: int
    share: Proportion


def similarity_in_order(people: Sequence[SimilarityRate], names: Mapping[int, str]) -> list[SimilarityRate]:
    """Most scorecards with similarity language first, then the highest share, then by name."""
    return sorted(people, key=lambda p: (-p.share.k, -(p.share.rate or 0.0), _name(names, p.interviewer_id),
                                         p.interviewer_id))


def tables(value: Mapping, *, people_page: int, items_page: int, flagged_only: bool = False,
           similarity: Mapping | None = None, similarity_page: int = 1) -> dict:
    """What the page shows of a calibration snapshot's value: the summary (of everyone, whatever the filter),
    the page of interviewers (the flagged only, on request), the page of items, and its links' arguments;
    with a similarity snapshot's value, the page of its interviewers too."""
    people = interviewers_in_order(value["people"], value["names"])
    if flagged_only:
        people = [p for p in people if p.flagged]
    # The query arguments the page's links carry (a page of one table keeps the other's and the filter), as
    # read: a junk page number is not passed on, and no other argument reaches url_for (`_external` would).
    args = {"people_page": people_page, "items_page": items_page, "flagged": "1" if flagged_only else None,
            "similarity_page": similarity_page}
    similar = similarity_in_order(similarity["people"], similarity["names"]) if similarity else []
    return {"summary": summary(value["people"], value["items"]),
            "similarity_page": page_of(similar, similarity_page),
            "people_page": page_of(people, people_page),
            "items_page": page_of(items_in_order(value["items"], value["item_names"]), items_page),
            "flagged_only": flagged_only, "args": {k: v for k, v in args.items() if v not in (None, 1)}}

