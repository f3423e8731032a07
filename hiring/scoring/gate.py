"""The gate: "and", never "or". Both axes, every floor and no veto, or the application does not pass.

Reasons are plain dicts (a code and its numbers) so that they can be stored as JSON and put into words,
in the reader's language, when shown.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hiring.scoring.fit import AxisFit

DEFAULT_FLOOR = 3


@dataclass(frozen=True)
class GateInput:
    """Everything the gate looks at for one application."""

    requirements: AxisFit
    values: AxisFit
    requirements_threshold: int
    values_threshold: int
    # Mean rating (1-5) of each must-have requirement and each core value, by name; absent = no evidence.
    must_have_means: Mapping[str, float | None]
    value_means: Mapping[str, float | None]
    vetoes: Sequence[str] = ()
    scorecards_pending: int = 0
    floor: float = DEFAULT_FLOOR


@dataclass(frozen=True)
class GateOutcome:
    """passes, fails (with every reason) or incomplete (with what is missing)."""

    result: str
    reasons: list[dict] = field(default_factory=list)


def decide(g: GateInput) -> GateOutcome:
    """Apply the gate. Missing evidence makes it incomplete; otherwise every failed rule is a reason."""
    missing: list[dict] = []
    if g.scorecards_pending:
        missing.append({"code": "scorecards_pending", "count": g.scorecards_pending})
    for name, mean in {**g.must_have_means, **g.value_means}.items():
        if mean is None:
            missing.append({"code": "no_evidence", "item": name})
    if g.requirements.score is None and not any(m["code"] == "no_evidence" for m in missing):
        missing.append({"code": "no_requirement_ratings"})
    if g.values.score is None and not g.value_means:
        missing.append({"code": "no_value_ratings"})

    reasons: list[dict] = []
    # A veto is decisive even when other evidence is still missing.
    for reason in g.vetoes:
        reasons.append({"code": "culture_veto", "reason": reason})
    if missing:
        return GateOutcome("fails" if reasons else "incomplete", reasons or missing)

    if g.requirements.score < g.requirements_threshold:
        reasons.append({"code": "requirements_below_threshold", "score": g.requirements.score,
                        "threshold": g.requirements_threshold})
    if g.values.score < g.values_threshold:
        reasons.append({"code": "values_below_threshold", "score": g.values.score,
                        "threshold": g.values_threshold})
    for name, mean in g.must_have_means.items():
        if mean < g.floor:
            reasons.append({"code": "must_have_below_floor", "item": name, "mean": round(mean, 2),
                            "floor": g.floor})
    for name, mean in g.value_means.items():
        if mean < g.floor:
            reasons.append({"code": "value_below_floor", "item": name, "mean": round(mean, 2),
                            "floor": g.floor})
    return GateOutcome("fails" if reasons else "passes", reasons)
