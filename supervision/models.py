"""Supervision, coaching, CPD, and the record of reminders sent."""

from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from cohorts.models import StaffMember
from commissioning.models import Resource, SupervisionType


class SupervisionSession(models.Model):
    # A supervisor's staff record is protected: sessions must always say who supervised
    # (staff leave by becoming inactive, not by being deleted).
    class Concern(models.TextChoices):
        NONE = "none", "None"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        # "Significant" prompts the supervisor the same day (services.supervision_session_record).
        HIGH = "high", "Significant"

    supervisee = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="supervision_received"
    )
    supervisor = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_given",
    )
    external_supervisor = models.CharField(
        max_length=200, blank=True, help_text="A named external clinical supervisor."
    )
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    supervision_type = models.CharField(max_length=30, choices=SupervisionType.choices)
    reflective_percent = models.PositiveSmallIntegerField(
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Share of the session spent on reflective practice and emotional impact "
        "rather than case tasks and compliance.",
    )
    wellbeing_checked = models.BooleanField(default=False)
    vicarious_trauma_concern = models.CharField(
        max_length=10, choices=Concern.choices, default=Concern.NONE
    )
    notes = models.TextField(blank=True, help_text="Private to the supervisee and supervisor.")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    logged_at = models.DateTimeField(default=timezone.now)
    # The supervisor's confirmation that the session happened as logged.
    affirmed_at = models.DateTimeField(null=True, blank=True)
    affirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["supervisee", "supervision_type", "-held_on"]),
            models.Index(fields=["supervisor", "-held_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=480), name="session_length_plausible"
            ),
            models.CheckConstraint(
                condition=Q(reflective_percent__lte=100), name="reflective_share_is_percentage"
            ),
            models.CheckConstraint(
                condition=Q(supervisor__isnull=False) | ~Q(external_supervisor=""),
                name="session_has_a_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("supervisee")),
                name="not_self_supervised",
            ),
        ]

    def __str__(self) -> str:
        # The audit trail names the session as it is saved, when held_on may still be
        # the string it was given (e.g. "2026-11-02") rather than a date.
        held_on = (
            date_format(self.held_on, "d/m/Y") if hasattr(self.held_on, "day") else self.held_on
        )
        return f"{self.get_supervision_type_display()} for {self.supervisee} on {held_on}"

    @property
    def supervisor_name(self) -> str:
        return self.supervisor.full_name if self.supervisor else self.external_supervisor

    @property
    def case_task_percent(self) -> int:
        """The rest of the session: case tasks and compliance."""
        return 100 - self.reflective_percent


class CpdActivity(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course or workshop"
        READING = "reading", "Reading or research"
        PEER_LEARNING = "peer", "Peer learning or reflection group"
        SHADOWING = "shadowing", "Shadowing or observation"
        E_LEARNING = "elearning", "E-learning"
        OTHER = "other", "Other"

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="cpd")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    done_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(200)],
    )
    learning = models.TextField("What I learned", blank=True)
    impact = models.TextField("Impact on my practice", blank=True)
    peer_reflection = models.BooleanField(default=False)
    resource = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="cpd_uses"
    )

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = "CPD activity"
        verbose_name_plural = "CPD activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=200), name="cpd_hours_plausible"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.staff}, {self.done_on:%d/%m/%Y})"


class Reminder(models.Model):
    """A reminder recorded once per recipient, item and due period.

    The unique constraint is what makes sending idempotent: a retried task, a second
    beat or a restarted worker can only ever insert the same row once.
    """

    class Kind(models.TextChoices):
        SUPERVISION_DUE = "supervision_due", "Supervision due"
        SUPERVISION_OVERDUE = "supervision_overdue", "Supervision overdue"
        CPD_BEHIND = "cpd_behind", "CPD behind pace"
        COACHING_DUE = "coaching_due", "Coaching due"
        MEASURE_OPEN = "measure_open", "Measure window open"
        FIDELITY_DUE = "fidelity_due", "Fidelity reflection due"
        RESOURCE_REVIEW = "resource_review", "Resource review due"
        CONCERN = "concern", "Vicarious-trauma concern raised"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    item_key = models.CharField(max_length=100, help_text="What the reminder is about.")
    due_period = models.CharField(max_length=20, help_text="e.g. the due date, 2026-11-30.")
    message = models.CharField(max_length=300)
    url = models.CharField(
        max_length=300, blank=True, help_text="Where to act on it, e.g. /my-practice/."
    )
    created = models.DateTimeField(default=timezone.now)
    # The daily digest that carried it (in-app and, if the person wants it, by email).
    digest = models.ForeignKey(
        "ReminderDigest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "item_key", "due_period"],
                name="reminder_once_per_period",
            )
        ]
        indexes = [
            # The daily digest looks only at reminders no digest or email has carried yet.
            models.Index(
                fields=["recipient"],
                condition=Q(
                    digest__isnull=True, emailed_at__isnull=True, dismissed_at__isnull=True
                ),
                name="reminder_pending",
            ),
            models.Index(fields=["recipient", "-created"], name="reminder_recipient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} ({self.due_period})"


class ReminderDigest(models.Model):
    """One person's reminders for one day, shown in-app and emailed if they want it.

    The unique constraint is what guarantees one digest per person per day: the digest
    row is inserted in the same transaction that marks the reminders and sends the
    email, so a second run, a retried task or a restarted worker cannot send another.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    created = models.DateTimeField(default=timezone.now)
    reminder_count = models.PositiveIntegerField(default=0)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty when the person has turned email off."
    )
    # Recorded, and the person wants it by email, but the email has not gone yet: the run
    # records a batch of digests first and then sends their emails (services explain).
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day")
        ]
        indexes = [
            models.Index(
                fields=["day", "recipient"],
                condition=Q(email_pending=True),
                name="digest_email_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day:%d/%m/%Y}"


class NotificationPreference(models.Model):
    """How a person wants their reminders. Without a row, the defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_digest = models.BooleanField(
        "Email me a daily digest",
        default=True,
        help_text="Reminders always appear on your notifications page.",
    )

    def __str__(self) -> str:
        return f"Notification preference of {self.user}"


# Audit trail (django-auditlog): who logged and who confirmed each session. The private
# notes stay out of the log: they are for the supervisee and supervisor only.
auditlog.register(SupervisionSession, exclude_fields=["notes"])
