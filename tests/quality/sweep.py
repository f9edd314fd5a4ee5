"""What the sweeps need to know about every page, in one place.

The sweeps discover URL patterns from the URL configuration. A pattern they find that
is not described here fails the sweep, so a new page cannot slip past the checks: add it
to ACCESS (who may open it) and, if it takes arguments, to ARGUMENTS.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "practitioner", "line_manager", "service_manager", "commissioner", "admin")
SIGNED_IN = ROLES[1:]

# Django admin has its own permission system (staff only) and is swept separately.
# Each entry here says why the automatic sweeps skip it.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: guarded by is_staff; tests/quality/test_admin.py covers it",
}

PUBLIC = "public"  # anyone, signed in or not


@dataclass(frozen=True)
class Page:
    route: str
    name: str
    arguments: tuple[str, ...]


def discover_pages() -> list[Page]:
    def walk(patterns, prefix: str, namespace: str | None) -> Iterator[Page]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if any(route.startswith(p) for p in EXEMPT_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Page(route, name, tuple(pattern.pattern.converters))

    return list(walk(get_resolver().url_patterns, "", None))


# Who may open each page, for the objects that belong to them: role -> status.
# Any signed-in role not listed gets 404; anonymous visitors are sent to sign in unless
# the page is PUBLIC.
ACCESS: dict[str, dict[str, int] | str] = {
    "home": dict.fromkeys(SIGNED_IN, 302),
    "no_role": dict.fromkeys(SIGNED_IN, 200),
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_change": dict.fromkeys(SIGNED_IN, 200),
    "password_change_done": dict.fromkeys(SIGNED_IN, 200),
    # Lists filter to what the user may see, so everyone signed in gets a page.
    "commissioning:programme_list": dict.fromkeys(SIGNED_IN, 200),
    "commissioning:programme_detail": {"commissioner": 200, "service_manager": 200, "admin": 200},
    "commissioning:my_service": {"service_manager": 302},
    "commissioning:service_detail": {
        "commissioner": 200,
        "service_manager": 200,
        "line_manager": 200,
        "practitioner": 200,
        "admin": 200,
    },
    "supervision:my_practice": {"practitioner": 200, "line_manager": 200},
    "supervision:team": {"line_manager": 200},
}

# Roles that may also open the *other* programme's or service's object (admins see all).
SEES_EVERYTHING = {"admin"}


def _reset_arguments(world) -> dict:
    return {"uidb64": "MQ", "token": "set-password"}


# For each page with arguments: (world -> kwargs for an object of the user's own
# programme/service, world -> kwargs for an object they must not see).
ARGUMENTS: dict[str, tuple[Callable, Callable | None]] = {
    "commissioning:programme_detail": (
        lambda w: {"pk": w.programme.pk},
        lambda w: {"pk": w.other_programme.pk},
    ),
    "commissioning:service_detail": (
        lambda w: {"pk": w.service.pk},
        lambda w: {"pk": w.other_service.pk},
    ),
    "password_reset_confirm": (_reset_arguments, None),
}


# Queries each page may run, measured with a small and a ten-times larger data set (the
# same number both times: no N+1). A change that adds queries shows up here in review.
# Keyed by page name; the role is the first one ACCESS lets see the page.
QUERY_BUDGETS: dict[str, int] = {
    # A signed-in page costs 8–9 before its own work: session, user, roles (3–4),
    # and saving the session (savepoint, update, release).
    "no_role": 9,
    "password_change": 9,
    "password_change_done": 9,
    "commissioning:programme_list": 9,
    "commissioning:programme_detail": 11,
    "commissioning:service_detail": 10,
    "supervision:my_practice": 16,
    "supervision:team": 10,
}

# Pages that show a form. tests/quality/test_form_fuzz.py checks this list against the
# pages whose GET puts a ``form`` in the context, so a new form cannot escape the fuzz.
FORM_PAGES = {
    "login",
    "password_change",
    "password_reset",
}
