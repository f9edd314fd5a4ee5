from django.urls import path

from . import views

app_name = "cohorts"
urlpatterns = [
    path("screening/", views.screening_list, name="screening_list"),
    path(
        "screening/<int:staff_pk>/<int:programme_pk>/",
        views.screening_edit,
        name="screening_edit",
    ),
    path("my-screening/", views.my_screening, name="my_screening"),
    path("my-screening/<int:pk>/", views.screening_reflect, name="screening_reflect"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/<int:programme_pk>/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("staff/import/", views.staff_import_upload, name="staff_import"),
    path("staff/import/preview/", views.staff_import_preview, name="staff_import_preview"),
    path("staff/import/template.csv", views.staff_import_template, name="staff_import_template"),
    path(
        "staff/import/template.xlsx",
        views.staff_import_template_xlsx,
        name="staff_import_template_xlsx",
    ),
]
