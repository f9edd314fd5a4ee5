"""Programmes, co-commissioning with service managers, stages and professional standards."""

from __future__ import annotations

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMISSIONER = "commissioner", "Commissioning body"
        PROVIDER = "provider", "Provider organisation"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommissionerMembership(models.Model):
    """A user who commissions on behalf of an organisation: this is what makes a commissioner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commissioner_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="commissioner_memberships"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="unique_commissioner_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} commissions for {self.organisation}"


class Service(models.Model):
    """A team or service inside a provider organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_services"
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_service_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Programme(models.Model):
    name = models.CharField(max_length=200)
    commissioning_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    lead_commissioners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_programmes"
    )
    practice_model = models.CharField(
        max_length=200, help_text="The practice model being implemented."
    )
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    services: models.ManyToManyField[Service, Participation] = models.ManyToManyField(
        Service, through="Participation", related_name="programmes", blank=True
    )

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioning_organisation", "name"], name="unique_programme_name"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    """Implementation stages (NIRN's four, plus sustainment)."""

    EXPLORATION = "exploration", "Exploration"
    INSTALLATION = "installation", "Installation"
    INITIAL = "initial", "Initial implementation"
    FULL = "full", "Full implementation"
    SUSTAINMENT = "sustainment", "Sustainment"


STAGE_ORDER = [choice.value for choice in Stage]


class Participation(models.Model):
    """A service taking part in a programme: the unit that agreements and stages hang from."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participations"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="participations")
    current_stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.EXPLORATION
    )
    joined_on = models.DateField(default=date.today)

    class Meta:
        ordering = ["programme", "service__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "service"], name="unique_programme_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.name} in {self.programme}"


def _count_validators(what: str, most: int) -> list:
    """Validators for a count, with messages that say what was wrong in plain words."""
    return [
        MinValueValidator(0, message=f"{what} cannot be negative."),
        MaxValueValidator(most, message=f"{what} must be {most:,} or less."),
    ]


def _percentage_validators(what: str) -> list:
    message = f"{what} is a percentage: give a number from 0 to 100."
    return [MinValueValidator(0, message=message), MaxValueValidator(100, message=message)]


class Agreement(models.Model):
    """One version of the co-commissioning agreement for a programme × service.

    Editing an agreed version creates the next version; earlier ones stay as they were.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING = "awaiting", "Awaiting sign-off"
        AGREED = "agreed", "Agreed"
        UNDER_REVIEW = "review", "Under review"

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Workforce snapshot
    headcount = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("Headcount", 100_000)
    )
    vacancies = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("Vacancies", 100_000)
    )
    agency_share_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_percentage_validators("Agency share"),
    )
    typical_caseload = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("Typical caseload", 1_000)
    )
    turnover_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_percentage_validators("Staff turnover"),
        help_text="Staff turnover over the last 12 months.",
    )
    # Pressures and constraints
    pressures = models.TextField(blank=True)
    pressure_tags: models.ManyToManyField[PressureTag, models.Model] = models.ManyToManyField(
        "PressureTag", blank=True, related_name="agreements"
    )
    # Agreed expectations
    protected_supervision_minutes_per_month = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("Protected supervision time", 10_000)
    )
    cpd_release_hours_per_year = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("CPD release", 2_000)
    )
    cohort_places_per_wave = models.PositiveIntegerField(
        null=True, blank=True, validators=_count_validators("Cohort places", 1_000)
    )
    # Shared ownership: one sign-off from each side.
    commissioner_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commissioner_signed_at = models.DateTimeField(null=True, blank=True)
    service_manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service_manager_signed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency: every change adds one, and a page that changes the agreement
    # sends back the revision it showed. A mismatch means someone else changed it meanwhile.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["participation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "version"], name="unique_agreement_version"
            ),
            models.CheckConstraint(
                condition=Q(agency_share_percent__isnull=True)
                | Q(agency_share_percent__gte=0, agency_share_percent__lte=100),
                name="agreement_agency_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(turnover_percent__isnull=True)
                | Q(turnover_percent__gte=0, turnover_percent__lte=100),
                name="agreement_turnover_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(vacancies__isnull=True)
                | Q(headcount__isnull=True)
                | Q(vacancies__lte=models.F("headcount")),
                name="agreement_vacancies_within_headcount",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed")
                | Q(
                    commissioner_signed_at__isnull=False,
                    commissioner_signed_by__isnull=False,
                    service_manager_signed_at__isnull=False,
                    service_manager_signed_by__isnull=False,
                ),
                name="agreed_agreement_is_signed_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version}: {self.participation}"

    def clean(self) -> None:
        super().clean()
        if (
            self.headcount is not None
            and self.vacancies is not None
            and self.vacancies > self.headcount
        ):
            raise ValidationError(
                {"vacancies": "Vacancies cannot be more than the headcount (which includes them)."}
            )

    @property
    def is_signed_by_both(self) -> bool:
        return bool(self.commissioner_signed_at and self.service_manager_signed_at)

    @property
    def agreed_at(self):
        """When the second signature made it agreed (None until both have signed)."""
        if self.commissioner_signed_at and self.service_manager_signed_at:
            return max(self.commissioner_signed_at, self.service_manager_signed_at)
        return None


class AgreementComment(models.Model):
    """A remark on one version of an agreement; a send-back is a comment with a reason."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    sends_back = models.BooleanField(
        default=False, help_text="The commissioner sent the agreement back with this reason."
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "created", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="agreement_comment_has_text")
        ]

    def __str__(self) -> str:
        return f"{'Sent back' if self.sends_back else 'Comment'} on {self.agreement}"


class Invitation(models.Model):
    """An invitation for someone to manage a service taking part in a programme.

    Only a hash of the token is stored: the link in the email is the only copy of the
    token itself, so a leaked database cannot be used to accept invitations.
    """

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created")),
                name="invitation_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to manage {self.participation.service.name}"

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())


class PressureTag(models.Model):
    """A managed list of workforce pressures (e.g. high caseloads, agency reliance)."""

    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StageRecord(models.Model):
    """When a service entered and left one implementation stage."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="stage_records"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["participation", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "stage"], name="unique_stage_per_participation"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="stage_completes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} – {self.participation.service.name}"


class MilestoneTemplate(models.Model):
    """One item of a programme's milestone checklist for a stage.

    Each service taking part gets its own copy (a Milestone) to tick off; changing the
    template changes the copies that are still open (commissioning.services).
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="milestone_templates"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "stage", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "stage", "title"], name="unique_milestone_template_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_stage_display()})"


class Milestone(models.Model):
    """A dated activity within a stage (scored like the Stages of Implementation Completion)."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="milestones"
    )
    template = models.ForeignKey(
        MilestoneTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["participation", "stage", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "stage", "title"], name="unique_milestone_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SupervisionType(models.TextChoices):
    LINE_MANAGEMENT = "line_management", "Line management"
    REFLECTIVE = "reflective", "Reflective"
    CLINICAL = "clinical", "Clinical"
    COACHING = "coaching", "Coaching for line managers"
    GROUP_REFLECTIVE = "group_reflective", "Group reflective"


class Standards(models.Model):
    """The professional standards a programme measures everything else against."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="standards")
    min_session_minutes = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    coaching_interval_days = models.PositiveSmallIntegerField(
        default=42, help_text="How often line managers should receive coaching."
    )
    clinical_supervision_available = models.BooleanField(default=True)
    cpd_hours_per_year = models.PositiveSmallIntegerField(default=30)
    cpd_pieces_per_year = models.PositiveSmallIntegerField(default=2)
    cpd_peer_reflection_pieces = models.PositiveSmallIntegerField(default=1)
    fidelity_check_interval_days = models.PositiveSmallIntegerField(default=90)
    resource_review_months = models.PositiveSmallIntegerField(default=12)
    small_number_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2)],
        help_text="Aggregates over fewer people than this are suppressed.",
    )

    class Meta:
        verbose_name_plural = "standards"
        constraints = [
            models.CheckConstraint(
                condition=Q(small_number_threshold__gte=2), name="threshold_at_least_two"
            ),
            models.CheckConstraint(
                condition=Q(cpd_peer_reflection_pieces__lte=models.F("cpd_pieces_per_year")),
                name="peer_reflection_within_cpd_pieces",
            ),
        ]

    def __str__(self) -> str:
        return f"Standards for {self.programme}"


class CadenceRule(models.Model):
    """How often a supervision type is due, for a period of a person's time in post.

    Newly qualified staff get a tighter schedule: e.g. weekly for 6 weeks, fortnightly to
    26 weeks, then monthly (LGA employer standards for social workers, standard 4).
    """

    standards = models.ForeignKey(Standards, on_delete=models.CASCADE, related_name="cadence_rules")
    supervision_type = models.CharField(max_length=30, choices=SupervisionType.choices)
    newly_qualified = models.BooleanField(default=False)
    from_week = models.PositiveSmallIntegerField(default=0)
    to_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for 'from then on'."
    )
    interval_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)]
    )

    class Meta:
        ordering = ["standards", "supervision_type", "newly_qualified", "from_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["standards", "supervision_type", "newly_qualified", "from_week"],
                name="unique_cadence_rule_start",
            ),
            models.CheckConstraint(
                condition=Q(to_week__isnull=True) | Q(to_week__gt=models.F("from_week")),
                name="cadence_rule_period_is_positive",
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1), name="cadence_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        who = "newly qualified" if self.newly_qualified else "all staff"
        until = f"–{self.to_week}" if self.to_week is not None else "+"
        return (
            f"{self.get_supervision_type_display()} every {self.interval_days} days "
            f"({who}, weeks {self.from_week}{until})"
        )


class Resource(models.Model):
    """An evidence-based tool or material in a commissioner's resource library."""

    class Evidence(models.TextChoices):
        SYSTEMATIC_REVIEW = "review", "Systematic review or meta-analysis"
        TRIAL = "trial", "Controlled trial"
        QUASI = "quasi", "Quasi-experimental or observational study"
        GUIDANCE = "guidance", "National guidance or consensus"
        PRACTICE = "practice", "Practice-based evidence"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    evidence_level = models.CharField(max_length=20, choices=Evidence.choices)
    source = models.CharField(max_length=200)
    owner = models.CharField(max_length=200, help_text="Who keeps this resource current.")
    last_reviewed = models.DateField()
    review_by = models.DateField()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="unique_resource"),
            models.CheckConstraint(
                condition=Q(review_by__gte=models.F("last_reviewed")),
                name="resource_review_after_last_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_outdated(self, on: date | None = None) -> bool:
        return self.review_by < (on or timezone.localdate())


# Audit trail (django-auditlog): agreements and their sign-offs, standards and cadence.
auditlog.register(Agreement, m2m_fields={"pressure_tags"}, exclude_fields=["revision"])
auditlog.register(Standards)
auditlog.register(CadenceRule)
# ...and the rest of co-commissioning: comments and send-backs, who was invited and who
# became a service's manager, programme set-up, stage moves and milestone checklists.
auditlog.register(AgreementComment)
auditlog.register(Invitation, exclude_fields=["token_hash"])
auditlog.register(Programme, m2m_fields={"lead_commissioners"})
auditlog.register(Service, m2m_fields={"managers"})
auditlog.register(Participation)
auditlog.register(StageRecord)
auditlog.register(MilestoneTemplate)
auditlog.register(Milestone)
auditlog.register(Resource)
