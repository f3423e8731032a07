"""Pages of long lists whose cost does not grow with the list: a cheap count and a page found through its keys.

Flask-SQLAlchemy's `db.paginate` counts by wrapping the whole statement (its joins too) in `count(*)`, and reads
a deep page with OFFSET over the joined rows. At 100,000 candidates both cost a scan. A `ListPage` counts with a
statement of the list's own choosing (its filters on one table, which an index answers) and reads a page in one
query whose inner part finds the page's keys in an index (OFFSET skips index entries, not joined rows) and whose
outer part loads only those rows. It is a `Pagination`, so `macros/pagination.html` and templates work unchanged.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import Session

from hiring.bounds import page_number


class ListPage(Pagination):
    """A page: `rows(limit, offset)` gives the statement of the page's rows, `total` the statement of the count."""

    def _query_items(self) -> list:
        rows: Callable[[int, int], sa.Select] = self._query_args["rows"]
        session: Session = self._query_args["session"]
        return list(session.execute(rows(self.per_page, (self.page - 1) * self.per_page)).unique().scalars())

    def _query_count(self) -> int:
        return self._query_args["session"].scalar(self._query_args["total"])

    @property
    def capped(self) -> bool:
        """The count stopped at the list's cap (`count_cap`): the true total is larger and unknown."""
        cap = self._query_args.get("count_cap")
        return cap is not None and self.total > cap

    @property
    def has_next(self) -> bool:
        # Past a capped count there may be more: a full page offers the next.
        if self.capped:
            return len(self.items) == self.per_page
        return super().has_next


def list_page(session: Session, rows: Callable[[int, int], sa.Select], count: sa.Select, *, page: int | None = None,
              per_page: int, count_cap: int | None = None) -> ListPage:
    """A page of a list (the page number from ?page= unless given); past the end, no rows and the true total.
    With `count_cap`, `count` counts at most one more than the cap and the pager says "Page N" without "of M"."""
    if page is None:
        page = page_number(per_page)
    return ListPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False, session=session, rows=rows,
                    total=count, count_cap=count_cap)


def keys_then_rows(keys: sa.Select, load: sa.Select, key: sa.ColumnElement,
                   order: tuple) -> Callable[[int, int], sa.Select]:
    """`rows(limit, offset)` for a list read in two steps in one query: the page's keys (`keys`, ordered, which
    should be answerable from an index), then `load` of the rows whose `key` is one of them, in the same order."""

    def rows(limit: int, offset: int) -> sa.Select:
        return load.where(key.in_(keys.limit(limit).offset(offset))).order_by(*order)

    return rows


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: the column, its direction, whether its NULLs come last, and how to read
    its value from a row of the page (for the cursor that the next page starts after)."""

    column: sa.ColumnElement
    descending: bool
    value: Callable[[object], object]
    nulls_last: bool = False

    @property
    def ordering(self) -> sa.ColumnElement:
        order = self.column.desc() if self.descending else self.column.asc()
        return sa.nulls_last(order) if self.nulls_last else order

    @property
    def reversed(self) -> sa.ColumnElement:
        """The opposite order, for reading the rows before a cursor: a nulls-last column's NULLs come first."""
        order = self.column.asc() if self.descending else self.column.desc()
        return sa.nulls_first(order) if self.nulls_last else order

    def _beyond(self, value, forward: bool) -> sa.ColumnElement:
        """Rows whose value of this column comes strictly after (forward) or before `value` in the order."""
        if value is None:  # only a nulls-last column holds NULLs: nothing after them, every value before them
            return sa.false() if forward else self.column.is_not(None)
        later = self.column < value if self.descending == forward else self.column > value
        return sa.or_(later, self.column.is_(None)) if self.nulls_last and forward else later

    def _same(self, value) -> sa.ColumnElement:
        return self.column.is_(None) if value is None else self.column == value

    def parse(self, raw) -> object:
        """A value read back from a cursor, of the column's type (ValueError or TypeError when it is not)."""
        if raw is None:
            if not self.nulls_last:
                raise ValueError("NULL in a column without NULLs")
            return None
        column_type = self.column.type
        kind = (column_type.impl_instance if isinstance(column_type, sa.TypeDecorator) else column_type).python_type
        if kind is datetime:
            return datetime.fromisoformat(raw)
        if kind is float:
            return float(raw)
        if kind is int and not isinstance(raw, bool):
            return int(raw)
        if kind is str and isinstance(raw, str):
            return raw
        raise TypeError(f"not a {kind.__name__}")


def beyond(keys: tuple[SortKey, ...], values: list, forward: bool) -> sa.ColumnElement:
    """Rows after (forward) or before the row whose sort values are `values`, in the order of `keys`:
    lexicographic, with ties broken by the later keys (the last is unique, an id). Without NULLs and in one
    direction it is a row-value comparison, which both databases answer from an index range."""
    if len({k.descending for k in keys}) == 1 and all(v is not None for v in values):
        if not any(k.nulls_last for k in keys) or not forward:
            return _row_beyond(keys, values, forward)
    clauses = []
    for i, key in enumerate(keys):
        clauses.append(sa.and_(*(k._same(v) for k, v in zip(keys[:i], values[:i])), key._beyond(values[i], forward)))
    return sa.or_(*clauses)


def _row_beyond(keys: tuple[SortKey, ...], values: list, forward: bool) -> sa.ColumnElement:
    """The row-value comparison of `beyond` (keys in one direction, values not NULL); NULLs never satisfy it."""
    left = sa.tuple_(*(k.column for k in keys))
    right = sa.tuple_(*(sa.literal(v, k.column.type) for k, v in zip(keys, values)))
    return left < right if keys[0].descending == forward else left > right


def ranges(keys: tuple[SortKey, ...], values: list, forward: bool) -> list[sa.ColumnElement]:
    """`beyond` as disjoint conditions that an index in the list's order answers each as one range, in the
    list's order. A list "highest first, unscored last" (a nulls-last first key, then the id) continues past
    a scored row into the scored rows after it *and* all the unscored ones: two ranges, where one condition
    with OR made PostgreSQL walk the index from its start (510 ms for a page 300,000 rows deep, 6 ms as two).
    Other orders are one condition."""
    first, rest = keys[0], keys[1:]
    simple = (first.nulls_last and len({k.descending for k in keys}) == 1 and not any(k.nulls_last for k in rest)
              and all(v is not None for v in values[1:]))
    if not simple:
        return [beyond(keys, values, forward)]
    if values[0] is None:  # the cursor is among the unscored rows, which are ordered by the rest alone
        among = sa.and_(first.column.is_(None), beyond(rest, values[1:], forward))
        return [among] if forward else [first.column.is_not(None), among]
    scored = _row_beyond(keys, values, forward)
    return [scored, first.column.is_(None)] if forward else [scored]


def encode_cursor(keys: tuple[SortKey, ...], row) -> str:
    """The sort values of a row as a URL-safe token (JSON, base64): what the next or previous page starts at."""
    values = [key.value(row) for key in keys]
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(keys: tuple[SortKey, ...], token: str) -> list | None:
    """The sort values in a token, or None for a token that is not one of ours (an edited or truncated link:
    the list then starts at its first page)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            return None
        return [key.parse(value) for key, value in zip(keys, raw)]
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        return None


# How deep a page number without a cursor is still read with OFFSET: 20 pages of 50 are 1,000 index entries.
OFFSET_PAGES = 20


class KeysetPage(ListPage):
    """A page found from the row it follows (?after=) or precedes (?before=), so that a deep page costs what
    the first does: OFFSET would walk every entry before it (623 ms for the last page of a million
    applications). ?page= only labels the page ("Page 7 of 20"); a page number without a cursor (an old
    link, or one typed by hand) is read with OFFSET up to OFFSET_PAGES deep, and deeper starts the list again
    at its first page (`restarted`), so that no link costs more than a few pages' index entries."""

    restarted = False  # an old page-number link too deep for OFFSET: the first page is shown instead

    def _query_items(self) -> list:
        args = self._query_args
        cursor, forward = args["cursor"]
        if cursor is None:
            return super()._query_items()
        statement = args["listing"].seek(self.per_page, cursor, forward)
        return list(args["session"].execute(statement).unique().scalars())

    def link_args(self, forward: bool) -> dict:
        """The query arguments of the next (forward) or previous page: its number and its cursor."""
        keys = self._query_args["listing"].sort
        number = self.page + 1 if forward else self.page - 1
        if number <= 1 or not self.items:  # the first page is the list without a cursor
            return {"page": number}
        if forward:
            return {"page": number, "after": encode_cursor(keys, self.items[-1])}
        return {"page": number, "before": encode_cursor(keys, self.items[0])}


@dataclass(frozen=True)
class ListQuery:
    """A list as statements: `keys` selects the ids in the list's order (filters applied; it should be answerable
    from an index), `load` the rows of given ids with what they show, `key` the id column, `sort` the order
    (its last key unique) and `total` the count."""

    keys: sa.Select
    load: sa.Select
    key: sa.ColumnElement
    sort: tuple[SortKey, ...]
    total: sa.Select
    count_cap: int | None = None  # `total` counts at most one more than this (a broad search's count)

    @property
    def order(self) -> tuple:
        return tuple(k.ordering for k in self.sort)

    @property
    def rows(self) -> Callable[[int, int], sa.Select]:
        """`rows(limit, offset)`: a page by its number (see keys_then_rows)."""
        return keys_then_rows(self.keys, self.load, self.key, self.order)

    def seek(self, limit: int, cursor: list, forward: bool) -> sa.Select:
        """The `limit` rows after (forward) or before the row whose sort values are `cursor`, in order.

        When the rows beyond the cursor are two index ranges (see `ranges`), the first `limit` of each are read
        apart and the page is cut from those: one condition with OR would walk the index from its start."""
        direction = self.order if forward else tuple(k.reversed for k in self.sort)
        parts = ranges(self.sort, cursor, forward)
        if len(parts) == 1:
            inner = self.keys.where(parts[0]).order_by(None).order_by(*direction).limit(limit)
        else:
            # Each part in a subquery of its own: SQLite allows no ORDER BY or LIMIT in a compound's parts.
            firsts = sa.union_all(*(
                sa.select(ids.c[0]) for ids in (self.keys.where(part).order_by(None).order_by(*direction)
                                                .limit(limit).subquery() for part in parts))).subquery()
            inner = (self.keys.where(self.key.in_(sa.select(firsts.c[0]))).order_by(None).order_by(*direction)
                     .limit(limit))
        return self.load.where(self.key.in_(inner)).order_by(*self.order)


def keyset_page(session: Session, listing: ListQuery, *, per_page: int) -> KeysetPage:
    """A page of a list, starting from the cursor in ?after= or ?before= when there is one (see KeysetPage),
    else from ?page=."""
    cursor, forward = None, True
    token = request.args.get("after") or request.args.get("before")
    if token:
        cursor, forward = decode_cursor(listing.sort, token), bool(request.args.get("after"))
    # A cursor that is not ours (an edited link) starts the list again, at page 1.
    page = 1 if token and cursor is None else page_number(per_page)
    # A page number without a cursor is read with OFFSET, whose cost grows with the depth (551 ms for an old
    # link 300,000 rows deep at a million candidates); the app's own links all carry a cursor, so only an old
    # bookmark goes deep, and it starts again at the first page instead.
    restarted = cursor is None and page > OFFSET_PAGES
    result = KeysetPage(page=1 if restarted else page, per_page=per_page, max_per_page=per_page, error_out=False,
                        session=session, rows=listing.rows, total=listing.total, listing=listing,
                        cursor=(cursor, forward), count_cap=listing.count_cap)
    result.restarted = restarted
    return result
