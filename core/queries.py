"""Small query building blocks shared by the apps' queries.py modules."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` as an annotation, 0 when there are none.

    Counting in a subquery keeps several counts on one row from multiplying each other,
    which is what happens when several ``Count()`` joins share one query.
    """
    counted = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def sum_of(queryset: QuerySet, field: str, output_field) -> Coalesce:
    """A correlated ``SUM(field)`` of ``queryset`` as an annotation, 0 when empty."""
    summed = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(
        Subquery(summed, output_field=output_field), Value(0), output_field=output_field
    )
