from django.urls import path

from . import impact_views, indicator_views, views

app_name = "outcomes"
urlpatterns: list = [
    # Measure definitions, measurement points, completing a measure: outcomes.views
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/publish/", views.measure_publish, name="measure_publish"),
    path("measures/<int:pk>/new-version/", views.measure_new_version, name="measure_new_version"),
    path("measures/<int:pk>/export.json", views.measure_export_json, name="measure_export_json"),
    path("measures/<int:pk>/export.yaml", views.measure_export_yaml, name="measure_export_yaml"),
    path(
        "programmes/<int:pk>/measurement-points/",
        views.programme_points,
        name="programme_points",
    ),
    path("measurement-points/<int:pk>/remove/", views.point_remove, name="point_remove"),
    path(
        "my-practice/measures/<int:point_pk>/",
        views.response_complete,
        name="response_complete",
    ),
    # Impact (aggregates only): outcomes.impact
    path("programmes/<int:pk>/impact/", impact_views.programme_impact, name="programme_impact"),
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
