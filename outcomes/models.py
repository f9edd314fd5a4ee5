"""Measures (instruments), measurement points, responses and service indicators."""

from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohorts.models import Cohort, StaffMember
from commissioning.models import Programme, Service


class Measure(models.Model):
    """An instrument definition: items, scale, scoring and the figures for reliable change."""

    class Scoring(models.TextChoices):
        SUM = "sum", "Sum of items"
        MEAN = "mean", "Mean of items"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class ReliabilityKind(models.TextChoices):
        ALPHA = "alpha", "Cronbach's alpha"
        TEST_RETEST = "test_retest", "Test–retest r"
        OTHER = "other", "Other coefficient"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    version = models.CharField(max_length=20, default="1")
    description = models.TextField(blank=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    scale_labels = models.JSONField(
        default=dict, blank=True, help_text='Labels by value, e.g. {"1": "Never"}.'
    )
    scoring = models.CharField(max_length=10, choices=Scoring.choices, default=Scoring.MEAN)
    higher_is_better = models.BooleanField(default=True)
    reliability = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Reliability coefficient (e.g. Cronbach's alpha) for reliable change.",
    )
    reference_sd = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Reference standard deviation for reliable change.",
    )
    reliability_kind = models.CharField(
        max_length=20, choices=ReliabilityKind.choices, default=ReliabilityKind.ALPHA
    )
    clinical_cutoff = models.FloatField(null=True, blank=True)
    # Published measures never change (responses are scored against them); a change is a
    # new version, copied to a draft by outcomes.services.measure_new_version.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(blank=True)
    is_demonstration = models.BooleanField(
        default=False, help_text="Written for Launchpad's demo; not a validated instrument."
    )

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_measure_version"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="measure_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(reliability__isnull=True) | Q(reliability__gte=0, reliability__lte=1),
                name="measure_reliability_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class MeasureItem(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    reverse_scored = models.BooleanField(default=False)
    subscale = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="unique_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class MeasurementPoint(models.Model):
    """When a measure is taken, relative to each cohort's training dates."""

    class Kind(models.TextChoices):
        PRE = "pre", "Before training"
        POST = "post", "After training"
        FOLLOW_UP = "follow_up", "Follow-up"

    class Anchor(models.TextChoices):
        TRAINING_START = "start", "Training start"
        TRAINING_END = "end", "Training end"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="measurement_points"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="points")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=100)
    anchor = models.CharField(max_length=10, choices=Anchor.choices)
    opens_after_days = models.SmallIntegerField(
        help_text="Days after the anchor date when the window opens (negative = before)."
    )
    window_days = models.PositiveSmallIntegerField(default=28)

    class Meta:
        ordering = ["programme", "measure", "anchor", "opens_after_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "measure", "label"], name="unique_measurement_point"
            ),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="window_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.name}: {self.label}"

    def window_for(self, cohort: Cohort) -> tuple[date, date] | None:
        """The first and last day this point is open for a cohort, or None while the
        cohort's training date that anchors it is not set."""
        if self.anchor == self.Anchor.TRAINING_START:
            anchor = cohort.training_start
        else:
            anchor = cohort.training_end
        if anchor is None:
            return None
        opens = anchor + timedelta(days=self.opens_after_days)
        return opens, opens + timedelta(days=self.window_days - 1)


class MeasureResponse(models.Model):
    """One completed measure; scores are computed on save by outcomes.services, with the
    measure version they were scored against. Unfinished answers live in ResponseDraft,
    so every row here is a complete, scored response."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="measure_responses"
    )
    point = models.ForeignKey(MeasurementPoint, on_delete=models.CASCADE, related_name="responses")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="measure_responses")
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text="The measure version the answers were scored against.",
    )
    completed_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(help_text="Item number → raw answer.")
    score = models.FloatField()
    subscale_scores = models.JSONField(default=dict, blank=True)
    items_answered = models.PositiveSmallIntegerField(null=True, blank=True)
    prorated = models.BooleanField(
        default=False, help_text="Scored from the answered items (some were left blank)."
    )

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "point", "cohort"], name="one_response_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} – {self.staff}"

    def save(self, *args, **kwargs):
        if self.measure_id is None and self.point_id is not None:
            self.measure_id = self.point.measure_id
        super().save(*args, **kwargs)


class ResponseDraft(models.Model):
    """Answers saved part-way ("Save and finish later"); deleted when the response is
    submitted. Drafts are never scored or counted."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(MeasurementPoint, on_delete=models.CASCADE, related_name="drafts")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "point", "cohort"], name="one_draft_per_point")
        ]

    def __str__(self) -> str:
        return f"Draft: {self.point} – {self.staff}"


class ServiceIndicator(models.Model):
    """A service-level figure tracked per period against a baseline (e.g. placement moves)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, blank=True)
    higher_is_better = models.BooleanField(default=False)
    baseline_value = models.FloatField()
    baseline_period = models.CharField(max_length=40, help_text="e.g. 2025–26 Q4")

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="unique_indicator")]

    def __str__(self) -> str:
        return f"{self.name} – {self.service.name}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(ServiceIndicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    value = models.FloatField()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"], name="one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_start:%m/%Y}: {self.value:g}"
