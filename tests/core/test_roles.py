from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.roles import roles_for


def test_roles_come_from_data(world):
    assert roles_for(world.commissioner).is_commissioner
    assert not roles_for(world.commissioner).is_practitioner
    assert roles_for(world.service_manager).is_service_manager
    line_manager = roles_for(world.line_manager)
    assert line_manager.is_line_manager and line_manager.is_practitioner
    practitioner = roles_for(world.practitioner)
    assert practitioner.is_practitioner and not practitioner.is_line_manager
    assert roles_for(world.admin).is_admin
    assert roles_for(world.nobody).labels == []
    assert not roles_for(AnonymousUser()).is_practitioner


def test_a_person_can_hold_several_roles(world):
    world.service.managers.add(world.line_manager)
    roles = roles_for(world.line_manager)
    assert roles.is_service_manager and roles.is_line_manager
    assert roles.labels == ["Service manager", "Line manager"]


def test_each_role_has_its_own_home(world):
    assert roles_for(world.commissioner).home_url() == reverse("commissioning:programme_list")
    assert roles_for(world.service_manager).home_url() == reverse("commissioning:my_service")
    assert roles_for(world.line_manager).home_url() == reverse("supervision:team")
    assert roles_for(world.practitioner).home_url() == reverse("supervision:my_practice")
    assert roles_for(world.admin).home_url() == reverse("admin:index")
    assert roles_for(world.nobody).home_url() == reverse("no_role")


def test_roles_are_computed_once_per_user_object(world, django_assert_num_queries):
    roles_for(world.practitioner)
    with django_assert_num_queries(0):
        roles_for(world.practitioner)
