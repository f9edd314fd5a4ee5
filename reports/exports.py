"""Dashboard tables as CSV and XLSX: the same ``Table`` rows the page shows, footnotes
(why a figure is not shown) included, so suppression travels with the figures."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpResponse

from .queries import Table

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe(text: str) -> str:
    """Names typed by people must not run as spreadsheet formulas."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _lines(table: Table, as_of: date) -> list[list[str]]:
    lines = [[table.title, f"As at {as_of:%d/%m/%Y}"], table.columns]
    lines += [[_safe(text) for text in row] for row in table.plain_rows()]
    for number, note in enumerate(table.notes, start=1):
        lines.append([f"[{number}] {note}"])
    return lines


def table_response(table: Table, fmt: str, *, name: str, as_of: date) -> HttpResponse:
    filename = f"{name}-{table.key}-{as_of:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        # A BOM, so Excel opens the UTF-8 file with its accents and dashes intact.
        buffer.write("\ufeff")
        csv.writer(buffer).writerows(_lines(table, as_of))
        content: bytes = buffer.getvalue().encode("utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        # Excel refuses these in a sheet's name (and names longer than 31 characters).
        sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31].strip()
        for line in _lines(table, as_of):
            sheet.append(line)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B3"
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
