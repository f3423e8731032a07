"""What a scorecard rates and what an interviewer typed, as plain data shared by the form and the service."""
from __future__ import annotations

from dataclasses import dataclass, field

from hiring.models import Recommendation


@dataclass(frozen=True)
class Item:
    """Something the scorecard rates: a requirement ('r') or a core value ('v')."""

    kind: str
    id: int
    obj: object

    @property
    def key(self) -> str:
        """The item's part of its field names, e.g. 'v12': kind and id, so a POST names what it rates."""
        return f"{self.kind}{self.id}"


@dataclass
class Answer:
    """One item as typed: a score 1-5, or no evidence, or nothing yet; and the evidence."""

    score: int | None = None
    no_evidence: bool = False
    evidence: str = ""

    @property
    def is_empty(self) -> bool:
        """Nothing typed: no rating row is kept for it."""
        return self.score is None and not self.no_evidence and not self.evidence.strip()


@dataclass
class ScorecardInput:
    """The whole scorecard as typed."""

    answers: dict[str, Answer] = field(default_factory=dict)
    key_takeaways: str = ""
    recommendation: Recommendation | None = None
    culture_veto: bool = False
    veto_reason: str = ""
