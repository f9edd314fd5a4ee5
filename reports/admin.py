from django.contrib import admin

from .models import GeneratedReport


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = (
        "created",
        "subject_name",
        "as_of",
        "status",
        "pages",
        "seconds",
        "requested_by",
    )
    list_filter = ("status",)
    readonly_fields = ("created", "finished", "pages", "seconds", "error")
    raw_id_fields = ("requested_by", "programme", "service")
