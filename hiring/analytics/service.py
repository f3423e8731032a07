"""Loads hires, their offers and their values fit at hiring, and builds the offer and retention statistics.

The only module of analytics/ besides views.py that touches the database; the maths is in rates.py,
retention.py and fairness.py.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.analytics.rates import Proportion, wilson
from hiring.analytics.retention import Curve, durations, kaplan_meier
from hiring.models import Application, EndReason, Hire, OfferDecision, QuitOffer

# Values fit at hiring, on 0-100, in bands wide enough to hold people.
BANDS = ((None, 60.0, "under 60"), (60.0, 75.0, "60 to 75"), (75.0, 90.0, "75 to 90"), (90.0, None, "90 and over"))
NOT_SCORED = "not scored"


@dataclass(frozen=True)
class HireRow:
    """One hire, as the statistics need it."""

    start: date
    end: date | None
    end_reason: EndReason | None
    values_fit: float | None
    offered: bool
    decision: OfferDecision | None
    paid_minor: int | None
    currency: str | None

    @property
    def band(self) -> str:
        return band_of(self.values_fit)


def band_of(values_fit: float | None) -> str:
    """The values-fit band a score falls in."""
    if values_fit is None:
        return NOT_SCORED
    for low, high, label in BANDS:
        if (low is None or values_fit >= low) and (high is None or values_fit < high):
            return label
    return NOT_SCORED


def quarter(day: date) -> str:
    """A cohort by quarter of start: 2026-Q3."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def load_hires(session: Session, now: datetime) -> list[HireRow]:
    """Every hire with their values fit at hiring and their offer; one query."""
    rows = session.execute(
        sa.select(Hire.start_date, Hire.end_date, Hire.end_reason, Application.values_fit, QuitOffer.id,
                  QuitOffer.decision, QuitOffer.deadline, QuitOffer.paid_minor, QuitOffer.currency)
        .join(Application, Hire.application_id == Application.id)
        .outerjoin(QuitOffer, QuitOffer.hire_id == Hire.id)
    )
    hires = []
    for start, end, reason, fit, offer_id, decision, deadline, paid, currency in rows:
        if offer_id is not None and decision is None and deadline < now:
            decision = OfferDecision.EXPIRED  # a deadline passed without a decision counts as staying
        hires.append(HireRow(start, end, reason, fit, offer_id is not None, decision, paid, currency))
    return hires


@dataclass
class OfferRow:
    """Offers made, taken and paid in one group."""

    label: str
    made: int
    taken: Proportion
    paid: dict[str, int]


def _offer_rows(hires: list[HireRow], key) -> list[OfferRow]:
    groups: dict[str, list[HireRow]] = defaultdict(list)
    for h in hires:
        if h.offered and h.decision is not None:
            groups[key(h)].append(h)
    return [_offer_row(label, members) for label, members in sorted(groups.items())]


def _offer_row(label: str, members: list[HireRow]) -> OfferRow:
    taken = sum(h.decision is OfferDecision.TAKEN for h in members)
    paid: Counter = Counter()
    for h in members:
        if h.paid_minor:
            paid[h.currency] += h.paid_minor
    return OfferRow(label, len(members), wilson(taken, len(members)), dict(paid))


def _curve(members: list[HireRow], today: date, label: str) -> Curve | None:
    days, observed = durations([h.start for h in members], [h.end for h in members], today)
    return kaplan_meier(days, observed, label)


def offer_statistics(session: Session, today: date, now: datetime) -> dict:
    """Everything the offer and retention page shows."""
    hires = load_hires(session, now)
    decided = [h for h in hires if h.offered and h.decision is not None]
    stayers = [h for h in decided if h.decision is not OfferDecision.TAKEN]
    by_band: dict[str, list[HireRow]] = defaultdict(list)
    for h in stayers:
        by_band[h.band].append(h)
    by_year: dict[str, list[HireRow]] = defaultdict(list)
    for h in stayers:
        by_year[str(h.start.year)].append(h)
    band_order = [label for _l, _h, label in BANDS] + [NOT_SCORED]
    leavers = Counter(h.end_reason for h in hires if h.end is not None and h.end <= today)
    first_year = Counter(h.end_reason for h in hires if h.end is not None and h.end <= today
                         and (h.end - h.start).days < 365)
    return {
        "hires": len(hires),
        "overall": _offer_row("all", decided),
        "waiting": sum(h.offered and h.decision is None for h in hires),
        "expired": sum(h.decision is OfferDecision.EXPIRED for h in hires),
        "by_cohort": _offer_rows(hires, lambda h: quarter(h.start)),
        "by_band": sorted(_offer_rows(hires, lambda h: h.band), key=lambda r: band_order.index(r.label)),
        "all_curve": _curve(hires, today, "all hires"),
        "band_curves": [c for b in band_order if (c := _curve(by_band.get(b, []), today, b)) is not None],
        "year_curves": [c for y in sorted(by_year) if (c := _curve(by_year[y], today, y)) is not None],
        "leavers": {reason: leavers.get(reason, 0) for reason in EndReason},
        "first_year_leavers": {reason: first_year.get(reason, 0) for reason in EndReason},
    }


def curves_for_chart(session: Session, today: date, now: datetime, which: str) -> list[Curve]:
    """The curves of one chart: 'all', 'band' or 'cohort'."""
    stats = offer_statistics(session, today, now)
    if which == "all":
        return [stats["all_curve"]] if stats["all_curve"] else []
    return stats["band_curves"] if which == "band" else stats["year_curves"]



FUNNEL = ("applied", "screening", "interviewing", "decision", "hired")
DIMENSIONS = ("gender", "age_band")


def funnel_and_fairness(session: Session, job_id: int | None = None) -> dict:
    """Applications reaching each stage, pass-through rates, median days in each stage, and adverse impact
    per step and at the values gate, by voluntarily self-identified group (aggregates only); 2 queries."""
    from statistics import median

    from hiring.analytics.fairness import adverse_impact
    from hiring.models import GateResult, SelfIdentification, StageChange

    apps_stmt = (sa.select(Application.id, Application.stage, Application.gate_result, SelfIdentification.gender,
                           SelfIdentification.age_band, SelfIdentification.declined)
                 .outerjoin(SelfIdentification, SelfIdentification.candidate_id == Application.candidate_id))
    changes_stmt = sa.select(StageChange.application_id, StageChange.to_stage, StageChange.changed_at)
    if job_id is not None:
        apps_stmt = apps_stmt.where(Application.job_id == job_id)
        changes_stmt = changes_stmt.join(Application, StageChange.application_id == Application.id).where(
            Application.job_id == job_id)
    apps = {row.id: row for row in session.execute(apps_stmt)}
    entered: dict[int, dict[str, datetime]] = defaultdict(dict)
    for application_id, to_stage, at in session.execute(changes_stmt.order_by(StageChange.changed_at)):
        if application_id in apps:
            entered[application_id].setdefault(to_stage.value, at)
    reached = {stage: {a for a in apps if stage in entered[a]} for stage in FUNNEL}
    closed = {a for a, row in apps.items() if row.stage.value in ("rejected", "withdrawn")}
    steps = []
    for stage, following in zip(FUNNEL, FUNNEL[1:]):
        days = [(entered[a][following] - entered[a][stage]).days for a in reached[following] if stage in entered[a]]
        decided = {a for a in reached[stage] if a in reached[following] or a in closed}
        groups = {}
        for dimension in DIMENSIONS:
            counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for a in decided:
                label = getattr(apps[a], dimension)
                if label:
                    counts[label][1] += 1
                    counts[label][0] += a in reached[following]
            groups[dimension] = adverse_impact({g: (s, n) for g, (s, n) in counts.items()})
        steps.append({"stage": stage, "next": following, "reached": len(reached[stage]),
                      "moved_on": len(reached[following]), "decided": len(decided),
                      "pass_through": wilson(len(reached[following] & decided), len(decided)),
                      "median_days": median(days) if days else None, "groups": groups})
    gate = {}
    scored = [row for row in apps.values() if row.gate_result in (GateResult.PASSES, GateResult.FAILS)]
    for dimension in DIMENSIONS:
        counts = defaultdict(lambda: [0, 0])
        for row in scored:
            label = getattr(row, dimension)
            if label:
                counts[label][1] += 1
                counts[label][0] += row.gate_result is GateResult.PASSES
        gate[dimension] = adverse_impact({g: (s, n) for g, (s, n) in counts.items()})
    return {"applications": len(apps), "steps": steps, "gate": gate, "scored": len(scored),
            "self_identified": sum(1 for r in apps.values() if r.gender or r.age_band),
            "declined": sum(1 for r in apps.values() if r.declined)}
