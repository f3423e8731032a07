"""Cursor paging for the API's lists: items in id order, at most `limit` of them after an opaque cursor, and the
cursor of the next page (null on the last). A cursor is the last id read, encoded, so that a list that grows
while it is read neither repeats nor skips an item, and no page costs more than its own rows."""
from __future__ import annotations

import base64

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, fields, validate, validates

from hiring.bounds import MAX_ID

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The id a cursor stands for; ValueError for anything that is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor") from None
    kind, _colon, value = text.partition(":")
    if kind != "id" or not value.isdigit() or len(value) > 18 or int(value) > MAX_ID:
        raise ValueError("not a cursor")
    return int(value)


class PageArgs(Schema):
    """?limit=&after= of every list."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"At most this many items (1-{MAX_LIMIT})."})
    after = fields.String(load_default=None, metadata={"description": "The `next` cursor of the previous page."})

    @validates("after")
    def _cursor(self, value, **_kwargs):
        if value is not None:
            try:
                decode(value)
            except ValueError:
                raise ValidationError("Not a cursor this API gave out.") from None


def page(session, stmt: sa.Select, id_column, args: dict) -> tuple[list, str | None]:
    """One page of `stmt` (which selects rows with `id_column`), and the next cursor."""
    if args.get("after"):
        stmt = stmt.where(id_column > decode(args["after"]))
    limit = args["limit"]
    rows = list(session.scalars(stmt.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(rows[-1].id) if more and rows else None


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`: {"items": [...], "next": cursor or null}."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item)),
                             "next": fields.String(allow_none=True)}, name=name)
