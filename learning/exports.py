"""CSV and XLSX downloads of dashboard tables, built row by row so that a large table never
sits in memory: CSV streams to the client, XLSX goes through openpyxl's write-only mode
into a temporary file that is sent, then deleted."""

import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal
from tempfile import NamedTemporaryFile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from learning.dashboard_columns import Link

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to spreadsheet programs: names typed by
# users must not run as one (CSV injection), so they get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """What a spreadsheet cell holds for ``value``: None, a number, a date, or text that
    cannot be taken for a formula. Aware datetimes become naive local time (Excel has no
    time zones)."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    text = str(value.url if isinstance(value, Link) else value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_text(value) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object that hands back what is written, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_response(*, filename: str, headers: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV download (with a byte-order mark, so that spreadsheet programs
    read accents right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(header) for header in headers])
        for row in rows:
            yield writer.writerow([_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    *, filename: str, sheet_title: str, headers: list, rows: Iterable[list]
) -> FileResponse:
    """An XLSX download with one sheet: a bold header row, then ``rows``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=cell_value(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell_value(value) for value in row])
    # Deleted when the response closes it, once sent.
    output = NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
