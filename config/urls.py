from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("", include("commissioning.urls")),
    path("", include("cohorts.urls")),
    path("", include("supervision.urls")),
    path("", include("outcomes.urls")),
    path("", include("fidelity.urls")),
    path("", include("reports.urls")),
]
