"""The one-page summary each report opens with: the key figures, the change since the last period and what
needs attention, in sentences made from the figures (reports/_summary.html shows it).

The period rule, the same in every report that has one: the last 12 months up to today, compared with the 12
months before them, counted from what the app already stores (graduation dates, offer decisions, application
dates). A figure that covers all time, or today only, has no earlier period, and the summary says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from hiring.labels import decimal, money, percent

PERIOD_DAYS = 365
ATTENTION_NAMES = 5  # a sentence names at most this many people or items, and counts the rest


@dataclass
class Summary:
    """What the summary page shows: figures as (label, value), the period rule, and sentences."""

    figures: list[tuple[str, str]] = field(default_factory=list)
    period: str | None = None
    changes: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    all_clear: str = ""
    changes_heading: str | None = None  # "Change since the last period" unless a report words it otherwise


def periods(today: date) -> tuple[date, date, date]:
    """(start of the earlier period, start of the last period, the day after today): the last 12 months and
    the 12 months before them, each [start, end)."""
    end = today + timedelta(days=1)
    return end - timedelta(days=2 * PERIOD_DAYS), end - timedelta(days=PERIOD_DAYS), end


def _moments(today: date) -> tuple[datetime, datetime, datetime]:
    from datetime import time, timezone

    return tuple(datetime.combine(d, time(), tzinfo=timezone.utc) for d in periods(today))


def named(names: Sequence[str]) -> str:
    """A few names joined, and how many more there are: "Ann, Bo and 3 others"."""
    shown = ", ".join(names[:ATTENTION_NAMES])
    rest = len(names) - ATTENTION_NAMES
    return shown if rest <= 0 else ngettext("%(names)s and %(num)d other", "%(names)s and %(num)d others", rest,
                                            names=shown)


def share(k: int, n: int) -> str:
    """k of n as a percentage in the reader's language; "–" for none of none."""
    return percent(k / n, 0) if n else "–"


# The onboarding report ------------------------------------------------------------------------------------

def _graduates_before(session: Session, today: date) -> tuple[int, int]:
    """Graduates of the 12 months before the last 12, and how many of them finished on time; 1 query."""
    from hiring.models import Enrollment
    from hiring.onboarding.progress import PROGRAMME_DAYS

    start, cut, _end = periods(today)
    rows = session.execute(sa.select(Enrollment.started_on, Enrollment.completed_on)
                           .where(Enrollment.completed_on >= start, Enrollment.completed_on < cut)).all()
    # As recent_graduates counts them: late when the programme took PROGRAMME_DAYS or more.
    on_time = sum(1 for started, completed in rows if (completed - started).days < PROGRAMME_DAYS)
    return len(rows), on_time


def onboarding(session: Session, today: date, data: dict) -> Summary:
    """The onboarding report's summary: who is in the programme and behind, and how the year's graduates
    finished against the year before (`data`: documents.onboarding_data)."""
    rows = [row for _started, group in data["groups"] for row in group]
    behind = [row for row in rows if row.overdue]
    stuck = [row for row in rows if row.stuck]
    waiting = sum(row.waiting_for_me for row in rows)
    summary = Summary(figures=[(_("In the programme now"), decimal(len(rows))),
                               (_("Cohorts"), decimal(len(data["groups"]))),
                               (_("With overdue tasks"), decimal(len(behind))),
                               (_("Tasks waiting for sign-off"), decimal(waiting))])
    if data["cohort"]:
        summary.period = _("This report is about one cohort, so it has no earlier period to compare with.")
    else:
        graduates = data["graduates"]
        on_time = sum(1 for g in graduates if not g["days_late"])
        before, before_on_time = _graduates_before(session, today)
        summary.figures += [(_("Graduated in the last 12 months"), decimal(len(graduates))),
                            (_("Graduated on time"), share(on_time, len(graduates)))]
        summary.period = _("Change: the last 12 months up to today, compared with the 12 months before them.")
        if graduates and before:
            summary.changes.append(_(
                "%(n)s people graduated in the last 12 months, against %(before)s in the 12 months before; "
                "%(share)s of them on time, against %(before_share)s.", n=decimal(len(graduates)),
                before=decimal(before), share=share(on_time, len(graduates)),
                before_share=share(before_on_time, before)))
        elif graduates:
            summary.changes.append(_(
                "%(n)s people graduated in the last 12 months, %(share)s of them on time. Nobody graduated in "
                "the 12 months before, so there is no earlier figure to compare with.",
                n=decimal(len(graduates)), share=share(on_time, len(graduates))))
        else:
            summary.changes.append(_("Nobody graduated in the last 12 months, against %(before)s in the 12 "
                                     "months before.", before=decimal(before)))
        late = len(graduates) - on_time
        if late:
            summary.attention.append(ngettext(
                "%(num)d of the year's graduates finished late; the report lists them with the tasks that "
                "were late.", "%(num)d of the year's graduates finished late; the report lists them with the "
                "tasks that were late.", late))
    summary.changes.append(ngettext(
        "%(num)d person is in the programme today, in %(cohorts)s; a count of today has no earlier period to "
        "compare with.", "%(num)d people are in the programme today, in %(cohorts)s; a count of today has no "
        "earlier period to compare with.", len(rows),
        cohorts=ngettext("%(num)d cohort", "%(num)d cohorts", len(data["groups"]))))
    if behind:
        summary.attention.insert(0, ngettext(
            "%(num)d person has overdue tasks (%(tasks)s in all): %(names)s.",
            "%(num)d people have overdue tasks (%(tasks)s in all): %(names)s.", len(behind),
            tasks=ngettext("%(num)d task", "%(num)d tasks", sum(row.overdue for row in behind)),
            names=named([row.name for row in behind])))
    if stuck:
        summary.attention.append(ngettext(
            "%(num)d person started more than 10 weeks ago and has not graduated: their checklist needs HR.",
            "%(num)d people started more than 10 weeks ago and have not graduated: their checklists need HR.",
            len(stuck)))
    if waiting:
        summary.attention.append(ngettext(
            "%(num)d finished task waits for a mentor's or HR's sign-off.",
            "%(num)d finished tasks wait for a mentor's or HR's sign-off.", waiting))
    summary.all_clear = _("Nothing needs attention: nobody has overdue tasks and no sign-off is waiting.")
    return summary


# The offer and retention report ---------------------------------------------------------------------------

SOON = timedelta(days=7)


def _offers_by_period(session: Session, today: date, now: datetime) -> dict:
    """Offers decided in the last 12 months and the 12 before (and taken), and offers still open: all, and
    those whose deadline is within SOON; 1 query."""
    from hiring.models import OfferDecision, QuitOffer

    start, cut, end = _moments(today)
    decided = QuitOffer.decided_at.is_not(None) & QuitOffer.decision.is_not(None)
    taken = QuitOffer.decision == OfferDecision.TAKEN
    last = (QuitOffer.decided_at >= cut) & (QuitOffer.decided_at < end)
    before = (QuitOffer.decided_at >= start) & (QuitOffer.decided_at < cut)
    open_ = QuitOffer.decision.is_(None) & (QuitOffer.deadline >= now)
    row = session.execute(sa.select(
        sa.func.count().filter(decided & last), sa.func.count().filter(decided & last & taken),
        sa.func.count().filter(decided & before), sa.func.count().filter(decided & before & taken),
        sa.func.count().filter(open_), sa.func.count().filter(open_ & (QuitOffer.deadline < now + SOON)))).one()
    return dict(zip(("last", "last_taken", "before", "before_taken", "open", "expiring"), (int(n) for n in row)))


def retention(session: Session, today: date, now: datetime, stats: dict) -> Summary:
    """The offer and retention report's summary (`stats`: the offer statistics' snapshot)."""
    from hiring.models import EndReason

    overall = stats["overall"]
    year = stats["all_curve"].at.get(365) if stats["all_curve"] else None
    summary = Summary(figures=[
        (_("Hires"), decimal(stats["hires"])),
        (_("Offers decided"), decimal(overall.made)),
        (_("Taken"), decimal(overall.taken.k)),
        (_("Take rate"), percent(overall.taken.rate, 1) if overall.taken.rate is not None else "–"),
        (_("Still employed after a year"), percent(year[0], 0) if year else "–"),
        (_("Paid out"), " ".join(money(minor, cur) for cur, minor in overall.paid.items()) or "–")])
    counts = _offers_by_period(session, today, now)
    summary.period = _("Change: offers decided in the last 12 months up to today, compared with the 12 months "
                       "before them.")
    if counts["last"] and counts["before"]:
        summary.changes.append(_(
            "%(n)s offers were decided in the last 12 months and %(k)s taken (%(rate)s), against %(before)s "
            "and %(before_k)s (%(before_rate)s) in the 12 months before.", n=decimal(counts["last"]),
            k=decimal(counts["last_taken"]), rate=share(counts["last_taken"], counts["last"]),
            before=decimal(counts["before"]), before_k=decimal(counts["before_taken"]),
            before_rate=share(counts["before_taken"], counts["before"])))
    elif counts["last"]:
        summary.changes.append(_(
            "%(n)s offers were decided in the last 12 months and %(k)s taken (%(rate)s). None was decided in "
            "the 12 months before, so there is no earlier figure to compare with.", n=decimal(counts["last"]),
            k=decimal(counts["last_taken"]), rate=share(counts["last_taken"], counts["last"])))
    else:
        summary.changes.append(_("No offer was decided in the last 12 months, against %(before)s in the 12 "
                                 "months before.", before=decimal(counts["before"])))
    if year:
        summary.changes.append(_(
            "%(share)s of all hires were still employed a year after they started. Retention is measured over "
            "every hire since the first, so it has no earlier period to compare with.", share=percent(year[0], 0)))
    if counts["expiring"]:
        summary.attention.append(ngettext(
            "%(num)d offer expires within 7 days without a decision.",
            "%(num)d offers expire within 7 days without a decision.", counts["expiring"]))
    if counts["open"] > counts["expiring"]:
        summary.attention.append(ngettext(
            "%(num)d more offer is open, waiting for a decision.",
            "%(num)d more offers are open, waiting for a decision.", counts["open"] - counts["expiring"]))
    if stats["expired"]:
        summary.attention.append(ngettext(
            "%(num)d offer passed its deadline undecided; it counts as staying.",
            "%(num)d offers passed their deadline undecided; they count as staying.", stats["expired"]))
    resigned = stats["first_year_leavers"].get(EndReason.RESIGNED, 0)
    if resigned:
        summary.attention.append(ngettext(
            "%(num)d person resigned within their first year.", "%(num)d people resigned within their first "
            "year.", resigned))
    summary.all_clear = _("Nothing needs attention: no offer is open or about to expire.")
    return summary


# The funnel and fairness report ---------------------------------------------------------------------------


def dimension_label(dimension: str) -> str:
    """A self-identification dimension's name in the reader's language."""
    return {"gender": _("gender"), "age_band": _("age band")}.get(dimension, dimension)


def _applications_by_period(session: Session, today: date, job_id: int | None) -> dict:
    """Applications received in the last 12 months and the 12 before, and of those scored, how many passed
    the values gate; 1 query."""
    from hiring.models import Application, GateResult

    start, cut, end = _moments(today)
    last = (Application.applied_at >= cut) & (Application.applied_at < end)
    before = (Application.applied_at >= start) & (Application.applied_at < cut)
    scored = Application.gate_result.in_([GateResult.PASSES, GateResult.FAILS])
    passes = Application.gate_result == GateResult.PASSES
    stmt = sa.select(sa.func.count().filter(last), sa.func.count().filter(last & scored),
                     sa.func.count().filter(last & passes), sa.func.count().filter(before),
                     sa.func.count().filter(before & scored), sa.func.count().filter(before & passes))
    if job_id is not None:
        stmt = stmt.where(Application.job_id == job_id)
    row = session.execute(stmt).one()
    return dict(zip(("last", "last_scored", "last_passed", "before", "before_scored", "before_passed"),
                    (int(n) for n in row)))


MAX_FLAGS = 6  # sentences about groups below four-fifths on the summary page; the rest are counted


def flagged_rows(data: dict) -> list[tuple[str | None, str, object]]:
    """Every group below four-fifths: (step as (stage, next) or None for the values gate, dimension, row)."""
    from hiring.analytics.service import DIMENSIONS

    found = [(None, d, r) for d in DIMENSIONS for r in data["gate"][d] if r.flagged]
    for step in data["steps"]:
        found += [((step["stage"], step["next"]), d, r) for d in DIMENSIONS for r in step["groups"][d] if r.flagged]
    return found


def fairness(session: Session, today: date, data: dict, calibration: dict | None, job_id: int | None,
             step_label) -> Summary:
    """The funnel and fairness report's summary (`data`: the fairness snapshot; `calibration`: the
    interviewer calibration's, or None; `step_label(stage, next)`: a step in words)."""
    from hiring.scoring.calibration_page import LOW_ALPHA, is_low

    steps = data["steps"]
    hired = steps[-1]["moved_on"] if steps else 0
    flags = flagged_rows(data)
    summary = Summary(figures=[(_("Applications"), decimal(data["applications"])),
                               (_("Hired"), decimal(hired)),
                               (_("Hired of all applications"), share(hired, data["applications"])),
                               (_("Self-identified"), share(data["self_identified"], data["applications"])),
                               (_("Groups below four-fifths"), decimal(len(flags)))])
    counts = _applications_by_period(session, today, job_id)
    summary.period = _("Change: applications received in the last 12 months up to today, compared with the 12 "
                       "months before them.")
    if counts["last"] and counts["before"]:
        summary.changes.append(_(
            "%(n)s applications came in during the last 12 months, against %(before)s in the 12 months before; "
            "of those scored, %(rate)s passed the values gate, against %(before_rate)s.",
            n=decimal(counts["last"]), before=decimal(counts["before"]),
            rate=share(counts["last_passed"], counts["last_scored"]),
            before_rate=share(counts["before_passed"], counts["before_scored"])))
    elif counts["last"]:
        summary.changes.append(_(
            "%(n)s applications came in during the last 12 months; of those scored, %(rate)s passed the values "
            "gate. None came in during the 12 months before, so there is no earlier figure to compare with.",
            n=decimal(counts["last"]), rate=share(counts["last_passed"], counts["last_scored"])))
    else:
        summary.changes.append(_("No application came in during the last 12 months, against %(before)s in the "
                                 "12 months before.", before=decimal(counts["before"])))
    summary.changes.append(_(
        "Of all %(n)s applications to date, %(hired)s were hired (%(rate)s). Adverse impact is measured over "
        "every application to date, so it has no earlier period to compare with.",
        n=decimal(data["applications"]), hired=decimal(hired), rate=share(hired, data["applications"])))
    for step, dimension, row in flags[:MAX_FLAGS]:
        where = step_label(*step) if step else _("the values gate")
        summary.attention.append(_(
            "At %(step)s, the group “%(group)s” (%(dimension)s) was selected at %(rate)s, %(ratio)s of the "
            "highest group's rate: below four-fifths.", step=where, group=row.group,
            dimension=dimension_label(dimension), rate=percent(row.rate, 0),
            ratio=percent(float(row.impact_ratio), 0)))
    if len(flags) > MAX_FLAGS:
        summary.attention.append(ngettext(
            "%(num)d more group is below four-fifths; the tables that follow mark it.",
            "%(num)d more groups are below four-fifths; the tables that follow mark them.",
            len(flags) - MAX_FLAGS))
    if calibration:
        names = calibration.get("names", {})
        off = [names.get(p.interviewer_id, str(p.interviewer_id)) for p in calibration["people"] if p.flagged]
        if off:
            summary.attention.append(ngettext(
                "%(num)d interviewer rates clearly more leniently or severely than colleagues: %(names)s.",
                "%(num)d interviewers rate clearly more leniently or severely than colleagues: %(names)s.",
                len(off), names=named(off)))
        low = sorted((i for i in calibration["items"] if is_low(i)), key=lambda i: i.alpha)
        if low:
            item_names = calibration.get("item_names", {})
            summary.attention.append(ngettext(
                "%(num)d item has low agreement between interviewers (alpha below %(limit)s): %(names)s.",
                "%(num)d items have low agreement between interviewers (alpha below %(limit)s): %(names)s.",
                len(low), limit=decimal(LOW_ALPHA, 2), names=named([item_names.get(i.item, str(i.item))
                                                                    for i in low])))
    summary.all_clear = _("Nothing needs attention: no group is below four-fifths at any step or at the values "
                          "gate.")
    return summary


# The decision dossier -------------------------------------------------------------------------------------

def dossier(data: dict) -> Summary:
    """A dossier's summary: the gate with its thresholds, the scorecards, and what to settle before deciding
    (`data`: hiring/reports/dossier.py's dossier)."""
    from hiring.labels import GATE_LABELS, RECOMMENDATION_LABELS

    a = data["application"]
    cards = data["cards"]
    amended = data["amendment_rows"]
    summary = Summary(figures=[
        (_("The gate"), str(GATE_LABELS[a.gate_result]) if a.gate_result else _("Not scored yet")),
        (_("Requirements fit"), _("%(score)s of %(needed)s needed", score=decimal(a.requirements_fit, 0),
                                  needed=decimal(a.job.requirements_threshold, 0))
         if a.requirements_fit is not None else "–"),
        (_("Values fit"), _("%(score)s of %(needed)s needed", score=decimal(a.values_fit, 0),
                            needed=decimal(a.job.values_threshold, 0)) if a.values_fit is not None else "–"),
        (_("Scorecards"), decimal(len(cards))),
        (_("Amendments"), decimal(len(amended)))], changes_heading=_("The decision so far"))
    if a.gate_result and a.requirements_fit is not None and a.values_fit is not None:
        summary.changes.append(_(
            "The gate: %(result)s. Requirements fit %(req)s against %(req_needed)s needed, values fit %(val)s "
            "against %(val_needed)s needed; both must pass.", result=str(GATE_LABELS[a.gate_result]).lower(),
            req=decimal(a.requirements_fit, 0), req_needed=decimal(a.job.requirements_threshold, 0),
            val=decimal(a.values_fit, 0), val_needed=decimal(a.job.values_threshold, 0)))
    else:
        summary.changes.append(_("The gate has not been scored yet: no scorecard with ratings has been submitted."))
    if cards:
        tally: dict = {}
        for c in cards:
            if c.recommendation is not None:
                tally[c.recommendation] = tally.get(c.recommendation, 0) + 1
        summary.changes.append(ngettext(
            "%(num)d interviewer submitted a scorecard; recommendations: %(tally)s.",
            "%(num)d interviewers submitted scorecards; recommendations: %(tally)s.", len(cards),
            tally=", ".join(f"{n} × {RECOMMENDATION_LABELS[r]}" for r, n in sorted(
                tally.items(), key=lambda item: list(RECOMMENDATION_LABELS).index(item[0]))) or "–"))
    for c in data["vetoes"]:
        summary.attention.append(_("%(name)s raised a culture veto.", name=c.assignment.interviewer.name))
    if data["disagreements"]:
        summary.attention.append(ngettext(
            "The interviewers differ by two points or more on %(num)d item: %(names)s.",
            "The interviewers differ by two points or more on %(num)d items: %(names)s.",
            len(data["disagreements"]), names=named([row.name for row in data["disagreements"]])))
    if data["no_evidence_items"]:
        summary.attention.append(ngettext(
            "No evidence yet on %(num)d item: %(names)s.", "No evidence yet on %(num)d items: %(names)s.",
            len(data["no_evidence_items"]), names=named(data["no_evidence_items"])))
    after_colleagues = [m for m in amended if m["colleagues_before"]]
    if after_colleagues:
        summary.attention.append(ngettext(
            "%(num)d scorecard was amended after its author could see colleagues' scorecards; the reasons are "
            "listed under “Amendments after submission”.",
            "%(num)d scorecards were amended after their authors could see colleagues' scorecards; the reasons "
            "are listed under “Amendments after submission”.", len(after_colleagues)))
    summary.all_clear = _("Nothing needs settling before the decision: no veto, no wide disagreement and "
                          "evidence on every item.")
    return summary
