"""Reading a CSV file as spreadsheet programs export it: RFC 4180 quoting, comma or semicolon, UTF-8."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

# Excel writes a semicolon where the decimal separator is a comma (Dutch, German, French locales).
DELIMITERS = (",", ";")


class UnreadableCsv(ValueError):
    """The file cannot be read as CSV; the message says why, for the person who uploaded it."""


def decode(data: bytes) -> str:
    """The file's text without a UTF-8 byte order mark; refuse binary data and other encodings."""
    if b"\x00" in data:
        raise UnreadableCsv(_("This is not a CSV file: it holds binary data."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableCsv(_("This is not a CSV file in UTF-8. Save it from your spreadsheet as "
                              "'CSV UTF-8' and try again.")) from None


def _reader(text: str, delimiter: str):
    # RFC 4180 whatever the file looks like, never a sniffed dialect: a doubled quote inside a quoted value
    # is one quote, line breaks inside quotes belong to the value, and (strict) a closing quote must be
    # followed by the delimiter or the end of the line, so that a stray quote is an error to correct
    # rather than a silently changed name.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                      escapechar=None, skipinitialspace=False, strict=True)


def choose_delimiter(text: str, known_columns: Iterable[str]) -> str:
    """Comma or semicolon: the one under which the header row names more known columns (comma on a tie)."""
    known = set(known_columns)
    best, best_score = DELIMITERS[0], -1
    for delimiter in DELIMITERS:
        try:
            header = next(_reader(text, delimiter), [])
        except csv.Error:
            continue  # read_records reports the problem with its row number
        score = len({column.strip().lower() for column in header} & known)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_records(text: str, known_columns: Iterable[str]) -> list[tuple[int, list[str]]]:
    """Every record with its row number as a spreadsheet shows it (the header is row 1, blank rows count)."""
    records: list[tuple[int, list[str]]] = []
    try:
        for record in _reader(text, choose_delimiter(text, known_columns)):
            records.append((len(records) + 1, record))
    except csv.Error as error:
        row = len(records) + 1
        # The csv module's messages are English and name no row; say what it means in the reader's language.
        if "field larger than field limit" in str(error):
            raise UnreadableCsv(_("Row %(row)d holds a value longer than %(kb)d KB: this is not a candidates "
                                  "file, or a quote is not closed.",
                                  row=row, kb=csv.field_size_limit() // 1024)) from None
        raise UnreadableCsv(_("Row %(row)d could not be read as CSV: a value that starts with a quote must end "
                              "with one, followed by the separator or the end of the line, and a quote inside "
                              "it must be doubled (\"\").", row=row)) from None
    return records
