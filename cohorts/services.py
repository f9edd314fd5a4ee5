"""Writes for the workforce and cohorts. Each refuses with a ValidationError whose message
a person can act on; views show it with django.contrib.messages."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from commissioning.models import Participation, Programme

from . import staff_import
from .models import (
    RATING_MAX,
    RATING_MIN,
    Cohort,
    Criterion,
    Membership,
    Screening,
    ScreeningRating,
    StaffImport,
    StaffMember,
    TrainingCompletion,
)
from .queries import HOLDING_A_PLACE, committed_places

# --- Screening -----------------------------------------------------------------------------------


def screening_record(
    *,
    staff: StaffMember,
    programme: Programme,
    screened_by: User,
    ratings: dict[str, tuple[int, str]],
    practitioner_interest: str,
    already_practising: bool,
) -> Screening:
    """Record (or update) a manager's screening of a practitioner against the alignment
    criteria. Every criterion needs a rating; any rating above 'Not yet seen' needs a note
    of the evidence for it."""
    missing = [c.label for c in Criterion if c.value not in ratings]
    if missing:
        raise ValidationError(f"Rate every criterion: {', '.join(missing)} has no rating.")
    for criterion, (rating, evidence) in ratings.items():
        label = Criterion(criterion).label
        if not RATING_MIN <= rating <= RATING_MAX:
            raise ValidationError(f"{label}: ratings run from {RATING_MIN} to {RATING_MAX}.")
        if rating > RATING_MIN and not evidence.strip():
            raise ValidationError(f"{label}: add a note of what you have seen.")
    if practitioner_interest not in Screening.Interest.values:
        raise ValidationError("Choose what the practitioner said about taking part.")
    if not Participation.objects.filter(programme=programme, service_id=staff.service_id).exists():
        raise ValidationError(f"{staff.service.name} is not taking part in {programme.name}.")

    with transaction.atomic():
        screening, _ = Screening.objects.select_for_update().get_or_create(
            staff=staff,
            programme=programme,
            defaults={"screened_by": screened_by},
        )
        screening.screened_by = screened_by
        screening.screened_on = timezone.localdate()
        screening.practitioner_interest = practitioner_interest
        screening.already_practising = already_practising
        existing = {r.criterion: r for r in screening.ratings.all()}
        # Saved one by one so the audit trail records each rating's old and new value.
        for criterion, (rating, evidence) in ratings.items():
            row = existing.get(criterion) or ScreeningRating(
                screening=screening, criterion=criterion
            )
            if row.pk and row.rating == rating and row.evidence == evidence.strip():
                continue
            row.rating, row.evidence = rating, evidence.strip()
            row.save()
        screening.total_score = screening.ratings.aggregate(total=Sum("rating"))["total"] or 0
        screening.save()
    return screening


def screening_reflect(
    *, screening: Screening, by: User, reflection: str, practitioner_interest: str
) -> Screening:
    """The practitioner adds their own reflection on their screening and says whether they
    would like to take part. Only the person screened may do this."""
    if screening.staff.user_id != by.pk and not by.is_superuser:
        raise ValidationError("Only the person screened can add their reflection.")
    if practitioner_interest not in Screening.Interest.values:
        raise ValidationError("Choose whether you would like to take part.")
    with transaction.atomic():
        screening.practitioner_reflection = reflection.strip()
        screening.practitioner_interest = practitioner_interest
        screening.reflected_at = timezone.now()
        screening.save(
            update_fields=["practitioner_reflection", "practitioner_interest", "reflected_at"]
        )
    return screening


# --- Cohorts -------------------------------------------------------------------------------------


def cohort_create(
    *,
    programme: Programme,
    name: str,
    wave: int,
    planned_size: int,
    training_start: date | None = None,
    training_end: date | None = None,
    status: str = Cohort.Status.PLANNED,
) -> Cohort:
    """Plan a wave of the programme. Waves can be planned while earlier ones train."""
    _check_cohort_fields(wave, planned_size, training_start, training_end, status)
    if Cohort.objects.filter(programme=programme, wave=wave).exists():
        raise ValidationError(f"{programme.name} already has a wave {wave}.")
    with transaction.atomic():
        return Cohort.objects.create(
            programme=programme,
            name=name.strip(),
            wave=wave,
            planned_size=planned_size,
            training_start=training_start,
            training_end=training_end,
            status=status,
        )


def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    wave: int,
    planned_size: int,
    training_start: date | None = None,
    training_end: date | None = None,
    status: str,
) -> Cohort:
    """Change a wave's name, size, dates or status."""
    _check_cohort_fields(wave, planned_size, training_start, training_end, status)
    clash = Cohort.objects.filter(programme_id=cohort.programme_id, wave=wave).exclude(pk=cohort.pk)
    if clash.exists():
        raise ValidationError(f"{cohort.programme.name} already has a wave {wave}.")
    with transaction.atomic():
        cohort.name, cohort.wave, cohort.planned_size = name.strip(), wave, planned_size
        cohort.training_start, cohort.training_end = training_start, training_end
        cohort.status = status
        cohort.save()
    return cohort


def _check_cohort_fields(wave, planned_size, training_start, training_end, status) -> None:
    if wave < 1:
        raise ValidationError("Waves are numbered from 1.")
    if planned_size < 1:
        raise ValidationError("A cohort needs at least one planned place.")
    if training_start and training_end and training_end < training_start:
        raise ValidationError("Training cannot end before it starts.")
    if status not in Cohort.Status.values:
        raise ValidationError("Choose a status for the cohort.")


# --- Membership ----------------------------------------------------------------------------------

# Who may move to which status. Withdrawal is possible from every status but withdrawn.
NEXT_STATUS: dict[str, str] = {
    Membership.Status.NOMINATED: Membership.Status.CONFIRMED,
    Membership.Status.CONFIRMED: Membership.Status.TRAINED,
    Membership.Status.TRAINED: Membership.Status.ACTIVE,
}
OPEN_FOR_NOMINATION = [Cohort.Status.PLANNED, Cohort.Status.RECRUITING]


def _check_places(cohort: Cohort, service_id: int, service_name: str, adding: int) -> None:
    """Refuse when the service's members in this wave would exceed the places its latest
    agreed agreement commits. Locks the participation so two nominations cannot both take
    the last place."""
    participation = (
        Participation.objects.select_for_update()
        .filter(programme_id=cohort.programme_id, service_id=service_id)
        .first()
    )
    if participation is None:
        raise ValidationError(f"{service_name} is not taking part in {cohort.programme.name}.")
    places = committed_places(cohort.programme).get(service_id)
    if places is None:
        raise ValidationError(
            f"{service_name} has no agreed cohort places yet: the places come from its signed "
            "co-commissioning agreement. Agree the agreement first."
        )
    holding = Membership.objects.filter(
        cohort=cohort, staff__service_id=service_id, status__in=HOLDING_A_PLACE
    ).count()
    if holding + adding > places:
        raise ValidationError(
            f"{service_name} has committed {places} place{'s' if places != 1 else ''} per wave "
            f"and already has {holding} in {cohort}. Withdraw someone first, or review the "
            "agreement to commit more places."
        )


def membership_nominate(*, cohort: Cohort, staff: StaffMember, by: User) -> Membership:
    """Nominate a practitioner for a wave, within the places their service committed."""
    if cohort.status not in OPEN_FOR_NOMINATION:
        raise ValidationError(
            f"{cohort} is {cohort.get_status_display().lower()}: nominate for a later wave."
        )
    if not staff.is_active:
        raise ValidationError(f"{staff.full_name} is no longer on the active staff list.")
    other = (
        Membership.objects.filter(staff=staff, cohort__programme_id=cohort.programme_id)
        .exclude(status=Membership.Status.WITHDRAWN)
        .select_related("cohort")
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"{staff.full_name} is already in {other.cohort} ({other.get_status_display()})."
        )
    if Membership.objects.filter(staff=staff, cohort=cohort).exists():
        raise ValidationError(f"{staff.full_name} was withdrawn from {cohort}.")
    try:
        with transaction.atomic():
            _check_places(cohort, staff.service_id, staff.service.name, adding=1)
            return Membership.objects.create(
                cohort=cohort, staff=staff, status=Membership.Status.NOMINATED, nominated_by=by
            )
    except IntegrityError:  # a simultaneous nomination of the same person won
        raise ValidationError(
            f"{staff.full_name} has just been nominated by someone else."
        ) from None


def _move(membership: Membership, to: str) -> Membership:
    if membership.status == Membership.Status.WITHDRAWN:
        raise ValidationError(
            f"{membership.staff.full_name} has been withdrawn from {membership.cohort}."
        )
    if NEXT_STATUS.get(membership.status) != to:
        raise ValidationError(
            f"{membership.staff.full_name} is {membership.get_status_display().lower()}, so "
            f"cannot be marked {Membership.Status(to).label.lower()} now."
        )
    membership.status = to
    membership.save(update_fields=["status", "updated"])
    return membership


def membership_confirm(*, membership: Membership, by: User) -> Membership:
    """Confirm a nomination: the practitioner has agreed and their release is arranged."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("cohort__programme", "staff__service")
            .get(pk=membership.pk)
        )
        if membership.status == Membership.Status.NOMINATED:
            staff = membership.staff
            _check_places(membership.cohort, staff.service_id, staff.service.name, adding=0)
        return _move(membership, Membership.Status.CONFIRMED)


def membership_record_trained(*, membership: Membership, by: User) -> Membership:
    """Mark a confirmed member as trained, recording their training completion."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("cohort__programme", "staff")
            .get(pk=membership.pk)
        )
        cohort = membership.cohort
        if membership.status == Membership.Status.CONFIRMED and cohort.status not in (
            Cohort.Status.IN_TRAINING,
            Cohort.Status.COMPLETED,
        ):
            raise ValidationError(f"{cohort} has not started training yet.")
        _move(membership, Membership.Status.TRAINED)
        today = timezone.localdate()
        completed = min(cohort.training_end, today) if cohort.training_end else today
        TrainingCompletion.objects.get_or_create(
            staff=membership.staff,
            programme=cohort.programme,
            course=TrainingCompletion.Course.PRACTITIONER,
            defaults={"completed_on": completed},
        )
        return membership


def membership_make_active(*, membership: Membership, by: User) -> Membership:
    """A trained member is now an active champion in their service."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("cohort", "staff")
            .get(pk=membership.pk)
        )
        return _move(membership, Membership.Status.ACTIVE)


def membership_withdraw(*, membership: Membership, by: User, reason: str) -> Membership:
    """Withdraw a member from the cohort, with the reason. Their place becomes free."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            f"Give a reason for withdrawing {membership.staff.full_name}, e.g. "
            "\u201cmoved to another team\u201d."
        )
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("cohort", "staff")
            .get(pk=membership.pk)
        )
        if membership.status == Membership.Status.WITHDRAWN:
            raise ValidationError(f"{membership.staff.full_name} is already withdrawn.")
        membership.status = Membership.Status.WITHDRAWN
        membership.withdrawn_reason = reason[:2000]
        membership.save(update_fields=["status", "withdrawn_reason", "updated"])
        return membership


# --- Staff import --------------------------------------------------------------------------------


def staff_import_upload(*, uploaded_by: User, file_name: str, content: bytes) -> StaffImport:
    """Keep an uploaded HR export for its preview. Nothing is written to the staff list;
    the person's earlier unconfirmed upload, if any, is replaced."""
    staff_import.read_table(content, file_name)  # refuses an unreadable file outright
    with transaction.atomic():
        StaffImport.objects.filter(uploaded_by=uploaded_by, applied_at__isnull=True).delete()
        return StaffImport.objects.create(
            uploaded_by=uploaded_by, file_name=file_name[:255], content=content
        )


def staff_import_check(staff_import_obj: StaffImport) -> staff_import.ImportCheck:
    """What applying the upload would do now (reads only)."""
    table = staff_import.read_table(bytes(staff_import_obj.content), staff_import_obj.file_name)
    return staff_import.check_rows(table, staff_import_obj.uploaded_by)


def staff_import_apply(*, staff_import_obj: StaffImport, by: User) -> StaffImport:
    """Apply a previewed upload: every row or none. Existing staff are matched by work
    email and updated; nobody is duplicated."""
    if staff_import_obj.uploaded_by_id != by.pk:
        raise ValidationError("Only the person who uploaded this file can confirm it.")
    if staff_import_obj.applied_at is not None:
        raise ValidationError("This file has already been imported.")
    try:
        with transaction.atomic():
            check = staff_import_check(staff_import_obj)
            if check.rejected:
                raise ValidationError(
                    f"{len(check.rejected)} row{'s' if len(check.rejected) != 1 else ''} cannot "
                    "be imported. Nothing has been changed: correct the file and upload it again."
                )
            if not check.can_apply:
                raise ValidationError("Everyone in this file is already up to date.")
            by_email = _apply_rows(check)
            _apply_line_managers(check, by_email)
            staff_import_obj.applied_at = timezone.now()
            staff_import_obj.created_count = len(check.new)
            staff_import_obj.updated_count = len(check.updated)
            staff_import_obj.content = b""  # the HR export is not kept once applied
            staff_import_obj.save()
    except IntegrityError:
        raise ValidationError(
            "The staff list changed while you were importing. Nothing has been changed: "
            "upload the file again to see the latest preview."
        ) from None
    return staff_import_obj


def staff_import_discard(*, staff_import_obj: StaffImport, by: User) -> None:
    """Throw away an upload that has not been confirmed."""
    if staff_import_obj.uploaded_by_id != by.pk or staff_import_obj.applied_at is not None:
        raise ValidationError("There is no upload of yours waiting to be confirmed.")
    with transaction.atomic():
        staff_import_obj.delete()


def _apply_rows(check: staff_import.ImportCheck) -> dict[str, StaffMember]:
    by_email: dict[str, StaffMember] = {}
    for row in check.rows:
        cleaned = row.cleaned
        staff = row.existing or StaffMember(email=cleaned["email"])
        if row.action != "unchanged":
            staff.full_name = cleaned["full_name"]
            staff.job_title = cleaned["job_title"]
            staff.service = cleaned["service"]
            staff.start_date = cleaned["start_date"]
            staff.is_active = True
            if "role" in cleaned:
                staff.role = cleaned["role"]
            if "newly_qualified" in cleaned:
                staff.newly_qualified = cleaned["newly_qualified"]
            staff.save()  # one by one, so the audit trail records each change
        by_email[cleaned["email"]] = staff
    return by_email


def _apply_line_managers(check: staff_import.ImportCheck, by_email: dict[str, StaffMember]):
    """Second pass: line managers may be people created by this same file."""
    managers = {row.existing.email.lower(): row.existing for row in check.rows if row.existing}
    for row in check.rows:
        wanted = row.cleaned.get("line_manager_email")
        if not wanted:
            continue
        staff = by_email[row.cleaned["email"]]
        manager = by_email.get(wanted) or managers.get(wanted) or _existing(wanted)
        if staff.line_manager_id != manager.pk:
            staff.line_manager = manager
            staff.save(update_fields=["line_manager"])


def _existing(email: str) -> StaffMember:
    return StaffMember.objects.get(email__iexact=email)
