"""Words for the domain's enum values, translated, for templates and messages."""
from __future__ import annotations

from functools import lru_cache

from babel import numbers
from babel.numbers import get_currency_precision
from flask import Flask
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_timedelta,
    get_locale,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l

from hiring.models import (
    EndReason,
    GateResult,
    InterviewKind,
    OfferDecision,
    Recommendation,
    Role,
    SignOff,
    Stage,
    TaskOwner,
)

ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.HR: _l("HR"),
    Role.RECRUITER: _l("Recruiter"),
    Role.INTERVIEWER: _l("Interviewer"),
    Role.NEW_HIRE: _l("New hire"),
}

STAGE_LABELS = {
    Stage.APPLIED: _l("Applied"),
    Stage.SCREENING: _l("Screening"),
    Stage.INTERVIEWING: _l("Interviewing"),
    Stage.DECISION: _l("Decision"),
    Stage.HIRED: _l("Hired"),
    Stage.REJECTED: _l("Rejected"),
    Stage.WITHDRAWN: _l("Withdrawn"),
}

KIND_LABELS = {
    InterviewKind.SKILLS: _l("Skills"),
    InterviewKind.VALUES: _l("Values"),
    InterviewKind.HIRING_MANAGER: _l("Hiring manager"),
}

RECOMMENDATION_LABELS = {
    Recommendation.STRONG_NO: _l("Strong no"),
    Recommendation.NO: _l("No"),
    Recommendation.YES: _l("Yes"),
    Recommendation.STRONG_YES: _l("Strong yes"),
}

GATE_LABELS = {
    GateResult.PASSES: _l("Passes"),
    GateResult.FAILS: _l("Does not pass"),
    GateResult.INCOMPLETE: _l("Incomplete"),
}


# The "and" rule for missing evidence, in one sentence: the scorecard says it where "No evidence" is chosen and
# the gate's incomplete reason repeats it, so that both tell people the same thing.
NO_EVIDENCE_RULE = _l("The gate needs evidence on every core value and must-have requirement from at least one "
                      "interviewer.")


def gate_reason(reason: dict) -> str:
    """A stored gate reason (a code and its numbers) in words a recruiter understands."""
    code = reason.get("code")
    number = lambda key: format_decimal(reason.get(key, 0), format="#,##0.#")  # noqa: E731
    if code == "requirements_below_threshold":
        return _("Requirements fit %(score)s is below the job's threshold of %(threshold)s.",
                 score=number("score"), threshold=number("threshold"))
    if code == "values_below_threshold":
        return _("Values fit %(score)s is below the job's threshold of %(threshold)s.",
                 score=number("score"), threshold=number("threshold"))
    if code == "must_have_below_floor":
        return _("Must-have requirement '%(item)s' averages %(mean)s, below the floor of %(floor)s.",
                 item=reason.get("item"), mean=number("mean"), floor=number("floor"))
    if code == "value_below_floor":
        return _("Core value '%(item)s' averages %(mean)s, below the floor of %(floor)s.",
                 item=reason.get("item"), mean=number("mean"), floor=number("floor"))
    if code == "culture_veto":
        return _("An interviewer raised a culture veto: %(reason)s", reason=reason.get("reason", ""))
    if code == "scorecards_pending":
        return ngettext("%(num)d scorecard not submitted yet.", "%(num)d scorecards not submitted yet.",
                        int(reason.get("count") or 0))
    if code == "no_evidence":
        return "%s %s" % (_("No interviewer has given evidence on '%(item)s' yet.", item=reason.get("item")),
                          NO_EVIDENCE_RULE)
    if code == "no_requirement_ratings":
        return _("No ratings on the requirements yet.")
    if code == "no_value_ratings":
        return _("No ratings on the core values yet.")
    return _("Unknown reason.")

OWNER_LABELS = {TaskOwner.NEW_HIRE: _l("New hire"), TaskOwner.MENTOR: _l("Mentor"), TaskOwner.HR: _l("HR")}
SIGN_OFF_LABELS = {SignOff.NONE: _l("nobody"), SignOff.MENTOR: _l("the mentor"), SignOff.HR: _l("HR")}


def task_state_label(state, task) -> str:
    """A task's state in words (never colour alone)."""
    value = getattr(state, "value", state)
    if value == "done":
        return _("Done")
    if value == "waiting":
        return _("Waiting for sign-off by %(who)s", who=SIGN_OFF_LABELS[task.sign_off])
    if value == "sent_back":
        return _("Sent back")
    if value == "overdue":
        return _("Overdue")
    return _("To do")

DECISION_LABELS = {
    OfferDecision.TAKEN: _l("Took the money and left"),
    OfferDecision.STAYED: _l("Stayed"),
    OfferDecision.EXPIRED: _l("Expired: stayed without deciding"),
}

END_REASON_LABELS = {
    EndReason.OFFER_ACCEPTED: _l("Took The Offer"),
    EndReason.RESIGNED: _l("Resigned"),
    EndReason.DISMISSED: _l("Dismissed"),
    EndReason.OTHER: _l("Other"),
}


# Groups in the figures, kept as codes in the data (and in snapshots computed for every reader) and named
# here when shown: values-fit bands (hiring.analytics.service.BANDS), self-identified groups (the codes the
# form stores, hiring.pipeline.selfid) and the fairness report's pool of small groups.
GROUP_LABELS = {
    "under 60": _l("under 60"),
    "60 to 75": _l("60 to 75"),
    "75 to 90": _l("75 to 90"),
    "90 and over": _l("90 and over"),
    "not scored": _l("not scored"),
    "woman": _l("Woman"),
    "man": _l("Man"),
    "non-binary": _l("Non-binary"),
    "another": _l("Another gender"),
    "under 25": _l("Under 25"),
    "25-39": _l("25 to 39"),
    "40-54": _l("40 to 54"),
    "55 and over": _l("55 and over"),
    "smaller groups, pooled": _l("smaller groups, pooled"),
}

DIMENSION_LABELS = {"gender": _l("Gender"), "age_band": _l("Age")}


def group_label(code) -> str:
    """A group of the figures in the reader's language; anything else (a cohort such as 2026-Q3) as it is."""
    label = GROUP_LABELS.get(code)
    return str(label) if label is not None else ("" if code is None else str(code))


def dimension_label(code) -> str:
    """What the groups are by (gender, age) in the reader's language."""
    label = DIMENSION_LABELS.get(code)
    return str(label) if label is not None else ("" if code is None else str(code))


def money(amount_minor: int, currency: str) -> str:
    """An amount kept in minor units, formatted for the reader's locale (4,000.00 or 4.000,00)."""
    return _money(int(amount_minor), currency, str(get_locale()))


@lru_cache(maxsize=4096)
def _money(amount_minor: int, currency: str, locale: str) -> str:
    # Remembered: a list of offers shows the same few amounts on every row, and Babel's formatting is the
    # dearest call of such a row. Amounts and currency codes only, nothing personal.
    return numbers.format_currency(amount_minor / (10 ** get_currency_precision(currency)), currency, locale=locale)


def decimal(value: float, digits: int = 0) -> str:
    """A number with a fixed count of decimals in the reader's locale (0.67 or 0,67)."""
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def signed(value: float, digits: int = 2) -> str:
    """A number that always shows its sign (+0.25 or +0,25)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=f"+{pattern};-{pattern}")


def percent(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage in the reader's locale (12.5% or 12,5%)."""
    return format_percent(fraction, format="#,##0" + ("." + "0" * digits if digits else "") + "%")


def impact_ratio(ratio, digits: int = 2) -> str:
    """An exact impact ratio rounded down for display (0.79 for 0.7999...), so that it never reads 0.80 beside
    a four-fifths flag; the rule itself is hiring.analytics.fairness.below_four_fifths."""
    from hiring.analytics.fairness import floor_decimal  # here: it loads SciPy, which most pages never need

    return decimal(floor_decimal(ratio, digits), digits)


def age(moment) -> str:
    """How long ago `moment` (UTC) was, in the reader's language: "5 minutes ago"."""
    from hiring.models import utcnow

    return format_timedelta(moment - utcnow(), add_direction=True)


def init_app(app: Flask) -> None:
    """Make the label functions and locale helpers available in every template (money also as a filter:
    `{{ amount_minor|money(currency) }}`)."""
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals.update(
        role_label=ROLE_LABELS.__getitem__,
        stage_label=STAGE_LABELS.__getitem__,
        kind_label=KIND_LABELS.__getitem__,
        recommendation_label=RECOMMENDATION_LABELS.__getitem__,
        gate_label=GATE_LABELS.__getitem__,
        gate_reason=gate_reason,
        no_evidence_rule=NO_EVIDENCE_RULE,
        owner_label=OWNER_LABELS.__getitem__,
        sign_off_label=SIGN_OFF_LABELS.__getitem__,
        task_state_label=task_state_label,
        decision_label=DECISION_LABELS.__getitem__,
        money=money,
        group_label=group_label,
        dimension_label=dimension_label,
        end_reason_label=END_REASON_LABELS.__getitem__,
        format_date=format_date,
        format_datetime=format_datetime,
        age=age,
        decimal=decimal,
        signed=signed,
        percent=percent,
        impact_ratio=impact_ratio,
        get_locale=get_locale,
    )
