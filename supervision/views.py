from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cohorts.queries import memberships_of
from core.roles import roles_for
from fidelity.queries import checks_visible_to

from . import queries


@login_required
def my_practice(request: HttpRequest) -> HttpResponse:
    """The practitioner's home: their supervision, CPD, cohort and what needs doing."""
    roles = roles_for(request.user)
    if not roles.is_practitioner:
        raise Http404("You have no staff record.")
    return render(
        request,
        "supervision/my_practice.html",
        {
            "sessions": queries.sessions_visible_to(request.user)
            .filter(supervisee_id=roles.staff_id)
            .select_related("supervisor")[:6],
            "by_type": queries.last_session_by_type(roles.staff_id),
            "cpd": queries.cpd_visible_to(request.user)[:5],
            "cpd_summary": queries.cpd_summary(roles.staff_id),
            "memberships": memberships_of(request.user),
            "reminders": queries.reminders_for(request.user)[:5],
            "checks": checks_visible_to(request.user).filter(staff_id=roles.staff_id)[:3],
        },
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The line manager's home: their reports at a glance."""
    if not roles_for(request.user).is_line_manager:
        raise Http404("You have no reports.")
    start, end = queries.registration_year()
    return render(
        request,
        "supervision/team.html",
        {
            "team": queries.team_overview(request.user),
            "year_start": start,
            "year_end": end,
        },
    )
