"""The CSV exports' tables in the reader's language: headers and words translated, numbers as numbers.

Each function takes the figures a report page shows and returns (header, rows) for
hiring.reports.csvfile.csv_response. Cells that are numbers stay numbers a spreadsheet can add up: rates rounded
to four decimals (0.1235, a tenth of a percentage point), money as an amount in the currency's major unit
(4000.00) with the currency's ISO code in a column of its own, never "4000.00 USD" as text. Numbers are written
with a decimal point whatever the language (the CSV's separator is a comma), so that a file reads the same in
every spreadsheet; headers and words (groups, steps, yes and no) are in the reader's language. The English
headers are those the exports always had, so that what reads them keeps working.
"""
from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_precision
from flask_babel import gettext as _

RATE_DIGITS = 4
P_DIGITS = 5


def rounded(value, digits: int = RATE_DIGITS):
    """A float rounded for a CSV cell; None (an empty cell) stays None."""
    if value is None:
        return None
    return round(float(value), digits)


def major_amount(amount_minor: int, currency: str) -> Decimal:
    """An amount kept in minor units as a number in the major unit with the currency's decimals (4000.00)."""
    digits = get_currency_precision(currency)
    return (Decimal(int(amount_minor)) / (10 ** digits)).quantize(Decimal(1).scaleb(-digits))


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def retention_table(stats: dict) -> tuple[list[str], list[list]]:
    """The Offer by cohort and by values-fit band: a row per group with the amount paid and its currency.

    A group paid in more than one currency (the policy's currency changed) gets a further row per currency
    holding only the group, the amount and the currency, so that no count is repeated."""
    from hiring.labels import group_label

    header = [_("grouping"), _("group"), _("offers decided"), _("taken"), _("take rate"),
              # The level as a value: "95% high" read as a %-format to the catalogue tools ("% hi" is one).
              _("%(level)s low", level="95%"), _("%(level)s high", level="95%"), _("paid"), _("currency")]
    rows: list[list] = []
    for grouping, table in ((_("cohort"), stats["by_cohort"]), (_("values fit"), stats["by_band"])):
        for r in table:
            paid = sorted(r.paid.items())
            first = paid[0] if paid else None
            rows.append([grouping, group_label(r.label), r.made, r.taken.k, rounded(r.taken.rate),
                         rounded(r.taken.low), rounded(r.taken.high),
                         major_amount(first[1], first[0]) if first else None, first[0] if first else None])
            for currency, minor in paid[1:]:
                rows.append([grouping, group_label(r.label), None, None, None, None, None,
                             major_amount(minor, currency), currency])
    return header, rows


def step_label(stage: str, following: str) -> str:
    """A step of the funnel in words: "Screening → Interviewing"."""
    from hiring.labels import STAGE_LABELS
    from hiring.models import Stage

    def name(code: str) -> str:
        try:
            return str(STAGE_LABELS[Stage(code)])
        except (ValueError, KeyError):
            return code

    return _("%(stage)s → %(next)s", stage=name(stage), next=name(following))


def fairness_table(data: dict) -> tuple[list[str], list[list]]:
    """Adverse impact rows: step, dimension, group, counts, rate, impact ratio (rounded down, and exactly as a
    numerator and denominator, since a spreadsheet reads "4/5" as a date), Fisher p (raw and Holm-adjusted),
    and whether the group is below four-fifths."""
    from hiring.analytics.fairness import floor_decimal
    from hiring.labels import dimension_label, group_label

    header = [_("step"), _("dimension"), _("group"), _("considered"), _("selected"), _("rate"),
              _("impact ratio (rounded down)"), _("impact ratio numerator"), _("impact ratio denominator"),
              _("fisher p"), _("holm-adjusted p"), _("below four-fifths")]
    rows: list[list] = []
    blocks = [(_("values gate"), data["gate"])] + [(step_label(s["stage"], s["next"]), s["groups"])
                                                   for s in data["steps"]]
    for step, groups in blocks:
        for dimension, table in groups.items():
            for r in table:
                ratio = r.impact_ratio
                exact = [None, None] if ratio is None else [ratio.numerator, ratio.denominator]
                rows.append([step, dimension_label(dimension), group_label(r.group), r.considered, r.selected,
                             rounded(r.rate), None if ratio is None else floor_decimal(ratio, RATE_DIGITS), *exact,
                             rounded(r.p_value, P_DIGITS), rounded(r.p_holm, P_DIGITS), _yes_no(r.flagged)])
    return header, rows


def onboarding_table(data: dict) -> tuple[list[str], list[list]]:
    """Progress per new hire and week: each week's tasks done and tasks as two numbers (never "3/5", which a
    spreadsheet reads as a date), then the totals."""
    weeks = range(1, 6)
    header = [_("cohort"), _("new hire"), _("mentor")]
    for week in weeks:
        header += [_("week %(n)d done", n=week), _("week %(n)d tasks", n=week)]
    header += [_("tasks done"), _("tasks"), _("overdue"), _("waiting for sign-off")]
    rows = []
    for started, group in data["groups"]:
        for r in group:
            cells = [started.isoformat(), r.name, r.mentor or ""]
            for week in weeks:
                cells += list(r.weeks.get(week, (0, 0)))
            rows.append(cells + [r.done, r.total, r.overdue, r.waiting_for_me])
    return header, rows
