"""Light-touch fidelity reflections, and the support actions they lead to."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohorts.models import StaffMember
from commissioning.models import Programme

MAX_ITEMS = 8  # about three minutes: longer and it stops being light-touch
RATING_MIN, RATING_MAX = 1, 4
# A strengths-based scale: how often the practice showed, never a pass or a fail.
RATING_LABELS = {1: "Not yet", 2: "Sometimes", 3: "Often", 4: "Consistently"}


class Principle(models.TextChoices):
    """The six principles of the UK working definition of trauma-informed practice (OHID)."""

    SAFETY = "safety", "Safety"
    TRUST = "trust", "Trust"
    CHOICE = "choice", "Choice"
    COLLABORATION = "collaboration", "Collaboration"
    EMPOWERMENT = "empowerment", "Empowerment"
    CULTURAL = "cultural", "Cultural consideration"


class FidelityTool(models.Model):
    """One published version of a programme's reflection tool.

    Versions are immutable once saved: editing the tool publishes the next version, and
    the checks already done keep pointing at the version they used. ``in_use`` marks the
    version new checks use (one per programme).
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fidelity_tools"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    in_use = models.BooleanField(
        default=False, help_text="The version new checks in this programme use."
    )
    published = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["programme", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "version"], name="unique_fidelity_tool_version"
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(in_use=True),
                name="one_fidelity_tool_in_use",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class ChallengeTheme(models.Model):
    """A recurring challenge a check can be tagged with (workload, time, confidence...).

    A short fixed list kept in Django admin, so themes can be counted across a team.
    """

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Offered on new checks.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FidelityItem(models.Model):
    tool = models.ForeignKey(FidelityTool, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    principle = models.CharField(max_length=20, choices=Principle.choices)
    prompt = models.CharField(max_length=300)

    class Meta:
        ordering = ["tool", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="unique_fidelity_item"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_ITEMS),
                name="fidelity_tool_is_short",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.prompt}"


class FidelityCheck(models.Model):
    class Kind(models.TextChoices):
        SELF = "self", "Self-reflection"
        PEER = "peer", "Observation"
        SUPERVISION = "supervision", "In supervision"

    tool = models.ForeignKey(FidelityTool, on_delete=models.PROTECT, related_name="checks")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="fidelity_checks")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SELF)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_on = models.DateField(default=timezone.localdate)
    went_well = models.TextField("What went well", blank=True)
    got_in_the_way = models.TextField("What got in the way", blank=True)
    support_wanted = models.BooleanField("Would support help?", default=False)
    themes = models.ManyToManyField(ChallengeTheme, blank=True, related_name="checks")
    response = models.TextField(
        "Practitioner's response",
        blank=True,
        help_text="The practitioner's reply to an observation or supervision check.",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    mean_rating = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["staff", "-done_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.staff} ({self.done_on:%d/%m/%Y})"


class FidelityRating(models.Model):
    check_record = models.ForeignKey(
        FidelityCheck, on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.ForeignKey(FidelityItem, on_delete=models.PROTECT, related_name="ratings")
    rating = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_record", "item"], name="one_rating_per_item"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="fidelity_rating_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.get_principle_display()}: {self.rating}"

    @property
    def label(self) -> str:
        return RATING_LABELS.get(self.rating, str(self.rating))


class SupportAction(models.Model):
    """Help for a practitioner, owned by their line manager: a challenge leads to support."""

    check_record = models.ForeignKey(
        FidelityCheck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_actions",
    )
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="support_actions")
    owner = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="support_actions_owned"
    )
    description = models.TextField("What will help")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_on", "due_on"]

    def __str__(self) -> str:
        return f"Support for {self.staff}: {self.description[:50]}"

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


# Audit trail (django-auditlog): the support that follows a fidelity check.
auditlog.register(SupportAction)
