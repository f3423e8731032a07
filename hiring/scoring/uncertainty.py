"""How sure the gate is: the probability that an application passes, given how its interviewers disagree.

A bootstrap over interviewers (Efron & Tibshirani 1993, An Introduction to the Bootstrap, ch. 6 and 8):
the submitted scorecards are resampled with replacement, the item means and both fits are recomputed from
each resampled panel, and the same gate (gate.decide, the rule written once) is applied; P(pass) is the
share of the resampled panels it decides that pass (a panel that lost the only evidence on an item is left
out: it is missing evidence, not disagreement). The interviewers are resampled within each axis (those who rated
requirements, those who rated core values), as the bootstrap resamples each sample of a stratified design
separately (ch. 8): a resample never swaps the values interviewer for a second skills interviewer, and the
hiring manager, who rates both, is drawn on each axis on their own. That treats a person's two axes as
independent, which they need not be; the gate's thresholds and floors are per axis and per item, so it is the
disagreement within an axis that moves them.

When the distinct resamples are few (small panels, the usual case), every one of them is enumerated with its
multinomial probability and P(pass) is exact, as a fraction; otherwise B resamples are drawn with a fixed
seed, so that the page shows the same figure every time. Pure: plain values in, no Flask, no database.
"""
from __future__ import annotations

import itertools
import math
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hiring.scoring.fit import item_means, requirements_fit, values_fit
from hiring.scoring.gate import DEFAULT_FLOOR, GateInput, GateOutcome, decide

RESAMPLES = 2000
SEED = 20240517
# "Too close to call" strictly between these: outside them at least nine resampled panels in ten reach the
# same verdict, so one more interviewer is unlikely to turn it; inside them the verdict hangs on who happened
# to interview. Compared exactly (as fractions), so that 9 in 10 is clear, not close.
CLEAR_FAIL = Fraction(1, 10)
CLEAR_PASS = Fraction(9, 10)

# A rating as the scorecard holds it: ("r", requirement id) or ("v", core value id), and a score or None.
ItemKey = tuple[str, Hashable]


@dataclass(frozen=True)
class Card:
    """One submitted scorecard: its kind of interview and its ratings."""

    kind: str
    ratings: Sequence[tuple[ItemKey, int | None]]


@dataclass(frozen=True)
class Panel:
    """What the gate needs besides the scorecards: the job's items, thresholds and floor."""

    requirement_weights: Mapping[Hashable, int]
    must_haves: Mapping[Hashable, str]  # requirement id -> name
    values: Mapping[Hashable, str]  # core value id -> name (every value the gate counts)
    requirements_threshold: float
    values_threshold: float
    floor: float = DEFAULT_FLOOR


@dataclass(frozen=True)
class GateUncertainty:
    """P(pass) over the resampled panels the gate decides, and what it means: 'single', 'clear_pass',
    'clear_fail' or 'close'."""

    status: str
    p_pass: float | None
    interviewers: int
    exact: bool = False
    resamples: int = RESAMPLES  # B: drawn when there are more distinct resamples, else all enumerated
    alone: tuple[str, ...] = ()  # axes ("requirements", "values") with one interviewer: taken as given
    undecided: float = 0.0  # share of resamples left without evidence on an item, left out of P


def _axis(cards: Sequence[Card], prefix: str, panel: Panel) -> tuple:
    """One axis of a panel as the gate reads it: its fit and the mean of each item it judges by name (the
    must-haves, or every counted value), from the ratings of the cards on that axis."""
    means = item_means((key[1], score) for card in cards for key, score in card.ratings if key[0] == prefix)
    if prefix == "r":
        return (requirements_fit(means, panel.requirement_weights),
                {name: means.get(i) for i, name in panel.must_haves.items()})
    return values_fit(means, list(panel.values)), {name: means.get(i) for i, name in panel.values.items()}


def _decide(requirements: tuple, values: tuple, panel: Panel) -> GateOutcome:
    """The gate (gate.decide, the one rule) on the two axes."""
    return decide(GateInput(
        requirements=requirements[0], values=values[0],
        requirements_threshold=panel.requirements_threshold, values_threshold=panel.values_threshold,
        must_have_means=requirements[1], value_means=values[1], floor=panel.floor))


def gate_for(cards: Sequence[Card], panel: Panel) -> GateOutcome:
    """The gate for a panel of submitted scorecards, as score_application computes it (no vetoes, none pending)."""
    return _decide(_axis(cards, "r", panel), _axis(cards, "v", panel), panel)


def classify(p_pass: Fraction | float) -> str:
    """'clear_pass' at 0.9 or more, 'clear_fail' at 0.1 or less, 'close' strictly between."""
    if p_pass >= CLEAR_PASS:
        return "clear_pass"
    if p_pass <= CLEAR_FAIL:
        return "clear_fail"
    return "close"


def _multisets(n: int) -> list[tuple[tuple[int, ...], int]]:
    """Every resample of n things as (indices drawn, how many of the n**n ordered draws give it)."""
    out = []
    for drawn in itertools.combinations_with_replacement(range(n), n):
        ways = math.factorial(n)
        for _, group in itertools.groupby(drawn):
            ways //= math.factorial(len(list(group)))
        out.append((drawn, ways))
    return out


def pass_probability(cards: Sequence[Card], panel: Panel, resamples: int = RESAMPLES,
                     seed: int = SEED) -> GateUncertainty:
    """P(pass) by the stratified bootstrap over interviewers; exact when the distinct resamples are few."""
    strata: dict[str, list[Card]] = {}
    for card in cards:
        for axis, prefix in (("requirements", "r"), ("values", "v")):
            part = [(key, score) for key, score in card.ratings if key[0] == prefix]
            if part:
                strata.setdefault(axis, []).append(Card(card.kind, part))
    alone = tuple(sorted(kind for kind, group in strata.items() if len(group) == 1))
    if all(len(group) < 2 for group in strata.values()):
        # Each axis rests on one interviewer: each resample is the panel itself, P is 0 or 1 and says
        # nothing about disagreement.
        return GateUncertainty("single", None, len(cards), resamples=resamples, alone=alone)
    kinds = sorted(strata)
    groups = [strata[kind] for kind in kinds]
    prefixes = ["r" if kind == "requirements" else "v" for kind in kinds]
    cache: dict[tuple, str] = {}
    # An axis's means and fit depend on that axis's draw alone (the strata split every card by axis), so each
    # is computed once per distinct draw of its axis, and only the gate runs per combination: 35 + 35 means
    # for 1,225 panels of four and four interviewers, where computing all of them took 0.4 s a page.
    parts: list[dict[tuple[int, ...], tuple]] = [{} for _ in groups]
    empty = {prefix: _axis((), prefix, panel) for prefix in "rv"}

    def part(axis: int, drawn: tuple[int, ...]) -> tuple:
        if drawn not in parts[axis]:
            parts[axis][drawn] = _axis([groups[axis][i] for i in drawn], prefixes[axis], panel)
        return parts[axis][drawn]

    def verdict(draws: tuple[tuple[int, ...], ...]) -> str:
        # Resamples that differ only in order give the same means: decided once.
        if draws not in cache:
            axes = {prefixes[axis]: part(axis, drawn) for axis, drawn in enumerate(draws)}
            cache[draws] = _decide(axes.get("r", empty["r"]), axes.get("v", empty["v"]), panel).result
        return cache[draws]

    tally = {"passes": 0, "fails": 0, "incomplete": 0}
    sizes = [math.comb(2 * len(g) - 1, len(g)) for g in groups]
    exact = math.prod(sizes) <= resamples
    if exact:
        for combo in itertools.product(*(_multisets(len(g)) for g in groups)):
            tally[verdict(tuple(drawn for drawn, _ in combo))] += math.prod(ways for _, ways in combo)
    else:
        rng = random.Random(seed)
        for _ in range(resamples):
            tally[verdict(tuple(tuple(sorted(rng.randrange(len(g)) for _ in g)) for g in groups))] += 1
    # A resample that left out the only interviewer with evidence on an item is one the gate would not decide
    # either: it says nothing about disagreement, so P is taken over the resamples the gate decides. The whole
    # panel is one of them (it was decided), so there always are some when enumerating.
    decided = tally["passes"] + tally["fails"]
    if not decided:
        return GateUncertainty("single", None, len(cards), resamples=resamples, alone=alone)
    p = Fraction(tally["passes"], decided)
    return GateUncertainty(classify(p), float(p), len(cards), exact=exact, resamples=resamples, alone=alone,
                           undecided=float(Fraction(tally["incomplete"], sum(tally.values()))))
