"""Presentation-only filters: labels and CSS classes, never figures."""

from django import template

from commissioning.models import STAGE_ORDER, Agreement, Stage

register = template.Library()

_AGREEMENT_LABELS = dict(Agreement.Status.choices)
_STAGE_LABELS = dict(Stage.choices)


@register.filter
def agreement_status_label(status: str | None) -> str:
    return _AGREEMENT_LABELS.get(status or "", "Not started")


@register.filter
def has_required_fields(form) -> bool:
    """Whether a form marks any field with crispy's asterisk, so the page explains it."""
    return any(field.required for field in getattr(form, "fields", {}).values())


@register.filter
def stage_label(stage: str) -> str:
    return _STAGE_LABELS.get(stage, stage)


@register.simple_tag
def stage_steps(current: str) -> list[dict]:
    """The five stages in order, each marked done, current or to come."""
    position = STAGE_ORDER.index(current) if current in STAGE_ORDER else -1
    return [
        {
            "label": _STAGE_LABELS[stage],
            "state": "done" if i < position else "current" if i == position else "future",
        }
        for i, stage in enumerate(STAGE_ORDER)
    ]
