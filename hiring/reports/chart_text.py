"""What each chart of a PDF shows, in words: its text alternative in the tagged PDF (a screen reader reads it
where a sighted reader looks at the lines), in the reader's language.

Each alternative says what kind of chart it is, what it is about, and the figures a reader takes from it:
retention a year after the start per line (or the last checkpoint reached), and for the forest plots which items'
whole interval lies above zero. The exact figures are in the table beside each chart.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from hiring.labels import decimal, group_label, percent

# The checkpoints (days after the start) a retention line is read at, latest first: a year, else what it reached.
READ_AT = (365, 180, 90, 30)


def _line(curve, named: bool = True) -> str:
    """One retention line in words: "90 and over: 91% still employed after 365 days (120 people)"; the line of
    all hires (`named` False) without its group."""
    for day in READ_AT:
        point = curve.at.get(day)
        if point:
            share = {"share": percent(point[0]), "days": day, "n": curve.n}
            if not named:
                return _("%(share)s of %(n)d hires still employed after %(days)d days", **share)
            return _("%(group)s: %(share)s still employed after %(days)d days (%(n)d people)",
                     group=group_label(curve.label), **share)
    if not named:
        return _("%(n)d hires, too recent to read", n=curve.n)
    return _("%(group)s: %(n)d people, too recent to read", group=group_label(curve.label), n=curve.n)


def retention_alt(which: str, curves: Sequence) -> str:
    """The text alternative of a retention chart ("all", "band" or "cohort") drawn from `curves`."""
    # The level as a value: "95% c" would read as a %-format to the catalogue tools.
    about = {"all": _("Line chart: the share of all hires still employed, by days since their start, with its "
                      "%(level)s confidence band.", level="95%"),
             "band": _("Line chart: among those who stayed after The Offer, the share still employed by days since "
                       "their start, a line per values-fit band at hiring."),
             "cohort": _("Line chart: among those who stayed after The Offer, the share still employed by days since "
                         "their start, a line per year of start.")}[which]
    return f"{about} {'; '.join(_line(curve, named=which != 'all') for curve in curves)}."


def forest_alt(rows: Sequence[tuple]) -> str:
    """The text alternative of a forest plot of prediction_rows (name, r, low, high, corrected r): how many
    items, and which of them have their whole interval above zero."""
    above = [_("%(item)s (r = %(r)s, %(low)s to %(high)s)", item=name, r=decimal(r, 2), low=decimal(low, 2),
               high=decimal(high, 2))
             for name, r, low, high, _corrected in rows if low is not None and low > 0]
    text = _("Forest plot of %(n)d items: each item's correlation (r) with the outcome, with its %(level)s interval "
             "and a line at zero.", n=len(rows), level="95%")
    if above:
        return " ".join((text, _("Whole interval above zero: %(items)s.", items="; ".join(above))))
    return " ".join((text, _("No item has its whole interval above zero.")))
