"""Journey 5: a practitioner records CPD; "my practice" shows hours and pieces against the
standard and whether they are on pace. Outdated resources come with a warning."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from supervision import services
from supervision.models import CpdActivity
from tests import factories as f

RECORD = "/my-practice/cpd/new/"


def record(client, **changes):
    data = {
        "kind": "course",
        "title": "Working with shame",
        "done_on": "2026-11-20",
        "hours": "2.5",
        "learning": "Shame shuts conversations down.",
        "impact": "I name it, gently, and slow down.",
        **changes,
    }
    return client.post(RECORD, data)


@pytest.fixture
def library(world):
    organisation = world.programme.commissioning_organisation
    return {
        "current": f.ResourceFactory(organisation=organisation, title="Window of tolerance"),
        "outdated": f.ResourceFactory(
            organisation=organisation,
            title="Old attachment guide",
            last_reviewed=dt.date(2024, 1, 1),
            review_by=dt.date(2025, 1, 1),
        ),
        "elsewhere": f.ResourceFactory(title="Another council's tool"),
    }


def test_a_practitioner_records_cpd_and_sees_it_on_my_practice(
    frozen, client, world, standards, library
):
    client.force_login(world.practitioner)
    response = record(client, peer_reflection="on", resource=library["current"].pk)
    assert response.status_code == 302 and response.url == "/my-practice/"
    activity = CpdActivity.objects.get()
    assert activity.staff == world.practitioner_staff
    assert (activity.hours, activity.peer_reflection) == (Decimal("2.5"), True)
    assert activity.resource == library["current"]
    page = client.get("/my-practice/")
    body = page.content.decode()
    assert "CPD recorded: Working with shame (2.5 hours)." in body
    pace = page.context["person"].cpd
    assert (pace.hours, pace.pieces, pace.peer_pieces) == (Decimal("2.5"), 1, 1)
    assert not pace.on_pace  # four days before the year ends, 2.5 of 30 hours
    assert "Behind pace" in body


def test_my_practice_says_when_cpd_is_on_pace(frozen, client, world, standards):
    f.CpdActivityFactory(
        staff=world.practitioner_staff, hours=20, done_on=dt.date(2026, 3, 1), peer_reflection=True
    )
    f.CpdActivityFactory(staff=world.practitioner_staff, hours=10, done_on=dt.date(2026, 6, 1))
    f.CpdActivityFactory(staff=world.practitioner_staff, hours=10, done_on=dt.date(2025, 11, 30))
    client.force_login(world.practitioner)
    page = client.get("/my-practice/")
    pace = page.context["person"].cpd
    assert (pace.hours, pace.pieces) == (Decimal(30), 2)  # last year's activity not counted
    assert pace.on_pace and "On pace" in page.content.decode()


def test_only_the_programmes_library_is_offered(frozen, client, world, standards, library):
    client.force_login(world.practitioner)
    form = client.get(RECORD).context["form"]
    offered = set(form.fields["resource"].queryset)
    assert offered == {library["current"], library["outdated"]}
    labels = dict(form.fields["resource"].choices)
    assert any("outdated" in str(label) for label in labels.values())
    assert "link_outdated_resource" not in form.fields


def test_an_outdated_resource_needs_a_second_look_before_it_is_linked(
    frozen, client, world, standards, library
):
    client.force_login(world.practitioner)
    warned = record(client, resource=library["outdated"].pk)
    assert warned.status_code == 200
    body = warned.content.decode()
    assert "“Old attachment guide” is past its review date (01/01/2025)" in body
    assert "Link “Old attachment guide” even though it is past its review date" in body
    assert not CpdActivity.objects.exists()
    linked = record(client, resource=library["outdated"].pk, link_outdated_resource="on")
    assert linked.status_code == 302
    assert CpdActivity.objects.get().resource == library["outdated"]


def test_another_organisations_resource_cannot_be_linked(frozen, client, world, standards, library):
    client.force_login(world.practitioner)
    response = record(client, resource=library["elsewhere"].pk)
    assert "Choose a resource from the list." in response.content.decode()
    assert not CpdActivity.objects.exists()


BAD_CPD = [
    ({"hours": "-2"}, "Enter the hours it took: more than 0."),
    ({"hours": "0"}, "Enter the hours it took: more than 0."),
    ({"hours": "201"}, "Enter no more than 200 hours for one activity."),
    ({"hours": "1.25"}, "Enter hours to one decimal place"),
    ({"hours": "NaN"}, "Enter the hours as a number"),
    ({"done_on": "2026-11-27"}, "The date is in the future"),
    ({"title": "  "}, "Give the activity a title."),
    ({"kind": "holiday"}, "Choose the type of activity from the list."),
]


@pytest.mark.parametrize(("changes", "message"), BAD_CPD, ids=[m for _, m in BAD_CPD])
def test_bad_cpd_is_refused_with_a_clear_message_and_nothing_saved(
    frozen, client, world, standards, changes, message
):
    client.force_login(world.practitioner)
    response = record(client, **changes)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not CpdActivity.objects.exists()


def test_the_service_refuses_what_the_form_would(frozen, world, library):
    staff = world.practitioner_staff
    base = {"staff": staff, "kind": "course", "title": "A", "done_on": frozen}
    with pytest.raises(ValidationError, match="more than 0"):
        services.cpd_activity_record(**base, hours=Decimal("-1"))
    with pytest.raises(ValidationError, match="past its review date"):
        services.cpd_activity_record(**base, hours=Decimal(1), resource=library["outdated"])
    assert not CpdActivity.objects.exists()


@pytest.mark.parametrize("role", ["commissioner", "service_manager", "admin", "nobody"])
def test_people_without_a_staff_record_cannot_record_cpd(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(RECORD).status_code == 404
    assert record(client).status_code == 404
    assert not CpdActivity.objects.exists()
