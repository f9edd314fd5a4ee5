"""Django admin for programmes, services, agreements, stages, standards and resources."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import (
    Agreement,
    AgreementComment,
    CadenceRule,
    CommissionerMembership,
    Invitation,
    Milestone,
    MilestoneTemplate,
    Organisation,
    Participation,
    PressureTag,
    Programme,
    Resource,
    Service,
    StageRecord,
    Standards,
)

admin.site.site_header = "Launchpad administration"
admin.site.site_title = "Launchpad admin"
admin.site.index_title = "Data and settings"


# --- Organisations and services ------------------------------------------------------------------


class CommissionerMembershipInline(admin.TabularInline):
    model = CommissionerMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created"]
    verbose_name = "commissioner"
    verbose_name_plural = "commissioners"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "service_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [CommissionerMembershipInline]
    # Stated here because a queryset annotated with a count (get_queryset) no longer
    # counts as ordered, and autocomplete lists would come back in any order.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_service_count=Count("services"))

    @admin.display(description="Services", ordering="_service_count")
    def service_count(self, obj):
        return obj._service_count


@admin.register(CommissionerMembership)
class CommissionerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created"]
    list_select_related = ["user", "organisation"]
    list_filter = ["organisation"]
    search_fields = [
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "organisation__name",
    ]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created"]
    date_hierarchy = "created"


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "manager_names"]
    list_select_related = ["organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "managers"]

    def get_queryset(self, request):
        # One extra query for every page, not one per row.
        return super().get_queryset(request).prefetch_related("managers")

    @admin.display(description="Service managers")
    def manager_names(self, obj):
        return ", ".join(user.get_full_name() or user.username for user in obj.managers.all())


# --- Programmes and participation ----------------------------------------------------------------


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["service", "current_stage", "joined_on"]
    autocomplete_fields = ["service"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "commissioning_organisation",
        "practice_model",
        "start_date",
        "end_date",
        "service_count",
    ]
    list_select_related = ["commissioning_organisation"]
    list_filter = ["commissioning_organisation"]
    search_fields = ["name", "practice_model", "commissioning_organisation__name"]
    autocomplete_fields = ["commissioning_organisation", "lead_commissioners"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline]
    ordering = ["-start_date", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_service_count=Count("participations"))

    @admin.display(description="Services taking part", ordering="_service_count")
    def service_count(self, obj):
        return obj._service_count


class AgreementInline(admin.TabularInline):
    """A read-only list of versions; each is edited on its own page."""

    model = Agreement
    extra = 0
    fields = [
        "version",
        "status",
        "headcount",
        "cohort_places_per_wave",
        "commissioner_signed_at",
        "service_manager_signed_at",
        "created",
    ]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name_plural = "agreement versions"

    def has_add_permission(self, request, obj=None):
        return False


class StageRecordInline(admin.TabularInline):
    model = StageRecord
    extra = 0
    fields = ["stage", "started_on", "completed_on"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["stage", "position", "title", "due_on", "completed_on"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = [
        "service",
        "programme",
        "current_stage",
        "joined_on",
        "latest_agreement_version",
        "milestones_completed",
    ]
    list_select_related = ["programme", "service__organisation"]
    list_filter = ["current_stage", "programme"]
    search_fields = ["service__name", "service__organisation__name", "programme__name"]
    autocomplete_fields = ["programme", "service"]
    date_hierarchy = "joined_on"
    inlines = [AgreementInline, StageRecordInline, MilestoneInline]
    ordering = ["-programme__start_date", "programme__name", "service__name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _latest_version=Max("agreements__version"),
                _milestones=Count("milestones", distinct=True),
                _milestones_done=Count(
                    "milestones",
                    filter=Q(milestones__completed_on__isnull=False),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="Latest agreement", ordering="_latest_version")
    def latest_agreement_version(self, obj):
        return f"v{obj._latest_version}" if obj._latest_version else None

    @admin.display(description="Milestones completed")
    def milestones_completed(self, obj):
        if not obj._milestones:
            return None
        share = round(100 * obj._milestones_done / obj._milestones)
        return f"{obj._milestones_done} of {obj._milestones} ({share}%)"


# --- Co-commissioning agreements -----------------------------------------------------------------


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "participation",
        "version",
        "status",
        "headcount",
        "vacancies",
        "cohort_places_per_wave",
        "signed_by_both",
        "created",
    ]
    list_select_related = ["participation__programme", "participation__service"]
    list_filter = ["status", "participation__programme", "pressure_tags"]
    search_fields = [
        "participation__service__name",
        "participation__programme__name",
        "pressures",
    ]
    autocomplete_fields = [
        "participation",
        "pressure_tags",
        "commissioner_signed_by",
        "service_manager_signed_by",
        "submitted_by",
    ]
    readonly_fields = ["created", "revision"]
    date_hierarchy = "created"
    fieldsets = [
        (None, {"fields": ["participation", "version", "status", "created", "revision"]}),
        (
            "Workforce snapshot",
            {
                "fields": [
                    "headcount",
                    "vacancies",
                    "agency_share_percent",
                    "typical_caseload",
                    "turnover_percent",
                ]
            },
        ),
        ("Pressures and constraints", {"fields": ["pressures", "pressure_tags"]}),
        (
            "Agreed expectations",
            {
                "fields": [
                    "protected_supervision_minutes_per_month",
                    "cpd_release_hours_per_year",
                    "cohort_places_per_wave",
                ]
            },
        ),
        (
            "Sign-off",
            {
                "fields": [
                    ("commissioner_signed_by", "commissioner_signed_at"),
                    ("service_manager_signed_by", "service_manager_signed_at"),
                    ("submitted_by", "submitted_at"),
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # A change made here is a change like any other: pages opened before it must not
        # sign or overwrite it unawares (commissioning.services checks the revision).
        if change:
            obj.revision += 1
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # A version that a later one has replaced stays exactly as it was agreed.
        if (
            obj is not None
            and obj.participation.agreements.filter(version__gt=obj.version).exists()
        ):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)

    @admin.display(description="Signed by both", boolean=True)
    def signed_by_both(self, obj):
        return bool(obj.commissioner_signed_at and obj.service_manager_signed_at)


@admin.register(AgreementComment)
class AgreementCommentAdmin(admin.ModelAdmin):
    list_display = ["agreement", "author", "sends_back", "created"]
    list_select_related = [
        "agreement__participation__programme",
        "agreement__participation__service",
        "author",
    ]
    list_filter = ["sends_back", "agreement__participation__programme"]
    search_fields = ["text", "agreement__participation__service__name"]
    autocomplete_fields = ["agreement", "author"]
    date_hierarchy = "created"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations can be looked at and withdrawn (deleted) here; they are sent from the
    programme's pages, because only there is the token made and emailed."""

    list_display = ["email", "service", "programme", "invited_by", "created", "state"]
    list_select_related = [
        "participation__programme",
        "participation__service",
        "invited_by",
    ]
    list_filter = ["participation__programme"]
    search_fields = ["email", "participation__service__name"]
    readonly_fields = [
        "participation",
        "email",
        "invited_by",
        "created",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Service", ordering="participation__service__name")
    def service(self, obj):
        return obj.participation.service.name

    @admin.display(description="Programme", ordering="participation__programme__name")
    def programme(self, obj):
        return obj.participation.programme

    @admin.display(description="State")
    def state(self, obj):
        if obj.accepted_at:
            return "Accepted"
        return "Expired" if obj.is_expired() else "Waiting"


@admin.register(PressureTag)
class PressureTagAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement_count"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_agreement_count=Count("agreements"))

    @admin.display(description="Agreements", ordering="_agreement_count")
    def agreement_count(self, obj):
        return obj._agreement_count


# --- Implementation stages -----------------------------------------------------------------------


@admin.register(StageRecord)
class StageRecordAdmin(admin.ModelAdmin):
    list_display = ["stage", "service", "programme", "started_on", "completed_on", "days_in_stage"]
    list_select_related = ["participation__programme", "participation__service"]
    list_filter = ["stage", "participation__programme"]
    search_fields = ["participation__service__name", "participation__programme__name"]
    autocomplete_fields = ["participation"]
    date_hierarchy = "started_on"

    @admin.display(description="Service", ordering="participation__service__name")
    def service(self, obj):
        return obj.participation.service.name

    @admin.display(description="Programme", ordering="participation__programme__name")
    def programme(self, obj):
        return obj.participation.programme

    @admin.display(description="Days in stage")
    def days_in_stage(self, obj):
        # Duration so far for a stage still in progress.
        end = obj.completed_on or timezone.localdate()
        return (end - obj.started_on).days


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    """The programme's checklist; commissioners edit it on the programme's milestones page,
    which also keeps services' checklists in step."""

    list_display = ["title", "stage", "position", "programme"]
    list_select_related = ["programme"]
    list_filter = ["stage", "programme"]
    search_fields = ["title", "programme__name"]
    autocomplete_fields = ["programme"]
    ordering = ["programme", "stage", "position"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "service", "programme", "due_on", "completed_on", "done"]
    list_select_related = ["participation__programme", "participation__service"]
    list_filter = [
        "stage",
        ("completed_on", admin.EmptyFieldListFilter),
        "participation__programme",
    ]
    search_fields = ["title", "participation__service__name", "participation__programme__name"]
    autocomplete_fields = ["participation", "template"]
    date_hierarchy = "due_on"

    @admin.display(description="Service", ordering="participation__service__name")
    def service(self, obj):
        return obj.participation.service.name

    @admin.display(description="Programme", ordering="participation__programme__name")
    def programme(self, obj):
        return obj.participation.programme

    @admin.display(description="Done", boolean=True, ordering="completed_on")
    def done(self, obj):
        return obj.completed_on is not None


# --- Professional standards ----------------------------------------------------------------------


class CadenceRuleInline(admin.TabularInline):
    model = CadenceRule
    extra = 0
    fields = ["supervision_type", "newly_qualified", "from_week", "to_week", "interval_days"]


@admin.register(Standards)
class StandardsAdmin(admin.ModelAdmin):
    list_display = [
        "programme",
        "min_session_minutes",
        "coaching_interval_days",
        "cpd_hours_per_year",
        "cpd_pieces_per_year",
        "fidelity_check_interval_days",
        "small_number_threshold",
    ]
    list_select_related = ["programme"]
    list_filter = ["clinical_supervision_available"]
    search_fields = ["programme__name"]
    autocomplete_fields = ["programme"]
    inlines = [CadenceRuleInline]
    fieldsets = [
        (None, {"fields": ["programme"]}),
        (
            "Supervision and coaching",
            {
                "fields": [
                    "min_session_minutes",
                    "coaching_interval_days",
                    "clinical_supervision_available",
                ]
            },
        ),
        (
            "CPD",
            {
                "fields": [
                    "cpd_hours_per_year",
                    "cpd_pieces_per_year",
                    "cpd_peer_reflection_pieces",
                ]
            },
        ),
        (
            "Fidelity, resources and reporting",
            {
                "fields": [
                    "fidelity_check_interval_days",
                    "resource_review_months",
                    "small_number_threshold",
                ]
            },
        ),
    ]


@admin.register(CadenceRule)
class CadenceRuleAdmin(admin.ModelAdmin):
    list_display = [
        "programme",
        "supervision_type",
        "newly_qualified",
        "from_week",
        "to_week",
        "interval_days",
    ]
    list_select_related = ["standards__programme"]
    list_filter = ["supervision_type", "newly_qualified", "standards__programme"]
    search_fields = ["standards__programme__name"]
    autocomplete_fields = ["standards"]

    @admin.display(description="Programme", ordering="standards__programme__name")
    def programme(self, obj):
        return obj.standards.programme


# --- Resource library ----------------------------------------------------------------------------


class ReviewStatusFilter(admin.SimpleListFilter):
    title = "review status"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("outdated", "Past its review date")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(review_by__gte=today)
        if self.value() == "outdated":
            return queryset.filter(review_by__lt=today)
        return queryset


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "evidence_level",
        "owner",
        "last_reviewed",
        "review_by",
        "is_current",
    ]
    list_select_related = ["organisation"]
    list_filter = [ReviewStatusFilter, "evidence_level", "organisation"]
    search_fields = ["title", "description", "source", "owner"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "review_by"

    @admin.display(description="Current", boolean=True, ordering="review_by")
    def is_current(self, obj):
        return not obj.is_outdated()
