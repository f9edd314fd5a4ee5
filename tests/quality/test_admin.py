"""Django admin: every model registered, every changelist and add page working for
admins, and closed to everyone else."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

OUR_APPS = {"commissioning", "cohorts", "supervision", "outcomes", "fidelity"}
OUR_MODELS = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_is_registered_in_admin():
    missing = [m._meta.label for m in OUR_MODELS if m not in admin.site._registry]
    assert not missing


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_open_for_admins(client, world, model):
    client.force_login(world.admin)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "<script>"}).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(_request_for(world.admin)):
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.get(add).status_code == 200


@pytest.mark.parametrize(
    "role", ["practitioner", "line_manager", "service_manager", "commissioner", "nobody"]
)
def test_admin_is_closed_to_everyone_but_admins(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get(reverse("admin:cohorts_staffmember_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
