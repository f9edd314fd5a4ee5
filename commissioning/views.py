from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cohorts.queries import cohorts_visible_to, staff_visible_to
from core.roles import roles_for

from . import queries


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """The commissioner's home: every programme they commission, service by service."""
    return render(
        request,
        "commissioning/programme_list.html",
        {"overview": queries.programmes_overview(request.user)},
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    participations = queries.participations_with_progress(
        queries.participations_visible_to(request.user).filter(programme=programme)
    )
    return render(
        request,
        "commissioning/programme_detail.html",
        {
            "programme": programme,
            "participations": participations,
            "cohorts": cohorts_visible_to(request.user).filter(programme=programme),
        },
    )


@login_required
def my_service(request: HttpRequest) -> HttpResponse:
    """The service manager's home: their (first) service."""
    service_ids = sorted(roles_for(request.user).managed_service_ids)
    if not service_ids:
        raise Http404("You do not manage a service.")
    return redirect("commissioning:service_detail", pk=service_ids[0])


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = queries.get_service_for_user(request.user, pk)
    participations = queries.participations_with_progress(
        queries.participations_visible_to(request.user).filter(service=service)
    )
    staff = (
        staff_visible_to(request.user)
        .filter(service=service, is_active=True)
        .select_related("line_manager")
        .order_by("role", "full_name")
    )
    return render(
        request,
        "commissioning/service_detail.html",
        {"service": service, "participations": participations, "staff": staff},
    )
