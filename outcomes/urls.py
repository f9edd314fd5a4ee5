from django.urls import path

from . import impact_views

app_name = "outcomes"
urlpatterns: list = [
    # Impact (aggregates only): outcomes.impact
    path("programmes/<int:pk>/impact/", impact_views.programme_impact, name="programme_impact"),
    path("services/<int:pk>/impact/", impact_views.service_impact, name="service_impact"),
    path("cohorts/<int:pk>/impact/", impact_views.cohort_impact, name="cohort_impact"),
]
