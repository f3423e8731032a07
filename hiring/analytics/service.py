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


@dataclass(frozen=True, slots=True)
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


def _driver_columns(session: Session, stmt) -> list[tuple]:
    """The result's columns (a tuple of values each) as the driver returns them, without SQLAlchemy's Row
    objects and type conversions: for columns that NumPy reads directly (numbers, dates and times, which
    SQLite gives as ISO text and PostgreSQL as date and datetime objects) or plain text."""
    if session.autoflush:
        session.flush()  # what session.execute would have done before reading
    result = session.connection().execute(stmt)
    try:
        width = len(result.keys())
        return list(zip(*result.cursor.fetchall())) or [()] * width
    finally:
        result.close()


def _expired(now: datetime):
    """An offer whose deadline passed without a decision: it counts as staying."""
    return sa.and_(QuitOffer.id.is_not(None), QuitOffer.lapsed(now))  # an outer join: an offer at all


def load_hires(session: Session, now: datetime) -> list[HireRow]:
    """Every hire with their values fit at hiring and their offer; one query."""
    rows = session.execute(
        sa.select(Hire.start_date, Hire.end_date, Hire.end_reason, Application.values_fit,
                  QuitOffer.id.is_not(None), QuitOffer.decision, _expired(now), QuitOffer.paid_minor,
                  QuitOffer.currency)
        .join(Application, Hire.application_id == Application.id)
        .outerjoin(QuitOffer, QuitOffer.hire_id == Hire.id))
    return [HireRow(start, end, reason, fit, offered, OfferDecision.EXPIRED if expired else decision, paid, currency)
            for start, end, reason, fit, offered, decision, expired, paid, currency in rows]


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


BAND_ORDER = [label for _l, _h, label in BANDS] + [NOT_SCORED]


def _stayers(hires: list[HireRow]) -> list[HireRow]:
    """Hires who were offered the money, decided, and stayed (an expired offer counts as staying)."""
    return [h for h in hires if h.offered and h.decision is not None and h.decision is not OfferDecision.TAKEN]


def _band_curves(stayers: list[HireRow], today: date) -> list[Curve]:
    by_band: dict[str, list[HireRow]] = defaultdict(list)
    for h in stayers:
        by_band[h.band].append(h)
    return [c for b in BAND_ORDER if (c := _curve(by_band.get(b, []), today, b)) is not None]


def _year_curves(stayers: list[HireRow], today: date) -> list[Curve]:
    by_year: dict[str, list[HireRow]] = defaultdict(list)
    for h in stayers:
        by_year[str(h.start.year)].append(h)
    return [c for y in sorted(by_year) if (c := _curve(by_year[y], today, y)) is not None]


def offer_statistics(session: Session, today: date, now: datetime) -> dict:
    """Everything the offer and retention page shows."""
    hires = load_hires(session, now)
    decided = [h for h in hires if h.offered and h.decision is not None]
    stayers = _stayers(hires)
    leavers = Counter(h.end_reason for h in hires if h.end is not None and h.end <= today)
    first_year = Counter(h.end_reason for h in hires if h.end is not None and h.end <= today
                         and (h.end - h.start).days < 365)
    return {
        "hires": len(hires),
        "overall": _offer_row("all", decided),
        "waiting": sum(h.offered and h.decision is None for h in hires),
        "expired": sum(h.decision is OfferDecision.EXPIRED for h in hires),
        "by_cohort": _offer_rows(hires, lambda h: quarter(h.start)),
        "by_band": sorted(_offer_rows(hires, lambda h: h.band), key=lambda r: BAND_ORDER.index(r.label)),
        "all_curve": _curve(hires, today, "all hires"),
        "band_curves": _band_curves(stayers, today),
        "year_curves": _year_curves(stayers, today),
        "leavers": {reason: leavers.get(reason, 0) for reason in EndReason},
        "first_year_leavers": {reason: first_year.get(reason, 0) for reason in EndReason},
    }


def curves_for_chart(session: Session, today: date, now: datetime, which: str) -> list[Curve]:
    """The curves of one chart: 'all', 'band' or 'cohort', the same as offer_statistics gives, from only the
    dates (and values fit) of the hires each chart counts, as arrays: no row object per hire."""
    import numpy as np

    stmt = (sa.select(Hire.start_date, Hire.end_date, Application.values_fit)
            .join(Application, Hire.application_id == Application.id))
    if which != "all":  # the stayers: offered, decided (an expired deadline counts as staying), not taken
        stmt = stmt.join(QuitOffer, QuitOffer.hire_id == Hire.id).where(sa.or_(
            sa.and_(QuitOffer.decision.is_not(None), QuitOffer.decision != OfferDecision.TAKEN), _expired(now)))
    starts, ends, fits = _driver_columns(session, stmt)
    start = np.array(starts, dtype="datetime64[D]")
    end = np.array(ends, dtype="datetime64[D]")  # NULL: NaT

    def curve(members, label: str) -> Curve | None:
        days, observed = durations(start[members], end[members], today)
        return kaplan_meier(days, observed, label)

    if which == "all":
        all_hires = curve(slice(None), "all hires")
        return [all_hires] if all_hires else []
    if which == "band":
        fit = np.array(fits, dtype=float)  # NULL: NaN, not scored
        in_band = {label: ~np.isnan(fit) & (low is None or fit >= low) & (high is None or fit < high)
                   for low, high, label in BANDS}
        in_band[NOT_SCORED] = np.isnan(fit)
        return [c for b in BAND_ORDER if (c := curve(in_band[b], b)) is not None]
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    return [c for y in sorted({str(y) for y in year.tolist()}) if (c := curve(year == int(y), y)) is not None]


FUNNEL = ("applied", "screening", "interviewing", "decision", "hired")
DIMENSIONS = ("gender", "age_band")


def _label_codes(labels: list) -> tuple[list, "np.ndarray"]:
    """The distinct (truthy) labels, and each row's index among them, -1 for none: a group given as an empty
    string or not at all is not a group."""
    import numpy as np

    distinct = sorted({label for label in labels if label})
    index = {label: i for i, label in enumerate(distinct)}
    return distinct, np.fromiter((index.get(label, -1) if label else -1 for label in labels), dtype=np.int64,
                                 count=len(labels))


def _group_counts(labels: list, codes, considered, selected) -> dict[str, tuple[int, int]]:
    """{group: (selected, considered)} over the rows in `considered`, for groups with someone in it."""
    import numpy as np

    mine = considered & (codes >= 0)
    n = np.bincount(codes[mine], minlength=len(labels))
    k = np.bincount(codes[mine & selected], minlength=len(labels))
    return {label: (int(k[i]), int(n[i])) for i, label in enumerate(labels) if n[i]}


def funnel_and_fairness(session: Session, job_id: int | None = None) -> dict:
    """Applications reaching each stage, pass-through rates, median days in each stage, and adverse impact
    per step and at the values gate, by voluntarily self-identified group (aggregates only); 1 query.

    A step's selection rate counts the applications that moved on among those decided at that stage: moved
    on or rejected. A candidate who withdrew before moving on was not decided on by the employer and is left
    out (counted apart); one who moved on and withdrew later was selected at that step. Fisher p-values are
    Holm-adjusted over every comparison in the result, the gate and every step, as one family.

    The database does the grouping: one row per application with when it first entered each stage of the
    funnel (MIN per stage, pivoted), its outcome as small integers and its self-identification. The counting
    is then array arithmetic rather than Python sets per stage.
    """
    from statistics import median

    import numpy as np

    from hiring.analytics.fairness import adverse_impact, with_holm
    from hiring.models import GateResult, SelfIdentification, Stage, StageChange

    entered = (sa.select(StageChange.application_id,
                         *[sa.func.min(sa.case((StageChange.to_stage == Stage(stage), StageChange.changed_at)))
                           .label(stage) for stage in FUNNEL])
               .where(StageChange.to_stage.in_([Stage(stage) for stage in FUNNEL])))
    apps_stmt = sa.select(
        Application.id,
        sa.case((Application.stage == Stage.REJECTED, 1), (Application.stage == Stage.WITHDRAWN, 2), else_=0),
        sa.case((Application.gate_result == GateResult.PASSES, 1), (Application.gate_result == GateResult.FAILS, 2),
                else_=0),
        SelfIdentification.gender, SelfIdentification.age_band,
        sa.case((SelfIdentification.declined, 1), else_=0))
    if job_id is not None:
        apps_stmt = apps_stmt.where(Application.job_id == job_id)
        entered = entered.join(Application, StageChange.application_id == Application.id).where(
            Application.job_id == job_id)
    entered = entered.group_by(StageChange.application_id).subquery()
    apps_stmt = (apps_stmt.add_columns(*[entered.c[stage] for stage in FUNNEL])
                 .outerjoin(SelfIdentification, SelfIdentification.candidate_id == Application.candidate_id)
                 .outerjoin(entered, entered.c.application_id == Application.id))
    # Read from the driver's cursor: the times come as the driver gives them (text from SQLite, naive UTC
    # datetimes from PostgreSQL), which NumPy reads either way, without a Python datetime per value.
    columns = _driver_columns(session, apps_stmt)
    ended = np.array(columns[1], dtype=np.int64)
    rejected, withdrawn = ended == 1, ended == 2
    gate_code = np.array(columns[2], dtype=np.int64)
    declined = np.array(columns[5], dtype=bool)
    times = np.array(columns[6:], dtype="datetime64[us]").reshape(len(FUNNEL), -1)
    reached = ~np.isnat(times)
    dimensions = {dimension: _label_codes(columns[3 + d]) for d, dimension in enumerate(DIMENSIONS)}
    n_apps = len(columns[0])
    del columns
    one_day = np.timedelta64(1, "D")
    steps = []
    for s, (stage, following) in enumerate(zip(FUNNEL, FUNNEL[1:])):
        both = reached[s] & reached[s + 1]
        # Floor division, as timedelta.days: whole days, rounded down.
        days = ((times[s + 1][both] - times[s][both]) // one_day).tolist()
        decided = reached[s] & (reached[s + 1] | rejected)
        groups = {dimension: adverse_impact(_group_counts(labels, codes, decided, reached[s + 1]))
                  for dimension, (labels, codes) in dimensions.items()}
        steps.append({"stage": stage, "next": following, "reached": int(reached[s].sum()),
                      "moved_on": int(reached[s + 1].sum()), "decided": int(decided.sum()),
                      "withdrew": int((reached[s] & ~reached[s + 1] & withdrawn).sum()),
                      "pass_through": wilson(int((reached[s + 1] & decided).sum()), int(decided.sum())),
                      "median_days": median(days) if days else None, "groups": groups})
    scored = gate_code > 0
    gate = {dimension: adverse_impact(_group_counts(labels, codes, scored, gate_code == 1))
            for dimension, (labels, codes) in dimensions.items()}
    # One family for Holm: every comparison the report shows, so that the adjustment is for what is read.
    family = [gate[d] for d in DIMENSIONS] + [step["groups"][d] for step in steps for d in DIMENSIONS]
    adjusted = iter(with_holm(family))
    gate = {d: next(adjusted) for d in DIMENSIONS}
    for step in steps:
        step["groups"] = {d: next(adjusted) for d in DIMENSIONS}
    identified = np.zeros(n_apps, dtype=bool)
    for _labels, codes in dimensions.values():
        identified |= codes >= 0
    return {"applications": n_apps, "steps": steps, "gate": gate, "scored": int(scored.sum()),
            "self_identified": int(identified.sum()), "declined": int(declined.sum()),
            "comparisons": sum(r.p_value is not None for table in family for r in table)}
