"""Loads hires, their offers and their values fit at hiring, and builds the offer and retention statistics;
loads applications and stage changes for the funnel and fairness report.

The only module of analytics/ besides views.py that touches the database; the maths is in rates.py,
retention.py and fairness.py. Rows are read as columns (hiring/columns.py) and counted with NumPy: at a
hundred thousand candidates a Python object per row cost more than the statistics.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hiring.analytics.rates import Proportion, wilson
from hiring.analytics.retention import EPOCH, Curve, durations, kaplan_meier_by_group
from hiring.models import Application, EndReason, Hire, OfferDecision, QuitOffer

# Values fit at hiring, on 0-100, in bands wide enough to hold people.
BANDS = ((None, 60.0, "under 60"), (60.0, 75.0, "60 to 75"), (75.0, 90.0, "75 to 90"), (90.0, None, "90 and over"))
NOT_SCORED = "not scored"


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


BAND_ORDER = [label for _l, _h, label in BANDS] + [NOT_SCORED]
DECISIONS = list(OfferDecision)
REASONS = list(EndReason)


def _expired(now: datetime):
    """An offer whose deadline passed without a decision: it counts as staying."""
    return sa.and_(QuitOffer.id.is_not(None), QuitOffer.lapsed(now))  # an outer join: an offer at all


def _band_code():
    """SQL: the index in BAND_ORDER of an application's values-fit band (band_of, compared in the database so
    that no float goes through text)."""
    fit = Application.values_fit
    return sa.case((fit.is_(None), BAND_ORDER.index(NOT_SCORED)),
                   *[(sa.and_(*([fit >= low] if low is not None else []), *([fit < high] if high is not None else [])),
                      BAND_ORDER.index(label)) for low, high, label in BANDS],
                   else_=BAND_ORDER.index(NOT_SCORED))


def _decision_code(now: datetime):
    """SQL: the index in DECISIONS of an offer's decision, expired when its deadline passed undecided; -1 for
    none (no offer, or one still open)."""
    return sa.case((_expired(now), DECISIONS.index(OfferDecision.EXPIRED)),
                   *[(QuitOffer.decision == d, n) for n, d in enumerate(DECISIONS)], else_=-1)


@dataclass(frozen=True)
class Hires:
    """Every hire as columns: start and end as datetime64[D] (NaT: none), end reason (index in REASONS, -1),
    band (index in BAND_ORDER), offered, decision (index in DECISIONS, -1), paid (minor units, 0) and currency."""

    start: "np.ndarray"
    end: "np.ndarray"
    reason: "np.ndarray"
    band: "np.ndarray"
    offered: "np.ndarray"
    decision: "np.ndarray"
    paid: "np.ndarray"
    currency: "np.ndarray"

    def decided(self):
        """Offered and decided (an expired deadline counts as a decision to stay)."""
        return self.offered & (self.decision >= 0)

    def stayers(self):
        """Offered, decided, and stayed."""
        return self.decided() & (self.decision != DECISIONS.index(OfferDecision.TAKEN))


def load_hires(session: Session, now: datetime) -> Hires:
    """Every hire with the band of their values fit at hiring and their offer, as columns
    (hiring/columns.py); one query."""
    import numpy as np

    from hiring.columns import text_columns

    start, end, reason, band, offered, decision, paid, currency = text_columns(session, (
        sa.select(Hire.start_date, Hire.end_date,
                  sa.case(*[(Hire.end_reason == r, n) for n, r in enumerate(REASONS)], else_=-1),
                  _band_code(), sa.case((QuitOffer.id.is_not(None), 1), else_=0), _decision_code(now),
                  sa.func.coalesce(QuitOffer.paid_minor, 0), QuitOffer.currency)
        .join(Application, Hire.application_id == Application.id)
        .outerjoin(QuitOffer, QuitOffer.hire_id == Hire.id)))

    def ints(values: list[str]) -> "np.ndarray":
        return np.array(values, dtype=np.int64) if values else np.zeros(0, dtype=np.int64)

    # Dates as the database gives them as text (ISO on both), '' for none: NaT.
    return Hires(start=np.array(start, dtype="datetime64[D]"),
                 end=_dates(end),
                 reason=ints(reason), band=ints(band), offered=ints(offered) == 1, decision=ints(decision),
                 paid=ints(paid), currency=np.array(currency, dtype=object))


@dataclass
class OfferRow:
    """Offers made, taken and paid in one group."""

    label: str
    made: int
    taken: Proportion
    paid: dict[str, int]


def _offer_row(label: str, hires: Hires, members) -> OfferRow:
    import numpy as np

    taken = int((hires.decision[members] == DECISIONS.index(OfferDecision.TAKEN)).sum())
    made = int(np.count_nonzero(members))
    paid = {}
    paying = members & (hires.paid != 0)
    for currency in sorted(set(hires.currency[paying].tolist())):
        paid[currency] = int(hires.paid[paying & (hires.currency == currency)].sum())
    return OfferRow(label, made, wilson(taken, made), paid)


def _offer_rows(hires: Hires, labels: "np.ndarray", order) -> list[OfferRow]:
    """A row per label among the decided offers, in the order `order` gives the labels."""
    decided = hires.decided()
    present = set(labels[decided].tolist())
    return [_offer_row(label, hires, decided & (labels == label)) for label in sorted(present, key=order)]


def _curves(start: "np.ndarray", end: "np.ndarray", band: "np.ndarray", stayers: "np.ndarray", today: date,
            which: str) -> list[Curve]:
    """The curves of one chart, every group in one go: 'all' (every hire), 'band' or 'cohort' (the stayers by
    band of values fit, by year of start). Hires who have not started yet have no time at risk: left out."""
    import numpy as np

    days, observed = durations(start, end, today)
    begun = start.astype(np.int64) <= today.toordinal() - EPOCH  # as durations() counts them
    if which == "all":
        return [c for c in kaplan_meier_by_group(days, observed, np.zeros(len(days), dtype=np.int64),
                                                 ["all hires"]) if c is not None]
    stayers = stayers[begun]
    if which == "band":
        group = np.where(stayers, band[begun], -1)
        return [c for c in kaplan_meier_by_group(days, observed, group, BAND_ORDER) if c is not None]
    year = start[begun].astype("datetime64[Y]").astype(np.int64) + 1970
    years = sorted({str(y) for y in year[stayers].tolist()})
    group = np.where(stayers, np.searchsorted(np.array([int(y) for y in years], dtype=np.int64), year), -1)
    return [c for c in kaplan_meier_by_group(days, observed, group, years) if c is not None]


def offer_statistics(session: Session, today: date, now: datetime) -> dict:
    """Everything the offer and retention page shows; one query."""
    import numpy as np

    hires = load_hires(session, now)
    ended = ~np.isnat(hires.end) & (hires.end <= np.datetime64(today, "D"))
    first_year = ended & ((hires.end - hires.start).astype(np.int64) < 365)
    quarters = np.array([f"{y}-Q{q}" for y, q in zip(
        (hires.start.astype("datetime64[Y]").astype(np.int64) + 1970).tolist(),
        (hires.start.astype("datetime64[M]").astype(np.int64) % 12 // 3 + 1).tolist())], dtype=object)
    all_curve = _curves(hires.start, hires.end, hires.band, hires.stayers(), today, "all")
    return {
        "hires": len(hires.start),
        "overall": _offer_row("all", hires, hires.decided()),
        "waiting": int((hires.offered & (hires.decision < 0)).sum()),
        "expired": int((hires.decision == DECISIONS.index(OfferDecision.EXPIRED)).sum()),
        "by_cohort": _offer_rows(hires, quarters, lambda label: label),
        "by_band": _offer_rows(hires, np.array(BAND_ORDER, dtype=object)[hires.band], BAND_ORDER.index),
        "all_curve": all_curve[0] if all_curve else None,
        "band_curves": _curves(hires.start, hires.end, hires.band, hires.stayers(), today, "band"),
        "year_curves": _curves(hires.start, hires.end, hires.band, hires.stayers(), today, "cohort"),
        "leavers": {reason: int((ended & (hires.reason == n)).sum()) for n, reason in enumerate(REASONS)},
        "first_year_leavers": {reason: int((first_year & (hires.reason == n)).sum())
                               for n, reason in enumerate(REASONS)},
    }


def curves_for_chart(session: Session, today: date, now: datetime, which: str) -> list[Curve]:
    """The curves of one chart: 'all', 'band' or 'cohort', the same as offer_statistics gives, from only the
    dates (and band) of the hires the chart counts; one query."""
    import numpy as np

    from hiring.columns import text_columns

    stmt = sa.select(Hire.start_date, Hire.end_date, _band_code() if which == "band" else sa.literal(0))
    if which == "band":
        stmt = stmt.join(Application, Hire.application_id == Application.id)
    if which != "all":  # the stayers: offered, decided (an expired deadline counts as staying), not taken
        stmt = stmt.join(QuitOffer, QuitOffer.hire_id == Hire.id).where(sa.or_(
            sa.and_(QuitOffer.decision.is_not(None), QuitOffer.decision != OfferDecision.TAKEN), _expired(now)))
    start, end, band = text_columns(session, stmt)
    start = np.array(start, dtype="datetime64[D]")
    return _curves(start, _dates(end), np.array(band, dtype=np.int64) if band else np.zeros(0, dtype=np.int64),
                   np.ones(len(start), dtype=bool), today, which)


def _dates(values: list[str]) -> "np.ndarray":
    """ISO dates as text, '' for none, as datetime64[D] with NaT."""
    import numpy as np

    return np.array([d or "NaT" for d in values], dtype="datetime64[D]")


FUNNEL = ("applied", "screening", "interviewing", "decision", "hired")
DIMENSIONS = ("gender", "age_band")


def _first_entries(columns: list[list[str]], app_ids: "np.ndarray") -> "np.ndarray":
    """When each application (in `app_ids`, sorted) first entered each funnel stage, from the stage changes'
    (application * stages + stage, time) columns: stages x applications, NaT where it never did."""
    import numpy as np

    entries = np.array(columns[0], dtype=np.int64)
    applications, stages = entries // len(FUNNEL), entries % len(FUNNEL)
    # The database's text of a time (SQLite's stored text, PostgreSQL's timestamp as text), which NumPy reads.
    at = np.array(columns[1], dtype="datetime64[us]").view(np.int64)
    where = np.minimum(np.searchsorted(app_ids, applications), max(len(app_ids) - 1, 0))
    known = (app_ids[where] == applications) if len(app_ids) else np.zeros(len(applications), dtype=bool)
    never = np.iinfo(np.int64).max
    first = np.full(len(FUNNEL) * len(app_ids), never, dtype=np.int64)
    np.minimum.at(first, stages[known] * len(app_ids) + where[known], at[known])
    first[first == never] = np.datetime64("NaT").view(np.int64)
    return first.view("datetime64[us]").reshape(len(FUNNEL), len(app_ids))


def _group_counts(labels: list, codes, considered, selected) -> dict[str, tuple[int, int]]:
    """{group: (selected, considered)} over the rows in `considered`, for groups with someone in it."""
    import numpy as np

    mine = considered & (codes >= 0)
    n = np.bincount(codes[mine], minlength=len(labels))
    k = np.bincount(codes[mine & selected], minlength=len(labels))
    return {label: (int(k[i]), int(n[i])) for i, label in enumerate(labels) if n[i]}


def funnel_and_fairness(session: Session, job_id: int | None = None) -> dict:
    """Applications reaching each stage, pass-through rates, median days in each stage, and adverse impact
    per step and at the values gate, by voluntarily self-identified group (aggregates only); 2 queries.

    A step's selection rate counts the applications that moved on among those decided at that stage: moved
    on or rejected. A candidate who withdrew before moving on was not decided on by the employer and is left
    out (counted apart); one who moved on and withdrew later was selected at that step. Fisher p-values are
    Holm-adjusted over every comparison in the result, the gate and every step, as one family.

    Read as columns (hiring/columns.py): the applications grouped by their self-identification, each as one
    integer (id, outcome, gate result, declined), and every entry into a funnel stage as (application, stage,
    time). When each application first entered each stage is then a minimum per (stage, application) in
    NumPy, which is cheaper than the GROUP BY and pivot the database did over every stage change.
    """
    from statistics import median

    import numpy as np

    from hiring.analytics.fairness import adverse_impact, with_holm
    from hiring.columns import int_columns_by, text_columns
    from hiring.models import GateResult, SelfIdentification, Stage, StageChange

    # ((id * 3 + outcome) * 3 + gate) * 2 + declined; outcome 1 rejected, 2 withdrawn; gate 1 passes, 2 fails.
    sql_outcome = sa.case((Application.stage == Stage.REJECTED, 1), (Application.stage == Stage.WITHDRAWN, 2),
                          else_=0)
    sql_gate = sa.case((Application.gate_result == GateResult.PASSES, 1),
                       (Application.gate_result == GateResult.FAILS, 2), else_=0)
    sql_declined = sa.case((SelfIdentification.declined, 1), else_=0)
    apps_stmt = (sa.select(SelfIdentification.gender, SelfIdentification.age_band,
                           ((sa.cast(Application.id, sa.BigInteger) * 3 + sql_outcome) * 3 + sql_gate) * 2
                           + sql_declined)
                 .select_from(Application)
                 .outerjoin(SelfIdentification, SelfIdentification.candidate_id == Application.candidate_id))
    stage_code = sa.case(*[(StageChange.to_stage == Stage(stage), n) for n, stage in enumerate(FUNNEL)])
    changes_stmt = (sa.select(sa.cast(StageChange.application_id, sa.BigInteger) * len(FUNNEL) + stage_code,
                              StageChange.changed_at)
                    .where(StageChange.to_stage.in_([Stage(stage) for stage in FUNNEL])))
    if job_id is not None:
        apps_stmt = apps_stmt.where(Application.job_id == job_id)
        changes_stmt = changes_stmt.join(Application, StageChange.application_id == Application.id).where(
            Application.job_id == job_id)
    groups = int_columns_by(session, apps_stmt, keys=2)
    packed = np.concatenate([rows[:, 0] for _, rows in groups] or [np.zeros(0, np.int64)])
    dimensions = {}
    for d, dimension in enumerate(DIMENSIONS):
        # A group given as an empty string or not at all is not a group.
        labels = sorted({key[d] for key, _ in groups if key[d]})
        code = {label: n for n, label in enumerate(labels)}
        dimensions[dimension] = (labels, np.concatenate(
            [np.full(len(rows), code[key[d]] if key[d] else -1) for key, rows in groups] or [np.zeros(0, np.int64)]))
    order = np.argsort(packed // 18, kind="stable")
    packed = packed[order]
    dimensions = {dimension: (labels, codes[order]) for dimension, (labels, codes) in dimensions.items()}
    app_ids, ended, gate_code, declined = packed // 18, packed // 6 % 3, packed // 2 % 3, packed % 2 == 1
    rejected, withdrawn = ended == 1, ended == 2
    n_apps = len(app_ids)
    times = _first_entries(text_columns(session, changes_stmt), app_ids)
    reached = ~np.isnat(times)
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
