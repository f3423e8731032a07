"""Pages of long lists whose cost does not grow with the list: a cheap count and a page found through its keys.

Flask-SQLAlchemy's `db.paginate` counts by wrapping the whole statement (its joins too) in `count(*)`, and reads
a deep page with OFFSET over the joined rows. At 100,000 candidates both cost a scan. A `ListPage` counts with a
statement of the list's own choosing (its filters on one table, which an index answers) and reads a page in one
query whose inner part finds the page's keys in an index (OFFSET skips index entries, not joined rows) and whose
outer part loads only those rows. It is a `Pagination`, so `macros/pagination.html` and templates work unchanged.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
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


def list_page(session: Session, rows: Callable[[int, int], sa.Select], count: sa.Select, *, page: int | None = None,
              per_page: int) -> ListPage:
    """A page of a list (the page number from ?page= unless given); past the end, no rows and the true total."""
    if page is None:
        page = page_number(per_page)
    return ListPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False, session=session, rows=rows,
                    total=count)


def keys_then_rows(keys: sa.Select, load: sa.Select, key: sa.ColumnElement,
                   order: tuple) -> Callable[[int, int], sa.Select]:
    """`rows(limit, offset)` for a list read in two steps in one query: the page's keys (`keys`, ordered, which
    should be answerable from an index), then `load` of the rows whose `key` is one of them, in the same order."""

    def rows(limit: int, offset: int) -> sa.Select:
        return load.where(key.in_(keys.limit(limit).offset(offset))).order_by(*order)

    return rows
