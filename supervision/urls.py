from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("my-practice/", views.my_practice, name="my_practice"),
    path("my-practice/cpd/new/", views.cpd_record, name="cpd_record"),
    path("team/", views.team, name="team"),
    path("supervision/<int:pk>/", views.session_detail, name="session_detail"),
    path("supervision/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/dismiss/", views.reminder_dismiss, name="reminder_dismiss"),
]
