import pytest
from django.urls import reverse

from tests import factories as f
from tests.text import page_text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("commissioner", "/programmes/"),
        ("service_manager", "/my-service/"),
        ("line_manager", "/team/"),
        ("practitioner", "/my-practice/"),
        ("admin", "/admin/"),
        ("nobody", "/welcome/"),
    ],
)
def test_each_role_lands_on_its_home_page(client, world, role, expected):
    client.force_login(getattr(world, role))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == expected


def test_anonymous_visitors_are_asked_to_sign_in(client, db):
    response = client.get("/my-practice/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commissioner_overview_lists_services_with_progress(client, world):
    f.AgreementFactory(participation=world.participation, status="awaiting")
    f.MilestoneFactory(participation=world.participation, completed_on="2026-01-01")
    f.MilestoneFactory(participation=world.participation)
    client.force_login(world.commissioner)
    response = client.get(reverse("commissioning:programme_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.programme.name in body
    assert world.service.name in body
    assert "Awaiting sign-off" in body
    assert "1 of 2 (50%)" in body
    assert world.other_programme.name not in body


def test_service_manager_lands_on_their_service_with_its_staff(client, world):
    client.force_login(world.service_manager)
    response = client.get(reverse("commissioning:my_service"), follow=True)
    assert response.status_code == 200
    body = page_text(response)
    assert world.service.name in body
    assert world.practitioner_staff.full_name in body


def test_commissioner_sees_a_service_without_its_individual_staff(client, world):
    client.force_login(world.commissioner)
    response = client.get(reverse("commissioning:service_detail", args=[world.service.pk]))
    assert response.status_code == 200
    assert world.practitioner_staff.full_name not in page_text(response)


def test_other_services_and_programmes_answer_404(client, world):
    client.force_login(world.service_manager)
    assert (
        client.get(
            reverse("commissioning:service_detail", args=[world.other_service.pk])
        ).status_code
        == 404
    )
    client.force_login(world.commissioner)
    assert (
        client.get(
            reverse("commissioning:programme_detail", args=[world.other_programme.pk])
        ).status_code
        == 404
    )


def test_line_manager_sees_their_team(client, world):
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff,
        supervisor=world.line_manager_staff,
        held_on="2026-11-02",
    )
    client.force_login(world.line_manager)
    response = client.get(reverse("supervision:team"))
    assert response.status_code == 200
    body = page_text(response)
    assert world.practitioner_staff.full_name in body
    assert world.colleague_staff.full_name in body
    assert "02/11/2026" in body


def test_practitioner_sees_their_practice(client, world):
    f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff, supervisor=world.line_manager_staff
    )
    f.CpdActivityFactory(
        staff=world.practitioner_staff, title="Understanding behaviour as communication"
    )
    client.force_login(world.practitioner)
    response = client.get(reverse("supervision:my_practice"))
    assert response.status_code == 200
    body = page_text(response)
    assert "My practice" in body
    assert "Understanding behaviour as communication" in body
    assert world.line_manager_staff.full_name in body


def test_pages_for_roles_a_user_does_not_hold_answer_404(client, world):
    client.force_login(world.commissioner)
    assert client.get(reverse("supervision:my_practice")).status_code == 404
    assert client.get(reverse("supervision:team")).status_code == 404
    assert client.get(reverse("commissioning:my_service")).status_code == 404
