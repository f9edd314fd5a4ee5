"""The workforce, champion screening, cohorts in waves, and training completion."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import Programme, Service


class StaffMember(models.Model):
    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        SENIOR_PRACTITIONER = "senior", "Senior practitioner"
        LINE_MANAGER = "line_manager", "Line manager"
        SERVICE_MANAGER = "service_manager", "Service manager"
        OTHER = "other", "Other"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="staff")
    full_name = models.CharField(max_length=200)
    email = models.EmailField(unique=True, help_text="Work email; imports match on it.")
    job_title = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    start_date = models.DateField()
    newly_qualified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(line_manager=models.F("id")), name="staff_not_own_line_manager"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Criterion(models.TextChoices):
    """The alignment criteria for choosing first practitioners (champions)."""

    DIRECT_WORK = "direct_work", "Works directly with children and families"
    CURIOSITY = "curiosity", "Curious about what behaviour communicates"
    NON_PUNITIVE = "non_punitive", "Not attached to punitive or consequence-led responses"
    RELATIONAL_LANGUAGE = "relational", "Uses relational, empathic, non-judgemental language"
    THEORY_TO_PRACTICE = "theory_to_practice", "Turns theory into day-to-day practice"


RATING_MIN, RATING_MAX = 0, 3
RATING_LABELS = {0: "Not yet seen", 1: "Sometimes", 2: "Often", 3: "Consistently"}


class Screening(models.Model):
    """A manager's rating of a practitioner against the alignment criteria."""

    class Interest(models.TextChoices):
        NOT_ASKED = "not_asked", "Not asked yet"
        INTERESTED = "interested", "Interested"
        NOT_NOW = "not_now", "Not at the moment"

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="screenings")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="screenings")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_on = models.DateField(default=timezone.localdate)
    practitioner_interest = models.CharField(
        max_length=20, choices=Interest.choices, default=Interest.NOT_ASKED
    )
    already_practising = models.BooleanField(
        default=False, help_text="Already practising this way without the label."
    )
    total_score = models.PositiveSmallIntegerField(default=0, editable=False)
    # The practitioner's own words on the screening: selection is mutual.
    practitioner_reflection = models.TextField(blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-screened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme"], name="one_screening_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"Screening of {self.staff} ({self.screened_on:%d/%m/%Y})"


class ScreeningRating(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    rating = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["screening", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "criterion"], name="one_rating_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="screening_rating_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.rating}"


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RECRUITING = "recruiting", "Recruiting"
        IN_TRAINING = "in_training", "In training"
        COMPLETED = "completed", "Training completed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    wave = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    planned_size = models.PositiveSmallIntegerField()
    training_start = models.DateField(null=True, blank=True)
    training_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["programme", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "wave"], name="unique_wave"),
            models.CheckConstraint(condition=Q(wave__gte=1), name="wave_starts_at_one"),
            models.CheckConstraint(
                condition=Q(training_end__isnull=True)
                | Q(training_start__isnull=True)
                | Q(training_end__gte=models.F("training_start")),
                name="training_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Wave {self.wave}: {self.name}"


class Membership(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        CONFIRMED = "confirmed", "Confirmed"
        TRAINED = "trained", "Trained"
        ACTIVE = "active", "Active champion"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    withdrawn_reason = models.TextField(blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "staff__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "staff"], name="one_membership_per_cohort"),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.cohort} ({self.get_status_display()})"


class TrainingCompletion(models.Model):
    """Completed trauma-informed training, for practitioners and line managers alike."""

    class Course(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner training"
        LINE_MANAGER = "line_manager", "Line-manager training"
        REFRESHER = "refresher", "Refresher"

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(max_length=20, choices=Course.choices)
    completed_on = models.DateField()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme", "course"], name="one_completion_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_course_display()} ({self.completed_on:%d/%m/%Y})"


class StaffImport(models.Model):
    """An uploaded HR export, held between its preview and its confirmation.

    The file itself is kept only until it is applied (or replaced by another upload), so
    nothing is written to the workforce until the person who uploaded it confirms.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_imports"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%d/%m/%Y %H:%M})"


# Audit trail (django-auditlog): screening, who is in which cohort, and workforce imports.
auditlog.register(Screening)
auditlog.register(ScreeningRating)
auditlog.register(Membership, exclude_fields=["updated"])
auditlog.register(Cohort)
auditlog.register(StaffMember)
auditlog.register(StaffImport, exclude_fields=["content"])
