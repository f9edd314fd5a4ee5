"""Django admin for staff, champion screening, cohorts and training completion."""

from django.contrib import admin
from django.db.models import Count, Q, Sum

from .models import (
    Cohort,
    Criterion,
    Membership,
    Screening,
    ScreeningRating,
    StaffImport,
    StaffMember,
    TrainingCompletion,
)

# --- Staff ---------------------------------------------------------------------------------------


class TrainingCompletionInline(admin.TabularInline):
    model = TrainingCompletion
    extra = 0
    fields = ["programme", "course", "completed_on"]
    autocomplete_fields = ["programme"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "job_title",
        "role",
        "service",
        "line_manager",
        "start_date",
        "newly_qualified",
        "is_active",
    ]
    list_select_related = ["service__organisation", "line_manager"]
    list_filter = ["role", "newly_qualified", "is_active", "service__organisation"]
    search_fields = ["full_name", "email", "job_title"]
    autocomplete_fields = ["user", "service", "line_manager"]
    date_hierarchy = "start_date"
    inlines = [TrainingCompletionInline]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "job_title", "user"]}),
        (
            "Role in the service",
            {
                "fields": [
                    "service",
                    "role",
                    "line_manager",
                    "start_date",
                    "newly_qualified",
                    "is_active",
                ]
            },
        ),
    ]


# --- Champion screening --------------------------------------------------------------------------


class ScreeningRatingInline(admin.TabularInline):
    model = ScreeningRating
    fields = ["criterion", "rating", "evidence"]
    # Room for one rating per alignment criterion, and no more: with max_num set, the
    # formset only offers as many blank rows as criteria still unrated.
    extra = len(Criterion)
    max_num = len(Criterion)


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = [
        "staff",
        "service",
        "programme",
        "screened_by",
        "screened_on",
        "total_score",
        "practitioner_interest",
        "already_practising",
    ]
    list_select_related = ["staff__service", "programme", "screened_by"]
    list_filter = [
        "programme",
        "practitioner_interest",
        "already_practising",
        "staff__service__organisation",
    ]
    search_fields = ["staff__full_name", "staff__email", "programme__name"]
    autocomplete_fields = ["staff", "programme", "screened_by"]
    readonly_fields = ["total_score"]
    date_hierarchy = "screened_on"
    inlines = [ScreeningRatingInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The ratings may have changed in the inline: keep the stored total in step.
        screening = form.instance
        screening.total_score = screening.ratings.aggregate(total=Sum("rating"))["total"] or 0
        screening.save(update_fields=["total_score"])

    @admin.display(description="Service", ordering="staff__service__name")
    def service(self, obj):
        return obj.staff.service.name


@admin.register(ScreeningRating)
class ScreeningRatingAdmin(admin.ModelAdmin):
    list_display = ["screening", "criterion", "rating"]
    list_select_related = ["screening__staff"]
    list_filter = ["criterion", "rating", "screening__programme"]
    search_fields = ["screening__staff__full_name", "evidence"]

    # View only: ratings are edited on their screening, which keeps its stored total in step.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Cohorts and membership ----------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["staff", "status", "withdrawn_reason", "nominated_by", "updated"]
    readonly_fields = ["updated"]
    autocomplete_fields = ["staff", "nominated_by"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "programme",
        "wave",
        "status",
        "planned_size",
        "member_count",
        "training_start",
        "training_end",
    ]
    list_select_related = ["programme"]
    list_filter = ["status", "programme"]
    search_fields = ["name", "programme__name"]
    autocomplete_fields = ["programme"]
    date_hierarchy = "training_start"
    inlines = [MembershipInline]
    ordering = ["-programme__start_date", "programme__name", "wave"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _member_count=Count(
                    "memberships", filter=~Q(memberships__status=Membership.Status.WITHDRAWN)
                )
            )
        )

    @admin.display(description="Members (not withdrawn)", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["staff", "service", "cohort", "programme", "status", "nominated_by", "updated"]
    list_select_related = ["staff__service", "cohort__programme", "nominated_by"]
    list_filter = ["status", "cohort__programme", "staff__service__organisation"]
    search_fields = ["staff__full_name", "staff__email", "cohort__name"]
    autocomplete_fields = ["cohort", "staff", "nominated_by"]
    readonly_fields = ["updated"]
    date_hierarchy = "updated"

    @admin.display(description="Service", ordering="staff__service__name")
    def service(self, obj):
        return obj.staff.service.name

    @admin.display(description="Programme", ordering="cohort__programme__name")
    def programme(self, obj):
        return obj.cohort.programme


# --- Training ------------------------------------------------------------------------------------


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(admin.ModelAdmin):
    list_display = ["staff", "role", "course", "programme", "completed_on"]
    list_select_related = ["staff", "programme"]
    list_filter = ["course", "programme", "staff__role"]
    search_fields = ["staff__full_name", "staff__email"]
    autocomplete_fields = ["staff", "programme"]
    date_hierarchy = "completed_on"

    @admin.display(description="Role", ordering="staff__role")
    def role(self, obj):
        return obj.staff.get_role_display()


# --- Staff imports -------------------------------------------------------------------------------


@admin.register(StaffImport)
class StaffImportAdmin(admin.ModelAdmin):
    """A record of who imported staff lists and what changed. The file itself is kept only
    until it is applied, so it is never shown here."""

    list_display = [
        "file_name",
        "uploaded_by",
        "uploaded_at",
        "applied_at",
        "created_count",
        "updated_count",
    ]
    list_select_related = ["uploaded_by"]
    list_filter = ["applied_at"]
    search_fields = ["file_name", "uploaded_by__username"]
    date_hierarchy = "uploaded_at"
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
