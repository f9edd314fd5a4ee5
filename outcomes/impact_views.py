"""Impact pages: a programme's, a service's and a cohort's figures (aggregates only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cohorts.queries import get_cohort_for_user
from commissioning.queries import get_programme_for_user

from . import impact


def _after(request: HttpRequest) -> str | None:
    return request.GET.get("after") or None


@login_required
def programme_impact(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    service_ids = impact.service_scope_for(request.user, programme)
    report = impact.impact_report(
        programme=programme,
        after=_after(request),
        service_ids=service_ids,
        scope="All services" if service_ids is None else "Your services",
    )
    return render(
        request,
        "outcomes/impact.html",
        {
            "report": report,
            "heading": f"Impact: {programme.name}",
            "eyebrow": programme.commissioning_organisation.name,
            "programme": programme,
        },
    )


@login_required
def service_impact(request: HttpRequest, pk: int) -> HttpResponse:
    service = impact.get_impact_service_for_user(request.user, pk)
    programmes = impact.programmes_for_service_impact(request.user, service)
    if not programmes:
        raise Http404("No programme with figures for this service.")
    wanted = request.GET.get("programme")
    programme = next((p for p in programmes if str(p.pk) == wanted), programmes[0])
    report = impact.impact_report(
        programme=programme,
        after=_after(request),
        service_ids=[service.pk],
        group_by="cohort",
        scope=service.name,
    )
    return render(
        request,
        "outcomes/impact.html",
        {
            "report": report,
            "heading": f"Impact: {service.name}",
            "eyebrow": programme.name,
            "service": service,
            "programme": programme,
            "programmes": programmes,
        },
    )


@login_required
def cohort_impact(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_cohort_for_user(request.user, pk)
    service_ids = impact.service_scope_for(request.user, cohort.programme)
    report = impact.impact_report(
        programme=cohort.programme,
        after=_after(request),
        service_ids=service_ids,
        cohort=cohort,
        scope=cohort.name,
    )
    return render(
        request,
        "outcomes/impact.html",
        {
            "report": report,
            "heading": f"Impact: {cohort.name}",
            "eyebrow": cohort.programme.name,
            "cohort": cohort,
            "programme": cohort.programme,
        },
    )
