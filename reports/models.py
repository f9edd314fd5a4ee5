"""Reports people have produced, kept so they can be downloaded again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import Programme, Service


class GeneratedReport(models.Model):
    """One produced (or producing) PDF: for a programme or for one service, as at a date."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being produced"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be produced"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    as_of = models.DateField(help_text="The figures are as at the end of this day.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False, service__isnull=True)
                | Q(programme__isnull=True, service__isnull=False),
                name="report_is_about_a_programme_or_a_service",
            )
        ]
        indexes = [models.Index(fields=["programme", "-created"])]

    def __str__(self) -> str:
        return f"{self.subject_name} as at {self.as_of:%d/%m/%Y} ({self.get_status_display()})"

    @property
    def subject_name(self) -> str:
        subject = self.programme or self.service
        return subject.name if subject else "Report"

    @property
    def requested_by_name(self) -> str:
        user = self.requested_by
        return (user.get_full_name() or user.username) if user else "—"

    @property
    def kind(self) -> str:
        return "Programme commissioning report" if self.programme_id else "Service report"

    @property
    def filename(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.subject_name.lower()).strip("-")
        return f"{slug}-{self.as_of:%Y-%m-%d}.pdf"
