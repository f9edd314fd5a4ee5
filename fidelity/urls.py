from django.urls import path

from . import aggregate_views, views

app_name = "fidelity"
urlpatterns = [
    # The programme's reflection tool: versions, the one in use, editing (a new version).
    path("programmes/<int:pk>/reflection-tool/", views.tool_detail, name="tool_detail"),
    path("programmes/<int:pk>/reflection-tool/edit/", views.tool_edit, name="tool_edit"),
    # Checks: self-reflection, observations and supervision checks, responses.
    path("reflections/", views.reflections, name="reflections"),
    path("reflections/new/", views.check_new, name="check_new"),
    path("reflections/observe/", views.observation_new, name="observation_new"),
    path("reflections/<int:pk>/", views.check_detail, name="check_detail"),
    path("reflections/<int:pk>/edit/", views.check_edit, name="check_edit"),
    path("reflections/<int:pk>/respond/", views.check_respond, name="check_respond"),
    # Support actions: owned by the line manager, seen by both.
    path("support/<int:pk>/", views.support_action_detail, name="support_action_detail"),
    path("support/<int:pk>/done/", views.support_action_done, name="support_action_done"),
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
