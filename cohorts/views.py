"""Champion screening, cohort planning and the staff import: thin views over queries.py
(reads, 404 for what a user may not see) and services.py (writes, refusals as messages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from commissioning.queries import get_programme_for_user, programmes_visible_to
from core.roles import roles_for

from . import queries, services, staff_import
from .forms import CohortForm, ReflectionForm, ScreeningForm, StaffImportForm
from .models import Criterion, Screening


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def _posted(request: HttpRequest) -> tuple:
    """The submitted data for a form: bound on POST even when nothing was filled in."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Screening -----------------------------------------------------------------------------------


@login_required
def screening_list(request: HttpRequest) -> HttpResponse:
    """Everyone this manager may screen, with where their screening has got to."""
    if not queries.may_screen(request.user):
        raise Http404("You do not manage anyone.")
    service_id = _int_param(request, "service")
    team_id = _int_param(request, "team")
    services_ = list(
        queries.services_managed_by(request.user)
        .filter(staff__in=queries.staff_screenable_by(request.user))
        .distinct()
    )
    rows = queries.screening_overview(request.user, service_id=service_id, line_manager_id=team_id)
    return render(
        request,
        "cohorts/screening_list.html",
        {
            "rows": rows,
            "several_programmes": len({row.programme.pk for row in rows}) > 1,
            "services": services_,
            "teams": list(queries.teams_screenable_by(request.user)),
            "service_id": service_id,
            "team_id": team_id,
            "filtered": bool(service_id or team_id),
            "may_import": queries.may_import_staff(request.user),
        },
    )


@login_required
def screening_edit(request: HttpRequest, staff_pk: int, programme_pk: int) -> HttpResponse:
    """A manager rates a practitioner against the five alignment criteria."""
    staff = _screenable_or_403(request, staff_pk)
    programme = queries.programme_for_screening(staff, programme_pk)
    screening = queries.screening_of(staff, programme)
    form = ScreeningForm(_posted(request)[0], screening=screening)
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_record(
                staff=staff,
                programme=programme,
                screened_by=request.user,
                ratings=form.ratings(),
                practitioner_interest=form.cleaned_data["practitioner_interest"],
                already_practising=form.cleaned_data["already_practising"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Screening of {staff.full_name} saved.")
            return redirect("cohorts:screening_list")
    return render(
        request,
        "cohorts/screening_form.html",
        {"form": form, "staff": staff, "programme": programme, "screening": screening},
    )


def _screenable_or_403(request: HttpRequest, staff_pk: int):
    """The person to screen; 403 for someone who may see the record but not screen it
    (the practitioner themselves), 404 for everyone else."""
    try:
        return queries.get_screenable_staff_for_user(request.user, staff_pk)
    except Http404:
        if queries.staff_visible_to(request.user).filter(pk=staff_pk).exists():
            raise PermissionDenied("Your manager records your screening.") from None
        raise


@login_required
def my_screening(request: HttpRequest) -> HttpResponse:
    """The practitioner's own screening: ratings, evidence and their reflection."""
    if not roles_for(request.user).is_practitioner:
        raise Http404("You have no staff record.")
    return render(
        request,
        "cohorts/my_screening.html",
        {"screenings": queries.my_screenings(request.user), "criteria": Criterion},
    )


@login_required
def screening_reflect(request: HttpRequest, pk: int) -> HttpResponse:
    """The practitioner adds their own reflection and says whether they are interested."""
    screening = queries.get_screening_for_user(request.user, pk)
    roles = roles_for(request.user)
    if screening.staff_id != roles.staff_id and not roles.is_admin:
        raise PermissionDenied("Only the person screened can add their reflection.")
    initial = {
        "practitioner_reflection": screening.practitioner_reflection,
        "practitioner_interest": screening.practitioner_interest
        if screening.practitioner_interest != Screening.Interest.NOT_ASKED
        else None,
    }
    form = ReflectionForm(_posted(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_reflect(
                screening=screening,
                by=request.user,
                reflection=form.cleaned_data["practitioner_reflection"],
                practitioner_interest=form.cleaned_data["practitioner_interest"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your reflection has been saved. Thank you.")
            return redirect("cohorts:my_screening")
    return render(request, "cohorts/screening_reflect.html", {"form": form, "screening": screening})


# --- Cohorts -------------------------------------------------------------------------------------


def _plans_cohorts(request: HttpRequest) -> None:
    roles = roles_for(request.user)
    if not (roles.is_admin or roles.is_commissioner or roles.is_service_manager):
        raise Http404("Cohorts are planned by commissioners and service managers.")


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    _plans_cohorts(request)
    roles = roles_for(request.user)
    cohorts = list(queries.cohorts_with_counts(request.user))
    programmes = (
        list(programmes_visible_to(request.user).order_by("name"))
        if (roles.is_commissioner or roles.is_admin)
        else []
    )
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "cohorts": cohorts,
            "managed_programmes": [
                p for p in programmes if queries.may_manage_cohorts(request.user, p)
            ],
            "sees_all_services": roles.is_commissioner or roles.is_admin,
        },
    )


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Cohort planning: places per service for everyone who may see the cohort; for the
    services a manager plans, the members and the ranked shortlist with names."""
    cohort = queries.get_cohort_for_user(request.user, pk)
    if request.method == "POST":
        return _cohort_action(request, cohort)
    plans = queries.may_plan(request.user, cohort)
    places = list(
        queries.cohort_places_by_service(
            cohort, queries.participations_in_scope(request.user, cohort.programme)
        )
    )
    context = {
        "cohort": cohort,
        "places": places,
        "totals": queries.places_totals(places),
        "plans": plans,
        "manages_cohorts": queries.may_manage_cohorts(request.user, cohort.programme),
        "open_for_nomination": cohort.status in services.OPEN_FOR_NOMINATION,
        "criteria": Criterion,
    }
    if plans:
        service_id = _int_param(request, "service")
        team_id = _int_param(request, "team")
        context.update(
            members=list(queries.plannable_memberships(request.user, cohort)),
            shortlist=list(
                queries.shortlist(
                    request.user, cohort, service_id=service_id, line_manager_id=team_id
                )
            ),
            services=list(
                queries.services_managed_by(request.user).filter(
                    participations__programme_id=cohort.programme_id
                )
            ),
            teams=list(queries.shortlist_teams(request.user, cohort)),
            service_id=service_id,
            team_id=team_id,
            filtered=bool(service_id or team_id),
        )
    return render(request, "cohorts/cohort_detail.html", context)


@login_required
def cohort_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Plan a new wave (commissioners of the programme)."""
    programme = get_programme_for_user(request.user, programme_pk)
    if not queries.may_manage_cohorts(request.user, programme):
        raise PermissionDenied("The programme's commissioners plan its waves.")
    next_wave = (
        programme.cohorts.order_by("-wave").values_list("wave", flat=True).first() or 0
    ) + 1
    form = CohortForm(
        _posted(request)[0],
        initial={"wave": next_wave, "name": "Widening out" if next_wave > 1 else "Champions"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{cohort} planned.")
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "programme": programme, "cohort": None, "heading": "Plan a wave"},
    )


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = queries.get_cohort_for_user(request.user, pk)
    if not queries.may_manage_cohorts(request.user, cohort.programme):
        raise PermissionDenied("The programme's commissioners change its waves.")
    form = CohortForm(
        _posted(request)[0],
        initial={
            field: getattr(cohort, field)
            for field in (
                "name",
                "wave",
                "planned_size",
                "training_start",
                "training_end",
                "status",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{cohort} updated.")
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {
            "form": form,
            "programme": cohort.programme,
            "cohort": cohort,
            "heading": f"Change wave {cohort.wave}",
        },
    )


MEMBERSHIP_ACTIONS = {
    "confirm": (services.membership_confirm, "{name}'s place is confirmed."),
    "trained": (services.membership_record_trained, "{name} is recorded as trained."),
    "active": (services.membership_make_active, "{name} is now an active champion."),
}


def _cohort_action(request: HttpRequest, cohort) -> HttpResponse:
    """A planning change posted from the cohort page: nominate someone from the shortlist,
    move a member on, or withdraw them with a reason. Back to the same view afterwards."""
    if not queries.may_plan(request.user, cohort):
        raise PermissionDenied("Service managers plan their own services' places.")
    action = request.POST.get("action", "")
    anchor = "members"
    try:
        if action == "nominate":
            staff = queries.get_nominee_for_user(request.user, cohort, _posted_id(request, "staff"))
            services.membership_nominate(cohort=cohort, staff=staff, by=request.user)
            done = f"{staff.full_name} nominated for {cohort}."
        else:
            membership = queries.get_membership_for_user(
                request.user, cohort, _posted_id(request, "membership")
            )
            name = membership.staff.full_name
            anchor = f"member-{membership.pk}"
            if action == "withdraw":
                services.membership_withdraw(
                    membership=membership, by=request.user, reason=request.POST.get("reason", "")
                )
                done = f"{name} has been withdrawn from {cohort}."
            elif action in MEMBERSHIP_ACTIONS:
                service, message = MEMBERSHIP_ACTIONS[action]
                service(membership=membership, by=request.user)
                done = message.format(name=name)
            else:
                raise ValidationError("Choose what to do for this member.")
    except ValidationError as error:
        _refused(request, error)
        if action == "nominate":
            anchor = "shortlist"
    else:
        messages.success(request, done)
    return redirect(f"{request.get_full_path()}#{anchor}")


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 12:
        raise Http404(f"No such {name}.")
    return int(value)


# --- Staff import --------------------------------------------------------------------------------


def _importer(request: HttpRequest) -> None:
    if not queries.may_import_staff(request.user):
        raise Http404("Service managers import their services' staff.")


@login_required
def staff_import_upload(request: HttpRequest) -> HttpResponse:
    _importer(request)
    form = StaffImportForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_import_upload(
                uploaded_by=request.user,
                file_name=form.cleaned_data["file"].name,
                content=form.content,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("cohorts:staff_import_preview")
    return render(
        request,
        "cohorts/staff_import.html",
        {
            "form": form,
            "services": queries.services_managed_by(request.user),
            "columns": staff_import.COLUMNS,
            "required": staff_import.REQUIRED_COLUMNS,
            "pending": queries.pending_import_for(request.user),
        },
    )


@login_required
def staff_import_preview(request: HttpRequest) -> HttpResponse:
    """What the upload would do; confirming applies every row or none."""
    _importer(request)
    pending = queries.pending_import_for(request.user)
    if request.method == "POST":
        if pending is None:
            messages.error(request, "There is no upload waiting: upload the file again.")
            return redirect("cohorts:staff_import")
        try:
            if request.POST.get("action") == "discard":
                services.staff_import_discard(staff_import_obj=pending, by=request.user)
                messages.info(request, f"{pending.file_name} was discarded. Nothing was changed.")
                return redirect("cohorts:staff_import")
            applied = services.staff_import_apply(staff_import_obj=pending, by=request.user)
        except ValidationError as error:
            _refused(request, error)
            return redirect("cohorts:staff_import_preview")
        messages.success(
            request,
            f"Staff list imported: {applied.created_count} new, {applied.updated_count} updated.",
        )
        return redirect("cohorts:screening_list")
    check = services.staff_import_check(pending) if pending else None
    return render(
        request, "cohorts/staff_import_preview.html", {"pending": pending, "check": check}
    )


@login_required
def staff_import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    response = HttpResponse(staff_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="launchpad-staff-template.csv"'
    return response


@login_required
def staff_import_template_xlsx(request: HttpRequest) -> HttpResponse:
    _importer(request)
    response = HttpResponse(
        staff_import.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="launchpad-staff-template.xlsx"'
    return response
