"""Wording helpers for supervision templates (no queries: figures come from queries.py)."""

from django import template

from commissioning.models import SupervisionType

register = template.Library()

_LABELS = dict(SupervisionType.choices)


@register.filter
def type_label(supervision_type: str) -> str:
    """ "reflective" → "Reflective"; coaching is named for whom it is."""
    return _LABELS.get(supervision_type, supervision_type)


@register.filter
def status_class(status: str) -> str:
    """The badge style for a cadence status."""
    return {"overdue": "status-overdue", "due_soon": "status-due"}.get(status, "status-ok")


@register.filter
def cells_for(row, types: list[str]) -> list:
    """A person's cadence for each column of the team table (None where it does not apply)."""
    return row.cells(types)
