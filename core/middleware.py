"""Request plumbing for security: the client's real address, and headers Django lacks."""

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
