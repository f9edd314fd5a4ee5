from django.urls import path

from . import impact_views, indicator_views

app_name = "outcomes"
urlpatterns: list = [
    # Impact (aggregates only): outcomes.impact
    path(
        "programmes/<int:pk>/impact/", impact_views.programme_impact, name="programme_impact"
    ),
    path("services/<int:pk>/impact/", impact_views.service_impact, name="service_impact"),
    path("cohorts/<int:pk>/impact/", impact_views.cohort_impact, name="cohort_impact"),
    # Service indicators: outcomes.indicators
    path("services/<int:pk>/indicators/", indicator_views.indicator_list, name="indicator_list"),
    path(
        "services/<int:pk>/indicators/new/",
        indicator_views.indicator_create,
        name="indicator_create",
    ),
    path(
        "services/<int:pk>/indicators/upload/",
        indicator_views.indicator_upload,
        name="indicator_upload",
    ),
    path(
        "services/<int:pk>/indicators/template.csv",
        indicator_views.indicator_template,
        name="indicator_template",
    ),
    path(
        "indicators/<int:pk>/record/",
        indicator_views.indicator_value_record,
        name="indicator_value_record",
    ),
]
