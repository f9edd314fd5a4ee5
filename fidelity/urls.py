from django.urls import path

from . import aggregate_views

app_name = "fidelity"
urlpatterns = [
    # Aggregates above the line manager (suppressed where small), and their CSV tables.
    path(
        "programmes/<int:pk>/fidelity/",
        aggregate_views.programme_aggregates,
        name="programme_aggregates",
    ),
    path(
        "programmes/<int:pk>/fidelity/<slug:table>.csv",
        aggregate_views.programme_aggregates_csv,
        name="programme_aggregates_csv",
    ),
    path(
        "services/<int:pk>/fidelity/", aggregate_views.service_aggregates, name="service_aggregates"
    ),
    path(
        "services/<int:pk>/fidelity/<slug:table>.csv",
        aggregate_views.service_aggregates_csv,
        name="service_aggregates_csv",
    ),
]
