"""Django admin for measures, measurement points, responses and service indicators."""

from django.contrib import admin
from django.db.models import Count

from .models import (
    IndicatorValue,
    Measure,
    MeasureItem,
    MeasurementPoint,
    MeasureResponse,
    ResponseDraft,
    ServiceIndicator,
)

# --- Measures ------------------------------------------------------------------------------------


class MeasureItemInline(admin.TabularInline):
    model = MeasureItem
    extra = 0
    fields = ["number", "text", "reverse_scored", "subscale"]


class PublishedItemInline(MeasureItemInline):
    readonly_fields = ["number", "text", "reverse_scored", "subscale"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "status",
        "slug",
        "item_count",
        "scoring",
        "higher_is_better",
        "is_demonstration",
    ]
    list_filter = ["status", "scoring", "higher_is_better", "is_demonstration"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MeasureItemInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "version",
                    "status",
                    "published_at",
                    "description",
                    "is_demonstration",
                ]
            },
        ),
        ("Response scale", {"fields": [("scale_min", "scale_max"), "scale_labels"]}),
        (
            "Scoring and reliable change",
            {
                "fields": [
                    "scoring",
                    "higher_is_better",
                    "reliability",
                    "reliability_kind",
                    "reference_sd",
                    "clinical_cutoff",
                ]
            },
        ),
        ("Licence and attribution", {"fields": ["licence", "attribution"]}),
    ]
    ordering = ["name", "version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    def get_readonly_fields(self, request, obj=None):
        # Published versions never change (responses were scored against them).
        if obj is not None and obj.is_published:
            return [f.name for f in obj._meta.fields]
        return ["published_at"]

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [PublishedItemInline(self.model, self.admin_site)]
        return super().get_inline_instances(request, obj)

    @admin.display(description="Items", ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count


@admin.register(MeasureItem)
class MeasureItemAdmin(admin.ModelAdmin):
    list_display = ["measure", "number", "text", "reverse_scored", "subscale"]
    list_select_related = ["measure"]
    list_filter = ["reverse_scored", "measure"]
    search_fields = ["text", "subscale", "measure__name"]
    autocomplete_fields = ["measure"]


# --- Measurement points and responses ------------------------------------------------------------


@admin.register(MeasurementPoint)
class MeasurementPointAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "programme",
        "measure",
        "kind",
        "anchor",
        "opens_after_days",
        "window_days",
    ]
    list_select_related = ["programme", "measure"]
    list_filter = ["kind", "anchor", "programme", "measure"]
    search_fields = ["label", "measure__name", "programme__name"]
    autocomplete_fields = ["programme", "measure"]


@admin.register(MeasureResponse)
class MeasureResponseAdmin(admin.ModelAdmin):
    """Responses are completed online and scored on save by the outcomes service.

    Answers and scores are read-only here, so a stored score can never disagree with
    the answers it was computed from; responses are not added through the admin.
    """

    list_display = ["completed_at", "staff", "measure", "point_label", "cohort", "score"]
    list_select_related = ["staff", "point__measure", "cohort"]
    list_filter = ["point__kind", "point__measure", "cohort__programme"]
    search_fields = ["staff__full_name", "staff__email", "point__label", "point__measure__name"]
    autocomplete_fields = ["staff", "point", "cohort"]
    readonly_fields = ["answers", "score", "subscale_scores"]
    date_hierarchy = "completed_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Measure", ordering="point__measure__name")
    def measure(self, obj):
        return obj.point.measure

    @admin.display(description="Measurement point", ordering="point__label")
    def point_label(self, obj):
        return obj.point.label


@admin.register(ResponseDraft)
class ResponseDraftAdmin(admin.ModelAdmin):
    """Answers saved part-way; never scored or counted. Read-only: they are the person's."""

    list_display = ["updated", "staff", "point", "cohort"]
    list_select_related = ["staff", "point__measure", "cohort"]
    search_fields = ["staff__full_name", "point__label"]
    readonly_fields = ["staff", "point", "cohort", "answers", "updated"]

    def has_add_permission(self, request):
        return False


# --- Service indicators --------------------------------------------------------------------------


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["period_start", "value"]


@admin.register(ServiceIndicator)
class ServiceIndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "service",
        "unit",
        "baseline_value",
        "baseline_period",
        "higher_is_better",
        "value_count",
    ]
    list_select_related = ["service__organisation"]
    list_filter = ["higher_is_better", "service__organisation"]
    search_fields = ["name", "service__name", "service__organisation__name"]
    autocomplete_fields = ["service"]
    inlines = [IndicatorValueInline]
    ordering = ["service__organisation__name", "service__name", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_value_count=Count("values"))

    @admin.display(description="Periods recorded", ordering="_value_count")
    def value_count(self, obj):
        return obj._value_count


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator_name", "service", "period_start", "value"]
    list_select_related = ["indicator__service"]
    list_filter = ["indicator__service__organisation"]
    search_fields = ["indicator__name", "indicator__service__name"]
    autocomplete_fields = ["indicator"]
    date_hierarchy = "period_start"

    @admin.display(description="Indicator", ordering="indicator__name")
    def indicator_name(self, obj):
        return obj.indicator.name

    @admin.display(description="Service", ordering="indicator__service__name")
    def service(self, obj):
        return obj.indicator.service.name
