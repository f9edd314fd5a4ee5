"""Reading and checking a staff list exported from an HR system (CSV or XLSX).

Two steps, so that nothing is written until a person has seen what will happen:
``read_table`` turns the file into rows (or refuses the whole file with one message), and
``check_rows`` works out, row by row, what applying it would do — new, updated, unchanged
or rejected with reasons. ``cohorts.services.staff_import_apply`` runs the same check
again and applies it all in one transaction, or nothing at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from commissioning.models import Service

from .models import StaffMember

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = [
    "full_name",
    "email",
    "job_title",
    "role",
    "service",
    "line_manager_email",
    "start_date",
    "newly_qualified",
]
REQUIRED_COLUMNS = ["full_name", "email", "job_title", "service", "start_date"]
# Headings some HR systems use for our columns.
COLUMN_ALIASES = {"work_email": "email", "email_address": "email", "name": "full_name"}
EXAMPLE_ROW = [
    "Sam Taylor",
    "sam.taylor@example.org",
    "Family practitioner",
    "Practitioner",
    "Family Help North",
    "alex.morgan@example.org",
    "01/09/2025",
    "no",
]
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
FIELD_LABELS = {
    "full_name": "Name",
    "job_title": "Job title",
    "role": "Role",
    "service": "Service",
    "line_manager": "Line manager",
    "start_date": "Start date",
    "newly_qualified": "Newly qualified",
    "is_active": "Active",
}


class FileProblem(ValidationError):
    """The file as a whole cannot be read: one message, and no rows."""


@dataclass
class Table:
    columns: list[str]  # normalised headings, in file order
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, values)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class RowCheck:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = "rejected"  # "new", "update", "unchanged" or "rejected"
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    existing: StaffMember | None = None

    @property
    def email(self) -> str:
        return self.values.get("email", "")


@dataclass
class ImportCheck:
    rows: list[RowCheck]
    ignored_columns: list[str]

    def _with(self, action: str) -> list[RowCheck]:
        return [row for row in self.rows if row.action == action]

    @property
    def new(self) -> list[RowCheck]:
        return self._with("new")

    @property
    def updated(self) -> list[RowCheck]:
        return self._with("update")

    @property
    def unchanged(self) -> list[RowCheck]:
        return self._with("unchanged")

    @property
    def rejected(self) -> list[RowCheck]:
        return self._with("rejected")

    @property
    def change_count(self) -> int:
        return len(self.new) + len(self.updated)

    @property
    def can_apply(self) -> bool:
        return not self.rejected and bool(self.new or self.updated)


# --- Reading the file ----------------------------------------------------------------------------


def read_table(content: bytes, file_name: str = "") -> Table:
    """The rows of a CSV or XLSX file, or a FileProblem saying why it cannot be used."""
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the limit is 5 MB. "
            "Split it into smaller files, or remove columns we do not use."
        )
    name = file_name.lower()
    if content.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        grid = _xlsx_grid(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise FileProblem(
            "This looks like an old Excel (.xls) file. Save it as an Excel workbook (.xlsx) "
            "or as CSV and upload that."
        )
    else:
        grid = _csv_grid(content)
    return _table_from(grid)


def decode_text(content: bytes) -> str:
    """Text from the bytes of a CSV: UTF-8 with or without a byte-order mark, UTF-16 with
    one (Excel's "Unicode text"), or else Windows-1252 (Excel's "CSV" on Windows)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise FileProblem(
        "We could not read the characters in this file. Save it as \u201cCSV UTF-8\u201d "
        "(or as an Excel workbook) and upload it again."
    )


def _csv_grid(content: bytes) -> list[list[str]]:
    text = decode_text(content)
    if "\x00" in text:
        raise FileProblem("This file does not look like a CSV file. Upload a CSV or XLSX file.")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some locales separate with semicolons; "Unicode text" uses tabs.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileProblem(f"This CSV file could not be read ({exc}).") from None


def _xlsx_grid(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise FileProblem(
            "This Excel file could not be opened. Save it again as an Excel workbook (.xlsx) "
            "or as CSV and upload that."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        grid = []
        for values in sheet.iter_rows(values_only=True, max_col=len(COLUMNS) * 4):
            grid.append([_cell_text(value) for value in values])
            if len(grid) > MAX_ROWS + 1:
                break
        return grid
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_heading(heading: str) -> str:
    key = "_".join(heading.replace("\ufeff", "").strip().lower().replace("-", " ").split())
    return COLUMN_ALIASES.get(key, key)


def _table_from(grid: list[list[str]]) -> Table:
    grid = [row for row in grid if any(cell.strip() for cell in row)]
    if not grid:
        raise FileProblem("The file is empty. Use the template: one row of headings, then staff.")
    headings = [normalise_heading(cell) for cell in grid[0]]
    repeated = sorted({h for h, n in Counter(h for h in headings if h).items() if n > 1})
    if repeated:
        raise FileProblem(f"These columns appear more than once: {', '.join(repeated)}.")
    missing = [column for column in REQUIRED_COLUMNS if column not in headings]
    if missing:
        raise FileProblem(
            f"The file is missing these columns: {', '.join(missing)}. The first row must "
            f"hold the column names from the template ({', '.join(COLUMNS)})."
        )
    if len(grid) == 1:
        raise FileProblem("The file has column headings but no staff rows.")
    if len(grid) - 1 > MAX_ROWS:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it into parts.")
    known = [(i, h) for i, h in enumerate(headings) if h in COLUMNS]
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        rows.append((number, {h: (cells[i] if i < len(cells) else "").strip() for i, h in known}))
    ignored = [
        cell.strip() for cell, h in zip(grid[0], headings, strict=True) if h and h not in COLUMNS
    ]
    return Table(columns=[h for _, h in known], rows=rows, ignored_columns=ignored)


# --- Checking the rows ---------------------------------------------------------------------------


def services_importable_by(user: User | AnonymousUser) -> list[Service]:
    """The services whose staff this user may import: their own (admins: all)."""
    from core.roles import roles_for

    roles = roles_for(user)
    services = Service.objects.select_related("organisation").order_by("name")
    if not roles.is_admin:
        services = services.filter(id__in=roles.managed_service_ids)
    return list(services)


def check_rows(table: Table, user: User | AnonymousUser) -> ImportCheck:
    """What applying these rows would do, row by row, in a constant number of queries."""
    services = services_importable_by(user)
    service_ids = {s.pk for s in services}
    by_name: dict[str, list[Service]] = {}
    for service in services:
        by_name.setdefault(service.name.lower(), []).append(service)
        by_name.setdefault(str(service).lower(), []).append(service)

    emails = [values.get("email", "").lower() for _, values in table.rows]
    manager_emails = [values.get("line_manager_email", "").lower() for _, values in table.rows]
    existing = _staff_by_email({e for e in emails + manager_emails if e})
    counts = Counter(e for e in emails if e)
    rows_of: dict[str, list[int]] = {}
    for number, values in table.rows:
        rows_of.setdefault(values.get("email", "").lower(), []).append(number)
    in_file = {e for e in emails if e}

    checks = []
    for number, values in table.rows:
        row = RowCheck(number=number, values=values)
        _check_row(row, table.columns, services, by_name)
        email = row.cleaned.get("email")
        if email and counts[email] > 1:
            others = ", ".join(str(n) for n in rows_of[email])
            row.errors.append(
                f"This email address appears more than once in the file (rows {others})."
            )
        if email:
            row.existing = existing.get(email)
            if row.existing is not None and row.existing.service_id not in service_ids:
                row.errors.append(
                    "This email address belongs to a staff record outside the services you "
                    "manage. Ask an administrator to move it first."
                )
        manager = row.cleaned.get("line_manager_email")
        if manager:
            known = existing.get(manager)
            if manager == email:
                row.errors.append("Nobody can be their own line manager.")
            elif manager not in in_file and (known is None or known.service_id not in service_ids):
                row.errors.append(
                    f"The line manager {manager} is neither in this file nor on the staff of "
                    "a service you manage."
                )
        _decide(row)
        checks.append(row)
    return ImportCheck(rows=checks, ignored_columns=table.ignored_columns)


def _staff_by_email(emails: Iterable[str]) -> dict[str, StaffMember]:
    from django.db.models.functions import Lower

    found = (
        StaffMember.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(emails))
        .select_related("service__organisation", "line_manager")
    )
    return {staff.email_lower: staff for staff in found}


def _check_row(row: RowCheck, columns: list[str], services: list[Service], by_name) -> None:
    values, errors, cleaned = row.values, row.errors, row.cleaned
    for column, label, limit in (("full_name", "Name", 200), ("job_title", "Job title", 200)):
        value = values.get(column, "")
        if not value:
            errors.append(f"{label} is missing.")
        elif len(value) > limit:
            errors.append(f"{label} is longer than {limit} characters.")
        else:
            cleaned[column] = value
    email = values.get("email", "").lower()
    if not email:
        errors.append("Email is missing.")
    elif not _is_email(email):
        errors.append(f"\u201c{values['email'][:100]}\u201d is not a valid email address.")
    else:
        cleaned["email"] = email

    if "role" in columns and values.get("role"):
        role = _role_from(values["role"])
        if role is None:
            choices = ", ".join(label for _, label in StaffMember.Role.choices)
            errors.append(f"Role \u201c{values['role'][:50]}\u201d is not one of: {choices}.")
        else:
            cleaned["role"] = role

    name = values.get("service", "")
    if not name and len(services) == 1:
        cleaned["service"] = services[0]
    elif not name:
        errors.append("Service is missing.")
    else:
        matches = {s.pk: s for s in by_name.get(name.lower(), [])}
        if not matches:
            errors.append(f"\u201c{name[:100]}\u201d is not one of the services you manage.")
        elif len(matches) > 1:
            errors.append(
                f"More than one service is called \u201c{name}\u201d: write it as "
                "\u201cService (Organisation)\u201d."
            )
        else:
            cleaned["service"] = next(iter(matches.values()))

    start = values.get("start_date", "")
    if not start:
        errors.append("Start date is missing.")
    else:
        parsed = parse_date(start)
        if parsed is None:
            errors.append(f"Start date \u201c{start[:30]}\u201d is not a date like 01/09/2025.")
        elif not date(1950, 1, 1) <= parsed <= timezone.localdate() + timedelta(days=366):
            errors.append(f"Start date {parsed:%d/%m/%Y} is not a plausible start date.")
        else:
            cleaned["start_date"] = parsed

    if "newly_qualified" in columns and values.get("newly_qualified"):
        answer = values["newly_qualified"].lower()
        if answer in YES:
            cleaned["newly_qualified"] = True
        elif answer in NO:
            cleaned["newly_qualified"] = False
        else:
            errors.append("Newly qualified must be yes or no.")

    manager = values.get("line_manager_email", "").lower()
    if "line_manager_email" in columns and manager:
        if _is_email(manager):
            cleaned["line_manager_email"] = manager
        else:
            errors.append(f"Line manager email \u201c{manager[:100]}\u201d is not valid.")


def _decide(row: RowCheck) -> None:
    """Set the row's action, and for an existing person the changes it would make."""
    if row.errors:
        row.action = "rejected"
        return
    staff, cleaned = row.existing, row.cleaned
    if staff is None:
        row.action = "new"
        return
    changes = []
    pairs = [
        ("full_name", staff.full_name, cleaned["full_name"]),
        ("job_title", staff.job_title, cleaned["job_title"]),
        ("service", staff.service.name, cleaned["service"].name),
        ("start_date", f"{staff.start_date:%d/%m/%Y}", f"{cleaned['start_date']:%d/%m/%Y}"),
    ]
    if "role" in cleaned:
        pairs.append(("role", staff.get_role_display(), StaffMember.Role(cleaned["role"]).label))
    if "newly_qualified" in cleaned:
        pairs.append(
            ("newly_qualified", _yes_no(staff.newly_qualified), _yes_no(cleaned["newly_qualified"]))
        )
    if "line_manager_email" in cleaned:
        old = staff.line_manager.email.lower() if staff.line_manager else ""
        pairs.append(("line_manager", old or "none", cleaned["line_manager_email"]))
    if not staff.is_active:
        pairs.append(("is_active", "no", "yes"))
    for key, old, new in pairs:
        if old != new:
            changes.append((FIELD_LABELS[key], old, new))
    row.changes = changes
    row.action = "update" if changes else "unchanged"


def parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _is_email(value: str) -> bool:
    if len(value) > 254:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _role_from(value: str) -> str | None:
    wanted = value.strip().lower()
    for choice, label in StaffMember.Role.choices:
        if wanted in (choice, label.lower()):
            return choice
    return None


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def template_csv() -> str:
    """The template file: the column headings and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return out.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE_ROW)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
