from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import broker_status, database_status
from .roles import roles_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their most strategic role."""
    return redirect(roles_for(request.user).home_url())


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_role.html")


@never_cache
@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """The cheapest page Django can serve (no database): the load test's yardstick."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
@login_required
def ping_signed_in(request: HttpRequest) -> HttpResponse:
    """The cheapest page a signed-in person can get: the session and the user are read,
    as on every page, and nothing else. The load test's second yardstick."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 200 only when the database answers.

    The broker is reported but does not fail the check: pages work without it.
    """
    database = database_status(connection)
    broker = broker_status(settings.CELERY_BROKER_URL, eager=settings.CELERY_TASK_ALWAYS_EAGER)
    status = 200 if database["ok"] else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "broker": broker},
        status=status,
    )
