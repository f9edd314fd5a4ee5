from django.urls import path

from . import views

app_name = "commissioning"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:pk>/services/add/",
        views.programme_service_add,
        name="programme_service_add",
    ),
    path(
        "programmes/<int:pk>/milestones/", views.programme_milestones, name="programme_milestones"
    ),
    path(
        "milestone-checklist/<int:pk>/edit/",
        views.milestone_template_edit,
        name="milestone_template_edit",
    ),
    path(
        "milestone-checklist/<int:pk>/remove/",
        views.milestone_template_remove,
        name="milestone_template_remove",
    ),
    # One service's part in one programme: stage, milestones, agreement, managers.
    path("participations/<int:pk>/", views.participation_detail, name="participation_detail"),
    path(
        "participations/<int:pk>/milestones/",
        views.participation_milestones,
        name="participation_milestones",
    ),
    path("participations/<int:pk>/stage/next/", views.stage_advance, name="stage_advance"),
    path("participations/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("participations/<int:pk>/agreement/", views.agreement_detail, name="agreement_detail"),
    path("participations/<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path(
        "participations/<int:pk>/agreement/submit/",
        views.agreement_submit,
        name="agreement_submit",
    ),
    path("participations/<int:pk>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path(
        "participations/<int:pk>/agreement/send-back/",
        views.agreement_send_back,
        name="agreement_send_back",
    ),
    path(
        "participations/<int:pk>/agreement/comment/",
        views.agreement_comment,
        name="agreement_comment",
    ),
    path(
        "participations/<int:pk>/agreement/changes/",
        views.agreement_changes,
        name="agreement_changes",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("programmes/<int:pk>/standards/", views.standards_detail, name="standards_detail"),
    path("programmes/<int:pk>/standards/edit/", views.standards_edit, name="standards_edit"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("my-service/", views.my_service, name="my_service"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
]
