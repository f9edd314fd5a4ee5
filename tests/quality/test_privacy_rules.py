"""DESIGN.md §3, one named test per privacy rule, on the querysets every view starts from."""

from cohorts.queries import staff_visible_to
from commissioning.queries import programmes_visible_to, services_visible_to
from fidelity.queries import checks_visible_to
from outcomes.queries import responses_visible_to
from supervision.queries import sessions_visible_to
from tests import factories as f


def test_commissioners_see_only_their_own_programmes(world):
    assert list(programmes_visible_to(world.commissioner)) == [world.programme]
    assert list(programmes_visible_to(world.other_commissioner)) == [world.other_programme]


def test_service_managers_see_only_their_own_services(world):
    assert list(services_visible_to(world.service_manager)) == [world.service]
    assert world.other_service not in services_visible_to(world.service_manager)
    assert list(programmes_visible_to(world.service_manager)) == [world.programme]


def test_commissioners_see_no_individual_staff(world):
    assert not staff_visible_to(world.commissioner).exists()


def test_staff_visibility_follows_line_management(world):
    assert set(staff_visible_to(world.line_manager)) == {
        world.line_manager_staff,
        world.practitioner_staff,
        world.colleague_staff,
    }
    assert list(staff_visible_to(world.practitioner)) == [world.practitioner_staff]
    assert world.other_practitioner_staff not in staff_visible_to(world.service_manager)


def test_supervision_notes_are_for_supervisee_and_supervisor_only(world):
    session = f.SupervisionSessionFactory(
        supervisee=world.practitioner_staff, supervisor=world.line_manager_staff
    )
    assert session in sessions_visible_to(world.practitioner)
    assert session in sessions_visible_to(world.line_manager)
    for outsider in (
        world.service_manager,
        world.commissioner,
        world.admin,
        world.other_practitioner,
        world.nobody,
    ):
        assert session not in sessions_visible_to(outsider)


def test_fidelity_checks_are_for_the_person_and_their_line_manager(world):
    check = f.FidelityCheckFactory(staff=world.practitioner_staff)
    assert check in checks_visible_to(world.practitioner)
    assert check in checks_visible_to(world.line_manager)
    for outsider in (world.service_manager, world.commissioner, world.other_practitioner):
        assert check not in checks_visible_to(outsider)


def test_measure_responses_are_for_the_person_only(world):
    response = f.MeasureResponseFactory(staff=world.practitioner_staff)
    assert list(responses_visible_to(world.practitioner)) == [response]
    for outsider in (world.line_manager, world.service_manager, world.commissioner):
        assert response not in responses_visible_to(outsider)
