from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("my-practice/", views.my_practice, name="my_practice"),
    path("team/", views.team, name="team"),
]
