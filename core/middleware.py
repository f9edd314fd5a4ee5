"""Request plumbing for security: the client's real address, headers Django lacks, and
sessions that stay alive while they are used."""

import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request, not that of our proxy.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the one added by
    the outermost trusted proxy is TRUSTED_PROXY_COUNT places from the right. Anything
    further left came from the client and could be forged, so it is never used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if count and len(addresses) >= count:
        return addresses[-count]
    return request.META.get("REMOTE_ADDR")


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, recording the same address as sign-in throttling.

    The package takes the left-most X-Forwarded-For entry, which the client chooses.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


class SessionRefreshMiddleware:
    """Move a used session's expiry on, saving it at most once every
    ``SESSION_REFRESH_SECONDS``.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` does the same with a database write on every
    request; this writes when the last refresh is older than the interval, so sessions
    still end ``SESSION_COOKIE_AGE`` after the last request (to within the interval).
    Only sessions the request read are refreshed: a request that never looked at the
    session (a static file, ``/ping``) neither loads nor saves it.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.modified:
            return response
        if session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        refreshed = session.get(self.KEY)
        if not isinstance(refreshed, int) or now - refreshed >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
