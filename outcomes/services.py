"""Writes for outcomes: measure definitions (draft → published → new version),
measurement points, and practitioners' responses (saved part-way, then scored on submit).

Every refusal is a ValidationError with a message a person can act on; nothing partial
is written.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Programme

from . import scoring
from .definitions import Definition
from .models import Measure, MeasureItem, MeasurementPoint, MeasureResponse, ResponseDraft
from .queries import open_measure_for

ALREADY_DONE = "You have already completed this measure for this point; it cannot be sent twice."


# --- Measure definitions -------------------------------------------------------------------------


def _write_items(measure: Measure, definition: Definition) -> None:
    MeasureItem.objects.bulk_create(
        [
            MeasureItem(
                measure=measure,
                number=item.number,
                text=item.text,
                reverse_scored=item.reverse_scored,
                subscale=item.subscale,
            )
            for item in definition.items
        ]
    )


def _taken(slug: str, version: str, exclude: int | None = None) -> bool:
    found = Measure.objects.filter(slug=slug, version=version)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


def _version_taken(definition: Definition) -> ValidationError:
    return ValidationError(
        f"Version {definition.version} of “{definition.slug}” already exists. "
        "Give this one another version or slug.",
        code="version_taken",
    )


@transaction.atomic
def measure_create(*, definition: Definition) -> Measure:
    """A new draft measure from a checked definition."""
    if _taken(definition.slug, definition.version):
        raise _version_taken(definition)
    measure = Measure.objects.create(**definition.measure_fields(), status=Measure.Status.DRAFT)
    _write_items(measure, definition)
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, definition: Definition) -> Measure:
    """Replace a draft's definition. Published measures never change."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_published:
        raise ValidationError(
            "This version is published and cannot change. Make a new version to change it.",
            code="published",
        )
    if _taken(definition.slug, definition.version, exclude=measure.pk):
        raise _version_taken(definition)
    for name, value in definition.measure_fields().items():
        setattr(measure, name, value)
    measure.save()
    measure.items.all().delete()
    _write_items(measure, definition)
    return measure


@transaction.atomic
def measure_publish(*, measure: Measure) -> Measure:
    """Publish a draft: from now on it can be attached to programmes, and never changes."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_published:
        raise ValidationError("This version is already published.", code="published")
    if not measure.items.exists():
        raise ValidationError("A measure needs at least one item before it is published.")
    measure.status = Measure.Status.PUBLISHED
    measure.published_at = timezone.now()
    measure.save(update_fields=["status", "published_at"])
    return measure


def _next_version(slug: str) -> str:
    versions = Measure.objects.filter(slug=slug).values_list("version", flat=True)
    numbers = [int(v.split(".")[0]) for v in versions if v.split(".")[0].isdigit()]
    return str(max(numbers, default=0) + 1)


@transaction.atomic
def measure_new_version(*, measure: Measure) -> Measure:
    """A draft copy of a published measure with the next version number. If a draft of
    this measure exists already, that draft is returned instead of a second one."""
    existing = Measure.objects.filter(slug=measure.slug, status=Measure.Status.DRAFT).first()
    if existing is not None:
        return existing
    if not measure.is_published:
        raise ValidationError("Only a published measure gets a new version; change the draft.")
    items = list(measure.items.order_by("number"))
    copy = Measure.objects.get(pk=measure.pk)
    copy.pk = None
    copy.version = _next_version(measure.slug)
    copy.status = Measure.Status.DRAFT
    copy.published_at = None
    copy.save()
    MeasureItem.objects.bulk_create(
        [
            MeasureItem(
                measure=copy,
                number=i.number,
                text=i.text,
                reverse_scored=i.reverse_scored,
                subscale=i.subscale,
            )
            for i in items
        ]
    )
    return copy


# --- Measurement points --------------------------------------------------------------------------


@transaction.atomic
def measurement_point_add(
    *,
    programme: Programme,
    measure: Measure,
    kind: str,
    label: str,
    anchor: str,
    opens_after_days: int,
    window_days: int,
) -> MeasurementPoint:
    """Attach a published measure to a programme at a point relative to each cohort's dates."""
    if not measure.is_published:
        raise ValidationError(
            {"measure": "Only a published measure can be attached to a programme."}
        )
    if MeasurementPoint.objects.filter(programme=programme, measure=measure, label=label).exists():
        raise ValidationError({"label": "This measure already has a point with that label."})
    return MeasurementPoint.objects.create(
        programme=programme,
        measure=measure,
        kind=kind,
        label=label,
        anchor=anchor,
        opens_after_days=opens_after_days,
        window_days=window_days,
    )


@transaction.atomic
def measurement_point_remove(*, point: MeasurementPoint) -> None:
    """Remove a point nobody has answered yet (answers are evidence and stay)."""
    if point.responses.exists():
        raise ValidationError(
            "People have already completed this point, so it stays: their answers are evidence."
        )
    point.delete()


# --- Responses -----------------------------------------------------------------------------------


def _items_and_scale(measure: Measure) -> tuple[list[scoring.Item], scoring.Scale]:
    items = [
        scoring.Item(i.number, i.reverse_scored, i.subscale)
        for i in measure.items.order_by("number")
    ]
    return items, scoring.Scale(measure.scale_min, measure.scale_max, measure.scoring)


def _open(staff: StaffMember, point_id: int, today: date):
    found = open_measure_for(staff.pk, point_id, today)
    if found is None:
        if MeasureResponse.objects.filter(staff=staff, point_id=point_id).exists():
            raise ValidationError(ALREADY_DONE, code="already_done")
        raise ValidationError(
            "This measure is not open for you: its window has closed or not yet opened.",
            code="closed",
        )
    return found


def _refuse(error: scoring.ScoringError) -> ValidationError:
    return ValidationError(error.problems, code="answers")


@transaction.atomic
def response_draft_save(
    *, staff: StaffMember, point_id: int, answers: dict, today: date | None = None
) -> ResponseDraft:
    """Keep the answers given so far, to finish later. Answers are checked, not scored."""
    today = today or timezone.localdate()
    found = _open(staff, point_id, today)
    items, scale = _items_and_scale(found.point.measure)
    try:
        parsed = scoring.parse_answers(items, scale, answers)
    except scoring.ScoringError as error:
        raise _refuse(error) from None
    draft, _ = ResponseDraft.objects.update_or_create(
        staff=staff,
        point=found.point,
        cohort=found.cohort,
        defaults={"answers": {str(k): v for k, v in parsed.items()}},
    )
    return draft


def response_submit(
    *, staff: StaffMember, point_id: int, answers: dict, today: date | None = None
) -> MeasureResponse:
    """Score and store a completed response with the measure version it was scored
    against, and drop any draft. One response per person, point and cohort: a second
    submission is refused (the database's unique constraint decides a race)."""
    today = today or timezone.localdate()
    found = _open(staff, point_id, today)
    measure = found.point.measure
    items, scale = _items_and_scale(measure)
    try:
        scored = scoring.score_answers(items, scale, answers)
        parsed = scoring.parse_answers(items, scale, answers)
    except scoring.ScoringError as error:
        raise _refuse(error) from None
    try:
        with transaction.atomic():
            response = MeasureResponse.objects.create(
                staff=staff,
                point=found.point,
                cohort=found.cohort,
                measure=measure,
                answers={str(k): v for k, v in parsed.items()},
                score=scored.score,
                subscale_scores=scored.subscales,
                items_answered=scored.answered,
                prorated=scored.prorated,
            )
            ResponseDraft.objects.filter(
                staff=staff, point=found.point, cohort=found.cohort
            ).delete()
    except IntegrityError:
        raise ValidationError(ALREADY_DONE, code="already_done") from None
    return response
