"""Django admin for fidelity tools, checks and the support actions they lead to."""

from django.contrib import admin
from django.db.models import Avg, Count
from django.utils import timezone

from .models import (
    MAX_ITEMS,
    ChallengeTheme,
    FidelityCheck,
    FidelityItem,
    FidelityRating,
    FidelityTool,
    SupportAction,
)

# --- Tools ---------------------------------------------------------------------------------------


def _in_use_by_checks(tool) -> bool:
    """A version that checks were done with stays as it was: edit the tool in the app to
    publish the next version instead."""
    return tool is not None and tool.pk is not None and tool.checks.exists()


class FidelityItemInline(admin.TabularInline):
    model = FidelityItem
    extra = 0
    max_num = MAX_ITEMS  # a light-touch reflection stays short
    fields = ["number", "principle", "prompt"]

    def has_add_permission(self, request, obj=None):
        return not _in_use_by_checks(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _in_use_by_checks(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_use_by_checks(obj) and super().has_delete_permission(request, obj)


@admin.register(FidelityTool)
class FidelityToolAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "programme", "in_use", "item_count"]
    list_select_related = ["programme"]
    list_filter = ["programme", "in_use"]
    search_fields = ["name", "programme__name"]
    autocomplete_fields = ["programme"]
    readonly_fields = ["published", "published_by"]
    inlines = [FidelityItemInline]
    ordering = ["-programme__start_date", "programme__name", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description="Items", ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count


@admin.register(FidelityItem)
class FidelityItemAdmin(admin.ModelAdmin):
    list_display = ["tool", "number", "principle", "prompt"]
    list_select_related = ["tool"]
    list_filter = ["principle", "tool__programme"]
    search_fields = ["prompt", "tool__name"]
    autocomplete_fields = ["tool"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and _in_use_by_checks(obj.tool):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _in_use_by_checks(obj.tool):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ChallengeTheme)
class ChallengeThemeAdmin(admin.ModelAdmin):
    """The short list of challenge themes practitioners tag their checks with."""

    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


# --- Checks and ratings --------------------------------------------------------------------------


class FidelityRatingInline(admin.TabularInline):
    model = FidelityRating
    extra = 0
    max_num = MAX_ITEMS
    fields = ["item", "rating"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Offer only the items of the check's own tool once the check exists.
        if obj is not None and "item" in formset.form.base_fields:
            formset.form.base_fields["item"].queryset = obj.tool.items.all()
        return formset


@admin.register(FidelityCheck)
class FidelityCheckAdmin(admin.ModelAdmin):
    list_display = [
        "done_on",
        "staff",
        "kind",
        "tool",
        "mean_rating_display",
        "support_wanted",
        "completed_by",
    ]
    list_select_related = ["staff", "tool", "completed_by"]
    list_filter = ["kind", "support_wanted", "tool__programme", "staff__service__organisation"]
    search_fields = ["staff__full_name", "staff__email", "tool__name"]
    autocomplete_fields = ["tool", "staff", "completed_by"]
    readonly_fields = ["mean_rating"]
    filter_horizontal = ["themes"]
    date_hierarchy = "done_on"
    inlines = [FidelityRatingInline]
    fieldsets = [
        (None, {"fields": ["tool", "staff", "kind", "completed_by", "done_on", "mean_rating"]}),
        (
            "Reflection",
            {"fields": ["went_well", "got_in_the_way", "support_wanted", "themes", "response"]},
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The ratings may have changed in the inline: keep the stored mean in step.
        check = form.instance
        check.mean_rating = check.ratings.aggregate(mean=Avg("rating"))["mean"]
        check.save(update_fields=["mean_rating"])

    @admin.display(description="Mean rating", ordering="mean_rating")
    def mean_rating_display(self, obj):
        return None if obj.mean_rating is None else f"{obj.mean_rating:.1f}"


@admin.register(FidelityRating)
class FidelityRatingAdmin(admin.ModelAdmin):
    list_display = ["check_record", "principle", "item", "rating"]
    list_select_related = ["check_record__staff", "item"]
    list_filter = ["rating", "item__principle", "item__tool"]
    search_fields = ["check_record__staff__full_name", "item__prompt"]

    # View only: ratings are edited on their check, which keeps its stored mean in step.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Principle", ordering="item__principle")
    def principle(self, obj):
        return obj.item.get_principle_display()


# --- Support actions -----------------------------------------------------------------------------


class OpenOrDoneFilter(admin.SimpleListFilter):
    title = "progress"
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("overdue", "Overdue"), ("done", "Done")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(done_on__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(done_on__isnull=True, due_on__lt=timezone.localdate())
        if self.value() == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


@admin.register(SupportAction)
class SupportActionAdmin(admin.ModelAdmin):
    list_display = ["summary", "staff", "owner", "due_on", "done_on", "is_overdue"]
    list_select_related = ["staff", "owner"]
    list_filter = [OpenOrDoneFilter, "staff__service__organisation"]
    search_fields = ["description", "staff__full_name", "owner__full_name"]
    autocomplete_fields = ["check_record", "staff", "owner"]
    readonly_fields = ["created"]
    date_hierarchy = "due_on"

    @admin.display(description="Support")
    def summary(self, obj):
        return obj.description if len(obj.description) <= 80 else obj.description[:79] + "…"

    @admin.display(description="Overdue", boolean=True)
    def is_overdue(self, obj):
        return obj.done_on is None and obj.due_on < timezone.localdate()
