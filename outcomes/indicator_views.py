"""Service indicator pages: the trend against the baseline, recording and CSV upload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import indicators
from .indicator_forms import IndicatorForm, IndicatorUploadForm, IndicatorValueForm


def _posted(request: HttpRequest):
    """The submitted data, even when empty (an empty POST must show its errors)."""
    return request.POST if request.method == "POST" else None


def _recorder(request: HttpRequest, service) -> None:
    if not indicators.may_record_indicators(request.user, service):
        raise PermissionDenied("The service's managers record its figures.")


@login_required
def indicator_list(request: HttpRequest, pk: int) -> HttpResponse:
    service = indicators.get_indicator_service_for_user(request.user, pk)
    return render(
        request,
        "outcomes/indicator_list.html",
        {
            "service": service,
            "trends": indicators.indicator_trends(service),
            "may_record": indicators.may_record_indicators(request.user, service),
        },
    )


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    service = indicators.get_indicator_service_for_user(request.user, pk)
    _recorder(request, service)
    form = IndicatorForm(_posted(request), service=service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicator = indicators.indicator_create(
            service=service,
            name=data["name"],
            unit=data["unit"],
            higher_is_better=data["direction"] == "higher",
            baseline_value=data["baseline_value"],
            baseline_period=data["baseline_period"],
        )
        messages.success(request, f"{indicator.name} added. Record its first figure below.")
        return redirect("outcomes:indicator_value_record", pk=indicator.pk)
    return render(
        request,
        "outcomes/indicator_form.html",
        {"service": service, "form": form, "heading": "Add an indicator", "submit": "Add"},
    )


@login_required
def indicator_value_record(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicators.get_indicator_for_user(request.user, pk)
    service = indicator.service
    _recorder(request, service)
    form = IndicatorValueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        value, created = indicators.indicator_value_record(
            indicator=indicator,
            period_start=form.cleaned_data["period_start"],
            value=form.cleaned_data["value"],
        )
        verb = "recorded" if created else "updated"
        messages.success(
            request,
            f"{indicator.name}: {value.value:g} {verb} for the period from "
            f"{value.period_start:%d/%m/%Y}.",
        )
        return redirect("outcomes:indicator_list", pk=service.pk)
    return render(
        request,
        "outcomes/indicator_form.html",
        {
            "service": service,
            "indicator": indicator,
            "form": form,
            "heading": f"Record {indicator.name}",
            "submit": "Record",
        },
    )


@login_required
def indicator_upload(request: HttpRequest, pk: int) -> HttpResponse:
    service = indicators.get_indicator_service_for_user(request.user, pk)
    _recorder(request, service)
    form = IndicatorUploadForm(
        _posted(request), request.FILES if request.method == "POST" else None, service=service
    )
    if request.method == "POST" and form.is_valid():
        result = indicators.indicator_values_import(service=service, raw=form.raw)
        if result.ok:
            messages.success(
                request,
                f"{result.created + result.updated} figures saved "
                f"({result.created} new, {result.updated} replaced).",
            )
            return redirect("outcomes:indicator_list", pk=service.pk)
        for error in result.errors:  # changed between checking and applying
            form.add_error("file", error)
    return render(
        request,
        "outcomes/indicator_upload.html",
        {
            "service": service,
            "form": form,
            "indicators": indicators.indicator_trends(service),
            "template_url": reverse("outcomes:indicator_template", args=[service.pk]),
        },
    )


@login_required
def indicator_template(request: HttpRequest, pk: int) -> HttpResponse:
    service = indicators.get_indicator_service_for_user(request.user, pk)
    response = HttpResponse(
        indicators.template_csv(service), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="launchpad-indicators.csv"'
    return response
