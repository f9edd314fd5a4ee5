"""Measure definitions, measurement points and completing a measure.

Thin views: objects come from queries.py (404 for what a user may not see, 403 where
they may see but not change), changes go through services.py, whose refusals are shown
next to the form's fields or at the top. Individual responses are shown only to the
person who gave them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from commissioning.queries import get_programme_for_user, may_set_up_programme
from core.roles import roles_for

from . import definitions, queries, scoring, services
from .forms import DefinitionForm, MeasurementPointForm, ResponseForm
from .models import Measure, MeasurementPoint


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _measure_to_write(request: HttpRequest, pk: int) -> Measure:
    measure = queries.get_measure_for_user(request.user, pk)
    if not queries.may_write_measures(request.user):
        raise PermissionDenied("Commissioners and administrators look after measures.")
    return measure


# --- Measure definitions -------------------------------------------------------------------------


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin or roles.is_commissioner or roles.is_service_manager):
        raise Http404("Measure definitions are for commissioners and service managers.")
    return render(
        request,
        "outcomes/measure_list.html",
        {
            "measures": queries.measures_with_item_counts(request.user),
            "may_write": queries.may_write_measures(request.user),
        },
    )


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk)
    return render(
        request,
        "outcomes/measure_detail.html",
        {
            "measure": measure,
            "items": queries.items_of(measure),
            "versions": list(queries.versions_of(measure)),
            "may_write": queries.may_write_measures(request.user),
            "scoring_rule": scoring.__doc__,
        },
    )


def _export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    measure = queries.get_measure_for_user(request.user, pk)
    data = definitions.as_data(measure, queries.items_of(measure))
    if fmt == "json":
        body, content_type = definitions.to_json(data), "application/json"
    else:
        body, content_type = definitions.to_yaml(data), "application/yaml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    filename = f"{slugify(measure.slug)}-v{slugify(measure.version)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def measure_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "json")


@login_required
def measure_export_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "yaml")


@login_required
def measure_create(request: HttpRequest) -> HttpResponse:
    if not queries.may_write_measures(request.user):
        raise Http404("Commissioners and administrators look after measures.")
    form = DefinitionForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.definition is not None:
        try:
            measure = services.measure_create(definition=form.definition)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Draft “{measure}” saved. Check it, then publish it to use it in programmes.",
            )
            return redirect("outcomes:measure_detail", pk=measure.pk)
    return render(
        request,
        "outcomes/measure_form.html",
        {"form": form, "heading": "Add a measure", "submit_label": "Import as a draft"},
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure_to_write(request, pk)
    if measure.is_published:
        raise PermissionDenied("Published measures never change; make a new version.")
    initial = {"text": definitions.to_yaml(definitions.as_data(measure, queries.items_of(measure)))}
    form = DefinitionForm(_posted(request), initial=initial, with_file=False)
    if request.method == "POST" and form.is_valid() and form.definition is not None:
        try:
            measure = services.measure_update(measure=measure, definition=form.definition)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Draft “{measure}” saved.")
            return redirect("outcomes:measure_detail", pk=measure.pk)
    return render(
        request,
        "outcomes/measure_form.html",
        {
            "form": form,
            "measure": measure,
            "heading": f"Change the draft of “{measure.name}”",
            "submit_label": "Save draft",
        },
    )


@login_required
@require_POST
def measure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure_to_write(request, pk)
    try:
        services.measure_publish(measure=measure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"“{measure}” is published. It can now be attached to programmes."
        )
    return redirect("outcomes:measure_detail", pk=measure.pk)


@login_required
@require_POST
def measure_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure_to_write(request, pk)
    try:
        draft = services.measure_new_version(measure=measure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("outcomes:measure_detail", pk=measure.pk)
    messages.success(request, f"Draft “{draft}” is ready to change.")
    return redirect("outcomes:measure_edit", pk=draft.pk)


# --- Measurement points --------------------------------------------------------------------------


@login_required
def programme_points(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    may_change = may_set_up_programme(request.user, programme)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("The programme's commissioners set its measurement points.")
    form = None
    if may_change:
        form = MeasurementPointForm(_posted(request), measures=queries.published_measures())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                point = services.measurement_point_add(programme=programme, **data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"“{point.label}” added for {point.measure}.")
                return redirect("outcomes:programme_points", pk=programme.pk)
    return render(
        request,
        "outcomes/programme_points.html",
        {
            "programme": programme,
            "points": list(queries.points_of(programme.pk)),
            "cohorts": queries.cohort_windows(programme.pk),
            "form": form,
            "may_change": may_change,
        },
    )


@login_required
@require_POST
def point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(MeasurementPoint.objects.select_related("measure"), pk=pk)
    programme = get_programme_for_user(request.user, point.programme_id)
    if not may_set_up_programme(request.user, programme):
        raise PermissionDenied("The programme's commissioners set its measurement points.")
    try:
        services.measurement_point_remove(point=point)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"“{point.label}” removed.")
    return redirect("outcomes:programme_points", pk=programme.pk)


# --- Completing a measure ------------------------------------------------------------------------


@login_required
def response_complete(request: HttpRequest, point_pk: int) -> HttpResponse:
    """The practitioner's own page for one measurement point: the measure while its window
    is open, their score once they have finished, or why it is not open."""
    roles = roles_for(request.user)
    if not roles.staff_id:
        raise Http404("You have no staff record.")
    point = queries.get_point_for_staff(roles.staff_id, point_pk)
    today = timezone.localdate()
    done = queries.own_response(roles.staff_id, point.pk)
    found = None if done else queries.open_measure_for(roles.staff_id, point.pk, today)
    measure = point.measure
    context = {"point": point, "measure": measure, "response": done, "open": found}
    if done is not None or found is None:
        if request.method == "POST":
            messages.error(
                request,
                services.ALREADY_DONE
                if done
                else "This measure is not open for you: its window has closed or not yet opened.",
            )
        context["windows"] = queries.windows_of_point_for(roles.staff_id, point)
        return render(request, "outcomes/response_closed.html", context)

    items = queries.items_of(measure)
    draft = queries.draft_of(roles.staff_id, point.pk, found.cohort.pk)
    initial = {f"{ResponseForm.PREFIX}{k}": v for k, v in (draft.answers if draft else {}).items()}
    form = ResponseForm(_posted(request), measure=measure, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        staff = queries.staff_record(roles.staff_id)
        finish_later = "save" in request.POST
        try:
            if finish_later:
                services.response_draft_save(
                    staff=staff, point_id=point.pk, answers=form.answers(), today=today
                )
            else:
                services.response_submit(
                    staff=staff, point_id=point.pk, answers=form.answers(), today=today
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if finish_later:
                messages.success(
                    request,
                    f"Your answers are saved. Come back before {found.closes:%d/%m/%Y} to finish.",
                )
                return redirect("supervision:my_practice")
            messages.success(request, "Thank you: your answers are saved and scored.")
            return redirect("outcomes:response_complete", point_pk=point.pk)
    context.update(
        {
            "form": form,
            "draft": draft,
            "answered": sum(1 for _, f in form.item_fields() if f.value() not in (None, "")),
        }
    )
    return render(request, "outcomes/response_form.html", context)
