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


def retention_curves_table(stats: dict) -> tuple[list[str], list[list]]:
    """Retention at a glance: per line of the retention charts (all hires, each values-fit band, each year of
    start) its people, the share still employed at 30, 90, 180 and 365 days with the 95% band (empty where the
    line has not reached the day), and the median tenure in days (empty while fewer than half have left)."""
    from hiring.labels import group_label

    days = (30, 90, 180, 365)
    header = [_("grouping"), _("group"), _("people")]
    for d in days:
        header += [_("share at %(d)d days", d=d), _("%(level)s low", level="95%") + f" ({d})",
                   _("%(level)s high", level="95%") + f" ({d})"]
    header.append(_("median tenure in days"))
    rows: list[list] = []
    everyone = _("all hires")
    lines = ([(everyone, stats["all_curve"])] if stats["all_curve"] else []) \
        + [(_("values fit"), c) for c in stats["band_curves"]] + [(_("year of start"), c) for c in stats["year_curves"]]
    for grouping, curve in lines:
        cells = [grouping, everyone if grouping == everyone else group_label(curve.label), curve.n]
        for d in days:
            point = curve.at.get(d)
            cells += [rounded(v) for v in point] if point else [None, None, None]
        rows.append(cells + [None if curve.median is None else int(curve.median)])
    return header, rows


def leavers_table(stats: dict) -> tuple[list[str], list[list]]:
    """Who left, and why: per end reason, how many left within their first year and how many in all."""
    from hiring.labels import END_REASON_LABELS

    header = [_("end reason"), _("within the first year"), _("all time")]
    return header, [[str(END_REASON_LABELS[reason]), stats["first_year_leavers"][reason], n]
                    for reason, n in stats["leavers"].items()]


def prediction_table(table, titles: dict) -> tuple[list[str], list[list]]:
    """Does our interview predict: per item and outcome, n, the observed r with its 95% interval, the r
    corrected for range restriction with its interval, and the verdict (empty below the minimum n, where the
    page shows no figure)."""
    header = [_("outcome"), _("item"), _("kind"), _("job"), "n", "r", _("%(level)s low", level="95%"),
              _("%(level)s high", level="95%"), _("corrected r"), _("corrected low"), _("corrected high"),
              _("predicts")]
    kinds = {"axis": _("axis"), "value": _("core value"), "requirement": _("requirement")}
    rows: list[list] = []
    for outcome, title in titles.items():
        for row in table.rows:
            finding = row.findings.get(outcome)
            if finding is None:
                continue
            cells = [str(title), row.item.name, kinds[row.item.kind], row.item.job or "", finding.n]
            if finding.shown:
                c = finding.corrected
                cells += [rounded(finding.observed.r), rounded(finding.observed.low), rounded(finding.observed.high),
                          rounded(c.r) if c else None, rounded(c.low) if c else None, rounded(c.high) if c else None,
                          _yes_no(bool(finding.verdict))]
            else:
                cells += [None] * 7
            rows.append(cells)
    return header, rows


def dossier_ratings_table(data: dict) -> tuple[list[str], list[list]]:
    """The ratings behind one decision: per item and interviewer, the score (empty for "no evidence", which
    has its own column). The evidence written beside each score is in the dossier itself."""
    from hiring.labels import KIND_LABELS

    header = [_("kind"), _("item"), _("must have"), _("interviewer"), _("interview"), _("score"), _("no evidence")]
    kinds = {"requirement": _("requirement"), "value": _("core value")}
    cards = {card.id: card for card in data["cards"]}
    rows = []
    for row in data["rows"]:
        for card_id, rating in row.cells.items():
            card = cards[card_id]
            rows.append([kinds.get(row.kind, row.kind), row.name, _yes_no(row.must_have),
                         card.assignment.interviewer.name, str(KIND_LABELS[card.assignment.kind]),
                         None if rating.no_evidence else rating.score, _yes_no(rating.no_evidence)])
    return header, rows


def stage_history_table(data: dict) -> tuple[list[str], list[list]]:
    """The application's stage changes, oldest first: when (ISO 8601, UTC), to which stage, by whom, why."""
    from hiring.labels import STAGE_LABELS

    header = [_("when"), _("to"), _("by"), _("why")]
    return header, [[change.changed_at.isoformat(), str(STAGE_LABELS[change.to_stage]), who or "", change.reason or ""]
                    for change, who in data["history"]]
