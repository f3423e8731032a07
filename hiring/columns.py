"""Reading many rows as columns: the database joins the whole result into one text value, NumPy splits it.

At hundreds of thousands of rows the cost of a read is not the query but the driver's Python tuple per row
(and SQLAlchemy's Row and type processing on top): SQLite produced two million ratings in 0.3 s of CPU and
the driver took 1.3 s more to hand them over one tuple at a time. One aggregated string (group_concat on
SQLite, string_agg on PostgreSQL, both spelled `aggregate_strings` by SQLAlchemy) arrives as one Python
object and is parsed in C. The same SQL on both databases; one statement per read.

Rows come in no particular order (an aggregate keeps none): callers that need one sort the arrays. Only for
values whose text holds no comma: integers, dates and times (text columns are grouped by in SQL instead).
"""
from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

SEPARATOR = ","


def _text(session: Session, column) -> sa.ColumnElement:
    """A column as text; dates and times as ISO 8601 whatever PostgreSQL's DateStyle (SQLite stores them so)."""
    kind = getattr(column.type, "impl", column.type)
    if session.get_bind().dialect.name == "postgresql" and isinstance(kind, (sa.Date, sa.DateTime)):
        return sa.func.to_char(column, "YYYY-MM-DD HH24:MI:SS.US" if isinstance(kind, sa.DateTime) else "YYYY-MM-DD")
    return sa.cast(column, sa.Text)


def _joined(session: Session, stmt, nulls: bool) -> tuple[int, int, str]:
    """(rows, columns, every row's values joined by commas, rows joined by commas) of a select."""
    rows = stmt.subquery()
    fields = [_text(session, column) for column in rows.c]
    if nulls:
        fields = [sa.func.coalesce(field, "") for field in fields]
    line = fields[0]
    for field in fields[1:]:
        line = line + SEPARATOR + field
    count, text = session.execute(
        sa.select(sa.func.count(), sa.func.aggregate_strings(line, SEPARATOR)).select_from(rows)).one()
    return count, len(fields), text or ""


def int_columns(session: Session, stmt) -> np.ndarray:
    """The rows of a select of integer columns as one int64 array, rows x columns (in no particular order);
    one statement. A NULL is an error: group_concat would skip the row and shift every column after it."""
    count, width, text = _joined(session, stmt, nulls=False)
    values = np.fromstring(text, dtype=np.int64, sep=SEPARATOR) if count else np.zeros(0, dtype=np.int64)
    if len(values) != count * width:
        raise ValueError(f"expected {count} rows of {width} integers, read {len(values)} values (a NULL?)")
    return values.reshape(count, width)


def text_columns(session: Session, stmt) -> list[list[str]]:
    """The columns of a select as lists of their values' text ('' for NULL), in no particular row order but
    the same in every column; one statement. For numbers, dates and times: a value with a comma is an error."""
    count, width, text = _joined(session, stmt, nulls=True)
    values = text.split(SEPARATOR) if count else []
    if len(values) != count * width:
        raise ValueError(f"expected {count} rows of {width} values, read {len(values)} (a comma in a value?)")
    return [values[k::width] for k in range(width)]


def int_columns_by(session: Session, stmt, keys: int) -> list[tuple[tuple, np.ndarray]]:
    """The rows of a select grouped by its first `keys` columns (any type: labels, say), each group's other
    columns (integers) as an int64 array, rows x columns, as int_columns gives them; one statement. The
    database groups: a label is read once per group, not once per row."""
    rows = stmt.subquery()
    key_columns, fields = list(rows.c)[:keys], [_text(session, column) for column in list(rows.c)[keys:]]
    line = fields[0]
    for field in fields[1:]:
        line = line + SEPARATOR + field
    result = []
    for *key, count, text in session.execute(
            sa.select(*key_columns, sa.func.count(), sa.func.aggregate_strings(line, SEPARATOR))
            .group_by(*key_columns)):
        values = np.fromstring(text or "", dtype=np.int64, sep=SEPARATOR) if text else np.zeros(0, np.int64)
        if len(values) != count * len(fields):
            raise ValueError(f"expected {count} rows of {len(fields)} integers, read {len(values)} (a NULL?)")
        result.append((tuple(key), values.reshape(count, len(fields))))
    return result


def int_lists(session: Session, line: sa.ColumnElement, *also: sa.ColumnElement) -> tuple:
    """(rows, every row's `line` parsed into one int64 array, then the value of each of `also`) of one
    statement: `line` is a text column of comma-separated integers (never empty), as many as each row needs;
    `also`, scalar subqueries read in the same statement (the same snapshot of the data, on PostgreSQL too).
    Rows come in no particular order, each row's integers together: a caller that needs to know where each
    row begins marks it (a negative first integer, say)."""
    count, text, *rest = session.execute(
        sa.select(sa.func.count(line), sa.func.aggregate_strings(line, SEPARATOR), *also)).one()
    values = np.fromstring(text, dtype=np.int64, sep=SEPARATOR) if count else np.zeros(0, dtype=np.int64)
    return (count, values, *rest)
