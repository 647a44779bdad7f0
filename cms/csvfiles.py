"""Reading CSV files people upload: RFC 4180 quoting (a ``""`` inside quotes is one quote),
only the delimiter guessed from the first line, and every fault reported with its line."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

DELIMITERS = ",;\t"


class CsvFileError(Exception):
    """The file cannot be read at ``line``; ``message`` says why, in the active language."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class _Rfc4180(csv.excel):
    """Excel's dialect is RFC 4180's: comma, double-quote quoting, ``""`` escapes, CRLF."""


def _delimiter(first_line: str) -> str:
    """The candidate delimiter found most often in the header line (comma on a tie)."""
    counts = {candidate: first_line.count(candidate) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def csv_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (with or without a byte-order mark). Raises CsvFileError for
    other encodings and for NUL characters, which no text file holds."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(1, _("The file is not UTF-8 text.")) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvFileError(line, _("This line holds a NUL character; the file is not text."))
    return text


def csv_reader(text: str):
    """A ``csv.reader`` over ``text`` in the RFC 4180 dialect with the first line's delimiter."""
    first_line = text.split("\n", 1)[0]
    dialect = type("Uploaded", (_Rfc4180,), {"delimiter": _delimiter(first_line)})
    return csv.reader(io.StringIO(text, newline=""), dialect=dialect)


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` for each record of ``text`` (the line where it starts).
    Raises CsvFileError, with the line, for what the csv module cannot read (a field over its
    size limit, a stray quote)."""
    reader = csv_reader(text)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                message = _("A value on this line is longer than %(max)s characters.") % {
                    "max": csv.field_size_limit()
                }
            else:
                message = _("This line cannot be read as CSV: check its quotation marks.")
            raise CsvFileError(line, message) from None
        yield line, row
