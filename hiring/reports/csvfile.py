"""CSV exports that open safely in a spreadsheet."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a leading quote.

    Numbers are left alone, so that -3 stays a number."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


# The byte-order mark a UTF-8 CSV starts with, so that Excel reads the accents.
BOM = "\ufeff"


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A header row and the rows as CSV text, every cell safe to open in a spreadsheet (no byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A UTF-8 CSV download (with a byte-order mark, so that Excel reads the accents) and a header row."""
    return Response(BOM + csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def pdf_response(filename: str, pdf: bytes) -> Response:
    """A PDF download with its file name."""
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
