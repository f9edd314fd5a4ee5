"""Presentation-only filters for the cohort pages: labels and CSS classes, never figures."""

from django import template

from cohorts.models import RATING_LABELS, Membership, Screening

register = template.Library()

_INTEREST_CLASS = {
    Screening.Interest.INTERESTED: "status-ok",
    Screening.Interest.NOT_NOW: "status-review",
    Screening.Interest.NOT_ASKED: "status-none",
}
_MEMBER_CLASS = {
    Membership.Status.NOMINATED: "status-awaiting",
    Membership.Status.CONFIRMED: "status-due",
    Membership.Status.TRAINED: "status-done",
    Membership.Status.ACTIVE: "status-ok",
    Membership.Status.WITHDRAWN: "status-none",
}


@register.filter
def rating_label(value: int | None) -> str:
    return RATING_LABELS.get(value, "Not rated") if value is not None else "Not rated"


@register.filter
def interest_class(value: str) -> str:
    return _INTEREST_CLASS.get(value, "status-none")


@register.filter
def member_class(value: str) -> str:
    return _MEMBER_CLASS.get(value, "status-none")


@register.filter
def querystring_without(params, name: str) -> str:
    """The current GET parameters without ``name``, for links that change one filter."""
    copy = params.copy()
    copy.pop(name, None)
    return copy.urlencode()
