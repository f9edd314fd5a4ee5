"""Reads for outcomes: individual responses belong to the person who gave them."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from cohorts.models import Cohort, Membership, StaffMember
from core.roles import roles_for

from .models import Measure, MeasureItem, MeasurementPoint, MeasureResponse, ResponseDraft

AnyUser = User | AnonymousUser


def responses_visible_to(user: AnyUser) -> QuerySet[MeasureResponse]:
    """Only the person themselves sees an individual response; everyone else gets
    suppressed aggregates (built in the outcomes issue)."""
    roles = roles_for(user)
    if not roles.staff_id:
        return MeasureResponse.objects.none()
    return MeasureResponse.objects.filter(staff_id=roles.staff_id)


# --- Measure definitions -------------------------------------------------------------------------
# Definitions are not personal: commissioners, service managers and admins read them all;
# commissioners and admins write them.


def measures_visible_to(user: AnyUser) -> QuerySet[Measure]:
    roles = roles_for(user)
    if roles.is_admin or roles.is_commissioner or roles.is_service_manager:
        return Measure.objects.all()
    return Measure.objects.none()


def may_write_measures(user: AnyUser) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_commissioner


def get_measure_for_user(user: AnyUser, pk: int) -> Measure:
    return get_object_or_404(measures_visible_to(user), pk=pk)


def measures_with_item_counts(user: AnyUser) -> QuerySet[Measure]:
    return (
        measures_visible_to(user)
        .annotate(item_count=Count("items"))
        .order_by("name", "slug", "-pk")
    )


def items_of(measure: Measure) -> list[MeasureItem]:
    return list(measure.items.order_by("number"))


def versions_of(measure: Measure) -> QuerySet[Measure]:
    """Every version of a measure (the same slug), newest first."""
    return Measure.objects.filter(slug=measure.slug).order_by("-pk")


def points_of(programme_id: int) -> QuerySet[MeasurementPoint]:
    return (
        MeasurementPoint.objects.filter(programme_id=programme_id)
        .select_related("measure")
        .order_by("measure__name", "-anchor", "opens_after_days", "label")  # start, then end
    )


def published_measures() -> QuerySet[Measure]:
    return Measure.objects.filter(status=Measure.Status.PUBLISHED).order_by("name", "version")


# --- Measurement windows -------------------------------------------------------------------------

# Who is asked to complete a cohort's measures: everyone confirmed onto it (nominations
# that were never confirmed, and withdrawals, are not).
TAKING_PART = (Membership.Status.CONFIRMED, Membership.Status.TRAINED, Membership.Status.ACTIVE)


@dataclass(frozen=True)
class OpenMeasure:
    """A measurement point open for one person in one cohort."""

    point: MeasurementPoint
    cohort: Cohort
    opens: date
    closes: date
    has_draft: bool = False


def open_measures_for(staff_id: int, today: date) -> list[OpenMeasure]:
    """The published measures whose window is open today for this person and that they
    have not completed, soonest closing first. Four queries, whatever the data."""
    memberships = list(
        Membership.objects.filter(staff_id=staff_id, status__in=TAKING_PART).select_related(
            "cohort"
        )
    )
    cohorts: dict[int, list[Cohort]] = {}
    for m in memberships:
        cohorts.setdefault(m.cohort.programme_id, []).append(m.cohort)
    if not cohorts:
        return []
    points = MeasurementPoint.objects.filter(
        programme_id__in=cohorts, measure__status=Measure.Status.PUBLISHED
    ).select_related("measure")
    candidates = []
    for point in points:
        for cohort in cohorts[point.programme_id]:
            window = point.window_for(cohort)
            if window and window[0] <= today <= window[1]:
                candidates.append((point, cohort, window))
    if not candidates:
        return []
    point_ids = {p.pk for p, _, _ in candidates}
    done = set(
        MeasureResponse.objects.filter(staff_id=staff_id, point_id__in=point_ids).values_list(
            "point_id", "cohort_id"
        )
    )
    drafts = set(
        ResponseDraft.objects.filter(staff_id=staff_id, point_id__in=point_ids).values_list(
            "point_id", "cohort_id"
        )
    )
    found = [
        OpenMeasure(point, cohort, opens, closes, (point.pk, cohort.pk) in drafts)
        for point, cohort, (opens, closes) in candidates
        if (point.pk, cohort.pk) not in done
    ]
    return sorted(found, key=lambda o: (o.closes, o.point.measure.name, o.point.pk))


def get_point_for_staff(staff_id: int, point_pk: int) -> MeasurementPoint:
    """A measurement point of a programme this person takes part in (any cohort), else 404."""
    programmes = Membership.objects.filter(staff_id=staff_id, status__in=TAKING_PART).values(
        "cohort__programme_id"
    )
    return get_object_or_404(
        MeasurementPoint.objects.filter(programme_id__in=programmes).select_related("measure"),
        pk=point_pk,
    )


def windows_of_point_for(staff_id: int, point: MeasurementPoint) -> list[tuple[Cohort, date, date]]:
    """When this point opens and closes for each of the person's cohorts in its programme."""
    cohorts = Cohort.objects.filter(
        programme_id=point.programme_id,
        memberships__staff_id=staff_id,
        memberships__status__in=TAKING_PART,
    ).order_by("wave")
    found = []
    for cohort in cohorts:
        window = point.window_for(cohort)
        if window:
            found.append((cohort, *window))
    return found


def staff_record(staff_id: int) -> StaffMember:
    return StaffMember.objects.get(pk=staff_id)


@dataclass(frozen=True)
class PointWindow:
    point: MeasurementPoint
    opens: date | None  # None while the cohort's training dates are not set
    closes: date | None


def cohort_windows(programme_id: int) -> list[tuple[Cohort, list[PointWindow]]]:
    """Each cohort of a programme with the dates each of its measurement points opens and
    closes. Two queries."""
    points = list(points_of(programme_id))
    rows = []
    for cohort in Cohort.objects.filter(programme_id=programme_id).order_by("wave"):
        windows = []
        for point in points:
            window = point.window_for(cohort)
            opens, closes = window if window else (None, None)
            windows.append(PointWindow(point, opens, closes))
        rows.append((cohort, windows))
    return rows


def open_measure_for(staff_id: int, point_id: int, today: date) -> OpenMeasure | None:
    """One point open for this person today (not yet completed), or None."""
    return next((o for o in open_measures_for(staff_id, today) if o.point.pk == point_id), None)


def own_response(staff_id: int, point_id: int) -> MeasureResponse | None:
    """The person's latest completed response at a point (for showing them their score)."""
    return (
        MeasureResponse.objects.filter(staff_id=staff_id, point_id=point_id)
        .select_related("measure", "point")
        .order_by("-completed_at")
        .first()
    )


def draft_of(staff_id: int, point_id: int, cohort_id: int) -> ResponseDraft | None:
    return ResponseDraft.objects.filter(
        staff_id=staff_id, point_id=point_id, cohort_id=cohort_id
    ).first()


@dataclass(frozen=True)
class WindowOpen:
    point: MeasurementPoint
    cohort_id: int
    staff_id: int
    user_id: int
    closes: date


def measure_windows_open(today: date) -> list[WindowOpen]:
    """For the reminder run: everyone with a login whose window is open today at a
    published point and who has not responded. Four queries, whatever the data."""
    points = list(
        MeasurementPoint.objects.filter(measure__status=Measure.Status.PUBLISHED).select_related(
            "measure"
        )
    )
    if not points:
        return []
    by_programme: dict[int, list[MeasurementPoint]] = {}
    for point in points:
        by_programme.setdefault(point.programme_id, []).append(point)
    open_windows: dict[int, list[tuple[MeasurementPoint, date]]] = {}
    for cohort in Cohort.objects.filter(programme_id__in=by_programme):
        for point in by_programme[cohort.programme_id]:
            window = point.window_for(cohort)
            if window and window[0] <= today <= window[1]:
                open_windows.setdefault(cohort.pk, []).append((point, window[1]))
    if not open_windows:
        return []
    members = Membership.objects.filter(
        cohort_id__in=open_windows,
        status__in=TAKING_PART,
        staff__is_active=True,
        staff__user__isnull=False,
        staff__user__is_active=True,
    ).values_list("cohort_id", "staff_id", "staff__user_id")
    done = set(
        MeasureResponse.objects.filter(
            cohort_id__in=open_windows,
            point_id__in={p.pk for pairs in open_windows.values() for p, _ in pairs},
        ).values_list("staff_id", "point_id", "cohort_id")
    )
    found = []
    for cohort_id, staff_id, user_id in members:
        for point, closes in open_windows[cohort_id]:
            if (staff_id, point.pk, cohort_id) not in done:
                found.append(WindowOpen(point, cohort_id, staff_id, user_id, closes))
    return found
