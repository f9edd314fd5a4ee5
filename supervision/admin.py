"""Django admin for supervision sessions, CPD and the record of reminders sent."""

from django.contrib import admin

from .models import (
    CpdActivity,
    NotificationPreference,
    Reminder,
    ReminderDigest,
    SupervisionSession,
)


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(admin.ModelAdmin):
    # Notes are private to supervisee and supervisor. Admins, as system owners, can open a
    # session and read them, but they are kept off lists and out of search.
    list_display = [
        "held_on",
        "supervisee",
        "supervisor_display",
        "supervision_type",
        "minutes",
        "reflective_percent",
        "wellbeing_checked",
        "vicarious_trauma_concern",
        "affirmed",
    ]
    list_select_related = ["supervisee", "supervisor"]
    list_filter = [
        "supervision_type",
        "vicarious_trauma_concern",
        "wellbeing_checked",
        ("affirmed_at", admin.EmptyFieldListFilter),
        "supervisee__service__organisation",
    ]
    search_fields = [
        "supervisee__full_name",
        "supervisee__email",
        "supervisor__full_name",
        "external_supervisor",
    ]
    autocomplete_fields = ["supervisee", "supervisor", "logged_by", "affirmed_by"]
    readonly_fields = ["logged_at"]
    date_hierarchy = "held_on"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "supervisee",
                    ("supervisor", "external_supervisor"),
                    "held_on",
                    "minutes",
                    "supervision_type",
                ]
            },
        ),
        (
            "Focus and wellbeing",
            {"fields": ["reflective_percent", "wellbeing_checked", "vicarious_trauma_concern"]},
        ),
        (
            "Private notes",
            {
                "classes": ["collapse"],
                "description": "Visible in Launchpad only to the supervisee and supervisor.",
                "fields": ["notes"],
            },
        ),
        ("Record", {"fields": ["logged_by", "logged_at", "affirmed_at", "affirmed_by"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change and obj.logged_by_id is None:
            obj.logged_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Supervisor", ordering="supervisor__full_name")
    def supervisor_display(self, obj):
        return obj.supervisor_name

    @admin.display(description="Affirmed", boolean=True, ordering="affirmed_at")
    def affirmed(self, obj):
        return obj.affirmed_at is not None


@admin.register(CpdActivity)
class CpdActivityAdmin(admin.ModelAdmin):
    list_display = ["done_on", "title", "staff", "kind", "hours", "peer_reflection", "resource"]
    list_select_related = ["staff", "resource"]
    list_filter = ["kind", "peer_reflection", "staff__service__organisation"]
    search_fields = ["title", "staff__full_name", "staff__email"]
    autocomplete_fields = ["staff", "resource"]
    date_hierarchy = "done_on"
    fieldsets = [
        (None, {"fields": ["staff", "kind", "title", "done_on", "hours", "resource"]}),
        ("Reflection", {"fields": ["learning", "impact", "peer_reflection"]}),
    ]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "created",
        "recipient",
        "kind",
        "due_period",
        "item_key",
        "emailed",
        "dismissed",
    ]
    list_select_related = ["recipient"]
    list_filter = [
        "kind",
        ("emailed_at", admin.EmptyFieldListFilter),
        ("dismissed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = [
        "recipient__username",
        "recipient__email",
        "recipient__first_name",
        "recipient__last_name",
        "item_key",
        "message",
    ]
    autocomplete_fields = ["recipient"]
    raw_id_fields = ["digest"]
    date_hierarchy = "created"

    @admin.display(description="Emailed", boolean=True, ordering="emailed_at")
    def emailed(self, obj):
        return obj.emailed_at is not None

    @admin.display(description="Dismissed", boolean=True, ordering="dismissed_at")
    def dismissed(self, obj):
        return obj.dismissed_at is not None


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    """The record of daily digests: one per person per day (the unique constraint)."""

    list_display = ["day", "recipient", "reminder_count", "emailed_at"]
    list_select_related = ["recipient"]
    list_filter = [("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "recipient__email"]
    autocomplete_fields = ["recipient"]
    date_hierarchy = "day"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_digest"]
    list_select_related = ["user"]
    list_filter = ["email_digest"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
