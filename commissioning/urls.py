from django.urls import path

from . import views

app_name = "commissioning"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("my-service/", views.my_service, name="my_service"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
]
