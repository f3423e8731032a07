"""Bulk inserts from column arrays, in chunks, with progress: the generator's only way of writing rows.

Columns are NumPy arrays or lists, one value per row, or a single value for every row. Dates are
`datetime64[D]` arrays (NaT for null), points in time `datetime64[s]` or finer (NaT for null, stored as UTC
through the models' own column types), so that the rows go through exactly the types the app writes with.
"""
from __future__ import annotations

import sys
import time
from datetime import timezone

import numpy as np
import sqlalchemy as sa

CHUNK = 20_000


def _python(values, start: int, stop: int) -> list:
    """One chunk of a column as plain Python values the database driver accepts."""
    if not isinstance(values, (np.ndarray, list)):
        return [values] * (stop - start)
    part = values[start:stop]
    if isinstance(part, list):
        return part
    if part.dtype.kind == "M":
        if np.datetime_data(part.dtype)[0] == "D":
            return part.tolist()  # dates; NaT becomes None
        return [None if t is None else t.replace(tzinfo=timezone.utc) for t in part.astype("datetime64[us]").tolist()]
    return part.tolist()


def _column(values: list):
    """A list of values as a column: NumPy datetimes become an array of their kind, the rest stays a list."""
    if any(isinstance(v, np.datetime64) for v in values):
        return np.array(values, dtype=next(v.dtype for v in values if isinstance(v, np.datetime64)))
    return values


def nullable(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """An object array of Python values with None where `missing` is true."""
    out = np.array(values.tolist(), dtype=object)
    out[missing] = None
    return out


def _defaults(table: sa.Table, columns: dict) -> dict:
    """The Python-side scalar defaults of the columns not given (what a Core insert would fill in)."""
    out = {}
    for column in table.columns:
        if column.key in columns or column.primary_key or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"give {table.name}.{column.key}: its default is computed per row")
        out[column.key] = column.default.arg
    return out


class Loader:
    """Inserts rows table by table on one connection, committing per chunk, and reports rows per second."""

    def __init__(self, connection: sa.Connection, *, quiet: bool = False, out=sys.stderr):
        self.connection = connection
        self.quiet = quiet
        self.out = out
        self.timings: dict[str, tuple[int, float]] = {}
        self.started = time.perf_counter()

    def insert(self, table: sa.Table, columns: dict, rows: int | None = None) -> int:
        """Insert `rows` rows (the length of the first array column by default); returns how many.

        Values go through each column's own bind processor (the model's types), a column at a time, and
        then to the driver's executemany: the same stored values as an ORM insert, without the per-row
        work of building and compiling parameters.
        """
        if rows is None:
            rows = next(len(v) for v in columns.values() if isinstance(v, (np.ndarray, list)))
        columns = {**_defaults(table, columns), **columns}
        dialect = self.connection.dialect
        compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
        names = list(compiled.positiontup) if compiled.positional else list(columns)
        processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
        sql = str(compiled)
        began = last = time.perf_counter()
        for start in range(0, rows, CHUNK):
            stop = min(start + CHUNK, rows)
            chunk = []
            for name, process in zip(names, processors):
                values = _python(columns[name], start, stop)
                chunk.append(values if process is None else [process(v) for v in values])
            params = list(zip(*chunk)) if compiled.positional else [dict(zip(names, row)) for row in zip(*chunk)]
            with self.connection.begin():
                self.connection.exec_driver_sql(sql, params)
            now = time.perf_counter()
            if not self.quiet and now - last > 2 and stop < rows:
                self._say(f"  {table.name:22} {stop:>10,} / {rows:,} rows, {stop / (now - began):,.0f} rows/s")
                last = now
        elapsed = time.perf_counter() - began
        done, before = self.timings.get(table.name, (0, 0.0))
        self.timings[table.name] = (done + rows, before + elapsed)
        if not self.quiet:
            rate = rows / elapsed if elapsed > 0 else 0
            self._say(f"{table.name:24} {rows:>10,} rows in {elapsed:6.1f} s ({rate:,.0f} rows/s)")
        return rows

    def insert_rows(self, table: sa.Table, rows: list[dict]) -> int:
        """Insert a short list of row dicts (NumPy scalars allowed)."""
        if not rows:
            return 0
        names = list(rows[0])
        return self.insert(table, {name: _column([row[name] for row in rows]) for name in names}, len(rows))

    def step(self, label: str, seconds: float) -> None:
        """Report a step that is not an insert (making the data, recomputing scores)."""
        if not self.quiet:
            self._say(f"{label:24} {'':>10}      in {seconds:6.1f} s")

    def _say(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {text}", file=self.out, flush=True)
