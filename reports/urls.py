from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("dashboard/programmes/<int:pk>/", views.programme_dashboard, name="programme_dashboard"),
    path(
        "dashboard/programmes/<int:pk>/<slug:table>.<slug:fmt>",
        views.programme_export,
        name="programme_export",
    ),
    path("dashboard/services/<int:pk>/", views.service_dashboard, name="service_dashboard"),
    path(
        "dashboard/services/<int:pk>/<slug:table>.<slug:fmt>",
        views.service_export,
        name="service_export",
    ),
    path("dashboard/team/", views.team_dashboard, name="team_dashboard"),
    path("dashboard/team/<slug:table>.<slug:fmt>", views.team_export, name="team_export"),
    path(
        "reports/programmes/<int:pk>/new/",
        views.programme_report_create,
        name="programme_report_create",
    ),
    path(
        "reports/services/<int:pk>/new/", views.service_report_create, name="service_report_create"
    ),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
