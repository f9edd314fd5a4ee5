"""Journey 7: importing staff from an HR export (CSV or XLSX). A preview first; confirming
applies every row or none; re-importing updates by work email and never duplicates."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cohorts import services, staff_import
from cohorts.models import StaffImport, StaffMember
from tests import factories as f

HEADER = "full_name,email,job_title,role,service,line_manager_email,start_date,newly_qualified"


def csv_bytes(world, *rows, header=HEADER, encoding="utf-8"):
    lines = [header] + [row.format(service=world.service.name) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


ALEX = "Alex Morgan,alex.morgan@example.org,Team manager,Line manager,{service},,01/04/2019,no"
SAM_ALONE = "Sam Taylor,sam.taylor@example.org,Family practitioner,,{service},,2025-09-01,yes"
SAM = (
    "Sam Taylor,Sam.Taylor@example.org,Family practitioner,,{service},"
    "alex.morgan@example.org,2025-09-01,yes"
)


def check(world, content, name="staff.csv", user=None):
    table = staff_import.read_table(content, name)
    return staff_import.check_rows(table, user or world.service_manager)


def upload_and_apply(world, content, name="staff.csv"):
    pending = services.staff_import_upload(
        uploaded_by=world.service_manager, file_name=name, content=content
    )
    return services.staff_import_apply(staff_import_obj=pending, by=world.service_manager)


# --- reading files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "utf-16"],
)
def test_files_in_the_usual_encodings_read_the_same(world, encoding, prefix):
    content = prefix + csv_bytes(
        world,
        "Zoë Brontë,zoe@example.org,Family practitioner,,{service},,01/09/2025,no",
        encoding=encoding,
    )
    result = check(world, content)
    [row] = result.new
    assert row.cleaned["full_name"] == "Zoë Brontë"
    assert row.cleaned["email"] == "zoe@example.org"


def test_an_unreadable_encoding_gets_a_clear_message():
    content = b"full_name,email\n\x81\x8d\x8f\x90\x9d,x\n"  # undefined even in Windows-1252
    with pytest.raises(staff_import.FileProblem, match="could not read the characters"):
        staff_import.read_table(content, "staff.csv")


def test_wrong_columns_are_named_in_the_message(world):
    content = b"Name,Mail,Title\nSam,sam@example.org,Worker\n"
    with pytest.raises(staff_import.FileProblem) as problem:
        staff_import.read_table(content, "staff.csv")
    message = problem.value.messages[0]
    assert "missing these columns: email, job_title, service, start_date" in message


def test_a_file_over_5_mb_is_refused():
    content = HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024)
    with pytest.raises(staff_import.FileProblem, match="the limit is 5 MB"):
        staff_import.read_table(content, "staff.csv")


def test_headings_only_and_empty_files_say_so():
    with pytest.raises(staff_import.FileProblem, match="no staff rows"):
        staff_import.read_table(HEADER.encode(), "staff.csv")
    with pytest.raises(staff_import.FileProblem, match="empty"):
        staff_import.read_table(b"\n\n", "staff.csv")


def test_an_xlsx_export_reads_like_a_csv(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "Sam Taylor",
            "sam@example.org",
            "Practitioner",
            "",
            world.service.name,
            "",
            date(2025, 9, 1),
            False,
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    [row] = check(world, out.getvalue(), "export.xlsx").new
    assert row.cleaned["start_date"] == date(2025, 9, 1)
    assert row.cleaned["newly_qualified"] is False


def test_a_broken_or_old_excel_file_is_refused():
    with pytest.raises(staff_import.FileProblem, match="could not be opened"):
        staff_import.read_table(b"PK\x03\x04 not really a zip", "staff.xlsx")
    with pytest.raises(staff_import.FileProblem, match="old Excel"):
        staff_import.read_table(b"\xd0\xcf\x11\xe0rest", "staff.xls")


# --- checking rows -------------------------------------------------------------------------------


def test_bad_rows_are_rejected_with_reasons(world):
    result = check(
        world,
        csv_bytes(
            world,
            "No Email,,Worker,,{service},,01/01/2020,no",
            "Bad Email,not-an-email,Worker,,{service},,01/01/2020,no",
            "Bad Date,d@example.org,Worker,,{service},,31/02/2020,no",
            "Bad Role,r@example.org,Worker,Wizard,{service},,01/01/2020,no",
            "Bad Service,s@example.org,Worker,,Elsewhere,,01/01/2020,no",
            "Bad NQ,n@example.org,Worker,,{service},,01/01/2020,maybe",
            "Lost Manager,l@example.org,Worker,,{service},ghost@example.org,01/01/2020,no",
        ),
    )
    reasons = {row.values["full_name"]: " ".join(row.errors) for row in result.rejected}
    assert "Email is missing" in reasons["No Email"]
    assert "is not a valid email address" in reasons["Bad Email"]
    assert "is not a date like 01/09/2025" in reasons["Bad Date"]
    assert "is not one of: Practitioner" in reasons["Bad Role"]
    assert "is not one of the services you manage" in reasons["Bad Service"]
    assert "yes or no" in reasons["Bad NQ"]
    assert "neither in this file nor on the staff" in reasons["Lost Manager"]
    assert not result.can_apply


def test_duplicates_within_the_file_are_both_rejected(world):
    result = check(
        world,
        csv_bytes(
            world,
            "Sam Taylor,sam@example.org,Worker,,{service},,01/01/2020,no",
            "Sam T,SAM@example.org,Worker,,{service},,01/01/2020,no",
        ),
    )
    assert [row.number for row in result.rejected] == [2, 3]
    assert "appears more than once in the file (rows 2, 3)" in result.rejected[0].errors[0]


def test_someone_in_another_managers_service_is_not_touched(world):
    email = world.other_practitioner_staff.email
    result = check(world, csv_bytes(world, f"Them,{email},Worker,,{{service}},,01/01/2020,no"))
    [row] = result.rejected
    assert "outside the services you manage" in row.errors[0]


# --- applying ------------------------------------------------------------------------------------


def test_staff_import_apply_creates_staff_and_line_managers_from_the_same_file(world):
    applied = upload_and_apply(world, csv_bytes(world, SAM, ALEX))
    assert (applied.created_count, applied.updated_count) == (2, 0)
    assert applied.content in (b"", memoryview(b""))
    sam = StaffMember.objects.get(email="sam.taylor@example.org")
    assert sam.line_manager.full_name == "Alex Morgan"
    assert sam.newly_qualified and sam.start_date == date(2025, 9, 1)
    assert StaffMember.objects.get(email="alex.morgan@example.org").role == "line_manager"


def test_reimporting_updates_by_email_and_never_duplicates(world):
    upload_and_apply(world, csv_bytes(world, SAM, ALEX))
    before = StaffMember.objects.count()
    moved = SAM.replace("Family practitioner", "Senior family practitioner")
    result = check(world, csv_bytes(world, moved, ALEX))
    [updated] = result.updated
    assert updated.changes == [("Job title", "Family practitioner", "Senior family practitioner")]
    assert len(result.unchanged) == 1
    applied = upload_and_apply(world, csv_bytes(world, moved, ALEX))
    assert (applied.created_count, applied.updated_count) == (0, 1)
    assert StaffMember.objects.count() == before
    assert StaffMember.objects.get(email="sam.taylor@example.org").job_title == (
        "Senior family practitioner"
    )


def test_a_blank_optional_cell_keeps_what_is_recorded(world):
    staff = world.practitioner_staff
    staff.newly_qualified = True
    staff.save()
    row = (
        f"{staff.full_name},{staff.email},{staff.job_title},,{{service}},,"
        f"{staff.start_date:%d/%m/%Y},"
    )
    result = check(world, csv_bytes(world, row))
    assert len(result.unchanged) == 1


def test_staff_import_apply_is_all_or_nothing(world):
    pending = services.staff_import_upload(
        uploaded_by=world.service_manager,
        file_name="staff.csv",
        content=csv_bytes(world, SAM_ALONE, "Bad,bad-email,Worker,,{service},,01/01/2020,no"),
    )
    before = StaffMember.objects.count()
    with pytest.raises(ValidationError, match="1 row cannot be imported. Nothing has been changed"):
        services.staff_import_apply(staff_import_obj=pending, by=world.service_manager)
    assert StaffMember.objects.count() == before
    pending.refresh_from_db()
    assert pending.applied_at is None


def test_staff_import_apply_is_for_the_uploader_only(world):
    pending = services.staff_import_upload(
        uploaded_by=world.service_manager, file_name="staff.csv", content=csv_bytes(world, SAM)
    )
    with pytest.raises(ValidationError, match="Only the person who uploaded"):
        services.staff_import_apply(staff_import_obj=pending, by=world.admin)


def test_staff_import_upload_replaces_an_earlier_unconfirmed_upload(world):
    services.staff_import_upload(
        uploaded_by=world.service_manager, file_name="one.csv", content=csv_bytes(world, SAM)
    )
    services.staff_import_upload(
        uploaded_by=world.service_manager, file_name="two.csv", content=csv_bytes(world, ALEX)
    )
    assert list(StaffImport.objects.values_list("file_name", flat=True)) == ["two.csv"]
    with pytest.raises(ValidationError, match="missing these columns"):
        services.staff_import_upload(
            uploaded_by=world.service_manager, file_name="x.csv", content=b"a,b\n1,2\n"
        )


def test_staff_import_discard_throws_the_upload_away(world):
    pending = services.staff_import_upload(
        uploaded_by=world.service_manager, file_name="one.csv", content=csv_bytes(world, SAM)
    )
    services.staff_import_discard(staff_import_obj=pending, by=world.service_manager)
    assert not StaffImport.objects.exists()


# --- pages ---------------------------------------------------------------------------------------


def test_upload_preview_and_confirm_through_the_pages(client, world):
    client.force_login(world.service_manager)
    upload = SimpleUploadedFile("staff.csv", csv_bytes(world, SAM, ALEX), "text/csv")
    response = client.post(reverse("cohorts:staff_import"), {"file": upload})
    assert response.url == reverse("cohorts:staff_import_preview")
    preview = client.get(response.url)
    body = preview.content.decode()
    assert "Confirm and import 2 changes" in body
    assert not StaffMember.objects.filter(email="sam.taylor@example.org").exists()
    done = client.post(reverse("cohorts:staff_import_preview"), {"action": "confirm"}, follow=True)
    assert "Staff list imported: 2 new, 0 updated." in done.content.decode()
    assert StaffMember.objects.filter(email="sam.taylor@example.org").exists()


def test_a_file_problem_is_shown_in_the_error_summary_and_nothing_is_kept(client, world):
    client.force_login(world.service_manager)
    upload = SimpleUploadedFile("staff.csv", b"Name,Mail\nSam,sam@example.org\n", "text/csv")
    response = client.post(reverse("cohorts:staff_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "missing these columns" in body
    assert not StaffImport.objects.exists()


def test_rejected_rows_are_listed_and_confirming_is_not_offered(client, world):
    client.force_login(world.service_manager)
    content = csv_bytes(world, SAM_ALONE, "Bad,bad-email,Worker,,{service},,01/01/2020,no")
    client.post(reverse("cohorts:staff_import"), {"file": SimpleUploadedFile("s.csv", content)})
    body = client.get(reverse("cohorts:staff_import_preview")).content.decode()
    assert "1 row cannot be imported" in body
    assert "is not a valid email address" in body
    assert "Confirm and import" not in body
    response = client.post(
        reverse("cohorts:staff_import_preview"), {"action": "confirm"}, follow=True
    )
    assert "Nothing has been changed" in response.content.decode()
    assert not StaffMember.objects.filter(email="sam.taylor@example.org").exists()


def test_the_template_downloads_have_the_columns(client, world):
    client.force_login(world.service_manager)
    response = client.get(reverse("cohorts:staff_import_template"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode().splitlines()[0] == HEADER
    xlsx = client.get(reverse("cohorts:staff_import_template_xlsx"))
    assert staff_import.read_table(xlsx.content, "t.xlsx").columns == HEADER.split(",")


def test_only_service_managers_and_admins_import(client, world):
    for role in ("practitioner", "line_manager", "commissioner", "nobody"):
        client.force_login(getattr(world, role))
        assert client.get(reverse("cohorts:staff_import")).status_code == 404
        upload = SimpleUploadedFile("staff.csv", csv_bytes(world, SAM))
        assert client.post(reverse("cohorts:staff_import"), {"file": upload}).status_code == 404
    assert not StaffImport.objects.exists()


def test_the_preview_of_someone_elses_upload_is_never_shown(client, world):
    f.StaffImportFactory(uploaded_by=world.other_service_manager, file_name="theirs.csv")
    client.force_login(world.service_manager)
    body = client.get(reverse("cohorts:staff_import_preview")).content.decode()
    assert "theirs.csv" not in body
    assert "Nothing waiting to be imported" in body
