import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from core.demo import DEMO_PASSWORD
from core.roles import roles_for

OUR_APPS = {"commissioning", "cohorts", "supervision", "outcomes", "fidelity", "auth"}


def counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in OUR_APPS
    }


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seeding_twice_does_not_duplicate_anything(seeded, settings):
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first["cohorts.StaffMember"] >= 55
    assert first["supervision.SupervisionSession"] > 500
    assert first["commissioning.Participation"] == 4


def test_seed_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))
    assert counts()["commissioning.Programme"] == 1


@pytest.mark.parametrize(
    ("username", "home", "expected_text"),
    [
        ("commissioner@launchpad.example", "/programmes/", "Trauma-informed practice"),
        ("servicemanager@launchpad.example", "/services/", "Family Help North"),
        ("linemanager@launchpad.example", "/team/", "Reports ("),
        ("practitioner@launchpad.example", "/my-practice/", "Recent supervision"),
        ("admin@launchpad.example", "/admin/", "Launchpad administration"),
    ],
)
def test_each_demo_login_lands_on_a_home_page_with_content(seeded, username, home, expected_text):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith(home)
    assert expected_text in response.content.decode()


def test_demo_roles_are_what_the_readme_says(seeded):
    from django.contrib.auth.models import User

    line_manager = roles_for(User.objects.get(username="linemanager@launchpad.example"))
    assert line_manager.is_line_manager
    practitioner = roles_for(User.objects.get(username="practitioner@launchpad.example"))
    assert practitioner.is_practitioner and not practitioner.is_line_manager
