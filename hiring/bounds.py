"""Bounds on what people type or put in a URL, checked before it reaches the database or date arithmetic.

Ids are INTEGER columns (32 bits on PostgreSQL, 64 on SQLite) and OFFSET is a 64-bit integer: a larger number
in a path or a query string made the driver fail (NumericValueOutOfRange on PostgreSQL, OverflowError on SQLite),
a 500. Dates far from today made `date + timedelta` overflow (9999-12-31 plus a week). A NUL character in any
text made PostgreSQL refuse the statement (its text types cannot hold one), a 500 in every form and search box.
The web shell registers the bounded `int` converter and the NUL check once; views read query-string integers
through `query_int` and page numbers through `page_number`.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Flask, request
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL, the type of every id column (SQLite's holds more)
MAX_OFFSET = 2**63 - 1  # the largest BIGINT, what LIMIT and OFFSET take

# A hire may be entered up to a year late (back-dated) and planned up to two years ahead: wider than any real
# start date, narrow enough that every due date, anniversary and report window stays far inside `date`'s range.
START_DATE_PAST_DAYS = 365
START_DATE_FUTURE_DAYS = 2 * 365

# The audit log's filters: nothing was recorded before this software existed, nor after today; a year's slack
# after today lets a bookmarked "to" date keep working.
AUDIT_EARLIEST = date(2000, 1, 1)
AUDIT_FUTURE_DAYS = 365


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only what fits an id column, so that a larger number is a 404, not a 500."""

    # ASCII digits only: Werkzeug's `\d+` also matches other scripts' digits, which int() reads, so that
    # /values/٣/edit was value 3's page under a second address (found by tests/test_fuzz_forms.py).
    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        self.max = MAX_ID if self.max is None else min(self.max, MAX_ID)


def init_app(app: Flask) -> None:
    """Replace the `int` converter and refuse NUL characters; call before any blueprint registers its routes."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_characters)


def refuse_nul_characters():
    """before_request: a query string, form value or JSON body holding a NUL character is refused whole (400).

    Refused rather than stripped: no keyboard types one, so it was pasted from a binary file or crafted, and
    nobody can see what a silently changed value became. Checked for every request in one place, since
    PostgreSQL refuses it in any text column or comparison (SQLite stores it, and the next export carries it).
    Files are not checked here: the CSV import refuses binary data with its own message."""
    held = any("\x00" in value for values in (*request.args.listvalues(), *request.form.listvalues())
               for value in values)
    if not held and request.is_json:  # the JSON API: a NUL written raw or as the escape \u0000
        body = request.get_data(cache=True)
        held = b"\x00" in body or b"\\u0000" in body.lower()
    if held:
        from hiring.errorpages import render_error

        return render_error(400, _("What you sent holds a NUL character, an invisible control character "
                                   "that no text here may contain. Nothing was saved: go back, type the "
                                   "text again rather than pasting it, and send it once more."))
    return None


def to_int(value, default: int | None = None, *, low: int = -MAX_ID, high: int = MAX_ID) -> int | None:
    """`value` as an integer within [low, high]; `default` for anything else (not a number, out of range)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def query_int(name: str, default: int | None = None, *, low: int = -MAX_ID, high: int = MAX_ID) -> int | None:
    """A query-string integer within bounds, `default` when absent, not a number or out of range (ignored)."""
    return to_int(request.args.get(name), default, low=low, high=high)


def page_number(per_page: int, name: str = "page") -> int:
    """?page= (or the argument `name`, for a page with several lists) from 1 to the last page whose offset the
    database can hold; 1 for anything else (as for 'abc')."""
    return to_int(request.args.get(name), 1, low=1, high=MAX_OFFSET // per_page)


def start_date_window(today: date) -> tuple[date, date]:
    """The earliest and latest start date a hire may be given on `today` (both included)."""
    return today - timedelta(days=START_DATE_PAST_DAYS), today + timedelta(days=START_DATE_FUTURE_DAYS)


def audit_date_window(today: date) -> tuple[date, date]:
    """The earliest and latest date the audit log's filters accept on `today` (both included)."""
    return AUDIT_EARLIEST, today + timedelta(days=AUDIT_FUTURE_DAYS)


def date_outside(value: date, earliest: date, latest: date) -> str | None:
    """The message for a typed date outside [earliest, latest] (both included), None when it lies inside."""
    if earliest <= value <= latest:
        return None
    return _("Give a date between %(earliest)s and %(latest)s.", earliest=format_date(earliest, "long"),
             latest=format_date(latest, "long"))


