from django.http import HttpRequest
from django.urls import reverse

from .roles import roles_for


def navigation(request: HttpRequest) -> dict:
    """The role-aware main navigation: one entry for each role the person holds."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_labels": []}
    roles = roles_for(user)
    items = []
    if roles.is_commissioner or roles.is_admin:
        items.append(("Programmes", reverse("commissioning:programme_list")))
    if roles.is_service_manager:
        items.append(("My service", reverse("commissioning:my_service")))
    if roles.is_commissioner or roles.is_service_manager or roles.is_admin:
        items.append(("Cohorts", reverse("cohorts:cohort_list")))
        items.append(("Measures", reverse("outcomes:measure_list")))
    if roles.is_line_manager:
        items.append(("My team", reverse("supervision:team")))
    if roles.is_service_manager or roles.is_line_manager or roles.is_admin:
        items.append(("Screening", reverse("cohorts:screening_list")))
    if roles.is_practitioner:
        items.append(("My practice", reverse("supervision:my_practice")))
        items.append(("My screening", reverse("cohorts:my_screening")))
    # Anyone can be reminded of something (commissioners: resource reviews).
    items.append(("Notifications", reverse("supervision:notifications")))
    if roles.is_admin:
        items.append(("Admin", reverse("admin:index")))
    current = request.path
    nav = [{"label": label, "url": url, "current": current.startswith(url)} for label, url in items]
    return {"nav_items": nav, "role_labels": roles.labels}
